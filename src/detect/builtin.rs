//! The built-in ruleset: every `rules/*.toml` file, compiled into the binary.
//!
//! Adding a rule is one TOML file in `rules/` and one alphabetical line here.

use super::rule::{Rule, RuleError, parse_rules};

/// (file name, contents) of each built-in rule, alphabetical by rule id.
const RULE_FILES: &[(&str, &str)] = &[
    ("biometric.toml", include_str!("../../rules/biometric.toml")),
    (
        "credit_card.toml",
        include_str!("../../rules/credit_card.toml"),
    ),
    (
        "date_of_birth.toml",
        include_str!("../../rules/date_of_birth.toml"),
    ),
    ("email.toml", include_str!("../../rules/email.toml")),
    ("ethnicity.toml", include_str!("../../rules/ethnicity.toml")),
    ("gender.toml", include_str!("../../rules/gender.toml")),
    ("genetic.toml", include_str!("../../rules/genetic.toml")),
    ("health.toml", include_str!("../../rules/health.toml")),
    ("iban.toml", include_str!("../../rules/iban.toml")),
    (
        "ip_address.toml",
        include_str!("../../rules/ip_address.toml"),
    ),
    (
        "person_name.toml",
        include_str!("../../rules/person_name.toml"),
    ),
    ("phone.toml", include_str!("../../rules/phone.toml")),
    (
        "political_opinion.toml",
        include_str!("../../rules/political_opinion.toml"),
    ),
    (
        "postal_address.toml",
        include_str!("../../rules/postal_address.toml"),
    ),
    ("religion.toml", include_str!("../../rules/religion.toml")),
    (
        "sexual_orientation.toml",
        include_str!("../../rules/sexual_orientation.toml"),
    ),
    (
        "trade_union.toml",
        include_str!("../../rules/trade_union.toml"),
    ),
    ("us_ssn.toml", include_str!("../../rules/us_ssn.toml")),
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
