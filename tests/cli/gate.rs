//! CI gatekeeping: baselines, inline suppressions, the project config file, `--stdin-paths`,
//! standard input, and the committed pre-commit hook and CI examples.

use std::path::Path;

use serde_json::Value;

use crate::support::{piimap, repo_root};

const BASELINE: &str = ".piimap-baseline.json";

/// Runs `piimap scan --format json ARGS` in `dir`; returns (exit code, report, stderr).
fn scan_in(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    scan_with_stdin(dir, args, "")
}

fn scan_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> (i32, Value, String) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let output = piimap(&all)
        .current_dir(dir)
        .write_stdin(stdin)
        .output()
        .expect("piimap runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("stdout is not JSON ({err}); stderr: {stderr}"));
    (output.status.code().unwrap_or(-1), report, stderr)
}

/// Runs `piimap scan ARGS` in `dir` expecting a config error; returns (exit code, stderr).
fn failing_scan(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    let output = piimap(&all).current_dir(dir).output().expect("piimap runs");
    assert!(output.stdout.is_empty(), "no report on a config error");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write fixture");
}

fn values(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| format!("{}:{}", f["rule"].as_str().unwrap_or(""), f["value"]))
        .collect()
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn baseline_survives_moved_lines_and_fails_only_on_new_findings() {
    let dir = temp();
    write(dir.path(), "notes.txt", "contact: jane.doe@example.com\n");
    let (code, report, stderr) = scan_in(dir.path(), &["--write-baseline", BASELINE]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["summary"]["baseline_suppressed"], 1);
    let written = std::fs::read_to_string(dir.path().join(BASELINE)).expect("baseline written");
    assert!(written.contains("j***@example.com"), "{written}");
    assert!(
        !written.contains("jane.doe"),
        "baseline leaks the value: {written}"
    );

    write(
        dir.path(),
        "notes.txt",
        "Team contacts\n\ncontact: jane.doe@example.com\n",
    );
    let (code, report, _) = scan_in(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(code, 0, "moved line still matches: {report}");
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(report["baseline"]["suppressed"], 1);

    write(
        dir.path(),
        "notes.txt",
        "Team contacts\nnew: bob.smith@example.org\ncontact: jane.doe@example.com\n",
    );
    let (code, report, _) = scan_in(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(code, 1);
    assert_eq!(values(&report), vec!["email:\"b***@example.org\""]);
    assert_eq!(report["findings"][0]["location"]["line"], 2);
    assert_eq!(report["summary"]["baseline_suppressed"], 1);
}

#[test]
fn baseline_from_a_full_scan_matches_files_named_one_by_one() {
    let dir = temp();
    write(dir.path(), "src/app.txt", "owner jane.doe@example.com\n");
    let (code, ..) = scan_in(dir.path(), &["--write-baseline", BASELINE]);
    assert_eq!(code, 0);
    let (code, report, _) = scan_in(dir.path(), &["--baseline", BASELINE, "src/app.txt"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["baseline_suppressed"], 1);
}

#[test]
fn expired_entry_no_longer_suppresses_and_is_reported() {
    let dir = temp();
    write(dir.path(), "a.txt", "mail jane.doe@example.com\n");
    scan_in(dir.path(), &["--write-baseline", BASELINE]);
    let set_expiry = |date: &str| {
        let path = dir.path().join(BASELINE);
        let mut baseline: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        baseline["entries"][0]["expires"] = date.into();
        baseline["entries"][0]["reason"] = "shared test inbox".into();
        std::fs::write(&path, baseline.to_string()).expect("write");
    };
    set_expiry("2999-12-31");
    let (code, ..) = scan_in(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(code, 0, "an entry before its expiry suppresses");

    set_expiry("2001-01-01");
    let (code, report, stderr) = scan_in(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["findings"], 1);
    assert_eq!(report["baseline"]["expired"][0]["expires"], "2001-01-01");
    assert!(stderr.contains("expired"), "{stderr}");
}

#[test]
fn unused_entries_are_listed_on_request() {
    let dir = temp();
    write(
        dir.path(),
        "a.txt",
        "one jane.doe@example.com\ntwo bob@example.org\n",
    );
    scan_in(dir.path(), &["--write-baseline", BASELINE]);
    write(dir.path(), "a.txt", "one jane.doe@example.com\n");
    let (code, report, _) = scan_in(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(code, 0);
    assert!(report["baseline"].get("unused").is_none());

    let args = ["--baseline", BASELINE, "--report-unused-baseline"];
    let (code, report, stderr) = scan_in(dir.path(), &args);
    assert_eq!(code, 0);
    let unused = report["baseline"]["unused"].as_array().expect("listed");
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0]["value"], "b***@example.org");
    assert!(stderr.contains("matched no finding"), "{stderr}");

    let table = piimap(&["scan", "--baseline", BASELINE, "--report-unused-baseline"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("Unused: a.txt email b***@example.org"),
        "{text}"
    );
}

/// A folder with an e-mail address in text and a CSV whose columns name a person and a phone:
/// a report of it holds value findings and field-name findings.
fn folder_with_data() -> tempfile::TempDir {
    let dir = temp();
    write(dir.path(), "notes.txt", "contact: jane.doe@example.com\n");
    write(
        dir.path(),
        "people.csv",
        "first_name,phone,gender\nJane,+1 415 555 2671,f\n",
    );
    dir
}

/// The paths of a JSON report's findings, sorted.
fn finding_paths(report: &Value) -> Vec<String> {
    let mut paths: Vec<String> = report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["path"].as_str().unwrap_or("").to_string())
        .collect();
    paths.sort();
    paths
}

#[test]
fn this_runs_report_and_baseline_under_the_root_are_skipped() {
    let dir = folder_with_data();
    let output = piimap(&["scan", "--format", "ndjson", "-o", "out.ndjson"])
        .current_dir(dir.path())
        .output()
        .expect("piimap runs");
    assert_eq!(output.status.code(), Some(1));
    let stream = std::fs::read_to_string(dir.path().join("out.ndjson")).expect("stream written");
    let lines: Vec<Value> = stream
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON line"))
        .collect();
    let own: Vec<&Value> = lines.iter().filter(|l| l["path"] == "out.ndjson").collect();
    assert_eq!(own.len(), 1, "{stream}");
    assert_eq!(own[0]["type"], "skipped");
    assert_eq!(
        own[0]["reason"],
        "piimap's own report (--output of this scan)"
    );
    assert!(!lines.iter().any(|l| l["type"] == "error"), "{stream}");

    let (_, first, _) = scan_in(dir.path(), &["--write-baseline", BASELINE]);
    let (_, second, _) = scan_in(dir.path(), &["--write-baseline", BASELINE]);
    assert_eq!(
        second["summary"]["baseline_suppressed"], first["summary"]["baseline_suppressed"],
        "the baseline does not grow from run to run"
    );
    let skipped = second["skipped"].as_array().expect("skipped list");
    assert!(skipped.iter().any(|s| s["path"] == BASELINE), "{skipped:?}");
}

#[test]
fn earlier_reports_under_the_root_report_only_unmasked_values() {
    let dir = folder_with_data();
    let (_, alone, _) = scan_in(dir.path(), &[]);
    assert_eq!(
        finding_paths(&alone),
        vec!["notes.txt", "people.csv", "people.csv", "people.csv"],
        "{alone}"
    );
    for format in ["json", "sarif", "ndjson"] {
        let report = format!("reports/piimap.{format}");
        let mut cmd = piimap(&[
            "scan",
            "--format",
            format,
            "-o",
            &report,
            "--fail-on",
            "never",
        ]);
        std::fs::create_dir_all(dir.path().join("reports")).expect("mkdir");
        assert!(
            cmd.current_dir(dir.path())
                .output()
                .expect("runs")
                .status
                .success()
        );
    }
    let (_, with_reports, _) = scan_in(dir.path(), &[]);
    assert_eq!(with_reports["summary"]["files_scanned"], 5);
    assert_eq!(finding_paths(&with_reports), finding_paths(&alone));

    let leak = piimap(&[
        "scan",
        "--format",
        "json",
        "--show-values",
        "-o",
        "reports/leak.json",
    ])
    .current_dir(dir.path())
    .output()
    .expect("runs");
    assert_eq!(leak.status.code(), Some(1));
    let (_, with_leak, _) = scan_in(dir.path(), &[]);
    let leaked: Vec<&Value> = with_leak["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["path"] == "reports/leak.json")
        .collect();
    assert!(
        leaked.iter().any(|f| f["value"] == "j***@example.com"),
        "an unmasked report is personal data: {with_leak}"
    );
}

#[test]
fn report_with_baseline_matches_the_published_schema() {
    let dir = temp();
    write(
        dir.path(),
        "a.txt",
        "one jane.doe@example.com\ntwo bob@example.org\nthree carol@example.net\n",
    );
    scan_in(dir.path(), &["--write-baseline", BASELINE]);
    let path = dir.path().join(BASELINE);
    let mut baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    baseline["entries"][0]["expires"] = "2001-01-01".into();
    baseline["entries"][2]["accepted_by"] = "dpo@example.com".into();
    std::fs::write(&path, baseline.to_string()).expect("write");
    write(
        dir.path(),
        "a.txt",
        "one jane.doe@example.com\ntwo bob@example.org\n",
    );
    let (_, report, _) = scan_in(
        dir.path(),
        &["--baseline", BASELINE, "--report-unused-baseline"],
    );
    assert_eq!(
        report["baseline"]["expired"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        report["baseline"]["unused"].as_array().map(Vec::len),
        Some(1)
    );
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("docs/report-schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn broken_baseline_stops_with_exit_2_naming_the_line() {
    let dir = temp();
    write(dir.path(), "a.txt", "nothing\n");
    write(
        dir.path(),
        "b.json",
        "{\n  \"version\": 1,\n  \"entries\": 3\n}\n",
    );
    let (code, stderr) = failing_scan(dir.path(), &["--baseline", "b.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("b.json:3:"), "{stderr}");
}

#[test]
fn baseline_named_in_config_is_used_and_rewritten() {
    let dir = temp();
    write(dir.path(), "a.txt", "mail jane.doe@example.com\n");
    write(
        dir.path(),
        "piimap.toml",
        "baseline = \"ci/baseline.json\"\n",
    );
    std::fs::create_dir_all(dir.path().join("ci")).expect("mkdir");
    let (code, stderr) = failing_scan(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--write-baseline"), "{stderr}");
    let (code, ..) = scan_in(dir.path(), &["--write-baseline", "ci/baseline.json"]);
    assert_eq!(code, 0);
    let (code, report, _) = scan_in(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["baseline"]["path"], "ci/baseline.json");
}

#[test]
fn inline_marker_suppresses_its_line_for_all_or_named_rules() {
    let dir = temp();
    write(
        dir.path(),
        "a.txt",
        "a jane.doe@example.com # piimap:ignore\n\
         b 4000 1234 5678 9017 bob@example.org # piimap:ignore email\n\
         c carol@example.net # piimap:ignore credit_card, phone\n\
         d dave@example.com\n",
    );
    let (code, report, _) = scan_in(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        values(&report),
        vec![
            "credit_card:\"**** **** **** 9017\"",
            "email:\"c***@example.net\"",
            "email:\"d***@example.com\"",
        ]
    );
    assert_eq!(report["summary"]["inline_suppressed"], 2);
}

#[test]
fn config_file_applies_and_flags_win() {
    let dir = temp();
    write(
        dir.path(),
        "data/a.txt",
        "mail jane.doe@example.com ip 203.0.113.9\n",
    );
    write(dir.path(), "other/b.txt", "mail bob@example.org\n");
    write(
        dir.path(),
        "piimap.toml",
        "paths = [\"data\"]\nfail_on = \"never\"\n\n[rules.ip_address]\nenabled = false\n\n\
         [rules.email]\nseverity = \"critical\"\n",
    );
    let nested = dir.path().join("data");
    let (code, report, _) = scan_in(&nested, &[]);
    assert_eq!(code, 0, "fail_on = never from the file found in a parent");
    assert_eq!(values(&report), vec!["email:\"j***@example.com\""]);
    assert_eq!(report["findings"][0]["severity"], "critical");
    assert_eq!(report["findings"][0]["path"], "a.txt");

    let (code, report, _) = scan_in(dir.path(), &["--fail-on", "high"]);
    assert_eq!(code, 1, "--fail-on wins over the file");
    assert_eq!(
        report["summary"]["files_scanned"], 1,
        "only `paths` of the file"
    );

    let (code, report, _) = scan_in(dir.path(), &["other"]);
    assert_eq!(code, 0);
    assert_eq!(
        report["findings"][0]["path"], "other/b.txt",
        "paths given win"
    );

    let (code, _, _) = scan_in(dir.path(), &["--no-config", "data"]);
    assert_eq!(code, 1, "--no-config: default fail-on low");
}

#[test]
fn config_allow_list_hides_documented_values() {
    let dir = temp();
    write(
        dir.path(),
        "a.txt",
        "card 4000 1234 5678 9017\nsupport@example.com\njane@corp.example.org\n",
    );
    write(
        dir.path(),
        "ci/piimap.toml",
        "[rules.email]\nallow = ['@example\\.com$']\n\n\
         [rules.credit_card]\nallow = ['^4000[ -]?1234[ -]?5678[ -]?9017$']\n",
    );
    let (code, report, _) = scan_in(dir.path(), &["--config", "ci/piimap.toml", "a.txt"]);
    assert_eq!(code, 1);
    assert_eq!(values(&report), vec!["email:\"j***@corp.example.org\""]);
}

#[test]
fn invalid_config_stops_with_exit_2_naming_file_and_line() {
    let cases = [
        (
            "fail_on = \"high\"\nregion = \"GB\"\nfail_of = \"low\"\n",
            3,
            "fail_of",
        ),
        (
            "region = \"GB\"\nmin_confidence = \"high\"\n",
            2,
            "min_confidence",
        ),
        (
            "fail_on = \"low\"\n\n[rules.emial]\nenabled = false\n",
            3,
            "emial",
        ),
        ("[rules.email]\nallow = ['(unclosed']\n", 2, "allow"),
        (
            "region = \"GB\"\nmin_confidence = 1.5\n",
            2,
            "min_confidence",
        ),
    ];
    for (text, line, word) in cases {
        let dir = temp();
        write(dir.path(), "a.txt", "nothing\n");
        write(dir.path(), "piimap.toml", text);
        let (code, stderr) = failing_scan(dir.path(), &[]);
        assert_eq!(code, 2, "{text}: {stderr}");
        assert!(
            stderr.contains(&format!("piimap.toml:{line}:")),
            "{text}: {stderr}"
        );
        assert!(stderr.contains(word), "{text}: {stderr}");
    }
}

#[test]
fn stdin_paths_scans_listed_files_and_skips_deleted_ones() {
    let dir = temp();
    write(dir.path(), "changed.txt", "mail jane.doe@example.com\n");
    write(dir.path(), "untouched.txt", "mail bob@example.org\n");
    let listed = "changed.txt\r\n\ndeleted.txt\n";
    let (code, report, _) = scan_with_stdin(dir.path(), &["--stdin-paths"], listed);
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(report["findings"][0]["path"], "changed.txt");
    assert_eq!(report["skipped"][0]["path"], "deleted.txt");

    let (code, report, _) = scan_with_stdin(dir.path(), &["--stdin-paths"], "");
    assert_eq!(code, 0, "nothing changed: nothing to scan");
    assert_eq!(report["summary"]["files_scanned"], 0);
}

#[test]
fn dash_scans_standard_input() {
    let dir = temp();
    let (code, report, _) =
        scan_with_stdin(dir.path(), &["-"], "from a pipe jane.doe@example.com\n");
    assert_eq!(code, 1);
    assert_eq!(report["findings"][0]["path"], "-");
    assert_eq!(report["findings"][0]["value"], "j***@example.com");
}

#[test]
fn piimapignore_and_excludes_also_apply_to_files_named_directly() {
    let dir = temp();
    write(dir.path(), ".piimapignore", "fixtures/\n");
    write(dir.path(), "fixtures/users.txt", "jane.doe@example.com\n");
    write(dir.path(), "vendor/lib.txt", "bob@example.org\n");
    write(dir.path(), "src/a.txt", "fine\n");
    let (code, report, _) = scan_in(dir.path(), &["--exclude", "vendor/**"]);
    assert_eq!(code, 0, "{report}");
    let named = [
        "--exclude",
        "vendor/**",
        "fixtures/users.txt",
        "vendor/lib.txt",
    ];
    let (code, report, _) = scan_in(dir.path(), &named);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["files_scanned"], 0);
}

/// `.pre-commit-hooks.yaml` as pre-commit reads it: the hook's `entry`, split on spaces, with
/// its `args` and then the staged file names appended.
#[test]
fn pre_commit_hook_entry_runs_as_pre_commit_would() {
    let text = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml"))
        .expect("hook definition committed");
    let hooks: Vec<serde_yaml_ng::Value> = serde_yaml_ng::from_str(&text).expect("valid YAML");
    let hook = hooks
        .iter()
        .find(|h| h["id"].as_str() == Some("piimap"))
        .expect("a hook with id piimap");
    assert_eq!(hook["pass_filenames"].as_bool(), Some(true));
    assert!(matches!(hook["language"].as_str(), Some("rust" | "system")));
    let entry: Vec<&str> = hook["entry"]
        .as_str()
        .expect("entry")
        .split_whitespace()
        .collect();
    assert_eq!(entry[0], "piimap");

    let dir = temp();
    write(
        dir.path(),
        "docs/contact.md",
        "Write to jane.doe@example.com\n",
    );
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    write(dir.path(), "fixtures/users.txt", "bob@example.org\n");
    write(dir.path(), "piimap.toml", "exclude = [\"fixtures/**\"]\n");
    let run = |files: &[&str]| {
        let mut cmd = assert_cmd::Command::cargo_bin("piimap").expect("binary");
        cmd.args(&entry[1..]).args(files).current_dir(dir.path());
        let output = cmd.output().expect("runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, out) = run(&["docs/contact.md", "src/main.rs"]);
    assert_eq!(
        code, 1,
        "a staged file with personal data blocks the commit: {out}"
    );
    assert!(out.contains("docs/contact.md:1:"), "{out}");
    assert!(!out.contains("jane.doe"), "values stay masked: {out}");
    assert_eq!(run(&["src/main.rs"]).0, 0, "a clean commit passes");
    assert_eq!(run(&["fixtures/users.txt"]).0, 0, "excluded in piimap.toml");
}

/// The CI examples are valid YAML and every `piimap scan` flag they use exists.
#[test]
fn ci_examples_parse_and_use_real_flags() {
    let help = piimap(&["scan", "--help"]).output().expect("runs");
    let help = String::from_utf8_lossy(&help.stdout);
    for name in ["github-actions.yml", "gitlab-ci.yml"] {
        let path = repo_root().join("docs").join("ci").join(name);
        let text = std::fs::read_to_string(&path).expect("example committed");
        let _: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("valid YAML");
        let commands: Vec<&str> = text.lines().filter(|l| l.contains("piimap scan")).collect();
        assert!(!commands.is_empty(), "{name} runs piimap scan");
        for flag in commands.iter().flat_map(|l| l.split_whitespace()) {
            if flag.starts_with("--") {
                assert!(help.contains(flag), "{name}: unknown flag {flag}");
            }
        }
    }
}
