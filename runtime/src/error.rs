//! The one error type of every generated client.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

use crate::auth::secret::{Redaction, Redactor};
use crate::Request;

/// Headers in which the clouds we serve return their request id, most specific first.
const REQUEST_ID_HEADERS: &[&str] =
    &["x-openstack-request-id", "x-compute-request-id", "x-request-id", "x-scp-request-id", "request-id"];

/// What went wrong with a call. Every variant keeps what a caller needs to act or
/// report: the HTTP status, headers and raw body are never thrown away.
///
/// `Display` and `Debug` never show a secret of the client (secret key,
/// password, token, API key), even where the service echoed one: bodies are
/// shown as a bounded excerpt with those secrets redacted. The fields keep
/// what the service sent, unredacted.
#[non_exhaustive]
pub enum Error {
    /// The service answered with a status outside 2xx.
    Api(Box<ApiError>),
    /// The request could not be sent or the response not read (DNS, TLS, connection reset).
    Transport(reqwest::Error),
    /// A transport set with [`Config::with_transport`](crate::Config::with_transport)
    /// (a mock, another HTTP stack) could not complete the attempt.
    Connection(crate::transport::ConnectionError),
    /// The request, connect or total timeout elapsed.
    Timeout {
        /// The reqwest error, for an attempt that timed out; `None` when the
        /// [total timeout](crate::Config::with_total_timeout) ended the call
        /// or another transport (a mock) reported a timeout.
        source: Option<reqwest::Error>,
    },
    /// A 2xx response body did not match the documented type.
    Decode {
        /// Status of the response.
        status: StatusCode,
        /// The body that failed to decode, in full and unredacted: it may hold
        /// what the service echoed.
        body: Bytes,
        /// Where and why decoding failed.
        source: DecodeError,
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
    /// A streamed body ([`ByteStream`](crate::ByteStream)) failed while it
    /// was read: the caller's upload stream or file, or a stream read twice.
    BodyStream(Box<dyn std::error::Error + Send + Sync>),
    /// A waiter gave up: the resource did not reach the awaited state in time.
    WaiterTimedOut {
        /// How long the waiter polled.
        waited: Duration,
        /// The last state and answer seen.
        last: Box<crate::wait::LastPoll>,
    },
    /// A waiter saw a state from which the awaited one cannot be reached.
    WaiterFailed {
        /// The state or message that ended the wait.
        reason: String,
        /// The last state and answer seen: the one that ended the wait.
        last: Box<crate::wait::LastPoll>,
    },
    /// A list stream fetched [`Config::max_pages`](crate::Config::max_pages)
    /// pages and the service still had more: the stream ends here rather than
    /// reading without end from a service that never sends an empty page.
    TooManyPages {
        /// The configured limit.
        max_pages: usize,
    },
}

/// A non-2xx answer of the service, and the call it answered.
///
/// `Display` reads like `list_clusters (GET /v1/clusters): 404 Not Found
/// (request id abc): CODE: message`, with the service's code and message when
/// the body has them, else an excerpt of the body; `Debug` shows the header
/// names and an excerpt of the body. Both redact the client's secrets.
#[derive(Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers, unredacted: a service may echo request headers.
    pub headers: HeaderMap,
    /// The raw response body (often a JSON error document), in full and
    /// unredacted: it may hold what the service echoed.
    pub body: Bytes,
    call: Option<Call>,
    shown: Shown,
}

/// The call an [`ApiError`] answers; the path holds no query and no secret.
#[derive(Clone, Debug)]
struct Call {
    operation: &'static str,
    method: Method,
    path: String,
}

/// What `Display` and `Debug` show of an answer: bounded and redacted once,
/// when the error is made, so the error keeps no secret to redact later.
#[derive(Clone)]
struct Shown {
    request_id: Option<String>,
    /// `CODE: message`, or the message, when the body has one.
    message: Option<String>,
    body: String,
}

