//! A guided tour of `alli-api`: the main features end to end, narrated.
//!
//! ```text
//! cargo run -p alli-api --example tour                   # offline, against alli_api::mock
//! ALLI_API_KEY=.. cargo run -p alli-api --example tour   # the real API, read-only calls
//! ALLI_API_KEY=.. cargo run -p alli-api --example tour -- --write
//! cargo run -p alli-api --example tour -- --serve        # only the mock server, to point the
//!                                                        # other examples at (ALLI_BASE_URL)
//! ```
//!
//! Without `ALLI_API_KEY` the tour starts the crate's mock Alli server (`alli_api::mock`, with
//! the rules in `support/mock_alli.rs`), shows what goes over the wire, and ends by verifying
//! that every rule was used as expected. With `ALLI_API_KEY` it talks to the real API
//! (`ALLI_BASE_URL` or `ALLI_REGION=ja` choose the server, `ALLI_OWN_USER_ID` the end user),
//! read-only unless `--write` is given: then it also runs an app (`ALLI_APP_ID`, else the first
//! app listed), asks a generative answer, and renames and unassigns a conversation.

#[path = "support/answers.rs"]
mod answers;
#[path = "support/mock_alli.rs"]
mod mock_alli;
#[path = "support/real_api.rs"]
mod real_api;

use std::time::{Duration, Instant};

use alli_api::mock::MockAlli;
use alli_api::types::{Chat, GetGenerativeAnswerError, ListOrder, RunAppChat};
use alli_api::{Client, ClientBuilder, ErrorKind, RequestOptions};
use futures_util::{StreamExt, TryStreamExt};

use answers::Typewriter;
use mock_alli::MISSING_CONVERSATION;

type Result<T = (), E = Box<dyn std::error::Error + Send + Sync>> = std::result::Result<T, E>;

const APP_QUESTION: &str = "How many days of annual leave do I get in my first year?";
const ANSWER_QUESTION: &str = "How do I connect to the office VPN from home?";

#[tokio::main]
async fn main() -> Result {
    let write = std::env::args().skip(1).any(|arg| arg == "--write");
    if std::env::args().skip(1).any(|arg| arg == "--serve") {
        // Only the mock server, to try the other examples against (ALLI_BASE_URL=<its URL>).
        let mock = mock_alli::start(true).await?;
        println!("mock Alli server at {} (Ctrl-C stops it)", mock.url());
        return std::future::pending().await;
    }
    println!("alli-api: a guided tour");
    println!("=======================");
    let (builder, mock) = match real_api::builder_from_env() {
        Some(builder) => {
            println!("ALLI_API_KEY is set: this tour talks to the real Alli API.");
            if !write {
                println!("Read-only: pass `-- --write` to also run an app, ask a generative");
                println!("answer and rename a conversation.");
            }
            (builder, None)
        }
        None => {
            let mock = mock_alli::start(false).await?;
            println!("No ALLI_API_KEY, so the tour runs against the mock Alli server of");
            println!("alli_api::mock, started in-process; lines marked `wire:` show what it");
            println!("received and answered.");
            println!("(To tour the real API, {}.)", real_api::SETUP);
            let builder = Client::builder()
                .api_key("demo-key")
                .base_url(mock.url())
                .own_user_id("고객-42");
            (builder, Some(mock))
        }
    };
    let mut tour = Tour::new(builder, mock, write)?;
    tour.first_page().await?;
    tour.every_conversation().await?;
    tour.chats().await?;
    tour.get_and_update().await?;
    tour.apps().await?;
    tour.run_app().await?;
    tour.run_app_streaming().await?;
    tour.run_app_in_background().await?;
    tour.generative_answer().await?;
    tour.errors().await?;
    tour.per_request_options().await?;
    match &tour.mock {
        Some(mock) => {
            let requests = mock.received_requests().len();
            // Every rule used as often as expected, nothing unmatched or invalid.
            mock.check()?;
            println!("\nTour complete: {requests} requests to the mock server, all as expected.");
        }
        None => println!("\nTour complete."),
    }
    Ok(())
}

struct Tour {
    client: Client,
    mock: Option<MockAlli>,
    write: bool,
    section: u32,
    /// Requests of the mock server already shown.
    wire_mark: usize,
    /// The conversation with the most chats, found by `every_conversation`.
    conversation_id: Option<String>,
    /// The app to run, found by `apps`.
    app_id: Option<String>,
}

