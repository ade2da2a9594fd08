//! Remediation that fits the target's stack: the rule's generic fix, then the
//! concrete call or setting for the detected framework and session store
//! (the generic fix alone when the stack is unknown).

use rampart_model::{Fingerprint, Rule};

/// What kind of fix a rule needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Rotate,
    Invalidate,
    CookieOnly,
    CookieFlags,
    Randomness,
    /// The rule's own remediation is the whole fix (no per-stack addition).
    RuleOnly,
}

fn family(rule_id: &str) -> Family {
    match rule_id {
        "SESS-001" | "SESS-002" | "SESS-005" | "SESS-014" => Family::Rotate,
        "SESS-004" | "SESS-013" | "SESS-016" => Family::Invalidate,
        "SESS-003" | "SESS-010" => Family::CookieOnly,
        "SESS-006" | "SESS-015" | "SESS-019" => Family::Randomness,
        "SESS-017" | "SESS-018" | "SESS-020" | "SESS-021" => Family::RuleOnly,
        _ => Family::CookieFlags,
    }
}

/// The rule's remediation, specialised for `fp`'s framework and store.
pub fn for_stack(rule: &Rule, fp: &Fingerprint) -> String {
    let family = family(rule.id);
    let mut text = rule.remediation.to_string();
    if let Some(fix) = fp
        .framework
        .as_deref()
        .and_then(|f| framework_fix(f, fp.session_library.as_deref(), family))
    {
        text.push_str(&format!(" For {}: {fix}", fp.framework.as_deref().unwrap_or_default()));
    }
    if let Some(fix) = fp.store.as_deref().and_then(|s| store_fix(s, family)) {
        text.push_str(&format!(" In the session store: {fix}"));
    }
    text
}

fn framework_fix(framework: &str, library: Option<&str>, family: Family) -> Option<&'static str> {
    use Family::*;
    let fix = match (framework, family) {
        ("django", Rotate) => {
            "authenticate with django.contrib.auth.login(), which calls request.session.cycle_key(); if you set the user on the session yourself, call request.session.cycle_key() first."
        }
        ("django", Invalidate) => {
            "log out with django.contrib.auth.logout(), which flushes the session (request.session.flush()); to end other sessions, delete the user's rows from django_session."
        }
        ("django", CookieOnly) => {
            "keep the default cookie-only sessions; never read a session key from request.GET or a JSON body."
        }
        ("django", CookieFlags) => {
            "set SESSION_COOKIE_HTTPONLY = True, SESSION_COOKIE_SECURE = True, SESSION_COOKIE_SAMESITE = 'Lax', a short SESSION_COOKIE_AGE (e.g. 3600) and leave SESSION_COOKIE_DOMAIN unset."
        }
        ("django", Randomness) => {
            "keep Django's own session-key generation (get_random_string(32)); do not override SessionStore._get_new_session_key."
        }
        ("flask", Rotate) if library.is_some_and(|l| l.contains("flask-session")) => {
            "with Flask-Session, call session.clear() and session.regenerate() on login (and after a password change) so a new server-side session id is issued and the old record deleted."
        }
        ("flask", Rotate) => {
            "call session.clear() before storing the user, and keep a server-side session id that you regenerate on login."
        }
        ("flask", Invalidate) => {
            "on logout call session.clear() and delete the server-side session record (Flask-Session removes it when the session is emptied)."
        }
        ("flask", CookieOnly) => {
            "read the session only from the cookie; reject session ids in request.args or request bodies."
        }
        ("flask", CookieFlags) => {
            "set SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE='Lax', a short PERMANENT_SESSION_LIFETIME (e.g. timedelta(hours=1)) and no SESSION_COOKIE_DOMAIN."
        }
        ("flask", Randomness) => {
            "let Flask-Session generate ids (secrets.token_urlsafe(32)); never derive them from counters or time."
        }
        ("fastapi", Rotate) => {
            "after authenticating, generate the id server-side with secrets.token_urlsafe(32), delete the pre-login row, and never take session_id from the request body, query or headers."
        }
        ("fastapi", Invalidate) => {
            "on logout DELETE the session row by its id (parameterised query) and clear the cookie with response.delete_cookie()."
        }
        ("fastapi", CookieOnly) => {
            "read the id only from request.cookies; do not declare it as a query or body parameter."
        }
        ("fastapi", CookieFlags) => {
            "call response.set_cookie(key, value, httponly=True, secure=True, samesite='lax', max_age=3600) and no domain=."
        }
        ("fastapi", Randomness) => "use secrets.token_urlsafe(32) for session ids.",
        ("express", Rotate) => {
            "call req.session.regenerate() after a successful login (and after privilege changes) before setting req.session.user."
        }
        ("express", Invalidate) => "on logout call req.session.destroy() and clear the cookie.",
        ("express", CookieOnly) => {
            "let express-session read only its signed cookie; never accept ids from req.query or req.body."
        }
        ("express", CookieFlags) => {
            "configure session({ cookie: { httpOnly: true, secure: true, sameSite: 'lax', maxAge: 3600000 } }) without a parent domain."
        }
        ("express", Randomness) => "keep express-session's default genid (uid-safe, 24 random bytes).",
        ("php", Rotate) => {
            "call session_regenerate_id(true) right after login and enable session.use_strict_mode=1 so uninitialised ids are rejected."
        }
        ("php", Invalidate) => "on logout call session_unset(), session_destroy() and expire the cookie.",
        ("php", CookieOnly) => "set session.use_only_cookies=1 and session.use_trans_sid=0.",
        ("php", CookieFlags) => {
            "set session.cookie_httponly=1, session.cookie_secure=1, session.cookie_samesite=Lax and a short session.gc_maxlifetime/cookie_lifetime."
        }
        ("php", Randomness) => "set session.sid_length=48 and session.sid_bits_per_character=6.",
        ("go-net-http", Rotate) => {
            "after login issue a new token from crypto/rand (or INSERT … gen_random_uuid() … RETURNING token) in the same transaction that deletes the pre-auth row; never UPDATE the user column of the row keyed by the old token."
        }
        ("go-net-http", Invalidate) => {
            "on logout DELETE the session row (DELETE FROM sessions WHERE token = $1) and check expires_at > now() on every lookup."
        }
        ("go-net-http", CookieOnly) => {
            "read the token only from the cookie or Authorization header; ignore r.URL.Query()."
        }
        ("go-net-http", CookieFlags) => {
            "set http.Cookie{HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode, MaxAge: 3600} and leave Domain empty."
        }
        ("go-net-http", Randomness) => "read 32 bytes from crypto/rand and hex- or base64-encode them.",
        ("java-servlet", Rotate) => "call request.changeSessionId() after login.",
        ("java-servlet", Invalidate) => "call session.invalidate() on logout.",
        ("java-servlet", CookieOnly) => "set <tracking-mode>COOKIE</tracking-mode> in web.xml (no URL rewriting).",
        ("java-servlet", CookieFlags) => {
            "set <cookie-config><http-only>true</http-only><secure>true</secure></cookie-config> in web.xml, or setHttpOnly(true) and setSecure(true) on the Cookie."
        }
        ("java-servlet", Randomness) => "keep the container's session ids; never build one from java.util.Random.",
        ("rust-tower-sessions", Rotate) => "call session.cycle_id().await before session.insert() of the user.",
        ("rust-tower-sessions", Invalidate) => "call session.flush().await on logout.",
        ("rust-tower-sessions", CookieOnly) => "read the session only through SessionManagerLayer's cookie.",
        ("rust-tower-sessions", CookieFlags) => {
            "configure SessionManagerLayer with .with_secure(true), .with_http_only(true) and .with_same_site(SameSite::Lax)."
        }
        ("rust-tower-sessions", Randomness) => "keep tower-sessions' own random session ids.",
        _ => return None,
    };
    Some(fix)
}

