//! The pipeline: walk the roots, then for each file (in parallel, with rayon) sniff its kind,
//! extract cells, detect matches and build findings; then aggregate everything into a
//! [`Report`]. This is the only module that uses rayon and the only one that dispatches on
//! [`FileKind`].
//!
//! Files are taken up largest first (see `scan_order`), each a job of its own, so an idle thread
//! takes the next file and no thread is left alone with a big one at the end; outcomes are put
//! back in walk order, so the report is the same at any `--threads`. Findings leave the
//! workers in batches (at most [`findings::BATCH`] each) for a [`Spool`], which puts them back
//! in file order and spills them to a temporary file past [`findings::MEMORY_LIMIT`]; the data
//! map and the summary are counted as findings are made, so memory does not grow with the
//! number of findings.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::ScanConfig;
use crate::datamap;
use crate::detect::{Detector, Match, Scratch, ignore};
use crate::extract::archive::Member;
use crate::extract::{self, Cell, Escape, ExtractError, FileKind, Sampling, char_count};
use crate::finding::{self, Evidence, FindingEncoder, Parts, RuleParts};
use crate::report::findings::{self, Findings, Lines, Spool};
use crate::report::{Report, Summary, Tool};
use crate::walk::{self, FileNote, Origin, SourceFile, WalkError};

/// Read buffer per file: large enough that the first fill holds the sniffed head.
const READ_BUFFER: usize = 256 * 1024;

