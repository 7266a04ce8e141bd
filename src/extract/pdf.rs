//! PDF files, read page by page: pdf-extract lays out each page's text as lines (over lopdf,
//! which parses the file), and the lines between blank lines make a paragraph.
//!
//! Each paragraph is one [`Cell`]: `container` is the page (`page 3`), `line` the paragraph's
//! number on the page. A paragraph's line breaks are read as spaces: a PDF breaks lines where
//! the page ends them, and a phone number wrapped onto the next line is still one number. A
//! page whose content cannot be read (or on which the reader panics) is an error after every
//! other page is read; a file
//! encrypted with a password, or that cannot be parsed at all, is an error. Images (scanned
//! pages) hold no text to read.

use std::collections::HashSet;
use std::io::{BufRead, Read};
use std::path::Path;

use lopdf::{Document, Object, ObjectId, decode_text_string};
use pdf_extract::{PlainTextOutput, output_doc_page};

use super::{Cell, ExtractError, FileKind, unless_panic};

/// True when `head` opens a PDF file.
pub(crate) fn is_pdf(head: &[u8]) -> bool {
    head.starts_with(b"%PDF-")
}

/// Reads the PDF file at `path` (whole, as PDF readers need random access). Its compressed
/// streams may decompress to `max_size` bytes in all (see [`oversized_streams`]).
pub(crate) fn extract_path(
    path: &Path,
    max_size: u64,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    extract_bytes(&std::fs::read(path)?, max_size, emit)
}

/// Reads a whole PDF from `input` (a member of an archive, standard input) into memory, then
/// as [`extract_path`] does.
pub(crate) fn extract_reader(
    input: &mut dyn BufRead,
    max_size: u64,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    extract_bytes(&bytes, max_size, emit)
}

fn extract_bytes(
    bytes: &[u8],
    max_size: u64,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let malformed = |reason: String| ExtractError::Malformed { line: None, reason };
    if oversized_streams(bytes, max_size) {
        return Err(malformed(format!(
            "PDF not read: its compressed streams decompress to more than --max-file-size \
             ({max_size} bytes)"
        )));
    }
    let mut document = Document::load_mem(bytes)
        .map_err(|err| malformed(format!("PDF cannot be opened: {err}")))?;
    // Many PDFs are encrypted with an empty password, only to restrict printing or copying.
    if document.is_encrypted() && document.decrypt("").is_err() {
        return Err(malformed("PDF encrypted with a password (not read)".into()));
    }
    let mut first_error = None;
    for number in document.get_pages().into_keys() {
        let mut text = String::new();
        if let Err(reason) = read_page(&document, number, &mut text) {
            first_error.get_or_insert(format!("page {number} cannot be read: {reason}"));
        }
        emit_paragraphs(&text, &format!("page {number}"), emit);
    }
    emit_form_fields(&document, emit);
    first_error.map_or(Ok(()), |reason| Err(malformed(reason)))
}

/// Emits the value of each field of the PDF's interactive form: a filled-in form keeps what
/// was typed into it in its fields, not on its pages. Each value is one cell: `container` is
/// `form`, `field` the field's full name (`applicant.ssn`, which its rules' field names
/// match), `line` its number in the form.
fn emit_form_fields(document: &Document, emit: &mut dyn FnMut(Cell<'_>)) {
    let fields = document
        .catalog()
        .and_then(|catalog| catalog.get(b"AcroForm"))
        .and_then(|form| document.dereference(form))
        .and_then(|(_, form)| form.as_dict())
        .and_then(|form| form.get(b"Fields"))
        .and_then(|fields| document.dereference(fields))
        .and_then(|(_, fields)| fields.as_array());
    let mut form = Form {
        document,
        seen: HashSet::new(),
        values: Vec::new(),
    };
    if let Ok(fields) = fields {
        form.collect(fields, "", 0);
    }
    for (number, (name, value)) in (1..).zip(&form.values) {
        emit(Cell {
            container: Some("form"),
            field: Some(name),
            ..Cell::plain(value.as_bytes(), number)
        });
    }
}

/// Deepest nesting of form fields read (`/Kids` of `/Kids`): a chain of fields built to
/// overflow the stack stops there.
const MAX_FIELD_DEPTH: usize = 32;

/// The fields of a PDF's form, read in form order.
struct Form<'d> {
    document: &'d Document,
    /// The fields read, by object: a field listed as its own kid is read once.
    seen: HashSet<ObjectId>,
    /// Each field's full name and value.
    values: Vec<(String, String)>,
}

