//! SESS-002: the server adopts a session id the client chose.
//!
//! Proof, per carrier: a never-issued id F of the right shape is presented
//! (as the session cookie/header, or as a `session_id` field in the login
//! body); F alone is anonymous before login (control) and logged in after it.

use super::{OWASP, PROBE, STEP, driver, endpoint, finding, step_evidence};
use async_trait::async_trait;
use rampart_engine::cookies::SetCookie;
use rampart_engine::flow::StepOutcome;
use rampart_engine::token::preview;
use rampart_engine::{Carrier, Check, Context, Driver, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Need, Proof, Rule, Severity};

pub struct Adoption;

static RULE: Rule = Rule {
    id: "SESS-002",
    title: "Session adoption: the server accepts a session id chosen by the client",
    category: Category::Authentication,
    severity: Severity::High,
    cwe: &[384],
    owasp: OWASP,
    summary: "The server takes a session id it never issued — from the cookie, a header or a field in the login request — and makes it the authenticated session. An attacker picks an id, gets it into the victim's login, and then holds the victim's session.",
    remediation: "Only ever use session ids the server generated; reject unknown ids and issue a fresh one on login.",
    references: &[
        "https://owasp.org/www-community/attacks/Session_fixation",
        "https://cwe.mitre.org/data/definitions/384.html",
    ],
    needs: &[Need::Flow],
    variants: &["cookie", "header", "bearer", "login-body"],
    examples: &[Example {
        endpoint: "POST /login",
        variant: Some("cookie"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "rampart chose the id 7c0e41… (never issued by the server) and presented it as the cookie sid; after login that exact id, alone from a fresh client, was logged in as the user. Before login the same id was anonymous (control).",
        evidence: &[
            Proof {
                request: "GET /account",
                headers: &["Cookie: sid=7c0e41[redacted]"],
                body: None,
                status: 401,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<h1>Please sign in</h1>",
                note: "control: the chosen id is anonymous before login",
            },
            Proof {
                request: "POST /login",
                headers: &[
                    "Cookie: sid=7c0e41[redacted]",
                    "Content-Type: application/x-www-form-urlencoded",
                ],
                body: Some("username=alice&password=[redacted]"),
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<p>Welcome back, alice</p>",
                note: "login presenting the attacker-chosen id",
            },
            Proof {
                request: "GET /account",
                headers: &["Cookie: sid=7c0e41[redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<p>Signed in as alice</p>",
                note: "attack: the chosen id after login",
            },
        ],
    }],
};

/// The login-body fields an app may read a session id from (seed pattern: `session_id`).
const BODY_FIELD: &str = "session_id";

#[async_trait]
impl Check for Adoption {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        2 * (2 * STEP + 2 * PROBE)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let d = driver(ctx)?;
        let mut findings = Vec::new();
        // One body field cannot carry a session that several cookies make up.
        let in_body = !matches!(d.carrier(), Carrier::Cookies(_));
        let variants = [Some(Variant::Carrier), in_body.then_some(Variant::LoginBody)];
        for variant in variants.into_iter().flatten() {
            if let Some(f) = attempt(ctx, d, variant).await? {
                findings.push(f);
            }
        }
        Ok(Outcome::Findings(findings))
    }
}

#[derive(Clone, Copy)]
enum Variant {
    /// The forged id travels where the real one would (cookie, header, bearer).
    Carrier,
    /// The forged id is added to the login body.
    LoginBody,
}

async fn attempt(ctx: &Context<'_>, d: &Driver, variant: Variant) -> Result<Option<Finding>, Error> {
    let forged = d.forge();
    let control = d.probe(&forged).await?;
    if control.logged_in {
        return Ok(None);
    }
    let mut agent = d.agent();
    let mut evidence = Vec::new();
    let login = match variant {
        Variant::Carrier => {
            agent.set_token(Some(forged.clone()));
            match d.login(&mut agent).await {
                // The login itself refused the unknown id (DRF authenticates every
                // request, the login too): nothing was adopted.
                Err(Error::Flow { step: "login", .. }) => return Ok(None),
                other => other?,
            }
        }
        Variant::LoginBody => {
            let pre = d.preauth(&mut agent).await?;
            evidence.extend(step_evidence(&pre, "preauth"));
            let mut fields = vec![(BODY_FIELD.to_string(), forged.clone())];
            if let Carrier::Cookie(name) | Carrier::Header(name) = d.carrier() {
                if !name.eq_ignore_ascii_case(BODY_FIELD) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    fields.push((name.clone(), forged.clone()));
                }
            }
            d.login_with(&mut agent, &fields).await?
        }
    };
    let attack = d.probe(&forged).await?;
    let echoed = server_issued(d, &login, &forged);
    if !attack.logged_in && !echoed {
        return Ok(None);
    }
    let (name, where_) = match variant {
        Variant::Carrier => (
            carrier_variant(d.carrier()),
            format!("as the {}", d.carrier().describe()),
        ),
        Variant::LoginBody => ("login-body", format!("as a `{BODY_FIELD}` field in the login body")),
    };
    let (confidence, result) = if attack.logged_in {
        (
            Confidence::Confirmed,
            "after login that exact id, alone from a fresh client, was logged in as the user",
        )
    } else {
        (
            Confidence::Firm,
            "the server answered the login with that exact id as the session, though the id alone did not reach the protected page",
        )
    };
    let description = format!(
        "rampart chose the id {} (never issued by the server) and presented it {where_}; {result}. Before login the same id was anonymous (control).",
        preview(&forged)
    );
    evidence.insert(0, control.evidence("control: the chosen id is anonymous before login"));
    evidence.extend(step_evidence(&login, "login presenting the attacker-chosen id"));
    evidence.push(attack.evidence("attack: the chosen id after login"));
    let f = finding(ctx, &RULE, confidence, endpoint(d, &d.flow().login), description);
    Ok(Some(f.with_variant(name).with_evidence(evidence)))
}

/// Did the login answer name `forged` as the session (a `Set-Cookie` or the JSON token)?
fn server_issued(d: &Driver, login: &StepOutcome, forged: &str) -> bool {
    let by_cookie = match d.carrier() {
        Carrier::Cookie(name) => login
            .trip
            .exchanges
            .iter()
            .flat_map(|e| e.set_cookies())
            .filter_map(SetCookie::parse)
            .any(|c| &c.name == name && c.value == forged),
        _ => false,
    };
    let by_body = d.flow().login.token_json.is_some() && login.token_after.as_deref() == Some(forged);
    by_cookie || by_body
}

fn carrier_variant(carrier: &Carrier) -> &'static str {
    match carrier {
        Carrier::Cookie(_) | Carrier::Cookies(_) => "cookie",
        Carrier::Header(_) => "header",
        Carrier::Bearer => "bearer",
    }
}
