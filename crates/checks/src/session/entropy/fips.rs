//! FIPS 140-2 statistical tests (monobit, poker, runs, long run) on the
//! random bits of the tokens.
//!
//! On a full 20,000-bit block the exact FIPS 140-2 bounds apply. With
//! 1,000 ≤ n < 20,000 bits the tests are scaled to keep about the same
//! significance (each FIPS bound sits near 4 standard deviations):
//! - monobit: |ones − n/2| < 3.9·σ with σ = √n / 2 (FIPS: 275 / 70.7 ≈ 3.9σ);
//! - poker: the same chi-square(15) bounds 2.16 < X < 46.17 over k = ⌊n/4⌋ nibbles;
//! - runs: a run of exactly i bits of a given value is expected
//!   e_i = (n − i + 3) / 2^(i+2) times (e_6+ sums i ≥ 6); counts must lie within
//!   e_i ± 4·√e_i, and lengths with e_i < 5 are skipped;
//! - long run: a run of 26 or more bits fails, as in FIPS.

use super::shape::b64_value;
use super::{Alphabet, Fips, Outcome};

const BLOCK: usize = 20_000;
/// Fewer bits than this: no FIPS result.
pub(super) const MIN_BITS: usize = 1_000;
const RUN_BOUNDS: [(usize, usize); 6] = [
    (2315, 2685),
    (1114, 1386),
    (527, 723),
    (240, 384),
    (103, 209),
    (103, 209),
];
const LONG_RUN: usize = 26;

/// Stricter bounds (≈ 1e-8 per test for a true random source) beyond which a
/// failure is decisive; a plain FIPS failure happens to ~1 in 1,000 random blocks.
const STRICT_Z: f64 = 5.5;
const STRICT_POKER: (f64, f64) = (0.64, 68.0);
const STRICT_LONG_RUN: f64 = 40.0;

/// Extracts the random bits of equal-length `parts` and runs the tests. Only
/// hex and base64 alphabets map to whole bits. Bit positions (index within a
/// token) that are constant over all samples are dropped as structure.
pub(super) fn analyze(parts: &[&[u8]], alphabet: &Alphabet, varying: &[usize], len: usize) -> Option<Fips> {
    let hex = match alphabet {
        Alphabet::Hex => true,
        Alphabet::Base64 | Alphabet::Base64Url => false,
        _ => return None,
    };
    let width = |pos: usize| match (hex, pos + 1 == len) {
        (true, _) => 4,
        (false, true) => b64_last_bits(len),
        (false, false) => 6,
    };
    let decoder = Decoder {
        varying,
        width: &width,
        hex,
    };
    // Pass 1: ones per bit index; pass 2: the first 20,000 non-constant bits.
    let (mut ones, mut row) = (Vec::new(), Vec::new());
    for part in parts {
        decoder.row(part, &mut row)?;
        ones.resize(row.len(), 0usize);
        ones.iter_mut().zip(&row).for_each(|(n, &b)| *n += usize::from(b));
    }
    let kept: Vec<usize> = (0..ones.len())
        .filter(|&i| ones[i] > 0 && ones[i] < parts.len())
        .collect();
    let total = kept.len() * parts.len();
    if total < MIN_BITS {
        return None;
    }
    let mut stream = Vec::with_capacity(BLOCK + kept.len());
    for part in parts.iter().take(BLOCK.div_ceil(kept.len())) {
        decoder.row(part, &mut row)?;
        stream.extend(kept.iter().map(|&i| row[i]));
    }
    stream.truncate(BLOCK);
    let per_token: u32 = (0..len).map(width).sum();
    Some(test_block(&stream, total, per_token as usize - kept.len()))
}

/// Decodes the varying positions of a token into bits.
struct Decoder<'a> {
    varying: &'a [usize],
    width: &'a dyn Fn(usize) -> u32,
    hex: bool,
}

