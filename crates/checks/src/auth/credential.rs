//! The scan's credentials as headers, and tampered copies of them: the JWT
//! they carry swapped for a forged one, or every secret value replaced by a
//! random one of the same shape.

use super::jwt::{self, Jwt};
use rampart_engine::Context;
use rampart_engine::token::forge_like;

/// Headers (name, value) that authenticate a request.
pub type Headers = Vec<(String, String)>;

/// A JWT found in the scan's credentials and where it travels.
#[derive(Debug, Clone)]
pub struct JwtCredential {
    /// Every credential header, the JWT among them.
    pub headers: Headers,
    index: usize,
    pub token: String,
    pub jwt: Jwt,
}

impl JwtCredential {
    /// The JWT of the scan's credentials (`--bearer`/`--header`/`--cookie`, else the flow's session).
    pub async fn find(ctx: &Context<'_>) -> Result<Option<JwtCredential>, rampart_engine::Error> {
        Ok(ctx.auth_headers().await?.and_then(JwtCredential::in_headers))
    }

    /// The first JWT in a bearer value, a cookie value or a whole header value.
    pub fn in_headers(headers: Headers) -> Option<JwtCredential> {
        let (index, token, jwt) = headers.iter().enumerate().find_map(|(i, (name, value))| {
            candidates(name, value).find_map(|t| jwt::decode(t).map(|j| (i, t.to_string(), j)))
        })?;
        Some(JwtCredential {
            headers,
            index,
            token,
            jwt,
        })
    }

    /// The credential headers with the JWT replaced by `token`.
    pub fn with_token(&self, token: &str) -> Headers {
        let mut headers = self.headers.clone();
        let value = &mut headers[self.index].1;
        *value = value.replacen(&self.token, token, 1);
        headers
    }

    /// Where the token travels, for descriptions.
    pub fn place(&self) -> String {
        let name = &self.headers[self.index].0;
        if name.eq_ignore_ascii_case("authorization") {
            "the Authorization header".into()
        } else if name.eq_ignore_ascii_case("cookie") {
            "a cookie".into()
        } else {
            format!("the {name} header")
        }
    }
}

/// Every value in `headers` that could be a token.
pub fn token_values(headers: &Headers) -> impl Iterator<Item = &str> {
    headers.iter().flat_map(|(name, value)| candidates(name, value))
}

/// The values in one header that could be a token.
fn candidates<'a>(name: &str, value: &'a str) -> Box<dyn Iterator<Item = &'a str> + 'a> {
    if name.eq_ignore_ascii_case("cookie") {
        return Box::new(
            value
                .split(';')
                .filter_map(|pair| pair.trim().split_once('=').map(|(_, v)| v)),
        );
    }
    let bare = value
        .split_once(' ')
        .filter(|(scheme, _)| name.eq_ignore_ascii_case("authorization") && !scheme.is_empty())
        .map_or(value, |(_, cred)| cred);
    Box::new(std::iter::once(bare.trim()))
}

/// The credential headers with every secret value replaced by a random one of the same shape
/// (the scheme of an Authorization value and cookie names are kept).
pub fn forged(headers: &Headers) -> Headers {
    headers
        .iter()
        .map(|(name, value)| (name.clone(), forge_value(name, value)))
        .collect()
}

fn forge_value(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("cookie") {
        let pairs = value.split(';').map(|pair| match pair.trim().split_once('=') {
            Some((n, v)) => format!("{n}={}", forge_like(v)),
            None => pair.trim().to_string(),
        });
        return pairs.collect::<Vec<_>>().join("; ");
    }
    match value.split_once(' ') {
        Some((scheme, cred)) if name.eq_ignore_ascii_case("authorization") => {
            format!("{scheme} {}", forge_like(cred))
        }
        _ => forge_like(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";

    fn h(name: &str, value: &str) -> (String, String) {
        (name.into(), value.into())
    }

    #[test]
    fn finds_the_jwt_in_bearer_cookie_or_custom_header() {
        let bearer =
            JwtCredential::in_headers(vec![h("Cookie", "a=b"), h("Authorization", &format!("Bearer {TOKEN}"))]);
        let bearer = bearer.unwrap();
        assert_eq!(
            (bearer.token.as_str(), bearer.place()),
            (TOKEN, "the Authorization header".into())
        );
        assert_eq!(bearer.with_token("x.y.z")[1].1, "Bearer x.y.z");
        assert_eq!(bearer.with_token("x.y.z")[0].1, "a=b");
        let cookie = JwtCredential::in_headers(vec![h("Cookie", &format!("prefs=1; session={TOKEN}"))]).unwrap();
        assert_eq!(cookie.with_token("T")[0].1, "prefs=1; session=T");
        let custom = JwtCredential::in_headers(vec![h("X-Auth", TOKEN)]).unwrap();
        assert_eq!(custom.place(), "the X-Auth header");
    }

    #[test]
    fn opaque_credentials_hold_no_jwt() {
        assert!(JwtCredential::in_headers(vec![h("Authorization", "Bearer 9f86d081884c7d65")]).is_none());
        assert!(JwtCredential::in_headers(vec![h("Cookie", "sid=abc.def.ghi")]).is_none());
        assert!(JwtCredential::in_headers(Vec::new()).is_none());
    }

    #[test]
    fn forged_headers_keep_shape_but_not_secrets() {
        let real = vec![
            h("Authorization", "Bearer 9f86d081884c7d65"),
            h("Cookie", "sid=abc123; theme=dark"),
        ];
        let fake = forged(&real);
        let bearer = fake[0].1.strip_prefix("Bearer ").unwrap();
        assert!(bearer.len() == 16 && bearer != "9f86d081884c7d65");
        assert!(fake[1].1.starts_with("sid=") && fake[1].1.contains("; theme=") && fake[1].1 != real[1].1);
        assert_ne!(forged(&vec![h("X-Api-Key", "k-123")])[0].1, "k-123");
    }
}
