//! Luhn (mod 10) check digit, ISO/IEC 7812-1 Annex B: payment cards, Canadian SIN and others.

use super::digits;

/// True when the digits of `candidate` (separators ignored) pass the Luhn check.
pub(crate) fn is_valid(candidate: &str) -> bool {
    let digits: Vec<u32> = digits(candidate).collect();
    !digits.is_empty() && checksum(&digits).is_multiple_of(10)
}

/// Luhn sum of `digits`, the last digit being the check digit.
fn checksum(digits: &[u32]) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { double(d) } else { d })
        .sum()
}

fn double(d: u32) -> u32 {
    let twice = d * 2;
    if twice > 9 { twice - 9 } else { twice }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn luhn_accepts_published_test_numbers() {
        // Visa and Mastercard test numbers published by payment processors; SIN example from
        // Employment and Social Development Canada.
        for number in [
            "4111111111111111",
            "5555 5555 5555 4444",
            "130-692-544",
            "79927398713",
        ] {
            assert!(is_valid(number), "{number}");
        }
    }

    #[test]
    fn luhn_rejects_one_digit_change() {
        assert!(!is_valid("4111111111111112"));
        assert!(!is_valid("79927398710"));
    }

    proptest! {
        #[test]
        fn any_single_digit_change_fails(body in proptest::collection::vec(0u32..10, 12..18), pos in 0usize..18, delta in 1u32..10) {
            let check = (10 - checksum(&[body.clone(), vec![0]].concat()) % 10) % 10;
            let mut number = [body, vec![check]].concat();
            let text: String = number.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            prop_assert!(is_valid(&text));
            let pos = pos % number.len();
            number[pos] = (number[pos] + delta) % 10;
            let changed: String = number.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            prop_assert!(!is_valid(&changed));
        }
    }
}
