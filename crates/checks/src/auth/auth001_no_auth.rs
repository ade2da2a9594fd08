//! AUTH-001: an operation the spec protects answers without credentials.
//!
//! Proof: the surveyed anonymous GET has content; with credentials it matches
//! the authenticated answer's shape (confirmed), without them it is at least
//! no error or login page (firm). A request with a random invalid credential is
//! recorded alongside.

use super::{MAX_ENDPOINTS, OWASP, same_shape};
use crate::web;
use async_trait::async_trait;
use base64::Engine;
use rampart_engine::inventory::{Location, Security};
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};
use url::Url;

pub struct NoAuth;

static RULE: Rule = Rule {
    id: "AUTH-001",
    title: "Operation that declares security answers without credentials",
    category: Category::Authentication,
    severity: Severity::High,
    cwe: &[306],
    owasp: OWASP,
    summary: "The API description says this operation requires authentication, but it answers anonymous requests with its content: the authentication check is missing on the route.",
    remediation: "Enforce authentication on the route itself (a dependency, decorator or middleware that fails closed) and add a test that calls every protected operation without credentials.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
        "https://cwe.mitre.org/data/definitions/306.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/orders",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/orders declares required security, yet an anonymous GET answered 200 with its content, shaped like the authenticated answer. With a random invalid credential it answered 200.",
        evidence: &[
            Proof {
                request: "GET /api/v1/orders",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":1002,"user_id":1,"total":49.9},{"id":1003,"user_id":2,"total":12.5}]"#,
                note: "anonymous GET: the content, without credentials",
            },
            Proof {
                request: "GET /api/v1/orders",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":1002,"user_id":1,"total":49.9},{"id":1003,"user_id":2,"total":12.5}]"#,
                note: "the same GET with credentials",
            },
            Proof {
                request: "GET /api/v1/orders",
                headers: &["Authorization: Bearer rampar[redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":1002,"user_id":1,"total":49.9},{"id":1003,"user_id":2,"total":12.5}]"#,
                note: "control: a random invalid credential",
            },
        ],
    }],
};

#[async_trait]
impl Check for NoAuth {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        MAX_ENDPOINTS as u64
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let declared: Vec<(usize, &Operation)> = ctx
            .inventory
            .endpoints
            .iter()
            .enumerate()
            .filter(|(_, op)| op.method == "GET" && mandatory(&op.security))
            .collect();
        if declared.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no GET operation declares required security (needs a spec)".into(),
            ));
        }
        let mut findings = Vec::new();
        for (i, op) in declared {
            let Some(s) = ctx.surveyed(i) else { continue };
            let Some(anon) = s.anon.as_ref().filter(|r| web::has_content(r)) else {
                continue;
            };
            let confidence = match &s.authed {
                Some(authed) if web::has_content(authed) && same_shape(authed, anon) => Confidence::Confirmed,
                Some(_) => continue,
                None => Confidence::Firm,
            };
            if findings.len() >= MAX_ENDPOINTS {
                break;
            }
            let control = ctx.layer.send(&random_credential(ctx, op)).await?;
            let description = format!(
                "{} declares required security, yet an anonymous GET answered {} with its content{}. With a random invalid credential it answered {}.",
                op.label(),
                anon.status,
                if confidence == Confidence::Confirmed {
                    ", shaped like the authenticated answer"
                } else {
                    " (no error or login page)"
                },
                control.status
            );
            let mut evidence = vec![
                anon.exchange
                    .clone()
                    .noted("anonymous GET: the content, without credentials"),
            ];
            evidence.extend(
                s.authed
                    .as_ref()
                    .map(|a| a.exchange.clone().noted("the same GET with credentials")),
            );
            evidence.push(control.exchange.noted("control: a random invalid credential"));
            findings.push(web::finding(&RULE, confidence, op, description).with_evidence(evidence));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// Required security with no empty (anonymous) alternative.
fn mandatory(security: &Security) -> bool {
    match security {
        Security::Required(alts) => !alts.is_empty() && alts.iter().all(|alt| !alt.is_empty()),
        _ => false,
    }
}

/// The GET with a random value in the place the operation's first security scheme names.
fn random_credential(ctx: &Context<'_>, op: &Operation) -> Request {
    let value = format!("rampart{:016x}", rand::random::<u64>());
    let scheme = match &op.security {
        Security::Required(alts) => alts
            .iter()
            .flatten()
            .find_map(|(name, _)| ctx.inventory.schemes.iter().find(|s| &s.name == name)),
        _ => None,
    };
    let mut url: Url = op.url.clone();
    let header = match scheme.and_then(|s| s.param.clone().map(|p| (s, p))) {
        Some((_, (Location::Header, name))) => (name, value),
        Some((_, (Location::Query, name))) => {
            url.query_pairs_mut().append_pair(&name, &value);
            return Request::get(url).anonymous();
        }
        Some((_, (_, name))) => ("Cookie".into(), format!("{name}={value}")),
        None if scheme.and_then(|s| s.scheme.as_deref()) == Some("basic") => {
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("rampart:{value}"));
            ("Authorization".into(), format!("Basic {basic}"))
        }
        None => ("Authorization".into(), format!("Bearer {value}")),
    };
    Request::get(url).anonymous().header(&header.0, &header.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_security_is_not_mandatory() {
        let bearer = vec![("bearer".to_string(), Vec::new())];
        assert!(mandatory(&Security::Required(vec![bearer.clone()])));
        assert!(!mandatory(&Security::Required(vec![bearer, Vec::new()])));
        assert!(!mandatory(&Security::Required(Vec::new())));
        assert!(!mandatory(&Security::None) && !mandatory(&Security::Unknown));
    }
}
