//! `docs/rules.md` is generated from `rules/*.toml`: this test regenerates it and compares.
//! Run with `PIIMAP_UPDATE_DOCS=1` to rewrite the file after changing a rule.

use crate::support::repo_root;

/// The table of every built-in rule: id, name, category, severity, validator and the
/// specification cited in the rule file's opening comment.
fn rules_markdown() -> String {
    let mut files: Vec<_> = std::fs::read_dir(repo_root().join("rules"))
        .expect("rules/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let tables: Vec<(String, toml::Table)> = files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("rule file readable");
            let table = toml::from_str(&text).expect("rule file is TOML");
            (text, table)
        })
        .collect();
    let mut out = rules_table(&tables);
    out.push_str(&test_values_table(&tables));
    out
}

/// The table of rules: one row per rule file.
fn rules_table(tables: &[(String, toml::Table)]) -> String {
    let mut out = String::from(
        "# Built-in rules\n\nGenerated from `rules/*.toml` by `tests/cli/rules_doc.rs`; do not edit.\n\n\
         | id | name | category | severity | validator | specification |\n|---|---|---|---|---|---|\n",
    );
    for (text, table) in tables {
        let field = |key: &str| {
            table
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let spec: Vec<&str> = text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| l.trim_start_matches('#').trim())
            .collect();
        let validator = match (
            field("validator").as_str(),
            field("field_validator").as_str(),
        ) {
            ("", _) => "-".to_string(),
            (v, "") => format!("`{v}`"),
            (v, looser) => format!("`{v}` (`{looser}` in fields named for it)"),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            field("id"),
            field("name"),
            field("category"),
            field("severity"),
            validator,
            spec.join(" ").replace('|', "\\|")
        ));
    }
    out
}

/// The known test values of every rule, each `[[test_values]]` entry with its source.
fn test_values_table(tables: &[(String, toml::Table)]) -> String {
    let mut out = String::from(
        "\n## Known test values\n\nReported with `\"test_value\": true` and a confidence of at most 0.2.\n\n\
         | id | values | source |\n|---|---|---|\n",
    );
    for (_, table) in tables {
        let id = table.get("id").and_then(|v| v.as_str()).unwrap_or("");
        let entries = table.get("test_values").and_then(|v| v.as_array());
        for entry in entries.into_iter().flatten() {
            let text = |key: &str| entry.get(key).and_then(|v| v.as_str()).unwrap_or("");
            let values: Vec<String> = match entry.get("values").and_then(|v| v.as_array()) {
                Some(list) => list
                    .iter()
                    .map(|v| format!("`{}`", v.as_str().unwrap_or("")))
                    .collect(),
                None => vec![format!("`{}`", text("pattern"))],
            };
            out.push_str(&format!(
                "| `{id}` | {} | {} |\n",
                values.join(" ").replace('|', "\\|"),
                text("source").replace('|', "\\|")
            ));
        }
    }
    out
}

#[test]
fn rules_doc_is_current() {
    let path = repo_root().join("docs/rules.md");
    let expected = rules_markdown();
    if std::env::var_os("PIIMAP_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("docs/rules.md writable");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is out of date: run `PIIMAP_UPDATE_DOCS=1 cargo test --test cli rules_doc`"
    );
}
