//! E-mail messages (`.eml`: RFC 5322 with MIME), opened like archives: the message's headers
//! and each of its parts are members, scanned as the files they are.
//!
//! Mail keeps personal data where a text scan cannot see it: bodies encoded as base64 or
//! quoted-printable, and attachments (a CSV export, a PDF, a workbook). mailparse decodes
//! each part; the scan then sniffs it like a file on disk. Members are named
//! `mail.eml!headers.txt` (the decoded headers: senders, recipients, subject), the attachment's
//! file name (`mail.eml!customers.csv`), or `part2.html` after the part's place and type. A
//! message attached to a message is a member named `.eml`, opened in turn.
//!
//! A mailbox file (`mbox`: messages one after another, each opened by a line `From ...`) is
//! read as a stream of messages, each a member `message1.eml`, `message2.eml`, opened as
//! above.

use std::io::{self, BufRead, Cursor};
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use mailparse::{DispositionType, ParsedMail};

use super::archive::{Member, Visit};

/// Headers that open a message as mail servers and clients write it.
const FIRST_HEADERS: [&str; 8] = [
    "return-path:",
    "received:",
    "delivered-to:",
    "mime-version:",
    "message-id:",
    "from:",
    "date:",
    "x-",
];

/// True when a file named with extension `ext` whose first bytes are `head` is an e-mail
/// message: a `.eml` file, or one that opens with a mail header and declares MIME.
pub fn is_email(head: &[u8], ext: &str) -> bool {
    if ext == "eml" {
        return true;
    }
    if !opens_with_header(head) {
        return false;
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_ascii_lowercase();
    text.contains("\nmime-version:") && (text.starts_with("from:") || text.contains("\nfrom:"))
}

/// True when `text` starts with one of the [`FIRST_HEADERS`], in any case.
fn opens_with_header(text: &[u8]) -> bool {
    FIRST_HEADERS.iter().any(|header| {
        text.get(..header.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(header.as_bytes()))
    })
}

/// True when a file named with extension `ext` whose first bytes are `head` is a mailbox: a
/// `.mbox` file, or one that opens with an mbox separator line followed by a mail header.
pub fn is_mbox(head: &[u8], ext: &str) -> bool {
    if ext == "mbox" {
        return true;
    }
    let Some(rest) = head.strip_prefix(b"From ") else {
        return false;
    };
    let next_line = rest
        .iter()
        .position(|&b| b == b'\n')
        .map(|end| &rest[end + 1..]);
    next_line.is_some_and(opens_with_header)
}

/// Calls `visit` with each message of the mailbox streamed from `input`, named `message1.eml`,
/// `message2.eml`...: the lines from one `From ` separator line to the next, without it, with
/// `>From ` lines unquoted. Only one message is held in memory at a time, up to `max_size`
/// bytes; a longer one is skipped with its reason.
pub fn each_message(
    input: &mut dyn BufRead,
    max_size: u64,
    visit: &mut Visit<'_>,
) -> io::Result<()> {
    let mut message: Vec<u8> = Vec::new();
    let mut too_large = false;
    let mut number = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = input.read_until(b'\n', &mut line)?;
        let separator = read == 0 || line.starts_with(b"From ");
        if separator && (too_large || !message.is_empty()) {
            number += 1;
            let name = format!("message{number}.eml");
            if too_large {
                let reason = format!("larger than --max-file-size ({max_size} bytes)");
                visit(&name, Member::Skipped(reason));
            } else {
                visit(&name, Member::Readable(&mut Cursor::new(&message)));
            }
            message.clear();
            too_large = false;
        }
        if read == 0 {
            return Ok(());
        }
        if separator {
            continue;
        }
        let unquoted = unquote_from(&line);
        if message.len() as u64 + unquoted.len() as u64 > max_size {
            too_large = true;
            message.clear();
        } else if !too_large {
            message.extend_from_slice(unquoted);
        }
    }
}

/// A message line as it was before the mailbox quoted it: `>From ` (and `>>From `) lose one
/// `>`, which a mailbox adds so the line is not taken for a separator.
fn unquote_from(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line[quotes..].starts_with(b"From ") {
        &line[1..]
    } else {
        line
    }
}

/// Most `multipart/` sections a message may hold. mailparse parses nested sections by
/// recursion without a bound: 3,000 nested in a 100 KB message overflowed the stack and
/// aborted the scan. Real messages hold a handful.
const MAX_MULTIPART_SECTIONS: usize = 100;

