//! One document through every stage, and the run over all of them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::exec::{self, Finished, Verdict};
use crate::inputs::{self, Input, Source};
use crate::oag::Oag;
use crate::scratch::Scratch;
use crate::split;

/// The stages a document goes through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// The document read and split into docs pages.
    Split,
    /// `import`: pages → fragments.
    Import,
    /// Merge, overrides and validation of the fragments.
    Spec,
    /// Code generation (and writing the files).
    Generate,
    /// `cargo build -p alli-api` with `RUSTFLAGS=-D warnings`.
    Build,
    /// `cargo clippy -p alli-api -- -D warnings`.
    Clippy,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 6] = [
        Stage::Split,
        Stage::Import,
        Stage::Spec,
        Stage::Generate,
        Stage::Build,
        Stage::Clippy,
    ];

    /// Its name in reports and expectation files.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Split => "split",
            Stage::Import => "import",
            Stage::Spec => "merge+validate",
            Stage::Generate => "generate",
            Stage::Build => "build",
            Stage::Clippy => "clippy",
        }
    }

    /// The stage called `name`.
    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Why a stage failed.
#[derive(Debug, Clone)]
pub struct Failed {
    /// The stage.
    pub stage: Stage,
    /// What kind of failure: a diagnostic code (`dangling-ref`), a rustc code (`E0308`) or
    /// lint (`unused_imports`), `panic`, `crash`, `timeout`.
    pub code: String,
    /// The first error, as the tool printed it (located).
    pub message: String,
    /// Everything else known (error counts, codes, rendered compiler message).
    pub detail: Value,
}

/// openapi-generator on the same document.
#[derive(Debug, Clone, Default)]
pub struct OagResult {
    /// It generated a client.
    pub generated: bool,
    /// The client builds (no errors besides denied lints).
    pub builds: bool,
    /// The client builds with `RUSTFLAGS=-D warnings`.
    pub warning_free: bool,
    /// The first failure: `(stage, code, message)`.
    pub failure: Option<(String, String, String)>,
    /// Seconds generating and building.
    pub generate_secs: f64,
    /// Seconds building.
    pub build_secs: f64,
}

/// Everything known about one document after the run.
#[derive(Debug, Clone)]
pub struct DocResult {
    /// `source/name`.
    pub id: String,
    /// Its source.
    pub source: Source,
    /// `openapi` field.
    pub openapi: String,
    /// The format APIs.guru converted it from (`swagger 2.0`, ...), or `-`.
    pub origin: String,
    /// Operations under `paths`.
    pub operations: usize,
    /// Docs pages written.
    pub pages: usize,
    /// Their size in bytes.
    pub page_bytes: usize,
    /// Notes of the split.
    pub notes: Vec<String>,
    /// Not applicable (a Swagger document, no operation): why.
    pub skipped: Option<String>,
    /// The stages passed.
    pub passed: Vec<Stage>,
    /// The stage that failed, if one did.
    pub failed: Option<Failed>,
    /// The generator's report (`corpus __regen`'s JSON).
    pub regen: Value,
    /// Seconds per stage.
    pub times: Vec<(Stage, f64)>,
    /// Wall time of our pipeline (split to clippy).
    pub wall: f64,
    /// openapi-generator's result, when it ran.
    pub oag: Option<OagResult>,
}

impl DocResult {
    /// The last stage passed.
    pub fn reached(&self) -> Option<Stage> {
        self.passed.last().copied()
    }

    /// Whether the crate built warning-free.
    pub fn builds(&self) -> bool {
        self.passed.contains(&Stage::Build)
    }

    /// A panic or crash of the generator.
    pub fn panicked(&self) -> bool {
        self.failed
            .as_ref()
            .is_some_and(|f| f.code == "panic" || f.code == "crash")
    }
}

