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
//! | boolean schemas `true` / `false` | `{}` / `{not: {}}` (`additionalProperties` keeps its boolean) |
//! | an operation without `responses` (optional in 3.1) | `responses: {}` |
//! | a document without `paths` (optional in 3.1) | `paths: {}` |
//! | a path item `$ref` (`#/components/pathItems/X`) | the path item it names, merged with its siblings |
//!
//! What the generator does not use, or `openapiv3` cannot hold, is left out of the typed
//! model with an `unsupported-feature` warning naming it (the merged document keeps it):
//! `webhooks`, a `jsonSchemaDialect` other than OpenAPI's own, security schemes of other types than `apiKey`, `http`,
//! `oauth2` and `openIdConnect` (`mutualTLS`), callbacks, links, the `headers` of multipart
//! `encoding` entries, and the JSON Schema keywords `$schema`, `$id`, `$anchor`, `$defs`,
//! `$dynamicRef`, `$dynamicAnchor`. A schema `openapiv3` still cannot read (`maxLength: 10.0`,
//! an integer-valued number where it wants an integer) is read as any JSON value, with an
//! `unreadable-schema` warning.

use serde_json::{Map, Value, json};

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::pointer::Pointer;
use crate::walk::{Object, Visitor, for_each_subschema, walk_document};

/// The typed model of a merged document, and what lowering left out of it.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The typed document.
    pub api: openapiv3::OpenAPI,
    /// One warning per feature left out, located by JSON pointer.
    pub warnings: Diagnostics,
}

/// Lowers a copy of `doc` and parses it with `openapiv3`.
pub fn to_openapiv3(doc: &Value) -> Result<openapiv3::OpenAPI, Diagnostic> {
    lower_document(doc).map(|l| l.api)
}

/// Lowers a copy of `doc` and parses it with `openapiv3`, saying what was left out.
pub fn lower_document(doc: &Value) -> Result<Lowered, Diagnostic> {
    let mut lowered = doc.clone();
    let mut warnings = Diagnostics::new();
    drop_document_features(&mut lowered, &mut warnings);
    let mut lowering = Lowering {
        source: doc,
        warnings: &mut warnings,
    };
    walk_document(&mut lowered, &mut lowering);
    if let Some(obj) = lowered.as_object_mut() {
        obj.insert("openapi".to_owned(), json!("3.0.3"));
        // Optional since 3.1 (a document of webhooks or components only).
        obj.entry("paths").or_insert_with(|| json!({}));
    }
    let api = parse_with_repairs(&mut lowered, &mut warnings)?;
    Ok(Lowered { api, warnings })
}

/// A warning that `what` (at `at`) is left out of the generated client.
fn unsupported(at: &Pointer, what: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::warning(
        "unsupported-feature",
        Location {
            pointer: Some(at.to_string()),
            ..Location::default()
        },
        format!("{what}; left out of the generated client"),
    )
}

/// The default `jsonSchemaDialect` of OpenAPI 3.1 (`.../dialect/base`, or a dated version).
const OAS_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/";

/// The security scheme types `openapiv3` models.
const SECURITY_TYPES: &[&str] = &["apiKey", "http", "oauth2", "openIdConnect"];

/// Top-level features the typed model does not hold.
fn drop_document_features(doc: &mut Value, warnings: &mut Diagnostics) {
    let root = Pointer::root();
    let Some(obj) = doc.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(hooks)) = obj.remove("webhooks") {
        for name in hooks.keys() {
            let at = root.push("webhooks").push(name);
            warnings.push(unsupported(&at, format!("webhook `{name}` (OpenAPI 3.1) describes requests the API sends, not operations a client calls")));
        }
    }
    // OpenAPI 3.1's own dialect is the one every schema is read in.
    let base = |d: &Value| d.as_str().is_some_and(|d| d.starts_with(OAS_DIALECT));
    if let Some(dialect) = obj.remove("jsonSchemaDialect").filter(|d| !base(d)) {
        warnings.push(unsupported(
            &root.push("jsonSchemaDialect"),
            format!("`jsonSchemaDialect` {dialect}: schemas are read as OpenAPI 3.1 schemas whatever the dialect"),
        ));
    }
    let Some(Value::Object(schemes)) = obj
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
    else {
        return;
    };
    schemes.retain(|name, scheme| {
        let ty = scheme
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let known = scheme.get("$ref").is_some() || SECURITY_TYPES.contains(&ty);
        if !known {
            let at = root.push("components").push("securitySchemes").push(name);
            warnings.push(unsupported(
                &at,
                format!("security scheme `{name}` has type `{ty}`, which the client cannot send"),
            ));
        }
        known
    });
}

