//! Helpers shared by the integration tests: the binary, fixture paths, the shared corpora.

use std::path::PathBuf;

use assert_cmd::Command;

/// `piimap` with the given arguments, progress bar off when scanning.
pub fn piimap(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("piimap").expect("binary built by cargo");
    cmd.args(args);
    if args.first() == Some(&"scan") {
        cmd.arg("--no-progress");
    }
    cmd
}

/// Path of a file under `fixtures/`.
pub fn fixture(relative: &str) -> String {
    repo_root()
        .join("fixtures")
        .join(relative)
        .display()
        .to_string()
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpora` beside the repository, or `None` (with a note printed) when this checkout
/// has no shared corpora, as in a user's fresh clone.
pub fn corpora(test: &str) -> Option<PathBuf> {
    let dir = repo_root().join("..").join("shared").join("corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped {test}: ../shared/corpora not found");
        None
    }
}

/// Runs a scan and parses its JSON report; returns (exit code, report).
pub fn scan_json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let output = piimap(&all).output().expect("piimap runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}
