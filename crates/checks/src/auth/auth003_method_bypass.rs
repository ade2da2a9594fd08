//! AUTH-003: authentication is enforced for GET but another method on the same
//! path gets through without credentials.
//!
//! Proof (HEAD): the anonymous GET is refused (control) while an anonymous HEAD
//! answers 2xx announcing exactly the length of the authenticated GET's body.
//! With `--active`, a POST/PUT the spec protects on the same path is sent
//! anonymously and answers 2xx with the documented response shape.

use super::oracle::protected;
use super::{MAX_ENDPOINTS, OWASP};
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::writes::Ledger;
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Cleanup, Confidence, Example, Finding, Proof, Rule, Severity};

pub struct MethodBypass;

static RULE: Rule = Rule {
    id: "AUTH-003",
    title: "Authentication bypassed by another method",
    category: Category::Authentication,
    severity: Severity::High,
    cwe: &[650],
    owasp: OWASP,
    summary: "The path refuses an anonymous GET but serves the same resource to another method (HEAD, or a write method) without credentials: authentication is tied to the method instead of the route.",
    remediation: "Apply the authentication check to the route for every method (including HEAD, which frameworks often derive from GET), and refuse methods the route does not declare.",
    references: &[
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/04-Authentication_Testing/04-Testing_for_Bypassing_Authentication_Schema",
        "https://cwe.mitre.org/data/definitions/650.html",
    ],
    needs: &[],
    variants: &["head", "post", "put"],
    examples: &[Example {
        endpoint: "GET /api/v1/invoices",
        variant: Some("head"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/invoices refuses an anonymous GET (status 401), but an anonymous HEAD answered 200 with Content-Length 113, exactly the size of the authenticated GET's body: the resource is served without credentials.",
        evidence: &[
            Proof {
                request: "GET /api/v1/invoices",
                headers: &[],
                body: None,
                status: 401,
                response_headers: &["Content-Type: application/json", "WWW-Authenticate: Bearer"],
                response_body: r#"{"error":"authentication required"}"#,
                note: "control: the anonymous GET is refused",
            },
            Proof {
                request: "GET /api/v1/invoices",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json", "Content-Length: 113"],
                response_body: r#"[{"id":311,"user_id":1,"amount":49.9,"due":"2024-07-01"},{"id":312,"user_id":1,"amount":12.5,"due":"2024-08-01"}]"#,
                note: "the authenticated GET and its body size",
            },
            Proof {
                request: "HEAD /api/v1/invoices",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json", "Content-Length: 113"],
                response_body: "",
                note: "attack: the anonymous HEAD succeeds with the same size",
            },
        ],
    }],
};

/// Most write operations tried with `--active`.
const MAX_WRITES: usize = 10;

#[async_trait]
impl Check for MethodBypass {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, cfg: &ScanConfig) -> u64 {
        (MAX_ENDPOINTS + if cfg.active { MAX_WRITES } else { 0 }) as u64
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let targets: Vec<_> = protected(ctx).take(MAX_ENDPOINTS).collect();
        if targets.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no endpoint refuses anonymous GETs while answering the scan's credentials".into(),
            ));
        }
        let mut findings = Vec::new();
        for (op, anon, authed) in &targets {
            let head = ctx
                .layer
                .send(&Request::new("HEAD", op.url.clone()).anonymous())
                .await?;
            let expected = authed.exchange.response.body_bytes;
            if (200..300).contains(&head.status) && announced(&head) == Some(expected) && expected != anon.body.len() {
                let description = format!(
                    "{} refuses an anonymous GET (status {}), but an anonymous HEAD answered {} with Content-Length {expected}, exactly the size of the authenticated GET's body: the resource is served without credentials.",
                    op.label(),
                    anon.status,
                    head.status
                );
                let evidence = vec![
                    anon.exchange.clone().noted("control: the anonymous GET is refused"),
                    authed.exchange.clone().noted("the authenticated GET and its body size"),
                    head.exchange
                        .noted("attack: the anonymous HEAD succeeds with the same size"),
                ];
                let f = web::finding(&RULE, Confidence::Confirmed, op, description).with_variant("head");
                findings.push(f.with_evidence(evidence));
            }
        }
        if ctx.config.active {
            findings.extend(writes(ctx, &targets).await?);
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The Content-Length a response announces.
fn announced(resp: &Response) -> Option<usize> {
    resp.header("content-length")?.trim().parse().ok()
}

/// Anonymous POST/PUT operations the spec protects on the paths whose GET is
/// refused anonymously; never one that addresses an existing object (`/items/{id}`),
/// which a bypass would overwrite. A write the server accepts is in the ledger.
async fn writes(ctx: &Context<'_>, targets: &[(&Operation, &Response, &Response)]) -> Result<Vec<Finding>, Error> {
    let ops = ctx.inventory.endpoints.iter().filter(|op| {
        matches!(op.method.as_str(), "POST" | "PUT")
            && op.security.is_required()
            && !crate::objects::names_object(&op.path)
            && targets.iter().any(|(get, ..)| get.path == op.path)
    });
    let mut findings = Vec::new();
    for op in ops.take(MAX_WRITES) {
        let Some(documented) = documented_keys(op) else {
            continue;
        };
        let mut req = Request::new(&op.method, op.url.clone()).anonymous();
        if let Some(body) = &op.body {
            req = req.json(&body.example);
        }
        let resp = ctx.layer.send(&req).await?;
        if (200..300).contains(&resp.status) {
            let ledger = ctx.shared::<Ledger>();
            let why = "accepted anonymously: rampart cannot undo it";
            ledger.record(
                RULE.id,
                "anonymous",
                (&req, resp.status),
                None,
                Cleanup::Failed(why.into()),
            );
        }
        let keys = web::json(&resp).and_then(|v| v.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()));
        let shaped = keys.is_some_and(|k| !k.is_empty() && k.iter().all(|k| documented.contains(k)));
        if !(web::has_content(&resp) && shaped) {
            continue;
        }
        let Some((_, anon, _)) = targets.iter().find(|(get, ..)| get.path == op.path) else {
            continue;
        };
        let description = format!(
            "The anonymous GET of {} is refused (status {}), but an anonymous {} answered {} with its documented response: the write operation skips authentication.",
            op.path,
            anon.status,
            op.label(),
            resp.status
        );
        let evidence = vec![
            anon.exchange
                .clone()
                .noted("control: the anonymous GET on the same path is refused"),
            resp.exchange
                .noted(format!("attack: the anonymous {} succeeds", op.method)),
        ];
        let variant = op.method.to_ascii_lowercase();
        findings.push(
            web::finding(&RULE, Confidence::Firm, op, description)
                .with_variant(&variant)
                .with_evidence(evidence),
        );
    }
    Ok(findings)
}

/// Top-level property names of the operation's documented 2xx response object.
fn documented_keys(op: &Operation) -> Option<Vec<String>> {
    let shape = op.responses.iter().find(|r| r.status.starts_with('2') && !r.is_array)?;
    let top = shape
        .properties
        .as_ref()?
        .iter()
        .filter(|p| !p.contains('.'))
        .cloned()
        .collect::<Vec<_>>();
    (!top.is_empty()).then_some(top)
}
