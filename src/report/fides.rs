//! `--format fides`: the data map as a Fides dataset (YAML), for privacy-as-code tools
//! (<https://ethyca.github.io/fideslang/resources/dataset/>). Each asset ([`crate::risk`]) is a
//! collection (a file, or a file's sheet or table), each field a field whose `data_categories`
//! are the fideslang categories of the rules found in it (`rules/categories.toml`). Plain text
//! has no fields, so its findings go to a field named `content`. The dataset description says
//! which files were not scanned.

use std::io;

use serde::Serialize;

use super::Report;
use crate::risk::{self, Asset, Field};
use crate::walk::FileNote;

/// `fides_key` of the dataset.
const DATASET_KEY: &str = "piimap_data_map";
/// Field name used for findings in plain text.
const TEXT_FIELD: &str = "content";
/// Files named in the description before it says how many more were not scanned.
const NOTES_NAMED: usize = 20;

#[derive(Serialize)]
struct Document {
    dataset: Vec<Dataset>,
}

#[derive(Serialize)]
struct Dataset {
    fides_key: &'static str,
    name: String,
    description: String,
    collections: Vec<Collection>,
}

#[derive(Serialize)]
struct Collection {
    name: String,
    description: String,
    fields: Vec<FidesField>,
}

#[derive(Serialize)]
struct FidesField {
    name: String,
    description: String,
    data_categories: Vec<String>,
}

/// Writes the dataset YAML.
pub(crate) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let document = Document {
        dataset: vec![Dataset {
            fides_key: DATASET_KEY,
            name: "piimap data map".into(),
            description: description(report),
            collections: risk::assets(report)?.iter().map(collection).collect(),
        }],
    };
    serde_yaml_ng::to_writer(out, &document).map_err(io::Error::other)
}

fn description(report: &Report) -> String {
    let s = &report.summary;
    let mut text = format!(
        "Personal data found by piimap {} in {} file(s) scanned; {} finding(s).",
        report.tool.version, s.files_scanned, s.findings
    );
    text.push_str(&notes_sentence("Skipped", &report.skipped));
    text.push_str(&notes_sentence("Not scanned to the end", &report.errors));
    text
}

fn notes_sentence(title: &str, notes: &[FileNote]) -> String {
    if notes.is_empty() {
        return String::new();
    }
    let named: Vec<String> = notes
        .iter()
        .take(NOTES_NAMED)
        .map(|n| format!("{} ({})", n.path, n.reason))
        .collect();
    let more = notes.len().saturating_sub(NOTES_NAMED);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(" {title}: {}{tail}.", named.join("; "))
}

fn collection(asset: &Asset) -> Collection {
    let gdpr: Vec<&str> = asset.gdpr.iter().map(|g| g.label()).collect();
    let ccpa: Vec<&str> = asset.ccpa.iter().map(|c| c.as_str()).collect();
    Collection {
        name: asset.name(),
        description: format!(
            "Risk {} ({}/100), {} finding(s). GDPR: {}. CCPA/CPRA: {}.",
            asset.risk.level.as_str(),
            asset.risk.score,
            asset.findings,
            gdpr.join(", "),
            ccpa.join(", ")
        ),
        fields: asset.fields.iter().map(field).collect(),
    }
}

fn field(field: &Field) -> FidesField {
    let rules: Vec<String> = field
        .rules
        .iter()
        .map(|r| format!("{} x{}", r.rule, r.findings))
        .collect();
    let mut categories: Vec<String> = field
        .rules
        .iter()
        .map(|r| r.regulatory.fides.clone())
        .collect();
    categories.sort();
    categories.dedup();
    FidesField {
        name: field.name.clone().unwrap_or_else(|| TEXT_FIELD.into()),
        description: format!(
            "Found by piimap: {}; risk {} ({}/100).",
            rules.join(", "),
            field.risk.level.as_str(),
            field.risk.score
        ),
        data_categories: categories,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered() -> String {
        super::super::rendered(&Report::sample(), super::super::Format::Fides)
    }

    #[test]
    fn fides_snapshot() {
        insta::assert_snapshot!(rendered());
    }

    #[test]
    fn fides_dataset_has_a_collection_per_asset_with_fideslang_categories() {
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&rendered()).expect("YAML");
        let dataset = &yaml["dataset"][0];
        assert_eq!(dataset["fides_key"].as_str(), Some(DATASET_KEY));
        let collections = dataset["collections"].as_sequence().expect("collections");
        assert_eq!(
            collections.len(),
            risk::assets(&Report::sample()).expect("in memory").len()
        );
        let csv = &collections[0];
        assert_eq!(csv["name"].as_str(), Some("exports/customers.csv"));
        let email = csv["fields"]
            .as_sequence()
            .expect("fields")
            .iter()
            .find(|f| f["name"].as_str() == Some("email"))
            .expect("email field");
        assert_eq!(
            email["data_categories"][0].as_str(),
            Some("user.contact.email")
        );
        let description = dataset["description"].as_str().expect("description");
        assert!(description.contains("images/logo.png"), "{description}");
        assert!(description.contains("exports/broken.json"), "{description}");
    }
}
