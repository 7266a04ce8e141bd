//! libphonenumber's numbering plans, compiled once into anchored, ASCII-only matchers.
//!
//! The `phonenumber` crate checks a number by looking each metadata regex up in one global,
//! mutex-guarded LRU cache keyed by the regex's source text, and runs it as an unanchored,
//! Unicode-aware search. On a CSV of phone numbers that cost about 80 µs a number and made
//! phone validation most of a scan's time. Here the same metadata (the crate's `DATABASE`) is
//! compiled per country calling code on first use, with `\d` as `[0-9]` and every pattern
//! anchored at both ends, the way libphonenumber itself matches a national number.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use regex::bytes::{Regex, RegexBuilder};

/// Every country calling code of the metadata, each compiled on first use.
static PLANS: LazyLock<HashMap<u16, OnceLock<CountryPlan>>> = LazyLock::new(|| {
    DATABASE
        .iter()
        .map(|meta| (meta.country_code(), OnceLock::new()))
        .collect()
});

/// The numbering plan of one country calling code (several regions share `+1`, `+44`, `+7`...).
pub(super) struct CountryPlan {
    regions: Vec<RegionPlan>,
    /// When several regions share the code: every number type of all of them, lengths aside,
    /// in one regex. A number none of them matches is rejected without trying each region.
    any_region: Option<Regex>,
}

/// One region's patterns for national significant numbers.
struct RegionPlan {
    /// The region's ISO 3166-1 code, such as `US`.
    id: String,
    /// Leading digits that single this region out among those sharing its calling code.
    leading_digits: Option<Regex>,
    /// A national (trunk) prefix written before national numbers, such as `0` or `1`.
    national_prefix: Option<Regex>,
    /// The pattern every number of the region matches.
    general: Pattern,
    /// Fixed line, mobile, toll free and the other number types: a valid number matches one.
    types: TypePatterns,
}

/// The number types of a region joined into one regex per number length, so a number costs
/// one regex run instead of one per type.
struct TypePatterns {
    /// For each length some type names, the types that allow it (or name no length).
    by_length: Vec<(u16, Regex)>,
    /// The types that name no length, for the lengths no other type names.
    any_length: Option<Regex>,
}

/// A national-number pattern with the lengths it allows.
struct Pattern {
    regex: Regex,
    lengths: Vec<u16>,
}

/// Loads the metadata and lists the calling codes, compiling no plan yet.
pub(super) fn load() {
    LazyLock::force(&PLANS);
}

/// The plan of a country calling code, or `None` when the metadata has no such code.
pub(super) fn country(code: u16) -> Option<&'static CountryPlan> {
    let slot = PLANS.get(&code)?;
    Some(slot.get_or_init(|| CountryPlan::compile(code)))
}

/// The calling code of a region (`GB` → 44).
pub(super) fn calling_code(region: &str) -> Option<u16> {
    DATABASE.by_id(region).map(Metadata::country_code)
}

/// Splits `digits` (a number written after `+`) into its calling code and national number.
pub(super) fn split_calling_code(digits: &str) -> Option<(u16, &str)> {
    (1..=3.min(digits.len())).find_map(|len| {
        let code: u16 = digits[..len].parse().ok()?;
        PLANS.contains_key(&code).then(|| (code, &digits[len..]))
    })
}

impl CountryPlan {
    fn compile(code: u16) -> CountryPlan {
        let metadata = DATABASE.by_code(&code).unwrap_or_default();
        let any_region = (metadata.len() > 1)
            .then(|| {
                any_of(
                    metadata
                        .iter()
                        .flat_map(|meta| number_types(meta).into_iter().flatten()),
                )
            })
            .flatten();
        let regions = metadata
            .into_iter()
            .filter_map(RegionPlan::compile)
            .collect();
        CountryPlan {
            regions,
            any_region,
        }
    }

    /// True when `national` is a valid number of one of the code's regions.
    pub(super) fn is_valid(&self, national: &str) -> bool {
        self.any_region
            .as_ref()
            .is_none_or(|any| any.is_match(national.as_bytes()))
            && self.regions.iter().any(|region| region.is_valid(national))
    }

    /// True when `national` has the length and the general form of one of the code's regions'
    /// numbers, whether or not the number is assigned: libphonenumber's "possible" number,
    /// held to the region's national number pattern as well as its lengths.
    fn is_possible(&self, national: &str) -> bool {
        self.regions
            .iter()
            .any(|region| region.is_possible(national))
    }

