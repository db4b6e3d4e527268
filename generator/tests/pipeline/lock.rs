//! `spec/api.lock`: a reorganization of the docs renames nothing; renames are explicit and
//! keep a deprecated alias; a moved endpoint keeps its names; a stale lock fails `check`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{Sandbox, project_root};

const CONVERSATIONS: [&str; 2] = [
    "spec/docs/en/conversations.md",
    "spec/docs/ko/conversations.md",
];
const APPS: &str = "spec/docs/en/apps.md";

/// A program of a downstream crate that names much of the API.
const DOWNSTREAM: &str = r#"#![allow(deprecated)]
use alli_api::{Client, types};

async fn calls(client: &Client) -> alli_api::Result<()> {
    let _apps: types::AppsResponse = client.apps().list().page_size(10).send().await?;
    let _builder: alli_api::apps::ListApps = client.apps().list();
    let _app: types::App = client.apps().get("a").send().await?;
    let _legacy = client.apps().list_legacy().send().await?;
    let _conversation: types::Conversation = client.conversations().get("c").send().await?;
    let _ = client.conversations().update("c").title("t").send().await?;
    let _ = client
        .apps()
        .run("a")
        .chat(types::RunAppChat::new().message("hi"))
        .send()
        .await?;
    Ok(())
}

/// A downstream test's rules on the mock name its per-operation items too.
fn rules(mock: &alli_api::mock::MockAlli) {
    let _rule: alli_api::mock::apps::ListApps = mock.apps().list().search_term("hr");
    let _descriptor: &alli_api::mock::Operation = &alli_api::mock::operations::APPS_LIST;
    let _ = mock
        .conversations()
        .get("c")
        .fails(429, alli_api::serde_json::json!({"detail": "slow down"}))
        .times(1);
}

fn main() {
    let _ = calls;
    let _ = rules;
}
"#;

/// A sandbox holding the project and a downstream crate using `alli-api`.
fn project() -> Sandbox {
    let sandbox = crate::impact::project();
    sandbox.workspace_of(&["alli-api", "downstream"]);
    sandbox.write(
        "downstream/Cargo.toml",
        "[package]\nname = \"downstream\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nalli-api = { path = \"../alli-api\", features = [\"mock\"] }\n",
    );
    sandbox.write("downstream/src/main.rs", DOWNSTREAM);
    sandbox
}

/// `cargo check` of the downstream crate against the sandbox's `alli-api`.
fn downstream_compiles(sandbox: &Sandbox) -> Result<(), String> {
    let _cargo = crate::support::shared_target();
    sandbox.touch_sources();
    let out = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "-p", "downstream"])
        .current_dir(sandbox.root())
        .env(
            "CARGO_TARGET_DIR",
            project_root().join("target/impact-test"),
        )
        .output()
        .expect("cargo check");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Applies `edit` to every JSON block of a page.
fn edit_blocks(sandbox: &Sandbox, page: &str, edit: impl FnMut(&mut Value)) {
    sandbox.edit_blocks(&[page], edit);
}

/// Every operation object of a block.
fn operations(v: &mut Value) -> Vec<&mut serde_json::Map<String, Value>> {
    let mut out = Vec::new();
    if let Some(Value::Object(paths)) = v.get_mut("paths") {
        for item in paths.values_mut() {
            if let Value::Object(item) = item {
                for (_, op) in item.iter_mut() {
                    if let Value::Object(op) = op {
                        out.push(op);
                    }
                }
            }
        }
    }
    out
}

#[test]
fn a_reorganized_docs_set_renames_nothing() {
    let sandbox = project();
    let listing_before = sandbox.read("alli-api/public-api.txt");
    downstream_compiles(&sandbox).expect("the downstream program compiles before");
    let pages: Vec<&str> = CONVERSATIONS.iter().copied().chain([APPS]).collect();
    for page in &pages {
        edit_blocks(&sandbox, page, |v| {
            // The tag `apps` is now `applications`.
            if let Some(Value::Array(tags)) = v.get_mut("tags") {
                for t in tags {
                    if t["name"] == "apps" {
                        t["name"] = Value::from("applications");
                    }
                }
            }
            for op in operations(v) {
                if let Some(Value::Array(tags)) = op.get_mut("tags") {
                    for t in tags.iter_mut() {
                        if t == "apps" {
                            *t = Value::from("applications");
                        }
                    }
                }
                // The server framework moved every handler: new module paths.
                if let Some(Value::String(id)) = op.get_mut("operationId") {
                    *id = match id.strip_prefix("django_server_llm_app_views_rest_") {
                        Some(rest) => format!("platform_core_views_rest_v2_{rest}"),
                        None => format!("platform_core_api_{id}"),
                    };
                }
                // Every summary reworded.
                if let Some(Value::String(s)) = op.get_mut("summary") {
                    *s = format!("{s} (reworded)");
                }
            }
        });
    }
    // The legacy app listing moves to a page of its own.
    let apps = sandbox.read(APPS);
    let (head, rest) = apps
        .split_once("\n## GET /webapi/apps\n")
        .expect("the legacy section");
    let (section, tail) = rest.split_once("\n## ").expect("a next section");
    sandbox.write(APPS, &format!("{head}\n## {tail}"));
    sandbox.write(
        "spec/docs/en/legacy.md",
        &format!("# Legacy\n\n## GET /webapi/apps\n{section}\n"),
    );

    let outputs = generator::run(&sandbox.layout(), &[]).expect("regen");
    let listing_after = &outputs.files.files()[Path::new("alli-api/public-api.txt")];
    assert_eq!(
        listing_after, &listing_before,
        "the public API changed with a reorganization of the docs"
    );
    let impact = generator::api_impact(&sandbox.layout(), &outputs).expect("an impact report");
    assert!(impact.changes.is_empty(), "{impact}");
    generator::regen(&sandbox.layout(), &[], None).expect("regen writes");
    downstream_compiles(&sandbox).expect("the same downstream program compiles after");
}

