//! Emission: the IR → Rust modules (`quote!`), formatted with prettyplease.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::doc::{self, code, paragraphs};
use super::naming::{Case, sanitize, unique};
use super::ops::{
    Answer, Api, Op, Paging, ParamIn, RESERVED_METHODS, Resource, struct_field, struct_of,
};
use super::types::{DefKind, Field, TypeDef, TypeId, TypeRef, TypeSpace, Typed};
use super::{ClientAccessors, CodegenSettings};

/// An identifier from a name that may be raw (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `name: value`, or just `name` when the value is that same identifier.
fn init(name: &Ident, value: &TokenStream) -> TokenStream {
    if *name == value.to_string() {
        quote!(#name)
    } else {
        quote!(#name: #value)
    }
}

fn path(text: &str) -> TokenStream {
    text.parse().unwrap_or_else(|_| quote!(crate))
}

/// Emission context.
struct Ctx<'a> {
    api: &'a Api,
    space: &'a TypeSpace,
    settings: &'a CodegenSettings,
    /// Runtime path tokens (`crate`, `alli_api`).
    rt: TokenStream,
}

impl Ctx<'_> {
    /// Tokens of a type; `types` is the path prefix of generated types (empty inside
    /// `types.rs`, `super::types::` elsewhere).
    fn ty(&self, t: &TypeRef, types: &TokenStream) -> TokenStream {
        let rt = &self.rt;
        match t {
            TypeRef::Named(id) => {
                let name = ident(&self.space.get(*id).name);
                quote!(#types #name)
            }
            TypeRef::String => quote!(String),
            TypeRef::Bool => quote!(bool),
            TypeRef::I32 => quote!(i32),
            TypeRef::I64 => quote!(i64),
            TypeRef::U32 => quote!(u32),
            TypeRef::U64 => quote!(u64),
            TypeRef::F32 => quote!(f32),
            TypeRef::F64 => quote!(f64),
            TypeRef::Json => quote!(#rt::serde_json::Value),
            TypeRef::JsonObject => quote!(#rt::serde_json::Map<String, #rt::serde_json::Value>),
            TypeRef::Vec(inner, nullable) => {
                let inner = self.ty(inner, types);
                if *nullable {
                    quote!(Vec<Option<#inner>>)
                } else {
                    quote!(Vec<#inner>)
                }
            }
            TypeRef::Map(inner, nullable) => {
                let inner = self.ty(inner, types);
                if *nullable {
                    quote!(::std::collections::BTreeMap<String, Option<#inner>>)
                } else {
                    quote!(::std::collections::BTreeMap<String, #inner>)
                }
            }
        }
    }

    /// `Option<T>` when the value may be null.
    fn typed(&self, t: &Typed, types: &TokenStream) -> TokenStream {
        let inner = self.ty(&t.ty, types);
        if t.nullable && t.ty != TypeRef::Json {
            quote!(Option<#inner>)
        } else {
            inner
        }
    }

    fn rt_str(&self) -> String {
        self.settings.runtime.clone()
    }
}

/// How a struct field is represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repr {
    /// `T`: required, non-null.
    Plain,
    /// `Option<T>` that must be present on the wire (required + nullable).
    RequiredNullable,
    /// `Option<T>`, skipped when `None`.
    Optional,
    /// `T` with a default applied when absent (responses only).
    Defaulted,
    /// `Nullable<T>`: absent, null or a value (requests).
    Tristate,
}

/// How a field is represented, in words (for impact reports).
pub fn field_repr_name(f: &Field, def: &TypeDef) -> &'static str {
    match repr(f, def) {
        Repr::Plain => "required",
        Repr::RequiredNullable => "required nullable",
        Repr::Optional => "optional",
        Repr::Defaulted => "defaulted",
        Repr::Tristate => "optional nullable",
    }
}

/// A type as Rust source text (`Vec<String>`), for reports.
pub fn type_string(api: &Api, t: &TypeRef) -> String {
    let settings = CodegenSettings::default();
    let cx = Ctx {
        api,
        space: &api.space,
        settings: &settings,
        rt: quote!(rt),
    };
    cx.ty(t, &TokenStream::new())
        .to_string()
        .replace(' ', "")
        .replace("rt::serde_json::", "")
}

fn repr(f: &Field, def: &TypeDef) -> Repr {
    match (f.required, f.nullable && f.ty != TypeRef::Json) {
        (true, false) => Repr::Plain,
        (true, true) => Repr::RequiredNullable,
        (false, false) if !def.in_request && default_expr(f).is_some() => Repr::Defaulted,
        (false, false) => Repr::Optional,
        (false, true) if def.in_request => Repr::Tristate,
        (false, true) => Repr::Optional,
    }
}

/// A Rust expression for the field's schema default, when it fits the field's type.
fn default_expr(f: &Field) -> Option<TokenStream> {
    let v = f.info.default.as_ref()?;
    match (&f.ty, v) {
        (TypeRef::Bool, Value::Bool(b)) => Some(quote!(#b)),
        (TypeRef::I64, Value::Number(n)) => n.as_i64().map(|n| quote!(#n)),
        (TypeRef::I32, Value::Number(n)) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(|n| quote!(#n)),
        (TypeRef::U32, Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(|n| quote!(#n)),
        (TypeRef::U64, Value::Number(n)) => n.as_u64().map(|n| quote!(#n)),
        (TypeRef::F64, Value::Number(n)) => n.as_f64().map(|n| quote!(#n)),
        (TypeRef::F32, Value::Number(n)) => n.as_f64().map(|n| {
            #[allow(clippy::cast_possible_truncation)]
            let n = n as f32;
            quote!(#n)
        }),
        (TypeRef::String, Value::String(s)) => Some(quote!(String::from(#s))),
        (TypeRef::Named(_), Value::String(s)) => Some(quote!(::core::convert::From::from(#s))),
        (TypeRef::Vec(..), Value::Array(a)) if a.is_empty() => Some(quote!(Vec::new())),
        _ => None,
    }
}

/// Whether the default equals `Default::default()` of the type.
fn default_is_trivial(f: &Field) -> bool {
    match (&f.ty, f.info.default.as_ref()) {
        (TypeRef::Bool, Some(Value::Bool(b))) => !b,
        (TypeRef::String, Some(Value::String(s))) => s.is_empty(),
        (TypeRef::Vec(..), Some(Value::Array(a))) => a.is_empty(),
        (
            TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 | TypeRef::F32 | TypeRef::F64,
            Some(Value::Number(n)),
        ) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

fn preamble(settings: &CodegenSettings) -> String {
    format!(
        "// Generated by `{}` from spec/openapi.json. Do not edit: change the docs pages or\n// spec/overrides.yaml and regenerate.\n\n",
        settings.command
    )
}

/// Formats tokens as a file; a token stream that does not parse is a generator bug, reported
/// as such rather than written.
pub fn format(tokens: TokenStream, settings: &CodegenSettings) -> Result<String, String> {
    Ok(format!("{}{}", preamble(settings), unparse(tokens)?))
}

fn unparse(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated code does not parse: {e}"))?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// A piece of a generated file.
enum Piece {
    /// Ordinary items.
    Items(TokenStream),
    /// An enum written as `$rt::__open_enum! { <enum> }`: the enum is formatted as an item,
    /// then wrapped (prettyplease leaves macro bodies unformatted).
    OpenEnum(TokenStream),
}

/// Formats a file made of pieces.
/// Appends a formatted piece, one blank line after the previous one.
fn join_piece(out: &mut String, text: &str) {
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(text);
}

/// One piece as formatted text.
fn piece_text(piece: Piece, cx: &Ctx<'_>) -> Result<String, String> {
    Ok(match piece {
        Piece::Items(tokens) => unparse(tokens)?,
        Piece::OpenEnum(tokens) => {
            let body = unparse(tokens)?;
            let mut out = format!("{}::__open_enum! {{\n", cx.settings.runtime);
            for line in body.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str("    ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
            out.push_str("}\n");
            out
        }
    })
}

/// A blank line between items and between methods, as rustfmt leaves them: after a line that
/// closes a block, before a line at the same indentation that starts another item.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut prev: Option<&str> = None;
    for line in text.lines() {
        if let Some(p) = prev {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let closes = matches!(p.trim(), "}" | "};");
            let opens = {
                let t = line.trim_start();
                [
                    "///",
                    "#[",
                    "pub ",
                    "fn ",
                    "impl",
                    "struct ",
                    "enum ",
                    "type ",
                    "const ",
                    "mod ",
                    "trait ",
                    "async fn ",
                ]
                .iter()
                .any(|p| t.starts_with(p))
                    || t.contains("::__open_enum!")
                    || t.contains("::__request_options!")
            };
            if closes && opens && indent(p) == indent(line) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

/// Every generated file: `(file name, contents)`.
pub fn emit(api: &Api, settings: &CodegenSettings) -> Result<Vec<(String, String)>, String> {
    // Token streams are not `Send`: each worker builds its own context and tokens, and hands
    // back text. Work items: the types (one each), the resource modules, mod.rs.
    enum Job<'a> {
        Type(&'a TypeDef),
        Resource(&'a Resource),
        Mod,
    }
    let mut defs: Vec<&TypeDef> = api.space.defs().map(|(_, d)| d).collect();
    defs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut jobs: Vec<Job<'_>> = defs.into_iter().map(Job::Type).collect();
    jobs.extend(api.resources.iter().map(Job::Resource));
    jobs.push(Job::Mod);
    let texts = super::super::par::map(jobs, |job| {
        let cx = Ctx {
            api,
            space: &api.space,
            settings,
            rt: path(&settings.runtime),
        };
        match job {
            Job::Type(d) => piece_text(type_def(&cx, d), &cx).map(|t| (None, t)),
            Job::Resource(r) => format(resource_file(&cx, r), settings)
                .map(|t| (Some(format!("{}.rs", r.module)), t)),
            Job::Mod => format(mod_file(&cx), settings).map(|t| (Some("mod.rs".to_owned()), t)),
        }
    });
    let cx = Ctx {
        api,
        space: &api.space,
        settings,
        rt: path(&settings.runtime),
    };
    let mut types = preamble(settings);
    types.push_str(&piece_text(types_header(), &cx)?);
    let mut files = Vec::new();
    for text in texts {
        match text? {
            (None, piece) => join_piece(&mut types, &piece),
            (Some(name), text) => files.push((name, text)),
        }
    }
    files.insert(0, ("types.rs".to_owned(), types));
    Ok(files)
}

/// The inner attributes at the top of `types.rs`.
fn types_header() -> Piece {
    Piece::Items(quote! {
        #![doc = " Request and response types."]
        #![allow(clippy::too_many_arguments, clippy::large_enum_variant)]
    })
}

fn mod_file(cx: &Ctx<'_>) -> TokenStream {
    let title = format!(
        " Generated from {} {} (`spec/openapi.json`).",
        cx.api.title, cx.api.version
    );
    let mods = cx.api.resources.iter().map(|r| {
        let m = ident(&r.module);
        quote! { pub mod #m; }
    });
    let accessors = match &cx.settings.accessors {
        ClientAccessors::Inherent => quote!(),
        ClientAccessors::Trait(name) => {
            let trait_name = ident(name);
            let rt = &cx.rt;
            let sigs = cx.api.resources.iter().map(|r| {
                let m = ident(&r.module);
                let a = ident(&r.accessor);
                let h = ident(&r.handle);
                let d = doc::attrs(&resource_doc(r));
                quote! { #d fn #a(&self) -> #m::#h<'_>; }
            });
            let impls = cx.api.resources.iter().map(|r| {
                let m = ident(&r.module);
                let a = ident(&r.accessor);
                let h = ident(&r.handle);
                quote! { fn #a(&self) -> #m::#h<'_> { #m::#h::new(self) } }
            });
            quote! {
                /// The resource handles of this API, on the runtime's client.
                pub trait #trait_name { #(#sigs)* }
                impl #trait_name for #rt::Client { #(#impls)* }
            }
        }
    };
    quote! {
        #![doc = #title]
        pub mod types;
        #(#mods)*
        #accessors
    }
}

fn resource_doc(r: &Resource) -> String {
    match &r.description {
        Some(d) => doc::sanitize(d),
        None => format!("Operations tagged {}.", code(&r.tag)),
    }
}

// ---------------------------------------------------------------------------------------
// Types

fn type_doc(d: &TypeDef) -> String {
    let mut parts = vec![match (&d.info.description, &d.info.title) {
        (Some(desc), _) => doc::sanitize(desc),
        (None, Some(t)) if !d.component => format!("{}.", doc::sanitize(t)),
        _ => d.describe(),
    }];
    if d.info.deprecated {
        parts.push("Deprecated by the API.".to_owned());
    }
    paragraphs(parts)
}

fn type_def(cx: &Ctx<'_>, d: &TypeDef) -> Piece {
    let name = ident(&d.name);
    let docs = doc::attrs(&type_doc(d));
    let none = TokenStream::new();
    match &d.kind {
        DefKind::Alias(t) => {
            let t = cx.ty(t, &none);
            let t = if d.nullable { quote!(Option<#t>) } else { t };
            Piece::Items(quote! { #docs pub type #name = #t; })
        }
        DefKind::Enum { variants } => {
            let vs = variants.iter().map(|v| {
                let vi = ident(&v.rust);
                let wire = &v.wire;
                let vd = format!(" `{}`", v.wire.replace('`', ""));
                quote! { #[doc = #vd] #vi = #wire }
            });
            Piece::OpenEnum(quote! {
                #docs
                pub enum #name { #(#vs,)* }
            })
        }
        DefKind::Tagged { tag, variants } => {
            let rt = &cx.rt;
            let vs = variants.iter().map(|(wire, v, id)| {
                let vi = ident(v);
                let t = ident(&cx.space.get(*id).name);
                let vd = format!(" `{tag}: {wire}`.");
                quote! { #[doc = #vd] #vi(#t) }
            });
            let arms = variants.iter().map(|(wire, v, _)| {
                let vi = ident(v);
                quote!(Some(#wire) => #rt::__private::serde_helpers::variant(value).map(Self::#vi),)
            });
            Piece::Items(quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
                #[serde(untagged)]
                #[non_exhaustive]
                pub enum #name {
                    #(#vs,)*
                    /// A value whose discriminator this version of the client does not know, kept as is.
                    Unknown(#rt::serde_json::Value),
                }
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        #rt::__private::serde_helpers::deserialize_tagged(deserializer, #tag, |tag, value| match tag {
                            #(#arms)*
                            _ => Ok(Self::Unknown(value)),
                        })
                    }
                }
            })
        }
        DefKind::Struct { fields, additional } => {
            Piece::Items(struct_def(cx, d, &name, docs, fields, additional.as_ref()))
        }
    }
}

fn field_doc(f: &Field, r: Repr, in_request: bool) -> String {
    let mut parts = Vec::new();
    if let Some(desc) = &f.info.description {
        parts.push(doc::sanitize(desc));
    } else if let Some(t) = &f.info.title {
        if t.to_lowercase() != f.wire.to_lowercase() {
            parts.push(format!("{}.", doc::sanitize(t)));
        }
    }
    let mut facts = Vec::new();
    match r {
        Repr::RequiredNullable => facts.push("Always present; `None` is JSON `null`.".to_owned()),
        Repr::Tristate => {
            facts.push("Absent unless set; `Nullable::Null` sends JSON `null`.".to_owned())
        }
        _ => {}
    }
    if let Some(def) = &f.info.default {
        if r == Repr::Defaulted {
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
    if parts.is_empty() && facts.is_empty() {
        parts.push(format!("The {} field.", code(&f.wire)));
    }
    parts.push(facts.join(" "));
    paragraphs(parts)
}

fn struct_def(
    cx: &Ctx<'_>,
    d: &TypeDef,
    name: &Ident,
    docs: TokenStream,
    fields: &[Field],
    additional: Option<&(TypeRef, bool)>,
) -> TokenStream {
    let none = TokenStream::new();
    let rt_str = cx.rt_str();
    let mut field_tokens = Vec::new();
    let mut default_fns = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut default_inits = Vec::new();
    let mut custom_default = false;
    for f in fields {
        let fi = ident(&f.rust);
        let r = repr(f, d);
        let mut base = cx.ty(&f.ty, &none);
        if f.boxed {
            base = quote!(Box<#base>);
        }
        let rust_bare = f.rust.trim_start_matches("r#");
        let rename = (rust_bare != f.wire).then(|| {
            let w = &f.wire;
            quote!(#[serde(rename = #w)])
        });
        let (ty, serde_attr) = match r {
            Repr::Plain => (base.clone(), quote!()),
            Repr::RequiredNullable => {
                let with = format!("{rt_str}::__private::serde_helpers::required_nullable");
                (
                    quote!(Option<#base>),
                    quote!(#[serde(deserialize_with = #with)]),
                )
            }
            Repr::Optional => (
                quote!(Option<#base>),
                quote!(#[serde(default, skip_serializing_if = "Option::is_none")]),
            ),
            Repr::Tristate => {
                let skip = format!("{rt_str}::Nullable::is_absent");
                let rt = &cx.rt;
                (
                    quote!(#rt::Nullable<#base>),
                    quote!(#[serde(default, skip_serializing_if = #skip)]),
                )
            }
            Repr::Defaulted => {
                if default_is_trivial(f) {
                    (base.clone(), quote!(#[serde(default)]))
                } else {
                    custom_default = true;
                    let fn_name = format_ident!("default_{}", rust_bare);
                    let expr = default_expr(f).unwrap_or_else(|| quote!(Default::default()));
                    let path_str = format!("{}::{}", d.name, fn_name);
                    default_fns.push(quote! { fn #fn_name() -> #base { #expr } });
                    (base.clone(), quote!(#[serde(default = #path_str)]))
                }
            }
        };
        let fd = doc::attrs(&field_doc(f, r, d.in_request));
        field_tokens.push(quote! { #fd #rename #serde_attr pub #fi: #ty });

        // Constructor and Default.
        let default_value = match r {
            Repr::Optional => quote!(None),
            Repr::Tristate => quote!(Default::default()),
            Repr::Defaulted => {
                if default_is_trivial(f) {
                    quote!(Default::default())
                } else {
                    let fn_name = format_ident!("default_{}", rust_bare);
                    quote!(Self::#fn_name())
                }
            }
            Repr::Plain | Repr::RequiredNullable => quote!(Default::default()),
        };
        default_inits.push(quote!(#fi: #default_value));
        match r {
            Repr::Plain | Repr::RequiredNullable => {
                let (arg_ty, conv) = arg_type(cx, &f.ty, &none, f.boxed);
                let arg_ty = if r == Repr::RequiredNullable {
                    quote!(impl Into<Option<#base>>)
                } else {
                    arg_ty
                };
                let conv = if r == Repr::RequiredNullable {
                    quote!(#fi.into())
                } else {
                    conv(&fi)
                };
                new_args.push(quote!(#fi: #arg_ty));
                new_inits.push(init(&fi, &conv));
            }
            _ => new_inits.push(quote!(#fi: #default_value)),
        }
    }
    if let Some((t, nullable)) = additional {
        let inner = cx.ty(t, &none);
        let inner = if *nullable {
            quote!(Option<#inner>)
        } else {
            inner
        };
        field_tokens.push(quote! {
            /// Properties beyond the documented ones.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<String, #inner>
        });
        new_inits.push(quote!(additional_properties: Default::default()));
        default_inits.push(quote!(additional_properties: Default::default()));
    }
    let has_required = !new_args.is_empty();
    let derive_default = !has_required && !custom_default;
    let derives = if derive_default {
        quote!(#[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)])
    } else {
        quote!(#[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)])
    };
    let new_doc = format!(
        " Creates a `{}` from its required fields; the others start absent.",
        d.name
    );
    let ctor = if has_required {
        quote! {
            impl #name {
                #[doc = #new_doc]
                pub fn new(#(#new_args),*) -> Self {
                    Self { #(#new_inits),* }
                }
                #(#default_fns)*
            }
        }
    } else if !default_fns.is_empty() {
        quote! {
            impl #name { #(#default_fns)* }
            impl Default for #name {
                fn default() -> Self { Self { #(#default_inits),* } }
            }
        }
    } else {
        quote!()
    };
    quote! {
        #docs
        #derives
        pub struct #name { #(#field_tokens,)* }
        #ctor
    }
}

/// The argument type of a value and how it becomes the stored value: `impl Into<String>`
/// for strings and generated types, iterators for lists of strings, the type itself else.
/// Turns an argument into the stored value.
type Conversion = Box<dyn Fn(&Ident) -> TokenStream>;

fn arg_type(
    cx: &Ctx<'_>,
    t: &TypeRef,
    types: &TokenStream,
    boxed: bool,
) -> (TokenStream, Conversion) {
    let base = cx.ty(t, types);
    if boxed {
        return (quote!(#base), Box::new(|i: &Ident| quote!(Box::new(#i))));
    }
    match t {
        TypeRef::String => (
            quote!(impl Into<String>),
            Box::new(|i: &Ident| quote!(#i.into())),
        ),
        TypeRef::Named(id) if matches!(cx.space.get(*id).kind, DefKind::Enum { .. }) => (
            quote!(impl Into<#base>),
            Box::new(|i: &Ident| quote!(#i.into())),
        ),
        TypeRef::Vec(inner, false) if **inner == TypeRef::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            Box::new(|i: &Ident| quote!(#i.into_iter().map(Into::into).collect())),
        ),
        TypeRef::Vec(inner, false) if **inner == TypeRef::Json => {
            let rt = &cx.rt;
            (
                quote!(impl IntoIterator<Item = impl Into<#rt::serde_json::Value>>),
                Box::new(|i: &Ident| quote!(#i.into_iter().map(Into::into).collect())),
            )
        }
        _ => (base, Box::new(|i: &Ident| quote!(#i))),
    }
}

// ---------------------------------------------------------------------------------------
// Operations

/// How the builder holds the body.
enum BodyMode<'a> {
    None,
    /// A struct body with setters for its fields; `optional` = `Option<T>` (a Default struct).
    Fields {
        id: TypeId,
        fields: &'a [Field],
        optional: bool,
    },
    /// Any other body: a required argument or an optional `body()` setter.
    Whole {
        optional: bool,
    },
    /// A body that is not JSON: bytes the caller encodes, through `body_bytes()`.
    Raw,
}

fn body_mode<'a>(cx: &Ctx<'a>, op: &Op) -> BodyMode<'a> {
    let Some(body) = &op.body else {
        return BodyMode::None;
    };
    if body.raw {
        return BodyMode::Raw;
    }
    if body.typed.nullable {
        return BodyMode::Whole {
            optional: !body.required,
        };
    }
    if let Some(id) = struct_of(cx.space, &body.typed.ty) {
        let def = cx.space.get(id);
        if let DefKind::Struct { fields, .. } = &def.kind {
            if body.required || !def.has_required_fields() {
                return BodyMode::Fields {
                    id,
                    fields,
                    optional: !body.required,
                };
            }
        }
    }
    BodyMode::Whole {
        optional: !body.required,
    }
}

/// One setter or argument of a builder, bound to a field of the body or a parameter.
struct Member {
    /// The builder method / argument name.
    name: String,
    /// The name of the method sending `null`, for optional nullable fields.
    null: Option<String>,
    /// Docs.
    doc: String,
}

fn resource_file(cx: &Ctx<'_>, r: &Resource) -> TokenStream {
    let handle = ident(&r.handle);
    let rt = &cx.rt;
    let docs = doc::attrs(&resource_doc(r));
    let handle_doc = format!(" The `{}` operations: `client.{}()`.", r.tag, r.accessor);
    let methods = r.ops.iter().map(|op| handle_method(cx, r, op));
    let builders = r.ops.iter().map(|op| builder(cx, r, op));
    let accessor = ident(&r.accessor);
    let accessor_doc = doc::attrs(&resource_doc(r));
    let accessor_impl = match &cx.settings.accessors {
        ClientAccessors::Inherent => {
            let client = path(&cx.settings.client_type);
            quote! {
                impl #client {
                    #accessor_doc
                    pub fn #accessor(&self) -> #handle<'_> {
                        #handle::new(self)
                    }
                }
            }
        }
        ClientAccessors::Trait(_) => quote!(),
    };
    let inner_doc = format!(" {}", resource_doc(r).replace('\n', "\n "));
    let _ = docs;
    let handle_docs = doc::attrs(&paragraphs([resource_doc(r), handle_doc.trim().to_owned()]));
    quote! {
        #![doc = #inner_doc]
        #![allow(clippy::too_many_arguments)]
        #handle_docs
        #[derive(Clone, Copy, Debug)]
        pub struct #handle<'a> {
            client: &'a #rt::Client,
        }
        #accessor_impl
        impl<'a> #handle<'a> {
            /// The handle on `client`.
            #[doc(hidden)]
            pub fn new(client: &'a #rt::Client) -> Self {
                Self { client }
            }
            #(#methods)*
        }
        #(#builders)*
    }
}

/// The required arguments of an operation: `(name, type, conversion into the builder field,
/// field name)`.
struct Arg {
    name: Ident,
    ty: TokenStream,
    store: TokenStream,
    doc: String,
    example: String,
}

fn op_args(cx: &Ctx<'_>, op: &Op) -> Vec<Arg> {
    let types = quote!(super::types::);
    let mut out = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let name = ident(&p.rust);
        let (ty, conv) = arg_type(cx, &p.typed.ty, &types, false);
        let (ty, store) = if p.typed.nullable {
            let base = cx.ty(&p.typed.ty, &types);
            (quote!(impl Into<Option<#base>>), quote!(#name.into()))
        } else {
            (ty, conv(&name))
        };
        let where_ = match p.location {
            ParamIn::Path => "path parameter",
            ParamIn::Query => "query parameter",
            ParamIn::Header => "header",
        };
        out.push(Arg {
            doc: member_doc(
                p.doc(),
                &format!("{where_} {}", code(&p.wire)),
                &p.typed.info.constraints,
            ),
            example: if p.typed.nullable {
                "None".to_owned()
            } else {
                example_value(cx, &p.typed.ty, &p.wire, 0)
            },
            name,
            ty,
            store,
        });
    }
    match body_mode(cx, op) {
        BodyMode::Fields {
            fields,
            optional: false,
            ..
        } => {
            for (f, m) in fields.iter().zip(body_members(op, fields)) {
                if !f.required {
                    continue;
                }
                let name = ident(&m.name);
                let (ty, conv) = arg_type(cx, &f.ty, &types, f.boxed);
                let nullable = f.nullable && f.ty != TypeRef::Json;
                let (ty, store) = if nullable {
                    let base = cx.ty(&f.ty, &types);
                    let base = if f.boxed { quote!(Box<#base>) } else { base };
                    (quote!(impl Into<Option<#base>>), quote!(#name.into()))
                } else {
                    (ty, conv(&name))
                };
                out.push(Arg {
                    doc: m.doc,
                    example: if nullable {
                        "None".to_owned()
                    } else {
                        example_value(cx, &f.ty, &f.wire, 0)
                    },
                    name,
                    ty,
                    store,
                });
            }
        }
        BodyMode::Whole { optional: false } => {
            if let Some(b) = &op.body {
                let ty = cx.typed(&b.typed, &types);
                out.push(Arg {
                    name: ident("body"),
                    ty,
                    store: quote!(body),
                    doc: b
                        .description
                        .as_deref()
                        .map(doc::sanitize)
                        .unwrap_or_else(|| "The request body.".to_owned()),
                    example: if b.typed.nullable {
                        "None".to_owned()
                    } else {
                        example_concrete(cx, &b.typed.ty, "body", 0)
                    },
                });
            }
        }
        _ => {}
    }
    out
}

/// Names of the body fields as builder members (unique against parameters and the builder's
/// own methods).
fn body_members(op: &Op, fields: &[Field]) -> Vec<Member> {
    let mut taken: BTreeSet<String> = RESERVED_METHODS.iter().map(|s| (*s).to_owned()).collect();
    for p in &op.params {
        taken.insert(p.rust.clone());
        if p.location == ParamIn::Header && !p.required {
            taken.insert(format!("without_{}", p.rust));
        }
    }
    fields
        .iter()
        .map(|f| {
            let name = unique(&sanitize(&f.wire, Case::Snake), &mut taken);
            // `title` → `title_null`, `self` → `self_null` (not `self__null`).
            let null = (f.nullable && !f.required).then(|| {
                unique(
                    &sanitize(&format!("{}_null", f.wire), Case::Snake),
                    &mut taken,
                )
            });
            Member {
                null,
                doc: member_doc(
                    f.info.description.as_deref(),
                    &format!("body field {}", code(&f.wire)),
                    &f.info.constraints,
                ),
                name,
            }
        })
        .collect()
}

fn member_doc(description: Option<&str>, what: &str, constraints: &[String]) -> String {
    let mut s = match description {
        Some(d) => format!("{} ({what})", doc::sanitize(d).trim_end_matches('.')),
        None => format!("Sets the {what}"),
    };
    s.push('.');
    for c in constraints {
        s.push_str(&format!(" Constraint: {}.", doc::sanitize(c)));
    }
    s
}

/// A placeholder value for doc examples, for an argument taking `t` the way `arg_type`
/// spells it (`impl Into<String>`, iterators of strings, ...).
fn example_value(cx: &Ctx<'_>, t: &TypeRef, name: &str, depth: usize) -> String {
    match t {
        TypeRef::String => format!("{:?}", name),
        TypeRef::Vec(inner, false) if matches!(**inner, TypeRef::String | TypeRef::Json) => {
            "[\"a\", \"b\"]".to_owned()
        }
        _ => example_concrete(cx, t, name, depth),
    }
}

/// A placeholder value of exactly type `t`.
fn example_concrete(cx: &Ctx<'_>, t: &TypeRef, name: &str, depth: usize) -> String {
    let krate = &cx.settings.crate_name;
    match t {
        TypeRef::String => format!("String::from({:?})", name),
        TypeRef::Bool => "true".to_owned(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "1".to_owned(),
        TypeRef::F32 | TypeRef::F64 => "1.0".to_owned(),
        TypeRef::Named(id) => {
            let d = cx.space.get(*id);
            let path = format!("{krate}::types::{}", d.name);
            match &d.kind {
                DefKind::Enum { variants } if !variants.is_empty() => {
                    format!("{path}::{}", variants[0].rust)
                }
                DefKind::Struct { fields, .. } if d.has_required_fields() && depth < 3 => {
                    let args: Vec<String> = fields
                        .iter()
                        .filter(|f| f.required)
                        .map(|f| {
                            if f.nullable && f.ty != TypeRef::Json {
                                "None".to_owned()
                            } else {
                                example_value(cx, &f.ty, &f.wire, depth + 1)
                            }
                        })
                        .collect();
                    format!("{path}::new({})", args.join(", "))
                }
                DefKind::Struct { .. } => format!("{path}::default()"),
                DefKind::Alias(inner) if d.nullable => {
                    let _ = inner;
                    "None".to_owned()
                }
                DefKind::Alias(inner) => example_concrete(cx, inner, name, depth + 1),
                DefKind::Tagged { variants, .. } => match variants.first() {
                    Some((_, v, payload)) => format!(
                        "{path}::{v}({})",
                        example_concrete(cx, &TypeRef::Named(*payload), name, depth + 1)
                    ),
                    None => "Default::default()".to_owned(),
                },
                DefKind::Enum { .. } => format!("{path}::from(\"value\")"),
            }
        }
        TypeRef::Vec(..) => "Vec::new()".to_owned(),
        TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(..) => "Default::default()".to_owned(),
    }
}

fn op_doc(cx: &Ctx<'_>, r: &Resource, op: &Op, args: &[Arg]) -> String {
    let mut parts = Vec::new();
    match &op.summary {
        Some(s) => parts.push(doc::sanitize(s)),
        None => parts.push(format!("`{} {}`", op.method, op.path)),
    }
    if let Some(d) = &op.description {
        let d = doc::sanitize(d);
        if Some(&d) != parts.first() {
            parts.push(d);
        }
    }
    if op.deprecated {
        parts.push("**Deprecated** by the API.".to_owned());
    }
    let mut how = format!("Sends `{} {}`", op.method, op.path);
    if op.method == "GET" && op.body.is_some() {
        how.push_str(" with a JSON body");
    }
    how.push('.');
    match &op.paging {
        Some(Paging::Cursor { .. }) => how.push_str(
            " Paginated by cursor: `into_stream()` yields every item of every page, `into_pages()` every page.",
        ),
        Some(Paging::PageNumber { .. }) => how.push_str(
            " Paginated by page number: `into_stream()` yields every item of every page (pages fetched concurrently, in order), `into_pages()` every page.",
        ),
        None => {}
    }
    if let Some(s) = &op.streaming {
        match &s.switch {
            super::ops::StreamSwitch::Flag => how.push_str(&format!(
                " `.stream()` sets `{}` to `true` and returns the events as they arrive.",
                s.property
            )),
            super::ops::StreamSwitch::Enum {
                stream, background, ..
            } => {
                how.push_str(&format!(
                    " `.stream()` sets `{}` to `{stream}` and returns the events as they arrive",
                    s.property
                ));
                if let Some(b) = background {
                    how.push_str(&format!("; `.background()` sets it to `{b}`"));
                }
                how.push('.');
            }
        }
    }
    if op.envelope.is_some() {
        how.push_str(&format!(
            " A 2xx answer whose `{}` field is not empty is an error.",
            op.envelope.as_deref().unwrap_or_default()
        ));
    }
    parts.push(how);
    if !args.is_empty() {
        let list: Vec<String> = args
            .iter()
            .map(|a| format!("- `{}`: {}", a.name, a.doc))
            .collect();
        parts.push(format!("# Arguments\n\n{}", list.join("\n")));
    }
    if !op.errors.is_empty() {
        let list: Vec<String> = op
            .errors
            .iter()
            .map(|e| {
                let t = match &e.ty {
                    TypeRef::Named(id) => {
                        let n = &cx.space.get(*id).name;
                        format!("[`{n}`](super::types::{n})")
                    }
                    _ => "JSON".to_owned(),
                };
                format!("- {}: {t}", e.statuses.join(", "))
            })
            .collect();
        parts.push(format!(
            "# Errors\n\nDocumented error bodies, available through `Error::body::<T>()`:\n\n{}",
            list.join("\n")
        ));
    }
    if cx.settings.doc_examples {
        let krate = &cx.settings.crate_name;
        let call_args: Vec<String> = args.iter().map(|a| a.example.clone()).collect();
        let call = format!(
            "client.{}().{}({})",
            r.accessor,
            op.method_name.trim_start_matches("r#"),
            call_args.join(", ")
        );
        let call = if op.method_name.starts_with("r#") {
            call.replace(
                &format!(".{}(", op.method_name.trim_start_matches("r#")),
                &format!(".{}(", op.method_name),
            )
        } else {
            call
        };
        parts.push(format!(
            "# Example\n\n```no_run\n# async fn example(client: &{krate}::Client) -> {krate}::Result<()> {{\nlet response = {call}.send().await?;\n# let _ = response;\n# Ok(())\n# }}\n```"
        ));
    }
    paragraphs(parts)
}

fn handle_method(cx: &Ctx<'_>, r: &Resource, op: &Op) -> TokenStream {
    let args = op_args(cx, op);
    let docs = doc::attrs(&op_doc(cx, r, op, &args));
    let m = ident(&op.method_name);
    let b = ident(&op.builder);
    let names = args.iter().map(|a| &a.name);
    let sig = args.iter().map(|a| {
        let n = &a.name;
        let t = &a.ty;
        quote!(#n: #t)
    });
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated = "deprecated by the API"]));
    quote! {
        #docs
        #deprecated
        pub fn #m(&self, #(#sig),*) -> #b {
            #b::new(self.client.clone(), #(#names),*)
        }
    }
}

fn builder(cx: &Ctx<'_>, r: &Resource, op: &Op) -> TokenStream {
    let rt = &cx.rt;
    let types = quote!(super::types::);
    let name = ident(&op.builder);
    let method = &op.method_name;
    let args = op_args(cx, op);
    let mode = body_mode(cx, op);

    // Fields of the builder.
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    for p in &op.params {
        if p.location == ParamIn::Header && !p.required {
            continue;
        }
        let f = ident(&p.rust);
        // A query cannot say null: a nullable optional parameter is just optional.
        let t = if p.required {
            cx.typed(&p.typed, &types)
        } else {
            cx.ty(&p.typed.ty, &types)
        };
        if p.required {
            fields.push(quote!(#f: #t));
            let a = args
                .iter()
                .find(|a| a.name == f)
                .map(|a| a.store.clone())
                .unwrap_or_else(|| quote!(#f));
            inits.push(init(&f, &a));
        } else {
            fields.push(quote!(#f: Option<#t>));
            inits.push(quote!(#f: None));
        }
    }
    let body_ty = op.body.as_ref().map(|b| cx.typed(&b.typed, &types));
    match (&mode, &body_ty) {
        (
            BodyMode::Fields {
                id,
                fields: bf,
                optional,
            },
            Some(t),
        ) => {
            let struct_name = ident(&cx.space.get(*id).name);
            if *optional {
                fields.push(quote!(body: Option<#t>));
                inits.push(quote!(body: None));
            } else {
                fields.push(quote!(body: #t));
                let members = body_members(op, bf);
                let required: Vec<TokenStream> = bf
                    .iter()
                    .zip(&members)
                    .filter(|(f, _)| f.required)
                    .map(|(_, m)| {
                        let a = ident(&m.name);
                        quote!(#a)
                    })
                    .collect();
                if cx.space.get(*id).has_required_fields() {
                    inits.push(quote!(body: #types #struct_name::new(#(#required),*)));
                } else {
                    inits.push(quote!(body: Default::default()));
                }
            }
        }
        (BodyMode::Whole { optional }, Some(t)) => {
            if *optional {
                fields.push(quote!(body: Option<#t>));
                inits.push(quote!(body: None));
            } else {
                fields.push(quote!(body: #t));
                inits.push(quote!(body));
            }
        }
        _ => {}
    }
    if let BodyMode::Raw = mode {
        fields.push(quote!(body: Option<(String, Vec<u8>)>));
        inits.push(quote!(body: None));
    }
    let new_args = args.iter().map(|a| {
        let n = &a.name;
        let t = &a.ty;
        quote!(#n: #t)
    });

    // Setters.
    let mut setters = Vec::new();
    for p in op.params.iter().filter(|p| !p.required) {
        let f = ident(&p.rust);
        let (ty, conv) = arg_type(cx, &p.typed.ty, &types, false);
        let where_ = if p.location == ParamIn::Header {
            "header"
        } else {
            "query parameter"
        };
        let mut d = member_doc(
            p.doc(),
            &format!("{where_} {}", code(&p.wire)),
            &p.typed.info.constraints,
        );
        if let Some(def) = &p.typed.info.default {
            d.push_str(&format!(" The server uses `{def}` when it is not sent."));
        }
        let d = doc::attrs(&d);
        if p.location == ParamIn::Header {
            let wire = &p.wire;
            let without = format_ident!("without_{}", p.rust.trim_start_matches("r#"));
            let without_doc = format!(
                " Does not send the `{wire}` header with this request, even when the client sets one."
            );
            if p.typed.ty == TypeRef::String {
                // The runtime holds the two methods once.
                let rt = &cx.rt;
                let text = format!(
                    " {}",
                    member_doc(
                        p.doc(),
                        &format!("header {}", code(&p.wire)),
                        &p.typed.info.constraints
                    )
                );
                setters.push(quote! { #rt::__header_param!(#f, #without, #wire, #text); });
                continue;
            }
            let value = quote!(value.to_string());
            let vty = cx.ty(&p.typed.ty, &types);
            setters.push(quote! {
                #d
                pub fn #f(mut self, value: #vty) -> Self {
                    self.options.__set_header(#wire, #value);
                    self
                }
                #[doc = #without_doc]
                pub fn #without(mut self) -> Self {
                    self.options.__remove_header(#wire);
                    self
                }
            });
        } else {
            let v = format_ident!("value");
            let store = conv(&v);
            setters.push(quote! {
                #d
                pub fn #f(mut self, value: #ty) -> Self {
                    self.#f = Some(#store);
                    self
                }
            });
        }
    }
    if let (
        BodyMode::Fields {
            fields: bf,
            optional,
            id,
        },
        Some(t),
    ) = (&mode, &body_ty)
    {
        let def = cx.space.get(*id);
        let members = body_members(op, bf);
        let target = if *optional {
            quote!(self.body.get_or_insert_with(Default::default))
        } else {
            quote!(self.body)
        };
        let stream_property = op.streaming.as_ref().map(|s| s.property.as_str());
        for (f, m) in bf.iter().zip(&members) {
            if f.required && !*optional {
                continue;
            }
            // The streaming switch is set by `.send()` / `.stream()` / `.background()`.
            if stream_property == Some(f.wire.as_str()) {
                continue;
            }
            let setter = ident(&m.name);
            let fi = ident(&f.rust);
            let (ty, conv) = arg_type(cx, &f.ty, &types, f.boxed);
            let v = format_ident!("value");
            let store = conv(&v);
            let d = doc::attrs(&m.doc);
            let value = match repr(f, def) {
                Repr::Optional => quote!(Some(#store)),
                Repr::Tristate => quote!(#rt::Nullable::Value(#store)),
                Repr::RequiredNullable => quote!(Some(#store)),
                Repr::Plain | Repr::Defaulted => store,
            };
            setters.push(quote! {
                #d
                pub fn #setter(mut self, value: #ty) -> Self {
                    #target.#fi = #value;
                    self
                }
            });
            if repr(f, def) == Repr::Tristate {
                let null = ident(m.null.as_deref().unwrap_or("value_null"));
                let nd = format!(
                    " Sends `\"{}\": null` (for example to clear the value).",
                    f.wire
                );
                setters.push(quote! {
                    #[doc = #nd]
                    pub fn #null(mut self) -> Self {
                        #target.#fi = #rt::Nullable::Null;
                        self
                    }
                });
            }
        }
        let bd = " Replaces the whole request body (the fields set so far included).";
        let value = if *optional {
            quote!(Some(body))
        } else {
            quote!(body)
        };
        setters.push(quote! {
            #[doc = #bd]
            pub fn body(mut self, body: #t) -> Self {
                self.body = #value;
                self
            }
        });
    }
    if let (BodyMode::Whole { optional: true }, Some(t)) = (&mode, &body_ty) {
        setters.push(quote! {
            /// Sets the request body.
            pub fn body(mut self, body: #t) -> Self {
                self.body = Some(body);
                self
            }
        });
    }

    if let (BodyMode::Raw, Some(b)) = (&mode, &op.body) {
        let doc = format!(
            " Sets the request body, encoded by the caller: the API documents a `{}` body{}. `content_type` is sent as `Content-Type` (for multipart bodies, with its boundary).",
            b.content_type,
            if b.required {
                ", which it requires"
            } else {
                ""
            }
        );
        setters.push(quote! {
            #[doc = #doc]
            pub fn body_bytes(mut self, content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
                self.body = Some((content_type.into(), bytes.into()));
                self
            }
        });
    }

    // The request.
    let method_tokens = ident(&op.method);
    let template = &op.path;
    let operation = format!("{}.{}", r.tag, method.trim_start_matches("r#"));
    let mut build = Vec::new();
    for p in &op.params {
        if p.location == ParamIn::Header && !p.required {
            continue;
        }
        let f = ident(&p.rust);
        let wire = &p.wire;
        build.push(match (p.location, p.separator) {
            (ParamIn::Path, _) => quote!(request.path_param(#wire, &self.#f);),
            (ParamIn::Query, Some(sep)) => quote!(request.query_joined(#wire, &self.#f, #sep);),
            (ParamIn::Query, None) => quote!(request.query(#wire, &self.#f);),
            (ParamIn::Header, _) => quote!(request.header(#wire, &self.#f);),
        });
    }
    match &mode {
        BodyMode::None => {}
        BodyMode::Raw => build.push(quote! {
            if let Some((content_type, bytes)) = &self.body {
                request.raw_body(content_type, bytes);
            }
        }),
        BodyMode::Fields { optional: true, .. } | BodyMode::Whole { optional: true } => {
            build.push(quote! {
                if let Some(body) = &self.body {
                    request.json(body);
                }
            })
        }
        _ => build.push(quote!(request.json(&self.body);)),
    }
    // A JSON media type other than `application/json` is sent as documented.
    if let Some(b) = op
        .body
        .as_ref()
        .filter(|b| !b.raw && b.content_type != "application/json")
    {
        let ct = &b.content_type;
        build.push(quote!(request.header("Content-Type", &#ct);));
    }
    match &op.answer {
        Answer::Text(ct) | Answer::Bytes(ct) | Answer::Events(ct) => {
            build.push(quote!(request.header("Accept", &#ct);))
        }
        Answer::Json => {}
    }
    let error_fn = if op.errors.is_empty() {
        quote!()
    } else {
        let arms = op.errors.iter().map(|e| {
            let pats = e.statuses.iter().map(|s| status_pattern(s));
            let t = cx.ty(&e.ty, &types);
            quote!( #(#pats)|* => #rt::__private::typed_error::<#t>(body), )
        });
        let has_default = op
            .errors
            .iter()
            .any(|e| e.statuses.iter().any(|s| s == "default"));
        let fallback = (!has_default).then(|| quote!(_ => None,));
        build.push(quote!(request.error_decoder(Self::error_body);));
        let only_default = op.errors.len() == 1 && op.errors[0].statuses == ["default"];
        if only_default {
            let t = cx.ty(&op.errors[0].ty, &types);
            quote! {
                fn error_body(_status: u16, body: &[u8]) -> Option<Box<dyn #rt::__private::ErrorBody>> {
                    #rt::__private::typed_error::<#t>(body)
                }
            }
        } else {
            quote! {
                fn error_body(status: u16, body: &[u8]) -> Option<Box<dyn #rt::__private::ErrorBody>> {
                    match status {
                        #(#arms)*
                        #fallback
                    }
                }
            }
        }
    };
    if let Some(e) = &op.envelope {
        build.push(quote!(request.envelope_errors(#e);));
    }
    let request_fn_body = if build.is_empty() {
        quote!(#rt::__private::Request::new(#rt::__private::Method::#method_tokens, #template, #operation))
    } else {
        quote! {
            let mut request = #rt::__private::Request::new(#rt::__private::Method::#method_tokens, #template, #operation);
            #(#build)*
            request
        }
    };
    let success_ty = op.success.as_ref().map(|s| cx.typed(s, &types));
    let (out_ty, decode) = match (&op.answer, &success_ty) {
        (Answer::Json, Some(t)) => (t.clone(), quote!(response.__decode(None))),
        (Answer::Json, None) => (quote!(()), quote!(response.__decode_empty())),
        (Answer::Text(_), _) => (quote!(String), quote!(Ok(response.text().into_owned()))),
        (Answer::Bytes(_), _) => (
            quote!(#rt::__private::Bytes),
            quote!(Ok(response.into_body())),
        ),
        (Answer::Events(_), t) => {
            let event = t.clone().unwrap_or_else(|| quote!(#rt::serde_json::Value));
            (quote!(#rt::EventStream<#event>), quote!())
        }
    };
    let send = match &op.answer {
        Answer::Events(_) => quote! {
            /// Sends the request and returns the answer as a stream of events, decoded one at a
            /// time as they arrive.
            pub async fn send(self) -> #rt::Result<#out_ty> {
                self.client.__execute_stream(self.request(), &self.options).await
            }
        },
        _ => quote! {
            /// Sends the request and decodes the response.
            pub async fn send(self) -> #rt::Result<#out_ty> {
                let response = self.client.__execute(self.request(), &self.options).await?;
                #decode
            }
        },
    };

    let streaming = op
        .streaming
        .as_ref()
        .and_then(|s| streaming_methods(cx, s, &mode, &out_ty));
    let (paging_methods, paging_impl) = match paging_tokens(cx, op, &name, &out_ty) {
        Some((m, i)) => (m, i),
        None => (quote!(), quote!()),
    };
    let options_macro = if matches!(op.paging, Some(Paging::PageNumber { .. })) {
        quote!(#rt::__request_options!(page_concurrency);)
    } else {
        quote!(#rt::__request_options!();)
    };
    let builder_doc = format!(
        " Request builder for [`{}::{}`]: set optional parameters, then `.send().await`.",
        r.handle,
        method.trim_start_matches("r#")
    );
    quote! {
        #[doc = #builder_doc]
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #name {
            client: #rt::Client,
            options: #rt::RequestOptions,
            #(#fields,)*
        }

        impl #name {
            fn new(client: #rt::Client, #(#new_args),*) -> Self {
                Self { client, options: Default::default(), #(#inits,)* }
            }

            #options_macro

            #(#setters)*

            fn request(&self) -> #rt::__private::Request {
                #request_fn_body
            }

            #error_fn

            #send

            /// Sends the request and returns the response undecoded (status, headers, body).
            pub async fn send_raw(self) -> #rt::Result<#rt::RawResponse> {
                self.client.__execute(self.request(), &self.options).await
            }

            #streaming
            #paging_methods
        }

        #paging_impl
    }
}

fn status_pattern(s: &str) -> TokenStream {
    if s == "default" {
        return quote!(_);
    }
    if let Some(d) = s.strip_suffix("XX").and_then(|d| d.parse::<u16>().ok()) {
        let lo = d * 100;
        let hi = d * 100 + 99;
        return quote!(#lo..=#hi);
    }
    match s.parse::<u16>() {
        Ok(n) => quote!(#n),
        Err(_) => quote!(_),
    }
}

fn streaming_methods(
    cx: &Ctx<'_>,
    s: &super::ops::Streaming,
    mode: &BodyMode<'_>,
    out_ty: &TokenStream,
) -> Option<TokenStream> {
    use super::ops::StreamSwitch;
    let rt = &cx.rt;
    let types = quote!(super::types::);
    let BodyMode::Fields {
        id,
        optional: false,
        ..
    } = mode
    else {
        return None;
    };
    let def = cx.space.get(*id);
    let field = struct_field(cx.space, &TypeRef::Named(*id), &s.property)?;
    let fi = ident(&field.rust);
    let assign = |value: TokenStream| match repr(field, def) {
        Repr::Optional | Repr::RequiredNullable => quote!(self.body.#fi = Some(#value);),
        Repr::Tristate => quote!(self.body.#fi = #rt::Nullable::Value(#value);),
        Repr::Plain | Repr::Defaulted => quote!(self.body.#fi = #value;),
    };
    let (set_stream, stream_value, background) = match &s.switch {
        StreamSwitch::Flag => (assign(quote!(true)), "true".to_owned(), None),
        StreamSwitch::Enum {
            enum_id,
            stream,
            background,
        } => {
            let DefKind::Enum { variants } = &cx.space.get(*enum_id).kind else {
                return None;
            };
            let enum_name = ident(&cx.space.get(*enum_id).name);
            let variant = |wire: &str| {
                variants
                    .iter()
                    .find(|v| v.wire == wire)
                    .map(|v| ident(&v.rust))
            };
            let sv = variant(stream)?;
            let bg = background
                .as_deref()
                .and_then(|b| variant(b).map(|v| (b.to_owned(), v)));
            (
                assign(quote!(#types #enum_name::#sv)),
                format!("`{stream}`"),
                bg.map(|(wire, v)| (wire, assign(quote!(#types #enum_name::#v)))),
            )
        }
    };
    let event_ty = match &s.event {
        Some(t) => cx.typed(t, &types),
        None => quote!(#rt::serde_json::Value),
    };
    let stream_doc = format!(
        " Sends the request with `{}` set to {stream_value} and returns the answer as a stream of events, decoded one at a time as they arrive.",
        s.property
    );
    let background = background.map(|(wire, set_bg)| {
        let bg_doc = format!(
            " Sends the request with `{}` set to `{wire}`: the server starts the run and answers at once.",
            s.property
        );
        quote! {
            #[doc = #bg_doc]
            pub async fn background(mut self) -> #rt::Result<#out_ty> {
                #set_bg
                self.send().await
            }
        }
    });
    Some(quote! {
        #[doc = #stream_doc]
        pub async fn stream(mut self) -> #rt::Result<#rt::EventStream<#event_ty>> {
            #set_stream
            self.client.__execute_stream(self.request(), &self.options).await
        }
        #background
    })
}

/// An expression reading a field of the success type as an `Option` (`base` reads the field).
fn read_option(f: &Field, owner: &TypeDef, base: TokenStream) -> TokenStream {
    match repr(f, owner) {
        Repr::Plain | Repr::Defaulted => quote!(Some(#base)),
        Repr::Optional | Repr::RequiredNullable => base,
        Repr::Tristate => quote!(#base.into_value()),
    }
}

fn paging_tokens(
    cx: &Ctx<'_>,
    op: &Op,
    name: &Ident,
    page_ty: &TokenStream,
) -> Option<(TokenStream, TokenStream)> {
    let rt = &cx.rt;
    let types = quote!(super::types::);
    let paging = op.paging.as_ref()?;
    let success = op.success.as_ref()?;
    let sid = struct_of(cx.space, &success.ty)?;
    let owner = cx.space.get(sid);
    let items_wire = match paging {
        Paging::Cursor { items, .. } | Paging::PageNumber { items, .. } => items,
    };
    let items = struct_field(cx.space, &success.ty, items_wire)?;
    let TypeRef::Vec(item_ty, items_nullable) = &items.ty else {
        return None;
    };
    let item_tokens = cx.ty(item_ty, &types);
    let items_ident = ident(&items.rust);
    let direct = matches!(repr(items, owner), Repr::Plain | Repr::Defaulted);
    let into_items = match (direct, *items_nullable) {
        (true, false) => quote!(page.#items_ident),
        (true, true) => quote!(page.#items_ident.into_iter().flatten().collect()),
        (false, nullable) => {
            let all = read_option(items, owner, quote!(page.#items_ident));
            if nullable {
                quote!(#all.into_iter().flatten().flatten().collect())
            } else {
                quote!(#all.unwrap_or_default())
            }
        }
    };
    let count = if direct {
        quote!(page.#items_ident.len())
    } else {
        let v = read_option(items, owner, quote!(page.#items_ident.as_ref()));
        quote!(#v.map_or(0, |items| items.len()))
    };
    let common = quote! {
        type Page = #page_ty;
        type Item = #item_tokens;
        fn fetch(self) -> #rt::__private::BoxFuture<'static, #rt::Result<Self::Page>> {
            Box::pin(self.send())
        }
        fn into_items(page: Self::Page) -> Vec<Self::Item> {
            #into_items
        }
    };
    match paging {
        Paging::Cursor {
            param,
            next,
            has_more,
            ..
        } => {
            let p = &op.params[*param];
            let pf = ident(&p.rust);
            let next_field = struct_field(cx.space, &success.ty, next)?;
            let nf = ident(&next_field.rust);
            let mut nv = read_option(next_field, owner, quote!(page.#nf.clone()));
            // A documented "more pages follow" flag that says no ends the stream.
            if let Some(hm) = has_more
                .as_ref()
                .and_then(|h| struct_field(cx.space, &success.ty, h))
            {
                let hf = ident(&hm.rust);
                let more = read_option(hm, owner, quote!(page.#hf));
                nv = quote! {
                    if #more == Some(false) {
                        return None;
                    }
                    #nv
                };
            }
            let (get, set) = if p.required {
                (quote!(Some(self.#pf.clone())), quote!(next.#pf = cursor;))
            } else {
                (quote!(self.#pf.clone()), quote!(next.#pf = Some(cursor);))
            };
            let methods = quote! {
                /// Every page, following the cursor until the server returns none.
                pub fn into_pages(self) -> #rt::PageStream<#page_ty> {
                    #rt::__private::cursor_pages(self)
                }
                /// Every item of every page, in order; the next page is requested while the
                /// current one is consumed.
                pub fn into_stream(self) -> #rt::ItemStream<#item_tokens> {
                    #rt::__private::cursor_items(self)
                }
            };
            let imp = quote! {
                impl #rt::__private::CursorPaged for #name {
                    #common
                    fn cursor(&self) -> Option<String> {
                        #get
                    }
                    fn with_cursor(&self, cursor: String) -> Self {
                        let mut next = self.clone();
                        #set
                        next
                    }
                    fn next_cursor(page: &Self::Page) -> Option<String> {
                        #nv
                    }
                }
            };
            Some((methods, imp))
        }
        Paging::PageNumber {
            param,
            size_param,
            default_size,
            total,
            first,
            ..
        } => {
            let p = &op.params[*param];
            let pf = ident(&p.rust);
            let int = cx.ty(&p.typed.ty, &types);
            let (get, set) = if p.required {
                (
                    quote!(u64::try_from(self.#pf).ok()),
                    quote!(next.#pf = #int::try_from(page).unwrap_or(#int::MAX);),
                )
            } else {
                (
                    quote!(self.#pf.and_then(|page| u64::try_from(page).ok())),
                    quote!(next.#pf = Some(#int::try_from(page).unwrap_or(#int::MAX));),
                )
            };
            let default_size = match default_size {
                Some(n) => quote!(Some(#n)),
                None => quote!(None),
            };
            let size = match size_param {
                Some(i) => {
                    let sp = &op.params[*i];
                    let sf = ident(&sp.rust);
                    if sp.required {
                        quote!(u64::try_from(self.#sf).ok().or(#default_size))
                    } else {
                        quote!(self.#sf.and_then(|size| u64::try_from(size).ok()).or(#default_size))
                    }
                }
                None => default_size,
            };
            let total_read = match total
                .as_ref()
                .and_then(|t| struct_field(cx.space, &success.ty, t))
            {
                Some(tf) => {
                    let tfi = ident(&tf.rust);
                    let v = read_option(tf, owner, quote!(page.#tfi));
                    quote!(#v.and_then(|total| u64::try_from(total).ok()))
                }
                None => quote!({
                    let _ = page;
                    None
                }),
            };
            let methods = quote! {
                /// Every page, from the first one asked for until a short or empty page (or the
                /// total count) says there are no more.
                pub fn into_pages(self) -> #rt::PageStream<#page_ty> {
                    #rt::__private::page_number_pages(self)
                }
                /// Every item of every page, in order; pages after the first are fetched
                /// concurrently (see `page_concurrency`).
                pub fn into_stream(self) -> #rt::ItemStream<#item_tokens> {
                    #rt::__private::page_number_items(self)
                }
            };
            let imp = quote! {
                impl #rt::__private::PageNumberPaged for #name {
                    #common
                    fn first_page(&self) -> u64 {
                        #get.unwrap_or(#first)
                    }
                    fn with_page(&self, page: u64) -> Self {
                        let mut next = self.clone();
                        #set
                        next
                    }
                    fn page_size(&self) -> Option<u64> {
                        #size
                    }
                    fn page_concurrency(&self) -> usize {
                        self.client.__page_concurrency(&self.options)
                    }
                    fn total_items(page: &Self::Page) -> Option<u64> {
                        #total_read
                    }
                    fn item_count(page: &Self::Page) -> usize {
                        #count
                    }
                }
            };
            Some((methods, imp))
        }
    }
}
