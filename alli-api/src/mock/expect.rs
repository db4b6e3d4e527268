//! Expectations: what a rule matches, how it answers, how often it may be called.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

use super::document::escape_token;
use super::received::ReceivedRequest;
use super::state::Shared;
use alli_api_runtime::__mock::{form_pairs, header_name, header_value, is_sensitive, path_text};
use alli_api_runtime::__private::{ParamError, ParamStyle, ParamValue, QueryValue};

/// A predicate on a received request.
type RequestPredicate = Arc<dyn Fn(&ReceivedRequest) -> bool + Send + Sync>;
/// A predicate on a JSON value.
type ValuePredicate = Arc<dyn Fn(&Value) -> bool + Send + Sync>;

/// One condition of a rule.
#[derive(Clone)]
pub(crate) enum Matcher {
    PathParam {
        name: String,
        expected: String,
    },
    /// `expected` empty: the parameter must be absent.
    Query {
        name: String,
        expected: Vec<String>,
    },
    /// `None`: the header must be absent.
    Header {
        name: String,
        expected: Option<String>,
    },
    /// `None`: the field must be absent.
    BodyField {
        pointer: String,
        expected: Option<Value>,
    },
    BodyFieldWhere {
        pointer: String,
        what: String,
        check: ValuePredicate,
    },
    Body {
        expected: Value,
    },
    Where {
        what: String,
        check: RequestPredicate,
    },
}

/// Shows a value in a report, hiding credentials.
fn shown(header: &str, value: &str) -> String {
    if is_sensitive(header) {
        "<redacted>".to_owned()
    } else {
        format!("{value:?}")
    }
}

/// Numbers compare by value (`2` equals `2.0`); everything else structurally.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || matches!((x.as_f64(), y.as_f64()), (Some(x), Some(y)) if x == y)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The JSON pointer of a body field given as a top-level name or as a pointer.
pub(crate) fn field_pointer(field: &str) -> String {
    if field.starts_with('/') {
        field.to_owned()
    } else {
        format!("/{}", escape_token(field))
    }
}

/// A pointer shown as a field path: `/chat/message` → `chat.message`.
fn field_name(pointer: &str) -> String {
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

impl Matcher {
    /// What the matcher requires, for reports.
    pub(crate) fn describe(&self) -> String {
        match self {
            Matcher::PathParam { name, expected } => {
                format!("path parameter `{name}` = {expected:?}")
            }
            Matcher::Query { name, expected } if expected.is_empty() => {
                format!("no query parameter `{name}`")
            }
            Matcher::Query { name, expected } => format!("query `{name}` = {expected:?}"),
            Matcher::Header {
                name,
                expected: None,
            } => format!("no header `{name}`"),
            Matcher::Header {
                name,
                expected: Some(v),
            } => format!("header `{name}` = {}", shown(name, v)),
            Matcher::BodyField {
                pointer,
                expected: None,
            } => format!("no body field `{}`", field_name(pointer)),
            Matcher::BodyField {
                pointer,
                expected: Some(v),
            } => format!("body field `{}` = {v}", field_name(pointer)),
            Matcher::BodyFieldWhere { pointer, what, .. } => {
                format!("body field `{}` {what}", field_name(pointer))
            }
            Matcher::Body { expected } => format!("body = {expected}"),
            Matcher::Where { what, .. } => what.clone(),
        }
    }

    /// `Err(difference)` when `req` does not satisfy the matcher.
    pub(crate) fn check(&self, req: &ReceivedRequest, body: Option<&Value>) -> Result<(), String> {
        match self {
            Matcher::PathParam { name, expected } => match req.path_param(name) {
                Some(got) if got == expected => Ok(()),
                got => Err(format!(
                    "path parameter `{name}`: expected {expected:?}, got {}",
                    got.map_or("nothing".to_owned(), |g| format!("{g:?}"))
                )),
            },
            Matcher::Query { name, expected } => {
                let got = req.query_values(name);
                if got == *expected {
                    Ok(())
                } else if expected.is_empty() {
                    Err(format!("query `{name}`: expected none, got {got:?}"))
                } else if got.is_empty() {
                    Err(format!("query `{name}`: expected {expected:?}, got none"))
                } else {
                    Err(format!(
                        "query `{name}`: expected {expected:?}, got {got:?}"
                    ))
                }
            }
            Matcher::Header { name, expected } => {
                let got = req.header(name);
                match (expected, got) {
                    (None, None) => Ok(()),
                    (Some(e), Some(g)) if e == g => Ok(()),
                    (None, Some(g)) => Err(format!(
                        "header `{name}`: expected none, got {}",
                        shown(name, g)
                    )),
                    (Some(e), None) => Err(format!(
                        "header `{name}`: expected {}, got none",
                        shown(name, e)
                    )),
                    (Some(e), Some(g)) => Err(format!(
                        "header `{name}`: expected {}, got {}",
                        shown(name, e),
                        shown(name, g)
                    )),
                }
            }
            Matcher::BodyField { pointer, expected } => {
                let got = body.and_then(|b| b.pointer(pointer));
                let field = field_name(pointer);
                match (expected, got) {
                    (None, None) => Ok(()),
                    (Some(e), Some(g)) if json_eq(e, g) => Ok(()),
                    (None, Some(g)) => Err(format!("body field `{field}`: expected none, got {g}")),
                    (Some(e), None) => Err(format!("body field `{field}`: expected {e}, got none")),
                    (Some(e), Some(g)) => {
                        Err(format!("body field `{field}`: expected {e}, got {g}"))
                    }
                }
            }
            Matcher::BodyFieldWhere {
                pointer,
                what,
                check,
            } => {
                let field = field_name(pointer);
                match body.and_then(|b| b.pointer(pointer)) {
                    Some(g) if check(g) => Ok(()),
                    Some(g) => Err(format!("body field `{field}`: expected {what}, got {g}")),
                    None => Err(format!("body field `{field}`: expected {what}, got none")),
                }
            }
            Matcher::Body { expected } => match body {
                Some(g) if json_eq(expected, g) => Ok(()),
                Some(g) => Err(format!("body: expected {expected}, got {g}")),
                None => Err(format!("body: expected {expected}, got no JSON body")),
            },
            Matcher::Where { what, check } => {
                if check(req) {
                    Ok(())
                } else {
                    Err(format!("{what}: not satisfied"))
                }
            }
        }
    }
}

/// A connection-level fault, instead of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Reads the request, then resets the connection (TCP RST) without answering: what a
    /// crashed proxy or a dropped pooled connection looks like. The request reached the server.
    ConnectionReset,
    /// Reads the request, then closes the connection cleanly (FIN) without answering.
    ConnectionClosed,
}

