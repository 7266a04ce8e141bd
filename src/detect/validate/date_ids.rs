//! Date-bearing identifiers: numbers that start with their holder's birth date.
//!
//! The date is the strongest test such a number offers (a random 11-digit run rarely holds a
//! real calendar date in the right place), so every validator here checks the date first,
//! with the century the scheme encodes, then the scheme's check digit, shared with the
//! check-digit families ([`mod10`](super::mod10), [`mod11`](super::mod11),
//! [`iso7064`](super::iso7064)). Each [`Scheme`] names its specification.

use super::{iso7064, luhn, mod10, mod11, numeric};

/// The date-bearing identifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// Polish PESEL (`44051401359`). Ustawa o ewidencji ludności, art. 15: YYMMDD with the
    /// century in the month (+80 1800s, +20 2000s, +40 2100s, +60 2200s), check digit weights
    /// 1,3,7,9 complemented mod 10.
    PlPesel,
    /// Swedish personnummer or samordningsnummer (`811218-9876`, 10 or 12 digits). Skatteverket
    /// SKV 704: YYMMDD (day +60 for coordination numbers), Luhn over the last ten digits.
    SePersonnummer,
    /// Danish CPR number (`DDMMYY-SSSS`). CPR-kontoret: a real date, century from the seventh
    /// digit. The modulus-11 check was dropped in 2007, so none is required.
    DkCpr,
    /// Finnish henkilötunnus (`131052-308T`). Väestörekisterikeskus: DDMMYY, a century sign,
    /// individual number 002-899, check character `DDMMYYZZZ mod 31`.
    FiHetu,
    /// Norwegian fødselsnummer or D-number (`DDMMYYIIIKK`). Skatteetaten: a real date (day +40
    /// for D-numbers), century from the individual number, two mod-11 check digits.
    NoFodselsnummer,
    /// South Korean resident registration number (`YYMMDD-GNNNNNC`). Resident Registration Act
    /// enforcement rules: century and sex in G, check `(11 - sum mod 11) mod 10` with weights
    /// 2..9,2..5 for numbers issued before October 2020 (later ones end in random digits).
    KrRrn,
    /// South African identity number (`YYMMDDSSSSCAZ`). Identification Act 68 of 1997: a real
    /// date, citizenship 0-2, Luhn over all 13 digits.
    ZaId,
    /// Chinese resident identity number (18 characters). GB 11643-1999: area code, YYYYMMDD,
    /// sequence, ISO 7064 MOD 11-2 check (`X` for 10).
    CnResidentId,
    /// Mexican CURP (18 characters). RENAPO's Instructivo normativo para la asignación de la
    /// CURP: letters, YYMMDD, sex, state, consonants, differentiator, check digit over the
    /// alphabet 0-9A-NÑO-Z with weights 18..2 complemented mod 10.
    MxCurp,
    /// Belgian national register number (`YY.MM.DD-SSS.CC`). Rijksregister: date (month +20/+40
    /// for bis numbers, 00 when unknown), check `97 - (number mod 97)`, with a leading 2 for
    /// people born from 2000.
    BeNrn,
    /// French NIR, the social security number (`2 55 08 14 168 025 38`). INSEE: sex, YY, MM
    /// (20, 30-42, 50-99 for unknown), department (2A/2B read as 19/18), commune, order, key
    /// `97 - (number mod 97)`.
    FrNir,
    /// Austrian social insurance number (`1237 010180`). Dachverband der
    /// Sozialversicherungsträger: serial, check digit, DDMMYY; weights 3,7,9,_,5,8,4,2,1,6 mod 11.
    AtSvnr,
    /// A date of birth as people write it: ISO `1985-04-12`, `12/04/1985`, `12.04.1985`, a real
    /// calendar date in 1900-2099.
    BirthDate,
}

/// Whether `candidate` is well formed for `scheme`: a real date where it says, and a correct
/// check character.
pub(crate) fn is_valid(candidate: &str, scheme: Scheme) -> bool {
    match scheme {
        Scheme::PlPesel => numeric::fixed::<11>(candidate).is_some_and(|d| is_pesel(&d)),
        Scheme::SePersonnummer => is_personnummer(candidate),
        Scheme::DkCpr => numeric::fixed::<10>(candidate).is_some_and(|d| is_cpr(&d)),
        Scheme::FiHetu => is_hetu(candidate),
        Scheme::NoFodselsnummer => {
            numeric::fixed::<11>(candidate).is_some_and(|d| is_fodselsnummer(&d))
        }
        Scheme::KrRrn => numeric::fixed::<13>(candidate).is_some_and(|d| is_rrn(&d)),
        Scheme::ZaId => {
            numeric::fixed::<13>(candidate).is_some_and(|d| is_za_id(&d))
                && luhn::is_valid(candidate)
        }
        Scheme::CnResidentId => is_cn_resident_id(candidate),
        Scheme::MxCurp => is_curp(candidate),
        Scheme::BeNrn => numeric::fixed::<11>(candidate).is_some_and(|d| is_nrn(&d)),
        Scheme::FrNir => is_nir(candidate),
        Scheme::AtSvnr => numeric::fixed::<10>(candidate).is_some_and(|d| is_svnr(&d)),
        Scheme::BirthDate => is_birth_date(candidate),
    }
}

