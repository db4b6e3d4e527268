//! The operations of the IR: what each operation of the document takes and answers, in Rust
//! type shapes ([`TypeRef`]) but without Rust names or representation choices. Names come from
//! `codegen::naming`, every other decision from `codegen::model`.

use openapiv3::{
    OpenAPI, Operation as OaOperation, Parameter, ParameterSchemaOrContent, ReferenceOr,
    RequestBody, Response, StatusCode,
};
use serde_json::Value;

use super::types::{Cx, SchemaInfo, TypeRef, TypeSpace, Typed};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::http::METHODS;
use crate::pointer::Pointer;
use crate::refs::ComponentKind;

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamIn {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// How a parameter value is serialized (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `simple` (path and header default).
    Simple,
    /// `label` (path).
    Label,
    /// `matrix` (path).
    Matrix,
    /// `form` (query default).
    Form,
    /// `spaceDelimited` (query arrays).
    SpaceDelimited,
    /// `pipeDelimited` (query arrays).
    PipeDelimited,
    /// `deepObject` (query objects).
    DeepObject,
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The wire name.
    pub wire: String,
    /// Where it goes.
    pub location: ParamIn,
    /// Whether the caller must give it (path parameters always).
    pub required: bool,
    /// The value type.
    pub typed: Typed,
    /// The parameter's own description.
    pub description: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// The serialization style.
    pub style: ParamStyle,
    /// Whether arrays and objects are exploded.
    pub explode: bool,
    /// Whether reserved characters of a query value are sent as they are.
    pub allow_reserved: bool,
}

impl Param {
    /// Description: the parameter's, else its schema's.
    pub fn doc(&self) -> Option<&str> {
        self.description
            .as_deref()
            .or(self.typed.info.description.as_deref())
    }
}

/// The request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Its type (for JSON bodies; any JSON otherwise).
    pub typed: Typed,
    /// Whether the body must be sent.
    pub required: bool,
    /// The media type.
    pub content_type: String,
    /// The body's description.
    pub description: Option<String>,
    /// How it is encoded.
    pub kind: BodyKind,
}

/// How a request body is encoded.
#[derive(Debug, Clone)]
pub enum BodyKind {
    /// JSON of [`Body::typed`].
    Json,
    /// `application/x-www-form-urlencoded` pairs of an object's properties.
    Form(Vec<FormField>),
    /// `multipart/form-data` parts of an object's properties.
    Multipart(Vec<FormField>),
    /// Any other media type, or a form without an object schema: bytes the caller encodes.
    Raw,
}

/// A property of a form or multipart body.
#[derive(Debug, Clone)]
pub struct FormField {
    /// The wire name.
    pub wire: String,
    /// Its type (strings for files).
    pub typed: Typed,
    /// Whether the property is required.
    pub required: bool,
    /// Whether it is a file (`format: binary`), or a list of files.
    pub file: FileField,
    /// The part's documented content type (`encoding.contentType`), when it names one.
    pub content_type: Option<String>,
    /// `encoding.style` and `explode`, when given.
    pub style: Option<(ParamStyle, bool)>,
}

/// Whether a form property is a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileField {
    /// Not a file.
    No,
    /// One file.
    One,
    /// A list of files.
    Many,
}

impl Body {
    /// The types its values can take (for marking types used in requests).
    pub fn types(&self) -> Vec<TypeRef> {
        match &self.kind {
            BodyKind::Json => vec![self.typed.ty.clone()],
            BodyKind::Form(fields) | BodyKind::Multipart(fields) => fields
                .iter()
                .filter(|f| f.file == FileField::No)
                .map(|f| f.typed.ty.clone())
                .collect(),
            BodyKind::Raw => Vec::new(),
        }
    }
}

/// What a successful answer carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// JSON, decoded into [`Op::success`] (or nothing documented: `()`).
    Json,
    /// Text (`text/*`).
    Text(String),
    /// Any other media type: the bytes.
    Bytes(String),
    /// A stream of events (`text/event-stream`, NDJSON) of [`Op::success`] (or JSON values).
    Events(String),
}

