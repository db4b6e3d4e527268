//! Normalize: each fragment into one dialect, OpenAPI 3.1 with a few conventions.
//!
//! The docs mix OpenAPI 3.1 with 3.0 habits. Normalization rewrites each fragment, on plain
//! JSON with a pointer in hand for every message, so that later stages see one dialect:
//!
//! | found | becomes | diagnostic |
//! |---|---|---|
//! | `nullable: true` (a 3.0 keyword, ignored by 3.1) | `anyOf: [<schema>, {type: "null"}]` | `nullable-3.0` warning in 3.1 documents |
//! | property-level `required: true` (not JSON Schema) | the name added to the parent's `required` | `required-boolean` warning |
//! | `allOf: [<one inline schema>]` with siblings | one schema | `allof-wrapper` warning |
//! | `items: {}` | kept: items of any JSON type | `untyped-items` warning |
//! | `type: array` without `items` | kept: items of any JSON type | `array-without-items` warning |
//! | a path parameter without `required: true` | `required: true` | `path-param-required` warning |
//! | 3.0 `exclusiveMinimum: true` + `minimum` | 3.1 `exclusiveMinimum: <n>` | none (a 3.0 document) |
//! | path-level `parameters` | copied into each operation | none |
//! | an unknown `type` name (`strng`) | — | `unknown-type` error |
//!
//! `anyOf: [X, {type: "null"}]` and `type: [X, "null"]` are already 3.1 and stay as they are.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::http::HttpMethod;
use crate::pointer::Pointer;
use crate::walk::{Visitor, walk_document};

/// A fragment ready to merge.
#[derive(Debug, Clone)]
pub struct Fragment {
    /// Project-relative path of the fragment file.
    pub file: PathBuf,
    /// The document.
    pub document: Value,
    /// JSON pointer (without `#`) → 1-based line in the file, when known.
    pub lines: LineMap,
}

impl Fragment {
    /// A location in this fragment: the file, the pointer and, when known, its line (or the
    /// line of the nearest enclosing node).
    pub fn locate(&self, at: &Pointer) -> Location {
        locate(&self.file, &self.lines, at)
    }
}

/// JSON pointer → 1-based line, shared between stages without copying.
pub type LineMap = std::sync::Arc<crate::yaml::Lines>;

/// A location in `file` at `at`, with the line of the nearest enclosing node in `lines`.
pub fn locate(file: &Path, lines: &crate::yaml::Lines, at: &Pointer) -> Location {
    let mut loc = Location::pointer(file, at.to_string());
    let mut probe = Some(at.clone());
    while let Some(p) = probe {
        if let Some(line) = lines.get(p.as_str()) {
            loc.line = Some(line);
            break;
        }
        probe = p.parent();
    }
    loc
}

/// Keywords that describe a schema rather than constrain it; they stay on the outside when a
/// schema is wrapped.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "$comment",
];

/// The `type` names JSON Schema knows.
pub const TYPE_NAMES: &[&str] = &[
    "null", "boolean", "object", "array", "number", "string", "integer",
];

struct Ctx<'a> {
    fragment: &'a Fragment,
    is_31: bool,
    diags: &'a mut Diagnostics,
}

impl Ctx<'_> {
    fn warn(&mut self, code: &'static str, at: &Pointer, message: impl Into<String>) {
        let loc = self.fragment.locate(at);
        self.diags.push(Diagnostic::warning(code, loc, message));
    }

    fn error(&mut self, code: &'static str, at: &Pointer, message: impl Into<String>) {
        let loc = self.fragment.locate(at);
        self.diags.push(Diagnostic::error(code, loc, message));
    }
}

/// Normalizes one fragment in place; diagnostics go to `diags`.
pub fn normalize(fragment: &mut Fragment, diags: &mut Diagnostics) {
    let mut document = std::mem::take(&mut fragment.document);
    let mut ctx = Ctx {
        fragment,
        is_31: true,
        diags,
    };
    normalize_document(&mut document, &mut ctx);
    fragment.document = document;
}

