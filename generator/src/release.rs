//! The generated crate's version and changelog, kept by regen.
//!
//! Every regen compares the API it generates with the one checked in ([`crate::impact`]) and
//! appends what changed to the `[Unreleased]` section of `alli-api/CHANGELOG.md` (Keep a
//! Changelog: Added / Changed / Deprecated / Removed), each line naming the docs page behind
//! it. The crate's version in `alli-api/Cargo.toml` is then the **last release** bumped once
//! by the largest change the `[Unreleased]` section holds, however many regens wrote it:
//!
//! | since the last release | 0.y.z | x.y.z (x ≥ 1) |
//! |---|---|---|
//! | a breaking change | 0.(y+1).0 | (x+1).0.0 |
//! | additions, deprecations | 0.y.(z+1) | x.(y+1).0 |
//! | anything else (docs text, a hand-written entry) | 0.y.(z+1) | x.y.(z+1) |
//!
//! The last release is the newest `## [x.y.z]` section of the changelog (written by
//! [`crate::release()`]); a changelog without one starts from the version in the manifest. Nothing
//! here asks git: the version is a pure function of the files in the tree.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diag::{Diagnostic, Location, display_path};
use crate::impact::{Change, ChangeKind, Impact};
use crate::import::Imported;
use crate::layout::Layout;

/// A `major.minor.patch` version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl Version {
    /// Reads `1.2.3` (no pre-release or build part).
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.split('.');
        let mut next = || -> Option<u64> {
            let p = parts.next()?;
            // No leading zeros, digits only (semver).
            if p.is_empty() || (p.len() > 1 && p.starts_with('0')) {
                return None;
            }
            p.parse().ok()
        };
        let v = Version {
            major: next()?,
            minor: next()?,
            patch: next()?,
        };
        parts.next().is_none().then_some(v)
    }

    /// The next version for a change of `level` (0.y.z: breaking bumps y, anything else z).
    pub fn bump(self, level: Level) -> Version {
        let Version {
            major,
            minor,
            patch,
        } = self;
        match (major, level) {
            (0, Level::Breaking) => Version::new(0, minor + 1, 0),
            (0, _) | (_, Level::Fix) => Version::new(major, minor, patch + 1),
            (_, Level::Feature) => Version::new(major, minor + 1, 0),
            (_, Level::Breaking) => Version::new(major + 1, 0, 0),
        }
    }

    /// A version.
    pub fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// How large a change is, for the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// No change to the public API (documentation, behaviour, a hand-written entry).
    Fix,
    /// New items, deprecations, other compatible API changes.
    Feature,
    /// Existing callers may stop compiling.
    Breaking,
}

impl Level {
    /// `fix`, `feature`, `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Fix => "no API change",
            Level::Feature => "compatible API changes",
            Level::Breaking => "breaking changes",
        }
    }

    /// The level of an impact report (`None` when it lists nothing).
    pub fn of(impact: &Impact) -> Option<Level> {
        if impact.changes.is_empty() {
            None
        } else if impact.is_breaking() {
            Some(Level::Breaking)
        } else {
            Some(Level::Feature)
        }
    }
}

/// The changelog sections regen writes, in the order they appear.
const SECTIONS: [&str; 4] = ["Added", "Changed", "Deprecated", "Removed"];
/// Marks an entry that breaks existing callers.
const BREAKING: &str = "**Breaking:** ";
/// The heading of the section that accumulates changes until the next release.
const UNRELEASED: &str = "## [Unreleased]";

/// The preamble of a new changelog.
const PREAMBLE: &str = "# Changelog

Every change to `alli-api` that downstream crates can observe. `cargo xtask regen` writes the
`[Unreleased]` section from the API impact report (each line naming the docs page behind it)
and bumps the crate's version once per release; `cargo xtask release` moves the section under
the version it releases. Format: [Keep a Changelog](https://keepachangelog.com/en/1.1.0/);
versions: [Semantic Versioning](https://semver.org/spec/v2.0.0.html) as the README's
\"What counts as breaking\" applies it.
";

/// One line regen adds to the changelog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `Added`, `Changed`, `Deprecated` or `Removed`.
    pub section: &'static str,
    /// The Markdown line, starting with `- `.
    pub line: String,
}

/// A changelog split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changelog {
    /// Everything before the `[Unreleased]` section.
    preamble: String,
    /// The `[Unreleased]` section's lines after its heading (may be empty).
    unreleased: Vec<String>,
    /// The released sections and anything after them, verbatim.
    released: String,
}

