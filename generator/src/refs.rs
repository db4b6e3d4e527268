//! References (`$ref`): the one place that parses them and follows chains of them.
//!
//! Only local references are supported (`#/components/schemas/Pet`, or any JSON pointer into
//! the document). A chain of references (`A` → `B` → the object) is followed at most
//! [`MAX_CHAIN`] steps; a reference seen twice is a cycle. Every failure says which `$ref`
//! failed, so callers can locate it. [`follow`] is generic: it follows chains in plain JSON
//! ([`resolve`]) and in typed models ([`follow_component`] for `openapiv3::ReferenceOr`).

use std::fmt;

use indexmap::IndexMap;
use openapiv3::ReferenceOr;
use serde_json::Value;

use crate::diag::{Diagnostic, Location};
use crate::pointer::Pointer;

/// The most references a chain may have before it is reported as too long.
pub const MAX_CHAIN: usize = 32;

/// The kinds of objects `components` holds (and a `$ref` can be expected to point at).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentKind {
    /// `securitySchemes`
    SecurityScheme,
    /// `parameters`
    Parameter,
    /// `headers`
    Header,
    /// `requestBodies`
    RequestBody,
    /// `responses`
    Response,
    /// `schemas`
    Schema,
    /// `examples`
    Example,
    /// `links`
    Link,
    /// `callbacks`
    Callback,
    /// `pathItems` (OpenAPI 3.1)
    PathItem,
}

impl ComponentKind {
    /// Every kind, in the order the merged document lists them.
    pub const ALL: [ComponentKind; 10] = [
        ComponentKind::SecurityScheme,
        ComponentKind::Parameter,
        ComponentKind::Header,
        ComponentKind::RequestBody,
        ComponentKind::Response,
        ComponentKind::Schema,
        ComponentKind::Example,
        ComponentKind::Link,
        ComponentKind::Callback,
        ComponentKind::PathItem,
    ];

    /// The key under `components` (`schemas`).
    pub const fn key(self) -> &'static str {
        match self {
            ComponentKind::SecurityScheme => "securitySchemes",
            ComponentKind::Parameter => "parameters",
            ComponentKind::Header => "headers",
            ComponentKind::RequestBody => "requestBodies",
            ComponentKind::Response => "responses",
            ComponentKind::Schema => "schemas",
            ComponentKind::Example => "examples",
            ComponentKind::Link => "links",
            ComponentKind::Callback => "callbacks",
            ComponentKind::PathItem => "pathItems",
        }
    }

    /// The kind stored under `components.<key>`.
    pub fn from_key(key: &str) -> Option<ComponentKind> {
        ComponentKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// What one such object is called in messages (`schema`, `request body`).
    pub const fn noun(self) -> &'static str {
        match self {
            ComponentKind::SecurityScheme => "security scheme",
            ComponentKind::Parameter => "parameter",
            ComponentKind::Header => "header",
            ComponentKind::RequestBody => "request body",
            ComponentKind::Response => "response",
            ComponentKind::Schema => "schema",
            ComponentKind::Example => "example",
            ComponentKind::Link => "link",
            ComponentKind::Callback => "callback",
            ComponentKind::PathItem => "path item",
        }
    }
}

/// A local reference: a JSON pointer into the same document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocalRef {
    /// Where it points.
    pub pointer: Pointer,
}

impl LocalRef {
    /// Parses `#/a/b` (or `#`, the root). Anything else is an external reference or a
    /// fragment that is not a JSON pointer (`#anchor`): `Err` says which.
    pub fn parse(reference: &str) -> Result<LocalRef, RefProblem> {
        match reference.strip_prefix('#') {
            None => Err(RefProblem::External),
            Some(p) if p.is_empty() || p.starts_with('/') => Ok(LocalRef {
                pointer: Pointer::parse(p),
            }),
            Some(_) => Err(RefProblem::NotAPointer),
        }
    }

    /// `(kind, name)` when this is `#/components/<kind>/<name>`.
    pub fn component(&self) -> Option<(ComponentKind, String)> {
        match <[String; 3]>::try_from(self.pointer.tokens()) {
            Ok([components, kind, name]) if components == "components" => {
                Some((ComponentKind::from_key(&kind)?, name))
            }
            _ => None,
        }
    }
}

/// A discriminator mapping value as a reference: values are references
/// (`#/components/schemas/Dog`) or, equally valid, schema names (`Dog`).
pub fn mapping_ref(value: &str) -> String {
    if value.starts_with('#') || value.contains('/') {
        value.to_owned()
    } else {
        format!("#/components/schemas/{value}")
    }
}

/// Why a reference could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefProblem {
    /// It points outside the document (`other.yaml#/X`, `https://...`).
    External,
    /// Its fragment is not a JSON pointer (`#anchor`).
    NotAPointer,
    /// It points at nothing (or at nothing the caller can follow).
    Dangling,
    /// It points at a component of another kind than the place expects.
    WrongKind {
        /// What the place holds.
        expected: ComponentKind,
        /// What the reference names.
        found: ComponentKind,
    },
    /// Following it comes back to a reference already followed: the chain, in order.
    Cycle(Vec<String>),
    /// The chain is longer than [`MAX_CHAIN`].
    TooLong,
}

