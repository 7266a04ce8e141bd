//! JSON documents and NDJSON / JSON Lines, streamed value by value.
//!
//! A small pull tokenizer reads the input in fixed blocks and keeps only the path to the
//! current value, so a 2 GB export needs no more memory than its longest string. Every string,
//! number and boolean becomes one [`Cell`]: `field` is its JSON pointer (RFC 6901) with array
//! indices collapsed to `*` (`/users/*/email`) so values of one key aggregate, `locator` is
//! the exact pointer (`/users/3/email`), `line` and `column` are where the value starts.
//! `null` and empty strings carry nothing and are not emitted. An object key that is data (an
//! address, an id: see `is_data_key`) is a cell too, and collapses to `*` like an index.
//!
//! A file may hold several top-level values (NDJSON, concatenated JSON); each is read on its
//! own with pointers relative to itself. After a syntax error in such a stream, reading resumes
//! at the next line; in a single document it stops there. Either way the first problem is
//! returned, after everything readable was emitted.
//!
//! Rows, for `--sample-rows`: each top-level value, each element of a top-level array, and each
//! element of an array held directly by a top-level object (`{"customers": [...]}`), counted
//! per array.

use std::io::BufRead;

use super::{Cell, Escape, ExtractError, Sampling, header};

/// True when an object key is data rather than a name: a key that would not pass for a column
/// name ([`header::looks_like_value`]: an address, no letter at all, a paragraph), or a number
/// or id with five digits or more (a phone or card number, a UUID). JSON-LD's own keys
/// (`@type`, `@id`) are names. Such a key is scanned like a value and collapses to `*` in
/// pointers as an array index does, so `{"users": {"jane@example.com": {...}}}` aggregates
/// under `/users/*` and no field or locator in a report spells the address.
fn is_data_key(key: &str) -> bool {
    let json_ld_keyword = key.starts_with('@') && !key[1..].contains('@');
    let digits = key.bytes().filter(u8::is_ascii_digit).count();
    !json_ld_keyword && (header::looks_like_value(key) || digits >= 5)
}

/// Size of one block read from the input.
const BLOCK_LEN: usize = 64 * 1024;

/// Reads JSON values from `input` and emits one cell per non-empty scalar.
pub(crate) fn extract(
    input: &mut dyn BufRead,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    Parser::new(input, sampling, emit).run()
}

/// True when `head` starts (after whitespace and a BOM) a JSON object or array that reads
/// without a syntax error up to the end of `head`.
pub(crate) fn looks_like_json(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if !matches!(head.trim_ascii_start().first(), Some(b'{' | b'[')) {
        return false;
    }
    let mut input = head;
    let mut sampling = Sampling::default();
    let result = Parser::new(&mut input, &mut sampling, &mut |_| {}).run();
    match result {
        Ok(()) => true,
        Err(ExtractError::Malformed { reason, .. }) => reason == TRUNCATED,
        Err(ExtractError::Io(_)) => false,
    }
}

const TRUNCATED: &str = "json ends inside a value";

/// The input, read block by block, with the line and character column of the next byte.
struct Source<'a> {
    input: &'a mut dyn BufRead,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    line: u64,
    column: u64,
}

impl<'a> Source<'a> {
    fn new(input: &'a mut dyn BufRead) -> Self {
        Source {
            input,
            buf: vec![0; BLOCK_LEN],
            pos: 0,
            len: 0,
            line: 1,
            column: 1,
        }
    }

