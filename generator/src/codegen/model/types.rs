//! Type entries: how each IR type becomes Rust — field representation and serde attributes,
//! derives by direction, `Default`, the constructor and setters, and docs.

use std::collections::BTreeSet;

use serde_json::Value;

use super::rust::ArgType;
use super::{
    Constructor, CtorArg, DefaultImpl, DefaultValue, Derive, Direction, EnumDef, EnumVariant,
    FieldDef, FieldState, RustType, SerdeAttr, SetterNames, StructDef, TypeEntry, TypeKind,
    UnionDef, UnionVariant,
};
use crate::codegen::CodegenSettings;
use crate::codegen::doc::{self, a_or_an, code, paragraphs};
use crate::codegen::ir::Ir;
use crate::codegen::ir::types::{Cx, CxRoot, DefKind, Field, TypeDef, TypeRef, TypeSpace};
use crate::codegen::naming::{self, Names};

/// Structs with more required fields than this take them as one struct, by name.
const MAX_POSITIONAL: usize = 3;

/// The Rust type of an IR type shape.
pub(super) fn rust_type(t: &TypeRef) -> RustType {
    match t {
        TypeRef::Named(id) => RustType::Named(*id),
        TypeRef::String => RustType::String,
        TypeRef::Bool => RustType::Bool,
        TypeRef::I32 => RustType::I32,
        TypeRef::I64 => RustType::I64,
        TypeRef::U32 => RustType::U32,
        TypeRef::U64 => RustType::U64,
        TypeRef::F32 => RustType::F32,
        TypeRef::F64 => RustType::F64,
        TypeRef::Json => RustType::Json,
        TypeRef::JsonObject => RustType::JsonObject,
        TypeRef::Vec(inner, nullable) => RustType::Vec(Box::new(nullable_of(inner, *nullable))),
        TypeRef::Map(inner, nullable) => RustType::Map(Box::new(nullable_of(inner, *nullable))),
    }
}

/// `Option<T>` when values may be null (JSON values hold their own null).
pub(super) fn nullable_of(t: &TypeRef, nullable: bool) -> RustType {
    let r = rust_type(t);
    if nullable && *t != TypeRef::Json {
        r.option()
    } else {
        r
    }
}

/// The argument type of a value of IR type `t`.
pub(super) fn arg_type(space: &TypeSpace, t: &RustType) -> ArgType {
    ArgType::of(t, |id| matches!(space.get(id).kind, DefKind::Enum { .. }))
}

/// For every type, the resources whose operations reach it.
pub(super) fn used_by(ir: &Ir, names: &Names) -> Vec<BTreeSet<usize>> {
    let mut out = vec![BTreeSet::new(); ir.space.len()];
    for (ri, r) in names.resources.iter().enumerate() {
        let mut roots = Vec::new();
        for &i in &r.ops {
            let op = &ir.ops[i];
            roots.extend(op.params.iter().map(|p| p.typed.ty.clone()));
            roots.extend(
                op.body
                    .iter()
                    .flat_map(crate::codegen::ir::ops::Body::types),
            );
            roots.extend(op.success.iter().map(|s| s.ty.clone()));
            roots.extend(op.event.iter().map(|s| s.ty.clone()));
            roots.extend(op.errors.iter().map(|e| e.ty.clone()));
        }
        for id in ir.space.reachable(roots) {
            out[id.0].insert(ri);
        }
    }
    // What a type no operation reaches (a component kept for its own sake) holds is compiled
    // whenever that type is: used by every resource, so not gated.
    let every: BTreeSet<usize> = (0..names.resources.len()).collect();
    for id in held_by_unused(&ir.space) {
        out[id.0].clone_from(&every);
    }
    out
}

/// The types no operation reaches, and every type they hold: the unused type takes both serde
/// directions and no feature gate, so what it holds must too.
fn held_by_unused(space: &TypeSpace) -> Vec<crate::codegen::ir::types::TypeId> {
    let unused: Vec<TypeRef> = space
        .defs()
        .filter(|(_, d)| !d.in_request && !d.in_response)
        .map(|(id, _)| TypeRef::Named(id))
        .collect();
    space.reachable(unused)
}

