//! Stage 1 of the flow: **walk**. Turns the paths a user gave into a sorted list of files.
//!
//! Every entry under a root ends in exactly one of three lists: files to scan, files skipped
//! with a reason (not a regular file, a symlink not followed, over the size limit, a version
//! control folder such as `.git` with the number of files it holds), or errors (a directory
//! that cannot be listed, a symlink loop). Excluded paths (`--exclude`, the root's
//! `.piimapignore`, with `--gitignore` the repository's `.gitignore` files) are left out on the
//! user's request; so are files named directly (by pre-commit or `--stdin-paths`) that
//! `--exclude` or `./.piimapignore` match. A named path that does not exist (a file deleted in
//! the diff being checked) is skipped. Paths are shown without a leading `./`, so `piimap scan`
//! and `piimap scan src/a.txt` name a file alike and its fingerprints match. Sorting makes the
//! report the same at any thread count.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::WalkBuilder;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::OverrideBuilder;

/// File name of the per-root ignore file, in gitignore syntax.
pub const IGNORE_FILE: &str = ".piimapignore";

/// Where the bytes of a source come from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (the path `-`).
    Stdin,
}

/// One file to scan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// Path as walked from the root the user gave, as shown in the report.
    pub display: String,
    /// Where to read it from.
    pub origin: Origin,
    /// Size in bytes when known (0 for standard input).
    pub size: u64,
}

/// A path that was not scanned, or not to the end, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct FileNote {
    /// The path as walked.
    pub path: String,
    /// Why it was not scanned (or could not be read to the end).
    pub reason: String,
}

/// What walking the roots produced.
#[derive(Debug, Default)]
pub struct Walked {
    /// Regular files to scan, sorted by path.
    pub files: Vec<SourceFile>,
    /// Entries deliberately not scanned.
    pub skipped: Vec<FileNote>,
    /// Entries that could not be walked.
    pub errors: Vec<FileNote>,
}

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Gitignore-style globs to leave out.
    pub excludes: Vec<String>,
    /// Files larger than this are skipped.
    pub max_file_size: u64,
    /// Follow symbolic links (loops are detected and reported).
    pub follow_links: bool,
    /// Leave out what `.gitignore` files and `.git/info/exclude` leave out, inside a git
    /// repository (not the user's global excludes: a scan must not depend on the machine).
    pub gitignore: bool,
    /// Files of piimap's own that this run writes or reads (its report, its baseline).
    pub own_files: Vec<OwnFile>,
}

/// A file this run writes or reads as piimap's own, such as its `--output` report. Found
/// under a root it is skipped: it holds this run's findings (masked) and piimap's rule ids as
/// field names, not data, and a report being streamed would be read while it grows.
#[derive(Debug, Clone)]
pub struct OwnFile {
    /// The path as given.
    pub path: PathBuf,
    /// Why it is not scanned, as the report shows it.
    pub reason: &'static str,
}

