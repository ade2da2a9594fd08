//! `Set-Cookie` parsing and a minimal per-client cookie jar.
//!
//! A scan talks to one origin, so the jar ignores Domain and Path for sending
//! and sends Secure cookies over plain HTTP too (a scanner must keep the
//! session a browser would keep on https).

use std::time::Duration;

/// One parsed `Set-Cookie` header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    pub http_only: bool,
    pub secure: bool,
    /// The SameSite attribute as written, if any.
    pub same_site: Option<String>,
    pub domain: Option<String>,
    pub path: Option<String>,
    pub max_age: Option<i64>,
    pub expires: Option<String>,
}

impl SetCookie {
    pub fn parse(header: &str) -> Option<SetCookie> {
        let mut parts = header.split(';');
        let (name, value) = parts.next()?.split_once('=')?;
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let mut cookie = SetCookie {
            name: name.to_string(),
            value: unquote(value.trim()).to_string(),
            ..Default::default()
        };
        for attr in parts {
            let (key, val) = attr
                .split_once('=')
                .map_or((attr.trim(), ""), |(k, v)| (k.trim(), v.trim()));
            match key.to_ascii_lowercase().as_str() {
                "httponly" => cookie.http_only = true,
                "secure" => cookie.secure = true,
                "samesite" => cookie.same_site = Some(val.to_string()),
                "domain" => cookie.domain = Some(val.trim_start_matches('.').to_string()),
                "path" => cookie.path = Some(val.to_string()),
                "max-age" => cookie.max_age = val.parse().ok(),
                "expires" => cookie.expires = Some(val.to_string()),
                _ => {}
            }
        }
        Some(cookie)
    }

    /// True when the header deletes the cookie rather than setting it.
    pub fn is_removal(&self) -> bool {
        self.max_age.is_some_and(|age| age <= 0)
            || self.value.is_empty()
            || self.lifetime().is_some_and(|l| l.is_zero())
    }

    /// How long the cookie lives from now; `None` for a browser-session cookie.
    pub fn lifetime(&self) -> Option<Duration> {
        if let Some(age) = self.max_age {
            return Some(Duration::from_secs(age.max(0) as u64));
        }
        let expires = self.expires.as_deref()?;
        let when = parse_cookie_date(expires)?;
        let secs = (when - time::OffsetDateTime::now_utc()).whole_seconds().max(0);
        Some(Duration::from_secs(secs as u64))
    }
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v)
}

/// Cookie dates come in RFC 1123 (`Wed, 21 Oct 2026 07:28:00 GMT`) and with dashes.
fn parse_cookie_date(s: &str) -> Option<time::OffsetDateTime> {
    let normalised = s.replace('-', " ");
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(normalised.trim(), &fmt)
        .ok()
        .map(|t| t.assume_utc())
}

/// Does a cookie name look like a session id (`sessionid`, `sid`, `auth_token` …, not a CSRF cookie)?
pub fn is_session_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["sess", "sid", "token", "auth", "jwt"].iter().any(|w| n.contains(w)) && !n.contains("csrf") && !n.contains("xsrf")
}

/// Is a cookie named like a refresh token (`refresh_token`, `refresh-token`,
/// `jwtRefresh` …)? Such a cookie only buys new tokens; it never carries the session.
pub fn is_refresh_name(name: &str) -> bool {
    name.to_ascii_lowercase().contains("refresh")
}

/// The cookies that carry one session with `name`: it and the ones named as
/// its signature (`name.sig`, `name-sig`) or chunks (`name.0`, `name-1`,
/// `nameC1`) among `held`, or, when `name` is a signature or chunk itself,
/// the cookie it belongs to and its siblings; the cookie the others belong to
/// comes first. One cookie alone when it has no such company.
pub fn session_set<'a>(name: &str, held: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let stem = set_stem(name).unwrap_or(name);
    let mut set: Vec<String> = held
        .into_iter()
        .filter(|n| set_stem(n) == Some(stem) || *n == stem)
        .map(str::to_string)
        .chain([name.to_string()])
        .collect();
    // The cookie the others belong to first, then signatures and chunks in order.
    set.sort_by_key(|n| (n != stem, n.clone()));
    set.dedup();
    set
}

