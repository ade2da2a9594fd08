//! INV-004: Server, X-Powered-By or X-AspNet-Version headers disclose a version.

use super::OWASP;
use crate::web::observed;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Exchange, Finding, Rule, Severity};

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
const HEADERS: &[&str] = &[
    "server",
    "x-powered-by",
    "x-aspnet-version",
    "x-aspnetmvc-version",
    "x-generator",
    "x-powered-cms",
];
/// Most disclosures reported.
const MAX_FINDINGS: usize = 5;
/// Endpoints named per disclosure.
const MAX_NAMED: usize = 3;

/// Does a header value carry a version number: `name/1.2`, a bare
/// `4.0.30319`, or a version after a name (`Python 3.10`, `FastAPI ^0.103.0`,
/// `PHP 8.2`)?
pub fn discloses_version(value: &str) -> bool {
    let is_version = |t: &str| {
        let t = t
            .trim_start_matches(['^', '~', '=', 'v', 'V', '>', '<'])
            .trim_end_matches([',', ';', ')']);
        t.starts_with(|c: char| c.is_ascii_digit())
            && t.contains('.')
            && t.chars().all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
    };
    let bare = is_version(value.trim());
    let tokens: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    let slashed = tokens.iter().any(|token| {
        token
            .split_once('/')
            .is_some_and(|(name, v)| !name.is_empty() && v.starts_with(|c: char| c.is_ascii_digit()))
    });
    let named = tokens
        .windows(2)
        .any(|pair| pair[0].chars().any(|c| c.is_ascii_alphabetic()) && is_version(pair[1]));
    bare || slashed || named
}

#[async_trait]
impl Check for VersionDisclosed {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    /// One finding per disclosed header value, naming the endpoints that send it.
    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut seen: Vec<((String, String), Vec<&Exchange>)> = Vec::new();
        for o in observed(ctx) {
            for h in &o.exchange.response.headers {
                let name = h.name.to_ascii_lowercase();
                if !HEADERS.contains(&name.as_str()) || !discloses_version(&h.value) {
                    continue;
                }
                let key = (name, h.value.clone());
                if let Some((_, all)) = seen.iter_mut().find(|(k, _)| *k == key) {
                    all.push(o.exchange);
                } else if seen.len() < MAX_FINDINGS {
                    seen.push((key, vec![o.exchange]));
                }
            }
        }
        let findings = seen.into_iter().map(|((name, value), all)| {
            let first = all[0];
            let named: Vec<String> = all
                .iter()
                .take(MAX_NAMED)
                .map(|ex| format!("{} {}", ex.request.method, ex.request.url))
                .collect();
            let more = match all.len().saturating_sub(MAX_NAMED) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            let description = format!("{}{more} answer with {name}: {value}.", named.join(", "));
            let endpoint = Endpoint {
                method: first.request.method.clone(),
                url: first.request.url.clone(),
            };
            Finding::new(&RULE, Confidence::Firm, endpoint, description)
                .with_variant(&name)
                .with_evidence(vec![first.clone().noted(format!("{name}: {value}"))])
        });
        Ok(Outcome::Findings(findings.collect()))
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
            "Python 3.10, FastAPI ^0.103.0",
            "PHP 8.2.1",
            "Express v4.18.2",
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
            "Next.js",
            "ASP.NET",
            "gunicorn (1 worker)",
        ] {
            assert!(!discloses_version(v), "{v}");
        }
    }
}
