//! Validators: checks in Rust that a candidate must pass to be reported (check digits, ranges).
//!
//! A rule names its validator in TOML (`validator = "luhn"`); each family lives in its own file
//! with its published test vectors. A number that fails its check is never reported.

mod credit_card;
mod email;
mod iban;
mod ip;
mod luhn;
mod phone;
mod us_ssn;

use serde::Deserialize;

/// Settings a validator may need beyond the candidate itself.
#[derive(Debug, Clone)]
pub struct ValidationContext {
    /// Region assumed for phone numbers written without a country code.
    pub region: phonenumber::country::Id,
}

impl Default for ValidationContext {
    fn default() -> Self {
        ValidationContext {
            region: phonenumber::country::Id::US,
        }
    }
}

/// The named validators a rule can use. TOML spells them in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validator {
    /// Luhn mod-10 check digit over the digits of the candidate.
    Luhn,
    /// Payment card: 13-19 digits, Luhn, a known issuer prefix and length, consistent grouping.
    CreditCard,
    /// IBAN: known country, its registered length, and ISO 7064 mod 97-10.
    IbanMod97,
    /// US Social Security number: no 000/666/9xx area, no 00 group, no 0000 serial.
    UsSsn,
    /// Phone number valid for its country (libphonenumber metadata), national numbers read in
    /// the `--region` first.
    Phone,
    /// IPv4 or IPv6 address, not a loopback, unspecified or version-like value.
    IpAddress,
    /// E-mail address: local part and domain within RFC 5321 limits, a letters-only TLD.
    Email,
}

impl Validator {
    /// The TOML name of the validator.
    pub fn as_str(self) -> &'static str {
        match self {
            Validator::Luhn => "luhn",
            Validator::CreditCard => "credit_card",
            Validator::IbanMod97 => "iban_mod97",
            Validator::UsSsn => "us_ssn",
            Validator::Phone => "phone",
            Validator::IpAddress => "ip_address",
            Validator::Email => "email",
        }
    }

    /// True when `candidate` passes the check.
    pub fn check(self, candidate: &str, ctx: &ValidationContext) -> bool {
        match self {
            Validator::Luhn => luhn::is_valid(candidate),
            Validator::CreditCard => credit_card::is_valid(candidate),
            Validator::IbanMod97 => iban::is_valid(candidate),
            Validator::UsSsn => us_ssn::is_valid(candidate),
            Validator::Phone => phone::is_valid(candidate, ctx.region),
            Validator::IpAddress => ip::is_valid(candidate),
            Validator::Email => email::is_valid(candidate),
        }
    }
}

/// The ASCII digits of `candidate`, in order.
pub(crate) fn digits(candidate: &str) -> impl Iterator<Item = u32> + '_ {
    candidate.chars().filter_map(|c| c.to_digit(10))
}
