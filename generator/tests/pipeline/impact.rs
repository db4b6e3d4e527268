//! Docs changes, end to end: for each, regen's impact report names exactly the public items a
//! downstream user can observe changing — signatures, setters, constructors, trait impls,
//! fields, variants — classified breaking or not, and the listing it compares is the code the
//! emitter printed (checked with syn). One combined change also regenerates into a crate that
//! compiles, with a clean `check` afterwards.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use generator::impact::Impact;
use serde_json::Value;

use crate::support::{Sandbox, project_root};
use crate::surface::differences;

pub(crate) const CONVERSATIONS: [&str; 2] = [
    "spec/docs/en/conversations.md",
    "spec/docs/ko/conversations.md",
];
pub(crate) const APPS: [&str; 1] = ["spec/docs/en/apps.md"];

/// What regen reads and writes, and the runtime crate (to build the crate).
pub(crate) const PROJECT: [&str; 4] = ["spec", "alli-api", "alli-api-runtime", "Cargo.lock"];

/// A sandbox holding [`PROJECT`].
pub(crate) fn project() -> Sandbox {
    Sandbox::with(&PROJECT)
}

/// Applies `edit` to every JSON block of the pages.
pub(crate) fn edit_blocks(sandbox: &Sandbox, pages: &[&str], edit: impl FnMut(&mut Value)) {
    sandbox.edit_blocks(pages, edit);
}

/// Removes the endpoint sections (heading and block) whose block documents `path`.
pub(crate) fn remove_endpoint(sandbox: &Sandbox, pages: &[&str], path: &str) {
    let needle = format!("\"paths\":{{\"{path}\"");
    for page in pages {
        let text = sandbox.read(page);
        let mut sections: Vec<String> = Vec::new();
        for part in text.split("\n## ") {
            if !part.contains(&needle) {
                sections.push(part.to_owned());
            }
        }
        sandbox.write(page, &sections.join("\n## "));
    }
}

/// Edits the schema at `pointer` (below each block's root) wherever a block defines it.
pub(crate) fn edit_schema(
    sandbox: &Sandbox,
    pages: &[&str],
    pointer: &str,
    mut edit: impl FnMut(&mut Value),
) {
    edit_blocks(sandbox, pages, |v| {
        if let Some(s) = v.pointer_mut(pointer) {
            edit(s);
        }
    });
}

/// Adds `POST /webapi/apps/{app_id}/archive` to the apps page.
pub(crate) fn add_archive_operation(sandbox: &Sandbox) {
    let apps = sandbox.read(APPS[0]);
    let block = r#"{"openapi":"3.1.0","info":{"title":"Alli API Documentation","version":"1.0.0"},"tags":[{"name":"apps","description":"App related APIs"}],"servers":[{"url":"https://backend.alli.ai","description":"US"}],"security":[{"ApiKeyAuth":[]}],"components":{"securitySchemes":{"ApiKeyAuth":{"type":"apiKey","in":"header","name":"API-KEY","description":"Your API key for authentication"}}},"paths":{"/webapi/apps/{app_id}/archive":{"post":{"tags":["apps"],"operationId":"archiveApp","summary":"Archive App","parameters":[{"name":"app_id","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"type":"object","properties":{"archived":{"type":"boolean"}}}}}}}}}}}"#;
    sandbox.write(
        APPS[0],
        &format!("{apps}\n## Archive App\n\n```json\n{block}\n```\n"),
    );
}

/// Regenerates in memory: the impact against what is checked in, and a check that the listing
/// the impact compared is the code the emitter printed.
fn regen(sandbox: &Sandbox) -> Impact {
    let layout = sandbox.layout();
    let outputs = generator::run(&layout, &[]).expect("regen");
    let listing = outputs.listing.clone().expect("a listing");
    let files: BTreeMap<PathBuf, String> = outputs.files.files().clone();
    let diffs = differences(&listing, &files, "alli_api");
    assert!(
        diffs.is_empty(),
        "the listing differs from the emitted code:\n{}",
        diffs.join("\n")
    );
    generator::api_impact(&layout, &outputs).expect("an impact report")
}