/// What a step sends as its body.
#[derive(Clone, Debug)]
pub(crate) enum Payload {
    Empty,
    Json(Value),
    Raw {
        content_type: String,
        bytes: Bytes,
    },
    /// Server-Sent Events, one `data:` line per event.
    Events {
        events: Vec<Value>,
        interval: Duration,
    },
}

/// One answer of a rule's sequence.
#[derive(Clone, Debug)]
pub(crate) enum Action {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        payload: Payload,
        /// Send half of the body, then reset the connection.
        truncated: bool,
    },
    Fault(Fault),
}

#[derive(Clone, Debug)]
pub(crate) struct Step {
    pub(crate) action: Action,
    pub(crate) delay: Duration,
}

/// An answer the document does not have to describe, sent as it is (not validated): for
/// testing how code copes with what the API does not document.
///
/// ```
/// # #[cfg(feature = "mock")] {
/// use alli_api::mock::Reply;
/// let reply = Reply::new(502)
///     .header("Content-Type", "text/html")
///     .body("<html>Bad gateway</html>");
/// # let _ = reply; }
/// ```
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    payload: Payload,
}

impl Reply {
    /// An answer with `status` and no body.
    pub fn new(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            payload: Payload::Empty,
        }
    }

    /// An answer with `status` and a JSON body (`Content-Type: application/json`). A value
    /// that fails to serialize is sent as `null`.
    pub fn json(status: u16, body: impl Serialize) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            payload: Payload::Json(serde_json::to_value(body).unwrap_or(Value::Null)),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body bytes (with no `Content-Type` unless one is set with [`header`](Self::header)).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.payload = Payload::Raw {
            content_type: String::new(),
            bytes: body.into(),
        };
        self
    }
}

