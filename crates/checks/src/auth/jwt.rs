//! JSON Web Tokens read and written by hand: decoding without verifying
//! (libraries refuse `alg: none`), re-encoding unsigned or HMAC-signed, and an
//! offline search of the HMAC key among well-known weak secrets.

use super::secrets;
use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha2::{Sha256, Sha384, Sha512};

/// base64url without padding when writing; padding and stray trailing bits tolerated when reading.
const B64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Longest token rampart tries to decode.
const MAX_TOKEN: usize = 16 * 1024;

/// Spellings of the unsigned algorithm that verifiers have been known to accept.
pub const NONE_SPELLINGS: [&str; 4] = ["none", "None", "NONE", "nOnE"];

/// A decoded (unverified) token.
#[derive(Debug, Clone, PartialEq)]
pub struct Jwt {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `base64(header).base64(payload)` exactly as received: what the signature covers.
    pub signing_input: String,
    /// The signature part as received (may be empty).
    pub signature: String,
}

/// An HMAC algorithm of the HS family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hs {
    Hs256,
    Hs384,
    Hs512,
}

impl Hs {
    pub fn name(self) -> &'static str {
        match self {
            Hs::Hs256 => "HS256",
            Hs::Hs384 => "HS384",
            Hs::Hs512 => "HS512",
        }
    }

    fn parse(alg: &str) -> Option<Hs> {
        [Hs::Hs256, Hs::Hs384, Hs::Hs512].into_iter().find(|h| h.name() == alg)
    }

    /// The base64url signature of `input` under `secret`.
    pub fn sign(self, secret: &[u8], input: &str) -> String {
        B64.encode(self.mac(secret, input))
    }

    /// The raw MAC of `input` under `secret`.
    fn mac(self, secret: &[u8], input: &str) -> Vec<u8> {
        match self {
            Hs::Hs256 => mac::<Hmac<Sha256>>(secret, input),
            Hs::Hs384 => mac::<Hmac<Sha384>>(secret, input),
            Hs::Hs512 => mac::<Hmac<Sha512>>(secret, input),
        }
    }
}

