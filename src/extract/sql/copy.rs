//! The data block after PostgreSQL's `COPY table (columns) FROM stdin;`: one row per line,
//! fields separated by tabs, `\N` for NULL, backslash escapes, ended by a line holding `\.`.
//! See <https://www.postgresql.org/docs/current/sql-copy.html> ("Text Format").

use super::lexer::CHUNK_LEN;
use super::reader::Reader;
use crate::extract::{Cell, Escape, ExtractError};

/// Where the rows of one COPY block go.
pub(super) struct Block<'b> {
    /// `schema.table`, the cells' container.
    pub(super) table: &'b str,
    /// Column names in field order; fields past the end are named by position.
    pub(super) fields: &'b mut Vec<String>,
    /// Line of the COPY statement, for error messages.
    pub(super) start: u64,
    /// Asked once per row: false when `--sample-rows` leaves the row unscanned.
    pub(super) take_row: &'b mut dyn FnMut() -> bool,
}

/// How a field ended.
#[derive(PartialEq, Eq)]
enum End {
    Tab,
    Line,
    Input,
}

/// Reads rows from the line after the COPY statement through the `\.` line, emitting one cell
/// per non-null, non-empty field.
pub(super) fn extract(
    reader: &mut Reader<'_>,
    block: Block<'_>,
    text: &mut Vec<u8>,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let expected = block.fields.len();
    loop {
        let row_line = reader.line;
        if reader.peek()?.is_none() {
            return Err(malformed(
                row_line,
                format!(
                    "COPY block started at line {} has no end marker \\.",
                    block.start
                ),
            ));
        }
        if is_end_marker(reader)? {
            reader.skip_line()?;
            return Ok(());
        }
        let take = (block.take_row)();
        let count = row(reader, &block, take, text, emit)?;
        if expected > 0 && count != expected {
            return Err(malformed(
                row_line,
                format!(
                    "COPY row has {count} fields where {expected} columns were declared \
                     (block started at line {}; missing end marker \\.?)",
                    block.start
                ),
            ));
        }
    }
}

fn malformed(line: u64, reason: String) -> ExtractError {
    ExtractError::Malformed {
        line: Some(line),
        reason,
    }
}

fn is_end_marker(reader: &mut Reader<'_>) -> Result<bool, ExtractError> {
    Ok(reader.peek()? == Some(b'\\')
        && reader.peek_at(1)? == Some(b'.')
        && matches!(reader.peek_at(2)?, None | Some(b'\n' | b'\r')))
}

/// Reads one row (emitting its fields when `take`) and returns its number of fields.
fn row(
    reader: &mut Reader<'_>,
    block: &Block<'_>,
    take: bool,
    text: &mut Vec<u8>,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<usize, ExtractError> {
    let line = reader.line;
    let mut index = 0;
    let mut escapes = Vec::new();
    loop {
        let column = reader.column;
        let (end, null) = field(reader, text, &mut escapes, &mut |piece| {
            if take {
                emit_field(block, index, (piece, &[]), line, column, emit)
            }
        })?;
        if take && !null {
            emit_field(block, index, (text, &escapes), line, column, emit);
        }
        index += 1;
        if end != End::Tab {
            return Ok(index);
        }
    }
}

fn emit_field(
    block: &Block<'_>,
    index: usize,
    (text, escapes): (&[u8], &[Escape]),
    line: u64,
    column: u64,
    emit: &mut dyn FnMut(Cell<'_>),
) {
    if text.is_empty() {
        return;
    }
    let positional;
    let field = match block.fields.get(index) {
        Some(name) => name.as_str(),
        None => {
            positional = super::positional_name(index);
            positional.as_str()
        }
    };
    emit(Cell {
        text,
        line,
        column,
        container: Some(block.table),
        field: Some(field),
        locator: None,
        escapes,
    });
}

/// Reads one field into `text` and the escapes decoded in it into `escapes`, handing full
/// [`CHUNK_LEN`] pieces to `flush`. Returns how the field ended and whether it was `\N`.
fn field(
    reader: &mut Reader<'_>,
    text: &mut Vec<u8>,
    escapes: &mut Vec<Escape>,
    flush: &mut dyn FnMut(&[u8]),
) -> Result<(End, bool), ExtractError> {
    text.clear();
    escapes.clear();
    if reader.peek()? == Some(b'\\')
        && reader.peek_at(1)? == Some(b'N')
        && matches!(reader.peek_at(2)?, None | Some(b'\t' | b'\n'))
    {
        reader.advance(2);
        return Ok((finish(reader)?, true));
    }
    loop {
        if text.len() >= CHUNK_LEN {
            flush(text);
            text.clear();
            escapes.clear();
        }
        let Some(byte) = reader.peek()? else {
            return Ok((End::Input, false));
        };
        match byte {
            b'\t' | b'\n' => {
                if byte == b'\n' && text.last() == Some(&b'\r') {
                    text.pop();
                }
                return Ok((finish(reader)?, false));
            }
            b'\\' => {
                let (column, before) = (reader.column, text.len());
                escape(reader, text)?;
                // An escape is ASCII on one line; its byte may continue a UTF-8 sequence
                // (`\303\251` is é).
                let written = reader.column.saturating_sub(column);
                escapes.push(Escape::decoded(text, before, written));
            }
            _ => {
                let available = reader.available();
                let stop = memchr::memchr3(b'\t', b'\n', b'\\', available);
                let n = stop.unwrap_or(available.len());
                let n = n.min(CHUNK_LEN.saturating_sub(text.len()).max(1));
                text.extend_from_slice(&available[..n]);
                reader.advance(n);
            }
        }
    }
}

/// Steps over the tab or line end that ends a field and says which it was.
fn finish(reader: &mut Reader<'_>) -> Result<End, ExtractError> {
    let end = match reader.peek()? {
        Some(b'\t') => End::Tab,
        Some(_) => End::Line,
        None => End::Input,
    };
    reader.bump();
    Ok(end)
}

/// Decodes one backslash escape of COPY's text format.
fn escape(reader: &mut Reader<'_>, text: &mut Vec<u8>) -> Result<(), ExtractError> {
    let Some(code) = reader.peek_at(1)? else {
        reader.bump();
        return Ok(());
    };
    reader.advance(2);
    let decoded = match code {
        b'b' => 0x08,
        b'f' => 0x0C,
        // An escaped line break becomes a space: the row is still on one source line, and the
        // scan counts line breaks in a cell to place its findings.
        b'n' | b'r' => b' ',
        b't' => b'\t',
        b'v' => 0x0B,
        b'0'..=b'7' => octal(reader, code)?,
        b'x' => hex(reader)?.unwrap_or(b'x'),
        other => other,
    };
    text.push(decoded);
    Ok(())
}

fn octal(reader: &mut Reader<'_>, first: u8) -> Result<u8, ExtractError> {
    let mut value = u32::from(first - b'0');
    for _ in 0..2 {
        match reader.peek()? {
            Some(digit @ b'0'..=b'7') => {
                value = value * 8 + u32::from(digit - b'0');
                reader.bump();
            }
            _ => break,
        }
    }
    Ok((value & 0xFF) as u8)
}

fn hex(reader: &mut Reader<'_>) -> Result<Option<u8>, ExtractError> {
    let mut value: Option<u8> = None;
    for _ in 0..2 {
        let Some(digit) = reader.peek()?.and_then(|b| (b as char).to_digit(16)) else {
            break;
        };
        value = Some(value.unwrap_or(0) * 16 + digit as u8);
        reader.bump();
    }
    Ok(value)
}
