//! Word, OpenDocument text, PowerPoint and PDF documents, written by LibreOffice
//! (`scripts/make-document-fixtures.sh`): read paragraph by paragraph from body, header,
//! footnotes, slides and speaker notes, and PDF pages.

use std::collections::BTreeSet;
use std::fs;

use serde_json::Value;

use crate::support::{fixture, piimap, scan_json};

/// (rule, container, line) of each finding of `report`.
fn found(report: &Value) -> BTreeSet<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let location = &f["location"];
            (
                f["rule"].as_str().unwrap().to_string(),
                location["container"].as_str().unwrap_or("").to_string(),
                location["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn expected(body: &str, header: &str, footnote: (&str, u64)) -> BTreeSet<(String, String, u64)> {
    [
        ("us_ssn", body, 3),
        ("phone", body, 3),
        ("iban", body, 4),
        ("email", body, 6),
        ("email", header, 1),
        ("email", footnote.0, footnote.1),
    ]
    .iter()
    .map(|(rule, part, line)| (rule.to_string(), part.to_string(), *line))
    .collect()
}

#[test]
fn a_letter_in_docx_and_odt_gives_the_same_findings_by_paragraph() {
    let (code, docx) = scan_json(&[&fixture("document/letter.docx")]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&docx),
        expected("document", "header1", ("footnotes", 3))
    );
    // OpenDocument keeps headers in styles.xml and a footnote inside the paragraph it
    // annotates, the fourth: the finding in it is on line 4, not 5 (the next paragraph).
    let (_, odt) = scan_json(&[&fixture("document/letter.odt")]);
    assert_eq!(found(&odt), expected("content", "styles", ("content", 4)));
    for report in [&docx, &odt] {
        let text = report.to_string();
        for value in [
            "536-90-4399",
            "7946 0958",
            "DE79",
            "erika.mustermann",
            "hr.team",
        ] {
            assert!(!text.contains(value), "{value} unmasked: {text}");
        }
    }
}

#[test]
fn a_letter_in_pdf_is_read_page_by_page_with_lines_wrapped_back_together() {
    let (code, pdf) = scan_json(&[&fixture("document/letter.pdf")]);
    assert_eq!(code, 1);
    assert_eq!(pdf["errors"], serde_json::json!([]));
    let values: BTreeSet<(String, String, String)> = pdf["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let container = f["location"]["container"].as_str().unwrap();
            (
                f["rule"].to_string(),
                container.to_string(),
                f["value"].to_string(),
            )
        })
        .collect();
    let on_page = |rule: &str, value: &str| {
        (
            format!("{rule:?}"),
            "page 1".to_string(),
            format!("{value:?}"),
        )
    };
    // The mobile number is wrapped after `+44 20` on the page; the footnote sits at the foot
    // of the page. The IBAN is missed: the footnote's mark `1` is printed right after it,
    // and `DE79 ... 3456 781` fails the check digits.
    assert_eq!(
        values,
        BTreeSet::from([
            on_page("email", "h***@example.com"),
            on_page("us_ssn", "***-**-4399"),
            on_page("phone", "+** ** **** 0958"),
            on_page("email", "e***@example.de"),
            on_page("email", "b***@example.org"),
        ])
    );
    let text = pdf.to_string();
    for value in ["536-90-4399", "7946 0958", "erika.mustermann", "hr.team"] {
        assert!(!text.contains(value), "{value} unmasked: {text}");
    }
    let bytes = fs::read(fixture("document/letter.pdf")).unwrap();
    let piped = piimap(&["scan", "--format", "json", "-"])
        .write_stdin(bytes.clone())
        .output()
        .unwrap();
    let piped: Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!(piped["summary"]["findings"], 5, "{}", piped["errors"]);
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("cut.pdf"), &bytes[..bytes.len() / 2]).unwrap();
    let (_, cut) = scan_json(&[dir.path().to_str().unwrap()]);
    let reason = cut["errors"][0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("PDF cannot be opened: "), "{reason}");
}

#[test]
fn a_filled_in_pdf_form_is_read_field_by_field() {
    // ReportLab's form: the page shows only labels; what was typed is in the fields.
    let (code, report) = scan_json(&[&fixture("document/form.pdf")]);
    assert_eq!(code, 1);
    let fields: BTreeSet<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let location = &f["location"];
            (
                location["container"].as_str().unwrap().to_string(),
                location["field"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("applicant.full_name", "person_name"),
        ("applicant.ssn", "us_ssn"),
        ("applicant.email", "email"),
        ("applicant.phone", "phone"),
    ];
    let expected: BTreeSet<(String, String, String)> = expected
        .iter()
        .map(|(field, rule)| ("form".into(), field.to_string(), rule.to_string()))
        .collect();
    assert_eq!(fields, expected);
    let text = report.to_string();
    for value in ["536-90-4399", "jane.doe@", "7946 0958", "Jane Doe"] {
        assert!(!text.contains(value), "{value} unmasked: {text}");
    }
}

#[test]
fn a_word_97_document_is_skipped_as_what_it_is() {
    let (code, report) = scan_json(&[&fixture("document/letter.doc")]);
    assert_eq!(code, 0);
    let reason = report["skipped"][0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("Office 97-2003 file (.doc, .ppt, .msg)"),
        "{reason}"
    );
}

#[test]
fn a_damaged_document_is_an_error_and_one_in_an_archive_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let letter = fs::read(fixture("document/letter.docx")).unwrap();
    fs::write(dir.path().join("cut.docx"), &letter[..letter.len() / 2]).unwrap();
    let (_, report) = scan_json(&[dir.path().join("cut.docx").to_str().unwrap()]);
    let reason = report["errors"][0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("document cannot be opened: "),
        "{reason}"
    );
    let (_, in_archive) = scan_json(&[&fixture("archive/exports.zip")]);
    let (_, alone) = scan_json(&[&fixture("document/letter.docx")]);
    let members: Vec<&Value> = in_archive["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with("!letter.docx"))
        .collect();
    assert_eq!(members.len(), alone["findings"].as_array().unwrap().len());
}

#[test]
fn a_presentation_is_read_slide_by_slide_with_its_speaker_notes() {
    let (_, report) = scan_json(&[&fixture("document/slides.pptx")]);
    let expected: BTreeSet<(String, String, u64)> = [
        ("phone", "slide1", 2),
        ("email", "slide1", 2),
        ("iban", "slide2", 1),
        ("us_ssn", "notesSlide2", 1),
    ]
    .iter()
    .map(|(rule, part, line)| (rule.to_string(), part.to_string(), *line))
    .collect();
    assert_eq!(found(&report), expected);
}
