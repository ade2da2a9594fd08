//! Tokens that are numbers in a progression (counters, timestamps), and the
//! prediction of the next token in the same textual format.

use super::Progression;

/// How a token is built around its number: `prefix` + digits + `suffix`.
#[derive(Debug, Clone, PartialEq)]
struct Template<'a> {
    prefix: &'a str,
    suffix: &'a str,
    radix: u32,
    /// Zero-padded width when every number has the same number of digits.
    width: Option<usize>,
    upper: bool,
}

/// Finds a progression in `items` (in collection order), trying decimal then
/// hex numbers. Returns the progression and how it was seen.
pub(super) fn find(items: &[&str]) -> Option<(Progression, &'static str)> {
    [10, 16].into_iter().find_map(|radix| {
        let (t, values, digits) = template(items, radix)?;
        let (step, next, how) = detect(&values, digits as f64 * f64::from(radix).log2())?;
        Some((
            Progression {
                step,
                next: format_token(&t, next)?,
            },
            how,
        ))
    })
}

/// The template shared by all items, their numbers and the most digits seen.
fn template<'a>(items: &[&'a str], radix: u32) -> Option<(Template<'a>, Vec<i128>, usize)> {
    let first = *items.first()?;
    if items.len() < 4 || items.iter().any(|s| !s.is_ascii()) {
        return None;
    }
    let digit = |c: u8| char::from(c).is_digit(radix);
    let (fb, min_len) = (first.as_bytes(), items.iter().map(|s| s.len()).min()?);
    let mut pre = items
        .iter()
        .fold(min_len, |n, s| common(fb.iter(), s.as_bytes().iter(), n));
    while pre > 0 && digit(fb[pre - 1]) {
        pre -= 1;
    }
    let limit = min_len - pre;
    let mut suf = items
        .iter()
        .fold(limit, |n, s| common(fb.iter().rev(), s.as_bytes().iter().rev(), n));
    while suf > 0 && digit(fb[fb.len() - suf]) {
        suf -= 1;
    }
    let mids: Vec<&str> = items.iter().map(|s| &s[pre..s.len() - suf]).collect();
    let (upper, lower) = (
        any_byte(&mids, u8::is_ascii_uppercase),
        any_byte(&mids, u8::is_ascii_lowercase),
    );
    if upper && lower || mids.iter().any(|m| m.is_empty() || !m.bytes().all(digit)) {
        return None;
    }
    let values = mids
        .iter()
        .map(|m| i128::from_str_radix(m, radix).ok())
        .collect::<Option<Vec<_>>>()?;
    let most = mids.iter().map(|m| m.len()).max()?;
    let width = mids.iter().all(|m| m.len() == most).then_some(most);
    let (prefix, suffix) = (&first[..pre], &first[first.len() - suf..]);
    Some((
        Template {
            prefix,
            suffix,
            radix,
            width,
            upper,
        },
        values,
        most,
    ))
}

fn common<'x>(a: impl Iterator<Item = &'x u8>, b: impl Iterator<Item = &'x u8>, max: usize) -> usize {
    a.zip(b).take(max).take_while(|(x, y)| x == y).count()
}

fn any_byte(mids: &[&str], f: fn(&u8) -> bool) -> bool {
    mids.iter().any(|m| m.as_bytes().iter().any(f))
}

