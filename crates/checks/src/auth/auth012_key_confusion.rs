//! AUTH-012: algorithm confusion. The credential's JWT is signed with an
//! asymmetric key (RS*, PS*, ES*), and the server accepts the same claims
//! signed HS256 with its own public key, as published, used as the HMAC secret:
//! the verifier lets the token's header choose the algorithm and hands an HMAC
//! the key it keeps for signatures.
//!
//! Proof: the public key from the server's JWKS (or a PEM block it serves),
//! in each PEM spelling a verifier may hold, signs the forged token; it
//! reaches the protected content, while the genuine token is accepted, the
//! same token with a garbled signature is refused, and the same claims signed
//! HS256 with a key of the same shape that is not the server's are refused
//! (controls).

use super::OWASP;
use super::forge::{self, SETUP, Setup};
use super::jwt::{Hs, Signer};
use super::keys::{self, FETCHES, PublicKey};
use super::oracle::{PROBE, Verdict};
use crate::examples::{jwt_me, jwt_me_refused};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};

pub struct KeyConfusion;

static RULE: Rule = Rule {
    id: "AUTH-012",
    title: "JWT algorithm confusion: the public key accepted as an HMAC secret",
    category: Category::Authentication,
    severity: Severity::Critical,
    cwe: &[327, 347],
    owasp: OWASP,
    summary: "The API signs its JSON Web Tokens with a private key, but also accepts tokens whose header says HS256 and whose HMAC secret is the matching public key, which it publishes. Anyone can take that key and mint tokens for any user.",
    remediation: "Pin the algorithm when verifying (`algorithms: ['RS256']` in jsonwebtoken, `algorithms=[\"RS256\"]` in PyJWT, `jwt.WithValidMethods` in golang-jwt) and never list an HMAC algorithm next to an asymmetric one for the same key; pass the key as a public-key object rather than PEM text; upgrade libraries that accept a public key as an HMAC secret (jsonwebtoken 9 refuses it).",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc8725#section-3.1",
        "https://portswigger.net/web-security/jwt/algorithm-confusion",
        "https://github.com/auth0/node-jsonwebtoken/security/advisories/GHSA-hjrf-2m68-5959",
        "https://cwe.mitre.org/data/definitions/327.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/me",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "The JWT from the Authorization header is signed RS256. Its claims (new iat and jti) signed HS256 with the server's own RSA public key (kid \"k1\"), published at https://api.example.com/.well-known/jwks.json, as the HMAC secret (SPKI PEM text (`PUBLIC KEY`) with its final newline) were accepted: GET /api/v1/me answered with the content it only gives to authenticated requests. The genuine token is accepted, the same token with a garbled signature is refused, and the same claims signed HS256 with a key of the same shape that is not the server's are refused, so the server verifies HS256 tokens with its public key.",
        evidence: &[
            Proof {
                request: "GET /.well-known/jwks.json",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"0vx7agoebGcQSuu…","e":"AQAB"}]}"#,
                note: "the server's public key",
            },
            jwt_me("control: the genuine token is accepted"),
            jwt_me_refused("control: the same token with a garbled signature is refused"),
            jwt_me_refused("control: HS256 with a key of the same shape that is not the server's is refused"),
            jwt_me("attack: HS256 keyed by the server's public key is accepted"),
        ],
    }],
};

/// Most PEM texts tried as the secret.
const MAX_TEXTS: usize = 8;

