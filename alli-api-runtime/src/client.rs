//! What `alli_api::Client` is built on: [`ClientCore`], the validated, shareable client state
//! (HTTP client, credentials and default headers, timeouts, retry policy) that sends requests,
//! built from plain [`ClientSettings`].
//!
//! `alli_api::ClientBuilder` collects the settings and `alli_api::Client` wraps a core; the
//! generated operations reach the core through the client's hidden `__execute*` methods.
#![warn(missing_docs)]

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{ACCEPT, AUTHORIZATION, USER_AGENT};
use http::{HeaderMap, HeaderValue};

use crate::error::{Error, Result};
use crate::headers::{self, DebugHeaders};
use crate::request::RequestOptions;

pub use crate::headers::{AGENT_EMAIL, DebugPairs, OWN_USER_ID, Redacted, USER_EMAIL};
pub use crate::retry::{Backoff, DEFAULT_MAX_RETRIES};

/// Default size limit of one streamed event: 16 MiB.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 16_777_216;

/// How long an idle pooled connection is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(50);

/// Everything a [`ClientCore`] is built from, unvalidated: [`ClientCore::new`] checks it.
#[derive(Clone)]
pub struct ClientSettings {
    /// API key, sent as `API-KEY`; exclusive with `bearer_token`.
    pub api_key: Option<String>,
    /// Bearer token (with or without its `Bearer ` scheme); exclusive with `api_key`.
    pub bearer_token: Option<String>,
    /// The base URL, an http(s) URL, possibly with a path prefix.
    pub base_url: String,
    /// The `User-Agent`, before the suffix.
    pub user_agent: &'static str,
    /// Appended to the `User-Agent` after a space.
    pub user_agent_suffix: Option<String>,
    /// Identity headers (`OWN-USER-ID`, `USER-EMAIL`, `AGENT-EMAIL`), by lower-case name.
    pub identity: Vec<(&'static str, String)>,
    /// Other headers sent with every request, applied after the identity headers and
    /// `User-Agent` (so they can replace those).
    pub default_headers: Vec<(String, String)>,
    /// Timeout of each attempt, until the body is read.
    pub timeout: Duration,
    /// Deadline of a request as a whole, if any.
    pub total_timeout: Option<Duration>,
    /// Connect timeout of the built-in HTTP client (not applied to `http_client`).
    pub connect_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Backoff between retries.
    pub backoff: Backoff,
    /// Pages page-number pagination fetches at once (at least 1).
    pub page_concurrency: usize,
    /// Largest streamed event accepted.
    pub max_event_size: usize,
    /// An HTTP client of the caller's, used instead of the built-in one.
    pub http_client: Option<reqwest::Client>,
}

/// Shows the base URL only: the rest is the builder's to show (`alli_api::ClientBuilder`'s
/// `Debug`), and the credentials are never shown.
impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// How the client authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AuthKind {
    ApiKey,
    Bearer,
}

/// The built client state: cheap to clone (one `Arc`), `Send + Sync`. Its `Debug` output never
/// shows the API key or bearer token.
#[derive(Clone)]
pub struct ClientCore {
    pub(crate) inner: Arc<CoreInner>,
}

pub(crate) struct CoreInner {
    pub(crate) http: reqwest::Client,
    /// Without a trailing slash.
    pub(crate) base_url: String,
    auth: AuthKind,
    /// Credentials, identity, `User-Agent`, `Accept` and the user's default headers.
    pub(crate) headers: HeaderMap,
    pub(crate) timeout: Duration,
    pub(crate) total_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    pub(crate) max_retries: u32,
    pub(crate) page_concurrency: usize,
    pub(crate) backoff: Backoff,
    pub(crate) max_event_size: usize,
}

