//! Bench 3 — compile cost of the generated crate: `alli-api` vs the Rust clients that
//! openapi-generator and progenitor generate from the same `spec/openapi.json`.
//!
//! `cargo bench -p benches --bench compile`
//!
//! The crates, each built with the same dev profile (the workspace's: no debug info for
//! dependencies) and rustls as TLS backend:
//! - alli-api, built from a copy of the workspace (`<target>/bench-work/compile-ws`, so
//!   touching a file never disturbs the working tree) into its own target dir, in three
//!   configurations: its default features (every resource); one resource only
//!   (`--no-default-features --features rustls,conversations`, what a user of one resource
//!   compiles); `full-serde` (both serde traits on every generated type). Its runtime,
//!   `alli-api-runtime`, is a dependency like progenitor's, measured on its own the same way;
//!   the report also gives alli-api and its runtime together against each peer with its
//!   runtime.
//! - The openapi-generator client (`generate -g rust`, package `alli_oag`), generated into
//!   `$TMPDIR/alli-bench-oag-client` (not in the repository), made a workspace of its own with
//!   the workspace's `Cargo.lock` (same versions of the shared dependencies), built with
//!   `--no-default-features --features rustls`.
//! - The progenitor clients: `benches/progenitor` (a generator program with its own committed
//!   `Cargo.lock`, which pins progenitor; built on demand, never part of the main workspace)
//!   generates them from a 3.0 copy of the document ([`benches::progenitor::down_convert`]:
//!   progenitor reads OpenAPI 3.0 only) into `$TMPDIR/alli-bench-progenitor-client`, a
//!   workspace with both crates, our `Cargo.lock` as its start: `alli_progenitor` with
//!   progenitor's default positional interface and `alli_progenitor_builder` with its builder
//!   interface. Their `reqwest` gets its `rustls` feature through a `rustls` feature of the
//!   crate, like openapi-generator's. Their runtime, `progenitor-client`, is a dependency (not
//!   measured; its own build time is reported once beside the figures).
//!
//! Dependencies are built first and never measured. Each round, for each crate: `cargo clean
//! -p <crate>` then `cargo build` (full build of the crate alone), then touch one generated
//! file (`generated/types.rs`; `models/conversation.rs`; progenitor's `lib.rs`) and `cargo
//! build` again (incremental). Crates alternate order between rounds. What is measured is the
//! crate's own `rustc` run: cargo runs this bench binary as `RUSTC_WRAPPER`, which times the
//! `rustc` it wraps (wall and CPU) and logs it by crate name; a measured build that compiled
//! anything else fails the bench. cargo's own wall time is reported beside it.
//!
//! - Two calling crates, each awaiting the same two operations (`CALLED`) through a copy of
//!   its client: alli-api's, and progenitor's positional one. They show where the operations'
//!   code is compiled now that generated crates leave it to their callers.
//!
//! Targets: alli-api's crate build (full, and incremental) at most 0.5× the openapi-generator
//! client's, and at most the progenitor client's (its default, positional interface).
//! `BENCH_QUICK=1`: one round.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Instant, SystemTime};

use benches::measure::{self, Interleaved, Report, ms};
use benches::{oag, paths, progenitor, project};
use serde_json::{Value, json};

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

/// What a crate is, for the ratios and targets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Alli,
    AlliOneResource,
    AlliFullSerde,
    Runtime,
    Oag,
    Progenitor,
    ProgenitorBuilder,
    CallerAlli,
    CallerProgenitor,
}

struct Crate {
    role: Role,
    label: &'static str,
    /// Cargo package built (`-p`).
    package: &'static str,
    /// Cargo package measured (`clean -p`); `package` or one of its dependencies.
    measured: &'static str,
    /// rustc crate name of `measured` (in the log).
    crate_name: &'static str,
    /// Crates that depend on the measured one and are rebuilt with it (not measured).
    dependents: &'static [&'static str],
    manifest_dir: PathBuf,
    target_dir: PathBuf,
    extra_args: Vec<&'static str>,
    touch: PathBuf,
    /// Lines of Rust the crate's build compiles (generated, or generated + runtime), as said
    /// in the report.
    lines: String,
}

