//! `EventStream`: NDJSON, SSE and back-to-back JSON at every chunk boundary, in memory and over
//! HTTP; `[DONE]`; size limit; per-event decode errors; idle timeout; errors before the stream.

use std::convert::Infallible;
use std::time::Duration;

use alli_api::__private::Method;
use alli_api::{Client, ErrorKind, EventStream, RequestOptions};
use alli_api_tests::{Reply, TestServer, client, client_builder, request};
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, PartialEq, Clone)]
struct Ev {
    n: u32,
    text: String,
}

fn ev(n: u32, text: &str) -> Ev {
    Ev {
        n,
        text: text.to_owned(),
    }
}

/// Opens a stream of `Ev` from `POST /x`.
async fn open(client: &Client) -> EventStream<Ev> {
    client
        .__execute_stream::<Ev>(request(Method::POST, "/x"), &RequestOptions::new())
        .await
        .expect("stream starts")
}

/// Every item of the stream of `POST /x`.
async fn collect_all(client: &Client) -> Vec<alli_api::Result<Ev>> {
    open(client).await.collect().await
}

/// The three events every format below encodes. The strings hold braces, brackets, escaped
/// quotes, escaped backslashes, a `\n` escape and multi-byte UTF-8, so boundaries fall inside
/// each of them.
fn expected() -> Vec<Ev> {
    vec![
        ev(1, "{not} [an] \"object\" \\"),
        ev(2, "고객 こんにちは 🎉"),
        ev(3, "line\nbreak"),
    ]
}

struct Format {
    name: &'static str,
    content_type: Option<&'static str>,
    body: String,
}

fn formats() -> Vec<Format> {
    let lines: Vec<String> = expected()
        .iter()
        .map(|e| json!({"n": e.n, "text": e.text}).to_string())
        .collect();
    vec![
        Format {
            name: "ndjson",
            content_type: Some("application/x-ndjson"),
            body: lines.iter().map(|l| format!("{l}\n")).collect(),
        },
        Format {
            name: "sse",
            content_type: Some("text/event-stream"),
            body: format!(
                ": keep-alive\r\nevent: message\r\nid: 1\r\ndata: {}\r\n\r\nretry: 10\r\ndata: {{\"n\":2,\r\ndata: \"text\":\"고객 こんにちは 🎉\"}}\r\n\r\ndata:{}\n\ndata: [DONE]\n\ndata: {{\"n\":99,\"text\":\"after done\"}}\n\n",
                lines[0], lines[2]
            ),
        },
        Format {
            name: "concatenated json (sniffed)",
            content_type: None,
            body: format!("{}{} \r\n\t{}", lines[0], lines[1], lines[2]),
        },
        Format {
            name: "sse (sniffed, no final blank line)",
            content_type: Some("application/octet-stream"),
            body: format!(
                "data: {}\n\ndata: {}\n\ndata: {}",
                lines[0], lines[1], lines[2]
            ),
        },
    ]
}

async fn parse(chunks: Vec<Vec<u8>>, content_type: Option<&str>) -> alli_api::Result<Vec<Ev>> {
    let stream = futures_util::stream::iter(
        chunks
            .into_iter()
            .map(|c| Ok::<Bytes, Infallible>(Bytes::from(c))),
    );
    EventStream::<Ev>::from_byte_stream(stream, content_type)
        .try_collect()
        .await
}

#[tokio::test]
async fn every_format_split_at_every_byte_boundary_in_memory() {
    for f in formats() {
        let bytes = f.body.as_bytes();
        assert_eq!(
            parse(vec![bytes.to_vec()], f.content_type)
                .await
                .expect("whole body"),
            expected(),
            "{}",
            f.name
        );
        for i in 0..=bytes.len() {
            let got = parse(
                vec![bytes[..i].to_vec(), bytes[i..].to_vec()],
                f.content_type,
            )
            .await
            .unwrap_or_else(|e| panic!("{} split at {i}: {e}", f.name));
            assert_eq!(got, expected(), "{} split at {i}", f.name);
        }
        // Three pieces: every pair of boundaries, on a stride to keep it quick.
        for i in (0..=bytes.len()).step_by(3) {
            for j in (i..=bytes.len()).step_by(5) {
                let chunks = vec![
                    bytes[..i].to_vec(),
                    bytes[i..j].to_vec(),
                    bytes[j..].to_vec(),
                ];
                let got = parse(chunks, f.content_type)
                    .await
                    .unwrap_or_else(|e| panic!("{} split at {i},{j}: {e}", f.name));
                assert_eq!(got, expected(), "{} split at {i},{j}", f.name);
            }
        }
        let bytewise = bytes.iter().map(|b| vec![*b]).collect();
        assert_eq!(
            parse(bytewise, f.content_type).await.expect("bytewise"),
            expected(),
            "{} byte by byte",
            f.name
        );
    }
}

