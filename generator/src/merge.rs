//! Merge: normalized fragments → one document.
//!
//! One function per top-level key decides how it merges:
//!
//! | key | merged as |
//! |---|---|
//! | `paths` | united; the same method and path twice, or two paths equal up to parameter names, is an error naming both files |
//! | `components` | every kind, `x-` kinds included, folded by name: identical definitions fold into one, different ones are an error naming both files and the first JSON pointer where they differ |
//! | `webhooks` | folded by name, like components |
//! | `servers`, `tags` | united in first-seen order (by `url`, by `name`) |
//! | `security` | one top-level requirement when every fragment agrees, else each operation keeps its fragment's |
//! | `info`, `externalDocs`, `jsonSchemaDialect`, `x-` extensions | the first fragment's; a warning when others differ |
//!
//! A `$ref` is never rewritten: fragments share one component namespace. Fragments are merged
//! in path order, so the result never depends on the order they were read in. The merged
//! document remembers where every node came from, so later stages can point at the fragment
//! (and line) that wrote it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Diagnostics, Location, display_path};
use crate::http::{HttpMethod, PathTemplate, operations};
use crate::normalize::{Fragment, locate};
use crate::pointer::Pointer;
use crate::refs::ComponentKind;

/// Where the nodes of a merged document came from.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    files: Vec<(PathBuf, crate::normalize::LineMap)>,
    /// Pointer prefix in the merged document → index into `files`.
    prefixes: BTreeMap<String, usize>,
}

impl Origins {
    /// Registers a source file; returns its index.
    pub fn add_file(&mut self, file: &Path, lines: crate::normalize::LineMap) -> usize {
        self.files.push((file.to_path_buf(), lines));
        self.files.len() - 1
    }

    /// Records that the subtree at `at` came from source `index`.
    pub fn record(&mut self, at: &Pointer, index: usize) {
        self.prefixes.insert(at.as_str().to_owned(), index);
    }

    /// The source file and line of the merged node at `at`. Nodes of the merged document sit
    /// at the same pointer as in their fragment, so the pointer is kept as is.
    pub fn locate(&self, at: &Pointer) -> Location {
        let mut probe = Some(at.clone());
        while let Some(p) = probe {
            if let Some(&i) = self.prefixes.get(p.as_str()) {
                let (file, lines) = &self.files[i];
                return locate(file, lines, at);
            }
            probe = p.parent();
        }
        Location {
            pointer: Some(at.to_string()),
            ..Location::default()
        }
    }

    /// The source file of the merged node at `at`, if known.
    pub fn file_of(&self, at: &Pointer) -> Option<&Path> {
        let mut probe = Some(at.clone());
        while let Some(p) = probe {
            if let Some(&i) = self.prefixes.get(p.as_str()) {
                return Some(&self.files[i].0);
            }
            probe = p.parent();
        }
        None
    }
}

/// A merged document and where its parts came from.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The document.
    pub document: Value,
    /// Provenance of its nodes.
    pub origins: Origins,
}

/// Merges normalized fragments (in any order).
pub fn merge(fragments: &[Fragment], diags: &mut Diagnostics) -> Merged {
    let mut order: Vec<&Fragment> = fragments.iter().collect();
    order.sort_by(|a, b| a.file.cmp(&b.file));
    let mut merger = Merger::default();
    for fragment in &order {
        merger.add(fragment, &order, diags);
    }
    merger.finish(&order, diags)
}

/// The top-level fields of an OpenAPI document that are not merged by their own function.
const SINGLETONS: &[&str] = &["info", "externalDocs", "jsonSchemaDialect"];

/// The merge under way: one part per top-level key.
#[derive(Default)]
struct Merger {
    origins: Origins,
    singletons: Singletons,
    servers: Vec<Value>,
    tags: Vec<Value>,
    /// Each fragment's top-level `security`, in merge order.
    security: Vec<Option<Value>>,
    paths: Paths,
    components: Components,
    webhooks: Named,
}

/// What is being merged: one fragment, its index in merge order, and the others (for notes).
struct Source<'a> {
    fragment: &'a Fragment,
    idx: usize,
    order: &'a [&'a Fragment],
}

