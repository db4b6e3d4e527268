//! The resolved model: every decision about the generated Rust API, taken once.
//!
//! The IR (`codegen::ir`) says what the document says; the naming pass (`codegen::naming`)
//! names it; this module decides everything else — how each field is represented and
//! (de)serialized, which traits each type derives, what its constructor takes, which
//! arguments an operation takes by position and which by setter, with their exact Rust types,
//! how the body is held and sent, what `send()` returns, how pagination reads which fields,
//! how streaming is switched on. The emitter (`codegen::emit`) prints a [`Model`] and decides
//! nothing; the API listing and the impact report (`codegen::surface`, `impact`) read the same
//! model, so they report exactly what is printed.
//!
//! In the spirit of typify's `TypeEntry` ([`TypeEntry`], [`FieldDef`]) and progenitor's
//! `OperationMethod` ([`Operation`]).

pub mod mock;
mod ops;
pub mod paging;
pub mod rust;
mod streaming;
mod types;

use std::collections::BTreeSet;

pub use rust::{ArgType, PrintCx, RustType};

use super::CodegenSettings;
use super::ir::Ir;
use super::naming::Names;
use crate::diag::Diagnostics;
use crate::overrides::GeneratorSettings;
use crate::pointer::Pointer;

/// Index of a type in [`Model::types`] (the same index as in the IR's type registry).
pub use super::ir::types::TypeId;

/// The whole generated API.
#[derive(Debug, Clone)]
pub struct Model {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Every type, by [`TypeId`].
    pub types: Vec<TypeEntry>,
    /// Resources (one module and handle each), in document tag order.
    pub resources: Vec<Resource>,
    /// Whether every resource is a cargo feature (types are gated by the features of the
    /// resources that use them).
    pub resource_features: bool,
    /// Warnings and errors of model resolution.
    pub diags: Diagnostics,
}

impl Model {
    /// The type with this id.
    pub fn ty(&self, id: TypeId) -> &TypeEntry {
        &self.types[id.0]
    }

    /// Type names by id, for printing.
    pub fn type_names(&self) -> Vec<String> {
        self.types.iter().map(|t| t.name.clone()).collect()
    }

    /// Every operation with its resource.
    pub fn operations(&self) -> impl Iterator<Item = (&Resource, &Operation)> {
        self.resources
            .iter()
            .flat_map(|r| r.ops.iter().map(move |op| (r, op)))
    }

    /// The cargo features that gate a type (empty: not gated).
    pub fn type_features(&self, id: TypeId) -> Vec<&str> {
        if !self.resource_features {
            return Vec::new();
        }
        let users = &self.types[id.0].used_by;
        if users.is_empty() || users.len() == self.resources.len() {
            return Vec::new();
        }
        users
            .iter()
            .filter_map(|&r| self.resources.get(r).map(|r| r.module.as_str()))
            .collect()
    }
}

/// Which way a type travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Direction {
    /// Reachable from a request (parameter or body): the client serializes it.
    pub request: bool,
    /// Reachable from a response (success, event or error body): the client deserializes it.
    pub response: bool,
}

/// Whether a serde trait is derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    /// Always.
    Always,
    /// Only with the crate's `full-serde` feature (the other direction's trait).
    WithFullSerde,
}

/// One generated type.
#[derive(Debug, Clone)]
pub struct TypeEntry {
    /// The Rust name.
    pub name: String,
    /// Its stable key in `spec/api.lock`.
    pub key: String,
    /// Former names, kept as deprecated aliases.
    pub aliases: Vec<String>,
    /// Where it is defined in the merged document.
    pub origin: Pointer,
    /// The doc comment (may be empty: no filler).
    pub docs: String,
    /// Deprecated by the API.
    pub deprecated: bool,
    /// Which way it travels.
    pub direction: Direction,
    /// Resources (indices into [`Model::resources`]) whose operations reach it.
    pub used_by: BTreeSet<usize>,
    /// What it is.
    pub kind: TypeKind,
}

