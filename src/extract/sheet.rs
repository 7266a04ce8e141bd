//! Spreadsheets (xlsx, xlsm, xlsb, xls, ods) read sheet by sheet through calamine.
//!
//! Workbooks need random access, so this extractor opens the path instead of streaming. Each
//! non-empty cell becomes one [`Cell`]: `container` is the sheet name, `field` the text of the
//! column's header (or its letter, `C`, when there is none), `locator` the cell reference
//! (`C17`), `line` the row number and `column` the column number.
//!
//! Real workbooks put titles and blank rows above the header, so the header is the first of
//! the top rows that looks like one (see `header_row`); rows above it are still scanned.
//! Values are rendered as a user sees them: whole numbers without exponent or fraction
//! (a card number stored as a number reads `4111111111111111`), dates in ISO 8601.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::path::Path;

use calamine::{Data, DataRef, Reader, Sheets};

use super::{Cell, ExtractError, Sampling, archive, biff, compound, header};

/// Rows searched for the header.
const HEADER_SEARCH: usize = 30;

/// The workbook formats calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workbook {
    /// Office Open XML (`.xlsx`, `.xlsm`).
    Xlsx,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
    /// Excel 97-2003 (`.xls`, BIFF in an OLE container).
    Xls,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
}

impl Workbook {
    /// Lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Workbook::Xlsx => "xlsx",
            Workbook::Xlsb => "xlsb",
            Workbook::Xls => "xls",
            Workbook::Ods => "ods",
        }
    }
}

/// Opens the workbook at `path` as `format` and emits one cell per non-empty cell of every
/// sheet. A sheet that cannot be read is skipped and its error returned after the others.
pub(crate) fn extract_path(
    path: &Path,
    format: Workbook,
    max_part_size: u64,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let file = BufReader::new(File::open(path)?);
    extract_workbook(file, format, max_part_size, sampling, emit)
}

/// Reads a whole workbook from `input` (standard input) into memory, then as
/// [`extract_path`] does.
pub(crate) fn extract_reader(
    input: &mut dyn BufRead,
    format: Workbook,
    max_part_size: u64,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    extract_workbook(Cursor::new(bytes), format, max_part_size, sampling, emit)
}

/// Opens the workbook in `input` and reads every sheet. The parts of a zip-based workbook
/// are checked against `max_part_size` first (see [`archive::oversized_part`]); an `.xls` is
/// read whole first and its container and sheet sizes checked (see [`compound`] and
/// [`biff`]): a damaged one can make the reader loop or abort the process.
fn extract_workbook<RS: Read + Seek>(
    mut input: RS,
    format: Workbook,
    max_part_size: u64,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    if format != Workbook::Xls {
        check_part_sizes(&mut input, max_part_size)?;
        return extract_sheets(open(input, format).map_err(unreadable)?, sampling, emit);
    }
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    let refuse = |reason: String| ExtractError::Malformed {
        line: None,
        reason: format!("workbook cannot be opened: {reason}"),
    };
    compound::check_chains(&bytes).map_err(|err| refuse(err.to_string()))?;
    if let Some(stream) = compound::workbook_stream(&bytes) {
        biff::check_sheet_extents(&stream).map_err(|err| refuse(err.to_string()))?;
    }
    let workbook = open(Cursor::new(bytes), format).map_err(unreadable)?;
    extract_sheets(workbook, sampling, emit)
}

