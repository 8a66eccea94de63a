//! Retries of transient failures: which failures are tried again, how long
//! apart, and how many retries a client may make in all.
//!
//! # The retry policy
//!
//! One rule, [`Transience`], classifies every failure; waiters and
//! [`Error::is_retryable`] read the same rule.
//!
//! | Failure | GET, HEAD, PUT, DELETE, OPTIONS | POST, PATCH | [`Transience`] |
//! |---|---|---|---|
//! | 429 Too Many Requests | retried | retried | `Throttled` |
//! | 503 Service Unavailable | retried | retried | `Unavailable` |
//! | The connection failed before the request was written: refused, DNS, TLS handshake, connect timeout | retried | retried | `NotSent` |
//! | 500, 502, 504 | retried | only with [`with_retry_non_idempotent`](RetryPolicy::with_retry_non_idempotent) | `ServerError` |
//! | The connection broke after the request was written: reset, closed before the response, truncated body, read timeout | retried | only with [`with_retry_non_idempotent`](RetryPolicy::with_retry_non_idempotent) | `Transport` |
//! | Anything else: other 3xx and 4xx, 501, 505, a body over the limit, invalid input, credentials | never | never | `Fatal` |
//!
//! A 429 or a 503 says the service did not process the request, and a
//! connection that never carried it cannot have changed anything, so any
//! method is repeated. After the other failures the service may have acted,
//! and a repeated POST may create a second resource.
//!
//! A 401 answered to a cached identity token is not retried by this table: the
//! token is issued anew once and the request sent again, which counts as an
//! attempt.
//!
//! A request whose body is streamed ([`ByteStream::from_stream`](crate::ByteStream::from_stream),
//! [`from_path`](crate::ByteStream::from_path)) is sent once, whatever the
//! failure: its first attempt read the stream. A streamed download
//! ([`Client::execute_streaming`](crate::Client::execute_streaming)) is
//! retried by the table until a 2xx answer's headers are in; a failure while
//! its body is read is the caller's to handle.
//!
//! # Delays
//!
//! | Setting | Default | |
//! |---|---|---|
//! | [`with_max_attempts`](RetryPolicy::with_max_attempts) | 3 | attempts per call, the first included |
//! | [`with_initial_delay`](RetryPolicy::with_initial_delay) | 200 ms | bound of the first delay, doubled for each further retry |
//! | [`with_max_delay`](RetryPolicy::with_max_delay) | 20 s | bound of every delay, `Retry-After` included |
//!
//! Before a retry the client waits what the failed response's `Retry-After`
//! asks (seconds or an HTTP date), capped by the maximum delay; without it, a
//! random time up to the exponential bound (full jitter), so that clients who
//! failed together do not retry together.
//!
//! # Retry budget
//!
//! A retry is paid for from a token bucket, as in smithy-rs's standard retry
//! strategy, so that an outage does not multiply the load on the service:
//!
//! | Event | Tokens |
//! |---|---|
//! | The client is built | 500 ([`with_retry_budget`](RetryPolicy::with_retry_budget)) |
//! | A retry after a status (429, 500, 502, 503, 504) | −5 |
//! | A retry after a transport failure or a timeout | −10 |
//! | A call succeeds at its first attempt | +1, up to the capacity |
//! | A call succeeds after retries | + the cost of its last retry, up to the capacity |
//!
//! When the bucket cannot pay for a retry the failure is returned at once. One
//! bucket serves a [`Client`](crate::Client) and all its clones, those of
//! [`Client::with_options`](crate::Client::with_options) included: 500 calls
//! during a 503 outage make 600 attempts, not 1,500. The bucket is made when
//! the client is built, from the [`Config`](crate::Config)'s policy; a per-call
//! policy can leave it out
//! ([`without_retry_budget`](RetryPolicy::without_retry_budget)) but neither
//! resize nor add one.
//!
//! # Timeouts
//!
//! [`Config::with_timeout`](crate::Config::with_timeout) bounds one attempt,
//! from connecting to the end of the body (a timed-out attempt is a
//! `Transport` failure above, a connect timeout `NotSent`);
//! [`Config::with_total_timeout`](crate::Config::with_total_timeout) bounds
//! the whole call, every attempt and delay included, and ends it with
//! [`Error::Timeout`]. A retry whose delay would end after the total timeout is
//! not made: the failure it would repeat is returned instead. Both, and the
//! policy, can be set for one call with [`CallOptions`](crate::CallOptions).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use http::{HeaderMap, Method, StatusCode};

