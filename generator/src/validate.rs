//! Validate the merged document: references resolve, path templates are well formed,
//! operationIds are unique, path parameters are declared, security requirements name defined
//! schemes. Also repairs what can be repaired without guessing (requirements naming undefined
//! schemes are dropped, with a warning).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics};
use crate::http::{HttpMethod, PathTemplate, operations};
use crate::merge::Merged;
use crate::pointer::Pointer;
use crate::refs::{self, ComponentKind, LocalRef, RefError, RefProblem};
use crate::walk::{Visitor, walk_document};

/// Validates (and, for security requirements, repairs) `merged`.
pub fn validate(merged: &mut Merged, diags: &mut Diagnostics) {
    check_references(merged, diags);
    check_paths(merged, diags);
    drop_undefined_security(merged, diags);
}

/// Every reference of a document (where OpenAPI allows one), with the kind its place holds.
#[derive(Default)]
struct References {
    sites: Vec<(String, ComponentKind, Pointer)>,
    mappings: Vec<(String, Pointer)>,
}

impl Visitor for References {
    fn reference(&mut self, reference: &str, kind: ComponentKind, at: &Pointer) {
        self.sites.push((reference.to_owned(), kind, at.clone()));
    }

    fn mapping(&mut self, value: &str, at: &Pointer) {
        self.mappings.push((value.to_owned(), at.clone()));
    }
}

/// References must be local, name an object of the kind their place holds, point at something,
/// and (outside schemas, whose cycles are recursive types) not go round in a cycle.
fn check_references(merged: &mut Merged, diags: &mut Diagnostics) {
    let mut found = References::default();
    walk_document(&mut merged.document, &mut found);
    let doc = &merged.document;
    let locate = |at: &Pointer| merged.origins.locate(at);
    let mut cycles: BTreeSet<Vec<String>> = BTreeSet::new();
    for (reference, kind, at) in &found.sites {
        let fail = |problem| RefError {
            at: at.clone(),
            reference: reference.clone(),
            problem,
        };
        if let Err(e) = check_target(doc, reference, *kind).map_err(fail) {
            diags.push(e.diagnostic(locate));
            continue;
        }
        if *kind == ComponentKind::Schema {
            continue;
        }
        let Some(holder) = at.parent().and_then(|p| p.get(doc)) else {
            continue;
        };
        let Err(e) = refs::resolve(doc, holder, &at.parent().unwrap_or_default()) else {
            continue;
        };
        if let RefProblem::Cycle(chain) = &e.problem {
            let mut members = chain.clone();
            members.sort();
            if cycles.insert(members) {
                diags.push(e.diagnostic(locate));
            }
        }
    }
    for (value, at) in &found.mappings {
        let reference = refs::mapping_ref(value);
        if let Err(problem) = check_target(doc, &reference, ComponentKind::Schema) {
            let key = at.last().unwrap_or_default();
            let why = match problem {
                RefProblem::WrongKind { found, .. } => format!("a {}, not a schema", found.noun()),
                RefProblem::External | RefProblem::NotAPointer => {
                    "outside the document; only schema names and local `#/...` references are supported".to_owned()
                }
                _ => "not in the merged document".to_owned(),
            };
            diags.push(Diagnostic::error(
                "dangling-ref",
                locate(at),
                format!("discriminator mapping `{key}` points at `{value}`, which is {why}"),
            ));
        }
    }
}

/// Whether a local reference names an object of `kind` that exists in `doc` (one step).
fn check_target(doc: &Value, reference: &str, kind: ComponentKind) -> Result<(), RefProblem> {
    let local = LocalRef::parse(reference)?;
    if let Some((found, _)) = local.component() {
        if found != kind {
            return Err(RefProblem::WrongKind {
                expected: kind,
                found,
            });
        }
    }
    local
        .pointer
        .get(doc)
        .map(|_| ())
        .ok_or(RefProblem::Dangling)
}

/// Path templates, and the operations under each path.
fn check_paths(merged: &Merged, diags: &mut Diagnostics) {
    let mut ids: BTreeMap<String, Pointer> = BTreeMap::new();
    for (path, item) in merged
        .document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(path, _)| !path.starts_with("x-"))
    {
        let at = Pointer::root().push("paths").push(path);
        let template = match PathTemplate::parse(path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "bad-path-template",
                    merged.origins.locate(&at),
                    format!("`{path}` is not a path template: {e}"),
                ));
                continue;
            }
        };
        for (method, op) in operations(item) {
            let op_at = at.push(method.as_str());
            let check = Operation {
                merged,
                op,
                at: &op_at,
                method,
                label: format!("{method} {path}"),
            };
            check.operation_id(&mut ids, diags);
            check.parameters(&template, diags);
            check.body(diags);
            check.responses(diags);
        }
    }
}

