//! Auditor reports: `piimap report` renders a saved report like a scan does, `piimap merge` of
//! shards equals one scan, NDJSON streams the same lines, SARIF of a real scan passes the
//! schema, and the HTML report runs in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use crate::support::{fixture, piimap, repo_root, scan_json};

/// Runs piimap and returns its stdout; any exit code but 2 is accepted (1 = findings).
fn stdout_of(args: &[&str]) -> String {
    let output = piimap(args).output().expect("piimap runs");
    assert_ne!(
        output.status.code(),
        Some(2),
        "piimap {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

fn text_fixture() -> String {
    fixture("text")
}

/// A saved JSON report of the text fixtures, in `dir`.
fn saved_report(dir: &Path) -> String {
    let path = dir.join("report.json");
    let path_str = path.to_str().expect("utf-8 temp path").to_string();
    stdout_of(&[
        "scan",
        &text_fixture(),
        "--format",
        "json",
        "--output",
        &path_str,
    ]);
    path_str
}

#[test]
fn report_renders_a_saved_scan_like_the_scan_itself() {
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = saved_report(dir.path());
    for format in ["csv", "sarif", "fides"] {
        let direct = stdout_of(&["scan", &text_fixture(), "--format", format]);
        let rendered = stdout_of(&["report", &saved, "--format", format]);
        assert_eq!(direct, rendered, "format {format}");
        assert!(!rendered.is_empty());
    }
}

#[test]
fn report_of_a_broken_file_exits_2_without_quoting_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.json");
    std::fs::write(
        &path,
        "{\"schema_version\": 1, \"tool\": \"secret-ish 123-45-6789\"}",
    )
    .unwrap();
    let output = piimap(&["report", path.to_str().unwrap(), "--format", "csv"])
        .output()
        .expect("piimap runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a piimap JSON report"), "{stderr}");
    assert!(!stderr.contains("6789"), "{stderr}");
}

/// Copies each fixture file of `text` into `root/<shard>/` as listed.
fn shards(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for (shard, files) in [
        ("a", &["server.log"][..]),
        ("b", &["support-ticket.txt", "unicode-notes.md"][..]),
    ] {
        let dir = root.join(shard);
        std::fs::create_dir_all(&dir).unwrap();
        for file in files {
            std::fs::copy(Path::new(&text_fixture()).join(file), dir.join(file)).unwrap();
        }
        dirs.push(dir);
    }
    dirs
}

#[test]
fn merge_of_two_shards_equals_one_scan_of_both() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shard_dirs = shards(dir.path());
    let (a, b) = (
        shard_dirs[0].to_str().unwrap(),
        shard_dirs[1].to_str().unwrap(),
    );
    let out_a = dir.path().join("a.json");
    let out_b = dir.path().join("b.json");
    let all = dir.path().join("all.json");
    stdout_of(&["scan", a, "--format", "json", "-o", out_a.to_str().unwrap()]);
    stdout_of(&["scan", b, "--format", "json", "-o", out_b.to_str().unwrap()]);
    stdout_of(&[
        "merge",
        out_b.to_str().unwrap(),
        out_a.to_str().unwrap(),
        "-o",
        all.to_str().unwrap(),
    ]);
    let merged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&all).unwrap()).expect("merged JSON");
    let (_, whole) = scan_json(&[a, b]);
    assert!(!whole["data_map"].as_array().unwrap().is_empty());
    assert_eq!(merged["data_map"], whole["data_map"]);
    assert_eq!(merged["findings"], whole["findings"]);
    for key in ["files_scanned", "bytes_scanned", "findings", "by_rule"] {
        assert_eq!(merged["summary"][key], whole["summary"][key], "{key}");
    }
    let again = piimap(&["merge", out_a.to_str().unwrap(), out_a.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(2),
        "overlapping shards are refused"
    );
}

#[test]
fn ndjson_streamed_by_scan_matches_the_rendered_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = saved_report(dir.path());
    let streamed = stdout_of(&[
        "scan",
        &text_fixture(),
        "--format",
        "ndjson",
        "--threads",
        "2",
    ]);
    let rendered = stdout_of(&["report", &saved, "--format", "ndjson"]);
    let streamed: Vec<&str> = streamed.lines().collect();
    let rendered: Vec<&str> = rendered.lines().collect();
    assert_eq!(streamed.len(), rendered.len());
    let last = streamed.len() - 1;
    assert_eq!(
        streamed[..last],
        rendered[..last],
        "finding and coverage lines"
    );
    let summary: serde_json::Value = serde_json::from_str(streamed[last]).unwrap();
    assert_eq!(summary["type"], "summary");
    assert!(streamed[0].starts_with("{\"type\":\"finding\""));
}

#[test]
fn sarif_of_a_real_scan_passes_the_schema() {
    let sarif = stdout_of(&["scan", &text_fixture(), "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
}

/// The Chromium binary, or `None` with a note (CI installs Debian's `chromium`).
fn chromium(test: &str) -> Option<&'static str> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|bin| {
            Process::new(bin)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .or_else(|| {
            println!("skipped {test}: chromium not installed (apt-get install chromium)");
            None
        })
}

/// Loads `url` in headless Chromium and returns (DOM after scripts ran, stderr).
fn dump_dom(bin: &str, url: &str) -> (String, String) {
    let profile = tempfile::tempdir().expect("profile dir");
    let output = Process::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `data-asset` of each row of the assets table, in DOM order.
fn asset_rows(dom: &str) -> Vec<String> {
    let start = dom.find("id=\"assets\"").expect("assets table in the DOM");
    let end = start + dom[start..].find("</table>").expect("end of assets table");
    dom[start..end]
        .split("<tr data-asset=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap_or(0)].to_string())
        .collect()
}

#[test]
fn html_report_runs_in_chromium_and_sorts_assets() {
    let Some(bin) = chromium("html_report_runs_in_chromium_and_sorts_assets") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("report.html");
    stdout_of(&[
        "scan",
        &text_fixture(),
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    let url = format!("file://{}", page.display());
    let (dom, stderr) = dump_dom(bin, &format!("{url}#sort=asset:desc"));
    assert!(
        dom.contains("data-ready=\"yes\""),
        "script did not finish: {stderr}"
    );
    // Chromium logs console messages and uncaught exceptions as `INFO:CONSOLE:<line>] "..."`
    // (older builds: `CONSOLE(<line>)`).
    assert!(!stderr.contains("CONSOLE"), "console output: {stderr}");
    let rows = asset_rows(&dom);
    assert!(rows.len() >= 2, "{rows:?}");
    let mut expected = rows.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(rows, expected, "sorted by name, descending");
    assert!(dom.contains("data-sorted=\"asset:desc\""));

    let (dom, _) = dump_dom(bin, &url);
    assert!(
        dom.contains("data-sorted=\"risk:desc\""),
        "default sort is by risk"
    );
    assert!(dom.contains("page 1 of 1"), "findings table was drawn");

    // The checks above can fail: a page whose script throws is caught by both.
    let broken = dir.path().join("broken.html");
    let page =
        r#"<!DOCTYPE html><body data-ready="no"><script>undefinedFunction();</script></body>"#;
    std::fs::write(&broken, page).unwrap();
    let (dom, stderr) = dump_dom(bin, &format!("file://{}", broken.display()));
    assert!(!dom.contains("data-ready=\"yes\""));
    assert!(
        stderr.contains("CONSOLE"),
        "uncaught error not seen: {stderr}"
    );
}
