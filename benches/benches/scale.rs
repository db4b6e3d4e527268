//! Bench 2 — scale: synthetic docs with N = 250, 1000, 2000 endpoints through the whole
//! pipeline in process (`generator::run`), time and peak heap.
//!
//! `cargo bench -p benches --bench scale`
//!
//! The pages come from `benches::synth` (shared components, inline bodies, nullable fields in
//! both 3.1 and 3.0 spelling, enums, nested objects, cursor and page-number pagination, typed
//! errors; 25 endpoints per page, one tag per page). Each size and the current Alli docs are
//! run once per round, in alternating order. Peak heap comes from a counting global allocator
//! (bytes live at the peak above what was live before the run).
//!
//! Targets: 2000 endpoints under 2 s; linear growth (2× endpoints → at most 2.2× time).
//! `BENCH_SIZES=250,500` picks other sizes; `BENCH_QUICK=1` runs fewer rounds.

// Variants are indexes into parallel tables of samples.
#![allow(clippy::needless_range_loop)]

use std::path::PathBuf;
use std::time::Instant;

use benches::alloc::{self, Counting};
use benches::measure::{self, Interleaved, Report, ms};
use benches::{paths, project, synth};
use generator::Layout;
use serde_json::json;

#[global_allocator]
static ALLOC: Counting = Counting;

struct Case {
    name: String,
    n: usize,
    layout: Layout,
}

fn check(case: &Case, outputs: &generator::Outputs, expected: Option<synth::Expected>) {
    let doc = outputs.spec.as_ref().expect("spec").document();
    let ops: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| generator::http::operations(item).count())
        .sum();
    let schemas = doc["components"]["schemas"]
        .as_object()
        .map_or(0, |m| m.len());
    let generated = outputs.generated.as_ref().expect("generated");
    assert_eq!(ops, case.n, "{}: operations", case.name);
    assert!(generated.files.iter().all(|(_, t)| t.len() > 100));
    if let Some(e) = expected {
        assert_eq!(ops, e.operations, "{}: operations", case.name);
        assert_eq!(schemas, e.named_schemas, "{}: named schemas", case.name);
        // types.rs, mod.rs and one module per tag (page).
        assert_eq!(
            generated.files.len(),
            e.pages + 2,
            "{}: generated files",
            case.name
        );
        let types = &generated
            .files
            .iter()
            .find(|(n, _)| n == "types.rs")
            .expect("types.rs")
            .1;
        let structs = types.matches("pub struct ").count();
        // At least the resource, its create body, list/events responses per resource.
        assert!(
            structs >= 4 * case.n / synth::PER_RESOURCE,
            "{}: only {structs} structs",
            case.name
        );
        assert!(
            outputs.warnings.warning_count() >= case.n / synth::PER_RESOURCE,
            "{}: the 3.0 `nullable` repairs were not reported",
            case.name
        );
    }
}

