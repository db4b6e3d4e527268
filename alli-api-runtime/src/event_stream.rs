//! Streaming responses: [`EventStream`] parses NDJSON, Server-Sent Events and back-to-back JSON
//! incrementally, whatever the chunk boundaries, holding at most one event in memory.
#![warn(missing_docs)]

use std::error::Error as StdError;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures_core::{FusedStream, Stream};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;

use crate::client::DEFAULT_MAX_EVENT_SIZE;
use crate::error::{Error, Result};
use crate::headers::DebugHeaders;
use crate::idle::IdleBody;
use crate::response::decode_json;

/// A stream of typed events from a streaming response (e.g. running an app in stream mode).
///
/// Each item is one event decoded into `T`; an event that does not match `T` yields an
/// [`ErrorKind::Decode`](crate::ErrorKind::Decode) error naming the JSON path, and the stream
/// goes on with the next event. Transport failures, timeouts (the client's timeout bounds the
/// silence between two chunks), an event larger than the limit, or a body in no known format
/// end the stream after their error.
///
/// Formats, chosen by `Content-Type` (`text/event-stream` → SSE; `application/x-ndjson`,
/// `application/jsonl`, `application/json-seq` → JSON values), else by the first bytes
/// (`data:`, `event:`, `id:`, `retry:`, `:` → SSE; `{`, `[` → JSON values):
/// - **Server-Sent Events**: the `data:` lines of an event, joined by `\n`, are the event;
///   comments and `event:`, `id:`, `retry:` fields are ignored; `data: [DONE]` ends the stream.
/// - **JSON values**: newline-delimited JSON, or values back to back with or without
///   whitespace between them.
///
/// ```no_run
/// # async fn demo(mut events: alli_api::EventStream<serde_json::Value>) -> alli_api::Result<()> {
/// use futures_util::StreamExt;
/// while let Some(event) = events.next().await {
///     println!("{}", event?);
/// }
/// # Ok(()) }
/// ```
pub struct EventStream<T> {
    raw: RawEventStream,
    _event: PhantomData<fn() -> T>,
}

impl<T> EventStream<T> {
    pub(crate) fn from_response(
        resp: reqwest::Response,
        operation: &'static str,
        idle_timeout: Duration,
        max_event_size: usize,
    ) -> Self {
        let status = resp.status();
        let headers = resp.headers().clone();
        EventStream::new(RawEventStream {
            framer: Framer::new(content_type(&headers), max_event_size),
            body: Some(IdleBody::from_response(resp, Some(idle_timeout))),
            idle_timeout: Some(idle_timeout),
            status,
            headers,
            operation: Some(operation),
            finished: false,
        })
    }

    fn new(raw: RawEventStream) -> Self {
        EventStream {
            raw,
            _event: PhantomData,
        }
    }

    /// An event stream over any byte stream (a body you obtained otherwise, a recording, a
    /// test). `content_type` plays the role of the response's `Content-Type` (format
    /// detection); byte-stream errors end the stream as [`ErrorKind::Transport`]
    /// errors. No idle timeout, the default event size limit.
    ///
    /// [`ErrorKind::Transport`]: crate::ErrorKind::Transport
    pub fn from_byte_stream<S, B, E>(stream: S, content_type: Option<&str>) -> Self
    where
        S: Stream<Item = std::result::Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<Box<dyn StdError + Send + Sync>>,
    {
        let body = futures_util::StreamExt::map(stream, |r| {
            r.map(Into::into)
                .map_err(|e| Error::transport("failed to read the stream", e.into()))
        });
        let mut headers = HeaderMap::new();
        if let Some(value) = content_type.and_then(|ct| HeaderValue::from_str(ct).ok()) {
            headers.insert(http::header::CONTENT_TYPE, value);
        }
        EventStream::new(RawEventStream {
            framer: Framer::new(content_type, DEFAULT_MAX_EVENT_SIZE),
            body: Some(IdleBody::new(Box::pin(body), None)),
            idle_timeout: None,
            status: StatusCode::OK,
            headers,
            operation: None,
            finished: false,
        })
    }

    /// Sets the largest event accepted (a larger one ends the stream with an
    /// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) error).
    pub fn with_max_event_size(mut self, bytes: usize) -> Self {
        self.raw.framer.max = bytes.max(1);
        self
    }