impl Form<'_> {
    /// Reads `fields` and their kids; `parent` is the full name of the field holding them,
    /// `depth` how many fields hold them.
    fn collect(&mut self, fields: &[Object], parent: &str, depth: usize) {
        if depth > MAX_FIELD_DEPTH {
            return;
        }
        for field in fields {
            let Ok((id, Object::Dictionary(field))) = self.document.dereference(field) else {
                continue;
            };
            if id.is_some_and(|id| !self.seen.insert(id)) {
                continue;
            }
            let name = match field.get(b"T").map(decode_text_string) {
                Ok(Ok(own)) if parent.is_empty() => own,
                Ok(Ok(own)) => format!("{parent}.{own}"),
                _ => parent.to_string(),
            };
            if let Some(value) = field.get(b"V").ok().and_then(|v| self.value_text(v)) {
                self.values.push((name.clone(), value));
            }
            let kids = field
                .get(b"Kids")
                .and_then(|k| self.document.dereference(k));
            if let Ok((_, Object::Array(kids))) = kids {
                self.collect(kids, &name, depth + 1);
            }
        }
    }

    /// The text of a field's value: a text string, a choice (a name), or the choices of a
    /// list; `None` when it is blank or something else.
    fn value_text(&self, value: &Object) -> Option<String> {
        let text = match self.document.dereference(value).ok()?.1 {
            Object::Array(choices) => {
                let choices: Vec<String> = choices.iter().filter_map(choice_text).collect();
                choices.join(", ")
            }
            single => choice_text(single)?,
        };
        (!text.trim().is_empty()).then_some(text)
    }
}

/// The text of a string or a name.
fn choice_text(value: &Object) -> Option<String> {
    match value {
        Object::String(..) => decode_text_string(value).ok(),
        Object::Name(name) => Some(String::from_utf8_lossy(name).into_owned()),
        _ => None,
    }
}

/// True when the zlib-compressed (`/FlateDecode`) streams of the PDF in `bytes` decompress to
/// more than `max_size` bytes together. The PDF reader decompresses streams in memory with no
/// limit, so a few megabytes of PDF could take gigabytes; here each stream is decompressed
/// into nothing, counting, and no more than the limit. Data after a `stream` keyword that is
/// not zlib (another filter, an encrypted stream, the word in a page's text) counts for
/// nothing: the reader does not inflate it either.
fn oversized_streams(bytes: &[u8], max_size: u64) -> bool {
    let mut total: u64 = 0;
    for keyword in memchr::memmem::find_iter(bytes, b"stream") {
        let after = &bytes[keyword + b"stream".len()..];
        let data = match after {
            [b'\r', b'\n', data @ ..] | [b'\n', data @ ..] => data,
            _ => continue,
        };
        let left = max_size.saturating_sub(total).saturating_add(1);
        total = total.saturating_add(inflated_len(data, left));
        if total > max_size {
            return true;
        }
    }
    false
}

/// How many bytes the zlib stream at the start of `data` inflates to, counting no further
/// than `limit`; what it gave before an error when `data` is not (all) zlib.
fn inflated_len(data: &[u8], limit: u64) -> u64 {
    let mut inflater = flate2::read::ZlibDecoder::new(data).take(limit);
    let mut chunk = [0u8; 16 * 1024];
    let mut total = 0;
    while let Ok(read @ 1..) = inflater.read(&mut chunk) {
        total += read as u64;
    }
    total
}

/// Lays out the text of page `number` into `text`, as far as it can be read. The PDF reader
/// panics on some damaged pages (an `unwrap` on a missing font entry); that is this page's
/// error, and the pages after it are still read, since the document is not changed.
fn read_page(document: &Document, number: u32, text: &mut String) -> Result<(), String> {
    let layout = || output_doc_page(document, &mut PlainTextOutput::new(&mut *text), number);
    unless_panic(FileKind::Pdf, layout)?.map_err(|err| err.to_string())
}

