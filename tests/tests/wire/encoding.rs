//! Path, query, header and body encoding on the wire.

use alli_api::__private::{Method, Value};
use alli_api::{ErrorKind, Nullable};
use alli_api_tests::{Reply, TestServer, client, execute, get, request};
use serde_json::json;

#[tokio::test]
async fn path_parameters_are_one_encoded_segment() {
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({})));
    let mut req = get("/webapi/v2/conversations/{conversation_id}/chats/{chat_id}");
    req.path_param("conversation_id", &"a/b?c#d%e f+g&h=i");
    req.path_param("chat_id", &"고객~._-");
    execute(&client(&server.url()), req)
        .await
        .expect("request succeeds");
    let r = server.single_request();
    assert_eq!(
        r.target,
        "/webapi/v2/conversations/a%2Fb%3Fc%23d%25e%20f%2Bg%26h%3Di/chats/%EA%B3%A0%EA%B0%9D~._-"
    );
    assert_eq!(r.query(), None);
}

#[tokio::test]
async fn path_parameters_of_other_types() {
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({})));
    let mut req = get("/a/{n}/{s}");
    req.path_param("n", &42i64);
    req.path_param("s", &String::from("x y"));
    execute(&client(&server.url()), req)
        .await
        .expect("request succeeds");
    assert_eq!(server.single_request().target, "/a/42/x%20y");
}

#[tokio::test]
async fn empty_dot_and_dot_dot_path_parameters_are_rejected() {
    let server = TestServer::start().await;
    server.set_fallback(Reply::json(200, json!({})));
    let client = client(&server.url());
    for bad in ["", ".", ".."] {
        let mut req = get("/webapi/v2/apps/{app_id}");
        req.path_param("app_id", &bad);
        let e = execute(&client, req).await.expect_err("must be rejected");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        assert!(e.to_string().contains("app_id"), "{e}");
    }
    // An unset placeholder is caught too.
    let e = execute(&client, get("/webapi/v2/apps/{app_id}"))
        .await
        .expect_err("unset path parameter");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    // Dots inside a value are fine.
    let mut req = get("/webapi/v2/apps/{app_id}");
    req.path_param("app_id", &"...");
    execute(&client, req)
        .await
        .expect("'...' is a plain segment");
    assert_eq!(server.single_request().target, "/webapi/v2/apps/...");
}

#[tokio::test]
async fn query_arrays_repeat_the_key_and_json_values_are_never_quoted() {
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({})));
    let mut req = get("/webapi/v2/conversations");
    req.query("userIds", &Some(vec![json!("u 1"), json!("u&2"), json!(3)]));
    req.query("categories", &vec!["a", "b"]);
    req.query("cursor", &None::<String>);
    req.query("pageSize", &Some(50i64));
    req.query("published", &Some(true));
    req.query("score", &0.5f64);
    req.query("filter", &json!({"k": [1, "two"]}));
    req.query("plain", &Value::String("s".into()));
    req.query("nothing", &Value::Null);
    req.query("empty", &Vec::<String>::new());
    execute(&client(&server.url()), req)
        .await
        .expect("request succeeds");
    let r = server.single_request();
    assert_eq!(
        r.query(),
        Some(
            "userIds=u%201&userIds=u%262&userIds=3&categories=a&categories=b&pageSize=50\
             &published=true&score=0.5&filter=%7B%22k%22%3A%5B1%2C%22two%22%5D%7D&plain=s"
        )
    );
    assert_eq!(r.query_values("userIds"), vec!["u 1", "u&2", "3"]);
    assert_eq!(r.query_values("filter"), vec![r#"{"k":[1,"two"]}"#]);
    assert!(r.query_values("cursor").is_empty());
}

#[tokio::test]
async fn get_with_a_json_body() {
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({"result": {}})));
    let mut req = get("/webapi/conversation_daily_count");
    req.json(&json!({"startDate": "2024-01-01", "endDate": "2024-01-31"}));
    execute(&client(&server.url()), req)
        .await
        .expect("request succeeds");
    let r = server.single_request();
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    let len = r.body.len().to_string();
    assert_eq!(r.header("content-length").as_deref(), Some(len.as_str()));
    assert_eq!(
        r.json().expect("json body"),
        json!({"startDate": "2024-01-01", "endDate": "2024-01-31"})
    );
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateApp {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    name: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    description: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    published: Nullable<bool>,
}

#[tokio::test]
async fn nullable_fields_on_the_wire() {
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({})));
    let mut req = request(Method::PATCH, "/webapi/v2/apps/{app_id}");
    req.path_param("app_id", &"app-1");
    req.json(&UpdateApp {
        name: "New".to_owned().into(),
        description: Nullable::Null,
        published: Nullable::Absent,
    });
    execute(&client(&server.url()), req)
        .await
        .expect("request succeeds");
    let r = server.single_request();
    assert_eq!(r.method, "PATCH");
    assert_eq!(r.body_text(), r#"{"name":"New","description":null}"#);
}

#[tokio::test]
async fn body_serialization_failure_is_an_invalid_request_and_sends_nothing() {
    use std::collections::BTreeMap;
    #[derive(serde::Serialize)]
    struct Body {
        outer: Vec<BTreeMap<(u8, u8), u8>>,
    }
    let server = TestServer::start().await;
    let mut req = request(Method::POST, "/x");
    req.json(&Body {
        outer: vec![BTreeMap::from([((1, 2), 3)])],
    });
    let e = execute(&client(&server.url()), req)
        .await
        .expect_err("must fail");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    // The message says what failed and why (the serializer's reason); it names no path.
    assert!(
        e.to_string()
            .contains("failed to serialize the request body: key must be a string"),
        "{e}"
    );
    assert_eq!(server.request_count(), 0);
}
