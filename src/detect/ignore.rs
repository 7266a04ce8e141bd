//! Inline suppressions: a `piimap:ignore` marker on a line silences the findings on that line;
//! `piimap:ignore email` or `piimap:ignore email, phone` only those of the rules named.
//!
//! The scan asks only about lines that hold a finding, so text without findings costs nothing.
//! In structured formats the "line" is the line within the value (a cell, a JSON string).

use std::sync::LazyLock;

use memchr::memmem;

/// The marker as written in a file.
pub const MARKER: &str = "piimap:ignore";

/// Searcher for [`MARKER`], built once.
static FINDER: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(MARKER.as_bytes()));

/// True when `text` holds a marker anywhere: when it does not, none of its findings is ignored
/// and [`is_ignored`] need not be asked.
pub fn has_marker(text: &[u8]) -> bool {
    FINDER.find(text).is_some()
}

/// True when the line of `text` holding byte `offset` carries a marker that covers `rule`.
pub fn is_ignored(text: &[u8], offset: usize, rule: &str) -> bool {
    let offset = offset.min(text.len());
    let start = memchr::memrchr(b'\n', &text[..offset]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &text[offset..]).map_or(text.len(), |i| offset + i);
    let line = &text[start..end];
    FINDER
        .find_iter(line)
        .any(|at| marker_covers(&line[at + MARKER.len()..], rule))
}

/// `rest` is what follows a marker: nothing or a non-id character (all rules), or a list of
/// rule ids separated by commas. `piimap:ignored` is not a marker.
fn marker_covers(rest: &[u8], rule: &str) -> bool {
    if rest.first().is_some_and(|&b| is_id_byte(b)) {
        return false;
    }
    let ids = rule_ids(rest);
    ids.is_empty() || ids.contains(&rule.as_bytes())
}

/// The comma-separated rule ids at the start of `rest` (after spaces).
fn rule_ids(rest: &[u8]) -> Vec<&[u8]> {
    let mut ids = Vec::new();
    let mut pos = skip_blanks(rest, 0);
    loop {
        let id_end = pos + rest[pos..].iter().take_while(|&&b| is_id_byte(b)).count();
        if id_end == pos {
            return ids;
        }
        ids.push(&rest[pos..id_end]);
        let after = skip_blanks(rest, id_end);
        if rest.get(after) != Some(&b',') {
            return ids;
        }
        pos = skip_blanks(rest, after + 1);
    }
}

fn skip_blanks(bytes: &[u8], from: usize) -> usize {
    from + bytes[from..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

fn is_id_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignored(text: &str, rule: &str) -> bool {
        let offset = text.find('@').unwrap_or(0);
        is_ignored(text.as_bytes(), offset, rule)
    }

    #[test]
    fn bare_marker_covers_every_rule() {
        assert!(ignored("jane@example.com # piimap:ignore", "email"));
        assert!(ignored(
            "jane@example.com // piimap:ignore -- test data",
            "phone"
        ));
    }

    #[test]
    fn marker_with_ids_covers_only_those() {
        assert!(ignored("jane@example.com # piimap:ignore email", "email"));
        assert!(!ignored("jane@example.com # piimap:ignore email", "phone"));
        assert!(ignored(
            "jane@example.com # piimap:ignore phone, email",
            "email"
        ));
        assert!(!ignored("jane@example.com # piimap:ignore emails", "email"));
    }

    #[test]
    fn marker_on_another_line_does_not_count() {
        let text = "# piimap:ignore\njane@example.com\n";
        assert!(!ignored(text, "email"));
        let text = "jane@example.com\n# piimap:ignore\n";
        assert!(!ignored(text, "email"));
    }

    #[test]
    fn longer_word_is_not_a_marker() {
        assert!(!ignored("jane@example.com piimap:ignored", "email"));
        assert!(ignored(
            "jane@example.com piimap:ignored, piimap:ignore",
            "email"
        ));
    }
}
