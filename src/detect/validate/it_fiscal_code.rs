//! The Italian codice fiscale of a person (`RSSMRA85T10A562S`).
//!
//! Decreto ministeriale 23 dicembre 1976 (Agenzia delle Entrate): six letters from surname and
//! name, the birth year, a month letter, the day (plus 40 for women), the place of birth
//! (cadastral code), and a check letter from two substitution tables applied to odd and even
//! positions. When two people would share a code, digits are replaced by letters (omocodia:
//! `0-9` -> `LMNPQRSTUV`), which this validator undoes before reading the date.

/// Month letters, January first.
const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
/// Letters that stand for the digits 0-9 in codes changed for omocodia.
const OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";
/// Values of `0-9` and `A-Z` (same index) at odd positions (1st, 3rd, ...).
const ODD: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];
/// Positions (0-based) that hold digits, or their omocodia letters.
const DIGIT_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];

/// Whether `candidate` is a codice fiscale with a real birth date and the right check letter.
pub(crate) fn is_valid(candidate: &str) -> bool {
    let upper = candidate.trim().to_ascii_uppercase();
    let b = upper.as_bytes();
    if b.len() != 16 || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let letters_ok = (0..16)
        .filter(|i| !DIGIT_POSITIONS.contains(i))
        .all(|i| b[i].is_ascii_uppercase());
    let Some(date_digits) = DIGIT_POSITIONS[..4]
        .iter()
        .map(|&i| digit(b[i]))
        .collect::<Option<Vec<u32>>>()
    else {
        return false;
    };
    let place_ok = DIGIT_POSITIONS[4..].iter().all(|&i| digit(b[i]).is_some());
    let Some(month) = MONTHS.iter().position(|&m| m == b[8]) else {
        return false;
    };
    let yy = date_digits[0] * 10 + date_digits[1];
    let day = (date_digits[2] * 10 + date_digits[3]) % 40;
    let date_ok = super::date_ids::is_date(1900 + yy, month as u32 + 1, day)
        || super::date_ids::is_date(2000 + yy, month as u32 + 1, day);
    letters_ok && place_ok && date_ok && check_letter(&b[..15]) == b[15]
}

/// A digit, or the letter that replaces it under omocodia.
fn digit(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        _ => OMOCODIA.iter().position(|&l| l == c).map(|p| p as u32),
    }
}

/// The check letter: odd positions through [`ODD`], even ones by plain value, sum mod 26.
fn check_letter(first15: &[u8]) -> u8 {
    let index = |c: u8| {
        usize::from(if c.is_ascii_digit() {
            c - b'0'
        } else {
            c - b'A'
        })
    };
    let sum: u32 = first15
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i % 2 == 0 {
                ODD[index(c)]
            } else {
                index(c) as u32
            }
        })
        .sum();
    b'A' + (sum % 26) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_published_codes() {
        // The Agenzia delle Entrate's textbook example and its omocodia variant.
        assert!(is_valid("RSSMRA85T10A562S"));
        assert!(is_valid("rssmra85t10a562s"));
        assert!(is_valid("RSSMRA85T10A56NH"));
        // A woman: day + 40.
        assert!(is_valid("RSSMRA85T50A562W"));
    }

    #[test]
    fn rejects_bad_check_letters_and_dates() {
        assert!(!is_valid("RSSMRA85T10A562T"));
        assert!(!is_valid("RSSMRA85T32A562S"));
        assert!(!is_valid("RSSMRA85Z10A562S"));
        assert!(!is_valid("RSSMRA85T10A562"));
    }

    fn complete(first15: &str) -> String {
        format!("{first15}{}", char::from(check_letter(first15.as_bytes())))
    }

    proptest! {
        #[test]
        fn generated_codes_pass_and_one_character_change_fails(
            name in "[A-Z]{6}", yy in 0u32..100, month in 0usize..12, day in 1u32..29,
            female in any::<bool>(), place in "[A-Z][0-9]{3}", at in 0usize..16, delta in 1u8..10,
        ) {
            let day = if female { day + 40 } else { day };
            let code = complete(&format!("{name}{yy:02}{}{day:02}{place}", char::from(MONTHS[month])));
            prop_assert!(is_valid(&code), "{}", code);
            let mut bytes = code.into_bytes();
            bytes[at] = if bytes[at].is_ascii_digit() {
                b'0' + (bytes[at] - b'0' + delta) % 10
            } else {
                b'A' + (bytes[at] - b'A' + delta) % 26
            };
            prop_assert!(!is_valid(&String::from_utf8_lossy(&bytes)));
        }
    }
}
