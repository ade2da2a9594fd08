//! Version markers in API paths: `/v2/`, `/v1.1/`, `/v3beta/`.

/// Is this path segment a version (`v` or `V`, a digit, then letters, digits or `._-`)?
pub fn is_version_segment(segment: &str) -> bool {
    let mut chars = segment.chars();
    matches!(chars.next(), Some('v' | 'V'))
        && chars.next().is_some_and(|c| c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The first version segment of `path` with a plain major number: its index among
/// the `/`-separated segments and the number (`/api/v2/x` → `(2, 2)`).
pub fn major_version(path: &str) -> Option<(usize, u32)> {
    path.split('/').enumerate().find_map(|(i, s)| {
        let n = s.strip_prefix(['v', 'V'])?;
        n.parse::<u32>().ok().map(|n| (i, n))
    })
}

/// `path` with segment `index` replaced by `v{number}`.
pub fn with_version(path: &str, index: usize, number: u32) -> String {
    path.split('/')
        .enumerate()
        .map(|(i, s)| {
            if i == index {
                format!("v{number}")
            } else {
                s.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_segments() {
        for s in ["v1", "V2", "v1.1", "v3beta", "v2_1"] {
            assert!(is_version_segment(s), "{s}");
        }
        for s in ["v", "vip", "version", "1", "", "videos"] {
            assert!(!is_version_segment(s), "{s}");
        }
    }

    #[test]
    fn major_versions() {
        assert_eq!(major_version("/api/v2/users/me"), Some((2, 2)));
        assert_eq!(major_version("/v10/x"), Some((1, 10)));
        assert_eq!(major_version("/api/v1beta/x"), None);
        assert_eq!(major_version("/api/users"), None);
        assert_eq!(with_version("/api/v2/users/me", 2, 1), "/api/v1/users/me");
    }
}