/// What every document's run shares.
#[derive(Debug)]
pub struct Context {
    /// The real workspace (read only).
    pub root: PathBuf,
    /// Output dir (`target/corpus`).
    pub out: PathBuf,
    /// The run's output folder (`target/corpus`): holds one cargo target dir per worker (`cargo-<slot>`, shared by all
    /// of that worker's builds, so dependencies build once per worker and workers never wait
    /// for each other's build lock) and `oag-Cargo.lock`.
    pub base: PathBuf,
    /// The corpus binary (runs `__regen` in a child process).
    pub exe: PathBuf,
    /// Run clippy after a successful build.
    pub clippy: bool,
    /// Compile with `cargo check` instead of `cargo build` (one `cargo clippy` pass for our
    /// crate, whose rustc diagnostics decide the build stage and clippy's the clippy stage;
    /// `cargo check` for openapi-generator's client).
    pub check_only: bool,
    /// openapi-generator, when compared.
    pub oag: Option<Oag>,
    /// Limit of each child process.
    pub timeout: Duration,
}

impl Context {
    /// The cargo target dir of worker `slot`.
    pub fn cargo_target(&self, slot: usize) -> PathBuf {
        self.base.join(format!("cargo-{slot}"))
    }

    /// Worker `slot`'s target dir, started as a copy of worker 0's when that one exists
    /// (dependencies already built).
    pub fn prepare_target(&self, slot: usize) -> Result<(), String> {
        let dir = self.cargo_target(slot);
        let first = self.cargo_target(0);
        if slot == 0 || dir.exists() || !first.is_dir() {
            return Ok(());
        }
        let status = Command::new("cp")
            .arg("-a")
            .arg(&first)
            .arg(&dir)
            .status()
            .map_err(|e| format!("cannot run cp: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "cp -a {} {} failed",
                first.display(),
                dir.display()
            ))
        }
    }

    fn cargo(&self, target: &Path, dir: &Path, args: &[&str]) -> Command {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut cmd = Command::new(cargo);
        cmd.args(args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .env("RUSTFLAGS", "-D warnings")
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .env_remove("RUSTC_WRAPPER");
        cmd
    }
}

/// Runs one document in `scratch`.
pub fn run_doc(ctx: &Context, input: &Input, scratch: &Scratch) -> DocResult {
    let started = Instant::now();
    let mut r = DocResult {
        id: input.id(),
        source: input.source,
        openapi: String::new(),
        origin: "-".to_owned(),
        operations: 0,
        pages: 0,
        page_bytes: 0,
        notes: Vec::new(),
        skipped: None,
        passed: Vec::new(),
        failed: None,
        regen: Value::Null,
        times: Vec::new(),
        wall: 0.0,
        oag: None,
    };
    let doc = match inputs::load(&input.path) {
        Ok(d) => d,
        Err(e) => {
            r.failed = Some(simple(Stage::Split, "unreadable", e));
            return r;
        }
    };
    r.openapi = doc
        .get("openapi")
        .or_else(|| doc.get("swagger"))
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .unwrap_or_default();
    r.origin = inputs::origin(&doc);
    r.operations = doc.as_object().map_or(0, split::count_operations);
    let t = Instant::now();
    let split = split::split(&doc);
    r.times.push((Stage::Split, t.elapsed().as_secs_f64()));
    let split = match split {
        Ok(s) => s,
        Err(e @ (split::Unsplittable::Swagger(_) | split::Unsplittable::NoOperations)) => {
            r.skipped = Some(e.to_string());
            return r;
        }
        Err(e) => {
            let code = match e {
                split::Unsplittable::TooLarge { .. } => "too-large",
                _ => "not-openapi",
            };
            r.failed = Some(simple(Stage::Split, code, e.to_string()));
            return r;
        }
    };
    r.pages = split.pages.len();
    r.page_bytes = split.bytes;
    r.notes = split.notes.clone();
    r.passed.push(Stage::Split);
    if ctx.oag.is_some() {
        r.oag = Some(run_oag(
            ctx,
            &doc,
            &scratch.root.join("oag"),
            &scratch.cargo_target,
        ));
    }
    drop(doc);
    ours(ctx, &mut r, scratch, &split.pages);
    drop(split);
    r.wall = started.elapsed().as_secs_f64()
        - r.oag
            .as_ref()
            .map_or(0.0, |o| o.generate_secs + o.build_secs);
    if r.failed.is_some() {
        let keep = ctx.out.join("failed").join(&r.id);
        if let Err(e) = scratch.keep(&keep) {
            eprintln!("warning: {e}");
        }
        if let Some(f) = &r.failed {
            let text = format!(
                "{} failed at {}: {}\n\n{}\n",
                r.id,
                f.stage.name(),
                f.message,
                serde_json::to_string_pretty(&f.detail).unwrap_or_default()
            );
            let _ = std::fs::write(keep.join("failure.txt"), text);
        }
    }
    r
}

