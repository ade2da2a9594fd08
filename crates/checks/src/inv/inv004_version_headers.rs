//! INV-004: Server, X-Powered-By or X-AspNet-Version headers disclose a version.

use super::OWASP;
use crate::web::observed;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Finding, Rule, Severity};

pub struct VersionDisclosed;

static RULE: Rule = Rule {
    id: "INV-004",
    title: "Server or framework version disclosed",
    category: Category::Inventory,
    severity: Severity::Low,
    cwe: &[200],
    owasp: OWASP,
    summary: "Response headers name the server or framework with its exact version (Werkzeug/3.0.1, nginx/1.25.3), which tells an attacker which published vulnerabilities to try.",
    remediation: "Drop version numbers from Server and X-Powered-By (or the headers altogether): e.g. server_tokens off in nginx, ServerTokens Prod in Apache, --no-server-header in uvicorn.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://cwe.mitre.org/data/definitions/200.html",
    ],
};

/// Headers that name software.
const HEADERS: &[&str] = &["server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version"];
/// Most disclosures reported.
const MAX_FINDINGS: usize = 3;

/// Does a header value carry a version number (`name/1.2`, or a bare `4.0.30319`)?
pub fn discloses_version(value: &str) -> bool {
    let bare = value.trim().starts_with(|c: char| c.is_ascii_digit()) && value.contains('.');
    bare || value.split_whitespace().any(|token| {
        token
            .split_once('/')
            .is_some_and(|(name, v)| !name.is_empty() && v.starts_with(|c: char| c.is_ascii_digit()))
    })
}

#[async_trait]
impl Check for VersionDisclosed {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut findings: Vec<Finding> = Vec::new();
        let mut reported: Vec<(String, String)> = Vec::new();
        for o in observed(ctx) {
            for h in &o.exchange.response.headers {
                let name = h.name.to_ascii_lowercase();
                let key = (name.clone(), h.value.clone());
                if !HEADERS.contains(&name.as_str()) || !discloses_version(&h.value) || reported.contains(&key) {
                    continue;
                }
                if findings.len() >= MAX_FINDINGS {
                    break;
                }
                reported.push(key);
                let description = format!(
                    "{} {} answers with {}: {}.",
                    o.exchange.request.method, o.exchange.request.url, h.name, h.value
                );
                let evidence = o.exchange.clone().noted(format!("{}: {}", h.name, h.value));
                findings.push(
                    Finding::new(&RULE, Confidence::Firm, o.endpoint(), description)
                        .with_variant(&name)
                        .with_evidence(vec![evidence]),
                );
            }
        }
        Ok(Outcome::Findings(findings))
    }
}

#[cfg(test)]
mod tests {
    use super::discloses_version;

    #[test]
    fn versions_in_headers() {
        for v in [
            "Werkzeug/3.0.1 Python/3.11.2",
            "nginx/1.25.3",
            "Apache/2.4.57 (Debian)",
            "PHP/8.2.1",
            "4.0.30319",
            "FastAPI/0.110.0",
        ] {
            assert!(discloses_version(v), "{v}");
        }
        for v in [
            "nginx",
            "uvicorn",
            "Express",
            "cloudflare",
            "Microsoft-IIS",
            "AmazonS3",
            "a/b",
        ] {
            assert!(!discloses_version(v), "{v}");
        }
    }
}
