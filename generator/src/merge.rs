//! Merge: normalized fragments → one document.
//!
//! Paths and operations are united (the same method and path twice is an error naming both
//! files); components defined identically fold into one, components defined differently are an
//! error naming both files, the component and the first JSON pointer where they differ;
//! `servers`, `tags` and security requirements are united in first-seen order; `info` comes
//! from the first fragment. Fragments are merged in path order, so the result never depends
//! on the order they were read in. The merged document remembers where every node came from,
//! so later stages can point at the fragment (and line) that wrote it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Diagnostics, Location, display_path};
use crate::docs::METHODS;
use crate::normalize::{Fragment, locate};
use crate::pointer::Pointer;

/// The component kinds of OpenAPI 3.1, in the order the merged document lists them.
pub const COMPONENT_KINDS: &[&str] = &[
    "securitySchemes",
    "parameters",
    "headers",
    "requestBodies",
    "responses",
    "schemas",
    "examples",
    "links",
    "callbacks",
    "pathItems",
];

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

    let mut origins = Origins::default();
    let mut info: Option<(Value, usize)> = None;
    let mut servers: Vec<Value> = Vec::new();
    let mut tags: Vec<Value> = Vec::new();
    let mut securities: Vec<Option<Value>> = Vec::new();
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut templates: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut components: BTreeMap<&str, BTreeMap<String, (Value, usize)>> = BTreeMap::new();
    let mut webhooks: BTreeMap<String, (Value, usize)> = BTreeMap::new();
    let mut extensions: Map<String, Value> = Map::new();
    let mut info_differs = 0;

    for fragment in &order {
        let idx = origins.add_file(&fragment.file, fragment.lines.clone());
        let Some(doc) = fragment.document.as_object() else {
            continue;
        };
        let root = Pointer::root();

        if let Some(i) = doc.get("info") {
            match &info {
                None => {
                    info = Some((i.clone(), idx));
                    origins.record(&root.push("info"), idx);
                }
                Some((first, _)) if first != i => info_differs += 1,
                Some(_) => {}
            }
        }
        for s in doc
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !servers.iter().any(|x| x.get("url") == s.get("url")) {
                servers.push(s.clone());
            }
        }
        for t in doc
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !tags.iter().any(|x| x.get("name") == t.get("name")) {
                tags.push(t.clone());
            }
        }
        securities.push(doc.get("security").cloned());

        for (path, item) in doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let at = root.push("paths").push(path);
            let template = path_template_key(path);
            if let Some((other, other_idx)) = templates.get(&template) {
                if other != path {
                    diags.push(
                        Diagnostic::error(
                            "path-template-clash",
                            fragment.locate(&at),
                            format!("`{path}` is the same path as `{other}` with other parameter names; OpenAPI allows only one"),
                        )
                        .with_note(format!("`{other}` is in {}", display_path(&order[*other_idx].file))),
                    );
                    continue;
                }
            } else {
                templates.insert(template, (path.clone(), idx));
            }
            let merged = paths.entry(path.clone()).or_default();
            let Some(item) = item.as_object() else {
                continue;
            };
            for (key, value) in item {
                let kat = at.push(key);
                match merged.get(key) {
                    None => {
                        merged.insert(key.clone(), value.clone());
                        origins.record(&kat, idx);
                    }
                    Some(_) if METHODS.contains(&key.as_str()) => {
                        let first = origins.file_of(&kat).map(display_path).unwrap_or_default();
                        diags.push(
                            Diagnostic::error(
                                "duplicate-operation",
                                fragment.locate(&kat),
                                format!("{} {path} is defined by two fragments", key.to_uppercase()),
                            )
                            .with_note(format!("also defined in {first}")),
                        );
                    }
                    Some(existing) if existing != value => diags.push(Diagnostic::warning(
                        "path-item-differs",
                        fragment.locate(&kat),
                        format!("`{key}` of path `{path}` differs from an earlier fragment; the first is kept"),
                    )),
                    Some(_) => {}
                }
            }
        }

        if let Some(comps) = doc.get("components").and_then(Value::as_object) {
            for (kind, items) in comps {
                let Some(kind) = COMPONENT_KINDS.iter().find(|k| **k == kind.as_str()) else {
                    if kind.starts_with("x-") {
                        continue;
                    }
                    diags.push(Diagnostic::warning(
                        "unknown-component-kind",
                        fragment.locate(&root.push("components").push(kind)),
                        format!("`components.{kind}` is not an OpenAPI component kind; ignored"),
                    ));
                    continue;
                };
                let Some(items) = items.as_object() else {
                    continue;
                };
                let seen = components.entry(kind).or_default();
                for (name, value) in items {
                    let at = root.push("components").push(kind).push(name);
                    fold(
                        seen,
                        name,
                        value,
                        idx,
                        &at,
                        &order,
                        fragment,
                        &mut origins,
                        diags,
                        "component-conflict",
                        "component",
                    );
                }
            }
        }
        for (name, value) in doc
            .get("webhooks")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let at = root.push("webhooks").push(name);
            fold(
                &mut webhooks,
                name,
                value,
                idx,
                &at,
                &order,
                fragment,
                &mut origins,
                diags,
                "webhook-conflict",
                "webhook",
            );
        }
        for (key, value) in doc {
            if key.starts_with("x-") && !extensions.contains_key(key) {
                extensions.insert(key.clone(), value.clone());
            }
        }
    }

    if info_differs > 0 {
        if let Some((_, idx)) = &info {
            diags.push(Diagnostic::warning(
                "info-differs",
                origins.locate(&Pointer::root().push("info")),
                format!(
                    "`info` differs in {info_differs} other fragment(s); the one of {} is kept",
                    display_path(&order[*idx].file)
                ),
            ));
        }
    }

    // Security: one top-level requirement when every fragment agrees, else per operation.
    let first_security = securities.first().cloned().flatten();
    let uniform = securities.iter().all(|s| *s == first_security);
    if !uniform {
        for (fragment, security) in order.iter().zip(&securities) {
            let Some(security) = security else { continue };
            for (path, item) in fragment
                .document
                .get("paths")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                for method in METHODS {
                    if item.get(*method).is_none() {
                        continue;
                    }
                    if let Some(Value::Object(op)) =
                        paths.get_mut(path).and_then(|p| p.get_mut(*method))
                    {
                        op.entry("security").or_insert_with(|| security.clone());
                    }
                }
            }
        }
    }

    let mut out = Map::new();
    out.insert("openapi".to_owned(), Value::String("3.1.0".to_owned()));
    if let Some((info, _)) = info {
        out.insert("info".to_owned(), info);
    }
    if !servers.is_empty() {
        out.insert("servers".to_owned(), Value::Array(servers));
    }
    if uniform {
        if let Some(security) = first_security {
            out.insert("security".to_owned(), security);
            if let Some(first) = order.first() {
                origins.record(
                    &Pointer::root().push("security"),
                    origins_index(&origins, &first.file),
                );
            }
        }
    }
    if !tags.is_empty() {
        out.insert("tags".to_owned(), Value::Array(tags));
    }
    let mut path_map = Map::new();
    for (path, item) in paths {
        // Methods in the order OpenAPI lists them, other keys after.
        let mut sorted = Map::new();
        for m in METHODS {
            if let Some(v) = item.get(*m) {
                sorted.insert((*m).to_owned(), v.clone());
            }
        }
        for (k, v) in item {
            if !sorted.contains_key(&k) {
                sorted.insert(k, v);
            }
        }
        path_map.insert(path, Value::Object(sorted));
    }
    out.insert("paths".to_owned(), Value::Object(path_map));
    if !webhooks.is_empty() {
        out.insert(
            "webhooks".to_owned(),
            Value::Object(webhooks.into_iter().map(|(k, (v, _))| (k, v)).collect()),
        );
    }
    let mut comps = Map::new();
    for kind in COMPONENT_KINDS {
        if let Some(items) = components.remove(kind) {
            comps.insert(
                (*kind).to_owned(),
                Value::Object(items.into_iter().map(|(k, (v, _))| (k, v)).collect()),
            );
        }
    }
    if !comps.is_empty() {
        out.insert("components".to_owned(), Value::Object(comps));
    }
    out.extend(extensions);
    Merged {
        document: Value::Object(out),
        origins,
    }
}

