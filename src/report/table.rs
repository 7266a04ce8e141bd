//! `--format table`: a readable summary for a terminal: totals, findings per rule, the data
//! map, the first findings, and the files that were skipped or failed (ten per reason; the JSON
//! report lists them all).

use std::io;

use super::Report;

/// How many findings the table lists before pointing to `--format json` for the rest.
const FINDINGS_SHOWN: usize = 50;

/// Skipped files or errors listed per reason: a build folder of 15,000 binary files would
/// otherwise bury the summary.
const NOTES_SHOWN_PER_REASON: usize = 10;

/// Writes the summary.
pub(crate) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    write_totals(report, out)?;
    write_rules(report, out)?;
    write_data_map(report, out)?;
    write_findings(report, out)?;
    write_suppressed(report, out)?;
    write_notes("Skipped", &report.skipped, out)?;
    write_notes("Errors", &report.errors, out)
}

fn write_totals(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let s = &report.summary;
    writeln!(
        out,
        "piimap {}: {} finding(s){} in {} file(s) scanned ({}), {} skipped, {} error(s), {} ms",
        report.tool.version,
        s.findings,
        suppressed_note(s.baseline_suppressed, s.inline_suppressed),
        s.files_scanned,
        human_bytes(s.bytes_scanned),
        s.files_skipped,
        s.files_errored,
        s.duration_ms
    )
}

