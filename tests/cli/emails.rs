//! E-mail messages written by Python's email package (`scripts/make-email-fixtures.sh`): the
//! headers, the quoted-printable and HTML bodies and the base64 attachments are each scanned
//! as the file they are.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{fixture, scan_json};

/// Findings per path (the member's, for a member) in `report`.
fn findings_by_path(report: &Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for finding in report["findings"].as_array().unwrap() {
        let path = finding["path"].as_str().unwrap();
        let name = path.rsplit(['/', '\\']).next().unwrap().to_string();
        *counts.entry(name).or_default() += 1;
    }
    counts
}

#[test]
fn a_message_is_read_part_by_part_with_its_attachments_decoded() {
    let (code, mail) = scan_json(&[&fixture("email/invoice.eml")]);
    assert_eq!(code, 1);
    assert_eq!(mail["errors"], serde_json::json!([]));
    let (_, csv) = scan_json(&[&fixture("csv/customers.csv")]);
    let (_, pdf) = scan_json(&[&fixture("document/letter.pdf")]);
    let found = findings_by_path(&mail);
    // The sender and the recipient; the message id, shaped like an address, is left out.
    assert_eq!(found["invoice.eml!headers.txt"], 2, "{found:?}");
    assert_eq!(found["invoice.eml!part1.txt"], 1, "{found:?}");
    assert_eq!(found["invoice.eml!part2.html"], 1, "{found:?}");
    // The base64 attachments give what the files give on their own.
    assert_eq!(
        found["invoice.eml!customers.csv"],
        csv["findings"].as_array().unwrap().len()
    );
    assert_eq!(
        found["invoice.eml!letter.pdf"],
        pdf["findings"].as_array().unwrap().len()
    );
    assert_eq!(mail["summary"]["files_scanned"], 5);
    let text = mail.to_string();
    for value in ["jane.doe@example.com", "billing@example.org", "7946 0958"] {
        assert!(!text.contains(value), "{value} unmasked");
    }
}

#[test]
fn a_mailbox_is_read_message_by_message() {
    // Python's mailbox module: invoice.eml, then a reply whose body line `From tomorrow on, ...`
    // the mailbox quoted as `>From`, and which must not start a third message.
    let (_, mailbox) = scan_json(&[&fixture("email/inbox.mbox")]);
    let (_, message) = scan_json(&[&fixture("email/invoice.eml")]);
    assert_eq!(mailbox["errors"], serde_json::json!([]));
    let found = findings_by_path(&mailbox);
    let first: usize = found
        .iter()
        .filter(|(path, _)| path.starts_with("inbox.mbox!message1.eml!"))
        .map(|(_, count)| count)
        .sum();
    assert_eq!(first, message["findings"].as_array().unwrap().len());
    assert_eq!(found["inbox.mbox!message2.eml!headers.txt"], 2, "{found:?}");
    assert_eq!(found["inbox.mbox!message2.eml!part1.txt"], 1, "{found:?}");
    assert!(
        !found.keys().any(|path| path.contains("message3")),
        "{found:?}"
    );
}
