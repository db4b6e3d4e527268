//! The spec stage on the real docs and on broken variants of them: normalize, merge,
//! overrides, validate, and a deterministic `spec/openapi.json`.

use crate::support::{Sandbox, project_root};
use serde_json::Value;

/// Applies `edit` to the JSON block of `page` (a docs page under `spec/docs/`) that documents
/// `method path`.
fn edit_block(
    sandbox: &Sandbox,
    page: &str,
    method: &str,
    path: &str,
    edit: impl FnOnce(&mut Value),
) {
    let text = sandbox.read(page);
    let mut done = false;
    let mut edit = Some(edit);
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if !line.starts_with('{') || done {
                return line.to_owned();
            }
            let mut v: Value = serde_json::from_str(line).expect("block parses");
            if v.pointer(&format!(
                "/paths/{}/{method}",
                path.replace('~', "~0").replace('/', "~1")
            ))
            .is_none()
            {
                return line.to_owned();
            }
            done = true;
            if let Some(f) = edit.take() {
                f(&mut v);
            }
            serde_json::to_string(&v).expect("serialize")
        })
        .collect();
    assert!(done, "no block for {method} {path} in {page}");
    sandbox.write(page, &(lines.join("\n") + "\n"));
}

fn regen_err(sandbox: &Sandbox) -> String {
    let before = sandbox.snapshot();
    let failure = generator::regen(&sandbox.layout(), &[], None).expect_err("regen must fail");
    assert_eq!(
        before,
        sandbox.snapshot(),
        "a failed regen must not write anything"
    );
    failure.to_string()
}

fn full_copy() -> Sandbox {
    Sandbox::with(&["spec", "alli-api/src/generated", "alli-api/public-api.txt"])
}

#[test]
fn the_real_docs_merge_into_22_operations_and_29_schemas_with_located_warnings() {
    let sandbox = full_copy();
    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    let doc: Value = serde_json::from_str(&sandbox.read("spec/openapi.json")).expect("json");
    let ops: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().map_or(0, |m| m.len()))
        .sum();
    assert_eq!(ops, 22);
    assert_eq!(
        doc["components"]["schemas"].as_object().map(|m| m.len()),
        Some(29)
    );
    assert_eq!(doc["openapi"], "3.1.0");
    let warnings = applied.warnings.to_string();
    for (code, needle) in [
        (
            "nullable-3.0",
            "spec/fragments/en/apps/post-webapi-apps.yaml:88: #/paths/~1webapi~1apps/post/requestBody/content/application~1json/schema/properties/single_action_app_input/nullable",
        ),
        (
            "required-boolean",
            "spec/fragments/en/apps/post-webapi-generative_answer.yaml:67: #/paths/~1webapi~1generative_answer/post/requestBody/content/application~1json/schema/properties/query/required",
        ),
        (
            "allof-wrapper",
            "spec/fragments/en/conversations/get-webapi-v2-conversations.yaml:546: #/paths/~1webapi~1v2~1conversations/get/parameters/16/schema/allOf",
        ),
        (
            "untyped-items",
            "#/paths/~1webapi~1v2~1conversations/get/parameters/3/schema/anyOf/0/items",
        ),
        (
            "array-without-items",
            "#/paths/~1webapi~1generative_answer/post/responses/200/content/application~1json/schema/properties/clues",
        ),
        (
            "body-on-get",
            "spec/fragments/en/conversations/get-webapi-conversation_daily_count.yaml:58: #/paths/~1webapi~1conversation_daily_count/get/requestBody",
        ),
        (
            "undefined-security-scheme",
            "#/security/2/ProjectIdHeader: security scheme `ProjectIdHeader` is required but never defined",
        ),
    ] {
        assert!(
            warnings.contains(&format!("warning[{code}]: ")),
            "no {code} warning:\n{warnings}"
        );
        assert!(
            warnings.contains(needle),
            "{code} not located at {needle}:\n{warnings}"
        );
    }
    // The repairs are in the document: null branches, the lifted `required`, no ProjectIdHeader.
    let body = &doc["paths"]["/webapi/generative_answer"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"];
    assert_eq!(body["required"], serde_json::json!(["query"]));
    assert!(body["properties"]["query"].get("required").is_none());
    let input = &doc["paths"]["/webapi/apps"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]["properties"]["single_action_app_input"];
    assert_eq!(input["anyOf"][1], serde_json::json!({"type": "null"}));
    assert_eq!(
        doc["security"],
        serde_json::json!([{"ApiKeyAuth": []}, {"TokenAuth": []}])
    );
    assert!(!sandbox.read("spec/openapi.json").contains("\"nullable\""));
}

