//! Static metadata every check declares about the rule it implements.

use crate::{Category, Confidence, Endpoint, Exchange, Finding, Severity};
use serde::Serialize;

/// A rule: the stable, self-describing part of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Stable id such as `SESS-001`; never reused.
    pub id: &'static str,
    pub title: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub cwe: &'static [u32],
    pub owasp: &'static str,
    /// One paragraph: what the flaw is and why it matters.
    pub summary: &'static str,
    /// The generic fix; checks may specialise it for the detected stack.
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    /// What the scan must give the rule for it to run at all; without it the
    /// rule is not applicable (and the report says which part was not tested).
    #[serde(skip_serializing_if = "<[Need]>::is_empty")]
    pub needs: &'static [Need],
    /// The forms a finding of this rule can take (`Finding::variant`): stable
    /// sub-ids such as `cookie` or `boolean`, never a name from the target
    /// (those go in `Finding::instance`). Empty when the rule has one form.
    #[serde(skip_serializing_if = "<[&str]>::is_empty")]
    pub variants: &'static [&'static str],
    /// What a finding of this rule looks like (`rampart checks --format
    /// json` shows them as findings; the report snapshots render them).
    #[serde(skip)]
    pub examples: &'static [Example],
}

/// A finding as the rule reports it, on an imagined API at [`EXAMPLE_ORIGIN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// `METHOD /path` of the endpoint the finding is on.
    pub endpoint: &'static str,
    /// One of the rule's variants.
    pub variant: Option<&'static str>,
    /// The parameter, cookie or header the finding concerns.
    pub instance: Option<&'static str>,
    pub confidence: Confidence,
    /// The description, as the check words it for this case.
    pub description: &'static str,
    /// The exchanges that prove it, attack first and then the control.
    pub evidence: &'static [Proof],
}

/// One exchange of an example's proof, in brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proof {
    /// `METHOD /path?query` sent to [`EXAMPLE_ORIGIN`].
    pub request: &'static str,
    /// The request's headers, `Name: value` each.
    pub headers: &'static [&'static str],
    pub body: Option<&'static str>,
    pub status: u16,
    /// The answer's headers, `Name: value` each.
    pub response_headers: &'static [&'static str],
    pub response_body: &'static str,
    /// What this exchange shows (`attack: …`, `control: …`).
    pub note: &'static str,
}

/// Where examples are imagined to run.
pub const EXAMPLE_ORIGIN: &str = "https://api.example.com";

impl Example {
    /// The example as a finding of `rule`, with its exchanges recorded.
    pub fn finding(&self, rule: &Rule) -> Finding {
        let (method, path) = self.endpoint.split_once(' ').unwrap_or(("GET", self.endpoint));
        let endpoint = Endpoint {
            method: method.to_string(),
            url: format!("{EXAMPLE_ORIGIN}{path}"),
        };
        let mut f = Finding::new(rule, self.confidence, endpoint, self.description);
        f.variant = self.variant.map(str::to_string);
        f.instance = self.instance.map(str::to_string);
        f.with_evidence(self.evidence.iter().map(Proof::exchange).collect())
    }
}

impl Proof {
    fn exchange(&self) -> Exchange {
        let (method, target) = self.request.split_once(' ').unwrap_or(("GET", self.request));
        let mut ex = Exchange::default().noted(self.note);
        ex.request.method = method.to_string();
        ex.request.url = format!("{EXAMPLE_ORIGIN}{target}");
        ex.request.headers = self.headers.iter().map(|h| header(h)).collect();
        ex.request.body = self.body.map(str::to_string);
        ex.response.status = self.status;
        ex.response.headers = self.response_headers.iter().map(|h| header(h)).collect();
        ex.response.body = self.response_body.to_string();
        ex.response.body_bytes = self.response_body.len();
        ex
    }
}

fn header(line: &str) -> crate::Header {
    let (name, value) = line.split_once(':').unwrap_or((line, ""));
    crate::Header {
        name: name.trim().to_string(),
        value: value.trim().to_string(),
    }
}

impl Need {
    /// Every need a rule may declare.
    pub const ALL: [Need; 7] = [
        Need::Flow,
        Need::Store,
        Need::Callback,
        Need::Credentials,
        Need::Identity,
        Need::Active,
        Need::Spec,
    ];
}

impl Rule {
    /// Does the rule need `need` to run at all?
    pub fn requires(&self, need: Need) -> bool {
        self.needs.contains(&need)
    }
}

/// Something a rule cannot run without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    /// A session flow (`--flow` or `--login`): the rule logs in and out as the
    /// flow's user, so such rules run one at a time.
    Flow,
    /// Read access to the session store (`--store`).
    Store,
    /// The scan's callback listener, whose URL the rule hands the target.
    Callback,
    /// The scan's own credentials (`--header`, `--bearer`, `--login` or `--flow`).
    Credentials,
    /// A second user (`--identity NAME=CREDENTIAL`).
    Identity,
    /// Writes to objects the scan creates (`--active`).
    Active,
    /// An API description (`--spec`).
    Spec,
}
