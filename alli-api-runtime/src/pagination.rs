//! Pagination: cursor and page-number streams with prefetching.
#![warn(missing_docs)]

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt as _;

use crate::error::{Error, Result};

/// A boxed, `Send` future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The items of every page of a paginated operation, in order (`into_stream()`).
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'static>>;

/// The pages of a paginated operation, in order (`into_pages()`).
pub type PageStream<P> = Pin<Box<dyn Stream<Item = Result<P>> + Send + 'static>>;

/// An operation paginated by an opaque cursor (implemented by generated builders).
pub trait CursorPaged: Clone + Send + Sync + 'static {
    /// One page, as the operation returns it.
    type Page: Send + 'static;
    /// One item of a page.
    type Item: Send + 'static;
    /// The cursor the caller set (for the first request), if any.
    fn cursor(&self) -> Option<String>;
    /// A copy of the operation asking for the page at `cursor`.
    fn with_cursor(&self, cursor: String) -> Self;
    /// Sends the request.
    fn fetch(self) -> BoxFuture<'static, Result<Self::Page>>;
    /// The cursor of the next page; `None` or `""` when this is the last page.
    fn next_cursor(page: &Self::Page) -> Option<String>;
    /// The items of a page.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
}

/// An operation paginated by page number (implemented by generated builders).
pub trait PageNumberPaged: Clone + Send + Sync + 'static {
    /// One page, as the operation returns it.
    type Page: Send + 'static;
    /// One item of a page.
    type Item: Send + 'static;
    /// The page the caller set, else the API's first page (usually 1).
    fn first_page(&self) -> u64;
    /// A copy of the operation asking for page `page`.
    fn with_page(&self, page: u64) -> Self;
    /// The page size when known (set by the caller, the API's default, or declared).
    fn page_size(&self) -> Option<u64>;
    /// How many pages may be fetched at once (the request's options, else the client's
    /// default; see `Client::__page_concurrency`).
    fn page_concurrency(&self) -> usize;
    /// Sends the request.
    fn fetch(self) -> BoxFuture<'static, Result<Self::Page>>;
    /// The total number of items, when the page says it.
    fn total_items(page: &Self::Page) -> Option<u64>;
    /// The number of items in a page.
    fn item_count(page: &Self::Page) -> usize;
    /// The items of a page.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
}

/// A spawned task, aborted when dropped (so a dropped stream cancels its prefetches).
struct Task<T>(tokio::task::JoinHandle<T>);

impl<T: Send + 'static> Task<T> {
    fn spawn(fut: impl Future<Output = T> + Send + 'static) -> Self {
        Task(tokio::spawn(fut))
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for Task<Result<T>> {
    type Output = Result<T>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        Pin::new(&mut self.0).poll(cx).map(|joined| match joined {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(Error::transport(
                "the page request was cancelled (runtime shutting down)",
                Box::new(std::io::Error::from(std::io::ErrorKind::Interrupted)),
            )),
        })
    }
}

enum CursorState<P: CursorPaged> {
    Start(P),
    Fetching {
        op: P,
        task: Task<Result<P::Page>>,
        seen: HashSet<String>,
    },
    Failed(Error),
    Done,
}

/// The pages of a cursor-paginated operation. The next page is requested as soon as the
/// previous one arrives (in a spawned task, aborted if the stream is dropped), so fetching
/// overlaps the consumer's work. The stream ends after a page whose next cursor is missing or
/// empty; a cursor the server already returned ends it with an
/// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) error (after the page
/// carrying it).
pub fn cursor_pages<P: CursorPaged>(op: P) -> PageStream<P::Page> {
    Box::pin(futures_util::stream::unfold(
        CursorState::Start(op),
        |mut state| async move {
            loop {
                return match state {
                    CursorState::Done => None,
                    CursorState::Failed(e) => Some((Err(e), CursorState::Done)),
                    CursorState::Start(op) => {
                        let seen: HashSet<String> =
                            op.cursor().into_iter().filter(|c| !c.is_empty()).collect();
                        let task = Task::spawn(op.clone().fetch());
                        state = CursorState::Fetching { op, task, seen };
                        continue;
                    }
                    CursorState::Fetching { op, task, mut seen } => {
                        let page = match task.await {
                            Ok(page) => page,
                            Err(e) => return Some((Err(e), CursorState::Done)),
                        };
                        let next = match P::next_cursor(&page).filter(|c| !c.is_empty()) {
                            None => CursorState::Done,
                            Some(cursor) if seen.contains(&cursor) => {
                                CursorState::Failed(Error::invalid_response(
                                    "the server returned a pagination cursor it had already \
                                     returned; stopping to avoid an endless loop",
                                ))
                            }
                            Some(cursor) => {
                                seen.insert(cursor.clone());
                                let op = op.with_cursor(cursor);
                                let task = Task::spawn(op.clone().fetch());
                                CursorState::Fetching { op, task, seen }
                            }
                        };
                        Some((Ok(page), next))
                    }
                };
            }
        },
    ))
}

