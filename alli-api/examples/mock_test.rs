//! Testing code that calls `alli-api` with `alli_api::mock`, no account and no network: the
//! shape of a downstream test, written as an example that asserts (`cargo run -p alli-api
//! --example mock_test` exits 0 when every check holds). In a downstream crate the same code
//! sits in `#[tokio::test]` functions.

use std::time::Duration;

use alli_api::prelude::*;
use alli_api::types::{
    Conversation, ConversationRequired, ConversationsResponse, RunAppChat, RunAppResponse,
    RunAppResult, RunAppResultResponse, SendChatRequired, SendChatResponse, SendChatResult,
    SendChatResultResponse,
};
use alli_api::{Client, ErrorKind};
use serde_json::json;

/// The code under test: the titles of the active conversations, across pages.
async fn active_titles(client: &Client) -> alli_api::Result<Vec<String>> {
    client
        .conversations()
        .list()
        .active_only(true)
        .into_stream()
        .map_ok(|c| c.title)
        .try_collect()
        .await
}

/// The code under test: says `message` in a conversation, returns the bot's replies.
async fn say(
    client: &Client,
    conversation_id: &str,
    message: &str,
) -> alli_api::Result<Vec<String>> {
    let sent = client
        .apps()
        .send_chat(SendChatRequired {
            message: message.to_owned(),
            conversation_id: conversation_id.to_owned(),
        })
        .send()
        .await?;
    let responses = sent.result.and_then(|r| r.responses).unwrap_or_default();
    // The first response is the message sent.
    Ok(responses
        .into_iter()
        .skip(1)
        .filter_map(|r| r.message)
        .collect())
}

fn conversation(id: &str, title: &str) -> Conversation {
    Conversation::new(ConversationRequired {
        id: id.to_owned(),
        title: title.to_owned(),
        user: None,
        created_at: 0.0,
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

/// What `send_chat` answers: the message sent, then the bot's replies.
fn chat_answer(messages: &[&str]) -> SendChatResponse {
    let responses = messages.iter().map(|m| {
        let mut response = SendChatResultResponse::new();
        response.message = Some((*m).to_owned());
        response
    });
    let mut result = SendChatResult::new();
    result.responses = Some(responses.collect());
    let mut answer = SendChatResponse::new();
    answer.result = Some(result);
    answer
}

/// What a synchronous app run answers: one message.
fn run_answer(message: &str) -> RunAppResponse {
    let mut response = RunAppResultResponse::new();
    response.message = Some(message.to_owned());
    let mut result = RunAppResult::new();
    result.responses = Some(vec![response]);
    RunAppResponse::new(result)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = alli_api::mock::MockAlli::start().await;
    // Rules are named like the client's calls and answer the crate's own types.
    mock.conversations()
        .get("c1")
        .returns(conversation("c1", "Leave policy"))
        .times(1);
    // A sequence: rate-limited once (the client waits as told, then retries), then answered.
    mock.apps()
        .send_chat()
        .conversation_id("c1")
        .fails(429, json!({ "detail": "Too many requests" }))
        .retry_after(1)
        .then_returns(chat_answer(&["How long is my leave?", "15 days a year."]))
        .times(2);
    let client = mock.client(); // a Client pointed at the mock
    let got = client.conversations().get("c1").send().await?;
    assert_eq!(got.title, "Leave policy");
    let replies = say(&client, "c1", "How long is my leave?").await?;
    assert_eq!(replies, ["15 days a year."]);

    // Two pages: matchers are named and typed like the client builder's setters.
    let first = mock
        .conversations()
        .list()
        .active_only(true)
        .without_cursor()
        .returns(ConversationsResponse::new(
            vec![conversation("c1", "Leave policy")],
            Some("page-2".to_owned()),
        ))
        .times(1);
    mock.conversations()
        .list()
        .active_only(true)
        .cursor("page-2")
        .returns(ConversationsResponse::new(
            vec![conversation("c2", "VPN")],
            None,
        ))
        .times(1);
    assert_eq!(active_titles(&client).await?, ["Leave policy", "VPN"]);
    assert_eq!(first.calls(), 1);

    // `without_mode()`: no `mode` field, a synchronous run (`.stream()` and `.background()`
    // send one). `.untyped()` gives the engine's matchers that no typed one covers: here, a
    // condition on a field inside the `chat` object.
    let question = RunAppChat::new().message("Summarize my leave policy");
    mock.apps()
        .run("app-1")
        .without_mode()
        .returns(run_answer("15 days a year."))
        .untyped()
        .body_field_where("/chat/message", "mentions leave", |m| {
            m.as_str().is_some_and(|m| m.contains("leave"))
        })
        .times(1);
    let run = client.apps().run("app-1").chat(question).send().await?;
    let answer = run.result.responses.and_then(|r| r.into_iter().next());
    assert_eq!(
        answer.and_then(|r| r.message).as_deref(),
        Some("15 days a year.")
    );

    // Faults and delays exercise the error paths of the code under test.
    mock.conversations()
        .get("slow")
        .returns(conversation("slow", "Slow"))
        .delay(Duration::from_secs(2))
        .at_least(1);
    let slow = client
        .conversations()
        .get("slow")
        .timeout(Duration::from_millis(100));
    let err = slow.max_retries(0).send().await.expect_err("too slow");
    assert!(err.is_timeout());

    // Every rule was used as expected (dropping the mock checks the same, and panics).
    mock.verify();
    drop(mock);

    // A request no rule matches fails at the call site, naming the closest rule ...
    let mock = alli_api::mock::MockAlli::configure()
        .verify_on_drop(false)
        .start()
        .await?;
    mock.conversations()
        .get("c1")
        .returns(conversation("c1", "Leave policy"));
    let client = mock.client();
    let err = client
        .conversations()
        .get("c9")
        .send()
        .await
        .expect_err("no rule");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    println!("{err}");
    // ... and verification reports it (with the rule that was never called).
    let failures = mock.check().expect_err("an unmatched request");
    assert_eq!(failures.problems().len(), 2, "{failures}");
    println!("{failures}");
    Ok(())
}