use crate::Error;

/// When and how often a request is tried again; see the
/// [module docs](self#the-retry-policy) for the table.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
    retry_non_idempotent: bool,
    budget: Option<u32>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
            retry_non_idempotent: false,
            budget: Some(500),
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

    /// Also retry POST and PATCH after failures the service may have acted on
    /// (500, 502, 504, a connection that broke after sending, a timeout); only
    /// for operations known to be safe to repeat.
    pub fn with_retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Capacity of the client's [retry budget](self#retry-budget) in tokens
    /// (500 by default); read when the client is built.
    pub fn with_retry_budget(mut self, capacity: u32) -> Self {
        self.budget = Some(capacity);
        self
    }

    /// Retries are not paid for from a [retry budget](self#retry-budget): each
    /// call makes up to its maximum attempts, however many others fail.
    pub fn without_retry_budget(mut self) -> Self {
        self.budget = None;
        self
    }

    /// Total number of attempts.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The budget a client built with this policy shares between its clones.
    pub(crate) fn new_budget(&self) -> Option<RetryBudget> {
        self.budget.map(RetryBudget::new)
    }

    /// Whether a failure of class `transience` after `attempts` attempts of a
    /// `method` request is tried again, budget and deadline aside.
    fn allows(&self, transience: Transience, method: &Method, attempts: u32) -> bool {
        let by_class = transience.retry_allowed(method) || (self.retry_non_idempotent && transience.is_transient());
        attempts < self.max_attempts && by_class
    }

    /// The delay before retry number `retry` (1-based): the server's `Retry-After`
    /// when given, else a random duration up to the exponential bound.
    fn delay(&self, retry: u32, headers: Option<&HeaderMap>) -> Duration {
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

/// Tokens a retry after a status costs.
const RETRY_COST: u32 = 5;
/// Tokens a retry after a transport failure or a timeout costs: those may
/// take a whole attempt timeout each.
const TRANSPORT_RETRY_COST: u32 = 10;
/// Tokens a call that needed no retry gives back.
const SUCCESS_REWARD: u32 = 1;

/// The token bucket of the [retry budget](self#retry-budget).
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tokens: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    fn new(capacity: u32) -> Self {
        RetryBudget { tokens: AtomicU32::new(capacity), capacity }
    }

    fn cost(transience: Transience) -> u32 {
        match transience {
            Transience::NotSent | Transience::Transport => TRANSPORT_RETRY_COST,
            _ => RETRY_COST,
        }
    }

    /// Takes `cost` tokens, or none when fewer are left.
    fn try_spend(&self, cost: u32) -> bool {
        self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| tokens.checked_sub(cost)).is_ok()
    }

    fn refund(&self, amount: u32) {
        let refill = |tokens: u32| Some(tokens.saturating_add(amount).min(self.capacity));
        // The closure always returns `Some`, so the update cannot fail.
        let _ = self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, refill);
    }
}

/// The retry state of one call: its policy, the client's budget, the
/// deadline of the total timeout and what has been spent so far.
pub(crate) struct Attempts<'a> {
    policy: &'a RetryPolicy,
    budget: Option<&'a RetryBudget>,
    deadline: Option<Instant>,
    made: u32,
    last_cost: Option<u32>,
}

impl<'a> Attempts<'a> {
    /// `budget` is the client's; it is used only when `policy` has one.
    pub(crate) fn new(policy: &'a RetryPolicy, budget: Option<&'a RetryBudget>, deadline: Option<Instant>) -> Self {
        let budget = budget.filter(|_| policy.budget.is_some());
        Attempts { policy, budget, deadline, made: 0, last_cost: None }
    }

    /// Counts a new attempt and returns its number (1-based).
    pub(crate) fn start(&mut self) -> u32 {
        self.made += 1;
        self.made
    }

    /// The call succeeded: the budget gets back the cost of the last retry,
    /// or the reward of a call that needed none.
    pub(crate) fn succeeded(&self) {
        if let Some(budget) = self.budget {
            budget.refund(self.last_cost.unwrap_or(SUCCESS_REWARD));
        }
    }

