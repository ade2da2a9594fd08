//! The common start of every JWT acceptance proof: find the credential's JWT
//! and a protected request, check that the genuine token is accepted and that
//! the same token with a garbled signature is refused (the controls), then
//! judge forged tokens against the same request.

use super::credential::JwtCredential;
use super::jwt::{self, NONE_SPELLINGS, Signer};
use super::now;
use super::oracle::{CANDIDATES, Oracle, PROBE, Verdict};
use rampart_engine::{Context, Error, Outcome};
use rampart_model::Exchange;
use serde_json::{Map, Value};

/// Requests [`setup`] may cost: the genuine and the garbled token on each candidate request.
pub const SETUP: u64 = 2 * PROBE * CANDIDATES as u64;
/// Requests [`Setup::unsigned_key`] may cost.
pub const UNSIGNED: u64 = NONE_SPELLINGS.len() as u64 * PROBE;

/// A JWT credential, a protected request, and the two controls.
pub struct Setup<'a> {
    pub cred: JwtCredential,
    pub oracle: Oracle<'a>,
    pub valid: Verdict,
    pub garbled: Verdict,
}

/// The credential's JWT, before any request: `Err` carries the reason the rule does not apply.
pub async fn credential(ctx: &Context<'_>) -> Result<Result<JwtCredential, Outcome>, Error> {
    Ok(JwtCredential::find(ctx)
        .await?
        .ok_or_else(|| Outcome::NotApplicable("the scan's credentials carry no JWT".into())))
}

/// Find a protected request where both controls hold; `Err(outcome)` when the proof cannot start.
pub async fn setup<'a>(ctx: &'a Context<'a>, cred: JwtCredential) -> Result<Result<Setup<'a>, Outcome>, Error> {
    let candidates = Oracle::candidates(ctx);
    if candidates.is_empty() {
        return Ok(Err(Outcome::NotApplicable(
            "no protected request to judge tokens by (no flow, and no surveyed endpoint answers differently with credentials)"
                .into(),
        )));
    }
    let mut why = String::new();
    for oracle in candidates {
        let valid = oracle.judge(ctx, &cred.headers).await?;
        if !valid.accepted {
            why = "inconclusive: the genuine token was not accepted by the protected request".into();
            continue;
        }
        let garbled = oracle.judge(ctx, &cred.with_token(&cred.jwt.garbled())).await?;
        if garbled.accepted {
            why = "the protected request accepts a garbled signature, so it proves nothing about forged tokens".into();
            continue;
        }
        return Ok(Ok(Setup {
            cred,
            oracle,
            valid,
            garbled,
        }));
    }
    Ok(Err(Outcome::NotApplicable(why)))
}

/// [`credential`] then [`setup`], for rules that need nothing in between.
pub async fn start<'a>(ctx: &'a Context<'a>) -> Result<Result<Setup<'a>, Outcome>, Error> {
    match credential(ctx).await? {
        Ok(cred) => setup(ctx, cred).await,
        Err(outcome) => Ok(Err(outcome)),
    }
}

impl Setup<'_> {
    /// Judge `token` in place of the genuine one.
    pub async fn attempt(&self, ctx: &Context<'_>, token: &str) -> Result<Verdict, Error> {
        self.oracle.judge(ctx, &self.cred.with_token(token)).await
    }

    /// The two control exchanges.
    pub fn controls(&self) -> Vec<Exchange> {
        vec![
            self.valid.evidence("control: the genuine token is accepted"),
            self.garbled
                .evidence("control: the same token with a garbled signature is refused"),
        ]
    }

    /// The first spelling of alg "none" the target accepts, with the accepted exchange.
    pub async fn unsigned_key(&self, ctx: &Context<'_>) -> Result<Option<(Signer, Verdict)>, Error> {
        for alg in NONE_SPELLINGS {
            let signer = Signer::Unsigned(alg);
            let verdict = self.attempt(ctx, &self.sign(&self.cred.jwt.claims, &signer)).await?;
            if verdict.accepted {
                return Ok(Some((signer, verdict)));
            }
        }
        Ok(None)
    }

    /// The credential's header with `claims`, signed by `signer`.
    pub fn sign(&self, claims: &Map<String, Value>, signer: &Signer) -> String {
        jwt::encode(&self.cred.jwt.header, claims, signer)
    }
}

/// The claims as a newly issued token would carry them: a fresh `iat` and `jti`, the lifetime kept.
pub fn reissued(claims: &Map<String, Value>) -> Map<String, Value> {
    let mut claims = claims.clone();
    let now = now();
    if let (Some(exp), Some(iat)) = (time(&claims, "exp"), time(&claims, "iat")) {
        claims.insert("exp".into(), Value::from(now + (exp - iat).max(60)));
    }
    claims.insert("iat".into(), Value::from(now));
    claims.insert(
        "jti".into(),
        Value::from(format!("rampart-{:016x}", rand::random::<u64>())),
    );
    claims
}

/// The claims shifted in time by `offset` seconds relative to now, valid for one hour from that point.
pub fn shifted(claims: &Map<String, Value>, offset: i64) -> Map<String, Value> {
    let mut claims = claims.clone();
    let start = now() + offset;
    claims.insert("iat".into(), Value::from(start.min(now())));
    claims.insert("nbf".into(), Value::from(start));
    claims.insert("exp".into(), Value::from(start + 3600));
    claims
}

fn time(claims: &Map<String, Value>, name: &str) -> Option<i64> {
    claims.get(name).and_then(Value::as_f64).map(|v| v as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reissued_claims_are_fresh_and_keep_the_lifetime() {
        let old = json!({"sub": "alice", "iat": 1000, "exp": 1900})
            .as_object()
            .unwrap()
            .clone();
        let new = reissued(&old);
        let iat = new["iat"].as_i64().unwrap();
        assert!(iat >= now() - 5);
        assert_eq!(new["exp"].as_i64().unwrap() - iat, 900);
        assert!(new["jti"].as_str().unwrap().starts_with("rampart-"));
        assert_eq!(new["sub"], "alice");
        assert!(!reissued(&Map::new()).contains_key("exp"));
    }

    #[test]
    fn shifted_claims_are_expired_or_not_yet_valid() {
        let past = shifted(&Map::new(), -7200);
        assert!(past["exp"].as_i64().unwrap() < now());
        let future = shifted(&Map::new(), 3600);
        assert!(future["nbf"].as_i64().unwrap() > now() && future["iat"].as_i64().unwrap() <= now());
    }
}