impl Decoder<'_> {
    /// The bits of the varying positions of `part`, most significant first.
    fn row(&self, part: &[u8], row: &mut Vec<u8>) -> Option<()> {
        row.clear();
        for &pos in self.varying {
            let (c, w) = (*part.get(pos)?, (self.width)(pos));
            let v = if self.hex {
                char::from(c).to_digit(16)?
            } else {
                u32::from(b64_value(c)? >> (6 - w))
            };
            row.extend((0..w).rev().map(|b| ((v >> b) & 1) as u8));
        }
        Some(())
    }
}

/// Bits carried by the last char of an unpadded base64 string of `len` chars.
fn b64_last_bits(len: usize) -> u32 {
    match len % 4 {
        2 => 2,
        3 => 4,
        _ => 6,
    }
}

/// Runs the four tests on `bits` (exact FIPS when it holds 20,000 bits).
pub(super) fn test_block(bits: &[u8], total: usize, constant_bits: usize) -> Fips {
    let runs = count_runs(bits);
    Fips {
        bits: total,
        constant_bits,
        monobit: monobit(bits),
        poker: poker(bits),
        runs: runs_outcome(&runs, bits.len()),
        long_run: long_run(runs.longest),
    }
}

/// Names of the tests whose failure is beyond the strict bounds.
pub(super) fn decisive_failures(f: &Fips) -> Vec<&'static str> {
    let n = f.bits.min(BLOCK) as f64;
    let mono = (f.monobit.statistic - n / 2.0).abs() / (n.sqrt() / 2.0) > STRICT_Z;
    let poker = !(STRICT_POKER.0..=STRICT_POKER.1).contains(&f.poker.statistic);
    let flags = [
        (!f.monobit.passed && mono, "monobit"),
        (!f.poker.passed && poker, "poker"),
        (!f.runs.passed && f.runs.statistic > STRICT_Z, "runs"),
        (
            !f.long_run.passed && f.long_run.statistic >= STRICT_LONG_RUN,
            "long run",
        ),
    ];
    flags.iter().filter(|(bad, _)| *bad).map(|(_, name)| *name).collect()
}

fn monobit(bits: &[u8]) -> Outcome {
    let n = bits.len();
    let ones = bits.iter().filter(|&&b| b == 1).count();
    let (passed, bounds) = if n == BLOCK {
        (
            ones > 9725 && ones < 10275,
            "FIPS 140-2 bounds 9725 < X < 10275".to_string(),
        )
    } else {
        let limit = 3.9 * (n as f64).sqrt() / 2.0;
        let ok = (ones as f64 - n as f64 / 2.0).abs() < limit;
        (ok, format!("pass if within 3.9σ of {}: ±{limit:.1}", n as f64 / 2.0))
    };
    let detail = format!("{ones} ones in {n} bits ({bounds})");
    outcome(passed, ones as f64, detail)
}

fn poker(bits: &[u8]) -> Outcome {
    let k = bits.len() / 4;
    let mut f = [0u64; 16];
    for nibble in bits.chunks_exact(4) {
        f[nibble.iter().fold(0usize, |v, &b| (v << 1) | usize::from(b))] += 1;
    }
    let sum_sq: f64 = f.iter().map(|&c| (c * c) as f64).sum();
    let x = 16.0 / k.max(1) as f64 * sum_sq - k as f64;
    let passed = x > 2.16 && x < 46.17;
    let detail = format!("X = {x:.2} over {k} 4-bit blocks (pass if 2.16 < X < 46.17)");
    outcome(passed, x, detail)
}

struct Runs {
    /// counts[bit][length − 1], length 6 meaning "6 or more".
    counts: [[usize; 6]; 2],
    longest: usize,
}

fn count_runs(bits: &[u8]) -> Runs {
    let mut r = Runs {
        counts: [[0; 6]; 2],
        longest: 0,
    };
    let mut i = 0;
    while i < bits.len() {
        let start = i;
        while i < bits.len() && bits[i] == bits[start] {
            i += 1;
        }
        let len = i - start;
        r.counts[usize::from(bits[start] & 1)][len.min(6) - 1] += 1;
        r.longest = r.longest.max(len);
    }
    r
}

