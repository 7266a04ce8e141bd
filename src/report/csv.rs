//! `--format csv`: the data map for a spreadsheet or a ROPA tool, one row per
//! asset × field × rule ([`crate::risk`]), then one row per file skipped or in error, so a
//! reader of the sheet alone can tell what was not scanned. The `row_type` column tells rows
//! apart: `data`, `skipped`, `error`. Multi-valued cells are joined with `; `.

use std::io;

use super::Report;
use crate::risk::{self, Asset, Field, FieldRule, evidence_name};
use crate::walk::FileNote;

const HEADER: [&str; 26] = [
    "row_type",
    "path",
    "container",
    "field",
    "rule",
    "category",
    "severity",
    "gdpr",
    "ccpa",
    "fides",
    "findings",
    "distinct_values",
    "values",
    "match_ratio",
    "classified",
    "sampled",
    "evidence",
    "max_confidence",
    "first_line",
    "first_column",
    "examples",
    "field_risk",
    "field_risk_score",
    "asset_risk",
    "asset_risk_score",
    "reason",
];

/// Writes the CSV.
pub(crate) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    for asset in risk::assets(report)? {
        for field in &asset.fields {
            for rule in &field.rules {
                writer.write_record(data_row(&asset, field, rule))?;
            }
        }
    }
    for (row_type, notes) in [("skipped", &report.skipped), ("error", &report.errors)] {
        for note in notes {
            writer.write_record(note_row(row_type, note))?;
        }
    }
    writer.flush()
}

fn data_row(asset: &Asset, field: &Field, rule: &FieldRule) -> Vec<String> {
    let join = |items: Vec<&str>| items.join("; ");
    vec![
        "data".into(),
        asset.path.clone(),
        asset.container.clone().unwrap_or_default(),
        field.name.clone().unwrap_or_default(),
        rule.rule.clone(),
        rule.category.as_str().into(),
        rule.severity.as_str().into(),
        rule.regulatory.gdpr.as_str().into(),
        join(rule.regulatory.ccpa.iter().map(|c| c.as_str()).collect()),
        rule.regulatory.fides.clone(),
        rule.findings.to_string(),
        rule.distinct_values.to_string(),
        field.values.map(|v| v.to_string()).unwrap_or_default(),
        rule.match_ratio.map(|r| r.to_string()).unwrap_or_default(),
        rule.classified.to_string(),
        field.sampled.to_string(),
        join(rule.evidence.iter().map(|e| evidence_name(*e)).collect()),
        format!("{:.2}", rule.confidence),
        rule.first_location.line.to_string(),
        rule.first_location.column.to_string(),
        join(rule.examples.iter().map(String::as_str).collect()),
        field.risk.level.as_str().into(),
        field.risk.score.to_string(),
        asset.risk.level.as_str().into(),
        asset.risk.score.to_string(),
        String::new(),
    ]
}

fn note_row(row_type: &str, note: &FileNote) -> Vec<String> {
    let mut row = vec![String::new(); HEADER.len()];
    row[0] = row_type.into();
    row[1] = note.path.clone();
    row[HEADER.len() - 1] = note.reason.clone();
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered() -> String {
        super::super::rendered(&Report::sample(), super::super::Format::Csv)
    }

    #[test]
    fn csv_snapshot() {
        insta::assert_snapshot!(rendered());
    }

    #[test]
    fn csv_has_one_row_per_asset_field_rule_and_per_note() {
        let text = rendered();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        let data = rows.iter().filter(|r| &r[0] == "data").count();
        let expected: usize = risk::assets(&Report::sample())
            .expect("in memory")
            .iter()
            .flat_map(|a| &a.fields)
            .map(|f| f.rules.len())
            .sum();
        assert_eq!(data, expected);
        assert!(
            rows.iter()
                .any(|r| &r[0] == "skipped" && &r[1] == "images/logo.png")
        );
        assert!(
            rows.iter()
                .any(|r| &r[0] == "error" && r[25].contains("line 3"))
        );
    }
}
