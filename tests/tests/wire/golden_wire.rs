//! The golden fixtures' generated operations on the wire: what generality cases (names that
//! clash with Rust, discriminators by name, read/write-only fields, non-JSON bodies and
//! answers, `explode: false`, `has_more` cursors, page numbers from 0) send and decode.

use alli_api::prelude::*;
use alli_api_tests::golden::names::{NamesApi, types as names_types};
use alli_api_tests::golden::wire_shapes::WireShapesApi;
use alli_api_tests::{Reply, TestServer, client};
use serde_json::json;

#[tokio::test]
async fn discriminator_mappings_by_schema_name_decode_their_variant() {
    let server = TestServer::start().await;
    server.push(Reply::json(
        200,
        json!([{"kind": "dog", "bark": true}, {"kind": "cat", "lives": 9}, {"kind": "fox"}]),
    ));
    let animals = client(&server.url())
        .type_api()
        .list_types()
        .send()
        .await
        .expect("list types");
    assert!(
        matches!(&animals[0], names_types::Animal::Dog(d) if d.bark == Some(true)),
        "{animals:?}"
    );
    assert!(
        matches!(&animals[1], names_types::Animal::Cat(c) if c.lives == Some(9_i32)),
        "{animals:?}"
    );
    assert!(
        matches!(&animals[2], names_types::Animal::Unknown(v) if v["kind"] == "fox"),
        "{animals:?}"
    );
}

#[tokio::test]
async fn read_only_and_write_only_fields_are_never_required_and_default_describes_success() {
    let server = TestServer::start().await;
    // The response has no write-only password: it still decodes.
    server.push(Reply::json(200, json!({"id": "a1", "login": "ann"})));
    let account = client(&server.url())
        .sessions()
        .account("a1")
        .send()
        .await
        .expect("get account");
    assert_eq!(
        (
            account.id.as_deref(),
            account.password.as_deref(),
            account.login.as_str()
        ),
        (Some("a1"), None, "ann")
    );
    // The request needs no read-only id; `default` (the only response) is the success type.
    server.push(Reply::json(200, json!({"id": "a2", "login": "bob"})));
    let created = client(&server.url())
        .sessions()
        .create_account("bob")
        .password("pw")
        .send()
        .await
        .expect("create");
    assert_eq!(created.id.as_deref(), Some("a2"));
    let sent = server.requests()[1].json().expect("json body");
    assert_eq!(sent, json!({"password": "pw", "login": "bob"}));
}

#[tokio::test]
async fn names_that_clash_with_rust_still_work() {
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({"ok": true})));
    server.push(Reply::json(200, json!([{"label": "a"}])));
    server.push(Reply::json(200, json!({"seconds": 5})));
    server.push(Reply::text(200, "\"hello\""));
    server.push(Reply::json(
        200,
        json!({"id": 1, "name": "Rex", "weight": 1.5}),
    ));
    let c = client(&server.url());
    assert_eq!(
        c.default_api().health().send().await.expect("health").ok,
        Some(true)
    );
    let options: Vec<names_types::OptionSchema> = c.search().search().send().await.expect("search");
    assert_eq!(options[0].label.as_deref(), Some("a"));
    assert_eq!(
        c.timeout_api()
            .timeouts()
            .send()
            .await
            .expect("timeouts")
            .seconds,
        Some(5)
    );
    assert_eq!(
        c.translations()
            .string("k")
            .locale("ko")
            .send()
            .await
            .expect("string"),
        "hello"
    );
    // A three-level allOf is one struct; `self` and `body` body fields get usable setters.
    let pet = c
        .sessions()
        .new_session("now")
        .self_null()
        .body2("b")
        .send()
        .await
        .expect("new session");
    assert_eq!(
        (pet.id, pet.name.as_str(), pet.weight),
        (1, "Rex", Some(1.5_f32))
    );
    assert_eq!(server.requests()[3].target, "/strings/k?locale=ko");
    assert_eq!(server.requests()[4].target, "/sessions?returns=now");
    assert_eq!(
        server.requests()[4].json().expect("json"),
        json!({"self": null, "body": "b"})
    );
}

#[tokio::test]
async fn lists_join_when_not_exploded_and_media_types_are_sent_as_documented() {
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({"title": "t"})));
    server.push(Reply::text(200, "Keep it logically awesome."));
    server.push(
        Reply::status(200)
            .header("content-type", "application/octet-stream")
            .body(vec![0_u8, 159, 255]),
    );
    server.push(Reply::json(201, json!({"id": "att"})));
    let c = client(&server.url());
    let docs = c.docs();
    docs.patch("d1")
        .ids(["a", "b"])
        .tags(vec!["x".to_owned(), "y".to_owned()])
        .title("t")
        .send()
        .await
        .expect("patch");
    assert_eq!(
        docs.zen().send().await.expect("zen"),
        "Keep it logically awesome."
    );
    let download = docs.download("d1").send().await.expect("download");
    assert_eq!(
        &download.bytes().await.expect("the bytes")[..],
        &[0_u8, 159, 255]
    );
    docs.upload("d1")
        .file(alli_api::FilePart::from_bytes(b"hi".to_vec()).file_name("a.txt"))
        .send()
        .await
        .expect("upload");

    let r = server.requests();
    // `explode: false`: one pair, the separator literal (RFC 6570 `{?ids}`).
    assert_eq!(r[0].target, "/docs/d1?ids=a,b&tags=x&tags=y");
    assert_eq!(
        r[0].header("content-type").as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(r[0].json().expect("json"), json!({"title": "t"}));
    assert_eq!(r[1].header("accept").as_deref(), Some("text/plain"));
    assert_eq!(
        r[2].header("accept").as_deref(),
        Some("application/octet-stream")
    );
    let parts = crate::support::parse_multipart(&r[3]).await;
    assert_eq!(parts.len(), 1);
    assert_eq!(
        (
            parts[0].name.as_str(),
            parts[0].file_name.as_deref(),
            parts[0].text()
        ),
        ("file", Some("a.txt"), "hi".to_owned())
    );
}

