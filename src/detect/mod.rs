//! Stage 3 of the flow: **detect**. Finds rule matches in a [`Cell`] and scores them.
//!
//! One pass over a cell handles every rule: a combined automaton of all rule patterns finds the
//! first line that may hold a match (one glued to the token before it, such as the `01-06` of
//! a timestamp, does not count), a set search tells which rules match on that line, and
//! only those rules' regexes run there, followed by their validators and the context scoring.
//! Text without candidates costs one automaton pass and no allocation.

pub mod builtin;
mod context;
pub mod field;
pub mod ignore;
mod keyword_gate;
pub mod rule;
pub mod validate;

use regex_automata::meta;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind, PatternSet, Span};

use crate::extract::Cell;
pub use context::{Context, IdentifierWords};
pub use field::FieldWords;
use field::NameIndex;
use keyword_gate::{KeywordGate, Stretch};
pub use rule::{Rule, RuleError};
pub use validate::{ValidationContext, Validator};

/// Default of `--min-confidence`: findings below it are not reported.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.5;

/// Confidence added when a context keyword is near the match or names its field.
const CONTEXT_BOOST: f64 = 0.25;
/// Confidence removed when a negative keyword is near the match.
const NEGATIVE_PENALTY: f64 = 0.3;
/// Highest confidence of a known test value: below the default `--min-confidence`, so test
/// numbers never fail CI by default but show with `--min-confidence 0`.
pub const TEST_VALUE_CONFIDENCE: f64 = 0.2;

/// Cells up to this length without a line break skip the combined automaton: the set search
/// alone both rules them out and says which rules match, in one pass instead of two.
const SHORT_CELL: usize = 512;

/// Memory for the lazy DFA of each search that combines the rules. The combined patterns need
/// many states: with the regex crate's default (2 MB) the DFA was rebuilt over and over, and
/// a CSV of customers scanned at half the speed (the set search), a tree of source code at
/// 60% (the search for the next candidate line).
const DFA_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// One rule match inside a cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index of the rule in [`Detector::rules`].
    pub rule: usize,
    /// Byte offset of the match in the cell's text.
    pub start: usize,
    /// Byte offset just past the match.
    pub end: usize,
    /// Confidence in `[0, 1]`, rounded to two decimals.
    pub confidence: f64,
    /// The value is one of the rule's known test or fictitious values.
    pub test_value: bool,
}

/// The compiled ruleset: every rule plus the automata that run them together.
///
/// A clone shares the compiled automata but has its own scratch memory (the regex crate's
/// caches): a scan gives each thread its own clone, because a cache shared between threads
/// is handed out under a lock to all but the first thread that used it.
#[derive(Debug, Clone)]
pub struct Detector {
    rules: Vec<Rule>,
    contexts: Vec<Context>,
    identifier_words: IdentifierWords,
    /// Indices of the rules the combined automata run, in the order of their patterns: the
    /// rules with a regex that can be reported without a keyword.
    value_rules: Vec<usize>,
    /// Rules with a regex that need a keyword or field name (see [`keyword_gate`]).
    gated_rules: Vec<usize>,
    keyword_gate: KeywordGate,
    /// Indices of the rules with a value pattern (`value_rules` and `gated_rules`).
    pattern_rules: Vec<usize>,
    /// Normalised negative keywords of each rule, vetoing field names.
    name_vetoes: Vec<Vec<String>>,
    /// The rules each normalised field name or keyword names, for names made of words.
    name_index: NameIndex,
    any_rule: meta::Regex,
    /// All of `value_rules`' patterns, searched for every pattern that matches (overlapping).
    which_rules: meta::Regex,
    validation: ValidationContext,
}

/// The ruleset as a whole could not be compiled (each rule compiled alone).
#[derive(Debug, thiserror::Error)]
#[error("cannot combine the rules into one automaton: {0}")]
pub struct DetectorError(String);

