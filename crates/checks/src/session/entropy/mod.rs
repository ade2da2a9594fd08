//! SESS-006 "predictable or low-entropy session ids": decides from session
//! tokens of fresh anonymous sessions whether they are weak, with evidence.

mod fips;
mod progression;
mod shape;
mod stats;
mod verdict;

use shape::{Group, Kind, Parsed};

/// Longest random part analysed per position (bounds memory and time).
const MAX_CHARS: usize = 4096;

/// Result of [`analyze`].
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub samples: usize,
    /// What the tokens look like.
    pub shape: Shape,
    /// Which part of the token was analysed, e.g. "whole token (base64url, 43 chars)".
    pub random_part: String,
    /// Samples that repeat an earlier token (or an earlier random part).
    pub duplicates: usize,
    /// Numbers in arithmetic progression (in collection order, or sorted).
    pub progression: Option<Progression>,
    /// Chars shared by every random part.
    pub common_prefix: usize,
    /// Positions with one value across all samples (prefix included).
    pub constant_positions: usize,
    /// Non-constant positions whose distribution fails a chi-square test
    /// against uniform (nominal family-wise p < 1e-7, Bonferroni over positions).
    pub biased_positions: Vec<usize>,
    /// FIPS 140-2 results; None unless hex/base64 with ≥ 1,000 random bits.
    pub fips: Option<Fips>,
    /// Effective-entropy estimate of one random part, in bits (0 for JWTs
    /// and client-side sessions, which are not judged by randomness).
    pub entropy_bits: f64,
    pub weak: bool,
    /// One short sentence per failed test (and notes), with the numbers.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    Opaque {
        alphabet: Alphabet,
        len: usize,
    },
    /// express-session `s:<id>.<sig>` or itsdangerous `<id>.<ts>.<sig>`.
    SignedCookie,
    /// itsdangerous / Flask `payload.timestamp.signature` carrying data.
    ClientSideSession,
    Jwt {
        alg: String,
        has_exp: bool,
        has_jti: bool,
    },
    Mixed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    Decimal,
    Hex,
    Base36,
    Base62,
    Base64Url,
    Base64,
    /// Number of distinct chars seen.
    Other(usize),
}

impl Alphabet {
    /// Number of symbols.
    pub fn size(&self) -> usize {
        match self {
            Alphabet::Decimal => 10,
            Alphabet::Hex => 16,
            Alphabet::Base36 => 36,
            Alphabet::Base62 => 62,
            Alphabet::Base64Url | Alphabet::Base64 => 64,
            Alphabet::Other(n) => *n,
        }
    }

