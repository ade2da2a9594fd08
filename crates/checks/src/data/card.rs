//! Payment card numbers in text: 13–19 digits (plain, or in 4-4-4-4 / 4-6-5
//! groups) that pass the Luhn check and start with a card brand's prefix.

use super::scan::{after_ok, before_ok};

/// A card number found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub brand: &'static str,
    /// The number as it appears (with its separators).
    pub raw: String,
    /// Digits only.
    pub digits: String,
}

/// Group layouts a formatted card number may have.
const GROUPS: &[&[usize]] = &[&[4, 4, 4, 4], &[4, 4, 4, 4, 3], &[4, 6, 5], &[4, 6, 4]];

/// Every card number in `text` (at most `limit`).
pub fn cards(text: &str, limit: usize) -> Vec<Card> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && out.len() < limit {
        if !b[i].is_ascii_digit() || !before_ok(b, i) {
            i += 1;
            continue;
        }
        let run = digits_from(b, i);
        let end = candidate_end(b, i, run);
        if let Some(end) = end {
            let raw = &text[i..end];
            let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
            if let Some(brand) = brand(&digits).filter(|_| luhn(&digits)) {
                out.push(Card {
                    brand,
                    raw: raw.to_string(),
                    digits,
                });
            }
        }
        i = end.unwrap_or(i + run).max(i + 1);
    }
    out
}

/// Where a card candidate starting at `i` ends: a bounded run of 13–19 digits,
/// or groups of the same separator in a known layout.
fn candidate_end(b: &[u8], i: usize, run: usize) -> Option<usize> {
    if (13..=19).contains(&run) && after_ok(b, i + run) {
        return Some(i + run);
    }
    if run != 4 {
        return None;
    }
    let sep = *b.get(i + 4).filter(|s| matches!(s, b' ' | b'-'))?;
    let mut lens = vec![4];
    let mut at = i + 4;
    while b.get(at) == Some(&sep) && lens.len() < 5 {
        let n = digits_from(b, at + 1);
        if n == 0 {
            break;
        }
        lens.push(n);
        at += 1 + n;
    }
    (GROUPS.contains(&lens.as_slice()) && after_ok(b, at)).then_some(at)
}

fn digits_from(b: &[u8], i: usize) -> usize {
    b[i.min(b.len())..].iter().take_while(|c| c.is_ascii_digit()).count()
}

/// The Luhn (mod 10) checksum over ASCII digits.
pub fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(n, c)| {
            let d = u32::from(c - b'0');
            if n % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    !digits.is_empty() && sum % 10 == 0
}

/// The card brand whose issuer prefix and length `digits` has.
pub fn brand(digits: &str) -> Option<&'static str> {
    let len = digits.len();
    let p = |n: usize| digits.get(..n).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    let brand = if digits.starts_with('4') && matches!(len, 13 | 16 | 19) {
        "Visa"
    } else if ((51..=55).contains(&p(2)) || (2221..=2720).contains(&p(4))) && len == 16 {
        "Mastercard"
    } else if matches!(p(2), 34 | 37) && len == 15 {
        "American Express"
    } else if (p(4) == 6011 || p(2) == 65 || (644..=649).contains(&p(3))) && (16..=19).contains(&len) {
        "Discover"
    } else if (3528..=3589).contains(&p(4)) && (16..=19).contains(&len) {
        "JCB"
    } else if ((300..=305).contains(&p(3)) || matches!(p(2), 36 | 38 | 39)) && (14..=19).contains(&len) {
        "Diners Club"
    } else if p(2) == 62 && (16..=19).contains(&len) {
        "UnionPay"
    } else {
        return None;
    };
    Some(brand)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        cards(text, 10).into_iter().map(|c| c.digits).collect()
    }

    #[test]
    fn luhn_checksums() {
        assert!(luhn("4111111111111111"));
        assert!(luhn("79927398713"));
        assert!(!luhn("4111111111111112"));
        assert!(luhn("1234567812345670"));
        assert!(!luhn(""));
    }

    #[test]
    fn brands_by_prefix_and_length() {
        assert_eq!(brand("4111111111111111"), Some("Visa"));
        assert_eq!(brand("5500005555555559"), Some("Mastercard"));
        assert_eq!(brand("2223000048400011"), Some("Mastercard"));
        assert_eq!(brand("378282246310005"), Some("American Express"));
        assert_eq!(brand("6011111111111117"), Some("Discover"));
        assert_eq!(brand("3530111333300000"), Some("JCB"));
        assert_eq!(brand("30569309025904"), Some("Diners Club"));
        assert_eq!(brand("1234567812345670"), None);
        assert_eq!(brand("411111111111"), None, "too short for Visa");
    }

    #[test]
    fn finds_cards_in_json_and_text() {
        let json = r#"{"card_number": "4111111111111111", "amex": 378282246310005}"#;
        assert_eq!(found(json), ["4111111111111111", "378282246310005"]);
        assert_eq!(found("paid with 5500-0055-5555-5559."), ["5500005555555559"]);
        assert_eq!(found("card 4111 1111 1111 1111 on file"), ["4111111111111111"]);
        assert_eq!(found("amex 3782 822463 10005"), ["378282246310005"]);
        let api = r#"[{"card_number": "4532015112830366"}, {"card_number": "5524619017348254"}]"#;
        let brands: Vec<_> = cards(api, 10).into_iter().map(|c| c.brand).collect();
        assert_eq!(brands, ["Visa", "Mastercard"]);
    }

    #[test]
    fn ignores_look_alikes() {
        // A 16-digit order id with a Visa prefix that fails Luhn.
        assert!(found(r#"{"order_id": "4111111111111112"}"#).is_empty());
        // Luhn-valid but no card brand starts with 1.
        assert!(found(r#"{"ref": 1234567812345670}"#).is_empty());
        // A UUID made of digits, a sha256 hex digest, a millisecond timestamp, a float.
        assert!(found("41111111-1111-1111-1111-111111111111").is_empty());
        assert!(found("9f86d081884c7d659a2feaa0c55ad0154111111111111111a3bf4f1b2b0b822c").is_empty());
        assert!(found(r#"{"ts": 1700000000000}"#).is_empty());
        assert!(found("0.4111111111111111").is_empty());
        // Longer digit runs and wrong group layouts.
        assert!(found("41111111111111111111111").is_empty());
        assert!(found("4111-1111-1111-1111-1111").is_empty());
        assert!(found("4111 11111 1111 1111").is_empty());
        assert!(found("id-4111111111111111").is_empty());
    }
}
