//! `--format sarif`: SARIF 2.1.0 (OASIS), ready for GitHub code scanning. One result per
//! finding, with the rule's metadata (name, description, default level, GitHub's
//! `security-severity`, regulatory categories) in `tool.driver.rules`; files skipped or in error
//! are `invocations[0].toolExecutionNotifications`, so the log says what was not scanned.
//! Values in messages are the report's values: masked unless `--show-values`.
//!
//! Schema: <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>; validated by a
//! test against the schema vendored in `tests/sarif/`.
//!
//! The results are written one at a time as the findings are read, so a log of millions of
//! results is never held in memory; the other members are small and built as JSON values.
//! Members are written in alphabetical order, as `serde_json` writes a JSON object.

use std::collections::BTreeMap;
use std::io;
use std::sync::OnceLock;

use serde::Serialize;
use serde::ser::{Error as _, SerializeSeq, Serializer};
use serde_json::{Value, json};

use super::{Findings, Report};
use crate::finding::{Finding, Severity};
use crate::regulation::Mapping;
use crate::risk::evidence_name;
use crate::walk::FileNote;

/// `$schema` written in the log.
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes the SARIF log, pretty-printed.
pub(crate) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let rule_ids = first_finding_per_rule(&report.findings)?;
    let index: BTreeMap<&str, usize> = rule_ids
        .iter()
        .enumerate()
        .map(|(i, f)| (f.rule.as_str(), i))
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            invocations: [invocation(report)],
            properties: json!({
                "filesScanned": report.summary.files_scanned,
                "filesSkipped": report.summary.files_skipped,
                "filesErrored": report.summary.files_errored,
                "bytesScanned": report.summary.bytes_scanned,
            }),
            results: Results {
                findings: &report.findings,
                index: &index,
            },
            tool: json!({
                "driver": {
                    "name": report.tool.name,
                    "version": report.tool.version,
                    "rules": rule_ids.iter().map(rule).collect::<Vec<_>>(),
                }
            }),
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The SARIF log; members in alphabetical order.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

/// The one run of the log; members in alphabetical order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    invocations: [Value; 1],
    properties: Value,
    results: Results<'a>,
    tool: Value,
}

/// The results, made from the findings as they are written.
struct Results<'a> {
    findings: &'a Findings,
    /// Position of each rule id in `tool.driver.rules`.
    index: &'a BTreeMap<&'a str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(usize::try_from(self.findings.len()).ok())?;
        for f in self.findings.iter() {
            let f = f.map_err(S::Error::custom)?;
            seq.serialize_element(&result(&f, self.index[f.rule.as_str()]))?;
        }
        seq.end()
    }
}

/// One finding per rule id, in rule id order: the source of each rule's metadata.
fn first_finding_per_rule(findings: &Findings) -> io::Result<Vec<Finding>> {
    let mut first: BTreeMap<String, Finding> = BTreeMap::new();
    for f in findings.iter() {
        let f = f?;
        if !first.contains_key(&f.rule) {
            first.insert(f.rule.clone(), f);
        }
    }
    Ok(first.into_values().collect())
}

/// Name and description of the built-in rules, by id.
fn builtin_rule_text() -> &'static BTreeMap<String, (String, String)> {
    static TEXT: OnceLock<BTreeMap<String, (String, String)>> = OnceLock::new();
    TEXT.get_or_init(|| {
        crate::detect::builtin::rules()
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.id, (r.name, r.description)))
            .collect()
    })
}

