//! An independent check of the impact report: `cargo-semver-checks` compares the rustdoc JSON
//! of the committed crate with that of the regenerated one.
//!
//! The tool is pinned ([`VERSION`], a release that reads the rustdoc JSON of rustc 1.93+,
//! format v57, as well as v60 and v61) and installed once per machine with `cargo install
//! --locked` into a cache folder ([`install_root`]). Both sides are built by cargo (`cargo rustdoc`, JSON output) as
//! copies of the crate in scratch workspaces that share one target dir, so dependencies are
//! built once; the tool then compares the two JSON files (`--baseline-rustdoc`,
//! `--current-rustdoc`) and never builds anything itself.
//!
//! Both sides are documented with the crate's default features (every resource) plus
//! `full-serde` and `mock`: every generated item — the operations and types the API listing
//! covers, the serde impls `full-serde` adds, and the generated mock layer (`alli_api::mock`,
//! which downstream tests use; the listing covers it too). The TLS features are left out:
//! they choose the HTTP client's TLS backend, generate nothing, and `native-tls` needs the
//! platform's OpenSSL.
//!
//! Breaking, for this check: any lint that requires a major version fails. The release type
//! is fixed to `patch` so every lint runs whatever versions the two sides carry (regen bumps
//! the version, which would otherwise excuse the changes).

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diag::display_path;

/// The pinned version of cargo-semver-checks.
pub const VERSION: &str = "0.51.0";

/// The features both sides are documented with, besides the defaults: every generated item.
pub const FEATURES: &str = "full-serde,mock";

/// Where the tool is installed: `$ALLI_TOOLS_DIR/cargo-semver-checks-<VERSION>`, by default
/// below the user's cache folder (`$XDG_CACHE_HOME` or `~/.cache`, `alli-api-tools/`), so every
/// checkout and worktree on a machine (and CI's fresh clones) shares one build; below the
/// project's `target/` when there is no home folder.
pub fn install_root(project: &Path) -> PathBuf {
    let base = std::env::var_os("ALLI_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .map(|cache| cache.join("alli-api-tools"))
        })
        .unwrap_or_else(|| project.join("target/tools"));
    base.join(format!("cargo-semver-checks-{VERSION}"))
}

/// The installed binary, when the pinned version is there.
pub fn installed(project: &Path) -> Option<PathBuf> {
    let root = install_root(project);
    let bin = root.join("bin").join(if cfg!(windows) {
        "cargo-semver-checks.exe"
    } else {
        "cargo-semver-checks"
    });
    let stamp = fs::read_to_string(root.join(".version")).ok()?;
    (stamp.trim() == VERSION && bin.is_file()).then_some(bin)
}