impl Merger {
    fn add(&mut self, fragment: &Fragment, order: &[&Fragment], diags: &mut Diagnostics) {
        let idx = self
            .origins
            .add_file(&fragment.file, fragment.lines.clone());
        let Some(doc) = fragment.document.as_object() else {
            return;
        };
        let src = Source {
            fragment,
            idx,
            order,
        };
        let root = Pointer::root();
        for (key, value) in doc {
            let at = root.push(key);
            match key.as_str() {
                "openapi" => {}
                "servers" => union_by(&mut self.servers, value, "url"),
                "tags" => union_by(&mut self.tags, value, "name"),
                "security" => {}
                "paths" => self.paths.add(value, &src, &mut self.origins, diags),
                "components" => self.components.add(value, &src, &mut self.origins, diags),
                "webhooks" => {
                    for (name, hook) in value.as_object().into_iter().flatten() {
                        let item = Item::new(name, hook, at.push(name));
                        self.webhooks
                            .fold(item, &src, &mut self.origins, diags, "webhook");
                    }
                }
                k if SINGLETONS.contains(&k) || k.starts_with("x-") => {
                    self.singletons.add(key, value, &at, idx, &mut self.origins);
                }
                _ => diags.push(Diagnostic::warning(
                    "unknown-field",
                    fragment.locate(&at),
                    format!("`{key}` is not an OpenAPI field; dropped"),
                )),
            }
        }
        self.security.push(doc.get("security").cloned());
    }

    fn finish(mut self, order: &[&Fragment], diags: &mut Diagnostics) -> Merged {
        self.singletons.report(&self.origins, order, diags);
        self.paths.extensions.report(&self.origins, order, diags);
        let security = distribute_security(&self.security, order, &mut self.paths);
        let mut out = Map::new();
        out.insert("openapi".to_owned(), Value::String("3.1.0".to_owned()));
        for key in ["info", "jsonSchemaDialect"] {
            self.singletons.take_into(key, &mut out);
        }
        if !self.servers.is_empty() {
            out.insert("servers".to_owned(), Value::Array(self.servers));
        }
        if let Some(security) = security {
            out.insert("security".to_owned(), security);
            if let Some(first) = order.first() {
                let idx = origins_index(&self.origins, &first.file);
                self.origins.record(&Pointer::root().push("security"), idx);
            }
        }
        if !self.tags.is_empty() {
            out.insert("tags".to_owned(), Value::Array(self.tags));
        }
        self.singletons.take_into("externalDocs", &mut out);
        out.insert("paths".to_owned(), self.paths.into_value());
        if !self.webhooks.is_empty() {
            out.insert("webhooks".to_owned(), self.webhooks.into_value());
        }
        if let Some(components) = self.components.into_value() {
            out.insert("components".to_owned(), components);
        }
        self.singletons.extensions_into(&mut out);
        Merged {
            document: Value::Object(out),
            origins: self.origins,
        }
    }
}

/// Adds the items of `list` (an array) whose `key` no earlier item has.
fn union_by(into: &mut Vec<Value>, list: &Value, key: &str) {
    for item in list.as_array().into_iter().flatten() {
        if !into.iter().any(|x| x.get(key) == item.get(key)) {
            into.push(item.clone());
        }
    }
}

/// Top-level fields taken from the first fragment that has them.
#[derive(Default)]
struct Singletons {
    /// The value, the fragment it came from, and where it sits.
    kept: BTreeMap<String, (Value, usize, Pointer)>,
    /// How many later fragments had a different value.
    differs: BTreeMap<String, usize>,
}

impl Singletons {
    fn add(&mut self, key: &str, value: &Value, at: &Pointer, idx: usize, origins: &mut Origins) {
        match self.kept.get(key) {
            None => {
                self.kept
                    .insert(key.to_owned(), (value.clone(), idx, at.clone()));
                origins.record(at, idx);
            }
            Some((first, _, _)) if first != value => {
                *self.differs.entry(key.to_owned()).or_default() += 1;
            }
            Some(_) => {}
        }
    }