fn normalize_document(doc: &mut Value, ctx: &mut Ctx<'_>) {
    let root = Pointer::root();
    let Some(obj) = doc.as_object_mut() else {
        ctx.error(
            "not-openapi",
            &root,
            "the fragment is not an OpenAPI document (not a JSON object)",
        );
        return;
    };
    let version = obj
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if version.starts_with("3.1") {
        ctx.is_31 = true;
    } else if version.starts_with("3.0") {
        ctx.is_31 = false;
    } else {
        let found = obj
            .get("openapi")
            .or_else(|| obj.get("swagger"))
            .map(Value::to_string)
            .unwrap_or_else(|| "none".to_owned());
        let key = if obj.contains_key("openapi") {
            "openapi"
        } else {
            "swagger"
        };
        ctx.error(
            "unsupported-version",
            &root.push(key),
            format!(
                "OpenAPI version {found} is not supported; fragments must be OpenAPI 3.0 or 3.1"
            ),
        );
        return;
    }
    obj.insert("openapi".to_owned(), json!("3.1.0"));

    // Parameters may be references into the document: the paths are taken out (their place
    // kept) while the rest is read.
    if let Some(slot) = obj.get_mut("paths") {
        let mut paths = std::mem::take(slot);
        let at = root.push("paths");
        for (path, item) in paths
            .as_object_mut()
            .into_iter()
            .flatten()
            .filter(|(p, _)| !p.starts_with("x-"))
        {
            normalize_path_item(item, &at.push(path), doc, ctx);
        }
        if let Some(slot) = doc.get_mut("paths") {
            *slot = paths;
        }
    }
    walk_document(doc, ctx);
}

fn normalize_path_item(item: &mut Value, at: &Pointer, doc: &Value, ctx: &mut Ctx<'_>) {
    let Some(item) = item.as_object_mut() else {
        return;
    };
    // Path-level parameters apply to every operation unless an operation redefines them.
    let shared = item.remove("parameters").and_then(|p| match p {
        Value::Array(a) => Some(a),
        _ => None,
    });
    for method in HttpMethod::ALL.map(HttpMethod::as_str) {
        let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
            continue;
        };
        if let Some(shared) = &shared {
            let params = op
                .entry("parameters")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = params {
                let key = |p: &Value| param_key(doc, p);
                let own: Vec<(String, String)> = list.iter().filter_map(key).collect();
                for p in shared {
                    if key(p).is_none_or(|k| !own.contains(&k)) {
                        list.push(p.clone());
                    }
                }
            }
        }
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                require_path_parameter(p, &at.push(method).push("parameters").index(i), ctx);
            }
        }
    }
}

/// `(name, in)` of a parameter, through references into `doc`; a header's name in lower case
/// (HTTP header names are case-insensitive, as validation compares them).
fn param_key(doc: &Value, p: &Value) -> Option<(String, String)> {
    let p = crate::refs::resolve(doc, p, &Pointer::root()).ok()?;
    let name = p.get("name")?.as_str()?;
    let location = p.get("in")?.as_str()?;
    let name = if location == "header" {
        name.to_ascii_lowercase()
    } else {
        name.to_owned()
    };
    Some((name, location.to_owned()))
}

fn require_path_parameter(p: &mut Value, at: &Pointer, ctx: &mut Ctx<'_>) {
    let Some(obj) = p.as_object_mut() else { return };
    if obj.get("in").and_then(Value::as_str) == Some("path")
        && obj.get("required") != Some(&Value::Bool(true))
    {
        ctx.warn(
            "path-param-required",
            &at.push("required"),
            "a path parameter is always required; read as `required: true`",
        );
        obj.insert("required".to_owned(), Value::Bool(true));
    }
}

impl Visitor for Ctx<'_> {
    fn enter(&mut self, schema: &mut Value, at: &Pointer) {
        // Before the children: a property's boolean `required` belongs to this object.
        if let Some(obj) = schema.as_object_mut() {
            lift_property_required(obj, at, self);
        }
    }

    fn leave(&mut self, schema: &mut Value, at: &Pointer) {
        normalize_schema(schema, at, self);
    }
}

/// The rules for one schema, applied after its subschemas were normalized.
fn normalize_schema(schema: &mut Value, at: &Pointer, ctx: &mut Ctx<'_>) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    check_type_names(obj, at, ctx);
    if let Some(Value::Bool(_)) = obj.get("required") {
        // A boolean `required` outside `properties` has no parent to apply to.
        ctx.warn(
            "required-boolean",
            &at.push("required"),
            "a boolean `required` is not JSON Schema and has no parent object here; ignored",
        );
        obj.remove("required");
    }

    if obj.get("type").and_then(Value::as_str) == Some("array") {
        match obj.get("items") {
            None => ctx.warn(
                "array-without-items",
                at,
                "the array does not say what its items are; they decode as arbitrary JSON values",
            ),
            Some(Value::Object(items)) if items.is_empty() => ctx.warn(
                "untyped-items",
                &at.push("items"),
                "`items: {}` says nothing about the items; they decode as arbitrary JSON values",
            ),
            _ => {}
        }
    }

    upgrade_exclusive_bounds(obj);
    unwrap_single_allof(obj, at, ctx);
    lower_nullable(schema, at, ctx);
}

