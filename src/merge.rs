//! `piimap merge`: combines the JSON reports of separate scans (one per server, one per shard)
//! into one report, as if one scan had covered every path. Findings, data-map rows and file
//! notes are put together and sorted the way a scan sorts them; counts are added up. Two
//! reports that name the same file cannot be merged: that file would be counted twice.

use std::collections::{BTreeMap, BTreeSet};

use crate::report::{Findings, Report, SCHEMA_VERSION, Summary, Tool};

/// Why reports cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No report was given.
    #[error("nothing to merge: give at least one report")]
    Empty,
    /// A report has another layout version.
    #[error(
        "report {index} has schema_version {found}; this piimap reads version {SCHEMA_VERSION}"
    )]
    SchemaVersion {
        /// 1-based position of the report among the arguments.
        index: usize,
        /// The version it declares.
        found: u32,
    },
    /// The same file appears in two reports.
    #[error(
        "{path} appears in report {first} and in report {second}; merge reports of separate paths"
    )]
    Overlap {
        /// The file.
        path: String,
        /// 1-based position of the first report naming it.
        first: usize,
        /// 1-based position of the second.
        second: usize,
    },
    /// A report's findings were spilled to a temporary file that cannot be read back.
    #[error("cannot read findings back from their temporary file: {0}")]
    Read(#[from] std::io::Error),
}

/// Merges `reports` (in argument order) into one.
pub fn merge(reports: Vec<Report>) -> Result<Report, MergeError> {
    if reports.is_empty() {
        return Err(MergeError::Empty);
    }
    check(&reports)?;
    let mut findings = Vec::new();
    let mut merged = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::current(),
        summary: Summary::default(),
        findings: Findings::default(),
        data_map: Vec::new(),
        skipped: Vec::new(),
        errors: Vec::new(),
        // Each report applied its own baseline; the suppressed counts add up below.
        baseline: None,
    };
    for mut report in reports {
        findings.append(&mut report.findings.into_vec()?);
        let s = &report.summary;
        merged.summary.files_scanned += s.files_scanned;
        merged.summary.bytes_scanned += s.bytes_scanned;
        merged.summary.duration_ms += s.duration_ms;
        merged.summary.baseline_suppressed += s.baseline_suppressed;
        merged.data_map.append(&mut report.data_map);
        merged.skipped.append(&mut report.skipped);
        merged.errors.append(&mut report.errors);
    }
    // Stable sorts: within a file, findings keep the order the scan gave them.
    findings.sort_by(|a, b| a.path.cmp(&b.path));
    merged
        .data_map
        .sort_by(|a, b| (&a.path, &a.container, &a.field).cmp(&(&b.path, &b.container, &b.field)));
    merged.skipped.sort();
    merged.errors.sort();
    let summary = &mut merged.summary;
    summary.files_skipped = merged.skipped.len() as u64;
    summary.files_errored = merged.errors.len() as u64;
    summary.findings = findings.len() as u64;
    summary.by_rule = BTreeMap::new();
    for finding in &findings {
        *summary.by_rule.entry(finding.rule.clone()).or_default() += 1;
    }
    merged.findings = findings.into();
    Ok(merged)
}

/// Checks versions, and that no file is named by two reports.
fn check(reports: &[Report]) -> Result<(), MergeError> {
    let paths = reports
        .iter()
        .map(paths)
        .collect::<std::io::Result<Vec<_>>>()?;
    let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (report, paths)) in reports.iter().zip(&paths).enumerate() {
        let index = i + 1;
        if report.schema_version != SCHEMA_VERSION {
            return Err(MergeError::SchemaVersion {
                index,
                found: report.schema_version,
            });
        }
        for path in paths {
            if let Some(&first) = owner.get(path.as_str())
                && first != index
            {
                return Err(MergeError::Overlap {
                    path: path.to_string(),
                    first,
                    second: index,
                });
            }
            owner.insert(path.as_str(), index);
        }
    }
    Ok(())
}

/// Every file a report names.
fn paths(report: &Report) -> std::io::Result<BTreeSet<String>> {
    let mut paths = BTreeSet::new();
    for finding in report.findings.iter() {
        let finding = finding?;
        if !paths.contains(&finding.path) {
            paths.insert(finding.path.clone());
        }
    }
    let rows = report.data_map.iter().map(|r| &r.path);
    let notes = report.skipped.iter().chain(&report.errors).map(|n| &n.path);
    paths.extend(rows.chain(notes).cloned());
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample report split in two by path.
    fn halves() -> (Report, Report) {
        let full = Report::sample();
        let split = |keep: fn(&str) -> bool| {
            let mut part = full.clone();
            part.findings.retain(|f| keep(&f.path)).expect("in memory");
            part.data_map.retain(|r| keep(&r.path));
            part.skipped.retain(|n| keep(&n.path));
            part.errors.retain(|n| keep(&n.path));
            part
        };
        (
            split(|p| p.starts_with("exports/")),
            split(|p| !p.starts_with("exports/")),
        )
    }

    #[test]
    fn merged_halves_have_the_findings_and_data_map_of_the_whole() {
        let (a, b) = halves();
        let full = Report::sample();
        let merged = merge(vec![b, a]).expect("disjoint halves merge");
        assert_eq!(merged.findings, full.findings);
        assert_eq!(merged.data_map, full.data_map);
        assert_eq!(merged.skipped, full.skipped);
        assert_eq!(merged.errors, full.errors);
        assert_eq!(merged.summary.by_rule, full.summary.by_rule);
        assert_eq!(merged.summary.findings, full.summary.findings);
    }

    #[test]
    fn the_same_file_in_two_reports_is_refused() {
        let err = merge(vec![Report::sample(), Report::sample()]).expect_err("overlap");
        assert!(
            matches!(
                err,
                MergeError::Overlap {
                    first: 1,
                    second: 2,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn another_schema_version_is_refused() {
        let mut old = Report::sample();
        old.schema_version = 0;
        let err = merge(vec![old]).expect_err("version");
        assert!(matches!(
            err,
            MergeError::SchemaVersion { index: 1, found: 0 }
        ));
        assert!(matches!(merge(Vec::new()), Err(MergeError::Empty)));
    }
}
