//! The US Individual Taxpayer Identification Number (`9XX-7X-XXXX`).
//!
//! IRS, "Individual Taxpayer Identification Number" (Publication 1915): nine digits starting
//! with 9, the fourth and fifth digits in 50-65, 70-88, 90-92 or 94-99. That range is what
//! tells an ITIN from an SSN and from any other nine-digit number; there is no check digit.

use super::numeric;

/// Whether `candidate` is nine digits in the IRS's ITIN ranges.
pub(crate) fn is_valid(candidate: &str) -> bool {
    numeric::fixed::<9>(candidate).is_some_and(|d| {
        let group = u32::from(d[3]) * 10 + u32::from(d[4]);
        d[0] == 9 && matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_itin_ranges() {
        assert!(is_valid("912-70-1234"));
        assert!(is_valid("900-50-0000"));
        assert!(is_valid("999 99 9999"));
    }

    #[test]
    fn rejects_other_nine_digit_numbers() {
        assert!(!is_valid("812-70-1234")); // not 9xx
        assert!(!is_valid("912-93-1234")); // 93 is not an ITIN group
        assert!(!is_valid("912-12-1234")); // an SSN-style group
        assert!(!is_valid("912-70-123"));
    }

    proptest! {
        #[test]
        fn group_decides(area in 0u32..100, group in 0u32..100, serial in 0u32..10_000) {
            let itin = format!("9{area:02}-{group:02}-{serial:04}");
            let expected = matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99);
            prop_assert_eq!(is_valid(&itin), expected);
        }
    }
}
