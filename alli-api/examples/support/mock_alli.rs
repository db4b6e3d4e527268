//! The tour's offline server: `alli_api::mock` with one rule per request the tour makes,
//! answering realistic data. The rules are the generated typed ones, as a downstream test
//! writes them: `mock.conversations().list().page_size(2).returns(page)`, matchers named and
//! typed like the client's setters, answers of the crate's own types. Every answer is checked
//! against the API's document when the rule is set, every request the tour sends is checked
//! against it when it arrives, and the tour ends by verifying that each rule was used as
//! expected.
//!
//! Every rule is typed: parameters and body fields that must be absent have `without_<name>()`
//! matchers (`without_cursor()`, `without_page_no()`, `without_mode()` for a synchronous run).

use std::time::Duration;

use alli_api::mock::{MockAlli, MockError};
use alli_api::types::{
    AgentPermissionResponse, App, AppRequired, AppsResponse, Chat, ChatRequired, ChatsResponse,
    ChatsResponseRequired, Conversation, ConversationDailyCountResponse,
    ConversationDailyCountResult, ConversationInfoRequest, ConversationRequired,
    ConversationRunningStatusResponse, ConversationsResponse, GetGenerativeAnswerCitation,
    GetGenerativeAnswerError, GetGenerativeAnswerResponse, ListOrder, LlmApp, LlmAppRequired,
    RunAppCitation, RunAppConversation, RunAppIntermediateStep, RunAppResponse, RunAppResult,
    RunAppResultResponse, SetConversationTitleRequest, User, UserPermissionResponse, UserRequired,
};
use serde_json::json;

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

/// Sets how often `rule` must be called (`times(1)`, `at_least(2)`), or any number of times
/// when only serving (the other examples may call anything). A macro because every operation
/// has its own rule type.
macro_rules! expect_calls {
    ($serve_only:expr, $rule:expr, $($count:tt)+) => {{
        let rule = $rule;
        if $serve_only {
            rule.any_times();
        } else {
            rule.$($count)+;
        }
    }};
}

/// Starts the mock and sets the tour's rules. `serve_only`: just a server for other examples
/// (no verification when it stops, every rule answering any number of times).
pub(crate) async fn start(serve_only: bool) -> Result<MockAlli, MockError> {
    let mock = MockAlli::configure()
        .verify_on_drop(!serve_only)
        .start()
        .await?;
    let data = Data::new();
    data.conversation_rules(&mock, serve_only);
    data.app_rules(&mock, serve_only);
    data.error_rules(&mock, serve_only);
    Ok(mock)
}

struct Data {
    apps: Vec<App>,
    /// With all their chats, sorted by last chat time, latest first (the API's default order).
    conversations: Vec<Conversation>,
}

/// A conversation as the API shows it: its `recent` latest chats (and the count of all).
fn render(conversation: &Conversation, recent: usize) -> Conversation {
    let mut shown = conversation.clone();
    let from = shown.chats.len().saturating_sub(recent);
    shown.chats.drain(..from);
    shown
}

fn app(id: &str, name: &str, kind: &str, category: &str, description: &str) -> App {
    let mut agents = AgentPermissionResponse::new(true);
    agents.access_agents = Some(Vec::new());
    let mut users = UserPermissionResponse::new(true);
    users.customer_groups = Some(vec!["employees".to_owned()]);
    let mut app = App::new(AppRequired {
        id: id.to_owned(),
        name: name.to_owned(),
        r#type: kind.to_owned(),
        category: category.to_owned(),
        published: true,
        agent_permission: agents,
        user_permission: users,
    });
    app.description = Some(description.to_owned());
    app
}

impl Data {
    fn new() -> Data {
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
            .map(
                |(id, title, (user_id, first, last), app_index, last_chat, ended, n)| {
                    let app = &apps[app_index];
                    let created: f64 = last_chat - 3600.0;
                    Conversation::new(ConversationRequired {
                        id: id.to_owned(),
                        title: title.to_owned(),
                        user: Some(User::new(UserRequired {
                            user_id: user_id.to_owned(),
                            first_name: first.to_owned(),
                            last_name: last.to_owned(),
                        })),
                        created_at: created,
                        last_chat_time: Some(last_chat),
                        is_end: ended,
                        categories: Some(vec!["general".to_owned()]),
                        memo: None,
                        chats: (0..n)
                            .map(|i| chat(id, i, created + 30.0 * i as f64, title))
                            .collect(),
                        chat_count: n,
                        llm_app: Some(LlmApp::new(LlmAppRequired {
                            id: app.id.clone(),
                            name: app.name.clone(),
                        })),
                        variables: Some(serde_json::Map::from_iter([(
                            "department".to_owned(),
                            json!("Engineering"),
                        )])),
                    })
                },
            )
            .collect();
        Data {
            apps,
            conversations,
        }
    }

