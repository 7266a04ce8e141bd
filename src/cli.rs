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
    Scan(ScanArgs),
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
    /// Files or folders to scan; `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Add rules from a TOML file or a folder of them; a rule with a built-in id replaces it.
    #[arg(long, value_name = "FILE|DIR")]
    pub rules: Vec<PathBuf>,
    /// Exit with 1 when a finding has at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Low)]
    pub fail_on: FailOn,
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
    /// Do not show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Print found values unmasked (the report then holds personal data).
    #[arg(long)]
    pub show_values: bool,
    /// Drop findings with a confidence below this, in [0, 1].
    #[arg(long, value_name = "SCORE", default_value_t = crate::detect::DEFAULT_MIN_CONFIDENCE)]
    pub min_confidence: f64,
    /// Read at most N rows of each CSV file, JSON array or sheet (default: all); the data map
    /// marks the columns whose table was sampled.
    #[arg(long, value_name = "N")]
    pub sample_rows: Option<u64>,
    /// Share of a column's values, in [0, 1], that must match a rule for the data map to
    /// classify the column as holding that rule's data (also when its name names the data and
    /// at least one value matches).
    #[arg(long, value_name = "RATIO", default_value_t = crate::datamap::DEFAULT_CLASSIFY_THRESHOLD)]
    pub classify_threshold: f64,
    /// Region (ISO 3166-1 alpha-2) assumed for phone numbers without a country code.
    #[arg(long, value_name = "CC", default_value = "US")]
    pub region: String,
}

/// Severity threshold of `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
