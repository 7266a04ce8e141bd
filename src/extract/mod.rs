//! Stage 2 of the flow: **extract**. Turns the bytes of one source file into [`Cell`]s.
//!
//! A cell is a run of text together with where it came from: the line and column it starts at,
//! and for structured formats the container (sheet, table) and field (column header, JSON
//! pointer) it belongs to. Extractors push cells to a callback (ripgrep's `Sink` idea): they own
//! their buffers and lend each cell for one call, so a scan allocates nothing per cell.
//!
//! [`FileKind`] decides which extractor reads a file, from its first bytes and its extension.
//! Detection (`detect`) never sees file formats, only cells.

pub mod archive;
mod biff;
mod compound;
pub mod csv;
pub mod document;
pub mod email;
pub mod gz;
mod header;
pub mod json;
pub mod pdf;
pub mod sheet;
pub mod sql;
pub mod sqlite;
pub mod text;
mod tool_report;
mod utf16;

pub(crate) use compound::is_compound_file;

use std::fmt;

/// Runs `work`, or says that the `reader` (a format, or an archive reader) panicked: a bug in
/// piimap or in a library that reads the format becomes an error of the file, or of the part
/// being read, and the scan goes on. The panic's message is left out: it may quote the file.
pub(crate) fn unless_panic<T>(
    reader: impl fmt::Display,
    work: impl FnOnce() -> T,
) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .map_err(|_| format!("internal error in the {reader} reader (a bug: please report it)"))
}

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
    /// The escapes decoded in `text`, in text order, so that columns count the characters the
    /// source holds; empty when the text is the source as written.
    pub escapes: &'a [Escape],
}

/// An escape decoded in a cell's text (`\"`, `''`, `\u00e9`): it took `extra` more characters
/// in the source than the text it decoded to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Escape {
    /// Offset in the text just past the decoded escape.
    pub at: usize,
    /// Characters of the escape in the source, less those of its decoded text.
    pub extra: u32,
}

impl Escape {
    /// The escape that took `source_chars` characters in the source and decoded to
    /// `text[from..]`, the end of the text so far.
    pub fn decoded(text: &[u8], from: usize, source_chars: u64) -> Escape {
        let chars = char_count(&text[from..]);
        Escape {
            at: text.len(),
            extra: u32::try_from(source_chars.saturating_sub(chars)).unwrap_or(u32::MAX),
        }
    }
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
            escapes: &[],
        }
    }
}

/// Characters in UTF-8 `text`: its bytes that do not continue a character.
pub(crate) fn char_count(text: &[u8]) -> u64 {
    text.iter().filter(|b| (**b & 0xC0) != 0x80).count() as u64
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
    /// Delimited records (CSV, TSV, `;` or `|` separated), read field by field.
    Csv,
    /// JSON documents, NDJSON / JSON Lines, read value by value.
    Json,
    /// A workbook read sheet by sheet.
    Spreadsheet(sheet::Workbook),
    /// A Word, PowerPoint or OpenDocument text document, read paragraph by paragraph.
    Document(document::Document),
    /// A PDF file, read page by page, paragraph by paragraph.
    Pdf,
    /// An e-mail message (`.eml`): its headers and each part are read as files of their own.
    Email,
    /// A mailbox (`mbox`): each message is read as an e-mail message of its own.
    Mailbox,
    /// A SQL dump or script: pg_dump plain format, mysqldump, hand-written SQL.
    Sql,
    /// A SQLite 3 database file (read by path, not streamed).
    Sqlite,
    /// A gzip-compressed file; its decompressed bytes are sniffed again.
    Gzip,
    /// A pg_dump custom- or directory-format archive (`PGDMP`), which piimap does not read.
    PgArchive,
    /// A zip archive named `.zip`: each member is read as a file of its own.
    Zip,
    /// A tar archive (`.tar`, or inside gzip: `.tar.gz`, `.tgz`): each member is read as a file
    /// of its own.
    Tar,
}

/// Extensions whose files may be content-sniffed as CSV: exports are often misnamed, but a
/// `.log` or source file with commas in every line is still text.
const CSV_SNIFFED_EXTENSIONS: [&str; 11] = [
    "", "txt", "dat", "xls", "xlsx", "xlsm", "xlsb", "ods", "json", "ndjson", "jsonl",
];