/// Resolves every type of the registry.
pub(super) fn resolve(
    ir: &Ir,
    names: &Names,
    used_by: &[BTreeSet<usize>],
    settings: &CodegenSettings,
) -> Vec<TypeEntry> {
    let space = &ir.space;
    let mut type_names: BTreeSet<String> = space.defs().map(|(_, d)| d.name.clone()).collect();
    let mut either_way = vec![false; space.len()];
    for id in held_by_unused(space) {
        either_way[id.0] = true;
    }
    space
        .defs()
        .map(|(id, def)| {
            let direction = Direction {
                request: def.in_request || either_way[id.0],
                response: def.in_response || either_way[id.0],
            };
            let kind = match &def.kind {
                DefKind::Struct { fields, additional } => TypeKind::Struct(struct_def(
                    space,
                    def,
                    names
                        .type_aliases
                        .get(id.0)
                        .map(Vec::as_slice)
                        .unwrap_or_default(),
                    direction,
                    fields,
                    additional.as_ref(),
                    settings,
                    &mut type_names,
                )),
                DefKind::Enum { variants } => TypeKind::Enum(EnumDef {
                    variants: variants
                        .iter()
                        .map(|v| EnumVariant {
                            wire: v.wire.clone(),
                            rust: v.rust.clone(),
                        })
                        .collect(),
                }),
                DefKind::Alias(t) => TypeKind::Alias(nullable_of(t, def.nullable)),
                DefKind::Tagged { tag, variants } => TypeKind::Union(UnionDef {
                    tag: tag.clone(),
                    variants: variants
                        .iter()
                        .map(|v| UnionVariant {
                            tag: v.tag.clone(),
                            rust: v.rust.clone(),
                            payload: v.payload,
                        })
                        .collect(),
                    serialize: serialize_derive(direction),
                    deserialize: deserialize_derive(direction),
                }),
            };
            TypeEntry {
                name: def.name.clone(),
                key: names.type_keys.get(id.0).cloned().unwrap_or_default(),
                aliases: names.type_aliases.get(id.0).cloned().unwrap_or_default(),
                origin: def.origin.clone(),
                docs: type_docs(ir, def),
                deprecated: def.info.deprecated,
                direction,
                used_by: used_by.get(id.0).cloned().unwrap_or_default(),
                kind,
            }
        })
        .collect()
}

/// `Serialize` always, unless only responses carry the type.
fn serialize_derive(d: Direction) -> Derive {
    if d.response && !d.request {
        Derive::WithFullSerde
    } else {
        Derive::Always
    }
}

/// `Deserialize` always, unless only requests carry the type.
fn deserialize_derive(d: Direction) -> Derive {
    if d.request && !d.response {
        Derive::WithFullSerde
    } else {
        Derive::Always
    }
}

/// Whether callers build values of the type (it travels in requests, or nowhere yet).
fn built_by_callers(d: Direction) -> bool {
    d.request || !d.response
}

#[allow(clippy::too_many_arguments)]
fn struct_def(
    space: &TypeSpace,
    def: &TypeDef,
    aliases: &[String],
    direction: Direction,
    fields: &[Field],
    additional: Option<&(TypeRef, bool)>,
    settings: &CodegenSettings,
    type_names: &mut BTreeSet<String>,
) -> StructDef {
    let setters = built_by_callers(direction);
    let rename_all = rename_all(fields);
    let mut setter_taken: BTreeSet<String> = BTreeSet::from(["new".to_owned()]);
    setter_taken.extend(fields.iter().map(|f| f.rust.clone()));
    let mut out: Vec<FieldDef> = fields
        .iter()
        .map(|f| field_def(space, def, f, rename_all.is_some(), settings))
        .collect();
    if setters {
        for f in out.iter_mut().filter(|f| !f.state.is_required()) {
            let null = (f.state == FieldState::OptionalNullable)
                .then(|| naming::null_setter_name(&f.rust, &mut setter_taken));
            f.setter = Some(SetterNames {
                set: f.rust.clone(),
                null,
            });
        }
    }
    let has_required = out.iter().any(|f| f.state.is_required());
    let custom = out
        .iter()
        .any(|f| f.default.as_ref().is_some_and(|d| !d.is_trivial()));
    let default = match (has_required, custom) {
        (true, _) => DefaultImpl::None,
        (false, true) => DefaultImpl::Custom,
        (false, false) => DefaultImpl::Derive,
    };
    let mut constructor = constructor(def, &out, type_names);
    if constructor.required_struct.is_some() {
        constructor.required_aliases = aliases
            .iter()
            .map(|a| naming::required_struct_name(a, &BTreeSet::new()))
            .collect();
    }
    StructDef {
        fields: out,
        additional: additional.map(|(t, nullable)| nullable_of(t, *nullable)),
        rename_all,
        serialize: serialize_derive(direction),
        deserialize: deserialize_derive(direction),
        default,
        constructor,
        setters,
        non_exhaustive: true,
    }
}