/// The scan could not start (bad `--exclude` glob, thread pool failure).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// An `--exclude` glob is invalid.
    #[error(transparent)]
    Walk(#[from] WalkError),
    /// The worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// Findings could not be written to or read from their temporary file.
    #[error("cannot keep findings in a temporary file: {0}")]
    Spill(#[source] io::Error),
}

/// What happened to one file.
enum Outcome {
    /// Read to the end (`error` is `None`) or up to a problem.
    Scanned {
        fields: datamap::FileFields,
        /// Its findings, counted per place (the findings went to the spool).
        tally: datamap::FindingTally,
        /// Findings silenced by a `piimap:ignore` marker.
        ignored: u64,
        bytes: u64,
        error: Option<String>,
    },
    /// Not scanned, with the reason.
    Skipped(String),
    /// Could not be opened or read at all.
    Failed(String),
    /// A zip archive: what happened to each member, under its name in reports
    /// (`archive.zip!member`).
    Archive(Vec<(String, Outcome)>),
}

/// Receives progress as files finish; called from worker threads.
pub trait ProgressSink: Sync {
    /// The walk is done: `files` files of `bytes` bytes in all are about to be scanned.
    fn start(&self, files: u64, bytes: u64);
    /// One more file is done; `files_done` so far, the last one `bytes` long.
    fn file_done(&self, files_done: u64, bytes: u64);
    /// Whether [`ProgressSink::findings`] should be called (streaming output). The report of
    /// a scan whose sink takes the findings holds their number and highest severity only.
    fn wants_findings(&self) -> bool {
        false
    }
    /// A batch of findings, in report order: files in path order, a file's batches as soon as
    /// every file before it is done (`--format ndjson` streams them). One call at a time.
    fn findings(&self, _findings: &Lines) {}
}

/// Scans everything `config` names and returns the report, telling `progress` as it goes.
pub fn scan(
    config: &ScanConfig,
    detector: &Detector,
    progress: &dyn ProgressSink,
) -> Result<Report, ScanError> {
    let started = Instant::now();
    let walked = walk::walk(&config.roots, &config.walk)?;
    progress.start(
        walked.files.len() as u64,
        walked.files.iter().map(|f| f.size).sum(),
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()?;
    let files_done = AtomicU64::new(0);
    let spool = Spool::new(findings::MEMORY_LIMIT);
    let in_order = Mutex::new(InOrder::default());
    let outlet = Outlet {
        spool: &spool,
        in_order: progress.wants_findings().then_some(&in_order),
        progress,
    };
    let per_thread: Vec<Detector> = (0..pool.current_num_threads())
        .map(|_| detector.clone())
        .collect();
    let mut outcomes: Vec<(usize, Outcome)> = pool.install(|| {
        scan_order(&walked.files, outlet.in_order.is_some())
            .into_iter()
            .par_bridge()
            .map(|index| {
                let file = &walked.files[index];
                let detector = rayon::current_thread_index().map_or(detector, |i| &per_thread[i]);
                let outcome = scan_file(file, index, config, detector, &outlet);
                progress.file_done(files_done.fetch_add(1, Ordering::Relaxed) + 1, file.size);
                outlet.file_done(index);
                (index, outcome)
            })
            .collect()
    });
    outcomes.sort_unstable_by_key(|(index, _)| *index);
    let outcomes = outcomes.into_iter().map(|(_, outcome)| outcome).collect();
    let findings = spool.finish().map_err(ScanError::Spill)?;
    if let Some(err) = in_order
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .error
    {
        return Err(ScanError::Spill(err));
    }
    let mut report = assemble(
        walked.files,
        outcomes,
        (walked.skipped, walked.errors),
        findings,
        config.classify_threshold,
    );
    report.summary.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// The order files are taken up in, as indices into `files`: largest first, so that no thread
/// is left alone with a big file at the end; in walk order when findings are streamed, as
/// later files' findings are held back until the files before them are done.
fn scan_order(files: &[SourceFile], streamed: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..files.len()).collect();
    if !streamed {
        order.sort_by_key(|&index| std::cmp::Reverse(files[index].size));
    }
    order
}

/// Where the batches of findings of every file go: the spool, and the NDJSON stream when one
/// listens.
struct Outlet<'a> {
    spool: &'a Spool,
    in_order: Option<&'a Mutex<InOrder>>,
    progress: &'a dyn ProgressSink,
}

impl Outlet<'_> {
    /// Takes batch number `seq` of the file at `index`. Streamed findings are only counted
    /// for the report: the stream has them.
    fn batch(&self, index: usize, seq: u64, findings: Lines) {
        match self.in_order {
            Some(in_order) => {
                self.spool.note(&findings);
                lock(in_order).batch(index, findings, self.progress);
            }
            None => self.spool.add(index, seq, findings),
        }
    }

    /// The file at `index` has handed over all its batches.
    fn file_done(&self, index: usize) {
        if let Some(in_order) = self.in_order {
            lock(in_order).file_done(index, self.progress);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Batches of files after the one being streamed, held back until every file before them is
/// done.
#[derive(Default)]
struct InOrder {
    next: usize,
    waiting: BTreeMap<usize, Held>,
    /// The first held-back batch that could not be read back: the stream misses findings.
    error: Option<io::Error>,
}

/// The held-back batches of one file, and whether it is done. They wait in a spool of their
/// own, so a long file at the head does not make the files after it pile up in memory.
struct Held {
    spool: Spool,
    batches: u64,
    done: bool,
}

impl Default for Held {
    fn default() -> Self {
        Held {
            spool: Spool::new(findings::BATCH),
            batches: 0,
            done: false,
        }
    }
}

impl InOrder {
    /// Streams a batch of the file at `index` now if every file before it is done, else
    /// holds it back.
    fn batch(&mut self, index: usize, findings: Lines, progress: &dyn ProgressSink) {
        if index == self.next {
            progress.findings(&findings);
        } else {
            let held = self.waiting.entry(index).or_default();
            held.spool.add(index, held.batches, findings);
            held.batches += 1;
        }
    }

    /// Marks the file at `index` done and streams what it held back for the files now next.
    fn file_done(&mut self, index: usize, progress: &dyn ProgressSink) {
        self.waiting.entry(index).or_default().done = true;
        while let Some(held) = self.waiting.get_mut(&self.next) {
            let spool = std::mem::replace(&mut held.spool, Spool::new(findings::BATCH));
            if let Err(err) = stream_held(spool, progress) {
                self.error.get_or_insert(err);
            }
            if !held.done {
                break;
            }
            self.waiting.remove(&self.next);
            self.next += 1;
        }
    }
}

/// Streams the findings a file held back, a batch at a time, up to the first batch that
/// cannot be read back.
fn stream_held(spool: Spool, progress: &dyn ProgressSink) -> io::Result<()> {
    spool.finish()?.for_each_batch(|batch| {
        progress.findings(batch);
        Ok(())
    })
}

/// The outcomes of the files scanned so far, added up for the report.
#[derive(Default)]
struct Totals {
    summary: Summary,
    tally: datamap::FindingTally,
    fields: Vec<datamap::FileFields>,
    skipped: Vec<FileNote>,
    errors: Vec<FileNote>,
}

impl Totals {
    /// Adds what happened to the file shown as `path`; an archive's members one by one.
    fn add(&mut self, path: String, outcome: Outcome) {
        let note = |reason| FileNote { path, reason };
        match outcome {
            Outcome::Scanned {
                fields,
                tally,
                ignored,
                bytes,
                error,
            } => {
                self.summary.bytes_scanned += bytes;
                self.summary.inline_suppressed += ignored;
                self.tally.append(tally);
                self.fields.push(fields);
                match error {
                    Some(reason) => self.errors.push(note(reason)),
                    None => self.summary.files_scanned += 1,
                }
            }
            Outcome::Skipped(reason) => self.skipped.push(note(reason)),
            Outcome::Failed(reason) => self.errors.push(note(reason)),
            Outcome::Archive(members) => {
                for (member, outcome) in members {
                    self.add(member, outcome);
                }
            }
        }
    }
}

/// Puts the per-file outcomes and the findings together into a report.
fn assemble(
    files: Vec<SourceFile>,
    outcomes: Vec<Outcome>,
    (skipped, errors): (Vec<FileNote>, Vec<FileNote>),
    findings: Findings,
    classify_threshold: f64,
) -> Report {
    let mut totals = Totals {
        skipped,
        errors,
        ..Totals::default()
    };
    for (file, outcome) in files.into_iter().zip(outcomes) {
        totals.add(file.display, outcome);
    }
    let Totals {
        mut summary,
        tally,
        fields,
        mut skipped,
        mut errors,
    } = totals;
    skipped.sort();
    errors.sort();
    summary.files_skipped = skipped.len() as u64;
    summary.files_errored = errors.len() as u64;
    summary.findings = findings.len();
    summary.by_rule = tally.by_rule();
    Report {
        schema_version: crate::report::SCHEMA_VERSION,
        tool: Tool::current(),
        summary,
        data_map: datamap::build(&tally, &fields, classify_threshold),
        findings,
        skipped,
        errors,
        baseline: None,
    }
}

fn scan_file(
    file: &SourceFile,
    index: usize,
    config: &ScanConfig,
    detector: &Detector,
    outlet: &Outlet<'_>,
) -> Outcome {
    let reader: Box<dyn io::Read + '_> = match &file.origin {
        Origin::File(path) => match File::open(path) {
            Ok(handle) => Box::new(handle),
            Err(err) => return Outcome::Failed(format!("cannot open: {err}")),
        },
        Origin::Stdin => Box::new(io::stdin()),
    };
    let mut batches = 0;
    let place = FilePlace {
        index,
        batches: &mut batches,
        depth: 0,
    };
    let context = ScanContext {
        config,
        detector,
        outlet,
    };
    scan_stream(file, reader, place, &context)
}

/// How many archives and compressed files deep a file is still opened: a zip in a `.tar.gz`
/// in a zip is read, anything inside it is not.
const MAX_ARCHIVE_DEPTH: u8 = 4;

/// Where the findings of a file go: its index in walk order, under which its batches are
/// handed over (the members of an archive share their archive's), and the number of batches
/// handed over under that index so far.
struct FilePlace<'b> {
    index: usize,
    batches: &'b mut u64,
    /// How many archives and compressed files the file is inside.
    depth: u8,
}

impl FilePlace<'_> {
    /// The place of a file inside this one.
    fn inner(&mut self) -> FilePlace<'_> {
        FilePlace {
            index: self.index,
            batches: &mut *self.batches,
            depth: self.depth + 1,
        }
    }
}

