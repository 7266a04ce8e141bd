//! Database dumps: pg_dump (COPY, --inserts, --column-inserts), mysqldump, SQLite files and
//! gzip-compressed dumps, made by the real tools (`scripts/make-sql-fixtures.sh`), plus the
//! sample databases in `../shared/corpora`, scanned table by table, column by column.

use std::fs::{self, File};
use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;

use crate::support::{corpora, fixture, piimap, scan_json};

/// The rules the data map lists for `container` / `field` of the file whose path ends with
/// `file`.
fn mapped(report: &Value, file: &str, container: &str, field: &str) -> Vec<String> {
    let rows = report["data_map"].as_array().expect("data_map is an array");
    rows.iter()
        .filter(|row| {
            row["path"].as_str().is_some_and(|p| p.ends_with(file))
                && row["container"] == container
                && row["field"] == field
        })
        .flat_map(|row| {
            let rules = row["by_rule"].as_object().expect("by_rule is an object");
            rules.keys().cloned().collect::<Vec<_>>()
        })
        .collect()
}

/// Asserts that each `(container, field, rule)` is in the data map of `file`.
fn assert_mapped(report: &Value, file: &str, expected: &[(&str, &str, &str)]) {
    for (container, field, rule) in expected {
        let rules = mapped(report, file, container, field);
        assert!(
            rules.iter().any(|r| r == rule),
            "{file}: {container}.{field} should map to {rule}, got {rules:?}"
        );
    }
}

/// The error reason recorded for the file whose path ends with `file`.
fn error_for(report: &Value, file: &str) -> String {
    let errors = report["errors"].as_array().expect("errors is an array");
    errors
        .iter()
        .find(|e| e["path"].as_str().is_some_and(|p| p.ends_with(file)))
        .and_then(|e| e["reason"].as_str())
        .unwrap_or_else(|| panic!("no error recorded for {file}: {errors:?}"))
        .to_string()
}

/// The findings of the file whose path ends with `file`.
fn findings_of<'r>(report: &'r Value, file: &str) -> Vec<&'r Value> {
    let findings = report["findings"].as_array().expect("findings is an array");
    findings
        .iter()
        .filter(|f| f["path"].as_str().is_some_and(|p| p.ends_with(file)))
        .collect()
}

/// 1-based line of the first line of `file` (under fixtures/sql) that contains `needle`.
fn line_of(file: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(fixture(&format!("sql/{file}"))).expect("fixture");
    let index = text
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle in fixture");
    index as u64 + 1
}

/// The line number at the start of an error reason (`line 12: ...`).
fn error_line(reason: &str) -> u64 {
    let rest = reason
        .strip_prefix("line ")
        .expect("reason starts with its line");
    rest.split(':')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a line number")
}

const PG_EXPECTED: &[(&str, &str, &str)] = &[
    ("crm.customer", "email", "email"),
    ("crm.customer", "phone", "phone"),
    ("crm.Contact Log", "Contact Email", "email"),
    ("billing.payment_card", "card_number", "credit_card"),
    ("public.employee", "ssn", "us_ssn"),
    ("public.employee", "work_email", "email"),
    ("public.employee", "home_ip", "ip_address"),
];

