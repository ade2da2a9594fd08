//! Exchanges several rules' example findings share (`Rule::examples`): the
//! imagined API's identity endpoint, an order, its chat endpoint and its
//! session pages, each given the note of the proof it serves in.

use rampart_model::Proof;

const JSON: &[&str] = &["Content-Type: application/json"];
const HTML: &[&str] = &["Content-Type: text/html; charset=utf-8"];
const JWT: &[&str] = &["Authorization: Bearer eyJhbG[redacted]"];
const BEARER: &[&str] = &["Authorization: Bearer [redacted]"];
const ALICE: &str = r#"{"id":1,"username":"alice","email":"alice@example.com"}"#;

const fn proof(request: &'static str, headers: &'static [&'static str], status: u16, note: &'static str) -> Proof {
    Proof {
        request,
        headers,
        body: None,
        status,
        response_headers: JSON,
        response_body: ALICE,
        note,
    }
}

/// `GET /api/v1/me` with the scan's JWT, answered as the scan's user.
pub const fn jwt_me(note: &'static str) -> Proof {
    proof("GET /api/v1/me", JWT, 200, note)
}

/// `GET /api/v1/me` with a JWT the server refuses.
pub const fn jwt_me_refused(note: &'static str) -> Proof {
    Proof {
        response_headers: &[
            "Content-Type: application/json",
            "WWW-Authenticate: Bearer error=\"invalid_token\"",
        ],
        response_body: r#"{"error":"invalid token"}"#,
        ..proof("GET /api/v1/me", JWT, 401, note)
    }
}

/// `GET /api/v1/me` with an opaque bearer token, answered as the scan's user.
pub const fn bearer_me(note: &'static str) -> Proof {
    proof("GET /api/v1/me", BEARER, 200, note)
}

/// The scan's user's order 1002, as its owner reads it.
pub const fn order(note: &'static str) -> Proof {
    Proof {
        response_body: r#"{"id":1002,"user_id":1,"total":49.9,"status":"shipped"}"#,
        ..proof("GET /api/v1/orders/1002", BEARER, 200, note)
    }
}

/// A benign prompt to the chat endpoint and its ordinary reply.
pub const fn benign_chat(note: &'static str) -> Proof {
    Proof {
        headers: &["Authorization: Bearer [redacted]", "Content-Type: application/json"],
        body: Some(r#"{"message":"Hello, what can you help me with today?"}"#),
        response_body: r#"{"reply":"Hi! I can help you track orders, returns and deliveries."}"#,
        ..proof("POST /api/v1/chat", BEARER, 200, note)
    }
}

/// The API's root, asked anonymously.
pub const fn root(note: &'static str) -> Proof {
    Proof {
        response_body: r#"{"name":"example-api","version":"1.4.2"}"#,
        ..proof("GET /", &[], 200, note)
    }
}

/// The session flow's protected page, signed in with the session cookie.
pub const fn account(note: &'static str) -> Proof {
    Proof {
        response_headers: HTML,
        response_body: "<p>Signed in as alice</p>",
        ..proof("GET /account", &["Cookie: sid=a2e95c[redacted]"], 200, note)
    }
}

/// The protected page with a session id the server does not know.
pub const fn account_refused(note: &'static str) -> Proof {
    Proof {
        response_headers: HTML,
        response_body: "<h1>Please sign in</h1>",
        ..proof("GET /account", &["Cookie: sid=e07b1d[redacted]"], 401, note)
    }
}

/// The login page, which starts a pre-login session.
pub const fn login_page(note: &'static str) -> Proof {
    Proof {
        response_headers: &[
            "Content-Type: text/html; charset=utf-8",
            "Set-Cookie: sid=4d81b7[redacted]; Path=/; HttpOnly; Secure; SameSite=Lax",
        ],
        response_body: r#"<form method="post" action="/login"><input name="username"><input type="password" name="password"></form>"#,
        ..proof("GET /login", &[], 200, note)
    }
}

/// The form login with the pre-login session, answered with a new session.
pub const fn login(note: &'static str) -> Proof {
    Proof {
        headers: &[
            "Cookie: sid=4d81b7[redacted]",
            "Content-Type: application/x-www-form-urlencoded",
        ],
        body: Some("username=alice&password=[redacted]"),
        response_headers: &[
            "Content-Type: text/html; charset=utf-8",
            "Set-Cookie: sid=a2e95c[redacted]; Path=/; HttpOnly; Secure; SameSite=Lax",
        ],
        response_body: "<p>Welcome back, alice</p>",
        ..proof("POST /login", &[], 200, note)
    }
}
