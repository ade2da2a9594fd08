//! Recognising the target's framework and session library from cookie names,
//! headers and default error pages.

use crate::cookies::SetCookie;
use crate::flow::Stack;
use rampart_model::{Exchange, Fingerprint};

/// One clue: where to look, what to look for, what it means.
struct Clue {
    framework: &'static str,
    library: Option<&'static str>,
    test: fn(&Exchange) -> Option<String>,
}

const CLUES: &[Clue] = &[
    Clue {
        framework: "django",
        library: Some("django.contrib.sessions"),
        test: |e| cookie_named(e, &["sessionid", "csrftoken"]),
    },
    Clue {
        framework: "django",
        library: None,
        test: |e| {
            body_has(
                e,
                &[
                    "The requested resource was not found on this server",
                    "<title>Page not found at",
                ],
            )
        },
    },
    Clue {
        framework: "express",
        library: Some("express-session"),
        test: |e| cookie_named(e, &["connect.sid"]),
    },
    Clue {
        framework: "express",
        library: None,
        test: |e| header_has(e, "x-powered-by", "express"),
    },
    Clue {
        framework: "php",
        library: Some("php native sessions"),
        test: |e| cookie_named(e, &["PHPSESSID"]),
    },
    Clue {
        framework: "php",
        library: None,
        test: |e| header_has(e, "x-powered-by", "php"),
    },
    Clue {
        framework: "flask",
        library: None,
        test: |e| header_has(e, "server", "werkzeug"),
    },
    Clue {
        framework: "flask",
        library: None,
        test: |e| body_has(e, &["The requested URL was not found on the server"]),
    },
    Clue {
        framework: "fastapi",
        library: None,
        test: |e| body_has(e, &["{\"detail\":\"Not Found\"}"]),
    },
    Clue {
        framework: "fastapi",
        library: None,
        test: |e| header_has(e, "server", "uvicorn"),
    },
    Clue {
        framework: "go-net-http",
        library: None,
        test: |e| body_has(e, &["404 page not found\n"]).filter(|_| e.response.body.len() < 32),
    },
    Clue {
        framework: "java-servlet",
        library: Some("servlet container sessions"),
        test: |e| cookie_named(e, &["JSESSIONID"]),
    },
];

/// Guess the stack from what the scan has seen; `hint` (the flow's `[stack]`) wins.
pub fn detect<'a>(seen: impl IntoIterator<Item = &'a Exchange>, hint: &Stack) -> Fingerprint {
    let seen: Vec<&Exchange> = seen.into_iter().collect();
    let mut fp = Fingerprint::default();
    for clue in CLUES {
        for ex in &seen {
            if let Some(signal) = (clue.test)(ex) {
                fp.signals.push(format!("{signal} → {}", clue.framework));
                fp.framework.get_or_insert_with(|| clue.framework.to_string());
                if fp.framework.as_deref() == Some(clue.framework) && fp.session_library.is_none() {
                    fp.session_library = clue.library.map(str::to_string);
                }
                break;
            }
        }
    }
    if fp.framework.as_deref() == Some("flask") && fp.session_library.is_none() {
        fp.session_library = Some(flask_library(&seen).to_string());
    }
    if let Some(framework) = &hint.framework {
        fp.framework = Some(framework.to_ascii_lowercase());
    }
    fp.store = hint.store.as_ref().map(|s| s.to_ascii_lowercase());
    fp.signals.dedup();
    fp
}

/// Flask's own sessions are signed cookies (`payload.timestamp.signature`); Flask-Session's are opaque ids.
fn flask_library(seen: &[&Exchange]) -> &'static str {
    let session_value = seen
        .iter()
        .flat_map(|e| e.set_cookies())
        .filter_map(SetCookie::parse)
        .find(|c| c.name == "session")
        .map(|c| c.value);
    match session_value {
        Some(v) if v.matches('.').count() >= 2 => "flask signed-cookie session",
        Some(_) => "flask-session (server-side)",
        None => "flask",
    }
}

fn cookie_named(e: &Exchange, names: &[&str]) -> Option<String> {
    e.set_cookies()
        .filter_map(SetCookie::parse)
        .find(|c| names.contains(&c.name.as_str()))
        .map(|c| format!("cookie {}", c.name))
}

fn header_has(e: &Exchange, name: &str, needle: &str) -> Option<String> {
    let value = e.response.header(name)?;
    value
        .to_ascii_lowercase()
        .contains(needle)
        .then(|| format!("{name}: {value}"))
}

fn body_has(e: &Exchange, needles: &[&str]) -> Option<String> {
    let found = needles.iter().find(|n| e.response.body.contains(**n))?;
    Some(format!("default page text \"{}\"", found.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::Header;

    fn response(headers: &[(&str, &str)], body: &str) -> Exchange {
        let mut ex = Exchange::default();
        ex.response.headers = headers
            .iter()
            .map(|(n, v)| Header {
                name: n.to_string(),
                value: v.to_string(),
            })
            .collect();
        ex.response.body = body.into();
        ex
    }

    #[test]
    fn recognises_common_stacks() {
        let cases = [
            (response(&[("Set-Cookie", "sessionid=abc; HttpOnly")], ""), "django"),
            (response(&[("Server", "Werkzeug/3.0.1 Python/3.11")], ""), "flask"),
            (
                response(&[("server", "uvicorn")], "{\"detail\":\"Not Found\"}"),
                "fastapi",
            ),
            (response(&[], "404 page not found\n"), "go-net-http"),
            (response(&[("X-Powered-By", "Express")], ""), "express"),
            (response(&[("Set-Cookie", "PHPSESSID=x; path=/")], ""), "php"),
        ];
        for (ex, expect) in cases {
            assert_eq!(detect([&ex], &Stack::default()).framework.as_deref(), Some(expect));
        }
        assert_eq!(detect([&Exchange::default()], &Stack::default()).framework, None);
    }

    #[test]
    fn flask_session_library_from_cookie_shape() {
        let signed = response(
            &[
                ("Server", "Werkzeug/3"),
                ("Set-Cookie", "session=eyJ4Ijox.ZfQ.abc; HttpOnly"),
            ],
            "",
        );
        assert_eq!(
            detect([&signed], &Stack::default()).session_library.as_deref(),
            Some("flask signed-cookie session")
        );
        let opaque = response(
            &[("Server", "Werkzeug/3"), ("Set-Cookie", "session=Xy0_abcd; HttpOnly")],
            "",
        );
        assert_eq!(
            detect([&opaque], &Stack::default()).session_library.as_deref(),
            Some("flask-session (server-side)")
        );
    }

    #[test]
    fn hint_wins_and_names_the_store() {
        let hint = Stack {
            framework: Some("Go-Net-HTTP".into()),
            store: Some("CockroachDB".into()),
        };
        let fp = detect([&response(&[("Server", "Werkzeug/3")], "")], &hint);
        assert_eq!(
            (fp.framework.as_deref(), fp.store.as_deref()),
            (Some("go-net-http"), Some("cockroachdb"))
        );
    }
}
