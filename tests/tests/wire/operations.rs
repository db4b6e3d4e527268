//! Wire-level tests of every generated operation (22 of them, `client.conversations()` and
//! `client.apps()`): the exact request on the wire (method, raw target with percent-encoded path
//! and query, credentials, identity headers, JSON body) and the typed decoding of a realistic
//! answer (nulls, absent optionals, unknown enum values, unknown extra fields). Also: envelope
//! errors on a 200, typed error bodies, pagination and streaming through the generated builders.
//!
//! Realistic payloads live in `tests/fixtures/*.json` (shared with `types_roundtrip.rs`).

use std::time::Duration;

use crate::support::{fixture, object, strings, with_fields};
use alli_api::http::StatusCode;
use alli_api::types;
use alli_api::{Client, ErrorKind};
use alli_api_tests::{RecordedRequest, Reply, TEST_API_KEY, TestServer, client_builder};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Map, Value, json};

// ---------- support ----------

const AGENT: &str = "agent@example.com";
const USER: &str = "user@example.com";
const OWN: &str = "own-user-1";

/// The identity headers a request must carry (`None`: not sent at all).
#[derive(Clone, Copy, Debug)]
struct Identity {
    agent: Option<&'static str>,
    user: Option<&'static str>,
    own: Option<&'static str>,
}

/// What the client sets client-wide; requests carry it unless they override it.
const CLIENT_IDENTITY: Identity = Identity {
    agent: Some(AGENT),
    user: Some(USER),
    own: Some(OWN),
};

/// `fixture(name)` with `id` replaced.
fn fixture_with_id(name: &str, id: &str) -> Value {
    let mut v = fixture(name);
    v["id"] = json!(id);
    v
}

/// A client (API key, fast retries) with the three identity headers set client-wide.
fn identity_client(url: &str) -> Client {
    client_builder(url)
        .agent_email(AGENT)
        .user_email(USER)
        .own_user_id(OWN)
        .build()
        .expect("valid client")
}

/// A scripted server answering `replies` in order, and an [`identity_client`] for it.
async fn serve(replies: impl IntoIterator<Item = Reply>) -> (TestServer, Client) {
    let server = TestServer::start().await;
    server.push_all(replies);
    let client = identity_client(&server.url());
    (server, client)
}

/// A handler server and an [`identity_client`] for it.
async fn serve_with(
    handler: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
) -> (TestServer, Client) {
    let server = TestServer::with_handler(handler).await;
    let client = identity_client(&server.url());
    (server, client)
}

/// Asserts the request as sent: method, raw target (path and query exactly as on the wire),
/// `API-KEY`, `Accept`, the identity headers, and the body: `Some(json)` = a JSON body equal to
/// `json` (parsed, so key order does not matter) with `Content-Type: application/json`; `None` =
/// no body and no `Content-Type`.
fn assert_wire(
    r: &RecordedRequest,
    method: &str,
    target: &str,
    identity: Identity,
    body: Option<Value>,
) {
    let what = format!("{method} {target}");
    assert_eq!(r.method, method, "method of {}", r.target);
    assert_eq!(r.target, target, "target of {what}");
    assert_eq!(r.header_values("api-key"), [TEST_API_KEY], "{what}");
    assert_eq!(
        r.header("accept").as_deref(),
        Some("application/json"),
        "{what}"
    );
    for (name, want) in [
        ("agent-email", identity.agent),
        ("user-email", identity.user),
        ("own-user-id", identity.own),
    ] {
        assert_eq!(
            r.header_values(name),
            want.into_iter().collect::<Vec<_>>(),
            "{name} of {what}"
        );
    }
    match body {
        Some(expected) => {
            assert_eq!(
                r.header("content-type").as_deref(),
                Some("application/json"),
                "{what}"
            );
            let sent = r
                .json()
                .unwrap_or_else(|e| panic!("{what}: body is not JSON ({e}): {}", r.body_text()));
            assert_eq!(sent, expected, "body of {what}");
        }
        None => {
            assert!(!r.has_header("content-type"), "{what} has a Content-Type");
            assert!(r.body.is_empty(), "{what} has a body: {}", r.body_text());
        }
    }
}

/// Splits `body` into `size`-byte chunks (boundaries fall inside JSON strings, UTF-8
/// characters and line ends).
fn chunked(body: &str, size: usize) -> Vec<Vec<u8>> {
    body.as_bytes().chunks(size).map(<[u8]>::to_vec).collect()
}

/// Asserts an API error: kind, status, operation and best-effort message.
fn assert_api_error(e: &alli_api::Error, status: u16, operation: &str, message: &str) {
    assert_eq!(e.kind(), ErrorKind::Api, "{e}");
    assert_eq!(e.status(), StatusCode::from_u16(status).ok(), "{e}");
    assert_eq!(e.operation(), Some(operation), "{e}");
    assert_eq!(e.api_message(), Some(message), "{e}");
    assert!(e.to_string().starts_with(operation), "{e}");
}

// ---------- typed views of the fixtures ----------

/// `fixtures/conversation.json`, field by field.
fn assert_fixture_conversation(c: &types::Conversation) {
    assert_eq!(c.id, "Q29udmVyc2F0aW9uOjY0ZjFhMmIz");
    assert_eq!(c.title, "환불 문의 (order #A-1001)");
    assert_eq!(
        c.user,
        Some(types::User::new(types::UserRequired {
            user_id: "VXNlcjo5ODc2NTQ=".into(),
            first_name: "Jiwoo".into(),
            last_name: "Kim".into(),
        }))
    );
    assert_eq!(c.created_at, 1717027200.125);
    assert_eq!(c.last_chat_time, Some(1717027512.5));
    assert!(!c.is_end);
    assert_eq!(c.categories, Some(strings(&["billing", "refund"])));
    assert_eq!(c.memo.as_deref(), Some("VIP customer — escalate if needed"));
    assert_eq!(c.chat_count, 2);
    // `description: null` in the payload.
    assert_eq!(
        c.llm_app,
        Some(types::LlmApp::new(types::LlmAppRequired {
            id: "TExNQXBwOjQy".into(),
            name: "Support assistant".into(),
        }))
    );
    let variables = c.variables.as_ref().expect("variables");
    assert_eq!(variables.len(), 5);
    assert_eq!(variables["orderId"], json!("A-1001"));
    assert_eq!(variables["vip"], json!(true));
    assert_eq!(variables["score"], json!(4.5));
    assert_eq!(variables["address"], json!({"city": "Seoul", "zip": null}));
    assert_fixture_chats(&c.chats);
}

/// The two chats of `fixtures/conversation.json`.
fn assert_fixture_chats(chats: &[types::Chat]) {
    assert_eq!(chats.len(), 2);
    // A user chat whose every nullable field is null.
    let first = &chats[0];
    assert_eq!(
        (
            first.id.as_str(),
            first.sender.as_str(),
            first.message.as_str()
        ),
        ("Q2hhdDox", "USER", "환불하고 싶어요")
    );
    assert_eq!(first.timestamp, 1717027200.5);
    assert_eq!(first.source, None);
    assert_eq!(first.citations, None);
    assert_eq!((first.rating, first.agent_rating), (None, None));

    let bot = &chats[1];
    assert_eq!(
        (bot.id.as_str(), bot.sender.as_str(), bot.message.as_str()),
        (
            "Q2hhdDoy",
            "BOT",
            "Refunds are possible within 14 days [1]."
        )
    );
    assert_eq!(bot.timestamp, 1717027260.75);
    assert_eq!((bot.rating, bot.agent_rating), (Some(true), Some(false)));
    let source = bot.source.as_ref().expect("source");
    assert_eq!(
        source.knowledge_base_ids,
        Some(strings(&["S25vd2xlZGdlQmFzZTox"]))
    );
    assert_eq!(source.folder_ids, None);
    assert_eq!(
        source.web_sites,
        Some(strings(&["https://help.example.com"]))
    );
    assert!(source.search_all_shared_document);
    assert!(!source.search_all_personal_document);
    assert_eq!(source.including_hashtags, Some(strings(&["refund"])));
    assert_eq!(source.excluding_hashtags, Some(vec![]));
    assert_eq!(source.including_hashtags_operator.as_deref(), Some("or"));
    assert_eq!(source.excluding_hashtags_operator, None);
    assert_eq!(
        source.shared_knowledge_bases,
        Some(vec![types::KnowledgeBaseInfo::new(
            types::KnowledgeBaseInfoRequired {
                id: "S25vd2xlZGdlQmFzZTox".into(),
                name: "Refund policy.pdf".into(),
            }
        )])
    );
    assert_eq!(
        source.shared_folders,
        Some(vec![types::FolderInfo::new(types::FolderInfoRequired {
            id: "Rm9sZGVyOjE=".into(),
            name: "Policies".into(),
        })])
    );
    assert_eq!(source.personal_knowledge_bases, None);
    assert_eq!(source.personal_folders, Some(vec![]));
    assert_eq!(
        bot.citations,
        Some(vec![with_fields!(types::Citation::new("clue-1"), {
            source: Some("DOCUMENT".into()),
            title: Some("Refund policy.pdf".into()),
            knowledge_base_id: Some("S25vd2xlZGdlQmFzZTox".into()),
            page_no: Some(3),
            url: None,
            text: Some("Refunds are accepted within 14 days of purchase.".into()),
        })])
    );
}

/// `fixtures/conversation_sparse.json`: every required-nullable field null.
fn assert_sparse_conversation(c: &types::Conversation, id: &str) {
    assert_eq!(c.id, id);
    assert_eq!(c.title, "");
    assert_eq!(c.user, None);
    // An integer on the wire decodes into the f64 field.
    assert_eq!(c.created_at, 1717027200.0);
    assert_eq!(c.last_chat_time, None);
    assert!(c.is_end);
    assert_eq!((c.categories.as_ref(), c.memo.as_ref()), (None, None));
    assert!(c.chats.is_empty());
    assert_eq!(c.chat_count, 0);
    assert_eq!((c.llm_app.as_ref(), c.variables.as_ref()), (None, None));
}

