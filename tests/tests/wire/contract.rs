//! Contract test: every operation of `spec/openapi.json`, called through `alli-api` against
//! Prism (`prism mock spec/openapi.json`, static responses), must be accepted by Prism's request
//! validation (a 2xx without an `sl-violations` header) and its response must decode into the
//! generated types without losing a field. Prism's rejections (401 without a credential, 422 /
//! 400 with violations) must surface as API errors, which shows the validation is live.
//!
//! Which operations were called is not written by hand: the `alli_api.request` tracing span of
//! each request gives its method and path template, and the set of those must equal the set of
//! `METHOD path` of the spec (a new endpoint fails this test until it is called here; a path the
//! client sends that the spec lacks fails it too). The spans of this test's thread are captured
//! through `alli_api_tests::spans`, so tests running beside it in the binary do not count.
//!
//! Prism is at `tools/node_modules/.bin/prism` (`cargo xtask test` installs it); when it is
//! missing this test fails and says so.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::future::Future;
use std::sync::{Arc, Mutex};

use alli_api::types::{
    AccessAgent, AgentPermission, ConversationInfoRequest, ConversationStateEnum, CreateAppInput,
    CreateAppInputRequired, CreateAppMessage, CreateAppOption, CreateAppOptionRequired,
    CreateAppRequired, CreateAppSelectedLlmProcessingMethod, CreateAppSingleActionAppInput,
    CreateAppSingleActionAppInputRequired, GetGenerativeAnswerHashtags, GetGenerativeAnswerMode,
    GetGenerativeAnswerRequest, GetGenerativeAnswerSource, ListOrder, ObjectAccessType, RunAppChat,
    RunAppMode, RunAppRequest, RunAppSource, RunSkillRequired, RunSkillResponse, SendChatRequired,
    UserAnswerFeedbackSelection, UserPermission,
};
use alli_api::{Client, ErrorKind, EventStream, RawResponse};
use alli_api_tests::prism::{Prism, VIOLATIONS_HEADER, spec_path};
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const API_KEY: &str = "contract-test-key";
const CONVERSATION: &str = "conv-8f14e45f";
const CHAT: &str = "chat-c9f0f895";
const APP: &str = "app-45c48cce";

// --- which requests were sent: the `alli_api.request` spans ---------------------------------

/// One `alli_api.request` span: one request (all its attempts).
#[derive(Clone, Debug, Default)]
struct SentRequest {
    method: String,
    path: String,
    operation: String,
}

impl SentRequest {
    /// `METHOD /path/{template}`, as in the spec.
    fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Records the fields of every `alli_api.request` span.
#[derive(Clone, Default)]
struct Spans {
    sent: Arc<Mutex<Vec<SentRequest>>>,
    next_id: Arc<Mutex<u64>>,
}

impl Spans {
    fn len(&self) -> usize {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
    fn since(&self, mark: usize) -> Vec<SentRequest> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner())[mark..].to_vec()
    }
}

struct SpanFields<'a>(&'a mut SentRequest);

impl Visit for SpanFields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "method" => self.0.method = value.to_owned(),
            "path" => self.0.path = value.to_owned(),
            "operation" => self.0.operation = value.to_owned(),
            _ => {}
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}

