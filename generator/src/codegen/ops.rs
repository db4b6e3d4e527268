//! The operation list: every operation with its Rust names, parameters, body, responses,
//! pagination and streaming, grouped into resources by tag.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use openapiv3::{
    OpenAPI, Operation as OaOperation, Parameter, ParameterSchemaOrContent, ReferenceOr,
    RequestBody, Response, StatusCode,
};
use serde_json::Value;

use super::naming::{Case, PRELUDE_TYPES, method_words, sanitize, strip_namespaces, unique};
use super::types::{Cx, DefKind, SchemaInfo, TypeId, TypeRef, TypeSpace, Typed, pascal};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::http::METHODS;
use crate::overrides::GeneratorSettings;
use crate::pointer::Pointer;

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The wire name.
    pub wire: String,
    /// The Rust name of the argument / builder method.
    pub rust: String,
    /// Where it goes.
    pub location: ParamIn,
    /// Whether the caller must give it.
    pub required: bool,
    /// The value type.
    pub typed: Typed,
    /// The parameter's own description (falls back to the schema's).
    pub description: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// For lists sent as one `name=a,b` pair (`explode: false`): the separator.
    pub separator: Option<&'static str>,
}

impl Param {
    /// Description: the parameter's, else its schema's.
    pub fn doc(&self) -> Option<&str> {
        self.description
            .as_deref()
            .or(self.typed.info.description.as_deref())
    }
}

/// The JSON request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Its type.
    pub typed: Typed,
    /// Whether the body must be sent.
    pub required: bool,
    /// The media type, `application/json`.
    pub content_type: String,
    /// The body's description.
    pub description: Option<String>,
    /// Not JSON (multipart, binary, text, form): sent as bytes the caller encodes.
    pub raw: bool,
}

/// What a successful answer carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// JSON, decoded into [`Op::success`] (or nothing documented: `()`).
    Json,
    /// Text (`text/*`): a `String`.
    Text(String),
    /// Any other media type: the bytes.
    Bytes(String),
    /// A stream of events (`text/event-stream`, NDJSON): `send()` returns an event stream of
    /// [`Op::success`] (or JSON values).
    Events(String),
}

/// How an operation pages through results.
#[derive(Debug, Clone, PartialEq)]
pub enum Paging {
    /// A cursor in, a cursor out, null at the end.
    Cursor {
        /// Index of the cursor query parameter.
        param: usize,
        /// Wire name of the response field holding the next cursor.
        next: String,
        /// Wire name of the response array holding the items.
        items: String,
        /// Wire name of a boolean response field saying whether more pages follow.
        has_more: Option<String>,
    },
    /// A page number in; the end is a short or empty page, or the total reached.
    PageNumber {
        /// Index of the page-number query parameter.
        param: usize,
        /// Index of a page-size query parameter, if any.
        size_param: Option<usize>,
        /// The page size when none is sent (the size parameter's default, or declared).
        default_size: Option<u64>,
        /// Wire name of a response field holding the total number of items.
        total: Option<String>,
        /// Wire name of the response array holding the items.
        items: String,
        /// The first page number (the parameter's default, else its minimum, else 1).
        first: u64,
    },
}

/// An operation whose body property selects a streamed answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Streaming {
    /// Wire name of the body property (`mode`, `stream`).
    pub property: String,
    /// How the property selects streaming.
    pub switch: StreamSwitch,
    /// The type of one event: the documented event-stream schema, else the success type.
    pub event: Option<Typed>,
}

/// How a body property selects streaming.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamSwitch {
    /// An enum property: `stream` selects a stream, `background` (if any) a background run.
    Enum {
        /// The enum type.
        enum_id: TypeId,
        /// Wire value selecting a stream.
        stream: String,
        /// Wire value selecting a background run.
        background: Option<String>,
    },
    /// A boolean property: `true` selects a stream.
    Flag,
}

