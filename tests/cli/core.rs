//! Scanner core: exit codes, the JSON report and its schema, masking, unreadable and special
//! files, broken rules files.

use crate::support::{fixture, piimap, scan_json};

#[test]
fn findings_exit_1_and_clean_folder_exits_0() {
    let (code, report) = scan_json(&[&fixture("text")]);
    assert_eq!(code, 1);
    assert!(report["summary"]["findings"].as_u64().unwrap() > 0);
    let clean = tempfile::tempdir().unwrap();
    std::fs::write(clean.path().join("notes.txt"), "nothing personal here\n").unwrap();
    let (code, report) = scan_json(&[clean.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files_scanned"], 1);
}