/// Sniffs the kind of the file read from `reader` and scans it.
fn scan_stream(
    file: &SourceFile,
    reader: Box<dyn io::Read + '_>,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    let mut reader = CountingReader {
        inner: BufReader::with_capacity(READ_BUFFER, reader),
        bytes: 0,
    };
    let head = match reader.fill_buf() {
        Ok(head) => head,
        Err(err) => return Outcome::Failed(format!("read failed: {err}")),
    };
    let Some(kind) = FileKind::sniff(head, &file.display) else {
        return Outcome::Skipped(unread_binary_reason(head));
    };
    let mut outcome = scan_kind(file, kind, &mut reader, place, context);
    if let Outcome::Scanned { bytes, .. } = &mut outcome {
        *bytes = match kind {
            FileKind::Spreadsheet(_) | FileKind::Sqlite => reader.bytes.max(file.size),
            _ => reader.bytes,
        };
    }
    outcome
}

/// What every file of a scan is scanned with.
struct ScanContext<'a> {
    config: &'a ScanConfig,
    detector: &'a Detector,
    outlet: &'a Outlet<'a>,
}

/// Scans `input`, a file of `kind`: opens an archive or compressed file, or extracts the
/// file's cells and makes its findings. The `bytes` of the outcome are left for the caller.
fn scan_kind(
    file: &SourceFile,
    kind: FileKind,
    input: &mut dyn BufRead,
    mut place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    let is_container = matches!(kind, FileKind::Gzip | FileKind::Zip | FileKind::Tar);
    if is_container && place.depth >= MAX_ARCHIVE_DEPTH {
        return Outcome::Skipped(format!(
            "{kind} file nested more than {MAX_ARCHIVE_DEPTH} archives or compressed files \
             deep (not opened)"
        ));
    }
    match kind {
        FileKind::Gzip => scan_gzip(file, input, place.inner(), context),
        FileKind::Zip => scan_zip(file, input, place, context),
        FileKind::Tar => {
            let max_size = context.config.walk.max_file_size;
            scan_members(file, kind, place, context, &mut |visit| {
                extract::archive::each_tar_member(input, max_size, visit)
                    .map_err(|err| format!("tar archive cannot be read: {err}"))
            })
        }
        _ => collect_findings(file, kind, input, place, context),
    }
}