struct Build {
    cargo_ms: f64,
    rustc_wall_ms: f64,
    rustc_cpu_ms: f64,
}

/// `(crate name, wall ms, cpu ms)` of every rustc run in a log.
fn rustc_runs(log: &str) -> Vec<(&str, f64, f64)> {
    log.lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?, f.next()?.parse().ok()?, f.next()?.parse().ok()?))
        })
        .collect()
}

/// `cargo build -p <crate>` with this binary as `RUSTC_WRAPPER`; returns the log of the rustc
/// runs it made.
fn cargo_build_logged(c: &Crate, log: &Path) -> (f64, String) {
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
    (cargo_ms, std::fs::read_to_string(log).unwrap_or_default())
}

/// A measured build: exactly one rustc run, the crate's own.
fn cargo_build(c: &Crate, log: &Path) -> Build {
    let (cargo_ms, text) = cargo_build_logged(c, log);
    let runs = rustc_runs(&text);
    let mine: Vec<_> = runs.iter().filter(|r| r.0 == c.crate_name).collect();
    let others: Vec<&str> = runs
        .iter()
        .map(|r| r.0)
        .filter(|n| *n != c.crate_name && !c.dependents.contains(n))
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
        rustc_wall_ms: mine[0].1,
        rustc_cpu_ms: mine[0].2,
    }
}

fn cargo_clean(c: &Crate, package: &str) {
    let status = Command::new(paths::cargo())
        .args(["clean", "--quiet", "-p", package, "--target-dir"])
        .arg(&c.target_dir)
        .current_dir(&c.manifest_dir)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .expect("run cargo clean");
    assert!(status.success(), "cargo clean -p {package} failed");
}