/// The [`OwnFile`]s that exist, resolved once per walk.
struct OwnFiles(Vec<(PathBuf, &'static str)>);

impl OwnFiles {
    /// Resolves the files that exist; a report not written yet cannot be walked over.
    fn resolve(files: &[OwnFile]) -> Self {
        OwnFiles(
            files
                .iter()
                .filter_map(|own| Some((own.path.canonicalize().ok()?, own.reason)))
                .collect(),
        )
    }

    /// Why `path` is not scanned, when it is one of the files. Only a path whose file name
    /// matches one of them is resolved, so the walk costs no extra system call per file.
    fn reason_for(&self, path: &Path) -> Option<&'static str> {
        let name = path.file_name()?;
        let mut candidates = self
            .0
            .iter()
            .filter(|(own, _)| own.file_name() == Some(name))
            .peekable();
        candidates.peek()?;
        let resolved = path.canonicalize().ok()?;
        candidates
            .find(|(own, _)| *own == resolved)
            .map(|(_, reason)| *reason)
    }
}

/// An `--exclude` glob that cannot be compiled.
#[derive(Debug, thiserror::Error)]
#[error("invalid --exclude glob {glob:?}: {reason}")]
pub struct WalkError {
    /// The glob as given.
    pub glob: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Walks every root and sorts what it finds.
pub fn walk(roots: &[PathBuf], options: &WalkOptions) -> Result<Walked, WalkError> {
    let mut walked = Walked::default();
    let own = OwnFiles::resolve(&options.own_files);
    let mut named_filter = None;
    for root in roots {
        if root.as_os_str() == "-" {
            walked.files.push(SourceFile {
                display: "-".into(),
                origin: Origin::Stdin,
                size: 0,
            });
            continue;
        }
        match std::fs::symlink_metadata(root) {
            Err(_) => {
                walked.skipped.push(FileNote {
                    path: display(root),
                    reason: "no such file or directory (deleted?)".into(),
                });
                continue;
            }
            Ok(meta) if !meta.is_dir() => {
                let filter = match &named_filter {
                    Some(filter) => filter,
                    None => named_filter.insert(named_file_filter(&options.excludes)?),
                };
                if filter.matched_path_or_any_parents(root, false).is_ignore() {
                    continue;
                }
            }
            Ok(_) => {}
        }
        walk_root(root, options, &own, &mut walked)?;
    }
    walked.files.sort();
    walked.files.dedup();
    walked.skipped.sort();
    walked.errors.sort();
    Ok(walked)
}

fn walk_root(
    root: &Path,
    options: &WalkOptions,
    own: &OwnFiles,
    walked: &mut Walked,
) -> Result<(), WalkError> {
    let mut builder = WalkBuilder::new(root);
    let vcs_folders = Arc::new(Mutex::new(Vec::new()));
    let pruned = Arc::clone(&vcs_folders);
    builder
        .standard_filters(false)
        .git_ignore(options.gitignore)
        .git_exclude(options.gitignore)
        .parents(options.gitignore)
        .add_custom_ignore_filename(IGNORE_FILE)
        .follow_links(options.follow_links)
        .overrides(excludes(root, &options.excludes)?)
        .filter_entry(move |entry| {
            let is_vcs = entry.depth() > 0 && is_vcs_folder(entry);
            if is_vcs {
                let mut folders = pruned.lock().unwrap_or_else(PoisonError::into_inner);
                folders.push(entry.path().to_path_buf());
            }
            !is_vcs
        });
    for entry in builder.build() {
        match entry {
            Ok(entry) => classify(entry, options, own, walked),
            Err(err) => walked.errors.push(FileNote {
                path: error_path(&err).unwrap_or_else(|| root.display().to_string()),
                reason: err.to_string(),
            }),
        }
    }
    let folders = std::mem::take(&mut *vcs_folders.lock().unwrap_or_else(PoisonError::into_inner));
    for folder in folders {
        walked.skipped.push(FileNote {
            path: display(&folder),
            reason: format!(
                "version control metadata, not scanned: {} file(s) (name the folder to scan it)",
                count_files(&folder)
            ),
        });
    }
    Ok(())
}

/// True for a folder where a version control system keeps its own data (`.git`, `.hg`,
/// `.svn`): object stores and logs of who committed what, which is no data of the project and
/// would make every checkout report its committers' addresses.
fn is_vcs_folder(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_dir())
        && VCS_FOLDERS.iter().any(|name| entry.file_name() == *name)
}

/// Folder names of version control data, left out of a walk unless named as a root.
const VCS_FOLDERS: [&str; 3] = [".git", ".hg", ".svn"];

/// Regular files under `folder`, for the note saying they were not scanned.
fn count_files(folder: &Path) -> usize {
    WalkBuilder::new(folder)
        .standard_filters(false)
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .count()
}

/// Matches files named directly against `--exclude` and the working directory's
/// `.piimapignore` (the walk itself does not filter the roots it is given).
fn named_file_filter(globs: &[String]) -> Result<Gitignore, WalkError> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut builder = GitignoreBuilder::new(&cwd);
    // A missing or partly unreadable ignore file filters nothing (or less), as in the walk.
    let _ = builder.add(cwd.join(IGNORE_FILE));
    for glob in globs {
        builder.add_line(None, glob).map_err(|err| WalkError {
            glob: glob.clone(),
            reason: err.to_string(),
        })?;
    }
    builder.build().map_err(|err| WalkError {
        glob: globs.join(" "),
        reason: err.to_string(),
    })
}

/// What leaves out the members of archives and e-mail messages: the globs of `--exclude` and
/// the working directory's `.piimapignore`, as for files named directly, each archive read as
/// if it were a folder: `*.log` leaves out `logs/app.log` in `exports.zip`, and `logs/` every
/// member under that folder.
#[derive(Debug)]
pub struct MemberFilter(Gitignore);

