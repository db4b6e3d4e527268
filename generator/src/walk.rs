//! Visiting an OpenAPI document: every schema and every reference, with its JSON pointer.
//!
//! The walk follows the structure OpenAPI defines (paths, operations, parameters, bodies,
//! responses, headers, media types, encodings, links, callbacks, webhooks, components), so it
//! visits a `$ref` only where OpenAPI allows a reference. Literal JSON is data and never
//! visited: `example`, `examples` values, `default`, `enum`, `const`, link `parameters` and
//! `requestBody`, and every `x-` extension — a `$ref` inside them is not a reference.

use serde_json::{Map, Value};

use crate::http::HttpMethod;
use crate::pointer::Pointer;
use crate::refs::ComponentKind;

/// The OpenAPI objects a walk visits besides schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    /// A path item (under `paths`, `webhooks`, a callback, or `components.pathItems`).
    PathItem,
    /// An operation of a path item.
    Operation,
    /// A parameter.
    Parameter,
    /// A header (of a response, an encoding, or `components.headers`).
    Header,
    /// A request body.
    RequestBody,
    /// A media type of some `content`.
    MediaType,
    /// An encoding of a media type's property.
    Encoding,
    /// A response.
    Response,
    /// A link of a response.
    Link,
    /// A callback: runtime expressions to path items.
    Callback,
    /// An example.
    Example,
    /// A security scheme.
    SecurityScheme,
}

impl Object {
    /// The object a place of `kind` holds (`None` for schemas, visited with `enter`/`leave`).
    fn of(kind: ComponentKind) -> Option<Object> {
        Some(match kind {
            ComponentKind::SecurityScheme => Object::SecurityScheme,
            ComponentKind::Parameter => Object::Parameter,
            ComponentKind::Header => Object::Header,
            ComponentKind::RequestBody => Object::RequestBody,
            ComponentKind::Response => Object::Response,
            ComponentKind::Schema => return None,
            ComponentKind::Example => Object::Example,
            ComponentKind::Link => Object::Link,
            ComponentKind::Callback => Object::Callback,
            ComponentKind::PathItem => Object::PathItem,
        })
    }
}

/// Called for every schema, every other OpenAPI object and every reference of a document.
pub trait Visitor {
    /// An object that is not a reference, before what it holds is visited (what the visitor
    /// leaves in it is what is visited next).
    fn object(&mut self, _kind: Object, _value: &mut Value, _at: &Pointer) {}
    /// Before the subschemas of `schema` are visited.
    fn enter(&mut self, _schema: &mut Value, _at: &Pointer) {}
    /// After the subschemas of `schema` were visited.
    fn leave(&mut self, _schema: &mut Value, _at: &Pointer) {}
    /// A `$ref` (at `at`, which ends in `/$ref`) in a place that holds an object of `kind`.
    fn reference(&mut self, _reference: &str, _kind: ComponentKind, _at: &Pointer) {}
    /// A discriminator mapping value (a schema name or a reference) at `at`.
    fn mapping(&mut self, _value: &str, _at: &Pointer) {}
}

/// How a keyword holds subschemas.
enum Sub {
    One,
    List,
    Map,
}

/// Subschema-holding keywords of JSON Schema 2020-12 (and draft 7's `definitions`).
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
    ("contentSchema", Sub::One),
    ("not", Sub::One),
    ("if", Sub::One),
    ("then", Sub::One),
    ("else", Sub::One),
    ("allOf", Sub::List),
    ("anyOf", Sub::List),
    ("oneOf", Sub::List),
    ("prefixItems", Sub::List),
];

