//! The auditor's view of a report: findings grouped into data **assets** (a file, or a sheet or
//! table inside one), each with its fields, the rules found in them, their regulatory
//! categories ([`crate::regulation`]) and a **risk score**. Renderers (CSV, Markdown, HTML,
//! Fides) show this view; it is derived from a [`Report`] alone, so a saved report renders the
//! same as a fresh scan.
//!
//! # The risk score
//!
//! The formula lives here and only here (the README explains it):
//!
//! - **sensitivity** of a rule: its severity (low 10, medium 25, high 40, critical 55), plus 20
//!   when the GDPR restricts the data further (Art. 9 special category, Art. 10 criminal).
//! - **volume** of `n` findings: 5 points per power of ten, `min(20, 5 × ⌊log10 n⌋)` (1–9: 0,
//!   10–99: 5, ..., 10,000 and more: 20).
//! - **co-occurrence**: 10 points per category beyond the first found in the same asset, at
//!   most 30 (a table with names, national ids and bank accounts identifies and harms people in
//!   a way a list of e-mail addresses alone does not).
//! - field score = highest sensitivity in the field + volume of the field's findings;
//!   asset score = highest sensitivity in the asset + volume of the asset's findings +
//!   co-occurrence; both capped at 100.
//! - level: 0–24 low, 25–49 medium, 50–74 high, 75–100 critical.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;

use serde::Serialize;

use crate::datamap::DataMapEntry;
use crate::extract::Location;
use crate::finding::{Category, Evidence, Finding, Severity};
use crate::regulation::{Ccpa, Gdpr, Mapping, Regulatory};
use crate::report::Report;

/// How many masked examples a field keeps per rule.
pub const EXAMPLES_PER_RULE: usize = 3;

/// A risk level, from the score. Ordered: `Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Score 0–24.
    Low,
    /// Score 25–49.
    Medium,
    /// Score 50–74.
    High,
    /// Score 75–100.
    Critical,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 4] = [Level::Low, Level::Medium, Level::High, Level::Critical];

    /// The level of a score in `[0, 100]`.
    pub fn of_score(score: u32) -> Level {
        match score {
            0..=24 => Level::Low,
            25..=49 => Level::Medium,
            50..=74 => Level::High,
            _ => Level::Critical,
        }
    }

    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }
}

/// A risk score and its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Risk {
    /// Score in `[0, 100]`.
    pub score: u32,
    /// Level of the score.
    pub level: Level,
}

impl Risk {
    fn new(score: u32) -> Self {
        let score = score.min(100);
        Risk {
            score,
            level: Level::of_score(score),
        }
    }
}

/// One data asset: a file, or a sheet or table in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Asset {
    /// The file, as in findings.
    pub path: String,
    /// Sheet, table or member; `None` for the file as a whole.
    pub container: Option<String>,
    /// Fields holding personal data, in name order (`None`, plain text, first).
    pub fields: Vec<Field>,
    /// Findings in the asset.
    pub findings: u64,
    /// Categories found, in order.
    pub categories: Vec<Category>,
    /// GDPR classes of the data found, in order.
    pub gdpr: Vec<Gdpr>,
    /// CCPA/CPRA categories of the data found, in order.
    pub ccpa: Vec<Ccpa>,
    /// fideslang data categories of the data found, in order.
    pub fides: Vec<String>,
    /// Risk of the asset as a whole.
    pub risk: Risk,
}

impl Asset {
    /// `path`, or `path > container`.
    pub fn name(&self) -> String {
        match &self.container {
            Some(container) => format!("{} > {container}", self.path),
            None => self.path.clone(),
        }
    }
}

/// A field (column, JSON pointer) of an asset, or the asset's free text when `name` is `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Column header or collapsed JSON pointer; `None` for plain text.
    pub name: Option<String>,
    /// Non-empty values read in the field (structured formats only).
    pub values: Option<u64>,
    /// Rule ids the data map classifies the field as holding.
    pub classification: Vec<String>,
    /// Whether only the first `--sample-rows` rows were read.
    pub sampled: bool,
    /// What each rule found in the field, by rule id.
    pub rules: Vec<FieldRule>,
    /// Findings in the field.
    pub findings: u64,
    /// Risk of the field.
    pub risk: Risk,
}

/// What one rule found in one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldRule {
    /// Rule id.
    pub rule: String,
    /// The rule's category.
    pub category: Category,
    /// The rule's severity.
    pub severity: Severity,
    /// Regulatory categories of the data.
    pub regulatory: Regulatory,
    /// Number of findings.
    pub findings: u64,
    /// Number of distinct values found, counted on the values as the report holds them
    /// (masked unless `--show-values`), so a lower bound of the distinct raw values.
    pub distinct_values: u64,
    /// Share of the field's values that matched the rule (structured formats only).
    pub match_ratio: Option<f64>,
    /// Whether the data map classifies the field as holding this rule's data.
    pub classified: bool,
    /// Whether values, field names, or both were the evidence.
    pub evidence: Vec<Evidence>,
    /// Highest confidence of the findings.
    pub confidence: f64,
    /// Where the first finding is.
    pub first_location: Location,
    /// Up to [`EXAMPLES_PER_RULE`] distinct values, as the report holds them.
    pub examples: Vec<String>,
}

