//! The corpus sample: a fixed set of third-party OpenAPI documents (`corpus/ci-sample.txt`,
//! from the pinned `@readme/oas-examples`, each chosen for a feature) split into docs pages,
//! regenerated and built in a scratch workspace, exactly as `cargo xtask corpus` does. Fails
//! when a document stops before the stage the file says it reaches (a regression), or when the
//! generator panics. Installs the documents itself (`npm ci --prefix tools/corpus/oas-examples`).

use std::process::Command;

#[test]
fn the_corpus_sample_reaches_its_expected_stages() {
    let root = corpus::workspace_root();
    let out = root.join("target/corpus/ci-sample");
    let run = Command::new(env!("CARGO_BIN_EXE_corpus"))
        .arg("--expect")
        .arg(root.join("corpus/ci-sample.txt"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run the corpus binary");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "corpus sample regressed (details: {}):\n{stdout}\n{stderr}",
        out.join("summary.md").display()
    );
    // Every listed document ran and was reported.
    let expected = corpus::parse_expectations(
        &std::fs::read_to_string(root.join("corpus/ci-sample.txt")).expect("ci-sample.txt"),
    )
    .expect("parses");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("report.json")).expect("report.json written"),
    )
    .expect("report.json parses");
    let documents = report["documents"].as_array().expect("documents");
    assert_eq!(documents.len(), expected.len(), "{stdout}");
    for e in &expected {
        assert!(
            documents.iter().any(|d| d["id"] == e.id.as_str()),
            "{} missing from the report",
            e.id
        );
    }
    println!("{stdout}");
}