#[test]
fn pg_dump_variants_map_every_column_the_same_way() {
    let (code, report) = scan_json(&[
        &fixture("sql/pg_copy.sql"),
        &fixture("sql/pg_inserts.sql"),
        &fixture("sql/pg_column_inserts.sql"),
        &fixture("sql/pg_copy.sql.gz"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(report["errors"], Value::Array(vec![]));
    for file in [
        "pg_copy.sql",
        "pg_inserts.sql",
        "pg_column_inserts.sql",
        "pg_copy.sql.gz",
    ] {
        assert_mapped(&report, file, PG_EXPECTED);
    }
}

#[test]
fn dump_findings_carry_the_line_of_their_row() {
    let (_, report) = scan_json(&[&fixture("sql/pg_copy.sql"), &fixture("sql/mysqldump.sql")]);
    for (file, container) in [
        ("pg_copy.sql", "billing.payment_card"),
        ("mysqldump.sql", "payment card"),
    ] {
        let card = findings_of(&report, file)
            .into_iter()
            .find(|f| f["rule"] == "credit_card" && f["value"] == "**** **** **** 9017")
            .unwrap_or_else(|| panic!("{file}: the 4000 1234 card is found"));
        assert_eq!(card["location"]["container"], container);
        assert_eq!(card["location"]["field"], "card_number");
        assert_eq!(
            card["location"]["line"],
            line_of(file, "4000 1234 5678 9017")
        );
    }
}

#[test]
fn mysqldump_and_sqlite_map_columns() {
    let (_, report) = scan_json(&[&fixture("sql/mysqldump.sql"), &fixture("sql/shop.sqlite")]);
    assert_mapped(
        &report,
        "mysqldump.sql",
        &[
            ("customer", "email", "email"),
            ("customer", "phone", "phone"),
            ("payment card", "card_number", "credit_card"),
        ],
    );
    assert_mapped(
        &report,
        "shop.sqlite",
        &[
            ("customer", "email", "email"),
            ("payment_card", "card_number", "credit_card"),
            ("order lines", "ship to", "email"),
        ],
    );
}

#[test]
fn sqlite_column_names_that_are_not_utf8_are_read_lossily() {
    let (_, report) = scan_json(&[&fixture("sql/latin1_columns.sqlite")]);
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_mapped(
        &report,
        "latin1_columns.sqlite",
        &[
            ("client", "courriel", "email"),
            ("client", "t\u{FFFD}l\u{FFFD}phone", "phone"),
        ],
    );
}

#[test]
fn broken_dumps_are_errors_with_a_line_and_keep_earlier_findings() {
    let (_, report) = scan_json(&[&fixture("sql")]);
    for (file, words) in [
        ("broken_truncated.sql", "truncated"),
        ("broken_unterminated.sql", "unterminated string"),
        ("broken_copy_no_end.sql", "end marker"),
    ] {
        let reason = error_for(&report, file);
        assert!(reason.contains(words), "{file}: {reason}");
        let line = error_line(&reason);
        let findings = findings_of(&report, file);
        assert!(!findings.is_empty(), "{file}: findings before the break");
        assert!(
            findings
                .iter()
                .all(|f| f["location"]["line"].as_u64() <= Some(line)),
            "{file}: no finding after line {line}"
        );
    }
    let copy_reason = error_for(&report, "broken_copy_no_end.sql");
    let copy_line = line_of("broken_copy_no_end.sql", "COPY billing.payment_card");
    assert!(
        copy_reason.contains(&format!("block started at line {copy_line}")),
        "{copy_reason}"
    );
}

#[test]
fn corrupt_sqlite_names_the_page_and_keeps_readable_tables() {
    let (_, report) = scan_json(&[&fixture("sql/broken_corrupt.sqlite")]);
    let reason = error_for(&report, "broken_corrupt.sqlite");
    assert!(reason.contains("malformed"), "{reason}");
    assert!(reason.contains("page"), "{reason}");
    assert_mapped(
        &report,
        "broken_corrupt.sqlite",
        &[
            ("customer", "email", "email"),
            ("payment_card", "card_number", "credit_card"),
        ],
    );
}

#[test]
fn pg_dump_archive_is_an_error_with_the_pg_restore_hint() {
    let (_, report) = scan_json(&[&fixture("sql/pg_custom.dump")]);
    let reason = error_for(&report, "pg_custom.dump");
    assert!(
        reason.contains("pg_restore -f - FILE | piimap scan -"),
        "{reason}"
    );
}

#[test]
fn dump_on_standard_input_is_read_as_sql() {
    let dump = std::fs::read(fixture("sql/pg_copy.sql")).expect("fixture");
    let output = piimap(&["scan", "--format", "json", "-"])
        .write_stdin(dump)
        .output()
        .expect("piimap runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert_mapped(&report, "-", PG_EXPECTED);
}

/// A SQLite database arriving as a stream (standard input, a `.gz`, a member of a zip) is
/// read from memory, with the findings it has on disk.
#[test]
fn sqlite_on_standard_input_or_gzip_compressed_is_read_in_memory() {
    use std::io::Write;
    let database = std::fs::read(fixture("sql/shop.sqlite")).expect("fixture");
    let described = |report: &Value| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {} {}", f["rule"], f["location"], f["value"]))
            .collect()
    };
    let (_, on_disk) = scan_json(&[&fixture("sql/shop.sqlite")]);
    assert!(!described(&on_disk).is_empty());
    let output = piimap(&["scan", "--format", "json", "-"])
        .write_stdin(database.clone())
        .output()
        .expect("piimap runs");
    let streamed: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert_eq!(described(&streamed), described(&on_disk));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&database).unwrap();
    let compressed = dir.path().join("shop.sqlite.gz");
    std::fs::write(&compressed, gz.finish().unwrap()).unwrap();
    let (_, unzipped) = scan_json(&[compressed.to_str().unwrap()]);
    assert_eq!(described(&unzipped), described(&on_disk));
}

#[test]
fn kind_comes_from_content_not_extension() {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = |from: &str, to: &str| {
        std::fs::copy(fixture(&format!("sql/{from}")), dir.path().join(to)).expect("copy");
    };
    copy("pg_copy.sql", "backup.txt");
    copy("shop.sqlite", "shop.dat");
    copy("mysqldump.sql", "dump");
    std::fs::write(
        dir.path().join("notes.sql"),
        "Notes, not SQL: it's for pat@example.com.\n",
    )
    .expect("write");
    let (_, report) = scan_json(&[dir.path().to_str().expect("utf-8 temp path")]);
    assert_eq!(report["errors"], Value::Array(vec![]));
    assert_mapped(&report, "backup.txt", &[("crm.customer", "email", "email")]);
    assert_mapped(&report, "shop.dat", &[("customer", "email", "email")]);
    assert_mapped(&report, "dump", &[("customer", "email", "email")]);
    assert_eq!(findings_of(&report, "notes.sql").len(), 1);
}

#[test]
fn chinook_in_sqlite_postgres_and_mysql_forms() {
    let Some(dir) = corpora("chinook_in_sqlite_postgres_and_mysql_forms") else {
        return;
    };
    let chinook = dir.join("chinook");
    let (_, report) = scan_json(&[chinook.to_str().expect("utf-8 path")]);
    for file in ["Chinook_Sqlite.sqlite", "Chinook_MySql.sql"] {
        assert_mapped(
            &report,
            file,
            &[
                ("Customer", "Email", "email"),
                ("Customer", "Phone", "phone"),
                ("Employee", "Email", "email"),
                ("Employee", "Phone", "phone"),
            ],
        );
    }
    assert_mapped(
        &report,
        "Chinook_PostgreSql.sql",
        &[
            ("customer", "email", "email"),
            ("customer", "phone", "phone"),
            ("employee", "email", "email"),
        ],
    );
    for file in [
        "Chinook_Sqlite.sqlite",
        "Chinook_MySql.sql",
        "Chinook_PostgreSql.sql",
    ] {
        assert!(
            report["errors"].as_array().is_some_and(|e| e.is_empty()),
            "{file}: {:?}",
            report["errors"]
        );
        let cards = findings_of(&report, file)
            .iter()
            .filter(|f| f["rule"] == "credit_card" || f["rule"] == "us_ssn")
            .count();
        assert_eq!(cards, 0, "{file}: Chinook holds no cards or SSNs");
    }
}

#[test]
fn pagila_and_sakila_data_dumps() {
    let Some(dir) = corpora("pagila_and_sakila_data_dumps") else {
        return;
    };
    let pagila = dir.join("pagila/pagila-data.sql");
    let sakila = dir.join("sakila-mysql/sakila-mv-data.sql");
    let (_, report) = scan_json(&[
        pagila.to_str().expect("utf-8 path"),
        sakila.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(report["errors"], Value::Array(vec![]));
    assert_mapped(
        &report,
        "pagila-data.sql",
        &[
            ("public.customer", "email", "email"),
            ("public.staff", "email", "email"),
        ],
    );
    // sakila-mv-data.sql has no CREATE TABLE and its INSERTs name no columns: the column names
    // come from sakila-mv-schema.sql beside it.
    assert_mapped(
        &report,
        "sakila-mv-data.sql",
        &[("customer", "email", "email"), ("staff", "email", "email")],
    );
}

#[test]
fn a_data_only_dump_zipped_or_gzipped_takes_its_column_names_from_the_schema_beside_it() {
    // mysqldump --no-create-info writes INSERTs without column lists; the names are only in
    // the --no-data dump beside it.
    let expected = [
        ("customer", "email", "email"),
        ("customer", "phone", "phone"),
        ("payment card", "card_number", "credit_card"),
    ];
    let (_, on_disk) = scan_json(&[&fixture("sql/split")]);
    assert_mapped(&on_disk, "split/crm-data.sql", &expected);
    let (_, zipped) = scan_json(&[&fixture("archive/split_dump.zip")]);
    assert_mapped(&zipped, "split_dump.zip!crm/crm-data.sql", &expected);
    let dir = tempfile::tempdir().expect("temp dir");
    let schema = dir.path().join("crm-schema.sql");
    fs::copy(fixture("sql/split/crm-schema.sql"), schema).expect("copy schema");
    let data = File::create(dir.path().join("crm-data.sql.gz")).expect("create gz");
    let mut gz = GzEncoder::new(data, Compression::default());
    gz.write_all(&fs::read(fixture("sql/split/crm-data.sql")).expect("read dump"))
        .expect("gzip");
    gz.finish().expect("gzip");
    let (_, gzipped) = scan_json(&[dir.path().to_str().expect("utf-8 path")]);
    assert_mapped(&gzipped, "crm-data.sql.gz", &expected);
}

#[test]
fn sample_rows_reads_the_first_rows_of_each_table() {
    let (_, report) = scan_json(&[
        "--sample-rows",
        "1",
        &fixture("sql/pg_copy.sql"),
        &fixture("sql/shop.sqlite"),
    ]);
    let rows = report["data_map"].as_array().expect("data_map is an array");
    let email = |file: &str, container: &str| {
        rows.iter()
            .find(|r| {
                r["path"].as_str().is_some_and(|p| p.ends_with(file))
                    && r["container"] == container
                    && r["field"] == "email"
            })
            .unwrap_or_else(|| panic!("{file}: {container}.email in the data map"))
    };
    for (file, container) in [("pg_copy.sql", "crm.customer"), ("shop.sqlite", "customer")] {
        let row = email(file, container);
        assert_eq!(row["values"], 1, "{file}");
        assert_eq!(row["sampled"], true, "{file}");
    }
}
