//! Checked settings: [`ScanConfig`] is everything a scan needs, resolved from the command line
//! and the project config file ([`mod@file`], `piimap.toml`; flags win over it) and validated
//! before any file is read. Problems here stop the run with exit code 2.

pub mod file;

use std::io::{self, BufRead};
use std::path::{Path, PathBuf};

use regex::bytes::Regex;

use crate::cli::{FailOn, ScanArgs};
use crate::detect::rule::{compile_regex, load_rules_file};
use crate::detect::{DEFAULT_MIN_CONFIDENCE, Rule, RuleError, ValidationContext, builtin};
use crate::finding::Severity;
use crate::report::Format;
use crate::walk::{OwnFile, WalkOptions};
use file::{FileError, ProjectFile};

/// Default of `--region`.
const DEFAULT_REGION: &str = "US";

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
    /// Rules files and folders added to the built-in rules (`--rules`, then `rule_files`).
    pub rules: Vec<PathBuf>,
    /// Per-rule changes from the config file's `[rules.<id>]` tables.
    pub rule_settings: Vec<RuleSetting>,
    /// Baseline whose findings are not reported (`--baseline`, else `baseline` in the file).
    pub baseline: Option<PathBuf>,
    /// Where to record the current findings as a baseline.
    pub write_baseline: Option<PathBuf>,
    /// List baseline entries that matched nothing.
    pub report_unused_baseline: bool,
}

/// `[rules.<id>]` of the config file, checked: what to change in one rule.
#[derive(Debug, Clone)]
pub struct RuleSetting {
    /// The rule id.
    pub id: String,
    /// `false` drops the rule.
    pub enabled: bool,
    /// Replacement severity.
    pub severity: Option<Severity>,
    /// Extra allow-list regexes.
    pub allow: Vec<Regex>,
    /// Where the table is, for an unknown id: `piimap.toml:12`.
    pub origin: FileError,
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
    /// `--stdin-paths` together with the path `-`.
    #[error("--stdin-paths reads standard input, so `-` cannot be scanned too")]
    StdinTwice,
    /// `--report-unused-baseline` without a baseline.
    #[error("--report-unused-baseline needs --baseline FILE (or `baseline` in piimap.toml)")]
    UnusedWithoutBaseline,
    /// `--threads 0`.
    #[error("--threads must be at least 1")]
    Threads,
    /// An unknown `--region`.
    #[error("--region {0:?} is not an ISO 3166-1 alpha-2 region code known to libphonenumber")]
    Region(String),
    /// One or more rules files are broken.
    #[error("{}", format_rule_errors(.0))]
    Rules(Vec<RuleError>),
    /// The project config file is broken.
    #[error(transparent)]
    File(#[from] FileError),
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
    /// Checks `args` and resolves defaults: a flag wins over `project` (the config file), which
    /// wins over the built-in default. `listed` are the paths read by `--stdin-paths`; unlike
    /// paths on the command line they may be missing (deleted files) and are then skipped.
    pub fn from_args(
        args: &ScanArgs,
        project: Option<&ProjectFile>,
        listed: Vec<PathBuf>,
    ) -> Result<Self, ConfigError> {
        let def = project.map(|p| &p.def);
        let resolve = |relative: &String| project.map(|p| p.resolve(relative));
        let roots = roots(args, project, listed)?;
        if !(0.0..=1.0).contains(&args.classify_threshold) {
            return Err(ConfigError::ClassifyThreshold(args.classify_threshold));
        }
        if args.report_unused_baseline
            && args.baseline.is_none()
            && args.write_baseline.is_none()
            && def.is_none_or(|d| d.baseline.is_none())
        {
            return Err(ConfigError::UnusedWithoutBaseline);
        }
        let min_confidence = min_confidence(args, project)?;
        let threads = match args.threads {
            Some(0) => return Err(ConfigError::Threads),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, usize::from),
        };
        let mut excludes = def.map_or(Vec::new(), |d| d.exclude.clone());
        excludes.extend(args.exclude.iter().cloned());
        let baseline = args
            .baseline
            .clone()
            .or_else(|| def.and_then(|d| d.baseline.as_ref()).and_then(resolve));
        let mut rules = args.rules.clone();
        rules.extend(
            def.iter()
                .flat_map(|d| d.rule_files.iter())
                .filter_map(resolve),
        );
        Ok(ScanConfig {
            roots,
            walk: WalkOptions {
                excludes,
                max_file_size: args.max_file_size,
                follow_links: args.follow_links,
                gitignore: args.gitignore || def.is_some_and(|d| d.gitignore),
                own_files: own_files(args, baseline.as_ref()),
            },
            threads,
            format: args.format,
            output: args.output.clone(),
            fail_on: args
                .fail_on
                .or(def.and_then(|d| d.fail_on))
                .unwrap_or(FailOn::Low),
            min_confidence,
            show_values: args.show_values,
            validation: ValidationContext {
                region: region(args, project)?,
            },
            sample_rows: args.sample_rows.or(def.and_then(|d| d.sample_rows)),
            classify_threshold: args.classify_threshold,
            rules,
            rule_settings: project.map_or(Ok(Vec::new()), rule_settings)?,
            baseline,
            write_baseline: args.write_baseline.clone(),
            report_unused_baseline: args.report_unused_baseline,
        })
    }

