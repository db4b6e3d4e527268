//! References are references only where OpenAPI says so, every component kind is kept, and
//! OpenAPI 3.1 documents the generator cannot fully use are accepted with located warnings.
//! The golden fixtures `refs_as_data`, `components_kept` and `openapi31` hold the documents;
//! these tests say what must hold of their output.

use serde_json::Value;

use crate::support::{Sandbox, project_root};

/// Runs the golden fixture `name` through the whole pipeline.
fn run_fixture(name: &str) -> (Value, Vec<String>, generator::Outputs) {
    let sandbox = Sandbox::empty();
    let page = std::fs::read_to_string(
        project_root()
            .join("generator/tests/golden")
            .join(name)
            .join("page.md"),
    )
    .expect("fixture page");
    sandbox.write(&format!("spec/docs/en/{name}.md"), &page);
    let outputs = generator::run(&sandbox.layout(), &[])
        .unwrap_or_else(|f| panic!("{name} must generate:\n{f}"));
    let doc: Value = serde_json::from_str(
        outputs
            .files
            .get(std::path::Path::new("spec/openapi.json"))
            .expect("spec/openapi.json"),
    )
    .expect("json");
    let warnings = outputs.warnings.iter().map(ToString::to_string).collect();
    (doc, warnings, outputs)
}

#[test]
fn refs_in_extensions_examples_and_defaults_are_data_and_regenerate_cleanly() {
    let (doc, warnings, _) = run_fixture("refs_as_data");
    assert!(warnings.is_empty(), "{warnings:#?}");
    // The data is in the merged document exactly as written.
    for (pointer, reference) in [
        ("/x-source/$ref", "#/nowhere/source"),
        ("/paths/~1notes/post/x-codegen/$ref", "./codegen.yaml"),
        (
            "/paths/~1notes/post/requestBody/content/application~1json/example/$ref",
            "#/not/a/reference",
        ),
        (
            "/components/schemas/Note/properties/body/default/$ref",
            "#/not/a/reference",
        ),
        (
            "/components/schemas/Note/properties/body/x-shape/$ref",
            "shapes.yaml#/Body",
        ),
        (
            "/components/schemas/Note/x-origin/$ref",
            "https://example.com/schemas/note.json",
        ),
    ] {
        assert_eq!(
            doc.pointer(pointer).and_then(Value::as_str),
            Some(reference),
            "{pointer}"
        );
    }
}

#[test]
fn a_real_dangling_reference_is_still_an_error_beside_data() {
    let sandbox = Sandbox::empty();
    let page =
        std::fs::read_to_string(project_root().join("generator/tests/golden/refs_as_data/page.md"))
            .expect("fixture page")
            .replacen(
                "\"schema\":{\"$ref\":\"#/components/schemas/Note\"},\"example\"",
                "\"schema\":{\"$ref\":\"#/components/schemas/Nope\"},\"example\"",
                1,
            );
    sandbox.write("spec/docs/en/notes.md", &page);
    let failure = generator::run(&sandbox.layout(), &[]).expect_err("dangling");
    let error = crate::support::single_error(&failure);
    assert!(
        error.starts_with("error[dangling-ref]: spec/fragments/en/notes/post-notes.yaml:")
            && error.contains(": #/paths/~1notes/post/requestBody/content/application~1json/schema/$ref: `#/components/schemas/Nope` points at nothing in the merged document"),
        "{error}"
    );
}

#[test]
fn components_of_every_kind_fold_and_stay_in_the_merged_document() {
    let (doc, _, _) = run_fixture("components_kept");
    let kinds: Vec<&String> = doc["components"]
        .as_object()
        .expect("components")
        .keys()
        .collect();
    assert_eq!(
        kinds,
        [
            "headers",
            "schemas",
            "examples",
            "links",
            "callbacks",
            "pathItems",
            "x-tables"
        ]
    );
    assert_eq!(doc["components"]["x-tables"]["events"]["primaryKey"], "id");
    assert!(
        doc.pointer("/components/pathItems/EventHook/post")
            .is_some()
    );
}

#[test]
fn openapi_3_1_features_the_generator_cannot_use_are_accepted_with_located_warnings() {
    let (doc, warnings, outputs) = run_fixture("openapi31");
    // The merged document keeps all of it.
    assert_eq!(
        doc["components"]["securitySchemes"]["mtls"]["type"],
        "mutualTLS"
    );
    assert!(doc.pointer("/webhooks/fileScanned/post").is_some());
    assert!(
        doc.pointer("/paths/~1files/post/requestBody/content/multipart~1form-data/encoding/file/headers/X-Checksum")
            .is_some()
    );
    // Each left-out feature is a warning at its place in its fragment.
    for needle in [
        "spec/fragments/en/files/post-files.yaml:14: #/webhooks/fileScanned: webhook `fileScanned`",
        ": #/components/securitySchemes/mtls: security scheme `mtls` has type `mutualTLS`",
        "spec/fragments/en/files/post-files.yaml:9: #/jsonSchemaDialect: `jsonSchemaDialect`",
        ": #/paths/~1files/post/requestBody/content/multipart~1form-data/encoding/file/headers: headers of a multipart part",
        ": #/paths/~1files~1{id}~1labels/put/requestBody/content/application~1x-www-form-urlencoded/encoding/note/headers: headers of a multipart part",
        ": #/components/schemas/File/$defs: `$defs`",
        ": #/components/schemas/File/$schema: `$schema`",
    ] {
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("warning[unsupported-feature]: ") && w.contains(needle)),
            "no warning `{needle}` in {warnings:#?}"
        );
    }
    // Every operation is generated, the one without responses included.
    let generated: String = outputs
        .files
        .files()
        .iter()
        .filter(|(path, _)| path.starts_with("alli-api/src/generated"))
        .map(|(_, text)| text.as_str())
        .collect();
    for path in ["\"/files\"", "\"/files/{id}/labels\"", "\"/files/{id}\""] {
        assert!(generated.contains(path), "no operation on {path}");
    }
}