/// A server streaming format `fmt` split in two at byte `split` (2 ms between the chunks, so
/// they reach the client separately).
async fn split_server() -> TestServer {
    TestServer::with_handler(|r| {
        let fmt: usize = r.query_values("fmt")[0].parse().unwrap_or(0);
        let split: usize = r.query_values("split")[0].parse().unwrap_or(0);
        let f = &formats()[fmt];
        let bytes = f.body.as_bytes();
        let mut reply = Reply::status(200).chunks(
            [bytes[..split].to_vec(), bytes[split..].to_vec()],
            Duration::from_millis(2),
        );
        if let Some(ct) = f.content_type {
            reply = reply.header("Content-Type", ct);
        }
        reply
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_format_split_at_every_byte_boundary_over_http() {
    let server = split_server().await;
    let client = client(&server.url());
    let cases: Vec<(usize, usize)> = formats()
        .iter()
        .enumerate()
        .flat_map(|(fmt, f)| (0..=f.body.len()).map(move |split| (fmt, split)))
        .collect();
    let total = cases.len();
    let failures: Vec<String> = futures_util::stream::iter(cases)
        .map(|(fmt, split)| {
            let client = client.clone();
            async move {
                let mut req = request(Method::POST, "/webapi/v2/apps/run");
                req.query("fmt", &fmt);
                req.query("split", &split);
                let result: alli_api::Result<Vec<Ev>> = async {
                    client
                        .__execute_stream::<Ev>(req, &RequestOptions::new())
                        .await?
                        .try_collect()
                        .await
                }
                .await;
                match result {
                    Ok(events) if events == expected() => None,
                    other => Some(format!(
                        "{} split at {split}: {other:?}",
                        formats()[fmt].name
                    )),
                }
            }
        })
        .buffer_unordered(8)
        .filter_map(|failure| async move { failure })
        .collect()
        .await;
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(server.request_count(), total);
}

#[tokio::test]
async fn done_ends_the_stream() {
    let server = TestServer::start().await;
    server.push(
        Reply::status(200)
            .header("Content-Type", "text/event-stream")
            .header("X-Stream-Id", "s-1")
            .body("data: {\"n\":1,\"text\":\"a\"}\n\ndata: [DONE]\n\ndata: {\"n\":2,\"text\":\"b\"}\n\n"),
    );
    let mut stream = open(&client(&server.url())).await;
    assert_eq!(stream.status().as_u16(), 200);
    assert_eq!(
        stream.headers().get("x-stream-id").map(|v| v.as_bytes()),
        Some(&b"s-1"[..])
    );
    assert_eq!(
        stream.next().await.map(|r| r.expect("event")),
        Some(ev(1, "a"))
    );
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none(), "stays ended");
}

#[tokio::test]
async fn an_event_over_the_size_limit_ends_the_stream() {
    let server = TestServer::start().await;
    let big = "x".repeat(200);
    server.push(
        Reply::status(200)
            .header("Content-Type", "application/x-ndjson")
            .chunks(
                [
                    "{\"n\":1,\"text\":\"small\"}\n".to_owned(),
                    format!("{{\"n\":2,\"text\":\"{big}"),
                    format!("{big}\"}}\n{{\"n\":3,\"text\":\"never\"}}\n"),
                ],
                Duration::from_millis(5),
            ),
    );
    let client = client_builder(&server.url())
        .max_event_size(64)
        .build()
        .expect("valid config");
    let results: Vec<_> = collect_all(&client).await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().expect("first"), &ev(1, "small"));
    let e = results[1].as_ref().expect_err("too large");
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert!(e.to_string().contains("64 bytes"), "{e}");
}

#[tokio::test]
async fn a_bad_event_names_the_path_and_the_stream_goes_on() {
    let server = TestServer::start().await;
    server.push(Reply::status(200).body(
        "{\"n\":1,\"text\":\"a\"}\n{\"n\":\"two\",\"text\":\"b\"}\n{\"n\":3,\"text\":\"c\"}\n",
    ));
    let results: Vec<_> = collect_all(&client(&server.url())).await;
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().expect("1"), &ev(1, "a"));
    let e = results[1].as_ref().expect_err("2 is bad");
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(e.json_path(), Some("n"));
    assert_eq!(e.body_bytes(), Some(&b"{\"n\":\"two\",\"text\":\"b\"}"[..]));
    assert_eq!(e.operation(), Some("test.op"));
    assert_eq!(results[2].as_ref().expect("3"), &ev(3, "c"));
}

