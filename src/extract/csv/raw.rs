//! Where records and fields start in the raw input. The `csv` crate hands out a field without
//! its quotes and with `""` unescaped, so a field's line and column are worked out from the
//! bytes it read: line ends are remembered as the bytes go by, and the bytes of a record with
//! quotes in it are parsed again (with `csv-core`, the parser the `csv` crate runs) to find
//! where each field's text begins.

use std::collections::VecDeque;
use std::io::Read;

use csv_core::{ReadFieldResult, Reader, ReaderBuilder};

/// Where a field's text starts in its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FieldStart {
    /// Lines after the record's first line.
    pub lines: u64,
    /// 1-based character column.
    pub column: u64,
    /// The field is quoted: each `"` of its text is a `""` in the source.
    pub quoted: bool,
}

/// A reader that remembers, for the bytes it has handed out that no record has taken yet (at
/// most one buffer of the `csv` reader), where the line ends are, and the bytes themselves.
pub(super) struct RawInput<R> {
    /// Parses a record's bytes again to find its fields (built once: building costs more than
    /// parsing a record).
    parser: Reader,
    /// Room for the field `parser` reads, unused.
    unquoted: Vec<u8>,
    inner: R,
    /// Bytes handed out so far.
    offset: u64,
    /// Offsets of the line ends handed out and not yet passed by [`RawInput::line_at`].
    line_ends: VecDeque<u64>,
    /// Line ends already passed.
    lines_behind: u64,
    /// The bytes handed out from offset `kept_from` on.
    kept: Vec<u8>,
    kept_from: u64,
}

impl<R: Read> RawInput<R> {
    /// Reads `inner`, a file whose fields `delimiter` separates.
    pub fn new(inner: R, delimiter: u8) -> Self {
        RawInput {
            parser: ReaderBuilder::new().delimiter(delimiter).build(),
            unquoted: Vec::new(),
            inner,
            offset: 0,
            line_ends: VecDeque::new(),
            lines_behind: 0,
            kept: Vec::new(),
            kept_from: 0,
        }
    }

    /// 1-based line of the byte at `offset`; offsets must not decrease between calls.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        while self.line_ends.front().is_some_and(|&at| at < offset) {
            self.line_ends.pop_front();
            self.lines_behind += 1;
        }
        self.lines_behind + 1
    }

    /// Sets `out` to where the fields of the record from offset `start` to `end` start (see
    /// [`field_starts`]); the bytes before `start` are let go, so offsets must not decrease
    /// between calls.
    pub fn field_starts(&mut self, start: u64, end: u64, out: &mut Vec<FieldStart>) {
        let passed = usize::try_from(start.saturating_sub(self.kept_from)).unwrap_or(usize::MAX);
        // Letting go only once half of the buffer has been passed keeps the copying linear.
        if passed > self.kept.len() / 2 {
            self.kept.drain(..passed.min(self.kept.len()));
            self.kept_from = start;
        }
        let at = |offset: u64| {
            usize::try_from(offset.saturating_sub(self.kept_from))
                .map_or(self.kept.len(), |i| i.min(self.kept.len()))
        };
        let raw = &self.kept[at(start)..at(end).max(at(start))];
        field_starts(raw, &mut self.parser, &mut self.unquoted, out);
    }
}

impl<R: Read> Read for RawInput<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let start = self.offset;
        self.line_ends
            .extend(memchr::memchr_iter(b'\n', &buf[..n]).map(|i| start + i as u64));
        self.kept.extend_from_slice(&buf[..n]);
        self.offset += n as u64;
        Ok(n)
    }
}

