//! Import: docs pages → one fragment per endpoint.
//!
//! Each endpoint's JSON block is stored verbatim (as YAML, key order kept) in
//! `spec/fragments/<locale>/<tag>/<method>-<path>.yaml`. The file name comes from the method
//! and path, never from the heading (headings are translated). Pages of other locales must
//! describe the same endpoints with the same structure as the primary-locale page of the same
//! name; any disagreement is an error listing each endpoint and JSON pointer.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Failure, Location, display_path, io_error};
use crate::docs::{PageEndpoint, parse_page};
use crate::http::{HttpMethod, PathTemplate, Segment};
use crate::layout::Layout;
use crate::output::{Change, FileSet};
use crate::pointer::Pointer;
use crate::yaml;

/// A docs page, as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPage {
    /// Project-relative path, `spec/docs/<locale>/<name>.md`.
    pub path: PathBuf,
    /// The locale folder it lives in.
    pub locale: String,
    /// The file name, `conversations.md`.
    pub name: String,
    /// The markdown.
    pub text: String,
}

/// One endpoint's fragment file.
#[derive(Debug, Clone)]
pub struct FragmentFile {
    /// Project-relative path of the fragment.
    pub path: PathBuf,
    /// Locale of the page it came from.
    pub locale: String,
    /// The page it came from.
    pub page: PathBuf,
    /// 1-based line of the JSON block on the page.
    pub page_line: usize,
    /// `GET /webapi/apps`.
    pub label: String,
    /// The file contents (header comment + YAML).
    pub text: String,
    /// The document (what the YAML parses to).
    pub document: Value,
    /// JSON pointer → 1-based line in `text`.
    pub lines: crate::normalize::LineMap,
}

/// The result of importing a set of pages.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// Every fragment, sorted by path.
    pub fragments: Vec<FragmentFile>,
    /// Warnings (skipped blocks).
    pub warnings: Diagnostics,
}

/// Lines before the YAML in every fragment file.
const HEADER_LINES: usize = 2;

/// Reads every page under `spec/docs/<locale>/*.md`.
pub fn read_pages(layout: &Layout) -> Result<Vec<DocPage>, Failure> {
    let docs = layout.docs_dir();
    // `<locale>/<name>.md`, nothing deeper or shallower.
    let is_page = |p: &Path| {
        p.strip_prefix(&docs)
            .is_ok_and(|rel| rel.components().count() == 2)
            && p.extension().is_some_and(|e| e == "md")
    };
    let mut pages = Vec::new();
    for path in layout
        .files_under(&docs, &is_page)
        .map_err(Failure::single)?
    {
        let text = fs::read_to_string(layout.abs(&path))
            .map_err(|e| Failure::single(io_error(&path, "read", &e)))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let locale = path
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        pages.push(DocPage {
            path,
            locale,
            name,
            text,
        });
    }
    Ok(pages)
}

/// Where a page to import comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageSource {
    /// A file on disk.
    File(PathBuf),
    /// An `http://` or `https://` URL.
    Url(String),
}

impl PageSource {
    /// A URL when `arg` starts with `http://` or `https://`, else a file path.
    pub fn parse(arg: &str) -> Self {
        if arg.starts_with("http://") || arg.starts_with("https://") {
            PageSource::Url(arg.to_owned())
        } else {
            PageSource::File(PathBuf::from(arg))
        }
    }
}

