//! `spec/overrides.yaml`: hand-kept corrections, applied after merge and before validation.
//!
//! Everything specific to Alli's docs lives here, never in the generator's code. Re-importing
//! the docs never touches this file. Every entry must still change something: an override that
//! no longer applies (its target vanished, or the docs now say the same) is an error, so stale
//! corrections cannot pile up.
//!
//! ```yaml
//! operations:                 # JSON merge patch onto an operation, by operationId or "METHOD /path"
//!   "POST /webapi/v2/conversations/bulk_update":
//!     x-rust-name: bulk_update
//! schemas:                    # JSON merge patch onto the schema at a pointer of spec/openapi.json
//!   "#/paths/~1webapi~1v2~1conversations/get/parameters/15/schema":
//!     x-rust-type-name: ListOrder
//! patches:                    # JSON Patch-like edits: add, replace, remove, merge
//!   - op: add
//!     path: /components/securitySchemes/ProjectIdHeader
//!     value: {type: apiKey, in: header, name: PROJECT-ID}
//!     why: the docs list the scheme in `security` but never define it
//! generator:                  # conventions of this API the generator should know
//!   error-envelope-field: errors
//!   stream-mode-property: mode
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::http::{HttpMethod, operations};
use crate::merge::Merged;
use crate::pointer::Pointer;

/// The parsed overrides file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Merge patches onto operations, keyed by operationId or `METHOD /path`.
    #[serde(default)]
    pub operations: indexmap::IndexMap<String, Value>,
    /// Merge patches onto schemas, keyed by a JSON pointer of the merged document.
    #[serde(default)]
    pub schemas: indexmap::IndexMap<String, Value>,
    /// Free-form edits.
    #[serde(default)]
    pub patches: Vec<Patch>,
    /// Generator settings.
    #[serde(default)]
    pub generator: GeneratorSettings,
}

/// One edit of the merged document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// What to do.
    pub op: PatchOp,
    /// A JSON pointer (`/a/b` or `#/a/b`).
    pub path: String,
    /// The value (not for `remove`).
    #[serde(default)]
    pub value: Option<Value>,
    /// Why the correction is needed (for reviewers; not used).
    #[serde(default)]
    pub why: Option<String>,
}

/// Patch operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchOp {
    /// Adds a member or array item (the parent must exist).
    Add,
    /// Replaces an existing value.
    Replace,
    /// Removes an existing value.
    Remove,
    /// JSON merge patch onto an existing object.
    Merge,
}

/// Conventions of the API that are not in the documents.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GeneratorSettings {
    /// A top-level field of 2xx JSON bodies that, when non-empty, turns the response into an
    /// error (legacy `{"result": .., "errors": ..}` envelopes).
    #[serde(default)]
    pub error_envelope_field: Option<String>,
    /// A request-body property whose enum selects how the server answers: the value `stream`
    /// gives a `.stream()` method, `background` a `.background()` one.
    #[serde(default)]
    pub stream_mode_property: Option<String>,
    /// Query parameter names that carry a pagination cursor, replacing the defaults
    /// ([`CURSOR_PARAMS`](crate::codegen::model::paging::CURSOR_PARAMS)). An `x-pagination`
    /// declaration on an operation wins over both.
    #[serde(default)]
    pub cursor_params: Option<Vec<String>>,
    /// Query parameter names that carry a page number, replacing the defaults
    /// ([`PAGE_PARAMS`](crate::codegen::model::paging::PAGE_PARAMS)).
    #[serde(default)]
    pub page_params: Option<Vec<String>>,
    /// Query parameter names that carry the page size, replacing the defaults
    /// ([`PAGE_SIZE_PARAMS`](crate::codegen::model::paging::PAGE_SIZE_PARAMS)).
    #[serde(default)]
    pub page_size_params: Option<Vec<String>>,
    /// Response fields holding the total number of items, replacing the defaults
    /// ([`TOTAL_FIELDS`](crate::codegen::model::paging::TOTAL_FIELDS)).
    #[serde(default)]
    pub total_fields: Option<Vec<String>>,
}