/// Calls `f` with every direct subschema of `schema` (objects and booleans alike), its
/// pointer and the keyword holding it.
pub fn for_each_subschema(
    schema: &mut Map<String, Value>,
    at: &Pointer,
    f: &mut dyn FnMut(&mut Value, &Pointer, &'static str),
) {
    for (keyword, shape) in SUBSCHEMAS {
        let Some(child) = schema.get_mut(*keyword) else {
            continue;
        };
        let kat = at.push(keyword);
        match (shape, child) {
            (Sub::One, child) => f(child, &kat, keyword),
            (Sub::List, Value::Array(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    f(item, &kat.index(i), keyword);
                }
            }
            (Sub::Map, Value::Object(map)) => {
                for (name, item) in map.iter_mut() {
                    f(item, &kat.push(name), keyword);
                }
            }
            _ => {}
        }
    }
}

/// Visits `schema` and everything below it.
pub fn walk_schema(schema: &mut Value, at: &Pointer, v: &mut dyn Visitor) {
    if !schema.is_object() {
        return;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        v.reference(r, ComponentKind::Schema, &at.push("$ref"));
    }
    if let Some(Value::Object(mapping)) = schema.get("discriminator").and_then(|d| d.get("mapping"))
    {
        let mat = at.push("discriminator").push("mapping");
        for (key, value) in mapping {
            if let Some(value) = value.as_str() {
                v.mapping(value, &mat.push(key));
            }
        }
    }
    v.enter(schema, at);
    if let Value::Object(obj) = schema {
        for_each_subschema(obj, at, &mut |child, cat, _| walk_schema(child, cat, v));
    }
    v.leave(schema, at);
}

/// Visits every schema and reference of an OpenAPI 3.x document.
pub fn walk_document(doc: &mut Value, v: &mut dyn Visitor) {
    let root = Pointer::root();
    for (path, item) in entries(doc, "paths") {
        path_item(item, &root.push("paths").push(path), v);
    }
    for (name, item) in entries(doc, "webhooks") {
        path_item(item, &root.push("webhooks").push(name), v);
    }
    let Some(Value::Object(components)) = doc.get_mut("components") else {
        return;
    };
    let cat = root.push("components");
    for (key, items) in components.iter_mut() {
        let (Some(kind), Value::Object(items)) = (ComponentKind::from_key(key), items) else {
            continue;
        };
        for (name, item) in items.iter_mut() {
            walk_object(kind, item, &cat.push(key).push(name), v);
        }
    }
}

/// Visits one object of `kind` (or a reference to one) at `at`.
pub fn walk_object(kind: ComponentKind, value: &mut Value, at: &Pointer, v: &mut dyn Visitor) {
    match kind {
        ComponentKind::Schema => return walk_schema(value, at, v),
        ComponentKind::PathItem => return path_item(value, at, v),
        _ => {}
    }
    // Elsewhere a reference stands for the whole object (its siblings are only a summary
    // and a description).
    if let Some(r) = value.get("$ref").and_then(Value::as_str) {
        v.reference(r, kind, &at.push("$ref"));
        return;
    }
    if let Some(object) = Object::of(kind) {
        v.object(object, value, at);
    }
    match kind {
        ComponentKind::Parameter | ComponentKind::Header => parameter(value, at, v),
        ComponentKind::RequestBody => content(value, at, v),
        ComponentKind::Response => response(value, at, v),
        ComponentKind::Callback => {
            for (expression, item) in members(Some(value)) {
                path_item(item, &at.push(expression), v);
            }
        }
        _ => {}
    }
}

/// The members of `value[key]` that are not extensions.
fn entries<'a>(
    value: &'a mut Value,
    key: &str,
) -> impl Iterator<Item = (&'a String, &'a mut Value)> {
    members(value.get_mut(key))
}

/// The members of an object that are not extensions.
fn members(value: Option<&mut Value>) -> impl Iterator<Item = (&String, &mut Value)> {
    value
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|m| m.iter_mut())
        .filter(|(k, _)| !k.starts_with("x-"))
}

/// Visits `value[key]`, a map of objects of `kind`.
fn map_of(value: &mut Value, key: &str, kind: ComponentKind, at: &Pointer, v: &mut dyn Visitor) {
    if value.get(key).is_none() {
        return;
    }
    let kat = at.push(key);
    for (name, item) in entries(value, key) {
        walk_object(kind, item, &kat.push(name), v);
    }
}

/// Visits `value[key]`, a list of objects of `kind`.
fn list_of(value: &mut Value, key: &str, kind: ComponentKind, at: &Pointer, v: &mut dyn Visitor) {
    if let Some(Value::Array(items)) = value.get_mut(key) {
        let kat = at.push(key);
        for (i, item) in items.iter_mut().enumerate() {
            walk_object(kind, item, &kat.index(i), v);
        }
    }
}

fn path_item(item: &mut Value, at: &Pointer, v: &mut dyn Visitor) {
    // A path item's `$ref` is merged with its siblings: both are visited.
    if let Some(r) = item.get("$ref").and_then(Value::as_str) {
        v.reference(r, ComponentKind::PathItem, &at.push("$ref"));
    }
    v.object(Object::PathItem, item, at);
    list_of(item, "parameters", ComponentKind::Parameter, at, v);
    for method in HttpMethod::ALL {
        if let Some(op) = item.get_mut(method.as_str()) {
            operation(op, &at.push(method.as_str()), v);
        }
    }
}

