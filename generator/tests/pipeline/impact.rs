//! A docs change, end to end: regen reports the API impact (breaking or not), the tree is
//! clean for `check`, and the regenerated crate compiles.

use std::process::Command;

use crate::support::{Sandbox, project_root};
use serde_json::Value;

/// Applies `edit` to every JSON block of a docs page.
fn edit_blocks(sandbox: &Sandbox, page: &str, mut edit: impl FnMut(&mut Value)) {
    let text = sandbox.read(page);
    let out: Vec<String> = text
        .lines()
        .map(|line| {
            if !line.starts_with('{') {
                return line.to_owned();
            }
            let mut v: Value = serde_json::from_str(line).expect("block");
            edit(&mut v);
            serde_json::to_string(&v).expect("json")
        })
        .collect();
    sandbox.write(page, &(out.join("\n") + "\n"));
}

#[test]
fn a_docs_change_gives_an_impact_report_a_clean_check_and_a_compiling_crate() {
    let sandbox = Sandbox::with(&["spec", "alli-api", "Cargo.lock"]);
    // A workspace of alli-api alone.
    let manifest = std::fs::read_to_string(project_root().join("Cargo.toml")).expect("manifest");
    let manifest: String = manifest
        .lines()
        .filter(|l| !l.starts_with("default-members"))
        .map(|l| {
            if l.starts_with("members") {
                r#"members = ["alli-api"]"#
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    sandbox.write("Cargo.toml", &manifest);

    // 1. A new endpoint on the apps page.
    let apps = sandbox.read("spec/docs/en/apps.md");
    let block = r#"{"openapi":"3.1.0","info":{"title":"Alli API Documentation","version":"1.0.0"},"tags":[{"name":"apps","description":"App related APIs"}],"servers":[{"url":"https://backend.alli.ai","description":"US"}],"security":[{"ApiKeyAuth":[]}],"components":{"securitySchemes":{"ApiKeyAuth":{"type":"apiKey","in":"header","name":"API-KEY","description":"Your API key for authentication"}}},"paths":{"/webapi/apps/{app_id}/archive":{"post":{"tags":["apps"],"operationId":"archiveApp","summary":"Archive App","parameters":[{"name":"app_id","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"type":"object","properties":{"archived":{"type":"boolean"}}}}}}}}}}}"#;
    sandbox.write(
        "spec/docs/en/apps.md",
        &format!("{apps}\n## Archive App\n\n```json\n{block}\n```\n"),
    );
    // 2. A new enum value, in every block that defines the enum.
    edit_blocks(&sandbox, "spec/docs/en/apps.md", |v| {
        if let Some(Value::Array(values)) =
            v.pointer_mut("/components/schemas/ObjectAccessType/enum")
        {
            values.push(Value::from("order_3_viewer"));
        }
    });
    // 3. A removed field, on both locales (they must agree).
    for page in [
        "spec/docs/en/conversations.md",
        "spec/docs/ko/conversations.md",
    ] {
        edit_blocks(&sandbox, page, |v| {
            if let Some(Value::Object(c)) = v.pointer_mut("/components/schemas/Conversation") {
                if let Some(Value::Object(props)) = c.get_mut("properties") {
                    props.shift_remove("memo");
                }
                if let Some(Value::Array(req)) = c.get_mut("required") {
                    req.retain(|r| r != "memo");
                }
            }
        });
    }

    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    let impact = applied.impact.expect("an impact report");
    let text = impact.to_string();
    assert!(impact.is_breaking(), "{text}");
    assert!(
        text.contains("breaking: removed field types::Conversation.memo"),
        "{text}"
    );
    assert!(
        text.contains(
            "added:    new operation apps().archive (POST /webapi/apps/{app_id}/archive)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "added:    new enum value types::ObjectAccessType::Order3Viewer (\"order_3_viewer\")"
        ),
        "{text}"
    );
    assert!(
        text.contains("added:    new type types::ArchiveAppResponse"),
        "{text}"
    );
    let breaking: Vec<_> = impact.changes.iter().filter(|c| c.breaking).collect();
    assert_eq!(
        breaking.len(),
        1,
        "only the removal breaks callers:\n{text}"
    );

    generator::check(&sandbox.layout()).expect("a clean check after regen");

    let out = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "-p", "alli-api", "--lib"])
        .current_dir(sandbox.root())
        .env(
            "CARGO_TARGET_DIR",
            project_root().join("target/impact-test"),
        )
        .output()
        .expect("cargo check");
    assert!(
        out.status.success(),
        "the regenerated crate does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
