//! Stage 6 of the flow: **report**. The [`Report`] is the JSON contract; every output format is
//! rendered from it, in one file per format, and never sees files or regexes.

mod csv;
mod fides;
pub mod findings;
mod html;
mod json;
mod markdown;
pub mod ndjson;
#[cfg(test)]
mod sample;
mod sarif;
mod table;

use std::collections::BTreeMap;
use std::io;

use serde::{Deserialize, Serialize};

use crate::baseline::Applied;
use crate::datamap::DataMapEntry;
use crate::walk::FileNote;

pub use findings::Findings;

/// Version of the JSON report layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The result of one scan, as written by `--format json` (documented in
/// `docs/report-schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Layout version, currently 1.
    pub schema_version: u32,
    /// The program that wrote the report.
    pub tool: Tool,
    /// Counts over the whole scan.
    pub summary: Summary,
    /// Every finding at or above `--min-confidence`, sorted by path and position; in memory
    /// or, for a large scan, in a temporary file (see [`findings`]).
    pub findings: Findings,
    /// Findings aggregated per (path, container, field).
    pub data_map: Vec<DataMapEntry>,
    /// Paths not scanned on purpose, with the reason (binary, too large, not a regular file).
    pub skipped: Vec<FileNote>,
    /// Paths that could not be read to the end, with the reason; findings before the problem
    /// are still in `findings`.
    pub errors: Vec<FileNote>,
    /// What `--baseline` did: findings suppressed, expired and unused entries. Absent without
    /// a baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Applied>,
}

/// Name and version of the program that wrote a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `piimap`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl Tool {
    /// This build of piimap.
    pub fn current() -> Self {
        Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Counts over a scan. `files_scanned + files_skipped + files_errored` is every entry walked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Files read to the end.
    pub files_scanned: u64,
    /// Entries not scanned on purpose (listed in `skipped`).
    pub files_skipped: u64,
    /// Entries that failed (listed in `errors`), including files read only in part.
    pub files_errored: u64,
    /// Bytes read from scanned and partly scanned files.
    pub bytes_scanned: u64,
    /// Number of findings.
    pub findings: u64,
    /// Findings left out because a baseline entry matched them.
    #[serde(default)]
    pub baseline_suppressed: u64,
    /// Findings left out because of a `piimap:ignore` marker on their line.
    #[serde(default)]
    pub inline_suppressed: u64,
    /// Findings per rule id.
    pub by_rule: BTreeMap<String, u64>,
    /// Wall-clock time of the scan in milliseconds.
    pub duration_ms: u64,
}

/// Output formats of `piimap scan --format` and `piimap report --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable summary for a terminal.
    Table,
    /// The full report as JSON (docs/report-schema.json).
    Json,
    /// One row per asset x field x rule, then the files not scanned.
    Csv,
    /// GitHub-flavoured Markdown, for pull requests and wikis.
    Markdown,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// One JSON object per line, streamed while scanning.
    Ndjson,
    /// A Fides dataset (YAML) with fideslang data categories.
    Fides,
    /// One self-contained HTML page with charts and sortable tables.
    Html,
}

/// `report` rendered in `format`, as text: for the renderers' tests.
#[cfg(test)]
pub(crate) fn rendered(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    render(report, format, &mut out).expect("render to memory");
    String::from_utf8(out).expect("every format is UTF-8")
}

/// Writes `report` to `out` in `format`.
pub fn render(report: &Report, format: Format, out: &mut dyn io::Write) -> io::Result<()> {
    match format {
        Format::Table => table::render(report, out),
        Format::Json => json::render(report, out),
        Format::Csv => csv::render(report, out),
        Format::Markdown => markdown::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Ndjson => ndjson::render(report, out),
        Format::Fides => fides::render(report, out),
        Format::Html => html::render(report, out),
    }
}
