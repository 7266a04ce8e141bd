//! Validators: checks in Rust that a candidate must pass to be reported (check digits, ranges).
//!
//! A rule names its validator in TOML (`validator = "luhn"`); each family lives in its own file
//! with its published test vectors. A number that fails its check is never reported.

mod credit_card;
mod date_ids;
mod de_tax_id;
mod email;
mod gb_nino;
mod iban;
mod ip;
mod iso7064;
mod it_fiscal_code;
mod luhn;
mod mod10;
mod mod11;
mod mod23;
mod mrz;
mod numeric;
mod phone;
mod us_itin;
mod us_ssn;
mod verhoeff;

use serde::Deserialize;

/// Starts loading libphonenumber's metadata (about 0.1 s of parsing) on a thread of its own,
/// to be ready, or nearly, by the time the first phone number needs it: a scan of a few files
/// then no longer waits for it after compiling the rules.
pub fn preload_phone_metadata() {
    std::thread::spawn(phone::load_metadata);
}

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
    /// Phone number of a length and general form its country's plan allows, assigned or not:
    /// for fields named as phone numbers (`field_validator`), where test and made-up numbers
    /// are phone numbers too.
    PhonePossible,
    /// IPv4 or IPv6 address, not a loopback, unspecified or version-like value.
    IpAddress,
    /// E-mail address: local part and domain within RFC 5321 limits, a letters-only TLD.
    Email,
    /// Austrian social insurance number: birth date and mod-11 check digit.
    AtSvnr,
    /// Australian Medicare card: weighted mod-10 check digit.
    AuMedicare,
    /// Australian Tax File Number: weighted sum divisible by 11.
    AuTfn,
    /// Belgian national register number: birth date and mod-97 key.
    BeNrn,
    /// A real calendar date in 1900-2099, ISO or day/month/year.
    BirthDate,
    /// Brazilian CPF: two mod-11 check digits, no repeated digits.
    BrCpf,
    /// Chilean RUT: mod-11 check character (0-9 or K).
    ClRut,
    /// Chinese resident id: birth date and ISO 7064 MOD 11-2.
    CnResidentId,
    /// German Steuer-IdNr: digit distribution and ISO 7064 MOD 11,10.
    DeTaxId,
    /// Danish CPR number: a real birth date for its century digit.
    DkCpr,
    /// GS1 EAN-13 check digit (Swiss AHV number).
    Ean13,
    /// Spanish DNI: mod-23 check letter.
    EsDni,
    /// Spanish NIE: X/Y/Z prefix and mod-23 check letter.
    EsNie,
    /// Finnish HETU: birth date, century sign and mod-31 check character.
    FiHetu,
    /// French NIR: sex, month, department and mod-97 key.
    FrNir,
    /// UK NHS number: mod-11 check digit.
    GbNhs,
    /// UK National Insurance number: HMRC's prefix and suffix rules.
    GbNino,
    /// Passport MRZ line (ICAO 9303 TD3): all five check digits and dates.
    IcaoMrz,
    /// Irish PPSN: mod-23 check letter.
    IePpsn,
    /// Italian codice fiscale: birth date and check letter.
    ItFiscalCode,
    /// Japanese My Number: mod-11 check digit.
    JpMyNumber,
    /// Korean resident registration number: birth date and check digit.
    KrRrn,
    /// Mexican CURP: birth date, state and mod-10 check digit.
    MxCurp,
    /// Dutch BSN: the elfproef (mod 11).
    NlBsn,
    /// Norwegian fødselsnummer: birth date and two mod-11 check digits.
    NoFodselsnummer,
    /// New Zealand IRD number: range and mod-11 check digit.
    NzIrd,
    /// Polish PESEL: birth date and weighted mod-10 check digit.
    PlPesel,
    /// Portuguese NIF: mod-11 check digit.
    PtNif,
    /// Swedish personnummer: birth date and Luhn check digit.
    SePersonnummer,
    /// Singapore NRIC/FIN: series letter and mod-11 check letter.
    SgNric,
    /// US ITIN: 9XX with an ITIN group in the fourth and fifth digits.
    UsItin,
    /// Verhoeff check digit, 12 digits starting 2-9 (Indian Aadhaar).
    Verhoeff,
    /// South African id: birth date, citizenship digit and Luhn.
    ZaId,
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
            Validator::PhonePossible => "phone_possible",
            Validator::IpAddress => "ip_address",
            Validator::Email => "email",
            Validator::AtSvnr => "at_svnr",
            Validator::AuMedicare => "au_medicare",
            Validator::AuTfn => "au_tfn",
            Validator::BeNrn => "be_nrn",
            Validator::BirthDate => "birth_date",
            Validator::BrCpf => "br_cpf",
            Validator::ClRut => "cl_rut",
            Validator::CnResidentId => "cn_resident_id",
            Validator::DeTaxId => "de_tax_id",
            Validator::DkCpr => "dk_cpr",
            Validator::Ean13 => "ean13",
            Validator::EsDni => "es_dni",
            Validator::EsNie => "es_nie",
            Validator::FiHetu => "fi_hetu",
            Validator::FrNir => "fr_nir",
            Validator::GbNhs => "gb_nhs",
            Validator::GbNino => "gb_nino",
            Validator::IcaoMrz => "icao_mrz",
            Validator::IePpsn => "ie_ppsn",
            Validator::ItFiscalCode => "it_fiscal_code",
            Validator::JpMyNumber => "jp_my_number",
            Validator::KrRrn => "kr_rrn",
            Validator::MxCurp => "mx_curp",
            Validator::NlBsn => "nl_bsn",
            Validator::NoFodselsnummer => "no_fodselsnummer",
            Validator::NzIrd => "nz_ird",
            Validator::PlPesel => "pl_pesel",
            Validator::PtNif => "pt_nif",
            Validator::SePersonnummer => "se_personnummer",
            Validator::SgNric => "sg_nric",
            Validator::UsItin => "us_itin",
            Validator::Verhoeff => "verhoeff",
            Validator::ZaId => "za_id",
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
            Validator::PhonePossible => phone::is_possible(candidate, ctx.region),
            Validator::IpAddress => ip::is_valid(candidate),
            Validator::Email => email::is_valid(candidate),
            Validator::AtSvnr => date_ids::is_valid(candidate, date_ids::Scheme::AtSvnr),
            Validator::AuMedicare => mod10::is_valid(candidate, mod10::Scheme::AuMedicare),
            Validator::AuTfn => mod11::is_valid(candidate, mod11::Scheme::AuTfn),
            Validator::BeNrn => date_ids::is_valid(candidate, date_ids::Scheme::BeNrn),
            Validator::BirthDate => date_ids::is_valid(candidate, date_ids::Scheme::BirthDate),
            Validator::BrCpf => mod11::is_valid(candidate, mod11::Scheme::BrCpf),
            Validator::ClRut => mod11::is_valid(candidate, mod11::Scheme::ClRut),
            Validator::CnResidentId => {
                date_ids::is_valid(candidate, date_ids::Scheme::CnResidentId)
            }
            Validator::DeTaxId => de_tax_id::is_valid(candidate),
            Validator::DkCpr => date_ids::is_valid(candidate, date_ids::Scheme::DkCpr),
            Validator::Ean13 => mod10::is_valid(candidate, mod10::Scheme::Ean13),
            Validator::EsDni => mod23::is_valid(candidate, mod23::Scheme::EsDni),
            Validator::EsNie => mod23::is_valid(candidate, mod23::Scheme::EsNie),
            Validator::FiHetu => date_ids::is_valid(candidate, date_ids::Scheme::FiHetu),
            Validator::FrNir => date_ids::is_valid(candidate, date_ids::Scheme::FrNir),
            Validator::GbNhs => mod11::is_valid(candidate, mod11::Scheme::GbNhs),
            Validator::GbNino => gb_nino::is_valid(candidate),
            Validator::IcaoMrz => mrz::is_valid(candidate),
            Validator::IePpsn => mod23::is_valid(candidate, mod23::Scheme::IePpsn),
            Validator::ItFiscalCode => it_fiscal_code::is_valid(candidate),
            Validator::JpMyNumber => mod11::is_valid(candidate, mod11::Scheme::JpMyNumber),
            Validator::KrRrn => date_ids::is_valid(candidate, date_ids::Scheme::KrRrn),
            Validator::MxCurp => date_ids::is_valid(candidate, date_ids::Scheme::MxCurp),
            Validator::NlBsn => mod11::is_valid(candidate, mod11::Scheme::NlBsn),
            Validator::NoFodselsnummer => {
                date_ids::is_valid(candidate, date_ids::Scheme::NoFodselsnummer)
            }
            Validator::NzIrd => mod11::is_valid(candidate, mod11::Scheme::NzIrd),
            Validator::PlPesel => date_ids::is_valid(candidate, date_ids::Scheme::PlPesel),
            Validator::PtNif => mod11::is_valid(candidate, mod11::Scheme::PtNif),
            Validator::SePersonnummer => {
                date_ids::is_valid(candidate, date_ids::Scheme::SePersonnummer)
            }
            Validator::SgNric => mod11::is_valid(candidate, mod11::Scheme::SgNric),
            Validator::UsItin => us_itin::is_valid(candidate),
            Validator::Verhoeff => verhoeff::is_valid(candidate),
            Validator::ZaId => date_ids::is_valid(candidate, date_ids::Scheme::ZaId),
        }
    }
}

/// The ASCII digits of `candidate`, in order.
pub(crate) fn digits(candidate: &str) -> impl Iterator<Item = u32> + '_ {
    candidate.chars().filter_map(|c| c.to_digit(10))
}
