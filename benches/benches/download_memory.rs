//! Bench 7 — peak memory of a large download: `Download::save_to` and consuming the
//! `Download` stream, versus the body size (and `Download::bytes()`, which holds the body, as
//! the control that shows the measure sees buffering).
//!
//! `cargo bench -p benches --bench download_memory`
//!
//! The server (the `alli-api-tests` test server, writing a generated body of the requested size
//! without holding it) runs in its own process. Each measured download runs in a fresh client
//! process (this bench binary again): after a 1 MiB warm-up download through the same path
//! (runtime, client, connection pool, buffers in place), it notes its peak resident set
//! (`VmHWM` of `/proc/self/status`), downloads the body, checks every byte (and, for
//! `save_to`, the file's size and every byte of it, read back after the measurement), and
//! reports the peak again. The figure is the growth of the peak over the warm-up, against the
//! body size. Two sizes show whether the growth follows the size.

use std::io::Read as _;
use std::time::Instant;

use alli_api::Download;
use alli_api::prelude::*;
use alli_api_tests::{Reply, TestServer, generated_byte};
use benches::child::{self, proc_status_kib};
use benches::measure::{self, Report};
use benches::paths;
use serde_json::{Value, json};

const SERVER: &str = "ALLI_BENCH_DOWNLOAD_SERVER";
const CLIENT: &str = "ALLI_BENCH_DOWNLOAD_CLIENT";
const MIB: u64 = 1024 * 1024;
const MODES: [&str; 3] = ["save_to", "stream", "bytes (control)"];

/// The body sizes, MiB: the server answers `/body/<bytes>` with that many bytes.
fn sizes() -> [u64; 2] {
    if measure::quick() {
        [16, 64]
    } else {
        [128, 512]
    }
}

fn serve() {
    let rt = child::runtime();
    rt.block_on(async {
        let server = TestServer::with_handler(|req| {
            let len = req
                .path()
                .strip_prefix("/body/")
                .and_then(|n| n.parse::<u64>().ok());
            match len {
                Some(len) => Reply::ok()
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Disposition", "attachment; filename=\"big.bin\"")
                    .generated(len),
                None => Reply::text(404, "no such route"),
            }
        })
        .await;
        child::serve_until_stdin_closes(server).await;
    });
}

async fn download(client: &alli_api::Client, len: u64) -> Download {
    let path: &'static str = "/body/{len}";
    let mut req =
        alli_api::__private::Request::new(alli_api::__private::Method::GET, path, "bench.download");
    req.path_param("len", &len);
    client
        .__execute_download(req, &alli_api::RequestOptions::new())
        .await
        .expect("download starts")
}

/// Checks that `chunk` is bytes `at..` of the generated body.
fn check(chunk: &[u8], at: u64) {
    for (i, b) in chunk.iter().enumerate() {
        assert_eq!(
            *b,
            generated_byte(at + i as u64),
            "byte {} differs",
            at + i as u64
        );
    }
}

/// One download in `mode`; returns the bytes received.
async fn run(client: &alli_api::Client, mode: &str, len: u64, file: &std::path::Path) -> u64 {
    let mut d = download(client, len).await;
    assert_eq!(d.content_length(), Some(len));
    assert_eq!(d.file_name().as_deref(), Some("big.bin"));
    match mode {
        "save_to" => d.save_to(file).await.expect("saved"),
        "stream" => {
            let mut at = 0u64;
            while let Some(chunk) = d.try_next().await.expect("a chunk") {
                check(&chunk, at);
                at += chunk.len() as u64;
            }
            at
        }
        _ => {
            let body = d.bytes().await.expect("the body");
            check(&body, 0);
            body.len() as u64
        }
    }
}

/// The measured client process: prints one JSON line.
fn client_process() {
    let url = std::env::var("ALLI_BENCH_URL").expect("url");
    let mode = std::env::var("ALLI_BENCH_MODE").expect("mode");
    let len: u64 = std::env::var("ALLI_BENCH_LEN")
        .expect("len")
        .parse()
        .expect("a length");
    let file = std::path::PathBuf::from(std::env::var("ALLI_BENCH_FILE").expect("file"));
    let rt = child::runtime();
    let client = alli_api::Client::builder()
        .api_key("bench-api-key")
        .base_url(&url)
        .build()
        .expect("client");
    let (received, baseline, peak, wall) = rt.block_on(async {
        assert_eq!(run(&client, &mode, MIB, &file).await, MIB);
        let baseline = proc_status_kib("VmHWM");
        let start = Instant::now();
        let received = run(&client, &mode, len, &file).await;
        let wall = start.elapsed();
        (received, baseline, proc_status_kib("VmHWM"), wall)
    });
    assert_eq!(received, len);
    if mode == "save_to" {
        // Read back after the measurement (page cache is not this process's resident set,
        // but the read buffer would be).
        let mut f = std::fs::File::open(&file).expect("the saved file");
        assert_eq!(f.metadata().expect("metadata").len(), len);
        let mut buf = vec![0u8; 1 << 20];
        let mut at = 0u64;
        loop {
            let n = f.read(&mut buf).expect("read back");
            if n == 0 {
                break;
            }
            check(&buf[..n], at);
            at += n as u64;
        }
        assert_eq!(at, len);
        std::fs::remove_file(&file).expect("remove the saved file");
    }
    println!(
        "{}",
        json!({"received": received, "baseline_kib": baseline, "peak_kib": peak, "wall_ms": measure::ms(wall)})
    );
}