fn assert_lines(impact: &Impact, expected: &[&str]) {
    let text = impact.to_string();
    for e in expected {
        assert!(text.contains(e), "missing `{e}` in:\n{text}");
    }
}

#[test]
fn an_optional_nullable_body_field_made_required() {
    let sandbox = project();
    edit_schema(
        &sandbox,
        &CONVERSATIONS,
        "/components/schemas/ConversationInfoRequest",
        |s| {
            s["required"] = serde_json::json!(["title"]);
        },
    );
    let impact = regen(&sandbox);
    assert!(impact.is_breaking(), "{impact}");
    assert_lines(
        &impact,
        &[
            "breaking:   changed fn alli_api::conversations::Conversations::update(&self, conversation_id: impl Into<String>) -> alli_api::conversations::UpdateConversation  [feature conversations]  ->  fn alli_api::conversations::Conversations::update(&self, conversation_id: impl Into<String>, title: impl Into<Option<String>>)",
            "breaking:   removed fn alli_api::conversations::UpdateConversation::title(self, value: impl Into<String>) -> Self",
            "breaking:   removed fn alli_api::conversations::UpdateConversation::title_null(self) -> Self",
            "breaking:   removed impl Default for alli_api::types::ConversationInfoRequest",
            "breaking:   changed fn alli_api::types::ConversationInfoRequest::new() -> Self  [feature conversations]  ->  fn alli_api::types::ConversationInfoRequest::new(title: impl Into<Option<String>>) -> Self",
            "breaking:   changed field alli_api::types::ConversationInfoRequest::title: alli_api::Nullable<String>  [feature conversations]  ->  field alli_api::types::ConversationInfoRequest::title: Option<String>",
            "breaking:   removed fn alli_api::types::ConversationInfoRequest::title_null(self) -> Self",
        ],
    );
}

#[test]
fn a_nullable_field_made_non_null_and_a_type_change() {
    let sandbox = project();
    edit_schema(
        &sandbox,
        &CONVERSATIONS,
        "/components/schemas/Conversation/properties",
        |p| {
            p["memo"] = serde_json::json!({"type": "string", "description": "Conversation memo"});
            p["chatCount"] =
                serde_json::json!({"type": "string", "description": "Total chat count"});
        },
    );
    let impact = regen(&sandbox);
    assert_lines(
        &impact,
        &[
            "breaking:   changed field alli_api::types::Conversation::memo: Option<String>  [feature conversations]  ->  field alli_api::types::Conversation::memo: String",
            "breaking:   changed field alli_api::types::Conversation::chat_count: i64  [feature conversations]  ->  field alli_api::types::Conversation::chat_count: String",
            "breaking:   changed field alli_api::types::ConversationRequired::chat_count: i64",
        ],
    );
}

#[test]
fn enum_values_removed_and_added() {
    let sandbox = project();
    edit_schema(
        &sandbox,
        &APPS,
        "/components/schemas/ObjectAccessType/enum",
        |e| {
            *e = serde_json::json!(["order_1_editor", "order_3_viewer"]);
        },
    );
    let impact = regen(&sandbox);
    assert_lines(
        &impact,
        &[
            "breaking:   removed variant alli_api::types::ObjectAccessType::Order2Reader = \"order_2_reader\"",
            "added:      new variant alli_api::types::ObjectAccessType::Order3Viewer = \"order_3_viewer\"",
        ],
    );
    assert_eq!(impact.changes.len(), 2, "{impact}");
}

