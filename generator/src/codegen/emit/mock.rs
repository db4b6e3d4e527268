//! Prints the typed layer of the runtime's mock server (`alli_api::mock`): the document, one
//! descriptor per operation, entry points, one handle per resource and one rule type per
//! operation whose matchers are named and typed like the client builder's setters
//! (`alli-api/RUNTIME_CONTRACT.md`, section "Mock").

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Ctx, ident, renamed_modules, renamed_types};
use crate::codegen::ClientAccessors;
use crate::codegen::model::mock::{Matcher, MatcherKind};
use crate::codegen::model::{
    ArgTarget, Operation, ParamIn, ParamStyle, Resource, RustType, StreamValue,
};

/// The descriptor static of an operation: `CONVERSATIONS_GET`.
fn descriptor(op: &Operation) -> proc_macro2::Ident {
    ident(&op.mock_rule.descriptor)
}

/// A `ParamStyle` expression of the runtime, by full path.
fn style(rt: &TokenStream, style: ParamStyle, explode: bool, allow_reserved: bool) -> TokenStream {
    super::builders::param_style(&quote!(#rt::__private::), style, explode, allow_reserved)
}

/// `generated/mock.rs`.
pub(super) fn mock_file(cx: &Ctx<'_>) -> TokenStream {
    let rt = &cx.rt;
    let model = cx.model;
    let descriptors = model
        .operations()
        .map(|(r, op)| operation_static(cx, r, op));
    let all = model.operations().map(|(r, op)| {
        let cfg = cx.resource_cfg(&r.module);
        let d = descriptor(op);
        quote!(#cfg &#d)
    });
    let handles = model.resources.iter().map(|r| handle(cx, r));
    let rules = model.resources.iter().map(|r| rule_module(cx, r));
    // The accessor methods, `pub` when inherent, without a visibility in a trait impl.
    let accessors = |vis: TokenStream| -> Vec<TokenStream> {
        model
            .resources
            .iter()
            .map(|r| {
                let a = ident(&r.accessor);
                let h = ident(&r.handle);
                let d = format!(" Rules for the `{}` operations.", r.tag);
                let cfg = cx.resource_cfg(&r.module);
                let aliases = r.aliases.iter().map(|old| {
                    let old = ident(old);
                    let note = format!("renamed to `{}`", r.accessor);
                    let d = format!(" Renamed to `{}`.", r.accessor);
                    // In a trait impl the trait's declaration carries the deprecation.
                    let deprecated =
                        (!vis.is_empty()).then(|| quote!(#[doc = #d] #[deprecated(note = #note)]));
                    quote! {
                        #deprecated
                        #cfg
                        #vis fn #old(&self) -> #h<'_> {
                            #h { mock: self }
                        }
                    }
                });
                quote! {
                    #[doc = #d]
                    #cfg
                    #vis fn #a(&self) -> #h<'_> {
                        #h { mock: self }
                    }
                    #(#aliases)*
                }
            })
            .collect()
    };
    let entry = match &cx.settings.accessors {
        ClientAccessors::Inherent => {
            let accessors = accessors(quote!(pub));
            quote! {
            impl MockAlli {
                /// A mock of the API with the defaults (auto-respond on, verification on drop).
                ///
                /// # Panics
                ///
                /// If the mock cannot start (no local port can be bound).
                pub async fn start() -> MockAlli {
                    match Self::configure().start().await {
                        Ok(mock) => mock,
                        Err(e) => panic!("{e}"),
                    }
                }

                /// A builder with the API's document and descriptors, to change the defaults.
                pub fn configure() -> MockBuilder {
                    Self::builder(OPENAPI).operations(operations::ALL.iter().copied())
                }

                #(#accessors)*
            }
            }
        }
        ClientAccessors::Trait(name) => {
            let trait_name = format_ident!("{}Mock", name);
            let sigs = model.resources.iter().map(|r| {
                let a = ident(&r.accessor);
                let h = ident(&r.handle);
                let d = format!(" Rules for the `{}` operations.", r.tag);
                let cfg = cx.resource_cfg(&r.module);
                let aliases = r.aliases.iter().map(|old| {
                    let old = ident(old);
                    let note = format!("renamed to `{}`", r.accessor);
                    quote! { #[deprecated(note = #note)] #cfg fn #old(&self) -> #h<'_>; }
                });
                quote! { #[doc = #d] #cfg fn #a(&self) -> #h<'_>; #(#aliases)* }
            });
            let impls = accessors(TokenStream::new());
            quote! {
                /// A mock of the API with the defaults (auto-respond on, verification on drop).
                ///
                /// # Panics
                ///
                /// If the mock cannot start (no local port can be bound).
                pub async fn start() -> MockAlli {
                    match configure().start().await {
                        Ok(mock) => mock,
                        Err(e) => panic!("{e}"),
                    }
                }

                /// A builder with the API's document and descriptors, to change the defaults.
                pub fn configure() -> MockBuilder {
                    MockAlli::builder(OPENAPI).operations(operations::ALL.iter().copied())
                }

                /// The rule handles of this API on the mock server.
                pub trait #trait_name { #(#sigs)* }
                impl #trait_name for MockAlli { #(#impls)* }
            }
        }
    };
    quote! {
        #![doc = " Typed rules for the mock server: one handle per resource, one rule type per operation, matchers named like the client's setters."]
        #![allow(clippy::too_many_arguments)]
        use #rt::mock::{MockAlli, MockBuilder, Operation};

        /// The API's OpenAPI document, which the mock serves and checks requests against.
        pub const OPENAPI: &str = include_str!("openapi.json");

        /// One descriptor per operation: its name, wire facts and the JSON pointers of its schemas.
        pub mod operations {
            use super::Operation;
            #(#descriptors)*
            /// Every descriptor, in operation order.
            pub static ALL: &[&Operation] = &[#(#all),*];
        }

        #entry
        #(#handles)*
        #(#rules)*
    }
}

fn operation_static(cx: &Ctx<'_>, r: &Resource, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let name = descriptor(op);
    let cfg = cx.resource_cfg(&r.module);
    let doc = format!(" `{}`: `{} {}`.", op.label, op.method, op.path);
    let (id, method, path) = (&op.label, &op.method, &op.path);
    let opt = |v: &Option<String>| match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    };
    let request_body = opt(&op.mock.request_body);
    let media = opt(&op.mock.success_media_type);
    let schema = opt(&op.mock.success_schema);
    let status = proc_macro2::Literal::u16_unsuffixed(op.mock.success_status);
    let errors = op
        .mock
        .error_statuses
        .iter()
        .map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
    let stream = match &op.streaming {
        Some(s) => match &s.stream {
            StreamValue::Variant { wire, .. } => {
                let field = &s.property;
                quote!(Some(#rt::mock::StreamSelector { body_field: #field, value: #wire }))
            }
            StreamValue::True => quote!(None),
        },
        None => quote!(None),
    };
    let value = quote! {
        Operation {
            id: #id,
            method: #method,
            path: #path,
            request_body: #request_body,
            success_status: #status,
            success_media_type: #media,
            success_schema: #schema,
            error_statuses: &[#(#errors),*],
            stream: #stream,
        }
    };
    // A former name is a deprecated copy (the engine knows an operation by method and path).
    let aliases = op.mock_rule.descriptor_aliases.iter().map(|old| {
        let old = ident(old);
        let note = format!("renamed to `{}`", op.mock_rule.descriptor);
        let d = format!(" Renamed to [`{}`].", op.mock_rule.descriptor);
        quote! {
            #[doc = #d]
            #[deprecated(note = #note)]
            #cfg
            pub static #old: Operation = #value;
        }
    });
    quote! {
        #[doc = #doc]
        #cfg
        pub static #name: Operation = #value;
        #(#aliases)*
    }
}

/// The handle of one resource: a method per operation taking the path parameters.
fn handle(cx: &Ctx<'_>, r: &Resource) -> TokenStream {
    let p = cx.in_mock(quote!(super::types::));
    let h = ident(&r.handle);
    let m = ident(&r.module);
    let doc = format!(
        " Rules for the `{}` operations: one method per operation, named like the client's, taking its path parameters.",
        r.tag
    );
    let methods = r.ops.iter().map(|op| {
        let name = ident(&op.name);
        let rule = ident(&op.builder);
        let desc = descriptor(op);
        let mut sig = Vec::new();
        let mut sig_names = Vec::new();
        let mut matchers = Vec::new();
        for a in &op.args {
            let ArgTarget::Param(i) = a.target else {
                continue;
            };
            let param = &op.params[i];
            if param.location != ParamIn::Path {
                continue;
            }
            let n = ident(&a.name);
            let ty = a.ty.tokens(&p);
            let value_ty = param.value.tokens(&p);
            let store = a.ty.store(&n);
            let wire = &param.wire;
            sig.push(quote!(#n: #ty));
            sig_names.push(n.clone());
            let simple = param.style == ParamStyle::Simple && !param.explode;
            let matcher = if simple {
                quote!(.path_param(#wire, &#n))
            } else {
                let st = style(&cx.rt, param.style, param.explode, false);
                quote!(.path_param_with(#wire, &#n, #st))
            };
            matchers.push((quote!(let #n: #value_ty = #store;), matcher));
        }
        let lets = matchers.iter().map(|(l, _)| l);
        let calls = matchers.iter().map(|(_, c)| c);
        let names: Vec<_> = sig_names.iter().collect();
        let doc = format!(" A rule for `{}` (`{} {}`).", op.label, op.method, op.path);
        let aliases = op.method_aliases.iter().map(|old| {
            let old = ident(old);
            let new = op.name.trim_start_matches("r#");
            let note = format!("renamed to `{new}`");
            let d = format!(" Renamed to [`{new}`](Self::{new}).");
            quote! {
                #[doc = #d]
                #[deprecated(note = #note)]
                #[track_caller]
                pub fn #old(&self, #(#sig),*) -> #m::#rule {
                    self.#name(#(#names),*)
                }
            }
        });
        quote! {
            #[doc = #doc]
            #[track_caller]
            pub fn #name(&self, #(#sig),*) -> #m::#rule {
                #(#lets)*
                #m::#rule {
                    rule: self.mock.expectation(&operations::#desc) #(#calls)*,
                }
            }
            #(#aliases)*
        }
    });
    let cfg = cx.resource_cfg(&r.module);
    quote! {
        #[doc = #doc]
        #cfg
        #[derive(Debug, Clone, Copy)]
        pub struct #h<'a> {
            mock: &'a MockAlli,
        }

        #cfg
        impl #h<'_> {
            #(#methods)*
        }
    }
}

/// The rule types of one resource's operations.
fn rule_module(cx: &Ctx<'_>, r: &Resource) -> TokenStream {
    let m = ident(&r.module);
    let rt = &cx.rt;
    let doc = format!(" Typed rules of the `{}` operations.", r.tag);
    let rules = r.ops.iter().map(|op| rule_type(cx, op));
    let cfg = cx.resource_cfg(&r.module);
    let type_aliases = r
        .ops
        .iter()
        .map(|op| renamed_types(&op.builder, &op.builder_aliases));
    let module_aliases = renamed_modules(&r.module, &r.aliases, &cfg);
    quote! {
        #[doc = #doc]
        #cfg
        pub mod #m {
            use #rt::mock::Expectation;
            #(#rules)*
            #(#type_aliases)*
        }
        #module_aliases
    }
}

fn rule_type(cx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let p = cx.in_mock(quote!(super::super::types::));
    let name = ident(&op.builder);
    let rule = &op.mock_rule;
    let success = rule.success.tokens(&p);
    let error = rule.error.tokens(&p);
    let event = rule.event.as_ref().map(|e| e.tokens(&p));
    let rule_macro = match event {
        Some(e) => quote!(#rt::__mock_rule!(success = #success, error = #error, stream = #e);),
        None => quote!(#rt::__mock_rule!(success = #success, error = #error);),
    };
    let matchers = rule.matchers.iter().map(|m| matcher(cx, op, m));
    let doc = format!(
        " A rule for `{}`: matchers named like the client builder's setters, then an answer.",
        op.label
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            pub(super) rule: Expectation,
        }

        impl #name {
            #rule_macro
            #(#matchers)*
        }
    }
}

/// Prints one matcher of the operation's rule.
fn matcher(cx: &Ctx<'_>, op: &Operation, m: &Matcher) -> TokenStream {
    let p = cx.in_mock(quote!(super::super::types::));
    let name = ident(&m.name);
    let value = format_ident!("value");
    let param = |i: usize| &op.params[i];
    let (doc, args, body) = match &m.kind {
        MatcherKind::Param {
            param: i,
            input,
            value: held,
        } => {
            let param = param(*i);
            let wire = &param.wire;
            let ty = input.tokens(&p);
            let value_ty = held.tokens(&p);
            let store = input.store(&value);
            let st = style(&cx.rt, param.style, param.explode, param.allow_reserved);
            let (call, what) = match param.location {
                ParamIn::Header => (quote!(header_param), "header"),
                _ => (quote!(query_param), "query parameter"),
            };
            (
                format!(" Matches {what} `{wire}`."),
                quote!(value: #ty),
                quote! {
                    let value: #value_ty = #store;
                    self.rule = self.rule.#call(#wire, &value, #st);
                },
            )
        }
        // A string header's value and a parameter's absence: one runtime macro each.
        MatcherKind::StringHeader { param: i } => {
            let (rt, wire) = (&cx.rt, &param(*i).wire);
            return quote!(#rt::__mock_matcher!(header #name, #wire););
        }
        MatcherKind::ParamAbsent {
            param: i,
            first_page,
        } => {
            let (rt, wire) = (&cx.rt, &param(*i).wire);
            let form = match (param(*i).location, first_page) {
                (ParamIn::Header, _) => quote!(header_absent),
                (_, true) => quote!(first_page),
                (_, false) => quote!(query_absent),
            };
            return quote!(#rt::__mock_matcher!(#form #name, #wire););
        }
        MatcherKind::Body { ty } => {
            let t = ty.tokens(&p);
            (
                " Matches the whole request body.".to_owned(),
                quote!(body: #t),
                quote!(self.rule = self.rule.body(body);),
            )
        }
        MatcherKind::BodyField {
            wire,
            input,
            value: value_ty,
        } => {
            let ty = input.tokens(&p);
            let value_ty = value_ty.tokens(&p);
            let store = input.store(&value);
            (
                format!(" Matches body field `{wire}`."),
                quote!(value: #ty),
                quote! {
                    let value: #value_ty = #store;
                    self.rule = self.rule.body_field(#wire, value);
                },
            )
        }
        MatcherKind::BodyFieldNull { wire } => (
            format!(" Matches body field `{wire}` sent as `null`."),
            TokenStream::new(),
            quote!(self.rule = self.rule.body_field(#wire, ());),
        ),
        MatcherKind::BodyFieldAbsent { wire, switch } => {
            let why = if *switch {
                " (no stream asked for: the plain answer)"
            } else {
                ""
            };
            (
                format!(" Matches requests without body field `{wire}`{why}."),
                TokenStream::new(),
                quote!(self.rule = self.rule.body_field_absent(#wire);),
            )
        }
        MatcherKind::Switch {
            wire,
            ty,
            variant,
            value: on,
        } => {
            let t = RustType::Named(*ty).tokens(&p);
            let v = ident(variant);
            (
                format!(" Matches requests sent with `.background()` (`{wire}: \"{on}\"`)."),
                TokenStream::new(),
                quote!(self.rule = self.rule.body_field(#wire, #t::#v);),
            )
        }
    };
    quote! {
        #[doc = #doc]
        pub fn #name(mut self, #args) -> Self {
            #body
            self
        }
    }
}
