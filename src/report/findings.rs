//! The `findings` of a [`Report`](super::Report), in report order, held so that memory does not
//! grow with their number.
//!
//! Findings travel as [`Lines`]: the compact JSON of each finding on a line of its own, which is
//! what the JSON report and the NDJSON stream write, so a finding is encoded once, by the worker
//! thread that found it, and copied from then on. A scan hands them over in batches (at most
//! [`BATCH`] findings each, tagged with the file's index and the batch's number within the
//! file) to a [`Spool`], from every worker thread. The first [`MEMORY_LIMIT`] findings stay in
//! memory; past that, every batch is appended to an anonymous temporary file (deleted when the
//! last reference is dropped) and only its offset stays in memory. [`Spool::finish`] sorts the
//! batches by (file, batch) into [`Findings`], which renderers read back one batch at a time.
//!
//! A report read back from JSON (`piimap report`, `piimap merge`) holds its findings in memory.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::de::Deserializer;
use serde::ser::{Error as _, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Severity};

/// Findings a scanning thread collects before handing them to the [`Spool`]: about 300 KB.
pub const BATCH: usize = 1_000;

/// Findings kept in memory before a [`Spool`] starts writing to a temporary file: about 1.5 MB.
pub const MEMORY_LIMIT: usize = 5_000;

/// Findings as JSON lines: each finding's compact JSON followed by `\n`, with their number and
/// highest severity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lines {
    bytes: Vec<u8>,
    len: usize,
    max_severity: Option<Severity>,
}

impl Lines {
    /// No findings, with room for the lines of about `findings` findings.
    pub fn with_capacity(findings: usize) -> Self {
        Lines {
            bytes: Vec::with_capacity(findings * 320),
            ..Lines::default()
        }
    }

    /// Appends `finding`, encoded by serde.
    pub fn push(&mut self, finding: &Finding) {
        self.push_with(finding.severity, |out| {
            serde_json::to_writer(out, finding).expect("a finding serializes into memory")
        });
    }

    /// Appends a finding of `severity` that `encode` writes as compact JSON, without the
    /// newline; the caller answers for it being the JSON serde writes for that finding.
    pub fn push_with(&mut self, severity: Severity, encode: impl FnOnce(&mut Vec<u8>)) {
        encode(&mut self.bytes);
        self.bytes.push(b'\n');
        self.len += 1;
        self.max_severity = self.max_severity.max(Some(severity));
    }

    /// Number of findings.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no findings.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Each finding's JSON, without its newline.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        memchr::memchr_iter(b'\n', &self.bytes).map(move |end| {
            let line = &self.bytes[start..end];
            start = end + 1;
            line
        })
    }

    /// The findings, decoded.
    pub fn decode(&self) -> io::Result<Vec<Finding>> {
        serde_json::Deserializer::from_slice(&self.bytes)
            .into_iter::<Finding>()
            .map(|f| f.map_err(io::Error::from))
            .collect()
    }
}

impl From<&[Finding]> for Lines {
    fn from(findings: &[Finding]) -> Self {
        let mut lines = Lines::with_capacity(findings.len());
        for finding in findings {
            lines.push(finding);
        }
        lines
    }
}

/// The findings of a report, in report order: in memory, or in batches in a temporary file.
#[derive(Clone, Default)]
pub struct Findings {
    batches: Vec<Batch>,
    len: u64,
    max_severity: Option<Severity>,
    spill: Option<Arc<Spill>>,
}

/// A run of consecutive findings.
#[derive(Clone)]
enum Batch {
    Memory(Lines),
    /// `bytes` bytes of JSON lines at `offset` in the spill file, holding `len` findings.
    Spilled {
        offset: u64,
        bytes: usize,
        len: usize,
        max_severity: Option<Severity>,
    },
}

impl Findings {
    /// Number of findings.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when there are no findings.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The highest severity among the findings, `None` when there are none.
    pub fn max_severity(&self) -> Option<Severity> {
        self.max_severity
    }