fn extract_sheets<RS: Read + Seek>(
    mut workbook: Sheets<RS>,
    sampling: &mut Sampling,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let mut first_error = None;
    for (index, name) in workbook.sheet_names().into_iter().enumerate() {
        let sheet = SheetCells::new(&name, sampling, emit);
        if let Err(reason) = read_sheet(&mut workbook, &name, sheet) {
            first_error.get_or_insert(ExtractError::Malformed {
                line: None,
                reason: format!("sheet {}: {}", index + 1, redact_quoted(&reason)),
            });
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Reads sheet `name` into `sheet`: cell by cell from xlsx and xlsb, whatever rectangle their
/// cells span; xls and ods through calamine's range of the sheet.
fn read_sheet<RS: Read + Seek>(
    workbook: &mut Sheets<RS>,
    name: &str,
    sheet: SheetCells<'_>,
) -> Result<(), String> {
    match workbook {
        Sheets::Xlsx(book) => {
            let mut cells = book
                .worksheet_cells_reader(name)
                .map_err(|e| e.to_string())?;
            read_cells(sheet, || cells.next_cell())
        }
        Sheets::Xlsb(book) => {
            let mut cells = book
                .worksheet_cells_reader(name)
                .map_err(|e| e.to_string())?;
            read_cells(sheet, || cells.next_cell())
        }
        Sheets::Xls(_) | Sheets::Ods(_) => {
            let range = workbook.worksheet_range(name).map_err(|e| e.to_string())?;
            let (first_row, first_column) = range.start().unwrap_or_default();
            let mut cells = range.used_cells().map(|(row, column, data)| {
                let at = |start: u32, offset: usize| start + offset as u32;
                (at(first_row, row), at(first_column, column), data.clone())
            });
            sheet.read(|| Ok(cells.next()))
        }
    }
}

/// Fails when a part of the zip-based workbook in `input` declares more than `max_part_size`
/// decompressed bytes, and rewinds `input` otherwise. A zip that cannot be opened is left to
/// the workbook reader, whose error says more.
fn check_part_sizes<RS: Read + Seek>(
    input: &mut RS,
    max_part_size: u64,
) -> Result<(), ExtractError> {
    if let Ok(mut zip) = zip::ZipArchive::new(&mut *input)
        && let Some(reason) = archive::oversized_part(&mut zip, max_part_size)
    {
        return Err(ExtractError::Malformed {
            line: None,
            reason: format!("workbook not read: {reason}"),
        });
    }
    input.rewind()?;
    Ok(())
}

fn open<RS: Read + Seek>(input: RS, format: Workbook) -> Result<Sheets<RS>, calamine::Error> {
    use calamine::{Error, open_workbook_from_rs as from};
    Ok(match format {
        Workbook::Xlsx => Sheets::Xlsx(from(input).map_err(Error::Xlsx)?),
        Workbook::Xlsb => Sheets::Xlsb(from(input).map_err(Error::Xlsb)?),
        Workbook::Xls => Sheets::Xls(from(input).map_err(Error::Xls)?),
        Workbook::Ods => Sheets::Ods(from(input).map_err(Error::Ods)?),
    })
}

fn unreadable(err: calamine::Error) -> ExtractError {
    match err {
        calamine::Error::Io(io) => ExtractError::Io(io),
        other => ExtractError::Malformed {
            line: None,
            reason: format!(
                "workbook cannot be opened: {}",
                redact_quoted(&other.to_string())
            ),
        },
    }
}

/// Calamine's reason with every double-quoted part replaced by `"…"`: its messages may quote
/// the file's bytes, and error messages never show file content.
fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (index, part) in parts.enumerate() {
        if index % 2 == 0 {
            out.push_str("\"…\"");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Reads into `sheet` the cells `next_cell` gives, one of calamine's cell-by-cell readers.
fn read_cells<'a, E: std::fmt::Display>(
    sheet: SheetCells<'_>,
    mut next_cell: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
) -> Result<(), String> {
    sheet.read(|| {
        let cell = next_cell().map_err(|e| e.to_string())?;
        Ok(cell.map(|cell| {
            let (row, column) = cell.get_position();
            (row, column, Data::from(cell.get_value().clone()))
        }))
    })
}

/// A cell as read from a sheet: 0-based row, 0-based column, value.
type SheetCell = (u32, u32, Data);

/// Turns the cells of one sheet, in row order, into [`Cell`]s: rows above the header with
/// letters as fields, then the rows below it (at most `sampling.max_rows`) with header texts
/// as fields. The top [`HEADER_SEARCH`] rows are held until the header is known; later cells
/// pass one at a time, so a sheet costs memory for its cells, not for the rectangle they span
/// (one value in `A1` and one in `XFD1048576` made calamine's range ask for 549 GB).
struct SheetCells<'s> {
    name: &'s str,
    sampling: &'s mut Sampling,
    emit: &'s mut dyn FnMut(Cell<'_>),
    /// Cells of the top rows, while the header is not known.
    top: Vec<SheetCell>,
    layout: Option<Layout>,
    /// Data rows taken so far, and the row of the last data cell.
    taken: u64,
    last_data_row: Option<u32>,
}

/// Where a sheet's header is and what it names each column.
struct Layout {
    /// Row of the header, if the sheet has one.
    header: Option<u32>,
    /// Column of `fields[0]`.
    first_column: u32,
    fields: Vec<String>,
}

impl<'s> SheetCells<'s> {
    fn new(name: &'s str, sampling: &'s mut Sampling, emit: &'s mut dyn FnMut(Cell<'_>)) -> Self {
        SheetCells {
            name,
            sampling,
            emit,
            top: Vec::new(),
            layout: None,
            taken: 0,
            last_data_row: None,
        }
    }

    /// Takes every cell `next` gives, until it gives `None`, fails, or the sample is complete.
    /// The cells read before a failure are emitted all the same.
    fn read(
        mut self,
        mut next: impl FnMut() -> Result<Option<SheetCell>, String>,
    ) -> Result<(), String> {
        let result = loop {
            match next() {
                Ok(Some(cell)) => {
                    if !self.push(cell) {
                        break Ok(());
                    }
                }
                Ok(None) => break Ok(()),
                Err(reason) => break Err(reason),
            }
        };
        if self.layout.is_none() {
            self.settle();
        }
        result
    }

    /// Takes the next cell; `false` once the sample is complete.
    fn push(&mut self, cell: SheetCell) -> bool {
        if self.layout.is_none() {
            let first_row = self.top.first().map_or(cell.0, |c| c.0);
            if cell.0 < first_row.saturating_add(HEADER_SEARCH as u32) {
                self.top.push(cell);
                return true;
            }
            if !self.settle() {
                return false;
            }
        }
        self.emit_cell(cell)
    }

    /// Finds the header among the top rows, then emits them; `false` once the sample is
    /// complete.
    fn settle(&mut self) -> bool {
        let top = std::mem::take(&mut self.top);
        let first_row = top.iter().map(|c| c.0).min().unwrap_or(0);
        let first_column = top.iter().map(|c| c.1).min().unwrap_or(0);
        let width = top
            .iter()
            .map(|c| c.1 - first_column + 1)
            .max()
            .unwrap_or(0) as usize;
        let height = top.iter().map(|c| c.0 - first_row + 1).max().unwrap_or(0) as usize;
        let mut rows = vec![vec![Data::Empty; width]; height];
        for (row, column, data) in &top {
            rows[(row - first_row) as usize][(column - first_column) as usize] = data.clone();
        }
        let row_slices: Vec<&[Data]> = rows.iter().map(Vec::as_slice).collect();
        let header = header_row(&row_slices);
        self.layout = Some(Layout {
            header: header.map(|h| first_row + h as u32),
            first_column,
            fields: field_names(header.map(|h| row_slices[h]), first_column, width),
        });
        top.into_iter().all(|cell| self.emit_cell(cell))
    }

    /// Emits one cell once the layout is known; `false` once the sample is complete.
    fn emit_cell(&mut self, (row, column, data): SheetCell) -> bool {
        let Some(layout) = &self.layout else {
            return true;
        };
        if layout.header == Some(row) {
            return true;
        }
        // Data rows: those below the header, or every row of a sheet without one.
        let is_data = layout.header.is_none_or(|h| row > h);
        if is_data && self.last_data_row != Some(row) {
            if self.sampling.max_rows.is_some_and(|max| self.taken >= max) {
                self.sampling.mark_cut(Some(self.name));
                return false;
            }
            self.taken += 1;
            self.last_data_row = Some(row);
        }
        let Some(text) = render(&data) else {
            return true;
        };
        let letter = column_letter(column);
        let header_field = column
            .checked_sub(layout.first_column)
            .and_then(|offset| layout.fields.get(offset as usize));
        let field = match header_field {
            Some(field) if is_data => field.as_str(),
            _ => letter.as_str(),
        };
        let line = u64::from(row) + 1;
        let locator = format!("{letter}{line}");
        (self.emit)(Cell {
            text: text.as_bytes(),
            line,
            column: u64::from(column) + 1,
            container: Some(self.name),
            field: Some(field),
            locator: Some(&locator),
            escapes: &[],
        });
        true
    }
}

/// Index of the first row among the top [`HEADER_SEARCH`] that looks like a header (the rule
/// shared with CSV, [`header::header_row`]): it covers at least half as many columns as the
/// fullest row there, and [`is_header_like`].
pub(crate) fn header_row(rows: &[&[Data]]) -> Option<usize> {
    let top = &rows[..rows.len().min(HEADER_SEARCH)];
    let filled: Vec<usize> = top
        .iter()
        .map(|row| row.iter().filter(|d| !is_blank(d)).count())
        .collect();
    header::header_row(&filled, |index| is_header_like(top[index]))
}

/// True when all the row's non-empty cells but one (a numbered index column) are text; at
/// least two are; none looks like a value
/// ([`header::looks_like_value`]); and most are words rather than two-letter codes.
fn is_header_like(row: &[Data]) -> bool {
    let cells: Vec<&Data> = row.iter().filter(|d| !is_blank(d)).collect();
    let texts: Vec<&str> = cells
        .iter()
        .filter_map(|d| match d {
            Data::String(s) => Some(s.trim()),
            _ => None,
        })
        .collect();
    let words = texts.iter().filter(|t| t.chars().count() >= 3).count();
    texts.len() >= 2
        && cells.len() - texts.len() <= 1
        && words * 2 >= texts.len()
        && !texts.iter().any(|t| header::looks_like_value(t))
}

fn is_blank(data: &Data) -> bool {
    match data {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The field of each column: the header's text with whitespace collapsed, or the letter.
fn field_names(header: Option<&[Data]>, first_column: u32, width: usize) -> Vec<String> {
    (0..width)
        .map(|offset| {
            let text = match header.and_then(|h| h.get(offset)) {
                Some(Data::String(s)) => s.split_whitespace().collect::<Vec<_>>().join(" "),
                _ => String::new(),
            };
            if text.is_empty() {
                column_letter(first_column + offset as u32)
            } else {
                text
            }
        })
        .collect()
}

/// Spreadsheet letters of a 0-based column index: `A`, `Z`, `AA`, `XFD`.
pub(crate) fn column_letter(index: u32) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters are UTF-8")
}

/// The text a user sees in the cell; `None` for empty and error cells.
pub(crate) fn render(data: &Data) -> Option<Cow<'_, str>> {
    let text = match data {
        Data::Empty | Data::Error(_) => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s.as_str()),
        Data::Int(i) => Cow::Owned(i.to_string()),
        // `Display` for f64 never uses an exponent and drops a zero fraction.
        Data::Float(f) => Cow::Owned(f.to_string()),
        Data::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Data::DateTime(dt) if dt.is_datetime() => Cow::Owned(iso_datetime(dt)),
        Data::DateTime(dt) => Cow::Owned(dt.as_f64().to_string()),
    };
    (!text.trim().is_empty()).then_some(text)
}

