//! Copies of the project, so benches never write into the working tree.

use std::fs;
use std::path::Path;

/// Copies `from` to `to` recursively, skipping entries named in `skip`.
pub fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    let entries =
        fs::read_dir(from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let src = entry.path();
        let dst = to.join(&name);
        let ty = entry
            .file_type()
            .unwrap_or_else(|e| panic!("cannot stat {}: {e}", src.display()));
        if ty.is_dir() {
            copy_dir(&src, &dst, skip);
        } else if ty.is_file() {
            fs::copy(&src, &dst).unwrap_or_else(|e| panic!("cannot copy {}: {e}", src.display()));
        }
    }
}

/// What the generator reads and writes: `spec/` and `alli-api/src/generated/`, copied from
/// the workspace into `to` (a project root for `generator::Layout::new` / `ALLI_PROJECT_ROOT`).
pub fn copy_generator_project(to: &Path) {
    let root = crate::paths::workspace_root();
    copy_dir(&root.join("spec"), &to.join("spec"), &[]);
    copy_dir(
        &root.join("alli-api/src/generated"),
        &to.join("alli-api/src/generated"),
        &[],
    );
}

/// The workspace's crates (every top-level dir with a `Cargo.toml`, without `target/`), the
/// root manifest, `Cargo.lock` and `.cargo/`, copied into `to`: a workspace that builds like
/// the real one, whose files a bench may touch.
pub fn copy_workspace_sources(to: &Path) {
    let root = crate::paths::workspace_root();
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    for file in ["Cargo.toml", "Cargo.lock"] {
        fs::copy(root.join(file), to.join(file))
            .unwrap_or_else(|e| panic!("cannot copy {file}: {e}"));
    }
    if root.join(".cargo").is_dir() {
        copy_dir(&root.join(".cargo"), &to.join(".cargo"), &[]);
    }
    let entries = fs::read_dir(&root).unwrap_or_else(|e| panic!("cannot read the workspace: {e}"));
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || !path.is_dir() || !path.join("Cargo.toml").is_file() {
            continue;
        }
        copy_dir(&path, &to.join(&name), &["target", "node_modules"]);
    }
}
