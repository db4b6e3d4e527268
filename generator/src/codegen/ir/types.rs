//! The type registry of the IR: how the document's schemas map to Rust type shapes.
//!
//! Schemas become [`TypeRef`]s. Named components and inline objects and enums become entries
//! of the [`TypeSpace`], keyed by [`TypeId`]. Inline types are deduplicated (identical schemas
//! under the same name share one type) and remember every context they appear in ([`Cx`]):
//! the naming pass (`codegen::naming`) names them from those contexts once every operation is
//! named. This module decides shapes only — no Rust names, no representation choices.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat,
    Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

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

/// A variant of a tagged union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedVariant {
    /// The discriminator value.
    pub tag: String,
    /// The referenced component's name in the document.
    pub component: String,
    /// The Rust variant name (set by the naming pass).
    pub rust: String,
    /// The payload type.
    pub payload: TypeId,
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
        /// The variants, in document order.
        variants: Vec<TaggedVariant>,
    },
}

/// One generated type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name (set by the naming pass).
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
    /// The contexts it was seen in (for naming and docs).
    pub contexts: Vec<Cx>,
    /// A pinned name (`x-rust-type-name`).
    pub pinned: Option<String>,
}

impl TypeDef {
    /// Whether any field is required (so the type has no `Default`).
    pub fn has_required_fields(&self) -> bool {
        match &self.kind {
            DefKind::Struct { fields, .. } => fields.iter().any(|f| f.required),
            _ => false,
        }
    }
}

/// What a naming context hangs from: a component schema or an operation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CxRoot {
    /// A component schema, by its name in the document.
    Component(String),
    /// An operation, by its index in the IR's operation list.
    Op(usize),
}

/// The context of an inline schema: what it hangs from and the path below it. Names and the
/// stable keys of inline types are derived from contexts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cx {
    /// The component or operation.
    pub root: CxRoot,
    /// Path segments: below an operation, first a role (`Request`, `Response`, `Error`,
    /// `Error404`, `Event`, or a parameter name), then property names, and `[]` for array
    /// items / map values. Below a component, property names and `[]` only.
    pub segs: Vec<String>,
    /// Where the schema is (for messages).
    pub pointer: Pointer,
}

impl Cx {
    /// A root context below operation `op`.
    pub fn op(op: usize, role: &str, pointer: Pointer) -> Cx {
        Cx {
            root: CxRoot::Op(op),
            segs: vec![role.to_owned()],
            pointer,
        }
    }

    /// Whether the root is a component.
    pub fn is_component(&self) -> bool {
        matches!(self.root, CxRoot::Component(_))
    }

    /// The context of property `name` below this one.
    pub fn with_prop(&self, name: &str) -> Cx {
        self.prop(name)
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
                name: String::new(),
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
                root: CxRoot::Component(name.clone()),
                segs: Vec::new(),
                pointer: space.defs[id.0].origin.clone(),
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

    /// An enum of `values`, each once: a value listed again is dropped with a warning (the
    /// document says the same thing twice; two variants would match the same text).
    fn enum_kind(&mut self, values: Vec<String>, cx: &Cx) -> DefKind {
        let mut variants: Vec<Variant> = Vec::new();
        let mut repeated: Vec<String> = Vec::new();
        for wire in values {
            if variants.iter().any(|v| v.wire == wire) {
                if !repeated.contains(&wire) {
                    repeated.push(wire);
                }
                continue;
            }
            variants.push(Variant {
                wire,
                rust: String::new(),
            });
        }
        if !repeated.is_empty() {
            let list: Vec<String> = repeated.iter().map(|w| format!("{w:?}")).collect();
            self.warn(
                "duplicate-enum-value",
                &cx.pointer.push("enum"),
                format!(
                    "the enum lists {} more than once; each value becomes one variant",
                    list.join(", ")
                ),
            );
        }
        DefKind::Enum { variants }
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
                Some(self.enum_kind(values, cx))
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
            let schema = self.resolve_schema(part)?;
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
            variants.push(TaggedVariant {
                tag,
                component: short,
                rust: String::new(),
                payload: id,
            });
        }
        let _ = cx;
        Some(DefKind::Tagged {
            tag: disc.property_name.clone(),
            variants,
        })
    }

    /// The schema behind a chain of component references (`None` for a dangling one or a
    /// cycle).
    pub fn resolve_schema(&self, s: &ReferenceOr<Schema>) -> Option<Schema> {
        crate::refs::follow_component(
            s,
            &Pointer::root(),
            crate::refs::ComponentKind::Schema,
            Some(&self.components),
        )
        .ok()
        .cloned()
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
                    let enum_kind = self.enum_kind(values, cx);
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

    /// Every type reachable from `roots`, each once, in discovery order.
    pub fn reachable(&self, roots: Vec<TypeRef>) -> Vec<TypeId> {
        let mut stack = roots;
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        while let Some(t) = stack.pop() {
            match t {
                TypeRef::Vec(inner, _) | TypeRef::Map(inner, _) => stack.push(*inner),
                TypeRef::Named(id) => {
                    if !seen.insert(id) {
                        continue;
                    }
                    out.push(id);
                    match &self.defs[id.0].kind {
                        DefKind::Struct { fields, additional } => {
                            stack.extend(fields.iter().map(|f| f.ty.clone()));
                            if let Some((a, _)) = additional {
                                stack.push(a.clone());
                            }
                        }
                        DefKind::Alias(a) => stack.push(a.clone()),
                        DefKind::Tagged { variants, .. } => {
                            stack.extend(variants.iter().map(|v| TypeRef::Named(v.payload)))
                        }
                        DefKind::Enum { .. } => {}
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Marks the types reachable from `ty` as used in requests or responses.
    pub fn mark(&mut self, ty: &TypeRef, request: bool) {
        for id in self.reachable(vec![ty.clone()]) {
            let def = &mut self.defs[id.0];
            if request {
                def.in_request = true;
            } else {
                def.in_response = true;
            }
        }
    }

    /// Sets the Rust names the naming pass decided: `names[id]` per type, and member names.
    pub fn set_names(&mut self, names: Vec<String>, members: impl Fn(&mut TypeDef)) {
        for (def, name) in self.defs.iter_mut().zip(names) {
            def.name = name;
            members(def);
        }
    }

    /// Marks fields whose type contains the struct itself without a container in between
    /// (they are boxed). Call once, after every schema was mapped.
    pub fn box_recursive_fields(&mut self) {
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
                DefKind::Tagged { variants, .. } => variants.iter().map(|v| v.payload).collect(),
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