/// A typed error body for some statuses.
#[derive(Debug, Clone)]
pub struct ErrorBody {
    /// `400`, `4XX` or `default`.
    pub statuses: Vec<String>,
    /// The body type.
    pub ty: TypeRef,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Op {
    /// The operationId (or one made from method and path).
    pub id: String,
    /// `GET`.
    pub method: String,
    /// `/webapi/v2/conversations/{conversation_id}`.
    pub path: String,
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// The method name on the resource handle (`list`).
    pub method_name: String,
    /// The request builder type name (`List`).
    pub builder: String,
    /// Prefix of inline type names (`GetListConversations`).
    pub type_prefix: String,
    /// Path, query and header parameters, in document order.
    pub params: Vec<Param>,
    /// The JSON body.
    pub body: Option<Body>,
    /// The success type (`None`: no JSON body documented).
    pub success: Option<Typed>,
    /// What the success body is.
    pub answer: Answer,
    /// Typed error bodies.
    pub errors: Vec<ErrorBody>,
    /// Envelope field to check in 2xx bodies.
    pub envelope: Option<String>,
    /// Pagination.
    pub paging: Option<Paging>,
    /// Streaming.
    pub streaming: Option<Streaming>,
    /// Where it is in the merged document.
    pub pointer: Pointer,
}

/// A resource handle: the operations of one tag.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The tag.
    pub tag: String,
    /// Its description.
    pub description: Option<String>,
    /// Module name (`conversations`).
    pub module: String,
    /// Handle type (`Conversations`).
    pub handle: String,
    /// Accessor on the client (`conversations`).
    pub accessor: String,
    /// Operations, in path order.
    pub ops: Vec<Op>,
}

/// The whole lowered API.
#[derive(Debug, Clone)]
pub struct Api {
    /// Resources, by module name.
    pub resources: Vec<Resource>,
    /// Every type.
    pub space: TypeSpace,
    /// Title and version from `info`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Diagnostics.
    pub diags: Diagnostics,
}

/// Methods every builder has; parameters must not take these names.
pub const RESERVED_METHODS: &[&str] = &[
    "send",
    "send_raw",
    "timeout",
    "max_retries",
    "header",
    "without_header",
    "options",
    "into_stream",
    "into_pages",
    "stream",
    "background",
    "body",
    "new",
    "request",
    "client",
    "page_concurrency",
];