fn main() {
    if std::env::var_os(SERVER).is_some() {
        serve();
        return;
    }
    if std::env::var_os(CLIENT).is_some() {
        client_process();
        return;
    }
    let mut report = Report::new("download_memory");
    let work = paths::fresh_work_dir("download-memory");
    let (server, url) = child::start_server_process(SERVER, &[]);
    let rounds = measure::rounds(3, 1);
    let sizes = sizes();
    // growth[size][mode] over rounds, MiB
    let mut growth = vec![vec![Vec::new(); MODES.len()]; sizes.len()];
    let mut speed = vec![vec![Vec::new(); MODES.len()]; sizes.len()];
    for round in 0..rounds {
        for (si, &mib) in sizes.iter().enumerate() {
            for k in 0..MODES.len() {
                let m = if round % 2 == 0 {
                    k
                } else {
                    MODES.len() - 1 - k
                };
                let mut c = child::spawn_role(
                    CLIENT,
                    &[
                        ("ALLI_BENCH_URL", url.clone()),
                        ("ALLI_BENCH_MODE", MODES[m].to_owned()),
                        ("ALLI_BENCH_LEN", (mib * MIB).to_string()),
                        (
                            "ALLI_BENCH_FILE",
                            work.join("saved.bin").display().to_string(),
                        ),
                    ],
                );
                let line = child::first_line(&mut c);
                let status = c.wait().expect("client process");
                assert!(status.success(), "client process failed: {line}");
                let v: Value = serde_json::from_str(&line).expect("client report");
                let g = (v["peak_kib"].as_f64().unwrap_or(0.0)
                    - v["baseline_kib"].as_f64().unwrap_or(0.0))
                    / 1024.0;
                growth[si][m].push(g);
                speed[si][m].push(mib as f64 / (v["wall_ms"].as_f64().unwrap_or(1.0) / 1e3));
            }
        }
    }
    child::stop(server);
    let mut data = serde_json::Map::new();
    for (si, &mib) in sizes.iter().enumerate() {
        for (m, mode) in MODES.iter().enumerate() {
            let g = measure::median(&growth[si][m]);
            let (lo, hi) = measure::min_max(&growth[si][m]);
            let s = measure::median(&speed[si][m]);
            report.line(format!(
                "{mib:>4} MiB body, {mode:<16} peak RSS growth {g:>7.1} MiB = {:>6.2} % of the body (rounds {lo:.1}–{hi:.1}); {s:.0} MiB/s",
                100.0 * g / mib as f64
            ));
            data.insert(
                format!("{mib}MiB {mode}"),
                json!({"growth_mib": g, "growth_min": lo, "growth_max": hi, "mib_per_s": s, "rounds": rounds}),
            );
        }
    }
    report.data("runs", Value::Object(data));
    let (small, large) = (0, sizes.len() - 1);
    for (m, mode) in MODES.iter().enumerate().take(2) {
        let g = measure::median(&growth[large][m]);
        report.verdict(
            &format!("peak RSS growth, {} MiB through {mode}", sizes[large]),
            g,
            " MiB",
            "≤ 16 MiB, whatever the size",
            g <= 16.0,
        );
        let g_small = measure::median(&growth[small][m]);
        report.verdict(
            &format!(
                "growth from {} to {} MiB bodies through {mode}",
                sizes[small], sizes[large]
            ),
            g - g_small,
            " MiB",
            "≤ 4 MiB (does not follow the size)",
            g - g_small <= 4.0,
        );
    }
    let control = measure::median(&growth[large][2]);
    report.verdict(
        "control: bytes() holds the body (growth / body size)",
        control / sizes[large] as f64,
        "×",
        "≥ 0.9× (the measure sees a buffered body)",
        control / sizes[large] as f64 >= 0.9,
    );
    report.finish();
}
