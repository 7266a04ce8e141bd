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
//! The workbook stream itself is read here too, the way calamine reads it, for the check of its
//! records (see [`super::biff`]).
//!
//! [MS-CFB]: https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cfb/

/// Sector numbers from here up mark a chain's end, a free sector or a FAT or DIFAT sector.
const FIRST_SPECIAL_SECTOR: u32 = 0xFFFF_FFFA;
/// Header size, and the sector size of version 3 files (sector shift 9).
const HEADER_LEN: usize = 512;
/// Where the header's 109 DIFAT entries start.
const HEADER_DIFAT_AT: usize = 76;

/// The signature a compound file starts with.
const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// True when `head` opens a compound file: an `.xls`, but also a `.doc`, `.ppt` or `.msg`.
pub fn is_compound_file(head: &[u8]) -> bool {
    head.starts_with(&SIGNATURE)
}

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

/// The workbook stream of an `.xls` file (`Workbook`, or `Book` in BIFF5 files), read the way
/// calamine reads it: from the mini stream when shorter than [`MINI_STREAM_CUTOFF`], a last
/// sector cut short by the end of the file kept as far as it goes. `None` when the file is too
/// damaged to find it; the workbook reader then reports what is wrong. Call it on files
/// [`check_chains`] let through: chains are followed at most once around the FAT.
pub fn workbook_stream(file: &[u8]) -> Option<Vec<u8>> {
    let header = file.get(..HEADER_LEN)?;
    let sector_size = sector_size(header)?;
    let fat = read_fat(file)?;
    let sector = |id: u32| file_sector(file, sector_size, id);
    let directory = read_chain(sector, &fat, word(header, 48)?, usize::MAX)?;
    let entries: Vec<Entry> = directory
        .chunks_exact(ENTRY_LEN)
        .map(|entry| Entry::parse(entry, sector_size))
        .collect();
    let stream = ["Workbook", "Book"].iter().find_map(|name| {
        entries
            .iter()
            .find(|entry| entry.name.eq_ignore_ascii_case(name))
    })?;
    if stream.len >= MINI_STREAM_CUTOFF {
        return read_chain(sector, &fat, stream.start, stream.len);
    }
    let root = entries.first()?;
    let mini_stream = read_chain(sector, &fat, root.start, root.len)?;
    let mini_fat_len = usize::try_from(word(header, 64)?).ok()?;
    let mini_fat = read_chain(
        sector,
        &fat,
        word(header, 60)?,
        mini_fat_len.checked_mul(sector_size)?,
    )?;
    let mini_sector = |id: u32| {
        let start = usize::try_from(id).ok()?.checked_mul(MINI_SECTOR_LEN)?;
        mini_stream.get(start..start.checked_add(MINI_SECTOR_LEN)?)
    };
    read_chain(mini_sector, &words(&mini_fat), stream.start, stream.len)
}

/// Streams shorter than this are kept in the mini stream, in sectors of [`MINI_SECTOR_LEN`].
const MINI_STREAM_CUTOFF: usize = 4096;
/// The size of a mini stream sector.
const MINI_SECTOR_LEN: usize = 64;
/// The size of a directory entry.
const ENTRY_LEN: usize = 128;
/// The sector number that ends a chain.
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

/// A directory entry: a stream's name, first sector and length.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

impl Entry {
    /// Reads a 128-byte entry; the length is 32 bits wide in files of 512-byte sectors.
    fn parse(entry: &[u8], sector_size: usize) -> Entry {
        let units = entry[..64]
            .chunks_exact(2)
            .map(|unit| u16::from_le_bytes([unit[0], unit[1]]))
            .take_while(|&unit| unit != 0);
        let len = if sector_size == 512 {
            u64::from(word(entry, 120).unwrap_or(0))
        } else {
            u64::from_le_bytes(entry[120..128].try_into().unwrap_or_default())
        };
        Entry {
            name: char::decode_utf16(units)
                .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
            start: word(entry, 116).unwrap_or(END_OF_CHAIN),
            len: usize::try_from(len).unwrap_or(usize::MAX),
        }
    }
}

