//! CRYPTO-005: HTTPS answers that reference plain-HTTP scripts, styles, frames or API URLs.

use super::OWASP;
use crate::web::{Observed, fields, observed};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};

pub struct MixedContent;

static RULE: Rule = Rule {
    id: "CRYPTO-005",
    title: "Mixed content",
    category: Category::Encryption,
    severity: Severity::Low,
    cwe: &[319],
    owasp: OWASP,
    summary: "An HTTPS answer points clients at plain-HTTP URLs (scripts, styles, frames, or API links in JSON). Whatever is fetched from them can be read or replaced on the network, undoing the HTTPS of the page or client.",
    remediation: "Reference every resource and API link over https:// (or relative URLs), and build links from the request's scheme behind proxies (X-Forwarded-Proto).",
    references: &[
        "https://developer.mozilla.org/en-US/docs/Web/Security/Mixed_content",
        "https://cwe.mitre.org/data/definitions/319.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/orders/1002",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "GET https://api.example.com/api/v1/orders/1002 is served over HTTPS but references http://files.example.com/invoices/1002.pdf.",
        evidence: &[Proof {
            request: "GET /api/v1/orders/1002",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"id":1002,"total":49.9,"invoice_url":"http://files.example.com/invoices/1002.pdf"}"#,
            note: "references http://files.example.com/invoices/1002.pdf",
        }],
    }],
};

/// Most answers reported.
const MAX_FINDINGS: usize = 5;
/// HTML attributes that load active content.
const ATTRIBUTES: &[&str] = &["src=\"http://", "src='http://", "src=http://"];

#[async_trait]
impl Check for MixedContent {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        if ctx.config.target.scheme() != "https" {
            return Ok(Outcome::NotApplicable("the target is not served over HTTPS".into()));
        }
        let mut findings: Vec<Finding> = Vec::new();
        for o in observed(ctx) {
            let endpoint = o.endpoint();
            let known = findings.iter().any(|f| f.endpoint == endpoint);
            if known || !endpoint.url.starts_with("https://") || findings.len() >= MAX_FINDINGS {
                continue;
            }
            let Some(url) = plain_reference(&o) else {
                continue;
            };
            let description = format!(
                "{} {} is served over HTTPS but references {url}.",
                endpoint.method, endpoint.url
            );
            let evidence = o.exchange.clone().noted(format!("references {url}"));
            findings.push(Finding::new(&RULE, Confidence::Firm, endpoint, description).with_evidence(vec![evidence]));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The first plain-HTTP URL the answer loads (HTML) or links to (JSON URL fields).
fn plain_reference(o: &Observed<'_>) -> Option<String> {
    let text = o.text();
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
        return fields(&value)
            .into_iter()
            .find(|(k, v)| url_key(k) && v.starts_with("http://"))
            .map(|(_, v)| v);
    }
    let lower = text.to_ascii_lowercase();
    let from_src = ATTRIBUTES
        .iter()
        .filter_map(|a| lower.find(a).map(|i| i + a.len() - 7))
        .min();
    let from_link = lower.match_indices("<link").find_map(|(i, _)| {
        let tag = &lower[i..lower[i..].find('>').map_or(lower.len(), |e| i + e)];
        tag.find("href=\"http://").map(|h| i + h + 6)
    });
    let start = [from_src, from_link].into_iter().flatten().min()?;
    let url: String = text[start..]
        .chars()
        .take_while(|c| !matches!(c, '"' | '\'' | ' ' | '>'))
        .take(200)
        .collect();
    Some(url)
}

/// JSON keys that hold links clients follow.
fn url_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["url", "uri", "href", "link", "endpoint"].iter().any(|w| k.contains(w)) && !k.starts_with('$')
}
