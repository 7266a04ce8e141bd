//! The German tax identification number, Steuer-IdNr (`86 095 742 719`).
//!
//! § 139b Abgabenordnung and the Steueridentifikationsnummerverordnung: eleven digits, the
//! first not 0; among the first ten exactly one digit occurs twice or three times (three times
//! never in three adjacent places) and the rest at most once; the last digit is an
//! ISO/IEC 7064 MOD 11,10 check digit.

use super::{iso7064, numeric};

/// Whether `candidate` is a well-formed Steuer-IdNr.
pub(crate) fn is_valid(candidate: &str) -> bool {
    let Some(d) = numeric::fixed::<11>(candidate) else {
        return false;
    };
    let plain: String = d.iter().map(|v| char::from(b'0' + v)).collect();
    d[0] != 0
        && has_valid_distribution(&d[..10])
        && iso7064::is_valid(&plain, iso7064::System::Mod11_10)
}

/// One digit twice or three times (not three in a row), every other digit at most once.
fn has_valid_distribution(first10: &[u8]) -> bool {
    let mut counts = [0u8; 10];
    for &v in first10 {
        counts[usize::from(v)] += 1;
    }
    let repeated: Vec<usize> = (0..10).filter(|&v| counts[v] > 1).collect();
    match repeated[..] {
        [v] if counts[v] == 2 => true,
        [v] if counts[v] == 3 => !first10
            .windows(3)
            .any(|w| w.iter().all(|&x| usize::from(x) == v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_published_numbers() {
        // Examples from the Bundeszentralamt für Steuern's test data: a digit twice, then thrice.
        assert!(is_valid("86095742719"));
        assert!(is_valid("65929970489"));
        assert!(is_valid("86 095 742 719"));
    }

    #[test]
    fn rejects_bad_check_or_digit_distribution() {
        assert!(!is_valid("86095742718"));
        assert!(!is_valid("01234567890"));
        // Every digit once: no repeated digit, whatever the check digit.
        assert!(!has_valid_distribution(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 0]));
        // Three in a row.
        assert!(!has_valid_distribution(&[1, 1, 1, 4, 5, 6, 7, 8, 9, 0]));
        // Two digits repeated.
        assert!(!has_valid_distribution(&[1, 1, 2, 2, 5, 6, 7, 8, 9, 0]));
    }

    proptest! {
        #[test]
        fn one_digit_change_fails(perm in Just((0u8..10).collect::<Vec<u8>>()).prop_shuffle(), dup in 0usize..9, at in 0usize..11, delta in 1u8..10) {
            // Ten digits with exactly one repeated: a shuffled 0-9 with one digit overwritten.
            let mut first10 = perm;
            first10[dup + 1] = first10[dup];
            prop_assume!(first10[0] != 0);
            let payload: String = first10.iter().map(|v| char::from(b'0' + v)).collect();
            let valid = (0..10).map(|c| format!("{payload}{c}")).find(|n| is_valid(n));
            prop_assert!(valid.is_some());
            let mut bytes = valid.unwrap_or_default().into_bytes();
            bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
            prop_assert!(!iso7064::is_valid(&String::from_utf8_lossy(&bytes), iso7064::System::Mod11_10));
        }
    }
}