/// `camelCase` when every wire name is the camelCase of its Rust name (and one differs).
fn rename_all(fields: &[Field]) -> Option<&'static str> {
    use heck::ToLowerCamelCase;
    let bare = |f: &Field| f.rust.trim_start_matches("r#").to_owned();
    let all_camel = fields
        .iter()
        .all(|f| bare(f).to_lower_camel_case() == f.wire);
    let any_differs = fields.iter().any(|f| bare(f) != f.wire);
    (all_camel && any_differs && !fields.is_empty()).then_some("camelCase")
}

fn field_def(
    space: &TypeSpace,
    owner: &TypeDef,
    f: &Field,
    renamed_all: bool,
    settings: &CodegenSettings,
) -> FieldDef {
    let rt = &settings.runtime;
    let value = rust_type(&f.ty);
    let nullable = f.nullable && f.ty != TypeRef::Json;
    let default = f
        .info
        .default
        .as_ref()
        .and_then(|d| default_value(&f.ty, d));
    let state = match (f.required, nullable) {
        (true, false) => FieldState::Required,
        (true, true) => FieldState::RequiredNullable,
        (false, false) if !owner.in_request && default.is_some() => FieldState::Defaulted,
        (false, false) => FieldState::Optional,
        (false, true) if owner.in_request => FieldState::OptionalNullable,
        (false, true) => FieldState::Optional,
    };
    let stored = if f.boxed {
        RustType::Boxed(Box::new(value.clone()))
    } else {
        value.clone()
    };
    let ty = match state {
        FieldState::Required | FieldState::Defaulted => stored.clone(),
        FieldState::RequiredNullable | FieldState::Optional => stored.clone().option(),
        FieldState::OptionalNullable => RustType::Nullable(Box::new(stored.clone())),
    };
    let bare = f.rust.trim_start_matches("r#");
    let mut serde = Vec::new();
    if bare != f.wire && !renamed_all {
        serde.push(SerdeAttr::Rename(f.wire.clone()));
    }
    let default = if state == FieldState::Defaulted {
        default
    } else {
        None
    };
    match state {
        FieldState::Required => {}
        FieldState::RequiredNullable => serde.push(SerdeAttr::DeserializeWith(format!(
            "{rt}::__private::serde_helpers::required_nullable"
        ))),
        FieldState::Optional => {
            serde.push(SerdeAttr::Default);
            serde.push(SerdeAttr::SkipIf("Option::is_none".to_owned()));
        }
        FieldState::OptionalNullable => {
            serde.push(SerdeAttr::Default);
            serde.push(SerdeAttr::SkipIf(format!("{rt}::Nullable::is_absent")));
        }
        FieldState::Defaulted => match &default {
            Some(d) if !d.is_trivial() => serde.push(SerdeAttr::DefaultFn(format!(
                "{}::default_{bare}",
                owner.name
            ))),
            _ => serde.push(SerdeAttr::Default),
        },
    }
    let input = if f.boxed {
        ArgType::Boxed(value.clone())
    } else {
        arg_type(space, &value)
    };
    FieldDef {
        wire: f.wire.clone(),
        rust: f.rust.clone(),
        state,
        value,
        boxed: f.boxed,
        ty,
        serde,
        default,
        input,
        setter: None,
        docs: field_docs(f, state, owner.in_request),
    }
}

