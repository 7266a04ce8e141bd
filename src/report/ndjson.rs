//! `--format ndjson`: one JSON object per line, for log pipelines. Each line has a `type`:
//! `finding` (the finding's JSON fields, as in the JSON report), then `skipped` and `error`
//! (`path`, `reason`) for every file not scanned to the end, then one `summary` line (the
//! report's `tool` and `summary`).
//!
//! `piimap scan --format ndjson` streams the finding lines while it scans, in the same order
//! as the report (file by file), through [`write_findings`]; the closing lines come from
//! [`render_coverage`] when the scan is over. Rendering a saved report (`render`) writes
//! the same bytes. A finding line is the finding's JSON as the scan encoded it, with the
//! `type` member put in front.

use std::io;

use serde::Serialize;

use super::findings::Lines;
use super::{Report, Summary, Tool};
use crate::walk::FileNote;

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line<'a> {
    Skipped(&'a FileNote),
    Error(&'a FileNote),
    Summary {
        tool: &'a Tool,
        summary: &'a Summary,
    },
}

/// Writes the whole report as NDJSON.
pub(crate) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    report
        .findings
        .for_each_json(|finding| write_finding(finding, out))?;
    render_coverage(report, out)
}

/// Writes a `finding` line for each of `findings`.
pub fn write_findings(findings: &Lines, out: &mut dyn io::Write) -> io::Result<()> {
    findings
        .iter()
        .try_for_each(|finding| write_finding(finding, out))
}

/// Writes the `finding` line of the finding whose compact JSON is `finding`.
fn write_finding(finding: &[u8], out: &mut dyn io::Write) -> io::Result<()> {
    out.write_all(b"{\"type\":\"finding\",")?;
    out.write_all(finding.strip_prefix(b"{").unwrap_or(finding))?;
    out.write_all(b"\n")
}

/// Writes the lines that follow the findings: `skipped`, `error`, then `summary`.
pub fn render_coverage(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    for note in &report.skipped {
        write_line(&Line::Skipped(note), out)?;
    }
    for note in &report.errors {
        write_line(&Line::Error(note), out)?;
    }
    write_line(
        &Line::Summary {
            tool: &report.tool,
            summary: &report.summary,
        },
        out,
    )
}

fn write_line(line: &Line<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_json_with_a_type_and_findings_round_trip() {
        let report = Report::sample();
        let mut out = Vec::new();
        render(&report, &mut out).expect("render to memory");
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .expect("utf-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect();
        assert_eq!(
            lines.len(),
            report.findings.len() as usize + report.skipped.len() + report.errors.len() + 1
        );
        let findings = report.findings.into_vec().expect("in memory");
        let first: crate::finding::Finding =
            serde_json::from_value(lines[0].clone()).expect("a finding");
        assert_eq!(first, findings[0]);
        assert_eq!(lines[0]["type"], "finding");
        let tail: Vec<&str> = lines[findings.len()..]
            .iter()
            .map(|l| l["type"].as_str().expect("type"))
            .collect();
        assert_eq!(tail, ["skipped", "error", "summary"]);
    }
}
