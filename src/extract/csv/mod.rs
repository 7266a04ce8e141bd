//! CSV, TSV and other delimited exports, read record by record with the `csv` crate.
//!
//! The delimiter (`,` `;` tab `|`) is sniffed from the first block. Titles, notes and blank
//! rows above the header are passed over by the rule spreadsheets use (`header`): the first
//! record that fills at least half as many fields as the fullest of the first 20 is the header
//! unless it looks like data (see `has_header`), in which case fields are named `column_1`,
//! `column_2`...; the rows above it are still scanned, with those names.
//!
//! Each non-empty field becomes one [`Cell`] whose `field` is its column name and whose `line`
//! and `column` are where its text starts (after its opening quote), counting the quotes and
//! the newlines of quoted fields earlier in the record (see `raw.rs`). Fields that are not
//! valid UTF-8 are decoded as Windows-1252 (a superset of Latin-1), the usual encoding of
//! spreadsheet exports; a file that starts with a UTF-16 byte order mark is decoded as it is
//! read (`utf16`). Ragged records (more or fewer fields than the header) are read like any
//! other: extra fields are named after their position.
//!
//! Memory stays flat: only the first block and one record are held at a time.

mod raw;

use std::borrow::Cow;
use std::io::{BufRead, Cursor, Read};

use super::utf16::{self, Decoded};
use super::{Cell, Escape, ExtractError, Sampling, char_count, header};
use raw::{FieldStart, RawInput};

/// Bytes read ahead to sniff the delimiter.
const HEAD_LEN: usize = 64 * 1024;

/// Records read ahead to decide whether the first one is a header.
const LOOKAHEAD: usize = 20;

/// The delimiters piimap recognises, most common first (ties go to the earlier one).
pub(crate) const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Reads delimited records from `input` and emits one cell per non-empty field; input that
/// starts with a UTF-16 byte order mark is decoded first.
pub(crate) fn extract(
    input: &mut dyn BufRead,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    match utf16::bom(input.fill_buf()?) {
        Some(encoding) => extract_utf8(&mut Decoded::new(input, encoding), sampling, emit),
        None => extract_utf8(input, sampling, emit),
    }
}

/// [`extract`] for input in UTF-8 (or, field by field, Windows-1252).
fn extract_utf8(
    input: &mut dyn BufRead,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let mut head = read_head(input)?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    let delimiter = sniff_delimiter(&head).unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(RawInput::new(Cursor::new(head).chain(input), delimiter));

    let mut ahead = Vec::with_capacity(LOOKAHEAD);
    let mut ahead_starts = Vec::with_capacity(LOOKAHEAD);
    let mut failure = None;
    let mut record = csv::ByteRecord::new();
    let mut starts = Vec::new();
    while ahead.len() < LOOKAHEAD {
        match next_record(&mut reader, &mut record, &mut starts) {
            Ok(true) => {
                ahead.push(std::mem::take(&mut record));
                ahead_starts.push(std::mem::take(&mut starts));
            }
            Ok(false) => break,
            Err(err) => {
                failure = Some(err);
                break;
            }
        }
    }
    if ahead.is_empty() {
        return failure.map_or(Ok(()), Err);
    }
    // Titles, notes and blank rows above the first wide record are scanned with positional
    // fields; that record is the header if it looks like one.
    let filled: Vec<usize> = ahead.iter().map(filled_fields).collect();
    let start = header::first_wide_row(&filled).unwrap_or(0);
    let columns = Columns::new(&ahead[start], &ahead[start + 1..]);
    let above = Columns::positional();
    let mut rows = 0u64;
    for (index, (record, starts)) in ahead.iter().zip(&ahead_starts).enumerate() {
        if index < start {
            emit_record(record, starts, &above, emit);
            continue;
        }
        if index == start && columns.from_header {
            continue;
        }
        if !take_row(&mut rows, sampling) {
            return failure.map_or(Ok(()), Err);
        }
        emit_record(record, starts, &columns, emit);
    }
    if let Some(err) = failure {
        return Err(err);
    }
    while next_record(&mut reader, &mut record, &mut starts)? {
        if !take_row(&mut rows, sampling) {
            break;
        }
        emit_record(&record, &starts, &columns, emit);
    }
    Ok(())
}

