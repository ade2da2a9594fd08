//! SESS-003: the session id is accepted from the URL.
//!
//! Proof: a logged-in token sent only as a query parameter (or a `;name=`
//! path parameter), from a fresh client with no cookie or header, reaches the
//! protected page; the same URL with a forged token does not (control).
//! Query names: the carrier's own, then the ones frameworks and RFC 6750
//! read. Path parameters: the carrier's name and the servlet spelling
//! `;jsessionid=`, which is lower-case whatever the cookie is called.

use super::{OWASP, PROBE, STEP, driver, finding};
use crate::examples::{login, login_page};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Driver, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Need, Proof, Rule, Severity};
use url::Url;

pub struct UrlSession;

static RULE: Rule = Rule {
    id: "SESS-003",
    title: "Session id accepted from the URL",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[598, 384],
    owasp: OWASP,
    summary: "The application accepts the session id as a URL parameter. URLs leak through logs, Referer headers, browser history and shared links, and a crafted link fixes a victim's session.",
    remediation: "Accept the session id only from its cookie or Authorization header.",
    references: &["https://cwe.mitre.org/data/definitions/598.html"],
    needs: &[Need::Flow],
    variants: &["query", "path-parameter"],
    examples: &[Example {
        endpoint: "GET /account",
        variant: Some("query"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "A fresh client with no cookie or session header, sending the logged-in token only as the query parameter `sid`, reached the protected page as the user. The same URL with a forged token was not logged in (control).",
        evidence: &[
            login_page("victim logs in"),
            login("victim logs in"),
            Proof {
                request: "GET /account?sid=a2e95c[redacted]",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<p>Signed in as alice</p>",
                note: "attack: token only in the URL is logged in",
            },
            Proof {
                request: "GET /account?sid=9e2f03[redacted]",
                headers: &[],
                body: None,
                status: 401,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<h1>Please sign in</h1>",
                note: "control: a forged token in the same place is not",
            },
        ],
    }],
};

/// Query parameter names apps commonly read a session id or token from.
const COMMON_NAMES: &[&str] = &[
    "access_token",
    "session_id",
    "sessionid",
    "sid",
    "token",
    "session",
    "jsessionid",
    "PHPSESSID",
];

/// The servlet containers' path parameter (`/page;jsessionid=…`), spelled exactly so.
const SERVLET_PARAM: &str = "jsessionid";

#[async_trait]
impl Check for UrlSession {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        2 * STEP + (COMMON_NAMES.len() as u64 + 4) * PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let d = driver(ctx)?;
        if let Some(why) = super::cookie_set(d) {
            return Ok(Outcome::NotApplicable(why));
        }
        let (agent, trail) = d.fresh_session().await?;
        let Some(token) = agent.token() else {
            return Err(super::inconclusive(&RULE, "the fresh login left no session token"));
        };
        let protected = d.url(&d.flow().protected.path);
        for candidate in candidates(&protected, d.carrier().name()) {
            let attack = d.probe_request(request(d, candidate.url(&token))).await?;
            if !attack.logged_in {
                continue;
            }
            let control = d.probe_request(request(d, candidate.url(&d.forge()))).await?;
            if control.logged_in {
                continue;
            }
            let description = format!(
                "A fresh client with no cookie or session header, sending the logged-in token only {}, reached the protected page as the user. The same URL with a forged token was not logged in (control).",
                candidate.describe()
            );
            let mut evidence: Vec<_> = trail.iter().map(|e| e.clone().noted("victim logs in")).collect();
            evidence.push(attack.evidence("attack: token only in the URL is logged in"));
            evidence.push(control.evidence("control: a forged token in the same place is not"));
            let endpoint = Endpoint {
                method: d.flow().protected.method.clone(),
                url: protected.to_string(),
            };
            let f = finding(ctx, &RULE, Confidence::Confirmed, endpoint, description).with_variant(candidate.variant());
            return Ok(Outcome::Findings(vec![f.with_evidence(evidence)]));
        }
        Ok(Outcome::Findings(Vec::new()))
    }
}

fn request(d: &Driver, url: Url) -> Request {
    let step = &d.flow().protected;
    Request::new(&step.method, url)
}

/// One place in the URL a token may be put.
enum Candidate {
    Query { base: Url, name: String },
    PathParam { base: Url, name: String },
}

impl Candidate {
    fn url(&self, token: &str) -> Url {
        match self {
            Candidate::Query { base, name } => {
                let mut url = base.clone();
                url.query_pairs_mut().append_pair(name, token);
                url
            }
            Candidate::PathParam { base, name } => {
                let mut url = base.clone();
                url.set_path(&format!("{};{name}={token}", base.path()));
                url
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Candidate::Query { name, .. } => format!("as the query parameter `{name}`"),
            Candidate::PathParam { name, .. } => format!("as the path parameter `;{name}=`"),
        }
    }

    fn variant(&self) -> &'static str {
        match self {
            Candidate::Query { .. } => "query",
            Candidate::PathParam { .. } => "path-parameter",
        }
    }
}

fn candidates(protected: &Url, carrier_name: &str) -> Vec<Candidate> {
    let mut names: Vec<String> = vec![carrier_name.to_string()];
    for name in COMMON_NAMES {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push((*name).to_string());
        }
    }
    let mut list: Vec<Candidate> = names
        .into_iter()
        .map(|name| Candidate::Query {
            base: protected.clone(),
            name,
        })
        .collect();
    for name in [carrier_name, SERVLET_PARAM] {
        if !list
            .iter()
            .any(|c| matches!(c, Candidate::PathParam { name: n, .. } if n == name))
        {
            list.push(Candidate::PathParam {
                base: protected.clone(),
                name: name.to_string(),
            });
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(carrier: &str) -> Vec<String> {
        let protected = Url::parse("http://h/profile").unwrap();
        candidates(&protected, carrier)
            .iter()
            .map(Candidate::describe)
            .collect()
    }

    #[test]
    fn servlet_path_parameter_is_lower_case_whatever_the_cookie() {
        let tried = names("JSESSIONID");
        assert!(tried.contains(&"as the path parameter `;JSESSIONID=`".to_string()));
        assert!(tried.contains(&"as the path parameter `;jsessionid=`".to_string()));
        let once = names("jsessionid");
        let path_params = once.iter().filter(|d| d.contains("path parameter")).count();
        assert_eq!(path_params, 1);
    }

    #[test]
    fn bearer_tokens_are_tried_as_access_token() {
        assert!(names("token").contains(&"as the query parameter `access_token`".to_string()));
        let url = Candidate::Query {
            base: Url::parse("http://h/me").unwrap(),
            name: "access_token".into(),
        }
        .url("abc");
        assert_eq!(url.as_str(), "http://h/me?access_token=abc");
    }
}
