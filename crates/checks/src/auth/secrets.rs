//! Secrets tried against HMAC-signed JWTs, offline: documentation examples,
//! framework defaults and common passwords first, then every English word of
//! the SCOWL list Debian ships as `wamerican` (3 to 14 lower-case letters;
//! `words/COPYING` holds its notice) as written, capitalised, and with `1` or
//! `123` appended. About 250,000 candidates; each costs one HMAC.

use super::jwt::Jwt;
use rampart_engine::Context;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;

/// Documentation examples, framework defaults and common passwords.
pub const KNOWN: &[&str] = &[
    "secret",
    "changeme",
    "password",
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",
    "jwt_secret",
    "jwt-secret",
    "jwtsecret",
    "JWT_SECRET",
    "jwt",
    "key",
    "test",
    "admin",
    "123456",
    "",
    "secretkey",
    "secret_key",
    "secret-key",
    "SECRET_KEY",
    "SECRET",
    "mysecret",
    "my_secret",
    "my-secret",
    "mysecretkey",
    "my-secret-key",
    "my_secret_key",
    "supersecret",
    "super-secret",
    "supersecretkey",
    "super_secret_key",
    "topsecret",
    "s3cr3t",
    "secret123",
    "secret1",
    "secretsecret",
    "your_jwt_secret",
    "your-jwt-secret",
    "your-secret-key",
    "your_secret_key",
    "yoursecret",
    "change-me",
    "change_me",
    "changethis",
    "changeit",
    "CHANGE_ME",
    "replace-me",
    "replaceme",
    "notsecret",
    "not-so-secret",
    "insecure",
    "default",
    "development",
    "dev",
    "devsecret",
    "production",
    "prod",
    "staging",
    "testing",
    "test123",
    "testsecret",
    "example",
    "sample",
    "demo",
    "guest",
    "root",
    "toor",
    "administrator",
    "user",
    "auth",
    "authsecret",
    "token",
    "tokensecret",
    "access",
    "api",
    "apikey",
    "api_key",
    "app",
    "appsecret",
    "app_secret",
    "private",
    "privatekey",
    "private_key",
    "hmac",
    "signing",
    "signingkey",
    "shhhhh",
    "shhhhhhared-secret",
    "keyboard cat",
    "ThisIsMySecretKey",
    "hello",
    "helloworld",
    "foobar",
    "pass",
    "passw0rd",
    "password123",
    "P@ssw0rd",
    "qwerty",
    "letmein",
    "welcome",
    "12345678",
    "1234567890",
    "abc123",
    "gosecret",
    "flask-secret",
    "django-secret",
    "fastapi-secret",
    "node-secret",
    "a",
];

/// The word list, one word per line.
const WORDS: &str = include_str!("words/english.txt");
/// What is tried for each word: the word itself, then these spellings.
const SPELLINGS: [fn(&str) -> String; 3] = [capitalised, |w| format!("{w}1"), |w| format!("{w}123")];

/// Every candidate secret, the known ones first.
pub fn candidates() -> impl Iterator<Item = Cow<'static, str>> {
    let known = KNOWN.iter().map(|s| Cow::Borrowed(*s));
    let words = WORDS
        .lines()
        .flat_map(|w| std::iter::once(Cow::Borrowed(w)).chain(SPELLINGS.iter().map(move |spell| Cow::Owned(spell(w)))));
    known.chain(words)
}

/// The secrets this scan recovered, by the token's signing input: each token
/// is searched once, whichever rule asks first.
#[derive(Default)]
pub struct Recovered(Mutex<HashMap<String, Option<String>>>);

/// The secret that signed `jwt`, searched off the async threads (a search
/// takes a fraction of a second) and once per scan.
pub async fn recover(ctx: &Context<'_>, jwt: &Jwt) -> Option<String> {
    let memo = ctx.shared::<Recovered>();
    if let Some(known) = memo.0.lock().unwrap().get(&jwt.signing_input) {
        return known.clone();
    }
    let token = jwt.clone();
    let found = tokio::task::spawn_blocking(move || token.crack()).await.ok().flatten();
    memo.0.lock().unwrap().insert(jwt.signing_input.clone(), found.clone());
    found
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_come_in_every_spelling_after_the_known_secrets() {
        let all: Vec<Cow<str>> = candidates().collect();
        assert_eq!(all[0], "secret");
        assert!(all.len() > 200_000, "{}", all.len());
        for s in [
            "dragon",
            "Dragon",
            "dragon1",
            "dragon123",
            "zebra",
            "your-256-bit-secret",
        ] {
            assert!(all.iter().any(|c| c == s), "{s}");
        }
    }
}
