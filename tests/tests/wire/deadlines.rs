//! The overall deadline of a request (`total_timeout`), beside the per-attempt `timeout`; and
//! `Error::is_retryable` telling "transient" from "safe to send again".

use std::time::{Duration, Instant};

use alli_api::mock::Fault;
use alli_api::mock::MockAlli;
use alli_api::{ErrorKind, RequestOptions};
use alli_api_tests::{Reply, TestServer, client_builder, execute_with, get, post};
use serde_json::json;

fn hanging() -> Reply {
    Reply::json(200, json!({"ok": true})).delay(Duration::from_secs(5))
}

#[tokio::test]
async fn without_a_total_timeout_every_attempt_gets_the_whole_timeout() {
    let server = TestServer::start().await;
    server.set_fallback(hanging());
    let client = client_builder(&server.url()).build().expect("client");
    let started = Instant::now();
    let e = execute_with(
        &client,
        get("/x"),
        RequestOptions::new()
            .timeout(Duration::from_millis(200))
            .max_retries(2),
    )
    .await
    .expect_err("times out");
    // Three attempts of 200 ms each, plus backoff: the per-attempt timeout bounds nothing more.
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    assert!(server.wait_for_requests(3, Duration::from_secs(2)).await);
    assert_eq!(e.to_string(), "test.op: no complete response within 200ms");
}

#[tokio::test]
async fn a_total_timeout_cuts_the_attempt_running_at_the_deadline() {
    let server = TestServer::start().await;
    server.set_fallback(hanging());
    let client = client_builder(&server.url())
        .timeout(Duration::from_millis(400))
        .total_timeout(Duration::from_millis(500))
        .build()
        .expect("client");
    assert_eq!(client.total_timeout(), Some(Duration::from_millis(500)));
    let started = Instant::now();
    let e = execute_with(&client, get("/x"), RequestOptions::new())
        .await
        .expect_err("times out");
    let elapsed = started.elapsed();
    // Attempt 1 times out at 400 ms, attempt 2 is cut at the 500 ms deadline; three full
    // attempts would take 1.2 s.
    assert!(elapsed >= Duration::from_millis(490), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1100), "{elapsed:?}");
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(
        e.to_string(),
        "test.op: no complete response within the total timeout of 500ms (2 attempts)"
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_retry_whose_backoff_would_pass_the_deadline_is_not_made() {
    let server = TestServer::start().await;
    server.set_fallback(Reply::json(503, json!({"detail": "down"})));
    let client = client_builder(&server.url())
        .retry_backoff(Duration::from_secs(2), Duration::from_secs(2))
        .build()
        .expect("client");
    let started = Instant::now();
    let e = execute_with(
        &client,
        get("/x"),
        RequestOptions::new().total_timeout(Duration::from_secs(1)),
    )
    .await
    .expect_err("503");
    // The 503 comes back at once instead of after a 1.5–2 s wait that the deadline forbids.
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 1);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_ends_the_call() {
    let server = TestServer::start().await;
    server.push(Reply::json(429, json!({"detail": "slow down"})).header("Retry-After", "5"));
    server.set_fallback(Reply::json(200, json!({"ok": true})));
    let client = client_builder(&server.url()).build().expect("client");
    let started = Instant::now();
    let e = execute_with(
        &client,
        post("/x"),
        RequestOptions::new().total_timeout(Duration::from_secs(2)),
    )
    .await
    .expect_err("429");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 1);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(5)));
    // Within the deadline, the same wait is honoured.
    server.push(Reply::json(429, json!({"detail": "slow down"})).header("Retry-After", "1"));
    let raw = execute_with(
        &client,
        post("/x"),
        RequestOptions::new().total_timeout(Duration::from_secs(3)),
    )
    .await
    .expect("retried after 1 s");
    assert_eq!(raw.status().as_u16(), 200);
}

#[tokio::test]
async fn the_generated_builders_take_a_total_timeout_per_request() {
    let mock = MockAlli::start().await;
    mock.conversations()
        .get("slow")
        .fault(Fault::ConnectionReset)
        .then_returns(
            alli_api::serde_json::from_value(json!({
                "id": "slow", "title": "t", "user": null, "createdAt": 0, "lastChatTime": null,
                "isEnd": false, "categories": null, "memo": null, "chats": [], "chatCount": 0,
                "llmApp": null, "variables": null
            }))
            .expect("a Conversation"),
        )
        .delay(Duration::from_secs(3))
        .times(2);
    let started = Instant::now();
    let e = mock
        .client()
        .conversations()
        .get("slow")
        .total_timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("the retry's answer comes too late");
    assert!(e.is_timeout(), "{e:?}");
    assert!(
        e.to_string()
            .contains("total timeout of 300ms (2 attempts)"),
        "{e}"
    );
    assert!(started.elapsed() < Duration::from_millis(2500));
}

#[tokio::test]
async fn a_post_that_may_have_been_applied_is_transient_but_not_retryable() {
    let mock = MockAlli::start().await;
    let run = mock
        .apps()
        .run("app-1")
        .fault(Fault::ConnectionReset)
        .times(1);
    let e = mock
        .client()
        .apps()
        .run("app-1")
        .send()
        .await
        .expect_err("reset after the request was sent");
    assert_eq!(run.calls(), 1, "the client did not resend it either");
    assert!(e.is_transient());
    assert!(!e.is_connect());
    assert!(
        !e.is_retryable(),
        "a naive `while e.is_retryable()` loop would run the app twice"
    );
}

#[tokio::test]
async fn transient_failures_that_are_safe_to_resend_are_retryable() {
    let mock = MockAlli::start().await;
    // GET: idempotent, so a reset is safe to resend.
    mock.conversations()
        .get("c1")
        .fault(Fault::ConnectionReset)
        .times(1);
    // POST rejected by rate limiting: the server did not act on it.
    mock.apps()
        .run("app-1")
        .fails(429, json!({"detail": "slow down"}))
        .times(1);
    // POST answered 500: it may have run.
    mock.apps()
        .run("app-2")
        .fails(500, json!({"detail": "boom"}))
        .times(1);
    let client = mock.client();
    let e = client
        .conversations()
        .get("c1")
        .max_retries(0)
        .send()
        .await
        .expect_err("reset");
    assert!(e.is_transient() && e.is_retryable(), "{e:?}");
    let e = client
        .apps()
        .run("app-1")
        .max_retries(0)
        .send()
        .await
        .expect_err("429");
    assert!(e.is_transient() && e.is_retryable(), "{e:?}");
    let e = client
        .apps()
        .run("app-2")
        .max_retries(0)
        .send()
        .await
        .expect_err("500");
    assert!(e.is_transient() && !e.is_retryable(), "{e:?}");
}
