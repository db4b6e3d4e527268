//! One OpenAPI document → docs pages of the project's format.
//!
//! Each operation becomes a `## heading` and one ```` ```json ```` block holding a complete
//! small OpenAPI document with exactly that operation (a "fragment"): the document's
//! `openapi`, `info`, `jsonSchemaDialect`, `servers` and `security`, the tags the operation
//! names, its path item (path-level `summary`, `description`, `servers`, `parameters` and
//! extensions kept, the other methods dropped), and every component it references,
//! transitively. Security schemes named by the document's or the operation's `security` come
//! along. Operations are grouped into one page per first tag.
//!
//! References are followed where OpenAPI gives them meaning: a `$ref` inside an example value,
//! a `default`, an `enum`, a `const` or an `x-` extension is data, not a reference, and pulls in
//! nothing (it is kept verbatim, so a generator that resolves it anyway shows up as failing). A
//! local reference outside `#/components/` (`#/paths/...`), which a one-operation document could
//! not resolve, is replaced by a copy of its target; the number of such copies is reported.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use generator::http::METHODS;
use serde_json::{Map, Value};

/// The pages of one document.
#[derive(Debug, Clone)]
pub struct Split {
    /// `(file name, markdown)`, sorted by file name.
    pub pages: Vec<(String, String)>,
    /// Operations, i.e. JSON blocks over all pages.
    pub operations: usize,
    /// Total size of the pages in bytes.
    pub bytes: usize,
    /// What the split changed or left out (copied non-component references, webhooks).
    pub notes: Vec<String>,
}

/// Why a document yields no pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsplittable {
    /// A Swagger 2.0 (or older) document: outside the generator's scope.
    Swagger(String),
    /// No `openapi` field, or not an object.
    NotOpenApi,
    /// No operation under `paths` (e.g. a document of webhooks only).
    NoOperations,
    /// The pages would exceed the size limit (every operation carries its components).
    TooLarge {
        /// Bytes written when the limit was hit.
        bytes: usize,
        /// Operations of the document.
        operations: usize,
    },
}

impl std::fmt::Display for Unsplittable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unsplittable::Swagger(v) => write!(
                f,
                "a Swagger {v} document: out of the generator's scope (OpenAPI 3.0/3.1 only)"
            ),
            Unsplittable::NotOpenApi => f.write_str("not an OpenAPI document (no `openapi` field)"),
            Unsplittable::NoOperations => {
                f.write_str("the document has no operation under `paths`: nothing to split")
            }
            Unsplittable::TooLarge { bytes, operations } => write!(
                f,
                "the pages of its {operations} operations exceed {} MB (each operation's block carries \
                 every component it references); stopped at {} MB",
                MAX_BYTES / 1_000_000,
                bytes / 1_000_000
            ),
        }
    }
}

/// Pages larger than this in total are not written (a few huge documents whose operations each
/// reference most of the components would otherwise need gigabytes).
pub const MAX_BYTES: usize = 300_000_000;