/// Finds `multipart/` in any case, built once.
static MULTIPART: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(["multipart/"])
        .expect("one literal pattern builds")
});

/// Calls `visit` with the decoded headers of the message in `bytes`, then with each of its
/// parts, in order. Fails when the message cannot be parsed at all, or holds more than 100
/// multipart sections (`MAX_MULTIPART_SECTIONS`).
pub fn each_part(bytes: &[u8], visit: &mut Visit<'_>) -> Result<(), String> {
    if MULTIPART
        .find_iter(bytes)
        .nth(MAX_MULTIPART_SECTIONS)
        .is_some()
    {
        return Err(format!(
            "message not read: more than {MAX_MULTIPART_SECTIONS} multipart sections"
        ));
    }
    let message =
        mailparse::parse_mail(bytes).map_err(|err| format!("message cannot be read: {err}"))?;
    let headers: String = message
        .headers
        .iter()
        .filter(|h| !is_structural_header(&h.get_key()))
        .map(|h| format!("{}: {}\n", h.get_key(), h.get_value()))
        .collect();
    visit("headers.txt", Member::Readable(&mut Cursor::new(headers)));
    let mut number = 0;
    visit_leaves(&message, &mut number, visit);
    Ok(())
}

/// True for the headers that describe a message's MIME structure or identify messages, not
/// who wrote to whom: the MIME headers describe the parts, which follow (and left out, the
/// headers member is not taken for a message of its own); message ids
/// (`<1234@mail.example.com>`) have the shape of e-mail addresses and name no one.
fn is_structural_header(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    matches!(
        key.as_str(),
        "mime-version" | "message-id" | "in-reply-to" | "references"
    ) || key.starts_with("content-")
}

/// Visits the parts of `part` that hold content (not `multipart/*`), numbering them from 1.
fn visit_leaves(part: &ParsedMail<'_>, number: &mut usize, visit: &mut Visit<'_>) {
    if part.ctype.mimetype.starts_with("multipart/") {
        for sub in &part.subparts {
            visit_leaves(sub, number, visit);
        }
        return;
    }
    *number += 1;
    let name = part_name(part, *number);
    let body = if part.ctype.mimetype.starts_with("text/") {
        part.get_body().map(String::into_bytes)
    } else {
        part.get_body_raw()
    };
    match body {
        Ok(body) => visit(&name, Member::Readable(&mut Cursor::new(body))),
        Err(err) => visit(
            &name,
            Member::Unreadable(format!("cannot be decoded: {err}")),
        ),
    }
}

/// The member name of a part: its file name when it is an attachment that has one, else
/// `part` and its number with an extension for its type (`part1.txt`, `part2.html`).
fn part_name(part: &ParsedMail<'_>, number: usize) -> String {
    let disposition = part.get_content_disposition();
    let file_name = disposition
        .params
        .get("filename")
        .or_else(|| part.ctype.params.get("name"))
        .filter(|_| disposition.disposition != DispositionType::Inline || !is_body(part))
        .map(|name| name.rsplit(['/', '\\']).next().unwrap_or(name).to_string());
    file_name.unwrap_or_else(|| {
        let extension = match part.ctype.mimetype.as_str() {
            "text/plain" => "txt",
            "text/html" => "html",
            "text/csv" => "csv",
            "message/rfc822" => "eml",
            _ => "bin",
        };
        format!("part{number}.{extension}")
    })
}

