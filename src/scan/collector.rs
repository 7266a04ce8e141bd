//! Making findings: the matches of each cell of one file become findings, masked,
//! fingerprinted, counted for the data map and encoded, and leave in batches for the outlet.

use super::{Outlet, ScanConfig};
use crate::datamap;
use crate::detect::{Detector, Match, Scratch, ignore};
use crate::extract::{Cell, Escape, char_count};
use crate::finding::{self, Evidence, FindingEncoder, Parts, RuleParts};
use crate::report::findings::{self, Lines};
use crate::walk::SourceFile;

/// Occurrence counter key of a fingerprint: a 64-bit hash of rule, container, field and
/// masked value. A file can hold hundreds of thousands of distinct masked values (phone
/// numbers keep their shape and last four digits); 16 bytes per entry keep that to a few
/// megabytes, where the strings themselves took over a hundred.
type OccurrenceKey = u64;

/// The [`OccurrenceKey`] of a finding: foldhash's quality hasher with its fixed seed (the
/// same within one run, which is all the counter needs). A collision would only shift one
/// occurrence number (fingerprints stay distinct); among a million keys its odds are about
/// one in thirty million.
fn occurrence_key(rule: &str, cell: &Cell<'_>, masked: &str) -> OccurrenceKey {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::default().hash_one((rule, cell.container, cell.field, masked))
}

/// Turns the matches of each cell of one file into findings, fingerprints and counts them,
/// and hands them to the outlet in batches.
pub(super) struct Collector<'a> {
    file: &'a SourceFile,
    config: &'a ScanConfig,
    detector: &'a Detector,
    /// The file's index in walk order, and where its batches go.
    outlet: (usize, &'a Outlet<'a>),
    matches: Vec<Match>,
    scratch: Scratch,
    /// Encodes the file's findings.
    encoder: FindingEncoder,
    /// The batch being filled, and the number of batches handed over.
    findings: Lines,
    batches: u64,
    /// Findings so far per fingerprint key, for the occurrence number.
    seen: foldhash::HashMap<OccurrenceKey, u64>,
    tally: datamap::FindingTally,
    fields: datamap::FieldTally,
    matched_rules: Vec<usize>,
    /// Per field slot, the field-name findings waiting for a value of their rule's
    /// `value_shape`: (rule, confidence).
    waiting: Vec<Vec<(usize, f64)>>,
    ignored: u64,
}

/// What collecting the findings of one file leaves for the report.
pub(super) struct Collected {
    /// The file's fields and their values and matches, for the data map.
    pub fields: datamap::FileFields,
    /// Its findings, counted per place.
    pub tally: datamap::FindingTally,
    /// Findings silenced by a `piimap:ignore` marker.
    pub ignored: u64,
    /// Batches handed over under the file's index, counting those of files before it under
    /// the same index (the members of an archive).
    pub batches: u64,
}

impl<'a> Collector<'a> {
    /// A collector for `file`, whose batches go to the outlet under `index`, numbered from
    /// `first_batch` on.
    pub(super) fn new(
        file: &'a SourceFile,
        config: &'a ScanConfig,
        detector: &'a Detector,
        (index, outlet): (usize, &'a Outlet<'a>),
        first_batch: u64,
    ) -> Self {
        Collector {
            file,
            config,
            detector,
            outlet: (index, outlet),
            matches: Vec::new(),
            scratch: Scratch::default(),
            encoder: FindingEncoder::new(&file.display),
            findings: Lines::with_capacity(findings::BATCH),
            batches: first_batch,
            seen: foldhash::HashMap::default(),
            tally: datamap::FindingTally::default(),
            fields: datamap::FieldTally::default(),
            matched_rules: Vec::new(),
            waiting: Vec::new(),
            ignored: 0,
        }
    }

