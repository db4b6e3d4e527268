//! Bench 3 — compile cost of the generated crate: `alli-api` vs the Rust client
//! openapi-generator generates from the same `spec/openapi.json`.
//!
//! `cargo bench -p benches --bench compile`
//!
//! - alli-api is built from a copy of the workspace (`<target>/bench-work/compile-ws`, so
//!   touching a file never disturbs the working tree) into its own target dir.
//! - The openapi-generator client (`generate -g rust`, package `alli_oag`) is generated into
//!   `$TMPDIR/alli-bench-oag-client` (not in the repository), made a workspace of its own with
//!   the workspace's `Cargo.lock` (same versions of the shared dependencies) and the same dev
//!   profile, and built with `--no-default-features --features rustls` (rustls, like alli-api).
//! - Dependencies are built first and never measured. Each round, for each crate: `cargo clean
//!   -p <crate>` then `cargo build` (full build of the crate alone), then touch one generated
//!   file (`generated/types.rs`; `models/conversation.rs`) and `cargo build` again
//!   (incremental). Crates alternate order between rounds.
//! - What is measured is the crate's own `rustc` run: cargo runs this bench binary as
//!   `RUSTC_WRAPPER`, which times the `rustc` it wraps (wall and CPU) and logs it by crate
//!   name. cargo's own wall time is reported beside it.
//!
//! Target: alli-api at most half the other client's compile time. `BENCH_QUICK=1`: one round.

// Variants are indexes into parallel tables of samples.
#![allow(clippy::needless_range_loop)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Instant, SystemTime};

use benches::measure::{self, Interleaved, Report, ms};
use benches::{oag, paths, project};
use serde_json::json;

const LOG_ENV: &str = "ALLI_BENCH_RUSTC_LOG";

/// The `RUSTC_WRAPPER` role: `<this> <rustc> <args..>`; runs rustc, logs
/// `<crate name>\t<wall ms>\t<cpu ms>` when it compiled a crate.
fn wrap_rustc(log: &Path) -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let rustc = args.next().expect("rustc path");
    let args: Vec<_> = args.collect();
    let crate_name = args
        .iter()
        .position(|a| a == "--crate-name")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.to_string_lossy().into_owned())
        // `___` is cargo asking rustc about the target, not a compilation.
        .filter(|n| n != "___");
    let (cpu0, _) = measure::children_usage();
    let start = Instant::now();
    let status = Command::new(rustc).args(&args).status().expect("run rustc");
    let wall = ms(start.elapsed());
    let (cpu1, _) = measure::children_usage();
    if let Some(name) = crate_name {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = writeln!(f, "{name}\t{wall:.1}\t{:.1}", ms(cpu1.saturating_sub(cpu0)));
        }
    }
    ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8)
}

struct Crate {
    label: &'static str,
    /// Cargo package name (for `-p` / `clean -p`).
    package: &'static str,
    /// rustc crate name (in the log).
    crate_name: &'static str,
    manifest_dir: PathBuf,
    target_dir: PathBuf,
    extra_args: Vec<&'static str>,
    touch: PathBuf,
}

struct Build {
    cargo_ms: f64,
    rustc_wall_ms: f64,
    rustc_cpu_ms: f64,
}

fn cargo_build(c: &Crate, log: &Path) -> Build {
    let _ = std::fs::remove_file(log);
    let start = Instant::now();
    let out = Command::new(paths::cargo())
        .args(["build", "--quiet", "-p", c.package, "--target-dir"])
        .arg(&c.target_dir)
        .args(&c.extra_args)
        .current_dir(&c.manifest_dir)
        .env("RUSTC_WRAPPER", std::env::current_exe().expect("exe"))
        .env(LOG_ENV, log)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("run cargo build");
    let cargo_ms = ms(start.elapsed());
    assert!(
        out.status.success(),
        "cargo build -p {} failed:\n{}",
        c.package,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mine: Vec<(f64, f64)> = text
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            (f.next()? == c.crate_name).then_some(())?;
            Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?))
        })
        .collect();
    let others: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|n| *n != c.crate_name)
        .collect();
    assert_eq!(
        mine.len(),
        1,
        "expected exactly one rustc run of {} (log: {text:?})",
        c.crate_name
    );
    assert!(
        others.is_empty(),
        "dependencies were rebuilt during a measured build: {others:?}"
    );
    Build {
        cargo_ms,
        rustc_wall_ms: mine[0].0,
        rustc_cpu_ms: mine[0].1,
    }
}

fn cargo_clean(c: &Crate) {
    let status = Command::new(paths::cargo())
        .args(["clean", "--quiet", "-p", c.package, "--target-dir"])
        .arg(&c.target_dir)
        .current_dir(&c.manifest_dir)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .expect("run cargo clean");
    assert!(status.success(), "cargo clean -p {} failed", c.package);
}

fn touch(path: &Path) {
    let f = std::fs::File::options()
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    f.set_modified(SystemTime::now())
        .unwrap_or_else(|e| panic!("cannot touch {}: {e}", path.display()));
}

