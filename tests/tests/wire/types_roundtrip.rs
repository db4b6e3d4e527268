//! Every generated type, without a server.
//!
//! Response types (every type reachable from a 2xx or error body): decode a realistic payload
//! (`tests/fixtures/*.json` or inline), re-encode it and compare with the input; remove each
//! required field (decoding must fail naming it) and each optional field (decoding must still
//! succeed, to `None` or the default); open enums decode unknown values to `Unknown(..)` and
//! re-encode them unchanged.
//!
//! Request types (every type used in a request body): the exact JSON each serializes to,
//! including the absent / `null` / value states of `Nullable` fields and that server-side
//! defaults are not sent unless set.

use std::collections::BTreeSet;
use std::fmt::Debug;

use crate::support::{fixture, object, strings, with_fields};
use alli_api::Nullable;
use alli_api::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

// ---------- support ----------

/// The value at JSON pointer `pointer` of `v`.
fn at(v: &Value, pointer: &str) -> Value {
    v.pointer(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the payload"))
        .clone()
}

fn decode<T: DeserializeOwned>(v: &Value) -> serde_json::Result<T> {
    serde_json::from_value(v.clone())
}

fn encode<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).expect("generated types always serialize")
}

/// Compares `input` (what the server sent) with `output` (what the decoded value re-encodes
/// to), collecting every difference that is not documented. Documented differences:
/// - unknown fields are dropped: the JSON pointers in `dropped` must be absent from `output`;
/// - for optional-nullable response fields `null` and absent are equivalent (both decode to
///   `None`, which is not re-encoded), so an input `null` may be absent from `output`;
/// - numbers compare by value: an integer sent for an `f64` field (`1717027200`) re-encodes as
///   a float (`1717027200.0`).
///
/// Anything in `output` that is not in `input` is a difference.
fn differences(input: &Value, output: &Value, path: &str, dropped: &[&str], out: &mut Vec<String>) {
    match (input, output) {
        (Value::Object(i), Value::Object(o)) => {
            for (k, v) in i {
                let p = format!("{path}/{k}");
                if dropped.contains(&p.as_str()) {
                    if o.contains_key(k) {
                        out.push(format!("{p}: unknown field kept"));
                    }
                    continue;
                }
                match o.get(k) {
                    Some(ov) => differences(v, ov, &p, dropped, out),
                    None if v.is_null() => {}
                    None => out.push(format!("{p}: missing from the re-encoded value")),
                }
            }
            for k in o.keys().filter(|k| !i.contains_key(*k)) {
                out.push(format!("{path}/{k}: added by re-encoding"));
            }
        }
        (Value::Array(i), Value::Array(o)) if i.len() == o.len() => {
            for (n, (iv, ov)) in i.iter().zip(o).enumerate() {
                differences(iv, ov, &format!("{path}/{n}"), dropped, out);
            }
        }
        (Value::Number(i), Value::Number(o)) if i.as_f64() == o.as_f64() => {}
        (i, o) if i == o => {}
        (i, o) => out.push(format!("{path}: {i} became {o}")),
    }
}

/// Decodes `input` as `T`, re-encodes it and asserts that nothing changed but the documented
/// differences (see [`differences`]); `dropped` lists the unknown fields of the payload.
fn roundtrip<T: DeserializeOwned + Serialize>(input: &Value, dropped: &[&str]) -> T {
    for p in dropped {
        assert!(input.pointer(p).is_some(), "{p} is not in the payload");
    }
    let decoded: T = decode(input).unwrap_or_else(|e| panic!("decode failed: {e}\n{input:#}"));
    let output = encode(&decoded);
    let mut diffs = Vec::new();
    differences(input, &output, "", dropped, &mut diffs);
    assert!(
        diffs.is_empty(),
        "round trip changed:\n{}",
        diffs.join("\n")
    );
    decoded
}

/// The fields of one type, checked against a payload of that type (every field set):
/// - `required`: removing one makes decoding fail with an error naming it; a required
///   nullable field (listed in `nullable` too) still decodes from `null` and re-encodes as an
///   explicit `null`;
/// - `optional`: removing one, or setting it to `null`, still decodes, and the field is then not
///   re-encoded (`None`);
/// - `defaulted`: removing one decodes to the default, which is re-encoded.
///
/// Also checks that these lists are exactly the fields the type re-encodes.
#[derive(Default)]
struct Fields<'a> {
    required: &'a [&'a str],
    nullable: &'a [&'a str],
    optional: &'a [&'a str],
    defaulted: &'a [(&'a str, Value)],
}

impl<'a> Fields<'a> {
    /// Only required fields.
    fn required(required: &'a [&'a str]) -> Self {
        Fields {
            required,
            ..Default::default()
        }
    }

    /// Only optional fields.
    fn optional(optional: &'a [&'a str]) -> Self {
        Fields {
            optional,
            ..Default::default()
        }
    }
}

fn check_fields<T: DeserializeOwned + Serialize>(payload: &Value, f: Fields<'_>) {
    let object = payload.as_object().expect("an object payload");
    let full = encode(&decode::<T>(payload).expect("the payload decodes"));
    let listed: BTreeSet<&str> = f
        .required
        .iter()
        .chain(f.optional)
        .copied()
        .chain(f.defaulted.iter().map(|(k, _)| *k))
        .collect();
    let encoded: BTreeSet<&str> = full
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(encoded, listed, "the fields of the type");
    let without = |key: &str| {
        let mut m = object.clone();
        assert!(m.remove(key).is_some(), "{key} is not in the payload");
        Value::Object(m)
    };
    let with_null = |key: &str| {
        let mut m = object.clone();
        m.insert(key.to_owned(), Value::Null);
        Value::Object(m)
    };
    for key in f.required {
        let e = decode::<T>(&without(key)).err().map(|e| e.to_string());
        let expected = format!("missing field `{key}`");
        assert!(
            e.as_deref().is_some_and(|e| e.contains(&expected)),
            "without {key}: {e:?}"
        );
    }
    for key in f.nullable {
        let decoded = decode::<T>(&with_null(key)).unwrap_or_else(|e| panic!("{key}: null: {e}"));
        assert_eq!(encode(&decoded).get(*key), Some(&Value::Null), "{key}");
    }
    for key in f.optional {
        for payload in [without(key), with_null(key)] {
            let decoded = decode::<T>(&payload).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(encode(&decoded).get(*key), None, "{key} is None");
        }
    }
    for (key, default) in f.defaulted {
        let decoded = decode::<T>(&without(key)).unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_eq!(encode(&decoded).get(*key), Some(default), "{key}");
    }
}

