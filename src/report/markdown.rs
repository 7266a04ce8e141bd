//! `--format markdown`: the data map for pull requests and wikis (GitHub-flavoured tables):
//! totals, assets by risk, assets with their regulatory categories, each asset's fields, what
//! was not scanned, and the first findings.

use std::collections::BTreeMap;
use std::io;

use super::Report;
use super::table::human_bytes;
use crate::risk::{self, Asset, Level, evidence_name};
use crate::walk::FileNote;

/// How many findings the Markdown lists before pointing to the JSON, CSV or NDJSON output.
const FINDINGS_SHOWN: usize = 100;

/// Writes the Markdown document.
pub(crate) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut assets = risk::assets(report)?;
    assets.sort_by(|a, b| {
        b.risk
            .score
            .cmp(&a.risk.score)
            .then(a.name().cmp(&b.name()))
    });
    write_totals(report, &assets, out)?;
    write_risk_levels(&assets, out)?;
    write_assets(&assets, out)?;
    write_fields(&assets, out)?;
    write_coverage(report, out)?;
    write_findings(report, out)
}

fn write_totals(report: &Report, assets: &[Asset], out: &mut dyn io::Write) -> io::Result<()> {
    let s = &report.summary;
    writeln!(out, "# piimap data map\n")?;
    writeln!(
        out,
        "piimap {} scanned **{}** file(s) ({}) in {} ms: **{}** finding(s) in **{}** asset(s). \
         {} file(s) skipped, {} file(s) in error (see [Coverage](#coverage)).",
        report.tool.version,
        s.files_scanned,
        human_bytes(s.bytes_scanned),
        s.duration_ms,
        s.findings,
        assets.len(),
        s.files_skipped,
        s.files_errored
    )
}

fn write_risk_levels(assets: &[Asset], out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(out, "\n## Risk\n")?;
    writeln!(out, "| Level | Assets |\n| --- | ---: |")?;
    for level in Level::ALL.into_iter().rev() {
        let count = assets.iter().filter(|a| a.risk.level == level).count();
        writeln!(out, "| {} | {count} |", level.as_str())?;
    }
    writeln!(
        out,
        "\nScores run from 0 to 100: sensitivity of the data + volume + co-occurring \
         categories (see the README, \"Risk score\")."
    )
}

fn write_assets(assets: &[Asset], out: &mut dyn io::Write) -> io::Result<()> {
    if assets.is_empty() {
        return writeln!(out, "\n## Assets\n\nNo personal data found.");
    }
    writeln!(out, "\n## Assets\n")?;
    writeln!(
        out,
        "| Asset | Risk | Findings | Categories | GDPR | CCPA/CPRA |\n\
         | --- | --- | ---: | --- | --- | --- |"
    )?;
    for asset in assets {
        writeln!(
            out,
            "| {} | {} ({}) | {} | {} | {} | {} |",
            code(&asset.name()),
            asset.risk.level.as_str(),
            asset.risk.score,
            asset.findings,
            join(asset.categories.iter().map(|c| c.as_str())),
            join(asset.gdpr.iter().map(|g| g.label())),
            join(asset.ccpa.iter().map(|c| c.as_str())),
        )?;
    }
    Ok(())
}

fn write_fields(assets: &[Asset], out: &mut dyn io::Write) -> io::Result<()> {
    for asset in assets {
        writeln!(
            out,
            "\n### {} — {} ({})\n",
            code(&asset.name()),
            asset.risk.level.as_str(),
            asset.risk.score
        )?;
        writeln!(
            out,
            "| Field | Rule | Findings | Distinct | Match ratio | Evidence | Confidence | First at | \
             Examples | Fides | Risk |\n\
             | --- | --- | ---: | ---: | ---: | --- | ---: | --- | --- | --- | --- |"
        )?;
        for field in &asset.fields {
            for rule in &field.rules {
                writeln!(
                    out,
                    "| {} | {}{} | {} | {} | {} | {} | {:.2} | {}:{} | {} | {} | {} ({}) |",
                    field.name.as_deref().map_or("(text)".to_string(), code),
                    rule.rule,
                    if rule.classified { " (classified)" } else { "" },
                    rule.findings,
                    rule.distinct_values,
                    ratio(rule.match_ratio, field.values, field.sampled),
                    join(rule.evidence.iter().map(|e| evidence_name(*e))),
                    rule.confidence,
                    rule.first_location.line,
                    rule.first_location.column,
                    join(rule.examples.iter().map(|e| code(e))),
                    rule.regulatory.fides,
                    field.risk.level.as_str(),
                    field.risk.score
                )?;
            }
        }
    }
    Ok(())
}