impl Detector {
    /// Compiles the combined automata for `rules`. Matches below `min_confidence` may be left
    /// out: rules that need a keyword to reach it run only near their keywords.
    pub fn new(
        rules: Vec<Rule>,
        validation: ValidationContext,
        min_confidence: f64,
    ) -> Result<Self, DetectorError> {
        let (gated_rules, value_rules): (Vec<usize>, Vec<usize>) = (0..rules.len())
            .filter(|&i| rules[i].pattern.is_some())
            .partition(|&i| needs_keyword(&rules[i], min_confidence));
        let patterns: Vec<&str> = value_rules
            .iter()
            .filter_map(|&i| rules[i].pattern.as_deref())
            .collect();
        let keyword_gate = KeywordGate::new(&rules, &gated_rules);
        let any_rule = meta::Regex::builder()
            .configure(meta::Config::new().hybrid_cache_capacity(DFA_CACHE_BYTES))
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .build_many(&patterns)
            .map_err(|err| DetectorError(err.to_string()))?;
        let which_rules = meta::Regex::builder()
            .configure(
                meta::Config::new()
                    .match_kind(MatchKind::All)
                    .utf8_empty(false)
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(64 * 1024 * 1024))
                    .hybrid_cache_capacity(DFA_CACHE_BYTES),
            )
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .build_many(&patterns)
            .map_err(|err| DetectorError(err.to_string()))?;
        let contexts: Vec<Context> = rules.iter().map(Context::new).collect();
        let name_index = NameIndex::new(
            rules
                .iter()
                .zip(&contexts)
                .map(|(rule, context)| context.names(rule)),
        );
        let identifier_words = IdentifierWords::new(&rules);
        let pattern_rules = (0..rules.len())
            .filter(|&i| rules[i].pattern.is_some())
            .collect();
        let name_vetoes = rules
            .iter()
            .map(|r| {
                r.negative_keywords
                    .iter()
                    .map(|k| rule::normalize_field_name(k))
                    .collect()
            })
            .collect();
        Ok(Detector {
            rules,
            contexts,
            identifier_words,
            value_rules,
            gated_rules,
            keyword_gate,
            pattern_rules,
            name_vetoes,
            name_index,
            any_rule,
            which_rules,
            validation,
        })
    }

    /// The rules, in the order match indices refer to.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Appends every validated match in `cell` to `out`.
    pub fn detect(&self, cell: &Cell<'_>, out: &mut Vec<Match>) {
        self.detect_in(cell, &mut Scratch::default(), out);
    }

    /// Like [`Detector::detect`], reusing `scratch` from cell to cell: the cells of one column
    /// compare their field name with the rules once.
    pub fn detect_in(&self, cell: &Cell<'_>, scratch: &mut Scratch, out: &mut Vec<Match>) {
        if cell.text.is_empty() {
            return;
        }
        let field = &mut FieldName {
            raw: cell.field,
            memo: scratch,
            slot: None,
        };
        let first_new = out.len();
        self.detect_ungated(cell.text, field, out);
        if !self.gated_rules.is_empty() {
            self.detect_gated(cell.text, field, out);
        }
        drop_fragments(out, first_new, &mut field.memo.sweep);
    }

    /// Runs the combined automata over `text`, then the matching rules on the lines they
    /// point at.
    fn detect_ungated(&self, text: &[u8], field: &mut FieldName<'_, '_>, out: &mut Vec<Match>) {
        if text.len() <= SHORT_CELL && memchr::memchr(b'\n', text).is_none() {
            self.detect_line(text, 0..text.len(), field, out);
            return;
        }
        let mut pos = 0;
        while pos < text.len() {
            let input = Input::new(text).span(Span {
                start: pos,
                end: text.len(),
            });
            let Some(found) = self.any_rule.search(&input) else {
                return;
            };
            if glued_to_previous_token(text, found.start()) {
                // No rule reports a match starting there: look further on the same line.
                pos = found.start() + 1;
                continue;
            }
            let line_start = memchr::memrchr(b'\n', &text[..found.start()]).map_or(0, |i| i + 1);
            let line_end = memchr::memchr(b'\n', &text[found.start()..])
                .map_or(text.len(), |i| found.start() + i);
            self.detect_line(text, line_start..line_end.max(found.end()), field, out);
            pos = line_end.max(found.end()) + 1;
        }
    }

    /// Runs the gated rules over the whole of a field named for them, and near their keywords.
    fn detect_gated(&self, text: &[u8], field: &mut FieldName<'_, '_>, out: &mut Vec<Match>) {
        let mut stretches: Vec<Stretch> = field
            .named(self)
            .map_or(&[][..], |named| &named.gated)
            .iter()
            .map(|&rule| Stretch {
                rule,
                start: 0,
                last_start: text.len(),
                line_end: text.len(),
            })
            .collect();
        self.keyword_gate.stretches(text, &mut stretches);
        keyword_gate::merge(&mut stretches);
        // A match both the field's name and a keyword lead to is found twice: kept once.
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for stretch in &stretches {
            let Some(regex) = &self.rules[stretch.rule].regex else {
                continue;
            };
            let haystack = &text[..stretch.line_end];
            let mut at = stretch.start;
            while let Some(m) = regex.find_at(haystack, at) {
                if m.start() > stretch.last_start {
                    break;
                }
                found.push((stretch.rule, m.start(), m.end()));
                at = if m.end() > m.start() {
                    m.end()
                } else {
                    m.end() + 1
                };
                if at > haystack.len() {
                    break;
                }
            }
        }
        found.sort_unstable();
        found.dedup_by_key(|&mut (rule, start, _)| (rule, start));
        for (rule, start, end) in found {
            self.push_match(rule, text, start, end, field, out);
        }
    }

    fn detect_line(
        &self,
        text: &[u8],
        line: std::ops::Range<usize>,
        field: &mut FieldName<'_, '_>,
        out: &mut Vec<Match>,
    ) {
        let line_text = &text[line.clone()];
        let mut which = field.memo.empty_pattern_set(self.which_rules.pattern_len());
        self.which_rules
            .which_overlapping_matches(&Input::new(line_text), &mut which);
        // An empty set is common (most cells hold nothing) and iterating it visits every slot.
        if !which.is_empty() {
            for set_index in which.iter() {
                let index = self.value_rules[set_index.as_usize()];
                let Some(regex) = &self.rules[index].regex else {
                    continue;
                };
                for m in regex.find_iter(line_text) {
                    let (start, end) = (line.start + m.start(), line.start + m.end());
                    self.push_match(index, text, start, end, field, out);
                }
            }
        }
        field.memo.which = Some(which);
    }

    /// Scores the candidate `text[start..end]` of rule `index` and keeps it when it passes.
    fn push_match(
        &self,
        index: usize,
        text: &[u8],
        start: usize,
        end: usize,
        field: &mut FieldName<'_, '_>,
        out: &mut Vec<Match>,
    ) {
        if let Some(confidence) = self.score(index, text, start, end, field) {
            let test_value = is_test_value(&self.rules[index], &text[start..end]);
            out.push(Match {
                rule: index,
                start,
                end,
                confidence: if test_value {
                    confidence.min(TEST_VALUE_CONFIDENCE)
                } else {
                    confidence
                },
                test_value,
            });
        }
    }

    /// Confidence of the candidate `text[start..end]` for rule `index`, or `None` when it is not
    /// reported at all (part of a longer token, allowed, or failing the validator).
    fn score(
        &self,
        index: usize,
        text: &[u8],
        start: usize,
        end: usize,
        field: &mut FieldName<'_, '_>,
    ) -> Option<f64> {
        let rule = &self.rules[index];
        let candidate = std::str::from_utf8(&text[start..end]).ok()?;
        if candidate.is_empty()
            || continues_token(text, start, end)
            || rule.allow.iter().any(|a| a.is_match(candidate.as_bytes()))
        {
            return None;
        }
        // A value that passes only the field's looser check is as sure as the field's name.
        let mut highest = 1.0;
        if let Some(validator) = rule.validator
            && !validator.check(candidate, &self.validation)
        {
            let passes_in_field = rule.field_validator.is_some_and(|looser| {
                field.vouches_for(self, index) && looser.check(candidate, &self.validation)
            });
            if !passes_in_field {
                return None;
            }
            highest = rule.name_confidence.unwrap_or(rule.confidence);
        }
        let base = match rule.bare_confidence {
            Some(bare) if candidate.chars().all(char::is_alphanumeric) => bare,
            _ => rule.confidence,
        };
        let context = &self.contexts[index];
        let mut confidence = base;
        if field.names(self, index) || context.is_near(text, start, end) {
            confidence += CONTEXT_BOOST;
        } else if self.names_other_identifier(index, text, start, end, field) {
            confidence -= NEGATIVE_PENALTY;
        }
        if context.is_negative_near(text, start, end) {
            confidence -= NEGATIVE_PENALTY;
        }
        Some((confidence.min(highest).clamp(0.0, 1.0) * 100.0).round() / 100.0)
    }

    /// True when the words near the match, or the cell's field name, name an identifier of
    /// another rule: a match without context of its own is then taken for that identifier
    /// (the phone-shaped `943 476 5919` after `NHS number`, a card-shaped ZA id in `id_number`).
    /// A match of an identifier rule is also taken for what its field is named for, whatever
    /// that is: a BE national number's shape in a `phone` column is a phone number.
    fn names_other_identifier(
        &self,
        index: usize,
        text: &[u8],
        start: usize,
        end: usize,
        field: &mut FieldName<'_, '_>,
    ) -> bool {
        self.identifier_words
            .names_other_near(index, text, start, end)
            || field.named(self).is_some_and(|named| {
                let others = if self.identifier_words.includes(index) {
                    &named.values
                } else {
                    &named.identifiers
                };
                others.iter().any(|&other| other != index)
            })
    }

    /// Rules that report a field by its name (rules without a regex, and rules with a
    /// `name_confidence`) whose `field_names` name `field`, with the confidence of such a
    /// finding; see [`field`] for how names are compared.
    pub fn name_rules(&self, field: &str) -> Vec<(usize, f64)> {
        let words = FieldWords::new(field);
        self.rules
            .iter()
            .enumerate()
            .filter_map(|(i, rule)| {
                let confidence = match (&rule.regex, rule.name_confidence) {
                    (None, _) => rule.confidence,
                    (Some(_), Some(name)) => name,
                    (Some(_), None) => return None,
                };
                words
                    .is_named(&rule.field_names, &self.name_vetoes[i])
                    .then_some((i, confidence))
            })
            .collect()
    }

    /// The value rules (rules with a regex) whose data `field`'s name names (their
    /// `field_names` or keywords), as used to raise the confidence of matches in that field.
    pub fn value_rules_named_by(&self, field: &str) -> impl Iterator<Item = usize> + '_ {
        let named = self.rules_named_by(field);
        (0..self.rules.len()).filter(move |&i| named[i] && self.rules[i].regex.is_some())
    }

    /// Checks every rule against its own examples: each positive example must be reported by
    /// that rule at the default minimum confidence, each negative example not. Returns one
    /// message per failed example.
    pub fn check_examples(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (index, rule) in self.rules.iter().enumerate() {
            let matches = |example: &str| {
                let named = self.name_rules(example);
                if named
                    .iter()
                    .any(|(i, c)| *i == index && *c >= DEFAULT_MIN_CONFIDENCE)
                {
                    return true;
                }
                let mut out = Vec::new();
                self.detect(&Cell::plain(example.as_bytes(), 1), &mut out);
                out.iter()
                    .any(|m| m.rule == index && m.confidence >= DEFAULT_MIN_CONFIDENCE)
            };
            for example in &rule.examples.positive {
                if !matches(example) {
                    problems.push(format!(
                        "rule \"{}\": positive example {example:?} is not reported",
                        rule.id
                    ));
                }
            }
            for example in &rule.examples.negative {
                if matches(example) {
                    problems.push(format!(
                        "rule \"{}\": negative example {example:?} is reported",
                        rule.id
                    ));
                }
            }
        }
        problems
    }
}

