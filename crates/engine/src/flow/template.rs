//! `${VAR}` (from the environment, at load time), `{{session}}` (the current
//! token) and `{{refresh}}` (the current refresh token), at send time, in flow
//! values.

/// Replace every `${NAME}` with the environment variable; a missing one is an error.
pub fn expand_env(value: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| format!("unclosed ${{ in '{value}'"))?;
        let name = &after[..end];
        let resolved = lookup(name).ok_or_else(|| format!("environment variable {name} is not set"))?;
        out.push_str(&resolved);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The `${NAME}` references in `value`.
pub fn env_refs(value: &str) -> Vec<&str> {
    value
        .split("${")
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Insert the current session token where `{{session}}` appears.
pub fn with_session(value: &str, token: Option<&str>) -> String {
    value.replace("{{session}}", token.unwrap_or_default())
}

/// The tokens a step may send: `{{session}}` and `{{refresh}}` filled in.
pub fn with_tokens(value: &str, session: Option<&str>, refresh: Option<&str>) -> String {
    with_session(value, session).replace("{{refresh}}", refresh.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "PW").then(|| "s3cret".to_string())
    }

    #[test]
    fn expands_known_and_rejects_unknown() {
        assert_eq!(expand_env("a-${PW}-b", &env).unwrap(), "a-s3cret-b");
        assert_eq!(expand_env("plain", &env).unwrap(), "plain");
        assert!(expand_env("${NOPE}", &env).unwrap_err().contains("NOPE is not set"));
        assert!(expand_env("${PW", &env).is_err());
        assert_eq!(env_refs("${A}x${B}"), vec!["A", "B"]);
    }

    #[test]
    fn session_placeholder() {
        assert_eq!(with_session("Bearer {{session}}", Some("t0")), "Bearer t0");
        assert_eq!(with_tokens("{{session}}/{{refresh}}", Some("a"), Some("r")), "a/r");
        assert_eq!(with_tokens("{{refresh}}", Some("a"), None), "");
    }
}