/// Expected number of runs of exactly `i` bits of one value in `n` random
/// bits; for i = 6 the expectation of runs of 6 or more.
fn expected_runs(n: usize, i: usize) -> f64 {
    let e = |i: usize| (n as f64 - i as f64 + 3.0).max(0.0) / 2f64.powi(i as i32 + 2);
    if i < 6 { e(i) } else { (6..=64).map(e).sum() }
}

fn runs_outcome(runs: &Runs, n: usize) -> Outcome {
    // (within bounds, z-score against e_i, description)
    let mut checks: Vec<(bool, f64, String)> = Vec::new();
    for (bit, len) in (0..2).flat_map(|b| (1..=6).map(move |l| (b, l))) {
        let (count, e) = (runs.counts[bit][len - 1] as f64, expected_runs(n, len));
        let (lo, hi) = match RUN_BOUNDS.get(len - 1) {
            Some(&(lo, hi)) if n == BLOCK => (lo as f64, hi as f64),
            _ if e >= 5.0 => (e - 4.0 * e.sqrt(), e + 4.0 * e.sqrt()),
            _ => continue,
        };
        let plus = if len == 6 { "+" } else { "" };
        let what = format!("{bit}-runs of length {len}{plus}: {count} (allowed {lo:.0}–{hi:.0})");
        checks.push(((lo..=hi).contains(&count), (count - e).abs() / e.sqrt(), what));
    }
    let passed = checks.iter().all(|c| c.0);
    let statistic = checks.iter().map(|c| c.1).fold(0.0, f64::max);
    let by_z = |a: &&(bool, f64, String), b: &&(bool, f64, String)| a.1.total_cmp(&b.1);
    let worst = checks.iter().find(|c| !c.0).or_else(|| checks.iter().max_by(by_z));
    let [zeros, ones] = runs.counts;
    let detail = format!(
        "runs of 0s {zeros:?}, of 1s {ones:?} (lengths 1..6+); worst: {}",
        worst.map_or("none tested", |c| c.2.as_str())
    );
    outcome(passed, statistic, detail)
}

fn long_run(longest: usize) -> Outcome {
    let passed = longest < LONG_RUN;
    let detail = format!("longest run {longest} bits (fails at ≥ {LONG_RUN})");
    outcome(passed, longest as f64, detail)
}