/// Parses `lowered`; each schema `openapiv3` cannot read becomes `{}` (any JSON value) with a
/// warning, until the document reads or what does not read is not a schema.
fn parse_with_repairs(
    lowered: &mut Value,
    warnings: &mut Diagnostics,
) -> Result<openapiv3::OpenAPI, Diagnostic> {
    // Every schema, deepest first (a schema often fails only because of one below it); found
    // only when something does not read.
    let mut schemas: Option<Vec<Pointer>> = None;
    // Each repair empties one more schema, so there are at most as many as schemas.
    let mut repairs = 0;
    loop {
        let e = match serde_path_to_error::deserialize(&*lowered) {
            Ok(api) => return Ok(api),
            Err(e) => e,
        };
        let schemas = schemas.get_or_insert_with(|| {
            let mut found = SchemaPointers::default();
            walk_document(lowered, &mut found);
            found.0.sort_by_key(|p| std::cmp::Reverse(p.tokens().len()));
            found.0
        });
        // The crate's maps lose the path; find the part that does not read, one by one.
        let (at, message) = locate_unreadable(lowered)
            .unwrap_or_else(|| (pointer_of(Pointer::root(), e.path()), e.inner().to_string()));
        let repair = unreadable_schema(lowered, schemas, &at).filter(|_| repairs < schemas.len());
        repairs += 1;
        let Some((schema_at, why)) = repair else {
            return Err(Diagnostic::error(
                "unreadable-document",
                Location {
                    pointer: Some(at.to_string()),
                    ..Location::default()
                },
                explain(&at, &message),
            ));
        };
        if let Some(schema) = schema_at.get_mut(lowered) {
            let mut any = Map::new();
            for keep in ["title", "description"] {
                if let Some(v) = schema.get(keep) {
                    any.insert(keep.to_owned(), v.clone());
                }
            }
            *schema = Value::Object(any);
        }
        warnings.push(Diagnostic::warning(
            "unreadable-schema",
            Location {
                pointer: Some(schema_at.to_string()),
                ..Location::default()
            },
            format!("the generator cannot read this schema ({why}); its values decode as arbitrary JSON values"),
        ));
    }
}

/// What the OpenAPI object at `at` is, by where it is (`the parameter`, `the OAuth2 flow
/// `implicit``).
fn object_at(at: &Pointer) -> String {
    let tokens = at.tokens();
    let n = tokens.len();
    let tok = |i: usize| tokens.get(i).map(String::as_str);
    let (last, parent) = (
        n.checked_sub(1).and_then(tok),
        n.checked_sub(2).and_then(tok),
    );
    let named = |what: &str| format!("the {what} `{}`", last.unwrap_or_default());
    match (parent, last) {
        (_, None) => "the document".to_owned(),
        (Some("parameters"), _) => "the parameter".to_owned(),
        (Some("responses"), _) => named("response"),
        (Some("flows"), _) => named("OAuth2 flow"),
        (Some("securitySchemes"), _) => named("security scheme"),
        (Some("headers"), _) => named("header"),
        (Some("content"), _) => named("media type"),
        (Some("encoding"), _) => named("encoding of"),
        (Some("examples"), _) => named("example"),
        (Some("variables"), _) => named("server variable"),
        (Some("servers"), _) => "the server".to_owned(),
        (Some("tags"), _) => "the tag".to_owned(),
        (Some("paths"), _) => named("path"),
        (_, Some("requestBody")) => "the request body".to_owned(),
        (_, Some("responses")) => "the responses".to_owned(),
        (_, Some("info")) if n == 1 => "the `info` object".to_owned(),
        (_, Some("license" | "contact")) => named("object"),
        (_, Some(key)) if crate::http::HttpMethod::from_key(key).is_some() => {
            format!("the {} operation", key.to_uppercase())
        }
        (_, Some(key)) => format!("`{key}`"),
    }
}

