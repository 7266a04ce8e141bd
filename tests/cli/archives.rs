//! Zip archives: each member scanned as the file it holds, named `archive.zip!member`, and
//! what cannot be read listed with its reason.

use std::fs;

use serde_json::Value;

use crate::support::{fixture, piimap, scan_json};

/// What a finding says apart from its path and fingerprint (which name the file).
fn described(finding: &Value) -> String {
    let l = &finding["location"];
    format!(
        "{} {}:{} {} {} {}",
        finding["rule"], l["line"], l["column"], l["container"], l["field"], finding["value"]
    )
}

/// The findings of `report` whose path is `path`, described.
fn findings_at(report: &Value, path: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .map(described)
        .collect()
}

/// (path, reason) of the report's `skipped` or `errors`.
fn notes(report: &Value, kind: &str) -> Vec<(String, String)> {
    report[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let text = |key: &str| n[key].as_str().unwrap().to_string();
            (text("path"), text("reason"))
        })
        .collect()
}

/// exports.zip is made by Info-ZIP's zip from other fixtures (scripts/make-archive-fixtures.sh).
/// The zip inside it is opened from memory.
#[test]
fn zip_members_are_scanned_like_the_files_they_hold() {
    let archive = fixture("archive/exports.zip");
    let (code, report) = scan_json(&[&archive]);
    assert_eq!(code, 1);
    for (member, original) in [
        ("customers.csv", "csv/customers.csv"),
        ("json/users.json", "json/users.json"),
        ("contacts.xlsx", "sheet/contacts.xlsx"),
        ("pg_copy.sql.gz", "sql/pg_copy.sql.gz"),
        ("shop.sqlite", "sql/shop.sqlite"),
        ("letter.docx", "document/letter.docx"),
    ] {
        let in_archive = findings_at(&report, &format!("{archive}!{member}"));
        let (_, alone) = scan_json(&[&fixture(original)]);
        let on_disk = findings_at(&alone, &fixture(original));
        assert!(!on_disk.is_empty(), "{original}");
        assert_eq!(in_archive, on_disk, "{member}");
    }
    assert_eq!(
        report["summary"]["files_scanned"], 8,
        "the six, padding.txt and inner.zip!customers.csv"
    );
    assert_eq!(
        findings_at(&report, &format!("{archive}!inner.zip!customers.csv")),
        findings_at(&report, &format!("{archive}!customers.csv")),
        "an archive inside is opened"
    );
    assert_eq!(
        notes(&report, "skipped"),
        [(
            format!("{archive}!secret.txt"),
            "encrypted member of a zip archive (not read)".to_string()
        )]
    );
    assert_eq!(notes(&report, "errors"), []);
    assert!(
        report["data_map"]
            .as_array()
            .unwrap()
            .iter()
            .any(|row| row["path"] == format!("{archive}!contacts.xlsx")
                && row["container"] == "contacts"),
        "the data map names member and sheet"
    );
}

#[test]
fn a_member_is_held_to_max_file_size_by_its_decompressed_size() {
    // padding.txt: 200 KB that compress to about 500 bytes.
    let (_, report) = scan_json(&["--max-file-size", "100K", &fixture("archive/exports.zip")]);
    let skipped = notes(&report, "skipped");
    assert!(
        skipped
            .iter()
            .any(|(path, reason)| path.ends_with("!padding.txt")
                && reason == "larger than --max-file-size (204800 bytes > 102400 bytes)"),
        "{skipped:?}"
    );
    assert_eq!(report["summary"]["files_scanned"], 7);
}

/// The members of a zip on disk are scanned on all threads; the report is the same at any
/// number of threads.
#[test]
fn members_scanned_on_several_threads_keep_the_archive_order() {
    let archive = fixture("archive/exports.zip");
    let (_, one) = scan_json(&["--threads", "1", &archive]);
    let (_, two) = scan_json(&["--threads", "2", &archive]);
    assert!(!one["findings"].as_array().unwrap().is_empty());
    assert_eq!(one["findings"], two["findings"]);
    assert_eq!(one["data_map"], two["data_map"]);
    assert_eq!(one["skipped"], two["skipped"]);
}

#[test]
fn ndjson_streams_members_in_the_order_of_the_report() {
    let archive = fixture("archive/exports.zip");
    let (_, report) = scan_json(&[&archive]);
    let output = piimap(&["scan", "--format", "ndjson", &archive])
        .output()
        .unwrap();
    let streamed: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|line| line["type"] == "finding")
        .map(|f| format!("{} {}", f["path"], described(&f)))
        .collect();
    let reported: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["path"], described(f)))
        .collect();
    assert!(!streamed.is_empty());
    assert_eq!(streamed, reported);
}

