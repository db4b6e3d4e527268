//! Typed async client for the [Alli](https://www.allganize.ai) REST API, Allganize's LLM app
//! platform.
//!
//! # Quick start
//!
//! ```no_run
//! # async fn demo() -> alli_api::Result<()> {
//! let client = alli_api::Client::builder()
//!     .api_key(std::env::var("ALLI_API_KEY").unwrap_or_default())
//!     .own_user_id("customer-42")
//!     .build()?;
//! # let _ = client; Ok(()) }
//! ```
//!
//! Every operation is a builder: set its parameters, then `.send()` (decoded),
//! `.send_raw()` ([`RawResponse`]: status, headers, body bytes), and for paginated operations
//! `.into_stream()` / `.into_pages()`, for streaming ones `.stream()` ([`EventStream`]).
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
//!   synchronous LLM runs); connect timeout 10 s. Per request with `.timeout(..)`.
//! - **Retries**: 2 by default, with jittered exponential backoff (0.5 s doubling up to 8 s)
//!   and `Retry-After` honoured (up to 60 s). GET, PUT, DELETE are retried after connection
//!   failures, timeouts, 408, 429 and 5xx; POST and PATCH only when the server cannot have acted
//!   on them (connection not established, or 429). Per request with `.max_retries(..)`.
//! - **Tracing**: one `alli_api.request` span per request (method, path template, operation,
//!   attempt, status), retries logged at debug level.
//!
//! # Errors
//!
//! One [`Error`] type; [`Error::kind`] tells what happened ([`ErrorKind`]), and the response
//! (status, headers, raw body, typed error body) is kept when there was one.
//!
//! # Nullable fields and open enums
//!
//! Request fields where "absent" and `null` differ are [`Nullable`]. String enums are open: a
//! value unknown to this version is kept as `Unknown(String)` and round-trips unchanged.

mod client;
mod error;
mod event_stream;
mod execute;
// Formatted by the generator (prettyplease); `cargo fmt` must not rewrite it, or
// `cargo xtask check` would report it stale.
#[rustfmt::skip]
mod generated;
mod headers;
mod json_path;
mod macros;
mod nullable;
mod pagination;
mod request;
mod response;
mod retry;
mod serde_helpers;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_EVENT_SIZE,
    DEFAULT_PAGE_CONCURRENCY, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, Region,
};
pub use error::{Error, ErrorKind, Result};
pub use event_stream::{EventStream, RawEventStream};
pub use generated::*;
pub use nullable::Nullable;
pub use pagination::{ItemStream, PageStream};
pub use request::RequestOptions;
pub use response::RawResponse;

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
    pub use crate::error::{ErrorBody, ErrorDecoder, typed_error};
    pub use crate::pagination::{
        BoxFuture, CursorPaged, PageNumberPaged, cursor_items, cursor_pages, page_number_items,
        page_number_pages,
    };
    pub use crate::request::{PathValue, QueryValue, Request};
    /// Serde helpers used by generated types.
    pub mod serde_helpers {
        pub use crate::serde_helpers::{
            deserialize_open_enum, deserialize_tagged, required_nullable, variant,
        };
    }
    pub use bytes::Bytes;
    pub use http::Method;
    pub use serde;
    pub use serde_json::{Map, Value};
}

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
        }
        let stream = EventStream::<serde_json::Value>::from_byte_stream(
            futures_util::stream::empty::<std::result::Result<bytes::Bytes, std::io::Error>>(),
            None,
        );
        send(&stream);
    }
}
