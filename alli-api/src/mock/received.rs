//! Requests as the mock received them.

use std::fmt;
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::Value;

use alli_api_runtime::__mock::DebugHeaders;

/// One request the mock received, with the operation it was routed to and the status it was
/// answered with. Header values of credentials are redacted in its `Debug` output.
#[derive(Clone)]
pub struct ReceivedRequest {
    pub(crate) index: usize,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) query_pairs: Vec<(String, String)>,
    pub(crate) path_params: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) operation: Option<String>,
    pub(crate) status: Option<u16>,
    pub(crate) received_at: Instant,
}

impl ReceivedRequest {
    /// Its position among all requests the mock received (0 for the first).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path, as sent (percent-encoded).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The raw query string (without `?`; empty when there is none).
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The query parameters, decoded, in order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query_pairs
    }

    /// The decoded values of query parameter `name`, in order.
    pub fn query_values(&self, name: &str) -> Vec<&str> {
        self.query_pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The decoded value of path parameter `name` of the operation's path template.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of header `name` (case-insensitive), as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body parsed as JSON (`None` when empty or not JSON).
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The operation the request was routed to (`"conversations.get"`, or the document's
    /// `operationId` for operations without a descriptor); `None` when no operation of the
    /// document serves its method and path.
    pub fn operation(&self) -> Option<&str> {
        self.operation.as_deref()
    }

    /// The status the mock answered with (`None` while the answer is being prepared, or when
    /// the mock answered with a connection fault).
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// When the request arrived.
    pub fn received_at(&self) -> Instant {
        self.received_at
    }

    /// `GET /path?query`.
    pub(crate) fn line(&self) -> String {
        if self.query.is_empty() {
            format!("{} {}", self.method, self.path)
        } else {
            format!("{} {}?{}", self.method, self.path, self.query)
        }
    }
}

impl fmt::Debug for ReceivedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceivedRequest")
            .field("index", &self.index)
            .field("operation", &self.operation)
            .field("request", &self.line())
            .field("headers", &DebugHeaders(&self.headers))
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("status", &self.status)
            .finish()
    }
}