fn operation(op: &mut Value, at: &Pointer, v: &mut dyn Visitor) {
    v.object(Object::Operation, op, at);
    list_of(op, "parameters", ComponentKind::Parameter, at, v);
    if let Some(body) = op.get_mut("requestBody") {
        walk_object(ComponentKind::RequestBody, body, &at.push("requestBody"), v);
    }
    map_of(op, "responses", ComponentKind::Response, at, v);
    map_of(op, "callbacks", ComponentKind::Callback, at, v);
}

/// A parameter or a header: a schema, or content; examples.
fn parameter(p: &mut Value, at: &Pointer, v: &mut dyn Visitor) {
    if let Some(schema) = p.get_mut("schema") {
        walk_schema(schema, &at.push("schema"), v);
    }
    content(p, at, v);
    map_of(p, "examples", ComponentKind::Example, at, v);
}

/// The media types of `holder.content`: schema, examples, encodings.
fn content(holder: &mut Value, at: &Pointer, v: &mut dyn Visitor) {
    if holder.get("content").is_none() {
        return;
    }
    let cat = at.push("content");
    for (ty, media) in entries(holder, "content") {
        let mat = cat.push(ty);
        v.object(Object::MediaType, media, &mat);
        if let Some(schema) = media.get_mut("schema") {
            walk_schema(schema, &mat.push("schema"), v);
        }
        map_of(media, "examples", ComponentKind::Example, &mat, v);
        if media.get("encoding").is_none() {
            continue;
        }
        let eat = mat.push("encoding");
        for (property, encoding) in entries(media, "encoding") {
            let pat = eat.push(property);
            v.object(Object::Encoding, encoding, &pat);
            map_of(encoding, "headers", ComponentKind::Header, &pat, v);
        }
    }
}

