//! BOLA-006: the scan's user changes another account's password (`--active`).
//!
//! rampart registers a throwaway account through the API's public
//! registration, with password P1, and logs in as it (control: P1 works). As
//! the scan's own user it then sends the API's password change for that
//! account, named in the path (`/users/{username}/password`) or the body, with
//! a new password P2 and without the old one. The account now logs in with P2
//! and no longer with P1: whoever is signed in can take over any account.
//! Afterwards the account logs in and deletes itself; no other account is
//! ever touched.

use super::OWASP;
use crate::accounts::{self, Account, Login, new_password};
use crate::inputs::with_segment;
use crate::objects::json_body;
use crate::web;
use async_trait::async_trait;
use rampart_engine::check::needs_reason;
use rampart_engine::http::Request;
use rampart_engine::writes::SCAN;
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Need, Proof, Rule, Severity};
use serde_json::Value;

pub struct PasswordChange;

static RULE: Rule = Rule {
    id: "BOLA-006",
    title: "Another user can change your password",
    category: Category::Bola,
    severity: Severity::Critical,
    cwe: &[620, 639],
    owasp: OWASP,
    summary: "Signed in as one user, rampart changed the password of another account (one it registered for the test) without knowing the old password: the password change does not check that the account is the caller's, so any user can take over any account.",
    remediation: "Change only the caller's own password (take the account from the session, never from the path or body), require the current password (or a fresh re-authentication) for the change, and end the account's other sessions afterwards.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",
        "https://cwe.mitre.org/data/definitions/620.html",
    ],
    needs: &[Need::Active, Need::Credentials],
    variants: &[],
    examples: &[Example {
        endpoint: "PUT /api/v1/users/alice/password",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "PUT /api/v1/users/{username}/password changed the password of rampart-5c1e09a7, an account rampart registered for the test, when the scan's user asked (status 204), without the old password: the account logged in with its password before (control), and afterwards logs in with the new one (status 200) and no longer with the old one (status 401). The account was rampart's own and is deleted.",
        evidence: &[
            Proof {
                request: "POST /api/v1/register",
                headers: &["Content-Type: application/json"],
                body: Some(
                    r#"{"username":"rampart-5c1e09a7","email":"rampart-5c1e09a7@example.com","password":"[redacted]"}"#,
                ),
                status: 201,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":58,"username":"rampart-5c1e09a7"}"#,
                note: "rampart registers an account of its own",
            },
            Proof {
                request: "POST /login",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"username":"rampart-5c1e09a7","password":"[redacted]"}"#),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"access_token":"[redacted]","token_type":"bearer"}"#,
                note: "control: the account logs in with its password",
            },
            Proof {
                request: "PUT /api/v1/users/rampart-5c1e09a7/password",
                headers: &["Authorization: Bearer [redacted]", "Content-Type: application/json"],
                body: Some(r#"{"password":"[redacted]"}"#),
                status: 204,
                response_headers: &[],
                response_body: "",
                note: "attack: the scan's user changes the account's password",
            },
            Proof {
                request: "POST /login",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"username":"rampart-5c1e09a7","password":"[redacted]"}"#),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"access_token":"[redacted]","token_type":"bearer"}"#,
                note: "the account now logs in with the new password",
            },
            Proof {
                request: "POST /login",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"username":"rampart-5c1e09a7","password":"[redacted]"}"#),
                status: 401,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"invalid credentials"}"#,
                note: "and no longer with the old one",
            },
        ],
    }],
};

/// Password-change operations tried.
const MAX_OPS: usize = 2;
/// Requests per operation: register, log in, change, two logins, a login and a DELETE to clean up.
const PER_OP: u64 = 7;

/// How a password change names the account it changes.
enum Names {
    /// A path parameter (`{username}`, `{id}`).
    Path(String),
    /// A body field (`username`, `email`, `user_id`).
    Body(String),
}

#[async_trait]
impl Check for PasswordChange {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, cfg: &ScanConfig) -> u64 {
        if cfg.active { MAX_OPS as u64 * PER_OP } else { 0 }
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let changes: Vec<(&Operation, Names)> = ctx.inventory.endpoints.iter().filter_map(change_of_another).collect();
        if changes.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no password change that names the account in its path or body (and does not ask for the old password)"
                    .into(),
            ));
        }
        let Some(auth) = ctx.auth_headers().await? else {
            return Ok(Outcome::NotApplicable(needs_reason(Need::Credentials).into()));
        };
        let (Some(registration), Some(login)) = (accounts::registration(ctx), accounts::login(ctx)) else {
            return Ok(Outcome::NotApplicable(
                "needs a public registration and a JSON login to make an account to test with".into(),
            ));
        };
        let mut findings = Vec::new();
        for (op, names) in changes.iter().take(MAX_OPS) {
            let (old, new) = (new_password(), new_password());
            ctx.redactor.secret(&new);
            let Some(account) = registration.register(ctx, RULE.id, &old).await? else {
                return Ok(Outcome::Inconclusive(format!(
                    "{} did not register an account",
                    registration.op.label()
                )));
            };
            let probe = Probe {
                ctx,
                login: &login,
                account: &account,
            };
            let outcome = probe.run(op, names, &auth, [&old, &new]).await;
            let left = probe.clean_up([&new, &old]).await;
            let found = outcome?;
            left?;
            findings.extend(found);
        }
        Ok(Outcome::Findings(findings))
    }
}

