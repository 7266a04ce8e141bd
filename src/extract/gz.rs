//! gzip-compressed files (`.sql.gz`, `.log.gz`...), decompressed as a stream.
//!
//! The decompressed bytes are sniffed again, so a `.sql.gz` is scanned as SQL and a `.txt.gz`
//! as text; memory stays that of the inner extractor plus one decoder window. Every member of a
//! multi-member file (`cat a.gz b.gz`) is read. A corrupt or cut stream surfaces as a read error
//! from the inner extractor, after the cells decoded before it.

use std::io::{BufRead, BufReader};

use flate2::bufread::MultiGzDecoder;

use super::text::SNIFF_LEN;
use super::{ExtractError, FileKind};

/// The two magic bytes that open every gzip member.
pub const MAGIC: [u8; 2] = [0x1F, 0x8B];

/// Runs the extractor of the sniffed kind (`None`: binary, unreadable) over decompressed bytes.
pub(crate) type Inner<'a> =
    dyn FnMut(Option<FileKind>, &mut dyn BufRead) -> Result<(), ExtractError> + 'a;

/// Size of the buffer holding decompressed bytes.
const BUF_LEN: usize = 64 * 1024;

/// True when `head` starts with the gzip magic bytes.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&MAGIC)
}

/// The file's name before compression: `dump.sql.gz` -> `dump.sql`.
pub fn inner_name(file_name: &str) -> &str {
    let len = file_name.len();
    match file_name.get(len.saturating_sub(3)..) {
        Some(ext) if ext.eq_ignore_ascii_case(".gz") => &file_name[..len - 3],
        _ => file_name,
    }
}

/// Decompresses `input`, sniffs the kind of the decompressed bytes (with the name the file had
/// before compression), and hands both to `inner`, which runs that kind's extractor.
pub(crate) fn extract(
    input: &mut dyn BufRead,
    file_name: &str,
    inner: &mut Inner<'_>,
) -> Result<(), ExtractError> {
    let mut decoded = BufReader::with_capacity(BUF_LEN, MultiGzDecoder::new(input));
    let head = decoded.fill_buf()?;
    let kind = FileKind::sniff(&head[..head.len().min(SNIFF_LEN)], inner_name(file_name));
    inner(kind, &mut decoded)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).expect("in-memory write");
        encoder.finish().expect("in-memory write")
    }

    fn run(bytes: &[u8], name: &str) -> (Option<FileKind>, Vec<u8>, Result<(), ExtractError>) {
        let mut seen = (None, Vec::new());
        let mut input = bytes;
        let result = extract(&mut input, name, &mut |kind, inner| {
            seen.0 = kind;
            inner.read_to_end(&mut seen.1)?;
            Ok(())
        });
        (seen.0, seen.1, result)
    }

    #[test]
    fn inner_kind_is_sniffed_from_decompressed_bytes() {
        let sql = b"--\n-- PostgreSQL database dump\n--\n";
        let (kind, bytes, result) = run(&gzip(sql), "backup.sql.gz");
        result.expect("valid gzip");
        assert_eq!(kind, Some(FileKind::Sql));
        assert_eq!(bytes, sql);
        let (kind, _, _) = run(&gzip(b"hello"), "notes.txt.gz");
        assert_eq!(kind, Some(FileKind::Text));
    }

    #[test]
    fn members_are_concatenated() {
        let mut bytes = gzip(b"one\n");
        bytes.extend(gzip(b"two\n"));
        assert_eq!(run(&bytes, "x.gz").1, b"one\ntwo\n");
    }

    #[test]
    fn cut_stream_is_a_read_error() {
        let bytes = gzip(&b"x@example.com\n".repeat(1000));
        let (_, _, result) = run(&bytes[..bytes.len() / 2], "x.gz");
        assert!(matches!(result, Err(ExtractError::Io(_))), "{result:?}");
    }

    #[test]
    fn inner_name_drops_only_the_gz_extension() {
        assert_eq!(inner_name("dump.sql.GZ"), "dump.sql");
        assert_eq!(inner_name("gz"), "gz");
        assert_eq!(inner_name("é.gz"), "é");
    }
}
