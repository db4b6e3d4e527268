//! The type registry: every generated type, its Rust name, and how schemas map to Rust.
//!
//! Schemas become [`TypeRef`]s. Named components and inline objects and enums become entries
//! of the [`TypeSpace`], keyed by [`TypeId`]. Inline types are deduplicated (identical schemas
//! share one type) and named only at the end, from every context they appear in, so names
//! are short, collision-free and independent of visiting order:
//!
//! - components keep their names (PascalCase);
//! - a schema can pin its name with the `x-rust-type-name` extension (`spec/overrides.yaml`);
//! - a meaningful `title` wins (one that is not just the property name);
//! - otherwise `{Operation}{Role}` at the root (`RunAppRequest`, `RunAppResponse`,
//!   `RunSkillError`) and `{Operation}{Property}` below, growing with parent properties only
//!   to avoid a clash (`RunAppResult`, `RunAppResultResponse`); a type used by several
//!   operations drops the operation prefix.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use heck::ToPascalCase;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat,
    Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::naming::{Case, PRELUDE_TYPES, sanitize, singular, unique};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::pointer::Pointer;
use crate::refs::mapping_ref;

/// Index of a type in the [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A generated type.
    Named(TypeId),
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `serde_json::Value`: any JSON.
    Json,
    /// `serde_json::Map<String, Value>`: a free-form object.
    JsonObject,
    /// `Vec<T>`; `bool` = items may be null (`Vec<Option<T>>`).
    Vec(Box<TypeRef>, bool),
    /// `BTreeMap<String, T>`; `bool` = values may be null.
    Map(Box<TypeRef>, bool),
}

impl TypeRef {
    /// Whether values of this type are plain text on the wire (usable in paths and queries).
    pub fn is_scalar(&self, space: &TypeSpace) -> bool {
        match self {
            TypeRef::String
            | TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U32
            | TypeRef::U64
            | TypeRef::F32
            | TypeRef::F64 => true,
            TypeRef::Named(id) => match &space.get(*id).kind {
                DefKind::Enum { .. } => true,
                DefKind::Alias(inner) => inner.is_scalar(space),
                _ => false,
            },
            _ => false,
        }
    }
}

/// Annotations of a schema, kept for docs and defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaInfo {
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `default`.
    pub default: Option<Value>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `readOnly`.
    pub read_only: bool,
    /// `writeOnly`.
    pub write_only: bool,
    /// Human-readable constraints (`1 ≤ value ≤ 100`, `format: uuid`, ...).
    pub constraints: Vec<String>,
    /// Allowed values of a non-string enum, for docs.
    pub allowed: Vec<Value>,
    /// `minimum` of a number.
    pub minimum: Option<f64>,
}

/// A schema mapped to Rust.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    /// The type.
    pub ty: TypeRef,
    /// Whether null is a valid value.
    pub nullable: bool,
    /// Annotations.
    pub info: SchemaInfo,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The wire name.
    pub wire: String,
    /// The Rust name (set by the naming pass).
    pub rust: String,
    /// The value type.
    pub ty: TypeRef,
    /// Whether the field must be present.
    pub required: bool,
    /// Whether null is a valid value.
    pub nullable: bool,
    /// Annotations (description, default, constraints).
    pub info: SchemaInfo,
    /// Whether the field must be boxed (recursive type).
    pub boxed: bool,
}

/// An enum variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The wire value.
    pub wire: String,
    /// The Rust name (set by the naming pass).
    pub rust: String,
}

/// What a generated type is.
#[derive(Debug, Clone, PartialEq)]
pub enum DefKind {
    /// A struct with named fields; `additional` = type of extra properties, if allowed.
    Struct {
        /// The fields, in schema order.
        fields: Vec<Field>,
        /// Extra properties (`additionalProperties`), flattened into a map.
        additional: Option<(TypeRef, bool)>,
    },
    /// An open string enum.
    Enum {
        /// The known values.
        variants: Vec<Variant>,
    },
    /// A type alias (`pub type Ids = Vec<String>;`).
    Alias(TypeRef),
    /// An internally tagged union (`oneOf` with a discriminator).
    Tagged {
        /// The discriminator property.
        tag: String,
        /// `(tag value, variant name, payload type)`.
        variants: Vec<(String, String, TypeId)>,
    },
}

/// One generated type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name (final after [`TypeSpace::finish`]).
    pub name: String,
    /// Where it is defined in the merged document.
    pub origin: Pointer,
    /// Its annotations.
    pub info: SchemaInfo,
    /// What it is.
    pub kind: DefKind,
    /// Whether it is a named component.
    pub component: bool,
    /// For aliases: whether null is a valid value (`Option<T>`).
    pub nullable: bool,
    /// Reachable from a request (body or parameter).
    pub in_request: bool,
    /// Reachable from a response.
    pub in_response: bool,
    /// The contexts it was seen in (for naming).
    contexts: Vec<Cx>,
    /// A pinned name (`x-rust-type-name`).
    pinned: Option<String>,
}

