//! Credentials, identity headers, User-Agent, default headers, base URL, redirects.

use alli_api::{Client, ErrorKind, RequestOptions};
use alli_api_tests::{
    Reply, TEST_API_KEY, TestServer, client, client_builder, execute, execute_with, get,
    refused_url,
};
use serde_json::json;

fn ok() -> Reply {
    Reply::json(200, json!({}))
}

#[tokio::test]
async fn api_key_is_sent_as_api_key_header_only() {
    let server = TestServer::start().await;
    server.push(ok());
    execute(&client(&server.url()), get("/x"))
        .await
        .expect("request succeeds");
    let r = server.single_request();
    assert_eq!(r.header_values("api-key"), vec![TEST_API_KEY.to_owned()]);
    assert!(!r.has_header("authorization"));
}

#[tokio::test]
async fn bearer_token_is_sent_as_authorization_only() {
    let server = TestServer::start().await;
    server.push(ok());
    let client = Client::builder()
        .bearer_token("tok-123")
        .base_url(server.url())
        .build()
        .expect("valid config");
    execute(&client, get("/x")).await.expect("request succeeds");
    let r = server.single_request();
    assert_eq!(
        r.header_values("authorization"),
        vec!["Bearer tok-123".to_owned()]
    );
    assert!(!r.has_header("api-key"));

    // A token given with its scheme is not doubled.
    server.push(ok());
    let client = Client::builder()
        .bearer_token("bearer tok-456")
        .base_url(server.url())
        .build()
        .expect("valid config");
    execute(&client, get("/x")).await.expect("request succeeds");
    assert_eq!(
        server.requests()[1].header_values("authorization"),
        vec!["Bearer tok-456".to_owned()]
    );
}

#[tokio::test]
async fn exactly_one_credential_is_required() {
    let neither = Client::builder().base_url("http://127.0.0.1:1").build();
    let e = neither.expect_err("no credentials must fail");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(e.to_string().contains("no credentials"), "{e}");

    let both = Client::builder()
        .api_key("k")
        .bearer_token("t")
        .build()
        .expect_err("both credentials must fail");
    assert_eq!(both.kind(), ErrorKind::InvalidRequest);
    assert!(both.to_string().contains("exactly one"), "{both}");

    for empty in [
        Client::builder().api_key("").build(),
        Client::builder().bearer_token(" ").build(),
    ] {
        assert_eq!(
            empty.expect_err("empty credential must fail").kind(),
            ErrorKind::InvalidRequest
        );
    }
    assert!(Client::new("key").is_ok());
}

#[tokio::test]
async fn identity_headers_client_wide() {
    let server = TestServer::start().await;
    server.push(ok());
    let client = client_builder(&server.url())
        .own_user_id("user-1")
        .user_email("user@example.com")
        .agent_email("agent@example.com")
        .build()
        .expect("valid config");
    execute(&client, get("/x")).await.expect("request succeeds");
    let r = server.single_request();
    assert_eq!(r.header_values("own-user-id"), vec!["user-1".to_owned()]);
    assert_eq!(r.header("user-email").as_deref(), Some("user@example.com"));
    assert_eq!(
        r.header("agent-email").as_deref(),
        Some("agent@example.com")
    );
}

#[tokio::test]
async fn identity_headers_per_request_override_and_removal() {
    let server = TestServer::start().await;
    server.push_all([ok(), ok()]);
    let client = client_builder(&server.url())
        .own_user_id("user-1")
        .user_email("user@example.com")
        .agent_email("agent@example.com")
        .build()
        .expect("valid config");

    // Public options API.
    let options = RequestOptions::new()
        .header("OWN-USER-ID", "user-2")
        .without_header("AGENT-EMAIL");
    client
        .__execute(get("/x"), &options)
        .await
        .expect("request succeeds");
    // The in-place setters generated builders use.
    let mut options = RequestOptions::new();
    options.__set_header("AGENT-EMAIL", "other@example.com".to_owned());
    options.__remove_header("USER-EMAIL");
    client
        .__execute(get("/x"), &options)
        .await
        .expect("request succeeds");

    let [first, second] = <[_; 2]>::try_from(server.requests()).expect("two requests");
    assert_eq!(
        first.header_values("own-user-id"),
        vec!["user-2".to_owned()]
    );
    assert_eq!(
        first.header("user-email").as_deref(),
        Some("user@example.com")
    );
    assert!(!first.has_header("agent-email"));

    assert_eq!(second.header("own-user-id").as_deref(), Some("user-1"));
    assert!(!second.has_header("user-email"));
    assert_eq!(
        second.header_values("agent-email"),
        vec!["other@example.com".to_owned()]
    );
}

#[tokio::test]
async fn non_ascii_own_user_id_is_base64_everywhere() {
    let server = TestServer::start().await;
    server.push_all([ok(), ok()]);
    let client = client_builder(&server.url())
        .own_user_id("고객-42")
        .build()
        .expect("valid config");
    execute(&client, get("/x")).await.expect("request succeeds");
    execute_with(
        &client,
        get("/x"),
        RequestOptions::new().header("own-user-id", "ユーザー"),
    )
    .await
    .expect("request succeeds");
    let requests = server.requests();
    assert_eq!(
        requests[0].header("own-user-id").as_deref(),
        Some("base64:6rOg6rCdLTQy")
    );
    assert_eq!(
        requests[1].header("own-user-id").as_deref(),
        Some("base64:44Om44O844K244O8")
    );
}