/// Undoes gzip and scans what it holds, under the compressed file's name.
fn scan_gzip(
    file: &SourceFile,
    input: &mut dyn BufRead,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    let mut decoded = extract::gz::decompress(input);
    let kind = match extract::gz::sniff_inner(&mut decoded, &file.display) {
        Ok(Some(kind)) => kind,
        Ok(None) => {
            return Outcome::Failed("gzip holds a binary file in no format piimap reads".into());
        }
        Err(err) => return Outcome::Failed(format!("read failed: {err}")),
    };
    let streamed = SourceFile {
        origin: Origin::Stdin,
        ..file.clone()
    };
    scan_kind(&streamed, kind, &mut decoded, place, context)
}

/// Scans the members of a zip archive: read from its path when it is a file on disk, else
/// (inside another archive, gzip-compressed, on standard input) from memory, up to
/// `--max-file-size`.
fn scan_zip(
    file: &SourceFile,
    input: &mut dyn BufRead,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    let max_size = context.config.walk.max_file_size;
    let cannot_read = |err: zip::result::ZipError| format!("zip archive cannot be read: {err}");
    if let (Origin::File(path), 0) = (&file.origin, place.depth) {
        let opened = match File::open(path) {
            Ok(opened) => opened,
            Err(err) => return Outcome::Failed(format!("cannot open: {err}")),
        };
        return scan_members(file, FileKind::Zip, place, context, &mut |visit| {
            extract::archive::each_zip_member(BufReader::new(&opened), max_size, visit)
                .map_err(cannot_read)
        });
    }
    let mut bytes = Vec::new();
    if let Err(err) = input.take(max_size + 1).read_to_end(&mut bytes) {
        return Outcome::Failed(format!("read failed: {err}"));
    }
    if bytes.len() as u64 > max_size {
        return Outcome::Skipped(format!(
            "zip archive larger than --max-file-size ({max_size} bytes), read in memory as it \
             is not a file on disk"
        ));
    }
    scan_members(file, FileKind::Zip, place, context, &mut |visit| {
        extract::archive::each_zip_member(io::Cursor::new(&bytes), max_size, visit)
            .map_err(cannot_read)
    })
}

/// Scans each member an archive reader hands to its visitor as a file of its own, named
/// `archive!member` in reports. An archive that fails after some members keeps them, and the
/// archive itself is listed with the error.
fn scan_members(
    file: &SourceFile,
    kind: FileKind,
    mut place: FilePlace<'_>,
    context: &ScanContext<'_>,
    read: &mut dyn FnMut(&mut extract::archive::Visit<'_>) -> Result<(), String>,
) -> Outcome {
    let mut members = Vec::new();
    let mut visit = |name: &str, member: Member<'_>| {
        let display = format!(
            "{}{}{name}",
            file.display,
            extract::archive::MEMBER_SEPARATOR
        );
        let outcome = match member {
            Member::Skipped(reason) => Outcome::Skipped(reason),
            Member::Unreadable(reason) => Outcome::Failed(reason),
            Member::Readable(reader) => {
                let member_file = SourceFile {
                    display: display.clone(),
                    origin: Origin::Stdin,
                    size: 0,
                };
                scan_stream(&member_file, Box::new(reader), place.inner(), context)
            }
        };
        members.push((display, outcome));
    };
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&mut visit)));
    let failure = match read {
        Ok(Ok(())) => None,
        Ok(Err(reason)) => Some(reason),
        Err(_) => Some(
            "internal error in the archive reader (a bug: please report it); members before it \
             are kept"
                .to_string(),
        ),
    };
    match failure {
        None if members.is_empty() => {
            Outcome::Skipped(format!("{kind} archive with no files in it"))
        }
        None => Outcome::Archive(members),
        Some(reason) if members.is_empty() => Outcome::Failed(reason),
        Some(reason) => {
            members.push((file.display.clone(), Outcome::Failed(reason)));
            Outcome::Archive(members)
        }
    }
}

