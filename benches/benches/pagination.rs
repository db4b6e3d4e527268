//! Bench 5 — pagination throughput against a local server that adds 50 ms to every request.
//!
//! `cargo bench -p benches --bench pagination`
//!
//! 1. Page numbers: exporting the 1000 chats of a conversation (10 pages of 100, `totalCount`)
//!    with `client.conversations().list_chats(id).into_stream()`: the client's default page
//!    concurrency vs `.page_concurrency(1)` (sequential), and `.page_concurrency(10)` (every
//!    remaining page at once, the floor of this design). Items must arrive in order.
//!    Target: default ≤ 0.3× sequential.
//! 2. Cursor: 10 pages of conversations through `list().into_pages()` while the consumer
//!    spends 50 ms on each page, vs the plain loop (fetch a page, then consume it). Shows the
//!    next request leaves as soon as the previous page arrives, so a page costs
//!    ≈ max(fetch, consume) instead of the sum.
//!
//! All on 127.0.0.1 (the `alli-api-tests` test server); `BENCH_QUICK=1` runs fewer rounds.

// Variants are indexes into parallel tables of samples.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use alli_api::prelude::*;
use alli_api_tests::{Reply, TestServer};
use benches::conversations::{self, Rng};
use benches::measure::{self, Interleaved, Report, ms};
use serde_json::json;

const LATENCY: Duration = Duration::from_millis(50);
const CHAT_PAGES: u64 = 10;
const PER_PAGE: u64 = 100;
const CURSOR_PAGES: usize = 10;
const PER_CURSOR_PAGE: usize = 20;
const CONSUME: Duration = Duration::from_millis(50);

fn json_reply(body: &[u8]) -> Reply {
    Reply::status(200)
        .header("Content-Type", "application/json")
        .body(body.to_vec())
        .delay(LATENCY)
}

async fn start_server() -> TestServer {
    let total = CHAT_PAGES * PER_PAGE;
    let chat_pages: Arc<Vec<Vec<u8>>> = Arc::new(
        (1..=CHAT_PAGES)
            .map(|p| conversations::chats_page(p, PER_PAGE, total))
            .collect(),
    );
    let mut rng = Rng::new(3);
    let conv_pages: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..CURSOR_PAGES)
            .map(|k| {
                let convs: Vec<_> = (0..PER_CURSOR_PAGE)
                    .map(|i| conversations::conversation(&mut rng, k * PER_CURSOR_PAGE + i, 2, 10))
                    .collect();
                let cursor = if k + 1 < CURSOR_PAGES {
                    json!(format!("c{}", k + 1))
                } else {
                    json!(null)
                };
                serde_json::to_vec(&json!({ "conversations": convs, "cursor": cursor }))
                    .expect("page")
            })
            .collect(),
    );
    TestServer::with_handler(move |req| {
        let path = req.path();
        if path == "/webapi/v2/conversations/conv-1/chats" {
            let page: u64 = req
                .query_values("pageNo")
                .first()
                .and_then(|p| p.parse().ok())
                .unwrap_or(1);
            match chat_pages.get((page as usize).wrapping_sub(1)) {
                Some(body) => json_reply(body),
                None => json_reply(
                    &serde_json::to_vec(&json!({"chats": [], "pageNo": page, "totalCount": total}))
                        .expect("empty page"),
                ),
            }
        } else if path == "/webapi/v2/conversations" {
            let k = req
                .query_values("cursor")
                .first()
                .and_then(|c| c.strip_prefix('c')?.parse::<usize>().ok())
                .unwrap_or(0);
            json_reply(&conv_pages[k])
        } else {
            Reply::text(404, "no such route")
        }
    })
    .await
}

