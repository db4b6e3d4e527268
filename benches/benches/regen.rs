//! Bench 1 — regen speed on the checked-in Alli docs.
//!
//! `cargo bench -p benches --bench regen`
//!
//! 1. In process (criterion): `generator::run` (import → merge → generate → format, all in
//!    memory) and its stages, on a copy of `spec/` and `alli-api/src/generated/`.
//! 2. Whole process: the release `xtask` binary (`cargo xtask regen` without cargo in front)
//!    run with `ALLI_PROJECT_ROOT` on that copy, against `openapi-generator-cli generate -g
//!    rust` (and `java -jar openapi-generator.jar`, the same without the Python wrapper) on the
//!    same `spec/openapi.json`, interleaved round by round.
//!
//! Target: under 50 ms for the current docs. `BENCH_QUICK=1` for a fast check run.

// Variants are indexes into parallel tables of samples.
#![allow(clippy::needless_range_loop)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use benches::measure::{self, Interleaved, Report, ms};
use benches::{oag, paths, project};
use criterion::Criterion;
use generator::{Change, Layout};

/// The allocator `cargo xtask regen` uses, so the in-process figures match the command.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn operations(outputs: &generator::Outputs) -> usize {
    let doc = outputs.spec.as_ref().expect("spec").document();
    doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| generator::http::operations(item).count())
        .sum()
}

/// Checks a pipeline run did the whole job; returns the operation count.
fn check_outputs(layout: &Layout, outputs: &generator::Outputs) -> usize {
    let docs_endpoints = outputs.imported.locale("en").count();
    let ops = operations(outputs);
    assert!(ops > 0, "no operations");
    assert_eq!(
        ops, docs_endpoints,
        "one operation per English docs endpoint"
    );
    let generated = outputs.generated.as_ref().expect("generated code");
    let types = generated
        .files
        .iter()
        .find(|(n, _)| n == "types.rs")
        .expect("types.rs generated");
    for needle in [
        "pub struct ConversationsResponse",
        "pub struct Conversation ",
        "pub struct Chat ",
    ] {
        assert!(types.1.contains(needle), "types.rs lacks `{needle}`");
    }
    for (name, text) in &generated.files {
        assert!(text.len() > 100, "{name} is (nearly) empty");
    }
    let changes = outputs
        .files
        .compare(layout)
        .expect("compare with the copy");
    let stale: Vec<_> = changes
        .iter()
        .filter(|(_, c)| *c != Change::Unchanged)
        .map(|(p, c)| format!("{} {}", c.as_str(), p.display()))
        .collect();
    if stale.is_empty() {
        println!(
            "pipeline output = the checked-in files ({} files)",
            changes.len()
        );
    } else {
        println!(
            "note: the working tree is not regenerated (`cargo xtask check` would fail): {}",
            stale.join(", ")
        );
    }
    ops
}

fn in_process(c: &mut Criterion, layout: &Layout, report: &mut Report) {
    let mut group = c.benchmark_group("regen");
    group.sample_size(if measure::quick() { 10 } else { 40 });
    group.measurement_time(Duration::from_secs(if measure::quick() { 2 } else { 8 }));
    group.bench_function("pipeline (generator::run)", |b| {
        b.iter(|| generator::run(layout, &[]).expect("pipeline"))
    });
    let pages = generator::import::read_pages(layout).expect("read pages");
    group.bench_function("stage: read pages", |b| {
        b.iter(|| generator::import::read_pages(layout).expect("read pages"))
    });
    group.bench_function(
        "stage: import (parse pages, fragments, YAML round trip)",
        |b| b.iter(|| generator::import::import(layout, &pages).expect("import")),
    );
    let imported = generator::import::import(layout, &pages).expect("import");
    group.bench_function(
        "stage: merge (normalize, merge, overrides, validate)",
        |b| {
            b.iter(|| {
                let fragments = generator::spec::fragments_from_import(&imported, "en");
                generator::spec::build(layout, fragments).expect("merge")
            })
        },
    );
    let spec = generator::spec::build(
        layout,
        generator::spec::fragments_from_import(&imported, "en"),
    )
    .expect("merge");
    let settings = generator::codegen::CodegenSettings::default();
    group.bench_function("stage: generate (lower, IR, quote!, prettyplease)", |b| {
        b.iter(|| {
            generator::codegen::generate(
                spec.document(),
                &spec.settings,
                &settings,
                &Default::default(),
            )
            .expect("generate")
        })
    });
    group.finish();

    // The same, interleaved by hand, for the report (criterion prints its own estimates):
    // each round runs each variant `reps` times; a sample is the median of those.
    let rounds = measure::rounds(15, 5);
    let reps = 5;
    let m = Interleaved::run(
        &["pipeline", "import", "merge", "generate"],
        rounds,
        |v, _| {
            let mut times = Vec::with_capacity(reps);
            for _ in 0..reps {
                let start = Instant::now();
                match v {
                    0 => drop(generator::run(layout, &[]).expect("pipeline")),
                    1 => drop(generator::import::import(layout, &pages).expect("import")),
                    2 => drop(
                        generator::spec::build(
                            layout,
                            generator::spec::fragments_from_import(&imported, "en"),
                        )
                        .expect("merge"),
                    ),
                    _ => drop(
                        generator::codegen::generate(
                            spec.document(),
                            &spec.settings,
                            &settings,
                            &Default::default(),
                        )
                        .expect("generate"),
                    ),
                }
                times.push(ms(start.elapsed()));
            }
            measure::median(&times)
        },
    );
    let total = m.median(0);
    report.line(format!(
        "in process, generator::run: median {total:.1} ms ({reps} runs × {rounds} rounds)"
    ));
    for v in 1..4 {
        report.line(format!(
            "  stage {:<9} {:>6.1} ms  ({:.0} % of the pipeline)",
            m.names[v],
            m.median(v),
            100.0 * m.median(v) / total
        ));
    }
    report.data(
        "in_process_ms",
        serde_json::json!({"pipeline": total, "import": m.median(1), "merge": m.median(2), "generate": m.median(3)}),
    );
    report.verdict(
        "in-process regen of the current docs (absolute; drifts with load)",
        total,
        " ms",
        "< 50 ms",
        total < 50.0,
    );
}

