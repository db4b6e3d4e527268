//! Where things live in the project, relative to its root.
//!
//! Every path the pipeline reads, writes or prints is relative to the project root, so the
//! output is the same whatever the working directory.

use std::path::{Path, PathBuf};

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
