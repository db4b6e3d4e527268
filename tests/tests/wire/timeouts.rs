//! Client-wide and per-request timeouts, and how they interact with retries.

use std::time::{Duration, Instant};

use alli_api::{ErrorKind, RequestOptions};
use alli_api_tests::{Reply, TestServer, client, client_builder, execute, execute_with, get, post};
use serde_json::json;

fn slow(delay_ms: u64) -> Reply {
    Reply::json(200, json!({"ok": true})).delay(Duration::from_millis(delay_ms))
}

#[tokio::test]
async fn per_request_timeout() {
    let server = TestServer::start().await;
    server.push(slow(3_000));
    let client = client(&server.url());
    assert_eq!(client.timeout(), alli_api::DEFAULT_TIMEOUT);
    let started = Instant::now();
    let e = execute_with(
        &client,
        get("/x"),
        RequestOptions::new()
            .timeout(Duration::from_millis(100))
            .max_retries(0),
    )
    .await
    .expect_err("times out");
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.is_timeout());
    assert!(e.is_retryable());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(e.to_string().contains("100ms"), "{e}");
}

#[tokio::test]
async fn client_timeout() {
    let server = TestServer::start().await;
    server.push(slow(3_000));
    let client = client_builder(&server.url())
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .build()
        .expect("valid config");
    let started = Instant::now();
    let e = execute(&client, get("/x")).await.expect_err("times out");
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn per_request_timeout_overrides_a_short_client_timeout() {
    let server = TestServer::start().await;
    server.push(slow(300));
    let client = client_builder(&server.url())
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .build()
        .expect("valid config");
    execute_with(
        &client,
        get("/x"),
        RequestOptions::new().timeout(Duration::from_secs(5)),
    )
    .await
    .expect("the longer per-request timeout applies");
}

#[tokio::test]
async fn timed_out_get_is_retried() {
    let server = TestServer::start().await;
    server.push_all([slow(2_000), slow(0)]);
    let client = client_builder(&server.url())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("valid config");
    execute(&client, get("/x"))
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn timed_out_post_is_not_retried() {
    let server = TestServer::start().await;
    server.push(slow(2_000));
    server.set_fallback(slow(0));
    let client = client_builder(&server.url())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("valid config");
    let e = execute(&client, post("/x")).await.expect_err("times out");
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(!e.is_connect());
    // Give a wrongly scheduled retry the time to show up.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn the_timeout_covers_reading_the_body() {
    let server = TestServer::start().await;
    // Headers at once, the end of the body after 2 s.
    server.push(
        Reply::status(200)
            .header("Content-Type", "application/json")
            .chunks(["{\"a\":", "1}"], Duration::from_secs(2)),
    );
    let client = client_builder(&server.url())
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .expect("valid config");
    let started = Instant::now();
    let e = execute(&client, get("/x"))
        .await
        .expect_err("body too slow");
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn a_huge_timeout_is_no_timeout() {
    let server = TestServer::start().await;
    server.push(slow(50));
    server.push(
        Reply::status(200)
            .header("Content-Type", "application/x-ndjson")
            .chunks(["{\"a\":1}\n", "{\"a\":2}\n"], Duration::from_millis(20)),
    );
    let client = client_builder(&server.url())
        .timeout(Duration::MAX)
        .build()
        .expect("valid config");
    execute(&client, get("/x")).await.expect("no timeout");
    let events: Vec<serde_json::Value> = futures_util::TryStreamExt::try_collect(
        client
            .__execute_stream::<serde_json::Value>(post("/x"), &RequestOptions::new())
            .await
            .expect("stream starts"),
    )
    .await
    .expect("events");
    assert_eq!(events, vec![json!({"a": 1}), json!({"a": 2})]);
}