/// The binary, installed first when the pinned version is not there yet: `cargo install
/// --locked --version VERSION --root <install_root>`, with the tool's release profile relaxed
/// (no LTO, parallel codegen units): it builds in a fraction of the time, and the comparison
/// takes about a second either way.
pub fn ensure_installed(project: &Path) -> Result<PathBuf, String> {
    if let Some(bin) = installed(project) {
        return Ok(bin);
    }
    let root = install_root(project);
    let build = root.join("build");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.args(["install", "--locked", "--version", VERSION, "--root"])
        .arg(&root)
        .arg("cargo-semver-checks")
        // Kept until the install succeeds, so an interrupted one resumes.
        .env("CARGO_TARGET_DIR", &build)
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    eprintln!("$ {cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("error: cannot run cargo install: {e}"))?;
    if !status.success() {
        return Err(format!(
            "error: installing cargo-semver-checks {VERSION} failed ({status})"
        ));
    }
    let _ = fs::remove_dir_all(&build);
    fs::write(root.join(".version"), VERSION)
        .map_err(|e| format!("error: cannot write {}: {e}", root.display()))?;
    installed(project).ok_or_else(|| {
        format!(
            "error: cargo-semver-checks is not in {} after installing it",
            root.display()
        )
    })
}

/// A scratch workspace holding a copy of the crate, documented with `cargo rustdoc`.
#[derive(Debug)]
pub struct Scratch {
    root: PathBuf,
}

impl Scratch {
    /// A workspace at `dir` (emptied first) whose only member is a copy of `crate_dir`
    /// (project-relative, e.g. `alli-api`) from `project`: the project's `Cargo.toml` with the
    /// members narrowed, its `Cargo.lock`, and the crate's manifest and `src/`, with those of
    /// the workspace crates it depends on by path (`alli-api-runtime`; cargo makes them members).
    pub fn copy_of(project: &Path, crate_dir: &str, dir: &Path) -> Result<Scratch, String> {
        let _ = fs::remove_dir_all(dir);
        let io = |what: &str, p: &Path, e: std::io::Error| {
            format!("error: cannot {what} {}: {e}", p.display())
        };
        fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
        let manifest = project.join("Cargo.toml");
        let text = fs::read_to_string(&manifest).map_err(|e| io("read", &manifest, e))?;
        let text: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with("default-members"))
            .map(|l| {
                if l.starts_with("members") {
                    format!("members = [\"{crate_dir}\"]")
                } else {
                    l.to_owned()
                }
            })
            .collect();
        fs::write(dir.join("Cargo.toml"), text.join("\n") + "\n")
            .map_err(|e| io("write", dir, e))?;
        let lock = project.join("Cargo.lock");
        if lock.is_file() {
            fs::copy(&lock, dir.join("Cargo.lock")).map_err(|e| io("copy", &lock, e))?;
        }
        let from = project.join(crate_dir);
        let manifest = from.join("Cargo.toml");
        let text = fs::read_to_string(&manifest).map_err(|e| io("read", &manifest, e))?;
        let siblings = crate::manifest::sibling_path_dependencies(&text);
        for krate in std::iter::once(crate_dir).chain(siblings.iter().map(String::as_str)) {
            let (from, to) = (project.join(krate), dir.join(krate));
            fs::create_dir_all(&to).map_err(|e| io("create", &to, e))?;
            fs::copy(from.join("Cargo.toml"), to.join("Cargo.toml"))
                .map_err(|e| io("copy", &from, e))?;
            copy_dir(&from.join("src"), &to.join("src"))?;
        }
        Ok(Scratch {
            root: dir.to_path_buf(),
        })
    }

    /// The workspace root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `text` at the project-relative `path`.
    pub fn write(&self, path: &Path, text: &str) -> Result<(), String> {
        let p = self.root.join(path);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("error: cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&p, text).map_err(|e| format!("error: cannot write {}: {e}", p.display()))
    }

    /// Removes every `*.rs` file below the project-relative `dir` that `keep` rejects.
    pub fn prune(&self, dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<(), String> {
        let layout = crate::Layout::new(&self.root);
        let rs = |p: &Path| p.extension().is_some_and(|e| e == "rs");
        for file in layout.files_under(dir, &rs).map_err(|d| d.to_string())? {
            if !keep(&file) {
                fs::remove_file(self.root.join(&file))
                    .map_err(|e| format!("error: cannot remove {}: {e}", file.display()))?;
            }
        }
        Ok(())
    }

    /// `cargo rustdoc` of `package` with JSON output into `target_dir`; the JSON is copied to
    /// `out`. Sources are marked modified first: cargo names a path package's output without
    /// its path, so another copy's build in the same target dir must not pass for fresh. Do
    /// not run two at once on one target dir.
    pub fn rustdoc_json(
        &self,
        package: &str,
        target_dir: &Path,
        out: &Path,
    ) -> Result<std::time::Duration, String> {
        touch_sources(&self.root);
        let started = std::time::Instant::now();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .args([
                "rustdoc",
                "--quiet",
                "--offline",
                "--lib",
                "-p",
                package,
                "--features",
                FEATURES,
                "--",
                "-Z",
                "unstable-options",
                "--output-format",
                "json",
            ])
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", target_dir)
            // rustdoc's JSON output is unstable; stable rustc allows it under this switch,
            // as cargo-semver-checks itself does.
            .env("RUSTC_BOOTSTRAP", "1")
            .env_remove("RUSTDOCFLAGS")
            .output()
            .map_err(|e| format!("error: cannot run cargo rustdoc: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "error: cargo rustdoc of {} failed:\n{}",
                self.root.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let json = target_dir
            .join("doc")
            .join(format!("{}.json", package.replace('-', "_")));
        fs::copy(&json, out).map_err(|e| format!("error: cannot copy {}: {e}", json.display()))?;
        Ok(started.elapsed())
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("error: cannot create {}: {e}", to.display()))?;
    let entries =
        fs::read_dir(from).map_err(|e| format!("error: cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("error: cannot read {}: {e}", from.display()))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            fs::copy(&src, &dst)
                .map_err(|e| format!("error: cannot copy {}: {e}", src.display()))?;
        }
    }
    Ok(())
}

fn touch_sources(dir: &Path) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "target") {
                touch_sources(&p);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            if let Ok(f) = fs::File::options().append(true).open(&p) {
                let _ = f.set_modified(std::time::SystemTime::now());
            }
        }
    }
}

/// A comparison of two builds of the crate.
#[derive(Debug, Clone)]
pub struct Run {
    /// What the tool found.
    pub verdict: Verdict,
    /// How long documenting the baseline took (zero when an earlier one was reused).
    pub baseline_doc: std::time::Duration,
    /// How long documenting the current crate took.
    pub current_doc: std::time::Duration,
}

impl Run {
    /// `rustdoc JSON: baseline 41.2 s, regenerated 12.3 s; comparison 3.1 s`.
    pub fn timing(&self) -> String {
        format!(
            "time: rustdoc JSON of the committed crate {:.1} s, of the regenerated one {:.1} s; comparison {:.1} s",
            self.baseline_doc.as_secs_f64(),
            self.current_doc.as_secs_f64(),
            self.verdict.elapsed.as_secs_f64()
        )
    }
}

/// A scratch copy of the project's crate with the files of a pipeline run written over it
/// (generated modules it no longer produces removed).
pub fn regenerated(
    layout: &crate::Layout,
    files: &crate::FileSet,
    dir: &Path,
) -> Result<Scratch, String> {
    let crate_dir = layout.crate_dir();
    let scratch = Scratch::copy_of(layout.root(), &display_path(&crate_dir), dir)?;
    for (path, text) in files.files() {
        if path.starts_with(&crate_dir) {
            scratch.write(path, text)?;
        }
    }
    scratch.prune(&layout.generated_dir(), &|p| files.get(p).is_some())?;
    Ok(scratch)
}

/// `cargo xtask check --impact`'s independent half: the committed crate (a copy of what is
/// checked in) against the regenerated one (the run's files written over a copy), both
/// documented in `work` (`baseline/`, `current/`, one shared `target/`), then compared.
pub fn check_regenerated(
    layout: &crate::Layout,
    outputs: &crate::Outputs,
    bin: &Path,
    work: &Path,
) -> Result<Run, String> {
    let package = display_path(&layout.crate_dir());
    let target = work.join("target");
    let baseline = Scratch::copy_of(layout.root(), &package, &work.join("baseline"))?;
    let baseline_json = work.join("baseline.json");
    let baseline_doc = baseline.rustdoc_json(&package, &target, &baseline_json)?;
    let current = regenerated(layout, &outputs.files, &work.join("current"))?;
    let current_json = work.join("current.json");
    let current_doc = current.rustdoc_json(&package, &target, &current_json)?;
    let verdict = compare(bin, &baseline_json, &current_json)?;
    Ok(Run {
        verdict,
        baseline_doc,
        current_doc,
    })
}

/// One lint that fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    /// The lint's id, e.g. `function_missing`.
    pub id: String,
    /// Whether it requires a major version (else a minor one).
    pub major: bool,
    /// What it found, one line per item (`function alli_api::x, previously in file ...`).
    pub items: Vec<String>,
}

