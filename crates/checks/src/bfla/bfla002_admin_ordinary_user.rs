//! BFLA-002: an administrative endpoint answers an ordinary user.
//!
//! Proof (from the survey): the anonymous GET is refused (control) while the
//! scan's credentials, belonging to a user who is not an administrator, get
//! the content. Confirmed when the caller's identity says it is no admin.
//! When the scan's user is an administrator, the ordinary user is another
//! identity (`--identity`): it gets the content the administrator gets.

use super::{OWASP, is_admin_op};
use crate::auth::oracle::protected;
use crate::auth::same_shape;
use crate::bola::identity::{Me, me, record_as};
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Request;
use rampart_engine::identity::Other;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct AdminOrdinaryUser;

static RULE: Rule = Rule {
    id: "BFLA-002",
    title: "Admin endpoint reachable by an ordinary user",
    category: Category::Bfla,
    severity: Severity::High,
    cwe: &[285],
    owasp: OWASP,
    summary: "An administrative endpoint checks that the caller is logged in but not that the caller is an administrator: any user can use admin functions.",
    remediation: "Check the caller's role or permission on every admin operation (a role-guarded router or policy), not just authentication; deny by default.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/",
        "https://cwe.mitre.org/data/definitions/285.html",
    ],
    needs: &[Need::Credentials],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/admin/users",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/admin/users refuses anonymous requests (status 401) but gave its content to user alice (not an administrator) (status 200): it checks authentication, not the admin role.",
        evidence: &[
            Proof {
                request: "GET /api/v1/admin/users",
                headers: &[],
                body: None,
                status: 401,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"authentication required"}"#,
                note: "control: the anonymous request is refused",
            },
            Proof {
                request: "GET /api/v1/me",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1,"username":"alice","email":"alice@example.com","role":"user"}"#,
                note: "the caller's identity and role",
            },
            Proof {
                request: "GET /api/v1/admin/users",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":1,"username":"alice","role":"user"},{"id":2,"username":"bob","role":"user"}]"#,
                note: "attack: the ordinary user gets the admin content",
            },
        ],
    }],
};

/// Admin operations tried as another identity.
const MAX_OPS: usize = 20;

#[async_trait]
impl Check for AdminOrdinaryUser {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        1 + MAX_OPS as u64
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        if !ctx
            .inventory
            .endpoints
            .iter()
            .any(|op| op.method == "GET" && is_admin_op(op))
        {
            return Ok(Outcome::NotApplicable("no admin or internal endpoint is known".into()));
        }
        let me = me(ctx);
        let admin = me.as_ref().and_then(|m| m.record.is_admin());
        match (admin, ctx.identities.first()) {
            (Some(true), None) => {
                return Ok(Outcome::NotApplicable(
                    "the scan's user is an administrator; name an ordinary user with --identity NAME=CREDENTIAL".into(),
                ));
            }
            (Some(true) | None, Some(other)) => return with_identity(ctx, me.as_ref(), admin, other).await,
            _ => {}
        }
        let (confidence, who) = match (admin, &me) {
            (Some(false), Some(m)) => (
                Confidence::Confirmed,
                format!(
                    "user {} (not an administrator)",
                    m.record.username.as_deref().or(m.record.id.as_deref()).unwrap_or("?")
                ),
            ),
            _ => (Confidence::Firm, "the scan's user (its role is not shown)".to_string()),
        };
        let mut findings = Vec::new();
        for (op, anon, authed) in protected(ctx).filter(|(op, ..)| is_admin_op(op)) {
            let description = format!(
                "{} refuses anonymous requests (status {}) but gave its content to {who} (status {}): it checks authentication, not the admin role.",
                op.label(),
                anon.status,
                authed.status
            );
            let mut evidence = vec![anon.exchange.clone().noted("control: the anonymous request is refused")];
            evidence.extend(
                me.as_ref()
                    .map(|m| m.source.clone().noted("the caller's identity and role")),
            );
            evidence.push(
                authed
                    .exchange
                    .clone()
                    .noted("attack: the ordinary user gets the admin content"),
            );
            findings.push(web::finding(&RULE, confidence, op, description).with_evidence(evidence));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The admin operations the scan's user reads (an administrator, or a user
/// whose role is not shown), read as `other`: an operation that refuses
/// `other` tells users apart and is no finding.
async fn with_identity(
    ctx: &Context<'_>,
    me: Option<&Me>,
    admin: Option<bool>,
    other: &Other,
) -> Result<Outcome, Error> {
    let them = match me {
        Some(me) => record_as(ctx, other, me).await?,
        None => None,
    };
    let (confidence, who) = match them.as_ref().and_then(|r| r.is_admin()) {
        Some(true) => {
            return Ok(Outcome::NotApplicable(format!(
                "identity {} is an administrator too",
                other.name
            )));
        }
        Some(false) => (Confidence::Confirmed, format!("{} (not an administrator)", other.name)),
        None => (Confidence::Firm, format!("{} (its role is not shown)", other.name)),
    };
    let scan_user = match admin {
        Some(true) => "the scan's user (an administrator)",
        _ => "the scan's user",
    };
    let mut findings = Vec::new();
    for (op, anon, first) in protected(ctx).filter(|(op, ..)| is_admin_op(op)).take(MAX_OPS) {
        let theirs = ctx
            .layer
            .send(&other.request(Request::get(op.url.clone())).await?)
            .await?;
        if !web::has_content(&theirs) || !same_shape(first, &theirs) {
            continue;
        }
        let description = format!(
            "{} refuses anonymous requests (status {}) and gives its content to {scan_user} (status {}); {who} gets the same content (status {}): it checks authentication, not the admin role.",
            op.label(),
            anon.status,
            first.status,
            theirs.status
        );
        let mut evidence = vec![anon.exchange.clone().noted("control: the anonymous request is refused")];
        evidence.extend(me.map(|m| m.source.clone().noted("the scan's user's identity and role")));
        evidence.push(first.exchange.clone().noted("the scan's user's answer"));
        evidence.push(
            theirs
                .exchange
                .noted(format!("attack: {} gets the same content", other.name)),
        );
        findings.push(web::finding(&RULE, confidence, op, description).with_evidence(evidence));
    }
    Ok(Outcome::Findings(findings))
}
