//! Cursor and page-number pagination through hand-written `CursorPaged` / `PageNumberPaged`
//! implementations shaped like the generated ones.

use std::sync::Arc;
use std::time::Duration;

use alli_api::__private::{
    BoxFuture, CursorPaged, PageNumberPaged, cursor_items, cursor_pages, page_number_items,
    page_number_pages,
};
use alli_api::{Client, ErrorKind, RequestOptions};
use alli_api_tests::{RecordedRequest, Reply, TestServer, client, get};
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::json;

// ---------- cursor ----------

#[derive(Clone, Debug)]
struct ListThings {
    client: Client,
    options: RequestOptions,
    cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ThingsPage {
    things: Vec<u32>,
    cursor: Option<String>,
}

impl ListThings {
    fn new(client: Client) -> Self {
        ListThings {
            client,
            options: RequestOptions::new(),
            cursor: None,
        }
    }
    async fn send(self) -> alli_api::Result<ThingsPage> {
        let mut req = get("/things");
        req.query("cursor", &self.cursor);
        self.client
            .__execute(req, &self.options)
            .await?
            .__decode(None)
    }
}

impl CursorPaged for ListThings {
    type Page = ThingsPage;
    type Item = u32;
    fn cursor(&self) -> Option<String> {
        self.cursor.clone()
    }
    fn with_cursor(&self, cursor: String) -> Self {
        ListThings {
            cursor: Some(cursor),
            ..self.clone()
        }
    }
    fn fetch(self) -> BoxFuture<'static, alli_api::Result<ThingsPage>> {
        Box::pin(self.send())
    }
    fn next_cursor(page: &ThingsPage) -> Option<String> {
        page.cursor.clone()
    }
    fn into_items(page: ThingsPage) -> Vec<u32> {
        page.things
    }
}

fn cursor_of(r: &RecordedRequest) -> Option<String> {
    r.query_values("cursor").into_iter().next()
}

/// Three pages: (no cursor) → c1 → c2 → `last` as the final cursor value.
async fn three_page_server(last: serde_json::Value) -> TestServer {
    TestServer::with_handler(move |r| match cursor_of(r).as_deref() {
        None => Reply::json(200, json!({"things": [1, 2], "cursor": "c1"})),
        Some("c1") => Reply::json(200, json!({"things": [3, 4], "cursor": "c2"})),
        Some("c2") => Reply::json(200, json!({"things": [5], "cursor": last.clone()})),
        Some(other) => Reply::text(400, &format!("unexpected cursor {other}")),
    })
    .await
}

#[tokio::test]
async fn cursor_items_until_a_null_cursor() {
    let server = three_page_server(json!(null)).await;
    let items: Vec<u32> = cursor_items(ListThings::new(client(&server.url())))
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(items, vec![1, 2, 3, 4, 5]);
    let cursors: Vec<Option<String>> = server.requests().iter().map(cursor_of).collect();
    assert_eq!(cursors, vec![None, Some("c1".into()), Some("c2".into())]);
}

#[tokio::test]
async fn cursor_pages_until_an_empty_or_missing_cursor() {
    for last in [json!(""), json!(null)] {
        let server = three_page_server(last.clone()).await;
        let pages: Vec<ThingsPage> = cursor_pages(ListThings::new(client(&server.url())))
            .try_collect()
            .await
            .expect("all pages");
        assert_eq!(pages.len(), 3, "last cursor {last}");
        assert_eq!(server.request_count(), 3);
    }
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({"things": [7]})));
    let items: Vec<u32> = cursor_items(ListThings::new(client(&server.url())))
        .try_collect()
        .await
        .expect("one page");
    assert_eq!(items, vec![7]);
}

#[tokio::test]
async fn cursor_pagination_starts_at_the_callers_cursor() {
    let server = three_page_server(json!(null)).await;
    let mut op = ListThings::new(client(&server.url()));
    op.cursor = Some("c1".into());
    let items: Vec<u32> = cursor_items(op).try_collect().await.expect("pages");
    assert_eq!(items, vec![3, 4, 5]);
}

