//! Between **finding** and **report**: the baseline, a committed list of findings a team has
//! reviewed and accepted, so that CI fails only on what is new.
//!
//! An entry is matched by the finding's fingerprint, which leaves out line numbers (so it
//! survives lines moving within a file) and is derived from the masked value only. An entry
//! stores the rule, path and masked value for the reader, never a raw value or a plain hash of
//! one. Entries may carry a `reason`, who `accepted_by` them and an `expires` date; from the day
//! after it an entry no longer suppresses anything and the report lists it as expired.
//!
//! ```json
//! {
//!   "version": 1,
//!   "entries": [
//!     {
//!       "fingerprint": "0f3c…",
//!       "rule": "email",
//!       "path": "docs/contact.md",
//!       "value": "s***@example.com",
//!       "reason": "support address, public",
//!       "accepted_by": "dpo@example.com",
//!       "expires": "2027-06-30"
//!     }
//!   ]
//! }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding;
use crate::report::{Findings, Report};

/// Layout version of the baseline file.
pub const VERSION: u32 = 1;

/// A baseline file as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Layout version, currently 1.
    pub version: u32,
    /// Accepted findings, sorted by path, rule and value.
    pub entries: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The finding's fingerprint: what matching uses.
    pub fingerprint: String,
    /// Rule id, for the reader.
    pub rule: String,
    /// File, for the reader.
    pub path: String,
    /// Masked value, for the reader.
    pub value: String,
    /// Why the finding is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who accepted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_by: Option<String>,
    /// Last day (YYYY-MM-DD) on which the entry suppresses its finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
}

/// What applying a baseline did; the `baseline` object of the JSON report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    /// The baseline file.
    pub path: String,
    /// Entries in it.
    pub entries: u64,
    /// Findings it suppressed (also in `summary.baseline_suppressed`).
    pub suppressed: u64,
    /// Entries past their `expires` date: they suppress nothing any more.
    pub expired: Vec<Entry>,
    /// Entries that matched no finding (stale), listed with `--report-unused-baseline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unused: Option<Vec<Entry>>,
}