    pub fn name(&self) -> String {
        match self {
            Alphabet::Decimal => "decimal".into(),
            Alphabet::Hex => "hex".into(),
            Alphabet::Base36 => "base36".into(),
            Alphabet::Base62 => "base62".into(),
            Alphabet::Base64Url => "base64url".into(),
            Alphabet::Base64 => "base64".into(),
            Alphabet::Other(n) => format!("{n}-symbol alphabet"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progression {
    pub step: i128,
    /// Predicted next token, formatted like the input tokens.
    pub next: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fips {
    /// Random bits available (constant bit positions dropped); the tests use
    /// the first 20,000 of them.
    pub bits: usize,
    /// Bits per token dropped as structure (constant across all samples).
    pub constant_bits: usize,
    pub monobit: Outcome,
    pub poker: Outcome,
    pub runs: Outcome,
    pub long_run: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub passed: bool,
    pub statistic: f64,
    pub detail: String,
}

/// Analyses session tokens (in collection order). Never panics.
pub fn analyze(tokens: &[String]) -> Analysis {
    let parsed: Vec<Parsed> = tokens.iter().map(|t| shape::classify(t)).collect();
    let group = shape::largest_group(&parsed);
    let mut a = Analysis {
        samples: tokens.len(),
        shape: Shape::Mixed,
        random_part: "none: no tokens".into(),
        duplicates: stats::duplicates(tokens.iter().map(|t| t.as_bytes())),
        progression: None,
        common_prefix: 0,
        constant_positions: 0,
        biased_positions: Vec::new(),
        fips: None,
        entropy_bits: 0.0,
        weak: false,
        reasons: Vec::new(),
    };
    if tokens.is_empty() {
        a.reasons.push("no tokens to analyse".into());
        return a;
    }
    verdict::mixed(&mut a, &group);
    match &group.kind {
        Kind::Jwt { .. } => verdict::jwt(&mut a, &parsed, &group),
        Kind::ClientSide => verdict::client_side(&mut a, &group),
        _ => measure_random(&mut a, tokens, &parsed, &group),
    }
    a
}

/// Shape of the analysed group; `Mixed` when the tokens had several.
fn mixed_or(group: &Group, shape: Shape) -> Shape {
    if group.groups > 1 { Shape::Mixed } else { shape }
}

/// Runs every randomness test on the random parts of `group`, then judges.
fn measure_random(a: &mut Analysis, tokens: &[String], parsed: &[Parsed], group: &Group) {
    let parts: Vec<&[u8]> = group.members.iter().map(|&i| parsed[i].part.as_bytes()).collect();
    a.duplicates = a.duplicates.max(stats::duplicates(parts.iter().copied()));
    if parts.iter().any(|p| p.len() > MAX_CHARS) {
        a.reasons.push(format!(
            "random parts longer than {MAX_CHARS} chars: only the first {MAX_CHARS} are analysed"
        ));
    }
    let parts: Vec<&[u8]> = parts.iter().map(|p| &p[..p.len().min(MAX_CHARS)]).collect();
    let pos = stats::positions(&parts);
    let shape = match group.kind {
        Kind::Express | Kind::Itsdangerous => Shape::SignedCookie,
        _ => Shape::Opaque {
            alphabet: pos.alphabet,
            len: pos.len,
        },
    };
    a.shape = mixed_or(group, shape);
    a.random_part = verdict::describe(&group.kind, &pos);
    (a.common_prefix, a.constant_positions) = (pos.common_prefix, pos.constant);
    (a.biased_positions, a.entropy_bits) = (pos.biased.clone(), pos.entropy);
    // Over the full tokens first (keeps their format), else over the random
    // parts (e.g. the id inside a signed cookie).
    let full: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let ids: Vec<&str> = parts.iter().filter_map(|p| std::str::from_utf8(p).ok()).collect();
    let found = progression::find(&full).or_else(|| progression::find(&ids));
    a.fips = fips::analyze(&parts, &pos.alphabet, &pos.varying, pos.len);
    verdict::random(a, &pos, found);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Read;

    /// A source of random 64-bit words for the deterministic test generators.
    pub(crate) trait Source {
        fn next(&mut self) -> u64;
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn bytes(&mut self, n: usize) -> Vec<u8> {
            (0..n).map(|_| self.next() as u8).collect()
        }
    }

    /// splitmix64, seeded.
    pub(crate) struct Rng(pub u64);
    impl Source for Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
    }

    pub(crate) struct Urandom(std::io::BufReader<std::fs::File>);
    impl Urandom {
        pub(crate) fn open() -> Self {
            Urandom(std::io::BufReader::new(
                std::fs::File::open("/dev/urandom").expect("/dev/urandom"),
            ))
        }
    }
    impl Source for Urandom {
        fn next(&mut self) -> u64 {
            let mut b = [0u8; 8];
            self.0.read_exact(&mut b).expect("read /dev/urandom");
            u64::from_le_bytes(b)
        }
    }

    pub(crate) fn b64(data: &[u8], alphabet: &[u8; 64]) -> String {
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
            (0..=chunk.len()).for_each(|i| out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char));
        }
        out
    }
    pub(crate) const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub(crate) fn chars(rng: &mut impl Source, n: usize, len: usize, alphabet: &[u8]) -> Vec<String> {
        (0..n)
            .map(|_| {
                (0..len)
                    .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize] as char)
                    .collect()
            })
            .collect()
    }
    pub(crate) fn hex_tokens(rng: &mut impl Source, n: usize, len: usize) -> Vec<String> {
        chars(rng, n, len, b"0123456789abcdef")
    }
    fn uuid4(rng: &mut impl Source) -> String {
        let (hi, lo) = (rng.next() & !0xF000 | 0x4000, rng.next() & !(0xC << 60) | (0x8 << 60));
        let h = format!("{hi:016x}{lo:016x}");
        format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
    }