/// Builds the release xtask binary (the one `cargo xtask` runs, in release).
fn build_xtask() -> PathBuf {
    let target = paths::target_dir();
    let status = Command::new(paths::cargo())
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "xtask",
            "--target-dir",
        ])
        .arg(&target)
        .current_dir(paths::workspace_root())
        .status()
        .expect("run cargo build -p xtask");
    assert!(status.success(), "cargo build --release -p xtask failed");
    let exe = target.join("release/xtask");
    assert!(exe.is_file(), "no {}", exe.display());
    exe
}

/// Runs a command to completion; (wall ms, child CPU ms, stdout).
fn run_child(cmd: &mut Command) -> (f64, f64, String) {
    let (cpu0, _) = measure::children_usage();
    let start = Instant::now();
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("spawn");
    let wall = ms(start.elapsed());
    let (cpu1, _) = measure::children_usage();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        wall,
        ms(cpu1.saturating_sub(cpu0)),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn whole_process(project_root: &Path, ops: usize, report: &mut Report) {
    let xtask = build_xtask();
    let regen = || {
        let mut cmd = Command::new(&xtask);
        cmd.arg("regen").env("ALLI_PROJECT_ROOT", project_root);
        cmd
    };
    let expect = format!("{ops} operations");
    // The first run may write (when the working tree was not regenerated); later ones don't.
    let (_, _, out) = run_child(&mut regen());
    assert!(out.contains(&expect), "xtask regen said: {out}");

    let spec = project_root.join("spec/openapi.json");
    let oag_out = paths::fresh_work_dir("regen-oag-out");
    let oag = match oag::find_or_install() {
        Ok(o) => Some(o),
        Err(why) => {
            report.line(format!("openapi-generator-cli cannot run here: {why}"));
            None
        }
    };
    let mut names = vec!["xtask regen (process)"];
    if let Some(o) = &oag {
        report.line(format!(
            "reference: openapi-generator-cli {} (`generate -g rust`), {}; runs offline (jar bundled in the wheel)",
            o.version, o.java
        ));
        names.push("openapi-generator-cli");
        if o.jar.is_some() {
            names.push("java -jar openapi-generator.jar");
        }
    }
    let rounds = measure::rounds(7, 2);
    let reps = if measure::quick() { 5 } else { 15 };
    let mut cpu = vec![Vec::new(); names.len()];
    let m = Interleaved::run(&names, rounds, |v, _| {
        if v == 0 {
            let mut walls = Vec::new();
            let mut cpus = Vec::new();
            for _ in 0..reps {
                let (w, c, out) = run_child(&mut regen());
                assert!(out.contains(&expect), "xtask regen said: {out}");
                assert!(!out.contains("changed "), "regen rewrote files: {out}");
                walls.push(w);
                cpus.push(c);
            }
            cpu[0].push(measure::median(&cpus));
            measure::median(&walls)
        } else {
            let o = oag.as_ref().expect("oag");
            let mut cmd = if v == 1 {
                oag::generate_cmd(o, &spec, &oag_out)
            } else {
                oag::generate_cmd_java(o, &spec, &oag_out).expect("jar")
            };
            let (w, c, _) = run_child(&mut cmd);
            assert!(
                oag_out.join("src/lib.rs").is_file(),
                "openapi-generator wrote no client"
            );
            cpu[v].push(c);
            w
        }
    });
    for (v, name) in names.iter().enumerate() {
        report.line(format!(
            "whole process: {name:<34} median wall {:>8.1} ms, CPU {:>8.1} ms",
            m.median(v),
            measure::median(&cpu[v])
        ));
    }
    let t = m.median(0);
    report.data("xtask_regen_process_ms", serde_json::json!(t));
    report.verdict(
        "`xtask regen` whole process, current docs (absolute; drifts with load)",
        t,
        " ms",
        "< 50 ms",
        t < 50.0,
    );
    for v in 1..names.len() {
        let (r, lo, hi) = m.ratio(0, v);
        report.line(format!(
            "ratio xtask regen / {}: {r:.4}× (per-round range {lo:.4}–{hi:.4}); i.e. {:.0}× faster",
            names[v],
            1.0 / r
        ));
        report.data(
            &format!("ratio_vs_{}", if v == 1 { "oag_cli" } else { "oag_java" }),
            serde_json::json!({"median": r, "min": lo, "max": hi}),
        );
    }
}

fn main() {
    let mut report = Report::new("regen");
    let project_root = paths::fresh_work_dir("regen-project");
    project::copy_generator_project(&project_root);
    let layout = Layout::new(&project_root);
    let outputs = generator::run(&layout, &[]).expect("the pipeline fails on the checked-in docs");
    let ops = check_outputs(&layout, &outputs);
    report.line(format!(
        "current docs: {} pages, {} fragments, {ops} operations, {} generated files",
        generator::import::read_pages(&layout).expect("pages").len(),
        outputs.imported.fragments.len(),
        outputs.generated.as_ref().map_or(0, |g| g.files.len())
    ));

    let mut c = Criterion::default().configure_from_args();
    in_process(&mut c, &layout, &mut report);
    c.final_summary();
    whole_process(&project_root, ops, &mut report);
    report.finish();
}