impl FileKind {
    /// Chooses a kind from the first bytes of a file and its name, or `None` when the file is
    /// binary in a format piimap does not read (a NUL byte in the first block, no UTF-16 BOM).
    ///
    /// Magic bytes first: SQLite, gzip, tar (`ustar`), a pg_dump archive (`PGDMP`), a zip holding a workbook
    /// (OpenDocument mimetype or `xl/` parts, or a workbook extension), a zip archive named
    /// `.zip`, a document (see [`document::Document::sniff`]; other zip-based files, such as
    /// `.jar`, are not read), an OLE container
    /// (`xls`, unless named like another Office file). Then text: a scanner's report (piimap's
    /// own, a SARIF log) is plain text (see the `tool_report` module); JSON when it opens with `{`
    /// or `[` and parses up to the end of `head` (UTF-16 with a BOM is CSV or plain text,
    /// sniffed on its decoded head); SQL when [`sql::is_sql`] says so; CSV
    /// for `.csv`/`.tsv`/`.psv`, or for a few generic extensions when one delimiter splits every
    /// line of `head` the same way; plain text otherwise.
    pub fn sniff(head: &[u8], file_name: &str) -> Option<FileKind> {
        let ext = extension(file_name);
        if sqlite::is_sqlite(head) {
            return Some(FileKind::Sqlite);
        }
        if gz::is_gzip(head) {
            return Some(FileKind::Gzip);
        }
        if archive::is_tar(head) {
            return Some(FileKind::Tar);
        }
        if pdf::is_pdf(head) {
            return Some(FileKind::Pdf);
        }
        if head.starts_with(sql::PG_ARCHIVE_MAGIC) {
            return Some(FileKind::PgArchive);
        }
        if archive::is_zip(head) && ext == "zip" {
            return Some(FileKind::Zip);
        }
        if archive::is_zip(head) {
            return sniff_zip(head, &ext)
                .map(FileKind::Spreadsheet)
                .or_else(|| document::Document::sniff(head, &ext).map(FileKind::Document));
        }
        if is_compound_file(head) {
            let other_office = ["doc", "dot", "ppt", "pps", "msg", "vsd", "pub", "mpp"];
            return (!other_office.contains(&ext.as_str()))
                .then_some(FileKind::Spreadsheet(sheet::Workbook::Xls));
        }
        if !text::is_text(head) {
            return None;
        }
        let csv_by_name = matches!(ext.as_str(), "csv" | "tsv" | "psv" | "tab");
        let csv_sniffed = CSV_SNIFFED_EXTENSIONS.contains(&ext.as_str());
        if let Some(encoding) = utf16::bom(head) {
            // Of the structured readers only CSV decodes UTF-16; other UTF-16 files are text.
            let decoded = utf16::decode_head(head, encoding);
            let is_csv = csv_by_name || (csv_sniffed && csv::looks_like_csv(decoded.as_bytes()));
            return Some(if is_csv {
                FileKind::Csv
            } else {
                FileKind::Text
            });
        }
        if email::is_mbox(head, &ext) {
            return Some(FileKind::Mailbox);
        }
        if email::is_email(head, &ext) {
            return Some(FileKind::Email);
        }
        if tool_report::is_tool_report(head, &ext) {
            return Some(FileKind::Text);
        }
        if json::looks_like_json(head) {
            return Some(FileKind::Json);
        }
        if sql::is_sql(head, file_name) {
            return Some(FileKind::Sql);
        }
        if csv_by_name || (csv_sniffed && csv::looks_like_csv(head)) {
            return Some(FileKind::Csv);
        }
        Some(FileKind::Text)
    }

    /// Lowercase name used in reports and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Text => "text",
            FileKind::Csv => "csv",
            FileKind::Json => "json",
            FileKind::Spreadsheet(workbook) => workbook.as_str(),
            FileKind::Document(document) => document.as_str(),
            FileKind::Pdf => "pdf",
            FileKind::Email => "email",
            FileKind::Mailbox => "mbox",
            FileKind::Sql => "sql",
            FileKind::Sqlite => "sqlite",
            FileKind::Gzip => "gzip",
            FileKind::PgArchive => "pg_archive",
            FileKind::Zip => "zip",
            FileKind::Tar => "tar",
        }
    }
}

