//! Rules that only a keyword can carry to the reporting threshold.
//!
//! A rule whose confidence without context is below `--min-confidence` (a bare 9-digit number
//! that passes a national id's check digit, a date that may be a birth date) is only reported
//! when one of its keywords stands near the match or its field name names it. Such rules are
//! left out of the combined automata: they run only on the lines where a keyword of theirs
//! stands, and in fields named for them. The findings are the same as running them
//! everywhere; the timestamps of a log no longer each cost a date check.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};

use super::context::{WINDOW, is_whole_word};
use super::rule::Rule;

/// How far before or after a keyword a match may start and still be boosted by it, with
/// room for long identifiers.
const REACH: usize = WINDOW + 256;

/// The keywords of the gated rules.
#[derive(Debug, Clone)]
pub(super) struct KeywordGate {
    automaton: Option<AhoCorasick>,
    /// For each keyword of the automaton, the gated rules that list it.
    owners: Vec<Vec<usize>>,
    /// Length in bytes of the longest keyword.
    longest: usize,
}

/// A stretch of text where a gated rule must run: from `start` (matches may begin there or
/// later) to the end of the keyword's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stretch {
    /// The gated rule.
    pub rule: usize,
    /// Where its matches may start.
    pub start: usize,
    /// Matches starting after this are too far from the keyword.
    pub last_start: usize,
    /// The end of the keyword's line.
    pub line_end: usize,
}

impl KeywordGate {
    /// Collects the keywords of `gated`, indices into `rules`.
    pub fn new(rules: &[Rule], gated: &[usize]) -> Self {
        let mut words: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        for &index in gated {
            for word in &rules[index].keywords {
                match words.iter().position(|w| w.eq_ignore_ascii_case(word)) {
                    Some(at) => owners[at].push(index),
                    None => {
                        words.push(word.clone());
                        owners.push(vec![index]);
                    }
                }
            }
        }
        // Every occurrence of every keyword, overlapping ones included, so no keyword that
        // boosts a match is hidden behind a longer one. A DFA: it runs over every byte.
        let automaton = (!words.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&words)
                    .ok()
            })
            .flatten();
        let longest = words.iter().map(String::len).max().unwrap_or(0);
        KeywordGate {
            automaton,
            owners,
            longest,
        }
    }

    /// The stretches of `text` around each whole-word keyword of a gated rule.
    pub fn stretches(&self, text: &[u8], out: &mut Vec<Stretch>) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        // Most text holds no keyword at all: one search that stops at the first ending keyword
        // says so without the overlapping walk, which then starts where a keyword ending
        // there or later can start.
        let Some(first) = automaton.find(text) else {
            return;
        };
        let from = first.end().saturating_sub(self.longest);
        // The line of the last keyword: keywords come in text order, and each line's bounds
        // are looked up once, however many keywords it holds.
        let mut line: Option<(usize, usize)> = None;
        for hit in automaton.find_overlapping_iter(Input::new(text).span(from..text.len())) {
            if !is_whole_word(text, hit.start(), hit.end()) {
                continue;
            }
            let (line_start, line_end) = match line {
                Some((start, end)) if (start..=end).contains(&hit.start()) => (start, end),
                _ => {
                    let after = line.map_or(0, |(_, end)| end.min(hit.start()));
                    let start = memchr::memrchr(b'\n', &text[after..hit.start()])
                        .map_or(after, |i| after + i + 1);
                    let end = memchr::memchr(b'\n', &text[hit.end()..])
                        .map_or(text.len(), |i| hit.end() + i);
                    *line.insert((start, end))
                }
            };
            for &rule in &self.owners[hit.pattern().as_usize()] {
                out.push(Stretch {
                    rule,
                    start: hit.start().saturating_sub(REACH).max(line_start),
                    last_start: hit.end() + REACH,
                    line_end,
                });
            }
        }
    }
}

/// Joins the stretches of one rule on one line that overlap or touch, so that text under
/// several keywords (a hundred thousand `born 1980-04-12` on one line) is searched once:
/// searching each keyword's stretch alone went over the same matches again and again.
pub(super) fn merge(stretches: &mut Vec<Stretch>) {
    stretches.sort_unstable_by_key(|s| (s.rule, s.line_end, s.start));
    stretches.dedup_by(|next, kept| {
        let joins = next.rule == kept.rule
            && next.line_end == kept.line_end
            && next.start <= kept.last_start;
        if joins {
            kept.last_start = kept.last_start.max(next.last_start);
        }
        joins
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::builtin;

    fn gate_for(id: &str) -> (KeywordGate, usize) {
        let rules = builtin::rules().expect("built-in rules");
        let index = rules.iter().position(|r| r.id == id).expect("rule");
        (KeywordGate::new(&rules, &[index]), index)
    }

    #[test]
    fn stretch_covers_the_keyword_line_only() {
        let (gate, index) = gate_for("date_of_birth");
        let text = b"2024-01-02 start\nborn 1980-04-12 in Lyon\n2024-01-03 end";
        let mut out = Vec::new();
        gate.stretches(text, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].rule, index);
        assert_eq!(out[0].start, 17);
        assert_eq!(
            &text[out[0].start..out[0].line_end],
            b"born 1980-04-12 in Lyon"
        );
    }

    #[test]
    fn stretches_of_a_rule_on_a_line_join_when_they_overlap() {
        let stretch = |rule, start, last_start, line_end| Stretch {
            rule,
            start,
            last_start,
            line_end,
        };
        let mut stretches = vec![
            stretch(3, 700, 1000, 5000),
            stretch(3, 0, 300, 5000),
            stretch(3, 250, 600, 5000),
            stretch(3, 10, 400, 200),
            stretch(4, 100, 300, 5000),
        ];
        merge(&mut stretches);
        assert_eq!(
            stretches,
            vec![
                stretch(3, 10, 400, 200),
                stretch(3, 0, 600, 5000),
                stretch(3, 700, 1000, 5000),
                stretch(4, 100, 300, 5000),
            ]
        );
    }

    #[test]
    fn keyword_inside_a_word_opens_no_stretch() {
        let (gate, _) = gate_for("date_of_birth");
        let mut out = Vec::new();
        gate.stretches(b"reborn 1980-04-12 stillborn", &mut out);
        assert!(out.is_empty(), "{out:?}");
    }
}