impl Changelog {
    /// A new changelog whose last release is `version` (the version the manifest had).
    pub fn new(version: Version) -> Changelog {
        Changelog {
            preamble: PREAMBLE.to_owned(),
            unreleased: Vec::new(),
            released: format!(
                "## [{version}]\n\nThe version this changelog starts from: the generated client as it was.\n"
            ),
        }
    }

    /// Reads a changelog; a missing `[Unreleased]` heading is added before the releases.
    pub fn parse(text: &str) -> Changelog {
        let lines: Vec<&str> = text.lines().collect();
        let is_release = |l: &str| l.starts_with("## [") && release_version(l).is_some();
        let unreleased_at = lines.iter().position(|l| l.trim_end() == UNRELEASED);
        let first_release = lines
            .iter()
            .enumerate()
            .position(|(i, l)| unreleased_at.is_none_or(|u| i > u) && is_release(l))
            .unwrap_or(lines.len());
        let (preamble_end, body_start) = match unreleased_at {
            Some(u) => (u, u + 1),
            None => (first_release, first_release),
        };
        let join = |ls: &[&str]| -> String {
            let mut s = ls.join("\n");
            if !s.is_empty() {
                s.push('\n');
            }
            s
        };
        Changelog {
            preamble: join(&lines[..preamble_end]),
            unreleased: lines[body_start..first_release]
                .iter()
                .map(|l| (*l).to_owned())
                .collect(),
            released: join(&lines[first_release..]),
        }
    }

    /// The newest released version: the first `## [x.y.z]` heading.
    pub fn last_release(&self) -> Option<Version> {
        self.released.lines().find_map(release_version)
    }

    /// The entries (`- ` lines) of the `[Unreleased]` section, each with its `###` section.
    pub fn unreleased_entries(&self) -> Vec<(String, String)> {
        let mut section = String::new();
        let mut out = Vec::new();
        for line in &self.unreleased {
            if let Some(h) = line.strip_prefix("### ") {
                section = h.trim().to_owned();
            } else if line.starts_with("- ") || line.starts_with("* ") {
                out.push((section.clone(), line.clone()));
            }
        }
        out
    }

    /// The largest change the `[Unreleased]` section records: breaking when an entry is marked
    /// so, a feature when it adds or deprecates, a fix for any other entry.
    pub fn unreleased_level(&self) -> Option<Level> {
        self.unreleased_entries()
            .iter()
            .map(|(section, line)| {
                if line.contains(BREAKING.trim_end()) {
                    Level::Breaking
                } else if section == "Added" || section == "Deprecated" {
                    Level::Feature
                } else {
                    Level::Fix
                }
            })
            .max()
    }

    /// Adds `entries` to the `[Unreleased]` section, each under its `###` section (created in
    /// Keep a Changelog order when missing); an entry already there is not added twice.
    pub fn add(&mut self, entries: &[Entry]) {
        for entry in entries {
            if self.unreleased.contains(&entry.line) {
                continue;
            }
            let heading = format!("### {}", entry.section);
            let at = match self.unreleased.iter().position(|l| l.trim_end() == heading) {
                Some(h) => {
                    // After the section's last line that is not blank.
                    let mut end = self.unreleased[h + 1..]
                        .iter()
                        .position(|l| l.starts_with('#'))
                        .map_or(self.unreleased.len(), |i| h + 1 + i);
                    while end > h + 1 && self.unreleased[end - 1].trim().is_empty() {
                        end -= 1;
                    }
                    end
                }
                None => self.new_section(entry.section),
            };
            self.unreleased.insert(at, entry.line.clone());
        }
    }

    /// Inserts an empty `### section` where Keep a Changelog order puts it; returns the index
    /// its first entry goes to.
    fn new_section(&mut self, section: &str) -> usize {
        let rank = |name: &str| SECTIONS.iter().position(|s| *s == name);
        let mine = rank(section).unwrap_or(SECTIONS.len());
        // Before the first section that comes later in that order, else at the end.
        let later = self.unreleased.iter().position(|l| {
            l.strip_prefix("### ")
                .is_some_and(|h| rank(h.trim()).unwrap_or(SECTIONS.len()) > mine)
        });
        match later {
            Some(at) => {
                self.unreleased
                    .splice(at..at, [format!("### {section}"), String::new()]);
                at + 1
            }
            None => {
                while self.unreleased.last().is_some_and(|l| l.trim().is_empty()) {
                    self.unreleased.pop();
                }
                if !self.unreleased.is_empty() {
                    self.unreleased.push(String::new());
                }
                self.unreleased.push(format!("### {section}"));
                self.unreleased.len()
            }
        }
    }

