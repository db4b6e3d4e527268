//! A hand-written sample of what the generator emits for `alli_api::mock`, for three
//! representative operations: `conversations().get(conversation_id)` (a path parameter),
//! `conversations().list()` (cursor-paginated, query filters) and `apps().run(app_id)` (a JSON
//! body with a streaming `mode`). `alli-api/RUNTIME_CONTRACT.md` (section "Mock") specifies it
//! item by item; the wire tests (`tests/wire/mock.rs`) drive it.
//!
//! Generated inside `alli-api` (behind `#[cfg(feature = "mock")]`), the items differ only in
//! paths (`crate::` for `alli_api::`), in `MockAlli::start()` / `MockAlli::configure()` being
//! inherent functions instead of [`start`] / [`configure`], and in `conversations()` / `apps()`
//! being inherent methods of `MockAlli` instead of the [`MockApi`] extension trait (an
//! inherent impl is only possible inside `alli-api`).

use alli_api::mock::{Expectation, MockAlli, MockBuilder, Operation, StreamSelector};

/// The OpenAPI document the mock serves (generated code embeds the crate's own copy).
pub const OPENAPI: &str = include_str!("../../spec/openapi.json");

/// One descriptor per operation: names, wire facts, JSON pointers of the schemas.
pub mod operations {
    use super::{Operation, StreamSelector};

    /// `conversations.get`: `GET /webapi/v2/conversations/{conversation_id}`.
    pub static CONVERSATIONS_GET: Operation = Operation {
        id: "conversations.get",
        method: "GET",
        path: "/webapi/v2/conversations/{conversation_id}",
        request_body: None,
        success_status: 200,
        success_media_type: Some("application/json"),
        success_schema: Some(
            "/paths/~1webapi~1v2~1conversations~1{conversation_id}/get/responses/200/content/application~1json/schema",
        ),
        error_statuses: &[],
        stream: None,
    };

    /// `conversations.list`: `GET /webapi/v2/conversations`.
    pub static CONVERSATIONS_LIST: Operation = Operation {
        id: "conversations.list",
        method: "GET",
        path: "/webapi/v2/conversations",
        request_body: None,
        success_status: 200,
        success_media_type: Some("application/json"),
        success_schema: Some(
            "/paths/~1webapi~1v2~1conversations/get/responses/200/content/application~1json/schema",
        ),
        error_statuses: &[],
        stream: None,
    };

    /// `apps.run`: `POST /webapi/apps/{app_id}/run`.
    pub static APPS_RUN: Operation = Operation {
        id: "apps.run",
        method: "POST",
        path: "/webapi/apps/{app_id}/run",
        request_body: Some(
            "/paths/~1webapi~1apps~1{app_id}~1run/post/requestBody/content/application~1json/schema",
        ),
        success_status: 200,
        success_media_type: Some("application/json"),
        success_schema: Some(
            "/paths/~1webapi~1apps~1{app_id}~1run/post/responses/200/content/application~1json/schema",
        ),
        error_statuses: &[400, 401, 429, 500],
        stream: Some(StreamSelector {
            body_field: "mode",
            value: "stream",
        }),
    };

    /// Every descriptor, for [`MockBuilder::operations`](alli_api::mock::MockBuilder::operations).
    pub static ALL: [&Operation; 3] = [&CONVERSATIONS_GET, &CONVERSATIONS_LIST, &APPS_RUN];
}

/// A mock configured with the document and the descriptors (generated: `MockAlli::configure()`).
pub fn configure() -> MockBuilder {
    MockAlli::builder(OPENAPI).operations(operations::ALL)
}

/// Starts a mock with the defaults (generated: `MockAlli::start()`).
///
/// # Panics
///
/// If the mock cannot start (no local port can be bound).
pub async fn start() -> MockAlli {
    match configure().start().await {
        Ok(mock) => mock,
        Err(e) => panic!("{e}"),
    }
}

/// The resource handles (generated: inherent methods of `MockAlli`).
pub trait MockApi {
    /// Rules for the `conversations` operations.
    fn conversations(&self) -> Conversations<'_>;
    /// Rules for the `apps` operations.
    fn apps(&self) -> Apps<'_>;
}

impl MockApi for MockAlli {
    fn conversations(&self) -> Conversations<'_> {
        Conversations { mock: self }
    }

    fn apps(&self) -> Apps<'_> {
        Apps { mock: self }
    }
}