/// Reads pages given on the command line and names their place under `spec/docs/<locale>/`.
///
/// `locale` is the `--locale` option; without it a file already under `spec/docs/<l>/` keeps
/// locale `l`, anything else goes to the primary locale.
pub fn fetch_sources(
    layout: &Layout,
    sources: &[PageSource],
    locale: Option<&str>,
) -> Result<Vec<DocPage>, Failure> {
    let mut pages = Vec::new();
    let mut errors = Diagnostics::new();
    for source in sources {
        let result = match source {
            PageSource::File(path) => read_source_file(layout, path, locale),
            PageSource::Url(url) => fetch_url(layout, url, locale),
        };
        match result {
            Ok(page) => pages.push(page),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(errors.into())
    }
}

fn read_source_file(
    layout: &Layout,
    path: &Path,
    locale: Option<&str>,
) -> Result<DocPage, Diagnostic> {
    let text = fs::read_to_string(path).map_err(|e| io_error(path, "read page", &e))?;
    let name = page_name(
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
    .ok_or_else(|| {
        Diagnostic::error(
            "bad-page-name",
            Location::file(path),
            "cannot name the page after this path",
        )
    })?;
    // A page already in spec/docs/<l>/ keeps its locale unless told otherwise.
    let in_docs = layout.relative(path).and_then(|rel| {
        let rest = rel.strip_prefix(layout.docs_dir()).ok()?;
        let mut parts = rest.components();
        let l = parts.next()?.as_os_str().to_string_lossy().into_owned();
        parts.next().map(|_| l)
    });
    let locale = locale
        .map(str::to_owned)
        .or(in_docs)
        .unwrap_or_else(|| layout.primary_locale().to_owned());
    Ok(DocPage {
        path: layout.docs_dir().join(&locale).join(&name),
        locale,
        name,
        text,
    })
}

fn fetch_url(layout: &Layout, url: &str, locale: Option<&str>) -> Result<DocPage, Diagnostic> {
    let at = Location {
        pointer: Some(url.to_owned()),
        ..Location::default()
    };
    let last = url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
        .unwrap_or_default()
        .to_owned();
    let name = page_name(last)
        .filter(|_| url.matches('/').count() > 2)
        .ok_or_else(|| {
            Diagnostic::error(
                "bad-page-name",
                at.clone(),
                "cannot name the page after this URL: it has no last path segment",
            )
        })?;
    let text = crate::fetch::get_text(url).map_err(|msg| Diagnostic::error("fetch", at, msg))?;
    let locale = locale.unwrap_or(layout.primary_locale()).to_owned();
    Ok(DocPage {
        path: layout.docs_dir().join(&locale).join(&name),
        locale,
        name,
        text,
    })
}

/// `conversations` or `conversations.md` → `conversations.md`; `None` when unusable.
fn page_name(raw: String) -> Option<String> {
    let stem = raw.strip_suffix(".md").unwrap_or(&raw);
    let ok = !stem.is_empty()
        && stem != "."
        && stem != ".."
        && stem
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    ok.then(|| format!("{stem}.md"))
}

/// Parses every page and builds every fragment; checks duplicates and locales.
pub fn import(layout: &Layout, pages: &[DocPage]) -> Result<Imported, Failure> {
    let mut diags = Diagnostics::new();
    let mut parsed: Vec<(&DocPage, Vec<PageEndpoint>)> = Vec::new();
    let results = crate::par::map(pages.iter().collect(), |page| {
        (page, parse_page(&page.path, &page.text))
    });
    for (page, result) in results {
        match result {
            Ok(p) => {
                diags.extend(p.warnings);
                parsed.push((page, p.endpoints));
            }
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        return Err(diags.into());
    }
    let jobs = fragment_jobs(layout, &parsed, &mut diags);
    let mut imported = Imported::default();
    // Writing (and reading back) each fragment is independent work.
    for result in crate::par::map(jobs, |(path, page, e)| fragment_file(path, page, e)) {
        match result {
            Ok(f) => imported.fragments.push(f),
            Err(d) => diags.push(d),
        }
    }
    diags.extend(check_locales(layout, &parsed));
    if diags.has_errors() {
        return Err(diags.into());
    }
    imported.fragments.sort_by(|a, b| a.path.cmp(&b.path));
    imported.warnings = diags;
    Ok(imported)
}

/// The fragment file of every endpoint. Within a locale, an endpoint lives on one page (an
/// error otherwise). Endpoints whose file names coincide (`/a-b` and `/a/b`, `/jobs/` and
/// `/jobs/slash`) are told apart by `-2`, `-3`, ... in the order of their paths and methods, so
/// the names depend on the endpoints only, never on the order of pages or blocks.
fn fragment_jobs<'a>(
    layout: &Layout,
    parsed: &'a [(&'a DocPage, Vec<PageEndpoint>)],
    diags: &mut Diagnostics,
) -> Vec<(PathBuf, &'a DocPage, &'a PageEndpoint)> {
    let mut seen: BTreeMap<(&str, HttpMethod, &str), (&Path, usize)> = BTreeMap::new();
    let mut jobs = Vec::new();
    for (page, endpoints) in parsed {
        for e in endpoints {
            let at = Location::file(&page.path).at_line(e.line, None);
            let key = (page.locale.as_str(), e.method, e.path.as_str());
            if let Some((other, line)) = seen.get(&key) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-endpoint",
                        at,
                        format!(
                            "{} is also documented on another page of locale `{}`",
                            e.label(),
                            page.locale
                        ),
                    )
                    .with_note(format!("first on {}:{line}", display_path(other))),
                );
                continue;
            }
            seen.insert(key, (&page.path, e.line));
            jobs.push((fragment_path(layout, &page.locale, page, e), *page, e));
        }
    }
    let mut sharing: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    for (i, (path, _, _)) in jobs.iter().enumerate() {
        sharing.entry(path.clone()).or_default().push(i);
    }
    let mut taken: BTreeSet<PathBuf> = sharing.keys().cloned().collect();
    for (path, mut members) in sharing {
        if members.len() < 2 {
            continue;
        }
        members.sort_by_key(|&i| (jobs[i].2.path.as_str(), jobs[i].2.method.as_str()));
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut n = 2;
        for &i in &members[1..] {
            let next = loop {
                let candidate = path.with_file_name(format!("{stem}-{n}.yaml"));
                n += 1;
                if taken.insert(candidate.clone()) {
                    break candidate;
                }
            };
            jobs[i].0 = next;
        }
    }
    jobs
}