impl MemberFilter {
    /// Compiles `globs` and reads `./.piimapignore`.
    pub fn new(globs: &[String]) -> Result<Self, WalkError> {
        named_file_filter(globs).map(MemberFilter)
    }

    /// True when `member`, a path inside its archive, or a folder above it is excluded.
    pub fn excludes(&self, member: &str) -> bool {
        // An archive may name a member from its root (`/etc/passwd`); matching wants it relative.
        let relative = member.trim_start_matches('/');
        !relative.is_empty()
            && self
                .0
                .matched_path_or_any_parents(relative, false)
                .is_ignore()
    }
}

/// `path` as shown in reports: without a leading `./`.
fn display(path: &Path) -> String {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.display().to_string(),
        _ => path.display().to_string(),
    }
}

/// Turns `--exclude` globs into ignore overrides (`!glob` means "leave out").
fn excludes(root: &Path, globs: &[String]) -> Result<ignore::overrides::Override, WalkError> {
    let mut builder = OverrideBuilder::new(root);
    for glob in globs {
        builder.add(&format!("!{glob}")).map_err(|err| WalkError {
            glob: glob.clone(),
            reason: err.to_string(),
        })?;
    }
    builder.build().map_err(|err| WalkError {
        glob: globs.join(" "),
        reason: err.to_string(),
    })
}

fn classify(entry: ignore::DirEntry, options: &WalkOptions, own: &OwnFiles, walked: &mut Walked) {
    let display = display(entry.path());
    let Some(file_type) = entry.file_type() else {
        walked.errors.push(FileNote {
            path: display,
            reason: "unknown file type".into(),
        });
        return;
    };
    if file_type.is_dir() {
        return;
    }
    let skip = |reason: &str| FileNote {
        path: display.clone(),
        reason: reason.to_string(),
    };
    if file_type.is_symlink() {
        walked
            .skipped
            .push(skip("symbolic link not followed (use --follow-links)"));
        return;
    }
    if !file_type.is_file() {
        walked.skipped.push(skip(special_file_reason(&file_type)));
        return;
    }
    if let Some(reason) = own.reason_for(entry.path()) {
        walked.skipped.push(skip(reason));
        return;
    }
    match entry.metadata() {
        Ok(meta) if meta.len() > options.max_file_size => walked.skipped.push(skip(&format!(
            "larger than --max-file-size ({} bytes > {} bytes)",
            meta.len(),
            options.max_file_size
        ))),
        Ok(meta) => walked.files.push(SourceFile {
            display,
            origin: Origin::File(entry.into_path()),
            size: meta.len(),
        }),
        Err(err) => walked
            .errors
            .push(skip(&format!("cannot read metadata: {err}"))),
    }
}

#[cfg(unix)]
fn special_file_reason(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "named pipe (FIFO), not a regular file"
    } else if file_type.is_socket() {
        "socket, not a regular file"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "device, not a regular file"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_file_reason(_file_type: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

/// The path an `ignore` error is about, when it names one.
fn error_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.display().to_string()),
        ignore::Error::WithDepth { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.display().to_string()),
        _ => None,
    }
}

/// Parses a size such as `100M`, `2GiB`, `512k` or `1000` (bytes). Suffixes are binary
/// (K = 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("invalid size {text:?}: expected a number such as 100M"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "invalid size {text:?}: unknown unit {unit:?} (use K, M, G or T)"
            ));
        }
    };
    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("invalid size {text:?}: too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
        assert_eq!(parse_size("100M"), Ok(100 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5X").is_err());
    }

    #[test]
    fn member_filter_reads_an_archive_as_a_folder() {
        let globs = ["*.log", "private/", "/top.csv"].map(String::from);
        let filter = MemberFilter::new(&globs).expect("globs compile");
        for member in [
            "app.log",
            "logs/app.log",
            "private/a.csv",
            "x/private/b.txt",
            "top.csv",
        ] {
            assert!(filter.excludes(member), "{member}");
        }
        for member in ["app.log.csv", "logs/top.csv", "private.csv", ""] {
            assert!(!filter.excludes(member), "{member}");
        }
        assert!(
            filter.excludes("/etc/app.log"),
            "a member named from the root"
        );
        let nothing = MemberFilter::new(&[]).expect("no globs");
        assert!(
            !nothing.excludes("app.log"),
            "no .piimapignore where tests run"
        );
    }
}
