//! Stage 5 of the flow: **datamap**. Aggregates findings into one row per place that holds
//! personal data: (path, container, field), with how many findings of each rule it holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

/// Default of `--classify-threshold`: a column is classified as holding a rule's data when at
/// least this share of its values match the rule. 0.3 keeps a column of long numeric ids (one
/// in ten passes a Luhn check by chance) from reading as card numbers, while a free-text column
/// where every third entry holds a phone number still counts.
pub const DEFAULT_CLASSIFY_THRESHOLD: f64 = 0.3;

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
}

/// Groups `findings` by (path, container, field), in that order.
pub fn build(findings: &[Finding]) -> Vec<DataMapEntry> {
    type Key<'a> = (&'a str, Option<&'a str>, Option<&'a str>);
    let mut rows: BTreeMap<Key<'_>, BTreeMap<String, u64>> = BTreeMap::new();
    for finding in findings {
        let key = (
            finding.path.as_str(),
            finding.location.container.as_deref(),
            finding.location.field.as_deref(),
        );
        *rows
            .entry(key)
            .or_default()
            .entry(finding.rule.clone())
            .or_default() += 1;
    }
    rows.into_iter()
        .map(|((path, container, field), by_rule)| DataMapEntry {
            path: path.to_string(),
            container: container.map(String::from),
            field: field.map(String::from),
            findings: by_rule.values().sum(),
            by_rule,
        })
        .collect()
}