/// Splits `doc` into pages.
pub fn split(doc: &Value) -> Result<Split, Unsplittable> {
    let Some(root) = doc.as_object() else {
        return Err(Unsplittable::NotOpenApi);
    };
    if let Some(v) = root.get("swagger") {
        return Err(Unsplittable::Swagger(scalar(v)));
    }
    if !root.contains_key("openapi") {
        return Err(Unsplittable::NotOpenApi);
    }
    let mut notes = Vec::new();
    if let Some(n) = root
        .get("webhooks")
        .and_then(Value::as_object)
        .map(Map::len)
    {
        notes.push(format!(
            "{n} webhook(s) not carried: a docs page documents operations under `paths` only"
        ));
    }
    let root_tags: Vec<&Value> = root
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| t.iter().collect())
        .unwrap_or_default();
    let mut copied_refs = 0usize;
    // page slug → (title, blocks)
    let mut pages: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut operations = 0usize;
    let mut bytes = 0usize;
    let total_operations = count_operations(root);
    let paths = root.get("paths").and_then(Value::as_object);
    for (path, raw_item) in paths.into_iter().flatten() {
        let item = resolve_path_item(doc, raw_item);
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get(*method).filter(|o| o.is_object()) else {
                continue;
            };
            let mut item_out = Map::new();
            for (k, v) in item {
                if k == "$ref" || (METHODS.contains(&k.as_str()) && k != method) {
                    continue;
                }
                item_out.insert(k.clone(), v.clone());
            }
            let mut item_out = Value::Object(item_out);
            copied_refs += inline_foreign_refs(&mut item_out, doc, 0);
            let mut fragment = Map::new();
            for key in [
                "openapi",
                "info",
                "jsonSchemaDialect",
                "servers",
                "security",
            ] {
                if let Some(v) = root.get(key) {
                    fragment.insert(key.to_owned(), v.clone());
                }
            }
            let op_tags: Vec<&str> = op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let tags: Vec<Value> = root_tags
                .iter()
                .filter(|t| {
                    t.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| op_tags.contains(&n))
                })
                .map(|t| (*t).clone())
                .collect();
            if !tags.is_empty() {
                fragment.insert("tags".to_owned(), Value::Array(tags));
            }
            let schemes = security_schemes(root.get("security"), op.get("security"));
            let (components, copied) = components_for(doc, &item_out, &schemes);
            copied_refs += copied;
            if !components.is_empty() {
                fragment.insert("components".to_owned(), Value::Object(components));
            }
            let mut paths_out = Map::new();
            paths_out.insert(path.clone(), item_out);
            fragment.insert("paths".to_owned(), Value::Object(paths_out));

            let heading = heading(op, method, path);
            let json = Value::Object(fragment).to_string();
            let first_tag = op_tags.first().copied().unwrap_or("");
            let slug = page_slug(first_tag);
            let title = if first_tag.is_empty() {
                "Operations without a tag".to_owned()
            } else {
                one_line(first_tag)
            };
            let page = pages.entry(slug).or_insert_with(|| (title, String::new()));
            let block = format!("## {heading}\n\n```json\n{json}\n```\n\n");
            bytes += block.len();
            page.1.push_str(&block);
            operations += 1;
            if bytes > MAX_BYTES {
                return Err(Unsplittable::TooLarge {
                    bytes,
                    operations: total_operations,
                });
            }
        }
    }
    if operations == 0 {
        return Err(Unsplittable::NoOperations);
    }
    if copied_refs > 0 {
        notes.push(format!(
            "{copied_refs} local reference(s) outside #/components/ replaced by a copy of their target"
        ));
    }
    let pages = pages
        .into_iter()
        .map(|(slug, (title, blocks))| (format!("{slug}.md"), format!("# {title}\n\n{blocks}")))
        .collect();
    Ok(Split {
        pages,
        operations,
        bytes,
        notes,
    })
}

/// Operations under `paths` (what a generator of a client sees).
pub fn count_operations(root: &Map<String, Value>) -> usize {
    root.get("paths")
        .and_then(Value::as_object)
        .map(|paths| {
            paths
                .values()
                .map(|item| {
                    METHODS
                        .iter()
                        .filter(|m| item.get(**m).is_some_and(Value::is_object))
                        .count()
                })
                .sum()
        })
        .unwrap_or(0)
}

