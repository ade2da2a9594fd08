//! API tokens: 32 random bytes, base64url, behind the visible prefix `rmp_`;
//! only their SHA-256 is stored, so a token is shown once, when it is made.
//! There is no default password: the first start makes an admin token and
//! prints it once, or takes `RAMPART_ADMIN_TOKEN`.

use super::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rampart_store::StoreError;
use rampart_store::queue::Queue;
use sha2::{Digest, Sha256};

/// The environment variable that names the admin token instead of a generated one.
pub const ADMIN_TOKEN_VAR: &str = "RAMPART_ADMIN_TOKEN";
const PREFIX: &str = "rmp_";
/// Characters of a token shown to tell it apart (the prefix and 8 more).
const SHOWN: usize = PREFIX.len() + 8;
/// A token shorter than this is refused as the admin token.
const MIN_ADMIN: usize = 32;

/// A new token, stored under `name`; the token itself is returned to be shown once.
pub async fn new_token(queue: &dyn Queue, name: &str) -> Result<String, StoreError> {
    let token = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()));
    queue.add_token(name, &token[..SHOWN], &sha256(&token)).await?;
    Ok(token)
}

/// Makes sure an admin can sign in: `RAMPART_ADMIN_TOKEN` is recorded if it
/// is new; otherwise, when no token exists, a generated one is returned to
/// be printed once.
pub async fn bootstrap(queue: &dyn Queue, admin: Option<&str>) -> Result<Option<String>, String> {
    let store = |e: StoreError| e.to_string();
    if let Some(token) = admin {
        if token.len() < MIN_ADMIN {
            return Err(format!("{ADMIN_TOKEN_VAR} must have at least {MIN_ADMIN} characters"));
        }
        if queue.token_name(&sha256(token)).await.map_err(store)?.is_none() {
            let shown: String = token.chars().take(SHOWN).collect();
            queue.add_token("admin", &shown, &sha256(token)).await.map_err(store)?;
        }
        return Ok(None);
    }
    if queue.has_tokens().await.map_err(store)? {
        return Ok(None);
    }
    new_token(queue, "admin").await.map(Some).map_err(store)
}

pub(crate) fn sha256(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Proof that the request carries a known token in `x-api-key` (or `Authorization: Bearer`).
pub struct Caller;

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let bearer = header("authorization").and_then(|v| v.strip_prefix("Bearer "));
        let Some(token) = header("x-api-key").or(bearer).map(str::trim) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing API key (x-api-key header)",
            ));
        };
        match state.queue.token_name(&sha256(token)).await? {
            Some(_) => Ok(Caller),
            None => Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid API key")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hashed_in_hex() {
        assert_eq!(
            sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
