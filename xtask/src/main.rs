//! Maintainer commands. Thin: parses arguments and calls the `generator` library.
//!
//! ```text
//! cargo xtask import [--locale L] [PAGE_OR_URL ...]   docs pages → spec/fragments
//! cargo xtask import --refresh                         download the pages spec/sources.yaml lists again
//! cargo xtask regen                                    import + merge + generate, write all
//! cargo xtask check [--impact [--report FILE] [--no-semver-checks]]
//!                                                      fail when anything checked in is stale
//! cargo xtask release [--date YYYY-MM-DD]              [Unreleased] → the crate's version
//! cargo xtask test [ARGS ...]                          install pinned checkers, run all tests
//! cargo xtask lint                                     rustfmt, clippy and rustdoc, warnings denied
//! cargo xtask corpus [OPTIONS]                          the generator on real-world OpenAPI documents
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use generator::{Layout, PageSource};

#[cfg(test)]
mod workflows;

/// Regeneration allocates millions of small objects; mimalloc runs it about twice as fast as
/// the system allocator on large doc sets (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  import [--locale L] [PAGE_OR_URL ...]
      Re-import every page under spec/docs/ (no argument), or store the given pages
      (files or http(s) URLs) under spec/docs/<L>/ first (L defaults to the primary
      locale, en) and import them; the URL of a downloaded page is recorded in
      spec/sources.yaml. Prints each endpoint added / changed / unchanged / removed.
  import --refresh
      Download every page spec/sources.yaml lists again from its URL and import them all.
  regen
      Import, merge and generate: writes spec/fragments/, spec/openapi.json,
      alli-api/src/generated/, spec/api.lock, alli-api/public-api.txt, the crate's features
      and version (alli-api/Cargo.toml) and the [Unreleased] section of
      alli-api/CHANGELOG.md. Nothing is written unless every stage succeeds.
  check [--impact [--report FILE] [--no-semver-checks]]
      Run the pipeline in memory; exit 1 and list every stale file if anything checked
      in differs from what regen would write, or if the crate's version is not bumped
      for the changes the changelog lists since the last release. With --impact, print
      what regen would change in the Rust API (breaking or not), the version it would
      set, and cargo-semver-checks's comparison of the committed crate with the
      regenerated one (installed once per machine into ~/.cache/alli-api-tools/ or
      $ALLI_TOOLS_DIR on first use; skipped with --no-semver-checks); --report FILE also writes that report as Markdown (a
      pull request body).
  release [--date YYYY-MM-DD]
      Move the [Unreleased] section of alli-api/CHANGELOG.md under the crate's version,
      dated today (UTC) or --date. Refuses when anything is stale or nothing is unreleased.
      Then commit, and tag the commit alli-api-v<version>.
  test [ARGS ...]
      Install the pinned third-party checkers if missing (Prism and Redocly from
      tools/package-lock.json, openapi-spec-validator from tools/requirements.txt into
      .venv/, schemathesis from tools/requirements-schemathesis.txt into .venv-st/,
      cargo-semver-checks into ~/.cache/alli-api-tools/ or $ALLI_TOOLS_DIR), then run
      `cargo test --workspace [ARGS ...]`.
  lint
      `cargo fmt --all --check`, `cargo clippy --workspace --all-targets --features
      alli-api/mock -- -D warnings`, `cargo clippy -p alli-api --lib
      --no-default-features` with no resource feature and with each one alone, each with
      and without `mock` (every feature subset a downstream crate may pick builds), and
      `cargo doc --workspace --no-deps --features alli-api/mock` with RUSTDOCFLAGS=-D
      warnings: the generated crate, the runtime, the generator and the tests stay
      warning-free.
  corpus [OPTIONS]
      Run the generator (and openapi-generator) on real-world OpenAPI documents split
      into docs pages: @readme/oas-examples and an APIs.guru sample, each regenerated and
      built in a scratch copy of the workspace; report in target/corpus/. Runs the `corpus`
      crate's binary: `cargo xtask corpus --help` lists the options.
";

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cmd {
    Import {
        locale: Option<String>,
        sources: Vec<PageSource>,
    },
    Refresh,
    Regen,
    Check,
    Impact {
        report: Option<PathBuf>,
        semver_checks: bool,
    },
    Release {
        date: Option<String>,
    },
    Test(Vec<String>),
    Lint,
    Corpus(Vec<String>),
    Help,
}

