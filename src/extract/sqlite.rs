//! SQLite database files, read through the bundled SQLite (rusqlite).
//!
//! A file is SQLite when it starts with the 16-byte header `SQLite format 3\0`, whatever its
//! name. It is opened read-only and immutable (`file:...?immutable=1`), so a live database is
//! neither locked nor changed and no journal or WAL file is created. Every table is read column
//! by column: one [`Cell`] per non-null value, with `container` = the table name, `field` = the
//! column name, `line` = the 1-based row number in the table's storage order (the rowid order
//! for ordinary tables, the primary-key order for `WITHOUT ROWID` tables), and `column` = the
//! 1-based column position. Blobs are scanned only when they hold text (no NUL byte).
//!
//! A file SQLite cannot read (corrupt pages, a truncated file) ends in
//! [`ExtractError::Malformed`] carrying SQLite's message, plus the first finding of SQLite's
//! integrity check, which names the broken page, when it has one.

use std::io::Read;
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, MAIN_DB, OpenFlags};

use super::{Cell, ExtractError, Sampling};

/// The first 16 bytes of every SQLite 3 database file.
pub const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// True when `head` starts with the SQLite 3 file header.
pub fn is_sqlite(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Reads every table of the SQLite database at `path` and emits its values; with
/// `--sample-rows N` only the first N rows of each table, marking the tables cut short.
pub(crate) fn extract_path(
    path: &Path,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let conn = open(path).map_err(|err| malformed(&err, String::new()))?;
    extract_tables(&conn, sampling, emit)
}

/// Reads a whole database from `input` (a member of an archive, standard input) into memory,
/// then as [`extract_path`] does. Nothing is written to disk.
pub(crate) fn extract_reader(
    input: &mut dyn Read,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    let mut conn = Connection::open_in_memory().map_err(|err| malformed(&err, String::new()))?;
    conn.deserialize_read_exact(MAIN_DB, bytes.as_slice(), bytes.len(), true)
        .map_err(|err| malformed(&err, String::new()))?;
    extract_tables(&conn, sampling, emit)
}

/// Reads every table of the open database `conn`.
fn extract_tables(
    conn: &Connection,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let tables = table_names(conn).map_err(|err| with_check(conn, &err, String::new()))?;
    for (index, table) in tables.iter().enumerate() {
        let mut row_number = 0;
        let cut = extract_table(conn, table, sampling.max_rows, &mut row_number, emit);
        if cut.as_ref().is_ok_and(|cut| *cut) {
            sampling.mark_cut(Some(table));
        }
        cut.map_err(|err| {
            let place = format!(
                " in table {} of {} after row {row_number}",
                index + 1,
                tables.len()
            );
            with_check(conn, &err, place)
        })?;
    }
    Ok(())
}

/// Opens `path` read-only and immutable through a `file:` URI.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let uri = format!("file:{}?immutable=1", uri_path(path));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(uri, flags)
}

/// `path` with the characters that a URI gives a meaning (`%`, `?`, `#`) percent-encoded.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for ch in path.to_string_lossy().chars() {
        match ch {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            _ => out.push(ch),
        }
    }
    out
}

/// Names of the user tables, in the order they were created.
fn table_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' \
         ESCAPE '\\' ORDER BY rowid",
    )?;
    let names = stmt.query_map([], |row| row.get::<_, String>(0))?;
    names.collect()
}

/// Emits every non-null value of `table` in its first `max_rows` rows; `row_number` is the
/// last row read. Returns true when rows were left unread.
fn extract_table(
    conn: &Connection,
    table: &str,
    max_rows: Option<u64>,
    row_number: &mut u64,
    emit: &mut dyn FnMut(Cell<'_>),
) -> rusqlite::Result<bool> {
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let mut stmt = conn.prepare(&format!("SELECT * FROM {quoted}"))?;
    let columns = match column_names(conn, table)? {
        names if names.len() == stmt.column_count() => names,
        _ => stmt.column_names().map(String::from).collect(),
    };
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if max_rows.is_some_and(|max| *row_number >= max) {
            return Ok(true);
        }
        *row_number += 1;
        for (index, column) in columns.iter().enumerate() {
            let number;
            let text: &[u8] = match row.get_ref(index)? {
                ValueRef::Null => continue,
                ValueRef::Integer(value) => {
                    number = value.to_string();
                    number.as_bytes()
                }
                ValueRef::Real(value) => {
                    number = value.to_string();
                    number.as_bytes()
                }
                ValueRef::Text(text) => text,
                ValueRef::Blob(blob) if memchr::memchr(0, blob).is_none() => blob,
                ValueRef::Blob(_) => continue,
            };
            emit(Cell {
                text,
                line: *row_number,
                column: index as u64 + 1,
                container: Some(table),
                field: Some(column),
                locator: None,
                escapes: &[],
            });
        }
    }
    Ok(false)
}