/// Lowers the parsed document into resources, operations and types.
pub fn build(api: &OpenAPI, settings: &GeneratorSettings, reserved: &[String]) -> Api {
    let mut space = TypeSpace::new(api);
    let mut diags = Diagnostics::new();

    struct Raw<'a> {
        path: String,
        method: &'static str,
        op: &'a OaOperation,
        id: String,
    }
    let mut raws: Vec<Raw<'_>> = Vec::new();
    let mut paths: Vec<(&String, &ReferenceOr<openapiv3::PathItem>)> =
        api.paths.paths.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    for (path, item) in paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for method in METHODS {
            let op = match *method {
                "get" => &item.get,
                "put" => &item.put,
                "post" => &item.post,
                "delete" => &item.delete,
                "options" => &item.options,
                "head" => &item.head,
                "patch" => &item.patch,
                _ => &item.trace,
            };
            let Some(op) = op else { continue };
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| synthesized_id(method, path));
            raws.push(Raw {
                path: path.clone(),
                method,
                op,
                id,
            });
        }
    }
    let ids: Vec<String> = raws.iter().map(|r| r.id.clone()).collect();
    let stripped = strip_namespaces(&ids);

    // Resources by tag, in tag order of the document, then first appearance.
    let tag_order: Vec<String> = api.tags.iter().map(|t| t.name.clone()).collect();
    let mut by_tag: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in raws.iter().enumerate() {
        let tag =
            r.op.extensions
                .get("x-rust-resource")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| r.op.tags.first().cloned())
                .unwrap_or_else(|| "default".to_owned());
        by_tag.entry(tag).or_default().push(i);
    }
    let mut tags: Vec<String> = by_tag.keys().cloned().collect();
    tags.sort_by_key(|t| {
        (
            tag_order.iter().position(|x| x == t).unwrap_or(usize::MAX),
            t.clone(),
        )
    });

    let mut resources = Vec::new();
    // Module names double as client accessors: unique, never a keyword (file names cannot be
    // raw identifiers), never a runtime name.
    let mut module_names: BTreeSet<String> = reserved.iter().cloned().collect();
    let mut prefixes = BTreeSet::new();
    for tag in tags {
        let members = &by_tag[&tag];
        let base = sanitize(&tag, Case::Snake);
        let base = if base.starts_with("r#") || module_names.contains(&base) {
            format!("{}_api", base.trim_start_matches("r#"))
        } else {
            base
        };
        if base != sanitize(&tag, Case::Snake) || module_names.contains(&base) {
            diags.push(Diagnostic::warning(
                "renamed-resource",
                Location::default(),
                format!("tag `{tag}` gives module and accessor `{base}`: its plain name is a Rust keyword or taken"),
            ));
        }
        let module = unique(&base, &mut module_names);
        let handle = {
            let h = sanitize(&tag, Case::Pascal)
                .trim_start_matches("r#")
                .to_owned();
            if PRELUDE_TYPES.contains(&h.as_str()) {
                format!("{h}Api")
            } else {
                h
            }
        };
        // Method names, with collisions resolved by falling back to the full name.
        let mut names: Vec<String> = Vec::new();
        for &i in members {
            let r = &raws[i];
            let pinned = r.op.extensions.get("x-rust-name").and_then(Value::as_str);
            let name = match pinned {
                Some(p) => sanitize(p, Case::Snake),
                None => {
                    let path_params: Vec<String> = crate::http::path_params(&r.path)
                        .map(str::to_owned)
                        .collect();
                    sanitize(
                        &method_words(&stripped[i], &tag, &path_params).join("_"),
                        Case::Snake,
                    )
                }
            };
            names.push(name);
        }
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for n in &names {
            *counts.entry(n.clone()).or_default() += 1;
        }
        // `new` is the handle's constructor.
        let mut taken = BTreeSet::from(["new".to_owned()]);
        let mut builders: BTreeSet<String> =
            PRELUDE_TYPES.iter().map(|s| (*s).to_owned()).collect();
        builders.insert(handle.clone());
        let mut ops = Vec::new();
        for (k, &i) in members.iter().enumerate() {
            let r = &raws[i];
            let pinned = r.op.extensions.contains_key("x-rust-name");
            let mut name = names[k].clone();
            if (counts[&name] > 1 || taken.contains(&name)) && !pinned {
                name = sanitize(&stripped[i].join("_"), Case::Snake);
            }
            let method_name = unique(&name, &mut taken);
            let builder = {
                let b = sanitize(&method_name, Case::Pascal)
                    .trim_start_matches("r#")
                    .to_owned();
                let b = if builders.contains(&b) {
                    format!("{b}Request")
                } else {
                    b
                };
                unique(&b, &mut builders)
            };
            let type_prefix = unique(&pascal(&stripped[i].join("_")), &mut prefixes);
            let pointer = Pointer::root().push("paths").push(&r.path).push(r.method);
            let op = build_op(
                api,
                settings,
                &mut space,
                &mut diags,
                r.op,
                &r.path,
                r.method,
                &r.id,
                method_name,
                builder,
                type_prefix,
                pointer,
            );
            ops.push(op);
        }
        let description = api
            .tags
            .iter()
            .find(|t| t.name == tag)
            .and_then(|t| t.description.clone());
        resources.push(Resource {
            accessor: module.clone(),
            module,
            handle,
            tag,
            description,
            ops,
        });
    }

    for r in &resources {
        for op in &r.ops {
            for p in &op.params {
                space.mark(&p.typed.ty, true);
            }
            if let Some(b) = &op.body {
                space.mark(&b.typed.ty, true);
            }
            if let Some(s) = &op.success {
                space.mark(&s.ty, false);
            }
            for e in &op.errors {
                space.mark(&e.ty, false);
            }
        }
    }
    space.finish();
    diags.extend(std::mem::take(&mut space.diags));
    Api {
        resources,
        space,
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        diags,
    }
}