    /// The delay before trying again after a failure of class `transience`
    /// (with the failed response's `headers`, if any), or `None` when the
    /// failure is final: the policy does not retry it, the delay would end
    /// after the deadline, or the budget cannot pay.
    pub(crate) fn retry(
        &mut self,
        transience: Transience,
        method: &Method,
        headers: Option<&HeaderMap>,
    ) -> Option<Duration> {
        if !self.policy.allows(transience, method, self.made) {
            return None;
        }
        let delay = self.policy.delay(self.made, headers);
        if self.deadline.is_some_and(|deadline| Instant::now().checked_add(delay).is_none_or(|end| end >= deadline)) {
            tracing::debug!(?delay, "the retry would end after the total timeout");
            return None;
        }
        let cost = RetryBudget::cost(transience);
        if self.budget.is_some_and(|budget| !budget.try_spend(cost)) {
            tracing::debug!(cost, "the retry budget is spent");
            return None;
        }
        self.last_cost = Some(cost);
        Some(delay)
    }
}

/// Why a failure may or may not pass if the same request is made again: the
/// one rule that retries, waiters and [`Error::is_retryable`] share. Which
/// classes are retried for which methods is the
/// [table of the module](self#the-retry-policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transience {
    /// The service asked the caller to slow down (429); it did not process
    /// the request.
    Throttled,
    /// The service is briefly unavailable (503); it did not process the
    /// request.
    Unavailable,
    /// The connection failed before the request was written (refused, DNS,
    /// TLS handshake, connect timeout): the service never saw it.
    NotSent,
    /// The service or a gateway in front of it failed (500, 502, 504); it may
    /// have acted on the request.
    ServerError,
    /// The connection broke after the request was written (reset, closed
    /// before the response, truncated body) or the attempt timed out; the
    /// service may have acted on the request.
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
            503 => Transience::Unavailable,
            500 | 502 | 504 => Transience::ServerError,
            _ => Transience::Fatal,
        }
    }

    /// The class of an error a request ended with. A connect timeout is
    /// `NotSent`, any other timeout `Transport`.
    pub fn of_error(error: &Error) -> Transience {
        match error {
            Error::Api(api) => Transience::of_status(api.status),
            Error::Timeout { source: Some(e) } | Error::Transport(e) => Transience::of_transport(e),
            Error::Timeout { source: None } => Transience::Transport,
            Error::Connection(e) if e.request_written() => Transience::Transport,
            Error::Connection(_) => Transience::NotSent,
            _ => Transience::Fatal,
        }
    }

    /// The class of a failure of reqwest: before the request was written
    /// (connecting, a connect timeout included) or after.
    fn of_transport(error: &reqwest::Error) -> Transience {
        if error.is_connect() {
            Transience::NotSent
        } else if error.is_timeout() || error.is_request() || broke_while_reading(error) {
            Transience::Transport
        } else {
            Transience::Fatal
        }
    }

    /// Whether another attempt may succeed.
    pub fn is_transient(self) -> bool {
        self != Transience::Fatal
    }

    /// Whether the default policy tries a `method` request again after this
    /// failure: for any method when the service cannot have processed the
    /// request, for idempotent ones when it may have.
    pub fn retry_allowed(self, method: &Method) -> bool {
        match self {
            Transience::Throttled | Transience::Unavailable | Transience::NotSent => true,
            Transience::ServerError | Transience::Transport => is_idempotent(method),
            Transience::Fatal => false,
        }
    }
}

/// Whether reading the body failed. reqwest reports a body that ends early
/// while streaming as a decode error whose source is the body error, so the
/// whole chain is searched.
fn broke_while_reading(error: &reqwest::Error) -> bool {
    let first: &(dyn std::error::Error + 'static) = error;
    std::iter::successors(Some(first), |e| e.source())
        .any(|e| e.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_body))
}

fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
}

