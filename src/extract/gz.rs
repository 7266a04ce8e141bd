//! gzip-compressed files (`.sql.gz`, `.log.gz`...), decompressed as a stream.
//!
//! The decompressed bytes are sniffed again, so a `.sql.gz` is scanned as SQL and a `.txt.gz`
//! as text; memory stays that of the inner extractor plus one decoder window. Every member of a
//! multi-member file (`cat a.gz b.gz`) is read. A corrupt or cut stream surfaces as a read error
//! from the inner extractor, after the cells decoded before it.

use std::io::{self, BufRead, BufReader};

use flate2::bufread::MultiGzDecoder;

use super::FileKind;
use super::text::SNIFF_LEN;

/// The two magic bytes that open every gzip member.
pub const MAGIC: [u8; 2] = [0x1F, 0x8B];

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

/// Decompresses `input` as it is read.
pub(crate) fn decompress(input: &mut dyn BufRead) -> BufReader<MultiGzDecoder<&mut dyn BufRead>> {
    BufReader::with_capacity(BUF_LEN, MultiGzDecoder::new(input))
}

/// The kind of the file `decoded` holds, sniffed from its first bytes and the name the file had
/// before compression (`None`: binary, unreadable). An error when the first bytes cannot be
/// decompressed.
pub(crate) fn sniff_inner(
    decoded: &mut impl BufRead,
    file_name: &str,
) -> io::Result<Option<FileKind>> {
    let head = decoded.fill_buf()?;
    Ok(FileKind::sniff(
        &head[..head.len().min(SNIFF_LEN)],
        inner_name(file_name),
    ))
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).expect("in-memory write");
        encoder.finish().expect("in-memory write")
    }

    /// The kind sniffed in `bytes` decompressed, and all they decompress to.
    fn run(bytes: &[u8], name: &str) -> (Option<FileKind>, io::Result<Vec<u8>>) {
        let mut input = bytes;
        let mut decoded = decompress(&mut input);
        let kind = sniff_inner(&mut decoded, name).unwrap_or(None);
        let mut all = Vec::new();
        let read = decoded.read_to_end(&mut all).map(|_| all);
        (kind, read)
    }

    #[test]
    fn inner_kind_is_sniffed_from_decompressed_bytes() {
        let sql = b"--\n-- PostgreSQL database dump\n--\n";
        let (kind, bytes) = run(&gzip(sql), "backup.sql.gz");
        assert_eq!(kind, Some(FileKind::Sql));
        assert_eq!(bytes.expect("valid gzip"), sql);
        let (kind, _) = run(&gzip(b"hello"), "notes.txt.gz");
        assert_eq!(kind, Some(FileKind::Text));
    }

    #[test]
    fn members_are_concatenated() {
        let mut bytes = gzip(b"one\n");
        bytes.extend(gzip(b"two\n"));
        assert_eq!(run(&bytes, "x.gz").1.unwrap(), b"one\ntwo\n");
    }

    #[test]
    fn cut_stream_is_a_read_error() {
        let bytes = gzip(&b"x@example.com\n".repeat(1000));
        let (_, result) = run(&bytes[..bytes.len() / 2], "x.gz");
        assert!(result.is_err());
    }

    #[test]
    fn inner_name_drops_only_the_gz_extension() {
        assert_eq!(inner_name("dump.sql.GZ"), "dump.sql");
        assert_eq!(inner_name("gz"), "gz");
        assert_eq!(inner_name("é.gz"), "é");
    }
}
