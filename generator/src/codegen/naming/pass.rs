//! The naming pass: names every resource, operation, builder and type of the IR — from
//! `spec/api.lock` first, by the rules of this module for what the lock lacks — and writes the
//! lock regen will check in.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;

use super::{
    Case, PRELUDE_TYPES, builder_name, context_candidates, is_meaningful_title, method_words,
    name_members, operation_words, sanitize, strip_namespaces, unique,
};
use crate::codegen::ir::Ir;
use crate::codegen::ir::ops::Op;
use crate::codegen::ir::types::{Cx, CxRoot, TypeDef};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::lock::{Lock, OpEntry, ResourceEntry, TypeEntry};

/// Feature names Cargo gives a meaning of its own: a resource module is also a cargo feature of
/// the generated crate, so it cannot take one.
const CARGO_FEATURES: &[&str] = &["default"];

/// A derived name longer than this many words is worth pinning by hand.
const LONG_NAME_WORDS: usize = 5;

/// The names of one resource (the operations of one module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceNames {
    /// The tag of its operations (the first one's; for docs).
    pub tag: String,
    /// Module name and cargo feature (`conversations`).
    pub module: String,
    /// Handle type (`Conversations`).
    pub handle: String,
    /// Accessor on the client (`conversations`).
    pub accessor: String,
    /// Indices of its operations in the IR, in path order.
    pub ops: Vec<usize>,
    /// Former module names, kept as deprecated aliases.
    pub aliases: Vec<String>,
}

/// The names of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpNames {
    /// Index of its resource in [`Names::resources`].
    pub resource: usize,
    /// The method on the resource handle (`list`; may be a raw identifier).
    pub method: String,
    /// The request builder type (`ListConversations`).
    pub builder: String,
    /// Prefix of the names of its inline types.
    pub prefix: String,
    /// Former method names, kept as deprecated aliases.
    pub method_aliases: Vec<String>,
    /// Former builder names, kept as deprecated aliases.
    pub builder_aliases: Vec<String>,
}

/// Every name the pass gave, the lock to check in, and what changed.
#[derive(Debug, Clone)]
pub struct Names {
    /// Resources, in document tag order, then by module name.
    pub resources: Vec<ResourceNames>,
    /// Per IR operation.
    pub ops: Vec<OpNames>,
    /// Per type: its stable key (for the lock and the listing).
    pub type_keys: Vec<String>,
    /// Per type: former names, kept as deprecated aliases.
    pub type_aliases: Vec<Vec<String>>,
    /// The lock after this regen.
    pub lock: Lock,
    /// What changed in the names: new, moved, renamed and removed entries.
    pub notes: Vec<String>,
    /// Warnings (names that had to be changed, long derived names).
    pub diags: Diagnostics,
}

/// The names the checked-in code had, read from its API listing: how a rename made by editing
/// the lock is recognised (the old name becomes a deprecated alias).
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// Per operation key: module, method, builder.
    pub ops: BTreeMap<String, (String, String, String)>,
    /// Per type key: name.
    pub types: BTreeMap<String, String>,
}

/// The stable key of a naming context: `#/components/schemas/Name` for a component itself,
/// else its root (`GET /path` or the component) and the path below it
/// (`POST /webapi/apps/{app_id}/run → request.chat.source`).
pub fn context_key(cx: &Cx, ops: &[Op]) -> String {
    let root = match &cx.root {
        CxRoot::Component(name) => format!("#/components/schemas/{name}"),
        CxRoot::Op(i) => ops.get(*i).map(|o| o.key.clone()).unwrap_or_default(),
    };
    let mut path = String::new();
    for (n, seg) in cx.segs.iter().enumerate() {
        let word = if n == 0 && !cx.is_component() {
            match seg.as_str() {
                "Request" => "request".to_owned(),
                "Response" => "response".to_owned(),
                "Event" => "event".to_owned(),
                "Error" => "error".to_owned(),
                r if r.starts_with("Error") => format!(
                    "error {}",
                    r.trim_start_matches("Error").replace("xx", "XX")
                ),
                param => format!("parameter {param}"),
            }
        } else {
            seg.clone()
        };
        if word == "[]" {
            path.push_str("[]");
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&word);
        }
    }
    if path.is_empty() {
        root
    } else {
        format!("{root} → {path}")
    }
}

