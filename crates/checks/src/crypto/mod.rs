//! Encryption (CRYPTO-001 … CRYPTO-006): plain HTTP, HSTS, the certificate and
//! protocol versions seen on rampart's own TLS handshakes, mixed content and
//! cookies without Secure.

mod cert;
mod crypto001_plain_http;
mod crypto002_hsts;
mod crypto003_certificate;
mod crypto004_old_tls;
mod crypto005_mixed_content;
mod crypto006_cookie_secure;
mod hsts;
mod legacy;
mod net;
mod tls;

pub use cert::{Problem, Roots, Summary, evaluate};
pub use crypto001_plain_http::PlainHttp;
pub use crypto002_hsts::WeakHsts;
pub use crypto003_certificate::InvalidCertificate;
pub use crypto004_old_tls::OldTls;
pub use crypto005_mixed_content::MixedContent;
pub use crypto006_cookie_secure::CookieWithoutSecure;
pub use legacy::{Answer, Legacy, client_hello, probe, read_answer};
pub use net::{addresses, is_internal};
pub use tls::fetch_chain;

pub(crate) const OWASP: &str = "API8:2023";

#[cfg(test)]
mod tests;
