//! Token structure: which part of a session token is supposed to be random.

use super::Alphabet;
use std::collections::HashMap;

/// What one token turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    /// Anything without recognised structure: the whole token is the id.
    Plain,
    /// A UUID; the random part is the 32 hex digits without dashes.
    Uuid,
    /// express-session `s:<id>.<sig>`; the random part is `<id>`.
    Express,
    /// itsdangerous `payload.timestamp.signature` whose payload is not data.
    Itsdangerous,
    /// itsdangerous / Flask cookie whose payload is JSON (or compressed) data.
    ClientSide,
    /// A JSON Web Token.
    Jwt { alg: String, has_exp: bool, has_jti: bool },
}

/// One token after structure detection.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub kind: Kind,
    /// The part to analyse for randomness (the whole token when not applicable).
    pub part: String,
}

/// The largest set of tokens sharing one kind and one random-part length.
#[derive(Debug)]
pub(super) struct Group {
    pub kind: Kind,
    pub members: Vec<usize>,
    /// How many different (kind, length) groups were seen in all.
    pub groups: usize,
}

/// Classifies one token; never fails (falls back to [`Kind::Plain`]).
pub(super) fn classify(token: &str) -> Parsed {
    let parsed = |kind, part: &str| Parsed {
        kind,
        part: part.to_string(),
    };
    if let Some(id) = express_id(token) {
        return parsed(Kind::Express, id);
    }
    if let Some(p) = dotted(token) {
        return p;
    }
    if is_uuid(token) {
        return Parsed {
            kind: Kind::Uuid,
            part: token.replace('-', ""),
        };
    }
    // Base64 padding carries no randomness.
    parsed(Kind::Plain, token.trim_end_matches('='))
}

/// Groups parsed tokens by (kind, random-part length) and returns the largest
/// group (ties: the one seen first).
pub(super) fn largest_group(parsed: &[Parsed]) -> Group {
    let mut index: HashMap<(u8, usize), usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (i, p) in parsed.iter().enumerate() {
        let g = *index.entry(group_key(&p.kind, p.part.len())).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[g].push(i);
    }
    let groups = members.len();
    // Largest first; among equals the one seen first.
    let best = (0..groups).max_by_key(|&g| (members[g].len(), std::cmp::Reverse(g)));
    let members = best.and_then(|b| members.into_iter().nth(b)).unwrap_or_default();
    let kind = members.first().map_or(Kind::Plain, |&i| parsed[i].kind.clone());
    Group { kind, members, groups }
}

fn group_key(kind: &Kind, len: usize) -> (u8, usize) {
    match kind {
        Kind::Plain => (0, len),
        Kind::Uuid => (1, len),
        Kind::Express => (2, len),
        Kind::Itsdangerous => (3, len),
        Kind::ClientSide => (4, 0),
        Kind::Jwt { .. } => (5, 0),
    }
}

/// `s:<id>.<sig>` or URL-encoded `s%3A<id>.<sig>`.
fn express_id(token: &str) -> Option<&str> {
    let rest = token
        .strip_prefix("s:")
        .or_else(|| token.strip_prefix("s%3A"))
        .or_else(|| token.strip_prefix("s%3a"))?;
    let (id, sig) = rest.split_once('.')?;
    (!id.is_empty() && !sig.is_empty()).then_some(id)
}

/// JWTs and itsdangerous `payload.timestamp.signature` (payload may start with
/// `.` when zlib-compressed).
fn dotted(token: &str) -> Option<Parsed> {
    let (compressed, body) = match token.strip_prefix('.') {
        Some(body) => (true, body),
        None => (false, token),
    };
    let parts: Vec<&str> = body.split('.').collect();
    if parts.len() != 3 || parts[0].is_empty() || !parts.iter().all(|p| is_b64url(p)) {
        return None;
    }
    if !compressed {
        if let Some(kind) = jwt(parts[0], parts[1]) {
            return Some(Parsed {
                kind,
                part: token.to_string(),
            });
        }
    }
    if !(4..=8).contains(&parts[1].len()) || parts[2].len() < 16 {
        return None;
    }
    let data = b64_decode(parts[0]).unwrap_or_default();
    let kind = if compressed || looks_like_json(&data) {
        Kind::ClientSide
    } else {
        Kind::Itsdangerous
    };
    Some(Parsed {
        kind,
        part: parts[0].to_string(),
    })
}