fn iso_datetime(dt: &calamine::ExcelDateTime) -> String {
    let (year, month, day, hour, minute, second, _) = dt.to_ymd_hms_milli();
    if (hour, minute, second) == (0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    fn s(text: &str) -> Data {
        Data::String(text.to_string())
    }

    #[test]
    fn card_number_in_a_float_cell_reads_as_its_digits() {
        assert_eq!(
            render(&Data::Float(4111111111111111.0)).as_deref(),
            Some("4111111111111111")
        );
        assert_eq!(render(&Data::Float(2.5)).as_deref(), Some("2.5"));
        assert_eq!(render(&Data::Int(5550100)).as_deref(), Some("5550100"));
    }

    #[test]
    fn dates_render_as_iso() {
        let date = ExcelDateTime::new(45943.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(render(&Data::DateTime(date)).as_deref(), Some("2025-10-13"));
        let stamp = ExcelDateTime::new(45943.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            render(&Data::DateTime(stamp)).as_deref(),
            Some("2025-10-13T12:00:00")
        );
    }

    #[test]
    fn empty_and_error_cells_render_nothing() {
        assert_eq!(render(&Data::Empty), None);
        assert_eq!(render(&s("  ")), None);
    }

    #[test]
    fn quoted_content_is_redacted_from_reasons() {
        assert_eq!(
            redact_quoted(r#"found 'Text(Borrowed("jane@example.com"))' at "x""#),
            r#"found 'Text(Borrowed("…"))' at "…""#
        );
    }

    #[test]
    fn column_letters_follow_spreadsheet_order() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(16383), "XFD");
    }

    #[test]
    fn header_skips_title_and_blank_rows() {
        let title = [s("Customer list"), Data::Empty, Data::Empty];
        let blank = [Data::Empty, Data::Empty, Data::Empty];
        let header = [s("Name"), s("Email"), s("Card")];
        let data = [
            s("Jane Doe"),
            s("jane@example.com"),
            Data::Float(4111111111111111.0),
        ];
        let rows: Vec<&[Data]> = vec![&title, &blank, &header, &data];
        assert_eq!(header_row(&rows), Some(2));
    }

    #[test]
    fn header_may_have_an_index_column_and_long_titles() {
        let long = "Situation of property in respect of which the qualification exists".repeat(2);
        let header = [Data::Float(0.0), s("First Name"), s("Last Name"), s(&long)];
        let data = [Data::Float(1.0), s("Jane"), s("Doe"), s("Springfield")];
        let rows: Vec<&[Data]> = vec![&header, &data];
        assert_eq!(header_row(&rows), Some(0));
    }

    #[test]
    fn row_of_codes_is_not_the_header() {
        let codes = [Data::Float(1.0), s("AR"), s("BA"), s("C1")];
        let header = [s("No."), s("Contact"), s("Phone"), s("eMail")];
        let rows: Vec<&[Data]> = vec![&codes, &header];
        assert_eq!(header_row(&rows), Some(1));
    }

    /// (field, locator) of each cell emitted for `cells` of a sheet named `name`.
    fn fields_of(
        name: &str,
        cells: impl IntoIterator<Item = SheetCell>,
        sampling: &mut Sampling,
    ) -> Vec<(String, String)> {
        let mut cells = cells.into_iter();
        let mut fields = Vec::new();
        let mut emit = |cell: Cell<'_>| {
            fields.push((
                cell.field.unwrap_or("").to_string(),
                cell.locator.unwrap_or("").to_string(),
            ))
        };
        let sheet = SheetCells::new(name, sampling, &mut emit);
        sheet.read(|| Ok(cells.next())).unwrap();
        fields
    }

    #[test]
    fn sheet_without_header_is_sampled_too() {
        let cells = (0..3u32).flat_map(|row| {
            [
                (row, 0, s("jane@example.com")),
                (row, 1, Data::Float(row.into())),
            ]
        });
        let mut sampling = Sampling::new(Some(2));
        let fields = fields_of("People", cells, &mut sampling);
        assert_eq!(fields.len(), 4, "two rows of two cells");
        assert_eq!(fields[0], ("A".to_string(), "A1".to_string()));
        assert!(sampling.was_cut(Some("People")));
    }

    #[test]
    fn far_apart_cells_cost_no_rectangle_and_keep_their_places() {
        let far = [
            (0, 0, s("email")),
            (0, 1, s("name")),
            (1, 0, s("jane@example.com")),
            (1, 1, s("Jane")),
            (1_048_575, 16_383, s("bob@example.org")),
        ];
        assert_eq!(
            fields_of("S", far, &mut Sampling::default()),
            vec![
                ("email".to_string(), "A2".to_string()),
                ("name".to_string(), "B2".to_string()),
                ("XFD".to_string(), "XFD1048576".to_string())
            ]
        );
    }

    #[test]
    fn sheet_of_values_has_no_header() {
        let a = [s("jane@example.com"), Data::Float(1.0)];
        let b = [s("john@example.com"), Data::Float(2.0)];
        let rows: Vec<&[Data]> = vec![&a, &b];
        assert_eq!(header_row(&rows), None);
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    /// (sheet, field, locator, text) of each cell of a fixture workbook.
    type Row = (String, String, String, String);

    fn cells(name: &str, format: Workbook) -> (Vec<Row>, Result<(), ExtractError>) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/sheet")
            .join(name);
        let mut out = Vec::new();
        let result = extract_path(
            &path,
            format,
            u64::MAX,
            &mut Sampling::default(),
            &mut |cell| {
                out.push((
                    cell.container.unwrap_or("").to_string(),
                    cell.field.unwrap_or("").to_string(),
                    cell.locator.unwrap_or("").to_string(),
                    String::from_utf8_lossy(cell.text).into_owned(),
                ))
            },
        );
        (out, result)
    }

    #[test]
    fn libreoffice_workbooks_give_header_fields_and_card_digits() {
        for (name, format) in [
            ("contacts.xlsx", Workbook::Xlsx),
            ("contacts.xls", Workbook::Xls),
            ("contacts.ods", Workbook::Ods),
        ] {
            let (got, result) = cells(name, format);
            assert!(result.is_ok(), "{name}: {result:?}");
            let card = got.iter().find(|c| c.2 == "E4").expect("card cell");
            assert_eq!(
                (card.1.as_str(), card.3.as_str()),
                ("Card Number", "370001234567899"),
                "{name}"
            );
            let dob = got.iter().find(|c| c.2 == "F4").expect("date cell");
            assert_eq!(
                (dob.1.as_str(), dob.3.as_str()),
                ("Date of Birth", "1980-04-12"),
                "{name}"
            );
            assert_eq!(got[0].1, "A", "{name}: the title row keeps letter fields");
            assert_eq!(got[0].0, "contacts", "{name}: sheet name is the container");
        }
    }

    #[test]
    fn sixteen_digit_card_in_a_numeric_cell_reads_as_its_digits() {
        let (got, result) = cells("cards.xlsx", Workbook::Xlsx);
        assert!(result.is_ok(), "{result:?}");
        let card = got.iter().find(|c| c.2 == "C4").expect("card cell");
        assert_eq!(
            (card.0.as_str(), card.1.as_str(), card.3.as_str()),
            ("Payments", "Card Number", "4000123456789017")
        );
    }

    #[test]
    fn wrong_format_is_an_error_not_a_crash() {
        let (_, result) = cells("contacts.ods", Workbook::Xls);
        assert!(result.is_err());
    }

    #[test]
    fn corrupt_workbook_is_an_error_with_calamine_reason() {
        let (got, result) = cells("corrupt.xlsx", Workbook::Xlsx);
        assert!(got.is_empty());
        let reason = result.expect_err("corrupt zip").to_string();
        assert!(
            reason.starts_with("workbook cannot be opened: "),
            "{reason}"
        );
    }
}
