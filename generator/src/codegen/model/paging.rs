//! Pagination, in one place: from an `x-pagination` declaration or, without one, from the
//! usual parameter and field names, resolved to the builder's parameter fields and the
//! response's fields. A declaration that does not resolve is a located error.
//!
//! - **Cursor**: a string query parameter (`cursor-param`, else one of
//!   [`GeneratorSettings::cursor_params`] or [`CURSOR_PARAMS`]) whose next value is a string
//!   field of the response (`cursor-field`, else the parameter's own name or one of
//!   [`NEXT_CURSOR_FIELDS`]); optionally a boolean "more pages" field (`has-more-field`, else one
//!   of [`HAS_MORE_FIELDS`]).
//! - **Page number**: an integer query parameter (`page-param`, else one of
//!   [`GeneratorSettings::page_params`] or [`PAGE_PARAMS`]), an optional page-size parameter
//!   (`page-size-param`, else [`PAGE_SIZE_PARAMS`]), the page size when none is sent
//!   (`page-size`, else the size parameter's default), an optional total (`total-field`, else
//!   [`TOTAL_FIELDS`]); the first page is the parameter's default, else its minimum, else 1.
//! - **Items**: the response's array field (`items`, else its only array field).

use serde_json::Value;

use super::{FieldDef, FieldRead, ItemsRead, PagingPlan, ParamDef, RustType, TypeEntry, TypeKind};
use crate::codegen::ir::ops::{Op, ParamIn};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::overrides::GeneratorSettings;

/// Cursor parameter names recognised without a declaration.
pub const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "after",
    "starting_after",
    "page_token",
    "pageToken",
    "next_token",
    "nextToken",
];

/// Response fields holding the next cursor, besides one named like the parameter.
pub const NEXT_CURSOR_FIELDS: &[&str] = &[
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "last_id",
    "lastId",
];

/// Boolean response fields saying whether more pages follow.
pub const HAS_MORE_FIELDS: &[&str] = &["has_more", "hasMore", "has_next", "hasNext"];

/// Page-number parameter names recognised without a declaration.
pub const PAGE_PARAMS: &[&str] = &["pageNo", "page", "page_no", "pageNumber"];

/// Page-size parameter names.
pub const PAGE_SIZE_PARAMS: &[&str] = &["pageSize", "page_size", "limit", "perPage", "per_page"];

/// Response fields holding the total number of items.
pub const TOTAL_FIELDS: &[&str] = &["totalCount", "total", "total_count", "totalItems"];

/// The declaration's keys.
struct Declared<'a>(Option<&'a serde_json::Map<String, Value>>);

