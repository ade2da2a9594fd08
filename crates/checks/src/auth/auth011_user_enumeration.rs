//! AUTH-011: login tells whether a user name exists.
//!
//! The flow's login is sent four times with a wrong (random) password: twice
//! for two user names that do not exist, twice for the flow's own user. Each
//! pair must answer alike (the control: the answer is stable), once echoes of
//! the user name and per-request noise (CSRF tokens, ids, counters) are
//! normalised; the finding is that the two pairs answer differently. Two
//! failed logins of the real user is all this costs the account.

use super::OWASP;
use crate::web::echo_as;
use async_trait::async_trait;
use rampart_engine::flow::{Driver, Step, StepOutcome};
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Exchange, Finding, Need, Proof, Rule, Severity};
use serde_json::Value;

pub struct UserEnumeration;

static RULE: Rule = Rule {
    id: "AUTH-011",
    title: "Login reveals which user names exist",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[204],
    owasp: OWASP,
    summary: "Login answers a wrong password for an existing user differently from an unknown user name (another status, message or redirect). An attacker learns which accounts exist and aims password guessing and phishing at them.",
    remediation: "Answer every failed login the same way (status, body, headers and redirect), e.g. \"Invalid user name or password\", and spend the same time on both (hash a dummy password for unknown users).",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-and-error-messages",
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/03-Identity_Management_Testing/04-Testing_for_Account_Enumeration_and_Guessable_User_Account",
        "https://cwe.mitre.org/data/definitions/204.html",
    ],
    needs: &[Need::Flow],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "POST /login answers a wrong password differently depending on whether the user exists: for the unknown `rampart-1f0c2d9e` it answered 404 `{\"error\":\"no such user\"}`, for the flow's user `alice` 401 `{\"error\":\"wrong password\"}`. Each answer was the same on a second try with another random password (control), so the difference is the user name alone.",
        evidence: &[
            Proof {
                request: "POST /login",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"username":"rampart-1f0c2d9e","password":"[redacted]"}"#),
                status: 404,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"no such user"}"#,
                note: "unknown user, wrong password",
            },
            Proof {
                request: "POST /login",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"username":"rampart-7a3be215","password":"[redacted]"}"#),
                status: 404,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"no such user"}"#,
                note: "control: another unknown user, wrong password: the same answer",
            },
            Proof {
                request: "POST /login",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"username":"alice","password":"[redacted]"}"#),
                status: 401,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"wrong password"}"#,
                note: "the flow's user, wrong password: a different answer",
            },
            Proof {
                request: "POST /login",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"username":"alice","password":"[redacted]"}"#),
                status: 401,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"wrong password"}"#,
                note: "control: the flow's user, another wrong password: the same answer again",
            },
        ],
    }],
};

/// Field names that hold the user name, by substring.
const USER_WORDS: &[&str] = &["user", "email", "login", "name", "account", "ident", "handle"];
/// Field names that hold the password, by substring.
const PASSWORD_WORDS: &[&str] = &["pass", "pwd"];
/// Preauth and login, each with a CSRF page fetch and redirects.
const PER_ATTEMPT: u64 = 8;
const ATTEMPTS: u64 = 4;

#[async_trait]
impl Check for UserEnumeration {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, config: &ScanConfig) -> u64 {
        ATTEMPTS * PER_ATTEMPT * (1 + config.limits.max_redirects as u64)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let Some(driver) = ctx.driver else {
            return Ok(Outcome::NotApplicable(
                "needs a login to compare its answers (--flow or --login)".into(),
            ));
        };
        let login = &driver.flow().login;
        let Some(fields) = Fields::of(login) else {
            return Ok(Outcome::NotApplicable(format!(
                "cannot tell the user name and password fields of the login ({} {})",
                login.method, login.path
            )));
        };
        let unknown = [fields.stranger(), fields.stranger()];
        let mut strangers = Vec::new();
        for name in &unknown {
            strangers.push(attempt(driver, &fields.with(login, name)).await?);
        }
        let mut user = Vec::new();
        for _ in 0..2 {
            user.push(attempt(driver, &fields.with(login, &fields.user)).await?);
        }
        let a: Vec<Answer> = strangers
            .iter()
            .zip(&unknown)
            .map(|(t, n)| Answer::of(t, n, driver))
            .collect();
        let b: Vec<Answer> = user.iter().map(|t| Answer::of(t, &fields.user, driver)).collect();
        if a.iter().chain(&b).any(|x| x.logged_in) {
            return Ok(Outcome::Inconclusive(
                "a login with a random password was accepted; the answers cannot be compared".into(),
            ));
        }
        if a[0] != a[1] || b[0] != b[1] {
            return Ok(Outcome::Inconclusive(
                "failed logins do not answer the same way twice (the page changes on every try)".into(),
            ));
        }
        if a[0] == b[0] {
            return Ok(Outcome::Findings(Vec::new()));
        }
        Ok(Outcome::Findings(vec![finding(
            driver,
            &fields,
            &unknown[0],
            &a[0],
            &b[0],
            &strangers,
            &user,
        )]))
    }
}

/// The login's user name and password fields and the user's name.
struct Fields {
    user_field: String,
    password_field: String,
    user: String,
}

