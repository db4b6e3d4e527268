//! The files a run produces, compared with what is on disk, and written all at once.
//!
//! A pipeline run builds a [`FileSet`] entirely in memory. Only when every stage succeeded is
//! it applied: changed files are written (through a temporary file and a rename), files in the
//! folders the set owns that it no longer contains are deleted. `check` compares the same set
//! with the disk and lists every stale file instead.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Failure, Location, display_path, io_error};
use crate::layout::Layout;

/// How a file on disk relates to what the run produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Produced, absent on disk.
    Added,
    /// Produced, different on disk.
    Changed,
    /// Produced and identical on disk.
    Unchanged,
    /// On disk in an owned folder, no longer produced.
    Removed,
}

impl Change {
    /// `added`, `changed`, `unchanged`, `removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
            Change::Removed => "removed",
        }
    }
}

/// Files by project-relative path, plus the folders whose every file of a kind is produced by
/// the run (anything else found there is stale).
#[derive(Debug, Clone, Default)]
pub struct FileSet {
    files: BTreeMap<PathBuf, String>,
    owned: Vec<(PathBuf, &'static str)>,
}

impl FileSet {
    /// An empty set.
    pub fn new() -> Self {
        FileSet::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, contents: impl Into<String>) {
        self.files.insert(path.into(), contents.into());
    }

    /// Declares that every `*.ext` file below `dir` is produced by this set.
    pub fn own_dir(&mut self, dir: impl Into<PathBuf>, ext: &'static str) {
        self.owned.push((dir.into(), ext));
    }

    /// Adds all files and owned folders of `other`.
    pub fn extend(&mut self, other: FileSet) {
        self.files.extend(other.files);
        self.owned.extend(other.owned);
    }

    /// The produced files.
    pub fn files(&self) -> &BTreeMap<PathBuf, String> {
        &self.files
    }

    /// The contents of one produced file.
    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Compares with the disk: every produced file, and every stale file in owned folders.
    pub fn compare(&self, layout: &Layout) -> Result<Vec<(PathBuf, Change)>, Failure> {
        let mut out = Vec::new();
        for (path, contents) in &self.files {
            let change = match read_normalized(&layout.abs(path)) {
                Ok(None) => Change::Added,
                Ok(Some(disk)) if disk == *contents => Change::Unchanged,
                Ok(Some(_)) => Change::Changed,
                Err(d) => return Err(Failure::single(d)),
            };
            out.push((path.clone(), change));
        }
        for stale in self.stale_files(layout)? {
            out.push((stale, Change::Removed));
        }
        out.sort();
        Ok(out)
    }

    fn stale_files(&self, layout: &Layout) -> Result<Vec<PathBuf>, Failure> {
        let mut stale = Vec::new();
        for (dir, ext) in &self.owned {
            let found = layout
                .files_under(dir, &|p: &Path| p.extension().is_some_and(|e| e == *ext))
                .map_err(Failure::single)?;
            stale.extend(found.into_iter().filter(|p| !self.files.contains_key(p)));
        }
        stale.sort();
        stale.dedup();
        Ok(stale)
    }

    /// Writes every added or changed file and deletes stale ones. Returns the changes made.
    pub fn apply(&self, layout: &Layout) -> Result<Vec<(PathBuf, Change)>, Failure> {
        let changes = self.compare(layout)?;
        let mut errors = Diagnostics::new();
        for (path, change) in &changes {
            let abs = layout.abs(path);
            let result = match change {
                Change::Added | Change::Changed => write_atomically(&abs, &self.files[path]),
                Change::Removed => fs::remove_file(&abs).map_err(|e| io_error(path, "remove", &e)),
                Change::Unchanged => Ok(()),
            };
            if let Err(d) = result {
                errors.push(d);
            }
        }
        // Folders emptied by removals go too.
        for (path, change) in &changes {
            if *change == Change::Removed {
                let mut dir = path.parent();
                while let Some(d) = dir {
                    if self.owned.iter().any(|(owned, _)| owned == d) || d.as_os_str().is_empty() {
                        break;
                    }
                    if fs::remove_dir(layout.abs(d)).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }
        if errors.is_empty() {
            Ok(changes)
        } else {
            Err(errors.into())
        }
    }

    /// Every file that differs from the disk, as located errors carrying a short diff and the
    /// command that fixes it.
    pub fn stale_report(&self, layout: &Layout, fix: &str) -> Result<Diagnostics, Failure> {
        let mut out = Diagnostics::new();
        for (path, change) in self.compare(layout)? {
            let message = match change {
                Change::Unchanged => continue,
                Change::Added => "missing: the pipeline produces this file".to_owned(),
                Change::Removed => "extra: the pipeline no longer produces this file".to_owned(),
                Change::Changed => {
                    let disk = read_normalized(&layout.abs(&path))
                        .ok()
                        .flatten()
                        .unwrap_or_default();
                    format!(
                        "stale: differs from what the pipeline produces\n{}",
                        short_diff(&disk, &self.files[&path])
                    )
                }
            };
            out.push(
                Diagnostic::error("stale", Location::file(path), message)
                    .with_note(format!("run `{fix}` to bring it up to date")),
            );
        }
        Ok(out)
    }
}

/// Reads a file with line endings normalised to `\n`; `None` when it does not exist.
pub fn read_normalized(path: &Path) -> Result<Option<String>, Diagnostic> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(Some(if s.contains('\r') {
            s.replace("\r\n", "\n")
        } else {
            s
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(path, "read", &e)),
    }
}

fn write_atomically(path: &Path, contents: &str) -> Result<(), Diagnostic> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io_error(dir, "create folder", &e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    fs::write(&tmp, contents).map_err(|e| io_error(&tmp, "write", &e))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_error(path, "replace", &e)
    })
}

/// A compact line diff: the first differing region of each file, with a little context.
pub fn short_diff(old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let prefix = old_lines
        .iter()
        .zip(&new_lines)
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old_lines[prefix..]
        .iter()
        .rev()
        .zip(new_lines[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_end = old_lines.len() - suffix;
    let new_end = new_lines.len() - suffix;
    const MAX: usize = 12;
    let mut out = String::new();
    let _ = writeln!(out, "  @@ line {} @@", prefix + 1);
    for line in old_lines[prefix..old_end].iter().take(MAX) {
        let _ = writeln!(out, "  - {line}");
    }
    if old_end - prefix > MAX {
        let _ = writeln!(out, "  - ... ({} more lines)", old_end - prefix - MAX);
    }
    for line in new_lines[prefix..new_end].iter().take(MAX) {
        let _ = writeln!(out, "  + {line}");
    }
    if new_end - prefix > MAX {
        let _ = writeln!(out, "  + ... ({} more lines)", new_end - prefix - MAX);
    }
    out.trim_end().to_owned()
}

/// `spec/x.yaml` with forward slashes.
pub fn show(path: &Path) -> String {
    display_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_diff_shows_the_changed_region() {
        let d = short_diff("a\nb\nc\nd\n", "a\nB\nc\nd\n");
        assert_eq!(d, "  @@ line 2 @@\n  - b\n  + B");
    }
}