#[async_trait]
impl Check for KeyConfusion {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        SETUP + FETCHES + (MAX_TEXTS as u64 + 1) * PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let cred = match forge::credential(ctx).await? {
            Ok(cred) => cred,
            Err(outcome) => return Ok(outcome),
        };
        let alg = cred.jwt.alg().to_string();
        if !["RS", "PS", "ES"].iter().any(|family| alg.starts_with(family)) {
            let why = format!("the credential's JWT is not signed with an asymmetric key (alg \"{alg}\")");
            return Ok(Outcome::NotApplicable(why));
        }
        let kid = cred.jwt.header.get("kid").and_then(|k| k.as_str()).map(str::to_string);
        let keys = keys::find(ctx, kid.as_deref()).await?;
        if keys.is_empty() {
            return Ok(Outcome::NotApplicable(
                "the server publishes no public key rampart could read (no JWKS at the well-known paths, none in the surveyed answers)".into(),
            ));
        }
        let setup = match forge::setup(ctx, cred).await? {
            Ok(setup) => setup,
            Err(outcome) => return Ok(outcome),
        };
        let claims = forge::reissued(&setup.cred.jwt.claims);
        let mut texts: Vec<(&PublicKey, &str)> = Vec::new();
        for key in &keys {
            texts.extend(key.pems.iter().map(|pem| (key, pem.as_str())));
        }
        texts.truncate(MAX_TEXTS);
        for (key, pem) in texts {
            let verdict = setup.attempt(ctx, &setup.sign(&claims, &hs256(pem))).await?;
            if !verdict.accepted {
                continue;
            }
            let stranger = setup.attempt(ctx, &setup.sign(&claims, &hs256(&stranger(pem)))).await?;
            if stranger.accepted {
                return Ok(Outcome::Findings(Vec::new()));
            }
            return Ok(Outcome::Findings(vec![finding(
                &setup, &alg, key, pem, verdict, stranger,
            )]));
        }
        Ok(Outcome::Findings(Vec::new()))
    }
}

fn hs256(secret: &str) -> Signer {
    Signer::Hmac(Hs::Hs256, secret.to_string())
}

/// The same PEM text with its key material reversed: the same shape, not the server's key.
fn stranger(pem: &str) -> String {
    let lines: Vec<&str> = pem.lines().collect();
    let Some((first, rest)) = lines.split_first() else {
        return pem.chars().rev().collect();
    };
    let Some((last, body)) = rest.split_last() else {
        return pem.chars().rev().collect();
    };
    let body: String = body.join("\n").chars().rev().collect();
    let end = if pem.ends_with('\n') { "\n" } else { "" };
    format!("{first}\n{body}\n{last}{end}")
}

fn finding(setup: &Setup<'_>, alg: &str, key: &PublicKey, pem: &str, verdict: Verdict, stranger: Verdict) -> Finding {
    let spelling = match (pem.contains("RSA PUBLIC KEY"), pem.ends_with('\n')) {
        (true, true) => "PKCS#1 PEM text (`RSA PUBLIC KEY`) with its final newline",
        (true, false) => "PKCS#1 PEM text (`RSA PUBLIC KEY`) without a final newline",
        (false, true) => "SPKI PEM text (`PUBLIC KEY`) with its final newline",
        (false, false) => "SPKI PEM text (`PUBLIC KEY`) without a final newline",
    };
    let kid = key.kid.as_ref().map(|k| format!(" (kid \"{k}\")")).unwrap_or_default();
    let description = format!(
        "The JWT from {} is signed {alg}. Its claims (new iat and jti) signed HS256 with the server's own {} public key{kid}, published at {}, as the HMAC secret ({spelling}) were accepted: {}. The genuine token is accepted, the same token with a garbled signature is refused, and the same claims signed HS256 with a key of the same shape that is not the server's are refused, so the server verifies HS256 tokens with its public key.",
        setup.cred.place(),
        key.kty,
        key.exchange.request.url,
        setup.oracle.describe(),
    );
    let mut evidence = vec![key.exchange.clone().noted("the server's public key")];
    evidence.extend(setup.controls());
    evidence.push(stranger.evidence("control: HS256 with a key of the same shape that is not the server's is refused"));
    evidence.push(verdict.evidence("attack: HS256 keyed by the server's public key is accepted"));
    Finding::new(&RULE, Confidence::Confirmed, setup.oracle.endpoint(), description).with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stranger_key_keeps_the_shape() {
        let pem = "-----BEGIN PUBLIC KEY-----\nABCD\nEF\n-----END PUBLIC KEY-----\n";
        let other = stranger(pem);
        assert_eq!(
            other,
            "-----BEGIN PUBLIC KEY-----\nFE\nDCBA\n-----END PUBLIC KEY-----\n"
        );
        assert_eq!(other.len(), pem.len());
        assert!(!stranger(pem.trim_end()).ends_with('\n'));
    }
}
