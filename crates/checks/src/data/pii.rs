//! Personal data in text: US Social Security numbers next to a word that names
//! them, and e-mail addresses.

use super::scan::{after_ok, before_ok, has_word};
use std::collections::BTreeSet;

/// Bytes before a number searched for a word that names it an SSN.
const CONTEXT: usize = 40;
/// Words that make a nearby number an SSN.
const SSN_WORDS: &[&str] = &[
    "ssn",
    "social_security",
    "social security",
    "socialsecurity",
    "social-security",
];
/// "Top-level domains" that are really file extensions (`logo@2x.png`).
const FILE_TLDS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "ico", "bmp"];

/// SSNs (`NNN-NN-NNNN`, or nine digits) with an SSN word shortly before them (at most `limit`).
pub fn ssns(text: &str, limit: usize) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && out.len() < limit {
        let Some(len) = ssn_at(b, i) else {
            i += 1;
            continue;
        };
        let window = &b[i.saturating_sub(CONTEXT)..i];
        if SSN_WORDS.iter().any(|w| has_word(window, w)) {
            out.push(text[i..i + len].to_string());
        }
        i += len;
    }
    out
}

/// The length of a valid SSN starting at `i`, if one does.
fn ssn_at(b: &[u8], i: usize) -> Option<usize> {
    if !b[i].is_ascii_digit() || !before_ok(b, i) {
        return None;
    }
    let digits = |from: usize, n: usize| b.get(from..from + n).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let dashed = digits(i, 3) && b.get(i + 3) == Some(&b'-') && digits(i + 4, 2) && b.get(i + 6) == Some(&b'-');
    let (len, parts) = if dashed && digits(i + 7, 4) {
        (11, [i, i + 4, i + 7])
    } else if digits(i, 9) {
        (9, [i, i + 3, i + 5])
    } else {
        return None;
    };
    let num = |at: usize, n: usize| std::str::from_utf8(&b[at..at + n]).ok()?.parse::<u32>().ok();
    let (area, group, serial) = (num(parts[0], 3)?, num(parts[1], 2)?, num(parts[2], 4)?);
    let valid = area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    (valid && after_ok(b, i + len)).then_some(len)
}

/// Distinct e-mail addresses in `text`, lower-cased (at most `limit`).
pub fn emails(text: &str, limit: usize) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices('@') {
        if out.len() >= limit {
            break;
        }
        let local_ok = |c: &u8| c.is_ascii_alphanumeric() || b"._%+-".contains(c);
        let start = at - b[..at].iter().rev().take_while(|c| local_ok(c)).count();
        let domain_ok = |c: &u8| c.is_ascii_alphanumeric() || b".-".contains(c);
        let mut end = at + 1 + b[at + 1..].iter().take_while(|c| domain_ok(c)).count();
        while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
            end -= 1;
        }
        if let Some(address) = address(&text[start..at], &text[at + 1..end]) {
            out.insert(address);
        }
    }
    out
}

fn address(local: &str, domain: &str) -> Option<String> {
    let local = local.trim_start_matches('.');
    if local.is_empty() || local.ends_with('.') {
        return None;
    }
    let (_, tld) = domain.rsplit_once('.')?;
    let tld_ok = (2..=24).contains(&tld.len()) && tld.bytes().all(|c| c.is_ascii_alphabetic());
    let labels_ok = domain.split('.').all(|l| !l.is_empty() && !l.starts_with('-'));
    let is_file = FILE_TLDS.iter().any(|f| tld.eq_ignore_ascii_case(f));
    (tld_ok && labels_ok && !is_file).then(|| format!("{local}@{domain}").to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssns_need_a_naming_word() {
        assert_eq!(ssns(r#"{"name": "Al", "ssn": "123-45-6789"}"#, 5), ["123-45-6789"]);
        assert_eq!(ssns(r#"{"social_security_number": 219099999}"#, 5), ["219099999"]);
        assert_eq!(ssns("Social Security No. 078-05-1120.", 5), ["078-05-1120"]);
        assert!(ssns(r#"{"phone": "123-45-6789"}"#, 5).is_empty(), "no naming word");
        assert!(
            ssns(r#"{"classname": "123-45-6789"}"#, 5).is_empty(),
            "ssn inside a word"
        );
    }

    #[test]
    fn invalid_ssns_are_ignored() {
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "123-00-4567",
            "123-45-0000",
        ] {
            assert!(ssns(&format!("ssn: {bad}"), 5).is_empty(), "{bad}");
        }
        assert!(ssns("ssn: 1234567890", 5).is_empty(), "ten digits");
        assert!(ssns("ssn: 123-45-67890", 5).is_empty(), "too long");
    }

    #[test]
    fn emails_are_distinct_and_lower_cased() {
        let text = r#"[{"email": "Alice@Example.com"}, {"email": "bob@example.org"}, {"email": "alice@example.com"}, "c.d+x@mail.co.uk."]"#;
        let found: Vec<_> = emails(text, 10).into_iter().collect();
        assert_eq!(found, ["alice@example.com", "bob@example.org", "c.d+x@mail.co.uk"]);
    }

    #[test]
    fn not_emails() {
        for text in [
            "logo@2x.png",
            "user@localhost",
            "@example.com",
            "a@b",
            "x@-bad.com",
            "v1.2@3.4",
            "a@b.c",
        ] {
            assert!(emails(text, 10).is_empty(), "{text}");
        }
    }
}