#[tokio::test]
async fn cr_lf_nul_are_rejected_before_anything_is_sent() {
    let server = TestServer::start().await;
    server.set_fallback(ok());

    // Client-level values fail at build().
    for builder in [
        client_builder(&server.url()).own_user_id("a\r\nX-Injected: 1"),
        client_builder(&server.url()).user_email("a\nb"),
        client_builder(&server.url()).agent_email("a\0b"),
        client_builder(&server.url()).default_header("X-Project", "p\r"),
        client_builder(&server.url()).own_user_id("고객\r\n"),
    ] {
        let e = builder.build().expect_err("control characters must fail");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert!(!e.to_string().contains("Injected"), "value echoed: {e}");
    }

    // Per-request values fail at send, and the server sees nothing.
    let client = client(&server.url());
    for options in [
        RequestOptions::new().header("OWN-USER-ID", "a\r\nX-Injected: 1"),
        RequestOptions::new().header("USER-EMAIL", "x\ny"),
        RequestOptions::new().header("Bad Name", "v"),
    ] {
        let e = client
            .__execute(get("/x"), &options)
            .await
            .expect_err("invalid header must fail");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert!(!e.is_retryable());
    }
    let mut req = get("/x");
    req.header("X-Required", &"a\r\nb");
    let e = execute(&client, req)
        .await
        .expect_err("invalid header parameter must fail");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.operation(), Some("test.op"));
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn header_parameters_and_default_headers() {
    let server = TestServer::start().await;
    server.push_all([ok(), ok()]);
    let client = client_builder(&server.url())
        .default_header("X-Project-Id", "proj-1")
        .build()
        .expect("valid config");
    let mut req = get("/x");
    req.header("X-Required", &42u32);
    req.header("X-List", &vec!["a", "b"]);
    req.header("X-None", &None::<String>);
    execute(&client, req).await.expect("request succeeds");
    execute_with(
        &client,
        get("/x"),
        RequestOptions::new().header("x-project-id", "proj-2"),
    )
    .await
    .expect("request succeeds");
    let requests = server.requests();
    assert_eq!(
        requests[0].header("x-project-id").as_deref(),
        Some("proj-1")
    );
    assert_eq!(requests[0].header("x-required").as_deref(), Some("42"));
    assert_eq!(requests[0].header("x-list").as_deref(), Some("a, b"));
    assert!(!requests[0].has_header("x-none"));
    assert_eq!(
        requests[1].header_values("x-project-id"),
        vec!["proj-2".to_owned()]
    );
}

#[tokio::test]
async fn user_agent_and_accept() {
    let server = TestServer::start().await;
    server.push_all([ok(), ok()]);
    execute(&client(&server.url()), get("/x"))
        .await
        .expect("request succeeds");
    let with_suffix = client_builder(&server.url())
        .user_agent_suffix("my-app/1.2")
        .build()
        .expect("valid config");
    execute(&with_suffix, get("/x"))
        .await
        .expect("request succeeds");
    let requests = server.requests();
    // alli-api's own version, as its manifest says (this crate has a version of its own).
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../alli-api/Cargo.toml"
    ))
    .expect("alli-api/Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("a version line in alli-api/Cargo.toml");
    assert_eq!(
        alli_api::DEFAULT_USER_AGENT,
        format!("alli-api-rust/{version}")
    );
    assert_eq!(
        requests[0].header_values("user-agent"),
        vec![format!("alli-api-rust/{version}")]
    );
    assert_eq!(
        requests[1].header("user-agent"),
        Some(format!("alli-api-rust/{version} my-app/1.2"))
    );
    assert_eq!(
        requests[0].header("accept").as_deref(),
        Some("application/json")
    );
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = TestServer::start().await;
    server.push_all([ok(), ok()]);
    for base in [
        format!("{}/proxy", server.url()),
        format!("{}/proxy/", server.url()),
    ] {
        let client = client(&base);
        assert_eq!(client.base_url(), format!("{}/proxy", server.url()));
        execute(&client, get("/webapi/v2/apps"))
            .await
            .expect("request succeeds");
    }
    for r in server.requests() {
        assert_eq!(r.target, "/proxy/webapi/v2/apps");
    }
    let e = client_builder("ftp://example.com")
        .build()
        .expect_err("ftp is not http");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    let e = client_builder("not a url")
        .build()
        .expect_err("garbage URL");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn regions() {
    let us = Client::builder()
        .api_key("k")
        .build()
        .expect("valid config");
    assert_eq!(us.base_url(), "https://backend.alli.ai");
    let ja = Client::builder()
        .api_key("k")
        .region(alli_api::Region::Ja)
        .build()
        .expect("valid config");
    assert_eq!(ja.base_url(), "https://backend-ja.alli.ai");
    let custom = Client::builder()
        .api_key("k")
        .base_url(refused_url())
        .region(alli_api::Region::Ja)
        .build()
        .expect("valid config");
    assert!(custom.base_url().starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn cross_origin_redirects_are_not_followed() {
    // Following would send the API-KEY header to another origin.
    let other = TestServer::start().await;
    other.set_fallback(ok());
    let server = TestServer::start().await;
    server.push(Reply::status(302).header("Location", &format!("{}/stolen", other.url())));
    let e = execute(&client(&server.url()), get("/x"))
        .await
        .expect_err("a redirect to another origin is an error");
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(other.request_count(), 0);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn same_origin_redirects_are_followed_with_credentials() {
    let server = TestServer::start().await;
    server.push(Reply::status(307).header("Location", "/moved"));
    server.push(ok());
    execute(&client(&server.url()), get("/x"))
        .await
        .expect("redirect followed");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].target, "/moved");
    assert_eq!(requests[1].header("api-key").as_deref(), Some(TEST_API_KEY));
}
