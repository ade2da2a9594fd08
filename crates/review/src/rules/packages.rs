//! SESS-001 in a Node.js manifest: passport before 0.6 keeps the session id
//! across `req.login()` (0.6 regenerates it), so every login through it is
//! a fixation unless the code regenerates by itself.

use super::Hit;
use rampart_model::Confidence;

/// The file is a Node.js package manifest, by name.
pub fn is_manifest(name: &str) -> bool {
    name == "package.json"
}

/// A hit on the `"passport"` line when the manifest depends on passport < 0.6.
pub fn check(source: &str) -> Vec<Hit> {
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(source) else {
        return Vec::new();
    };
    let Some(spec) = manifest["dependencies"]["passport"].as_str() else {
        return Vec::new();
    };
    if !before_0_6(spec) {
        return Vec::new();
    }
    let line = source
        .lines()
        .position(|l| l.contains("\"passport\""))
        .map_or(1, |i| i + 1);
    vec![Hit {
        rule: "SESS-001",
        unit: 0,
        line,
        end_line: line,
        confidence: Confidence::Firm,
        message: format!(
            "passport {spec} keeps the session id across req.login(): versions before 0.6 do not regenerate \
             the session on login; upgrade to 0.6 or later, or call req.session.regenerate() before req.login()"
        ),
    }]
}

/// A version or range (`0.5.3`, `^0.4.1`, `~0.5`, `>=0.4 <0.6`) whose highest
/// allowed release is below 0.6: its major is 0 and its minor below 6.
fn before_0_6(spec: &str) -> bool {
    let spec = spec.trim();
    if spec.is_empty() || spec.contains("||") || spec.starts_with('>') || spec == "*" || spec.contains('x') {
        return false;
    }
    let version = spec.trim_start_matches(['^', '~', '=', 'v', ' ']);
    let mut parts = version.split(['.', ' ', '-']);
    let major: Option<u64> = parts.next().and_then(|p| p.parse().ok());
    let minor: Option<u64> = parts.next().and_then(|p| p.parse().ok());
    matches!((major, minor), (Some(0), Some(m)) if m < 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_below_0_6() {
        for old in ["0.5.3", "^0.4.1", "~0.5.0", "=0.3.2", "v0.5.0"] {
            assert!(before_0_6(old), "{old}");
        }
        for new in [
            "0.6.0",
            "^0.7.0",
            "1.0.0",
            "*",
            ">=0.4",
            "latest",
            "0.x",
            "^0.5.0 || ^0.7.0",
            "",
        ] {
            assert!(!before_0_6(new), "{new}");
        }
        let manifest = "{\n  \"name\": \"app\",\n  \"dependencies\": {\n    \"express\": \"^4.18.2\",\n    \"passport\": \"^0.5.3\"\n  }\n}\n";
        let hits = check(manifest);
        assert_eq!(
            hits.iter().map(|h| (h.rule, h.line)).collect::<Vec<_>>(),
            [("SESS-001", 5)]
        );
        assert!(check(&manifest.replace("^0.5.3", "^0.7.0")).is_empty());
        assert!(check("not json").is_empty());
    }
}
