//! Reading a candidate's digits for the check-digit validators.
//!
//! Rules match values as people write them (`756.9217.0769.85`, `811218-9876`), so validators
//! first drop the separators people use between digit groups and then work on plain digit
//! values. Anything else in the candidate makes it invalid, so a validator never guesses.

/// Characters people put between digit groups: space, dash, dot and slash.
pub(crate) fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'-' | b'.' | b'/')
}

/// The digits of `candidate` as values `0..=9`, when it holds exactly `N` digits and nothing
/// but separators between them.
pub(crate) fn fixed<const N: usize>(candidate: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    let mut count = 0;
    for byte in candidate.bytes() {
        if byte.is_ascii_digit() {
            *out.get_mut(count)? = byte - b'0';
            count += 1;
        } else if !is_separator(byte) {
            return None;
        }
    }
    (count == N).then_some(out)
}

/// The number written by `digits`, most significant first.
pub(crate) fn number(digits: &[u8]) -> u64 {
    digits.iter().fold(0, |acc, &d| acc * 10 + u64::from(d))
}

/// `sum(digit_i * weight_i)` over the shorter of the two slices.
pub(crate) fn weighted_sum(digits: &[u8], weights: &[u32]) -> u32 {
    digits
        .iter()
        .zip(weights)
        .map(|(&d, &w)| u32::from(d) * w)
        .sum()
}

/// Whether every digit is the same (`111.111.111-11`): such numbers pass several checksums
/// but agencies never issue them.
pub(crate) fn is_repdigit(digits: &[u8]) -> bool {
    digits.windows(2).all(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_skips_separators() {
        assert_eq!(fixed::<4>("12-3.4"), Some([1, 2, 3, 4]));
        assert_eq!(fixed::<4>("1 2/3 4"), Some([1, 2, 3, 4]));
    }

    #[test]
    fn fixed_rejects_wrong_count_or_letters() {
        assert_eq!(fixed::<4>("123"), None);
        assert_eq!(fixed::<4>("12345"), None);
        assert_eq!(fixed::<4>("12a4"), None);
    }

    #[test]
    fn number_and_weighted_sum() {
        assert_eq!(number(&[0, 4, 2]), 42);
        assert_eq!(weighted_sum(&[1, 2, 3], &[3, 2, 1]), 10);
        assert!(is_repdigit(&[7, 7, 7]));
        assert!(!is_repdigit(&[7, 7, 1]));
    }
}
