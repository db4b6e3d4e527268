//! The tour's offline server: `alli_api::mock` serving the API's OpenAPI document, with one
//! rule per request the tour makes, answering realistic data. Every answer is checked against
//! the document when the rule is set, every request the tour sends is checked against it when
//! it arrives, and the tour ends by verifying that each rule was used as expected.
//!
//! This is how a downstream test uses the mock, with its untyped rules (`mock.on(method,
//! path)`); the typed layer (`mock.conversations().get(id)`) is generated next to the client.

use alli_api::mock::{Expectation, MockAlli, MockError};
use serde_json::{Value, json};

/// The API's OpenAPI document (what the generator writes to `spec/openapi.json`).
pub(crate) const OPENAPI: &str = include_str!("../../../spec/openapi.json");

const HR_APP: &str = "TExNQXBwOjU1ZTBjMDE=";
const BACKGROUND_CONVERSATION: &str = "Q29udmVyc2F0aW9uOjY2NzFiMDE=";
/// A conversation id that does not exist (well-formed, so the real API answers 404 too).
pub(crate) const MISSING_CONVERSATION: &str =
    "Q29udmVyc2F0aW9uOjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA==";
const APP_ANSWER: &str = "In your first year you earn one day of paid leave per month worked, \
                          up to 11 days. From your second year you get 15 days a year; request \
                          them in the HR portal under Leave → Request [1].";
const VPN_ANSWER: &str = "Install the GlobalProtect client from the IT portal, sign in with your \
                          company SSO account and pick the \"Seoul-HQ\" gateway [1]. If the \
                          connection drops every hour, update the client to version 6.2 or \
                          later [2].";

const CONVERSATIONS: &str = "/webapi/v2/conversations";
const CONVERSATION: &str = "/webapi/v2/conversations/{conversation_id}";
const CHATS: &str = "/webapi/v2/conversations/{conversation_id}/chats";

/// Starts the mock and sets the tour's rules. `serve_only`: just a server for other examples
/// (no verification when it stops, every operation answered from the document).
pub(crate) async fn start(serve_only: bool) -> Result<MockAlli, MockError> {
    let mock = MockAlli::builder(OPENAPI)
        .verify_on_drop(!serve_only)
        .start()
        .await?;
    let data = Data::new();
    data.conversation_rules(&mock, serve_only);
    data.app_rules(&mock, serve_only);
    data.error_rules(&mock, serve_only);
    Ok(mock)
}

/// A conversation: its fields (without `chats` and `chatCount`) and all its chats.
struct Conversation {
    info: Value,
    chats: Vec<Value>,
}

impl Conversation {
    /// The conversation as the API shows it, with its `recent` latest chats.
    fn render(&self, recent: usize) -> Value {
        let mut value = self.info.clone();
        let from = self.chats.len().saturating_sub(recent);
        value["chats"] = Value::Array(self.chats[from..].to_vec());
        value["chatCount"] = json!(self.chats.len());
        value
    }

    fn id(&self) -> &str {
        self.info["id"].as_str().unwrap_or_default()
    }
}

struct Data {
    apps: Vec<Value>,
    /// Sorted by last chat time, latest first (the API's default order).
    conversations: Vec<Conversation>,
}

/// `Expectation::any_times` when only serving: the other examples may call anything.
fn counted(rule: Expectation, serve_only: bool, times: usize) -> Expectation {
    if serve_only {
        rule.any_times()
    } else {
        rule.times(times)
    }
}

