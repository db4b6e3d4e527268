//! Prints operation docs: summary, description, the HTTP line, what pagination and streaming
//! offer, the arguments, the documented error bodies and a compiled example.

use super::Ctx;
use crate::codegen::doc::{self, paragraphs};
use crate::codegen::model::{
    ArgType, Operation, PagingPlan, Resource, RustType, StreamValue, TypeKind,
};

/// The doc comment of an operation's handle method.
pub(super) fn operation_docs(cx: &Ctx<'_>, r: &Resource, op: &Operation) -> String {
    let mut parts = Vec::new();
    match op.summary.as_deref().map(doc::sanitize) {
        Some(s) if !s.is_empty() => parts.push(s),
        _ => parts.push(format!("`{} {}`", op.method, op.path)),
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
    parts.push(how(op));
    if !op.args.is_empty() {
        let list: Vec<String> = op
            .args
            .iter()
            .map(|a| {
                doc::list_item(&format!(
                    "`{}`: {}",
                    a.name.trim_start_matches("r#"),
                    a.docs
                ))
            })
            .collect();
        parts.push(format!("# Arguments\n\n{}", list.join("\n")));
    }
    if !op.errors.is_empty() {
        let list: Vec<String> = op
            .errors
            .iter()
            .map(|e| {
                let t = match &e.ty {
                    RustType::Named(id) => {
                        let n = &cx.model.ty(*id).name;
                        format!("[`{n}`](super::types::{n})")
                    }
                    _ => "JSON".to_owned(),
                };
                doc::list_item(&format!("{}: {t}", e.statuses.join(", ")))
            })
            .collect();
        parts.push(format!(
            "# Errors\n\nDocumented error bodies, available through `Error::body::<T>()`:\n\n{}",
            list.join("\n")
        ));
    }
    if cx.settings.doc_examples {
        parts.push(example(cx, r, op));
    }
    paragraphs(parts)
}

/// The HTTP line, and what pagination, streaming and envelopes add.
fn how(op: &Operation) -> String {
    let mut how = format!("Sends `{} {}`", op.method, op.path);
    if op.method == "GET" && op.body.field_type().is_some() {
        how.push_str(" with a JSON body");
    }
    how.push('.');
    match &op.paging {
        Some(PagingPlan::Cursor { .. }) => how.push_str(
            " Paginated by cursor: `into_stream()` yields every item of every page, `into_pages()` every page.",
        ),
        Some(PagingPlan::PageNumber { .. }) => how.push_str(
            " Paginated by page number: `into_stream()` yields every item of every page (pages fetched concurrently, in order), `into_pages()` every page.",
        ),
        None => {}
    }
    if let Some(s) = &op.streaming {
        let shown = |v: &StreamValue| match v {
            StreamValue::True => "`true`".to_owned(),
            StreamValue::Variant { wire, .. } => format!("`{wire}`"),
        };
        how.push_str(&format!(
            " `.stream()` sets `{}` to {} and returns the events as they arrive",
            s.property,
            shown(&s.stream)
        ));
        if let Some(b) = &s.background {
            how.push_str(&format!("; `.background()` sets it to {}", shown(b)));
        }
        how.push('.');
    }
    if let Some(e) = &op.envelope {
        how.push_str(&format!(
            " A 2xx answer whose `{e}` field is not empty is an error."
        ));
    }
    how
}

/// A compiled (not run) example calling the operation with placeholder arguments.
fn example(cx: &Ctx<'_>, r: &Resource, op: &Operation) -> String {
    let krate = &cx.settings.crate_name;
    let args: Vec<String> = op
        .args
        .iter()
        .map(|a| arg_example(cx, &a.ty, &a.name))
        .collect();
    let call = format!("client.{}().{}({})", r.accessor, op.name, args.join(", "));
    format!(
        "# Example\n\n```no_run\n# async fn example(client: &{krate}::Client) -> {krate}::Result<()> {{\nlet response = {call}.send().await?;\n# let _ = response;\n# Ok(())\n# }}\n```"
    )
}

/// A placeholder argument of this argument type.
fn arg_example(cx: &Ctx<'_>, ty: &ArgType, name: &str) -> String {
    let name = name.trim_start_matches("r#");
    match ty {
        ArgType::Into(RustType::String) => format!("{name:?}"),
        ArgType::Into(RustType::Option(_)) => "None".to_owned(),
        ArgType::IterInto(_) => "[\"a\", \"b\"]".to_owned(),
        ArgType::Into(t) | ArgType::Exact(t) => value_example(cx, t, name, 0),
        ArgType::Boxed(t) => format!("Box::new({})", value_example(cx, t, name, 0)),
    }
}

/// A placeholder value of exactly type `t`.
fn value_example(cx: &Ctx<'_>, t: &RustType, name: &str, depth: usize) -> String {
    let krate = &cx.settings.crate_name;
    if depth > 8 {
        return "unimplemented!()".to_owned();
    }
    match t {
        RustType::String => format!("String::from({name:?})"),
        RustType::Bool => "true".to_owned(),
        RustType::I32 | RustType::I64 | RustType::U32 | RustType::U64 => "1".to_owned(),
        RustType::F32 | RustType::F64 => "1.0".to_owned(),
        RustType::Option(_) => "None".to_owned(),
        RustType::Boxed(inner) => {
            format!("Box::new({})", value_example(cx, inner, name, depth + 1))
        }
        RustType::Vec(_) => "Vec::new()".to_owned(),
        RustType::Generated(struct_name) => required_struct_example(cx, struct_name, depth)
            .unwrap_or_else(|| "unimplemented!()".to_owned()),
        RustType::Named(id) => {
            let entry = cx.model.ty(*id);
            let path = format!("{krate}::types::{}", entry.name);
            match &entry.kind {
                TypeKind::Enum(e) => match e.variants.first() {
                    Some(v) => format!("{path}::{}", v.rust),
                    None => format!("{path}::from(\"value\")"),
                },
                TypeKind::Struct(s) => match &s.constructor.required_struct {
                    Some(req) => format!(
                        "{path}::new({})",
                        required_struct_example(cx, req, depth + 1)
                            .unwrap_or_else(|| "unimplemented!()".to_owned())
                    ),
                    None => {
                        let args: Vec<String> = s
                            .constructor
                            .args
                            .iter()
                            .map(|a| {
                                let f = &s.fields[a.field];
                                match &a.input {
                                    ArgType::Into(RustType::Option(_)) => "None".to_owned(),
                                    other => arg_example_at(cx, other, &f.wire, depth + 1),
                                }
                            })
                            .collect();
                        format!("{path}::new({})", args.join(", "))
                    }
                },
                TypeKind::Alias(inner) => value_example(cx, inner, name, depth + 1),
                TypeKind::Union(u) => match u.variants.first() {
                    Some(v) => format!(
                        "{path}::{}({})",
                        v.rust,
                        value_example(cx, &RustType::Named(v.payload), name, depth + 1)
                    ),
                    None => "unimplemented!()".to_owned(),
                },
            }
        }
        RustType::Json
        | RustType::JsonObject
        | RustType::Map(_)
        | RustType::Nullable(_)
        | RustType::Unit => "Default::default()".to_owned(),
        RustType::FilePart => format!("{krate}::FilePart::from_path({name:?})"),
        RustType::Bytes | RustType::EventStream(_) | RustType::Local(_) | RustType::Download => {
            "unimplemented!()".to_owned()
        }
    }
}

fn arg_example_at(cx: &Ctx<'_>, ty: &ArgType, name: &str, depth: usize) -> String {
    match ty {
        ArgType::Into(RustType::String) => format!("{name:?}"),
        ArgType::IterInto(_) => "[\"a\", \"b\"]".to_owned(),
        ArgType::Into(t) | ArgType::Exact(t) => value_example(cx, t, name, depth),
        ArgType::Boxed(t) => format!("Box::new({})", value_example(cx, t, name, depth)),
    }
}

/// `types::XRequired { a: .., b: .. }` for the required-fields struct of some type.
fn required_struct_example(cx: &Ctx<'_>, struct_name: &str, depth: usize) -> Option<String> {
    let krate = &cx.settings.crate_name;
    let s = cx.model.types.iter().find_map(|t| match &t.kind {
        TypeKind::Struct(s) if s.constructor.required_struct.as_deref() == Some(struct_name) => {
            Some(s)
        }
        _ => None,
    })?;
    let fields: Vec<String> = s
        .constructor
        .args
        .iter()
        .map(|a| {
            let f = &s.fields[a.field];
            format!(
                "{}: {}",
                f.rust,
                value_example(cx, &a.plain, &f.wire, depth + 1)
            )
        })
        .collect();
    Some(format!(
        "{krate}::types::{struct_name} {{ {} }}",
        fields.join(", ")
    ))
}
