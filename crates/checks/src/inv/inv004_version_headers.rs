//! INV-004: Server, X-Powered-By or X-AspNet-Version headers disclose a version.

use super::OWASP;
use crate::web::observed;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Exchange, Finding, Proof, Rule, Severity};

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
    needs: &[],
    variants: &[
        "server",
        "x-powered-by",
        "x-aspnet-version",
        "x-aspnetmvc-version",
        "x-generator",
        "x-powered-cms",
        "error-page",
    ],
    examples: &[Example {
        endpoint: "GET /",
        variant: Some("server"),
        instance: None,
        confidence: Confidence::Firm,
        description: "GET https://api.example.com/, GET https://api.example.com/api/v1/me, GET https://api.example.com/api/v1/orders and 9 more answer with server: nginx/1.25.3.",
        evidence: &[Proof {
            request: "GET /",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json", "Server: nginx/1.25.3"],
            response_body: r#"{"name":"example-api","version":"1.4.2"}"#,
            note: "server: nginx/1.25.3",
        }],
    }],
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

/// Servers and frameworks whose error pages name their version.
const PRODUCTS: &[&str] = &[
    "Apache Tomcat",
    "Apache",
    "nginx",
    "openresty",
    "Werkzeug",
    "Jetty",
    "PHP",
    "Microsoft-IIS",
    "gunicorn",
    "uvicorn",
    "Kestrel",
    "lighttpd",
    "Caddy",
    "Django Version",
    "Express",
];
/// Bytes of an error page searched.
const BODY_WINDOW: usize = 64 * 1024;

/// A product and version an error page names (`nginx/1.18.0`, `Apache Tomcat/9.0.41`, `Django Version: 4.2.1`).
pub fn body_version(body: &str) -> Option<String> {
    let end = (0..=BODY_WINDOW.min(body.len()))
        .rev()
        .find(|&i| body.is_char_boundary(i))
        .unwrap_or(0);
    let body = &body[..end];
    PRODUCTS.iter().find_map(|name| {
        body.match_indices(name).find_map(|(at, _)| {
            let rest = &body[at + name.len()..];
            let after = skip_separators(rest);
            let version: String = after.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let version = version.trim_end_matches('.');
            let separator = if rest.starts_with('/') { "/" } else { " " };
            (version.contains('.') && version.starts_with(|c: char| c.is_ascii_digit()))
                .then(|| format!("{}{separator}{version}", name.trim_end_matches(" Version")))
        })
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
                remember(&mut seen, key, o.exchange);
            }
            let error_page = o.exchange.response.status >= 400;
            if let Some(named) = body_version(&o.text()).filter(|_| error_page) {
                remember(&mut seen, ("error page".to_string(), named), o.exchange);
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
            let description = if name == "error page" {
                format!(
                    "{}{more} answer with an error page that names {value}.",
                    named.join(", ")
                )
            } else {
                format!("{}{more} answer with {name}: {value}.", named.join(", "))
            };
            let endpoint = Endpoint {
                method: first.request.method.clone(),
                url: first.request.url.clone(),
            };
            Finding::new(&RULE, Confidence::Firm, endpoint, description)
                .with_variant(&name.replace(' ', "-"))
                .with_evidence(vec![first.clone().noted(format!("{name}: {value}"))])
        });
        Ok(Outcome::Findings(findings.collect()))
    }
}

/// `rest` past what may stand between a name and its version: `/`, `:`,
/// blanks (two at most) and up to two short tags (`</th><td>`).
fn skip_separators(rest: &str) -> &str {
    let mut rest = rest;
    let mut blanks = 0;
    let mut tags = 0;
    loop {
        if let Some(r) = rest.strip_prefix(['/', ':']) {
            rest = r;
        } else if let Some(r) = rest.strip_prefix(char::is_whitespace).filter(|_| blanks < 2) {
            blanks += 1;
            rest = r;
        } else if rest.starts_with('<') && tags < 2 {
            match rest.find('>').filter(|&end| end < 8) {
                Some(end) => {
                    tags += 1;
                    rest = &rest[end + 1..];
                }
                None => return rest,
            }
        } else {
            return rest;
        }
    }
}

/// Count `exchange` under `key`, up to [`MAX_FINDINGS`] distinct keys.
fn remember<'a>(seen: &mut Vec<((String, String), Vec<&'a Exchange>)>, key: (String, String), exchange: &'a Exchange) {
    if let Some((_, all)) = seen.iter_mut().find(|(k, _)| *k == key) {
        all.push(exchange);
    } else if seen.len() < MAX_FINDINGS {
        seen.push((key, vec![exchange]));
    }
}

#[cfg(test)]
mod tests {
    use super::{body_version, discloses_version};

    #[test]
    fn versions_on_error_pages() {
        for (body, named) in [
            ("<hr><center>nginx/1.18.0 (Ubuntu)</center>", "nginx/1.18.0"),
            ("<h3>Apache Tomcat/9.0.41</h3>", "Apache Tomcat/9.0.41"),
            ("<th>Django Version:</th>\n<td>4.2.1</td>", "Django 4.2.1"),
            ("Django Version: 4.2.1", "Django 4.2.1"),
            (
                "<address>Apache/2.4.57 (Debian) Server at x Port 80</address>",
                "Apache/2.4.57",
            ),
        ] {
            let found = body_version(body);
            if named.is_empty() {
                assert_eq!(found, None, "{body}");
            } else {
                assert_eq!(found.as_deref(), Some(named), "{body}");
            }
        }
        for body in [
            "<h1>Not Found</h1>",
            "nginx",
            "PHP is great",
            "see version 1.2 of the PHP docs",
        ] {
            assert_eq!(body_version(body), None, "{body}");
        }
    }

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
