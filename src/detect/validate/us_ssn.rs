//! US Social Security numbers, by the SSA's numbering rules
//! (<https://www.ssa.gov/employer/randomization.html>, POMS RM 10201.060): the area is never
//! 000, 666 or 900-999, the group never 00 and the serial never 0000.

/// True when `candidate` (dashes or spaces ignored) could have been issued.
pub(crate) fn is_valid(candidate: &str) -> bool {
    let digits: String = candidate.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 9 {
        return false;
    }
    let (area, rest) = digits.split_at(3);
    let (group, serial) = rest.split_at(2);
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuable_numbers_pass() {
        assert!(is_valid("123-45-6789"));
        assert!(is_valid("536 90 4399"));
        assert!(is_valid("219099999"));
    }

    #[test]
    fn ssa_never_issued_ranges_fail() {
        for number in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "999-99-9999",
            "123-00-4567",
            "123-45-0000",
        ] {
            assert!(!is_valid(number), "{number}");
        }
    }
}