/// Extracts the cells of `input`, a file of `kind`, and makes its findings.
fn collect_findings(
    file: &SourceFile,
    kind: FileKind,
    input: &mut dyn BufRead,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    let (config, detector) = (context.config, context.detector);
    let mut collector = Collector::new(file, config, detector, (place.index, context.outlet));
    collector.batches = *place.batches;
    let mut sampling = Sampling::new(config.sample_rows);
    let result = guard_panic(kind, || {
        extract_cells(kind, file, input, &mut sampling, &mut |cell| {
            collector.add(&cell)
        })
    });
    let ignored = collector.ignored;
    let (mut fields, tally, batches) = collector.finish();
    *place.batches = batches;
    fields.sampled = sampling.cut().to_vec();
    Outcome::Scanned {
        fields,
        tally,
        ignored,
        bytes: 0,
        error: result.err().map(|err| err.to_string()),
    }
}

/// Why a binary file is not read: a zip-based file that is neither a workbook nor named
/// `.zip` (a `.docx`, a `.jar`) is told apart from other binary files.
fn unread_binary_reason(head: &[u8]) -> String {
    if extract::archive::is_zip(head) {
        "zip-based file in no format piimap reads (only .zip archives are opened)".into()
    } else {
        "binary file (NUL byte near the start) in no format piimap reads".into()
    }
}

/// Runs the extractor for `kind` over `input`; workbooks and SQLite open `file`'s path
/// instead (a workbook read from a stream, such as standard input, is buffered whole).
fn extract_cells(
    kind: FileKind,
    file: &SourceFile,
    input: &mut dyn BufRead,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    match kind {
        FileKind::Text => extract::text::extract(input, emit),
        FileKind::Csv => extract::csv::extract(input, sampling, emit),
        FileKind::Json => extract::json::extract(input, sampling, emit),
        FileKind::Spreadsheet(format) => match &file.origin {
            Origin::File(path) => extract::sheet::extract_path(path, format, sampling, emit),
            Origin::Stdin => extract::sheet::extract_reader(input, format, sampling, emit),
        },
        FileKind::Sql => {
            let known = match &file.origin {
                Origin::File(path) => extract::sql::sibling_schemas(path),
                Origin::Stdin => extract::sql::Schemas::new(),
            };
            extract::sql::extract(input, known, sampling, emit)
        }
        FileKind::Sqlite => match &file.origin {
            Origin::File(path) => extract::sqlite::extract_path(path, sampling, emit),
            Origin::Stdin => extract::sqlite::extract_reader(input, sampling, emit),
        },
        FileKind::PgArchive => Err(extract::sql::archive_error()),
        FileKind::Gzip | FileKind::Zip | FileKind::Tar => Err(ExtractError::Malformed {
            line: None,
            reason: format!("a {kind} file holds files, not cells (a bug: please report it)"),
        }),
    }
}

/// Runs `read` over one file; a panic in it (a bug in piimap or in a library that reads the
/// format, such as an assertion in the workbook reader on a damaged file) becomes that file's
/// error, and the scan goes on. Its message is left out: it may quote the file.
fn guard_panic(
    kind: FileKind,
    read: impl FnOnce() -> Result<(), ExtractError>,
) -> Result<(), ExtractError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(ExtractError::Malformed {
            line: None,
            reason: format!(
                "internal error in the {kind} reader (a bug: please report it); findings \
                 before it are kept"
            ),
        })
    })
}

/// Occurrence counter key of a fingerprint: a 64-bit hash of rule, container, field and
/// masked value. A file can hold hundreds of thousands of distinct masked values (phone
/// numbers keep their shape and last four digits); 16 bytes per entry keep that to a few
/// megabytes, where the strings themselves took over a hundred.
type OccurrenceKey = u64;

/// The [`OccurrenceKey`] of a finding: foldhash's quality hasher with its fixed seed (the
/// same within one run, which is all the counter needs). A collision would only shift one
/// occurrence number (fingerprints stay distinct); among a million keys its odds are about
/// one in thirty million.
fn occurrence_key(rule: &str, cell: &Cell<'_>, masked: &str) -> OccurrenceKey {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::default().hash_one((rule, cell.container, cell.field, masked))
}

/// Turns the matches of each cell of one file into findings, fingerprints and counts them,
/// and hands them to the outlet in batches.
struct Collector<'a> {
    file: &'a SourceFile,
    config: &'a ScanConfig,
    detector: &'a Detector,
    /// The file's index in walk order, and where its batches go.
    outlet: (usize, &'a Outlet<'a>),
    matches: Vec<Match>,
    scratch: Scratch,
    /// Encodes the file's findings.
    encoder: FindingEncoder,
    /// The batch being filled, and the number of batches handed over.
    findings: Lines,
    batches: u64,
    /// Findings so far per fingerprint key, for the occurrence number.
    seen: foldhash::HashMap<OccurrenceKey, u64>,
    tally: datamap::FindingTally,
    fields: datamap::FieldTally,
    matched_rules: Vec<usize>,
    ignored: u64,
}

