//! `alli_api::mock`: rules, typed answers and matchers (the generated layer of the Alli API,
//! and of a golden fixture whose names clash with the rules' own methods), unmatched and
//! invalid requests, faults, streams, auto-respond, verification.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use alli_api::ErrorKind;
use alli_api::mock::OPENAPI;
use alli_api::mock::{Fault, MockAlli, Operation, Reply};
use alli_api::prelude::*;
use alli_api::types::{
    ChatsResponse, ChatsResponseRequired, Conversation, ConversationRequired,
    ConversationsResponse, GetGenerativeAnswerError, ListOrder, RunAppChat, RunAppResponse,
    RunAppResult,
};
use serde_json::json;

fn conversation(id: &str, title: &str) -> Conversation {
    Conversation::new(ConversationRequired {
        id: id.to_owned(),
        title: title.to_owned(),
        user: None,
        created_at: 1_749_551_400.0,
        last_chat_time: None,
        is_end: false,
        categories: None,
        memo: None,
        chats: Vec::new(),
        chat_count: 0,
        llm_app: None,
        variables: None,
    })
}

fn run_result(message: &str) -> RunAppResponse {
    let response = json!({ "result": { "id": "app-1", "responses": [{ "message": message }] } });
    serde_json::from_value(response).expect("a RunAppResponse")
}

fn chat(message: &str) -> RunAppChat {
    RunAppChat::new().message(message)
}

/// The `x-alli-mock` header of the answer that made `err`: what the mock made up.
fn mock_header(err: &alli_api::Error) -> Option<&str> {
    err.headers()?.get("x-alli-mock")?.to_str().ok()
}

/// A mock that does not verify when dropped (for tests that provoke failures).
async fn lenient() -> MockAlli {
    MockAlli::configure()
        .verify_on_drop(false)
        .start()
        .await
        .expect("the mock starts")
}

/// The verification report of `mock`, which must have failed.
fn failures(mock: &MockAlli) -> String {
    match mock.check() {
        Ok(()) => panic!("verification passed, a failure was expected"),
        Err(f) => f.to_string(),
    }
}

#[tokio::test]
async fn typed_rule_answers_and_counts_calls() {
    let mock = MockAlli::start().await;
    let get = mock
        .conversations()
        .get("c1")
        .returns(conversation("c1", "Leave policy"))
        .times(1);
    let client = mock.client();
    let got = client
        .conversations()
        .get("c1")
        .send()
        .await
        .expect("answered");
    assert_eq!(got.title, "Leave policy");
    assert_eq!(get.calls(), 1);
    let request = &get.requests()[0];
    assert_eq!(request.operation(), Some("conversations.get"));
    assert_eq!(request.path_param("conversation_id"), Some("c1"));
    assert_eq!(
        request.header("api-key"),
        Some(alli_api::mock::MOCK_API_KEY)
    );
    mock.verify();
}

