//! The impact report against an independent check: for each docs change of a test set,
//! cargo-semver-checks compares the committed crate with the regenerated one, and the two must
//! agree on "breaking or not". A disagreement names the items each side reported.
//!
//! Cost: the committed crate's rustdoc JSON is built once and reused; each case regenerates in
//! memory, writes a scratch copy of the crate and builds its rustdoc JSON in the target dir
//! the other sandbox builds share (`target/impact-test`: dependencies built once), then the
//! tool compares the two JSON files. The case list runs in one test, printing its timings.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use generator::semver::{self, Scratch, Verdict};

use crate::impact::{
    APPS, CONVERSATIONS, PROJECT, add_archive_operation, edit_schema, remove_endpoint,
};
use crate::support::{Sandbox, project_root};

/// A docs change and what it must be.
struct Case {
    name: &'static str,
    breaking: bool,
    /// A disagreement known and reported: the test then requires exactly it, so the day one
    /// side learns to see the change the test fails and the case joins the agreeing ones.
    blind_spot: Option<Blind>,
    edit: fn(&Sandbox),
}

/// Which side cannot see a change, and why.
#[derive(Clone, Copy)]
enum Blind {
    /// cargo-semver-checks has no lint for the change: the impact report alone says breaking.
    SemverChecks(&'static str),
}

const CASES: &[Case] = &[
    Case {
        name: "request field optional → required",
        breaking: true,
        blind_spot: None,
        edit: |s| {
            edit_schema(
                s,
                &CONVERSATIONS,
                "/components/schemas/ConversationInfoRequest",
                |schema| schema["required"] = serde_json::json!(["title"]),
            );
        },
    },
    Case {
        name: "type change of a query parameter (integer → string)",
        breaking: true,
        blind_spot: Some(Blind::SemverChecks(
            "no lint compares parameter types; `impl Into<String>` is a synthetic generic \
             parameter, which the generic-parameter lints leave out",
        )),
        edit: |s| {
            crate::impact::edit_blocks(s, &APPS, |v| {
                let params = v.pointer_mut("/paths/~1webapi~1v2~1apps/get/parameters");
                for p in params.and_then(|p| p.as_array_mut()).into_iter().flatten() {
                    if p["name"] == "pageSize" {
                        p["schema"] = serde_json::json!({"type": "string"});
                    }
                }
            });
        },
    },
    Case {
        name: "type change of a response field (integer → string)",
        breaking: true,
        blind_spot: Some(Blind::SemverChecks(
            "no lint compares the types of struct fields",
        )),
        edit: |s| {
            edit_schema(
                s,
                &CONVERSATIONS,
                "/components/schemas/Conversation/properties/chatCount",
                |p| *p = serde_json::json!({"type": "string"}),
            );
        },
    },
    Case {
        name: "type change of a schema (object → string): its struct goes",
        breaking: true,
        blind_spot: None,
        edit: |s| {
            edit_schema(
                s,
                &CONVERSATIONS,
                "/components/schemas/ChatInputSource",
                |c| {
                    *c = serde_json::json!({"type": "string", "description": "Where the input came from"});
                },
            );
        },
    },
    Case {
        name: "enum value removed",
        breaking: true,
        blind_spot: None,
        edit: |s| {
            edit_schema(s, &APPS, "/components/schemas/ObjectAccessType/enum", |e| {
                *e = serde_json::json!(["order_1_editor"]);
            });
        },
    },
    Case {
        name: "enum value added",
        breaking: false,
        blind_spot: None,
        edit: |s| {
            edit_schema(s, &APPS, "/components/schemas/ObjectAccessType/enum", |e| {
                *e = serde_json::json!(["order_1_editor", "order_2_reader", "order_3_viewer"]);
            });
        },
    },
    Case {
        name: "operation removed",
        breaking: true,
        blind_spot: None,
        edit: |s| {
            remove_endpoint(
                s,
                &CONVERSATIONS,
                "/webapi/v2/conversations/{conversation_id}/chats/{chat_id}",
            );
        },
    },
    Case {
        name: "operation added",
        breaking: false,
        blind_spot: None,
        edit: add_archive_operation,
    },
    Case {
        name: "response field added",
        breaking: false,
        blind_spot: None,
        edit: |s| {
            edit_schema(s, &APPS, "/components/schemas/App/properties", |p| {
                p["archived"] = serde_json::json!({"type": "boolean"});
            });
        },
    },
    Case {
        name: "request field added",
        breaking: false,
        blind_spot: None,
        edit: |s| {
            edit_schema(
                s,
                &APPS,
                "/components/schemas/UpdateAppRequest/properties",
                |p| p["archived"] = serde_json::json!({"type": "boolean"}),
            );
        },
    },
    Case {
        name: "rename with a deprecated alias (a method and a type, in spec/api.lock)",
        breaking: false,
        blind_spot: None,
        edit: |s| {
            let lock = s.read("spec/api.lock");
            let renamed = lock
                .replacen(
                    "  GET /webapi/v2/apps:\n    resource: apps\n    method: list\n",
                    "  GET /webapi/v2/apps:\n    resource: apps\n    method: list_all\n",
                    1,
                )
                .replacen(
                    "\"#/components/schemas/App\": App\n",
                    "\"#/components/schemas/App\": Application\n",
                    1,
                );
            assert_ne!(lock, renamed, "the lock names `apps().list` and `App`");
            s.write("spec/api.lock", &renamed);
        },
    },
];

/// The tool, installed by `cargo xtask test`.
fn tool() -> PathBuf {
    semver::installed(&project_root()).unwrap_or_else(|| {
        panic!(
            "cargo-semver-checks {} is not installed in {}. Run `cargo xtask test` (it installs it \
             first) or `cargo xtask check --impact`.",
            semver::VERSION,
            semver::install_root(&project_root()).display()
        )
    })
}

/// Where this test keeps its scratch copies and JSON files.
fn work_dir() -> PathBuf {
    project_root().join(format!("target/semver-test/run-{}", std::process::id()))
}

/// The target dir of these rustdoc builds, kept between runs so dependencies are built once.
/// Not the other sandboxes' `target/impact-test`: rustdoc JSON needs `RUSTC_BOOTSTRAP`, and
/// builds with and without it must not take turns invalidating each other.
fn target_dir() -> PathBuf {
    project_root().join("target/semver-test/target")
}

/// The items a verdict names, one line each.
fn lint_lines(verdict: &Verdict) -> Vec<String> {
    verdict
        .lints
        .iter()
        .filter(|l| l.major)
        .flat_map(|l| l.items.iter().map(move |i| format!("{}: {i}", l.id)))
        .collect()
}

/// A copy of what regen and a build of the crate read: the workspace manifest and the
/// project ([`PROJECT`]: spec, lock, the crate and the runtime it depends on).
fn workspace_copy() -> Sandbox {
    Sandbox::with(&[&["Cargo.toml"][..], &PROJECT[..]].concat())
}

#[test]
fn the_impact_report_and_cargo_semver_checks_agree_on_every_docs_change() {
    let bin = tool();
    let work = work_dir();
    let _ = std::fs::remove_dir_all(&work);
    let started = Instant::now();
    let baseline_json = work.join("baseline.json");
    let baseline_doc = {
        let baseline = Scratch::copy_of(&project_root(), "alli-api", &work.join("baseline"))
            .expect("copy of the committed crate");
        baseline
            .rustdoc_json("alli-api", &target_dir(), &baseline_json)
            .expect("rustdoc JSON of the committed crate")
    };
    let mut disagreements = Vec::new();
    let mut timings: Vec<(&str, Duration, Duration, Duration)> = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let sandbox = workspace_copy();
        (case.edit)(&sandbox);
        let regen_started = Instant::now();
        let outputs = generator::run(&sandbox.layout(), &[]).expect("regen");
        let regen = regen_started.elapsed();
        let impact = outputs.impact.clone().expect("an impact report");
        assert!(!impact.changes.is_empty(), "{}: no change", case.name);
        let current_json = work.join(format!("case-{i}.json"));
        let doc = {
            let current = semver::regenerated(
                &sandbox.layout(),
                &outputs.files,
                &work.join(format!("case-{i}")),
            )
            .expect("scratch copy of the regenerated crate");
            current
                .rustdoc_json("alli-api", &target_dir(), &current_json)
                .unwrap_or_else(|e| panic!("{}: {e}", case.name))
        };
        let verdict = semver::compare(&bin, &baseline_json, &current_json)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        timings.push((case.name, regen, doc, verdict.elapsed));
        let ours = impact.is_breaking();
        let theirs = verdict.is_breaking();
        if ours != case.breaking {
            disagreements.push(format!(
                "{}: the impact report says {}, the policy says {}:\n{impact}",
                case.name,
                word(ours),
                word(case.breaking)
            ));
        }
        match case.blind_spot {
            None if ours != theirs => disagreements.push(format!(
                "{}: the impact report says {}, cargo-semver-checks says {}:\n{}",
                case.name,
                word(ours),
                word(theirs),
                named(&impact, &verdict, ours).join("\n")
            )),
            None => {}
            Some(Blind::SemverChecks(why)) => {
                let lints = lint_lines(&verdict);
                let exactly = ours && !theirs;
                if exactly {
                    eprintln!(
                        "  {}: known disagreement ({why}):\n{}",
                        case.name,
                        named(&impact, &verdict, ours).join("\n")
                    );
                } else {
                    disagreements.push(format!(
                        "{}: expected the known disagreement ({why}); now the impact report says \
                         {}, cargo-semver-checks says {}: if the gap is closed, make it an \
                         agreeing case\n{}",
                        case.name,
                        word(ours),
                        word(theirs),
                        lints.join("\n")
                    ));
                }
            }
        }
    }
    eprintln!(
        "semver agreement: {} cases in {:.1} s; committed crate's rustdoc JSON {:.1} s",
        CASES.len(),
        started.elapsed().as_secs_f64(),
        baseline_doc.as_secs_f64()
    );
    for (name, regen, doc, compare) in &timings {
        eprintln!(
            "  {name}: regen {:.1} s, rustdoc JSON {:.1} s, cargo-semver-checks {:.1} s",
            regen.as_secs_f64(),
            doc.as_secs_f64(),
            compare.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n\n"));
}

/// The items behind a disagreement: the impact report's breaking changes when it is the one
/// that says breaking, else cargo-semver-checks's major lints.
fn named(impact: &generator::impact::Impact, verdict: &Verdict, ours: bool) -> Vec<String> {
    if ours {
        impact
            .changes
            .iter()
            .filter(|c| c.breaking)
            .map(|c| format!("    impact only: {}", c.what))
            .collect()
    } else {
        lint_lines(verdict)
            .into_iter()
            .map(|l| format!("    cargo-semver-checks only: {l}"))
            .collect()
    }
}

fn word(breaking: bool) -> &'static str {
    if breaking { "breaking" } else { "not breaking" }
}

#[test]
fn a_scratch_copy_is_the_crate_with_the_run_written_over_it() {
    let sandbox = workspace_copy();
    remove_endpoint(
        &sandbox,
        &CONVERSATIONS,
        "/webapi/v2/conversations/{conversation_id}/chats/{chat_id}",
    );
    let outputs = generator::run(&sandbox.layout(), &[]).expect("regen");
    let dir = sandbox.path("scratch");
    let scratch = semver::regenerated(&sandbox.layout(), &outputs.files, &dir).expect("copy");
    let read = |rel: &str| std::fs::read_to_string(scratch.root().join(rel)).expect(rel);
    let generated = "alli-api/src/generated/conversations.rs";
    assert_eq!(
        read(generated),
        outputs
            .files
            .get(Path::new(generated))
            .expect("generated module")
    );
    assert!(!read(generated).contains("DeleteChat"));
    assert!(read("Cargo.toml").contains("members = [\"alli-api\"]"));
    assert!(read("alli-api/Cargo.toml").contains("version = \"0.2.0\""));
    assert!(scratch.root().join("alli-api/src/lib.rs").is_file());
    // The runtime the crate depends on by path comes along (cargo makes it a member).
    assert!(scratch.root().join("alli-api-runtime/src/lib.rs").is_file());
    assert!(scratch.root().join("alli-api-runtime/Cargo.toml").is_file());
}
