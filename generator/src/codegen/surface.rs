//! The public API of the generated code, one item per line, read from the [`Model`]: every
//! module, type, field, variant, function with its full signature, trait impl and the cargo
//! features that gate them. It is what a downstream crate can name, written the way the
//! emitter prints it (the same [`RustType`] printer), in a stable order.
//!
//! `regen` checks it in beside the crate (`alli-api/public-api.txt`) so a reviewer sees API
//! changes in a diff; the impact report ([`crate::impact`]) compares two listings.

use std::fmt;

use quote::quote;

use super::CodegenSettings;
use super::model::mock::MatcherKind;
use super::model::{
    ArgType, DefaultImpl, Derive, Model, Operation, PagingPlan, PrintCx, Resource, RustType,
    SetterKind, StructDef, TypeEntry, TypeId, TypeKind,
};

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    /// `mod`.
    Mod,
    /// `struct`.
    Struct,
    /// `enum`.
    Enum,
    /// `type` alias.
    Type,
    /// A struct field.
    Field,
    /// An enum variant.
    Variant,
    /// A function or method.
    Fn,
    /// An `async` function or method.
    AsyncFn,
    /// A constant.
    Const,
    /// A static.
    Static,
    /// A trait impl.
    Impl,
}

impl ItemKind {
    fn word(self) -> &'static str {
        match self {
            ItemKind::Mod => "mod",
            ItemKind::Struct => "struct",
            ItemKind::Enum => "enum",
            ItemKind::Type => "type",
            ItemKind::Field => "field",
            ItemKind::Variant => "variant",
            ItemKind::Fn => "fn",
            ItemKind::AsyncFn => "async fn",
            ItemKind::Const => "const",
            ItemKind::Static => "static",
            ItemKind::Impl => "impl",
        }
    }
}

/// One public item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiItem {
    /// The item's path (for impls: `Trait for Type`): with the kind, its identity.
    pub path: String,
    /// What it is.
    pub kind: ItemKind,
    /// Everything a caller relies on besides its identity: the signature, the type of a
    /// field, attributes such as `#[non_exhaustive]` and `#[deprecated]`.
    pub signature: String,
    /// The cargo features that gate it (empty: always there).
    pub features: Vec<String>,
    /// The path of the type or module the item belongs to (itself for types and modules).
    pub owner: String,
    /// What the item stands for, for reports: the operation (`GET /path`) of a handle method.
    pub note: Option<String>,
}

impl ApiItem {
    /// The identity of the item: kind and path.
    pub fn key(&self) -> (ItemKind, &str) {
        (self.kind, &self.path)
    }

    /// The item in one line: kind, path, signature, features.
    pub fn line(&self) -> String {
        let mut line = format!("{} {}{}", self.kind.word(), self.path, self.signature);
        if !self.features.is_empty() {
            line.push_str(&format!("  [feature {}]", self.features.join(" | ")));
        }
        line
    }

    /// The item as a line of the listing file: [`ApiItem::line`] and the note, as a comment.
    pub fn listing_line(&self) -> String {
        match &self.note {
            Some(note) => format!("{}  // {note}", self.line()),
            None => self.line(),
        }
    }

    /// The kind as written in the listing (`fn`, `async fn`, `field`, ...).
    pub fn kind_word(&self) -> &'static str {
        self.kind.word()
    }

    /// An item from its kind, path and signature; the owner follows from the path.
    fn new(kind: ItemKind, path: String, signature: String, features: Vec<String>) -> ApiItem {
        let owner = owner_of(kind, &path);
        ApiItem {
            path,
            kind,
            signature,
            features,
            owner,
            note: None,
        }
    }

    /// Reads a line written by [`ApiItem::line`].
    pub fn parse(line: &str) -> Option<ApiItem> {
        let (line, note) = match line.split_once("  // ") {
            Some((l, n)) => (l, Some(n.to_owned())),
            None => (line, None),
        };
        let (line, features) = match line
            .strip_suffix(']')
            .and_then(|l| l.rsplit_once("  [feature "))
        {
            Some((l, f)) => (l, f.split(" | ").map(str::to_owned).collect()),
            None => (line, Vec::new()),
        };
        let (kind, rest) = [
            ItemKind::AsyncFn,
            ItemKind::Mod,
            ItemKind::Struct,
            ItemKind::Enum,
            ItemKind::Type,
            ItemKind::Field,
            ItemKind::Variant,
            ItemKind::Fn,
            ItemKind::Const,
            ItemKind::Static,
            ItemKind::Impl,
        ]
        .into_iter()
        .find_map(|k| {
            line.strip_prefix(k.word())
                .and_then(|r| r.strip_prefix(' '))
                .map(|r| (k, r))
        })?;
        let split = if kind == ItemKind::Impl {
            rest.len()
        } else {
            path_end(rest)
        };
        let mut item = ApiItem::new(
            kind,
            rest[..split].to_owned(),
            rest[split..].to_owned(),
            features,
        );
        item.note = note;
        Some(item)
    }
}

