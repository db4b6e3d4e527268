//! Bench 6 — per-request overhead: client CPU time per request of
//! `client.conversations().get(id).send()` vs a plain reqwest call building the same request
//! by hand (same URL, same headers, same body read, same decode into the generated
//! `alli_api::types::Conversation`).
//!
//! `cargo bench -p benches --bench overhead`
//!
//! The server (the `alli-api-tests` test server, answering at once) runs in a child process
//! (this bench binary again), so the CPU time read in this process (`CLOCK_PROCESS_CPUTIME_ID`)
//! is the client's alone. The client runs on a current-thread tokio runtime; requests are
//! sequential on one kept-alive connection per client. Each round sends a batch with each
//! variant, in chunks of 50 requests that alternate between the variants; the ratio is the
//! median of the per-round ratios.
//!
//! Two bodies: the realistic one (a conversation with its 20 most recent chats and their
//! citations, what the endpoint returns) and a small one (one short chat), where the
//! fixed per-request costs weigh most. Target: within 1.1×.

// Variants are indexes into parallel tables of samples.
#![allow(clippy::needless_range_loop)]

use std::time::Duration;

use alli_api::http::header::{ACCEPT, USER_AGENT};
use alli_api::reqwest;
use alli_api_tests::{Reply, TestServer};
use benches::measure::{self, Interleaved, Report, ms};
use benches::{child, conversations};
use serde_json::json;

const ROLE: &str = "ALLI_BENCH_OVERHEAD_SERVER";
const API_KEY: &str = "bench-api-key-0123456789";
/// Requests per chunk; chunks alternate between the two variants.
const CHUNK: usize = 50;

fn bodies() -> (Vec<u8>, Vec<u8>) {
    let real = conversations::conversation_body("conv-real", 60);
    let small = {
        let mut v: serde_json::Value =
            serde_json::from_slice(&conversations::conversation_body("conv-small", 8))
                .expect("body");
        let chats = v["chats"].as_array_mut().expect("chats");
        chats.truncate(1);
        v["chatCount"] = json!(1);
        serde_json::to_vec(&v).expect("body")
    };
    (real, small)
}

/// The child: serves until its stdin closes.
fn serve() {
    let rt = child::runtime();
    rt.block_on(async {
        let (real, small) = bodies();
        let server = TestServer::with_handler(move |req| {
            let body = match req.path() {
                "/webapi/v2/conversations/conv-real" => &real,
                "/webapi/v2/conversations/conv-small" | "/webapi/v2/conversations/conv-check" => {
                    &small
                }
                _ => return Reply::text(404, "no such route"),
            };
            let mut reply = Reply::status(200)
                .header("Content-Type", "application/json")
                .body(body.clone());
            if req.path().ends_with("conv-check") {
                let mut names: Vec<String> = req
                    .headers
                    .iter()
                    .map(|(n, v)| format!("{n}={}", String::from_utf8_lossy(v)))
                    .collect();
                names.sort();
                reply = reply.header("x-seen-headers", &names.join(";"));
            }
            reply
        })
        .await;
        child::serve_until_stdin_closes(server).await;
    });
}

async fn alli_get(client: &alli_api::Client, id: &str) -> alli_api::types::Conversation {
    client
        .conversations()
        .get(id)
        .send()
        .await
        .expect("alli get")
}

async fn plain_get(http: &reqwest::Client, base: &str, id: &str) -> alli_api::types::Conversation {
    let resp = http
        .get(format!("{base}/webapi/v2/conversations/{id}"))
        .header("API-KEY", API_KEY)
        .header(USER_AGENT, alli_api::DEFAULT_USER_AGENT)
        .header(ACCEPT, "application/json")
        .send()
        .await
        .expect("plain get");
    assert!(resp.status().is_success(), "status {}", resp.status());
    let body = resp.bytes().await.expect("body");
    serde_json::from_slice(&body).expect("decode")
}

