//! Opening what holds files: gzip-compressed files and zip and tar archives. Each member of
//! an archive is scanned as a file of its own, named `archive!member`, from the stream the
//! archive reader hands over; an archive inside an archive is opened too, down to
//! [`MAX_ARCHIVE_DEPTH`] levels.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek};
use std::path::Path;

use rayon::prelude::*;
use zip::ZipArchive;

use super::{FilePlace, Outcome, ScanContext, scan_kind, scan_stream};
use crate::extract::archive::{self, Member, ZipEntry};
use crate::extract::sql::{self, Schemas};
use crate::extract::{self, FileKind, unless_panic};
use crate::walk::{Origin, SourceFile};

/// How many archives and compressed files deep a file is still opened: a zip in a `.tar.gz`
/// in a zip is read, anything inside it is not.
const MAX_ARCHIVE_DEPTH: u8 = 4;

/// The outcome of a gzip-compressed file or archive nested deeper than [`MAX_ARCHIVE_DEPTH`]
/// levels in others, which is not opened.
fn too_deep(kind: FileKind, place: &FilePlace<'_>) -> Option<Outcome> {
    (place.depth >= MAX_ARCHIVE_DEPTH).then(|| {
        Outcome::Skipped(format!(
            "{kind} file nested more than {MAX_ARCHIVE_DEPTH} archives or compressed files \
             deep (not opened)"
        ))
    })
}

/// Scans the members of the tar archive streamed from `input`.
pub(super) fn scan_tar(
    file: &SourceFile,
    input: &mut dyn BufRead,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    scan_streamed(
        file,
        FileKind::Tar,
        place,
        context,
        &mut |visit, max_size| {
            archive::each_tar_member(input, max_size, visit)
                .map_err(|err| format!("tar archive cannot be read: {err}"))
        },
    )
}

