//! SQL dumps and scripts: PostgreSQL plain dumps (`pg_dump -Fp`, with or without `--inserts` /
//! `--column-inserts`), MySQL and MariaDB dumps (`mysqldump`), and hand-written SQL scripts.
//!
//! The dump is read as a stream of statements. `CREATE TABLE` records each table's column
//! names; `INSERT` (single- or multi-row, with or without a column list) and `COPY ... FROM
//! stdin` data blocks emit one [`Cell`] per value, with `container` = the table as written
//! (`public.customer`, `Customer`) and `field` = the column name. An INSERT without a column list
//! takes the column order of a `CREATE TABLE` seen earlier in the same file, or in a schema file
//! beside it (`sibling_schemas`); when there is none, fields are named by 1-based position
//! (`#3`). String literals elsewhere (defaults, `UPDATE`,
//! function bodies) and comments are emitted as plain cells, so nothing readable goes unscanned.
//!
//! Backslash escapes are decoded, except that an escaped line break (`\n`, `\r` in COPY data,
//! MySQL strings and `E'...'`) becomes a space: the value sits on one source line, and the scan
//! places findings by counting the line breaks in a cell.
//!
//! Memory does not grow with the dump: the reader holds one 64 KiB buffer, and one value at most
//! 1 MiB at a time (longer values are emitted in pieces). Problems (an unterminated string, a
//! COPY block without `\.`, a dump that stops mid-statement or before pg_dump/mysqldump's closing
//! comment) end the file with [`ExtractError::Malformed`] and its line, after every value read
//! before it was emitted.

mod copy;
mod lexer;
mod reader;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use lexer::{Dialect, Lexer, Token};
use reader::Reader;

use super::text::SNIFF_LEN;
use super::{Cell, ExtractError, Sampling};

/// Words that start a table constraint rather than a column in `CREATE TABLE (...)`.
const CONSTRAINT_WORDS: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "UNIQUE",
    "KEY",
    "INDEX",
    "FOREIGN",
    "CHECK",
    "FULLTEXT",
    "SPATIAL",
    "EXCLUDE",
    "LIKE",
    "PERIOD",
];

/// Line starts in the first bytes of a file that say it is SQL whatever its name.
const CONTENT_MARKERS: &[&[u8]] = &[
    b"-- PostgreSQL database dump",
    b"-- MySQL dump",
    b"-- MariaDB dump",
    b"CREATE TABLE",
    b"INSERT INTO",
];

/// Words that make a `.sql` file's head look like SQL rather than prose with a wrong name.
const HINT_WORDS: &[&[u8]] = &[
    b"create ", b"insert ", b"select ", b"update ", b"delete ", b"drop ", b"alter ", b"set ",
    b"begin", b"copy ",
];

/// True when `head` holds SQL: within its first [`SNIFF_LEN`] bytes a line starts with a dump
/// header comment, `CREATE TABLE`, `INSERT INTO` or `COPY ... FROM stdin;`; or the name ends in
/// `.sql` and the head holds some SQL keyword. Markers must start a line, so a log that quotes
/// a query stays text.
pub fn is_sql(head: &[u8], file_name: &str) -> bool {
    let head = &head[..head.len().min(SNIFF_LEN)];
    let marked = head.split(|&b| b == b'\n').any(|line| {
        CONTENT_MARKERS.iter().any(|m| line.starts_with(m))
            || (line.starts_with(b"COPY ") && line.ends_with(b" FROM stdin;"))
    });
    if marked {
        return true;
    }
    let lower = head.to_ascii_lowercase();
    file_name.to_ascii_lowercase().ends_with(".sql")
        && HINT_WORDS
            .iter()
            .any(|w| memchr::memmem::find(&lower, w).is_some())
}

/// The first bytes of a pg_dump custom-format archive, and of a directory archive's `toc.dat`.
pub const PG_ARCHIVE_MAGIC: &[u8] = b"PGDMP";

/// The error recorded for a pg_dump custom- or directory-format archive: piimap reads plain
/// SQL, which `pg_restore` writes from the archive.
pub(crate) fn archive_error() -> ExtractError {
    ExtractError::Malformed {
        line: None,
        reason: "pg_dump custom- or directory-format archive: piimap reads plain SQL, so run \
                 `pg_restore -f - FILE | piimap scan -` (FILE: the archive or its directory)"
            .into(),
    }
}

/// Column names by table, as `CREATE TABLE` statements give them.
pub(crate) type Schemas = HashMap<String, Vec<String>>;