/// A typed error body for some statuses.
#[derive(Debug, Clone)]
pub struct ErrorBody {
    /// `400`, `4XX` or `default`.
    pub statuses: Vec<String>,
    /// The body type.
    pub ty: TypeRef,
}

/// One operation, as the document describes it.
#[derive(Debug, Clone)]
pub struct Op {
    /// `GET /path/{param}`: the operation's stable key.
    pub key: String,
    /// The operationId, if the document gives one.
    pub operation_id: Option<String>,
    /// `GET`.
    pub method: String,
    /// `/webapi/v2/conversations/{conversation_id}`.
    pub path: String,
    /// The resource the operation belongs to: `x-rust-resource`, else its first tag, else
    /// `default`.
    pub tag: String,
    /// A method name pinned by `x-rust-name`.
    pub pinned_name: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Path, query and header parameters: path parameters in path order, then the others in
    /// document order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// The success type (`None`: no JSON body documented).
    pub success: Option<Typed>,
    /// What the success body is.
    pub answer: Answer,
    /// The type of one event when an event stream is documented beside a JSON answer.
    pub event: Option<Typed>,
    /// Typed error bodies.
    pub errors: Vec<ErrorBody>,
    /// Envelope field checked in 2xx bodies.
    pub envelope: Option<String>,
    /// The documented success response: its status (`200`, `2XX`, `default`), and the media
    /// type the client reads (JSON first) with whether it documents a schema, if it has
    /// content.
    pub success_response: Option<(String, Option<(String, bool)>)>,
    /// Documented statuses of 300 and above, ascending.
    pub error_statuses: Vec<u16>,
    /// The `x-pagination` declaration, as written.
    pub pagination: Option<Value>,
    /// Where it is in the merged document.
    pub pointer: Pointer,
}

/// The operations and types of a document.
#[derive(Debug, Clone)]
pub struct Ir {
    /// Every operation, in path order then method order.
    pub ops: Vec<Op>,
    /// Every type.
    pub space: TypeSpace,
    /// Tag names in document order, with descriptions.
    pub tags: Vec<(String, Option<String>)>,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Diagnostics.
    pub diags: Diagnostics,
}

/// Lowers the parsed document into operations and types. `envelope_field` is the API's error
/// envelope field (`spec/overrides.yaml` `generator.error-envelope-field`).
pub fn build(api: &OpenAPI, envelope_field: Option<&str>) -> Ir {
    let mut space = TypeSpace::new(api);
    let mut diags = Diagnostics::new();
    let mut paths: Vec<(&String, &ReferenceOr<openapiv3::PathItem>)> =
        api.paths.paths.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    let mut ops = Vec::new();
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
            let index = ops.len();
            let pointer = Pointer::root().push("paths").push(path).push(method);
            let mut lowering = Lowering {
                api,
                space: &mut space,
                diags: &mut diags,
                index,
                pointer: &pointer,
            };
            let built = lowering.op(op, path, method, envelope_field);
            ops.push(built);
        }
    }
    for op in &ops {
        for p in &op.params {
            space.mark(&p.typed.ty, true);
        }
        for t in op.body.iter().flat_map(Body::types) {
            space.mark(&t, true);
        }
        if let Some(s) = &op.success {
            space.mark(&s.ty, false);
        }
        if let Some(e) = &op.event {
            space.mark(&e.ty, false);
        }
        for e in &op.errors {
            space.mark(&e.ty, false);
        }
    }
    space.box_recursive_fields();
    diags.extend(std::mem::take(&mut space.diags));
    Ir {
        ops,
        space,
        tags: api
            .tags
            .iter()
            .map(|t| (t.name.clone(), t.description.clone()))
            .collect(),
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        diags,
    }
}