impl TypeDef {
    /// A sentence saying where the type comes from, for types without a description.
    pub fn describe(&self) -> String {
        if self.component {
            return format!("The `{}` schema.", self.origin.last().unwrap_or_default());
        }
        let Some(c) = self.contexts.iter().min() else {
            return format!("The schema at `{}`.", self.origin);
        };
        let mut path = String::new();
        // Below a component, every segment is a property; below an operation, the first is a
        // role (`Request`, `Response`, a parameter name).
        let skip = usize::from(!c.component);
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
        let role = if c.component {
            ""
        } else {
            c.segs.first().map(String::as_str).unwrap_or_default()
        };
        let whole = match role {
            "" if c.component => format!("the `{}` schema", c.prefix),
            "Request" => format!("the request body of `{}`", c.prefix),
            "Response" => format!("the response of `{}`", c.prefix),
            "Error" => format!("the error body of `{}`", c.prefix),
            r if r.starts_with("Error") => format!(
                "the error body of `{}` for status {}",
                c.prefix,
                r.trim_start_matches("Error").replace("xx", "XX")
            ),
            "" => format!("`{}`", c.prefix),
            param => format!("parameter `{param}` of `{}`", c.prefix),
        };
        let whole = if c.segs.len() <= 1
            && !self.contexts.is_empty()
            && (role == "Request" || role == "Response" || role.starts_with("Error"))
        {
            let mut s = whole;
            if let Some(first) = s.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            return format!("{s}.");
        } else {
            whole
        };
        let others: BTreeSet<&str> = self
            .contexts
            .iter()
            .map(|x| x.prefix.as_str())
            .filter(|p| *p != c.prefix)
            .collect();
        let also = if others.is_empty() {
            String::new()
        } else {
            format!(
                " Also used by {}.",
                others
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if path.is_empty() {
            format!("Values of {whole}.{also}")
        } else {
            format!("`{path}` in {whole}.{also}")
        }
    }

    /// Whether any field is required (so the type has no `Default`).
    pub fn has_required_fields(&self) -> bool {
        match &self.kind {
            DefKind::Struct { fields, .. } => fields.iter().any(|f| f.required),
            _ => false,
        }
    }
}

/// The naming context of an inline schema: a prefix (operation or component name) and the
/// property path below it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cx {
    /// `RunApp` (operation) or `Conversation` (component).
    pub prefix: String,
    /// Path segments: a role (`Request`, `Response`, `Error`), property names, and `[]` for
    /// array items / map values.
    pub segs: Vec<String>,
    /// Where the schema is (for messages).
    pub pointer: Pointer,
    /// Whether the prefix is a component (its segments are then all properties).
    pub component: bool,
}

impl Cx {
    /// A root context.
    pub fn root(prefix: &str, role: &str, pointer: Pointer) -> Cx {
        Cx {
            prefix: prefix.to_owned(),
            segs: vec![role.to_owned()],
            pointer,
            component: false,
        }
    }

    fn prop(&self, name: &str) -> Cx {
        let mut c = self.clone();
        c.segs.push(name.to_owned());
        c.pointer = self.pointer.push("properties").push(name);
        c
    }

    fn item(&self, keyword: &str) -> Cx {
        let mut c = self.clone();
        c.segs.push("[]".to_owned());
        c.pointer = self.pointer.push(keyword);
        c
    }

    fn at(&self, pointer: Pointer) -> Cx {
        Cx {
            pointer,
            ..self.clone()
        }
    }