/// A rule of the mock: which requests of one operation it matches, what it answers (a
/// sequence: the last answer repeats), and how often it must be called.
///
/// Created by [`MockAlli::on`](super::MockAlli::on) (or by the generated per-operation
/// builders); registered at once. Every method configures the rule and returns the handle, so
/// calls chain; keep the handle to ask for [`calls`](Self::calls) and
/// [`requests`](Self::requests) later. Cloning the handle does not copy the rule.
///
/// Matchers (all must hold): [`path_param`](Self::path_param), [`query`](Self::query),
/// [`header`](Self::header), [`body_field`](Self::body_field), [`body`](Self::body),
/// [`matching`](Self::matching) and their variants. Answers: [`returns`](Self::returns),
/// [`fails`](Self::fails), [`streams`](Self::streams), [`fault`](Self::fault),
/// [`responds`](Self::responds), each with a `then_` form appending to the sequence, and
/// modifiers of the latest answer: [`retry_after`](Self::retry_after),
/// [`delay`](Self::delay), [`response_header`](Self::response_header),
/// [`truncated`](Self::truncated), [`event_interval`](Self::event_interval). Without an
/// answer, the rule answers like auto-respond mode (from the documented schema). Counts:
/// [`times`](Self::times), [`at_least`](Self::at_least), [`at_most`](Self::at_most),
/// [`never`](Self::never), [`any_times`](Self::any_times); the default is at least once.
#[derive(Clone)]
pub struct Expectation {
    pub(crate) shared: Arc<Shared>,
    pub(crate) rule: usize,
}

impl fmt::Debug for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let description = self.shared.describe_rule(self.rule);
        f.debug_struct("Expectation")
            .field("rule", &description)
            .field("calls", &self.calls())
            .finish()
    }
}

impl Expectation {
    fn matcher(self, matcher: Matcher) -> Self {
        self.shared
            .with_rule(self.rule, |rule, _| rule.matchers.push(matcher));
        self
    }

    /// Records a configuration problem of this rule (reported at verification, and to the
    /// client when the rule is used).
    fn problem(&self, message: String) {
        self.shared
            .with_rule(self.rule, |rule, _| rule.problems.push(message));
    }

    /// Matches requests whose path parameter `name` (of the operation's path template) equals
    /// `value` (compared decoded, as the client encodes it).
    pub fn path_param<T: ParamValue + ?Sized>(self, name: &str, value: &T) -> Self {
        self.path_param_with(name, value, ParamStyle::SIMPLE)
    }

    /// Matches requests whose query parameter `name` has exactly these values, in order (a
    /// list is a repeated parameter; `None` means the parameter is absent), written as the
    /// client writes them.
    pub fn query(self, name: &str, value: &dyn QueryValue) -> Self {
        let mut expected = Vec::new();
        value.each_value(&mut |v: &str| expected.push(v.to_owned()));
        self.matcher(Matcher::Query {
            name: name.to_owned(),
            expected,
        })
    }

    /// Matches requests whose query parameter `name` carries `value` in `style`, exactly as the
    /// client sends it: one matcher per pair the style writes (`deepObject` writes
    /// `name[key]` pairs, exploded objects one pair per property), values compared decoded.
    pub fn query_param<T: ParamValue + ?Sized>(
        self,
        name: &str,
        value: &T,
        style: ParamStyle,
    ) -> Self {
        let pairs = value.__to_param().and_then(|p| form_pairs(name, &p, style));
        let pairs = match pairs {
            Ok(pairs) => pairs,
            Err(e) => {
                self.problem(format!("query parameter `{name}` matcher: {e}"));
                return self;
            }
        };
        if pairs.is_empty() {
            return self.query_absent(name);
        }
        let mut by_name: Vec<(String, Vec<String>)> = Vec::new();
        for pair in pairs {
            match by_name.iter_mut().find(|(n, _)| *n == pair.name) {
                Some((_, values)) => values.push(pair.value()),
                None => by_name.push((pair.name.clone(), vec![pair.value()])),
            }
        }
        by_name.into_iter().fold(self, |this, (name, expected)| {
            this.matcher(Matcher::Query { name, expected })
        })
    }

    /// Matches requests whose header `name` carries `value` in the `simple` style, as the
    /// client sends it (arrays `a,b`; objects `k,v` or, exploded, `k=v`).
    pub fn header_param<T: ParamValue + ?Sized>(
        self,
        name: &str,
        value: &T,
        style: ParamStyle,
    ) -> Self {
        let text = unencoded_text(name, value, style);
        match text {
            Ok(Some(expected)) => self.matcher(Matcher::Header {
                name: name.to_owned(),
                expected: Some(expected),
            }),
            Ok(None) => self.header_absent(name),
            Err(e) => {
                self.problem(format!("header `{name}` matcher: {e}"));
                self
            }
        }
    }