/// Step, predicted next value and a description, or None.
/// `space_bits` is the size of the number space (digits × bits per digit).
fn detect(values: &[i128], space_bits: f64) -> Option<(i128, i128, &'static str)> {
    let last = *values.last()?;
    let diffs = differences(values);
    if let Some(d) = diffs.as_deref().and_then(constant_step) {
        return Some((
            d,
            last.checked_add(d)?,
            "consecutive tokens are numbers in arithmetic progression",
        ));
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    if let Some(d) = differences(&sorted).as_deref().and_then(constant_step) {
        return Some((
            d,
            sorted.last()?.checked_add(d)?,
            "the tokens, sorted, are numbers in arithmetic progression",
        ));
    }
    let diffs = diffs?;
    if let Some(d) = dominant_step(&diffs) {
        return Some((
            d,
            last.checked_add(d)?,
            "at least 90% of consecutive tokens differ by the same amount",
        ));
    }
    // Tiny: small steps (≤ 2^32) and a span far below the number space, so a
    // time-ordered prefix followed by many random bits (UUIDv7) is not one.
    let span = last.checked_sub(values[0])?;
    let mut steps = diffs.clone();
    steps.sort_unstable();
    let median = steps[steps.len() / 2];
    let tiny = median <= 1 << 32 && (span as f64).log2() <= space_bits - 16.0;
    if diffs.len() >= 7 && steps[0] > 0 && tiny {
        let how = "tokens increase monotonically in tiny steps, like a timestamp";
        return Some((median, last.checked_add(median)?, how));
    }
    None
}

fn differences(values: &[i128]) -> Option<Vec<i128>> {
    values.windows(2).map(|w| w[1].checked_sub(w[0])).collect()
}

fn constant_step(diffs: &[i128]) -> Option<i128> {
    let d = *diffs.first()?;
    (d != 0 && diffs.iter().all(|&x| x == d)).then_some(d)
}

/// A small non-zero step shared by at least 90% of ≥ 9 differences (other
/// clients took the values in between).
fn dominant_step(diffs: &[i128]) -> Option<i128> {
    if diffs.len() < 9 {
        return None;
    }
    let mut sorted = diffs.to_vec();
    sorted.sort_unstable();
    let (mut best, mut best_n, mut run) = (sorted[0], 0, 0);
    for (i, &d) in sorted.iter().enumerate() {
        run = if i > 0 && sorted[i - 1] == d { run + 1 } else { 1 };
        if run > best_n {
            (best, best_n) = (d, run);
        }
    }
    let small = best != 0 && best.unsigned_abs() <= 1 << 32;
    (small && best_n * 10 >= diffs.len() * 9).then_some(best)
}

fn format_token(t: &Template, value: i128) -> Option<String> {
    if value < 0 {
        return None;
    }
    let digits = match (t.radix, t.upper) {
        (10, _) => format!("{value}"),
        (_, true) => format!("{value:X}"),
        _ => format!("{value:x}"),
    };
    let width = t.width.unwrap_or(0);
    Some(format!("{}{digits:0>width$}{}", t.prefix, t.suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(items: &[String]) -> Option<(Progression, &'static str)> {
        find(&items.iter().map(String::as_str).collect::<Vec<_>>())
    }

    #[test]
    fn decimal_counter_with_prefix_and_padding() {
        let items: Vec<String> = (123..223).map(|i| format!("sess-{i:06}")).collect();
        let (p, _) = run(&items).unwrap();
        assert_eq!(
            p,
            Progression {
                step: 1,
                next: "sess-000223".into()
            }
        );
        let items: Vec<String> = (95..140).map(|i| i.to_string()).collect();
        assert_eq!(run(&items).unwrap().0.next, "140");
    }

    #[test]
    fn hex_keeps_case_width_and_suffix() {
        let items: Vec<String> = (0..10).map(|i| format!("ID{:08X}.v1", 0xFFF0 + 7 * i)).collect();
        let (p, _) = run(&items).unwrap();
        assert_eq!((p.step, p.next.as_str()), (7, "ID00010036.v1"));
        let items: Vec<String> = (0..10).map(|i| format!("{:x}", 0xabc00 - 3 * i)).collect();
        assert_eq!(run(&items).unwrap().0.next, "abbe2");
    }

    #[test]
    fn sorted_interleaved_and_timestamps() {
        let order = [5, 1, 9, 3, 7, 2, 8, 4, 6, 0];
        let items: Vec<String> = order.iter().map(|i| format!("{}", 5000 + 10 * i)).collect();
        assert_eq!(
            run(&items).unwrap().0,
            Progression {
                step: 10,
                next: "5100".into()
            }
        );
        let mut v = 7000;
        let items: Vec<String> = (0..40)
            .map(|i| {
                v += if i % 20 == 7 { 3 } else { 1 };
                v.to_string()
            })
            .collect();
        let (p, how) = run(&items).unwrap();
        assert_eq!((p.step, how.contains("90%")), (1, true));
        let mut t: i128 = 0x18f_3a2b_4c5d;
        let jitter = [41, 57, 38, 90, 45, 61, 44, 47, 52, 300];
        let items: Vec<String> = jitter
            .iter()
            .map(|j| {
                t += j;
                format!("{t:x}")
            })
            .collect();
        let (p, how) = run(&items).unwrap();
        assert!(how.contains("timestamp") && p.step == 52, "{p:?}");
    }

    #[test]
    fn random_and_odd_inputs_have_no_progression() {
        let items = [
            "9f86d081884c7d65",
            "2c26b46b68ffc68f",
            "fcde2b2edba56bf4",
            "e3b0c44298fc1c14",
        ];
        assert!(find(&items).is_none());
        assert!(find(&["1", "2", "3"]).is_none());
        let huge = ["9".repeat(60), "9".repeat(61), "9".repeat(62), "9".repeat(63)];
        assert!(run(&huge).is_none());
        assert!(find(&["", "", "", ""]).is_none());
        assert!(find(&["é1", "é2", "é3", "é4"]).is_none());
        assert_eq!(find(&["5", "4", "3", "2", "1"]).unwrap().0.next, "0");
    }
}