/// A damaged archive is an error of its own, an empty one is skipped, and zip-based files
/// that are neither archives nor documents (a Java archive) are skipped with a reason saying so.
#[test]
fn damaged_empty_and_other_zip_based_files_are_listed_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let whole = fs::read(fixture("archive/exports.zip")).unwrap();
    fs::write(dir.path().join("cut.zip"), &whole[..whole.len() / 2]).unwrap();
    fs::write(dir.path().join("tool.jar"), &whole).unwrap();
    let mut empty = b"PK\x05\x06".to_vec();
    empty.extend([0u8; 18]);
    fs::write(dir.path().join("empty.zip"), empty).unwrap();
    fs::copy(
        fixture("csv/customers.csv"),
        dir.path().join("customers.csv"),
    )
    .unwrap();
    let (code, report) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "customers.csv is scanned");
    let name = |path: &str| path.rsplit(['/', '\\']).next().unwrap().to_string();
    let errors = notes(&report, "errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(name(&errors[0].0), "cut.zip");
    assert!(
        errors[0].1.starts_with("zip archive cannot be read: "),
        "{errors:?}"
    );
    let skipped: Vec<(String, String)> = notes(&report, "skipped")
        .into_iter()
        .map(|(path, reason)| (name(&path), reason))
        .collect();
    assert_eq!(
        skipped,
        [
            ("empty.zip".into(), "zip archive with no files in it".into()),
            (
                "tool.jar".into(),
                "zip-based file in no format piimap reads (only .zip archives are opened)".into()
            ),
        ]
    );
}

/// backup.tar.gz is made by GNU tar and gzip (scripts/make-archive-fixtures.sh); exports.zip
/// inside it is opened too, from memory.
#[test]
fn tar_gz_members_and_a_zip_inside_are_scanned_like_the_files_they_hold() {
    let backup = fixture("archive/backup.tar.gz");
    let (_, report) = scan_json(&[&backup]);
    for (member, original) in [
        ("customers.csv", "csv/customers.csv"),
        ("json/users.json", "json/users.json"),
        ("exports.zip!contacts.xlsx", "sheet/contacts.xlsx"),
        ("exports.zip!inner.zip!customers.csv", "csv/customers.csv"),
    ] {
        let in_archive = findings_at(&report, &format!("{backup}!{member}"));
        let (_, alone) = scan_json(&[&fixture(original)]);
        assert_eq!(
            in_archive,
            findings_at(&alone, &fixture(original)),
            "{member}"
        );
    }
    let skipped = notes(&report, "skipped");
    assert!(
        skipped.contains(&(
            format!("{backup}!latest.csv"),
            "link in a tar archive (not followed)".to_string()
        )),
        "{skipped:?}"
    );
    assert_eq!(notes(&report, "errors"), []);
}

/// `--exclude` and `./.piimapignore` read an archive as a folder: their globs leave out
/// members, in a zip on disk (read on all threads), in a tar stream and in a zip inside either.
#[test]
fn excludes_and_piimapignore_leave_out_archive_members_as_they_leave_out_files() {
    let backup = fixture("archive/backup.tar.gz");
    let (_, report) = scan_json(&[&backup, "--exclude", "*.csv", "--exclude", "json/"]);
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("exports.zip!contacts.xlsx"))
    );
    for path in &paths {
        assert!(
            !path.ends_with(".csv") && !path.contains("!json/"),
            "{path}"
        );
    }
    assert!(
        notes(&report, "skipped").contains(&(
            format!("{backup}!exports.zip!inner.zip"),
            "zip archive: --exclude leaves out every file in it (1)".to_string()
        )),
        "{:?}",
        notes(&report, "skipped")
    );
    let archive = fixture("archive/exports.zip");
    let (_, all) = scan_json(&[&archive]);
    let (_, some) = scan_json(&[&archive, "--exclude", "*.csv", "--exclude", "json/"]);
    let scanned = |report: &Value| report["summary"]["files_scanned"].as_u64().unwrap();
    assert_eq!(
        scanned(&all) - scanned(&some),
        3,
        "customers.csv, json/users.json and inner.zip!customers.csv"
    );
    // The working directory's .piimapignore, as for files named directly.
    let dir = tempfile::tempdir().unwrap();
    fs::copy(&archive, dir.path().join("exports.zip")).unwrap();
    fs::write(dir.path().join(".piimapignore"), "*.csv\njson/\n").unwrap();
    let output = piimap(&["scan", "exports.zip", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let ignored: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(scanned(&ignored), scanned(&some));
}

/// Archives are opened four levels deep: a zip holding backup.tar.gz reaches the zip inside
/// exports.zip at the fifth, which is listed as skipped.
#[test]
fn archives_nested_deeper_than_four_levels_are_not_opened() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let outer = dir.path().join("outer.zip");
    let mut writer = zip::ZipWriter::new(fs::File::create(&outer).unwrap());
    writer
        .start_file("backup.tar.gz", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer
        .write_all(&fs::read(fixture("archive/backup.tar.gz")).unwrap())
        .unwrap();
    writer.finish().unwrap();
    let outer = outer.to_str().unwrap();
    let (_, report) = scan_json(&[outer]);
    let nested = format!("{outer}!backup.tar.gz!exports.zip");
    assert!(!findings_at(&report, &format!("{nested}!customers.csv")).is_empty());
    let skipped = notes(&report, "skipped");
    assert!(
        skipped.contains(&(
            format!("{nested}!inner.zip"),
            "zip file nested more than 4 archives or compressed files deep (not opened)"
                .to_string()
        )),
        "{skipped:?}"
    );
}
