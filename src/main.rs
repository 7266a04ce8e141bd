//! The `piimap` binary: parse arguments, run the command, print errors once, map the outcome to
//! an exit code (0 clean, 1 findings at or above `--fail-on`, 2 usage/config/rules error).

use std::fs::File;
use std::io::{self, BufWriter, Write};

use anyhow::{Context, Result};
use clap::Parser;

use piimap::baseline::{self, Baseline, Date};
use piimap::cli::{Args, Command, ListFormat, RulesCommand, ScanArgs};
use piimap::config::{self, ScanConfig};
use piimap::detect::rule::load_rules_file;
use piimap::detect::{Detector, Rule};
use piimap::exit_code::ExitCode;
use piimap::progress::Progress;
use piimap::report::{self, Report};
use piimap::scan;

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let outcome = match args.command {
        Command::Scan(scan_args) => run_scan(&scan_args),
        Command::Rules { command } => run_rules(command),
    };
    match outcome {
        Ok(code) => code.into(),
        Err(err) => {
            eprintln!("piimap: {err:#}");
            ExitCode::Usage.into()
        }
    }
}

fn run_scan(args: &ScanArgs) -> Result<ExitCode> {
    let project = match args.no_config {
        true => None,
        false => {
            let cwd = std::env::current_dir().context("cannot read the working directory")?;
            config::file::find(args.config.as_deref(), &cwd)?
        }
    };
    let listed = match args.stdin_paths {
        true => config::listed_paths(&mut io::stdin().lock())
            .context("cannot read paths from standard input")?,
        false => Vec::new(),
    };
    let config = ScanConfig::from_args(args, project.as_ref(), listed)?;
    // With --write-baseline the new baseline replaces any other; its notes come from the file
    // being overwritten.
    let (baseline, previous) = match (&config.write_baseline, &config.baseline) {
        (Some(path), _) => (None, baseline::previous(path)?),
        (None, Some(path)) => (Some(Baseline::read(path)?), None),
        (None, None) => (None, None),
    };
    let detector = Detector::new(config.load_rules()?, config.validation.clone())?;
    if config.show_values {
        eprintln!("piimap: warning: --show-values puts unmasked personal data in the report");
    }
    let progress = Progress::new(!args.no_progress);
    let mut report = scan::scan(&config, &detector, &progress)?;
    progress.finish();
    let today = Date::today();
    if let Some(path) = &config.write_baseline {
        let written =
            Baseline::from_findings(&report.findings, previous.as_ref(), config.show_values);
        written.write(path)?;
        eprintln!(
            "piimap: wrote {} finding(s) to baseline {}",
            written.entries.len(),
            path.display()
        );
        written.apply(&mut report, path, today, config.report_unused_baseline);
    } else if let (Some(baseline), Some(path)) = (&baseline, &config.baseline) {
        baseline.apply(&mut report, path, today, config.report_unused_baseline);
    }
    warn_about_baseline(&report);
    write_report(&report, &config)?;
    Ok(exit_code(&report, &config))
}

/// Expired and unused baseline entries also go to stderr, whatever the report format, so
/// they show in a CI log.
fn warn_about_baseline(report: &Report) {
    let Some(applied) = &report.baseline else {
        return;
    };
    if !applied.expired.is_empty() {
        eprintln!(
            "piimap: {} in {} expired and no longer suppress findings",
            baseline::count_entries(applied.expired.len()),
            applied.path
        );
    }
    if let Some(unused) = applied.unused.as_ref().filter(|u| !u.is_empty()) {
        eprintln!(
            "piimap: {} in {} matched no finding (stale)",
            baseline::count_entries(unused.len()),
            applied.path
        );
    }
}

fn exit_code(report: &Report, config: &ScanConfig) -> ExitCode {
    let failing = config
        .fail_on
        .threshold()
        .is_some_and(|threshold| report.findings.iter().any(|f| f.severity >= threshold));
    if failing {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    }
}

/// Writes the report to `--output` or stdout. A closed stdout (`piimap scan | head`) is not an
/// error: the reader has what it wanted.
fn write_report(report: &Report, config: &ScanConfig) -> Result<()> {
    let result = match &config.output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::new(file);
            report::render(report, config.format, &mut out).and_then(|()| out.flush())
        }
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            report::render(report, config.format, &mut out).and_then(|()| out.flush())
        }
    };
    match result {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write the report"),
    }
}

fn run_rules(command: RulesCommand) -> Result<ExitCode> {
    match command {
        RulesCommand::List { format, rules } => {
            let rules = config::load_rules(&rules)?;
            let mut out = BufWriter::new(io::stdout().lock());
            let written = match format {
                ListFormat::Table => list_table(&rules, &mut out),
                ListFormat::Json => list_json(&rules, &mut out),
            };
            match written.and_then(|()| out.flush()) {
                Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
                other => other.context("cannot write the rule list")?,
            }
            Ok(ExitCode::Clean)
        }
        RulesCommand::Check { file } => check_rules(&file),
    }
}

fn list_table(rules: &[Rule], out: &mut dyn Write) -> io::Result<()> {
    let id_width = rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    writeln!(
        out,
        "{:<id_width$}  {:<12}  {:<8}  {:<12}  source",
        "id", "category", "severity", "validator"
    )?;
    for rule in rules {
        writeln!(
            out,
            "{:<id_width$}  {:<12}  {:<8}  {:<12}  {}",
            rule.id,
            rule.category.as_str(),
            rule.severity.as_str(),
            rule.validator.map_or("-", |v| v.as_str()),
            rule.source
        )?;
    }
    Ok(())
}

fn list_json(rules: &[Rule], out: &mut dyn Write) -> io::Result<()> {
    let list: Vec<serde_json::Value> = rules
        .iter()
        .map(|rule| {
            serde_json::json!({
                "id": rule.id,
                "name": rule.name,
                "category": rule.category,
                "severity": rule.severity,
                "validator": rule.validator.map(|v| v.as_str()),
                "source": rule.source,
                "description": rule.description,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list)?;
    writeln!(out)
}

/// `piimap rules check FILE`: every problem of the file, or a one-line confirmation.
fn check_rules(file: &std::path::Path) -> Result<ExitCode> {
    let rules = match load_rules_file(file) {
        Ok(rules) => rules,
        Err(errors) => {
            for error in &errors {
                eprintln!("piimap: {error}");
            }
            eprintln!("piimap: {}: {} problem(s)", file.display(), errors.len());
            return Ok(ExitCode::Usage);
        }
    };
    let count = rules.len();
    let detector = Detector::new(rules, Default::default())?;
    let problems = detector.check_examples();
    if problems.is_empty() {
        println!("{}: {count} rule(s) OK", file.display());
        return Ok(ExitCode::Clean);
    }
    for problem in &problems {
        eprintln!("piimap: {}: {problem}", file.display());
    }
    Ok(ExitCode::Usage)
}
