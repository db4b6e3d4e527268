//! The API listing — read from the resolved model, the input of the impact report — against
//! the emitted code, read back with syn: every public struct, field, variant, method and derived
//! trait the emitter printed is listed with the same signature, and every listed item was
//! printed. Items a runtime macro expands (`__open_enum!`'s methods, `__request_options!`,
//! `__header_param!`) are checked by the invocation that produces them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use generator::codegen::model::rust::tokens_text;
use generator::codegen::surface::{ApiItem, ApiListing, ItemKind};
use quote::ToTokens;

use crate::support::project_root;

/// What the emitted code declares: identity → (signature, features).
type Emitted = BTreeMap<(ItemKind, String), (String, Vec<String>)>;

struct Reader<'a> {
    krate: &'a str,
    generated: &'a BTreeSet<String>,
    /// Types declared in the module being read (handles and builders): `name → path`.
    local: BTreeMap<String, String>,
    /// The features gating the module being read.
    module_features: Vec<String>,
    out: Emitted,
    /// Methods a runtime macro invocation provides: `(owner, name)`.
    macro_methods: BTreeSet<(String, String)>,
    /// Child modules of the module being read whose paths are written relative to it
    /// (`conversations::GetConversation` in `mock.rs`): `name → full path`.
    children: BTreeMap<String, String>,
}

/// The features of `#[cfg(feature = "a")]` / `#[cfg(any(feature = "a", ..))]` attributes.
fn cfg_features(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("cfg")) {
        let text = a.meta.to_token_stream().to_string();
        for part in text.split("feature =").skip(1) {
            if let Some(name) = part.split('"').nth(1) {
                out.push(name.to_owned());
            }
        }
    }
    out
}

