//! The project config file, `piimap.toml`: settings a team commits so that every run (a
//! developer's, pre-commit's, CI's) scans the same way. Found by walking up from the working
//! directory, or named with `--config FILE`.
//!
//! This module only parses and checks the file ([`ProjectFile`], every value with the line it
//! came from); [`super::ScanConfig`] merges it with the command line, where flags win. Paths in
//! the file are relative to the folder that holds it.
//!
//! ```toml
//! paths = ["src", "exports"]
//! exclude = ["fixtures/**"]
//! rule_files = ["piimap-rules"]
//! fail_on = "medium"
//! region = "GB"
//! min_confidence = 0.6
//! sample_rows = 1000
//! gitignore = true
//! baseline = ".piimap-baseline.json"
//!
//! [rules.ip_address]
//! enabled = false
//!
//! [rules.email]
//! severity = "high"
//! allow = ['@example\.com$']
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::cli::FailOn;
use crate::finding::Severity;

/// File name looked for in the working directory and its parents.
pub const FILE_NAME: &str = "piimap.toml";

/// A problem in the config file; the run stops with exit code 2.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct FileError {
    /// The config file.
    pub file: String,
    /// 1-based line of the problem (1 when the file cannot be read).
    pub line: usize,
    /// What is wrong, naming the key.
    pub reason: String,
}

/// `piimap.toml` as written. Every key is optional; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectDef {
    /// Paths scanned when the command line names none.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Gitignore-style globs to leave out, added to `--exclude`.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Rules files or folders, added to `--rules`.
    #[serde(default)]
    pub rule_files: Vec<String>,
    /// Default of `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// Default of `--region`.
    pub region: Option<Spanned<String>>,
    /// Default of `--min-confidence`.
    pub min_confidence: Option<Spanned<f64>>,
    /// Default of `--baseline`.
    pub baseline: Option<String>,
    /// Default of `--sample-rows`.
    pub sample_rows: Option<u64>,
    /// `true` turns `--gitignore` on.
    #[serde(default)]
    pub gitignore: bool,
    /// Settings per rule id: `[rules.email]`.
    #[serde(default)]
    pub rules: BTreeMap<String, Spanned<RuleSettings>>,
}

/// `[rules.<id>]`: changes to one rule.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSettings {
    /// `false` turns the rule off.
    pub enabled: Option<bool>,
    /// Replaces the rule's severity.
    pub severity: Option<Severity>,
    /// Extra regexes of values the rule must never report (added to the rule's own `allow`).
    #[serde(default)]
    pub allow: Vec<Spanned<String>>,
}

/// A parsed config file, with its location so that errors and relative paths can refer to it.
#[derive(Debug)]
pub struct ProjectFile {
    /// Where the file is.
    pub path: PathBuf,
    /// Its text, to turn byte offsets into line numbers.
    text: String,
    /// Its content.
    pub def: ProjectDef,
}

impl ProjectFile {
    /// Parses `text`, read from `path`.
    pub fn parse(text: String, path: &Path) -> Result<Self, FileError> {
        match toml::from_str::<ProjectDef>(&text) {
            Ok(def) => Ok(ProjectFile {
                path: path.to_path_buf(),
                text,
                def,
            }),
            Err(err) => {
                let offset = err.span().map_or(0, |span| span.start);
                let message = err.message().trim_end();
                let reason = match key_at(&text, offset) {
                    Some(key) if !message.contains(key) => format!("{key}: {message}"),
                    _ => message.to_string(),
                };
                Err(FileError {
                    file: path.display().to_string(),
                    line: line_of(&text, offset),
                    reason,
                })
            }
        }
    }

    /// Reads and parses the file at `path`.
    pub fn read(path: &Path) -> Result<Self, FileError> {
        let text = std::fs::read_to_string(path).map_err(|err| FileError {
            file: path.display().to_string(),
            line: 1,
            reason: format!("cannot read config file: {err}"),
        })?;
        Self::parse(text, path)
    }

