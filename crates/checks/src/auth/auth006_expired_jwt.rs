//! AUTH-006: the target accepts a JWT that expired, or that is not valid yet.
//!
//! Only when the signing key is known (a weak HMAC secret, or alg "none"
//! accepted): a token signed like a genuine one but with `exp` in the past (then
//! `nbf` in the future) reaches the protected content. Controls: the genuine
//! token is accepted, the garbled one refused.

use super::OWASP;
use super::forge::{self, SETUP, Setup, UNSIGNED};
use super::jwt::Signer;
use super::oracle::PROBE;
use super::secrets;
use crate::examples::{jwt_me, jwt_me_refused};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Exchange, Finding, Rule, Severity};

pub struct ExpiredJwt;

static RULE: Rule = Rule {
    id: "AUTH-006",
    title: "Expired or not-yet-valid JWT accepted",
    category: Category::Authentication,
    severity: Severity::High,
    cwe: &[613],
    owasp: OWASP,
    summary: "The API accepts JSON Web Tokens whose exp lies in the past (or whose nbf lies in the future), so a stolen or leaked token never stops working.",
    remediation: "Validate exp and nbf on every request (allowing at most a minute of clock skew) and reject tokens without exp.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4",
        "https://cwe.mitre.org/data/definitions/613.html",
    ],
    needs: &[],
    variants: &["expired", "not-yet-valid"],
    examples: &[Example {
        endpoint: "GET /api/v1/me",
        variant: Some("expired"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "A token with the credential's claims that expired an hour ago, signed with HS256 with the secret \"your-256-bit-secret\", was accepted: GET /api/v1/me answered with the content it only gives to authenticated requests. The genuine token is accepted and a garbled signature refused, so validity times are simply not checked.",
        evidence: &[
            jwt_me("control: the genuine token is accepted"),
            jwt_me_refused("control: the same token with a garbled signature is refused"),
            jwt_me("attack: a token that expired an hour ago is accepted"),
        ],
    }],
};

/// The forms tried, in order: (variant, seconds from now the token's validity starts, what it shows).
const FORMS: [(&str, i64, &str); 2] = [
    ("expired", -7200, "expired an hour ago"),
    ("not-yet-valid", 3600, "becomes valid only in an hour (nbf)"),
];

#[async_trait]
impl Check for ExpiredJwt {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        SETUP + UNSIGNED + FORMS.len() as u64 * PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let cred = match forge::credential(ctx).await? {
            Ok(cred) => cred,
            Err(outcome) => return Ok(outcome),
        };
        let cracked = match cred.jwt.hmac() {
            Some(hs) => secrets::recover(ctx, &cred.jwt).await.map(|secret| (hs, secret)),
            None => None,
        };
        let setup = match forge::setup(ctx, cred).await? {
            Ok(setup) => setup,
            Err(outcome) => return Ok(outcome),
        };
        let (signer, key_proof) = match cracked {
            Some((hs, secret)) => (Signer::Hmac(hs, secret), None),
            None => match setup.unsigned_key(ctx).await? {
                Some((signer, verdict)) => (
                    signer,
                    Some(verdict.evidence("the unsigned token is accepted: the key is known")),
                ),
                None => {
                    let why = "the signing key is unknown (no weak HMAC secret, alg \"none\" refused), so no expired token can be made";
                    return Ok(Outcome::NotApplicable(why.into()));
                }
            },
        };
        for (variant, offset, shows) in FORMS {
            let token = setup.sign(&forge::shifted(&setup.cred.jwt.claims, offset), &signer);
            let verdict = setup.attempt(ctx, &token).await?;
            if verdict.accepted {
                let attack = verdict.evidence(&format!("attack: a token that {shows} is accepted"));
                return Ok(Outcome::Findings(vec![finding(
                    &setup, &signer, variant, shows, key_proof, attack,
                )]));
            }
        }
        Ok(Outcome::Findings(Vec::new()))
    }
}

fn finding(
    setup: &Setup<'_>,
    signer: &Signer,
    variant: &str,
    shows: &str,
    key_proof: Option<Exchange>,
    attack: Exchange,
) -> Finding {
    let description = format!(
        "A token with the credential's claims that {shows}, signed with {}, was accepted: {}. The genuine token is accepted and a garbled signature refused, so validity times are simply not checked.",
        signer.describe(),
        setup.oracle.describe()
    );
    let mut evidence = setup.controls();
    evidence.extend(key_proof);
    evidence.push(attack);
    Finding::new(&RULE, Confidence::Confirmed, setup.oracle.endpoint(), description)
        .with_variant(variant)
        .with_evidence(evidence)
}
