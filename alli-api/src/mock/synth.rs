//! Responses synthesized from a schema, for operations the test set no expectation for: the
//! documented example when there is one, else a minimal valid instance (required properties
//! only, the first enum value, the smallest value the bounds allow, well-formed formats, the
//! null for a nullable value, the first branch of an `anyOf`/`oneOf`).

use serde_json::{Map, Value, json};

use super::document::deref;

/// Deeper than this, objects are left empty and arrays without items (recursive schemas).
const MAX_DEPTH: usize = 24;

/// An instance of the schema at `pointer` in `root`. `use_examples: false` ignores schema-level
/// `example`/`examples` (used when an example turned out invalid).
pub(crate) fn instance(root: &Value, pointer: &str, use_examples: bool) -> Value {
    match root.pointer(pointer) {
        Some(schema) => Synth { root, use_examples }.value(schema, 0),
        None => Value::Null,
    }
}

struct Synth<'a> {
    root: &'a Value,
    use_examples: bool,
}

impl Synth<'_> {
    fn value(&self, schema: &Value, depth: usize) -> Value {
        let (schema, _) = deref(self.root, schema, "");
        let Some(obj) = schema.as_object() else {
            // `true` or an empty schema: anything goes.
            return Value::Null;
        };
        if self.use_examples {
            if let Some(example) = obj.get("example") {
                return example.clone();
            }
            if let Some(first) = obj
                .get("examples")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
            {
                return first.clone();
            }
        }
        if let Some(value) = obj.get("const") {
            return value.clone();
        }
        if let Some(first) = obj
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()).or_else(|| e.first()))
        {
            return first.clone();
        }
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            let mut merged = self.typed(obj, depth);
            for part in all {
                merged = merge(merged, self.value(part, depth + 1));
            }
            // A branch may require a property another branch defines (`{required: [name]}`
            // beside a `$ref` with the properties): it is synthesized from that definition.
            if let Value::Object(out) = &mut merged {
                let mut props = Map::new();
                self.all_properties(schema, &mut props, 0);
                for (name, value) in out.iter_mut() {
                    if value.is_null()
                        && let Some(s) = props.get(name)
                    {
                        *value = self.value(s, depth + 1);
                    }
                }
            }
            return merged;
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = obj.get(key).and_then(Value::as_array) {
                // Minimal: a nullable value is null (which also ends pagination cursors and
                // recursive schemas).
                let chosen = branches
                    .iter()
                    .find(|b| is_null_schema(self.root, b))
                    .or_else(|| branches.first());
                if let Some(branch) = chosen {
                    let from_branch = self.value(branch, depth + 1);
                    return merge(self.typed(obj, depth), from_branch);
                }
            }
        }
        self.typed(obj, depth)
    }

    /// The properties a schema defines, through its `allOf` branches and references.
    fn all_properties(&self, schema: &Value, into: &mut Map<String, Value>, depth: usize) {
        if depth >= MAX_DEPTH {
            return;
        }
        let (schema, _) = deref(self.root, schema, "");
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                into.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.all_properties(part, into, depth + 1);
        }
    }

    /// An instance from the `type` (and the keywords that imply one).
    fn typed(&self, obj: &Map<String, Value>, depth: usize) -> Value {
        let ty = match obj.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) if ts.iter().any(|t| t == "null") => "null",
            Some(Value::Array(ts)) => ts.first().and_then(Value::as_str).unwrap_or(""),
            _ if obj.contains_key("properties") || obj.contains_key("required") => "object",
            _ if obj.contains_key("items") => "array",
            _ => "",
        };
        match ty {
            "object" => self.object(obj, depth),
            "array" => self.array(obj, depth),
            "string" => string(obj),
            "integer" => integer(obj),
            "number" => number(obj),
            "boolean" => Value::Bool(false),
            _ => Value::Null,
        }
    }

    fn object(&self, obj: &Map<String, Value>, depth: usize) -> Value {
        let mut out = Map::new();
        if depth >= MAX_DEPTH {
            return Value::Object(out);
        }
        let empty = Map::new();
        let props = obj
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for name in &required {
            let value = props
                .get(*name)
                .map_or(Value::Null, |s| self.value(s, depth + 1));
            out.insert((*name).to_owned(), value);
        }
        let min = obj
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        for (name, schema) in props {
            if out.len() as u64 >= min {
                break;
            }
            if !out.contains_key(name) {
                out.insert(name.clone(), self.value(schema, depth + 1));
            }
        }
        Value::Object(out)
    }

    fn array(&self, obj: &Map<String, Value>, depth: usize) -> Value {
        let min = obj.get("minItems").and_then(Value::as_u64).unwrap_or(0);
        if depth >= MAX_DEPTH || min == 0 {
            return Value::Array(Vec::new());
        }
        let items = obj.get("items").cloned().unwrap_or(json!({}));
        let item = self.value(&items, depth + 1);
        Value::Array((0..min.min(64)).map(|_| item.clone()).collect())
    }
}

fn is_null_schema(root: &Value, schema: &Value) -> bool {
    let (schema, _) = deref(root, schema, "");
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema.get("const").is_some_and(Value::is_null)
}

/// Merges two instances: objects key by key (the second wins), else the second unless null.
fn merge(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Object(mut a), Value::Object(b)) => {
            for (k, v) in b {
                let merged = match a.remove(&k) {
                    Some(old) => merge(old, v),
                    None => v,
                };
                a.insert(k, merged);
            }
            Value::Object(a)
        }
        (a, Value::Null) => a,
        (_, b) => b,
    }
}