    /// A page of the conversation list: `items` with their 2 latest chats.
    fn page(items: &[&Conversation], cursor: Option<&str>) -> ConversationsResponse {
        let items = items.iter().map(|c| render(c, 2)).collect();
        ConversationsResponse::new(items, cursor.map(str::to_owned))
    }

    fn conversation_rules(&self, mock: &MockAlli, serve_only: bool) {
        let all: Vec<&Conversation> = self.conversations.iter().collect();
        let active: Vec<&Conversation> = all.iter().copied().filter(|c| !c.is_end).collect();
        // One page of active conversations, in the default order made explicit.
        let first_page = mock
            .conversations()
            .list()
            .page_size(2)
            .active_only(true)
            .order(ListOrder::LastChatTimeDesc)
            .returns(Self::page(&active[..2], Some("cur_2")));
        expect_calls!(serve_only, first_page, times(1));
        // Every conversation, two a page, following the cursor.
        for (start, cursor) in [(0, None), (2, Some("cur_2")), (4, Some("cur_4"))] {
            let next = format!("cur_{}", start + 2);
            let next = (start + 2 < all.len()).then_some(next.as_str());
            let rule = mock.conversations().list().page_size(2);
            let answer = Self::page(&all[start..start + 2], next);
            match cursor {
                Some(cursor) => {
                    expect_calls!(serve_only, rule.cursor(cursor).returns(answer), times(1))
                }
                // The first page: no cursor, and no `activeOnly` filter either.
                None => {
                    let rule = rule.without_cursor().without_active_only().returns(answer);
                    expect_calls!(serve_only, rule, times(1));
                }
            }
        }
        // One conversation: asked with a 1 ms timeout (too slow), then twice with identity
        // headers. (The 1 ms attempt may give up before its request is even sent.)
        let one = mock
            .conversations()
            .list()
            .page_size(1)
            .returns(Self::page(&all[..1], Some("cur_1")))
            .delay(Duration::from_millis(20));
        expect_calls!(serve_only, one, at_least(2));

        // The busiest conversation: its chats, 100 a page.
        let busiest = &self.conversations[1];
        let id = busiest.id.as_str();
        for (page_no, chats) in (1..).zip(busiest.chats.chunks(100)) {
            let page = ChatsResponse::new(ChatsResponseRequired {
                chats: chats.to_vec(),
                page_no,
                total_count: busiest.chat_count,
            });
            let rule = mock.conversations().list_chats(id).returns(page);
            if page_no == 1 {
                // The first page is asked without `pageNo`.
                expect_calls!(serve_only, rule.without_page_no(), times(2));
            } else {
                expect_calls!(serve_only, rule.page_no(page_no), times(2));
            }
        }
        let get = mock.conversations().get(id).returns(render(busiest, 20));
        expect_calls!(serve_only, get, times(1));
        let title = busiest.title.as_str();
        let mut reviewed = render(busiest, 20);
        reviewed.title = format!("{title} (reviewed)");
        // The whole body, as `update(id).title(..).assignee_null()` sends it.
        let update = mock
            .conversations()
            .update(id)
            .body(
                ConversationInfoRequest::new()
                    .title(&reviewed.title)
                    .assignee_null(),
            )
            .returns(reviewed);
        expect_calls!(serve_only, update, times(1));
        let restore = mock
            .conversations()
            .update_title(id)
            .body(SetConversationTitleRequest::new(title))
            .returns(render(busiest, 20));
        expect_calls!(serve_only, restore, times(1));

        // The background run: running twice, then done, then its chats.
        let state = mock
            .conversations()
            .state(BACKGROUND_CONVERSATION)
            .returns(ConversationRunningStatusResponse::new(true))
            .then_returns(ConversationRunningStatusResponse::new(true))
            .then_returns(ConversationRunningStatusResponse::new(false));
        expect_calls!(serve_only, state, times(3));
        let question = "How many days of annual leave do I get in my first year?";
        let answer = "3 tickets are open: VPN drops (high), laptop request (medium), printer on \
                      7F (low).";
        let mut reply = chat(BACKGROUND_CONVERSATION, 1, 1_749_560_030.0, question);
        reply.message = answer.to_owned();
        let chats = ChatsResponse::new(ChatsResponseRequired {
            chats: vec![
                chat(BACKGROUND_CONVERSATION, 0, 1_749_560_000.0, question),
                reply,
            ],
            page_no: 1,
            total_count: 2,
        });
        let background_chats = mock
            .conversations()
            .list_chats(BACKGROUND_CONVERSATION)
            .returns(chats);
        expect_calls!(serve_only, background_chats, times(1));
    }

