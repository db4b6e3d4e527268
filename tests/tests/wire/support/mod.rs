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

/// One part as `multer` parsed it.
#[derive(Debug)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) file_name: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) header_names: Vec<String>,
    pub(crate) data: Vec<u8>,
}

impl Part {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// Parses the recorded body with `multer`, with the boundary of its `Content-Type`.
pub(crate) async fn parse_multipart(r: &alli_api_tests::RecordedRequest) -> Vec<Part> {
    let ct = r.header("content-type").expect("a content type");
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let boundary = multer::parse_boundary(&ct).expect("a boundary");
    let body = bytes::Bytes::from(r.body.clone());
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = form
        .next_field()
        .await
        .expect("a well-formed multipart body")
    {
        let name = field.name().expect("every part is named").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(|m| m.to_string());
        let header_names = field.headers().keys().map(|k| k.to_string()).collect();
        let data = field.bytes().await.expect("part data").to_vec();
        parts.push(Part {
            name,
            file_name,
            content_type,
            header_names,
            data,
        });
    }
    parts
}
