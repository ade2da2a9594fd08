//! An agent is one isolated client: its own cookie jar and session token, so
//! that "attacker" and "victim" never share state by accident. Agents follow
//! redirects themselves, because cookies must be stored between hops.

use crate::cookies::Jar;
use crate::error::{Error, Result};
use crate::http::{HttpLayer, Request, Response};
use crate::token::forge_like;
use rampart_model::Exchange;
use std::sync::Arc;

/// Where the session token travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Carrier {
    Cookie(String),
    /// One session carried by several cookies as a unit: a value and its
    /// signature (`koa.sess`, `koa.sess.sig`) or chunks (`s.0`, `s.1`). The
    /// first is the session cookie proper; the token is every value, in order,
    /// joined by [`SET_SEPARATOR`].
    Cookies(Vec<String>),
    /// A custom header; the value is the token as-is.
    Header(String),
    /// `Authorization: Bearer <token>`.
    Bearer,
}

impl Carrier {
    /// The name an attacker would use for the token elsewhere (query string, body).
    pub fn name(&self) -> &str {
        match self {
            Carrier::Cookie(n) | Carrier::Header(n) => n,
            Carrier::Cookies(names) => &names[0],
            Carrier::Bearer => "token",
        }
    }

    /// The carrier for the session cookie `name` among the cookies a client
    /// holds: the set it forms with its signature or chunk cookies, if any.
    pub fn cookie<'a>(name: &str, held: impl IntoIterator<Item = &'a str>) -> Carrier {
        let mut set = crate::cookies::session_set(name, held);
        if set.len() > 1 {
            Carrier::Cookies(set)
        } else {
            Carrier::Cookie(set.remove(0))
        }
    }

    /// The session's cookie names (none for a header or bearer token).
    pub fn cookie_names(&self) -> &[String] {
        match self {
            Carrier::Cookie(n) => std::slice::from_ref(n),
            Carrier::Cookies(names) => names,
            _ => &[],
        }
    }

    pub fn is_cookie(&self) -> bool {
        !self.cookie_names().is_empty()
    }

    /// The values a token is made of: each cookie's of a set, else the token itself.
    pub fn token_parts<'t>(&self, token: &'t str) -> Vec<&'t str> {
        match self {
            Carrier::Cookies(_) => token.split(SET_SEPARATOR).collect(),
            _ => vec![token],
        }
    }

    /// A never-issued token of `token`'s shape: each value of a set forged apart.
    pub fn forge(&self, token: &str) -> String {
        let parts: Vec<String> = self.token_parts(token).into_iter().map(forge_like).collect();
        parts.join(&SET_SEPARATOR.to_string())
    }

    pub fn describe(&self) -> String {
        match self {
            Carrier::Cookie(n) => format!("cookie {n}"),
            Carrier::Cookies(names) => format!("cookies {}", names.join(" + ")),
            Carrier::Header(n) => format!("header {n}"),
            Carrier::Bearer => "Authorization: Bearer".into(),
        }
    }
}

/// Between the values of a cookie set's token: a space, which cookie values
/// never hold.
pub const SET_SEPARATOR: char = ' ';

/// The final response of a request and every exchange on the way (redirects).
#[derive(Debug, Clone)]
pub struct Trip {
    pub response: Response,
    pub exchanges: Vec<Exchange>,
}

impl Trip {
    /// The first response, before any redirect was followed.
    pub fn first(&self) -> &Exchange {
        &self.exchanges[0]
    }
}

pub struct Agent {
    layer: Arc<HttpLayer>,
    carrier: Carrier,
    jar: Jar,
    token: Option<String>,
    /// The refresh token the last login or refresh returned (`refresh_json`).
    refresh: Option<String>,
    /// The cookie that holds the refresh token instead (`refresh_cookie`).
    refresh_cookie: Option<String>,
    /// Sends without the scan's configured credentials (another identity's agent).
    bare: bool,
}