fn check_type_names(obj: &Map<String, Value>, at: &Pointer, ctx: &mut Ctx<'_>) {
    let names: Vec<(&Value, Pointer)> = match obj.get("type") {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, v)| (v, at.push("type").index(i)))
            .collect(),
        Some(v) => vec![(v, at.push("type"))],
        None => return,
    };
    for (v, p) in names {
        match v.as_str() {
            Some(name) if TYPE_NAMES.contains(&name) => {}
            Some(name) => {
                let hint = closest(name, TYPE_NAMES)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                ctx.error(
                    "unknown-type",
                    &p,
                    format!("`{name}` is not a JSON Schema type{hint}"),
                );
            }
            None => ctx.error(
                "unknown-type",
                &p,
                format!("`type` must be a type name, found {v}"),
            ),
        }
    }
}

/// The candidate within edit distance 2 of `word`, if any.
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                cur.push(
                    (prev[j] + usize::from(ca != *cb))
                        .min(prev[j + 1] + 1)
                        .min(cur[j] + 1),
                );
            }
            prev = cur;
        }
        prev[b.len()]
    }
    candidates
        .iter()
        .map(|c| (distance(&word.to_ascii_lowercase(), c), *c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

/// `properties: {x: {required: true}}` → `required: [x]`.
fn lift_property_required(obj: &mut Map<String, Value>, at: &Pointer, ctx: &mut Ctx<'_>) {
    let Some(Value::Object(props)) = obj.get_mut("properties") else {
        return;
    };
    let mut lifted = Vec::new();
    for (name, prop) in props.iter_mut() {
        let Some(p) = prop.as_object_mut() else {
            continue;
        };
        if let Some(Value::Bool(flag)) = p.get("required") {
            let flag = *flag;
            p.remove("required");
            let where_ = at.push("properties").push(name).push("required");
            if flag {
                ctx.warn(
                    "required-boolean",
                    &where_,
                    format!("`required: true` on a property is not JSON Schema; read as `{name}` in the parent's `required` list"),
                );
                lifted.push(name.clone());
            } else {
                ctx.warn(
                    "required-boolean",
                    &where_,
                    "`required: false` on a property is not JSON Schema; ignored",
                );
            }
        }
    }
    if lifted.is_empty() {
        return;
    }
    let required = obj
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = required {
        for name in lifted {
            if !list.iter().any(|v| v.as_str() == Some(name.as_str())) {
                list.push(Value::String(name));
            }
        }
    }
}

/// 3.0's boolean exclusive bounds become 3.1's numeric ones.
fn upgrade_exclusive_bounds(obj: &mut Map<String, Value>) {
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(on)) = obj.get(flag) {
            let on = *on;
            obj.remove(flag);
            if on {
                if let Some(n) = obj.remove(bound) {
                    obj.insert(flag.to_owned(), n);
                }
            }
        }
    }
}

/// `{allOf: [{...inline...}], default: x}` → `{..., default: x}` when nothing clashes.
fn unwrap_single_allof(obj: &mut Map<String, Value>, at: &Pointer, ctx: &mut Ctx<'_>) {
    let Some(Value::Array(list)) = obj.get("allOf") else {
        return;
    };
    let [Value::Object(inner)] = list.as_slice() else {
        return;
    };
    if inner.contains_key("$ref") {
        return; // `allOf: [{$ref}]` + siblings is how 3.0 writes a described reference.
    }
    let clash = inner
        .iter()
        .any(|(k, v)| obj.get(k).is_some_and(|outer| outer != v) && k != "allOf");
    if clash {
        return;
    }
    let inner = inner.clone();
    ctx.warn(
        "allof-wrapper",
        &at.push("allOf"),
        "`allOf` with a single inline schema and sibling keywords; read as one schema",
    );
    obj.remove("allOf");
    // Inner keywords first, then the outer siblings (default, description, ...).
    let outer = std::mem::take(obj);
    for (k, v) in inner {
        obj.insert(k, v);
    }
    for (k, v) in outer {
        obj.entry(k).or_insert(v);
    }
}

