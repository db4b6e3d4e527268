//! The progenitor peer of the compile bench: oxidecomputer's Rust OpenAPI client generator,
//! run on a 3.0 copy of `spec/openapi.json`.
//!
//! - [`down_convert`] rewrites the OpenAPI 3.1 document into 3.0, which is all progenitor
//!   reads (it parses with the `openapiv3` crate and rejects any `openapi` other than 3.0.x).
//!   Each rule is mechanical, works on any document, and is counted, so the bench can list
//!   what it changed; a 3.1 construct no rule covers is an error naming where it is, never
//!   passed through.
//! - [`build_generator`] builds the generator program `benches/progenitor/` (a workspace of
//!   its own with a committed `Cargo.lock`: progenitor never enters the main workspace's
//!   build) into the benches' kept work dir; [`generate`] runs it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Map, Value, json};

/// The generator program's directory (`benches/progenitor`).
pub fn generator_dir() -> PathBuf {
    crate::paths::workspace_root().join("benches/progenitor")
}

/// The version of `progenitor-impl` pinned in the generator's `Cargo.lock`.
pub fn version() -> Result<String, String> {
    let lock = generator_dir().join("Cargo.lock");
    let text = std::fs::read_to_string(&lock)
        .map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
    text.split("[[package]]")
        .find_map(|p| {
            p.contains("\nname = \"progenitor-impl\"\n")
                .then(|| p.split("\nversion = \"").nth(1)?.split('"').next())?
        })
        .map(str::to_owned)
        .ok_or_else(|| format!("{} pins no progenitor-impl", lock.display()))
}

/// Builds the generator (`cargo build --locked`, dev profile: generating 22 operations takes
/// well under a second unoptimized) into `<target>/bench-work/tools/progenitor`, a no-op when
/// it is up to date, and returns the binary. `Err` says why it cannot be built here.
pub fn build_generator() -> Result<PathBuf, String> {
    let target = crate::paths::kept_work_dir("tools").join("progenitor");
    let status = Command::new(crate::paths::cargo())
        .args(["build", "--quiet", "--locked", "--target-dir"])
        .arg(&target)
        .current_dir(generator_dir())
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTC_WRAPPER")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "building {} failed ({status})",
            generator_dir().display()
        ));
    }
    let bin = target.join("debug/alli-bench-progenitor");
    bin.is_file()
        .then_some(bin)
        .ok_or_else(|| format!("no generator binary in {}", target.display()))
}

