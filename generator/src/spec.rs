//! The spec stage: fragments → normalize → merge → overrides → validate → `spec/openapi.json`.

use serde_json::Value;

use crate::diag::{Diagnostics, Failure};
use crate::layout::Layout;
use crate::merge::{self, Merged};
use crate::normalize::{self, Fragment};
use crate::overrides::{self, GeneratorSettings};
use crate::validate;

/// The merged, validated document and what the later stages need to know about it.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The merged document with provenance.
    pub merged: Merged,
    /// Generator settings from `spec/overrides.yaml`.
    pub settings: GeneratorSettings,
    /// Warnings of this stage.
    pub warnings: Diagnostics,
}

impl Spec {
    /// The document.
    pub fn document(&self) -> &Value {
        &self.merged.document
    }

    /// `spec/openapi.json` as written: pretty JSON, key order as merged, trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.merged.document).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Builds the merged document from the primary-locale fragments (in any order).
pub fn build(layout: &Layout, fragments: Vec<Fragment>) -> Result<Spec, Failure> {
    let mut diags = Diagnostics::new();
    let normalized = crate::par::map(fragments, |mut fragment| {
        let mut d = Diagnostics::new();
        normalize::normalize(&mut fragment, &mut d);
        (fragment, d)
    });
    let mut fragments = Vec::with_capacity(normalized.len());
    for (fragment, d) in normalized {
        diags.extend(d);
        fragments.push(fragment);
    }
    if diags.has_errors() {
        return Err(sorted(diags).into());
    }
    let mut merged = merge::merge(&fragments, &mut diags);
    if diags.has_errors() {
        return Err(sorted(diags).into());
    }
    let rel = layout.overrides_file();
    let (overrides, text) = overrides::load(layout.root(), &rel).map_err(Failure::single)?;
    overrides::apply(&overrides, &rel, &text, &mut merged, &mut diags);
    validate::validate(&mut merged, &mut diags);
    let diags = sorted(diags);
    if diags.has_errors() {
        return Err(diags.into());
    }
    Ok(Spec {
        merged,
        settings: overrides.generator,
        warnings: diags,
    })
}

fn sorted(mut d: Diagnostics) -> Diagnostics {
    d.sort();
    d
}

/// Fragments of the primary locale from an import, moved out of it (their documents in
/// `imported` are left as `null`).
pub fn take_fragments_from_import(
    imported: &mut crate::import::Imported,
    locale: &str,
) -> Vec<Fragment> {
    imported
        .fragments
        .iter_mut()
        .filter(|f| f.locale == locale)
        .map(|f| Fragment {
            file: f.path.clone(),
            document: std::mem::take(&mut f.document),
            lines: f.lines.clone(),
        })
        .collect()
}

/// Fragments of the primary locale from an import.
pub fn fragments_from_import(imported: &crate::import::Imported, locale: &str) -> Vec<Fragment> {
    imported
        .locale(locale)
        .map(|f| Fragment {
            file: f.path.clone(),
            document: f.document.clone(),
            lines: f.lines.clone(),
        })
        .collect()
}

/// Fragments of the primary locale read from `spec/fragments/` (for projects that keep
/// fragments without docs pages).
pub fn fragments_from_disk(layout: &Layout) -> Result<Vec<Fragment>, Failure> {
    let dir = layout.fragments_dir().join(layout.primary_locale());
    let yaml = |p: &std::path::Path| p.extension().is_some_and(|x| x == "yaml" || x == "yml");
    let files = layout.files_under(&dir, &yaml).map_err(Failure::single)?;
    let mut out = Vec::new();
    let mut errors = Diagnostics::new();
    for rel in files {
        let text = match crate::output::read_normalized(&layout.abs(&rel)) {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        match crate::import::read_fragment(&rel, &text) {
            Ok((document, lines)) => out.push(Fragment {
                file: rel,
                document,
                lines: lines.into(),
            }),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.into())
    }
}
