//! Operations: which values an operation takes by position and which by setter, with their
//! exact Rust types; how the body is held; what `send()` returns.

use super::rust::ArgType;
use super::types::{arg_type, nullable_of, rust_type};
use super::{
    AnswerPlan, Arg, ArgTarget, BodyPlan, ErrorArm, ErrorDef, FieldState, FormFieldDef, MockFacts,
    Operation, ParamDef, Resource, RustType, Setter, SetterKind, StatusMatch, TypeEntry, TypeKind,
    paging, streaming,
};
use crate::codegen::CodegenSettings;
use crate::codegen::doc::{self, code};
use crate::codegen::ir::ops::{Answer, BodyKind, FileField, FormField, Op, ParamIn};
use crate::codegen::ir::{Ir, struct_of};
use crate::codegen::naming::{self, Names};
use crate::diag::Diagnostics;
use crate::overrides::GeneratorSettings;

/// Resolves every resource and operation.
pub(super) fn resolve(
    ir: &Ir,
    names: &Names,
    types: &[TypeEntry],
    api_settings: &GeneratorSettings,
    settings: &CodegenSettings,
    diags: &mut Diagnostics,
) -> Vec<Resource> {
    names
        .resources
        .iter()
        .map(|r| {
            let description = ir
                .tags
                .iter()
                .find(|(t, _)| *t == r.tag)
                .and_then(|(_, d)| d.clone());
            Resource {
                tag: r.tag.clone(),
                module: r.module.clone(),
                handle: r.handle.clone(),
                accessor: r.accessor.clone(),
                // A description that is empty or blank says nothing: the default.
                docs: match description.map(|d| doc::sanitize(&d)) {
                    Some(d) if !d.is_empty() => d,
                    _ => format!("Operations tagged {}.", code(&r.tag)),
                },
                aliases: r.aliases.clone(),
                ops: r
                    .ops
                    .iter()
                    .map(|&i| {
                        let cx = OpCx {
                            ir,
                            types,
                            op: &ir.ops[i],
                        };
                        cx.operation(names, i, api_settings, settings, diags)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Resolution of one operation.
struct OpCx<'a> {
    ir: &'a Ir,
    types: &'a [TypeEntry],
    op: &'a Op,
}

impl OpCx<'_> {
    fn operation(
        &self,
        names: &Names,
        index: usize,
        api_settings: &GeneratorSettings,
        settings: &CodegenSettings,
        diags: &mut Diagnostics,
    ) -> Operation {
        let op = self.op;
        let on = &names.ops[index];
        let tag = names
            .resources
            .get(on.resource)
            .map(|r| r.tag.as_str())
            .unwrap_or_default();
        let param_names = naming::param_names(op);
        let params = self.params(&param_names);
        let body = self.body_plan();
        let (answer, output) = self.answer();
        let streaming =
            streaming::resolve(self.ir, self.types, op, &body, &output, api_settings, diags);
        let (args, setters) = self.members(&params, &param_names, &body, streaming.as_ref());
        let body_members = match &body {
            BodyPlan::Fields { ty, .. } => match &self.ir.space.get(*ty).kind {
                crate::codegen::ir::types::DefKind::Struct { fields, .. } => {
                    naming::body_member_names(op, &param_names, fields)
                        .into_iter()
                        .map(|m| m.name)
                        .collect()
                }
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let paging = paging::resolve(self.types, op, &params, &output, api_settings, diags);
        let _ = settings;
        let mut operation = Operation {
            key: op.key.clone(),
            operation_id: op.operation_id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            name: on.method.clone(),
            builder: on.builder.clone(),
            method_aliases: on.method_aliases.clone(),
            builder_aliases: on.builder_aliases.clone(),
            label: naming::operation_label(tag, &on.method),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            args,
            body,
            json_content_type: op
                .body
                .as_ref()
                .filter(|b| {
                    matches!(b.kind, BodyKind::Json) && b.content_type != "application/json"
                })
                .map(|b| b.content_type.clone()),
            setters,
            body_members,
            answer,
            output,
            errors: op
                .errors
                .iter()
                .map(|e| ErrorDef {
                    statuses: e.statuses.clone(),
                    ty: rust_type(&e.ty),
                })
                .collect(),
            error_arms: error_arms(op),
            envelope: op.envelope.clone(),
            paging,
            streaming,
            mock: mock_facts(op),
            mock_rule: super::mock::MockRule {
                descriptor: String::new(),
                descriptor_aliases: Vec::new(),
                success: RustType::Unit,
                error: RustType::Json,
                event: None,
                matchers: Vec::new(),
            },
            pointer: op.pointer.clone(),
        };
        let (module, module_aliases) = names
            .resources
            .get(on.resource)
            .map(|r| (r.module.as_str(), r.aliases.as_slice()))
            .unwrap_or_default();
        operation.mock_rule = super::mock::rule(&operation, module, module_aliases, self.types);
        operation
    }

    fn params(&self, names: &[String]) -> Vec<ParamDef> {
        self.op
            .params
            .iter()
            .zip(names)
            .map(|(p, name)| {
                let value = rust_type(&p.typed.ty);
                let field = match (p.location, p.required) {
                    // An optional string header lives in the request options (it can also
                    // replace or remove a client-wide default); a query cannot say null: a
                    // nullable optional parameter is just optional.
                    (ParamIn::Header, false) if value == RustType::String => None,
                    (_, false) => Some(value.clone().option()),
                    (_, true)
                        if p.typed.nullable
                            && p.typed.ty != crate::codegen::ir::types::TypeRef::Json =>
                    {
                        Some(value.clone().option())
                    }
                    (_, true) => Some(value.clone()),
                };
                ParamDef {
                    wire: p.wire.clone(),
                    rust: name.clone(),
                    location: p.location,
                    required: p.required,
                    value,
                    field,
                    style: p.style,
                    explode: p.explode,
                    allow_reserved: p.allow_reserved,
                    docs: p.doc().map(str::to_owned),
                    constraints: p.typed.info.constraints.clone(),
                    default: p.typed.info.default.clone(),
                    deprecated: p.deprecated,
                }
            })
            .collect()
    }

    /// A JSON struct body becomes arguments and setters when it is required or has no required
    /// field (an optional body is then built up from `Default`); any other JSON body is one
    /// argument or a `body()` setter; a body that is not JSON is bytes the caller encodes.
    fn body_plan(&self) -> BodyPlan {
        let Some(body) = &self.op.body else {
            return BodyPlan::None;
        };
        match &body.kind {
            BodyKind::Json => {}
            BodyKind::Raw => {
                return BodyPlan::Raw {
                    content_type: body.content_type.clone(),
                    required: body.required,
                };
            }
            BodyKind::Form(fields) | BodyKind::Multipart(fields) => {
                return BodyPlan::Form {
                    fields: self.form_fields(fields, body.required),
                    multipart: matches!(body.kind, BodyKind::Multipart(_)),
                };
            }
        }
        if body.typed.nullable {
            return BodyPlan::Whole {
                ty: nullable_of(&body.typed.ty, true),
                optional: !body.required,
            };
        }
        if let Some(id) = struct_of(&self.ir.space, &body.typed.ty) {
            if body.required || !self.ir.space.get(id).has_required_fields() {
                return BodyPlan::Fields {
                    ty: id,
                    optional: !body.required,
                };
            }
        }
        BodyPlan::Whole {
            ty: rust_type(&body.typed.ty),
            optional: !body.required,
        }
    }

    /// The builder fields of a form or multipart body: files as `FilePart`s, names unique
    /// against the parameters and the builder's own methods. Fields of an optional body are
    /// all optional.
    fn form_fields(&self, fields: &[FormField], body_required: bool) -> Vec<FormFieldDef> {
        let params = naming::param_names(self.op);
        let names = naming::form_field_names(self.op, &params, fields);
        fields
            .iter()
            .zip(names)
            .map(|(f, rust)| FormFieldDef {
                wire: f.wire.clone(),
                rust,
                value: match f.file {
                    FileField::One => RustType::FilePart,
                    FileField::Many => RustType::Vec(Box::new(RustType::FilePart)),
                    FileField::No => nullable_of(&f.typed.ty, false),
                },
                required: f.required && body_required,
                file: f.file != FileField::No,
                content_type: f.content_type.clone(),
                style: f.style,
            })
            .collect()
    }

    fn answer(&self) -> (AnswerPlan, RustType) {
        let op = self.op;
        match (&op.answer, &op.success) {
            (Answer::Json, Some(s)) => (AnswerPlan::Json, nullable_of(&s.ty, s.nullable)),
            (Answer::Json, None) => (AnswerPlan::Empty, RustType::Unit),
            (Answer::Text(ct), _) => (AnswerPlan::Text(ct.clone()), RustType::String),
            (Answer::Bytes(ct), _) => (AnswerPlan::Download(ct.clone()), RustType::Download),
            (Answer::Events(ct), s) => {
                let event = s
                    .as_ref()
                    .map(|s| nullable_of(&s.ty, s.nullable))
                    .unwrap_or(RustType::Json);
                (
                    AnswerPlan::Events(ct.clone()),
                    RustType::EventStream(Box::new(event)),
                )
            }
        }
    }

    /// The positional arguments and the setters.
    fn members(
        &self,
        params: &[ParamDef],
        param_names: &[String],
        body: &BodyPlan,
        streaming: Option<&super::StreamPlan>,
    ) -> (Vec<Arg>, Vec<Setter>) {
        let space = &self.ir.space;
        let mut args = Vec::new();
        let mut setters = Vec::new();
        for (i, p) in params.iter().enumerate() {
            let what = match p.location {
                ParamIn::Path => "path parameter",
                ParamIn::Query => "query parameter",
                ParamIn::Header => "header",
                ParamIn::Cookie => "cookie",
            };
            let mut docs = member_doc(
                p.docs.as_deref(),
                &format!("{what} {}", code(&p.wire)),
                &p.constraints,
            );
            if p.required {
                let ty = match &p.field {
                    Some(RustType::Option(inner)) => ArgType::Into(RustType::Option(inner.clone())),
                    _ => arg_type(space, &p.value),
                };
                args.push(Arg {
                    name: p.rust.clone(),
                    ty,
                    target: ArgTarget::Param(i),
                    docs,
                });
                continue;
            }
            if let Some(def) = &p.default {
                docs.push_str(&format!(" The server uses `{def}` when it is not sent."));
            }
            let kind = match (p.location, &p.value) {
                (ParamIn::Header, RustType::String) => SetterKind::StringHeader {
                    param: i,
                    without: naming::without_name(&p.rust),
                },
                _ => SetterKind::Param {
                    param: i,
                    input: arg_type(space, &p.value),
                },
            };
            setters.push(Setter {
                name: p.rust.clone(),
                kind,
                docs,
            });
        }
        match body {
            BodyPlan::None => {}
            BodyPlan::Form { fields, .. } => {
                for (i, f) in fields.iter().enumerate() {
                    let input = match &f.value {
                        RustType::Vec(inner) if **inner == RustType::FilePart => {
                            ArgType::IterInto(RustType::FilePart)
                        }
                        RustType::FilePart => ArgType::Exact(RustType::FilePart),
                        v => arg_type(space, v),
                    };
                    let what = if f.file { "file part" } else { "form field" };
                    let docs = member_doc(None, &format!("{what} {}", code(&f.wire)), &[]);
                    if f.required {
                        args.push(Arg {
                            name: f.rust.clone(),
                            ty: input,
                            target: ArgTarget::FormField(i),
                            docs,
                        });
                    } else {
                        setters.push(Setter {
                            name: f.rust.clone(),
                            kind: SetterKind::FormField { field: i, input },
                            docs,
                        });
                    }
                }
            }
            BodyPlan::Raw {
                content_type,
                required,
            } => setters.push(Setter {
                name: "body_bytes".to_owned(),
                kind: SetterKind::BodyBytes,
                docs: format!(
                    "Sets the request body, encoded by the caller: the API documents a `{content_type}` body{}. `content_type` is sent as `Content-Type` (for multipart bodies, with its boundary).",
                    if *required { ", which it requires" } else { "" }
                ),
            }),
            BodyPlan::Whole { ty, optional } => {
                let docs = self
                    .op
                    .body
                    .as_ref()
                    .and_then(|b| b.description.as_deref())
                    .map(doc::sanitize)
                    .unwrap_or_else(|| "The request body.".to_owned());
                if *optional {
                    setters.push(Setter {
                        name: "body".to_owned(),
                        kind: SetterKind::Body { ty: ty.clone() },
                        docs: "Sets the request body.".to_owned(),
                    });
                } else {
                    args.push(Arg {
                        name: "body".to_owned(),
                        ty: ArgType::Exact(ty.clone()),
                        target: ArgTarget::Body,
                        docs,
                    });
                }
            }
            BodyPlan::Fields { ty, optional } => {
                let entry = &self.types[ty.0];
                let TypeKind::Struct(def) = &entry.kind else {
                    return (args, setters);
                };
                let ir_fields = match &space.get(*ty).kind {
                    crate::codegen::ir::types::DefKind::Struct { fields, .. } => fields.as_slice(),
                    _ => &[],
                };
                let members = naming::body_member_names(self.op, param_names, ir_fields);
                let switch = streaming.map(|s| s.property.as_str());
                if !*optional {
                    match &def.constructor.required_struct {
                        Some(name) => args.push(Arg {
                            name: "required".to_owned(),
                            ty: ArgType::Exact(RustType::Generated(name.clone())),
                            target: ArgTarget::RequiredStruct(name.clone()),
                            docs: format!(
                                "The required fields of the body, by name ({}).",
                                code(name)
                            ),
                        }),
                        None => {
                            for a in &def.constructor.args {
                                let f = &def.fields[a.field];
                                let docs = member_doc(
                                    ir_fields.get(a.field).and_then(|f| f.info.description.as_deref()),
                                    &format!("body field {}", code(&f.wire)),
                                    ir_fields
                                        .get(a.field)
                                        .map(|f| f.info.constraints.as_slice())
                                        .unwrap_or_default(),
                                );
                                args.push(Arg {
                                    name: members[a.field].name.clone(),
                                    ty: a.input.clone(),
                                    target: ArgTarget::BodyField(a.field),
                                    docs,
                                });
                            }
                        }
                    }
                }
                for (i, (f, m)) in def.fields.iter().zip(&members).enumerate() {
                    // Required fields are arguments; the streaming switch is set by
                    // `.send()` / `.stream()` / `.background()`.
                    if (f.state.is_required() && !*optional) || switch == Some(f.wire.as_str()) {
                        continue;
                    }
                    let docs = member_doc(
                        ir_fields.get(i).and_then(|f| f.info.description.as_deref()),
                        &format!("body field {}", code(&f.wire)),
                        ir_fields
                            .get(i)
                            .map(|f| f.info.constraints.as_slice())
                            .unwrap_or_default(),
                    );
                    setters.push(Setter {
                        name: m.name.clone(),
                        kind: SetterKind::BodyField {
                            field: i,
                            input: f.input.clone(),
                        },
                        docs,
                    });
                    if f.state == FieldState::OptionalNullable {
                        setters.push(Setter {
                            name: m.null.clone().unwrap_or_else(|| format!("{}_null", m.name)),
                            kind: SetterKind::BodyFieldNull { field: i },
                            docs: format!(
                                "Sends `\"{}\": null` (for example to clear the value).",
                                f.wire
                            ),
                        });
                    }
                }
                setters.push(Setter {
                    name: "body".to_owned(),
                    kind: SetterKind::Body {
                        ty: RustType::Named(*ty),
                    },
                    docs: "Replaces the whole request body (the fields set so far included)."
                        .to_owned(),
                });
            }
        }
        (args, setters)
    }
}

/// The operation's facts for the mock server.
fn mock_facts(op: &Op) -> MockFacts {
    let pointer = |p: &crate::pointer::Pointer| p.to_string().trim_start_matches('#').to_owned();
    let request_body = op
        .body
        .as_ref()
        .filter(|b| matches!(b.kind, BodyKind::Json))
        .map(|b| {
            pointer(
                &op.pointer
                    .push("requestBody")
                    .push("content")
                    .push(&b.content_type)
                    .push("schema"),
            )
        });
    let (status, media) = op
        .success_response
        .clone()
        .unwrap_or(("200".to_owned(), None));
    let success_status = status.parse::<u16>().unwrap_or(200);
    let success_schema = media.as_ref().filter(|(_, schema)| *schema).map(|(m, _)| {
        pointer(
            &op.pointer
                .push("responses")
                .push(&status)
                .push("content")
                .push(m)
                .push("schema"),
        )
    });
    MockFacts {
        request_body,
        success_status,
        success_media_type: media.map(|(m, _)| m),
        success_schema,
        error_statuses: op.error_statuses.clone(),
    }
}

/// The arms of the error-status match: codes first, then ranges (a range may hold a code
/// documented on its own), each class grouped by body type in document order; `default` in an
/// arm of its own, the last.
fn error_arms(op: &Op) -> Vec<ErrorArm> {
    // (class, body) → patterns; classes: 0 codes, 1 ranges, 2 default.
    let mut groups: Vec<((u8, usize), Vec<StatusMatch>)> = Vec::new();
    for (i, e) in op.errors.iter().enumerate() {
        for s in &e.statuses {
            let pattern = if s == "default" {
                StatusMatch::Any
            } else if let Some(d) = s.strip_suffix("XX").and_then(|d| d.parse::<u16>().ok()) {
                StatusMatch::Range(d * 100, d * 100 + 99)
            } else if let Ok(code) = s.parse::<u16>() {
                StatusMatch::Code(code)
            } else {
                continue;
            };
            let class = match pattern {
                StatusMatch::Code(_) => 0,
                StatusMatch::Range(..) => 1,
                StatusMatch::Any => 2,
            };
            match groups.iter_mut().find(|(k, _)| *k == (class, i)) {
                Some((_, patterns)) => patterns.push(pattern),
                None => groups.push(((class, i), vec![pattern])),
            }
        }
    }
    // Stable: document order within a class.
    groups.sort_by_key(|((class, _), _)| *class);
    groups
        .into_iter()
        .map(|((_, i), mut statuses)| {
            statuses.sort();
            ErrorArm {
                statuses,
                ty: rust_type(&op.errors[i].ty),
            }
        })
        .collect()
}

/// A one-line doc for an argument or setter: the description, then what it sets.
fn member_doc(description: Option<&str>, what: &str, constraints: &[String]) -> String {
    let description = description.map(doc::sanitize).filter(|d| !d.is_empty());
    let mut s = match description {
        Some(d) => format!("{} ({what})", d.trim_end_matches('.')),
        None => format!("Sets the {what}"),
    };
    s.push('.');
    for c in constraints {
        s.push_str(&format!(" Constraint: {}.", doc::sanitize(c)));
    }
    s
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testing::{doc, model, op};
    use super::super::{ArgTarget, ArgType, BodyPlan, RustType, SetterKind, StatusMatch};
    use crate::overrides::GeneratorSettings;

    fn body(schema: serde_json::Value, required: bool) -> serde_json::Value {
        json!({"post": {"operationId": "createThing", "tags": ["things"],
            "requestBody": {"required": required, "content": {"application/json": {"schema": schema}}},
            "responses": {"200": {"description": "OK"}}}})
    }

    #[test]
    fn error_arms_put_codes_before_ranges_and_default_alone_last() {
        let err = |p: &str| {
            json!({"description": "e", "content": {"application/json": {"schema":
            {"type": "object", "properties": {p: {"type": "string"}}}}}})
        };
        let d = doc(
            json!({"/things": {"get": {"operationId": "getThings", "tags": ["things"], "responses": {
                "200": {"description": "OK"},
                "default": err("message"), "400": err("message"), "4XX": err("code"),
                "403": err("message"), "409": err("conflict"), "404": err("code")}}}}),
            json!({}),
        );
        let (m, _) = model(&d, &GeneratorSettings::default());
        let o = op(&m, "GET /things");
        let arms: Vec<(Vec<StatusMatch>, String)> = o
            .error_arms
            .iter()
            .map(|a| (a.statuses.clone(), format!("{:?}", a.ty)))
            .collect();
        let ty = |i: usize| format!("{:?}", o.errors[i].ty);
        // Bodies: `message` (400, 403, default), `code` (404, 4XX), `conflict` (409).
        assert_eq!(
            arms,
            vec![
                (vec![StatusMatch::Code(400), StatusMatch::Code(403)], ty(0)),
                (vec![StatusMatch::Code(404)], ty(1)),
                (vec![StatusMatch::Code(409)], ty(2)),
                (vec![StatusMatch::Range(400, 499)], ty(1)),
                (vec![StatusMatch::Any], ty(0)),
            ]
        );
    }

    #[test]
    fn a_default_response_by_reference_is_an_error_body_of_the_response_direction() {
        let mut d = doc(
            json!({"/things": {"get": {"operationId": "getThings", "tags": ["things"], "responses": {
                "200": {"description": "OK"},
                "default": {"$ref": "#/components/responses/Unexpected"}}}}}),
            json!({"Issue": {"type": "object", "properties": {"code": {"type": "integer"}}},
                "Failure": {"type": "object", "properties": {"errors": {"type": "array",
                    "items": {"$ref": "#/components/schemas/Issue"}}}}}),
        );
        d["components"]["responses"] = json!({"Unexpected": {"description": "Unexpected",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Failure"}}}}});
        let (m, _) = model(&d, &GeneratorSettings::default());
        let o = op(&m, "GET /things");
        let arms: Vec<&[StatusMatch]> =
            o.error_arms.iter().map(|a| a.statuses.as_slice()).collect();
        assert_eq!(arms, [[StatusMatch::Any].as_slice()]);
        // The body and what it holds are read from responses only, both the same way.
        for name in ["Failure", "Issue"] {
            let t = m.types.iter().find(|t| t.name == name).expect(name);
            assert_eq!(
                (t.direction.request, t.direction.response),
                (false, true),
                "{name}"
            );
        }
    }

    #[test]
    fn a_few_distinct_required_fields_are_positional() {
        let d = doc(
            json!({"/things": body(json!({"type": "object", "required": ["name", "count"],
                "properties": {"name": {"type": "string"}, "count": {"type": "integer"},
                "note": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}), true)}),
            json!({}),
        );
        let (m, _) = model(&d, &GeneratorSettings::default());
        let o = op(&m, "POST /things");
        let args: Vec<(&str, &ArgType)> = o.args.iter().map(|a| (a.name.as_str(), &a.ty)).collect();
        assert_eq!(
            args,
            vec![
                ("name", &ArgType::Into(RustType::String)),
                ("count", &ArgType::Exact(RustType::I64))
            ]
        );
        assert!(matches!(o.args[0].target, ArgTarget::BodyField(0)));
        // The optional nullable field: a setter and a `_null` setter.
        let setters: Vec<&str> = o.setters.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(setters, vec!["note", "note_null", "body"]);
    }

    #[test]
    fn many_or_adjacent_same_type_required_fields_are_taken_by_name() {
        let d = doc(
            json!({"/things": body(json!({"type": "object", "required": ["id", "text"],
                "properties": {"id": {"type": "string"}, "text": {"type": "string"}}}), true)}),
            json!({}),
        );
        let (m, _) = model(&d, &GeneratorSettings::default());
        let o = op(&m, "POST /things");
        assert_eq!(o.args.len(), 1);
        assert_eq!(o.args[0].name, "required");
        assert_eq!(
            o.args[0].target,
            ArgTarget::RequiredStruct("CreateThingRequired".to_owned())
        );
    }

    #[test]
    fn a_required_nullable_field_is_taken_as_an_option() {
        let d = doc(
            json!({"/things": body(json!({"type": "object", "required": ["title"],
                "properties": {"title": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}), true)}),
            json!({}),
        );
        let (m, _) = model(&d, &GeneratorSettings::default());
        let o = op(&m, "POST /things");
        assert_eq!(
            o.args[0].ty,
            ArgType::Into(RustType::Option(Box::new(RustType::String)))
        );
        assert!(o.setters.iter().all(|s| s.name != "title_null"));
    }

    #[test]
    fn bodies_are_fields_whole_or_optional() {
        let obj = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let d = doc(json!({"/things": body(obj, false)}), json!({}));
        let (m, _) = model(&d, &GeneratorSettings::default());
        assert!(matches!(
            op(&m, "POST /things").body,
            BodyPlan::Fields { optional: true, .. }
        ));
        let d = doc(
            json!({"/things": body(json!({"type": "array", "items": {"type": "string"}}), true)}),
            json!({}),
        );
        let (m, _) = model(&d, &GeneratorSettings::default());
        let o = op(&m, "POST /things");
        assert!(
            matches!(&o.body, BodyPlan::Whole { optional: false, ty } if *ty == RustType::Vec(Box::new(RustType::String)))
        );
        assert_eq!(o.args[0].target, ArgTarget::Body);
    }

    #[test]
    fn parameters_become_arguments_and_setters() {
        let d = doc(
            json!({"/things/{id}": {"get": {"operationId": "getThing", "tags": ["things"],
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "tags", "in": "query", "explode": false, "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    {"name": "X-Count", "in": "header", "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"description": "OK"}}}}}),
            json!({}),
        );
        let (m, _) = model(&d, &GeneratorSettings::default());
        let o = op(&m, "GET /things/{id}");
        assert_eq!(o.name, "get");
        assert_eq!(o.builder, "GetThing");
        assert_eq!(o.args.len(), 1);
        assert_eq!(
            (o.params[1].style, o.params[1].explode),
            (crate::codegen::model::ParamStyle::Form, false)
        );
        assert!(matches!(
            o.setters[0].kind,
            SetterKind::Param { param: 1, .. }
        ));
        assert!(
            matches!(&o.setters[1].kind, SetterKind::StringHeader { without, .. } if without == "without_x_trace")
        );
        // A typed optional header is a builder field; a string one lives in the request
        // options (so it can also replace or remove a client-wide default).
        assert!(matches!(
            o.setters[2].kind,
            SetterKind::Param { param: 3, .. }
        ));
        assert_eq!(o.params[2].field, None);
        assert_eq!(
            o.params[3].field,
            Some(RustType::Option(Box::new(RustType::I64)))
        );
    }
}