    /// Sets (or, with `None`, removes) the longest silence allowed between two chunks.
    pub fn with_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.raw.idle_timeout = timeout;
        if let Some(body) = self.raw.body.as_mut() {
            body.set_idle_timeout(timeout);
        }
        self
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.raw.status
    }

    /// The headers of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.raw.headers
    }

    /// The same stream with untyped events (`serde_json::Value`).
    pub fn into_values(self) -> EventStream<serde_json::Value> {
        EventStream::new(self.raw)
    }

    /// The same stream with undecoded events: the raw bytes of each JSON event (for SSE, the
    /// event's data).
    pub fn into_raw(self) -> RawEventStream {
        self.raw
    }
}

impl<T: DeserializeOwned> Stream for EventStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let raw = &mut self.raw;
        let item = ready!(Pin::new(&mut *raw).poll_next(cx));
        Poll::Ready(item.map(|event| {
            let event = event?;
            decode_json(&event).map_err(|(path, err)| {
                let e = Error::decode("a streamed event", path, err, None, None, event);
                match raw.operation {
                    Some(op) => e.with_operation(op),
                    None => e,
                }
            })
        }))
    }
}

impl<T: DeserializeOwned> FusedStream for EventStream<T> {
    fn is_terminated(&self) -> bool {
        self.raw.finished
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("event", &std::any::type_name::<T>())
            .field("raw", &self.raw)
            .finish()
    }
}

/// A stream of undecoded events (see [`EventStream::into_raw`]): each item is the bytes of one
/// JSON event.
pub struct RawEventStream {
    /// `None` once the body has ended.
    body: Option<IdleBody>,
    framer: Framer,
    /// The body's idle timeout (kept for `Debug` once the body has ended).
    idle_timeout: Option<Duration>,
    status: StatusCode,
    headers: HeaderMap,
    operation: Option<&'static str>,
    finished: bool,
}

impl RawEventStream {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Ends the stream and closes the body (the connection).
    fn end(&mut self) {
        self.finished = true;
        self.body = None;
    }

    fn fail(&mut self, err: Error) -> Poll<Option<Result<Bytes>>> {
        self.end();
        Poll::Ready(Some(Err(match self.operation {
            Some(op) => err.with_operation(op),
            None => err,
        })))
    }
}

impl Stream for RawEventStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
        let this = &mut *self;
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            match this.framer.next_frame() {
                Ok(Some(Frame::Event(event))) => return Poll::Ready(Some(Ok(event))),
                Ok(Some(Frame::Done)) => {
                    this.end();
                    return Poll::Ready(None);
                }
                Err(err) => return this.fail(err),
                Ok(None) => {}
            }
            let Some(body) = this.body.as_mut() else {
                // The body ended and the framer has nothing left.
                this.end();
                return Poll::Ready(None);
            };
            match Pin::new(body).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.framer.push(&chunk),
                // Transport errors and the idle timeout.
                Poll::Ready(Some(Err(err))) => return this.fail(err),
                Poll::Ready(None) => {
                    this.body = None;
                    this.framer.eof = true;
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl FusedStream for RawEventStream {
    fn is_terminated(&self) -> bool {
        self.finished
    }
}

impl fmt::Debug for RawEventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawEventStream")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &DebugHeaders(&self.headers))
            .field("format", &self.framer.format())
            .field("idle_timeout", &self.idle_timeout)
            .field("max_event_size", &self.framer.max)
            .field("finished", &self.finished)
            .finish()
    }
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

/// What the framer produces.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    /// One event's bytes.
    Event(Bytes),
    /// SSE `data: [DONE]`: the end.
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Sse,
    Json,
}