    /// The `[Unreleased]` section's entries moved under `## [version] - date`, leaving an
    /// empty `[Unreleased]` section.
    pub fn release(&mut self, version: Version, date: &str) {
        let body: Vec<String> = self
            .unreleased
            .iter()
            .skip_while(|l| l.trim().is_empty())
            .cloned()
            .collect();
        let mut section = format!("## [{version}] - {date}\n\n");
        for line in &body {
            section.push_str(line.trim_end());
            section.push('\n');
        }
        while section.ends_with("\n\n") {
            section.pop();
        }
        if !self.released.is_empty() {
            section.push('\n');
        }
        self.released = section + &self.released;
        self.unreleased.clear();
    }
}

impl fmt::Display for Changelog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.preamble)?;
        if !self.preamble.is_empty() && !self.preamble.ends_with("\n\n") {
            f.write_str("\n")?;
        }
        writeln!(f, "{UNRELEASED}")?;
        let body: Vec<&String> = self
            .unreleased
            .iter()
            .skip_while(|l| l.trim().is_empty())
            .collect();
        let end = body
            .iter()
            .rposition(|l| !l.trim().is_empty())
            .map_or(0, |i| i + 1);
        if end > 0 {
            writeln!(f)?;
            for line in &body[..end] {
                writeln!(f, "{line}")?;
            }
        }
        if !self.released.is_empty() {
            writeln!(f)?;
            f.write_str(&self.released)?;
        }
        Ok(())
    }
}

/// `## [1.2.3] - 2026-01-31` (or without a date) → `1.2.3`.
fn release_version(line: &str) -> Option<Version> {
    let rest = line.strip_prefix("## [")?;
    let (version, after) = rest.split_once(']')?;
    let after = after.trim();
    (after.is_empty() || after.starts_with("- ") || after.starts_with('-'))
        .then(|| Version::parse(version))
        .flatten()
}

/// Which docs page each operation and component comes from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `GET /path` → pages.
    operations: BTreeMap<String, BTreeSet<PathBuf>>,
    /// `#/components/schemas/X` → pages.
    components: BTreeMap<String, BTreeSet<PathBuf>>,
}

impl Sources {
    /// Adds a fragment's document, found on `page` (the fragment file itself when it was not
    /// imported from a page).
    pub fn add(&mut self, document: &Value, page: &Path) {
        if let Some(Value::Object(paths)) = document.get("paths") {
            for (path, item) in paths {
                for (method, _) in crate::http::operations(item) {
                    self.operations
                        .entry(format!("{method} {path}"))
                        .or_default()
                        .insert(page.to_path_buf());
                }
            }
        }
        if let Some(Value::Object(kinds)) = document.get("components") {
            for (kind, entries) in kinds {
                let Value::Object(entries) = entries else {
                    continue;
                };
                for name in entries.keys() {
                    let pointer = format!(
                        "#{}",
                        crate::pointer::Pointer::root()
                            .push("components")
                            .push(kind)
                            .push(name)
                            .as_str()
                    );
                    self.components
                        .entry(pointer)
                        .or_default()
                        .insert(page.to_path_buf());
                }
            }
        }
    }

    /// The pages of the primary locale's imported fragments.
    pub fn of_import(imported: &Imported, primary_locale: &str) -> Sources {
        let mut out = Sources::default();
        for f in imported.locale(primary_locale) {
            out.add(&f.document, &f.page);
        }
        out
    }

    /// The pages of the fragments on disk (the header names the page each came from; a
    /// fragment kept by hand stands for itself).
    pub fn of_disk(layout: &Layout) -> Sources {
        let mut out = Sources::default();
        let Ok(fragments) = crate::spec::fragments_from_disk(layout) else {
            return out;
        };
        for f in fragments {
            let header = crate::output::read_normalized(&layout.abs(&f.file))
                .ok()
                .flatten()
                .and_then(|t| t.lines().next().and_then(page_in_header));
            out.add(&f.document, &header.unwrap_or_else(|| f.file.clone()));
        }
        out
    }

    /// The pages behind a change's origin (`GET /path`, `GET /path → response`,
    /// `#/components/schemas/X`).
    pub fn pages(&self, origin: &str) -> Option<&BTreeSet<PathBuf>> {
        if origin.starts_with("#/") {
            self.components.get(origin)
        } else {
            let op = origin.split(" → ").next().unwrap_or(origin);
            self.operations.get(op)
        }
    }
}