/// A reference that could not be followed: which one, where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefError {
    /// The `$ref` member that failed (`#/paths/~1a/get/parameters/0/$ref`).
    pub at: Pointer,
    /// The reference as written.
    pub reference: String,
    /// Why.
    pub problem: RefProblem,
}

impl RefError {
    /// The short stable code of the problem.
    pub fn code(&self) -> &'static str {
        match self.problem {
            RefProblem::External | RefProblem::NotAPointer => "external-ref",
            RefProblem::Dangling => "dangling-ref",
            RefProblem::WrongKind { .. } => "wrong-ref-kind",
            RefProblem::Cycle(_) | RefProblem::TooLong => "ref-cycle",
        }
    }

    /// This error as a diagnostic, located by `locate`.
    pub fn diagnostic(&self, locate: impl Fn(&Pointer) -> Location) -> Diagnostic {
        Diagnostic::error(self.code(), locate(&self.at), self.to_string())
    }
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.reference;
        match &self.problem {
            RefProblem::External => write!(
                f,
                "`{r}` points outside the document; only local `#/...` references are supported"
            ),
            RefProblem::NotAPointer => write!(
                f,
                "`{r}` is not a JSON pointer; only `#/...` references are supported"
            ),
            RefProblem::Dangling => write!(f, "`{r}` points at nothing in the merged document"),
            RefProblem::WrongKind { expected, found } => write!(
                f,
                "`{r}` names a {}, but a {} belongs here",
                found.noun(),
                expected.noun()
            ),
            RefProblem::Cycle(chain) => write!(
                f,
                "`{r}` is part of a reference cycle: {} → `{r}`",
                chain
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(" → ")
            ),
            RefProblem::TooLong => write!(
                f,
                "`{r}` starts a chain of more than {MAX_CHAIN} references"
            ),
        }
    }
}

/// Follows the chain of references that starts at `start` (found at `at`) to the first item
/// that is not a reference. `reference_of` says whether an item is a reference (and to what);
/// `lookup` finds the item a local reference points at, or says why it cannot.
pub fn follow<'a, T: ?Sized>(
    start: &'a T,
    at: &Pointer,
    reference_of: impl Fn(&'a T) -> Option<&'a str>,
    mut lookup: impl FnMut(&LocalRef) -> Result<&'a T, RefProblem>,
) -> Result<&'a T, RefError> {
    let mut item = start;
    let mut site = at.clone();
    let mut chain: Vec<String> = Vec::new();
    while let Some(reference) = reference_of(item) {
        let fail = |problem| RefError {
            at: site.push("$ref"),
            reference: reference.to_owned(),
            problem,
        };
        if chain.iter().any(|c| c == reference) {
            return Err(fail(RefProblem::Cycle(chain)));
        }
        if chain.len() == MAX_CHAIN {
            return Err(fail(RefProblem::TooLong));
        }
        let local = LocalRef::parse(reference).map_err(fail)?;
        item = lookup(&local).map_err(fail)?;
        chain.push(reference.to_owned());
        site = local.pointer;
    }
    Ok(item)
}

/// The `$ref` of a JSON object, if it is a reference.
pub fn json_ref(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// Follows `value` (found at `at` in `doc`) through any references to the object they name.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value, at: &Pointer) -> Result<&'a Value, RefError> {
    follow(value, at, json_ref, |r| {
        r.pointer.get(doc).ok_or(RefProblem::Dangling)
    })
}