impl Subscriber for Spans {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        if attrs.metadata().name() == "alli_api.request" {
            let mut sent = SentRequest::default();
            attrs.record(&mut SpanFields(&mut sent));
            self.sent
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(sent);
        }
        let mut next = self.next_id.lock().unwrap_or_else(|p| p.into_inner());
        *next += 1;
        Id::from_u64(*next)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

// --- the operations of the spec ---------------------------------------------------------------

/// `METHOD /path` of every operation in `spec/openapi.json`.
fn spec_operations() -> BTreeSet<String> {
    let path = spec_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let spec: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let paths = spec["paths"].as_object().expect("spec has `paths`");
    let mut operations = BTreeSet::new();
    for (path, item) in paths {
        let item = item.as_object().expect("a path item is an object");
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if item.contains_key(method) {
                operations.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    operations
}

// --- checking one call --------------------------------------------------------------------------

/// Runs the calls, collects every problem (instead of stopping at the first) and which
/// operations were sent.
struct Contract {
    spans: Spans,
    prism: Prism,
    /// `METHOD path` → operation names seen for it.
    called: BTreeMap<String, BTreeSet<String>>,
    checks: usize,
    problems: Vec<String>,
}

impl Contract {
    fn new(spans: Spans, prism: Prism) -> Self {
        Contract {
            spans,
            prism,
            called: BTreeMap::new(),
            checks: 0,
            problems: Vec::new(),
        }
    }

    /// Runs `fut`, which must send one request, and records that request (its span). Returns
    /// the result and `what` with the request's `METHOD /path/{template}`, for messages.
    async fn traced<R>(&mut self, what: &str, fut: impl Future<Output = R>) -> (R, String) {
        let mark = self.spans.len();
        let result = fut.await;
        let sent = self.spans.since(mark);
        if sent.len() != 1 {
            self.problems.push(format!(
                "{what}: expected 1 request, the client sent {}: {sent:?}",
                sent.len()
            ));
        }
        match sent.into_iter().next() {
            Some(s) => {
                let what = format!("{what} ({})", s.key());
                self.called.entry(s.key()).or_default().insert(s.operation);
                (result, what)
            }
            None => (result, what.to_owned()),
        }
    }

    /// A problem when `headers` has Prism's `sl-violations`.
    fn no_violations(&mut self, what: &str, headers: Option<&alli_api::http::HeaderMap>) {
        if let Some(v) = headers.and_then(|h| h.get(VIOLATIONS_HEADER)) {
            self.problems.push(format!(
                "{what}: Prism reported violations: {}",
                String::from_utf8_lossy(v.as_bytes())
            ));
        }
    }

    /// One operation call: `raw` (`.send_raw()`) must be a 2xx that Prism reports no violation
    /// for; `typed` (`.send()`, the same builder) must decode; and the decoded value, serialized
    /// again, must equal the body (a field the generated type lacks or mistypes shows up here).
    async fn ok<T: Serialize + DeserializeOwned + Debug>(
        &mut self,
        what: &str,
        raw: impl Future<Output = alli_api::Result<RawResponse>>,
        typed: impl Future<Output = alli_api::Result<T>>,
    ) -> Option<T> {
        self.checks += 1;
        let (raw, what) = self.traced(what, raw).await;
        let raw = match raw {
            Ok(raw) => raw,
            Err(e) => {
                self.problems
                    .push(format!("{what}: send_raw failed: {}", describe(&e)));
                return None;
            }
        };
        if !raw.status().is_success() {
            self.problems
                .push(format!("{what}: status {}", raw.status()));
        }
        self.no_violations(&what, Some(raw.headers()));
        let (typed, _) = self.traced(&what, typed).await;
        let typed = match typed {
            Ok(t) => t,
            Err(e) => {
                self.problems.push(format!(
                    "{what}: send failed: {}\nbody: {}",
                    describe(&e),
                    raw.text()
                ));
                return None;
            }
        };
        self.same_as_body(&what, &typed, raw.body());
        Some(typed)
    }

    /// An operation documented as "a 2xx answer whose `errors` field is not empty is an error",
    /// answered by Prism with a 200 whose `errors` is not empty: `raw` (`.send_raw()`) and
    /// `typed` (`.send()`) must both be the API error with status 200 the runtime makes of it;
    /// the request itself must have passed Prism's validation (no `sl-violations`) and the
    /// body must decode into `T` without losing a field.
    async fn envelope_error<T: Serialize + DeserializeOwned + Debug>(
        &mut self,
        what: &str,
        raw: impl Future<Output = alli_api::Result<RawResponse>>,
        typed: impl Future<Output = alli_api::Result<T>>,
    ) -> Option<T> {
        self.checks += 1;
        let (raw, what) = self.traced(what, raw).await;
        let (typed, _) = self.traced(&what, typed).await;
        let mut body = match raw {
            Ok(r) => {
                self.problems.push(format!(
                    "{what}: send_raw succeeded ({}), but the 200 body has a non-empty `errors` and the \
                     operation is documented as \"A 2xx answer whose `errors` field is not empty is an \
                     error\"\nbody: {}",
                    r.status(),
                    r.text()
                ));
                Some(r.body().to_vec())
            }
            Err(e) => self.envelope_api_error(&what, "send_raw", &e),
        };
        match typed {
            Ok(t) => self.problems.push(format!(
                "{what}: send succeeded, expected the envelope error: {t:?}"
            )),
            Err(e) => {
                let from_send = self.envelope_api_error(&what, "send", &e);
                body = body.or(from_send);
            }
        }
        let body = body?;
        match serde_json::from_slice::<T>(&body) {
            Ok(t) => {
                self.same_as_body(&what, &t, &body);
                Some(t)
            }
            Err(e) => {
                self.problems
                    .push(format!("{what}: the body does not decode: {e}"));
                None
            }
        }
    }

    /// Checks that `e` is the envelope error (API error, status 200, no violation); its body.
    fn envelope_api_error(
        &mut self,
        what: &str,
        how: &str,
        e: &alli_api::Error,
    ) -> Option<Vec<u8>> {
        if e.kind() != ErrorKind::Api || e.status().map(|s| s.as_u16()) != Some(200) {
            self.problems.push(format!(
                "{what}: {how}: expected an API error with status 200, got {}",
                describe(e)
            ));
            return None;
        }
        self.no_violations(what, e.headers());
        e.body_bytes().map(<[u8]>::to_vec)
    }

    fn same_as_body<T: Serialize>(&mut self, what: &str, typed: &T, body: &[u8]) {
        let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            match serde_json::from_slice(body) {
                Ok(v) => v,
                Err(e) => return self.problems.push(format!("{what}: body is not JSON: {e}")),
            }
        };
        let again = match serde_json::to_value(typed) {
            Ok(v) => v,
            Err(e) => {
                return self
                    .problems
                    .push(format!("{what}: decoded value does not serialize: {e}"));
            }
        };
        if let Some(diff) = json_diff("$", &body, &again) {
            self.problems.push(format!(
                "{what}: the decoded value differs from the body at {diff}\nbody:    {body}\ndecoded: {again}"
            ));
        }
    }

    /// `.stream()` against Prism (a plain JSON body): exactly one event, equal to `expected`
    /// (the `.send()` result of the same request in sync mode).
    async fn one_event<T: DeserializeOwned + PartialEq + Debug>(
        &mut self,
        what: &str,
        stream: impl Future<Output = alli_api::Result<EventStream<T>>>,
        expected: Option<&T>,
    ) {
        let (stream, _) = self.traced(what, stream).await;
        match stream {
            Ok(stream) => {
                let events: Vec<_> = stream.collect().await;
                let ok = events.len() == 1 && events[0].as_ref().ok() == expected;
                self.expect(ok, || {
                    format!("{what}: expected one event equal to {expected:?}, got {events:?}")
                });
            }
            Err(e) => self.expect(false, || format!("{what}: {}", describe(&e))),
        }
    }

    /// Any other check.
    fn expect(&mut self, ok: bool, problem: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.problems.push(problem());
        }
    }

    /// Fails with every problem found (and Prism's log) if there was any.
    fn finish(self) {
        if !self.problems.is_empty() {
            panic!(
                "{} of {} contract checks failed:\n\n{}\n\n--- Prism output ---\n{}",
                self.problems.len(),
                self.checks,
                self.problems.join("\n\n"),
                self.prism.output()
            );
        }
    }
}

/// What an error is, with everything that helps: kind, status, JSON path, violations, body.
fn describe(e: &alli_api::Error) -> String {
    let mut s = format!("{e} [kind {:?}", e.kind());
    if let Some(status) = e.status() {
        s += &format!(", status {status}");
    }
    if let Some(path) = e.json_path() {
        s += &format!(", at {path}");
    }
    s += "]";
    if let Some(v) = e.headers().and_then(|h| h.get(VIOLATIONS_HEADER)) {
        s += &format!("\nsl-violations: {}", String::from_utf8_lossy(v.as_bytes()));
    }
    if let Some(body) = e.body_text() {
        s += &format!("\nbody: {body}");
    }
    s
}

/// Body fields whose schema has no type (any JSON value, `Option<serde_json::Value>` in the
/// generated types): a `null` there decodes to `None`, which is not re-encoded. Prism's static
/// response for such a field is `null`. Only `answer` of `POST /webapi/generative_answer`
/// (an object for DRAFTJS, a string for MARKDOWN).
const NULL_DECODES_TO_ABSENT: [&str; 1] = ["$.answer"];

/// The first place where `a` (the body) and `b` (the decoded value re-encoded) differ (numbers
/// compared by value: `0` = `0.0`; a `null` at a [`NULL_DECODES_TO_ABSENT`] path may be absent).
fn json_diff(at: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64() != y.as_f64()).then(|| format!("{at}: {a} vs {b}"))
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{at}: {} items vs {}", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (x, y))| json_diff(&format!("{at}[{i}]"), x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(x), Some(y)) => json_diff(&format!("{at}.{k}"), x, y),
                (Some(Value::Null), None)
                    if NULL_DECODES_TO_ABSENT.contains(&format!("{at}.{k}").as_str()) =>
                {
                    None
                }
                (Some(x), None) => {
                    Some(format!("{at}.{k}: {x} in the body, missing after decoding"))
                }
                (None, Some(y)) => Some(format!("{at}.{k}: not in the body, {y} after decoding")),
                (None, None) => None,
            })
        }
        _ => (a != b).then(|| format!("{at}: {a} vs {b}")),
    }
}