fn simple(stage: Stage, code: &str, message: String) -> Failed {
    Failed {
        stage,
        code: code.to_owned(),
        message,
        detail: Value::Null,
    }
}

/// Import → merge+validate → generate (child process), build, clippy.
fn ours(ctx: &Context, r: &mut DocResult, scratch: &Scratch, pages: &[(String, String)]) {
    if let Err(e) = scratch.reset(pages) {
        r.failed = Some(simple(Stage::Import, "scratch", e));
        return;
    }
    let mut cmd = Command::new(&ctx.exe);
    cmd.arg("__regen").arg(&scratch.root);
    let t = Instant::now();
    let child = match exec::run(&mut cmd, ctx.timeout) {
        Ok(f) => f,
        Err(e) => {
            r.failed = Some(simple(Stage::Import, "spawn", e));
            return;
        }
    };
    let regen_secs = t.elapsed().as_secs_f64();
    let report: Option<Value> = child
        .stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok());
    match report {
        Some(rep) if rep.get("ok").and_then(Value::as_bool) == Some(true) => {
            r.passed
                .extend([Stage::Import, Stage::Spec, Stage::Generate]);
            r.times.push((Stage::Generate, regen_secs));
            r.regen = rep;
        }
        Some(rep) => {
            let stage = match rep.get("stage").and_then(Value::as_str) {
                Some("import") => Stage::Import,
                Some("spec") => Stage::Spec,
                _ => Stage::Generate,
            };
            r.passed.extend(
                [Stage::Import, Stage::Spec, Stage::Generate]
                    .into_iter()
                    .filter(|s| *s < stage),
            );
            r.times.push((stage, regen_secs));
            let (code, message) = match rep.get("panic").and_then(Value::as_str) {
                Some(p) => ("panic".to_owned(), p.to_owned()),
                None => (
                    rep.get("code")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                        .to_owned(),
                    rep.pointer("/first_errors/0")
                        .and_then(Value::as_str)
                        .unwrap_or("(no error reported)")
                        .to_owned(),
                ),
            };
            r.failed = Some(Failed {
                stage,
                code,
                message,
                detail: rep.clone(),
            });
            r.regen = rep;
            return;
        }
        None => {
            let code = if child.status.is_none() {
                "timeout"
            } else {
                "crash"
            };
            r.failed = Some(Failed {
                stage: Stage::Import,
                code: code.to_owned(),
                message: format!(
                    "the generator process ended without a report: {}\n{}",
                    child.describe(ctx.timeout),
                    exec::tail(&child.stderr, 6)
                ),
                detail: json!({"stderr": exec::tail(&child.stderr, 40)}),
            });
            return;
        }
    }
    // `--offline`, not `--locked`: regen bumps the crate's version (a fresh project's first
    // release plan), which changes the lock file's entry of `alli-api` itself; every
    // dependency stays as the copied lock file pins it, and nothing is fetched.
    if ctx.check_only {
        // One pass: rustc's diagnostics (errors, rustc lints denied) decide the build stage,
        // clippy's the clippy stage.
        let sub = if ctx.clippy { "clippy" } else { "check" };
        let mut args = vec![
            sub,
            "-p",
            "alli-api",
            "--lib",
            "--offline",
            "--message-format=json",
        ];
        if ctx.clippy {
            args.extend(["--", "-D", "warnings"]);
        }
        let f = match exec::run(
            &mut ctx.cargo(&scratch.cargo_target, &scratch.root, &args),
            ctx.timeout,
        ) {
            Ok(f) => f,
            Err(e) => {
                r.failed = Some(simple(Stage::Build, "spawn", e));
                return;
            }
        };
        r.times.push((Stage::Build, f.secs));
        let rustc = exec::verdict(&f.stdout, &scratch.root, exec::Errors::Rustc);
        let clippy = exec::verdict(&f.stdout, &scratch.root, exec::Errors::Clippy);
        let finished = f.status.is_some();
        if !(finished && rustc.clean() && (f.success() || !clippy.clean())) {
            r.failed = Some(cargo_failure(Stage::Build, &f, &rustc, ctx.timeout));
            return;
        }
        r.passed.push(Stage::Build);
        if ctx.clippy {
            if f.success() && clippy.clean() {
                r.passed.push(Stage::Clippy);
            } else {
                r.failed = Some(cargo_failure(Stage::Clippy, &f, &clippy, ctx.timeout));
            }
        }
        return;
    }
    // Build, then clippy.
    let steps: &[(Stage, &[&str])] = &[
        (
            Stage::Build,
            &[
                "build",
                "-p",
                "alli-api",
                "--lib",
                "--offline",
                "--message-format=json",
            ],
        ),
        (
            Stage::Clippy,
            &[
                "clippy",
                "-p",
                "alli-api",
                "--lib",
                "--offline",
                "--message-format=json",
                "--",
                "-D",
                "warnings",
            ],
        ),
    ];
    for (stage, args) in steps {
        if *stage == Stage::Clippy && !ctx.clippy {
            break;
        }
        let finished = exec::run(
            &mut ctx.cargo(&scratch.cargo_target, &scratch.root, args),
            ctx.timeout,
        );
        match finished {
            Ok(f) => {
                r.times.push((*stage, f.secs));
                let v = exec::verdict(&f.stdout, &scratch.root, exec::Errors::All);
                if f.success() && v.clean() {
                    r.passed.push(*stage);
                } else {
                    r.failed = Some(cargo_failure(*stage, &f, &v, ctx.timeout));
                    return;
                }
            }
            Err(e) => {
                r.failed = Some(simple(*stage, "spawn", e));
                return;
            }
        }
    }
}