/// What a generated type is.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(StructDef),
    /// An open string enum.
    Enum(EnumDef),
    /// A type alias.
    Alias(RustType),
    /// An internally tagged union.
    Union(UnionDef),
}

/// A struct.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// The fields, in schema order.
    pub fields: Vec<FieldDef>,
    /// Extra properties (`additionalProperties`): the value type, flattened into a map field
    /// `additional_properties`.
    pub additional: Option<RustType>,
    /// A container-level `#[serde(rename_all = "..")]` that spells every wire name.
    pub rename_all: Option<&'static str>,
    /// `Serialize` and `Deserialize`.
    pub serialize: Derive,
    /// See [`StructDef::serialize`].
    pub deserialize: Derive,
    /// How `Default` is provided.
    pub default: DefaultImpl,
    /// The constructor `new`.
    pub constructor: Constructor,
    /// Chainable setters for the optional fields (types that callers build).
    pub setters: bool,
    /// `#[non_exhaustive]`.
    pub non_exhaustive: bool,
}

/// How a struct gets `Default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultImpl {
    /// None (a field is required).
    None,
    /// `#[derive(Default)]`.
    Derive,
    /// A written `impl Default` (a field has a non-trivial schema default).
    Custom,
}

/// The constructor of a struct.
#[derive(Debug, Clone)]
pub struct Constructor {
    /// The required fields, in order, with how each is taken.
    pub args: Vec<CtorArg>,
    /// When set, `new` takes one struct of this name holding the required fields by name
    /// (many required fields, or adjacent ones of the same type, would be easy to swap).
    pub required_struct: Option<String>,
    /// Former names of the required-fields struct (the type was renamed), kept as deprecated
    /// aliases.
    pub required_aliases: Vec<String>,
    /// The doc comment.
    pub docs: String,
}

/// A constructor argument: a required field.
#[derive(Debug, Clone)]
pub struct CtorArg {
    /// Index of the field.
    pub field: usize,
    /// How the value is taken.
    pub input: ArgType,
    /// The type of the field in the required-fields struct.
    pub plain: RustType,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// The wire name.
    pub wire: String,
    /// The Rust name (may be raw).
    pub rust: String,
    /// How presence and null are represented.
    pub state: FieldState,
    /// The value type (without `Option`, `Nullable`, `Box`).
    pub value: RustType,
    /// Whether the value is boxed (a recursive type).
    pub boxed: bool,
    /// The declared type of the field.
    pub ty: RustType,
    /// The serde attribute's parts.
    pub serde: Vec<SerdeAttr>,
    /// The value when absent, for [`FieldState::Defaulted`].
    pub default: Option<DefaultValue>,
    /// How setters and constructors take a value.
    pub input: ArgType,
    /// The chainable setter's names, for types with setters (optional fields only).
    pub setter: Option<SetterNames>,
    /// The doc comment.
    pub docs: String,
}

/// The names of a struct field's chainable setters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetterNames {
    /// The setter (`message`).
    pub set: String,
    /// The setter sending `null` (`title_null`), for [`FieldState::OptionalNullable`].
    pub null: Option<String>,
}

/// How a field's presence and `null` are represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FieldState {
    /// `T`: required, non-null.
    Required,
    /// `Option<T>` that must be present on the wire; `None` is `null`.
    RequiredNullable,
    /// `Option<T>`, skipped when `None`.
    Optional,
    /// `Nullable<T>`: absent, `null` or a value (request fields).
    OptionalNullable,
    /// `T` with the schema default applied when absent (response fields).
    Defaulted,
}

impl FieldState {
    /// The state in words, for reports.
    pub fn describe(self) -> &'static str {
        match self {
            FieldState::Required => "required",
            FieldState::RequiredNullable => "required nullable",
            FieldState::Optional => "optional",
            FieldState::OptionalNullable => "optional nullable",
            FieldState::Defaulted => "defaulted",
        }
    }

    /// Whether the field is a constructor argument.
    pub fn is_required(self) -> bool {
        matches!(self, FieldState::Required | FieldState::RequiredNullable)
    }
}

