//! A small look-ahead byte reader over a streaming input that keeps the line and column of the
//! next byte. It owns one fixed-size buffer, so reading a dump of any size holds at most that
//! buffer; the lexer and the COPY reader copy out only the value they are building.

use std::io::{self, BufRead, ErrorKind};

/// Size of the read buffer.
const BUF_LEN: usize = 64 * 1024;

/// Reads bytes from a [`BufRead`] with a few bytes of look-ahead and 1-based line and
/// character-column tracking.
pub(super) struct Reader<'r> {
    input: &'r mut dyn BufRead,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    /// 1-based line of the next byte.
    pub(super) line: u64,
    /// 1-based character column of the next byte.
    pub(super) column: u64,
}

impl<'r> Reader<'r> {
    /// Wraps `input`; nothing is read yet.
    pub(super) fn new(input: &'r mut dyn BufRead) -> Self {
        Reader {
            input,
            buf: vec![0; BUF_LEN],
            pos: 0,
            len: 0,
            eof: false,
            line: 1,
            column: 1,
        }
    }

    /// Makes at least `need` bytes available unless the input ends first.
    fn fill(&mut self, need: usize) -> io::Result<()> {
        while self.len - self.pos < need && !self.eof {
            if self.pos > 0 && (self.len == self.pos || self.pos > BUF_LEN / 2) {
                self.buf.copy_within(self.pos..self.len, 0);
                self.len -= self.pos;
                self.pos = 0;
            }
            match self.input.read(&mut self.buf[self.len..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.len += n,
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// The byte `ahead` positions after the next one (0 = the next byte), `None` at the end.
    pub(super) fn peek_at(&mut self, ahead: usize) -> io::Result<Option<u8>> {
        if self.pos + ahead >= self.len {
            self.fill(ahead + 1)?;
        }
        Ok(self
            .buf
            .get(self.pos + ahead)
            .copied()
            .filter(|_| self.pos + ahead < self.len))
    }

    /// The next byte, `None` at the end of the input.
    pub(super) fn peek(&mut self) -> io::Result<Option<u8>> {
        self.peek_at(0)
    }

    /// The bytes already buffered after the current position (may be empty; call
    /// [`Reader::peek`] first to refill).
    pub(super) fn available(&self) -> &[u8] {
        &self.buf[self.pos..self.len]
    }

    /// Steps over the next `n` buffered bytes, keeping line and column right.
    pub(super) fn advance(&mut self, n: usize) {
        let end = (self.pos + n).min(self.len);
        for &byte in &self.buf[self.pos..end] {
            if byte == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if byte & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        self.pos = end;
    }

    /// Steps over the next byte, if any.
    pub(super) fn bump(&mut self) {
        self.advance(1);
    }

    /// Steps over everything up to and including the next line end.
    pub(super) fn skip_line(&mut self) -> io::Result<()> {
        loop {
            if self.peek()?.is_none() {
                return Ok(());
            }
            match memchr::memchr(b'\n', self.available()) {
                Some(i) => {
                    self.advance(i + 1);
                    return Ok(());
                }
                None => self.advance(self.len - self.pos),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_lines_and_character_columns() {
        let mut input: &[u8] = "é1\nab".as_bytes();
        let mut reader = Reader::new(&mut input);
        assert_eq!(reader.peek().unwrap(), Some(0xC3));
        reader.advance(3);
        assert_eq!((reader.line, reader.column), (1, 3));
        reader.bump();
        assert_eq!((reader.line, reader.column), (2, 1));
        assert_eq!(reader.peek_at(1).unwrap(), Some(b'b'));
        assert_eq!(reader.peek_at(2).unwrap(), None);
    }

    #[test]
    fn look_ahead_crosses_buffer_refills() {
        let text = "x".repeat(BUF_LEN - 1) + "yz";
        let mut input = text.as_bytes();
        let mut reader = Reader::new(&mut input);
        reader.peek().unwrap();
        reader.advance(BUF_LEN - 1);
        assert_eq!(reader.peek_at(1).unwrap(), Some(b'z'));
        reader.skip_line().unwrap();
        assert_eq!(reader.peek().unwrap(), None);
    }
}
