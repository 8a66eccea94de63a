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
        /// Status of the response whose body it was.
        status: StatusCode,
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

    /// The service's error message, read best-effort from a JSON body: a
    /// top-level `message`, or the `message` of the one object the body wraps
    /// (OpenStack's `{"itemNotFound": {"code": 404, "message": …}}`, as NHN
    /// Cloud answers, or `{"error": {…}}`).
    pub fn message(&self) -> Option<String> {
        self.error_member("message")
    }

    /// The service's error code, read like [`ApiError::message`] (`code`; a
    /// number is given as text).
    pub fn code(&self) -> Option<String> {
        self.error_member("code")
    }

    fn error_member(&self, name: &str) -> Option<String> {
        let body: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        let object = body.as_object()?;
        let wrapped = || match object.get("error") {
            Some(inner) => inner.as_object(),
            None if object.len() == 1 => object.values().next()?.as_object(),
            None => None,
        };
        let value = object.get(name).or_else(|| wrapped()?.get(name))?;
        match value {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

impl Error {
    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } | Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The vendor's request id, when the service answered with one.
    pub fn request_id(&self) -> Option<&str> {
        self.as_api()?.request_id()
    }

    /// The service answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// The service answered 409 Conflict (the resource is busy or already exists).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// The service answered 429 Too Many Requests.
    pub fn is_throttled(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the same request may succeed later, by the one rule retries and
    /// waiters use ([`Transience`](crate::retry::Transience)): 429, 500,
    /// 502–504, a timeout, a connection that failed or broke.
    pub fn is_retryable(&self) -> bool {
        crate::retry::Transience::of_error(self).is_transient()
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
            Error::BodyTooLarge { limit, status } => {
                write!(f, "{status} response body larger than the limit of {limit} bytes")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str) -> Error {
        Error::Api(Box::new(ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
        }))
    }

    #[test]
    fn a_caller_can_tell_not_found_from_throttled_from_an_outage() {
        let missing = api(404, "");
        assert!(missing.is_not_found() && !missing.is_retryable() && !missing.is_throttled());
        let throttled = api(429, "");
        assert!(throttled.is_throttled() && throttled.is_retryable());
        assert!(api(409, "").is_conflict());
        assert!(api(503, "").is_retryable());
        assert!(Error::Timeout.is_retryable());
        assert!(!Error::InvalidRequest("x".into()).is_retryable());
    }

    #[test]
    fn the_service_code_and_message_are_read_from_the_usual_shapes() {
        let nhn = r#"{"itemNotFound": {"code": 404, "message": "Instance could not be found"}}"#;
        let Error::Api(e) = api(404, nhn) else { unreachable!() };
        assert_eq!((e.code().as_deref(), e.message().as_deref()), (Some("404"), Some("Instance could not be found")));
        let flat = r#"{"code": "CLUSTER_BUSY", "message": "busy", "detail": {}}"#;
        let Error::Api(e) = api(409, flat) else { unreachable!() };
        assert_eq!((e.code().as_deref(), e.message().as_deref()), (Some("CLUSTER_BUSY"), Some("busy")));
        let wrapped = r#"{"error": {"code": "E1", "message": "no"}, "requestId": "r"}"#;
        let Error::Api(e) = api(400, wrapped) else { unreachable!() };
        assert_eq!(e.message().as_deref(), Some("no"));
        let Error::Api(e) = api(500, "<html>oops</html>") else { unreachable!() };
        assert_eq!((e.code(), e.message()), (None, None));
    }
}
