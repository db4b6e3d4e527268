//! Copies of the project, so benches never write into the working tree.

use std::path::Path;

/// Copies `from` to `to` recursively, skipping entries named in `skip`; panics on error.
pub fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    corpus::scratch::copy_dir(from, to, skip)
        .unwrap_or_else(|e| panic!("cannot copy {} to {}: {e}", from.display(), to.display()));
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
    corpus::scratch::copy_workspace_sources(&crate::paths::workspace_root(), to)
        .unwrap_or_else(|e| panic!("cannot copy the workspace into {}: {e}", to.display()));
}