impl Imported {
    /// The fragment files, owning `spec/fragments`.
    pub fn file_set(&self, layout: &Layout) -> FileSet {
        let mut set = FileSet::new();
        set.own_dir(layout.fragments_dir(), "yaml");
        for f in &self.fragments {
            set.insert(f.path.clone(), f.text.clone());
        }
        set
    }

    /// The fragments of one locale.
    pub fn locale<'a>(&'a self, locale: &'a str) -> impl Iterator<Item = &'a FragmentFile> + 'a {
        self.fragments.iter().filter(move |f| f.locale == locale)
    }
}

/// `spec/fragments/<locale>/<tag>/<method>-<path>.yaml`.
fn fragment_path(layout: &Layout, locale: &str, page: &DocPage, e: &PageEndpoint) -> PathBuf {
    let group = e
        .tag
        .as_deref()
        .map(slug)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| slug(page.name.trim_end_matches(".md")));
    layout
        .fragments_dir()
        .join(locale)
        .join(group)
        .join(format!("{}.yaml", endpoint_file_stem(e.method, &e.path)))
}

/// `post` + `/webapi/v2/apps/{app_id}/run` → `post-webapi-v2-apps-by-app_id-run`; a trailing
/// slash adds `-slash` (`get` + `/jobs/` → `get-jobs-slash`), `/` is `root`.
pub fn endpoint_file_stem(method: HttpMethod, path: &str) -> String {
    let mut parts = vec![method.as_str().to_owned()];
    let segments: Vec<Segment<'_>> = match PathTemplate::parse(path) {
        Ok(t) => t.segments().collect(),
        // Not a valid template (validation says so): every segment as written.
        Err(_) => path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(Segment::Mixed)
            .collect(),
    };
    for segment in segments {
        match segment {
            Segment::Param(name) => parts.push(format!("by-{}", slug(name))),
            Segment::Literal(text) | Segment::Mixed(text) => parts.push(slug(text)),
        }
    }
    if parts.len() == 1 {
        parts.push("root".to_owned());
    } else if path.ends_with('/') {
        // `/jobs/` is another endpoint than `/jobs`.
        parts.push("slash".to_owned());
    }
    parts.join("-")
}

/// Lower case; letters, digits, `_` and `.` kept; anything else becomes one `-`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' || c == '.' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

fn fragment_file(
    path: PathBuf,
    page: &DocPage,
    e: &PageEndpoint,
) -> Result<FragmentFile, Diagnostic> {
    let emitted = yaml::to_yaml(&e.document);
    // The store must be lossless: the YAML must read back as exactly the page's JSON.
    let back: Value = serde_yaml::from_str(&emitted.text).map_err(|err| {
        Diagnostic::error(
            "yaml-round-trip",
            Location::file(&path),
            format!("internal error: the fragment does not read back: {err}"),
        )
    })?;
    if back != e.document {
        return Err(Diagnostic::error(
            "yaml-round-trip",
            Location::file(&path),
            "internal error: the fragment does not read back as the page's JSON",
        ));
    }
    let text = format!("{}{}", header(&e.label(), &page.path), emitted.text);
    let lines = std::sync::Arc::new(emitted.lines.shifted(HEADER_LINES));
    Ok(FragmentFile {
        path,
        locale: page.locale.clone(),
        page: page.path.clone(),
        page_line: e.line,
        label: e.label(),
        text,
        document: e.document.clone(),
        lines,
    })
}