/// `op` when it changes a password, names the account it changes and does
/// not ask for the old password (or a reset token).
fn change_of_another(op: &Operation) -> Option<(&Operation, Names)> {
    let path = op.path.to_ascii_lowercase();
    if !matches!(op.method.as_str(), "PUT" | "PATCH" | "POST") || !path.contains("password") {
        return None;
    }
    if ["reset", "forgot", "recover"].iter().any(|w| path.contains(w)) {
        return None;
    }
    let body = json_body(op)?;
    let asks_old = body.keys().any(|k| {
        let k = k.to_ascii_lowercase();
        k.contains("old") || k.contains("current") || k.contains("token")
    });
    if asks_old || !body.keys().any(|k| k.to_ascii_lowercase().contains("pass")) {
        return None;
    }
    let param = op.path.split('/').find_map(|s| s.strip_prefix('{')?.strip_suffix('}'));
    let names = match param {
        Some(name) => Names::Path(name.to_string()),
        None => {
            let field = body.keys().find(|k| {
                let k = k.to_ascii_lowercase();
                ["username", "user_name", "email", "user_id", "userid", "login"].contains(&k.as_str())
            })?;
            Names::Body(field.clone())
        }
    };
    Some((op, names))
}

struct Probe<'a, 'c> {
    ctx: &'a Context<'c>,
    login: &'a Login,
    account: &'a Account,
}

impl Probe<'_, '_> {
    /// Control login with the old password, the change as the scan's user, then both passwords.
    async fn run(
        &self,
        op: &Operation,
        names: &Names,
        auth: &[(String, String)],
        [old, new]: [&str; 2],
    ) -> Result<Option<Finding>, Error> {
        let control = self.login.as_user(self.ctx, &self.account.user, old).await?;
        let Some(control) = control.filter(|a| a.headers.is_some()) else {
            return Ok(None);
        };
        let Some(req) = self.change(op, names, new) else {
            return Ok(None);
        };
        let mut req = req;
        req.headers.extend(auth.iter().cloned());
        let Some(attack) = crate::objects::write(self.ctx, RULE.id, SCAN, &req).await? else {
            return Ok(None);
        };
        let with_new = self.login.as_user(self.ctx, &self.account.user, new).await?;
        let Some(with_new) = with_new.filter(|a| a.headers.is_some()).map(|a| a.resp) else {
            return Ok(None);
        };
        let with_old = self.login.as_user(self.ctx, &self.account.user, old).await?;
        let Some(with_old) = with_old.filter(|a| a.headers.is_none()).map(|a| a.resp) else {
            return Ok(None);
        };
        let description = format!(
            "{} changed the password of {}, an account rampart registered for the test, when the scan's user asked (status {}), without the old password: the account logged in with its password before (control), and afterwards logs in with the new one (status {}) and no longer with the old one (status {}). The account was rampart's own and is deleted.",
            op.label(),
            self.account.user,
            attack.status,
            with_new.status,
            with_old.status
        );
        let evidence = vec![
            self.account
                .evidence
                .clone()
                .noted("rampart registers an account of its own"),
            control
                .resp
                .exchange
                .noted("control: the account logs in with its password"),
            attack
                .exchange
                .noted("attack: the scan's user changes the account's password"),
            with_new.exchange.noted("the account now logs in with the new password"),
            with_old.exchange.noted("and no longer with the old one"),
        ];
        Ok(Some(
            web::finding(&RULE, Confidence::Confirmed, op, description).with_evidence(evidence),
        ))
    }

    /// The change of the account's password to `new`.
    fn change(&self, op: &Operation, names: &Names, new: &str) -> Option<Request> {
        let mut body = json_body(op).cloned().unwrap_or_default();
        for (key, value) in body.iter_mut() {
            if key.to_ascii_lowercase().contains("pass") {
                *value = Value::from(new);
            }
        }
        let who = |name: &str| {
            let lower = name.to_ascii_lowercase();
            let by_id = crate::bola::ids::is_id_name(name) && !lower.contains("name");
            if by_id {
                self.account.id.clone()
            } else {
                Some(self.account.user.clone())
            }
        };
        let url = match names {
            Names::Path(param) => with_segment(&op.url, &op.path, param, &who(param)?),
            Names::Body(field) => {
                body.insert(field.clone(), Value::from(who(field)?));
                op.url.clone()
            }
        };
        Some(Request::new(&op.method, url).json(&Value::Object(body)))
    }

    /// Log in as the account (with whichever password it has now) and delete it.
    async fn clean_up(&self, passwords: [&str; 2]) -> Result<(), Error> {
        let mut headers = None;
        for password in passwords {
            let attempt = self.login.as_user(self.ctx, &self.account.user, password).await?;
            if let Some(h) = attempt.and_then(|a| a.headers) {
                headers = Some(h);
                break;
            }
        }
        accounts::remove(self.ctx, self.account, headers.as_deref()).await
    }
}
