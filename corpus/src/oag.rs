//! The reference generator: `openapi-generator-cli` (PyPI, pinned with its hash in
//! `benches/requirements.txt`; the wheel bundles `openapi-generator.jar`, which runs on the
//! machine's Java), generating its `rust` client.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A usable openapi-generator: the CLI wrapper as installed, and its jar.
#[derive(Debug, Clone)]
pub struct Oag {
    /// The `openapi-generator-cli` executable (Python wrapper that runs `java -jar`).
    pub cli: PathBuf,
    /// The bundled `openapi-generator.jar`, when found.
    pub jar: Option<PathBuf>,
    /// `java -version`'s first line.
    pub java: String,
    /// The generator's version (`openapi-generator-cli version`).
    pub version: String,
}

/// Finds the CLI (`OPENAPI_GENERATOR_CLI`, else `<venv>/bin/openapi-generator-cli`),
/// installing it from `requirements` into `venv` when missing. `Err` says why it cannot run.
pub fn find_or_install(venv: &Path, requirements: &Path) -> Result<Oag, String> {
    let java = Command::new("java").arg("-version").output().map_err(|e| {
        format!("no Java runtime (`java -version`: {e}); openapi-generator needs one")
    })?;
    let java = String::from_utf8_lossy(&java.stderr)
        .lines()
        .next()
        .unwrap_or("java")
        .to_owned();
    let cli = match std::env::var_os("OPENAPI_GENERATOR_CLI") {
        Some(p) => PathBuf::from(p),
        None => {
            let cli = venv.join("bin/openapi-generator-cli");
            if !cli.is_file() {
                install(venv, requirements)?;
            }
            cli
        }
    };
    let out = Command::new(&cli)
        .arg("version")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", cli.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} version failed: {}",
            cli.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let jar = find_jar(&cli);
    Ok(Oag {
        cli,
        jar,
        java,
        version,
    })
}

fn install(venv: &Path, requirements: &Path) -> Result<(), String> {
    eprintln!(
        "installing openapi-generator-cli into {} (from {})",
        venv.display(),
        requirements.display()
    );
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv)
        .status()
        .map_err(|e| format!("cannot run python3 -m venv: {e}"))?;
    if !ok.success() {
        return Err(format!("python3 -m venv {} failed", venv.display()));
    }
    let ok = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(requirements)
        .status()
        .map_err(|e| format!("cannot run pip: {e}"))?;
    if !ok.success() {
        return Err(format!(
            "pip install -r {} failed (is PyPI reachable?)",
            requirements.display()
        ));
    }
    Ok(())
}

/// `<venv>/lib/python*/site-packages/openapi_generator_cli/openapi-generator.jar`.
fn find_jar(cli: &Path) -> Option<PathBuf> {
    let venv = cli.parent()?.parent()?;
    let lib = venv.join("lib");
    std::fs::read_dir(lib).ok()?.flatten().find_map(|e| {
        let jar = e
            .path()
            .join("site-packages/openapi_generator_cli/openapi-generator.jar");
        jar.is_file().then_some(jar)
    })
}

impl Oag {
    /// The command generating the `rust` client of `spec` (crate `package`) into `out`
    /// through the CLI wrapper.
    pub fn generate_cmd(&self, spec: &Path, out: &Path, package: &str) -> Command {
        let mut cmd = Command::new(&self.cli);
        generate_args(&mut cmd, spec, out, package);
        cmd
    }

    /// The same through `java -jar` directly (no Python start-up).
    pub fn generate_cmd_java(&self, spec: &Path, out: &Path, package: &str) -> Option<Command> {
        let mut cmd = Command::new("java");
        cmd.arg("-jar").arg(self.jar.as_ref()?);
        generate_args(&mut cmd, spec, out, package);
        Some(cmd)
    }
}

/// The crate is named `package`, version 0.1.0: by default openapi-generator takes the
/// document's `info.version` for the crate version, and a version Cargo rejects
/// (`2017-05-31`, `2.x`) would fail the build before any code is compiled.
fn generate_args(cmd: &mut Command, spec: &Path, out: &Path, package: &str) {
    cmd.args(["generate", "-g", "rust"])
        .arg(format!(
            "--additional-properties=packageName={package},packageVersion=0.1.0"
        ))
        .arg("-i")
        .arg(spec)
        .arg("-o")
        .arg(out);
}
