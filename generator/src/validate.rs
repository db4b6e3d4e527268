//! Validate the merged document: references resolve, operationIds are unique, path
//! parameters are declared, security requirements name defined schemes. Also repairs what can
//! be repaired without guessing (requirements naming undefined schemes are dropped, with a
//! warning).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics};
use crate::docs::METHODS;
use crate::merge::Merged;
use crate::pointer::{Pointer, Step, from_steps};

/// Validates (and, for security requirements, repairs) `merged`.
pub fn validate(merged: &mut Merged, diags: &mut Diagnostics) {
    check_refs(merged, diags);
    check_operations(merged, diags);
    drop_undefined_security(merged, diags);
}

fn check_refs(merged: &Merged, diags: &mut Diagnostics) {
    fn walk<'a>(
        value: &'a Value,
        steps: &mut Vec<Step<'a>>,
        doc: &Value,
        merged: &Merged,
        diags: &mut Diagnostics,
    ) {
        match value {
            Value::Object(obj) => {
                // Discriminator mappings are references too (bare names mean components).
                if let Some(Value::Object(mapping)) =
                    obj.get("discriminator").and_then(|d| d.get("mapping"))
                {
                    for (key, v) in mapping {
                        let Some(v) = v.as_str() else { continue };
                        let target = crate::codegen::ir::types::mapping_ref(v);
                        let found = target
                            .strip_prefix('#')
                            .is_some_and(|p| Pointer::parse(p).get(doc).is_some());
                        if !found {
                            let at = from_steps(steps)
                                .push("discriminator")
                                .push("mapping")
                                .push(key);
                            diags.push(Diagnostic::error(
                                "dangling-ref",
                                merged.origins.locate(&at),
                                format!("discriminator mapping `{key}` points at `{v}`, which is not in the merged document"),
                            ));
                        }
                    }
                }
                if let Some(Value::String(r)) = obj.get("$ref") {
                    let target = r.strip_prefix('#').map(Pointer::parse);
                    if target.as_ref().and_then(|t| t.get(doc)).is_none() {
                        diags.push(Diagnostic::error(
                            "dangling-ref",
                            merged.origins.locate(&from_steps(steps).push("$ref")),
                            format!("`{r}` points at nothing in the merged document"),
                        ));
                    }
                }
                for (k, v) in obj {
                    steps.push(Step::Key(k));
                    walk(v, steps, doc, merged, diags);
                    steps.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    steps.push(Step::Index(i));
                    walk(v, steps, doc, merged, diags);
                    steps.pop();
                }
            }
            _ => {}
        }
    }
    walk(
        &merged.document,
        &mut Vec::new(),
        &merged.document,
        merged,
        diags,
    );
}

/// Resolves `{"$ref": "#/..."}` one level (for parameters).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(p) => Pointer::parse(p).get(doc).unwrap_or(v),
        None => v,
    }
}

fn check_operations(merged: &Merged, diags: &mut Diagnostics) {
    let doc = &merged.document;
    let mut ids: BTreeMap<String, Pointer> = BTreeMap::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let template_params: BTreeSet<String> =
            crate::docs::path_params(path).map(str::to_owned).collect();
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let at = Pointer::root().push("paths").push(path).push(method);
            let label = format!("{} {path}", method.to_uppercase());

            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                if let Some(first) = ids.get(id) {
                    diags.push(
                        Diagnostic::error(
                            "duplicate-operation-id",
                            merged.origins.locate(&at.push("operationId")),
                            format!("operationId `{id}` of {label} is already used"),
                        )
                        .with_note(format!("first used at {}", merged.origins.locate(first))),
                    );
                } else {
                    ids.insert(id.to_owned(), at.push("operationId"));
                }
            }

            let mut declared: BTreeSet<String> = BTreeSet::new();
            let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
            for (i, p) in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let p_at = at.push("parameters").index(i);
                let p = resolve(doc, p);
                let name = p
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let location = p
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if !matches!(location.as_str(), "query" | "header" | "path" | "cookie") {
                    diags.push(Diagnostic::error(
                        "bad-parameter",
                        merged.origins.locate(&p_at),
                        format!("parameter `{name}` of {label} has `in: {location}`; expected query, header, path or cookie"),
                    ));
                }
                let key = if location == "header" {
                    name.to_ascii_lowercase()
                } else {
                    name.clone()
                };
                if !seen.insert((key, location.clone())) {
                    diags.push(Diagnostic::error(
                        "duplicate-parameter",
                        merged.origins.locate(&p_at),
                        format!("{label} declares the {location} parameter `{name}` twice"),
                    ));
                }
                if location == "path" {
                    declared.insert(name.clone());
                    if !template_params.contains(&name) {
                        diags.push(Diagnostic::error(
                            "unused-path-param",
                            merged.origins.locate(&p_at),
                            format!("{label} declares path parameter `{name}`, which the path does not contain"),
                        ));
                    }
                }
            }
            for name in template_params.difference(&declared) {
                diags.push(Diagnostic::error(
                    "undeclared-path-param",
                    merged.origins.locate(&at),
                    format!(
                        "{label}: `{{{name}}}` is in the path but not declared as a path parameter"
                    ),
                ));
            }

            if op.get("requestBody").is_some() && matches!(*method, "get" | "delete" | "head") {
                diags.push(Diagnostic::warning(
                    "body-on-get",
                    merged.origins.locate(&at.push("requestBody")),
                    format!("{label} has a request body; HTTP gives a {} body no meaning and some proxies drop it", method.to_uppercase()),
                ));
            }
            match op.get("responses").and_then(Value::as_object) {
                None => diags.push(Diagnostic::warning(
                    "no-responses",
                    merged.origins.locate(&at),
                    format!("{label} documents no response"),
                )),
                Some(responses) => {
                    for status in responses.keys() {
                        if !valid_status(status) {
                            diags.push(Diagnostic::error(
                                "bad-status",
                                merged.origins.locate(&at.push("responses").push(status)),
                                format!("`{status}` is not an HTTP status code, a range like `4XX`, or `default`"),
                            ));
                        }
                    }
                }
            }
        }
    }
}

