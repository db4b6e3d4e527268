//! The crate's single error type.
#![warn(missing_docs)]

use std::any::Any;
use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::headers::DebugHeaders;

/// `Result<T, alli_api::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is. Match on [`Error::kind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request could not be built, nothing was sent: an invalid header value (CR, LF, NUL,
    /// ...), an invalid path parameter (empty, `.` or `..`), a body that failed to serialize, or
    /// an invalid client configuration (missing credentials, bad base URL).
    InvalidRequest,
    /// The connection failed (connect, TLS, I/O, connection dropped). See
    /// [`Error::is_connect`] to know whether the request can have reached the server.
    Transport,
    /// The request (or a streamed response that went silent) took longer than the timeout.
    Timeout,
    /// The server answered with a non-2xx status, or with a 2xx whose envelope carries a
    /// non-empty `errors` field. See [`Error::status`], [`Error::body_bytes`], [`Error::body`].
    Api,
    /// A response body (or streamed event) did not match the documented type; see
    /// [`Error::json_path`].
    Decode,
    /// The response broke the protocol: a repeated pagination cursor, a streamed event larger
    /// than the limit, a stream in an unknown format or cut in the middle of an event.
    InvalidResponse,
    /// A local file or stream failed: an upload's file part could not be opened or read (or
    /// changed size while it was sent), a caller-supplied upload stream returned an error or
    /// not its declared length, or [`Download::save_to`](crate::Download::save_to) could not
    /// write its file. See [`std::error::Error::source`] for the I/O error. Never retried.
    Io,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Transport => "transport error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Api => "API error",
            ErrorKind::Decode => "decode error",
            ErrorKind::InvalidResponse => "invalid response",
            ErrorKind::Io => "I/O error",
        })
    }
}

/// A typed error body, as decoded by an operation's [`ErrorDecoder`]. Implemented for every
/// `Any + Debug + Send + Sync` type; read it back with [`Error::body`].
pub trait ErrorBody: Any + fmt::Debug + Send + Sync {
    /// `self` as `&dyn Any`, for downcasting.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + fmt::Debug + Send + Sync> ErrorBody for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Decodes the body of a non-2xx response into the operation's documented error type, if any.
pub type ErrorDecoder = fn(status: u16, body: &[u8]) -> Option<Box<dyn ErrorBody>>;

/// An [`ErrorDecoder`] building block: decodes `body` as JSON into `T`, `None` if it does not fit.
pub fn typed_error<T: DeserializeOwned + fmt::Debug + Send + Sync + 'static>(
    body: &[u8],
) -> Option<Box<dyn ErrorBody>> {
    serde_json::from_slice::<T>(body)
        .ok()
        .map(|value| Box::new(value) as Box<dyn ErrorBody>)
}

/// The error of every fallible operation of this crate.
///
/// One type for everything, cheap to move (one pointer). What happened is told by
/// [`kind`](Error::kind); the response (status, headers, raw body) is kept whenever there was
/// one. The error never contains the API key or bearer token, in its message, its `Debug` output
/// or its source chain.
///
/// ```
/// # async fn demo(result: alli_api::Result<()>) {
/// use alli_api::ErrorKind;
/// match result {
///     Ok(()) => {}
///     Err(e) if e.kind() == ErrorKind::Api && e.status().map(|s| s.as_u16()) == Some(404) => {
///         eprintln!("not found: {}", e.api_message().unwrap_or("(no message)"));
///     }
///     Err(e) if e.is_retryable() => eprintln!("transient failure, safe to send again: {e}"),
///     Err(e) if e.is_transient() => eprintln!("transient failure; it may have been applied: {e}"),
///     Err(e) => eprintln!("failed: {e}"),
/// }
/// # }
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    operation: Option<&'static str>,
    /// The request can not have reached the server (failed to connect).
    not_sent: bool,
    /// Whether the request's method is idempotent, once the client has named it.
    idempotent: Option<bool>,
    response: Option<ResponseParts>,
    api_message: Option<String>,
    json_path: Option<String>,
    typed_body: Option<Box<dyn ErrorBody>>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

struct ResponseParts {
    status: Option<StatusCode>,
    headers: Option<HeaderMap>,
    body: Bytes,
}

