//! `spec/api.lock`: the public names of the generated client, pinned.
//!
//! Every name that derives from the docs is recorded here, keyed by what stays put when the
//! docs are reworded or reorganized: operations by `METHOD /path` (their resource module and
//! handle, method, request builder, and the prefix of their inline types), types by their
//! stable location (`#/components/schemas/App`, or an operation and the path below it:
//! `POST /webapi/apps/{app_id}/run → request.chat`). Regen takes names from the lock first,
//! derives names only for what the lock lacks (and says so), and drops entries the docs no
//! longer have (reported as removals, which are breaking). A tag rename, a page split or move,
//! a reworded summary or title, a regenerated operationId changes no name.
//!
//! Renames are explicit: a maintainer edits a name in the lock (or pins one with an
//! `x-rust-name` / `x-rust-type-name` override); regen then keeps the old name as a deprecated
//! alias, recorded under `aliases`, until the maintainer deletes it there.
//!
//! Enum variant names, field names and setter names are not locked: they are derived from
//! wire names (`order_1_editor` → `Order1Editor`, `agentId` → `agent_id`), which only change
//! when the API itself changes.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::diag::{Diagnostic, Location};

/// The lock file's header comment.
const HEADER: &str = "\
# The public names of the generated client, pinned (see generator/src/lock.rs).
# `cargo xtask regen` takes names from here first, adds names for what is new and drops what
# the docs no longer have. A tag rename, a moved endpoint or a new operationId renames nothing.
# To rename: edit a name here; regen keeps the old one as a deprecated alias (listed under
# `aliases`) until you delete it from that list.
";

/// The names of a resource: one module, one handle, one client accessor.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceEntry {
    /// The handle type.
    pub handle: String,
    /// The tag it was made from (for readers; a renamed tag keeps the resource).
    #[serde(default)]
    pub tag: String,
    /// Former module names kept as deprecated aliases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// The names of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpEntry {
    /// The resource module it belongs to.
    pub resource: String,
    /// The method on the resource handle.
    pub method: String,
    /// The request builder type.
    pub builder: String,
    /// The prefix of its inline types' names.
    pub types: String,
    /// The operationId it had (to recognise a moved endpoint).
    #[serde(default, rename = "operation-id")]
    pub operation_id: Option<String>,
    /// Former method names kept as deprecated aliases.
    #[serde(default, rename = "method-aliases")]
    pub method_aliases: Vec<String>,
    /// Former builder names kept as deprecated aliases.
    #[serde(default, rename = "builder-aliases")]
    pub builder_aliases: Vec<String>,
}

/// The name of a type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum TypeEntry {
    /// Just the name.
    Name(String),
    /// The name and former names kept as deprecated aliases.
    Aliased {
        /// The name.
        name: String,
        /// Former names.
        aliases: Vec<String>,
    },
}

impl TypeEntry {
    /// The name.
    pub fn name(&self) -> &str {
        match self {
            TypeEntry::Name(n) | TypeEntry::Aliased { name: n, .. } => n,
        }
    }

    /// Former names kept as aliases.
    pub fn aliases(&self) -> &[String] {
        match self {
            TypeEntry::Name(_) => &[],
            TypeEntry::Aliased { aliases, .. } => aliases,
        }
    }

    /// An entry of this name and aliases.
    pub fn new(name: String, aliases: Vec<String>) -> TypeEntry {
        if aliases.is_empty() {
            TypeEntry::Name(name)
        } else {
            TypeEntry::Aliased { name, aliases }
        }
    }
}

/// The lock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Resources by module name.
    #[serde(default)]
    pub resources: BTreeMap<String, ResourceEntry>,
    /// Operations by `METHOD /path`.
    #[serde(default)]
    pub operations: BTreeMap<String, OpEntry>,
    /// Types by stable location.
    #[serde(default)]
    pub types: BTreeMap<String, TypeEntry>,
}

impl Lock {
    /// Reads `spec/api.lock` (project-relative `rel` under `root`); a missing file is an empty
    /// lock (every name is derived, and recorded).
    pub fn load(root: &Path, rel: &Path) -> Result<Lock, Diagnostic> {
        let Some(text) = crate::output::read_normalized(&root.join(rel))? else {
            return Ok(Lock::default());
        };
        if text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            return Ok(Lock::default());
        }
        serde_yaml::from_str(&text).map_err(|e| {
            let mut at = Location::file(rel);
            if let Some(loc) = e.location() {
                at.line = Some(loc.line());
                at.column = Some(loc.column());
            }
            Diagnostic::error(
                "lock",
                at,
                format!("spec/api.lock does not read: {e}; fix it by hand or delete it to derive every name again"),
            )
        })
    }

    /// The lock as text: the header, then resources, operations and types, each sorted.
    pub fn to_text(&self) -> String {
        let mut resources = Map::new();
        for (module, r) in &self.resources {
            let mut e = Map::new();
            e.insert("handle".into(), json!(r.handle));
            e.insert("tag".into(), json!(r.tag));
            if !r.aliases.is_empty() {
                e.insert("aliases".into(), json!(r.aliases));
            }
            resources.insert(module.clone(), Value::Object(e));
        }
        let mut operations = Map::new();
        for (key, o) in &self.operations {
            let mut e = Map::new();
            e.insert("resource".into(), json!(o.resource));
            e.insert("method".into(), json!(o.method));
            e.insert("builder".into(), json!(o.builder));
            e.insert("types".into(), json!(o.types));
            if let Some(id) = &o.operation_id {
                e.insert("operation-id".into(), json!(id));
            }
            if !o.method_aliases.is_empty() {
                e.insert("method-aliases".into(), json!(o.method_aliases));
            }
            if !o.builder_aliases.is_empty() {
                e.insert("builder-aliases".into(), json!(o.builder_aliases));
            }
            operations.insert(key.clone(), Value::Object(e));
        }
        let mut types = Map::new();
        for (key, t) in &self.types {
            let v = match t {
                TypeEntry::Name(n) => json!(n),
                TypeEntry::Aliased { name, aliases } => json!({"name": name, "aliases": aliases}),
            };
            types.insert(key.clone(), v);
        }
        let doc = json!({"resources": resources, "operations": operations, "types": types});
        format!("{HEADER}{}", crate::yaml::to_yaml(&doc).text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_reads_back_what_it_writes() {
        let mut lock = Lock::default();
        lock.resources.insert(
            "apps".into(),
            ResourceEntry {
                handle: "Apps".into(),
                tag: "apps".into(),
                aliases: vec![],
            },
        );
        lock.operations.insert(
            "GET /webapi/v2/apps".into(),
            OpEntry {
                resource: "apps".into(),
                method: "list".into(),
                builder: "ListApps".into(),
                types: "GetListApps".into(),
                operation_id: Some("getApps".into()),
                method_aliases: vec!["list_all".into()],
                builder_aliases: vec![],
            },
        );
        lock.types.insert(
            "#/components/schemas/App".into(),
            TypeEntry::Name("App".into()),
        );
        lock.types.insert(
            "GET /webapi/v2/apps → response".into(),
            TypeEntry::new("AppsPage".into(), vec!["GetListAppsResponse".into()]),
        );
        let text = lock.to_text();
        let back: Lock = serde_yaml::from_str(&text).expect("reads");
        assert_eq!(back, lock, "{text}");
    }
}
