//! The OpenAPI document the mock serves: its operations, routing, request validation against
//! the documented schemas (JSON Schema 2020-12, `$ref`s into the document resolved) and
//! response validation.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use http::Method;
use jsonschema::{Draft, Registry, Validator};
use serde_json::{Value, json};

use super::{MockError, Operation};

/// The URI the document is registered under, so `$ref: "#/components/..."` inside it resolve.
const DOCUMENT_URI: &str = "urn:alli-api:mock:openapi";
/// `$ref` chains longer than this are treated as cycles.
const MAX_REF_HOPS: usize = 32;

/// The parsed document and its operations.
pub(crate) struct Document {
    pub(crate) root: Value,
    pub(crate) operations: Vec<Op>,
}

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum In {
    Path,
    Query,
    Header,
    Cookie,
}

impl In {
    fn parse(s: &str) -> Option<In> {
        match s {
            "path" => Some(In::Path),
            "query" => Some(In::Query),
            "header" => Some(In::Header),
            "cookie" => Some(In::Cookie),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            In::Path => "path",
            In::Query => "query",
            In::Header => "header",
            In::Cookie => "cookie",
        }
    }
}

/// A documented parameter with its compiled schema.
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) location: In,
    pub(crate) required: bool,
    /// The schema with its top-level `$ref`s followed (for coercing text into JSON).
    schema: Value,
    validator: Option<Validator>,
}

/// A documented request body.
pub(crate) struct Body {
    pub(crate) required: bool,
    pub(crate) media_type: String,
    validator: Option<Validator>,
}

/// A documented response.
pub(crate) struct Response {
    pub(crate) status: u16,
    /// `None`: the response has no body.
    pub(crate) media_type: Option<String>,
    /// JSON pointer of the schema in the document.
    pub(crate) schema: Option<String>,
    validator: Option<Validator>,
    /// `example` / `examples` of the media type, when documented and valid.
    pub(crate) example: Option<Value>,
}

/// What the mock knows of one operation: from the document, named and completed by the
/// generated [`Operation`] descriptor when there is one.
pub(crate) struct Op {
    pub(crate) id: String,
    pub(crate) method: Method,
    pub(crate) path: String,
    segments: Vec<Segment>,
    pub(crate) params: Vec<Param>,
    pub(crate) body: Option<Body>,
    pub(crate) success: Response,
    pub(crate) errors: Vec<Response>,
    /// The body field and value that ask for a stream of events (`mode: "stream"`).
    pub(crate) stream: Option<(String, String)>,
    /// The operation needs credentials (`API-KEY` or `Authorization: Bearer`).
    pub(crate) secured: bool,
}

/// Path parameters of a routed request: `(name, decoded value)`.
pub(crate) type PathParams = Vec<(String, String)>;

/// A problem with one part of a request, as the real API would report it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Violation {
    /// Where: `["query", "pageSize"]`, `["body", "chat", "message"]`.
    pub(crate) loc: Vec<String>,
    pub(crate) message: String,
}

impl Violation {
    fn new(loc: Vec<String>, message: impl Into<String>) -> Self {
        Violation {
            loc,
            message: message.into(),
        }
    }

    pub(crate) fn location(&self) -> String {
        self.loc.join(".")
    }
}

