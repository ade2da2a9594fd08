//! AUTH-008: the credential's JWT carries sensitive data in its claims
//! (passive). JWT payloads are only encoded, so whoever holds or sees the
//! token reads them.

use super::OWASP;
use super::exchanges::{credential_endpoint, credential_evidence};
use super::forge;
use crate::web;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};
use serde_json::Value;

pub struct SensitiveClaims;

static RULE: Rule = Rule {
    id: "AUTH-008",
    title: "Sensitive data in JWT claims",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[312, 200],
    owasp: OWASP,
    summary: "The API puts secrets or personal data (passwords, social security or card numbers) into JSON Web Token claims. Tokens are base64, not encrypted: browsers, logs, proxies and every client can read them.",
    remediation: "Keep only an opaque subject id and the claims authorization needs in the token; look anything else up server-side (or use an encrypted JWE if it must travel).",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc8725#section-3.6",
        "https://cwe.mitre.org/data/definitions/312.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "The JWT in the Authorization header carries sensitive claims anyone holding the token can decode: ssn (sensitive name, *******6789), card_number (sensitive name, ************1111).",
        evidence: &[Proof {
            request: "POST /login",
            headers: &["Content-Type: application/json"],
            body: Some(r#"{"username":"alice","password":"[redacted]"}"#),
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"access_token":"eyJhbG[redacted]","token_type":"bearer"}"#,
            note: "login: the server issues the token",
        }],
    }],
};

/// Words in a claim name that mark it as sensitive.
const SENSITIVE_WORDS: &[&str] = &[
    "password", "passwd", "pwd", "secret", "ssn", "card", "credit", "cvv", "cvc", "iban",
];

#[async_trait]
impl Check for SensitiveClaims {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let cred = match forge::credential(ctx).await? {
            Ok(cred) => cred,
            Err(outcome) => return Ok(outcome),
        };
        let found = sensitive(&Value::Object(cred.jwt.claims.clone()));
        if found.is_empty() {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let description = format!(
            "The JWT in {} carries sensitive claims anyone holding the token can decode: {}.",
            cred.place(),
            found.join(", ")
        );
        let f = Finding::new(&RULE, Confidence::Firm, credential_endpoint(ctx), description);
        Ok(Outcome::Findings(vec![f.with_evidence(credential_evidence(ctx))]))
    }
}

/// Each sensitive claim as `name (why, masked value)`.
pub fn sensitive(claims: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in web::fields(claims) {
        if value.is_empty() || matches!(value.as_str(), "true" | "false") {
            continue;
        }
        let why = if sensitive_name(&key) {
            "sensitive name"
        } else if is_ssn(&value) {
            "social security number"
        } else if is_card(&value) {
            "payment card number"
        } else {
            continue;
        };
        let entry = format!("{key} ({why}, {})", mask(&value));
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    out
}

/// The claim name split into lowercase words (`cardNumber`, `card_number` → card, number).
fn sensitive_name(key: &str) -> bool {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && !word.is_empty()) {
            words.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
    }
    words.extend((!word.is_empty()).then_some(word));
    let joined = words.concat();
    words.iter().any(|w| SENSITIVE_WORDS.contains(&w.as_str())) || joined.contains("socialsecurity")
}

/// `NNN-NN-NNNN` with a possible area number.
fn is_ssn(value: &str) -> bool {
    let b = value.trim().as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    b.len() == 11
        && b[3] == b'-'
        && b[6] == b'-'
        && digits(0..3)
        && digits(4..6)
        && digits(7..11)
        && !matches!(&b[0..3], b"000" | b"666")
        && b[0] != b'9'
}

/// 13–19 digits (spaces and dashes allowed) passing the Luhn check.
fn is_card(value: &str) -> bool {
    let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
    let clean = value.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
    if !clean || !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2, d * 2) {
            (1, twice) if twice > 9 => twice - 9,
            (1, twice) => twice,
            _ => d,
        })
        .sum();
    sum % 10 == 0
}

/// The last four characters, the rest starred.
fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let keep = chars.len().min(4).min(chars.len() / 2);
    let hidden = "*".repeat((chars.len() - keep).min(12));
    format!("{hidden}{}", chars[chars.len() - keep..].iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flags_secrets_and_pii_but_not_plain_identity() {
        let claims = json!({"sub": "alice", "email": "alice@example.com", "ssn": "123-45-6789",
            "profile": {"cardNumber": "4111 1111 1111 1111"}, "note": "078-05-1120", "pwd_changed": false});
        let found = sensitive(&claims);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("ssn (sensitive name, *******6789)"), "{found:?}");
        assert!(found.iter().any(|f| f.starts_with("cardNumber (sensitive name")));
        assert!(found.iter().any(|f| f.starts_with("note (social security number")));
        assert!(!found.iter().any(|f| f.contains("1111 1111 1111 1111")));
    }

    #[test]
    fn ordinary_claims_pass() {
        let claims = json!({"sub": "42", "email": "a@b.c", "role": "user", "iat": 1700000000, "exp": 1700000900,
            "scope": "read write", "discard": "x", "order": "4111111111111112"});
        assert!(sensitive(&claims).is_empty(), "{:?}", sensitive(&claims));
    }

    #[test]
    fn luhn_and_ssn_shapes() {
        assert!(is_card("4111111111111111") && is_card("5500-0000-0000-0004"));
        assert!(!is_card("4111111111111112") && !is_card("1234") && !is_card("41111111111111a1"));
        assert!(is_ssn("123-45-6789") && !is_ssn("000-12-3456") && !is_ssn("123456789"));
    }
}
