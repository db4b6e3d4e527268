//! The hand-written runtime of [`alli-api`](https://crates.io/crates/alli-api): the client core
//! (credentials, identity headers, timeouts, retries, tracing), errors, request building and
//! parameter serialization, pagination, event streams, uploads and downloads.
//!
//! Not meant to be used directly: `alli-api` re-exports every item a user needs under its own
//! paths (`alli_api::Error`, `alli_api::RequestOptions`, ...), and only those re-exports are
//! covered by its stability promise. The [`client`] module (what `alli_api::Client` is built
//! on) and the `#[doc(hidden)]` items generated code calls may change in any release.
//!
//! This crate never depends on generated code: it knows no operation, resource or schema of the
//! API. Generated code calls it through `alli_api::__private` and the `__*!` macros.

pub mod client;
mod download;
mod error;
mod event_stream;
mod execute;
mod headers;
mod idle;
mod json_path;
mod macros;
mod nullable;
mod pagination;
mod params;
mod request;
mod response;
mod retry;
mod serde_helpers;
mod upload;

pub use download::Download;
pub use error::{Error, ErrorKind, Result};
pub use event_stream::{EventStream, RawEventStream};
pub use nullable::Nullable;
pub use pagination::{ItemStream, PageStream};
pub use request::RequestOptions;
pub use response::RawResponse;
pub use upload::{FilePart, UploadProgress};

/// Items used by generated code (re-exported as `alli_api::__private`). Not part of the public
/// API: no stability guarantee.
#[doc(hidden)]
pub mod __private {
    pub use crate::error::{ErrorBody, ErrorDecoder, typed_error};
    pub use crate::pagination::{
        BoxFuture, CursorPaged, PageNumberPaged, cursor_items, cursor_pages, page_number_items,
        page_number_pages,
    };
    pub use crate::params::{Param, ParamError, ParamStyle, ParamValue, Style};
    pub use crate::request::{QueryValue, Request};
    pub use crate::upload::{FieldEncoding, FileParts};
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

/// Items `alli_api::mock` (the mock server) shares with the client: header validation and
/// redaction, parameter serialization. Not part of the public API: no stability guarantee.
#[doc(hidden)]
pub mod __mock {
    pub use crate::headers::{DebugHeaders, header_name, header_value, is_sensitive};
    pub use crate::params::{FormPair, form_pairs, path_text};
}