/// The longest body excerpt used as a message when the body has no recognisable message field.
const MAX_MESSAGE_CHARS: usize = 300;

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                operation: None,
                not_sent: false,
                idempotent: None,
                response: None,
                api_message: None,
                json_path: None,
                typed_body: None,
                source: None,
            }),
        }
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorKind::InvalidRequest, message);
        e.inner.not_sent = true;
        e
    }

    pub(crate) fn invalid_response(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidResponse, message)
    }

    pub(crate) fn timeout(after: Duration) -> Self {
        Self::new(
            ErrorKind::Timeout,
            format!("no complete response within {}", fmt_duration(after)),
        )
    }

    /// The request's total timeout (all attempts and the waits between them) elapsed.
    pub(crate) fn total_timeout(total: Duration, attempts: u32) -> Self {
        Self::new(
            ErrorKind::Timeout,
            format!(
                "no complete response within the total timeout of {} ({attempts} attempt{})",
                fmt_duration(total),
                if attempts == 1 { "" } else { "s" }
            ),
        )
    }

    /// A streamed response that sent nothing for `after`.
    pub(crate) fn stream_idle(after: Duration) -> Self {
        Self::new(
            ErrorKind::Timeout,
            format!("the stream sent no data for {}", fmt_duration(after)),
        )
    }

    /// A local file or upload stream failure (see [`ErrorKind::Io`]).
    pub(crate) fn io(
        message: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        let mut e = Self::new(ErrorKind::Io, message);
        e.inner.source = Some(source.into());
        e
    }

    /// Appends ` (<note>)` to the message, e.g. why a retry was not made.
    pub(crate) fn with_note(mut self, note: &str) -> Self {
        self.inner.message.push_str(" (");
        self.inner.message.push_str(note);
        self.inner.message.push(')');
        self
    }

    /// A transport failure from a caller-supplied byte stream.
    pub(crate) fn transport(
        message: impl Into<String>,
        source: Box<dyn StdError + Send + Sync>,
    ) -> Self {
        let mut e = Self::new(ErrorKind::Transport, message);
        e.inner.source = Some(source);
        e
    }

    /// Classifies a reqwest error. The URL is stripped from it (it is not needed: the error
    /// names the operation) so nothing from the request line leaks into messages.
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        let err = err.without_url();
        let connect = err.is_connect();
        let (kind, message) = if err.is_timeout() {
            (
                ErrorKind::Timeout,
                if connect {
                    "timed out connecting to the server"
                } else {
                    "the HTTP client's own timeout elapsed"
                },
            )
        } else if connect {
            (ErrorKind::Transport, "failed to connect to the server")
        } else if err.is_body() || err.is_decode() {
            (ErrorKind::Transport, "failed to read the response body")
        } else if err.is_builder() {
            (
                ErrorKind::InvalidRequest,
                "failed to build the HTTP request",
            )
        } else {
            (
                ErrorKind::Transport,
                "the connection failed after the request was sent",
            )
        };
        // The root cause says what happened ("connection refused", "connection closed before
        // message completed"); it comes from the I/O and HTTP layers, never from our headers.
        let mut root: &dyn StdError = &err;
        while let Some(next) = root.source() {
            root = next;
        }
        let message = if std::ptr::addr_eq(root, &err) {
            message.to_owned()
        } else {
            format!("{message}: {root}")
        };
        let mut e = Self::new(kind, message);
        e.inner.not_sent = connect || err.is_builder();
        e.inner.source = Some(Box::new(err));
        e
    }

    /// A non-2xx answer (or a 2xx whose envelope reports errors, `envelope_message` set).
    pub(crate) fn api(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        typed_body: Option<Box<dyn ErrorBody>>,
        envelope_message: Option<String>,
    ) -> Self {
        let from_envelope = envelope_message.is_some();
        let api_message = envelope_message.or_else(|| message_from_body(&body));
        let mut message = if from_envelope {
            format!("HTTP {status} with errors in the response body")
        } else {
            format!("HTTP {status}")
        };
        if let Some(m) = &api_message {
            message.push_str(": ");
            message.push_str(m);
        }
        let mut e = Self::new(ErrorKind::Api, message);
        e.inner.api_message = api_message;
        e.inner.typed_body = typed_body;
        e.inner.response = Some(ResponseParts {
            status: Some(status),
            headers: Some(headers),
            body,
        });
        e
    }

    /// A body that did not decode as the documented type.
    pub(crate) fn decode(
        what: &str,
        path: String,
        source: serde_json::Error,
        status: Option<StatusCode>,
        headers: Option<HeaderMap>,
        body: Bytes,
    ) -> Self {
        let at = if path.is_empty() || path == "." {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        let mut e = Self::new(
            ErrorKind::Decode,
            format!("failed to decode {what}{at}: {source}"),
        );
        e.inner.json_path = Some(path);
        e.inner.source = Some(Box::new(source));
        e.inner.response = Some(ResponseParts {
            status,
            headers,
            body,
        });
        e
    }

    /// Names the operation (`"conversations.list"`) in the error, if not named yet.
    pub(crate) fn with_operation(mut self, operation: &'static str) -> Self {
        if self.inner.operation.is_none() {
            self.inner.operation = Some(operation);
        }
        self
    }

    /// Records the request's method (for [`is_retryable`](Error::is_retryable)), if not yet
    /// recorded.
    pub(crate) fn with_method(mut self, method: &http::Method) -> Self {
        if self.inner.idempotent.is_none() {
            self.inner.idempotent = Some(crate::retry::is_idempotent(method));
        }
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The operation that failed, e.g. `"conversations.list"`, when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// The HTTP status of the response, for [`ErrorKind::Api`] and response
    /// [`ErrorKind::Decode`] errors.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.response.as_ref().and_then(|r| r.status)
    }

    /// The headers of the response, when the error comes with one.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner
            .response
            .as_ref()
            .and_then(|r| r.headers.as_ref())
    }

    /// The raw body of the response (for a streamed event that failed to decode: the event's
    /// bytes), when the error comes with one.
    pub fn body_bytes(&self) -> Option<&[u8]> {
        self.inner.response.as_ref().map(|r| r.body.as_ref())
    }

    /// The raw body as text (invalid UTF-8 replaced), when the error comes with one.
    pub fn body_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.body_bytes().map(String::from_utf8_lossy)
    }

    /// The typed error body, when the operation documents one for this status and the body
    /// matched it. `T` is the documented error type.
    pub fn body<T: 'static>(&self) -> Option<&T> {
        self.inner
            .typed_body
            .as_deref()
            .and_then(|b| b.as_any().downcast_ref::<T>())
    }

    /// The message the server gave (best effort: taken from an `error`, `errors`, `message` or
    /// `detail` field, else the start of a plain-text body).
    pub fn api_message(&self) -> Option<&str> {
        self.inner.api_message.as_deref()
    }

    /// For [`ErrorKind::Decode`]: the JSON path of the value that failed to decode, e.g.
    /// `conversations[3].createdAt` (`.` for the document itself).
    pub fn json_path(&self) -> Option<&str> {
        self.inner.json_path.as_deref()
    }

    /// True for [`ErrorKind::Timeout`].
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// True for a 2xx answer whose `errors` envelope field was not empty (legacy endpoints
    /// report failures that way).
    pub fn is_envelope(&self) -> bool {
        self.inner.kind == ErrorKind::Api && self.status().is_some_and(|s| s.is_success())
    }

    /// True when the request can not have reached the server: the connection could not be
    /// established, or the request was rejected before sending. Such a request is safe to
    /// retry whatever its method.
    pub fn is_connect(&self) -> bool {
        self.inner.not_sent && self.inner.kind != ErrorKind::InvalidRequest
    }

    /// True when the failure is transient: transport failures, timeouts, and statuses 408, 429
    /// and 5xx. The same request may succeed later, but resending it is not always safe: a
    /// POST that failed after it was sent may already have taken effect (see
    /// [`is_retryable`](Error::is_retryable)).
    pub fn is_transient(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Transport | ErrorKind::Timeout => true,
            ErrorKind::Api => self.status().is_some_and(retryable_status),
            _ => false,
        }
    }

    /// True when the failure is transient ([`is_transient`](Error::is_transient)) **and**
    /// sending the same request again is safe: the request cannot have reached the server
    /// ([`is_connect`](Error::is_connect)), the server rejected it without acting on it (429),
    /// or its method is idempotent (GET, PUT, DELETE, ...). So a POST (sending a chat, running
    /// an app) that timed out, lost its connection after it was sent, or got a 5xx is *not*
    /// retryable: it may already have been applied, and resending it could apply it twice.
    /// This is the rule the client's own retries follow; when this is true, the client has
    /// already retried up to its `max_retries`.
    ///
    /// An error whose request method is unknown (an error of a streamed event, of a
    /// user-made [`EventStream`](crate::EventStream)) counts as not idempotent.
    pub fn is_retryable(&self) -> bool {
        self.is_transient()
            && crate::retry::should_retry(self, self.inner.idempotent.unwrap_or(false))
    }

    /// How long the server asked to wait before retrying (`Retry-After` as seconds or
    /// HTTP-date, or `retry-after-ms`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        crate::retry::retry_after(self.headers()?, SystemTime::now())
    }
}

