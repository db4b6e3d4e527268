//! Test support for `alli-api`: a scriptable local HTTP server ([`TestServer`]) for wire-level
//! tests of the runtime and of every generated operation, and client presets for it.

// Generated (see generator/tests/golden.rs); `cargo fmt` must not rewrite it.
#[rustfmt::skip]
pub mod golden;
pub mod prism;
pub mod server;
pub mod spans;

use std::time::Duration;

pub use server::{RecordedRequest, Reply, TestServer, generated_byte, refused_url};

/// The API key used by [`client_builder`].
pub const TEST_API_KEY: &str = "test-api-key-0123456789";

/// A client builder pointed at `url` with [`TEST_API_KEY`] and a 1–20 ms retry backoff, so
/// retry tests stay fast.
pub fn client_builder(url: &str) -> alli_api::ClientBuilder {
    alli_api::Client::builder()
        .api_key(TEST_API_KEY)
        .base_url(url)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(20))
}

/// [`client_builder`] built; panics if the configuration is rejected.
pub fn client(url: &str) -> alli_api::Client {
    match client_builder(url).build() {
        Ok(c) => c,
        Err(e) => panic!("test client rejected: {e}"),
    }
}

/// A request of operation `"test.op"` for `path` (a template, `{name}` placeholders allowed).
pub fn request(
    method: alli_api::__private::Method,
    path: &'static str,
) -> alli_api::__private::Request {
    alli_api::__private::Request::new(method, path, "test.op")
}

/// A `GET` [`request`].
pub fn get(path: &'static str) -> alli_api::__private::Request {
    request(alli_api::__private::Method::GET, path)
}

/// A `POST` [`request`].
pub fn post(path: &'static str) -> alli_api::__private::Request {
    request(alli_api::__private::Method::POST, path)
}

/// Executes `req` with default options.
pub async fn execute(
    client: &alli_api::Client,
    req: alli_api::__private::Request,
) -> alli_api::Result<alli_api::RawResponse> {
    client
        .__execute(req, &alli_api::RequestOptions::new())
        .await
}

/// Executes `req` with `options`.
pub async fn execute_with(
    client: &alli_api::Client,
    req: alli_api::__private::Request,
    options: alli_api::RequestOptions,
) -> alli_api::Result<alli_api::RawResponse> {
    client.__execute(req, &options).await
}
