//! SQL tokens for PostgreSQL and MySQL/MariaDB dumps, read as a stream.
//!
//! The lexer knows the quoting rules of both dialects: `'...'` with doubled quotes, backslash
//! escapes in MySQL strings and PostgreSQL `E'...'` strings, `N'...'`/`X'...'`/`B'...'` prefixes,
//! `"..."` (a string in MySQL, an identifier in PostgreSQL), backtick identifiers, dollar quoting
//! (`$tag$...$tag$`), `--`/`#`/`/* */` comments, and MySQL version comments (`/*!40101 ... */`)
//! whose content is read as code, as MySQL does. It holds at most [`CHUNK_LEN`] bytes of one
//! token: a longer string or comment comes out as several tokens with `more` set.

use super::reader::Reader;
use crate::extract::{Escape, ExtractError};

/// Most bytes of one string or comment held at once; longer ones come out in pieces.
pub(super) const CHUNK_LEN: usize = 1 << 20;

/// MySQL version comments at or above this version are never run; MariaDB writes
/// `/*M!999999\- enable the sandbox mode */` as the first line of its dumps.
const NEVER_VERSION: u64 = 900_000;

/// Most bytes kept of a word, number or quoted identifier; the rest is dropped.
const NAME_LEN: usize = 1024;

/// The SQL dialect whose quoting rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// PostgreSQL and standard SQL: `"` quotes identifiers, `'` strings have no escapes.
    Postgres,
    /// MySQL and MariaDB: backslash escapes in strings, `"` quotes strings, `#` comments.
    MySql,
}

/// One token; its text (decoded) is in [`Lexer::text`], its start in `line`/`column`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token {
    /// A bare word: keyword or unquoted identifier.
    Word,
    /// A quoted identifier, unquoted.
    Ident,
    /// A string literal, decoded. `binary` for hex and bit strings; `more` when the string
    /// goes on in the next token.
    Str { binary: bool, more: bool },
    /// A numeric literal; `hex` for MySQL `0x...` literals.
    Num { hex: bool },
    /// A comment's text; `more` when it goes on in the next token.
    Comment { more: bool },
    /// Any other single byte: `(`, `)`, `,`, `;`, `.`, `\`, operators.
    Punct(u8),
    /// The end of the input.
    Eof,
}

/// What a token that was cut at [`CHUNK_LEN`] still has to read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Body {
    Quoted {
        quote: u8,
        escapes: bool,
        binary: bool,
    },
    Dollar {
        tag: Vec<u8>,
    },
    LineComment,
    BlockComment,
}

/// Streams tokens out of a reader.
pub(super) struct Lexer<'r> {
    /// The byte source, shared with the COPY block reader.
    pub(super) reader: Reader<'r>,
    /// Quoting rules in force; switches to MySQL on the first MySQL-only syntax.
    pub(super) dialect: Dialect,
    /// Decoded text of the last token.
    pub(super) text: Vec<u8>,
    /// The escapes decoded in `text` (`''`, `\'`).
    pub(super) escapes: Vec<Escape>,
    /// Line where the last token (or piece of it) starts.
    pub(super) line: u64,
    /// Character column where the last token (or piece of it) starts.
    pub(super) column: u64,
    /// A string or comment cut at [`CHUNK_LEN`], with the line where it began.
    pending: Option<(Body, u64)>,
    /// Open MySQL version comments (`/*!50705 ... */`).
    version_depth: u32,
}

fn malformed(line: u64, reason: String) -> ExtractError {
    ExtractError::Malformed {
        line: Some(line),
        reason,
    }
}

impl<'r> Lexer<'r> {
    /// A lexer over `reader` with the rules of `dialect`.
    pub(super) fn new(reader: Reader<'r>, dialect: Dialect) -> Self {
        Lexer {
            reader,
            dialect,
            text: Vec::new(),
            escapes: Vec::new(),
            line: 1,
            column: 1,
            pending: None,
            version_depth: 0,
        }
    }

    /// True when the last token was a word equal to `word` (ASCII case-insensitive).
    pub(super) fn is_word(&self, token: Token, word: &str) -> bool {
        token == Token::Word && self.text.eq_ignore_ascii_case(word.as_bytes())
    }