    /// One warning per field that differs between fragments.
    fn report(&self, origins: &Origins, order: &[&Fragment], diags: &mut Diagnostics) {
        for (key, n) in &self.differs {
            let Some((_, idx, at)) = self.kept.get(key) else {
                continue;
            };
            diags.push(Diagnostic::warning(
                if key == "info" {
                    "info-differs"
                } else {
                    "field-differs"
                },
                origins.locate(at),
                format!(
                    "`{key}` differs in {n} other fragment(s); the one of {} is kept",
                    display_path(&order[*idx].file)
                ),
            ));
        }
    }

    fn take_into(&mut self, key: &str, out: &mut Map<String, Value>) {
        if let Some((value, _, _)) = self.kept.remove(key) {
            out.insert(key.to_owned(), value);
        }
    }

    /// The `x-` extensions, in name order.
    fn extensions_into(self, out: &mut Map<String, Value>) {
        for (key, (value, _, _)) in self.kept {
            if key.starts_with("x-") {
                out.insert(key, value);
            }
        }
    }
}

/// Security: one top-level requirement when every fragment agrees (returned), else each
/// operation without its own `security` gets its fragment's.
fn distribute_security(
    per_fragment: &[Option<Value>],
    order: &[&Fragment],
    paths: &mut Paths,
) -> Option<Value> {
    let first = per_fragment.first().cloned().flatten();
    if per_fragment.iter().all(|s| *s == first) {
        return first;
    }
    for (fragment, security) in order.iter().zip(per_fragment) {
        let Some(security) = security else { continue };
        let fragment_paths = fragment.document.get("paths").and_then(Value::as_object);
        for (path, item) in fragment_paths.into_iter().flatten() {
            for (method, _) in operations(item) {
                if let Some(Value::Object(op)) = paths
                    .items
                    .get_mut(path)
                    .and_then(|p| p.get_mut(method.as_str()))
                {
                    op.entry("security").or_insert_with(|| security.clone());
                }
            }
        }
    }
    None
}

/// The merged `paths`.
#[derive(Default)]
struct Paths {
    items: BTreeMap<String, Map<String, Value>>,
    /// Path shape (parameter names erased) → the paths of that shape, each with the fragment
    /// that first brought it.
    shapes: BTreeMap<String, Vec<(String, usize)>>,
    /// `x-` extensions of the Paths object: the first fragment's.
    extensions: Singletons,
}

impl Paths {
    fn add(
        &mut self,
        paths: &Value,
        src: &Source<'_>,
        origins: &mut Origins,
        diags: &mut Diagnostics,
    ) {
        for (path, item) in paths.as_object().into_iter().flatten() {
            let at = Pointer::root().push("paths").push(path);
            if path.starts_with("x-") {
                self.extensions.add(path, item, &at, src.idx, origins);
                continue;
            }
            self.check_shape(path, item, &at, src, diags);
            let merged = self.items.entry(path.clone()).or_default();
            for (key, value) in item.as_object().into_iter().flatten() {
                let kat = at.push(key);
                match merged.get(key) {
                    None => {
                        merged.insert(key.clone(), value.clone());
                        origins.record(&kat, src.idx);
                    }
                    Some(_) if HttpMethod::from_key(key).is_some() => {
                        let first = origins.file_of(&kat).map(display_path).unwrap_or_default();
                        diags.push(
                            Diagnostic::error(
                                "duplicate-operation",
                                src.fragment.locate(&kat),
                                format!("{} {path} is defined by two fragments", key.to_uppercase()),
                            )
                            .with_note(format!("also defined in {first}")),
                        );
                    }
                    Some(existing) if existing != value => diags.push(Diagnostic::warning(
                        "path-item-differs",
                        src.fragment.locate(&kat),
                        format!("`{key}` of path `{path}` differs from an earlier fragment; the first is kept"),
                    )),
                    Some(_) => {}
                }
            }
        }
    }

