//! Stage 4 of the flow: **finding**. A detector match, located, masked and fingerprinted.
//!
//! Values are masked here, when a [`Finding`] is built, so no renderer can leak one: the raw
//! value only survives when the user asked for it with `--show-values`. The fingerprint is
//! derived from what the report already shows (rule, path, container, field, masked value) plus
//! the occurrence number of that masked value, so it is stable when lines move and reveals
//! nothing about the value that the masked form does not.

mod encode;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use encode::{FindingEncoder, Parts, RuleParts};

use crate::extract::Location;

/// What kind of personal data a rule finds. A closed list: rules name one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// E-mail addresses, phone numbers.
    Contact,
    /// Card numbers, bank accounts.
    Financial,
    /// Government-issued personal identifiers.
    NationalId,
    /// IP addresses and other network identifiers.
    Network,
    /// Health data (GDPR Art. 9).
    Health,
    /// Names, birth dates, addresses, gender and other demographic data.
    Demographic,
    /// Passwords, tokens, keys.
    Credential,
}

impl Category {
    /// The snake_case name used in rules and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Contact => "contact",
            Category::Financial => "financial",
            Category::NationalId => "national_id",
            Category::Network => "network",
            Category::Health => "health",
            Category::Demographic => "demographic",
            Category::Credential => "credential",
        }
    }
}

/// How bad a finding is if it leaks. Ordered: `Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Little harm alone (an IP address).
    Low,
    /// Direct contact data.
    Medium,
    /// Identifies a person or an account.
    High,
    /// Enables fraud or identity theft on its own.
    Critical,
}

impl Severity {
    /// The snake_case name used in rules and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// What made a finding: a value matching a rule's pattern, or a field named like the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// The value itself matched the rule (and passed its validator).
    Value,
    /// The field or column name says what the data is.
    FieldName,
}

impl Evidence {
    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Value => "value",
            Evidence::FieldName => "field_name",
        }
    }
}

/// One piece of personal data found in one place. This is the JSON wire format of a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Id of the rule that matched (`email`, `us_ssn`).
    pub rule: String,
    /// The rule's category.
    pub category: Category,
    /// The rule's severity (after any override).
    pub severity: Severity,
    /// How sure the detector is, in `[0, 1]`, from pattern, validator and context.
    pub confidence: f64,
    /// Whether the value or the field name is the evidence.
    pub evidence: Evidence,
    /// The file, as walked from the path the user gave (`-` for standard input).
    pub path: String,
    /// Where in the file.
    pub location: Location,
    /// The masked value (`j***@example.com`), or the raw value under `--show-values`.
    pub value: String,
    /// Stable id of this finding: independent of line numbers, reveals no value.
    pub fingerprint: String,
    /// The value is a known test or fictitious value (SSA's 078-05-1120, an issuer's test
    /// card); such findings are capped at low confidence. Omitted when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub test_value: bool,
}

/// Masks a value so that a reader cannot recover it.
///
/// E-mail addresses keep the first character of the local part and the domain
/// (`j***@example.com`). Other values keep their separators and at most the last four letters
/// or digits: four when at least nine are present, two when six to eight are, none below that
/// (`***-**-6789`, `************1111`).
pub fn mask(value: &str) -> String {
    if let Some((local, domain)) = value.rsplit_once('@') {
        let first = local.chars().next().map(String::from).unwrap_or_default();
        return format!("{first}***@{domain}");
    }
    let alnum = value.chars().filter(|c| c.is_alphanumeric()).count();
    let keep = match alnum {
        9.. => 4,
        6..=8 => 2,
        _ => 0,
    };
    let mut masked = String::with_capacity(value.len());
    let mut seen = 0;
    for c in value.chars() {
        if c.is_alphanumeric() {
            seen += 1;
            masked.push(if seen > alnum - keep { c } else { '*' });
        } else {
            masked.push(c);
        }
    }
    masked
}

/// Masks every letter and digit of `value`, keeping spaces and punctuation: for free text
/// (names, addresses) where no part may show.
pub fn mask_all(value: &str) -> String {
    let mut masked = String::with_capacity(value.len());
    masked.extend(
        value
            .chars()
            .map(|c| if c.is_alphanumeric() { '*' } else { c }),
    );
    masked
}

/// Lower-case hexadecimal digits, for writing fingerprints.
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// A finding's fingerprint: 32 lower-case hexadecimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint as written in reports.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hexadecimal digits are ASCII")
    }
}

/// Fingerprint of a finding: a fixed hash (SHA-256, truncated to 128 bits) of the rule, the
/// path, the container, the field, the masked value and `occurrence`, the number of earlier
/// findings in the same file with the same rule, field and masked value.
///
/// Line numbers are left out so a finding keeps its fingerprint when lines move, and only the
/// masked value goes in, so the fingerprint cannot be brute-forced back to a value.
pub fn fingerprint(
    rule: &str,
    path: &str,
    container: Option<&str>,
    field: Option<&str>,
    masked: &str,
    occurrence: u64,
) -> Fingerprint {
    let mut hasher = Sha256::new();
    for part in [
        rule,
        path,
        container.unwrap_or(""),
        field.unwrap_or(""),
        masked,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher.update(occurrence.to_le_bytes());
    let digest = hasher.finalize();
    let mut hex = [0u8; 32];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(&digest[..16]) {
        pair[0] = HEX_DIGITS[usize::from(byte >> 4)];
        pair[1] = HEX_DIGITS[usize::from(byte & 0x0f)];
    }
    Fingerprint(hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_all_hides_every_letter_and_digit() {
        assert_eq!(mask_all("Jane O'Example 42"), "**** *'******* **");
    }

    #[test]
    fn mask_keeps_email_domain_only() {
        assert_eq!(mask("jane.doe@example.com"), "j***@example.com");
    }

    #[test]
    fn mask_keeps_last_four_of_long_numbers() {
        assert_eq!(mask("4111 1111 1111 1111"), "**** **** **** 1111");
        assert_eq!(mask("123-45-6789"), "***-**-6789");
    }

    #[test]
    fn mask_hides_short_values_entirely() {
        assert_eq!(mask("10.0.0.1"), "**.*.*.*");
    }

    #[test]
    fn fingerprint_depends_on_occurrence_and_place_but_is_never_the_plain_hash() {
        let a = fingerprint("email", "a.txt", None, None, "j***@example.com", 0);
        let b = fingerprint("email", "a.txt", None, None, "j***@example.com", 1);
        let c = fingerprint("email", "a.txt", None, Some("mail"), "j***@example.com", 0);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        let plain: String = Sha256::digest(b"j***@example.com")[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_ne!(a.as_str(), plain);
    }
}
