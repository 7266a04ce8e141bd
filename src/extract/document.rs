//! Word-processor documents and presentations: Word (`.docx`), PowerPoint (`.pptx`) and
//! OpenDocument text (`.odt`), read paragraph by paragraph from the XML parts of their zip.
//!
//! Each paragraph is one [`Cell`]: `container` is the part it comes from (`document`,
//! `header1`, `footnotes`, `comments`, `slide3`, `content`...), `line` the paragraph's number
//! in that part, from 1, and `column` 1. The text of a paragraph is the text of its runs (in a
//! Word document also the text of tracked deletions, which is still in the file), with tabs and
//! line breaks as spaces; the paragraphs of a text box or an OpenDocument footnote are read
//! into the paragraph holding it, after a space, so that every finding's `line` is the number
//! of the paragraph it is in. A document that
//! is not a readable zip, or a part whose XML breaks, ends in [`ExtractError::Malformed`] after
//! the paragraphs read before it.

use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::path::Path;

use quick_xml::events::{BytesRef, BytesStart, Event};
use zip::ZipArchive;

use super::{Cell, ExtractError, archive};

/// The document formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// Office Open XML word-processing document (`.docx`, `.docm`, `.dotx`).
    Docx,
    /// Office Open XML presentation (`.pptx`, `.pptm`, `.ppsx`).
    Pptx,
    /// OpenDocument text (`.odt`, `.ott`).
    Odt,
}

impl Document {
    /// Lowercase name used in reports and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Document::Docx => "docx",
            Document::Pptx => "pptx",
            Document::Odt => "odt",
        }
    }

    /// The format of a zip whose first bytes are `head` and whose extension is `ext`: by the
    /// OpenDocument mimetype (the first member), by the extension, or by the folder its parts
    /// sit in (`word/`, `ppt/`).
    pub fn sniff(head: &[u8], ext: &str) -> Option<Document> {
        let holds = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
        if holds(b"application/vnd.oasis.opendocument.text") || matches!(ext, "odt" | "ott") {
            Some(Document::Odt)
        } else if matches!(ext, "docx" | "docm" | "dotx" | "dotm") || holds(b"word/") {
            Some(Document::Docx)
        } else if matches!(ext, "pptx" | "pptm" | "ppsx" | "ppsm") || holds(b"ppt/") {
            Some(Document::Pptx)
        } else {
            None
        }
    }

    /// Whether an element of this local name starts a paragraph.
    fn is_paragraph(self, local: &str) -> bool {
        match self {
            Document::Docx | Document::Pptx => local == "p",
            Document::Odt => local == "p" || local == "h",
        }
    }
}

/// Reads the document at `path`.
pub(crate) fn extract_path(
    path: &Path,
    format: Document,
    max_part_size: u64,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let file = std::fs::File::open(path)?;
    extract_document(BufReader::new(file), format, max_part_size, emit)
}

/// Reads a whole document from `input` (a member of an archive, standard input) into memory,
/// then as [`extract_path`] does.
pub(crate) fn extract_reader(
    input: &mut dyn BufRead,
    format: Document,
    max_part_size: u64,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    extract_document(Cursor::new(bytes), format, max_part_size, emit)
}

fn extract_document(
    source: impl Read + Seek,
    format: Document,
    max_part_size: u64,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), ExtractError> {
    let malformed = |reason: String| ExtractError::Malformed { line: None, reason };
    let mut archive = ZipArchive::new(source)
        .map_err(|err| malformed(format!("document cannot be opened: {err}")))?;
    if let Some(reason) = archive::oversized_part(&mut archive, max_part_size) {
        return Err(malformed(format!("document not read: {reason}")));
    }
    let names: Vec<String> = archive.file_names().flatten().map(String::from).collect();
    let parts = text_parts(&names, format);
    if parts.is_empty() {
        return Err(malformed(format!(
            "not a {} document: none of the parts that hold its text is there",
            format.as_str()
        )));
    }
    for (part, label) in parts {
        let member = archive
            .by_name(&part)
            .map_err(|err| malformed(format!("{part} cannot be read: {err}")))?;
        read_paragraphs(BufReader::new(member), format, &label, emit)
            .map_err(|reason| malformed(format!("{part}: {reason}")))?;
    }
    Ok(())
}