    /// The next byte, without consuming it; `None` at end of input.
    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        if self.pos == self.len {
            self.pos = 0;
            self.len = loop {
                match self.input.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(err) => return Err(err),
                }
            };
        }
        Ok(self.buf[..self.len].get(self.pos).copied())
    }

    /// Consumes the byte [`Source::peek`] returned.
    fn bump(&mut self) {
        self.advance(1);
    }

    /// Consumes `n` bytes of the current block, keeping line and column right.
    fn advance(&mut self, n: usize) {
        for &b in &self.buf[self.pos..self.pos + n] {
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        self.pos += n;
    }

    /// True when the first block reads like NDJSON: its first line ends a value (`}` or `]`)
    /// and the next non-blank line starts one. A pretty-printed document's first line is a
    /// lone `{` or `[`; a minified one has no second line.
    fn starts_a_stream(&mut self) -> std::io::Result<bool> {
        self.peek()?;
        let block = &self.buf[self.pos..self.len];
        let Some(end) = memchr::memchr(b'\n', block) else {
            return Ok(false);
        };
        let first = block[..end].trim_ascii();
        let next = block[end..].trim_ascii_start();
        Ok(first.len() > 1
            && matches!(first.last(), Some(b'}' | b']'))
            && matches!(next.first(), Some(b'{' | b'[')))
    }

    fn skip_whitespace(&mut self) -> std::io::Result<()> {
        while let Some(b' ' | b'\t' | b'\r' | b'\n' | 0xEF | 0xBB | 0xBF) = self.peek()? {
            self.bump();
        }
        Ok(())
    }

    /// Skips to just past the next line end (or to the end of input).
    fn skip_line(&mut self) -> std::io::Result<()> {
        while let Some(b) = self.peek()? {
            self.bump();
            if b == b'\n' {
                break;
            }
        }
        Ok(())
    }

    /// Reads the rest of a string whose opening quote was consumed, unescaped, into `out`, and
    /// the escapes decoded into `escapes` (offsets in `out`).
    fn string(&mut self, out: &mut Vec<u8>, escapes: &mut Vec<Escape>) -> Result<(), ExtractError> {
        loop {
            if self.peek()?.is_none() {
                return Err(self.malformed(TRUNCATED));
            }
            let block = &self.buf[self.pos..self.len];
            let stop = memchr::memchr2(b'"', b'\\', block).unwrap_or(block.len());
            out.extend_from_slice(&block[..stop]);
            self.advance(stop);
            match self.peek()? {
                Some(b'"') => {
                    self.bump();
                    return Ok(());
                }
                Some(b'\\') => {
                    let (column, before) = (self.column, out.len());
                    self.bump();
                    self.escape(out)?;
                    // An escape is ASCII on one line.
                    let written = self.column.saturating_sub(column);
                    escapes.push(Escape::decoded(out, before, written));
                }
                _ => {}
            }
        }
    }

    /// Decodes one escape after its backslash. An escaped line break (`\n`, `\r`) becomes a
    /// space: the string is still on one source line, and findings after it keep that line.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), ExtractError> {
        let Some(b) = self.peek()? else {
            return Err(self.malformed(TRUNCATED));
        };
        self.bump();
        let plain = match b {
            b'"' | b'\\' | b'/' => b,
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' | b'r' => b' ',
            b't' => b'\t',
            b'u' => {
                let c = match self.unicode_escape()? {
                    '\n' | '\r' => ' ',
                    c => c,
                };
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                return Ok(());
            }
            _ => return Err(self.malformed("invalid escape in a json string")),
        };
        out.push(plain);
        Ok(())
    }

    /// Reads `XXXX` after `\u`, and a low surrogate after a high one.
    fn unicode_escape(&mut self) -> Result<char, ExtractError> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return Ok(char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        if self.peek()? != Some(b'\\') {
            return Ok(char::REPLACEMENT_CHARACTER);
        }
        self.bump();
        if self.peek()? != Some(b'u') {
            return Err(self.malformed("invalid escape in a json string"));
        }
        self.bump();
        let low = self.hex4()?;
        let code = 0x10000 + ((high - 0xD800) << 10) + low.wrapping_sub(0xDC00);
        Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    fn hex4(&mut self) -> Result<u32, ExtractError> {
        let mut value = 0;
        for _ in 0..4 {
            let Some(b) = self.peek()? else {
                return Err(self.malformed(TRUNCATED));
            };
            let digit = (b as char)
                .to_digit(16)
                .ok_or_else(|| self.malformed("invalid escape in a json string"))?;
            self.bump();
            value = value * 16 + digit;
        }
        Ok(value)
    }

    /// Reads a number or a literal (`true`, `false`, `null`) into `out`.
    fn bare_word(&mut self, out: &mut Vec<u8>) -> std::io::Result<()> {
        while let Some(b) = self.peek()? {
            if !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
                break;
            }
            out.push(b);
            self.bump();
        }
        Ok(())
    }

    fn malformed(&self, reason: &str) -> ExtractError {
        ExtractError::Malformed {
            line: Some(self.line),
            reason: reason.to_string(),
        }
    }
}

/// What an open object or array expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A first key (object) or first element (array), or the closing bracket.
    FirstOrEnd,
    /// A key, after a comma.
    Key,
    /// The colon after a key.
    Colon,
    /// A value, after a colon (object) or a comma (array).
    Value,
    /// A comma or the closing bracket.
    CommaOrEnd,
}