#[test]
fn components_defined_identically_fold_and_differently_conflict_naming_both_files() {
    // English pages only (the Korean page would disagree with the edit first).
    let sandbox = Sandbox::with(&["spec/docs/en", "spec/overrides.yaml"]);
    // `Conversation` is defined by four fragments; make the PATCH one disagree.
    edit_block(
        &sandbox,
        "spec/docs/en/conversations.md",
        "patch",
        "/webapi/v2/conversations/{conversation_id}",
        |v| {
            v["components"]["schemas"]["Conversation"]["properties"]["title"]["type"] =
                Value::from("integer");
        },
    );
    let msg = regen_err(&sandbox);
    assert!(
        msg.contains("error[component-conflict]: spec/fragments/en/conversations/patch-webapi-v2-conversations-by-conversation_id.yaml:") &&
        msg.contains(": #/components/schemas/Conversation/properties/title/type: component `Conversation` is defined differently by two fragments; first difference at #/components/schemas/Conversation/properties/title/type\n  = note: the other definition: spec/fragments/en/conversations/get-webapi-v2-conversations"),
        "{msg}"
    );
}

#[test]
fn the_same_operation_in_two_fragments_is_an_error() {
    // A project that keeps fragments without docs pages.
    let sandbox = Sandbox::with(&["spec/fragments", "spec/overrides.yaml"]);
    let text = sandbox.read("spec/fragments/en/apps/post-webapi-apps.yaml");
    sandbox.write(
        "spec/fragments/en/apps/copy-of-post-webapi-apps.yaml",
        &text,
    );
    let msg = regen_err(&sandbox);
    assert!(
        msg.contains("error[duplicate-operation]: spec/fragments/en/apps/post-webapi-apps.yaml:") &&
        msg.contains("#/paths/~1webapi~1apps/post: POST /webapi/apps is defined by two fragments\n  = note: also defined in spec/fragments/en/apps/copy-of-post-webapi-apps.yaml"),
        "{msg}"
    );
}

#[test]
fn a_dangling_reference_is_located_in_its_fragment() {
    let sandbox = full_copy();
    edit_block(
        &sandbox,
        "spec/docs/en/apps.md",
        "get",
        "/webapi/v2/apps/{app_id}",
        |v| {
            v["paths"]["/webapi/v2/apps/{app_id}"]["get"]["responses"]["200"]["content"]["application/json"]
                ["schema"]["$ref"] = Value::from("#/components/schemas/Nope");
        },
    );
    let msg = regen_err(&sandbox);
    assert!(
        msg.contains("error[dangling-ref]: spec/fragments/en/apps/get-webapi-v2-apps-by-app_id.yaml:") &&
        msg.contains(": #/paths/~1webapi~1v2~1apps~1{app_id}/get/responses/200/content/application~1json/schema/$ref: `#/components/schemas/Nope` points at nothing in the merged document"),
        "{msg}"
    );
}

#[test]
fn an_override_can_define_the_missing_security_scheme() {
    let sandbox = full_copy();
    let overrides = sandbox.read("spec/overrides.yaml");
    sandbox.write(
        "spec/overrides.yaml",
        &overrides.replacen(
            "patches:\n",
            "patches:\n  - op: add\n    path: /components/securitySchemes/ProjectIdHeader\n    value: {type: apiKey, in: header, name: PROJECT-ID}\n",
            1,
        ),
    );
    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    assert!(
        !applied
            .warnings
            .to_string()
            .contains("undefined-security-scheme")
    );
    let doc: Value = serde_json::from_str(&sandbox.read("spec/openapi.json")).expect("json");
    assert_eq!(
        doc["security"][2],
        serde_json::json!({"ProjectIdHeader": []})
    );
}