#[test]
fn operations_removed_and_added() {
    let sandbox = project();
    remove_endpoint(
        &sandbox,
        &CONVERSATIONS,
        "/webapi/v2/conversations/{conversation_id}/chats/{chat_id}",
    );
    add_archive_operation(&sandbox);
    let impact = regen(&sandbox);
    assert_lines(
        &impact,
        &[
            "breaking:   removed fn alli_api::conversations::Conversations::delete_chat(&self, conversation_id: impl Into<String>, chat_id: impl Into<String>) -> alli_api::conversations::DeleteChat  [feature conversations]  (DELETE /webapi/v2/conversations/{conversation_id}/chats/{chat_id})",
            "breaking:   removed struct alli_api::conversations::DeleteChat  [feature conversations] (with ",
            "added:      new fn alli_api::apps::Apps::archive(&self, app_id: impl Into<String>) -> alli_api::apps::ArchiveApp  [feature apps]  (POST /webapi/apps/{app_id}/archive)",
            "added:      new struct alli_api::apps::ArchiveApp  [feature apps] (with ",
            "added:      new struct alli_api::types::ArchiveAppResponse #[non_exhaustive]  [feature apps] (with ",
        ],
    );
}

#[test]
fn a_query_parameter_removed_removes_its_setter() {
    let sandbox = project();
    edit_blocks(&sandbox, &APPS, |v| {
        if let Some(Value::Array(params)) =
            v.pointer_mut("/paths/~1webapi~1v2~1apps/get/parameters")
        {
            params.retain(|p| p.get("name") != Some(&Value::from("searchTerm")));
        }
    });
    let impact = regen(&sandbox);
    assert_lines(
        &impact,
        &[
            "breaking:   removed fn alli_api::apps::ListApps::search_term(self, value: impl Into<String>) -> Self",
            // The mock's typed matchers of the parameter go with it.
            "breaking:   removed fn alli_api::mock::apps::ListApps::search_term(self, value: impl Into<String>) -> Self  [feature mock+apps]",
            "breaking:   removed fn alli_api::mock::apps::ListApps::without_search_term(self) -> Self  [feature mock+apps]",
        ],
    );
    assert_eq!(impact.changes.len(), 3, "{impact}");
}

#[test]
fn optional_fields_added_to_a_response_and_a_request_are_not_breaking() {
    let sandbox = project();
    edit_schema(&sandbox, &APPS, "/components/schemas/App/properties", |p| {
        p["archived"] =
            serde_json::json!({"type": "boolean", "description": "Whether the app is archived"});
    });
    edit_schema(
        &sandbox,
        &APPS,
        "/components/schemas/UpdateAppRequest/properties",
        |p| {
            p["archived"] =
                serde_json::json!({"type": "boolean", "description": "Archive the app"});
        },
    );
    let impact = regen(&sandbox);
    assert!(!impact.is_breaking(), "{impact}");
    assert_lines(
        &impact,
        &[
            "added:      new field alli_api::types::App::archived: Option<bool>",
            "added:      new field alli_api::types::UpdateAppRequest::archived: Option<bool>",
            "added:      new fn alli_api::types::UpdateAppRequest::archived(self, value: bool) -> Self",
            "added:      new fn alli_api::apps::UpdateApp::archived(self, value: bool) -> Self",
        ],
    );
}

#[test]
fn a_combined_docs_change_regenerates_into_a_compiling_crate_and_a_clean_check() {
    let sandbox = project();
    // A workspace of alli-api alone.
    sandbox.workspace_of(&["alli-api"]);
    edit_schema(
        &sandbox,
        &CONVERSATIONS,
        "/components/schemas/ConversationInfoRequest",
        |s| {
            s["required"] = serde_json::json!(["title"]);
        },
    );
    remove_endpoint(
        &sandbox,
        &CONVERSATIONS,
        "/webapi/v2/conversations/{conversation_id}/chats/{chat_id}",
    );
    edit_schema(
        &sandbox,
        &APPS,
        "/components/schemas/ObjectAccessType/enum",
        |e| {
            *e = serde_json::json!(["order_1_editor", "order_3_viewer"]);
        },
    );
    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    assert!(applied.impact.expect("impact").is_breaking());
    generator::check(&sandbox.layout()).expect("a clean check after regen");
    let _cargo = crate::support::shared_target();
    sandbox.touch_sources();
    let out = Command::new(env!("CARGO"))
        .args([
            "check",
            "--quiet",
            "--offline",
            "-p",
            "alli-api",
            "--lib",
            "--all-features",
        ])
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
