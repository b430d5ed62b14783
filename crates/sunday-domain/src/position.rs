//! Fractional indexing: ordering keys for rows, groups and columns that let an element be
//! placed between two others without renumbering anything else.
//!
//! A key is a non-empty string over the 62 characters `[0-9A-Za-z]`, whose ASCII order is also
//! their digit order, and it never ends in the smallest digit `0`. Read as the base-62 fraction
//! `0.k₁k₂k₃…`, a key's numeric order is exactly its byte-wise lexicographic order (the
//! order a database `ORDER BY position` with a binary collation gives), and because no key ends
//! in `0` there is always another key strictly between two distinct keys, and before any key.
//!
//! Appending at either end moves by a step of about the square of the remaining gap, so `n`
//! successive appends at the front or at the back produce keys of length `O(log n)`; inserting
//! again and again into the same gap halves it each time and grows keys by about one character
//! per six insertions, which is the best any scheme can do.

use sunday_types::ApiError;

/// The digits, smallest first; a digit's value is its index here.
const DIGITS: &[u8; BASE] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE: usize = 62;
/// The largest digit, `z`.
const TOP: u8 = 61;
/// `V`, the middle digit: the key of the first element of an empty list.
const MIDDLE: u8 = 31;

/// Whether `key` is a well-formed position key: non-empty, only `[0-9A-Za-z]`, not ending in
/// `0`.
pub fn is_valid(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric()) && !key.ends_with('0')
}

/// A key strictly between `before` and `after` in byte order; `None` is an open end, so
/// `between(None, None)` is the first key of an empty list (`"V"`), `between(Some(last), None)`
/// appends and `between(None, Some(first))` prepends.
///
/// Fails with `validation_failed` (field `position`) when a key is malformed (rule
/// `invalid_key`) or `before >= after` (rule `order`).
pub fn between(before: Option<&str>, after: Option<&str>) -> Result<String, ApiError> {
    for key in [before, after].into_iter().flatten() {
        if !is_valid(key) {
            return Err(position_error(
                "invalid_key",
                format!("position `{}` is not a valid key: use only 0-9, A-Z and a-z, not ending in 0", shorten(key)),
            ));
        }
    }
    let digits = match (before, after) {
        (None, None) => vec![MIDDLE],
        (Some(a), None) => after_key(&decode(a)),
        (None, Some(b)) => before_key(&decode(b)),
        (Some(a), Some(b)) => {
            if a >= b {
                return Err(position_error(
                    "order",
                    format!("position `{}` must sort before `{}`", shorten(a), shorten(b)),
                ));
            }
            midpoint(&decode(a), Some(&decode(b)))
        }
    };
    Ok(encode(&digits))
}

/// `n` strictly increasing keys spread evenly over the whole key space, all of the shortest
/// length that fits `n` (for bulk inserts and templates).
pub fn sequence(n: usize) -> Vec<String> {
    let slots = n as u128 + 1;
    let mut len = 1usize;
    let mut space: u128 = BASE as u128;
    while space < slots {
        len += 1;
        space = space.saturating_mul(BASE as u128);
    }
    // key_i = floor((i + 1) · space / slots), split so nothing overflows: the quotient part is
    // at most `space` and the remainder part below `slots²`. Consecutive keys differ by at
    // least `space / slots ≥ 1`, the first is at least 1 and the last below `space`.
    let (quotient, remainder) = (space / slots, space % slots);
    (1..=n as u128)
        .map(|i| {
            let value = i * quotient + i * remainder / slots;
            let mut digits = vec![0u8; len];
            let mut rest = value;
            for d in digits.iter_mut().rev() {
                *d = (rest % BASE as u128) as u8;
                rest /= BASE as u128;
            }
            encode(trim_zeros(digits).as_slice())
        })
        .collect()
}

/// A `validation_failed` error on the `position` field.
fn position_error(rule: &str, message: String) -> ApiError {
    ApiError::validation("position", rule, message)
}

fn shorten(key: &str) -> String {
    key.chars().take(40).collect()
}

/// Digit values of a valid key.
fn decode(key: &str) -> Vec<u8> {
    key.bytes()
        .map(|b| match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            _ => b.wrapping_sub(b'a').wrapping_add(36),
        })
        .collect()
}

fn encode(digits: &[u8]) -> String {
    digits.iter().map(|&d| char::from(DIGITS[usize::from(d) % BASE])).collect()
}

fn trim_zeros(mut digits: Vec<u8>) -> Vec<u8> {
    while digits.last() == Some(&0) {
        digits.pop();
    }
    digits
}

/// `digits` cut or zero-padded to exactly `len` digits.
fn fit(digits: &[u8], len: usize) -> Vec<u8> {
    let mut out: Vec<u8> = digits.iter().copied().take(len).collect();
    out.resize(len, 0);
    out
}

