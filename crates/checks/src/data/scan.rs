//! Token boundaries shared by the text detectors: a match must not continue a
//! longer word, number, identifier or dotted/dashed name on either side.

/// May a token start at `i`? Not after a letter, digit or `_`, nor after a
/// `-`/`.` that joins it to one (UUID segments, decimals, `id-1234`).
pub fn before_ok(b: &[u8], i: usize) -> bool {
    let Some(&p) = i.checked_sub(1).and_then(|j| b.get(j)) else {
        return true;
    };
    if p.is_ascii_alphanumeric() || p == b'_' {
        return false;
    }
    let joined = matches!(p, b'-' | b'.') && i >= 2 && b[i - 2].is_ascii_alphanumeric();
    !joined
}

/// May a token end before `j`? The same rule looking forward (a sentence's
/// closing period is fine).
pub fn after_ok(b: &[u8], j: usize) -> bool {
    let Some(&n) = b.get(j) else {
        return true;
    };
    if n.is_ascii_alphanumeric() || n == b'_' {
        return false;
    }
    let joined = matches!(n, b'-' | b'.') && b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric);
    !joined
}

/// Does `word` occur in `text` (ASCII case-insensitive) not inside a longer word?
pub fn has_word(text: &[u8], word: &str) -> bool {
    let w = word.as_bytes();
    if w.is_empty() || text.len() < w.len() {
        return false;
    }
    (0..=text.len() - w.len()).any(|i| {
        text[i..i + w.len()].eq_ignore_ascii_case(w)
            && !i.checked_sub(1).is_some_and(|p| text[p].is_ascii_alphabetic())
            && !text.get(i + w.len()).is_some_and(u8::is_ascii_alphabetic)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        let b = b"a 123 x-9 1.5 _7";
        assert!(before_ok(b, 2) && after_ok(b, 5));
        assert!(!before_ok(b, 8), "joined by a dash");
        assert!(!after_ok(b, 11), "decimal point");
        assert!(!before_ok(b, 15), "underscore");
        assert!(after_ok(b"ends 42.", 7));
    }

    #[test]
    fn whole_words() {
        assert!(has_word(b"{\"SSN\": 1}", "ssn"));
        assert!(has_word(b"user_ssn", "ssn"));
        assert!(!has_word(b"classname", "ssn"));
        assert!(!has_word(b"", "ssn"));
    }
}