#[allow(clippy::too_many_arguments)]
fn build_op(
    api: &OpenAPI,
    settings: &GeneratorSettings,
    space: &mut TypeSpace,
    diags: &mut Diagnostics,
    op: &OaOperation,
    path: &str,
    method: &str,
    id: &str,
    method_name: String,
    builder: String,
    type_prefix: String,
    pointer: Pointer,
) -> Op {
    let warn = |diags: &mut Diagnostics, code: &'static str, at: &Pointer, msg: String| {
        diags.push(Diagnostic::warning(
            code,
            Location {
                pointer: Some(at.to_string()),
                ..Location::default()
            },
            msg,
        ));
    };

    // Parameters.
    let mut params = Vec::new();
    let mut taken: BTreeSet<String> = RESERVED_METHODS.iter().map(|s| (*s).to_owned()).collect();
    for (i, p) in op.parameters.iter().enumerate() {
        let at = pointer.push("parameters").index(i);
        let Some(p) = resolve_param(api, p) else {
            warn(
                diags,
                "unresolved-parameter",
                &at,
                "parameter reference does not resolve; skipped".to_owned(),
            );
            continue;
        };
        let mut separator = None;
        let (data, location) = match &p {
            Parameter::Path { parameter_data, .. } => (parameter_data, ParamIn::Path),
            Parameter::Query {
                parameter_data,
                style,
                ..
            } => {
                let explode = parameter_data
                    .explode
                    .unwrap_or(matches!(style, openapiv3::QueryStyle::Form));
                separator = match style {
                    openapiv3::QueryStyle::Form if !explode => Some(","),
                    openapiv3::QueryStyle::SpaceDelimited => Some(" "),
                    openapiv3::QueryStyle::PipeDelimited => Some("|"),
                    _ => None,
                };
                (parameter_data, ParamIn::Query)
            }
            Parameter::Header { parameter_data, .. } => (parameter_data, ParamIn::Header),
            Parameter::Cookie { parameter_data, .. } => {
                warn(
                    diags,
                    "cookie-parameter",
                    &at,
                    format!(
                        "cookie parameter `{}` is not supported; skipped",
                        parameter_data.name
                    ),
                );
                continue;
            }
        };
        let typed = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                space.type_of(s, &Cx::root(&type_prefix, &data.name, at.push("schema")))
            }
            ParameterSchemaOrContent::Content(_) => {
                warn(
                    diags,
                    "parameter-content",
                    &at,
                    format!(
                        "parameter `{}` uses `content`; sent as JSON text",
                        data.name
                    ),
                );
                Typed {
                    ty: TypeRef::Json,
                    nullable: false,
                    info: SchemaInfo::default(),
                }
            }
        };
        let mut typed = typed;
        let plain = match resolved(space, &typed.ty) {
            TypeRef::Vec(inner, _) => inner.is_scalar(space) || *inner == TypeRef::Json,
            t => t.is_scalar(space) || t == TypeRef::Json,
        };
        if !plain {
            warn(
                diags,
                "structured-parameter",
                &at,
                format!("parameter `{}` is an object; sent as JSON text", data.name),
            );
            typed.ty = TypeRef::Json;
        }
        let rust = unique(&sanitize(&data.name, Case::Snake), &mut taken);
        let separator =
            separator.filter(|_| matches!(resolved(space, &typed.ty), TypeRef::Vec(..)));
        params.push(Param {
            wire: data.name.clone(),
            rust,
            location,
            required: data.required || location == ParamIn::Path,
            typed,
            description: data.description.clone(),
            deprecated: data.deprecated.unwrap_or(false),
            separator,
        });
    }
    // Path parameters in the order of the path.
    let order: Vec<&str> = crate::http::path_params(path).collect();
    params.sort_by_key(|p| match p.location {
        ParamIn::Path => order.iter().position(|o| *o == p.wire).unwrap_or(0),
        _ => usize::MAX,
    });

    // Body.
    let body = op.request_body.as_ref().and_then(|b| {
        let at = pointer.push("requestBody");
        let b = resolve_body(api, b)?;
        let (content_type, media) = b
            .content
            .iter()
            .find(|(ct, _)| is_json(ct))
            .or_else(|| b.content.first())?;
        let raw = |content_type: &str| Body {
            typed: Typed { ty: TypeRef::Json, nullable: false, info: SchemaInfo::default() },
            required: b.required,
            content_type: content_type.to_owned(),
            description: b.description.clone(),
            raw: true,
        };
        if !is_json(content_type) {
            warn(
                diags,
                "raw-body",
                &at,
                format!("request body of type `{content_type}`: the caller passes it encoded (`body_bytes`)"),
            );
            return Some(raw(content_type));
        }
        let Some(schema) = media.schema.as_ref() else {
            return Some(raw(content_type));
        };
        let typed = space.type_of(schema, &Cx::root(&type_prefix, "Request", at.push("content").push(content_type).push("schema")));
        Some(Body { typed, required: b.required, content_type: content_type.clone(), description: b.description.clone(), raw: false })
    });

    // Responses.
    let mut success = None;
    let mut answer = Answer::Json;
    let mut event = None;
    let mut decided = false;
    let mut error_schemas: Vec<(String, ReferenceOr<openapiv3::Schema>, Pointer)> = Vec::new();
    let mut codes: Vec<(&StatusCode, &ReferenceOr<Response>)> =
        op.responses.responses.iter().collect();
    codes.sort_by_key(|(c, _)| status_rank(c));
    for (code, r) in codes {
        let label = code.to_string();
        let at = pointer.push("responses").push(&label);
        let Some(r) = resolve_response(api, r) else {
            continue;
        };
        let json = r
            .content
            .iter()
            .find(|(ct, _)| is_json(ct))
            .and_then(|(ct, m)| m.schema.clone().map(|s| (ct.clone(), s)));
        if is_success(code) {
            // The first 2xx decides, with or without a body.
            if !decided {
                decided = true;
                (success, answer, event) = success_of(space, &type_prefix, &r, &at);
            }
        } else if let Some((ct, schema)) = json {
            error_schemas.push((label, schema, at.push("content").push(&ct).push("schema")));
        }
    }
    if let Some(ReferenceOr::Item(r)) = &op.responses.default {
        if !decided {
            // No 2xx documented: `default` describes success too.
            (success, answer, event) = success_of(
                space,
                &type_prefix,
                r,
                &pointer.push("responses").push("default"),
            );
        } else if let Some(schema) = r
            .content
            .iter()
            .find(|(ct, _)| is_json(ct))
            .and_then(|(_, m)| m.schema.clone())
        {
            error_schemas.push((
                "default".to_owned(),
                schema,
                pointer.push("responses").push("default"),
            ));
        }
    }
    let errors = error_bodies(space, &type_prefix, error_schemas);

    let mut out = Op {
        id: id.to_owned(),
        method: method.to_uppercase(),
        path: path.to_owned(),
        summary: op.summary.clone(),
        description: op.description.clone(),
        deprecated: op.deprecated,
        method_name,
        builder,
        type_prefix,
        params,
        body,
        success,
        answer,
        errors,
        envelope: None,
        paging: None,
        streaming: None,
        pointer,
    };
    out.envelope = settings
        .error_envelope_field
        .as_ref()
        .filter(|f| {
            out.success
                .as_ref()
                .is_some_and(|s| struct_field(space, &s.ty, f).is_some())
        })
        .cloned();
    if let (Some(field), Some(success)) = (&out.envelope, &out.success) {
        // The client checks the envelope field itself; whatever shape an empty one takes
        // (`null`, `[]`, `{}`), it must not make a successful answer fail to decode.
        if let Some(id) = struct_of(space, &success.ty) {
            space.loosen_field(id, field);
        }
    }
    out.streaming = detect_streaming(space, settings, &out, event);
    out.paging = detect_paging(space, settings, op, &out, diags);
    out
}

