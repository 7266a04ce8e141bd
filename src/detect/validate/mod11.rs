//! Weighted mod-11 check digits: `sum(digit * weight) mod 11`, mapped to a check character.
//!
//! Most national identifiers of the 20th century use this family; they differ only in their
//! weights and in how the remainder becomes a check digit (remainder 10 has no digit, so each
//! scheme either rejects it, folds it onto 0, or writes a letter). Each [`Scheme`] below is one
//! parameter set, with the specification it comes from.

use super::numeric;

/// The identifiers validated by a weighted mod-11 check alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// UK NHS number (10 digits). NHS Data Dictionary, "NHS Number": weights 10..2, check
    /// `11 - r`, 11 becomes 0, 10 is never issued.
    GbNhs,
    /// Dutch burgerservicenummer (9 digits). The "elfproef" of the Wet algemene bepalingen
    /// burgerservicenummer: weights 9..2 and -1 on the last digit, the sum divisible by 11.
    NlBsn,
    /// Portuguese NIF (9 digits). Autoridade Tributária: weights 9..2, check `11 - r`,
    /// 10 and 11 become 0.
    PtNif,
    /// Brazilian CPF (11 digits). Receita Federal: two check digits, weights 10..2 then 11..2,
    /// each `(sum * 10 mod 11) mod 10`; repeated digits are never issued.
    BrCpf,
    /// Chilean RUT/RUN (7-8 digits and a check character). Servicio de Registro Civil: weights
    /// 2..7 repeated from the right, check `11 - r`, 11 is `0` and 10 is `K`.
    ClRut,
    /// New Zealand IRD number (8-9 digits, 10,000,000-150,000,000). Inland Revenue's "IRD
    /// number validation" spec: weights 3,2,7,6,5,4,3,2, retried with 7,4,3,2,5,2,7,6 when the
    /// check would be 10.
    NzIrd,
    /// Japanese My Number (12 digits). Ministerial ordinance on the Individual Number, art. 5:
    /// weights 6,5,4,3,2,7,6,5,4,3,2, check `11 - r`, 0 when `r <= 1`.
    JpMyNumber,
    /// Australian Tax File Number (8 or 9 digits). ATO: weights 1,4,3,7,5,8,6,9,10 (or
    /// 10,7,8,4,6,3,5,1 for 8 digits), the sum divisible by 11.
    AuTfn,
    /// Singapore NRIC/FIN (`S1234567D`). ICA: weights 2,7,6,5,4,3,2, plus 4 for T and G and 3 for
    /// M, remainder mapped to a letter table per series.
    SgNric,
}

/// Whether `candidate` carries a correct check digit (or letter) for `scheme`.
pub(crate) fn is_valid(candidate: &str, scheme: Scheme) -> bool {
    match scheme {
        Scheme::GbNhs => numeric::fixed::<10>(candidate).is_some_and(|d| is_nhs(&d)),
        Scheme::NlBsn => numeric::fixed::<9>(candidate).is_some_and(|d| is_bsn(&d)),
        Scheme::PtNif => numeric::fixed::<9>(candidate).is_some_and(|d| is_nif(&d)),
        Scheme::BrCpf => numeric::fixed::<11>(candidate).is_some_and(|d| is_cpf(&d)),
        Scheme::ClRut => is_rut(candidate),
        Scheme::NzIrd => is_ird(candidate),
        Scheme::JpMyNumber => numeric::fixed::<12>(candidate).is_some_and(|d| is_my_number(&d)),
        Scheme::AuTfn => is_tfn(candidate),
        Scheme::SgNric => is_nric(candidate),
    }
}

/// `11 - sum mod 11`, with 11 folded onto 0; `None` for 10, which no digit can carry.
/// Shared by schemes that never issue numbers whose check would be 10.
pub(crate) fn eleven_minus(sum: u32) -> Option<u8> {
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => Some(check as u8),
    }
}

fn is_nhs(d: &[u8; 10]) -> bool {
    eleven_minus(numeric::weighted_sum(
        &d[..9],
        &[10, 9, 8, 7, 6, 5, 4, 3, 2],
    )) == Some(d[9])
}

fn is_bsn(d: &[u8; 9]) -> bool {
    let sum = numeric::weighted_sum(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]);
    d.iter().any(|&v| v != 0) && (sum + 11 * 9 - u32::from(d[8])).is_multiple_of(11)
}

