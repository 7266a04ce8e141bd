//! The Verhoeff check digit (J. Verhoeff, *Error Detecting Decimal Codes*, 1969), built on the
//! dihedral group D5. It catches every single-digit error and every swap of adjacent digits,
//! which mod-10 and mod-11 sums do not. India's Aadhaar number (UIDAI) is its best-known user:
//! 12 digits, the first never 0 or 1, the last a Verhoeff check digit.

use super::numeric;

/// The multiplication table of D5.
const D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

/// The position-dependent permutation, applied `i mod 8` times to the i-th digit from the right.
const P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// Whether `digits` (values `0..=9`, check digit last) pass the Verhoeff check.
pub(crate) fn has_valid_check(digits: &[u8]) -> bool {
    digits.iter().rev().enumerate().fold(0u8, |c, (i, &d)| {
        D[usize::from(c)][usize::from(P[i % 8][usize::from(d)])]
    }) == 0
}

/// Whether `candidate` is a well-formed Aadhaar number: 12 digits, the first 2-9, Verhoeff
/// check digit last.
pub(crate) fn is_valid(candidate: &str) -> bool {
    numeric::fixed::<12>(candidate).is_some_and(|d| d[0] >= 2 && has_valid_check(&d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values(text: &str) -> Vec<u8> {
        text.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn accepts_published_vectors() {
        // Verhoeff's worked example: the check digit of 236 is 3; and 12340 from the literature.
        assert!(has_valid_check(&values("2363")));
        assert!(has_valid_check(&values("12340")));
        assert!(is_valid("2341 2341 2346"));
    }

    #[test]
    fn rejects_wrong_check_or_first_digit() {
        assert!(!has_valid_check(&values("2364")));
        assert!(!is_valid("2341 2341 2347"));
        // Valid Verhoeff check, but Aadhaar numbers never start with 0 or 1.
        assert!(!is_valid("1234 5678 9013"));
    }

    #[test]
    fn permutation_rows_are_powers_of_the_first() {
        for i in 1..7 {
            for x in 0..10 {
                assert_eq!(P[i + 1][x], P[1][usize::from(P[i][x])], "row {}", i + 1);
            }
        }
    }

    /// `payload` completed by the one check digit that makes it valid.
    fn complete(payload: &[u8]) -> Vec<u8> {
        (0..10)
            .map(|c| payload.iter().copied().chain([c]).collect::<Vec<u8>>())
            .find(|d| has_valid_check(d))
            .unwrap_or_default()
    }

    proptest! {
        #[test]
        fn every_payload_has_a_check_digit(payload in proptest::collection::vec(0u8..10, 1..20)) {
            prop_assert_eq!(complete(&payload).len(), payload.len() + 1);
        }

        #[test]
        fn one_digit_change_fails(payload in proptest::collection::vec(0u8..10, 11), at in 0usize..12, delta in 1u8..10) {
            let mut d = complete(&payload);
            d[at] = (d[at] + delta) % 10;
            prop_assert!(!has_valid_check(&d));
        }

        #[test]
        fn adjacent_swap_fails(payload in proptest::collection::vec(0u8..10, 11), at in 0usize..11) {
            let mut d = complete(&payload);
            prop_assume!(d[at] != d[at + 1]);
            d.swap(at, at + 1);
            prop_assert!(!has_valid_check(&d));
        }
    }
}
