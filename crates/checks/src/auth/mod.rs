//! Authentication (AUTH-001 … AUTH-013, OWASP API2:2023): operations that
//! answer without credentials or with wrong ones, JWTs that are unsigned,
//! weakly signed, expired, leaky, verified with the public key as an HMAC
//! secret or with a key their own `kid` chose, missing authentication
//! headers, and a login that tells which user names exist.

pub mod credential;
pub mod jwt;
pub mod keys;
pub mod oracle;
pub mod secrets;

mod auth001_no_auth;
mod auth002_invalid_credentials;
mod auth003_method_bypass;
mod auth004_alg_none;
mod auth005_weak_secret;
mod auth006_expired_jwt;
mod auth007_no_expiry;
mod auth008_sensitive_claims;
mod auth009_security_headers;
mod auth010_www_authenticate;
mod auth011_user_enumeration;
mod auth012_key_confusion;
mod auth013_kid;
mod exchanges;
mod forge;

pub use auth001_no_auth::NoAuth;
pub use auth002_invalid_credentials::InvalidCredentials;
pub use auth003_method_bypass::MethodBypass;
pub use auth004_alg_none::AlgNone;
pub use auth005_weak_secret::WeakSecret;
pub use auth006_expired_jwt::ExpiredJwt;
pub use auth007_no_expiry::NoExpiry;
pub use auth008_sensitive_claims::SensitiveClaims;
pub use auth009_security_headers::SecurityHeaders;
pub use auth010_www_authenticate::NoWwwAuthenticate;
pub use auth011_user_enumeration::UserEnumeration;
pub use auth012_key_confusion::KeyConfusion;
pub use auth013_kid::KidManipulation;

use crate::web;
use rampart_engine::http::Response;
use serde_json::Value;

pub(crate) const OWASP: &str = "API2:2023";

/// Most endpoints one rule sends requests to.
pub(crate) const MAX_ENDPOINTS: usize = 40;

/// An answer that refuses the request: 401/403, or a client error or login page instead of content.
pub fn refused(resp: &Response) -> bool {
    matches!(resp.status, 401 | 403)
        || ((400..500).contains(&resp.status) || resp.status < 300) && !web::has_content(resp)
}

/// Two answers carry the same resource: equal bodies, or JSON with the same top-level keys
/// (both arrays count as the same shape when their first items have the same keys).
pub fn same_shape(a: &Response, b: &Response) -> bool {
    if a.body == b.body {
        return true;
    }
    match (web::json(a), web::json(b)) {
        (Some(x), Some(y)) => top_keys(&x) == top_keys(&y) && top_keys(&x).is_some(),
        _ => false,
    }
}

fn top_keys(v: &Value) -> Option<Vec<&str>> {
    let object = match v {
        Value::Array(items) => items.first()?,
        other => other,
    };
    let mut keys: Vec<&str> = object.as_object()?.keys().map(String::as_str).collect();
    if keys.is_empty() {
        return None;
    }
    keys.sort_unstable();
    Some(keys)
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
