//! Bodies that need not be held in memory: an upload read from a file or any
//! stream as it is sent, and a download read as it arrives
//! (`send_streaming` of an operation that answers with bytes).
//!
//! A body in memory is sent again when a request is retried. A streamed one can
//! be read only once, so a request with a streamed body is sent exactly once:
//! the [retry policy](crate::retry#the-retry-policy) does not apply to it.

use std::error::Error as StdError;
use std::fmt;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use futures_util::StreamExt as _;

use crate::Error;

/// The chunks of a streamed body.
type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// Size of the chunks a file is read in.
const FILE_CHUNK: usize = 64 * 1024;

/// A body of bytes, in memory or streamed.
///
/// An upload is made from bytes (`Vec<u8>`, [`Bytes`], `&'static [u8]`,
/// `String`) with `into()`, from a file with [`from_path`](Self::from_path),
/// or from any stream of chunks with [`from_stream`](Self::from_stream). A
/// download is a [`Stream`] of chunks; [`collect`](Self::collect) reads the
/// rest into memory.
///
/// ```
/// use cloudsdk_runtime::ByteStream;
/// use cloudsdk_runtime::futures_util::stream;
///
/// # async fn f() -> Result<(), cloudsdk_runtime::Error> {
/// let in_memory = ByteStream::from(b"small".to_vec());
/// assert!(in_memory.is_replayable());
///
/// let chunks = stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("a")), Ok("b".into())]);
/// let streamed = ByteStream::from_stream(chunks).with_length(2);
/// assert!(!streamed.is_replayable());
/// assert_eq!(streamed.collect().await?, "ab");
/// # Ok(()) }
/// ```
///
/// Cloning a streamed body does not copy the stream: the copies share it, and
/// only the first one read gets its chunks; reading another is an
/// [`Error::BodyStream`].
pub struct ByteStream {
    source: Source,
    length: Option<u64>,
}

enum Source {
    Memory(Bytes),
    /// Not read yet: shared by clones, taken by the first one read.
    Pending(Arc<Mutex<Option<Chunks>>>),
    /// Being read. The mutex makes the body `Sync` (a request is shared
    /// across the awaits of its retries); it is never locked, only reached
    /// through `get_mut`.
    Reading(Mutex<Chunks>),
    Done,
}

impl ByteStream {
    /// A body of `bytes`, held in memory.
    pub fn from_static(bytes: &'static [u8]) -> Self {
        ByteStream::from(Bytes::from_static(bytes))
    }

    /// A body read from `chunks` as it is sent. Its length is unknown (sent
    /// chunked) unless told with [`with_length`](Self::with_length).
    pub fn from_stream<S, E>(chunks: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn StdError + Send + Sync>>,
    {
        let chunks = chunks.map(|chunk| chunk.map_err(|e| Error::BodyStream(e.into())));
        ByteStream::from_chunks(Box::pin(chunks), None)
    }

    /// The file at `path`, read in chunks as it is sent; its length is the
    /// file's.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let cannot = |e: std::io::Error| Error::BodyStream(format!("cannot read {}: {e}", path.display()).into());
        let file = tokio::fs::File::open(path).await.map_err(cannot)?;
        let length = file.metadata().await.map_err(cannot)?.len();
        let chunks = futures_util::stream::unfold(file, |mut file| async move {
            use tokio::io::AsyncReadExt as _;
            let mut chunk = BytesMut::with_capacity(FILE_CHUNK);
            match file.read_buf(&mut chunk).await {
                Ok(0) => None,
                Ok(_) => Some((Ok(chunk.freeze()), file)),
                Err(e) => Some((Err(e), file)),
            }
        });
        Ok(ByteStream::from_stream(chunks).with_length(length))
    }

    pub(crate) fn from_chunks(chunks: Chunks, length: Option<u64>) -> Self {
        ByteStream { source: Source::Pending(Arc::new(Mutex::new(Some(chunks)))), length }
    }

    /// The body's length, sent as `Content-Length`: a streamed body whose
    /// chunks add up to another length fails as it is sent.
    pub fn with_length(mut self, length: u64) -> Self {
        if !matches!(self.source, Source::Memory(_)) {
            self.length = Some(length);
        }
        self
    }

    /// The length in bytes, when it is known before reading.
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// Whether the body is in memory, so that a request can send it again.
    pub fn is_replayable(&self) -> bool {
        matches!(self.source, Source::Memory(_))
    }