impl Data {
    fn new() -> Data {
        let app = |id: &str, name: &str, kind: &str, category: &str, description: &str| {
            json!({
                "id": id, "name": name, "description": description, "type": kind,
                "category": category, "published": true,
                "agentPermission": { "viewAccessToAgent": true, "accessAgents": [] },
                "userPermission": { "viewAccessToUser": true, "customerGroups": ["employees"] },
            })
        };
        #[rustfmt::skip]
        let apps = vec![
            app(HR_APP, "HR 도우미", "agent", "HR", "Answers questions about leave, payroll and benefits"),
            app("TExNQXBwOjU1ZTBjMDI=", "Contract Summarizer", "single_action", "Legal", "Summarizes a contract in five bullet points"),
            app("TExNQXBwOjU1ZTBjMDM=", "社内FAQボット", "campaign", "IT", "Internal IT FAQ"),
        ];
        // (id, title, user, app, last chat time, ended, number of chats)
        #[rustfmt::skip]
        let rows = [
            ("Q29udmVyc2F0aW9uOjY2NzFhMDQ=", "VPN connection drops every hour", ("u-0311", "Grace", "Lee"), 2, 1_749_553_000.0, false, 8),
            ("Q29udmVyc2F0aW9uOjY2NzFhMDE=", "연차 신청 방법 문의", ("고객-42", "민지", "김"), 0, 1_749_551_400.0, false, 230),
            ("Q29udmVyc2F0aW9uOjY2NzFhMDY=", "신규 입사자 노트북 신청", ("u-1502", "서연", "이"), 2, 1_749_549_500.0, false, 12),
            ("Q29udmVyc2F0aW9uOjY2NzFhMDM=", "経費精算の締め日について", ("u-2040", "葵", "佐藤"), 2, 1_749_548_000.0, false, 6),
            ("Q29udmVyc2F0aW9uOjY2NzFhMDI=", "Contract renewal summary", ("u-1187", "Daniel", "Park"), 1, 1_749_540_000.0, true, 4),
            ("Q29udmVyc2F0aW9uOjY2NzFhMDU=", "Onboarding checklist for new hires", ("u-0977", "Tom", "Becker"), 0, 1_749_520_000.0, true, 2),
        ];
        let conversations = rows
            .into_iter()
            .map(|(id, title, (user_id, first, last), app, last_chat, ended, n)| {
                let app = &apps[app];
                let created: f64 = last_chat - 3600.0;
                Conversation {
                    info: json!({
                        "id": id, "title": title, "createdAt": created, "lastChatTime": last_chat,
                        "user": { "userId": user_id, "firstName": first, "lastName": last },
                        "isEnd": ended, "categories": ["general"], "memo": null,
                        "llmApp": { "id": app["id"], "name": app["name"] },
                        "variables": { "department": "Engineering" },
                    }),
                    chats: (0..n).map(|i| chat(id, i, created + 30.0 * i as f64, title)).collect(),
                }
            })
            .collect();
        Data {
            apps,
            conversations,
        }
    }

    /// A page of the conversation list: `items` rendered with their 2 latest chats.
    fn page(items: &[&Conversation], cursor: Option<&str>) -> Value {
        let items: Vec<Value> = items.iter().map(|c| c.render(2)).collect();
        json!({ "conversations": items, "cursor": cursor })
    }

    fn conversation_rules(&self, mock: &MockAlli, serve_only: bool) {
        let all: Vec<&Conversation> = self.conversations.iter().collect();
        let active: Vec<&Conversation> = all
            .iter()
            .copied()
            .filter(|c| c.info["isEnd"] == false)
            .collect();
        // One page of active conversations, in the default order made explicit.
        let first_page = mock
            .on("GET", CONVERSATIONS)
            .query("pageSize", &2)
            .query("activeOnly", &true)
            .query("order", &"LAST_CHAT_TIME_DESC")
            .returns(Self::page(&active[..2], Some("cur_2")));
        counted(first_page, serve_only, 1);
        // Every conversation, two a page, following the cursor.
        for (start, cursor) in [(0, None), (2, Some("cur_2")), (4, Some("cur_4"))] {
            let next = format!("cur_{}", start + 2);
            let next = (start + 2 < all.len()).then_some(next.as_str());
            let rule = mock.on("GET", CONVERSATIONS).query("pageSize", &2);
            let rule = match cursor {
                Some(c) => rule.query("cursor", &c),
                None => rule.query_absent("cursor").query_absent("activeOnly"),
            };
            counted(
                rule.returns(Self::page(&all[start..start + 2], next)),
                serve_only,
                1,
            );
        }
        // One conversation: asked with a 1 ms timeout (too slow), then twice with identity
        // headers.
        let one = mock
            .on("GET", CONVERSATIONS)
            .query("pageSize", &1)
            .returns(Self::page(&all[..1], Some("cur_1")))
            .delay(std::time::Duration::from_millis(20));
        // (The 1 ms attempt may give up before its request is even sent.)
        if serve_only {
            one.any_times()
        } else {
            one.at_least(2)
        };

        // The busiest conversation: its chats, 100 a page (the first page without `pageNo`).
        let busiest = &self.conversations[1];
        let id = busiest.id();
        let total = busiest.chats.len();
        for page in 1..=total.div_ceil(100) {
            let chats = &busiest.chats[100 * (page - 1)..total.min(100 * page)];
            let rule = mock.on("GET", CHATS).path_param("conversation_id", &id);
            let rule = if page == 1 {
                rule.query_absent("pageNo")
            } else {
                rule.query("pageNo", &page)
            };
            let answer = json!({ "chats": chats, "pageNo": page, "totalCount": total });
            counted(rule.returns(answer), serve_only, 2);
        }
        let get = mock
            .on("GET", CONVERSATION)
            .path_param("conversation_id", &id)
            .returns(busiest.render(20));
        counted(get, serve_only, 1);
        let title = busiest.info["title"].as_str().unwrap_or_default();
        let mut reviewed = busiest.render(20);
        reviewed["title"] = json!(format!("{title} (reviewed)"));
        let update = mock
            .on("PATCH", CONVERSATION)
            .path_param("conversation_id", &id)
            .body(json!({ "title": format!("{title} (reviewed)"), "assignee": null }))
            .returns(reviewed);
        counted(update, serve_only, 1);
        let restore = mock
            .on("PUT", "/webapi/v2/conversations/{conversation_id}/title")
            .path_param("conversation_id", &id)
            .body(json!({ "title": title }))
            .returns(busiest.render(20));
        counted(restore, serve_only, 1);

        // The background run: running twice, then done, then its chats.
        let state = mock
            .on("GET", "/webapi/v2/conversations/{conversation_id}/running")
            .path_param("conversation_id", &BACKGROUND_CONVERSATION)
            .returns(json!({ "isRunning": true }))
            .then_returns(json!({ "isRunning": true }))
            .then_returns(json!({ "isRunning": false }));
        counted(state, serve_only, 3);
        let question = "How many days of annual leave do I get in my first year?";
        let answer = "3 tickets are open: VPN drops (high), laptop request (medium), printer on \
                      7F (low).";
        let mut reply = chat(BACKGROUND_CONVERSATION, 1, 1_749_560_030.0, question);
        reply["message"] = json!(answer);
        let chats = json!({
            "chats": [chat(BACKGROUND_CONVERSATION, 0, 1_749_560_000.0, question), reply],
            "pageNo": 1, "totalCount": 2,
        });
        let background_chats = mock
            .on("GET", CHATS)
            .path_param("conversation_id", &BACKGROUND_CONVERSATION)
            .returns(chats);
        counted(background_chats, serve_only, 1);
    }