/// Where the path of a listing line ends: at `(`, `<`, `=`, a space, or a `:` that is not part
/// of `::`.
fn path_end(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'(' | b'<' | b'=' | b' ' => return i,
            b':' if b.get(i + 1) == Some(&b':') => i += 2,
            b':' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

/// The type or module an item belongs to.
fn owner_of(kind: ItemKind, path: &str) -> String {
    match kind {
        ItemKind::Mod | ItemKind::Struct | ItemKind::Enum | ItemKind::Type => path.to_owned(),
        ItemKind::Impl => path
            .rsplit_once(" for ")
            .map(|(_, t)| t.to_owned())
            .unwrap_or_else(|| path.to_owned()),
        _ => path
            .rsplit_once("::")
            .map(|(o, _)| o.to_owned())
            .unwrap_or_else(|| path.to_owned()),
    }
}

/// Every public item of the generated code, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiListing {
    /// The items, sorted by path then kind.
    pub items: Vec<ApiItem>,
}

impl ApiListing {
    /// Reads a listing written by its `Display`; `None` when a line does not read.
    pub fn parse(text: &str) -> Option<ApiListing> {
        let items = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(ApiItem::parse)
            .collect::<Option<Vec<_>>>()?;
        Some(ApiListing { items })
    }
}

impl ApiListing {
    /// The names the listed code had: per operation key its module, method and builder (from
    /// the handle methods' notes), per type key its name (from the types' notes).
    pub fn previous_names(&self) -> crate::codegen::naming::Previous {
        let mut out = crate::codegen::naming::Previous::default();
        for item in &self.items {
            let Some(note) = &item.note else { continue };
            let segs: Vec<&str> = item.path.split("::").collect();
            match item.kind {
                ItemKind::Fn if segs.len() == 4 => {
                    // `krate::module::Handle::method(..) -> krate::module::Builder`.
                    let builder = item
                        .signature
                        .rsplit("-> ")
                        .next()
                        .and_then(|r| r.split(' ').next())
                        .and_then(|r| r.rsplit("::").next())
                        .unwrap_or_default();
                    out.ops.insert(
                        note.clone(),
                        (segs[1].to_owned(), segs[3].to_owned(), builder.to_owned()),
                    );
                }
                ItemKind::Struct | ItemKind::Enum | ItemKind::Type if segs.len() == 3 => {
                    out.types.insert(note.clone(), segs[2].to_owned());
                }
                _ => {}
            }
        }
        out
    }
}

impl fmt::Display for ApiListing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for item in &self.items {
            writeln!(f, "{}", item.listing_line())?;
        }
        Ok(())
    }
}

/// The listing of a model.
pub fn listing(model: &Model, settings: &CodegenSettings) -> ApiListing {
    let krate = settings.crate_name.clone();
    let names = model.type_names();
    let runtime: proc_macro2::TokenStream = krate.parse().unwrap_or_else(|_| quote!(crate));
    let types_path: proc_macro2::TokenStream =
        format!("{krate}::types::").parse().unwrap_or_default();
    let p = PrintCx {
        types: types_path,
        runtime,
        names: &names,
    };
    let mut out = Lister {
        krate: &krate,
        serde_feature: settings.serde_feature.as_deref(),
        model,
        p,
        items: Vec::new(),
    };
    for (i, t) in model.types.iter().enumerate() {
        out.ty(TypeId(i), t);
    }
    for r in &model.resources {
        out.resource(r);
    }
    if let Some(gate) = &settings.mock {
        out.mock(gate.as_deref());
    }
    let mut items = out.items;
    items.sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
    items.dedup_by(|a, b| a.key() == b.key());
    ApiListing { items }
}

