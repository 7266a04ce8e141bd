//! Phone numbers, checked against libphonenumber's metadata (the `phonenumber` crate).
//!
//! A number with a `+` country code is checked as written. A national number is read in the
//! `--region` first; a number written with a trunk prefix `0` (or the Brazilian `(dd)`) is also
//! read in the regions that use that national format, so `020 7946 0958` (GB) is recognised when
//! scanning with the default region US.
//!
//! A valid number is of a type the plan assigns (fixed line, mobile...). A possible number
//! only has a length and general form the plan allows: made-up and mistyped numbers often are
//! possible but not valid, and the `phone` rule accepts them in fields named for phones.

mod plan;

use phonenumber::country::Id;

/// Regions tried, after the user's, for national numbers written with a trunk prefix `0`.
const TRUNK_ZERO_REGIONS: &[Id] = &[
    Id::GB,
    Id::DE,
    Id::FR,
    Id::IT,
    Id::NL,
    Id::BE,
    Id::CH,
    Id::AT,
    Id::AU,
    Id::JP,
    Id::IN,
    Id::ES,
];

/// Regions tried for `(dd) ddddd-dddd`, the Brazilian national format.
const PAREN_AREA_REGIONS: &[Id] = &[Id::BR];

/// Most digits of a phone number (E.164).
const MAX_DIGITS: usize = 15;

/// Fewest digits of a national number: shorter runs are dates and counters far more often.
const MIN_NATIONAL_DIGITS: usize = 9;

/// How closely a number must follow its country's numbering plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// A number of a type the plan assigns (fixed line, mobile, toll free...).
    Valid,
    /// A number of a length and general form the plan allows, assigned or not.
    Possible,
}

/// Loads libphonenumber's metadata now, which its crate parses in about a tenth of a second.
pub(crate) fn load_metadata() {
    plan::load();
}

/// True when `candidate` is a valid phone number in some plausible region.
pub(crate) fn is_valid(candidate: &str, region: Id) -> bool {
    fits_plan(candidate, region, Strictness::Valid)
}

/// True when `candidate` is a possible phone number in some plausible region: right for the
/// plan's lengths and general form, though perhaps in a range not yet assigned.
pub(crate) fn is_possible(candidate: &str, region: Id) -> bool {
    fits_plan(candidate, region, Strictness::Possible)
}

/// True when `candidate` fits the plan of its calling code, or when written without one, of
/// `region` or a region whose national format it is written in.
fn fits_plan(candidate: &str, region: Id, strictness: Strictness) -> bool {
    let mut buffer = [0u8; MAX_DIGITS];
    let Some(digits) = digits_of(candidate, &mut buffer) else {
        return false;
    };
    if digits.len() < 7 {
        return false;
    }
    if candidate.trim_start().starts_with('+') {
        return fits_international(digits, strictness);
    }
    if digits.len() < MIN_NATIONAL_DIGITS {
        return false;
    }
    fits_national(digits, region, strictness)
        || other_regions(candidate)
            .iter()
            .filter(|r| **r != region)
            .any(|r| fits_national(digits, *r, strictness))
}

/// The ASCII digits of `candidate`, written into `buffer`; `None` when there are more than
/// [`MAX_DIGITS`] (the longest number E.164 allows).
fn digits_of<'b>(candidate: &str, buffer: &'b mut [u8; MAX_DIGITS]) -> Option<&'b str> {
    let mut len = 0;
    for digit in candidate.bytes().filter(u8::is_ascii_digit) {
        *buffer.get_mut(len)? = digit;
        len += 1;
    }
    std::str::from_utf8(&buffer[..len]).ok()
}

/// Regions whose national format `candidate` is written in, judged by its first characters:
/// each extra region costs a metadata lookup, so numbers in the NANP shape are read in the
/// user's region only.
fn other_regions(candidate: &str) -> &'static [Id] {
    let bytes = candidate.as_bytes();
    match bytes {
        [b'0', ..] | [b'(', b'0', ..] => TRUNK_ZERO_REGIONS,
        [b'(', a, b, b')', ..] if a.is_ascii_digit() && b.is_ascii_digit() => PAREN_AREA_REGIONS,
        _ => &[],
    }
}

/// True when `digits`, written after a `+`, are a calling code and a number of it.
fn fits_international(digits: &str, strictness: Strictness) -> bool {
    plan::split_calling_code(digits).is_some_and(|(code, national)| {
        plan::country(code).is_some_and(|plan| fits(plan, national, None, strictness))
    })
}

/// True when `digits` are a national number of `region`, trunk prefix or not.
fn fits_national(digits: &str, region: Id, strictness: Strictness) -> bool {
    let region = region.as_ref();
    plan::calling_code(region)
        .and_then(plan::country)
        .is_some_and(|plan| fits(plan, digits, Some(region), strictness))
}

/// True when `national` fits `plan` as `strictness` asks, trunk prefix or not.
fn fits(
    plan: &plan::CountryPlan,
    national: &str,
    region: Option<&str>,
    strictness: Strictness,
) -> bool {
    match strictness {
        Strictness::Valid => plan.is_valid_with_trunk(national, region),
        Strictness::Possible => plan.is_possible_with_trunk(national, region),
    }
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
    fn unassigned_numbers_are_possible_but_not_valid() {
        // NANP area code 222 and London's 020 6 range are not assigned; JP mobiles start 090
        // 1-9. Each has the length and form of its plan.
        for number in [
            "+1-222-370-2217",
            "(455) 990-5927",
            "+44 (0)20 6046 9045",
            "+81 90-0643-8386",
        ] {
            assert!(!is_valid(number, Id::US), "{number}");
            assert!(is_possible(number, Id::US), "{number}");
        }
    }

    #[test]
    fn possible_numbers_keep_their_plan_lengths() {
        for text in [
            "+1 222 370 221",
            "+1 222 370 22177",
            "(155) 990-5927",
            "+99 1234 5678",
            "2015-10-18",
        ] {
            assert!(!is_possible(text, Id::US), "{text}");
        }
    }

    #[test]
    fn numbers_of_no_plan_fail() {
        for text in ["+1 111 111 1111", "2015-10-18", "123", "+99 1234 5678"] {
            assert!(!is_valid(text, Id::US), "{text}");
        }
    }
}