impl<'a> Collector<'a> {
    fn new(
        file: &'a SourceFile,
        config: &'a ScanConfig,
        detector: &'a Detector,
        outlet: (usize, &'a Outlet<'a>),
    ) -> Self {
        Collector {
            file,
            config,
            detector,
            outlet,
            matches: Vec::new(),
            scratch: Scratch::default(),
            encoder: FindingEncoder::new(&file.display),
            findings: Lines::with_capacity(findings::BATCH),
            batches: 0,
            seen: foldhash::HashMap::default(),
            tally: datamap::FindingTally::default(),
            fields: datamap::FieldTally::default(),
            matched_rules: Vec::new(),
            ignored: 0,
        }
    }

    fn add(&mut self, cell: &Cell<'_>) {
        self.matches.clear();
        self.detector
            .detect_in(cell, &mut self.scratch, &mut self.matches);
        self.matches
            .retain(|m| m.confidence >= self.config.min_confidence);
        self.matches.sort_by_key(|m| m.start);
        if let Some(field) = cell.field {
            self.count_field(cell, field);
        }
        let mut lines = LineTracker::new(cell);
        // Taken out while findings are pushed, and put back to keep its allocation.
        let matches = std::mem::take(&mut self.matches);
        let has_marker = !matches.is_empty() && ignore::has_marker(cell.text);
        for m in &matches {
            if has_marker
                && ignore::is_ignored(cell.text, m.start, &self.detector.rules()[m.rule].id)
            {
                self.ignored += 1;
                continue;
            }
            let (line, column) = lines.position_of(m.start);
            let raw = String::from_utf8_lossy(&cell.text[m.start..m.end]);
            let spot = Spot {
                rule: m.rule,
                confidence: m.confidence,
                evidence: Evidence::Value,
                position: (line, column),
                test_value: m.test_value,
            };
            self.push(&spot, cell, &raw);
        }
        self.matches = matches;
    }

    /// Counts the cell's value and matches for its field; at the field's first value, records
    /// which rules its name names and reports the field-name rules that name it.
    fn count_field(&mut self, cell: &Cell<'_>, field: &str) {
        let Some((slot, is_new)) = self.fields.count(cell.container, field) else {
            return;
        };
        if is_new {
            self.name_field(cell, field, slot);
        }
        self.matched_rules.clear();
        self.matched_rules
            .extend(self.matches.iter().map(|m| m.rule));
        self.matched_rules.sort_unstable();
        self.matched_rules.dedup();
        let rules = self.detector.rules();
        let count = self.fields.slot_mut(slot);
        for &rule in &self.matched_rules {
            let id = &rules[rule].id;
            match count.matched.get_mut(id) {
                Some(values) => *values += 1,
                None => {
                    count.matched.insert(id.clone(), 1);
                }
            }
        }
    }

    fn name_field(&mut self, cell: &Cell<'_>, field: &str, slot: usize) {
        let rules = self.detector.rules();
        let named = self
            .detector
            .value_rules_named_by(field)
            .map(|i| rules[i].id.clone());
        self.fields.slot_mut(slot).named.extend(named);
        let first_line = String::from_utf8_lossy(cell.text);
        let first_line: String = first_line
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(64)
            .collect();
        for (rule, confidence) in self.detector.name_rules(field) {
            // A value rule reported by the field's name (a phone column holding placeholders)
            // is not reported twice at one spot when the first value is already a match.
            let found_by_value = self.matches.iter().any(|m| m.rule == rule);
            if confidence >= self.config.min_confidence && !found_by_value {
                let spot = Spot {
                    rule,
                    confidence,
                    evidence: Evidence::FieldName,
                    position: (cell.line, cell.column),
                    test_value: false,
                };
                self.push(&spot, cell, &first_line);
            }
        }
    }

    /// Makes the finding at `spot` in `cell`, holding `raw` masked: fingerprints it (the n-th
    /// finding of the file with the same rule, place and masked value gets occurrence n),
    /// counts it, encodes it, and hands the batch over when it is full.
    fn push(&mut self, spot: &Spot, cell: &Cell<'_>, raw: &str) {
        let rule = &self.detector.rules()[spot.rule];
        let masked = masked(spot.evidence, raw);
        let occurrence = self
            .seen
            .entry(occurrence_key(&rule.id, cell, &masked))
            .or_default();
        let fingerprint = finding::fingerprint(
            &rule.id,
            &self.file.display,
            cell.container,
            cell.field,
            &masked,
            *occurrence,
        );
        *occurrence += 1;
        let place = (self.file.display.as_str(), cell.container, cell.field);
        self.tally.count(place, &rule.id, spot.evidence);
        let rule_parts = RuleParts {
            index: spot.rule,
            id: &rule.id,
            category: rule.category,
            severity: rule.severity,
        };
        let parts = Parts {
            confidence: spot.confidence,
            evidence: spot.evidence,
            line: spot.position.0,
            column: spot.position.1,
            container: cell.container,
            field: cell.field,
            locator: cell.locator,
            value: if self.config.show_values {
                raw
            } else {
                &masked
            },
            fingerprint: &fingerprint,
            test_value: spot.test_value,
        };
        let encoder = &mut self.encoder;
        self.findings.push_with(rule.severity, |out| {
            encoder.encode(&rule_parts, &parts, out)
        });
        if self.findings.len() >= findings::BATCH {
            self.hand_over();
        }
    }

