//! Stage 5 of the flow: **datamap**. Aggregates findings into one row per place that holds
//! personal data: (path, container, field), with how many findings of each rule it holds.
//! Findings are counted as the scan makes them ([`FindingTally`]), so the data map never needs
//! the findings themselves, which may be far too many to hold in memory.
//!
//! For structured files (CSV, JSON, workbooks) the scan also counts, per field, how many values
//! it read and how many matched each rule ([`FieldTally`]); a row then carries the match ratio
//! and a classification: the field holds a rule's data when at least `--classify-threshold` of
//! its values match, when its name names the data and at least one value matches, or when a
//! field-name rule (no value pattern) names it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use foldhash::HashMap as FastMap;

use serde::{Deserialize, Serialize};

use crate::finding::Evidence;
#[cfg(test)]
use crate::finding::Finding;

/// Default of `--classify-threshold`: a column is classified as holding a rule's data when at
/// least this share of its values match the rule. 0.3 keeps a column of long numeric ids (one
/// in ten passes a Luhn check by chance) from reading as card numbers, while a free-text column
/// where every third entry holds a phone number still counts.
pub const DEFAULT_CLASSIFY_THRESHOLD: f64 = 0.3;

/// Distinct fields counted per file; past this (a JSON file keyed by ids), new fields are
/// still scanned but not counted, so memory stays bounded.
const MAX_FIELDS: usize = 50_000;

/// One row of the data map: a file, or a sheet/table and column inside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataMapEntry {
    /// The file, as in findings.
    pub path: String,
    /// Sheet, table or member; `null` for plain text.
    pub container: Option<String>,
    /// Column or collapsed JSON pointer; `null` for plain text.
    pub field: Option<String>,
    /// Number of findings in this place.
    pub findings: u64,
    /// Findings per rule id.
    pub by_rule: BTreeMap<String, u64>,
    /// Non-empty values read in this field; absent for plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<u64>,
    /// Per rule id: how the field's values and name agree with the rule; absent for plain text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub matches: BTreeMap<String, ColumnMatch>,
    /// Rule ids this field is classified as holding, most matched first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classification: Vec<String>,
    /// True when only the first `--sample-rows` rows of this field's table or sheet were read.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sampled: bool,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// How one field agrees with one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnMatch {
    /// Values holding at least one finding of the rule.
    pub values: u64,
    /// `values` over the field's values, rounded to three decimals.
    pub ratio: f64,
    /// The field's name names the rule's data (its `field_names` or keywords).
    pub field_name: bool,
}

/// Values read and matched in one field of one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldCount {
    /// Sheet or table, when the format has them.
    pub container: Option<String>,
    /// Column header or collapsed JSON pointer.
    pub field: String,
    /// Non-empty values read.
    pub values: u64,
    /// Values with at least one finding, per rule id.
    pub matched: BTreeMap<String, u64>,
    /// Value rules whose field names or keywords name this field.
    pub named: BTreeSet<String>,
}

/// The fields of one file, counted while its cells are scanned.
#[derive(Debug, Default)]
pub struct FieldTally {
    slots: FastMap<String, usize>,
    counts: Vec<FieldCount>,
    key: String,
}

impl FieldTally {
    /// Counts one value of `field` in `container`: returns the field's slot and whether this is
    /// its first value, or `None` once `MAX_FIELDS` fields are counted.
    pub fn count(&mut self, container: Option<&str>, field: &str) -> Option<(usize, bool)> {
        self.key.clear();
        self.key.push_str(container.unwrap_or(""));
        self.key.push('\0');
        self.key.push_str(field);
        let (slot, is_new) = match self.slots.get(self.key.as_str()) {
            Some(&slot) => (slot, false),
            None if self.counts.len() >= MAX_FIELDS => return None,
            None => {
                self.slots.insert(self.key.clone(), self.counts.len());
                self.counts.push(FieldCount {
                    container: container.map(String::from),
                    field: field.to_string(),
                    ..FieldCount::default()
                });
                (self.counts.len() - 1, true)
            }
        };
        self.counts[slot].values += 1;
        Some((slot, is_new))
    }