/// The stable keys of a type, the first being its own: `#/components/schemas/Name` for a
/// component, else the keys of every context it appears in, sorted.
pub fn type_key(def: &TypeDef, ops: &[Op]) -> Vec<String> {
    if def.component {
        return vec![format!(
            "#/components/schemas/{}",
            def.origin.last().unwrap_or_default()
        )];
    }
    let mut keys: Vec<String> = def.contexts.iter().map(|c| context_key(c, ops)).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The naming pass: names resources, operations, builders and every type of `ir`, from
/// `lock` first. `reserved` are names a resource module or accessor must not take (the
/// runtime crate's root items and the client's own methods); `previous` are the names of the
/// checked-in code (to recognise a rename made in the lock).
pub fn name_all(ir: &mut Ir, reserved: &[String], lock: &Lock, previous: &Previous) -> Names {
    let mut pass = Pass {
        notes: Vec::new(),
        diags: Diagnostics::new(),
        first_lock: lock.operations.is_empty() && lock.types.is_empty(),
        moved: BTreeMap::new(),
    };
    let matched = pass.match_ops(ir, lock);
    let (resources, op_resource) = pass.resources(ir, reserved, lock, &matched, previous);
    let _ = op_resource;
    let ops = pass.ops(ir, lock, &matched, &resources, previous);
    let (type_keys, type_aliases, types) = pass.types(ir, lock, &ops, previous);
    let mut new_lock = Lock::default();
    for r in &resources {
        new_lock.resources.insert(
            r.module.clone(),
            ResourceEntry {
                handle: r.handle.clone(),
                tag: r.tag.clone(),
                aliases: r.aliases.clone(),
            },
        );
    }
    for (i, o) in ops.iter().enumerate() {
        let op = &ir.ops[i];
        new_lock.operations.insert(
            op.key.clone(),
            OpEntry {
                resource: resources[o.resource].module.clone(),
                method: o.method.clone(),
                builder: o.builder.clone(),
                types: o.prefix.clone(),
                operation_id: op.operation_id.clone(),
                method_aliases: o.method_aliases.clone(),
                builder_aliases: o.builder_aliases.clone(),
            },
        );
    }
    new_lock.types = types;
    pass.removed(lock, &new_lock);
    if pass.first_lock && !new_lock.operations.is_empty() {
        pass.notes = vec![format!(
            "spec/api.lock: {} operations and {} types named (a new lock)",
            new_lock.operations.len(),
            new_lock.types.len()
        )];
    }
    Names {
        resources,
        ops,
        type_keys,
        type_aliases,
        lock: new_lock,
        notes: pass.notes,
        diags: pass.diags,
    }
}

struct Pass {
    notes: Vec<String>,
    diags: Diagnostics,
    first_lock: bool,
    /// Endpoints that moved: new `METHOD /path` → the old one (their inline types' keys
    /// follow them).
    moved: BTreeMap<String, String>,
}

impl Pass {
    fn note(&mut self, text: String) {
        if !self.first_lock {
            self.notes.push(text);
        }
    }

    /// A derived name of more than a few words: a warning pointing at the lock.
    fn check_length(&mut self, name: &str, key: &str, what: &str) {
        let n = super::words(name.trim_start_matches("r#")).len();
        if n > LONG_NAME_WORDS {
            self.diags.push(Diagnostic::warning(
                "long-name",
                Location::file(std::path::Path::new("spec/api.lock")),
                format!("the derived {what} name `{name}` of `{key}` has {n} words; pin a shorter one in spec/api.lock (regen keeps it)"),
            ));
        }
    }

    /// Each operation's lock entry: by `METHOD /path`, else — for an endpoint that moved — by
    /// its operationId among the entries whose path is gone.
    fn match_ops(&mut self, ir: &Ir, lock: &Lock) -> Vec<Option<OpEntry>> {
        let current: BTreeSet<&str> = ir.ops.iter().map(|o| o.key.as_str()).collect();
        let mut gone_by_id: BTreeMap<&str, Vec<(&String, &OpEntry)>> = BTreeMap::new();
        for (key, e) in &lock.operations {
            if let (false, Some(id)) = (current.contains(key.as_str()), e.operation_id.as_deref()) {
                gone_by_id.entry(id).or_default().push((key, e));
            }
        }
        let mut out = Vec::new();
        for op in &ir.ops {
            if let Some(e) = lock.operations.get(&op.key) {
                out.push(Some(e.clone()));
                continue;
            }
            let moved = op
                .operation_id
                .as_deref()
                .and_then(|id| gone_by_id.get(id))
                .filter(|c| c.len() == 1)
                .map(|c| c[0]);
            match moved {
                Some((old, e)) => {
                    self.note(format!(
                        "moved: {old} → {} keeps {}().{}",
                        op.key, e.resource, e.method
                    ));
                    self.moved.insert(op.key.clone(), old.clone());
                    out.push(Some(e.clone()));
                }
                None => out.push(None),
            }
        }
        out
    }

    /// Resources: the locked module of each operation; a new operation joins the module of its
    /// tag, or a new module named after the tag.
    fn resources(
        &mut self,
        ir: &Ir,
        reserved: &[String],
        lock: &Lock,
        matched: &[Option<OpEntry>],
        previous: &Previous,
    ) -> (Vec<ResourceNames>, Vec<String>) {
        let mut modules: BTreeSet<String> = reserved.iter().cloned().collect();
        modules.extend(lock.resources.keys().cloned());
        for r in lock.resources.values() {
            modules.extend(r.aliases.iter().cloned());
        }
        // Module of each tag, from the operations that already have one.
        let mut by_tag: BTreeMap<String, String> = BTreeMap::new();
        for (m, r) in &lock.resources {
            by_tag.entry(r.tag.clone()).or_insert_with(|| m.clone());
        }
        for (op, e) in ir.ops.iter().zip(matched) {
            if let Some(e) = e {
                by_tag
                    .entry(op.tag.clone())
                    .or_insert_with(|| e.resource.clone());
            }
        }
        let mut op_module = Vec::new();
        for (op, e) in ir.ops.iter().zip(matched) {
            let module = match (e, by_tag.get(&op.tag)) {
                (Some(e), _) => e.resource.clone(),
                (None, Some(m)) => m.clone(),
                (None, None) => {
                    let plain = sanitize(&op.tag, Case::Snake);
                    let taken =
                        reserved.contains(&plain) || CARGO_FEATURES.contains(&plain.as_str());
                    let base = if plain.starts_with("r#") || taken {
                        format!("{}_api", plain.trim_start_matches("r#"))
                    } else {
                        plain.clone()
                    };
                    if base != plain {
                        let why = if plain.starts_with("r#") {
                            "a Rust keyword"
                        } else if CARGO_FEATURES.contains(&plain.as_str()) {
                            "Cargo's own feature name"
                        } else {
                            "taken by the runtime crate or a feature of its manifest"
                        };
                        self.diags.push(Diagnostic::warning(
                            "renamed-resource",
                            Location::default(),
                            format!(
                                "tag `{}` gives module, accessor and cargo feature `{base}`: `{}` is {why}",
                                op.tag,
                                plain.trim_start_matches("r#")
                            ),
                        ));
                    }
                    let m = unique(&base, &mut modules);
                    by_tag.insert(op.tag.clone(), m.clone());
                    m
                }
            };
            op_module.push(module);
        }
        let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, m) in op_module.iter().enumerate() {
            members.entry(m.clone()).or_default().push(i);
        }
        let tag_rank = |t: &str| ir.tags.iter().position(|x| x.0 == t).unwrap_or(usize::MAX);
        let mut order: Vec<&String> = members.keys().collect();
        order.sort_by_key(|m| {
            let rank = members[*m]
                .iter()
                .map(|&i| tag_rank(&ir.ops[i].tag))
                .min()
                .unwrap_or(usize::MAX);
            (rank, (*m).clone())
        });
        let resources = order
            .into_iter()
            .map(|module| {
                let ops = members[module].clone();
                let tag = ir.ops[ops[0]].tag.clone();
                let locked = lock.resources.get(module);
                let handle = match locked {
                    Some(r) => r.handle.clone(),
                    None => {
                        let h = sanitize(module, Case::Pascal)
                            .trim_start_matches("r#")
                            .to_owned();
                        if PRELUDE_TYPES.contains(&h.as_str()) {
                            format!("{h}Api")
                        } else {
                            h
                        }
                    }
                };
                let mut aliases = locked.map(|r| r.aliases.clone()).unwrap_or_default();
                // A module renamed in the lock: the old one stays as a deprecated alias.
                for &i in &ops {
                    if let Some((old, _, _)) = previous.ops.get(&ir.ops[i].key) {
                        if old != module && !aliases.contains(old) {
                            self.note(format!(
                                "renamed: module {old} → {module} (deprecated alias `{old}` kept; delete it from spec/api.lock to drop it)"
                            ));
                            aliases.push(old.clone());
                        }
                    }
                }
                ResourceNames {
                    tag,
                    accessor: module.clone(),
                    module: module.clone(),
                    handle,
                    ops,
                    aliases,
                }
            })
            .collect();
        (resources, op_module)
    }

    /// Methods, builders and inline-type prefixes of every operation.
    fn ops(
        &mut self,
        ir: &Ir,
        lock: &Lock,
        matched: &[Option<OpEntry>],
        resources: &[ResourceNames],
        previous: &Previous,
    ) -> Vec<OpNames> {
        let words: Vec<Vec<String>> = ir
            .ops
            .iter()
            .map(|o| operation_words(o.operation_id.as_deref(), &o.method, &o.path))
            .collect();
        let stripped = strip_namespaces(&words);
        let mut builders: BTreeSet<String> =
            PRELUDE_TYPES.iter().map(|s| (*s).to_owned()).collect();
        // Names the resource modules import from the runtime.
        builders.extend(["ParamStyle", "Style", "FieldEncoding"].map(str::to_owned));
        builders.extend(resources.iter().map(|r| r.handle.clone()));
        for e in lock.operations.values() {
            builders.insert(e.builder.clone());
            builders.extend(e.builder_aliases.iter().cloned());
        }
        let mut prefixes: BTreeSet<String> =
            lock.operations.values().map(|e| e.types.clone()).collect();
        let mut out: Vec<Option<OpNames>> = vec![None; ir.ops.len()];
        for (ri, r) in resources.iter().enumerate() {
            // Locked methods (and their aliases) are taken first; `new` is the constructor.
            let mut taken = BTreeSet::from(["new".to_owned()]);
            for &i in &r.ops {
                if let Some(e) = &matched[i] {
                    taken.insert(e.method.clone());
                    taken.extend(e.method_aliases.iter().cloned());
                }
            }
            let derived = derive_methods(&ir.ops, &r.ops, &stripped, &r.tag, matched, &mut taken);
            for (&i, new_method) in r.ops.iter().zip(derived) {
                let op = &ir.ops[i];
                let names = match &matched[i] {
                    Some(e) => self.locked_op(op, e, previous),
                    None => {
                        let method = new_method;
                        let builder = builder_name(&method, &r.tag, &mut builders);
                        // Inline types are named from the operation's own words (framework
                        // noise dropped), not from the raw operationId.
                        let path_params: Vec<String> = crate::http::path_params(&op.path)
                            .map(str::to_owned)
                            .collect();
                        let prefix = unique(
                            &super::type_prefix_words(&stripped[i], &path_params)
                                .join("_")
                                .to_pascal_case(),
                            &mut prefixes,
                        );
                        self.note(format!(
                            "new name: {}().{} ({})",
                            r.accessor,
                            method.trim_start_matches("r#"),
                            op.key
                        ));
                        self.check_length(&method, &op.key, "method");
                        OpNames {
                            resource: ri,
                            method,
                            builder,
                            prefix,
                            method_aliases: Vec::new(),
                            builder_aliases: Vec::new(),
                        }
                    }
                };
                out[i] = Some(OpNames {
                    resource: ri,
                    ..names
                });
            }
        }
        out.into_iter()
            .map(|o| {
                o.unwrap_or_else(|| OpNames {
                    resource: 0,
                    method: String::new(),
                    builder: String::new(),
                    prefix: String::new(),
                    method_aliases: Vec::new(),
                    builder_aliases: Vec::new(),
                })
            })
            .collect()
    }

    /// A locked operation: its names, with a rename when `x-rust-name` or the lock now says
    /// something else than the code had.
    fn locked_op(&mut self, op: &Op, e: &OpEntry, previous: &Previous) -> OpNames {
        let mut method = e.method.clone();
        let mut method_aliases = e.method_aliases.clone();
        let mut builder_aliases = e.builder_aliases.clone();
        if let Some(pinned) = &op.pinned_name {
            let pinned = sanitize(pinned, Case::Snake);
            if pinned != method {
                self.note(format!(
                    "renamed: {}().{} → {pinned} by x-rust-name (deprecated alias kept; delete it from spec/api.lock to drop it)",
                    e.resource, method
                ));
                if !method_aliases.contains(&method) {
                    method_aliases.push(method.clone());
                }
                method = pinned;
            }
        }
        if let Some((_, old_method, old_builder)) = previous.ops.get(&op.key) {
            if *old_method != method && !method_aliases.contains(old_method) {
                self.note(format!(
                    "renamed: {}().{old_method} → {method} (deprecated alias kept; delete it from spec/api.lock to drop it)",
                    e.resource
                ));
                method_aliases.push(old_method.clone());
            }
            if *old_builder != e.builder && !builder_aliases.contains(old_builder) {
                self.note(format!(
                    "renamed: builder {old_builder} → {} (deprecated alias kept; delete it from spec/api.lock to drop it)",
                    e.builder
                ));
                builder_aliases.push(old_builder.clone());
            }
        }
        method_aliases.retain(|a| *a != method);
        builder_aliases.retain(|a| *a != e.builder);
        OpNames {
            resource: 0,
            method,
            builder: e.builder.clone(),
            prefix: e.types.clone(),
            method_aliases,
            builder_aliases,
        }
    }

    /// Type names: locked ones first (by any of the type's keys), then derived ones.
    fn types(
        &mut self,
        ir: &mut Ir,
        lock: &Lock,
        ops: &[OpNames],
        previous: &Previous,
    ) -> (Vec<String>, Vec<Vec<String>>, BTreeMap<String, TypeEntry>) {
        let prefixes: Vec<String> = ops.iter().map(|o| o.prefix.clone()).collect();
        let defs: Vec<TypeDef> = ir.space.defs().map(|(_, d)| d.clone()).collect();
        let keys: Vec<Vec<String>> = defs.iter().map(|d| type_key(d, &ir.ops)).collect();
        // Keys as the lock knows them: below a moved endpoint, under its old path.
        let lock_keys: Vec<Vec<String>> = keys
            .iter()
            .map(|ks| {
                let mut out = ks.clone();
                for k in ks {
                    for (new, old) in &self.moved {
                        if let Some(rest) = k.strip_prefix(new.as_str()) {
                            if rest.is_empty() || rest.starts_with(" → ") {
                                out.push(format!("{old}{rest}"));
                            }
                        }
                    }
                }
                out
            })
            .collect();
        let mut names: Vec<Option<String>> = vec![None; defs.len()];
        let mut aliases: Vec<Vec<String>> = vec![Vec::new(); defs.len()];
        let mut taken: BTreeSet<String> = PRELUDE_TYPES.iter().map(|s| (*s).to_owned()).collect();
        for t in lock.types.values() {
            taken.insert(t.name().to_owned());
            taken.extend(t.aliases().iter().cloned());
        }
        // Locked names.
        for (i, d) in defs.iter().enumerate() {
            let Some(entry) = lock_keys[i].iter().find_map(|k| lock.types.get(k)) else {
                continue;
            };
            let mut name = entry.name().to_owned();
            let mut al = entry.aliases().to_vec();
            if let Some(pinned) = &d.pinned {
                let pinned = sanitize(pinned, Case::Pascal);
                if pinned != name {
                    self.note(format!(
                        "renamed: type {name} → {pinned} by x-rust-type-name (deprecated alias kept; delete it from spec/api.lock to drop it)"
                    ));
                    al.push(name.clone());
                    taken.insert(pinned.clone());
                    name = pinned;
                }
            }
            if let Some(old) = lock_keys[i].iter().find_map(|k| previous.types.get(k)) {
                if *old != name && !al.contains(old) {
                    self.note(format!(
                        "renamed: type {old} → {name} (deprecated alias kept; delete it from spec/api.lock to drop it)"
                    ));
                    al.push(old.clone());
                }
            }
            al.retain(|a| *a != name);
            al.dedup();
            names[i] = Some(name);
            aliases[i] = al;
        }
        // A struct's required-fields struct is named after it (`AppRequired`): those names are
        // kept free, so a new type never takes one and renames a companion.
        let companions: Vec<String> = names
            .iter()
            .flatten()
            .chain(aliases.iter().flatten())
            .map(|n| super::required_struct_name(n, &BTreeSet::new()))
            .collect();
        taken.extend(companions);
        // Derived names: components, then pinned inline names, then the rest by depth.
        let unnamed_components: Vec<usize> = (0..defs.len())
            .filter(|&i| defs[i].component && names[i].is_none())
            .collect();
        for i in unnamed_components {
            let d = &defs[i];
            let own = d.origin.last().unwrap_or_default();
            let mut name = sanitize(d.pinned.as_deref().unwrap_or(own.as_str()), Case::Pascal);
            if PRELUDE_TYPES.contains(&name.as_str()) {
                self.diags.push(Diagnostic::warning(
                    "renamed-type",
                    Location {
                        pointer: Some(d.origin.to_string()),
                        ..Location::default()
                    },
                    format!("component `{name}` is called `{name}Schema` in Rust: `{name}` is a name of the Rust prelude (pin another with `x-rust-type-name`)"),
                ));
                name = format!("{name}Schema");
            }
            let name = unique(&name, &mut taken);
            taken.insert(super::required_struct_name(&name, &BTreeSet::new()));
            names[i] = Some(name);
        }
        let mut inline: Vec<usize> = (0..defs.len())
            .filter(|&i| !defs[i].component && names[i].is_none())
            .collect();
        inline.sort_by_key(|&i| {
            let d = &defs[i];
            (
                d.pinned.is_none(),
                d.contexts.iter().map(|c| c.segs.len()).min().unwrap_or(0),
                i,
            )
        });
        let prefix = |cx: &Cx| -> String {
            match &cx.root {
                CxRoot::Component(name) => sanitize(name, Case::Pascal),
                CxRoot::Op(i) => prefixes.get(*i).cloned().unwrap_or_default(),
            }
        };
        for i in inline {
            let name = inline_name(&defs[i], &taken, &prefix);
            let name = unique(&name, &mut taken);
            taken.insert(super::required_struct_name(&name, &BTreeSet::new()));
            self.check_length(&name, &keys[i][0], "type");
            names[i] = Some(name);
        }
        let names: Vec<String> = names.into_iter().map(Option::unwrap_or_default).collect();
        let mut locked = BTreeMap::new();
        for (i, name) in names.iter().enumerate() {
            let key = keys[i].first().cloned().unwrap_or_default();
            if !lock_keys[i].iter().any(|k| lock.types.contains_key(k)) {
                self.note(format!("new type name: {name} ({key})"));
            }
            locked.insert(key, TypeEntry::new(name.clone(), aliases[i].clone()));
        }
        ir.space.set_names(names, name_members);
        let type_keys = keys
            .into_iter()
            .map(|k| k.into_iter().next().unwrap_or_default())
            .collect();
        (type_keys, aliases, locked)
    }

    /// Entries of the old lock the docs no longer have: listed, never kept.
    fn removed(&mut self, old: &Lock, new: &Lock) {
        let gone: Vec<(String, String)> = old
            .operations
            .iter()
            .filter(|(k, e)| {
                !new.operations.contains_key(*k)
                    && !new.operations.values().any(|n| {
                        n.operation_id.is_some()
                            && n.operation_id == e.operation_id
                            && n.method == e.method
                    })
            })
            .map(|(k, e)| (k.clone(), format!("{}().{}", e.resource, e.method)))
            .collect();
        for (k, name) in gone {
            self.note(format!("removed from the lock: {k} ({name})"));
        }
        let new_names: BTreeSet<&str> = new.types.values().map(TypeEntry::name).collect();
        let gone: Vec<(String, String)> = old
            .types
            .iter()
            .filter(|(k, t)| !new.types.contains_key(*k) && !new_names.contains(t.name()))
            .map(|(k, t)| (k.clone(), t.name().to_owned()))
            .collect();
        for (k, name) in gone {
            self.note(format!("removed from the lock: type {name} ({k})"));
        }
    }
}

