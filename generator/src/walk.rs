//! Visiting every schema of an OpenAPI document, with its JSON pointer.

use serde_json::Value;

use crate::docs::METHODS;
use crate::pointer::Pointer;

/// Called for every schema, before (`enter`) and after (`leave`) its subschemas.
pub trait SchemaVisitor {
    /// Before the subschemas of `schema` are visited.
    fn enter(&mut self, _schema: &mut Value, _at: &Pointer) {}
    /// After the subschemas of `schema` were visited.
    fn leave(&mut self, _schema: &mut Value, _at: &Pointer) {}
}

/// How a keyword holds subschemas.
enum Sub {
    One,
    List,
    Map,
}

/// Subschema-holding keywords of JSON Schema 2020-12.
const SUBSCHEMAS: &[(&str, Sub)] = &[
    ("properties", Sub::Map),
    ("patternProperties", Sub::Map),
    ("$defs", Sub::Map),
    ("definitions", Sub::Map),
    ("dependentSchemas", Sub::Map),
    ("items", Sub::One),
    ("additionalProperties", Sub::One),
    ("unevaluatedProperties", Sub::One),
    ("unevaluatedItems", Sub::One),
    ("contains", Sub::One),
    ("propertyNames", Sub::One),
    ("not", Sub::One),
    ("if", Sub::One),
    ("then", Sub::One),
    ("else", Sub::One),
    ("allOf", Sub::List),
    ("anyOf", Sub::List),
    ("oneOf", Sub::List),
    ("prefixItems", Sub::List),
];

/// Visits `schema` and everything below it.
pub fn walk_schema(schema: &mut Value, at: &Pointer, v: &mut dyn SchemaVisitor) {
    if !schema.is_object() {
        return;
    }
    v.enter(schema, at);
    if let Value::Object(obj) = schema {
        for (keyword, shape) in SUBSCHEMAS {
            let Some(child) = obj.get_mut(*keyword) else {
                continue;
            };
            let kat = at.push(keyword);
            match (shape, child) {
                (Sub::One, child @ Value::Object(_)) => walk_schema(child, &kat, v),
                (Sub::List, Value::Array(items)) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        walk_schema(item, &kat.index(i), v);
                    }
                }
                (Sub::Map, Value::Object(map)) => {
                    for (name, item) in map.iter_mut() {
                        walk_schema(item, &kat.push(name), v);
                    }
                }
                _ => {}
            }
        }
    }
    v.leave(schema, at);
}

/// Visits every schema of an OpenAPI 3.x document: those of operations (parameters, request
/// bodies, responses, response headers) and of components.
pub fn walk_document(doc: &mut Value, v: &mut dyn SchemaVisitor) {
    let root = Pointer::root();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let pat = root.push("paths").push(path);
            if let Some(Value::Array(params)) = item.get_mut("parameters") {
                for (i, p) in params.iter_mut().enumerate() {
                    parameter(p, &pat.push("parameters").index(i), v);
                }
            }
            for method in METHODS {
                let Some(op) = item.get_mut(*method) else {
                    continue;
                };
                let at = pat.push(method);
                if let Some(Value::Array(params)) = op.get_mut("parameters") {
                    for (i, p) in params.iter_mut().enumerate() {
                        parameter(p, &at.push("parameters").index(i), v);
                    }
                }
                if let Some(body) = op.get_mut("requestBody") {
                    content(body, &at.push("requestBody"), v);
                }
                if let Some(Value::Object(responses)) = op.get_mut("responses") {
                    for (status, r) in responses.iter_mut() {
                        response(r, &at.push("responses").push(status), v);
                    }
                }
            }
        }
    }
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        let cat = root.push("components");
        for (kind, items) in components.iter_mut() {
            let Value::Object(items) = items else {
                continue;
            };
            for (name, item) in items.iter_mut() {
                let at = cat.push(kind).push(name);
                match kind.as_str() {
                    "schemas" => walk_schema(item, &at, v),
                    "parameters" => parameter(item, &at, v),
                    "requestBodies" => content(item, &at, v),
                    "responses" => response(item, &at, v),
                    "headers" => header(item, &at, v),
                    _ => {}
                }
            }
        }
    }
}

fn parameter(p: &mut Value, at: &Pointer, v: &mut dyn SchemaVisitor) {
    if let Some(schema) = p.get_mut("schema") {
        walk_schema(schema, &at.push("schema"), v);
    }
    content(p, at, v);
}

fn content(holder: &mut Value, at: &Pointer, v: &mut dyn SchemaVisitor) {
    if let Some(Value::Object(content)) = holder.get_mut("content") {
        for (ty, media) in content.iter_mut() {
            if let Some(schema) = media.get_mut("schema") {
                walk_schema(schema, &at.push("content").push(ty).push("schema"), v);
            }
        }
    }
}

fn response(r: &mut Value, at: &Pointer, v: &mut dyn SchemaVisitor) {
    content(r, at, v);
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        for (name, h) in headers.iter_mut() {
            header(h, &at.push("headers").push(name), v);
        }
    }
}

fn header(h: &mut Value, at: &Pointer, v: &mut dyn SchemaVisitor) {
    if let Some(schema) = h.get_mut("schema") {
        walk_schema(schema, &at.push("schema"), v);
    }
}