/// An envelope response (`result` + `errors`, both optional), checked with a non-empty
/// `errors` object added to `payload`.
fn check_envelope_fields<T: DeserializeOwned + Serialize>(payload: &Value) {
    let mut with_errors = payload.clone();
    with_errors["errors"] = json!({"message": "conversation not found"});
    check_fields::<T>(&with_errors, Fields::optional(&["result", "errors"]));
}

/// Asserts that `value` serializes to exactly `expected`.
#[track_caller]
fn assert_json<T: Serialize + Debug>(value: &T, expected: Value) {
    assert_eq!(encode(value), expected, "{value:?}");
}

/// The required-nullable fields of `Conversation`.
const CONVERSATION_NULLABLE: [&str; 6] = [
    "user",
    "lastChatTime",
    "categories",
    "memo",
    "llmApp",
    "variables",
];

/// The fields of `Citation` (`clueId` required) and `RunAppCitation` (all optional).
const CITATION_FIELDS: [&str; 7] = [
    "clueId",
    "source",
    "title",
    "knowledgeBaseId",
    "pageNo",
    "url",
    "text",
];

// ---------- response types: whole payloads ----------

#[test]
fn conversation_round_trips_dropping_unknown_fields() {
    let c: types::Conversation = roundtrip(
        &fixture("conversation"),
        &[
            "/user/email",
            "/chats/1/source/sharedKnowledgeBases/0/mimeType",
            "/chats/1/source/searchMode",
            "/chats/1/citations/0/score",
            "/chats/1/feedbackSelection",
            "/llmApp/type",
            "/state",
            "/assignee",
        ],
    );
    assert_eq!(c.chats[0].citations, None);
    assert_eq!(c.chats[1].rating, Some(true));
    assert_eq!(c.llm_app.and_then(|a| a.description), None);
}

#[test]
fn required_nullable_fields_decode_null_to_none_and_re_encode_it() {
    let input = fixture("conversation_sparse");
    let c: types::Conversation = roundtrip(&input, &[]);
    assert_eq!(
        (
            &c.user,
            c.last_chat_time,
            &c.categories,
            &c.memo,
            &c.llm_app,
            &c.variables
        ),
        (&None, None, &None, &None, &None, &None)
    );
    let output = encode(&c);
    for key in CONVERSATION_NULLABLE {
        assert_eq!(
            output.get(key),
            Some(&Value::Null),
            "{key} re-encoded as null"
        );
    }
}

#[test]
fn a_missing_required_nullable_field_fails_naming_it() {
    let mut input = fixture("conversation");
    input
        .as_object_mut()
        .expect("object")
        .remove("lastChatTime");
    let e = decode::<types::Conversation>(&input).expect_err("lastChatTime is required");
    assert!(
        e.to_string().contains("missing field `lastChatTime`"),
        "{e}"
    );
    // The same inside a page: the path to the conversation is in the serde error position.
    let page = json!({"conversations": [fixture("conversation"), input], "cursor": null});
    let e = decode::<types::ConversationsResponse>(&page).expect_err("required in pages too");
    assert!(e.to_string().contains("lastChatTime"), "{e}");
    // `cursor` is required-nullable as well.
    let e = decode::<types::ConversationsResponse>(&json!({"conversations": []}))
        .expect_err("cursor is required");
    assert!(e.to_string().contains("missing field `cursor`"), "{e}");
}

#[test]
fn app_round_trips_keeping_unknown_access_types() {
    let app: types::App = roundtrip(
        &fixture("app"),
        &[
            "/agentPermission/accessPermissionGroups/0/memberCount",
            "/createdAt",
            "/weight",
        ],
    );
    let agents = app.agent_permission.access_agents.expect("accessAgents");
    assert!(!agents[0].access_type.is_unknown());
    assert!(agents[1].access_type.is_unknown());
    assert_eq!(agents[1].access_type.as_str(), "order_0_owner");
    assert_eq!(app.user_permission.own_user_ids, None);

    let page: types::AppsResponse = roundtrip(
        &json!({"apps": [fixture("app")], "cursor": "YXBwOjE="}),
        &[
            "/apps/0/agentPermission/accessPermissionGroups/0/memberCount",
            "/apps/0/createdAt",
            "/apps/0/weight",
        ],
    );
    assert_eq!(page.cursor.as_deref(), Some("YXBwOjE="));
    let last: types::AppsResponse = roundtrip(&json!({"apps": [], "cursor": null}), &[]);
    assert_eq!(last, types::AppsResponse::new(vec![]));
}

