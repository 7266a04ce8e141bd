//! The built-in ruleset: every `rules/*.toml` file, compiled into the binary.
//!
//! Adding a rule is one TOML file in `rules/` and one alphabetical line here.

use super::rule::{Rule, RuleError, parse_rules};

/// (file name, contents) of each built-in rule, alphabetical by rule id.
const RULE_FILES: &[(&str, &str)] = &[
    ("ar_dni.toml", include_str!("../../rules/ar_dni.toml")),
    ("at_svnr.toml", include_str!("../../rules/at_svnr.toml")),
    (
        "au_medicare.toml",
        include_str!("../../rules/au_medicare.toml"),
    ),
    ("au_tfn.toml", include_str!("../../rules/au_tfn.toml")),
    ("be_nrn.toml", include_str!("../../rules/be_nrn.toml")),
    ("biometric.toml", include_str!("../../rules/biometric.toml")),
    ("br_cpf.toml", include_str!("../../rules/br_cpf.toml")),
    ("ca_sin.toml", include_str!("../../rules/ca_sin.toml")),
    ("ch_ahv.toml", include_str!("../../rules/ch_ahv.toml")),
    ("cl_rut.toml", include_str!("../../rules/cl_rut.toml")),
    (
        "cn_resident_id.toml",
        include_str!("../../rules/cn_resident_id.toml"),
    ),
    (
        "credit_card.toml",
        include_str!("../../rules/credit_card.toml"),
    ),
    (
        "date_of_birth.toml",
        include_str!("../../rules/date_of_birth.toml"),
    ),
    ("de_tax_id.toml", include_str!("../../rules/de_tax_id.toml")),
    ("dk_cpr.toml", include_str!("../../rules/dk_cpr.toml")),
    ("email.toml", include_str!("../../rules/email.toml")),
    ("es_dni.toml", include_str!("../../rules/es_dni.toml")),
    ("es_nie.toml", include_str!("../../rules/es_nie.toml")),
    ("ethnicity.toml", include_str!("../../rules/ethnicity.toml")),
    ("fi_hetu.toml", include_str!("../../rules/fi_hetu.toml")),
    ("fr_nir.toml", include_str!("../../rules/fr_nir.toml")),
    ("gb_nhs.toml", include_str!("../../rules/gb_nhs.toml")),
    ("gb_nino.toml", include_str!("../../rules/gb_nino.toml")),
    ("gender.toml", include_str!("../../rules/gender.toml")),
    ("genetic.toml", include_str!("../../rules/genetic.toml")),
    ("health.toml", include_str!("../../rules/health.toml")),
    ("iban.toml", include_str!("../../rules/iban.toml")),
    ("ie_ppsn.toml", include_str!("../../rules/ie_ppsn.toml")),
    (
        "in_aadhaar.toml",
        include_str!("../../rules/in_aadhaar.toml"),
    ),
    ("in_pan.toml", include_str!("../../rules/in_pan.toml")),
    (
        "ip_address.toml",
        include_str!("../../rules/ip_address.toml"),
    ),
    (
        "it_fiscal_code.toml",
        include_str!("../../rules/it_fiscal_code.toml"),
    ),
    (
        "jp_my_number.toml",
        include_str!("../../rules/jp_my_number.toml"),
    ),
    ("kr_rrn.toml", include_str!("../../rules/kr_rrn.toml")),
    ("mx_curp.toml", include_str!("../../rules/mx_curp.toml")),
    ("nl_bsn.toml", include_str!("../../rules/nl_bsn.toml")),
    (
        "no_fodselsnummer.toml",
        include_str!("../../rules/no_fodselsnummer.toml"),
    ),
    ("nz_ird.toml", include_str!("../../rules/nz_ird.toml")),
    (
        "passport_mrz.toml",
        include_str!("../../rules/passport_mrz.toml"),
    ),
    (
        "person_name.toml",
        include_str!("../../rules/person_name.toml"),
    ),
    ("phone.toml", include_str!("../../rules/phone.toml")),
    ("pl_pesel.toml", include_str!("../../rules/pl_pesel.toml")),
    (
        "political_opinion.toml",
        include_str!("../../rules/political_opinion.toml"),
    ),
    (
        "postal_address.toml",
        include_str!("../../rules/postal_address.toml"),
    ),
    ("pt_nif.toml", include_str!("../../rules/pt_nif.toml")),
    ("religion.toml", include_str!("../../rules/religion.toml")),
    (
        "se_personnummer.toml",
        include_str!("../../rules/se_personnummer.toml"),
    ),
    (
        "sexual_orientation.toml",
        include_str!("../../rules/sexual_orientation.toml"),
    ),
    ("sg_nric.toml", include_str!("../../rules/sg_nric.toml")),
    (
        "trade_union.toml",
        include_str!("../../rules/trade_union.toml"),
    ),
    ("us_itin.toml", include_str!("../../rules/us_itin.toml")),
    ("us_ssn.toml", include_str!("../../rules/us_ssn.toml")),
    ("za_id.toml", include_str!("../../rules/za_id.toml")),
];

/// Compiles the built-in rules. An error here is a bug in `rules/`, caught by the tests.
pub fn rules() -> Result<Vec<Rule>, Vec<RuleError>> {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for (file, text) in RULE_FILES {
        match parse_rules(text, &format!("rules/{file}"), "builtin") {
            Ok(mut compiled) => rules.append(&mut compiled),
            Err(mut problems) => errors.append(&mut problems),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_compile_with_file_named_after_id() {
        let rules = rules().expect("built-in rules compile");
        for ((file, _), rule) in RULE_FILES.iter().zip(&rules) {
            assert_eq!(*file, format!("{}.toml", rule.id));
        }
        assert_eq!(rules.len(), RULE_FILES.len());
    }

    #[test]
    fn builtin_rule_files_are_alphabetical() {
        let names: Vec<&str> = RULE_FILES.iter().map(|(f, _)| *f).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
