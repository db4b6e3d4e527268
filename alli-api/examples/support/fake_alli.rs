//! A small fake Alli server, so the tour runs without an account: a `tokio` TCP listener with
//! hand-written HTTP/1.1 (one request per connection, `Connection: close`), answering the
//! operations the tour uses with realistic data, and remembering every request it received so
//! the tour can show what went over the wire.
//!
//! Not a model of the real API: only its shape (paths, JSON, pagination, streaming, errors).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Every answer waits this long, like a network hop (so a 1 ms timeout always fires).
const LATENCY: Duration = Duration::from_millis(5);
/// The pause between two chunks of a streamed answer.
const CHUNK_PAUSE: Duration = Duration::from_millis(40);

/// One request as the fake server received it.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub(crate) method: String,
    /// Path and query, still percent-encoded.
    pub(crate) target: String,
    /// Lower-cased names.
    headers: Vec<(String, String)>,
    pub(crate) body: String,
    /// The status the fake server answered with.
    pub(crate) status: u16,
}

impl Seen {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The running fake server; it stops with the process.
#[derive(Clone)]
pub(crate) struct FakeAlli {
    url: String,
    state: Arc<Mutex<State>>,
}

impl FakeAlli {
    pub(crate) async fn start() -> io::Result<FakeAlli> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(Mutex::new(State::new()));
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    // A client that hung up (e.g. after its timeout) is not our problem.
                    let _ = serve(socket, state).await;
                });
            }
        });
        Ok(FakeAlli { url, state })
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Every request received so far, in order.
    pub(crate) fn requests(&self) -> Vec<Seen> {
        lock(&self.state).log.clone()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn serve(mut socket: TcpStream, state: Arc<Mutex<State>>) -> io::Result<()> {
    socket.set_nodelay(true)?;
    let Some(request) = read_request(&mut socket).await? else {
        return Ok(());
    };
    let reply = {
        let mut state = lock(&state);
        let reply = state.route(&request);
        state.log.push(Seen {
            status: reply.status,
            ..request
        });
        reply
    };
    tokio::time::sleep(LATENCY).await;
    write_reply(&mut socket, reply).await
}

/// Reads one request (head, then a `Content-Length` body). `None` if the client went away.
async fn read_request(socket: &mut TcpStream) -> io::Result<Option<Seen>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_len = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = socket.read(&mut chunk).await?;
        if n == 0 || buf.len() > 64 * 1024 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_len]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf.split_off(head_len);
    while body.len() < length {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    Ok(Some(Seen {
        method,
        target,
        headers,
        body,
        status: 0,
    }))
}

/// An answer: JSON at once, or a body streamed in chunks.
struct Reply {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    chunks: Vec<String>,
    streamed: bool,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            headers: Vec::new(),
            chunks: vec![body.to_string()],
            streamed: false,
        }
    }

    fn stream(content_type: &'static str, chunks: Vec<String>) -> Reply {
        Reply {
            content_type,
            chunks,
            streamed: true,
            ..Reply::json(200, Value::Null)
        }
    }

    fn not_found(what: &str) -> Reply {
        Reply::json(404, json!({ "detail": format!("{what} not found") }))
    }
}

async fn write_reply(socket: &mut TcpStream, reply: Reply) -> io::Result<()> {
    let reason = match reply.status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        503 => "Service Unavailable",
        _ => "Unknown",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: {}\r\nconnection: close\r\n",
        reply.status, reply.content_type
    );
    for (name, value) in &reply.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    if !reply.streamed {
        let body = reply.chunks.concat();
        let _ = write!(head, "content-length: {}\r\n\r\n{body}", body.len());
        return socket.write_all(head.as_bytes()).await;
    }
    head.push_str("transfer-encoding: chunked\r\n\r\n");
    socket.write_all(head.as_bytes()).await?;
    for chunk in reply.chunks {
        tokio::time::sleep(CHUNK_PAUSE).await;
        let framed = format!("{:x}\r\n{chunk}\r\n", chunk.len());
        socket.write_all(framed.as_bytes()).await?;
        socket.flush().await?;
    }
    socket.write_all(b"0\r\n\r\n").await
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
}

