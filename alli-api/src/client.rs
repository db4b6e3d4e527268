//! [`Client`], its [`ClientBuilder`] and [`Region`].
//!
//! The built state and the sending live in the runtime ([`ClientCore`]); a `Client` wraps one
//! and forwards the hidden `__execute*` methods generated operations call. `Client` stays a
//! type of this crate because the generated resource accessors (`client.conversations()`) are
//! inherent methods on it.
#![warn(missing_docs)]

use std::fmt;
use std::future::Future;
use std::time::Duration;

use alli_api_runtime::__private::Request;
use alli_api_runtime::client::{
    AGENT_EMAIL, Backoff, ClientCore, ClientSettings, DEFAULT_MAX_RETRIES, DebugPairs, OWN_USER_ID,
    Redacted, USER_EMAIL,
};
use serde::de::DeserializeOwned;

use crate::{Download, EventStream, RawResponse, RequestOptions, Result};

/// The default `User-Agent`: `alli-api-rust/<crate version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("alli-api-rust/", env!("CARGO_PKG_VERSION"));
/// Default timeout of one attempt, until its body is read: 600 s, long enough for synchronous
/// LLM runs.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// Default connect timeout: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default number of pages fetched at once by page-number pagination: 10, so a typical export
/// (a first page that tells the total, then the rest) takes two round trips. Without a total
/// count pages are requested ahead speculatively, and a list that ends early may cost up to
/// this many extra requests; lower it with `page_concurrency` for such APIs.
pub const DEFAULT_PAGE_CONCURRENCY: usize = 10;
pub use alli_api_runtime::client::DEFAULT_MAX_EVENT_SIZE;

/// The Alli deployment to talk to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// United States (the default): `https://backend.alli.ai`.
    #[default]
    Us,
    /// Japan: `https://backend-ja.alli.ai`.
    Ja,
}

impl Region {
    /// The base URL of the region's API.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://backend.alli.ai",
            Region::Ja => "https://backend-ja.alli.ai",
        }
    }
}

/// The Alli API client. Cheap to clone (one `Arc`); share it freely between tasks.
///
/// ```no_run
/// # async fn demo() -> alli_api::Result<()> {
/// use std::time::Duration;
///
/// let client = alli_api::Client::builder()
///     .api_key(std::env::var("ALLI_API_KEY").unwrap_or_default())
///     .region(alli_api::Region::Ja)
///     .own_user_id("customer-42")
///     .timeout(Duration::from_secs(120))
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
///
/// Its `Debug` output never shows the API key or bearer token.
#[derive(Clone)]
pub struct Client {
    core: ClientCore,
}

impl Client {
    /// A client for the default region authenticating with `api_key` (`API-KEY` header); the
    /// same as `Client::builder().api_key(api_key).build()`.
    pub fn new(api_key: impl Into<String>) -> Result<Client> {
        Client::builder().api_key(api_key).build()
    }

    /// A [`ClientBuilder`] with the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests are sent to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        self.core.base_url()
    }

    /// The timeout of one attempt of a request.
    pub fn timeout(&self) -> Duration {
        self.core.timeout()
    }

    /// The deadline of a request as a whole (all attempts and the waits between them), if set.
    pub fn total_timeout(&self) -> Option<Duration> {
        self.core.total_timeout()
    }

    /// The number of retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.core.max_retries()
    }

    /// How many pages page-number pagination fetches at once.
    pub fn page_concurrency(&self) -> usize {
        self.core.page_concurrency()
    }

    /// The page concurrency of a request: its options' value, else the client's.
    #[doc(hidden)]
    #[inline]
    pub fn __page_concurrency(&self, options: &RequestOptions) -> usize {
        self.core.page_concurrency_for(options)
    }

    /// Sends a request built by generated code and returns the 2xx response with its body read
    /// ([`ClientCore::execute`]).
    #[doc(hidden)]
    #[inline]
    pub fn __execute<'a>(
        &'a self,
        req: Request,
        options: &'a RequestOptions,
    ) -> impl Future<Output = Result<RawResponse>> + Send + 'a {
        self.core.execute(req, options)
    }

    /// Sends a request whose success answer is binary ([`ClientCore::execute_download`]).
    #[doc(hidden)]
    #[inline]
    pub fn __execute_download<'a>(
        &'a self,
        req: Request,
        options: &'a RequestOptions,
    ) -> impl Future<Output = Result<Download>> + Send + 'a {
        self.core.execute_download(req, options)
    }

    /// Sends a request whose answer is a stream of events ([`ClientCore::execute_stream`]).
    #[doc(hidden)]
    #[inline]
    pub fn __execute_stream<'a, T: DeserializeOwned + Send + 'static>(
        &'a self,
        req: Request,
        options: &'a RequestOptions,
    ) -> impl Future<Output = Result<EventStream<T>>> + Send + 'a {
        self.core.execute_stream(req, options)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.fmt_debug("Client", f)
    }
}