fn jwt(header: &str, payload: &str) -> Option<Kind> {
    let header = String::from_utf8(b64_decode(header)?).ok()?;
    if !looks_like_json(header.as_bytes()) {
        return None;
    }
    let alg = json_value(&header, "alg")?;
    let claims = String::from_utf8_lossy(&b64_decode(payload).unwrap_or_default()).into_owned();
    let has_exp = json_value(&claims, "exp").is_some();
    let has_jti = json_value(&claims, "jti").is_some();
    Some(Kind::Jwt { alg, has_exp, has_jti })
}

/// The value of a top-level-looking `"key": value` pair (strings unquoted).
/// A deliberately small scanner: enough to read `alg`, `exp` and `jti`.
fn json_value(json: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\"");
    let mut from = 0;
    while let Some(at) = json.get(from..)?.find(&needle) {
        from += at + needle.len();
        let rest = json.get(from..)?.trim_start();
        if let Some(value) = rest.strip_prefix(':') {
            let value = value.trim_start();
            if let Some(s) = value.strip_prefix('"') {
                return Some(s.split('"').next().unwrap_or("").to_string());
            }
            let end = value.find([',', '}']).unwrap_or(value.len());
            return Some(value[..end].trim().to_string());
        }
    }
    None
}

fn looks_like_json(data: &[u8]) -> bool {
    let text = String::from_utf8_lossy(data);
    let t = text.trim();
    let wrapped = |a: char, b: char| t.len() >= 2 && t.starts_with(a) && t.ends_with(b);
    wrapped('{', '}') || wrapped('[', ']') || wrapped('"', '"')
}

fn is_uuid(token: &str) -> bool {
    let b = token.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_b64url(s: &str) -> bool {
    s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

/// Value of a base64 or base64url character.
pub(super) fn b64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Lenient base64 / base64url decoder (padding optional, trailing bits ignored).
fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut nbits) = (0u32, 0u32);
    for &c in s.trim_end_matches('=').as_bytes() {
        acc = ((acc << 6) | u32::from(b64_value(c)?)) & 0xFFFF;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
        }
    }
    Some(out)
}