impl Declared<'_> {
    fn get(&self, key: &str) -> Option<String> {
        self.0
            .and_then(|d| d.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
    fn is_some(&self) -> bool {
        self.0.is_some()
    }
}

/// Resolves the pagination of `op`: `None` when it does not page (or says `x-pagination:
/// false`); an error in `diags` when a declaration cannot be resolved.
pub(super) fn resolve(
    types: &[TypeEntry],
    op: &Op,
    params: &[ParamDef],
    output: &RustType,
    settings: &GeneratorSettings,
    diags: &mut Diagnostics,
) -> Option<PagingPlan> {
    if op.pagination == Some(Value::Bool(false)) {
        return None;
    }
    let decl = Declared(op.pagination.as_ref().and_then(Value::as_object));
    let error = |diags: &mut Diagnostics, message: String| {
        if decl.is_some() {
            diags.push(Diagnostic::error(
                "pagination",
                Location {
                    pointer: Some(op.pointer.push("x-pagination").to_string()),
                    ..Location::default()
                },
                message,
            ));
        }
    };
    let Some(fields) = response_fields(types, output) else {
        error(
            diags,
            "`x-pagination` is declared but the response is not a JSON object".to_owned(),
        );
        return None;
    };
    let Some(items) = items(&decl, fields) else {
        error(
            diags,
            match decl.get("items") {
                Some(name) => format!(
                    "`x-pagination` names items `{name}`, which is not an array field of the response"
                ),
                None => "`x-pagination` needs `items`: the response has no single array field"
                    .to_owned(),
            },
        );
        return None;
    };
    let query = |wire: &str| {
        params
            .iter()
            .position(|p| p.location == ParamIn::Query && p.wire == wire)
    };
    let kind = decl.get("kind");
    if kind.as_deref().is_none_or(|k| k == "cursor") {
        let names = settings
            .cursor_params
            .clone()
            .unwrap_or_else(|| owned(CURSOR_PARAMS));
        let param = match decl.get("cursor-param") {
            Some(w) => match query(&w) {
                Some(i) => Some(i),
                None => {
                    error(
                        diags,
                        format!(
                            "`x-pagination` names cursor parameter `{w}`, which is not a query parameter of the operation"
                        ),
                    );
                    return None;
                }
            },
            None => names.iter().find_map(|n| query(n)),
        };
        if let Some(param) = param.filter(|&i| params[i].value == RustType::String) {
            let p = &params[param];
            let next = match decl.get("cursor-field") {
                Some(w) => Some(w),
                None => std::iter::once(p.wire.as_str())
                    .chain(NEXT_CURSOR_FIELDS.iter().copied())
                    .find(|w| field(fields, w, |t| *t == RustType::String).is_some())
                    .map(str::to_owned),
            };
            if let Some(next) = next {
                let Some(next) = field(fields, &next, |t| *t == RustType::String) else {
                    error(
                        diags,
                        format!(
                            "`x-pagination` names cursor field `{next}`, which is not a string field of the response"
                        ),
                    );
                    return None;
                };
                let has_more = match decl.get("has-more-field") {
                    Some(w) => match field(fields, &w, |t| *t == RustType::Bool) {
                        Some(f) => Some(f),
                        None => {
                            error(
                                diags,
                                format!(
                                    "`x-pagination` names has-more field `{w}`, which is not a boolean field of the response"
                                ),
                            );
                            return None;
                        }
                    },
                    None => HAS_MORE_FIELDS
                        .iter()
                        .find_map(|w| field(fields, w, |t| *t == RustType::Bool)),
                };
                return Some(PagingPlan::Cursor {
                    param: (p.rust.clone(), p.required),
                    next,
                    has_more,
                    items,
                });
            }
        }
    }
    if kind.as_deref().is_none_or(|k| k == "page-number") {
        let names = settings
            .page_params
            .clone()
            .unwrap_or_else(|| owned(PAGE_PARAMS));
        let param = decl
            .get("page-param")
            .and_then(|w| query(&w))
            .or_else(|| names.iter().find_map(|n| query(n)));
        if let Some(param) = param.filter(|&i| params[i].value.is_integer()) {
            let p = &params[param];
            let size_names = settings
                .page_size_params
                .clone()
                .unwrap_or_else(|| owned(PAGE_SIZE_PARAMS));
            let size = decl
                .get("page-size-param")
                .and_then(|w| query(&w))
                .or_else(|| size_names.iter().find_map(|n| query(n)))
                .filter(|&i| params[i].value.is_integer());
            let default_size = decl
                .0
                .and_then(|d| d.get("page-size"))
                .and_then(Value::as_u64)
                .or_else(|| {
                    size.and_then(|i| params[i].default.as_ref())
                        .and_then(Value::as_u64)
                });
            let total_names = settings
                .total_fields
                .clone()
                .unwrap_or_else(|| owned(TOTAL_FIELDS));
            let total = match decl.get("total-field") {
                Some(w) => match field(fields, &w, RustType::is_integer) {
                    Some(f) => Some(f),
                    None => {
                        error(
                            diags,
                            format!(
                                "`x-pagination` names total field `{w}`, which is not an integer field of the response"
                            ),
                        );
                        return None;
                    }
                },
                None => total_names
                    .iter()
                    .find_map(|w| field(fields, w, RustType::is_integer)),
            };
            let first = first_page(op, param);
            return Some(PagingPlan::PageNumber {
                param: (p.rust.clone(), p.required, p.value.clone()),
                size: size.map(|i| (params[i].rust.clone(), params[i].required)),
                default_size,
                total,
                items,
                first,
            });
        }
    }
    error(
        diags,
        "`x-pagination` is declared but no cursor or page parameter matches it".to_owned(),
    );
    None
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

/// The fields of the response struct, when the response is one.
fn response_fields<'a>(types: &'a [TypeEntry], output: &RustType) -> Option<&'a [FieldDef]> {
    let mut t = output;
    // Through aliases (finite: alias cycles were broken in the IR).
    for _ in 0..=types.len() {
        match t {
            RustType::Named(id) => match &types.get(id.0)?.kind {
                TypeKind::Struct(s) => return Some(&s.fields),
                TypeKind::Alias(inner) => t = inner,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

/// A field with this wire name whose value type passes `ok`.
fn field(fields: &[FieldDef], wire: &str, ok: impl Fn(&RustType) -> bool) -> Option<FieldRead> {
    fields
        .iter()
        .find(|f| f.wire == wire && ok(&f.value))
        .map(|f| FieldRead {
            field: f.rust.clone(),
            state: f.state,
        })
}

/// The items: the declared array field, else the only array field.
fn items(decl: &Declared<'_>, fields: &[FieldDef]) -> Option<ItemsRead> {
    let arrays: Vec<&FieldDef> = fields
        .iter()
        .filter(|f| matches!(f.value, RustType::Vec(_)))
        .collect();
    let f = match decl.get("items") {
        Some(name) => arrays.into_iter().find(|f| f.wire == name)?,
        None => match arrays.as_slice() {
            [one] => *one,
            _ => return None,
        },
    };
    let RustType::Vec(item) = &f.value else {
        return None;
    };
    let (item, nullable_items) = match &**item {
        RustType::Option(inner) => ((**inner).clone(), true),
        t => (t.clone(), false),
    };
    Some(ItemsRead {
        read: FieldRead {
            field: f.rust.clone(),
            state: f.state,
        },
        item,
        nullable_items,
    })
}

/// The first page: the parameter's default, else its minimum, else 1.
fn first_page(op: &Op, param: usize) -> u64 {
    let Some(p) = op.params.get(param) else {
        return 1;
    };
    let info = &p.typed.info;
    info.default
        .as_ref()
        .and_then(Value::as_u64)
        .or_else(|| {
            info.minimum
                .filter(|m| *m >= 0.0 && m.is_finite())
                .map(|m| m.ceil() as u64)
        })
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::testing::{doc, model, op};
    use super::super::{FieldState, PagingPlan, RustType};
    use crate::overrides::GeneratorSettings;

    fn list(params: Value, response: Value, extra: Value) -> Value {
        let mut get = json!({"operationId": "listThings", "tags": ["things"], "parameters": params,
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": response}}}}});
        if let (Some(g), Some(e)) = (get.as_object_mut(), extra.as_object()) {
            g.extend(e.clone());
        }
        doc(json!({"/things": {"get": get}}), json!({}))
    }

    fn page(extra_fields: Value) -> Value {
        let mut props = json!({"items": {"type": "array", "items": {"type": "string"}}});
        if let (Some(p), Some(e)) = (props.as_object_mut(), extra_fields.as_object()) {
            p.extend(e.clone());
        }
        json!({"type": "object", "required": ["items"], "properties": props})
    }

    #[test]
    fn a_cursor_in_and_out_with_a_more_flag() {
        let d = list(
            json!([{"name": "cursor", "in": "query", "schema": {"type": "string"}}]),
            page(
                json!({"cursor": {"anyOf": [{"type": "string"}, {"type": "null"}]}, "hasMore": {"type": "boolean"}}),
            ),
            json!({}),
        );
        let (m, diags) = model(&d, &GeneratorSettings::default());
        assert!(!diags.has_errors(), "{diags}");
        let Some(PagingPlan::Cursor {
            param,
            next,
            has_more,
            items,
        }) = &op(&m, "GET /things").paging
        else {
            panic!("cursor pagination expected");
        };
        assert_eq!(param, &("cursor".to_owned(), false));
        assert_eq!(
            (next.field.as_str(), next.state),
            ("cursor", FieldState::Optional)
        );
        assert_eq!(
            has_more.as_ref().map(|h| h.field.as_str()),
            Some("has_more")
        );
        assert_eq!(
            (items.read.field.as_str(), &items.item),
            ("items", &RustType::String)
        );
    }

    #[test]
    fn page_numbers_start_at_the_minimum_and_size_defaults_come_from_the_parameter() {
        let d = list(
            json!([{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                   {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 25}}]),
            page(json!({"total": {"type": "integer"}})),
            json!({}),
        );
        let (m, _) = model(&d, &GeneratorSettings::default());
        let Some(PagingPlan::PageNumber {
            first,
            default_size,
            size,
            total,
            ..
        }) = &op(&m, "GET /things").paging
        else {
            panic!("page-number pagination expected");
        };
        assert_eq!((*first, *default_size), (0, Some(25)));
        assert_eq!(size, &Some(("limit".to_owned(), false)));
        assert_eq!(total.as_ref().map(|t| t.field.as_str()), Some("total"));
    }

    #[test]
    fn a_declaration_that_does_not_resolve_is_a_located_error() {
        let d = list(
            json!([{"name": "cursor", "in": "query", "schema": {"type": "string"}}]),
            page(json!({})),
            json!({"x-pagination": {"kind": "cursor", "cursor-field": "next"}}),
        );
        let (m, diags) = model(&d, &GeneratorSettings::default());
        assert!(op(&m, "GET /things").paging.is_none());
        let text = diags.to_string();
        assert!(diags.has_errors(), "{text}");
        assert!(text.contains("#/paths/~1things/get/x-pagination"), "{text}");
        assert!(text.contains("cursor field `next`"), "{text}");
    }

    #[test]
    fn pagination_can_be_switched_off() {
        let d = list(
            json!([{"name": "cursor", "in": "query", "schema": {"type": "string"}}]),
            page(json!({"cursor": {"type": "string"}})),
            json!({"x-pagination": false}),
        );
        let (m, diags) = model(&d, &GeneratorSettings::default());
        assert!(op(&m, "GET /things").paging.is_none());
        assert!(!diags.has_errors());
    }
}
