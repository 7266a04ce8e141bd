//! `--format json`: the [`Report`] serialised as-is, pretty-printed, newline-terminated.

use std::io;

use super::Report;

/// Writes the report as JSON.
pub(crate) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