    fn app_rules(&self, mock: &MockAlli, serve_only: bool) {
        let apps = &self.apps;
        let first = mock
            .on("GET", "/webapi/v2/apps")
            .query("pageSize", &2)
            .query_absent("cursor")
            .returns(json!({ "apps": apps[..2], "cursor": "cur_2" }));
        counted(first, serve_only, 1);
        let second = mock
            .on("GET", "/webapi/v2/apps")
            .query("pageSize", &2)
            .query("cursor", &"cur_2")
            .returns(json!({ "apps": apps[2..], "cursor": null }));
        counted(second, serve_only, 1);
        let one = mock
            .on("GET", "/webapi/v2/apps")
            .query("pageSize", &1)
            .returns(json!({ "apps": apps[..1], "cursor": "cur_1" }));
        counted(one, serve_only, 1);
        // A GET failing with 503 every other time, to show retries and `Retry-After`.
        let busy = json!({ "detail": "upstream model server is busy" });
        let get = mock
            .on("GET", "/webapi/v2/apps/{app_id}")
            .path_param("app_id", &HR_APP)
            .fails(503, &busy)
            .response_header("retry-after-ms", "50")
            .then_returns(&apps[0])
            .then_fails(503, &busy)
            .response_header("retry-after-ms", "50");
        counted(get, serve_only, 3);

        let run = "/webapi/apps/{app_id}/run";
        let result = |responses: Value, conversation: &str, state: &str| {
            let app = &apps[0];
            json!({ "result": {
                "id": app["id"], "name": app["name"], "type": app["type"],
                "category": app["category"], "responses": responses,
                "conversation": { "id": conversation, "state": state },
            } })
        };
        let citation = json!([{
            "clueId": "clue-7", "source": "DOCUMENT", "title": "Employee Handbook 2025.pdf",
            "pageNo": 12,
        }]);
        let response = |message: &str, completed: bool| {
            json!([{ "id": "resp-1", "type": "llm", "sender": "BOT", "message": message,
                     "completed": completed,
                     "citations": if completed { citation.clone() } else { json!([]) },
                     "createdAt": "2025-06-10T09:30:00Z" }])
        };
        let conversation = self.conversations[1].id();
        let sync = mock
            .on("POST", run)
            .path_param("app_id", &HR_APP)
            .body_field_absent("mode")
            .returns(result(response(APP_ANSWER, true), conversation, "in"));
        counted(sync, serve_only, 1);
        // Streamed: two intermediate steps, the answer growing six words at a time, the end.
        let steps = ["Searching the knowledge base", "Reasoning"].map(|step| {
            let step = json!([{ "id": "resp-1", "type": "llm", "intermediateStep":
                { "key": step, "statusMessage": step, "completed": false } }]);
            result(step, conversation, "in")
        });
        let words: Vec<&str> = APP_ANSWER.split_inclusive(' ').collect();
        let partial = words.chunks(6).scan(String::new(), |text, chunk| {
            text.push_str(&chunk.concat());
            Some(result(response(text, false), conversation, "in"))
        });
        let done = result(response(APP_ANSWER, true), conversation, "in");
        let events: Vec<Value> = steps.into_iter().chain(partial).chain([done]).collect();
        let streamed = mock
            .on("POST", run)
            .path_param("app_id", &HR_APP)
            .body_field("mode", "stream")
            .streams(events)
            .event_interval(std::time::Duration::from_millis(40));
        counted(streamed, serve_only, 1);
        let background = mock
            .on("POST", run)
            .path_param("app_id", &HR_APP)
            .body_field("mode", "background")
            .returns(result(json!([]), BACKGROUND_CONVERSATION, "running"));
        counted(background, serve_only, 1);

        // A generative answer, streamed as Server-Sent Events.
        let event = |text: &str, done: bool| {
            let mut event = json!({
                "answer": {
                    "blocks": [{ "key": "a1", "type": "unstyled", "text": text }], "entityMap": {},
                },
                "answerHash": "9f2c41d0", "threadId": "36e7bb2b-1063-47ec-9d1e-5b3f0c2a7e11",
                "confidence": 0.87, "documentName": "IT Security Policy.pdf", "pageNo": 4,
            });
            if done {
                event["citations"] = json!([
                    { "index": 1, "clueId": "clue-2", "source": "DOCUMENT",
                      "title": "IT Security Policy.pdf", "pageNo": 4 },
                    { "index": 2, "clueId": "clue-5", "source": "FAQ",
                      "title": "VPN connection drops" },
                ]);
            }
            event
        };
        let words: Vec<&str> = VPN_ANSWER.split_inclusive(' ').collect();
        let mut so_far = String::new();
        let mut events = Vec::new();
        for (i, part) in words.chunks(5).enumerate() {
            so_far.push_str(&part.concat());
            events.push(event(&so_far, (i + 1) * 5 >= words.len()));
        }
        let answer = mock
            .on("POST", "/webapi/generative_answer")
            .body_field("mode", "stream")
            .body_field("includeCitations", true)
            .streams(events)
            .event_interval(std::time::Duration::from_millis(40));
        counted(answer, serve_only, 1);
    }

