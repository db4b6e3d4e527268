//! Pagination: conversations newest first, page by page (cursor), then as one stream of items,
//! then the chats of the busiest one (page numbers, 100 chats a page, fetched concurrently).
//!
//! ```text
//! ALLI_API_KEY=.. cargo run -p alli-api --example list_conversations [-- <search term>]
//! ```
//!
//! `ALLI_BASE_URL` or `ALLI_REGION=ja` choose the server, `ALLI_OWN_USER_ID` the end user.
//! Read-only.

#[path = "support/real_api.rs"]
mod real_api;

use std::time::Duration;

use alli_api::types::{Chat, ListOrder};
use futures_util::{StreamExt, TryStreamExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(builder) = real_api::builder_from_env() else {
        eprintln!(
            "list_conversations talks to the Alli API: {}.",
            real_api::SETUP
        );
        eprintln!("Without an account, try: cargo run -p alli-api --example tour");
        std::process::exit(2);
    };
    let client = builder.build()?;

    // A builder is a plain value: configure it once, clone it for each use.
    let mut list = client
        .conversations()
        .list()
        .order(ListOrder::LastChatTimeDesc)
        .page_size(10);
    if let Some(term) = std::env::args().nth(1) {
        list = list.search_term(term);
    }

    // Page by page: `into_pages()` follows the cursor until the server returns none.
    let mut pages = list.clone().into_pages().take(3);
    while let Some(page) = pages.next().await {
        let page = page?;
        println!(
            "{} conversations, next cursor {:?}",
            page.conversations.len(),
            page.cursor
        );
        for conversation in &page.conversations {
            println!("  {}  {}", conversation.id, conversation.title);
        }
    }

    // Item by item, across pages: `into_stream()`. Dropping the stream stops fetching.
    let mut conversations = list.into_stream().take(100);
    let mut busiest = None;
    while let Some(conversation) = conversations.next().await {
        let conversation = conversation?;
        if busiest
            .as_ref()
            .is_none_or(|(chats, _)| conversation.chat_count > *chats)
        {
            busiest = Some((conversation.chat_count, conversation.id));
        }
    }
    let Some((_, id)) = busiest else {
        println!("no conversations");
        return Ok(());
    };

    // Page-number pagination works the same way; with per-request options.
    let chats: Vec<Chat> = client
        .conversations()
        .list_chats(&id)
        .timeout(Duration::from_secs(30))
        .max_retries(4)
        .into_stream()
        .try_collect()
        .await?;
    println!("\n{} chats in conversation {id}:", chats.len());
    for chat in chats.iter().take(10) {
        println!("  {:<5} {}", chat.sender, chat.message);
    }
    Ok(())
}