    /// The strong generators named in the rule, 100 tokens each by default.
    pub(crate) fn strong_sets(rng: &mut impl Source, n: usize) -> Vec<(&'static str, Vec<String>)> {
        vec![
            ("token_urlsafe(32)", (0..n).map(|_| b64(&rng.bytes(32), URL)).collect()),
            ("token_hex(16)", hex_tokens(rng, n, 32)),
            ("uuid4", (0..n).map(|_| uuid4(rng)).collect()),
            ("django", chars(rng, n, 32, b"abcdefghijklmnopqrstuvwxyz0123456789")),
            (
                "go hex",
                (0..n)
                    .map(|_| rng.bytes(16).iter().map(|b| format!("{b:02x}")).collect())
                    .collect(),
            ),
            ("php", chars(rng, n, 26, b"0123456789abcdefghijklmnopqrstuv")),
            (
                "express",
                (0..n)
                    .map(|_| format!("s:{}.{}", b64(&rng.bytes(18), URL), b64(&rng.bytes(32), STD)))
                    .collect(),
            ),
            (
                "std base64 padded",
                (0..n).map(|_| b64(&rng.bytes(32), STD) + "=").collect(),
            ),
        ]
    }

    fn weak_sets(rng: &mut impl Source) -> Vec<(&'static str, Vec<String>, &'static str)> {
        let mut t: u64 = 0x18f_3a2b_4c5d;
        vec![
            (
                "decimal counter",
                (1001..1101).map(|i| i.to_string()).collect(),
                "the next token is probably 1101",
            ),
            (
                "sess counter",
                (123..223).map(|i| format!("sess-{i:06}")).collect(),
                "probably sess-000223",
            ),
            (
                "hex ms timestamps",
                (0..100)
                    .map(|_| {
                        t += 1 + rng.below(250);
                        format!("{t:x}")
                    })
                    .collect(),
                "like a timestamp",
            ),
            (
                "md5 16 bits",
                (0..100)
                    .map(|_| format!("{:04x}d41d8cd98f00b204e9800998ecf8", rng.below(1 << 16)))
                    .collect(),
                "estimated entropy",
            ),
            (
                "3 random hex",
                (0..100)
                    .map(|_| format!("a3f9c2e1b7d4{:03x}0000000000000000", rng.below(4096)))
                    .collect(),
                "estimated entropy",
            ),
        ]
    }

    /// UUIDv7: 48-bit ms timestamp, then 74 random bits.
    fn uuid7(rng: &mut impl Source, ms: u64) -> String {
        let hi = (ms << 16) | 0x7000 | rng.below(0x1000);
        let lo = rng.next() & !(0xC << 60) | (0x8 << 60);
        let h = format!("{hi:016x}{lo:016x}");
        format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
    }

    #[test]
    fn time_ordered_uuid7_is_not_weak() {
        let (mut rng, mut ms) = (Rng(77), 0x018f_3a2b_4c5d);
        let tokens: Vec<String> = (0..100)
            .map(|_| {
                ms += 1 + rng.below(40);
                uuid7(&mut rng, ms)
            })
            .collect();
        let a = analyze(&tokens);
        assert!(!a.weak && a.progression.is_none() && a.entropy_bits > 64.0, "{a:#?}");
    }

    #[test]
    fn strong_generators_are_not_weak() {
        for (name, tokens) in strong_sets(&mut Rng(7), 100) {
            let a = analyze(&tokens);
            assert!(!a.weak, "{name}: {a:#?}");
            assert!(a.entropy_bits > 100.0, "{name}: {}", a.entropy_bits);
        }
    }

    #[test]
    fn weak_generators_are_weak_with_the_right_reason() {
        for (name, tokens, reason) in weak_sets(&mut Rng(8)) {
            let a = analyze(&tokens);
            assert!(a.weak, "{name}: {a:#?}");
            assert!(a.reasons.iter().any(|r| r.contains(reason)), "{name}: {:#?}", a.reasons);
        }
        let mut tokens = hex_tokens(&mut Rng(9), 100, 32);
        tokens[70] = tokens[3].clone();
        let a = analyze(&tokens);
        assert!(a.weak && a.duplicates == 1, "{a:#?}");
        assert!(
            a.reasons[0].contains("1 of 100 fresh sessions repeat"),
            "{:?}",
            a.reasons
        );
    }