#[test]
fn run_app_response_round_trips_keeping_unknown_app_types() {
    let r: types::RunAppResponse = roundtrip(
        &fixture("run_app_response"),
        &[
            "/result/responses/0/intermediateStep/durationMs",
            "/result/conversation/projectId",
            "/traceId",
        ],
    );
    assert_eq!(
        r.result.r#type,
        Some(types::RunAppType::Unknown("workflow".into()))
    );
    assert_eq!(r.error, None);
    let r: types::RunAppResponse = roundtrip(
        &json!({"result": {"type": "single_action"}, "error": "LLM quota exceeded"}),
        &[],
    );
    assert_eq!(r.result.r#type, Some(types::RunAppType::SingleAction));
    assert_eq!(r.error.as_deref(), Some("LLM quota exceeded"));
}

#[test]
fn generative_answer_round_trips() {
    let a: types::GetGenerativeAnswerResponse = roundtrip(
        &fixture("generative_answer"),
        &["/citations/0/highlight", "/usage"],
    );
    // A DRAFTJS answer: an object.
    assert!(a.answer.as_ref().is_some_and(Value::is_object), "{a:?}");
    assert_eq!((a.body, a.css), (None, None));
    // Every field is optional: `{}` is a valid (empty) answer.
    let empty: types::GetGenerativeAnswerResponse = roundtrip(&json!({}), &[]);
    assert_eq!(empty, types::GetGenerativeAnswerResponse::default());
}

#[test]
fn generative_answer_in_markdown_format_decodes() {
    // `answer` is formatted per `answerFormat`: an object for DRAFTJS (the fixture), a string
    // for MARKDOWN. Both decode, and re-encode unchanged.
    let a: types::GetGenerativeAnswerResponse = roundtrip(
        &json!({"answer": "Refunds are possible within **14 days**.", "answerHash": "h"}),
        &[],
    );
    assert_eq!(
        a.answer,
        Some(json!("Refunds are possible within **14 days**."))
    );
    assert_eq!(a.answer_hash.as_deref(), Some("h"));
}

#[test]
fn send_chat_and_start_conversation_round_trip() {
    let r: types::SendChatResponse = roundtrip(
        &fixture("send_chat"),
        &[
            "/result/responses/1/chatOptionInfos/0/style/fontSize",
            "/result/responses/1/__typename",
        ],
    );
    assert_eq!(r.result.and_then(|r| r.state).as_deref(), Some("wu"));
    let r: types::StartConversationResponse = roundtrip(
        &fixture("start_conversation"),
        &[
            "/result/conversation/project/id",
            "/result/conversation/chats/edges/0/cursor",
            "/result/conversation/chats/pageInfo",
        ],
    );
    let edges = r
        .result
        .and_then(|r| r.conversation)
        .and_then(|c| c.chats)
        .and_then(|c| c.edges)
        .expect("edges");
    assert_eq!(edges[1].node, None);
}

#[test]
fn envelope_responses_round_trip_with_their_errors() {
    let r: types::EndConversationByAgentResponse = roundtrip(&fixture("end_conversation"), &[]);
    assert_eq!(r.errors, None);
    let r: types::ConversationDailyCountResponse =
        roundtrip(&fixture("daily_count"), &["/result/timezone"]);
    assert_eq!(r.result.and_then(|r| r.campaign_count), Some(3));
    // The envelope field itself decodes (the client turns a non-empty one into an error).
    let r: types::SendChatResponse = roundtrip(
        &json!({"errors": {"message": "conversation ended", "code": 409}}),
        &[],
    );
    assert_eq!(
        r.errors,
        Some(json!({"message": "conversation ended", "code": 409}))
    );
    let r: types::RunSkillResponse = roundtrip(
        &json!({"result": "부분 결과", "errors": ["timeout", "retry"]}),
        &[],
    );
    assert_eq!(r.errors, Some(json!(["timeout", "retry"])));
    let r: types::StartConversationResponse = roundtrip(&json!({"errors": {}}), &[]);
    assert_eq!(r.errors, Some(json!({})));
    // `errors` is any JSON value in all five envelope types: every shape, empty or not,
    // decodes and re-encodes unchanged.
    for errors in [
        json!([]),
        json!({}),
        json!(""),
        json!("boom"),
        json!(["boom"]),
        json!({"message": "boom", "code": "E42"}),
    ] {
        let payload = json!({"errors": errors});
        let r: types::RunSkillResponse = roundtrip(&payload, &[]);
        assert_eq!(r.errors.as_ref(), Some(&errors));
        let r: types::SendChatResponse = roundtrip(&payload, &[]);
        assert_eq!(r.errors.as_ref(), Some(&errors));
        let r: types::StartConversationResponse = roundtrip(&payload, &[]);
        assert_eq!(r.errors.as_ref(), Some(&errors));
        let r: types::EndConversationByAgentResponse = roundtrip(&payload, &[]);
        assert_eq!(r.errors.as_ref(), Some(&errors));
        let r: types::ConversationDailyCountResponse = roundtrip(&payload, &[]);
        assert_eq!(r.errors.as_ref(), Some(&errors));
    }
}

#[test]
fn legacy_apps_round_trip_keeping_unknown_types() {
    let r: types::GetAppsResponse = roundtrip(&fixture("get_apps"), &["/result/2/icon"]);
    assert_eq!(r.result[0].r#type, types::GetAppsType::SingleAction);
    assert_eq!(r.result[1].r#type, types::GetAppsType::Skill);
    assert_eq!(
        r.result[2].r#type,
        types::GetAppsType::Unknown("agent".into())
    );
}

#[test]
fn small_response_bodies_round_trip() {
    let chats =
        json!({"chats": at(&fixture("conversation"), "/chats"), "pageNo": 1, "totalCount": 2});
    let page: types::ChatsResponse = roundtrip(
        &chats,
        &[
            "/chats/1/source/sharedKnowledgeBases/0/mimeType",
            "/chats/1/source/searchMode",
            "/chats/1/citations/0/score",
            "/chats/1/feedbackSelection",
        ],
    );
    assert_eq!(
        (page.page_no, page.total_count, page.chats.len()),
        (1, 2, 2)
    );
    let f: types::FeedbackResponse = roundtrip(
        &json!({"conversationId": "c1", "chatId": "ch1", "rating": null, "updatedAt": 1.5}),
        &["/updatedAt"],
    );
    assert_eq!(
        f,
        types::FeedbackResponse::new(types::FeedbackResponseRequired {
            conversation_id: "c1".into(),
            chat_id: "ch1".into(),
        })
    );
    let s: types::ConversationRunningStatusResponse = roundtrip(
        &json!({"isRunning": true, "since": 1717027200}),
        &["/since"],
    );
    assert!(s.is_running);
    let c: types::CreateAppResponse = roundtrip(
        &json!({"result": {"id": "U2luZ2xlQWN0aW9uQXBwOjk=", "status": "created"}}),
        &["/result/status"],
    );
    assert_eq!(c.result.id, "U2luZ2xlQWN0aW9uQXBwOjk=");
    let e: types::RunSkillError = roundtrip(&json!({"errors": ["bad"], "code": 400}), &["/code"]);
    assert_eq!(e.errors, Some(strings(&["bad"])));
    let e: types::GetGenerativeAnswerError =
        roundtrip(&json!({"errors": "query is required"}), &[]);
    assert_eq!(e.errors.as_deref(), Some("query is required"));
    let e: types::GetGenerativeAnswerError =
        roundtrip(&json!({"errors": null, "retryAfter": 3}), &["/retryAfter"]);
    assert_eq!(e.errors, None);
}

// ---------- response types: field by field ----------

#[test]
fn conversation_types_fields() {
    let conversation = fixture("conversation");
    check_fields::<types::Conversation>(
        &conversation,
        Fields {
            required: &[
                "id",
                "title",
                "user",
                "createdAt",
                "lastChatTime",
                "isEnd",
                "categories",
                "memo",
                "chats",
                "chatCount",
                "llmApp",
                "variables",
            ],
            nullable: &CONVERSATION_NULLABLE,
            ..Default::default()
        },
    );
    check_fields::<types::User>(
        &at(&conversation, "/user"),
        Fields::required(&["userId", "firstName", "lastName"]),
    );
    check_fields::<types::LlmApp>(
        &json!({"id": "TExNQXBwOjQy", "name": "Support assistant", "description": "Billing"}),
        Fields {
            required: &["id", "name"],
            optional: &["description"],
            ..Default::default()
        },
    );
    check_fields::<types::Chat>(
        &at(&conversation, "/chats/1"),
        Fields {
            required: &[
                "id",
                "sender",
                "message",
                "timestamp",
                "citations",
                "rating",
                "agentRating",
            ],
            nullable: &["citations", "rating", "agentRating"],
            optional: &["source"],
            ..Default::default()
        },
    );
    let mut source = at(&conversation, "/chats/1/source");
    source["folderIds"] = json!(["Rm9sZGVyOjE="]);
    source["excludingHashtagsOperator"] = json!("and");
    source["personalKnowledgeBases"] = json!([]);
    check_fields::<types::ChatInputSource>(
        &source,
        Fields {
            optional: &[
                "knowledgeBaseIds",
                "folderIds",
                "webSites",
                "includingHashtags",
                "excludingHashtags",
                "includingHashtagsOperator",
                "excludingHashtagsOperator",
                "sharedKnowledgeBases",
                "sharedFolders",
                "personalKnowledgeBases",
                "personalFolders",
            ],
            defaulted: &[
                ("searchAllSharedDocument", json!(false)),
                ("searchAllPersonalDocument", json!(false)),
            ],
            ..Default::default()
        },
    );
    for (pointer, check) in [
        (
            "/chats/1/source/sharedKnowledgeBases/0",
            check_fields::<types::KnowledgeBaseInfo> as fn(&Value, Fields<'_>),
        ),
        (
            "/chats/1/source/sharedFolders/0",
            check_fields::<types::FolderInfo>,
        ),
    ] {
        check(
            &at(&conversation, pointer),
            Fields::required(&["id", "name"]),
        );
    }
    let mut citation = at(&conversation, "/chats/1/citations/0");
    citation["url"] = json!("https://help.example.com/refunds");
    check_fields::<types::Citation>(
        &citation,
        Fields {
            required: &CITATION_FIELDS[..1],
            optional: &CITATION_FIELDS[1..],
            ..Default::default()
        },
    );
}

#[test]
fn conversation_page_and_small_response_fields() {
    check_fields::<types::ConversationsResponse>(
        &json!({"conversations": [fixture("conversation_sparse")], "cursor": "Y3Vyc29yOjE="}),
        Fields {
            required: &["conversations", "cursor"],
            nullable: &["cursor"],
            ..Default::default()
        },
    );
    check_fields::<types::ChatsResponse>(
        &json!({"chats": [], "pageNo": 3, "totalCount": 250}),
        Fields::required(&["chats", "pageNo", "totalCount"]),
    );
    check_fields::<types::FeedbackResponse>(
        &json!({"conversationId": "c1", "chatId": "ch1", "rating": false}),
        Fields {
            required: &["conversationId", "chatId"],
            optional: &["rating"],
            ..Default::default()
        },
    );
    check_fields::<types::ConversationRunningStatusResponse>(
        &json!({"isRunning": false}),
        Fields::required(&["isRunning"]),
    );
    let daily = fixture("daily_count");
    check_envelope_fields::<types::ConversationDailyCountResponse>(&daily);
    let mut result = at(&daily, "/result");
    result.as_object_mut().expect("object").remove("timezone");
    check_fields::<types::ConversationDailyCountResult>(
        &result,
        Fields::optional(&["dailyTotalCount", "state", "campaignCount"]),
    );
    check_fields::<types::ConversationDailyCountDailyTotalCount>(
        &at(&daily, "/result/dailyTotalCount/0"),
        Fields::optional(&["date", "activeCount"]),
    );
}

#[test]
fn app_types_fields() {
    let app = fixture("app");
    let mut known = app.clone();
    for key in ["createdAt", "weight"] {
        known.as_object_mut().expect("object").remove(key);
    }
    check_fields::<types::App>(
        &known,
        Fields {
            required: &[
                "id",
                "name",
                "type",
                "category",
                "published",
                "agentPermission",
                "userPermission",
            ],
            optional: &["description"],
            ..Default::default()
        },
    );
    check_fields::<types::AppsResponse>(
        &json!({"apps": [], "cursor": "YXBwOjE="}),
        Fields {
            required: &["apps"],
            optional: &["cursor"],
            ..Default::default()
        },
    );
    check_fields::<types::AgentPermissionResponse>(
        &json!({
            "accessAgents": [{"agentId": "QWdlbnQ6MQ==", "accessType": "order_1_editor"}],
            "accessPermissionGroups": [],
            "viewAccessToAgent": true
        }),
        Fields {
            required: &["viewAccessToAgent"],
            optional: &["accessAgents", "accessPermissionGroups"],
            ..Default::default()
        },
    );
    check_fields::<types::AccessAgent>(
        &at(&app, "/agentPermission/accessAgents/1"),
        Fields::required(&["agentId", "accessType"]),
    );
    check_fields::<types::AccessPermissionGroupResponse>(
        &json!({"permissionGroupId": "UEc6MQ==", "permissionGroupName": "Support", "accessType": "order_2_reader"}),
        Fields::required(&["permissionGroupId", "permissionGroupName", "accessType"]),
    );
    check_fields::<types::UserPermissionResponse>(
        &json!({"ownUserIds": ["VXNlcjox"], "customerGroups": [], "viewAccessToUser": true}),
        Fields {
            required: &["viewAccessToUser"],
            optional: &["ownUserIds", "customerGroups"],
            ..Default::default()
        },
    );
    check_fields::<types::GetAppsResponse>(&json!({"result": []}), Fields::required(&["result"]));
    check_fields::<types::GetAppsResult>(
        &at(&fixture("get_apps"), "/result/0"),
        Fields::required(&[
            "id",
            "name",
            "type",
            "description",
            "category",
            "app_from",
            "app_url",
        ]),
    );
    check_fields::<types::CreateAppResponse>(
        &json!({"result": {"id": "x"}}),
        Fields::required(&["result"]),
    );
    check_fields::<types::CreateAppResult>(&json!({"id": "x"}), Fields::required(&["id"]));
}

#[test]
fn run_app_types_fields() {
    let run = fixture("run_app_response");
    check_fields::<types::RunAppResponse>(
        &json!({"result": {}, "error": "quota"}),
        Fields {
            required: &["result"],
            optional: &["error"],
            ..Default::default()
        },
    );
    let mut result = at(&run, "/result");
    result["conversation"] = json!({"id": "c1", "state": "in"});
    check_fields::<types::RunAppResult>(
        &result,
        Fields::optional(&[
            "id",
            "name",
            "type",
            "category",
            "responses",
            "variables",
            "conversation",
        ]),
    );
    let mut response = at(&run, "/result/responses/0");
    response["error"] = at(&run, "/result/responses/1/error");
    response["intermediateStep"]
        .as_object_mut()
        .expect("object")
        .remove("durationMs");
    check_fields::<types::RunAppResultResponse>(
        &response,
        Fields::optional(&[
            "id",
            "type",
            "message",
            "source",
            "sender",
            "createdAt",
            "completed",
            "citations",
            "error",
            "intermediateStep",
        ]),
    );
    let mut citation = at(&run, "/result/responses/0/citations/0");
    citation["url"] = json!("https://help.example.com");
    check_fields::<types::RunAppCitation>(&citation, Fields::optional(&CITATION_FIELDS));
    check_fields::<types::RunAppError>(
        &at(&run, "/result/responses/1/error"),
        Fields::optional(&[
            "timestamp",
            "nodeId",
            "nodeType",
            "errorType",
            "errorObject",
        ]),
    );
    check_fields::<types::RunAppIntermediateStep>(
        &json!({"completed": false, "key": "k", "createdAt": "2024-05-30T00:00:59Z", "statusMessage": "s", "markdownMessage": "m"}),
        Fields::optional(&[
            "completed",
            "key",
            "createdAt",
            "statusMessage",
            "markdownMessage",
        ]),
    );
    check_fields::<types::RunAppConversation>(
        &json!({"id": "c1", "state": "in"}),
        Fields::optional(&["id", "state"]),
    );
}

#[test]
fn generative_answer_types_fields() {
    let mut answer = fixture("generative_answer");
    let object = answer.as_object_mut().expect("object");
    object.remove("usage");
    object.insert("body".into(), json!("<p>preview</p>"));
    object.insert("css".into(), json!("p { margin: 0 }"));
    answer["citations"][0]
        .as_object_mut()
        .expect("object")
        .remove("highlight");
    check_fields::<types::GetGenerativeAnswerResponse>(
        &answer,
        Fields::optional(&[
            "answer",
            "answerHash",
            "confidence",
            "effectiveConfidence",
            "documentId",
            "documentName",
            "hashtags",
            "pageNo",
            "createdDate",
            "agentFeedback",
            "userFeedback",
            "body",
            "css",
            "pdfPreview",
            "folder",
            "editor",
            "viewer",
            "threadId",
            "fuQuestion",
            "intent",
            "clues",
            "citations",
        ]),
    );
    check_fields::<types::GetGenerativeAnswerCitation>(
        &json!({"index": 1, "clueId": "c", "source": "FAQ", "title": "t", "pageNo": 2,
                "knowledgeBaseId": "kb", "faqId": "faq-1", "url": "https://x", "text": "x"}),
        Fields::optional(&[
            "index",
            "clueId",
            "source",
            "title",
            "pageNo",
            "knowledgeBaseId",
            "faqId",
            "url",
            "text",
        ]),
    );
    // One error body type for 400, 401 and 429 (their schemas differ only in prose).
    for (payload, check) in [
        (
            json!({"errors": "bad"}),
            check_fields::<types::GetGenerativeAnswerError> as fn(&Value, Fields<'_>),
        ),
        (
            json!({"errors": "slow down"}),
            check_fields::<types::GetGenerativeAnswerError>,
        ),
        (
            json!({"errors": ["bad"]}),
            check_fields::<types::RunSkillError>,
        ),
    ] {
        check(&payload, Fields::optional(&["errors"]));
    }
    check_fields::<types::RunSkillResponse>(
        &json!({"result": "ok", "errors": ["e"]}),
        Fields::optional(&["result", "errors"]),
    );
}

#[test]
fn chat_envelope_types_fields() {
    let end = fixture("end_conversation");
    check_envelope_fields::<types::EndConversationByAgentResponse>(&end);
    check_fields::<types::EndConversationByAgentResult>(
        &at(&end, "/result"),
        Fields::optional(&["conversation", "__typename"]),
    );
    check_fields::<types::EndConversationByAgentConversation>(
        &at(&end, "/result/conversation"),
        Fields::optional(&["id", "completedTime", "state", "__typename"]),
    );

    let chat = fixture("send_chat");
    check_envelope_fields::<types::SendChatResponse>(&chat);
    check_fields::<types::SendChatResult>(
        &at(&chat, "/result"),
        Fields::optional(&["responses", "state"]),
    );
    let mut response = at(&chat, "/result/responses/1");
    response
        .as_object_mut()
        .expect("object")
        .remove("__typename");
    response["chatOptionInfos"] = json!([]);
    check_fields::<types::SendChatResultResponse>(
        &response,
        Fields::optional(&["id", "message", "createdAt", "chatOptionInfos", "isDeleted"]),
    );
    check_fields::<types::ChatOptionInfo>(
        &json!({"shortenOption": "A", "longOption": "Option A", "style": {}, "meta": "{}"}),
        Fields::optional(&["shortenOption", "longOption", "style", "meta"]),
    );
    check_fields::<types::Style>(
        &json!({"bgColor": "#FFF", "bold": true, "fontColor": "#000", "italic": false,
                "lineColor": "#CCC", "underline": true}),
        Fields::optional(&[
            "bgColor",
            "bold",
            "fontColor",
            "italic",
            "lineColor",
            "underline",
        ]),
    );

    let start = fixture("start_conversation");
    check_envelope_fields::<types::StartConversationResponse>(&start);
    check_fields::<types::StartConversationResult>(
        &json!({"conversation": {}}),
        Fields::optional(&["conversation"]),
    );
    check_fields::<types::StartConversationConversation>(
        &json!({"id": "c", "project": {}, "chats": {}}),
        Fields::optional(&["id", "project", "chats"]),
    );
    check_fields::<types::StartConversationProject>(
        &json!({"nluLanguage": "ja"}),
        Fields::optional(&["nluLanguage"]),
    );
    check_fields::<types::StartConversationChats>(
        &json!({"edges": []}),
        Fields::optional(&["edges"]),
    );
    check_fields::<types::StartConversationEdge>(&json!({"node": {}}), Fields::optional(&["node"]));
    check_fields::<types::StartConversationNode>(
        &at(&start, "/result/conversation/chats/edges/0/node"),
        Fields::optional(&["id", "message", "createdAt", "chatOptionInfos", "isDeleted"]),
    );
}

// ---------- open enums ----------

/// The `enum` of the spec at JSON `pointer`.
fn spec_enum(pointer: &str) -> Vec<String> {
    let path = format!("{}/../spec/openapi.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let spec: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let values = at(&spec, &format!("{pointer}/enum"));
    serde_json::from_value(values).expect("a list of strings")
}

/// For each open enum: its known values are the spec's; each decodes to a known variant that
/// re-encodes (and displays) as the same string; an unknown value decodes to
/// `Unknown(value)`, re-encodes unchanged, and converts the same way with `From<&str>`.
macro_rules! check_open_enums {
    ($($t:ty => $pointer:expr),* $(,)?) => {$({
        let name = stringify!($t);
        assert_eq!(<$t>::KNOWN_VALUES, spec_enum($pointer).as_slice(), "{name}");
        for value in <$t>::KNOWN_VALUES {
            let v: $t = decode(&json!(value)).unwrap_or_else(|e| panic!("{name} {value}: {e}"));
            assert!(!v.is_unknown(), "{name} {value}");
            assert_eq!(v.as_str(), *value, "{name}");
            assert_eq!(v.to_string(), *value, "{name}");
            assert_eq!(encode(&v), json!(value), "{name}");
            assert_eq!(<$t>::from(*value), v, "{name}");
        }
        let v: $t = decode(&json!("added_later")).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(v, <$t>::Unknown("added_later".into()), "{name}");
        assert!(v.is_unknown(), "{name}");
        assert_eq!(encode(&v), json!("added_later"), "{name}");
        assert_eq!(<$t>::from("added_later"), v, "{name}");
        // Not a string: an error, not `Unknown`.
        assert!(decode::<$t>(&json!(1)).is_err(), "{name}");
    })*};
}

const RUN: &str = "/paths/~1webapi~1apps~1{app_id}~1run/post";
const CREATE: &str =
    "/paths/~1webapi~1apps/post/requestBody/content/application~1json/schema/properties";
const ANSWER: &str = "/paths/~1webapi~1generative_answer/post/requestBody/content/application~1json/schema/properties";

#[test]
fn open_enums_know_the_spec_values_and_keep_unknown_ones() {
    let input = |p: &str| format!("{CREATE}/single_action_app_input/anyOf/0/properties/{p}");
    check_open_enums!(
        // in responses
        types::GetAppsType => "/paths/~1webapi~1apps/get/responses/200/content/application~1json/schema/properties/result/items/properties/type",
        types::RunAppType => &format!("{RUN}/responses/200/content/application~1json/schema/properties/result/properties/type"),
        types::ObjectAccessType => "/components/schemas/ObjectAccessType",
        // in requests
        types::ConversationStateEnum => "/components/schemas/ConversationStateEnum",
        types::UserAnswerFeedbackSelection => "/components/schemas/UserAnswerFeedbackSelection",
        types::ListOrder => "/paths/~1webapi~1v2~1conversations/get/parameters/16/schema",
        types::CreateAppType => &format!("{CREATE}/type"),
        types::CreateAppSelectedLlmProcessingMethod => &input("selected_llm_processing_method/anyOf/0"),
        types::CreateAppInputType => &input("inputs/items/properties/input_type"),
        types::CreateAppRole => &input("messages/items/properties/role"),
        types::RunAppMode => &format!("{RUN}/requestBody/content/application~1json/schema/properties/mode"),
        types::GetGenerativeAnswerMode => &format!("{ANSWER}/mode"),
        types::GetGenerativeAnswerQnaIncludeOption => &format!("{ANSWER}/hashtags/properties/qnaIncludeOption"),
        types::GetGenerativeAnswerQnaExcludeOption => &format!("{ANSWER}/hashtags/properties/qnaExcludeOption"),
        types::GetGenerativeAnswerDocsIncludeOption => &format!("{ANSWER}/hashtags/properties/docsIncludeOption"),
        types::GetGenerativeAnswerDocsExcludeOption => &format!("{ANSWER}/hashtags/properties/docsExcludeOption"),
    );
}

// ---------- request types ----------

#[test]
fn conversation_request_bodies() {
    assert_json(&types::ConversationDailyCountRequest::default(), json!({}));
    assert_json(
        &types::ConversationDailyCountRequest::new()
            .start_date("2024-05-01")
            .end_date("2024-05-31"),
        json!({"startDate": "2024-05-01", "endDate": "2024-05-31"}),
    );

    let absent = types::ConversationInfoRequest::default();
    assert_json(&absent, json!({}));
    let null = types::ConversationInfoRequest::new()
        .state_null()
        .assignee_null()
        .category_ids_null()
        .title_null();
    assert_json(
        &null,
        json!({"state": null, "assignee": null, "categoryIds": null, "title": null}),
    );
    let set = types::ConversationInfoRequest::new()
        .state("archived")
        .assignee("agent@example.com")
        .category_ids(Vec::<String>::new())
        .title("환불");
    assert_json(
        &set,
        json!({"state": "archived", "assignee": "agent@example.com", "categoryIds": [], "title": "환불"}),
    );

    assert_json(
        &types::SetBulkConversationsRequest::new(absent),
        json!({"conversationInfo": {}}),
    );
    assert_json(
        &types::SetBulkConversationsRequest::new(
            types::ConversationInfoRequest::new().state(types::ConversationStateEnum::Lck),
        )
        .user_ids_null()
        .llm_app_ids(["TExNQXBwOjQy"])
        .category_ids_null()
        .conversation_ids(Vec::<String>::new()),
        json!({
            "userIds": null, "llmAppIds": ["TExNQXBwOjQy"], "categoryIds": null,
            "conversationIds": [], "conversationInfo": {"state": "lck"}
        }),
    );

    assert_json(&types::FeedbackRequest::default(), json!({}));
    assert_json(
        &types::FeedbackRequest::new()
            .rating_null()
            .feedback_selection_null()
            .suggested_answer_null(),
        json!({"rating": null, "feedbackSelection": null, "suggestedAnswer": null}),
    );
    assert_json(
        &types::FeedbackRequest::new()
            .rating(true)
            .feedback_selection(vec![
                types::UserAnswerFeedbackSelection::Inaccurate,
                "too_long".into(),
            ])
            .suggested_answer(String::new()),
        json!({"rating": true, "feedbackSelection": ["inaccurate", "too_long"], "suggestedAnswer": ""}),
    );
    assert_json(
        &types::SetConversationTitleRequest::new("새 제목"),
        json!({"title": "새 제목"}),
    );
}

#[test]
fn create_app_request_bodies() {
    // `single_action_app_input` is required and nullable: `None` is sent as `null`.
    let bare = types::CreateAppRequest::new(types::CreateAppRequired {
        r#type: types::CreateAppType::SingleAction,
        name: "Summarizer".into(),
        description: String::new(),
        category: "productivity".into(),
        published: false,
        enabled: true,
        single_action_app_input: None,
    });
    assert_json(
        &bare,
        json!({
            "type": "single_action", "name": "Summarizer", "description": "",
            "category": "productivity", "published": false, "enabled": true,
            "single_action_app_input": null
        }),
    );
    let input =
        types::CreateAppSingleActionAppInput::new(types::CreateAppSingleActionAppInputRequired {
            name: "Summarizer".into(),
            description: "Summarizes".into(),
            llm_model: "gpt-4o".into(),
            inputs: vec![types::CreateAppInput::new(types::CreateAppInputRequired {
                name: "document".into(),
                value: String::new(),
                input_type: "image_basic".into(),
            })],
            messages: vec![types::CreateAppMessage::new("assistant", "Hi")],
        });
    // Nullable fields start absent; `options` starts absent.
    assert_json(
        &with_fields!(bare.user_id("VXNlcjox"), {
            single_action_app_input: Some(input.clone()),
        }),
        json!({
            "user_id": "VXNlcjox", "type": "single_action", "name": "Summarizer",
            "description": "", "category": "productivity", "published": false, "enabled": true,
            "single_action_app_input": {
                "name": "Summarizer", "description": "Summarizes", "llm_model": "gpt-4o",
                "inputs": [{"name": "document", "value": "", "input_type": "image_basic"}],
                "messages": [{"role": "assistant", "content": "Hi"}]
            }
        }),
    );
    assert_json(
        &with_fields!(
            input
                .selected_llm_processing_method_null()
                .selected_map_reduce_input_variable_name("document"),
            {
                inputs: vec![types::CreateAppInput::new(types::CreateAppInputRequired {
                    name: "document".into(),
                    value: String::new(),
                    input_type: types::CreateAppInputType::Paragraph,
                })
                .placeholder("Paste a document")
                .options(vec![])],
                messages: vec![],
            }
        ),
        json!({
            "name": "Summarizer", "description": "Summarizes", "llm_model": "gpt-4o",
            "selected_llm_processing_method": null,
            "selected_map_reduce_input_variable_name": "document",
            "inputs": [{"name": "document", "value": "", "placeholder": "Paste a document",
                        "input_type": "paragraph", "options": []}],
            "messages": []
        }),
    );
    assert_json(
        &types::CreateAppOption::new(types::CreateAppOptionRequired {
            name: "Short".into(),
            value: "short".into(),
        }),
        json!({"name": "Short", "value": "short"}),
    );
}

#[test]
fn run_app_and_chat_request_bodies() {
    // Server defaults (mode "sync", isStateful false, temperature 0) are not sent.
    assert_json(&types::RunAppRequest::default(), json!({}));
    assert_json(&types::RunAppChat::default(), json!({}));
    assert_json(&types::RunAppSource::default(), json!({}));
    assert_json(
        &types::RunAppRequest::new()
            .chat(
                types::RunAppChat::new().message("hi").source(
                    types::RunAppSource::new()
                        .knowledge_base_ids(Vec::<String>::new())
                        .folder_ids(["Rm9sZGVyOjE="])
                        .web_sites(["https://help.example.com"]),
                ),
            )
            .inputs(object(json!({"tone": "formal", "limit": 3, "extra": null})))
            .mode(types::RunAppMode::Sync)
            .is_stateful(false)
            .conversation_id("c1")
            .llm_model("gpt-4o")
            .llm_prompt_id("p1")
            .ga_prompt_group_id("g1")
            .temperature(0.0)
            .required_variables(Vec::<String>::new()),
        json!({
            "chat": {"message": "hi", "source": {"knowledgeBaseIds": [], "folderIds": ["Rm9sZGVyOjE="], "webSites": ["https://help.example.com"]}},
            "inputs": {"tone": "formal", "limit": 3, "extra": null},
            "mode": "sync", "isStateful": false, "conversationId": "c1", "llmModel": "gpt-4o",
            "llmPromptId": "p1", "gaPromptGroupId": "g1", "temperature": 0.0,
            "requiredVariables": []
        }),
    );
    assert_json(
        &types::EndConversationByAgentRequest::new("Q29udmVyc2F0aW9uOjE="),
        json!({"id": "Q29udmVyc2F0aW9uOjE="}),
    );
    assert_json(
        &types::SendChatRequest::new(types::SendChatRequired {
            message: "환불".into(),
            conversation_id: "c1".into(),
        }),
        json!({"message": "환불", "conversationId": "c1"}),
    );
    assert_json(
        &types::RunSkillRequest::new(types::RunSkillRequired {
            id: "Q2FtcGFpZ246Mg==".into(),
            text: "hi".into(),
        }),
        json!({"id": "Q2FtcGFpZ246Mg==", "text": "hi"}),
    );
    assert_json(
        &types::RunSkillRequest::new(types::RunSkillRequired {
            id: "s".into(),
            text: String::new(),
        })
        .variables(Map::new()),
        json!({"id": "s", "text": "", "variables": {}}),
    );
    assert_json(&types::StartConversationRequest::default(), json!({}));
    assert_json(
        &types::StartConversationRequest::new().placement("web"),
        json!({"placement": "web"}),
    );
}

#[test]
fn generative_answer_request_bodies() {
    // Only the query: mode ("sync") and the hashtag operators ("or") are server defaults.
    assert_json(
        &types::GetGenerativeAnswerRequest::new("환불 규정은?"),
        json!({"query": "환불 규정은?"}),
    );
    assert_json(&types::GetGenerativeAnswerHashtags::default(), json!({}));
    assert_json(&types::GetGenerativeAnswerSource::default(), json!({}));
    assert_json(
        &types::GetGenerativeAnswerHashtags::new()
            .qna_include(["a"])
            .qna_include_option(types::GetGenerativeAnswerQnaIncludeOption::Or)
            .qna_exclude(Vec::<String>::new())
            .qna_exclude_option(types::GetGenerativeAnswerQnaExcludeOption::And)
            .docs_include(["b"])
            .docs_include_option("xor")
            .docs_exclude(["c"])
            .docs_exclude_option(types::GetGenerativeAnswerDocsExcludeOption::Or),
        json!({
            "qnaInclude": ["a"], "qnaIncludeOption": "or", "qnaExclude": [],
            "qnaExcludeOption": "and", "docsInclude": ["b"], "docsIncludeOption": "xor",
            "docsExclude": ["c"], "docsExcludeOption": "or"
        }),
    );
    assert_json(
        &types::GetGenerativeAnswerRequest::new("q")
            .mode(types::GetGenerativeAnswerMode::Sync)
            .search_from(["웹"])
            .temperature(1.5)
            .source(
                types::GetGenerativeAnswerSource::new()
                    .shared_knowledge_base_node_ids(Vec::<String>::new())
                    .personal_knowledge_base_node_ids(["S25vd2xlZGdlQmFzZTox"]),
            ),
        json!({
            "query": "q", "mode": "sync", "search_from": ["웹"], "temperature": 1.5,
            "source": {"sharedKnowledgeBaseNodeIds": [], "personalKnowledgeBaseNodeIds": ["S25vd2xlZGdlQmFzZTox"]}
        }),
    );
}

#[test]
fn update_app_request_bodies() {
    assert_json(&types::UpdateAppRequest::default(), json!({}));
    assert_json(
        &types::UpdateAppRequest::new()
            .name_null()
            .description_null()
            .category_null()
            .published_null()
            .agent_permission_null()
            .user_permission_null(),
        json!({
            "name": null, "description": null, "category": null, "published": null,
            "agentPermission": null, "userPermission": null
        }),
    );
    assert_json(
        &types::AgentPermission::new(false),
        json!({"viewAccessToAgent": false}),
    );
    assert_json(
        &types::UserPermission::new(true),
        json!({"viewAccessToUser": true}),
    );
    assert_json(
        &types::UpdateAppRequest::new()
            .name("Support")
            .description(String::new())
            .category("sales")
            .published(true)
            .agent_permission(
                types::AgentPermission::new(true)
                    .access_agents(vec![
                        types::AccessAgent::new(
                            "QWdlbnQ6MQ==",
                            types::ObjectAccessType::Order1Editor,
                        ),
                        types::AccessAgent::new("QWdlbnQ6Mg==", "order_0_owner"),
                    ])
                    .access_permission_groups_null(),
            )
            .user_permission(
                types::UserPermission::new(false)
                    .own_user_ids(Vec::<String>::new())
                    .customer_groups_null(),
            ),
        json!({
            "name": "Support", "description": "", "category": "sales", "published": true,
            "agentPermission": {
                "accessAgents": [
                    {"agentId": "QWdlbnQ6MQ==", "accessType": "order_1_editor"},
                    {"agentId": "QWdlbnQ6Mg==", "accessType": "order_0_owner"}
                ],
                "accessPermissionGroups": null,
                "viewAccessToAgent": true
            },
            "userPermission": {"ownUserIds": [], "customerGroups": null, "viewAccessToUser": false}
        }),
    );
    assert_json(
        &types::AccessPermissionGroup::new("UEc6MQ==", types::ObjectAccessType::Order2Reader),
        json!({"permissionGroupId": "UEc6MQ==", "accessType": "order_2_reader"}),
    );
}

#[test]
fn nullable_request_fields_decode_back_to_their_three_states() {
    // Request types also derive Deserialize (with the `full-serde` feature, which this crate
    // enables): absent, null and value come back distinct.
    for (json, expected) in [
        (json!({}), Nullable::Absent),
        (json!({"title": null}), Nullable::Null),
        (json!({"title": "x"}), Nullable::Value("x".to_owned())),
    ] {
        let r: types::ConversationInfoRequest = decode(&json).expect("decodes");
        assert_eq!(r.title, expected, "{json}");
        assert_eq!(encode(&r), json);
    }
}