/// Counts one more row; false (and the file marked as sampled) once the limit is passed.
fn take_row(rows: &mut u64, sampling: &mut Sampling) -> bool {
    if sampling.max_rows.is_some_and(|max| *rows >= max) {
        sampling.mark_cut(None);
        return false;
    }
    *rows += 1;
    true
}

/// Reads up to [`HEAD_LEN`] bytes without losing any: the caller chains them before the rest.
fn read_head(input: &mut dyn BufRead) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD_LEN);
    input.take(HEAD_LEN as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Reads the next record into `record` (false at the end of the input) and sets its position's
/// line to the line it starts on. Reusing `record` keeps its buffers from row to row.
///
/// The `csv` crate reports the line where it started looking for the record, before the line
/// ends it skips (blank lines, the `\n` of a `\r\n`), so the line is worked out here instead:
/// the line of the record's last byte, less the newlines inside its quoted fields. When the
/// record has quotes, `starts` is set to where its fields start (see [`RawInput::field_starts`]).
fn next_record<R: Read>(
    reader: &mut csv::Reader<RawInput<R>>,
    record: &mut csv::ByteRecord,
    starts: &mut Vec<FieldStart>,
) -> Result<bool, ExtractError> {
    let start = reader.position().byte();
    match reader.read_byte_record(record) {
        Ok(true) => {
            let end = reader.position().byte();
            reader.get_mut().field_starts(start, end, starts);
            let inside = newlines(record.as_slice());
            let last_line = reader.get_mut().line_at(end.saturating_sub(1));
            let mut position = csv::Position::new();
            position.set_line(last_line.saturating_sub(inside).max(1));
            record.set_position(Some(position));
            Ok(true)
        }
        Ok(false) => Ok(false),
        Err(err) => Err(to_extract_error(err)),
    }
}

fn newlines(text: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', text).count() as u64
}

fn to_extract_error(err: csv::Error) -> ExtractError {
    let line = err.position().map(csv::Position::line);
    match err.into_kind() {
        csv::ErrorKind::Io(io) => ExtractError::Io(io),
        _ => ExtractError::Malformed {
            line,
            reason: "unreadable csv record".to_string(),
        },
    }
}

/// True when one delimiter splits every complete record of `head` (at least two) into the
/// same number of fields, two or more, and the lines do not read as prose (see
/// [`reads_as_prose`]).
pub(crate) fn looks_like_csv(head: &[u8]) -> bool {
    let complete = complete_lines(head);
    let Some(delimiter) = sniff_delimiter(complete) else {
        return false;
    };
    let (agreeing, width) = consistency(complete, delimiter);
    let records = memchr::memchr_iter(b'\n', complete.trim_ascii_end()).count() + 1;
    agreeing >= 2 && agreeing == records && !reads_as_prose(complete, width)
}

/// Most fields a line of prose is taken to split into: a letter whose lines each hold a comma
/// or two (`Thanks, Jane.`) splits as evenly as a narrow table.
const PROSE_WIDTH: usize = 3;

/// True when lines of `text`, split into `width` fields, read as prose: at most
/// [`PROSE_WIDTH`] fields, and at least half of the lines end a sentence (`.`, `!`, `?`).
fn reads_as_prose(text: &[u8], width: usize) -> bool {
    let lines = text
        .split(|&byte| byte == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|line| !line.is_empty());
    let (mut all, mut sentences) = (0, 0);
    for line in lines {
        all += 1;
        if matches!(line.last(), Some(b'.' | b'!' | b'?')) {
            sentences += 1;
        }
    }
    width <= PROSE_WIDTH && sentences * 2 >= all
}

/// `head` up to its last line end, when one is there.
fn complete_lines(head: &[u8]) -> &[u8] {
    match memchr::memrchr(b'\n', head) {
        Some(end) => &head[..=end],
        None => head,
    }
}

/// The delimiter that splits the complete lines of `head` into the same number (at least two)
/// of fields most often, quotes respected; `None` when no candidate splits any line.
pub(crate) fn sniff_delimiter(head: &[u8]) -> Option<u8> {
    let complete = complete_lines(head);
    let mut best: Option<(usize, usize, u8)> = None;
    // A delimiter that is not there splits nothing: no reader is built for it.
    for delimiter in DELIMITERS
        .into_iter()
        .filter(|&d| memchr::memchr(d, complete).is_some())
    {
        let (agreeing, width) = consistency(complete, delimiter);
        if width < 2 || agreeing == 0 {
            continue;
        }
        if best.is_none_or(|(a, w, _)| (agreeing, width) > (a, w)) {
            best = Some((agreeing, width, delimiter));
        }
    }
    best.map(|(_, _, delimiter)| delimiter)
}

/// How many records of `text` have the most common field count, and that count.
fn consistency(text: &[u8], delimiter: u8) -> (usize, usize) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut counts: Vec<(usize, usize)> = Vec::new();
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        let width = record.len();
        match counts.iter_mut().find(|(w, _)| *w == width) {
            Some((_, n)) => *n += 1,
            None => counts.push((width, 1)),
        }
    }
    counts
        .into_iter()
        .map(|(width, n)| (n, width))
        .max()
        .unwrap_or((0, 0))
}

