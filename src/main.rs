//! The `piimap` binary: parse arguments, run the command, print errors once, map the outcome to
//! an exit code (0 clean, 1 findings at or above `--fail-on`, 2 usage/config/rules error).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};
use clap::Parser;

use piimap::baseline::{self, Baseline, Date};
use piimap::cli::{Args, Command, ListFormat, MergeArgs, ReportArgs, RulesCommand, ScanArgs};
use piimap::config::{self, ScanConfig};
use piimap::detect::rule::load_rules_file;
use piimap::detect::{DEFAULT_MIN_CONFIDENCE, Detector, Rule};
use piimap::exit_code::ExitCode;
use piimap::merge;
use piimap::progress::Progress;
use piimap::report::findings::Lines;
use piimap::report::{self, Format, Report, SCHEMA_VERSION};
use piimap::scan::{self, ProgressSink};

fn main() -> std::process::ExitCode {
    report_panics_without_their_data();
    let args = Args::parse();
    let outcome = match args.command {
        Command::Scan(scan_args) => run_scan(&scan_args),
        Command::Report(report_args) => run_report(&report_args),
        Command::Merge(merge_args) => run_merge(&merge_args),
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

/// A panic prints where it happened, and its message only when that is fixed text: a
/// formatted message, such as a library's assertion on a damaged file, may quote the data
/// being read. During a scan the file is then listed under errors and the scan goes on.
fn report_panics_without_their_data() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map_or_else(String::new, |text| format!(": {text}"));
        eprintln!("piimap: internal error{place}{message} (a bug: please report it)");
    }));
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
    piimap::detect::validate::preload_phone_metadata();
    // With --write-baseline the new baseline replaces any other; its notes come from the file
    // being overwritten.
    let (baseline, previous) = match (&config.write_baseline, &config.baseline) {
        (Some(path), _) => (None, baseline::previous(path)?),
        (None, Some(path)) => (Some(Baseline::read(path)?), None),
        (None, None) => (None, None),
    };
    let detector = Detector::new(
        config.load_rules()?,
        config.validation.clone(),
        config.min_confidence,
    )?;
    if config.show_values {
        eprintln!("piimap: warning: --show-values puts unmasked personal data in the report");
    }
    let progress = Progress::new(!args.no_progress);
    // A baseline drops findings after the scan, so NDJSON streams only without one.
    let streaming = config.format == Format::Ndjson
        && config.baseline.is_none()
        && config.write_baseline.is_none();
    if streaming {
        let report = stream_ndjson(&config, &detector, &progress)?;
        return Ok(exit_code(&report, &config));
    }
    let mut report = scan::scan(&config, &detector, &progress)?;
    progress.finish();
    apply_baseline(&mut report, &config, baseline, previous)?;
    write_report(&report, &config)?;
    Ok(exit_code(&report, &config))
}

/// `--write-baseline`: records the findings (keeping the notes of `previous`), then counts
/// them as baselined; `--baseline`: drops the findings `baseline` holds.
fn apply_baseline(
    report: &mut Report,
    config: &ScanConfig,
    baseline: Option<Baseline>,
    previous: Option<Baseline>,
) -> Result<()> {
    let today = Date::today();
    let unused = config.report_unused_baseline;
    if let Some(path) = &config.write_baseline {
        let written =
            Baseline::from_findings(&report.findings, previous.as_ref(), config.show_values)
                .context("cannot read findings back from their temporary file")?;
        written.write(path)?;
        eprintln!(
            "piimap: wrote {} finding(s) to baseline {}",
            written.entries.len(),
            path.display()
        );
        written
            .apply(report, path, today, unused)
            .context("cannot read findings back from their temporary file")?;
    } else if let (Some(baseline), Some(path)) = (&baseline, &config.baseline) {
        baseline
            .apply(report, path, today, unused)
            .context("cannot read findings back from their temporary file")?;
    }
    warn_about_baseline(report);
    Ok(())
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

/// `--format ndjson`: finding lines are written while the scan runs, file by file in report
/// order; the coverage and summary lines when it is over.
fn stream_ndjson(config: &ScanConfig, detector: &Detector, progress: &Progress) -> Result<Report> {
    let out = open_output(config.output.as_deref())?;
    let stream = NdjsonStream {
        progress,
        out: Mutex::new((out, None)),
    };
    let report = scan::scan(config, detector, &stream)?;
    progress.finish();
    let (mut out, failed) = stream
        .out
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let result = match failed {
        Some(err) => Err(err),
        None => report::ndjson::render_coverage(&report, &mut out).and_then(|()| out.flush()),
    };
    ignore_broken_pipe(result)?;
    Ok(report)
}

/// Passes progress on to the bar and writes each finding as an NDJSON line; keeps the first
/// write error and writes nothing after it.
struct NdjsonStream<'a> {
    progress: &'a Progress,
    out: Mutex<(Box<dyn Write + Send>, Option<io::Error>)>,
}

