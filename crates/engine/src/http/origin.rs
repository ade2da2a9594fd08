//! Origins (scheme, host, port), as browsers and curl scope credentials:
//! the user's headers, the session's cookies and token go only to the origin
//! of the target they were given for.

use url::Url;

/// Is `url` on `home`'s origin? An upgrade from `http://host` to
/// `https://host` on the default ports counts as the same origin: it leaks
/// nothing to another party.
pub fn same_origin(home: &Url, url: &Url) -> bool {
    if home.host_str().map(str::to_ascii_lowercase) != url.host_str().map(str::to_ascii_lowercase) {
        return false;
    }
    let same = home.scheme() == url.scheme() && home.port_or_known_default() == url.port_or_known_default();
    let upgrade = home.scheme() == "http"
        && url.scheme() == "https"
        && home.port_or_known_default() == Some(80)
        && url.port_or_known_default() == Some(443);
    same || upgrade
}

/// `scheme://host:port` for messages.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let home = u("http://app.example:8080/api/");
        assert!(same_origin(&home, &u("http://APP.example:8080/other?x=1")));
        assert!(!same_origin(&home, &u("http://app.example:8081/")));
        assert!(!same_origin(&home, &u("https://app.example:8080/")));
        assert!(!same_origin(&home, &u("http://evil.example:8080/")));
        assert!(!same_origin(&home, &u("http://app.example.evil:8080/")));
        assert!(same_origin(&u("http://app.example/"), &u("https://app.example/login")));
        assert!(!same_origin(&u("https://app.example/"), &u("http://app.example/")));
    }
}