fn response(r: &mut Value, at: &Pointer, v: &mut dyn Visitor) {
    map_of(r, "headers", ComponentKind::Header, at, v);
    content(r, at, v);
    map_of(r, "links", ComponentKind::Link, at, v);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Records what the walk visits.
    #[derive(Default)]
    struct Seen {
        schemas: Vec<String>,
        references: Vec<String>,
        mappings: Vec<String>,
        objects: Vec<String>,
        /// Removes `callbacks` from every object.
        prune: bool,
    }

    impl Visitor for Seen {
        fn object(&mut self, kind: Object, value: &mut Value, at: &Pointer) {
            self.objects.push(format!("{at} {kind:?}"));
            // What the visitor removes is not visited.
            if let (true, Some(obj)) = (self.prune, value.as_object_mut()) {
                obj.remove("callbacks");
            }
        }
        fn enter(&mut self, _: &mut Value, at: &Pointer) {
            self.schemas.push(at.to_string());
        }
        fn reference(&mut self, reference: &str, kind: ComponentKind, at: &Pointer) {
            self.references
                .push(format!("{at} {} {reference}", kind.key()));
        }
        fn mapping(&mut self, value: &str, at: &Pointer) {
            self.mappings.push(format!("{at} {value}"));
        }
    }

    fn seen(mut doc: Value) -> Seen {
        let mut s = Seen::default();
        walk_document(&mut doc, &mut s);
        s
    }

    fn pruned(mut doc: Value) -> Seen {
        let mut s = Seen {
            prune: true,
            ..Seen::default()
        };
        walk_document(&mut doc, &mut s);
        s
    }

    #[test]
    fn references_are_visited_only_where_openapi_allows_them() {
        let data = json!({"$ref": "#/not/a/reference"});
        let s = seen(json!({
            "x-top": data,
            "paths": {"/a": {
                "x-item": data,
                "parameters": [{"$ref": "#/components/parameters/P"}],
                "get": {
                    "x-op": data,
                    "requestBody": {"content": {"multipart/form-data": {
                        "schema": {"type": "object", "default": data, "example": data, "enum": [data], "const": data, "examples": [data], "x-s": data},
                        "example": data,
                        "examples": {"e": {"value": data}, "r": {"$ref": "#/components/examples/E"}},
                        "encoding": {"file": {"headers": {"H": {"$ref": "#/components/headers/H"}}}}
                    }}},
                    "responses": {"200": {"description": "OK",
                        "links": {"l": {"operationId": "x", "parameters": {"p": data}, "requestBody": data}, "r": {"$ref": "#/components/links/L"}},
                        "headers": {"X": {"schema": {"$ref": "#/components/schemas/S"}}}}},
                    "callbacks": {"cb": {"{$request.body#/url}": {"post": {"responses": {"200": {"$ref": "#/components/responses/R"}}}}}}
                }
            }},
            "webhooks": {"hook": {"$ref": "#/components/pathItems/Hook"}},
            "components": {
                "x-things": {"T": data},
                "examples": {"E": {"value": data}},
                "pathItems": {"Hook": {"post": {"requestBody": {"$ref": "#/components/requestBodies/B"}}}},
                "schemas": {"S": {"oneOf": [{"$ref": "#/components/schemas/D"}], "discriminator": {"propertyName": "k", "mapping": {"d": "D", "e": "#/components/schemas/E"}}}}
            }
        }));
        assert_eq!(
            s.references,
            vec![
                "#/paths/~1a/parameters/0/$ref parameters #/components/parameters/P",
                "#/paths/~1a/get/requestBody/content/multipart~1form-data/examples/r/$ref examples #/components/examples/E",
                "#/paths/~1a/get/requestBody/content/multipart~1form-data/encoding/file/headers/H/$ref headers #/components/headers/H",
                "#/paths/~1a/get/responses/200/headers/X/schema/$ref schemas #/components/schemas/S",
                "#/paths/~1a/get/responses/200/links/r/$ref links #/components/links/L",
                "#/paths/~1a/get/callbacks/cb/{$request.body#~1url}/post/responses/200/$ref responses #/components/responses/R",
                "#/webhooks/hook/$ref pathItems #/components/pathItems/Hook",
                "#/components/pathItems/Hook/post/requestBody/$ref requestBodies #/components/requestBodies/B",
                "#/components/schemas/S/oneOf/0/$ref schemas #/components/schemas/D",
            ]
        );
        assert_eq!(
            s.mappings,
            vec![
                "#/components/schemas/S/discriminator/mapping/d D",
                "#/components/schemas/S/discriminator/mapping/e #/components/schemas/E",
            ]
        );
    }

    #[test]
    fn objects_are_visited_before_what_they_hold() {
        let s = pruned(json!({"paths": {"/a": {"post": {
            "requestBody": {"content": {"multipart/form-data": {"encoding": {"f": {"headers": {"H": {"schema": {}}}}}}}},
            "responses": {"200": {"description": "OK", "links": {"l": {}}}},
            "callbacks": {"cb": {"{$url}": {"post": {"responses": {}}}}}
        }}}, "components": {"securitySchemes": {"K": {"type": "mutualTLS"}}, "examples": {"E": {}}}}));
        assert_eq!(
            s.objects,
            vec![
                "#/paths/~1a PathItem",
                "#/paths/~1a/post Operation",
                "#/paths/~1a/post/requestBody RequestBody",
                "#/paths/~1a/post/requestBody/content/multipart~1form-data MediaType",
                "#/paths/~1a/post/requestBody/content/multipart~1form-data/encoding/f Encoding",
                "#/paths/~1a/post/requestBody/content/multipart~1form-data/encoding/f/headers/H Header",
                "#/paths/~1a/post/responses/200 Response",
                "#/paths/~1a/post/responses/200/links/l Link",
                "#/components/securitySchemes/K SecurityScheme",
                "#/components/examples/E Example",
            ]
        );
        assert_eq!(
            s.schemas,
            vec![
                "#/paths/~1a/post/requestBody/content/multipart~1form-data/encoding/f/headers/H/schema"
            ]
        );
    }

    #[test]
    fn every_subschema_is_visited_once() {
        let s = seen(json!({"components": {"schemas": {"S": {
            "properties": {"x-name": {"type": "string"}, "b": true},
            "items": {"prefixItems": [{}]},
            "additionalProperties": false,
            "$defs": {"D": {"not": {}}}
        }}}}));
        assert_eq!(
            s.schemas,
            vec![
                "#/components/schemas/S",
                "#/components/schemas/S/properties/x-name",
                "#/components/schemas/S/$defs/D",
                "#/components/schemas/S/$defs/D/not",
                "#/components/schemas/S/items",
                "#/components/schemas/S/items/prefixItems/0",
            ]
        );
    }
}
