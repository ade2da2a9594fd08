//! Session-token helpers: forging a never-issued token of the same shape, and
//! short previews safe to print.

use rand::Rng;

/// A random token with the shape of `model`: digits stay digits, hex stays
/// hex, letters keep their case, punctuation stays where it is.
pub fn forge_like(model: &str) -> String {
    let mut rng = rand::rng();
    let hex = model
        .chars()
        .all(|c| c.is_ascii_hexdigit() || !c.is_ascii_alphanumeric());
    let forged: String = model
        .chars()
        .map(|c| match c {
            '0'..='9' if hex => pick(&mut rng, b"0123456789abcdef", c),
            '0'..='9' => pick(&mut rng, b"0123456789", c),
            'a'..='f' if hex => pick(&mut rng, b"0123456789abcdef", c),
            'A'..='F' if hex => pick(&mut rng, b"0123456789ABCDEF", c),
            'a'..='z' => pick(&mut rng, b"abcdefghijklmnopqrstuvwxyz", c),
            'A'..='Z' => pick(&mut rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", c),
            other => other,
        })
        .collect();
    if forged == model || model.is_empty() {
        format!("{model}x{}", rng.random::<u32>())
    } else {
        forged
    }
}

fn pick(rng: &mut impl Rng, alphabet: &[u8], _original: char) -> char {
    alphabet[rng.random_range(0..alphabet.len())] as char
}

/// The first characters of a token, enough to tell tokens apart in a report.
pub fn preview(token: &str) -> String {
    let head: String = token.chars().take(6).collect();
    if head.len() < token.len() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forged_tokens_keep_the_shape() {
        let model = "sess-000123";
        let forged = forge_like(model);
        assert_eq!(forged.len(), model.len());
        assert!(forged.starts_with("sess-") || forged.chars().nth(4) == Some('-'));
        assert!(forged[5..].chars().all(|c| c.is_ascii_digit()));
        let hex = forge_like("9f86d081884c7d65");
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit()) && hex.len() == 16);
        assert_ne!(forge_like("a"), forge_like("a").repeat(2));
    }

    #[test]
    fn preview_is_short() {
        assert_eq!(preview("abcdefghij"), "abcdef…");
        assert_eq!(preview("abc"), "abc");
    }
}