    /// Warns when `path` differs from an earlier path only in parameter names. OpenAPI
    /// forbids such paths, yet real APIs have them: the server tells them apart by the
    /// parameter's value (`/v1/{name}` for `projects/*/databases/*`, `/v1/{database}` for
    /// another pattern), which OpenAPI cannot say. A client needs no routing: each operation
    /// builds its URL from its own template, so both are kept, with a warning; when a method is
    /// on both, the warning also says that whatever routes requests by template (the mock
    /// server) serves the earlier one. Two paths that are one operation written twice are
    /// caught by validation's unique-operationId rule. Paths that are not templates are left
    /// to validation.
    fn check_shape(
        &mut self,
        path: &str,
        item: &Value,
        at: &Pointer,
        src: &Source<'_>,
        diags: &mut Diagnostics,
    ) {
        let Ok(template) = PathTemplate::parse(path) else {
            return;
        };
        let same_shape = self.shapes.entry(template.shape()).or_default();
        let methods: Vec<&String> = item
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .filter(|k| HttpMethod::from_key(k).is_some())
            .collect();
        for (other, other_idx) in same_shape.iter().filter(|(p, _)| p != path) {
            let other_item = self.items.get(other);
            let shared: Vec<String> = methods
                .iter()
                .filter(|m| other_item.is_some_and(|i| i.contains_key(m.as_str())))
                .map(|m| m.to_uppercase())
                .collect();
            let note = format!(
                "`{other}` is in {}",
                display_path(&src.order[*other_idx].file)
            );
            let message = if shared.is_empty() {
                format!(
                    "`{path}` is the same path as `{other}` with other parameter names, which OpenAPI does not allow; no method is on both, so both are generated"
                )
            } else {
                // The merged document lists paths in order, and the mock serves a request
                // by the first template that fits.
                let served = path.min(other.as_str());
                format!(
                    "`{path}` is the same path as `{other}` with other parameter names, which OpenAPI does not allow, and {} is on both: both are generated (the server must tell them apart by the parameters' values); the mock server serves such requests as `{served}`",
                    shared.join(", ")
                )
            };
            diags.push(
                Diagnostic::warning("path-template-clash", src.fragment.locate(at), message)
                    .with_note(note),
            );
        }
        if !same_shape.iter().any(|(p, _)| p == path) {
            same_shape.push((path.to_owned(), src.idx));
        }
    }

    /// Paths in order; in each, methods in the order OpenAPI lists them, other keys after.
    fn into_value(self) -> Value {
        let mut out = Map::new();
        for (path, mut item) in self.items {
            let mut sorted = Map::new();
            for method in HttpMethod::ALL.map(HttpMethod::as_str) {
                if let Some(v) = item.shift_remove(method) {
                    sorted.insert(method.to_owned(), v);
                }
            }
            sorted.extend(item);
            out.insert(path, Value::Object(sorted));
        }
        self.extensions.extensions_into(&mut out);
        Value::Object(out)
    }
}

/// The merged `components`: every OpenAPI kind and every `x-` kind.
#[derive(Default)]
struct Components {
    kinds: BTreeMap<String, Named>,
}

impl Components {
    fn add(
        &mut self,
        components: &Value,
        src: &Source<'_>,
        origins: &mut Origins,
        diags: &mut Diagnostics,
    ) {
        let at = Pointer::root().push("components");
        for (kind, items) in components.as_object().into_iter().flatten() {
            let kat = at.push(kind);
            if ComponentKind::from_key(kind).is_none() && !kind.starts_with("x-") {
                diags.push(Diagnostic::warning(
                    "unknown-component-kind",
                    src.fragment.locate(&kat),
                    format!("`components.{kind}` is not an OpenAPI component kind; dropped"),
                ));
                continue;
            }
            let seen = self.kinds.entry(kind.clone()).or_default();
            match items.as_object() {
                Some(items) => {
                    for (name, value) in items {
                        let item = Item::new(name, value, kat.push(name));
                        seen.fold(item, src, origins, diags, "component");
                    }
                }
                // An extension that is not a map of named items folds as one value.
                None => {
                    let item = Item::new("", items, kat.clone());
                    seen.fold(item, src, origins, diags, "component");
                }
            }
        }
    }