#[derive(Debug)]
struct Frame {
    is_array: bool,
    expect: Expect,
    /// Index of the next array element.
    next_index: u64,
    /// Elements of this array are rows (see the module doc); their count sits in `Parser::rows`.
    row_table: Option<usize>,
}

struct Parser<'a, 'e> {
    src: Source<'a>,
    sampling: &'a mut Sampling,
    emit: &'e mut dyn FnMut(Cell<'_>),
    stack: Vec<Frame>,
    /// Exact pointer of the current value, and the same with indices collapsed.
    exact: String,
    collapsed: String,
    /// Lengths of `exact` and `collapsed` before each segment, to pop it.
    marks: Vec<(usize, usize)>,
    /// Collapsed pointer of each row array seen, with the rows read from it.
    rows: Vec<(String, u64)>,
    /// Stack depth of a row array past its sample: values inside are read but not emitted.
    muted_at: Option<usize>,
    /// Top-level values read completely; a second one makes the input a stream.
    documents: u64,
    /// Top-level values that were rows (not arrays) started.
    top_rows: u64,
    /// The input looks like NDJSON (see [`Source::starts_a_stream`]).
    stream: bool,
    /// The token being read is the first on its line.
    fresh_line: bool,
    scratch: Vec<u8>,
    /// The escapes decoded into `scratch`.
    escapes: Vec<Escape>,
    first_error: Option<ExtractError>,
}

