//! SESS-006: predictable or low-entropy session ids.
//!
//! Collects `--entropy-samples` fresh tokens and runs the statistical battery
//! in `entropy` on their random part. Only independent sessions are judged:
//! tokens from logins of the one user that repeat are not a sample of the
//! generator (SESS-019 reports a login that hands out the same token). When the ids form a sequence, the
//! prediction is replayed: a victim logs in, and the predicted next id alone
//! must reach the protected page (a forged id of the same shape must not).
//! A prediction that does is an account takeover needing nothing from the
//! victim, so that finding is critical.

use super::entropy::{self, Analysis};
use super::{OWASP, PROBE, STEP, driver, endpoint, finding, random_control};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Driver, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Exchange, Need, Proof, Rule, Severity};

pub struct WeakIds;

static RULE: Rule = Rule {
    id: "SESS-006",
    title: "Predictable or low-entropy session ids",
    category: Category::Authentication,
    severity: Severity::High,
    cwe: &[330, 331],
    owasp: OWASP,
    summary: "Session ids repeat, follow a sequence, or carry too little randomness (under 64 bits). An attacker can guess or predict live sessions without stealing anything.",
    remediation: "Generate session ids with at least 128 bits from a cryptographically secure random generator.",
    references: &[
        "https://cwe.mitre.org/data/definitions/330.html",
        "https://csrc.nist.gov/publications/detail/fips/140/2/final",
    ],
    needs: &[Need::Flow],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /login",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "100 fresh tokens from [preauth] (whole token (4 chars, 1 constant; varying chars decimal); e.g. 1001, 1002, 1003) failed: consecutive tokens are numbers in arithmetic progression (step 1); the next token is probably 1101; estimated entropy of the random part is 6.6 bits (< 64; 1 of 4 positions constant). Estimated entropy: 7 bits. rampart predicted the next ids, a victim then logged in, and predicted id #1 alone reached the protected page as the victim.",
        evidence: &[
            Proof {
                request: "GET /login",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &[
                    "Content-Type: text/html; charset=utf-8",
                    "Set-Cookie: sid=1101[redacted]; Path=/; HttpOnly; Secure; SameSite=Lax",
                ],
                response_body: r#"<form method="post" action="/login"><input name="username"><input type="password" name="password"></form>"#,
                note: "a victim logs in",
            },
            Proof {
                request: "POST /login",
                headers: &[
                    "Cookie: sid=1101[redacted]",
                    "Content-Type: application/x-www-form-urlencoded",
                ],
                body: Some("username=alice&password=[redacted]"),
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<p>Welcome back, alice</p>",
                note: "a victim logs in",
            },
            Proof {
                request: "GET /account",
                headers: &["Cookie: sid=1101[redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<p>Signed in as alice</p>",
                note: "attack: a predicted id, alone, is the victim's session",
            },
            Proof {
                request: "GET /account",
                headers: &["Cookie: sid=8412[redacted]"],
                body: None,
                status: 401,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<h1>Please sign in</h1>",
                note: "negative control: a never-issued token of the same shape is not logged in",
            },
        ],
    }],
};

/// Logins are heavier than anonymous visits; sample fewer when only login issues tokens.
const MAX_LOGIN_SAMPLES: usize = 30;
/// The sample's source when only logins issue tokens.
const LOGIN: &str = "[login]";
/// Predicted ids tried against a victim's fresh session.
const PREDICTIONS: usize = 4;

#[async_trait]
impl Check for WeakIds {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, config: &ScanConfig) -> u64 {
        let n = config.entropy_samples as u64;
        let sampling = (n * STEP).max(n.min(MAX_LOGIN_SAMPLES as u64) * 2 * STEP);
        sampling + 2 * STEP + PREDICTIONS as u64 * PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let d = driver(ctx)?;
        if let Some(why) = super::cookie_set(d) {
            return Ok(Outcome::NotApplicable(why));
        }
        let (tokens, source) = sample(d, ctx.config.entropy_samples).await?;
        if tokens.len() < 2 {
            return Ok(Outcome::NotApplicable(
                "fewer than two tokens could be collected".into(),
            ));
        }
        if let Some(why) = not_independent(&tokens, source) {
            return Err(super::inconclusive(&RULE, why));
        }
        let analysis = entropy::analyze(&tokens);
        if !analysis.weak {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let (confidence, mut evidence, replay) = match &analysis.progression {
            Some(_) => replay_prediction(d, &predictions(&tokens)).await?,
            None => (Confidence::Firm, Vec::new(), String::new()),
        };
        evidence.push(random_control(d));
        let description = describe(&analysis, &tokens, source, &replay);
        let mut f = finding(ctx, &RULE, confidence, endpoint(d, &d.flow().preauth), description);
        if confidence == Confidence::Confirmed {
            // A predicted id alone was the victim's session: an account taken
            // over with no action by the victim.
            f = f.with_severity(Severity::Critical);
        }
        Ok(Outcome::Findings(vec![f.with_evidence(evidence)]))
    }
}

