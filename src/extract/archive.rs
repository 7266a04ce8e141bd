//! Archives: zip (`.zip`) and tar (`.tar`, and `.tar.gz` / `.tgz` once gzip is undone). Every
//! member is read as a file of its own, shown in reports as `archive.zip!folder/member.csv`.
//!
//! Members are decompressed one at a time, as streams, and handed to the scan, which sniffs
//! and reads each like a file on disk. A member's size is checked against `--max-file-size`
//! before it is read, and again while it is read, since the size an archive declares can lie
//! (a zip bomb). Folders are not members; encrypted members, links and special files are
//! skipped with a reason, and a member the archive cannot give (an unsupported compression
//! method, damaged data) is an error of that member alone.

use std::io::{self, Read, Seek};

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

/// Calls `visit` with the name and content of each member of an archive, in its order.
pub type Visit<'v> = dyn FnMut(&str, Member<'_>) + 'v;

/// True for a zip archive's first bytes: a local file header, or the end record of an empty
/// archive.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// The compressed and archive formats piimap recognises but does not open, by their magic
/// bytes: the name a skip reason gives them.
const UNOPENED: [(&[u8], &str); 5] = [
    (b"7z\xBC\xAF\x27\x1C", "7-Zip archive"),
    (b"Rar!\x1A\x07", "RAR archive"),
    (b"\xFD7zXZ\x00", "xz-compressed file"),
    (b"\x28\xB5\x2F\xFD", "zstd-compressed file"),
    (b"BZh", "bzip2-compressed file"),
];

/// The name of the archive or compressed format `head` starts with, when piimap does not
/// open it (7-Zip, RAR, xz, zstd, bzip2).
pub fn unopened_format(head: &[u8]) -> Option<&'static str> {
    UNOPENED
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .filter(|(magic, _)| *magic != b"BZh" || is_bzip2(head))
        .map(|(_, name)| *name)
}

/// `BZh`, a block size digit, then the magic number of the first block.
fn is_bzip2(head: &[u8]) -> bool {
    head.len() >= 10
        && (b'1'..=b'9').contains(&head[3])
        && head[4..10] == *b"\x31\x41\x59\x26\x53\x59"
}

/// True for a tar archive's first block: POSIX (`ustar\0`) and GNU (`ustar  `) headers carry
/// `ustar` at byte 257. Old v7 archives, without it, are not recognised.
pub fn is_tar(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar")
}

/// Opens the zip archive in `source` and calls `visit` with each member. `max_size` bounds
/// each member's decompressed size. Fails only when the archive itself cannot be read (no
/// central directory, not a zip); members visited before stay visited.
pub fn each_zip_member(
    source: impl Read + Seek,
    max_size: u64,
    visit: &mut Visit<'_>,
) -> Result<(), ZipError> {
    let mut archive = ZipArchive::new(source)?;
    for entry in zip_entries(&archive, max_size)? {
        match entry.skip {
            Some(reason) => visit(&entry.name, Member::Skipped(reason)),
            None => match read_zip_member(&mut archive, entry.index, max_size) {
                Ok(mut member) => visit(&entry.name, Member::Readable(&mut member)),
                Err(reason) => visit(&entry.name, Member::Unreadable(reason)),
            },
        }
    }
    Ok(())
}

/// A file in a zip archive, as its central directory lists it.
pub struct ZipEntry {
    /// Its position in the archive.
    pub index: usize,
    /// Its path in the archive.
    pub name: String,
    /// Why it is not read (encrypted, a link, too large), or `None`.
    pub skip: Option<String>,
}

/// The files of `archive` (folders left out), with the reason each one not to read is
/// skipped for; `max_size` bounds the size a member may declare.
pub fn zip_entries<R: Read + Seek>(
    archive: &ZipArchive<R>,
    max_size: u64,
) -> Result<Vec<ZipEntry>, ZipError> {
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map_or_else(
            |_| String::from_utf8_lossy(entry.name_raw()).into_owned(),
            |name| name.into_owned(),
        );
        let skip = if entry.encrypted() {
            Some("encrypted member of a zip archive (not read)".to_string())
        } else if entry.is_symlink() {
            Some("symbolic link in a zip archive (not followed)".to_string())
        } else {
            too_large(entry.size(), max_size)
        };
        entries.push(ZipEntry { index, name, skip });
    }
    Ok(entries)
}