/// Reads `spec/overrides.yaml`; a missing file means no overrides.
pub fn load(root: &Path, rel: &Path) -> Result<(Overrides, String), Diagnostic> {
    let text = match crate::output::read_normalized(&root.join(rel))? {
        Some(t) => t,
        None => return Ok((Overrides::default(), String::new())),
    };
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok((Overrides::default(), text));
    }
    let overrides: Overrides = serde_yaml::from_str(&text).map_err(|e| {
        let mut at = Location::file(rel);
        if let Some(loc) = e.location() {
            at = at.at_line(loc.line(), Some(loc.column()));
        }
        Diagnostic::error(
            "overrides-syntax",
            at,
            format!("cannot read the overrides: {e}"),
        )
    })?;
    Ok((overrides, text))
}

/// Applies the overrides to the merged document. Each entry that changes nothing is a
/// `stale-override` error.
pub fn apply(
    overrides: &Overrides,
    file: &Path,
    text: &str,
    merged: &mut Merged,
    diags: &mut Diagnostics,
) {
    let idx = merged.origins.add_file(file, Default::default());
    let locate = |needle: &str| {
        let mut loc = Location::file(file);
        if let Some(line) = find_line(text, needle) {
            loc = loc.at_line(line, None);
        }
        loc
    };

    for (key, patch) in &overrides.operations {
        let Some(at) = find_operation(&merged.document, key) else {
            diags.push(Diagnostic::error(
                "stale-override",
                locate(key),
                format!("operations.{key}: no operation has this operationId or method and path"),
            ));
            continue;
        };
        apply_merge(
            &mut merged.document,
            &at,
            patch,
            &locate(key),
            &format!("operations.{key}"),
            diags,
        );
        merged.origins.record(&at, idx);
    }
    for (pointer, patch) in &overrides.schemas {
        let at = Pointer::parse(pointer);
        if at.get(&merged.document).is_none() {
            diags.push(Diagnostic::error(
                "stale-override",
                locate(pointer),
                format!("schemas.{pointer}: the document has nothing at this pointer"),
            ));
            continue;
        }
        apply_merge(
            &mut merged.document,
            &at,
            patch,
            &locate(pointer),
            &format!("schemas.{pointer}"),
            diags,
        );
    }
    for patch in &overrides.patches {
        let at = Pointer::parse(&patch.path);
        let loc = locate(&patch.path);
        let label = format!("patches: {:?} {}", patch.op, patch.path).to_lowercase();
        if let Err(msg) = apply_patch(&mut merged.document, patch, &at) {
            diags.push(Diagnostic::error(
                "stale-override",
                loc,
                format!("{label}: {msg}"),
            ));
        } else {
            merged.origins.record(&at, idx);
        }
    }
}

