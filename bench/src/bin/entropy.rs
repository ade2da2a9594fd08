//! SESS-006's analysis of 20,000 tokens, next to the floor of any analysis
//! that reads each token once (a HashSet insert and per-position counts),
//! measured in the same run.

use base64::Engine;
use rampart_checks::session::entropy;
use rand::Rng;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const TOKENS: usize = 20_000;
const RUNS: usize = 5;

fn main() {
    let mut rng = rand::rng();
    type Generator = Box<dyn Fn(usize, &mut rand::rngs::ThreadRng) -> String>;
    let generators: [(&str, Generator); 3] = [
        (
            "token_urlsafe(32)",
            Box::new(|_, r| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r.random::<[u8; 32]>())),
        ),
        (
            "hex(16 bytes)",
            Box::new(|_, r| r.random::<[u8; 16]>().iter().map(|b| format!("{b:02x}")).collect()),
        ),
        ("counter sess-NNNNNN", Box::new(|i, _| format!("sess-{:06}", 100 + i))),
    ];
    println!(
        "{:<22} {:>12} {:>14} {:>8}  verdict",
        "tokens (20,000 each)", "analyze ms", "one-pass ms", "ratio"
    );
    for (name, generate) in &generators {
        let tokens: Vec<String> = (0..TOKENS).map(|i| generate(i, &mut rng)).collect();
        let analyze = best_of(|| {
            std::hint::black_box(entropy::analyze(&tokens));
        });
        let floor = best_of(|| {
            std::hint::black_box(one_pass(&tokens));
        });
        let verdict = entropy::analyze(&tokens);
        println!(
            "{name:<22} {:>12.1} {:>14.1} {:>7.1}x  weak={} entropy={:.0} bits",
            ms(analyze),
            ms(floor),
            analyze.as_secs_f64() / floor.as_secs_f64().max(1e-9),
            verdict.weak,
            verdict.entropy_bits
        );
    }
}

/// The least work any analysis does: see each token once, count each position's characters.
fn one_pass(tokens: &[String]) -> usize {
    let mut seen = HashSet::with_capacity(tokens.len());
    let mut counts = vec![[0u32; 256]; 64];
    for t in tokens {
        seen.insert(t.as_str());
        for (i, b) in t.bytes().take(64).enumerate() {
            counts[i][b as usize] += 1;
        }
    }
    seen.len()
        + counts
            .iter()
            .map(|c| c.iter().filter(|&&n| n > 0).count())
            .sum::<usize>()
}

fn best_of(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