#[test]
fn a_rename_in_the_lock_keeps_a_deprecated_alias_until_it_is_dropped() {
    let sandbox = project();
    let lock = sandbox.read("spec/api.lock");
    let renamed = lock.replacen(
        "  GET /webapi/v2/apps:\n    resource: apps\n    method: list\n",
        "  GET /webapi/v2/apps:\n    resource: apps\n    method: list_all\n",
        1,
    );
    assert_ne!(lock, renamed, "the lock names `apps().list`");
    let renamed = renamed.replacen(
        "\"#/components/schemas/App\": App\n",
        "\"#/components/schemas/App\": Application\n",
        1,
    );
    sandbox.write("spec/api.lock", &renamed);
    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    let impact = applied.impact.expect("impact");
    let text = impact.to_string();
    assert!(!impact.is_breaking(), "{text}");
    assert!(text.contains("renamed:"), "{text}");
    assert!(
        applied
            .name_notes
            .iter()
            .any(|n| n.contains("renamed: apps().list → list_all")),
        "{:?}",
        applied.name_notes
    );
    let lock = sandbox.read("spec/api.lock");
    assert!(
        lock.contains("    method-aliases:\n      - list\n"),
        "{lock}"
    );
    assert!(
        lock.contains("    name: Application\n    aliases:\n      - App\n"),
        "{lock}"
    );
    let apps = sandbox.read("alli-api/src/generated/apps.rs");
    assert!(
        apps.contains("#[deprecated(note = \"renamed to `list_all`\")]"),
        "{apps}"
    );
    // The program written against the old names still compiles.
    downstream_compiles(&sandbox).expect("the old names still work");
    generator::check(&sandbox.layout()).expect("a clean check");

    // The maintainer drops the alias: now it is a breaking removal.
    let lock = sandbox
        .read("spec/api.lock")
        .replacen("    method-aliases:\n      - list\n", "", 1);
    sandbox.write("spec/api.lock", &lock);
    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    let impact = applied.impact.expect("impact");
    assert!(impact.is_breaking(), "{impact}");
    assert!(
        impact
            .to_string()
            .contains("removed fn alli_api::apps::Apps::list(&self)"),
        "{impact}"
    );
    let err = downstream_compiles(&sandbox).expect_err("the old name is gone");
    assert!(err.contains("no method named `list`"), "{err}");
}

#[test]
fn an_override_renames_with_an_alias() {
    let sandbox = project();
    let overrides = sandbox.read("spec/overrides.yaml").replacen(
        "x-rust-name: list_legacy",
        "x-rust-name: list_v1",
        1,
    );
    sandbox.write("spec/overrides.yaml", &overrides);
    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    let impact = applied.impact.expect("impact");
    assert!(!impact.is_breaking(), "{impact}");
    assert!(
        applied
            .name_notes
            .iter()
            .any(|n| n.contains("renamed: apps().list_legacy → list_v1 by x-rust-name")),
        "{:?}",
        applied.name_notes
    );
    downstream_compiles(&sandbox).expect("the old name still works");
}

#[test]
fn a_moved_endpoint_keeps_its_names() {
    let sandbox = Sandbox::with(&["spec", "alli-api"]);
    let before = sandbox.read("alli-api/public-api.txt");
    edit_blocks(&sandbox, APPS, |v| {
        if let Some(Value::Object(paths)) = v.get_mut("paths") {
            if let Some(item) = paths.remove("/webapi/v2/apps/{app_id}") {
                paths.insert("/webapi/v3/apps/{app_id}".to_owned(), item);
            }
        }
    });
    let outputs = generator::run(&sandbox.layout(), &[]).expect("regen");
    let notes = outputs
        .generated
        .as_ref()
        .map(|g| g.name_notes.clone())
        .unwrap_or_default();
    assert!(
        notes.iter().any(|n| n.contains(
            "moved: GET /webapi/v2/apps/{app_id} → GET /webapi/v3/apps/{app_id} keeps apps().get"
        )),
        "{notes:?}"
    );
    let after = &outputs.files.files()[Path::new("alli-api/public-api.txt")];
    // Only the operation's note (its new path) differs.
    let strip = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| l.split("  // ").next().unwrap_or(l).to_owned())
            .collect()
    };
    assert_eq!(strip(after), strip(&before));
}

#[test]
fn a_stale_lock_fails_check_and_removals_are_listed() {
    let sandbox = Sandbox::with(&["spec", "alli-api/src/generated", "alli-api/public-api.txt"]);
    for page in CONVERSATIONS {
        let text = sandbox.read(page);
        let needle = "\"paths\":{\"/webapi/v2/conversations/{conversation_id}/chats/{chat_id}\"";
        let kept: Vec<&str> = text
            .split("\n## ")
            .filter(|s| !s.contains(needle))
            .collect();
        sandbox.write(page, &kept.join("\n## "));
    }
    let failure = generator::check(&sandbox.layout()).expect_err("the lock is stale");
    let text = failure.to_string();
    assert!(text.contains("spec/api.lock"), "{text}");
    assert!(text.contains("cargo xtask regen"), "{text}");
    let outputs = generator::run(&sandbox.layout(), &[]).expect("regen");
    let notes = outputs.generated.map(|g| g.name_notes).unwrap_or_default();
    assert!(
        notes.iter().any(|n| n.contains(
            "removed from the lock: DELETE /webapi/v2/conversations/{conversation_id}/chats/{chat_id} (conversations().delete_chat)"
        )),
        "{notes:?}"
    );
}