/// Exports every chat; returns the wall time. Asserts the items and the requests.
async fn export_chats(
    client: &alli_api::Client,
    server: &TestServer,
    concurrency: Option<usize>,
) -> f64 {
    let before = server.request_count();
    let mut req = client.conversations().list_chats("conv-1");
    if let Some(c) = concurrency {
        req = req.page_concurrency(c);
    }
    let start = Instant::now();
    let chats: Vec<alli_api::types::Chat> = req.into_stream().try_collect().await.expect("export");
    let t = ms(start.elapsed());
    assert_eq!(chats.len() as u64, CHAT_PAGES * PER_PAGE, "every chat");
    for (i, chat) in chats.iter().enumerate() {
        assert_eq!(chat.id, format!("chat-{i:06}"), "chats in order");
    }
    // Exactly the 10 pages, each once (the total is known after the first).
    let requests = server.requests();
    let mut pages: Vec<u64> = requests[before..]
        .iter()
        .map(|r| {
            r.query_values("pageNo")
                .first()
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
        })
        .collect();
    pages.sort_unstable();
    assert_eq!(
        pages,
        (1..=CHAT_PAGES).collect::<Vec<_>>(),
        "pages requested"
    );
    t
}

struct CursorRun {
    total_ms: f64,
    /// For each page after the first: when the server received its request, minus when the
    /// consumer got the previous page (ms; ≈ 0 when the request leaves at once).
    request_after_previous_page_ms: Vec<f64>,
}

/// Cursor pages through `into_pages()`, consuming each for `CONSUME`.
async fn cursor_stream(client: &alli_api::Client, server: &TestServer) -> CursorRun {
    let before = server.request_count();
    let start = Instant::now();
    let mut pages = client.conversations().list().into_pages();
    let mut got = Vec::new();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        let page = page.expect("page");
        got.push(Instant::now());
        for conv in &page.conversations {
            assert_eq!(conv.id, format!("conv-{n:04}"), "conversations in order");
            n += 1;
        }
        tokio::time::sleep(CONSUME).await;
    }
    let total_ms = ms(start.elapsed());
    assert_eq!(n, CURSOR_PAGES * PER_CURSOR_PAGE, "every conversation");
    let requests = server.requests();
    let requests = &requests[before..];
    assert_eq!(requests.len(), CURSOR_PAGES, "one request per page");
    let request_after_previous_page_ms = (1..CURSOR_PAGES)
        .map(|k| {
            let r = requests[k].received_at;
            let g = got[k - 1];
            if r >= g { ms(r - g) } else { -ms(g - r) }
        })
        .collect();
    CursorRun {
        total_ms,
        request_after_previous_page_ms,
    }
}

/// The plain loop: fetch a page, consume it, then ask for the next one.
async fn cursor_loop(client: &alli_api::Client) -> f64 {
    let start = Instant::now();
    let mut cursor: Option<String> = None;
    let mut n = 0;
    loop {
        let mut req = client.conversations().list();
        if let Some(c) = cursor.take() {
            req = req.cursor(c);
        }
        let page = req.send().await.expect("page");
        n += page.conversations.len();
        tokio::time::sleep(CONSUME).await;
        match page.cursor {
            Some(c) if !c.is_empty() => cursor = Some(c),
            _ => break,
        }
    }
    assert_eq!(n, CURSOR_PAGES * PER_CURSOR_PAGE);
    ms(start.elapsed())
}

