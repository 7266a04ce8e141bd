//! Regulatory categories of what a rule finds: GDPR class, CCPA/CPRA categories and the
//! fideslang data category. The mapping is data, in `rules/categories.toml` (compiled in): a
//! default per [`Category`] and overrides per rule id. Reports look a finding up by its rule id
//! and category, so a saved report renders the same without the rules that produced it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::finding::Category;

/// The built-in mapping, as written.
const CATEGORIES_TOML: &str = include_str!("../rules/categories.toml");

/// How the GDPR treats the data. Ordered from least to most restricted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gdpr {
    /// Personal data, Art. 4(1).
    PersonalData,
    /// Special categories of personal data, Art. 9(1).
    SpecialCategory,
    /// Personal data relating to criminal convictions and offences, Art. 10.
    CriminalOffence,
}

impl Gdpr {
    /// The snake_case name used in `categories.toml` and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Gdpr::PersonalData => "personal_data",
            Gdpr::SpecialCategory => "special_category",
            Gdpr::CriminalOffence => "criminal_offence",
        }
    }

    /// A short label with the article, for people (`Art. 9 special category`).
    pub fn label(self) -> &'static str {
        match self {
            Gdpr::PersonalData => "Art. 4 personal data",
            Gdpr::SpecialCategory => "Art. 9 special category",
            Gdpr::CriminalOffence => "Art. 10 criminal offence",
        }
    }

    /// Whether the GDPR restricts processing beyond ordinary personal data (Art. 9 or 10).
    pub fn is_restricted(self) -> bool {
        match self {
            Gdpr::PersonalData => false,
            Gdpr::SpecialCategory | Gdpr::CriminalOffence => true,
        }
    }
}

/// A category of personal information under the CCPA as amended by the CPRA
/// (Cal. Civ. Code 1798.140(v)(1) and (ae)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ccpa {
    /// (A) identifiers: name, e-mail, IP address, account name, SSN, passport number.
    Identifiers,
    /// (B) categories of 1798.80(e): signature, phone, bank and card numbers, medical data.
    CustomerRecords,
    /// (C) characteristics of protected classifications: age, race, religion, sex.
    ProtectedClassifications,
    /// (D) commercial information: purchases, consuming histories.
    CommercialInformation,
    /// (E) biometric information.
    Biometric,
    /// (F) internet or other electronic network activity.
    InternetActivity,
    /// (G) geolocation data.
    Geolocation,
    /// (I) professional or employment-related information.
    ProfessionalInformation,
    /// (J) education information.
    EducationInformation,
    /// Sensitive personal information, 1798.140(ae): government ids, account log-ins, card and
    /// account numbers with credentials, precise geolocation, health, sex life, union membership.
    SensitivePersonalInformation,
}

impl Ccpa {
    /// The snake_case name used in `categories.toml` and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Ccpa::Identifiers => "identifiers",
            Ccpa::CustomerRecords => "customer_records",
            Ccpa::ProtectedClassifications => "protected_classifications",
            Ccpa::CommercialInformation => "commercial_information",
            Ccpa::Biometric => "biometric",
            Ccpa::InternetActivity => "internet_activity",
            Ccpa::Geolocation => "geolocation",
            Ccpa::ProfessionalInformation => "professional_information",
            Ccpa::EducationInformation => "education_information",
            Ccpa::SensitivePersonalInformation => "sensitive_personal_information",
        }
    }
}

/// The regulatory categories of one rule's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regulatory {
    /// GDPR class.
    pub gdpr: Gdpr,
    /// CCPA/CPRA categories, in the order written.
    pub ccpa: Vec<Ccpa>,
    /// fideslang data category (`user.contact.email`).
    pub fides: String,
}

/// Overrides of the category default for one rule; absent keys keep the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleOverride {
    gdpr: Option<Gdpr>,
    ccpa: Option<Vec<Ccpa>>,
    fides: Option<String>,
}

/// The whole mapping: a default per category, overrides per rule id.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    categories: BTreeMap<Category, Regulatory>,
    #[serde(default)]
    rules: BTreeMap<String, RuleOverride>,
}