/// Error bodies: statuses whose schemas agree (prose aside) share one type; one group is
/// `{Op}Error`, several are `{Op}Error{first status}` each.
fn error_bodies(
    space: &mut TypeSpace,
    prefix: &str,
    schemas: Vec<(String, ReferenceOr<openapiv3::Schema>, Pointer)>,
) -> Vec<ErrorBody> {
    let key = |s: &ReferenceOr<openapiv3::Schema>| {
        let mut v = serde_json::to_value(s).unwrap_or_default();
        strip_prose(&mut v);
        v.to_string()
    };
    let mut groups: Vec<(String, Vec<String>, ReferenceOr<openapiv3::Schema>, Pointer)> =
        Vec::new();
    for (status, schema, at) in schemas {
        let k = key(&schema);
        match groups.iter_mut().find(|g| g.0 == k) {
            Some(g) => g.1.push(status),
            None => groups.push((k, vec![status], schema, at)),
        }
    }
    let single = groups.len() <= 1;
    groups
        .into_iter()
        .map(|(_, statuses, schema, at)| {
            let role = if single {
                "Error".to_owned()
            } else {
                format!("Error{}", statuses[0].replace('X', "xx"))
            };
            let typed = space.type_of(&schema, &Cx::root(prefix, &role, at));
            ErrorBody {
                statuses,
                ty: typed.ty,
            }
        })
        .collect()
}