    /// Name candidates, shortest first: the prefix (unless dropped) followed by 1, 2, ... of
    /// the last segments.
    fn candidates(&self, with_prefix: bool) -> Vec<String> {
        // Segment words: property names as PascalCase, `[]` singularizes the segment before.
        let mut words: Vec<String> = Vec::new();
        for seg in &self.segs {
            if seg == "[]" {
                match words.pop() {
                    Some(last) => words.push(singular(&last)),
                    None => words.push("Item".to_owned()),
                }
            } else {
                words.push(
                    sanitize(seg, Case::Pascal)
                        .trim_start_matches("r#")
                        .to_owned(),
                );
            }
        }
        let mut out = Vec::new();
        for n in 1..=words.len() {
            let tail: String = words[words.len() - n..].concat();
            out.push(if with_prefix {
                format!("{}{tail}", self.prefix)
            } else {
                tail
            });
        }
        if out.is_empty() {
            out.push(self.prefix.clone());
        }
        out
    }
}

/// Every generated type.
#[derive(Debug, Clone, Default)]
pub struct TypeSpace {
    defs: Vec<TypeDef>,
    by_ref: BTreeMap<String, TypeId>,
    dedup: HashMap<String, TypeId>,
    components: IndexMap<String, ReferenceOr<Schema>>,
    /// Diagnostics found while mapping schemas.
    pub diags: Diagnostics,
}

impl TypeSpace {
    /// A registry holding every component schema of `api`, named after its component.
    pub fn new(api: &openapiv3::OpenAPI) -> TypeSpace {
        let mut space = TypeSpace::default();
        if let Some(c) = &api.components {
            space.components = c.schemas.clone();
        }
        let mut names: Vec<&String> = space.components.keys().collect();
        names.sort();
        let names: Vec<String> = names.into_iter().cloned().collect();
        for name in &names {
            let id = TypeId(space.defs.len());
            space.defs.push(TypeDef {
                name: sanitize(name, Case::Pascal),
                origin: Pointer::root()
                    .push("components")
                    .push("schemas")
                    .push(name),
                info: SchemaInfo::default(),
                kind: DefKind::Alias(TypeRef::Json),
                component: true,
                nullable: false,
                in_request: false,
                in_response: false,
                contexts: Vec::new(),
                pinned: None,
            });
            space
                .by_ref
                .insert(format!("#/components/schemas/{name}"), id);
        }
        for name in names {
            let Some(schema) = space.components.get(&name).cloned() else {
                continue;
            };
            let id = space.by_ref[&format!("#/components/schemas/{name}")];
            let cx = Cx {
                prefix: sanitize(&name, Case::Pascal),
                segs: Vec::new(),
                pointer: space.defs[id.0].origin.clone(),
                component: true,
            };
            space.define(id, &schema, &cx);
        }
        space.break_alias_cycles();
        space
    }

    /// Components that are only references to each other in a loop (`A: {$ref: B}`,
    /// `B: {$ref: A}`) describe no value: they become `serde_json::Value`, with a warning.
    fn break_alias_cycles(&mut self) {
        for start in 0..self.defs.len() {
            let mut id = start;
            let mut steps = 0;
            while let DefKind::Alias(TypeRef::Named(next)) = &self.defs[id].kind {
                id = next.0;
                steps += 1;
                if id == start || steps > self.defs.len() {
                    let at = self.defs[start].origin.clone();
                    self.warn(
                        "ref-cycle",
                        &at,
                        "the schema is a `$ref` to itself, directly or through others; mapped to serde_json::Value".to_owned(),
                    );
                    self.defs[start].kind = DefKind::Alias(TypeRef::Json);
                    break;
                }
            }
        }
    }

    /// The type with this id.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.0]
    }

    /// Every type, in creation order.
    pub fn defs(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.defs.iter().enumerate().map(|(i, d)| (TypeId(i), d))
    }

    /// Number of types.
    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// Whether there are no types.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// The id of a component reference.
    pub fn component(&self, reference: &str) -> Option<TypeId> {
        self.by_ref.get(reference).copied()
    }

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

    /// Fills in the definition of a component.
    fn define(&mut self, id: TypeId, schema: &ReferenceOr<Schema>, cx: &Cx) {
        let typed = match schema {
            ReferenceOr::Item(s) => {
                let pinned = pinned_name(&s.schema_data);
                self.defs[id.0].pinned = pinned;
                match self.object_or_enum(s, cx) {
                    Some(kind) => {
                        self.defs[id.0].kind = kind;
                        self.defs[id.0].info = info_of(&s.schema_data, s);
                        return;
                    }
                    None => self.type_of(schema, cx),
                }
            }
            ReferenceOr::Reference { .. } => self.type_of(schema, cx),
        };
        // An alias: a nullable alias is an Option.
        self.defs[id.0].info = typed.info.clone();
        self.defs[id.0].nullable = typed.nullable && typed.ty != TypeRef::Json;
        self.defs[id.0].kind = DefKind::Alias(typed.ty);
    }