/// Groups the findings of `report` into assets, scored, in (path, container) order. Reads the
/// findings once; fails only when spilled findings cannot be read back.
pub fn assets(report: &Report) -> io::Result<Vec<Asset>> {
    let mapping = Mapping::builtin();
    let rows: HashMap<RowKey<'_>, &DataMapEntry> = report
        .data_map
        .iter()
        .map(|row| {
            let key = (
                row.path.as_str(),
                row.container.as_deref(),
                row.field.as_deref(),
            );
            (key, row)
        })
        .collect();
    let mut grouped: BTreeMap<AssetKey, BTreeMap<Option<String>, BTreeMap<String, Tally>>> =
        BTreeMap::new();
    for finding in report.findings.iter() {
        let finding = finding?;
        let key = (finding.path.clone(), finding.location.container.clone());
        grouped
            .entry(key)
            .or_default()
            .entry(finding.location.field.clone())
            .or_default()
            .entry(finding.rule.clone())
            .or_insert_with(|| Tally::new(&finding))
            .add(&finding);
    }
    Ok(grouped
        .into_iter()
        .map(|((path, container), fields)| {
            let container = container.as_deref();
            let row = |field: Option<&str>| rows.get(&(path.as_str(), container, field)).copied();
            build_asset(&path, container, fields, mapping, &row)
        })
        .collect())
}

type AssetKey = (String, Option<String>);
type RowKey<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

/// What one rule found in one field, while counting.
struct Tally {
    first: Finding,
    findings: u64,
    distinct: HashSet<String>,
    examples: Vec<String>,
    evidence: BTreeSet<Evidence>,
    confidence: f64,
}

impl Tally {
    fn new(first: &Finding) -> Self {
        Tally {
            first: first.clone(),
            findings: 0,
            distinct: HashSet::new(),
            examples: Vec::new(),
            evidence: BTreeSet::new(),
            confidence: 0.0,
        }
    }

    fn add(&mut self, finding: &Finding) {
        self.findings += 1;
        if !self.distinct.contains(&finding.value) {
            self.distinct.insert(finding.value.clone());
            if self.examples.len() < EXAMPLES_PER_RULE {
                self.examples.push(finding.value.clone());
            }
        }
        self.evidence.insert(finding.evidence);
        self.confidence = self.confidence.max(finding.confidence);
    }

    fn finish(self, mapping: &Mapping, row: Option<&DataMapEntry>) -> FieldRule {
        let rule = self.first.rule.as_str();
        FieldRule {
            match_ratio: row.and_then(|r| r.matches.get(rule)).map(|m| m.ratio),
            classified: row.is_some_and(|r| r.classification.iter().any(|c| c == rule)),
            rule: self.first.rule.clone(),
            category: self.first.category,
            severity: self.first.severity,
            regulatory: mapping.of(&self.first.rule, self.first.category),
            findings: self.findings,
            distinct_values: self.distinct.len() as u64,
            evidence: self.evidence.into_iter().collect(),
            confidence: self.confidence,
            first_location: self.first.location.clone(),
            examples: self.examples,
        }
    }
}

fn build_asset<'r>(
    path: &str,
    container: Option<&str>,
    fields: BTreeMap<Option<String>, BTreeMap<String, Tally>>,
    mapping: &Mapping,
    row: &dyn Fn(Option<&str>) -> Option<&'r DataMapEntry>,
) -> Asset {
    let fields: Vec<Field> = fields
        .into_iter()
        .map(|(name, rules)| {
            let row = row(name.as_deref());
            let rules: Vec<FieldRule> = rules
                .into_values()
                .map(|t| t.finish(mapping, row))
                .collect();
            let findings = rules.iter().map(|r| r.findings).sum();
            Field {
                name,
                values: row.and_then(|r| r.values),
                classification: row.map(|r| r.classification.clone()).unwrap_or_default(),
                sampled: row.is_some_and(|r| r.sampled),
                risk: field_risk(&rules, findings),
                findings,
                rules,
            }
        })
        .collect();
    let all_rules = || fields.iter().flat_map(|f| &f.rules);
    let findings = fields.iter().map(|f| f.findings).sum();
    let categories: BTreeSet<Category> = all_rules().map(|r| r.category).collect();
    Asset {
        path: path.to_string(),
        container: container.map(String::from),
        risk: asset_risk(all_rules(), findings, categories.len()),
        findings,
        categories: categories.into_iter().collect(),
        gdpr: sorted(all_rules().map(|r| r.regulatory.gdpr)),
        ccpa: sorted(all_rules().flat_map(|r| r.regulatory.ccpa.iter().copied())),
        fides: sorted(all_rules().map(|r| r.regulatory.fides.clone())),
        fields,
    }
}