fn main() {
    if std::env::var_os(ROLE).is_some() {
        serve();
        return;
    }
    let mut report = Report::new("overhead");
    let (server, base) = child::start_server_process(ROLE, &[]);
    let rt = child::runtime();
    let client = alli_api::Client::builder()
        .api_key(API_KEY)
        .base_url(&base)
        .build()
        .expect("client");
    // The same settings the alli-api client gives its own reqwest client.
    let http = reqwest::Client::builder()
        .connect_timeout(alli_api::DEFAULT_CONNECT_TIMEOUT)
        .pool_idle_timeout(Duration::from_secs(50))
        .build()
        .expect("reqwest client");

    rt.block_on(async {
        // Same request on the wire: the server reports the headers it received.
        let seen = |h: &alli_api::http::HeaderMap| {
            h.get("x-seen-headers")
                .map(|v| v.to_str().unwrap_or("").to_owned())
                .unwrap_or_default()
        };
        let alli_raw = client
            .conversations()
            .get("conv-check")
            .send_raw()
            .await
            .expect("alli check");
        let plain = http
            .get(format!("{base}/webapi/v2/conversations/conv-check"))
            .header("API-KEY", API_KEY)
            .header(USER_AGENT, alli_api::DEFAULT_USER_AGENT)
            .header(ACCEPT, "application/json")
            .send()
            .await
            .expect("plain check");
        let (a, b) = (seen(alli_raw.headers()), seen(plain.headers()));
        assert_eq!(a, b, "the two requests differ on the wire");
        report.line(format!("request headers (identical for both): {a}"));
    });

    let (real, small) = bodies();
    let cases = [
        (
            "realistic body",
            "conv-real",
            real.len(),
            20usize,
            measure::rounds(31, 3),
            600usize,
        ),
        (
            "small body",
            "conv-small",
            small.len(),
            1usize,
            measure::rounds(31, 3),
            2000usize,
        ),
    ];
    for (label, id, bytes, chats, rounds, batch) in cases {
        let batch = if measure::quick() { batch / 4 } else { batch };
        // Warm-up of both paths.
        rt.block_on(async {
            for _ in 0..50 {
                alli_get(&client, id).await;
                plain_get(&http, &base, id).await;
            }
        });
        // Each round: `batch` requests per variant, sent in chunks of `CHUNK` that alternate
        // between the variants, so both see the same moments of the shared machine.
        let chunks = (batch / CHUNK).max(1);
        let names = ["alli-api get().send()", "plain reqwest + serde_json"];
        let mut cpu_samples = vec![Vec::new(); 2];
        let mut wall = vec![Vec::new(); 2];
        for round in 0..rounds {
            let mut cpu_acc = [0.0f64; 2];
            let mut wall_acc = [0.0f64; 2];
            for chunk in 0..chunks {
                for k in 0..2 {
                    let v = if (round + chunk) % 2 == 0 { k } else { 1 - k };
                    let cpu0 = measure::process_cpu();
                    let start = std::time::Instant::now();
                    rt.block_on(async {
                        for _ in 0..CHUNK {
                            let conv = if v == 0 {
                                alli_get(&client, id).await
                            } else {
                                plain_get(&http, &base, id).await
                            };
                            assert_eq!(conv.id, id);
                            assert_eq!(conv.chats.len(), chats);
                        }
                    });
                    wall_acc[v] += ms(start.elapsed());
                    cpu_acc[v] += ms(measure::process_cpu() - cpu0);
                }
            }
            let n = (chunks * CHUNK) as f64;
            for v in 0..2 {
                cpu_samples[v].push(cpu_acc[v] * 1e3 / n);
                wall[v].push(wall_acc[v] * 1e3 / n);
            }
        }
        let m = Interleaved {
            names: names.iter().map(|s| (*s).to_owned()).collect(),
            samples: cpu_samples,
        };
        for v in 0..2 {
            report.line(format!(
                "{label} ({:.1} KB): {:<28} CPU {:>6.1} µs/request, wall {:>6.1} µs/request",
                bytes as f64 / 1e3,
                m.names[v],
                m.median(v),
                measure::median(&wall[v])
            ));
        }
        let (r, lo, hi) = m.ratio(0, 1);
        report.line(format!(
            "{label}: CPU ratio alli-api / plain reqwest {r:.3}× (rounds {lo:.3}–{hi:.3}); {:+.1} µs per request",
            m.median(0) - m.median(1)
        ));
        report.data(
            id,
            json!({"bytes": bytes, "alli_cpu_us": m.median(0), "plain_cpu_us": m.median(1), "ratio": r, "ratio_min": lo, "ratio_max": hi, "batch": batch, "rounds": rounds}),
        );
        report.verdict(
            &format!("client CPU per request, alli-api / plain reqwest, {label}"),
            r,
            "×",
            "≤ 1.1×",
            r <= 1.1,
        );
    }
    child::stop(server);
    report.finish();
}