    /// The struct or enum a schema defines, if it defines one.
    fn object_or_enum(&mut self, s: &Schema, cx: &Cx) -> Option<DefKind> {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                let values: Vec<String> = st.enumeration.iter().flatten().cloned().collect();
                Some(DefKind::Enum {
                    variants: values
                        .into_iter()
                        .map(|wire| Variant {
                            wire,
                            rust: String::new(),
                        })
                        .collect(),
                })
            }
            SchemaKind::Type(Type::Object(ot)) if !ot.properties.is_empty() => {
                Some(self.struct_kind(
                    &ot.properties,
                    &ot.required,
                    ot.additional_properties.as_ref(),
                    cx,
                ))
            }
            SchemaKind::Any(any)
                if !any.properties.is_empty()
                    && any.typ.as_deref().is_none_or(|t| t == "object") =>
            {
                Some(self.struct_kind(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    cx,
                ))
            }
            SchemaKind::AllOf { all_of } if all_of.len() > 1 => self.merged_all_of(all_of, cx),
            SchemaKind::OneOf { one_of } | SchemaKind::AnyOf { any_of: one_of } => {
                self.tagged_union(s, one_of, cx)
            }
            _ => None,
        }
    }

    fn struct_kind(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        cx: &Cx,
    ) -> DefKind {
        let mut fields = Vec::new();
        for (name, prop) in properties {
            let prop = unbox(prop);
            let typed = self.type_of(&prop, &cx.prop(name));
            // A read-only field is absent from requests, a write-only one from responses: one
            // struct serves both, so neither is required.
            let one_way = typed.info.read_only || typed.info.write_only;
            fields.push(Field {
                wire: name.clone(),
                rust: String::new(),
                ty: typed.ty,
                required: required.contains(name) && !one_way,
                nullable: typed.nullable,
                info: typed.info,
                boxed: false,
            });
        }
        let additional = match additional {
            Some(AdditionalProperties::Any(true)) => Some((TypeRef::Json, false)),
            Some(AdditionalProperties::Schema(s)) => {
                let t = self.type_of(s, &cx.item("additionalProperties"));
                Some((t.ty, t.nullable))
            }
            _ => None,
        };
        DefKind::Struct { fields, additional }
    }

    /// `allOf` of several object schemas → one struct with all their properties.
    fn merged_all_of(&mut self, parts: &[ReferenceOr<Schema>], cx: &Cx) -> Option<DefKind> {
        let mut props: IndexMap<String, ReferenceOr<Box<Schema>>> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        self.collect_all_of(parts, &mut props, &mut required, 0)?;
        Some(self.struct_kind(&props, &required, None, cx))
    }

    /// Properties and required names of `allOf` parts, through references and nested `allOf`s.
    fn collect_all_of(
        &self,
        parts: &[ReferenceOr<Schema>],
        props: &mut IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
        depth: usize,
    ) -> Option<()> {
        if depth > 16 {
            return None; // a reference cycle through allOf
        }
        for part in parts {
            let schema = self.resolve(part)?;
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => {
                    props.extend(o.properties.clone());
                    required.extend(o.required.clone());
                }
                SchemaKind::AllOf { all_of } => {
                    self.collect_all_of(all_of, props, required, depth + 1)?
                }
                SchemaKind::Any(a) if a.typ.as_deref().is_none_or(|t| t == "object") => {
                    // Also a part that only adds `required` names.
                    props.extend(a.properties.clone());
                    required.extend(a.required.clone());
                    if !a.all_of.is_empty() {
                        self.collect_all_of(&a.all_of, props, required, depth + 1)?;
                    }
                }
                _ => return None,
            }
        }
        Some(())
    }

    /// `oneOf`/`anyOf` of references with a discriminator → an internally tagged enum.
    fn tagged_union(
        &mut self,
        s: &Schema,
        branches: &[ReferenceOr<Schema>],
        cx: &Cx,
    ) -> Option<DefKind> {
        let disc = s.schema_data.discriminator.as_ref()?;
        let mut variants = Vec::new();
        for b in branches {
            let ReferenceOr::Reference { reference } = b else {
                return None;
            };
            let id = self.component(reference)?;
            let short = reference.rsplit('/').next().unwrap_or_default().to_owned();
            // Mapping values are references or, equally valid, bare schema names.
            let tag = disc
                .mapping
                .iter()
                .find(|(_, r)| *r == reference || mapping_ref(r) == *reference)
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| short.clone());
            variants.push((tag, sanitize(&short, Case::Pascal), id));
        }
        let _ = cx;
        Some(DefKind::Tagged {
            tag: disc.property_name.clone(),
            variants,
        })
    }

    fn resolve(&self, s: &ReferenceOr<Schema>) -> Option<Schema> {
        let mut s = s;
        // Chains of references are followed a bounded number of times (a cycle gives None).
        for _ in 0..16 {
            match s {
                ReferenceOr::Item(schema) => return Some(schema.clone()),
                ReferenceOr::Reference { reference } => {
                    s = self
                        .components
                        .get(reference.strip_prefix("#/components/schemas/")?)?;
                }
            }
        }
        None
    }

    /// Registers an inline struct/enum, deduplicating identical schemas.
    fn inline(
        &mut self,
        s: &Schema,
        kind_of: impl FnOnce(&mut Self) -> Option<DefKind>,
        cx: &Cx,
    ) -> Option<TypeId> {
        // Identical schemas share a type when they also sit under the same name (the same
        // property, or the same role): an `{id}` object in one place and in another unrelated
        // one are different things that happen to look alike.
        let place = cx
            .segs
            .iter()
            .rev()
            .find(|s| *s != "[]")
            .map(String::as_str)
            .unwrap_or_default();
        let key = format!("{place}|{}", serde_json::to_string(s).unwrap_or_default());
        if let Some(&id) = self.dedup.get(&key) {
            self.defs[id.0].contexts.push(cx.clone());
            // Walk the schema again so the types below it learn this context too.
            let _ = kind_of(self);
            return Some(id);
        }
        let kind = kind_of(self)?;
        let id = TypeId(self.defs.len());
        self.defs.push(TypeDef {
            name: String::new(),
            origin: cx.pointer.clone(),
            info: info_of(&s.schema_data, s),
            kind,
            component: false,
            nullable: false,
            in_request: false,
            in_response: false,
            contexts: vec![cx.clone()],
            pinned: pinned_name(&s.schema_data),
        });
        self.dedup.insert(key, id);
        Some(id)
    }

    /// Maps a schema to a Rust type, registering inline types on the way.
    pub fn type_of(&mut self, schema: &ReferenceOr<Schema>, cx: &Cx) -> Typed {
        let s = match schema {
            ReferenceOr::Reference { reference } => {
                let ty = match self.component(reference) {
                    Some(id) => TypeRef::Named(id),
                    None => {
                        self.warn("unsupported-ref", &cx.pointer, format!("`{reference}` is not a schema component; mapped to serde_json::Value"));
                        TypeRef::Json
                    }
                };
                return Typed {
                    ty,
                    nullable: false,
                    info: SchemaInfo::default(),
                };
            }
            ReferenceOr::Item(s) => s,
        };
        let mut info = info_of(&s.schema_data, s);
        let nullable = s.schema_data.nullable;
        let ty = match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                if st.enumeration.iter().flatten().next().is_some() {
                    match self.inline(s, |sp| sp.object_or_enum(s, cx), cx) {
                        Some(id) => TypeRef::Named(id),
                        None => TypeRef::String,
                    }
                } else {
                    TypeRef::String
                }
            }
            SchemaKind::Type(Type::Integer(it)) => {
                info.allowed = it
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| Value::from(*v))
                    .collect();
                int_type(format_str(&it.format).as_deref())
            }
            SchemaKind::Type(Type::Number(nt)) => {
                info.allowed = nt
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| Value::from(*v))
                    .collect();
                if format_str(&nt.format).as_deref() == Some("float") {
                    TypeRef::F32
                } else {
                    TypeRef::F64
                }
            }
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Object(ot)) => {
                if ot.properties.is_empty() {
                    self.map_type(ot.additional_properties.as_ref(), cx)
                } else {
                    self.inline_struct(s, cx)
                }
            }
            SchemaKind::Type(Type::Array(at)) => {
                self.array_type(at.items.as_ref().map(unbox).as_ref(), cx)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                // A described reference (or a wrapped inline schema).
                let inner = self.type_of(&all_of[0], &cx.at(cx.pointer.push("allOf").index(0)));
                merge_info(&mut info, inner.info);
                return Typed {
                    ty: inner.ty,
                    nullable: nullable || inner.nullable,
                    info,
                };
            }
            SchemaKind::AllOf { .. } => {
                match self.inline(s, |sp| sp.object_or_enum(s, cx), cx) {
                    Some(id) => TypeRef::Named(id),
                    None => {
                        self.warn("untyped-all-of", &cx.pointer, "`allOf` of schemas that are not all objects; mapped to serde_json::Value".to_owned());
                        TypeRef::Json
                    }
                }
            }
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => {
                match self.inline(s, |sp| sp.object_or_enum(s, cx), cx) {
                    Some(id) => TypeRef::Named(id),
                    None => {
                        self.warn(
                            "untyped-union",
                            &cx.pointer,
                            format!(
                                "a union of {} schemas without a usable discriminator; mapped to serde_json::Value",
                                branches.len()
                            ),
                        );
                        TypeRef::Json
                    }
                }
            }
            SchemaKind::Not { .. } => {
                self.warn(
                    "untyped-not",
                    &cx.pointer,
                    "`not` cannot be expressed in Rust types; mapped to serde_json::Value"
                        .to_owned(),
                );
                TypeRef::Json
            }
            SchemaKind::Any(any) => self.any_type(s, any, cx),
        };
        Typed { ty, nullable, info }
    }

    fn inline_struct(&mut self, s: &Schema, cx: &Cx) -> TypeRef {
        match self.inline(s, |sp| sp.object_or_enum(s, cx), cx) {
            Some(id) => TypeRef::Named(id),
            None => TypeRef::JsonObject,
        }
    }

    fn map_type(&mut self, additional: Option<&AdditionalProperties>, cx: &Cx) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(v)) => {
                let t = self.type_of(v, &cx.item("additionalProperties"));
                if t.ty == TypeRef::Json {
                    TypeRef::JsonObject
                } else {
                    TypeRef::Map(Box::new(t.ty), t.nullable)
                }
            }
            _ => TypeRef::JsonObject,
        }
    }

    fn array_type(&mut self, items: Option<&ReferenceOr<Schema>>, cx: &Cx) -> TypeRef {
        match items {
            None => TypeRef::Vec(Box::new(TypeRef::Json), false),
            Some(items) => {
                let t = self.type_of(items, &cx.item("items"));
                let nullable = t.nullable && t.ty_is_not_json();
                TypeRef::Vec(Box::new(t.ty), nullable)
            }
        }
    }

    /// Schemas `openapiv3` could not classify (mixed keywords): read by their fields.
    fn any_type(&mut self, s: &Schema, any: &AnySchema, cx: &Cx) -> TypeRef {
        let typ = any.typ.as_deref();
        if !any.properties.is_empty() && typ.is_none_or(|t| t == "object") {
            return self.inline_struct(s, cx);
        }
        match typ {
            Some("string") if !any.enumeration.is_empty() => {
                let values: Vec<String> = any
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                if values.len() == any.enumeration.len() {
                    let enum_kind = DefKind::Enum {
                        variants: values
                            .into_iter()
                            .map(|wire| Variant {
                                wire,
                                rust: String::new(),
                            })
                            .collect(),
                    };
                    return match self.inline(s, |_| Some(enum_kind), cx) {
                        Some(id) => TypeRef::Named(id),
                        None => TypeRef::String,
                    };
                }
                TypeRef::String
            }
            Some("string") => TypeRef::String,
            Some("integer") => int_type(any.format.as_deref()),
            Some("number") => {
                if any.format.as_deref() == Some("float") {
                    TypeRef::F32
                } else {
                    TypeRef::F64
                }
            }
            Some("boolean") => TypeRef::Bool,
            Some("object") => self.map_type(any.additional_properties.as_ref(), cx),
            Some("array") => self.array_type(any.items.as_ref().map(unbox).as_ref(), cx),
            _ => TypeRef::Json,
        }
    }

    /// Makes field `wire` of struct `id` any JSON value (documented as checked by the client).
    pub fn loosen_field(&mut self, id: TypeId, wire: &str) {
        if let DefKind::Struct { fields, .. } = &mut self.defs[id.0].kind {
            if let Some(f) = fields.iter_mut().find(|f| f.wire == wire) {
                f.ty = TypeRef::Json;
                f.nullable = false;
                if f.info.description.is_none() {
                    f.info.description =
                        Some("Errors the server reports in the answer.".to_owned());
                }
                f.info.constraints.push(
                    "checked by the client: a non-empty value makes the call fail with an API error".to_owned(),
                );
            }
        }
    }

    /// Marks the types reachable from `ty` as used in requests or responses.
    pub fn mark(&mut self, ty: &TypeRef, request: bool) {
        let mut stack = vec![ty.clone()];
        let mut seen = BTreeSet::new();
        while let Some(t) = stack.pop() {
            match t {
                TypeRef::Vec(inner, _) | TypeRef::Map(inner, _) => stack.push(*inner),
                TypeRef::Named(id) => {
                    if !seen.insert(id) {
                        continue;
                    }
                    let def = &mut self.defs[id.0];
                    if request {
                        def.in_request = true
                    } else {
                        def.in_response = true
                    }
                    match &def.kind {
                        DefKind::Struct { fields, additional } => {
                            stack.extend(fields.iter().map(|f| f.ty.clone()));
                            if let Some((a, _)) = additional {
                                stack.push(a.clone());
                            }
                        }
                        DefKind::Alias(a) => stack.push(a.clone()),
                        DefKind::Tagged { variants, .. } => {
                            stack.extend(variants.iter().map(|v| TypeRef::Named(v.2)))
                        }
                        DefKind::Enum { .. } => {}
                    }
                }
                _ => {}
            }
        }
    }

    /// The naming pass and the recursion check; call once, after every schema was mapped.
    pub fn finish(&mut self) {
        // Prelude names are never given to a type: generated code uses them unqualified.
        let mut taken: BTreeSet<String> = PRELUDE_TYPES.iter().map(|s| (*s).to_owned()).collect();
        // Components first: they keep their names (but for prelude names, which get `Schema`).
        let mut renamed = Vec::new();
        for def in self.defs.iter_mut().filter(|d| d.component) {
            if let Some(p) = &def.pinned {
                def.name = sanitize(p, Case::Pascal);
            }
            if PRELUDE_TYPES.contains(&def.name.as_str()) {
                renamed.push((def.origin.clone(), def.name.clone()));
                def.name = format!("{}Schema", def.name);
            }
            def.name = unique(&def.name, &mut taken);
        }
        for (at, name) in renamed {
            self.warn(
                "renamed-type",
                &at,
                format!("component `{name}` is called `{name}Schema` in Rust: `{name}` is a name of the Rust prelude (pin another with `x-rust-type-name`)"),
            );
        }
        // Pinned inline names next, then the rest by depth (shortest context first).
        let mut inline: Vec<usize> = (0..self.defs.len())
            .filter(|&i| !self.defs[i].component)
            .collect();
        inline.sort_by_key(|&i| {
            let d = &self.defs[i];
            (
                d.pinned.is_none(),
                d.contexts.iter().map(|c| c.segs.len()).min().unwrap_or(0),
                i,
            )
        });
        for i in inline {
            let name = self.choose_name(i, &taken);
            self.defs[i].name = unique(&name, &mut taken);
        }
        for def in &mut self.defs {
            name_members(def);
        }
        self.box_recursive_fields();
    }

    fn choose_name(&self, i: usize, taken: &BTreeSet<String>) -> String {
        let def = &self.defs[i];
        if let Some(p) = &def.pinned {
            return sanitize(p, Case::Pascal);
        }
        let mut contexts = def.contexts.clone();
        contexts.sort();
        let Some(first) = contexts.first() else {
            return "Value".to_owned();
        };
        if let Some(title) = &def.info.title {
            let last = first
                .segs
                .iter()
                .rev()
                .find(|s| *s != "[]")
                .cloned()
                .unwrap_or_default();
            let meaningful =
                squash(title) != squash(&last) && squash(title) != squash(&singular(&last));
            let name = sanitize(title, Case::Pascal);
            if meaningful && !taken.contains(&name) && !name.starts_with("r#") {
                return name;
            }
        }
        let prefixes: BTreeSet<&str> = contexts.iter().map(|c| c.prefix.as_str()).collect();
        let shared = prefixes.len() > 1;
        let mut candidates = first.candidates(!shared);
        if shared {
            candidates.extend(first.candidates(true));
        }
        candidates
            .iter()
            .find(|c| !taken.contains(*c))
            .cloned()
            .unwrap_or_else(|| {
                candidates
                    .last()
                    .cloned()
                    .unwrap_or_else(|| "Value".to_owned())
            })
    }

    /// Fields whose type contains the struct itself without a container in between.
    fn box_recursive_fields(&mut self) {
        let direct_edges = |space: &TypeSpace, id: TypeId| -> Vec<TypeId> {
            match &space.defs[id.0].kind {
                DefKind::Struct { fields, .. } => fields
                    .iter()
                    .filter_map(|f| {
                        if let TypeRef::Named(t) = f.ty {
                            Some(t)
                        } else {
                            None
                        }
                    })
                    .collect(),
                DefKind::Alias(TypeRef::Named(t)) => vec![*t],
                DefKind::Tagged { variants, .. } => variants.iter().map(|v| v.2).collect(),
                _ => Vec::new(),
            }
        };
        for i in 0..self.defs.len() {
            let DefKind::Struct { fields, .. } = &self.defs[i].kind else {
                continue;
            };
            let mut to_box = Vec::new();
            for (fi, f) in fields.iter().enumerate() {
                let TypeRef::Named(start) = f.ty else {
                    continue;
                };
                // Can `start` reach `i` through direct edges?
                let mut stack = vec![start];
                let mut seen = BTreeSet::new();
                while let Some(t) = stack.pop() {
                    if t.0 == i {
                        to_box.push(fi);
                        break;
                    }
                    if seen.insert(t) {
                        stack.extend(direct_edges(self, t));
                    }
                }
            }
            if let DefKind::Struct { fields, .. } = &mut self.defs[i].kind {
                for fi in to_box {
                    fields[fi].boxed = true;
                }
            }
        }
    }
}