#[test]
fn a_stale_override_is_an_error_and_nothing_is_written() {
    let sandbox = full_copy();
    let overrides = sandbox.read("spec/overrides.yaml");
    sandbox.write(
        "spec/overrides.yaml",
        &overrides.replacen("  \"GET /webapi/apps\":\n", "  \"GET /webapi/appz\":\n", 1),
    );
    let msg = regen_err(&sandbox);
    assert!(msg.contains("error[stale-override]: spec/overrides.yaml:11: operations.GET /webapi/appz: no operation has this operationId or method and path"), "{msg}");
    // An override the docs now agree with changes nothing: stale as well.
    let sandbox = full_copy();
    edit_block(
        &sandbox,
        "spec/docs/en/apps.md",
        "post",
        "/webapi/generative_answer",
        |v| {
            let mode = &mut v["paths"]["/webapi/generative_answer"]["post"]["requestBody"]["content"]
                ["application/json"]["schema"]["properties"]["mode"];
            mode["enum"] = serde_json::json!(["sync", "stream"]);
            mode["default"] = Value::from("sync");
        },
    );
    let msg = regen_err(&sandbox);
    assert!(
        msg.contains("error[stale-override]: spec/overrides.yaml:")
            && msg.contains("the override changes nothing; the document already says this"),
        "{msg}"
    );
}

#[test]
fn a_misspelt_type_is_a_located_error() {
    let sandbox = full_copy();
    edit_block(
        &sandbox,
        "spec/docs/en/apps.md",
        "post",
        "/webapi/skill",
        |v| {
            v["paths"]["/webapi/skill"]["post"]["requestBody"]["content"]["application/json"]["schema"]
                ["properties"]["text"]["type"] = Value::from("strng");
        },
    );
    let msg = regen_err(&sandbox);
    assert!(
        msg.contains("error[unknown-type]: spec/fragments/en/apps/post-webapi-skill.yaml:")
            && msg.contains(
                "/properties/text/type: `strng` is not a JSON Schema type; did you mean `string`?"
            ),
        "{msg}"
    );
}

#[test]
fn fragments_in_any_order_give_a_byte_identical_document() {
    let root = project_root();
    let layout = generator::Layout::new(&root);
    let pages = generator::import::read_pages(&layout).expect("pages");
    let imported = generator::import::import(&layout, &pages).expect("import");
    let fragments = generator::spec::fragments_from_import(&imported, "en");
    let reference = generator::spec::build(&layout, fragments.clone())
        .expect("build")
        .to_json();
    assert_eq!(
        reference,
        std::fs::read_to_string(root.join("spec/openapi.json")).expect("read")
    );
    // Several deterministic shuffles.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..5 {
        let mut shuffled = fragments.clone();
        for i in (1..shuffled.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            shuffled.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let text = generator::spec::build(&layout, shuffled)
            .expect("build")
            .to_json();
        assert!(
            text == reference,
            "a shuffled fragment order changed spec/openapi.json"
        );
    }
}

#[test]
fn two_regens_and_another_working_directory_give_identical_bytes() {
    let a = full_copy();
    let b = full_copy();
    generator::regen(&a.layout(), &[], None).expect("regen");
    let first = a.snapshot();
    generator::regen(&a.layout(), &[], None).expect("regen again");
    assert_eq!(first, a.snapshot());
    // The xtask binary, started from an unrelated directory, on the other copy.
    let out = std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(project_root().join("Cargo.toml"))
        .args(["--package", "xtask", "--", "regen"])
        .current_dir(std::env::temp_dir())
        .env("ALLI_PROJECT_ROOT", b.root())
        .output()
        .expect("run xtask");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(first, b.snapshot());
}