impl Agent {
    pub fn new(layer: Arc<HttpLayer>, carrier: Carrier) -> Self {
        Agent {
            layer,
            carrier,
            jar: Jar::default(),
            token: None,
            refresh: None,
            refresh_cookie: None,
            bare: false,
        }
    }

    /// This agent without the scan's configured credentials (`--header`…),
    /// for an identity other than the scan's own.
    pub fn bare(mut self, bare: bool) -> Self {
        self.bare = bare;
        self
    }

    /// A fresh agent holding nothing but `token`.
    pub fn with_token(layer: Arc<HttpLayer>, carrier: Carrier, token: &str) -> Self {
        let mut agent = Agent::new(layer, carrier);
        agent.set_token(Some(token.to_string()));
        agent
    }

    /// The current session token: the carrier cookie's value, or the last token taken from a body.
    pub fn token(&self) -> Option<String> {
        match &self.carrier {
            Carrier::Cookie(name) => self.jar.get(name).map(str::to_string),
            Carrier::Cookies(names) => {
                let values: Option<Vec<&str>> = names.iter().map(|n| self.jar.get(n)).collect();
                values.map(|v| v.join(&SET_SEPARATOR.to_string()))
            }
            _ => self.token.clone(),
        }
    }

    /// This agent keeping its refresh token in cookie `name` (`refresh_cookie`).
    pub fn refresh_in_cookie(mut self, name: Option<String>) -> Self {
        self.refresh_cookie = name;
        self
    }

    /// The refresh token: the refresh cookie's value, or the last one taken from a body.
    pub fn refresh(&self) -> Option<&str> {
        match &self.refresh_cookie {
            Some(name) => self.jar.get(name),
            None => self.refresh.as_deref(),
        }
    }

    pub fn set_refresh(&mut self, refresh: Option<String>) {
        match (&self.refresh_cookie, refresh) {
            (Some(name), Some(r)) => self.jar.set(name, &r),
            (Some(name), None) => self.jar.remove(name),
            (None, r) => self.refresh = r,
        }
    }

    pub fn set_token(&mut self, token: Option<String>) {
        match (&self.carrier, token) {
            (Carrier::Cookie(name), Some(t)) => self.jar.set(name, &t),
            (Carrier::Cookie(name), None) => self.jar.remove(name),
            (Carrier::Cookies(names), t) => {
                let values: Vec<&str> = t.as_deref().map_or(Vec::new(), |t| t.split(SET_SEPARATOR).collect());
                for (i, name) in names.iter().enumerate() {
                    match values.get(i) {
                        Some(value) => self.jar.set(name, value),
                        None => self.jar.remove(name),
                    }
                }
            }
            (_, t) => self.token = t,
        }
    }

    pub fn carrier(&self) -> &Carrier {
        &self.carrier
    }

    pub fn jar(&self) -> &Jar {
        &self.jar
    }

    pub fn jar_mut(&mut self) -> &mut Jar {
        &mut self.jar
    }

    pub fn layer(&self) -> &Arc<HttpLayer> {
        &self.layer
    }

    /// Send `req` with this agent's cookies and token; follow redirects when asked.
    pub async fn send(&mut self, req: Request, follow: bool) -> Result<Trip> {
        let max_hops = self.layer.limits().max_redirects;
        let start = req.url.clone();
        let mut req = req;
        let mut exchanges = Vec::new();
        loop {
            let resp = self.send_one(&req).await?;
            exchanges.push(resp.exchange.clone());
            let next = if follow {
                redirect_target(&req, &resp, &self.layer)?
            } else {
                None
            };
            match next {
                None => {
                    return Ok(Trip {
                        response: resp,
                        exchanges,
                    });
                }
                Some(_) if exchanges.len() > max_hops => {
                    return Err(Error::RedirectLoop {
                        url: start.to_string(),
                        hops: max_hops,
                    });
                }
                Some(next) => req = next,
            }
        }
    }