/// Escapes a JSON pointer token (`~` → `~0`, `/` → `~1`).
pub(crate) fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Document {
    /// Parses the document and builds every operation: from the document, then named and
    /// completed by the descriptors (matched by method and path; a descriptor the document does
    /// not have, or whose pointers do not resolve, is an error).
    pub(crate) fn new(
        text: &str,
        descriptors: &[&'static Operation],
    ) -> Result<Document, MockError> {
        let root: Value = serde_json::from_str(text)
            .map_err(|e| MockError::new(format!("the OpenAPI document is not valid JSON: {e}")))?;
        if !root.get("paths").is_some_and(Value::is_object) {
            return Err(MockError::new("the OpenAPI document has no `paths` object"));
        }
        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .add(DOCUMENT_URI, root.clone())
            .and_then(|r| r.prepare())
            .map_err(|e| MockError::new(format!("the OpenAPI document cannot be indexed: {e}")))?;
        let compiler = Compiler {
            root: &root,
            registry: &registry,
        };
        let mut operations = compiler.operations()?;
        for descriptor in descriptors {
            let found = operations.iter_mut().find(|op| {
                op.method.as_str().eq_ignore_ascii_case(descriptor.method)
                    && op.path == descriptor.path
            });
            let Some(op) = found else {
                return Err(MockError::new(format!(
                    "operation `{}` ({} {}) is not in the OpenAPI document",
                    descriptor.id, descriptor.method, descriptor.path
                )));
            };
            compiler.apply(op, descriptor)?;
        }
        Ok(Document { root, operations })
    }

    /// The operation serving `method` and `path` (the raw path, still percent-encoded) with its
    /// path parameters, decoded. Literal segments win over parameters.
    pub(crate) fn route(
        &self,
        method: &Method,
        path: &str,
    ) -> Option<(usize, Vec<(String, String)>)> {
        let segments: Vec<String> = split_path(path);
        let mut best: Option<(usize, usize, PathParams)> = None;
        for (index, op) in self.operations.iter().enumerate() {
            if op.method != *method {
                continue;
            }
            let Some((literals, params)) = match_template(&op.segments, &segments) else {
                continue;
            };
            if best.as_ref().is_none_or(|(l, _, _)| literals > *l) {
                best = Some((literals, index, params));
            }
        }
        best.map(|(_, index, params)| (index, params))
    }

    /// The methods documented for `path`, and the documented path templates closest to it (for
    /// reports on requests no operation serves).
    pub(crate) fn near_misses(&self, path: &str) -> (Vec<String>, Vec<String>) {
        let segments = split_path(path);
        let mut methods = Vec::new();
        for op in &self.operations {
            if match_template(&op.segments, &segments).is_some() {
                methods.push(op.method.to_string());
            }
        }
        let mut scored: Vec<(usize, &str)> = self
            .operations
            .iter()
            .map(|op| (distance(&op.path, path), op.path.as_str()))
            .collect();
        scored.sort();
        scored.dedup_by(|a, b| a.1 == b.1);
        let near = scored
            .into_iter()
            .take(3)
            .map(|(_, p)| p.to_owned())
            .collect();
        (methods, near)
    }

    /// Checks a request against its operation: parameters (required, type, enum, bounds) and
    /// the JSON body. Empty when the real API would accept it.
    pub(crate) fn check_request(
        &self,
        op: &Op,
        path_params: &[(String, String)],
        query: &[(String, String)],
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Vec<Violation> {
        let mut problems = Vec::new();
        for param in &op.params {
            let values: Vec<String> = match param.location {
                In::Path => path_params
                    .iter()
                    .filter(|(n, _)| *n == param.name)
                    .map(|(_, v)| v.clone())
                    .collect(),
                In::Query => query
                    .iter()
                    .filter(|(n, _)| *n == param.name)
                    .map(|(_, v)| v.clone())
                    .collect(),
                In::Header => headers
                    .get_all(param.name.as_str())
                    .iter()
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .collect(),
                In::Cookie => continue,
            };
            let loc = vec![param.location.as_str().to_owned(), param.name.clone()];
            if values.is_empty() {
                if param.required {
                    problems.push(Violation::new(loc, "field required"));
                }
                continue;
            }
            let value = coerce(&values, &param.schema, &self.root);
            if let Some(validator) = &param.validator {
                problems.extend(schema_violations(validator, &value, loc));
            }
        }
        if let Some(spec) = &op.body {
            let loc = vec!["body".to_owned()];
            if body.iter().all(u8::is_ascii_whitespace) {
                if spec.required {
                    problems.push(Violation::new(loc, "a request body is required"));
                }
                return problems;
            }
            let content_type = headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if is_json(&spec.media_type) {
                if !is_json(content_type) {
                    problems.push(Violation::new(
                        loc,
                        format!(
                            "Content-Type must be {}, got {:?}",
                            spec.media_type, content_type
                        ),
                    ));
                    return problems;
                }
                match serde_json::from_slice::<Value>(body) {
                    Ok(value) => {
                        if let Some(validator) = &spec.validator {
                            problems.extend(schema_violations(validator, &value, loc));
                        }
                    }
                    Err(e) => problems.push(Violation::new(
                        loc,
                        format!("the body is not valid JSON: {e}"),
                    )),
                }
            }
        }
        problems
    }
}

impl Op {
    /// The documented response for `status`, if any.
    pub(crate) fn response(&self, status: u16) -> Option<&Response> {
        std::iter::once(&self.success)
            .chain(&self.errors)
            .find(|r| r.status == status)
    }
}

impl Response {
    /// The schema violations of `value` as this response's body (empty when valid or when no
    /// schema is documented).
    pub(crate) fn check(&self, value: &Value) -> Vec<String> {
        match &self.validator {
            Some(v) => schema_violations(v, value, Vec::new())
                .into_iter()
                .map(|v| {
                    if v.loc.is_empty() {
                        v.message
                    } else {
                        format!("at `{}`: {}", v.location(), v.message)
                    }
                })
                .collect(),
            None => Vec::new(),
        }
    }
}

/// The JSON Schema errors of `value`, located under `loc`.
fn schema_violations(validator: &Validator, value: &Value, loc: Vec<String>) -> Vec<Violation> {
    validator
        .iter_errors(value)
        .map(|e| {
            let mut at = loc.clone();
            at.extend(
                e.instance_path()
                    .as_str()
                    .split('/')
                    .skip(1)
                    .map(|t| t.replace("~1", "/").replace("~0", "~")),
            );
            Violation::new(at, e.to_string())
        })
        .collect()
}

/// `application/json` and `application/<x>+json`, parameters ignored.
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Path segments, percent-decoded.
fn split_path(path: &str) -> Vec<String> {
    path.trim_start_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

/// The number of literal segments matched and the parameters, when `segments` fit `template`.
fn match_template(
    template: &[Segment],
    segments: &[String],
) -> Option<(usize, Vec<(String, String)>)> {
    if template.len() != segments.len() {
        return None;
    }
    let mut literals = 0;
    let mut params = Vec::new();
    for (t, s) in template.iter().zip(segments) {
        match t {
            Segment::Literal(l) if l == s => literals += 1,
            Segment::Literal(_) => return None,
            Segment::Param(_) if s.is_empty() => return None,
            Segment::Param(name) => params.push((name.clone(), s.clone())),
        }
    }
    Some((literals, params))
}

fn parse_template(path: &str) -> Vec<Segment> {
    path.trim_start_matches('/')
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_owned()),
                None => Segment::Literal(s.to_owned()),
            },
        )
        .collect()
}

