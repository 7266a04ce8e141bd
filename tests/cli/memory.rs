//! Large scans: past 5,000 findings the scan spills them to a temporary file. The report must
//! not change: same order, counts, fingerprints and baseline behaviour as a scan held in memory,
//! at any `--threads`.

use std::fmt::Write as _;
use std::path::Path;

use crate::support::piimap;

/// Rows per generated CSV: two files make 8,000 e-mail findings, past the spill threshold.
const ROWS: usize = 4_000;

/// Writes `a.csv` and `b.csv` into `dir`, one e-mail address per row; returns the folder.
fn large_exports(dir: &Path) -> String {
    for name in ["a", "b"] {
        let mut text = String::from("id,email\n");
        for row in 0..ROWS {
            writeln!(text, "{row},user{row}.{name}@example.com").expect("to a String");
        }
        std::fs::write(dir.join(format!("{name}.csv")), text).expect("temp dir writable");
    }
    dir.display().to_string()
}

/// Runs a scan and returns its stdout; exit 1 (findings) expected.
fn scan(args: &[&str]) -> String {
    scan_exiting(1, args)
}

fn scan_exiting(code: i32, args: &[&str]) -> String {
    let output = piimap(args).output().expect("piimap runs");
    assert_eq!(
        output.status.code(),
        Some(code),
        "piimap {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

fn without_duration(mut report: serde_json::Value) -> serde_json::Value {
    report["summary"]["duration_ms"] = 0.into();
    report
}

#[test]
fn spilled_findings_keep_report_order_at_any_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = large_exports(dir.path());
    let report = |threads: &str| -> serde_json::Value {
        let out = scan(&["scan", &root, "--format", "json", "--threads", threads]);
        without_duration(serde_json::from_str(&out).expect("JSON report"))
    };
    let two = report("2");
    let findings = two["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2 * ROWS);
    assert_eq!(two["summary"]["findings"], 2 * ROWS);
    assert_eq!(two["summary"]["by_rule"]["email"], 2 * ROWS);
    let places: Vec<(String, u64)> = findings
        .iter()
        .map(|f| {
            let path = f["path"].as_str().expect("path").to_string();
            (path, f["location"]["line"].as_u64().expect("line"))
        })
        .collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted, "findings in path then line order");
    let mut fingerprints: Vec<&str> = findings
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fingerprint"))
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 2 * ROWS, "occurrences keep them apart");
    assert_eq!(report("1"), two);
    let rows = two["data_map"].as_array().expect("data map");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["values"], ROWS);
    assert_eq!(rows[0]["classification"][0], "email");
}

#[test]
fn spilled_findings_stream_as_ndjson_and_sarif_in_report_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = large_exports(dir.path());
    let json = scan(&["scan", &root, "--format", "json", "--threads", "2"]);
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON report");
    let ndjson = scan(&["scan", &root, "--format", "ndjson", "--threads", "2"]);
    let streamed: Vec<serde_json::Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .filter(|l: &serde_json::Value| l["type"] == "finding")
        .map(|mut l| {
            l.as_object_mut().expect("object").remove("type");
            l
        })
        .collect();
    assert_eq!(&streamed, json["findings"].as_array().expect("findings"));
    let sarif = scan(&["scan", &root, "--format", "sarif", "--threads", "2"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2 * ROWS);
    assert_eq!(
        results[ROWS]["partialFingerprints"]["piimapFingerprint/v1"],
        json["findings"][ROWS]["fingerprint"]
    );
}

#[test]
fn baseline_of_a_spilled_scan_suppresses_every_finding() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("temp dir writable");
    let root = large_exports(&data);
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().expect("utf-8 temp path");
    let args = [
        "scan",
        &root,
        "--format",
        "json",
        "--write-baseline",
        baseline,
    ];
    scan_exiting(0, &args);
    let report = scan_exiting(
        0,
        &["scan", &root, "--format", "json", "--baseline", baseline],
    );
    let report: serde_json::Value = serde_json::from_str(&report).expect("JSON");
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(report["summary"]["baseline_suppressed"], 2 * ROWS);
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["data_map"].as_array().map(Vec::len), Some(2));
}