/// Smallest standard alphabet containing every byte marked in `seen`.
pub(super) fn detect_alphabet(seen: &[bool; 256]) -> Alphabet {
    let chars: Vec<u8> = (0..=255u8).filter(|&c| seen[c as usize]).collect();
    let all = |f: &dyn Fn(u8) -> bool| chars.iter().all(|&c| f(c));
    let lower_hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    let upper_hex = |c: u8| c.is_ascii_digit() || (b'A'..=b'F').contains(&c);
    let lower36 = |c: u8| c.is_ascii_digit() || c.is_ascii_lowercase();
    let upper36 = |c: u8| c.is_ascii_digit() || c.is_ascii_uppercase();
    let url = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    let std = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    if chars.is_empty() {
        Alphabet::Other(0)
    } else if all(&|c: u8| c.is_ascii_digit()) {
        Alphabet::Decimal
    } else if all(&lower_hex) || all(&upper_hex) {
        Alphabet::Hex
    } else if all(&lower36) || all(&upper36) {
        Alphabet::Base36
    } else if all(&|c: u8| c.is_ascii_alphanumeric()) {
        Alphabet::Base62
    } else if all(&url) {
        Alphabet::Base64Url
    } else if all(&std) {
        Alphabet::Base64
    } else {
        Alphabet::Other(chars.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64url(data: &[u8]) -> String {
        super::super::tests::b64(data, super::super::tests::URL)
    }

    #[test]
    fn express_cookie_plain_and_url_encoded() {
        let p = classify("s:abcDEF123_-xyzABC456789.Zm9vYmFyYmF6cXV4cXV1eA+/sig");
        assert_eq!(p.kind, Kind::Express);
        assert_eq!(p.part, "abcDEF123_-xyzABC456789");
        let p = classify("s%3AabcDEF123_-xyzABC456789.sig%2Bsig");
        assert_eq!((p.kind, p.part.as_str()), (Kind::Express, "abcDEF123_-xyzABC456789"));
    }

    #[test]
    fn jwt_claims_are_read() {
        let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = b64url(br#"{"sub":"anon","exp":1700000000,"jti":"x1"}"#);
        let token = format!("{header}.{claims}.c2lnbmF0dXJlc2lnbmF0dXJl");
        let kind = classify(&token).kind;
        assert_eq!(
            kind,
            Kind::Jwt {
                alg: "HS256".into(),
                has_exp: true,
                has_jti: true
            }
        );
        let none = format!("{}.{}.", b64url(br#"{"alg":"none"}"#), b64url(br#"{"sub":"a"}"#));
        let kind = classify(&none).kind;
        assert_eq!(
            kind,
            Kind::Jwt {
                alg: "none".into(),
                has_exp: false,
                has_jti: false
            }
        );
    }

    #[test]
    fn itsdangerous_payloads() {
        let json = format!("{}.ZXm8Rg.{}", b64url(br#"{"_fresh":false}"#), "a".repeat(27));
        assert_eq!(classify(&json).kind, Kind::ClientSide);
        let compressed = format!(".eJyrVkpPzUvNS1WyUlAqS8wpTVWqBQBC1AaZ.ZXm8Rg.{}", "b".repeat(27));
        assert_eq!(classify(&compressed).kind, Kind::ClientSide);
        let id = format!(
            "{}.ZXm8Rg.{}",
            b64url(&[7u8, 200, 13, 99, 1, 2, 250, 33, 0]),
            "c".repeat(27)
        );
        let p = classify(&id);
        assert_eq!((p.kind, p.part.len()), (Kind::Itsdangerous, 12));
    }

    #[test]
    fn uuid_dashes_are_stripped_and_padding_dropped() {
        let p = classify("123e4567-e89b-42d3-a456-426614174000");
        assert_eq!(
            (p.kind, p.part.as_str()),
            (Kind::Uuid, "123e4567e89b42d3a456426614174000")
        );
        assert_eq!(classify("abcd==").part, "abcd");
        assert_eq!(classify("a.b.c").kind, Kind::Plain);
    }

    #[test]
    fn alphabets_are_smallest_standard() {
        let detect = |s: &str| {
            let mut seen = [false; 256];
            s.bytes().for_each(|c| seen[c as usize] = true);
            detect_alphabet(&seen)
        };
        assert_eq!(detect("0123"), Alphabet::Decimal);
        assert_eq!(detect("09af"), Alphabet::Hex);
        assert_eq!(detect("09AF"), Alphabet::Hex);
        assert_eq!(detect("09afz"), Alphabet::Base36);
        assert_eq!(detect("09aF"), Alphabet::Base62);
        assert_eq!(detect("aZ-_"), Alphabet::Base64Url);
        assert_eq!(detect("aZ+/"), Alphabet::Base64);
        assert_eq!(detect("a.é"), Alphabet::Other(4));
        assert_eq!(detect(""), Alphabet::Other(0));
    }

    #[test]
    fn decoder_and_json_scanner() {
        assert_eq!(b64_decode("aGVsbG8").unwrap(), b"hello");
        assert_eq!(b64_decode("aGVsbG8=").unwrap(), b"hello");
        assert!(b64_decode("a*b").is_none());
        assert_eq!(json_value(r#"{"a" : "x", "b":12}"#, "b").as_deref(), Some("12"));
        assert_eq!(json_value(r#"{"alg":null}"#, "alg").as_deref(), Some("null"));
        assert_eq!(json_value(r#"{"algo":1}"#, "alg"), None);
    }
}