    fn error_rules(&self, mock: &MockAlli, serve_only: bool) {
        let missing = mock
            .on("GET", CONVERSATION)
            .path_param("conversation_id", &MISSING_CONVERSATION)
            .fails(404, json!({ "detail": "Conversation not found" }));
        counted(missing, serve_only, 1);
        // The documented 400 body of generative answers.
        let empty = mock
            .on("POST", "/webapi/generative_answer")
            .body_field("query", "")
            .fails(400, json!({ "errors": "query must not be empty" }));
        counted(empty, serve_only, 1);
        // A legacy endpoint reporting a failure in an HTTP 200 envelope.
        let daily = mock
            .on("GET", "/webapi/conversation_daily_count")
            .body_field("startDate", "2025-13-45")
            .returns(json!({
                "result": {},
                "errors": { "message": "startDate must be a date in YYYY-MM-DD format" },
            }));
        counted(daily, serve_only, 1);
    }
}

/// Chat `i` of a conversation: the user asks (even `i`), the bot answers (odd `i`).
fn chat(conversation: &str, i: usize, timestamp: f64, topic: &str) -> Value {
    let (sender, message) = match i {
        0 => ("USER", topic.to_owned()),
        1 => ("BOT", format!("Here is what I found about \"{topic}\".")),
        _ if i % 2 == 0 => ("USER", format!("Follow-up question #{}", i / 2)),
        _ => ("BOT", format!("Answer to follow-up #{}", i / 2)),
    };
    json!({
        "id": format!("{}-chat-{i:03}", &conversation[conversation.len().saturating_sub(8)..]),
        "sender": sender, "message": message, "timestamp": timestamp,
        "citations": null, "rating": null, "agentRating": null,
    })
}
