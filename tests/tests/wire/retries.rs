//! Retry policy on the wire: which failures are retried, by method, and Retry-After.

use std::time::{Duration, Instant, SystemTime};

use alli_api::__private::Method;
use alli_api::{ErrorKind, RequestOptions};
use alli_api_tests::{
    Reply, TestServer, client, client_builder, execute, execute_with, get, post, refused_url,
    request,
};
use serde_json::json;

fn ok() -> Reply {
    Reply::json(200, json!({"ok": true}))
}

#[tokio::test]
async fn status_429_with_retry_after_seconds_is_retried_after_the_wait_even_for_post() {
    let server = TestServer::start().await;
    server.push(Reply::status(429).header("Retry-After", "1"));
    server.push(ok());
    let started = Instant::now();
    let raw = execute(&client(&server.url()), post("/x"))
        .await
        .expect("retried after 429");
    let elapsed = started.elapsed();
    assert_eq!(raw.status().as_u16(), 200);
    assert_eq!(server.request_count(), 2);
    // The backoff is at most 20 ms here: only Retry-After explains the wait.
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    let requests = server.requests();
    let gap = requests[1].received_at - requests[0].received_at;
    assert!(gap >= Duration::from_millis(950), "{gap:?}");
}

#[tokio::test]
async fn status_429_with_retry_after_http_date_is_honoured() {
    let server = TestServer::start().await;
    // HTTP-dates have whole seconds: "now + 2 s" truncated is 1 to 2 s away.
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    server.push(Reply::status(429).header("Retry-After", &at));
    server.push(ok());
    let started = Instant::now();
    execute(&client(&server.url()), get("/x"))
        .await
        .expect("retried after 429");
    let elapsed = started.elapsed();
    assert_eq!(server.request_count(), 2);
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = TestServer::start().await;
    server.push(Reply::status(503).header("retry-after-ms", "300"));
    server.push(ok());
    let started = Instant::now();
    execute(&client(&server.url()), get("/x"))
        .await
        .expect("retried after 503");
    assert!(started.elapsed() >= Duration::from_millis(290));
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_not_waited_for() {
    let server = TestServer::start().await;
    server.push(Reply::status(429).header("Retry-After", "3600"));
    server.set_fallback(ok());
    let started = Instant::now();
    let e = execute(&client(&server.url()), get("/x"))
        .await
        .expect_err("not retried");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.request_count(), 1);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
    assert!(e.is_retryable());
}

