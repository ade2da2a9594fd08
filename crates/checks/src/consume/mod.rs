//! Unsafe consumption of APIs (CONSUME-001 … CONSUME-003, OWASP API10:2023):
//! webhook URLs registered without validation, open redirects, and upstream
//! content relayed to the caller unsanitised.

mod consume001_webhook;
mod consume002_redirect;
mod consume003_relay;

pub use consume001_webhook::WebhookUnvalidated;
pub use consume002_redirect::OpenRedirect;
pub use consume003_relay::UpstreamRelayed;

pub(crate) const OWASP: &str = "API10:2023";