    /// Makes the findings of `cell`.
    pub(super) fn add(&mut self, cell: &Cell<'_>) {
        self.matches.clear();
        self.detector
            .detect_in(cell, &mut self.scratch, &mut self.matches);
        self.matches
            .retain(|m| m.confidence >= self.config.min_confidence);
        self.matches.sort_by_key(|m| m.start);
        if let Some(field) = cell.field {
            self.count_field(cell, field);
        }
        let mut lines = LineTracker::new(cell);
        // Taken out while findings are pushed, and put back to keep its allocation.
        let matches = std::mem::take(&mut self.matches);
        let has_marker = !matches.is_empty() && ignore::has_marker(cell.text);
        for m in &matches {
            if has_marker
                && ignore::is_ignored(cell.text, m.start, &self.detector.rules()[m.rule].id)
            {
                self.ignored += 1;
                continue;
            }
            let (line, column) = lines.position_of(m.start);
            let raw = String::from_utf8_lossy(&cell.text[m.start..m.end]);
            let spot = Spot {
                rule: m.rule,
                confidence: m.confidence,
                evidence: Evidence::Value,
                position: (line, column),
                test_value: m.test_value,
            };
            self.push(&spot, cell, &raw);
        }
        self.matches = matches;
    }

    /// Counts the cell's value and matches for its field; at the field's first value, records
    /// which rules its name names and reports the field-name rules that name it.
    fn count_field(&mut self, cell: &Cell<'_>, field: &str) {
        let Some((slot, is_new)) = self.fields.count(cell.container, field) else {
            return;
        };
        if is_new {
            self.name_field(cell, field, slot);
        } else if self.waiting.get(slot).is_some_and(|w| !w.is_empty()) {
            self.name_field_at_shape(cell, slot);
        }
        self.matched_rules.clear();
        self.matched_rules
            .extend(self.matches.iter().map(|m| m.rule));
        self.matched_rules.sort_unstable();
        self.matched_rules.dedup();
        let rules = self.detector.rules();
        let count = self.fields.slot_mut(slot);
        for &rule in &self.matched_rules {
            let id = &rules[rule].id;
            match count.matched.get_mut(id) {
                Some(values) => *values += 1,
                None => {
                    count.matched.insert(id.clone(), 1);
                }
            }
        }
    }

    fn name_field(&mut self, cell: &Cell<'_>, field: &str, slot: usize) {
        let rules = self.detector.rules();
        let named = self
            .detector
            .value_rules_named_by(field)
            .map(|i| rules[i].id.clone());
        self.fields.slot_mut(slot).named.extend(named);
        let mut waiting = Vec::new();
        for (rule, confidence) in self.detector.name_rules(field) {
            // A value rule reported by the field's name (a phone column holding placeholders)
            // is not reported twice at one spot when the first value is already a match.
            let found_by_value = self.matches.iter().any(|m| m.rule == rule);
            if confidence >= self.config.min_confidence && !found_by_value {
                waiting.push((rule, confidence));
            }
        }
        if self.waiting.len() <= slot {
            self.waiting.resize_with(slot + 1, Vec::new);
        }
        self.waiting[slot] = waiting;
        self.name_field_at_shape(cell, slot);
    }

    /// Reports the field-name findings waiting in `slot` whose rule's `value_shape` (if any)
    /// `cell`'s value has, at `cell`: a field named for a person's name is reported at its
    /// first value that looks like one, not at an empty cell or a package name.
    fn name_field_at_shape(&mut self, cell: &Cell<'_>, slot: usize) {
        // Checked on the cell's bytes: a column waiting for a name's shape is looked at on
        // every row until one comes, and only the finding made needs a string.
        let value = first_line(cell.text);
        let mut waiting = std::mem::take(&mut self.waiting[slot]);
        waiting.retain(|&(rule, confidence)| {
            let shaped = self.detector.rules()[rule]
                .value_shape
                .as_ref()
                .is_none_or(|shape| shape.is_match(value));
            if shaped {
                let spot = Spot {
                    rule,
                    confidence,
                    evidence: Evidence::FieldName,
                    position: (cell.line, cell.column),
                    test_value: false,
                };
                self.push(&spot, cell, &String::from_utf8_lossy(value));
            }
            !shaped
        });
        self.waiting[slot] = waiting;
    }