/// Whether an envelope `errors` value reports errors: anything but `null`, `[]`, `{}` and `""`.
fn non_empty(errors: &Value) -> bool {
    match errors {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// The client every operation is called with: an API key, identity headers client-wide
/// (`OWN-USER-ID` non-ASCII, so it goes out as `base64:...`), no retries (one request per call).
fn client(prism: &Prism) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(prism.url())
        .own_user_id("고객-42")
        .user_email("customer@example.com")
        .agent_email("agent@example.com")
        .max_retries(0)
        .build()
        .expect("valid client configuration")
}

/// Calls `c.ok(what, op.clone().send_raw(), op.send())`: the same builder sent raw (status,
/// headers) and typed (decoding).
macro_rules! call {
    ($c:ident, $what:expr, $op:expr) => {{
        let op = $op;
        $c.ok($what, op.clone().send_raw(), op.send()).await
    }};
}

// --- the test ---------------------------------------------------------------------------------

/// Every operation of the spec, with a representative set of optional parameters and body
/// fields, is accepted by Prism and its response decodes into the generated types; and Prism's
/// rejections come back as API errors.
///
/// One test function on one thread: `alli_api_tests::spans::capture` records the spans of
/// this thread only.
#[tokio::test]
async fn every_operation_against_prism() {
    let spans = Spans::default();
    let _guard = alli_api_tests::spans::capture(spans.clone());
    let started = std::time::Instant::now();
    let prism = Prism::start();
    let client = client(&prism);
    let mut c = Contract::new(spans, prism);
    let apps = client.apps();
    let conversations = client.conversations();

    // GET /webapi/apps: `id` is a plain `type: array`, so one element is fine for Prism.
    call!(
        c,
        "apps.list_legacy",
        apps.list_legacy()
            .published("true")
            .id(["app-1"])
            .locale("ko")
            .agent_email("other-agent@example.com")
    );
    call!(
        c,
        "apps.list_legacy (3 ids)",
        apps.list_legacy()
            .id(["app-1", "app-2", "app-3"])
            .without_agent_email()
    );

    // POST /webapi/apps: every field, nulls in nullable fields; then the input itself null.
    let option = |name: &str, value: &str| {
        CreateAppOption::new(CreateAppOptionRequired {
            name: name.into(),
            value: value.into(),
        })
    };
    let input = CreateAppInput::new(CreateAppInputRequired {
        name: "language".into(),
        value: "ko".into(),
        input_type: "single".into(),
    })
    .placeholder("Choose a language")
    .options(vec![option("Korean", "ko"), option("English", "en")]);
    let document = CreateAppInput::new(CreateAppInputRequired {
        name: "document".into(),
        value: String::new(),
        input_type: "document_advanced".into(),
    })
    .placeholder_null();
    let single_action = CreateAppSingleActionAppInput::new(CreateAppSingleActionAppInputRequired {
        name: "Summarizer".into(),
        description: "Summarizes a document".into(),
        llm_model: "gpt-4o".into(),
        inputs: vec![input, document],
        messages: vec![
            CreateAppMessage::new("system", "You summarize documents."),
            CreateAppMessage::new("user", "Summarize {{document}} in {{language}}."),
        ],
    })
    .selected_llm_processing_method(CreateAppSelectedLlmProcessingMethod::MapReduce)
    .selected_map_reduce_input_variable_name_null();
    call!(
        c,
        "apps.create",
        apps.create(CreateAppRequired {
            r#type: "single_action".into(),
            name: "Summarizer".into(),
            description: "Summaries".into(),
            category: "productivity".into(),
            published: true,
            enabled: true,
            single_action_app_input: Some(single_action),
        })
        .user_id("user-1")
        .own_user_id("creator-7")
    );
    call!(
        c,
        "apps.create (single_action_app_input null)",
        apps.create(CreateAppRequired {
            r#type: "single_action".into(),
            name: "Empty".into(),
            description: "No input yet".into(),
            category: "misc".into(),
            published: false,
            enabled: true,
            single_action_app_input: None,
        })
    );

    // POST /webapi/apps/{app_id}/run: chat, inputs and every other body field.
    let chat = RunAppChat::new()
        .message("What changed in the Q3 report?")
        .source(
            RunAppSource::new()
                .knowledge_base_ids(["kb-1", "kb-2"])
                .folder_ids(["folder-1"])
                .web_sites(["https://example.com"]),
        );
    let inputs = object(
        json!({"topic": "quarterly report", "length": 3, "bullet_points": true, "tags": ["q3", "finance"]}),
    );
    // `.send()` leaves `mode` to the server (sync); `mode` itself is only set through `.body(..)`
    // (or by `.background()` / `.stream()`), so the whole body, `mode` included, goes that way.
    let run_body = |mode: RunAppMode| {
        RunAppRequest::new()
            .chat(chat.clone())
            .inputs(inputs.clone())
            .mode(mode)
            .is_stateful(true)
            .conversation_id(CONVERSATION)
            .llm_model("gpt-4o")
            .llm_prompt_id("prompt-1")
            .ga_prompt_group_id("prompt-group-1")
            .temperature(0.2)
            .required_variables(["customer_name", "plan"])
    };
    let with_mode = |mode: RunAppMode| {
        apps.run(APP)
            .body(run_body(mode))
            .user_email("someone@example.com")
    };
    call!(c, "apps.run (mode sync)", with_mode(RunAppMode::Sync));
    let op = apps
        .run(APP)
        .chat(chat.clone())
        .inputs(inputs.clone())
        .is_stateful(true)
        .conversation_id(CONVERSATION)
        .llm_model("gpt-4o")
        .llm_prompt_id("prompt-1")
        .ga_prompt_group_id("prompt-group-1")
        .temperature(0.2)
        .required_variables(["customer_name", "plan"])
        .user_email("someone@example.com");
    let sync = c
        .ok("apps.run", op.clone().send_raw(), op.clone().send())
        .await;
    c.ok(
        "apps.run (background)",
        with_mode(RunAppMode::Background).send_raw(),
        op.clone().background(),
    )
    .await;
    // `.stream()` against Prism: one JSON object, which the event stream yields as one event.
    c.one_event("apps.run (stream)", op.stream(), sync.as_ref())
        .await;

    // POST /webapi/end_conversation_by_agent
    call!(
        c,
        "apps.end_conversation_by_agent",
        apps.end_conversation_by_agent(CONVERSATION)
    );

    // POST /webapi/generative_answer: every body field.
    let hashtags = GetGenerativeAnswerHashtags::new()
        .qna_include(["billing", "refund"])
        .qna_include_option("and")
        .qna_exclude(["internal"])
        .qna_exclude_option("or")
        .docs_include(["policy"])
        .docs_include_option("or")
        .docs_exclude(["draft", "archived"])
        .docs_exclude_option("and");
    let source = GetGenerativeAnswerSource::new()
        .shared_knowledge_base_node_ids(["S25vd2xlZGdlQmFzZTox"])
        .personal_knowledge_base_node_ids(Vec::<String>::new())
        .web_sites(["https://example.com/help"]);
    // `mode` "sync" explicitly: only through `.body(..)`, with every other field too.
    let body = GetGenerativeAnswerRequest::new("How do I get a refund?")
        .model("gpt-4o")
        .answer_format("MARKDOWN")
        .is_stateful(true)
        .thread_id("36e7bb2b-1063-47ec-9b2e-6f4a3c2d1e0f")
        .prompt_group_id("prompt-group-1")
        .mode(GetGenerativeAnswerMode::Sync)
        .clue_text(true)
        .clues(true)
        .include_citations(true)
        .hashtags(hashtags.clone())
        .search_from(["웹", "질의답변", "문서"])
        .temperature(0.0)
        .source(source.clone())
        .knowledge_base_ids(["kb-1", "kb-2"])
        .folder_ids(["folder-1"]);
    call!(
        c,
        "apps.generative_answer (mode sync)",
        apps.generative_answer("How do I get a refund?").body(body)
    );
    let op = apps
        .generative_answer("How do I get a refund?")
        .model("gpt-4o")
        .answer_format("MARKDOWN")
        .is_stateful(true)
        .thread_id("36e7bb2b-1063-47ec-9b2e-6f4a3c2d1e0f")
        .prompt_group_id("prompt-group-1")
        .clue_text(true)
        .clues(true)
        .include_citations(true)
        .hashtags(hashtags)
        .search_from(["웹", "질의답변", "문서"])
        .temperature(0.0)
        .source(source)
        .knowledge_base_ids(["kb-1", "kb-2"])
        .folder_ids(["folder-1"]);
    let sync = c
        .ok(
            "apps.generative_answer",
            op.clone().send_raw(),
            op.clone().send(),
        )
        .await;
    c.one_event(
        "apps.generative_answer (stream)",
        op.stream(),
        sync.as_ref(),
    )
    .await;

    // POST /webapi/send_chat
    call!(
        c,
        "apps.send_chat",
        apps.send_chat(SendChatRequired {
            message: "Where is my order?".into(),
            conversation_id: CONVERSATION.into(),
        })
        .own_user_id("customer-42")
    );

    // POST /webapi/skill: Prism's static 200 body is `{"result": "string", "errors": ["string"]}`
    // (it fills the documented `errors` array). The operation is documented as "a 2xx answer
    // whose `errors` field is not empty is an error", so this call must be that API error.
    let op = apps
        .run_skill(RunSkillRequired {
            id: "skill-1".into(),
            text: "Extract the order number from: order #12345".into(),
        })
        .variables(object(json!({"locale": "ko", "retries": 2, "vip": false})));
    let skill = c
        .envelope_error::<RunSkillResponse>("apps.run_skill", op.clone().send_raw(), op.send())
        .await;
    if let Some(skill) = skill {
        c.expect(skill.errors.as_ref().is_some_and(non_empty), || {
            format!("apps.run_skill: {skill:?}")
        });
    }

    // POST /webapi/start_conversation
    call!(
        c,
        "apps.start_conversation",
        apps.start_conversation().placement("homepage")
    );
    call!(
        c,
        "apps.start_conversation (empty body)",
        apps.start_conversation()
    );

    // GET /webapi/v2/apps. `categories` is `anyOf: [array, null]`: Prism 5.x wrongly rejects a
    // one-element array for such a parameter, so two or more here (one element is covered by
    // the local-server tests).
    call!(
        c,
        "apps.list",
        apps.list()
            .search_term("summary")
            .categories(["sales", "support"])
            .r#type("single_action")
            .published(true)
            .page_size(100)
            .cursor("Y3Vyc29yOjUw")
    );

    // GET /webapi/v2/apps/{app_id}: a path parameter needing percent-encoding.
    call!(c, "apps.get", apps.get("app 1/é"));

    // PATCH /webapi/v2/apps/{app_id}: values and nulls; then every field null.
    let agent_permission = AgentPermission::new(true)
        .access_agents(vec![
            AccessAgent::new("agent-1", ObjectAccessType::Order1Editor),
            AccessAgent::new("agent-2", "order_2_reader"),
        ])
        .access_permission_groups_null();
    let user_permission = UserPermission::new(false)
        .own_user_ids(["user-1", "user-2"])
        .customer_groups_null();
    call!(
        c,
        "apps.update",
        apps.update(APP)
            .name("Summarizer v2")
            .description_null()
            .category("productivity")
            .published(false)
            .agent_permission(agent_permission)
            .user_permission(user_permission)
    );
    call!(
        c,
        "apps.update (all null)",
        apps.update(APP)
            .name_null()
            .description_null()
            .category_null()
            .published_null()
            .agent_permission_null()
            .user_permission_null()
    );

    // GET /webapi/conversation_daily_count: a GET with a JSON body.
    call!(
        c,
        "conversations.daily_count",
        conversations
            .daily_count()
            .start_date("2024-01-01")
            .end_date("2024-01-31")
    );

    // GET /webapi/v2/conversations: every query parameter. `userIds` and `variables` are
    // `anyOf: [array, null]`: two or more elements (Prism 5.x rejects a one-element array there).
    call!(
        c,
        "conversations.list",
        conversations
            .list()
            .user_ids(["user-1", "user-2"])
            .llm_app_id(APP)
            .category_id("category-1")
            .started_at(1_700_000_000.0)
            .end_at(1_700_086_400.5)
            .first_chat_started_at(1_690_000_000.0)
            .first_chat_end_at(1_700_086_400.0)
            .search_term("refund")
            .cursor("Y3Vyc29yOjUw")
            .variables(["customer_name", "plan"])
            .page_size(50)
            .active_only(true)
            .background_running(false)
            .order(ListOrder::FirstChatTimeAsc)
    );
    call!(
        c,
        "conversations.list (few parameters)",
        conversations
            .list()
            .page_size(1)
            .order("LAST_CHAT_TIME_DESC")
    );

    // POST /webapi/v2/conversations/bulk_update: filters with a null, info with a null.
    let info = ConversationInfoRequest::new()
        .state(ConversationStateEnum::Eb)
        .assignee_null()
        .category_ids(["category-1", "category-2"])
        .title("Refund request");
    call!(
        c,
        "conversations.bulk_update",
        conversations
            .bulk_update(info)
            .user_ids(["user-1"])
            .llm_app_ids_null()
            .category_ids(["category-1", "category-2"])
            .conversation_ids([CONVERSATION])
    );

    // GET /webapi/v2/conversations/{conversation_id} (`variables`: anyOf array/null, 2 items).
    call!(
        c,
        "conversations.get",
        conversations
            .get(CONVERSATION)
            .variables(["customer_name", "plan"])
    );

    // PATCH /webapi/v2/conversations/{conversation_id}: values and nulls.
    call!(
        c,
        "conversations.update",
        conversations
            .update(CONVERSATION)
            .state("eu")
            .assignee_null()
            .category_ids(["category-1"])
            .title_null()
    );
    call!(
        c,
        "conversations.update (other nulls)",
        conversations
            .update(CONVERSATION)
            .state_null()
            .assignee("agent@example.com")
            .category_ids_null()
            .title("Renamed")
    );

    // GET /webapi/v2/conversations/{conversation_id}/chats
    call!(
        c,
        "conversations.list_chats",
        conversations.list_chats(CONVERSATION).page_no(2)
    );

    // DELETE /webapi/v2/conversations/{conversation_id}/chats/{chat_id}
    call!(
        c,
        "conversations.delete_chat",
        conversations
            .delete_chat(CONVERSATION, CHAT)
            .without_own_user_id()
    );

    // POST /webapi/v2/conversations/{conversation_id}/chats/{chat_id}/feedback
    call!(
        c,
        "conversations.send_feedback",
        conversations
            .send_feedback(CONVERSATION, CHAT)
            .rating(false)
            .feedback_selection(vec![
                UserAnswerFeedbackSelection::NotRelevant,
                UserAnswerFeedbackSelection::Inaccurate,
            ])
            .suggested_answer_null()
    );
    call!(
        c,
        "conversations.send_feedback (other nulls)",
        conversations
            .send_feedback(CONVERSATION, CHAT)
            .rating_null()
            .feedback_selection_null()
            .suggested_answer("Open Settings > Billing.")
    );

    // GET /webapi/v2/conversations/{conversation_id}/running
    call!(c, "conversations.state", conversations.state(CONVERSATION));

    // POST /webapi/v2/conversations/{conversation_id}/stop
    call!(c, "conversations.stop", conversations.stop(CONVERSATION));

    // PUT /webapi/v2/conversations/{conversation_id}/title
    call!(
        c,
        "conversations.update_title",
        conversations.update_title(CONVERSATION, "Refund for order #12345")
    );

    rejections(&mut c, &client).await;

    // Coverage: the requests sent (from their spans) against the operations of the spec.
    let spec = spec_operations();
    let called: BTreeSet<String> = c.called.keys().cloned().collect();
    let missing: Vec<&String> = spec.difference(&called).collect();
    let unknown: Vec<&String> = called.difference(&spec).collect();
    c.expect(missing.is_empty(), || {
        format!("operations of spec/openapi.json this test does not call: {missing:?}")
    });
    c.expect(unknown.is_empty(), || {
        format!("requests to paths not in spec/openapi.json: {unknown:?}")
    });
    let names = c.called.values().flatten().collect::<BTreeSet<_>>().len();
    let by_path = format!("{:?}", c.called);
    c.expect(names == spec.len(), || {
        format!(
            "{names} operation names for {} spec operations: {by_path}",
            spec.len()
        )
    });
    eprintln!(
        "contract: {} operations of spec/openapi.json, {} checks, {} requests, {:.1?}",
        spec.len(),
        c.checks,
        c.spans.len(),
        started.elapsed()
    );
    c.finish();
}

/// Prism rejects what the spec forbids, and alli-api reports it as an API error with the status
/// and the violation: so the passing calls were really validated.
async fn rejections(c: &mut Contract, client: &Client) {
    let status = |e: &alli_api::Error| e.status().map(|s| s.as_u16());

    // No credential: 401 from Prism's security check.
    match client
        .conversations()
        .list()
        .without_header("API-KEY")
        .send()
        .await
    {
        Ok(page) => c.expect(false, || format!("no API-KEY: accepted, {page:?}")),
        Err(e) => c.expect(
            e.kind() == ErrorKind::Api && status(&e) == Some(401),
            || {
                format!(
                    "no API-KEY: expected an API error 401, got {}",
                    describe(&e)
                )
            },
        ),
    }

    // The other scheme of the spec, a bearer token, is accepted.
    let bearer = Client::builder()
        .bearer_token("contract-test-token")
        .base_url(c.prism.url())
        .max_retries(0)
        .build()
        .expect("valid client configuration");
    if let Err(e) = bearer.conversations().state(CONVERSATION).send().await {
        c.expect(false, || {
            format!("bearer token: rejected: {}", describe(&e))
        });
    }

    // A query parameter over its maximum (pageSize <= 50): 422, the violation in the body.
    match client.conversations().list().page_size(999).send().await {
        Ok(page) => c.expect(false, || format!("pageSize 999: accepted, {page:?}")),
        Err(e) => {
            let body: Value =
                serde_json::from_slice(e.body_bytes().unwrap_or_default()).unwrap_or_default();
            let violations = body["validation"].to_string();
            c.expect(
                e.kind() == ErrorKind::Api
                    && status(&e) == Some(422)
                    && e.api_message().is_some_and(|m| !m.is_empty())
                    && violations.contains("pagesize must be <= 50")
                    && e.body_text().is_some_and(|t| t.contains("must be <= 50")),
                || {
                    format!(
                        "pageSize 999: expected an API error 422 naming the violation, got {}",
                        describe(&e)
                    )
                },
            );
        }
    }

    // An operation documenting a 400: Prism answers that, the violations in `sl-violations`.
    let interactive = RunAppRequest::new().mode("interactive");
    match client.apps().run(APP).body(interactive).send().await {
        Ok(run) => c.expect(false, || format!("mode \"interactive\": accepted, {run:?}")),
        Err(e) => {
            let violations = e
                .headers()
                .and_then(|h| h.get(VIOLATIONS_HEADER))
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default();
            c.expect(
                e.kind() == ErrorKind::Api
                    && status(&e) == Some(400)
                    && violations.contains("mode must be equal to one of the allowed values"),
                || format!("mode \"interactive\": expected an API error 400 with sl-violations, got {}", describe(&e)),
            );
        }
    }
}
