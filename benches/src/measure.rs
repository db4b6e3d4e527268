//! Clocks, medians, interleaved A/B measurement and the result report of each bench.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// CPU time used by this process so far, all threads (`CLOCK_PROCESS_CPUTIME_ID`, ns
/// resolution).
#[allow(unsafe_code)]
pub fn process_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant the libc knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Resource use of the waited-for children of this process so far: (user + system CPU time,
/// largest peak RSS of one child in KiB).
#[allow(unsafe_code)]
pub fn children_usage() -> (Duration, u64) {
    // SAFETY: an all-zero rusage is a valid value of the plain C struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is valid and writable.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    assert_eq!(rc, 0, "getrusage(RUSAGE_CHILDREN) failed");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, (t.tv_usec * 1000) as u32);
    (tv(ru.ru_utime) + tv(ru.ru_stime), ru.ru_maxrss as u64)
}

/// Peak resident set of this process so far, KiB.
#[allow(unsafe_code)]
pub fn self_max_rss_kib() -> u64 {
    // SAFETY: as in `children_usage`.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is valid and writable.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    assert_eq!(rc, 0, "getrusage(RUSAGE_SELF) failed");
    ru.ru_maxrss as u64
}

/// Wall and process-CPU time of one call.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let cpu = process_cpu();
    let start = Instant::now();
    let out = f();
    let wall = start.elapsed();
    (out, wall, process_cpu().saturating_sub(cpu))
}

/// The median (the mean of the two middle values for an even count). Panics on no values.
pub fn median(values: &[f64]) -> f64 {
    assert!(!values.is_empty(), "median of nothing");
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Smallest and largest value.
pub fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        })
}

/// Milliseconds of a duration, as f64.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Samples of two (or more) variants measured round by round, each round running every
/// variant once, in an order that alternates between rounds (so a slow minute of the shared
/// machine hits every variant alike). Each sample is whatever the closure returns (e.g. ms).
#[derive(Debug, Clone)]
pub struct Interleaved {
    /// Variant names.
    pub names: Vec<String>,
    /// `samples[v][round]`.
    pub samples: Vec<Vec<f64>>,
}

impl Interleaved {
    /// Runs `rounds` rounds; `run(variant, round)` measures variant `variant` once.
    pub fn run(names: &[&str], rounds: usize, mut run: impl FnMut(usize, usize) -> f64) -> Self {
        let n = names.len();
        let mut samples = vec![Vec::with_capacity(rounds); n];
        for round in 0..rounds {
            for k in 0..n {
                // Forward on even rounds, backward on odd ones.
                let v = if round % 2 == 0 { k } else { n - 1 - k };
                samples[v].push(run(v, round));
            }
        }
        Interleaved {
            names: names.iter().map(|s| (*s).to_owned()).collect(),
            samples,
        }
    }

    /// The median sample of a variant.
    pub fn median(&self, v: usize) -> f64 {
        median(&self.samples[v])
    }

    /// The median over rounds of `samples[a][r] / samples[b][r]` (paired ratio), with the
    /// smallest and largest per-round ratio.
    pub fn ratio(&self, a: usize, b: usize) -> (f64, f64, f64) {
        let ratios: Vec<f64> = self.samples[a]
            .iter()
            .zip(&self.samples[b])
            .map(|(x, y)| x / y)
            .collect();
        let (lo, hi) = min_max(&ratios);
        (median(&ratios), lo, hi)
    }
}

/// What the machine was doing: CPU model, cores, load averages.
pub fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    json!({ "cpu": model, "cores": cores, "loadavg": loadavg() })
}

/// `/proc/loadavg`'s first three fields.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The result of one target: a ratio (or figure) and whether it meets the target.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// What is compared.
    pub name: String,
    /// The figure.
    pub value: f64,
    /// How the figure is written (e.g. `×`).
    pub unit: String,
    /// The target, in words (`≤ 1.10×`).
    pub target: String,
    /// Met or not.
    pub met: bool,
}

/// The report of one bench: lines of measurements, verdicts against the targets, and a JSON
/// file under `<target>/bench-results/`.
#[derive(Debug)]
pub struct Report {
    bench: String,
    load_start: String,
    lines: Vec<String>,
    verdicts: Vec<Verdict>,
    data: serde_json::Map<String, Value>,
}

impl Report {
    /// Starts the report of bench `bench` (notes the load average now).
    pub fn new(bench: &str) -> Self {
        Report {
            bench: bench.to_owned(),
            load_start: loadavg(),
            lines: Vec::new(),
            verdicts: Vec::new(),
            data: serde_json::Map::new(),
        }
    }

    /// A line of the printed report (also printed at once, so progress shows).
    pub fn line(&mut self, text: impl Into<String>) {
        let text = text.into();
        println!("{text}");
        self.lines.push(text);
    }

    /// A value for the JSON file.
    pub fn data(&mut self, key: &str, value: Value) {
        self.data.insert(key.to_owned(), value);
    }

    /// A verdict: `value` against a target; `met` says whether it is met.
    pub fn verdict(&mut self, name: &str, value: f64, unit: &str, target: &str, met: bool) {
        let v = Verdict {
            name: name.to_owned(),
            value,
            unit: unit.to_owned(),
            target: target.to_owned(),
            met,
        };
        println!(
            "{} {name}: {value:.3}{unit} (target {target})",
            if met { "MET   " } else { "MISSED" }
        );
        self.verdicts.push(v);
    }

    /// Prints the summary and writes `<target>/bench-results/<bench>.json`.
    pub fn finish(self) {
        let mut out = String::new();
        let m = machine();
        let _ = writeln!(out, "\n== {} — summary ==", self.bench);
        let _ = writeln!(
            out,
            "machine: {} ({} cores); load average at start {}, at end {}",
            m["cpu"].as_str().unwrap_or("?"),
            m["cores"],
            self.load_start,
            loadavg()
        );
        for l in &self.lines {
            let _ = writeln!(out, "{l}");
        }
        for v in &self.verdicts {
            let _ = writeln!(
                out,
                "{} {}: {:.3}{} (target {})",
                if v.met { "MET   " } else { "MISSED" },
                v.name,
                v.value,
                v.unit,
                v.target
            );
        }
        print!("{out}");
        let verdicts: Vec<Value> = self
            .verdicts
            .iter()
            .map(|v| {
                json!({"name": v.name, "value": v.value, "unit": v.unit, "target": v.target, "met": v.met})
            })
            .collect();
        let file = crate::paths::results_dir().join(format!("{}.json", self.bench));
        let doc = json!({
            "bench": self.bench,
            "machine": m,
            "load_start": self.load_start,
            "load_end": loadavg(),
            "verdicts": verdicts,
            "data": Value::Object(self.data),
            "lines": self.lines,
        });
        match std::fs::write(
            &file,
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
        ) {
            Ok(()) => println!("results written to {}", file.display()),
            Err(e) => eprintln!("cannot write {}: {e}", file.display()),
        }
    }
}

/// True when the bench runs in quick mode (`BENCH_QUICK=1`): fewer rounds, for checking that
/// a bench works rather than for figures.
pub fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
}

/// `full` rounds, or `quick` in quick mode.
pub fn rounds(full: usize, quick_rounds: usize) -> usize {
    if quick() { quick_rounds } else { full }
}