    /// Like [`CountryPlan::is_valid_with_trunk`], for a possible number.
    pub(super) fn is_possible_with_trunk(&self, national: &str, region: Option<&str>) -> bool {
        self.is_possible(national)
            || self
                .trunk_prefix_ends(national, region)
                .any(|end| self.is_possible(&national[end..]))
    }

    /// True when `national` is valid as written or once a trunk prefix (`0` in `+44 (0)20 ...`,
    /// `1` in `1 415 555 2671`) is dropped: the prefix of `region` when given, else of any
    /// region sharing the calling code.
    pub(super) fn is_valid_with_trunk(&self, national: &str, region: Option<&str>) -> bool {
        self.is_valid(national)
            || self
                .trunk_prefix_ends(national, region)
                .any(|end| self.is_valid(&national[end..]))
    }

    /// Where a trunk prefix written at the start of `national` ends: the prefix of `region`
    /// when given, else of any region sharing the calling code.
    fn trunk_prefix_ends<'s>(
        &'s self,
        national: &'s str,
        region: Option<&'s str>,
    ) -> impl Iterator<Item = usize> + 's {
        self.regions
            .iter()
            .filter(move |r| region.is_none_or(|id| r.id == id))
            .filter_map(|r| r.national_prefix.as_ref())
            .filter_map(|prefix| prefix.find(national.as_bytes()))
            .map(|m| m.end())
            .filter(|&end| end > 0)
    }
}

impl RegionPlan {
    fn compile(meta: &Metadata) -> Option<RegionPlan> {
        let descriptors = meta.descriptors();
        Some(RegionPlan {
            id: meta.id().to_owned(),
            leading_digits: meta
                .leading_digits()
                .and_then(|re| anchored_regex(re.as_str(), false)),
            national_prefix: national_prefix(meta),
            general: Pattern::compile(descriptors.general())?,
            types: TypePatterns::compile(
                &number_types(meta).into_iter().flatten().collect::<Vec<_>>(),
            ),
        })
    }

    fn is_possible(&self, national: &str) -> bool {
        // Lengths first: comparing a length costs far less than running a regex.
        self.general.has_length_of(national)
            && self.leading_digits_match(national)
            && self.general.regex.is_match(national.as_bytes())
    }

    fn is_valid(&self, national: &str) -> bool {
        self.is_possible(national) && self.types.is_match(national)
    }

    fn leading_digits_match(&self, national: &str) -> bool {
        self.leading_digits
            .as_ref()
            .is_none_or(|re| re.is_match(national.as_bytes()))
    }
}

impl TypePatterns {
    fn compile(types: &[&Descriptor]) -> TypePatterns {
        let mut lengths: Vec<u16> = types
            .iter()
            .flat_map(|t| t.possible_length().iter().copied())
            .collect();
        lengths.sort_unstable();
        lengths.dedup();
        let joined = |allows: &dyn Fn(&[u16]) -> bool| {
            any_of(
                types
                    .iter()
                    .copied()
                    .filter(|t| allows(t.possible_length())),
            )
        };
        TypePatterns {
            by_length: lengths
                .into_iter()
                .filter_map(|len| {
                    joined(&|allowed| allowed.is_empty() || allowed.contains(&len))
                        .map(|regex| (len, regex))
                })
                .collect(),
            any_length: joined(&<[u16]>::is_empty),
        }
    }

    /// True when `national` has the length and the form of one of the number types.
    fn is_match(&self, national: &str) -> bool {
        let regex = u16::try_from(national.len()).ok().and_then(|len| {
            self.by_length
                .iter()
                .find_map(|(allowed, regex)| (*allowed == len).then_some(regex))
        });
        regex
            .or(self.any_length.as_ref())
            .is_some_and(|regex| regex.is_match(national.as_bytes()))
    }
}

/// One regex matching a whole number that one of `types` matches (lengths aside); `None` when
/// there are no types.
fn any_of<'m>(types: impl Iterator<Item = &'m Descriptor>) -> Option<Regex> {
    let sources: Vec<String> = types
        .map(|t| format!("(?:{})", t.national_number().as_str()))
        .collect();
    (!sources.is_empty())
        .then(|| anchored_regex(&sources.join("|"), true))
        .flatten()
}