/// Reads the arguments after `cargo xtask`.
fn parse(args: &[String]) -> Result<Cmd, String> {
    let unknown = || {
        format!(
            "{USAGE}\nerror: unknown command or arguments: {}",
            args.join(" ")
        )
    };
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("import") if rest == ["--refresh"] => Ok(Cmd::Refresh),
        Some("import") => parse_import(rest),
        Some("regen") if rest.is_empty() => Ok(Cmd::Regen),
        Some("check") if rest.is_empty() => Ok(Cmd::Check),
        Some("check") if rest.first().is_some_and(|a| a == "--impact") => {
            let (mut report, mut semver_checks) = (None, true);
            let mut iter = rest[1..].iter();
            while let Some(arg) = iter.next() {
                match arg.as_str() {
                    "--report" => {
                        let file = iter.next().ok_or("error: --report needs a file")?;
                        report = Some(PathBuf::from(file));
                    }
                    "--no-semver-checks" => semver_checks = false,
                    _ => return Err(unknown()),
                }
            }
            Ok(Cmd::Impact {
                report,
                semver_checks,
            })
        }
        Some("release") => match rest {
            [] => Ok(Cmd::Release { date: None }),
            [flag, date] if flag == "--date" => Ok(Cmd::Release {
                date: Some(date.clone()),
            }),
            _ => Err(unknown()),
        },
        Some("test") => Ok(Cmd::Test(rest.to_vec())),
        Some("lint") if rest.is_empty() => Ok(Cmd::Lint),
        Some("corpus") => Ok(Cmd::Corpus(rest.to_vec())),
        Some("help" | "--help" | "-h") => Ok(Cmd::Help),
        _ => Err(unknown()),
    }
}

