//! `alli-bench-progenitor <openapi-3.0.json> <out-dir> <crate-name> <positional|builder>`
//!
//! Writes the crate progenitor generates from an OpenAPI 3.0 document: `<out-dir>/Cargo.toml`
//! and `<out-dir>/src/lib.rs`, what `cargo progenitor -i .. -o .. -n .. -v 0.1.0 --interface ..`
//! writes, except that the code is formatted with prettyplease (the formatter alli-api's
//! generator uses, so the two crates' line counts compare) instead of rustfmt, and the runtime
//! crate `progenitor-client` is pinned to the version of the generator (`=`), as cargo-progenitor
//! does for release builds with `^`.

use std::path::Path;
use std::process::ExitCode;

use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

/// The version of progenitor (generator and `progenitor-client`), as pinned in Cargo.toml.
const PROGENITOR: &str = "0.15.1";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out, name, interface] = args.as_slice() else {
        eprintln!(
            "usage: alli-bench-progenitor <openapi-3.0.json> <out-dir> <crate-name> <positional|builder>"
        );
        return ExitCode::from(2);
    };
    match run(Path::new(input), Path::new(out), name, interface) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: &Path, out: &Path, name: &str, interface: &str) -> Result<(), String> {
    let interface = match interface {
        "positional" => InterfaceStyle::Positional,
        "builder" => InterfaceStyle::Builder,
        other => return Err(format!("unknown interface style {other:?}")),
    };
    let text = std::fs::read_to_string(input)
        .map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let spec: openapiv3::OpenAPI = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not an OpenAPI 3.0 document: {e}", input.display()))?;
    let mut generator = Generator::new(
        GenerationSettings::default()
            .with_interface(interface)
            .with_tag(TagStyle::Merged),
    );
    let tokens = generator
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor: {e}"))?;
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor's output does not parse: {e}"))?;
    let code = prettyplease::unparse(&file);

    let src = out.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("cannot create {}: {e}", src.display()))?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n",
        dependencies(&generator).join("\n")
    );
    for (path, text) in [
        (out.join("Cargo.toml"), manifest),
        (src.join("lib.rs"), code),
    ] {
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// The dependencies cargo-progenitor 0.15.1 writes for a crate that depends on
/// `progenitor-client` (its `dependencies` function), in the same order.
fn dependencies(generator: &Generator) -> Vec<String> {
    let types = generator.get_type_space();
    let mut deps = vec![
        "bytes = \"1.9\"".to_owned(),
        "futures-core = \"0.3\"".to_owned(),
        "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\"] }".to_owned(),
        "serde = { version = \"1.0\", features = [\"derive\"] }".to_owned(),
        "serde_urlencoded = \"0.7\"".to_owned(),
        format!("progenitor-client = \"={PROGENITOR}\""),
    ];
    if types.uses_regress() {
        deps.push("regress = \"0.10\"".to_owned());
    }
    if types.uses_uuid() {
        deps.push("uuid = { version = \"1.0\", features = [\"serde\", \"v4\"] }".to_owned());
    }
    if types.uses_chrono() {
        deps.push(
            "chrono = { version = \"0.4\", default-features = false, features = [\"serde\"] }"
                .to_owned(),
        );
    }
    if generator.uses_futures() {
        deps.push("futures = \"0.3\"".to_owned());
    }
    if generator.uses_websockets() {
        deps.push("base64 = \"0.22\"".to_owned());
        deps.push("rand = \"0.8\"".to_owned());
    }
    if types.uses_serde_json() {
        deps.push("serde_json = \"1.0\"".to_owned());
    }
    deps.sort_unstable();
    deps
}
