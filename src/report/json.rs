//! `--format json`: the [`Report`], newline-terminated, laid out for both people and tools.
//!
//! The outer levels are indented like `serde_json`'s pretty printer; every entry of a top-level
//! list (a finding, a data map entry, a skipped file) is written compactly on a line of its own,
//! so `grep` and `wc -l` work on a report, and a finding takes a third less space than
//! pretty-printed. A finding's line is the same bytes the scan spooled it as (see
//! [`Findings::for_each_json`]), so spilled findings are copied, not parsed and written again.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, Serializer};

use super::{Findings, Report};

/// Writes the report as JSON.
pub(crate) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 20, out);
    out.write_all(b"{")?;
    field(&mut out, "schema_version", &report.schema_version, true)?;
    field(&mut out, "tool", &report.tool, false)?;
    field(&mut out, "summary", &report.summary, false)?;
    out.write_all(b",\n  \"findings\": ")?;
    findings(&mut out, &report.findings)?;
    field(&mut out, "data_map", &report.data_map, false)?;
    field(&mut out, "skipped", &report.skipped, false)?;
    field(&mut out, "errors", &report.errors, false)?;
    if let Some(baseline) = &report.baseline {
        field(&mut out, "baseline", baseline, false)?;
    }
    out.write_all(b"\n}\n")?;
    out.flush()
}

/// Writes `"name": value` as a member of the report object.
fn field(out: &mut impl Write, name: &str, value: &impl Serialize, first: bool) -> io::Result<()> {
    out.write_all(if first { b"\n  " } else { b",\n  " })?;
    serde_json::to_writer(&mut *out, name)?;
    out.write_all(b": ")?;
    let mut serializer = Serializer::with_formatter(&mut *out, Layout::inside_report());
    value.serialize(&mut serializer)?;
    Ok(())
}

/// Writes the findings array, one finding per line.
fn findings(out: &mut impl Write, findings: &Findings) -> io::Result<()> {
    if findings.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let mut separator: &[u8] = b"\n    ";
    findings.for_each_json(|line| {
        out.write_all(separator)?;
        separator = b",\n    ";
        out.write_all(line)
    })?;
    out.write_all(b"\n  ]")
}

/// A `serde_json` formatter that indents containers by two spaces per level, like
/// `PrettyFormatter`, except entries of the report's lists, which it writes compactly.
struct Layout {
    /// The open containers, outermost first: true for an array.
    open_arrays: Vec<bool>,
    /// Whether the innermost open container has an entry yet.
    has_entry: bool,
}

impl Layout {
    /// A formatter for the value of one of the report object's members.
    fn inside_report() -> Self {
        Layout {
            open_arrays: vec![false],
            has_entry: false,
        }
    }

    /// True when the entries of the innermost open container go on lines of their own: not
    /// inside an entry of a list that is a member of the report.
    fn breaks_lines(&self) -> bool {
        !(self.open_arrays.len() > 2 && self.open_arrays[1])
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, is_array: bool) -> io::Result<()> {
        self.open_arrays.push(is_array);
        self.has_entry = false;
        out.write_all(if is_array { b"[" } else { b"{" })
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        let breaks = self.breaks_lines();
        let is_array = self.open_arrays.pop().unwrap_or(false);
        if breaks && self.has_entry {
            self.new_line(out)?;
        }
        self.has_entry = true;
        out.write_all(if is_array { b"]" } else { b"}" })
    }

    fn entry<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        if !first {
            out.write_all(b",")?;
        }
        if self.breaks_lines() {
            self.new_line(out)?;
        }
        Ok(())
    }

    fn new_line<W: ?Sized + Write>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(b"\n")?;
        for _ in 0..self.open_arrays.len() {
            out.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Formatter for Layout {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, true)
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.entry(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_entry = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, false)
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.entry(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        if self.breaks_lines() {
            out.write_all(b": ")
        } else {
            CompactFormatter.begin_object_value(out)
        }
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_entry = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(report: &Report) -> String {
        super::super::rendered(report, super::super::Format::Json)
    }

    #[test]
    fn the_report_reads_back_equal() {
        let report = Report::sample();
        let back: Report = serde_json::from_str(&rendered(&report)).expect("valid JSON");
        assert_eq!(back, report);
    }

    #[test]
    fn each_finding_and_data_map_entry_is_one_line_of_compact_json() {
        let report = Report::sample();
        let text = rendered(&report);
        let findings = report.findings.into_vec().expect("in memory");
        for finding in &findings {
            let line = format!(
                "    {},",
                serde_json::to_string(finding).expect("serializes")
            );
            let last = line.trim_end_matches(',');
            assert!(
                text.lines().any(|l| l == line || l == last),
                "no line {line}"
            );
        }
        for entry in &report.data_map {
            let line = serde_json::to_string(entry).expect("serializes");
            assert!(text.lines().any(|l| l.trim().trim_end_matches(',') == line));
        }
    }

    #[test]
    fn outer_levels_are_indented_and_empty_lists_stay_on_one_line() {
        let mut report = Report::sample();
        report.errors.clear();
        report.findings = Findings::from(Vec::new());
        let text = rendered(&report);
        assert!(text.starts_with("{\n  \"schema_version\": 1,\n  \"tool\": {\n    \"name\": "));
        assert!(text.contains("\n  \"findings\": [],\n"));
        assert!(text.contains("\n  \"errors\": []"));
        assert!(text.contains("\n    \"by_rule\": {\n      \""));
        assert!(text.ends_with("\n}\n"));
    }
}