/// Column names of a file: its header, or `column_N` past the header's end.
struct Columns {
    names: Vec<String>,
    from_header: bool,
}

impl Columns {
    /// The names of `first`'s fields when it is a header (see [`has_header`]), else positional.
    fn new(first: &csv::ByteRecord, rest: &[csv::ByteRecord]) -> Self {
        if !has_header(first, rest) {
            return Columns::positional();
        }
        let names = first
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let name = decode(name);
                let name = name.trim();
                if name.is_empty() {
                    positional(i)
                } else {
                    name.to_string()
                }
            })
            .collect();
        Columns {
            names,
            from_header: true,
        }
    }

    /// `column_1`, `column_2`... for every field.
    fn positional() -> Self {
        Columns {
            names: Vec::new(),
            from_header: false,
        }
    }

    fn name(&self, index: usize) -> Cow<'_, str> {
        match self.names.get(index) {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(positional(index)),
        }
    }
}

fn positional(index: usize) -> String {
    format!("column_{}", index + 1)
}

/// True when the first record reads as column names: at most one empty name, no duplicate,
/// none that looks like a value ([`header::looks_like_value`]: an `@`, no letter at all, a
/// paragraph), and none that reappears in its own column in the records after it.
///
/// A first record of plain words is taken as a header: a file without one whose first row
/// holds only words (names, towns) is misread, which costs one row, not a column.
pub(crate) fn has_header(first: &csv::ByteRecord, rest: &[csv::ByteRecord]) -> bool {
    let names: Vec<&[u8]> = first.iter().map(<[u8]>::trim_ascii).collect();
    let empty = names.iter().filter(|n| n.is_empty()).count();
    if empty > 1 || (empty == 1 && names.len() < 3) {
        return false;
    }
    if names
        .iter()
        .any(|n| !n.is_empty() && header::looks_like_value(&decode(n)))
    {
        return false;
    }
    // A set, not a scan of the names before each: a file may have 200,000 columns.
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    let duplicate = names.iter().any(|n| !n.is_empty() && !seen.insert(*n));
    if duplicate {
        return false;
    }
    !names.iter().enumerate().any(|(i, name)| {
        !name.is_empty()
            && rest
                .iter()
                .any(|record| record.get(i).map(<[u8]>::trim_ascii) == Some(name))
    })
}

/// Fields of `record` holding more than whitespace.
fn filled_fields(record: &csv::ByteRecord) -> usize {
    record
        .iter()
        .filter(|field| !field.trim_ascii().is_empty())
        .count()
}