    /// Matches requests whose path parameter `name` carries `value` in `style` (`label`,
    /// `matrix`, exploded or not), compared decoded.
    pub fn path_param_with<T: ParamValue + ?Sized>(
        self,
        name: &str,
        value: &T,
        style: ParamStyle,
    ) -> Self {
        let text = unencoded_text(name, value, style);
        match text {
            Ok(Some(expected)) => self.matcher(Matcher::PathParam {
                name: name.to_owned(),
                expected,
            }),
            Ok(None) => {
                self.problem(format!("path parameter `{name}` matcher has no value"));
                self
            }
            Err(e) => {
                self.problem(format!("path parameter `{name}` matcher: {e}"));
                self
            }
        }
    }

    /// Matches requests without query parameter `name`.
    pub fn query_absent(self, name: &str) -> Self {
        self.matcher(Matcher::Query {
            name: name.to_owned(),
            expected: Vec::new(),
        })
    }

    /// Matches requests with header `name: value` (several values are joined with `, ` like
    /// the client does; a non-ASCII `OWN-USER-ID` is compared in its `base64:` form).
    pub fn header(self, name: &str, value: &dyn QueryValue) -> Self {
        let mut values = Vec::new();
        value.each_value(&mut |v: &str| values.push(v.to_owned()));
        let joined = values.join(", ");
        let wire = header_name(name).and_then(|n| header_value(&n, &joined));
        match wire {
            Ok(v) => {
                let expected = String::from_utf8_lossy(v.as_bytes()).into_owned();
                self.matcher(Matcher::Header {
                    name: name.to_owned(),
                    expected: Some(expected),
                })
            }
            Err(e) => {
                self.problem(format!("header matcher `{name}`: {e}"));
                self
            }
        }
    }

    /// Matches requests without header `name`.
    pub fn header_absent(self, name: &str) -> Self {
        self.matcher(Matcher::Header {
            name: name.to_owned(),
            expected: None,
        })
    }

