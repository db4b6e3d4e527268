//! Prints streaming: `.stream()` (and `.background()`) setting the body property the model
//! resolved.

use proc_macro2::TokenStream;
use quote::quote;

use super::builders::wrap;
use super::{Ctx, ident};
use crate::codegen::model::{Operation, RustType, StreamPlan, StreamValue};

/// An expression of a switch value.
fn value(cx: &Ctx<'_>, v: &StreamValue) -> TokenStream {
    match v {
        StreamValue::True => quote!(true),
        StreamValue::Variant { ty, variant, .. } => {
            let t = RustType::Named(*ty).tokens(&cx.in_resource());
            let v = ident(variant);
            quote!(#t::#v)
        }
    }
}

/// The value as documented (`true`, `` `stream` ``).
fn shown(v: &StreamValue) -> String {
    match v {
        StreamValue::True => "`true`".to_owned(),
        StreamValue::Variant { wire, .. } => format!("`{wire}`"),
    }
}

/// `.stream()` and, when the switch has a background value, `.background()`.
pub(super) fn methods(cx: &Ctx<'_>, op: &Operation, s: &StreamPlan) -> TokenStream {
    let rt = &cx.rt;
    let fi = ident(&s.field.field);
    let target = if s.body_optional {
        quote!(self.body.get_or_insert_with(Default::default))
    } else {
        quote!(self.body)
    };
    let assign = |v: &StreamValue| {
        let v = wrap(s.field.state, value(cx, v), rt);
        quote!(#target.#fi = #v;)
    };
    let event_ty = s.event.tokens(&cx.in_resource());
    let out_ty = op.output.tokens(&cx.in_resource());
    let set_stream = assign(&s.stream);
    let stream_doc = format!(
        " Sends the request with `{}` set to {} and returns the answer as a stream of events, decoded one at a time as they arrive.",
        s.property,
        shown(&s.stream)
    );
    let background = s.background.as_ref().map(|b| {
        let set_bg = assign(b);
        let bg_doc = format!(
            " Sends the request with `{}` set to {}: the server starts the run and answers at once.",
            s.property,
            shown(b)
        );
        quote! {
            #[doc = #bg_doc]
            pub async fn background(mut self) -> #rt::Result<#out_ty> {
                #set_bg
                self.send().await
            }
        }
    });
    quote! {
        #[doc = #stream_doc]
        pub async fn stream(mut self) -> #rt::Result<#rt::EventStream<#event_ty>> {
            #set_stream
            self.client.__execute_stream(self.request(), &self.options).await
        }
        #background
    }
}