fn header(label: &str, page: &Path) -> String {
    format!(
        "# {label}: imported from {} by `cargo xtask import`.\n\
         # A verbatim copy of the page's JSON block. Edit the page (or spec/overrides.yaml), not this file.\n",
        display_path(page)
    )
}

/// Reads a fragment file back: its document and the pointer → line map.
pub fn read_fragment(rel: &Path, text: &str) -> Result<(Value, yaml::Lines), Diagnostic> {
    let document: Value = serde_yaml::from_str(text).map_err(|err| {
        let mut at = Location::file(rel);
        if let Some(loc) = err.location() {
            at = at.at_line(loc.line(), Some(loc.column()));
        }
        Diagnostic::error(
            "yaml-syntax",
            at,
            format!("the fragment does not parse: {err}"),
        )
    })?;
    // Lines are exact when the file is as the importer wrote it; otherwise only pointers.
    let emitted = yaml::to_yaml(&document);
    let lines = if text.ends_with(&emitted.text)
        && text.lines().count() == emitted.text.lines().count() + HEADER_LINES
    {
        emitted.lines.shifted(HEADER_LINES)
    } else {
        yaml::Lines::default()
    };
    Ok((document, lines))
}

/// Report lines of an import: one per endpoint, `added`/`changed`/`unchanged`/`removed`.
pub fn report(imported: &Imported, changes: &[(PathBuf, Change)]) -> Vec<String> {
    let labels: BTreeMap<&Path, &str> = imported
        .fragments
        .iter()
        .map(|f| (f.path.as_path(), f.label.as_str()))
        .collect();
    let mut out = Vec::new();
    for (path, change) in changes {
        let label = labels
            .get(path.as_path())
            .copied()
            .unwrap_or("(endpoint no longer documented)");
        out.push(format!(
            "{:<9} {label}  {}",
            change.as_str(),
            display_path(path)
        ));
    }
    out
}

/// Compares every non-primary page with the primary page of the same name.
fn check_locales(layout: &Layout, parsed: &[(&DocPage, Vec<PageEndpoint>)]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let primary = layout.primary_locale();
    let by_name: BTreeMap<&str, (&DocPage, &Vec<PageEndpoint>)> = parsed
        .iter()
        .filter(|(p, _)| p.locale == primary)
        .map(|(p, e)| (p.name.as_str(), (*p, e)))
        .collect();
    for (page, endpoints) in parsed.iter().filter(|(p, _)| p.locale != primary) {
        match by_name.get(page.name.as_str()) {
            Some((base_page, base)) => {
                diags.extend(compare_pages((base_page, base), (page, endpoints)));
            }
            None => diags.push(Diagnostic::error(
                "locale-mismatch",
                Location::file(&page.path),
                format!(
                    "no primary-locale page {} to compare with: a `{}` page needs its `{primary}` original",
                    display_path(&layout.docs_dir().join(primary).join(&page.name)),
                    page.locale
                ),
            )),
        }
    }
    diags
}