#[tokio::test]
async fn repeated_cursor_is_an_error_not_an_endless_loop() {
    let server = TestServer::with_handler(|r| match cursor_of(r).as_deref() {
        None => Reply::json(200, json!({"things": [1], "cursor": "a"})),
        Some("a") => Reply::json(200, json!({"things": [2], "cursor": "b"})),
        _ => Reply::json(200, json!({"things": [3], "cursor": "a"})),
    })
    .await;
    let results: Vec<alli_api::Result<u32>> = cursor_items(ListThings::new(client(&server.url())))
        .collect()
        .await;
    assert_eq!(results.len(), 4, "{results:?}");
    let items: Vec<u32> = results[..3]
        .iter()
        .map(|r| *r.as_ref().expect("item"))
        .collect();
    assert_eq!(items, vec![1, 2, 3]);
    let e = results[3].as_ref().expect_err("cycle detected");
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn cursor_same_as_the_callers_is_an_error() {
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({"things": [1], "cursor": "start"})));
    let mut op = ListThings::new(client(&server.url()));
    op.cursor = Some("start".into());
    let results: Vec<_> = cursor_pages(op).collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert_eq!(
        results[1].as_ref().map(|_| ()).expect_err("repeat").kind(),
        ErrorKind::InvalidResponse
    );
}

#[tokio::test]
async fn next_page_is_requested_before_the_consumer_asks_for_it() {
    let server = three_page_server(json!(null)).await;
    let mut items = cursor_items(ListThings::new(client(&server.url())));
    assert_eq!(items.next().await.map(|r| r.expect("item")), Some(1));
    // The consumer is busy with item 1: the second page is fetched meanwhile.
    assert!(
        server.wait_for_requests(2, Duration::from_secs(5)).await,
        "no prefetch"
    );
    let mut pages = cursor_pages(ListThings::new(client(&server.url())));
    let first = pages.next().await.expect("a page").expect("ok");
    assert_eq!(first.things, vec![1, 2]);
    assert!(server.wait_for_requests(4, Duration::from_secs(5)).await);
    // Only one page ahead.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn cursor_error_mid_way_ends_the_stream() {
    let server = TestServer::with_handler(|r| match cursor_of(r).as_deref() {
        None => Reply::json(200, json!({"things": [1, 2], "cursor": "c1"})),
        _ => Reply::json(400, json!({"message": "bad cursor"})),
    })
    .await;
    let results: Vec<_> = cursor_items(ListThings::new(client(&server.url())))
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    let e = results[2].as_ref().expect_err("page 2 failed");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(e.api_message(), Some("bad cursor"));
}

/// A cursor-paged operation without HTTP: page `n` takes 100 ms and records that it completed.
#[derive(Clone, Debug)]
struct Counted {
    cursor: Option<String>,
    completed: Arc<std::sync::Mutex<Vec<String>>>,
}

impl CursorPaged for Counted {
    type Page = (String, Option<String>);
    type Item = String;
    fn cursor(&self) -> Option<String> {
        self.cursor.clone()
    }
    fn with_cursor(&self, cursor: String) -> Self {
        Counted {
            cursor: Some(cursor),
            ..self.clone()
        }
    }
    fn fetch(self) -> BoxFuture<'static, alli_api::Result<Self::Page>> {
        Box::pin(async move {
            let n: u32 = self.cursor.as_deref().map_or(0, |c| c.parse().unwrap_or(0));
            if n > 0 {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let name = format!("page{n}");
            self.completed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(name.clone());
            Ok((name, Some((n + 1).to_string())))
        })
    }
    fn next_cursor(page: &Self::Page) -> Option<String> {
        page.1.clone()
    }
    fn into_items(page: Self::Page) -> Vec<String> {
        vec![page.0]
    }
}

#[tokio::test]
async fn dropping_the_stream_aborts_the_prefetch() {
    let completed = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut items = cursor_items(Counted {
        cursor: None,
        completed: Arc::clone(&completed),
    });
    assert_eq!(
        items.next().await.map(|r| r.expect("item")).as_deref(),
        Some("page0")
    );
    // page1 is being fetched (100 ms); dropping the stream aborts it.
    drop(items);
    tokio::time::sleep(Duration::from_millis(250)).await;
    let done = completed.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert_eq!(done, vec!["page0".to_owned()]);

    // Control: kept alive, the prefetch completes without being polled.
    let completed = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut items = cursor_items(Counted {
        cursor: None,
        completed: Arc::clone(&completed),
    });
    items.next().await.map(|r| r.expect("item"));
    tokio::time::sleep(Duration::from_millis(250)).await;
    let done = completed.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert_eq!(done, vec!["page0".to_owned(), "page1".to_owned()]);
    drop(items);
}

// ---------- page number ----------

