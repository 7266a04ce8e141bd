//! UTF-16 input (with a byte order mark) decoded to UTF-8 as it is read.
//!
//! Excel's "Unicode Text" export and many Windows tools write CSV and TSV as UTF-16 with a BOM.
//! [`Decoded`] wraps such an input so the extractors, which read UTF-8, see the same records a
//! spreadsheet shows; it holds one block of input and its decoding at a time, so memory stays
//! flat. Line ends decode one for one, so line numbers do not change.

use std::io::{self, BufRead, Read};

use encoding_rs::{Decoder, Encoding};

/// Bytes of input decoded per block.
const BLOCK_LEN: usize = 64 * 1024;

/// The UTF-16 encoding named by a byte order mark at the start of `head`.
pub(crate) fn bom(head: &[u8]) -> Option<&'static Encoding> {
    match head {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// `head` (the first bytes of a file starting with a UTF-16 BOM) decoded to UTF-8, BOM
/// removed; a code unit cut at the end of `head` is dropped.
pub(crate) fn decode_head(head: &[u8], encoding: &'static Encoding) -> String {
    let even = &head[..head.len() & !1];
    let (text, _) = encoding.decode_with_bom_removal(even);
    text.into_owned()
}

/// A UTF-16 input read as UTF-8: the BOM is dropped, unpaired surrogates and a dangling odd
/// byte become U+FFFD.
pub(crate) struct Decoded<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Decoded<R> {
    /// Wraps `inner`, which starts with the BOM of `encoding`.
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        Decoded {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            raw: vec![0; BLOCK_LEN],
            out: Vec::new(),
            at: 0,
            done: false,
        }
    }

    /// Decodes the next block of input into `out`; at the end of input, flushes the decoder.
    fn refill(&mut self) -> io::Result<()> {
        let n = loop {
            match self.inner.read(&mut self.raw) {
                Ok(n) => break n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            }
        };
        let last = n == 0;
        let room = self
            .decoder
            .max_utf8_buffer_length(n)
            .expect("a block of BLOCK_LEN bytes decodes to a few times that");
        self.out.resize(room, 0);
        let (_, read, written, _) =
            self.decoder
                .decode_to_utf8(&self.raw[..n], &mut self.out, last);
        debug_assert_eq!(read, n, "room for the worst case was made");
        self.out.truncate(written);
        self.at = 0;
        self.done = last;
        Ok(())
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Decoded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.at == self.out.len() && !self.done {
            self.refill()?;
        }
        Ok(&self.out[self.at..])
    }

    fn consume(&mut self, amount: usize) {
        self.at = (self.at + amount).min(self.out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    }

    fn read_all(bytes: &[u8]) -> String {
        let encoding = bom(bytes).expect("a BOM");
        let mut decoded = Decoded::new(bytes, encoding);
        let mut out = String::new();
        decoded.read_to_string(&mut out).expect("valid UTF-8 out");
        out
    }

    #[test]
    fn little_and_big_endian_decode_without_the_bom() {
        let text = "name,city\nZoë,Köln\n";
        assert_eq!(read_all(&encode(text, false)), text);
        assert_eq!(read_all(&encode(text, true)), text);
    }

    #[test]
    fn text_longer_than_a_block_and_astral_characters_survive_block_edges() {
        // An odd number of bytes before each surrogate pair puts some pairs across blocks.
        let text = "é😀,x\n".repeat(BLOCK_LEN / 3);
        assert_eq!(read_all(&encode(&text, false)), text);
    }

    #[test]
    fn dangling_byte_becomes_a_replacement_character() {
        let mut bytes = encode("ab", false);
        bytes.push(b'c');
        assert_eq!(read_all(&bytes), "ab\u{FFFD}");
    }

    #[test]
    fn head_is_decoded_up_to_its_last_whole_unit() {
        let bytes = encode("a,b\n", true);
        assert_eq!(
            decode_head(&bytes[..bytes.len() - 1], encoding_rs::UTF_16BE),
            "a,b"
        );
        assert_eq!(bom(b"a,b"), None);
    }
}
