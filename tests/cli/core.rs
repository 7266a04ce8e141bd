//! Scanner core: exit codes, the JSON report and its schema, masking, unreadable and special
//! files, encodings, broken rules files.

use std::fs;
use std::path::Path;

use crate::support::{fixture, piimap, repo_root, scan_json};

/// Raw values planted in `fixtures/text/support-ticket.txt`; none may appear unmasked.
const PLANTED: &[&str] = &[
    "jane.doe@example.com",
    "4000 1234 5678 9017",
    "536-22-8147",
    "GB46 WEST 1234 5600 0000 01",
    "(415) 555-2671",
    "203.0.113.7",
];

#[test]
fn findings_exit_1_and_clean_folder_exits_0() {
    let (code, report) = scan_json(&[&fixture("text")]);
    assert_eq!(code, 1);
    assert!(report["summary"]["findings"].as_u64().unwrap() > 0);
    let clean = tempfile::tempdir().unwrap();
    fs::write(clean.path().join("notes.txt"), "nothing personal here\n").unwrap();
    let (code, report) = scan_json(&[clean.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files_scanned"], 1);
}

#[test]
fn fail_on_threshold_decides_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.log"), "client 203.0.113.7 connected\n").unwrap();
    let path = dir.path().to_str().unwrap();
    assert_eq!(scan_json(&[path, "--fail-on", "low"]).0, 1);
    assert_eq!(
        scan_json(&[path, "--fail-on", "medium"]).0,
        0,
        "ip_address is low severity"
    );
    assert_eq!(scan_json(&[path, "--fail-on", "never"]).0, 0);
}

#[test]
fn usage_errors_exit_2_without_scanning() {
    piimap(&["scan", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no/such/dir"));
    piimap(&["scan", "--min-confidence", "3", "."])
        .assert()
        .code(2);
    piimap(&["scan", "--format", "yaml", "."]).assert().code(2);
}

#[test]
fn every_planted_value_is_found_with_rule_and_location() {
    let (_, report) = scan_json(&[&fixture("text/support-ticket.txt")]);
    let found: Vec<(String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("email", 2),
        ("phone", 2),
        ("credit_card", 3),
        ("iban", 4),
        ("us_ssn", 5),
        ("ip_address", 6),
    ];
    let expected: Vec<(String, u64)> = expected.iter().map(|(r, l)| (r.to_string(), *l)).collect();
    assert_eq!(
        found, expected,
        "line 7 holds an order number and a version, neither reported"
    );
}

#[test]
fn json_report_matches_the_published_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(repo_root().join("docs/report-schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let (_, report) = scan_json(&[&fixture("text")]);
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn no_raw_value_is_printed_in_any_format_without_show_values() {
    for format in ["table", "json"] {
        let output = piimap(&["scan", "--format", format, &fixture("text")])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for value in PLANTED {
            assert!(!all.contains(value), "{format} output leaks {value}");
        }
    }
}

#[test]
fn show_values_prints_values_and_warns() {
    let output = piimap(&[
        "scan",
        "--show-values",
        "--format",
        "json",
        &fixture("text/support-ticket.txt"),
    ])
    .output()
    .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("jane.doe@example.com"));
    assert!(String::from_utf8_lossy(&output.stderr).contains("warning"));
}

#[test]
fn fingerprint_survives_a_line_inserted_above() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.txt");
    fs::write(&file, "mail jane.doe@example.com\n").unwrap();
    let before = scan_json(&[file.to_str().unwrap()]).1["findings"][0]["fingerprint"].clone();
    fs::write(&file, "a new first line\n\nmail jane.doe@example.com\n").unwrap();
    let after = scan_json(&[file.to_str().unwrap()]).1["findings"][0].clone();
    assert_eq!(after["location"]["line"], 3);
    assert_eq!(after["fingerprint"], before);
}

#[test]
fn binary_large_fifo_and_unfollowed_symlink_are_skipped_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("image.bin"),
        b"\x89PNG\x00\x00\x00jane.doe@example.com",
    )
    .unwrap();
    fs::write(root.join("big.txt"), "x".repeat(4096)).unwrap();
    fs::write(root.join("ok.txt"), "mail jane.doe@example.com\n").unwrap();
    std::os::unix::fs::symlink(root.join("ok.txt"), root.join("link.txt")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    let (_, report) = scan_json(&[root.to_str().unwrap(), "--max-file-size", "1K"]);
    let reasons = notes(&report["skipped"], root);
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|(p, r)| p == "image.bin" && r.contains("binary")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(p, r)| p == "big.txt" && r.contains("max-file-size")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(p, r)| p == "pipe" && r.contains("FIFO")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(p, r)| p == "link.txt" && r.contains("symbolic link")),
        "{reasons:?}"
    );
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(report["summary"]["files_skipped"], 4);
}

