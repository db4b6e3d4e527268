//! A streamed response body with an idle timeout: the longest silence allowed between two
//! chunks. Shared by [`EventStream`](crate::EventStream) and [`Download`](crate::Download).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;

use crate::error::{Error, Result};

/// A boxed stream of body chunks.
pub(crate) type BoxBody = Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>;

/// A body whose silence is bounded: when no chunk arrives for the idle timeout, it yields an
/// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) error and ends. Errors of the body end it
/// too, after being yielded.
pub(crate) struct IdleBody {
    /// `None` once ended.
    body: Option<BoxBody>,
    idle_timeout: Option<Duration>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    /// When the idle timeout elapses (set from the last chunk).
    deadline: Option<tokio::time::Instant>,
}

impl IdleBody {
    pub(crate) fn new(body: BoxBody, idle_timeout: Option<Duration>) -> Self {
        IdleBody {
            body: Some(body),
            idle_timeout,
            sleep: None,
            deadline: None,
        }
    }

    /// The body of a response, its transport errors classified.
    pub(crate) fn from_response(resp: reqwest::Response, idle_timeout: Option<Duration>) -> Self {
        let body =
            futures_util::StreamExt::map(resp.bytes_stream(), |r| r.map_err(Error::from_reqwest));
        Self::new(Box::pin(body), idle_timeout)
    }

    pub(crate) fn idle_timeout(&self) -> Option<Duration> {
        self.idle_timeout
    }

    pub(crate) fn set_idle_timeout(&mut self, timeout: Option<Duration>) {
        self.idle_timeout = timeout;
        self.sleep = None;
        self.deadline = None;
    }

    /// When the body times out if no chunk arrives from now on.
    fn idle_deadline(&self) -> Option<tokio::time::Instant> {
        self.idle_timeout
            .and_then(|idle| tokio::time::Instant::now().checked_add(idle))
    }

    /// Ends the body and closes it (the connection).
    fn end(&mut self) {
        self.body = None;
        self.sleep = None;
    }
}

impl Stream for IdleBody {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
        let this = &mut *self;
        let Some(body) = this.body.as_mut() else {
            return Poll::Ready(None);
        };
        match body.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.deadline = this.idle_deadline();
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(err))) => {
                this.end();
                Poll::Ready(Some(Err(err)))
            }
            Poll::Ready(None) => {
                this.end();
                Poll::Ready(None)
            }
            Poll::Pending => {
                if this.deadline.is_none() {
                    this.deadline = this.idle_deadline();
                }
                // No deadline: no idle timeout (or one too large to represent).
                if let (Some(idle), Some(deadline)) = (this.idle_timeout, this.deadline) {
                    let sleep = this
                        .sleep
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                    if sleep.deadline() != deadline {
                        sleep.as_mut().reset(deadline);
                    }
                    if sleep.as_mut().poll(cx).is_ready() {
                        this.end();
                        return Poll::Ready(Some(Err(Error::stream_idle(idle))));
                    }
                }
                Poll::Pending
            }
        }
    }
}