fn cargo_failure(stage: Stage, f: &Finished, v: &Verdict, limit: Duration) -> Failed {
    let detail = json!({
        "hard_errors": v.hard_errors,
        "lint_errors": v.lint_errors,
        "codes": v.codes,
        "first_of_each_code": v.first_of_each,
        "first": v.first_error,
        "status": f.describe(limit),
    });
    match &v.first_error {
        Some(e) => Failed {
            stage,
            code: e
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or("error")
                .to_owned(),
            message: e
                .get("rendered")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            detail,
        },
        None => Failed {
            stage,
            code: if f.status.is_none() {
                "timeout".to_owned()
            } else {
                "cargo".to_owned()
            },
            message: format!("{}: {}", f.describe(limit), exec::tail(&f.stderr, 8)),
            detail,
        },
    }
}

/// The reference generator on the whole document: generate, then build warning-free.
fn run_oag(ctx: &Context, doc: &Value, dir: &Path, target: &Path) -> OagResult {
    let mut r = OagResult::default();
    let Some(oag) = &ctx.oag else {
        return r;
    };
    let _ = std::fs::remove_dir_all(dir);
    let spec = dir.join("openapi.json");
    let client = dir.join("client");
    let fail = |r: &mut OagResult, stage: &str, code: &str, msg: String| {
        r.failure = Some((stage.to_owned(), code.to_owned(), msg));
    };
    if let Err(e) =
        std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&spec, doc.to_string()))
    {
        fail(&mut r, "generate", "io", e.to_string());
        return r;
    }
    let mut cmd = oag
        .generate_cmd_java(&spec, &client, "oag_client")
        .unwrap_or_else(|| oag.generate_cmd(&spec, &client, "oag_client"));
    let generated = exec::run(&mut cmd, ctx.timeout);
    let generated = match generated {
        Ok(g) => g,
        Err(e) => {
            fail(&mut r, "generate", "spawn", e);
            return r;
        }
    };
    r.generate_secs = generated.secs;
    if !generated.success() || !client.join("src/lib.rs").is_file() {
        let text = format!("{}\n{}", generated.stdout, generated.stderr);
        let code = if generated.status.is_none() {
            "timeout"
        } else if text.contains("SpecValidationException") {
            "spec-validation"
        } else {
            "exception"
        };
        let first = text
            .lines()
            .find(|l| l.contains("Exception"))
            .unwrap_or("")
            .trim();
        let detail: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with("-attribute") || l.starts_with("\t-"))
            .take(3)
            .collect();
        // Spec validation lists its findings below a generic exception line: lead with them.
        let message = if detail.is_empty() {
            first.to_owned()
        } else {
            format!("{}\n{first}", detail.join("\n"))
        };
        fail(&mut r, "generate", code, message.trim().to_owned());
        return r;
    }
    r.generated = true;
    // A workspace of its own with the same dev profile and the versions of our lock file (or
    // of the last openapi-generator client built), so dependencies build once.
    let manifest = client.join("Cargo.toml");
    let patched = std::fs::read_to_string(&manifest).map(|mut text| {
        text.push_str("\n[workspace]\n\n[profile.dev.package.\"*\"]\ndebug = false\n");
        text
    });
    let has_rustls = patched.as_ref().is_ok_and(|t| t.contains("\nrustls = "));
    let lock = ctx.base.join("oag-Cargo.lock");
    let lock_from = if lock.is_file() {
        lock.clone()
    } else {
        ctx.root.join("Cargo.lock")
    };
    if let Err(e) = patched
        .and_then(|t| std::fs::write(&manifest, t))
        .and_then(|()| std::fs::copy(&lock_from, client.join("Cargo.lock")).map(|_| ()))
    {
        fail(&mut r, "build", "io", e.to_string());
        return r;
    }
    let sub = if ctx.check_only { "check" } else { "build" };
    let mut args = vec![sub, "--lib", "--message-format=json"];
    if has_rustls {
        args.extend(["--no-default-features", "--features", "rustls"]);
    }
    let built = exec::run(&mut ctx.cargo(target, &client, &args), ctx.timeout);
    let built = match built {
        Ok(b) => b,
        Err(e) => {
            fail(&mut r, "build", "spawn", e);
            return r;
        }
    };
    r.build_secs = built.secs;
    let v = exec::verdict(&built.stdout, &client, exec::Errors::All);
    r.builds =
        built.status.is_some() && v.hard_errors == 0 && (built.success() || v.lint_errors > 0);
    r.warning_free = built.success() && v.clean();
    if r.builds {
        // Keep the resolved versions for the next client (atomically: workers run at once).
        let tmp = lock.with_extension(format!("lock.{}", std::process::id()));
        if std::fs::copy(client.join("Cargo.lock"), &tmp).is_ok() {
            let _ = std::fs::rename(&tmp, &lock);
        }
    }
    if !r.warning_free {
        let f = cargo_failure(Stage::Build, &built, &v, ctx.timeout);
        fail(&mut r, "build", &f.code, f.message);
    }
    let _ = std::fs::remove_dir_all(client.join("src"));
    r
}

