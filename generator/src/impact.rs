//! The API impact of a regeneration: operations and types added, removed or changed, and
//! whether existing callers break.
//!
//! Both sides are compared as Rust API (names, argument lists, field types), since that is
//! what callers see. Breaking: a removed operation, type, field, setter or enum variant; a
//! changed type; a new required argument; an optional field turned required. Not breaking: new
//! operations, types, optional fields and setters, and enum variants (enums are
//! `#[non_exhaustive]` and keep unknown values).

use std::collections::BTreeMap;
use std::fmt;

use crate::codegen::emit::{field_repr_name, type_string};
use crate::codegen::ops::{Api, Op, ParamIn};
use crate::codegen::types::DefKind;
use crate::diag::plural;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether existing callers may stop compiling or behave differently.
    pub breaking: bool,
    /// What changed, e.g. `removed field types::App.published`.
    pub what: String,
}

/// Every change between two generations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Impact {
    /// The changes, breaking ones first.
    pub changes: Vec<Change>,
}

impl Impact {
    /// Whether any change breaks callers.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    /// One line: `API impact: 3 changes (1 breaking)`.
    pub fn summary(&self) -> String {
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        match (self.changes.len(), breaking) {
            (0, _) => "API impact: none".to_owned(),
            (n, 0) => format!("API impact: {} (none breaking)", plural(n, "change")),
            (n, b) => format!("API impact: {} ({b} breaking)", plural(n, "change")),
        }
    }
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.summary())?;
        for c in &self.changes {
            writeln!(
                f,
                "  {} {}",
                if c.breaking { "breaking:" } else { "added:   " },
                c.what
            )?;
        }
        Ok(())
    }
}

/// A flat description of an operation's Rust surface.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OpSig {
    args: Vec<(String, String)>,
    setters: BTreeMap<String, String>,
    output: String,
    paged: bool,
    streams: bool,
}

fn op_sig(api: &Api, op: &Op) -> OpSig {
    let mut args = Vec::new();
    let mut setters = BTreeMap::new();
    for p in &op.params {
        let t = type_string(api, &p.typed.ty);
        if p.required {
            args.push((p.rust.clone(), t));
        } else if p.location != ParamIn::Path {
            setters.insert(p.rust.clone(), t);
        }
    }
    if let Some(b) = &op.body {
        if let Some(id) = crate::codegen::ops::struct_of(&api.space, &b.typed.ty) {
            let def = api.space.get(id);
            if let DefKind::Struct { fields, .. } = &def.kind {
                for f in fields {
                    let t = type_string(api, &f.ty);
                    if f.required && b.required {
                        args.push((f.rust.clone(), t));
                    } else {
                        setters.insert(f.rust.clone(), t);
                    }
                }
            }
        } else {
            args.push(("body".to_owned(), type_string(api, &b.typed.ty)));
        }
    }
    OpSig {
        args,
        setters,
        output: op
            .success
            .as_ref()
            .map_or_else(|| "()".to_owned(), |s| type_string(api, &s.ty)),
        paged: op.paging.is_some(),
        streams: op.streaming.is_some(),
    }
}

fn ops(api: &Api) -> BTreeMap<String, (&Op, OpSig)> {
    api.resources
        .iter()
        .flat_map(|r| {
            r.ops
                .iter()
                .map(move |op| (format!("{}().{}", r.accessor, op.method_name), op))
        })
        .map(|(k, op)| (k, (op, op_sig(api, op))))
        .collect()
}

