//! Where things live in the project, relative to its root.
//!
//! Every path the pipeline reads, writes or prints is relative to the project root, so the
//! output is the same whatever the working directory.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, io_error};

/// The project layout.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
    primary_locale: String,
}

impl Layout {
    /// The layout of the project at `root`, with English as the primary locale.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Layout {
            root: root.into(),
            primary_locale: "en".to_owned(),
        }
    }

    /// Sets the primary locale (the one the client is generated from).
    pub fn with_primary_locale(mut self, locale: impl Into<String>) -> Self {
        self.primary_locale = locale.into();
        self
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The primary locale.
    pub fn primary_locale(&self) -> &str {
        &self.primary_locale
    }

    /// `spec/docs`: the docs pages, one folder per locale.
    pub fn docs_dir(&self) -> PathBuf {
        PathBuf::from("spec/docs")
    }

    /// `spec/fragments`: one fragment per endpoint, `<locale>/<tag>/<endpoint>.yaml`.
    pub fn fragments_dir(&self) -> PathBuf {
        PathBuf::from("spec/fragments")
    }

    /// `spec/overrides.yaml`: hand-kept corrections, applied at merge time.
    pub fn overrides_file(&self) -> PathBuf {
        PathBuf::from("spec/overrides.yaml")
    }

    /// `spec/api.lock`: the public names of the generated client, pinned.
    pub fn lock_file(&self) -> PathBuf {
        PathBuf::from("spec/api.lock")
    }

    /// `spec/openapi.json`: the merged document.
    pub fn openapi_file(&self) -> PathBuf {
        PathBuf::from("spec/openapi.json")
    }

    /// `alli-api/src/generated`: the generated Rust modules.
    pub fn generated_dir(&self) -> PathBuf {
        PathBuf::from("alli-api/src/generated")
    }

    /// `alli-api/Cargo.toml`: the generated crate's manifest (its features are generated).
    pub fn crate_manifest(&self) -> PathBuf {
        PathBuf::from("alli-api/Cargo.toml")
    }

    /// `alli-api/public-api.txt`: the generated crate's public API, one item per line.
    pub fn public_api_file(&self) -> PathBuf {
        PathBuf::from("alli-api/public-api.txt")
    }

    /// A project-relative path made absolute.
    pub fn abs(&self, rel: &Path) -> PathBuf {
        self.root.join(rel)
    }

    /// Every file below the project-relative folder `dir`, at any depth, that `keep` accepts:
    /// project-relative paths, in name order. A folder that does not exist holds none.
    pub fn files_under(
        &self,
        dir: &Path,
        keep: &dyn Fn(&Path) -> bool,
    ) -> Result<Vec<PathBuf>, Diagnostic> {
        let mut out = Vec::new();
        self.collect_files(dir, keep, &mut out)?;
        Ok(out)
    }

    fn collect_files(
        &self,
        dir: &Path,
        keep: &dyn Fn(&Path) -> bool,
        out: &mut Vec<PathBuf>,
    ) -> Result<(), Diagnostic> {
        let entries = match fs::read_dir(self.abs(dir)) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error(dir, "read folder", &e)),
        };
        let mut entries = entries
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| io_error(dir, "read folder", &e))?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let rel = dir.join(entry.file_name());
            let ty = entry.file_type().map_err(|e| io_error(&rel, "stat", &e))?;
            if ty.is_dir() {
                self.collect_files(&rel, keep, out)?;
            } else if keep(&rel) {
                out.push(rel);
            }
        }
        Ok(())
    }

    /// `path` relative to the root, if it lies under it.
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(path)
        };
        let root = self.root.canonicalize().ok()?;
        let abs = abs.canonicalize().unwrap_or(abs);
        abs.strip_prefix(&root).ok().map(Path::to_path_buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_under_lists_matching_files_at_any_depth_in_name_order() {
        let root = std::env::temp_dir().join(format!("alli-layout-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for rel in [
            "d/b/2.yaml",
            "d/a.yaml",
            "d/b/1.txt",
            "d/c/3.yaml",
            "d/0.yaml",
        ] {
            let p = root.join(rel);
            fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            fs::write(p, "").expect("write");
        }
        let layout = Layout::new(&root);
        let yaml = |p: &Path| p.extension().is_some_and(|e| e == "yaml");
        let found = layout.files_under(Path::new("d"), &yaml).expect("lists");
        let _ = fs::remove_dir_all(&root);
        let names: Vec<String> = found.iter().map(|p| crate::diag::display_path(p)).collect();
        assert_eq!(names, ["d/0.yaml", "d/a.yaml", "d/b/2.yaml", "d/c/3.yaml"]);
        let missing = layout
            .files_under(Path::new("nowhere"), &yaml)
            .expect("none");
        assert!(missing.is_empty());
    }
}