    /// The count in `slot`, as returned by [`FieldTally::count`].
    pub fn slot_mut(&mut self, slot: usize) -> &mut FieldCount {
        &mut self.counts[slot]
    }

    /// The counted fields.
    pub fn into_counts(self) -> Vec<FieldCount> {
        self.counts
    }
}

/// What the scan counted in one file's fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileFields {
    /// The file, as in findings.
    pub path: String,
    /// Its fields.
    pub counts: Vec<FieldCount>,
    /// Containers (`None`: the whole file) cut short by `--sample-rows`.
    pub sampled: Vec<Option<String>>,
}

/// Findings counted per place (path, container, field) as they are made, so that the data map
/// and the summary never need the findings themselves: memory grows with the number of places,
/// not of findings.
#[derive(Debug, Default)]
pub struct FindingTally {
    slots: FastMap<Vec<u8>, usize>,
    places: Vec<Place>,
    key: Vec<u8>,
}

/// The findings counted in one place.
#[derive(Debug)]
struct Place {
    path: String,
    container: Option<String>,
    field: Option<String>,
    by_rule: BTreeMap<String, u64>,
    /// Rules with a finding whose evidence is the field's name.
    by_name: BTreeSet<String>,
}

impl FindingTally {
    /// Counts `finding` in its place.
    #[cfg(test)]
    pub(crate) fn add(&mut self, finding: &Finding) {
        let location = &finding.location;
        let place = (
            finding.path.as_str(),
            location.container.as_deref(),
            location.field.as_deref(),
        );
        self.count(place, &finding.rule, finding.evidence);
    }

    /// Counts a finding of `rule` by `evidence` in `(path, container, field)`.
    pub fn count(
        &mut self,
        (path, container, field): (&str, Option<&str>, Option<&str>),
        rule: &str,
        evidence: Evidence,
    ) {
        let slot = self.slot(path, container, field);
        let place = &mut self.places[slot];
        match place.by_rule.get_mut(rule) {
            Some(count) => *count += 1,
            None => {
                place.by_rule.insert(rule.to_string(), 1);
            }
        }
        if evidence == Evidence::FieldName && !place.by_name.contains(rule) {
            place.by_name.insert(rule.to_string());
        }
    }

    /// Adds the counts of `other`.
    pub fn append(&mut self, other: FindingTally) {
        for place in other.places {
            let slot = self.slot(
                &place.path,
                place.container.as_deref(),
                place.field.as_deref(),
            );
            let into = &mut self.places[slot];
            for (rule, count) in place.by_rule {
                *into.by_rule.entry(rule).or_default() += count;
            }
            into.by_name.extend(place.by_name);
        }
    }

    /// Findings per rule id, over every place.
    pub fn by_rule(&self) -> BTreeMap<String, u64> {
        let mut total = BTreeMap::new();
        for place in &self.places {
            for (rule, count) in &place.by_rule {
                *total.entry(rule.clone()).or_default() += count;
            }
        }
        total
    }

    /// The index of the place, created empty when new. The lookup key spells `None` apart from
    /// `Some("")` and cannot run one part into the next.
    fn slot(&mut self, path: &str, container: Option<&str>, field: Option<&str>) -> usize {
        self.key.clear();
        for part in [Some(path), container, field] {
            match part {
                None => self.key.push(b'-'),
                Some(text) => {
                    self.key.push(b'+');
                    self.key.extend_from_slice(&text.len().to_le_bytes());
                    self.key.extend_from_slice(text.as_bytes());
                }
            }
        }
        if let Some(&slot) = self.slots.get(self.key.as_slice()) {
            return slot;
        }
        self.slots.insert(self.key.clone(), self.places.len());
        self.places.push(Place {
            path: path.to_string(),
            container: container.map(String::from),
            field: field.map(String::from),
            by_rule: BTreeMap::new(),
            by_name: BTreeSet::new(),
        });
        self.places.len() - 1
    }
}

