//! Rules as written ([`RuleDef`], straight from TOML) and as checked and compiled ([`Rule`]).
//!
//! A rules file holds one rule as top-level keys (the layout of `rules/<id>.toml`) or several
//! under `[[rules]]`. Loading reports every problem of a file at once, each with file, line,
//! rule id and field, so a user fixes a broken file in one pass.

use std::ops::Range;
use std::path::Path;

use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use toml::Spanned;

use super::validate::Validator;
use crate::finding::{Category, Severity};

/// Largest compiled size accepted for a rule's regex, so a hostile pattern cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 8 * 1024 * 1024;

/// One rule exactly as written in TOML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// snake_case id; country-specific ids start with the ISO 3166-1 alpha-2 code.
    pub id: Spanned<String>,
    /// Human-readable name.
    pub name: String,
    /// What kind of personal data the rule finds.
    pub category: Category,
    /// How bad a leak of it is.
    pub severity: Severity,
    /// Base confidence of a match that passes the validator.
    pub confidence: Spanned<f64>,
    /// Confidence used instead when the match is one unbroken run of letters and digits.
    #[serde(default)]
    pub bare_confidence: Option<Spanned<f64>>,
    /// Confidence of a finding made by a field's name alone, for a rule that also has a
    /// `regex` (a rule without one always reports named fields, at `confidence`).
    #[serde(default)]
    pub name_confidence: Option<Spanned<f64>>,
    /// Pattern of candidate values (bytes regex, Unicode off). A rule without one is a
    /// field-name rule: it reports a field whose name its `field_names` match.
    #[serde(default)]
    pub regex: Option<Spanned<String>>,
    /// Check a candidate must pass to be reported.
    #[serde(default)]
    pub validator: Option<Validator>,
    /// Looser check used instead of `validator` in a field named for the rule (by its
    /// `field_names` or `keywords`, with none of its `negative_keywords` among the name's
    /// words): the name already says what the field holds. A value
    /// that passes only this check has at most `name_confidence` (else `confidence`).
    #[serde(default)]
    pub field_validator: Option<Spanned<Validator>>,
    /// Context words that raise confidence when near a match or in its field name.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Context words that lower confidence when near a match.
    #[serde(default)]
    pub negative_keywords: Vec<String>,
    /// Field or column names that raise confidence of matches in that field; for a rule
    /// without `regex`, the names that make a finding on their own.
    #[serde(default)]
    pub field_names: Vec<String>,
    /// Regexes of values that must never be reported (an organisation's own address).
    #[serde(default)]
    pub allow: Vec<Spanned<String>>,
    /// Regex a field's value must match for the field to be reported by its name: the finding
    /// is made at the first such value (a person's name has a capital, a space or a letter
    /// beyond ASCII; the package name `my-package` in a `name` field has none).
    pub value_shape: Option<Spanned<String>>,
    /// What the rule matches, how it is validated, known false positives.
    #[serde(default)]
    pub description: String,
    /// Values the rule must and must not report; checked by tests and `rules check`.
    #[serde(default)]
    pub examples: Examples,
    /// Known test and fictitious values (published as never issued, or for testing).
    #[serde(default)]
    pub test_values: Vec<TestValueDef>,
}

/// Known test or fictitious values as written in TOML (`[[test_values]]`), given either as a
/// `pattern` or as a list of `values`: such a value is reported as a test value, capped at low
/// confidence, so it never fails CI by default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestValueDef {
    /// Regex over the matched value (anchor it with `^...$`).
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    /// Literal values compared on their letters and digits only, so that `4111111111111111`
    /// also covers `4111 1111 1111 1111` and `4111-1111-1111-1111`.
    #[serde(default)]
    pub values: Vec<String>,
    /// Who publishes the value as a test or never-issued number.
    pub source: Spanned<String>,
}

/// A compiled test value.
#[derive(Debug, Clone)]
pub struct TestValue {
    /// Matches the test values, over the matched value.
    pub pattern: Regex,
    /// Who publishes them.
    pub source: String,
}

/// A rule's own positive and negative examples.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Texts in which the rule must report something.
    #[serde(default)]
    pub positive: Vec<String>,
    /// Texts in which the rule must report nothing.
    #[serde(default)]
    pub negative: Vec<String>,
}