/// Emits the paragraphs of one page's text, numbered from 1, as cells of `label`.
fn emit_paragraphs(page: &str, label: &str, emit: &mut dyn FnMut(Cell<'_>)) {
    let mut paragraph = String::new();
    let mut number = 0;
    let mut flush = |paragraph: &mut String| {
        if !paragraph.trim().is_empty() {
            number += 1;
            emit(Cell {
                container: Some(label),
                ..Cell::plain(paragraph.trim().as_bytes(), number)
            });
        }
        paragraph.clear();
    };
    for line in page.lines() {
        if line.trim().is_empty() {
            flush(&mut paragraph);
        } else {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(line.trim_end());
        }
    }
    flush(&mut paragraph);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(page: &str) -> Vec<(u64, String)> {
        let mut cells = Vec::new();
        emit_paragraphs(page, "page 1", &mut |cell| {
            assert_eq!(cell.container, Some("page 1"));
            cells.push((cell.line, String::from_utf8_lossy(cell.text).into_owned()));
        });
        cells
    }

    #[test]
    fn lines_between_blank_lines_make_one_paragraph_with_spaces_for_breaks() {
        let page = "\n\nDear Jane,\nyour mobile +44 20 \n7946 0958.\n\n\nKind regards,\n";
        assert_eq!(
            paragraphs(page),
            vec![
                (1, "Dear Jane, your mobile +44 20 7946 0958.".to_string()),
                (2, "Kind regards,".to_string()),
            ]
        );
    }

    #[test]
    fn a_page_of_blank_lines_has_no_paragraph() {
        assert!(paragraphs("\n  \n\n").is_empty());
    }

    /// A PDF of one page per entry of `pages`: its font (`None`: a reference to an object
    /// the file lacks) and the text it shows.
    fn pdf(pages: &[(Option<&str>, &str)]) -> Vec<u8> {
        use lopdf::{Object, Stream, dictionary};
        let mut document = Document::with_version("1.5");
        let pages_id = document.new_object_id();
        let mut kids: Vec<Object> = Vec::new();
        for (font, text) in pages {
            let font = match font {
                Some(name) => document.add_object(dictionary! {
                    "Type" => "Font", "Subtype" => "Type1", "BaseFont" => *name,
                }),
                None => (99, 0),
            };
            // Padded with spaces, which compress well, then compressed as PDF writers do.
            let padding = " ".repeat(100_000);
            let shown = format!("BT /F1 12 Tf 72 712 Td ({text}) Tj ET{padding}");
            let mut stream = Stream::new(dictionary! {}, shown.into_bytes());
            stream.compress().expect("stream compressed");
            let content = document.add_object(stream);
            kids.push(Object::Reference(document.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content,
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            })));
        }
        let count = kids.len() as i64;
        let tree = dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count };
        document.objects.insert(pages_id, Object::Dictionary(tree));
        let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        document.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        document.save_to(&mut bytes).expect("PDF written to memory");
        bytes
    }

    #[test]
    fn a_page_the_reader_panics_on_is_an_error_and_the_next_page_is_read() {
        let bytes = pdf(&[
            (None, "lost"),
            (Some("Helvetica"), "mail jane.doe@example.com"),
        ]);
        let mut cells = Vec::new();
        let result = extract_bytes(&bytes, u64::MAX, &mut |cell| {
            let text = String::from_utf8_lossy(cell.text).into_owned();
            cells.push((cell.container.unwrap().to_string(), text));
        });
        assert_eq!(
            cells,
            [(
                "page 2".to_string(),
                "mail jane.doe@example.com".to_string()
            )]
        );
        let reason = result.unwrap_err().to_string();
        assert!(
            reason.contains("page 1 cannot be read: internal error in the pdf reader"),
            "{reason}"
        );
    }

    #[test]
    fn streams_decompressing_past_the_limit_stop_the_pdf_before_it_is_read() {
        let bytes = pdf(&[(Some("Helvetica"), "mail jane.doe@example.com")]);
        assert!(bytes.len() < 5_000, "{} bytes", bytes.len());
        let mut cells = 0;
        let refused = extract_bytes(&bytes, 50_000, &mut |_| cells += 1);
        let reason = refused.unwrap_err().to_string();
        assert!(
            reason.contains("PDF not read: its compressed streams"),
            "{reason}"
        );
        assert_eq!(cells, 0);
        assert!(extract_bytes(&bytes, 200_000, &mut |_| cells += 1).is_ok());
        assert_eq!(cells, 1);
    }

    #[test]
    fn form_fields_are_named_by_their_parents_and_a_field_that_holds_itself_is_read_once() {
        use lopdf::{Object, StringFormat, dictionary};
        let text = |s: &str| Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
        let mut document = Document::load_mem(&pdf(&[(Some("Helvetica"), "Form")])).unwrap();
        let parent = document.new_object_id();
        let ssn = document.add_object(dictionary! {
            "T" => text("ssn"), "V" => text("536-90-4399"), "Parent" => parent,
        });
        let choice = document.add_object(dictionary! {
            "T" => text("contact"), "V" => vec![text("mail"), Object::Name(b"phone".to_vec())],
        });
        let kids = vec![ssn.into(), parent.into(), choice.into()];
        let holder = dictionary! { "T" => text("applicant"), "Kids" => kids };
        document.objects.insert(parent, Object::Dictionary(holder));
        let form = document.add_object(dictionary! { "Fields" => vec![parent.into()] });
        document.catalog_mut().unwrap().set("AcroForm", form);
        let mut cells = Vec::new();
        emit_form_fields(&document, &mut |cell| {
            let field = cell.field.unwrap().to_string();
            cells.push((
                cell.line,
                field,
                String::from_utf8_lossy(cell.text).into_owned(),
            ));
        });
        assert_eq!(
            cells,
            [
                (1, "applicant.ssn".to_string(), "536-90-4399".to_string()),
                (
                    2,
                    "applicant.contact".to_string(),
                    "mail, phone".to_string()
                ),
            ]
        );
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let result = extract_bytes(
            b"%PDF-1.7\n1 0 obj << /Type /Catalog",
            u64::MAX,
            &mut |_| {},
        );
        let reason = result.unwrap_err().to_string();
        assert!(reason.contains("PDF cannot be opened"), "{reason}");
    }
}
