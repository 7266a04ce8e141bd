//! The machine-readable zone of a passport (ICAO Doc 9303, Part 4: TD3 documents).
//!
//! The second MRZ line holds 44 characters: document number, nationality, birth date, sex,
//! expiry date and an optional personal number, each guarded by a check digit, plus a
//! composite check digit over all of them. A check digit is `sum(value * 7,3,1...) mod 10`
//! with `0-9` as themselves, `A-Z` as 10-35 and the filler `<` as 0 (Part 3, §4.9).

use super::{date_ids, mod10};

/// ICAO 9303's character values.
fn value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// Whether `field` is followed by its check digit `check`.
fn checks(field: &[u8], check: u8) -> bool {
    let Some(values) = field
        .iter()
        .map(|&c| value(c))
        .collect::<Option<Vec<u32>>>()
    else {
        return false;
    };
    check.is_ascii_digit()
        && mod10::check(values, &[7, 3, 1], mod10::Reduce::Remainder) == u32::from(check - b'0')
}

/// A `YYMMDD` field holding a real date (either century).
fn is_yymmdd(field: &[u8]) -> bool {
    let Some(d) = super::numeric::fixed::<6>(std::str::from_utf8(field).unwrap_or("")) else {
        return false;
    };
    let pair = |i: usize| u32::from(d[i]) * 10 + u32::from(d[i + 1]);
    date_ids::is_date(1900 + pair(0), pair(2), pair(4))
        || date_ids::is_date(2000 + pair(0), pair(2), pair(4))
}

/// Whether `candidate` is the second line of a TD3 MRZ with every check digit right.
pub(crate) fn is_valid(candidate: &str) -> bool {
    let line = candidate.trim().as_bytes();
    if line.len() != 44 {
        return false;
    }
    let (number, birth, expiry, personal) =
        (&line[0..9], &line[13..19], &line[21..27], &line[28..42]);
    // The personal number's check digit may be `<` when the field is all filler.
    let personal_ok =
        checks(personal, line[42]) || (line[42] == b'<' && personal.iter().all(|&c| c == b'<'));
    let composite: Vec<u8> = [&line[0..10], &line[13..20], &line[21..43]].concat();
    checks(number, line[9])
        && line[10..13]
            .iter()
            .all(|c| c.is_ascii_uppercase() || *c == b'<')
        && is_yymmdd(birth)
        && checks(birth, line[19])
        && matches!(line[20], b'M' | b'F' | b'X' | b'<')
        && is_yymmdd(expiry)
        && checks(expiry, line[27])
        && personal_ok
        && checks(&composite, line[43])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// ICAO 9303 Part 4's specimen passport of Anna Maria Eriksson, Utopia.
    const SPECIMEN: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn accepts_the_icao_specimen() {
        assert!(is_valid(SPECIMEN));
        assert!(checks(b"L898902C3", b'6'));
        assert!(checks(b"740812", b'2'));
        assert!(checks(b"120415", b'9'));
    }

    #[test]
    fn rejects_broken_specimens() {
        assert!(!is_valid(&SPECIMEN.replace("C36", "C37")));
        assert!(!is_valid(&SPECIMEN.replace("7408122", "7413122")));
        assert!(!is_valid(&SPECIMEN[..43]));
        assert!(!is_valid(&SPECIMEN.replace('F', "Q")));
    }

    proptest! {
        #[test]
        fn any_one_digit_change_fails(at in 0usize..44, delta in 1u8..10) {
            let mut bytes = SPECIMEN.as_bytes().to_vec();
            prop_assume!(bytes[at].is_ascii_digit());
            bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
            prop_assert!(!is_valid(&String::from_utf8_lossy(&bytes)));
        }
    }
}
