//! A throw-away copy of the project's spec folder to run the pipeline against.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use generator::Layout;

/// The real project root.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// A temporary project root holding a copy of chosen project folders; removed on drop.
pub struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    /// A sandbox with copies of `dirs` (project-relative) from the real project, and always
    /// the generated crate's manifest and changelog (regen writes its features, its version
    /// and the changelog).
    pub fn with(dirs: &[&str]) -> Sandbox {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "alli-gen-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).expect("create sandbox");
        for rel in dirs {
            let from = project_root().join(rel);
            if from.is_dir() {
                copy_dir(&from, &root.join(rel));
            } else {
                let to = root.join(rel);
                fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
                fs::copy(&from, &to).expect("copy file");
            }
        }
        // Regen writes the manifest's features and version, and the changelog.
        for rel in ["alli-api/Cargo.toml", "alli-api/CHANGELOG.md"] {
            let to = root.join(rel);
            if !to.exists() {
                fs::create_dir_all(root.join("alli-api")).expect("mkdir");
                fs::copy(project_root().join(rel), &to).expect("copy crate file");
            }
        }
        Sandbox { root }
    }

    /// An empty sandbox.
    pub fn empty() -> Sandbox {
        Sandbox::with(&[])
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn layout(&self) -> Layout {
        Layout::new(&self.root)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Every file below the root with its bytes, to prove a failed run changed nothing.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        snapshot_dir(&self.root, &self.root, &mut out);
        out
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn snapshot_dir(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.expect("entry");
        let path = entry.path();
        if entry.file_type().expect("type").is_dir() {
            snapshot_dir(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).expect("under root").to_path_buf();
            out.insert(rel, fs::read(&path).expect("read"));
        }
    }
}

/// The JSON blocks of a docs page (lines starting with `{` inside ```json fences), parsed.
pub fn json_blocks(page: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            inside = line.trim() == "```json";
            continue;
        }
        if inside && line.starts_with('{') {
            out.push(serde_json::from_str(line).expect("docs JSON block parses"));
        }
    }
    out
}

/// Held while a test runs cargo on a sandbox with the shared target dir
/// `target/impact-test`: cargo names a path package's artifacts without its path, so the
/// sandboxes' `alli-api` builds share one output. One build at a time, each after
/// [`Sandbox::touch_sources`], so a build never takes another sandbox's output for fresh.
pub fn shared_target() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

impl Sandbox {
    /// Marks every Rust source of the sandbox as modified now, so cargo rebuilds the
    /// sandbox's crates whatever the shared target dir holds.
    pub fn touch_sources(&self) {
        fn walk(dir: &Path) {
            for e in fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let f = fs::File::options()
                        .append(true)
                        .open(&p)
                        .expect("open source");
                    f.set_modified(std::time::SystemTime::now())
                        .expect("touch source");
                }
            }
        }
        walk(&self.root);
    }
}

/// The one error of a failed run, printed; fails when there is not exactly one.
pub fn single_error(failure: &generator::Failure) -> String {
    let errors: Vec<String> = failure
        .diagnostics
        .errors()
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors[0].clone()
}

impl Sandbox {
    /// Applies `edit` to every JSON block of the docs pages `pages`.
    pub fn edit_blocks(&self, pages: &[&str], mut edit: impl FnMut(&mut serde_json::Value)) {
        for page in pages {
            let text = self.read(page);
            let out: Vec<String> = text
                .lines()
                .map(|line| {
                    if !line.starts_with('{') {
                        return line.to_owned();
                    }
                    let mut v: serde_json::Value = serde_json::from_str(line).expect("block");
                    edit(&mut v);
                    serde_json::to_string(&v).expect("json")
                })
                .collect();
            self.write(page, &(out.join("\n") + "\n"));
        }
    }

    /// Makes the sandbox a workspace of the given members only (from the project's
    /// `Cargo.toml`).
    pub fn workspace_of(&self, members: &[&str]) {
        let manifest = fs::read_to_string(project_root().join("Cargo.toml")).expect("manifest");
        let list = members
            .iter()
            .map(|m| format!("{m:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let manifest: String = manifest
            .lines()
            .filter(|l| !l.starts_with("default-members"))
            .map(|l| {
                if l.starts_with("members") {
                    format!("members = [{list}]")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        self.write("Cargo.toml", &manifest);
    }
}
