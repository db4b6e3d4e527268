//! Streamed answers, printed as they arrive.

use std::io::Write as _;

use alli_api::Client;
use futures_util::StreamExt;
use serde_json::Value;

/// Asks a generative answer and prints it as it streams, then its sources.
pub(crate) async fn ask(client: &Client, question: &str) -> alli_api::Result<()> {
    let mut events = client
        .apps()
        .generative_answer(question)
        .include_citations(true)
        .stream()
        .await?;
    let (mut text, mut citations) = (Typewriter::default(), Vec::new());
    while let Some(event) = events.next().await {
        let event = event?; // a GetGenerativeAnswerResponse
        if let Some(answer) = &event.answer {
            text.show(&answer_text(answer));
        }
        citations = event.citations.unwrap_or(citations);
    }
    text.finish();
    for citation in citations {
        let title = citation.title.as_deref().unwrap_or("?");
        println!("   [{}] {title}", citation.index.unwrap_or(0));
    }
    Ok(())
}

/// The text of a generative answer: a string (`answerFormat` `MARKDOWN`), or the text of its
/// Draft.js blocks (the default), else its JSON.
pub(crate) fn answer_text(answer: &Value) -> String {
    if let Some(text) = answer.as_str() {
        return text.to_owned();
    }
    match answer["blocks"].as_array() {
        Some(blocks) => {
            let lines: Vec<&str> = blocks.iter().filter_map(|b| b["text"].as_str()).collect();
            lines.join("\n")
        }
        None => answer.to_string(),
    }
}

/// Prints a streamed text as it grows. Each event may carry the whole text so far (then only
/// the new part is printed) or just the next piece.
#[derive(Default)]
pub(crate) struct Typewriter {
    shown: String,
}

impl Typewriter {
    pub(crate) fn show(&mut self, text: &str) {
        if self.shown.is_empty() {
            print!("   ");
        }
        match text.strip_prefix(self.shown.as_str()) {
            Some(new) => {
                print!("{new}");
                self.shown = text.to_owned();
            }
            None => {
                print!("{text}");
                self.shown.push_str(text);
            }
        }
        let _ = std::io::stdout().flush();
    }

    /// Ends the line, if anything was printed.
    pub(crate) fn finish(&mut self) {
        if !self.shown.is_empty() {
            println!();
        }
    }
}