/// `# GET /x: imported from spec/docs/en/a.md by ...` → `spec/docs/en/a.md`.
fn page_in_header(line: &str) -> Option<PathBuf> {
    let rest = line.split_once(": imported from ")?.1;
    rest.split(" by ").next().map(PathBuf::from)
}

/// The changelog lines of an impact report: one per change, breaking ones marked, each with
/// its operation and the docs pages behind it (looked up in `now`, then in `before` for what
/// the docs no longer have).
pub fn entries(impact: &Impact, now: &Sources, before: &dyn Fn() -> Sources) -> Vec<Entry> {
    let mut old: Option<Sources> = None;
    let mut out = Vec::new();
    for change in &impact.changes {
        let pages = change.origin.as_deref().and_then(|o| {
            now.pages(o)
                .cloned()
                .or_else(|| old.get_or_insert_with(before).pages(o).cloned())
        });
        out.push(Entry {
            section: section_of(change),
            line: entry_line(change, pages.as_ref()),
        });
    }
    out
}

fn section_of(change: &Change) -> &'static str {
    match change.kind {
        ChangeKind::Added => "Added",
        ChangeKind::Changed => "Changed",
        ChangeKind::Deprecated | ChangeKind::Renamed => "Deprecated",
        ChangeKind::Removed => "Removed",
    }
}

fn entry_line(change: &Change, pages: Option<&BTreeSet<PathBuf>>) -> String {
    let mut line = String::from("- ");
    if change.breaking {
        line.push_str(BREAKING);
    }
    line.push_str(&change.markdown);
    let mut from = Vec::new();
    let operation = change.operation.as_deref().or_else(|| {
        change
            .origin
            .as_deref()
            .filter(|o| !o.starts_with("#/"))
            .map(|o| o.split(" → ").next().unwrap_or(o))
    });
    if let Some(op) = operation {
        from.push(format!("`{op}`"));
    }
    for page in pages.into_iter().flatten() {
        from.push(page_link(page));
    }
    if !from.is_empty() {
        line.push_str(&format!(" ({})", from.join(", ")));
    }
    line
}

/// A link to a project file from `alli-api/CHANGELOG.md`.
fn page_link(page: &Path) -> String {
    let shown = display_path(page);
    format!("[{shown}](../{shown})")
}

/// The line written when the generated code changed without any change to its public API.
pub fn regenerated_entry(pages: &BTreeSet<PathBuf>) -> Entry {
    let line = if pages.is_empty() {
        "- Regenerated; no change to the public API.".to_owned()
    } else {
        let links: Vec<String> = pages.iter().map(|p| page_link(p)).collect();
        format!(
            "- Regenerated from {}; no change to the public API.",
            links.join(", ")
        )
    };
    Entry {
        section: "Changed",
        line,
    }
}

/// The version line of a manifest's `[package]` table: its value and byte range.
fn version_line(manifest: &str) -> Option<(&str, std::ops::Range<usize>)> {
    let mut in_package = false;
    let mut offset = 0;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        } else if in_package {
            if let Some(rest) = trimmed.strip_prefix("version") {
                if let Some(value) = rest.trim_start().strip_prefix('=') {
                    let value = value.trim().trim_matches('"');
                    let start = offset + line.find('"').unwrap_or(0) + 1;
                    return Some((value, start..start + value.len()));
                }
            }
        }
        offset += line.len();
    }
    None
}

/// The version in a manifest's `[package]` table.
pub fn manifest_version(manifest: &str, file: &Path) -> Result<Version, Diagnostic> {
    let (value, _) = version_line(manifest).ok_or_else(|| {
        Diagnostic::error(
            "version",
            Location::file(file),
            "the manifest has no `version = \"x.y.z\"` in [package]",
        )
    })?;
    Version::parse(value).ok_or_else(|| {
        Diagnostic::error(
            "version",
            Location::file(file),
            format!("the version `{value}` is not of the form major.minor.patch"),
        )
    })
}

/// The manifest with its `[package]` version set to `version`.
pub fn with_manifest_version(manifest: &str, version: Version) -> String {
    match version_line(manifest) {
        Some((_, range)) => format!(
            "{}{version}{}",
            &manifest[..range.start],
            &manifest[range.end..]
        ),
        None => manifest.to_owned(),
    }
}