/// Edit distance between two strings (for "did you mean" hints).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// Follows `$ref`s to `#/...` in the document (bounded), returning the target and its pointer.
pub(crate) fn deref<'a>(root: &'a Value, value: &'a Value, pointer: &str) -> (&'a Value, String) {
    let mut current = value;
    let mut at = pointer.to_owned();
    for _ in 0..MAX_REF_HOPS {
        let Some(target) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            break;
        };
        match root.pointer(target) {
            Some(next) => {
                current = next;
                at = target.to_owned();
            }
            None => break,
        }
    }
    (current, at)
}

/// The JSON types a schema admits (through `$ref`, `anyOf`, `oneOf`); empty = any.
fn admitted_types(schema: &Value, root: &Value, depth: usize) -> Vec<String> {
    let (schema, _) = deref(root, schema, "");
    let mut out = Vec::new();
    match schema.get("type") {
        Some(Value::String(t)) => out.push(t.clone()),
        Some(Value::Array(ts)) => {
            out.extend(ts.iter().filter_map(Value::as_str).map(str::to_owned))
        }
        _ => {}
    }
    if depth < 8 {
        for branch in branches(schema) {
            let types = admitted_types(branch, root, depth + 1);
            if types.is_empty() {
                return Vec::new();
            }
            out.extend(types);
        }
    }
    if out.is_empty() && schema.get("enum").is_some() {
        out.push("string".to_owned());
    }
    out
}

/// The `anyOf` and `oneOf` branches of a schema.
fn branches(schema: &Value) -> impl Iterator<Item = &Value> {
    ["anyOf", "oneOf"]
        .into_iter()
        .filter_map(|key| schema.get(key).and_then(Value::as_array))
        .flatten()
}

/// The item schema of the array branch of `schema`, if any.
fn array_items<'a>(schema: &'a Value, root: &'a Value) -> Option<&'a Value> {
    let (schema, _) = deref(root, schema, "");
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        return Some(schema.get("items").unwrap_or(&Value::Null));
    }
    branches(schema).find_map(|branch| array_items(branch, root))
}

