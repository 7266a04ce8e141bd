//! Stage 2 of the flow: **extract**. Turns the bytes of one source file into [`Cell`]s.
//!
//! A cell is a run of text together with where it came from: the line and column it starts at,
//! and for structured formats the container (sheet, table) and field (column header, JSON
//! pointer) it belongs to. Extractors push cells to a callback (ripgrep's `Sink` idea): they own
//! their buffers and lend each cell for one call, so a scan allocates nothing per cell.
//!
//! [`FileKind`] decides which extractor reads a file, from its first bytes and its extension.
//! Detection (`detect`) never sees file formats, only cells.

pub mod text;

use std::fmt;

/// One piece of text handed to the detector, with the coordinates of its first byte.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    /// The text, usually UTF-8; invalid bytes are kept and never stop detection.
    pub text: &'a [u8],
    /// 1-based line of `text[0]` in the source file.
    pub line: u64,
    /// 1-based character column of `text[0]` on that line.
    pub column: u64,
    /// Sheet, table or archive member holding the cell; `None` for plain text.
    pub container: Option<&'a str>,
    /// Field used for aggregation: column header, or JSON pointer with array indices collapsed
    /// (`/users/*/email`); `None` for plain text.
    pub field: Option<&'a str>,
    /// Exact position inside the container when it differs from `field`: a cell reference
    /// (`C17`) or an uncollapsed JSON pointer (`/users/3/email`).
    pub locator: Option<&'a str>,
}

impl<'a> Cell<'a> {
    /// A cell of plain text starting at `line`, column 1.
    pub fn plain(text: &'a [u8], line: u64) -> Self {
        Cell {
            text,
            line,
            column: 1,
            container: None,
            field: None,
            locator: None,
        }
    }
}

/// Where a finding sits in its source file, as written to the report.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Location {
    /// 1-based line.
    pub line: u64,
    /// 1-based character column.
    pub column: u64,
    /// Sheet, table or member name; `null` for plain text.
    pub container: Option<String>,
    /// Column header or collapsed JSON pointer; `null` for plain text.
    pub field: Option<String>,
    /// Cell reference or exact JSON pointer, when the format has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locator: Option<String>,
}

/// The formats piimap knows how to read. Chosen by content first, extension second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Plain text, decoded from UTF-8 or UTF-16 (with BOM).
    Text,
}

impl FileKind {
    /// Chooses a kind from the first bytes of a file and its name, or `None` when the file is
    /// binary in a format piimap does not read (a NUL byte in the first block, no UTF-16 BOM).
    pub fn sniff(head: &[u8], _file_name: &str) -> Option<FileKind> {
        if text::is_text(head) {
            Some(FileKind::Text)
        } else {
            None
        }
    }

    /// Lowercase name used in reports and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Text => "text",
        }
    }
}

/// Why a file could not be read to the end. The scan records it in the report and goes on.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The operating system refused a read.
    #[error("read failed: {0}")]
    Io(#[from] std::io::Error),
    /// The content does not follow its format; `line` is where reading stopped.
    #[error("{}", fmt_malformed(*.line, .reason))]
    Malformed {
        /// 1-based line where the problem was found, when known.
        line: Option<u64>,
        /// What is wrong, without any value from the file.
        reason: String,
    },
}

fn fmt_malformed(line: Option<u64>, reason: &str) -> String {
    match line {
        Some(line) => format!("line {line}: {reason}"),
        None => reason.to_string(),
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
