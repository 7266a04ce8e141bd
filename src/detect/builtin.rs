//! The built-in ruleset: every `rules/*.toml` file, compiled into the binary.
//!
//! Adding a rule is one TOML file in `rules/` and one alphabetical line here.

use super::rule::{Rule, RuleError, parse_rules};

/// (file name, contents) of each built-in rule, alphabetical by rule id.
const RULE_FILES: &[(&str, &str)] = &[
    (
        "credit_card.toml",
        include_str!("../../rules/credit_card.toml"),
    ),
    ("email.toml", include_str!("../../rules/email.toml")),
    ("iban.toml", include_str!("../../rules/iban.toml")),
    (
        "ip_address.toml",
        include_str!("../../rules/ip_address.toml"),
    ),
    ("phone.toml", include_str!("../../rules/phone.toml")),
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
