//! Phone numbers, checked against libphonenumber's metadata (the `phonenumber` crate).
//!
//! A number with a `+` country code is checked as written. A national number is read in the
//! `--region` first and then in the regions whose national formats are most common in exports,
//! so `020 7946 0958` (GB) is recognised when scanning with the default region US.

use phonenumber::country::Id;

/// Regions tried, after the user's, for numbers written without a country code.
const FALLBACK_REGIONS: &[Id] = &[
    Id::GB,
    Id::DE,
    Id::FR,
    Id::ES,
    Id::IT,
    Id::NL,
    Id::BE,
    Id::CH,
    Id::AT,
    Id::AU,
    Id::BR,
    Id::JP,
    Id::IN,
    Id::CA,
];

/// Fewest digits of a national number: shorter runs are dates and counters far more often.
const MIN_NATIONAL_DIGITS: usize = 9;

/// True when `candidate` is a valid phone number in some plausible region.
pub(crate) fn is_valid(candidate: &str, region: Id) -> bool {
    let digit_count = candidate.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digit_count) {
        return false;
    }
    if candidate.trim_start().starts_with('+') {
        return is_valid_in(candidate, None);
    }
    if digit_count < MIN_NATIONAL_DIGITS {
        return false;
    }
    is_valid_in(candidate, Some(region))
        || FALLBACK_REGIONS
            .iter()
            .filter(|r| **r != region)
            .any(|r| is_valid_in(candidate, Some(*r)))
}

fn is_valid_in(candidate: &str, region: Option<Id>) -> bool {
    phonenumber::parse(region, candidate).is_ok_and(|number| phonenumber::is_valid(&number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_and_national_formats_pass() {
        for number in [
            "+1 415 555 2671",
            "(415) 555-2671",
            "+44 20 7946 0958",
            "020 7946 0958",
            "+49 30 12345678",
            "+33 1 23 45 67 89",
            "+91 98765 43210",
        ] {
            assert!(is_valid(number, Id::US), "{number}");
        }
    }

    #[test]
    fn numbers_of_no_plan_fail() {
        for text in ["+1 111 111 1111", "2015-10-18", "123", "+99 1234 5678"] {
            assert!(!is_valid(text, Id::US), "{text}");
        }
    }
}