impl Tour {
    fn new(builder: ClientBuilder, mock: Option<MockAlli>, write: bool) -> Result<Tour> {
        let client = builder.user_agent_suffix("alli-tour/0.1").build()?;
        let mut tour = Tour {
            client,
            mock,
            write,
            section: 0,
            wire_mark: 0,
            conversation_id: None,
            app_id: None,
        };
        tour.heading("A client");
        if tour.mock.is_some() {
            println!(
                "   Client::builder().api_key(..).base_url(..).own_user_id(\"고객-42\").build()?"
            );
        }
        let client = &tour.client;
        println!("   base URL {}", client.base_url());
        println!("   (Region::Us = https://backend.alli.ai is the default, Region::Ja =");
        println!("   https://backend-ja.alli.ai; a base_url(..) wins over the region)");
        println!(
            "   timeout {:?} per attempt, {} retries, {} pages at once: the defaults",
            client.timeout(),
            client.max_retries(),
            client.page_concurrency()
        );
        println!("   Debug output never shows the key: {client:?}");
        Ok(tour)
    }

    fn heading(&mut self, title: &str) {
        self.section += 1;
        let heading = format!("{}. {title}", self.section);
        println!("\n{heading}\n{}", "-".repeat(heading.chars().count()));
    }

    /// Starts a section: its heading, and the client to use (a cheap clone).
    fn section(&mut self, title: &str) -> Client {
        self.heading(title);
        self.client.clone()
    }

    /// The conversation the later sections look at, if the listing found one.
    fn conversation(&self) -> Option<String> {
        if self.conversation_id.is_none() {
            println!("   (no conversation to look at)");
        }
        self.conversation_id.clone()
    }