impl ApiError {
    /// An answer to no call of a [`Client`](crate::Client) (a test, a mock):
    /// `Display` names no operation, and redacts nothing.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        ApiError::build(status, headers, body, None, &Redactor::default())
    }

    /// The answer to `request`, shown without the secrets of `redaction`.
    pub(crate) fn received(
        request: &Request,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        redaction: &Redaction,
    ) -> Self {
        let call =
            Call { operation: request.operation(), method: request.method().clone(), path: request.path().to_owned() };
        ApiError::build(status, headers, body, Some(call), &redaction.redactor())
    }

    fn build(status: StatusCode, headers: HeaderMap, body: Bytes, call: Option<Call>, redactor: &Redactor) -> Self {
        let excerpt = |text: &[u8]| redactor.excerpt(text, BODY_EXCERPT);
        let document: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        let member = |name| document.as_ref().and_then(|document| error_member(document, name));
        let message = match (member("code"), member("message")) {
            (Some(code), Some(message)) => Some(format!("{code}: {message}")),
            (_, message) => message,
        };
        let shown = Shown {
            request_id: request_id(&headers).map(|id| excerpt(id.as_bytes())),
            message: message.map(|message| excerpt(message.as_bytes())),
            body: excerpt(&body),
        };
        ApiError { status, headers, body, call, shown }
    }

    /// The operation that was called (`list_clusters`), when a client made the call.
    pub fn operation(&self) -> Option<&'static str> {
        self.call.as_ref().map(|call| call.operation)
    }

    /// The HTTP method of the call, when a client made it.
    pub fn method(&self) -> Option<&Method> {
        self.call.as_ref().map(|call| &call.method)
    }

    /// The path of the call, percent-encoded and without the query, when a
    /// client made it.
    pub fn path(&self) -> Option<&str> {
        self.call.as_ref().map(|call| call.path.as_str())
    }

    /// The vendor's request id, for support tickets, when the response carries one.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The body as text (lossy), in full and unredacted.
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The service's error message, read best-effort from a JSON body: a
    /// top-level `message`, or the `message` of the one object the body wraps
    /// (OpenStack's `{"itemNotFound": {"code": 404, "message": …}}`, as NHN
    /// Cloud answers, or `{"error": {…}}`).
    pub fn message(&self) -> Option<String> {
        error_member(&serde_json::from_slice(&self.body).ok()?, "message")
    }

    /// The service's error code, read like [`ApiError::message`] (`code`; a
    /// number is given as text).
    pub fn code(&self) -> Option<String> {
        error_member(&serde_json::from_slice(&self.body).ok()?, "code")
    }
}

/// The first of [`REQUEST_ID_HEADERS`] in `headers`.
fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS.iter().find_map(|name| headers.get(*name)?.to_str().ok())
}

/// The member `name` of an error document, at the top or in the one object
/// it wraps; see [`ApiError::message`].
fn error_member(body: &serde_json::Value, name: &str) -> Option<String> {
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

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.call {
            Some(call) => write!(f, "{} ({} {}): {}", call.operation, call.method, call.path, self.status)?,
            None => write!(f, "service returned {}", self.status)?,
        }
        if let Some(id) = &self.shown.request_id {
            write!(f, " (request id {id})")?;
        }
        let detail = self.shown.message.as_deref().unwrap_or(&self.shown.body);
        if !detail.is_empty() {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

/// Header names only: the values may echo the request's credentials.
impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("operation", &self.operation())
            .field("method", &self.method())
            .field("path", &self.path())
            .field("request_id", &self.shown.request_id)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.shown.body)
            .finish()
    }
}

/// Why a 2xx body did not decode. serde's message may quote the value it could
/// not use, which may be a secret the service echoed: `Display` and `Debug`
/// show that message bounded and with the client's secrets redacted.
pub struct DecodeError(Box<Decoding>);

/// Boxed, so that [`Error`] stays small.
struct Decoding {
    serde: serde_json::Error,
    message: String,
    /// The start of the body, for `Debug` of [`Error::Decode`].
    body: String,
}

impl DecodeError {
    /// serde's error decoding `body`, shown without the secrets of `redactor`.
    pub(crate) fn new(serde: serde_json::Error, body: &[u8], redactor: &Redactor) -> Self {
        let message = redactor.excerpt(serde.to_string().as_bytes(), BODY_EXCERPT);
        DecodeError(Box::new(Decoding { serde, message, body: redactor.excerpt(body, BODY_EXCERPT) }))
    }

    /// The line of the body where decoding failed (1-based).
    pub fn line(&self) -> usize {
        self.0.serde.line()
    }

    /// The column of that line (1-based).
    pub fn column(&self) -> usize {
        self.0.serde.column()
    }

    /// serde's own error. Its message may quote the body, unredacted.
    pub fn serde_error(&self) -> &serde_json::Error {
        &self.0.serde
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("message", &self.0.message)
            .field("line", &self.line())
            .field("column", &self.column())
            .finish()
    }
}

/// No source: serde's error would show the message unredacted.
impl std::error::Error for DecodeError {}

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

