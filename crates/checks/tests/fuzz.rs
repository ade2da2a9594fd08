//! JWT decoding of arbitrary tokens never panics, and what it decodes keeps
//! the token's own signing input. A short run here; `PROPTEST_CASES=100000`
//! for a long one (bench/README.md).

use base64::Engine;
use proptest::prelude::*;
use rampart_checks::auth::jwt;

fn segment() -> impl Strategy<Value = String> {
    let b64 = |s: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    prop_oneof![
        "[A-Za-z0-9_-]{0,40}",
        "\\{[ -~]{0,40}\\}".prop_map(b64),
        Just(b64(r#"{"alg":"none","typ":"JWT"}"#.into())),
        Just(b64(r#"{"sub":1,"exp":-99999999999999999999}"#.into())),
    ]
}

/// The run's length: `PROPTEST_CASES` when set, else `short`.
fn cases(short: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(short)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn tokens_never_panic(a in segment(), b in segment(), c in "[A-Za-z0-9_.=-]{0,20}") {
        let token = format!("{a}.{b}.{c}");
        if let Some(decoded) = jwt::decode(&token) {
            prop_assert!(token.starts_with(&decoded.signing_input));
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,120}") {
        let _ = jwt::decode(&text);
    }
}