fn touch(path: &Path) {
    let f = std::fs::File::options()
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    f.set_modified(SystemTime::now())
        .unwrap_or_else(|e| panic!("cannot touch {}: {e}", path.display()));
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

/// Makes `dir` a workspace of its own, built like ours: `workspace` (a `[workspace]` table)
/// and our dev profile appended to its root manifest (created when missing), and our
/// `Cargo.lock`, so the dependencies both share resolve to the same versions.
fn own_workspace(dir: &Path, workspace: &str) {
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap_or_default();
    text.push_str(&format!(
        "\n{workspace}\n[profile.dev.package.\"*\"]\ndebug = false\n"
    ));
    std::fs::write(&manifest, text).expect("write the peer's Cargo.toml");
    std::fs::copy(
        paths::workspace_root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .expect("copy Cargo.lock");
}

fn prepare_oag(report: &mut Report) -> Option<Crate> {
    let o = match oag::find_or_install() {
        Ok(o) => o,
        Err(why) => {
            report.line(format!(
                "openapi-generator-cli cannot run here: {why}; its client is not measured"
            ));
            return None;
        }
    };
    let dir = std::env::temp_dir().join("alli-bench-oag-client");
    oag::generate(&o, &paths::workspace_root().join("spec/openapi.json"), &dir);
    own_workspace(&dir, "[workspace]\n");
    let touch = dir.join("src/models/conversation.rs");
    assert!(
        touch.is_file(),
        "openapi-generator wrote no models/conversation.rs"
    );
    let lines = format!(
        "{} (models {}, apis {})",
        rust_lines(&dir.join("src")),
        rust_lines(&dir.join("src/models")),
        rust_lines(&dir.join("src/apis"))
    );
    report.line(format!(
        "openapi-generator-cli {} client: {lines} lines of Rust in {}",
        o.version,
        dir.display()
    ));
    Some(Crate {
        role: Role::Oag,
        label: "openapi-generator client",
        package: "alli_oag",
        measured: "alli_oag",
        crate_name: "alli_oag",
        dependents: &[],
        manifest_dir: dir,
        target_dir: paths::kept_work_dir("compile-target-oag"),
        extra_args: vec!["--no-default-features", "--features", "rustls"],
        touch,
        lines,
    })
}

/// Both progenitor crates, or none (with the reason in the report) when the generator cannot
/// be built here. Panics when the document cannot be converted or progenitor fails on it.
fn prepare_progenitor(report: &mut Report) -> Vec<Crate> {
    let bin = match progenitor::build_generator() {
        Ok(bin) => bin,
        Err(why) => {
            report.line(format!(
                "the progenitor generator cannot be built here: {why}; its clients are not measured"
            ));
            return Vec::new();
        }
    };
    let version = progenitor::version().unwrap_or_else(|e| panic!("{e}"));
    let source = paths::workspace_root().join("spec/openapi.json");
    let text = std::fs::read_to_string(&source).expect("spec/openapi.json");
    let mut doc: Value = serde_json::from_str(&text).expect("spec/openapi.json is JSON");
    let changes = progenitor::down_convert(&mut doc)
        .unwrap_or_else(|e| panic!("spec/openapi.json cannot be converted to OpenAPI 3.0: {e}"));
    report.line(format!(
        "progenitor {version}: spec/openapi.json converted to OpenAPI 3.0 ({} rules applied):",
        changes.len()
    ));
    for (rule, n) in &changes {
        report.line(format!("  {n:>3} × {rule}"));
    }
    report.data("progenitor_version", json!(version));
    report.data("progenitor_conversion", json!(changes));
    let operation_ids: Vec<String> = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("operationId")?.as_str().map(str::to_owned))
        .collect();

    let dir = std::env::temp_dir().join("alli-bench-progenitor-client");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the progenitor client dir");
    let spec = dir.join("openapi-3.0.json");
    std::fs::write(
        &spec,
        serde_json::to_string_pretty(&doc).expect("serialize"),
    )
    .expect("write the 3.0 document");
    let target_dir = paths::kept_work_dir("compile-target-progenitor");
    let mut crates = Vec::new();
    for (role, style, package, label) in [
        (
            Role::Progenitor,
            "positional",
            "alli_progenitor",
            "progenitor client (positional)",
        ),
        (
            Role::ProgenitorBuilder,
            "builder",
            "alli_progenitor_builder",
            "progenitor client (builder)",
        ),
    ] {
        let out = dir.join(style);
        progenitor::generate(&bin, &spec, &out, package, style);
        let lib = out.join("src/lib.rs");
        let code = std::fs::read_to_string(&lib).expect("progenitor's lib.rs");
        for id in &operation_ids {
            let method = format!("fn {}", heck::AsSnakeCase(id));
            assert!(
                code.contains(&format!("{method}(")) || code.contains(&format!("{method}<")),
                "progenitor's {style} client has no method for operation {id} ({method})"
            );
        }
        // reqwest's rustls, as a feature of the crate (the generated manifest has reqwest
        // without TLS).
        let manifest = out.join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest).expect("progenitor's Cargo.toml");
        text.push_str("\n[features]\nrustls = [\"reqwest/rustls\"]\n");
        std::fs::write(&manifest, text).expect("write progenitor's Cargo.toml");
        let lines = rust_lines(&out.join("src")).to_string();
        report.line(format!(
            "progenitor {version} client, {style} interface: {lines} lines of Rust in {}, one method per operation ({})",
            out.display(),
            operation_ids.len()
        ));
        crates.push(Crate {
            role,
            label,
            package,
            measured: package,
            crate_name: package,
            dependents: &[],
            manifest_dir: dir.clone(),
            target_dir: target_dir.clone(),
            extra_args: vec!["--features", "rustls"],
            touch: lib,
            lines,
        });
    }
    own_workspace(
        &dir,
        "[workspace]\nresolver = \"3\"\nmembers = [\"positional\", \"builder\"]\n",
    );
    // The calling crate: the two operations of `CALLED`, through a copy of the positional
    // client (the rounds touch the original, which would rebuild it under the caller).
    let client_copy = paths::fresh_work_dir("caller-progenitor-client");
    corpus::scratch::copy_dir(&dir.join("positional"), &client_copy, &["target"])
        .expect("copy the positional client");
    let code = std::fs::read_to_string(dir.join("positional/src/lib.rs")).expect("lib.rs");
    let calls: Vec<String> = CALLED
        .iter()
        .map(|(method, path)| {
            let id = doc["paths"][*path][*method]["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("no operationId for {method} {path}"));
            let call = progenitor_call(&code, &heck::AsSnakeCase(id).to_string());
            format!("    let _ = {call}.await;\n")
        })
        .collect();
    let lib = format!(
        "pub async fn demo(client: &alli_progenitor::Client) {{\n{}}}\n",
        calls.concat()
    );
    crates.push(caller_crate(
        Role::CallerProgenitor,
        "calling crate, progenitor",
        "caller_progenitor",
        &format!(
            "alli_progenitor = {{ path = {:?}, features = [\"rustls\"] }}",
            client_copy.display().to_string()
        ),
        &lib,
        format!("{} lines", lib.lines().count()),
    ));
    crates
}

/// The two operations the calling crates await, by method and path: one answer by id, one
/// page of a list.
const CALLED: [(&str, &str); 2] = [
    ("get", "/webapi/v2/conversations/{conversation_id}"),
    ("get", "/webapi/v2/conversations"),
];

/// A calling crate: a workspace of its own at `<bench-work>/<name>` whose library is `lib`,
/// depending on `dependency` (a `[dependencies]` line), with its own target dir (so cleaning
/// the measured clients never removes what it links).
fn caller_crate(
    role: Role,
    label: &'static str,
    name: &'static str,
    dependency: &str,
    lib: &str,
    lines: String,
) -> Crate {
    let dir = paths::fresh_work_dir(name);
    std::fs::create_dir_all(dir.join("src")).expect("create the caller's src");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{dependency}\n"),
    )
    .expect("write the caller's Cargo.toml");
    std::fs::write(dir.join("src/lib.rs"), lib).expect("write the caller's lib.rs");
    own_workspace(&dir, "[workspace]\n");
    Crate {
        role,
        label,
        package: name,
        measured: name,
        crate_name: name,
        dependents: &[],
        manifest_dir: dir.clone(),
        target_dir: paths::kept_work_dir(&format!("{name}-target")),
        extra_args: vec![],
        touch: dir.join("src/lib.rs"),
        lines,
    }
}