/// Longest excerpt of a body or message shown by `Display` and `Debug`; the
/// full body stays in the error.
const BODY_EXCERPT: usize = 512;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "{e}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Connection(e) => write!(f, "{e}"),
            Error::Timeout { .. } => f.write_str("request timed out"),
            Error::Decode { status, source, .. } => {
                write!(f, "cannot decode {status} response body: {source}")
            }
            Error::BodyTooLarge { limit, status } => {
                write!(f, "{status} response body larger than the limit of {limit} bytes")
            }
            Error::InvalidRequest(msg) => write!(f, "invalid request: {msg}"),
            Error::Auth(msg) => write!(f, "authentication failed: {msg}"),
            Error::BodyStream(e) => write!(f, "the body stream failed: {e}"),
            Error::WaiterTimedOut { waited, last } => {
                write!(f, "gave up waiting after {:.1} s ({last})", waited.as_secs_f64())
            }
            Error::WaiterFailed { reason, last } => write!(f, "the awaited state cannot be reached: {reason} ({last})"),
            Error::TooManyPages { max_pages } => {
                write!(f, "the list has more than {max_pages} pages (Config::with_max_pages)")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) | Error::Timeout { source: Some(e) } => Some(e),
            Error::Decode { source, .. } => Some(source),
            Error::Connection(e) => Some(e),
            Error::BodyStream(e) => Some(&**e),
            _ => None,
        }
    }
}

/// Bounded and redacted like `Display`: see [`ApiError`] and [`DecodeError`].
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => f.debug_tuple("Api").field(e).finish(),
            Error::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Error::Connection(e) => f.debug_tuple("Connection").field(e).finish(),
            Error::Timeout { source } => f.debug_struct("Timeout").field("source", source).finish(),
            Error::Decode { status, body: _, source } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("body", &source.0.body)
                .field("source", source)
                .finish(),
            Error::BodyTooLarge { limit, status } => {
                f.debug_struct("BodyTooLarge").field("limit", limit).field("status", status).finish()
            }
            Error::InvalidRequest(message) => f.debug_tuple("InvalidRequest").field(message).finish(),
            Error::Auth(message) => f.debug_tuple("Auth").field(message).finish(),
            Error::BodyStream(e) => f.debug_tuple("BodyStream").field(e).finish(),
            Error::WaiterTimedOut { waited, last } => {
                f.debug_struct("WaiterTimedOut").field("waited", waited).field("last", last).finish()
            }
            Error::WaiterFailed { reason, last } => {
                f.debug_struct("WaiterFailed").field("reason", reason).field("last", last).finish()
            }
            Error::TooManyPages { max_pages } => f.debug_struct("TooManyPages").field("max_pages", max_pages).finish(),
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        // The URL sent may hold an API key (`Auth::api_key_query`): errors never show it.
        let e = e.without_url();
        if e.is_timeout() {
            Error::Timeout { source: Some(e) }
        } else {
            Error::Transport(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str) -> Error {
        let status = StatusCode::from_u16(status).unwrap();
        Error::Api(Box::new(ApiError::new(status, HeaderMap::new(), Bytes::from(body.to_owned()))))
    }

    #[test]
    fn a_caller_can_tell_not_found_from_throttled_from_an_outage() {
        let missing = api(404, "");
        assert!(missing.is_not_found() && !missing.is_retryable() && !missing.is_throttled());
        let throttled = api(429, "");
        assert!(throttled.is_throttled() && throttled.is_retryable());
        assert!(api(409, "").is_conflict());
        assert!(api(503, "").is_retryable());
        assert!(Error::Timeout { source: None }.is_retryable());
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

    #[test]
    fn an_answer_to_no_call_says_so_and_debug_shows_header_names_only() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req-1".parse().unwrap());
        headers.insert("x-echoed-token", "token-value".parse().unwrap());
        let body = Bytes::from_static(br#"{"code": "CLUSTER_BUSY", "message": "busy"}"#);
        let err = Error::Api(Box::new(ApiError::new(StatusCode::CONFLICT, headers, body)));
        assert_eq!(err.to_string(), "service returned 409 Conflict (request id req-1): CLUSTER_BUSY: busy");
        let debug = format!("{err:?}");
        assert!(debug.contains("\"x-echoed-token\"") && !debug.contains("token-value"), "{debug}");
    }

    #[test]
    fn an_error_stays_small_in_a_result() {
        assert!(std::mem::size_of::<Error>() <= 64, "{}", std::mem::size_of::<Error>());
    }
}
