//! Field names as evidence: the words of a column header or JSON pointer, compared with the
//! `field_names` of field-name rules (rules without a `regex`, such as `person_name`).
//!
//! A name is split into lowercase words at separators, case changes and letter/digit
//! boundaries (`HireDate` → `hire date`, `FRST_NM` → `frst nm`). A rule's field name matches
//! when consecutive words spell it (`first name`, `FirstName` and `firstname` all spell
//! `firstname`), so `name` matches `Last Name` but not `username`, and `birthdate` matches
//! `BirthDate` but not `HireDate`. A word that spells one of the rule's `negative_keywords`
//! anywhere in the name (`track` in `/Track/*/Name`, `mail` in `E-Mail Address`) vetoes it.
//! Only the last two segments of a JSON pointer count (`/*/name/first` → `name first`), so a
//! document's outer keys do not leak into every field.

/// The words of one field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldWords {
    words: Vec<String>,
}

impl FieldWords {
    /// Splits `field` (a header, or a JSON pointer starting with `/`) into words.
    pub fn new(field: &str) -> Self {
        let text = if field.starts_with('/') {
            let segments: Vec<&str> = field
                .split('/')
                .filter(|s| !s.is_empty() && *s != "*" && !s.bytes().all(|b| b.is_ascii_digit()))
                .collect();
            segments[segments.len().saturating_sub(2)..].join(" ")
        } else {
            field.to_string()
        };
        FieldWords {
            words: split_words(&text),
        }
    }

    /// True when consecutive words spell one of `names` and no run of words spells one of
    /// `vetoes` (all normalised: lowercase letters and digits).
    pub fn is_named(&self, names: &[String], vetoes: &[String]) -> bool {
        names.iter().any(|n| self.spells(n)) && self.avoids(vetoes)
    }

    /// True when no run of consecutive words spells one of `vetoes` (normalised), or its
    /// plural: `/modules/*/methods/*/name` is vetoed by `method` as `method_name` is.
    pub fn avoids(&self, vetoes: &[String]) -> bool {
        !vetoes.iter().any(|v| self.spells_as(v, true))
    }

    /// True when a run of consecutive words concatenates to `name`.
    fn spells(&self, name: &str) -> bool {
        self.spells_as(name, false)
    }

    /// True when a run of consecutive words concatenates to `name`, or with `plural` to `name`
    /// followed by `s` or `es`.
    fn spells_as(&self, name: &str, plural: bool) -> bool {
        if name.is_empty() {
            return false;
        }
        (0..self.words.len()).any(|start| {
            let mut rest = name;
            for word in &self.words[start..] {
                if plural && matches!(word.strip_prefix(rest), Some("s" | "es")) {
                    return true;
                }
                match rest.strip_prefix(word.as_str()) {
                    Some("") => return true,
                    Some(tail) => rest = tail,
                    None => return false,
                }
            }
            false
        })
    }
}

/// Which rules each normalised name (a field name or keyword of the rule) belongs to, to find
/// the rules whose names the words of a field spell with one lookup per run of words.
#[derive(Debug, Clone)]
pub struct NameIndex {
    rules_by_name: foldhash::HashMap<String, Vec<usize>>,
}

impl NameIndex {
    /// Indexes the names of each rule: `names[i]` are rule `i`'s, normalised.
    pub fn new<'a>(names: impl IntoIterator<Item = impl IntoIterator<Item = &'a String>>) -> Self {
        let mut rules_by_name: foldhash::HashMap<String, Vec<usize>> = Default::default();
        for (rule, names) in names.into_iter().enumerate() {
            for name in names.into_iter().filter(|n| !n.is_empty()) {
                let rules = rules_by_name.entry(name.clone()).or_default();
                if rules.last() != Some(&rule) {
                    rules.push(rule);
                }
            }
        }
        NameIndex { rules_by_name }
    }

    /// Marks in `named` each rule one of whose names a run of consecutive `words` spells.
    pub fn mark_spelled(&self, words: &FieldWords, named: &mut [bool]) {
        let mut run = String::new();
        for start in 0..words.words.len() {
            run.clear();
            for word in &words.words[start..] {
                run.push_str(word);
                for &rule in self.rules_by_name.get(&run).into_iter().flatten() {
                    named[rule] = true;
                }
            }
        }
    }
}