struct State {
    log: Vec<Seen>,
    conversations: Vec<Conversation>,
    apps: Vec<Value>,
    /// `GET /webapi/v2/apps/{id}` fails every other time, to show retries.
    app_gets: u32,
    /// Polls of the background run's state: running at first, then done.
    state_polls: u32,
}

const HR_APP: &str = "TExNQXBwOjU1ZTBjMDE=";
const BACKGROUND_CONVERSATION: &str = "Q29udmVyc2F0aW9uOjY2NzFiMDE=";

impl State {
    fn new() -> State {
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
            ("Q29udmVyc2F0aW9uOjY2NzFhMDE=", "연차 신청 방법 문의", ("고객-42", "민지", "김"), 0, 1_749_551_400.0, false, 230),
            ("Q29udmVyc2F0aW9uOjY2NzFhMDI=", "Contract renewal summary", ("u-1187", "Daniel", "Park"), 1, 1_749_540_000.0, true, 4),
            ("Q29udmVyc2F0aW9uOjY2NzFhMDM=", "経費精算の締め日について", ("u-2040", "葵", "佐藤"), 2, 1_749_548_000.0, false, 6),
            ("Q29udmVyc2F0aW9uOjY2NzFhMDQ=", "VPN connection drops every hour", ("u-0311", "Grace", "Lee"), 2, 1_749_553_000.0, false, 8),
            ("Q29udmVyc2F0aW9uOjY2NzFhMDU=", "Onboarding checklist for new hires", ("u-0977", "Tom", "Becker"), 0, 1_749_520_000.0, true, 2),
            ("Q29udmVyc2F0aW9uOjY2NzFhMDY=", "신규 입사자 노트북 신청", ("u-1502", "서연", "이"), 2, 1_749_549_500.0, false, 12),
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
        State {
            log: Vec::new(),
            conversations,
            apps,
            app_gets: 0,
            state_polls: 0,
        }
    }

