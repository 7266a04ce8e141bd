//! The UK National Insurance number (`AB 12 34 56 C`).
//!
//! HMRC's National Insurance Manual, NIM39110: two prefix letters, six digits, a suffix A-D.
//! Neither prefix letter is D, F, I, Q, U or V, the second is not O, and the prefixes BG, GB,
//! KN, NK, NT, TN and ZZ are never allocated. There is no check digit, so these allocation
//! rules are the whole validation. HMRC's own example, `QQ 12 34 56 C`, fails them on purpose.

/// Letters never used in either prefix position.
const NEVER: &[u8] = b"DFIQUV";
/// Prefixes HMRC does not allocate.
const UNALLOCATED: [&[u8; 2]; 7] = [b"BG", b"GB", b"KN", b"NK", b"NT", b"TN", b"ZZ"];

/// Whether `candidate` follows HMRC's allocation rules. The suffix letter may be omitted, as
/// some forms do.
pub(crate) fn is_valid(candidate: &str) -> bool {
    let text: Vec<u8> = candidate
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let (prefix, rest) = match text.split_at_checked(2) {
        Some(parts) => parts,
        None => return false,
    };
    let suffix_ok = match rest.get(6..) {
        Some([]) => true,
        Some([suffix]) => (b'A'..=b'D').contains(suffix),
        _ => false,
    };
    prefix
        .iter()
        .all(|c| c.is_ascii_uppercase() && !NEVER.contains(c))
        && prefix[1] != b'O'
        && !UNALLOCATED.iter().any(|u| u.as_slice() == prefix)
        && rest.len() >= 6
        && rest[..6].iter().all(u8::is_ascii_digit)
        && suffix_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_allocated_shapes() {
        assert!(is_valid("AB 12 34 56 C"));
        assert!(is_valid("JG103759A"));
        assert!(is_valid("ce123456"));
    }

    #[test]
    fn rejects_hmrc_unallocated_prefixes_and_suffixes() {
        assert!(!is_valid("QQ 12 34 56 C")); // HMRC's documented example
        assert!(!is_valid("DA123456A"));
        assert!(!is_valid("AO123456A"));
        assert!(!is_valid("GB123456A"));
        assert!(!is_valid("AB123456E"));
        assert!(!is_valid("AB12345A"));
    }

    proptest! {
        #[test]
        fn validity_follows_the_prefix_rules(first in b'A'..=b'Z', second in b'A'..=b'Z', n in 0u32..1_000_000) {
            let nino = format!("{}{}{n:06}A", char::from(first), char::from(second));
            let allowed = !NEVER.contains(&first) && !NEVER.contains(&second) && second != b'O'
                && !UNALLOCATED.contains(&&[first, second]);
            prop_assert_eq!(is_valid(&nino), allowed);
        }
    }
}
