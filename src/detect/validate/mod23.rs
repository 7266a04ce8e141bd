//! Mod-23 check letters: Spain's DNI and NIE, and Ireland's PPS number.
//!
//! Both map a remainder modulo 23 (a prime, so any one-digit change moves it) to a letter.
//! Spain divides the number itself (Real Decreto 1553/2005, art. 11; Ministerio del Interior's
//! letter table); Ireland divides a weighted sum (Department of Social Protection, PPSN format).

use super::numeric;

/// The identifiers validated by a mod-23 check letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// Spanish DNI: eight digits and a letter (`12345678Z`).
    EsDni,
    /// Spanish NIE: X, Y or Z (read as 0, 1, 2), seven digits and a letter (`X1234567L`).
    EsNie,
    /// Irish PPSN: seven digits, a check letter and an optional second letter (`1234567FA`).
    IePpsn,
}

/// Spain's letters, indexed by `number mod 23`.
const ES_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
/// Ireland's letters, indexed by `weighted sum mod 23` (0 is W).
const IE_LETTERS: &[u8; 23] = b"WABCDEFGHIJKLMNOPQRSTUV";

/// Whether `candidate` carries the right check letter for `scheme`.
pub(crate) fn is_valid(candidate: &str, scheme: Scheme) -> bool {
    let upper: Vec<u8> = candidate
        .trim()
        .bytes()
        .filter(|&b| !numeric::is_separator(b))
        .map(|b| b.to_ascii_uppercase())
        .collect();
    match scheme {
        Scheme::EsDni => is_dni(&upper),
        Scheme::EsNie => match upper.split_first() {
            Some((&prefix @ (b'X' | b'Y' | b'Z'), rest)) if rest.len() == 8 => {
                let mut dni = vec![b'0' + (prefix - b'X')];
                dni.extend_from_slice(rest);
                is_dni(&dni)
            }
            _ => false,
        },
        Scheme::IePpsn => is_ppsn(&upper),
    }
}

/// Eight digits and the letter of their value modulo 23.
fn is_dni(text: &[u8]) -> bool {
    let [body @ .., letter] = text else {
        return false;
    };
    body.len() == 8
        && body.iter().all(u8::is_ascii_digit)
        && ES_LETTERS[(body.iter().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) % 23) as usize]
            == *letter
}

/// Seven digits weighted 8..2, plus the second letter's alphabet position weighted 9.
fn is_ppsn(text: &[u8]) -> bool {
    if !(8..=9).contains(&text.len()) || !text[..7].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let values: Vec<u8> = text[..7].iter().map(|b| b - b'0').collect();
    let second = match text.get(8) {
        None | Some(b'W') => 0,
        Some(&letter @ b'A'..=b'Z') => u32::from(letter - b'A' + 1),
        Some(_) => return false,
    };
    let sum = numeric::weighted_sum(&values, &[8, 7, 6, 5, 4, 3, 2]) + 9 * second;
    IE_LETTERS[(sum % 23) as usize] == text[7]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_published_numbers() {
        // The Ministerio del Interior's examples and the PPSN format's worked examples.
        assert!(is_valid("12345678Z", Scheme::EsDni));
        assert!(is_valid("12345678-z", Scheme::EsDni));
        assert!(is_valid("X1234567L", Scheme::EsNie));
        assert!(is_valid("Y1234567X", Scheme::EsNie));
        assert!(is_valid("1234567T", Scheme::IePpsn));
        assert!(is_valid("1234567FA", Scheme::IePpsn));
        assert!(is_valid("1234567TW", Scheme::IePpsn));
    }

    #[test]
    fn rejects_wrong_letters_and_shapes() {
        assert!(!is_valid("12345678A", Scheme::EsDni));
        assert!(!is_valid("1234567Z", Scheme::EsDni));
        assert!(!is_valid("A1234567L", Scheme::EsNie));
        assert!(!is_valid("X1234567T", Scheme::EsNie));
        assert!(!is_valid("1234567A", Scheme::IePpsn));
        assert!(!is_valid("1234567TA", Scheme::IePpsn));
        assert!(!is_valid("123456T", Scheme::IePpsn));
    }

    fn complete(payload: &str, scheme: Scheme, suffix: &str) -> Option<String> {
        (b'A'..=b'Z')
            .map(|c| format!("{payload}{}{suffix}", char::from(c)))
            .find(|n| is_valid(n, scheme))
    }

    proptest! {
        #[test]
        fn dni_one_digit_change_fails(n in 0u32..100_000_000, at in 0usize..8, delta in 1u8..10) {
            let valid = complete(&format!("{n:08}"), Scheme::EsDni, "");
            prop_assert!(valid.is_some());
            let mut bytes = valid.unwrap_or_default().into_bytes();
            bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
            prop_assert!(!is_valid(&String::from_utf8_lossy(&bytes), Scheme::EsDni));
        }

        #[test]
        fn ppsn_one_digit_change_fails(n in 0u32..10_000_000, at in 0usize..7, delta in 1u8..10, second in proptest::option::of(b'A'..=b'Z')) {
            let suffix = second.map(|c| char::from(c).to_string()).unwrap_or_default();
            let valid = complete(&format!("{n:07}"), Scheme::IePpsn, &suffix);
            prop_assert!(valid.is_some());
            let mut bytes = valid.unwrap_or_default().into_bytes();
            bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
            prop_assert!(!is_valid(&String::from_utf8_lossy(&bytes), Scheme::IePpsn));
        }
    }
}
