//! A scriptable local HTTP/1.1 server for wire-level tests.
//!
//! [`TestServer`] listens on `127.0.0.1:<random port>`, records every request it receives
//! ([`RecordedRequest`]: method, raw target, headers in order, body bytes, arrival time) and
//! answers each one with a [`Reply`], taken either from a FIFO script ([`TestServer::push`]) or
//! from a handler closure ([`TestServer::with_handler`]). It is a small hand-written HTTP/1.1
//! loop on `TcpListener`, so a reply can do things a real server library would not let it do:
//!
//! - answer with any status, headers and body ([`Reply::status`], [`Reply::json`],
//!   [`Reply::header`], [`Reply::body`]);
//! - wait before answering ([`Reply::delay`]), to test timeouts and concurrency;
//! - send the body in chosen chunks with pauses between them ([`Reply::chunks`]), with
//!   `Transfer-Encoding: chunked` and `TCP_NODELAY`, to test streaming at chunk boundaries;
//! - read the request and close the connection without answering
//!   ([`Reply::drop_connection`]): the server may have acted, so a POST must not be retried;
//! - write arbitrary bytes ([`Reply::raw`]);
//! - send a body of any size without holding it in memory ([`Reply::generated`], bytes from
//!   [`generated_byte`]), and cut any body after some bytes by closing the connection
//!   ([`Reply::cut_after`]) to test truncated downloads.
//!
//! Connections are kept alive (the client's pool reuses them) unless the request or the reply
//! says `Connection: close`. [`refused_url`] gives a URL nobody listens on, and
//! [`TestServer::start_delayed`] a server that refuses connections for a while and then
//! accepts them (to prove a refused request is retried).
//!
//! Dropping the server stops it, aborting connections still being served.
//!
//! ```no_run
//! # async fn demo() {
//! use alli_api_tests::{Reply, TestServer};
//! let server = TestServer::start().await;
//! server.push(Reply::status(503).header("Retry-After", "0"));
//! server.push(Reply::json(200, serde_json::json!({"ok": true})));
//! // ... point a client at server.url() ...
//! assert_eq!(server.requests().len(), 0);
//! # }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

/// Largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// Arrival order, from 0.
    pub index: usize,
    /// Which connection it came on (connections numbered from 0 in accept order).
    pub connection: usize,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target exactly as sent: raw path and query, still percent-encoded.
    pub target: String,
    /// Headers in the order received; names lower-cased, values as raw bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body (de-chunked when sent chunked).
    pub body: Vec<u8>,
    /// When the request (head and body) was fully read.
    pub received_at: Instant,
}

impl RecordedRequest {
    /// The raw path (before `?`), still percent-encoded.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The raw query string (after `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The query pairs in order, percent-decoded (`+` is kept as is).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query()
            .map(|q| {
                q.split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (k, v) = p.split_once('=').unwrap_or((p, ""));
                        (percent_decode(k), percent_decode(v))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The values of a query parameter, in order.
    pub fn query_values(&self, name: &str) -> Vec<String> {
        self.query_pairs()
            .into_iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v)
            .collect()
    }

    /// The first value of header `name` (case-insensitive), as text (lossy UTF-8).
    pub fn header(&self, name: &str) -> Option<String> {
        self.header_values(name).into_iter().next()
    }

    /// Every value of header `name` (case-insensitive), in order.
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .collect()
    }

    /// True when header `name` was sent.
    pub fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The body as text (lossy UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::from_slice(&self.body)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Clone, Debug)]
enum Action {
    Respond,
    /// Close the connection without answering.
    Drop,
    /// Write these bytes verbatim, then close.
    Raw(Vec<u8>),
}

#[derive(Clone, Debug)]
enum Body {
    Full(Vec<u8>),
    /// `Transfer-Encoding: chunked`, one HTTP chunk per piece, with a pause between pieces.
    Chunks(Vec<Vec<u8>>, Duration),
    /// `len` bytes of [`generated_byte`], written in 64 KiB pieces with `Content-Length`.
    Generated(u64),
}