/// The constructor: required fields by position, or — when there are many, or two adjacent
/// ones take the same type — one struct holding them by name.
fn constructor(
    def: &TypeDef,
    fields: &[FieldDef],
    type_names: &mut BTreeSet<String>,
) -> Constructor {
    let args: Vec<CtorArg> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.state.is_required())
        .map(|(i, f)| {
            let input = if f.state == FieldState::RequiredNullable {
                ArgType::Into(f.ty.clone())
            } else {
                f.input.clone()
            };
            CtorArg {
                field: i,
                input,
                plain: f.ty.clone(),
            }
        })
        .collect();
    let ambiguous =
        args.len() > MAX_POSITIONAL || args.windows(2).any(|w| w[0].input == w[1].input);
    let required_struct = ambiguous.then(|| {
        let name = naming::required_struct_name(&def.name, type_names);
        type_names.insert(name.clone());
        name
    });
    let name = code(&def.name);
    let article = a_or_an(&def.name);
    let others = fields.len() > args.len();
    let docs = match (&required_struct, args.is_empty(), others) {
        (_, true, _) => {
            format!("Creates {article} {name} with every field absent or at its default.")
        }
        (Some(s), false, true) => format!(
            "Creates {article} {name} from its required fields, given by name in {} {}; the others start absent.",
            a_or_an(s),
            code(s)
        ),
        (Some(s), false, false) => format!(
            "Creates {article} {name} from its fields, given by name in {} {}.",
            a_or_an(s),
            code(s)
        ),
        (None, false, true) => {
            format!("Creates {article} {name} from its required fields; the others start absent.")
        }
        (None, false, false) => format!("Creates {article} {name}."),
    };
    Constructor {
        args,
        required_struct,
        required_aliases: Vec::new(),
        docs,
    }
}

/// A schema default as a value of the field's type, when it fits.
fn default_value(t: &TypeRef, v: &Value) -> Option<DefaultValue> {
    let int = |min: i128, max: i128| {
        let n = v
            .as_i64()
            .map(i128::from)
            .or_else(|| v.as_u64().map(i128::from))?;
        (min..=max).contains(&n).then_some(DefaultValue::Int(n))
    };
    match (t, v) {
        (TypeRef::Bool, Value::Bool(b)) => Some(DefaultValue::Bool(*b)),
        (TypeRef::I64, Value::Number(_)) => int(i64::MIN.into(), i64::MAX.into()),
        (TypeRef::I32, Value::Number(_)) => int(i32::MIN.into(), i32::MAX.into()),
        (TypeRef::U32, Value::Number(_)) => int(0, u32::MAX.into()),
        (TypeRef::U64, Value::Number(_)) => int(0, u64::MAX.into()),
        (TypeRef::F32 | TypeRef::F64, Value::Number(n)) => n.as_f64().map(DefaultValue::Float),
        (TypeRef::String, Value::String(s)) => Some(DefaultValue::Str(s.clone())),
        (TypeRef::Named(_), Value::String(s)) => Some(DefaultValue::Enum(s.clone())),
        (TypeRef::Vec(..), Value::Array(a)) if a.is_empty() => Some(DefaultValue::EmptyVec),
        _ => None,
    }
}

/// A type's doc comment: its description, a meaningful title, or — for inline types — where
/// it is used. Components without prose get none (no filler).
fn type_docs(ir: &Ir, d: &TypeDef) -> String {
    let own = d.origin.last().unwrap_or_default();
    let main = match (&d.info.description, &d.info.title) {
        (Some(desc), _) => doc::sanitize(desc),
        (None, Some(t)) if naming::is_meaningful_title(t, &own) && !d.component => {
            format!("{}.", doc::sanitize(t))
        }
        _ if d.component => String::new(),
        _ => context_sentence(ir, d),
    };
    let mut parts = vec![main];
    if d.info.deprecated {
        parts.push("Deprecated by the API.".to_owned());
    }
    paragraphs(parts)
}