    /// The findings in report order, decoded. A batch that cannot be read back yields one
    /// error, then the iteration ends.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            findings: self,
            next_batch: 0,
            loaded: Vec::new().into_iter(),
            failed: false,
        }
    }

    /// Calls `each` with every batch, in order; a spilled batch is read back, not decoded.
    pub fn for_each_batch(&self, mut each: impl FnMut(&Lines) -> io::Result<()>) -> io::Result<()> {
        self.batches
            .iter()
            .try_for_each(|batch| each(&*self.load(batch)?))
    }

    /// Calls `each` with every finding's compact JSON (no trailing newline), in order. A
    /// finding is passed on as it was encoded when it was found, without being decoded again.
    pub fn for_each_json(&self, mut each: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        self.for_each_batch(|lines| lines.iter().try_for_each(&mut each))
    }

    /// Keeps the findings for which `keep` returns true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Finding) -> bool) -> io::Result<()> {
        let spool = Spool::new(MEMORY_LIMIT);
        let mut batch = Lines::with_capacity(BATCH);
        let mut seq = 0;
        for finding in self.iter() {
            let finding = finding?;
            if keep(&finding) {
                batch.push(&finding);
            }
            if batch.len() == BATCH {
                spool.add(0, seq, std::mem::take(&mut batch));
                seq += 1;
            }
        }
        spool.add(0, seq, batch);
        *self = spool.finish()?;
        Ok(())
    }

    /// All findings, in memory.
    pub fn into_vec(self) -> io::Result<Vec<Finding>> {
        self.iter().collect()
    }

    /// The lines of `batch`: borrowed from memory, or read back from the spill file.
    fn load<'a>(&self, batch: &'a Batch) -> io::Result<Cow<'a, Lines>> {
        match batch {
            Batch::Memory(lines) => Ok(Cow::Borrowed(lines)),
            Batch::Spilled {
                offset,
                bytes,
                len,
                max_severity,
            } => {
                let spill = self
                    .spill
                    .as_deref()
                    .ok_or_else(|| io::Error::other("a spilled batch has no spill file"))?;
                Ok(Cow::Owned(Lines {
                    bytes: spill.read(*offset, *bytes)?,
                    len: *len,
                    max_severity: *max_severity,
                }))
            }
        }
    }
}

impl From<Vec<Finding>> for Findings {
    fn from(findings: Vec<Finding>) -> Self {
        let lines = Lines::from(findings.as_slice());
        Findings {
            len: lines.len() as u64,
            max_severity: lines.max_severity,
            batches: if lines.is_empty() {
                Vec::new()
            } else {
                vec![Batch::Memory(lines)]
            },
            spill: None,
        }
    }
}

impl fmt::Debug for Findings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for finding in self.iter() {
            match finding {
                Ok(finding) => list.entry(&finding),
                Err(err) => list.entry(&err),
            };
        }
        list.finish()
    }
}

impl PartialEq for Findings {
    /// Same findings in the same order; a batch that cannot be read back compares unequal.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self.iter().zip(other.iter()).all(|pair| match pair {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            })
    }
}

/// Written as a JSON array, one finding at a time, so a spilled list is never loaded whole.
impl Serialize for Findings {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(usize::try_from(self.len).ok())?;
        for finding in self.iter() {
            seq.serialize_element(&finding.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Findings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Finding>::deserialize(deserializer).map(Findings::from)
    }
}

/// Iterator over [`Findings`], decoding one batch at a time.
pub struct Iter<'a> {
    findings: &'a Findings,
    next_batch: usize,
    loaded: std::vec::IntoIter<Finding>,
    failed: bool,
}

impl Iterator for Iter<'_> {
    type Item = io::Result<Finding>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(finding) = self.loaded.next() {
                return Some(Ok(finding));
            }
            if self.failed {
                return None;
            }
            let batch = self.findings.batches.get(self.next_batch)?;
            self.next_batch += 1;
            match self.findings.load(batch).and_then(|lines| lines.decode()) {
                Ok(findings) => self.loaded = findings.into_iter(),
                Err(err) => {
                    self.failed = true;
                    return Some(Err(err));
                }
            }
        }
    }
}

/// The temporary file that spilled batches are appended to, and its length.
struct Spill {
    file: Mutex<(File, u64)>,
}