/// What the finding count leaves out, such as ` (108 more in the baseline)`: without it a run
/// of `--write-baseline` would read as a scan that found nothing.
fn suppressed_note(baseline: u64, inline: u64) -> String {
    let parts: Vec<String> = [
        (baseline, "more in the baseline"),
        (inline, "more suppressed inline"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, what)| format!("{count} {what}"))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

fn write_rules(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    if report.summary.by_rule.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nFindings by rule")?;
    let width = report
        .summary
        .by_rule
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(0);
    for (rule, count) in &report.summary.by_rule {
        writeln!(out, "  {rule:<width$}  {count:>8}")?;
    }
    Ok(())
}

/// Places and fields up to this many characters wide are padded to a common width; a longer
/// one (a header cell holding a paragraph) is written in full on its own, so that it does not
/// push every row of the data map off the screen.
const MAX_ALIGNED_WIDTH: usize = 48;

fn write_data_map(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    if report.data_map.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nData map")?;
    let width = report
        .data_map
        .iter()
        .map(|e| match (e.values, &e.field) {
            (Some(_), Some(field)) => field.chars().count() + 2,
            _ => e.path.chars().count(),
        })
        .filter(|&width| width <= MAX_ALIGNED_WIDTH)
        .max()
        .unwrap_or(0);
    let mut table: Option<(&str, Option<&str>)> = None;
    for entry in &report.data_map {
        let (Some(_), Some(field)) = (entry.values, &entry.field) else {
            let rules: Vec<String> = entry
                .by_rule
                .iter()
                .map(|(rule, n)| format!("{rule} x{n}"))
                .collect();
            let place = place_of(entry);
            writeln!(out, "  {place:<width$}  {}", rules.join(", "))?;
            continue;
        };
        let this_table = (entry.path.as_str(), entry.container.as_deref());
        if table != Some(this_table) {
            table = Some(this_table);
            let mut heading = entry.path.clone();
            if let Some(container) = &entry.container {
                heading.push_str(" > ");
                heading.push_str(container);
            }
            if entry.sampled {
                heading.push_str(" (sampled: --sample-rows)");
            }
            writeln!(out, "  {heading}")?;
        }
        let field_width = width.saturating_sub(2);
        writeln!(out, "    {field:<field_width$}  {}", describe_column(entry))?;
    }
    Ok(())
}

/// `path > container > field`, for rows without column counts (plain text).
fn place_of(entry: &crate::datamap::DataMapEntry) -> String {
    let mut place = entry.path.clone();
    for part in [&entry.container, &entry.field].into_iter().flatten() {
        place.push_str(" > ");
        place.push_str(part);
    }
    place
}

/// `email 100% of 59 values; also phone 1/59` or `- (phone 1/59 values)`.
fn describe_column(entry: &crate::datamap::DataMapEntry) -> String {
    let values = entry.values.unwrap_or(0);
    let label = |rule: &str| match entry.matches.get(rule) {
        Some(m) if m.values == 0 && m.field_name => format!("{rule} (by field name)"),
        Some(m) => format!("{rule} {:.0}% of {values} values", m.ratio * 100.0),
        None => rule.to_string(),
    };
    let classified: Vec<String> = entry.classification.iter().map(|r| label(r)).collect();
    let others: Vec<String> = entry
        .matches
        .iter()
        .filter(|(rule, _)| !entry.classification.contains(rule))
        .map(|(rule, m)| format!("{rule} {}/{values}", m.values))
        .collect();
    match (classified.is_empty(), others.is_empty()) {
        (false, true) => classified.join(", "),
        (false, false) => format!(
            "{}; unclassified: {}",
            classified.join(", "),
            others.join(", ")
        ),
        (true, _) => format!("- (unclassified: {})", others.join(", ")),
    }
}

fn write_findings(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    if report.findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nFindings")?;
    for f in report.findings.iter().take(FINDINGS_SHOWN) {
        let f = f?;
        let mut place = format!("{}:{}:{}", f.path, f.location.line, f.location.column);
        for part in [&f.location.container, &f.location.field]
            .into_iter()
            .flatten()
        {
            place.push_str(&format!(" [{part}]"));
        }
        writeln!(
            out,
            "  {place}  {} ({}, {:.2})  {}",
            f.rule,
            f.severity.as_str(),
            f.confidence,
            f.value
        )?;
    }
    let rest = report.findings.len().saturating_sub(FINDINGS_SHOWN as u64);
    if rest > 0 {
        writeln!(
            out,
            "  ... and {rest} more (all of them are in --format json)"
        )?;
    }
    Ok(())
}

/// What the baseline and `piimap:ignore` markers left out, and baseline entries to revisit.
fn write_suppressed(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let s = &report.summary;
    if s.inline_suppressed > 0 {
        writeln!(
            out,
            "\n{} finding(s) suppressed by piimap:ignore markers",
            s.inline_suppressed
        )?;
    }
    let Some(applied) = &report.baseline else {
        return Ok(());
    };
    writeln!(
        out,
        "\nBaseline {}: {} finding(s) suppressed, {} in all",
        applied.path,
        applied.suppressed,
        crate::baseline::count_entries(applied.entries as usize)
    )?;
    let lists = [
        ("Expired", Some(&applied.expired)),
        ("Unused", applied.unused.as_ref()),
    ];
    for (title, entries) in lists {
        for e in entries.into_iter().flatten() {
            let expires = e
                .expires
                .map(|d| format!(" (expires {d})"))
                .unwrap_or_default();
            writeln!(out, "  {title}: {} {} {}{expires}", e.path, e.rule, e.value)?;
        }
    }
    Ok(())
}

fn write_notes(
    title: &str,
    notes: &[crate::walk::FileNote],
    out: &mut dyn io::Write,
) -> io::Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{title}")?;
    // How many notes give each reason, and the reasons in the order they first appear (each
    // oversized file has a reason of its own, so the counts are looked up, not searched).
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut reasons = Vec::new();
    for note in notes {
        let count = counts.entry(note.reason.as_str()).or_insert_with(|| {
            reasons.push(note.reason.as_str());
            0
        });
        *count += 1;
        if *count <= NOTES_SHOWN_PER_REASON {
            writeln!(out, "  {}: {}", note.path, note.reason)?;
        }
    }
    for reason in reasons {
        let count = counts[reason];
        if count > NOTES_SHOWN_PER_REASON {
            let rest = count - NOTES_SHOWN_PER_REASON;
            writeln!(
                out,
                "  ... and {rest} more: {reason} (all of them are in --format json)"
            )?;
        }
    }
    Ok(())
}

/// `1536` → `1.5 KiB`.
pub(super) fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_uses_binary_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
    }

    #[test]
    fn notes_are_listed_ten_per_reason_then_counted() {
        let note = |path: String, reason: &str| crate::walk::FileNote {
            path,
            reason: reason.to_string(),
        };
        let mut notes: Vec<_> = (0..12)
            .map(|i| note(format!("target/{i:02}.o"), "binary"))
            .collect();
        notes.insert(3, note("pipe".into(), "named pipe"));
        let mut out = Vec::new();
        write_notes("Skipped", &notes, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 1 + 10 + 1 + 1, "{text}");
        assert_eq!(lines[5], "  pipe: named pipe");
        assert_eq!(lines[12], "  target/09.o: binary");
        assert_eq!(
            lines[13],
            "  ... and 2 more: binary (all of them are in --format json)"
        );
    }

    #[test]
    fn totals_say_what_the_baseline_and_markers_left_out() {
        assert_eq!(suppressed_note(0, 0), "");
        assert_eq!(suppressed_note(108, 0), " (108 more in the baseline)");
        assert_eq!(
            suppressed_note(3, 2),
            " (3 more in the baseline, 2 more suppressed inline)"
        );
    }
}