/// Splits a byte stream into events. Bytes are pushed as they come; [`Framer::next_frame`]
/// returns complete events one at a time; scanning resumes where it stopped, so each byte is
/// looked at a bounded number of times.
pub(crate) struct Framer {
    /// Unconsumed bytes start at `pos`.
    buf: Vec<u8>,
    pos: usize,
    format: Option<Format>,
    bom_checked: bool,
    json: JsonScan,
    sse: SseScan,
    pub(crate) max: usize,
    /// No more bytes will come.
    pub(crate) eof: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Value {
    /// `{..}` or `[..]`.
    Container,
    /// `".."`.
    Str,
    /// A number or literal, ended by whitespace, a delimiter or the end of the stream.
    Scalar,
}

/// Progress through the current JSON value.
#[derive(Default)]
struct JsonScan {
    value: Option<Value>,
    /// Bytes of the current value already scanned (from `pos`).
    scanned: usize,
    depth: usize,
    in_str: bool,
    escaped: bool,
}

/// Progress through the current SSE event.
#[derive(Default)]
struct SseScan {
    data: Vec<u8>,
    has_data: bool,
    /// The last line ended with `\r`: a `\n` right after it belongs to it.
    skip_lf: bool,
    /// Bytes of the current line already searched for its end (from `pos`).
    line_scanned: usize,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";
const SSE_FIELDS: [&[u8]; 4] = [b"data:", b"event:", b"id:", b"retry:"];

/// JSON whitespace, plus the record separator of `application/json-seq`.
fn is_json_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x1e)
}

fn too_large(max: usize) -> Error {
    Error::invalid_response(format!(
        "a streamed event is larger than the limit of {max} bytes"
    ))
}

impl Framer {
    pub(crate) fn new(content_type: Option<&str>, max: usize) -> Self {
        let format = content_type.and_then(|ct| {
            let mime = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            match mime.as_str() {
                "text/event-stream" => Some(Format::Sse),
                "application/x-ndjson"
                | "application/ndjson"
                | "application/jsonl"
                | "application/x-jsonlines"
                | "application/jsonlines"
                | "application/json-seq" => Some(Format::Json),
                // Anything else (application/json included) is sniffed.
                _ => None,
            }
        });
        Framer {
            buf: Vec::new(),
            pos: 0,
            format,
            bom_checked: false,
            json: JsonScan::default(),
            sse: SseScan::default(),
            max: max.max(1),
            eof: false,
        }
    }

    pub(crate) fn format(&self) -> Option<Format> {
        self.format
    }

    /// Adds bytes. Called when `next_frame` returned `Ok(None)`, so only the unfinished event
    /// is kept from before.
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// The next complete event, `Ok(None)` when more bytes are needed (or, after `eof`, when
    /// the stream is over).
    pub(crate) fn next_frame(&mut self) -> Result<Option<Frame>> {
        if !self.bom_checked {
            let rest = &self.buf[self.pos..];
            if rest.len() < BOM.len() && BOM.starts_with(rest) && !self.eof {
                return Ok(None);
            }
            if rest.starts_with(BOM) {
                self.pos += BOM.len();
            }
            self.bom_checked = true;
        }
        let format = match self.format {
            Some(f) => f,
            None => match self.detect()? {
                Some(f) => {
                    self.format = Some(f);
                    f
                }
                None => return Ok(None),
            },
        };
        match format {
            Format::Json => self.next_json(),
            Format::Sse => self.next_sse(),
        }
    }

    fn detect(&mut self) -> Result<Option<Format>> {
        let rest = &self.buf[self.pos..];
        let Some(start) = rest.iter().position(|&b| !is_json_ws(b)) else {
            if rest.len() > self.max {
                return Err(too_large(self.max));
            }
            return Ok(None);
        };
        let head = &rest[start..];
        match head[0] {
            b'{' | b'[' => return Ok(Some(Format::Json)),
            b':' => return Ok(Some(Format::Sse)),
            _ => {}
        }
        if SSE_FIELDS.iter().any(|f| head.starts_with(f)) {
            return Ok(Some(Format::Sse));
        }
        if !self.eof && SSE_FIELDS.iter().any(|f| f.starts_with(head)) {
            return Ok(None);
        }
        Err(Error::invalid_response(
            "the streamed response is neither Server-Sent Events nor JSON values",
        ))
    }

