//! The HTTP side: a hyper 1 HTTP/1.1 server on a local TCP socket, and the faults it can play.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{StreamExt as _, stream};
use http::{HeaderName, HeaderValue, Response, StatusCode};
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::expect::{Action, Fault, Payload, Step};
use super::received::ReceivedRequest;
use super::state::{Decision, MOCK_HEADER, Shared};

type Body = BoxBody<Bytes, io::Error>;

/// Accepts connections until the task is aborted (when the mock is dropped); each connection
/// is served on its own task, aborted with it.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else { continue };
                let _ = socket.set_nodelay(true);
                connections.spawn(connection(socket, Arc::clone(&shared)));
            }
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Binds a local port.
pub(crate) async fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

async fn connection(socket: TcpStream, shared: Arc<Shared>) {
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(FaultIo {
        inner: socket,
        reset: Arc::clone(&reset),
    });
    let service = hyper::service::service_fn(move |req| {
        let shared = Arc::clone(&shared);
        let reset = Arc::clone(&reset);
        async move { handle(req, shared, reset).await }
    });
    // A client that goes away, or a fault we play, ends the connection with an error: fine.
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, service)
        .await;
}

/// The error a service returns to make hyper drop the connection without answering.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the mock")
    }
}

impl std::error::Error for Dropped {}

async fn handle(
    req: http::Request<Incoming>,
    shared: Arc<Shared>,
    reset: Arc<AtomicBool>,
) -> Result<Response<Body>, Dropped> {
    let received_at = Instant::now();
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Err(Dropped),
    };
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or("").to_owned();
    let request = ReceivedRequest {
        index: 0,
        method: parts.method,
        query_pairs: parse_query(&query),
        path,
        query,
        path_params: Vec::new(),
        headers: parts.headers,
        body,
        operation: None,
        status: None,
        received_at,
    };
    let (index, decision) = shared.decide(request);
    let (op, step) = match decision {
        Decision::Reject { status, kind, body } => {
            shared.set_status(index, status);
            let mut response = json_response(status, &body);
            if let Ok(v) = HeaderValue::from_str(kind) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(MOCK_HEADER), v);
            }
            return Ok(response);
        }
        Decision::Answer { op, step } => (op, step),
    };
    let step = match step {
        Some(step) => step,
        None => synthesized_step(&shared, op),
    };
    if !step.delay.is_zero() {
        tokio::time::sleep(step.delay).await;
    }
    match step.action {
        Action::Fault(fault) => {
            if fault == Fault::ConnectionReset {
                reset.store(true, Ordering::SeqCst);
            }
            Err(Dropped)
        }
        Action::Respond {
            status,
            headers,
            payload,
            truncated,
        } => {
            shared.set_status(index, status);
            Ok(respond(status, &headers, payload, truncated, reset))
        }
    }
}

/// The documented success answer, its body synthesized from the schema.
fn synthesized_step(shared: &Shared, op: usize) -> Step {
    let success = &shared.doc.operations[op].success;
    let payload = match &success.media_type {
        None => Payload::Empty,
        Some(mt) if super::document::is_json(mt) => Payload::Json(shared.synthesized(op)),
        Some(mt) => Payload::Raw {
            content_type: mt.clone(),
            bytes: match shared.synthesized(op) {
                Value::String(s) => Bytes::from(s),
                _ => Bytes::new(),
            },
        },
    };
    Step {
        action: Action::Respond {
            status: success.status,
            headers: Vec::new(),
            payload,
            truncated: false,
        },
        delay: Duration::ZERO,
    }
}

fn json_response(status: u16, body: &Value) -> Response<Body> {
    respond(
        status,
        &[],
        Payload::Json(body.clone()),
        false,
        Arc::new(AtomicBool::new(false)),
    )
}