/// Byte `i` of a [`Reply::generated`] body: a pattern that repeats every 251 bytes (a prime, so
/// it never lines up with chunk sizes).
pub fn generated_byte(i: u64) -> u8 {
    (i % 251) as u8
}

/// How the server answers one request. Built with a constructor and chained setters.
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    delay: Duration,
    action: Action,
    /// Close the connection after this many body bytes (the head is always written whole).
    cut_after: Option<u64>,
}

impl Reply {
    /// Status `code`, empty body.
    pub fn status(code: u16) -> Self {
        Reply {
            status: code,
            headers: Vec::new(),
            body: Body::Full(Vec::new()),
            delay: Duration::ZERO,
            action: Action::Respond,
            cut_after: None,
        }
    }

    /// `200 OK`, empty body.
    pub fn ok() -> Self {
        Self::status(200)
    }

    /// Status `code` with `value` as JSON (`Content-Type: application/json`).
    pub fn json(code: u16, value: serde_json::Value) -> Self {
        Self::status(code)
            .header("Content-Type", "application/json")
            .body(value.to_string())
    }

    /// Status `code` with a plain-text body.
    pub fn text(code: u16, text: &str) -> Self {
        Self::status(code)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(text)
    }

    /// Reads the request, then closes the connection without answering (after the delay, if
    /// any). The client cannot tell whether the server acted on the request.
    pub fn drop_connection() -> Self {
        Reply {
            action: Action::Drop,
            ..Self::status(200)
        }
    }

    /// Reads the request, then writes `bytes` verbatim and closes the connection.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Self {
        Reply {
            action: Action::Raw(bytes.into()),
            ..Self::status(200)
        }
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body (sent with `Content-Length`).
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Body::Full(body.into());
        self
    }

    /// Sends the body as these chunks (`Transfer-Encoding: chunked`), flushing each one and
    /// pausing `between` after each but the last.
    pub fn chunks<C: Into<Vec<u8>>>(
        mut self,
        chunks: impl IntoIterator<Item = C>,
        between: Duration,
    ) -> Self {
        self.body = Body::Chunks(chunks.into_iter().map(Into::into).collect(), between);
        self
    }

    /// A body of `len` bytes ([`generated_byte`]`(0..len)`), with `Content-Length`, written as
    /// it goes (never held in memory whole): for downloads of any size.
    pub fn generated(mut self, len: u64) -> Self {
        self.body = Body::Generated(len);
        self
    }

    /// Writes only the first `bytes` bytes of a [`body`](Self::body) or
    /// [`generated`](Self::generated) body (the head announces the whole), then
    /// closes the connection: a truncated response.
    pub fn cut_after(mut self, bytes: u64) -> Self {
        self.cut_after = Some(bytes);
        self
    }

    /// Waits this long after reading the request before answering (or dropping).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Handler = Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>;

enum Responder {
    Script {
        queue: VecDeque<Reply>,
        fallback: Option<Reply>,
    },
    Handler(Handler),
}

struct Shared {
    requests: Mutex<Vec<RecordedRequest>>,
    responder: Mutex<Responder>,
    recorded: Notify,
    connections: AtomicUsize,
    active: AtomicUsize,
    max_active: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock must not hide the other failures.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The local HTTP server. See the [module docs](self).
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl fmt::Debug for TestServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .field("requests", &lock(&self.shared.requests).len())
            .finish()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// A server answering from the script ([`push`](Self::push)); when the script is empty it
    /// answers the fallback ([`set_fallback`](Self::set_fallback)), by default
    /// `418` with a body saying no reply was scripted.
    pub async fn start() -> Self {
        Self::spawn(Self::script(), Duration::ZERO, None).await
    }