    fn next_json(&mut self) -> Result<Option<Frame>> {
        let st = &mut self.json;
        let value = match st.value {
            Some(v) => v,
            None => {
                while self.pos < self.buf.len() && is_json_ws(self.buf[self.pos]) {
                    self.pos += 1;
                }
                let Some(&first) = self.buf.get(self.pos) else {
                    return Ok(None);
                };
                let v = match first {
                    b'{' | b'[' => Value::Container,
                    b'"' => Value::Str,
                    _ => Value::Scalar,
                };
                *st = JsonScan {
                    value: Some(v),
                    scanned: 1,
                    depth: 1,
                    in_str: v == Value::Str,
                    escaped: false,
                };
                v
            }
        };
        let bytes = &self.buf[self.pos..];
        let mut end = None;
        for (i, &b) in bytes.iter().enumerate().skip(st.scanned) {
            if value == Value::Scalar {
                if is_json_ws(b) || matches!(b, b'{' | b'[' | b'"') {
                    end = Some(i);
                    break;
                }
            } else if st.in_str {
                if st.escaped {
                    st.escaped = false;
                } else if b == b'\\' {
                    st.escaped = true;
                } else if b == b'"' {
                    st.in_str = false;
                    if value == Value::Str {
                        end = Some(i + 1);
                        break;
                    }
                }
            } else {
                match b {
                    b'"' => st.in_str = true,
                    b'{' | b'[' => st.depth += 1,
                    b'}' | b']' => {
                        st.depth -= 1;
                        if st.depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        let end = match end {
            Some(end) => end,
            None if self.eof && value == Value::Scalar => bytes.len(),
            None if self.eof => {
                return Err(Error::invalid_response(
                    "the stream ended in the middle of an event",
                ));
            }
            None => {
                st.scanned = bytes.len();
                if st.scanned > self.max {
                    return Err(too_large(self.max));
                }
                return Ok(None);
            }
        };
        if end > self.max {
            return Err(too_large(self.max));
        }
        let event = Bytes::copy_from_slice(&bytes[..end]);
        self.pos += end;
        *st = JsonScan::default();
        Ok(Some(Frame::Event(event)))
    }

    fn next_sse(&mut self) -> Result<Option<Frame>> {
        loop {
            let st = &mut self.sse;
            if st.skip_lf {
                match self.buf.get(self.pos) {
                    Some(&b) => {
                        if b == b'\n' {
                            self.pos += 1;
                        }
                        st.skip_lf = false;
                    }
                    None if self.eof => st.skip_lf = false,
                    None => return Ok(None),
                }
            }
            let rest = &self.buf[self.pos..];
            let found = rest
                .iter()
                .skip(st.line_scanned)
                .position(|&b| b == b'\n' || b == b'\r')
                .map(|i| i + st.line_scanned);
            let (line_len, consumed) = match found {
                Some(i) => {
                    st.skip_lf = rest[i] == b'\r';
                    (i, i + 1)
                }
                // The last line, unterminated.
                None if self.eof && !rest.is_empty() => (rest.len(), rest.len()),
                None if self.eof => {
                    // End of stream: dispatch what is pending (lenient: servers often omit the
                    // final blank line).
                    return Ok(Self::dispatch(st));
                }
                None => {
                    st.line_scanned = rest.len();
                    if st.line_scanned.saturating_add(st.data.len()) > self.max {
                        return Err(too_large(self.max));
                    }
                    return Ok(None);
                }
            };
            st.line_scanned = 0;
            let line = &rest[..line_len];
            if line.is_empty() {
                self.pos += consumed;
                match Self::dispatch(st) {
                    Some(frame) => return Ok(Some(frame)),
                    None => continue,
                }
            }
            if line[0] != b':' {
                let (field, value) = match line.iter().position(|&b| b == b':') {
                    Some(colon) => {
                        let value = &line[colon + 1..];
                        (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
                    }
                    None => (line, &b""[..]),
                };
                if field == b"data" {
                    if st.has_data {
                        st.data.push(b'\n');
                    }
                    st.data.extend_from_slice(value);
                    st.has_data = true;
                    if st.data.len() > self.max {
                        return Err(too_large(self.max));
                    }
                }
                // `event`, `id`, `retry` and unknown fields are ignored.
            }
            self.pos += consumed;
        }
    }

    /// Ends the pending SSE event: `[DONE]` ends the stream, empty data (keep-alive) is skipped.
    fn dispatch(st: &mut SseScan) -> Option<Frame> {
        if !st.has_data {
            return None;
        }
        st.has_data = false;
        let data = std::mem::take(&mut st.data);
        let trimmed = data.trim_ascii();
        if trimmed == b"[DONE]" {
            Some(Frame::Done)
        } else if trimmed.is_empty() {
            None
        } else {
            Some(Frame::Event(Bytes::from(data)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` in the given pieces, collecting frames (errors as `Err(message)`).
    fn run(
        ct: Option<&str>,
        pieces: &[&[u8]],
        max: usize,
    ) -> Vec<std::result::Result<String, String>> {
        let mut f = Framer::new(ct, max);
        let mut out = Vec::new();
        let drain = |f: &mut Framer, out: &mut Vec<_>| -> bool {
            loop {
                match f.next_frame() {
                    Ok(Some(Frame::Event(b))) => {
                        out.push(Ok(String::from_utf8_lossy(&b).into_owned()))
                    }
                    Ok(Some(Frame::Done)) => {
                        out.push(Ok("<DONE>".to_owned()));
                        return false;
                    }
                    Ok(None) => return true,
                    Err(e) => {
                        out.push(Err(e.to_string()));
                        return false;
                    }
                }
            }
        };
        for p in pieces {
            f.push(p);
            if !drain(&mut f, &mut out) {
                return out;
            }
        }
        f.eof = true;
        drain(&mut f, &mut out);
        out
    }

    fn ok(v: &[&str]) -> Vec<std::result::Result<String, String>> {
        v.iter().map(|s| Ok((*s).to_owned())).collect()
    }

    #[test]
    fn every_split_of_every_format() {
        let cases: Vec<(Option<&str>, &str, Vec<&str>)> = vec![
            (
                None,
                "{\"a\":\"x}\\\"{\"}\n[1,[2]]\n{\"b\":\"고객\"}\n",
                vec!["{\"a\":\"x}\\\"{\"}", "[1,[2]]", "{\"b\":\"고객\"}"],
            ),
            (
                None,
                "{\"a\":1}{\"b\":2}  [3]\"s\" 4 true",
                vec!["{\"a\":1}", "{\"b\":2}", "[3]", "\"s\"", "4", "true"],
            ),
            (
                Some("text/event-stream"),
                "\u{feff}: hi\r\nevent: m\r\nid: 1\r\ndata: {\"a\":\r\ndata:1}\r\n\r\ndata:{\"b\":\"고\"}\r\rdata: [DONE]\n\ndata: {\"late\":1}\n\n",
                vec!["{\"a\":\n1}", "{\"b\":\"고\"}", "<DONE>"],
            ),
            (
                None,
                "data: {\"a\":1}\n\ndata: {\"b\":2}",
                vec!["{\"a\":1}", "{\"b\":2}"],
            ),
            (
                Some("application/x-ndjson"),
                "\x1e{\"a\":1}\n\x1e{\"b\":2}\n",
                vec!["{\"a\":1}", "{\"b\":2}"],
            ),
        ];
        for (ct, input, want) in cases {
            let bytes = input.as_bytes();
            let want = ok(&want);
            assert_eq!(run(ct, &[bytes], 1 << 20), want, "whole {input:?}");
            for i in 0..=bytes.len() {
                let got = run(ct, &[&bytes[..i], &bytes[i..]], 1 << 20);
                assert_eq!(got, want, "split at {i} of {input:?}");
            }
            let singles: Vec<&[u8]> = bytes.chunks(1).collect();
            assert_eq!(run(ct, &singles, 1 << 20), want, "bytewise {input:?}");
        }
    }

    #[test]
    fn oversize_events_end_the_stream() {
        let got = run(None, &[b"{\"a\":1}", b"{\"b\":\"0123456789"], 10);
        assert_eq!(got[0], Ok("{\"a\":1}".to_owned()));
        assert!(
            got[1]
                .as_ref()
                .is_err_and(|e| e.contains("larger than the limit of 10"))
        );
        let got = run(Some("text/event-stream"), &[b"data: 0123456789abc\n\n"], 10);
        assert!(got[0].as_ref().is_err_and(|e| e.contains("larger than")));
        let got = run(None, &[b"{\"a\":\"0123456789abc\"}"], 10);
        assert!(got[0].as_ref().is_err_and(|e| e.contains("larger than")));
    }

    #[test]
    fn truncated_and_unknown_formats() {
        let got = run(None, &[b"{\"a\":1}{\"b\""], 100);
        assert!(
            got[1]
                .as_ref()
                .is_err_and(|e| e.contains("middle of an event"))
        );
        let got = run(None, &[b"hello"], 100);
        assert!(got[0].as_ref().is_err_and(|e| e.contains("neither")));
        assert!(run(None, &[b"  \n"], 100).is_empty());
        assert!(run(None, &[], 100).is_empty());
        // "da" could still become "data:".
        assert_eq!(run(None, &[b"da", b"ta: {}\n\n"], 100), ok(&["{}"]));
    }
}