/// An operationId for an operation without one, from the method and the literal path
/// segments: `GET /pets` → `list_pets`, `GET /pets/{petId}` → `get_pet_by_pet_id`,
/// `POST /pets` → `create_pet`, `PATCH /pets/{petId}` → `update_pet_by_pet_id`.
fn synthesized_id(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let last_is_param = segments.last().is_some_and(|s| s.starts_with('{'));
    let verb = match (method, last_is_param) {
        ("get", false) => "list",
        ("post", _) => "create",
        ("put" | "patch", _) => "update",
        (m, _) => m,
    };
    let mut literals: Vec<String> = segments
        .iter()
        .filter(|s| !s.starts_with('{'))
        .map(|s| (*s).to_owned())
        .collect();
    if verb != "list" {
        if let Some(last) = literals.last_mut() {
            *last = super::naming::singular(last);
        }
    }
    let mut words = vec![verb.to_owned()];
    words.extend(literals);
    if let Some(last) = segments.last().filter(|_| last_is_param) {
        words.push(format!("by_{}", last.trim_matches(['{', '}'])));
    }
    words.join("_").to_snake_case()
}

/// The type behind aliases.
pub fn resolved(space: &TypeSpace, ty: &TypeRef) -> TypeRef {
    match ty {
        TypeRef::Named(id) => match &space.get(*id).kind {
            DefKind::Alias(inner) => resolved(space, inner),
            _ => ty.clone(),
        },
        _ => ty.clone(),
    }
}

/// What a success response carries: JSON (typed), text, bytes, or a stream of events; and the
/// event type when an event stream is documented beside JSON.
fn success_of(
    space: &mut TypeSpace,
    prefix: &str,
    r: &Response,
    at: &Pointer,
) -> (Option<Typed>, Answer, Option<Typed>) {
    let typed =
        |space: &mut TypeSpace, role: &str, ct: &str, schema: &ReferenceOr<openapiv3::Schema>| {
            space.type_of(
                schema,
                &Cx::root(prefix, role, at.push("content").push(ct).push("schema")),
            )
        };
    let events = r
        .content
        .iter()
        .find(|(ct, _)| is_event_stream(ct))
        .map(|(ct, m)| (ct.clone(), m.schema.clone()));
    if let Some((ct, media)) = r
        .content
        .iter()
        .find(|(ct, _)| is_json(ct) && !is_event_stream(ct))
    {
        let json = media
            .schema
            .as_ref()
            .map(|s| typed(space, "Response", ct, s));
        let event =
            events.and_then(|(ect, schema)| schema.map(|s| typed(space, "Event", &ect, &s)));
        return (json, Answer::Json, event);
    }
    if let Some((ct, schema)) = events {
        let event = schema.map(|s| typed(space, "Event", &ct, &s));
        return (event, Answer::Events(ct), None);
    }
    match r.content.first() {
        Some((ct, _)) if ct.starts_with("text/") => (None, Answer::Text(ct.clone()), None),
        Some((ct, _)) => (None, Answer::Bytes(ct.clone()), None),
        None => (None, Answer::Json, None),
    }
}

fn is_event_stream(content_type: &str) -> bool {
    let ct = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        ct.as_str(),
        "text/event-stream"
            | "application/x-ndjson"
            | "application/jsonl"
            | "application/json-seq"
            | "application/stream+json"
    )
}

/// Removes prose keywords (description, title, examples) everywhere.
fn strip_prose(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for k in ["description", "title", "example", "examples"] {
                map.remove(k);
            }
            // `properties` maps names to schemas: recurse into the schemas, keep the names.
            for (_, child) in map.iter_mut() {
                strip_prose(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_prose),
        _ => {}
    }
}

fn is_json(content_type: &str) -> bool {
    let ct = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    ct == "application/json" || ct.ends_with("+json") || ct == "*/*"
}

fn is_success(code: &StatusCode) -> bool {
    match code {
        StatusCode::Code(c) => (200..300).contains(c),
        StatusCode::Range(r) => *r == 2,
    }
}

fn status_rank(code: &StatusCode) -> (u16, u16) {
    match code {
        StatusCode::Code(c) => (*c, 0),
        StatusCode::Range(r) => (r * 100 + 99, 1),
    }
}