/// `nullable: true` → `anyOf: [<schema>, {type: "null"}]`.
fn lower_nullable(schema: &mut Value, at: &Pointer, ctx: &mut Ctx<'_>) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let Some(flag) = obj.get("nullable") else {
        return;
    };
    let Value::Bool(on) = *flag else { return };
    obj.remove("nullable");
    if ctx.is_31 {
        let message = if on {
            "`nullable: true` is OpenAPI 3.0, ignored by 3.1 readers; read as `anyOf: [<schema>, {type: \"null\"}]`"
        } else {
            "`nullable: false` is OpenAPI 3.0 and means nothing in 3.1; removed"
        };
        ctx.warn("nullable-3.0", &at.push("nullable"), message);
    }
    if !on || admits_null(obj) {
        return;
    }
    let mut outer = Map::new();
    let mut inner = Map::new();
    for (k, v) in std::mem::take(obj) {
        if ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-") {
            outer.insert(k, v);
        } else {
            inner.insert(k, v);
        }
    }
    // `{allOf: [X]}` alone is X.
    let inner = match inner.get("allOf") {
        Some(Value::Array(list)) if inner.len() == 1 && list.len() == 1 => list[0].clone(),
        _ => Value::Object(inner),
    };
    let mut wrapped = Map::new();
    wrapped.insert("anyOf".to_owned(), json!([inner, {"type": "null"}]));
    wrapped.extend(outer);
    *schema = Value::Object(wrapped);
}