/// Runs every input on `jobs` workers; `done` is told about each result as it comes.
pub fn run_all(
    ctx: &Context,
    inputs: &[Input],
    jobs: usize,
    done: &(dyn Fn(&[Option<DocResult>], usize) + Sync),
) -> Result<Vec<DocResult>, String> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<DocResult>>> = Mutex::new(vec![None; inputs.len()]);
    let errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    for slot in 0..jobs.max(1) {
        ctx.prepare_target(slot)?;
    }
    std::thread::scope(|s| {
        for slot in 0..jobs.max(1) {
            let (next, results, errors) = (&next, &results, &errors);
            s.spawn(move || {
                let dir = ctx.out.join("work").join(format!("slot-{slot}"));
                let scratch = match Scratch::create(&ctx.root, &dir, ctx.cargo_target(slot)) {
                    Ok(s) => s,
                    Err(e) => {
                        if let Ok(mut errs) = errors.lock() {
                            errs.push(e);
                        }
                        return;
                    }
                };
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(input) = inputs.get(i) else { break };
                    let result = run_doc(ctx, input, &scratch);
                    if let Ok(mut all) = results.lock() {
                        all[i] = Some(result);
                        done(&all, i);
                    }
                }
            });
        }
    });
    let errors = errors.into_inner().unwrap_or_default();
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    Ok(results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect())
}
