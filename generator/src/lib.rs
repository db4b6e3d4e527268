//! The alli-api generator: Alli's docs pages → per-endpoint OpenAPI fragments → one validated
//! OpenAPI document → a typed Rust client.
//!
//! ```text
//!  spec/docs/<locale>/<page>.md            docs pages as published
//!    │ import
//!  spec/fragments/<locale>/<tag>/*.yaml    one verbatim fragment per endpoint
//!    │ load → normalize → merge → overrides → validate
//!  spec/openapi.json                       the merged OpenAPI 3.1 document
//!    │ lower → IR (type registry + operations) → emit (quote!, prettyplease)
//!  alli-api/src/generated/*.rs             the generated client
//! ```
//!
//! Every stage is a pure function of the files before it. [`regen`] runs them all and writes
//! the results only when every stage succeeded; [`check`] runs them in memory and lists every
//! checked-in file that differs. `cargo xtask` is a thin front end over this library.

#![warn(missing_docs)]
// Errors are located diagnostics, built on the cold path and rarely more than a few; boxing
// them would only add noise.
#![allow(clippy::result_large_err)]

pub mod codegen;
pub mod diag;
pub mod docs;
pub mod fetch;
pub mod http;
pub mod impact;
pub mod import;
pub mod layout;
pub mod lock;
pub mod manifest;
pub mod merge;
pub mod normalize;
pub mod output;
pub mod overrides;
pub mod par;
pub mod pointer;
pub mod refs;
pub mod spec;
pub mod validate;
pub mod walk;
pub mod yaml;

use std::path::PathBuf;

pub use diag::{Diagnostic, Diagnostics, Failure, Location, Severity};
pub use import::PageSource;
pub use layout::Layout;
pub use output::{Change, FileSet};

/// What a pipeline run produced, in memory.
#[derive(Debug, Clone)]
pub struct Outputs {
    /// Every file the run produces.
    pub files: FileSet,
    /// The import stage's result.
    pub imported: import::Imported,
    /// The merged document (absent when only the import stage ran).
    pub spec: Option<spec::Spec>,
    /// The generated code (absent when only the import stage ran).
    pub generated: Option<codegen::Generated>,
    /// The public API of the generated code (absent when only the import stage ran).
    pub listing: Option<codegen::surface::ApiListing>,
    /// Warnings of every stage.
    pub warnings: Diagnostics,
}

/// Runs the whole pipeline in memory. `new_pages` are pages given on the command line; they
/// replace the page of the same locale and name on disk and are part of the output.
pub fn run(layout: &Layout, new_pages: &[import::DocPage]) -> Result<Outputs, Failure> {
    run_with(layout, new_pages, &codegen::CodegenSettings::default())
}

/// [`run`] with other code generation settings (e.g. for code that lives outside alli-api).
pub fn run_with(
    layout: &Layout,
    new_pages: &[import::DocPage],
    settings: &codegen::CodegenSettings,
) -> Result<Outputs, Failure> {
    let mut outputs = run_import(layout, new_pages)?;
    // Projects without docs pages keep their fragments by hand: read them from disk.
    let fragments = if outputs.imported.fragments.is_empty() {
        outputs.files = FileSet::new();
        spec::fragments_from_disk(layout)?
    } else {
        spec::take_fragments_from_import(&mut outputs.imported, layout.primary_locale())
    };
    let spec = spec::build(layout, fragments).map_err(|f| with_page_notes(&outputs, f))?;
    outputs.files.insert(layout.openapi_file(), spec.to_json());
    outputs.warnings.extend(spec.warnings.clone());
    let relocate = |d: Diagnostics| -> Diagnostics {
        let mut out = Diagnostics::new();
        for mut diag in d {
            if diag.location.file.is_none() {
                if let Some(p) = &diag.location.pointer {
                    diag.location = spec.merged.origins.locate(&pointer::Pointer::parse(p));
                }
            }
            out.push(diag);
        }
        out
    };
    let pins = codegen::Pins {
        lock: lock::Lock::load(layout.root(), &layout.lock_file()).map_err(|d| {
            let mut all = outputs.warnings.clone();
            all.push(d);
            Failure::from(all)
        })?,
        previous: previous_names(layout),
    };
    let generated =
        codegen::generate(spec.document(), &spec.settings, settings, &pins).map_err(|f| {
            let mut all = outputs.warnings.clone();
            all.extend(relocate(f.diagnostics));
            Failure::from(all)
        })?;
    let dir = layout.generated_dir();
    outputs.files.own_dir(dir.clone(), "rs");
    for (name, text) in &generated.files {
        outputs.files.insert(dir.join(name), text.clone());
    }
    if settings.mock.is_some() {
        // The mock serves the document the crate was generated from: a copy beside the code,
        // so the crate is self-contained.
        outputs
            .files
            .insert(dir.join("openapi.json"), spec.to_json());
    }
    outputs
        .files
        .insert(layout.lock_file(), generated.lock.to_text());
    let listing = codegen::surface::listing(&generated.model, settings);
    outputs
        .files
        .insert(layout.public_api_file(), listing.to_string());
    if settings.resource_features {
        let manifest =
            manifest::with_features(layout, &generated.model, settings).map_err(|d| {
                let mut all = outputs.warnings.clone();
                all.push(d);
                Failure::from(all)
            })?;
        outputs.files.insert(layout.crate_manifest(), manifest);
    }
    outputs.listing = Some(listing);
    outputs
        .warnings
        .extend(relocate(generated.warnings.clone()));
    outputs.spec = Some(spec);
    outputs.generated = Some(generated);
    Ok(outputs)
}