/// Lowering of one operation.
struct Lowering<'a> {
    api: &'a OpenAPI,
    space: &'a mut TypeSpace,
    diags: &'a mut Diagnostics,
    index: usize,
    pointer: &'a Pointer,
}

impl Lowering<'_> {
    fn warn(&mut self, code: &'static str, at: &Pointer, message: String) {
        self.diags.push(Diagnostic::warning(
            code,
            Location {
                pointer: Some(at.to_string()),
                ..Location::default()
            },
            message,
        ));
    }

    fn op(
        &mut self,
        op: &OaOperation,
        path: &str,
        method: &str,
        envelope_field: Option<&str>,
    ) -> Op {
        let params = self.params(op, path);
        let body = self.body(op);
        let (success, answer, event, errors) = self.responses(op);
        let (success_response, error_statuses) = response_facts(self.api, op);
        let tag = op
            .extensions
            .get("x-rust-resource")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| op.tags.first().cloned())
            .unwrap_or_else(|| "default".to_owned());
        let mut out = Op {
            key: format!("{} {path}", method.to_uppercase()),
            operation_id: op.operation_id.clone(),
            method: method.to_uppercase(),
            path: path.to_owned(),
            tag,
            pinned_name: op
                .extensions
                .get("x-rust-name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            success,
            answer,
            event,
            errors,
            envelope: None,
            success_response,
            error_statuses,
            pagination: op.extensions.get("x-pagination").cloned(),
            pointer: self.pointer.clone(),
        };
        // The client checks the envelope field itself; whatever shape an empty one takes
        // (`null`, `[]`, `{}`), it must not make a successful answer fail to decode.
        if let (Some(field), Some(success)) = (envelope_field, &out.success) {
            if let Some(id) = super::struct_of(self.space, &success.ty) {
                if super::struct_field(self.space, &success.ty, field).is_some() {
                    self.space.loosen_field(id, field);
                    out.envelope = Some(field.to_owned());
                }
            }
        }
        out
    }

    fn params(&mut self, op: &OaOperation, path: &str) -> Vec<Param> {
        let mut params = Vec::new();
        for (i, p) in op.parameters.iter().enumerate() {
            let at = self.pointer.push("parameters").index(i);
            let Some(p) = resolve_param(self.api, p) else {
                self.warn(
                    "unresolved-parameter",
                    &at,
                    "parameter reference does not resolve; skipped".to_owned(),
                );
                continue;
            };
            let mut reserved = false;
            let (data, location, style, default_explode) = match &p {
                Parameter::Path {
                    parameter_data,
                    style,
                } => {
                    let style = match style {
                        openapiv3::PathStyle::Simple => ParamStyle::Simple,
                        openapiv3::PathStyle::Label => ParamStyle::Label,
                        openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
                    };
                    (parameter_data, ParamIn::Path, style, false)
                }
                Parameter::Query {
                    parameter_data,
                    style,
                    allow_reserved,
                    ..
                } => {
                    reserved = *allow_reserved;
                    let style = match style {
                        openapiv3::QueryStyle::Form => ParamStyle::Form,
                        openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                        openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                        openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                    };
                    (
                        parameter_data,
                        ParamIn::Query,
                        style,
                        style == ParamStyle::Form,
                    )
                }
                Parameter::Header { parameter_data, .. } => {
                    (parameter_data, ParamIn::Header, ParamStyle::Simple, false)
                }
                Parameter::Cookie { parameter_data, .. } => {
                    (parameter_data, ParamIn::Cookie, ParamStyle::Form, true)
                }
            };
            let typed = match &data.format {
                ParameterSchemaOrContent::Schema(s) => self
                    .space
                    .type_of(s, &Cx::op(self.index, &data.name, at.push("schema"))),
                ParameterSchemaOrContent::Content(_) => {
                    self.warn(
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
            params.push(Param {
                wire: data.name.clone(),
                location,
                required: data.required || location == ParamIn::Path,
                typed,
                description: data.description.clone(),
                deprecated: data.deprecated.unwrap_or(false),
                style,
                explode: data.explode.unwrap_or(default_explode),
                allow_reserved: reserved,
            });
        }
        // Path parameters in the order of the path.
        let order: Vec<&str> = crate::http::path_params(path).collect();
        params.sort_by_key(|p| match p.location {
            ParamIn::Path => order.iter().position(|o| *o == p.wire).unwrap_or(0),
            _ => usize::MAX,
        });
        params
    }

    /// The request body: JSON when documented, else a form or multipart body of an object
    /// schema, else bytes the caller encodes.
    fn body(&mut self, op: &OaOperation) -> Option<Body> {
        let at = self.pointer.push("requestBody");
        let b = resolve_body(self.api, op.request_body.as_ref()?)?;
        let any = || Typed {
            ty: TypeRef::Json,
            nullable: false,
            info: SchemaInfo::default(),
        };
        let body = |content_type: &str, typed: Typed, kind: BodyKind| Body {
            typed,
            required: b.required,
            content_type: content_type.to_owned(),
            description: b.description.clone(),
            kind,
        };
        if let Some((ct, media)) = b.content.iter().find(|(ct, _)| is_json(ct)) {
            let Some(schema) = media.schema.as_ref() else {
                return Some(body(ct, any(), BodyKind::Raw));
            };
            let typed = self.space.type_of(
                schema,
                &Cx::op(
                    self.index,
                    "Request",
                    at.push("content").push(ct).push("schema"),
                ),
            );
            return Some(body(ct, typed, BodyKind::Json));
        }
        for (ct, media) in &b.content {
            let essence = essence(ct);
            let multipart = essence == "multipart/form-data";
            if !multipart && essence != "application/x-www-form-urlencoded" {
                continue;
            }
            let at = at.push("content").push(ct);
            let Some(fields) = self.form_fields(media, &at, multipart) else {
                continue;
            };
            let kind = if multipart {
                BodyKind::Multipart(fields)
            } else {
                BodyKind::Form(fields)
            };
            return Some(body(ct, any(), kind));
        }
        let (ct, _) = b.content.first()?;
        self.warn(
            "raw-body",
            &at,
            format!("request body of type `{ct}`: the caller passes it encoded (`body_bytes`)"),
        );
        Some(body(ct, any(), BodyKind::Raw))
    }

    /// The properties of a form or multipart body's object schema, with their encodings;
    /// `None` when the schema is not an object with properties.
    fn form_fields(
        &mut self,
        media: &openapiv3::MediaType,
        at: &Pointer,
        multipart: bool,
    ) -> Option<Vec<FormField>> {
        let schema = self.space.resolve_schema(media.schema.as_ref()?)?;
        let (properties, required) = match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) => (&o.properties, &o.required),
            openapiv3::SchemaKind::Any(a) => (&a.properties, &a.required),
            _ => return None,
        };
        if properties.is_empty() {
            return None;
        }
        let schema_at = at.push("schema");
        let mut out = Vec::new();
        for (name, prop) in properties {
            let prop: ReferenceOr<openapiv3::Schema> = match prop {
                ReferenceOr::Item(b) => ReferenceOr::Item((**b).clone()),
                ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                    reference: reference.clone(),
                },
            };
            let file = if multipart {
                self.file_kind(&prop)
            } else {
                FileField::No
            };
            let typed = match file {
                FileField::No => self.space.type_of(
                    &prop,
                    &Cx::op(self.index, "Request", schema_at.clone()).with_prop(name),
                ),
                _ => Typed {
                    ty: TypeRef::String,
                    nullable: false,
                    info: SchemaInfo::default(),
                },
            };
            let encoding = media.encoding.get(name);
            let content_type = encoding
                .and_then(|e| e.content_type.clone())
                .filter(|ct| !ct.contains('*') && !ct.contains(','));
            let style = encoding.and_then(|e| {
                e.style.as_ref().map(|s| {
                    let style = match s {
                        openapiv3::QueryStyle::Form => ParamStyle::Form,
                        openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                        openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                        openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                    };
                    // `lower` writes `explode` out where the document leaves it to the style.
                    (style, e.explode)
                })
            });
            out.push(FormField {
                wire: name.clone(),
                typed,
                required: required.contains(name),
                file,
                content_type,
                style,
            });
        }
        Some(out)
    }

    /// Whether a multipart property is a file (`format: binary`) or a list of files.
    fn file_kind(&self, prop: &ReferenceOr<openapiv3::Schema>) -> FileField {
        let binary = |s: &openapiv3::Schema| match &s.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::String(st)) => matches!(
                st.format,
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
            ),
            openapiv3::SchemaKind::Any(a) => {
                a.format.as_deref() == Some("binary")
                    || s.schema_data.extensions.contains_key("contentMediaType")
            }
            _ => false,
        };
        let Some(s) = self.space.resolve_schema(prop) else {
            return FileField::No;
        };
        if binary(&s) {
            return FileField::One;
        }
        if let openapiv3::SchemaKind::Type(openapiv3::Type::Array(a)) = &s.schema_kind {
            let item = a.items.as_ref().map(|i| match i {
                ReferenceOr::Item(b) => ReferenceOr::Item((**b).clone()),
                ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                    reference: reference.clone(),
                },
            });
            if item
                .and_then(|i| self.space.resolve_schema(&i))
                .is_some_and(|i| binary(&i))
            {
                return FileField::Many;
            }
        }
        FileField::No
    }

    /// The success type and answer kind (from the first 2xx, else `default`), the documented
    /// event type, and the typed error bodies.
    fn responses(
        &mut self,
        op: &OaOperation,
    ) -> (Option<Typed>, Answer, Option<Typed>, Vec<ErrorBody>) {
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
            let at = self.pointer.push("responses").push(&label);
            let Some(r) = resolve_response(self.api, r) else {
                continue;
            };
            if is_success(code) {
                // The first 2xx decides, with or without a body.
                if !decided {
                    decided = true;
                    (success, answer, event) = self.success(&r, &at);
                }
            } else if let Some((ct, schema)) = json_schema(&r) {
                error_schemas.push((label, schema, at.push("content").push(&ct).push("schema")));
            }
        }
        if let Some(r) = op
            .responses
            .default
            .as_ref()
            .and_then(|r| resolve_response(self.api, r))
        {
            let at = self.pointer.push("responses").push("default");
            if !decided {
                // No 2xx documented: `default` describes success too.
                (success, answer, event) = self.success(&r, &at);
            } else if let Some((ct, schema)) = json_schema(&r) {
                error_schemas.push((
                    "default".to_owned(),
                    schema,
                    at.push("content").push(&ct).push("schema"),
                ));
            }
        }
        let errors = self.error_bodies(error_schemas);
        (success, answer, event, errors)
    }

    /// What a success response carries: JSON (typed), text, bytes, or a stream of events; and
    /// the event type when an event stream is documented beside JSON.
    fn success(&mut self, r: &Response, at: &Pointer) -> (Option<Typed>, Answer, Option<Typed>) {
        let index = self.index;
        let typed = |space: &mut TypeSpace,
                     role: &str,
                     ct: &str,
                     schema: &ReferenceOr<openapiv3::Schema>| {
            space.type_of(
                schema,
                &Cx::op(index, role, at.push("content").push(ct).push("schema")),
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
                .map(|s| typed(self.space, "Response", ct, s));
            let event = events
                .and_then(|(ect, schema)| schema.map(|s| typed(self.space, "Event", &ect, &s)));
            return (json, Answer::Json, event);
        }
        if let Some((ct, schema)) = events {
            let event = schema.map(|s| typed(self.space, "Event", &ct, &s));
            return (event, Answer::Events(ct), None);
        }
        match r.content.first() {
            Some((ct, _)) if ct.starts_with("text/") => (None, Answer::Text(ct.clone()), None),
            Some((ct, _)) => (None, Answer::Bytes(ct.clone()), None),
            None => (None, Answer::Json, None),
        }
    }

    /// Error bodies: statuses whose schemas agree (prose aside) share one type; one group is
    /// the role `Error`, several are `Error{first status}` each.
    fn error_bodies(
        &mut self,
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
                let typed = self.space.type_of(&schema, &Cx::op(self.index, &role, at));
                ErrorBody {
                    statuses,
                    ty: typed.ty,
                }
            })
            .collect()
    }
}