fn parse_import(args: &[String]) -> Result<Cmd, String> {
    let mut locale = None;
    let mut sources = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--locale" => {
                let value = iter.next().ok_or("error: --locale needs a value")?;
                locale = Some(value.clone());
            }
            flag if flag.starts_with("--") => {
                return Err(format!("error: unknown option {flag}\n\n{USAGE}"));
            }
            page => sources.push(PageSource::parse(page)),
        }
    }
    if locale.is_some() && sources.is_empty() {
        return Err("error: --locale applies to pages given as arguments".to_owned());
    }
    Ok(Cmd::Import { locale, sources })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let layout = Layout::new(project_root());
    let result = parse(&args).and_then(|cmd| match cmd {
        Cmd::Import { locale, sources } => import(&layout, &sources, locale.as_deref()),
        Cmd::Refresh => refresh(&layout),
        Cmd::Regen => regen(&layout),
        Cmd::Check => check(&layout),
        Cmd::Impact {
            report,
            semver_checks,
        } => impact(&layout, report.as_deref(), semver_checks),
        Cmd::Release { date } => release(&layout, date),
        Cmd::Test(args) => test(&layout, &args),
        Cmd::Lint => lint(&layout),
        Cmd::Corpus(args) => corpus(&layout, &args),
        Cmd::Help => {
            print!("{USAGE}");
            Ok(())
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives in `<root>/xtask`. `ALLI_PROJECT_ROOT` points the
/// commands at another copy of the project (the tests use it on sandboxes).
fn project_root() -> PathBuf {
    if let Some(root) = std::env::var_os("ALLI_PROJECT_ROOT") {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn import(layout: &Layout, sources: &[PageSource], locale: Option<&str>) -> Result<(), String> {
    let applied = generator::import_only(layout, sources, locale).map_err(|f| f.to_string())?;
    print_import(&applied);
    Ok(())
}

fn refresh(layout: &Layout) -> Result<(), String> {
    let applied = generator::refresh(layout).map_err(|f| f.to_string())?;
    print_import(&applied);
    Ok(())
}

fn print_import(applied: &generator::Applied) {
    print!("{}", applied.warnings);
    for line in &applied.fragment_report {
        println!("{line}");
    }
    println!("{}", applied.summary);
}

fn regen(layout: &Layout) -> Result<(), String> {
    let applied = generator::regen(layout, &[], None).map_err(|f| f.to_string())?;
    print!("{}", applied.warnings);
    for (path, change) in &applied.changes {
        println!("{:<9} {}", change.as_str(), generator::output::show(path));
    }
    for note in &applied.name_notes {
        println!("{note}");
    }
    if let Some(impact) = &applied.impact {
        if !impact.changes.is_empty() {
            print!("{impact}");
        }
    }
    if let Some(plan) = &applied.release {
        println!("version: {}", plan.summary("alli-api"));
        if !plan.added.is_empty() {
            println!(
                "{} added to the [Unreleased] section of alli-api/CHANGELOG.md",
                generator::diag::plural(plan.added.len(), "line")
            );
        }
    }
    println!("{}", applied.summary);
    Ok(())
}

fn impact(layout: &Layout, report: Option<&Path>, semver_checks: bool) -> Result<(), String> {
    let bin = if semver_checks {
        Some(generator::semver::ensure_installed(layout.root())?)
    } else {
        None
    };
    let work = layout.root().join("target/semver-checks");
    let check = generator::report::impact_check(layout, bin.as_deref(), &work)
        .map_err(|f| f.to_string())?;
    print!("{}", check.text());
    if let Some(file) = report {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(file, check.markdown())
            .map_err(|e| format!("error: cannot write {}: {e}", file.display()))?;
        println!("report written to {}", file.display());
    }
    Ok(())
}

fn release(layout: &Layout, date: Option<String>) -> Result<(), String> {
    let date = date.unwrap_or_else(generator::release::today_utc);
    let version = generator::release(layout, &date).map_err(|f| f.to_string())?;
    println!(
        "released alli-api {version} ({date}): alli-api/CHANGELOG.md moves [Unreleased] under it"
    );
    println!("next: commit, then tag the commit `alli-api-v{version}`");
    Ok(())
}

fn check(layout: &Layout) -> Result<(), String> {
    let warnings = generator::check(layout).map_err(|f| f.to_string())?;
    if !warnings.is_empty() {
        eprint!("{warnings}");
    }
    println!(
        "everything checked in is up to date ({})",
        warnings.summary()
    );
    Ok(())
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    eprintln!("$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("error: cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("error: {shown} failed ({status})"))
    }
}

/// Installs the pinned checkers when missing or older than their lock files, then runs the
/// workspace tests.
fn test(layout: &Layout, args: &[String]) -> Result<(), String> {
    let root = layout.root();
    let tools = root.join("tools");
    let stamp = tools.join("node_modules/.installed");
    if is_stale(&stamp, &[&tools.join("package-lock.json")]) {
        run(Command::new("npm")
            .args(["ci", "--prefix"])
            .arg(&tools)
            .current_dir(root))?;
        std::fs::write(&stamp, "")
            .map_err(|e| format!("error: cannot write {}: {e}", stamp.display()))?;
    }
    python_tools(root, ".venv", "requirements.txt")?;
    python_tools(root, ".venv-st", "requirements-schemathesis.txt")?;
    // The independent check of the impact report (generator/tests/pipeline/semver.rs).
    generator::semver::ensure_installed(root)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run(Command::new(cargo)
        .args(["test", "--workspace"])
        .args(args)
        .current_dir(root)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"))
}

/// Creates the virtual environment `venv` (under the root) and installs the hashed
/// `tools/<requirements>` into it, unless it is already up to date with that file.
fn python_tools(root: &Path, venv: &str, requirements: &str) -> Result<(), String> {
    let venv = root.join(venv);
    let requirements = root.join("tools").join(requirements);
    let stamp = venv.join(".installed");
    if !is_stale(&stamp, &[&requirements]) {
        return Ok(());
    }
    run(Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .current_dir(root))?;
    let pip = if cfg!(windows) {
        venv.join("Scripts/pip")
    } else {
        venv.join("bin/pip")
    };
    run(Command::new(pip)
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    std::fs::write(&stamp, "").map_err(|e| format!("error: cannot write {}: {e}", stamp.display()))
}

/// Formatting, lints and docs of the whole workspace, warnings denied.
fn lint(layout: &Layout) -> Result<(), String> {
    let root = layout.root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let cargo = |args: &[&str]| {
        let mut cmd = Command::new(&cargo);
        cmd.args(args).current_dir(root);
        cmd
    };
    run(&mut cargo(&["fmt", "--all", "--check"]))?;
    // The workspace with the `mock` feature of alli-api (the tests use it), then alli-api's
    // library without it, so both configurations stay warning-free.
    run(&mut cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--features",
        "alli-api/mock",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(&mut cargo(&[
        "clippy", "-p", "alli-api", "--lib", "--", "-D", "warnings",
    ]))?;
    // The runtime crate alone, without a TLS backend (as alli-api without `rustls` uses it).
    run(&mut cargo(&[
        "clippy",
        "-p",
        "alli-api-runtime",
        "--lib",
        "--no-default-features",
        "--",
        "-D",
        "warnings",
    ]))?;
    // Each resource feature alone, with and without the mock, and none: whatever a downstream
    // crate turns off, the rest builds warning-free.
    let manifest = std::fs::read_to_string(root.join("alli-api/Cargo.toml"))
        .map_err(|e| format!("alli-api/Cargo.toml: {e}"))?;
    let resources = generator::manifest::resource_features(&manifest)
        .ok_or("alli-api/Cargo.toml has no generated feature block")?;
    let subsets = std::iter::once(None).chain(resources.iter().map(Some));
    for resource in subsets {
        for mock in [false, true] {
            let mut features = vec!["rustls"];
            features.extend(resource.map(String::as_str));
            if mock {
                features.push("mock");
            }
            let features = features.join(",");
            run(&mut cargo(&[
                "clippy",
                "-p",
                "alli-api",
                "--lib",
                "--no-default-features",
                "--features",
                &features,
                "--",
                "-D",
                "warnings",
            ]))?;
        }
    }
    run(cargo(&[
        "doc",
        "--workspace",
        "--no-deps",
        "--features",
        "alli-api/mock",
    ])
    .env("RUSTDOCFLAGS", "-D warnings"))
}

/// `cargo run -p corpus -- ARGS`: the corpus runner is a crate of its own (it builds crates and
/// runs openapi-generator; this binary stays thin).
fn corpus(layout: &Layout, args: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run(Command::new(cargo)
        .args(["run", "--quiet", "--package", "corpus", "--"])
        .args(args)
        .current_dir(layout.root()))
}

/// Whether `stamp` is missing or older than any of `inputs`.
fn is_stale(stamp: &Path, inputs: &[&Path]) -> bool {
    let Ok(done) = std::fs::metadata(stamp).and_then(|m| m.modified()) else {
        return true;
    };
    inputs.iter().any(|i| {
        std::fs::metadata(i)
            .and_then(|m| m.modified())
            .map_or(true, |t| t > done)
    })
}