/// An error of the typed parse said as what is wrong with the document, not as the reader's
/// complaint: which object, and which of its fields is missing or has a value it cannot hold.
fn explain(at: &Pointer, message: &str) -> String {
    let what = object_at(at);
    // serde's own wording, without its position suffix.
    let message = message.split(" at line ").next().unwrap_or(message);
    let quoted = |m: &str| -> Option<String> {
        let start = m.find('`')? + 1;
        let len = m[start..].find('`')?;
        Some(m[start..start + len].to_owned())
    };
    if let Some(rest) = message.strip_prefix("missing field ") {
        let field = quoted(rest).unwrap_or_else(|| rest.to_owned());
        return format!(
            "{what} has no `{field}`, which OpenAPI requires (the generator cannot read the document without it)"
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let value = quoted(rest).unwrap_or_else(|| rest.to_owned());
        let expected = rest.split_once("expected ").map_or("", |(_, e)| e);
        return format!(
            "{what} has `{value}` where OpenAPI allows {expected}; the generator cannot read it"
        );
    }
    let wrong = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    if let Some(rest) = wrong {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return format!(
            "{what} holds {found} where OpenAPI wants {expected}; the generator cannot read it"
        );
    }
    format!("{what} cannot be read as OpenAPI: {message}")
}

/// The pointer of every schema of a document.
#[derive(Default)]
struct SchemaPointers(Vec<Pointer>);

impl Visitor for SchemaPointers {
    fn enter(&mut self, _schema: &mut Value, at: &Pointer) {
        self.0.push(at.clone());
    }
}

/// The deepest schema at, around or below `at` that does not read on its own, with why.
fn unreadable_schema(doc: &Value, schemas: &[Pointer], at: &Pointer) -> Option<(Pointer, String)> {
    let related = |s: &Pointer| {
        let (s, a) = (s.as_str(), at.as_str());
        s.strip_prefix(a)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            || a.strip_prefix(s)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    schemas.iter().filter(|s| related(s)).find_map(|s| {
        let value = s.get(doc)?;
        let err =
            serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Schema>>(value.clone())
                .err()?;
        // A schema with nothing left to remove cannot be the cause.
        (value
            .as_object()
            .is_some_and(|o| o.keys().any(|k| k != "title" && k != "description")))
        .then(|| (s.clone(), err.to_string()))
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
    /// The members of the object `v[key]` (none when it is not one).
    fn members<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = (&'a String, &'a Value)> {
        v.get(key).and_then(Value::as_object).into_iter().flatten()
    }
    let root = Pointer::root();
    for (path, item) in members(doc, "paths") {
        let at = root.push("paths").push(path);
        for (key, op) in item.as_object().into_iter().flatten() {
            if crate::http::HttpMethod::from_key(key).is_some() {
                let op_at = at.push(key);
                // Its parts first: the typed maps of responses lose the path below them.
                for (code, r) in members(op, "responses") {
                    let r_at = op_at.push("responses").push(code);
                    let found = try_part::<openapiv3::ReferenceOr<openapiv3::Response>>(r, r_at);
                    if found.is_some() {
                        return found;
                    }
                }
                if let Some(found) = try_part::<openapiv3::Operation>(op, op_at) {
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

/// The walk that lowers every schema and adapts every object to what `openapiv3` holds.
struct Lowering<'a> {
    /// The document before lowering, where references are looked up.
    source: &'a Value,
    warnings: &'a mut Diagnostics,
}

/// JSON Schema keywords the generator does not read, and what each is.
const UNREAD_KEYWORDS: &[(&str, &str)] = &[
    (
        "$schema",
        "names the schema's dialect; it is read as an OpenAPI 3.1 schema",
    ),
    (
        "$id",
        "identifies the schema by URI, which references cannot use here",
    ),
    (
        "$anchor",
        "names the schema for references, which cannot use it here",
    ),
    (
        "$defs",
        "holds schemas that only references into it could use; such references decode as arbitrary JSON values",
    ),
    (
        "$dynamicRef",
        "is a dynamic reference, which the generator does not follow",
    ),
    (
        "$dynamicAnchor",
        "names the schema for dynamic references, which the generator does not follow",
    ),
    ("$vocabulary", "declares the vocabularies of a meta-schema"),
];

impl Visitor for Lowering<'_> {
    fn object(&mut self, kind: Object, value: &mut Value, at: &Pointer) {
        match kind {
            Object::PathItem => inline_path_item(self.source, value, at),
            Object::Operation => {
                let Some(op) = value.as_object_mut() else {
                    return;
                };
                op.entry("responses").or_insert_with(|| json!({}));
                if op.remove("callbacks").is_some() {
                    let at = at.push("callbacks");
                    self.warnings.push(unsupported(
                        &at,
                        "callbacks describe requests the API sends back",
                    ));
                }
            }
            Object::MediaType => {
                // An encoding's content type, style, explode and allowReserved are generated;
                // headers of individual parts are not.
                let Some(encodings) = value.get_mut("encoding").and_then(Value::as_object_mut)
                else {
                    return;
                };
                for (name, e) in encodings.iter_mut() {
                    if let Some(e) = e.as_object_mut() {
                        // `explode` defaults to `true` for `form` only: written out, since the
                        // typed model cannot tell an absent one from `false`.
                        if !e.contains_key("explode") {
                            if let Some(style) = e.get("style").and_then(Value::as_str) {
                                e.insert("explode".to_owned(), Value::Bool(style == "form"));
                            }
                        }
                        if e.remove("headers").is_some() {
                            let at = at.push("encoding").push(name).push("headers");
                            self.warnings
                                .push(unsupported(&at, "headers of a multipart part are not sent"));
                        }
                    }
                }
            }
            Object::Response => {
                if let Some(obj) = value.as_object_mut() {
                    if obj.remove("links").is_some() {
                        let at = at.push("links");
                        self.warnings.push(unsupported(
                            &at,
                            "links between operations are not generated",
                        ));
                    }
                }
            }
            _ => {}
        }
    }

    fn leave(&mut self, schema: &mut Value, at: &Pointer) {
        if let Some(obj) = schema.as_object_mut() {
            for (keyword, what) in UNREAD_KEYWORDS {
                if obj.remove(*keyword).is_some() {
                    let what = format!("`{keyword}` {what}");
                    self.warnings.push(unsupported(&at.push(keyword), what));
                }
            }
        }
        lower(schema);
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        for_each_subschema(obj, at, &mut |child, _, keyword| {
            // `openapiv3` reads a boolean only as `additionalProperties`.
            if keyword != "additionalProperties" {
                match child {
                    Value::Bool(true) => *child = json!({}),
                    Value::Bool(false) => *child = json!({"not": {}}),
                    _ => {}
                }
            }
        });
    }
}

/// A path item's `$ref` replaced by the path item it names (looked up in `source`), its own
/// fields winning. A reference that does not resolve is left (validation reports it).
fn inline_path_item(source: &Value, item: &mut Value, at: &Pointer) {
    let Some(obj) = item.as_object_mut() else {
        return;
    };
    let Some(reference) = obj.remove("$ref") else {
        return;
    };
    let holder = json!({ "$ref": reference });
    match crate::refs::resolve(source, &holder, at) {
        Ok(Value::Object(target)) => {
            let own = std::mem::take(obj);
            obj.extend(target.clone());
            obj.extend(own);
        }
        _ => {
            obj.insert("$ref".to_owned(), reference);
        }
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
        let mut warnings = Diagnostics::new();
        let source = Value::Null;
        let mut lowering = Lowering {
            source: &source,
            warnings: &mut warnings,
        };
        crate::walk::walk_schema(&mut v, &Pointer::root(), &mut lowering);
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

    fn warnings_of(lowered: &Lowered) -> Vec<String> {
        lowered.warnings.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn valid_3_1_documents_reach_the_typed_model_with_warnings_for_what_is_left_out() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "webhooks": {"newPet": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": ["string", "null"]}}}}}}},
            "paths": {
                "/pets": {"$ref": "#/components/pathItems/Pets"},
                "/upload": {"post": {
                    "requestBody": {"content": {"multipart/form-data": {
                        "schema": {"type": "object", "properties": {"file": {"type": "string", "contentMediaType": "image/png"}, "meta": true}},
                        "encoding": {"file": {"contentType": "image/png", "headers": {"X-Rate": {"schema": {"type": ["integer", "null"]}}}, "style": "form", "explode": true, "allowReserved": false}}
                    }}},
                    "callbacks": {"done": {"{$request.body#/url}": {"post": {"responses": {"200": {"description": "OK"}}}}}}
                }}
            },
            "components": {
                "pathItems": {"Pets": {"get": {"operationId": "listPets", "responses": {"200": {"description": "OK",
                    "links": {"next": {"operationId": "listPets"}},
                    "content": {"application/json": {"schema": {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "pets", "type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}}}}}},
                "schemas": {"Pet": {"$anchor": "pet", "$defs": {"Tag": {"type": "string"}}, "type": "object", "additionalProperties": false, "properties": {"name": {"type": "string"}}}},
                "securitySchemes": {"mtls": {"type": "mutualTLS"}, "key": {"type": "apiKey", "in": "header", "name": "K"}}
            }
        });
        let lowered = lower_document(&doc).expect("reads");
        let api = &lowered.api;
        assert!(
            api.paths.paths["/pets"]
                .as_item()
                .is_some_and(|i| i.get.is_some())
        );
        let upload = api.paths.paths["/upload"]
            .as_item()
            .and_then(|i| i.post.as_ref());
        assert!(
            upload.is_some_and(|op| op.responses.responses.is_empty() && op.callbacks.is_empty())
        );
        let schemes = &api
            .components
            .as_ref()
            .expect("components")
            .security_schemes;
        assert_eq!(schemes.keys().collect::<Vec<_>>(), ["key"]);
        let w = warnings_of(&lowered);
        let expected = [
            "#/webhooks/newPet: webhook `newPet` (OpenAPI 3.1)",
            "#/jsonSchemaDialect: `jsonSchemaDialect` \"https://json-schema.org/draft/2020-12/schema\"",
            "#/components/securitySchemes/mtls: security scheme `mtls` has type `mutualTLS`",
            "#/paths/~1upload/post/callbacks: callbacks",
            "#/paths/~1upload/post/requestBody/content/multipart~1form-data/encoding/file/headers: headers of a multipart part",
            "#/components/pathItems/Pets/get/responses/200/links: links",
            "#/components/pathItems/Pets/get/responses/200/content/application~1json/schema/$schema: `$schema`",
            "#/components/schemas/Pet/$defs: `$defs`",
            "#/components/schemas/Pet/$anchor: `$anchor`",
        ];
        for needle in expected {
            assert!(
                w.iter()
                    .any(|m| m.starts_with("warning[unsupported-feature]: ") && m.contains(needle)),
                "no warning at {needle}: {w:#?}"
            );
        }
    }

    #[test]
    fn a_schema_openapiv3_cannot_read_becomes_any_value_with_a_warning() {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "OK", "content": {"application/json": {"schema":
                {"type": "object", "properties": {"n": {"type": "string", "maxLength": 10.0, "description": "d"}, "s": {"type": "string"}}}}}}}}}}});
        let lowered = lower_document(&doc).expect("reads");
        assert_eq!(
            warnings_of(&lowered),
            vec![
                "warning[unreadable-schema]: #/paths/~1a/get/responses/200/content/application~1json/schema/properties/n: the generator cannot read this schema (invalid type: floating point `10.0`, expected usize); its values decode as arbitrary JSON values"
            ]
        );
        // What is not a schema stays an error.
        let broken = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"parameters": [{"name": "p", "in": "query", "style": "sideways", "schema": {"type": "string"}}], "responses": {}}}}});
        let err = lower_document(&broken).expect_err("unreadable");
        assert_eq!(err.code, "unreadable-document");
    }

    #[test]
    fn what_the_typed_model_cannot_read_is_named_with_its_place() {
        let with = |paths: Value, components: Value| json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths, "components": components});
        let ok = json!({"200": {"description": "OK"}});
        let cases = [
            (
                with(
                    json!({"/a": {"get": {"responses": {"200": {}}}}}),
                    json!({}),
                ),
                "error[unreadable-document]: #/paths/~1a/get/responses/200: the response `200` has no `description`, which OpenAPI requires (the generator cannot read the document without it)",
            ),
            (
                with(
                    json!({"/a": {"get": {"parameters": [{"name": "p", "in": "query", "style": "sideways", "schema": {}}], "responses": ok}}}),
                    json!({}),
                ),
                "error[unreadable-document]: #/paths/~1a/get/parameters/0: the parameter has `sideways` where OpenAPI allows one of `form`, `spaceDelimited`, `pipeDelimited`, `deepObject`; the generator cannot read it",
            ),
            (
                with(
                    json!({"/a": {"get": {"responses": ok}}}),
                    json!({"securitySchemes": {"o": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://a"}}}}}),
                ),
                "error[unreadable-document]: #/components/securitySchemes/o: the security scheme `o` has no `scopes`, which OpenAPI requires (the generator cannot read the document without it)",
            ),
        ];
        for (doc, expected) in cases {
            let err = lower_document(&doc).expect_err("unreadable");
            assert_eq!(err.to_string(), expected);
        }
        // 3.1 makes `paths` optional.
        let no_paths =
            json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {}});
        assert!(lower_document(&no_paths).is_ok());
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