/// Rules for the `conversations` operations: one method per operation, named like the
/// client's, taking the same required arguments (which become matchers).
#[derive(Debug, Clone, Copy)]
pub struct Conversations<'a> {
    mock: &'a MockAlli,
}

impl Conversations<'_> {
    /// A rule for `conversations.get` of `conversation_id`.
    #[track_caller]
    pub fn get(&self, conversation_id: impl Into<String>) -> conversations::Get {
        let conversation_id: String = conversation_id.into();
        conversations::Get {
            rule: self
                .mock
                .expectation(&operations::CONVERSATIONS_GET)
                .path_param("conversation_id", &conversation_id),
        }
    }

    /// A rule for `conversations.list`.
    #[track_caller]
    pub fn list(&self) -> conversations::List {
        conversations::List {
            rule: self.mock.expectation(&operations::CONVERSATIONS_LIST),
        }
    }
}

/// Rules for the `apps` operations.
#[derive(Debug, Clone, Copy)]
pub struct Apps<'a> {
    mock: &'a MockAlli,
}

impl Apps<'_> {
    /// A rule for `apps.run` of `app_id`.
    #[track_caller]
    pub fn run(&self, app_id: impl Into<String>) -> apps::Run {
        let app_id: String = app_id.into();
        apps::Run {
            rule: self
                .mock
                .expectation(&operations::APPS_RUN)
                .path_param("app_id", &app_id),
        }
    }
}

/// Typed rules of the `conversations` operations.
pub mod conversations {
    use super::Expectation;
    use alli_api::types::{Conversation, ConversationsResponse, ListOrder};

    /// A rule for `conversations.get`: matchers named like the client builder's setters.
    #[derive(Debug, Clone)]
    pub struct Get {
        pub(super) rule: Expectation,
    }

    impl Get {
        alli_api::__mock_rule!(success = Conversation, error = alli_api::serde_json::Value);

        /// Matches query parameter `variables`.
        pub fn variables(mut self, value: impl IntoIterator<Item = impl Into<String>>) -> Self {
            let value: Vec<String> = value.into_iter().map(Into::into).collect();
            self.rule = self.rule.query("variables", &value);
            self
        }

        /// Matches header `AGENT-EMAIL`.
        pub fn agent_email(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.header("AGENT-EMAIL", &value.into());
            self
        }

        /// Matches header `USER-EMAIL`.
        pub fn user_email(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.header("USER-EMAIL", &value.into());
            self
        }

        /// Matches header `OWN-USER-ID` (a non-ASCII id as the client sends it, `base64:..`).
        pub fn own_user_id(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.header("OWN-USER-ID", &value.into());
            self
        }
    }

    /// A rule for `conversations.list`.
    #[derive(Debug, Clone)]
    pub struct List {
        pub(super) rule: Expectation,
    }

    impl List {
        alli_api::__mock_rule!(
            success = ConversationsResponse,
            error = alli_api::serde_json::Value
        );

        /// Matches query parameter `userIds`.
        pub fn user_ids(
            mut self,
            value: impl IntoIterator<Item = impl Into<alli_api::serde_json::Value>>,
        ) -> Self {
            let value: Vec<alli_api::serde_json::Value> =
                value.into_iter().map(Into::into).collect();
            self.rule = self.rule.query("userIds", &value);
            self
        }

        /// Matches query parameter `llmAppId`.
        pub fn llm_app_id(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.query("llmAppId", &value.into());
            self
        }

        /// Matches query parameter `categoryId`.
        pub fn category_id(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.query("categoryId", &value.into());
            self
        }

        /// Matches query parameter `startedAt`.
        pub fn started_at(mut self, value: f64) -> Self {
            self.rule = self.rule.query("startedAt", &value);
            self
        }

        /// Matches query parameter `endAt`.
        pub fn end_at(mut self, value: f64) -> Self {
            self.rule = self.rule.query("endAt", &value);
            self
        }

        /// Matches query parameter `firstChatStartedAt`.
        pub fn first_chat_started_at(mut self, value: f64) -> Self {
            self.rule = self.rule.query("firstChatStartedAt", &value);
            self
        }

        /// Matches query parameter `firstChatEndAt`.
        pub fn first_chat_end_at(mut self, value: f64) -> Self {
            self.rule = self.rule.query("firstChatEndAt", &value);
            self
        }

