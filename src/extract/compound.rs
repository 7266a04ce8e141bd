//! The compound file (OLE, [MS-CFB]) that holds an `.xls` workbook, checked before the
//! workbook reader opens it.
//!
//! A compound file is a small file system: its file allocation table (FAT) gives, for each
//! sector, the next sector of the same stream. calamine (0.38) follows the directory's chain
//! without a bound, so a damaged FAT whose chain loops back on itself makes it append the same
//! sectors until memory runs out: 24 GB, then the scan was killed. A FAT without a cycle has
//! chains no longer than the file, so that is what is checked here, the FAT read the way
//! calamine reads it (the header's DIFAT entries, then the DIFAT sectors' chain).
//!
//! [MS-CFB]: https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cfb/

/// Sector numbers from here up mark a chain's end, a free sector or a FAT or DIFAT sector.
const FIRST_SPECIAL_SECTOR: u32 = 0xFFFF_FFFA;
/// Header size, and the sector size of version 3 files (sector shift 9).
const HEADER_LEN: usize = 512;
/// Where the header's 109 DIFAT entries start.
const HEADER_DIFAT_AT: usize = 76;

/// Why a compound file is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CompoundError {
    /// A chain of sectors leads back to one of its own sectors.
    #[error("damaged compound file: a chain of sectors loops back on itself")]
    LoopingChain,
}

/// Checks that no chain of `file`'s FAT loops. A file too short or too damaged to read its
/// FAT is let through: the workbook reader then reports what is wrong with it.
pub fn check_chains(file: &[u8]) -> Result<(), CompoundError> {
    match read_fat(file) {
        Some(fat) if has_cycle(&fat) => Err(CompoundError::LoopingChain),
        _ => Ok(()),
    }
}

/// The FAT, as the concatenation of the FAT sectors the DIFAT lists; `None` when the header
/// or a sector cannot be read.
fn read_fat(file: &[u8]) -> Option<Vec<u32>> {
    let header = file.get(..HEADER_LEN)?;
    let sector_size = match u16::from_le_bytes([header[30], header[31]]) {
        9 => 512,
        12 => 4096,
        _ => return None,
    };
    let sector = |id: u32| {
        let start = (usize::try_from(id).ok()? + 1).checked_mul(sector_size)?;
        file.get(start..start.checked_add(sector_size)?)
    };
    let mut difat = words(&header[HEADER_DIFAT_AT..]);
    let mut next = u32::from_le_bytes(header[68..72].try_into().ok()?);
    // Each DIFAT sector lists FAT sectors and ends with the next DIFAT sector; the chain is
    // bounded by the number of sectors, as calamine bounds it.
    for _ in 0..=file.len() / sector_size {
        if next >= FIRST_SPECIAL_SECTOR {
            break;
        }
        difat.extend(words(sector(next)?));
        next = difat.pop()?;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|&id| id < FIRST_SPECIAL_SECTOR) {
        fat.extend(words(sector(id)?));
    }
    Some(fat)
}

/// The little-endian 32-bit words of `bytes`.
fn words(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect()
}

/// True when following `next` from some sector comes back to a sector already on the way.
/// Each sector has at most one successor, so one walk per sector, never repeated, finds it.
fn has_cycle(next: &[u32]) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Seen {
        Never,
        OnThisWalk,
        Done,
    }
    let mut seen = vec![Seen::Never; next.len()];
    let mut walk = Vec::new();
    for start in 0..next.len() {
        let mut at = start;
        loop {
            match seen.get(at) {
                Some(Seen::Never) => {
                    seen[at] = Seen::OnThisWalk;
                    walk.push(at);
                }
                Some(Seen::OnThisWalk) => return true,
                // Joins a walk already done, or points past the table.
                Some(Seen::Done) | None => break,
            }
            match next[at] {
                successor if successor < FIRST_SPECIAL_SECTOR => at = successor as usize,
                _ => break,
            }
        }
        for &sector in &walk {
            seen[sector] = Seen::Done;
        }
        walk.clear();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_that_end_have_no_cycle_and_looping_ones_do() {
        const END: u32 = 0xFFFF_FFFE;
        assert!(!has_cycle(&[1, 2, END, END, 3]));
        assert!(has_cycle(&[1, 2, 0]));
        assert!(has_cycle(&[END, 1]));
        assert!(has_cycle(&[END, 2, 3, 2]));
        assert!(
            !has_cycle(&[7, END]),
            "a sector past the table ends the walk"
        );
    }

    /// contacts.xls (LibreOffice) as written, and with the FAT entry of its first directory
    /// sector pointing back at that sector: the chain calamine follows without end.
    #[test]
    fn a_directory_chain_that_loops_is_refused() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sheet/contacts.xls");
        let mut file = std::fs::read(path).expect("fixture");
        assert_eq!(check_chains(&file), Ok(()));
        let word = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().unwrap());
        let dir_start = word(48);
        let first_fat_sector = word(HEADER_DIFAT_AT) as usize;
        let entry = (first_fat_sector + 1) * 512 + dir_start as usize * 4;
        file[entry..entry + 4].copy_from_slice(&dir_start.to_le_bytes());
        assert_eq!(check_chains(&file), Err(CompoundError::LoopingChain));
    }
}