fn store_fix(store: &str, family: Family) -> Option<&'static str> {
    let sql = ["cockroachdb", "postgresql", "postgres", "sql", "mysql"].contains(&store);
    match family {
        Family::Rotate if sql => Some(
            "in one transaction, DELETE the pre-login row and INSERT a new server-generated token (RETURNING token); never UPDATE the user column of the row keyed by the old token (no INSERT … ON CONFLICT upsert on the token).",
        ),
        Family::Rotate if store == "firestore" => Some(
            "create a new session document under a fresh server-generated id and delete the old document; do not update the pre-login document in place.",
        ),
        Family::Invalidate if sql => {
            Some("DELETE the row on logout and add expires_at > now() to every session lookup.")
        }
        Family::Invalidate if store == "firestore" => {
            Some("delete the session document on logout and check its expiry field on every read.")
        }
        Family::Randomness if sql => Some("store a hash of the token (e.g. SHA-256), not the token itself."),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::{Category, Severity};

    const RULE: Rule = Rule {
        id: "SESS-001",
        title: "t",
        category: Category::Authentication,
        severity: Severity::High,
        cwe: &[384],
        owasp: "API2:2023",
        summary: "",
        remediation: "Rotate.",
        references: &[],
        needs: &[],
        variants: &[],
        examples: &[],
    };

    fn fp(framework: Option<&str>, store: Option<&str>) -> Fingerprint {
        Fingerprint {
            framework: framework.map(Into::into),
            store: store.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn names_the_stack_fix() {
        assert!(for_stack(&RULE, &fp(Some("django"), None)).contains("cycle_key()"));
        assert!(for_stack(&RULE, &fp(Some("express"), None)).contains("req.session.regenerate()"));
        assert!(for_stack(&RULE, &fp(Some("php"), None)).contains("session_regenerate_id(true)"));
        assert!(for_stack(&RULE, &fp(Some("go-net-http"), Some("cockroachdb"))).contains("DELETE the pre-login row"));
        assert!(for_stack(&RULE, &fp(None, Some("firestore"))).contains("new session document"));
    }

    #[test]
    fn falls_back_to_the_rules_generic_fix() {
        assert_eq!(for_stack(&RULE, &fp(Some("cobol-cgi"), None)), "Rotate.");
        assert_eq!(for_stack(&RULE, &fp(None, None)), "Rotate.");
    }

    #[test]
    fn store_rules_keep_their_own_fix() {
        let rule = Rule {
            id: "SESS-017",
            remediation: "Deny reads.",
            ..RULE
        };
        assert_eq!(for_stack(&rule, &fp(Some("flask"), Some("firestore"))), "Deny reads.");
    }
}