    /// OpenAPI kinds in their usual order, then `x-` kinds by name.
    fn into_value(mut self) -> Option<Value> {
        let mut out = Map::new();
        for kind in ComponentKind::ALL.map(ComponentKind::key) {
            if let Some(items) = self.kinds.remove(kind) {
                out.insert(kind.to_owned(), items.into_value());
            }
        }
        for (kind, items) in self.kinds {
            out.insert(kind, items.into_value());
        }
        (!out.is_empty()).then_some(Value::Object(out))
    }
}

/// One named item being folded: its name, value and pointer.
struct Item<'a> {
    name: &'a str,
    value: &'a Value,
    at: Pointer,
}

impl<'a> Item<'a> {
    fn new(name: &'a str, value: &'a Value, at: Pointer) -> Self {
        Item { name, value, at }
    }
}

/// Named items (components of one kind, webhooks) with the fragment that first defined each.
#[derive(Default)]
struct Named {
    items: BTreeMap<String, (Value, usize)>,
}

impl Named {
    /// Adds `item`; a different definition of the same name is an error naming both files and
    /// the first difference.
    fn fold(
        &mut self,
        item: Item<'_>,
        src: &Source<'_>,
        origins: &mut Origins,
        diags: &mut Diagnostics,
        what: &str,
    ) {
        let Item { name, value, at } = item;
        match self.items.get(name) {
            None => {
                self.items.insert(name.to_owned(), (value.clone(), src.idx));
                origins.record(&at, src.idx);
            }
            Some((first, _)) if first == value => {}
            Some((first, first_idx)) => {
                let differs = first_difference(first, value, &at).unwrap_or_else(|| at.clone());
                let code = if what == "webhook" {
                    "webhook-conflict"
                } else {
                    "component-conflict"
                };
                let label = if name.is_empty() {
                    at.last().unwrap_or_default()
                } else {
                    name.to_owned()
                };
                diags.push(
                    Diagnostic::error(
                        code,
                        src.fragment.locate(&differs),
                        format!("{what} `{label}` is defined differently by two fragments; first difference at {differs}"),
                    )
                    .with_note(format!("the other definition: {}", src.order[*first_idx].locate(&differs))),
                );
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items in name order (a value folded whole, under the empty name, as itself).
    fn into_value(mut self) -> Value {
        if let Some((whole, _)) = self.items.remove("") {
            return whole;
        }
        Value::Object(self.items.into_iter().map(|(k, (v, _))| (k, v)).collect())
    }
}

fn origins_index(origins: &Origins, file: &Path) -> usize {
    origins
        .files
        .iter()
        .position(|(f, _)| f == file)
        .unwrap_or(0)
}

/// The first pointer (in key order of `a`, then `b`) where `a` and `b` differ.
pub fn first_difference(a: &Value, b: &Value, at: &Pointer) -> Option<Pointer> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => {
                        if let Some(p) = first_difference(va, vb, &at.push(k)) {
                            return Some(p);
                        }
                    }
                    None => return Some(at.push(k)),
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map(|k| at.push(k))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if let Some(p) = first_difference(va, vb, &at.index(i)) {
                    return Some(p);
                }
            }
            (x.len() != y.len()).then(|| at.index(x.len().min(y.len())))
        }
        _ => (a != b).then(|| at.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn frag(file: &str, doc: Value) -> Fragment {
        Fragment {
            file: PathBuf::from(file),
            document: doc,
            lines: Default::default(),
        }
    }

    fn op_doc(path: &str, method: &str, schemas: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
               "servers": [{"url": "https://a"}], "security": [{"K": []}],
               "paths": {path: {method: {"responses": {"200": {"description": "OK"}}}}},
               "components": {"schemas": schemas}})
    }

    #[test]
    fn identical_components_fold_and_order_does_not_matter() {
        let a = frag(
            "a.yaml",
            op_doc("/a", "get", json!({"X": {"type": "string"}})),
        );
        let b = frag(
            "b.yaml",
            op_doc(
                "/b",
                "post",
                json!({"X": {"type": "string"}, "Y": {"type": "integer"}}),
            ),
        );
        let mut d1 = Diagnostics::new();
        let m1 = merge(&[a.clone(), b.clone()], &mut d1);
        let mut d2 = Diagnostics::new();
        let m2 = merge(&[b, a], &mut d2);
        assert!(d1.is_empty() && d2.is_empty());
        assert_eq!(
            serde_json::to_string(&m1.document).ok(),
            serde_json::to_string(&m2.document).ok()
        );
        assert_eq!(
            m1.document["components"]["schemas"],
            json!({"X": {"type": "string"}, "Y": {"type": "integer"}})
        );
        assert_eq!(m1.document["security"], json!([{"K": []}]));
    }

    #[test]
    fn conflicting_components_name_both_files_and_the_pointer() {
        let a = frag(
            "a.yaml",
            op_doc(
                "/a",
                "get",
                json!({"X": {"type": "object", "properties": {"p": {"type": "string"}}}}),
            ),
        );
        let b = frag(
            "b.yaml",
            op_doc(
                "/b",
                "get",
                json!({"X": {"type": "object", "properties": {"p": {"type": "integer"}}}}),
            ),
        );
        let mut d = Diagnostics::new();
        merge(&[b, a], &mut d);
        let msgs: Vec<_> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            vec![
                "error[component-conflict]: b.yaml: #/components/schemas/X/properties/p/type: component `X` is defined differently by two fragments; first difference at #/components/schemas/X/properties/p/type\n  = note: the other definition: a.yaml: #/components/schemas/X/properties/p/type"
            ]
        );
    }

    #[test]
    fn the_same_operation_twice_is_an_error() {
        let a = frag("a.yaml", op_doc("/a", "get", json!({})));
        let b = frag("b.yaml", op_doc("/a", "get", json!({})));
        let mut d = Diagnostics::new();
        merge(&[a, b], &mut d);
        let msgs: Vec<_> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            vec![
                "error[duplicate-operation]: b.yaml: #/paths/~1a/get: GET /a is defined by two fragments\n  = note: also defined in a.yaml"
            ]
        );
    }

    #[test]
    fn paths_equal_up_to_parameter_names_are_kept_with_a_warning() {
        // Different methods: a warning, both kept.
        let a = frag("a.yaml", op_doc("/a/{id}", "get", json!({})));
        let b = frag("b.yaml", op_doc("/a/{key}", "delete", json!({})));
        let mut d = Diagnostics::new();
        let m = merge(&[a.clone(), b], &mut d);
        let msgs: Vec<_> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            vec![
                "warning[path-template-clash]: b.yaml: #/paths/~1a~1{key}: `/a/{key}` is the same path as `/a/{id}` with other parameter names, which OpenAPI does not allow; no method is on both, so both are generated\n  = note: `/a/{id}` is in a.yaml"
            ]
        );
        let paths = m.document["paths"].as_object().expect("paths");
        assert!(paths["/a/{id}"].get("get").is_some() && paths["/a/{key}"].get("delete").is_some());
        // The same method on both: still a warning, saying which one the mock serves (the
        // first in the document's order, whichever fragment came first).
        let c = frag("c.yaml", op_doc("/a/{name}", "get", json!({})));
        let mut d = Diagnostics::new();
        merge(&[c.clone(), a.clone()], &mut d);
        let msgs: Vec<_> = d.iter().map(ToString::to_string).collect();
        assert!(
            msgs[0].contains("serves such requests as `/a/{id}`"),
            "{msgs:?}"
        );
        let mut d = Diagnostics::new();
        let m = merge(&[a, c], &mut d);
        let msgs: Vec<_> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            vec![
                "warning[path-template-clash]: c.yaml: #/paths/~1a~1{name}: `/a/{name}` is the same path as `/a/{id}` with other parameter names, which OpenAPI does not allow, and GET is on both: both are generated (the server must tell them apart by the parameters' values); the mock server serves such requests as `/a/{id}`\n  = note: `/a/{id}` is in a.yaml"
            ]
        );
        let paths = m.document["paths"].as_object().expect("paths");
        assert!(paths["/a/{id}"].get("get").is_some() && paths["/a/{name}"].get("get").is_some());
    }

    #[test]
    fn differing_security_moves_into_operations() {
        let a = frag("a.yaml", op_doc("/a", "get", json!({})));
        let mut other = op_doc("/b", "get", json!({}));
        other["security"] = json!([{"Other": []}]);
        let b = frag("b.yaml", other);
        let mut d = Diagnostics::new();
        let m = merge(&[a, b], &mut d);
        assert!(m.document.get("security").is_none());
        assert_eq!(
            m.document["paths"]["/a"]["get"]["security"],
            json!([{"K": []}])
        );
        assert_eq!(
            m.document["paths"]["/b"]["get"]["security"],
            json!([{"Other": []}])
        );
    }

    fn msgs(d: &Diagnostics) -> Vec<String> {
        d.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn servers_and_tags_unite_in_first_seen_order() {
        let mut servers = vec![json!({"url": "https://a"})];
        union_by(
            &mut servers,
            &json!([{"url": "https://b"}, {"url": "https://a", "description": "again"}]),
            "url",
        );
        assert_eq!(
            servers,
            vec![json!({"url": "https://a"}), json!({"url": "https://b"})]
        );
        union_by(&mut servers, &json!("not a list"), "url");
        assert_eq!(servers.len(), 2);
    }

    #[test]
    fn singletons_keep_the_first_and_warn_when_others_differ() {
        let mut a = op_doc("/a", "get", json!({}));
        a["jsonSchemaDialect"] = json!("https://spec.openapis.org/oas/3.1/dialect/base");
        a["externalDocs"] = json!({"url": "https://docs"});
        a["x-b"] = json!(1);
        a["x-a"] = json!(2);
        let mut b = op_doc("/b", "get", json!({}));
        b["info"]["title"] = json!("other");
        b["x-a"] = json!(3);
        let mut d = Diagnostics::new();
        let m = merge(&[frag("a.yaml", a), frag("b.yaml", b)], &mut d);
        assert_eq!(
            msgs(&d),
            vec![
                "warning[info-differs]: a.yaml: #/info: `info` differs in 1 other fragment(s); the one of a.yaml is kept",
                "warning[field-differs]: a.yaml: #/x-a: `x-a` differs in 1 other fragment(s); the one of a.yaml is kept",
            ]
        );
        let keys: Vec<&String> = m.document.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            [
                "openapi",
                "info",
                "jsonSchemaDialect",
                "servers",
                "security",
                "externalDocs",
                "paths",
                "components",
                "x-a",
                "x-b"
            ]
        );
        assert_eq!(m.document["info"]["title"], "t");
        assert_eq!(m.document["x-a"], 2);
    }

    #[test]
    fn unknown_top_level_fields_are_dropped_with_a_warning() {
        let mut a = op_doc("/a", "get", json!({}));
        a["definitions"] = json!({});
        let mut d = Diagnostics::new();
        let m = merge(&[frag("a.yaml", a)], &mut d);
        assert_eq!(
            msgs(&d),
            vec![
                "warning[unknown-field]: a.yaml: #/definitions: `definitions` is not an OpenAPI field; dropped"
            ]
        );
        assert!(m.document.get("definitions").is_none());
    }

    #[test]
    fn path_items_keep_methods_in_openapi_order_and_the_first_shared_field() {
        let mut a = op_doc("/a", "post", json!({}));
        a["paths"]["/a"]["summary"] = json!("first");
        let mut b = op_doc("/a", "get", json!({}));
        b["paths"]["/a"]["summary"] = json!("second");
        let mut d = Diagnostics::new();
        let m = merge(&[frag("a.yaml", a), frag("b.yaml", b)], &mut d);
        let item = m.document["paths"]["/a"].as_object().expect("item");
        assert_eq!(item.keys().collect::<Vec<_>>(), ["get", "post", "summary"]);
        assert_eq!(item["summary"], "first");
        assert_eq!(
            msgs(&d),
            vec![
                "warning[path-item-differs]: b.yaml: #/paths/~1a/summary: `summary` of path `/a` differs from an earlier fragment; the first is kept"
            ]
        );
    }

    #[test]
    fn extensions_of_paths_are_kept_as_they_are() {
        let mut a = op_doc("/a", "get", json!({}));
        a["paths"]["x-group"] = json!("first");
        let mut b = op_doc("/b", "get", json!({}));
        b["paths"]["x-group"] = json!("second");
        let mut d = Diagnostics::new();
        let m = merge(&[frag("a.yaml", a), frag("b.yaml", b)], &mut d);
        let paths = m.document["paths"].as_object().expect("paths");
        assert_eq!(paths.keys().collect::<Vec<_>>(), ["/a", "/b", "x-group"]);
        assert_eq!(paths["x-group"], "first");
        assert_eq!(
            msgs(&d),
            vec![
                "warning[field-differs]: a.yaml: #/paths/x-group: `x-group` differs in 1 other fragment(s); the one of a.yaml is kept"
            ]
        );
    }

    #[test]
    fn every_component_kind_and_x_kinds_fold_and_conflict_alike() {
        let kinds = json!({
            "pathItems": {"P": {"get": {"responses": {}}}},
            "callbacks": {"C": {"{$url}": {"post": {"responses": {}}}}},
            "links": {"L": {"operationId": "x"}},
            "headers": {"H": {"schema": {"type": "string"}}},
            "examples": {"E": {"value": {"$ref": "#/just/data"}}},
            "x-tables": {"T": {"rows": 1}},
            "x-flag": true
        });
        let mut a = op_doc("/a", "get", json!({}));
        a["components"] = kinds.clone();
        let mut b = op_doc("/b", "get", json!({}));
        b["components"] = kinds;
        b["components"]["x-tables"]["T"]["rows"] = json!(2);
        b["components"]["x-tables"]["U"] = json!({});
        b["components"]["things"] = json!({"A": {}});
        let mut d = Diagnostics::new();
        let m = merge(&[frag("a.yaml", a), frag("b.yaml", b)], &mut d);
        let comps = m.document["components"].as_object().expect("components");
        assert_eq!(
            comps.keys().collect::<Vec<_>>(),
            [
                "headers",
                "examples",
                "links",
                "callbacks",
                "pathItems",
                "x-flag",
                "x-tables"
            ]
        );
        assert_eq!(comps["x-flag"], true);
        assert_eq!(comps["x-tables"], json!({"T": {"rows": 1}, "U": {}}));
        assert_eq!(
            comps["examples"]["E"]["value"],
            json!({"$ref": "#/just/data"})
        );
        assert_eq!(
            msgs(&d),
            vec![
                "error[component-conflict]: b.yaml: #/components/x-tables/T/rows: component `T` is defined differently by two fragments; first difference at #/components/x-tables/T/rows\n  = note: the other definition: a.yaml: #/components/x-tables/T/rows",
                "warning[unknown-component-kind]: b.yaml: #/components/things: `components.things` is not an OpenAPI component kind; dropped",
            ]
        );
    }

    #[test]
    fn webhooks_fold_by_name() {
        let hook = json!({"post": {"responses": {"200": {"description": "OK"}}}});
        let mut a = op_doc("/a", "get", json!({}));
        a["webhooks"] = json!({"new": hook, "old": hook});
        let mut b = op_doc("/b", "get", json!({}));
        b["webhooks"] = json!({"new": hook, "gone": {"delete": {}}});
        b["webhooks"]["old"] = json!({"post": {}});
        let mut d = Diagnostics::new();
        let m = merge(&[frag("a.yaml", a), frag("b.yaml", b)], &mut d);
        assert_eq!(
            m.document["webhooks"]
                .as_object()
                .map(|w| w.keys().cloned().collect::<Vec<_>>()),
            Some(vec!["gone".to_owned(), "new".to_owned(), "old".to_owned()])
        );
        assert_eq!(
            msgs(&d),
            vec![
                "error[webhook-conflict]: b.yaml: #/webhooks/old/post/responses: webhook `old` is defined differently by two fragments; first difference at #/webhooks/old/post/responses\n  = note: the other definition: a.yaml: #/webhooks/old/post/responses"
            ]
        );
    }
}