    fn hand_over(&mut self) {
        let (index, outlet) = self.outlet;
        let full = Lines::with_capacity(findings::BATCH);
        outlet.batch(
            index,
            self.batches,
            std::mem::replace(&mut self.findings, full),
        );
        self.batches += 1;
    }

    /// Hands over the last batch; returns the file's field counts, its findings' tally and
    /// the number of batches handed over under its index.
    fn finish(mut self) -> (datamap::FileFields, datamap::FindingTally, u64) {
        if !self.findings.is_empty() {
            self.hand_over();
        }
        let fields = datamap::FileFields {
            path: self.file.display.clone(),
            counts: self.fields.into_counts(),
            sampled: Vec::new(),
        };
        (fields, self.tally, self.batches)
    }
}

/// Where a finding is, of which rule, and how sure.
struct Spot {
    rule: usize,
    confidence: f64,
    evidence: Evidence,
    /// 1-based line and character column.
    position: (u64, u64),
    test_value: bool,
}

/// `raw` as a report shows it. A finding by field name holds the field's first value, often
/// free text (a name, an address, a diagnosis): the last characters that [`finding::mask`]
/// keeps of a number would give too much away there, so every letter and digit goes.
fn masked(evidence: Evidence, raw: &str) -> String {
    match evidence {
        Evidence::FieldName => finding::mask_all(raw),
        Evidence::Value => finding::mask(raw),
    }
}

/// Converts byte offsets in a cell, visited in increasing order, to 1-based line and character
/// column, reading each byte of the text at most once. Columns count the characters of the
/// source: an escape decoded in the text (`\"` in JSON) counts as written.
struct LineTracker<'c> {
    text: &'c [u8],
    escapes: &'c [Escape],
    line: u64,
    line_start: usize,
    line_start_column: u64,
    /// Offset up to which the text has been read, and its characters since the line's start:
    /// a line holding 300,000 matches is read once, not once per match.
    read_to: usize,
    chars_on_line: u64,
    /// Escapes passed so far, and the characters they add on the current line.
    escapes_passed: usize,
    extra_on_line: u64,
}

impl<'c> LineTracker<'c> {
    fn new(cell: &Cell<'c>) -> Self {
        LineTracker {
            text: cell.text,
            escapes: cell.escapes,
            line: cell.line,
            line_start: 0,
            line_start_column: cell.column,
            read_to: 0,
            chars_on_line: 0,
            escapes_passed: 0,
            extra_on_line: 0,
        }
    }

    fn position_of(&mut self, offset: usize) -> (u64, u64) {
        let segment = &self.text[self.read_to..offset];
        match memchr::memrchr(b'\n', segment) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', segment).count() as u64;
                self.line_start = self.read_to + last + 1;
                self.line_start_column = 1;
                self.chars_on_line = char_count(&segment[last + 1..]);
                self.extra_on_line = 0;
            }
            None => self.chars_on_line += char_count(segment),
        }
        self.read_to = offset;
        while let Some(escape) = self.escapes.get(self.escapes_passed)
            && escape.at <= offset
        {
            if escape.at > self.line_start {
                self.extra_on_line += u64::from(escape.extra);
            }
            self.escapes_passed += 1;
        }
        (
            self.line,
            self.line_start_column + self.chars_on_line + self.extra_on_line,
        )
    }
}

/// Counts the bytes consumed through a `BufRead`.
struct CountingReader<R> {
    inner: R,
    bytes: u64,
}