/// Drops the matches from `matches[from..]` that lie inside a longer one of another rule that
/// is at least as sure: the digits `0766 9623 69` at the end of the IBAN
/// `NL30 HZRC 0766 9623 69` are no phone number. Matches of one span are all kept (a 9-digit
/// number may be an SSN and a BSN alike); the others keep their order.
fn drop_fragments(matches: &mut Vec<Match>, from: usize, sweep: &mut Sweep) {
    let cell = &matches[from..];
    if cell.len() < 2 {
        return;
    }
    let Sweep {
        by_start,
        fragment,
        open,
    } = sweep;
    by_start.clear();
    by_start.extend(0..cell.len());
    by_start.sort_by_key(|&i| (cell[i].start, std::cmp::Reverse(cell[i].end)));
    fragment.clear();
    fragment.resize(cell.len(), false);
    open.clear();
    for &i in by_start.iter() {
        let m = &cell[i];
        open.retain(|&o| cell[o].end > m.start);
        fragment[i] = open.iter().map(|&o| &cell[o]).any(|o| {
            o.end >= m.end && o.end - o.start > m.end - m.start && o.confidence >= m.confidence
        });
        open.push(i);
    }
    let mut index = 0;
    matches.retain(|_| {
        let keep = index < from || !fragment[index - from];
        index += 1;
        keep
    });
}

