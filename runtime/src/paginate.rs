//! Streams over paginated list operations, so callers iterate items and never
//! handle page numbers or markers.
//!
//! Generated list operations call [`page_stream`] (SCP's `page`/`size`) or
//! [`marker_stream`] (OpenStack's `limit`/`marker`, used by NHN Cloud and
//! KakaoCloud) with a closure that fetches one page. Pages are fetched lazily, one
//! at a time, as the stream is polled; an error is yielded as the last item.
//!
//! Only an empty page (or, with markers, a missing or repeated cursor) ends a
//! stream, never a page shorter than the size asked for: services cap the page
//! size (ask for 500, get 100), and a short page would silently drop the rest.
//! Ending costs one request that returns no items.
//!
//! The streams are returned as `impl Stream`, not boxed: a boxed stream's vtable
//! makes every crate that builds one compile the whole request, decode and
//! stream machinery of every list operation up front, which was most of the
//! machine code of a generated crate. Pin one to call `next()`
//! (`std::pin::pin!(stream)`), or box it as an [`ItemStream`] to store it.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{self, TryStreamExt as _};

use crate::Error;

pub use futures_core::Stream;

/// What a list operation's `into_stream()` returns: a `Send` stream of the items
/// of every page, ending after the last page or the first error.
pub trait Items<I>: Stream<Item = Result<I, Error>> + Send {}

impl<I, S: Stream<Item = Result<I, Error>> + Send> Items<I> for S {}

/// A boxed stream of the items of every page, ending after the last page or
/// the first error: `let stream: ItemStream<_> = Box::pin(list.into_stream());`.
pub type ItemStream<I> = Pin<Box<dyn Stream<Item = Result<I, Error>> + Send>>;

/// Items over SCP's `page`/`size` pagination.
///
/// `fetch(page)` returns the items of one page. Pages are requested from
/// `first_page` upwards until a page is empty, so the stream ends with one
/// request that returns no items; or until a page repeats the one before it
/// (same length, same first and last item: a service that ignores `page`
/// would otherwise be asked forever), whose items are not yielded again.
///
/// A page shorter than the size asked for does not end the stream: a service
/// may cap the page size below it (ask for 500, get 100). After `max_pages`
/// pages (see [`Config::with_max_pages`](crate::Config::with_max_pages)) the
/// stream ends with [`Error::TooManyPages`].
pub fn page_stream<I, F, Fut>(first_page: i64, max_pages: usize, fetch: F) -> impl Items<I> + 'static
where
    I: Clone + PartialEq + Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<I>, Error>> + Send + 'static,
{
    let start = (fetch, Some(first_page), None);
    let pages = stream::try_unfold(start, move |(mut fetch, page, last)| async move {
        let Some(page) = page else { return Ok(None) };
        if page.saturating_sub(first_page) >= max_pages as i64 {
            return Err(Error::TooManyPages { max_pages });
        }
        let items = fetch(page).await?;
        let seen = PageSeen::of(&items);
        if seen.is_some() && seen == last {
            tracing::warn!(page, "the service answered the same page again; ending the stream");
            return Ok(None);
        }
        let next = (!items.is_empty()).then_some(page + 1);
        Ok(Some((items, (fetch, next, seen))))
    });
    flatten(pages)
}

/// What tells one page from the next without keeping it: its length and its
/// first and last items.
#[derive(PartialEq)]
struct PageSeen<I> {
    len: usize,
    first: I,
    last: I,
}

impl<I: Clone> PageSeen<I> {
    fn of(items: &[I]) -> Option<Self> {
        Some(PageSeen { len: items.len(), first: items.first()?.clone(), last: items.last()?.clone() })
    }
}

/// Items over `limit`/`marker` pagination.
///
/// `fetch(marker)` returns the items after `marker` (`first_marker`, usually
/// `None`, for the first page); the marker of the next page is `cursor` of the
/// last item. Pages are requested until a page is empty, its last item has no
/// cursor, or the cursor repeats the previous marker or any earlier one (a
/// service ignoring the marker would otherwise loop forever).
///
/// A page shorter than the limit asked for does not end the stream: a service
/// may cap the page size below it. After `max_pages` pages the stream ends
/// with [`Error::TooManyPages`].
pub fn marker_stream<I, F, Fut>(
    first_marker: Option<String>,
    max_pages: usize,
    cursor: fn(&I) -> Option<String>,
    fetch: F,
) -> impl Items<I> + 'static
where
    I: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<I>, Error>> + Send + 'static,
{
    let start = (fetch, Some(first_marker), HashSet::new(), 0);
    let pages = stream::try_unfold(start, move |(mut fetch, marker, mut seen, fetched)| async move {
        let Some(marker) = marker else { return Ok(None) };
        if fetched >= max_pages {
            return Err(Error::TooManyPages { max_pages });
        }
        let items = fetch(marker.clone()).await?;
        if let Some(marker) = marker {
            seen.insert(marker);
        }
        // An empty page has no last item, hence no cursor: it ends the stream too.
        let next = items.last().and_then(cursor).filter(|next| !seen.contains(next)).map(Some);
        Ok(Some((items, (fetch, next, seen, fetched + 1))))
    });
    flatten(pages)
}

