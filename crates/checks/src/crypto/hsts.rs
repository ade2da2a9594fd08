//! Reading `Strict-Transport-Security`: its max-age, if it has a usable one.

/// Six months: the shortest max-age that counts as strong.
pub const MIN_MAX_AGE: u64 = 15_552_000;

/// The max-age of an HSTS header value (`None` when missing or unreadable).
pub fn max_age(value: &str) -> Option<u64> {
    value.split(';').find_map(|directive| {
        let (name, v) = directive.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| v.trim().trim_matches('"').parse().ok())
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::max_age;

    #[test]
    fn max_ages() {
        assert_eq!(max_age("max-age=31536000; includeSubDomains"), Some(31_536_000));
        assert_eq!(max_age("includeSubDomains; Max-Age=\"300\""), Some(300));
        assert_eq!(max_age("max-age=0"), Some(0));
        assert_eq!(max_age("includeSubDomains"), None);
        assert_eq!(max_age("max-age=soon"), None);
    }
}
