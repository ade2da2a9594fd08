//! Credentials with a recognisable format: cloud and SaaS API keys and
//! private key blocks.

/// A credential found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    /// What it is (`AWS access key id`, `Stripe live secret key` …).
    pub kind: &'static str,
    /// The value as it appears (a private key: its whole block).
    pub value: String,
}

/// A key format: a literal prefix, then characters of one class within a length range.
struct Format {
    kind: &'static str,
    prefixes: &'static [&'static str],
    class: fn(u8) -> bool,
    min: usize,
    max: usize,
}

fn upper_alnum(c: u8) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

fn alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

fn word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn dashed(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn url_safe(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

const FORMATS: &[Format] = &[
    Format {
        kind: "AWS access key id",
        prefixes: &["AKIA", "ASIA"],
        class: upper_alnum,
        min: 16,
        max: 16,
    },
    Format {
        kind: "Stripe live secret key",
        prefixes: &["sk_live_", "rk_live_"],
        class: alnum,
        min: 10,
        max: 255,
    },
    Format {
        kind: "GitHub token",
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        class: alnum,
        min: 36,
        max: 255,
    },
    Format {
        kind: "GitHub fine-grained token",
        prefixes: &["github_pat_"],
        class: word,
        min: 22,
        max: 255,
    },
    Format {
        kind: "Slack token",
        prefixes: &["xoxa-", "xoxb-", "xoxp-", "xoxr-"],
        class: dashed,
        min: 10,
        max: 255,
    },
    Format {
        kind: "Google API key",
        prefixes: &["AIza"],
        class: url_safe,
        min: 35,
        max: 35,
    },
];

/// Longest private key block kept as the value.
const MAX_BLOCK: usize = 8192;

/// Every credential in `text` (at most `limit`).
pub fn secrets(text: &str, limit: usize) -> Vec<Secret> {
    let mut out = private_keys(text);
    let b = text.as_bytes();
    for f in FORMATS {
        for prefix in f.prefixes {
            for (i, _) in text.match_indices(prefix) {
                if i > 0 && url_safe(b[i - 1]) {
                    continue;
                }
                let from = i + prefix.len();
                let n = b[from..].iter().take_while(|c| (f.class)(**c)).count();
                let next_continues = b.get(from + n).is_some_and(|c| alnum(*c));
                if (f.min..=f.max).contains(&n) && !next_continues {
                    out.push(Secret {
                        kind: f.kind,
                        value: text[i..from + n].to_string(),
                    });
                }
            }
        }
    }
    out.truncate(limit);
    out
}

/// `-----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED ]PRIVATE KEY-----` blocks (public keys and certificates are fine).
fn private_keys(text: &str) -> Vec<Secret> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("-----BEGIN ") {
        let rest = &text[i + "-----BEGIN ".len()..];
        let label_end = rest.find("-----").unwrap_or(0);
        let label = &rest[..label_end];
        let algorithm = label.strip_suffix("PRIVATE KEY").map(str::trim_end);
        if !algorithm.is_some_and(|a| ["", "RSA", "EC", "DSA", "OPENSSH", "ENCRYPTED"].contains(&a)) {
            continue;
        }
        let end = text[i..]
            .find("-----END ")
            .and_then(|e| text[i + e + 9..].find("-----").map(|f| i + e + 9 + f + 5))
            .filter(|&end| end - i <= MAX_BLOCK)
            .unwrap_or(i + 16 + label_end);
        out.push(Secret {
            kind: "private key",
            value: text[i..end].to_string(),
        });
    }
    out
}

/// How a secret is named in a description: its start only.
pub fn shown(secret: &Secret) -> String {
    match header(secret) {
        Some(h) => format!("{h} block"),
        None => format!("{}…", head(secret)),
    }
}

/// What replaces a secret in evidence: its start and a redaction mark.
pub fn mask(secret: &Secret) -> String {
    format!("{}[redacted]", header(secret).unwrap_or_else(|| head(secret)))
}

fn header(secret: &Secret) -> Option<String> {
    let label = secret.value.split("-----").nth(1)?;
    (secret.kind == "private key").then(|| format!("-----{label}-----"))
}

fn head(secret: &Secret) -> String {
    secret.value.chars().take(8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        secrets(text, 10).into_iter().map(|s| s.kind).collect()
    }

    #[test]
    fn recognises_each_format() {
        let text = concat!(
            r#"{"aws": "AKIAIOSFODNN7EXAMPLE", "stripe": "sk_live_4eC39HqLyjWDarjtT1zdp7dc","#,
            r#" "gh": "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "slack": "xoxb-123456789012-abcdefABCDEF","#,
            r#" "google": "AIzaSyA-1234567890abcdefghijklmnopqrstu", "pat": "github_pat_11ABCDEFG0123456789_abcdefghijkl"}"#
        );
        assert_eq!(
            kinds(text),
            [
                "AWS access key id",
                "Stripe live secret key",
                "GitHub token",
                "GitHub fine-grained token",
                "Slack token",
                "Google API key"
            ]
        );
    }

    #[test]
    fn private_key_blocks_but_not_public_ones() {
        let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----";
        let found = secrets(&format!("{{\"k\": \"{key}\"}}"), 5);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, key);
        assert_eq!(shown(&found[0]), "-----BEGIN RSA PRIVATE KEY----- block");
        assert_eq!(kinds("-----BEGIN PRIVATE KEY-----\\nMIIE"), ["private key"]);
        assert_eq!(kinds("-----BEGIN OPENSSH PRIVATE KEY-----"), ["private key"]);
        assert!(kinds("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----").is_empty());
        assert!(kinds("-----BEGIN CERTIFICATE-----\nMIIB").is_empty());
    }

    #[test]
    fn look_alikes_are_not_secrets() {
        for text in [
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "AKIA1234",
            "XAKIAIOSFODNN7EXAMPLE",
            "AKIAIOSFODNN7EXAMPLE1234",
            "ghp_short",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "550e8400-e29b-41d4-a716-446655440000",
            "my_sk_live_key_name",
        ] {
            assert!(kinds(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn shows_a_prefix_only() {
        let s = &secrets("sk_live_4eC39HqLyjWDarjtT1zdp7dc", 1)[0];
        assert_eq!(shown(s), "sk_live_…");
        assert_eq!(mask(s), "sk_live_[redacted]");
        let key = &secrets("-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----", 1)[0];
        assert_eq!(mask(key), "-----BEGIN EC PRIVATE KEY-----[redacted]");
    }
}
