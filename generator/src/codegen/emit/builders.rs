//! Prints a resource module: the handle, its client accessor, one method per operation, and
//! each operation's request builder (fields, setters, the request, `send`).
//!
//! Where machine code is generated: an operation's `async` methods (`send`, `send_raw`,
//! `stream`) are compiled in the crate that awaits them, and the plain functions they call
//! (`request`, `error_body`, and the pagination glue in [`paging`]) are `#[inline]` so they are
//! too. A crate that calls two operations compiles the serialization, decoding and error
//! decoding of those two; the generated crate itself compiles none of it (BENCHMARKS.md §3).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Ctx, docs, ident, paging, renamed_types, streaming};
use crate::codegen::ClientAccessors;
use crate::codegen::doc::{self, paragraphs};
use crate::codegen::model::{
    AnswerPlan, ArgTarget, BodyPlan, FieldState, Operation, ParamIn, ParamStyle, Resource,
    RustType, SetterKind, StatusMatch, StructDef, TypeKind,
};

/// The module of one resource.
pub(super) fn resource_file(cx: &Ctx<'_>, r: &Resource) -> TokenStream {
    let handle = ident(&r.handle);
    let rt = &cx.rt;
    let handle_doc = format!("The `{}` operations: `client.{}()`.", r.tag, r.accessor);
    let methods = r.ops.iter().map(|op| handle_method(cx, r, op));
    let builders = r.ops.iter().map(|op| builder(cx, r, op));
    let accessor = ident(&r.accessor);
    let accessor_doc = doc::attrs(&r.docs);
    let accessor_aliases = r.aliases.iter().map(|old| {
        let old = ident(old);
        let note = format!("renamed to `{}`", r.accessor);
        let d = format!(" Renamed to [`{}`](Self::{}).", r.accessor, r.accessor);
        quote! {
            #[doc = #d]
            #[deprecated(note = #note)]
            pub fn #old(&self) -> #handle<'_> {
                #handle::new(self)
            }
        }
    });
    let accessor_impl = match &cx.settings.accessors {
        ClientAccessors::Inherent => {
            let client = super::runtime_path(&cx.settings.client_type);
            quote! {
                impl #client {
                    #accessor_doc
                    pub fn #accessor(&self) -> #handle<'_> {
                        #handle::new(self)
                    }
                    #(#accessor_aliases)*
                }
            }
        }
        ClientAccessors::Trait(_) => quote!(),
    };
    let builder_aliases = r
        .ops
        .iter()
        .map(|op| renamed_types(&op.builder, &op.builder_aliases));
    let inner_doc = format!(" {}", r.docs.replace('\n', "\n "));
    let handle_docs = doc::attrs(&paragraphs([r.docs.clone(), handle_doc]));
    let uses = runtime_imports(r, rt);
    quote! {
        #![doc = #inner_doc]
        #![allow(clippy::too_many_arguments)]
        #uses
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
        #(#builder_aliases)*
    }
}