fn extension(file_name: &str) -> String {
    std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The workbook inside a zip: ODS declares its mimetype in the first entry, OOXML names its
/// parts `xl/...`; an xlsb is told from an xlsx by its extension only.
fn sniff_zip(head: &[u8], ext: &str) -> Option<sheet::Workbook> {
    let holds = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
    if holds(b"application/vnd.oasis.opendocument.spreadsheet") {
        Some(sheet::Workbook::Ods)
    } else if ext == "xlsb" {
        Some(sheet::Workbook::Xlsb)
    } else if matches!(ext, "xlsx" | "xlsm" | "xltx" | "xltm") || holds(b"xl/") {
        Some(sheet::Workbook::Xlsx)
    } else if ext == "ods" {
        Some(sheet::Workbook::Ods)
    } else {
        None
    }
}

/// How many rows of each table or sheet to read (`--sample-rows`), and which were cut short.
///
/// A row is a record (CSV), a top-level value or array element (JSON) or a sheet row below
/// the header (spreadsheets).
#[derive(Debug, Default, Clone)]
pub struct Sampling {
    /// Rows to read per container; `None` reads all.
    pub max_rows: Option<u64>,
    cut: Vec<Option<String>>,
}

impl Sampling {
    /// A fresh sampling state reading at most `max_rows` rows per container.
    pub fn new(max_rows: Option<u64>) -> Self {
        Sampling {
            max_rows,
            cut: Vec::new(),
        }
    }

    /// Records that `container` (`None` for a file without containers) had more rows than read.
    pub fn mark_cut(&mut self, container: Option<&str>) {
        if !self.was_cut(container) {
            self.cut.push(container.map(str::to_string));
        }
    }

    /// The containers cut short so far.
    pub fn cut(&self) -> &[Option<String>] {
        &self.cut
    }

    /// True when `container` was cut short.
    pub fn was_cut(&self, container: Option<&str>) -> bool {
        self.cut.iter().any(|c| c.as_deref() == container)
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

#[cfg(test)]
mod tests {
    use super::sheet::Workbook;
    use super::*;

    #[test]
    fn workbooks_are_told_by_magic_and_name() {
        let zip = b"PK\x03\x04\x14\x00\x00\x00[Content_Types].xml";
        assert_eq!(
            FileKind::sniff(zip, "a.xlsx"),
            Some(FileKind::Spreadsheet(Workbook::Xlsx))
        );
        assert_eq!(
            FileKind::sniff(zip, "a.xlsb"),
            Some(FileKind::Spreadsheet(Workbook::Xlsb))
        );
        assert_eq!(FileKind::sniff(zip, "a.zip"), Some(FileKind::Zip));
        assert_eq!(
            FileKind::sniff(zip, "a.docx"),
            Some(FileKind::Document(document::Document::Docx))
        );
        assert_eq!(FileKind::sniff(zip, "a.jar"), None);
        let ods =
            b"PK\x03\x04\x14\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet";
        assert_eq!(
            FileKind::sniff(ods, "a.xlsx"),
            Some(FileKind::Spreadsheet(Workbook::Ods))
        );
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(
            FileKind::sniff(&ole, "a.bin"),
            Some(FileKind::Spreadsheet(Workbook::Xls))
        );
        assert_eq!(FileKind::sniff(&ole, "a.doc"), None);
    }

    #[test]
    fn json_and_csv_are_told_by_content() {
        assert_eq!(
            FileKind::sniff(b"[{\"a\": 1}]", "export.csv"),
            Some(FileKind::Json)
        );
        assert_eq!(
            FileKind::sniff(b"{\"a\": 1}\n{\"a\": 2}\n", "x.jsonl"),
            Some(FileKind::Json)
        );
        assert_eq!(
            FileKind::sniff(b"a;b\n1;2\n3;4\n", "export"),
            Some(FileKind::Csv)
        );
        assert_eq!(
            FileKind::sniff(b"a;b\n1;2\n3;4\n", "report.xlsx"),
            Some(FileKind::Csv)
        );
        assert_eq!(FileKind::sniff(b"a\n", "one.csv"), Some(FileKind::Csv));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "a\tb\n1\t2\n3\t4\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        assert_eq!(FileKind::sniff(&utf16, "export.txt"), Some(FileKind::Csv));
        assert_eq!(FileKind::sniff(&utf16, "app.log"), Some(FileKind::Text));
    }

    #[test]
    fn text_stays_text() {
        assert_eq!(
            FileKind::sniff(b"a,b\n1,2\n3,4\n", "app.log"),
            Some(FileKind::Text)
        );
        assert_eq!(
            FileKind::sniff(b"[2024-01-01] started\n", "app.json"),
            Some(FileKind::Text)
        );
        assert_eq!(
            FileKind::sniff(b"hello, world\nbye\n", "notes.txt"),
            Some(FileKind::Text)
        );
        for prose in [
            "Thanks, Jane.\nFrom tomorrow on, call me at +44 20 7946 0958.\n",
            "Hello team, the meeting moved.\nPlease call Anna, she knows.\nBest, Tom\n",
        ] {
            assert_eq!(
                FileKind::sniff(prose.as_bytes(), "reply.txt"),
                Some(FileKind::Text),
                "{prose}"
            );
        }
        let table = "id,name,city,comment\n1,Ann,Oslo,Paid.\n2,Bo,Rome,Late.\n";
        assert_eq!(
            FileKind::sniff(table.as_bytes(), "orders.txt"),
            Some(FileKind::Csv),
            "four columns are a table, however its rows end"
        );
        assert_eq!(FileKind::sniff(b"\x00\x01", "x.csv"), None);
    }
}