#[test]
fn follow_links_scans_the_target_and_reports_a_loop() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("sub")).unwrap();
    fs::write(root.join("sub/ok.txt"), "mail jane.doe@example.com\n").unwrap();
    std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
    let (_, report) = scan_json(&[root.to_str().unwrap(), "--follow-links"]);
    assert_eq!(report["summary"]["files_errored"], 1, "{report:#}");
    assert!(
        report["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("loop")
    );
    assert!(report["summary"]["findings"].as_u64().unwrap() >= 1);
}

#[test]
fn unreadable_file_is_an_error_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("secret.txt"), "mail jane.doe@example.com\n").unwrap();
    fs::write(root.join("open.txt"), "mail john.roe@example.org\n").unwrap();
    set_mode(root, 0o755);
    set_mode(&root.join("secret.txt"), 0o000);
    set_mode(&root.join("open.txt"), 0o644);
    let output = as_unprivileged_user(&[
        "scan",
        "--no-progress",
        "--format",
        "json",
        root.to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let errors = notes(&report["errors"], root);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "secret.txt");
    assert!(errors[0].1.contains("ermission denied"), "{errors:?}");
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the readable file's finding still fails the run"
    );
}

#[test]
fn utf16_with_bom_is_decoded_and_columns_count_characters() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "Łódź\nMüller: jane.doe@example.com\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    fs::write(dir.path().join("export.txt"), bytes).unwrap();
    let (_, report) = scan_json(&[dir.path().to_str().unwrap()]);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "email");
    assert_eq!(finding["location"]["line"], 2);
    assert_eq!(
        finding["location"]["column"], 9,
        "Müller: is 8 characters, 9 bytes"
    );
}

#[test]
fn invalid_utf8_does_not_stop_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("latin1.txt"),
        b"Stra\xdfe 5\nmail jane.doe@example.com\n",
    )
    .unwrap();
    let (_, report) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(report["findings"][0]["location"]["line"], 2);
}

#[test]
fn report_is_identical_at_any_thread_count() {
    let strip = |mut r: serde_json::Value| {
        r["summary"]["duration_ms"] = 0.into();
        r
    };
    let one = strip(scan_json(&[&fixture("text"), "--threads", "1"]).1);
    let four = strip(scan_json(&[&fixture("text"), "--threads", "4"]).1);
    assert_eq!(one, four);
}

#[test]
fn exclude_and_piimapignore_leave_paths_out() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in ["keep.txt", "drop.log", "vendor.txt"] {
        fs::write(root.join(name), "mail jane.doe@example.com\n").unwrap();
    }
    fs::write(root.join(".piimapignore"), "vendor.txt\n").unwrap();
    let (_, report) = scan_json(&[root.to_str().unwrap(), "--exclude", "*.log"]);
    let paths = finding_paths(&report, root);
    assert_eq!(paths, vec!["keep.txt"]);
}

#[test]
fn version_control_folders_are_one_skipped_entry_unless_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join(".git/logs")).unwrap();
    let reflog = "0000 1111 Jane Doe <jane.doe@example.com> 1700000000 +0000\tcommit: x\n";
    fs::write(root.join(".git/logs/HEAD"), reflog).unwrap();
    fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    fs::write(root.join("notes.txt"), "mail bob@example.org\n").unwrap();
    let (_, report) = scan_json(&[root.to_str().unwrap()]);
    let paths = finding_paths(&report, root);
    assert_eq!(paths, vec!["notes.txt"]);
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(relative(skipped[0]["path"].as_str().unwrap(), root), ".git");
    assert!(
        skipped[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("version control metadata, not scanned: 2 file(s)"),
        "{skipped:?}"
    );
    assert_eq!(report["summary"]["files_skipped"], 1);

    let git = root.join(".git");
    let (_, named) = scan_json(&[git.to_str().unwrap()]);
    assert_eq!(named["summary"]["findings"], 1, "{named}");
}