/// Statuses worth retrying (for idempotent requests; non-idempotent ones only retry 429).
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = self.inner.operation {
            write!(f, "{op}: ")?;
        }
        f.write_str(&self.inner.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind);
        if let Some(op) = i.operation {
            d.field("operation", &op);
        }
        d.field("message", &i.message);
        if let Some(r) = &i.response {
            if let Some(status) = r.status {
                d.field("status", &status);
            }
            if let Some(headers) = &r.headers {
                d.field("headers", &DebugHeaders(headers));
            }
            d.field("body", &BodyExcerpt(&r.body));
        }
        if let Some(path) = &i.json_path {
            d.field("json_path", path);
        }
        if let Some(body) = &i.typed_body {
            d.field("typed_body", body);
        }
        if let Some(source) = &i.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

/// Debug view of a body: its text, cut to a readable length.
struct BodyExcerpt<'a>(&'a [u8]);

impl fmt::Debug for BodyExcerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(self.0);
        let cut = truncate_chars(&text, 1024);
        if cut.len() < text.len() {
            write!(f, "{cut:?}... ({} bytes)", self.0.len())
        } else {
            write!(f, "{cut:?}")
        }
    }
}

fn truncate_chars(s: &str, max_chars: usize) -> &str {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

pub(crate) fn fmt_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{d:?}")
    }
}