impl<R: BufRead> io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for CountingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.bytes += amount as u64;
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the line of every streamed finding.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<u64>>);

    impl ProgressSink for Recorder {
        fn start(&self, _files: u64, _bytes: u64) {}
        fn file_done(&self, _files_done: u64, _bytes: u64) {}
        fn findings(&self, findings: &Lines) {
            let decoded = findings.decode().expect("findings decode");
            lock(&self.0).extend(decoded.iter().map(|f| f.location.line));
        }
    }

    /// A batch of one finding on each of `lines`.
    fn batch_of(lines: &[u64]) -> Lines {
        let sample = Report::sample().findings.into_vec().expect("in memory");
        let mut batch = Lines::default();
        for &line in lines {
            let mut finding = sample[0].clone();
            finding.location.line = line;
            batch.push(&finding);
        }
        batch
    }

    #[test]
    fn biggest_files_go_first_unless_findings_stream() {
        let files: Vec<SourceFile> = [10, 300, 0, 300, 20]
            .into_iter()
            .enumerate()
            .map(|(i, size)| SourceFile {
                display: format!("f{i}"),
                origin: Origin::Stdin,
                size,
            })
            .collect();
        assert_eq!(scan_order(&files, false), [1, 3, 4, 0, 2]);
        assert_eq!(scan_order(&files, true), [0, 1, 2, 3, 4]);
    }

    /// A batch of one finding on `line`.
    fn batch(line: u64) -> Lines {
        batch_of(&[line])
    }

    #[test]
    fn batches_stream_in_file_order_whatever_order_files_finish_in() {
        let recorder = Recorder::default();
        let mut in_order = InOrder::default();
        in_order.batch(1, batch(10), &recorder);
        in_order.batch(2, batch(20), &recorder);
        in_order.batch(0, batch(1), &recorder);
        assert_eq!(*lock(&recorder.0), [1], "later files wait");
        in_order.file_done(2, &recorder);
        in_order.file_done(0, &recorder);
        assert_eq!(*lock(&recorder.0), [1, 10], "file 1 is next, not done");
        in_order.batch(1, batch(11), &recorder);
        in_order.file_done(1, &recorder);
        assert_eq!(*lock(&recorder.0), [1, 10, 11, 20]);
        assert!(in_order.waiting.is_empty());
        assert_eq!(in_order.next, 3);
    }

    #[test]
    fn held_back_files_past_a_batch_wait_on_disk_and_stream_in_order() {
        let recorder = Recorder::default();
        let mut in_order = InOrder::default();
        let lines: Vec<u64> = (1..=3 * findings::BATCH as u64).collect();
        for chunk in lines.chunks(7) {
            in_order.batch(1, batch_of(chunk), &recorder);
        }
        assert!(lock(&recorder.0).is_empty(), "file 1 waits for file 0");
        in_order.file_done(1, &recorder);
        in_order.batch(0, batch(0), &recorder);
        in_order.file_done(0, &recorder);
        let mut expected = vec![0];
        expected.extend(&lines);
        assert_eq!(*lock(&recorder.0), expected);
        assert!(in_order.waiting.is_empty());
    }

    #[test]
    fn escapes_shift_columns_on_their_own_line_only() {
        // Source `"a""b` then a line break, then `c jane`: the `""` is one `"` in the text.
        let escapes = [Escape { at: 2, extra: 1 }];
        let cell = Cell {
            column: 2,
            escapes: &escapes,
            ..Cell::plain(b"a\"b\nc jane", 7)
        };
        let mut lines = LineTracker::new(&cell);
        assert_eq!(lines.position_of(2), (7, 5), "b after the escape");
        assert_eq!(lines.position_of(6), (8, 3), "jane on the next line");
    }

    #[test]
    fn line_tracker_counts_lines_and_characters_from_offset_to_offset() {
        let text = "ab\ncdé f\ng".as_bytes();
        let cell = Cell::plain(text, 7);
        let mut lines = LineTracker::new(&cell);
        assert_eq!(lines.position_of(1), (7, 2));
        assert_eq!(lines.position_of(4), (8, 2));
        assert_eq!(lines.position_of(4), (8, 2));
        assert_eq!(lines.position_of(8), (8, 5), "é is one character");
        assert_eq!(lines.position_of(10), (9, 1));
    }

    #[test]
    fn occurrence_keys_tell_every_part_apart() {
        let cell = Cell {
            field: Some("email"),
            ..Cell::plain(b"j.doe@example.com", 3)
        };
        let key = occurrence_key("email", &cell, "j***@example.com");
        assert_eq!(key, occurrence_key("email", &cell, "j***@example.com"));
        assert_ne!(key, occurrence_key("email", &cell, "k***@example.com"));
        assert_ne!(key, occurrence_key("phone", &cell, "j***@example.com"));
        let moved = Cell { line: 90, ..cell };
        assert_eq!(key, occurrence_key("email", &moved, "j***@example.com"));
        let elsewhere = Cell {
            field: None,
            ..cell
        };
        assert_ne!(key, occurrence_key("email", &elsewhere, "j***@example.com"));
        let contained = Cell {
            container: Some("email"),
            field: None,
            ..cell
        };
        assert_ne!(
            occurrence_key("email", &contained, "j***@example.com"),
            occurrence_key("email", &elsewhere, "j***@example.com")
        );
    }
}
