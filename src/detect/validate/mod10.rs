//! Weighted mod-10 check digits: the sum of `value * weight` over the payload, reduced
//! modulo 10.
//!
//! One algorithm, several parameter sets: GS1's EAN-13 (the Swiss AHV number, weights 1,3),
//! Australia's Medicare card (weights 1,3,7,9), and the building block other validators share:
//! Poland's PESEL (1,3,7,9, complemented), Mexico's CURP (18..2, complemented) and ICAO 9303
//! machine-readable zones (7,3,1). With weights coprime to 10, changing any one digit changes
//! the check digit, so every single-digit typo is caught.

use super::numeric;

/// How the check digit follows from the weighted sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reduce {
    /// `sum % 10` (Medicare, ICAO 9303).
    Remainder,
    /// `(10 - sum % 10) % 10` (EAN-13, PESEL, CURP).
    Complement,
}

/// The check digit of `values` with `weights` repeated from the left as often as needed.
pub(crate) fn check(values: impl IntoIterator<Item = u32>, weights: &[u32], reduce: Reduce) -> u32 {
    let sum: u32 = values
        .into_iter()
        .zip(weights.iter().cycle())
        .map(|(v, w)| v * w)
        .sum();
    match reduce {
        Reduce::Remainder => sum % 10,
        Reduce::Complement => (10 - sum % 10) % 10,
    }
}

/// The identifiers validated by a mod-10 check digit alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// GS1 EAN-13, as used by the Swiss AHV/AVS number (`756.9217.0769.85`).
    Ean13,
    /// Australian Medicare card number: 10 digits (with issue number) or 11 (with the
    /// individual reference number); first digit 2-6.
    AuMedicare,
}

/// Whether `candidate` carries a correct check digit for `scheme`.
pub(crate) fn is_valid(candidate: &str, scheme: Scheme) -> bool {
    match scheme {
        Scheme::Ean13 => numeric::fixed::<13>(candidate).is_some_and(|d| is_ean13(&d)),
        Scheme::AuMedicare => is_medicare(candidate),
    }
}

/// GS1 General Specifications §7.9.1: weights 1,3 from the left over the first 12 digits.
fn is_ean13(d: &[u8; 13]) -> bool {
    check(
        d[..12].iter().map(|&v| u32::from(v)),
        &[1, 3],
        Reduce::Complement,
    ) == u32::from(d[12])
}

/// Services Australia's Medicare card check: digit 9 is `sum(d1..d8 * 1,3,7,9,1,3,7,9) % 10`.
fn is_medicare(candidate: &str) -> bool {
    let d = match numeric::fixed::<10>(candidate) {
        Some(ten) => ten.to_vec(),
        None => match numeric::fixed::<11>(candidate) {
            Some(eleven) => eleven.to_vec(),
            None => return false,
        },
    };
    (2..=6).contains(&d[0])
        && check(
            d[..8].iter().map(|&v| u32::from(v)),
            &[1, 3, 7, 9],
            Reduce::Remainder,
        ) == u32::from(d[8])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ean13_accepts_published_ahv_numbers() {
        // The Central Compensation Office's example AHV number, and a GS1 example barcode.
        assert!(is_valid("756.9217.0769.85", Scheme::Ean13));
        assert!(is_valid("4006381333931", Scheme::Ean13));
    }

    #[test]
    fn ean13_rejects_wrong_check_digit_or_length() {
        assert!(!is_valid("756.9217.0769.86", Scheme::Ean13));
        assert!(!is_valid("756.9217.0769.8", Scheme::Ean13));
    }

    #[test]
    fn medicare_accepts_valid_numbers() {
        assert!(is_valid("2123 45670 1", Scheme::AuMedicare));
        assert!(is_valid("2123456701 1", Scheme::AuMedicare));
    }

    #[test]
    fn medicare_rejects_bad_check_or_first_digit() {
        assert!(!is_valid("2123 45671 1", Scheme::AuMedicare));
        // Check digit correct for the first eight digits, but cards start with 2 to 6.
        assert!(!is_valid("7123456781", Scheme::AuMedicare));
    }

    fn ean13_from(payload: &[u8]) -> String {
        let check = check(
            payload.iter().map(|&v| u32::from(v)),
            &[1, 3],
            Reduce::Complement,
        );
        payload
            .iter()
            .map(|d| char::from(b'0' + d))
            .chain([char::from_digit(check, 10).unwrap_or('x')])
            .collect()
    }

    proptest! {
        #[test]
        fn ean13_generated_numbers_pass(payload in proptest::collection::vec(0u8..10, 12)) {
            prop_assert!(is_valid(&ean13_from(&payload), Scheme::Ean13));
        }

        #[test]
        fn ean13_rejects_one_digit_change(
            payload in proptest::collection::vec(0u8..10, 12), at in 0usize..13, delta in 1u8..10,
        ) {
            let mut bytes = ean13_from(&payload).into_bytes();
            bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
            prop_assert!(!is_valid(&String::from_utf8_lossy(&bytes), Scheme::Ean13));
        }

        #[test]
        fn medicare_rejects_one_digit_change(
            first in 2u8..7, rest in proptest::collection::vec(0u8..10, 7), issue in 1u8..10,
            at in 1usize..9, delta in 1u8..10,
        ) {
            let mut d = vec![first];
            d.extend(rest);
            d.push(check(d.iter().map(|&v| u32::from(v)), &[1, 3, 7, 9], Reduce::Remainder) as u8);
            d.push(issue);
            let text = |d: &[u8]| d.iter().map(|d| char::from(b'0' + d)).collect::<String>();
            prop_assert!(is_valid(&text(&d), Scheme::AuMedicare));
            d[at] = (d[at] + delta) % 10;
            prop_assert!(!is_valid(&text(&d), Scheme::AuMedicare));
        }
    }
}