/// Scratch memory of [`drop_fragments`], kept from cell to cell.
#[derive(Debug, Default)]
struct Sweep {
    /// The cell's matches by start, longest first.
    by_start: Vec<usize>,
    /// Per match, whether it lies inside another.
    fragment: Vec<bool>,
    /// The matches that reach past the start of the one looked at: the only ones that can
    /// hold it.
    open: Vec<usize>,
}

/// True when `rule` reaches `min_confidence` only with a keyword near the match or a field
/// name naming it: its confidence without context is below the threshold.
fn needs_keyword(rule: &Rule, min_confidence: f64) -> bool {
    rule.confidence.max(rule.bare_confidence.unwrap_or(0.0)) < min_confidence
}

/// True when `value` is one of `rule`'s known test values.
fn is_test_value(rule: &Rule, value: &[u8]) -> bool {
    rule.test_values.iter().any(|t| t.pattern.is_match(value))
}

/// True when the match is glued to a longer token: `1.2.3.4.5` holds no IP address,
/// `12-123-45-6789` no SSN and `0701/114930:WARNING` no phone number. A separator (`.` or `-`)
/// next to a letter or digit on either side continues the token, and so does a colon followed
/// by a letter (a colon followed by a digit is a port: `10.0.0.1:8080`). A match grouped by
/// spaces is continued by one more space-separated group of digits or hexadecimal digits:
/// `1111 1111 1111` inside the card number `4111 1111 1111 1111` is no Aadhaar or My Number.
fn continues_token(text: &[u8], start: usize, end: usize) -> bool {
    if continues_digit_groups(text, start, end) {
        return true;
    }
    let after = end + 1 < text.len()
        && ((is_separator(text[end]) && text[end + 1].is_ascii_alphanumeric())
            || (text[end] == b':' && text[end + 1].is_ascii_alphabetic()));
    glued_to_previous_token(text, start) || after
}

/// True when a match starting at `start` follows a letter or digit and a separator: the
/// `01-06` of `2025-01-06`, or a `+` or `~` of a package version (the `20201114-4` of Debian's
/// `6.2+20201114-4`, a valid Chilean RUT's shape). Such a match is never reported, whatever its
/// rule and end.
fn glued_to_previous_token(text: &[u8], start: usize) -> bool {
    start >= 2
        && (is_separator(text[start - 1]) || matches!(text[start - 1], b'+' | b'~'))
        && text[start - 2].is_ascii_alphanumeric()
}

/// The separators that glue a match to the token next to it.
fn is_separator(byte: u8) -> bool {
    byte == b'.' || byte == b'-'
}

/// True when `text[start..end]` holds a space and, past a space on either side, stands a digit
/// or a group of hexadecimal digits: `0300 0315 0062` in the code points `05AE 0300 0315 0062`
/// of a Unicode test file is no phone number.
fn continues_digit_groups(text: &[u8], start: usize, end: usize) -> bool {
    let grouped = text[start..end].contains(&b' ');
    let before = start >= 2
        && text[start - 1] == b' '
        && (text[start - 2].is_ascii_digit() || is_hex_group(last_token(&text[..start - 1])));
    let after = end + 1 < text.len()
        && text[end] == b' '
        && (text[end + 1].is_ascii_digit() || is_hex_group(first_token(&text[end + 1..])));
    grouped && (before || after)
}

/// Longest group [`is_hex_group`] takes: a 32-bit value.
const HEX_GROUP: usize = 8;

/// The bytes of `text` after its last space, up to one more than [`HEX_GROUP`].
fn last_token(text: &[u8]) -> &[u8] {
    let tail = &text[text.len().saturating_sub(HEX_GROUP + 1)..];
    memchr::memrchr(b' ', tail).map_or(tail, |space| &tail[space + 1..])
}