#[tokio::test]
async fn an_unmatched_request_fails_at_the_call_site_naming_the_closest_rule() {
    let mock = lenient().await;
    mock.conversations()
        .get("c1")
        .returns(conversation("c1", "x"));
    let err = mock
        .client()
        .conversations()
        .get("c2")
        .send()
        .await
        .expect_err("no rule for c2");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(mock_header(&err), Some("unmatched"));
    let message = err.to_string();
    assert!(
        message.contains("no rule matched `GET /webapi/v2/conversations/c2`"),
        "{message}"
    );
    assert!(
        message.contains("closest: rule #1 (tests/tests/wire/mock.rs:"),
        "{message}"
    );
    let body = err.body_text().unwrap_or_default().into_owned();
    assert!(
        body.contains("closest: rule #1 conversations.get (tests/tests/wire/mock.rs:"),
        "{body}"
    );
    assert!(
        message.contains(r#"path parameter `conversation_id`: expected "c1", got "c2""#),
        "{message}"
    );
    let report = failures(&mock);
    assert!(report.contains("request #1: no rule matched"), "{report}");
    // The rule for c1 was never called either (at least once by default).
    assert!(
        report.contains("expected at least 1 call, got 0"),
        "{report}"
    );
    assert!(
        report.contains("path parameter `conversation_id` = \"c1\""),
        "{report}"
    );
}

#[tokio::test]
async fn the_closest_rule_is_the_one_with_fewest_differences() {
    let mock = lenient().await;
    mock.conversations()
        .list()
        .page_size(10)
        .active_only(true)
        .order(ListOrder::LastChatTimeAsc)
        .returns(ConversationsResponse::new(Vec::new(), None));
    mock.conversations()
        .list()
        .page_size(10)
        .active_only(true)
        .returns(ConversationsResponse::new(Vec::new(), None));
    let err = mock
        .client()
        .conversations()
        .list()
        .page_size(20)
        .active_only(true)
        .send()
        .await
        .expect_err("unmatched");
    let body = err.body_text().unwrap_or_default().into_owned();
    assert!(body.contains("closest: rule #2"), "{body}");
    assert!(
        body.contains(r#"query `pageSize`: expected [\"10\"], got [\"20\"]"#),
        "{body}"
    );
}

#[tokio::test]
async fn dropping_the_mock_verifies_it_and_panics_with_the_report() {
    let mock = MockAlli::start().await;
    mock.apps().run("app-1").returns(run_result("hi")).times(2);
    let payload = std::panic::catch_unwind(AssertUnwindSafe(|| drop(mock)))
        .expect_err("verification fails on drop");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("alli_api::mock: 1 problem found"),
        "{message}"
    );
    assert!(message.contains("rule #1 apps.run"), "{message}");
    assert!(
        message.contains("expected exactly 2 calls, got 0"),
        "{message}"
    );
    assert!(message.contains("requests received: none"), "{message}");
}

#[tokio::test]
async fn a_failing_test_is_not_turned_into_a_double_panic() {
    let mock = MockAlli::start().await;
    mock.conversations().get("never-called");
    // The test body panics while the unverified mock is alive: dropping it must not panic
    // again (that would abort the process, and this test binary with it).
    let outcome = std::thread::spawn(move || {
        let _mock = mock;
        panic!("the test's own assertion failed");
    })
    .join();
    let payload = outcome.expect_err("the thread panicked");
    assert_eq!(
        payload.downcast_ref::<&str>().copied(),
        Some("the test's own assertion failed")
    );
}

#[tokio::test]
async fn a_sequence_fails_with_retry_after_then_answers() {
    let mock = MockAlli::start().await;
    let run = mock
        .apps()
        .run("app-1")
        .fails(429, json!({ "detail": "rate limited" }))
        .retry_after(1)
        .then_returns(run_result("done"))
        .times(2);
    let started = Instant::now();
    let answer = mock
        .client()
        .apps()
        .run("app-1")
        .chat(chat("hello"))
        .send()
        .await
        .expect("a 429 is retried, even for POST");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After honoured"
    );
    let message = answer.result.responses.and_then(|r| r[0].message.clone());
    assert_eq!(message.as_deref(), Some("done"));
    assert_eq!(run.calls(), 2);
    let statuses: Vec<Option<u16>> = mock
        .received_requests()
        .iter()
        .map(|r| r.status())
        .collect();
    assert_eq!(statuses, [Some(429), Some(200)]);
}

#[tokio::test]
async fn an_exhausted_rule_hands_over_to_the_next_and_then_fails_clearly() {
    let mock = lenient().await;
    mock.conversations()
        .get("c1")
        .returns(conversation("c1", "first"))
        .times(1);
    mock.conversations()
        .get("c1")
        .returns(conversation("c1", "second"))
        .times(1);
    let client = mock.client();
    let titles = [
        client
            .conversations()
            .get("c1")
            .send()
            .await
            .map(|c| c.title)
            .ok(),
        client
            .conversations()
            .get("c1")
            .send()
            .await
            .map(|c| c.title)
            .ok(),
    ];
    assert_eq!(
        titles,
        [Some("first".to_owned()), Some("second".to_owned())]
    );
    let err = client
        .conversations()
        .get("c1")
        .send()
        .await
        .expect_err("both rules are used up");
    let message = err.to_string();
    assert!(
        message.contains("matched, but expects exactly 1 call and already had 1"),
        "{message}"
    );
}