/// A checked, compiled rule, ready for the detector.
#[derive(Debug, Clone)]
pub struct Rule {
    /// snake_case id.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Category of the data found.
    pub category: Category,
    /// Severity of a finding.
    pub severity: Severity,
    /// Base confidence.
    pub confidence: f64,
    /// Confidence of an unbroken run of letters and digits, when it differs.
    pub bare_confidence: Option<f64>,
    /// Confidence of a field-name finding of a rule with a regex; such a rule reports the
    /// fields its `field_names` name only when this is set.
    pub name_confidence: Option<f64>,
    /// The compiled pattern; `None` for a field-name rule.
    pub regex: Option<Regex>,
    /// The pattern as written, for the combined prefilter; `None` for a field-name rule.
    pub pattern: Option<String>,
    /// Optional validator.
    pub validator: Option<Validator>,
    /// Validator used instead of `validator` in fields named for the rule; a finding that
    /// passes only this one has at most the rule's `name_confidence` (else `confidence`).
    pub field_validator: Option<Validator>,
    /// Lowercase context words.
    pub keywords: Vec<String>,
    /// Lowercase negative context words.
    pub negative_keywords: Vec<String>,
    /// Normalised field names (lowercase, letters and digits only).
    pub field_names: Vec<String>,
    /// Values never reported.
    pub allow: Vec<Regex>,
    /// A field is reported by its name only at a value matching this.
    pub value_shape: Option<Regex>,
    /// Description from the rules file.
    pub description: String,
    /// The rule's examples.
    pub examples: Examples,
    /// Known test and fictitious values.
    pub test_values: Vec<TestValue>,
    /// Where the rule came from: `builtin` or the rules file's path.
    pub source: String,
}

/// One problem in a rules file, with enough to find and fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {}{reason}", rule_prefix(.rule))]
pub struct RuleError {
    /// The rules file.
    pub file: String,
    /// 1-based line of the problem.
    pub line: usize,
    /// Id of the rule, when known.
    pub rule: Option<String>,
    /// What is wrong, naming the field.
    pub reason: String,
}

fn rule_prefix(rule: &Option<String>) -> String {
    match rule {
        Some(id) => format!("rule \"{id}\": "),
        None => String::new(),
    }
}

/// Several rules in one file, under `[[rules]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleList {
    rules: Vec<RuleDef>,
}