/// Follows `$ref`s to a component of one kind (`#/components/<kind>/<name>`).
fn resolve<T: Clone>(
    api: &OpenAPI,
    item: &ReferenceOr<T>,
    kind: &str,
    components: fn(&openapiv3::Components) -> &indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Option<T> {
    let mut item = item;
    // A chain of references is followed a bounded number of times (a cycle resolves to None).
    for _ in 0..16 {
        match item {
            ReferenceOr::Item(t) => return Some(t.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .strip_prefix("#/components/")?
                    .strip_prefix(kind)?
                    .strip_prefix('/')?;
                item = components(api.components.as_ref()?).get(name)?;
            }
        }
    }
    None
}

fn resolve_param(api: &OpenAPI, p: &ReferenceOr<Parameter>) -> Option<Parameter> {
    resolve(api, p, "parameters", |c| &c.parameters)
}

fn resolve_body(api: &OpenAPI, b: &ReferenceOr<RequestBody>) -> Option<RequestBody> {
    resolve(api, b, "requestBodies", |c| &c.request_bodies)
}

fn resolve_response(api: &OpenAPI, r: &ReferenceOr<Response>) -> Option<Response> {
    resolve(api, r, "responses", |c| &c.responses)
}

/// The struct behind `ty` (through aliases).
pub fn struct_of(space: &TypeSpace, ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => match &space.get(*id).kind {
            DefKind::Struct { .. } => Some(*id),
            DefKind::Alias(inner) => struct_of(space, inner),
            _ => None,
        },
        _ => None,
    }
}

/// The field of the struct behind `ty` with this wire name.
pub fn struct_field<'a>(
    space: &'a TypeSpace,
    ty: &TypeRef,
    wire: &str,
) -> Option<&'a super::types::Field> {
    let id = struct_of(space, ty)?;
    match &space.get(id).kind {
        DefKind::Struct { fields, .. } => fields.iter().find(|f| f.wire == wire),
        _ => None,
    }
}

/// Streaming: a body property named by `stream-mode-property` whose enum has `stream` (or
/// which is a boolean), or — without that setting — a boolean `stream` property of an
/// operation that documents an event-stream answer.
fn detect_streaming(
    space: &TypeSpace,
    settings: &GeneratorSettings,
    op: &Op,
    event: Option<Typed>,
) -> Option<Streaming> {
    let body = op.body.as_ref()?;
    let documented_events = event.is_some() || matches!(op.answer, Answer::Events(_));
    let property = match &settings.stream_mode_property {
        Some(p) => p.clone(),
        None if documented_events => "stream".to_owned(),
        None => return None,
    };
    let field = struct_field(space, &body.typed.ty, &property)?;
    let event = event.or_else(|| op.success.clone());
    match &field.ty {
        TypeRef::Bool => Some(Streaming {
            property,
            switch: StreamSwitch::Flag,
            event,
        }),
        TypeRef::Named(enum_id) => {
            let DefKind::Enum { variants } = &space.get(*enum_id).kind else {
                return None;
            };
            let has = |v: &str| variants.iter().any(|x| x.wire == v);
            if !has("stream") {
                return None;
            }
            Some(Streaming {
                property,
                switch: StreamSwitch::Enum {
                    enum_id: *enum_id,
                    stream: "stream".to_owned(),
                    background: has("background").then(|| "background".to_owned()),
                },
                event,
            })
        }
        _ => None,
    }
}

fn names_or(list: &Option<Vec<String>>, default: &[&str]) -> Vec<String> {
    list.clone()
        .unwrap_or_else(|| default.iter().map(|s| (*s).to_owned()).collect())
}