/// One part of a field's `#[serde(..)]` attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SerdeAttr {
    /// `rename = "wire"`.
    Rename(String),
    /// `default`.
    Default,
    /// `default = "path"`.
    DefaultFn(String),
    /// `skip_serializing_if = "path"`.
    SkipIf(String),
    /// `deserialize_with = "path"`.
    DeserializeWith(String),
    /// `flatten`.
    Flatten,
}

/// A schema default as a Rust value of the field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// `true` / `false`.
    Bool(bool),
    /// An integer of the field's width.
    Int(i128),
    /// A float.
    Float(f64),
    /// A `String`.
    Str(String),
    /// An open enum value (`From<&str>`).
    Enum(String),
    /// An empty `Vec`.
    EmptyVec,
}

impl DefaultValue {
    /// Whether the value equals `Default::default()` of the field's type.
    pub fn is_trivial(&self) -> bool {
        match self {
            DefaultValue::Bool(b) => !b,
            DefaultValue::Int(n) => *n == 0,
            DefaultValue::Float(f) => *f == 0.0,
            DefaultValue::Str(s) => s.is_empty(),
            DefaultValue::Enum(_) => false,
            DefaultValue::EmptyVec => true,
        }
    }
}

/// An open string enum.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// The known values.
    pub variants: Vec<EnumVariant>,
}

/// A known value of an open enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// The wire value.
    pub wire: String,
    /// The Rust variant name.
    pub rust: String,
}

/// An internally tagged union.
#[derive(Debug, Clone)]
pub struct UnionDef {
    /// The discriminator property.
    pub tag: String,
    /// The variants.
    pub variants: Vec<UnionVariant>,
    /// `Serialize`.
    pub serialize: Derive,
    /// `Deserialize`.
    pub deserialize: Derive,
}

/// A variant of a tagged union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionVariant {
    /// The discriminator value.
    pub tag: String,
    /// The Rust variant name.
    pub rust: String,
    /// The payload type.
    pub payload: TypeId,
}

/// A resource: one module, one handle, the operations of one tag.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The tag.
    pub tag: String,
    /// Module name, and cargo feature when resources are features.
    pub module: String,
    /// Handle type.
    pub handle: String,
    /// Accessor on the client.
    pub accessor: String,
    /// The module's doc comment.
    pub docs: String,
    /// Former module names, kept as deprecated aliases.
    pub aliases: Vec<String>,
    /// Operations, in path order.
    pub ops: Vec<Operation>,
}

/// One operation: a method on its resource handle and a request builder.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `GET /path/{param}`.
    pub key: String,
    /// The operationId, if any.
    pub operation_id: Option<String>,
    /// `GET`.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The method on the handle (may be raw).
    pub name: String,
    /// The request builder type.
    pub builder: String,
    /// Former method names, kept as deprecated aliases.
    pub method_aliases: Vec<String>,
    /// Former builder names, kept as deprecated aliases.
    pub builder_aliases: Vec<String>,
    /// The label of the tracing span and errors (`conversations.list`).
    pub label: String,
    /// Summary, description and deprecation, as documented.
    pub summary: Option<String>,
    /// See [`Operation::summary`].
    pub description: Option<String>,
    /// See [`Operation::summary`].
    pub deprecated: bool,
    /// Path, query and header parameters, with their builder fields.
    pub params: Vec<ParamDef>,
    /// The positional arguments of the handle method (and of the builder's constructor).
    pub args: Vec<Arg>,
    /// How the builder holds and sends the body.
    pub body: BodyPlan,
    /// A JSON media type other than `application/json` the body is documented with, sent as
    /// `Content-Type`.
    pub json_content_type: Option<String>,
    /// The builder's setters.
    pub setters: Vec<Setter>,
    /// For a body of fields, the member name of each field (by field index): the setter or
    /// argument name the client uses for it.
    pub body_members: Vec<String>,
    /// What a successful answer is.
    pub answer: AnswerPlan,
    /// What `send()` returns (inside `Result`).
    pub output: RustType,
    /// Typed error bodies.
    pub errors: Vec<ErrorDef>,
    /// The arms of the match from an error status to its body type: exact codes first, then
    /// ranges, then `default` alone in the last arm, so no arm hides a later one.
    pub error_arms: Vec<ErrorArm>,
    /// A 2xx body field that, when not empty, makes the call fail.
    pub envelope: Option<String>,
    /// Pagination, resolved to the builder's and the response's fields.
    pub paging: Option<PagingPlan>,
    /// Streaming, resolved to the body field and values that switch it on.
    pub streaming: Option<StreamPlan>,
    /// What the mock server checks the operation against.
    pub mock: MockFacts,
    /// The operation's typed rule on the mock server.
    pub mock_rule: mock::MockRule,
    /// Where it is in the merged document.
    pub pointer: Pointer,
}