fn rule(f: &Finding) -> Value {
    let (name, description) = builtin_rule_text()
        .get(&f.rule)
        .cloned()
        .unwrap_or_else(|| (f.rule.clone(), format!("Custom rule \"{}\".", f.rule)));
    let regulatory = Mapping::builtin().of(&f.rule, f.category);
    let ccpa: Vec<&str> = regulatory.ccpa.iter().map(|c| c.as_str()).collect();
    json!({
        "id": f.rule,
        "name": name,
        "shortDescription": { "text": name },
        "fullDescription": { "text": if description.is_empty() { name.clone() } else { description } },
        "help": {
            "text": format!(
                "{name}: {} data ({}; CCPA/CPRA: {}; fideslang: {}). Remove it, mask it, or record why it is there.",
                f.category.as_str(), regulatory.gdpr.label(), ccpa.join(", "), regulatory.fides
            )
        },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": {
            "tags": ["privacy", "pii", f.category.as_str()],
            "category": f.category.as_str(),
            "severity": f.severity.as_str(),
            "security-severity": security_severity(f.severity),
            "gdpr": regulatory.gdpr.as_str(),
            "ccpa": ccpa,
            "fides": regulatory.fides,
        },
    })
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut place = String::new();
    for part in [&f.location.container, &f.location.field]
        .into_iter()
        .flatten()
    {
        place.push_str(&format!(" [{part}]"));
    }
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&f.path) },
            "region": { "startLine": f.location.line, "startColumn": f.location.column },
        }
    });
    if let Some(name) = logical_name(f) {
        location["logicalLocations"] = json!([{ "fullyQualifiedName": name, "kind": "member" }]);
    }
    json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": {
            "text": format!("{} found{place}: {}", f.rule, f.value),
        },
        "locations": [location],
        "partialFingerprints": { "piimapFingerprint/v1": f.fingerprint },
        "properties": {
            "category": f.category.as_str(),
            "severity": f.severity.as_str(),
            "confidence": f.confidence,
            "evidence": evidence_name(f.evidence),
        },
    })
}

/// `container/field` (or either alone), plus the exact locator when there is one.
fn logical_name(f: &Finding) -> Option<String> {
    let parts: Vec<&str> = [&f.location.container, &f.location.field]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if parts.is_empty() {
        return None;
    }
    let mut name = parts.join("/");
    if let Some(locator) = &f.location.locator {
        name.push_str(&format!(" ({locator})"));
    }
    Some(name)
}

fn invocation(report: &Report) -> Value {
    let notify = |note: &FileNote, level: &str, id: &str, what: &str| {
        json!({
            "level": level,
            "descriptor": { "id": id },
            "message": { "text": format!("{what} {}: {}", note.path, note.reason) },
            "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&note.path) } } }],
        })
    };
    let notes: Vec<Value> = report
        .skipped
        .iter()
        .map(|n| notify(n, "note", "file-skipped", "not scanned:"))
        .chain(
            report
                .errors
                .iter()
                .map(|n| notify(n, "error", "file-error", "not scanned to the end:")),
        )
        .collect();
    json!({
        "executionSuccessful": true,
        "toolExecutionNotifications": notes,
    })
}

/// SARIF result level of a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub code scanning's `security-severity` (a CVSS-like score as a string).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// A path as a relative URI reference: `/` kept, everything outside RFC 3986's unreserved
/// characters percent-encoded byte by byte.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered() -> String {
        super::super::rendered(&Report::sample(), super::super::Format::Sarif)
    }

    #[test]
    fn sarif_snapshot() {
        insta::assert_snapshot!(rendered());
    }

    #[test]
    fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
        let schema: Value =
            serde_json::from_str(include_str!("../../tests/sarif/sarif-schema-2.1.0.json"))
                .expect("schema is JSON");
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let log: Value = serde_json::from_str(&rendered()).expect("log is JSON");
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let mut broken = log.clone();
        broken["runs"][0]["results"][0]["level"] = json!("fatal");
        assert!(!validator.is_valid(&broken), "the schema check can fail");
    }

    #[test]
    fn sarif_has_one_result_per_finding_and_notes_for_coverage() {
        let log: Value = serde_json::from_str(&rendered()).expect("log is JSON");
        let run = &log["runs"][0];
        let report = Report::sample();
        assert_eq!(
            run["results"].as_array().map(Vec::len),
            Some(report.findings.len() as usize)
        );
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .expect("notifications");
        assert_eq!(notes.len(), report.skipped.len() + report.errors.len());
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        for result in run["results"].as_array().expect("results") {
            let index = result["ruleIndex"].as_u64().expect("index") as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
        }
    }

    #[test]
    fn uri_encodes_spaces_and_keeps_slashes() {
        assert_eq!(uri("my dir/a#b.txt"), "my%20dir/a%23b.txt");
        assert_eq!(uri("données/x"), "donn%C3%A9es/x");
    }
}
