//! Prints the typed layer of the runtime's mock server (`alli_api::mock`): the document, one
//! descriptor per operation, entry points, one handle per resource and one rule type per
//! operation whose matchers are named and typed like the client builder's setters
//! (`alli-api/RUNTIME_CONTRACT.md`, section "Mock").

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Ctx, ident};
use crate::codegen::ClientAccessors;
use crate::codegen::model::{
    AnswerPlan, ArgTarget, ArgType, BodyPlan, FieldState, Operation, PagingPlan, ParamIn,
    ParamStyle, Resource, RustType, SetterKind, StreamValue, TypeKind,
};

/// The descriptor static of an operation: `CONVERSATIONS_GET`.
fn descriptor(r: &Resource, op: &Operation) -> proc_macro2::Ident {
    let name = format!(
        "{}_{}",
        r.module.to_shouty_snake_case(),
        op.name.trim_start_matches("r#").to_shouty_snake_case()
    );
    format_ident!("{}", name)
}

/// A `ParamStyle` expression of the runtime.
fn style(rt: &TokenStream, style: ParamStyle, explode: bool, allow_reserved: bool) -> TokenStream {
    let s = match style {
        ParamStyle::Simple => quote!(Simple),
        ParamStyle::Label => quote!(Label),
        ParamStyle::Matrix => quote!(Matrix),
        ParamStyle::Form => quote!(Form),
        ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(PipeDelimited),
        ParamStyle::DeepObject => quote!(DeepObject),
    };
    let base = quote!(#rt::__private::ParamStyle::new(#rt::__private::Style::#s, #explode));
    if allow_reserved {
        quote!(#base.allow_reserved())
    } else {
        base
    }
}

/// `generated/mock.rs`.
pub(super) fn mock_file(cx: &Ctx<'_>) -> TokenStream {
    let rt = &cx.rt;
    let model = cx.model;
    let descriptors = model
        .operations()
        .map(|(r, op)| operation_static(cx, r, op));
    let all: Vec<_> = model
        .operations()
        .map(|(r, op)| descriptor(r, op))
        .collect();
    let n = all.len();
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
                quote! {
                    #[doc = #d]
                    #vis fn #a(&self) -> #h<'_> {
                        #h { mock: self }
                    }
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
                    Self::builder(OPENAPI).operations(operations::ALL)
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
                quote! { #[doc = #d] fn #a(&self) -> #h<'_>; }
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
                    MockAlli::builder(OPENAPI).operations(operations::ALL)
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
        use #rt::mock::{Expectation, MockAlli, MockBuilder, Operation};

        /// The API's OpenAPI document, which the mock serves and checks requests against.
        pub const OPENAPI: &str = include_str!("openapi.json");

        /// One descriptor per operation: its name, wire facts and the JSON pointers of its schemas.
        pub mod operations {
            use super::Operation;
            #(#descriptors)*
            /// Every descriptor, in operation order.
            pub static ALL: [&Operation; #n] = [#(&#all),*];
        }

        #entry
        #(#handles)*
        #(#rules)*
    }
}

fn operation_static(cx: &Ctx<'_>, r: &Resource, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let name = descriptor(r, op);
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
    quote! {
        #[doc = #doc]
        pub static #name: Operation = Operation {
            id: #id,
            method: #method,
            path: #path,
            request_body: #request_body,
            success_status: #status,
            success_media_type: #media,
            success_schema: #schema,
            error_statuses: &[#(#errors),*],
            stream: #stream,
        };
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
        let desc = descriptor(r, op);
        let mut sig = Vec::new();
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
        let doc = format!(" A rule for `{}` (`{} {}`).", op.label, op.method, op.path);
        quote! {
            #[doc = #doc]
            #[track_caller]
            pub fn #name(&self, #(#sig),*) -> #m::#rule {
                #(#lets)*
                #m::#rule {
                    rule: self.mock.expectation(&operations::#desc) #(#calls)*,
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #h<'a> {
            mock: &'a MockAlli,
        }

        impl #h<'_> {
            #(#methods)*
        }
    }
}

/// The rule types of one resource's operations.
fn rule_module(cx: &Ctx<'_>, r: &Resource) -> TokenStream {
    let m = ident(&r.module);
    let doc = format!(" Typed rules of the `{}` operations.", r.tag);
    let rules = r.ops.iter().map(|op| rule_type(cx, op));
    quote! {
        #[doc = #doc]
        pub mod #m {
            use super::Expectation;
            #(#rules)*
        }
    }
}

fn rule_type(cx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let p = cx.in_mock(quote!(super::super::types::));
    let name = ident(&op.builder);
    let json = quote!(#rt::serde_json::Value);
    let success = match &op.answer {
        AnswerPlan::Json => op.output.tokens(&p),
        AnswerPlan::Empty => quote!(()),
        AnswerPlan::Text(_) => quote!(String),
        AnswerPlan::Download(_) => json.clone(),
        AnswerPlan::Events(_) => match &op.output {
            RustType::EventStream(e) => e.tokens(&p),
            _ => json.clone(),
        },
    };
    let error = match op.errors.as_slice() {
        [one] => one.ty.tokens(&p),
        _ => json.clone(),
    };
    let event = match (&op.answer, &op.streaming) {
        (AnswerPlan::Events(_), _) => Some(success.clone()),
        (_, Some(s)) if matches!(s.stream, StreamValue::Variant { .. }) => Some(s.event.tokens(&p)),
        _ => None,
    };
    let rule_macro = match event {
        Some(e) => quote!(#rt::__mock_rule!(success = #success, error = #error, stream = #e);),
        None => quote!(#rt::__mock_rule!(success = #success, error = #error);),
    };
    let matchers: Vec<TokenStream> = op
        .setters
        .iter()
        .filter_map(|s| matcher(cx, op, s))
        .chain(body_field_matchers(cx, op))
        .collect();
    let paging = match &op.paging {
        Some(PagingPlan::Cursor {
            param: (field, _), ..
        }) => op.params.iter().find(|p| p.rust == *field).map(|param| {
            let without = format_ident!("without_{}", param.rust.trim_start_matches("r#"));
            let wire = &param.wire;
            let d = format!(" Matches requests without query parameter `{wire}` (the first page).");
            quote! {
                #[doc = #d]
                pub fn #without(mut self) -> Self {
                    self.rule = self.rule.query_absent(#wire);
                    self
                }
            }
        }),
        _ => None,
    };
    let background = op.streaming.as_ref().and_then(|s| {
        let StreamValue::Variant { ty, variant, wire } = s.background.as_ref()? else {
            return None;
        };
        let t = RustType::Named(*ty).tokens(&p);
        let v = ident(variant);
        let field = &s.property;
        let d = format!(" Matches requests sent with `.background()` (`{field}: \"{wire}\"`).");
        Some(quote! {
            #[doc = #d]
            pub fn background(mut self) -> Self {
                self.rule = self.rule.body_field(#field, #t::#v);
                self
            }
        })
    });
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
            #paging
            #background
        }
    }
}

/// One matcher per field of a body of fields, required ones included (a rule usually matches a
/// few fields only), named like the client's argument or setter; `_null` ones for fields the
/// client can send as `null`. The streaming switch is matched by `streams(..)` and
/// `background()`.
fn body_field_matchers(cx: &Ctx<'_>, op: &Operation) -> Vec<TokenStream> {
    let p = cx.in_mock(quote!(super::super::types::));
    let BodyPlan::Fields { ty, .. } = &op.body else {
        return Vec::new();
    };
    let TypeKind::Struct(st) = &cx.model.ty(*ty).kind else {
        return Vec::new();
    };
    let switch = op.streaming.as_ref().map(|s| s.property.as_str());
    let mut out = Vec::new();
    for (i, f) in st.fields.iter().enumerate() {
        if switch == Some(f.wire.as_str()) {
            continue;
        }
        let Some(member) = op.body_members.get(i) else {
            continue;
        };
        let name = ident(member);
        let wire = &f.wire;
        let stored = if f.boxed {
            RustType::Boxed(Box::new(f.value.clone()))
        } else {
            f.value.clone()
        };
        let (input, value_ty) = match f.state {
            FieldState::RequiredNullable => {
                let t = stored.clone().option();
                (ArgType::Into(t.clone()), t)
            }
            _ => (f.input.clone(), stored),
        };
        let ty = input.tokens(&p);
        let value_ty = value_ty.tokens(&p);
        let store = input.store(&format_ident!("value"));
        let d = format!(" Matches body field `{wire}`.");
        out.push(quote! {
            #[doc = #d]
            pub fn #name(mut self, value: #ty) -> Self {
                let value: #value_ty = #store;
                self.rule = self.rule.body_field(#wire, value);
                self
            }
        });
        if f.state == FieldState::OptionalNullable {
            let null = op
                .setters
                .iter()
                .find(|s| matches!(s.kind, SetterKind::BodyFieldNull { field } if field == i))
                .map(|s| s.name.clone())
                .unwrap_or_else(|| format!("{}_null", member.trim_start_matches("r#")));
            let null = ident(&null);
            let d = format!(" Matches body field `{wire}` sent as `null`.");
            out.push(quote! {
                #[doc = #d]
                pub fn #null(mut self) -> Self {
                    self.rule = self.rule.body_field(#wire, ());
                    self
                }
            });
        }
    }
    out
}

/// The matcher of one client setter, if the mock can match what it sets.
fn matcher(cx: &Ctx<'_>, op: &Operation, s: &crate::codegen::model::Setter) -> Option<TokenStream> {
    let p = cx.in_mock(quote!(super::super::types::));
    let name = ident(&s.name);
    let value = format_ident!("value");
    match &s.kind {
        SetterKind::Param { param, input } => {
            let param = &op.params[*param];
            let wire = &param.wire;
            let ty = input.tokens(&p);
            let value_ty = param.value.tokens(&p);
            let store = input.store(&value);
            let st = style(&cx.rt, param.style, param.explode, param.allow_reserved);
            let (call, what) = match param.location {
                ParamIn::Query => (quote!(query_param(#wire, &value, #st)), "query parameter"),
                ParamIn::Header => (quote!(header_param(#wire, &value, #st)), "header"),
                ParamIn::Path | ParamIn::Cookie => return None,
            };
            let d = format!(" Matches {what} `{wire}`.");
            Some(quote! {
                #[doc = #d]
                pub fn #name(mut self, value: #ty) -> Self {
                    let value: #value_ty = #store;
                    self.rule = self.rule.#call;
                    self
                }
            })
        }
        SetterKind::StringHeader { param, .. } => {
            let wire = &op.params[*param].wire;
            let d = format!(" Matches header `{wire}`.");
            Some(quote! {
                #[doc = #d]
                pub fn #name(mut self, value: impl Into<String>) -> Self {
                    self.rule = self.rule.header(#wire, &value.into());
                    self
                }
            })
        }
        SetterKind::Body { ty } => {
            let t = ty.tokens(&p);
            Some(quote! {
                /// Matches the whole request body.
                pub fn #name(mut self, body: #t) -> Self {
                    self.rule = self.rule.body(body);
                    self
                }
            })
        }
        SetterKind::BodyField { .. }
        | SetterKind::BodyFieldNull { .. }
        | SetterKind::FormField { .. }
        | SetterKind::BodyBytes => None,
    }
}
