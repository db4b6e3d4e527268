//! Lowering the merged OpenAPI 3.1 document into the 3.0 form the `openapiv3` crate reads.
//!
//! `openapiv3` models OpenAPI 3.0: it does not know `{type: "null"}` branches, type arrays,
//! `const`, numeric exclusive bounds, or `$ref` with siblings. Each has an exact 3.0 spelling,
//! which this pass writes, so the typed parse keeps the document's meaning:
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `anyOf: [X, {type: "null"}]` | X + `nullable: true` (a `$ref` X as `allOf: [X]`) |
//! | `type: [T, "null"]`, `enum: [.., null]` | `type: T`, `nullable: true` |
//! | `{$ref: X, description: d}` | `{allOf: [{$ref: X}], description: d}` |
//! | `const: v` | `enum: [v]` |
//! | `exclusiveMinimum: n` | `minimum: n, exclusiveMinimum: true` |
//! | `type: array` without `items` | `items: {}` |
//! | `examples: [a, ..]` | `example: a` |

use serde_json::{Map, Value, json};

use crate::diag::{Diagnostic, Location};
use crate::pointer::Pointer;
use crate::walk::{Visitor, walk_document};

/// Lowers a copy of `doc` and parses it with `openapiv3`.
pub fn to_openapiv3(doc: &Value) -> Result<openapiv3::OpenAPI, Diagnostic> {
    let mut lowered = doc.clone();
    walk_document(&mut lowered, &mut Lowering);
    if let Some(obj) = lowered.as_object_mut() {
        obj.insert("openapi".to_owned(), json!("3.0.3"));
    }
    serde_path_to_error::deserialize(&lowered).map_err(|e| {
        // The crate's maps lose the path; find the part that does not read, one by one.
        let (at, message) = locate_unreadable(&lowered)
            .unwrap_or_else(|| (pointer_of(Pointer::root(), e.path()), e.inner().to_string()));
        Diagnostic::error(
            "unreadable-document",
            Location {
                pointer: Some(at.to_string()),
                ..Location::default()
            },
            format!("this part of the merged document cannot be read as OpenAPI: {message}"),
        )
    })
}

/// Converts a serde path into a JSON pointer below `base`.
fn pointer_of(base: Pointer, path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    let mut at = base;
    for seg in path.iter() {
        at = match seg {
            Segment::Seq { index } => at.index(*index),
            Segment::Map { key } => at.push(key),
            Segment::Enum { variant } => at.push(variant),
            Segment::Unknown => at,
        };
    }
    at
}

/// The first operation or component that does not parse, with its own error.
fn locate_unreadable(doc: &Value) -> Option<(Pointer, String)> {
    fn try_part<T: serde::de::DeserializeOwned>(
        v: &Value,
        at: Pointer,
    ) -> Option<(Pointer, String)> {
        serde_path_to_error::deserialize::<_, T>(v)
            .err()
            .map(|e| (pointer_of(at, e.path()), e.inner().to_string()))
    }
    let root = Pointer::root();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = root.push("paths").push(path);
        for (key, op) in item.as_object().into_iter().flatten() {
            if crate::http::HttpMethod::from_key(key).is_some() {
                if let Some(found) = try_part::<openapiv3::Operation>(op, at.push(key)) {
                    return Some(found);
                }
            }
        }
        if let Some(found) = try_part::<openapiv3::PathItem>(item, at) {
            return Some(found);
        }
    }
    if let Some(components) = doc.get("components") {
        for (kind, items) in components.as_object().into_iter().flatten() {
            for (name, item) in items.as_object().into_iter().flatten() {
                let at = root.push("components").push(kind).push(name);
                let found = match kind.as_str() {
                    "schemas" => try_part::<openapiv3::ReferenceOr<openapiv3::Schema>>(item, at),
                    "parameters" => {
                        try_part::<openapiv3::ReferenceOr<openapiv3::Parameter>>(item, at)
                    }
                    "responses" => {
                        try_part::<openapiv3::ReferenceOr<openapiv3::Response>>(item, at)
                    }
                    "requestBodies" => {
                        try_part::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(item, at)
                    }
                    "securitySchemes" => {
                        try_part::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(item, at)
                    }
                    _ => None,
                };
                if found.is_some() {
                    return found;
                }
            }
        }
    }
    None
}

struct Lowering;

impl Visitor for Lowering {
    fn leave(&mut self, schema: &mut Value, _at: &Pointer) {
        lower(schema);
    }
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
}