struct Lister<'a> {
    krate: &'a str,
    serde_feature: Option<&'a str>,
    model: &'a Model,
    p: PrintCx<'a>,
    items: Vec<ApiItem>,
}

impl Lister<'_> {
    fn push(&mut self, kind: ItemKind, path: String, signature: String, features: &[String]) {
        self.items
            .push(ApiItem::new(kind, path, signature, features.to_vec()));
    }

    fn impls(&mut self, ty: &str, traits: &[(&str, Vec<String>)], features: &[String]) {
        for (tr, extra) in traits {
            let mut f = features.to_vec();
            f.extend(extra.iter().cloned());
            self.push(ItemKind::Impl, format!("{tr} for {ty}"), String::new(), &f);
        }
    }

    fn t(&self, t: &RustType) -> String {
        t.text(&self.p)
    }

    fn a(&self, a: &ArgType) -> String {
        a.text(&self.p)
    }

    /// Notes the last pushed item with `note`.
    fn note_last(&mut self, note: &str) {
        if let Some(item) = self.items.last_mut() {
            item.note = Some(note.to_owned());
        }
    }

    fn ty(&mut self, id: TypeId, t: &TypeEntry) {
        let path = format!("{}::types::{}", self.krate, t.name);
        let features: Vec<String> = self
            .model
            .type_features(id)
            .into_iter()
            .map(str::to_owned)
            .collect();
        for old in &t.aliases {
            self.push(
                ItemKind::Type,
                format!("{}::types::{old}", self.krate),
                format!(" = {path} #[deprecated(renamed to {})]", t.name),
                &features,
            );
        }
        match &t.kind {
            TypeKind::Alias(target) => {
                let sig = format!(" = {}", self.t(target));
                self.push(ItemKind::Type, path.clone(), sig, &features);
                self.note_last(&t.key);
            }
            TypeKind::Enum(e) => {
                self.push(
                    ItemKind::Enum,
                    path.clone(),
                    " #[non_exhaustive]".to_owned(),
                    &features,
                );
                self.note_last(&t.key);
                for v in &e.variants {
                    self.push(
                        ItemKind::Variant,
                        format!("{path}::{}", v.rust),
                        format!(" = {:?}", v.wire),
                        &features,
                    );
                }
                self.push(
                    ItemKind::Variant,
                    format!("{path}::Unknown"),
                    "(String)".to_owned(),
                    &features,
                );
                self.push(
                    ItemKind::Fn,
                    format!("{path}::as_str"),
                    "(&self) -> &str".to_owned(),
                    &features,
                );
                self.push(
                    ItemKind::Fn,
                    format!("{path}::is_unknown"),
                    "(&self) -> bool".to_owned(),
                    &features,
                );
                self.push(
                    ItemKind::Const,
                    format!("{path}::KNOWN_VALUES"),
                    ": &'static [&'static str]".to_owned(),
                    &features,
                );
                let traits: Vec<(&str, Vec<String>)> = [
                    "Clone",
                    "Debug",
                    "PartialEq",
                    "Eq",
                    "Hash",
                    "PartialOrd",
                    "Ord",
                    "AsRef<str>",
                    "Display",
                    "FromStr",
                    "From<&str>",
                    "From<String>",
                    "serde::Serialize",
                    "serde::Deserialize",
                ]
                .into_iter()
                .map(|t| (t, Vec::new()))
                .collect();
                self.impls(&path, &traits, &features);
                self.push(
                    ItemKind::Impl,
                    format!("From<{}> for String", t.name),
                    String::new(),
                    &features,
                );
            }
            TypeKind::Union(u) => {
                self.push(
                    ItemKind::Enum,
                    path.clone(),
                    " #[non_exhaustive]".to_owned(),
                    &features,
                );
                self.note_last(&t.key);
                for v in &u.variants {
                    let payload = self.t(&RustType::Named(v.payload));
                    self.push(
                        ItemKind::Variant,
                        format!("{path}::{}", v.rust),
                        format!("({payload})"),
                        &features,
                    );
                }
                let json = self.t(&RustType::Json);
                self.push(
                    ItemKind::Variant,
                    format!("{path}::Unknown"),
                    format!("({json})"),
                    &features,
                );
                let traits = vec![
                    ("Clone", Vec::new()),
                    ("Debug", Vec::new()),
                    ("PartialEq", Vec::new()),
                    ("serde::Serialize", self.serde_features(u.serialize)),
                    ("serde::Deserialize", self.serde_features(u.deserialize)),
                ];
                self.impls(&path, &traits, &features);
            }
            TypeKind::Struct(s) => self.structure(&path, t, s, &features),
        }
    }

    fn structure(&mut self, path: &str, t: &TypeEntry, s: &StructDef, features: &[String]) {
        let attrs = if s.non_exhaustive {
            " #[non_exhaustive]"
        } else {
            ""
        };
        self.push(
            ItemKind::Struct,
            path.to_owned(),
            attrs.to_owned(),
            features,
        );
        self.note_last(&t.key);
        for f in &s.fields {
            let sig = format!(": {}", self.t(&f.ty));
            self.push(
                ItemKind::Field,
                format!("{path}::{}", f.rust),
                sig,
                features,
            );
        }
        if let Some(v) = &s.additional {
            let sig = format!(": std::collections::BTreeMap<String, {}>", self.t(v));
            self.push(
                ItemKind::Field,
                format!("{path}::additional_properties"),
                sig,
                features,
            );
        }
        let mut traits = vec![
            ("Clone", Vec::new()),
            ("Debug", Vec::new()),
            ("PartialEq", Vec::new()),
            ("serde::Serialize", self.serde_features(s.serialize)),
            ("serde::Deserialize", self.serde_features(s.deserialize)),
        ];
        if s.default != DefaultImpl::None {
            traits.push(("Default", Vec::new()));
        }
        self.impls(path, &traits, features);
        let params: Vec<String> = match &s.constructor.required_struct {
            Some(req) => vec![format!("required: {}::types::{req}", self.krate)],
            None => s
                .constructor
                .args
                .iter()
                .map(|a| format!("{}: {}", s.fields[a.field].rust, self.a(&a.input)))
                .collect(),
        };
        self.push(
            ItemKind::Fn,
            format!("{path}::new"),
            format!("({}) -> Self", params.join(", ")),
            features,
        );
        for f in &s.fields {
            let Some(names) = &f.setter else { continue };
            let sig = format!("(self, value: {}) -> Self", self.a(&f.input));
            self.push(
                ItemKind::Fn,
                format!("{path}::{}", names.set),
                sig,
                features,
            );
            if let Some(null) = &names.null {
                self.push(
                    ItemKind::Fn,
                    format!("{path}::{null}"),
                    "(self) -> Self".to_owned(),
                    features,
                );
            }
        }
        if let Some(req) = &s.constructor.required_struct {
            let rpath = format!("{}::types::{req}", self.krate);
            for old in &s.constructor.required_aliases {
                self.push(
                    ItemKind::Type,
                    format!("{}::types::{old}", self.krate),
                    format!(" = {rpath} #[deprecated(renamed to {req})]"),
                    features,
                );
            }
            self.push(ItemKind::Struct, rpath.clone(), String::new(), features);
            for a in &s.constructor.args {
                let f = &s.fields[a.field];
                let sig = format!(": {}", self.t(&a.plain));
                self.push(
                    ItemKind::Field,
                    format!("{rpath}::{}", f.rust),
                    sig,
                    features,
                );
            }
            self.impls(
                &rpath,
                &[
                    ("Clone", Vec::new()),
                    ("Debug", Vec::new()),
                    ("PartialEq", Vec::new()),
                ],
                features,
            );
        }
        let _ = t;
    }

    fn resource(&mut self, r: &Resource) {
        let k = self.krate;
        let module = format!("{k}::{}", r.module);
        let features = if self.model.resource_features {
            vec![r.module.clone()]
        } else {
            Vec::new()
        };
        self.push(ItemKind::Mod, module.clone(), String::new(), &features);
        let handle = format!("{module}::{}", r.handle);
        self.push(
            ItemKind::Fn,
            format!("{k}::Client::{}", r.accessor),
            format!("(&self) -> {handle}<'_>"),
            &features,
        );
        for old in &r.aliases {
            self.push(
                ItemKind::Mod,
                format!("{k}::{old}"),
                format!(" #[deprecated(renamed to {})]", r.module),
                &features,
            );
            self.push(
                ItemKind::Fn,
                format!("{k}::Client::{old}"),
                format!(
                    "(&self) -> {handle}<'_> #[deprecated(renamed to {})]",
                    r.accessor
                ),
                &features,
            );
        }
        self.push(
            ItemKind::Struct,
            handle.clone(),
            "<'a>".to_owned(),
            &features,
        );
        self.impls(
            &handle,
            &[
                ("Clone", Vec::new()),
                ("Copy", Vec::new()),
                ("Debug", Vec::new()),
            ],
            &features,
        );
        for op in &r.ops {
            self.operation(&module, &handle, op, &features);
        }
    }

    fn operation(&mut self, module: &str, handle: &str, op: &Operation, features: &[String]) {
        let k = self.krate;
        let builder = format!("{module}::{}", op.builder);
        let args: Vec<String> = op
            .args
            .iter()
            .map(|a| format!("{}: {}", a.name, self.a(&a.ty)))
            .collect();
        let deprecated = if op.deprecated { " #[deprecated]" } else { "" };
        let params = format!(
            "(&self{}{})",
            if args.is_empty() { "" } else { ", " },
            args.join(", ")
        );
        let mut method = ApiItem::new(
            ItemKind::Fn,
            format!("{handle}::{}", op.name),
            format!("{params} -> {builder}{deprecated}"),
            features.to_vec(),
        );
        method.note = Some(op.key.clone());
        self.items.push(method);
        for old in &op.method_aliases {
            self.push(
                ItemKind::Fn,
                format!("{handle}::{old}"),
                format!(
                    "{params} -> {builder} #[deprecated(renamed to {})]",
                    op.name
                ),
                features,
            );
        }
        for old in &op.builder_aliases {
            self.push(
                ItemKind::Type,
                format!("{module}::{old}"),
                format!(" = {builder} #[deprecated(renamed to {})]", op.builder),
                features,
            );
        }
        self.push(ItemKind::Struct, builder.clone(), String::new(), features);
        self.impls(
            &builder,
            &[("Clone", Vec::new()), ("Debug", Vec::new())],
            features,
        );
        let m = |name: &str| format!("{builder}::{}", name);
        let mut methods: Vec<(String, String)> = vec![
            (
                "timeout".into(),
                "(self, timeout: core::time::Duration) -> Self".into(),
            ),
            (
                "total_timeout".into(),
                "(self, total: core::time::Duration) -> Self".into(),
            ),
            ("max_retries".into(), "(self, retries: u32) -> Self".into()),
            (
                "header".into(),
                "(self, name: impl Into<String>, value: impl Into<String>) -> Self".into(),
            ),
            (
                "without_header".into(),
                "(self, name: impl Into<String>) -> Self".into(),
            ),
            (
                "options".into(),
                format!("(self, options: {k}::RequestOptions) -> Self"),
            ),
        ];
        if matches!(op.paging, Some(PagingPlan::PageNumber { .. })) {
            methods.push((
                "page_concurrency".into(),
                "(self, pages: usize) -> Self".into(),
            ));
        }
        if matches!(op.body, crate::codegen::model::BodyPlan::Form { .. }) {
            methods.push((
                "upload_progress".into(),
                format!(
                    "(self, hook: impl Fn({k}::UploadProgress) + Send + Sync + 'static) -> Self"
                ),
            ));
        }
        for s in &op.setters {
            let sig = match &s.kind {
                SetterKind::Param { input, .. }
                | SetterKind::BodyField { input, .. }
                | SetterKind::FormField { input, .. } => {
                    format!("(self, value: {}) -> Self", self.a(input))
                }
                SetterKind::StringHeader { without, .. } => {
                    methods.push((without.clone(), "(self) -> Self".into()));
                    "(self, value: impl Into<String>) -> Self".to_owned()
                }
                SetterKind::BodyFieldNull { .. } => "(self) -> Self".to_owned(),
                SetterKind::Body { ty } => format!("(self, body: {}) -> Self", self.t(ty)),
                SetterKind::BodyBytes => {
                    "(self, content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self"
                        .to_owned()
                }
            };
            methods.push((s.name.clone(), sig));
        }
        let out = self.t(&op.output);
        let mut async_methods: Vec<(String, String)> = vec![
            ("send".into(), format!("(self) -> {k}::Result<{out}>")),
            (
                "send_raw".into(),
                format!("(self) -> {k}::Result<{k}::RawResponse>"),
            ),
        ];
        if let Some(s) = &op.streaming {
            let event = self.t(&s.event);
            async_methods.push((
                "stream".into(),
                format!("(self) -> {k}::Result<{k}::EventStream<{event}>>"),
            ));
            if s.background.is_some() {
                async_methods.push(("background".into(), format!("(self) -> {k}::Result<{out}>")));
            }
        }
        for (name, sig) in async_methods {
            self.push(ItemKind::AsyncFn, m(&name), sig, features);
        }
        if let Some(plan) = &op.paging {
            let item = self.t(&plan.items().item);
            methods.push((
                "into_pages".into(),
                format!("(self) -> {k}::PageStream<{out}>"),
            ));
            methods.push((
                "into_stream".into(),
                format!("(self) -> {k}::ItemStream<{item}>"),
            ));
        }
        for (name, sig) in methods {
            self.push(ItemKind::Fn, m(&name), sig, features);
        }
    }
}

