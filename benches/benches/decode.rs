//! Bench 4 — decode throughput: a ~5 MB conversations page (50 conversations with long chat
//! histories and citations, generated deterministically) decoded into the generated
//! `alli_api::types::ConversationsResponse` vs into minimal hand-written serde structs with the
//! same fields (`benches::conversations::hand`).
//!
//! `cargo bench -p benches --bench decode`
//!
//! criterion measures each; the ratio comes from an interleaved A/B run (each round decodes
//! with both, alternating which goes first). Target: generated within 1.1× of hand-written.

// Variants are indexes into parallel tables of samples.
#![allow(clippy::needless_range_loop)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use benches::conversations::{self, hand};
use benches::measure::{self, Interleaved, Report, ms};
use criterion::{Criterion, Throughput};

fn main() {
    let mut report = Report::new("decode");
    let (body, counts) = conversations::conversations_page();
    let mb = body.len() as f64 / 1e6;
    assert!(
        (4.5..=5.5).contains(&mb),
        "the page is {mb:.2} MB, not ~5 MB"
    );
    report.line(format!(
        "page: {mb:.2} MB, {} conversations, {} chats, {} citations",
        counts.conversations, counts.chats, counts.citations
    ));

    // Both decode the whole page, and agree with what was generated.
    let generated: alli_api::types::ConversationsResponse =
        serde_json::from_slice(&body).expect("generated type decodes the page");
    assert_eq!(conversations::generated_counts(&generated), counts);
    let handwritten: hand::ConversationsResponse =
        serde_json::from_slice(&body).expect("hand-written type decodes the page");
    assert_eq!(conversations::handwritten_counts(&handwritten), counts);
    assert_eq!(generated.cursor.as_deref(), Some("cursor-0002"));
    drop((generated, handwritten));

    let mut c = Criterion::default().configure_from_args();
    {
        let mut group = c.benchmark_group("decode 5 MB conversations page");
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.sample_size(if measure::quick() { 10 } else { 30 });
        group.measurement_time(Duration::from_secs(if measure::quick() { 2 } else { 10 }));
        group.bench_function("generated alli_api::types::ConversationsResponse", |b| {
            b.iter(|| {
                let page: alli_api::types::ConversationsResponse =
                    serde_json::from_slice(black_box(&body)).expect("decode");
                page
            })
        });
        group.bench_function("hand-written serde structs", |b| {
            b.iter(|| {
                let page: hand::ConversationsResponse =
                    serde_json::from_slice(black_box(&body)).expect("decode");
                page
            })
        });
        group.bench_function("serde_json::Value (untyped, for scale)", |b| {
            b.iter(|| {
                let page: serde_json::Value =
                    serde_json::from_slice(black_box(&body)).expect("decode");
                page
            })
        });
        group.finish();
    }
    c.final_summary();

    // Interleaved A/B: each sample is the best of 3 decodes (drop included, as in real use).
    let rounds = measure::rounds(41, 7);
    let m = Interleaved::run(&["generated", "hand-written"], rounds, |v, _| {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let start = Instant::now();
            if v == 0 {
                let page: alli_api::types::ConversationsResponse =
                    serde_json::from_slice(black_box(&body)).expect("decode");
                assert_eq!(page.conversations.len(), counts.conversations);
                drop(black_box(page));
            } else {
                let page: hand::ConversationsResponse =
                    serde_json::from_slice(black_box(&body)).expect("decode");
                assert_eq!(page.conversations.len(), counts.conversations);
                drop(black_box(page));
            }
            best = best.min(ms(start.elapsed()));
        }
        best
    });
    for v in 0..2 {
        let t = m.median(v);
        report.line(format!(
            "{:<13} median {t:>7.2} ms per page, {:>6.0} MB/s",
            m.names[v],
            mb / (t / 1e3)
        ));
    }
    let (r, lo, hi) = m.ratio(0, 1);
    report.line(format!(
        "ratio generated / hand-written: {r:.3}× (per-round range {lo:.3}–{hi:.3}, {rounds} rounds)"
    ));
    report.data(
        "decode",
        serde_json::json!({"bytes": body.len(), "generated_ms": m.median(0), "hand_ms": m.median(1), "ratio": r, "ratio_min": lo, "ratio_max": hi}),
    );
    report.verdict(
        "decode time, generated / hand-written",
        r,
        "×",
        "≤ 1.1×",
        r <= 1.1,
    );
    report.finish();
}
