//! Prints type definitions: structs (fields, serde attributes, constructor, setters,
//! `Default`), required-fields structs, open enums, aliases and tagged unions.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Ctx, Piece, ident};
use crate::codegen::doc;
use crate::codegen::model::{
    DefaultImpl, DefaultValue, Derive, FieldDef, FieldState, SerdeAttr, StructDef, TypeEntry,
    TypeId, TypeKind, UnionDef,
};

/// The pieces of one type: its definition (and a required-fields struct, if it has one).
pub(super) fn type_items(cx: &Ctx<'_>, id: TypeId) -> Vec<Piece> {
    let t = cx.model.ty(id);
    let mut pieces = definition(cx, id);
    let name = ident(&t.name);
    let cfg = cx.type_cfg(id);
    for old in &t.aliases {
        let old = ident(old);
        let note = format!("renamed to `{}`", t.name);
        let d = format!(" Renamed to [`{}`].", t.name);
        pieces.push(Piece::Items(quote! {
            #[doc = #d]
            #[deprecated(note = #note)]
            #cfg
            pub type #old = #name;
        }));
    }
    pieces
}

/// The definition of a type.
fn definition(cx: &Ctx<'_>, id: TypeId) -> Vec<Piece> {
    let t = cx.model.ty(id);
    let name = ident(&t.name);
    let docs = doc::attrs(&t.docs);
    let cfg = cx.type_cfg(id);
    let p = cx.in_types();
    match &t.kind {
        TypeKind::Alias(target) => {
            let target = target.tokens(&p);
            vec![Piece::Items(
                quote! { #docs #cfg pub type #name = #target; },
            )]
        }
        TypeKind::Enum(e) => {
            let vs = e.variants.iter().map(|v| {
                let vi = ident(&v.rust);
                let wire = &v.wire;
                let vd = format!(" `{}`", v.wire.replace('`', ""));
                quote! { #[doc = #vd] #vi = #wire }
            });
            vec![Piece::OpenEnum {
                features: cx
                    .model
                    .type_features(id)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                tokens: quote! {
                    #docs
                    pub enum #name { #(#vs,)* }
                },
            }]
        }
        TypeKind::Union(u) => vec![Piece::Items(union(cx, t, u, docs, cfg))],
        TypeKind::Struct(s) => {
            let mut pieces = Vec::new();
            if let Some(required) = &s.constructor.required_struct {
                pieces.push(Piece::Items(required_struct(cx, t, s, required, &cfg)));
                for old in &s.constructor.required_aliases {
                    let (old_i, new_i) = (ident(old), ident(required));
                    let note = format!("renamed to `{required}`");
                    let d = format!(" Renamed to [`{required}`].");
                    pieces.push(Piece::Items(quote! {
                        #[doc = #d]
                        #[deprecated(note = #note)]
                        #cfg
                        pub type #old_i = #new_i;
                    }));
                }
            }
            pieces.insert(0, Piece::Items(struct_items(cx, t, s, docs, &cfg)));
            pieces
        }
    }
}

/// `#[derive(..)]` and `#[cfg_attr(feature = "full-serde", derive(..))]`.
fn derives(cx: &Ctx<'_>, default: bool, serialize: Derive, deserialize: Derive) -> TokenStream {
    let mut always = vec![quote!(Clone), quote!(Debug)];
    if default {
        always.push(quote!(Default));
    }
    always.push(quote!(PartialEq));
    let mut gated = Vec::new();
    for (derive, path) in [
        (serialize, quote!(::serde::Serialize)),
        (deserialize, quote!(::serde::Deserialize)),
    ] {
        match (derive, &cx.settings.serde_feature) {
            (Derive::WithFullSerde, Some(_)) => gated.push(path),
            _ => always.push(path),
        }
    }
    let gated = match (&cx.settings.serde_feature, gated.is_empty()) {
        (Some(feature), false) => quote!(#[cfg_attr(feature = #feature, derive(#(#gated),*))]),
        _ => quote!(),
    };
    quote! {
        #[derive(#(#always),*)]
        #gated
    }
}

fn struct_items(
    cx: &Ctx<'_>,
    t: &TypeEntry,
    s: &StructDef,
    docs: TokenStream,
    cfg: &TokenStream,
) -> TokenStream {
    let p = cx.in_types();
    let name = ident(&t.name);
    let derive = derives(
        cx,
        s.default == DefaultImpl::Derive,
        s.serialize,
        s.deserialize,
    );
    let rename_all = s.rename_all.map(|r| quote!(#[serde(rename_all = #r)]));
    let non_exhaustive = s.non_exhaustive.then(|| quote!(#[non_exhaustive]));
    let mut fields: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let fd = doc::attrs(&f.docs);
            let serde = serde_attr(&f.serde);
            let fi = ident(&f.rust);
            let ty = f.ty.tokens(&p);
            quote! { #fd #serde pub #fi: #ty }
        })
        .collect();
    if let Some(v) = &s.additional {
        let v = v.tokens(&p);
        fields.push(quote! {
            /// Properties beyond the documented ones.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<String, #v>
        });
    }
    let inherent = inherent_impl(cx, t, s, cfg);
    let default_impl = (s.default == DefaultImpl::Custom).then(|| {
        let inits = s.fields.iter().map(|f| {
            let fi = ident(&f.rust);
            let v = absent_value(t, f);
            quote!(#fi: #v)
        });
        let extra = s
            .additional
            .as_ref()
            .map(|_| quote!(additional_properties: Default::default(),));
        quote! {
            #cfg
            impl Default for #name {
                fn default() -> Self { Self { #(#inits,)* #extra } }
            }
        }
    });
    quote! {
        #docs
        #cfg
        #derive
        #rename_all
        #non_exhaustive
        pub struct #name { #(#fields,)* }
        #inherent
        #default_impl
    }
}

/// `#[serde(a, b, c)]` for a field, one attribute.
fn serde_attr(parts: &[SerdeAttr]) -> TokenStream {
    if parts.is_empty() {
        return quote!();
    }
    let parts = parts.iter().map(|a| match a {
        SerdeAttr::Rename(w) => quote!(rename = #w),
        SerdeAttr::Default => quote!(default),
        SerdeAttr::DefaultFn(f) => quote!(default = #f),
        SerdeAttr::SkipIf(f) => quote!(skip_serializing_if = #f),
        SerdeAttr::DeserializeWith(f) => quote!(deserialize_with = #f),
        SerdeAttr::Flatten => quote!(flatten),
    });
    quote!(#[serde(#(#parts),*)])
}

/// The value of a field that was not given: `None`, absent, or its default.
fn absent_value(t: &TypeEntry, f: &FieldDef) -> TokenStream {
    match (&f.state, &f.default) {
        (FieldState::Optional, _) => quote!(None),
        (FieldState::Defaulted, Some(d)) if !d.is_trivial() => {
            let fn_name = format_ident!("default_{}", f.rust.trim_start_matches("r#"));
            let _ = t;
            quote!(Self::#fn_name())
        }
        _ => quote!(Default::default()),
    }
}

/// A Rust expression for a default value.
fn default_expr(d: &DefaultValue, f: &FieldDef) -> TokenStream {
    use crate::codegen::model::RustType;
    match d {
        DefaultValue::Bool(b) => quote!(#b),
        DefaultValue::Int(n) => {
            let lit = proc_macro2::Literal::i128_unsuffixed(*n);
            quote!(#lit)
        }
        DefaultValue::Float(x) => {
            if f.value == RustType::F32 {
                #[allow(clippy::cast_possible_truncation)]
                let x = *x as f32;
                quote!(#x)
            } else {
                quote!(#x)
            }
        }
        DefaultValue::Str(s) => quote!(String::from(#s)),
        DefaultValue::Enum(s) => quote!(::core::convert::From::from(#s)),
        DefaultValue::EmptyVec => quote!(Vec::new()),
    }
}

/// `impl Name { new, default_x, setters }`.
fn inherent_impl(cx: &Ctx<'_>, t: &TypeEntry, s: &StructDef, cfg: &TokenStream) -> TokenStream {
    let p = cx.in_types();
    let rt = &cx.rt;
    let ctor_doc = format!(" {}", s.constructor.docs);
    let required: Vec<usize> = s.constructor.args.iter().map(|a| a.field).collect();
    let inits = s.fields.iter().enumerate().map(|(i, f)| {
        let fi = ident(&f.rust);
        if !required.contains(&i) {
            let v = absent_value(t, f);
            return quote!(#fi: #v);
        }
        if s.constructor.required_struct.is_some() {
            return quote!(#fi: required.#fi);
        }
        let arg = s.constructor.args.iter().find(|a| a.field == i);
        match arg {
            Some(a) if a.input.stores_as_is() => quote!(#fi),
            Some(a) => {
                let v = a.input.store(&fi);
                quote!(#fi: #v)
            }
            None => quote!(#fi: Default::default()),
        }
    });
    let extra = s
        .additional
        .as_ref()
        .map(|_| quote!(additional_properties: Default::default(),));
    let params: Vec<TokenStream> = match &s.constructor.required_struct {
        Some(name) => {
            let n = ident(name);
            vec![quote!(required: #n)]
        }
        None => s
            .constructor
            .args
            .iter()
            .map(|a| {
                let fi = ident(&s.fields[a.field].rust);
                let ty = a.input.tokens(&p);
                quote!(#fi: #ty)
            })
            .collect(),
    };
    let default_fns = s.fields.iter().filter_map(|f| {
        let d = f.default.as_ref().filter(|d| !d.is_trivial())?;
        let fn_name = format_ident!("default_{}", f.rust.trim_start_matches("r#"));
        let ty = f.ty.tokens(&p);
        let expr = default_expr(d, f);
        Some(quote! { fn #fn_name() -> #ty { #expr } })
    });
    let setters = s.fields.iter().filter_map(|f| {
        let names = f.setter.as_ref()?;
        let fi = ident(&f.rust);
        let set = ident(&names.set);
        let input = f.input.tokens(&p);
        let store = f.input.store(&format_ident!("value"));
        let value = match f.state {
            FieldState::OptionalNullable => quote!(#rt::Nullable::Value(#store)),
            FieldState::Optional | FieldState::RequiredNullable => quote!(Some(#store)),
            FieldState::Required | FieldState::Defaulted => store,
        };
        let set_doc = format!(" Sets `{}`.", f.rust.trim_start_matches("r#"));
        let null = names.null.as_ref().map(|n| {
            let n = ident(n);
            let d = format!(
                " Sets `{}` to JSON `null`.",
                f.rust.trim_start_matches("r#")
            );
            quote! {
                #[doc = #d]
                pub fn #n(mut self) -> Self {
                    self.#fi = #rt::Nullable::Null;
                    self
                }
            }
        });
        Some(quote! {
            #[doc = #set_doc]
            pub fn #set(mut self, value: #input) -> Self {
                self.#fi = #value;
                self
            }
            #null
        })
    });
    let name = ident(&t.name);
    quote! {
        #cfg
        impl #name {
            #[doc = #ctor_doc]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #extra }
            }
            #(#default_fns)*
            #(#setters)*
        }
    }
}

/// The required-fields struct: the required fields by name, for a constructor that takes them
/// that way.
fn required_struct(
    cx: &Ctx<'_>,
    t: &TypeEntry,
    s: &StructDef,
    name: &str,
    cfg: &TokenStream,
) -> TokenStream {
    let p = cx.in_types();
    let n = ident(name);
    let docs = format!(
        " The required fields of [`{}`], by name: `{}::new` takes them this way, so values of the same type cannot be swapped.",
        t.name, t.name
    );
    let fields = s.constructor.args.iter().map(|a| {
        let f = &s.fields[a.field];
        let fd = doc::attrs(&f.docs);
        let fi = ident(&f.rust);
        let ty = a.plain.tokens(&p);
        quote! { #fd pub #fi: #ty }
    });
    quote! {
        #[doc = #docs]
        #cfg
        #[derive(Clone, Debug, PartialEq)]
        pub struct #n { #(#fields,)* }
    }
}

fn union(
    cx: &Ctx<'_>,
    t: &TypeEntry,
    u: &UnionDef,
    docs: TokenStream,
    cfg: TokenStream,
) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&t.name);
    let vs = u.variants.iter().map(|v| {
        let vi = ident(&v.rust);
        let payload = ident(&cx.model.ty(v.payload).name);
        let vd = format!(" `{}: {}`.", u.tag, v.tag);
        quote! { #[doc = #vd] #vi(#payload) }
    });
    let tag = &u.tag;
    let arms = u.variants.iter().map(|v| {
        let vi = ident(&v.rust);
        let wire = &v.tag;
        quote!(Some(#wire) => #rt::__private::serde_helpers::variant(value).map(Self::#vi),)
    });
    let serialize = match (u.serialize, &cx.settings.serde_feature) {
        (Derive::WithFullSerde, Some(f)) => {
            quote!(#[cfg_attr(feature = #f, derive(::serde::Serialize))] #[cfg_attr(feature = #f, serde(untagged))])
        }
        _ => quote!(#[derive(::serde::Serialize)] #[serde(untagged)]),
    };
    let deserialize_cfg = match (u.deserialize, &cx.settings.serde_feature) {
        (Derive::WithFullSerde, Some(f)) => quote!(#[cfg(feature = #f)]),
        _ => quote!(),
    };
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, PartialEq)]
        #serialize
        #[non_exhaustive]
        pub enum #name {
            #(#vs,)*
            /// A value whose discriminator this version of the client does not know, kept as is.
            Unknown(#rt::serde_json::Value),
        }
        #cfg
        #deserialize_cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #rt::__private::serde_helpers::deserialize_tagged(deserializer, #tag, |tag, value| match tag {
                    #(#arms)*
                    _ => Ok(Self::Unknown(value)),
                })
            }
        }
    }
}