fn is_nif(d: &[u8; 9]) -> bool {
    let r = numeric::weighted_sum(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    let check = if r < 2 { 0 } else { 11 - r };
    d[0] != 0 && check == u32::from(d[8])
}

fn is_cpf(d: &[u8; 11]) -> bool {
    let cpf_digit = |payload: &[u8]| {
        let weights: Vec<u32> = (2..=payload.len() as u32 + 1).rev().collect();
        (numeric::weighted_sum(payload, &weights) * 10 % 11 % 10) as u8
    };
    !numeric::is_repdigit(d) && cpf_digit(&d[..9]) == d[9] && cpf_digit(&d[..10]) == d[10]
}

/// `12.345.678-5`: the body's digits, then a check character `0-9` or `K`.
fn is_rut(candidate: &str) -> bool {
    let upper = candidate.trim().to_ascii_uppercase();
    let Some(check) = upper.chars().last() else {
        return false;
    };
    let body = &upper[..upper.len() - 1];
    let digits: Vec<u8> = body
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    if !(7..=8).contains(&digits.len())
        || body
            .bytes()
            .any(|b| !b.is_ascii_digit() && !numeric::is_separator(b))
    {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .zip([2, 3, 4, 5, 6, 7].iter().cycle())
        .map(|(&d, &w)| u32::from(d) * w)
        .sum();
    let expected = match 11 - sum % 11 {
        11 => '0',
        10 => 'K',
        n => char::from(b'0' + n as u8),
    };
    check == expected
}

fn is_ird(candidate: &str) -> bool {
    // Eight-digit numbers are padded with a leading zero to nine.
    let d: [u8; 9] = match (
        numeric::fixed::<8>(candidate),
        numeric::fixed::<9>(candidate),
    ) {
        (Some(eight), _) => {
            let mut nine = [0; 9];
            nine[1..].copy_from_slice(&eight);
            nine
        }
        (_, Some(nine)) => nine,
        _ => return false,
    };
    if !(10_000_000..=150_000_000).contains(&numeric::number(&d)) {
        return false;
    }
    let (base, check) = d.split_at(8);
    let ird_digit = |weights: &[u32]| match numeric::weighted_sum(base, weights) % 11 {
        0 => Some(0),
        r => Some(11 - r).filter(|&c| c != 10),
    };
    let digit =
        ird_digit(&[3, 2, 7, 6, 5, 4, 3, 2]).or_else(|| ird_digit(&[7, 4, 3, 2, 5, 2, 7, 6]));
    digit == Some(u32::from(check[0]))
}

fn is_my_number(d: &[u8; 12]) -> bool {
    let r = numeric::weighted_sum(&d[..11], &[6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11;
    let check = if r <= 1 { 0 } else { 11 - r };
    check == u32::from(d[11])
}

fn is_tfn(candidate: &str) -> bool {
    let (d, weights): (Vec<u8>, &[u32]) = match (
        numeric::fixed::<9>(candidate),
        numeric::fixed::<8>(candidate),
    ) {
        (Some(nine), _) => (nine.to_vec(), &[1, 4, 3, 7, 5, 8, 6, 9, 10]),
        (_, Some(eight)) => (eight.to_vec(), &[10, 7, 8, 4, 6, 3, 5, 1]),
        _ => return false,
    };
    !numeric::is_repdigit(&d) && numeric::weighted_sum(&d, weights).is_multiple_of(11)
}

/// `S1234567D`: series letter, seven digits, check letter.
fn is_nric(candidate: &str) -> bool {
    let bytes = candidate.trim().as_bytes();
    let [series, body @ .., check] = bytes else {
        return false;
    };
    if body.len() != 7 || !body.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let values: Vec<u8> = body.iter().map(|b| b - b'0').collect();
    let sum = numeric::weighted_sum(&values, &[2, 7, 6, 5, 4, 3, 2]);
    let (offset, table): (u32, &[u8; 11]) = match series.to_ascii_uppercase() {
        b'S' => (0, b"JZIHGFEDCBA"),
        b'T' => (4, b"JZIHGFEDCBA"),
        b'F' => (0, b"XWUTRQPNMLK"),
        b'G' => (4, b"XWUTRQPNMLK"),
        b'M' => (3, b"XWUTRQPNJLK"),
        _ => return false,
    };
    table[((sum + offset) % 11) as usize] == check.to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_published_numbers() {
        let valid = [
            (Scheme::GbNhs, "943 476 5919"),   // NHS Digital's example
            (Scheme::GbNhs, "401 023 2137"),   // NHS Data Dictionary's example
            (Scheme::NlBsn, "111222333"),      // Logius test BSN
            (Scheme::NlBsn, "123456782"),      // Logius test BSN
            (Scheme::PtNif, "123456789"),      // AT test NIF
            (Scheme::BrCpf, "111.444.777-35"), // Receita Federal's worked example
            (Scheme::ClRut, "12.345.678-5"),
            (Scheme::ClRut, "10.000.013-K"), // check letter K
            (Scheme::NzIrd, "49091850"),     // IRD spec examples
            (Scheme::NzIrd, "35901981"),
            (Scheme::NzIrd, "49098576"),
            (Scheme::NzIrd, "136410132"),
            (Scheme::JpMyNumber, "1234 5678 9018"),
            (Scheme::AuTfn, "123 456 782"), // ATO example TFN
            (Scheme::AuTfn, "876 543 210"),
            (Scheme::SgNric, "S1234567D"),
            (Scheme::SgNric, "T1234567J"),
            (Scheme::SgNric, "F1234567N"),
            (Scheme::SgNric, "G1234567X"),
            (Scheme::SgNric, "M1234567K"),
        ];
        for (scheme, number) in valid {
            assert!(is_valid(number, scheme), "{scheme:?} {number}");
        }
    }

    #[test]
    fn rejects_published_invalid_numbers() {
        let invalid = [
            (Scheme::GbNhs, "943 476 5918"),
            (Scheme::NlBsn, "111222334"),
            (Scheme::NlBsn, "000000000"),
            (Scheme::PtNif, "123456788"),
            (Scheme::BrCpf, "111.444.777-36"),
            (Scheme::BrCpf, "111.111.111-11"), // passes both checks, never issued
            (Scheme::ClRut, "12.345.678-K"),
            (Scheme::NzIrd, "136410133"), // IRD spec: bad check digit
            (Scheme::NzIrd, "9125568"),   // IRD spec: below the range
            (Scheme::NzIrd, "150000001"),
            (Scheme::JpMyNumber, "1234 5678 9012"),
            (Scheme::AuTfn, "123 456 781"),
            (Scheme::SgNric, "S1234567A"),
            (Scheme::SgNric, "A1234567D"),
        ];
        for (scheme, number) in invalid {
            assert!(!is_valid(number, scheme), "{scheme:?} {number}");
        }
    }

    #[test]
    fn eleven_minus_folds_eleven_and_rejects_ten() {
        assert_eq!(eleven_minus(0), Some(0));
        assert_eq!(eleven_minus(1), None);
        assert_eq!(eleven_minus(2), Some(9));
    }

    /// A number for `scheme` built from `payload` plus the one check digit that makes it
    /// valid, if any does.
    fn complete(payload: &[u8], scheme: Scheme) -> Option<String> {
        let text: String = payload.iter().map(|d| char::from(b'0' + d)).collect();
        (0..10)
            .map(|c| format!("{text}{c}"))
            .find(|n| is_valid(n, scheme))
    }

    /// Schemes whose check catches every single-digit change: weights nonzero mod 11 and a
    /// one-to-one map from remainder to check digit.
    const GUARANTEED: [(Scheme, usize); 4] = [
        (Scheme::GbNhs, 9),
        (Scheme::NlBsn, 8),
        (Scheme::AuTfn, 8),
        (Scheme::ClRut, 8),
    ];

    proptest! {
        #[test]
        fn at_most_one_check_digit_completes_a_payload(payload in proptest::collection::vec(0u8..10, 9)) {
            let text: String = payload.iter().map(|d| char::from(b'0' + d)).collect();
            let completions = (0..10).filter(|c| is_valid(&format!("{text}{c}"), Scheme::GbNhs)).count();
            prop_assert!(completions <= 1);
        }

        #[test]
        fn one_digit_change_fails(
            which in 0usize..GUARANTEED.len(),
            payload in proptest::collection::vec(0u8..10, 9),
            at in 0usize..9, delta in 1u8..10,
        ) {
            let (scheme, len) = GUARANTEED[which];
            let mut payload = payload;
            payload.truncate(len);
            payload[0] = payload[0].max(1);
            if let Some(valid) = complete(&payload, scheme) {
                let mut bytes = valid.into_bytes();
                let at = at % bytes.len();
                bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
                let changed = String::from_utf8_lossy(&bytes).into_owned();
                prop_assert!(!is_valid(&changed, scheme), "{:?} {}", scheme, changed);
            }
        }

        #[test]
        fn nric_rejects_one_digit_change(body in proptest::collection::vec(0u8..10, 7), at in 0usize..7, delta in 1u8..10) {
            let text: String = body.iter().map(|d| char::from(b'0' + d)).collect();
            let valid = (b'A'..=b'Z').map(|c| format!("S{text}{}", char::from(c))).find(|n| is_valid(n, Scheme::SgNric));
            prop_assert!(valid.is_some());
            let mut bytes = valid.unwrap_or_default().into_bytes();
            bytes[at + 1] = b'0' + (bytes[at + 1] - b'0' + delta) % 10;
            prop_assert!(!is_valid(&String::from_utf8_lossy(&bytes), Scheme::SgNric));
        }
    }
}
