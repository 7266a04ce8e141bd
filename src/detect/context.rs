//! Context scoring: keywords near a match, and field names that say what a column holds.
//!
//! Keywords match whole words, case-insensitively, on the match's own line within
//! [`WINDOW`] bytes of it: the keyword `lic` does not fire inside `duplicate`, nor `nin`
//! inside `Ninä` or `Janina`. Scripts written without spaces between words (Chinese,
//! Japanese, Korean with its attached particles, Thai) have no word boundaries to test, so a
//! keyword such as `身份证` fires inside `身份证号码`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::rule::{Rule, normalize_field_name};
use crate::finding::Category;

/// How far, in bytes, before and after a match a keyword counts as near.
pub(super) const WINDOW: usize = 48;

/// A rule's compiled context words.
#[derive(Debug, Clone)]
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
        self.names(rule).any(|name| {
            !name.is_empty()
                && (field == name
                    || (name.len() >= 4
                        && (field.starts_with(name.as_str()) || field.ends_with(name.as_str()))))
        })
    }

    /// The rule's field names and keywords, normalised.
    pub(super) fn names<'a>(&'a self, rule: &'a Rule) -> impl Iterator<Item = &'a String> {
        rule.field_names.iter().chain(&self.keyword_names)
    }
}

/// The keywords of every identifier rule (national ids and health numbers), to tell when a
/// match of one rule sits next to words that name another identifier: `SSN: 063-84-8216` is
/// no phone number, `NHS number 943 476 5919` neither.
#[derive(Debug, Clone)]
pub struct IdentifierWords {
    automaton: Option<AhoCorasick>,
    /// For each keyword of the automaton, the rules that list it.
    owners: Vec<Vec<usize>>,
    /// Indices of the identifier rules.
    rules: Vec<usize>,
}

impl IdentifierWords {
    /// Collects the keywords of the identifier rules among `rules`.
    pub fn new(rules: &[Rule]) -> Self {
        let mut words: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let identifiers: Vec<usize> = (0..rules.len())
            .filter(|&i| matches!(rules[i].category, Category::NationalId | Category::Health))
            .collect();
        for &i in &identifiers {
            for word in &rules[i].keywords {
                match words.iter().position(|w| w == word) {
                    Some(at) => owners[at].push(i),
                    None => {
                        words.push(word.clone());
                        owners.push(vec![i]);
                    }
                }
            }
        }
        IdentifierWords {
            automaton: automaton(&words),
            owners,
            rules: identifiers,
        }
    }

    /// True when a keyword of an identifier rule other than `rule` stands near
    /// `text[start..end]`, as a whole word on the same line.
    pub fn names_other_near(&self, rule: usize, text: &[u8], start: usize, end: usize) -> bool {
        let Some(automaton) = &self.automaton else {
            return false;
        };
        words_near(automaton, text, start, end)
            .any(|hit| !self.owners[hit.pattern().as_usize()].contains(&rule))
    }

    /// The identifier rules, by index.
    pub fn rules(&self) -> &[usize] {
        &self.rules
    }

    /// True when rule `index` is an identifier rule.
    pub fn includes(&self, index: usize) -> bool {
        self.rules.binary_search(&index).is_ok()
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
    words_near(automaton, text, start, end).next().is_some()
}

/// The hits of `automaton` that stand as whole words around `text[start..end]`, where context
/// words count: its own line, at most [`WINDOW`] bytes either side. Whole words are judged in
/// the text, not the window: a window edge does not end a word (`stillborn` holds no `born`).
fn words_near<'a>(
    automaton: &'a AhoCorasick,
    text: &'a [u8],
    start: usize,
    end: usize,
) -> impl Iterator<Item = aho_corasick::Match> + 'a {
    let from = line_bound_before(text, start);
    let window = &text[from..line_bound_after(text, end)];
    automaton
        .find_iter(window)
        .filter(move |hit| is_whole_word(text, from + hit.start(), from + hit.end()))
}

/// True when `text[start..end]` is not glued to letters or digits on either side.
pub(super) fn is_whole_word(text: &[u8], start: usize, end: usize) -> bool {
    !continues_word(char_before(text, start)) && !continues_word(char_after(text, end))
}

/// A neighbouring character of a keyword hit, `Err` when the bytes there are not UTF-8.
type Neighbour = Result<Option<char>, ()>;

/// The character that ends just before byte `at`.
fn char_before(text: &[u8], at: usize) -> Neighbour {
    if at == 0 {
        return Ok(None);
    }
    let Some(from) = (at.saturating_sub(4)..at)
        .rev()
        .find(|&i| !is_continuation(text[i]))
    else {
        return Err(());
    };
    let decoded = std::str::from_utf8(&text[from..at]).map_err(|_| ())?;
    Ok(decoded.chars().next_back())
}

/// The character that starts at byte `at`.
fn char_after(text: &[u8], at: usize) -> Neighbour {
    let Some(&first) = text.get(at) else {
        return Ok(None);
    };
    let len = match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    };
    let bytes = text.get(at..at + len).ok_or(())?;
    let decoded = std::str::from_utf8(bytes).map_err(|_| ())?;
    Ok(decoded.chars().next())
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Whether a neighbour glues a keyword into a longer word: letters and digits of scripts that
/// separate words by spaces do; punctuation, spaces and CJK, kana, Hangul or Thai characters do
/// not. Bytes that are not UTF-8 count as word characters, to stay on the safe side.
fn continues_word(neighbour: Neighbour) -> bool {
    match neighbour {
        Err(()) => true,
        Ok(None) => false,
        Ok(Some(c)) => c.is_alphanumeric() && !is_unspaced_script(c),
    }
}

/// Scripts written without spaces between words.
fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0E7F}'     // Thai
        | '\u{1100}'..='\u{11FF}'   // Hangul Jamo
        | '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'   // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK Unified Ideographs
        | '\u{AC00}'..='\u{D7AF}'   // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK Compatibility Ideographs
    )
}

fn line_bound_before(text: &[u8], start: usize) -> usize {
    let from = start.saturating_sub(WINDOW);
    memchr::memrchr(b'\n', &text[from..start]).map_or(from, |i| from + i + 1)
}

fn line_bound_after(text: &[u8], end: usize) -> usize {
    let to = (end + WINDOW).min(text.len());
    memchr::memchr(b'\n', &text[end..to]).map_or(to, |i| end + i)
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
    fn keyword_does_not_fire_inside_non_ascii_words() {
        assert!(!near(&["nin"], "Ninä 12345", "12345"));
        assert!(!near(&["sin"], "Gösin 12345", "12345"));
        assert!(near(&["nir"], "«NIR» 12345", "12345"));
        assert!(near(&["secu"], "n° secu: 12345", "12345"));
    }

    #[test]
    fn keyword_fires_inside_unspaced_scripts() {
        assert!(near(&["身份证"], "身份证号码：12345", "12345"));
        assert!(near(&["주민등록번호"], "주민등록번호는 12345", "12345"));
        assert!(near(&["マイナンバー"], "マイナンバー：12345", "12345"));
    }

    #[test]
    fn keyword_next_to_invalid_utf8_is_not_a_whole_word() {
        let text = b"\xffssn 123-45-6789";
        let words = vec!["ssn".to_string()];
        assert!(!has_word_near(
            automaton(&words).as_ref(),
            text,
            5,
            text.len()
        ));
    }

    #[test]
    fn keyword_is_case_insensitive_and_line_bound() {
        assert!(near(&["ssn"], "SSN: 123-45-6789", "123-45-6789"));
        assert!(!near(&["ssn"], "ssn\n123-45-6789", "123-45-6789"));
    }
}