    #[test]
    fn shapes_and_random_parts() {
        let sets = strong_sets(&mut Rng(10), 100);
        let a = analyze(&sets[0].1);
        assert_eq!(
            a.shape,
            Shape::Opaque {
                alphabet: Alphabet::Base64Url,
                len: 43
            }
        );
        assert_eq!(a.random_part, "whole token (base64url, 43 chars)");
        let fips = a.fips.unwrap();
        assert_eq!((fips.bits, fips.constant_bits), (25_600, 0));
        let a = analyze(&sets[2].1);
        assert_eq!(
            a.shape,
            Shape::Opaque {
                alphabet: Alphabet::Hex,
                len: 32
            }
        );
        assert_eq!(
            a.random_part,
            "UUID without dashes (32 chars, 1 constant; varying chars hex)"
        );
        assert_eq!(a.fips.unwrap().constant_bits, 6, "version nibble and variant bits");
        let a = analyze(&sets[6].1);
        assert_eq!(
            (a.shape, a.random_part.as_str()),
            (Shape::SignedCookie, "id part of s:<id>.<sig> (base64url, 24 chars)")
        );
        let a = analyze(&sets[5].1);
        assert_eq!(a.random_part, "whole token (base36 with 32 symbols in use, 26 chars)");
    }

    #[test]
    fn signed_cookie_with_counter_ids() {
        let tokens: Vec<String> = (500..600)
            .map(|i| format!("s%3A{i}.{}", b64(&Rng(i).bytes(32), STD)))
            .collect();
        let a = analyze(&tokens);
        assert_eq!(
            a.progression,
            Some(Progression {
                step: 1,
                next: "600".into()
            })
        );
        assert!(a.weak && a.shape == Shape::SignedCookie);
    }

    fn jwt(header: &str, claims: &str, sig: &str) -> String {
        format!("{}.{}.{sig}", b64(header.as_bytes(), URL), b64(claims.as_bytes(), URL))
    }