    /// Reads the next token.
    pub(super) fn next_token(&mut self) -> Result<Token, ExtractError> {
        self.text.clear();
        self.escapes.clear();
        self.line = self.reader.line;
        self.column = self.reader.column;
        if let Some((body, start)) = self.pending.take() {
            return self.body(body, start);
        }
        loop {
            self.skip_whitespace()?;
            self.line = self.reader.line;
            self.column = self.reader.column;
            let Some(byte) = self.reader.peek()? else {
                return Ok(Token::Eof);
            };
            let next = self.reader.peek_at(1)?;
            match (byte, next) {
                (b'-', Some(b'-')) => return self.open(2, Body::LineComment),
                (b'#', _) if self.dialect == Dialect::MySql => {
                    return self.open(1, Body::LineComment);
                }
                (b'/', Some(b'*')) => {
                    if let Some(skip) = self.version_comment_len()? {
                        let start = self.reader.line;
                        self.reader.advance(skip);
                        if self.version()? >= NEVER_VERSION {
                            return self.body(Body::BlockComment, start);
                        }
                        self.version_depth += 1;
                        self.dialect = Dialect::MySql;
                        continue;
                    }
                    return self.open(2, Body::BlockComment);
                }
                (b'*', Some(b'/')) if self.version_depth > 0 => {
                    self.reader.advance(2);
                    self.version_depth -= 1;
                }
                (b'\'', _) => return self.open(1, self.quoted(b'\'', false, false)),
                (b'"', _) if self.dialect == Dialect::MySql => {
                    return self.open(1, self.quoted(b'"', true, false));
                }
                (b'"', _) => return self.quoted_ident(b'"'),
                (b'`', _) => {
                    self.dialect = Dialect::MySql;
                    return self.quoted_ident(b'`');
                }
                (b'$', _) if self.dialect == Dialect::Postgres => return self.dollar(),
                (b'0'..=b'9', _) => return self.number(),
                (b'.', Some(b'0'..=b'9')) => return self.number(),
                _ if is_word_start(byte) => return self.word(),
                _ => {
                    self.reader.bump();
                    return Ok(Token::Punct(byte));
                }
            }
        }
    }

    /// The body of an ordinary quoted string opened by `quote`.
    fn quoted(&self, quote: u8, always_escapes: bool, binary: bool) -> Body {
        Body::Quoted {
            quote,
            escapes: always_escapes || self.dialect == Dialect::MySql,
            binary,
        }
    }

    /// Steps over the `open` bytes that start a string or comment and reads its body.
    fn open(&mut self, open: usize, body: Body) -> Result<Token, ExtractError> {
        let start = self.reader.line;
        self.reader.advance(open);
        self.line = self.reader.line;
        self.column = self.reader.column;
        self.body(body, start)
    }

    /// Length of `/*!` or `/*M!` when the comment at the reader is a MySQL version comment.
    fn version_comment_len(&mut self) -> Result<Option<usize>, ExtractError> {
        Ok(match (self.reader.peek_at(2)?, self.reader.peek_at(3)?) {
            (Some(b'!'), _) => Some(3),
            (Some(b'M'), Some(b'!')) => Some(4),
            _ => None,
        })
    }

    /// Reads the version number after `/*!`; 0 when there is none.
    fn version(&mut self) -> Result<u64, ExtractError> {
        let mut version = 0u64;
        while let Some(digit @ b'0'..=b'9') = self.reader.peek()? {
            version = version
                .saturating_mul(10)
                .saturating_add(u64::from(digit - b'0'));
            self.reader.bump();
        }
        Ok(version)
    }

    fn skip_whitespace(&mut self) -> Result<(), ExtractError> {
        while let Some(byte) = self.reader.peek()? {
            if !byte.is_ascii_whitespace() {
                break;
            }
            self.reader.bump();
        }
        Ok(())
    }

    /// Reads a string or comment body until its end or until [`CHUNK_LEN`] bytes are held.
    fn body(&mut self, body: Body, start: u64) -> Result<Token, ExtractError> {
        let done = match &body {
            Body::Quoted { quote, escapes, .. } => self.quoted_body(*quote, *escapes, start)?,
            Body::Dollar { tag } => self.dollar_body(&tag.clone(), start)?,
            Body::LineComment => self.until(b"\n", start, false)?,
            Body::BlockComment => self.until(b"*/", start, true)?,
        };
        let more = !done;
        let token = match body {
            Body::Quoted { binary, .. } => Token::Str { binary, more },
            Body::Dollar { .. } => Token::Str {
                binary: false,
                more,
            },
            Body::LineComment | Body::BlockComment => Token::Comment { more },
        };
        if more {
            self.pending = Some((body, start));
        }
        Ok(token)
    }