fn write_coverage(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(out, "\n## Coverage\n")?;
    if report.skipped.is_empty() && report.errors.is_empty() {
        return writeln!(out, "Every file walked was scanned to the end.");
    }
    write_notes("Skipped (not scanned)", &report.skipped, out)?;
    write_notes(
        "Errors (not scanned, or only up to the problem)",
        &report.errors,
        out,
    )
}

fn write_notes(title: &str, notes: &[FileNote], out: &mut dyn io::Write) -> io::Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    writeln!(out, "**{title}: {}**\n", notes.len())?;
    for note in notes {
        writeln!(out, "- {}: {}", code(&note.path), cell(&note.reason))?;
    }
    writeln!(out)
}

fn write_findings(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    if report.findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Findings\n")?;
    let mut by_category: BTreeMap<&str, u64> = BTreeMap::new();
    for f in report.findings.iter() {
        *by_category.entry(f?.category.as_str()).or_default() += 1;
    }
    let counts: Vec<String> = by_category
        .iter()
        .map(|(category, n)| format!("{category} {n}"))
        .collect();
    writeln!(out, "By category: {}.\n", counts.join(", "))?;
    writeln!(
        out,
        "| Location | Rule | Severity | Confidence | Value |\n| --- | --- | --- | ---: | --- |"
    )?;
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
            "| {} | {} | {} | {:.2} | {} |",
            code(&place),
            f.rule,
            f.severity.as_str(),
            f.confidence,
            code(&f.value)
        )?;
    }
    let rest = report.findings.len().saturating_sub(FINDINGS_SHOWN as u64);
    if rest > 0 {
        writeln!(
            out,
            "\n… and {rest} more finding(s): all of them are in `--format json`, `csv` or `ndjson`."
        )?;
    }
    Ok(())
}

/// `0.25 of 4` (with `, sampled` when rows were cut), or `-` for plain text.
fn ratio(ratio: Option<f64>, values: Option<u64>, sampled: bool) -> String {
    match (ratio, values) {
        (Some(ratio), Some(values)) => {
            let sampled = if sampled { ", sampled" } else { "" };
            format!("{ratio} of {values}{sampled}")
        }
        _ => "-".into(),
    }
}

/// Text in a table cell: pipes escaped, line breaks flattened.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Text as inline code in a table cell; a backtick inside falls back to escaped plain text.
fn code(text: &str) -> String {
    if text.contains('`') {
        cell(text)
    } else {
        format!("`{}`", cell(text))
    }
}

fn join<S: AsRef<str>>(items: impl Iterator<Item = S>) -> String {
    items
        .map(|s| cell(s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(report: &Report) -> String {
        super::super::rendered(report, super::super::Format::Markdown)
    }

    #[test]
    fn markdown_snapshot() {
        insta::assert_snapshot!(rendered(&Report::sample()));
    }

    #[test]
    fn markdown_lists_riskiest_asset_first_and_discloses_coverage() {
        let text = rendered(&Report::sample());
        let ticket = text
            .find("| `tickets/ticket-48213.txt` | critical")
            .expect("ticket row");
        let log = text.find("| `logs/server.log` | medium").expect("log row");
        assert!(ticket < log);
        assert!(text.contains("- `images/logo.png`: binary file"));
        assert!(text.contains("- `exports/broken.json`: line 3"));
    }

    #[test]
    fn pipes_in_values_do_not_break_tables() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b|c"), "a`b\\|c");
    }
}