impl Spill {
    fn create() -> io::Result<Self> {
        Ok(Spill {
            file: Mutex::new((tempfile::tempfile()?, 0)),
        })
    }

    fn lock(&self) -> MutexGuard<'_, (File, u64)> {
        self.file.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `lines` and returns them as a spilled batch.
    fn append(&self, lines: &Lines) -> io::Result<Batch> {
        let mut guard = self.lock();
        let (file, end) = &mut *guard;
        let offset = *end;
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(&lines.bytes)?;
        *end += lines.bytes.len() as u64;
        Ok(Batch::Spilled {
            offset,
            bytes: lines.bytes.len(),
            len: lines.len,
            max_severity: lines.max_severity,
        })
    }

    fn read(&self, offset: u64, bytes: usize) -> io::Result<Vec<u8>> {
        let mut guard = self.lock();
        let (file, _) = &mut *guard;
        file.seek(SeekFrom::Start(offset))?;
        let mut text = vec![0; bytes];
        file.read_exact(&mut text)?;
        Ok(text)
    }
}

/// Collects batches of findings from any thread, in any order, and puts them in report order.
pub struct Spool {
    limit: usize,
    state: Mutex<SpoolState>,
}

#[derive(Default)]
struct SpoolState {
    /// (file index, batch number) and the batch.
    batches: Vec<((usize, u64), Batch)>,
    in_memory: usize,
    len: u64,
    max_severity: Option<Severity>,
    spill: Option<Arc<Spill>>,
    /// The first failure to write the spill file.
    error: Option<io::Error>,
}

impl Spool {
    /// A spool that keeps up to `limit` findings in memory before it writes to a temporary file.
    pub fn new(limit: usize) -> Self {
        Spool {
            limit,
            state: Mutex::new(SpoolState::default()),
        }
    }

    /// Counts `lines` and their highest severity without keeping them: for findings streamed
    /// elsewhere. A spool that is only told of findings this way finishes into [`Findings`]
    /// with a length and no findings.
    pub fn note(&self, lines: &Lines) {
        self.lock().note((lines.len, lines.max_severity));
    }

    fn lock(&self) -> MutexGuard<'_, SpoolState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds batch number `seq` of the file at `file` (its index in walk order).
    pub fn add(&self, file: usize, seq: u64, lines: Lines) {
        if lines.is_empty() {
            return;
        }
        let key = (file, seq);
        let counts = (lines.len, lines.max_severity);
        let spill = self.lock().spill.clone();
        let batch = match spill {
            Some(spill) => spill.append(&lines),
            None => Ok(Batch::Memory(lines)),
        };
        let mut state = self.lock();
        state.note(counts);
        match batch {
            Ok(batch) => state.push(key, batch, self.limit),
            Err(err) => {
                state.error.get_or_insert(err);
            }
        }
    }

    /// The findings in (file, batch) order, or the first error met writing the spill file.
    pub fn finish(self) -> io::Result<Findings> {
        let mut state = self
            .state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(err) = state.error {
            return Err(err);
        }
        state.batches.sort_by_key(|(key, _)| *key);
        Ok(Findings {
            batches: state.batches.into_iter().map(|(_, batch)| batch).collect(),
            len: state.len,
            max_severity: state.max_severity,
            spill: state.spill,
        })
    }
}

impl SpoolState {
    /// Counts `len` more findings, of at most `max_severity`.
    fn note(&mut self, (len, max_severity): (usize, Option<Severity>)) {
        self.len += len as u64;
        self.max_severity = self.max_severity.max(max_severity);
    }

    /// Records `batch`; when the findings in memory pass `limit`, moves them all to the spill
    /// file.
    fn push(&mut self, key: (usize, u64), batch: Batch, limit: usize) {
        if let Batch::Memory(lines) = &batch {
            self.in_memory += lines.len();
        }
        self.batches.push((key, batch));
        if self.in_memory > limit
            && let Err(err) = self.spill_memory()
        {
            self.error.get_or_insert(err);
        }
    }