/// The names of the columns `SELECT *` gives for `table`, read as bytes from `table_xinfo`:
/// SQLite allows any bytes in a name, and rusqlite's own accessor panics on a name that is not
/// UTF-8. Hidden columns of virtual tables are left out, as `SELECT *` leaves them out.
fn column_names(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name, hidden FROM pragma_table_xinfo(?1)")?;
    let mut rows = stmt.query([table])?;
    let mut names = Vec::new();
    while let Some(row) = rows.next()? {
        if row.get::<_, i64>(1)? != 1 {
            names.push(String::from_utf8_lossy(row.get_ref(0)?.as_bytes()?).into_owned());
        }
    }
    Ok(names)
}

/// SQLite's message and `place`: where reading stopped, named without quoting the file.
fn malformed(err: &rusqlite::Error, place: String) -> ExtractError {
    ExtractError::Malformed {
        line: None,
        reason: format!("sqlite: {err}{place}"),
    }
}

/// The error, with the first problem SQLite's integrity check finds (it names the page).
fn with_check(conn: &Connection, err: &rusqlite::Error, place: String) -> ExtractError {
    let detail = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get::<_, String>(0))
        .ok()
        .filter(|detail| detail != "ok");
    match detail {
        Some(detail) => {
            let detail = detail.lines().last().unwrap_or_default().trim().to_string();
            malformed(err, format!("{place} (integrity check: {detail})"))
        }
        None => malformed(err, place),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sql");

    /// One emitted cell as `(table.column, row, column position, text)`.
    type Got = (String, u64, u64, String);

    fn cells(path: &Path) -> (Vec<Got>, Result<(), ExtractError>) {
        let mut out = Vec::new();
        let result = extract_path(path, &mut Sampling::default(), &mut |cell| {
            let name = format!(
                "{}.{}",
                cell.container.unwrap_or(""),
                cell.field.unwrap_or("")
            );
            let text = String::from_utf8_lossy(cell.text).into_owned();
            out.push((name, cell.line, cell.column, text));
        });
        (out, result)
    }

    #[test]
    fn every_table_is_read_column_by_column_with_row_numbers() {
        let (got, result) = cells(&Path::new(FIXTURES).join("shop.sqlite"));
        result.expect("the fixture is a valid database");
        let find = |name: &str, row: u64| {
            got.iter()
                .find(|c| c.0 == name && c.1 == row)
                .map(|c| (c.2, c.3.as_str()))
        };
        assert_eq!(
            find("customer.email", 1),
            Some((4, "dana.obrien@example.com"))
        );
        assert_eq!(find("customer.last_name", 1), Some((3, "O'Brien")));
        assert_eq!(find("customer.notes", 2), Some((6, "Line one\nLine two")));
        assert_eq!(find("customer.email", 3), None, "NULL is not a cell");
        assert_eq!(find("customer.photo", 1), None, "binary blob is not a cell");
        assert_eq!(
            find("payment_card.card_number", 2),
            Some((2, "5555000012345672"))
        );
        assert_eq!(
            find("order lines.ship to", 1),
            Some((2, "amelie.nguyen@example.com"))
        );
    }

    #[test]
    fn corrupt_file_reports_sqlite_message_after_readable_tables() {
        let (got, result) = cells(&Path::new(FIXTURES).join("broken_corrupt.sqlite"));
        assert!(got.iter().any(|c| c.0 == "payment_card.card_number"));
        match result {
            Err(ExtractError::Malformed { reason, .. }) => {
                assert!(reason.starts_with("sqlite: "), "{reason}");
                assert!(reason.contains("malformed"), "{reason}");
                assert!(reason.contains("in table 3 of 3"), "{reason}");
                assert!(reason.contains("page 4"), "{reason}");
            }
            other => panic!("expected a malformed error, got {other:?}"),
        }
    }

    #[test]
    fn opening_does_not_write_next_to_the_database() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("odd name?#%.db");
        std::fs::copy(Path::new(FIXTURES).join("shop.sqlite"), &path).expect("copy fixture");
        let (got, result) = cells(&path);
        result.expect("readable");
        assert!(!got.is_empty());
        let entries = std::fs::read_dir(dir.path()).expect("list").count();
        assert_eq!(entries, 1, "no journal or WAL file created");
    }

    #[test]
    fn sample_rows_reads_the_first_rows_of_each_table() {
        let mut sampling = Sampling::new(Some(1));
        let mut rows = Vec::new();
        extract_path(
            &Path::new(FIXTURES).join("shop.sqlite"),
            &mut sampling,
            &mut |cell| rows.push((cell.container.unwrap_or("").to_string(), cell.line)),
        )
        .expect("valid database");
        assert!(rows.iter().all(|(_, row)| *row == 1));
        assert!(sampling.was_cut(Some("customer")));
        assert!(
            !sampling.was_cut(Some("order lines")),
            "one row only: nothing left"
        );
    }

    #[test]
    fn header_is_recognised() {
        assert!(is_sqlite(b"SQLite format 3\0\x10\x00"));
        assert!(!is_sqlite(b"SQLite format 2\0"));
    }
}