/// Turns the text values of a parameter into the JSON value its schema describes: an array
/// for array schemas (one item per repeated value), else the first value as an integer,
/// number or boolean when the schema admits one and the text parses, else a string.
fn coerce(values: &[String], schema: &Value, root: &Value) -> Value {
    let types = admitted_types(schema, root, 0);
    if types.iter().any(|t| t == "array") {
        let items = array_items(schema, root).unwrap_or(&Value::Null);
        let items = if items.is_null() { &json!({}) } else { items };
        return Value::Array(
            values
                .iter()
                .map(|v| coerce(std::slice::from_ref(v), items, root))
                .collect(),
        );
    }
    let text = values.first().map(String::as_str).unwrap_or("");
    let admits = |t: &str| types.is_empty() || types.iter().any(|x| x == t);
    if admits("integer") {
        if let Ok(i) = text.parse::<i64>() {
            return json!(i);
        }
        // Integers beyond 64 bits are still integers (JSON Schema has no size limit).
        let digits = text.strip_prefix('-').unwrap_or(text);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Some(n) = text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                return Value::Number(n);
            }
        }
    }
    if admits("number") {
        if let Some(n) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    if admits("boolean") && (text == "true" || text == "false") {
        return Value::Bool(text == "true");
    }
    Value::String(text.to_owned())
}

/// Builds operations and validators from the document.
struct Compiler<'a> {
    root: &'a Value,
    registry: &'a Registry<'a>,
}