        /// Matches query parameter `searchTerm`.
        pub fn search_term(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.query("searchTerm", &value.into());
            self
        }

        /// Matches query parameter `cursor`.
        pub fn cursor(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.query("cursor", &value.into());
            self
        }

        /// Matches requests without query parameter `cursor` (the first page).
        pub fn without_cursor(mut self) -> Self {
            self.rule = self.rule.query_absent("cursor");
            self
        }

        /// Matches query parameter `variables`.
        pub fn variables(mut self, value: impl IntoIterator<Item = impl Into<String>>) -> Self {
            let value: Vec<String> = value.into_iter().map(Into::into).collect();
            self.rule = self.rule.query("variables", &value);
            self
        }

        /// Matches query parameter `pageSize`.
        pub fn page_size(mut self, value: i64) -> Self {
            self.rule = self.rule.query("pageSize", &value);
            self
        }

        /// Matches query parameter `activeOnly`.
        pub fn active_only(mut self, value: bool) -> Self {
            self.rule = self.rule.query("activeOnly", &value);
            self
        }

        /// Matches query parameter `backgroundRunning`.
        pub fn background_running(mut self, value: bool) -> Self {
            self.rule = self.rule.query("backgroundRunning", &value);
            self
        }

        /// Matches query parameter `order`.
        pub fn order(mut self, value: impl Into<ListOrder>) -> Self {
            self.rule = self.rule.query("order", &value.into());
            self
        }

        /// Matches header `OWN-USER-ID`.
        pub fn own_user_id(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.header("OWN-USER-ID", &value.into());
            self
        }
    }
}

/// Typed rules of the `apps` operations.
pub mod apps {
    use super::Expectation;
    use alli_api::types::{RunAppChat, RunAppMode, RunAppRequest, RunAppResponse};

    /// A rule for `apps.run`.
    #[derive(Debug, Clone)]
    pub struct Run {
        pub(super) rule: Expectation,
    }

    impl Run {
        alli_api::__mock_rule!(
            success = RunAppResponse,
            error = alli_api::serde_json::Value,
            stream = RunAppResponse
        );

        /// Matches requests sent with `.background()` (`mode: "background"`).
        pub fn background(mut self) -> Self {
            self.rule = self.rule.body_field("mode", RunAppMode::Background);
            self
        }

        /// Matches body field `chat`.
        pub fn chat(mut self, value: RunAppChat) -> Self {
            self.rule = self.rule.body_field("chat", value);
            self
        }

        /// Matches body field `inputs`.
        pub fn inputs(
            mut self,
            value: alli_api::serde_json::Map<String, alli_api::serde_json::Value>,
        ) -> Self {
            self.rule = self.rule.body_field("inputs", value);
            self
        }

        /// Matches body field `isStateful`.
        pub fn is_stateful(mut self, value: bool) -> Self {
            self.rule = self.rule.body_field("isStateful", value);
            self
        }

        /// Matches body field `conversationId`.
        pub fn conversation_id(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.body_field("conversationId", value.into());
            self
        }

        /// Matches body field `llmModel`.
        pub fn llm_model(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.body_field("llmModel", value.into());
            self
        }

        /// Matches body field `llmPromptId`.
        pub fn llm_prompt_id(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.body_field("llmPromptId", value.into());
            self
        }

        /// Matches body field `gaPromptGroupId`.
        pub fn ga_prompt_group_id(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.body_field("gaPromptGroupId", value.into());
            self
        }

        /// Matches body field `temperature`.
        pub fn temperature(mut self, value: f64) -> Self {
            self.rule = self.rule.body_field("temperature", value);
            self
        }

        /// Matches body field `requiredVariables`.
        pub fn required_variables(
            mut self,
            value: impl IntoIterator<Item = impl Into<String>>,
        ) -> Self {
            let value: Vec<String> = value.into_iter().map(Into::into).collect();
            self.rule = self.rule.body_field("requiredVariables", value);
            self
        }

        /// Matches the whole body.
        pub fn body(mut self, body: RunAppRequest) -> Self {
            self.rule = self.rule.body(body);
            self
        }

        /// Matches header `OWN-USER-ID`.
        pub fn own_user_id(mut self, value: impl Into<String>) -> Self {
            self.rule = self.rule.header("OWN-USER-ID", &value.into());
            self
        }
    }
}