/// The bytes of `text` before its first space, up to one more than [`HEX_GROUP`].
fn first_token(text: &[u8]) -> &[u8] {
    let head = &text[..text.len().min(HEX_GROUP + 1)];
    memchr::memchr(b' ', head).map_or(head, |space| &head[..space])
}

/// True when `token` is two to [`HEX_GROUP`] hexadecimal digits, at least one of them a
/// decimal digit (`05AE`, `00e0`; not `Tel`, `de`).
fn is_hex_group(token: &[u8]) -> bool {
    (2..=HEX_GROUP).contains(&token.len())
        && token.iter().all(u8::is_ascii_hexdigit)
        && token.iter().any(u8::is_ascii_digit)
}

/// What [`Detector::detect_in`] keeps from one cell to the next: which rules each field name
/// names, the set of matching rules and the memory that drops fragments, allocated once.
#[derive(Debug, Default)]
pub struct Scratch {
    slots: foldhash::HashMap<String, usize>,
    named: Vec<Named>,
    which: Option<PatternSet>,
    sweep: Sweep,
}

/// The rules one field name names.
#[derive(Debug)]
struct Named {
    /// Per rule index, whether the name names the rule's data.
    rules: Box<[bool]>,
    /// The keyword-gated rules it names, which then run over the whole field.
    gated: Box<[usize]>,
    /// The identifier rules it names (see [`IdentifierWords`]).
    identifiers: Box<[usize]>,
    /// The rules with a value pattern it names.
    values: Box<[usize]>,
    /// Per rule index, whether the name names the rule with none of the rule's negative
    /// keywords among its words (`phone` and `mobile_phone`, not `phone_id`): the rule's
    /// `field_validator` then stands in for its validator.
    vouches: Box<[bool]>,
}

/// Distinct field names a [`Scratch`] keeps before it starts over.
const FIELD_MEMO_CAPACITY: usize = 4096;

impl Scratch {
    /// An empty set for `patterns` patterns, reusing the last one's allocation (put it back
    /// in `which` after use).
    fn empty_pattern_set(&mut self, patterns: usize) -> PatternSet {
        match self.which.take() {
            Some(mut set) if set.capacity() == patterns => {
                set.clear();
                set
            }
            _ => PatternSet::new(patterns),
        }
    }

    /// The slot in `named` of `field`, computing it on first sight.
    fn slot(&mut self, detector: &Detector, field: &str) -> usize {
        if let Some(&slot) = self.slots.get(field) {
            return slot;
        }
        if self.named.len() >= FIELD_MEMO_CAPACITY {
            self.slots.clear();
            self.named.clear();
        }
        let rules = detector.rules_named_by(field);
        let named_of = |list: &[usize]| list.iter().copied().filter(|&r| rules[r]).collect();
        let words = FieldWords::new(field);
        let vouches = (0..rules.len())
            .map(|r| rules[r] && words.avoids(&detector.name_vetoes[r]))
            .collect();
        self.named.push(Named {
            gated: named_of(&detector.gated_rules),
            identifiers: named_of(detector.identifier_words.rules()),
            values: named_of(&detector.pattern_rules),
            vouches,
            rules,
        });
        self.slots.insert(field.to_owned(), self.named.len() - 1);
        self.named.len() - 1
    }
}

impl Detector {
    /// For each rule, whether `field`'s name names its data: a column's name, or a JSON
    /// pointer's last segment, alone or after its parent (`/card/number` reads `cardnumber`,
    /// `/phone/number` `phonenumber`). A negative keyword of the rule that is the whole last
    /// segment as written, in any case, vetoes it (`Said` is no `sa_id`, while `sa_id` is).
    /// Whole words of the name also name a rule, however short, when none of them spells a
    /// negative keyword (`customer_ssn`, `applicant.ssn`).
    fn rules_named_by(&self, field: &str) -> Box<[bool]> {
        let mut segments = field.rsplit('/').filter(|s| !s.is_empty() && *s != "*");
        let last = segments.next().unwrap_or(field);
        let normalized = rule::normalize_field_name(last);
        let with_parent = field
            .starts_with('/')
            .then(|| segments.next())
            .flatten()
            .map(|parent| rule::normalize_field_name(parent) + &normalized);
        // Vetoes compare with the name as written: `Said` is vetoed, `sa_id` is not.
        let as_written = last.trim().to_lowercase();
        let words = FieldWords::new(field);
        let mut spelled = vec![false; self.rules.len()];
        self.name_index.mark_spelled(&words, &mut spelled);
        self.rules
            .iter()
            .zip(&self.contexts)
            .zip(&self.name_vetoes)
            .zip(spelled)
            .map(|(((rule, context), vetoes), spelled)| {
                let named = context.names_field(&normalized, rule)
                    || with_parent
                        .as_ref()
                        .is_some_and(|joined| context.names_field(joined, rule));
                (named && !vetoes.contains(&as_written)) || (spelled && words.avoids(vetoes))
            })
            .collect()
    }
}

/// The cell's field name, compared with the rules only when a match needs it.
struct FieldName<'a, 'm> {
    raw: Option<&'a str>,
    memo: &'m mut Scratch,
    /// The field's slot in `memo`, once looked up.
    slot: Option<usize>,
}

