//! Typed async client for the [Alli](https://www.allganize.ai) REST API, Allganize's LLM app
//! platform.
//!
//! # Quick start
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::StreamExt;
//!
//! let client = alli_api::Client::builder()
//!     .api_key(std::env::var("ALLI_API_KEY")?)
//!     .region(alli_api::Region::Ja)
//!     .own_user_id("고객-42")
//!     .build()?;
//! let conversation = client.conversations().get("c1").send().await?;
//! let mut all = client.conversations().list().active_only(true).into_stream();
//! while let Some(conversation) = all.next().await {
//!     println!("{}", conversation?.title);
//! }
//! # let _ = conversation; Ok(()) }
//! ```
//!
//! Every operation is a builder: set its parameters, then `.send()` (decoded),
//! `.send_raw()` ([`RawResponse`]: status, headers, body bytes), and for paginated operations
//! `.into_stream()` / `.into_pages()`, for streaming ones `.stream()` ([`EventStream`]).
//!
//! # Files
//!
//! - **Uploads** (`multipart/form-data`): a [`FilePart`] from a path (streamed from disk,
//!   re-opened by each retry), from bytes, or from an async stream; file name and content type
//!   guessed, overridable. `Content-Length` when every length is known, chunked otherwise. An
//!   upload progress hook per request ([`RequestOptions::upload_progress`], [`UploadProgress`]).
//! - **Downloads** (binary answers): `send()` returns a [`Download`], a stream of chunks with
//!   the suggested [`file_name`](Download::file_name), content type and length;
//!   [`save_to`](Download::save_to) writes it atomically. Memory stays bounded whatever the
//!   size.
//!
//! Parameters of every type and OpenAPI style (path `simple`/`label`/`matrix`, query
//! `form`/`spaceDelimited`/`pipeDelimited`/`deepObject`, headers, cookies) and
//! `application/x-www-form-urlencoded` bodies are serialized as the OpenAPI 3.1 style table
//! says.
//!
//! # Client settings
//!
//! - **Authentication**: an API key (`API-KEY` header) or a bearer token
//!   (`Authorization: Bearer`), exactly one. Credentials never appear in `Debug` output, error
//!   messages or tracing fields.
//! - **Region**: [`Region::Us`] (default) or [`Region::Ja`], or any `base_url`.
//! - **Identity headers**: `OWN-USER-ID`, `USER-EMAIL`, `AGENT-EMAIL` client-wide, replaced or
//!   removed per request. A non-ASCII `OWN-USER-ID` is sent as `base64:<base64 of its UTF-8>`.
//!   Header values with CR, LF, NUL or other control characters are rejected before anything is
//!   sent.
//! - **Timeouts**: per attempt, until the body is read (default 600 s, long enough for
//!   synchronous LLM runs); connect timeout 10 s; and optionally a total timeout, the deadline
//!   of the whole request with its retries and the waits between them. Per request with
//!   `.timeout(..)` and `.total_timeout(..)`.
//! - **Retries**: 2 by default, with jittered exponential backoff (0.5 s doubling up to 8 s)
//!   and `Retry-After` honoured (up to 60 s). GET, PUT, DELETE are retried after connection
//!   failures, timeouts, 408, 429 and 5xx; POST and PATCH only when the server cannot have acted
//!   on them (connection not established, or 429). Per request with `.max_retries(..)`.
//! - **Tracing**: one `alli_api.request` span per request (method, path template, operation,
//!   attempt, status), retries logged at debug level.
//!
//! # Errors
//!
//! One [`Error`] type; [`Error::kind`] tells what happened ([`ErrorKind`]: invalid request,
//! transport, timeout, API error, decode, invalid response, local I/O), and the response
//! (status, headers, raw body, typed error body) is kept when there was one.
//! [`Error::is_retryable`] tells whether sending the same request again is safe (a POST that
//! may already have been applied is not), [`Error::is_transient`] whether the failure is
//! transient at all.
//!
//! # Testing
//!
//! With the cargo feature `mock`, `alli_api::mock::MockAlli` is a local mock server serving the API's
//! OpenAPI document, for testing code that calls this crate without an account.
//!
//! # Nullable fields and open enums
//!
//! Request fields where "absent" and `null` differ are [`Nullable`]. String enums are open: a
//! value unknown to this version is kept as `Unknown(String)` and round-trips unchanged.

mod client;
// Formatted by the generator (prettyplease); `cargo fmt` must not rewrite it, or
// `cargo xtask check` would report it stale.
#[rustfmt::skip]
mod generated;
#[cfg(feature = "mock")]
pub mod mock;

// The runtime lives in the `alli-api-runtime` crate, built once whatever the generated code;
// every item a user needs is re-exported here, under the paths this crate always had.
pub use alli_api_runtime::{
    Download, Error, ErrorKind, EventStream, FilePart, ItemStream, Nullable, PageStream,
    RawEventStream, RawResponse, RequestOptions, Result, UploadProgress,
};
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_EVENT_SIZE,
    DEFAULT_PAGE_CONCURRENCY, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, Region,
};
pub use generated::*;

/// The `http` crate (status codes, header maps) as used in this crate's API.
pub use http;
/// The `reqwest` crate, for [`ClientBuilder::http_client`].
pub use reqwest;
/// The `serde_json` crate, whose `Value` and `Map` appear in this crate's API (free-form JSON).
pub use serde_json;

/// `use alli_api::prelude::*;` brings the stream extension traits needed to consume
/// paginated [`ItemStream`]s and streaming [`EventStream`]s (`.next()`, `.try_next()`, ...).
pub mod prelude {
    pub use futures_util::{StreamExt as _, TryStreamExt as _};
}

/// Items used by generated code. Not part of the public API: no stability guarantee.
#[doc(hidden)]
pub mod __private {
    pub use alli_api_runtime::__private::*;
}

// Macros used by generated code (their `$crate` is the runtime's).
#[doc(hidden)]
pub use alli_api_runtime::{__header_param, __open_enum, __request_options};

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync + 'static>() {}
    fn send<T: Send>(_: &T) {}

    #[test]
    fn public_types_are_thread_safe() {
        send_sync::<Client>();
        send_sync::<ClientBuilder>();
        send_sync::<Error>();
        send_sync::<RequestOptions>();
        send_sync::<RawResponse>();
        send_sync::<Nullable<String>>();
        send_sync::<__private::Request>();
        send_sync::<FilePart>();
        send_sync::<UploadProgress>();
        fn send_only<T: Send + 'static>() {}
        send_only::<Download>();
    }

    #[test]
    fn request_futures_are_send() {
        let client = Client::new("k").ok();
        if let Some(client) = client {
            let options = RequestOptions::new();
            let req = || __private::Request::new(http::Method::GET, "/x", "t.op");
            // Built, never polled.
            send(&client.__execute(req(), &options));
            send(&client.__execute_stream::<serde_json::Value>(req(), &options));
            send(&client.__execute_download(req(), &options));
            let download = Download::from_byte_stream(
                futures_util::stream::empty::<std::result::Result<bytes::Bytes, std::io::Error>>(),
                http::StatusCode::OK,
                http::HeaderMap::new(),
            );
            send(&download.save_to("x"));
        }
        let stream = EventStream::<serde_json::Value>::from_byte_stream(
            futures_util::stream::empty::<std::result::Result<bytes::Bytes, std::io::Error>>(),
            None,
        );
        send(&stream);
    }
}