    /// An error about the value at byte offset `offset` of the file.
    pub fn error_at(&self, offset: usize, reason: String) -> FileError {
        FileError {
            file: self.path.display().to_string(),
            line: line_of(&self.text, offset),
            reason,
        }
    }

    /// `relative` resolved against the folder holding the file.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        let dir = self.path.parent().unwrap_or_else(|| Path::new(""));
        let joined = dir.join(relative);
        match std::env::current_dir() {
            Ok(cwd) => joined
                .strip_prefix(&cwd)
                .map(|p| {
                    if p.as_os_str().is_empty() {
                        PathBuf::from(".")
                    } else {
                        p.to_path_buf()
                    }
                })
                .unwrap_or(joined.clone()),
            Err(_) => joined,
        }
    }
}

/// The config file to use: `explicit` (`--config FILE`) when given, else the first
/// `piimap.toml` in `start` or one of its parents, else none.
pub fn find(explicit: Option<&Path>, start: &Path) -> Result<Option<ProjectFile>, FileError> {
    if let Some(path) = explicit {
        return ProjectFile::read(path).map(Some);
    }
    let found = start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file());
    found.map(|path| ProjectFile::read(&path)).transpose()
}

/// The key of the `key = value` line holding byte `offset`, so that a type error names it.
fn key_at(text: &str, offset: usize) -> Option<&str> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let key = line.split_once('=')?.0.trim();
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    is_key.then_some(key)
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ProjectFile, FileError> {
        ProjectFile::parse(text.to_string(), Path::new("/repo/piimap.toml"))
    }

    #[test]
    fn full_file_parses() {
        let file = parse(
            "paths = [\"src\"]\nfail_on = \"high\"\nmin_confidence = 0.7\n\
             [rules.email]\nallow = ['@example\\.com$']\nseverity = \"low\"\n\
             [rules.ip_address]\nenabled = false\n",
        )
        .expect("valid config");
        assert_eq!(file.def.paths, vec!["src"]);
        assert_eq!(file.def.fail_on, Some(FailOn::High));
        assert_eq!(file.def.rules["email"].get_ref().allow.len(), 1);
        assert_eq!(file.def.rules["ip_address"].get_ref().enabled, Some(false));
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let err = parse("fail_on = \"high\"\n\nfail_of = \"low\"\n").expect_err("unknown key");
        assert_eq!(err.line, 3, "{err}");
        assert!(
            err.to_string().starts_with("/repo/piimap.toml:3: "),
            "{err}"
        );
        assert!(err.reason.contains("fail_of"), "{err}");
    }

    #[test]
    fn unknown_key_in_rule_table_names_its_line() {
        let err = parse("[rules.email]\nallow = []\nsevrity = \"low\"\n").expect_err("typo");
        assert_eq!(err.line, 3, "{err}");
    }

    #[test]
    fn wrong_type_names_its_line() {
        let err = parse("region = \"GB\"\nmin_confidence = \"high\"\n").expect_err("type");
        assert_eq!(err.line, 2, "{err}");
        assert!(err.reason.starts_with("min_confidence: "), "{err}");
    }

    #[test]
    fn rule_table_span_points_at_its_header() {
        let file = parse("fail_on = \"low\"\n\n[rules.emial]\nenabled = false\n").expect("parses");
        let span = file.def.rules["emial"].span();
        assert_eq!(file.error_at(span.start, String::new()).line, 3);
    }

    #[test]
    fn nearest_file_up_the_tree_is_found() {
        let dir = tempfile::tempdir().expect("temp dir");
        let nested = dir.path().join("a").join("b");
        std::fs::create_dir_all(&nested).expect("mkdir");
        std::fs::write(dir.path().join(FILE_NAME), "fail_on = \"never\"\n").expect("write");
        let found = find(None, &nested).expect("readable").expect("found");
        assert_eq!(found.path, dir.path().join(FILE_NAME));
        assert_eq!(found.def.fail_on, Some(FailOn::Never));
    }
}
