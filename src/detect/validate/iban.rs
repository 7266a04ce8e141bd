//! IBAN: country code, the length registered for that country in the SWIFT IBAN Registry, and
//! the ISO 7064 mod 97-10 check (ISO 13616-1).

/// IBAN length per country, from the SWIFT IBAN Registry (release 99, 2024).
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// True when `candidate` (spaces ignored) has a registered country, its length, and passes
/// mod 97-10.
pub(crate) fn is_valid(candidate: &str) -> bool {
    let compact: String = candidate.chars().filter(|c| *c != ' ').collect();
    let Some(country) = compact.get(..2) else {
        return false;
    };
    let registered = LENGTHS.iter().find(|(code, _)| *code == country);
    registered.is_some_and(|&(_, len)| len == compact.len())
        && compact
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        && remainder(&compact) == 1
}

/// The IBAN's value mod 97, after moving the first four characters to the end and replacing
/// letters by two digits (A = 10 ... Z = 35).
fn remainder(iban: &str) -> u32 {
    let (head, tail) = iban.split_at(4);
    tail.chars().chain(head.chars()).fold(0u32, |acc, c| {
        let value = c.to_digit(36).unwrap_or(0);
        if value >= 10 {
            (acc * 100 + value) % 97
        } else {
            (acc * 10 + value) % 97
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_examples_pass() {
        // Examples from the SWIFT IBAN Registry.
        for iban in [
            "GB82WEST12345698765432",
            "GB82 WEST 1234 5698 7654 32",
            "DE89370400440532013000",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "CH9300762011623852957",
            "BE68539007547034",
            "NO9386011117947",
        ] {
            assert!(is_valid(iban), "{iban}");
        }
    }

    #[test]
    fn wrong_check_length_or_country_fails() {
        assert!(!is_valid("GB82WEST12345698765433"), "check digits");
        assert!(!is_valid("DE8937040044053201300"), "length");
        assert!(!is_valid("XX89370400440532013000"), "country");
        assert!(!is_valid("gb82west12345698765432"), "lower case");
    }
}