/// The facts of an operation `alli_api::mock` checks against the document: JSON pointers
/// (RFC 6901, without `#`) of the schemas the client sends and reads, and the statuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockFacts {
    /// The JSON request body's schema.
    pub request_body: Option<String>,
    /// The lowest documented 2xx (200 for a range or `default`).
    pub success_status: u16,
    /// The media type of the success the client reads, when it has content.
    pub success_media_type: Option<String>,
    /// That media type's schema.
    pub success_schema: Option<String>,
    /// Documented statuses of 300 and above, ascending.
    pub error_statuses: Vec<u16>,
}

/// Where a parameter goes.
pub use super::ir::ops::ParamIn;
/// How a parameter is serialized.
pub use super::ir::ops::ParamStyle;

/// A parameter and its builder field.
#[derive(Debug, Clone)]
pub struct ParamDef {
    /// The wire name.
    pub wire: String,
    /// The builder field and method name (may be raw).
    pub rust: String,
    /// Where it goes.
    pub location: ParamIn,
    /// Required (a positional argument) or optional (a setter).
    pub required: bool,
    /// The value type.
    pub value: RustType,
    /// The builder field's type (`None`: an optional string header, held in the request
    /// options).
    pub field: Option<RustType>,
    /// How the value is serialized.
    pub style: ParamStyle,
    /// Whether arrays and objects are exploded.
    pub explode: bool,
    /// Whether reserved characters of a query value are sent as they are.
    pub allow_reserved: bool,
    /// The description.
    pub docs: Option<String>,
    /// Constraints and default, for docs.
    pub constraints: Vec<String>,
    /// The schema default, for docs.
    pub default: Option<serde_json::Value>,
    /// Deprecated.
    pub deprecated: bool,
}

/// A positional argument of an operation.
#[derive(Debug, Clone)]
pub struct Arg {
    /// The argument name.
    pub name: String,
    /// Its type.
    pub ty: ArgType,
    /// What it sets.
    pub target: ArgTarget,
    /// Docs (one line).
    pub docs: String,
}

/// What a positional argument sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgTarget {
    /// A required parameter (index into [`Operation::params`]).
    Param(usize),
    /// A required field of the body struct (index into its fields).
    BodyField(usize),
    /// The body struct's required-fields struct.
    RequiredStruct(String),
    /// The whole body.
    Body,
    /// A required property of a form or multipart body (index into its fields).
    FormField(usize),
}

/// How the builder holds and sends the request body.
#[derive(Debug, Clone)]
pub enum BodyPlan {
    /// No body.
    None,
    /// A JSON struct body whose fields are arguments and setters; `optional`: held as an
    /// `Option` (a body the API does not require) and sent only when a field was set.
    Fields {
        /// The struct.
        ty: TypeId,
        /// Whether the body is optional.
        optional: bool,
    },
    /// Any other JSON body: a required argument or an optional `body()` setter.
    Whole {
        /// The body type (an `Option` when `null` is a valid body).
        ty: RustType,
        /// Whether the body is optional.
        optional: bool,
    },
    /// A form (`application/x-www-form-urlencoded`, `multipart: false`) or multipart
    /// (`multipart/form-data`) body: one builder field per property, files as `FilePart`s.
    Form {
        /// The properties.
        fields: Vec<FormFieldDef>,
        /// Whether it is a multipart body.
        multipart: bool,
    },
    /// A body that is not JSON: bytes the caller encodes.
    Raw {
        /// The documented media type.
        content_type: String,
        /// Whether the API requires it.
        required: bool,
    },
}