/// Configures and builds a [`Client`]. Every setter takes and returns the builder by value;
/// nothing is validated until [`build`](ClientBuilder::build).
///
/// Its `Debug` output never shows the API key or bearer token.
#[derive(Clone)]
pub struct ClientBuilder {
    /// Everything but the base URL, which `build` takes from `base_url` or `region`.
    settings: ClientSettings,
    region: Region,
    base_url: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            settings: ClientSettings {
                api_key: None,
                bearer_token: None,
                base_url: String::new(),
                user_agent: DEFAULT_USER_AGENT,
                user_agent_suffix: None,
                identity: Vec::new(),
                default_headers: Vec::new(),
                timeout: DEFAULT_TIMEOUT,
                total_timeout: None,
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                max_retries: DEFAULT_MAX_RETRIES,
                backoff: Backoff::default(),
                page_concurrency: DEFAULT_PAGE_CONCURRENCY,
                max_event_size: DEFAULT_MAX_EVENT_SIZE,
                http_client: None,
            },
            region: Region::default(),
            base_url: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults (same as [`Client::builder`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Authenticates with an API key, sent as header `API-KEY: <key>`. Exclusive with
    /// [`bearer_token`](Self::bearer_token).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.settings.api_key = Some(key.into());
        self
    }

    /// Authenticates with a bearer token, sent as `Authorization: Bearer <token>` (a token
    /// given as `"Bearer <token>"` is accepted too). Exclusive with [`api_key`](Self::api_key).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.settings.bearer_token = Some(token.into());
        self
    }

