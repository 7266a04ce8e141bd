//! Encodes a finding as compact JSON straight from the parts a scan has at hand, without
//! building a [`Finding`](super::Finding) first. What every finding of a file or of a rule
//! shares (the path; the rule, category and severity) is encoded once. The bytes are the ones
//! serde writes for the same `Finding`; a test holds the two together.

use std::io::Write;

use super::{Category, Evidence, Fingerprint, Severity};

/// The rule a finding is for.
pub struct RuleParts<'a> {
    /// The rule's index, under which its encoded head is kept.
    pub index: usize,
    /// The rule's id.
    pub id: &'a str,
    /// The rule's category.
    pub category: Category,
    /// The rule's severity.
    pub severity: Severity,
}

/// What changes from one finding to the next.
pub struct Parts<'a> {
    /// Confidence in `[0, 1]`.
    pub confidence: f64,
    /// Whether the value or the field name is the evidence.
    pub evidence: Evidence,
    /// 1-based line.
    pub line: u64,
    /// 1-based character column.
    pub column: u64,
    /// Sheet, table or member name.
    pub container: Option<&'a str>,
    /// Column header or collapsed JSON pointer.
    pub field: Option<&'a str>,
    /// Cell reference or exact JSON pointer.
    pub locator: Option<&'a str>,
    /// The value as the report shows it (masked unless `--show-values`).
    pub value: &'a str,
    /// The finding's fingerprint.
    pub fingerprint: &'a Fingerprint,
    /// The value is a known test value.
    pub test_value: bool,
}

/// Encodes the findings of one file.
pub struct FindingEncoder {
    /// `,"path":` and the path as a JSON string.
    path: Vec<u8>,
    /// Per rule index, `{"rule":…,"category":…,"severity":…,"confidence":`, once encoded.
    heads: Vec<Option<Box<[u8]>>>,
}

impl FindingEncoder {
    /// An encoder for the findings of the file shown as `path`.
    pub fn new(path: &str) -> Self {
        let mut encoded = b",\"path\":".to_vec();
        write_str(&mut encoded, path);
        FindingEncoder {
            path: encoded,
            heads: Vec::new(),
        }
    }

    /// Appends the compact JSON of the finding of `rule` made of `parts` to `out`.
    pub fn encode(&mut self, rule: &RuleParts<'_>, parts: &Parts<'_>, out: &mut Vec<u8>) {
        out.extend_from_slice(self.head(rule));
        write_json(out, &parts.confidence);
        out.extend_from_slice(b",\"evidence\":\"");
        out.extend_from_slice(parts.evidence.as_str().as_bytes());
        out.push(b'"');
        out.extend_from_slice(&self.path);
        out.extend_from_slice(b",\"location\":{\"line\":");
        write_json(out, &parts.line);
        out.extend_from_slice(b",\"column\":");
        write_json(out, &parts.column);
        out.extend_from_slice(b",\"container\":");
        write_json(out, &parts.container);
        out.extend_from_slice(b",\"field\":");
        write_json(out, &parts.field);
        if let Some(locator) = parts.locator {
            out.extend_from_slice(b",\"locator\":");
            write_str(out, locator);
        }
        out.extend_from_slice(b"},\"value\":");
        write_str(out, parts.value);
        out.extend_from_slice(b",\"fingerprint\":\"");
        out.extend_from_slice(parts.fingerprint.as_str().as_bytes());
        out.push(b'"');
        if parts.test_value {
            out.extend_from_slice(b",\"test_value\":true");
        }
        out.push(b'}');
    }

    /// The encoded head of `rule`'s findings, encoded on first use.
    fn head(&mut self, rule: &RuleParts<'_>) -> &[u8] {
        if self.heads.len() <= rule.index {
            self.heads.resize(rule.index + 1, None);
        }
        self.heads[rule.index].get_or_insert_with(|| {
            let mut head = b"{\"rule\":".to_vec();
            write_str(&mut head, rule.id);
            write!(
                head,
                ",\"category\":\"{}\",\"severity\":\"{}\",\"confidence\":",
                rule.category.as_str(),
                rule.severity.as_str()
            )
            .expect("writing to memory cannot fail");
            head.into_boxed_slice()
        })
    }
}

/// Appends `text` as a JSON string.
fn write_str(out: &mut Vec<u8>, text: &str) {
    write_json(out, text);
}

/// Appends `value` as serde_json writes it.
fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(out, value).expect("numbers and strings serialize into memory");
}

#[cfg(test)]
mod tests {
    use super::super::{Finding, fingerprint};
    use super::*;
    use crate::extract::Location;

    /// Encodes `finding` with a fresh or a reused encoder, as the scan would.
    fn encoded(encoder: &mut FindingEncoder, index: usize, finding: &Finding) -> String {
        let location = &finding.location;
        let print = fingerprint(
            &finding.rule,
            &finding.path,
            location.container.as_deref(),
            location.field.as_deref(),
            &finding.value,
            3,
        );
        assert_eq!(
            print.as_str(),
            finding.fingerprint,
            "test findings carry real prints"
        );
        let mut out = Vec::new();
        encoder.encode(
            &RuleParts {
                index,
                id: &finding.rule,
                category: finding.category,
                severity: finding.severity,
            },
            &Parts {
                confidence: finding.confidence,
                evidence: finding.evidence,
                line: location.line,
                column: location.column,
                container: location.container.as_deref(),
                field: location.field.as_deref(),
                locator: location.locator.as_deref(),
                value: &finding.value,
                fingerprint: &print,
                test_value: finding.test_value,
            },
            &mut out,
        );
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    fn finding(
        rule: &str,
        path: &str,
        place: (Option<&str>, Option<&str>, Option<&str>),
    ) -> Finding {
        let (container, field, locator) = place;
        let value = "j\"***@exa\\mple.com\n\u{7f}é";
        Finding {
            rule: rule.into(),
            category: Category::Contact,
            severity: Severity::Critical,
            confidence: 0.55,
            evidence: Evidence::FieldName,
            path: path.into(),
            location: Location {
                line: 12,
                column: 3,
                container: container.map(String::from),
                field: field.map(String::from),
                locator: locator.map(String::from),
            },
            value: value.into(),
            fingerprint: fingerprint(rule, path, container, field, value, 3)
                .as_str()
                .into(),
            test_value: false,
        }
    }

    #[test]
    fn encodes_the_bytes_serde_writes_for_the_same_finding() {
        let path = "exports/\"quoted\" dir\\tab\there/naïve.csv";
        let mut encoder = FindingEncoder::new(path);
        let mut cases = [
            finding("email", path, (None, None, None)),
            finding(
                "email",
                path,
                (Some("Sheet 1"), Some("E-mail\u{1}"), Some("B7")),
            ),
            finding("us_ssn", path, (Some(""), Some("/users/*/ssn"), None)),
        ];
        cases[1].confidence = 1.0;
        cases[1].evidence = Evidence::Value;
        cases[2].test_value = true;
        cases[2].confidence = 0.2;
        for (index, case) in cases.iter().enumerate() {
            let expected = serde_json::to_string(case).expect("serializes");
            // Twice: the rule's head is encoded the first time and reused the second.
            assert_eq!(encoded(&mut encoder, index, case), expected);
            assert_eq!(encoded(&mut encoder, index, case), expected);
        }
    }
}