impl<'a, 'e> Parser<'a, 'e> {
    fn new(
        input: &'a mut dyn BufRead,
        sampling: &'a mut Sampling,
        emit: &'e mut dyn FnMut(Cell<'_>),
    ) -> Self {
        Parser {
            src: Source::new(input),
            sampling,
            emit,
            stack: Vec::new(),
            exact: String::new(),
            collapsed: String::new(),
            marks: Vec::new(),
            rows: Vec::new(),
            muted_at: None,
            documents: 0,
            top_rows: 0,
            stream: false,
            fresh_line: true,
            scratch: Vec::new(),
            escapes: Vec::new(),
            first_error: None,
        }
    }

    fn run(mut self) -> Result<(), ExtractError> {
        self.stream = self.src.starts_a_stream()?;
        loop {
            match self.step() {
                Ok(true) => {}
                Ok(false) => break,
                Err(ExtractError::Malformed { line, reason }) if self.can_resync(&reason) => {
                    self.first_error
                        .get_or_insert(ExtractError::Malformed { line, reason });
                    self.resync()?;
                }
                Err(err) => return Err(self.first_error.take().unwrap_or(err)),
            }
        }
        self.first_error.map_or(Ok(()), Err)
    }

    /// A syntax error in a stream of documents spoils one line, not the rest.
    fn can_resync(&self, reason: &str) -> bool {
        self.documents > 0 && reason != TRUNCATED
    }

    fn resync(&mut self) -> Result<(), ExtractError> {
        // A line that starts with the bad token may be the next good document (the line before
        // it was cut short): read it again from its first byte.
        if !self.fresh_line {
            self.src.skip_line()?;
        }
        self.stack.clear();
        self.marks.clear();
        self.exact.clear();
        self.collapsed.clear();
        self.muted_at = None;
        Ok(())
    }

    /// Reads one token; false at a clean end of input.
    fn step(&mut self) -> Result<bool, ExtractError> {
        let line = self.src.line;
        self.src.skip_whitespace()?;
        self.fresh_line = self.src.line > line;
        let Some(b) = self.src.peek()? else {
            return if self.stack.is_empty() {
                Ok(false)
            } else {
                Err(self.src.malformed(TRUNCATED))
            };
        };
        let Some(frame) = self.stack.last_mut() else {
            return self.top_level_value(b);
        };
        match (frame.is_array, frame.expect, b) {
            (_, Expect::FirstOrEnd | Expect::CommaOrEnd, b'}') if !frame.is_array => self.close(),
            (_, Expect::FirstOrEnd | Expect::CommaOrEnd, b']') if frame.is_array => self.close(),
            (_, Expect::CommaOrEnd, b',') => {
                frame.expect = if frame.is_array {
                    Expect::Value
                } else {
                    Expect::Key
                };
                self.src.bump();
            }
            (false, Expect::FirstOrEnd | Expect::Key, b'"') => self.key()?,
            (false, Expect::Colon, b':') => {
                frame.expect = Expect::Value;
                self.src.bump();
            }
            (false, Expect::Value, _) => self.value(b)?,
            (true, Expect::FirstOrEnd | Expect::Value, _) => self.element(b)?,
            _ => return Err(self.src.malformed("unexpected character in json")),
        }
        Ok(true)
    }

    fn top_level_value(&mut self, b: u8) -> Result<bool, ExtractError> {
        if b != b'[' && !self.take_row(None) {
            self.sampling.mark_cut(None);
            return Ok(false);
        }
        self.value(b)?;
        Ok(true)
    }

    /// Counts a row of `table` (`None`: a top-level value); false once past the sample.
    fn take_row(&mut self, table: Option<usize>) -> bool {
        let count = match table {
            Some(index) => &mut self.rows[index].1,
            None => &mut self.top_rows,
        };
        if self.sampling.max_rows.is_some_and(|max| *count >= max) {
            return false;
        }
        *count += 1;
        true
    }

    fn key(&mut self) -> Result<(), ExtractError> {
        // The text starts after the opening quote.
        let (line, column) = (self.src.line, self.src.column + 1);
        self.src.bump();
        self.scratch.clear();
        self.escapes.clear();
        self.src.string(&mut self.scratch, &mut self.escapes)?;
        let key = String::from_utf8_lossy(&self.scratch);
        if is_data_key(&key) {
            self.push_segment("*", "*");
            self.emit_scalar(line, column);
        } else {
            let segment = key.replace('~', "~0").replace('/', "~1");
            self.push_segment(&segment, &segment);
        }
        if let Some(frame) = self.stack.last_mut() {
            frame.expect = Expect::Colon;
        }
        Ok(())
    }

    fn element(&mut self, b: u8) -> Result<(), ExtractError> {
        let Some(frame) = self.stack.last_mut() else {
            return Err(self.src.malformed("unexpected character in json"));
        };
        let index = frame.next_index;
        frame.next_index += 1;
        let table = frame.row_table;
        if let Some(table) = table
            && self.muted_at.is_none()
            && !self.take_row(Some(table))
        {
            self.muted_at = Some(self.stack.len());
            self.sampling.mark_cut(None);
        }
        self.push_segment(&index.to_string(), "*");
        self.value(b)
    }

    fn push_segment(&mut self, exact: &str, collapsed: &str) {
        self.marks.push((self.exact.len(), self.collapsed.len()));
        self.exact.push('/');
        self.exact.push_str(exact);
        self.collapsed.push('/');
        self.collapsed.push_str(collapsed);
    }

    /// Reads a value starting with `b`: emits a scalar, or opens an object or array.
    fn value(&mut self, b: u8) -> Result<(), ExtractError> {
        let (line, mut column) = (self.src.line, self.src.column);
        match b {
            b'{' | b'[' => {
                self.src.bump();
                self.open(b == b'[');
                return Ok(());
            }
            b'"' => {
                self.src.bump();
                self.scratch.clear();
                self.escapes.clear();
                self.src.string(&mut self.scratch, &mut self.escapes)?;
                // The text starts after the opening quote.
                column += 1;
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                self.scratch.clear();
                self.escapes.clear();
                self.src.bare_word(&mut self.scratch)?;
                if !is_scalar_word(&self.scratch) {
                    let at_end = self.src.peek()?.is_none();
                    let reason = if at_end {
                        TRUNCATED
                    } else {
                        "invalid json literal"
                    };
                    return Err(self.src.malformed(reason));
                }
                if self.scratch == b"null" {
                    self.scratch.clear();
                }
            }
            _ => return Err(self.src.malformed("unexpected character in json")),
        }
        self.emit_scalar(line, column);
        self.value_done();
        Ok(())
    }

    fn emit_scalar(&mut self, line: u64, column: u64) {
        if self.scratch.is_empty() || self.muted_at.is_some() {
            return;
        }
        (self.emit)(Cell {
            text: &self.scratch,
            line,
            column,
            container: None,
            field: Some(&self.collapsed),
            locator: Some(&self.exact),
            escapes: &self.escapes,
        });
    }

    fn open(&mut self, is_array: bool) {
        let depth = self.stack.len();
        let parent_is_object = self.stack.last().is_some_and(|f| !f.is_array);
        // Arrays inside the lines of an NDJSON stream are not tables: its lines are the rows.
        let is_table = depth == 0 || (depth == 1 && parent_is_object && !self.stream);
        let row_table = (is_array && is_table).then(|| self.table_index());
        self.stack.push(Frame {
            is_array,
            expect: Expect::FirstOrEnd,
            next_index: 0,
            row_table,
        });
    }

    /// Index in `rows` of the table at the current pointer, added when new.
    fn table_index(&mut self) -> usize {
        match self
            .rows
            .iter()
            .position(|(name, _)| *name == self.collapsed)
        {
            Some(index) => index,
            None => {
                self.rows.push((self.collapsed.clone(), 0));
                self.rows.len() - 1
            }
        }
    }

    fn close(&mut self) {
        self.src.bump();
        self.stack.pop();
        if self.muted_at == Some(self.stack.len() + 1) {
            self.muted_at = None;
        }
        self.value_done();
    }

    /// After a complete value: pop its path segment and let the parent expect a comma.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(frame) => {
                frame.expect = Expect::CommaOrEnd;
                if let Some((exact, collapsed)) = self.marks.pop() {
                    self.exact.truncate(exact);
                    self.collapsed.truncate(collapsed);
                }
            }
            None => self.documents += 1,
        }
    }
}