fn apply_merge(
    doc: &mut Value,
    at: &Pointer,
    patch: &Value,
    loc: &Location,
    label: &str,
    diags: &mut Diagnostics,
) {
    let Some(target) = at.get_mut(doc) else {
        return;
    };
    let before = target.clone();
    merge_patch(target, patch);
    if *target == before {
        diags.push(Diagnostic::error(
            "stale-override",
            loc.clone(),
            format!("{label}: the override changes nothing; the document already says this"),
        ));
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(obj) = target {
        for (k, v) in patch {
            if v.is_null() {
                obj.remove(k);
            } else {
                merge_patch(obj.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

fn apply_patch(doc: &mut Value, patch: &Patch, at: &Pointer) -> Result<(), String> {
    let value = || {
        patch
            .value
            .clone()
            .ok_or_else(|| "needs a `value`".to_owned())
    };
    match patch.op {
        PatchOp::Add => patch_add(doc, at, value()?),
        PatchOp::Replace => patch_replace(doc, at, value()?),
        PatchOp::Remove => patch_remove(doc, at),
        PatchOp::Merge => patch_merge(doc, at, &value()?),
    }
}

const UNCHANGED: &str = "the document already has this value; the override changes nothing";

/// Adds a member or array item; the parent must exist.
fn patch_add(doc: &mut Value, at: &Pointer, value: Value) -> Result<(), String> {
    let parent_ptr = at.parent().ok_or("cannot add at the document root")?;
    let last = at.last().unwrap_or_default();
    let parent = parent_ptr
        .get_mut(doc)
        .ok_or("the parent of the path does not exist")?;
    match parent {
        Value::Object(obj) => {
            if obj.get(&last) == Some(&value) {
                return Err(UNCHANGED.to_owned());
            }
            obj.insert(last, value);
        }
        Value::Array(items) if last == "-" => items.push(value),
        Value::Array(items) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("`{last}` is not an array index"))?;
            if i > items.len() {
                return Err(format!("index {i} is past the end of the array"));
            }
            items.insert(i, value);
        }
        _ => return Err("the parent of the path is not an object or array".to_owned()),
    }
    Ok(())
}

/// Replaces an existing value.
fn patch_replace(doc: &mut Value, at: &Pointer, value: Value) -> Result<(), String> {
    let target = at
        .get_mut(doc)
        .ok_or("nothing to replace: the path does not exist")?;
    if *target == value {
        return Err(UNCHANGED.to_owned());
    }
    *target = value;
    Ok(())
}

/// Removes an existing value.
fn patch_remove(doc: &mut Value, at: &Pointer) -> Result<(), String> {
    const MISSING: &str = "nothing to remove: the path does not exist";
    let parent_ptr = at.parent().ok_or("cannot remove the document root")?;
    let last = at.last().unwrap_or_default();
    let removed = match parent_ptr.get_mut(doc).ok_or(MISSING)? {
        Value::Object(obj) => obj.shift_remove(&last).is_some(),
        Value::Array(items) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    };
    if removed {
        Ok(())
    } else {
        Err(MISSING.to_owned())
    }
}

/// JSON merge patch onto an existing value.
fn patch_merge(doc: &mut Value, at: &Pointer, value: &Value) -> Result<(), String> {
    let target = at
        .get_mut(doc)
        .ok_or("nothing to merge into: the path does not exist")?;
    let before = target.clone();
    merge_patch(target, value);
    if *target == before {
        return Err("the override changes nothing; the document already says this".to_owned());
    }
    Ok(())
}

/// The pointer of the operation named by `key`: an operationId or `METHOD /path`.
pub fn find_operation(doc: &Value, key: &str) -> Option<Pointer> {
    let paths = doc.get("paths")?.as_object()?;
    let at = |path: &str, method: HttpMethod| {
        Pointer::root()
            .push("paths")
            .push(path)
            .push(method.as_str())
    };
    if let Some((method, path)) = key.split_once(' ') {
        if let Some(method) = HttpMethod::parse(method) {
            if paths.get(path)?.get(method.as_str()).is_some() {
                return Some(at(path, method));
            }
        }
    }
    paths.iter().find_map(|(path, item)| {
        operations(item)
            .find(|(_, op)| op.get("operationId").and_then(Value::as_str) == Some(key))
            .map(|(method, _)| at(path, method))
    })
}

/// The 1-based line where `needle` first appears in `text`.
fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// The overrides file path, for messages.
pub fn path(root: &Path) -> PathBuf {
    root.join("spec/overrides.yaml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::Origins;
    use serde_json::json;

    fn merged() -> Merged {
        Merged {
            document: json!({"paths": {"/a": {"get": {"operationId": "getA", "summary": "x"}}}, "components": {"securitySchemes": {}}}),
            origins: Origins::default(),
        }
    }

    fn run(yaml: &str) -> (Value, Vec<String>) {
        let overrides: Overrides = serde_yaml::from_str(yaml).expect("parses");
        let mut m = merged();
        let mut diags = Diagnostics::new();
        apply(
            &overrides,
            Path::new("spec/overrides.yaml"),
            yaml,
            &mut m,
            &mut diags,
        );
        (m.document, diags.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn operations_are_found_by_id_or_method_and_path() {
        let (doc, d) =
            run("operations:\n  getA:\n    x-rust-name: fetch\n  \"GET /a\":\n    summary: y\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            doc["paths"]["/a"]["get"],
            json!({"operationId": "getA", "summary": "y", "x-rust-name": "fetch"})
        );
    }

    #[test]
    fn stale_overrides_are_errors_with_a_line() {
        let (_, d) = run(
            "operations:\n  getB:\n    x-rust-name: b\n  getA:\n    summary: x\npatches:\n  - op: remove\n    path: /components/nothing\n  - op: add\n    path: /components/securitySchemes/P\n    value: {type: apiKey}\n",
        );
        assert_eq!(
            d,
            vec![
                "error[stale-override]: spec/overrides.yaml:2: operations.getB: no operation has this operationId or method and path",
                "error[stale-override]: spec/overrides.yaml:4: operations.getA: the override changes nothing; the document already says this",
                "error[stale-override]: spec/overrides.yaml:8: patches: remove /components/nothing: nothing to remove: the path does not exist",
            ]
        );
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let err = serde_yaml::from_str::<Overrides>("operationz: {}\n").expect_err("rejected");
        assert!(
            err.to_string().contains("unknown field `operationz`"),
            "{err}"
        );
    }
}
