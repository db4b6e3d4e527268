//! Maintainer commands. Thin: parses arguments and calls the `generator` library.
//!
//! ```text
//! cargo xtask import [--locale L] [PAGE_OR_URL ...]   docs pages → spec/fragments
//! cargo xtask regen                                    import + merge + generate, write all
//! cargo xtask check [--impact]                         fail when anything checked in is stale
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::{Layout, PageSource};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  import [--locale L] [PAGE_OR_URL ...]
      Re-import every page under spec/docs/ (no argument), or store the given pages
      (files or http(s) URLs) under spec/docs/<L>/ first (L defaults to the primary
      locale, en) and import them. Prints each endpoint added / changed / unchanged / removed.
  regen
      Import, merge and generate: writes spec/fragments/, spec/openapi.json and
      alli-api/src/generated/. Nothing is written unless every stage succeeds.
  check
      Run the pipeline in memory; exit 1 and list every stale file if anything checked
      in differs from what regen would write.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let layout = Layout::new(project_root());
    let result = match args.first().map(String::as_str) {
        Some("import") => import(&layout, &args[1..]),
        Some("regen") if args.len() == 1 => regen(&layout),
        Some("check") if args.len() == 1 => check(&layout),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("{USAGE}\nerror: unknown command or arguments: {}", args.join(" "))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives in `<root>/xtask`.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn import(layout: &Layout, args: &[String]) -> Result<(), String> {
    let mut locale = None;
    let mut sources = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--locale" => {
                let value = iter.next().ok_or("error: --locale needs a value")?;
                locale = Some(value.clone());
            }
            flag if flag.starts_with("--") => return Err(format!("error: unknown option {flag}\n\n{USAGE}")),
            page => sources.push(PageSource::parse(page)),
        }
    }
    if locale.is_some() && sources.is_empty() {
        return Err("error: --locale applies to pages given as arguments".to_owned());
    }
    let applied = generator::import_only(layout, &sources, locale.as_deref()).map_err(|f| f.to_string())?;
    print!("{}", applied.warnings);
    for line in &applied.fragment_report {
        println!("{line}");
    }
    println!("{}", applied.summary);
    Ok(())
}

fn regen(layout: &Layout) -> Result<(), String> {
    let applied = generator::regen(layout, &[], None).map_err(|f| f.to_string())?;
    print!("{}", applied.warnings);
    for (path, change) in &applied.changes {
        println!("{:<9} {}", change.as_str(), generator::output::show(path));
    }
    println!("{}", applied.summary);
    Ok(())
}

fn check(layout: &Layout) -> Result<(), String> {
    let warnings = generator::check(layout).map_err(|f| f.to_string())?;
    if !warnings.is_empty() {
        eprint!("{warnings}");
    }
    println!("everything checked in is up to date ({})", warnings.summary());
    Ok(())
}