/// The items of a cursor-paginated operation, page after page (see [`cursor_pages`]).
pub fn cursor_items<P: CursorPaged>(op: P) -> ItemStream<P::Item> {
    flatten(cursor_pages(op), P::into_items)
}

struct PageNumberState<P: PageNumberPaged> {
    op: P,
    first: u64,
    /// The next page number to request.
    next: Option<u64>,
    /// The last page worth requesting, once a total is known.
    last: Option<u64>,
    /// Requests under way, in page order.
    in_flight: VecDeque<(u64, Task<Result<P::Page>>)>,
    concurrency: usize,
    page_size: Option<u64>,
    total: Option<u64>,
    /// Items up to the last page received (pages before the first one counted as full).
    fetched: u64,
    started: bool,
    done: bool,
}

impl<P: PageNumberPaged> PageNumberState<P> {
    fn spawn_more(&mut self) {
        while self.in_flight.len() < self.concurrency {
            let Some(page) = self.next else { break };
            if self.last.is_some_and(|last| page > last) {
                break;
            }
            let task = Task::spawn(self.op.with_page(page).fetch());
            self.in_flight.push_back((page, task));
            self.next = page.checked_add(1);
        }
    }

    /// Takes the next page in order; `None` when the stream is over.
    async fn step(&mut self) -> Option<Result<P::Page>> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            // The first page alone: it tells the total and the page size.
            let task = Task::spawn(self.op.clone().fetch());
            self.in_flight.push_back((self.first, task));
            self.next = self.first.checked_add(1);
        }
        let Some((number, task)) = self.in_flight.pop_front() else {
            self.done = true;
            return None;
        };
        let page = match task.await {
            Ok(page) => page,
            Err(e) => {
                self.finish();
                return Some(Err(e));
            }
        };
        let count = P::item_count(&page) as u64;
        if number == self.first {
            self.on_first_page(&page, count);
        }
        self.fetched = self.fetched.saturating_add(count);
        let last = count == 0
            || self.page_size.is_some_and(|size| count < size)
            || self.total.is_some_and(|total| self.fetched >= total);
        if last {
            self.finish();
            // A trailing empty page only says "no more"; the first page is always returned.
            if count == 0 && number != self.first {
                return None;
            }
        } else {
            self.spawn_more();
            if self.in_flight.is_empty() {
                self.done = true;
            }
        }
        Some(Ok(page))
    }

    fn on_first_page(&mut self, page: &P::Page, count: u64) {
        self.total = P::total_items(page);
        let size = self.page_size.or((count > 0).then_some(count));
        if let Some(size) = size {
            // Pages before the first one (when the caller started later) count as full.
            self.fetched = self.first.saturating_sub(1).saturating_mul(size);
            if let Some(total) = self.total {
                let remaining = total.saturating_sub(self.fetched.saturating_add(count));
                self.last = Some(self.first.saturating_add(remaining.div_ceil(size)));
            }
        }
    }

    /// Stops: requests under way are aborted, pages past the end discarded.
    fn finish(&mut self) {
        self.done = true;
        self.in_flight.clear();
    }
}

/// The pages of a page-number-paginated operation. The first page is fetched alone; then up to
/// `page_concurrency()` pages are requested at once (exactly the remaining pages when a total is
/// known, else speculatively, discarding pages past the end), and pages are returned in order.
/// The stream ends at an empty page (not returned, unless it is the first), a page shorter than
/// the known page size, or when the items received reach the total.
pub fn page_number_pages<P: PageNumberPaged>(op: P) -> PageStream<P::Page> {
    let state = PageNumberState {
        first: op.first_page(),
        page_size: op.page_size().filter(|s| *s > 0),
        concurrency: op.page_concurrency().max(1),
        op,
        next: None,
        last: None,
        in_flight: VecDeque::new(),
        total: None,
        fetched: 0,
        started: false,
        done: false,
    };
    Box::pin(futures_util::stream::unfold(
        state,
        |mut state| async move {
            let item = state.step().await?;
            Some((item, state))
        },
    ))
}

/// The items of a page-number-paginated operation, in order (see [`page_number_pages`]).
pub fn page_number_items<P: PageNumberPaged>(op: P) -> ItemStream<P::Item> {
    flatten(page_number_pages(op), P::into_items)
}

fn flatten<Page, Item>(
    pages: PageStream<Page>,
    into_items: fn(Page) -> Vec<Item>,
) -> ItemStream<Item>
where
    Page: Send + 'static,
    Item: Send + 'static,
{
    Box::pin(pages.flat_map(move |page| {
        let items: Vec<Result<Item>> = match page {
            Ok(page) => into_items(page).into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
        futures_util::stream::iter(items)
    }))
}