/// Up to `n` fresh tokens, from the preauth step when it issues them, else from logins.
async fn sample(d: &Driver, n: usize) -> Result<(Vec<String>, &'static str), Error> {
    let from_preauth = d.baseline().preauth.token_after.is_some();
    let (n, source) = if from_preauth {
        (n, "[preauth]")
    } else {
        (n.min(MAX_LOGIN_SAMPLES), LOGIN)
    };
    let mut tokens = Vec::with_capacity(n);
    for _ in 0..n {
        let token = if from_preauth {
            d.preauth(&mut d.agent()).await?.token_after
        } else {
            d.fresh_session().await?.0.token()
        };
        tokens.extend(token);
    }
    Ok((tokens, source))
}

/// Why logins' tokens are no sample of independent sessions: some repeat.
fn not_independent(tokens: &[String], source: &str) -> Option<String> {
    if source != LOGIN {
        return None;
    }
    let distinct: std::collections::HashSet<&String> = tokens.iter().collect();
    (distinct.len() < tokens.len()).then(|| {
        format!(
            "{} of {} tokens from {LOGIN} repeat an earlier one: the login hands the user a token it already had, so they are not independent sessions (SESS-019 judges that)",
            tokens.len() - distinct.len(),
            tokens.len()
        )
    })
}

/// The next few ids the sequence predicts, in order.
fn predictions(tokens: &[String]) -> Vec<String> {
    let mut seen = tokens.to_vec();
    let mut next = Vec::new();
    while next.len() < PREDICTIONS {
        let Some(p) = entropy::analyze(&seen).progression else {
            break;
        };
        seen.push(p.next.clone());
        next.push(p.next);
    }
    next
}

/// A victim logs in; does one of the predicted ids reach the protected page as them?
async fn replay_prediction(d: &Driver, predicted: &[String]) -> Result<(Confidence, Vec<Exchange>, String), Error> {
    let (victim, trail) = d.fresh_session().await?;
    let mut evidence: Vec<Exchange> = trail.into_iter().map(|e| e.noted("a victim logs in")).collect();
    for (i, guess) in predicted.iter().enumerate() {
        let probe = d.probe(guess).await?;
        if probe.logged_in {
            evidence.push(probe.evidence("attack: a predicted id, alone, is the victim's session"));
            let text = format!(
                " rampart predicted the next ids, a victim then logged in, and predicted id #{} alone reached the protected page as the victim.",
                i + 1
            );
            return Ok((Confidence::Confirmed, evidence, text));
        }
    }
    let matched = victim.token().is_some_and(|t| predicted.contains(&t));
    let text = if matched {
        " The victim's session got one of the predicted ids."
    } else {
        " Replaying the prediction did not reach the victim's session (other traffic may have taken the next ids)."
    };
    Ok((Confidence::Firm, evidence, text.to_string()))
}

fn describe(a: &Analysis, tokens: &[String], source: &str, replay: &str) -> String {
    let sample: Vec<String> = tokens
        .iter()
        .take(3)
        .map(|t| rampart_engine::token::preview(t))
        .collect();
    format!(
        "{} fresh tokens from {source} ({}; e.g. {}) failed: {}. Estimated entropy: {:.0} bits.{replay}",
        a.samples,
        a.random_part,
        sample.join(", "),
        a.reasons.join("; "),
        a.entropy_bits
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_login_tokens_are_no_sample() {
        let same = vec!["a1".to_string(), "b2".to_string(), "a1".to_string()];
        let why = not_independent(&same, LOGIN).expect("not independent");
        assert!(why.starts_with("1 of 3 tokens"), "{why}");
        assert_eq!(not_independent(&same, "[preauth]"), None);
        let distinct = vec!["a1".to_string(), "b2".to_string()];
        assert_eq!(not_independent(&distinct, LOGIN), None);
    }
}