fn respond(
    status: u16,
    headers: &[(String, String)],
    payload: Payload,
    truncated: bool,
    reset: Arc<AtomicBool>,
) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (content_type, body): (Option<String>, Body) = match payload {
        Payload::Empty => (None, Full::new(Bytes::new()).map_err(never).boxed()),
        Payload::Json(value) => {
            let bytes = Bytes::from(value.to_string());
            (
                Some("application/json".to_owned()),
                whole(bytes, truncated, reset),
            )
        }
        Payload::Raw {
            content_type,
            bytes,
        } => (
            (!content_type.is_empty()).then_some(content_type),
            whole(bytes, truncated, reset),
        ),
        Payload::Events { events, interval } => (
            Some("text/event-stream".to_owned()),
            event_stream(events, interval, truncated, reset),
        ),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let h = response.headers_mut();
    if let Some(ct) = content_type {
        if let Ok(v) = HeaderValue::from_str(&ct) {
            h.insert(http::header::CONTENT_TYPE, v);
        }
    }
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            // A header given for the answer replaces the default of the same name.
            if n == http::header::CONTENT_TYPE {
                h.insert(n, v);
            } else {
                h.append(n, v);
            }
        }
    }
    response
}

fn never(e: Infallible) -> io::Error {
    match e {}
}

/// A whole body; truncated: announced in full, half sent, then the connection reset.
fn whole(bytes: Bytes, truncated: bool, reset: Arc<AtomicBool>) -> Body {
    if !truncated {
        return Full::new(bytes).map_err(never).boxed();
    }
    let len = bytes.len() as u64;
    let half = bytes.slice(..bytes.len() / 2);
    let frames = stream::iter([Ok(Frame::data(half))]).chain(cut(reset));
    SizedStream {
        inner: BodyExt::boxed(StreamBody::new(frames)),
        len,
    }
    .boxed()
}

/// A stream that sets the reset flag and fails, which makes hyper drop the connection.
fn cut(reset: Arc<AtomicBool>) -> impl futures_util::Stream<Item = io::Result<Frame<Bytes>>> {
    stream::once(async move {
        // Let the part already written reach the client before the reset.
        tokio::time::sleep(Duration::from_millis(20)).await;
        reset.store(true, Ordering::SeqCst);
        Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "truncated by the mock",
        ))
    })
}

/// Server-Sent Events, one `data:` line per event, `interval` apart.
fn event_stream(
    events: Vec<Value>,
    interval: Duration,
    truncated: bool,
    reset: Arc<AtomicBool>,
) -> Body {
    let mut frames: Vec<Bytes> = events
        .iter()
        .map(|e| Bytes::from(format!("data: {e}\n\n")))
        .collect();
    if truncated {
        if let Some(last) = frames.pop() {
            frames.push(last.slice(..last.len() / 2));
        }
    }
    let paced = stream::iter(frames.into_iter().enumerate()).then(move |(i, frame)| async move {
        if i > 0 && !interval.is_zero() {
            tokio::time::sleep(interval).await;
        }
        Ok::<_, io::Error>(Frame::data(frame))
    });
    if truncated {
        BodyExt::boxed(StreamBody::new(paced.chain(cut(reset))))
    } else {
        BodyExt::boxed(StreamBody::new(paced))
    }
}

/// A body with a known length (so hyper sends `Content-Length`) whose frames come from a stream.
struct SizedStream {
    inner: Body,
    len: u64,
}

impl hyper::body::Body for SizedStream {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.len)
    }
}

/// `a=1&b=x%20y` → pairs, decoded (`+` is a space, as in forms).
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// The connection's socket; once a fault asks for a reset, it writes nothing more and is closed
/// with `SO_LINGER` 0, so the peer gets a TCP RST instead of an orderly close.
struct FaultIo {
    inner: TcpStream,
    reset: Arc<AtomicBool>,
}

impl FaultIo {
    fn resetting(&self) -> bool {
        self.reset.load(Ordering::SeqCst)
    }
}

impl Drop for FaultIo {
    fn drop(&mut self) {
        if self.resetting() {
            let _ = socket2::SockRef::from(&self.inner).set_linger(Some(Duration::ZERO));
        }
    }
}

impl AsyncRead for FaultIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.resetting() {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.resetting() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.resetting() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