fn scalar(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// A path item given as `$ref` (to `#/components/pathItems/..`) with its target's fields; the
/// item's own fields win.
fn resolve_path_item(doc: &Value, item: &Value) -> Value {
    let Some(target) = item
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| lookup(doc, r))
    else {
        return item.clone();
    };
    let mut merged = target.as_object().cloned().unwrap_or_default();
    if let Some(own) = item.as_object() {
        for (k, v) in own {
            if k != "$ref" {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(merged)
}

/// The target of a local reference `#/a/b~1c`, percent-decoded if needed.
fn lookup<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
        .or_else(|| doc.pointer(&percent_decode(pointer)))
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Keys whose values are data, not schema or OpenAPI structure: a `$ref` below them is not a
/// reference.
fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Keys whose values are maps keyed by names (a property called `example` is a schema, a
/// response called `default` is a response).
fn is_name_map(key: &str) -> bool {
    matches!(
        key,
        "properties"
            | "patternProperties"
            | "$defs"
            | "definitions"
            | "dependentSchemas"
            | "responses"
            | "content"
            | "headers"
            | "encoding"
            | "links"
            | "callbacks"
            | "variables"
    )
}

/// Calls `f` with every reference in `v` (not below data keys; not in `examples/*/value`).
fn each_ref(v: &Value, names: bool, f: &mut dyn FnMut(&str)) {
    match v {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                f(r);
            }
            // A discriminator's mapping names schemas by reference or by name.
            if let Some(mapping) = map
                .get("discriminator")
                .and_then(|d| d.get("mapping"))
                .and_then(Value::as_object)
            {
                for target in mapping.values().filter_map(Value::as_str) {
                    if target.starts_with('#') {
                        f(target);
                    } else if !target.contains('/') {
                        f(&format!("#/components/schemas/{target}"));
                    }
                }
            }
            for (k, child) in map {
                if k == "$ref" || (!names && is_data_key(k)) {
                    continue;
                }
                if !names && k == "examples" {
                    // Example Objects: their `value` is data; `$ref`s to components/examples
                    // are references. (JSON Schema `examples` arrays hold data only.)
                    if let Value::Object(entries) = child {
                        for entry in entries.values() {
                            if let Some(r) = entry.get("$ref").and_then(Value::as_str) {
                                f(r);
                            }
                        }
                    }
                    continue;
                }
                each_ref(child, !names && is_name_map(k), f);
            }
        }
        Value::Array(items) => {
            for item in items {
                each_ref(item, false, f);
            }
        }
        _ => {}
    }
}

/// Replaces each local reference outside `#/components/` by a copy of its target (whose own
/// such references are copied in turn, up to a depth). Returns how many were copied.
fn inline_foreign_refs(v: &mut Value, doc: &Value, depth: usize) -> usize {
    inline_in(v, doc, depth, false)
}

fn inline_in(v: &mut Value, doc: &Value, depth: usize, names: bool) -> usize {
    let mut copied = 0;
    match v {
        Value::Object(map) => {
            let foreign = map
                .get("$ref")
                .and_then(Value::as_str)
                .filter(|r| r.starts_with("#/") && !r.starts_with("#/components/"))
                .map(str::to_owned);
            if let Some(reference) = foreign {
                if depth < 16 {
                    if let Some(target) = lookup(doc, &reference) {
                        let mut copy = target.clone();
                        copied += 1 + inline_in(&mut copy, doc, depth + 1, false);
                        *v = copy;
                        return copied;
                    }
                }
            }
            for (k, child) in map.iter_mut() {
                if !names && is_data_key(k) {
                    continue;
                }
                copied += inline_in(child, doc, depth, !names && is_name_map(k));
            }
        }
        Value::Array(items) => {
            for item in items {
                copied += inline_in(item, doc, depth, false);
            }
        }
        _ => {}
    }
    copied
}

/// Names of the security schemes the document's and the operation's requirements name.
fn security_schemes(root: Option<&Value>, op: Option<&Value>) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for requirements in [root, op].into_iter().flatten() {
        for requirement in requirements.as_array().into_iter().flatten() {
            for name in requirement
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                names.insert(name.clone());
            }
        }
    }
    names
}