#[tokio::test]
async fn cursor_pages_with_typed_query_matchers() {
    let mock = MockAlli::start().await;
    mock.conversations()
        .list()
        .page_size(2)
        .active_only(true)
        .without_cursor()
        .returns(ConversationsResponse::new(
            vec![conversation("c1", "a"), conversation("c2", "b")],
            Some("next-1".to_owned()),
        ));
    mock.conversations()
        .list()
        .page_size(2)
        .active_only(true)
        .cursor("next-1")
        .returns(ConversationsResponse::new(
            vec![conversation("c3", "c")],
            None,
        ));
    let ids: Vec<String> = mock
        .client()
        .conversations()
        .list()
        .page_size(2)
        .active_only(true)
        .into_stream()
        .map_ok(|c| c.id)
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(ids, ["c1", "c2", "c3"]);
}

#[tokio::test]
async fn header_matchers_compare_what_the_client_sends() {
    let mock = MockAlli::start().await;
    let get = mock
        .conversations()
        .get("c1")
        .own_user_id("고객-42")
        .returns(conversation("c1", "x"));
    let client = mock
        .client_builder()
        .own_user_id("고객-42")
        .build()
        .expect("client");
    client
        .conversations()
        .get("c1")
        .send()
        .await
        .expect("matched");
    assert_eq!(
        get.requests()[0].header("own-user-id"),
        Some("base64:6rOg6rCdLTQy")
    );
}

#[tokio::test]
async fn body_field_matchers_report_the_differing_field() {
    let mock = lenient().await;
    mock.apps()
        .run("app-1")
        .chat(chat("What is our leave policy?"))
        .temperature(0.5)
        .returns(run_result("15 days"));
    let client = mock.client();
    let ok = client
        .apps()
        .run("app-1")
        .chat(chat("What is our leave policy?"))
        .temperature(0.5)
        .send()
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    let err = client
        .apps()
        .run("app-1")
        .chat(chat("Something else"))
        .temperature(0.5)
        .send()
        .await
        .expect_err("another message");
    let body = err.body_text().unwrap_or_default().into_owned();
    assert!(body.contains("body field `chat`: expected"), "{body}");
    assert!(body.contains("Something else"), "{body}");
}

#[tokio::test]
async fn a_streaming_rule_sends_sse_events_and_matches_only_stream_requests() {
    let mock = lenient().await;
    mock.apps().run("app-1").streams([
        run_result("Hel"),
        run_result("Hello"),
        run_result("Hello!"),
    ]);
    let client = mock.client();
    let mut events = client
        .apps()
        .run("app-1")
        .chat(chat("hi"))
        .stream()
        .await
        .expect("a stream");
    assert_eq!(
        events.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"text/event-stream"[..])
    );
    let mut messages = Vec::new();
    while let Some(event) = events.next().await {
        let event = event.expect("a typed event");
        messages.push(event.result.responses.and_then(|r| r[0].message.clone()));
    }
    assert_eq!(
        messages,
        ["Hel", "Hello", "Hello!"].map(|m| Some(m.to_owned()))
    );
    // `.send()` asks for no stream: the rule does not match it.
    let err = client
        .apps()
        .run("app-1")
        .chat(chat("hi"))
        .send()
        .await
        .expect_err("not a stream request");
    let body = err.body_text().unwrap_or_default().into_owned();
    assert!(
        body.contains(r#"body field `mode`: expected \"stream\", got none"#),
        "{body}"
    );
}