fn lower(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };

    if let Some(c) = obj.remove("const") {
        // A const without `type` still has one: the JSON type of its value.
        if !obj.contains_key("type") {
            let ty = match &c {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(ty) = ty {
                obj.insert("type".to_owned(), json!(ty));
            }
        }
        obj.insert("enum".to_owned(), Value::Array(vec![c]));
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = obj.get(flag).cloned() {
            obj.insert(bound.to_owned(), n);
            obj.insert(flag.to_owned(), Value::Bool(true));
        }
    }
    if let Some(Value::Array(examples)) = obj.remove("examples") {
        if !obj.contains_key("example") {
            if let Some(first) = examples.into_iter().next() {
                obj.insert("example".to_owned(), first);
            }
        }
    }

    // Type arrays.
    let mut nullable = false;
    if let Some(Value::Array(types)) = obj.get("type").cloned() {
        let non_null: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        nullable = non_null.len() < types.len();
        match non_null.as_slice() {
            [] => {
                obj.remove("type");
            }
            [one] => {
                obj.insert("type".to_owned(), one.clone());
            }
            many => {
                // Several types: a union of one-type schemas.
                obj.remove("type");
                let branches: Vec<Value> = many.iter().map(|t| json!({ "type": t })).collect();
                obj.insert("anyOf".to_owned(), Value::Array(branches));
            }
        }
    }
    // A bare `{type: "null"}` is left alone: as a branch, its parent removes it.
    if let Some(Value::Array(values)) = obj.get_mut("enum") {
        if values.iter().any(Value::is_null) {
            values.retain(|v| !v.is_null());
            nullable = true;
        }
    }

    // Null branches of anyOf / oneOf.
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = obj.get(key) else {
            continue;
        };
        if !branches.iter().any(is_null_schema) {
            continue;
        }
        let rest: Vec<Value> = branches
            .iter()
            .filter(|b| !is_null_schema(b))
            .cloned()
            .collect();
        nullable = true;
        obj.remove(key);
        match rest.as_slice() {
            [] => {}
            [one] => merge_branch(obj, one.clone()),
            _ => {
                obj.insert(key.to_owned(), Value::Array(rest));
            }
        }
    }

    if obj.get("type").and_then(Value::as_str) == Some("array") && !obj.contains_key("items") {
        obj.insert("items".to_owned(), json!({}));
    }

    // `$ref` with siblings.
    if obj.contains_key("$ref") && (obj.len() > 1 || nullable) {
        let reference = obj.remove("$ref").unwrap_or(Value::Null);
        obj.insert("allOf".to_owned(), json!([{ "$ref": reference }]));
    }
    if nullable {
        obj.insert("nullable".to_owned(), Value::Bool(true));
    }
}

/// Folds the one non-null branch into the outer schema (outer annotations win).
fn merge_branch(obj: &mut Map<String, Value>, branch: Value) {
    let Value::Object(branch) = branch else {
        return;
    };
    if branch.contains_key("$ref") {
        let mut wrapper = Map::new();
        wrapper.insert("$ref".to_owned(), branch["$ref"].clone());
        obj.insert(
            "allOf".to_owned(),
            Value::Array(vec![Value::Object(wrapper)]),
        );
        for (k, v) in branch {
            if k != "$ref" {
                obj.entry(k).or_insert(v);
            }
        }
        return;
    }
    for (k, v) in branch {
        if k == "nullable" {
            continue;
        }
        obj.entry(k).or_insert(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn low(v: Value) -> Value {
        let mut v = v;
        crate::walk::walk_schema(&mut v, &Pointer::root(), &mut Lowering);
        v
    }

    #[test]
    fn null_branches_become_nullable() {
        assert_eq!(
            low(json!({"anyOf": [{"type": "string"}, {"type": "null"}], "title": "T"})),
            json!({"title": "T", "type": "string", "nullable": true})
        );
        assert_eq!(
            low(json!({"anyOf": [{"$ref": "#/x"}, {"type": "null"}], "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/x"}], "nullable": true})
        );
        assert_eq!(
            low(json!({"type": ["integer", "null"]})),
            json!({"type": "integer", "nullable": true})
        );
        assert_eq!(
            low(json!({"type": "string", "enum": ["a", null]})),
            json!({"type": "string", "enum": ["a"], "nullable": true})
        );
    }

    #[test]
    fn refs_with_siblings_const_and_bounds() {
        assert_eq!(
            low(json!({"$ref": "#/x", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/x"}]})
        );
        assert_eq!(low(json!({"$ref": "#/x"})), json!({"$ref": "#/x"}));
        assert_eq!(
            low(json!({"const": "a"})),
            json!({"type": "string", "enum": ["a"]})
        );
        assert_eq!(
            low(json!({"type": "integer", "exclusiveMinimum": 0})),
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0})
        );
        assert_eq!(
            low(json!({"type": "array"})),
            json!({"type": "array", "items": {}})
        );
    }

    #[test]
    fn the_alli_document_parses() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.json"))
                .expect("read");
        let doc: Value = serde_json::from_str(&text).expect("json");
        let api = to_openapiv3(&doc).expect("parses");
        assert_eq!(api.paths.paths.len(), 19);
    }
}