fn mac<M: Mac + KeyInit>(secret: &[u8], input: &str) -> Vec<u8> {
    let mut m = <M as KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length");
    m.update(input.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// How a forged token is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// `alg` set to this spelling of "none", empty signature.
    Unsigned(&'static str),
    /// HMAC with a known secret.
    Hmac(Hs, String),
}

impl Signer {
    pub fn describe(&self) -> String {
        match self {
            Signer::Unsigned(alg) => format!("alg \"{alg}\" without a signature"),
            Signer::Hmac(hs, secret) => format!("{} with the secret \"{secret}\"", hs.name()),
        }
    }
}

/// The token, when it is three dot-separated base64url parts whose first two are JSON objects with an `alg`.
pub fn decode(token: &str) -> Option<Jwt> {
    if token.len() > MAX_TOKEN {
        return None;
    }
    let mut parts = token.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header = object(h)?;
    header.get("alg")?.as_str()?;
    Some(Jwt {
        header,
        claims: object(p)?,
        signing_input: format!("{h}.{p}"),
        signature: s.to_string(),
    })
}

fn object(part: &str) -> Option<Map<String, Value>> {
    let bytes = B64.decode(part).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// A token with `header` and `claims`, signed by `signer` (the header's `alg` is set to match).
pub fn encode(header: &Map<String, Value>, claims: &Map<String, Value>, signer: &Signer) -> String {
    let mut header = header.clone();
    let alg = match signer {
        Signer::Unsigned(alg) => alg,
        Signer::Hmac(hs, _) => hs.name(),
    };
    header.insert("alg".into(), Value::String(alg.to_string()));
    let input = format!("{}.{}", part(&header), part(claims));
    let signature = match signer {
        Signer::Unsigned(_) => String::new(),
        Signer::Hmac(hs, secret) => hs.sign(secret.as_bytes(), &input),
    };
    format!("{input}.{signature}")
}

fn part(map: &Map<String, Value>) -> String {
    B64.encode(Value::Object(map.clone()).to_string())
}

impl Jwt {
    pub fn alg(&self) -> &str {
        self.header.get("alg").and_then(Value::as_str).unwrap_or_default()
    }

    /// The HMAC algorithm, when the token is HS256/384/512.
    pub fn hmac(&self) -> Option<Hs> {
        Hs::parse(self.alg())
    }

    /// The same header and payload with every signature character changed: a token no key signed.
    pub fn garbled(&self) -> String {
        let signature: String = if self.signature.is_empty() {
            "c2lnbmF0dXJl".into()
        } else {
            self.signature.chars().map(rotate).collect()
        };
        format!("{}.{signature}", self.signing_input)
    }

    /// The secret among [`secrets::candidates`] that reproduces the signature, if any.
    pub fn crack(&self) -> Option<String> {
        let hs = self.hmac()?;
        let expected = B64.decode(self.signature.trim_end_matches('=')).ok()?;
        secrets::candidates()
            .find(|secret| hs.mac(secret.as_bytes(), &self.signing_input) == expected)
            .map(|secret| secret.into_owned())
    }

    /// A numeric claim (`exp`, `iat`, `nbf`).
    pub fn time(&self, claim: &str) -> Option<i64> {
        self.claims.get(claim).and_then(Value::as_f64).map(|v| v as i64)
    }
}

/// The next character of the base64url alphabet: changes the top bits of every sextet.
fn rotate(c: char) -> char {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    match ALPHABET.iter().position(|&b| b as char == c) {
        Some(i) => ALPHABET[(i + 32) % 64] as char,
        None => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The example token of RFC 7519's most copied tutorial, signed with "your-256-bit-secret".
    const EXAMPLE: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn decodes_and_cracks_a_known_weak_token() {
        let jwt = decode(EXAMPLE).unwrap();
        assert_eq!((jwt.alg(), jwt.hmac()), ("HS256", Some(Hs::Hs256)));
        assert_eq!(jwt.claims["name"], "John Doe");
        assert_eq!(jwt.time("iat"), Some(1516239022));
        assert_eq!(jwt.crack().as_deref(), Some("your-256-bit-secret"));
    }

    #[test]
    fn strong_secrets_and_garbled_signatures_are_not_cracked() {
        let claims = map(json!({"sub": "alice"}));
        let header = map(json!({"typ": "JWT"}));
        for hs in [Hs::Hs256, Hs::Hs384, Hs::Hs512] {
            let strong = encode(&header, &claims, &Signer::Hmac(hs, "k7#Qv9!long-random-value".into()));
            assert_eq!(decode(&strong).unwrap().crack(), None);
            let weak = decode(&encode(&header, &claims, &Signer::Hmac(hs, "changeme".into()))).unwrap();
            assert_eq!(weak.crack().as_deref(), Some("changeme"), "{}", hs.name());
            let garbled = decode(&weak.garbled()).unwrap();
            assert_ne!(garbled.signature, weak.signature);
            assert_eq!(garbled.signature.len(), weak.signature.len());
            assert_eq!(garbled.crack(), None);
        }
    }

    #[test]
    fn dictionary_words_are_recovered_in_their_spellings() {
        let claims = map(json!({"sub": "alice"}));
        for word in ["dragon", "Kitten", "monkey123"] {
            let token = encode(&map(json!({})), &claims, &Signer::Hmac(Hs::Hs256, word.into()));
            assert_eq!(decode(&token).unwrap().crack().as_deref(), Some(word));
        }
    }

    #[test]
    fn unsigned_tokens_round_trip() {
        let token = encode(
            &map(json!({"alg": "HS256", "typ": "JWT"})),
            &map(json!({"sub": "1"})),
            &Signer::Unsigned("none"),
        );
        assert!(token.ends_with('.'));
        let jwt = decode(&token).unwrap();
        assert_eq!((jwt.alg(), jwt.hmac(), jwt.signature.as_str()), ("none", None, ""));
        assert_eq!(jwt.claims["sub"], "1");
        assert_eq!(jwt.crack(), None);
    }

    #[test]
    fn non_tokens_are_refused() {
        for value in [
            "",
            "abc",
            "a.b.c",
            "e30.e30.x",
            "eyJhbGciOiJub25lIn0.W10.",
            "x.y.z.w",
            "9f86d081884c7d65",
        ] {
            assert!(decode(value).is_none(), "{value}");
        }
        assert!(decode("eyJhbGciOiJub25lIn0.e30.").is_some());
    }
}
