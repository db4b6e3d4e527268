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
//! checked-in file that differs. Besides the code, a run produces the public API listing
//! ([`codegen::surface`]), its impact against the checked-in one ([`impact`]), and the crate's
//! version and changelog ([`mod@release`]); [`report`] adds cargo-semver-checks's verdict
//! ([`semver`]). `cargo xtask` is a thin front end over this library.

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
pub mod release;
pub mod report;
pub mod semver;
pub mod sources;
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
    /// What changed in the public API, against the checked-in listing (absent when only the
    /// import stage ran, or when nothing is checked in to compare with).
    pub impact: Option<impact::Impact>,
    /// The version and changelog of the generated crate after this run (absent when only the
    /// import stage ran, or for code that lives outside a crate of its own).
    pub release: Option<release::Plan>,
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
    let settings = &with_manifest_features(layout, settings).map_err(|d| {
        let mut all = outputs.warnings.clone();
        all.push(d);
        Failure::from(all)
    })?;
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
    outputs.impact =
        checked_in_listing(layout, &spec.settings).map(|old| impact::compare(&old, &listing));
    if settings.resource_features {
        let fail = |d: Diagnostic| {
            let mut all = outputs.warnings.clone();
            all.push(d);
            Failure::from(all)
        };
        let manifest = manifest::with_features(layout, &generated.model, settings).map_err(fail)?;
        let plan = release_plan(layout, &outputs, &manifest).map_err(fail)?;
        outputs.files.insert(
            layout.crate_manifest(),
            release::with_manifest_version(&manifest, plan.version),
        );
        outputs
            .files
            .insert(layout.changelog_file(), plan.changelog.to_string());
        outputs.release = Some(plan);
    }
    outputs.listing = Some(listing);
    outputs
        .warnings
        .extend(relocate(generated.warnings.clone()));
    outputs.spec = Some(spec);
    outputs.generated = Some(generated);
    Ok(outputs)
}

/// `settings` with the features the crate's manifest keeps by hand added to the names a
/// resource module must not take (each module is a cargo feature of the crate).
fn with_manifest_features(
    layout: &Layout,
    settings: &codegen::CodegenSettings,
) -> Result<codegen::CodegenSettings, Diagnostic> {
    let mut settings = settings.clone();
    if settings.resource_features {
        if let Some(text) = output::read_normalized(&layout.abs(&layout.crate_manifest()))? {
            for feature in manifest::kept_features(&text) {
                if !settings.reserved.contains(&feature) {
                    settings.reserved.push(feature);
                }
            }
        }
    }
    Ok(settings)
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
        impact: None,
        release: None,
        warnings,
    })
}

/// The version and changelog after a run whose files are `outputs.files` (the manifest's
/// features already rewritten into `manifest`): this run's impact, or a note that the
/// generated code changed without changing its API, added to `[Unreleased]`.
fn release_plan(
    layout: &Layout,
    outputs: &Outputs,
    manifest: &str,
) -> Result<release::Plan, Diagnostic> {
    let manifest_file = layout.crate_manifest();
    let previous = output::read_normalized(&layout.abs(&manifest_file))?
        .map(|disk| release::manifest_version(&disk, &manifest_file))
        .transpose()?
        .map_or_else(|| release::manifest_version(manifest, &manifest_file), Ok)?;
    let changelog = output::read_normalized(&layout.abs(&layout.changelog_file()))?;
    let now = release::Sources::of_import(&outputs.imported, layout.primary_locale());
    let before = || release::Sources::of_disk(layout);
    let mut entries = match &outputs.impact {
        Some(impact) => release::entries(impact, &now, &before),
        None => Vec::new(),
    };
    if entries.is_empty() {
        let pages = changed_code_pages(layout, outputs, manifest)?;
        if let Some(pages) = pages {
            entries.push(release::regenerated_entry(&pages));
        }
    }
    Ok(release::Plan::new(previous, changelog.as_deref(), entries))
}

/// When the generated code (or the crate's features) differ from what is checked in: the docs
/// pages whose fragments changed. `None` when the generated code is unchanged.
fn changed_code_pages(
    layout: &Layout,
    outputs: &Outputs,
    manifest: &str,
) -> Result<Option<std::collections::BTreeSet<PathBuf>>, Diagnostic> {
    let generated = layout.generated_dir();
    let mut changed = false;
    for (path, text) in outputs.files.files() {
        if path.starts_with(&generated) {
            changed |= output::read_normalized(&layout.abs(path))?.as_deref() != Some(text);
        }
    }
    let disk_manifest = output::read_normalized(&layout.abs(&layout.crate_manifest()))?;
    let strip = |m: &str| release::with_manifest_version(m, release::Version::new(0, 0, 0));
    changed |= disk_manifest.as_deref().map(strip) != Some(strip(manifest));
    let on_disk = layout.files_under(&generated, &|p: &std::path::Path| {
        p.extension().is_some_and(|e| e == "rs")
    })?;
    changed |= on_disk.iter().any(|p| outputs.files.get(p).is_none());
    if !changed {
        return Ok(None);
    }
    let mut pages = std::collections::BTreeSet::new();
    for f in outputs.imported.locale(layout.primary_locale()) {
        if output::read_normalized(&layout.abs(&f.path))?.as_deref() != Some(f.text.as_str()) {
            pages.insert(f.page.clone());
        }
    }
    Ok(Some(pages))
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
    /// The crate's version and the changelog lines this run wrote.
    pub release: Option<release::Plan>,
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
    let mut outputs = run_import(layout, &new_pages)?;
    record_sources(layout, sources, &new_pages, &mut outputs)?;
    apply(layout, outputs)
}