/// The documented success response (status, media type read) and the error statuses of an
/// operation, as [`Lowering::responses`] chooses them.
#[allow(clippy::type_complexity)]
fn response_facts(
    api: &OpenAPI,
    op: &OaOperation,
) -> (Option<(String, Option<(String, bool)>)>, Vec<u16>) {
    let media = |r: &Response| -> Option<(String, bool)> {
        r.content
            .iter()
            .find(|(ct, _)| is_json(ct) && !is_event_stream(ct))
            .or_else(|| r.content.iter().find(|(ct, _)| is_event_stream(ct)))
            .or_else(|| r.content.first())
            .map(|(ct, m)| (ct.clone(), m.schema.is_some()))
    };
    let mut codes: Vec<(&StatusCode, &ReferenceOr<Response>)> =
        op.responses.responses.iter().collect();
    codes.sort_by_key(|(c, _)| status_rank(c));
    let success = codes
        .iter()
        .find(|(c, _)| is_success(c))
        .and_then(|(c, r)| Some((c.to_string(), media(&resolve_response(api, r)?))))
        .or_else(|| {
            let r = resolve_response(api, op.responses.default.as_ref()?)?;
            Some(("default".to_owned(), media(&r)))
        });
    let mut errors: Vec<u16> = codes
        .iter()
        .filter_map(|(c, _)| match c {
            StatusCode::Code(n) if *n >= 300 => Some(*n),
            _ => None,
        })
        .collect();
    errors.sort_unstable();
    (success, errors)
}