impl Compiler<'_> {
    fn validator(&self, pointer: &str) -> Result<Validator, MockError> {
        // A JSON pointer in a URI fragment is percent-encoded (`{app_id}` has braces).
        let fragment: String = percent_encoding::utf8_percent_encode(pointer, FRAGMENT).to_string();
        let schema = json!({ "$ref": format!("{DOCUMENT_URI}#{fragment}") });
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_registry(self.registry)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| {
                MockError::new(format!(
                    "the schema at `#{pointer}` cannot be compiled: {e}"
                ))
            })
    }

    fn at(&self, pointer: &str) -> Option<&Value> {
        self.root.pointer(pointer)
    }

    fn operations(&self) -> Result<Vec<Op>, MockError> {
        let mut ops = Vec::new();
        let global_security = self.root.get("security");
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return Ok(ops);
        };
        for (path, item) in paths {
            let item_ptr = format!("/paths/{}", escape_token(path));
            let (item, item_ptr) = deref(self.root, item, &item_ptr);
            for method in [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ] {
                let Some(op) = item.get(method) else { continue };
                let op_ptr = format!("{item_ptr}/{method}");
                let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                    .map_err(|e| MockError::new(format!("`#{op_ptr}`: {e}")))?;
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("{method} {path}"), str::to_owned);
                let security = op.get("security").or(global_security);
                let secured = security.and_then(Value::as_array).is_some_and(|reqs| {
                    !reqs.is_empty()
                        && reqs
                            .iter()
                            .all(|r| r.as_object().is_some_and(|o| !o.is_empty()))
                });
                ops.push(Op {
                    id,
                    method,
                    path: path.clone(),
                    segments: parse_template(path),
                    params: self.params(item, &item_ptr, op, &op_ptr)?,
                    body: self.body(op, &op_ptr)?,
                    success: self.success(op, &op_ptr)?,
                    errors: self.errors(op, &op_ptr)?,
                    stream: None,
                    secured,
                });
            }
        }
        Ok(ops)
    }

    fn params(
        &self,
        item: &Value,
        item_ptr: &str,
        op: &Value,
        op_ptr: &str,
    ) -> Result<Vec<Param>, MockError> {
        let mut by_key: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
        let mut order = 0;
        for (owner, ptr) in [(item, item_ptr), (op, op_ptr)] {
            for (i, param) in owner
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let (param, param_ptr) = deref(self.root, param, &format!("{ptr}/parameters/{i}"));
                let name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let location = param
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                // An operation's parameter replaces the path item's of the same name and place.
                by_key.insert((location, name), (order, param_ptr));
                order += 1;
            }
        }
        let mut found: Vec<(usize, String)> = by_key.into_values().collect();
        found.sort();
        let mut params = Vec::new();
        for (_, ptr) in found {
            let Some(param) = self.at(&ptr) else { continue };
            let Some(location) = param.get("in").and_then(Value::as_str).and_then(In::parse) else {
                return Err(MockError::new(format!(
                    "`#{ptr}`: parameter without a valid `in`"
                )));
            };
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let required = location == In::Path
                || param.get("required").and_then(Value::as_bool) == Some(true);
            let schema_ptr = format!("{ptr}/schema");
            let (schema, validator) = match self.at(&schema_ptr) {
                Some(schema) => {
                    let (schema, _) = deref(self.root, schema, &schema_ptr);
                    (schema.clone(), Some(self.validator(&schema_ptr)?))
                }
                None => (json!({}), None),
            };
            params.push(Param {
                name,
                location,
                required,
                schema,
                validator,
            });
        }
        Ok(params)
    }

    fn body(&self, op: &Value, op_ptr: &str) -> Result<Option<Body>, MockError> {
        let Some(body) = op.get("requestBody") else {
            return Ok(None);
        };
        let (body, body_ptr) = deref(self.root, body, &format!("{op_ptr}/requestBody"));
        let required = body.get("required").and_then(Value::as_bool) == Some(true);
        let Some((media_type, media)) = pick_media(body.get("content")) else {
            return Ok(Some(Body {
                required,
                media_type: "application/json".to_owned(),
                validator: None,
            }));
        };
        let validator = match media.get("schema") {
            Some(_) => Some(self.validator(&format!(
                "{body_ptr}/content/{}/schema",
                escape_token(&media_type)
            ))?),
            None => None,
        };
        Ok(Some(Body {
            required,
            media_type,
            validator,
        }))
    }

    fn response(&self, status: u16, response: &Value, ptr: &str) -> Result<Response, MockError> {
        let (response, ptr) = deref(self.root, response, ptr);
        let Some((media_type, media)) = pick_media(response.get("content")) else {
            return Ok(Response {
                status,
                media_type: None,
                schema: None,
                validator: None,
                example: None,
            });
        };
        let media_ptr = format!("{ptr}/content/{}", escape_token(&media_type));
        let (schema, validator) = match media.get("schema") {
            Some(_) => {
                let schema_ptr = format!("{media_ptr}/schema");
                let validator = self.validator(&schema_ptr)?;
                (Some(schema_ptr), Some(validator))
            }
            None => (None, None),
        };
        let example = media.get("example").cloned().or_else(|| {
            media
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|all| all.values().next())
                .map(|e| deref(self.root, e, "").0)
                .and_then(|e| e.get("value"))
                .cloned()
        });
        let example = example.filter(|e| validator.as_ref().is_none_or(|v| v.is_valid(e)));
        Ok(Response {
            status,
            media_type: Some(media_type),
            schema,
            validator,
            example,
        })
    }

    fn statuses<'v>(&self, op: &'v Value) -> Vec<(u16, &'v Value, String)> {
        op.get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(code, r)| Some((code.parse::<u16>().ok()?, r, code.clone())))
            .collect()
    }

    fn success(&self, op: &Value, op_ptr: &str) -> Result<Response, MockError> {
        let statuses = self.statuses(op);
        match statuses
            .iter()
            .filter(|(s, _, _)| (200..300).contains(s))
            .min_by_key(|(s, _, _)| *s)
        {
            Some((status, response, code)) => {
                self.response(*status, response, &format!("{op_ptr}/responses/{code}"))
            }
            // Without a 2xx code, a `2XX` range, else `default`, describes success (as 200),
            // as the generated client reads them.
            None => match ["2XX", "2xx", "default"].into_iter().find_map(|code| {
                let response = op.get("responses")?.get(code)?;
                Some((code, response))
            }) {
                Some((code, response)) => {
                    self.response(200, response, &format!("{op_ptr}/responses/{code}"))
                }
                None => Ok(Response {
                    status: 200,
                    media_type: None,
                    schema: None,
                    validator: None,
                    example: None,
                }),
            },
        }
    }

    fn errors(&self, op: &Value, op_ptr: &str) -> Result<Vec<Response>, MockError> {
        self.statuses(op)
            .into_iter()
            .filter(|(s, _, _)| *s >= 300)
            .map(|(status, response, code)| {
                self.response(status, response, &format!("{op_ptr}/responses/{code}"))
            })
            .collect()
    }

    /// Names an operation after its descriptor and checks that the descriptor agrees with the
    /// document.
    fn apply(&self, op: &mut Op, d: &Operation) -> Result<(), MockError> {
        let fail = |what: String| {
            Err(MockError::new(format!(
                "operation `{}` ({} {}): {what}",
                d.id, d.method, d.path
            )))
        };
        let check_ptr = |ptr: &str| self.at(ptr).is_some();
        if let Some(ptr) = d.request_body {
            if op.body.is_none() || !check_ptr(ptr) {
                return fail(format!(
                    "request body schema `#{ptr}` is not in the document"
                ));
            }
        }
        if d.success_status != op.success.status {
            return fail(format!(
                "documented success status is {}, the descriptor says {}",
                op.success.status, d.success_status
            ));
        }
        if d.success_media_type.map(str::to_owned) != op.success.media_type {
            return fail(format!(
                "documented success media type is {:?}, the descriptor says {:?}",
                op.success.media_type, d.success_media_type
            ));
        }
        if let Some(ptr) = d.success_schema {
            if !check_ptr(ptr) {
                return fail(format!("success schema `#{ptr}` is not in the document"));
            }
            if op.success.schema.as_deref() != Some(ptr) {
                op.success.validator = Some(self.validator(ptr)?);
                op.success.schema = Some(ptr.to_owned());
            }
        }
        for status in d.error_statuses {
            if op.response(*status).is_none() {
                return fail(format!("status {status} is not documented"));
            }
        }
        op.id = d.id.to_owned();
        op.stream = d
            .stream
            .map(|s| (s.body_field.to_owned(), s.value.to_owned()));
        Ok(())
    }
}