/// Lowercase words of `text`: split at anything not alphanumeric, before an upper-case letter
/// that follows a lower-case one, and between letters and digits.
fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            flush(&mut word, &mut words);
            previous = None;
            continue;
        }
        if let Some(p) = previous {
            let case_change = p.is_lowercase() && c.is_uppercase();
            let digit_change = p.is_ascii_digit() != c.is_ascii_digit();
            if case_change || digit_change {
                flush(&mut word, &mut words);
            }
        }
        word.extend(c.to_lowercase());
        previous = Some(c);
    }
    flush(&mut word, &mut words);
    words
}

fn flush(word: &mut String, words: &mut Vec<String>) {
    if !word.is_empty() {
        words.push(std::mem::take(word));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn named(field: &str, patterns: &[&str], vetoes: &[&str]) -> bool {
        FieldWords::new(field).is_named(&names(patterns), &names(vetoes))
    }

    #[test]
    fn words_split_at_case_separators_and_digits() {
        assert_eq!(FieldWords::new("HireDate").words, ["hire", "date"]);
        assert_eq!(FieldWords::new("FRST_NM").words, ["frst", "nm"]);
        assert_eq!(FieldWords::new("Address 1").words, ["address", "1"]);
        assert_eq!(FieldWords::new("address1").words, ["address", "1"]);
        assert_eq!(FieldWords::new("Prénom").words, ["prénom"]);
    }

    #[test]
    fn consecutive_words_spell_a_name() {
        for field in [
            "first_name",
            "FirstName",
            "First Name",
            "firstname",
            "FIRST-NAME",
        ] {
            assert!(named(field, &["firstname"], &[]), "{field}");
        }
        assert!(named("BirthDate", &["birthdate"], &[]));
        assert!(!named("HireDate", &["birthdate", "dob"], &[]));
        assert!(!named("InvoiceDate", &["birthdate", "dob"], &[]));
        assert!(!named("termstart", &["birthdate", "dob"], &[]));
    }

    #[test]
    fn a_word_inside_a_longer_word_does_not_count() {
        assert!(!named("username", &["name"], &[]));
        assert!(named("Last Name [2000: LastName]", &["name"], &[]));
    }

    #[test]
    fn plural_vetoes_win() {
        assert!(!named("/modules/*/methods/*/name", &["name"], &["method"]));
        assert!(!named("Classes Name", &["name"], &["class"]));
        assert!(
            named("classic_name", &["name"], &["class"]),
            "a plural, not any longer word"
        );
    }

    #[test]
    fn vetoes_win() {
        assert!(!named("E-Mail Address", &["address"], &["mail"]));
        assert!(!named("/Track/*/Name", &["name"], &["track"]));
        assert!(named("/Customer/*/FirstName", &["name"], &["track"]));
    }

    #[test]
    fn the_name_index_finds_rules_spelled_by_runs_of_words() {
        let ssn = names(&["ssn"]);
        let email = names(&["email", "mail"]);
        let index = NameIndex::new([&ssn, &email]);
        let spelled = |field: &str| {
            let mut named = vec![false; 2];
            index.mark_spelled(&FieldWords::new(field), &mut named);
            named
        };
        assert_eq!(spelled("customer_ssn"), [true, false]);
        assert_eq!(spelled("E-Mail"), [false, true]);
        assert_eq!(spelled("lessons"), [false, false]);
        assert_eq!(spelled("/applicant/ssn"), [true, false]);
    }

    #[test]
    fn json_pointers_use_their_last_two_named_segments() {
        assert_eq!(FieldWords::new("/*/name/first").words, ["name", "first"]);
        assert_eq!(
            FieldWords::new("/users/3/bio/birthday").words,
            ["bio", "birthday"]
        );
        assert_eq!(FieldWords::new("/email").words, ["email"]);
    }
}