    fn spill_memory(&mut self) -> io::Result<()> {
        let spill = match &self.spill {
            Some(spill) => Arc::clone(spill),
            None => Arc::clone(self.spill.insert(Arc::new(Spill::create()?))),
        };
        for (_, batch) in &mut self.batches {
            if let Batch::Memory(lines) = batch {
                *batch = spill.append(lines)?;
            }
        }
        self.in_memory = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Report;

    /// The sample findings, with a distinct line each so order is visible.
    fn numbered(count: usize) -> Vec<Finding> {
        let sample = Report::sample().findings.into_vec().expect("in memory");
        (0..count)
            .map(|i| {
                let mut f = sample[i % sample.len()].clone();
                f.location.line = i as u64 + 1;
                f
            })
            .collect()
    }

    /// Adds `all` to a spool with `limit` as batches of `size`, newest batch first.
    fn spooled(all: &[Finding], size: usize, limit: usize) -> Findings {
        let spool = Spool::new(limit);
        let batches: Vec<&[Finding]> = all.chunks(size).collect();
        for (seq, batch) in batches.iter().enumerate().rev() {
            spool.add(seq / 3, (seq % 3) as u64, Lines::from(*batch));
        }
        spool.finish().expect("spill file writable")
    }

    #[test]
    fn batches_added_out_of_order_come_back_in_order_from_memory_and_from_disk() {
        let all = numbered(100);
        for limit in [1_000, 10] {
            let findings = spooled(&all, 7, limit);
            assert_eq!(findings.spill.is_some(), limit == 10);
            assert_eq!(findings.len(), 100);
            assert_eq!(findings.clone().into_vec().expect("readable"), all);
        }
    }

    #[test]
    fn spilled_findings_serialize_like_a_vec() {
        let all = numbered(50);
        let spilled = spooled(&all, 4, 5);
        assert!(spilled.spill.is_some());
        let expected = serde_json::to_string_pretty(&all).expect("serializes");
        let written = serde_json::to_string_pretty(&spilled).expect("serializes");
        assert_eq!(written, expected);
        let back: Findings = serde_json::from_str(&written).expect("deserializes");
        assert_eq!(back, spilled);
    }

    #[test]
    fn each_json_is_the_compact_json_of_each_finding_from_memory_and_from_disk() {
        let all = numbered(40);
        let expected: Vec<String> = all
            .iter()
            .map(|f| serde_json::to_string(f).expect("serializes"))
            .collect();
        for limit in [1_000, 5] {
            let mut lines = Vec::new();
            spooled(&all, 6, limit)
                .for_each_json(|line| {
                    lines.push(String::from_utf8(line.to_vec()).expect("UTF-8"));
                    Ok(())
                })
                .expect("readable");
            assert_eq!(lines, expected, "limit {limit}");
        }
    }

    #[test]
    fn noted_findings_are_counted_but_not_kept() {
        let all = numbered(30);
        let spool = Spool::new(5);
        for batch in all.chunks(7) {
            spool.note(&Lines::from(batch));
        }
        let findings = spool.finish().expect("nothing written");
        assert_eq!(findings.len(), 30);
        assert_eq!(
            findings.max_severity(),
            all.iter().map(|f| f.severity).max()
        );
        assert!(findings.spill.is_none() && findings.batches.is_empty());
    }

    #[test]
    fn retain_filters_spilled_findings_and_recounts() {
        let all = numbered(60);
        let mut findings = spooled(&all, 8, 5);
        findings
            .retain(|f| f.location.line % 2 == 0)
            .expect("readable");
        let kept: Vec<Finding> = all
            .into_iter()
            .filter(|f| f.location.line % 2 == 0)
            .collect();
        assert_eq!(findings.len(), 30);
        assert_eq!(
            findings.max_severity(),
            kept.iter().map(|f| f.severity).max()
        );
        assert_eq!(findings.into_vec().expect("readable"), kept);
    }

    #[test]
    fn empty_findings_have_no_severity() {
        let findings = Findings::from(Vec::new());
        assert!(findings.is_empty());
        assert_eq!(findings.max_severity(), None);
        assert_eq!(serde_json::to_string(&findings).expect("serializes"), "[]");
    }
}