/// The media type to use from a `content` map: JSON first, else the first one listed.
fn pick_media(content: Option<&Value>) -> Option<(String, &Value)> {
    let content = content?.as_object()?;
    content
        .iter()
        .find(|(mt, _)| is_json(mt))
        .or_else(|| content.iter().next())
        .map(|(mt, v)| (mt.clone(), v))
}

/// Characters percent-encoded in a URI fragment holding a JSON pointer.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A short description of a document error for the `Debug` of [`Document`].
impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut ops = String::new();
        for op in &self.operations {
            let _ = write!(ops, "{} ", op.id);
        }
        f.debug_struct("Document")
            .field("operations", &ops.trim_end())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coercion_follows_the_schema() {
        let root = json!({});
        let c = |vals: &[&str], schema: Value| {
            let vals: Vec<String> = vals.iter().map(|s| (*s).to_owned()).collect();
            coerce(&vals, &schema, &root)
        };
        assert_eq!(c(&["5"], json!({"type": "integer"})), json!(5));
        assert_eq!(c(&["x"], json!({"type": "integer"})), json!("x"));
        let big = c(
            &["561456458912749968827526613565440"],
            json!({"type": "integer"}),
        );
        assert!(
            big.as_f64().is_some_and(|f| f > 5.6e32 && f < 5.7e32),
            "{big}"
        );
        assert_eq!(
            c(
                &["1.5"],
                json!({"anyOf": [{"type": "number"}, {"type": "null"}]})
            ),
            json!(1.5)
        );
        assert_eq!(c(&["true"], json!({"type": "boolean"})), json!(true));
        assert_eq!(
            c(
                &["a", "b"],
                json!({"anyOf": [{"type": "array", "items": {}}, {"type": "null"}]})
            ),
            json!(["a", "b"])
        );
        assert_eq!(c(&["7"], json!({"type": "string"})), json!("7"));
    }

    #[test]
    fn templates_match_and_literals_win() {
        let t = parse_template("/a/{id}/b");
        assert_eq!(
            match_template(&t, &split_path("/a/x%2Fy/b")),
            Some((2, vec![("id".to_owned(), "x/y".to_owned())]))
        );
        assert_eq!(match_template(&t, &split_path("/a//b")), None);
        assert_eq!(distance("/webapi/apps", "/webapi/app"), 1);
    }

    #[test]
    fn of_two_templates_that_fit_alike_the_first_in_the_document_serves() {
        // Paths equal up to parameter names (the generator warns about them and keeps both).
        let text = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/v1/{database}": {"delete": {"operationId": "dropDatabase", "responses": {"204": {"description": "gone"}}}},
                "/v1/{name}": {"delete": {"operationId": "deleteName", "responses": {"204": {"description": "gone"}}}}
            }
        })
        .to_string();
        let doc = Document::new(&text, &[]).expect("document");
        let (index, params) = doc.route(&Method::DELETE, "/v1/x").expect("routed");
        assert_eq!(doc.operations[index].id, "dropDatabase");
        assert_eq!(params, vec![("database".to_owned(), "x".to_owned())]);
    }
}