fn origins_index(origins: &Origins, file: &Path) -> usize {
    origins
        .files
        .iter()
        .position(|(f, _)| f == file)
        .unwrap_or(0)
}

/// Folds a named item (component or webhook) into `seen`, reporting a conflict.
#[allow(clippy::too_many_arguments)]
fn fold(
    seen: &mut BTreeMap<String, (Value, usize)>,
    name: &str,
    value: &Value,
    idx: usize,
    at: &Pointer,
    order: &[&Fragment],
    fragment: &Fragment,
    origins: &mut Origins,
    diags: &mut Diagnostics,
    code: &'static str,
    what: &str,
) {
    match seen.get(name) {
        None => {
            seen.insert(name.to_owned(), (value.clone(), idx));
            origins.record(at, idx);
        }
        Some((first, _)) if first == value => {}
        Some((first, first_idx)) => {
            let differs = first_difference(first, value, at).unwrap_or_else(|| at.clone());
            let first_file = &order[*first_idx];
            diags.push(
                Diagnostic::error(
                    code,
                    fragment.locate(&differs),
                    format!("{what} `{name}` is defined differently by two fragments; first difference at {differs}"),
                )
                .with_note(format!("the other definition: {}", first_file.locate(&differs))),
            );
        }
    }
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

/// `/a/{id}/b` → `/a/{}/b`: paths equal up to parameter names share a key.
fn path_template_key(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push('{');
            }
            '}' => {
                depth -= 1;
                out.push('}');
            }
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out
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
    fn paths_equal_up_to_parameter_names_clash() {
        let a = frag("a.yaml", op_doc("/a/{id}", "get", json!({})));
        let b = frag("b.yaml", op_doc("/a/{key}", "delete", json!({})));
        let mut d = Diagnostics::new();
        merge(&[a, b], &mut d);
        assert!(d.iter().any(|m| m.code == "path-template-clash"), "{d}");
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
}
