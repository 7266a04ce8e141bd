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
//!
//! Two parts live beside this one: `archive` opens gzip-compressed files and zip and tar
//! archives and scans their members as files of their own, and `collector` turns the matches
//! of a file's cells into findings.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::ScanConfig;
use crate::datamap;
use crate::detect::Detector;
use crate::extract::sql::Schemas;
use crate::extract::{self, Cell, ExtractError, FileKind, Sampling, unless_panic};
use crate::report::findings::{self, Findings, Lines, Spool};
use crate::report::{Report, Summary, Tool};
use crate::walk::{self, FileNote, Origin, SourceFile, WalkError};

mod archive;
mod collector;

use collector::Collector;

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
    /// An archive: what happened to each member, under its name in reports
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
    let context = ScanContext {
        config,
        detectors: (detector, &per_thread),
        outlet: &outlet,
        excluded_members: walk::MemberFilter::new(&config.walk.excludes)?,
    };
    let mut outcomes: Vec<(usize, Outcome)> = pool.install(|| {
        scan_order(&walked.files, outlet.in_order.is_some())
            .into_iter()
            .par_bridge()
            .map(|index| {
                let file = &walked.files[index];
                let outcome = scan_file(file, index, &context);
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

fn scan_file(file: &SourceFile, index: usize, context: &ScanContext<'_>) -> Outcome {
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
        schemas: None,
    };
    scan_stream(file, reader, place, context)
}

/// Where the findings of a file go: its index in walk order, under which its batches are
/// handed over (the members of an archive share their archive's), and the number of batches
/// handed over under that index so far.
struct FilePlace<'b> {
    index: usize,
    batches: &'b mut u64,
    /// How many archives and compressed files the file is inside.
    depth: u8,
    /// Tables that schema files beside the file define, when the scan looked for them (a
    /// member of a zip, a gzip-compressed dump); `None` lets a dump on disk look on its own.
    schemas: Option<&'b Schemas>,
}

impl FilePlace<'_> {
    /// The place of a file inside this one (a member of an archive), beside the tables
    /// `schemas` define.
    fn within<'m>(&'m mut self, schemas: Option<&'m Schemas>) -> FilePlace<'m> {
        FilePlace {
            index: self.index,
            batches: &mut *self.batches,
            depth: self.depth + 1,
            schemas,
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
            FileKind::Spreadsheet(_) | FileKind::Document(_) | FileKind::Pdf | FileKind::Sqlite => {
                reader.bytes.max(file.size)
            }
            FileKind::Text
            | FileKind::Csv
            | FileKind::Json
            | FileKind::Sql
            | FileKind::PgArchive
            | FileKind::Gzip
            | FileKind::Zip
            | FileKind::Tar
            | FileKind::Email
            | FileKind::Mailbox => reader.bytes,
        };
    }
    outcome
}

/// What every file of a scan is scanned with.
struct ScanContext<'a> {
    config: &'a ScanConfig,
    /// The detector, and a copy of it for each worker thread (its caches are per thread).
    detectors: (&'a Detector, &'a [Detector]),
    outlet: &'a Outlet<'a>,
    /// The members of archives and messages that `--exclude` leaves out.
    excluded_members: walk::MemberFilter,
}

impl ScanContext<'_> {
    /// The detector of the thread this runs on.
    fn detector(&self) -> &Detector {
        let (shared, per_thread) = self.detectors;
        rayon::current_thread_index()
            .and_then(|i| per_thread.get(i))
            .unwrap_or(shared)
    }
}