#[test]
fn gitignore_leaves_out_what_the_repository_ignores_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::create_dir_all(root.join("build")).unwrap();
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(root.join(".gitignore"), "build/\n").unwrap();
    fs::write(root.join("build/out.txt"), "mail jane.doe@example.com\n").unwrap();
    fs::write(root.join("src/a.txt"), "mail bob@example.org\n").unwrap();
    let finding_paths = |args: &[&str]| {
        let mut all = vec![root.to_str().unwrap(), "--no-config"];
        all.extend_from_slice(args);
        let (_, report) = scan_json(&all);
        finding_paths(&report, root)
    };
    assert_eq!(finding_paths(&[]), vec!["build/out.txt", "src/a.txt"]);
    assert_eq!(finding_paths(&["--gitignore"]), vec!["src/a.txt"]);

    fs::write(root.join("piimap.toml"), "gitignore = true\n").unwrap();
    let config = root.join("piimap.toml");
    let (_, report) = scan_json(&[root.to_str().unwrap(), "--config", config.to_str().unwrap()]);
    assert_eq!(report["summary"]["findings"], 1, "{report}");
}

#[test]
fn stdin_is_scanned_as_dash() {
    let output = piimap(&["scan", "--format", "json", "-"])
        .write_stdin("mail jane.doe@example.com\n")
        .output()
        .expect("piimap runs");
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["path"], "-");
    assert_eq!(report["findings"][0]["rule"], "email");
}

#[test]
fn broken_rules_file_stops_with_exit_2_naming_the_line() {
    let broken = fixture("rules/invalid/broken.toml");
    piimap(&["scan", "--rules", &broken, &fixture("text")])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "broken.toml:6: rule \"broken_rule\": field \"regex\"",
        ));
    piimap(&["rules", "check", &broken])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("broken.toml:6"));
}

#[test]
fn custom_rule_is_added_listed_and_checked() {
    let rules = fixture("rules/valid/acme.toml");
    piimap(&["rules", "check", &rules])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("1 rule(s) OK"));
    piimap(&["rules", "list", "--rules", &rules])
        .assert()
        .code(0)
        .stdout(
            predicates::str::contains("acme_employee_id")
                .and(predicates::str::contains("credit_card")),
        );
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("hr.txt"), "employee ACME-123456 joined\n").unwrap();
    let (_, report) = scan_json(&[dir.path().to_str().unwrap(), "--rules", &rules]);
    assert_eq!(report["findings"][0]["rule"], "acme_employee_id");
    assert_eq!(report["findings"][0]["value"], "****-**3456");
}

#[test]
fn rules_list_json_names_validators_and_sources() {
    let output = piimap(&["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rule = |id: &str| {
        rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let card = rule("credit_card");
    assert_eq!(card["validator"], "credit_card");
    assert_eq!(card["field_validator"], serde_json::Value::Null);
    assert_eq!(card["source"], "builtin");
    assert_eq!(rule("phone")["field_validator"], "phone_possible");
}

#[test]
fn real_logs_give_no_card_phone_or_ssn_findings() {
    let Some(corpora) = crate::support::corpora("real_logs_give_no_card_phone_or_ssn_findings")
    else {
        return;
    };
    let (_, report) = scan_json(&[corpora.join("loghub").to_str().unwrap()]);
    let noisy: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            ["credit_card", "phone", "us_ssn", "iban"].contains(&f["rule"].as_str().unwrap())
        })
        .collect();
    assert!(
        noisy.is_empty(),
        "{} false positives, first: {:?}",
        noisy.len(),
        noisy.first()
    );
    assert!(
        report["summary"]["by_rule"]["ip_address"].as_u64().unwrap() > 1000,
        "the logs do hold IP addresses"
    );
}

use predicates::prelude::*;

fn notes(list: &serde_json::Value, root: &Path) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                relative(n["path"].as_str().unwrap(), root),
                n["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The paths of `report`'s findings, relative to `root`, in report order (sorted by path).
fn finding_paths(report: &serde_json::Value, root: &Path) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| relative(f["path"].as_str().unwrap(), root))
        .collect()
}

fn relative(path: &str, root: &Path) -> String {
    Path::new(path)
        .strip_prefix(root)
        .map_or(path.to_string(), |p| p.display().to_string())
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Runs piimap as an unprivileged user when the tests run as root (as in CI), so that file
/// permissions apply.
fn as_unprivileged_user(args: &[&str]) -> std::process::Output {
    let binary = assert_cmd::cargo::cargo_bin("piimap");
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let mut cmd = if is_root {
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(binary);
        cmd
    } else {
        std::process::Command::new(binary)
    };
    cmd.args(args).output().expect("piimap runs")
}