    /// A server answering every request with `handler(&request)`.
    pub async fn with_handler(
        handler: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::spawn(Responder::Handler(Arc::new(handler)), Duration::ZERO, None).await
    }

    /// A scripted server whose port refuses connections for `delay`, then accepts them. The
    /// URL is known at once.
    pub async fn start_delayed(delay: Duration) -> Self {
        let port = match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
            Ok(addr) => addr.port(),
            Err(e) => panic!("cannot reserve a port: {e}"),
        };
        Self::spawn(Self::script(), delay, Some(port)).await
    }

    fn script() -> Responder {
        Responder::Script {
            queue: VecDeque::new(),
            fallback: None,
        }
    }

    async fn spawn(responder: Responder, delay: Duration, port: Option<u16>) -> Self {
        let shared = Arc::new(Shared {
            requests: Mutex::new(Vec::new()),
            responder: Mutex::new(responder),
            recorded: Notify::new(),
            connections: AtomicUsize::new(0),
            active: AtomicUsize::new(0),
            max_active: AtomicUsize::new(0),
        });
        let (addr, listener) = match port {
            None => {
                let listener = match TcpListener::bind("127.0.0.1:0").await {
                    Ok(l) => l,
                    Err(e) => panic!("cannot bind the test server: {e}"),
                };
                let addr = match listener.local_addr() {
                    Ok(a) => a,
                    Err(e) => panic!("test server has no address: {e}"),
                };
                (addr, Some(listener))
            }
            Some(port) => (SocketAddr::from(([127, 0, 0, 1], port)), None),
        };
        let task_shared = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            let listener = match listener {
                Some(l) => l,
                None => {
                    tokio::time::sleep(delay).await;
                    match bind_reuse(addr) {
                        Ok(l) => l,
                        Err(e) => panic!("cannot bind the delayed test server on {addr}: {e}"),
                    }
                }
            };
            accept_loop(listener, task_shared).await;
        });
        TestServer { addr, shared, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a reply (scripted servers; a handler server ignores it... by panicking, to catch
    /// the mistake).
    pub fn push(&self, reply: Reply) -> &Self {
        match &mut *lock(&self.shared.responder) {
            Responder::Script { queue, .. } => queue.push_back(reply),
            Responder::Handler(_) => panic!("push() on a handler server"),
        }
        self
    }

    /// Queues several replies.
    pub fn push_all(&self, replies: impl IntoIterator<Item = Reply>) -> &Self {
        for r in replies {
            self.push(r);
        }
        self
    }

    /// The reply used when the script is empty.
    pub fn set_fallback(&self, reply: Reply) -> &Self {
        match &mut *lock(&self.shared.responder) {
            Responder::Script { fallback, .. } => *fallback = Some(reply),
            Responder::Handler(_) => panic!("set_fallback() on a handler server"),
        }
        self
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// How many requests were received so far.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// The only request received; panics (with the requests) if there were not exactly one.
    pub fn single_request(&self) -> RecordedRequest {
        let requests = self.requests();
        match <[RecordedRequest; 1]>::try_from(requests) {
            Ok([r]) => r,
            Err(requests) => panic!(
                "expected exactly one request, got {}: {:?}",
                requests.len(),
                requests
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.target))
                    .collect::<Vec<_>>()
            ),
        }
    }

    /// Waits until at least `n` requests were received; false after `timeout`.
    pub async fn wait_for_requests(&self, n: usize, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.recorded.notified();
            if self.request_count() >= n {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.request_count() >= n;
            }
        }
    }

    /// Connections accepted so far.
    pub fn connection_count(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// The largest number of requests that were being answered at the same time (between
    /// being read and the reply being fully written).
    pub fn max_concurrent_requests(&self) -> usize {
        self.shared.max_active.load(Ordering::SeqCst)
    }
}

/// A URL on which nothing listens: connecting is refused.
pub fn refused_url() -> String {
    match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
        // The listener is dropped here, closing the port.
        Ok(addr) => format!("http://{addr}"),
        Err(e) => panic!("cannot reserve a port: {e}"),
    }
}

