//! Zip archives (`.zip`): every member is read as a file of its own, shown in reports as
//! `archive.zip!folder/member.csv`.
//!
//! Members are decompressed one at a time, as streams, and handed to the scan, which sniffs
//! and reads each like a file on disk. A member's size is checked against `--max-file-size`
//! before it is read, and again while it is read, since the size an archive declares can lie
//! (a zip bomb). Folders are not members; encrypted members and links are skipped with a
//! reason, and a member the archive cannot give (an unsupported compression method, damaged
//! data) is an error of that member alone.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use zip::ZipArchive;
use zip::result::ZipError;

/// Between an archive's path and a member's name in reports: `export.zip!customers.csv`.
pub const MEMBER_SEPARATOR: char = '!';

/// What the scan is handed for each member of an archive.
pub enum Member<'a> {
    /// The member's decompressed bytes, cut off with an error past the size limit.
    Readable(&'a mut dyn Read),
    /// Not read, with the reason.
    Skipped(String),
    /// The archive cannot give the member's bytes, with the reason.
    Unreadable(String),
}

/// True for a zip archive's first bytes: a local file header, or the end record of an empty
/// archive.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// Opens the zip archive at `path` and calls `visit` with each member's name and content, in
/// the archive's order. `max_size` bounds each member's decompressed size. Fails only when
/// the archive itself cannot be opened (no central directory, not a zip).
pub fn each_member(
    path: &Path,
    max_size: u64,
    visit: &mut dyn FnMut(&str, Member<'_>),
) -> Result<(), ZipError> {
    let mut archive = ZipArchive::new(BufReader::new(File::open(path)?))?;
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index)?;
        let name = entry.name().map_or_else(
            |_| String::from_utf8_lossy(entry.name_raw()).into_owned(),
            |name| name.into_owned(),
        );
        if entry.is_dir() {
            continue;
        }
        let skip = if entry.encrypted() {
            Some("encrypted member of a zip archive (not read)".to_string())
        } else if entry.is_symlink() {
            Some("symbolic link in a zip archive (not followed)".to_string())
        } else if entry.size() > max_size {
            Some(format!(
                "larger than --max-file-size ({} bytes > {max_size} bytes)",
                entry.size()
            ))
        } else {
            None
        };
        if let Some(reason) = skip {
            visit(&name, Member::Skipped(reason));
            continue;
        }
        match archive.by_index(index) {
            Ok(member) => {
                let mut limited = SizeLimit {
                    inner: member,
                    left: max_size,
                    limit: max_size,
                };
                visit(&name, Member::Readable(&mut limited));
            }
            Err(err) => visit(
                &name,
                Member::Unreadable(format!("cannot be read from the zip archive: {err}")),
            ),
        }
    }
    Ok(())
}

/// Reads up to `limit` bytes of `inner`, then fails if there are more: a member that
/// decompresses to more than it declared stops there.
struct SizeLimit<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for SizeLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return match self.inner.read(&mut [0u8])? {
                0 => Ok(0),
                _ => Err(io::Error::other(format!(
                    "decompresses to more than --max-file-size ({} bytes); the rest is not read",
                    self.limit
                ))),
            };
        }
        let room = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let read = self.inner.read(&mut buf[..room])?;
        self.left -= read as u64;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    /// A zip archive at a temporary path holding `members` (name, bytes), plus a folder entry.
    fn archive(members: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let mut writer = zip::ZipWriter::new(file.as_file_mut());
        writer
            .add_directory("folder/", SimpleFileOptions::default())
            .unwrap();
        for (name, bytes) in members {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap();
        file
    }

    /// Each member's name and what reading it gave: its bytes, or the skip or error reason.
    fn visit_all(path: &Path, max_size: u64) -> Vec<(String, Result<Vec<u8>, String>)> {
        let mut seen = Vec::new();
        each_member(path, max_size, &mut |name, member| {
            let content = match member {
                Member::Readable(reader) => {
                    let mut bytes = Vec::new();
                    reader
                        .read_to_end(&mut bytes)
                        .map(|_| bytes)
                        .map_err(|err| err.to_string())
                }
                Member::Skipped(reason) | Member::Unreadable(reason) => Err(reason),
            };
            seen.push((name.to_string(), content));
        })
        .unwrap();
        seen
    }

    #[test]
    fn members_are_read_in_order_and_folders_left_out() {
        let zip = archive(&[
            ("folder/a.csv", b"email\nx@example.com\n"),
            ("b.txt", b"hi"),
        ]);
        let seen = visit_all(zip.path(), 1 << 20);
        assert_eq!(
            seen,
            vec![
                (
                    "folder/a.csv".into(),
                    Ok(b"email\nx@example.com\n".to_vec())
                ),
                ("b.txt".into(), Ok(b"hi".to_vec())),
            ]
        );
    }

    #[test]
    fn a_member_over_the_size_limit_is_skipped() {
        let zip = archive(&[("big.txt", &[b'a'; 100]), ("small.txt", b"ok")]);
        let seen = visit_all(zip.path(), 10);
        assert_eq!(
            seen[0].1,
            Err("larger than --max-file-size (100 bytes > 10 bytes)".into())
        );
        assert_eq!(seen[1].1, Ok(b"ok".to_vec()));
    }

    #[test]
    fn decompressing_past_the_limit_fails_whatever_the_archive_declares() {
        let mut limited = SizeLimit {
            inner: &[b'a'; 100][..],
            left: 10,
            limit: 10,
        };
        let mut bytes = Vec::new();
        let err = limited.read_to_end(&mut bytes).unwrap_err();
        assert_eq!(bytes.len(), 10);
        assert!(
            err.to_string().starts_with("decompresses to more than"),
            "{err}"
        );
        let mut exact = SizeLimit {
            inner: &[b'a'; 10][..],
            left: 10,
            limit: 10,
        };
        assert_eq!(exact.read_to_end(&mut Vec::new()).unwrap(), 10);
    }

    #[test]
    fn a_file_that_is_not_an_archive_fails_to_open() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(b"PK\x03\x04 then nothing of a zip").unwrap();
        assert!(each_member(file.path(), 1 << 20, &mut |_, _| {}).is_err());
    }
}