    /// Matches requests whose JSON body has `field` equal to `value` serialized (numbers
    /// compare by value). `field` is a top-level property name (`"chat"`) or a JSON pointer
    /// (`"/chat/message"`).
    pub fn body_field(self, field: &str, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(expected) => self.matcher(Matcher::BodyField {
                pointer: field_pointer(field),
                expected: Some(expected),
            }),
            Err(e) => {
                self.problem(format!(
                    "body field matcher `{field}`: cannot serialize: {e}"
                ));
                self
            }
        }
    }

    /// Matches requests whose JSON body does not have `field`.
    pub fn body_field_absent(self, field: &str) -> Self {
        self.matcher(Matcher::BodyField {
            pointer: field_pointer(field),
            expected: None,
        })
    }

    /// Matches requests whose JSON body has `field` and `check` accepts its value; `what`
    /// describes the condition in reports (`"greater than 0.5"`).
    pub fn body_field_where(
        self,
        field: &str,
        what: &str,
        check: impl Fn(&Value) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.matcher(Matcher::BodyFieldWhere {
            pointer: field_pointer(field),
            what: what.to_owned(),
            check: Arc::new(check),
        })
    }

    /// Matches requests whose whole JSON body equals `body` serialized.
    pub fn body(self, body: impl Serialize) -> Self {
        match serde_json::to_value(body) {
            Ok(expected) => self.matcher(Matcher::Body { expected }),
            Err(e) => {
                self.problem(format!("body matcher: cannot serialize: {e}"));
                self
            }
        }
    }

    /// Matches requests `check` accepts; `what` describes the condition in reports.
    pub fn matching(
        self,
        what: &str,
        check: impl Fn(&ReceivedRequest) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.matcher(Matcher::Where {
            what: what.to_owned(),
            check: Arc::new(check),
        })
    }

    fn push_step(self, action: Action, replace: bool) -> Self {
        self.shared.with_rule(self.rule, |rule, _| {
            if replace {
                rule.steps.clear();
            }
            rule.steps.push(Step {
                action,
                delay: Duration::ZERO,
            });
        });
        self
    }

    fn success(self, value: impl Serialize, replace: bool) -> Self {
        let value = match serde_json::to_value(value) {
            Ok(v) => v,
            Err(e) => {
                self.problem(format!("returns(..): cannot serialize the value: {e}"));
                return self;
            }
        };
        let (status, problems) = self.shared.check_success(self.rule, &value);
        for p in problems {
            self.problem(format!(
                "returns(..) does not match the documented response: {p}"
            ));
        }
        self.push_step(
            Action::Respond {
                status,
                headers: Vec::new(),
                payload: Payload::Json(value),
                truncated: false,
            },
            replace,
        )
    }

    /// Answers with `value` as the documented success response (its status and media type).
    /// A value that does not match the documented schema is a configuration problem, reported
    /// when the rule is used and at verification (use [`responds`](Self::responds) to send
    /// something the document does not describe).
    pub fn returns(self, value: impl Serialize) -> Self {
        self.success(value, true)
    }

    /// Appends a success answer to the sequence.
    pub fn then_returns(self, value: impl Serialize) -> Self {
        self.success(value, false)
    }

    fn failure(self, status: u16, body: impl Serialize, replace: bool) -> Self {
        let body = match serde_json::to_value(body) {
            Ok(v) => v,
            Err(e) => {
                self.problem(format!(
                    "fails({status}, ..): cannot serialize the body: {e}"
                ));
                return self;
            }
        };
        if !(400..=599).contains(&status) {
            self.problem(format!(
                "fails({status}, ..): an error status is 400 to 599 (use `responds` for others)"
            ));
        }
        for p in self.shared.check_error(self.rule, status, &body) {
            self.problem(format!(
                "fails({status}, ..) does not match the body documented for {status}: {p}"
            ));
        }
        self.push_step(
            Action::Respond {
                status,
                headers: Vec::new(),
                payload: Payload::Json(body),
                truncated: false,
            },
            replace,
        )
    }

    /// Answers with error `status` and a JSON `body`, checked against the body documented for
    /// that status when there is one.
    pub fn fails(self, status: u16, body: impl Serialize) -> Self {
        self.failure(status, body, true)
    }

    /// Appends an error answer to the sequence.
    pub fn then_fails(self, status: u16, body: impl Serialize) -> Self {
        self.failure(status, body, false)
    }

    fn events<T: Serialize>(self, events: impl IntoIterator<Item = T>, replace: bool) -> Self {
        let mut values = Vec::new();
        for (i, event) in events.into_iter().enumerate() {
            match serde_json::to_value(event) {
                Ok(v) => {
                    let (_, problems) = self.shared.check_success(self.rule, &v);
                    for p in problems {
                        self.problem(format!("streams(..): event {i}: {p}"));
                    }
                    values.push(v);
                }
                Err(e) => self.problem(format!("streams(..): event {i} cannot be serialized: {e}")),
            }
        }
        let selector = self.shared.stream_selector(self.rule);
        let mut this = self;
        if let Some((field, value)) = selector {
            let pointer = field_pointer(&field);
            let known = this.shared.with_rule(this.rule, |rule, _| {
                rule.matchers
                    .iter()
                    .any(|m| matches!(m, Matcher::BodyField { pointer: p, .. } if *p == pointer))
            });
            if known != Some(true) {
                this = this.body_field(&field, value);
            }
        }
        this.push_step(
            Action::Respond {
                status: 200,
                headers: vec![("Content-Type".to_owned(), "text/event-stream".to_owned())],
                payload: Payload::Events {
                    events: values,
                    interval: Duration::from_millis(1),
                },
                truncated: false,
            },
            replace,
        )
    }

    /// Answers with a stream of events (Server-Sent Events: a `data: <json>` line and a blank
    /// line per event, `Content-Type: text/event-stream`, as `EventStream` reads them), each
    /// checked against the documented success schema. On an operation whose descriptor names a
    /// stream selector (`mode: "stream"`), the rule also matches only requests asking for a
    /// stream.
    pub fn streams<T: Serialize>(self, events: impl IntoIterator<Item = T>) -> Self {
        self.events(events, true)
    }

    /// Appends a stream of events to the sequence.
    pub fn then_streams<T: Serialize>(self, events: impl IntoIterator<Item = T>) -> Self {
        self.events(events, false)
    }

    /// Answers with a connection fault.
    pub fn fault(self, fault: Fault) -> Self {
        self.push_step(Action::Fault(fault), true)
    }

    /// Appends a connection fault to the sequence.
    pub fn then_fault(self, fault: Fault) -> Self {
        self.push_step(Action::Fault(fault), false)
    }

    /// Answers with `reply` as it is, not checked against the document.
    pub fn responds(self, reply: Reply) -> Self {
        self.push_step(Self::reply_action(reply), true)
    }

    /// Appends an unchecked answer to the sequence.
    pub fn then_responds(self, reply: Reply) -> Self {
        self.push_step(Self::reply_action(reply), false)
    }

    fn reply_action(reply: Reply) -> Action {
        Action::Respond {
            status: reply.status,
            headers: reply.headers,
            payload: reply.payload,
            truncated: false,
        }
    }

    /// Changes the latest answer of the sequence (a problem if there is none yet).
    fn modify_last(self, what: &str, f: impl FnOnce(&mut Step) -> Result<(), String>) -> Self {
        let outcome = self
            .shared
            .with_rule(self.rule, |rule, _| match rule.steps.last_mut() {
                Some(step) => f(step),
                None => Err(format!("{what} needs an answer before it")),
            });
        if let Some(Err(message)) = outcome {
            self.problem(message);
        }
        self
    }

    /// Adds `Retry-After: <secs>` to the latest answer.
    pub fn retry_after(self, secs: u64) -> Self {
        self.response_header("Retry-After", &secs.to_string())
    }

    /// Adds a header to the latest answer.
    pub fn response_header(self, name: &str, value: &str) -> Self {
        let (name, value) = (name.to_owned(), value.to_owned());
        self.modify_last("response_header(..)", move |step| match &mut step.action {
            Action::Respond { headers, .. } => {
                headers.push((name, value));
                Ok(())
            }
            Action::Fault(_) => {
                Err("response_header(..) after a fault: a fault sends no headers".to_owned())
            }
        })
    }

    /// Waits `delay` before the latest answer (to exercise timeouts).
    pub fn delay(self, delay: Duration) -> Self {
        self.modify_last("delay(..)", move |step| {
            step.delay = delay;
            Ok(())
        })
    }

    /// The latest answer announces its whole body (`Content-Length`), sends half of it, then
    /// resets the connection; for a stream, the last event is cut in the middle.
    pub fn truncated(self) -> Self {
        self.modify_last("truncated()", |step| match &mut step.action {
            Action::Respond { truncated, .. } => {
                *truncated = true;
                Ok(())
            }
            Action::Fault(_) => Err("truncated() after a fault".to_owned()),
        })
    }

    /// The pause between two events of the latest answer, a stream (default 1 ms).
    pub fn event_interval(self, pause: Duration) -> Self {
        self.modify_last("event_interval(..)", move |step| match &mut step.action {
            Action::Respond {
                payload: Payload::Events { interval, .. },
                ..
            } => {
                *interval = pause;
                Ok(())
            }
            _ => Err("event_interval(..) applies to a stream (`streams(..)`)".to_owned()),
        })
    }

    fn bounds(self, min: usize, max: Option<usize>) -> Self {
        self.shared.with_rule(self.rule, |rule, _| {
            rule.min = min;
            rule.max = max;
        });
        self
    }

    /// Expects exactly `n` calls. After `n` calls the rule no longer matches, so a later rule
    /// can answer the next ones (or the request is unmatched).
    pub fn times(self, n: usize) -> Self {
        self.bounds(n, Some(n))
    }

    /// Expects at least `n` calls.
    pub fn at_least(self, n: usize) -> Self {
        self.bounds(n, None)
    }

    /// Expects at most `n` calls; after them the rule no longer matches.
    pub fn at_most(self, n: usize) -> Self {
        self.bounds(0, Some(n))
    }

    /// Expects no call: a matching request fails (answered with the mock's error status) and
    /// is reported at verification.
    pub fn never(self) -> Self {
        self.bounds(0, Some(0))
    }

    /// Any number of calls, none included.
    pub fn any_times(self) -> Self {
        self.bounds(0, None)
    }

    /// How many requests the rule answered so far.
    pub fn calls(&self) -> usize {
        self.shared
            .with_rule(self.rule, |rule, _| rule.calls.len())
            .unwrap_or(0)
    }

    /// The requests the rule answered so far, in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.shared.rule_requests(self.rule)
    }
}

/// `value` as the client writes it in a path segment or header in `style`, before
/// percent-encoding (what the mock compares, decoded); `None` when there is nothing to send.
fn unencoded_text<T: ParamValue + ?Sized>(
    name: &str,
    value: &T,
    style: ParamStyle,
) -> Result<Option<String>, ParamError> {
    value
        .__to_param()
        .and_then(|p| path_text(name, &p, style, &|s: &str| s.to_owned()))
}