/// Pages of items into a stream of items.
fn flatten<I, S>(pages: S) -> impl Items<I> + 'static
where
    I: Send + 'static,
    S: Stream<Item = Result<Vec<I>, Error>> + Send + 'static,
{
    pages.map_ok(|items| stream::iter(items.into_iter().map(Ok))).try_flatten()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::StreamExt as _;

    use super::*;

    async fn collect<I>(stream: impl Stream<Item = Result<I, Error>>) -> Vec<Result<I, Error>> {
        stream.collect().await
    }

    /// No cap that a test reaches.
    const MAX: usize = 1000;

    #[tokio::test]
    async fn the_page_cap_ends_a_stream_with_an_error_not_silently() {
        let stream = page_stream(3, 2, |page| async move { Ok(vec![page]) });
        let items = collect(stream).await;
        assert!(matches!(items[..], [Ok(3), Ok(4), Err(Error::TooManyPages { max_pages: 2 })]), "{items:?}");
        let endless = marker_stream(
            None,
            3,
            |item: &u32| Some(item.to_string()),
            |marker| async move { Ok(vec![marker.map_or(0, |m| m.parse::<u32>().unwrap() + 1)]) },
        );
        let items = collect(endless).await;
        assert!(matches!(items[..], [Ok(0), Ok(1), Ok(2), Err(Error::TooManyPages { max_pages: 3 })]), "{items:?}");
    }

    #[tokio::test]
    async fn a_service_that_ignores_the_page_number_ends_the_stream_after_one_page() {
        let asked = Arc::new(Mutex::new(0));
        let count = asked.clone();
        let stream = page_stream(0, MAX, move |_page| {
            *count.lock().unwrap() += 1;
            async move { Ok(vec![1, 2, 3]) }
        });
        let items: Vec<i32> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [1, 2, 3], "the repeated page is not yielded again");
        assert_eq!(*asked.lock().unwrap(), 2);
    }

    #[tokio::test]
    async fn pages_are_fetched_until_an_empty_page() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let stream = page_stream(1, MAX, move |page| {
            log.lock().unwrap().push(page);
            async move {
                Ok(match page {
                    1 | 2 => vec![page * 10, page * 10 + 1],
                    3 => vec![page * 10],
                    _ => vec![],
                })
            }
        });
        let items: Vec<i64> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [10, 11, 20, 21, 30]);
        assert_eq!(*asked.lock().unwrap(), [1, 2, 3, 4]);
    }

    /// A service returning at most 2 items per page, whatever was asked for.
    fn capped(from: usize) -> Vec<i64> {
        (1..=5).skip(from).take(2).collect()
    }

    #[tokio::test]
    async fn a_page_size_capped_by_the_service_does_not_end_a_page_stream() {
        // Asked for 5 per page, the service sends 2: the short page is not the last.
        let stream = page_stream(0, MAX, |page| async move { Ok(capped(page as usize * 2)) });
        let items: Vec<i64> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [1, 2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn a_page_size_capped_by_the_service_does_not_end_a_marker_stream() {
        let stream = marker_stream(
            None,
            MAX,
            |item: &i64| Some(item.to_string()),
            |marker| async move {
                let after = marker.map_or(0, |m| m.parse::<usize>().unwrap());
                Ok(capped(after))
            },
        );
        let items: Vec<i64> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [1, 2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn without_a_size_an_empty_page_ends_the_stream() {
        let stream = page_stream(0, MAX, |page| async move { Ok(if page < 2 { vec![page] } else { vec![] }) });
        let items: Vec<i64> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [0, 1]);
    }

    #[tokio::test]
    async fn an_error_is_the_last_item() {
        let stream = page_stream(0, MAX, |page| async move {
            if page == 1 {
                Err(Error::Timeout { source: None })
            } else {
                Ok(vec![page])
            }
        });
        let items = collect(stream).await;
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0], Ok(0)));
        assert!(matches!(items[1], Err(Error::Timeout { .. })));
    }

    #[tokio::test]
    async fn a_repeated_marker_stops_the_stream() {
        // A service that ignores the marker returns the same page forever.
        let stream = marker_stream(
            None,
            MAX,
            |item: &String| Some(item.clone()),
            |_marker| async move { Ok(vec!["a".to_owned(), "b".to_owned()]) },
        );
        let items: Vec<String> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, ["a", "b", "a", "b"]);
    }

    #[tokio::test]
    async fn a_cycle_of_markers_stops_the_stream() {
        // b → [c], c → [a, b], b → [c], … would never end.
        let stream = marker_stream(
            None,
            MAX,
            |item: &String| Some(item.clone()),
            |marker| async move {
                Ok(match marker.as_deref() {
                    Some("b") => vec!["c".to_owned()],
                    _ => vec!["a".to_owned(), "b".to_owned()],
                })
            },
        );
        let items: Vec<String> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, ["a", "b", "c", "a", "b"]);
    }

    #[tokio::test]
    async fn a_missing_cursor_ends_the_stream() {
        let stream = marker_stream(None, MAX, |_: &i32| None, |_| async move { Ok(vec![1]) });
        assert_eq!(collect(stream).await.len(), 1);
    }

    #[tokio::test]
    async fn an_empty_page_ends_a_marker_stream() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let stream = marker_stream(
            None,
            MAX,
            |item: &i64| Some(item.to_string()),
            move |marker| {
                log.lock().unwrap().push(marker.clone());
                async move { Ok(if marker.is_none() { vec![1, 2] } else { vec![] }) }
            },
        );
        let items: Vec<i64> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [1, 2]);
        assert_eq!(*asked.lock().unwrap(), [None, Some("2".to_owned())]);
    }
}