#[derive(Clone, Debug)]
struct ListNumbered {
    client: Client,
    options: RequestOptions,
    page: Option<u64>,
    page_size: Option<u64>,
    /// What `page_size()` reports (None: unknown to the paginator).
    declared_size: bool,
}

#[derive(Debug, Deserialize)]
struct NumberedPage {
    items: Vec<u64>,
    total: Option<u64>,
}

impl ListNumbered {
    fn new(client: Client, page_size: Option<u64>) -> Self {
        ListNumbered {
            client,
            options: RequestOptions::new(),
            page: None,
            page_size,
            declared_size: true,
        }
    }
    async fn send(self) -> alli_api::Result<NumberedPage> {
        let mut req = get("/numbered");
        req.query("page", &self.page);
        req.query("pageSize", &self.page_size);
        self.client
            .__execute(req, &self.options)
            .await?
            .__decode(None)
    }
}

impl PageNumberPaged for ListNumbered {
    type Page = NumberedPage;
    type Item = u64;
    fn first_page(&self) -> u64 {
        self.page.unwrap_or(1)
    }
    fn with_page(&self, page: u64) -> Self {
        ListNumbered {
            page: Some(page),
            ..self.clone()
        }
    }
    fn page_size(&self) -> Option<u64> {
        self.page_size.filter(|_| self.declared_size)
    }
    fn page_concurrency(&self) -> usize {
        self.client.__page_concurrency(&self.options)
    }
    fn fetch(self) -> BoxFuture<'static, alli_api::Result<NumberedPage>> {
        Box::pin(self.send())
    }
    fn total_items(page: &NumberedPage) -> Option<u64> {
        page.total
    }
    fn item_count(page: &NumberedPage) -> usize {
        page.items.len()
    }
    fn into_items(page: NumberedPage) -> Vec<u64> {
        page.items
    }
}

fn page_of(r: &RecordedRequest) -> u64 {
    r.query_values("page")
        .first()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
}

/// A server over items `0..n`, pages of `size` (1-based), reporting the total or not, each
/// answer delayed by `delay(page)`.
async fn numbered_server(
    n: u64,
    size: u64,
    with_total: bool,
    delay: fn(u64) -> Duration,
) -> TestServer {
    TestServer::with_handler(move |r| {
        let page = page_of(r);
        let start = (page - 1) * size;
        let items: Vec<u64> = (start..(start + size).min(n)).collect();
        let mut body = json!({ "items": items });
        if with_total {
            body["total"] = json!(n);
        }
        Reply::json(200, body).delay(delay(page))
    })
    .await
}

fn no_delay(_: u64) -> Duration {
    Duration::ZERO
}

fn pages_requested(server: &TestServer) -> Vec<u64> {
    let mut pages: Vec<u64> = server.requests().iter().map(page_of).collect();
    pages.sort_unstable();
    pages
}

#[tokio::test]
async fn page_numbers_with_total_fetch_exactly_the_pages_needed_concurrently() {
    let server = numbered_server(23, 5, true, |_| Duration::from_millis(50)).await;
    let client = alli_api_tests::client_builder(&server.url())
        .page_concurrency(3)
        .build()
        .expect("valid config");
    let items: Vec<u64> = page_number_items(ListNumbered::new(client, Some(5)))
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(items, (0..23).collect::<Vec<_>>());
    assert_eq!(pages_requested(&server), vec![1, 2, 3, 4, 5]);
    let max = server.max_concurrent_requests();
    assert!((2..=3).contains(&max), "max concurrent {max}");
}

#[tokio::test]
async fn page_numbers_stop_at_a_short_page() {
    let server = numbered_server(23, 5, false, no_delay).await;
    let pages: Vec<NumberedPage> =
        page_number_pages(ListNumbered::new(client(&server.url()), Some(5)))
            .try_collect()
            .await
            .expect("all pages");
    let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(sizes, vec![5, 5, 5, 5, 3]);
    // Without a total, pages past the end may have been requested speculatively (at most
    // page_concurrency - 1 beyond the last) and were discarded.
    let requested = pages_requested(&server);
    assert!(requested.starts_with(&[1, 2, 3, 4, 5]), "{requested:?}");
    let speculative = requested.len() - 5;
    assert!(
        speculative < alli_api::DEFAULT_PAGE_CONCURRENCY,
        "{requested:?}"
    );
}

