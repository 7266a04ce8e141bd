//! ISO/IEC 7064 check characters: the pure system MOD 11-2 and the hybrid system MOD 11,10.
//!
//! Both catch every single-character substitution. MOD 11-2 closes China's resident identity
//! number (GB 11643-1999, check `X` for 10); MOD 11,10 closes Germany's tax identification
//! number (Steuer-IdNr, § 139b AO) and other European registers.

/// The two ISO/IEC 7064 systems piimap uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum System {
    /// Pure system, modulus 11, radix 2; one check character `0-9` or `X`.
    Mod11_2,
    /// Hybrid system, moduli 11 and 10; one check digit.
    Mod11_10,
}

/// Whether `candidate` (digits, for MOD 11-2 possibly ending in `X`) carries a correct check
/// character for `system`. The candidate holds no separators; callers strip them.
pub(crate) fn is_valid(candidate: &str, system: System) -> bool {
    let bytes = candidate.as_bytes();
    let Some((&check, payload)) = bytes.split_last() else {
        return false;
    };
    if payload.is_empty() || !payload.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let payload = payload.iter().map(|b| u32::from(b - b'0'));
    match system {
        System::Mod11_2 => {
            let check = match check {
                b'X' | b'x' => 10,
                b'0'..=b'9' => u32::from(check - b'0'),
                _ => return false,
            };
            mod11_2_check(payload) == check
        }
        System::Mod11_10 => {
            check.is_ascii_digit() && mod11_10_check(payload) == u32::from(check - b'0')
        }
    }
}

/// MOD 11-2: the check value `c` in `0..=10` such that `sum(a_i * 2^i) + c ≡ 1 (mod 11)`,
/// where `i` counts payload positions from the right starting at 1.
fn mod11_2_check(payload: impl Iterator<Item = u32>) -> u32 {
    let sum = payload.fold(0, |acc, v| (acc + v) * 2 % 11);
    (12 - sum) % 11
}

/// MOD 11,10: the running product of ISO/IEC 7064 §7.2, reduced to one check digit.
fn mod11_10_check(payload: impl Iterator<Item = u32>) -> u32 {
    let product = payload.fold(10, |p, v| {
        let s = match (p + v) % 10 {
            0 => 10,
            s => s,
        };
        s * 2 % 11
    });
    (11 - product) % 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mod11_2_accepts_published_vectors() {
        // GB 11643-1999's example number and the ISO 7064 examples (0794 -> 0, 079 -> X).
        assert!(is_valid("11010519491231002X", System::Mod11_2));
        assert!(is_valid("07940", System::Mod11_2));
        assert!(is_valid("079X", System::Mod11_2));
    }

    #[test]
    fn mod11_2_rejects_wrong_check() {
        assert!(!is_valid("110105194912310021", System::Mod11_2));
        assert!(!is_valid("079Y", System::Mod11_2));
    }

    #[test]
    fn mod11_10_accepts_published_vectors() {
        // Tax ids from the Bundeszentralamt für Steuern's test data.
        assert!(is_valid("86095742719", System::Mod11_10));
        assert!(is_valid("65929970489", System::Mod11_10));
    }

    #[test]
    fn mod11_10_rejects_wrong_check() {
        assert!(!is_valid("86095742718", System::Mod11_10));
        assert!(!is_valid("", System::Mod11_10));
        assert!(!is_valid("8", System::Mod11_10));
    }

    fn complete(payload: &[u8], system: System, checks: &str) -> String {
        let text: String = payload.iter().map(|d| char::from(b'0' + d)).collect();
        checks
            .chars()
            .map(|c| format!("{text}{c}"))
            .find(|n| is_valid(n, system))
            .unwrap_or_default()
    }

    proptest! {
        #[test]
        fn one_digit_change_fails(
            payload in proptest::collection::vec(0u8..10, 17), mod11_2 in any::<bool>(),
            at in 0usize..17, delta in 1u8..10,
        ) {
            let (system, checks) = if mod11_2 { (System::Mod11_2, "0123456789X") } else { (System::Mod11_10, "0123456789") };
            let valid = complete(&payload, system, checks);
            prop_assert_eq!(valid.len(), 18);
            let mut bytes = valid.into_bytes();
            bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
            prop_assert!(!is_valid(&String::from_utf8_lossy(&bytes), system));
        }
    }
}