    /// Reads a quoted body into `text`; true when the closing quote was reached.
    fn quoted_body(&mut self, quote: u8, escapes: bool, start: u64) -> Result<bool, ExtractError> {
        loop {
            if self.text.len() >= CHUNK_LEN {
                return Ok(false);
            }
            let Some(byte) = self.reader.peek()? else {
                return self.unterminated("string literal", start);
            };
            if byte == quote {
                if self.reader.peek_at(1)? == Some(quote) {
                    self.text.push(quote);
                    self.reader.advance(2);
                    self.escapes.push(Escape {
                        at: self.text.len(),
                        extra: 1,
                    });
                    continue;
                }
                self.reader.bump();
                return Ok(true);
            }
            if byte == b'\\' && escapes {
                self.escape()?;
                continue;
            }
            let stop = if escapes {
                memchr::memchr2(quote, b'\\', self.reader.available())
            } else {
                memchr::memchr(quote, self.reader.available())
            };
            self.copy_run(stop);
        }
    }

    /// Copies buffered bytes up to `stop` (or all buffered bytes) into `text`, within the cap.
    fn copy_run(&mut self, stop: Option<usize>) {
        let available = self.reader.available();
        let room = CHUNK_LEN.saturating_sub(self.text.len()).max(1);
        let n = stop.unwrap_or(available.len()).min(room).max(1);
        self.text.extend_from_slice(&available[..n]);
        self.reader.advance(n);
    }

    /// At the end of input inside a token: hands out what was read, then reports the error.
    fn unterminated(&mut self, what: &str, start: u64) -> Result<bool, ExtractError> {
        if self.text.is_empty() {
            Err(malformed(
                start,
                format!("unterminated {what} (input ends before it is closed)"),
            ))
        } else {
            Ok(false)
        }
    }

    /// Decodes one backslash escape (MySQL strings, PostgreSQL `E'...'`).
    fn escape(&mut self) -> Result<(), ExtractError> {
        let Some(code) = self.reader.peek_at(1)? else {
            self.reader.bump();
            return Ok(());
        };
        self.reader.advance(2);
        let before = self.text.len();
        self.unescape(code);
        // The escape is two characters in the source.
        self.escapes.push(Escape::decoded(&self.text, before, 2));
        Ok(())
    }

    /// Appends what the backslash escape ending in `code` stands for.
    fn unescape(&mut self, code: u8) {
        let decoded: &[u8] = match code {
            b'0' if self.dialect == Dialect::MySql => b"\0",
            b'b' => b"\x08",
            b'f' => b"\x0C",
            // An escaped line break becomes a space, so findings after it keep the source line.
            b'n' | b'r' => b" ",
            b't' => b"\t",
            b'Z' if self.dialect == Dialect::MySql => b"\x1A",
            b'%' if self.dialect == Dialect::MySql => b"\\%",
            b'_' if self.dialect == Dialect::MySql => b"\\_",
            _ => {
                self.text.push(code);
                return;
            }
        };
        self.text.extend_from_slice(decoded);
    }

    /// Reads until `end`; true when found. `end` of a line comment stays unread.
    fn until(&mut self, end: &[u8], start: u64, required: bool) -> Result<bool, ExtractError> {
        loop {
            if self.text.len() >= CHUNK_LEN {
                return Ok(false);
            }
            let Some(byte) = self.reader.peek()? else {
                return if required {
                    self.unterminated("block comment", start)
                } else {
                    Ok(true)
                };
            };
            if byte == end[0] && self.matches_ahead(end)? {
                if required {
                    self.reader.advance(end.len());
                }
                return Ok(true);
            }
            let stop = memchr::memchr(end[0], self.reader.available());
            self.copy_run(stop);
        }
    }

