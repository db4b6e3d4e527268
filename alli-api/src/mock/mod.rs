//! A mock Alli server for testing code that calls `alli-api`, without an account and without
//! the network (cargo feature `mock`, off by default).
//!
//! ```toml
//! [dev-dependencies]
//! alli-api = { path = "../alli-api", features = ["mock"] }
//! ```
//!
//! [`MockAlli`] is a real HTTP server on `127.0.0.1` serving the Alli OpenAPI document:
//!
//! - **Rules** ([`Expectation`]) say which requests of an operation they match (path, query,
//!   header and body-field matchers, or any predicate), what they answer (typed success values
//!   and documented error bodies, checked against the document; sequences; `Retry-After`;
//!   delays; connection resets and truncated bodies; streams of events), and how often they
//!   must be called (`times`, `at_least`, `at_most`, `never`; at least once by default).
//! - **Unmatched requests fail the test**: the client gets status 418 with header
//!   `x-alli-mock: unmatched` and a message naming the closest rule and how the request
//!   differs from it (so the test sees it at the call site), and verification reports it.
//! - **Requests the real API would reject are rejected** against the operation's documented
//!   schema: a missing required field, a wrong type, a value outside an enum or its bounds, a
//!   missing required parameter, missing credentials. The answer is the API's 422 (401 for
//!   credentials) with a FastAPI-style `detail` list, header `x-alli-mock: invalid-request`, and
//!   verification reports it (unless [`MockBuilder::allow_invalid_requests`]).
//! - **Auto-respond**: an operation with no rule is answered from its documented success
//!   schema (the documented example, else a minimal valid instance), so the mock serves the
//!   whole API; [`MockBuilder::auto_respond`] turns it off.
//! - **Verification** when the mock is dropped (not while the thread is already panicking), or
//!   explicitly with [`MockAlli::verify`] / [`MockAlli::check`]: every unmatched, invalid or
//!   forbidden request, every rule called too few or too many times, every misconfigured rule.
//!
//! # Why a real socket
//!
//! The mock listens on a local TCP port and speaks HTTP/1.1 through hyper 1 (with
//! hyper-util's tokio glue), the HTTP implementation reqwest itself is built on, rather than
//! a hand-written parser or an in-process service. A test therefore exercises the client's
//! real wire path: URL and query encoding, headers and credentials, retries and their
//! backoff, timeouts, connection resets and truncated bodies (which only exist on a real
//! connection), and incremental parsing of streamed events. The cost, measured on a 2-core
//! machine: a request through the client and the mock (request validation included) takes
//! about 0.2 ms in a release build and 1.2 ms in a debug build; starting a mock (parsing the
//! document, compiling its schemas) about 16 ms and 75 ms.
//!
//! # Typed rules
//!
//! The typed layer is generated from the API description next to the client
//! (`src/generated/mock.rs`, re-exported here): [`MockAlli::start`] and
//! [`MockAlli::configure`] with the API's own document ([`OPENAPI`]) and operation
//! descriptors ([`operations`]); one handle per resource (`mock.conversations()`) with one
//! method per operation, named like the client's and taking its path parameters; one rule type
//! per operation, named like the client's builder ([`conversations::GetConversation`]), whose
//! matchers are named and typed like the builder's setters and whose answers are the crate's
//! own types.
//!
//! ```no_run
//! # async fn demo(conversation: alli_api::types::Conversation) -> alli_api::Result<()> {
//! use alli_api::mock::MockAlli;
//! use serde_json::json;
//!
//! let mock = MockAlli::start().await;
//! let get = mock
//!     .conversations()
//!     .get("c1")
//!     .fails(429, json!({ "detail": "slow down" }))
//!     .retry_after(1)
//!     .then_returns(conversation)
//!     .times(2);
//! let client = mock.client();
//! let conversation = client.conversations().get("c1").send().await?;
//! assert_eq!(get.calls(), 2);
//! # let _ = conversation; Ok(()) }
//! ```
//!
//! This module is the engine the typed layer calls. It is also the escape hatch for what no
//! typed matcher says: a typed rule's `untyped()` is its [`Expectation`], with
//! [`query_absent`](Expectation::query_absent), [`body_field_where`](Expectation::body_field_where)
//! and the other engine matchers; [`MockAlli::on`] makes an untyped rule by method and path
//! template.
#![warn(missing_docs)]

mod document;
mod expect;
mod macros;
mod received;
mod server;
mod state;
mod synth;

use std::fmt;
use std::net::SocketAddr;
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

/// The generated typed layer: `MockAlli::start()` / `configure()`, one handle per resource
/// (`mock.conversations()`), one rule type per operation (`conversations::GetConversation`)
/// and the operations' descriptors (`operations::CONVERSATIONS_GET`).
pub use crate::generated::mock::*;
pub use expect::{Expectation, Fault, Reply};
pub use received::ReceivedRequest;

use crate::{Client, ClientBuilder};
use state::{Config, Shared};

/// The API key of the client [`MockAlli::client`] builds.
pub const MOCK_API_KEY: &str = "alli-mock-api-key";