/// The typed layer of the mock server (`alli_api::mock`), as `emit::mock` prints it.
impl Lister<'_> {
    fn mock(&mut self, gate: Option<&str>) {
        let k = self.krate;
        let m = format!("{k}::mock");
        let base: Vec<String> = gate.iter().map(|g| (*g).to_owned()).collect();
        // An item of one resource needs the mock's feature and the resource's.
        let of = |r: &Resource| -> Vec<String> {
            match (self.model.resource_features, gate) {
                (false, _) => base.clone(),
                (true, Some(g)) => vec![format!("{g}+{}", r.module)],
                (true, None) => vec![r.module.clone()],
            }
        };
        let per_resource: Vec<Vec<String>> = self.model.resources.iter().map(of).collect();
        self.push(ItemKind::Mod, m.clone(), String::new(), &base);
        self.push(
            ItemKind::Const,
            format!("{m}::OPENAPI"),
            ": &str".to_owned(),
            &base,
        );
        self.push(
            ItemKind::Mod,
            format!("{m}::operations"),
            String::new(),
            &base,
        );
        self.push(
            ItemKind::Static,
            format!("{m}::operations::ALL"),
            format!(": &[&{m}::Operation]"),
            &base,
        );
        self.push(
            ItemKind::AsyncFn,
            format!("{m}::MockAlli::start"),
            format!("() -> {m}::MockAlli"),
            &base,
        );
        self.push(
            ItemKind::Fn,
            format!("{m}::MockAlli::configure"),
            format!("() -> {m}::MockBuilder"),
            &base,
        );
        for (r, features) in self.model.resources.iter().zip(&per_resource) {
            let handle = format!("{m}::{}", r.handle);
            let module = format!("{m}::{}", r.module);
            self.push(
                ItemKind::Fn,
                format!("{m}::MockAlli::{}", r.accessor),
                format!("(&self) -> {handle}<'_>"),
                features,
            );
            for old in &r.aliases {
                self.push(
                    ItemKind::Fn,
                    format!("{m}::MockAlli::{old}"),
                    format!(
                        "(&self) -> {handle}<'_> #[deprecated(renamed to {})]",
                        r.accessor
                    ),
                    features,
                );
                self.push(
                    ItemKind::Mod,
                    format!("{m}::{old}"),
                    format!(" #[deprecated(renamed to {})]", r.module),
                    features,
                );
            }
            self.push(
                ItemKind::Struct,
                handle.clone(),
                "<'a>".to_owned(),
                features,
            );
            self.impls(
                &handle,
                &[
                    ("Clone", Vec::new()),
                    ("Copy", Vec::new()),
                    ("Debug", Vec::new()),
                ],
                features,
            );
            self.push(ItemKind::Mod, module.clone(), String::new(), features);
            for op in &r.ops {
                self.mock_rule(&m, &handle, &module, op, features);
            }
        }
    }

    fn mock_rule(
        &mut self,
        m: &str,
        handle: &str,
        module: &str,
        op: &Operation,
        features: &[String],
    ) {
        let rule = &op.mock_rule;
        self.push(
            ItemKind::Static,
            format!("{m}::operations::{}", rule.descriptor),
            format!(": {m}::Operation"),
            features,
        );
        for old in &rule.descriptor_aliases {
            self.push(
                ItemKind::Static,
                format!("{m}::operations::{old}"),
                format!(
                    ": {m}::Operation #[deprecated(renamed to {})]",
                    rule.descriptor
                ),
                features,
            );
        }
        let ty = format!("{module}::{}", op.builder);
        let path_args: Vec<String> = op
            .args
            .iter()
            .filter(|a| {
                matches!(a.target, crate::codegen::model::ArgTarget::Param(i)
                    if op.params[i].location == crate::codegen::model::ParamIn::Path)
            })
            .map(|a| format!(", {}: {}", a.name, self.a(&a.ty)))
            .collect();
        let params = format!("(&self{})", path_args.concat());
        self.push(
            ItemKind::Fn,
            format!("{handle}::{}", op.name),
            format!("{params} -> {ty}"),
            features,
        );
        for old in &op.method_aliases {
            self.push(
                ItemKind::Fn,
                format!("{handle}::{old}"),
                format!("{params} -> {ty} #[deprecated(renamed to {})]", op.name),
                features,
            );
        }
        for old in &op.builder_aliases {
            self.push(
                ItemKind::Type,
                format!("{module}::{old}"),
                format!(" = {ty} #[deprecated(renamed to {})]", op.builder),
                features,
            );
        }
        self.push(ItemKind::Struct, ty.clone(), String::new(), features);
        self.impls(
            &ty,
            &[("Clone", Vec::new()), ("Debug", Vec::new())],
            features,
        );
        let (success, error) = (self.t(&rule.success), self.t(&rule.error));
        let mut methods = vec![
            (
                "returns".to_owned(),
                format!("(self, value: {success}) -> Self"),
            ),
            (
                "then_returns".to_owned(),
                format!("(self, value: {success}) -> Self"),
            ),
            (
                "fails".to_owned(),
                format!("(self, status: u16, body: {error}) -> Self"),
            ),
            (
                "then_fails".to_owned(),
                format!("(self, status: u16, body: {error}) -> Self"),
            ),
        ];
        if let Some(event) = &rule.event {
            let event = self.t(event);
            for name in ["streams", "then_streams"] {
                methods.push((
                    name.to_owned(),
                    format!("(self, events: impl IntoIterator<Item = {event}>) -> Self"),
                ));
            }
        }
        for x in &rule.matchers {
            let sig = match &x.kind {
                MatcherKind::Param { input, .. } | MatcherKind::BodyField { input, .. } => {
                    format!("(self, value: {}) -> Self", self.a(input))
                }
                MatcherKind::StringHeader { .. } => {
                    "(self, value: impl Into<String>) -> Self".to_owned()
                }
                MatcherKind::Body { ty } => format!("(self, body: {}) -> Self", self.t(ty)),
                MatcherKind::ParamAbsent { .. }
                | MatcherKind::BodyFieldNull { .. }
                | MatcherKind::BodyFieldAbsent { .. }
                | MatcherKind::Switch { .. } => "(self) -> Self".to_owned(),
            };
            methods.push((x.name.clone(), sig));
        }
        for (name, sig) in methods {
            self.push(ItemKind::Fn, format!("{ty}::{name}"), sig, features);
        }
    }
}

