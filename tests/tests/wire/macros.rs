//! The macros generated code uses, expanded in another crate as fixture crates will:
//! `__open_enum!` and `__request_options!`, plus `Nullable` and `required_nullable`.

use std::str::FromStr;
use std::time::Duration;

use alli_api::{Client, ErrorKind, Nullable, RequestOptions};
use alli_api_tests::{Reply, TestServer, client, get};
use serde::{Deserialize, Serialize};
use serde_json::json;

alli_api::__open_enum! {
    /// Access type of an agent.
    pub enum ObjectAccessType {
        /// Editor.
        Order1Editor = "order_1_editor",
        /// Reader.
        Order2Reader = "order_2_reader",
    }
}

#[test]
fn open_enum_known_and_unknown_values_round_trip() {
    assert_eq!(
        ObjectAccessType::from("order_1_editor"),
        ObjectAccessType::Order1Editor
    );
    assert_eq!(ObjectAccessType::Order2Reader.as_str(), "order_2_reader");
    assert_eq!(ObjectAccessType::Order2Reader.to_string(), "order_2_reader");
    assert_eq!(
        ObjectAccessType::from_str("order_2_reader"),
        Ok(ObjectAccessType::Order2Reader)
    );
    assert_eq!(
        ObjectAccessType::KNOWN_VALUES,
        &["order_1_editor", "order_2_reader"]
    );

    let unknown = ObjectAccessType::from(String::from("order_0_owner"));
    assert!(unknown.is_unknown());
    assert_eq!(unknown, ObjectAccessType::Unknown("order_0_owner".into()));
    assert_eq!(unknown.as_str(), "order_0_owner");

    let parsed: Vec<ObjectAccessType> =
        serde_json::from_value(json!(["order_1_editor", "order_9_new"])).expect("strings");
    assert_eq!(
        parsed,
        vec![
            ObjectAccessType::Order1Editor,
            ObjectAccessType::Unknown("order_9_new".into())
        ]
    );
    assert_eq!(
        serde_json::to_value(&parsed).expect("serializes"),
        json!(["order_1_editor", "order_9_new"])
    );
    assert!(serde_json::from_value::<ObjectAccessType>(json!(3)).is_err());
    assert_eq!(
        String::from(ObjectAccessType::Order1Editor),
        "order_1_editor"
    );
}

#[tokio::test]
async fn open_enums_in_query_and_path() {
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({})));
    let mut req = get("/access/{kind}");
    req.path_param("kind", &ObjectAccessType::Order1Editor);
    req.query(
        "kinds",
        &Some(vec![
            ObjectAccessType::Order2Reader,
            ObjectAccessType::Unknown("x y".into()),
        ]),
    );
    alli_api_tests::execute(&client(&server.url()), req)
        .await
        .expect("request succeeds");
    assert_eq!(
        server.single_request().target,
        "/access/order_1_editor?kinds=order_2_reader&kinds=x%20y"
    );
}

/// An operation builder shaped like the generated ones.
#[derive(Clone, Debug)]
#[must_use]
struct GetThing {
    client: Client,
    options: RequestOptions,
    id: String,
}

impl GetThing {
    alli_api::__request_options!(page_concurrency);

    fn agent_email(mut self, value: impl Into<String>) -> Self {
        self.options.__set_header("AGENT-EMAIL", value.into());
        self
    }

    async fn send(self) -> alli_api::Result<serde_json::Value> {
        let mut req = get("/things/{id}");
        req.path_param("id", &self.id);
        self.client
            .__execute(req, &self.options)
            .await?
            .__decode(None)
    }
}

#[tokio::test]
async fn request_option_methods_from_the_macro() {
    let server = TestServer::start().await;
    server.push_all([
        Reply::json(200, json!({"n": 1})),
        Reply::json(200, json!({})).delay(Duration::from_secs(2)),
        Reply::status(503),
    ]);
    server.set_fallback(Reply::json(200, json!({})));
    let client = client_builder_with_identity(&server.url());
    let op = GetThing {
        client: client.clone(),
        options: RequestOptions::new(),
        id: "t/1".into(),
    };

    let value = op
        .clone()
        .agent_email("agent@example.com")
        .header("X-Extra", "1")
        .without_header("USER-EMAIL")
        .page_concurrency(2)
        .send()
        .await
        .expect("ok");
    assert_eq!(value, json!({"n": 1}));
    let r = &server.requests()[0];
    assert_eq!(r.target, "/things/t%2F1");
    assert_eq!(
        r.header("agent-email").as_deref(),
        Some("agent@example.com")
    );
    assert_eq!(r.header("x-extra").as_deref(), Some("1"));
    assert!(!r.has_header("user-email"));

    let e = op
        .clone()
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .send()
        .await
        .expect_err("times out");
    assert_eq!(e.kind(), ErrorKind::Timeout);

    // `options(..)` replaces everything set before.
    let e = op
        .clone()
        .max_retries(5)
        .options(RequestOptions::new().max_retries(0))
        .send()
        .await
        .expect_err("503 not retried");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.request_count(), 3);
}

fn client_builder_with_identity(url: &str) -> Client {
    alli_api_tests::client_builder(url)
        .user_email("user@example.com")
        .build()
        .expect("valid config")
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Patch {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    memo: Nullable<String>,
    #[serde(deserialize_with = "alli_api::__private::serde_helpers::required_nullable")]
    variables: Option<serde_json::Value>,
}

#[test]
fn nullable_and_required_nullable() {
    for (memo, json_text) in [
        (Nullable::Absent, r#"{"variables":null}"#),
        (Nullable::Null, r#"{"memo":null,"variables":null}"#),
        (
            Nullable::Value("m".to_owned()),
            r#"{"memo":"m","variables":null}"#,
        ),
    ] {
        let p = Patch {
            memo,
            variables: None,
        };
        assert_eq!(serde_json::to_string(&p).expect("serializes"), json_text);
        assert_eq!(
            serde_json::from_str::<Patch>(json_text).expect("deserializes"),
            p
        );
    }
    let e = serde_json::from_str::<Patch>(r#"{"memo":"m"}"#).expect_err("variables required");
    assert!(e.to_string().contains("missing field `variables`"), "{e}");
}
