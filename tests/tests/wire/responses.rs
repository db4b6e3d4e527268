//! Decoding, typed error bodies, error envelopes, raw responses.

use alli_api::__private::{ErrorBody, typed_error};
use alli_api::{ErrorKind, RawResponse};
use alli_api_tests::{Reply, TestServer, client, execute, get, post};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Conversations {
    conversations: Vec<Conversation>,
    cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Conversation {
    id: String,
    created_at: String,
}

#[tokio::test]
async fn decode_error_names_the_json_path_and_keeps_the_response() {
    let server = TestServer::start().await;
    let body = json!({
        "conversations": [
            {"id": "c1", "createdAt": "2024-01-01"},
            {"id": "c2", "createdAt": 1704067200}
        ],
        "cursor": null
    });
    server.push(Reply::json(200, body.clone()).header("X-Request-Id", "req-9"));
    let raw = execute(&client(&server.url()), get("/webapi/v2/conversations"))
        .await
        .expect("2xx");
    let e = raw
        .__decode::<Conversations>(None)
        .expect_err("wrong type at one place");
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(e.json_path(), Some("conversations[1].createdAt"));
    assert_eq!(e.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(
        e.headers()
            .and_then(|h| h.get("x-request-id"))
            .and_then(|v| v.to_str().ok()),
        Some("req-9")
    );
    assert_eq!(e.body_bytes(), Some(body.to_string().as_bytes()));
    let msg = e.to_string();
    assert!(
        msg.starts_with("test.op: failed to decode the response body at `conversations[1].createdAt`: invalid type: integer"),
        "{msg}"
    );
    assert!(std::error::Error::source(&e).is_some());
}

#[tokio::test]
async fn successful_decoding_and_raw_access() {
    let server = TestServer::start().await;
    let body = json!({"conversations": [{"id": "c1", "createdAt": "x"}], "cursor": "n"});
    server.push(Reply::json(200, body.clone()).header("X-Request-Id", "req-1"));
    let raw: RawResponse = execute(&client(&server.url()), get("/x"))
        .await
        .expect("2xx");
    assert_eq!(raw.status().as_u16(), 200);
    assert_eq!(
        raw.headers().get("x-request-id").map(|v| v.as_bytes()),
        Some(&b"req-1"[..])
    );
    assert_eq!(raw.body(), body.to_string().as_bytes());
    assert_eq!(raw.json::<serde_json::Value>().expect("json"), body);
    let decoded: Conversations = raw.__decode(None).expect("decodes");
    assert_eq!(decoded.conversations[0].id, "c1");
    assert_eq!(decoded.cursor.as_deref(), Some("n"));
}

#[tokio::test]
async fn empty_bodies() {
    let server = TestServer::start().await;
    server.push_all([
        Reply::status(204),
        Reply::status(200),
        Reply::ok().body("ignored"),
    ]);
    let client = client(&server.url());
    execute(&client, get("/x"))
        .await
        .expect("204")
        .__decode::<()>(None)
        .expect("empty body is ()");
    let e = execute(&client, get("/x"))
        .await
        .expect("200")
        .__decode::<Conversations>(None)
        .expect_err("empty body is not an object");
    assert_eq!(e.kind(), ErrorKind::Decode);
    execute(&client, get("/x"))
        .await
        .expect("200")
        .__decode_empty()
        .expect("body ignored");
}

#[derive(Debug, Deserialize, PartialEq)]
struct ValidationError {
    detail: Vec<ValidationItem>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct ValidationItem {
    loc: Vec<String>,
    msg: String,
}

#[derive(Debug, Deserialize, PartialEq)]
struct NotFound {
    message: String,
}

fn decode_errors(status: u16, body: &[u8]) -> Option<Box<dyn ErrorBody>> {
    match status {
        422 => typed_error::<ValidationError>(body),
        404 => typed_error::<NotFound>(body),
        _ => None,
    }
}

#[tokio::test]
async fn typed_error_bodies() {
    let server = TestServer::start().await;
    server.push(Reply::json(
        422,
        json!({"detail": [{"loc": ["body", "title"], "msg": "field required"}]}),
    ));
    server.push(Reply::json(404, json!({"message": "no such app"})));
    server.push(Reply::text(400, "plain failure"));
    let client = client(&server.url());

    let mut req = post("/x");
    req.error_decoder(decode_errors);
    let e = execute(&client, req).await.expect_err("422");
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(422));
    let body = e.body::<ValidationError>().expect("typed body");
    assert_eq!(body.detail[0].loc, vec!["body", "title"]);
    assert_eq!(body.detail[0].msg, "field required");
    assert!(e.body::<NotFound>().is_none());
    assert_eq!(e.api_message(), Some("body.title: field required"));
    assert_eq!(
        e.to_string(),
        "test.op: HTTP 422 Unprocessable Entity: body.title: field required"
    );

    let mut req = get("/x");
    req.error_decoder(decode_errors);
    let e = execute(&client, req).await.expect_err("404");
    assert_eq!(
        e.body::<NotFound>(),
        Some(&NotFound {
            message: "no such app".into()
        })
    );

    let mut req = get("/x");
    req.error_decoder(decode_errors);
    let e = execute(&client, req).await.expect_err("400");
    assert!(e.body::<ValidationError>().is_none());
    assert_eq!(e.api_message(), Some("plain failure"));
    assert_eq!(e.body_text().as_deref(), Some("plain failure"));
}

#[tokio::test]
async fn envelope_errors_on_200() {
    let server = TestServer::start().await;
    server.push(Reply::json(
        200,
        json!({"result": null, "errors": [{"message": "startDate is invalid"}]}),
    ));
    server.set_fallback(Reply::json(200, json!({"result": {"state": "ok"}})));
    let client = client(&server.url());
    let mut req = get("/webapi/conversation_daily_count");
    req.envelope_errors("errors");
    let e = execute(&client, req).await.expect_err("envelope error");
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(e.api_message(), Some("startDate is invalid"));
    assert!(!e.is_retryable());
    assert_eq!(server.request_count(), 1, "envelope errors are not retried");

    // Null, empty or missing envelopes are fine; the check can also be made when decoding.
    for body in [
        json!({"result": {}, "errors": null}),
        json!({"result": {}, "errors": []}),
        json!({"result": {}, "errors": {}}),
        json!({"result": {}}),
    ] {
        server.push(Reply::json(200, body.clone()));
        let mut req = get("/x");
        req.envelope_errors("errors");
        let value = execute(&client, req)
            .await
            .expect("no envelope error")
            .__decode::<serde_json::Value>(Some("errors"))
            .expect("decodes");
        assert_eq!(value, body);
    }
    server.push(Reply::json(200, json!({"errors": "quota exceeded"})));
    let e = execute(&client, get("/x"))
        .await
        .expect("no envelope declared on the request")
        .__decode::<serde_json::Value>(Some("errors"))
        .expect_err("but checked when decoding");
    assert_eq!(e.api_message(), Some("quota exceeded"));
}
