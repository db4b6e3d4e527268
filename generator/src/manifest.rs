//! The generated crate's manifest: regen owns one block of `alli-api/Cargo.toml`, the cargo
//! features — one per resource module, all on by default — between two marker lines.
//! Everything outside the block is hand-kept.

use crate::codegen::CodegenSettings;
use crate::codegen::model::Model;
use crate::diag::{Diagnostic, Location};
use crate::layout::Layout;

/// The line that opens the generated block.
pub const BEGIN: &str =
    "# BEGIN generated features (`cargo xtask regen`: one per resource module, all on by default)";
/// The line that closes it.
pub const END: &str = "# END generated features";

/// The manifest with its generated feature block rewritten for `model`.
pub fn with_features(
    layout: &Layout,
    model: &Model,
    settings: &CodegenSettings,
) -> Result<String, Diagnostic> {
    let rel = layout.crate_manifest();
    let text = crate::output::read_normalized(&layout.abs(&rel))?.ok_or_else(|| {
        Diagnostic::error(
            "manifest",
            Location::file(&rel),
            "the generated crate's manifest is missing".to_owned(),
        )
    })?;
    replace_block(&text, &feature_block(model, settings)).ok_or_else(|| {
        Diagnostic::error(
            "manifest",
            Location::file(&rel),
            format!(
                "the manifest has no generated feature block: add the lines `{BEGIN}` and `{END}` under `[features]`"
            ),
        )
    })
}

/// The features of the manifest's `[features]` table outside the generated block (`full-serde`,
/// `rustls`, `mock`, ...): names a resource module must not take, since each module is a
/// feature too. Reads `name = ...` lines at the start of a line; a value spanning lines is
/// skipped.
pub fn kept_features(manifest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut in_features, mut in_block) = (false, false);
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed == BEGIN {
            in_block = true;
            continue;
        }
        if trimmed == END {
            in_block = false;
            continue;
        }
        if !line.starts_with([' ', '\t']) && trimmed.starts_with('[') {
            in_features =
                trimmed.trim_start_matches('[').trim_end_matches(']').trim() == "features";
            continue;
        }
        if !in_features || in_block || line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, _)) = trimmed.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        if !key.is_empty() && !key.starts_with('#') && !key.contains(' ') {
            out.push(key.to_owned());
        }
    }
    out
}

/// The lines between the markers.
fn feature_block(model: &Model, settings: &CodegenSettings) -> String {
    let mut default: Vec<String> = settings
        .default_features
        .iter()
        .map(|f| format!("{f:?}"))
        .collect();
    default.extend(model.resources.iter().map(|r| format!("{:?}", r.module)));
    let mut out = format!("default = [{}]\n", default.join(", "));
    for r in &model.resources {
        out.push_str(&format!(
            "## The `{}` operations (`client.{}()`).\n",
            r.tag, r.accessor
        ));
        out.push_str(&format!("{} = []\n", r.module));
    }
    out
}

/// The resource features of a manifest's generated block, in order (`default` excluded);
/// `None` without the block.
pub fn resource_features(text: &str) -> Option<Vec<String>> {
    let begin = text.find(BEGIN)?;
    let after_begin = begin + text[begin..].find('\n')? + 1;
    let end = after_begin + text[after_begin..].find(END)?;
    Some(
        text[after_begin..end]
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(" = ").map(|(name, _)| name.trim().to_owned()))
            .filter(|name| name != "default")
            .collect(),
    )
}

/// The workspace crates a crate's manifest depends on by a sibling path (`path = "../<dir>"`,
/// in any dependency table): the folder names, in order, each once.
pub fn sibling_path_dependencies(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let Some((_, rest)) = line.split_once("path = \"../") else {
            continue;
        };
        let Some((dir, _)) = rest.split_once('"') else {
            continue;
        };
        let dir = dir.trim_end_matches('/');
        if !dir.is_empty() && !dir.contains('/') && !out.iter().any(|d| d == dir) {
            out.push(dir.to_owned());
        }
    }
    out
}

/// `text` with the block between the markers replaced; `None` without both markers.
fn replace_block(text: &str, block: &str) -> Option<String> {
    let begin = text.find(BEGIN)?;
    let after_begin = begin + text[begin..].find('\n')? + 1;
    let end = after_begin + text[after_begin..].find(END)?;
    Some(format!("{}{block}{}", &text[..after_begin], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_path_dependencies_are_found() {
        let text = "[dependencies]\n\
                    # a = { path = \"../commented\" }\n\
                    rt = { path = \"../alli-api-runtime\", version = \"=0.1.0\" }\n\
                    serde.workspace = true\n\
                    [dev-dependencies]\n\
                    me = { path = \".\", features = [\"mock\"] }\n\
                    deep = { path = \"../a/b\" }\n\
                    again = { path = \"../alli-api-runtime/\" }\n";
        assert_eq!(sibling_path_dependencies(text), ["alli-api-runtime"]);
    }

    #[test]
    fn only_the_block_changes() {
        let text = format!(
            "[package]\nname = \"x\"\n\n[features]\n{BEGIN}\nold = []\n{END}\nrustls = []\n"
        );
        let out = replace_block(&text, "default = [\"a\"]\na = []\n").expect("markers");
        assert_eq!(
            out,
            format!(
                "[package]\nname = \"x\"\n\n[features]\n{BEGIN}\ndefault = [\"a\"]\na = []\n{END}\nrustls = []\n"
            )
        );
        assert_eq!(replace_block("[features]\n", "x"), None);
        assert_eq!(
            resource_features(&out),
            Some(vec!["a".to_owned()]),
            "the block reads back"
        );
        assert_eq!(resource_features("[features]\n"), None);
    }

    #[test]
    fn kept_features_are_those_outside_the_block() {
        let text = format!(
            "[package]\nname = \"x\"\n\n[features]\n{BEGIN}\ndefault = [\"rustls\", \"a\"]\na = []\n{END}\n## docs\nfull-serde = []\nrustls = [\"reqwest/rustls\"]\nmock = [\n    \"full-serde\",\n    \"dep:hyper\",\n]\n\"quoted\" = []\n\n[dependencies]\nserde = \"1\"\n"
        );
        assert_eq!(
            kept_features(&text),
            ["full-serde", "rustls", "mock", "quoted"]
        );
    }
}