    fn matches_ahead(&mut self, expected: &[u8]) -> Result<bool, ExtractError> {
        for (i, &want) in expected.iter().enumerate() {
            if self.reader.peek_at(i)? != Some(want) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// A `"` or backtick identifier, doubled quotes unescaped, kept to [`NAME_LEN`] bytes.
    fn quoted_ident(&mut self, quote: u8) -> Result<Token, ExtractError> {
        let start = self.reader.line;
        self.reader.bump();
        loop {
            let Some(byte) = self.reader.peek()? else {
                return Err(malformed(
                    start,
                    "unterminated quoted identifier (input ends before it is closed)".into(),
                ));
            };
            self.reader.bump();
            if byte == quote {
                if self.reader.peek()? != Some(quote) {
                    return Ok(Token::Ident);
                }
                self.reader.bump();
            }
            if self.text.len() < NAME_LEN {
                self.text.push(byte);
            }
        }
    }

    /// `$tag$...$tag$` (PostgreSQL), or a lone `$`.
    fn dollar(&mut self) -> Result<Token, ExtractError> {
        let mut len = 1;
        let mut tag = vec![b'$'];
        loop {
            match self.reader.peek_at(len)? {
                Some(b'$') => {
                    tag.push(b'$');
                    break;
                }
                Some(byte) if tag.len() < 64 && (is_word_start(byte) || byte.is_ascii_digit()) => {
                    if len == 1 && byte.is_ascii_digit() {
                        self.reader.bump();
                        return Ok(Token::Punct(b'$'));
                    }
                    tag.push(byte);
                    len += 1;
                }
                _ => {
                    self.reader.bump();
                    return Ok(Token::Punct(b'$'));
                }
            }
        }
        let open = tag.len();
        self.open(open, Body::Dollar { tag })
    }

    /// Reads a dollar-quoted body until its closing tag; true when found.
    fn dollar_body(&mut self, tag: &[u8], start: u64) -> Result<bool, ExtractError> {
        loop {
            if self.text.len() >= CHUNK_LEN {
                return Ok(false);
            }
            let Some(byte) = self.reader.peek()? else {
                return self.unterminated("dollar-quoted string", start);
            };
            if byte == b'$' && self.matches_ahead(tag)? {
                self.reader.advance(tag.len());
                return Ok(true);
            }
            if byte == b'$' {
                self.text.push(byte);
                self.reader.bump();
                continue;
            }
            let stop = memchr::memchr(b'$', self.reader.available());
            self.copy_run(stop);
        }
    }

    /// A number: digits, `.`, exponent, or a MySQL `0x` hex literal.
    fn number(&mut self) -> Result<Token, ExtractError> {
        let hex = self.reader.peek()? == Some(b'0')
            && matches!(self.reader.peek_at(1)?, Some(b'x' | b'X'));
        while let Some(byte) = self.reader.peek()? {
            let sign_after_exponent = (byte == b'+' || byte == b'-')
                && !hex
                && matches!(self.text.last(), Some(b'e' | b'E'));
            if !(byte.is_ascii_alphanumeric() || byte == b'.' || sign_after_exponent) {
                break;
            }
            if self.text.len() < NAME_LEN {
                self.text.push(byte);
            }
            self.reader.bump();
        }
        Ok(Token::Num { hex })
    }

    /// A bare word, or the prefix of a prefixed string (`N'..'`, `E'..'`, `X'..'`, `B'..'`).
    fn word(&mut self) -> Result<Token, ExtractError> {
        while let Some(byte) = self.reader.peek()? {
            if !(is_word_start(byte) || byte.is_ascii_digit() || byte == b'$') {
                break;
            }
            if self.text.len() < NAME_LEN {
                self.text.push(byte);
            }
            self.reader.bump();
        }
        if self.reader.peek()? != Some(b'\'') || self.text.len() != 1 {
            return Ok(Token::Word);
        }
        let body = match self.text[0].to_ascii_uppercase() {
            b'N' => self.quoted(b'\'', false, false),
            b'E' => self.quoted(b'\'', true, false),
            b'X' | b'B' => self.quoted(b'\'', false, true),
            _ => return Ok(Token::Word),
        };
        self.text.clear();
        self.open(1, body)
    }
}

fn is_word_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens as `(token, text, line)`; punctuation shows as its character.
    fn tokens(sql: &str, dialect: Dialect) -> Vec<(Token, String, u64)> {
        let mut input = sql.as_bytes();
        let mut lexer = Lexer::new(Reader::new(&mut input), dialect);
        let mut out = Vec::new();
        loop {
            let token = lexer.next_token().expect("well-formed test input");
            if token == Token::Eof {
                return out;
            }
            let text = match token {
                Token::Punct(byte) => char::from(byte).to_string(),
                _ => String::from_utf8_lossy(&lexer.text).into_owned(),
            };
            out.push((token, text, lexer.line));
        }
    }

    fn texts(sql: &str, dialect: Dialect) -> Vec<String> {
        tokens(sql, dialect).into_iter().map(|t| t.1).collect()
    }

    const STR: Token = Token::Str {
        binary: false,
        more: false,
    };

    #[test]
    fn postgres_strings_keep_backslashes_and_undouble_quotes() {
        let got = tokens(r"'O''Brien' 'C:\dir' E'a\tb\\c'", Dialect::Postgres);
        let texts: Vec<_> = got.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(texts, ["O'Brien", r"C:\dir", "a\tb\\c"]);
        assert!(got.iter().all(|t| t.0 == STR));
    }

    #[test]
    fn mysql_strings_decode_backslash_escapes() {
        let got = texts(
            r#"'O\'Brien' "say \"hi\"" 'a\nb\\c\0' 'x\%'"#,
            Dialect::MySql,
        );
        assert_eq!(got, ["O'Brien", "say \"hi\"", "a b\\c\0", "x\\%"]);
    }

    #[test]
    fn prefixed_strings_and_identifiers() {
        let got = tokens(
            r#"N'Luís' X'00ff' "Mixed ""Case""" `back``tick`"#,
            Dialect::Postgres,
        );
        assert_eq!(got[0], (STR, "Luís".into(), 1));
        assert_eq!(
            got[1].0,
            Token::Str {
                binary: true,
                more: false
            }
        );
        assert_eq!(got[2], (Token::Ident, "Mixed \"Case\"".into(), 1));
        assert_eq!(got[3], (Token::Ident, "back`tick".into(), 1));
    }

    #[test]
    fn comments_and_dollar_quotes_are_single_tokens() {
        let sql = "-- note 'x\nSELECT $f$ it's $$ $f$; /* a\n b */ $1";
        let got = tokens(sql, Dialect::Postgres);
        assert_eq!(
            got[0],
            (Token::Comment { more: false }, " note 'x".into(), 1)
        );
        assert_eq!(got[1], (Token::Word, "SELECT".into(), 2));
        assert_eq!(got[2], (STR, " it's $$ ".into(), 2));
        assert_eq!(got[3].0, Token::Punct(b';'));
        assert_eq!(
            got[4],
            (Token::Comment { more: false }, " a\n b ".into(), 2)
        );
        assert_eq!(got[5].0, Token::Punct(b'$'));
    }

    #[test]
    fn mysql_version_comments_are_read_as_code() {
        let got = texts(
            "(1,/*!50705 0x0A0B,*/'z') /*!40101 SET x */;",
            Dialect::MySql,
        );
        assert_eq!(
            got,
            ["(", "1", ",", "0x0A0B", ",", "z", ")", "SET", "x", ";"]
        );
    }

    #[test]
    fn mariadb_sandbox_line_is_a_comment() {
        let got = texts(
            "/*M!999999\\- enable the sandbox mode */ \nSET x;",
            Dialect::MySql,
        );
        assert_eq!(got, ["\\- enable the sandbox mode ", "SET", "x", ";"]);
    }

    #[test]
    fn multi_line_string_starts_on_its_first_line() {
        let got = tokens("\n\n'line one\nline two' x", Dialect::Postgres);
        assert_eq!(got[0], (STR, "line one\nline two".into(), 3));
        assert_eq!(got[1], (Token::Word, "x".into(), 4));
    }

    #[test]
    fn long_string_comes_out_in_pieces() {
        let sql = format!("'{}'", "a".repeat(CHUNK_LEN + 10));
        let got = tokens(&sql, Dialect::Postgres);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].0,
            Token::Str {
                binary: false,
                more: true
            }
        );
        assert_eq!(got[0].1.len(), CHUNK_LEN);
        assert_eq!(got[1], (STR, "a".repeat(10), 1));
    }

    #[test]
    fn unterminated_string_hands_out_its_text_then_fails_with_its_line() {
        let mut input: &[u8] = b"x\n'abc";
        let mut lexer = Lexer::new(Reader::new(&mut input), Dialect::Postgres);
        assert_eq!(lexer.next_token().unwrap(), Token::Word);
        assert_eq!(
            lexer.next_token().unwrap(),
            Token::Str {
                binary: false,
                more: true
            }
        );
        assert_eq!(lexer.text, b"abc");
        match lexer.next_token() {
            Err(ExtractError::Malformed { line, reason }) => {
                assert_eq!(line, Some(2));
                assert!(reason.contains("unterminated string"), "{reason}");
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn numbers_with_exponent_and_hex() {
        let got = tokens("1.5e-3 0xFF 42", Dialect::MySql);
        assert_eq!(got[0], (Token::Num { hex: false }, "1.5e-3".into(), 1));
        assert_eq!(got[1].0, Token::Num { hex: true });
        assert_eq!(got[2].1, "42");
    }
}
