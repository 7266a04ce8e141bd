//! Plain text: UTF-8 (invalid bytes kept), or UTF-16 LE/BE when the file starts with a BOM.
//!
//! Text is read in blocks cut at line ends, so memory stays flat however large the file is,
//! and each block is one [`Cell`] starting at column 1 of its first line.

use std::io::BufRead;

use super::utf16::bom as utf16_bom;
use super::{Cell, ExtractError};

/// Size of the first block to sniff: a NUL byte in it marks the file as binary.
pub const SNIFF_LEN: usize = 8 * 1024;

/// Preferred size of a block handed to the detector.
const BLOCK_LEN: usize = 256 * 1024;

/// True when `head` (the first bytes of a file) looks like text: it starts with a UTF-16 byte
/// order mark, or holds no NUL byte.
pub fn is_text(head: &[u8]) -> bool {
    utf16_bom(head).is_some() || memchr::memchr(0, head).is_none()
}

/// Reads text from `input` and emits it in blocks of whole lines.
pub(crate) fn extract(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let head = input.fill_buf()?;
    if let Some(encoding) = utf16_bom(head) {
        let mut raw = Vec::new();
        input.read_to_end(&mut raw)?;
        let (decoded, _, _) = encoding.decode(&raw);
        emit_lines(decoded.as_bytes(), 1, emit);
        return Ok(());
    }
    extract_utf8(input, emit)
}

fn extract_utf8(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let mut block: Vec<u8> = Vec::with_capacity(BLOCK_LEN * 2);
    let mut line = 1u64;
    loop {
        let filled = fill_block(input, &mut block)?;
        if block.is_empty() {
            return Ok(());
        }
        let cut = if filled {
            memchr::memrchr(b'\n', &block)
                .map(|i| i + 1)
                .unwrap_or(block.len())
        } else {
            block.len()
        };
        line = emit_lines(&block[..cut], line, emit);
        block.drain(..cut);
        if !filled && block.is_empty() {
            return Ok(());
        }
    }
}

/// Appends to `block` until it holds at least [`BLOCK_LEN`] bytes and a line end past the
/// first byte, or the input ends. Returns false at end of input.
fn fill_block(input: &mut dyn BufRead, block: &mut Vec<u8>) -> std::io::Result<bool> {
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok(false);
        }
        let len = available.len();
        block.extend_from_slice(available);
        input.consume(len);
        if block.len() >= BLOCK_LEN && memchr::memrchr(b'\n', block).is_some() {
            return Ok(true);
        }
    }
}

/// Emits `text` as one cell starting at `line` and returns the line after it.
fn emit_lines(text: &[u8], line: u64, emit: &mut dyn FnMut(Cell<'_>)) -> u64 {
    if !text.is_empty() {
        emit(Cell::plain(text, line));
    }
    line + memchr::memchr_iter(b'\n', text).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(bytes: &[u8]) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut input = std::io::BufReader::with_capacity(4096, bytes);
        extract(&mut input, &mut |cell| {
            out.push((cell.line, String::from_utf8_lossy(cell.text).into_owned()))
        })
        .expect("in-memory read cannot fail");
        out
    }

    #[test]
    fn utf16le_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "a\nb@example.com".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(cells(&bytes), vec![(1, "a\nb@example.com".to_string())]);
    }

    #[test]
    fn nul_byte_marks_binary_but_bom_does_not() {
        assert!(!is_text(b"PK\x03\x04\x00\x00"));
        assert!(is_text(b"\xFF\xFEa\x00"));
        assert!(is_text(b"plain text"));
    }

    #[test]
    fn long_text_is_cut_at_line_ends_with_running_line_numbers() {
        let line = "x".repeat(99) + "\n";
        let text = line.repeat(10_000);
        let got = cells(text.as_bytes());
        assert!(got.len() > 1);
        let mut expected_line = 1;
        for (first_line, block) in &got {
            assert_eq!(*first_line, expected_line);
            assert!(block.ends_with('\n'));
            expected_line += block.matches('\n').count() as u64;
        }
        assert_eq!(expected_line, 10_001);
    }
}