/// Pagination from `x-pagination` or, without it, from the parameter and field names.
fn detect_paging(
    space: &TypeSpace,
    settings: &GeneratorSettings,
    oa: &OaOperation,
    op: &Op,
    diags: &mut Diagnostics,
) -> Option<Paging> {
    let declared = oa.extensions.get("x-pagination");
    if declared == Some(&Value::Bool(false)) {
        return None;
    }
    let decl = declared.and_then(Value::as_object);
    let get = |k: &str| {
        decl.and_then(|d| d.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let success = op.success.as_ref()?;
    let sid = struct_of(space, &success.ty)?;
    let DefKind::Struct { fields, .. } = &space.get(sid).kind else {
        return None;
    };
    let items = match get("items") {
        Some(i) => i,
        None => {
            let arrays: Vec<&super::types::Field> = fields
                .iter()
                .filter(|f| matches!(f.ty, TypeRef::Vec(..)))
                .collect();
            match arrays.as_slice() {
                [one] => one.wire.clone(),
                _ => {
                    if decl.is_some() {
                        diags.push(Diagnostic::error(
                            "pagination",
                            Location {
                                pointer: Some(op.pointer.to_string()),
                                ..Location::default()
                            },
                            "`x-pagination` needs `items`: the response has no single array field"
                                .to_owned(),
                        ));
                    }
                    return None;
                }
            }
        }
    };
    let query = |wire: &str| {
        op.params
            .iter()
            .position(|p| p.location == ParamIn::Query && p.wire == wire)
    };
    let kind = get("kind");

    let cursor_names = names_or(
        &settings.cursor_params,
        &[
            "cursor",
            "after",
            "starting_after",
            "page_token",
            "pageToken",
            "next_token",
            "nextToken",
        ],
    );
    let cursor_param = get("cursor-param")
        .and_then(|w| query(&w))
        .or_else(|| cursor_names.iter().find_map(|n| query(n)));
    if kind.as_deref().is_none_or(|k| k == "cursor") {
        if let Some(param) = cursor_param {
            // The next cursor: a field of the parameter's name, or a usual next-cursor name.
            let string_field = |w: &str| {
                fields
                    .iter()
                    .any(|f| f.wire == w && f.ty == TypeRef::String)
            };
            let wire = op.params[param].wire.clone();
            let next = get("cursor-field").or_else(|| {
                [
                    wire.as_str(),
                    "next_cursor",
                    "nextCursor",
                    "next_page_token",
                    "nextPageToken",
                    "next_token",
                    "nextToken",
                    "last_id",
                    "lastId",
                ]
                .iter()
                .find(|w| string_field(w))
                .map(|w| (*w).to_owned())
            });
            let has_more = get("has-more-field").or_else(|| {
                ["has_more", "hasMore", "has_next", "hasNext"]
                    .iter()
                    .find(|w| {
                        fields
                            .iter()
                            .any(|f| f.wire == **w && f.ty == TypeRef::Bool)
                    })
                    .map(|w| (*w).to_owned())
            });
            if let Some(next) = next {
                if string_field(&next) && op.params[param].typed.ty == TypeRef::String {
                    return Some(Paging::Cursor {
                        param,
                        next,
                        items,
                        has_more,
                    });
                }
            }
        }
    }
    if kind.as_deref().is_none_or(|k| k == "page-number") {
        let page_names = names_or(
            &settings.page_params,
            &["pageNo", "page", "page_no", "pageNumber"],
        );
        let page_param = get("page-param")
            .and_then(|w| query(&w))
            .or_else(|| page_names.iter().find_map(|n| query(n)));
        if let Some(param) = page_param {
            if !matches!(
                op.params[param].typed.ty,
                TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64
            ) {
                return None;
            }
            let size_names = names_or(
                &settings.page_size_params,
                &["pageSize", "page_size", "limit", "perPage", "per_page"],
            );
            let size_param = get("page-size-param")
                .and_then(|w| query(&w))
                .or_else(|| size_names.iter().find_map(|n| query(n)));
            let declared_size = decl
                .and_then(|d| d.get("page-size"))
                .and_then(Value::as_u64);
            let default_size = declared_size.or_else(|| {
                size_param
                    .and_then(|i| op.params[i].typed.info.default.as_ref())
                    .and_then(Value::as_u64)
            });
            let total_names = names_or(
                &settings.total_fields,
                &["totalCount", "total", "total_count", "totalItems"],
            );
            let total = get("total-field").or_else(|| {
                total_names
                    .iter()
                    .find(|n| {
                        fields.iter().any(|f| {
                            f.wire == **n
                                && matches!(
                                    f.ty,
                                    TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64
                                )
                        })
                    })
                    .cloned()
            });
            let p = &op.params[param].typed.info;
            let first = p
                .default
                .as_ref()
                .and_then(Value::as_u64)
                .or_else(|| p.minimum.filter(|m| *m >= 0.0).map(|m| m.ceil() as u64))
                .unwrap_or(1);
            return Some(Paging::PageNumber {
                param,
                size_param,
                default_size,
                total,
                items,
                first,
            });
        }
    }
    if decl.is_some() {
        diags.push(Diagnostic::error(
            "pagination",
            Location {
                pointer: Some(op.pointer.to_string()),
                ..Location::default()
            },
            "`x-pagination` is declared but no cursor or page parameter matches it".to_owned(),
        ));
    }
    None
}
