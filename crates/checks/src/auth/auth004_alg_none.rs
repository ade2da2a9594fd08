//! AUTH-004: the target accepts a JWT re-encoded with `alg: none` and no signature.
//!
//! Proof: the credential's claims, unsigned, reach the protected content, while
//! the genuine token is accepted and the same token with a garbled signature is
//! refused (controls).

use super::OWASP;
use super::forge::{self, SETUP, UNSIGNED};
use crate::examples::{jwt_me, jwt_me_refused};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Rule, Severity};

pub struct AlgNone;

static RULE: Rule = Rule {
    id: "AUTH-004",
    title: "JWT with alg \"none\" accepted",
    category: Category::Authentication,
    severity: Severity::Critical,
    cwe: &[347],
    owasp: OWASP,
    summary: "The API accepts JSON Web Tokens whose header says alg \"none\" and that carry no signature, so anyone can write their own token with any identity or role.",
    remediation: "Verify every token with an explicit allow-list of algorithms (e.g. only HS256 or RS256) and reject \"none\" in any spelling; never let the token's header choose the algorithm.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc8725#section-3.1",
        "https://cwe.mitre.org/data/definitions/347.html",
        "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/me",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "The JWT from the Authorization header was re-encoded with alg \"none\" without a signature (claims unchanged) and GET /api/v1/me answered with the content it only gives to authenticated requests. The genuine token is accepted and the same token with a garbled signature is refused, so the server checks signatures but lets the token's header switch verification off.",
        evidence: &[
            jwt_me("control: the genuine token is accepted"),
            jwt_me_refused("control: the same token with a garbled signature is refused"),
            jwt_me("attack: the unsigned token (alg \"none\" without a signature) is accepted"),
        ],
    }],
};

#[async_trait]
impl Check for AlgNone {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        SETUP + UNSIGNED
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let setup = match forge::start(ctx).await? {
            Ok(setup) => setup,
            Err(outcome) => return Ok(outcome),
        };
        let Some((signer, verdict)) = setup.unsigned_key(ctx).await? else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let description = format!(
            "The JWT from {} was re-encoded with {} (claims unchanged) and {}. The genuine token is accepted and the same token with a garbled signature is refused, so the server checks signatures but lets the token's header switch verification off.",
            setup.cred.place(),
            signer.describe(),
            setup.oracle.describe()
        );
        let mut evidence = setup.controls();
        evidence.push(verdict.evidence(&format!(
            "attack: the unsigned token ({}) is accepted",
            signer.describe()
        )));
        let f = Finding::new(&RULE, Confidence::Confirmed, setup.oracle.endpoint(), description);
        Ok(Outcome::Findings(vec![f.with_evidence(evidence)]))
    }
}
