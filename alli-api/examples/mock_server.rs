//! The mock Alli server (`alli_api::mock`) on its own, answering every operation from the
//! documented schemas (auto-respond mode), for trying the client or a tool against it.
//!
//! ```text
//! cargo run -p alli-api --features mock --example mock_server            # any free port
//! cargo run -p alli-api --features mock --example mock_server -- 8080    # a fixed port
//! ```
//!
//! It prints `mock Alli server at http://127.0.0.1:<port>` and serves until stopped. Requests
//! the API would reject get its 422 (or 401 without credentials) and are logged; requests no
//! operation serves get 418 with an explanation.

use std::net::SocketAddr;

use alli_api::mock::MockAlli;

/// The API's OpenAPI document, as the generator writes it.
const OPENAPI: &str = include_str!("../../spec/openapi.json");

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = match std::env::args().nth(1) {
        Some(port) => port.parse::<u16>()?,
        None => 0,
    };
    let mock = MockAlli::builder(OPENAPI)
        .allow_invalid_requests(true)
        .verify_on_drop(false)
        .listen_on(SocketAddr::from(([127, 0, 0, 1], port)))
        .start()
        .await?;
    println!("mock Alli server at {} (Ctrl-C stops it)", mock.url());
    tokio::signal::ctrl_c().await?;
    let requests = mock.received_requests();
    println!("{} requests served", requests.len());
    Ok(())
}