/// Largest schema file read beside a dump.
pub(crate) const MAX_SCHEMA_FILE: u64 = 16 * 1024 * 1024;

/// True when a file named `name` is a schema file for the dumps beside it: a `.sql` file whose
/// name holds `schema` (`sakila-schema.sql` beside `sakila-data.sql`).
pub(crate) fn is_schema_file(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("schema") && name.ends_with(".sql")
}

/// The tables defined by the schema files beside `dump` (see [`is_schema_file`]), up to
/// [`MAX_SCHEMA_FILE`] each. Data-only dumps insert rows without column lists; this is where
/// their column names are. A schema file that cannot be read or parsed to the end gives the
/// tables read before the problem; it is scanned, and reported, on its own.
pub(crate) fn sibling_schemas(dump: &Path) -> Schemas {
    let mut schemas = Schemas::new();
    let Some(Ok(entries)) = dump.parent().map(std::fs::read_dir) else {
        return schemas;
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        let is_schema = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_schema_file);
        let small =
            std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_SCHEMA_FILE);
        if is_schema
            && small
            && path.file_name() != dump.file_name()
            && let Ok(file) = File::open(&path)
        {
            schemas.extend(schemas_in(&mut BufReader::new(file)));
        }
    }
    schemas
}

/// The `CREATE TABLE` columns of the SQL read from `input`, as far as it can be read.
pub(crate) fn schemas_in(input: &mut dyn BufRead) -> Schemas {
    let Ok(head) = input.fill_buf() else {
        return Schemas::new();
    };
    let dialect = dialect_of(head);
    let mut parser = Parser::new(Lexer::new(Reader::new(input), dialect), None);
    // Errors only cut the schema short: the file is scanned and reported on its own.
    let _ = parser.run(&mut |_| {});
    parser.schemas
}

/// Reads a SQL dump from `input` and emits its values and comments. `known` holds tables
/// defined elsewhere (a schema file beside the dump); the dump's own `CREATE TABLE` wins.
/// With `--sample-rows N`, only the first N rows of each table are emitted (the rest are still
/// parsed) and the tables cut short are marked in `sampling`.
pub(crate) fn extract(
    input: &mut dyn BufRead,
    known: Schemas,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let dialect = dialect_of(input.fill_buf()?);
    let mut parser = Parser::new(Lexer::new(Reader::new(input), dialect), sampling.max_rows);
    parser.schemas = known;
    let result = parser.run(emit);
    for table in &parser.rows.cut {
        sampling.mark_cut(Some(table));
    }
    result
}

/// Rows emitted per table, against `--sample-rows`.
struct RowBudget {
    max_rows: Option<u64>,
    taken: HashMap<String, u64>,
    /// Tables that had more rows than `max_rows`.
    cut: Vec<String>,
}

impl RowBudget {
    /// True when one more row of `table` is to be emitted.
    fn take(&mut self, table: &str) -> bool {
        let Some(max) = self.max_rows else {
            return true;
        };
        let taken = match self.taken.get_mut(table) {
            Some(taken) => taken,
            None => self.taken.entry(table.to_string()).or_default(),
        };
        if *taken < max {
            *taken += 1;
            return true;
        }
        if !self.cut.iter().any(|t| t == table) {
            self.cut.push(table.to_string());
        }
        false
    }
}

/// The quoting rules a dump's head asks for; PostgreSQL (standard SQL) unless MySQL syntax shows.
fn dialect_of(head: &[u8]) -> Dialect {
    const MYSQL: &[&[u8]] = &[b"-- MySQL dump", b"-- MariaDB dump", b"/*!", b"`", b"@@"];
    if MYSQL
        .iter()
        .any(|m| memchr::memmem::find(head, m).is_some())
    {
        Dialect::MySql
    } else {
        Dialect::Postgres
    }
}

/// Field name for the value at 0-based `index` when the column name is unknown: `#1`, `#2`...
pub(super) fn positional_name(index: usize) -> String {
    format!("#{}", index + 1)
}

/// Which tool wrote the dump, from its first comment; such dumps end with a closing comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    PgDump,
    MySqlDump,
}