/// Scans `input`, a file of `kind`: opens an archive or compressed file, or extracts the
/// file's cells and makes its findings. The `bytes` of the outcome are left for the caller.
fn scan_kind(
    file: &SourceFile,
    kind: FileKind,
    input: &mut dyn BufRead,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    match kind {
        FileKind::Gzip => archive::scan_gzip(file, input, place, context),
        FileKind::Zip => archive::scan_zip(file, input, place, context),
        FileKind::Tar => archive::scan_tar(file, input, place, context),
        FileKind::Email => archive::scan_email(file, input, place, context),
        FileKind::Mailbox => archive::scan_mailbox(file, input, place, context),
        FileKind::Text
        | FileKind::Csv
        | FileKind::Json
        | FileKind::Spreadsheet(_)
        | FileKind::Document(_)
        | FileKind::Pdf
        | FileKind::Sql
        | FileKind::Sqlite
        | FileKind::PgArchive => collect_findings(file, kind, input, place, context),
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
    let (config, detector) = (context.config, context.detector());
    let outlet = (place.index, context.outlet);
    let mut collector = Collector::new(file, config, detector, outlet, *place.batches);
    let mut sampling = Sampling::new(config.sample_rows);
    let result = guard_panic(kind, || {
        let options = ExtractOptions {
            max_part_size: config.walk.max_file_size,
            schemas: place.schemas,
        };
        extract_cells(kind, file, input, &options, &mut sampling, &mut |cell| {
            collector.add(&cell)
        })
    });
    let mut collected = collector.finish();
    *place.batches = collected.batches;
    collected.fields.sampled = sampling.cut().to_vec();
    Outcome::Scanned {
        fields: collected.fields,
        tally: collected.tally,
        ignored: collected.ignored,
        bytes: 0,
        error: result.err().map(|err| err.to_string()),
    }
}

/// Why a binary file is not read: a zip-based file that is neither a workbook, a document nor
/// named `.zip` (a `.jar`), an Office 97-2003 file other than a workbook (`.doc`, `.ppt`,
/// `.msg`), and archives and compressed files piimap does not open (7-Zip, RAR, xz, zstd,
/// bzip2), are told apart from other binary files.
fn unread_binary_reason(head: &[u8]) -> String {
    if extract::archive::is_zip(head) {
        "zip-based file in no format piimap reads (only .zip archives are opened)".into()
    } else if extract::is_compound_file(head) {
        "Office 97-2003 file (.doc, .ppt, .msg) in no format piimap reads (only .xls \
         workbooks are; save it as .docx or .pptx)"
            .into()
    } else if let Some(format) = extract::archive::unopened_format(head) {
        format!("{format}, which piimap does not open (extract or decompress it first)")
    } else {
        "binary file (NUL byte near the start) in no format piimap reads".into()
    }
}

/// What an extractor is told besides the file's bytes.
struct ExtractOptions<'s> {
    /// Largest size one part of a workbook or document may decompress to.
    max_part_size: u64,
    /// See [`FilePlace::schemas`].
    schemas: Option<&'s Schemas>,
}

/// Runs the extractor for `kind` over `input`; workbooks and SQLite open `file`'s path
/// instead (a workbook read from a stream, such as standard input, is buffered whole).
fn extract_cells(
    kind: FileKind,
    file: &SourceFile,
    input: &mut dyn BufRead,
    options: &ExtractOptions<'_>,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    match kind {
        FileKind::Text => extract::text::extract(input, emit),
        FileKind::Csv => extract::csv::extract(input, sampling, emit),
        FileKind::Json => extract::json::extract(input, sampling, emit),
        FileKind::Spreadsheet(format) => match &file.origin {
            Origin::File(path) => {
                extract::sheet::extract_path(path, format, options.max_part_size, sampling, emit)
            }
            Origin::Stdin => {
                extract::sheet::extract_reader(input, format, options.max_part_size, sampling, emit)
            }
        },
        FileKind::Document(format) => match &file.origin {
            Origin::File(path) => {
                extract::document::extract_path(path, format, options.max_part_size, emit)
            }
            Origin::Stdin => {
                extract::document::extract_reader(input, format, options.max_part_size, emit)
            }
        },
        FileKind::Pdf => match &file.origin {
            Origin::File(path) => extract::pdf::extract_path(path, options.max_part_size, emit),
            Origin::Stdin => extract::pdf::extract_reader(input, options.max_part_size, emit),
        },
        FileKind::Sql => {
            let known = match (options.schemas, &file.origin) {
                (Some(schemas), _) => schemas.clone(),
                (None, Origin::File(path)) => extract::sql::sibling_schemas(path),
                (None, Origin::Stdin) => Schemas::new(),
            };
            extract::sql::extract(input, known, sampling, emit)
        }
        FileKind::Sqlite => match &file.origin {
            Origin::File(path) => extract::sqlite::extract_path(path, sampling, emit),
            Origin::Stdin => extract::sqlite::extract_reader(input, sampling, emit),
        },
        FileKind::PgArchive => Err(extract::sql::archive_error()),
        FileKind::Gzip | FileKind::Zip | FileKind::Tar | FileKind::Email | FileKind::Mailbox => {
            Err(ExtractError::Malformed {
                line: None,
                reason: format!("a {kind} file holds files, not cells (a bug: please report it)"),
            })
        }
    }
}

/// Runs `read` over one file; a panic in it (a bug in piimap or in a library that reads the
/// format, such as an assertion in the workbook reader on a damaged file) becomes that file's
/// error, and the scan goes on.
fn guard_panic(
    kind: FileKind,
    read: impl FnOnce() -> Result<(), ExtractError>,
) -> Result<(), ExtractError> {
    unless_panic(kind, read).unwrap_or_else(|reason| {
        Err(ExtractError::Malformed {
            line: None,
            reason: format!("{reason}; findings before it are kept"),
        })
    })
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
}