/// True for a text part shown as the message itself.
fn is_body(part: &ParsedMail<'_>) -> bool {
    matches!(part.ctype.mimetype.as_str(), "text/plain" | "text/html")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = "From: Jane Doe <jane.doe@example.com>\r\n\
        To: billing@example.org\r\n\
        Message-ID: <4711@mail.example.com>\r\n\
        Subject: =?utf-8?q?Invoice_for_Zo=C3=AB?=\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
        \r\n\
        --b1\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\
        Content-Transfer-Encoding: quoted-printable\r\n\
        \r\n\
        Call me on +44 20 7946 0958, Zo=C3=AB\r\n\
        --b1\r\n\
        Content-Type: text/csv; name=\"export.csv\"\r\n\
        Content-Disposition: attachment; filename=\"export.csv\"\r\n\
        Content-Transfer-Encoding: base64\r\n\
        \r\n\
        ZW1haWwKYm9iQGV4YW1wbGUuY29tCg==\r\n\
        --b1--\r\n";

    /// A member's text, or the reason it is not read.
    fn text(member: Member<'_>) -> String {
        match member {
            Member::Readable(reader) => {
                let mut text = String::new();
                reader.read_to_string(&mut text).unwrap();
                text
            }
            Member::Skipped(reason) | Member::Unreadable(reason) => reason,
        }
    }

    /// Each member of `message`: its name and [`text`].
    fn parts(message: &str) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        each_part(message.as_bytes(), &mut |name, member| {
            seen.push((name.to_string(), text(member)));
        })
        .unwrap();
        seen
    }

    #[test]
    fn headers_bodies_and_attachments_are_members_decoded() {
        let seen = parts(MESSAGE);
        let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["headers.txt", "part1.txt", "export.csv"]);
        assert!(
            seen[0].1.contains("Subject: Invoice for Zoë"),
            "{}",
            seen[0].1
        );
        assert!(seen[0].1.contains("From: Jane Doe <jane.doe@example.com>"));
        assert!(!seen[0].1.contains("MIME-Version"), "{}", seen[0].1);
        assert!(!seen[0].1.contains("4711@"), "{}", seen[0].1);
        assert!(!is_email(seen[0].1.as_bytes(), "txt"));
        assert_eq!(seen[1].1.trim_end(), "Call me on +44 20 7946 0958, Zoë");
        assert_eq!(seen[2].1, "email\nbob@example.com\n");
    }

    #[test]
    fn deeply_nested_sections_are_refused_before_parsing() {
        let mut body = "x".to_string();
        for depth in 0..3000 {
            body = format!(
                "Content-Type: multipart/mixed; boundary=\"b{depth}\"\r\n\r\n--b{depth}\r\n\
                 {body}\r\n--b{depth}--\r\n"
            );
        }
        let message = format!("From: a@example.com\r\nMIME-Version: 1.0\r\n{body}");
        let result = each_part(message.as_bytes(), &mut |_, _| {});
        assert_eq!(
            result.unwrap_err(),
            "message not read: more than 100 multipart sections"
        );
    }

    /// Each message of `mailbox` with `max_size`: its name and [`text`].
    fn messages(mailbox: &str, max_size: u64) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        each_message(&mut mailbox.as_bytes(), max_size, &mut |name, member| {
            seen.push((name.to_string(), text(member)));
        })
        .unwrap();
        seen
    }

    #[test]
    fn a_mailbox_is_split_at_its_separator_lines_and_quoted_from_lines_unquoted() {
        let mailbox = "From a@example.com Mon Jan  6 09:30:00 2025\n\
            From: a@example.com\n\nHello\n>From the desk of A\n>>From here\n\n\
            From b@example.com Mon Jan  6 10:00:00 2025\n\
            From: b@example.com\n\nBye\n";
        assert_eq!(
            messages(mailbox, 1 << 20),
            [
                (
                    "message1.eml".to_string(),
                    "From: a@example.com\n\nHello\nFrom the desk of A\n>From here\n\n".to_string()
                ),
                (
                    "message2.eml".to_string(),
                    "From: b@example.com\n\nBye\n".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_message_past_the_size_limit_is_skipped_and_the_next_one_read() {
        let mailbox = "From a\nFrom: a@example.com\n\nxxxxxxxxxxxxxxxxxxxx\nFrom b\nFrom: b\n";
        let seen = messages(mailbox, 30);
        assert_eq!(seen[0].0, "message1.eml");
        assert_eq!(seen[0].1, "larger than --max-file-size (30 bytes)");
        assert_eq!(
            seen[1],
            ("message2.eml".to_string(), "From: b\n".to_string())
        );
    }

    #[test]
    fn a_mailbox_is_told_by_its_extension_or_its_first_lines() {
        assert!(is_mbox(b"anything", "mbox"));
        assert!(is_mbox(
            b"From a@example.com Mon Jan 6\nReturn-Path: <a@example.com>\n",
            ""
        ));
        assert!(!is_mbox(
            b"From the start, we planned\nthe launch.\n",
            "txt"
        ));
    }

    #[test]
    fn a_message_is_told_by_its_extension_or_its_headers() {
        assert!(is_email(b"anything", "eml"));
        assert!(is_email(MESSAGE.as_bytes(), "txt"));
        assert!(!is_email(b"From: a note about MIME-Version: 1.0\n", "txt"));
        assert!(!is_email(b"date: 2024-01-02\nvalue: 3\n", ""));
    }
}