/// What cargo-semver-checks found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Every lint that fired.
    pub lints: Vec<Lint>,
    /// How long the comparison took.
    pub elapsed: std::time::Duration,
}

impl Verdict {
    /// Whether a lint requiring a major version fired.
    pub fn is_breaking(&self) -> bool {
        self.lints.iter().any(|l| l.major)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lints.is_empty() {
            return writeln!(
                f,
                "cargo-semver-checks {VERSION}: no semver update required"
            );
        }
        let level = if self.is_breaking() { "major" } else { "minor" };
        writeln!(
            f,
            "cargo-semver-checks {VERSION}: requires a {level} update ({} lints fired)",
            self.lints.len()
        )?;
        for lint in &self.lints {
            let level = if lint.major { "major" } else { "minor" };
            writeln!(f, "  {level}: {}", lint.id)?;
            for item in &lint.items {
                writeln!(f, "      {item}")?;
            }
        }
        Ok(())
    }
}

/// Runs the tool on two rustdoc JSON files.
pub fn compare(bin: &Path, baseline: &Path, current: &Path) -> Result<Verdict, String> {
    let started = std::time::Instant::now();
    let output = Command::new(bin)
        .args([
            "semver-checks",
            "check-release",
            "--verbose",
            "--color",
            "never",
        ])
        .arg("--baseline-rustdoc")
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        .args(["--release-type", "patch"])
        .output()
        .map_err(|e| format!("error: cannot run {}: {e}", bin.display()))?;
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lints = parse_report(&stdout, &stderr);
    // Exit 1 with lints is the tool's "semver update required"; anything else is a failure.
    if !output.status.success() && lints.is_empty() {
        return Err(format!(
            "error: cargo-semver-checks failed ({}) comparing {} with {}:\n{stderr}",
            output.status,
            display_path(baseline),
            display_path(current)
        ));
    }
    Ok(Verdict { lints, elapsed })
}