/// Whether `year-month-day` is a real date of the proleptic Gregorian calendar.
pub(crate) fn is_date(year: u32, month: u32, day: u32) -> bool {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// The two-digit number at `at`.
fn pair(d: &[u8], at: usize) -> u32 {
    u32::from(d[at]) * 10 + u32::from(d[at + 1])
}

/// A real date for a two-digit year in either the 1900s or the 2000s, for schemes that do not
/// encode the century.
fn is_date_yy(yy: u32, month: u32, day: u32) -> bool {
    is_date(1900 + yy, month, day) || is_date(2000 + yy, month, day)
}

fn is_pesel(d: &[u8; 11]) -> bool {
    let (month, century) = match pair(d, 2) {
        m @ 81..=92 => (m - 80, 1800),
        m @ 1..=12 => (m, 1900),
        m @ 21..=32 => (m - 20, 2000),
        m @ 41..=52 => (m - 40, 2100),
        m @ 61..=72 => (m - 60, 2200),
        _ => return false,
    };
    let payload = d[..10].iter().map(|&v| u32::from(v));
    is_date(century + pair(d, 0), month, pair(d, 4))
        && mod10::check(payload, &[1, 3, 7, 9], mod10::Reduce::Complement) == u32::from(d[10])
}

/// 10 digits (`YYMMDD-NNNC`, `+` for people over 100) or 12 (`YYYYMMDD-NNNC`).
fn is_personnummer(candidate: &str) -> bool {
    let plain = candidate.replace('+', "-");
    let d: Vec<u8> = match (numeric::fixed::<10>(&plain), numeric::fixed::<12>(&plain)) {
        (Some(ten), _) => ten.to_vec(),
        (_, Some(twelve)) if matches!(pair(&twelve, 0), 18..=20) => twelve[2..].to_vec(),
        _ => return false,
    };
    let day = match pair(&d, 4) {
        coordination @ 61..=91 => coordination - 60,
        day => day,
    };
    let ten: String = d.iter().map(|v| char::from(b'0' + v)).collect();
    is_date_yy(pair(&d, 0), pair(&d, 2), day) && luhn::is_valid(&ten)
}

/// CPR-kontoret's century table: the seventh digit and the year give the century.
fn is_cpr(d: &[u8; 10]) -> bool {
    let yy = pair(d, 4);
    let century = match (d[6], yy) {
        (0..=3, _) => 1900,
        (4 | 9, 0..=36) => 2000,
        (4 | 9, _) => 1900,
        (5..=8, 0..=57) => 2000,
        (5..=8, _) => 1800,
        _ => return false,
    };
    is_date(century + yy, pair(d, 2), pair(d, 0))
}

/// `DDMMYYCZZZQ`: the century sign C is `+` (1800s), `-` or U-Y (1900s), A-F (2000s).
fn is_hetu(candidate: &str) -> bool {
    let upper = candidate.trim().to_ascii_uppercase();
    let bytes = upper.as_bytes();
    if bytes.len() != 11
        || !bytes[..6]
            .iter()
            .chain(&bytes[7..10])
            .all(u8::is_ascii_digit)
    {
        return false;
    }
    let century = match bytes[6] {
        b'+' => 1800,
        b'-' | b'U'..=b'Y' => 1900,
        b'A'..=b'F' => 2000,
        _ => return false,
    };
    let d: Vec<u8> = bytes[..6]
        .iter()
        .chain(&bytes[7..10])
        .map(|b| b - b'0')
        .collect();
    let individual = numeric::number(&d[6..]);
    let check = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(numeric::number(&d) % 31) as usize];
    is_date(century + pair(&d, 4), pair(&d, 2), pair(&d, 0))
        && (2..=899).contains(&individual)
        && bytes[10] == check
}