/// Whether a schema already admits null (type null, or a null branch).
fn admits_null(obj: &Map<String, Value>) -> bool {
    match obj.get("type") {
        Some(Value::String(t)) if t == "null" => return true,
        Some(Value::Array(ts)) if ts.iter().any(|t| t == "null") => return true,
        _ => {}
    }
    ["anyOf", "oneOf"].iter().any(|k| {
        obj.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|branches| {
                branches
                    .iter()
                    .any(|b| b.get("type").and_then(Value::as_str) == Some("null"))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(doc: Value) -> (Value, Vec<String>) {
        let mut f = Fragment {
            file: PathBuf::from("f.yaml"),
            document: doc,
            lines: LineMap::default(),
        };
        let mut diags = Diagnostics::new();
        normalize(&mut f, &mut diags);
        (f.document, diags.iter().map(ToString::to_string).collect())
    }

    fn doc_with_schema(schema: Value) -> Value {
        json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}})
    }

    #[test]
    fn nullable_becomes_any_of_null_with_a_warning() {
        let (doc, w) = run(doc_with_schema(
            json!({"type": "string", "nullable": true, "enum": ["a"], "description": "d"}),
        ));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}], "description": "d"})
        );
        assert_eq!(
            w,
            vec![
                "warning[nullable-3.0]: f.yaml: #/components/schemas/S/nullable: `nullable: true` is OpenAPI 3.0, ignored by 3.1 readers; read as `anyOf: [<schema>, {type: \"null\"}]`"
            ]
        );
    }

    #[test]
    fn nullable_in_a_3_0_document_is_converted_silently() {
        let mut d = doc_with_schema(json!({"$ref": "#/components/schemas/T", "nullable": true}));
        d["openapi"] = json!("3.0.3");
        let (doc, w) = run(d);
        assert_eq!(doc["openapi"], json!("3.1.0"));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})
        );
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn property_level_required_moves_to_the_parent() {
        let (doc, w) = run(doc_with_schema(
            json!({"type": "object", "required": ["b"], "properties": {"a": {"type": "string", "required": true}, "b": {"type": "string"}, "c": {"type": "string", "required": false}}}),
        ));
        let s = &doc["components"]["schemas"]["S"];
        assert_eq!(s["required"], json!(["b", "a"]));
        assert_eq!(s["properties"]["a"], json!({"type": "string"}));
        assert_eq!(s["properties"]["c"], json!({"type": "string"}));
        assert_eq!(w.len(), 2);
        assert!(
            w[0].starts_with(
                "warning[required-boolean]: f.yaml: #/components/schemas/S/properties/a/required:"
            ),
            "{w:?}"
        );
    }

    #[test]
    fn single_allof_wrappers_are_unwrapped() {
        let (doc, w) = run(doc_with_schema(
            json!({"allOf": [{"enum": ["X", "Y"], "title": "E", "type": "string"}], "default": "X"}),
        ));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"enum": ["X", "Y"], "title": "E", "type": "string", "default": "X"})
        );
        assert_eq!(
            w,
            vec![
                "warning[allof-wrapper]: f.yaml: #/components/schemas/S/allOf: `allOf` with a single inline schema and sibling keywords; read as one schema"
            ]
        );
        // A described reference stays as it is.
        let keep = json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "d"});
        let (doc, w) = run(doc_with_schema(keep.clone()));
        assert_eq!(doc["components"]["schemas"]["S"], keep);
        assert!(w.is_empty());
    }

    #[test]
    fn untyped_items_and_missing_items_are_reported() {
        let (_, w) = run(doc_with_schema(
            json!({"type": "object", "properties": {"a": {"type": "array", "items": {}}, "b": {"type": "array"}}}),
        ));
        assert_eq!(
            w,
            vec![
                "warning[untyped-items]: f.yaml: #/components/schemas/S/properties/a/items: `items: {}` says nothing about the items; they decode as arbitrary JSON values",
                "warning[array-without-items]: f.yaml: #/components/schemas/S/properties/b: the array does not say what its items are; they decode as arbitrary JSON values",
            ]
        );
    }

    #[test]
    fn unknown_types_are_located_errors_with_a_suggestion() {
        let (_, w) = run(doc_with_schema(
            json!({"type": "object", "properties": {"a": {"type": "strng"}, "b": {"type": ["integer", "nul"]}}}),
        ));
        assert_eq!(
            w,
            vec![
                "error[unknown-type]: f.yaml: #/components/schemas/S/properties/a/type: `strng` is not a JSON Schema type; did you mean `string`?",
                "error[unknown-type]: f.yaml: #/components/schemas/S/properties/b/type/1: `nul` is not a JSON Schema type; did you mean `null`?",
            ]
        );
    }

    #[test]
    fn path_level_parameters_move_into_operations_and_path_params_are_required() {
        let (doc, w) = run(json!({"openapi": "3.1.0", "paths": {"/a/{id}": {
            "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}, {"name": "q", "in": "query"}],
            "get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}}]}}}}));
        let params = &doc["paths"]["/a/{id}"]["get"]["parameters"];
        assert_eq!(
            params,
            &json!([{"name": "q", "in": "query", "schema": {"type": "integer"}}, {"name": "id", "in": "path", "schema": {"type": "string"}, "required": true}])
        );
        assert!(doc["paths"]["/a/{id}"].get("parameters").is_none());
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("warning[path-param-required]"), "{w:?}");
    }

    #[test]
    fn unsupported_versions_are_errors() {
        let (_, w) = run(json!({"swagger": "2.0"}));
        assert_eq!(
            w,
            vec![
                "error[unsupported-version]: f.yaml: #/swagger: OpenAPI version \"2.0\" is not supported; fragments must be OpenAPI 3.0 or 3.1"
            ]
        );
    }

    #[test]
    fn an_operation_parameter_overrides_a_path_level_one_through_references() {
        let (doc, _) = run(json!({"openapi": "3.1.0",
            "paths": {"/a": {
                "parameters": [{"$ref": "#/components/parameters/Q"}, {"name": "r", "in": "query"}],
                "get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}}, {"$ref": "#/components/parameters/R"}]}}},
            "components": {"parameters": {
                "Q": {"name": "q", "in": "query"},
                "R": {"name": "r", "in": "query"}}}}));
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"],
            json!([{"name": "q", "in": "query", "schema": {"type": "integer"}}, {"$ref": "#/components/parameters/R"}])
        );
    }

    #[test]
    fn a_header_parameter_is_redefined_whatever_the_case_of_its_name() {
        let (doc, _) = run(json!({"openapi": "3.1.0",
            "paths": {"/a": {
                "parameters": [{"$ref": "#/components/parameters/Trace"}],
                "get": {"parameters": [{"name": "x-trace-id", "in": "header", "schema": {"type": "string"}}]}}},
            "components": {"parameters": {
                "Trace": {"name": "X-Trace-Id", "in": "header", "schema": {"type": "integer"}}}}}));
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"],
            json!([{"name": "x-trace-id", "in": "header", "schema": {"type": "string"}}])
        );
    }

    #[test]
    fn exclusive_bounds_are_upgraded() {
        let mut d = doc_with_schema(
            json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": false}),
        );
        d["openapi"] = json!("3.0.0");
        let (doc, _) = run(d);
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "integer", "maximum": 9, "exclusiveMinimum": 1})
        );
    }
}