impl FieldName<'_, '_> {
    /// True when the field's name names the data of rule `index`.
    fn names(&mut self, detector: &Detector, index: usize) -> bool {
        self.named(detector).is_some_and(|named| named.rules[index])
    }

    /// True when the field's name vouches for rule `index` (see [`Named::vouches`]).
    fn vouches_for(&mut self, detector: &Detector, index: usize) -> bool {
        self.named(detector)
            .is_some_and(|named| named.vouches[index])
    }

    /// What the field's name names; `None` for a cell outside any field.
    fn named(&mut self, detector: &Detector) -> Option<&Named> {
        let raw = self.raw?;
        let slot = match self.slot {
            Some(slot) => slot,
            None => *self.slot.insert(self.memo.slot(detector, raw)),
        };
        Some(&self.memo.named[slot])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in rules, every match kept whatever its confidence.
    fn detector() -> Detector {
        detector_at(0.0)
    }

    fn detector_at(min_confidence: f64) -> Detector {
        Detector::new(
            builtin::rules().expect("built-in rules compile"),
            ValidationContext::default(),
            min_confidence,
        )
        .expect("rules combine")
    }

    fn found(text: &str) -> Vec<(String, String, f64)> {
        let detector = detector();
        let mut out = Vec::new();
        detector.detect(&Cell::plain(text.as_bytes(), 1), &mut out);
        out.iter()
            .map(|m| {
                (
                    detector.rules()[m.rule].id.clone(),
                    text[m.start..m.end].to_string(),
                    m.confidence,
                )
            })
            .collect()
    }

    #[test]
    fn builtin_rules_match_their_examples() {
        let problems = detector().check_examples();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// Descriptions travel in SARIF logs, `rules list` and docs/rules.md: a value a rule
    /// reports there would be found in every such file.
    #[test]
    fn builtin_rule_descriptions_hold_no_reported_value() {
        let detector = detector_at(DEFAULT_MIN_CONFIDENCE);
        for rule in detector.rules() {
            let mut found = matches_in(&detector, None, &rule.description);
            found.retain(|(_, confidence)| *confidence >= DEFAULT_MIN_CONFIDENCE);
            assert!(found.is_empty(), "{}: {found:?}", rule.id);
        }
    }

    #[test]
    fn one_pass_finds_several_rules_on_several_lines() {
        let hits = found("mail jane@example.com\nnothing here\ncard 4111 1111 1111 1111 ok\n");
        let rules: Vec<&str> = hits.iter().map(|h| h.0.as_str()).collect();
        assert_eq!(rules, vec!["email", "credit_card"]);
    }

    #[test]
    fn a_package_version_holds_no_identifier() {
        assert_eq!(
            found("rut 20201114-4").len(),
            1,
            "a RUT's shape with its keyword"
        );
        assert!(found("ncurses (6.2+20201114-4) unstable; rut").is_empty());
        assert!(found("coreutils (6.10~20070907-1) experimental; rut").is_empty());
    }

    #[test]
    fn digit_groups_among_hexadecimal_groups_are_no_phone_number() {
        let rules = |text: &str| found(text).into_iter().map(|h| h.0).collect::<Vec<_>>();
        assert_eq!(rules("call 0300 0315 0062"), ["phone"]);
        assert!(rules("00E0 05AE 0300 0315 0062;").is_empty());
        assert!(rules("0300 0315 0062 1A2B").is_empty());
        assert_eq!(rules("Tel 0300 0315 0062 ok"), ["phone"]);
    }

    #[test]
    fn checksum_failure_is_not_reported() {
        assert!(found("card 4111 1111 1111 1112").is_empty());
    }

    #[test]
    fn keyword_near_raises_confidence() {
        let plain = found("value 536-22-8147");
        let with_keyword = found("SSN: 536-22-8147");
        assert!(with_keyword[0].2 > plain[0].2, "{plain:?} {with_keyword:?}");
    }

    #[test]
    fn field_name_raises_confidence_of_bare_values() {
        let in_ssn_column = confidences("us_ssn", Some("ssn"), "536228147");
        let bare = confidences("us_ssn", None, "536228147");
        assert_eq!(bare.len(), 1, "{bare:?}");
        assert!(in_ssn_column > bare, "{in_ssn_column:?} {bare:?}");
    }

    #[test]
    fn short_names_count_as_whole_words_of_a_field_name() {
        let in_ssn_column = confidences("us_ssn", Some("ssn"), "536228147");
        for field in [
            "customer_ssn",
            "applicant.ssn",
            "ApplicantSSN",
            "/applicant/ssn",
        ] {
            assert_eq!(
                confidences("us_ssn", Some(field), "536228147"),
                in_ssn_column,
                "{field}"
            );
        }
        assert!(confidences("us_ssn", Some("lessons"), "536228147") < in_ssn_column);
        let in_dob_column = confidences("date_of_birth", Some("dob"), "1984-03-12");
        assert_eq!(in_dob_column.len(), 1, "a dob column's dates are reported");
        assert_eq!(
            confidences("date_of_birth", Some("patient_dob"), "1984-03-12"),
            in_dob_column
        );
    }

    #[test]
    fn a_negative_keyword_among_the_words_vetoes_a_short_name() {
        // `tel` names phone numbers, `id` is one of the phone rule's negative keywords.
        let in_tel_column = confidences("phone", Some("home_tel"), "4155552671");
        assert!(
            in_tel_column[0] >= DEFAULT_MIN_CONFIDENCE,
            "{in_tel_column:?}"
        );
        let in_tel_id_column = confidences("phone", Some("tel_id"), "4155552671");
        assert!(in_tel_id_column < in_tel_column, "{in_tel_id_column:?}");
    }

    /// (rule id, confidence) of every match of `detector` in `value`, in a field named `field`.
    fn matches_in(detector: &Detector, field: Option<&str>, value: &str) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        let cell = Cell {
            field,
            ..Cell::plain(value.as_bytes(), 2)
        };
        detector.detect(&cell, &mut out);
        out.iter()
            .map(|m| (detector.rules()[m.rule].id.clone(), m.confidence))
            .collect()
    }

    /// The confidence of each match of rule `id` in `value`, in a field named `field`.
    fn confidences(id: &str, field: Option<&str>, value: &str) -> Vec<f64> {
        matches_in(&detector(), field, value)
            .into_iter()
            .filter(|(rule, _)| rule == id)
            .map(|(_, confidence)| confidence)
            .collect()
    }

    fn phones_in(field: Option<&str>, value: &str) -> Vec<f64> {
        confidences("phone", field, value)
    }

    #[test]
    fn unassigned_phone_number_counts_only_in_a_phone_field() {
        // Area code 222 is not assigned, so the number is not valid, but it is possible.
        assert_eq!(phones_in(Some("phone"), "+1-222-370-2217"), vec![0.6]);
        assert_eq!(phones_in(Some("/user/mobile"), "(222) 370-2217"), vec![0.6]);
        assert!(phones_in(None, "+1-222-370-2217").is_empty());
        assert!(phones_in(Some("notes"), "+1-222-370-2217").is_empty());
        // A valid number in the same field keeps the confidence of a valid one; a bare digit
        // run gets no more than a valid bare one.
        assert_eq!(phones_in(Some("phone"), "+1 415 555 2671"), vec![0.95]);
        assert_eq!(phones_in(Some("phone"), "4155552671"), vec![0.55]);
        assert_eq!(phones_in(Some("phone"), "2223702217"), vec![0.55]);
        // The field does not make a number of the wrong length possible.
        assert!(phones_in(Some("phone"), "+1 222 370 22177").is_empty());
        // A name with one of the rule's negative words names the rule but does not vouch for
        // its values: ids in `phone_id` must be valid numbers to be taken for phones.
        assert!(phones_in(Some("phone_id"), "+1-222-370-2217").is_empty());
        assert_eq!(phones_in(Some("phone_id"), "+1 415 555 2671").len(), 1);
    }

    /// The rules reported at the default threshold in `value`, in a field named `field`.
    fn reported_in(field: Option<&str>, value: &str) -> Vec<String> {
        matches_in(&detector_at(DEFAULT_MIN_CONFIDENCE), field, value)
            .into_iter()
            .filter(|(_, confidence)| *confidence >= DEFAULT_MIN_CONFIDENCE)
            .map(|(rule, _)| rule)
            .collect()
    }

    #[test]
    fn digits_inside_an_iban_are_no_phone_number() {
        // `0766 9623 69` alone is a valid number with a trunk prefix.
        assert_eq!(reported_in(None, "tel 0766 9623 69"), vec!["phone"]);
        assert_eq!(reported_in(None, "NL30 HZRC 0766 9623 69"), vec!["iban"]);
        assert_eq!(
            reported_in(Some("iban"), "NL30 HZRC 0766 9623 69"),
            vec!["iban"]
        );
    }

    #[test]
    fn fragments_go_but_matches_of_one_span_stay() {
        let at = |rule, start, end, confidence| Match {
            rule,
            start,
            end,
            confidence,
            test_value: false,
        };
        let mut matches = vec![
            at(9, 0, 4, 0.9),
            at(1, 10, 30, 0.9),
            at(2, 20, 30, 0.7),
            at(3, 10, 30, 0.6),
            at(4, 12, 16, 0.95),
        ];
        drop_fragments(&mut matches, 1, &mut Sweep::default());
        let left: Vec<usize> = matches.iter().map(|m| m.rule).collect();
        // Rule 2 lies inside rule 1's match; rule 3 has its span; rule 4 is surer than both;
        // the match before `from` is not looked at.
        assert_eq!(left, vec![9, 1, 3, 4]);
    }

    #[test]
    fn national_id_shape_in_a_phone_column_is_a_phone_number() {
        assert_eq!(reported_in(Some("phone"), "094051 45268"), vec!["phone"]);
        assert_eq!(
            reported_in(Some("niss"), "094051 45268"),
            vec!["be_nrn"],
            "in a column named for it, the national number stays"
        );
    }

    #[test]
    fn ssn_layout_is_no_phone_number() {
        assert!(reported_in(None, "support ticket ref 016-00-2567 reopened").is_empty());
        assert_eq!(reported_in(None, "SSN 085-20-0545"), vec!["us_ssn"]);
    }

    #[test]
    fn json_parent_segment_names_a_generic_field() {
        let cards_in = |field| confidences("credit_card", Some(field), "4532015112830366");
        assert_eq!(cards_in("/payment_method/card/number"), vec![0.55]);
        assert_eq!(cards_in("/order/number"), vec![0.3]);
        assert_eq!(
            cards_in("/card/id"),
            vec![0.3],
            "a vetoing last segment wins"
        );
    }

    #[test]
    fn space_grouped_match_inside_longer_grouping_is_not_reported() {
        let inside_card: Vec<String> = found("card 4111 1111 1111 1111")
            .into_iter()
            .map(|(rule, ..)| rule)
            .collect();
        assert_eq!(inside_card, vec!["credit_card"]);
        let aadhaar = found("Aadhaar 2341 2341 2346.");
        assert!(
            aadhaar.iter().any(|(rule, ..)| rule == "in_aadhaar"),
            "{aadhaar:?}"
        );
    }

    #[test]
    fn test_values_are_flagged_and_capped_below_the_default_threshold() {
        let detector = detector();
        for text in ["SSN: 078-05-1120", "ITIN 987-65-4321"] {
            let mut out = Vec::new();
            detector.detect(&Cell::plain(text.as_bytes(), 1), &mut out);
            let flagged: Vec<&Match> = out.iter().filter(|m| m.test_value).collect();
            assert!(!flagged.is_empty(), "{text}: {out:?}");
            assert!(
                flagged
                    .iter()
                    .all(|m| m.confidence <= TEST_VALUE_CONFIDENCE),
                "{text}: {out:?}"
            );
            assert!(
                out.iter().all(|m| m.confidence < DEFAULT_MIN_CONFIDENCE),
                "{text}: {out:?}"
            );
        }
        let mut real = Vec::new();
        detector.detect(&Cell::plain(b"SSN: 078-05-1121", 1), &mut real);
        assert!(
            real.iter()
                .any(|m| !m.test_value && m.confidence >= DEFAULT_MIN_CONFIDENCE),
            "{real:?}"
        );
    }

    #[test]
    fn identifier_word_cut_by_the_window_edge_does_not_cost_confidence() {
        // The window after the number ends inside `final`; its `fin` (Singapore's FIN) is no
        // word there, so the phone number keeps its confidence.
        let text = "Grace can be reached on 844-468-1876 during office hours. Nobody objected to the final";
        let phone = found(text)
            .into_iter()
            .find(|(rule, ..)| rule == "phone")
            .expect("phone found");
        assert!(phone.2 >= DEFAULT_MIN_CONFIDENCE, "{phone:?}");
    }

    #[test]
    fn values_after_a_timestamp_are_found_on_its_line() {
        // `01-06` and `06 00` in each timestamp have a phone number's shape but are glued to
        // the year, so the search for a candidate line goes on past them.
        let log = "2025-01-06 00:00:00.306 INFO job done\n\
                   2025-01-06 00:00:01.128 INFO mail to jane@example.com, tel +44 20 7946 0958\n";
        let detector = detector_at(DEFAULT_MIN_CONFIDENCE);
        let values: Vec<&str> = reported(&detector, &Cell::plain(log.as_bytes(), 1))
            .iter()
            .map(|&(_, start, end, _)| &log[start..end])
            .collect();
        assert_eq!(values, vec!["jane@example.com", "+44 20 7946 0958"]);
    }

    #[test]
    fn dotted_version_is_not_an_ip_address() {
        assert!(found("build 1.2.3.4.5 done").is_empty());
        assert_eq!(found("from 10.0.0.1.")[0].1, "10.0.0.1");
    }

    /// Matches at or above the default threshold, as (rule, start, end, confidence).
    fn reported(detector: &Detector, cell: &Cell<'_>) -> Vec<(usize, usize, usize, u64)> {
        let mut out = Vec::new();
        detector.detect(cell, &mut out);
        let mut kept: Vec<_> = out
            .iter()
            .filter(|m| m.confidence >= DEFAULT_MIN_CONFIDENCE)
            .map(|m| (m.rule, m.start, m.end, (m.confidence * 100.0) as u64))
            .collect();
        kept.sort_unstable();
        kept
    }

    #[test]
    fn keyword_gated_rules_report_what_running_everywhere_reports() {
        let everywhere = detector();
        let gated = detector_at(DEFAULT_MIN_CONFIDENCE);
        assert!(!gated.gated_rules.is_empty());
        let corpus = include_str!("../../tests/accuracy/corpus.tsv");
        let mut compared = 0;
        for line in corpus.lines().filter(|l| !l.starts_with('#')) {
            let mut columns = line.splitn(3, '\t');
            let (_, field, text) = (columns.next(), columns.next(), columns.next());
            let (Some(field), Some(text)) = (field, text) else {
                continue;
            };
            let cell = Cell {
                field: (field != "-").then_some(field),
                ..Cell::plain(text.as_bytes(), 1)
            };
            let expected = reported(&everywhere, &cell);
            assert_eq!(reported(&gated, &cell), expected, "{line}");
            compared += usize::from(!expected.is_empty());
        }
        assert!(compared > 1000, "only {compared} lines with findings");
        let log = "2024-05-01T10:00:00Z born 1980-04-12 in Utrecht\n\
                   2024-05-01T10:00:01Z pid 4242 date 2024-05-01 ok\n";
        let cell = Cell::plain(log.as_bytes(), 1);
        let expected = reported(&everywhere, &cell);
        assert!(!expected.is_empty());
        assert_eq!(reported(&gated, &cell), expected);
    }
}