    fn route(&mut self, request: &Seen) -> Reply {
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((&request.target, ""));
        let query: HashMap<String, String> = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (decode(k), decode(v)))
            .collect();
        let segments: Vec<String> = path
            .trim_start_matches('/')
            .split('/')
            .map(decode)
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let body: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
        match (request.method.as_str(), &segments[..]) {
            ("GET", ["webapi", "v2", "conversations"]) => self.list_conversations(&query),
            (method, ["webapi", "v2", "conversations", id, rest @ ..]) => {
                let polls = &mut self.state_polls;
                let Some(c) = self.conversations.iter_mut().find(|c| c.info["id"] == *id) else {
                    return Reply::not_found("Conversation");
                };
                match (method, rest) {
                    ("GET", []) => Reply::json(200, c.render(20)),
                    ("PATCH", []) | ("PUT", ["title"]) => {
                        for field in ["title", "assignee", "state", "categoryIds"] {
                            if let Some(value) = body.get(field) {
                                c.info[field] = value.clone();
                            }
                        }
                        Reply::json(200, c.render(20))
                    }
                    ("GET", ["chats"]) => {
                        let page: usize = query
                            .get("pageNo")
                            .and_then(|p| p.parse().ok())
                            .unwrap_or(1);
                        let chats: Vec<_> = c
                            .chats
                            .iter()
                            .skip(100 * page.saturating_sub(1))
                            .take(100)
                            .collect();
                        let total = c.chats.len();
                        Reply::json(
                            200,
                            json!({ "chats": chats, "pageNo": page, "totalCount": total }),
                        )
                    }
                    ("GET", ["running"]) => {
                        *polls += 1;
                        let running = *id == BACKGROUND_CONVERSATION && *polls < 3;
                        Reply::json(200, json!({ "isRunning": running }))
                    }
                    _ => Reply::not_found("Endpoint"),
                }
            }
            ("GET", ["webapi", "v2", "apps"]) => {
                let (apps, cursor) = page(self.apps.clone(), &query);
                Reply::json(200, json!({ "apps": apps, "cursor": cursor }))
            }
            ("GET", ["webapi", "v2", "apps", id]) => {
                self.app_gets += 1;
                match self.apps.iter().find(|a| a["id"] == *id) {
                    _ if self.app_gets % 2 == 1 => Reply {
                        headers: vec![("retry-after-ms", "50".to_owned())],
                        ..Reply::json(503, json!({ "detail": "upstream model server is busy" }))
                    },
                    Some(app) => Reply::json(200, app.clone()),
                    None => Reply::not_found("App"),
                }
            }
            ("POST", ["webapi", "apps", id, "run"]) => self.run_app(id, &body),
            ("POST", ["webapi", "generative_answer"]) => generative_answer(&body),
            ("GET", ["webapi", "conversation_daily_count"]) => daily_count(&body),
            _ => Reply::not_found("Endpoint"),
        }
    }

    fn list_conversations(&self, query: &HashMap<String, String>) -> Reply {
        let mut found: Vec<&Conversation> = self
            .conversations
            .iter()
            .filter(|c| {
                query.get("activeOnly").is_none_or(|a| a != "true") || c.info["isEnd"] == false
            })
            .filter(|c| {
                let title = c.info["title"].as_str().unwrap_or_default().to_lowercase();
                query
                    .get("searchTerm")
                    .is_none_or(|term| title.contains(&term.to_lowercase()))
            })
            .collect();
        let (key, ascending) = match query.get("order").map(String::as_str) {
            Some("LAST_CHAT_TIME_ASC") => ("lastChatTime", true),
            Some("FIRST_CHAT_TIME_DESC") => ("createdAt", false),
            Some("FIRST_CHAT_TIME_ASC") => ("createdAt", true),
            _ => ("lastChatTime", false),
        };
        found.sort_by(|a, b| {
            let (a, b) = (a.info[key].as_f64(), b.info[key].as_f64());
            let order = a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal);
            if ascending { order } else { order.reverse() }
        });
        let (conversations, cursor) = page(found.iter().map(|c| c.render(2)).collect(), query);
        Reply::json(
            200,
            json!({ "conversations": conversations, "cursor": cursor }),
        )
    }

    fn run_app(&mut self, id: &str, body: &Value) -> Reply {
        let Some(app) = self.apps.iter().find(|a| a["id"] == id) else {
            return Reply::not_found("App");
        };
        let app = json!({
            "id": app["id"], "name": app["name"], "type": app["type"], "category": app["category"],
        });
        let result = |responses: Value, conversation: &str, state: &str| {
            let mut result = app.clone();
            result["responses"] = responses;
            result["conversation"] = json!({ "id": conversation, "state": state });
            json!({ "result": result })
        };
        let answer = "In your first year you earn one day of paid leave per month worked, up to \
                      11 days. From your second year you get 15 days a year; request them in the \
                      HR portal under Leave → Request [1].";
        let citation = json!([{
            "clueId": "clue-7", "source": "DOCUMENT", "title": "Employee Handbook 2025.pdf", "pageNo": 12,
        }]);
        let response = |message: &str, completed: bool| {
            json!([{ "id": "resp-1", "type": "llm", "sender": "BOT", "message": message,
                     "completed": completed,
                     "citations": if completed { citation.clone() } else { json!([]) },
                     "createdAt": "2025-06-10T09:30:00Z" }])
        };
        let conversation = "Q29udmVyc2F0aW9uOjY2NzFhMDE=";
        match body["mode"].as_str().unwrap_or("sync") {
            "stream" => {
                let steps = ["Searching the knowledge base", "Reasoning"].map(|step| {
                    let step = json!([{ "id": "resp-1", "type": "llm", "intermediateStep":
                        { "key": step, "statusMessage": step, "completed": false } }]);
                    result(step, conversation, "in")
                });
                let words: Vec<&str> = answer.split_inclusive(' ').collect();
                let partial = words.chunks(6).scan(String::new(), |text, chunk| {
                    text.push_str(&chunk.concat());
                    Some(result(response(text, false), conversation, "in"))
                });
                let done = result(response(answer, true), conversation, "in");
                let events = steps.into_iter().chain(partial).chain([done]);
                Reply::stream(
                    "application/x-ndjson",
                    events.map(|e| format!("{e}\n")).collect(),
                )
            }
            "background" => {
                let id = BACKGROUND_CONVERSATION;
                let question = body["chat"]["message"].as_str().unwrap_or("(no message)");
                let mut info = self.conversations[0].info.clone();
                info["id"] = json!(id);
                info["title"] = json!(question);
                let answer = "3 tickets are open: VPN drops (high), laptop request (medium), \
                              printer on 7F (low).";
                let mut reply = chat(id, 1, 1_749_560_030.0, question);
                reply["message"] = json!(answer);
                let chats = vec![chat(id, 0, 1_749_560_000.0, question), reply];
                self.conversations.push(Conversation { info, chats });
                Reply::json(200, result(json!([]), id, "running"))
            }
            _ => Reply::json(200, result(response(answer, true), conversation, "in")),
        }
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

/// One cursor page of `items` (cursor `cur_<offset>`, `pageSize` 1..=50, default 50).
fn page(items: Vec<Value>, query: &HashMap<String, String>) -> (Vec<Value>, Value) {
    let size: usize = query
        .get("pageSize")
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let size = size.clamp(1, 50);
    let start: usize = query
        .get("cursor")
        .and_then(|c| c.strip_prefix("cur_")?.parse().ok())
        .unwrap_or(0);
    let next = start + size;
    let cursor = if next < items.len() {
        json!(format!("cur_{next}"))
    } else {
        Value::Null
    };
    (items.into_iter().skip(start).take(size).collect(), cursor)
}

fn generative_answer(body: &Value) -> Reply {
    let query = body["query"].as_str().unwrap_or_default();
    if query.trim().is_empty() {
        return Reply::json(400, json!({ "errors": "query must not be empty" }));
    }
    let text = "Install the GlobalProtect client from the IT portal, sign in with your company \
                SSO account and pick the \"Seoul-HQ\" gateway [1]. If the connection drops every \
                hour, update the client to version 6.2 or later [2].";
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
    if body["mode"] != "stream" {
        return Reply::json(200, event(text, true));
    }
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    let mut chunks = vec![": keep-alive\n\n".to_owned()];
    let mut so_far = String::new();
    for (i, part) in words.chunks(5).enumerate() {
        so_far.push_str(&part.concat());
        let done = (i + 1) * 5 >= words.len();
        chunks.push(format!(
            "event: message\ndata: {}\n\n",
            event(&so_far, done)
        ));
    }
    chunks.push("data: [DONE]\n\n".to_owned());
    Reply::stream("text/event-stream", chunks)
}

/// An envelope error (HTTP 200, `errors` set) for dates that are not `YYYY-MM-DD`.
fn daily_count(body: &Value) -> Reply {
    let bad = ["startDate", "endDate"].into_iter().find(|field| {
        let date = body[*field].as_str().unwrap_or("2025-06-01");
        let parts: Vec<u32> = date.split('-').filter_map(|p| p.parse().ok()).collect();
        !matches!(parts[..], [_, 1..=12, 1..=31])
    });
    match bad {
        Some(field) => Reply::json(
            200,
            json!({
                "result": null,
                "errors": { "message": format!("{field} must be a date in YYYY-MM-DD format") },
            }),
        ),
        None => Reply::json(
            200,
            json!({
                "result": { "dailyTotalCount": [
                    { "date": "2025-06-09", "activeCount": 41 },
                    { "date": "2025-06-10", "activeCount": 57 },
                ] },
                "errors": null,
            }),
        ),
    }
}

fn decode(raw: &str) -> String {
    percent_encoding::percent_decode_str(&raw.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}