impl Reader<'_> {
    /// A type as the listing writes it.
    fn ty(&self, tokens: proc_macro2::TokenStream) -> String {
        let k = self.krate;
        let mut text = tokens_text(&tokens)
            .replace("super::super::types::", "types::")
            .replace("super::types::", "types::")
            .replace("::serde::", "serde::")
            .replace("::std::", "std::")
            .replace("::core::", "core::")
            .replace("crate::", &format!("{k}::"))
            .replace(", >", ">");
        if let Some((full, rest)) = text.split_once("::").and_then(|(first, rest)| {
            self.children
                .get(first)
                .map(|full| (full.clone(), rest.to_owned()))
        }) {
            text = format!("{full}::{rest}");
        }
        // Generated type names: `types::X` (resource modules) or a bare `X` (types.rs).
        let mut out = String::new();
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            if !word.is_empty() {
                let qualified = out.ends_with("::");
                if out.ends_with("types::") {
                    out.truncate(out.len() - "types::".len());
                    out.push_str(&format!("{k}::types::{word}"));
                } else if !qualified && self.generated.contains(word.as_str()) {
                    out.push_str(&format!("{k}::types::{word}"));
                } else if let Some(path) = self.local.get(word.as_str()).filter(|_| !qualified) {
                    out.push_str(path);
                } else {
                    out.push_str(word);
                }
                word.clear();
            }
        };
        for c in text.chars() {
            if c.is_alphanumeric() || c == '_' {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    /// Records an item with its own features: an item gated inside a gated module needs both
    /// (`mock+conversations`), otherwise the gates add up as alternatives.
    fn put(&mut self, kind: ItemKind, path: String, sig: String, features: &[String]) {
        let all = if self.module_features.is_empty() || features.is_empty() {
            let mut all = self.module_features.clone();
            all.extend(features.iter().cloned());
            all
        } else {
            self.module_features
                .iter()
                .flat_map(|m| features.iter().map(move |f| format!("{m}+{f}")))
                .collect()
        };
        self.out.insert((kind, path), (sig, all));
    }

    fn derives(&mut self, path: &str, attrs: &[syn::Attribute], features: &[String]) {
        for a in attrs {
            let text = a.meta.to_token_stream().to_string();
            let (gate, list) = if a.path().is_ident("derive") {
                (None, text.trim_start_matches("derive").to_owned())
            } else if a.path().is_ident("cfg_attr") && text.contains("derive") {
                let gate = text.split('"').nth(1).map(str::to_owned);
                let list = text.split("derive").nth(1).unwrap_or_default().to_owned();
                (gate, list)
            } else {
                continue;
            };
            for t in list
                .trim_matches(|c| c == '(' || c == ')' || c == ' ')
                .split(',')
                .map(|t| t.replace(' ', "").replace("::serde::", "serde::"))
                .filter(|t| !t.is_empty())
            {
                let mut f = features.to_vec();
                f.extend(gate.clone());
                self.put(ItemKind::Impl, format!("{t} for {path}"), String::new(), &f);
            }
        }
    }

    fn file(&mut self, module: &str, file: &syn::File) {
        self.items(module, &file.items);
    }

    fn items(&mut self, module: &str, items: &[syn::Item]) {
        let local: BTreeMap<String, String> = items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Struct(s) if module != format!("{}::types", self.krate) => {
                    Some((s.ident.to_string(), format!("{module}::{}", s.ident)))
                }
                _ => None,
            })
            .collect();
        self.local.extend(local);
        for item in items {
            match item {
                syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                    let path = format!("{module}::{}", s.ident);
                    let features = cfg_features(&s.attrs);
                    let generics = tokens_text(&s.generics.to_token_stream());
                    let ne = s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
                    let sig = format!("{generics}{}", if ne { " #[non_exhaustive]" } else { "" });
                    self.put(ItemKind::Struct, path.clone(), sig, &features);
                    self.derives(&path, &s.attrs, &features);
                    for f in &s.fields {
                        if !matches!(f.vis, syn::Visibility::Public(_)) {
                            continue;
                        }
                        let Some(name) = &f.ident else { continue };
                        let sig = format!(": {}", self.ty(f.ty.to_token_stream()));
                        let name = name.to_string();
                        self.put(ItemKind::Field, format!("{path}::{name}"), sig, &features);
                    }
                }
                syn::Item::Impl(i) => self.impl_block(module, i),
                syn::Item::Macro(m) => {
                    // `rt::__open_enum! { enum .. }`
                    let Ok(e) = syn::parse2::<syn::ItemEnum>(m.mac.tokens.clone()) else {
                        continue;
                    };
                    let path = format!("{module}::{}", e.ident);
                    // The gate is on the invocation (it covers the impls the macro writes).
                    let mut features = cfg_features(&m.attrs);
                    features.extend(cfg_features(&e.attrs));
                    self.put(
                        ItemKind::Enum,
                        path.clone(),
                        " #[non_exhaustive]".to_owned(),
                        &features,
                    );
                    for v in &e.variants {
                        let wire = v
                            .discriminant
                            .as_ref()
                            .map(|(_, e)| e.to_token_stream().to_string())
                            .unwrap_or_default();
                        self.put(
                            ItemKind::Variant,
                            format!("{path}::{}", v.ident),
                            format!(" = {wire}"),
                            &features,
                        );
                    }
                }
                syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                    let path = format!("{module}::{}", e.ident);
                    let features = cfg_features(&e.attrs);
                    self.put(
                        ItemKind::Enum,
                        path.clone(),
                        " #[non_exhaustive]".to_owned(),
                        &features,
                    );
                    self.derives(&path, &e.attrs, &features);
                    for v in &e.variants {
                        let payload = v
                            .fields
                            .iter()
                            .map(|f| self.ty(f.ty.to_token_stream()))
                            .collect::<Vec<_>>()
                            .join(", ");
                        self.put(
                            ItemKind::Variant,
                            format!("{path}::{}", v.ident),
                            format!("({payload})"),
                            &features,
                        );
                    }
                }
                syn::Item::Type(t) if matches!(t.vis, syn::Visibility::Public(_)) => {
                    let path = format!("{module}::{}", t.ident);
                    let sig = format!(" = {}", self.ty(t.ty.to_token_stream()));
                    self.put(ItemKind::Type, path, sig, &cfg_features(&t.attrs));
                }
                syn::Item::Const(c) if matches!(c.vis, syn::Visibility::Public(_)) => {
                    let path = format!("{module}::{}", c.ident);
                    let sig = format!(": {}", self.ty(c.ty.to_token_stream()));
                    self.put(ItemKind::Const, path, sig, &cfg_features(&c.attrs));
                }
                syn::Item::Static(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                    let path = format!("{module}::{}", s.ident);
                    let sig = format!(": {}", self.ty(s.ty.to_token_stream()));
                    self.put(ItemKind::Static, path, sig, &cfg_features(&s.attrs));
                }
                syn::Item::Mod(m) if matches!(m.vis, syn::Visibility::Public(_)) => {
                    let Some((_, content)) = &m.content else {
                        continue;
                    };
                    let path = format!("{module}::{}", m.ident);
                    let features = cfg_features(&m.attrs);
                    self.put(ItemKind::Mod, path.clone(), String::new(), &features);
                    let outer = self.module_features.clone();
                    if !features.is_empty() {
                        self.module_features = if outer.is_empty() {
                            features
                        } else {
                            outer
                                .iter()
                                .flat_map(|o| features.iter().map(move |f| format!("{o}+{f}")))
                                .collect()
                        };
                    }
                    self.items(&path, content);
                    self.module_features = outer;
                }
                _ => {}
            }
        }
    }

    fn impl_block(&mut self, module: &str, i: &syn::ItemImpl) {
        let self_ty = tokens_text(&i.self_ty.to_token_stream());
        let self_ty = self_ty.split('<').next().unwrap_or_default().to_owned();
        let owner = if self_ty == "crate::Client" {
            format!("{}::Client", self.krate)
        } else {
            format!("{module}::{}", self_ty.trim_start_matches("super::types::"))
        };
        let features = cfg_features(&i.attrs);
        if let Some((t, _)) = &i.trait_ {
            let t = tokens_text(&t.to_token_stream());
            if t.contains("__private") {
                return; // hidden runtime traits (pagination)
            }
            let t = t.replace("::serde::", "serde::").replace("<'de>", "");
            self.put(
                ItemKind::Impl,
                format!("{t} for {owner}"),
                String::new(),
                &features,
            );
            return;
        }
        for item in &i.items {
            match item {
                syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => {
                    let hidden = f.attrs.iter().any(|a| {
                        a.path().is_ident("doc")
                            && a.meta.to_token_stream().to_string().contains("hidden")
                    });
                    if hidden {
                        continue;
                    }
                    let inputs: Vec<String> = f
                        .sig
                        .inputs
                        .iter()
                        .map(|a| match a {
                            syn::FnArg::Receiver(r) => {
                                tokens_text(&r.to_token_stream()).replace("mut self", "self")
                            }
                            syn::FnArg::Typed(t) => format!(
                                "{}: {}",
                                tokens_text(&t.pat.to_token_stream()),
                                self.ty(t.ty.to_token_stream())
                            ),
                        })
                        .collect();
                    let ret = match &f.sig.output {
                        syn::ReturnType::Default => String::new(),
                        syn::ReturnType::Type(_, t) => {
                            let t = self.ty(t.to_token_stream());
                            format!(" -> {t}")
                        }
                    };
                    let deprecated = f.attrs.iter().any(|a| a.path().is_ident("deprecated"));
                    let sig = format!(
                        "({}){ret}{}",
                        inputs.join(", "),
                        if deprecated { " #[deprecated]" } else { "" }
                    );
                    let kind = if f.sig.asyncness.is_some() {
                        ItemKind::AsyncFn
                    } else {
                        ItemKind::Fn
                    };
                    let mut gated = features.clone();
                    gated.extend(cfg_features(&f.attrs));
                    self.put(kind, format!("{owner}::{}", f.sig.ident), sig, &gated);
                }
                syn::ImplItem::Macro(m) => {
                    let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
                    let args: Vec<String> = m
                        .mac
                        .tokens
                        .to_string()
                        .split(',')
                        .map(|s| s.trim().to_owned())
                        .collect();
                    match name.as_deref() {
                        Some("__header_param") => {
                            for a in args.iter().take(2) {
                                self.macro_methods.insert((owner.clone(), a.clone()));
                            }
                        }
                        // `__mock_matcher!(<form> name, "wire")`: one method, `name`.
                        Some("__mock_matcher") => {
                            if let Some(name) = args[0].split_whitespace().nth(1) {
                                self.macro_methods.insert((owner.clone(), name.to_owned()));
                            }
                        }
                        // `__mock_rule!(success = S, error = E[, stream = Ev])`: the typed
                        // answers (the other methods it writes take the runtime's types).
                        Some("__mock_rule") => {
                            let text = tokens_text(&m.mac.tokens);
                            let arg = |key: &str| -> Option<String> {
                                let rest = text.split_once(&format!("{key} ="))?.1;
                                let end = [", error =", ", stream ="]
                                    .iter()
                                    .filter_map(|k| rest.find(k))
                                    .min()
                                    .unwrap_or(rest.len());
                                let ty: proc_macro2::TokenStream =
                                    rest[..end].trim().parse().ok()?;
                                Some(self.ty(ty))
                            };
                            let (success, error) = (
                                arg("success").unwrap_or_default(),
                                arg("error").unwrap_or_default(),
                            );
                            let mut typed = vec![
                                ("returns", format!("(self, value: {success}) -> Self")),
                                ("then_returns", format!("(self, value: {success}) -> Self")),
                                (
                                    "fails",
                                    format!("(self, status: u16, body: {error}) -> Self"),
                                ),
                                (
                                    "then_fails",
                                    format!("(self, status: u16, body: {error}) -> Self"),
                                ),
                            ];
                            if let Some(event) = arg("stream") {
                                let sig = format!(
                                    "(self, events: impl IntoIterator<Item = {event}>) -> Self"
                                );
                                typed.push(("streams", sig.clone()));
                                typed.push(("then_streams", sig));
                            }
                            for (name, sig) in typed {
                                self.put(ItemKind::Fn, format!("{owner}::{name}"), sig, &features);
                            }
                        }
                        Some("__request_options") => {
                            let mut names = vec![
                                "timeout",
                                "total_timeout",
                                "max_retries",
                                "header",
                                "without_header",
                                "options",
                            ];
                            for extra in ["page_concurrency", "upload_progress"] {
                                if args.iter().any(|a| a == extra) {
                                    names.push(extra);
                                }
                            }
                            for n in names {
                                self.macro_methods.insert((owner.clone(), n.to_owned()));
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
}

/// Every difference between `listing` and the generated files (`path → text`, paths under
/// `alli-api/src/generated/`), as readable lines.
pub(crate) fn differences(
    listing: &ApiListing,
    files: &BTreeMap<PathBuf, String>,
    krate: &str,
) -> Vec<String> {
    let generated: BTreeSet<String> = listing
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Struct | ItemKind::Enum | ItemKind::Type))
        .filter_map(|i| {
            i.path
                .strip_prefix(&format!("{krate}::types::"))
                .map(str::to_owned)
        })
        .collect();
    // The features of each resource module, from `mod.rs`.
    let mut module_features: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(text) = files.get(Path::new("alli-api/src/generated/mod.rs")) {
        let file = syn::parse_file(text).expect("mod.rs parses");
        for item in &file.items {
            if let syn::Item::Mod(m) = item {
                module_features.insert(m.ident.to_string(), cfg_features(&m.attrs));
            }
        }
    }
    let mut reader = Reader {
        krate,
        generated: &generated,
        local: BTreeMap::new(),
        module_features: Vec::new(),
        out: BTreeMap::new(),
        macro_methods: BTreeSet::new(),
        children: BTreeMap::new(),
    };
    for (path, text) in files {
        let Ok(rel) = path.strip_prefix("alli-api/src/generated") else {
            continue;
        };
        // The document beside `mock.rs` is data.
        if rel.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if stem == "mod" {
            continue;
        }
        let file = syn::parse_file(text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        reader.module_features = module_features.get(stem).cloned().unwrap_or_default();
        reader.local.clear();
        // The mock's handles name their rule types relative to the module; it names the
        // engine's types it imports bare.
        reader.children.clear();
        if stem == "mock" {
            let m = format!("{krate}::mock");
            for item in &file.items {
                if let syn::Item::Mod(sub) = item {
                    let name = sub.ident.to_string();
                    reader.children.insert(name.clone(), format!("{m}::{name}"));
                }
            }
            for engine in ["MockAlli", "MockBuilder", "Operation"] {
                reader
                    .local
                    .insert(engine.to_owned(), format!("{m}::{engine}"));
            }
        }
        if stem != "types" {
            let features = reader.module_features.clone();
            reader.put(
                ItemKind::Mod,
                format!("{krate}::{stem}"),
                String::new(),
                &[],
            );
            reader.module_features = features;
        }
        reader.file(&format!("{krate}::{stem}"), &file);
    }
    let macro_enums: BTreeSet<String> = reader
        .out
        .iter()
        .filter(|((k, _), (sig, _))| *k == ItemKind::Enum && sig.contains("non_exhaustive"))
        .map(|((_, p), _)| p.clone())
        .collect();
    let mut diffs = Vec::new();
    let listed: BTreeMap<(ItemKind, String), &ApiItem> = listing
        .items
        .iter()
        .map(|i| ((i.kind, i.path.clone()), i))
        .collect();
    for ((kind, path), item) in &listed {
        match reader.out.get(&(*kind, path.clone())) {
            Some((sig, features)) => {
                if *sig != item.signature || *features != item.features {
                    diffs.push(format!(
                        "listed:  {}\nemitted: {} {path}{sig} {features:?}",
                        item.line(),
                        item.kind_word()
                    ));
                }
            }
            None => {
                let by_macro = reader.macro_methods.contains(&(
                    item.owner.clone(),
                    path.rsplit("::").next().unwrap_or_default().to_owned(),
                ));
                // `__open_enum!` expands the enum's methods, its `Unknown` variant and impls.
                let enum_expansion = macro_enums.contains(&item.owner)
                    && (matches!(kind, ItemKind::Fn | ItemKind::Const | ItemKind::Impl)
                        || path.ends_with("::Unknown"));
                let string_from_enum = *kind == ItemKind::Impl && path.ends_with(" for String");
                if !by_macro && !enum_expansion && !string_from_enum {
                    diffs.push(format!("listed but not emitted: {}", item.line()));
                }
            }
        }
    }
    for ((kind, path), (sig, _)) in &reader.out {
        if !listed.contains_key(&(*kind, path.clone())) {
            diffs.push(format!("emitted but not listed: {kind:?} {path}{sig}"));
        }
    }
    diffs
}

/// The checked-in listing describes the checked-in generated code exactly.
#[test]
fn the_listing_is_what_the_emitter_printed() {
    let root = project_root();
    let text = std::fs::read_to_string(root.join("alli-api/public-api.txt")).expect("listing");
    let listing = ApiListing::parse(&text).expect("the listing reads back");
    assert_eq!(
        listing.to_string(),
        text,
        "the listing reads back to the same text"
    );
    let mut files = BTreeMap::new();
    for e in std::fs::read_dir(root.join("alli-api/src/generated")).expect("generated dir") {
        let p = e.expect("entry").path();
        let rel = Path::new("alli-api/src/generated").join(p.file_name().expect("name"));
        files.insert(rel, std::fs::read_to_string(&p).expect("read"));
    }
    let diffs = differences(&listing, &files, "alli_api");
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