impl Fields {
    /// The fields of a form or top-level JSON login, when both can be told.
    fn of(login: &Step) -> Option<Fields> {
        let pairs: Vec<(String, String)> = match (&login.form, &login.json) {
            (Some(form), _) => form.clone(),
            (None, Some(Value::Object(obj))) => obj
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect(),
            _ => return None,
        };
        let named = |words: &[&str], k: &str| {
            let k = k.to_ascii_lowercase();
            words.iter().any(|w| k.contains(w))
        };
        let (password_field, _) = pairs.iter().find(|(k, _)| named(PASSWORD_WORDS, k))?;
        let (user_field, user) = pairs
            .iter()
            .find(|(k, v)| !named(PASSWORD_WORDS, k) && named(USER_WORDS, k) && !v.is_empty())?;
        Some(Fields {
            user_field: user_field.clone(),
            password_field: password_field.clone(),
            user: user.clone(),
        })
    }

    /// A user name of the same kind that does not exist.
    fn stranger(&self) -> String {
        let tag = format!("rampart-{:08x}", rand::random::<u32>());
        match self.user.split_once('@') {
            Some((_, domain)) => format!("{tag}@{domain}"),
            None => tag,
        }
    }

    /// The login step with `user` and a random wrong password.
    fn with(&self, login: &Step, user: &str) -> Step {
        let password = format!("wrong-{:016x}", rand::random::<u64>());
        let mut step = login.clone();
        step.token_json = None;
        let set = |k: &str| {
            if k == self.user_field {
                Some(user.to_string())
            } else if k == self.password_field {
                Some(password.clone())
            } else {
                None
            }
        };
        if let Some(form) = step.form.as_mut() {
            for (k, v) in form.iter_mut() {
                if let Some(new) = set(k) {
                    *v = new;
                }
            }
        }
        if let Some(Value::Object(obj)) = step.json.as_mut() {
            for (k, v) in obj.iter_mut() {
                if let Some(new) = set(k) {
                    *v = Value::String(new);
                }
            }
        }
        step
    }
}

/// Preauth, then the login variant, from a fresh client.
async fn attempt(driver: &Driver, step: &Step) -> Result<StepOutcome, Error> {
    let mut agent = driver.agent();
    driver.preauth(&mut agent).await?;
    driver.send_step(step, &mut agent).await
}

/// What a failed login answered, normalised for comparison.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: u16,
    location: Option<String>,
    body: String,
    logged_in: bool,
}

impl Answer {
    fn of(outcome: &StepOutcome, user: &str, driver: &Driver) -> Answer {
        let first = outcome.trip.exchanges.first();
        let resp = &outcome.trip.response;
        let status = first.map_or(resp.status, |e| e.response.status);
        let location = first
            .and_then(|e| e.response.header("location"))
            .map(|l| noise_free(&echo_as(l, user, "{user}")));
        let text = echo_as(&resp.text(), user, "{user}");
        Answer {
            status,
            location,
            body: noise_free(&text),
            logged_in: resp.status < 400 && text.contains(&driver.flow().logged_in_marker),
        }
    }

    fn describe(&self) -> String {
        let shown: String = self.body.chars().take(120).collect();
        let location = self.location.as_deref().map(|l| format!(" → {l}")).unwrap_or_default();
        format!("{}{location} `{}`", self.status, shown.trim())
    }
}

/// `text` with runs of digits as `0` and long random-looking words (tokens,
/// request ids, CSRF values) as `<token>`.
fn noise_free(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let digits = word.chars().filter(char::is_ascii_digit).count();
        if word.len() >= 16 && digits > 0 && digits < word.len() {
            out.push_str("<token>");
        } else if !word.is_empty() && digits == word.len() {
            out.push('0');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn finding(
    driver: &Driver,
    fields: &Fields,
    stranger: &str,
    unknown: &Answer,
    known: &Answer,
    strangers: &[StepOutcome],
    user: &[StepOutcome],
) -> Finding {
    let login = &driver.flow().login;
    let description = format!(
        "{} {} answers a wrong password differently depending on whether the user exists: for the unknown `{stranger}` it answered {}, for the flow's user `{}` {}. Each answer was the same on a second try with another random password (control), so the difference is the user name alone.",
        login.method,
        login.path,
        unknown.describe(),
        fields.user,
        known.describe(),
    );
    let mut evidence: Vec<Exchange> = Vec::new();
    let trips = [
        (&strangers[0], "unknown user, wrong password"),
        (
            &strangers[1],
            "control: another unknown user, wrong password: the same answer",
        ),
        (&user[0], "the flow's user, wrong password: a different answer"),
        (
            &user[1],
            "control: the flow's user, another wrong password: the same answer again",
        ),
    ];
    for (outcome, note) in trips {
        if let Some(last) = outcome.trip.exchanges.last() {
            evidence.push(last.clone().noted(note));
        }
    }
    let endpoint = Endpoint {
        method: login.method.clone(),
        url: driver.url(&login.path).to_string(),
    };
    Finding::new(&RULE, Confidence::Confirmed, endpoint, description).with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_normalised_and_words_kept() {
        assert_eq!(
            noise_free("Invalid login (attempt 3) csrf=a8Fk29dk3KdlsP0qZ1 at 12:30"),
            "Invalid login (attempt 0) csrf=<token> at 0:0"
        );
        assert_eq!(noise_free("unknown user"), "unknown user");
        assert_eq!(noise_free("user-not-found"), "user-not-found");
    }
}