    /// The region whose API to use (default [`Region::Us`]); ignored when
    /// [`base_url`](Self::base_url) is set.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Any `http://` or `https://` base URL, e.g. a proxy or a test server. A path prefix is
    /// kept (`http://host/proxy` sends `GET /proxy/webapi/v2/apps`). Takes precedence over
    /// [`region`](Self::region). An invalid URL is reported by [`build`](Self::build).
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = Some(url.as_ref().to_owned());
        self
    }

    fn identity(mut self, name: &'static str, value: String) -> Self {
        self.settings.identity.retain(|(n, _)| *n != name);
        self.settings.identity.push((name, value));
        self
    }

    /// Sends `OWN-USER-ID` (the end user the requests act for) with every request. An id with
    /// non-ASCII characters is sent as `base64:<standard base64 of its UTF-8>`, e.g. `고객-42` as
    /// `base64:6rOg6rCdLTQy`. Per request, an operation's `own_user_id(..)` /
    /// `without_own_user_id()` override it.
    pub fn own_user_id(self, id: impl Into<String>) -> Self {
        self.identity(OWN_USER_ID, id.into())
    }

    /// Sends `USER-EMAIL` with every request.
    pub fn user_email(self, email: impl Into<String>) -> Self {
        self.identity(USER_EMAIL, email.into())
    }

    /// Sends `AGENT-EMAIL` with every request.
    pub fn agent_email(self, email: impl Into<String>) -> Self {
        self.identity(AGENT_EMAIL, email.into())
    }

    /// Sends header `name: value` with every request (e.g. a project id). Per-request options
    /// can replace or remove it. Applied after the identity headers and `User-Agent`, so it can
    /// replace those too.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings
            .default_headers
            .push((name.into(), value.into()));
        self
    }

    /// Timeout of **each attempt** of a request, from sending until the whole body is read
    /// (default [`DEFAULT_TIMEOUT`], 600 s). For a streamed response: until the response
    /// headers, then the longest silence allowed between two chunks.
    ///
    /// With retries, a request can take up to `(max_retries + 1) × timeout` plus the backoff
    /// between attempts (`timeout(1 s)` with the default 2 retries: about 4.3 s). To bound the
    /// whole request, set [`total_timeout`](Self::total_timeout) too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// Deadline of **a request as a whole** (default: none): every attempt, the waits between
    /// attempts and reading the body (for a streamed response: until its headers). An attempt
    /// still running at the deadline is cut ([`ErrorKind::Timeout`](crate::ErrorKind));
    /// a retry whose backoff or `Retry-After` wait would end past the deadline is not made, and
    /// the last error is returned at once. Per request: `.total_timeout(..)`.
    pub fn total_timeout(mut self, total: Duration) -> Self {
        self.settings.total_timeout = Some(total);
        self
    }

    /// Timeout to establish a connection (default [`DEFAULT_CONNECT_TIMEOUT`], 10 s). Not
    /// applied to a client given with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// Number of retries after the first attempt (default 2). Idempotent requests (GET, PUT,
    /// DELETE, ...) are retried after connection failures, timeouts, 408, 429 and 5xx;
    /// POST and PATCH only when the server cannot have acted on them: connection not
    /// established, or 429.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.settings.max_retries = retries;
        self
    }

    /// Backoff between retries: the n-th retry waits `min(initial × 2ⁿ, max)` minus up to 25 %
    /// random jitter (default 0.5 s and 8 s). A `Retry-After` (or `retry-after-ms`) answer is
    /// honoured instead when present, up to 60 s; a server asking for more is not retried.
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.settings.backoff = Backoff {
            initial,
            max: max.max(initial),
        };
        self
    }

    /// How many pages page-number pagination may fetch at once (default 10; at least 1).
    pub fn page_concurrency(mut self, pages: usize) -> Self {
        self.settings.page_concurrency = pages.max(1);
        self
    }

    /// Largest streamed event accepted (default [`DEFAULT_MAX_EVENT_SIZE`], 16 MiB); a larger
    /// one ends the stream with an [`ErrorKind::InvalidResponse`](crate::ErrorKind) error.
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.settings.max_event_size = bytes.max(1);
        self
    }

    /// Uses this `reqwest::Client` (proxies, TLS roots, connection pool of your own). The
    /// builder's timeout still applies to each request; its connect timeout does not.
    ///
    /// Beware: a client that follows redirects to other hosts would send the `API-KEY` header
    /// there. The client built by default follows redirects only within the same origin.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.settings.http_client = Some(client);
        self
    }

    /// Appends ` <suffix>` to the `User-Agent` (e.g. `my-app/1.2`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.settings.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Validates the configuration and builds the client. Fails (kind
    /// [`InvalidRequest`](crate::ErrorKind::InvalidRequest)) when neither or both of API key
    /// and bearer token are set, a credential or header value contains CR, LF, NUL or another
    /// character invalid in a header, or the base URL is not a valid http(s) URL.
    pub fn build(self) -> Result<Client> {
        let base_url = match self.base_url {
            Some(url) => url,
            None => self.region.base_url().to_owned(),
        };
        let core = ClientCore::new(ClientSettings {
            base_url,
            ..self.settings
        })?;
        Ok(Client { core })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.settings.api_key.as_ref().map(|_| Redacted))
            .field(
                "bearer_token",
                &self.settings.bearer_token.as_ref().map(|_| Redacted),
            )
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("identity", &DebugPairs(&self.settings.identity))
            .field(
                "default_headers",
                &DebugPairs(&self.settings.default_headers),
            )
            .field("timeout", &self.settings.timeout)
            .field("total_timeout", &self.settings.total_timeout)
            .field("connect_timeout", &self.settings.connect_timeout)
            .field("max_retries", &self.settings.max_retries)
            .field(
                "retry_backoff",
                &(self.settings.backoff.initial, self.settings.backoff.max),
            )
            .field("page_concurrency", &self.settings.page_concurrency)
            .field("max_event_size", &self.settings.max_event_size)
            .field(
                "http_client",
                &self.settings.http_client.as_ref().map(|_| "custom"),
            )
            .field("user_agent_suffix", &self.settings.user_agent_suffix)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert_eq!(Region::default().base_url(), "https://backend.alli.ai");
        assert_eq!(Region::Ja.base_url(), "https://backend-ja.alli.ai");
        let c = Client::new("k").ok();
        assert_eq!(
            c.as_ref().map(|c| c.base_url()),
            Some("https://backend.alli.ai")
        );
    }
}