/// A call of progenitor's positional method `method` as written in `code`: `None` for every
/// optional parameter, `"c1"` for a required string; any other required type stops the bench.
fn progenitor_call(code: &str, method: &str) -> String {
    let start = code
        .find(&format!("pub async fn {method}<"))
        .unwrap_or_else(|| panic!("progenitor's client has no method {method}"));
    let sig = &code[start..];
    let params_start = sig.find("&'a self,").expect("a method of Client") + "&'a self,".len();
    let params_end = sig.find(") -> ").expect("a return type");
    // prettyplease writes one parameter per line.
    let args: Vec<&str> = sig[params_start..params_end]
        .lines()
        .map(|l| l.trim().trim_end_matches(','))
        .filter(|p| !p.is_empty())
        .map(|p| {
            let ty = p.split_once(':').map_or("", |(_, t)| t.trim());
            if ty.starts_with("Option<") {
                "None"
            } else if ty == "&'a str" {
                "\"c1\""
            } else {
                panic!("{method}: a required parameter of type {ty} (the calling crate passes only strings)")
            }
        })
        .collect();
    format!("client.{method}({})", args.join(", "))
}

fn main() -> ExitCode {
    if let Some(log) = std::env::var_os(LOG_ENV) {
        return wrap_rustc(Path::new(&log));
    }
    let mut report = Report::new("compile");
    let ws = paths::fresh_work_dir("compile-ws");
    project::copy_workspace_sources(&ws);
    let src = ws.join("alli-api/src");
    let generated = ["types.rs", "apps.rs", "conversations.rs", "mod.rs"].map(|f| {
        std::fs::read_to_string(src.join("generated").join(f)).map_or(0, |t| t.lines().count())
    });
    // What alli-api itself adds to the generated code: the client type and the re-exports.
    let glue =
        rust_lines(&src) - rust_lines(&src.join("generated")) - rust_lines(&src.join("mock"));
    let runtime = rust_lines(&ws.join("alli-api-runtime/src"));
    let alli_lines = format!(
        "{} generated (types {}, apps {}, conversations {}) + {glue} hand-written (client type, re-exports)",
        generated.iter().sum::<usize>(),
        generated[0],
        generated[1],
        generated[2]
    );
    report.line(format!(
        "alli-api: {alli_lines} lines of Rust (without the `mock` feature's code, which these builds do not compile); its runtime, alli-api-runtime: {runtime}"
    ));
    let alli_target = paths::kept_work_dir("compile-target-alli");
    let alli = |role, label, extra_args, lines: String| Crate {
        role,
        label,
        package: "alli-api",
        measured: "alli-api",
        crate_name: "alli_api",
        dependents: &[],
        manifest_dir: ws.clone(),
        target_dir: alli_target.clone(),
        extra_args,
        touch: ws.join("alli-api/src/generated/types.rs"),
        lines,
    };
    let mut crates = vec![alli(Role::Alli, "alli-api", vec![], alli_lines.clone())];
    // The calling crate of alli-api: the two operations of `CALLED`, by their pinned names,
    // through a copy of the workspace (the rounds touch `ws`, which would rebuild alli-api
    // under the caller).
    let ws_caller = paths::fresh_work_dir("caller-alli-ws");
    project::copy_workspace_sources(&ws_caller);
    let lib = "pub async fn demo(client: &alli_api::Client) {\n    let _ = client.conversations().get(\"c1\").send().await;\n    let _ = client.conversations().list().send().await;\n}\n";
    crates.push(caller_crate(
        Role::CallerAlli,
        "calling crate, alli-api",
        "caller_alli",
        &format!(
            "alli-api = {{ path = {:?} }}",
            ws_caller.join("alli-api").display().to_string()
        ),
        lib,
        format!("{} lines", lib.lines().count()),
    ));
    crates.extend(prepare_oag(&mut report));
    crates.extend(prepare_progenitor(&mut report));
    crates.push(alli(
        Role::AlliOneResource,
        "alli-api, `conversations` only",
        vec![
            "--no-default-features",
            "--features",
            "rustls,conversations",
        ],
        format!(
            "conversations.rs {} + its types out of types.rs + {glue} hand-written",
            generated[2]
        ),
    ));
    crates.push(alli(
        Role::AlliFullSerde,
        "alli-api + `full-serde`",
        vec!["--features", "full-serde"],
        alli_lines,
    ));
    // The runtime crate, measured in a build of alli-api (so with the dependencies' features
    // alli-api's build unifies, exactly the artifact alli-api uses; built alone it would be
    // another variant, and its `clean -p` would remove alli-api's). alli-api is rebuilt after
    // it, unmeasured.
    crates.push(Crate {
        role: Role::Runtime,
        label: "alli-api-runtime",
        package: "alli-api",
        measured: "alli-api-runtime",
        crate_name: "alli_api_runtime",
        dependents: &["alli_api"],
        manifest_dir: ws.clone(),
        target_dir: alli_target.clone(),
        extra_args: vec![],
        touch: ws.join("alli-api-runtime/src/lib.rs"),
        lines: format!("{runtime} runtime"),
    });

    let log = paths::kept_work_dir("compile-logs").join("rustc.log");
    let mut progenitor_client_ms = None;
    for c in &crates {
        eprintln!(
            "building the dependencies of {} (not measured) ...",
            c.label
        );
        let (_, mut text) = cargo_build_logged(c, &log);
        if c.role == Role::Progenitor {
            // Rebuilt once more, alone (its dependencies are built now, so nothing compiles
            // beside it), to report what progenitor's runtime crate costs.
            cargo_clean(c, "progenitor-client");
            text = cargo_build_logged(c, &log).1;
        }
        if let Some((_, wall, cpu)) = rustc_runs(&text)
            .into_iter()
            .find(|r| r.0 == "progenitor_client")
        {
            report.line(format!(
                "progenitor-client (the progenitor clients' runtime, a dependency; built once here, in the totals with runtimes only) built in {wall:.0} ms rustc wall, {cpu:.0} ms CPU"
            ));
            report.data("progenitor_client_rustc_ms", json!(wall));
            progenitor_client_ms = Some(wall);
        }
    }

    // Each sample: (full, incremental) of one crate.
    let rounds = measure::rounds(3, 1);
    let mut full: Vec<Vec<Build>> = crates.iter().map(|_| Vec::new()).collect();
    let mut incr: Vec<Vec<Build>> = crates.iter().map(|_| Vec::new()).collect();
    let names: Vec<&str> = crates.iter().map(|c| c.label).collect();
    let _ = Interleaved::run(&names, rounds, |v, _| {
        let c = &crates[v];
        cargo_clean(c, c.measured);
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
    let mut figures = serde_json::Map::new();
    for (v, c) in crates.iter().enumerate() {
        for (kind, builds) in [
            ("full build of the crate", &full[v]),
            ("incremental, one file touched", &incr[v]),
        ] {
            report.line(format!(
                "{:<34} {kind:<30} rustc {:>6.0} ms wall, {:>6.0} ms CPU; cargo {:>6.0} ms",
                c.label,
                med(builds, |b| b.rustc_wall_ms),
                med(builds, |b| b.rustc_cpu_ms),
                med(builds, |b| b.cargo_ms),
            ));
        }
        figures.insert(
            c.label.to_owned(),
            json!({
                "lines": c.lines,
                "full_rustc_ms": med(&full[v], |b| b.rustc_wall_ms),
                "full_rustc_cpu_ms": med(&full[v], |b| b.rustc_cpu_ms),
                "incremental_rustc_ms": med(&incr[v], |b| b.rustc_wall_ms),
                "incremental_rustc_cpu_ms": med(&incr[v], |b| b.rustc_cpu_ms),
                "full_rustc_ms_by_round": full[v].iter().map(|b| b.rustc_wall_ms).collect::<Vec<_>>(),
                "incremental_rustc_ms_by_round": incr[v].iter().map(|b| b.rustc_wall_ms).collect::<Vec<_>>(),
            }),
        );
    }
    report.data("crates", Value::Object(figures));

    let index = |role: Role| crates.iter().position(|c| c.role == role);
    let alli = index(Role::Alli).expect("alli-api is always measured");
    // Paired per-round ratios of `a` to `b`: (median, min, max) of rustc wall, median of CPU.
    let ratio = |builds: &[Vec<Build>], a: usize, b: usize| {
        let per_round = |f: fn(&Build) -> f64| -> Vec<f64> {
            builds[a]
                .iter()
                .zip(&builds[b])
                .map(|(x, y)| f(x) / f(y))
                .collect()
        };
        let wall = per_round(|b| b.rustc_wall_ms);
        let (lo, hi) = measure::min_max(&wall);
        (
            measure::median(&wall),
            lo,
            hi,
            measure::median(&per_round(|b| b.rustc_cpu_ms)),
        )
    };
    for (role, what, key) in [
        (
            Role::AlliOneResource,
            "alli-api with `conversations` only",
            "one_resource_over_alli_full",
        ),
        (
            Role::AlliFullSerde,
            "alli-api with `full-serde`",
            "full_serde_over_alli_full",
        ),
        (
            Role::Runtime,
            "the runtime crate, alli-api-runtime",
            "runtime_over_alli_full",
        ),
    ] {
        if let Some(x) = index(role) {
            let (r, lo, hi, _) = ratio(&full, x, alli);
            report.line(format!(
                "{what}: {r:.2}× alli-api's full build (rounds {lo:.2}–{hi:.2}), {:+.0} ms",
                med(&full[x], |b| b.rustc_wall_ms) - med(&full[alli], |b| b.rustc_wall_ms)
            ));
            report.data(key, json!(r));
        }
    }
    // (peer, what it is called, target factor: None = reported without a target)
    let peers = [
        (Role::Oag, "openapi-generator client", Some(0.5)),
        (
            Role::Progenitor,
            "progenitor client (positional)",
            Some(1.0),
        ),
        (Role::ProgenitorBuilder, "progenitor client (builder)", None),
    ];
    for (subject, subject_name) in [
        (alli, "alli-api"),
        (
            index(Role::AlliOneResource).expect("measured"),
            "alli-api `conversations` only",
        ),
    ] {
        for (peer_role, peer_name, target) in peers {
            let Some(peer) = index(peer_role) else {
                continue;
            };
            for (kind, builds) in [("full build", &full), ("incremental rebuild", &incr)] {
                let (r, lo, hi, rc) = ratio(builds, subject, peer);
                report.line(format!(
                    "{kind}: {subject_name} / {peer_name} = {r:.2}× rustc wall (rounds {lo:.2}–{hi:.2}), {rc:.2}× rustc CPU"
                ));
                report.data(
                    &format!("ratio {subject_name} / {peer_name}, {kind}"),
                    json!({"wall": r, "cpu": rc, "min": lo, "max": hi}),
                );
                if let (Some(t), true) = (target, subject == alli) {
                    report.verdict(
                        &format!("compile time ({kind}), alli-api / {peer_name}"),
                        r,
                        "×",
                        &format!("≤ {t}×"),
                        r <= t,
                    );
                }
            }
        }
    }
    // Where the operations' code went: a crate awaiting two operations of each client.
    if let (Some(a), Some(p)) = (index(Role::CallerAlli), index(Role::CallerProgenitor)) {
        for (kind, builds) in [("full build", &full), ("incremental rebuild", &incr)] {
            let (r, lo, hi, rc) = ratio(builds, a, p);
            report.line(format!(
                "{kind}: a crate calling two operations, with alli-api / with progenitor (positional) = {r:.2}× rustc wall (rounds {lo:.2}–{hi:.2}), {rc:.2}× rustc CPU"
            ));
            report.data(
                &format!("ratio calling crate alli-api / progenitor, {kind}"),
                json!({"wall": r, "cpu": rc, "min": lo, "max": hi}),
            );
        }
    }
    // From scratch, each client with its runtime: alli-api + alli-api-runtime (the medians of
    // both), openapi-generator's crate (its runtime is inside it), progenitor + progenitor-client
    // (built once above). No target: this is what a first build of each costs.
    if let Some(rt) = index(Role::Runtime) {
        let total = med(&full[alli], |b| b.rustc_wall_ms) + med(&full[rt], |b| b.rustc_wall_ms);
        report.line(format!(
            "from scratch, with runtimes: alli-api + alli-api-runtime {total:.0} ms rustc wall"
        ));
        report.data("alli_with_runtime_full_rustc_ms", json!(total));
        for (peer_role, peer_name, peer_runtime) in [
            (Role::Oag, "openapi-generator client", Some(0.0)),
            (
                Role::Progenitor,
                "progenitor client (positional) + progenitor-client",
                progenitor_client_ms,
            ),
        ] {
            let (Some(peer), Some(extra)) = (index(peer_role), peer_runtime) else {
                continue;
            };
            let theirs = med(&full[peer], |b| b.rustc_wall_ms) + extra;
            report.line(format!(
                "from scratch, with runtimes: alli-api + alli-api-runtime / {peer_name} = {:.2}× ({total:.0} ms / {theirs:.0} ms)",
                total / theirs
            ));
            report.data(
                &format!("ratio with runtimes, alli-api / {peer_name}"),
                json!(total / theirs),
            );
        }
    }
    report.finish();
    ExitCode::SUCCESS
}
