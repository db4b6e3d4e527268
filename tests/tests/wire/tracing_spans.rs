//! The `alli_api.request` span and retry events carry method, path template, operation,
//! attempt and status, and never a credential. (Captured per thread through `alli_api_tests::spans`.)

use std::fmt::{Debug, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use alli_api::Client;
use alli_api_tests::{Reply, TestServer, execute, get, post};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const KEY: &str = "sk-live-SECRET-tracing";

/// Records every span (name and fields) and event as text.
#[derive(Clone, Default)]
struct Capture {
    log: Arc<Mutex<String>>,
    next: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Capture {
    fn text(&self) -> String {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
    fn push(&self, f: impl FnOnce(&mut String)) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut log);
        log.push('\n');
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        self.push(|log| {
            let _ = write!(log, "span#{id} {}", attrs.metadata().name());
            attrs.record(&mut Fields(log));
        });
        Id::from_u64(id)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        self.push(|log| {
            let _ = write!(log, "record#{}", span.into_u64());
            values.record(&mut Fields(log));
        });
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        self.push(|log| {
            let _ = write!(log, "event {}", event.metadata().target());
            event.record(&mut Fields(log));
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn request_span_fields_and_no_secrets() {
    let capture = Capture::default();
    let _guard = alli_api_tests::spans::capture(capture.clone());

    let server = TestServer::start().await;
    server.push_all([
        Reply::status(503),
        Reply::json(200, serde_json::json!({})),
        Reply::json(400, serde_json::json!({"error": "bad"})),
    ]);
    let client = Client::builder()
        .api_key(KEY)
        .own_user_id("user-7")
        .base_url(server.url())
        .retry_backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(5),
        )
        .build()
        .expect("valid config");
    let mut req = get("/webapi/v2/apps/{app_id}");
    req.path_param("app_id", &"app-1");
    execute(&client, req).await.expect("retried to success");
    execute(&client, post("/webapi/v2/apps/run"))
        .await
        .expect_err("400");
    assert_eq!(server.request_count(), 3);

    let log = capture.text();
    assert!(!log.contains(KEY), "secret in tracing output:\n{log}");
    assert!(!log.contains("SECRET"), "secret in tracing output:\n{log}");
    // One span per request, with the template (not the substituted path).
    let spans: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("span#") && l.contains("alli_api.request"))
        .collect();
    assert_eq!(spans.len(), 2, "{log}");
    assert!(spans[0].contains("method=GET"), "{log}");
    assert!(
        spans[0].contains("path=\"/webapi/v2/apps/{app_id}\""),
        "{log}"
    );
    assert!(spans[0].contains("operation=\"test.op\""), "{log}");
    assert!(spans[1].contains("method=POST"), "{log}");
    // Attempts and statuses are recorded on the span.
    assert!(log.contains("attempt=2"), "{log}");
    assert!(log.contains("status=503"), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(log.contains("status=400"), "{log}");
    // The retry is logged.
    assert!(log.contains("retrying request"), "{log}");
}
