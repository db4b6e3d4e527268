//! Secrets (API key, bearer token) never appear in Debug output or error messages.

use alli_api::{Client, RequestOptions};
use alli_api_tests::{Reply, TestServer, execute, get, refused_url};
use serde_json::json;

const KEY: &str = "sk-live-SECRET-4f1c9a";
const TOKEN: &str = "eyJ-SECRET-TOKEN-77";

fn assert_clean(what: &str, text: &str) {
    for secret in [KEY, TOKEN, "SECRET"] {
        assert!(!text.contains(secret), "{what} leaks a secret: {text}");
    }
}

#[tokio::test]
async fn builder_and_client_debug_redact_credentials() {
    let builder = Client::builder()
        .api_key(KEY)
        .own_user_id("user-1")
        .default_header("Authorization", TOKEN)
        .default_header("X-Project", "p-1");
    let text = format!("{builder:?}");
    assert_clean("ClientBuilder", &text);
    assert!(text.contains("<redacted>"), "{text}");
    assert!(text.contains("p-1"), "other headers stay visible: {text}");

    let client = Client::builder()
        .api_key(KEY)
        .build()
        .expect("valid config");
    let text = format!("{client:?} {client:#?}");
    assert_clean("Client", &text);
    assert!(text.contains("API-KEY <redacted>"), "{text}");

    let builder = Client::builder().bearer_token(TOKEN);
    assert_clean("ClientBuilder", &format!("{builder:?}"));
    let client = builder.build().expect("valid config");
    let text = format!("{client:?}");
    assert_clean("Client", &text);
    assert!(text.contains("Bearer <redacted>"), "{text}");
}

#[tokio::test]
async fn request_options_debug_redacts_credential_headers() {
    let options = RequestOptions::new()
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("api-key", KEY)
        .header("Cookie", "session=SECRET")
        .header("OWN-USER-ID", "visible-user");
    let text = format!("{options:?}");
    assert_clean("RequestOptions", &text);
    assert!(text.contains("visible-user"), "{text}");
}

#[tokio::test]
async fn invalid_credentials_are_not_echoed_in_errors() {
    for builder in [
        Client::builder().api_key(format!("{KEY}\r\nX-Evil: 1")),
        Client::builder().bearer_token(format!("{TOKEN}\n")),
        Client::builder().api_key(KEY).bearer_token(TOKEN),
    ] {
        let e = builder.build().expect_err("rejected");
        assert_clean("Error", &format!("{e} {e:?}"));
    }
}

#[tokio::test]
async fn request_errors_do_not_carry_credentials() {
    // API error.
    let server = TestServer::start().await;
    server.push(
        Reply::json(401, json!({"error": "invalid key"})).header("Set-Cookie", "session=SECRET"),
    );
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .build()
        .expect("valid config");
    let e = execute(&client, get("/x")).await.expect_err("401");
    let text = format!("{e} {e:?}");
    assert_clean("API error", &text);
    assert!(text.contains("invalid key"));
    // The request did carry the key.
    assert_eq!(
        server.single_request().header("api-key").as_deref(),
        Some(KEY)
    );

    // Transport error (its source is the HTTP library's error).
    let client = Client::builder()
        .bearer_token(TOKEN)
        .base_url(refused_url())
        .max_retries(0)
        .build()
        .expect("valid config");
    let e = execute(&client, get("/x")).await.expect_err("refused");
    let mut text = format!("{e} {e:?}");
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(&format!(" {s} {s:?}"));
        source = s.source();
    }
    assert_clean("transport error", &text);
}

#[tokio::test]
async fn raw_response_debug_redacts_cookies() {
    let server = TestServer::start().await;
    server.push(
        Reply::ok()
            .header("Set-Cookie", "session=SECRET")
            .header("X-Trace", "t-1"),
    );
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .build()
        .expect("valid config");
    let raw = execute(&client, get("/x")).await.expect("200");
    let text = format!("{raw:?}");
    assert_clean("RawResponse", &text);
    assert!(text.contains("t-1"));
}
