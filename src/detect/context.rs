//! Context scoring: keywords near a match, and field names that say what a column holds.
//!
//! Keywords match whole words, case-insensitively, on the match's own line within
//! [`WINDOW`] bytes of it: the keyword `lic` does not fire inside `duplicate`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::rule::{Rule, normalize_field_name};

/// How far, in bytes, before and after a match a keyword counts as near.
const WINDOW: usize = 48;

/// A rule's compiled context words.
#[derive(Debug)]
pub struct Context {
    keywords: Option<AhoCorasick>,
    negative: Option<AhoCorasick>,
    keyword_names: Vec<String>,
}

impl Context {
    /// Compiles the keyword automata of `rule`.
    pub fn new(rule: &Rule) -> Self {
        Context {
            keywords: automaton(&rule.keywords),
            negative: automaton(&rule.negative_keywords),
            keyword_names: rule
                .keywords
                .iter()
                .map(|k| normalize_field_name(k))
                .collect(),
        }
    }

    /// True when a keyword stands near `text[start..end]` on the same line.
    pub fn is_near(&self, text: &[u8], start: usize, end: usize) -> bool {
        has_word_near(self.keywords.as_ref(), text, start, end)
    }

    /// True when a negative keyword stands near `text[start..end]` on the same line.
    pub fn is_negative_near(&self, text: &[u8], start: usize, end: usize) -> bool {
        has_word_near(self.negative.as_ref(), text, start, end)
    }

    /// True when the normalised field name is one of the rule's field names or keywords, or
    /// starts or ends with one of at least four letters (`customer_email`, `phone_number`).
    pub fn names_field(&self, field: &str, rule: &Rule) -> bool {
        rule.field_names
            .iter()
            .chain(&self.keyword_names)
            .any(|name| {
                !name.is_empty()
                    && (field == name
                        || (name.len() >= 4
                            && (field.starts_with(name.as_str())
                                || field.ends_with(name.as_str()))))
            })
    }
}

fn automaton(words: &[String]) -> Option<AhoCorasick> {
    if words.is_empty() {
        return None;
    }
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(words)
        .ok()
}

fn has_word_near(automaton: Option<&AhoCorasick>, text: &[u8], start: usize, end: usize) -> bool {
    let Some(automaton) = automaton else {
        return false;
    };
    let from = line_bound_before(text, start);
    let to = line_bound_after(text, end);
    let window = &text[from..to];
    automaton.find_iter(window).any(|hit| {
        let before = hit.start().checked_sub(1).map(|i| window[i]);
        let after = window.get(hit.end()).copied();
        !before.is_some_and(is_word_byte) && !after.is_some_and(is_word_byte)
    })
}

fn line_bound_before(text: &[u8], start: usize) -> usize {
    let from = start.saturating_sub(WINDOW);
    memchr::memrchr(b'\n', &text[from..start]).map_or(from, |i| from + i + 1)
}

fn line_bound_after(text: &[u8], end: usize) -> usize {
    let to = (end + WINDOW).min(text.len());
    memchr::memchr(b'\n', &text[end..to]).map_or(to, |i| end + i)
}

/// Letters, digits and bytes of multi-byte UTF-8 characters continue a word.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(words: &[&str], text: &str, needle: &str) -> bool {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let start = text.find(needle).expect("needle in text");
        has_word_near(
            automaton(&words).as_ref(),
            text.as_bytes(),
            start,
            start + needle.len(),
        )
    }

    #[test]
    fn keyword_matches_whole_words_only() {
        assert!(near(&["lic"], "lic no 12345", "12345"));
        assert!(!near(&["lic"], "duplicate 12345", "12345"));
    }

    #[test]
    fn keyword_is_case_insensitive_and_line_bound() {
        assert!(near(&["ssn"], "SSN: 123-45-6789", "123-45-6789"));
        assert!(!near(&["ssn"], "ssn\n123-45-6789", "123-45-6789"));
    }
}
