//! Capturing tracing output of one test while other tests of the same binary run beside it.
//!
//! `tracing::subscriber::set_default` is per thread, but tracing-core caches whether a callsite
//! is enabled across threads: a test that first hits a callsite on a thread without a
//! subscriber can switch it off for a test that set one. So the tests install one global
//! subscriber, [`Router`], which is always interested and forwards each span and event to the
//! subscriber registered for the thread it happens on ([`capture`]); other threads' output is
//! dropped. `#[tokio::test]` runs the test's futures on its own thread, so a test sees exactly
//! its own requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ThreadId;

use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

type Shared = Arc<dyn Subscriber + Send + Sync>;

/// The global subscriber: forwards to the subscriber of the current thread, if any.
#[derive(Default)]
pub struct Router {
    by_thread: Mutex<HashMap<ThreadId, Shared>>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router").finish_non_exhaustive()
    }
}

impl Router {
    fn current(&self) -> Option<Shared> {
        self.by_thread
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&std::thread::current().id())
            .cloned()
    }
}

/// Ids handed out for spans on threads that capture nothing.
const UNCAPTURED: u64 = u64::MAX;

impl Subscriber for Router {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        match self.current() {
            Some(s) => s.new_span(attrs),
            None => Id::from_u64(UNCAPTURED),
        }
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(s) = self.current() {
            s.record(span, values);
        }
    }
    fn record_follows_from(&self, span: &Id, follows: &Id) {
        if let Some(s) = self.current() {
            s.record_follows_from(span, follows);
        }
    }
    fn event(&self, event: &Event<'_>) {
        if let Some(s) = self.current() {
            s.event(event);
        }
    }
    fn enter(&self, span: &Id) {
        if let Some(s) = self.current() {
            s.enter(span);
        }
    }
    fn exit(&self, span: &Id) {
        if let Some(s) = self.current() {
            s.exit(span);
        }
    }
}

fn router() -> &'static Arc<Router> {
    static ROUTER: OnceLock<Arc<Router>> = OnceLock::new();
    ROUTER.get_or_init(|| {
        let router = Arc::new(Router::default());
        let dispatch = tracing::Dispatch::from(Arc::clone(&router));
        if tracing::dispatcher::set_global_default(dispatch).is_err() {
            panic!("another global tracing subscriber is installed in this test binary");
        }
        router
    })
}

/// Sends this thread's spans and events to `subscriber` until the guard is dropped.
pub fn capture(subscriber: impl Subscriber + Send + Sync) -> CaptureGuard {
    let router = router();
    let thread = std::thread::current().id();
    router
        .by_thread
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(thread, Arc::new(subscriber));
    CaptureGuard { thread }
}

/// Ends a [`capture`] when dropped.
#[derive(Debug)]
#[must_use = "the capture ends when the guard is dropped"]
pub struct CaptureGuard {
    thread: ThreadId,
}

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        router()
            .by_thread
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.thread);
    }
}