impl Lister<'_> {
    /// The features gating a serde impl.
    fn serde_features(&self, d: Derive) -> Vec<String> {
        match (d, self.serde_feature) {
            (Derive::WithFullSerde, Some(f)) => vec![f.to_owned()],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_back() {
        for line in [
            "fn alli_api::types::App::new(id: impl Into<String>, name: impl Into<String>) -> Self",
            "field alli_api::types::App::agent_permission: alli_api::types::AgentPermissionResponse",
            "struct alli_api::conversations::Conversations<'a>  [feature conversations]",
            "impl serde::Serialize for alli_api::types::App  [feature full-serde]",
            "variant alli_api::types::ObjectAccessType::Order1Editor = \"order_1_editor\"",
            "fn alli_api::apps::Apps::get(&self, app_id: impl Into<String>) -> alli_api::apps::GetApp  [feature apps]  // GET /webapi/v2/apps/{app_id}",
            "async fn alli_api::apps::GetApp::send(self) -> alli_api::Result<alli_api::types::App>",
            "const alli_api::types::ObjectAccessType::KNOWN_VALUES: &'static [&'static str]",
            "enum alli_api::types::ObjectAccessType #[non_exhaustive]",
        ] {
            let item = ApiItem::parse(line).expect(line);
            assert_eq!(item.listing_line(), line);
        }
        let f = ApiItem::parse("field a::T::x: i64").expect("field");
        assert_eq!((f.path.as_str(), f.owner.as_str()), ("a::T::x", "a::T"));
        let i = ApiItem::parse("impl From<&str> for a::T").expect("impl");
        assert_eq!(i.owner, "a::T");
    }
}