/// A key above `a`, moving up by about the square of the gap left below 1. With `m` leading
/// `z`s the gap is about 62⁻ᵐ, so the step is 62⁻⁽²ᵐ⁺¹⁾: the key stays at most `2m + 1` digits
/// long and the next `62ᵐ⁺¹` appends all fit before the gap shrinks one more digit.
fn after_key(a: &[u8]) -> Vec<u8> {
    let m = a.iter().take_while(|&&d| d == TOP).count();
    let mut t = fit(a, 2 * m + 1);
    // The carry stops at index m at the latest: a[m] is not `z` (or is padding).
    for d in t.iter_mut().rev() {
        if *d == TOP {
            *d = 0;
        } else {
            *d += 1;
            break;
        }
    }
    trim_zeros(t)
}

/// A key below `b`, moving down by about the square of `b`; the mirror of [`after_key`].
fn before_key(b: &[u8]) -> Vec<u8> {
    let m = b.iter().take_while(|&&d| d == 0).count();
    // b[m] is non-zero (a valid key does not end in 0), so stepping down at any length past m
    // stays above 0; only the single-digit key "1" would step to 0 at length 1.
    let stepped = step_down(b, 2 * m + 1);
    if stepped.is_empty() {
        step_down(b, 2 * m + 2)
    } else {
        stepped
    }
}

/// The largest key of at most `len` digits strictly below `b`, trailing zeros trimmed (empty
/// when that is 0).
fn step_down(b: &[u8], len: usize) -> Vec<u8> {
    let mut t = fit(b, len);
    if b.len() <= len {
        for d in t.iter_mut().rev() {
            if *d == 0 {
                *d = TOP;
            } else {
                *d -= 1;
                break;
            }
        }
    }
    // When b is longer than `len`, its cut is already below it: the cut-off tail is non-zero.
    trim_zeros(t)
}