/// A translated page against its primary-locale original: the same endpoints, each with the
/// same structure.
fn compare_pages(
    (base_page, base): (&DocPage, &[PageEndpoint]),
    (page, endpoints): (&DocPage, &[PageEndpoint]),
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let by_key = |list: &'_ [PageEndpoint]| -> BTreeMap<(HttpMethod, String), usize> {
        list.iter()
            .enumerate()
            .map(|(i, e)| ((e.method, e.path.clone()), i))
            .collect()
    };
    let (ours, theirs) = (by_key(base), by_key(endpoints));
    let base_file = display_path(&base_page.path);
    for (key, &i) in &ours {
        if !theirs.contains_key(key) {
            let e = &base[i];
            diags.push(Diagnostic::error(
                "locale-mismatch",
                Location::file(&page.path),
                format!(
                    "{} is documented on {base_file}:{} but missing here",
                    e.label(),
                    e.line
                ),
            ));
        }
    }
    for (key, &i) in &theirs {
        let e = &endpoints[i];
        let at = Location::file(&page.path).at_line(e.line, None);
        let Some(&b) = ours.get(key) else {
            diags.push(Diagnostic::error(
                "locale-mismatch",
                at,
                format!("{} is not documented on {base_file}", e.label()),
            ));
            continue;
        };
        let b = &base[b];
        let mut differences = Vec::new();
        structural_diff(
            &b.document,
            &e.document,
            &Pointer::root(),
            false,
            &mut differences,
        );
        if differences.is_empty() {
            continue;
        }
        let mut d = Diagnostic::error(
            "locale-mismatch",
            at,
            format!(
                "{} differs in structure from {base_file}:{} at {}",
                e.label(),
                b.line,
                crate::diag::plural(differences.len(), "place")
            ),
        );
        for note in differences.iter().take(20) {
            d = d.with_note(note.clone());
        }
        if differences.len() > 20 {
            d = d.with_note(format!("... and {} more", differences.len() - 20));
        }
        diags.push(d);
    }
    diags
}

/// Keys whose values are prose, which translations change.
const PROSE_KEYS: &[&str] = &["description", "summary", "title"];

/// Collects pointers where `a` and `b` differ, ignoring prose keywords. `names` is true inside
/// maps keyed by names (`properties`), where `title` is a property, not a keyword.
fn structural_diff(a: &Value, b: &Value, at: &Pointer, names: bool, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                if !names && PROSE_KEYS.contains(&key.as_str()) {
                    continue;
                }
                let child = at.push(key);
                let child_names =
                    !names && matches!(key.as_str(), "properties" | "patternProperties");
                match (x.get(key), y.get(key)) {
                    (Some(va), Some(vb)) => structural_diff(va, vb, &child, child_names, out),
                    (Some(_), None) => out.push(format!("{child}: only in the primary page")),
                    (None, Some(_)) => out.push(format!("{child}: only in this page")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                out.push(format!(
                    "{at}: {} items here, {} in the primary page",
                    y.len(),
                    x.len()
                ));
            }
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                structural_diff(va, vb, &at.index(i), false, out);
            }
        }
        _ if a != b => out.push(format!(
            "{at}: {} here, {} in the primary page",
            short(b),
            short(a)
        )),
        _ => {}
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_come_from_method_and_path() {
        assert_eq!(
            endpoint_file_stem(HttpMethod::Post, "/webapi/apps"),
            "post-webapi-apps"
        );
        assert_eq!(
            endpoint_file_stem(
                HttpMethod::Get,
                "/webapi/v2/conversations/{conversation_id}/chats"
            ),
            "get-webapi-v2-conversations-by-conversation_id-chats"
        );
        assert_eq!(endpoint_file_stem(HttpMethod::Get, "/"), "get-root");
        assert_eq!(endpoint_file_stem(HttpMethod::Get, "/jobs"), "get-jobs");
        assert_eq!(
            endpoint_file_stem(HttpMethod::Get, "/jobs/"),
            "get-jobs-slash"
        );
        assert_eq!(
            endpoint_file_stem(HttpMethod::Get, "/jobs/{id}/"),
            "get-jobs-by-id-slash"
        );
        assert_eq!(
            endpoint_file_stem(HttpMethod::Get, "/A B/x.json"),
            "get-a-b-x.json"
        );
    }

    #[test]
    fn structural_diff_ignores_prose_but_not_property_names() {
        let a = serde_json::json!({"description": "x", "properties": {"title": {"type": "string", "title": "T"}}});
        let b = serde_json::json!({"description": "y", "properties": {"title": {"type": "integer", "title": "U"}}});
        let mut out = Vec::new();
        structural_diff(&a, &b, &Pointer::root(), false, &mut out);
        assert_eq!(
            out,
            vec!["#/properties/title/type: \"integer\" here, \"string\" in the primary page"]
        );
        let c = serde_json::json!({"properties": {}});
        let mut out = Vec::new();
        structural_diff(&a, &c, &Pointer::root(), false, &mut out);
        assert_eq!(out, vec!["#/properties/title: only in the primary page"]);
    }
}