/// What regen does to the version and the changelog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The last release (the changelog's newest release, else the manifest's version).
    pub last_release: Version,
    /// The version checked in before this run.
    pub previous: Version,
    /// The version after it.
    pub version: Version,
    /// The largest change since the last release.
    pub level: Option<Level>,
    /// The lines this run adds to `[Unreleased]`.
    pub added: Vec<Entry>,
    /// The changelog after this run.
    pub changelog: Changelog,
}

impl Plan {
    /// Computes the plan: `changelog` is the checked-in text (`None` when there is none),
    /// `entries` what this run adds.
    pub fn new(previous: Version, changelog: Option<&str>, entries: Vec<Entry>) -> Plan {
        let mut log = changelog.map_or_else(|| Changelog::new(previous), Changelog::parse);
        let last_release = log.last_release().unwrap_or(previous);
        log.add(&entries);
        let level = log.unreleased_level();
        let required = level.map_or(last_release, |l| last_release.bump(l));
        Plan {
            last_release,
            previous,
            version: previous.max(required),
            level,
            added: entries,
            changelog: log,
        }
    }

    /// One line: `alli-api 0.1.0 → 0.2.0 (breaking changes since 0.1.0)`.
    pub fn summary(&self, crate_name: &str) -> String {
        let since = match self.level {
            Some(level) => format!("{} since {}", level.as_str(), self.last_release),
            None => format!("no change since {}", self.last_release),
        };
        if self.version == self.previous {
            format!("{crate_name} {} ({since})", self.version)
        } else {
            format!(
                "{crate_name} {} → {} ({since})",
                self.previous, self.version
            )
        }
    }
}

/// Today's date in UTC, `YYYY-MM-DD` (the release date `cargo xtask release` writes).
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_of_day(secs / 86_400)
}