#[tokio::test]
async fn page_numbers_stop_at_an_empty_page() {
    // 20 items in full pages of 5: page 5 is full, page 6 is empty.
    let server = numbered_server(20, 5, false, no_delay).await;
    let pages: Vec<NumberedPage> =
        page_number_pages(ListNumbered::new(client(&server.url()), Some(5)))
            .try_collect()
            .await
            .expect("all pages");
    assert_eq!(pages.len(), 4, "the trailing empty page is not returned");
    assert!(pages_requested(&server).contains(&5));

    // Page size unknown to the paginator: only an empty page ends it.
    let server = numbered_server(7, 3, false, no_delay).await;
    let mut op = ListNumbered::new(client(&server.url()), Some(3));
    op.declared_size = false;
    let items: Vec<u64> = page_number_items(op)
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(items, (0..7).collect::<Vec<_>>());
    assert!(pages_requested(&server).starts_with(&[1, 2, 3, 4]));
}

#[tokio::test]
async fn an_empty_first_page_is_returned_alone() {
    let server = numbered_server(0, 5, true, no_delay).await;
    let pages: Vec<NumberedPage> =
        page_number_pages(ListNumbered::new(client(&server.url()), Some(5)))
            .try_collect()
            .await
            .expect("one page");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].total, Some(0));
    let items: Vec<u64> = page_number_items(ListNumbered::new(client(&server.url()), Some(5)))
        .try_collect()
        .await
        .expect("no items");
    assert!(items.is_empty());
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn total_reached_on_a_full_page_stops_without_another_request() {
    let server = numbered_server(10, 5, true, no_delay).await;
    let items: Vec<u64> = page_number_items(ListNumbered::new(client(&server.url()), Some(5)))
        .try_collect()
        .await
        .expect("all");
    assert_eq!(items.len(), 10);
    assert_eq!(pages_requested(&server), vec![1, 2]);
}

#[tokio::test]
async fn order_is_preserved_when_later_pages_answer_first_and_concurrency_is_bounded() {
    // Later pages answer faster.
    let server = numbered_server(60, 5, false, |page| {
        Duration::from_millis(130u64.saturating_sub(page * 10))
    })
    .await;
    let mut op = ListNumbered::new(client(&server.url()), Some(5));
    op.options = RequestOptions::new().page_concurrency(4);
    let items: Vec<u64> = page_number_items(op).try_collect().await.expect("all");
    assert_eq!(items, (0..60).collect::<Vec<_>>());
    let max = server.max_concurrent_requests();
    assert!((2..=4).contains(&max), "max concurrent {max}");
}

#[tokio::test]
async fn page_number_pagination_from_a_later_page() {
    let server = numbered_server(23, 5, true, no_delay).await;
    let mut op = ListNumbered::new(client(&server.url()), Some(5));
    op.page = Some(3);
    let items: Vec<u64> = page_number_items(op).try_collect().await.expect("all");
    assert_eq!(items, (10..23).collect::<Vec<_>>());
    assert_eq!(pages_requested(&server), vec![3, 4, 5]);
}

#[tokio::test]
async fn page_error_ends_the_stream_after_the_pages_before_it() {
    let server = TestServer::with_handler(|r| {
        let page = page_of(r);
        if page == 3 {
            Reply::json(404, json!({"message": "gone"}))
        } else {
            let start = (page - 1) * 2;
            Reply::json(200, json!({"items": [start, start + 1], "total": 10}))
        }
    })
    .await;
    let results: Vec<_> = page_number_items(ListNumbered::new(client(&server.url()), Some(2)))
        .collect()
        .await;
    assert_eq!(results.len(), 5, "{results:?}");
    for (i, r) in results[..4].iter().enumerate() {
        assert_eq!(*r.as_ref().expect("item"), i as u64);
    }
    let e = results[4].as_ref().expect_err("page 3");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn page_concurrency_comes_from_options_then_client() {
    let client = alli_api_tests::client_builder("http://127.0.0.1:1")
        .page_concurrency(7)
        .build()
        .expect("valid config");
    assert_eq!(client.page_concurrency(), 7);
    assert_eq!(client.__page_concurrency(&RequestOptions::new()), 7);
    assert_eq!(
        client.__page_concurrency(&RequestOptions::new().page_concurrency(2)),
        2
    );
    assert_eq!(
        client.__page_concurrency(&RequestOptions::new().page_concurrency(0)),
        1
    );
    assert_eq!(
        alli_api_tests::client("http://127.0.0.1:1").page_concurrency(),
        alli_api::DEFAULT_PAGE_CONCURRENCY
    );
}
