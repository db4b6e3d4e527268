//! Broken input never panics: the real docs pages, mutated at random (deterministically), go
//! through the whole pipeline; every run ends in output or in located errors.

use crate::support::{Sandbox, project_root};
use serde_json::Value;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every node of `v` as a JSON pointer.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                pointers(
                    child,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// One random edit: drop a node, retype it, or replace it with an odd value.
fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    // Mostly operation parts: a component edited in one block only conflicts with the same
    // component in the other blocks, which stops the run at merge every time.
    if rng.below(4) != 0 {
        all.retain(|p| p.starts_with("/paths/"));
    }
    if all.len() < 2 {
        return;
    }
    let target = all[1 + rng.below(all.len() - 1)].clone();
    let odd = [
        Value::Null,
        Value::Bool(true),
        Value::from(-1),
        Value::from("strng"),
        Value::from("#/components/schemas/Nope"),
        serde_json::json!({}),
        serde_json::json!([]),
        serde_json::json!({"type": "object", "nullable": true, "required": true}),
        serde_json::json!({"anyOf": [{"type": "null"}]}),
        serde_json::json!({"allOf": [{"$ref": "#/components/schemas/Chat"}, {"type": "string"}]}),
        serde_json::json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "discriminator": {"propertyName": "x"}}),
        serde_json::json!({"type": ["string", "integer", "null"], "const": 3}),
    ];
    match rng.below(3) {
        0 => {
            let (parent, key) = target.rsplit_once('/').unwrap_or(("", ""));
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.shift_remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
        _ => {
            if let Some(node) = doc.pointer_mut(&target) {
                *node = odd[rng.below(odd.len())].clone();
            }
        }
    }
}

#[test]
fn mutated_docs_pages_end_in_output_or_located_errors_never_a_panic() {
    let page = std::fs::read_to_string(project_root().join("spec/docs/en/conversations.md"))
        .expect("page");
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut failures = 0;
    let mut generated = 0;
    for round in 0..120 {
        // No overrides: most of them name operations of other pages and would stop every run
        // before code generation.
        let sandbox = Sandbox::empty();
        // One block, one to three edits.
        let blocks = page.lines().filter(|l| l.starts_with('{')).count();
        let chosen = rng.below(blocks);
        let edits = 1 + rng.below(3) * usize::from(round % 2 == 0);
        let mut index = 0;
        let mutated: Vec<String> = page
            .lines()
            .map(|line| {
                if !line.starts_with('{') {
                    return line.to_owned();
                }
                index += 1;
                if index - 1 != chosen {
                    return line.to_owned();
                }
                let mut v: Value = serde_json::from_str(line).expect("block");
                for _ in 0..edits {
                    mutate(&mut v, &mut rng);
                }
                serde_json::to_string(&v).expect("json")
            })
            .collect();
        sandbox.write("spec/docs/en/conversations.md", &mutated.join("\n"));
        let layout = sandbox.layout();
        let result = std::panic::catch_unwind(|| generator::run(&layout, &[]));
        match result {
            Err(_) => panic!("round {round}: the pipeline panicked"),
            Ok(Err(failure)) => {
                failures += 1;
                if std::env::var("ROBUSTNESS_DEBUG").is_ok() {
                    let codes: Vec<&str> = failure.diagnostics.errors().map(|d| d.code).collect();
                    eprintln!("round {round}: {codes:?}");
                }
                // Every error says where: a file or a pointer.
                for d in failure.diagnostics.errors() {
                    assert!(
                        d.location.file.is_some() || d.location.pointer.is_some(),
                        "round {round}: unlocated error: {d}"
                    );
                }
            }
            Ok(Ok(outputs)) => {
                generated += usize::from(outputs.generated.is_some());
            }
        }
    }
    // The mutations are strong enough to break some runs (otherwise this proves little).
    // Both outcomes occur, so both the error paths and code generation were exercised.
    assert!(failures > 10, "only {failures} of 120 mutated runs failed");
    assert!(
        generated > 10,
        "only {generated} of 120 mutated runs generated code"
    );
}

#[test]
fn reference_cycles_end_in_output_or_errors_not_a_stack_overflow() {
    let doc = |parameters: serde_json::Value| {
        serde_json::json!({
            "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {
                "schemas": {
                    "A": {"$ref": "#/components/schemas/B"},
                    "B": {"$ref": "#/components/schemas/A"},
                    "Self": {"$ref": "#/components/schemas/Self"},
                    "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}, {"type": "object", "properties": {"x": {"type": "string"}}}]},
                    "Holder": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}, "l": {"$ref": "#/components/schemas/Loop"}}}
                },
                "parameters": parameters
            },
            "paths": {"/x": {"get": {"operationId": "getX", "tags": ["x"],
                "parameters": [{"$ref": "#/components/parameters/P"}],
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Holder"}}}}}}}}
        })
    };
    let run = |doc: serde_json::Value| {
        let sandbox = Sandbox::empty();
        sandbox.write(
            "spec/docs/en/x.md",
            &format!("# X\n\n## X\n\n```json\n{doc}\n```\n"),
        );
        generator::run(&sandbox.layout(), &[])
    };
    // Schema cycles are recursive types: generated, with a warning for those that hold nothing.
    let outputs = run(doc(
        serde_json::json!({"P": {"name": "p", "in": "query", "schema": {"type": "string"}}}),
    ))
    .expect("schema cycles generate");
    let warnings = outputs.warnings.to_string();
    assert!(warnings.contains("warning[ref-cycle]"), "{warnings}");
    // A cycle of parameter references names nothing: a located error.
    let failure = run(doc(serde_json::json!({
        "P": {"$ref": "#/components/parameters/Q"},
        "Q": {"$ref": "#/components/parameters/P"}
    })))
    .expect_err("a parameter cycle is an error");
    let error = crate::support::single_error(&failure);
    assert!(
        error.starts_with("error[ref-cycle]: spec/fragments/en/x/get-x.yaml:")
            && error.contains("is part of a reference cycle"),
        "{error}"
    );
}

#[test]
fn what_the_typed_model_cannot_read_is_an_error_naming_fragment_line_and_object() {
    let page = |flows: serde_json::Value| {
        let doc = serde_json::json!({
            "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"securitySchemes": {"oauth": {"type": "oauth2", "flows": flows}}},
            "security": [{"oauth": []}],
            "paths": {"/x": {"get": {"operationId": "getX", "tags": ["x"],
                "responses": {"200": {"description": "OK"}}}}}
        });
        format!("# X\n\n## X\n\n```json\n{doc:#}\n```\n")
    };
    let sandbox = Sandbox::empty();
    // An implicit flow without its (required) `scopes`.
    sandbox.write(
        "spec/docs/en/x.md",
        &page(serde_json::json!({"implicit": {"authorizationUrl": "https://a.example.com"}})),
    );
    let failure = generator::run(&sandbox.layout(), &[]).expect_err("unreadable");
    let error = crate::support::single_error(&failure);
    let line = error
        .strip_prefix("error[unreadable-document]: spec/fragments/en/x/get-x.yaml:")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse::<usize>().ok());
    assert!(
        line.is_some_and(|n| n > 1)
            && error.contains(": #/components/securitySchemes/oauth: the security scheme `oauth` has no `scopes`, which OpenAPI requires"),
        "{error}"
    );
}