#[tokio::test]
async fn status_503_on_get_is_retried() {
    let server = TestServer::start().await;
    server.push_all([Reply::status(503), Reply::status(502), ok()]);
    let raw = execute(&client(&server.url()), get("/x"))
        .await
        .expect("third attempt succeeds");
    assert_eq!(raw.status().as_u16(), 200);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn status_408_on_put_and_delete_is_retried() {
    let server = TestServer::start().await;
    server.push_all([Reply::status(408), ok(), Reply::status(500), ok()]);
    let client = client(&server.url());
    execute(&client, request(Method::PUT, "/x"))
        .await
        .expect("PUT retried");
    execute(&client, request(Method::DELETE, "/x"))
        .await
        .expect("DELETE retried");
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn retries_are_bounded_and_the_last_error_returned() {
    let server = TestServer::start().await;
    server.push_all([
        Reply::status(503),
        Reply::status(503),
        Reply::json(503, json!({"message": "still down"})),
    ]);
    server.set_fallback(ok());
    let e = execute(&client(&server.url()), get("/x"))
        .await
        .expect_err("3 attempts fail");
    assert_eq!(server.request_count(), 3);
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(e.api_message(), Some("still down"));
    assert!(e.is_retryable());
}

#[tokio::test]
async fn max_retries_client_wide_and_per_request() {
    let server = TestServer::start().await;
    server.set_fallback(Reply::status(503));
    let none = client_builder(&server.url())
        .max_retries(0)
        .build()
        .expect("valid config");
    execute(&none, get("/x")).await.expect_err("fails");
    assert_eq!(server.request_count(), 1);

    let default = client(&server.url());
    assert_eq!(default.max_retries(), 2);
    execute_with(&default, get("/x"), RequestOptions::new().max_retries(4))
        .await
        .expect_err("fails");
    assert_eq!(server.request_count(), 1 + 5);
    execute_with(&default, get("/x"), RequestOptions::new().max_retries(0))
        .await
        .expect_err("fails");
    assert_eq!(server.request_count(), 1 + 5 + 1);
}

#[tokio::test]
async fn status_500_on_post_and_patch_is_not_retried() {
    let server = TestServer::start().await;
    server.push_all([Reply::status(500), Reply::status(503)]);
    server.set_fallback(ok());
    let client = client(&server.url());
    let e = execute(&client, post("/x")).await.expect_err("not retried");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(500));
    let e = execute(&client, request(Method::PATCH, "/x"))
        .await
        .expect_err("not retried");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = TestServer::start().await;
    server.push(Reply::json(404, json!({"detail": "Not found"})));
    server.set_fallback(ok());
    let e = execute(&client(&server.url()), get("/x"))
        .await
        .expect_err("404");
    assert_eq!(server.request_count(), 1);
    assert!(!e.is_retryable());
    assert_eq!(e.to_string(), "test.op: HTTP 404 Not Found: Not found");
}

#[tokio::test]
async fn connection_dropped_after_a_post_is_not_retried() {
    let server = TestServer::start().await;
    server.push(Reply::drop_connection());
    // A retry would succeed: failing proves there was none.
    server.set_fallback(ok());
    let mut req = post("/webapi/v2/apps/run");
    req.json(&json!({"input": "hi"}));
    let e = execute(&client(&server.url()), req)
        .await
        .expect_err("not retried");
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert!(!e.is_connect(), "the request was sent");
    assert!(
        e.to_string()
            .starts_with("test.op: the connection failed after the request was sent: "),
        "{e}"
    );
    assert_eq!(server.request_count(), 1);
    assert_eq!(server.single_request().body_text(), r#"{"input":"hi"}"#);
}

#[tokio::test]
async fn connection_dropped_on_a_get_is_retried() {
    let server = TestServer::start().await;
    server.push_all([Reply::drop_connection(), ok()]);
    execute(&client(&server.url()), get("/x"))
        .await
        .expect("retried");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn garbage_response_is_a_transport_error() {
    let server = TestServer::start().await;
    server.push(Reply::raw("this is not HTTP\r\n\r\n"));
    let e = execute(&client(&server.url()), post("/x"))
        .await
        .expect_err("garbage");
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn connection_refused_post_is_retried() {
    // Refuses connections for 150 ms, then answers.
    let server = TestServer::start_delayed(Duration::from_millis(150)).await;
    server.push(ok());
    let client = client_builder(&server.url())
        .retry_backoff(Duration::from_millis(100), Duration::from_millis(200))
        .max_retries(6)
        .build()
        .expect("valid config");
    let mut req = post("/x");
    req.json(&json!({"n": 1}));
    let raw = execute(&client, req)
        .await
        .expect("retried until the server listens");
    assert_eq!(raw.status().as_u16(), 200);
    // Refused attempts never reached the server: it saw the request once.
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let client = client_builder(&refused_url())
        .max_retries(1)
        .build()
        .expect("valid config");
    let e = execute(&client, post("/x"))
        .await
        .expect_err("nobody listens");
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert!(e.is_connect());
    assert!(e.is_retryable());
    assert!(
        e.to_string()
            .starts_with("test.op: failed to connect to the server: "),
        "{e}"
    );
    assert_eq!(e.operation(), Some("test.op"));
    assert!(std::error::Error::source(&e).is_some());
}
