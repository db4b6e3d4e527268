//! Prints pagination: `into_pages()` / `into_stream()` and the runtime trait impl reading the
//! fields the model resolved.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, ident};
use crate::codegen::model::{FieldRead, FieldState, ItemsRead, Operation, PagingPlan};

/// An expression reading a response field as an `Option` (`base` reads the field).
fn read_option(read: &FieldRead, base: TokenStream) -> TokenStream {
    match read.state {
        FieldState::Required | FieldState::Defaulted => quote!(Some(#base)),
        FieldState::Optional | FieldState::RequiredNullable => base,
        FieldState::OptionalNullable => quote!(#base.into_value()),
    }
}

/// Whether a field is read directly (never absent).
fn direct(read: &FieldRead) -> bool {
    matches!(read.state, FieldState::Required | FieldState::Defaulted)
}

/// The builder methods and the trait impl of a paginated operation.
pub(super) fn tokens(
    cx: &Ctx<'_>,
    op: &Operation,
    plan: &PagingPlan,
) -> (TokenStream, TokenStream) {
    let rt = &cx.rt;
    let p = cx.in_resource();
    let name = ident(&op.builder);
    let page_ty = op.output.tokens(&p);
    let items = plan.items();
    let item_ty = items.item.tokens(&p);
    let common = {
        let into_items = into_items(items);
        quote! {
            type Page = #page_ty;
            type Item = #item_ty;
            #[inline]
            fn fetch(self) -> #rt::__private::BoxFuture<'static, #rt::Result<Self::Page>> {
                Box::pin(self.send())
            }
            #[inline]
            fn into_items(page: Self::Page) -> Vec<Self::Item> {
                #into_items
            }
        }
    };
    match plan {
        PagingPlan::Cursor {
            param: (param, required),
            next,
            has_more,
            ..
        } => {
            let pf = ident(param);
            let nf = ident(&next.field);
            let mut next_value = read_option(next, quote!(page.#nf.clone()));
            // A documented "more pages follow" flag that says no ends the stream.
            if let Some(hm) = has_more {
                let hf = ident(&hm.field);
                let more = read_option(hm, quote!(page.#hf));
                next_value = quote! {
                    if #more == Some(false) {
                        return None;
                    }
                    #next_value
                };
            }
            let (get, set) = if *required {
                (quote!(Some(self.#pf.clone())), quote!(next.#pf = cursor;))
            } else {
                (quote!(self.#pf.clone()), quote!(next.#pf = Some(cursor);))
            };
            let methods = quote! {
                /// Every page, following the cursor until the server returns none.
                #[inline]
                pub fn into_pages(self) -> #rt::PageStream<#page_ty> {
                    #rt::__private::cursor_pages(self)
                }
                /// Every item of every page, in order; the next page is requested while the
                /// current one is consumed.
                #[inline]
                pub fn into_stream(self) -> #rt::ItemStream<#item_ty> {
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
                        #next_value
                    }
                }
            };
            (methods, imp)
        }
        PagingPlan::PageNumber {
            param: (param, required, int),
            size,
            default_size,
            total,
            first,
            ..
        } => {
            let pf = ident(param);
            let int = int.tokens(&p);
            let (get, set) = if *required {
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
            let size = match size {
                Some((field, true)) => {
                    let sf = ident(field);
                    quote!(u64::try_from(self.#sf).ok().or(#default_size))
                }
                Some((field, false)) => {
                    let sf = ident(field);
                    quote!(self.#sf.and_then(|size| u64::try_from(size).ok()).or(#default_size))
                }
                None => default_size,
            };
            let total_read = match total {
                Some(t) => {
                    let tf = ident(&t.field);
                    let v = read_option(t, quote!(page.#tf));
                    quote!(#v.and_then(|total| u64::try_from(total).ok()))
                }
                None => quote!({
                    let _ = page;
                    None
                }),
            };
            let count = item_count(items);
            let methods = quote! {
                /// Every page, from the first one asked for until a short or empty page (or the
                /// total count) says there are no more.
                #[inline]
                pub fn into_pages(self) -> #rt::PageStream<#page_ty> {
                    #rt::__private::page_number_pages(self)
                }
                /// Every item of every page, in order; pages after the first are fetched
                /// concurrently (see `page_concurrency`).
                #[inline]
                pub fn into_stream(self) -> #rt::ItemStream<#item_ty> {
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
            (methods, imp)
        }
    }
}

/// The items of a page as a `Vec` (null items skipped).
fn into_items(items: &ItemsRead) -> TokenStream {
    let f = ident(&items.read.field);
    match (direct(&items.read), items.nullable_items) {
        (true, false) => quote!(page.#f),
        (true, true) => quote!(page.#f.into_iter().flatten().collect()),
        (false, nullable) => {
            let all = read_option(&items.read, quote!(page.#f));
            if nullable {
                quote!(#all.into_iter().flatten().flatten().collect())
            } else {
                quote!(#all.unwrap_or_default())
            }
        }
    }
}

/// The number of items of a page.
fn item_count(items: &ItemsRead) -> TokenStream {
    let f = ident(&items.read.field);
    if direct(&items.read) {
        quote!(page.#f.len())
    } else {
        let v = read_option(&items.read, quote!(page.#f.as_ref()));
        quote!(#v.map_or(0, |items| items.len()))
    }
}