/// A property of a form or multipart body, and its builder field.
#[derive(Debug, Clone)]
pub struct FormFieldDef {
    /// The wire name.
    pub wire: String,
    /// The builder field and setter name.
    pub rust: String,
    /// The value type (`FilePart`, `Vec<FilePart>`, or the property's type).
    pub value: RustType,
    /// Required (a positional argument) or optional (a setter).
    pub required: bool,
    /// Whether it is a file or list of files.
    pub file: bool,
    /// The part's documented content type.
    pub content_type: Option<String>,
    /// `encoding.style` and `explode`.
    pub style: Option<(ParamStyle, bool)>,
}

impl BodyPlan {
    /// The type of the builder's `body` field, if it has one.
    pub fn field_type(&self) -> Option<RustType> {
        match self {
            BodyPlan::None | BodyPlan::Raw { .. } | BodyPlan::Form { .. } => None,
            BodyPlan::Fields { ty, optional } => {
                let t = RustType::Named(*ty);
                Some(if *optional { t.option() } else { t })
            }
            BodyPlan::Whole { ty, optional } => Some(if *optional {
                ty.clone().option()
            } else {
                ty.clone()
            }),
        }
    }
}

/// A builder setter.
#[derive(Debug, Clone)]
pub struct Setter {
    /// The method name (may be raw).
    pub name: String,
    /// What it does.
    pub kind: SetterKind,
    /// The doc comment.
    pub docs: String,
}

/// What a builder setter does.
#[derive(Debug, Clone)]
pub enum SetterKind {
    /// Sets an optional query or path parameter (index into [`Operation::params`]).
    Param {
        /// The parameter.
        param: usize,
        /// The value it takes.
        input: ArgType,
    },
    /// Sends an optional string header parameter with this request (the runtime's
    /// `__header_param!` writes the setter and its `without_` twin).
    StringHeader {
        /// The parameter.
        param: usize,
        /// The `without_` method.
        without: String,
    },
    /// Sets a body field (index into the body struct's fields).
    BodyField {
        /// The field.
        field: usize,
        /// The value it takes.
        input: ArgType,
    },
    /// Sends `null` for an optional nullable body field.
    BodyFieldNull {
        /// The field.
        field: usize,
    },
    /// Replaces the whole body.
    Body {
        /// The body type.
        ty: RustType,
    },
    /// Sets a body the caller encodes.
    BodyBytes,
    /// Sets an optional property of a form or multipart body (index into its fields).
    FormField {
        /// The property.
        field: usize,
        /// The value it takes.
        input: ArgType,
    },
}

/// What a successful answer is.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerPlan {
    /// JSON decoded into the output type.
    Json,
    /// Nothing documented: `()`.
    Empty,
    /// Text (`text/*`) of this media type.
    Text(String),
    /// A binary answer of this media type, streamed (`Download`).
    Download(String),
    /// A stream of events of this media type.
    Events(String),
}

/// A typed error body.
#[derive(Debug, Clone)]
pub struct ErrorDef {
    /// `400`, `4XX` or `default`.
    pub statuses: Vec<String>,
    /// The body type.
    pub ty: RustType,
}

/// One arm of the match from an error status to its body type.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorArm {
    /// The statuses it matches (an or-pattern).
    pub statuses: Vec<StatusMatch>,
    /// The body type.
    pub ty: RustType,
}

/// A status pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One code (`404`).
    Code(u16),
    /// A range, inclusive (`4XX`: 400 to 499).
    Range(u16, u16),
    /// Any other status (`default`).
    Any,
}