fn main() {
    let mut report = Report::new("pagination");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let server = start_server().await;
        let client = alli_api_tests::client(&server.url());
        let default_concurrency = client.page_concurrency();
        report.line(format!(
            "server: 127.0.0.1, +{} ms per request; client default page concurrency {default_concurrency}",
            LATENCY.as_millis()
        ));
        // Warm-up (connections in the pool).
        export_chats(&client, &server, Some(10)).await;

        let rounds = measure::rounds(7, 2);
        let names = [
            "default concurrency",
            "page_concurrency(1) (sequential)",
            "page_concurrency(10)",
        ];
        let mut samples = vec![Vec::new(); names.len()];
        for round in 0..rounds {
            for k in 0..names.len() {
                let v = if round % 2 == 0 { k } else { names.len() - 1 - k };
                let conc = match v {
                    0 => None,
                    1 => Some(1),
                    _ => Some(10),
                };
                samples[v].push(export_chats(&client, &server, conc).await);
            }
        }
        let m = Interleaved {
            names: names.iter().map(|s| (*s).to_owned()).collect(),
            samples,
        };
        for v in 0..names.len() {
            report.line(format!(
                "list_chats → into_stream, 10 pages × 100: {:<34} median {:>6.0} ms ({:.1} round trips)",
                names[v],
                m.median(v),
                m.median(v) / ms(LATENCY)
            ));
        }
        let (r, lo, hi) = m.ratio(0, 1);
        let (r10, _, _) = m.ratio(2, 1);
        report.line(format!(
            "ratio default / sequential: {r:.3}× (rounds {lo:.3}–{hi:.3}); page_concurrency(10) / sequential: {r10:.3}×"
        ));
        report.data(
            "page_number",
            json!({"default_concurrency": default_concurrency, "default_ms": m.median(0), "sequential_ms": m.median(1), "c10_ms": m.median(2), "ratio": r, "ratio_c10": r10}),
        );
        report.verdict(
            "page-number export, default concurrency / sequential (items in order: asserted)",
            r,
            "×",
            "≤ 0.3×",
            r <= 0.3,
        );

        // Cursor pagination with a slow consumer.
        let mut stream_runs = Vec::new();
        let mut loop_ms = Vec::new();
        for round in 0..rounds {
            if round % 2 == 0 {
                stream_runs.push(cursor_stream(&client, &server).await);
                loop_ms.push(cursor_loop(&client).await);
            } else {
                loop_ms.push(cursor_loop(&client).await);
                stream_runs.push(cursor_stream(&client, &server).await);
            }
        }
        let stream_ms: Vec<f64> = stream_runs.iter().map(|r| r.total_ms).collect();
        let gaps: Vec<f64> = stream_runs
            .iter()
            .flat_map(|r| r.request_after_previous_page_ms.iter().copied())
            .collect();
        let (gap_lo, gap_hi) = measure::min_max(&gaps);
        let per_page = measure::median(&stream_ms) / CURSOR_PAGES as f64;
        let bound = ms(LATENCY.max(CONSUME));
        let ratios: Vec<f64> = stream_ms.iter().zip(&loop_ms).map(|(a, b)| a / b).collect();
        let r = measure::median(&ratios);
        report.line(format!(
            "cursor, 10 pages, consumer 50 ms per page: into_pages() median {:.0} ms ({per_page:.1} ms per page), fetch-then-consume loop {:.0} ms; ratio {r:.3}×",
            measure::median(&stream_ms),
            measure::median(&loop_ms),
        ));
        report.line(format!(
            "  request for page k+1 reached the server {:.1} ms (median; range {gap_lo:.1} to {gap_hi:.1}) after the consumer got page k, while it still had {} ms of work",
            measure::median(&gaps),
            CONSUME.as_millis()
        ));
        assert!(
            gap_hi < ms(CONSUME) / 2.0,
            "a next-page request waited for the consumer ({gap_hi:.1} ms)"
        );
        report.data(
            "cursor",
            json!({"stream_ms": measure::median(&stream_ms), "loop_ms": measure::median(&loop_ms), "ratio": r, "per_page_ms": per_page, "gap_median_ms": measure::median(&gaps), "gap_max_ms": gap_hi}),
        );
        report.verdict(
            "cursor pages with a 50 ms consumer: time per page / max(fetch, consume)",
            per_page / bound,
            "×",
            "≈ 1× (ideal 1.1× with the first fetch), ≤ 1.2×; the sum would be 2×",
            per_page / bound <= 1.2,
        );
    });
    report.finish();
}
