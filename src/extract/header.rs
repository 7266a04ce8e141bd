//! Which row of a table is its header, shared by spreadsheets (`sheet`) and delimited files
//! (`csv`).
//!
//! Real exports put a title, notes and blank rows above the header, so the header is not
//! blindly the first row: it is the first of the top rows that fills at least half as many
//! cells as the fullest row there (a title or a note fills one or two) and that reads as
//! column names. What "reads as column names" means is the format's call (see
//! `sheet::is_header_like` and `csv::has_header`); the value test both use is
//! [`looks_like_value`], which also tells a JSON key that is data from a name.

/// Index of the first row that fills at least half as many cells as the fullest of `filled`
/// (the number of non-blank cells of each top row) and for which `is_header(index)` holds.
pub(crate) fn header_row(
    filled: &[usize],
    mut is_header: impl FnMut(usize) -> bool,
) -> Option<usize> {
    let widest = filled.iter().copied().max().unwrap_or(0);
    (0..filled.len()).find(|&index| filled[index] * 2 >= widest && is_header(index))
}

/// Index of the first row that fills at least half as many cells as the fullest of `filled`:
/// the rows above it are titles, notes or blank.
pub(crate) fn first_wide_row(filled: &[usize]) -> Option<usize> {
    header_row(filled, |_| true)
}

/// True when `text` (trimmed) reads as a value rather than a column name: it holds an `@`, has
/// no letter at all, or is longer than a heading paragraph (256 bytes).
pub(crate) fn looks_like_value(text: &str) -> bool {
    text.len() > 256 || text.contains('@') || !text.chars().any(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_title_and_blank_rows_are_passed_over() {
        assert_eq!(first_wide_row(&[1, 0, 1, 5, 5, 4]), Some(3));
        assert_eq!(header_row(&[1, 0, 5, 5], |i| i == 3), Some(3));
        assert_eq!(
            header_row(&[1, 4, 4], |i| i == 0),
            None,
            "a title is narrow"
        );
        assert_eq!(first_wide_row(&[]), None);
    }

    #[test]
    fn values_are_told_from_names() {
        for value in ["jane@example.com", "1001", "2024-01-01", &"x".repeat(257)] {
            assert!(looks_like_value(value), "{value}");
        }
        for name in ["email", "Prénom", "Phone #", "Surname in full."] {
            assert!(!looks_like_value(name), "{name}");
        }
    }
}