/// Pagination, resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum PagingPlan {
    /// A cursor in, a cursor out, null at the end.
    Cursor {
        /// The builder field holding the cursor, and whether it is required.
        param: (String, bool),
        /// The response field holding the next cursor.
        next: FieldRead,
        /// A boolean response field saying whether more pages follow.
        has_more: Option<FieldRead>,
        /// The items.
        items: ItemsRead,
    },
    /// A page number in; the end is a short or empty page, or the total reached.
    PageNumber {
        /// The builder field holding the page number, whether it is required, its integer type.
        param: (String, bool, RustType),
        /// The builder field holding the page size, and whether it is required.
        size: Option<(String, bool)>,
        /// The page size when none is sent.
        default_size: Option<u64>,
        /// A response field holding the total number of items.
        total: Option<FieldRead>,
        /// The items.
        items: ItemsRead,
        /// The first page number.
        first: u64,
    },
}

impl PagingPlan {
    /// The items.
    pub fn items(&self) -> &ItemsRead {
        match self {
            PagingPlan::Cursor { items, .. } | PagingPlan::PageNumber { items, .. } => items,
        }
    }
}

/// A response field read by generated code.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRead {
    /// The Rust field name.
    pub field: String,
    /// Its representation.
    pub state: FieldState,
}

/// The array of items of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemsRead {
    /// The field.
    pub read: FieldRead,
    /// The item type.
    pub item: RustType,
    /// Whether items may be null (`Vec<Option<T>>`; nulls are skipped).
    pub nullable_items: bool,
}

/// Streaming, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamPlan {
    /// The wire name of the switching body property.
    pub property: String,
    /// The body struct field.
    pub field: FieldRead,
    /// Whether the body is held as an `Option`.
    pub body_optional: bool,
    /// The value selecting a stream, and the one selecting a background run (if any).
    pub stream: StreamValue,
    /// See [`StreamPlan::stream`].
    pub background: Option<StreamValue>,
    /// The type of one event.
    pub event: RustType,
}

/// A value of the streaming switch.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamValue {
    /// `true`.
    True,
    /// A variant of an open enum.
    Variant {
        /// The enum.
        ty: TypeId,
        /// The variant.
        variant: String,
        /// Its wire value.
        wire: String,
    },
}

/// Resolves the named IR into the model.
pub fn resolve(
    ir: &Ir,
    names: &Names,
    api_settings: &GeneratorSettings,
    settings: &CodegenSettings,
) -> Model {
    let mut diags = Diagnostics::new();
    let used_by = types::used_by(ir, names);
    let types = types::resolve(ir, names, &used_by, settings);
    let resources = ops::resolve(ir, names, &types, api_settings, settings, &mut diags);
    Model {
        title: ir.title.clone(),
        version: ir.version.clone(),
        types,
        resources,
        resource_features: settings.resource_features,
        diags,
    }
}

/// Test support: models of small documents.
#[cfg(test)]
pub(crate) mod testing {
    use serde_json::{Value, json};

    use super::{Model, Operation};
    use crate::codegen::CodegenSettings;
    use crate::diag::Diagnostics;
    use crate::overrides::GeneratorSettings;

    /// An OpenAPI 3.1 document with these paths and component schemas.
    pub(crate) fn doc(paths: Value, schemas: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1"},
            "paths": paths,
            "components": {"schemas": schemas},
        })
    }

    /// The model of `doc` with the default settings, and the diagnostics of resolving it.
    pub(crate) fn model(doc: &Value, api: &GeneratorSettings) -> (Model, Diagnostics) {
        let resolved = crate::codegen::resolve(
            doc,
            api,
            &CodegenSettings::default(),
            &crate::codegen::Pins::default(),
        )
        .expect("the document reads");
        (resolved.model, resolved.diags)
    }

    /// The operation with this key (`GET /x`).
    pub(crate) fn op<'a>(model: &'a Model, key: &str) -> &'a Operation {
        model
            .operations()
            .map(|(_, op)| op)
            .find(|op| op.key == key)
            .unwrap_or_else(|| panic!("no operation {key}"))
    }
}