/// Skatteetaten's century table from the individual number, then the two check digits.
fn is_fodselsnummer(d: &[u8; 11]) -> bool {
    let yy = pair(d, 4);
    let individual = numeric::number(&d[6..9]);
    let century = match (individual, yy) {
        (0..=499, _) => 1900,
        (500..=749, 54..) => 1800,
        (500..=999, 0..=39) => 2000,
        (900..=999, 40..) => 1900,
        _ => return false,
    };
    let day = match pair(d, 0) {
        d_number @ 41..=71 => d_number - 40,
        day => day,
    };
    let k1 = mod11::eleven_minus(numeric::weighted_sum(&d[..9], &[3, 7, 6, 1, 8, 9, 4, 5, 2]));
    let k2 = mod11::eleven_minus(numeric::weighted_sum(
        &d[..10],
        &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2],
    ));
    is_date(century + yy, pair(d, 2), day) && k1 == Some(d[9]) && k2 == Some(d[10])
}

fn is_rrn(d: &[u8; 13]) -> bool {
    let century = match d[6] {
        9 | 0 => 1800,
        1 | 2 | 5 | 6 => 1900,
        3 | 4 | 7 | 8 => 2000,
        _ => return false,
    };
    let (year, month, day) = (century + pair(d, 0), pair(d, 2), pair(d, 4));
    let sum = numeric::weighted_sum(&d[..12], &[2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]);
    // From October 2020 the digits after G are assigned at random, without a check digit.
    let random_tail = (year, month) >= (2020, 10);
    is_date(year, month, day) && (random_tail || (11 - sum % 11) % 10 == u32::from(d[12]))
}

fn is_za_id(d: &[u8; 13]) -> bool {
    is_date_yy(pair(d, 0), pair(d, 2), pair(d, 4)) && d[10] <= 2
}

fn is_cn_resident_id(candidate: &str) -> bool {
    let upper = candidate.trim().to_ascii_uppercase();
    let bytes = upper.as_bytes();
    if bytes.len() != 18
        || !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(b'1'..=b'8').contains(&bytes[0])
    {
        return false;
    }
    let d: Vec<u8> = bytes[6..14].iter().map(|b| b - b'0').collect();
    let year = pair(&d, 0) * 100 + pair(&d, 2);
    (1900..=2099).contains(&year)
        && is_date(year, pair(&d, 4), pair(&d, 6))
        && iso7064::is_valid(&upper, iso7064::System::Mod11_2)
}

/// RENAPO's states of birth, plus NE (born abroad).
const CURP_STATES: [&str; 33] = [
    "AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC", "MN",
    "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS",
    "NE",
];

fn is_curp(candidate: &str) -> bool {
    let upper = candidate.trim().to_ascii_uppercase();
    let b = upper.as_bytes();
    if b.len() != 18
        || !b[..4].iter().all(u8::is_ascii_uppercase)
        || !b[4..10].iter().all(u8::is_ascii_digit)
        || !matches!(b[10], b'H' | b'M' | b'X')
        || !CURP_STATES.contains(&&upper[11..13])
        || !b[13..16].iter().all(u8::is_ascii_uppercase)
        || !b[16].is_ascii_alphanumeric()
        || !b[17].is_ascii_digit()
    {
        return false;
    }
    let d: Vec<u8> = b[4..10].iter().map(|c| c - b'0').collect();
    // The differentiator is a digit for people born before 2000 and a letter after.
    let century = if b[16].is_ascii_digit() { 1900 } else { 2000 };
    // Values over 0-9A-NÑO-Z: letters after N move up one to make room for Ñ.
    let value = |c: u8| match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A'..=b'N' => u32::from(c - b'A') + 10,
        _ => u32::from(c - b'A') + 11,
    };
    let weights: Vec<u32> = (2..=18).rev().collect();
    let check = mod10::check(
        b[..17].iter().map(|&c| value(c)),
        &weights,
        mod10::Reduce::Complement,
    );
    is_date(century + pair(&d, 0), pair(&d, 2), pair(&d, 4)) && check == u32::from(b[17] - b'0')
}

/// `97 - (number mod 97)`: the key of the Belgian and French registers.
fn key97(number: u64) -> u64 {
    97 - number % 97
}

fn is_nrn(d: &[u8; 11]) -> bool {
    let (yy, month, day) = (pair(d, 0), pair(d, 2) % 20, pair(d, 4));
    // Bis numbers add 20 or 40 to the month; 00 stands for an unknown month or day.
    let date_ok =
        pair(d, 2) <= 52 && (month == 0 || day == 0 || is_date_yy(yy, month, day)) && month <= 12;
    let (body, key) = (numeric::number(&d[..9]), numeric::number(&d[9..]));
    date_ok && (key97(body) == key || key97(2_000_000_000 + body) == key)
}