    /// Makes the finding at `spot` in `cell`, holding `raw` masked: fingerprints it (the n-th
    /// finding of the file with the same rule, place and masked value gets occurrence n),
    /// counts it, encodes it, and hands the batch over when it is full.
    fn push(&mut self, spot: &Spot, cell: &Cell<'_>, raw: &str) {
        let rule = &self.detector.rules()[spot.rule];
        let masked = masked(spot.evidence, raw);
        let occurrence = self
            .seen
            .entry(occurrence_key(&rule.id, cell, &masked))
            .or_default();
        let fingerprint = finding::fingerprint(
            &rule.id,
            &self.file.display,
            cell.container,
            cell.field,
            &masked,
            *occurrence,
        );
        *occurrence += 1;
        let place = (self.file.display.as_str(), cell.container, cell.field);
        self.tally.count(place, &rule.id, spot.evidence);
        let rule_parts = RuleParts {
            index: spot.rule,
            id: &rule.id,
            category: rule.category,
            severity: rule.severity,
        };
        let parts = Parts {
            confidence: spot.confidence,
            evidence: spot.evidence,
            line: spot.position.0,
            column: spot.position.1,
            container: cell.container,
            field: cell.field,
            locator: cell.locator,
            value: if self.config.show_values {
                raw
            } else {
                &masked
            },
            fingerprint: &fingerprint,
            test_value: spot.test_value,
        };
        let encoder = &mut self.encoder;
        self.findings.push_with(rule.severity, |out| {
            encoder.encode(&rule_parts, &parts, out)
        });
        if self.findings.len() >= findings::BATCH {
            self.hand_over();
        }
    }

    fn hand_over(&mut self) {
        let (index, outlet) = self.outlet;
        let full = Lines::with_capacity(findings::BATCH);
        outlet.batch(
            index,
            self.batches,
            std::mem::replace(&mut self.findings, full),
        );
        self.batches += 1;
    }

    /// Hands over the last batch and returns what the report needs of the file.
    pub(super) fn finish(mut self) -> Collected {
        if !self.findings.is_empty() {
            self.hand_over();
        }
        Collected {
            fields: datamap::FileFields {
                path: self.file.display.clone(),
                counts: self.fields.into_counts(),
                sampled: Vec::new(),
            },
            tally: self.tally,
            ignored: self.ignored,
            batches: self.batches,
        }
    }
}

/// Characters of a field's value that a finding by the field's name holds.
const FIELD_VALUE_CHARS: usize = 64;

/// The first line of `text` without its line break, cut after [`FIELD_VALUE_CHARS`] characters:
/// the value a finding by field name holds, and what a rule's `value_shape` is matched against.
fn first_line(text: &[u8]) -> &[u8] {
    let line = match memchr::memchr(b'\n', text) {
        Some(end) => text[..end].strip_suffix(b"\r").unwrap_or(&text[..end]),
        None => text,
    };
    // A character starts at every byte but a UTF-8 continuation byte (10xxxxxx).
    let cut = line
        .iter()
        .enumerate()
        .filter(|&(_, byte)| byte & 0xC0 != 0x80)
        .nth(FIELD_VALUE_CHARS)
        .map_or(line.len(), |(at, _)| at);
    &line[..cut]
}

/// Where a finding is, of which rule, and how sure.
struct Spot {
    rule: usize,
    confidence: f64,
    evidence: Evidence,
    /// 1-based line and character column.
    position: (u64, u64),
    test_value: bool,
}

/// `raw` as a report shows it. A finding by field name holds the field's first value, often
/// free text (a name, an address, a diagnosis): the last characters that [`finding::mask`]
/// keeps of a number would give too much away there, so every letter and digit goes.
fn masked(evidence: Evidence, raw: &str) -> String {
    match evidence {
        Evidence::FieldName => finding::mask_all(raw),
        Evidence::Value => finding::mask(raw),
    }
}

/// Converts byte offsets in a cell, visited in increasing order, to 1-based line and character
/// column, reading each byte of the text at most once. Columns count the characters of the
/// source: an escape decoded in the text (`\"` in JSON) counts as written.
struct LineTracker<'c> {
    text: &'c [u8],
    escapes: &'c [Escape],
    line: u64,
    line_start: usize,
    line_start_column: u64,
    /// Offset up to which the text has been read, and its characters since the line's start:
    /// a line holding 300,000 matches is read once, not once per match.
    read_to: usize,
    chars_on_line: u64,
    /// Escapes passed so far, and the characters they add on the current line.
    escapes_passed: usize,
    extra_on_line: u64,
}