fn bind_reuse(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(128)
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Dropping the set (when the server task is aborted) aborts every connection task.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let id = shared.connections.fetch_add(1, Ordering::SeqCst);
                connections.spawn(serve_connection(stream, id, Arc::clone(&shared)));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Why reading a request stopped.
enum ReadEnd {
    /// The client closed the connection (cleanly, between requests).
    Closed,
    /// Malformed input.
    Bad(String),
}

async fn serve_connection(mut stream: TcpStream, connection: usize, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let request = match read_request(&mut stream, &mut buf, connection).await {
            Ok(r) => r,
            Err(ReadEnd::Closed) => return,
            Err(ReadEnd::Bad(msg)) => {
                let body = format!("bad request: {msg}");
                let _ = stream
                    .write_all(
                        format!(
                            "HTTP/1.1 400 Bad Request\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .await;
                return;
            }
        };
        let client_close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let request = {
            let mut requests = lock(&shared.requests);
            let mut request = request;
            request.index = requests.len();
            requests.push(request.clone());
            request
        };
        shared.recorded.notify_waiters();
        let reply = {
            let mut responder = lock(&shared.responder);
            match &mut *responder {
                Responder::Script { queue, fallback } => queue
                    .pop_front()
                    .or_else(|| fallback.clone())
                    .unwrap_or_else(|| {
                        Reply::text(
                            418,
                            &format!("no scripted reply for request #{}", request.index),
                        )
                    }),
                Responder::Handler(h) => {
                    let h = Arc::clone(h);
                    drop(responder);
                    h(&request)
                }
            }
        };

        let active = shared.active.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_active.fetch_max(active, Ordering::SeqCst);
        let keep_open = answer(&mut stream, &reply).await;
        shared.active.fetch_sub(1, Ordering::SeqCst);
        let reply_close = reply
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"));
        if !keep_open || client_close || reply_close {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// Writes the reply; false when the connection must be closed.
async fn answer(stream: &mut TcpStream, reply: &Reply) -> bool {
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    match &reply.action {
        Action::Drop => return false,
        Action::Raw(bytes) => {
            let _ = stream.write_all(bytes).await;
            let _ = stream.flush().await;
            return false;
        }
        Action::Respond => {}
    }
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (n, v) in &reply.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    let has = |name: &str| {
        reply
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    let cut = reply.cut_after;
    match &reply.body {
        Body::Full(body) => {
            if !has("content-length") {
                head.push_str(&format!("content-length: {}\r\n", body.len()));
            }
            head.push_str("\r\n");
            let mut out = head.into_bytes();
            let keep = cut.map_or(body.len(), |c| body.len().min(c as usize));
            out.extend_from_slice(&body[..keep]);
            stream.write_all(&out).await.is_ok() && stream.flush().await.is_ok() && cut.is_none()
        }
        Body::Generated(len) => {
            if !has("content-length") {
                head.push_str(&format!("content-length: {len}\r\n"));
            }
            head.push_str("\r\n");
            if stream.write_all(head.as_bytes()).await.is_err() {
                return false;
            }
            let end = cut.map_or(*len, |c| c.min(*len));
            let mut at = 0u64;
            let mut piece = Vec::with_capacity(64 * 1024);
            while at < end {
                let n = (end - at).min(64 * 1024);
                piece.clear();
                piece.extend((at..at + n).map(generated_byte));
                if stream.write_all(&piece).await.is_err() {
                    return false;
                }
                at += n;
            }
            stream.flush().await.is_ok() && cut.is_none()
        }
        Body::Chunks(chunks, between) => {
            head.push_str("transfer-encoding: chunked\r\n\r\n");
            if stream.write_all(head.as_bytes()).await.is_err() {
                return false;
            }
            for (i, chunk) in chunks.iter().enumerate() {
                if i > 0 && !between.is_zero() {
                    tokio::time::sleep(*between).await;
                }
                if chunk.is_empty() {
                    // An empty HTTP chunk would end the body.
                    continue;
                }
                let mut out = format!("{:x}\r\n", chunk.len()).into_bytes();
                out.extend_from_slice(chunk);
                out.extend_from_slice(b"\r\n");
                if stream.write_all(&out).await.is_err() || stream.flush().await.is_err() {
                    return false;
                }
            }
            stream.write_all(b"0\r\n\r\n").await.is_ok() && stream.flush().await.is_ok()
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        418 => "I'm a teapot",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Reads more bytes into `buf`; false at end of stream.
async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut chunk = [0u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n > 0)
}

async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    connection: usize,
) -> Result<RecordedRequest, ReadEnd> {
    // The head.
    let (method, target, headers, head_len) = loop {
        let mut slots = [httparse::EMPTY_HEADER; 128];
        let mut req = httparse::Request::new(&mut slots);
        match req.parse(buf) {
            Ok(httparse::Status::Complete(len)) => {
                let headers: Vec<(String, Vec<u8>)> = req
                    .headers
                    .iter()
                    .map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec()))
                    .collect();
                break (
                    req.method.unwrap_or("").to_owned(),
                    req.path.unwrap_or("").to_owned(),
                    headers,
                    len,
                );
            }
            Ok(httparse::Status::Partial) => {
                if buf.len() > MAX_HEAD {
                    return Err(ReadEnd::Bad("request head too large".into()));
                }
                match fill(stream, buf).await {
                    Ok(true) => {}
                    Ok(false) if buf.is_empty() => return Err(ReadEnd::Closed),
                    Ok(false) => return Err(ReadEnd::Bad("connection closed mid-request".into())),
                    Err(_) => return Err(ReadEnd::Closed),
                }
            }
            Err(e) => return Err(ReadEnd::Bad(e.to_string())),
        }
    };
    buf.drain(..head_len);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| String::from_utf8_lossy(v).trim().to_ascii_lowercase())
    };
    let chunked = header("transfer-encoding").is_some_and(|v| v.contains("chunked"));
    let body = if chunked {
        read_chunked(stream, buf).await?
    } else {
        let len: usize = match header("content-length") {
            Some(v) => v
                .parse()
                .map_err(|_| ReadEnd::Bad(format!("bad content-length {v:?}")))?,
            None => 0,
        };
        while buf.len() < len {
            match fill(stream, buf).await {
                Ok(true) => {}
                _ => return Err(ReadEnd::Bad("connection closed mid-body".into())),
            }
        }
        buf.drain(..len).collect()
    };
    Ok(RecordedRequest {
        // Set when recorded.
        index: 0,
        connection,
        method,
        target,
        headers,
        body,
        received_at: Instant::now(),
    })
}

async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Vec<u8>, ReadEnd> {
    let mut body = Vec::new();
    loop {
        // Chunk size line.
        let line_end = loop {
            if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
                break i;
            }
            match fill(stream, buf).await {
                Ok(true) => {}
                _ => return Err(ReadEnd::Bad("connection closed in a chunk header".into())),
            }
        };
        let line = String::from_utf8_lossy(&buf[..line_end]).into_owned();
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| ReadEnd::Bad(format!("bad chunk size {size_text:?}")))?;
        buf.drain(..line_end + 2);
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
                    buf.drain(..i + 2);
                    if i == 0 {
                        return Ok(body);
                    }
                    continue;
                }
                match fill(stream, buf).await {
                    Ok(true) => {}
                    _ => return Err(ReadEnd::Bad("connection closed in trailers".into())),
                }
            }
        }
        while buf.len() < size + 2 {
            match fill(stream, buf).await {
                Ok(true) => {}
                _ => return Err(ReadEnd::Bad("connection closed in a chunk".into())),
            }
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}