/// One operation being checked.
struct Operation<'a> {
    merged: &'a Merged,
    op: &'a Value,
    at: &'a Pointer,
    method: HttpMethod,
    /// `GET /a/{id}`, for messages.
    label: String,
}

impl Operation<'_> {
    fn locate(&self, at: &Pointer) -> crate::diag::Location {
        self.merged.origins.locate(at)
    }

    /// operationIds are unique across the document.
    fn operation_id(&self, ids: &mut BTreeMap<String, Pointer>, diags: &mut Diagnostics) {
        let Some(id) = self.op.get("operationId").and_then(Value::as_str) else {
            return;
        };
        let at = self.at.push("operationId");
        match ids.get(id) {
            Some(first) => diags.push(
                Diagnostic::error(
                    "duplicate-operation-id",
                    self.locate(&at),
                    format!("operationId `{id}` of {} is already used", self.label),
                )
                .with_note(format!("first used at {}", self.locate(first))),
            ),
            None => {
                ids.insert(id.to_owned(), at);
            }
        }
    }

    /// Parameters have a known location, appear once, and path parameters match the template.
    fn parameters(&self, template: &PathTemplate<'_>, diags: &mut Diagnostics) {
        let doc = &self.merged.document;
        let label = &self.label;
        let in_template: BTreeSet<&str> = template.params().collect();
        let mut declared: BTreeSet<String> = BTreeSet::new();
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        let list = self.op.get("parameters").and_then(Value::as_array);
        for (i, p) in list.into_iter().flatten().enumerate() {
            let p_at = self.at.push("parameters").index(i);
            // A reference that does not resolve is reported with the references.
            let Ok(p) = refs::resolve(doc, p, &p_at) else {
                continue;
            };
            let field = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or_default();
            let (name, location) = (field("name"), field("in"));
            if !matches!(location, "query" | "header" | "path" | "cookie") {
                diags.push(Diagnostic::error(
                    "bad-parameter",
                    self.locate(&p_at),
                    format!("parameter `{name}` of {label} has `in: {location}`; expected query, header, path or cookie"),
                ));
            }
            let key = if location == "header" {
                name.to_ascii_lowercase()
            } else {
                name.to_owned()
            };
            if !seen.insert((key, location.to_owned())) {
                diags.push(Diagnostic::error(
                    "duplicate-parameter",
                    self.locate(&p_at),
                    format!("{label} declares the {location} parameter `{name}` twice"),
                ));
            }
            if location == "path" {
                declared.insert(name.to_owned());
                if !in_template.contains(name) {
                    diags.push(Diagnostic::error(
                        "unused-path-param",
                        self.locate(&p_at),
                        format!("{label} declares path parameter `{name}`, which the path does not contain"),
                    ));
                }
            }
        }
        for name in in_template.iter().filter(|n| !declared.contains(**n)) {
            diags.push(Diagnostic::error(
                "undeclared-path-param",
                self.locate(self.at),
                format!(
                    "{label}: `{{{name}}}` is in the path but not declared as a path parameter"
                ),
            ));
        }
    }

    /// A body on a method that gives it no meaning.
    fn body(&self, diags: &mut Diagnostics) {
        if self.op.get("requestBody").is_some() && self.method.body_has_no_meaning() {
            diags.push(Diagnostic::warning(
                "body-on-get",
                self.locate(&self.at.push("requestBody")),
                format!(
                    "{} has a request body; HTTP gives a {} body no meaning and some proxies drop it",
                    self.label, self.method
                ),
            ));
        }
    }

    /// Responses exist and are keyed by status codes.
    fn responses(&self, diags: &mut Diagnostics) {
        let Some(responses) = self.op.get("responses").and_then(Value::as_object) else {
            diags.push(Diagnostic::warning(
                "no-responses",
                self.locate(self.at),
                format!("{} documents no response", self.label),
            ));
            return;
        };
        for status in responses.keys().filter(|k| !k.starts_with("x-")) {
            if !valid_status(status) {
                diags.push(Diagnostic::error(
                    "bad-status",
                    self.locate(&self.at.push("responses").push(status)),
                    format!(
                        "`{status}` is not an HTTP status code, a range like `4XX`, or `default`"
                    ),
                ));
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
        for (method, op) in operations(item) {
            if op.get("security").is_some() {
                let at = Pointer::root().push("paths").push(path);
                places.push(at.push(method.as_str()).push("security"));
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

    #[test]
    fn refs_in_extensions_and_literal_json_are_data() {
        let data = json!({"$ref": "#/nowhere"});
        let (_, d) = run(json!({
            "x-top": data,
            "paths": {"/a": {"get": {"x-op": data, "responses": {"200": {"description": "OK",
                "content": {"application/json": {
                    "schema": {"type": "object", "default": data, "enum": [data], "const": data, "examples": [data], "x-s": data},
                    "example": data,
                    "examples": {"e": {"value": data}}
                }},
                "links": {"l": {"operationId": "x", "parameters": {"p": data}, "requestBody": data}}}}}}},
            "components": {"x-things": {"T": data}, "examples": {"E": {"value": data}}}
        }));
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn references_must_be_local_and_of_the_right_kind() {
        let (_, d) = run(json!({"components": {
            "schemas": {"S": {"type": "string"}, "X": {"$ref": "other.yaml#/X"}, "Y": {"$ref": "#anchor"}},
            "parameters": {"P": {"$ref": "#/components/schemas/S"}}
        }}));
        assert_eq!(
            d,
            vec![
                "error[external-ref]: #/components/schemas/X/$ref: `other.yaml#/X` points outside the document; only local `#/...` references are supported",
                "error[external-ref]: #/components/schemas/Y/$ref: `#anchor` is not a JSON pointer; only `#/...` references are supported",
                "error[wrong-ref-kind]: #/components/parameters/P/$ref: `#/components/schemas/S` names a schema, but a parameter belongs here",
            ]
        );
    }

    #[test]
    fn a_cycle_of_references_is_reported_once() {
        let (_, d) = run(json!({
            "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/P"}], "responses": {}}}},
            "components": {"parameters": {
                "P": {"$ref": "#/components/parameters/Q"},
                "Q": {"$ref": "#/components/parameters/P"}
            }}
        }));
        assert_eq!(
            d,
            vec![
                "error[ref-cycle]: #/components/parameters/Q/$ref: `#/components/parameters/P` is part of a reference cycle: `#/components/parameters/P` → `#/components/parameters/Q` → `#/components/parameters/P`"
            ]
        );
    }

    #[test]
    fn discriminator_mappings_by_name_or_reference_are_checked() {
        let schemas = json!({
            "Dog": {"type": "object"},
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind", "mapping": {
                    "dog": "Dog", "doggo": "#/components/schemas/Dog",
                    "cat": "Cat", "kitty": "#/components/schemas/Cat",
                    "param": "#/components/parameters/P", "far": "pets.yaml#/Cat"}}}
        });
        let (_, d) = run(json!({"components": {"schemas": schemas}}));
        assert_eq!(
            d,
            vec![
                "error[dangling-ref]: #/components/schemas/Pet/discriminator/mapping/cat: discriminator mapping `cat` points at `Cat`, which is not in the merged document",
                "error[dangling-ref]: #/components/schemas/Pet/discriminator/mapping/kitty: discriminator mapping `kitty` points at `#/components/schemas/Cat`, which is not in the merged document",
                "error[dangling-ref]: #/components/schemas/Pet/discriminator/mapping/param: discriminator mapping `param` points at `#/components/parameters/P`, which is a parameter, not a schema",
                "error[dangling-ref]: #/components/schemas/Pet/discriminator/mapping/far: discriminator mapping `far` points at `pets.yaml#/Cat`, which is outside the document; only schema names and local `#/...` references are supported",
            ]
        );
    }

    #[test]
    fn path_templates_must_be_well_formed() {
        let (_, d) = run(json!({"paths": {"/a/{id": {"get": {"responses": {}}}, "x-note": {}}}));
        assert_eq!(
            d,
            vec![
                "error[bad-path-template]: #/paths/~1a~1{id: `/a/{id` is not a path template: `{` opens a parameter that is never closed (at byte 3)"
            ]
        );
    }
}