/// An operation as generated code describes it to the mock: names, wire facts and where its
/// schemas are in the OpenAPI document. The generator emits one `static` per operation; the
/// mock checks each against the document when it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The operation's name in the client, e.g. `"conversations.get"` (as in errors and
    /// tracing).
    pub id: &'static str,
    /// The HTTP method, upper case: `"GET"`.
    pub method: &'static str,
    /// The path template: `"/webapi/v2/conversations/{conversation_id}"`.
    pub path: &'static str,
    /// JSON pointer of the request body's schema in the document, if the operation has a body.
    pub request_body: Option<&'static str>,
    /// The documented success status.
    pub success_status: u16,
    /// The documented success media type (`None`: no body).
    pub success_media_type: Option<&'static str>,
    /// JSON pointer of the success body's schema.
    pub success_schema: Option<&'static str>,
    /// The documented error statuses.
    pub error_statuses: &'static [u16],
    /// How a request asks for a stream of events, for streaming operations.
    pub stream: Option<StreamSelector>,
}

/// The body field and value that make a request ask for a stream of events
/// (`mode: "stream"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamSelector {
    /// The body field (wire name): `"mode"`.
    pub body_field: &'static str,
    /// Its value asking for a stream: `"stream"`.
    pub value: &'static str,
}

/// The mock could not start: the OpenAPI document does not parse, an operation descriptor
/// disagrees with it, or no local port could be bound.
#[derive(Debug, Clone)]
pub struct MockError {
    message: String,
}

impl MockError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        MockError {
            message: message.into(),
        }
    }
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "alli_api::mock: {}", self.message)
    }
}

impl std::error::Error for MockError {}

/// What verification found: one line per problem, and the requests received.
#[derive(Debug, Clone)]
pub struct MockFailures {
    problems: Vec<String>,
    log: String,
}

impl MockFailures {
    /// One description per problem.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Display for MockFailures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(
            f,
            "alli_api::mock: {n} problem{} found:",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, p) in self.problems.iter().enumerate() {
            writeln!(f, "{}. {p}", i + 1)?;
        }
        if self.log.is_empty() {
            write!(f, "requests received: none")
        } else {
            write!(f, "requests received:\n{}", self.log.trim_end())
        }
    }
}

impl std::error::Error for MockFailures {}

/// Configures a [`MockAlli`] before it starts.
#[derive(Debug, Clone)]
pub struct MockBuilder {
    openapi: String,
    operations: Vec<&'static Operation>,
    auto_respond: bool,
    allow_invalid: bool,
    verify_on_drop: bool,
    addr: SocketAddr,
}

impl MockBuilder {
    /// Operation descriptors (generated code passes all of its own): they name the operations
    /// (`conversations.get`) and tell how streams are requested. Operations of the document
    /// without a descriptor are served too, named by their `operationId`.
    pub fn operations(mut self, operations: impl IntoIterator<Item = &'static Operation>) -> Self {
        self.operations.extend(operations);
        self
    }

    /// Whether an operation with no rule is answered from its documented schema (default
    /// `true`); when `false`, such requests are unmatched.
    pub fn auto_respond(mut self, on: bool) -> Self {
        self.auto_respond = on;
        self
    }

    /// Requests the API would reject are still answered with 422 (or 401), but are not
    /// failures at verification (default: they are). For tests of error handling, and for
    /// fuzzing the mock.
    pub fn allow_invalid_requests(mut self, allow: bool) -> Self {
        self.allow_invalid = allow;
        self
    }

    /// Whether dropping the mock verifies it and panics on failures (default `true`).
    pub fn verify_on_drop(mut self, on: bool) -> Self {
        self.verify_on_drop = on;
        self
    }

    /// The local address to listen on (default `127.0.0.1:0`, any free port).
    pub fn listen_on(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Parses the document, checks the operation descriptors against it, and starts serving.
    /// Needs a Tokio runtime with I/O and time enabled.
    pub async fn start(self) -> Result<MockAlli, MockError> {
        let doc = document::Document::new(&self.openapi, &self.operations)?;
        let listener = server::bind(self.addr)
            .await
            .map_err(|e| MockError::new(format!("cannot listen on {}: {e}", self.addr)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| MockError::new(format!("cannot read the local address: {e}")))?;
        let shared = Arc::new(Shared::new(
            doc,
            Config {
                auto_respond: self.auto_respond,
                allow_invalid: self.allow_invalid,
            },
        ));
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Ok(MockAlli {
            shared,
            url: format!("http://{addr}"),
            task,
            verify_on_drop: self.verify_on_drop,
        })
    }
}

/// A running mock Alli server. See the [module documentation](self).
///
/// Dropping it stops the server and verifies it: it panics (unless the thread is already
/// panicking) with every problem found, like a failed assertion.
pub struct MockAlli {
    shared: Arc<Shared>,
    url: String,
    task: tokio::task::JoinHandle<()>,
    verify_on_drop: bool,
}

impl fmt::Debug for MockAlli {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockAlli")
            .field("url", &self.url)
            .field("operations", &self.shared.doc.operations.len())
            .finish_non_exhaustive()
    }
}

impl MockAlli {
    /// A builder for a mock serving `openapi`, the OpenAPI 3.1 document as JSON text (generated
    /// code embeds the API's own).
    pub fn builder(openapi: &str) -> MockBuilder {
        MockBuilder {
            openapi: openapi.to_owned(),
            operations: Vec::new(),
            auto_respond: true,
            allow_invalid: false,
            verify_on_drop: true,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }

    /// The base URL: `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A client builder pointed at the mock: API key [`MOCK_API_KEY`], and a 1–10 ms retry
    /// backoff so retries do not slow tests down (a `Retry-After` answer is still honoured).
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .api_key(MOCK_API_KEY)
            .base_url(&self.url)
            .retry_backoff(Duration::from_millis(1), Duration::from_millis(10))
    }

