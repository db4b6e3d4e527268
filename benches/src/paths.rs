//! Where things are: the workspace, the cargo target dir, the benches' scratch and result dirs.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of `benches/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// The cargo target dir the running bench was built in: `CARGO_TARGET_DIR` when set, else
/// found from the bench executable (`<target>/<profile>/deps/<bench>-<hash>`), else
/// `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        return if dir.is_absolute() {
            dir
        } else {
            workspace_root().join(dir)
        };
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let deps = exe.parent()?;
            (deps.file_name()? == "deps").then(|| deps.parent()?.parent().map(Path::to_path_buf))?
        })
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// A scratch dir of one bench, `<target>/bench-work/<name>`, emptied first.
pub fn fresh_work_dir(name: &str) -> PathBuf {
    let dir = target_dir().join("bench-work").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// A scratch dir kept between runs (tools, warmed-up builds): `<target>/bench-work/<name>`.
pub fn kept_work_dir(name: &str) -> PathBuf {
    let dir = target_dir().join("bench-work").join(name);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Where each bench writes its results (`<target>/bench-results/<bench>.json`).
pub fn results_dir() -> PathBuf {
    let dir = target_dir().join("bench-results");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// The `cargo` that built the bench (`CARGO` is set by `cargo bench`), else `cargo`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}