/// Reads statements and keeps what later statements need: the columns of each table.
struct Parser<'r> {
    lex: Lexer<'r>,
    /// Column names by table, as written in `CREATE TABLE`.
    schemas: Schemas,
    /// Field names of the statement being read.
    fields: Vec<String>,
    /// The dump tool named by the first comment, if any.
    tool: Option<Tool>,
    /// The tool's closing comment was seen (`-- PostgreSQL database dump complete`,
    /// `-- Dump completed`).
    complete: bool,
    /// Rows emitted per table, for `--sample-rows`.
    rows: RowBudget,
}

impl<'r> Parser<'r> {
    fn new(lex: Lexer<'r>, max_rows: Option<u64>) -> Self {
        Parser {
            lex,
            schemas: HashMap::new(),
            fields: Vec::new(),
            tool: None,
            complete: false,
            rows: RowBudget {
                max_rows,
                taken: HashMap::new(),
                cut: Vec::new(),
            },
        }
    }

    fn run(&mut self, emit: &mut dyn FnMut(Cell<'_>)) -> Result<(), ExtractError> {
        loop {
            let token = self.next(emit)?;
            match token {
                Token::Eof => return self.finish(),
                Token::Punct(b';') => {}
                Token::Punct(b'\\') => self.lex.reader.skip_line()?,
                _ if self.lex.is_word(token, "DELIMITER") => {
                    self.lex.dialect = Dialect::MySql;
                    self.lex.reader.skip_line()?;
                }
                _ if self.lex.is_word(token, "CREATE") => self.create(emit)?,
                _ if self.lex.is_word(token, "INSERT") || self.lex.is_word(token, "REPLACE") => {
                    self.insert(emit)?
                }
                _ if self.lex.is_word(token, "COPY") => self.copy(emit)?,
                _ => self.skip_statement(token, emit)?,
            }
        }
    }

    /// At the end of input: a pg_dump or mysqldump file must have reached its closing comment.
    fn finish(&self) -> Result<(), ExtractError> {
        match self.tool {
            Some(_) if !self.complete => Err(ExtractError::Malformed {
                line: Some(self.lex.reader.line),
                reason: "dump ends before the dump tool's closing comment (truncated?)".into(),
            }),
            _ => Ok(()),
        }
    }

    /// The next token that is not a comment; comments are emitted as plain cells.
    fn next(&mut self, emit: &mut dyn FnMut(Cell<'_>)) -> Result<Token, ExtractError> {
        loop {
            let token = self.lex.next_token()?;
            let Token::Comment { .. } = token else {
                return Ok(token);
            };
            self.note_comment();
            emit_plain(&self.lex, emit);
        }
    }

    /// Recognises the dump tools' opening and closing comments.
    fn note_comment(&mut self) {
        let text = self.lex.text.trim_ascii();
        if text.starts_with(b"PostgreSQL database dump complete")
            || text.starts_with(b"Dump completed")
        {
            self.complete = true;
        } else if self.tool.is_none() && text.starts_with(b"PostgreSQL database dump") {
            self.tool = Some(Tool::PgDump);
        } else if self.tool.is_none()
            && (text.starts_with(b"MySQL dump") || text.starts_with(b"MariaDB dump"))
        {
            self.tool = Some(Tool::MySqlDump);
        }
    }

    /// Consumes tokens through the next `;`, emitting string literals as plain cells.
    fn skip_statement(
        &mut self,
        mut token: Token,
        emit: &mut dyn FnMut(Cell<'_>),
    ) -> Result<(), ExtractError> {
        loop {
            match token {
                Token::Eof | Token::Punct(b';') => return Ok(()),
                Token::Str { binary: false, .. } => emit_plain(&self.lex, emit),
                _ => {}
            }
            token = self.next(emit)?;
        }
    }

    /// `CREATE [OR REPLACE] [TEMPORARY|UNLOGGED] TABLE [IF NOT EXISTS] name (columns...)`.
    fn create(&mut self, emit: &mut dyn FnMut(Cell<'_>)) -> Result<(), ExtractError> {
        const MODIFIERS: &[&str] = &["OR", "REPLACE", "GLOBAL", "LOCAL", "TEMPORARY", "TEMP"];
        let mut token = self.next(emit)?;
        while MODIFIERS.iter().any(|w| self.lex.is_word(token, w))
            || self.lex.is_word(token, "UNLOGGED")
        {
            token = self.next(emit)?;
        }
        if !self.lex.is_word(token, "TABLE") {
            return self.skip_statement(token, emit);
        }
        token = self.next(emit)?;
        if self.lex.is_word(token, "IF") {
            self.next(emit)?;
            self.next(emit)?;
            token = self.next(emit)?;
        }
        let Some((table, token)) = self.qualified_name(token, emit)? else {
            return self.skip_statement(token, emit);
        };
        if token != Token::Punct(b'(') {
            return self.skip_statement(token, emit);
        }
        let columns = self.column_definitions(emit)?;
        self.schemas.insert(table, columns);
        let token = self.next(emit)?;
        self.skip_statement(token, emit)
    }

    /// Column names of a `CREATE TABLE` body, read through its closing parenthesis.
    fn column_definitions(
        &mut self,
        emit: &mut dyn FnMut(Cell<'_>),
    ) -> Result<Vec<String>, ExtractError> {
        let start = self.lex.line;
        let mut columns = Vec::new();
        let mut depth = 1;
        let mut element_start = true;
        loop {
            let token = self.next(emit)?;
            match token {
                Token::Eof => return Err(truncated(start, "CREATE TABLE")),
                Token::Punct(b'(') => depth += 1,
                Token::Punct(b')') if depth == 1 => return Ok(columns),
                Token::Punct(b')') => depth -= 1,
                Token::Punct(b',') if depth == 1 => {
                    element_start = true;
                    continue;
                }
                Token::Word | Token::Ident if element_start && depth == 1 => {
                    let constraint = token == Token::Word
                        && CONSTRAINT_WORDS.iter().any(|w| self.lex.is_word(token, w));
                    if !constraint {
                        columns.push(self.lex_text());
                    }
                }
                Token::Str { binary: false, .. } => emit_plain(&self.lex, emit),
                _ => {}
            }
            element_start = false;
        }
    }

    /// `INSERT [IGNORE] INTO name [(columns)] [OVERRIDING ... VALUE] VALUES (...), (...);`
    fn insert(&mut self, emit: &mut dyn FnMut(Cell<'_>)) -> Result<(), ExtractError> {
        const MODIFIERS: &[&str] = &["LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "INTO"];
        let mut token = self.next(emit)?;
        while MODIFIERS.iter().any(|w| self.lex.is_word(token, w)) {
            token = self.next(emit)?;
        }
        let Some((table, mut token)) = self.qualified_name(token, emit)? else {
            return self.skip_statement(token, emit);
        };
        let mut columns = None;
        loop {
            if token == Token::Punct(b'(') && columns.is_none() {
                columns = Some(self.name_list(emit)?);
            } else if self.lex.is_word(token, "OVERRIDING") {
                self.next(emit)?;
                self.next(emit)?;
            } else if self.lex.is_word(token, "VALUES") || self.lex.is_word(token, "VALUE") {
                break;
            } else {
                return self.skip_statement(token, emit);
            }
            token = self.next(emit)?;
        }
        self.set_fields(&table, columns);
        self.rows(&table, emit)
    }

    /// Field names for a statement on `table`: its own column list, else the table's
    /// `CREATE TABLE` columns, else none (positional names).
    fn set_fields(&mut self, table: &str, columns: Option<Vec<String>>) {
        self.fields = match columns {
            Some(columns) => columns,
            None => self.schema(table).cloned().unwrap_or_default(),
        };
    }

    /// The columns recorded for `table`, matched as written or by its last name part.
    fn schema(&self, table: &str) -> Option<&Vec<String>> {
        self.schemas.get(table).or_else(|| {
            let last = table.rsplit('.').next()?;
            self.schemas.get(last).or_else(|| {
                self.schemas
                    .iter()
                    .find(|(name, _)| name.rsplit('.').next() == Some(last))
                    .map(|(_, columns)| columns)
            })
        })
    }

    /// The rows after `VALUES`, through the statement's end.
    fn rows(&mut self, table: &str, emit: &mut dyn FnMut(Cell<'_>)) -> Result<(), ExtractError> {
        loop {
            let token = self.next(emit)?;
            if token != Token::Punct(b'(') {
                return self.skip_statement(token, emit);
            }
            let take = self.rows.take(table);
            self.row(table, take, emit)?;
            match self.next(emit)? {
                Token::Punct(b',') => {}
                Token::Punct(b';') | Token::Eof => return Ok(()),
                token => return self.skip_statement(token, emit),
            }
        }
    }

    /// One parenthesised row; each literal is a cell of the column it sits in (when `take`).
    fn row(
        &mut self,
        table: &str,
        take: bool,
        emit: &mut dyn FnMut(Cell<'_>),
    ) -> Result<(), ExtractError> {
        let start = self.lex.line;
        let mut depth = 1;
        let mut index = 0;
        loop {
            let token = self.next(emit)?;
            match token {
                Token::Eof => return Err(truncated(start, "INSERT row")),
                Token::Punct(b'(') => depth += 1,
                Token::Punct(b')') if depth == 1 => return Ok(()),
                Token::Punct(b')') => depth -= 1,
                Token::Punct(b',') if depth == 1 => index += 1,
                Token::Str { binary: false, .. } | Token::Num { hex: false } if take => {
                    self.emit_value(table, index, emit);
                }
                _ => {}
            }
        }
    }

    fn emit_value(&mut self, table: &str, index: usize, emit: &mut dyn FnMut(Cell<'_>)) {
        if self.lex.text.is_empty() {
            return;
        }
        while self.fields.len() <= index {
            self.fields.push(positional_name(self.fields.len()));
        }
        emit(Cell {
            text: &self.lex.text,
            line: self.lex.line,
            column: self.lex.column,
            container: Some(table),
            field: Some(&self.fields[index]),
            locator: None,
            escapes: &self.lex.escapes,
        });
    }

    /// `COPY name [(columns)] FROM stdin [options];` followed by its data block.
    fn copy(&mut self, emit: &mut dyn FnMut(Cell<'_>)) -> Result<(), ExtractError> {
        let start = self.lex.line;
        let token = self.next(emit)?;
        let Some((table, mut token)) = self.qualified_name(token, emit)? else {
            return self.skip_statement(token, emit);
        };
        let mut columns = None;
        if token == Token::Punct(b'(') {
            columns = Some(self.name_list(emit)?);
            token = self.next(emit)?;
        }
        if !self.lex.is_word(token, "FROM") {
            return self.skip_statement(token, emit);
        }
        let token = self.next(emit)?;
        if !self.lex.is_word(token, "STDIN") {
            return self.skip_statement(token, emit);
        }
        let token = self.next(emit)?;
        self.skip_statement(token, emit)?;
        self.lex.reader.skip_line()?;
        self.set_fields(&table, columns);
        let rows = &mut self.rows;
        let block = copy::Block {
            table: &table,
            fields: &mut self.fields,
            start,
            take_row: &mut || rows.take(&table),
        };
        copy::extract(&mut self.lex.reader, block, &mut self.lex.text, emit)
    }

    /// Reads `name` or `schema.name` (quoted or not) starting at `token`; returns the name as
    /// written without quotes and the token after it, or `None` when `token` is not a name.
    fn qualified_name(
        &mut self,
        mut token: Token,
        emit: &mut dyn FnMut(Cell<'_>),
    ) -> Result<Option<(String, Token)>, ExtractError> {
        let mut name = String::new();
        loop {
            if !matches!(token, Token::Word | Token::Ident) {
                return Ok(None);
            }
            name.push_str(&self.lex_text());
            token = self.next(emit)?;
            if token != Token::Punct(b'.') {
                return Ok(Some((name, token)));
            }
            name.push('.');
            token = self.next(emit)?;
        }
    }

    /// A parenthesised list of column names, read through its `)`.
    fn name_list(&mut self, emit: &mut dyn FnMut(Cell<'_>)) -> Result<Vec<String>, ExtractError> {
        let start = self.lex.line;
        let mut names = Vec::new();
        loop {
            match self.next(emit)? {
                Token::Word | Token::Ident | Token::Str { .. } => names.push(self.lex_text()),
                Token::Punct(b')') => return Ok(names),
                Token::Eof => return Err(truncated(start, "column list")),
                _ => {}
            }
        }
    }

    fn lex_text(&self) -> String {
        String::from_utf8_lossy(&self.lex.text).into_owned()
    }
}

fn truncated(start: u64, what: &str) -> ExtractError {
    ExtractError::Malformed {
        line: Some(start),
        reason: format!("input ends inside the {what} that starts on this line (truncated?)"),
    }
}

/// Emits the last token's text as a plain cell (a comment or a string outside any row).
fn emit_plain(lex: &Lexer<'_>, emit: &mut dyn FnMut(Cell<'_>)) {
    if lex.text.iter().any(|b| !b.is_ascii_whitespace()) {
        emit(Cell {
            text: &lex.text,
            line: lex.line,
            column: lex.column,
            container: None,
            field: None,
            locator: None,
            escapes: &lex.escapes,
        });
    }
}

#[cfg(test)]
mod tests;