/// A JSON number or literal: `true`, `false`, `null`, or digits with sign, point and exponent.
fn is_scalar_word(word: &[u8]) -> bool {
    matches!(word, b"true" | b"false" | b"null")
        || (word
            .first()
            .is_some_and(|b| *b == b'-' || b.is_ascii_digit())
            && word.iter().any(u8::is_ascii_digit)
            && word
                .iter()
                .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, column, field, locator, text) of each cell.
    type Row = (u64, u64, String, String, String);

    fn cells_with(bytes: &[u8], sampling: &mut Sampling) -> (Vec<Row>, Result<(), ExtractError>) {
        let mut out = Vec::new();
        let mut input = bytes;
        let result = extract(&mut input, sampling, &mut |cell| {
            out.push((
                cell.line,
                cell.column,
                cell.field.unwrap_or("").to_string(),
                cell.locator.unwrap_or("").to_string(),
                String::from_utf8_lossy(cell.text).into_owned(),
            ))
        });
        (out, result)
    }

    fn cells(bytes: &[u8]) -> Vec<Row> {
        let (out, result) = cells_with(bytes, &mut Sampling::default());
        assert!(result.is_ok(), "{result:?}");
        out
    }

    fn row(line: u64, column: u64, field: &str, locator: &str, text: &str) -> Row {
        (line, column, field.into(), locator.into(), text.into())
    }

    #[test]
    fn keys_that_are_data_are_cells_and_collapse_like_indices() {
        let got = cells(
            b"{\"users\": {\"jane@example.com\": {\"phone\": \"+1 415 555 2671\"}},\n \"@type\": \"Person\", \"2024-01-06\": 3, \"line2\": \"x\"}",
        );
        assert_eq!(
            got,
            vec![
                row(1, 13, "/users/*", "/users/*", "jane@example.com"),
                row(1, 43, "/users/*/phone", "/users/*/phone", "+1 415 555 2671"),
                row(2, 12, "/@type", "/@type", "Person"),
                row(2, 22, "/*", "/*", "2024-01-06"),
                row(2, 35, "/*", "/*", "3"),
                row(2, 48, "/line2", "/line2", "x"),
            ]
        );
    }

    #[test]
    fn array_indices_collapse_in_field_but_not_locator() {
        let got = cells(b"{\"users\": [\n {\"email\": \"a@example.com\"},\n {\"email\": \"b@example.com\", \"age\": 41}\n]}");
        assert_eq!(
            got,
            vec![
                row(2, 13, "/users/*/email", "/users/0/email", "a@example.com"),
                row(3, 13, "/users/*/email", "/users/1/email", "b@example.com"),
                row(3, 36, "/users/*/age", "/users/1/age", "41"),
            ]
        );
    }

    #[test]
    fn ndjson_lines_are_separate_documents() {
        let got = cells(b"{\"email\":\"a@example.com\"}\n\n{\"email\":\"b@example.com\",\"ok\":true,\"x\":null}\n");
        assert_eq!(
            got,
            vec![
                row(1, 11, "/email", "/email", "a@example.com"),
                row(3, 11, "/email", "/email", "b@example.com"),
                row(3, 31, "/ok", "/ok", "true"),
            ]
        );
    }

    #[test]
    fn escapes_are_decoded_and_keys_escaped_in_pointers() {
        let got = cells(br#"{"a/b~c": "caf\u00e9 \ud83d\ude00 \"q\"\n"}"#);
        assert_eq!(got[0].2, "/a~1b~0c");
        assert_eq!(got[0].4, "café 😀 \"q\" ");
    }

    #[test]
    fn truncated_json_emits_what_came_before_then_fails_with_line() {
        let (got, result) = cells_with(
            b"[{\"email\": \"a@example.com\"},\n {\"email\": \"b@exa",
            &mut Sampling::default(),
        );
        assert_eq!(got.len(), 1);
        match result {
            Err(ExtractError::Malformed { line, .. }) => assert_eq!(line, Some(2)),
            other => panic!("expected malformed, got {other:?}"),
        }
    }

    #[test]
    fn bad_ndjson_line_is_reported_and_reading_goes_on() {
        let (got, result) = cells_with(
            b"{\"e\":\"a@example.com\"}\n{\"e\": oops}\n{\"e\":\"c@example.com\"\n{\"e\":\"d@example.com\"}\n",
            &mut Sampling::default(),
        );
        let texts: Vec<&str> = got.iter().map(|r| r.4.as_str()).collect();
        assert_eq!(texts, ["a@example.com", "c@example.com", "d@example.com"]);
        match result {
            Err(ExtractError::Malformed { line, .. }) => assert_eq!(line, Some(2)),
            other => panic!("expected malformed, got {other:?}"),
        }
    }

    #[test]
    fn single_document_error_stops_reading() {
        let (got, result) =
            cells_with(b"{\"a\": \"x\", ]\n\"b\": \"y\"}", &mut Sampling::default());
        assert_eq!(got.len(), 1);
        assert!(result.is_err());
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let mut text = "[".repeat(200_000);
        text.push_str("\"x\"");
        let (got, result) = cells_with(text.as_bytes(), &mut Sampling::default());
        assert_eq!(got.len(), 1);
        assert!(result.is_err());
    }

    #[test]
    fn sampling_counts_rows_per_table() {
        let text = br#"{"a": [{"e": 1}, {"e": 2}, {"e": 3}], "b": [{"e": 4}, {"e": 5}]}"#;
        let mut sampling = Sampling::new(Some(2));
        let (got, result) = cells_with(text, &mut sampling);
        assert!(result.is_ok());
        let texts: Vec<&str> = got.iter().map(|r| r.4.as_str()).collect();
        assert_eq!(texts, ["1", "2", "4", "5"]);
        assert!(sampling.was_cut(None));
    }

    #[test]
    fn arrays_inside_ndjson_lines_are_not_tables() {
        let line = "{\"tags\": [1, 2, 3]}\n";
        let mut sampling = Sampling::new(Some(2));
        let (got, result) = cells_with(line.repeat(3).as_bytes(), &mut sampling);
        assert!(result.is_ok());
        assert_eq!(got.len(), 6, "two lines, all their tags");
        assert!(sampling.was_cut(None));
    }

    #[test]
    fn sampling_stops_an_ndjson_stream() {
        let mut sampling = Sampling::new(Some(1));
        let (got, result) = cells_with(b"{\"e\":1}\n{\"e\":2}\n", &mut sampling);
        assert!(result.is_ok());
        assert_eq!(got.len(), 1);
        assert!(sampling.was_cut(None));
    }

    #[test]
    fn numbers_keep_their_digits() {
        let got = cells(b"[4111111111111111, -1.5e3]");
        assert_eq!(got[0].4, "4111111111111111");
        assert_eq!(got[1].4, "-1.5e3");
    }

    #[test]
    fn json_is_recognised_by_its_head() {
        assert!(looks_like_json(b"[{\"a\": 1}, {\"b\": "));
        assert!(looks_like_json(b"  {\"a\": [1, 2"));
        assert!(!looks_like_json(b"[2024-01-01 10:00] server started"));
        assert!(!looks_like_json(b"name,email\n"));
    }

    #[test]
    fn values_across_block_boundaries_are_whole() {
        let long = "x".repeat(BLOCK_LEN + 100);
        let text = format!("{{\"a\": \"{long}\", \"b\": 12345}}");
        let got = cells(text.as_bytes());
        assert_eq!(got[0].4.len(), BLOCK_LEN + 100);
        assert_eq!(got[1].4, "12345");
    }
}