fn string(obj: &Map<String, Value>) -> Value {
    let format = obj.get("format").and_then(Value::as_str).unwrap_or("");
    let mut s = match format {
        "date-time" => "2025-01-01T00:00:00Z",
        "date" => "2025-01-01",
        "time" => "00:00:00Z",
        "duration" => "P1D",
        "email" | "idn-email" => "user@example.com",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "127.0.0.1",
        "ipv6" => "::1",
        "uri" | "url" | "iri" => "https://example.com/",
        "uri-reference" | "iri-reference" => "/",
        "uuid" => "00000000-0000-4000-8000-000000000000",
        "byte" => "",
        "json-pointer" => "",
        "regex" => ".*",
        _ => "string",
    }
    .to_owned();
    let min = obj.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = obj
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = max {
        s = s.chars().take(max.max(min)).collect();
    }
    Value::String(s)
}

fn integer(obj: &Map<String, Value>) -> Value {
    let f = |k: &str| obj.get(k).and_then(Value::as_f64);
    let mut lo = f("minimum").map(f64::ceil);
    if let Some(e) = f("exclusiveMinimum") {
        let e = e.floor() + 1.0;
        lo = Some(lo.map_or(e, |l| l.max(e)));
    }
    let mut hi = f("maximum").map(f64::floor);
    if let Some(e) = f("exclusiveMaximum") {
        let e = e.ceil() - 1.0;
        hi = Some(hi.map_or(e, |h| h.min(e)));
    }
    let mut v = 0f64;
    if let Some(lo) = lo {
        v = v.max(lo);
    }
    if let Some(hi) = hi {
        v = v.min(hi);
    }
    if let Some(m) = f("multipleOf").filter(|m| *m > 0.0) {
        v = (v / m).ceil() * m;
    }
    json!(v as i64)
}

fn number(obj: &Map<String, Value>) -> Value {
    let f = |k: &str| obj.get(k).and_then(Value::as_f64);
    let lo = f("minimum").or(f("exclusiveMinimum").map(|e| e + 1.0));
    let hi = f("maximum").or(f("exclusiveMaximum").map(|e| e - 1.0));
    let mut v = 0f64;
    if let Some(lo) = lo {
        v = v.max(lo);
    }
    if let Some(hi) = hi {
        v = v.min(hi);
    }
    // An exclusive bound closer than 1 to the other one: the midpoint.
    if let (Some(a), Some(b)) = (f("exclusiveMinimum"), f("exclusiveMaximum")) {
        if v <= a || v >= b {
            v = (a + b) / 2.0;
        }
    }
    if let Some(m) = f("multipleOf").filter(|m| *m > 0.0) {
        v = (v / m).ceil() * m;
    }
    serde_json::Number::from_f64(v).map_or(json!(0), Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synth(schema: Value) -> Value {
        let root = json!({ "s": schema, "components": { "schemas": {
            "Node": { "type": "object", "required": ["child"], "properties": {
                "child": { "anyOf": [{ "$ref": "#/components/schemas/Node" }, { "type": "null" }] } } }
        } } });
        instance(&root, "/s", true)
    }

    #[test]
    fn minimal_instances() {
        assert_eq!(
            synth(
                json!({"type": "object", "required": ["a", "b"], "properties": {
                    "a": {"type": "string", "format": "date-time"},
                    "b": {"type": "integer", "minimum": 1, "maximum": 50},
                    "c": {"type": "string"}
                }})
            ),
            json!({"a": "2025-01-01T00:00:00Z", "b": 1})
        );
        assert_eq!(synth(json!({"enum": ["x", "y"]})), json!("x"));
        assert_eq!(
            synth(json!({"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "null"}]})),
            json!(null)
        );
        assert_eq!(
            synth(
                json!({"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "string"}]})
            ),
            json!(1.0)
        );
        assert_eq!(synth(json!({"type": ["boolean", "null"]})), json!(null));
        assert_eq!(synth(json!({"type": ["boolean"]})), json!(false));
        assert_eq!(
            synth(json!({"type": "array", "minItems": 2, "items": {"const": 3}})),
            json!([3, 3])
        );
        assert_eq!(
            synth(json!({"type": "string", "minLength": 8})),
            json!("stringxx")
        );
        assert_eq!(
            synth(json!({"type": "string", "examples": ["hello"]})),
            json!("hello")
        );
        assert_eq!(
            synth(json!({"allOf": [
                {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
                {"type": "object", "required": ["b"], "properties": {"b": {"type": "boolean"}}}
            ]})),
            json!({"a": 0, "b": false})
        );
        // One branch requires what another defines.
        assert_eq!(
            synth(json!({"allOf": [
                {"allOf": [{"type": "object", "properties": {"name": {"type": "string"}}}]},
                {"required": ["name"]}
            ]})),
            json!({"name": "string"})
        );
    }

    #[test]
    fn recursive_schemas_end() {
        let v = synth(json!({"$ref": "#/components/schemas/Node"}));
        let mut depth = 0;
        let mut cur = &v;
        while let Some(next) = cur.get("child") {
            depth += 1;
            cur = next;
        }
        assert_eq!(depth, 1, "{v}");
        assert!(cur.is_null(), "the recursion ends in null: {v}");
        let root = json!({ "components": { "schemas": { "Loop": {
            "type": "object", "required": ["next"], "properties": {
                "next": { "$ref": "#/components/schemas/Loop" } } } } } });
        let v = instance(&root, "/components/schemas/Loop", true);
        let mut depth = 0;
        let mut cur = &v;
        while let Some(next) = cur.get("next") {
            depth += 1;
            cur = next;
        }
        assert!(depth <= MAX_DEPTH, "{depth}");
    }
}
