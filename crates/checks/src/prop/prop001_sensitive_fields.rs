//! PROP-001: responses carry sensitive properties (password hashes, secrets,
//! keys, reset tokens, internal fields) with values (passive, one finding per
//! endpoint).

use super::OWASP;
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct SensitiveFields;

static RULE: Rule = Rule {
    id: "PROP-001",
    title: "Sensitive fields in responses",
    category: Category::PropertyAuthorization,
    severity: Severity::Medium,
    cwe: &[213],
    owasp: OWASP,
    summary: "Responses include properties no client should see (password hashes, salts, secrets, API or private keys, reset tokens, internal fields): the API serializes whole records instead of the fields clients need.",
    remediation: "Serialize responses through explicit response models that list the public fields (allow-list), never whole database records; keep secrets and internal fields out of API objects.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
        "https://cwe.mitre.org/data/definitions/213.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/users/2",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "GET /api/v1/users/{id} answered a request with credentials with sensitive properties: password_hash, reset_token.",
        evidence: &[Proof {
            request: "GET /api/v1/users/2",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"id":2,"username":"bob","email":"bob@example.com","password_hash":"$2b$12$[redacted]","reset_token":"9c41[redacted]"}"#,
            note: "the response carries sensitive properties",
        }],
    }],
};

/// Property names (compared without case) that must not reach clients.
const SENSITIVE: &[&str] = &[
    "password",
    "password_hash",
    "passwordhash",
    "hashed_password",
    "passwd",
    "pwd_hash",
    "secret",
    "client_secret",
    "secret_key",
    "api_key",
    "apikey",
    "private_key",
    "privatekey",
    "salt",
    "password_salt",
    "mfa_secret",
    "totp_secret",
    "otp_secret",
    "reset_token",
    "password_reset_token",
    "refresh_token_hash",
];

#[async_trait]
impl Check for SensitiveFields {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut findings = Vec::new();
        let documentation = web::documentation(ctx);
        for s in ctx.survey {
            let Some(op) = ctx.inventory.endpoints.get(s.endpoint) else {
                continue;
            };
            if s.responses()
                .any(|r| web::is_documentation(&documentation, op.url.as_str(), &r.body))
            {
                continue;
            }
            let Some((resp, found)) = s.responses().find_map(|r| Some((r, exposed(r)?))) else {
                continue;
            };
            let description = format!(
                "{} answered {} with sensitive properties: {}.",
                op.label(),
                if resp
                    .exchange
                    .request
                    .headers
                    .iter()
                    .any(|h| h.name.eq_ignore_ascii_case("authorization") || h.name.eq_ignore_ascii_case("cookie"))
                {
                    "a request with credentials"
                } else {
                    "a request"
                },
                found.join(", ")
            );
            let evidence = resp.exchange.clone().noted("the response carries sensitive properties");
            findings.push(web::finding(&RULE, Confidence::Firm, op, description).with_evidence(vec![evidence]));
        }
        let json = ctx
            .survey
            .iter()
            .flat_map(|s| s.responses())
            .any(|r| web::has_content(r) && web::json(r).is_some());
        if findings.is_empty() && !json {
            return Ok(Outcome::NotApplicable("no JSON response to inspect".into()));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The sensitive property names with values in a 2xx JSON answer.
fn exposed(resp: &Response) -> Option<Vec<String>> {
    if !(200..300).contains(&resp.status) {
        return None;
    }
    let mut found: Vec<String> = web::fields(&web::json(resp)?)
        .into_iter()
        .filter(|(k, v)| is_sensitive(k) && has_value(v))
        .map(|(k, _)| k)
        .collect();
    found.sort();
    found.dedup();
    (!found.is_empty()).then_some(found)
}

/// A sensitive property name: listed, or `internal_*`.
pub fn is_sensitive(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    SENSITIVE.contains(&lower.as_str()) || lower.starts_with("internal_") || lower.starts_with("internal-")
}

/// A real value: not empty, not a boolean, not already masked.
fn has_value(value: &str) -> bool {
    let v = value.trim();
    let masked = v.chars().all(|c| c == '*' || c == 'x' || c == '•')
        || v.eq_ignore_ascii_case("[redacted]")
        || v.eq_ignore_ascii_case("redacted");
    !v.is_empty() && !masked && !matches!(v, "true" | "false")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_names_and_real_values() {
        for key in [
            "password_hash",
            "Password",
            "api_key",
            "internal_notes",
            "salt",
            "mfa_secret",
            "reset_token",
        ] {
            assert!(is_sensitive(key), "{key}");
        }
        for key in ["password_changed_at", "secretary", "name", "internals", "token_type"] {
            assert!(!is_sensitive(key), "{key}");
        }
        assert!(has_value("$2b$12$abc") && has_value("42"));
        for v in ["", "  ", "********", "[REDACTED]", "false", "xxxx"] {
            assert!(!has_value(v), "{v:?}");
        }
    }

    #[test]
    fn an_api_description_is_not_a_leak() {
        let resp = |body: &str| Response {
            status: 200,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            truncated: false,
            exchange: rampart_model::Exchange::default(),
        };
        let example = r#"{"requestBody":{"content":{"application/json":{"example":{"username":"alice","password":"correct-horse-7"}}}}}"#;
        let description =
            format!(r#"{{"openapi":"3.0.3","info":{{"title":"t"}},"paths":{{"/login":{{"post":{example}}}}}}}"#);
        // Both name a password; only the description is documentation (so PROP-001 skips it).
        assert_eq!(exposed(&resp(&description)).unwrap(), ["password"]);
        assert!(web::is_documentation(&[], "http://h/schema", description.as_bytes()));
        assert_eq!(exposed(&resp(example)).unwrap(), ["password"]);
        assert!(!web::is_documentation(&[], "http://h/schema", example.as_bytes()));
        assert!(web::is_documentation(
            &["http://h/schema".into()],
            "http://h/schema",
            example.as_bytes()
        ));
    }
}