/// The snake_case name of an evidence kind, as in the JSON report.
pub fn evidence_name(evidence: Evidence) -> &'static str {
    match evidence {
        Evidence::Value => "value",
        Evidence::FieldName => "field_name",
    }
}

fn sorted<T: Ord>(items: impl Iterator<Item = T>) -> Vec<T> {
    items.collect::<BTreeSet<T>>().into_iter().collect()
}

/// Sensitivity of what a rule finds: severity, raised for GDPR Art. 9/10 data.
pub fn sensitivity(severity: Severity, gdpr: Gdpr) -> u32 {
    let base = match severity {
        Severity::Low => 10,
        Severity::Medium => 25,
        Severity::High => 40,
        Severity::Critical => 55,
    };
    if gdpr.is_restricted() {
        base + 20
    } else {
        base
    }
}

/// Volume points of `findings` findings: 5 per power of ten, at most 20.
pub fn volume(findings: u64) -> u32 {
    (5 * findings.max(1).ilog10()).min(20)
}

/// Co-occurrence points of `categories` distinct categories in one asset: 10 per category
/// beyond the first, at most 30.
pub fn co_occurrence(categories: usize) -> u32 {
    (10 * categories.saturating_sub(1) as u32).min(30)
}

fn max_sensitivity<'a>(rules: impl Iterator<Item = &'a FieldRule>) -> u32 {
    rules
        .map(|r| sensitivity(r.severity, r.regulatory.gdpr))
        .max()
        .unwrap_or(0)
}

fn field_risk(rules: &[FieldRule], findings: u64) -> Risk {
    Risk::new(max_sensitivity(rules.iter()) + volume(findings))
}

fn asset_risk<'a>(
    rules: impl Iterator<Item = &'a FieldRule>,
    findings: u64,
    categories: usize,
) -> Risk {
    Risk::new(max_sensitivity(rules) + volume(findings) + co_occurrence(categories))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_adds_five_per_power_of_ten() {
        assert_eq!(volume(1), 0);
        assert_eq!(volume(9), 0);
        assert_eq!(volume(10), 5);
        assert_eq!(volume(999), 10);
        assert_eq!(volume(1_000_000), 20);
    }

    #[test]
    fn co_occurrence_counts_categories_beyond_the_first() {
        assert_eq!(co_occurrence(1), 0);
        assert_eq!(co_occurrence(3), 20);
        assert_eq!(co_occurrence(7), 30);
    }

    #[test]
    fn art_9_data_is_more_sensitive_than_its_severity() {
        assert_eq!(sensitivity(Severity::High, Gdpr::PersonalData), 40);
        assert_eq!(sensitivity(Severity::High, Gdpr::SpecialCategory), 60);
    }

    #[test]
    fn sample_assets_group_by_path_and_container() {
        let report = Report::sample();
        let assets = assets(&report).expect("in memory");
        let names: Vec<String> = assets.iter().map(Asset::name).collect();
        assert_eq!(
            names,
            [
                "exports/customers.csv",
                "exports/staff.xlsx > HR",
                "logs/server.log",
                "tickets/ticket-48213.txt"
            ]
        );
        let total: u64 = assets.iter().map(|a| a.findings).sum();
        assert_eq!(total, report.findings.len());
    }

    #[test]
    fn identifiers_together_score_higher_than_email_alone() {
        let report = Report::sample();
        let assets = assets(&report).expect("in memory");
        let ticket = &assets[3];
        let log = &assets[2];
        assert_eq!(log.categories, [Category::Contact]);
        assert_eq!(log.risk.level, Level::Medium);
        assert!(ticket.categories.len() >= 3, "{:?}", ticket.categories);
        assert!(ticket.risk.score > log.risk.score);
        assert_eq!(ticket.risk.level, Level::Critical);
    }

    #[test]
    fn field_keeps_three_distinct_examples_and_first_location() {
        let report = Report::sample();
        let assets = assets(&report).expect("in memory");
        let email = assets[0]
            .fields
            .iter()
            .find(|f| f.name.as_deref() == Some("email"))
            .expect("email column");
        let rule = &email.rules[0];
        assert_eq!(rule.findings, 4);
        assert_eq!(rule.distinct_values, 4);
        assert_eq!(rule.examples.len(), EXAMPLES_PER_RULE);
        assert_eq!(rule.first_location.line, 2);
        assert_eq!(rule.regulatory.fides, "user.contact.email");
    }
}
