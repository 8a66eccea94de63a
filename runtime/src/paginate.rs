//! Streams over paginated list operations, so callers iterate items and never
//! handle page numbers or markers.
//!
//! Generated list operations call [`page_stream`] (SCP's `page`/`size`) or
//! [`marker_stream`] (OpenStack's `limit`/`marker`, used by NHN Cloud and
//! KakaoCloud) with a closure that fetches one page. Pages are fetched lazily, one
//! at a time, as the stream is polled; an error is yielded as the last item.

use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{self, StreamExt as _, TryStreamExt as _};

use crate::Error;

/// A stream of the items of every page, ending after the last page or the first error.
pub type ItemStream<I> = Pin<Box<dyn futures_core::Stream<Item = Result<I, Error>> + Send>>;

/// Items over SCP's `page`/`size` pagination.
///
/// `fetch(page)` returns the items of one page. Pages are requested from
/// `first_page` upwards until a page is empty or, when `size` is given, holds
/// fewer than `size` items (so the usual last, short page costs no extra request).
pub fn page_stream<I, F, Fut>(first_page: i64, size: Option<i64>, fetch: F) -> ItemStream<I>
where
    I: Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<I>, Error>> + Send + 'static,
{
    let pages = stream::try_unfold((fetch, Some(first_page)), move |(mut fetch, page)| async move {
        let Some(page) = page else { return Ok(None) };
        let items = fetch(page).await?;
        let next = (!is_last(items.len(), size)).then_some(page + 1);
        Ok(Some((items, (fetch, next))))
    });
    flatten(pages)
}

/// Items over `limit`/`marker` pagination.
///
/// `fetch(marker)` returns the items after `marker` (`first_marker`, usually
/// `None`, for the first page); the marker of the next page is `cursor` of the
/// last item. Pages are requested until a page is empty, holds fewer than `limit`
/// items (when given), its last item has no cursor, or the cursor repeats the
/// previous marker (a service ignoring the marker would otherwise loop forever).
pub fn marker_stream<I, F, Fut>(
    first_marker: Option<String>,
    limit: Option<i64>,
    cursor: fn(&I) -> Option<String>,
    fetch: F,
) -> ItemStream<I>
where
    I: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<I>, Error>> + Send + 'static,
{
    let pages = stream::try_unfold((fetch, Some(first_marker)), move |(mut fetch, marker)| async move {
        let Some(marker) = marker else { return Ok(None) };
        let items = fetch(marker.clone()).await?;
        let next = if is_last(items.len(), limit) {
            None
        } else {
            items.last().and_then(cursor).filter(|next| Some(next) != marker.as_ref()).map(Some)
        };
        Ok(Some((items, (fetch, next))))
    });
    flatten(pages)
}

/// Whether a page of `len` items is the last one: empty, or shorter than requested.
fn is_last(len: usize, requested: Option<i64>) -> bool {
    len == 0 || requested.is_some_and(|requested| i64::try_from(len).unwrap_or(i64::MAX) < requested)
}

/// Pages of items into a stream of items.
fn flatten<I, S>(pages: S) -> ItemStream<I>
where
    I: Send + 'static,
    S: futures_core::Stream<Item = Result<Vec<I>, Error>> + Send + 'static,
{
    pages
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    async fn collect<I>(stream: ItemStream<I>) -> Vec<Result<I, Error>> {
        stream.collect().await
    }

    #[tokio::test]
    async fn pages_are_fetched_until_a_short_page() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let stream = page_stream(1, Some(2), move |page| {
            log.lock().unwrap().push(page);
            async move { Ok(if page < 3 { vec![page * 10, page * 10 + 1] } else { vec![page * 10] }) }
        });
        let items: Vec<i64> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [10, 11, 20, 21, 30]);
        assert_eq!(*asked.lock().unwrap(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn without_a_size_an_empty_page_ends_the_stream() {
        let stream = page_stream(0, None, |page| async move { Ok(if page < 2 { vec![page] } else { vec![] }) });
        let items: Vec<i64> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [0, 1]);
    }

    #[tokio::test]
    async fn an_error_is_the_last_item() {
        let stream = page_stream(0, Some(1), |page| async move {
            if page == 1 {
                Err(Error::Timeout)
            } else {
                Ok(vec![page])
            }
        });
        let items = collect(stream).await;
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0], Ok(0)));
        assert!(matches!(items[1], Err(Error::Timeout)));
    }

    #[tokio::test]
    async fn a_repeated_marker_stops_the_stream() {
        // A service that ignores the marker returns the same page forever.
        let stream = marker_stream(None, None, |item: &String| Some(item.clone()), |_marker| async move {
            Ok(vec!["a".to_owned(), "b".to_owned()])
        });
        let items: Vec<String> = collect(stream).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, ["a", "b", "a", "b"]);
    }

    #[tokio::test]
    async fn a_missing_cursor_ends_the_stream() {
        let stream = marker_stream(None, Some(1), |_: &i32| None, |_| async move { Ok(vec![1]) });
        assert_eq!(collect(stream).await.len(), 1);
    }
}
