//! The API's access tokens: JWTs signed HS256 with the server's key, or (the
//! key-confusion build) labelled RS256. Each JWT flaw is one branch of
//! `verify`, so the fixed build is the same code with every branch closed.

use super::ApiFlaws;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{KeyInit, Mac};
use rand::Rng;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The weak build's signing key: the first word any JWT cracker tries.
const WEAK_SECRET: &[u8] = b"secret";

/// An RSA public key (made with openssl) the key-confusion build publishes in
/// its JWKS; the same key as PEM is what it wrongly accepts as an HMAC secret.
pub const RSA_N: &str = "vYtBVJNHOQgNLzfjpUnzpAMRsE5Y5uboG6BxSj8WRUxsoQ0llTdnBm9oEma3bKtcfdm-GdWSdDiYKWCKmRoTyizbGdMli2P7rE0GGtePClg48vq9x9SFuzpgvW_zvf3Qd_Gz8J3P-7V0yUVCgCQXPCN5HDzQcjr6OolrqkG7CAM";
const RSA_SPKI: &str = "-----BEGIN PUBLIC KEY-----\nMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC9i0FUk0c5CA0vN+OlSfOkAxGw\nTljm5ugboHFKPxZFTGyhDSWVN2cGb2gSZrdsq1x92b4Z1ZJ0OJgpYIqZGhPKLNsZ\n0yWLY/usTQYa148KWDjy+r3H1IW7OmC9b/O9/dB38bPwnc/7tXTJRUKAJBc8I3kc\nPNByOvo6iWuqQbsIAwIDAQAB\n-----END PUBLIC KEY-----\n";

/// Access tokens live 15 minutes.
const LIFETIME: u64 = 900;

/// Most RS256 tokens remembered (bounded memory).
const MAX_ISSUED: usize = 10_000;

/// Who a verified token speaks for.
#[derive(Debug, Clone)]
pub struct Claims {
    pub user: String,
    pub session: String,
}

pub struct Signer {
    flaws: ApiFlaws,
    key: Vec<u8>,
    /// RS256 tokens this server issued. The demo has no RSA signer: it labels
    /// its tokens RS256 and recognises exactly the ones it issued, which is
    /// what verifying a real signature amounts to.
    issued: Mutex<HashSet<String>>,
}

impl Signer {
    pub fn new(flaws: ApiFlaws) -> Self {
        let key = if flaws.weak_secret {
            WEAK_SECRET.to_vec()
        } else {
            rand::rng().random::<[u8; 32]>().to_vec()
        };
        Signer {
            flaws,
            key,
            issued: Mutex::default(),
        }
    }

    /// A fresh access token for `user` in login session `session`.
    pub fn issue(&self, user: &str, session: &str) -> String {
        let now = now();
        let mut claims = json!({"sub": user, "sid": session, "iat": now, "jti": hex(16)});
        if !self.flaws.no_expiry {
            claims["exp"] = json!(now + LIFETIME);
        }
        if self.flaws.sensitive_claims {
            claims["ssn"] = json!("123-45-6789");
        }
        if self.flaws.key_confusion {
            let token = format!(
                "{}.{}",
                encode(&json!({"alg": "RS256", "typ": "JWT", "kid": "k1"})),
                encode(&claims)
            );
            let token = format!("{token}.{}", B64.encode(rand::rng().random::<[u8; 32]>()));
            let mut issued = self.issued.lock().unwrap();
            if issued.len() >= MAX_ISSUED {
                issued.clear();
            }
            issued.insert(token.clone());
            return token;
        }
        let signed = format!("{}.{}", encode(&json!({"alg": "HS256", "typ": "JWT"})), encode(&claims));
        let signature = B64.encode(mac(&self.key, &signed).finalize().into_bytes());
        format!("{signed}.{signature}")
    }

    /// The JWKS document (`/.well-known/jwks.json`): the RSA key in the key-confusion build.
    pub fn jwks(&self) -> Option<Value> {
        self.flaws.key_confusion.then(
            || json!({"keys": [{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256", "n": RSA_N, "e": "AQAB"}]}),
        )
    }

    /// The claims of `token` when its signature and lifetime hold.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut parts = token.split('.');
        let (head, body, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header = decode(head)?;
        let claims = decode(body)?;
        let alg = header.get("alg")?.as_str()?;
        let signed = &token[..head.len() + 1 + body.len()];
        let genuine = match alg {
            "HS256" => {
                let key = self.hmac_key(header.get("kid").and_then(Value::as_str))?;
                B64.decode(signature)
                    .is_ok_and(|s| mac(&key, signed).verify_slice(&s).is_ok())
            }
            "RS256" => self.flaws.key_confusion && self.issued.lock().unwrap().contains(token),
            alg => self.flaws.alg_none && alg.eq_ignore_ascii_case("none") && signature.is_empty(),
        };
        if !genuine || !(self.flaws.ignores_expiry || in_lifetime(&claims)) {
            return None;
        }
        Some(Claims {
            user: claims.get("sub")?.as_str()?.to_string(),
            session: claims.get("sid")?.as_str()?.to_string(),
        })
    }

    /// The HMAC key for a token with header `kid`: the server's own, or
    /// whatever the flaws let the token choose.
    fn hmac_key(&self, kid: Option<&str>) -> Option<Vec<u8>> {
        if self.flaws.kid_injection
            && let Some(kid) = kid
        {
            // The key is read from the file `kid` names, or looked up in SQL
            // built from it. Simulated: /dev/null reads empty, and a UNION
            // SELECT hands back its literal.
            if kid.ends_with("/dev/null") {
                return Some(Vec::new());
            }
            if let Some((_, rest)) = kid.split_once("UNION SELECT '") {
                return rest.split_once('\'').map(|(key, _)| key.as_bytes().to_vec());
            }
        }
        if self.flaws.key_confusion {
            // The verifier takes the algorithm from the token and hands HS256
            // the key it holds for RS256: the public key's PEM text.
            return Some(RSA_SPKI.as_bytes().to_vec());
        }
        Some(self.key.clone())
    }
}

fn in_lifetime(claims: &Value) -> bool {
    let now = now();
    let field = |name: &str| claims.get(name).and_then(Value::as_u64);
    field("exp").is_none_or(|exp| now < exp) && field("nbf").is_none_or(|nbf| nbf <= now)
}

/// HMAC-SHA256 of `data` under `key`, to finalize or to verify (in constant time).
fn mac(key: &[u8], data: &str) -> hmac::Hmac<sha2::Sha256> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data.as_bytes());
    mac
}

fn encode(value: &Value) -> String {
    B64.encode(value.to_string())
}

fn decode(part: &str) -> Option<Value> {
    let value: Value = serde_json::from_slice(&B64.decode(part).ok()?).ok()?;
    value.is_object().then_some(value)
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `bytes` random bytes as lowercase hex.
pub fn hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::rng().random::<u8>()))
        .collect()
}
