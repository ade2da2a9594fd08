//! Forms whose hidden anti-CSRF field changes with every page view: before a
//! request to such a form's action, the layer loads the form's page again,
//! takes the token from it (and the cookies the page set, which the token is
//! often bound to), and sends the request with them, as a browser would.

use super::{HttpLayer, Request};
use crate::cookies::Jar;
use crate::error::Result;
use url::Url;

/// The hidden field of a form that carries a per-view token, and the page the form is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormToken {
    pub field: String,
    pub page: Url,
}

/// Is `name` the name of a hidden anti-CSRF field (`csrf_token`,
/// `csrfmiddlewaretoken`, `authenticity_token`, `_token`, `__RequestVerificationToken`…)?
pub fn is_token_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("csrf")
        || n.contains("xsrf")
        || n == "authenticity_token"
        || n == "_token"
        || n == "__requestverificationtoken"
}

impl HttpLayer {
    /// `req` with a token fresh from `token.page` in its form body and the
    /// page's cookies added; `req` unchanged when the page has no such field
    /// any more. The page view is recorded and attributed like any request,
    /// but is admitted as part of the request it serves.
    pub(super) async fn with_fresh_token(&self, req: &Request, token: &FormToken, max_body: usize) -> Result<Request> {
        let mut page = Request::get(token.page.clone());
        page.headers = req
            .headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("content-type"))
            .cloned()
            .collect();
        page.anonymous = req.anonymous;
        self.refuse_state_changing(&page)?;
        self.refuse_out_of_scope(&page)?;
        let resp = self.send_once(&page, max_body).await?;
        let Some(value) = crate::flow::csrf::hidden_field(&resp.text(), &token.field) else {
            return Ok(req.clone());
        };
        let mut fresh = req.clone();
        fresh.body = fresh.body.map(|body| with_field(&body, &token.field, &value));
        let set: Vec<&str> = resp.exchange.response.headers_named("set-cookie").collect();
        if !set.is_empty() {
            with_cookies(&mut fresh.headers, &set);
        }
        Ok(fresh)
    }
}

/// A form-encoded `body` with `field` set to `value`.
fn with_field(body: &[u8], field: &str, value: &str) -> Vec<u8> {
    let pairs = url::form_urlencoded::parse(body).map(|(k, v)| {
        let v = if k == field { value.to_string() } else { v.into_owned() };
        (k.into_owned(), v)
    });
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes()
}

/// `headers` with the cookies of `set` (`Set-Cookie` values) merged into their `Cookie` header.
fn with_cookies(headers: &mut Vec<(String, String)>, set: &[&str]) {
    let mut jar = Jar::default();
    let held = headers.iter().position(|(n, _)| n.eq_ignore_ascii_case("cookie"));
    if let Some(i) = held {
        for pair in headers.remove(i).1.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=') {
                jar.set(name, value);
            }
        }
    }
    for header in set {
        jar.store(header);
    }
    if let Some(cookie) = jar.header() {
        headers.push(("Cookie".into(), cookie));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_field_alone_is_replaced() {
        let body = with_field(b"sku=10031&csrf_token=old&note=a+b", "csrf_token", "n3w/+=");
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "sku=10031&csrf_token=n3w%2F%2B%3D&note=a+b"
        );
    }

    #[test]
    fn page_cookies_join_the_held_ones() {
        let mut headers = vec![("Cookie".to_string(), "sid=abc; csrftoken=old".to_string())];
        with_cookies(&mut headers, &["csrftoken=new; Path=/; SameSite=Lax"]);
        assert_eq!(headers, [("Cookie".to_string(), "sid=abc; csrftoken=new".to_string())]);
        let mut none = Vec::new();
        with_cookies(&mut none, &["csrftoken=t1"]);
        assert_eq!(none, [("Cookie".to_string(), "csrftoken=t1".to_string())]);
    }

    #[test]
    fn token_field_names() {
        for name in [
            "csrf_token",
            "csrfmiddlewaretoken",
            "authenticity_token",
            "_token",
            "__RequestVerificationToken",
            "_xsrf",
        ] {
            assert!(is_token_field(name), "{name}");
        }
        for name in ["token_type", "sku", "page_token"] {
            assert!(!is_token_field(name), "{name}");
        }
    }
}