/// A baseline file that cannot be read, parsed or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The baseline file does not exist.
    #[error("{0}: no such baseline file (record one with --write-baseline {0})")]
    Missing(String),
    /// The file cannot be read or written.
    #[error("{path}: {action} baseline: {source}")]
    Io {
        /// The file.
        path: String,
        /// `cannot read` or `cannot write`.
        action: &'static str,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not a baseline.
    #[error("{path}:{line}: invalid baseline: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

impl Baseline {
    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Self, BaselineError> {
        if !path.exists() {
            return Err(BaselineError::Missing(path.display().to_string()));
        }
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
            path: path.display().to_string(),
            action: "cannot read",
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses the text of a baseline file read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Self, BaselineError> {
        let invalid = |line: usize, reason: String| BaselineError::Invalid {
            path: path.display().to_string(),
            line,
            reason,
        };
        let baseline: Baseline = serde_json::from_str(text).map_err(|err| {
            let reason = err.to_string();
            let reason = reason.split(" at line ").next().unwrap_or(&reason);
            invalid(err.line().max(1), reason.to_string())
        })?;
        if baseline.version != VERSION {
            return Err(invalid(
                1,
                format!("version {} is not {VERSION}", baseline.version),
            ));
        }
        Ok(baseline)
    }

    /// A baseline of `findings`. Notes (`reason`, `accepted_by`, `expires`) of entries of
    /// `previous` with the same fingerprint are kept. `raw_values` says the findings hold
    /// unmasked values (`--show-values`): they are masked here, as a baseline never holds one.
    /// Fails only when spilled findings cannot be read back.
    pub fn from_findings(
        findings: &Findings,
        previous: Option<&Baseline>,
        raw_values: bool,
    ) -> io::Result<Self> {
        let notes: HashMap<&str, &Entry> = previous
            .map(|b| {
                b.entries
                    .iter()
                    .map(|e| (e.fingerprint.as_str(), e))
                    .collect()
            })
            .unwrap_or_default();
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| {
                let f = f?;
                let old = notes.get(f.fingerprint.as_str());
                Ok(Entry {
                    fingerprint: f.fingerprint.clone(),
                    rule: f.rule.clone(),
                    path: f.path.clone(),
                    value: if raw_values {
                        finding::mask(&f.value)
                    } else {
                        f.value.clone()
                    },
                    reason: old.and_then(|e| e.reason.clone()),
                    accepted_by: old.and_then(|e| e.accepted_by.clone()),
                    expires: old.and_then(|e| e.expires),
                })
            })
            .collect::<io::Result<_>>()?;
        entries.sort_by(|a, b| {
            (&a.path, &a.rule, &a.value, &a.fingerprint).cmp(&(
                &b.path,
                &b.rule,
                &b.value,
                &b.fingerprint,
            ))
        });
        Ok(Baseline {
            version: VERSION,
            entries,
        })
    }

    /// Writes the baseline as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline always serializes");
        text.push('\n');
        std::fs::write(path, text).map_err(|source| BaselineError::Io {
            path: path.display().to_string(),
            action: "cannot write",
            source,
        })
    }

    /// Removes from `report` every finding that a live (not expired on `today`) entry matches,
    /// updates its counts, and records what happened in `report.baseline`.
    /// `path` names the baseline in the report; `list_unused` fills `unused`. Fails only when
    /// spilled findings cannot be read back.
    pub fn apply(
        &self,
        report: &mut Report,
        path: &Path,
        today: Date,
        list_unused: bool,
    ) -> io::Result<()> {
        let by_fingerprint: HashMap<&str, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.fingerprint.as_str(), i))
            .collect();
        let is_live = |entry: &Entry| entry.expires.is_none_or(|last| today <= last);
        let mut used = vec![false; self.entries.len()];
        let mut by_rule: BTreeMap<String, u64> = BTreeMap::new();
        report.findings.retain(|f| {
            let keep = match by_fingerprint.get(f.fingerprint.as_str()) {
                Some(&i) => {
                    used[i] = true;
                    !is_live(&self.entries[i])
                }
                None => true,
            };
            if keep {
                *by_rule.entry(f.rule.clone()).or_default() += 1;
            }
            keep
        })?;
        let expired: Vec<Entry> = self
            .entries
            .iter()
            .filter(|e| !is_live(e))
            .cloned()
            .collect();
        let unused = list_unused.then(|| {
            self.entries
                .iter()
                .zip(&used)
                .filter(|(e, used)| !**used && is_live(e))
                .map(|(e, _)| e.clone())
                .collect()
        });
        // The data map is left as it is: it maps where personal data lives, accepted or not.
        let suppressed = report.summary.findings - report.findings.len();
        report.summary.findings = report.findings.len();
        report.summary.by_rule = by_rule;
        report.summary.baseline_suppressed += suppressed;
        report.baseline = Some(Applied {
            path: path.display().to_string(),
            entries: self.entries.len() as u64,
            suppressed,
            expired,
            unused,
        });
        Ok(())
    }
}

/// The baseline already at `path`, whose notes `--write-baseline` keeps; `None` when there is
/// no file there yet.
pub fn previous(path: &Path) -> Result<Option<Baseline>, BaselineError> {
    if path.exists() {
        Baseline::read(path).map(Some)
    } else {
        Ok(None)
    }
}

/// `1 baseline entry`, `3 baseline entries`: for messages.
pub fn count_entries(n: usize) -> String {
    match n {
        1 => "1 baseline entry".to_string(),
        _ => format!("{n} baseline entries"),
    }
}

/// A calendar date, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    year: u32,
    month: u32,
    day: u32,
}