/// The components `item` needs, transitively, in the document's order; plus how many foreign
/// references were copied into them.
fn components_for(
    doc: &Value,
    item: &Value,
    schemes: &BTreeSet<String>,
) -> (Map<String, Value>, usize) {
    let empty = Map::new();
    let components = doc
        .get("components")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut needed: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    let want = |r: &str, queue: &mut VecDeque<(String, String)>| {
        let Some(rest) = r.strip_prefix("#/components/") else {
            return;
        };
        let mut parts = rest.splitn(3, '/');
        let (Some(kind), Some(name)) = (parts.next(), parts.next()) else {
            return;
        };
        let name = unescape(name);
        let exists = |n: &str| components.get(kind).and_then(|k| k.get(n)).is_some();
        let name = if exists(&name) {
            name
        } else {
            let decoded = percent_decode(&name);
            if exists(&decoded) {
                decoded
            } else {
                return;
            }
        };
        queue.push_back((kind.to_owned(), name));
    };
    each_ref(item, false, &mut |r| want(r, &mut queue));
    for name in schemes {
        queue.push_back(("securitySchemes".to_owned(), name.clone()));
    }
    let mut copied = 0;
    let mut bodies: BTreeMap<(String, String), Value> = BTreeMap::new();
    while let Some(key) = queue.pop_front() {
        if needed.contains(&key) {
            continue;
        }
        let Some(body) = components.get(&key.0).and_then(|k| k.get(&key.1)) else {
            continue;
        };
        let mut body = body.clone();
        copied += inline_foreign_refs(&mut body, doc, 0);
        each_ref(&body, false, &mut |r| want(r, &mut queue));
        needed.insert(key.clone());
        bodies.insert(key, body);
    }
    let mut out = Map::new();
    for (kind, section) in components {
        let Some(section) = section.as_object() else {
            continue;
        };
        let mut kept = Map::new();
        for name in section.keys() {
            if let Some(body) = bodies.remove(&(kind.clone(), name.clone())) {
                kept.insert(name.clone(), body);
            }
        }
        if !kept.is_empty() {
            out.insert(kind.clone(), Value::Object(kept));
        }
    }
    (out, copied)
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The heading of an operation: its summary, else its operationId, else `METHOD /path`.
fn heading(op: &Value, method: &str, path: &str) -> String {
    let text = ["summary", "operationId"]
        .iter()
        .filter_map(|k| op.get(*k).and_then(Value::as_str))
        .map(one_line)
        .find(|s| !s.is_empty());
    text.unwrap_or_else(|| format!("{} {path}", method.to_uppercase()))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A page file stem for a tag: lower case, letters, digits, `_` kept, anything else one `-`.
fn page_slug(tag: &str) -> String {
    let mut out = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() {
        "untagged".to_owned()
    } else {
        out.chars().take(80).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "Pets", "version": "1"},
            "servers": [{"url": "https://example.test"}],
            "security": [{"key": []}],
            "tags": [{"name": "pets", "description": "Pets"}, {"name": "unused"}],
            "paths": {
                "/pets/{id}": {
                    "parameters": [{"$ref": "#/components/parameters/Id"}],
                    "get": {
                        "summary": "Get a\npet",
                        "tags": ["pets"],
                        "responses": {"200": {"description": "OK", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Pet"},
                            "example": {"$ref": "#/components/schemas/NotAReference"}
                        }}}}
                    },
                    "delete": {
                        "operationId": "deletePet",
                        "x-thing": {"$ref": "#/components/schemas/Unused"},
                        "responses": {"default": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                            "204": {"description": "gone",
                            "content": {"application/json": {"schema": {"$ref": "#/paths/~1pets~1%7Bid%7D/get/responses/200/content/application~1json/schema"}}}}}
                    }
                }
            },
            "webhooks": {"newPet": {}},
            "components": {
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "k"}, "other": {"type": "http", "scheme": "basic"}},
                "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Id"}}},
                "schemas": {
                    "Id": {"type": "string"},
                    "Unused": {"type": "string"},
                    "Error": {"type": "string"},
                    "Cat": {"type": "object"},
                    "Pet": {"type": "object", "discriminator": {"propertyName": "kind", "mapping": {"cat": "Cat"}}, "properties": {
                        "example": {"$ref": "#/components/schemas/Tag"},
                        "self": {"$ref": "#/components/schemas/Pet"}
                    }},
                    "Tag": {"type": "string", "default": {"$ref": "#/components/schemas/Unused"}}
                }
            }
        })
    }

    fn blocks(split: &Split) -> Vec<Value> {
        split
            .pages
            .iter()
            .flat_map(|(_, text)| {
                text.split("```json\n")
                    .skip(1)
                    .map(|b| serde_json::from_str(b.split("\n```").next().unwrap_or("")))
                    .collect::<Vec<_>>()
            })
            .collect::<Result<_, _>>()
            .expect("blocks parse")
    }

    #[test]
    fn one_block_per_operation_with_what_it_needs() {
        let s = split(&doc()).expect("splits");
        assert_eq!(s.operations, 2);
        let names: Vec<&str> = s.pages.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["pets.md", "untagged.md"]);
        assert!(
            s.pages[0]
                .1
                .starts_with("# pets\n\n## Get a pet\n\n```json\n")
        );
        assert!(s.pages[1].1.contains("## deletePet\n"));
        let b = blocks(&s);
        let get = &b[0];
        assert_eq!(
            get["tags"],
            json!([{"name": "pets", "description": "Pets"}])
        );
        assert_eq!(get["servers"], doc()["servers"]);
        let schemas: Vec<&String> = get["components"]["schemas"]
            .as_object()
            .expect("schemas")
            .keys()
            .collect();
        // document order; Tag through a property named `example`, Cat through the
        // discriminator's mapping; not Unused (a `default`) nor NotAReference (an example).
        assert_eq!(schemas, ["Id", "Cat", "Pet", "Tag"]);
        assert_eq!(
            get["components"]["securitySchemes"],
            json!({"key": {"type": "apiKey", "in": "header", "name": "k"}})
        );
        assert!(get["paths"]["/pets/{id}"].get("delete").is_none());
        assert_eq!(
            get["paths"]["/pets/{id}"]["parameters"],
            doc()["paths"]["/pets/{id}"]["parameters"]
        );
        // The reference into #/paths/ is replaced by its target, which pulls in Pet.
        let delete = &b[1];
        assert_eq!(
            delete["paths"]["/pets/{id}"]["delete"]["responses"]["204"]["content"]["application/json"]
                ["schema"],
            json!({"$ref": "#/components/schemas/Pet"})
        );
        assert!(delete["components"]["schemas"].get("Unused").is_none());
        // A response called `default` is a response, not a data keyword.
        assert!(delete["components"]["schemas"].get("Error").is_some());
        assert!(delete.get("tags").is_none());
        assert_eq!(
            s.notes,
            [
                "1 webhook(s) not carried: a docs page documents operations under `paths` only",
                "1 local reference(s) outside #/components/ replaced by a copy of their target"
            ]
        );
    }

    #[test]
    fn pages_parse_as_docs_pages() {
        let s = split(&doc()).expect("splits");
        for (name, text) in &s.pages {
            let page = generator::docs::parse_page(std::path::Path::new(name), text)
                .expect("a valid docs page");
            assert!(!page.endpoints.is_empty());
        }
    }

    #[test]
    fn unsplittable_documents_say_why() {
        assert_eq!(
            split(&json!({"swagger": "2.0", "paths": {}})).err(),
            Some(Unsplittable::Swagger("2.0".into()))
        );
        assert_eq!(
            split(&json!({"info": {}})).err(),
            Some(Unsplittable::NotOpenApi)
        );
        assert_eq!(
            split(&json!({"openapi": "3.1.0", "webhooks": {"a": {}}})).err(),
            Some(Unsplittable::NoOperations)
        );
    }
}