/// Warm-up build (dependencies), without the wrapper's checks.
fn warm(c: &Crate, log: &Path) {
    eprintln!(
        "building the dependencies of {} (not measured) ...",
        c.label
    );
    let status = Command::new(paths::cargo())
        .args(["build", "--quiet", "-p", c.package, "--target-dir"])
        .arg(&c.target_dir)
        .args(&c.extra_args)
        .current_dir(&c.manifest_dir)
        .env("RUSTC_WRAPPER", std::env::current_exe().expect("exe"))
        .env(LOG_ENV, log)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build -p {} failed", c.package);
}

/// `response.rs` with `decode_json`'s slow path (re-running the decode through
/// `serde_path_to_error` to name the failing JSON path) removed, if it is still there.
fn without_path_to_error(text: &str) -> Option<String> {
    let start = text.find("    let mut de = serde_json::Deserializer::from_slice(bytes);\n    match serde_path_to_error::deserialize")?;
    let rest = &text[start..];
    let end = rest.find("\n    }\n")? + "\n    }\n".len();
    Some(format!(
        "{}    Err((String::from(\".\"), fast_err))\n{}",
        &text[..start],
        &rest[end..]
    ))
}

fn rust_lines(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            n += rust_lines(&p);
        } else if p.extension().is_some_and(|x| x == "rs") {
            n += std::fs::read_to_string(&p).map_or(0, |t| t.lines().count());
        }
    }
    n
}

fn prepare_oag(report: &mut Report) -> Option<Crate> {
    let o = match oag::find_or_install() {
        Ok(o) => o,
        Err(why) => {
            report.line(format!(
                "openapi-generator-cli cannot run here: {why}; only alli-api is measured"
            ));
            return None;
        }
    };
    let dir = std::env::temp_dir().join("alli-bench-oag-client");
    oag::generate(&o, &paths::workspace_root().join("spec/openapi.json"), &dir);
    // A workspace of its own, pinned like ours, same dev profile for dependencies.
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).expect("oag Cargo.toml");
    text.push_str("\n[workspace]\n\n[profile.dev.package.\"*\"]\ndebug = false\n");
    std::fs::write(&manifest, text).expect("write oag Cargo.toml");
    std::fs::copy(
        paths::workspace_root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .expect("copy Cargo.lock");
    let touch = dir.join("src/models/conversation.rs");
    assert!(
        touch.is_file(),
        "openapi-generator wrote no models/conversation.rs"
    );
    report.line(format!(
        "openapi-generator-cli {} client: {} lines of Rust in {}",
        o.version,
        rust_lines(&dir.join("src")),
        dir.display()
    ));
    Some(Crate {
        label: "openapi-generator client (alli_oag)",
        package: "alli_oag",
        crate_name: "alli_oag",
        manifest_dir: dir,
        target_dir: paths::kept_work_dir("compile-target-oag"),
        extra_args: vec!["--no-default-features", "--features", "rustls"],
        touch,
    })
}