/// Parses and compiles every rule in `text`, read from `file`; `source` is recorded on each
/// rule. Returns every problem found, not just the first.
pub fn parse_rules(text: &str, file: &str, source: &str) -> Result<Vec<Rule>, Vec<RuleError>> {
    let defs = parse_defs(text).map_err(|err| {
        let line = err.span().map_or(1, |span| line_of(text, span.start));
        vec![RuleError {
            file: file.to_string(),
            line,
            rule: None,
            reason: err.message().trim_end().to_string(),
        }]
    })?;
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for def in defs {
        match compile(def, text, file, source) {
            Ok(rule) => rules.push(rule),
            Err(mut errs) => errors.append(&mut errs),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// Reads a rules file from disk; a file that cannot be read is one error at line 1.
pub fn load_rules_file(path: &Path) -> Result<Vec<Rule>, Vec<RuleError>> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|err| {
        vec![RuleError {
            file: file.clone(),
            line: 1,
            rule: None,
            reason: format!("cannot read rules file: {err}"),
        }]
    })?;
    parse_rules(&text, &file, &file)
}

fn parse_defs(text: &str) -> Result<Vec<RuleDef>, toml::de::Error> {
    let table: toml::Table = toml::from_str(text)?;
    if table.contains_key("rules") {
        Ok(toml::from_str::<RuleList>(text)?.rules)
    } else {
        Ok(vec![toml::from_str::<RuleDef>(text)?])
    }
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count() + 1
}

fn compile(def: RuleDef, text: &str, file: &str, source: &str) -> Result<Rule, Vec<RuleError>> {
    let id = def.id.get_ref().clone();
    let mut errors = Vec::new();
    let mut fail = |span: Range<usize>, reason: String| {
        errors.push(RuleError {
            file: file.to_string(),
            line: line_of(text, span.start),
            rule: Some(id.clone()),
            reason,
        })
    };
    if !is_rule_id(&id) {
        fail(
            def.id.span(),
            "field \"id\": must be snake_case (a-z, 0-9, _), starting with a letter".into(),
        );
    }
    let confidence = *def.confidence.get_ref();
    if !(0.0..=1.0).contains(&confidence) {
        fail(
            def.confidence.span(),
            format!("field \"confidence\": {confidence} is outside [0, 1]"),
        );
    }
    if let Some(bare) = &def.bare_confidence
        && !(0.0..=1.0).contains(bare.get_ref())
    {
        fail(
            bare.span(),
            format!(
                "field \"bare_confidence\": {} is outside [0, 1]",
                bare.get_ref()
            ),
        );
    }
    if let Some(name) = &def.name_confidence
        && !(0.0..=1.0).contains(name.get_ref())
    {
        fail(
            name.span(),
            format!(
                "field \"name_confidence\": {} is outside [0, 1]",
                name.get_ref()
            ),
        );
    }
    if let Some(field_validator) = &def.field_validator
        && def.validator.is_none()
    {
        fail(
            field_validator.span(),
            "field \"field_validator\": needs a \"validator\", which it replaces in named fields"
                .into(),
        );
    }
    let regex = match &def.regex {
        Some(pattern) => compile_regex(pattern.get_ref())
            .map(Some)
            .map_err(|reason| fail(pattern.span(), format!("field \"regex\": {reason}")))
            .ok(),
        None if def.field_names.is_empty() => {
            fail(
                def.id.span(),
                "a rule needs a \"regex\", or \"field_names\" to match column names".into(),
            );
            None
        }
        None => Some(None),
    };
    let mut allow = Vec::new();
    for pattern in &def.allow {
        match compile_regex(pattern.get_ref()) {
            Ok(re) => allow.push(re),
            Err(reason) => fail(pattern.span(), format!("field \"allow\": {reason}")),
        }
    }
    let value_shape = def.value_shape.as_ref().and_then(|pattern| {
        compile_regex(pattern.get_ref())
            .map_err(|reason| fail(pattern.span(), format!("field \"value_shape\": {reason}")))
            .ok()
    });
    let mut test_values = Vec::new();
    for value in &def.test_values {
        let span = value
            .pattern
            .as_ref()
            .map_or(value.source.span(), Spanned::span);
        match test_value_pattern(value).and_then(|p| compile_regex(&p)) {
            Ok(pattern) => test_values.push(TestValue {
                pattern,
                source: value.source.get_ref().clone(),
            }),
            Err(reason) => fail(span, format!("field \"test_values\": {reason}")),
        }
    }
    match regex {
        Some(regex) if errors.is_empty() => Ok(Rule {
            id,
            name: def.name,
            category: def.category,
            severity: def.severity,
            confidence,
            bare_confidence: def.bare_confidence.map(|b| *b.get_ref()),
            name_confidence: def.name_confidence.map(|n| *n.get_ref()),
            regex,
            pattern: def.regex.map(Spanned::into_inner),
            validator: def.validator,
            field_validator: def.field_validator.map(Spanned::into_inner),
            keywords: lowercase(def.keywords),
            negative_keywords: lowercase(def.negative_keywords),
            field_names: def
                .field_names
                .iter()
                .map(|f| normalize_field_name(f))
                .collect(),
            allow,
            value_shape,
            description: def.description,
            examples: def.examples,
            test_values,
            source: source.to_string(),
        }),
        _ => Err(errors),
    }
}

/// The regex of one `[[test_values]]` entry: its `pattern`, or its `values` joined into one
/// anchored alternation that skips anything but letters and digits between their characters.
fn test_value_pattern(def: &TestValueDef) -> Result<String, String> {
    match (&def.pattern, def.values.is_empty()) {
        (Some(pattern), true) => Ok(pattern.get_ref().clone()),
        (None, false) => {
            let mut alternatives = Vec::new();
            for value in &def.values {
                let chars: Vec<String> = value
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(String::from)
                    .collect();
                if chars.is_empty() {
                    return Err(format!("value {value:?} has no letters or digits"));
                }
                alternatives.push(chars.join("[^0-9A-Za-z]*"));
            }
            Ok(format!("^(?:{})$", alternatives.join("|")))
        }
        _ => Err("give either \"pattern\" or \"values\"".into()),
    }
}

/// Compiles a rule pattern the way the detector runs it: bytes, Unicode off, size-limited.
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|err| format!("invalid regex: {}", first_line(&err.to_string())))
}

fn first_line(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}

fn is_rule_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn lowercase(words: Vec<String>) -> Vec<String> {
    words.into_iter().map(|w| w.to_lowercase()).collect()
}

