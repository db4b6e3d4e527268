//! The API impact of a regeneration: every public item added, removed or changed, and whether
//! existing callers break.
//!
//! Both sides are API listings ([`crate::codegen::surface`]) read from the resolved model —
//! the same signatures the emitter prints — so the report covers everything a downstream crate
//! can observe: function and method signatures, setters, constructors, fields, variants, trait
//! impls and the cargo features that gate them.
//!
//! Breaking: a removed item; a changed signature or field type; a new field or variant of a
//! type that is not `#[non_exhaustive]`; a type that became `#[non_exhaustive]`; an item gated
//! by more features than before. Not breaking: new items, new fields and variants of
//! `#[non_exhaustive]` types, a deprecation, an item that lost its feature gate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::codegen::surface::{ApiItem, ApiListing, ItemKind};
use crate::diag::plural;

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// A new item.
    Added,
    /// An item that changed.
    Changed,
    /// An item that is now deprecated.
    Deprecated,
    /// An item renamed on purpose; the old name lives on as a deprecated alias.
    Renamed,
    /// An item that is gone.
    Removed,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether existing callers may stop compiling or behave differently.
    pub breaking: bool,
    /// What happened.
    pub kind: ChangeKind,
    /// What changed, e.g. `removed field alli_api::types::App::published: bool`.
    pub what: String,
    /// The operation (`GET /path`) the item stands for, if any.
    pub operation: Option<String>,
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
            let label = if c.breaking {
                "breaking:"
            } else {
                match c.kind {
                    ChangeKind::Deprecated => "deprecated:",
                    ChangeKind::Renamed => "renamed:",
                    ChangeKind::Removed | ChangeKind::Changed => "changed:",
                    ChangeKind::Added => "added:",
                }
            };
            write!(f, "  {label:<11} {}", c.what)?;
            if let Some(op) = &c.operation {
                write!(f, "  ({op})")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Compares the API listed before (`old`) with the one listed now (`new`).
pub fn compare(old: &ApiListing, new: &ApiListing) -> Impact {
    let index = |l: &ApiListing| -> BTreeMap<(ItemKind, String), ApiItem> {
        l.items
            .iter()
            .map(|i| ((i.kind, i.path.clone()), i.clone()))
            .collect()
    };
    let (before, after) = (index(old), index(new));
    // Items whose owner is new (or gone) are reported through the owner alone.
    let owners = |m: &BTreeMap<(ItemKind, String), ApiItem>| -> BTreeSet<String> {
        m.values()
            .filter(|i| i.owner == i.path)
            .map(|i| i.path.clone())
            .collect()
    };
    let (old_owners, new_owners) = (owners(&before), owners(&after));
    let exhaustive = |m: &BTreeMap<(ItemKind, String), ApiItem>, owner: &str| -> bool {
        [ItemKind::Struct, ItemKind::Enum].iter().any(|k| {
            m.get(&(*k, owner.to_owned()))
                .is_some_and(|i| !i.signature.contains("#[non_exhaustive]"))
        })
    };
    let count = |m: &BTreeMap<(ItemKind, String), ApiItem>, owner: &str| {
        m.values()
            .filter(|i| i.owner == owner && i.path != owner)
            .count()
    };
    let mut changes = Vec::new();
    // Types renamed on purpose: the old path is now a deprecated alias of the new one. The old
    // type's members and the new type are reported once, as the rename.
    let mut renamed_from: BTreeSet<String> = BTreeSet::new();
    let mut renamed_to: BTreeSet<String> = BTreeSet::new();
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    for ((kind, path), item) in &after {
        let Some(target) = renamed_target(&item.signature) else {
            continue;
        };
        let old_type = [ItemKind::Struct, ItemKind::Enum]
            .iter()
            .find_map(|k| before.get(&(*k, path.clone())));
        if *kind == ItemKind::Type {
            if let Some(old) = old_type {
                let new_path = item
                    .signature
                    .trim_start_matches(" = ")
                    .split(' ')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                renamed_from.insert(old.path.clone());
                renamed_to.insert(new_path.clone());
                renames.insert(old.path.clone(), new_path.clone());
                changes.push(Change {
                    breaking: false,
                    kind: ChangeKind::Renamed,
                    what: format!(
                        "renamed {} {path} → {target} (a deprecated alias keeps the old name)",
                        old.kind_word()
                    ),
                    operation: None,
                });
            }
        }
    }
    for (key, item) in &before {
        if after.contains_key(key) {
            continue;
        }
        if renamed_from.contains(&item.owner) {
            continue;
        }
        if item.owner != item.path
            && old_owners.contains(&item.owner)
            && !new_owners.contains(&item.owner)
        {
            continue; // the owner is gone: reported once
        }
        let what = if item.owner == item.path && count(&before, &item.path) > 0 {
            format!(
                "removed {} (with {})",
                item.line(),
                plural(count(&before, &item.path), "item")
            )
        } else {
            format!("removed {}", item.line())
        };
        changes.push(Change {
            breaking: true,
            kind: ChangeKind::Removed,
            what,
            operation: item.note.clone(),
        });
    }
    for (key, item) in &after {
        if renamed_to.contains(&item.owner)
            || (renamed_target(&item.signature).is_some() && renamed_from.contains(&item.path))
        {
            continue;
        }
        let Some(was) = before.get(key) else {
            if let Some(target) = renamed_target(&item.signature) {
                // An alias kept for a rename made on purpose (its old item is reported above or
                // was already an alias).
                changes.push(Change {
                    breaking: false,
                    kind: ChangeKind::Renamed,
                    what: format!(
                        "renamed {} {} → {target} (a deprecated alias keeps the old name)",
                        item.kind_word(),
                        item.path
                    ),
                    operation: item.note.clone(),
                });
                continue;
            }
            if item.owner != item.path
                && new_owners.contains(&item.owner)
                && !old_owners.contains(&item.owner)
            {
                continue; // the owner is new: reported once
            }
            let member_of_exhaustive = item.owner != item.path
                && matches!(item.kind, ItemKind::Field | ItemKind::Variant)
                && exhaustive(&after, &item.owner);
            let what = if item.owner == item.path && count(&after, &item.path) > 0 {
                format!(
                    "new {} (with {})",
                    item.line(),
                    plural(count(&after, &item.path), "item")
                )
            } else {
                format!("new {}", item.line())
            };
            changes.push(Change {
                breaking: member_of_exhaustive,
                kind: ChangeKind::Added,
                what,
                operation: item.note.clone(),
            });
            continue;
        };
        if (was.signature == item.signature
            || with_renames(&was.signature, &renames) == item.signature)
            && was.features == item.features
        {
            continue;
        }
        let (breaking, kind) = classify(was, item);
        changes.push(Change {
            breaking,
            kind,
            what: format!("changed {}  ->  {}", was.line(), item.line()),
            operation: item.note.clone().or_else(|| was.note.clone()),
        });
    }
    changes.sort_by(|a, b| (!a.breaking, &a.what).cmp(&(!b.breaking, &b.what)));
    Impact { changes }
}

/// `signature` with renamed types written by their new paths (the old ones are aliases of
/// them, so nothing changed for callers).
fn with_renames(signature: &str, renames: &BTreeMap<String, String>) -> String {
    let mut out = signature.to_owned();
    for (old, new) in renames {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(old.as_str()) {
            let after = &rest[i + old.len()..];
            let boundary = !after.starts_with(|c: char| c.is_alphanumeric() || c == '_');
            result.push_str(&rest[..i]);
            result.push_str(if boundary { new } else { old });
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// The new name of an alias kept for a rename: `… #[deprecated(renamed to X)]` → `X`.
fn renamed_target(signature: &str) -> Option<&str> {
    signature
        .split(" #[deprecated(renamed to ")
        .nth(1)
        .and_then(|r| r.strip_suffix(")]"))
}

/// Whether a changed item breaks callers.
fn classify(was: &ApiItem, now: &ApiItem) -> (bool, ChangeKind) {
    let features_loosened = now.features.is_empty() && !was.features.is_empty();
    let same_features = was.features == now.features;
    let strip = |s: &str, attr: &str| s.replace(attr, "");
    if was.signature != now.signature {
        // The same item, now a deprecated alias of a renamed one (same signature otherwise).
        if renamed_target(&now.signature).is_some()
            && now.signature.starts_with(&was.signature)
            && (same_features || features_loosened)
        {
            return (false, ChangeKind::Renamed);
        }
        if strip(&now.signature, " #[deprecated]") == was.signature
            && (same_features || features_loosened)
        {
            return (false, ChangeKind::Deprecated);
        }
        if strip(&was.signature, " #[non_exhaustive]") == now.signature
            && (same_features || features_loosened)
        {
            return (false, ChangeKind::Changed);
        }
        return (true, ChangeKind::Changed);
    }
    (!features_loosened, ChangeKind::Changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: ItemKind, path: &str, sig: &str, owner: &str) -> ApiItem {
        ApiItem {
            path: path.to_owned(),
            kind,
            signature: sig.to_owned(),
            features: Vec::new(),
            owner: owner.to_owned(),
            note: None,
        }
    }

    fn listing(items: Vec<ApiItem>) -> ApiListing {
        ApiListing { items }
    }

    #[test]
    fn fields_of_non_exhaustive_structs_are_additions() {
        let s = |attrs: &str| item(ItemKind::Struct, "t::A", attrs, "t::A");
        let f = item(ItemKind::Field, "t::A::x", ": i64", "t::A");
        let old = listing(vec![s(" #[non_exhaustive]")]);
        let new = listing(vec![s(" #[non_exhaustive]"), f.clone()]);
        let impact = compare(&old, &new);
        assert!(!impact.is_breaking(), "{impact}");
        let old = listing(vec![s("")]);
        let new = listing(vec![s(""), f]);
        assert!(compare(&old, &new).is_breaking());
    }

    #[test]
    fn removals_and_signature_changes_break_deprecations_do_not() {
        let f = |sig: &str| item(ItemKind::Fn, "t::A::new", sig, "t::A");
        let owner = item(ItemKind::Struct, "t::A", "", "t::A");
        let impact = compare(
            &listing(vec![owner.clone(), f("(a: i64) -> Self")]),
            &listing(vec![owner.clone(), f("(a: i64, b: i64) -> Self")]),
        );
        assert!(impact.is_breaking());
        let impact = compare(
            &listing(vec![owner.clone(), f("(a: i64) -> Self")]),
            &listing(vec![owner.clone(), f("(a: i64) -> Self #[deprecated]")]),
        );
        assert!(!impact.is_breaking());
        assert_eq!(impact.changes[0].kind, ChangeKind::Deprecated);
        let impact = compare(
            &listing(vec![owner.clone(), f("()")]),
            &listing(vec![owner]),
        );
        assert!(impact.is_breaking());
    }

    #[test]
    fn a_new_type_is_one_change() {
        let owner = item(ItemKind::Struct, "t::B", "", "t::B");
        let field = item(ItemKind::Field, "t::B::x", ": i64", "t::B");
        let impact = compare(&listing(vec![]), &listing(vec![owner, field]));
        assert_eq!(impact.changes.len(), 1, "{impact}");
        assert!(impact.changes[0].what.contains("(with 1 item)"), "{impact}");
    }
}