/// The shortest key strictly between `a` (empty meaning 0) and `b` (`None` meaning 1).
/// Requires `a < b`, neither ending in 0.
fn midpoint(a: &[u8], b: Option<&[u8]>) -> Vec<u8> {
    if let Some(b) = b {
        let common = b.iter().enumerate().take_while(|&(i, &d)| a.get(i).copied().unwrap_or(0) == d).count();
        if common > 0 {
            let mut out = b[..common].to_vec();
            out.extend(midpoint(a.get(common..).unwrap_or(&[]), Some(&b[common..])));
            return out;
        }
    }
    let low = usize::from(a.first().copied().unwrap_or(0));
    let high = b.and_then(|b| b.first()).map_or(BASE, |&d| usize::from(d));
    if high > low + 1 {
        return vec![((low + high).div_ceil(2)) as u8];
    }
    match b {
        // b's first digit alone is above a and, b having a non-zero tail, below b.
        Some(b) if b.len() > 1 => vec![b[0]],
        _ => {
            let mut out = vec![low as u8];
            out.extend(midpoint(a.get(1..).unwrap_or(&[]), None));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sunday_types::ErrorCode;

    fn key() -> impl Strategy<Value = String> {
        "[0-9A-Za-z]{0,8}[1-9A-Za-z]"
    }

    fn assert_increasing(keys: &[String]) {
        for pair in keys.windows(2) {
            assert!(pair[0] < pair[1], "{:?} !< {:?}", pair[0], pair[1]);
        }
        assert!(keys.iter().all(|k| is_valid(k)), "invalid key in {keys:?}");
    }

    /// Allowed length after `n` appends at one end: logarithmic in `n`.
    fn log_bound(n: usize) -> usize {
        2 * ((n as f64 + 1.0).log(BASE as f64).ceil() as usize) + 3
    }

    #[test]
    fn first_key_is_the_middle() {
        assert_eq!(between(None, None).unwrap(), "V");
    }

    #[test]
    fn simple_cases() {
        assert_eq!(between(Some("V"), Some("X")).unwrap(), "W");
        assert_eq!(between(Some("V"), Some("W")).unwrap(), "VV");
        assert_eq!(between(Some("V"), None).unwrap(), "W");
        assert_eq!(between(None, Some("V")).unwrap(), "U");
        assert_eq!(between(None, Some("1")).unwrap(), "0z");
        assert_eq!(between(Some("z"), None).unwrap(), "z01");
        assert_eq!(between(Some("a"), Some("a1")).unwrap(), "a0V");
    }

    #[test]
    fn rejects_bad_keys_and_order() {
        for (a, b) in [(Some("a0"), None), (None, Some("")), (Some("a-b"), None), (None, Some("é"))] {
            let e = between(a, b).unwrap_err();
            assert_eq!(e.code, ErrorCode::ValidationFailed);
            let details = serde_json::to_value(e.details).unwrap();
            assert_eq!(details["field"], "position");
            assert_eq!(details["rule"], "invalid_key");
        }
        for (a, b) in [("b", "a"), ("a", "a"), ("a1", "a")] {
            let e = between(Some(a), Some(b)).unwrap_err();
            assert_eq!(serde_json::to_value(e.details).unwrap()["rule"], "order", "{a} {b}");
        }
    }

    #[test]
    fn validity() {
        assert!(is_valid("V") && is_valid("0z") && is_valid("Az9"));
        assert!(!is_valid("") && !is_valid("V0") && !is_valid("a b") && !is_valid("ü"));
    }

    #[test]
    fn appending_at_the_back_stays_short() {
        let mut keys = vec![between(None, None).unwrap()];
        for n in 1..=20_000 {
            let next = between(keys.last().map(String::as_str), None).unwrap();
            assert!(next.len() <= log_bound(n), "append {n}: {next}");
            keys.push(next);
        }
        assert_increasing(&keys);
    }

    #[test]
    fn prepending_at_the_front_stays_short() {
        let mut keys = vec![between(None, None).unwrap()];
        for n in 1..=20_000 {
            let next = between(None, keys.last().map(String::as_str)).unwrap();
            assert!(next.len() <= log_bound(n), "prepend {n}: {next}");
            keys.push(next);
        }
        keys.reverse();
        assert_increasing(&keys);
    }

    #[test]
    fn same_gap_a_thousand_times_stays_ordered() {
        // Always right after "a", and always right before "b".
        let (low, high) = ("a".to_owned(), "b".to_owned());
        let mut after_low = vec![high.clone()];
        let mut before_high = vec![low.clone()];
        for _ in 0..1_000 {
            let upper = after_low.last().cloned().unwrap();
            let next = between(Some(&low), Some(&upper)).unwrap();
            assert!(low < next && next < upper);
            after_low.push(next);
            let lower = before_high.last().cloned().unwrap();
            let next = between(Some(&lower), Some(&high)).unwrap();
            assert!(lower < next && next < high);
            before_high.push(next);
        }
        after_low.reverse();
        assert_increasing(&after_low[..after_low.len() - 1]);
        assert_increasing(&before_high[1..]);
        // One character per ~6 halvings (log2 62 ≈ 5.95 bits), never worse.
        assert!(after_low.iter().all(|k| k.len() <= 1_000 / 5 + 2));
    }

    #[test]
    fn sequences() {
        assert!(sequence(0).is_empty());
        assert_eq!(sequence(1), vec!["V"]);
        assert_eq!(sequence(61).len(), 61);
        assert!(sequence(61).iter().all(|k| k.len() == 1));
        assert!(sequence(62).iter().any(|k| k.len() == 2));
        assert_increasing(&sequence(10_000));
    }

    proptest! {
        #[test]
        fn between_is_strictly_between(a in key(), b in key()) {
            prop_assume!(a != b);
            let (a, b) = if a < b { (a, b) } else { (b, a) };
            let m = between(Some(&a), Some(&b)).unwrap();
            prop_assert!(is_valid(&m));
            prop_assert!(a < m && m < b, "{} {} {}", a, m, b);
        }

        #[test]
        fn open_ends_stay_on_their_side(a in key()) {
            let up = between(Some(&a), None).unwrap();
            let down = between(None, Some(&a)).unwrap();
            prop_assert!(is_valid(&up) && is_valid(&down));
            prop_assert!(down < a && a < up, "{} {} {}", down, a, up);
            // Never longer than the square-gap step needs.
            prop_assert!(up.len() <= 2 * a.len() + 1 && down.len() <= 2 * a.len() + 2);
        }

        #[test]
        fn repeated_inserts_in_a_random_gap(
            a in key(),
            b in key(),
            picks in proptest::collection::vec(any::<bool>(), 1..200),
        ) {
            prop_assume!(a != b);
            let (mut low, mut high) = if a < b { (a, b) } else { (b, a) };
            for take_low in picks {
                let m = between(Some(&low), Some(&high)).unwrap();
                prop_assert!(low < m && m < high);
                if take_low { high = m } else { low = m }
            }
        }

        #[test]
        fn sequence_is_increasing(n in 0usize..5_000) {
            let keys = sequence(n);
            prop_assert_eq!(keys.len(), n);
            for pair in keys.windows(2) {
                prop_assert!(pair[0] < pair[1]);
            }
            prop_assert!(keys.iter().all(|k| is_valid(k)));
        }

        #[test]
        fn never_panics(a in "\\PC{0,6}", b in "\\PC{0,6}") {
            let _ = between(Some(&a), Some(&b));
            let _ = between(Some(&a), None);
            let _ = between(None, Some(&b));
        }
    }
}