/// `rules/categories.toml` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The TOML does not parse or has unknown keys.
    #[error("rules/categories.toml: {0}")]
    Syntax(#[from] toml::de::Error),
    /// A category has no entry.
    #[error("rules/categories.toml: category \"{0}\" has no [categories.{0}] entry")]
    MissingCategory(&'static str),
}

impl Mapping {
    /// Parses a mapping and checks that every category has a default.
    pub fn parse(text: &str) -> Result<Self, MappingError> {
        let mapping: Mapping = toml::from_str(text)?;
        for category in ALL_CATEGORIES {
            if !mapping.categories.contains_key(&category) {
                return Err(MappingError::MissingCategory(category.as_str()));
            }
        }
        Ok(mapping)
    }

    /// The built-in mapping of `rules/categories.toml`.
    pub fn builtin() -> &'static Mapping {
        static BUILTIN: OnceLock<Mapping> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Mapping::parse(CATEGORIES_TOML)
                .expect("rules/categories.toml is valid: checked by regulation::tests")
        })
    }

    /// Regulatory categories of the data found by rule `rule` of category `category`.
    pub fn of(&self, rule: &str, category: Category) -> Regulatory {
        // `parse` checked that every category has an entry; the fallback is plain personal data.
        let mut regulatory = self
            .categories
            .get(&category)
            .cloned()
            .unwrap_or(Regulatory {
                gdpr: Gdpr::PersonalData,
                ccpa: Vec::new(),
                fides: "user".to_string(),
            });
        if let Some(over) = self.rules.get(rule) {
            if let Some(gdpr) = over.gdpr {
                regulatory.gdpr = gdpr;
            }
            if let Some(ccpa) = &over.ccpa {
                regulatory.ccpa = ccpa.clone();
            }
            if let Some(fides) = &over.fides {
                regulatory.fides = fides.clone();
            }
        }
        regulatory
    }

    /// Rule ids with an override, for checks against the ruleset.
    pub fn overridden_rules(&self) -> impl Iterator<Item = &str> {
        self.rules.keys().map(String::as_str)
    }
}

/// Every [`Category`]; the match in `category_is_listed` makes the compiler point here when a
/// category is added.
const ALL_CATEGORIES: [Category; 7] = [
    Category::Contact,
    Category::Financial,
    Category::NationalId,
    Category::Network,
    Category::Health,
    Category::Demographic,
    Category::Credential,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails to compile when a category is added without extending [`ALL_CATEGORIES`].
    #[allow(dead_code)]
    fn category_is_listed(category: Category) -> bool {
        match category {
            Category::Contact
            | Category::Financial
            | Category::NationalId
            | Category::Network
            | Category::Health
            | Category::Demographic
            | Category::Credential => ALL_CATEGORIES.contains(&category),
        }
    }

    #[test]
    fn builtin_mapping_covers_every_category() {
        let mapping = Mapping::parse(CATEGORIES_TOML).expect("valid mapping");
        for category in ALL_CATEGORIES {
            assert!(category_is_listed(category));
            let regulatory = mapping.of("no_such_rule", category);
            assert!(regulatory.fides.starts_with("user."), "{regulatory:?}");
            assert!(!regulatory.ccpa.is_empty(), "{regulatory:?}");
        }
    }

    #[test]
    fn overrides_name_builtin_rules() {
        let rules = crate::detect::builtin::rules().expect("built-in rules compile");
        for id in Mapping::builtin().overridden_rules() {
            assert!(
                rules.iter().any(|r| r.id == id),
                "rules/categories.toml overrides unknown rule {id}"
            );
        }
    }

    #[test]
    fn rule_override_replaces_only_its_keys() {
        let email = Mapping::builtin().of("email", Category::Contact);
        assert_eq!(email.fides, "user.contact.email");
        assert_eq!(email.gdpr, Gdpr::PersonalData);
        assert_eq!(email.ccpa, vec![Ccpa::Identifiers, Ccpa::CustomerRecords]);
    }

    #[test]
    fn health_is_an_art_9_special_category() {
        let health = Mapping::builtin().of("diagnosis", Category::Health);
        assert_eq!(health.gdpr, Gdpr::SpecialCategory);
        assert!(health.gdpr.is_restricted());
        assert!(health.ccpa.contains(&Ccpa::SensitivePersonalInformation));
    }

    #[test]
    fn missing_category_and_unknown_key_are_errors() {
        let partial =
            "[categories.contact]\ngdpr = \"personal_data\"\nccpa = []\nfides = \"user\"\n";
        assert!(matches!(
            Mapping::parse(partial),
            Err(MappingError::MissingCategory("financial"))
        ));
        let unknown = format!("{CATEGORIES_TOML}\n[rules.zz_rule]\ncolour = \"red\"\n");
        assert!(Mapping::parse(&unknown).is_err());
    }
}