    /// Prints the requests the mock server received since the last call (nothing for the
    /// real API), with the values of `headers`.
    fn wire(&mut self, headers: &[&str]) {
        let Some(mock) = &self.mock else { return };
        let requests = mock.received_requests();
        for request in &requests[self.wire_mark.min(requests.len())..] {
            let (method, path, query) = (request.method(), request.path(), request.query());
            let target = if query.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{query}")
            };
            let status = request.status().map_or("-".to_owned(), |s| s.to_string());
            println!("   wire: {method} {target} → {status}");
            for name in headers {
                match request.header(name) {
                    Some(value) => println!("         {name}: {value}"),
                    None => println!("         (no {name} header)"),
                }
            }
            if !request.body().is_empty() {
                println!("         body {}", String::from_utf8_lossy(request.body()));
            }
        }
        self.wire_mark = requests.len();
    }

    /// Forgets the requests received so far (they are not worth showing).
    fn skip_wire(&mut self) {
        self.wire_mark = self
            .mock
            .as_ref()
            .map_or(0, |m| m.received_requests().len());
    }

    /// Mutating calls (or ones that run an LLM) need `--write` against the real API.
    fn may_write(&self, what: &str) -> bool {
        let allowed = self.mock.is_some() || self.write;
        if !allowed {
            println!("   (skipped: {what}; pass --write to do it)");
        }
        allowed
    }

    async fn first_page(&mut self) -> Result {
        let client = self.section("One page of conversations: typed filters and order");
        let page = client
            .conversations()
            .list()
            .order(ListOrder::LastChatTimeDesc)
            .active_only(true)
            .page_size(2)
            .send()
            .await?;
        for conversation in &page.conversations {
            let user = conversation
                .user
                .as_ref()
                .map_or("-", |u| u.user_id.as_str());
            let chats = conversation.chat_count;
            println!("   • {} (user {user}, {chats} chats)", conversation.title);
        }
        println!("   next cursor: {:?}", page.cursor);
        self.wire(&["OWN-USER-ID"]);
        if self.mock.is_some() {
            println!("   The Korean OWN-USER-ID went out base64-encoded: header values are ASCII.");
        }
        Ok(())
    }

    async fn every_conversation(&mut self) -> Result {
        let client = self.section("Every conversation, across pages: into_stream()");
        // Real accounts can hold thousands: stop early. Dropping the stream stops fetching.
        let limit = if self.mock.is_some() { usize::MAX } else { 25 };
        let before = self
            .mock
            .as_ref()
            .map_or(0, |m| m.received_requests().len());
        let page_size = if self.mock.is_some() { 2 } else { 10 };
        let mut conversations = client
            .conversations()
            .list()
            .page_size(page_size)
            .into_stream();
        let (mut count, mut busiest) = (0, None::<(i64, String)>);
        while let Some(conversation) = conversations.next().await {
            let conversation = conversation?;
            count += 1;
            let app = conversation
                .llm_app
                .as_ref()
                .map_or("-", |a| a.name.as_str());
            println!("   {count:>2}. {} [{app}]", conversation.title);
            if busiest
                .as_ref()
                .is_none_or(|(chats, _)| conversation.chat_count > *chats)
            {
                busiest = Some((conversation.chat_count, conversation.id));
            }
            if count == limit {
                println!("   … stopping at {limit}");
                break;
            }
        }
        drop(conversations);
        match &self.mock {
            Some(mock) => {
                let requests = mock.received_requests().len() - before;
                println!("   {count} conversations in {requests} requests, following the cursor;");
                println!("   each next page is fetched while you handle the current one.");
            }
            None => println!("   {count} conversations"),
        }
        self.skip_wire();
        self.conversation_id = busiest.map(|(_, id)| id);
        Ok(())
    }

    async fn chats(&mut self) -> Result {
        let client = self.section("Chats of a conversation: page numbers, 100 chats a page");
        let Some(id) = self.conversation() else {
            return Ok(());
        };
        let mut pages = client.conversations().list_chats(&id).into_pages();
        while let Some(page) = pages.next().await {
            let page = page?;
            let (number, total) = (page.page_no, page.total_count);
            println!("   page {number}: {} chats (of {total})", page.chats.len());
        }
        self.wire(&[]);
        if self.mock.is_some() {
            println!("   The total is known after page 1, so pages 2.. were fetched concurrently.");
        }
        let chats: Vec<Chat> = client
            .conversations()
            .list_chats(&id)
            .page_concurrency(2)
            .into_stream()
            .try_collect()
            .await?;
        println!("   into_stream(): {} chats, in order", chats.len());
        for chat in chats.iter().take(2).chain(chats.iter().skip(2).last()) {
            println!("     {:<4} {}", chat.sender, chat.message);
        }
        self.skip_wire();
        Ok(())
    }

    async fn get_and_update(&mut self) -> Result {
        let client = self.section("Get a conversation, update it (PATCH with a null field)");
        let Some(id) = self.conversation() else {
            return Ok(());
        };
        let conversation = client.conversations().get(&id).send().await?;
        let (chats, latest) = (conversation.chat_count, conversation.chats.len());
        println!(
            "   \"{}\": {chats} chats, the latest {latest} included",
            conversation.title
        );
        self.wire(&[]);
        if !self.may_write("renaming and unassigning a conversation") {
            return Ok(());
        }
        // Absent fields are left alone; `assignee_null()` sends `"assignee": null` (unassign).
        let updated = client
            .conversations()
            .update(&id)
            .title(format!("{} (reviewed)", conversation.title))
            .assignee_null()
            .send()
            .await?;
        println!("   renamed to \"{}\" and unassigned", updated.title);
        self.wire(&[]);
        let title = conversation.title;
        let restored = client
            .conversations()
            .update_title(&id, title)
            .send()
            .await?;
        println!(
            "   title restored with update_title (PUT): \"{}\"",
            restored.title
        );
        self.wire(&[]);
        Ok(())
    }

    async fn apps(&mut self) -> Result {
        let client = self.section("Apps: cursor pagination (v2 list)");
        let apps: Vec<_> = client
            .apps()
            .list()
            .page_size(2)
            .into_stream()
            .try_collect()
            .await?;
        for app in &apps {
            let about = app.description.as_deref().unwrap_or("");
            println!(
                "   • {} [{}, {}] {about}",
                app.name, app.r#type, app.category
            );
        }
        self.wire(&[]);
        self.app_id = std::env::var("ALLI_APP_ID").ok().or_else(|| {
            let agent = apps.iter().find(|a| a.r#type == "agent");
            agent.or(apps.first()).map(|a| a.id.clone())
        });
        Ok(())
    }

    /// Starts a section that runs the app: the client and the app's id, unless there is no
    /// app or running it needs `--write`.
    fn app_section(&mut self, title: &str) -> Option<(Client, String)> {
        let client = self.section(title);
        let Some(id) = self.app_id.clone() else {
            println!("   (no app to run)");
            return None;
        };
        self.may_write("running an app").then_some((client, id))
    }

    async fn run_app(&mut self) -> Result {
        let Some((client, app_id)) = self.app_section("Run an app, synchronously") else {
            return Ok(());
        };
        println!("   Q: {APP_QUESTION}");
        let response = client.apps().run(&app_id).chat(question()).send().await?;
        for answer in response.result.responses.iter().flatten() {
            println!(
                "   A: {}",
                answer.message.as_deref().unwrap_or("(no message)")
            );
            for citation in answer.citations.iter().flatten() {
                let title = citation.title.as_deref().unwrap_or("?");
                println!(
                    "      source: {title}, page {}",
                    citation.page_no.unwrap_or(0)
                );
            }
        }
        self.wire(&[]);
        Ok(())
    }

    async fn run_app_streaming(&mut self) -> Result {
        let Some((client, app_id)) =
            self.app_section("Run it streaming: typed events as they arrive")
        else {
            return Ok(());
        };
        let started = Instant::now();
        let mut events = client.apps().run(&app_id).chat(question()).stream().await?;
        let content_type = events.headers().get("content-type").cloned();
        println!("   HTTP {}, {content_type:?}", events.status());
        let (mut count, mut text) = (0, Typewriter::default());
        while let Some(event) = events.next().await {
            let event = event?; // an alli_api::types::RunAppResponse
            count += 1;
            for response in event.result.responses.iter().flatten() {
                if let Some(step) = &response.intermediate_step {
                    println!(
                        "   [{}…]",
                        step.status_message.as_deref().unwrap_or("working")
                    );
                }
                if let Some(message) = &response.message {
                    text.show(message);
                }
            }
        }
        text.finish();
        let elapsed = started.elapsed().as_millis();
        println!("   streamed {count} events in {elapsed} ms");
        self.wire(&[]);
        Ok(())
    }

    async fn run_app_in_background(&mut self) -> Result {
        let Some((client, app_id)) =
            self.app_section("Run it in the background, poll, read the result")
        else {
            return Ok(());
        };
        let pause = Duration::from_millis(if self.mock.is_some() { 50 } else { 2000 });
        let deadline = Instant::now() + Duration::from_secs(300);
        let started = client
            .apps()
            .run(&app_id)
            .chat(question())
            .background()
            .await?;
        let Some(id) = started.result.conversation.and_then(|c| c.id) else {
            println!("   (the server named no conversation to follow)");
            return Ok(());
        };
        println!("   started; conversation {id}");
        while client.conversations().state(&id).send().await?.is_running {
            if Instant::now() > deadline {
                println!("   still running after 5 minutes; giving up");
                return Ok(());
            }
            println!("   still running…");
            tokio::time::sleep(pause).await;
        }
        let chats: Vec<Chat> = client
            .conversations()
            .list_chats(&id)
            .into_stream()
            .try_collect()
            .await?;
        match chats.iter().rev().find(|c| c.sender != "USER") {
            Some(chat) => println!("   background run finished: {}", chat.message),
            None => println!("   background run finished, no answer yet"),
        }
        self.wire(&[]);
        Ok(())
    }

    async fn generative_answer(&mut self) -> Result {
        let client = self.section("A generative answer, streamed (Server-Sent Events)");
        if !self.may_write("asking a generative answer") {
            return Ok(());
        }
        println!("   Q: {ANSWER_QUESTION}");
        answers::ask(&client, ANSWER_QUESTION).await?;
        self.wire(&[]);
        Ok(())
    }

    async fn errors(&mut self) -> Result {
        let client = self.section("Errors: one type, with the response kept");
        println!("   a missing conversation:");
        match client
            .conversations()
            .get(MISSING_CONVERSATION)
            .send()
            .await
        {
            Err(e) if e.kind() == ErrorKind::Api => {
                let status = e.status().map(|s| s.as_u16());
                println!(
                    "   → kind {}, status {status:?}, message {:?}",
                    e.kind(),
                    e.api_message()
                );
                println!("   → Display: {e}");
            }
            other => self.unexpected(other, "")?,
        }

        println!("   an empty question; the operation documents its 400 body type:");
        match client.apps().generative_answer("").send().await {
            Err(e) => match e.body::<GetGenerativeAnswerError>() {
                Some(body) => println!("   → e.body::<GetGenerativeAnswerError>() = {body:?}"),
                None => println!("   → {e} (no typed body: {:?})", e.body_text()),
            },
            other => self.unexpected(other, "")?,
        }

        println!("   an invalid date; some operations answer HTTP 200 with an `errors` envelope:");
        let result = client
            .conversations()
            .daily_count()
            .start_date("2025-13-45")
            .end_date("2025-06-10")
            .send()
            .await;
        match result {
            Err(e) if e.kind() == ErrorKind::Api => {
                let status = e.status().map(|s| s.as_u16());
                println!(
                    "   → envelope error: status {status:?}, message {:?}",
                    e.api_message()
                );
            }
            Ok(response) if response.errors.is_some() => {
                // The operation is documented to report a non-empty `errors` as an error.
                let note = format!(" with `errors` {:?} in its body", response.errors);
                self.unexpected(Ok(response), &note)?;
            }
            other => self.unexpected(other, "")?,
        }
        self.wire(&[]);
        Ok(())
    }

    /// A call that was meant to fail did not (or failed otherwise): fatal against the mock
    /// server, only reported against the real API (it may well accept what the mock refuses).
    fn unexpected<T>(&self, result: alli_api::Result<T>, note: &str) -> Result {
        let what = match result {
            Ok(_) => format!("the call succeeded{note}"),
            Err(e) => format!("{} error: {e}", e.kind()),
        };
        if self.mock.is_some() {
            return Err(format!("expected an API error, but {what}").into());
        }
        println!("   → the real API answered differently: {what}");
        Ok(())
    }

    async fn per_request_options(&mut self) -> Result {
        let client = self.section("Per-request options: timeout, retries, headers");
        let result = client
            .conversations()
            .list()
            .page_size(1)
            .timeout(Duration::from_millis(1))
            .max_retries(0)
            .send()
            .await;
        match result {
            Err(e) if e.is_timeout() => println!("   .timeout(1 ms).max_retries(0): {e}"),
            other => println!("   .timeout(1 ms): unexpectedly {:?}", other.map(drop)),
        }
        self.skip_wire();

        if let Some(app_id) = self.app_id.clone() {
            let app = client.apps().get(&app_id).send().await?;
            println!(
                "   apps().get(..) → {}: a GET is retried after a 5xx (Retry-After honoured)",
                app.name
            );
            self.wire(&[]);
            match client.apps().get(&app_id).max_retries(0).send().await {
                Ok(app) => println!("   .max_retries(0) → {}", app.name),
                Err(e) => {
                    println!("   .max_retries(0) → {e}");
                    let (retryable, after) = (e.is_retryable(), e.retry_after());
                    println!("     is_retryable() {retryable}, retry_after() {after:?}");
                }
            }
            self.wire(&[]);
        }

        let page = client
            .conversations()
            .list()
            .page_size(1)
            .own_user_id("田中-7")
            .send()
            .await?;
        let count = page.conversations.len();
        println!("   .own_user_id(\"田中-7\") for one request: {count} conversation(s)");
        self.wire(&["OWN-USER-ID"]);
        let page = client
            .conversations()
            .list()
            .page_size(1)
            .without_own_user_id()
            .send()
            .await?;
        let count = page.conversations.len();
        println!("   .without_own_user_id(): {count} conversation(s)");
        self.wire(&["OWN-USER-ID"]);

        // A set of options, reusable across requests.
        let patient = RequestOptions::new()
            .timeout(Duration::from_secs(30))
            .max_retries(5)
            .header("X-Request-Id", "tour-42");
        let apps = client
            .apps()
            .list()
            .page_size(1)
            .options(patient)
            .send()
            .await?;
        println!(
            "   .options(RequestOptions::new()..): {} app(s)",
            apps.apps.len()
        );
        self.wire(&["X-Request-Id", "User-Agent"]);
        Ok(())
    }
}

/// The chat input of the app runs.
fn question() -> RunAppChat {
    RunAppChat::new().message(APP_QUESTION)
}