fn outcome(passed: bool, statistic: f64, detail: String) -> Outcome {
    Outcome {
        passed,
        statistic,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Rng, Source, Urandom};
    use super::*;

    fn random_bits(rng: &mut impl Source, n: usize) -> Vec<u8> {
        (0..n).map(|_| (rng.next() >> 63) as u8).collect()
    }

    fn all_pass(f: &Fips) -> bool {
        f.monobit.passed && f.poker.passed && f.runs.passed && f.long_run.passed
    }

    #[test]
    fn known_bad_streams_fail() {
        let ones = test_block(&[1; BLOCK], BLOCK, 0);
        assert!(!ones.monobit.passed && !ones.poker.passed && !ones.runs.passed && !ones.long_run.passed);
        assert_eq!(decisive_failures(&ones), ["monobit", "poker", "runs", "long run"]);
        let alternating: Vec<u8> = (0..BLOCK).map(|i| (i % 2) as u8).collect();
        let alt = test_block(&alternating, BLOCK, 0);
        assert!(
            alt.monobit.passed && !alt.poker.passed && !alt.runs.passed && alt.long_run.passed,
            "{alt:#?}"
        );
        let mut long = random_bits(&mut Rng(1), BLOCK);
        long[500..530].fill(0);
        assert!(!test_block(&long, BLOCK, 0).long_run.passed);
        let short = test_block(&[1; 4000], 4000, 0);
        assert!(!short.monobit.passed && !short.poker.passed && !short.runs.passed);
    }

    #[test]
    fn urandom_and_prng_pass() {
        assert!(all_pass(&test_block(&random_bits(&mut Rng(5), BLOCK), BLOCK, 0)));
        assert!(all_pass(&test_block(&random_bits(&mut Rng(6), 3000), 3000, 0)));
        // A true random block fails FIPS ~1 time in 1,000: three tries.
        let mut u = Urandom::open();
        assert!((0..3).any(|_| all_pass(&test_block(&random_bits(&mut u, BLOCK), BLOCK, 0))));
        assert!(decisive_failures(&test_block(&random_bits(&mut u, BLOCK), BLOCK, 0)).is_empty());
    }

    #[test]
    fn exact_monobit_and_poker_bounds() {
        let stream = |ones: usize| (0..BLOCK).map(|i| u8::from(i < ones)).collect::<Vec<u8>>();
        let passed = |ones| monobit(&stream(ones)).passed;
        assert_eq!(
            [passed(9725), passed(9726), passed(10274), passed(10275)],
            [false, true, true, false]
        );
        // 4-bit counter: every nibble 312 or 313 times, X = 0.0128 < 2.16.
        let counter: Vec<u8> = (0..BLOCK / 4)
            .flat_map(|i| (0..4).rev().map(move |b| ((i % 16) >> b) as u8 & 1))
            .collect();
        let p = poker(&counter);
        assert!(!p.passed && (p.statistic - 0.0128).abs() < 1e-9, "{p:?}");
        let e = long_run(25);
        assert!(e.passed && !long_run(26).passed);
    }

    /// Builds 20,000 bits with the given counts of runs of lengths 1..5 for
    /// both bit values, alternating, plus 103 long runs of each value (6+).
    fn runs_stream(short: [usize; 5]) -> Vec<u8> {
        let mut lens: Vec<usize> = short
            .iter()
            .enumerate()
            .flat_map(|(i, &c)| std::iter::repeat_n(i + 1, c))
            .collect();
        let used = 2 * lens.iter().sum::<usize>();
        let long = (BLOCK - used) / 2;
        lens.extend((0..103).map(|j| long / 103 + usize::from(j < long % 103)));
        let mut bits: Vec<u8> = lens.iter().flat_map(|&l| [vec![0; l], vec![1; l]]).flatten().collect();
        bits.resize(BLOCK, 1);
        bits
    }

    #[test]
    fn exact_run_bounds_are_inclusive() {
        let edge = runs_stream([2315, 1114, 527, 240, 103]);
        let r = runs_outcome(&count_runs(&edge), BLOCK);
        assert!(r.passed, "{r:?}");
        let high = runs_stream([2685, 1386, 600, 300, 150]);
        assert!(runs_outcome(&count_runs(&high), BLOCK).passed);
        let r = runs_outcome(&count_runs(&runs_stream([2314, 1114, 527, 240, 103])), BLOCK);
        assert!(!r.passed && r.detail.contains("2314 (allowed 2315–2685)"), "{r:?}");
        let r = runs_outcome(&count_runs(&runs_stream([2315, 1114, 527, 240, 210])), BLOCK);
        assert!(!r.passed, "{r:?}");
    }

    #[test]
    fn scaled_expectations_match_fips_centres() {
        assert!((expected_runs(BLOCK, 1) - 2500.25).abs() < 1e-9);
        assert!((expected_runs(BLOCK, 6) - 156.2).abs() < 0.1);
        let mut rng = Rng(9);
        let fails = (0..300)
            .filter(|_| !all_pass(&test_block(&random_bits(&mut rng, 1000), 1000, 0)))
            .count();
        assert!(fails <= 2, "{fails}");
    }

    #[test]
    fn tokens_to_bits() {
        let parts = ["0f", "1e", "2d", "3c"].map(str::as_bytes);
        assert!(analyze(&parts, &Alphabet::Hex, &[0, 1], 2).is_none(), "too few bits");
        let tokens = super::super::tests::hex_tokens(&mut Rng(3), 40, 32);
        let parts: Vec<&[u8]> = tokens.iter().map(|t| t.as_bytes()).collect();
        let f = analyze(&parts, &Alphabet::Hex, &(0..32).collect::<Vec<_>>(), 32).unwrap();
        assert_eq!((f.bits, f.constant_bits), (5120, 0));
        assert!(analyze(&parts, &Alphabet::Decimal, &[0], 32).is_none());
    }
}