/// Where the text of each field of the record `raw` (its bytes as read, blank lines before it
/// included) starts.
/// Empty when `raw` holds no quote, as the fields are then exactly the raw text between the
/// delimiters and their lengths give the columns.
fn field_starts(
    raw: &[u8],
    parser: &mut Reader,
    unquoted: &mut Vec<u8>,
    out: &mut Vec<FieldStart>,
) {
    out.clear();
    if memchr::memchr(b'"', raw).is_none() {
        return;
    }
    let first = raw
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(raw.len());
    let record = &raw[first..];
    let mut position = Position {
        utf8: std::str::from_utf8(record).is_ok(),
        lines: 0,
        column: 1,
    };
    parser.reset();
    unquoted.resize(record.len() + 1, 0);
    let (mut at, mut counted) = (0, 0);
    loop {
        let quoted = record.get(at) == Some(&b'"');
        let text_start = at + usize::from(quoted);
        let text_start = text_start.min(record.len());
        position.advance(record.get(counted..text_start).unwrap_or_default());
        counted = counted.max(text_start);
        out.push(FieldStart {
            lines: position.lines,
            column: position.column,
            quoted,
        });
        let (mut result, read, _) = parser.read_field(&record[at..], unquoted);
        at += read;
        if matches!(result, ReadFieldResult::InputEmpty) {
            // The record runs to the end of the input without a line end.
            result = parser.read_field(&[], unquoted).0;
        }
        match result {
            ReadFieldResult::Field { record_end: false } if read > 0 && at < record.len() => {}
            _ => return,
        }
    }
}

/// A place in a record, moved along by the bytes passed.
struct Position {
    /// The record is UTF-8 (else Windows-1252: one character per byte).
    utf8: bool,
    lines: u64,
    column: u64,
}

impl Position {
    fn advance(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if byte == b'\n' {
                self.lines += 1;
                self.column = 1;
            } else if !self.utf8 || (byte & 0xC0) != 0x80 {
                self.column += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(raw: &str) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut parser = ReaderBuilder::new().build();
        field_starts(raw.as_bytes(), &mut parser, &mut Vec::new(), &mut out);
        out.iter().map(|s| (s.lines, s.column)).collect()
    }

    #[test]
    fn quoted_fields_start_after_their_quote() {
        assert_eq!(
            starts("1,\"a, b\",c@example.com\n"),
            vec![(0, 1), (0, 4), (0, 10)]
        );
    }

    #[test]
    fn escaped_quotes_and_line_ends_inside_quotes_are_counted() {
        assert_eq!(
            starts("\"say \"\"hi\"\"\",\"two\nlines\",x"),
            vec![(0, 2), (0, 15), (1, 8)]
        );
    }

    #[test]
    fn blank_lines_before_the_record_are_passed_over() {
        assert_eq!(starts("\r\n\n\"é\",b\r\n"), vec![(0, 2), (0, 5)]);
    }

    #[test]
    fn malformed_quoting_ends_the_starts_without_a_panic() {
        for raw in [
            "\"never closed, a@example.com",
            "a\"b,\"c\"d\",e",
            "\"\"\"\r\r\"",
            "\",\",\"",
            "\"é\"\"\n,x",
        ] {
            let got = starts(raw);
            assert!(!got.is_empty(), "{raw:?}");
            assert!(got.windows(2).all(|w| w[0] <= w[1]), "{raw:?}: {got:?}");
        }
    }

    #[test]
    fn unquoted_records_are_left_to_field_lengths() {
        assert!(starts("1,a@example.com\n").is_empty());
    }

    #[test]
    fn kept_bytes_follow_the_records_taken() {
        let mut input = RawInput::new(&b"a,\"b\"\ncc,\"d\"\nx,y\n"[..], b',');
        let mut all = Vec::new();
        input.read_to_end(&mut all).expect("reads from memory");
        let mut out = Vec::new();
        input.field_starts(0, 6, &mut out);
        let quoted: Vec<bool> = out.iter().map(|s| s.quoted).collect();
        assert_eq!(quoted, [false, true]);
        input.field_starts(6, 13, &mut out);
        assert_eq!((out[1].lines, out[1].column), (0, 5));
        input.field_starts(13, 17, &mut out);
        assert!(out.is_empty());
        assert_eq!(input.line_at(14), 3);
    }
}