impl Date {
    /// Today in UTC.
    pub fn today() -> Self {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_days((seconds / 86_400) as i64)
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u32;
        Date { year, month, day }
    }

    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("invalid date {text:?}: expected YYYY-MM-DD");
        let parts: Vec<&str> = text.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let number = |s: &str| s.parse::<u32>().map_err(|_| bad());
        let (year, month, day) = (number(y)?, number(m)?, number(d)?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if !(1..=days_in_month).contains(&day) {
            return Err(bad());
        }
        Ok(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Location;
    use crate::finding::{Category, Evidence, Finding, Severity};

    fn finding(path: &str, value: &str, fingerprint: &str) -> Finding {
        Finding {
            rule: "email".into(),
            category: Category::Contact,
            severity: Severity::Medium,
            confidence: 0.9,
            evidence: Evidence::Value,
            path: path.into(),
            location: Location {
                line: 1,
                column: 1,
                container: None,
                field: None,
                locator: None,
            },
            value: value.into(),
            fingerprint: fingerprint.into(),
            test_value: false,
        }
    }

    fn report(findings: Vec<Finding>) -> Report {
        let mut summary = crate::report::Summary {
            findings: findings.len() as u64,
            ..Default::default()
        };
        for f in &findings {
            *summary.by_rule.entry(f.rule.clone()).or_default() += 1;
        }
        Report {
            schema_version: crate::report::SCHEMA_VERSION,
            tool: crate::report::Tool::current(),
            summary,
            findings: findings.into(),
            data_map: Vec::new(),
            skipped: Vec::new(),
            errors: Vec::new(),
            baseline: None,
        }
    }

    fn baseline_of(findings: &[Finding], previous: Option<&Baseline>, raw: bool) -> Baseline {
        Baseline::from_findings(&findings.to_vec().into(), previous, raw).expect("in memory")
    }

    fn apply(baseline: &Baseline, report: &mut Report, today: &str, list_unused: bool) {
        baseline
            .apply(report, Path::new("b.json"), date(today), list_unused)
            .expect("in memory");
    }

    fn date(text: &str) -> Date {
        Date::parse(text).expect("valid date")
    }

    #[test]
    fn matching_entries_are_suppressed_and_counted() {
        let old = [finding("a.txt", "j***@example.com", "f1")];
        let baseline = baseline_of(&old, None, false);
        let mut now = report(vec![
            finding("a.txt", "j***@example.com", "f1"),
            finding("a.txt", "k***@example.com", "f2"),
        ]);
        apply(&baseline, &mut now, "2026-01-01", true);
        assert_eq!(now.findings.len(), 1);
        let kept = now.findings.clone().into_vec().expect("in memory");
        assert_eq!(kept[0].fingerprint, "f2");
        assert_eq!(now.summary.findings, 1);
        assert_eq!(now.summary.by_rule["email"], 1);
        assert_eq!(now.summary.baseline_suppressed, 1);
        assert_eq!(
            now.baseline.as_ref().and_then(|b| b.unused.clone()),
            Some(vec![])
        );
    }

    #[test]
    fn expired_entry_suppresses_nothing_and_is_listed() {
        let mut baseline = baseline_of(&[finding("a", "j***@x.org", "f1")], None, false);
        baseline.entries[0].expires = Some(date("2026-03-31"));
        let mut on_last_day = report(vec![finding("a", "j***@x.org", "f1")]);
        apply(&baseline, &mut on_last_day, "2026-03-31", false);
        assert!(on_last_day.findings.is_empty());
        let mut day_after = report(vec![finding("a", "j***@x.org", "f1")]);
        apply(&baseline, &mut day_after, "2026-04-01", false);
        assert_eq!(day_after.findings.len(), 1);
        let applied = day_after.baseline.expect("applied");
        assert_eq!(applied.expired.len(), 1);
        assert_eq!(applied.unused, None);
    }

    #[test]
    fn raw_values_are_masked_and_notes_kept() {
        let mut previous = baseline_of(&[finding("a", "x", "f1")], None, false);
        previous.entries[0].reason = Some("public address".into());
        let raw = [finding("a", "jane@example.com", "f1")];
        let baseline = baseline_of(&raw, Some(&previous), true);
        assert_eq!(baseline.entries[0].value, "j***@example.com");
        assert_eq!(
            baseline.entries[0].reason.as_deref(),
            Some("public address")
        );
        let text = serde_json::to_string(&baseline).expect("serializes");
        assert!(!text.contains("jane"), "{text}");
    }

    #[test]
    fn bad_expiry_names_the_line() {
        let text = "{\n \"version\": 1,\n \"entries\": [{\"fingerprint\": \"f\", \"rule\": \"r\",\n\
                    \"path\": \"p\", \"value\": \"v\",\n \"expires\": \"2026-02-30\"}]\n}";
        let err = Baseline::parse(text, Path::new("b.json")).expect_err("bad date");
        assert!(
            err.to_string().starts_with("b.json:5: invalid baseline:"),
            "{err}"
        );
    }

    #[test]
    fn dates_count_from_the_epoch() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_513).to_string(), "2026-03-01");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        assert!(Date::parse("2026-1-01").is_err());
        assert!(date("2026-12-31") < date("2027-01-01"));
    }
}
