//! Testing code that calls `alli-api` with `alli_api::mock`, no account and no network: the
//! shape of a downstream test, written as an example that asserts (`cargo run -p alli-api
//! --example mock_test` exits 0 when every check holds). In a downstream crate the same code
//! sits in `#[tokio::test]` functions.

use std::time::Duration;

use alli_api::mock::MockAlli;
use alli_api::prelude::*;
use alli_api::types::{Conversation, ConversationRequired, ConversationsResponse};
use alli_api::{Client, ErrorKind};
use serde_json::json;

/// The API's OpenAPI document (generated code will embed it; here, the workspace's copy).
const OPENAPI: &str = include_str!("../../spec/openapi.json");

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

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockAlli::builder(OPENAPI).start().await?;
    // Two pages: rules match on query parameters; answers are the crate's own types.
    let first = mock
        .on("GET", "/webapi/v2/conversations")
        .query("activeOnly", &true)
        .query_absent("cursor")
        .returns(ConversationsResponse::new(
            vec![conversation("c1", "Leave policy")],
            Some("page-2".to_owned()),
        ))
        .times(1);
    mock.on("GET", "/webapi/v2/conversations")
        .query("activeOnly", &true)
        .query("cursor", &"page-2")
        .returns(ConversationsResponse::new(
            vec![conversation("c2", "VPN")],
            None,
        ))
        .times(1);
    let client = mock.client(); // a Client pointed at the mock
    assert_eq!(active_titles(&client).await?, ["Leave policy", "VPN"]);
    assert_eq!(first.calls(), 1);

    // A sequence: rate-limited once (the client waits as told, then retries), then answered.
    mock.on("GET", "/webapi/v2/conversations/{conversation_id}")
        .path_param("conversation_id", &"c1")
        .fails(429, json!({ "detail": "Too many requests" }))
        .retry_after(1)
        .then_returns(conversation("c1", "Leave policy"))
        .times(2);
    let got = client.conversations().get("c1").send().await?;
    assert_eq!(got.title, "Leave policy");

    // Faults and delays exercise the error paths of the code under test.
    mock.on("GET", "/webapi/v2/conversations/{conversation_id}")
        .path_param("conversation_id", &"slow")
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
    let mock = MockAlli::builder(OPENAPI)
        .verify_on_drop(false)
        .start()
        .await?;
    mock.on("GET", "/webapi/v2/conversations/{conversation_id}")
        .path_param("conversation_id", &"c1")
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