/// `use $rt::__private::{FieldEncoding, ParamStyle, Style};`, each only if a request names it.
fn runtime_imports(r: &Resource, rt: &TokenStream) -> TokenStream {
    let form_fields = || {
        r.ops.iter().flat_map(|op| match &op.body {
            BodyPlan::Form { fields, .. } => fields.iter().filter(|f| !f.file).collect(),
            _ => Vec::new(),
        })
    };
    let params = || {
        r.ops
            .iter()
            .flat_map(|op| op.params.iter().filter(|p| p.field.is_some()))
    };
    let non_default = |style: ParamStyle, explode: bool| {
        !matches!(
            (style, explode),
            (ParamStyle::Form, true) | (ParamStyle::Simple, false)
        )
    };
    let simple_path = |p: &crate::codegen::model::ParamDef| {
        p.location == ParamIn::Path
            && p.style == ParamStyle::Simple
            && !p.explode
            && !p.allow_reserved
    };
    let mut names = Vec::new();
    if form_fields().next().is_some() {
        names.push(quote!(FieldEncoding));
    }
    let param_style = params().any(|p| !simple_path(p)) || form_fields().any(|f| f.style.is_some());
    if param_style {
        names.push(quote!(ParamStyle));
    }
    let style = params().any(|p| !simple_path(p) && non_default(p.style, p.explode))
        || form_fields().any(|f| f.style.is_some_and(|(s, e)| non_default(s, e)));
    if style {
        names.push(quote!(Style));
    }
    if names.is_empty() {
        quote!()
    } else {
        quote!(use #rt::__private::{#(#names),*};)
    }
}

fn handle_method(cx: &Ctx<'_>, r: &Resource, op: &Operation) -> TokenStream {
    let p = cx.in_resource();
    let docs = doc::attrs(&docs::operation_docs(cx, r, op));
    let m = ident(&op.name);
    let b = ident(&op.builder);
    let names = op.args.iter().map(|a| ident(&a.name));
    let sig = op.args.iter().map(|a| {
        let n = ident(&a.name);
        let t = a.ty.tokens(&p);
        quote!(#n: #t)
    });
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated = "deprecated by the API"]));
    let sig: Vec<TokenStream> = sig.collect();
    let names: Vec<_> = names.collect();
    let aliases = op.method_aliases.iter().map(|old| {
        let old = ident(old);
        let note = format!("renamed to `{}`", op.name.trim_start_matches("r#"));
        let d = format!(
            " Renamed to [`{0}`](Self::{0}).",
            op.name.trim_start_matches("r#")
        );
        quote! {
            #[doc = #d]
            #[deprecated(note = #note)]
            pub fn #old(&self, #(#sig),*) -> #b {
                self.#m(#(#names),*)
            }
        }
    });
    quote! {
        #docs
        #deprecated
        pub fn #m(&self, #(#sig),*) -> #b {
            #b::new(self.client.clone(), #(#names),*)
        }
        #(#aliases)*
    }
}

/// The body struct of an operation whose body is built from fields.
fn body_struct<'a>(cx: &Ctx<'a>, op: &Operation) -> Option<(&'a StructDef, bool)> {
    let BodyPlan::Fields { ty, optional } = &op.body else {
        return None;
    };
    match &cx.model.ty(*ty).kind {
        TypeKind::Struct(s) => Some((s, *optional)),
        _ => None,
    }
}

/// `self.body` for a field setter: the body itself, or the optional body, created on first use.
fn body_target(optional: bool) -> TokenStream {
    if optional {
        quote!(self.body.get_or_insert_with(Default::default))
    } else {
        quote!(self.body)
    }
}

