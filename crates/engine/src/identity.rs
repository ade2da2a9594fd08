//! More than one user: `--identity NAME=CREDENTIAL`. The scan's own
//! credentials are the first identity; the others let object- and
//! function-level authorization be tested as a second user. Every request
//! sent as another identity carries that identity's credentials and none of
//! the scan's own.

use crate::config::ScanConfig;
use crate::error::{Error, Result};
use crate::flow::Driver;
use crate::flow::discover::Credentials;
use crate::http::{HttpLayer, Request};
use crate::input;
use crate::inventory::Inventory;
use crate::redact::Redactor;
use std::sync::Arc;

/// Most identities one scan takes.
pub const MAX_IDENTITIES: usize = 8;

/// A named user the scan may act as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub credential: Credential,
}

/// How an identity authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// Headers sent as they are (`bearer:`, `header:`, `cookie:`).
    Headers(Vec<(String, String)>),
    /// A user name and password, logged in through login discovery (`login:`).
    Login(Credentials),
}

/// The environment variable `login:USER` (without a password) reads for identity `name`.
pub fn password_var(name: &str) -> String {
    let upper: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("RAMPART_PASSWORD_{upper}")
}

impl Identity {
    /// `NAME=bearer:TOKEN`, `NAME=header:NAME: VALUE`, `NAME=cookie:NAME=VALUE`
    /// or `NAME=login:USER[:PASSWORD]` (without a password, from
    /// `RAMPART_PASSWORD_<NAME>`). Errors are one line and never echo a secret.
    pub fn parse(raw: &str, env: &dyn Fn(&str) -> Option<String>) -> std::result::Result<Identity, String> {
        const FORMS: &str = "bearer:TOKEN, header:NAME: VALUE, cookie:NAME=VALUE or login:USER[:PASSWORD]";
        let (name, credential) = raw
            .split_once('=')
            .ok_or_else(|| format!("expects NAME=CREDENTIAL, where CREDENTIAL is {FORMS}"))?;
        let name = name.trim();
        if name.is_empty() || name.len() > 32 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        {
            return Err(format!(
                "identity name {} must be 1 to 32 letters, digits, '-' or '_'",
                input::quote(name)
            ));
        }
        let (kind, value) = credential
            .split_once(':')
            .ok_or_else(|| format!("{name}: the credential must be {FORMS}"))?;
        let credential = match kind {
            "bearer" if !value.is_empty() => {
                Credential::Headers(vec![("Authorization".into(), format!("Bearer {value}"))])
            }
            "header" => {
                let header = input::header(value).map_err(|_| format!("{name}: header: expects NAME: VALUE"))?;
                Credential::Headers(vec![header])
            }
            "cookie" if value.contains('=') => Credential::Headers(vec![("Cookie".into(), value.to_string())]),
            "login" => Credential::Login(login(name, value, env)?),
            _ => return Err(format!("{name}: the credential must be {FORMS}")),
        };
        Ok(Identity {
            name: name.to_string(),
            credential,
        })
    }
}

/// Several `NAME=CREDENTIAL` values: at most [`MAX_IDENTITIES`], each name once.
pub fn parse_all(raw: &[String], env: &dyn Fn(&str) -> Option<String>) -> std::result::Result<Vec<Identity>, String> {
    if raw.len() > MAX_IDENTITIES {
        return Err(format!("at most {MAX_IDENTITIES} identities"));
    }
    let mut parsed: Vec<Identity> = Vec::new();
    for one in raw {
        let identity = Identity::parse(one, env)?;
        if parsed.iter().any(|p| p.name == identity.name) {
            return Err(format!("{}: named twice", identity.name));
        }
        parsed.push(identity);
    }
    Ok(parsed)
}

fn login(name: &str, value: &str, env: &dyn Fn(&str) -> Option<String>) -> std::result::Result<Credentials, String> {
    let (user, inline) = match value.split_once(':') {
        Some((user, password)) => (user, Some(password.to_string())),
        None => (value, None),
    };
    if user.is_empty() {
        return Err(format!("{name}: login: needs a user name"));
    }
    let var = password_var(name);
    let password = inline.or_else(|| env(&var)).filter(|p| !p.is_empty()).ok_or_else(|| {
        format!(
            "{name}: login:{} needs a password: set {var}, or give login:USER:PASSWORD",
            input::quote(user)
        )
    })?;
    Ok(Credentials {
        user: user.to_string(),
        password,
    })
}

/// An identity other than the scan's own, ready to send as.
pub struct Other {
    pub name: String,
    auth: Auth,
}

enum Auth {
    Headers(Vec<(String, String)>),
    Session(Box<Driver>),
}