/// The failure of the spec stage, after the warnings of the import, with a note on each error
/// naming the docs page and JSON block its fragment comes from (fragments are not written when
/// the run fails).
fn with_page_notes(outputs: &Outputs, mut failure: Failure) -> Failure {
    let mut all = outputs.warnings.clone();
    let sources: std::collections::BTreeMap<&std::path::Path, (&std::path::Path, usize)> = outputs
        .imported
        .fragments
        .iter()
        .map(|f| (f.path.as_path(), (f.page.as_path(), f.page_line)))
        .collect();
    for mut d in std::mem::take(&mut failure.diagnostics) {
        let source = d
            .location
            .file
            .as_deref()
            .and_then(|file| sources.get(file));
        if let (true, Some((page, line))) = (d.is_error(), source) {
            d = d.with_note(format!(
                "in the JSON block at {}:{line}",
                diag::display_path(page)
            ));
        }
        all.push(d);
    }
    Failure::from(all)
}

/// Runs the import stage in memory.
pub fn run_import(layout: &Layout, new_pages: &[import::DocPage]) -> Result<Outputs, Failure> {
    let mut pages = import::read_pages(layout)?;
    for page in new_pages {
        pages.retain(|p| p.path != page.path);
        pages.push(page.clone());
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let imported = import::import(layout, &pages)?;
    let mut files = imported.file_set(layout);
    for page in new_pages {
        files.insert(page.path.clone(), page.text.clone());
    }
    let warnings = imported.warnings.clone();
    Ok(Outputs {
        files,
        imported,
        spec: None,
        generated: None,
        listing: None,
        warnings,
    })
}

/// What `import` / `regen` did.
#[derive(Debug, Clone)]
pub struct Applied {
    /// One line per endpoint fragment: added / changed / unchanged / removed.
    pub fragment_report: Vec<String>,
    /// Every file written or removed.
    pub changes: Vec<(PathBuf, Change)>,
    /// Warnings of every stage.
    pub warnings: Diagnostics,
    /// The one-line summary.
    pub summary: String,
    /// What changed in the Rust API, compared with what is checked in.
    pub impact: Option<impact::Impact>,
    /// Names that are new, moved, renamed or gone (`spec/api.lock`).
    pub name_notes: Vec<String>,
}

/// `cargo xtask import`: imports the docs pages (with pages from `sources` stored under
/// `spec/docs/` first) and writes the fragments. Nothing is written unless the whole import
/// succeeded.
pub fn import_only(
    layout: &Layout,
    sources: &[PageSource],
    locale: Option<&str>,
) -> Result<Applied, Failure> {
    let new_pages = import::fetch_sources(layout, sources, locale)?;
    let outputs = run_import(layout, &new_pages)?;
    apply(layout, outputs)
}

/// `cargo xtask regen`: runs the whole pipeline (with pages from `sources` stored under
/// `spec/docs/` first) and writes everything it produces. Nothing is written unless every
/// stage succeeded.
pub fn regen(
    layout: &Layout,
    sources: &[PageSource],
    locale: Option<&str>,
) -> Result<Applied, Failure> {
    let new_pages = import::fetch_sources(layout, sources, locale)?;
    let outputs = run(layout, &new_pages)?;
    apply(layout, outputs)
}

fn apply(layout: &Layout, outputs: Outputs) -> Result<Applied, Failure> {
    let impact = api_impact(layout, &outputs);
    let all_changes = outputs.files.apply(layout)?;
    let fragments_dir = layout.fragments_dir();
    let fragment_changes: Vec<_> = all_changes
        .iter()
        .filter(|(p, _)| p.starts_with(&fragments_dir))
        .cloned()
        .collect();
    let fragment_report = import::report(&outputs.imported, &fragment_changes);
    let operations = outputs
        .spec
        .as_ref()
        .map(|s| count_operations(s.document()));
    let schemas = outputs.spec.as_ref().and_then(|s| {
        s.document()
            .pointer("/components/schemas")
            .and_then(|v| v.as_object())
            .map(|m| m.len())
    });
    let types = outputs.generated.as_ref().map(|g| g.model.types.len());
    let spec_part = match (operations, schemas.or(operations.map(|_| 0)), types) {
        (Some(o), Some(s), Some(t)) => {
            format!(", {o} operations, {s} named schemas, {t} Rust types")
        }
        (Some(o), Some(s), None) => format!(", {o} operations, {s} named schemas"),
        _ => String::new(),
    };
    let summary = format!(
        "{} fragments from {} pages{spec_part}, {}",
        outputs.imported.fragments.len(),
        outputs
            .imported
            .fragments
            .iter()
            .map(|f| &f.page)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        diag::plural(outputs.warnings.warning_count(), "warning"),
    );
    Ok(Applied {
        fragment_report,
        changes: all_changes
            .into_iter()
            .filter(|(_, c)| *c != Change::Unchanged)
            .collect(),
        warnings: outputs.warnings,
        summary,
        impact,
        name_notes: outputs.generated.map(|g| g.name_notes).unwrap_or_default(),
    })
}

/// The public API checked in: `alli-api/public-api.txt`, or — before there is one — the API
/// the current generator makes of the checked-in `spec/openapi.json`.
fn checked_in_listing(
    layout: &Layout,
    settings: &overrides::GeneratorSettings,
) -> Option<codegen::surface::ApiListing> {
    let codegen_settings = codegen::CodegenSettings::default();
    if let Ok(Some(text)) = output::read_normalized(&layout.abs(&layout.public_api_file())) {
        return codegen::surface::ApiListing::parse(&text);
    }
    let text = output::read_normalized(&layout.abs(&layout.openapi_file())).ok()??;
    let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
    let resolved =
        codegen::resolve(&doc, settings, &codegen_settings, &codegen::Pins::default()).ok()?;
    Some(codegen::surface::listing(
        &resolved.model,
        &codegen_settings,
    ))
}

/// The names of the checked-in code, read from its API listing (none before there is one).
fn previous_names(layout: &Layout) -> codegen::naming::Previous {
    let Ok(Some(text)) = output::read_normalized(&layout.abs(&layout.public_api_file())) else {
        return codegen::naming::Previous::default();
    };
    let Some(listing) = codegen::surface::ApiListing::parse(&text) else {
        return codegen::naming::Previous::default();
    };
    listing.previous_names()
}

/// The impact of `outputs` on the Rust API, against what is checked in.
pub fn api_impact(layout: &Layout, outputs: &Outputs) -> Option<impact::Impact> {
    let spec = outputs.spec.as_ref()?;
    let new = outputs.listing.as_ref()?;
    let old = checked_in_listing(layout, &spec.settings)?;
    Some(impact::compare(&old, new))
}

/// `cargo xtask check --impact`: the impact regen would have, without writing anything.
pub fn check_impact(layout: &Layout) -> Result<impact::Impact, Failure> {
    let outputs = run(layout, &[])?;
    Ok(api_impact(layout, &outputs).unwrap_or_default())
}

/// `cargo xtask check`: runs the pipeline in memory; `Ok` with the warnings when every
/// checked-in file equals what `regen` would write, else a failure listing each stale file.
pub fn check(layout: &Layout) -> Result<Diagnostics, Failure> {
    let outputs = run(layout, &[])?;
    let stale = outputs.files.stale_report(layout, "cargo xtask regen")?;
    if stale.is_empty() {
        Ok(outputs.warnings)
    } else {
        let mut all = outputs.warnings;
        all.extend(stale);
        Err(all.into())
    }
}

fn count_operations(doc: &serde_json::Value) -> usize {
    doc.get("paths")
        .and_then(|p| p.as_object())
        .map(|paths| {
            paths
                .values()
                .map(|item| http::operations(item).count())
                .sum()
        })
        .unwrap_or(0)
}
