//! The `findings` of a [`Report`](super::Report), in report order, held so that memory does not
//! grow with their number.
//!
//! A scan hands findings over in batches (at most [`BATCH`] each, tagged with the file's index
//! and the batch's number within the file) to a [`Spool`], from every worker thread. The first
//! [`MEMORY_LIMIT`] findings stay in memory; past that, every batch is written to an anonymous
//! temporary file (one JSON object per line, deleted when the last reference is dropped) and only
//! its offset stays in memory. [`Spool::finish`] sorts the batches by (file, batch) into
//! [`Findings`], which renderers read back one batch at a time with [`Findings::iter`].
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

/// Findings a scanning thread collects before handing them to the [`Spool`]: about 1 MB.
pub const BATCH: usize = 1_000;

/// Findings kept in memory before a [`Spool`] starts writing to a temporary file: about 5 MB.
pub const MEMORY_LIMIT: usize = 5_000;

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
    Memory(Vec<Finding>),
    /// `bytes` bytes of JSON lines at `offset` in the spill file.
    Spilled {
        offset: u64,
        bytes: usize,
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

    /// The findings in report order. A spilled batch that cannot be read back yields one error,
    /// then the iteration ends.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            findings: self,
            next_batch: 0,
            borrowed: [].iter(),
            loaded: Vec::new().into_iter(),
            failed: false,
        }
    }

    /// Keeps the findings for which `keep` returns true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Finding) -> bool) -> io::Result<()> {
        let spool = Spool::new(MEMORY_LIMIT);
        let mut batch = Vec::new();
        let mut seq = 0;
        for finding in self.iter() {
            let finding = finding?;
            if keep(&finding) {
                batch.push(finding.into_owned());
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

    /// Calls `each` with every finding's compact JSON (no trailing newline), in order. A spilled
    /// batch is passed on as it was written, without being parsed again.
    pub fn for_each_json(&self, mut each: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        let mut scratch = Vec::new();
        for batch in &self.batches {
            match batch {
                Batch::Memory(findings) => {
                    for finding in findings {
                        scratch.clear();
                        serde_json::to_writer(&mut scratch, finding)?;
                        each(&scratch)?;
                    }
                }
                Batch::Spilled { offset, bytes } => {
                    let text = self.spill()?.read(*offset, *bytes)?;
                    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                        each(line)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// All findings, in memory.
    pub fn into_vec(self) -> io::Result<Vec<Finding>> {
        self.iter().map(|f| f.map(Cow::into_owned)).collect()
    }

    /// The spill file that spilled batches are in.
    fn spill(&self) -> io::Result<&Spill> {
        self.spill
            .as_deref()
            .ok_or_else(|| io::Error::other("a spilled batch has no spill file"))
    }

    /// Reads the batch of `bytes` bytes at `offset` back from the spill file.
    fn read(&self, offset: u64, bytes: usize) -> io::Result<Vec<Finding>> {
        let text = self.spill()?.read(offset, bytes)?;
        serde_json::Deserializer::from_slice(&text)
            .into_iter::<Finding>()
            .map(|f| f.map_err(io::Error::from))
            .collect()
    }
}

impl From<Vec<Finding>> for Findings {
    fn from(findings: Vec<Finding>) -> Self {
        Findings {
            len: findings.len() as u64,
            max_severity: findings.iter().map(|f| f.severity).max(),
            batches: if findings.is_empty() {
                Vec::new()
            } else {
                vec![Batch::Memory(findings)]
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
            seq.serialize_element(&*finding.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Findings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Finding>::deserialize(deserializer).map(Findings::from)
    }
}

/// Iterator over [`Findings`]: borrowed from memory, or owned when read back from the file.
pub struct Iter<'a> {
    findings: &'a Findings,
    next_batch: usize,
    borrowed: std::slice::Iter<'a, Finding>,
    loaded: std::vec::IntoIter<Finding>,
    failed: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = io::Result<Cow<'a, Finding>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(finding) = self.borrowed.next() {
                return Some(Ok(Cow::Borrowed(finding)));
            }
            if let Some(finding) = self.loaded.next() {
                return Some(Ok(Cow::Owned(finding)));
            }
            if self.failed {
                return None;
            }
            let batch = self.findings.batches.get(self.next_batch)?;
            self.next_batch += 1;
            match batch {
                Batch::Memory(findings) => self.borrowed = findings.iter(),
                Batch::Spilled { offset, bytes } => match self.findings.read(*offset, *bytes) {
                    Ok(findings) => self.loaded = findings.into_iter(),
                    Err(err) => {
                        self.failed = true;
                        return Some(Err(err));
                    }
                },
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

    /// Appends `bytes` and returns their offset.
    fn append(&self, bytes: &[u8]) -> io::Result<u64> {
        let mut guard = self.lock();
        let (file, end) = &mut *guard;
        let offset = *end;
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(bytes)?;
        *end += bytes.len() as u64;
        Ok(offset)
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

    fn lock(&self) -> MutexGuard<'_, SpoolState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds batch number `seq` of the file at `file` (its index in walk order). Once the spool
    /// has spilled, the batch is encoded outside the lock, so threads do not wait on each other.
    pub fn add(&self, file: usize, seq: u64, findings: Vec<Finding>) {
        if findings.is_empty() {
            return;
        }
        let key = (file, seq);
        let count = findings.len() as u64;
        let severity = findings.iter().map(|f| f.severity).max();
        let spill = self.lock().spill.clone();
        let batch = match spill {
            Some(spill) => spill_batch(&spill, &findings),
            None => Ok(Batch::Memory(findings)),
        };
        let mut state = self.lock();
        state.len += count;
        state.max_severity = state.max_severity.max(severity);
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
    /// Records `batch`; when the findings in memory pass `limit`, moves them all to the spill
    /// file.
    fn push(&mut self, key: (usize, u64), batch: Batch, limit: usize) {
        if let Batch::Memory(findings) = &batch {
            self.in_memory += findings.len();
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
            if let Batch::Memory(findings) = batch {
                *batch = spill_batch(&spill, findings)?;
            }
        }
        self.in_memory = 0;
        Ok(())
    }
}

/// Writes `findings` to `spill` as JSON lines.
fn spill_batch(spill: &Spill, findings: &[Finding]) -> io::Result<Batch> {
    let mut text = Vec::with_capacity(findings.len() * 384);
    for finding in findings {
        serde_json::to_writer(&mut text, finding)?;
        text.push(b'\n');
    }
    let offset = spill.append(&text)?;
    Ok(Batch::Spilled {
        offset,
        bytes: text.len(),
    })
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
            spool.add(seq / 3, (seq % 3) as u64, batch.to_vec());
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
