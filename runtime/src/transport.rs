//! The seam between the request pipeline and the network.
//!
//! The pipeline (URL, signing, headers, retries, limits, decoding) builds each
//! attempt as a finished [`HttpRequest`] — exactly what goes on the wire,
//! signature included — and hands it to a [`Transport`]. The default is
//! [`ReqwestTransport`]; [`Config::with_transport`](crate::Config::with_transport)
//! replaces it, for instance with the in-memory `mock::Mock` (feature `mocks`) in tests,
//! which then sees every request the client would send and answers it without
//! a socket.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;

use crate::body::read_limited;
use crate::{ByteStream, Error};

/// One attempt as it goes on the wire: method, full URL, every header (the
/// signature and credentials included, marked sensitive) and the body, in
/// memory unless the caller streams it ([`ByteStream::as_bytes`] tells).
pub type HttpRequest = http::Request<ByteStream>;

/// What came back: status, headers and the whole body.
pub type HttpResponse = http::Response<Bytes>;

/// What came back, the body still to be read.
pub type StreamingResponse = http::Response<ByteStream>;

/// The future a [`Transport`] returns.
pub type TransportFuture<'a, R = HttpResponse> = Pin<Box<dyn Future<Output = Result<R, Error>> + Send + 'a>>;

/// The operation an [`HttpRequest`] belongs to (`show_server`), in its
/// extensions: what a mock routes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationName(pub &'static str);

/// What one attempt may take.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Limits {
    /// From sending to the end of the body.
    pub timeout: Duration,
    /// Largest body to read into memory; a longer one is
    /// [`Error::BodyTooLarge`].
    pub max_body: usize,
}

/// Sends one attempt and reads its answer.
///
/// Report failures so the retry policy can classify them: a timeout as
/// [`Error::Timeout`], a body over the limit as [`Error::BodyTooLarge`], and
/// any other failure as [`Error::Connection`] saying whether the request may
/// have been written ([`ConnectionError::not_sent`] or
/// [`ConnectionError::broken`]). Redirects must not be followed (see
/// [`Config`](crate::Config#redirects)).
pub trait Transport: fmt::Debug + Send + Sync {
    /// Sends `request` within `limits`.
    fn send(&self, request: HttpRequest, limits: Limits) -> TransportFuture<'_>;

    /// Sends `request` and returns as soon as the headers are in, the body to
    /// be read as it arrives (`limits.max_body` does not apply to it). By
    /// default the body is read whole by [`send`](Self::send) first.
    fn send_streaming(&self, request: HttpRequest, limits: Limits) -> TransportFuture<'_, StreamingResponse> {
        let sent = self.send(request, limits);
        Box::pin(async move { Ok(sent.await?.map(ByteStream::from)) })
    }
}

/// The default transport: a reqwest client (rustls) that follows no redirects.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    http: reqwest::Client,
}

impl ReqwestTransport {
    /// Wraps a caller-built client; it keeps its own redirect policy (build it
    /// with `.redirect(reqwest::redirect::Policy::none())`).
    pub fn new(http: reqwest::Client) -> Self {
        ReqwestTransport { http }
    }

    /// A client that connects within `connect_timeout` and follows no redirects.
    pub fn with_connect_timeout(connect_timeout: Duration) -> Result<Self, Error> {
        let http = http_client_builder()
            .connect_timeout(connect_timeout)
            // Never follow redirects: reqwest would forward X-Auth-Token, the SCP
            // signature headers and the body to wherever `Location` points (see
            // `Config`). A 3xx is returned as `Error::Api` with its `Location`.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(Error::Transport)?;
        Ok(ReqwestTransport { http })
    }
}

impl ReqwestTransport {
    /// Sends one attempt and returns the response with its body unread.
    async fn execute(&self, request: HttpRequest, limits: Limits) -> Result<reqwest::Response, Error> {
        let (mut parts, body) = request.into_parts();
        // The pipeline's parsed URL, unless a transport in between changed the URI.
        let url = match parts.extensions.remove::<reqwest::Url>().filter(|url| parts.uri == *url.as_str()) {
            Some(url) => url,
            None => reqwest::Url::parse(&parts.uri.to_string())
                .map_err(|e| Error::InvalidRequest(format!("cannot form the request URL: {e}")))?,
        };
        // Built directly rather than through `RequestBuilder`, which would merge
        // the headers into a map of its own; an empty body is no body, so a GET
        // carries no `Content-Length: 0`.
        let mut outgoing = reqwest::Request::new(parts.method, url);
        *outgoing.headers_mut() = parts.headers;
        *outgoing.timeout_mut() = Some(limits.timeout);
        *outgoing.body_mut() = match body.as_bytes() {
            Some(bytes) if bytes.is_empty() => None,
            Some(bytes) => Some(reqwest::Body::from(bytes.clone())),
            None => Some(reqwest::Body::wrap_stream(body)),
        };
        Ok(self.http.execute(outgoing).await?)
    }
}

/// The status and headers of `response`, with `body` in place of its own.
fn answer<B>(response: &mut reqwest::Response, body: B) -> http::Response<B> {
    let mut answer = http::Response::new(body);
    *answer.status_mut() = response.status();
    *answer.headers_mut() = std::mem::take(response.headers_mut());
    answer
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest, limits: Limits) -> TransportFuture<'_> {
        Box::pin(async move {
            let mut response = self.execute(request, limits).await?;
            let mut answer = answer(&mut response, Bytes::new());
            *answer.body_mut() = read_limited(response, limits.max_body).await?;
            Ok(answer)
        })
    }

    fn send_streaming(&self, request: HttpRequest, limits: Limits) -> TransportFuture<'_, StreamingResponse> {
        Box::pin(async move {
            let mut response = self.execute(request, limits).await?;
            let length = response.content_length();
            let mut answer = answer(&mut response, ByteStream::default());
            let chunks = futures_util::StreamExt::map(response.bytes_stream(), |chunk| chunk.map_err(Error::from));
            *answer.body_mut() = ByteStream::from_chunks(Box::pin(chunks), length);
            Ok(answer)
        })
    }
}

/// A reqwest client builder with the TLS backend the crate features chose:
/// with `tls-ring` alone, ring is installed as rustls's process-wide
/// provider first (reqwest's `rustls-no-provider` needs one).
pub(crate) fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
    {
        // An error means a provider is installed already, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
}

/// A transport other than the built-in one could not complete an attempt.
#[derive(Debug)]
pub struct ConnectionError {
    written: bool,
    source: Box<dyn StdError + Send + Sync>,
}

impl ConnectionError {
    /// The request was never written (refused, DNS, TLS handshake): safe to
    /// repeat for every method.
    pub fn not_sent(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        ConnectionError { written: false, source: source.into() }
    }

    /// The connection broke after the request may have been written (a reset,
    /// a truncated body): repeated for idempotent methods only.
    pub fn broken(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        ConnectionError { written: true, source: source.into() }
    }

    /// Whether the service may have received the request.
    pub fn request_written(&self) -> bool {
        self.written
    }
}

impl fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let when = if self.written { "after" } else { "before" };
        write!(f, "connection failed {when} the request was written: {}", self.source)
    }
}

impl StdError for ConnectionError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Under every TLS feature (`tls-ring` alone needs its provider installed)
    /// the default transport can be built.
    #[test]
    fn the_default_transport_builds_with_the_chosen_tls_backend() {
        ReqwestTransport::with_connect_timeout(Duration::from_secs(1)).expect("a reqwest client");
    }
}