/// The lints of a report: ids and levels from the verbose status lines (`FAIL [0.003s] major
/// function_missing`), items from the `--- failure id: ... ---` sections.
fn parse_report(stdout: &str, stderr: &str) -> Vec<Lint> {
    let mut lints: Vec<Lint> = Vec::new();
    for line in stderr.lines().chain(stdout.lines()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| *w == "FAIL" || *w == "WARN") else {
            continue;
        };
        // `FAIL [ 0.003s] major function_missing`: the time may hold a space.
        let rest: Vec<&str> = words[at + 1..]
            .iter()
            .skip_while(|w| !w.ends_with(']'))
            .skip(1)
            .copied()
            .collect();
        if let [level @ ("major" | "minor"), id] = rest.as_slice() {
            lints.push(Lint {
                id: (*id).to_owned(),
                major: *level == "major",
                items: Vec::new(),
            });
        }
    }
    let mut current: Option<usize> = None;
    let mut in_items = false;
    for line in stdout.lines() {
        if let Some(rest) = line
            .strip_prefix("--- failure ")
            .or_else(|| line.strip_prefix("--- warning "))
        {
            let id = rest.split(':').next().unwrap_or_default();
            current = lints.iter().position(|l| l.id == id);
            in_items = false;
        } else if line.trim() == "Failed in:" {
            in_items = true;
        } else if line.trim().is_empty() {
            in_items = false;
        } else if let (true, Some(i)) = (in_items, current) {
            lints[i].items.push(line.trim().to_owned());
        }
    }
    lints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lints_and_their_items() {
        let stderr = "     Parsing alli-api v0.1.0 (current)\n        PASS [   0.001s]       major        enum_missing\n        FAIL [   0.003s]       major        function_missing\n        WARN [   0.010s]       minor        function_marked_deprecated\n";
        let stdout = "\n--- failure function_missing: pub fn removed or renamed ---\n\nDescription:\nA function ...\n        impl: https://x\n\nFailed in:\n  function alli_api::a::b, previously in file /x/y.rs:10\n  function alli_api::a::c, previously in file /x/y.rs:12\n\n--- warning function_marked_deprecated: function #[deprecated] added ---\n\nFailed in:\n  function alli_api::d in file /x/z.rs:3\n";
        let lints = parse_report(stdout, stderr);
        assert_eq!(lints.len(), 2, "{lints:?}");
        assert_eq!(lints[0].id, "function_missing");
        assert!(lints[0].major);
        assert_eq!(lints[0].items.len(), 2);
        assert!(!lints[1].major);
        assert_eq!(
            lints[1].items,
            ["function alli_api::d in file /x/z.rs:3".to_owned()]
        );
        let verdict = Verdict {
            lints,
            elapsed: std::time::Duration::ZERO,
        };
        assert!(verdict.is_breaking());
    }
}
