//! Third-party checkers agree that spec/openapi.json is valid OpenAPI 3.1. They are installed
//! (pinned) by `cargo xtask test`; a missing checker fails the test rather than skipping it.

use std::path::PathBuf;
use std::process::Command;

use crate::support::project_root;

fn tool(rel: &str) -> PathBuf {
    let path = project_root().join(rel);
    assert!(
        path.exists(),
        "{rel} is not installed: run the tests with `cargo xtask test`, which installs the pinned checkers"
    );
    path
}

#[test]
fn redocly_recommended_rules_find_no_error() {
    let out = Command::new(tool("tools/node_modules/.bin/redocly"))
        .args([
            "lint",
            "spec/openapi.json",
            "--config",
            "redocly.yaml",
            "--format",
            "stylish",
        ])
        .current_dir(project_root())
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .expect("run redocly");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "redocly lint failed:\n{text}");
    assert!(text.contains("Your API description is valid"), "{text}");
}

#[test]
fn openapi_spec_validator_accepts_the_document() {
    let bin = if cfg!(windows) {
        ".venv/Scripts/openapi-spec-validator.exe"
    } else {
        ".venv/bin/openapi-spec-validator"
    };
    let out = Command::new(tool(bin))
        .arg("spec/openapi.json")
        .current_dir(project_root())
        .output()
        .expect("run openapi-spec-validator");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "openapi-spec-validator failed:\n{text}"
    );
    assert!(text.contains("OK"), "{text}");
}