/// Normalises a field or column name for comparison: lowercase letters and digits only
/// (`E-Mail Address` → `emailaddress`).
pub fn normalize_field_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = r#"
id = "acme_badge"
name = "ACME badge number"
category = "credential"
severity = "low"
confidence = 0.6
regex = '''ACME-[0-9]{6}'''
keywords = ["Badge"]
"#;

    #[test]
    fn single_rule_file_compiles() {
        let rules = parse_rules(VALID, "acme.toml", "acme.toml").expect("valid rule");
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].id, "acme_badge");
        assert_eq!(rules[0].keywords, vec!["badge"]);
    }

    #[test]
    fn list_of_rules_compiles() {
        let text = VALID.replace("id =", "[[rules]]\nid =");
        let rules = parse_rules(&text, "acme.toml", "acme.toml").expect("valid rules");
        assert_eq!(rules[0].id, "acme_badge");
    }

    #[test]
    fn bad_regex_names_line_rule_and_field() {
        let text = VALID.replace("ACME-[0-9]{6}", "ACME-([0-9]{6}");
        let errors = parse_rules(&text, "acme.toml", "acme.toml").expect_err("bad regex");
        assert_eq!(errors.len(), 1);
        let message = errors[0].to_string();
        assert!(
            message.starts_with("acme.toml:7: rule \"acme_badge\": field \"regex\""),
            "{message}"
        );
    }

    #[test]
    fn bad_value_shape_names_its_line_and_field() {
        let text = format!("{VALID}value_shape = \"[A-Z\"\n");
        let errors = parse_rules(&text, "acme.toml", "acme.toml").expect_err("bad value_shape");
        let message = errors[0].to_string();
        assert!(
            message.starts_with("acme.toml:9: rule \"acme_badge\": field \"value_shape\""),
            "{message}"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = VALID
            .replace("0.6", "1.5")
            .replace("acme_badge", "Acme Badge");
        let errors = parse_rules(&text, "acme.toml", "acme.toml").expect_err("two problems");
        assert_eq!(errors.len(), 2, "{errors:?}");
    }

    #[test]
    fn unknown_field_is_an_error_with_line() {
        let text = format!("{VALID}colour = \"red\"\n");
        let errors = parse_rules(&text, "acme.toml", "acme.toml").expect_err("unknown field");
        assert_eq!(errors[0].line, 9, "{errors:?}");
        assert!(errors[0].reason.contains("colour"), "{errors:?}");
    }

    #[test]
    fn rule_without_regex_is_a_field_name_rule() {
        let text = VALID.replace("regex = '''ACME-[0-9]{6}'''", "field_names = [\"badge\"]");
        let rules = parse_rules(&text, "acme.toml", "acme.toml").expect("field-name rule");
        assert!(rules[0].regex.is_none());
        let bare = VALID.replace("regex = '''ACME-[0-9]{6}'''", "");
        let errors = parse_rules(&bare, "acme.toml", "acme.toml").expect_err("nothing to match");
        assert!(errors[0].reason.contains("field_names"), "{errors:?}");
    }

    #[test]
    fn field_validator_replaces_a_validator_only() {
        let with_both =
            format!("{VALID}validator = \"phone\"\nfield_validator = \"phone_possible\"\n");
        let rules = parse_rules(&with_both, "acme.toml", "acme.toml").expect("both validators");
        assert_eq!(rules[0].field_validator, Some(Validator::PhonePossible));
        let alone = format!("{VALID}field_validator = \"phone_possible\"\n");
        let errors = parse_rules(&alone, "acme.toml", "acme.toml").expect_err("nothing to replace");
        assert_eq!(errors[0].line, 9, "{errors:?}");
        assert!(errors[0].reason.contains("field_validator"), "{errors:?}");
    }

    #[test]
    fn test_values_compile_and_bad_ones_name_their_field() {
        let text = format!(
            "{VALID}[[test_values]]\npattern = \"^ACME-000000$\"\nsource = \"ACME docs\"\n"
        );
        let rules = parse_rules(&text, "acme.toml", "acme.toml").expect("valid test value");
        assert!(rules[0].test_values[0].pattern.is_match(b"ACME-000000"));
        let broken = text.replace("^ACME-000000$", "^ACME-(");
        let errors = parse_rules(&broken, "acme.toml", "acme.toml").expect_err("bad pattern");
        assert!(errors[0].reason.contains("test_values"), "{errors:?}");
    }

    #[test]
    fn test_values_listed_as_values_match_whatever_the_separators() {
        let text = format!(
            "{VALID}[[test_values]]\nvalues = [\"4111111111111111\", \"GB82 WEST\"]\nsource = \"docs\"\n"
        );
        let rules = parse_rules(&text, "acme.toml", "acme.toml").expect("valid test values");
        let pattern = &rules[0].test_values[0].pattern;
        for value in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "GB82WEST",
        ] {
            assert!(pattern.is_match(value.as_bytes()), "{value}");
        }
        for value in ["4111111111111112", "41111111111111111", "x4111111111111111"] {
            assert!(!pattern.is_match(value.as_bytes()), "{value}");
        }
    }

    #[test]
    fn test_value_needs_exactly_one_of_pattern_and_values() {
        let both = format!(
            "{VALID}[[test_values]]\npattern = \"^A$\"\nvalues = [\"A\"]\nsource = \"docs\"\n"
        );
        let neither = format!("{VALID}[[test_values]]\nsource = \"docs\"\n");
        let empty = format!("{VALID}[[test_values]]\nvalues = [\"--\"]\nsource = \"docs\"\n");
        for text in [both, neither, empty] {
            let errors = parse_rules(&text, "acme.toml", "acme.toml").expect_err("bad entry");
            assert!(errors[0].reason.contains("test_values"), "{errors:?}");
            assert!(errors[0].line >= 10, "{errors:?}");
        }
    }

    #[test]
    fn field_names_are_normalised() {
        assert_eq!(normalize_field_name("E-Mail Address"), "emailaddress");
        assert_eq!(normalize_field_name("first_name"), "firstname");
    }
}