/// Follows an `openapiv3` item through references to components of `kind`, found in `items`
/// (the matching map of `components`).
pub fn follow_component<'a, T>(
    start: &'a ReferenceOr<T>,
    at: &Pointer,
    kind: ComponentKind,
    items: Option<&'a IndexMap<String, ReferenceOr<T>>>,
) -> Result<&'a T, RefError> {
    let reference_of = |item: &'a ReferenceOr<T>| match item {
        ReferenceOr::Reference { reference } => Some(reference.as_str()),
        ReferenceOr::Item(_) => None,
    };
    let found = follow(start, at, reference_of, |r| match r.component() {
        Some((k, name)) if k == kind => items
            .and_then(|items| items.get(&name))
            .ok_or(RefProblem::Dangling),
        Some((found, _)) => Err(RefProblem::WrongKind {
            expected: kind,
            found,
        }),
        // A pointer elsewhere in the document: the typed model has no path to it.
        None => Err(RefProblem::Dangling),
    })?;
    match found {
        ReferenceOr::Item(item) => Ok(item),
        // `follow` stops only at items.
        ReferenceOr::Reference { reference } => Err(RefError {
            at: at.clone(),
            reference: reference.clone(),
            problem: RefProblem::Dangling,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn local_references_parse_and_name_components() {
        let r = LocalRef::parse("#/components/schemas/Pet").expect("local");
        assert_eq!(r.pointer.to_string(), "#/components/schemas/Pet");
        assert_eq!(
            r.component(),
            Some((ComponentKind::Schema, "Pet".to_owned()))
        );
        let deep = LocalRef::parse("#/components/schemas/Pet/properties/id").expect("local");
        assert_eq!(deep.component(), None);
        assert_eq!(
            LocalRef::parse("#/components/pathItems/a~1b")
                .expect("local")
                .component(),
            Some((ComponentKind::PathItem, "a/b".to_owned()))
        );
        assert_eq!(LocalRef::parse("#").expect("root").pointer, Pointer::root());
        assert_eq!(LocalRef::parse("other.yaml#/X"), Err(RefProblem::External));
        assert_eq!(LocalRef::parse("#pet"), Err(RefProblem::NotAPointer));
        assert_eq!(
            ComponentKind::from_key("requestBodies"),
            Some(ComponentKind::RequestBody)
        );
        assert_eq!(ComponentKind::from_key("x-things"), None);
    }

    #[test]
    fn mapping_values_are_names_or_references() {
        assert_eq!(mapping_ref("Dog"), "#/components/schemas/Dog");
        assert_eq!(
            mapping_ref("#/components/schemas/Dog"),
            "#/components/schemas/Dog"
        );
        assert_eq!(mapping_ref("pets/dog.yaml"), "pets/dog.yaml");
        assert_eq!(mapping_ref("other.yaml#/Dog"), "other.yaml#/Dog");
    }

    #[test]
    fn chains_are_followed_and_failures_located() {
        let doc = json!({"components": {"parameters": {
            "A": {"$ref": "#/components/parameters/B"},
            "B": {"name": "b", "in": "query"},
            "C": {"$ref": "#/components/parameters/D"},
            "D": {"$ref": "#/components/parameters/C"},
            "E": {"$ref": "#/components/parameters/Nope"},
        }}});
        let start = json!({"$ref": "#/components/parameters/A"});
        let at = Pointer::parse("#/paths/~1x/get/parameters/0");
        let found = resolve(&doc, &start, &at).expect("resolves");
        assert_eq!(found["name"], "b");
        assert_eq!(resolve(&doc, &doc, &at).expect("no reference"), &doc);

        let cycle =
            resolve(&doc, &json!({"$ref": "#/components/parameters/C"}), &at).expect_err("cycle");
        assert_eq!(cycle.code(), "ref-cycle");
        assert_eq!(cycle.at.to_string(), "#/components/parameters/D/$ref");
        assert_eq!(
            cycle.to_string(),
            "`#/components/parameters/C` is part of a reference cycle: `#/components/parameters/C` → `#/components/parameters/D` → `#/components/parameters/C`"
        );

        let dangling = resolve(&doc, &json!({"$ref": "#/components/parameters/E"}), &at)
            .expect_err("dangling");
        assert_eq!(dangling.at.to_string(), "#/components/parameters/E/$ref");
        assert_eq!(
            dangling.to_string(),
            "`#/components/parameters/Nope` points at nothing in the merged document"
        );
        let external = resolve(&doc, &json!({"$ref": "x.yaml"}), &at).expect_err("external");
        assert_eq!(
            (external.code(), external.at.to_string()),
            (
                "external-ref",
                "#/paths/~1x/get/parameters/0/$ref".to_owned()
            )
        );
    }

    #[test]
    fn typed_chains_follow_components_of_one_kind() {
        let mut items: IndexMap<String, ReferenceOr<u32>> = IndexMap::new();
        items.insert("A".into(), ReferenceOr::ref_("#/components/parameters/B"));
        items.insert("B".into(), ReferenceOr::Item(7));
        items.insert(
            "Self".into(),
            ReferenceOr::ref_("#/components/parameters/Self"),
        );
        let at = Pointer::root();
        let start = ReferenceOr::ref_("#/components/parameters/A");
        assert_eq!(
            follow_component(&start, &at, ComponentKind::Parameter, Some(&items)),
            Ok(&7)
        );
        let wrong_kind = follow_component(&start, &at, ComponentKind::Schema, Some(&items));
        assert_eq!(
            wrong_kind.map_err(|e| e.problem),
            Err(RefProblem::WrongKind {
                expected: ComponentKind::Schema,
                found: ComponentKind::Parameter
            })
        );
        let selfish = ReferenceOr::ref_("#/components/parameters/Self");
        let err = follow_component(&selfish, &at, ComponentKind::Parameter, Some(&items))
            .expect_err("cycle");
        assert!(matches!(err.problem, RefProblem::Cycle(_)), "{err}");
        assert_eq!(
            follow_component(&ReferenceOr::Item(1), &at, ComponentKind::Parameter, None),
            Ok(&1)
        );
    }
}