fn main() {
    let mut report = Report::new("scale");
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![250, 1000, 2000]);

    // The current docs, as the reference measured in the same rounds.
    let current_root = paths::fresh_work_dir("scale-current");
    project::copy_generator_project(&current_root);
    let current_ops = generator::run(&Layout::new(&current_root), &[])
        .expect("pipeline on the current docs")
        .imported
        .locale("en")
        .count();
    let mut cases = vec![Case {
        name: "current docs".to_owned(),
        n: current_ops,
        layout: Layout::new(&current_root),
    }];
    let mut expected = vec![None];
    for &n in &sizes {
        let root: PathBuf = paths::fresh_work_dir(&format!("scale-{n}"));
        let e = synth::write_project(&root, n);
        let bytes: u64 = std::fs::read_dir(root.join("spec/docs/en"))
            .expect("docs")
            .flatten()
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum();
        report.line(format!(
            "N = {n}: {} pages, {:.1} MB of docs, {} named schemas expected",
            e.pages,
            bytes as f64 / 1e6,
            e.named_schemas
        ));
        cases.push(Case {
            name: format!("N = {n}"),
            n,
            layout: Layout::new(&root),
        });
        expected.push(Some(e));
    }

    // Correctness and peak heap, one run each.
    let mut peak = Vec::new();
    for (case, e) in cases.iter().zip(&expected) {
        let (outputs, peak_bytes, allocs) =
            alloc::measure(|| generator::run(&case.layout, &[]).expect("pipeline"));
        check(case, &outputs, *e);
        let out_bytes: usize = outputs.files.files().values().map(String::len).sum();
        report.line(format!(
            "{:<13} peak heap {:>8.1} MB ({:>6.1} KB per endpoint), {:>9} allocations, {:>6} warnings, output {:.1} MB",
            case.name,
            peak_bytes as f64 / 1e6,
            peak_bytes as f64 / 1e3 / case.n as f64,
            allocs,
            outputs.warnings.warning_count(),
            out_bytes as f64 / 1e6,
        ));
        peak.push(peak_bytes);
        drop(outputs);
    }

    // Time: every case once per round, alternating order.
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    let rounds = measure::rounds(7, 2);
    let mut cpu = vec![Vec::new(); cases.len()];
    let m = Interleaved::run(&names, rounds, |v, _| {
        let (outputs, wall, c) =
            measure::timed(|| generator::run(&cases[v].layout, &[]).expect("pipeline"));
        assert!(outputs.generated.is_some());
        cpu[v].push(ms(c));
        ms(wall)
    });
    let mut rows = Vec::new();
    for (v, case) in cases.iter().enumerate() {
        let t = m.median(v);
        report.line(format!(
            "{:<13} median {:>8.1} ms wall, {:>8.1} ms CPU, {:>6.3} ms per endpoint; {:>6.1}× the current docs",
            case.name,
            t,
            measure::median(&cpu[v]),
            t / case.n as f64,
            m.ratio(v, 0).0
        ));
        rows.push(json!({"case": case.name, "n": case.n, "wall_ms": t, "cpu_ms": measure::median(&cpu[v]), "peak_heap_bytes": peak[v]}));
    }
    report.data("cases", json!(rows));

    // Stages, to see which one grows: import / merge / generate per size.
    let stage_rounds = measure::rounds(3, 1);
    let mut stages = vec![[Vec::new(), Vec::new(), Vec::new()]; cases.len()];
    for _ in 0..stage_rounds {
        for (v, case) in cases.iter().enumerate() {
            let layout = &case.layout;
            let start = Instant::now();
            let pages = generator::import::read_pages(layout).expect("pages");
            let imported = generator::import::import(layout, &pages).expect("import");
            let t_import = ms(start.elapsed());
            let start = Instant::now();
            let spec = generator::spec::build(
                layout,
                generator::spec::fragments_from_import(&imported, layout.primary_locale()),
            )
            .expect("merge");
            let t_merge = ms(start.elapsed());
            let start = Instant::now();
            let generated = generator::codegen::generate(
                spec.document(),
                &spec.settings,
                &generator::codegen::CodegenSettings::default(),
                &Default::default(),
            )
            .expect("generate");
            let t_gen = ms(start.elapsed());
            assert!(!generated.files.is_empty());
            stages[v][0].push(t_import);
            stages[v][1].push(t_merge);
            stages[v][2].push(t_gen);
        }
    }
    let mut stage_rows = Vec::new();
    for (v, case) in cases.iter().enumerate() {
        let [i, mg, g] = &stages[v];
        let (i, mg, g) = (measure::median(i), measure::median(mg), measure::median(g));
        report.line(format!(
            "{:<13} stages: import {:>8.1} ms, merge {:>8.1} ms, generate {:>8.1} ms",
            case.name, i, mg, g
        ));
        stage_rows
            .push(json!({"case": case.name, "import_ms": i, "merge_ms": mg, "generate_ms": g}));
    }
    report.data("stages", json!(stage_rows));

    // Targets.
    if let Some(v2000) = cases
        .iter()
        .position(|c| c.n == 2000 && c.name != "current docs")
    {
        let t = m.median(v2000);
        report.verdict(
            "2000 endpoints, whole pipeline in process (absolute; drifts with load)",
            t / 1e3,
            " s",
            "< 2 s",
            t < 2000.0,
        );
    }
    // Growth between consecutive sizes, per round, normalized to a doubling:
    // (t_b / t_a) ^ (1 / log2(n_b / n_a)) is the time factor per doubling.
    for w in 1..cases.len().saturating_sub(1) {
        let (a, b) = (w, w + 1);
        let (r, lo, hi) = m.ratio(b, a);
        let doublings = (cases[b].n as f64 / cases[a].n as f64).log2();
        let per_doubling = r.powf(1.0 / doublings);
        report.line(format!(
            "growth {} → {}: time × {r:.2} (rounds {lo:.2}–{hi:.2}) for endpoints × {:.1}; {per_doubling:.2}× per doubling",
            cases[a].name,
            cases[b].name,
            cases[b].n as f64 / cases[a].n as f64
        ));
        report.verdict(
            &format!(
                "time per doubling of endpoints, {} → {}",
                cases[a].name, cases[b].name
            ),
            per_doubling,
            "×",
            "≤ 2.2×",
            per_doubling <= 2.2,
        );
        let (pa, pb) = (peak[a] as f64, peak[b] as f64);
        report.line(format!(
            "  peak heap × {:.2} ({:.2}× per doubling)",
            pb / pa,
            (pb / pa).powf(1.0 / doublings)
        ));
    }
    report.line(format!(
        "peak RSS of the bench process: {:.0} MB",
        measure::self_max_rss_kib() as f64 / 1e3
    ));
    report.finish();
}