/// Containers in the order people number them: `page 2` before `page 10`, `Sheet9` before
/// `Sheet10`; containers that differ only in spaces, in plain order.
fn container_order(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => natord::compare(a, b).then_with(|| a.cmp(b)),
        _ => a.cmp(&b),
    }
}

/// One row per place in `tally`, sorted by path, container (numbers in order: `page 2` before
/// `page 10`) and field; structured fields are
/// classified from their counts in `files` with `threshold` (see the module doc).
pub fn build(tally: &FindingTally, files: &[FileFields], threshold: f64) -> Vec<DataMapEntry> {
    type Key<'a> = (&'a str, Option<&'a str>, Option<&'a str>);
    let mut rows: Vec<(Key<'_>, &Place)> = tally
        .places
        .iter()
        .map(|place| {
            let key = (
                place.path.as_str(),
                place.container.as_deref(),
                place.field.as_deref(),
            );
            (key, place)
        })
        .collect();
    rows.sort_by(|(a, _), (b, _)| {
        (a.0.cmp(b.0))
            .then_with(|| container_order(a.1, b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    let counts: HashMap<Key<'_>, (&FieldCount, bool)> = files
        .iter()
        .flat_map(|file| {
            file.counts.iter().map(move |count| {
                let sampled = file
                    .sampled
                    .iter()
                    .any(|c| c.is_none() || *c == count.container);
                let key = (
                    file.path.as_str(),
                    count.container.as_deref(),
                    Some(count.field.as_str()),
                );
                (key, (count, sampled))
            })
        })
        .collect();
    rows.into_iter()
        .map(|(key, place)| {
            let (path, container, field) = key;
            let by_rule = place.by_rule.clone();
            let mut entry = DataMapEntry {
                path: path.to_string(),
                container: container.map(String::from),
                field: field.map(String::from),
                findings: by_rule.values().sum(),
                by_rule,
                values: None,
                matches: BTreeMap::new(),
                classification: Vec::new(),
                sampled: false,
            };
            if let Some((count, sampled)) = counts.get(&key) {
                classify(&mut entry, count, &place.by_name, threshold);
                entry.sampled = *sampled;
            }
            entry
        })
        .collect()
}

/// Fills `values`, `matches` and `classification` of `entry` from its field's count.
fn classify(
    entry: &mut DataMapEntry,
    count: &FieldCount,
    by_name: &BTreeSet<String>,
    threshold: f64,
) {
    entry.values = Some(count.values);
    let rules: BTreeSet<&String> = entry.by_rule.keys().chain(count.matched.keys()).collect();
    let mut classified: Vec<(f64, String)> = Vec::new();
    for rule in rules {
        let values = count.matched.get(rule).copied().unwrap_or(0);
        let ratio = if count.values == 0 {
            0.0
        } else {
            (values as f64 / count.values as f64 * 1000.0).round() / 1000.0
        };
        let name_rule = by_name.contains(rule);
        let field_name = name_rule || count.named.contains(rule);
        if name_rule || (values > 0 && (ratio >= threshold || field_name)) {
            classified.push((ratio, rule.clone()));
        }
        entry.matches.insert(
            rule.clone(),
            ColumnMatch {
                values,
                ratio,
                field_name,
            },
        );
    }
    classified.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    entry.classification = classified.into_iter().map(|(_, rule)| rule).collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Location;
    use crate::finding::{Category, Severity};

    fn finding(rule: &str, field: &str, evidence: Evidence) -> Finding {
        Finding {
            rule: rule.into(),
            category: Category::Contact,
            severity: Severity::Medium,
            confidence: 0.9,
            evidence,
            path: "a.csv".into(),
            location: Location {
                line: 2,
                column: 1,
                container: None,
                field: Some(field.into()),
                locator: None,
            },
            value: "***".into(),
            fingerprint: String::new(),
            test_value: false,
        }
    }

    fn tally(findings: &[Finding]) -> FindingTally {
        let mut tally = FindingTally::default();
        for f in findings {
            tally.add(f);
        }
        tally
    }

    fn count(field: &str, values: u64, matched: &[(&str, u64)], named: &[&str]) -> FieldCount {
        FieldCount {
            container: None,
            field: field.into(),
            values,
            matched: matched.iter().map(|(r, n)| (r.to_string(), *n)).collect(),
            named: named.iter().map(|r| r.to_string()).collect(),
        }
    }

    fn file(counts: Vec<FieldCount>, sampled: bool) -> FileFields {
        FileFields {
            path: "a.csv".into(),
            counts,
            sampled: if sampled { vec![None] } else { Vec::new() },
        }
    }

    #[test]
    fn containers_sort_by_their_numbers() {
        let mut containers = vec![Some("page 10"), Some("page 9"), None, Some("page 1")];
        containers.sort_by(|a, b| container_order(*a, *b));
        assert_eq!(
            containers,
            [None, Some("page 1"), Some("page 9"), Some("page 10")]
        );
    }

    #[test]
    fn ratio_at_threshold_classifies_below_does_not() {
        let findings = [
            finding("phone", "notes", Evidence::Value),
            finding("phone", "tel", Evidence::Value),
        ];
        let files = [file(
            vec![
                count("notes", 10, &[("phone", 1)], &[]),
                count("tel", 10, &[("phone", 3)], &[]),
            ],
            false,
        )];
        let map = build(&tally(&findings), &files, 0.3);
        assert_eq!(map[0].field.as_deref(), Some("notes"));
        assert!(map[0].classification.is_empty());
        assert_eq!(map[0].matches["phone"].ratio, 0.1);
        assert_eq!(map[1].classification, ["phone"]);
        assert_eq!(map[1].values, Some(10));
    }

    #[test]
    fn name_and_one_agreeing_value_classify() {
        let findings = [finding("phone", "phone", Evidence::Value)];
        let files = [file(
            vec![count("phone", 100, &[("phone", 1)], &["phone"])],
            false,
        )];
        let map = build(&tally(&findings), &files, 0.3);
        assert_eq!(map[0].classification, ["phone"]);
        assert!(map[0].matches["phone"].field_name);
    }

    #[test]
    fn field_name_rule_classifies_on_its_own_and_sampling_shows() {
        let findings = [finding("person_name", "first_name", Evidence::FieldName)];
        let files = [file(vec![count("first_name", 5, &[], &[])], true)];
        let map = build(&tally(&findings), &files, 0.3);
        assert_eq!(map[0].classification, ["person_name"]);
        assert!(map[0].sampled);
    }

    #[test]
    fn tally_keeps_places_apart_and_appends_per_place() {
        let mut none = finding("email", "x", Evidence::Value);
        none.location.field = None;
        let mut empty = none.clone();
        empty.location.field = Some(String::new());
        let mut tally = tally(&[none.clone(), empty]);
        tally.append(self::tally(&[
            none,
            finding("phone", "tel", Evidence::FieldName),
        ]));
        let map = build(&tally, &[], 0.3);
        let fields: Vec<Option<&str>> = map.iter().map(|r| r.field.as_deref()).collect();
        assert_eq!(fields, [None, Some(""), Some("tel")]);
        assert_eq!(map[0].findings, 2);
        assert_eq!(map[1].findings, 1);
        assert_eq!(tally.by_rule()["email"], 3);
    }

    #[test]
    fn plain_text_rows_have_no_classification() {
        let mut text = finding("email", "x", Evidence::Value);
        text.location.field = None;
        let map = build(&tally(&[text]), &[], 0.3);
        assert_eq!(map[0].values, None);
        assert!(map[0].classification.is_empty());
    }
}