#[tokio::test]
async fn a_truncated_stream_ends_with_an_error_after_the_whole_events() {
    let mock = MockAlli::start().await;
    mock.apps()
        .run("app-1")
        .streams([run_result("one"), run_result("two")])
        .truncated();
    let mut events = mock
        .client()
        .apps()
        .run("app-1")
        .stream()
        .await
        .expect("the headers arrive");
    let first = events
        .next()
        .await
        .expect("an item")
        .expect("event one is whole");
    assert_eq!(
        first
            .result
            .responses
            .and_then(|r| r[0].message.clone())
            .as_deref(),
        Some("one")
    );
    let second = events.next().await.expect("an item");
    let err = second.expect_err("event two is cut");
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Transport | ErrorKind::InvalidResponse
        ),
        "{err:?}"
    );
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn a_connection_reset_is_retried_for_get_but_not_for_post() {
    let mock = MockAlli::start().await;
    let get = mock
        .conversations()
        .get("c1")
        .fault(Fault::ConnectionReset)
        .then_returns(conversation("c1", "x"))
        .times(2);
    let run = mock
        .apps()
        .run("app-1")
        .fault(Fault::ConnectionReset)
        .times(1);
    let client = mock.client();
    client
        .conversations()
        .get("c1")
        .send()
        .await
        .expect("GET retried");
    assert_eq!(get.calls(), 2);
    let err = client
        .apps()
        .run("app-1")
        .send()
        .await
        .expect_err("a POST that may have run is not resent");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(!err.is_connect(), "the request reached the server");
    assert_eq!(run.calls(), 1);
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    let mock = MockAlli::start().await;
    mock.conversations()
        .get("c1")
        .returns(conversation("c1", "a title long enough to be cut in half"))
        .truncated();
    let err = mock
        .client()
        .conversations()
        .get("c1")
        .max_retries(0)
        .send()
        .await
        .expect_err("cut body");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(
        err.to_string().contains("failed to read the response body"),
        "{err}"
    );
}

#[tokio::test]
async fn a_delay_trips_the_client_timeout() {
    let mock = MockAlli::start().await;
    mock.conversations()
        .get("slow")
        .returns(conversation("slow", "x"))
        .delay(Duration::from_millis(500));
    let client = mock.client();
    let err = client
        .conversations()
        .get("slow")
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .send()
        .await
        .expect_err("too slow");
    assert!(err.is_timeout(), "{err:?}");
    // The rule still answers a patient client.
    let got = client.conversations().get("slow").send().await;
    assert!(got.is_ok(), "{got:?}");
}

#[tokio::test]
async fn never_fails_the_call_and_the_verification() {
    let mock = lenient().await;
    mock.conversations().get("c1").never();
    let err = mock
        .client()
        .conversations()
        .get("c1")
        .send()
        .await
        .expect_err("forbidden");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    assert!(err.to_string().contains("which expects no call"), "{err}");
    let report = failures(&mock);
    assert!(report.contains("which expects no call"), "{report}");
}

#[tokio::test]
async fn documented_error_bodies_are_typed_and_checked() {
    let mock = lenient().await;
    let mut body = GetGenerativeAnswerError::new();
    body.errors = Some("query must not be empty".to_owned());
    mock.on("POST", "/webapi/generative_answer")
        .fails(400, &body);
    let err = mock
        .client()
        .apps()
        .generative_answer("")
        .send()
        .await
        .expect_err("400");
    assert_eq!(err.body::<GetGenerativeAnswerError>(), Some(&body));
    assert!(mock.check().is_ok(), "{:?}", mock.check());
    // A body that does not fit the documented one is a misconfigured rule.
    mock.on("POST", "/webapi/generative_answer")
        .fails(401, json!({ "errors": 42 }));
    let report = failures(&mock);
    assert!(
        report.contains(
            "does not match the body documented for 401: at `errors`: 42 is not of type \"string\""
        ),
        "{report}"
    );
}