/// Up to `len` bytes of the chain of sectors that starts at `start`; `None` when a sector of
/// it is missing or the chain goes round the table.
fn read_chain<'a>(
    sector: impl Fn(u32) -> Option<&'a [u8]>,
    next: &[u32],
    start: u32,
    len: usize,
) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut at = start;
    for _ in 0..=next.len() {
        if at == END_OF_CHAIN {
            return Some(bytes);
        }
        let data = sector(at)?;
        bytes.extend_from_slice(&data[..data.len().min(len - bytes.len())]);
        if bytes.len() >= len {
            return Some(bytes);
        }
        at = *next.get(usize::try_from(at).ok()?)?;
    }
    None
}

/// Sector `id` of `file`, or what the file holds of it when it ends inside the sector.
fn file_sector(file: &[u8], sector_size: usize, id: u32) -> Option<&[u8]> {
    let start = (usize::try_from(id).ok()? + 1).checked_mul(sector_size)?;
    (start < file.len()).then(|| &file[start..file.len().min(start + sector_size)])
}

/// The sector size the header names: 512 or 4096 bytes.
fn sector_size(header: &[u8]) -> Option<usize> {
    match u16::from_le_bytes([header[30], header[31]]) {
        9 => Some(512),
        12 => Some(4096),
        _ => None,
    }
}

/// The little-endian 32-bit word at `at`.
fn word(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// The FAT, as the concatenation of the FAT sectors the DIFAT lists; `None` when the header
/// or a sector cannot be read.
fn read_fat(file: &[u8]) -> Option<Vec<u32>> {
    let header = file.get(..HEADER_LEN)?;
    let sector_size = sector_size(header)?;
    // Whole sectors only: a FAT cut short by the end of the file is left to the reader.
    let sector =
        |id: u32| file_sector(file, sector_size, id).filter(|data| data.len() == sector_size);
    let mut difat = words(&header[HEADER_DIFAT_AT..]);
    let mut next = word(header, 68)?;
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

    /// contacts.xls is LibreOffice's: its workbook stream (over 4 KB, in whole sectors) starts
    /// with a BOF record and holds the sheet's DIMENSIONS record, 7 rows by 6 columns.
    #[test]
    fn the_workbook_stream_is_read_from_its_chain() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sheet/contacts.xls");
        let file = std::fs::read(path).expect("fixture");
        let stream = workbook_stream(&file).expect("a workbook stream");
        assert_eq!(&stream[..2], &[0x09, 0x08], "BOF record first");
        let dimensions = [0x00, 0x02, 0x0E, 0x00, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 6, 0];
        assert!(stream.windows(16).any(|w| w == dimensions));
        assert_eq!(
            workbook_stream(&file[..600]),
            None,
            "the directory is cut off"
        );
    }

    /// The `.xls` files of `../shared/corpora` (calamine's and Apache POI's test files, BIFF5
    /// and BIFF8, one stream in the mini stream): each workbook stream starts with a BOF record.
    #[test]
    #[allow(
        clippy::print_stdout,
        reason = "a test of ../shared says when it is skipped"
    )]
    fn the_corpora_workbook_streams_start_with_a_bof_record() {
        let corpora = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora");
        let Ok(folders) = std::fs::read_dir(corpora) else {
            println!("skipped: ../shared/corpora not found");
            return;
        };
        let workbooks: Vec<_> = folders
            .flatten()
            .flat_map(|folder| std::fs::read_dir(folder.path()).into_iter().flatten())
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "xls"))
            .collect();
        for path in &workbooks {
            let file = std::fs::read(path).unwrap();
            let stream = workbook_stream(&file).unwrap_or_else(|| panic!("{path:?}"));
            assert_eq!(&stream[..2], &[0x09, 0x08], "{path:?}");
        }
        assert!(!workbooks.is_empty());
    }

    #[test]
    fn a_short_stream_is_read_from_the_mini_stream() {
        // A mini stream of two 64-byte sectors, the stream's first sector being the second.
        let mini_stream: Vec<u8> = (0..128).map(|i| i as u8).collect();
        let mini_sector = |id: u32| {
            let start = id as usize * MINI_SECTOR_LEN;
            mini_stream.get(start..start + MINI_SECTOR_LEN)
        };
        let chain = read_chain(mini_sector, &[END_OF_CHAIN, 0], 1, 100).unwrap();
        assert_eq!(chain, (64..128).chain(0..36).collect::<Vec<u8>>());
        assert_eq!(read_chain(mini_sector, &[1, 0], 0, 1000), None, "a loop");
    }

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