/// A stored value in the representation of a field state.
pub(super) fn wrap(state: FieldState, value: TokenStream, rt: &TokenStream) -> TokenStream {
    match state {
        FieldState::OptionalNullable => quote!(#rt::Nullable::Value(#value)),
        FieldState::Optional | FieldState::RequiredNullable => quote!(Some(#value)),
        FieldState::Required | FieldState::Defaulted => value,
    }
}

fn builder(cx: &Ctx<'_>, r: &Resource, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let p = cx.in_resource();
    let name = ident(&op.builder);

    // Fields of the builder, and their initial values.
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    for (i, param) in op.params.iter().enumerate() {
        let Some(t) = &param.field else { continue };
        let f = ident(&param.rust);
        let t = t.tokens(&p);
        fields.push(quote!(#f: #t));
        inits.push(field_init(op, &ArgTarget::Param(i), &f, quote!(None)));
    }
    if let Some(t) = op.body.field_type() {
        let t = t.tokens(&p);
        fields.push(quote!(body: #t));
        inits.push(body_init(cx, op));
    }
    if let BodyPlan::Raw { .. } = op.body {
        fields.push(quote!(body: Option<(String, Vec<u8>)>));
        inits.push(quote!(body: None));
    }
    if let BodyPlan::Form { fields: form, .. } = &op.body {
        for (i, field) in form.iter().enumerate() {
            let f = ident(&field.rust);
            let t = field.value.tokens(&p);
            if field.required {
                fields.push(quote!(#f: #t));
                inits.push(field_init(
                    op,
                    &ArgTarget::FormField(i),
                    &f,
                    quote!(Default::default()),
                ));
            } else {
                fields.push(quote!(#f: Option<#t>));
                inits.push(quote!(#f: None));
            }
        }
    }
    let new_args = op.args.iter().map(|a| {
        let n = ident(&a.name);
        let t = a.ty.tokens(&p);
        quote!(#n: #t)
    });

    let setters = op.setters.iter().map(|s| setter(cx, op, s));
    let request_fn = request_fn(cx, r, op);
    let error_fn = error_decoder(cx, op);
    let send = send_fn(cx, op);
    let stream_methods = op.streaming.as_ref().map(|s| streaming::methods(cx, op, s));
    let (paging_methods, paging_impl) = match &op.paging {
        Some(plan) => paging::tokens(cx, op, plan),
        None => (quote!(), quote!()),
    };
    let mut extras = Vec::new();
    if matches!(
        op.paging,
        Some(crate::codegen::model::PagingPlan::PageNumber { .. })
    ) {
        extras.push(quote!(page_concurrency));
    }
    if matches!(op.body, BodyPlan::Form { .. }) {
        extras.push(quote!(upload_progress));
    }
    let options_macro = quote!(#rt::__request_options!(#(#extras),*););
    let builder_doc = format!(
        " Request builder for [`{}::{}`]: set optional parameters, then `.send().await`.",
        r.handle,
        op.name.trim_start_matches("r#")
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

            #request_fn

            #error_fn

            #send

            /// Sends the request and returns the response undecoded (status, headers, body).
            pub async fn send_raw(self) -> #rt::Result<#rt::RawResponse> {
                self.client.__execute(self.request(), &self.options).await
            }

            #stream_methods
            #paging_methods
        }

        #paging_impl
    }
}

/// The initial value of builder field `f`: the argument setting `target`, stored as it is
/// taken, else `absent`.
fn field_init(
    op: &Operation,
    target: &ArgTarget,
    f: &proc_macro2::Ident,
    absent: TokenStream,
) -> TokenStream {
    match op.args.iter().find(|a| a.target == *target) {
        Some(a) if a.ty.stores_as_is() => quote!(#f),
        Some(a) => {
            let v = a.ty.store(f);
            quote!(#f: #v)
        }
        None => quote!(#f: #absent),
    }
}

/// The initial value of the builder's `body` field.
fn body_init(cx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let p = cx.in_resource();
    match &op.body {
        BodyPlan::Fields {
            ty,
            optional: false,
        } => {
            let struct_name = RustType::Named(*ty).tokens(&p);
            let Some((s, _)) = body_struct(cx, op) else {
                return quote!(body: Default::default());
            };
            if s.constructor.args.is_empty() {
                return quote!(body: #struct_name::new());
            }
            match &s.constructor.required_struct {
                Some(_) => quote!(body: #struct_name::new(required)),
                None => {
                    let args = op.args.iter().filter_map(|a| match a.target {
                        ArgTarget::BodyField(_) => Some(ident(&a.name)),
                        _ => None,
                    });
                    quote!(body: #struct_name::new(#(#args),*))
                }
            }
        }
        BodyPlan::Whole {
            optional: false, ..
        } => quote!(body),
        _ => quote!(body: None),
    }
}

fn setter(cx: &Ctx<'_>, op: &Operation, s: &crate::codegen::model::Setter) -> TokenStream {
    let rt = &cx.rt;
    let p = cx.in_resource();
    let name = ident(&s.name);
    let d = doc::attrs(&s.docs);
    // A setter that stores its value in an optional field of the builder.
    let store_some = |field: &str, input: &crate::codegen::model::ArgType| {
        let f = ident(field);
        let ty = input.tokens(&p);
        let store = input.store(&format_ident!("value"));
        quote! {
            #d
            pub fn #name(mut self, value: #ty) -> Self {
                self.#f = Some(#store);
                self
            }
        }
    };
    match &s.kind {
        SetterKind::Param { param, input } => store_some(&op.params[*param].rust, input),
        SetterKind::StringHeader { param, without } => {
            let wire = &op.params[*param].wire;
            let without = ident(without);
            let text = format!(" {}", s.docs);
            // The runtime holds the two methods once.
            quote! { #rt::__header_param!(#name, #without, #wire, #text); }
        }
        SetterKind::BodyField { field, input } => {
            let Some((st, optional)) = body_struct(cx, op) else {
                return quote!();
            };
            let f = &st.fields[*field];
            let fi = ident(&f.rust);
            let ty = input.tokens(&p);
            let value = wrap(f.state, input.store(&format_ident!("value")), rt);
            let target = body_target(optional);
            quote! {
                #d
                pub fn #name(mut self, value: #ty) -> Self {
                    #target.#fi = #value;
                    self
                }
            }
        }
        SetterKind::BodyFieldNull { field } => {
            let Some((st, optional)) = body_struct(cx, op) else {
                return quote!();
            };
            let fi = ident(&st.fields[*field].rust);
            let target = body_target(optional);
            quote! {
                #d
                pub fn #name(mut self) -> Self {
                    #target.#fi = #rt::Nullable::Null;
                    self
                }
            }
        }
        SetterKind::Body { ty } => {
            let t = ty.tokens(&p);
            let optional = matches!(
                op.body,
                BodyPlan::Fields { optional: true, .. } | BodyPlan::Whole { optional: true, .. }
            );
            let value = if optional {
                quote!(Some(body))
            } else {
                quote!(body)
            };
            quote! {
                #d
                pub fn #name(mut self, body: #t) -> Self {
                    self.body = #value;
                    self
                }
            }
        }
        SetterKind::FormField { field, input } => {
            let BodyPlan::Form { fields, .. } = &op.body else {
                return quote!();
            };
            store_some(&fields[*field].rust, input)
        }
        SetterKind::BodyBytes => quote! {
            #d
            pub fn #name(mut self, content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
                self.body = Some((content_type.into(), bytes.into()));
                self
            }
        },
    }
}

/// `fn request(&self) -> Request`: the method, path, parameters, body and headers.
fn request_fn(cx: &Ctx<'_>, r: &Resource, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let method = ident(&op.method);
    let template = &op.path;
    let label = &op.label;
    let _ = r;
    let mut build = Vec::new();
    for param in &op.params {
        if param.field.is_none() {
            continue;
        }
        let f = ident(&param.rust);
        let wire = &param.wire;
        let simple_path =
            param.style == ParamStyle::Simple && !param.explode && param.location == ParamIn::Path;
        let style = param_style(
            &TokenStream::new(),
            param.style,
            param.explode,
            param.allow_reserved,
        );
        build.push(match param.location {
            ParamIn::Path if simple_path => quote!(request.path_param(#wire, &self.#f);),
            ParamIn::Path => quote!(request.path_param_with(#wire, &self.#f, #style);),
            ParamIn::Query => quote!(request.query_param(#wire, &self.#f, #style);),
            ParamIn::Header => quote!(request.header_param(#wire, &self.#f, #style);),
            ParamIn::Cookie => quote!(request.cookie_param(#wire, &self.#f, #style);),
        });
    }
    match &op.body {
        BodyPlan::None => {}
        BodyPlan::Form { fields, multipart } => {
            for field in fields {
                let f = ident(&field.rust);
                let wire = &field.wire;
                if field.file {
                    let ct = match &field.content_type {
                        Some(ct) => quote!(Some(#ct)),
                        None => quote!(None),
                    };
                    build.push(quote!(request.multipart_file(#wire, &self.#f, #ct);));
                    continue;
                }
                let mut encoding = quote!(FieldEncoding::new());
                if let Some(ct) = &field.content_type {
                    encoding = quote!(#encoding.content_type(#ct));
                }
                if let Some((style, explode)) = field.style {
                    let style = param_style(&TokenStream::new(), style, explode, false);
                    encoding = quote!(#encoding.style(#style));
                }
                build.push(if *multipart {
                    quote!(request.multipart_field(#wire, &self.#f, #encoding);)
                } else {
                    quote!(request.form_field(#wire, &self.#f, #encoding);)
                });
            }
        }
        BodyPlan::Raw { .. } => build.push(quote! {
            if let Some((content_type, bytes)) = &self.body {
                request.raw_body(content_type, bytes);
            }
        }),
        BodyPlan::Fields { optional: true, .. } | BodyPlan::Whole { optional: true, .. } => build
            .push(quote! {
                if let Some(body) = &self.body {
                    request.json(body);
                }
            }),
        _ => build.push(quote!(request.json(&self.body);)),
    }
    // A JSON media type other than `application/json` is sent as documented.
    if let Some(ct) = &op.json_content_type {
        build.push(quote!(request.header("Content-Type", &#ct);));
    }
    match &op.answer {
        AnswerPlan::Text(ct) | AnswerPlan::Download(ct) | AnswerPlan::Events(ct) => {
            build.push(quote!(request.header("Accept", &#ct);))
        }
        AnswerPlan::Json | AnswerPlan::Empty => {}
    }
    if !op.error_arms.is_empty() {
        build.push(quote!(request.error_decoder(Self::error_body);));
    }
    if let Some(e) = &op.envelope {
        build.push(quote!(request.envelope_errors(#e);));
    }
    let new_request =
        quote!(#rt::__private::Request::new(#rt::__private::Method::#method, #template, #label));
    if build.is_empty() {
        quote! {
            #[inline]
            fn request(&self) -> #rt::__private::Request {
                #new_request
            }
        }
    } else {
        quote! {
            #[inline]
            fn request(&self) -> #rt::__private::Request {
                let mut request = #new_request;
                #(#build)*
                request
            }
        }
    }
}

/// A `ParamStyle` expression, the runtime's constants for the defaults; `path` is where
/// `ParamStyle` and `Style` are named from (nothing where the module imports them).
pub(super) fn param_style(
    path: &TokenStream,
    style: ParamStyle,
    explode: bool,
    allow_reserved: bool,
) -> TokenStream {
    let base = match (style, explode) {
        (ParamStyle::Form, true) => quote!(#path ParamStyle::FORM),
        (ParamStyle::Simple, false) => quote!(#path ParamStyle::SIMPLE),
        (style, explode) => {
            let s = match style {
                ParamStyle::Simple => quote!(Simple),
                ParamStyle::Label => quote!(Label),
                ParamStyle::Matrix => quote!(Matrix),
                ParamStyle::Form => quote!(Form),
                ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
                ParamStyle::PipeDelimited => quote!(PipeDelimited),
                ParamStyle::DeepObject => quote!(DeepObject),
            };
            quote!(#path ParamStyle::new(#path Style::#s, #explode))
        }
    };
    if allow_reserved {
        quote!(#base.allow_reserved())
    } else {
        base
    }
}

/// `fn error_body(status, body)`: the typed error body of a status, one match arm per
/// [`ErrorArm`](crate::codegen::model::ErrorArm).
fn error_decoder(cx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let p = cx.in_resource();
    if let [only] = op.error_arms.as_slice() {
        if only.statuses == [StatusMatch::Any] {
            let t = only.ty.tokens(&p);
            return quote! {
                #[inline]
                fn error_body(_status: u16, body: &[u8]) -> Option<Box<dyn #rt::__private::ErrorBody>> {
                    #rt::__private::typed_error::<#t>(body)
                }
            };
        }
    }
    if op.error_arms.is_empty() {
        return quote!();
    }
    let arms = op.error_arms.iter().map(|arm| {
        let pats = arm.statuses.iter().map(|s| match *s {
            StatusMatch::Code(n) => quote!(#n),
            StatusMatch::Range(lo, hi) => quote!(#lo..=#hi),
            StatusMatch::Any => quote!(_),
        });
        let t = arm.ty.tokens(&p);
        quote!( #(#pats)|* => #rt::__private::typed_error::<#t>(body), )
    });
    let exhaustive = op
        .error_arms
        .last()
        .is_some_and(|a| a.statuses.contains(&StatusMatch::Any));
    let fallback = (!exhaustive).then(|| quote!(_ => None,));
    quote! {
        #[inline]
        fn error_body(status: u16, body: &[u8]) -> Option<Box<dyn #rt::__private::ErrorBody>> {
            match status {
                #(#arms)*
                #fallback
            }
        }
    }
}

/// `send()`: decodes the answer as the model says.
fn send_fn(cx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let out = op.output.tokens(&cx.in_resource());
    let decode = match &op.answer {
        AnswerPlan::Json => quote!(response.__decode(None)),
        AnswerPlan::Empty => quote!(response.__decode_empty()),
        AnswerPlan::Text(_) => quote!(Ok(response.text().into_owned())),
        AnswerPlan::Download(_) => {
            return quote! {
                /// Sends the request and returns the answer as a download: its bytes as they
                /// arrive, with its content type and file name (see `Download::save_to`).
                pub async fn send(self) -> #rt::Result<#out> {
                    self.client.__execute_download(self.request(), &self.options).await
                }
            };
        }
        AnswerPlan::Events(_) => {
            return quote! {
                /// Sends the request and returns the answer as a stream of events, decoded one at a
                /// time as they arrive.
                pub async fn send(self) -> #rt::Result<#out> {
                    self.client.__execute_stream(self.request(), &self.options).await
                }
            };
        }
    };
    quote! {
        /// Sends the request and decodes the response.
        pub async fn send(self) -> #rt::Result<#out> {
            let response = self.client.__execute(self.request(), &self.options).await?;
            #decode
        }
    }
}