/// The decompressed bytes of the member at `index`, cut off with an error past `max_size`;
/// the reason when the archive cannot give them (an unsupported compression method).
pub fn read_zip_member<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    index: usize,
    max_size: u64,
) -> Result<impl Read + '_, String> {
    archive
        .by_index(index)
        .map(|member| SizeLimit::new(member, max_size))
        .map_err(|err| format!("cannot be read from the zip archive: {err}"))
}

/// Reads the tar archive streamed from `input` and calls `visit` with each member. Fails when
/// a header cannot be read (a damaged or cut archive); members visited before stay visited.
pub fn each_tar_member(
    input: &mut dyn Read,
    max_size: u64,
    visit: &mut Visit<'_>,
) -> io::Result<()> {
    let mut archive = tar::Archive::new(input);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = entry.path_bytes();
        let name = String::from_utf8_lossy(path.strip_prefix(b"./").unwrap_or(&path)).into_owned();
        let kind = entry.header().entry_type();
        let skip = if kind.is_dir() || kind.is_pax_global_extensions() {
            continue;
        } else if kind.is_symlink() || kind.is_hard_link() {
            Some("link in a tar archive (not followed)".to_string())
        } else if !(kind.is_file() || kind.is_contiguous() || kind.is_gnu_sparse()) {
            Some("special file in a tar archive (device or named pipe)".to_string())
        } else {
            too_large(entry.size(), max_size)
        };
        match skip {
            Some(reason) => visit(&name, Member::Skipped(reason)),
            None => visit(
                &name,
                Member::Readable(&mut SizeLimit::new(&mut entry, max_size)),
            ),
        }
    }
    Ok(())
}

/// The reason a zip-based file (a workbook, a document) is not read, if one of its parts
/// declares more than `max_size` decompressed bytes. The zip reader stops a part at the size
/// it declares, so the declared sizes bound what reading the file can cost: a few megabytes
/// can otherwise decompress into gigabytes of XML that a reader holds in memory.
pub fn oversized_part<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    max_size: u64,
) -> Option<String> {
    (0..archive.len()).find_map(|index| {
        let part = archive.by_index_data(index).ok()?;
        let name = String::from_utf8_lossy(part.name_raw());
        too_large(part.size(), max_size).map(|reason| format!("part {name}: {reason}"))
    })
}

/// The reason a member declaring `size` bytes is not read, if it is larger than `max_size`.
fn too_large(size: u64, max_size: u64) -> Option<String> {
    (size > max_size)
        .then(|| format!("larger than --max-file-size ({size} bytes > {max_size} bytes)"))
}

/// Reads up to `limit` bytes of `inner`, then fails if there are more: a member that
/// decompresses to more than it declared stops there.
struct SizeLimit<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R> SizeLimit<R> {
    fn new(inner: R, limit: u64) -> Self {
        SizeLimit {
            inner,
            left: limit,
            limit,
        }
    }
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
    use std::path::Path;

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

    /// What reading a member gave: its text, or the skip or error reason.
    fn content(member: Member<'_>) -> Result<String, String> {
        match member {
            Member::Readable(reader) => {
                let mut text = String::new();
                reader
                    .read_to_string(&mut text)
                    .map(|_| text)
                    .map_err(|err| err.to_string())
            }
            Member::Skipped(reason) | Member::Unreadable(reason) => Err(reason),
        }
    }