/// Scans the members that `read` hands over from a `kind` file read as a stream, given the
/// size limit, unless the file is nested too deep. Such members get no schema files: a dump
/// cannot look back for one that came before it.
fn scan_streamed(
    file: &SourceFile,
    kind: FileKind,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
    read: &mut dyn FnMut(&mut archive::Visit<'_>, u64) -> Result<(), String>,
) -> Outcome {
    if let Some(skipped) = too_deep(kind, &place) {
        return skipped;
    }
    let max_size = context.config.walk.max_file_size;
    let schemas = ArchiveSchemas::default();
    scan_members(file, kind, (place, &schemas), context, &mut |visit| {
        read(visit, max_size)
    })
}

/// Scans the headers and parts of the e-mail message read from `input`, in memory up to
/// `--max-file-size`, each part as a file of its own.
pub(super) fn scan_email(
    file: &SourceFile,
    input: &mut dyn BufRead,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    scan_streamed(
        file,
        FileKind::Email,
        place,
        context,
        &mut |visit, max_size| {
            let mut bytes = Vec::new();
            input
                .take(max_size + 1)
                .read_to_end(&mut bytes)
                .map_err(|err| format!("read failed: {err}"))?;
            if bytes.len() as u64 > max_size {
                return Err(format!(
                    "e-mail message larger than --max-file-size ({max_size} bytes), which is \
                     read in memory"
                ));
            }
            extract::email::each_part(&bytes, visit)
        },
    )
}

/// Scans each message of the mailbox streamed from `input` as an e-mail message of its own,
/// holding one message in memory at a time.
pub(super) fn scan_mailbox(
    file: &SourceFile,
    input: &mut dyn BufRead,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    scan_streamed(
        file,
        FileKind::Mailbox,
        place,
        context,
        &mut |visit, max_size| {
            extract::email::each_message(input, max_size, visit)
                .map_err(|err| format!("mailbox cannot be read: {err}"))
        },
    )
}

/// Undoes gzip and scans what it holds, under the compressed file's name.
pub(super) fn scan_gzip(
    file: &SourceFile,
    input: &mut dyn BufRead,
    mut place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    if let Some(skipped) = too_deep(FileKind::Gzip, &place) {
        return skipped;
    }
    let mut decoded = extract::gz::decompress(input);
    let kind = match extract::gz::sniff_inner(&mut decoded, &file.display) {
        Ok(Some(kind)) => kind,
        Ok(None) => {
            return Outcome::Failed("gzip holds a binary file in no format piimap reads".into());
        }
        Err(err) => return Outcome::Failed(format!("read failed: {err}")),
    };
    // A compressed dump on disk reads the schema files beside it, as it would uncompressed.
    let beside = match (&file.origin, kind) {
        (Origin::File(path), FileKind::Sql) => Some(extract::sql::sibling_schemas(path)),
        _ => None,
    };
    let streamed = SourceFile {
        origin: Origin::Stdin,
        ..file.clone()
    };
    let schemas = beside.as_ref().or(place.schemas);
    scan_kind(
        &streamed,
        kind,
        &mut decoded,
        place.within(schemas),
        context,
    )
}

/// Scans the members of a zip archive: read from its path when it is a file on disk, else
/// (inside another archive, gzip-compressed, on standard input) from memory, up to
/// `--max-file-size`.
pub(super) fn scan_zip(
    file: &SourceFile,
    input: &mut dyn BufRead,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    if let Some(skipped) = too_deep(FileKind::Zip, &place) {
        return skipped;
    }
    let max_size = context.config.walk.max_file_size;
    if let (Origin::File(path), 0) = (&file.origin, place.depth) {
        if context.outlet.in_order.is_none() {
            return scan_zip_in_parallel(file, path, place, context);
        }
        let opened = match File::open(path) {
            Ok(opened) => opened,
            Err(err) => return Outcome::Failed(format!("cannot open: {err}")),
        };
        let schemas = ArchiveSchemas::of_zip(BufReader::new(&opened), max_size);
        return scan_members(
            file,
            FileKind::Zip,
            (place, &schemas),
            context,
            &mut |visit| {
                archive::each_zip_member(BufReader::new(&opened), max_size, visit)
                    .map_err(zip_unreadable)
            },
        );
    }
    let mut bytes = Vec::new();
    if let Err(err) = input.take(max_size + 1).read_to_end(&mut bytes) {
        return Outcome::Failed(format!("read failed: {err}"));
    }
    if bytes.len() as u64 > max_size {
        return Outcome::Skipped(format!(
            "zip archive larger than --max-file-size ({max_size} bytes); one inside another \
             file is read in memory"
        ));
    }
    let schemas = ArchiveSchemas::of_zip(io::Cursor::new(&bytes), max_size);
    scan_members(
        file,
        FileKind::Zip,
        (place, &schemas),
        context,
        &mut |visit| {
            archive::each_zip_member(io::Cursor::new(&bytes), max_size, visit)
                .map_err(zip_unreadable)
        },
    )
}

/// Scans the members of the zip archive at `path` on all worker threads, each thread with an
/// archive reader of its own. Member `n`'s batches are numbered from `(n + 1) << 32`, so the
/// report keeps them in archive order whichever thread finishes first; findings streamed as
/// NDJSON, which must leave in order as they come, take the one-thread path instead.
fn scan_zip_in_parallel(
    file: &SourceFile,
    path: &Path,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    let max_size = context.config.walk.max_file_size;
    let open = || -> Result<ZipArchive<BufReader<File>>, String> {
        let opened = File::open(path).map_err(|err| format!("cannot open: {err}"))?;
        ZipArchive::new(BufReader::new(opened)).map_err(zip_unreadable)
    };
    let entries = match open()
        .and_then(|archive| archive::zip_entries(&archive, max_size).map_err(zip_unreadable))
    {
        Ok(entries) => entries,
        Err(reason) => return Outcome::Failed(reason),
    };
    // Schema files give their column names even when `--exclude` leaves them out.
    let schemas = open().map_or_else(
        |_| ArchiveSchemas::default(),
        |mut archive| ArchiveSchemas::read(&mut archive, &entries, max_size),
    );
    let listed = entries.len();
    let entries: Vec<ZipEntry> = entries
        .into_iter()
        .filter(|entry| !context.excluded_members.excludes(&entry.name))
        .collect();
    if entries.is_empty() {
        return empty(FileKind::Zip, listed);
    }
    let (index, depth) = (place.index, place.depth + 1);
    let members = entries
        .into_par_iter()
        .enumerate()
        .map_init(open, |reader, (number, entry)| {
            let display = member_display(file, &entry.name);
            let mut batches = (number as u64 + 1) << 32;
            let beside = schemas.beside(&entry.name);
            let member_place = FilePlace {
                index,
                batches: &mut batches,
                depth,
                schemas: beside.as_ref(),
            };
            let outcome = match (entry.skip, reader.as_mut()) {
                (Some(reason), _) => Outcome::Skipped(reason),
                (None, Err(reason)) => Outcome::Failed(reason.clone()),
                (None, Ok(archive)) => {
                    scan_zip_member(&display, archive, entry.index, member_place, context)
                }
            };
            (display, outcome)
        })
        .collect();
    Outcome::Archive(members)
}

/// Scans the member at `index` of `archive`, shown as `display`; a panic while it is read is
/// its error.
fn scan_zip_member(
    display: &str,
    archive: &mut ZipArchive<BufReader<File>>,
    index: usize,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    let max_size = context.config.walk.max_file_size;
    let scan = || match archive::read_zip_member(archive, index, max_size) {
        Ok(reader) => scan_member(display, Box::new(reader), place, context),
        Err(reason) => Outcome::Failed(reason),
    };
    unless_panic(FileKind::Zip, scan).unwrap_or_else(Outcome::Failed)
}

/// Scans the decompressed bytes of an archive's member, shown as `display`.
fn scan_member(
    display: &str,
    reader: Box<dyn Read + '_>,
    place: FilePlace<'_>,
    context: &ScanContext<'_>,
) -> Outcome {
    let member = SourceFile {
        display: display.to_string(),
        origin: Origin::Stdin,
        size: 0,
    };
    scan_stream(&member, reader, place, context)
}

/// The outcome of an archive without files to scan: none at all, or `excluded` that
/// `--exclude` leaves out.
fn empty(kind: FileKind, excluded: usize) -> Outcome {
    if excluded > 0 {
        return Outcome::Skipped(format!(
            "{kind} archive: --exclude leaves out every file in it ({excluded})"
        ));
    }
    Outcome::Skipped(format!("{kind} archive with no files in it"))
}

/// The error of a zip archive whose directory cannot be read.
fn zip_unreadable(err: zip::result::ZipError) -> String {
    format!("zip archive cannot be read: {err}")
}

/// How a member is named in reports: `archive.zip!folder/member.csv`.
fn member_display(archive: &SourceFile, member: &str) -> String {
    format!("{}{}{member}", archive.display, archive::MEMBER_SEPARATOR)
}

/// Scans each member an archive reader hands to its visitor as a file of its own, named
/// `archive!member` in reports. An archive that fails after some members keeps them, and the
/// archive itself is listed with the error.
fn scan_members(
    file: &SourceFile,
    kind: FileKind,
    (mut place, schemas): (FilePlace<'_>, &ArchiveSchemas),
    context: &ScanContext<'_>,
    read: &mut dyn FnMut(&mut archive::Visit<'_>) -> Result<(), String>,
) -> Outcome {
    let mut members = Vec::new();
    let mut excluded = 0;
    let mut visit = |name: &str, member: Member<'_>| {
        if context.excluded_members.excludes(name) {
            excluded += 1;
            return;
        }
        let display = member_display(file, name);
        let outcome = match member {
            Member::Skipped(reason) => Outcome::Skipped(reason),
            Member::Unreadable(reason) => Outcome::Failed(reason),
            Member::Readable(reader) => {
                let beside = schemas.beside(name);
                let member_place = place.within(beside.as_ref());
                scan_member(&display, Box::new(reader), member_place, context)
            }
        };
        members.push((display, outcome));
    };
    let failure = match unless_panic(kind, || read(&mut visit)) {
        Ok(Ok(())) => None,
        Ok(Err(reason)) => Some(reason),
        Err(reason) => Some(format!("{reason}; members before it are kept")),
    };
    match failure {
        None if members.is_empty() => empty(kind, excluded),
        None => Outcome::Archive(members),
        Some(reason) if members.is_empty() => Outcome::Failed(reason),
        Some(reason) => {
            members.push((file.display.clone(), Outcome::Failed(reason)));
            Outcome::Archive(members)
        }
    }
}

/// The schema files of an archive (see [`extract::sql::is_schema_file`]) and the tables each
/// defines, so that a data-only dump in the archive gets the column names of the schema files
/// in its folder, as one on disk does.
#[derive(Default)]
struct ArchiveSchemas(Vec<(String, Schemas)>);

impl ArchiveSchemas {
    /// Reads the schema files of the zip archive in `source`; none when it cannot be opened
    /// (its members then fail on their own).
    fn of_zip(source: impl Read + Seek, max_size: u64) -> Self {
        let Ok(mut zip) = ZipArchive::new(source) else {
            return ArchiveSchemas::default();
        };
        match archive::zip_entries(&zip, max_size) {
            Ok(entries) => ArchiveSchemas::read(&mut zip, &entries, max_size),
            Err(_) => ArchiveSchemas::default(),
        }
    }

    /// Reads the schema files among `entries`, members of `zip`, up to
    /// [`sql::MAX_SCHEMA_FILE`] each.
    fn read<R: Read + Seek>(zip: &mut ZipArchive<R>, entries: &[ZipEntry], max_size: u64) -> Self {
        let limit = max_size.min(sql::MAX_SCHEMA_FILE);
        let schema_files = entries
            .iter()
            .filter(|entry| entry.skip.is_none() && sql::is_schema_file(file_name(&entry.name)));
        let mut read = Vec::new();
        for entry in schema_files {
            if let Ok(member) = archive::read_zip_member(zip, entry.index, limit) {
                let tables = sql::schemas_in(&mut BufReader::new(member));
                read.push((entry.name.clone(), tables));
            }
        }
        ArchiveSchemas(read)
    }

    /// The tables that the schema files in `member`'s folder other than `member` define, or
    /// `None` when there are none.
    fn beside(&self, member: &str) -> Option<Schemas> {
        let folder = folder(member);
        let mut beside = self
            .0
            .iter()
            .filter(|(name, _)| name != member && self::folder(name) == folder)
            .peekable();
        beside.peek()?;
        Some(beside.flat_map(|(_, tables)| tables.clone()).collect())
    }
}

/// The folder of an archive member's name: `dumps/` for `dumps/data.sql`, empty at the top.
fn folder(name: &str) -> &str {
    name.rfind('/').map_or("", |slash| &name[..=slash])
}

/// An archive member's name without its folder.
fn file_name(name: &str) -> &str {
    &name[folder(name).len()..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(table: &str) -> Schemas {
        Schemas::from([(table.to_string(), vec!["email".to_string()])])
    }

    #[test]
    fn a_member_gets_the_schemas_of_its_own_folder_but_not_its_own() {
        let schemas = ArchiveSchemas(vec![
            ("crm/crm-schema.sql".into(), tables("customer")),
            ("shop/shop-schema.sql".into(), tables("orders")),
        ]);
        assert_eq!(schemas.beside("crm/crm-data.sql"), Some(tables("customer")));
        assert_eq!(schemas.beside("crm-data.sql"), None);
        assert_eq!(schemas.beside("crm/crm-schema.sql"), None);
        assert_eq!(schemas.beside("crm/old/data.sql"), None);
    }

    #[test]
    fn member_names_split_into_folder_and_file_name() {
        assert_eq!(folder("crm/old/data.sql"), "crm/old/");
        assert_eq!(file_name("crm/old/data.sql"), "data.sql");
        assert_eq!(folder("data.sql"), "");
        assert_eq!(file_name("data.sql"), "data.sql");
    }
}