/// Method names for the resource's operations that the lock does not name: `x-rust-name`, else
/// the operation's words without namespace, resource noun and `by <param>`; a name two of them
/// would share falls back to the full words. Locked operations get an empty name here: their
/// names come from their entry.
fn derive_methods(
    ops: &[Op],
    members: &[usize],
    stripped: &[Vec<String>],
    tag: &str,
    matched: &[Option<OpEntry>],
    taken: &mut BTreeSet<String>,
) -> Vec<String> {
    let base: Vec<Option<String>> = members
        .iter()
        .map(|&i| {
            if matched[i].is_some() {
                return None;
            }
            let op = &ops[i];
            Some(match &op.pinned_name {
                Some(p) => sanitize(p, Case::Snake),
                None => {
                    let path_params: Vec<String> = crate::http::path_params(&op.path)
                        .map(str::to_owned)
                        .collect();
                    sanitize(
                        &method_words(&stripped[i], tag, &path_params).join("_"),
                        Case::Snake,
                    )
                }
            })
        })
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for n in base.iter().flatten() {
        *counts.entry(n.as_str()).or_default() += 1;
    }
    members
        .iter()
        .zip(&base)
        .map(|(&i, name)| match name {
            None => String::new(),
            Some(name) => {
                let pinned = ops[i].pinned_name.is_some();
                let mut name = name.clone();
                if (counts[name.as_str()] > 1 || taken.contains(&name)) && !pinned {
                    name = sanitize(&stripped[i].join("_"), Case::Snake);
                }
                unique(&name, taken)
            }
        })
        .collect()
}