#[tokio::test]
async fn event_stream_answers_and_boolean_stream_flags_stream_events() {
    let server = TestServer::start().await;
    let sse = |events: &[&str]| {
        Reply::status(200)
            .header("content-type", "text/event-stream")
            .body(
                events
                    .iter()
                    .map(|e| format!("data: {e}\n\n"))
                    .collect::<String>(),
            )
    };
    server.push(sse(&[r#"{"delta":"Hel"}"#, r#"{"delta":"lo"}"#]));
    server.push(Reply::json(200, json!({"text": "Hello"})));
    server.push(sse(&[r#"{"event":"a"}"#, r#"{"event":"b"}"#]));
    let ai = client(&server.url());
    let ai = ai.ai();
    let deltas: Vec<String> = ai
        .complete("hi")
        .stream()
        .await
        .expect("stream")
        .map(|e| e.expect("event").delta.unwrap_or_default())
        .collect()
        .await;
    assert_eq!(deltas, ["Hel", "lo"]);
    assert_eq!(
        ai.complete("hi")
            .send()
            .await
            .expect("sync")
            .text
            .as_deref(),
        Some("Hello")
    );
    let events: Vec<String> = ai
        .events()
        .send()
        .await
        .expect("events")
        .map(|e| e.expect("event").event.unwrap_or_default())
        .collect()
        .await;
    assert_eq!(events, ["a", "b"]);
    let r = server.requests();
    assert_eq!(
        r[0].json().expect("json"),
        json!({"prompt": "hi", "stream": true})
    );
    assert_eq!(r[1].json().expect("json"), json!({"prompt": "hi"}));
}

#[tokio::test]
async fn has_more_false_ends_a_cursor_stream_and_page_numbers_start_at_the_minimum() {
    let server = TestServer::start().await;
    server.push(Reply::json(
        200,
        json!({"data": [{"id": "m1"}, {"id": "m2"}], "has_more": true, "last_id": "m2"}),
    ));
    server.push(Reply::json(
        200,
        json!({"data": [{"id": "m3"}], "has_more": false, "last_id": "m3"}),
    ));
    let c = client(&server.url());
    let ids: Vec<String> = c
        .ai()
        .list_messages()
        .into_stream()
        .map(|m| m.expect("item").id.unwrap_or_default())
        .collect()
        .await;
    assert_eq!(ids, ["m1", "m2", "m3"]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        ["/messages", "/messages?after=m2"],
        "no request after has_more: false"
    );

    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({"items": ["a", "b"]})));
    server.push(Reply::json(200, json!({"items": ["c"]})));
    server.push(Reply::json(200, json!({"items": []})));
    let c = client(&server.url());
    let items: Vec<String> = c
        .ai()
        .list_pages()
        .page(0)
        .page_concurrency(1)
        .into_stream()
        .map(|i| i.expect("item"))
        .collect()
        .await;
    assert_eq!(items, ["a", "b", "c"]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(targets, ["/pages?page=0", "/pages?page=1", "/pages?page=2"]);
}

#[tokio::test]
async fn a_default_error_body_is_the_last_arm_after_the_documented_statuses() {
    use alli_api_tests::golden::third_party::{ThirdPartyApi, types as tp};
    let server = TestServer::start().await;
    server.push(Reply::json(409, json!({"conflict": "taken"})));
    server.push(Reply::json(403, json!({"message": "forbidden"})));
    // Not documented: the `default` response's body.
    server.push(Reply::json(422, json!({"message": "unprocessable"})));
    let c = client(&server.url());
    let update = || c.items().update("i1").send();
    let e = update().await.expect_err("409");
    assert_eq!(
        e.body::<tp::UpdateItemError409>()
            .and_then(|b| b.conflict.as_deref()),
        Some("taken")
    );
    let e = update().await.expect_err("403");
    assert_eq!(
        e.body::<tp::UpdateItemError400>()
            .and_then(|b| b.message.as_deref()),
        Some("forbidden")
    );
    let e = update().await.expect_err("422");
    assert_eq!(
        e.body::<tp::UpdateItemError400>()
            .and_then(|b| b.message.as_deref()),
        Some("unprocessable")
    );
    assert!(e.body::<tp::UpdateItemError409>().is_none());
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn two_templates_of_one_shape_with_the_same_method_are_both_operations() {
    use alli_api_tests::golden::third_party::ThirdPartyApi;
    let server = TestServer::start().await;
    server.push(Reply::status(204));
    server.push(Reply::status(204));
    let c = client(&server.url());
    c.render().delete("r1").send().await.expect("deleteRender");
    c.render()
        .delete_template("t1")
        .send()
        .await
        .expect("deleteTemplate");
    let sent: Vec<(String, String)> = server
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.target.clone()))
        .collect();
    assert_eq!(
        sent,
        [
            ("DELETE".to_owned(), "/render/r1".to_owned()),
            ("DELETE".to_owned(), "/render/t1".to_owned())
        ]
    );
}
