//! Streaming: a generative answer printed as it is generated, or an app run streamed.
//!
//! ```text
//! ALLI_API_KEY=.. cargo run -p alli-api --example stream_answer -- "How do I reset my password?"
//! ALLI_API_KEY=.. cargo run -p alli-api --example stream_answer -- --app <app-id> "Hello"
//! ```
//!
//! Both run an LLM (and spend credits); an app run also starts a conversation.
//! `ALLI_BASE_URL` or `ALLI_REGION=ja` choose the server, `ALLI_OWN_USER_ID` the end user.

#[path = "support/answers.rs"]
mod answers;
#[path = "support/real_api.rs"]
mod real_api;

use alli_api::types::{GetGenerativeAnswerError, RunAppChat};
use alli_api::{Client, ErrorKind};
use futures_util::StreamExt;

use answers::{Typewriter, ask};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(builder) = real_api::builder_from_env() else {
        eprintln!("stream_answer talks to the Alli API: {}.", real_api::SETUP);
        eprintln!("Without an account, try: cargo run -p alli-api --example tour");
        std::process::exit(2);
    };
    let client = builder.build()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, app_id, message] if flag == "--app" => run_app(&client, app_id, message).await,
        [question] => ask(&client, question).await,
        _ => {
            eprintln!("usage: stream_answer <question> | stream_answer --app <app-id> <message>");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        explain(&e);
        std::process::exit(1);
    }
    Ok(())
}

/// Runs an app with a chat message and prints its answer as it streams.
async fn run_app(client: &Client, app_id: &str, message: &str) -> alli_api::Result<()> {
    let chat = RunAppChat::new().message(message);
    let mut events = client.apps().run(app_id).chat(chat).stream().await?;
    let mut text = Typewriter::default();
    while let Some(event) = events.next().await {
        let event = event?; // a RunAppResponse
        for response in event.result.responses.iter().flatten() {
            if let Some(message) = &response.message {
                text.show(message);
            }
        }
    }
    text.finish();
    Ok(())
}

/// Explains a failure: the documented error body first, then the error's kind.
fn explain(e: &alli_api::Error) {
    let status = e.status().map(|s| s.to_string()).unwrap_or_default();
    if let Some(body) = e.body::<GetGenerativeAnswerError>() {
        // The body documented for 400, 401 and 429 answers.
        let message = body.errors.as_deref().unwrap_or("(no message)");
        eprintln!("HTTP {status}: {message}");
    } else if e.kind() == ErrorKind::Api {
        let message = e.api_message().unwrap_or("(no message)");
        eprintln!("HTTP {status}: {message}");
    } else if e.is_timeout() {
        eprintln!("timed out: {e}");
    } else {
        eprintln!("failed: {e}");
    }
    if let Some(wait) = e.retry_after() {
        eprintln!("the server asks to wait {wait:?} before trying again");
    }
}