    /// A client pointed at the mock ([`client_builder`](Self::client_builder), built).
    ///
    /// # Panics
    ///
    /// If the HTTP client cannot be set up (the TLS backend failed to initialise), which a
    /// test cannot recover from.
    pub fn client(&self) -> Client {
        match self.client_builder().build() {
            Ok(client) => client,
            Err(e) => panic!("alli_api::mock: cannot build a client for the mock: {e}"),
        }
    }

    /// A new rule for the operation `method path` (the path template as documented, e.g.
    /// `"/webapi/v2/conversations/{conversation_id}"`). A method and path the document does
    /// not have make a rule that reports the mistake at verification.
    #[track_caller]
    pub fn on(&self, method: &str, path: &str) -> Expectation {
        let location = Location::caller();
        let found = self
            .shared
            .doc
            .operations
            .iter()
            .position(|op| op.method.as_str().eq_ignore_ascii_case(method) && op.path == path);
        let (label, problem) = match found {
            Some(i) => (self.shared.doc.operations[i].id.clone(), None),
            None => (
                format!("{method} {path}"),
                Some(format!(
                    "the document has no operation `{method} {path}` (use the path template \
                     as documented)"
                )),
            ),
        };
        let rule = self.shared.add_rule(found, label, location, problem);
        Expectation {
            shared: Arc::clone(&self.shared),
            rule,
        }
    }

    /// A new rule for a generated operation descriptor (what the typed layer calls).
    #[track_caller]
    pub fn expectation(&self, operation: &'static Operation) -> Expectation {
        self.on(operation.method, operation.path)
    }

    /// Every request received so far, in order.
    pub fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.shared.requests()
    }

    /// `Ok` when nothing went wrong so far; else every problem: unmatched, invalid or forbidden
    /// requests, rules called too few or too many times, misconfigured rules.
    pub fn check(&self) -> Result<(), MockFailures> {
        let (problems, log) = self.shared.failures();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(MockFailures { problems, log })
        }
    }

    /// Panics with every problem found (see [`check`](Self::check)), like a failed assertion.
    #[track_caller]
    pub fn verify(&self) {
        if let Err(failures) = self.check() {
            panic!("{failures}");
        }
    }
}

impl Drop for MockAlli {
    fn drop(&mut self) {
        self.task.abort();
        if self.verify_on_drop && !std::thread::panicking() {
            if let Err(failures) = self.check() {
                panic!("{failures}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The workspace's document (this crate is `alli-api/`).
    const ALLI: &str = include_str!("../../../spec/openapi.json");

    fn shared(text: &str) -> Shared {
        let doc = document::Document::new(text, &[]).unwrap_or_else(|e| panic!("{e}"));
        Shared::new(
            doc,
            Config {
                auto_respond: true,
                allow_invalid: false,
            },
        )
    }

    #[test]
    fn every_synthesized_answer_of_the_alli_document_is_valid() {
        let shared = shared(ALLI);
        assert!(shared.doc.operations.len() >= 20);
        for (i, op) in shared.doc.operations.iter().enumerate() {
            let value = shared.synthesized(i);
            let problems = op.success.check(&value);
            assert!(problems.is_empty(), "{}: {value} {problems:?}", op.id);
        }
    }

    #[test]
    fn documented_examples_win_when_valid() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {
                "/a": { "get": { "responses": { "200": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/A" },
                    "example": { "n": 7 } } } } } } },
                "/b": { "get": { "responses": { "200": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/A" },
                    "example": { "n": "seven" } } } } } } },
                "/c": { "get": { "responses": { "200": { "content": { "application/json": {
                    "schema": { "type": "object", "required": ["s"], "properties": {
                        "s": { "type": "string", "examples": ["hello"] } } } } } } } } }
            },
            "components": { "schemas": { "A": {
                "type": "object", "required": ["n"], "properties": { "n": { "type": "integer", "minimum": 3 } } } } }
        });
        let shared = shared(&doc.to_string());
        let by_path = |p: &str| {
            let i = shared
                .doc
                .operations
                .iter()
                .position(|o| o.path == p)
                .unwrap_or_else(|| panic!("no {p}"));
            shared.synthesized(i)
        };
        assert_eq!(by_path("/a"), json!({ "n": 7 }));
        // An invalid example is ignored: a minimal instance instead.
        assert_eq!(by_path("/b"), json!({ "n": 3 }));
        assert_eq!(by_path("/c"), json!({ "s": "hello" }));
    }
}
