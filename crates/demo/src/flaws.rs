//! The flaws the demo API can be built with, one switch each.

/// Which flaws the demo API has. `vulnerable()` has all, `fixed()` none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flaws {
    /// SESS-001: the pre-login session id is kept through login.
    pub fixation: bool,
    /// SESS-002: unknown ids from the cookie or a `session_id` login field are adopted.
    pub adoption: bool,
    /// SESS-003: `?sid=` in the URL is accepted as the session.
    pub url_session: bool,
    /// SESS-004: logout only clears the cookie; the server keeps the session.
    pub logout_keeps_session: bool,
    /// SESS-005: a password change keeps the session id.
    pub password_keeps_session: bool,
    /// SESS-006: ids are a counter.
    pub weak_ids: bool,
    /// SESS-007, SESS-008, SESS-009: cookie without HttpOnly, Secure, SameSite.
    pub no_http_only: bool,
    pub no_secure: bool,
    pub no_same_site: bool,
    /// SESS-010: login answers with the session id in its JSON body.
    pub token_in_body: bool,
    /// SESS-011: the cookie lives 30 days.
    pub long_lifetime: bool,
    /// SESS-012: the cookie is scoped to this parent domain (needs a host name under it).
    pub parent_domain: Option<&'static str>,
    /// SESS-013: a new login leaves the user's older sessions valid.
    pub concurrent_sessions: bool,
    /// AUTH-009: no X-Content-Type-Options or X-Frame-Options headers.
    pub no_security_headers: bool,
    /// AUTH-010: 401 answers without WWW-Authenticate.
    pub no_www_authenticate: bool,
    /// RATE-001: no request limit and no RateLimit headers.
    pub unlimited: bool,
    /// INV-001: no API version anywhere (the fixed API names it in an `Api-Version` header).
    pub unversioned: bool,
    /// INV-005: the OpenAPI document is served to anyone (the fixed API serves it to signed-in users only).
    pub public_spec: bool,
    /// INPUT-007: the product search and lookup write their input into the SQL text.
    pub sql_injection: bool,
    /// AUTH-011: login says whether the user name exists.
    pub user_enumeration: bool,
    /// CONSUME-002: `GET /go?next=` redirects anywhere (the fixed API only to its own paths).
    pub open_redirect: bool,
}

impl Flaws {
    pub fn vulnerable() -> Self {
        Flaws {
            fixation: true,
            adoption: true,
            url_session: true,
            logout_keeps_session: true,
            password_keeps_session: true,
            weak_ids: true,
            no_http_only: true,
            no_secure: true,
            no_same_site: true,
            token_in_body: true,
            long_lifetime: true,
            parent_domain: None,
            concurrent_sessions: true,
            no_security_headers: true,
            no_www_authenticate: true,
            unlimited: true,
            unversioned: true,
            public_spec: true,
            sql_injection: true,
            user_enumeration: true,
            open_redirect: true,
        }
    }

    pub fn fixed() -> Self {
        Flaws::default()
    }
}