    fn app_rules(&self, mock: &MockAlli, serve_only: bool) {
        let apps = &self.apps;
        let page = |apps: &[App], cursor: Option<&str>| {
            let mut page = AppsResponse::new(apps.to_vec());
            page.cursor = cursor.map(str::to_owned);
            page
        };
        let first = mock
            .apps()
            .list()
            .page_size(2)
            .without_cursor()
            .returns(page(&apps[..2], Some("cur_2")));
        expect_calls!(serve_only, first, times(1));
        let second = mock
            .apps()
            .list()
            .page_size(2)
            .cursor("cur_2")
            .returns(page(&apps[2..], None));
        expect_calls!(serve_only, second, times(1));
        let one = mock
            .apps()
            .list()
            .page_size(1)
            .returns(page(&apps[..1], Some("cur_1")));
        expect_calls!(serve_only, one, times(1));
        // A GET failing with 503 every other time, to show retries and `Retry-After`.
        let busy = json!({ "detail": "upstream model server is busy" });
        let get = mock
            .apps()
            .get(HR_APP)
            .fails(503, busy.clone())
            .response_header("retry-after-ms", "50")
            .then_returns(apps[0].clone())
            .then_fails(503, busy)
            .response_header("retry-after-ms", "50");
        expect_calls!(serve_only, get, times(3));

        let hr = &apps[0];
        let result = |responses: Vec<RunAppResultResponse>, conversation: &str, state: &str| {
            let mut followed = RunAppConversation::new();
            followed.id = Some(conversation.to_owned());
            followed.state = Some(state.to_owned());
            let mut result = RunAppResult::new();
            result.id = Some(hr.id.clone());
            result.name = Some(hr.name.clone());
            result.r#type = Some(hr.r#type.as_str().into());
            result.category = Some(hr.category.clone());
            result.responses = Some(responses);
            result.conversation = Some(followed);
            RunAppResponse::new(result)
        };
        let mut citation = RunAppCitation::new();
        citation.clue_id = Some("clue-7".to_owned());
        citation.source = Some("DOCUMENT".to_owned());
        citation.title = Some("Employee Handbook 2025.pdf".to_owned());
        citation.page_no = Some(12);
        let bot = || {
            let mut response = RunAppResultResponse::new();
            response.id = Some("resp-1".to_owned());
            response.r#type = Some("llm".to_owned());
            response
        };
        let response = |message: &str, completed: bool| {
            let mut response = bot();
            response.sender = Some("BOT".to_owned());
            response.message = Some(message.to_owned());
            response.completed = Some(completed);
            response.citations = Some(if completed {
                vec![citation.clone()]
            } else {
                Vec::new()
            });
            response.created_at = Some("2025-06-10T09:30:00Z".to_owned());
            vec![response]
        };
        let conversation = self.conversations[1].id.as_str();
        // `.send()` sends no `mode`: streamed runs are selected by `streams`, background ones
        // by `background()`, synchronous ones by `without_mode()`.
        let sync = mock.apps().run(HR_APP).without_mode().returns(result(
            response(APP_ANSWER, true),
            conversation,
            "in",
        ));
        expect_calls!(serve_only, sync, times(1));
        // Streamed: two intermediate steps, the answer growing six words at a time, the end.
        let steps = ["Searching the knowledge base", "Reasoning"].map(|name| {
            let mut step = RunAppIntermediateStep::new();
            step.key = Some(name.to_owned());
            step.status_message = Some(name.to_owned());
            step.completed = Some(false);
            let mut response = bot();
            response.intermediate_step = Some(step);
            result(vec![response], conversation, "in")
        });
        let words: Vec<&str> = APP_ANSWER.split_inclusive(' ').collect();
        let partial = words.chunks(6).scan(String::new(), |text, chunk| {
            text.push_str(&chunk.concat());
            Some(result(response(text, false), conversation, "in"))
        });
        let done = result(response(APP_ANSWER, true), conversation, "in");
        let events: Vec<RunAppResponse> = steps.into_iter().chain(partial).chain([done]).collect();
        let streamed = mock
            .apps()
            .run(HR_APP)
            .streams(events)
            .event_interval(Duration::from_millis(40));
        expect_calls!(serve_only, streamed, times(1));
        let background = mock.apps().run(HR_APP).background().returns(result(
            Vec::new(),
            BACKGROUND_CONVERSATION,
            "running",
        ));
        expect_calls!(serve_only, background, times(1));

        // A generative answer, streamed as Server-Sent Events.
        let cited = |index: i64, clue: &str, source: &str, title: &str, page: Option<i64>| {
            let mut citation = GetGenerativeAnswerCitation::new();
            citation.index = Some(index);
            citation.clue_id = Some(clue.to_owned());
            citation.source = Some(source.to_owned());
            citation.title = Some(title.to_owned());
            citation.page_no = page;
            citation
        };
        let event = |text: &str, done: bool| {
            let mut event = GetGenerativeAnswerResponse::new();
            // The answer's Draft.js blocks (free-form JSON in the API's document).
            event.answer = Some(json!({
                "blocks": [{ "key": "a1", "type": "unstyled", "text": text }], "entityMap": {},
            }));
            event.answer_hash = Some("9f2c41d0".to_owned());
            event.thread_id = Some("36e7bb2b-1063-47ec-9d1e-5b3f0c2a7e11".to_owned());
            event.confidence = Some(0.87);
            event.document_name = Some("IT Security Policy.pdf".to_owned());
            event.page_no = Some(4);
            if done {
                event.citations = Some(vec![
                    cited(1, "clue-2", "DOCUMENT", "IT Security Policy.pdf", Some(4)),
                    cited(2, "clue-5", "FAQ", "VPN connection drops", None),
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
            .apps()
            .generative_answer()
            .include_citations(true)
            .streams(events)
            .event_interval(Duration::from_millis(40));
        expect_calls!(serve_only, answer, times(1));
    }

    fn error_rules(&self, mock: &MockAlli, serve_only: bool) {
        let missing = mock
            .conversations()
            .get(MISSING_CONVERSATION)
            .fails(404, json!({ "detail": "Conversation not found" }));
        expect_calls!(serve_only, missing, times(1));
        // The documented 400 body of generative answers, typed.
        let mut empty_query = GetGenerativeAnswerError::new();
        empty_query.errors = Some("query must not be empty".to_owned());
        let empty = mock
            .apps()
            .generative_answer()
            .query("")
            .fails(400, empty_query);
        expect_calls!(serve_only, empty, times(1));
        // A legacy endpoint reporting a failure in an HTTP 200 envelope.
        let mut invalid_date = ConversationDailyCountResponse::new();
        invalid_date.result = Some(ConversationDailyCountResult::new());
        invalid_date.errors =
            Some(json!({ "message": "startDate must be a date in YYYY-MM-DD format" }));
        let daily = mock
            .conversations()
            .daily_count()
            .start_date("2025-13-45")
            .returns(invalid_date);
        expect_calls!(serve_only, daily, times(1));
    }
}

/// Chat `i` of a conversation: the user asks (even `i`), the bot answers (odd `i`).
fn chat(conversation: &str, i: i64, timestamp: f64, topic: &str) -> Chat {
    let (sender, message) = match i {
        0 => ("USER", topic.to_owned()),
        1 => ("BOT", format!("Here is what I found about \"{topic}\".")),
        _ if i % 2 == 0 => ("USER", format!("Follow-up question #{}", i / 2)),
        _ => ("BOT", format!("Answer to follow-up #{}", i / 2)),
    };
    Chat::new(ChatRequired {
        id: format!(
            "{}-chat-{i:03}",
            &conversation[conversation.len().saturating_sub(8)..]
        ),
        sender: sender.to_owned(),
        message,
        timestamp,
        citations: None,
        rating: None,
        agent_rating: None,
    })
}
