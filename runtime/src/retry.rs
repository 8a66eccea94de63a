//! Retries of transient failures with exponential backoff and full jitter.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method, StatusCode};

use crate::Error;

/// When and how often a request is tried again.
///
/// Retried: what [`Transience`] calls transient — connections that fail or break,
/// timeouts, and the statuses 429, 500, 502, 503 and 504. By default only
/// idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried, since a
/// repeated POST may create a second resource.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn disabled() -> Self {
        RetryPolicy { max_attempts: 1, ..Self::default() }
    }

    /// Total number of attempts, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Delay cap before the first retry; doubled for each further retry.
    pub fn with_initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// Upper bound of any delay, `Retry-After` included.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Also retry POST and PATCH (only for operations known to be safe to repeat).
    pub fn with_retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Total number of attempts.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn allows(&self, method: &Method, attempt: u32) -> bool {
        attempt < self.max_attempts && (self.retry_non_idempotent || is_idempotent(method))
    }

    /// The delay before retry number `retry` (1-based): the server's `Retry-After`
    /// when given, else a random duration up to the exponential bound.
    pub(crate) fn delay(&self, retry: u32, headers: Option<&HeaderMap>) -> Duration {
        if let Some(after) = headers.and_then(retry_after) {
            return after.min(self.max_delay);
        }
        let bound = self
            .initial_delay
            .saturating_mul(1u32.checked_shl(retry.saturating_sub(1)).unwrap_or(u32::MAX))
            .min(self.max_delay);
        bound.mul_f64(fastrand::f64())
    }
}

/// Why a failure may or may not pass if the same request is made again: the
/// one rule that retries and waiters share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transience {
    /// The service asked the caller to slow down (429).
    Throttled,
    /// The service or a gateway in front of it failed or is briefly
    /// unavailable (500, 502, 503, 504).
    Unavailable,
    /// The connection could not be made or broke (reset while sending the
    /// request or reading the body), or the attempt timed out.
    Transport,
    /// Anything else (4xx, bad input, credentials): the same request gets the
    /// same answer.
    Fatal,
}

impl Transience {
    /// The class of a response status. The transient statuses are those the
    /// AWS SDKs' standard retry mode treats as transient, plus 429.
    pub fn of_status(status: StatusCode) -> Transience {
        match status.as_u16() {
            429 => Transience::Throttled,
            500 | 502 | 503 | 504 => Transience::Unavailable,
            _ => Transience::Fatal,
        }
    }

    /// The class of an error a request ended with.
    pub fn of_error(error: &Error) -> Transience {
        match error {
            Error::Api(api) => Transience::of_status(api.status),
            Error::Timeout => Transience::Transport,
            Error::Transport(e) if e.is_connect() || e.is_timeout() || e.is_request() || e.is_body() => {
                Transience::Transport
            }
            _ => Transience::Fatal,
        }
    }

    /// Whether another attempt may succeed.
    pub fn is_transient(self) -> bool {
        self != Transience::Fatal
    }
}

fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_exponentially_within_the_cap() {
        let policy = RetryPolicy::default()
            .with_initial_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_millis(300));
        for _ in 0..100 {
            assert!(policy.delay(1, None) <= Duration::from_millis(100));
            assert!(policy.delay(2, None) <= Duration::from_millis(200));
            assert!(policy.delay(10, None) <= Duration::from_millis(300));
            assert!(policy.delay(40, None) <= Duration::from_millis(300));
        }
    }

    #[test]
    fn retry_after_seconds_and_dates_are_honoured_up_to_the_cap() {
        let policy = RetryPolicy::default().with_max_delay(Duration::from_secs(5));
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "2".parse().unwrap());
        assert_eq!(policy.delay(1, Some(&headers)), Duration::from_secs(2));
        headers.insert("retry-after", "120".parse().unwrap());
        assert_eq!(policy.delay(1, Some(&headers)), Duration::from_secs(5));
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        headers.insert("retry-after", past.parse().unwrap());
        assert_eq!(policy.delay(1, Some(&headers)), Duration::ZERO);
    }

    fn api(status: u16) -> Error {
        Error::Api(Box::new(crate::ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Default::default(),
            body: Default::default(),
        }))
    }

    #[test]
    fn a_429_is_throttled() {
        assert_eq!(Transience::of_error(&api(429)), Transience::Throttled);
        assert!(Transience::Throttled.is_transient());
    }

    #[test]
    fn server_and_gateway_failures_are_unavailable() {
        for status in [500, 502, 503, 504] {
            assert_eq!(Transience::of_error(&api(status)), Transience::Unavailable, "{status}");
        }
        assert!(Transience::Unavailable.is_transient());
    }

    #[test]
    fn a_timeout_is_transport() {
        assert_eq!(Transience::of_error(&Error::Timeout), Transience::Transport);
        assert!(Transience::Transport.is_transient());
    }

    #[test]
    fn client_errors_other_5xx_and_local_failures_are_fatal() {
        for status in [400, 401, 403, 404, 409, 422, 501, 505] {
            assert_eq!(Transience::of_error(&api(status)), Transience::Fatal, "{status}");
        }
        assert_eq!(Transience::of_error(&Error::Auth("no".into())), Transience::Fatal);
        assert_eq!(Transience::of_error(&Error::InvalidRequest("bad".into())), Transience::Fatal);
        assert_eq!(Transience::of_error(&Error::BodyTooLarge { limit: 1, status: StatusCode::OK }), Transience::Fatal);
        assert!(!Transience::Fatal.is_transient());
    }

    #[tokio::test]
    async fn refused_and_dropped_connections_are_transport_and_other_transport_errors_are_fatal() {
        let refused = reqwest::get("http://127.0.0.1:9/").await.unwrap_err();
        assert_eq!(Transience::of_error(&Error::from(refused)), Transience::Transport);
        // A server that accepts and hangs up before answering.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        std::thread::spawn(move || drop(listener.accept()));
        let reset = reqwest::get(url).await.unwrap_err();
        assert_eq!(Transience::of_error(&Error::from(reset)), Transience::Transport);
        let not_a_url = reqwest::get("no-scheme").await.unwrap_err();
        assert_eq!(Transience::of_error(&Error::from(not_a_url)), Transience::Fatal);
    }

    #[test]
    fn only_idempotent_methods_are_retried_by_default() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(&Method::GET, 1));
        assert!(!policy.allows(&Method::GET, 3));
        assert!(!policy.allows(&Method::POST, 1));
        assert!(policy.clone().with_retry_non_idempotent(true).allows(&Method::POST, 1));
    }
}