/// `fixtures/app.json`, field by field.
fn assert_fixture_app(app: &types::App) {
    assert_eq!(app.id, "TExNQXBwOjQy");
    assert_eq!(app.name, "Support assistant");
    assert_eq!(
        app.description.as_deref(),
        Some("Answers billing and refund questions")
    );
    assert_eq!(app.r#type, "agent");
    assert_eq!(app.category, "customer_support");
    assert!(app.published);
    let agents = app
        .agent_permission
        .access_agents
        .as_ref()
        .expect("accessAgents");
    assert_eq!(
        agents,
        &vec![
            types::AccessAgent::new("QWdlbnQ6MQ==", types::ObjectAccessType::Order1Editor),
            types::AccessAgent::new(
                "QWdlbnQ6Mg==",
                types::ObjectAccessType::Unknown("order_0_owner".into())
            ),
        ]
    );
    assert_eq!(
        app.agent_permission.access_permission_groups,
        Some(vec![types::AccessPermissionGroupResponse::new(
            types::AccessPermissionGroupResponseRequired {
                permission_group_id: "UEc6MQ==".into(),
                permission_group_name: "Support team".into(),
                access_type: types::ObjectAccessType::Order2Reader,
            }
        )])
    );
    assert!(app.agent_permission.view_access_to_agent);
    assert_eq!(
        app.user_permission,
        with_fields!(types::UserPermissionResponse::new(false), {
            own_user_ids: None,
            customer_groups: Some(strings(&["premium"])),
        })
    );
}

/// `fixtures/run_app_response.json`, field by field.
fn assert_fixture_run(r: &types::RunAppResponse) {
    assert_eq!(r.error, None);
    let result = &r.result;
    assert_eq!(result.id.as_deref(), Some("TExNQXBwOjQy"));
    assert_eq!(result.name.as_deref(), Some("Support assistant"));
    assert_eq!(
        result.r#type,
        Some(types::RunAppType::Unknown("workflow".into()))
    );
    assert_eq!(result.category.as_deref(), Some("customer_support"));
    let responses = result.responses.as_ref().expect("responses");
    assert_eq!(responses.len(), 2);
    assert_eq!(
        responses[0],
        with_fields!(types::RunAppResultResponse::new(), {
            id: Some("Q2hhdDoz".into()),
            r#type: Some("llm".into()),
            message: Some("Refunds are possible within 14 days [1].".into()),
            source: Some(object(json!({
                "knowledgeBaseIds": ["S25vd2xlZGdlQmFzZTox"], "webSites": []
            }))),
            sender: Some("BOT".into()),
            created_at: Some("2024-05-30T00:01:00.000Z".into()),
            completed: Some(true),
            citations: Some(vec![with_fields!(types::RunAppCitation::new(), {
                clue_id: Some("clue-1".into()),
                source: Some("DOCUMENT".into()),
                title: Some("Refund policy.pdf".into()),
                knowledge_base_id: Some("S25vd2xlZGdlQmFzZTox".into()),
                page_no: Some(3),
                url: None,
                text: Some("Refunds are accepted within 14 days.".into()),
            })]),
            error: None,
            intermediate_step: Some(with_fields!(types::RunAppIntermediateStep::new(), {
                completed: Some(true),
                key: Some("reasoning".into()),
                created_at: Some("2024-05-30T00:00:59Z".into()),
                status_message: Some("Reasoning".into()),
                markdown_message: Some("**Searching** documents".into()),
            })),
        })
    );
    assert_eq!(
        responses[1],
        with_fields!(types::RunAppResultResponse::new(), {
            id: Some("U2luZ2xlQWN0aW9uQXBwUmVzdWx0OjE=".into()),
            r#type: Some("tn".into()),
            message: Some(String::new()),
            completed: Some(false),
            error: Some(with_fields!(types::RunAppError::new(), {
                timestamp: Some(1717027260),
                node_id: Some("node-7".into()),
                node_type: Some("llm".into()),
                error_type: Some("TIMEOUT".into()),
                error_object: Some(object(
                    json!({"detail": "upstream timeout", "retryable": true})
                )),
            })),
        })
    );
    assert_eq!(
        result.variables,
        Some(object(json!({"orderId": "A-1001", "refundEligible": true})))
    );
    assert_eq!(
        result.conversation,
        Some(with_fields!(types::RunAppConversation::new(), {
            id: Some("Q29udmVyc2F0aW9uOjY0ZjFhMmIz".into()),
            state: Some("in".into()),
        }))
    );
}

/// `fixtures/generative_answer.json`, field by field.
fn assert_fixture_generative_answer(a: &types::GetGenerativeAnswerResponse) {
    let answer = a.answer.as_ref().expect("answer");
    assert_eq!(
        answer["blocks"][0]["text"],
        json!("Refunds are possible within 14 days [1].")
    );
    assert_eq!(answer["entityMap"], json!({}));
    assert_eq!(a.answer_hash.as_deref(), Some("7f3a9c2e"));
    assert_eq!(a.confidence, Some(0.87));
    assert_eq!(a.effective_confidence, Some(0.9));
    assert_eq!(a.document_id.as_deref(), Some("S25vd2xlZGdlQmFzZTox"));
    assert_eq!(a.document_name.as_deref(), Some("Refund policy.pdf"));
    assert_eq!(
        a.hashtags,
        Some(vec![json!("refund"), json!({"name": "policy"})])
    );
    assert_eq!(a.page_no, Some(3));
    assert_eq!(a.created_date.as_deref(), Some("2024-05-01"));
    assert_eq!(
        a.agent_feedback,
        Some(object(json!({"positive": 2, "negative": 0})))
    );
    assert_eq!(a.user_feedback, Some(Map::new()));
    assert_eq!((a.body.as_ref(), a.css.as_ref()), (None, None));
    assert_eq!(
        a.pdf_preview.as_deref(),
        Some("https://files.example.com/preview.pdf?sig=abc")
    );
    assert_eq!(a.folder.as_deref(), Some("Policies"));
    assert_eq!(a.editor, Some(strings(&["agent@example.com"])));
    assert_eq!(a.viewer, Some(vec![]));
    assert_eq!(
        a.thread_id.as_deref(),
        Some("36e7bb2b-1063-47ec-9f4e-1c2d3e4f5a6b")
    );
    assert_eq!(a.fu_question.as_deref(), Some("How do I request a refund?"));
    assert_eq!(a.intent.as_deref(), Some("refund_request"));
    assert_eq!(a.clues.as_ref().map(Vec::len), Some(1));
    assert_eq!(
        a.citations,
        Some(vec![
            with_fields!(types::GetGenerativeAnswerCitation::new(), {
                index: Some(1),
                clue_id: Some("clue-1".into()),
                source: Some("DOCUMENT".into()),
                title: Some("Refund policy.pdf".into()),
                page_no: Some(3),
                knowledge_base_id: Some("S25vd2xlZGdlQmFzZTox".into()),
                faq_id: None,
                url: None,
                text: Some("Refunds are accepted within 14 days of purchase.".into()),
            })
        ])
    );
}

fn option(short: &str, long: &str, style: Option<types::Style>) -> types::ChatOptionInfo {
    with_fields!(types::ChatOptionInfo::new(), {
        shorten_option: Some(short.into()),
        long_option: Some(long.into()),
        style: style,
        meta: None,
    })
}

/// `fixtures/send_chat.json`, field by field.
fn assert_fixture_send_chat(r: &types::SendChatResponse) {
    assert_eq!(r.errors, None);
    let result = r.result.as_ref().expect("result");
    assert_eq!(result.state.as_deref(), Some("wu"));
    assert_eq!(
        result.responses,
        Some(vec![
            with_fields!(types::SendChatResultResponse::new(), {
                id: Some("Q2hhdDo0".into()),
                message: Some(r#"{"blocks":[{"text":"I want a refund"}]}"#.into()),
                created_at: Some(1717027300.25),
                chat_option_infos: Some(vec![]),
                is_deleted: Some(false),
            }),
            with_fields!(types::SendChatResultResponse::new(), {
                id: Some("Q2hhdDo1".into()),
                message: Some(r#"{"blocks":[{"text":"Which order?"}]}"#.into()),
                created_at: Some(1717027301.5),
                chat_option_infos: Some(vec![
                    option(
                        "A-1001",
                        "Order A-1001 (May 2)",
                        Some(with_fields!(types::Style::new(), {
                            bg_color: Some("#FFFFFF".into()),
                            bold: Some(true),
                            font_color: Some("#000000".into()),
                            italic: Some(false),
                            line_color: None,
                            underline: Some(false),
                        }))
                    ),
                    option("Other", "Another order", None),
                ]),
                is_deleted: Some(false),
            }),
        ])
    );
}

// ---------- conversations ----------

#[tokio::test]
async fn daily_count_sends_its_json_body_on_a_get() {
    let (server, client) = serve([
        Reply::json(200, fixture("daily_count")),
        Reply::json(200, json!({"result": {"dailyTotalCount": []}})),
    ])
    .await;
    let got = client
        .conversations()
        .daily_count()
        .start_date("2024-05-01")
        .end_date("2024-05-03")
        .send()
        .await
        .expect("daily count");
    let result = got.result.expect("result");
    let days = result.daily_total_count.expect("dailyTotalCount");
    assert_eq!(days.len(), 3);
    assert_eq!(days[0].date.as_deref(), Some("2024-05-01"));
    assert_eq!(days[0].active_count, Some(12));
    assert_eq!(days[1].active_count, Some(0));
    assert_eq!(days[2].date.as_deref(), Some("2024-05-03"));
    assert_eq!(days[2].active_count, None);
    assert_eq!(result.state.as_deref(), Some("ok"));
    assert_eq!(result.campaign_count, Some(3));
    assert_eq!(got.errors, None);

    // Nothing set: the body is required, so `{}` is still sent. `errors` absent is success.
    let got = client
        .conversations()
        .daily_count()
        .without_own_user_id()
        .send()
        .await
        .expect("daily count");
    assert_eq!(got.result.and_then(|r| r.daily_total_count), Some(vec![]));

    let requests = server.requests();
    assert_wire(
        &requests[0],
        "GET",
        "/webapi/conversation_daily_count",
        CLIENT_IDENTITY,
        Some(json!({"startDate": "2024-05-01", "endDate": "2024-05-03"})),
    );
    assert_wire(
        &requests[1],
        "GET",
        "/webapi/conversation_daily_count",
        Identity {
            own: None,
            ..CLIENT_IDENTITY
        },
        Some(json!({})),
    );
}

#[tokio::test]
async fn list_conversations_sends_every_query_parameter_and_no_defaults() {
    let page = json!({
        "conversations": [fixture("conversation"), fixture("conversation_sparse")],
        "cursor": "Y3Vyc29yOjI=",
        "totalCount": 2
    });
    let (server, client) = serve([
        Reply::json(200, page),
        Reply::json(200, json!({"conversations": [], "cursor": null})),
        Reply::json(200, json!({"conversations": [], "cursor": ""})),
    ])
    .await;
    let got = client
        .conversations()
        .list()
        .user_ids(vec![json!("VXNlcjox"), json!(42)])
        .llm_app_id("TExNQXBwOjQy")
        .category_id("billing")
        .started_at(1717027200.5)
        .end_at(1717113600.0)
        .first_chat_started_at(1716940800.0)
        .first_chat_end_at(1717027200.25)
        .search_term("환불 & refund=100%+")
        .cursor("Y3Vyc29yOjE=")
        .variables(["orderId", "vip"])
        .page_size(20)
        .active_only(false)
        .background_running(true)
        .order(types::ListOrder::FirstChatTimeAsc)
        .agent_email("other-agent@example.com")
        .send()
        .await
        .expect("list");
    assert_eq!(got.cursor.as_deref(), Some("Y3Vyc29yOjI="));
    assert_eq!(got.conversations.len(), 2);
    assert_fixture_conversation(&got.conversations[0]);
    assert_sparse_conversation(&got.conversations[1], "Q29udmVyc2F0aW9uOjY0ZjFhMmI0");

    // Nothing set: no query at all (pageSize, activeOnly and order have server defaults).
    let got = client.conversations().list().send().await.expect("list");
    assert_eq!((got.conversations.len(), got.cursor), (0, None));
    // An order this version does not know is sent as is.
    let got = client
        .conversations()
        .list()
        .order("LAST_MESSAGE_DESC")
        .send()
        .await
        .expect("list");
    assert_eq!(got.cursor.as_deref(), Some(""));

    let requests = server.requests();
    assert_wire(
        &requests[0],
        "GET",
        "/webapi/v2/conversations?userIds=VXNlcjox&userIds=42&llmAppId=TExNQXBwOjQy\
         &categoryId=billing&startedAt=1717027200.5&endAt=1717113600\
         &firstChatStartedAt=1716940800&firstChatEndAt=1717027200.25\
         &searchTerm=%ED%99%98%EB%B6%88%20%26%20refund%3D100%25%2B&cursor=Y3Vyc29yOjE%3D\
         &variables=orderId&variables=vip&pageSize=20&activeOnly=false\
         &backgroundRunning=true&order=FIRST_CHAT_TIME_ASC",
        Identity {
            agent: Some("other-agent@example.com"),
            ..CLIENT_IDENTITY
        },
        None,
    );
    assert_eq!(
        requests[0].query_values("searchTerm"),
        ["환불 & refund=100%+"]
    );
    assert_wire(
        &requests[1],
        "GET",
        "/webapi/v2/conversations",
        CLIENT_IDENTITY,
        None,
    );
    assert_wire(
        &requests[2],
        "GET",
        "/webapi/v2/conversations?order=LAST_MESSAGE_DESC",
        CLIENT_IDENTITY,
        None,
    );
}

#[tokio::test]
async fn bulk_update_sends_the_three_states_of_each_filter() {
    let (server, client) = serve([Reply::ok(), Reply::json(200, json!({"updatedCount": 3}))]).await;
    let info = types::ConversationInfoRequest::new()
        .state(types::ConversationStateEnum::Eo)
        .assignee_null();
    client
        .conversations()
        .bulk_update(info)
        .conversation_ids(["Q29udmVyc2F0aW9uOjE=", "Q29udmVyc2F0aW9uOjI="])
        .user_ids_null()
        .llm_app_ids(Vec::<String>::new())
        .send()
        .await
        .expect("empty 200 is success");
    // Whatever a 200 carries, the operation documents no body: `()`.
    client
        .conversations()
        .bulk_update(types::ConversationInfoRequest::default())
        .user_email("lead@example.com")
        .send()
        .await
        .expect("200 with a body is success");

    let requests = server.requests();
    assert_wire(
        &requests[0],
        "POST",
        "/webapi/v2/conversations/bulk_update",
        CLIENT_IDENTITY,
        Some(json!({
            "userIds": null,
            "llmAppIds": [],
            "conversationIds": ["Q29udmVyc2F0aW9uOjE=", "Q29udmVyc2F0aW9uOjI="],
            "conversationInfo": {"state": "eo", "assignee": null}
        })),
    );
    assert_wire(
        &requests[1],
        "POST",
        "/webapi/v2/conversations/bulk_update",
        Identity {
            user: Some("lead@example.com"),
            ..CLIENT_IDENTITY
        },
        Some(json!({"conversationInfo": {}})),
    );
}

#[tokio::test]
async fn get_conversation_encodes_the_path_and_repeats_variables() {
    let (server, client) = serve([Reply::json(200, fixture("conversation"))]).await;
    let got = client
        .conversations()
        .get("대화/1 ?#%")
        .variables(["orderId", "vip"])
        .without_user_email()
        .send()
        .await
        .expect("get");
    assert_fixture_conversation(&got);
    assert_wire(
        &server.single_request(),
        "GET",
        "/webapi/v2/conversations/%EB%8C%80%ED%99%94%2F1%20%3F%23%25?variables=orderId&variables=vip",
        Identity {
            user: None,
            ..CLIENT_IDENTITY
        },
        None,
    );
}

#[tokio::test]
async fn update_conversation_distinguishes_absent_null_and_value() {
    let (server, client) = serve([
        Reply::json(200, fixture("conversation")),
        Reply::json(200, fixture("conversation_sparse")),
        Reply::json(200, fixture("conversation_sparse")),
        Reply::json(200, fixture("conversation_sparse")),
    ])
    .await;
    let conversations = client.conversations();
    let got = conversations
        .update("Q29udmVyc2F0aW9uOjY0ZjFhMmIz")
        .title("x")
        .send()
        .await
        .expect("update");
    assert_fixture_conversation(&got);
    for builder in [
        conversations.update("c-2").title_null(),
        conversations.update("c-2"),
        conversations
            .update("c-2")
            .state("archived")
            .assignee_null()
            .category_ids(["billing"])
            .user_email("lead@example.com"),
    ] {
        let got = builder.send().await.expect("update");
        assert_sparse_conversation(&got, "Q29udmVyc2F0aW9uOjY0ZjFhMmI0");
    }

    let requests = server.requests();
    let bodies = [
        json!({"title": "x"}),
        json!({"title": null}),
        json!({}),
        json!({"state": "archived", "assignee": null, "categoryIds": ["billing"]}),
    ];
    for (i, (r, body)) in requests.iter().zip(bodies).enumerate() {
        let (target, identity) = match i {
            0 => (
                "/webapi/v2/conversations/Q29udmVyc2F0aW9uOjY0ZjFhMmIz",
                CLIENT_IDENTITY,
            ),
            3 => (
                "/webapi/v2/conversations/c-2",
                Identity {
                    user: Some("lead@example.com"),
                    ..CLIENT_IDENTITY
                },
            ),
            _ => ("/webapi/v2/conversations/c-2", CLIENT_IDENTITY),
        };
        assert_wire(r, "PATCH", target, identity, Some(body));
    }
    assert_eq!(requests.len(), 4);
}

#[tokio::test]
async fn list_chats_sends_the_page_number() {
    let page = json!({"chats": fixture("conversation")["chats"], "pageNo": 2, "totalCount": 102});
    let (server, client) = serve([Reply::json(200, page)]).await;
    let got = client
        .conversations()
        .list_chats("conv 1")
        .page_no(2)
        .send()
        .await
        .expect("chats");
    assert_fixture_chats(&got.chats);
    assert_eq!((got.page_no, got.total_count), (2, 102));
    assert_wire(
        &server.single_request(),
        "GET",
        "/webapi/v2/conversations/conv%201/chats?pageNo=2",
        CLIENT_IDENTITY,
        None,
    );
}

#[tokio::test]
async fn delete_chat_encodes_both_path_parameters() {
    let (server, client) = serve([
        Reply::ok(),
        Reply::status(204),
        Reply::json(200, json!({"deleted": true})),
    ])
    .await;
    for _ in 0..3 {
        client
            .conversations()
            .delete_chat("c/1", "Q2hhdDox=")
            .send()
            .await
            .expect("delete");
    }
    for r in server.requests() {
        assert_wire(
            &r,
            "DELETE",
            "/webapi/v2/conversations/c%2F1/chats/Q2hhdDox%3D",
            CLIENT_IDENTITY,
            None,
        );
    }
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn send_feedback_distinguishes_absent_null_and_value() {
    let (server, client) = serve([
        Reply::json(
            200,
            json!({"conversationId": "c1", "chatId": "ch 1", "rating": null, "updatedAt": 1717027600.5}),
        ),
        Reply::json(200, json!({"conversationId": "c1", "chatId": "ch 1", "rating": true})),
        Reply::json(200, json!({"conversationId": "c1", "chatId": "ch 1"})),
    ])
    .await;
    let feedback = || client.conversations().send_feedback("c1", "ch 1");
    let got = feedback()
        .rating(false)
        .feedback_selection(vec![
            types::UserAnswerFeedbackSelection::NotRelevant,
            "too_long".into(),
        ])
        .suggested_answer_null()
        .send()
        .await
        .expect("feedback");
    assert_eq!(
        got,
        types::FeedbackResponse::new(types::FeedbackResponseRequired {
            conversation_id: "c1".into(),
            chat_id: "ch 1".into(),
        })
    );
    let got = feedback()
        .rating_null()
        .feedback_selection_null()
        .suggested_answer("Refunds take 14 days.")
        .send()
        .await
        .expect("feedback");
    assert_eq!(got.rating, Some(true));
    let got = feedback().send().await.expect("feedback");
    assert_eq!(
        (
            got.conversation_id.as_str(),
            got.chat_id.as_str(),
            got.rating
        ),
        ("c1", "ch 1", None)
    );

    let bodies = [
        json!({"rating": false, "feedbackSelection": ["not_relevant", "too_long"], "suggestedAnswer": null}),
        json!({"rating": null, "feedbackSelection": null, "suggestedAnswer": "Refunds take 14 days."}),
        json!({}),
    ];
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for (r, body) in requests.iter().zip(bodies) {
        assert_wire(
            r,
            "POST",
            "/webapi/v2/conversations/c1/chats/ch%201/feedback",
            CLIENT_IDENTITY,
            Some(body),
        );
    }
}

#[tokio::test]
async fn conversation_state_decodes_is_running() {
    let (server, client) = serve([
        Reply::json(200, json!({"isRunning": true, "startedAt": 1717027200.5})),
        Reply::json(200, json!({"isRunning": false})),
    ])
    .await;
    let running = client
        .conversations()
        .state("c1")
        .send()
        .await
        .expect("state");
    assert!(running.is_running);
    let idle = client
        .conversations()
        .state("c1")
        .send()
        .await
        .expect("state");
    assert!(!idle.is_running);
    for r in server.requests() {
        assert_wire(
            &r,
            "GET",
            "/webapi/v2/conversations/c1/running",
            CLIENT_IDENTITY,
            None,
        );
    }
}

#[tokio::test]
async fn stop_conversation_posts_without_a_body() {
    let (server, client) = serve([Reply::ok()]).await;
    client
        .conversations()
        .stop("Q29udmVyc2F0aW9uOjE=")
        .send()
        .await
        .expect("stop");
    assert_wire(
        &server.single_request(),
        "POST",
        "/webapi/v2/conversations/Q29udmVyc2F0aW9uOjE%3D/stop",
        CLIENT_IDENTITY,
        None,
    );
}

#[tokio::test]
async fn update_title_puts_the_title() {
    let (server, client) = serve([
        Reply::json(200, fixture("conversation")),
        Reply::json(200, fixture("conversation_sparse")),
    ])
    .await;
    let got = client
        .conversations()
        .update_title("c1", "환불 문의 (order #A-1001)")
        .send()
        .await
        .expect("title");
    assert_fixture_conversation(&got);
    // `.body(..)` replaces the title given to the constructor.
    let got = client
        .conversations()
        .update_title("c1", "ignored")
        .body(types::SetConversationTitleRequest::new(""))
        .send()
        .await
        .expect("title");
    assert_eq!(got.title, "");

    let requests = server.requests();
    let titles = ["환불 문의 (order #A-1001)", ""];
    for (r, title) in requests.iter().zip(titles) {
        assert_wire(
            r,
            "PUT",
            "/webapi/v2/conversations/c1/title",
            CLIENT_IDENTITY,
            Some(json!({ "title": title })),
        );
    }
}

// ---------- apps ----------

#[tokio::test]
async fn list_legacy_apps_repeats_ids_and_keeps_unknown_types() {
    let (server, client) = serve([Reply::json(200, fixture("get_apps"))]).await;
    let got = client
        .apps()
        .list_legacy()
        .published("true")
        .id(["a/1", "b"])
        .locale("ko-KR")
        .send()
        .await
        .expect("legacy list");
    assert_eq!(
        got.result,
        vec![
            types::GetAppsResult::new(types::GetAppsResultRequired {
                id: "U2luZ2xlQWN0aW9uQXBwOjE=".into(),
                name: "Summarizer".into(),
                r#type: types::GetAppsType::SingleAction,
                description: "Summarizes documents".into(),
                category: "productivity".into(),
                app_from: "project".into(),
                app_url: "https://app.alli.ai/projects/p/apps/1".into(),
            }),
            types::GetAppsResult::new(types::GetAppsResultRequired {
                id: "Q2FtcGFpZ246Mg==".into(),
                name: "Refund skill".into(),
                r#type: types::GetAppsType::Skill,
                description: String::new(),
                category: "support".into(),
                app_from: "marketplace".into(),
                app_url: "https://app.alli.ai/projects/p/skills/2".into(),
            }),
            types::GetAppsResult::new(types::GetAppsResultRequired {
                id: "QWdlbnQ6Mw==".into(),
                name: "Agent".into(),
                r#type: types::GetAppsType::Unknown("agent".into()),
                description: "Autonomous agent".into(),
                category: "support".into(),
                app_from: "project".into(),
                app_url: "https://app.alli.ai/projects/p/agents/3".into(),
            }),
        ]
    );
    assert_wire(
        &server.single_request(),
        "GET",
        "/webapi/apps?published=true&id=a%2F1&id=b&locale=ko-KR",
        CLIENT_IDENTITY,
        None,
    );
}

#[tokio::test]
async fn create_app_sends_the_whole_request_body() {
    let (server, client) = serve([
        Reply::json(
            200,
            json!({"result": {"id": "U2luZ2xlQWN0aW9uQXBwOjk="}, "errors": null}),
        ),
        Reply::json(200, json!({"result": {"id": "U2luZ2xlQWN0aW9uQXBwOjEw"}})),
        Reply::json(200, json!({"result": {"id": "U2luZ2xlQWN0aW9uQXBwOjEx"}})),
    ])
    .await;
    let option = |name: &str, value: &str| {
        types::CreateAppOption::new(types::CreateAppOptionRequired {
            name: name.into(),
            value: value.into(),
        })
    };
    let input =
        types::CreateAppSingleActionAppInput::new(types::CreateAppSingleActionAppInputRequired {
            name: "Summarizer".into(),
            description: "Summarizes a document".into(),
            llm_model: "gpt-4o".into(),
            inputs: vec![
                types::CreateAppInput::new(types::CreateAppInputRequired {
                    name: "length".into(),
                    value: "short".into(),
                    input_type: "single".into(),
                })
                .placeholder_null()
                .options(vec![option("Short", "short"), option("Long", "long")]),
                types::CreateAppInput::new(types::CreateAppInputRequired {
                    name: "document".into(),
                    value: String::new(),
                    input_type: "document_advanced".into(),
                }),
            ],
            messages: vec![
                types::CreateAppMessage::new("system", "You summarize documents."),
                types::CreateAppMessage::new(types::CreateAppRole::User, "{{document}}"),
            ],
        })
        .selected_llm_processing_method(types::CreateAppSelectedLlmProcessingMethod::MapReduce)
        .selected_map_reduce_input_variable_name_null();
    let required = || types::CreateAppRequired {
        r#type: types::CreateAppType::SingleAction,
        name: "Summarizer".into(),
        description: "Summarizes documents".into(),
        category: "productivity".into(),
        published: true,
        enabled: false,
        single_action_app_input: Some(input.clone()),
    };
    let request = types::CreateAppRequest::new(required()).user_id("VXNlcjox");
    // The seven required fields are one `CreateAppRequired`, `user_id` is a setter.
    let got = client
        .apps()
        .create(required())
        .user_id("VXNlcjox")
        .send()
        .await
        .expect("create");
    assert_eq!(got.result.id, "U2luZ2xlQWN0aW9uQXBwOjk=");
    // `.body(..)` replaces the whole body, the required fields and the fields set so far
    // included.
    let got = client
        .apps()
        .create(types::CreateAppRequired {
            r#type: "agent".into(),
            name: "Replaced".into(),
            description: "replaced".into(),
            category: "misc".into(),
            published: false,
            enabled: true,
            single_action_app_input: None,
        })
        .user_id("replaced-user")
        .body(request)
        .send()
        .await
        .expect("create");
    assert_eq!(
        got.result,
        types::CreateAppResult::new("U2luZ2xlQWN0aW9uQXBwOjEw")
    );
    // The body is required: the required fields alone still send it, the nullable input as
    // `null`.
    let got = client
        .apps()
        .create(types::CreateAppRequired {
            r#type: "single_action".into(),
            name: "Empty".into(),
            description: String::new(),
            category: "misc".into(),
            published: false,
            enabled: true,
            single_action_app_input: None,
        })
        .send()
        .await
        .expect("create");
    assert_eq!(got.result.id, "U2luZ2xlQWN0aW9uQXBwOjEx");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let whole_body = json!({
            "user_id": "VXNlcjox",
            "type": "single_action",
            "name": "Summarizer",
            "description": "Summarizes documents",
            "category": "productivity",
            "published": true,
            "enabled": false,
            "single_action_app_input": {
                "name": "Summarizer",
                "description": "Summarizes a document",
                "llm_model": "gpt-4o",
                "selected_llm_processing_method": "map_reduce",
                "selected_map_reduce_input_variable_name": null,
                "inputs": [
                    {
                        "name": "length",
                        "value": "short",
                        "placeholder": null,
                        "input_type": "single",
                        "options": [
                            {"name": "Short", "value": "short"},
                            {"name": "Long", "value": "long"}
                        ]
                    },
                    {"name": "document", "value": "", "input_type": "document_advanced"}
                ],
                "messages": [
                    {"role": "system", "content": "You summarize documents."},
                    {"role": "user", "content": "{{document}}"}
                ]
            }
    });
    for r in &requests[..2] {
        assert_wire(
            r,
            "POST",
            "/webapi/apps",
            CLIENT_IDENTITY,
            Some(whole_body.clone()),
        );
    }
    assert_wire(
        &requests[2],
        "POST",
        "/webapi/apps",
        CLIENT_IDENTITY,
        Some(json!({
            "type": "single_action",
            "name": "Empty",
            "description": "",
            "category": "misc",
            "published": false,
            "enabled": true,
            "single_action_app_input": null
        })),
    );
}

/// The event payloads `run(..).stream()` receives in the streaming tests.
fn run_events() -> Vec<Value> {
    vec![
        json!({"result": {"id": "app-1", "type": "agent", "responses": [{
            "id": "r1", "message": "", "completed": false,
            "intermediateStep": {"key": "reasoning", "statusMessage": "Reasoning", "completed": false}
        }]}}),
        json!({"result": {"id": "app-1", "type": "agent", "responses": [{
            "id": "r1", "message": "환불은 14일 이내 {가능} \"합니다\"\n", "completed": false
        }]}, "seq": 2}),
        json!({"result": {"id": "app-1", "type": "chain", "responses": [{
            "id": "r1", "message": "환불은 14일 이내 {가능} \"합니다\"\n", "completed": true
        }], "conversation": {"id": "conv-1", "state": "eb"}}, "error": null}),
    ]
}

fn assert_run_events(events: &[types::RunAppResponse]) {
    assert_eq!(events.len(), 3);
    let first = &events[0].result;
    assert_eq!(first.r#type, Some(types::RunAppType::Agent));
    let step = first.responses.as_ref().expect("responses")[0]
        .intermediate_step
        .clone()
        .expect("intermediateStep");
    assert_eq!(step.status_message.as_deref(), Some("Reasoning"));
    assert_eq!(step.completed, Some(false));
    let message = |e: &types::RunAppResponse| {
        let r = &e.result.responses.as_ref().expect("responses")[0];
        (r.message.clone().expect("message"), r.completed)
    };
    assert_eq!(message(&events[0]), (String::new(), Some(false)));
    let text = "환불은 14일 이내 {가능} \"합니다\"\n".to_owned();
    assert_eq!(message(&events[1]), (text.clone(), Some(false)));
    assert_eq!(message(&events[2]), (text, Some(true)));
    assert_eq!(
        events[2].result.r#type,
        Some(types::RunAppType::Unknown("chain".into()))
    );
    assert_eq!(
        events[2].result.conversation,
        Some(with_fields!(types::RunAppConversation::new(), {
            id: Some("conv-1".into()),
            state: Some("eb".into()),
        }))
    );
    assert_eq!(events[2].error, None);
}

#[tokio::test]
async fn run_app_sends_every_body_field() {
    let (server, client) = serve([
        Reply::json(200, fixture("run_app_response")),
        Reply::json(200, json!({"result": {}})),
    ])
    .await;
    let got = client
        .apps()
        .run("TExNQXBwOjQy/x")
        .chat(
            types::RunAppChat::new().message("환불 가능한가요?").source(
                types::RunAppSource::new()
                    .knowledge_base_ids(["S25vd2xlZGdlQmFzZTox"])
                    .web_sites(Vec::<String>::new()),
            ),
        )
        .inputs(object(json!({"orderId": "A-1001", "items": [1, 2]})))
        .is_stateful(true)
        .conversation_id("Q29udmVyc2F0aW9uOjY0ZjFhMmIz")
        .llm_model("gpt-4o")
        .llm_prompt_id("prompt-1")
        .ga_prompt_group_id("group-1")
        .temperature(0.25)
        .required_variables(["orderId"])
        .own_user_id("김지우-7")
        .send()
        .await
        .expect("run");
    assert_fixture_run(&got);
    // Nothing set: `{}` (no mode, isStateful or temperature defaults), and an empty result.
    let got = client.apps().run("app-1").send().await.expect("run");
    assert_eq!(got, types::RunAppResponse::new(Default::default()));

    let requests = server.requests();
    assert_wire(
        &requests[0],
        "POST",
        "/webapi/apps/TExNQXBwOjQy%2Fx/run",
        Identity {
            // Non-ASCII OWN-USER-ID values are sent base64-encoded.
            own: Some("base64:6rmA7KeA7JqwLTc="),
            ..CLIENT_IDENTITY
        },
        Some(json!({
            "chat": {
                "message": "환불 가능한가요?",
                "source": {"knowledgeBaseIds": ["S25vd2xlZGdlQmFzZTox"], "webSites": []}
            },
            "inputs": {"orderId": "A-1001", "items": [1, 2]},
            "isStateful": true,
            "conversationId": "Q29udmVyc2F0aW9uOjY0ZjFhMmIz",
            "llmModel": "gpt-4o",
            "llmPromptId": "prompt-1",
            "gaPromptGroupId": "group-1",
            "temperature": 0.25,
            "requiredVariables": ["orderId"]
        })),
    );
    assert_wire(
        &requests[1],
        "POST",
        "/webapi/apps/app-1/run",
        CLIENT_IDENTITY,
        Some(json!({})),
    );
}

/// Runs `apps().run("app-1").chat(..).stream()` against `reply` and collects the events.
async fn stream_run(reply: Reply) -> Vec<types::RunAppResponse> {
    let (server, client) = serve([reply]).await;
    let stream = client
        .apps()
        .run("app-1")
        .chat(types::RunAppChat::new().message("환불 가능한가요?"))
        .stream()
        .await
        .expect("stream starts");
    assert_eq!(stream.status(), StatusCode::OK);
    let events: Vec<types::RunAppResponse> = stream.try_collect().await.expect("every event");
    assert_wire(
        &server.single_request(),
        "POST",
        "/webapi/apps/app-1/run",
        CLIENT_IDENTITY,
        Some(json!({"chat": {"message": "환불 가능한가요?"}, "mode": "stream"})),
    );
    events
}

#[tokio::test]
async fn run_app_stream_decodes_ndjson_events() {
    let body: String = run_events().iter().map(|e| format!("{e}\n")).collect();
    let events = stream_run(
        Reply::status(200)
            .header("Content-Type", "application/x-ndjson")
            .body(body),
    )
    .await;
    assert_run_events(&events);
}

#[tokio::test]
async fn run_app_stream_decodes_sse_events_split_into_small_chunks() {
    let events = run_events();
    let body = format!(
        ": connected\r\n\r\nevent: message\r\nid: 1\r\ndata: {}\r\n\r\ndata: {}\n\n: keep-alive\n\nretry: 1000\ndata: {}\n\ndata: [DONE]\n\n",
        events[0], events[1], events[2]
    );
    let events = stream_run(
        Reply::status(200)
            .header("Content-Type", "text/event-stream")
            .chunks(chunked(&body, 7), Duration::from_millis(1)),
    )
    .await;
    assert_run_events(&events);
}

#[tokio::test]
async fn run_app_background_sends_background_mode() {
    let (server, client) = serve([Reply::json(
        200,
        json!({"result": {"id": "app-1", "conversation": {"id": "conv-9", "state": "in"}}}),
    )])
    .await;
    let got = client
        .apps()
        .run("app-1")
        .is_stateful(true)
        .background()
        .await
        .expect("background run");
    assert_eq!(got.result.id.as_deref(), Some("app-1"));
    assert_eq!(
        got.result.conversation.and_then(|c| c.id).as_deref(),
        Some("conv-9")
    );
    assert_eq!(got.result.responses, None);
    assert_wire(
        &server.single_request(),
        "POST",
        "/webapi/apps/app-1/run",
        CLIENT_IDENTITY,
        Some(json!({"isStateful": true, "mode": "background"})),
    );
}

#[tokio::test]
async fn run_skill_sends_its_body_and_decodes_the_result() {
    let (server, client) = serve([
        Reply::json(
            200,
            json!({"result": "환불 가능합니다.", "errors": null, "elapsed": 1.2}),
        ),
        Reply::json(200, json!({"result": "ok"})),
    ])
    .await;
    // The two required fields are one `RunSkillRequired`, `variables` is a setter.
    let got = client
        .apps()
        .run_skill(types::RunSkillRequired {
            id: "Q2FtcGFpZ246Mg==".into(),
            text: "주문 A-1001 환불".into(),
        })
        .variables(object(json!({"orderId": "A-1001", "vip": true})))
        .send()
        .await
        .expect("skill");
    assert_eq!(got.result.as_deref(), Some("환불 가능합니다."));
    assert_eq!(got.errors, None);
    // `.body(..)` replaces the whole body, the required fields and `variables` included.
    let got = client
        .apps()
        .run_skill(types::RunSkillRequired {
            id: "replaced".into(),
            text: "replaced".into(),
        })
        .variables(object(json!({"replaced": true})))
        .body(types::RunSkillRequest::new(types::RunSkillRequired {
            id: "Q2FtcGFpZ246Mg==".into(),
            text: "hi".into(),
        }))
        .send()
        .await
        .expect("skill");
    assert_eq!(
        got,
        with_fields!(types::RunSkillResponse::new(), {
            result: Some("ok".into()),
            errors: None,
        })
    );

    let requests = server.requests();
    assert_wire(
        &requests[0],
        "POST",
        "/webapi/skill",
        CLIENT_IDENTITY,
        Some(json!({
            "id": "Q2FtcGFpZ246Mg==",
            "text": "주문 A-1001 환불",
            "variables": {"orderId": "A-1001", "vip": true}
        })),
    );
    assert_wire(
        &requests[1],
        "POST",
        "/webapi/skill",
        CLIENT_IDENTITY,
        Some(json!({"id": "Q2FtcGFpZ246Mg==", "text": "hi"})),
    );
}

#[tokio::test]
async fn run_skill_error_bodies_are_typed() {
    let (server, client) = serve([
        Reply::json(400, json!({"errors": ["bad"]})),
        Reply::json(401, json!({"errors": ["invalid API key", "expired"]})),
        Reply::json(500, json!({"errors": ["internal"]})),
    ])
    .await;
    let run = || {
        client
            .apps()
            .run_skill(types::RunSkillRequired {
                id: "s".into(),
                text: "t".into(),
            })
            .send()
    };
    let e = run().await.expect_err("400");
    assert_api_error(&e, 400, "apps.run_skill", "bad");
    assert_eq!(
        e.body::<types::RunSkillError>(),
        Some(&with_fields!(types::RunSkillError::new(), {
            errors: Some(strings(&["bad"])),
        }))
    );
    let e = run().await.expect_err("401");
    assert_api_error(&e, 401, "apps.run_skill", "invalid API key; expired");
    assert_eq!(
        e.body::<types::RunSkillError>()
            .and_then(|b| b.errors.clone()),
        Some(strings(&["invalid API key", "expired"]))
    );
    // 500 documents no body type; a POST is not retried after a 5xx.
    let e = run().await.expect_err("500");
    assert_api_error(&e, 500, "apps.run_skill", "internal");
    assert!(e.body::<types::RunSkillError>().is_none());
    assert_eq!(e.body_text().as_deref(), Some(r#"{"errors":["internal"]}"#));
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn generative_answer_sends_every_body_field() {
    let (server, client) = serve([Reply::json(200, fixture("generative_answer"))]).await;
    let got = client
        .apps()
        .generative_answer("환불 규정은?")
        .model("gpt-4o")
        .answer_format("DRAFTJS")
        .is_stateful(true)
        .thread_id("36e7bb2b-1063-47ec-9f4e-1c2d3e4f5a6b")
        .prompt_group_id("pg-1")
        .clue_text(true)
        .clues(false)
        .include_citations(true)
        .hashtags(
            types::GetGenerativeAnswerHashtags::new()
                .qna_include(["refund"])
                .qna_include_option(types::GetGenerativeAnswerQnaIncludeOption::And)
                .docs_exclude(["draft"])
                .docs_exclude_option("xor"),
        )
        .search_from(["웹", "문서"])
        .temperature(0.0)
        .source(
            types::GetGenerativeAnswerSource::new()
                .shared_knowledge_base_node_ids(Vec::<String>::new())
                .web_sites(["https://help.example.com"]),
        )
        .knowledge_base_ids(["kb-1"])
        .folder_ids(["folder-1", "folder-2"])
        .send()
        .await
        .expect("answer");
    assert_fixture_generative_answer(&got);
    assert_wire(
        &server.single_request(),
        "POST",
        "/webapi/generative_answer",
        CLIENT_IDENTITY,
        Some(json!({
            "query": "환불 규정은?",
            "model": "gpt-4o",
            "answerFormat": "DRAFTJS",
            "isStateful": true,
            "threadId": "36e7bb2b-1063-47ec-9f4e-1c2d3e4f5a6b",
            "promptGroupId": "pg-1",
            "clueText": true,
            "clues": false,
            "includeCitations": true,
            "hashtags": {
                "qnaInclude": ["refund"],
                "qnaIncludeOption": "and",
                "docsExclude": ["draft"],
                "docsExcludeOption": "xor"
            },
            "search_from": ["웹", "문서"],
            "temperature": 0.0,
            "source": {"sharedKnowledgeBaseNodeIds": [], "webSites": ["https://help.example.com"]},
            "knowledgeBaseIds": ["kb-1"],
            "folderIds": ["folder-1", "folder-2"]
        })),
    );
}

/// The `errors` of the typed generative-answer error body of `e` (one type for 400, 401 and
/// 429); `None` when `e` has no body of that type.
fn answer_error_body(e: &alli_api::Error) -> Option<&str> {
    e.body::<types::GetGenerativeAnswerError>()
        .and_then(|b| b.errors.as_deref())
}

#[tokio::test]
async fn generative_answer_error_bodies_are_typed() {
    let (server, client) = serve([
        Reply::json(429, json!({"errors": "rate limit exceeded"})).header("Retry-After", "0"),
        Reply::json(401, json!({"errors": "invalid API key"})),
        Reply::json(400, json!({"errors": "query is required"})),
        Reply::json(500, json!({"errors": "internal"})),
    ])
    .await;
    let ask = || client.apps().generative_answer("q").max_retries(0).send();
    let e = ask().await.expect_err("429");
    assert_api_error(&e, 429, "apps.generative_answer", "rate limit exceeded");
    assert!(e.is_retryable());
    assert_eq!(answer_error_body(&e), Some("rate limit exceeded"));
    // 400, 401 and 429 share one body type (their schemas differ only in prose).
    let e = ask().await.expect_err("401");
    assert_api_error(&e, 401, "apps.generative_answer", "invalid API key");
    assert_eq!(answer_error_body(&e), Some("invalid API key"));
    let e = ask().await.expect_err("400");
    assert_api_error(&e, 400, "apps.generative_answer", "query is required");
    assert_eq!(answer_error_body(&e), Some("query is required"));
    // 500 documents no body type: the body is only there as bytes.
    let e = ask().await.expect_err("500");
    assert_api_error(&e, 500, "apps.generative_answer", "internal");
    assert_eq!(answer_error_body(&e), None);
    assert_eq!(e.body_text().as_deref(), Some(r#"{"errors":"internal"}"#));
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn generative_answer_stream_decodes_sse_events() {
    let events = [
        json!({"answer": {"blocks": [{"text": "Refunds"}]}, "threadId": "36e7bb2b-1063-47ec-9f4e-1c2d3e4f5a6b"}),
        json!({"answer": {"blocks": [{"text": "Refunds are possible within 14 days [1]."}]},
               "confidence": 0.87, "citations": [{"index": 1, "clueId": "clue-1", "rank": 1}], "done": true}),
    ];
    let body = format!("data: {}\n\ndata: {}\n\n", events[0], events[1]);
    let (server, client) = serve([Reply::status(200)
        .header("Content-Type", "text/event-stream; charset=utf-8")
        .chunks(chunked(&body, 5), Duration::from_millis(1))])
    .await;
    let got: Vec<types::GetGenerativeAnswerResponse> = client
        .apps()
        .generative_answer("환불 규정은?")
        .include_citations(true)
        .stream()
        .await
        .expect("stream starts")
        .try_collect()
        .await
        .expect("every event");
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0]
            .answer
            .as_ref()
            .map(|a| a["blocks"][0]["text"].clone()),
        Some(json!("Refunds"))
    );
    assert_eq!(
        got[0].thread_id.as_deref(),
        Some("36e7bb2b-1063-47ec-9f4e-1c2d3e4f5a6b")
    );
    assert_eq!((got[0].confidence, got[1].confidence), (None, Some(0.87)));
    assert_eq!(
        got[1].citations,
        Some(vec![
            with_fields!(types::GetGenerativeAnswerCitation::new(), {
                index: Some(1),
                clue_id: Some("clue-1".into()),
            })
        ])
    );
    assert_wire(
        &server.single_request(),
        "POST",
        "/webapi/generative_answer",
        CLIENT_IDENTITY,
        Some(json!({"query": "환불 규정은?", "includeCitations": true, "mode": "stream"})),
    );
}

#[tokio::test]
async fn generative_answer_stream_error_before_the_first_event_is_typed() {
    let (server, client) = serve([Reply::json(429, json!({"errors": "slow down"}))]).await;
    let e = client
        .apps()
        .generative_answer("q")
        .max_retries(0)
        .stream()
        .await
        .expect_err("429 before the stream");
    assert_api_error(&e, 429, "apps.generative_answer", "slow down");
    assert_eq!(answer_error_body(&e), Some("slow down"));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn start_conversation_sends_the_placement() {
    let (server, client) = serve([
        Reply::json(200, fixture("start_conversation")),
        Reply::json(200, json!({"result": {"conversation": {"id": "c-2"}}})),
    ])
    .await;
    let got = client
        .apps()
        .start_conversation()
        .placement("web-widget")
        .send()
        .await
        .expect("start");
    assert_eq!(got.errors, None);
    let conversation = got
        .result
        .and_then(|r| r.conversation)
        .expect("result.conversation");
    assert_eq!(
        conversation.id.as_deref(),
        Some("Q29udmVyc2F0aW9uOjY0ZjFhMmI1")
    );
    assert_eq!(
        conversation.project.and_then(|p| p.nlu_language).as_deref(),
        Some("ko")
    );
    let edges = conversation
        .chats
        .and_then(|c| c.edges)
        .expect("chats.edges");
    assert_eq!(edges.len(), 2);
    assert_eq!(
        edges[0].node,
        Some(with_fields!(types::StartConversationNode::new(), {
            id: Some("Q2hhdDo2".into()),
            message: Some(r#"{"blocks":[{"text":"안녕하세요! 무엇을 도와드릴까요?"}]}"#.into()),
            created_at: Some(1717027400.5),
            chat_option_infos: Some(vec![with_fields!(
                option(
                    "환불",
                    "환불 문의",
                    Some(with_fields!(types::Style::new(), { bold: Some(false) }))
                ),
                { meta: Some(r#"{"intent":"refund"}"#.into()) }
            )]),
            is_deleted: Some(false),
        }))
    );
    assert_eq!(edges[1].node, None);
    let got = client
        .apps()
        .start_conversation()
        .send()
        .await
        .expect("start");
    assert_eq!(
        got.result
            .and_then(|r| r.conversation)
            .and_then(|c| c.id)
            .as_deref(),
        Some("c-2")
    );

    let requests = server.requests();
    assert_wire(
        &requests[0],
        "POST",
        "/webapi/start_conversation",
        CLIENT_IDENTITY,
        Some(json!({"placement": "web-widget"})),
    );
    assert_wire(
        &requests[1],
        "POST",
        "/webapi/start_conversation",
        CLIENT_IDENTITY,
        Some(json!({})),
    );
}

#[tokio::test]
async fn end_conversation_by_agent_sends_the_id() {
    let (server, client) = serve([Reply::json(200, fixture("end_conversation"))]).await;
    let got = client
        .apps()
        .end_conversation_by_agent("Q29udmVyc2F0aW9uOjY0ZjFhMmIz")
        .send()
        .await
        .expect("end");
    assert_eq!(got.errors, None);
    let result = got.result.expect("result");
    assert_eq!(
        result.typename.as_deref(),
        Some("EndConversationByAgentMutation")
    );
    assert_eq!(
        result.conversation,
        Some(
            with_fields!(types::EndConversationByAgentConversation::new(), {
                id: Some("Q29udmVyc2F0aW9uOjY0ZjFhMmIz".into()),
                completed_time: Some(1717027600.5),
                state: Some("END_BY_AGENT".into()),
                typename: Some("Conversation".into()),
            })
        )
    );
    assert_wire(
        &server.single_request(),
        "POST",
        "/webapi/end_conversation_by_agent",
        CLIENT_IDENTITY,
        Some(json!({"id": "Q29udmVyc2F0aW9uOjY0ZjFhMmIz"})),
    );
}

#[tokio::test]
async fn send_chat_sends_message_and_conversation_id() {
    let (server, client) = serve([Reply::json(200, fixture("send_chat"))]).await;
    let got = client
        .apps()
        .send_chat(types::SendChatRequired {
            message: "I want a refund".into(),
            conversation_id: "Q29udmVyc2F0aW9uOjY0ZjFhMmI1".into(),
        })
        .without_agent_email()
        .without_own_user_id()
        .send()
        .await
        .expect("send chat");
    assert_fixture_send_chat(&got);
    assert_wire(
        &server.single_request(),
        "POST",
        "/webapi/send_chat",
        Identity {
            agent: None,
            user: Some(USER),
            own: None,
        },
        Some(
            json!({"message": "I want a refund", "conversationId": "Q29udmVyc2F0aW9uOjY0ZjFhMmI1"}),
        ),
    );
}

#[tokio::test]
async fn list_apps_sends_every_query_parameter_and_no_defaults() {
    let mut sparse = fixture_with_id("app", "app-2");
    let sparse_object = sparse.as_object_mut().expect("object");
    sparse_object.remove("description");
    sparse_object["agentPermission"] =
        json!({"accessPermissionGroups": null, "viewAccessToAgent": false});
    sparse_object["userPermission"] = json!({"viewAccessToUser": true});
    let (server, client) = serve([
        Reply::json(
            200,
            json!({"apps": [fixture("app"), sparse], "cursor": "YXBwOjUw"}),
        ),
        Reply::json(200, json!({"apps": []})),
    ])
    .await;
    let got = client
        .apps()
        .list()
        .search_term("support bot")
        .categories(["customer_support", "sales"])
        .r#type("agent")
        .published(false)
        .page_size(100)
        .cursor("YXBwOjQ5")
        .send()
        .await
        .expect("list apps");
    assert_eq!(got.cursor.as_deref(), Some("YXBwOjUw"));
    assert_eq!(got.apps.len(), 2);
    assert_fixture_app(&got.apps[0]);
    let sparse = &got.apps[1];
    assert_eq!(sparse.description, None);
    assert_eq!(
        sparse.agent_permission,
        types::AgentPermissionResponse::new(false)
    );
    assert_eq!(
        sparse.user_permission,
        types::UserPermissionResponse::new(true)
    );
    let got = client.apps().list().send().await.expect("list apps");
    assert_eq!(got, types::AppsResponse::new(vec![]));

    let requests = server.requests();
    assert_wire(
        &requests[0],
        "GET",
        "/webapi/v2/apps?searchTerm=support%20bot&categories=customer_support&categories=sales\
         &type=agent&published=false&pageSize=100&cursor=YXBwOjQ5",
        CLIENT_IDENTITY,
        None,
    );
    assert_wire(
        &requests[1],
        "GET",
        "/webapi/v2/apps",
        CLIENT_IDENTITY,
        None,
    );
}

#[tokio::test]
async fn get_app_encodes_the_path() {
    let (server, client) = serve([Reply::json(200, fixture("app"))]).await;
    let got = client
        .apps()
        .get("TExNQXBwOjQy==")
        .agent_email("other-agent@example.com")
        .without_user_email()
        .send()
        .await
        .expect("get app");
    assert_fixture_app(&got);
    assert_wire(
        &server.single_request(),
        "GET",
        "/webapi/v2/apps/TExNQXBwOjQy%3D%3D",
        Identity {
            agent: Some("other-agent@example.com"),
            user: None,
            own: Some(OWN),
        },
        None,
    );
}

#[tokio::test]
async fn update_app_distinguishes_absent_null_and_value() {
    let (server, client) = serve((0..4).map(|_| Reply::json(200, fixture("app")))).await;
    let apps = client.apps();
    let permission = types::AgentPermission::new(true)
        .access_agents_null()
        .access_permission_groups(vec![types::AccessPermissionGroup::new(
            "UEc6MQ==",
            types::ObjectAccessType::Order2Reader,
        )]);
    for builder in [
        apps.update("app-1").name("New name"),
        apps.update("app-1").name_null(),
        apps.update("app-1"),
        apps.update("app-1")
            .description_null()
            .category("sales")
            .published(false)
            .agent_permission(permission)
            .user_permission_null(),
    ] {
        let got = builder.send().await.expect("update app");
        assert_fixture_app(&got);
    }
    let bodies = [
        json!({"name": "New name"}),
        json!({"name": null}),
        json!({}),
        json!({
            "description": null,
            "category": "sales",
            "published": false,
            "agentPermission": {
                "accessAgents": null,
                "accessPermissionGroups": [{"permissionGroupId": "UEc6MQ==", "accessType": "order_2_reader"}],
                "viewAccessToAgent": true
            },
            "userPermission": null
        }),
    ];
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for (r, body) in requests.iter().zip(bodies) {
        assert_wire(
            r,
            "PATCH",
            "/webapi/v2/apps/app-1",
            CLIENT_IDENTITY,
            Some(body),
        );
    }
}

#[tokio::test]
async fn bad_path_parameters_fail_before_sending() {
    let (server, client) = serve([]).await;
    for e in [
        client.conversations().get("..").send().await.err(),
        client.apps().run("").send().await.err(),
        client
            .conversations()
            .delete_chat("c1", ".")
            .send()
            .await
            .err(),
    ] {
        let e = e.expect("an invalid path parameter is an error");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
    }
    assert_eq!(server.request_count(), 0);
}

// ---------- envelope errors ----------

/// Operations whose 2xx body carries an `errors` envelope field.
#[derive(Clone, Copy, Debug)]
enum EnvelopeOp {
    RunSkill,
    SendChat,
    DailyCount,
    StartConversation,
    EndConversation,
}

const ENVELOPE_OPS: [EnvelopeOp; 5] = [
    EnvelopeOp::RunSkill,
    EnvelopeOp::SendChat,
    EnvelopeOp::DailyCount,
    EnvelopeOp::StartConversation,
    EnvelopeOp::EndConversation,
];

impl EnvelopeOp {
    fn name(self) -> &'static str {
        match self {
            EnvelopeOp::RunSkill => "apps.run_skill",
            EnvelopeOp::SendChat => "apps.send_chat",
            EnvelopeOp::DailyCount => "conversations.daily_count",
            EnvelopeOp::StartConversation => "apps.start_conversation",
            EnvelopeOp::EndConversation => "apps.end_conversation_by_agent",
        }
    }

    /// A realistic `result` for the operation.
    fn result(self) -> Value {
        match self {
            EnvelopeOp::RunSkill => json!("partial output"),
            EnvelopeOp::SendChat => fixture("send_chat")["result"].clone(),
            EnvelopeOp::DailyCount => fixture("daily_count")["result"].clone(),
            EnvelopeOp::StartConversation => fixture("start_conversation")["result"].clone(),
            EnvelopeOp::EndConversation => fixture("end_conversation")["result"].clone(),
        }
    }

    /// Sends the operation; on success, whether the decoded `result` is there.
    async fn call(self, client: &Client) -> alli_api::Result<bool> {
        let apps = client.apps();
        Ok(match self {
            EnvelopeOp::RunSkill => apps
                .run_skill(types::RunSkillRequired {
                    id: "s".into(),
                    text: "t".into(),
                })
                .send()
                .await?
                .result
                .is_some(),
            EnvelopeOp::SendChat => apps
                .send_chat(types::SendChatRequired {
                    message: "m".into(),
                    conversation_id: "c".into(),
                })
                .send()
                .await?
                .result
                .is_some(),
            EnvelopeOp::DailyCount => client
                .conversations()
                .daily_count()
                .send()
                .await?
                .result
                .is_some(),
            EnvelopeOp::StartConversation => {
                apps.start_conversation().send().await?.result.is_some()
            }
            EnvelopeOp::EndConversation => apps
                .end_conversation_by_agent("c")
                .send()
                .await?
                .result
                .is_some(),
        })
    }
}

/// Calls `op` once for each `errors` value (with a realistic `result`) and returns the outcome
/// of each call, with the number of requests the server saw.
async fn envelope_outcomes(
    op: EnvelopeOp,
    errors: &[Value],
) -> Vec<(Value, alli_api::Result<bool>, usize)> {
    let mut out = Vec::new();
    for errors in errors {
        let body = json!({"result": op.result(), "errors": errors});
        let (server, client) = serve([Reply::json(200, body.clone())]).await;
        let outcome = op.call(&client).await;
        out.push((body, outcome, server.request_count()));
    }
    out
}

#[tokio::test]
async fn non_empty_envelope_errors_on_a_200_are_api_errors() {
    let errors = [
        json!(["boom"]),
        json!({"message": "boom", "code": "E42"}),
        json!("boom"),
    ];
    for op in ENVELOPE_OPS {
        for (body, outcome, requests) in envelope_outcomes(op, &errors).await {
            let e = outcome.expect_err(&format!("{op:?} with {body}"));
            assert_api_error(&e, 200, op.name(), "boom");
            assert_eq!(
                e.body_bytes()
                    .map(serde_json::from_slice::<Value>)
                    .and_then(Result::ok),
                Some(body),
                "{op:?}"
            );
            // Never retried.
            assert_eq!(requests, 1, "{op:?}");
        }
    }
}

/// Asserts that every call succeeded with a decoded `result`.
fn assert_envelope_success(op: EnvelopeOp, outcomes: Vec<(Value, alli_api::Result<bool>, usize)>) {
    for (body, outcome, _) in outcomes {
        match outcome {
            Ok(has_result) => assert!(has_result, "{op:?} with {body}: no result"),
            Err(e) => panic!("{op:?} with {body}: {e}"),
        }
    }
}

#[tokio::test]
async fn null_absent_or_empty_envelope_errors_of_the_documented_shape_are_success() {
    for op in ENVELOPE_OPS {
        let empty = match op {
            // `errors` is documented as an array for run_skill, an object for the others.
            EnvelopeOp::RunSkill => json!([]),
            _ => json!({}),
        };
        assert_envelope_success(op, envelope_outcomes(op, &[Value::Null, empty]).await);
        let (_server, client) = serve([Reply::json(200, json!({"result": op.result()}))]).await;
        assert_eq!(
            op.call(&client).await.ok(),
            Some(true),
            "{op:?} without errors"
        );
    }
}

// The runtime treats `[]`, `{}` and `""` alike as "no errors", and the generated response types
// keep `errors` as any JSON value, so an empty value of any shape is a success that decodes.
#[tokio::test]
async fn empty_envelope_errors_of_any_shape_are_success() {
    for op in ENVELOPE_OPS {
        let empties = [json!([]), json!({}), json!("")];
        assert_envelope_success(op, envelope_outcomes(op, &empties).await);
    }
}

// ---------- pagination ----------

fn cursor_of(r: &RecordedRequest) -> Option<String> {
    r.query_values("cursor").into_iter().next()
}

#[tokio::test]
async fn list_conversations_into_stream_follows_the_cursor_to_a_null_cursor() {
    let page = |ids: &[&str], cursor: Value| {
        let conversations: Vec<Value> = ids
            .iter()
            .map(|id| fixture_with_id("conversation_sparse", id))
            .collect();
        Reply::json(
            200,
            json!({"conversations": conversations, "cursor": cursor}),
        )
    };
    let (server, client) = serve_with(move |r| match cursor_of(r).as_deref() {
        None => page(&["c1", "c2"], json!("Y3Vyc29yOjI+/=")),
        Some("Y3Vyc29yOjI+/=") => page(&["c3", "c4"], json!("Y3Vyc29yOjM=")),
        Some("Y3Vyc29yOjM=") => page(&["c5"], Value::Null),
        Some(other) => Reply::text(400, &format!("unexpected cursor {other}")),
    })
    .await;
    let conversations: Vec<types::Conversation> = client
        .conversations()
        .list()
        .page_size(2)
        .order(types::ListOrder::LastChatTimeAsc)
        .into_stream()
        .try_collect()
        .await
        .expect("every page");
    let ids: Vec<&str> = conversations.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5"]);
    assert_sparse_conversation(&conversations[4], "c5");

    let targets = [
        "/webapi/v2/conversations?pageSize=2&order=LAST_CHAT_TIME_ASC",
        "/webapi/v2/conversations?cursor=Y3Vyc29yOjI%2B%2F%3D&pageSize=2&order=LAST_CHAT_TIME_ASC",
        "/webapi/v2/conversations?cursor=Y3Vyc29yOjM%3D&pageSize=2&order=LAST_CHAT_TIME_ASC",
    ];
    let requests = server.requests();
    assert_eq!(requests.len(), targets.len());
    for (r, target) in requests.iter().zip(targets) {
        assert_wire(r, "GET", target, CLIENT_IDENTITY, None);
    }
}

#[tokio::test]
async fn list_apps_into_stream_follows_the_cursor_to_an_absent_cursor() {
    let page = |ids: &[&str], cursor: Option<&str>| {
        let apps: Vec<Value> = ids.iter().map(|id| fixture_with_id("app", id)).collect();
        let mut body = json!({ "apps": apps });
        if let Some(c) = cursor {
            body["cursor"] = json!(c);
        }
        Reply::json(200, body)
    };
    let (server, client) = serve_with(move |r| match cursor_of(r).as_deref() {
        None => page(&["a1", "a2"], Some("YXBwOjI=")),
        Some("YXBwOjI=") => page(&[], Some("YXBwOjM=")),
        Some("YXBwOjM=") => page(&["a3"], None),
        Some(other) => Reply::text(400, &format!("unexpected cursor {other}")),
    })
    .await;
    let apps: Vec<types::App> = client
        .apps()
        .list()
        .published(true)
        .into_stream()
        .try_collect()
        .await
        .expect("every page");
    let ids: Vec<&str> = apps.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "a3"]);
    assert_eq!(apps[2].name, "Support assistant");

    let cursors: Vec<Option<String>> = server.requests().iter().map(cursor_of).collect();
    assert_eq!(
        cursors,
        [
            None,
            Some("YXBwOjI=".to_owned()),
            Some("YXBwOjM=".to_owned())
        ]
    );
    for r in server.requests() {
        assert_eq!(r.query_values("published"), ["true"], "{}", r.target);
        assert_eq!(r.path(), "/webapi/v2/apps");
    }
}

/// A chat of the page-number tests.
fn numbered_chat(n: usize) -> Value {
    json!({
        "id": format!("chat-{n}"), "sender": "USER", "message": format!("message {n}"),
        "timestamp": 1717027200.0 + n as f64, "citations": null, "rating": null, "agentRating": null
    })
}

/// A server for `GET .../chats` with `total` chats in pages of 100, whose `totalCount` says
/// `claimed_total`; a missing `pageNo` is page 1.
async fn chats_server(total: usize, claimed_total: usize) -> (TestServer, Client) {
    serve_with(move |r| {
        let page: usize = match r.query_values("pageNo").first() {
            None => 1,
            Some(p) => match p.parse() {
                Ok(p) => p,
                Err(_) => return Reply::text(400, "bad pageNo"),
            },
        };
        let start = (page - 1) * 100;
        let chats: Vec<Value> = (start..total.min(start + 100)).map(numbered_chat).collect();
        Reply::json(
            200,
            json!({"chats": chats, "pageNo": page, "totalCount": claimed_total}),
        )
    })
    .await
}

/// The `pageNo` of every request, sorted (pages may be fetched concurrently).
fn page_numbers(server: &TestServer) -> Vec<Option<u64>> {
    let mut pages: Vec<Option<u64>> = server
        .requests()
        .iter()
        .map(|r| {
            r.query_values("pageNo")
                .first()
                .and_then(|p| p.parse().ok())
        })
        .collect();
    pages.sort();
    pages
}

/// Every chat of every page.
async fn all_chats(op: alli_api::conversations::ListChats) -> Vec<types::Chat> {
    op.into_stream().try_collect().await.expect("every page")
}

#[tokio::test]
async fn list_chats_into_stream_fetches_pages_until_the_total() {
    let (server, client) = chats_server(250, 250).await;
    let chats = all_chats(client.conversations().list_chats("conv/1")).await;
    let ids: Vec<String> = chats.iter().map(|c| c.id.clone()).collect();
    let expected: Vec<String> = (0..250).map(|n| format!("chat-{n}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(chats[249].timestamp, 1717027449.0);
    // The first request leaves pageNo to its server default (1); then exactly pages 2 and 3.
    assert_eq!(page_numbers(&server), [None, Some(2), Some(3)]);
    for r in server.requests() {
        assert_eq!(r.path(), "/webapi/v2/conversations/conv%2F1/chats");
        assert_eq!(r.header("own-user-id").as_deref(), Some(OWN));
    }
}

#[tokio::test]
async fn list_chats_into_stream_stops_at_a_short_page() {
    // totalCount promises more than there is: the short page 2 ends the stream.
    let (server, client) = chats_server(130, 1000).await;
    let op = client.conversations().list_chats("conv-1");
    let chats = all_chats(op.page_no(1).page_concurrency(1)).await;
    assert_eq!(chats.len(), 130);
    assert_eq!(chats[129].id, "chat-129");
    assert_eq!(page_numbers(&server), [Some(1), Some(2)]);
}

#[tokio::test]
async fn list_chats_into_pages_starts_at_the_callers_page() {
    let (server, client) = chats_server(250, 250).await;
    let pages: Vec<types::ChatsResponse> = client
        .conversations()
        .list_chats("conv-1")
        .page_no(2)
        .into_pages()
        .try_collect()
        .await
        .expect("every page");
    let summary: Vec<(i64, usize)> = pages.iter().map(|p| (p.page_no, p.chats.len())).collect();
    assert_eq!(summary, [(2, 100), (3, 50)]);
    assert_eq!(page_numbers(&server), [Some(2), Some(3)]);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let (_server, client) = serve_with(|r| match cursor_of(r) {
        None => Reply::json(
            200,
            json!({"conversations": [fixture_with_id("conversation_sparse", "c1")], "cursor": "next"}),
        ),
        Some(_) => Reply::json(404, json!({"detail": "cursor expired"})),
    })
    .await;
    let items: Vec<alli_api::Result<types::Conversation>> =
        client.conversations().list().into_stream().collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().map(|c| c.id.as_str()).ok(), Some("c1"));
    let e = items[1].as_ref().expect_err("second page fails");
    assert_api_error(e, 404, "conversations.list", "cursor expired");
}
