//! Sending requests: URL and headers, timeouts, retries, tracing.

use std::future::Future;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE};
use http::{HeaderMap, HeaderValue, Method};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::client::ClientCore;
use crate::download::Download;
use crate::error::{Error, ErrorDecoder, Result};
use crate::event_stream::EventStream;
use crate::headers;
use crate::pagination::BoxFuture;
use crate::request::{Request, RequestOptions};
use crate::response::RawResponse;
use crate::retry::{self, MAX_RETRY_AFTER};
use crate::upload::{BodySpec, BodyStream, Multipart, ProgressHook};

/// The body of a prepared request.
enum PreparedBody {
    None,
    Bytes(Bytes),
    /// Opened anew by each attempt.
    Multipart(Multipart),
}

/// A request with everything resolved, ready for (repeated) sending.
struct Prepared {
    method: Method,
    url: reqwest::Url,
    headers: HeaderMap,
    body: PreparedBody,
    progress: Option<ProgressHook>,
    operation: &'static str,
    path_template: &'static str,
    envelope: Option<&'static str>,
    error_decoder: Option<ErrorDecoder>,
    timeout: Duration,
    total_timeout: Option<Duration>,
    max_retries: u32,
}

// Where this compiles: the entry points below return boxed futures from plain, non-generic
// functions, so the sending machinery (retries, timeouts, uploads, tracing) is compiled once,
// in this crate. An `async fn` method's state machine would be compiled again in every crate
// that awaits it (generated operations are awaited in the user's crate); the box costs one
// allocation per request.
impl ClientCore {
    /// Sends a request built by generated code and returns the 2xx response with its body read.
    ///
    /// Applies the base URL, credentials, identity and default headers, the request's own
    /// header parameters and then the per-request header edits (which win), `User-Agent`, the
    /// timeout (per attempt, until the body is read), retries and a tracing span. A non-2xx
    /// response, or a 2xx whose declared error envelope is not empty, is an
    /// [`ErrorKind::Api`](crate::ErrorKind::Api) error (with the typed body when the request has
    /// an error decoder).
    #[inline(never)]
    pub fn execute<'a>(
        &'a self,
        req: Request,
        options: &'a RequestOptions,
    ) -> BoxFuture<'a, Result<RawResponse>> {
        Box::pin(self.execute_read(req, options))
    }

    async fn execute_read(&self, req: Request, options: &RequestOptions) -> Result<RawResponse> {
        let p = self.prepare(req, options)?;
        let operation = p.operation;
        let raw = self
            .run(&p, |resp| async move {
                let status = resp.status();
                let headers = resp.headers().clone();
                let body = resp.bytes().await.map_err(Error::from_reqwest)?;
                Ok(RawResponse::new(status, headers, body, operation))
            })
            .await?;
        match p.envelope {
            Some(field) => raw.check_envelope(field),
            None => Ok(raw),
        }
    }

    /// Like [`execute`](ClientCore::execute) up to the response headers (retries and the
    /// timeout apply until then), then returns the body as a [`Download`] stream: for
    /// operations whose success answer is binary (`application/octet-stream`, `image/*`, ...).
    /// The timeout then bounds the silence between two chunks. A non-2xx response is read and
    /// fails like `execute`.
    #[inline(never)]
    pub fn execute_download<'a>(
        &'a self,
        req: Request,
        options: &'a RequestOptions,
    ) -> BoxFuture<'a, Result<Download>> {
        Box::pin(async move {
            let (resp, operation, timeout) = self.open(req, options).await?;
            Ok(Download::from_response(resp, operation, timeout))
        })
    }

    /// Like [`execute`](ClientCore::execute) up to the response headers (retries and the
    /// timeout apply until then), then returns the body as a typed [`EventStream`]. The timeout
    /// then bounds the silence between two chunks. A non-2xx response is read and fails like
    /// `execute`.
    pub async fn execute_stream<T: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
        options: &RequestOptions,
    ) -> Result<EventStream<T>> {
        let (resp, operation, timeout) = self.open(req, options).await?;
        Ok(EventStream::from_response(
            resp,
            operation,
            timeout,
            self.inner.max_event_size,
        ))
    }

    /// Sends the request up to the response headers of a 2xx answer (retries and the timeout
    /// apply until then): the response, the operation and the timeout that then bounds the
    /// silence between two chunks.
    #[inline(never)]
    fn open<'a>(
        &'a self,
        req: Request,
        options: &'a RequestOptions,
    ) -> BoxFuture<'a, Result<(reqwest::Response, &'static str, Duration)>> {
        Box::pin(async move {
            let p = self.prepare(req, options)?;
            let resp = self.run(&p, |resp| async move { Ok(resp) }).await?;
            Ok((resp, p.operation, p.timeout))
        })
    }

    fn prepare(&self, req: Request, options: &RequestOptions) -> Result<Prepared> {
        let operation = req.operation;
        if let Some(err) = req.error {
            return Err(err);
        }
        let path_and_query = req.path_and_query()?;
        let in_request = |e: Error| e.with_operation(operation);
        let url = reqwest::Url::parse(&format!("{}{}", self.inner.base_url, path_and_query))
            .map_err(|e| in_request(Error::invalid_request(format!("invalid request URL: {e}"))))?;
        let mut headers = self.inner.headers.clone();
        for (name, value) in &req.headers {
            let name = headers::header_name(name).map_err(in_request)?;
            let value = headers::header_value(&name, value).map_err(in_request)?;
            headers.insert(name, value);
        }
        if !req.cookies.is_empty() {
            let mut cookie = headers
                .get(COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(|v| format!("{v}; "))
                .unwrap_or_default();
            cookie.push_str(&req.cookies.join("; "));
            let value = headers::header_value(&COOKIE, &cookie).map_err(in_request)?;
            headers.insert(COOKIE, value);
        }
        // A form's content type is the form's own (a multipart boundary must be ours).
        let body = match req.body {
            BodySpec::None => PreparedBody::None,
            BodySpec::Bytes(bytes) => PreparedBody::Bytes(bytes),
            BodySpec::UrlEncoded(text) => {
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                PreparedBody::Bytes(Bytes::from(text))
            }
            BodySpec::Multipart(form) => {
                let ct = headers::header_value(&CONTENT_TYPE, &form.content_type())
                    .map_err(in_request)?;
                headers.insert(CONTENT_TYPE, ct);
                PreparedBody::Multipart(form)
            }
        };
        options.apply_headers(&mut headers).map_err(in_request)?;
        if matches!(body, PreparedBody::Bytes(_)) && !headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Ok(Prepared {
            method: req.method,
            url,
            headers,
            body,
            progress: options.get_upload_progress(),
            operation,
            path_template: req.path_template,
            envelope: req.envelope,
            error_decoder: req.error_decoder,
            timeout: options.get_timeout().unwrap_or(self.inner.timeout),
            total_timeout: options.get_total_timeout().or(self.inner.total_timeout),
            max_retries: options.get_max_retries().unwrap_or(self.inner.max_retries),
        })
    }

    /// Runs the attempts of a request within one `alli_api.request` span: each attempt under
    /// the timeout, retried per the policy in [`retry`].
    async fn run<T, F, Fut>(&self, p: &Prepared, finish: F) -> Result<T>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let span = tracing::info_span!(
            "alli_api.request",
            method = %p.method,
            path = p.path_template,
            operation = p.operation,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let idempotent = retry::is_idempotent(&p.method);
        let in_span = span.clone();
        async {
            let deadline = p.total_timeout.map(|t| Instant::now() + t);
            let mut retries = 0u32;
            loop {
                in_span.record("attempt", retries + 1);
                // The attempt's own timeout, cut short by the total deadline.
                let (limit, by_deadline) = match deadline {
                    Some(d) => {
                        let left = d.saturating_duration_since(Instant::now());
                        (left.min(p.timeout), left < p.timeout)
                    }
                    None => (p.timeout, false),
                };
                let attempt = self.attempt(p, &finish, &in_span, retries + 1);
                let result = match tokio::time::timeout(limit, attempt).await {
                    Ok(result) => result,
                    Err(_elapsed) => match (by_deadline, p.total_timeout) {
                        (true, Some(total)) => Err(Error::total_timeout(total, retries + 1)),
                        _ => Err(Error::timeout(p.timeout)),
                    },
                };
                let err = match result {
                    Ok(value) => return Ok(value),
                    Err(err) => err.with_operation(p.operation).with_method(&p.method),
                };
                if by_deadline && err.is_timeout() {
                    tracing::debug!(error = %err, "request failed: total timeout");
                    return Err(err);
                }
                if retries >= p.max_retries || !retry::should_retry(&err, idempotent) {
                    tracing::debug!(error = %err, "request failed");
                    return Err(err);
                }
                // A stream part already sent cannot be sent again.
                if let PreparedBody::Multipart(form) = &p.body {
                    if let Some(note) = form.replay_blocker() {
                        let err = err.with_note(&note);
                        tracing::debug!(error = %err, "request failed");
                        return Err(err);
                    }
                }
                let delay = match err
                    .headers()
                    .and_then(|h| retry::retry_after(h, SystemTime::now()))
                {
                    Some(wait) if wait > MAX_RETRY_AFTER => {
                        tracing::debug!(
                            retry_after_s = wait.as_secs(),
                            error = %err,
                            "not retrying: the server asks to wait too long"
                        );
                        return Err(err);
                    }
                    Some(wait) => wait,
                    None => self.inner.backoff.delay(retries),
                };
                if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                    tracing::debug!(
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        error = %err,
                        "not retrying: the wait would pass the total timeout"
                    );
                    return Err(err);
                }
                tracing::debug!(
                    attempt = retries + 1,
                    delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    error = %err,
                    "retrying request"
                );
                tokio::time::sleep(delay).await;
                retries += 1;
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt (`number` from 1): send, then `finish` a 2xx response; a non-2xx one is read
    /// into an API error. A form is opened again (files re-opened, streams taken).
    async fn attempt<T, F, Fut>(
        &self,
        p: &Prepared,
        finish: &F,
        span: &tracing::Span,
        number: u32,
    ) -> Result<T>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut builder = self
            .inner
            .http
            .request(p.method.clone(), p.url.clone())
            .headers(p.headers.clone());
        let mut failure = None;
        let streamed = match &p.body {
            PreparedBody::None => None,
            PreparedBody::Bytes(bytes) if p.progress.is_none() => {
                builder = builder.body(bytes.clone());
                None
            }
            PreparedBody::Bytes(bytes) => Some(BodyStream::bytes(bytes.clone())),
            PreparedBody::Multipart(form) => {
                let parts = form.open().await?;
                Some(BodyStream::multipart(parts, form.closing()))
            }
        };
        if let Some(body) = streamed {
            let body = body.with_progress(p.progress.clone(), number);
            failure = Some(body.failure());
            if let Some(total) = body.total() {
                builder = builder.header(CONTENT_LENGTH, total);
            }
            builder = builder.body(reqwest::Body::wrap_stream(body));
        }
        let resp = match builder.send().await {
            Ok(resp) => resp,
            // A file or stream of the body that failed says so itself.
            Err(e) => {
                let own = failure.and_then(|f| f.lock().ok().and_then(|mut f| f.take()));
                return Err(own.unwrap_or_else(|| Error::from_reqwest(e)));
            }
        };
        let status = resp.status();
        span.record("status", status.as_u16());
        if status.is_success() {
            return finish(resp).await;
        }
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(Error::from_reqwest)?;
        let typed = p
            .error_decoder
            .and_then(|decode| decode(status.as_u16(), &body));
        Err(Error::api(status, headers, body, typed, None))
    }
}