/// Runs the generator: the crate `name` of `spec` (OpenAPI 3.0, JSON) into `out` (emptied
/// first), with progenitor's `positional` or `builder` interface; panics on failure.
pub fn generate(bin: &Path, spec: &Path, out: &Path, name: &str, interface: &str) {
    let _ = std::fs::remove_dir_all(out);
    let output = Command::new(bin)
        .arg(spec)
        .arg(out)
        .args([name, interface])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    assert!(
        output.status.success(),
        "progenitor failed on {}:\n{}",
        spec.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What [`down_convert`] changed: rule → number of places.
pub type Changes = BTreeMap<&'static str, usize>;

/// Rule names, as the bench reports them.
const VERSION_RULE: &str = "`openapi: 3.1.x` → `3.0.3`";
const NULL_MEMBER_INLINE: &str =
    "`anyOf`/`oneOf` of one schema and `{type: null}` → that schema, inlined, + `nullable: true`";
const NULL_MEMBER_REF: &str =
    "`anyOf`/`oneOf` of one `$ref` and `{type: null}` → `allOf: [$ref]` + `nullable: true`";
const NULL_MEMBER_MANY: &str =
    "`anyOf`/`oneOf` of several schemas and `{type: null}` → the others + `nullable: true`";
const TYPE_ARRAY: &str = "`type: [T, \"null\"]` → `type: T` + `nullable: true`";
const CONST: &str = "`const: v` → `enum: [v]`";
const EXAMPLES: &str = "schema `examples: [a, ..]` → `example: a`";
const EXCLUSIVE: &str = "`exclusiveMinimum/Maximum: n` → `minimum/maximum: n` + `exclusive…: true`";

/// Schema keywords of JSON Schema 2020-12 that OpenAPI 3.0 has no equivalent for: an error
/// when found (no rule would keep their meaning).
const UNCONVERTIBLE: &[&str] = &[
    "$defs",
    "$id",
    "$schema",
    "prefixItems",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentSchemas",
    "dependentRequired",
    "patternProperties",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "contentMediaType",
    "contentEncoding",
];

/// Rewrites an OpenAPI 3.1 document into 3.0 in place, returning what it changed.
///
/// Every schema of the document is visited (`components/schemas`, and every `schema` of
/// parameters, headers and media types, recursively through `properties`, `items`,
/// `additionalProperties`, `not`, `allOf`, `anyOf`, `oneOf`). In a schema:
/// - a member `{type: "null"}` (annotations allowed) of `anyOf`/`oneOf` is removed and the
///   schema gets `nullable: true`; a single remaining member is inlined into the schema
///   (keywords the schema already has win only for annotations: `title`, `description`,
///   `default`, `example`), or, when it is a `$ref`, becomes `allOf: [$ref]` (3.0's nullable
///   reference);
/// - `type: [T, "null"]` becomes `type: T, nullable: true`;
/// - `const: v` becomes `enum: [v]`; `examples: [a, ..]` becomes `example: a`;
/// - numeric `exclusiveMinimum: n` becomes `minimum: n, exclusiveMinimum: true` (likewise
///   the maximum).
///
/// `Err` names the JSON pointer of anything 3.1-only left: a bare `{type: "null"}`, a type
/// array of several non-null types, a JSON Schema 2020-12 keyword without a 3.0 equivalent
/// (`prefixItems`, `if`/`then`/`else`, `$defs`, ...), `webhooks`.
pub fn down_convert(doc: &mut Value) -> Result<Changes, String> {
    let mut changes = Changes::new();
    let root = doc
        .as_object_mut()
        .ok_or("the document is not a JSON object")?;
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.1.") => {
            root.insert("openapi".into(), json!("3.0.3"));
            *changes.entry(VERSION_RULE).or_default() += 1;
        }
        Some(v) if v.starts_with("3.0.") => {}
        other => return Err(format!("/openapi: {other:?} is not OpenAPI 3.0 or 3.1")),
    }
    for key in ["webhooks", "jsonSchemaDialect"] {
        if root.contains_key(key) {
            return Err(format!("/{key}: OpenAPI 3.0 has no equivalent"));
        }
    }
    if let Some(Value::Object(schemas)) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
    {
        for (name, schema) in schemas.iter_mut() {
            convert_schema(
                schema,
                &format!("/components/schemas/{}", escape(name)),
                &mut changes,
            )?;
        }
    }
    for key in ["paths", "components"] {
        if let Some(v) = root.get_mut(key) {
            find_schemas(v, &format!("/{key}"), &mut changes)?;
        }
    }
    Ok(changes)
}

/// Outside schemas: converts the value of every `schema` key (skipping `components/schemas`,
/// done already, and example values and extensions, which are data).
fn find_schemas(v: &mut Value, at: &str, changes: &mut Changes) -> Result<(), String> {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                let here = format!("{at}/{}", escape(k));
                if here == "/components/schemas"
                    || k == "example"
                    || k == "examples"
                    || k.starts_with("x-")
                {
                    continue;
                }
                if k == "schema" {
                    convert_schema(child, &here, changes)?;
                } else {
                    find_schemas(child, &here, changes)?;
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                find_schemas(child, &format!("{at}/{i}"), changes)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// `{type: "null"}` with nothing but annotations beside it.
fn is_null_schema(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.get("type") == Some(&json!("null"))
            && m.keys()
                .all(|k| matches!(k.as_str(), "type" | "title" | "description"))
    })
}