    /// One request; the jar and the token travel only to the target's
    /// origin, and only its cookies enter the jar.
    async fn send_one(&mut self, req: &Request) -> Result<Response> {
        let home = self.layer.is_home(&req.url);
        let mut req = req.clone();
        req.anonymous |= self.bare;
        if home {
            if let Some(cookies) = self.jar.header() {
                req.headers.push(("Cookie".into(), cookies));
            }
            match (&self.carrier, &self.token) {
                (Carrier::Header(name), Some(t)) => req.headers.push((name.clone(), t.clone())),
                (Carrier::Bearer, Some(t)) => req.headers.push(("Authorization".into(), format!("Bearer {t}"))),
                _ => {}
            }
        }
        let resp = self.layer.send(&req).await?;
        if home {
            for header in resp.exchange.set_cookies() {
                self.jar.store(header);
            }
        }
        Ok(resp)
    }
}

/// The request a redirect asks for: GET without body, except 307/308 which
/// keep both. A hop to another origin carries nothing of the request but its
/// method: no headers, no credentials, no body; a 307/308 that would re-send a
/// body or a writing method there is refused.
fn redirect_target(req: &Request, resp: &Response, layer: &HttpLayer) -> Result<Option<Request>> {
    if !resp.is_redirect() {
        return Ok(None);
    }
    let Some(url) = resp.header("location").and_then(|l| req.url.join(l).ok()) else {
        return Ok(None);
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Ok(None);
    }
    let keep = matches!(resp.status, 307 | 308);
    let foreign = layer.is_home(&req.url) && !layer.is_home(&url);
    if foreign && keep && (req.body.is_some() || !req.is_safe()) {
        return Err(Error::CrossOriginRedirect {
            method: req.method.clone(),
            from: req.url.to_string(),
            to: url.to_string(),
            status: resp.status,
        });
    }
    let headers = req
        .headers
        .iter()
        .filter(|(n, _)| !foreign && (keep || !n.eq_ignore_ascii_case("content-type")))
        .cloned()
        .collect();
    Ok(Some(Request {
        method: if keep { req.method.clone() } else { "GET".into() },
        url,
        headers,
        body: if keep && !foreign { req.body.clone() } else { None },
        anonymous: req.anonymous || foreign,
        // The server sends a declared step on: browsers follow it too.
        declared: req.declared,
        form_token: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;

    fn agent(carrier: Carrier) -> Agent {
        let home = url::Url::parse("http://127.0.0.1:1/").unwrap();
        let layer = HttpLayer::new(&Limits::default(), &home, Vec::new()).unwrap();
        Agent::new(Arc::new(layer), carrier)
    }

    #[test]
    fn a_cookie_set_is_forged_value_by_value() {
        let set = Carrier::Cookies(vec!["s.0".into(), "s.1".into()]);
        let forged = set.forge("abc def");
        let parts = set.token_parts(&forged);
        assert_eq!(parts.len(), 2, "{forged}");
        assert!(
            parts[0] != "abc" && parts[1] != "def" && parts.iter().all(|p| p.len() == 3),
            "{forged}"
        );
        assert_eq!(set.forge("--- def").split(SET_SEPARATOR).count(), 2);
    }

    #[test]
    fn a_cookie_set_is_one_token() {
        let set = Carrier::Cookies(vec!["koa.sess".into(), "koa.sess.sig".into()]);
        let mut a = agent(set.clone());
        a.jar_mut().set("koa.sess", "eyJ1");
        assert_eq!(a.token(), None, "half a set is no session");
        a.jar_mut().set("koa.sess.sig", "s1g");
        assert_eq!(a.token().as_deref(), Some("eyJ1 s1g"));
        assert_eq!(set.token_parts("eyJ1 s1g"), ["eyJ1", "s1g"]);
        let mut replay = agent(set);
        replay.set_token(Some("eyJ2 s2g".into()));
        assert_eq!(
            replay.jar().header().as_deref(),
            Some("koa.sess=eyJ2; koa.sess.sig=s2g")
        );
        replay.set_token(None);
        assert_eq!(replay.jar().header(), None);
    }
}
