//! The records (BIFF) of an `.xls` workbook stream, checked before the workbook reader opens
//! them.
//!
//! calamine (0.38) keeps each sheet as one dense rectangle spanning all its cells, and reserves
//! room for the rectangle the sheet's DIMENSIONS record claims, before reading a cell. One
//! damaged record is enough to make either rectangle billions of cells wide: a cell in column
//! 65,535, or a DIMENSIONS record whose last row comes before its first. The allocation then
//! fails, and a failed allocation aborts the process: the whole scan was lost, exit code 134.
//! An `.xls` sheet holds at most 65,536 rows of 256 columns, so a sheet whose cells or
//! dimensions span more is damaged, and refused here. The records are walked the way calamine
//! walks them: the sheets where the workbook's BOUNDSHEET records place them, the records of
//! charts embedded in a sheet left out.

/// The rows of an `.xls` sheet (BIFF8).
const MAX_ROWS: u64 = 65_536;
/// The columns of an `.xls` sheet.
const MAX_COLUMNS: u64 = 256;

/// Record types.
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;
const FORMULA: u16 = 0x0006;
const MULRK: u16 = 0x00BD;
/// Records of one cell that start with its row and column: NUMBER, LABEL, RSTRING, BOOLERR,
/// RK and LABELSST.
const SINGLE_CELLS: [u16; 6] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD];

/// Why a workbook is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BiffError {
    /// A sheet's cells, or its DIMENSIONS record, span more than a sheet holds.
    #[error(
        "damaged workbook: sheet {sheet} spans {rows} × {columns} cells, more than an .xls sheet \
         holds ({MAX_ROWS} × {MAX_COLUMNS})"
    )]
    OversizedSheet {
        /// The sheet's number, from 1, in the order the workbook lists its sheets.
        sheet: usize,
        /// The rows and columns it spans.
        rows: u64,
        /// See `rows`.
        columns: u64,
    },
}

/// Checks that no sheet of the workbook `stream` spans more rows or columns than an `.xls`
/// sheet has, by its cells or by its DIMENSIONS record.
pub fn check_sheet_extents(stream: &[u8]) -> Result<(), BiffError> {
    for (index, position) in sheet_positions(stream).into_iter().enumerate() {
        let records = stream.get(position..).unwrap_or_default();
        let (rows, columns) = sheet_extent(records);
        if rows.saturating_mul(columns) > MAX_ROWS * MAX_COLUMNS {
            return Err(BiffError::OversizedSheet {
                sheet: index + 1,
                rows,
                columns,
            });
        }
    }
    Ok(())
}

/// Where each sheet's records start, from the BOUNDSHEET records before the workbook
/// globals' EOF.
fn sheet_positions(stream: &[u8]) -> Vec<usize> {
    let mut positions = Vec::new();
    for (kind, data) in Records(stream) {
        match kind {
            BOUNDSHEET => positions.extend(data.get(..4).map(|at| le_u32(at) as usize)),
            EOF => break,
            _ => {}
        }
    }
    positions
}

/// The widest rows × columns of a sheet's records: what its cells span, or what its
/// DIMENSIONS record claims, computed as calamine computes them.
fn sheet_extent(records: &[u8]) -> (u64, u64) {
    let mut cells = Span::default();
    let mut widest = (0, 0);
    let mut seen_bof = false;
    let mut chart_depth = 0usize;
    for (kind, data) in Records(records) {
        if chart_depth > 0 {
            match kind {
                BOF => chart_depth += 1,
                EOF => chart_depth -= 1,
                _ => {}
            }
            continue;
        }
        match kind {
            BOF if seen_bof => chart_depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => widest = wider(widest, claimed_dimensions(data)),
            FORMULA if data.len() >= 20 => cells.add(le_u16(data), le_u16(&data[2..])),
            MULRK => add_mul_rk(&mut cells, data),
            kind if SINGLE_CELLS.contains(&kind) && data.len() >= 4 => {
                cells.add(le_u16(data), le_u16(&data[2..]));
            }
            _ => {}
        }
    }
    wider(widest, cells.extent())
}

/// The rows and columns a DIMENSIONS record claims (BIFF8: 32-bit rows; BIFF5: 16-bit), with
/// calamine's arithmetic: a last row before the first wraps around to four billion rows.
fn claimed_dimensions(data: &[u8]) -> (u64, u64) {
    let (first_row, row_after, mut first_column, column_after) = match data.len() {
        10 => (
            u32::from(le_u16(data)),
            u32::from(le_u16(&data[2..])),
            u32::from(le_u16(&data[4..])),
            u32::from(le_u16(&data[6..])),
        ),
        14 | 16 => (
            le_u32(data),
            le_u32(&data[4..]),
            u32::from(le_u16(&data[8..])),
            u32::from(le_u16(&data[10..])),
        ),
        _ => return (0, 0),
    };
    if first_column > 0xFF || column_after < first_column {
        first_column = 0;
    }
    if row_after == 0 || column_after == 0 {
        return (1, 1);
    }
    let count = |first: u32, after: u32| u64::from((after - 1).wrapping_sub(first).wrapping_add(1));
    (
        count(first_row, row_after),
        count(first_column, column_after),
    )
}

/// Adds the cells of a MULRK record: one row, a run of columns.
fn add_mul_rk(cells: &mut Span, data: &[u8]) {
    if data.len() < 12 || !(data.len() - 6).is_multiple_of(6) {
        return;
    }
    let row = le_u16(data);
    let first = le_u16(&data[2..]);
    let count = (data.len() - 6) / 6;
    cells.add(row, first);
    cells.add_column(u32::from(first) + count as u32 - 1);
}

