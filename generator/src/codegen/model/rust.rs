//! Rust type expressions of the model, and the one printer that spells them.
//!
//! [`RustType`] is a type as generated code declares it (`Option<Box<types::App>>`);
//! [`ArgType`] is how a method takes a value (`impl Into<String>`). Both are printed to tokens
//! by [`RustType::tokens`] / [`ArgType::tokens`] — for the emitter — and to text by
//! [`RustType::text`] / [`ArgType::text`], which normalize those same tokens: the API listing
//! and the impact report read exactly what the emitter prints.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::TypeId;

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RustType {
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
    /// `Vec<T>`.
    Vec(Box<RustType>),
    /// `BTreeMap<String, T>`.
    Map(Box<RustType>),
    /// `Option<T>`.
    Option(Box<RustType>),
    /// The runtime's `Nullable<T>`: absent, null or a value.
    Nullable(Box<RustType>),
    /// `Box<T>`.
    Boxed(Box<RustType>),
    /// `()`.
    Unit,
    /// The runtime's bytes (`Bytes`).
    Bytes,
    /// The runtime's `EventStream<T>`.
    EventStream(Box<RustType>),
    /// A type of the same module (a request builder).
    Local(String),
    /// A generated type outside the registry, by name (a required-fields struct).
    Generated(String),
    /// The runtime's `FilePart` (a file of a multipart body).
    FilePart,
    /// The runtime's `Download` (a binary answer, streamed).
    Download,
}

impl RustType {
    /// `Option<self>`.
    pub fn option(self) -> RustType {
        RustType::Option(Box::new(self))
    }

