//! The demo's second target: a JSON API with bearer tokens (JWT access
//! tokens and rotating refresh tokens), orders owned by two users, an admin
//! area, a link preview and webhooks that take URLs, and an assistant chat.
//! Each flaw is one switch, so the rules that need a JWT, a second user, a
//! URL-taking input or an LLM endpoint have a vulnerable case and a fixed
//! twin under `cargo test`, as the session rules have on the demo itself.

mod accounts;
mod chat;
mod fetch;
mod orders;
mod routes;
mod token;

use std::net::SocketAddr;

/// The seeded users, their passwords and roles. Alice is the scan's user; Bob
/// is the second identity; Root is the administrator nobody scans as. Public
/// registration adds more.
pub const USERS: [(&str, &str, &str); 3] = [
    ("alice", "correct-horse-7", "user"),
    ("bob", "battery-staple-9", "user"),
    ("root", "tr0ub4dor-and-3", "admin"),
];

/// The flow file for the API: a JSON login returning an access and a refresh
/// token, the caller's own record as the protected page, logout and refresh.
pub const FLOW: &str = r#"# rampart demo API: bearer tokens with refresh
[session]
bearer = true

[preauth]
method = "GET"
path = "/api/v1/health"

[login]
method = "POST"
path = "/api/v1/auth/login"
json = { username = "alice", password = "correct-horse-7" }
token_json = "/access_token"
refresh_json = "/refresh_token"

[protected]
method = "GET"
path = "/api/v1/me"
logged_in_marker = "alice"

[logout]
method = "POST"
path = "/api/v1/auth/logout"

[refresh]
method = "POST"
path = "/api/v1/auth/refresh"
json = { refresh_token = "{{refresh}}" }
token_json = "/access_token"
refresh_json = "/refresh_token"
"#;

/// The OpenAPI 3.0 document of the API's routes.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Which flaws the API has. `vulnerable()` has all but the key-confusion
/// build (which signs RS256 instead of HS256), `fixed()` none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApiFlaws {
    /// AUTH-004: tokens with `alg: none` and no signature are accepted.
    pub alg_none: bool,
    /// AUTH-005: the HS256 key is `secret`.
    pub weak_secret: bool,
    /// AUTH-006: `exp` and `nbf` are not checked.
    pub ignores_expiry: bool,
    /// AUTH-007: access tokens carry no `exp`.
    pub no_expiry: bool,
    /// AUTH-008: access tokens carry the user's social security number.
    pub sensitive_claims: bool,
    /// AUTH-012: tokens are RS256, and HS256 tokens keyed with the public key's PEM are accepted.
    pub key_confusion: bool,
    /// AUTH-013: the token's `kid` picks the HMAC key (a file path or an SQL lookup).
    pub kid_injection: bool,
    /// SESS-020: a refresh token stays valid after it was used once.
    pub refresh_reuse: bool,
    /// SESS-021: logout leaves the session's refresh token valid.
    pub refresh_after_logout: bool,
    /// BOLA-001: orders and users have small sequential integer ids (the fixed API: random UUIDs).
    pub sequential_ids: bool,
    /// BOLA-002, BOLA-004: any signed-in user can read any order.
    pub foreign_reads: bool,
    /// BOLA-003: `GET /api/v1/orders?user_id=` lists that user's orders.
    pub owner_query: bool,
    /// BOLA-005: any signed-in user can change or delete any order.
    pub foreign_writes: bool,
    /// BOLA-006: `PUT /api/v1/users/{username}/password` changes whichever account the path names.
    pub password_by_name: bool,
    /// PROP-003: a new order takes the `status` its body names (the fixed API: always `pending`).
    pub mass_assignment: bool,
    /// BFLA-001: the admin figures answer anonymous requests.
    pub admin_open: bool,
    /// BFLA-002: the admin user list answers any signed-in user.
    pub admin_for_users: bool,
    /// BFLA-003: the caller's record shows its role.
    pub exposes_role: bool,
    /// SSRF-001: the link preview fetches any URL, loopback included.
    pub fetches_any_url: bool,
    /// SSRF-002, CONSUME-003: the preview answers with the fetched body as it came.
    pub relays_fetched_body: bool,
    /// CONSUME-001: a webhook may point anywhere (the fixed API takes public https hosts only).
    pub any_webhook_url: bool,
    /// LLM-001: chat replies name the model and its token usage.
    pub model_disclosure: bool,
    /// LLM-002: the chat history holds the system prompt.
    pub history_has_system_prompt: bool,
    /// LLM-003: the assistant repeats its instructions when asked.
    pub prompt_extraction: bool,
    /// LLM-004: the assistant obeys "ignore all previous instructions".
    pub obeys_override: bool,
    /// LLM-005: the assistant plays along with a role-play persona.
    pub role_play: bool,
    /// LLM-006: the assistant decodes base64 and obeys what it says.
    pub obeys_encoded: bool,
    /// LLM-007: the assistant renders images the prompt names, and fetches them.
    pub markdown_images: bool,
}

impl ApiFlaws {
    pub fn vulnerable() -> Self {
        ApiFlaws {
            alg_none: true,
            weak_secret: true,
            ignores_expiry: true,
            no_expiry: true,
            sensitive_claims: true,
            key_confusion: false,
            kid_injection: true,
            refresh_reuse: true,
            refresh_after_logout: true,
            sequential_ids: true,
            foreign_reads: true,
            owner_query: true,
            foreign_writes: true,
            password_by_name: true,
            mass_assignment: true,
            admin_open: true,
            admin_for_users: true,
            exposes_role: true,
            fetches_any_url: true,
            relays_fetched_body: true,
            any_webhook_url: true,
            model_disclosure: true,
            history_has_system_prompt: true,
            prompt_extraction: true,
            obeys_override: true,
            role_play: true,
            obeys_encoded: true,
            markdown_images: true,
        }
    }

    pub fn fixed() -> Self {
        ApiFlaws::default()
    }
}

/// A running API server; dropping it stops the server.
pub struct ApiServer {
    pub addr: SocketAddr,
    _task: crate::Serving,
    api: std::sync::Arc<routes::Api>,
}

impl ApiServer {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Whether the orders and users the API started with are unchanged (a
    /// scan changes only what it created).
    pub fn seed_intact(&self) -> bool {
        self.api.orders.seed_intact() && self.api.accounts.seed_intact()
    }
}

/// Serve the API with `flaws` on a free loopback port.
pub async fn serve(flaws: ApiFlaws) -> std::io::Result<ApiServer> {
    serve_on(flaws, 0).await
}

/// Serve the API with `flaws` on loopback `port` (0: any free port).
pub async fn serve_on(flaws: ApiFlaws, port: u16) -> std::io::Result<ApiServer> {
    let api = routes::state(flaws);
    let (addr, task) = crate::spawn(routes::router(api.clone()), port).await?;
    Ok(ApiServer { addr, _task: task, api })
}