/// `S YY MM DD CCC OOO KK` with the department possibly `2A` or `2B` (Corsica).
fn is_nir(candidate: &str) -> bool {
    let plain: String = candidate
        .trim()
        .to_ascii_uppercase()
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    // Corsica's departments are read as numbers for the key: 2A -> 19, 2B -> 18.
    let numeric = match plain.get(5..7) {
        Some("2A") => format!("{}19{}", &plain[..5], &plain[7..]),
        Some("2B") => format!("{}18{}", &plain[..5], &plain[7..]),
        _ => plain,
    };
    let Some(d) = numeric::fixed::<15>(&numeric) else {
        return false;
    };
    let month_ok = matches!(pair(&d, 3), 1..=12 | 20 | 30..=42 | 50..=99);
    let (body, key) = (numeric::number(&d[..13]), numeric::number(&d[13..]));
    matches!(d[0], 1 | 2 | 3 | 4 | 7 | 8) && month_ok && pair(&d, 5) != 0 && key97(body) == key
}

fn is_svnr(d: &[u8; 10]) -> bool {
    let sum = numeric::weighted_sum(d, &[3, 7, 9, 0, 5, 8, 4, 2, 1, 6]);
    d[0] != 0 && is_date_yy(pair(d, 8), pair(d, 6), pair(d, 4)) && sum % 11 == u32::from(d[3])
}