/// The civil date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn date_of_day(days: u64) -> String {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_are_civil_dates() {
        assert_eq!(date_of_day(0), "1970-01-01");
        assert_eq!(date_of_day(11_016), "2000-02-29");
        assert_eq!(date_of_day(20_788), "2026-12-01");
        assert_eq!(date_of_day(20_819), "2027-01-01");
    }

    use super::*;

    #[test]
    fn versions_bump_by_semver_with_the_0x_rule() {
        let v = |s: &str| Version::parse(s).expect("version");
        assert_eq!(v("0.1.4").bump(Level::Breaking), v("0.2.0"));
        assert_eq!(v("0.1.4").bump(Level::Feature), v("0.1.5"));
        assert_eq!(v("0.1.4").bump(Level::Fix), v("0.1.5"));
        assert_eq!(v("1.2.3").bump(Level::Breaking), v("2.0.0"));
        assert_eq!(v("1.2.3").bump(Level::Feature), v("1.3.0"));
        assert_eq!(v("1.2.3").bump(Level::Fix), v("1.2.4"));
        for bad in ["1.2", "1.2.3.4", "01.2.3", "1.2.x", "1.2.3-alpha", ""] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
    }

    fn entry(section: &'static str, line: &str) -> Entry {
        Entry {
            section,
            line: line.to_owned(),
        }
    }

    const LOG: &str = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n## [0.3.1] - 2026-01-02\n\n### Added\n\n- old\n\n## [0.3.0] - 2026-01-01\n";

    #[test]
    fn entries_accumulate_under_unreleased_and_bump_once_per_release() {
        let v = |s: &str| Version::parse(s).expect("version");
        let plan = Plan::new(
            v("0.3.1"),
            Some(LOG),
            vec![entry("Removed", "- **Breaking:** removed `x`")],
        );
        assert_eq!(plan.last_release, v("0.3.1"));
        assert_eq!(plan.version, v("0.4.0"));
        let text = plan.changelog.to_string();
        assert!(
            text.contains("## [Unreleased]\n\n### Removed\n- **Breaking:** removed `x`\n\n## [0.3.1] - 2026-01-02\n"),
            "{text}"
        );
        // A second regen before the release: an addition; the version stays.
        let plan = Plan::new(v("0.4.0"), Some(&text), vec![entry("Added", "- new `y`")]);
        assert_eq!(plan.version, v("0.4.0"));
        let text = plan.changelog.to_string();
        assert!(
            text.contains("## [Unreleased]\n\n### Added\n- new `y`\n\n### Removed\n- **Breaking:** removed `x`\n"),
            "{text}"
        );
        // Nothing new: the text is the same.
        let again = Plan::new(v("0.4.0"), Some(&text), Vec::new());
        assert_eq!(again.changelog.to_string(), text);
        assert_eq!(again.version, v("0.4.0"));
        // An added line already there is not written twice.
        let again = Plan::new(v("0.4.0"), Some(&text), vec![entry("Added", "- new `y`")]);
        assert_eq!(again.changelog.to_string(), text);
    }

    #[test]
    fn an_additive_change_on_a_released_version_is_a_patch_in_0x_and_a_minor_in_1x() {
        let v = |s: &str| Version::parse(s).expect("version");
        let added = || vec![entry("Added", "- new `y`")];
        assert_eq!(
            Plan::new(v("0.3.1"), Some(LOG), added()).version,
            v("0.3.2")
        );
        let log = LOG.replace("0.3.1", "1.3.1");
        assert_eq!(
            Plan::new(v("1.3.1"), Some(&log), added()).version,
            v("1.4.0")
        );
        let fix = vec![entry(
            "Changed",
            "- Regenerated; no change to the public API.",
        )];
        assert_eq!(Plan::new(v("1.3.1"), Some(&log), fix).version, v("1.3.2"));
        // A version bumped further by hand stays.
        assert_eq!(
            Plan::new(v("2.0.0"), Some(&log), added()).version,
            v("2.0.0")
        );
    }

    #[test]
    fn release_moves_unreleased_under_the_version() {
        let v = |s: &str| Version::parse(s).expect("version");
        let plan = Plan::new(v("0.3.1"), Some(LOG), vec![entry("Added", "- new `y`")]);
        let mut log = plan.changelog;
        log.release(plan.version, "2026-02-03");
        let text = log.to_string();
        assert!(
            text.contains("## [Unreleased]\n\n## [0.3.2] - 2026-02-03\n\n### Added\n- new `y`\n\n## [0.3.1] - 2026-01-02\n"),
            "{text}"
        );
        let log = Changelog::parse(&text);
        assert_eq!(log.last_release(), Some(v("0.3.2")));
        assert_eq!(log.unreleased_level(), None);
        assert_eq!(Changelog::parse(&text).to_string(), text);
    }

    #[test]
    fn a_missing_changelog_starts_from_the_manifest_version() {
        let v = |s: &str| Version::parse(s).expect("version");
        let plan = Plan::new(v("0.1.0"), None, vec![entry("Added", "- new `y`")]);
        assert_eq!(plan.last_release, v("0.1.0"));
        assert_eq!(plan.version, v("0.1.1"));
        let text = plan.changelog.to_string();
        assert!(text.starts_with("# Changelog\n"), "{text}");
        assert!(
            text.contains("## [Unreleased]\n\n### Added\n- new `y`\n\n## [0.1.0]\n"),
            "{text}"
        );
        assert_eq!(Changelog::parse(&text).to_string(), text);
    }

    #[test]
    fn hand_written_entries_are_kept_and_count() {
        let v = |s: &str| Version::parse(s).expect("version");
        let log = LOG.replace(
            "## [Unreleased]\n\n",
            "## [Unreleased]\n\n### Fixed\n- Retries honour Retry-After.\n\n",
        );
        let plan = Plan::new(v("0.3.1"), Some(&log), Vec::new());
        assert_eq!(plan.level, Some(Level::Fix));
        assert_eq!(plan.version, v("0.3.2"));
        let plan = Plan::new(v("0.3.1"), Some(&log), vec![entry("Added", "- new `y`")]);
        let text = plan.changelog.to_string();
        assert!(
            text.contains("### Added\n- new `y`\n\n### Fixed\n- Retries honour Retry-After.\n"),
            "{text}"
        );
    }

    #[test]
    fn the_manifest_version_is_read_and_replaced_in_package_only() {
        let manifest =
            "[package]\nname = \"x\"\nversion = \"0.2.9\"\n\n[dependencies]\nversion = \"1\"\n";
        let file = Path::new("x/Cargo.toml");
        let v = manifest_version(manifest, file).expect("version");
        assert_eq!(v, Version::new(0, 2, 9));
        let out = with_manifest_version(manifest, Version::new(0, 3, 0));
        assert_eq!(
            out,
            "[package]\nname = \"x\"\nversion = \"0.3.0\"\n\n[dependencies]\nversion = \"1\"\n"
        );
        let err = manifest_version("[package]\nversion = \"1.0\"\n", file).expect_err("bad");
        assert!(err.to_string().contains("x/Cargo.toml"), "{err}");
    }
}
