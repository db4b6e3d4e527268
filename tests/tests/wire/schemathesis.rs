//! Schemathesis (pinned in `tools/requirements-schemathesis.txt`, installed into `.venv-st/`
//! by `cargo xtask test`) against `alli_api::mock` in auto-respond mode: every operation of
//! `spec/openapi.json`, thousands of generated requests (deterministic, 20 examples per
//! operation and phase), and no answer that breaks the document: no 5xx, every documented
//! response body valid against its schema with its documented content type, and every valid
//! request accepted (`positive_data_acceptance`: the mock must not refuse what the API
//! accepts).
//!
//! Schemathesis' `negative_data_rejection` check is left out: it counts a "number" sent in a
//! string-typed query parameter as invalid data, but on the wire both are the same text, so
//! the check reports requests every server must accept. The mock's rejection of invalid
//! requests is tested in `mock.rs`.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use alli_api::mock::MockAlli;
use alli_api::mock::OPENAPI;
use alli_api_tests::prism::{spec_path, workspace_root};

/// `.venv-st/bin/schemathesis`; panics, telling how to install it, when it is missing (a
/// conformance test must never pass by skipping).
fn schemathesis_bin() -> PathBuf {
    let bin = workspace_root().join(if cfg!(windows) {
        ".venv-st/Scripts/schemathesis.exe"
    } else {
        ".venv-st/bin/schemathesis"
    });
    if !bin.exists() {
        panic!(
            "schemathesis is not installed: {} does not exist. Run `cargo xtask test` (it \
             installs tools/requirements-schemathesis.txt into .venv-st/), then run the tests \
             again.",
            bin.display()
        );
    }
    bin
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_answer_of_the_mock_that_breaks_the_document() {
    let bin = schemathesis_bin();
    let mock = MockAlli::builder(OPENAPI)
        .allow_invalid_requests(true)
        .verify_on_drop(false)
        .start()
        .await
        .expect("the mock starts");
    let url = mock.url().to_owned();
    let scratch = std::env::temp_dir().join(format!("alli-schemathesis-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    let mut command = Command::new(&bin);
    command
        .arg("run")
        .arg(spec_path())
        .args(["--url", &url])
        .args(["-H", "API-KEY: schemathesis"])
        .args([
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance,\
             positive_data_acceptance",
        ])
        .args(["--max-examples", "20", "--generation-deterministic"])
        .args(["--workers", "1", "--request-timeout", "20", "--no-color"])
        // Writes nothing into the workspace (no report, no example database).
        .current_dir(&scratch)
        .stdin(Stdio::null());
    let shown = format!("{command:?}");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the blocking task ran")
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    let _ = std::fs::remove_dir_all(&scratch);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "schemathesis found problems ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("22 selected / 22 total"), "{stdout}");
    assert!(stdout.contains("No issues found"), "{stdout}");
    let requests = mock.received_requests();
    assert!(requests.len() > 1000, "only {} requests", requests.len());
    // Every operation was answered from its schema at least once.
    let answered: std::collections::BTreeSet<&str> = requests
        .iter()
        .filter(|r| r.status().is_some_and(|s| (200..300).contains(&s)))
        .filter_map(|r| r.operation())
        .collect();
    assert_eq!(answered.len(), 22, "{answered:?}");
}