impl Typed {
    fn ty_is_not_json(&self) -> bool {
        self.ty != TypeRef::Json
    }
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Rust names of fields and variants, unique within their type.
fn name_members(def: &mut TypeDef) {
    match &mut def.kind {
        DefKind::Struct { fields, additional } => {
            let mut taken = BTreeSet::new();
            if additional.is_some() {
                taken.insert("additional_properties".to_owned());
            }
            for f in fields {
                f.rust = unique(&sanitize(&f.wire, Case::Snake), &mut taken);
            }
        }
        DefKind::Enum { variants } => {
            let mut taken = BTreeSet::new();
            taken.insert("Unknown".to_owned());
            for v in variants {
                let base = if v.wire.is_empty() {
                    "Empty".to_owned()
                } else {
                    sanitize(&v.wire, Case::Pascal)
                };
                v.rust = unique(base.trim_start_matches("r#"), &mut taken);
            }
        }
        _ => {}
    }
}

fn unbox(s: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match s {
        ReferenceOr::Item(b) => ReferenceOr::Item((**b).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

fn pinned_name(data: &SchemaData) -> Option<String> {
    data.extensions
        .get("x-rust-type-name")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn format_str<T: std::fmt::Debug>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        // Known formats (`int32`, `float`, ...) come as variants: their Debug name, lowered.
        VariantOrUnknownOrEmpty::Item(v) => Some(format!("{v:?}").to_ascii_lowercase()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn int_type(format: Option<&str>) -> TypeRef {
    match format {
        Some("int32") => TypeRef::I32,
        Some("uint32") => TypeRef::U32,
        Some("uint64") => TypeRef::U64,
        _ => TypeRef::I64,
    }
}

/// Annotations of a schema: description, default, constraints.
fn info_of(data: &SchemaData, s: &Schema) -> SchemaInfo {
    let mut info = SchemaInfo {
        title: data.title.clone(),
        description: data.description.clone(),
        default: data.default.clone(),
        deprecated: data.deprecated,
        read_only: data.read_only,
        write_only: data.write_only,
        constraints: Vec::new(),
        allowed: Vec::new(),
        minimum: match &s.schema_kind {
            SchemaKind::Type(Type::Integer(it)) => it.minimum.map(|m| m as f64),
            SchemaKind::Type(Type::Number(nt)) => nt.minimum,
            _ => None,
        },
    };
    let c = &mut info.constraints;
    match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => {
            match &st.format {
                VariantOrUnknownOrEmpty::Item(f) => {
                    c.push(format!("format: `{}`", string_format(f)))
                }
                VariantOrUnknownOrEmpty::Unknown(f) => c.push(format!("format: `{f}`")),
                VariantOrUnknownOrEmpty::Empty => {}
            }
            if let Some(p) = &st.pattern {
                c.push(format!("pattern: `{p}`"));
            }
            bounds(
                c,
                "length",
                st.min_length.map(|v| v.to_string()),
                st.max_length.map(|v| v.to_string()),
                false,
                false,
            );
        }
        SchemaKind::Type(Type::Integer(it)) => {
            bounds(
                c,
                "value",
                it.minimum.map(|v| v.to_string()),
                it.maximum.map(|v| v.to_string()),
                it.exclusive_minimum,
                it.exclusive_maximum,
            );
            if let Some(m) = it.multiple_of {
                c.push(format!("multiple of {m}"));
            }
        }
        SchemaKind::Type(Type::Number(nt)) => {
            bounds(
                c,
                "value",
                nt.minimum.map(|v| v.to_string()),
                nt.maximum.map(|v| v.to_string()),
                nt.exclusive_minimum,
                nt.exclusive_maximum,
            );
        }
        SchemaKind::Type(Type::Array(at)) => {
            bounds(
                c,
                "items",
                at.min_items.map(|v| v.to_string()),
                at.max_items.map(|v| v.to_string()),
                false,
                false,
            );
            if at.unique_items {
                c.push("items are unique".to_owned());
            }
        }
        _ => {}
    }
    info
}

fn string_format(f: &StringFormat) -> &'static str {
    match f {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    }
}

fn bounds(
    out: &mut Vec<String>,
    what: &str,
    min: Option<String>,
    max: Option<String>,
    xmin: bool,
    xmax: bool,
) {
    let lo = if xmin { "<" } else { "≤" };
    let hi = if xmax { "<" } else { "≤" };
    match (min, max) {
        (Some(a), Some(b)) => out.push(format!("{a} {lo} {what} {hi} {b}")),
        (Some(a), None) => out.push(format!("{what} {} {a}", if xmin { ">" } else { "≥" })),
        (None, Some(b)) => out.push(format!("{what} {hi} {b}")),
        (None, None) => {}
    }
}

/// Outer annotations win; the inner ones fill the gaps.
fn merge_info(outer: &mut SchemaInfo, inner: SchemaInfo) {
    if outer.description.is_none() {
        outer.description = inner.description;
    }
    if outer.default.is_none() {
        outer.default = inner.default;
    }
    if outer.title.is_none() {
        outer.title = inner.title;
    }
    outer.deprecated |= inner.deprecated;
    if outer.constraints.is_empty() {
        outer.constraints = inner.constraints;
    }
}

/// `Pascal` name of an arbitrary string (used for operation prefixes).
pub fn pascal(s: &str) -> String {
    s.to_pascal_case()
}
