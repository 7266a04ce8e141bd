//! Command-line arguments as the user typed them (clap). [`crate::config`] turns them into
//! checked settings.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::finding::Severity;
use crate::report::Format;

/// piimap: find personal data in files, exports and database dumps, and map where it lives.
#[derive(Debug, Parser)]
#[command(name = "piimap", version, about, long_about = None)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders for personal data.
    Scan(Box<ScanArgs>),
    /// Render a saved JSON report in another format, without scanning again.
    Report(ReportArgs),
    /// Combine the JSON reports of separate scans (per server, per shard) into one.
    Merge(MergeArgs),
    /// List or check detection rules.
    Rules {
        /// What to do with the rules.
        #[command(subcommand)]
        command: RulesCommand,
    },
}

/// Arguments of `piimap scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` reads standard input [default: `paths` from piimap.toml,
    /// else `.`].
    pub paths: Vec<PathBuf>,
    /// Also scan the paths listed on standard input, one per line (`git diff --name-only`);
    /// listed paths that no longer exist are reported as skipped.
    #[arg(long)]
    pub stdin_paths: bool,
    /// Project config file [default: the nearest piimap.toml in this folder or a parent].
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any piimap.toml.
    #[arg(long)]
    pub no_config: bool,
    /// Report and fail only on findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE (keeping the notes of entries already there); the
    /// run then counts them as baselined.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// List baseline entries that matched no finding (stale entries).
    #[arg(long)]
    pub report_unused_baseline: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Add rules from a TOML file or a folder of them; a rule with a built-in id replaces it.
    #[arg(long, value_name = "FILE|DIR")]
    pub rules: Vec<PathBuf>,
    /// Exit with 1 when a finding has at least this severity [default: low].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Leave out paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Skip files larger than SIZE (K, M, G suffixes, binary).
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = crate::walk::parse_size)]
    pub max_file_size: u64,
    /// Follow symbolic links (loops are detected and reported).
    #[arg(long)]
    pub follow_links: bool,
    /// Also leave out what the repository's .gitignore files and .git/info/exclude leave out,
    /// as ripgrep does (build output, dependencies); off by default, since ignored files are
    /// where stray exports and dumps often sit.
    #[arg(long)]
    pub gitignore: bool,
    /// Do not show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Print found values unmasked (the report then holds personal data).
    #[arg(long)]
    pub show_values: bool,
    /// Drop findings with a confidence below this, in [0, 1] [default: 0.5].
    #[arg(long, value_name = "SCORE")]
    pub min_confidence: Option<f64>,
    /// Read at most N rows of each CSV file, JSON array, sheet or database table (default:
    /// all); the data map marks the columns whose table was sampled.
    #[arg(long, value_name = "N")]
    pub sample_rows: Option<u64>,
    /// Share of a column's values, in [0, 1], that must match a rule for the data map to
    /// classify the column as holding that rule's data (also when its name names the data and
    /// at least one value matches).
    #[arg(long, value_name = "RATIO", default_value_t = crate::datamap::DEFAULT_CLASSIFY_THRESHOLD)]
    pub classify_threshold: f64,
    /// Region (ISO 3166-1 alpha-2) assumed for phone numbers without a country code
    /// [default: US].
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,
}

/// Arguments of `piimap report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A report written by `piimap scan --format json` or `piimap merge`.
    pub report: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `piimap merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// JSON reports of scans of separate paths.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Output format of the merged report.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Severity threshold of `--fail-on` (and `fail_on` in piimap.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailOn {
    /// Any finding fails.
    Low,
    /// Medium, high or critical findings fail.
    Medium,
    /// High or critical findings fail.
    High,
    /// Only critical findings fail.
    Critical,
    /// Never fail because of findings.
    Never,
}

impl FailOn {
    /// The lowest severity that fails, or `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::Never => None,
        }
    }
}

/// Subcommands of `piimap rules`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the active rules.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// Add rules from a TOML file or folder, as `scan --rules` does.
        #[arg(long, value_name = "FILE|DIR")]
        rules: Vec<PathBuf>,
    },
    /// Check a rules file: syntax, fields, regexes and the rules' own examples.
    Check {
        /// The rules file.
        file: PathBuf,
    },
}

/// Output formats of `piimap rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns.
    Table,
    /// A JSON array.
    Json,
}