/// The name of an inline type, before making it unique: a pinned name, a meaningful title,
/// else from its contexts (see [`context_candidates`]); a type used by several roots drops the
/// prefix.
fn inline_name(def: &TypeDef, taken: &BTreeSet<String>, prefix: &dyn Fn(&Cx) -> String) -> String {
    if let Some(p) = &def.pinned {
        return sanitize(p, Case::Pascal);
    }
    let mut contexts = def.contexts.clone();
    contexts.sort();
    let Some(first) = contexts.first() else {
        return "Value".to_owned();
    };
    if let Some(title) = &def.info.title {
        let last = first
            .segs
            .iter()
            .rev()
            .find(|s| *s != "[]")
            .cloned()
            .unwrap_or_default();
        let name = sanitize(title, Case::Pascal);
        if is_meaningful_title(title, &last) && !taken.contains(&name) && !name.starts_with("r#") {
            return name;
        }
    }
    let prefixes: BTreeSet<String> = contexts.iter().map(prefix).collect();
    let shared = prefixes.len() > 1;
    let own = prefix(first);
    let mut candidates = context_candidates(first, &own, !shared);
    if shared {
        candidates.extend(context_candidates(first, &own, true));
    }
    candidates
        .iter()
        .find(|c| !taken.contains(*c))
        .cloned()
        .unwrap_or_else(|| {
            candidates
                .last()
                .cloned()
                .unwrap_or_else(|| "Value".to_owned())
        })
}