impl Other {
    /// Its credentials now (a session renewed if it was lost).
    pub async fn headers(&self) -> Result<Vec<(String, String)>> {
        match &self.auth {
            Auth::Headers(headers) => Ok(headers.clone()),
            Auth::Session(driver) => driver.credentials().await,
        }
    }

    /// `req` as this identity: its credentials, none of the scan's own.
    pub async fn request(&self, req: Request) -> Result<Request> {
        let mut req = req.anonymous();
        req.headers.extend(self.headers().await?);
        Ok(req)
    }

    /// How it authenticates, for the report (no secret).
    pub fn describe(&self) -> String {
        match &self.auth {
            Auth::Headers(headers) => {
                let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
                format!("{} (header {})", self.name, names.join(", "))
            }
            Auth::Session(driver) => format!("{} (logged in: {})", self.name, driver.flow().describe()),
        }
    }
}

/// Log in every identity of `config` but the scan's own; its secrets are
/// redacted from here on. A login that fails ends the scan, naming the identity.
pub async fn establish(
    config: &ScanConfig,
    inventory: &Inventory,
    layer: &Arc<HttpLayer>,
    redactor: &Arc<Redactor>,
) -> Result<Vec<Other>> {
    let mut others = Vec::new();
    // The command line's identities, then the flow file's it does not name.
    let from_flow = config.flow.iter().flat_map(|f| &f.identities);
    let from_flow = from_flow.filter(|i| !config.identities.iter().any(|c| c.name == i.name));
    for identity in config.identities.iter().chain(from_flow).take(MAX_IDENTITIES) {
        let auth = match &identity.credential {
            Credential::Headers(headers) => {
                redactor.credentials(headers);
                Auth::Headers(headers.clone())
            }
            Credential::Login(creds) => {
                redactor.secret(&creds.password);
                // What discovery found and missed; its flow skeleton is for `--login`, not here.
                let named = |e: Error| Error::Identity {
                    name: identity.name.clone(),
                    cause: e
                        .to_string()
                        .split("\n  a flow skeleton")
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                };
                let found = crate::flow::discover::discover(&config.target, inventory, layer, creds)
                    .await
                    .map_err(named)?;
                let driver = Driver::start(
                    found.flow,
                    config.target.clone(),
                    layer.clone(),
                    redactor.clone(),
                    config.session_recheck,
                    true,
                )
                .await
                .map_err(named)?;
                Auth::Session(Box::new(driver))
            }
        };
        others.push(Other {
            name: identity.name.clone(),
            auth,
        });
    }
    Ok(others)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> std::result::Result<Identity, String> {
        let env = |var: &str| (var == "RAMPART_PASSWORD_BOB_2").then(|| "from-env".to_string());
        Identity::parse(raw, &env)
    }

    fn headers(identity: Identity) -> Vec<(String, String)> {
        match identity.credential {
            Credential::Headers(h) => h,
            Credential::Login(_) => panic!("headers expected"),
        }
    }

    #[test]
    fn every_credential_form() {
        assert_eq!(
            headers(parse("bob=bearer:t.k.n").unwrap()),
            [("Authorization".to_string(), "Bearer t.k.n".to_string())]
        );
        assert_eq!(
            headers(parse("bob=header:X-Api-Key: k:1").unwrap()),
            [("X-Api-Key".to_string(), "k:1".to_string())]
        );
        assert_eq!(
            headers(parse("bob=cookie:sid=a=b").unwrap()),
            [("Cookie".to_string(), "sid=a=b".to_string())]
        );
        let Credential::Login(inline) = parse("bob=login:bob:pw:with:colons").unwrap().credential else {
            panic!()
        };
        assert_eq!(
            (inline.user.as_str(), inline.password.as_str()),
            ("bob", "pw:with:colons")
        );
        let Credential::Login(env) = parse("bob-2=login:bob@example.com").unwrap().credential else {
            panic!()
        };
        assert_eq!(env.password, "from-env", "RAMPART_PASSWORD_BOB_2");
    }

    #[test]
    fn bad_forms_say_what_is_expected_without_the_secret() {
        for (raw, needle) in [
            ("bob", "NAME=CREDENTIAL"),
            ("=bearer:x", "identity name"),
            ("b ob=bearer:x", "identity name"),
            ("bob=token:secret-1", "must be bearer:TOKEN"),
            ("bob=bearer:", "must be bearer:TOKEN"),
            ("bob=cookie:secret-1", "must be bearer:TOKEN"),
            ("bob=header:secret-1", "expects NAME: VALUE"),
            ("bob=login:", "needs a user name"),
            ("carol=login:carol", "set RAMPART_PASSWORD_CAROL"),
        ] {
            let err = parse(raw).unwrap_err();
            assert!(err.contains(needle), "{raw}: {err}");
            assert!(!err.contains("secret-1"), "{raw}: {err}");
        }
    }
}