/// `Retry-After` as seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
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
        Error::Api(Box::new(crate::ApiError::new(
            StatusCode::from_u16(status).unwrap(),
            Default::default(),
            Default::default(),
        )))
    }

    #[test]
    fn statuses_are_classified_by_the_table() {
        let classes = [
            (429, Transience::Throttled),
            (503, Transience::Unavailable),
            (500, Transience::ServerError),
            (502, Transience::ServerError),
            (504, Transience::ServerError),
        ];
        for (status, class) in classes {
            assert_eq!(Transience::of_error(&api(status)), class, "{status}");
            assert!(class.is_transient(), "{status}");
        }
    }

    #[test]
    fn a_timeout_is_transport() {
        assert_eq!(Transience::of_error(&Error::Timeout { source: None }), Transience::Transport);
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
    async fn refused_connections_are_not_sent_dropped_ones_transport_and_bad_urls_fatal() {
        let refused = reqwest::get("http://127.0.0.1:9/").await.unwrap_err();
        assert_eq!(Transience::of_error(&Error::from(refused)), Transience::NotSent);
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
    fn only_failures_before_processing_are_retried_for_every_method() {
        let any_method = [Transience::Throttled, Transience::Unavailable, Transience::NotSent];
        let idempotent_only = [Transience::ServerError, Transience::Transport];
        for method in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS] {
            assert!(any_method.iter().chain(&idempotent_only).all(|class| class.retry_allowed(&method)), "{method}");
            assert!(!Transience::Fatal.retry_allowed(&method), "{method}");
        }
        for method in [Method::POST, Method::PATCH] {
            assert!(any_method.iter().all(|class| class.retry_allowed(&method)), "{method}");
            assert!(!idempotent_only.iter().any(|class| class.retry_allowed(&method)), "{method}");
            assert!(!Transience::Fatal.retry_allowed(&method), "{method}");
        }
    }

    #[test]
    fn the_policy_bounds_attempts_and_may_retry_every_transient_post() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(Transience::ServerError, &Method::GET, 2));
        assert!(!policy.allows(Transience::ServerError, &Method::GET, 3));
        assert!(!policy.allows(Transience::ServerError, &Method::POST, 1));
        let repeat_posts = policy.with_retry_non_idempotent(true);
        assert!(repeat_posts.allows(Transience::ServerError, &Method::POST, 1));
        assert!(repeat_posts.allows(Transience::Transport, &Method::POST, 1));
        assert!(!repeat_posts.allows(Transience::Fatal, &Method::POST, 1));
    }

    #[test]
    fn the_budget_pays_retries_and_refills_up_to_its_capacity() {
        let policy = RetryPolicy::default().with_initial_delay(Duration::ZERO).with_max_attempts(10);
        let budget = RetryBudget::new(15);
        let mut attempts = Attempts::new(&policy, Some(&budget), None);
        attempts.start();
        assert!(attempts.retry(Transience::Transport, &Method::GET, None).is_some(), "10 tokens of 15");
        attempts.start();
        assert!(attempts.retry(Transience::Unavailable, &Method::GET, None).is_some(), "5 tokens of 5");
        attempts.start();
        assert!(attempts.retry(Transience::Unavailable, &Method::GET, None).is_none(), "none left");
        attempts.succeeded();
        assert_eq!(budget.tokens.load(Ordering::Acquire), 5, "the last retry's cost is refunded");
        Attempts::new(&policy, Some(&budget), None).succeeded();
        assert_eq!(budget.tokens.load(Ordering::Acquire), 6, "a call without retries earns one token");
        budget.refund(100);
        assert_eq!(budget.tokens.load(Ordering::Acquire), 15, "never above the capacity");
    }

    #[test]
    fn a_policy_without_budget_ignores_the_clients() {
        let policy = RetryPolicy::default().with_initial_delay(Duration::ZERO).without_retry_budget();
        let budget = RetryBudget::new(0);
        let mut attempts = Attempts::new(&policy, Some(&budget), None);
        attempts.start();
        assert!(attempts.retry(Transience::Unavailable, &Method::GET, None).is_some());
    }

    #[test]
    fn a_retry_that_would_end_after_the_deadline_is_not_made() {
        let policy = RetryPolicy::default();
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "2".parse().unwrap());
        let deadline = Instant::now() + Duration::from_secs(1);
        let mut attempts = Attempts::new(&policy, None, Some(deadline));
        attempts.start();
        assert_eq!(attempts.retry(Transience::Throttled, &Method::GET, Some(&headers)), None);
        headers.insert("retry-after", "0".parse().unwrap());
        assert_eq!(attempts.retry(Transience::Throttled, &Method::GET, Some(&headers)), Some(Duration::ZERO));
    }
}