fn convert_schema(v: &mut Value, at: &str, changes: &mut Changes) -> Result<(), String> {
    let Value::Object(s) = v else {
        // `true` / `false` schemas and the like: nothing to rewrite.
        return Ok(());
    };
    for combinator in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = s.get(combinator) else {
            continue;
        };
        if !members.iter().any(is_null_schema) {
            continue;
        }
        let mut rest: Vec<Value> = members
            .iter()
            .filter(|m| !is_null_schema(m))
            .cloned()
            .collect();
        s.remove(combinator);
        s.insert("nullable".into(), json!(true));
        match rest.len() {
            0 => return Err(format!("{at}/{combinator}: only `null`, no 3.0 equivalent")),
            1 => {
                let Some(Value::Object(member)) = rest.pop() else {
                    return Err(format!(
                        "{at}/{combinator}: a member is not a schema object"
                    ));
                };
                if member.contains_key("$ref") {
                    if s.contains_key("allOf") {
                        return Err(format!("{at}: nullable `$ref` beside an `allOf`"));
                    }
                    s.insert("allOf".into(), json!([member]));
                    *changes.entry(NULL_MEMBER_REF).or_default() += 1;
                } else {
                    inline(s, member, at)?;
                    *changes.entry(NULL_MEMBER_INLINE).or_default() += 1;
                }
            }
            _ => {
                s.insert(combinator.into(), Value::Array(rest));
                *changes.entry(NULL_MEMBER_MANY).or_default() += 1;
            }
        }
    }
    if let Some(Value::Array(types)) = s.get("type") {
        let non_null: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
        match non_null.as_slice() {
            [t] if non_null.len() < types.len() => {
                let t = (*t).clone();
                s.insert("type".into(), t);
                s.insert("nullable".into(), json!(true));
                *changes.entry(TYPE_ARRAY).or_default() += 1;
            }
            [t] => {
                let t = (*t).clone();
                s.insert("type".into(), t);
            }
            _ => return Err(format!("{at}/type: {types:?} has no 3.0 equivalent")),
        }
    }
    if s.get("type") == Some(&json!("null")) {
        return Err(format!("{at}: `type: null` outside a nullable union"));
    }
    if let Some(c) = s.remove("const") {
        if s.contains_key("enum") {
            return Err(format!("{at}: both `const` and `enum`"));
        }
        s.insert("enum".into(), json!([c]));
        *changes.entry(CONST).or_default() += 1;
    }
    if let Some(examples) = s.remove("examples") {
        if let Some(first) = examples.as_array().and_then(|a| a.first()) {
            s.entry("example").or_insert_with(|| first.clone());
        }
        *changes.entry(EXAMPLES).or_default() += 1;
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n) = s.get(exclusive).filter(|n| n.is_number()).cloned() {
            if s.contains_key(bound) {
                return Err(format!("{at}: both `{exclusive}` and `{bound}`"));
            }
            s.insert(bound.into(), n);
            s.insert(exclusive.into(), json!(true));
            *changes.entry(EXCLUSIVE).or_default() += 1;
        }
    }
    if let Some(k) = UNCONVERTIBLE.iter().find(|k| s.contains_key(**k)) {
        return Err(format!("{at}/{}: OpenAPI 3.0 has no equivalent", escape(k)));
    }
    // Subschemas.
    if let Some(Value::Object(props)) = s.get_mut("properties") {
        for (name, p) in props.iter_mut() {
            convert_schema(p, &format!("{at}/properties/{}", escape(name)), changes)?;
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = s.get_mut(key) {
            convert_schema(sub, &format!("{at}/{key}"), changes)?;
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = s.get_mut(key) {
            for (i, m) in members.iter_mut().enumerate() {
                convert_schema(m, &format!("{at}/{key}/{i}"), changes)?;
            }
        }
    }
    Ok(())
}

/// Moves the keywords of `member` into `s`; a keyword both have must be an annotation (the
/// outer one is kept) or equal.
fn inline(s: &mut Map<String, Value>, member: Map<String, Value>, at: &str) -> Result<(), String> {
    for (k, v) in member {
        match s.get(&k) {
            None => {
                s.insert(k, v);
            }
            Some(outer)
                if *outer == v
                    || matches!(k.as_str(), "title" | "description" | "default" | "example") => {}
            Some(_) => {
                return Err(format!(
                    "{at}: `{k}` both beside and inside the nullable union, with different values"
                ));
            }
        }
    }
    Ok(())
}

/// A JSON pointer token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
