//! AUTH-005: the credential's JWT is signed with a weak HMAC secret: a
//! well-known default or example, or a dictionary word (see [`secrets`]).
//!
//! Proof: offline, the secret reproduces the token's signature; then a token
//! re-signed with it (fresh `iat` and `jti`) reaches the protected content,
//! while the same token with a garbled signature is refused (control).

use super::OWASP;
use super::exchanges;
use super::forge::{self, SETUP};
use super::jwt::Signer;
use super::oracle::PROBE;
use super::secrets;
use crate::examples::{jwt_me, jwt_me_refused};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Rule, Severity};

pub struct WeakSecret;

static RULE: Rule = Rule {
    id: "AUTH-005",
    title: "JWT signed with a weak HMAC secret",
    category: Category::Authentication,
    severity: Severity::Critical,
    cwe: &[521, 798],
    owasp: OWASP,
    summary: "The API signs its JSON Web Tokens with an HMAC secret that appears in public lists of default and example secrets. Anyone can recover it offline from one token and mint tokens for any user.",
    remediation: "Sign tokens with a random secret of at least 256 bits kept outside the code (or an asymmetric key pair), rotate it now, and invalidate every token signed with the old one.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc8725#section-3.5",
        "https://cwe.mitre.org/data/definitions/521.html",
        "https://cwe.mitre.org/data/definitions/798.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/me",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "The HS256 signature of the JWT from the Authorization header is reproduced offline with the secret \"your-256-bit-secret\", a well-known weak value or a dictionary word. A token rampart minted with it (new iat and jti, same claims) in the Authorization header was accepted: GET /api/v1/me answered with the content it only gives to authenticated requests.",
        evidence: &[
            jwt_me("control: the genuine token is accepted"),
            jwt_me_refused("control: the same token with a garbled signature is refused"),
            jwt_me("attack: a token minted with the recovered secret (new iat and jti) is accepted"),
        ],
    }],
};

#[async_trait]
impl Check for WeakSecret {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        SETUP + PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let cred = match forge::credential(ctx).await? {
            Ok(cred) => cred,
            Err(outcome) => return Ok(outcome),
        };
        let Some(hs) = cred.jwt.hmac() else {
            let why = format!("the credential's JWT is not HMAC-signed (alg \"{}\")", cred.jwt.alg());
            return Ok(Outcome::NotApplicable(why));
        };
        let Some(secret) = secrets::recover(ctx, &cred.jwt).await else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let offline = format!(
            "The {} signature of the JWT from {} is reproduced offline with the secret \"{secret}\", a well-known weak value or a dictionary word.",
            hs.name(),
            cred.place()
        );
        let signer = Signer::Hmac(hs, secret);
        let place = cred.place();
        let setup = match forge::setup(ctx, cred).await? {
            Ok(setup) => setup,
            Err(_) => return Ok(Outcome::Findings(vec![unconfirmed(ctx, offline)])),
        };
        let token = setup.sign(&forge::reissued(&setup.cred.jwt.claims), &signer);
        let verdict = setup.attempt(ctx, &token).await?;
        let mut evidence = setup.controls();
        let (confidence, proof) = if verdict.accepted {
            let note = "attack: a token minted with the recovered secret (new iat and jti) is accepted";
            evidence.push(verdict.evidence(note));
            (
                Confidence::Confirmed,
                format!(
                    "A token rampart minted with it (new iat and jti, same claims) in {place} was accepted: {}.",
                    setup.oracle.describe()
                ),
            )
        } else {
            evidence.push(verdict.evidence("a token minted with the recovered secret was refused"));
            let why = "A token minted with it was refused (the server may also track token ids), but the secret still signs every genuine token.";
            (Confidence::Firm, why.to_string())
        };
        let f = Finding::new(&RULE, confidence, setup.oracle.endpoint(), format!("{offline} {proof}"));
        Ok(Outcome::Findings(vec![f.with_evidence(evidence)]))
    }
}

/// The offline result alone: the secret matches, but no protected request could confirm it.
fn unconfirmed(ctx: &Context<'_>, offline: String) -> Finding {
    let evidence = exchanges::credential_evidence(ctx);
    Finding::new(&RULE, Confidence::Firm, exchanges::credential_endpoint(ctx), offline).with_evidence(evidence)
}