fn json_schema(r: &Response) -> Option<(String, ReferenceOr<openapiv3::Schema>)> {
    r.content
        .iter()
        .find(|(ct, _)| is_json(ct))
        .and_then(|(ct, m)| m.schema.clone().map(|s| (ct.clone(), s)))
}

/// Whether a media type is a stream of events.
pub fn is_event_stream(content_type: &str) -> bool {
    matches!(
        essence(content_type).as_str(),
        "text/event-stream"
            | "application/x-ndjson"
            | "application/jsonl"
            | "application/json-seq"
            | "application/stream+json"
    )
}

/// Whether a media type is JSON.
pub fn is_json(content_type: &str) -> bool {
    let ct = essence(content_type);
    ct == "application/json" || ct.ends_with("+json") || ct == "*/*"
}

/// The media type without parameters, lower-cased.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
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

/// The component behind a chain of references (the one resolver, `crate::refs`); `None` for a
/// dangling reference or a cycle, which validation reports.
fn component<'a, T>(
    item: &'a ReferenceOr<T>,
    kind: ComponentKind,
    items: impl FnOnce(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    api: &'a OpenAPI,
) -> Option<&'a T> {
    crate::refs::follow_component(
        item,
        &Pointer::root(),
        kind,
        api.components.as_ref().map(items),
    )
    .ok()
}

fn resolve_param(api: &OpenAPI, p: &ReferenceOr<Parameter>) -> Option<Parameter> {
    component(p, ComponentKind::Parameter, |c| &c.parameters, api).cloned()
}

fn resolve_body(api: &OpenAPI, b: &ReferenceOr<RequestBody>) -> Option<RequestBody> {
    component(b, ComponentKind::RequestBody, |c| &c.request_bodies, api).cloned()
}

fn resolve_response(api: &OpenAPI, r: &ReferenceOr<Response>) -> Option<Response> {
    component(r, ComponentKind::Response, |c| &c.responses, api).cloned()
}
