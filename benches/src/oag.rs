//! The reference generator, as the benches use it: [`corpus::oag`] installed into the benches'
//! kept work dir, generating the `rust` client (package `alli_oag`) of `spec/openapi.json`.

use std::path::Path;
use std::process::{Command, Stdio};

pub use corpus::oag::Oag;

/// The crate name of the generated client.
const PACKAGE: &str = "alli_oag";

/// Finds the CLI (`OPENAPI_GENERATOR_CLI`, else the benches' own venv), installing it from
/// `benches/requirements.txt` into `<target>/bench-work/tools/oag-venv` when missing. `Err`
/// says why it cannot run here.
pub fn find_or_install() -> Result<Oag, String> {
    corpus::oag::find_or_install(
        &crate::paths::kept_work_dir("tools").join("oag-venv"),
        &crate::paths::workspace_root().join("benches/requirements.txt"),
    )
}

/// The command generating the client of `spec` into `out` through the CLI wrapper.
pub fn generate_cmd(o: &Oag, spec: &Path, out: &Path) -> Command {
    o.generate_cmd(spec, out, PACKAGE)
}

/// The same through `java -jar` directly (no Python start-up).
pub fn generate_cmd_java(o: &Oag, spec: &Path, out: &Path) -> Option<Command> {
    o.generate_cmd_java(spec, out, PACKAGE)
}

/// Generates the client into `out`, quietly; panics on failure.
pub fn generate(o: &Oag, spec: &Path, out: &Path) {
    let _ = std::fs::remove_dir_all(out);
    let output = generate_cmd(o, spec, out)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", o.cli.display()));
    assert!(
        output.status.success(),
        "openapi-generator failed:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        out.join("src/lib.rs").is_file(),
        "openapi-generator wrote no src/lib.rs"
    );
}