fn main() -> ExitCode {
    if let Some(log) = std::env::var_os(LOG_ENV) {
        return wrap_rustc(Path::new(&log));
    }
    let mut report = Report::new("compile");
    let ws = paths::fresh_work_dir("compile-ws");
    project::copy_workspace_sources(&ws);
    let alli = Crate {
        label: "alli-api",
        package: "alli-api",
        crate_name: "alli_api",
        manifest_dir: ws.clone(),
        target_dir: paths::kept_work_dir("compile-target-alli"),
        extra_args: vec![],
        touch: ws.join("alli-api/src/generated/types.rs"),
    };
    report.line(format!(
        "alli-api: {} lines of Rust ({} generated, {} runtime)",
        rust_lines(&ws.join("alli-api/src")),
        rust_lines(&ws.join("alli-api/src/generated")),
        rust_lines(&ws.join("alli-api/src")) - rust_lines(&ws.join("alli-api/src/generated"))
    ));
    let mut crates = vec![alli];
    if let Some(o) = prepare_oag(&mut report) {
        crates.push(o);
    }
    // Attribution (same target dir as alli-api: only alli-api itself is rebuilt):
    // - the hand-written runtime alone (generated modules emptied);
    // - alli-api whose decode does not instantiate the serde_path_to_error re-decode (an
    //   experiment on a copy: decode errors would lose their JSON path).
    let ws_rt = paths::fresh_work_dir("compile-ws-runtime");
    project::copy_workspace_sources(&ws_rt);
    std::fs::write(
        ws_rt.join("alli-api/src/generated/mod.rs"),
        "//! Emptied by the compile bench: the runtime alone.\n",
    )
    .expect("empty generated/mod.rs");
    crates.push(Crate {
        label: "alli-api runtime alone (no generated)",
        package: "alli-api",
        crate_name: "alli_api",
        manifest_dir: ws_rt.clone(),
        target_dir: paths::kept_work_dir("compile-target-alli"),
        extra_args: vec![],
        touch: ws_rt.join("alli-api/src/lib.rs"),
    });
    let runtime = crates.len() - 1;
    let mut no_path_to_error = None;
    let ws_exp = paths::fresh_work_dir("compile-ws-no-path-to-error");
    project::copy_workspace_sources(&ws_exp);
    let response = ws_exp.join("alli-api/src/response.rs");
    let text = std::fs::read_to_string(&response).expect("response.rs");
    if let Some(patched) = without_path_to_error(&text) {
        std::fs::write(&response, patched).expect("patch response.rs");
        crates.push(Crate {
            label: "alli-api without the path-tracking re-decode",
            package: "alli-api",
            crate_name: "alli_api",
            manifest_dir: ws_exp.clone(),
            target_dir: paths::kept_work_dir("compile-target-alli"),
            extra_args: vec![],
            touch: ws_exp.join("alli-api/src/generated/types.rs"),
        });
        no_path_to_error = Some(crates.len() - 1);
    } else {
        report.line("(experiment skipped: alli-api/src/response.rs no longer has the re-decode this bench patches out)");
    }
    let log = paths::kept_work_dir("compile-logs").join("rustc.log");
    for c in &crates {
        warm(c, &log);
    }

    // Each sample: (full, incremental) of one crate.
    let rounds = measure::rounds(3, 1);
    let mut full: Vec<Vec<Build>> = crates.iter().map(|_| Vec::new()).collect();
    let mut incr: Vec<Vec<Build>> = crates.iter().map(|_| Vec::new()).collect();
    let names: Vec<&str> = crates.iter().map(|c| c.label).collect();
    let _ = Interleaved::run(&names, rounds, |v, _| {
        let c = &crates[v];
        cargo_clean(c);
        let f = cargo_build(c, &log);
        touch(&c.touch);
        let i = cargo_build(c, &log);
        let t = f.rustc_wall_ms;
        full[v].push(f);
        incr[v].push(i);
        t
    });
    let med =
        |b: &[Build], f: fn(&Build) -> f64| measure::median(&b.iter().map(f).collect::<Vec<_>>());
    for (v, c) in crates.iter().enumerate() {
        for (kind, builds) in [
            ("full build of the crate", &full[v]),
            ("incremental, one file touched", &incr[v]),
        ] {
            report.line(format!(
                "{:<36} {kind:<32} rustc {:>7.0} ms wall, {:>7.0} ms CPU; cargo {:>7.0} ms",
                c.label,
                med(builds, |b| b.rustc_wall_ms),
                med(builds, |b| b.rustc_cpu_ms),
                med(builds, |b| b.cargo_ms),
            ));
        }
    }
    report.data(
        "alli_api",
        json!({"full_rustc_ms": med(&full[0], |b| b.rustc_wall_ms), "incremental_rustc_ms": med(&incr[0], |b| b.rustc_wall_ms)}),
    );
    let share = med(&full[runtime], |b| b.rustc_wall_ms) / med(&full[0], |b| b.rustc_wall_ms);
    report.line(format!(
        "the runtime alone is {:.0} % of alli-api's full build; the generated code adds {:.0} ms",
        100.0 * share,
        med(&full[0], |b| b.rustc_wall_ms) - med(&full[runtime], |b| b.rustc_wall_ms)
    ));
    report.data("runtime_share_of_full_build", json!(share));
    if let Some(x) = no_path_to_error {
        let ratios: Vec<f64> = full[x]
            .iter()
            .zip(&full[0])
            .map(|(a, b)| a.rustc_wall_ms / b.rustc_wall_ms)
            .collect();
        let r = measure::median(&ratios);
        report.line(format!(
            "without the serde_path_to_error re-decode, alli-api's full build takes {r:.2}× as long ({:+.0} ms)",
            med(&full[x], |b| b.rustc_wall_ms) - med(&full[0], |b| b.rustc_wall_ms)
        ));
        report.data("no_path_to_error_ratio", json!(r));
    }
    if crates.len() > 2 && crates[1].package == "alli_oag" {
        for (kind, builds) in [("full build", &full), ("incremental rebuild", &incr)] {
            let ratios: Vec<f64> = builds[0]
                .iter()
                .zip(&builds[1])
                .map(|(a, b)| a.rustc_wall_ms / b.rustc_wall_ms)
                .collect();
            let cpu_ratios: Vec<f64> = builds[0]
                .iter()
                .zip(&builds[1])
                .map(|(a, b)| a.rustc_cpu_ms / b.rustc_cpu_ms)
                .collect();
            let (r, rc) = (measure::median(&ratios), measure::median(&cpu_ratios));
            let (lo, hi) = measure::min_max(&ratios);
            report.line(format!(
                "{kind}: alli-api / openapi-generator client = {r:.2}× rustc wall (rounds {lo:.2}–{hi:.2}), {rc:.2}× rustc CPU"
            ));
            report.data(
                &format!("ratio_{}", kind.replace(' ', "_")),
                json!({"wall": r, "cpu": rc, "min": lo, "max": hi}),
            );
            report.verdict(
                &format!("compile time ({kind}), alli-api / openapi-generator client"),
                r,
                "×",
                "≤ 0.5×",
                r <= 0.5,
            );
        }
    }
    report.finish();
    ExitCode::SUCCESS
}