/// The larger of two extents, by their number of cells.
fn wider(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    if b.0.saturating_mul(b.1) > a.0.saturating_mul(a.1) {
        b
    } else {
        a
    }
}

/// The rows and columns a sheet's cells reach.
#[derive(Default)]
struct Span {
    rows: Option<(u32, u32)>,
    columns: Option<(u32, u32)>,
}

impl Span {
    /// Takes in the cell at `row`, `column`.
    fn add(&mut self, row: u16, column: u16) {
        self.rows = Some(stretch(self.rows, u32::from(row)));
        self.add_column(u32::from(column));
    }

    /// Takes in `column`, in a row already taken in.
    fn add_column(&mut self, column: u32) {
        self.columns = Some(stretch(self.columns, column));
    }

    /// The rows and columns spanned, zero when no cell was taken in.
    fn extent(&self) -> (u64, u64) {
        let count =
            |range: Option<(u32, u32)>| range.map_or(0, |(low, high)| u64::from(high - low) + 1);
        (count(self.rows), count(self.columns))
    }
}

/// `range` stretched to take in `at`.
fn stretch(range: Option<(u32, u32)>, at: u32) -> (u32, u32) {
    range.map_or((at, at), |(low, high)| (low.min(at), high.max(at)))
}

/// The records of a stream as (type, data), until the stream ends or a record runs past it.
struct Records<'a>(&'a [u8]);

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let kind = le_u16(self.0.get(..2)?);
        let len = usize::from(le_u16(self.0.get(2..4)?));
        let data = self.0.get(4..4 + len)?;
        self.0 = &self.0[4 + len..];
        Some((kind, data))
    }
}

/// The little-endian 16-bit number `bytes` start with.
fn le_u16(bytes: &[u8]) -> u16 {
    u16::from_le_bytes([bytes[0], bytes[1]])
}

/// The little-endian 32-bit number `bytes` start with.
fn le_u32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut bytes = kind.to_le_bytes().to_vec();
        bytes.extend((data.len() as u16).to_le_bytes());
        bytes.extend(data);
        bytes
    }

    fn label_sst(row: u16, column: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(column.to_le_bytes());
        data.extend([0u8; 6]);
        record(0x00FD, &data)
    }

    fn dimensions(first_row: u32, row_after: u32, first_column: u16, column_after: u16) -> Vec<u8> {
        let mut data = first_row.to_le_bytes().to_vec();
        data.extend(row_after.to_le_bytes());
        data.extend(first_column.to_le_bytes());
        data.extend(column_after.to_le_bytes());
        data.extend([0u8; 2]);
        record(DIMENSIONS, &data)
    }

    /// A workbook stream of one sheet holding `sheet_records` between its BOF and EOF.
    fn workbook(sheet_records: &[Vec<u8>]) -> Vec<u8> {
        let globals_len = 3 * 4 + 16 + 8;
        let mut boundsheet = (globals_len as u32).to_le_bytes().to_vec();
        boundsheet.extend([0, 0, 0, 0]);
        let mut bytes = record(BOF, &[0; 16]);
        bytes.extend(record(BOUNDSHEET, &boundsheet));
        bytes.extend(record(EOF, &[]));
        assert_eq!(bytes.len(), globals_len);
        bytes.extend(record(BOF, &[0; 16]));
        sheet_records.iter().for_each(|r| bytes.extend(r));
        bytes.extend(record(EOF, &[]));
        bytes
    }

    #[test]
    fn a_sheet_within_the_format_s_grid_passes() {
        let corners = [
            dimensions(0, 65_536, 0, 256),
            label_sst(0, 0),
            label_sst(65_535, 255),
        ];
        assert_eq!(check_sheet_extents(&workbook(&corners)), Ok(()));
    }

    #[test]
    fn a_cell_beyond_the_last_column_is_refused() {
        let far = [label_sst(1, 1), label_sst(65_535, 65_535)];
        assert_eq!(
            check_sheet_extents(&workbook(&far)),
            Err(BiffError::OversizedSheet {
                sheet: 1,
                rows: 65_535,
                columns: 65_535
            })
        );
    }

    #[test]
    fn dimensions_whose_last_row_comes_first_are_refused() {
        let backwards = [dimensions(10, 5, 0, 4), label_sst(0, 0)];
        let refused = check_sheet_extents(&workbook(&backwards));
        assert!(
            matches!(refused, Err(BiffError::OversizedSheet { rows, columns: 4, .. }) if rows > 4_000_000_000),
            "{refused:?}"
        );
    }

    #[test]
    fn cells_of_an_embedded_chart_do_not_count() {
        let chart = [
            label_sst(0, 0),
            record(BOF, &[0; 16]),
            label_sst(65_535, 65_535),
            record(EOF, &[]),
            label_sst(3, 3),
        ];
        assert_eq!(check_sheet_extents(&workbook(&chart)), Ok(()));
    }

    #[test]
    fn a_run_of_rk_cells_counts_its_last_column() {
        let mut data = 7u16.to_le_bytes().to_vec();
        data.extend(250u16.to_le_bytes());
        data.extend([0u8; 6 * 10]);
        data.extend(259u16.to_le_bytes());
        let run = [label_sst(0, 0), record(MULRK, &data)];
        let (rows, columns) = sheet_extent(&workbook(&run)[36..]);
        assert_eq!((rows, columns), (8, 260));
    }
}