/// The name a signature or chunk cookie belongs to: `koa.sess` for
/// `koa.sess.sig`, `s` for `s.1` or `sC2`; `None` for any other name.
fn set_stem(name: &str) -> Option<&str> {
    for suffix in [".sig", "-sig", ".sign", ".signature"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return Some(stem).filter(|s| !s.is_empty());
        }
    }
    let digits = name.trim_end_matches(|c: char| c.is_ascii_digit());
    if digits.len() == name.len() || name.len() - digits.len() > 2 {
        return None;
    }
    let stem = digits
        .strip_suffix('.')
        .or_else(|| digits.strip_suffix('-'))
        .or_else(|| digits.strip_suffix('C'))?;
    Some(stem).filter(|s| !s.is_empty())
}

/// The cookies one client holds, in arrival order.
#[derive(Debug, Clone, Default)]
pub struct Jar {
    cookies: Vec<(String, String)>,
}

impl Jar {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn set(&mut self, name: &str, value: &str) {
        self.remove(name);
        self.cookies.push((name.to_string(), value.to_string()));
    }

    pub fn remove(&mut self, name: &str) {
        self.cookies.retain(|(n, _)| n != name);
    }

    /// Apply one `Set-Cookie` header.
    pub fn store(&mut self, header: &str) {
        let Some(cookie) = SetCookie::parse(header) else {
            return;
        };
        if cookie.is_removal() {
            self.remove(&cookie.name);
        } else {
            self.set(&cookie.name, &cookie.value);
        }
    }

    /// The `Cookie` header value, if the jar holds anything.
    pub fn header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.cookies.iter().map(|(n, _)| n.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_attributes() {
        let c = SetCookie::parse("sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=3600; Domain=.example.com")
            .unwrap();
        assert_eq!((c.name.as_str(), c.value.as_str()), ("sid", "abc"));
        assert!(c.http_only && c.secure);
        assert_eq!(c.same_site.as_deref(), Some("Lax"));
        assert_eq!(c.domain.as_deref(), Some("example.com"));
        assert_eq!(c.lifetime(), Some(Duration::from_secs(3600)));
    }

    #[test]
    fn expires_date_gives_lifetime() {
        let c = SetCookie::parse("s=1; Expires=Thu, 01 Jan 2099 00:00:00 GMT").unwrap();
        assert!(c.lifetime().unwrap() > Duration::from_secs(86400 * 365));
        let past = SetCookie::parse("s=1; expires=Thu, 01-Jan-1970 00:00:00 GMT").unwrap();
        assert!(past.is_removal());
    }

    #[test]
    fn jar_stores_replaces_and_removes() {
        let mut jar = Jar::default();
        jar.store("a=1");
        jar.store("b=2; HttpOnly");
        jar.store("a=3");
        assert_eq!(jar.header().as_deref(), Some("b=2; a=3"));
        jar.store("a=; Max-Age=0");
        assert_eq!(jar.header().as_deref(), Some("b=2"));
        assert!(SetCookie::parse("garbage").is_none());
    }

    #[test]
    fn session_sets_of_signatures_and_chunks() {
        let held = ["koa.sess", "koa.sess.sig", "csrf", "sid"];
        assert_eq!(session_set("koa.sess", held), ["koa.sess", "koa.sess.sig"]);
        assert_eq!(session_set("koa.sess.sig", held), ["koa.sess", "koa.sess.sig"]);
        assert_eq!(session_set("sid", held), ["sid"]);
        let chunks = ["next-auth.session-token.1", "next-auth.session-token.0", "theme"];
        assert_eq!(
            session_set("next-auth.session-token.0", chunks),
            ["next-auth.session-token.0", "next-auth.session-token.1"]
        );
        let aspnet = [".AspNetCore.Cookies", ".AspNetCore.CookiesC1", ".AspNetCore.CookiesC2"];
        assert_eq!(session_set(".AspNetCore.Cookies", aspnet).len(), 3);
        // A year or a version number is no chunk index.
        assert_eq!(
            session_set("session", ["session", "session2026", "session_v2"]),
            ["session"]
        );
        assert_eq!(set_stem("s-1"), Some("s"));
        assert_eq!(set_stem("v1"), None);
        assert_eq!(set_stem(".sig"), None);
    }
}
