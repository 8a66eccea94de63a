//! The one error type of every generated client.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// Headers in which the clouds we serve return their request id, most specific first.
const REQUEST_ID_HEADERS: &[&str] =
    &["x-openstack-request-id", "x-compute-request-id", "x-request-id", "x-scp-request-id", "request-id"];

/// What went wrong with a call. Every variant keeps what a caller needs to act or
/// report: the HTTP status, headers and raw body are never thrown away.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a status outside 2xx.
    Api(Box<ApiError>),
    /// The request could not be sent or the response not read (DNS, TLS, connection reset).
    Transport(reqwest::Error),
    /// The request or connect timeout elapsed.
    Timeout,
    /// A 2xx response body did not match the documented type.
    Decode {
        /// Status of the response.
        status: StatusCode,
        /// The body that failed to decode.
        body: Bytes,
        /// Where and why decoding failed.
        source: serde_json::Error,
    },
    /// The response body exceeded [`Config::max_response_bytes`](crate::Config::max_response_bytes).
    BodyTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The caller's input cannot form a valid request (a `..` id, a header with a line break).
    InvalidRequest(String),
    /// Credentials are missing or the identity service refused them.
    Auth(String),
    /// A waiter gave up: the resource did not reach the awaited state in time.
    WaiterTimedOut {
        /// How long the waiter polled.
        waited: Duration,
    },
    /// A waiter saw a state from which the awaited one cannot be reached.
    WaiterFailed {
        /// The state or message that ended the wait.
        reason: String,
    },
}

/// A non-2xx answer of the service.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Raw response body (often a JSON error document).
    pub body: Bytes,
}

impl ApiError {
    /// The vendor's request id, for support tickets, when the response carries one.
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS.iter().find_map(|name| self.headers.get(*name)?.to_str().ok())
    }

    /// The body as text (lossy), for messages and logs.
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

impl Error {
    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error, when the service answered with a non-2xx status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// Longest body excerpt shown by `Display`; the full body stays in the error.
const BODY_EXCERPT: usize = 512;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => {
                write!(f, "service returned {}", e.status)?;
                if let Some(id) = e.request_id() {
                    write!(f, " (request id {id})")?;
                }
                let text = e.body_text();
                if !text.is_empty() {
                    let cut = text.char_indices().nth(BODY_EXCERPT).map_or(text.len(), |(i, _)| i);
                    write!(f, ": {}", &text[..cut])?;
                }
                Ok(())
            }
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Timeout => f.write_str("request timed out"),
            Error::Decode { status, source, .. } => {
                write!(f, "cannot decode {status} response body: {source}")
            }
            Error::BodyTooLarge { limit } => {
                write!(f, "response body larger than the limit of {limit} bytes")
            }
            Error::InvalidRequest(msg) => write!(f, "invalid request: {msg}"),
            Error::Auth(msg) => write!(f, "authentication failed: {msg}"),
            Error::WaiterTimedOut { waited } => {
                write!(f, "gave up waiting after {:.1} s", waited.as_secs_f64())
            }
            Error::WaiterFailed { reason } => write!(f, "the awaited operation failed: {reason}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Error::Timeout
        } else {
            // reqwest errors carry the URL; ours never holds secrets in it.
            Error::Transport(e)
        }
    }
}
