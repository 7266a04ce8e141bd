//! Payment card numbers: issuer prefix and length (ISO/IEC 7812 IIN ranges as published by the
//! card schemes), consistent grouping, and the Luhn check digit.

use super::luhn;

/// Issuer ranges: (lowest prefix, highest prefix, prefix length, allowed lengths).
const ISSUERS: &[(u32, u32, u32, &[usize])] = &[
    (4, 4, 1, &[13, 16, 19]),             // Visa
    (51, 55, 2, &[16]),                   // Mastercard
    (2221, 2720, 4, &[16]),               // Mastercard 2-series
    (34, 34, 2, &[15]),                   // American Express
    (37, 37, 2, &[15]),                   // American Express
    (6011, 6011, 4, &[16, 17, 18, 19]),   // Discover
    (644, 649, 3, &[16, 17, 18, 19]),     // Discover
    (65, 65, 2, &[16, 17, 18, 19]),       // Discover
    (3528, 3589, 4, &[16, 17, 18, 19]),   // JCB
    (300, 305, 3, &[14, 16, 17, 18, 19]), // Diners Club International
    (36, 36, 2, &[14, 16, 17, 18, 19]),   // Diners Club International
    (38, 39, 2, &[16, 17, 18, 19]),       // Diners Club
    (62, 62, 2, &[16, 17, 18, 19]),       // UnionPay
];

/// True when `candidate` is a plausible card number: 13-19 digits, grouped consistently with
/// spaces or dashes (or not at all), with a known issuer prefix for its length, passing Luhn.
pub(crate) fn is_valid(candidate: &str) -> bool {
    let digits: String = candidate.chars().filter(char::is_ascii_digit).collect();
    has_consistent_grouping(candidate)
        && has_issuer_prefix(&digits)
        && luhn::is_valid(&digits)
        && !is_repeated_digit(&digits)
}

fn has_issuer_prefix(digits: &str) -> bool {
    ISSUERS.iter().any(|&(low, high, prefix_len, lengths)| {
        lengths.contains(&digits.len())
            && digits
                .get(..prefix_len as usize)
                .and_then(|p| p.parse::<u32>().ok())
                .is_some_and(|p| (low..=high).contains(&p))
    })
}

/// One kind of separator at most, and groups of at least three digits (4-4-4-4, 4-6-5, ...).
fn has_consistent_grouping(candidate: &str) -> bool {
    let separators: Vec<char> = candidate.chars().filter(|c| !c.is_ascii_digit()).collect();
    if separators.is_empty() {
        return true;
    }
    let first = separators[0];
    separators.iter().all(|&c| c == first) && candidate.split(first).all(|group| group.len() >= 3)
}

fn is_repeated_digit(digits: &str) -> bool {
    digits.bytes().all(|b| b == digits.as_bytes()[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_published_test_cards_pass() {
        // Test numbers published by Stripe, Adyen and PayPal developer documentation.
        for number in [
            "4111 1111 1111 1111",
            "4012888888881881",
            "5555-5555-5555-4444",
            "2223003122003222",
            "378282246310005",
            "3782 822463 10005",
            "6011111111111117",
            "3530111333300000",
            "30569309025904",
        ] {
            assert!(is_valid(number), "{number}");
        }
    }

    #[test]
    fn luhn_failure_unknown_issuer_or_mixed_grouping_fail() {
        assert!(!is_valid("4111111111111112"), "Luhn");
        assert!(!is_valid("1234567812345670"), "issuer 1 does not exist");
        assert!(!is_valid("4111 1111-1111 1111"), "mixed separators");
        assert!(
            !is_valid("41 11 11 11 11 11 11 11"),
            "pairs are not card grouping"
        );
        assert!(!is_valid("411111111111111"), "Visa has no 15-digit numbers");
    }
}