#[tokio::test]
async fn answers_that_break_the_document_are_refused_unless_sent_raw() {
    let mock = lenient().await;
    mock.on("GET", "/webapi/v2/conversations/{conversation_id}")
        .path_param("conversation_id", &"bad")
        .returns(json!({ "id": 5 }));
    let err = mock
        .client()
        .conversations()
        .get("bad")
        .send()
        .await
        .expect_err("misconfigured");
    let message = err.body_text().unwrap_or_default().into_owned();
    assert!(message.contains("misconfigured"), "{message}");
    assert!(message.contains("5 is not of type"), "{message}");
    // `responds` sends anything, for testing decode errors.
    mock.on("GET", "/webapi/v2/conversations/{conversation_id}")
        .path_param("conversation_id", &"raw")
        .responds(Reply::json(200, json!({ "id": 5 })));
    let err = mock
        .client()
        .conversations()
        .get("raw")
        .send()
        .await
        .expect_err("does not decode");
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn requests_the_api_would_reject_are_rejected_against_the_schema() {
    let mock = lenient().await;
    let client = mock.client();
    // A parameter out of its bounds.
    let err = client
        .conversations()
        .list()
        .page_size(0)
        .send()
        .await
        .expect_err("pageSize has minimum 1");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(mock_header(&err), Some("invalid-request"));
    assert!(
        err.to_string()
            .contains("query.pageSize: 0 is less than the minimum of 1"),
        "{err}"
    );
    // A body with a value outside its enum, a wrong type and a missing required field.
    let send = |path: &'static str, body: serde_json::Value| {
        let client = client.clone();
        async move {
            let mut req = alli_api::__private::Request::new(
                alli_api::__private::Method::POST,
                path,
                "test.op",
            );
            req.json(&body);
            client
                .__execute(req, &alli_api::RequestOptions::new())
                .await
                .expect_err("rejected")
        }
    };
    let err = send(
        "/webapi/apps/app-1/run",
        json!({ "mode": "fast", "temperature": "hot" }),
    )
    .await;
    let text = err.body_text().unwrap_or_default().into_owned();
    assert!(text.contains(r#""loc":["body","mode"]"#), "{text}");
    assert!(text.contains(r#""loc":["body","temperature"]"#), "{text}");
    let err = send("/webapi/send_chat", json!({ "message": "hi" })).await;
    let text = err.body_text().unwrap_or_default().into_owned();
    assert!(
        text.contains("\\\"conversationId\\\" is a required property"),
        "{text}"
    );
    let report = failures(&mock);
    assert!(report.contains("would be rejected by the API"), "{report}");
    assert_eq!(mock.check().map_err(|f| f.problems().len()), Err(3));
}

#[tokio::test]
async fn requests_without_credentials_get_401() {
    let mock = lenient().await;
    let response = alli_api::reqwest::Client::new()
        .get(format!("{}/webapi/v2/apps", mock.url()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 401);
    assert!(failures(&mock).contains("has no credentials"));
}

#[tokio::test]
async fn paths_and_methods_the_document_does_not_have_are_unmatched() {
    let mock = lenient().await;
    let client = mock.client();
    let err = alli_api_tests::execute(
        &client,
        alli_api_tests::request(alli_api::__private::Method::DELETE, "/webapi/v2/apps"),
    )
    .await
    .expect_err("no DELETE");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    assert!(
        err.to_string().contains("`/webapi/v2/apps` accepts GET"),
        "{err}"
    );
    let err = alli_api_tests::execute(&client, alli_api_tests::get("/webapi/v2/app"))
        .await
        .expect_err("typo");
    assert!(
        err.to_string().contains("closest paths: /webapi/v2/apps"),
        "{err}"
    );
    // A rule for an operation the document does not have is reported.
    mock.on("GET", "/webapi/v3/apps");
    assert!(failures(&mock).contains("the document has no operation `GET /webapi/v3/apps`"));
}

#[tokio::test]
async fn auto_respond_answers_from_the_documented_schema() {
    let mock = MockAlli::start().await;
    let client = mock.client();
    let conversation = client
        .conversations()
        .get("any")
        .send()
        .await
        .expect("synthesized");
    assert_eq!(conversation.id, "string");
    let page = client
        .conversations()
        .list()
        .send()
        .await
        .expect("synthesized");
    assert!(
        page.conversations.is_empty() && page.cursor.is_none(),
        "{page:?}"
    );
    let running = client
        .conversations()
        .state("c1")
        .send()
        .await
        .expect("synthesized");
    assert!(!running.is_running);
    // A streaming request answered from the document gets the documented JSON: one event.
    let events: Vec<RunAppResponse> = client
        .apps()
        .run("app-1")
        .stream()
        .await
        .expect("a stream")
        .try_collect()
        .await
        .expect("one event");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].result, RunAppResult::default());
    mock.verify();
}

#[tokio::test]
async fn auto_respond_off_makes_every_request_need_a_rule() {
    let mock = MockAlli::configure()
        .auto_respond(false)
        .verify_on_drop(false)
        .start()
        .await
        .expect("starts");
    let err = mock
        .client()
        .apps()
        .list()
        .send()
        .await
        .expect_err("no rule");
    assert!(err.to_string().contains("auto-respond is off"), "{err}");
}

#[tokio::test]
async fn descriptors_that_disagree_with_the_document_stop_the_start() {
    static WRONG: Operation = Operation {
        success_status: 201,
        ..alli_api::mock::operations::CONVERSATIONS_GET
    };
    let err = MockAlli::builder(OPENAPI)
        .operations([&WRONG])
        .start()
        .await
        .expect_err("status 201 is not documented");
    assert!(
        err.to_string().contains("operation `conversations.get` (GET /webapi/v2/conversations/{conversation_id}): documented success status is 200"),
        "{err}"
    );
    let err = MockAlli::builder("{ not json")
        .start()
        .await
        .expect_err("bad document");
    assert!(err.to_string().contains("not valid JSON"), "{err}");
}

#[tokio::test]
async fn received_requests_redact_credentials_in_debug() {
    let mock = MockAlli::start().await;
    mock.client()
        .apps()
        .list()
        .send()
        .await
        .expect("synthesized");
    let requests = mock.received_requests();
    let shown = format!("{requests:?}");
    assert!(!shown.contains(alli_api::mock::MOCK_API_KEY), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}

#[tokio::test]
async fn absence_matchers_tell_a_plain_run_from_a_stream_and_a_first_page_from_the_next() {
    let mock = lenient().await;
    let plain = mock
        .apps()
        .run("app-1")
        .without_mode()
        .returns(run_result("plain"))
        .times(1);
    let streamed = mock
        .apps()
        .run("app-1")
        .streams([run_result("streamed")])
        .times(1);
    let first = mock
        .conversations()
        .list_chats("c1")
        .without_page_no()
        .returns(ChatsResponse::new(ChatsResponseRequired {
            chats: Vec::new(),
            page_no: 1,
            total_count: 0,
        }))
        .times(1);
    let client = mock.client();
    let run = client
        .apps()
        .run("app-1")
        .chat(chat("hi"))
        .send()
        .await
        .expect("the plain rule");
    assert_eq!(
        run.result
            .responses
            .and_then(|r| r[0].message.clone())
            .as_deref(),
        Some("plain")
    );
    let mut events = client
        .apps()
        .run("app-1")
        .chat(chat("hi"))
        .stream()
        .await
        .expect("the streamed rule");
    while let Some(event) = events.next().await {
        event.expect("an event");
    }
    assert_eq!((plain.calls(), streamed.calls()), (1, 1));
    let chats = client
        .conversations()
        .list_chats("c1")
        .send()
        .await
        .expect("the first page");
    assert_eq!(chats.page_no, 1);
    // Asking for page 2 sends `pageNo`: the first-page rule does not match it.
    let second = client
        .conversations()
        .list_chats("c1")
        .page_no(2)
        .send()
        .await;
    assert!(second.is_err(), "{second:?}");
    assert_eq!(first.calls(), 1);
    let report = failures(&mock);
    assert!(
        report.contains("query `pageNo`: expected none, got [\"2\"]"),
        "{report}"
    );
}

#[tokio::test]
async fn matchers_named_like_the_rules_own_methods_take_a_numbered_name() {
    use alli_api_tests::golden::names::NamesApi;
    use alli_api_tests::golden::names::mock::{self as names_mock, NamesApiMock};
    let mock = names_mock::configure()
        .verify_on_drop(false)
        .start()
        .await
        .expect("the mock starts");
    let rule = mock
        .sessions()
        .new_session()
        .returns2("soon")
        .times2(3)
        .without_delay()
        .without_calls()
        .any_times();
    let client = mock.client();
    let matched = client.sessions().new_session("soon").times(3).send().await;
    assert!(matched.is_ok(), "{matched:?}");
    let other = client
        .sessions()
        .new_session("later")
        .times(3)
        .send()
        .await
        .expect_err("another `returns` query parameter");
    let body = other.body_text().unwrap_or_default().into_owned();
    assert!(body.contains("returns"), "{body}");
    let with_delay = client
        .sessions()
        .new_session("soon")
        .times(3)
        .delay("1s")
        .send()
        .await;
    assert!(
        with_delay.is_err(),
        "`without_delay()` must refuse a `delay` field"
    );
    assert_eq!(rule.calls(), 1);
}
