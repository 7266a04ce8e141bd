//! Checked settings: [`ScanConfig`] is everything a scan needs, resolved from the command line
//! and validated before any file is read. Problems here stop the run with exit code 2.

use std::path::{Path, PathBuf};

use crate::cli::{FailOn, ScanArgs};
use crate::detect::rule::load_rules_file;
use crate::detect::{Rule, RuleError, ValidationContext, builtin};
use crate::report::Format;
use crate::walk::WalkOptions;

/// Resolved settings of one scan.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// Paths to scan (`-` for standard input).
    pub roots: Vec<PathBuf>,
    /// How to walk them.
    pub walk: WalkOptions,
    /// Worker threads.
    pub threads: usize,
    /// Output format.
    pub format: Format,
    /// Report file; standard output when `None`.
    pub output: Option<PathBuf>,
    /// Severity that makes the run fail.
    pub fail_on: FailOn,
    /// Findings below this confidence are dropped.
    pub min_confidence: f64,
    /// Keep raw values in findings.
    pub show_values: bool,
    /// Settings for validators (phone region).
    pub validation: ValidationContext,
    /// Rows read per table or sheet (`--sample-rows`); `None` reads all.
    pub sample_rows: Option<u64>,
    /// Match ratio that classifies a column (`--classify-threshold`).
    pub classify_threshold: f64,
}

/// A setting that cannot be used; the run stops before scanning.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A path to scan does not exist.
    #[error("{0}: no such file or directory")]
    MissingPath(String),
    /// `--min-confidence` outside [0, 1].
    #[error("--min-confidence {0} is outside [0, 1]")]
    Confidence(f64),
    /// `--classify-threshold` outside [0, 1].
    #[error("--classify-threshold {0} is outside [0, 1]")]
    ClassifyThreshold(f64),
    /// `--threads 0`.
    #[error("--threads must be at least 1")]
    Threads,
    /// An unknown `--region`.
    #[error("--region {0:?} is not an ISO 3166-1 alpha-2 region code known to libphonenumber")]
    Region(String),
    /// One or more rules files are broken.
    #[error("{}", format_rule_errors(.0))]
    Rules(Vec<RuleError>),
}

fn format_rule_errors(errors: &[RuleError]) -> String {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    format!(
        "invalid rules ({} problem(s)):\n  {}",
        errors.len(),
        lines.join("\n  ")
    )
}

impl ScanConfig {
    /// Checks `args` and resolves defaults.
    pub fn from_args(args: &ScanArgs) -> Result<Self, ConfigError> {
        for path in &args.paths {
            if path.as_os_str() != "-" && std::fs::symlink_metadata(path).is_err() {
                return Err(ConfigError::MissingPath(path.display().to_string()));
            }
        }
        if !(0.0..=1.0).contains(&args.min_confidence) {
            return Err(ConfigError::Confidence(args.min_confidence));
        }
        if !(0.0..=1.0).contains(&args.classify_threshold) {
            return Err(ConfigError::ClassifyThreshold(args.classify_threshold));
        }
        let threads = match args.threads {
            Some(0) => return Err(ConfigError::Threads),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, usize::from),
        };
        Ok(ScanConfig {
            roots: args.paths.clone(),
            walk: WalkOptions {
                excludes: args.exclude.clone(),
                max_file_size: args.max_file_size,
                follow_links: args.follow_links,
            },
            threads,
            format: args.format,
            output: args.output.clone(),
            fail_on: args.fail_on,
            min_confidence: args.min_confidence,
            show_values: args.show_values,
            validation: ValidationContext {
                region: parse_region(&args.region)?,
            },
            sample_rows: args.sample_rows,
            classify_threshold: args.classify_threshold,
        })
    }
}

fn parse_region(code: &str) -> Result<phonenumber::country::Id, ConfigError> {
    code.to_ascii_uppercase()
        .parse()
        .map_err(|_| ConfigError::Region(code.to_string()))
}

/// The built-in rules plus those in `extra` (files, or folders of `*.toml` files). A rule with
/// the id of an earlier one replaces it. Every problem in every file is reported at once.
pub fn load_rules(extra: &[PathBuf]) -> Result<Vec<Rule>, ConfigError> {
    let mut rules = builtin::rules().map_err(ConfigError::Rules)?;
    let mut errors = Vec::new();
    for file in extra.iter().flat_map(|path| rule_files(path)) {
        match load_rules_file(&file) {
            Ok(loaded) => loaded
                .into_iter()
                .for_each(|rule| replace_or_add(&mut rules, rule)),
            Err(mut problems) => errors.append(&mut problems),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(ConfigError::Rules(errors))
    }
}

/// `path` itself, or the `*.toml` files in it (sorted) when it is a folder.
fn rule_files(path: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(path) else {
        return vec![path.to_path_buf()];
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

fn replace_or_add(rules: &mut Vec<Rule>, rule: Rule) {
    match rules.iter_mut().find(|r| r.id == rule.id) {
        Some(existing) => *existing = rule,
        None => rules.push(rule),
    }
}