/// The number types of a region's metadata: fixed line, mobile, toll free and the others.
fn number_types(meta: &Metadata) -> [Option<&Descriptor>; 10] {
    let descriptors = meta.descriptors();
    [
        descriptors.fixed_line(),
        descriptors.mobile(),
        descriptors.premium_rate(),
        descriptors.toll_free(),
        descriptors.shared_cost(),
        descriptors.voip(),
        descriptors.personal_number(),
        descriptors.pager(),
        descriptors.uan(),
        descriptors.voicemail(),
    ]
}

/// The trunk prefix pattern of a region, anchored at the start of the number.
fn national_prefix(meta: &Metadata) -> Option<Regex> {
    match meta.national_prefix_for_parsing() {
        Some(re) => anchored_regex(re.as_str(), false),
        None => meta
            .national_prefix()
            .and_then(|p| anchored_regex(&regex::escape(p), false)),
    }
}

impl Pattern {
    fn compile(descriptor: &Descriptor) -> Option<Pattern> {
        Some(Pattern {
            regex: anchored_regex(descriptor.national_number().as_str(), true)?,
            lengths: descriptor.possible_length().to_vec(),
        })
    }

    /// True when the pattern allows numbers as long as `national` (any length when it names
    /// none).
    fn has_length_of(&self, national: &str) -> bool {
        self.lengths.is_empty()
            || u16::try_from(national.len()).is_ok_and(|len| self.lengths.contains(&len))
    }
}

/// Compiles a metadata pattern anchored at the start (and at the end when `whole`), with ASCII
/// classes. The metadata is the crate's own and always compiles; a pattern that did not would
/// match nothing.
fn anchored_regex(source: &str, whole: bool) -> Option<Regex> {
    let end = if whole { "$" } else { "" };
    RegexBuilder::new(&format!("^(?:{source}){end}"))
        .unicode(false)
        .ignore_whitespace(true)
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `phonenumber` crate's own verdict on a national number of `region`.
    fn crate_verdict(code: u16, national: &str) -> bool {
        phonenumber::parse(None, format!("+{code}{national}"))
            .is_ok_and(|number| phonenumber::is_valid(&number))
    }

    /// The example numbers of the metadata's main number types in `region`.
    fn examples(region: &str) -> Vec<String> {
        let meta = DATABASE.by_id(region).expect("region in metadata");
        let d = meta.descriptors();
        [d.fixed_line(), d.mobile(), d.toll_free(), d.voip()]
            .into_iter()
            .flatten()
            .filter_map(|descriptor| descriptor.example().map(str::to_owned))
            .collect()
    }

    /// The examples are valid, one digit fewer agrees with the crate, and one digit more is
    /// never valid unless the crate says so too (the crate matches a pattern's prefix where
    /// libphonenumber matches the whole number, so it accepts `120 123 456 5` in JP).
    #[test]
    fn agrees_with_the_phonenumber_crate_on_metadata_examples() {
        for region in [
            "US", "CA", "GB", "DE", "FR", "IT", "ES", "NL", "IN", "AU", "BR", "JP",
        ] {
            let code = calling_code(region).expect("calling code");
            let plan = country(code).expect("plan");
            for example in examples(region) {
                assert!(plan.is_valid(&example), "{region} {example}");
                let shorter = &example[..example.len() - 1];
                assert_eq!(
                    plan.is_valid(shorter),
                    crate_verdict(code, shorter),
                    "{region} {shorter}"
                );
                let longer = format!("{example}5");
                assert!(
                    !plan.is_valid(&longer) || crate_verdict(code, &longer),
                    "{region} {longer}"
                );
            }
        }
    }

    #[test]
    fn trunk_prefix_is_dropped_for_national_and_international_writing() {
        let gb = country(44).expect("GB plan");
        assert!(gb.is_valid_with_trunk("02079460958", Some("GB")));
        assert!(gb.is_valid_with_trunk("02079460958", None));
        assert!(!gb.is_valid("02079460958"));
        let us = country(1).expect("NANP plan");
        assert!(us.is_valid_with_trunk("14155552671", Some("US")));
    }

    #[test]
    fn calling_code_is_split_from_the_digits() {
        assert_eq!(split_calling_code("442079460958"), Some((44, "2079460958")));
        assert_eq!(split_calling_code("14155552671"), Some((1, "4155552671")));
        assert_eq!(
            split_calling_code("8801712345678"),
            Some((880, "1712345678"))
        );
        assert_eq!(split_calling_code(""), None);
    }
}