#[tokio::test]
async fn untyped_and_raw_events() {
    let server = TestServer::start().await;
    let body = "data: {\"n\":1,\"extra\":[1,2]}\n\ndata: [1,2]\n\n";
    server.push_all([
        Reply::status(200)
            .header("Content-Type", "text/event-stream")
            .body(body),
        Reply::status(200)
            .header("Content-Type", "text/event-stream")
            .body(body),
    ]);
    let client = client(&server.url());
    let values: Vec<serde_json::Value> = open(&client)
        .await
        .into_values()
        .try_collect()
        .await
        .expect("values");
    assert_eq!(
        values,
        vec![json!({"n": 1, "extra": [1, 2]}), json!([1, 2])]
    );
    let raw: Vec<Bytes> = open(&client)
        .await
        .into_raw()
        .try_collect()
        .await
        .expect("raw");
    assert_eq!(
        raw,
        vec![
            Bytes::from_static(b"{\"n\":1,\"extra\":[1,2]}"),
            Bytes::from_static(b"[1,2]")
        ]
    );
}

#[tokio::test]
async fn unknown_format_and_truncated_streams_are_errors() {
    let server = TestServer::start().await;
    server.push_all([
        Reply::text(200, "hello, this is not a stream"),
        Reply::status(200).body("{\"n\":1,\"text\":\"a\"}{\"n\":2,\"te"),
    ]);
    let client = client(&server.url());
    let results: Vec<_> = collect_all(&client).await;
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0].as_ref().expect_err("unknown").kind(),
        ErrorKind::InvalidResponse
    );
    let results: Vec<_> = collect_all(&client).await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert_eq!(
        results[1].as_ref().expect_err("truncated").kind(),
        ErrorKind::InvalidResponse
    );
}

#[tokio::test]
async fn errors_before_the_stream_and_retries_up_to_the_headers() {
    let server = TestServer::start().await;
    server.push_all([
        Reply::status(429).header("Retry-After", "0"),
        Reply::status(200)
            .header("Content-Type", "application/x-ndjson")
            .body("{\"n\":1,\"text\":\"a\"}\n"),
        Reply::json(401, json!({"error": "invalid API key"})),
    ]);
    let client = client(&server.url());
    let events: Vec<Ev> = client
        .__execute_stream::<Ev>(request(Method::POST, "/x"), &RequestOptions::new())
        .await
        .expect("429 retried")
        .try_collect()
        .await
        .expect("events");
    assert_eq!(events, vec![ev(1, "a")]);
    assert_eq!(server.request_count(), 2);
    let e = client
        .__execute_stream::<Ev>(request(Method::POST, "/x"), &RequestOptions::new())
        .await
        .expect_err("401");
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(e.api_message(), Some("invalid API key"));
    assert_eq!(
        e.body_bytes(),
        Some(&b"{\"error\":\"invalid API key\"}"[..])
    );
}

#[tokio::test]
async fn the_timeout_bounds_silence_between_chunks_not_the_whole_stream() {
    let server = TestServer::start().await;
    let event = |n: u32| format!("data: {{\"n\":{n},\"text\":\"t\"}}\n\n");
    // Steady: 6 events 60 ms apart (300 ms in all) under a 200 ms timeout.
    server.push(
        Reply::status(200)
            .header("Content-Type", "text/event-stream")
            .chunks((1..=6).map(event), Duration::from_millis(60)),
    );
    // Stalled: one event, then 2 s of silence.
    server.push(
        Reply::status(200)
            .header("Content-Type", "text/event-stream")
            .chunks([event(1), event(2)], Duration::from_secs(2)),
    );
    let client = client_builder(&server.url())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("valid config");
    let steady: Vec<Ev> = open(&client)
        .await
        .try_collect()
        .await
        .expect("never silent for 200 ms");
    assert_eq!(steady.len(), 6);

    let started = std::time::Instant::now();
    let results: Vec<_> = collect_all(&client).await;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let e = results[1].as_ref().expect_err("stalled");
    assert_eq!(e.kind(), ErrorKind::Timeout);
}
