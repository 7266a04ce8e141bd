//! A fixed, synthetic [`Report`] for renderer snapshots: a CSV export with three columns, a log
//! with e-mail addresses only, a support ticket with every kind of identifier, one skipped file
//! and one file in error. Values are already masked, as a scan would write them.

use super::{Report, Summary, Tool};
use crate::datamap::{self, FieldCount, FileFields};
use crate::extract::Location;
use crate::finding::{self, Category, Evidence, Finding, Severity};
use crate::walk::FileNote;

impl Report {
    /// The sample report shared by the renderer tests.
    pub(crate) fn sample() -> Report {
        let findings = sample_findings();
        let mut tally = datamap::FindingTally::default();
        for f in &findings {
            tally.add(f);
        }
        let mut summary = Summary {
            files_scanned: 3,
            files_skipped: 1,
            files_errored: 1,
            bytes_scanned: 4096,
            findings: findings.len() as u64,
            duration_ms: 12,
            ..Summary::default()
        };
        for f in &findings {
            *summary.by_rule.entry(f.rule.clone()).or_default() += 1;
        }
        Report {
            schema_version: super::SCHEMA_VERSION,
            tool: Tool {
                name: "piimap".into(),
                version: "0.0.0-sample".into(),
            },
            summary,
            data_map: datamap::build(
                &tally,
                &sample_fields(),
                datamap::DEFAULT_CLASSIFY_THRESHOLD,
            ),
            findings: findings.into(),
            skipped: vec![FileNote {
                path: "images/logo.png".into(),
                reason: "binary file (NUL byte near the start) in no format piimap reads".into(),
            }],
            errors: vec![FileNote {
                path: "exports/broken.json".into(),
                reason: "line 3: unexpected end of input".into(),
            }],
            baseline: None,
        }
    }
}

/// (rule, category, severity, confidence, line, column, field, masked value)
type Row = (
    &'static str,
    Category,
    Severity,
    f64,
    u64,
    u64,
    Option<&'static str>,
    &'static str,
);

#[rustfmt::skip]
const CSV: &[Row] = &[
    ("person_name", Category::Demographic, Severity::Medium, 0.7, 2, 1, Some("name"), "**** *oe"),
    ("email", Category::Contact, Severity::Medium, 1.0, 2, 10, Some("email"), "a***@example.com"),
    ("us_ssn", Category::NationalId, Severity::Critical, 0.95, 2, 19, Some("ssn"), "***-**-6789"),
    ("email", Category::Contact, Severity::Medium, 1.0, 3, 1, Some("email"), "b***@example.com"),
    ("phone", Category::Contact, Severity::Medium, 0.9, 3, 19, Some("phone"), "(***) ***-**71"),
    ("email", Category::Contact, Severity::Medium, 1.0, 4, 1, Some("email"), "c***@example.org"),
    ("email", Category::Contact, Severity::Medium, 1.0, 5, 1, Some("email"), "d***@example.net"),
];

#[rustfmt::skip]
const LOG: &[Row] = &[
    ("email", Category::Contact, Severity::Medium, 0.8, 14, 31, None, "o***@example.com"),
    ("email", Category::Contact, Severity::Medium, 0.8, 27, 31, None, "o***@example.com"),
];

#[rustfmt::skip]
const TICKET: &[Row] = &[
    ("email", Category::Contact, Severity::Medium, 0.8, 2, 10, None, "j***@example.com"),
    ("phone", Category::Contact, Severity::Medium, 0.85, 2, 40, None, "(***) ***-**71"),
    ("credit_card", Category::Financial, Severity::Critical, 1.0, 3, 15, None, "**** **** **** 1111"),
    ("iban", Category::Financial, Severity::High, 1.0, 4, 16, None, "**** **** **** **** **54 32"),
    ("us_ssn", Category::NationalId, Severity::Critical, 1.0, 5, 28, None, "***-**-6789"),
    ("ip_address", Category::Network, Severity::Low, 0.6, 6, 19, None, "***.*.***.*"),
];

#[rustfmt::skip]
const SHEET: &[Row] = &[
    ("iban", Category::Financial, Severity::High, 0.95, 2, 3, Some("IBAN"), "**** **** **** **** **54 32"),
    ("iban", Category::Financial, Severity::High, 0.95, 3, 3, Some("IBAN"), "**** **** **** **** **00 00"),
];

fn sample_findings() -> Vec<Finding> {
    let mut findings = Vec::new();
    for (path, container, rows) in [
        ("exports/customers.csv", None, CSV),
        ("exports/staff.xlsx", Some("HR"), SHEET),
        ("logs/server.log", None, LOG),
        ("tickets/ticket-48213.txt", None, TICKET),
    ] {
        for (occurrence, row) in rows.iter().enumerate() {
            findings.push(sample_finding(path, container, row, occurrence as u64));
        }
    }
    findings
}

fn sample_finding(path: &str, container: Option<&str>, row: &Row, occurrence: u64) -> Finding {
    let &(rule, category, severity, confidence, line, column, field, value) = row;
    let location = Location {
        line,
        column,
        container: container.map(String::from),
        field: field.map(String::from),
        locator: container.map(|_| format!("C{line}")),
    };
    Finding {
        rule: rule.into(),
        category,
        severity,
        confidence,
        // The one field-name rule of the sample: its evidence is the column header.
        evidence: if rule == "person_name" {
            Evidence::FieldName
        } else {
            Evidence::Value
        },
        path: path.into(),
        fingerprint: finding::fingerprint(
            rule,
            path,
            location.container.as_deref(),
            location.field.as_deref(),
            value,
            occurrence,
        )
        .as_str()
        .into(),
        location,
        value: value.into(),
        test_value: false,
    }
}

/// What the scan counted in the structured files: four rows in the CSV, two in the sheet.
fn sample_fields() -> Vec<FileFields> {
    let count =
        |container: Option<&str>, field: &str, values, matched: &[(&str, u64)]| FieldCount {
            container: container.map(String::from),
            field: field.into(),
            values,
            matched: matched.iter().map(|(r, n)| (r.to_string(), *n)).collect(),
            named: Default::default(),
        };
    vec![
        FileFields {
            path: "exports/customers.csv".into(),
            counts: vec![
                count(None, "name", 4, &[]),
                count(None, "email", 4, &[("email", 4)]),
                count(None, "ssn", 4, &[("us_ssn", 1)]),
                count(None, "phone", 4, &[("phone", 1)]),
            ],
            sampled: Vec::new(),
        },
        FileFields {
            path: "exports/staff.xlsx".into(),
            counts: vec![count(Some("HR"), "IBAN", 2, &[("iban", 2)])],
            sampled: Vec::new(),
        },
    ]
}