/// `YYYY-MM-DD` (also `/` or `.`), or `DD/MM/YYYY`, `MM/DD/YYYY`, `DD.MM.YYYY`, `DD-MM-YYYY`.
fn is_birth_date(candidate: &str) -> bool {
    let parts: Vec<u32> = candidate
        .trim()
        .split(['-', '/', '.'])
        .map_while(|p| p.parse().ok())
        .collect();
    let in_range = |y: u32| (1900..=2099).contains(&y);
    match parts[..] {
        [y, m, d] if in_range(y) => is_date(y, m, d),
        [a, b, y] if in_range(y) => is_date(y, b, a) || is_date(y, a, b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_published_numbers() {
        let valid = [
            (Scheme::PlPesel, "44051401359"), // the PESEL register's worked example
            (Scheme::PlPesel, "02270803624"), // born in 2002: month + 20
            (Scheme::SePersonnummer, "811218-9876"), // Skatteverket's example
            (Scheme::SePersonnummer, "19811218-9876"),
            (Scheme::SePersonnummer, "701063-2391"), // samordningsnummer: day + 60
            (Scheme::DkCpr, "070761-4285"),
            (Scheme::FiHetu, "131052-308T"), // DVV's example
            (Scheme::FiHetu, "131052A308T"),
            (Scheme::NoFodselsnummer, "01010750160"),
            (Scheme::NoFodselsnummer, "15076500565"),
            (Scheme::KrRrn, "800101-1234560"),
            (Scheme::ZaId, "8001015009087"),
            (Scheme::CnResidentId, "11010519491231002X"), // GB 11643-1999's example
            (Scheme::MxCurp, "HEGG560427MVZRRL04"),
            (Scheme::BeNrn, "85.07.30-033.28"), // the Rijksregister's example
            (Scheme::BeNrn, "17.07.30-033.84"), // born in 2017: key over 2 followed by the number
            (Scheme::FrNir, "2 55 08 14 168 025 38"), // INSEE's example
            (Scheme::FrNir, "1 85 05 2A 004 015 67"), // born in Corsica
            (Scheme::AtSvnr, "1237 010180"),
            (Scheme::BirthDate, "1985-04-12"),
            (Scheme::BirthDate, "29/02/2000"),
            (Scheme::BirthDate, "04/28/1985"),
        ];
        for (scheme, number) in valid {
            assert!(is_valid(number, scheme), "{scheme:?} {number}");
        }
    }

    #[test]
    fn rejects_bad_dates_and_check_digits() {
        let invalid = [
            (Scheme::PlPesel, "44051401358"), // check digit
            (Scheme::PlPesel, "44153101356"), // month 15
            (Scheme::SePersonnummer, "811218-9875"),
            (Scheme::SePersonnummer, "811232-9874"), // 32 December, Luhn-valid
            (Scheme::DkCpr, "320161-4285"),
            (Scheme::DkCpr, "290201-4285"), // 2001 was no leap year
            (Scheme::FiHetu, "131052-308U"),
            (Scheme::FiHetu, "131052G308T"), // no such century sign
            (Scheme::NoFodselsnummer, "01010750161"),
            (Scheme::KrRrn, "800101-1234561"),
            (Scheme::KrRrn, "801301-1234565"),
            (Scheme::ZaId, "8001015009088"),
            (Scheme::CnResidentId, "110105194912310021"),
            (Scheme::CnResidentId, "11010519491331002X"),
            (Scheme::MxCurp, "HEGG560427MVZRRL05"),
            (Scheme::MxCurp, "HEGG560427MXXRRL04"), // no such state
            (Scheme::BeNrn, "85.07.30-033.29"),
            (Scheme::FrNir, "2 55 08 14 168 025 39"),
            (Scheme::FrNir, "5 55 08 14 168 025 38"), // no such sex digit
            (Scheme::AtSvnr, "1238 010180"),
            (Scheme::BirthDate, "1985-02-30"),
            (Scheme::BirthDate, "12/13/1885"),
            (Scheme::BirthDate, "2.4.1"),
        ];
        for (scheme, number) in invalid {
            assert!(!is_valid(number, scheme), "{scheme:?} {number}");
        }
    }

    #[test]
    fn is_date_knows_leap_years() {
        assert!(is_date(2000, 2, 29));
        assert!(is_date(2024, 2, 29));
        assert!(!is_date(1900, 2, 29));
        assert!(!is_date(2023, 2, 29));
        assert!(!is_date(2023, 4, 31));
        assert!(!is_date(2023, 0, 1));
    }

    /// `payload` plus the one digit that makes it valid for `scheme`, if any.
    fn complete(payload: &str, scheme: Scheme) -> Option<String> {
        (0..10)
            .map(|c| format!("{payload}{c}"))
            .find(|n| is_valid(n, scheme))
    }

    fn change_digit(text: &str, at: usize, delta: u8) -> String {
        let mut bytes = text.as_bytes().to_vec();
        bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
        String::from_utf8_lossy(&bytes).into_owned()
    }

    proptest! {
        #[test]
        fn pesel_generated_numbers_pass_and_one_digit_change_fails(
            year in 1900u32..2100, month in 1u32..13, day in 1u32..29, serial in 0u32..10_000,
            at in 0usize..11, delta in 1u8..10,
        ) {
            let coded_month = if year >= 2000 { month + 20 } else { month };
            let payload = format!("{:02}{coded_month:02}{day:02}{serial:04}", year % 100);
            let valid = complete(&payload, Scheme::PlPesel);
            prop_assert!(valid.is_some());
            let valid = valid.unwrap_or_default();
            prop_assert!(!is_valid(&change_digit(&valid, at, delta), Scheme::PlPesel));
        }

        #[test]
        fn personnummer_one_digit_change_fails(
            yy in 0u32..100, month in 1u32..13, day in 1u32..29, serial in 0u32..1000,
            at in 0usize..10, delta in 1u8..10,
        ) {
            let valid = complete(&format!("{yy:02}{month:02}{day:02}{serial:03}"), Scheme::SePersonnummer);
            prop_assert!(valid.is_some());
            prop_assert!(!is_valid(&change_digit(&valid.unwrap_or_default(), at, delta), Scheme::SePersonnummer));
        }

        #[test]
        fn za_id_one_digit_change_fails(
            yy in 0u32..100, month in 1u32..13, day in 1u32..29, serial in 0u32..10_000, citizen in 0u32..2,
            at in 0usize..13, delta in 1u8..10,
        ) {
            let valid = complete(&format!("{yy:02}{month:02}{day:02}{serial:04}{citizen}8"), Scheme::ZaId);
            prop_assert!(valid.is_some());
            prop_assert!(!is_valid(&change_digit(&valid.unwrap_or_default(), at, delta), Scheme::ZaId));
        }

        #[test]
        fn cn_resident_id_one_digit_change_fails(
            area in 110_000u32..660_000, year in 1900u32..2025, month in 1u32..13, day in 1u32..29,
            seq in 0u32..1000, at in 0usize..17, delta in 1u8..10,
        ) {
            let payload = format!("{area}{year}{month:02}{day:02}{seq:03}");
            let valid = (0..11).map(|c| if c == 10 { format!("{payload}X") } else { format!("{payload}{c}") })
                .find(|n| is_valid(n, Scheme::CnResidentId));
            prop_assert!(valid.is_some());
            prop_assert!(!is_valid(&change_digit(&valid.unwrap_or_default(), at, delta), Scheme::CnResidentId));
        }

        #[test]
        fn birth_date_accepts_every_real_date(year in 1900u32..2100, month in 1u32..13, day in 1u32..29) {
            let iso = format!("{year}-{month:02}-{day:02}");
            let european = format!("{day:02}.{month:02}.{year}");
            prop_assert!(is_valid(&iso, Scheme::BirthDate));
            prop_assert!(is_valid(&european, Scheme::BirthDate));
        }
    }
}
