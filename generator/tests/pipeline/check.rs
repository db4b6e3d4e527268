//! Drift: everything checked in must equal what `cargo xtask regen` writes.

use std::process::Command;

use crate::support::{Sandbox, project_root};

#[test]
fn everything_checked_in_is_up_to_date() {
    if let Err(failure) = generator::check(&generator::Layout::new(project_root())) {
        panic!(
            "checked-in files are stale; run `cargo xtask regen` and review the diff:\n{failure}"
        );
    }
}

/// The project's spec and generated code, in a sandbox.
fn project_copy() -> Sandbox {
    Sandbox::with(&["spec", "alli-api/src/generated", "alli-api/public-api.txt"])
}

#[test]
fn a_hand_edit_of_a_generated_file_is_caught_and_reverting_fixes_it() {
    let sandbox = project_copy();
    let rel = "alli-api/src/generated/types.rs";
    let original = sandbox.read(rel);
    sandbox.write(
        rel,
        &original.replacen(
            "pub struct App {",
            "pub struct App {\n    pub hacked: bool,",
            1,
        ),
    );
    let failure = generator::check(&sandbox.layout()).expect_err("a hand edit is stale");
    let msg = failure.to_string();
    assert!(msg.contains("error[stale]: alli-api/src/generated/types.rs: stale: differs from what the pipeline produces"), "{msg}");
    assert!(msg.contains("-     pub hacked: bool,"), "{msg}");
    assert!(
        msg.contains("= note: run `cargo xtask regen` to bring it up to date"),
        "{msg}"
    );
    sandbox.write(rel, &original);
    generator::check(&sandbox.layout()).expect("reverted: up to date");
}

#[test]
fn a_hand_edit_of_a_fragment_is_caught() {
    let sandbox = project_copy();
    let rel = "spec/fragments/en/apps/post-webapi-apps.yaml";
    let original = sandbox.read(rel);
    sandbox.write(rel, &original.replacen("single_action", "multi_action", 1));
    let msg = generator::check(&sandbox.layout())
        .expect_err("stale")
        .to_string();
    assert!(
        msg.contains("error[stale]: spec/fragments/en/apps/post-webapi-apps.yaml: stale"),
        "{msg}"
    );
    sandbox.write(rel, &original);
    generator::check(&sandbox.layout()).expect("reverted: up to date");
}

#[test]
fn missing_and_extra_generated_files_are_listed() {
    let sandbox = project_copy();
    std::fs::remove_file(sandbox.path("alli-api/src/generated/apps.rs")).expect("remove");
    sandbox.write(
        "alli-api/src/generated/old.rs",
        "// a module no longer generated\n",
    );
    let msg = generator::check(&sandbox.layout())
        .expect_err("stale")
        .to_string();
    assert!(
        msg.contains(
            "error[stale]: alli-api/src/generated/apps.rs: missing: the pipeline produces this file"
        ),
        "{msg}"
    );
    assert!(msg.contains("error[stale]: alli-api/src/generated/old.rs: extra: the pipeline no longer produces this file"), "{msg}");
    // regen repairs both: the missing file is written, the extra one deleted.
    generator::regen(&sandbox.layout(), &[], None).expect("regen");
    assert!(!sandbox.path("alli-api/src/generated/old.rs").exists());
    generator::check(&sandbox.layout()).expect("up to date after regen");
}

#[test]
fn the_xtask_check_command_exits_1_on_drift_and_names_the_fix() {
    let xtask = |root: &std::path::Path| {
        Command::new(env!("CARGO"))
            .args(["run", "--quiet", "--package", "xtask", "--", "check"])
            .current_dir(project_root())
            .env("ALLI_PROJECT_ROOT", root)
            .output()
            .expect("run cargo xtask check")
    };
    let sandbox = project_copy();
    let clean = xtask(sandbox.root());
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
    assert!(String::from_utf8_lossy(&clean.stdout).contains("everything checked in is up to date"));
    sandbox.write("alli-api/src/generated/mod.rs", "// edited\n");
    let stale = xtask(sandbox.root());
    assert_eq!(stale.status.code(), Some(1));
    let err = String::from_utf8_lossy(&stale.stderr);
    assert!(
        err.contains("error[stale]: alli-api/src/generated/mod.rs: stale"),
        "{err}"
    );
    assert!(
        err.contains("run `cargo xtask regen` to bring it up to date"),
        "{err}"
    );
}