/// The parts of a document that hold its text, in reading order, each with the label its
/// cells carry as container: the body first, then headers, footers, notes and comments
/// (Word); the slides in order, then their notes (PowerPoint); the content, then the styles
/// that hold headers and footers (OpenDocument).
fn text_parts(names: &[String], format: Document) -> Vec<(String, String)> {
    let label = |name: &str| {
        let file = name.rsplit('/').next().unwrap_or(name);
        file.strip_suffix(".xml").unwrap_or(file).to_string()
    };
    let parts: Vec<&String> = match format {
        Document::Docx => {
            let is_text_part = |name: &str| {
                let Some(file) = name.strip_prefix("word/") else {
                    return false;
                };
                ["header", "footer"].iter().any(|p| file.starts_with(p))
                    || ["footnotes.xml", "endnotes.xml", "comments.xml"].contains(&file)
            };
            let body = names.iter().filter(|n| *n == "word/document.xml");
            let mut others: Vec<&String> = names
                .iter()
                .filter(|n| is_text_part(n) && n.ends_with(".xml"))
                .collect();
            others.sort_by_key(|n| numbered(n));
            body.chain(others).collect()
        }
        Document::Pptx => {
            let in_folder = |folder: &str| {
                let mut slides: Vec<&String> = names
                    .iter()
                    .filter(|n| n.starts_with(folder) && n.ends_with(".xml"))
                    .filter(|n| !n[folder.len()..].contains('/'))
                    .collect();
                slides.sort_by_key(|n| numbered(n));
                slides
            };
            let mut slides = in_folder("ppt/slides/");
            slides.extend(in_folder("ppt/notesSlides/"));
            slides
        }
        Document::Odt => ["content.xml", "styles.xml"]
            .iter()
            .filter_map(|part| names.iter().find(|n| n == part))
            .collect(),
    };
    parts.into_iter().map(|n| (n.clone(), label(n))).collect()
}

/// `name` with its trailing number apart, so that `slide10` comes after `slide9`.
fn numbered(name: &str) -> (String, u64) {
    let stem = name.strip_suffix(".xml").unwrap_or(name);
    let digits = stem.len() - stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (text, number) = stem.split_at(stem.len() - digits);
    (text.to_string(), number.parse().unwrap_or(0))
}

