//! `--format html`: one self-contained page for auditors, rendered from the minijinja template
//! `templates/report.html` (compiled in). Inline CSS, JavaScript and SVG only, and a Content
//! Security Policy that forbids any network access.
//!
//! The page holds: totals; charts of findings per category and assets per risk level; a
//! sortable, filterable table of assets and one of fields ([`crate::risk`]); files not scanned;
//! and the findings, paginated in the browser from an embedded JSON array. So that a report with
//! hundreds of thousands of findings still opens quickly, at most [`FINDINGS_EMBEDDED`] findings
//! are embedded and the page says how many were left out (all are in the JSON, CSV and NDJSON
//! outputs). Values are the report's values: masked unless `--show-values`.

use std::collections::BTreeMap;
use std::io;

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::Report;
use super::table::human_bytes;
use crate::risk::{self, Asset, Level};

/// Findings embedded in the page at most.
pub const FINDINGS_EMBEDDED: usize = 20_000;

/// Width in pixels of the longest bar of a chart.
const BAR_WIDTH: u64 = 320;

const TEMPLATE: &str = include_str!("../../templates/report.html");

/// One bar of an inline SVG chart.
#[derive(Serialize)]
struct Bar {
    label: String,
    count: u64,
    width: u64,
    y: u64,
    class: String,
}

/// Writes the page.
pub(crate) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)
        .map_err(io::Error::other)?;
    let template = env.get_template("report.html").map_err(io::Error::other)?;
    let assets = risk::assets(report)?;
    let embedded = usize::try_from(report.findings.len())
        .unwrap_or(usize::MAX)
        .min(FINDINGS_EMBEDDED);
    let page = template
        .render(context! {
            tool => Value::from(Serde(&report.tool)),
            summary => Value::from(Serde(&report.summary)),
            bytes => human_bytes(report.summary.bytes_scanned),
            assets => Value::from(Serde(&assets)),
            category_bars => Value::from(Serde(category_bars(report)?)),
            level_bars => Value::from(Serde(level_bars(&assets))),
            skipped => Value::from(Serde(&report.skipped)),
            errors => Value::from(Serde(&report.errors)),
            findings_json => findings_json(report, embedded)?,
            findings_total => report.findings.len(),
            findings_embedded => embedded,
        })
        .map_err(io::Error::other)?;
    out.write_all(page.as_bytes())
}

fn category_bars(report: &Report) -> io::Result<Vec<Bar>> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for f in report.findings.iter() {
        *counts.entry(f?.category.as_str()).or_default() += 1;
    }
    Ok(bars(
        counts
            .into_iter()
            .map(|(label, count)| (label.to_string(), count, format!("cat-{label}")))
            .collect(),
    ))
}

fn level_bars(assets: &[Asset]) -> Vec<Bar> {
    bars(
        Level::ALL
            .into_iter()
            .rev()
            .map(|level| {
                let count = assets.iter().filter(|a| a.risk.level == level).count() as u64;
                (
                    level.as_str().to_string(),
                    count,
                    format!("risk-{}", level.as_str()),
                )
            })
            .collect(),
    )
}

/// Scales (label, count, CSS class) triples to bars, the largest [`BAR_WIDTH`] wide.
fn bars(items: Vec<(String, u64, String)>) -> Vec<Bar> {
    let max = items.iter().map(|(_, n, _)| *n).max().unwrap_or(0).max(1);
    items
        .into_iter()
        .enumerate()
        .map(|(i, (label, count, class))| Bar {
            width: (count * BAR_WIDTH).div_ceil(max),
            y: i as u64 * 24,
            label,
            count,
            class,
        })
        .collect()
}

/// The first `count` findings as a JSON array of arrays
/// `[path, line, column, container, field, rule, severity, confidence, value]`, safe inside
/// `<script>`: every `<` is written `\u003c`, so no value can close the element.
fn findings_json(report: &Report, count: usize) -> io::Result<Value> {
    let mut rows: Vec<serde_json::Value> = Vec::with_capacity(count);
    for f in report.findings.iter().take(count) {
        let f = f?;
        rows.push(serde_json::json!([
            f.path,
            f.location.line,
            f.location.column,
            f.location.container,
            f.location.field,
            f.rule,
            f.severity.as_str(),
            (f.confidence * 100.0).round() / 100.0,
            f.value,
        ]));
    }
    let text = serde_json::to_string(&rows)?.replace('<', "\\u003c");
    Ok(Value::from_safe_string(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(report: &Report) -> String {
        super::super::rendered(report, super::super::Format::Html)
    }

    #[test]
    fn html_is_self_contained() {
        let page = rendered(&Report::sample());
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("default-src 'none'"));
        for external in ["src=\"http", "href=\"http", "@import", "url("] {
            assert!(!page.contains(external), "page loads {external}");
        }
    }

    #[test]
    fn html_lists_every_asset_and_the_files_not_scanned() {
        let report = Report::sample();
        // minijinja escapes `/` and `>` in HTML; the browser reads them back.
        let page = rendered(&report)
            .replace("&#x2f;", "/")
            .replace("&gt;", ">");
        for asset in risk::assets(&report).expect("in memory") {
            assert!(
                page.contains(&format!("data-asset=\"{}\"", asset.name())),
                "{}",
                asset.name()
            );
        }
        assert!(page.contains("images/logo.png"));
        assert!(page.contains("exports/broken.json"));
    }

    #[test]
    fn values_cannot_close_the_script_element() {
        let mut report = Report::sample();
        let mut findings = report.findings.into_vec().expect("in memory");
        findings[0].value = "</script><script>alert(1)</script>".into();
        report.findings = findings.into();
        let page = rendered(&report);
        assert!(!page.contains("</script><script>alert(1)"));
        assert!(page.contains("\\u003c/script>"));
    }

    #[test]
    fn large_reports_embed_a_capped_number_of_findings_and_say_so() {
        let mut report = Report::sample();
        let first = report.findings.iter().next().expect("a finding");
        let first = first.expect("in memory");
        report.findings = vec![first; FINDINGS_EMBEDDED + 5].into();
        let page = rendered(&report);
        assert!(page.contains("20000 of 20005 findings"), "cap note missing");
    }

    #[test]
    fn bars_scale_to_the_largest_count() {
        let bars = bars(vec![
            ("a".into(), 10, "x".into()),
            ("b".into(), 5, "y".into()),
        ]);
        assert_eq!(bars[0].width, BAR_WIDTH);
        assert_eq!(bars[1].width, BAR_WIDTH / 2);
        assert_eq!(bars[1].y, 24);
    }
}