/// Compares the API generated before (`old`) with the one generated now (`new`).
pub fn compare(old: &Api, new: &Api) -> Impact {
    let mut changes = Vec::new();
    let mut push = |breaking: bool, what: String| changes.push(Change { breaking, what });

    let (old_ops, new_ops) = (ops(old), ops(new));
    for (key, (op, _)) in &old_ops {
        if !new_ops.contains_key(key) {
            push(
                true,
                format!("removed operation {key} ({} {})", op.method, op.path),
            );
        }
    }
    for (key, (op, sig)) in &new_ops {
        let Some((_, before)) = old_ops.get(key) else {
            push(
                false,
                format!("new operation {key} ({} {})", op.method, op.path),
            );
            continue;
        };
        if before.args != sig.args {
            let show = |a: &[(String, String)]| {
                a.iter()
                    .map(|(n, t)| format!("{n}: {t}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            push(
                true,
                format!(
                    "changed arguments of {key}: ({}) -> ({})",
                    show(&before.args),
                    show(&sig.args)
                ),
            );
        }
        for (name, t) in &before.setters {
            match sig.setters.get(name) {
                None => push(true, format!("removed setter {key}.{name}")),
                Some(n) if n != t => push(true, format!("changed setter {key}.{name}: {t} -> {n}")),
                Some(_) => {}
            }
        }
        for name in sig
            .setters
            .keys()
            .filter(|n| !before.setters.contains_key(*n))
        {
            push(false, format!("new setter {key}.{name}"));
        }
        if before.output != sig.output {
            push(
                true,
                format!(
                    "changed response of {key}: {} -> {}",
                    before.output, sig.output
                ),
            );
        }
        if before.paged != sig.paged {
            push(
                before.paged,
                format!(
                    "{} pagination of {key}",
                    if sig.paged { "new" } else { "removed" }
                ),
            );
        }
        if before.streams != sig.streams {
            push(
                before.streams,
                format!(
                    "{} streaming of {key}",
                    if sig.streams { "new" } else { "removed" }
                ),
            );
        }
    }

    let types = |api: &Api| {
        api.space
            .defs()
            .map(|(id, d)| (d.name.clone(), id))
            .collect::<BTreeMap<_, _>>()
    };
    let (old_types, new_types) = (types(old), types(new));
    for name in old_types.keys().filter(|n| !new_types.contains_key(*n)) {
        push(true, format!("removed type types::{name}"));
    }
    for (name, &id) in &new_types {
        let Some(&old_id) = old_types.get(name) else {
            push(false, format!("new type types::{name}"));
            continue;
        };
        let (a, b) = (old.space.get(old_id), new.space.get(id));
        match (&a.kind, &b.kind) {
            (DefKind::Struct { fields: fa, .. }, DefKind::Struct { fields: fb, .. }) => {
                let before: BTreeMap<&str, _> = fa.iter().map(|f| (f.rust.as_str(), f)).collect();
                let after: BTreeMap<&str, _> = fb.iter().map(|f| (f.rust.as_str(), f)).collect();
                for (field, f) in &before {
                    let Some(g) = after.get(field) else {
                        push(true, format!("removed field types::{name}.{field}"));
                        continue;
                    };
                    let (ta, tb) = (
                        format!("{} {}", field_repr_name(f, a), type_string(old, &f.ty)),
                        format!("{} {}", field_repr_name(g, b), type_string(new, &g.ty)),
                    );
                    if ta != tb {
                        let turned_required = !f.required && g.required;
                        let what = if turned_required {
                            "optional field turned required"
                        } else {
                            "changed field"
                        };
                        push(true, format!("{what} types::{name}.{field}: {ta} -> {tb}"));
                    }
                }
                for (field, g) in &after {
                    if !before.contains_key(field) {
                        // A new required field changes `new()`, which request code calls.
                        let breaking = g.required && b.in_request;
                        push(
                            breaking,
                            format!(
                                "new {} field types::{name}.{field}",
                                if g.required { "required" } else { "optional" }
                            ),
                        );
                    }
                }
            }
            (DefKind::Enum { variants: va }, DefKind::Enum { variants: vb }) => {
                for v in va.iter().filter(|v| !vb.iter().any(|w| w.wire == v.wire)) {
                    push(
                        true,
                        format!(
                            "removed enum value types::{name}::{} (\"{}\")",
                            v.rust, v.wire
                        ),
                    );
                }
                for v in vb.iter().filter(|v| !va.iter().any(|w| w.wire == v.wire)) {
                    push(
                        false,
                        format!("new enum value types::{name}::{} (\"{}\")", v.rust, v.wire),
                    );
                }
            }
            (DefKind::Alias(x), DefKind::Alias(y)) => {
                let (sx, sy) = (type_string(old, x), type_string(new, y));
                if sx != sy || a.nullable != b.nullable {
                    push(true, format!("changed type types::{name}: {sx} -> {sy}"));
                }
            }
            (DefKind::Tagged { .. }, DefKind::Tagged { .. }) => {}
            _ => push(true, format!("changed kind of type types::{name}")),
        }
    }
    changes.sort_by(|a, b| (!a.breaking, &a.what).cmp(&(!b.breaking, &b.what)));
    Impact { changes }
}
