//! Scratch copies of the workspace, one per worker, reset for every document.
//!
//! A copy holds the root manifest, `Cargo.lock`, `.cargo/` and every crate of the workspace
//! (without `target/` or `node_modules/`), so `cargo build -p alli-api` in it builds exactly what
//! the real workspace would. Before each document its project files are reset to what a fresh
//! project has: `spec/docs/en/` holds the document's pages and nothing else exists under
//! `spec/` (no fragments, no `openapi.json`, no `overrides.yaml`), `alli-api/src/generated/`
//! is empty and there is no `alli-api/public-api.txt` (no previous API whose names or impact
//! the run would follow). The checked-in tree is never written.

use std::fs;
use std::path::{Path, PathBuf};

/// Copies `from` into `to` recursively, skipping entries named in `skip`.
pub fn copy_dir(from: &Path, to: &Path, skip: &[&str]) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let src = entry.path();
        let dst = to.join(&name);
        let ty = entry.file_type()?;
        if ty.is_dir() {
            copy_dir(&src, &dst, skip)?;
        } else if ty.is_file() {
            fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

/// The workspace's crates (every top-level dir with a `Cargo.toml`, without `target/`), the
/// root manifest, `Cargo.lock` and `.cargo/`, copied into `to`: a workspace that builds like
/// the one at `root`.
pub fn copy_workspace_sources(root: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for file in ["Cargo.toml", "Cargo.lock"] {
        fs::copy(root.join(file), to.join(file))?;
    }
    if root.join(".cargo").is_dir() {
        copy_dir(&root.join(".cargo"), &to.join(".cargo"), &[])?;
    }
    for entry in fs::read_dir(root)?.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || !path.is_dir() || !path.join("Cargo.toml").is_file() {
            continue;
        }
        copy_dir(&path, &to.join(&name), &["target", "node_modules"])?;
    }
    Ok(())
}

/// One worker's scratch workspace.
#[derive(Debug)]
pub struct Scratch {
    /// The copy's root.
    pub root: PathBuf,
    /// The cargo target dir of its builds.
    pub cargo_target: PathBuf,
}

impl Scratch {
    /// A fresh copy of the workspace at `root`, in `dir` (emptied first), built into
    /// `cargo_target`.
    pub fn create(root: &Path, dir: &Path, cargo_target: PathBuf) -> Result<Self, String> {
        let _ = fs::remove_dir_all(dir);
        copy_workspace_sources(root, dir)
            .map_err(|e| format!("cannot copy the workspace into {}: {e}", dir.display()))?;
        Ok(Scratch {
            root: dir.to_path_buf(),
            cargo_target,
        })
    }

    /// Resets the project files to a fresh project whose docs are `pages`
    /// (`(file name, markdown)`, stored under `spec/docs/en/`).
    pub fn reset(&self, pages: &[(String, String)]) -> Result<(), String> {
        let io = |what: &Path, e: std::io::Error| format!("{}: {e}", what.display());
        let spec = self.root.join("spec");
        let generated = self.root.join("alli-api/src/generated");
        for dir in [&spec, &generated] {
            match fs::remove_dir_all(dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(dir, e)),
            }
        }
        let listing = self.root.join("alli-api/public-api.txt");
        match fs::remove_file(&listing) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&listing, e)),
        }
        fs::create_dir_all(&generated).map_err(|e| io(&generated, e))?;
        let docs = spec.join("docs/en");
        fs::create_dir_all(&docs).map_err(|e| io(&docs, e))?;
        for (name, text) in pages {
            let path = docs.join(name);
            fs::write(&path, text).map_err(|e| io(&path, e))?;
        }
        Ok(())
    }

    /// Copies what a document's regen produced (`spec/`, `alli-api/src/generated/`) into
    /// `to`, to read after the run.
    pub fn keep(&self, to: &Path) -> Result<(), String> {
        let _ = fs::remove_dir_all(to);
        for rel in ["spec", "alli-api/src/generated"] {
            let from = self.root.join(rel);
            if from.is_dir() {
                copy_dir(&from, &to.join(rel), &[])
                    .map_err(|e| format!("cannot keep {}: {e}", from.display()))?;
            }
        }
        Ok(())
    }
}
