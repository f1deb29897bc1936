//! Text without `core::fmt` and core's string searchers. In the wasm, `format!` brought the
//! formatting machinery (formatter, padding, `Display` per integer type), `str::parse` one parser
//! per width, `split(char)` the char searcher and `concat` a generic join: 4.2 KB together, measured.

use crate::prelude::*;

/// `parts` joined: `[..].concat()` without its generic join (~1 KB of wasm).
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// `s` split at the first `sep`, an ASCII byte (`str::split_once` without its char searcher).
pub fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == sep)?;
    Some((s.get(..i)?, s.get(i + 1..)?)) // `sep` is ASCII: both ends are char boundaries
}

/// `s` split at every `sep`, an ASCII byte, empty pieces included (as `str::split`).
pub fn split(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    core::iter::from_fn(move || {
        let r = rest?;
        let (piece, after) = split_once(r, sep).map_or((r, None), |(a, b)| (a, Some(b)));
        rest = after;
        Some(piece)
    })
}

/// A run of ASCII digits (no sign, no spaces) as a number; `None` if empty, anything else, or past
/// `u64::MAX`. Stricter than `str::parse` (which takes a `+`), and one function for every width.
pub fn digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| n.checked_mul(10)?.checked_add(char::from(b).to_digit(10)?.into()))
}

/// Appends `n` in decimal, zero-padded to at least `min_digits` digits (`{n:0w}`).
pub fn push_decimal(out: &mut String, n: i64, min_digits: usize) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20]; // u64::MAX has 20
    let mut len = 0;
    let mut rest = n.unsigned_abs();
    while rest > 0 || len == 0 {
        digits[len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    out.extend(core::iter::repeat_n('0', min_digits.saturating_sub(len)));
    out.extend(digits[..len].iter().rev().map(|&d| d as char));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_joins() {
        assert_eq!(concat(&[]), "");
        assert_eq!(concat(&["a", "", "bc", "é"]), "abcé");
    }

    #[test]
    fn splits_as_str_does() {
        for s in ["", "a", "a&b", "&", "&&a&", "é&ü=1&", "no separator"] {
            assert_eq!(split(s, b'&').collect::<Vec<_>>(), s.split('&').collect::<Vec<_>>(), "{s:?}");
            assert_eq!(split_once(s, b'&'), s.split_once('&'), "{s:?}");
        }
    }

    #[test]
    fn digits_reads_plain_decimals() {
        let cases: &[(&str, Option<u64>)] = &[
            ("0", Some(0)),
            ("120", Some(120)),
            ("007", Some(7)),
            ("18446744073709551615", Some(u64::MAX)),
            ("18446744073709551616", None),
            ("", None),
            ("+5", None),
            ("-5", None),
            (" 5", None),
            ("5s", None),
            ("٣", None), // a digit, but not ASCII
        ];
        for (s, want) in cases {
            assert_eq!(digits(s), *want, "{s:?}");
        }
    }

    #[test]
    fn decimal_matches_format() {
        for n in [0, 1, 9, 10, 99, 100, 2026, -1, -10, 9_007_199_254_740_991, i64::MAX, i64::MIN] {
            for w in [0, 1, 2, 4, 25] {
                let mut s = String::new();
                push_decimal(&mut s, n, w);
                let want = if n < 0 { format!("-{:0w$}", n.unsigned_abs()) } else { format!("{n:0w$}") };
                assert_eq!(s, want, "{n} width {w}");
            }
        }
    }
}