impl ClientCore {
    /// Validates `settings` and builds the core. Fails (kind
    /// [`InvalidRequest`](crate::ErrorKind::InvalidRequest)) when neither or both of API key
    /// and bearer token are set, a credential or header value contains CR, LF, NUL or another
    /// character invalid in a header, or the base URL is not a valid http(s) URL.
    pub fn new(settings: ClientSettings) -> Result<ClientCore> {
        let mut headers = HeaderMap::new();
        let auth = match (&settings.api_key, &settings.bearer_token) {
            (Some(key), None) => {
                let value = headers::secret_value("API key", key)?;
                headers.insert(headers::API_KEY, value);
                AuthKind::ApiKey
            }
            (None, Some(token)) => {
                // A token given with its scheme is not sent as "Bearer Bearer ..".
                let token = match token.get(..7) {
                    Some(scheme) if scheme.eq_ignore_ascii_case("bearer ") => &token[7..],
                    _ => token.as_str(),
                };
                if token.trim().is_empty() {
                    return Err(Error::invalid_request("the bearer token is empty"));
                }
                let value = headers::secret_value("bearer token", &format!("Bearer {token}"))?;
                headers.insert(AUTHORIZATION, value);
                AuthKind::Bearer
            }
            (None, None) => {
                return Err(Error::invalid_request(
                    "no credentials: set an API key (`api_key`) or a bearer token \
                     (`bearer_token`)",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(Error::invalid_request(
                    "both an API key and a bearer token are set; set exactly one",
                ));
            }
        };

        let mut user_agent = settings.user_agent.to_owned();
        if let Some(suffix) = &settings.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        headers.insert(USER_AGENT, headers::header_value(&USER_AGENT, &user_agent)?);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &settings.identity {
            let name = headers::header_name(name)?;
            let value = headers::header_value(&name, value)?;
            headers.insert(name, value);
        }
        for (name, value) in &settings.default_headers {
            let name = headers::header_name(name)?;
            let value = headers::header_value(&name, value)?;
            headers.insert(name, value);
        }

        let base_url = parse_base_url(&settings.base_url)?;

        let (http, connect_timeout) = match settings.http_client {
            Some(client) => (client, None),
            None => {
                let client = reqwest::Client::builder()
                    .connect_timeout(settings.connect_timeout)
                    // Below the common 60 s idle timeout of load balancers, so a pooled
                    // connection is rarely reused just as the server side closes it (a POST
                    // failing that way cannot be retried).
                    .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                    .redirect(same_origin_redirects())
                    .build()
                    .map_err(|e| {
                        Error::invalid_request(format!("failed to set up the HTTP client: {e}"))
                    })?;
                (client, Some(settings.connect_timeout))
            }
        };

        Ok(ClientCore {
            inner: Arc::new(CoreInner {
                http,
                base_url,
                auth,
                headers,
                timeout: settings.timeout,
                total_timeout: settings.total_timeout,
                connect_timeout,
                max_retries: settings.max_retries,
                page_concurrency: settings.page_concurrency,
                backoff: settings.backoff,
                max_event_size: settings.max_event_size,
            }),
        })
    }

    /// The base URL requests are sent to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The timeout of one attempt of a request.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The deadline of a request as a whole (all attempts and the waits between them), if set.
    pub fn total_timeout(&self) -> Option<Duration> {
        self.inner.total_timeout
    }

    /// The number of retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }

    /// How many pages page-number pagination fetches at once.
    pub fn page_concurrency(&self) -> usize {
        self.inner.page_concurrency
    }

    /// The page concurrency of a request: its options' value, else the client's (at least 1).
    pub fn page_concurrency_for(&self, options: &RequestOptions) -> usize {
        options
            .get_page_concurrency()
            .unwrap_or(self.inner.page_concurrency)
            .max(1)
    }

    /// Writes the `Debug` output of a client named `name`: settings, with the credentials
    /// redacted.
    pub fn fmt_debug(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct(name)
            .field("base_url", &i.base_url)
            .field(
                "auth",
                &match i.auth {
                    AuthKind::ApiKey => "API-KEY <redacted>",
                    AuthKind::Bearer => "Bearer <redacted>",
                },
            )
            .field("headers", &DebugHeaders(&i.headers))
            .field("timeout", &i.timeout)
            .field("total_timeout", &i.total_timeout)
            .field("connect_timeout", &i.connect_timeout)
            .field("max_retries", &i.max_retries)
            .field("page_concurrency", &i.page_concurrency)
            .field("max_event_size", &i.max_event_size)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_debug("ClientCore", f)
    }
}

/// Validates an http(s) base URL and returns it without a trailing slash. The URL is not echoed
/// in errors (it could carry credentials as user info).
fn parse_base_url(raw: &str) -> Result<String> {
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|e| Error::invalid_request(format!("invalid base URL: {e}")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(Error::invalid_request(format!(
            "invalid base URL: scheme `{}` is not http or https",
            url.scheme()
        )));
    }
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(Error::invalid_request("invalid base URL: no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_request(
            "invalid base URL: it must not have a query or fragment",
        ));
    }
    let mut s = url.as_str().to_owned();
    while s.ends_with('/') {
        s.pop();
    }
    Ok(s)
}

/// Follows at most 5 redirects, and only within the same origin (scheme, host, port): the
/// `API-KEY` header is not one reqwest strips on cross-origin redirects, so such a redirect
/// is not followed (the 3xx is returned as an API error).
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if same_origin && attempt.previous().len() <= 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            parse_base_url("http://127.0.0.1:8080/proxy/")
                .ok()
                .as_deref(),
            Some("http://127.0.0.1:8080/proxy")
        );
        assert_eq!(
            parse_base_url("https://backend.alli.ai").ok().as_deref(),
            Some("https://backend.alli.ai")
        );
        for bad in ["ftp://x", "not a url", "http://h/?q=1", "mailto:a@b"] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
    }
}
