//! Standard Webhooks signatures: `webhook-signature: v1,<base64 of
//! HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>`, where the
//! key is the base64 after `whsec_`. During a key rotation the header carries
//! one signature per secret, space-separated; a receiver accepts any of them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The prefix of every signing secret.
pub const PREFIX: &str = "whsec_";
/// Random bytes in a new secret.
const SECRET_BYTES: usize = 32;

/// A new signing secret, `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let bytes: [u8; SECRET_BYTES] = rand::random();
    format!("{PREFIX}{}", STANDARD.encode(bytes))
}

/// The `webhook-signature` value: one `v1,…` per secret, space-separated.
/// An error names a secret that is not `whsec_` and base64.
pub fn header(secrets: &[&str], id: &str, timestamp: i64, body: &[u8]) -> Result<String, String> {
    let signed: Result<Vec<String>, String> = secrets.iter().map(|s| signature(s, id, timestamp, body)).collect();
    Ok(signed?.join(" "))
}

fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, String> {
    let key = secret
        .strip_prefix(PREFIX)
        .and_then(|b64| STANDARD.decode(b64).ok())
        .ok_or("a webhook secret is whsec_ and base64")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification and its libraries.
    #[test]
    fn the_specifications_example_is_signed_alike() {
        let signed = header(
            &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(signed.unwrap(), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn every_secret_signs_during_a_rotation() {
        let (old, new) = (new_secret(), new_secret());
        assert!(new.starts_with(PREFIX) && new != old);
        let both = header(&[&new, &old], "msg_1", 1, b"{}").unwrap();
        let one = |s: &str| header(&[s], "msg_1", 1, b"{}").unwrap();
        assert_eq!(both, format!("{} {}", one(&new), one(&old)));
        assert_ne!(one(&new), one(&old));
        assert!(header(&["not-a-secret"], "msg_1", 1, b"{}").is_err());
    }
}