/// Where an inline type is used: `The request body of \`POST /webapi/apps\`.`,
/// `` `chat.source` in the request body of `POST /webapi/apps/{app_id}/run`. ``
fn context_sentence(ir: &Ir, d: &TypeDef) -> String {
    let mut contexts = d.contexts.clone();
    contexts.sort();
    let Some(c) = contexts.first() else {
        return String::new();
    };
    let whole = |cx: &Cx| -> String {
        match &cx.root {
            CxRoot::Component(name) => format!("the {} schema", code(name)),
            CxRoot::Op(i) => {
                let op = ir.ops.get(*i).map(|o| o.key.as_str()).unwrap_or_default();
                let role = cx.segs.first().map(String::as_str).unwrap_or_default();
                match role {
                    "Request" => format!("the request body of {}", code(op)),
                    "Response" => format!("the response of {}", code(op)),
                    "Event" => format!("the events of {}", code(op)),
                    "Error" => format!("the error body of {}", code(op)),
                    r if r.starts_with("Error") => format!(
                        "the error body of {} for status {}",
                        code(op),
                        r.trim_start_matches("Error").replace("xx", "XX")
                    ),
                    param => format!("parameter {} of {}", code(param), code(op)),
                }
            }
        }
    };
    let skip = usize::from(!c.is_component());
    let mut path = String::new();
    for seg in c.segs.iter().skip(skip) {
        if seg == "[]" {
            path.push_str("[]");
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(seg);
        }
    }
    let others: BTreeSet<String> = contexts
        .iter()
        .filter(|x| x.root != c.root)
        .map(|x| match &x.root {
            CxRoot::Component(n) => code(n),
            CxRoot::Op(i) => code(ir.ops.get(*i).map(|o| o.key.as_str()).unwrap_or_default()),
        })
        .collect();
    let also = if others.is_empty() {
        String::new()
    } else {
        format!(
            " Also used by {}.",
            others.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    let whole = whole(c);
    if path.is_empty() {
        let mut s = whole;
        if let Some(first) = s.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        format!("{s}.{also}")
    } else {
        format!("{} in {whole}.{also}", code(&path))
    }
}

/// A field's doc comment: its description (or a meaningful title) and the facts a caller
/// needs (null handling, default, constraints). No filler when there is nothing to say.
fn field_docs(f: &Field, state: FieldState, in_request: bool) -> String {
    let mut parts = Vec::new();
    if let Some(desc) = &f.info.description {
        parts.push(doc::sanitize(desc));
    } else if let Some(t) = &f.info.title {
        if naming::is_meaningful_title(t, &f.wire) {
            parts.push(format!("{}.", doc::sanitize(t)));
        }
    }
    let mut facts = Vec::new();
    match state {
        FieldState::RequiredNullable => {
            facts.push("Always present; `None` is JSON `null`.".to_owned())
        }
        FieldState::OptionalNullable => {
            facts.push("Absent unless set; `Nullable::Null` sends JSON `null`.".to_owned())
        }
        _ => {}
    }
    if let Some(def) = &f.info.default {
        if state == FieldState::Defaulted {
            facts.push(format!("Defaults to `{def}` when absent."));
        } else if in_request {
            facts.push(format!("The server uses `{def}` when absent."));
        } else {
            facts.push(format!("Default: `{def}`."));
        }
    }
    for c in &f.info.constraints {
        facts.push(format!("Constraint: {}.", doc::sanitize(c)));
    }
    if !f.info.allowed.is_empty() {
        let values: Vec<String> = f.info.allowed.iter().map(|v| format!("`{v}`")).collect();
        facts.push(format!("One of {}.", values.join(", ")));
    }
    if f.info.deprecated {
        facts.push("Deprecated by the API.".to_owned());
    }
    parts.push(facts.join(" "));
    paragraphs(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(wire: &str, rust: &str) -> Field {
        Field {
            wire: wire.to_owned(),
            rust: rust.to_owned(),
            ty: TypeRef::String,
            required: false,
            nullable: false,
            info: Default::default(),
            boxed: false,
        }
    }

    #[test]
    fn rename_all_only_when_every_name_is_camel_case() {
        assert_eq!(
            rename_all(&[field("agentId", "agent_id"), field("name", "name")]),
            Some("camelCase")
        );
        assert_eq!(
            rename_all(&[field("agent_id", "agent_id"), field("name", "name")]),
            None
        );
        assert_eq!(
            rename_all(&[field("agentId", "agent_id"), field("user_id", "user_id")]),
            None
        );
        assert_eq!(
            rename_all(&[field("type", "r#type"), field("appId", "app_id")]),
            Some("camelCase")
        );
    }

    #[test]
    fn defaults_must_fit_the_type() {
        assert_eq!(
            default_value(&TypeRef::I32, &Value::from(5)),
            Some(DefaultValue::Int(5))
        );
        assert_eq!(default_value(&TypeRef::U32, &Value::from(-1)), None);
        assert_eq!(default_value(&TypeRef::Bool, &Value::from("x")), None);
        assert_eq!(
            default_value(
                &TypeRef::Vec(Box::new(TypeRef::String), false),
                &serde_json::json!([])
            ),
            Some(DefaultValue::EmptyVec)
        );
        assert_eq!(
            default_value(
                &TypeRef::Vec(Box::new(TypeRef::String), false),
                &serde_json::json!(["a"])
            ),
            None
        );
    }

    #[test]
    fn directions_choose_the_serde_derives() {
        let response = Direction {
            request: false,
            response: true,
        };
        let request = Direction {
            request: true,
            response: false,
        };
        assert_eq!(serialize_derive(response), Derive::WithFullSerde);
        assert_eq!(deserialize_derive(response), Derive::Always);
        assert_eq!(serialize_derive(request), Derive::Always);
        assert_eq!(deserialize_derive(request), Derive::WithFullSerde);
        assert_eq!(serialize_derive(Direction::default()), Derive::Always);
        assert_eq!(deserialize_derive(Direction::default()), Derive::Always);
        assert!(built_by_callers(request) && !built_by_callers(response));
    }

    #[test]
    fn enum_values_give_one_variant_each_and_distinct_names() {
        use super::super::TypeKind;
        use super::super::testing::{doc, model};
        use serde_json::json;
        let d = doc(
            json!({"/a": {"get": {"operationId": "a", "tags": ["a"],
                "responses": {"200": {"description": "OK", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/State"}}}}}}}}),
            json!({"State": {"type": "string",
                "enum": ["", "", "in-stock", "in_stock", "In Stock", "in-stock", "Unknown"]}}),
        );
        let (m, diags) = model(&d, &crate::overrides::GeneratorSettings::default());
        let state = m.types.iter().find(|t| t.name == "State").expect("State");
        let TypeKind::Enum(e) = &state.kind else {
            panic!("not an enum: {:?}", state.kind);
        };
        let variants: Vec<(&str, &str)> = e
            .variants
            .iter()
            .map(|v| (v.wire.as_str(), v.rust.as_str()))
            .collect();
        // A value listed twice is one variant; values that read alike are numbered; `Unknown`
        // is the open enum's own variant.
        assert_eq!(
            variants,
            [
                ("", "Empty"),
                ("in-stock", "InStock"),
                ("in_stock", "InStock2"),
                ("In Stock", "InStock3"),
                ("Unknown", "Unknown2"),
            ]
        );
        let warned: Vec<String> = diags
            .iter()
            .filter(|x| x.code == "duplicate-enum-value")
            .map(|x| x.message.clone())
            .collect();
        assert_eq!(
            warned,
            ["the enum lists \"\", \"in-stock\" more than once; each value becomes one variant"]
        );
    }

    #[test]
    fn what_an_unused_component_holds_goes_both_ways_ungated() {
        use super::super::testing::{doc, model};
        use serde_json::json;
        let ok = |schema: Value| json!({"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}});
        let d = doc(
            json!({
                "/a": {"get": {"operationId": "a", "tags": ["a"],
                    "responses": ok(json!({"$ref": "#/components/schemas/Issue"}))}},
                "/b": {"get": {"operationId": "b", "tags": ["b"],
                    "responses": ok(json!({"type": "string"}))}}}),
            json!({"Issue": {"type": "object", "properties": {"code": {"type": "integer"}}},
                "Unused": {"type": "object", "properties": {"errors": {"type": "array",
                    "items": {"$ref": "#/components/schemas/Issue"}}}}}),
        );
        let (m, _) = model(&d, &crate::overrides::GeneratorSettings::default());
        for name in ["Unused", "Issue"] {
            let (id, t) = m
                .types
                .iter()
                .enumerate()
                .find(|(_, t)| t.name == name)
                .expect(name);
            // `Unused` derives both serde traits and is compiled with any feature: `Issue`
            // must be too, though only resource `a` answers with it.
            assert_eq!(
                (t.direction.request, t.direction.response),
                (true, true),
                "{name}"
            );
            assert!(
                m.type_features(crate::codegen::ir::types::TypeId(id))
                    .is_empty(),
                "{name}"
            );
        }
    }
}