impl ProgressSink for NdjsonStream<'_> {
    fn start(&self, files: u64, bytes: u64) {
        self.progress.start(files, bytes);
    }

    fn file_done(&self, files_done: u64, bytes: u64) {
        self.progress.file_done(files_done, bytes);
    }

    fn wants_findings(&self) -> bool {
        true
    }

    fn findings(&self, findings: &Lines) {
        let mut guard = self
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (out, failed) = &mut *guard;
        if failed.is_none()
            && let Err(err) = report::ndjson::write_findings(findings, out)
        {
            *failed = Some(err);
        }
    }
}

/// `piimap report REPORT.json`: renders a saved report.
fn run_report(args: &ReportArgs) -> Result<ExitCode> {
    let report = load_report(&args.report)?;
    write_output(&report, args.format, args.output.as_deref())?;
    Ok(ExitCode::Clean)
}

/// `piimap merge A.json B.json...`: one report from several.
fn run_merge(args: &MergeArgs) -> Result<ExitCode> {
    let reports = args
        .reports
        .iter()
        .map(|path| load_report(path))
        .collect::<Result<Vec<_>>>()?;
    let merged = merge::merge(reports)?;
    write_output(&merged, args.format, args.output.as_deref())?;
    Ok(ExitCode::Clean)
}

/// Reads a JSON report. Parse errors give the position and kind only, never the text there.
fn load_report(path: &Path) -> Result<Report> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let report: Report = serde_json::from_reader(BufReader::new(file)).map_err(|err| {
        let kind = match err.classify() {
            serde_json::error::Category::Io => "read failed",
            serde_json::error::Category::Syntax => "not valid JSON",
            serde_json::error::Category::Data => "not a piimap JSON report",
            serde_json::error::Category::Eof => "JSON ends too early",
        };
        anyhow::anyhow!(
            "{}: {kind} (line {}, column {})",
            path.display(),
            err.line(),
            err.column()
        )
    })?;
    if report.schema_version != SCHEMA_VERSION {
        anyhow::bail!(
            "{}: schema_version {} is not {SCHEMA_VERSION}, the version this piimap reads",
            path.display(),
            report.schema_version
        );
    }
    Ok(report)
}

fn exit_code(report: &Report, config: &ScanConfig) -> ExitCode {
    let failing = config
        .fail_on
        .threshold()
        .is_some_and(|threshold| report.findings.max_severity() >= Some(threshold));
    if failing {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    }
}

/// Writes the report to `--output` or stdout. A closed stdout (`piimap scan | head`) is not an
/// error: the reader has what it wanted.
fn write_report(report: &Report, config: &ScanConfig) -> Result<()> {
    write_output(report, config.format, config.output.as_deref())
}

/// Renders `report` in `format` to `output`, or stdout when `None`.
fn write_output(report: &Report, format: Format, output: Option<&Path>) -> Result<()> {
    let mut out = open_output(output)?;
    let result = report::render(report, format, &mut out).and_then(|()| out.flush());
    ignore_broken_pipe(result)
}

/// A buffered writer to `output`, or to stdout when `None`.
fn open_output(output: Option<&Path>) -> Result<Box<dyn Write + Send>> {
    Ok(match output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            Box::new(BufWriter::new(file))
        }
        None => Box::new(BufWriter::new(io::stdout())),
    })
}

fn ignore_broken_pipe(result: io::Result<()>) -> Result<()> {
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
                "field_validator": rule.field_validator.map(|v| v.as_str()),
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
    let detector = Detector::new(rules, Default::default(), DEFAULT_MIN_CONFIDENCE)?;
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