    /// Whether this is an integer type.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            RustType::I32 | RustType::I64 | RustType::U32 | RustType::U64
        )
    }

    /// Tokens of the type, as written at a place described by `cx`.
    pub fn tokens(&self, cx: &PrintCx<'_>) -> TokenStream {
        let rt = &cx.runtime;
        match self {
            RustType::Named(id) => {
                let name = ident(cx.type_name(*id));
                let types = &cx.types;
                quote!(#types #name)
            }
            RustType::String => quote!(String),
            RustType::Bool => quote!(bool),
            RustType::I32 => quote!(i32),
            RustType::I64 => quote!(i64),
            RustType::U32 => quote!(u32),
            RustType::U64 => quote!(u64),
            RustType::F32 => quote!(f32),
            RustType::F64 => quote!(f64),
            RustType::Json => quote!(#rt::serde_json::Value),
            RustType::JsonObject => quote!(#rt::serde_json::Map<String, #rt::serde_json::Value>),
            RustType::Vec(t) => {
                let t = t.tokens(cx);
                quote!(Vec<#t>)
            }
            RustType::Map(t) => {
                let t = t.tokens(cx);
                quote!(::std::collections::BTreeMap<String, #t>)
            }
            RustType::Option(t) => {
                let t = t.tokens(cx);
                quote!(Option<#t>)
            }
            RustType::Nullable(t) => {
                let t = t.tokens(cx);
                quote!(#rt::Nullable<#t>)
            }
            RustType::Boxed(t) => {
                let t = t.tokens(cx);
                quote!(Box<#t>)
            }
            RustType::Unit => quote!(()),
            RustType::Bytes => quote!(#rt::__private::Bytes),
            RustType::EventStream(t) => {
                let t = t.tokens(cx);
                quote!(#rt::EventStream<#t>)
            }
            RustType::Local(name) => {
                let name = ident(name);
                quote!(#name)
            }
            RustType::Generated(name) => {
                let name = ident(name);
                let types = &cx.types;
                quote!(#types #name)
            }
            RustType::FilePart => quote!(#rt::FilePart),
            RustType::Download => quote!(#rt::Download),
        }
    }

    /// The type as text, for listings and reports.
    pub fn text(&self, cx: &PrintCx<'_>) -> String {
        tokens_text(&self.tokens(cx))
    }
}

/// How a method takes a value, and so how the value is stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ArgType {
    /// `T`, stored as is.
    Exact(RustType),
    /// `T`, stored as `Box::new(value)` in a `Box<T>` (a recursive field).
    Boxed(RustType),
    /// `impl Into<T>`, stored as `value.into()`.
    Into(RustType),
    /// `impl IntoIterator<Item = impl Into<T>>`, stored as a `Vec<T>`.
    IterInto(RustType),
}

impl ArgType {
    /// The argument type of a value of type `t` (not `Option`): `impl Into<String>` for
    /// strings and open enums, iterators for lists of strings or JSON, the type itself else.
    /// `is_enum` tells whether a named type is an open enum.
    pub fn of(t: &RustType, is_enum: impl Fn(TypeId) -> bool) -> ArgType {
        match t {
            RustType::String => ArgType::Into(RustType::String),
            RustType::Named(id) if is_enum(*id) => ArgType::Into(t.clone()),
            RustType::Vec(inner) if matches!(**inner, RustType::String | RustType::Json) => {
                ArgType::IterInto((**inner).clone())
            }
            t => ArgType::Exact(t.clone()),
        }
    }

    /// Tokens of the argument type.
    pub fn tokens(&self, cx: &PrintCx<'_>) -> TokenStream {
        match self {
            ArgType::Exact(t) | ArgType::Boxed(t) => t.tokens(cx),
            ArgType::Into(t) => {
                let t = t.tokens(cx);
                quote!(impl Into<#t>)
            }
            ArgType::IterInto(t) => {
                let t = t.tokens(cx);
                quote!(impl IntoIterator<Item = impl Into<#t>>)
            }
        }
    }

    /// The type [`store`](Self::store) makes of the argument.
    pub fn stored(&self) -> RustType {
        match self {
            ArgType::Exact(t) | ArgType::Into(t) => t.clone(),
            ArgType::Boxed(t) => RustType::Boxed(Box::new(t.clone())),
            ArgType::IterInto(t) => RustType::Vec(Box::new(t.clone())),
        }
    }

    /// Whether the argument is stored as it is given.
    pub fn stores_as_is(&self) -> bool {
        matches!(self, ArgType::Exact(_))
    }

    /// The expression storing argument `name`.
    pub fn store(&self, name: &Ident) -> TokenStream {
        match self {
            ArgType::Exact(_) => quote!(#name),
            ArgType::Boxed(_) => quote!(Box::new(#name)),
            ArgType::Into(_) => quote!(#name.into()),
            ArgType::IterInto(_) => quote!(#name.into_iter().map(Into::into).collect()),
        }
    }

    /// The argument type as text, for listings and reports.
    pub fn text(&self, cx: &PrintCx<'_>) -> String {
        tokens_text(&self.tokens(cx))
    }
}

/// Where a type expression is printed: the path of generated types (`super::types::`, or
/// nothing inside `types.rs`), the runtime crate (`crate`, `alli_api`), and the type names.
#[derive(Debug, Clone)]
pub struct PrintCx<'a> {
    /// Prefix of generated type names.
    pub types: TokenStream,
    /// The runtime crate path.
    pub runtime: TokenStream,
    /// Type names, by [`TypeId`].
    pub names: &'a [String],
}

impl PrintCx<'_> {
    fn type_name(&self, id: TypeId) -> &str {
        self.names.get(id.0).map(String::as_str).unwrap_or("Value")
    }
}

/// An identifier from a name that may be raw (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Token text without the printer's spacing: `Option < String >` → `Option<String>`, but
/// `impl Into<String>` keeps its word spaces.
pub fn tokens_text(tokens: &TokenStream) -> String {
    let raw = tokens.to_string();
    let mut out = String::with_capacity(raw.len());
    let chars: Vec<char> = raw.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars.get(i + 1).copied();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            // Keep the space between two words (`impl Into`, `dyn Fn`) and after a comma.
            if (word(prev) && word(next))
                || prev == Some(',')
                || prev == Some('=')
                || next == Some('=')
            {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(names: &[String]) -> PrintCx<'_> {
        PrintCx {
            types: quote!(types::),
            runtime: quote!(alli_api),
            names,
        }
    }

    #[test]
    fn types_print_the_same_as_tokens_and_text() {
        let names = vec!["App".to_owned()];
        let cx = cx(&names);
        let t = RustType::Option(Box::new(RustType::Vec(Box::new(RustType::Named(TypeId(
            0,
        ))))));
        assert_eq!(t.text(&cx), "Option<Vec<types::App>>");
        let n = RustType::Nullable(Box::new(RustType::String));
        assert_eq!(n.text(&cx), "alli_api::Nullable<String>");
        assert_eq!(
            ArgType::IterInto(RustType::String).text(&cx),
            "impl IntoIterator<Item = impl Into<String>>"
        );
        assert_eq!(
            ArgType::Into(RustType::Option(Box::new(RustType::String))).text(&cx),
            "impl Into<Option<String>>"
        );
        assert_eq!(
            RustType::JsonObject.text(&cx),
            "alli_api::serde_json::Map<String, alli_api::serde_json::Value>"
        );
    }

    #[test]
    fn argument_types_follow_the_value() {
        let is_enum = |id: TypeId| id.0 == 1;
        assert_eq!(
            ArgType::of(&RustType::String, is_enum),
            ArgType::Into(RustType::String)
        );
        assert_eq!(
            ArgType::of(&RustType::Named(TypeId(1)), is_enum),
            ArgType::Into(RustType::Named(TypeId(1)))
        );
        assert_eq!(
            ArgType::of(&RustType::Named(TypeId(0)), is_enum),
            ArgType::Exact(RustType::Named(TypeId(0)))
        );
        assert_eq!(
            ArgType::of(&RustType::Vec(Box::new(RustType::String)), is_enum),
            ArgType::IterInto(RustType::String)
        );
        assert_eq!(
            ArgType::of(&RustType::Vec(Box::new(RustType::I64)), is_enum),
            ArgType::Exact(RustType::Vec(Box::new(RustType::I64)))
        );
    }
}