fn valid_status(s: &str) -> bool {
    if s == "default" {
        return true;
    }
    let b = s.as_bytes();
    b.len() == 3
        && (b'1'..=b'5').contains(&b[0])
        && ((b[1].is_ascii_digit() && b[2].is_ascii_digit()) || (b[1] == b'X' && b[2] == b'X'))
}

/// Security requirements naming a scheme that `components.securitySchemes` does not define are
/// reported once per scheme and dropped (a requirement left empty would mean "no auth").
fn drop_undefined_security(merged: &mut Merged, diags: &mut Diagnostics) {
    let defined: BTreeSet<String> = merged
        .document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut places: Vec<Pointer> = vec![Pointer::root().push("security")];
    for (path, item) in merged
        .document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if item
                .get(*method)
                .is_some_and(|op| op.get("security").is_some())
            {
                places.push(
                    Pointer::root()
                        .push("paths")
                        .push(path)
                        .push(method)
                        .push("security"),
                );
            }
        }
    }
    let mut undefined: BTreeMap<String, Vec<Pointer>> = BTreeMap::new();
    for at in places {
        let Some(Value::Array(reqs)) = at.get(&merged.document) else {
            continue;
        };
        for (i, req) in reqs.iter().enumerate() {
            for name in req.as_object().into_iter().flatten().map(|(k, _)| k) {
                if !defined.contains(name) {
                    undefined
                        .entry(name.clone())
                        .or_default()
                        .push(at.index(i).push(name));
                }
            }
        }
        if let Some(Value::Array(reqs)) = at.get_mut(&mut merged.document) {
            reqs.retain_mut(|req| {
                if let Value::Object(obj) = req {
                    let had = obj.len();
                    obj.retain(|k, _| defined.contains(k));
                    !(had > 0 && obj.is_empty())
                } else {
                    true
                }
            });
        }
    }
    for (name, uses) in undefined {
        let mut d = Diagnostic::warning(
            "undefined-security-scheme",
            merged.origins.locate(&uses[0]),
            format!(
                "security scheme `{name}` is required but never defined in `components.securitySchemes`; the requirement is dropped (define the scheme in spec/overrides.yaml to keep it)"
            ),
        );
        if uses.len() > 1 {
            d = d.with_note(format!("required in {} places", uses.len()));
        }
        diags.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::Origins;
    use serde_json::json;

    fn run(doc: Value) -> (Value, Vec<String>) {
        let mut m = Merged {
            document: doc,
            origins: Origins::default(),
        };
        let mut d = Diagnostics::new();
        validate(&mut m, &mut d);
        (m.document, d.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn dangling_refs_are_errors() {
        let (_, d) =
            run(json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}}}}));
        assert_eq!(
            d,
            vec![
                "error[dangling-ref]: #/components/schemas/A/$ref: `#/components/schemas/B` points at nothing in the merged document"
            ]
        );
    }

    #[test]
    fn undefined_security_schemes_are_dropped_with_a_warning() {
        let (doc, d) = run(json!({"security": [{"K": []}, {"P": []}],
            "components": {"securitySchemes": {"K": {"type": "apiKey", "in": "header", "name": "K"}}}}));
        assert_eq!(doc["security"], json!([{"K": []}]));
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("warning[undefined-security-scheme]: #/security/1/P: security scheme `P` is required but never defined"), "{d:?}");
    }

    #[test]
    fn path_params_ids_and_bodies_are_checked() {
        let (_, d) = run(json!({"paths": {
            "/a/{id}": {"get": {"operationId": "x", "requestBody": {}, "responses": {"200": {"description": "OK"}, "2XX": {"description": "OK"}, "600": {"description": "?"}}}},
            "/b": {"post": {"operationId": "x", "parameters": [{"name": "id", "in": "path"}], "responses": {}}}}}));
        assert_eq!(
            d,
            vec![
                "error[undeclared-path-param]: #/paths/~1a~1{id}/get: GET /a/{id}: `{id}` is in the path but not declared as a path parameter",
                "warning[body-on-get]: #/paths/~1a~1{id}/get/requestBody: GET /a/{id} has a request body; HTTP gives a GET body no meaning and some proxies drop it",
                "error[bad-status]: #/paths/~1a~1{id}/get/responses/600: `600` is not an HTTP status code, a range like `4XX`, or `default`",
                "error[duplicate-operation-id]: #/paths/~1b/post/operationId: operationId `x` of POST /b is already used\n  = note: first used at #/paths/~1a~1{id}/get/operationId",
                "error[unused-path-param]: #/paths/~1b/post/parameters/0: POST /b declares path parameter `id`, which the path does not contain",
            ]
        );
    }
}