impl<'c> LineTracker<'c> {
    fn new(cell: &Cell<'c>) -> Self {
        LineTracker {
            text: cell.text,
            escapes: cell.escapes,
            line: cell.line,
            line_start: 0,
            line_start_column: cell.column,
            read_to: 0,
            chars_on_line: 0,
            escapes_passed: 0,
            extra_on_line: 0,
        }
    }

    fn position_of(&mut self, offset: usize) -> (u64, u64) {
        let segment = &self.text[self.read_to..offset];
        match memchr::memrchr(b'\n', segment) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', segment).count() as u64;
                self.line_start = self.read_to + last + 1;
                self.line_start_column = 1;
                self.chars_on_line = char_count(&segment[last + 1..]);
                self.extra_on_line = 0;
            }
            None => self.chars_on_line += char_count(segment),
        }
        self.read_to = offset;
        while let Some(escape) = self.escapes.get(self.escapes_passed)
            && escape.at <= offset
        {
            if escape.at > self.line_start {
                self.extra_on_line += u64::from(escape.extra);
            }
            self.escapes_passed += 1;
        }
        (
            self.line,
            self.line_start_column + self.chars_on_line + self.extra_on_line,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_shift_columns_on_their_own_line_only() {
        // Source `"a""b` then a line break, then `c jane`: the `""` is one `"` in the text.
        let escapes = [Escape { at: 2, extra: 1 }];
        let cell = Cell {
            column: 2,
            escapes: &escapes,
            ..Cell::plain(b"a\"b\nc jane", 7)
        };
        let mut lines = LineTracker::new(&cell);
        assert_eq!(lines.position_of(2), (7, 5), "b after the escape");
        assert_eq!(lines.position_of(6), (8, 3), "jane on the next line");
    }

    #[test]
    fn line_tracker_counts_lines_and_characters_from_offset_to_offset() {
        let text = "ab\ncdé f\ng".as_bytes();
        let cell = Cell::plain(text, 7);
        let mut lines = LineTracker::new(&cell);
        assert_eq!(lines.position_of(1), (7, 2));
        assert_eq!(lines.position_of(4), (8, 2));
        assert_eq!(lines.position_of(4), (8, 2));
        assert_eq!(lines.position_of(8), (8, 5), "é is one character");
        assert_eq!(lines.position_of(10), (9, 1));
    }

    #[test]
    fn first_line_stops_at_the_line_break_and_after_64_characters() {
        assert_eq!(first_line(b"Jane Doe\r\nsecond"), b"Jane Doe");
        assert_eq!(
            first_line(b"Jane\r"),
            b"Jane\r",
            "a lone \\r is no line break"
        );
        let long = "é".repeat(70);
        assert_eq!(first_line(long.as_bytes()), "é".repeat(64).as_bytes());
    }

    #[test]
    fn occurrence_keys_tell_every_part_apart() {
        let cell = Cell {
            field: Some("email"),
            ..Cell::plain(b"j.doe@example.com", 3)
        };
        let key = occurrence_key("email", &cell, "j***@example.com");
        assert_eq!(key, occurrence_key("email", &cell, "j***@example.com"));
        assert_ne!(key, occurrence_key("email", &cell, "k***@example.com"));
        assert_ne!(key, occurrence_key("phone", &cell, "j***@example.com"));
        let moved = Cell { line: 90, ..cell };
        assert_eq!(key, occurrence_key("email", &moved, "j***@example.com"));
        let elsewhere = Cell {
            field: None,
            ..cell
        };
        assert_ne!(key, occurrence_key("email", &elsewhere, "j***@example.com"));
        let contained = Cell {
            container: Some("email"),
            field: None,
            ..cell
        };
        assert_ne!(
            occurrence_key("email", &contained, "j***@example.com"),
            occurrence_key("email", &elsewhere, "j***@example.com")
        );
    }
}
