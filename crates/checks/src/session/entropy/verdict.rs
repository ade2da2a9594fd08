//! The verdict: which findings make session ids weak, and the sentences
//! (with the numbers) that say why.

use super::shape::{Group, Kind, Parsed};
use super::stats::Positions;
use super::{Analysis, Progression, Shape, fips, mixed_or};

/// Below this many bits of estimated entropy a session id is weak.
const MIN_ENTROPY_BITS: f64 = 64.0;
/// With fewer samples than this the entropy is not judged.
const MIN_SAMPLES: usize = 5;

fn fail(a: &mut Analysis, reason: String) {
    a.weak = true;
    a.reasons.push(reason);
}

pub(super) fn mixed(a: &mut Analysis, group: &Group) {
    if group.groups > 1 {
        let (g, m, n) = (group.groups, group.members.len(), a.samples);
        let why = format!("tokens come in {g} different shapes/lengths; analysed the largest group ({m} of {n})");
        a.reasons.push(why);
    }
}

pub(super) fn client_side(a: &mut Analysis, group: &Group) {
    a.shape = mixed_or(group, Shape::ClientSideSession);
    a.random_part = "none: payload.timestamp.signature cookie carrying session data".into();
    let why = "client-side session (signed data, not a session id): randomness tests do not apply";
    a.reasons.push(why.into());
}

/// JWTs are judged by their claims; only repeats make them weak here
/// (`alg` none and a missing `exp` are reported by other rules).
pub(super) fn jwt(a: &mut Analysis, parsed: &[Parsed], group: &Group) {
    let claims = group.members.iter().filter_map(|&i| match &parsed[i].kind {
        Kind::Jwt { alg, has_exp, has_jti } => Some((alg.as_str(), *has_exp, *has_jti)),
        _ => None,
    });
    let (alg, exp, jti) = claims.fold((None, true, true), |(alg, e, j), (al, he, hj)| {
        (alg.or(Some(al)), e && he, j && hj)
    });
    let alg = alg.unwrap_or("").to_string();
    a.shape = mixed_or(
        group,
        Shape::Jwt {
            alg: alg.clone(),
            has_exp: exp,
            has_jti: jti,
        },
    );
    a.random_part = "none: JWTs are judged by their claims".into();
    let present = |b: bool| if b { "present" } else { "missing" };
    let (exp_word, jti_word) = (present(exp), present(jti));
    a.reasons.push(format!(
        "JWT (alg {alg}, exp {exp_word}, jti {jti_word}): judged by claims, not randomness"
    ));
    if alg.eq_ignore_ascii_case("none") {
        a.reasons
            .push("alg is none: the tokens are unsigned (reported by other rules)".into());
    }
    if !exp {
        a.reasons
            .push("no exp claim: the tokens do not expire (reported by other rules)".into());
    }
    if a.duplicates > 0 {
        let (d, n) = (a.duplicates, a.samples);
        fail(
            a,
            format!("{d} of {n} fresh sessions got a JWT identical to an earlier one"),
        );
    }
}

/// Human description of the analysed part.
pub(super) fn describe(kind: &Kind, pos: &Positions) -> String {
    let what = match kind {
        Kind::Uuid => "UUID without dashes",
        Kind::Express => "id part of s:<id>.<sig>",
        Kind::Itsdangerous => "payload part of <payload>.<timestamp>.<signature>",
        _ => "whole token",
    };
    let mut alphabet = pos.alphabet.name();
    if pos.symbols != pos.alphabet.size() {
        alphabet += &format!(" with {} symbols in use", pos.symbols);
    }
    match pos.constant {
        0 => format!("{what} ({alphabet}, {} chars)", pos.len),
        c => format!("{what} ({} chars, {c} constant; varying chars {alphabet})", pos.len),
    }
}

/// Judges the randomness findings already stored in `a` and `pos`.
pub(super) fn random(a: &mut Analysis, pos: &Positions, found: Option<(Progression, &str)>) {
    if a.duplicates > 0 {
        let (d, n) = (a.duplicates, a.samples);
        fail(a, format!("{d} of {n} fresh sessions repeat an earlier session id"));
    }
    if let Some((p, how)) = found {
        fail(
            a,
            format!("{how} (step {}); the next token is probably {}", p.step, p.next),
        );
        a.progression = Some(p);
    }
    judge_fips(a);
    judge_entropy(a, pos);
    if !pos.biased.is_empty() {
        let list: Vec<String> = pos.biased.iter().take(12).map(|p| p.to_string()).collect();
        let (what, verb) = if list.len() == 1 {
            ("position", "is")
        } else {
            ("positions", "are")
        };
        let (list, alphabet) = (list.join(", "), pos.alphabet.name());
        a.reasons.push(format!(
            "{what} {list} {verb} not uniform over the {alphabet} alphabet (chi-square, family-wise p < 1e-7)"
        ));
    }
}

/// A FIPS failure makes ids weak only when decisive (beyond the strict
/// bounds); a random source fails some FIPS test about once in 1,000 blocks.
fn judge_fips(a: &mut Analysis) {
    let Some(f) = a.fips.clone() else { return };
    let decisive = fips::decisive_failures(&f);
    let tests = [
        ("monobit", &f.monobit),
        ("poker", &f.poker),
        ("runs", &f.runs),
        ("long run", &f.long_run),
    ];
    for (name, o) in tests.iter().filter(|(_, o)| !o.passed) {
        if decisive.contains(name) {
            fail(
                a,
                format!("FIPS 140-2 {name} test failed on {} random bits: {}", f.bits, o.detail),
            );
        } else {
            a.reasons.push(format!(
                "FIPS 140-2 {name} test failed narrowly ({}); random sources do this about once in 1,000 blocks, so it alone is not counted",
                o.detail
            ));
        }
    }
}

/// Weak when the estimate is below 64 bits, and still below 64 bits when
/// uniform-looking positions are counted at the full alphabet size (so that
/// few samples of a strong token do not look weak).
fn judge_entropy(a: &mut Analysis, pos: &Positions) {
    let n = pos.samples;
    if n < MIN_SAMPLES {
        let why = format!("only {n} samples of the random part: too few to estimate entropy (need ≥ {MIN_SAMPLES})");
        a.reasons.push(why);
        return;
    }
    let (e, x) = (pos.entropy, pos.extrapolated);
    let limit = format!(
        "with {n} samples at most {:.1} bits per position can be observed",
        (n as f64).log2()
    );
    if e < MIN_ENTROPY_BITS && x < MIN_ENTROPY_BITS {
        let constant = format!("{} of {} positions constant", pos.constant, pos.len);
        let mut why = format!("estimated entropy of the random part is {e:.1} bits (< 64; {constant})");
        if pos.cap_binds {
            why += &format!("; {limit}, but even counting uniform-looking positions in full gives only {x:.1} bits");
        }
        fail(a, why);
    } else if e < MIN_ENTROPY_BITS {
        a.reasons.push(format!(
            "{limit}, so the estimate of {e:.1} bits is a lower bound; uniform-looking positions extrapolate to {x:.1} bits (not weak on entropy)"
        ));
    }
}