/// Emits the non-empty fields of one record; `starts` says where its fields start when it has
/// quotes (see [`RawInput::field_starts`]), and is empty otherwise.
fn emit_record(
    record: &csv::ByteRecord,
    starts: &[FieldStart],
    columns: &Columns,
    emit: &mut dyn FnMut(Cell<'_>),
) {
    let first_line = record.position().map_or(1, csv::Position::line);
    // The `""` of a quoted field, one character in its text.
    let mut escapes = Vec::new();
    let mut line = first_line;
    let mut column = 1u64;
    // One UTF-8 check for the whole record; a field is then a slice of it.
    let whole = std::str::from_utf8(record.as_slice()).ok();
    for (index, raw) in record.iter().enumerate() {
        let text = whole
            .zip(record.range(index))
            .and_then(|(whole, range)| whole.get(range))
            .map_or_else(|| decode(raw), Cow::Borrowed);
        escapes.clear();
        if let Some(start) = starts.get(index) {
            (line, column) = (first_line + start.lines, start.column);
            if start.quoted {
                escapes.extend(memchr::memchr_iter(b'"', text.as_bytes()).map(|at| Escape {
                    at: at + 1,
                    extra: 1,
                }));
            }
        }
        if !text.trim().is_empty() {
            let field = columns.name(index);
            emit(Cell {
                text: text.as_bytes(),
                line,
                column,
                container: None,
                field: Some(&field),
                locator: None,
                escapes: &escapes,
            });
        }
        // Without quotes a field is its raw text (one character per byte of Windows-1252),
        // and the next field starts after it and the delimiter.
        column += char_count(text.as_bytes()) + 1;
    }
}

/// The field as UTF-8: as is when valid, else decoded from Windows-1252.
fn decode(raw: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(raw) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(raw).0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (u64, u64, String, String);

    fn cells_with(bytes: &[u8], sampling: &mut Sampling) -> (Vec<Row>, Result<(), ExtractError>) {
        let mut out = Vec::new();
        let mut input = bytes;
        let result = extract(&mut input, sampling, &mut |cell| {
            out.push((
                cell.line,
                cell.column,
                cell.field.unwrap_or("").to_string(),
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

    fn row(line: u64, column: u64, field: &str, text: &str) -> Row {
        (line, column, field.to_string(), text.to_string())
    }

    #[test]
    fn csv_header_becomes_field() {
        let got = cells(b"name,email\nJane Doe,jane@example.com\n");
        assert_eq!(
            got,
            vec![
                row(2, 1, "name", "Jane Doe"),
                row(2, 10, "email", "jane@example.com")
            ]
        );
    }

    #[test]
    fn quoted_newline_keeps_line_numbers() {
        let text = b"id,note,email\n1,\"line one\nline two\nline three\",a@example.com\n2,x,b@example.com\n";
        let got = cells(text);
        // A quoted field's text starts after its quote.
        assert_eq!(got[1], row(2, 4, "note", "line one\nline two\nline three"));
        assert_eq!(
            got[2],
            row(4, 13, "email", "a@example.com"),
            "email after a 3-line field sits on line 4, after `line three\",`"
        );
        assert_eq!(got[3], row(5, 1, "id", "2"));
        assert_eq!(got[5], row(5, 5, "email", "b@example.com"));
    }

    #[test]
    fn columns_count_the_quotes_of_earlier_fields() {
        let text = "note,email\n\"say \"\"hi\"\", ok\",jane@example.com\n";
        let got = cells(text.as_bytes());
        assert_eq!(got[0], row(2, 2, "note", "say \"hi\", ok"));
        let line = text.lines().nth(1).expect("second line");
        let column = line.find("jane").expect("email on the line") as u64 + 1;
        assert_eq!(got[1], row(2, column, "email", "jane@example.com"));
    }

    #[test]
    fn semicolon_tab_and_pipe_are_sniffed() {
        for delimiter in [";", "\t", "|"] {
            let text = format!("a{delimiter}b\n1{delimiter}x, y\n2{delimiter}z, w\n");
            assert_eq!(
                sniff_delimiter(text.as_bytes()),
                Some(delimiter.as_bytes()[0])
            );
            let got = cells(text.as_bytes());
            assert_eq!(got[1], row(2, 3, "b", "x, y"), "delimiter {delimiter:?}");
        }
    }

    #[test]
    fn commas_inside_quotes_do_not_win_the_sniff() {
        let text = b"name;city\n\"Doe, Jane\";Paris\n\"Roe, Richard\";Lyon\n";
        assert_eq!(sniff_delimiter(text), Some(b';'));
    }

    #[test]
    fn file_without_header_gets_positional_fields() {
        let got = cells(b"1,jane@example.com,555-0100\n2,john@example.com,555-0101\n");
        assert_eq!(got[1], row(1, 3, "column_2", "jane@example.com"));
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn header_value_repeated_below_means_no_header() {
        assert!(!has_header(
            &csv::ByteRecord::from(vec!["F", "Paris"]),
            &[csv::ByteRecord::from(vec!["F", "Lyon"])]
        ));
        assert!(has_header(
            &csv::ByteRecord::from(vec!["gender", "city"]),
            &[csv::ByteRecord::from(vec!["F", "Lyon"])]
        ));
    }

    #[test]
    fn repeated_names_mean_no_header() {
        let rest = [csv::ByteRecord::from(vec!["1", "2", "3"])];
        let first = |names: Vec<&str>| csv::ByteRecord::from(names);
        assert!(!has_header(&first(vec!["name", "town", "name"]), &rest));
        assert!(has_header(&first(vec!["name", "town", "email"]), &rest));
    }

    #[test]
    fn latin1_is_decoded_not_skipped() {
        let got = cells(b"pr\xe9nom,ville\nFran\xe7ois,Orl\xe9ans\n");
        assert_eq!(got[0], row(2, 1, "prénom", "François"));
        assert_eq!(got[1].3, "Orléans");
    }

    #[test]
    fn ragged_rows_are_scanned() {
        let got = cells(b"a,b\n1\n2,3,x@example.com\n");
        assert_eq!(
            got,
            vec![
                row(2, 1, "a", "1"),
                row(3, 1, "a", "2"),
                row(3, 3, "b", "3"),
                row(3, 5, "column_3", "x@example.com")
            ]
        );
    }

    #[test]
    fn crlf_and_blank_lines_keep_line_numbers() {
        for end in ["\n", "\r\n"] {
            let text = [
                "email",
                "a@example.com",
                "",
                "",
                "\"b@\nexample.com\"",
                "c@example.com",
            ]
            .join(end);
            let lines: Vec<u64> = cells(text.as_bytes()).iter().map(|r| r.0).collect();
            assert_eq!(lines, [2, 5, 7], "line end {end:?}");
        }
    }

    #[test]
    fn bom_and_crlf_are_handled() {
        let got = cells(b"\xEF\xBB\xBFemail\r\na@example.com\r\n");
        assert_eq!(got, vec![row(2, 1, "email", "a@example.com")]);
    }

    #[test]
    fn sampling_stops_after_max_rows_and_says_so() {
        let mut sampling = Sampling::new(Some(2));
        let (got, result) = cells_with(b"n\na\nb\nc\nd\n", &mut sampling);
        assert!(result.is_ok());
        assert_eq!(got.len(), 2);
        assert!(sampling.was_cut(None));
        let mut all = Sampling::new(Some(4));
        cells_with(b"n\na\nb\nc\nd\n", &mut all).1.expect("reads");
        assert!(!all.was_cut(None));
    }

    #[test]
    fn title_notes_and_blank_rows_above_the_header_are_passed_over() {
        let text = b"Customer export,,\nby ops@example.com,,\n,,\nname,email,city\nJane Doe,jane@example.com,Paris\n";
        let got = cells(text);
        assert_eq!(got[0], row(1, 1, "column_1", "Customer export"));
        assert_eq!(got[1], row(2, 1, "column_1", "by ops@example.com"));
        assert_eq!(got[2], row(5, 1, "name", "Jane Doe"));
        assert_eq!(got[3], row(5, 10, "email", "jane@example.com"));
        assert_eq!(got.len(), 5, "the header row itself is not a value");
    }

    #[test]
    fn title_above_data_without_header_keeps_positional_fields() {
        let got = cells(b"Export\n1,jane@example.com,x\n2,john@example.com,y\n");
        assert_eq!(got[0], row(1, 1, "column_1", "Export"));
        assert_eq!(got[2], row(2, 3, "column_2", "jane@example.com"));
    }

    #[test]
    fn utf16_with_bom_is_decoded_and_split_into_fields() {
        for big_endian in [false, true] {
            let mut bytes = if big_endian {
                vec![0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE]
            };
            for unit in "prénom\temail\r\nZoë\tzoe@example.com\r\n".encode_utf16() {
                bytes.extend(if big_endian {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                });
            }
            let got = cells(&bytes);
            assert_eq!(
                got,
                vec![
                    row(2, 1, "prénom", "Zoë"),
                    row(2, 5, "email", "zoe@example.com")
                ],
                "big endian: {big_endian}"
            );
        }
    }

    #[test]
    fn unterminated_quote_reads_to_the_end() {
        let got = cells(b"a,b\n1,\"open\n2,x@example.com\n");
        assert_eq!(got[1].2, "b");
        assert!(got[1].3.contains("x@example.com"));
    }
}