/// `cargo xtask import --refresh`: downloads every page `spec/sources.yaml` lists again and
/// imports all pages. Nothing is written unless every download and the import succeeded.
pub fn refresh(layout: &Layout) -> Result<Applied, Failure> {
    let sources = sources::PageSources::load(layout).map_err(Failure::single)?;
    let pages = sources.fetch_all(layout)?;
    let outputs = run_import(layout, &pages)?;
    apply(layout, outputs)
}

/// Adds `spec/sources.yaml` to the outputs with the URL of every page downloaded this run.
fn record_sources(
    layout: &Layout,
    sources: &[PageSource],
    pages: &[import::DocPage],
    outputs: &mut Outputs,
) -> Result<(), Failure> {
    let mut recorded = sources::PageSources::load(layout).map_err(Failure::single)?;
    let before = recorded.clone();
    // `fetch_sources` returns one page per source, in order.
    for (source, page) in sources.iter().zip(pages) {
        if let PageSource::Url(url) = source {
            recorded.pages.insert(page.path.clone(), url.clone());
        }
    }
    if recorded != before || layout.abs(&layout.sources_file()).exists() {
        outputs
            .files
            .insert(layout.sources_file(), recorded.to_text());
    }
    Ok(())
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
    let mut outputs = run(layout, &new_pages)?;
    record_sources(layout, sources, &new_pages, &mut outputs)?;
    apply(layout, outputs)
}

fn apply(layout: &Layout, outputs: Outputs) -> Result<Applied, Failure> {
    let impact = outputs.impact.clone();
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
        release: outputs.release,
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
pub fn api_impact(_layout: &Layout, outputs: &Outputs) -> Option<impact::Impact> {
    outputs.impact.clone()
}

/// `cargo xtask check --impact`: the impact regen would have, without writing anything.
pub fn check_impact(layout: &Layout) -> Result<impact::Impact, Failure> {
    let outputs = run(layout, &[])?;
    Ok(outputs.impact.unwrap_or_default())
}

/// `cargo xtask check`: runs the pipeline in memory; `Ok` with the warnings when every
/// checked-in file equals what `regen` would write and the crate's version is bumped for
/// every change the changelog lists since the last release, else a failure listing each
/// stale file.
pub fn check(layout: &Layout) -> Result<Diagnostics, Failure> {
    let outputs = run(layout, &[])?;
    let mut stale = outputs.files.stale_report(layout, "cargo xtask regen")?;
    if outputs.release.is_some() {
        if let Some(d) = check_version(layout)? {
            stale.push(d);
        }
    }
    if stale.is_empty() {
        Ok(outputs.warnings)
    } else {
        let mut all = outputs.warnings;
        all.extend(stale);
        Err(all.into())
    }
}

/// The checked-in version against the checked-in changelog: an error when the version is not
/// bumped for the changes `[Unreleased]` lists since the last release.
pub fn check_version(layout: &Layout) -> Result<Option<Diagnostic>, Failure> {
    let manifest_file = layout.crate_manifest();
    let Some(manifest) =
        output::read_normalized(&layout.abs(&manifest_file)).map_err(Failure::single)?
    else {
        return Ok(None);
    };
    let Some(changelog) =
        output::read_normalized(&layout.abs(&layout.changelog_file())).map_err(Failure::single)?
    else {
        return Ok(None);
    };
    let version = release::manifest_version(&manifest, &manifest_file).map_err(Failure::single)?;
    let log = release::Changelog::parse(&changelog);
    let (Some(last), Some(level)) = (log.last_release(), log.unreleased_level()) else {
        return Ok(None);
    };
    let required = last.bump(level);
    if version >= required {
        return Ok(None);
    }
    Ok(Some(
        Diagnostic::error(
            "version",
            Location::file(&manifest_file),
            format!(
                "version {version} is not bumped for the {} that {} lists since {last}: it must be at least {required}",
                level.as_str(),
                diag::display_path(&layout.changelog_file()),
            ),
        )
        .with_note("run `cargo xtask regen` to set it"),
    ))
}

/// `cargo xtask release`: moves the changelog's `[Unreleased]` section under the crate's
/// version, dated `date` (`YYYY-MM-DD`). Refuses when anything checked in is stale, when
/// nothing is unreleased, or when the version was already released. Returns the version.
pub fn release(layout: &Layout, date: &str) -> Result<release::Version, Failure> {
    let at = |file: PathBuf, message: String| {
        Failure::single(Diagnostic::error("release", Location::file(file), message))
    };
    if !is_date(date) {
        return Err(at(
            layout.changelog_file(),
            format!("`{date}` is not a date of the form YYYY-MM-DD"),
        ));
    }
    check(layout)?;
    let manifest_file = layout.crate_manifest();
    let manifest = output::read_normalized(&layout.abs(&manifest_file))
        .map_err(Failure::single)?
        .ok_or_else(|| {
            at(
                manifest_file.clone(),
                "the crate's manifest is missing".into(),
            )
        })?;
    let version = release::manifest_version(&manifest, &manifest_file).map_err(Failure::single)?;
    let file = layout.changelog_file();
    let text = output::read_normalized(&layout.abs(&file))
        .map_err(Failure::single)?
        .ok_or_else(|| at(file.clone(), "there is no changelog to release".into()))?;
    let mut log = release::Changelog::parse(&text);
    if log.unreleased_entries().is_empty() {
        return Err(at(
            file,
            "nothing to release: the [Unreleased] section lists no change".into(),
        ));
    }
    if log.last_release().is_some_and(|last| last >= version) {
        return Err(at(
            manifest_file,
            format!("version {version} is already released: run `cargo xtask regen` first"),
        ));
    }
    log.release(version, date);
    let mut files = FileSet::new();
    files.insert(file, log.to_string());
    files.apply(layout)?;
    Ok(version)
}

/// `YYYY-MM-DD`.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
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
