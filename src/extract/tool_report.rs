//! Reports of scanners, told from their first bytes: piimap's own JSON report and NDJSON
//! stream (from an earlier run, or from another checkout) and SARIF logs of any tool.
//!
//! Such a file is read as plain text, not as JSON. Its keys are the format's vocabulary and
//! piimap's rule ids (`by_rule.date_of_birth`, `tool.driver.name`), not the fields of a data
//! set, and read as field names they would report a date of birth, a person's name and a
//! phone number in every report. Its values are still scanned: a report written with
//! `--show-values` holds personal data and is reported like any other file.

use std::sync::LazyLock;

use regex::bytes::Regex;

/// The opening of a report: piimap's JSON report (`schema_version`, then `tool.name`), a line
/// of piimap's NDJSON stream, or a SARIF log (`$schema` naming SARIF, first or after
/// `version`).
static REPORT_OPENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"\A\s*\{\s*(?:"#,
        r#""schema_version"\s*:\s*[0-9]+\s*,\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"piimap""#,
        r#"|"type":"(?:finding","rule"|skipped","path"|error","path"|summary","tool":\{"name":"piimap")"#,
        r#"|(?:"version"\s*:\s*"[0-9.]+"\s*,\s*)?"\$schema"\s*:\s*"[^"]*sarif"#,
        r#")"#
    ))
    .expect("the report opening is a valid regex")
});

/// True when `head`, the first bytes of a file, open a scanner's report; `extension` is the
/// file name's, lower case (`.sarif` names a SARIF log whatever its first member).
pub fn is_tool_report(head: &[u8], extension: &str) -> bool {
    extension == "sarif" || REPORT_OPENING.is_match(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piimap_reports_and_sarif_logs_are_told_apart_from_data() {
        for report in [
            "{\n  \"schema_version\": 1,\n  \"tool\": {\n    \"name\": \"piimap\",",
            "{\"schema_version\":1,\"tool\":{\"name\":\"piimap\",\"version\":\"0.1.0\"}",
            "{\"type\":\"finding\",\"rule\":\"email\",\"category\":\"contact\"",
            "{\"type\":\"summary\",\"tool\":{\"name\":\"piimap\",\"version\":\"0.1.0\"}",
            "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"runs\": [",
            "{\"version\":\"2.1.0\",\"$schema\":\"https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json\"",
        ] {
            assert!(is_tool_report(report.as_bytes(), "json"), "{report}");
        }
        assert!(is_tool_report(b"{\"runs\": []}", "sarif"));
        for data in [
            "{\"schema_version\": 1, \"tool\": {\"name\": \"other\"}}",
            "{\"type\":\"customer\",\"name\":\"Jane\"}",
            "{\"email\": \"jane@example.com\", \"schema\": \"sarif\"}",
            "[{\"schema_version\": 1}]",
        ] {
            assert!(!is_tool_report(data.as_bytes(), "json"), "{data}");
        }
    }
}