/// The server's message from a JSON error body (`error`, `errors`, `message`, `detail`), else
/// the start of a plain-text body.
fn message_from_body(body: &[u8]) -> Option<String> {
    let trimmed = body.trim_ascii();
    if trimmed.is_empty() {
        return None;
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(trimmed) {
        let obj = value.as_object()?;
        return ["error", "errors", "message", "detail"]
            .iter()
            .filter_map(|k| obj.get(*k))
            .find_map(message_from_value);
    }
    let text = std::str::from_utf8(trimmed).ok()?;
    // An HTML error page says nothing useful in one line.
    if text.starts_with('<') {
        return None;
    }
    let cut = truncate_chars(text, MAX_MESSAGE_CHARS);
    Some(if cut.len() < text.len() {
        format!("{cut}...")
    } else {
        cut.to_owned()
    })
}

/// A message from a JSON value: a string as is, an object's `message`/`msg`/`detail`/`error`,
/// the messages of an array's items joined by "; ", anything else as compact JSON.
pub(crate) fn message_from_value(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(truncate_chars(s, MAX_MESSAGE_CHARS).to_owned()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(message_from_value).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        Value::Object(obj) => {
            let msg = ["message", "msg", "detail", "error", "description"]
                .iter()
                .filter_map(|k| obj.get(*k))
                .find_map(message_from_value);
            match (msg, obj.get("loc")) {
                // FastAPI / Django Ninja validation errors: {"loc": [..], "msg": ".."}
                (Some(m), Some(Value::Array(loc))) if !loc.is_empty() => {
                    let loc: Vec<String> = loc
                        .iter()
                        .map(|p| match p {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect();
                    Some(format!("{}: {m}", loc.join(".")))
                }
                (Some(m), _) => Some(m),
                (None, _) if obj.is_empty() => None,
                (None, _) => Some(truncate_chars(&value.to_string(), MAX_MESSAGE_CHARS).to_owned()),
            }
        }
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_from_common_error_shapes() {
        let m = |s: &str| message_from_body(s.as_bytes());
        assert_eq!(m(r#"{"error":"bad key"}"#).as_deref(), Some("bad key"));
        assert_eq!(
            m(r#"{"error":{"message":"nope","code":3}}"#).as_deref(),
            Some("nope")
        );
        assert_eq!(
            m(r#"{"errors":[{"message":"a"},{"message":"b"}]}"#).as_deref(),
            Some("a; b")
        );
        assert_eq!(m(r#"{"message":"hi"}"#).as_deref(), Some("hi"));
        assert_eq!(
            m(r#"{"detail":[{"loc":["body","title"],"msg":"field required"}]}"#).as_deref(),
            Some("body.title: field required")
        );
        assert_eq!(m(r#"{"detail":"Not found"}"#).as_deref(), Some("Not found"));
        assert_eq!(m(r#"{"other":1}"#), None);
        assert_eq!(m("plain text").as_deref(), Some("plain text"));
        assert_eq!(m("<html>oops</html>"), None);
        assert_eq!(m(""), None);
        let long = "x".repeat(1000);
        assert_eq!(m(&long).map(|s| s.chars().count()), Some(303));
    }

    #[test]
    fn typed_body_downcasts() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct E {
            code: u32,
        }
        let typed = typed_error::<E>(br#"{"code":7}"#);
        let e = Error::api(
            StatusCode::BAD_REQUEST,
            HeaderMap::new(),
            Bytes::from_static(br#"{"code":7}"#),
            typed,
            None,
        );
        assert_eq!(e.body::<E>(), Some(&E { code: 7 }));
        assert_eq!(e.body::<String>(), None);
        assert!(typed_error::<E>(b"{}").is_none());
    }
}