/// Emits the paragraphs of one XML part as cells with `label` as container.
fn read_paragraphs(
    input: impl BufRead,
    format: Document,
    label: &str,
    emit: &mut dyn FnMut(Cell<'_>),
) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut paragraph = Paragraph::default();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|err| format!("{err} at byte {}", reader.error_position()))?;
        match event {
            Event::Start(element) => paragraph.open(format, &element),
            Event::Empty(element) => paragraph.empty(format, &element),
            Event::End(element) => {
                let local = element.local_name();
                if paragraph.close(format, local.as_ref()) {
                    paragraph.emit(label, emit);
                }
            }
            Event::Text(text) => paragraph.text(format, text.as_bytes()),
            Event::CData(data) => paragraph.text(format, data.as_bytes()),
            Event::GeneralRef(reference) => paragraph.reference(format, &reference),
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// The paragraph being read.
#[derive(Default)]
struct Paragraph {
    text: Vec<u8>,
    /// Paragraphs open: more than one inside a text box.
    depth: usize,
    /// Inside a run's text (`w:t`, `a:t`, `w:delText`): only there is text a Word or
    /// PowerPoint paragraph's own.
    in_run_text: bool,
    /// Inside an OpenDocument note's number (`text:note-citation`), which is not text.
    in_citation: bool,
    /// Paragraphs of the part so far.
    number: u64,
}

impl Paragraph {
    fn open(&mut self, format: Document, element: &BytesStart<'_>) {
        let local = element.local_name();
        let local = local.as_ref();
        if format.is_paragraph(local) {
            if self.depth == 0 {
                self.number += 1;
                self.text.clear();
            } else {
                self.separate();
            }
            self.depth += 1;
        } else if local == "t" || local == "delText" {
            self.in_run_text = true;
        } else if format == Document::Odt && local == "note-citation" {
            self.in_citation = true;
        }
    }

    /// An element without content: an empty paragraph, a tab, a line break, or OpenDocument's
    /// run of spaces.
    fn empty(&mut self, format: Document, element: &BytesStart<'_>) {
        let local = element.local_name();
        if self.depth == 0 {
            if format.is_paragraph(local.as_ref()) {
                self.number += 1;
            }
            return;
        }
        match local.as_ref() {
            "tab" => self.text.push(b'\t'),
            "br" | "cr" | "line-break" => self.separate(),
            "s" if format == Document::Odt => {
                let count = element
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "c")
                    .and_then(|a| a.value.parse::<usize>().ok())
                    .unwrap_or(1);
                self.text.extend(std::iter::repeat_n(b' ', count.min(1024)));
            }
            _ => {}
        }
    }

    /// Closes the element of local name `local`; true when that ends a paragraph.
    fn close(&mut self, format: Document, local: &str) -> bool {
        if format.is_paragraph(local) && self.depth > 0 {
            self.depth -= 1;
            if self.depth > 0 {
                self.separate();
            }
            return self.depth == 0;
        }
        if local == "t" || local == "delText" {
            self.in_run_text = false;
        } else if local == "note-citation" {
            self.in_citation = false;
        }
        false
    }

    /// Separates what follows from the text so far with a space, unless it is empty or ends
    /// with one: a line break, or a text box or footnote read into its paragraph. Not with a
    /// line feed, which would make the finding's `line` count past the paragraph.
    fn separate(&mut self) {
        if self.text.last().is_some_and(|&b| b != b' ') {
            self.text.push(b' ');
        }
    }

    fn takes_text(&self, format: Document) -> bool {
        self.depth > 0
            && match format {
                Document::Docx | Document::Pptx => self.in_run_text,
                Document::Odt => !self.in_citation,
            }
    }

    fn text(&mut self, format: Document, text: &[u8]) {
        if self.takes_text(format) {
            self.text.extend_from_slice(text);
        }
    }

    /// An entity or character reference (`&amp;`, `&#233;`) in the text.
    fn reference(&mut self, format: Document, reference: &BytesRef<'_>) {
        if !self.takes_text(format) {
            return;
        }
        let mut char_bytes = [0; 4];
        let resolved = match reference.resolve_char_ref() {
            Ok(Some(ch)) => Some(&*ch.encode_utf8(&mut char_bytes)),
            _ => quick_xml::escape::resolve_predefined_entity(reference),
        };
        if let Some(text) = resolved {
            self.text.extend_from_slice(text.as_bytes());
        }
    }

    fn emit(&mut self, label: &str, emit: &mut dyn FnMut(Cell<'_>)) {
        if self.text.iter().any(|b| !b.is_ascii_whitespace()) {
            emit(Cell {
                container: Some(label),
                ..Cell::plain(&self.text, self.number)
            });
        }
        self.text.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The (container, line, text) of every cell of one XML part.
    fn paragraphs(xml: &str, format: Document) -> Vec<(String, u64, String)> {
        let mut cells = Vec::new();
        read_paragraphs(xml.as_bytes(), format, "document", &mut |cell| {
            cells.push((
                cell.container.unwrap_or("").to_string(),
                cell.line,
                String::from_utf8_lossy(cell.text).into_owned(),
            ));
        })
        .unwrap();
        cells
    }

    #[test]
    fn word_paragraphs_join_their_runs_tabs_breaks_and_deleted_text() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>Jane </w:t></w:r><w:r><w:t xml:space="preserve">Doe&amp;Co</w:t></w:r></w:p>
            <w:p/>
            <w:p><w:r><w:t>SSN</w:t><w:tab/><w:t>536-90-</w:t></w:r><w:del><w:r><w:delText>4399</w:delText></w:r></w:del></w:p>
            <w:p><w:r><w:instrText> HYPERLINK </w:instrText><w:t>a</w:t><w:br/><w:t>b</w:t></w:r></w:p>
        </w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml, Document::Docx),
            [
                ("document".into(), 1, "Jane Doe&Co".into()),
                ("document".into(), 3, "SSN\t536-90-4399".into()),
                ("document".into(), 4, "a b".into()),
            ]
        );
    }

    #[test]
    fn a_text_box_is_read_into_the_paragraph_holding_it() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>outer</w:t><w:txbxContent>
            <w:p><w:r><w:t>inner one</w:t></w:r></w:p><w:p><w:r><w:t>inner two</w:t></w:r></w:p>
            </w:txbxContent></w:r></w:p><w:p><w:r><w:t>next</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml, Document::Docx),
            [
                ("document".into(), 1, "outer inner one inner two ".into()),
                ("document".into(), 2, "next".into()),
            ]
        );
    }

    #[test]
    fn opendocument_paragraphs_and_headings_keep_spans_and_spaces() {
        let xml = r#"<office:text><text:h>Record</text:h>
            <text:p>Mail <text:span>jane.doe@example.com</text:span><text:s text:c="3"/>x<text:tab/>y&#233;</text:p>
            </office:text>"#;
        assert_eq!(
            paragraphs(xml, Document::Odt),
            [
                ("document".into(), 1, "Record".into()),
                (
                    "document".into(),
                    2,
                    "Mail jane.doe@example.com   x\tyé".into()
                ),
            ]
        );
    }

    /// LibreOffice writes a footnote inside the paragraph it annotates, after its number.
    #[test]
    fn an_opendocument_footnote_is_a_line_of_its_paragraph_without_its_number() {
        let xml = r#"<text:p>IBAN DE79 1001 0010 0012 3456 78<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>See bob.smith@example.org.</text:p></text:note-body></text:note>.</text:p>"#;
        assert_eq!(
            paragraphs(xml, Document::Odt),
            [(
                "document".into(),
                1,
                "IBAN DE79 1001 0010 0012 3456 78 See bob.smith@example.org. .".into()
            )]
        );
    }

    #[test]
    fn broken_xml_is_an_error_after_the_paragraphs_before_it() {
        let xml = "<w:body><w:p><w:t>first</w:t></w:p><w:p><w:t>cut</w:x></w:body>";
        let mut seen = Vec::new();
        let result = read_paragraphs(xml.as_bytes(), Document::Docx, "document", &mut |c| {
            seen.push(String::from_utf8_lossy(c.text).into_owned());
        });
        assert_eq!(seen, ["first"]);
        assert!(result.unwrap_err().contains("at byte"));
    }

    #[test]
    fn a_part_declaring_more_than_the_limit_stops_the_document_before_any_text() {
        let letter =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/document/letter.docx");
        let mut cells = 0;
        let read = extract_path(&letter, Document::Docx, u64::MAX, &mut |_| cells += 1);
        assert!(read.is_ok() && cells > 0, "{read:?}");
        cells = 0;
        let refused = extract_path(&letter, Document::Docx, 100, &mut |_| cells += 1);
        let reason = refused.unwrap_err().to_string();
        assert!(reason.contains("document not read: part "), "{reason}");
        assert!(reason.contains("larger than --max-file-size ("), "{reason}");
        assert_eq!(cells, 0);
    }

    #[test]
    fn parts_are_read_body_first_and_slides_in_number_order() {
        let names: Vec<String> = [
            "word/footer1.xml",
            "word/document.xml",
            "word/header10.xml",
            "word/header2.xml",
            "word/styles.xml",
            "word/comments.xml",
        ]
        .map(String::from)
        .to_vec();
        let labels: Vec<String> = text_parts(&names, Document::Docx)
            .into_iter()
            .map(|(_, label)| label)
            .collect();
        assert_eq!(
            labels,
            ["document", "comments", "footer1", "header2", "header10"]
        );
        let slides: Vec<String> = ["ppt/slides/slide10.xml", "ppt/slides/slide9.xml"]
            .map(String::from)
            .to_vec();
        let labels: Vec<String> = text_parts(&slides, Document::Pptx)
            .into_iter()
            .map(|(_, label)| label)
            .collect();
        assert_eq!(labels, ["slide9", "slide10"]);
    }
}