    #[test]
    fn jwts_are_judged_by_claims() {
        let mut rng = Rng(11);
        let tokens: Vec<String> = (0..100)
            .map(|i| {
                jwt(
                    r#"{"alg":"HS256"}"#,
                    &format!(r#"{{"exp":{},"jti":"{}"}}"#, 1_700_000_000 + i, rng.next()),
                    "c2ln",
                )
            })
            .collect();
        let a = analyze(&tokens);
        assert_eq!(
            a.shape,
            Shape::Jwt {
                alg: "HS256".into(),
                has_exp: true,
                has_jti: true
            }
        );
        assert!(!a.weak && a.fips.is_none(), "{a:#?}");
        let none: Vec<String> = (0..10)
            .map(|_| jwt(r#"{"alg":"none"}"#, r#"{"sub":"anon"}"#, ""))
            .collect();
        let a = analyze(&none);
        assert!(a.weak && a.duplicates == 9, "{a:#?}");
        assert!(a.reasons.iter().any(|r| r.contains("alg is none")) && a.reasons.iter().any(|r| r.contains("no exp")));
    }

    #[test]
    fn client_side_sessions_are_not_applicable() {
        let tokens: Vec<String> = (0..50)
            .map(|i| {
                format!(
                    "{}.ZXm8R{}.{}",
                    b64(br#"{"_permanent":true}"#, URL),
                    i % 3,
                    "s".repeat(27)
                )
            })
            .collect();
        let a = analyze(&tokens);
        assert_eq!(a.shape, Shape::ClientSideSession);
        assert!(!a.weak && a.reasons[0].contains("do not apply"), "{a:#?}");
    }

    #[test]
    fn mixed_shapes_are_said() {
        let mut tokens = hex_tokens(&mut Rng(12), 80, 32);
        tokens.extend(hex_tokens(&mut Rng(13), 20, 40));
        let a = analyze(&tokens);
        assert_eq!(a.shape, Shape::Mixed);
        assert!(!a.weak && a.reasons[0].contains("largest group (80 of 100)"), "{a:#?}");
    }

    #[test]
    fn few_samples_do_not_look_weak() {
        let sets = strong_sets(&mut Rng(14), 6);
        for (name, tokens) in &sets {
            let a = analyze(tokens);
            assert!(!a.weak, "{name}: {a:#?}");
        }
        let base62 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let a = analyze(&chars(&mut Rng(15), 8, 16, base62));
        assert!(!a.weak && a.entropy_bits < 64.0, "{a:#?}");
        assert!(a.reasons.iter().any(|r| r.contains("lower bound")), "{:?}", a.reasons);
        let weak: Vec<String> = (0..6)
            .map(|i| format!("AAAAAAAAAAAAAAAAAAAAAAAA{:02x}", i * 37))
            .collect();
        assert!(analyze(&weak).weak);
    }

    #[test]
    fn biased_bits_fail_fips() {
        let mut rng = Rng(15);
        let nibble = |rng: &mut Rng| (0..4).fold(0, |v, _| (v << 1) | u32::from(rng.below(100) < 58));
        let tokens: Vec<String> = (0..200)
            .map(|_| (0..32).map(|_| format!("{:x}", nibble(&mut rng))).collect())
            .collect();
        let a = analyze(&tokens);
        assert!(a.entropy_bits > 64.0 && a.weak, "{a:#?}");
        assert!(
            a.reasons
                .iter()
                .any(|r| r.contains("FIPS 140-2 monobit test failed on")),
            "{:?}",
            a.reasons
        );
    }

    #[test]
    fn odd_inputs_never_panic() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let long = "9".repeat(5000);
        let inputs = [
            vec![],
            s(&["x"]),
            s(&["", "", ""]),
            s(&["é", "日本語", "🙂🙂", "a\u{0}b", "ß"]),
            s(&["a", "abcdefghijklmnop", &long, "s:", "s:.", "..", ".a.b.c", "s%3A.x"]),
            s(&[
                "a.b.c",
                "eyJ.eyJ.x",
                "....",
                "=",
                "==",
                "-",
                "00000000-0000-0000-0000-000000000000",
            ]),
            s(&[
                "170141183460469231731687303715884105727",
                "170141183460469231731687303715884105728",
                "1",
                "2",
            ]),
            s(&["-5", "-4", "-3", "-2"]),
        ];
        for tokens in inputs {
            let a = analyze(&tokens);
            assert_eq!(a.samples, tokens.len());
        }
        assert!(!analyze(&s(&["onlyone"])).weak);
    }

    #[test]
    fn huge_tokens_and_many_lengths_stay_bounded() {
        let mut tokens = hex_tokens(&mut Rng(16), 20, 100_000);
        let a = analyze(&tokens);
        assert!(
            !a.weak && a.reasons[0].contains("only the first 4096"),
            "{:?}",
            a.reasons
        );
        tokens = (1..3000).map(|n| "ab".repeat(n)).collect();
        let a = analyze(&tokens);
        assert_eq!((a.samples, a.shape.clone()), (2999, Shape::Mixed));
    }

    /// analyze() on 20,000 tokens of 43 chars; run with
    /// `cargo test --release -- --ignored analyze_20000`.
    #[test]
    #[ignore = "timing; meaningful in release builds"]
    fn analyze_20000_tokens_timing() {
        let tokens: Vec<String> = (0..20_000).map(|i| b64(&Rng(i).bytes(32), URL)).collect();
        let start = std::time::Instant::now();
        let a = analyze(&tokens);
        let took = start.elapsed();
        println!("analyze(20,000 x 43 chars): {took:?}");
        assert!(!a.weak && took.as_secs_f64() < 1.0, "{took:?}");
    }

    /// False-positive calibration: `runs` runs of 100 strong tokens; with
    /// `every` each run covers every generator, else one generator per run in
    /// rotation. Returns (weak, biased positions, narrow FIPS failures).
    fn calibrate(rng: &mut impl Source, runs: usize, every: bool) -> (usize, usize, usize) {
        let (mut weak, mut biased, mut narrow) = (0, 0, 0);
        for run in 0..runs {
            for (i, (name, tokens)) in strong_sets(rng, 100).into_iter().enumerate() {
                if !every && i != run % 8 {
                    continue;
                }
                let a = analyze(&tokens);
                weak += usize::from(a.weak);
                biased += a.biased_positions.len();
                narrow += a.reasons.iter().filter(|r| r.contains("failed narrowly")).count();
                assert!(!a.weak, "{name}: {a:#?}");
            }
        }
        (weak, biased, narrow)
    }

    #[test]
    fn calibration_seeded_prng() {
        let (weak, biased, _) = calibrate(&mut Rng(2024), 1000, false);
        assert_eq!((weak, biased), (0, 0));
    }

    #[test]
    fn calibration_urandom() {
        assert_eq!(calibrate(&mut Urandom::open(), 1000, false).0, 0);
    }

    /// 1,000 runs of every generator (8,000 analyses per source); slow in
    /// debug builds: `cargo test --release -- --ignored`.
    #[test]
    #[ignore = "slow in debug builds"]
    fn calibration_full() {
        for (source, result) in [
            ("seeded", calibrate(&mut Rng(99), 1000, true)),
            ("urandom", calibrate(&mut Urandom::open(), 1000, true)),
        ] {
            println!(
                "{source}: weak {}, biased positions {}, narrow FIPS failures {}",
                result.0, result.1, result.2
            );
            assert_eq!(result.0, 0);
        }
    }
}
