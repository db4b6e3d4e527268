//! Golden tests: small docs pages, one per feature, run through the whole pipeline. The
//! merged document, the diagnostics and the generated Rust are checked in; the Rust is
//! compiled as part of the `alli-api-tests` crate (tests/src/golden/), so a golden file that
//! does not build fails the suite.
//!
//! After an intended change of the output, accept the new files with
//! `GOLDEN=overwrite cargo test -p generator --test pipeline golden` and review the diff.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{Sandbox, project_root};
use generator::codegen::CodegenSettings;

/// PascalCase of a fixture name (`error_bodies` → `ErrorBodies`).
fn pascal(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = project_root().join("generator/tests/golden");
    let mut out: Vec<(String, PathBuf)> = fs::read_dir(&dir)
        .expect("golden fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("page.md").exists())
        .map(|p| {
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                p,
            )
        })
        .collect();
    out.sort();
    out
}

/// Everything one fixture produces: path relative to the project root → contents.
fn produce(name: &str, dir: &Path) -> BTreeMap<PathBuf, String> {
    let sandbox = Sandbox::empty();
    sandbox.write(
        &format!("spec/docs/en/{name}.md"),
        &fs::read_to_string(dir.join("page.md")).expect("page"),
    );
    if let Ok(overrides) = fs::read_to_string(dir.join("overrides.yaml")) {
        sandbox.write("spec/overrides.yaml", &overrides);
    }
    let settings = CodegenSettings::default()
        .with_runtime("alli_api")
        .with_accessor_trait(format!("{}Api", pascal(name)))
        .with_doc_examples(false)
        .with_crate_features(false)
        .with_command("GOLDEN=overwrite cargo test -p generator --test pipeline golden");
    let mut out = BTreeMap::new();
    let fixture_dir = PathBuf::from("generator/tests/golden").join(name);
    match generator::run_with(&sandbox.layout(), &[], &settings) {
        Ok(outputs) => {
            let files = outputs.files.files();
            out.insert(
                fixture_dir.join("openapi.json"),
                files[Path::new("spec/openapi.json")].clone(),
            );
            out.insert(
                fixture_dir.join("public-api.txt"),
                files[Path::new("alli-api/public-api.txt")].clone(),
            );
            out.insert(
                fixture_dir.join("api.lock"),
                files[Path::new("spec/api.lock")].clone(),
            );
            out.insert(
                fixture_dir.join("diagnostics.txt"),
                outputs
                    .warnings
                    .to_string()
                    .replace(&format!("spec/docs/en/{name}.md"), "page.md"),
            );
            for (path, text) in files {
                if let Ok(rel) = path.strip_prefix("alli-api/src/generated") {
                    out.insert(
                        PathBuf::from("tests/src/golden").join(name).join(rel),
                        text.clone(),
                    );
                }
            }
        }
        Err(failure) => {
            out.insert(
                fixture_dir.join("diagnostics.txt"),
                failure.to_string() + "\n",
            );
        }
    }
    out
}

#[test]
fn generated_output_matches_the_checked_in_golden_files() {
    let overwrite = std::env::var("GOLDEN").is_ok_and(|v| v == "overwrite");
    let root = project_root();
    let mut expected: BTreeMap<PathBuf, String> = BTreeMap::new();
    let names: Vec<String> = fixtures().iter().map(|(n, _)| n.clone()).collect();
    for (name, dir) in fixtures() {
        expected.extend(produce(&name, &dir));
    }
    let mut list = String::from(
        "//! Generated code of the generator's golden fixtures (generator/tests/golden), compiled\n//! here so that golden output that does not build fails the suite.\n\n",
    );
    for n in &names {
        list.push_str(&format!("pub mod {n};\n"));
    }
    expected.insert(PathBuf::from("tests/src/golden/mod.rs"), list);

    let mut stale = Vec::new();
    for (rel, text) in &expected {
        let path = root.join(rel);
        let current = fs::read_to_string(&path).ok();
        if current.as_deref() != Some(text.as_str()) {
            if overwrite {
                fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                fs::write(&path, text).expect("write golden file");
            } else {
                stale.push(rel.display().to_string());
            }
        }
    }
    // Files of fixtures that no longer exist.
    let golden_rs = root.join("tests/src/golden");
    if let Ok(entries) = fs::read_dir(&golden_rs) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                for f in fs::read_dir(&p).expect("dir").flatten() {
                    let rel = f.path().strip_prefix(&root).expect("rel").to_path_buf();
                    if !expected.contains_key(&rel) {
                        if overwrite {
                            fs::remove_file(f.path()).expect("remove");
                        } else {
                            stale.push(format!("{} (no longer produced)", rel.display()));
                        }
                    }
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "golden files differ from the generator's output:\n  {}\nreview the change, then accept it with `GOLDEN=overwrite cargo test -p generator --test pipeline golden`",
        stale.join("\n  ")
    );
}
