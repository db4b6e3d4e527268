//! The README's quick start: a client, one call.
//!
//! ```text
//! ALLI_API_KEY=.. cargo run -p alli-api --example quickstart
//! ```

use alli_api::{Client, Region};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(api_key) = std::env::var("ALLI_API_KEY") else {
        eprintln!("Set ALLI_API_KEY to run this example against the Alli API.");
        std::process::exit(2);
    };
    let client = Client::builder()
        .api_key(api_key)
        .region(Region::Us) // the default; Region::Ja for https://backend-ja.alli.ai
        .build()?;

    let page = client.conversations().list().page_size(5).send().await?;
    for conversation in &page.conversations {
        println!("{}  {}", conversation.id, conversation.title);
    }
    Ok(())
}