    /// The rules of this scan: built-in, then the rules files, then the config file's
    /// `[rules.<id>]` changes (an id that names no rule is an error).
    pub fn load_rules(&self) -> Result<Vec<Rule>, ConfigError> {
        let mut rules = load_rules(&self.rules)?;
        for setting in &self.rule_settings {
            let Some(rule) = rules.iter_mut().find(|r| r.id == setting.id) else {
                return Err(ConfigError::File(FileError {
                    reason: format!("[rules.{}]: no rule has this id", setting.id),
                    ..setting.origin.clone()
                }));
            };
            if let Some(severity) = setting.severity {
                rule.severity = severity;
            }
            rule.allow.extend(setting.allow.iter().cloned());
        }
        rules.retain(|rule| {
            self.rule_settings
                .iter()
                .all(|s| s.id != rule.id || s.enabled)
        });
        Ok(rules)
    }
}

/// Paths read by `--stdin-paths`: one per line; blank lines and a trailing `\r` are ignored.
pub fn listed_paths(input: &mut dyn BufRead) -> io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for line in input.split(b'\n') {
        let line = line?;
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        if !line.iter().all(u8::is_ascii_whitespace) {
            paths.push(path_from_bytes(line));
        }
    }
    Ok(paths)
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// What to scan: the paths given, else (without `--stdin-paths`) the file's `paths`, else `.`;
/// then the `listed` ones. Paths given or from the file must exist; listed ones need not.
/// The files of piimap's own this run writes or reads, which the walk leaves out.
fn own_files(args: &ScanArgs, baseline: Option<&PathBuf>) -> Vec<OwnFile> {
    let own = |path: Option<&PathBuf>, reason| {
        path.map(|path| OwnFile {
            path: path.clone(),
            reason,
        })
    };
    [
        own(
            args.output.as_ref(),
            "piimap's own report (--output of this scan)",
        ),
        own(
            args.write_baseline.as_ref(),
            "piimap's own baseline (--write-baseline of this scan)",
        ),
        own(
            baseline,
            "piimap's own baseline (the baseline of this scan)",
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn roots(
    args: &ScanArgs,
    project: Option<&ProjectFile>,
    listed: Vec<PathBuf>,
) -> Result<Vec<PathBuf>, ConfigError> {
    let mut roots = args.paths.clone();
    if roots.is_empty() && !args.stdin_paths {
        if let Some(project) = project {
            roots.extend(project.def.paths.iter().map(|p| project.resolve(p)));
        }
        if roots.is_empty() {
            roots.push(PathBuf::from("."));
        }
    }
    for path in &roots {
        if path.as_os_str() != "-" && std::fs::symlink_metadata(path).is_err() {
            return Err(ConfigError::MissingPath(path.display().to_string()));
        }
    }
    if args.stdin_paths && roots.iter().any(|p| p.as_os_str() == "-") {
        return Err(ConfigError::StdinTwice);
    }
    roots.extend(listed);
    Ok(roots)
}

fn min_confidence(args: &ScanArgs, project: Option<&ProjectFile>) -> Result<f64, ConfigError> {
    if let Some(value) = args.min_confidence {
        return if (0.0..=1.0).contains(&value) {
            Ok(value)
        } else {
            Err(ConfigError::Confidence(value))
        };
    }
    let Some((project, spanned)) =
        project.and_then(|p| p.def.min_confidence.as_ref().map(|m| (p, m)))
    else {
        return Ok(DEFAULT_MIN_CONFIDENCE);
    };
    let value = *spanned.get_ref();
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(project
            .error_at(
                spanned.span().start,
                format!("min_confidence {value} is outside [0, 1]"),
            )
            .into())
    }
}

fn region(
    args: &ScanArgs,
    project: Option<&ProjectFile>,
) -> Result<phonenumber::country::Id, ConfigError> {
    if let Some(code) = &args.region {
        return parse_region(code);
    }
    match project.and_then(|p| p.def.region.as_ref().map(|r| (p, r))) {
        Some((project, spanned)) => parse_region(spanned.get_ref()).map_err(|err| {
            project
                .error_at(spanned.span().start, format!("region: {err}"))
                .into()
        }),
        None => parse_region(DEFAULT_REGION),
    }
}

/// Checks the `[rules.<id>]` tables: compiles their allow lists.
fn rule_settings(project: &ProjectFile) -> Result<Vec<RuleSetting>, ConfigError> {
    let mut settings = Vec::new();
    for (id, table) in &project.def.rules {
        let origin = project.error_at(table.span().start, String::new());
        let mut allow = Vec::new();
        for pattern in &table.get_ref().allow {
            let regex = compile_regex(pattern.get_ref()).map_err(|reason| {
                project.error_at(
                    pattern.span().start,
                    format!("[rules.{id}] allow: {reason}"),
                )
            })?;
            allow.push(regex);
        }
        settings.push(RuleSetting {
            id: id.clone(),
            enabled: table.get_ref().enabled.unwrap_or(true),
            severity: table.get_ref().severity,
            allow,
            origin,
        });
    }
    Ok(settings)
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