    /// The bytes of a body held in memory; `None` for a streamed one.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.source {
            Source::Memory(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Reads the rest of the body into memory.
    pub async fn collect(self) -> Result<Bytes, Error> {
        self.collect_limited(usize::MAX, http::StatusCode::OK).await
    }

    /// Reads the rest of the body, refusing more than `limit` bytes (an
    /// [`Error::BodyTooLarge`] naming `status`, the answer's).
    pub(crate) async fn collect_limited(mut self, limit: usize, status: http::StatusCode) -> Result<Bytes, Error> {
        let too_large = || Error::BodyTooLarge { limit, status };
        if let Source::Memory(bytes) = self.source {
            return if bytes.len() > limit { Err(too_large()) } else { Ok(bytes) };
        }
        let capacity = self.length.map_or(0, |len| usize::try_from(len).unwrap_or(usize::MAX).min(limit));
        let mut body = BytesMut::with_capacity(capacity);
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if body.len().saturating_add(chunk.len()) > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.source {
                Source::Memory(bytes) => {
                    let bytes = std::mem::take(bytes);
                    this.source = Source::Done;
                    return Poll::Ready((!bytes.is_empty()).then_some(Ok(bytes)));
                }
                Source::Pending(shared) => {
                    let taken = shared.lock().unwrap_or_else(PoisonError::into_inner).take();
                    let Some(chunks) = taken else {
                        this.source = Source::Done;
                        let message = "this streamed body was read already, by a copy of it (a clone of the request)";
                        return Poll::Ready(Some(Err(Error::BodyStream(message.into()))));
                    };
                    this.source = Source::Reading(Mutex::new(chunks));
                }
                Source::Reading(chunks) => {
                    let chunks = chunks.get_mut().unwrap_or_else(PoisonError::into_inner);
                    let next = std::task::ready!(chunks.as_mut().poll_next(cx));
                    if next.is_none() {
                        this.source = Source::Done;
                    }
                    return Poll::Ready(next);
                }
                Source::Done => return Poll::Ready(None),
            }
        }
    }
}

/// A clone of a body in memory has the same bytes; a clone of a streamed one
/// shares its stream (see [`ByteStream`]).
impl Clone for ByteStream {
    fn clone(&self) -> Self {
        let source = match &self.source {
            Source::Memory(bytes) => Source::Memory(bytes.clone()),
            Source::Pending(shared) => Source::Pending(Arc::clone(shared)),
            Source::Reading(_) | Source::Done => Source::Pending(Arc::new(Mutex::new(None))),
        };
        ByteStream { source, length: self.length }
    }
}

/// The size, not the content: a body may be large or secret.
impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Memory(bytes) => f.debug_struct("ByteStream").field("len", &bytes.len()).finish(),
            _ => f.debug_struct("ByteStream").field("streamed", &true).field("length", &self.length).finish(),
        }
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        ByteStream::from(Bytes::new())
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        let length = Some(bytes.len() as u64);
        ByteStream { source: Source::Memory(bytes), length }
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        ByteStream::from(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        ByteStream::from_static(bytes)
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        ByteStream::from(Bytes::from(text))
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        ByteStream::from_static(text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    fn chunks(parts: &'static [&'static str]) -> ByteStream {
        ByteStream::from_stream(stream::iter(parts.iter().map(|p| Ok::<_, std::io::Error>(Bytes::from(*p)))))
    }

    #[tokio::test]
    async fn a_streamed_body_is_read_once_even_through_clones() {
        let body = chunks(&["ab", "cd"]);
        let copy = body.clone();
        assert_eq!(body.collect().await.unwrap(), "abcd");
        let Err(err) = copy.collect().await else { panic!("a shared stream was read twice") };
        assert!(matches!(&err, Error::BodyStream(m) if m.to_string().contains("read already")), "{err:?}");
    }

    #[tokio::test]
    async fn a_body_in_memory_is_replayed_by_its_clones() {
        let body = ByteStream::from("hello");
        assert!(body.is_replayable() && body.length() == Some(5));
        assert_eq!(body.clone().collect().await.unwrap(), "hello");
        assert_eq!(body.collect().await.unwrap(), "hello");
    }

    #[tokio::test]
    async fn the_limit_refuses_a_longer_stream_and_errors_of_the_stream_are_kept() {
        assert!(matches!(
            chunks(&["abc", "def"]).collect_limited(5, http::StatusCode::OK).await,
            Err(Error::BodyTooLarge { limit: 5, .. })
        ));
        let failing =
            ByteStream::from_stream(stream::iter([Ok(Bytes::from("a")), Err(std::io::Error::other("disk gone"))]));
        let Err(Error::BodyStream(source)) = failing.collect().await else { panic!("the stream's error was lost") };
        assert_eq!(source.to_string(), "disk gone");
    }

    #[tokio::test]
    async fn a_file_is_read_in_chunks_with_its_length() {
        let path = std::env::temp_dir().join(format!("cloudsdk-stream-{}", std::process::id()));
        let content: Vec<u8> = (0..FILE_CHUNK * 2 + 7).map(|i| i as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let body = ByteStream::from_path(&path).await.unwrap();
        assert_eq!(body.length(), Some(content.len() as u64));
        assert!(!body.is_replayable());
        assert_eq!(body.collect().await.unwrap(), content);
        std::fs::remove_file(&path).unwrap();
        let Err(err) = ByteStream::from_path(&path).await else { panic!("a missing file was read") };
        assert!(err.to_string().contains("cannot read"), "{err}");
    }

    #[test]
    fn debug_shows_the_size_not_the_content() {
        assert_eq!(format!("{:?}", ByteStream::from("secret")), "ByteStream { len: 6 }");
        assert!(!format!("{:?}", chunks(&["secret"])).contains("secret"));
    }
}