    /// Each member's name and [`content`] in the zip archive at `path`.
    fn visit_all(path: &Path, max_size: u64) -> Vec<(String, Result<String, String>)> {
        let mut seen = Vec::new();
        let file = std::fs::File::open(path).unwrap();
        each_zip_member(file, max_size, &mut |name, member| {
            seen.push((name.to_string(), content(member)));
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
                ("folder/a.csv".into(), Ok("email\nx@example.com\n".into())),
                ("b.txt".into(), Ok("hi".into())),
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
        assert_eq!(seen[1].1, Ok("ok".into()));
    }

    #[test]
    fn decompressing_past_the_limit_fails_whatever_the_archive_declares() {
        let mut limited = SizeLimit::new(&[b'a'; 100][..], 10);
        let mut bytes = Vec::new();
        let err = limited.read_to_end(&mut bytes).unwrap_err();
        assert_eq!(bytes.len(), 10);
        assert!(
            err.to_string().starts_with("decompresses to more than"),
            "{err}"
        );
        let mut exact = SizeLimit::new(&[b'a'; 10][..], 10);
        assert_eq!(exact.read_to_end(&mut Vec::new()).unwrap(), 10);
    }

    /// A tar archive as `tar cf - .` writes it: `./` before each name, a folder, a file, a
    /// symbolic link, a named pipe and a file over the limit.
    fn tar_archive() -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        let mut append = |name: &str, kind: tar::EntryType, data: &[u8]| {
            let mut header = tar::Header::new_ustar();
            header.set_entry_type(kind);
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            if kind.is_symlink() {
                header.set_link_name("a.csv").unwrap();
            }
            builder.append_data(&mut header, name, data).unwrap();
        };
        append("./folder/", tar::EntryType::Directory, b"");
        append(
            "./folder/a.csv",
            tar::EntryType::Regular,
            b"email\nx@example.com\n",
        );
        append("./link.csv", tar::EntryType::Symlink, b"");
        append("./pipe", tar::EntryType::Fifo, b"");
        append("./big.txt", tar::EntryType::Regular, &[b'a'; 100]);
        builder.into_inner().unwrap()
    }

    #[test]
    fn tar_members_are_files_and_links_and_devices_are_skipped() {
        let tar = tar_archive();
        assert!(is_tar(&tar));
        let mut seen = Vec::new();
        each_tar_member(&mut tar.as_slice(), 50, &mut |name, member| {
            seen.push((name.to_string(), content(member)));
        })
        .unwrap();
        let expected: [(&str, Result<&str, &str>); 4] = [
            ("folder/a.csv", Ok("email\nx@example.com\n")),
            ("link.csv", Err("link in a tar archive (not followed)")),
            (
                "pipe",
                Err("special file in a tar archive (device or named pipe)"),
            ),
            (
                "big.txt",
                Err("larger than --max-file-size (100 bytes > 50 bytes)"),
            ),
        ];
        let expected: Vec<(String, Result<String, String>)> = expected
            .iter()
            .map(|(name, content)| {
                let content = content.map(str::to_string).map_err(str::to_string);
                (name.to_string(), content)
            })
            .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_cut_tar_archive_fails_after_the_members_before_the_cut() {
        let tar = tar_archive();
        let mut names = Vec::new();
        let cut = &tar[..tar.len() - 1500];
        let result = each_tar_member(&mut &cut[..], 1 << 20, &mut |name, member| {
            if let Member::Readable(reader) = member {
                let _ = reader.read_to_end(&mut Vec::new());
            }
            names.push(name.to_string());
        });
        assert!(result.is_err(), "{names:?}");
        assert_eq!(names[0], "folder/a.csv");
    }

    #[test]
    fn formats_not_opened_are_named_by_their_magic_bytes() {
        assert_eq!(
            unopened_format(b"7z\xBC\xAF\x27\x1C\x00\x04"),
            Some("7-Zip archive")
        );
        assert_eq!(
            unopened_format(b"Rar!\x1A\x07\x01\x00"),
            Some("RAR archive")
        );
        let bzip2 = b"BZh91AY&SY\x00\x01";
        assert_eq!(unopened_format(bzip2), Some("bzip2-compressed file"));
        assert_eq!(unopened_format(b"BZh is a word\x00"), None);
        assert_eq!(unopened_format(b"\x00\x01\x02"), None);
    }

    #[test]
    fn a_file_that_is_not_an_archive_fails_to_open() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(b"PK\x03\x04 then nothing of a zip").unwrap();
        let reopened = std::fs::File::open(file.path()).unwrap();
        assert!(each_zip_member(reopened, 1 << 20, &mut |_, _| {}).is_err());
    }
}
