//! Helpers shared by `operations.rs` and `types_roundtrip.rs` (a module, not a test target).

use serde_json::{Map, Value};

/// A realistic payload from `tests/fixtures/<name>.json`.
pub(crate) fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Owned strings.
pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The map of a JSON object (panics on anything else).
pub(crate) fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

/// `$value` with the given fields assigned, as on a `let mut` binding: how these tests build
/// generated response types with optional fields set (those types are `#[non_exhaustive]`,
/// so no struct literal outside `alli-api`, and have a constructor but no setters).
macro_rules! with_fields {
    ($value:expr, { $($field:ident: $field_value:expr),* $(,)? }) => {{
        let mut value = $value;
        $(value.$field = $field_value;)*
        value
    }};
}
pub(crate) use with_fields;
