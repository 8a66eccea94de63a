//! Waiting for a resource or an asynchronous request to reach a state.
//!
//! A [`Waiter`] polls one read operation, reads the state member of each
//! answer through its typed fields, and decides from it whether the wait is
//! over, has failed or goes on. Generated crates return one from every
//! `wait_for_…` method; `.await` it, after adjusting its [`WaitConfig`] if the
//! defaults do not suit:
//!
//! ```no_run
//! # async fn example(waiter: cloudsdk_runtime::wait::Waiter<()>) -> Result<(), cloudsdk_runtime::Error> {
//! use std::time::Duration;
//! waiter.with_timeout(Duration::from_secs(2 * 60 * 60)).await?;
//! # Ok(())
//! # }
//! ```
//!
//! Between polls the interval grows from [`WaitConfig::interval`] to
//! [`WaitConfig::max_interval`], each delay drawn at random from its upper
//! half so that many waiters do not poll in step; a `Retry-After` on a
//! throttled or unavailable answer is honoured. Transient errors (see
//! [`Transience`]) are polled through; a 404 within
//! [`WaitConfig::not_found_grace`] of the start is taken for a resource that is
//! not visible yet. To cancel a wait, drop its future: no task runs in the
//! background.

use std::any::Any;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use tokio::time::{sleep_until, timeout_at, Instant};

use crate::retry::{retry_after, Transience};
use crate::Error;

/// The shortest interval between polls: a zero interval would poll a service
/// as fast as it answers.
pub const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// The budget of a wait whose service names none: every 5 s at first, at
/// most every 30 s, for up to 30 minutes.
pub const DEFAULT: WaitConfig = WaitConfig::polling(Duration::from_secs(5), Duration::from_secs(30 * 60));

/// How often and how long a [`Waiter`] polls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitConfig {
    interval: Duration,
    max_interval: Duration,
    timeout: Duration,
    not_found_grace: Duration,
}

impl Default for WaitConfig {
    fn default() -> Self {
        DEFAULT
    }
}

impl WaitConfig {
    /// [`DEFAULT`].
    pub fn new() -> Self {
        DEFAULT
    }

    /// Polls every `interval` at first, backing off to three times that, for
    /// up to `timeout`; a 404 in the first 30 s is tolerated.
    pub const fn polling(interval: Duration, timeout: Duration) -> Self {
        let interval = if interval.as_nanos() < MIN_INTERVAL.as_nanos() { MIN_INTERVAL } else { interval };
        WaitConfig {
            interval,
            max_interval: interval.saturating_mul(3),
            timeout,
            not_found_grace: Duration::from_secs(30),
        }
    }

    /// Delay after the first poll, at least [`MIN_INTERVAL`]; each further
    /// delay doubles up to [`max_interval`](WaitConfig::with_max_interval).
    /// Any length is accepted: one too long to add to the current time means
    /// "no further poll within the timeout".
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(MIN_INTERVAL);
        self.max_interval = self.max_interval.max(self.interval);
        self
    }

    /// Longest delay between two polls (a `Retry-After` may ask for more).
    pub fn with_max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval.max(MIN_INTERVAL);
        self.interval = self.interval.min(self.max_interval);
        self
    }

    /// Total time after which the wait fails with [`Error::WaiterTimedOut`].
    /// `Duration::MAX` (or any length too long to add to the current time)
    /// means no limit.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long after the start a 404 means "not visible yet" rather than
    /// "gone": a resource is not always readable the moment it is created.
    /// Zero ends a wait on the first 404. Waits for deletion take every 404
    /// as done.
    pub fn with_not_found_grace(mut self, grace: Duration) -> Self {
        self.not_found_grace = grace;
        self
    }

    /// Delay after the first poll.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Longest delay between polls.
    pub fn max_interval(&self) -> Duration {
        self.max_interval
    }

    /// Total time before giving up.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// How long a 404 is tolerated after the start.
    pub fn not_found_grace(&self) -> Duration {
        self.not_found_grace
    }

    /// The delay before poll `retry + 1`: `interval × 2^(retry-1)`, capped,
    /// drawn from the upper half of that bound.
    fn delay(&self, retry: u32) -> Duration {
        let bound = self
            .interval
            .saturating_mul(1u32.checked_shl(retry.saturating_sub(1)).unwrap_or(u32::MAX))
            .min(self.max_interval);
        (bound / 2 + (bound / 2).mul_f64(fastrand::f64())).max(MIN_INTERVAL)
    }
}

/// What one observed state means for a wait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The awaited state.
    Done,
    /// Not there yet: poll again.
    Pending,
    /// The awaited state cannot be reached any more; the reason ends the wait
    /// as [`Error::WaiterFailed`].
    Failed(String),
}

/// What a wait saw last, kept in [`Error::WaiterFailed`] and
/// [`Error::WaiterTimedOut`].
pub struct LastPoll {
    polls: u32,
    state: Option<String>,
    response: Option<Box<dyn Polled>>,
    error: Option<Error>,
}

/// A polled answer, kept type-erased in [`LastPoll`].
trait Polled: Any + fmt::Debug + Send + Sync {}

impl<T: Any + fmt::Debug + Send + Sync> Polled for T {}

impl LastPoll {
    /// How many polls were made.
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// The last state read (several, comma-separated, for a wait on every item
    /// of a list), if any answer had one.
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// The last successful answer, as the type the waiter polled: for a
    /// generated `wait_for_…` method, the `Response` its read operation returns.
    pub fn response<R: Any>(&self) -> Option<&R> {
        let response: &dyn Any = self.response.as_deref()?;
        response.downcast_ref()
    }

    /// The error of the last poll, when it failed (a 503 polled through, a 404
    /// within the grace period).
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }
}

/// Longest `Debug` text of the last response: a list of thousands of items is
/// not an error message.
const RESPONSE_EXCERPT: usize = 2048;

impl fmt::Debug for LastPoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let response = self.response.as_ref().map(|r| {
            let text = format!("{r:?}");
            match text.char_indices().nth(RESPONSE_EXCERPT) {
                Some((cut, _)) => format!("{}… ({} bytes cut)", &text[..cut], text.len() - cut),
                None => text,
            }
        });
        f.debug_struct("LastPoll")
            .field("polls", &self.polls)
            .field("state", &self.state)
            .field("response", &format_args!("{}", response.as_deref().unwrap_or("None")))
            .field("error", &self.error)
            .finish()
    }
}

impl fmt::Display for LastPoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} poll{}", self.polls, if self.polls == 1 { "" } else { "s" })?;
        if let Some(state) = &self.state {
            write!(f, ", last state {state}")?;
        }
        if let Some(error) = &self.error {
            write!(f, ", last poll failed: {error}")?;
        }
        Ok(())
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A wait in preparation: adjust it with the `with_*` methods, then `.await`
/// it. Nothing is sent before it is awaited.
#[must_use = "a waiter does nothing until it is awaited"]
pub struct Waiter<O> {
    config: WaitConfig,
    run: Box<dyn FnOnce(WaitConfig) -> BoxFuture<Result<O, Error>> + Send>,
}

impl<O> fmt::Debug for Waiter<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter").field("config", &self.config).finish_non_exhaustive()
    }
}

impl<O: Send + 'static> IntoFuture for Waiter<O> {
    type Output = Result<O, Error>;
    type IntoFuture = BoxFuture<Result<O, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        (self.run)(self.config)
    }
}

impl<O> Waiter<O> {
    /// Replaces the whole configuration.
    pub fn with_config(mut self, config: WaitConfig) -> Self {
        self.config = config;
        self
    }

    /// See [`WaitConfig::with_timeout`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.config = self.config.with_timeout(timeout);
        self
    }

    /// See [`WaitConfig::with_interval`].
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.config = self.config.with_interval(interval);
        self
    }

    /// See [`WaitConfig::with_max_interval`].
    pub fn with_max_interval(mut self, max_interval: Duration) -> Self {
        self.config = self.config.with_max_interval(max_interval);
        self
    }

    /// See [`WaitConfig::with_not_found_grace`].
    pub fn with_not_found_grace(mut self, grace: Duration) -> Self {
        self.config = self.config.with_not_found_grace(grace);
        self
    }

    /// The configuration the wait will use.
    pub fn config(&self) -> &WaitConfig {
        &self.config
    }
}

/// How one answer bears on the wait, with the answer itself.
enum Judged<R, O> {
    Done(O),
    Pending(R, Option<String>),
    Failed(R, Option<String>, String),
}

impl<R: fmt::Debug + Send + Sync + 'static> Waiter<R> {
    /// Polls with `poll` until every state `states` reads from an answer is
    /// [`Phase::Done`] by `classify` (and there is at least one), or one is
    /// [`Phase::Failed`]. Returns the answer in which the wait ended.
    pub fn until<F, Fut, S, C>(defaults: WaitConfig, poll: F, states: S, classify: C) -> Self
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<R, Error>> + Send + 'static,
        S: Fn(&R) -> Vec<&str> + Send + 'static,
        C: Fn(&str) -> Phase + Send + 'static,
    {
        let judge = move |answer: R| {
            let seen = states(&answer);
            let state = summary(&seen);
            match phase_of_all(&seen, &classify) {
                Phase::Done => Judged::Done(answer),
                Phase::Pending => Judged::Pending(answer, state),
                Phase::Failed(reason) => Judged::Failed(answer, state, reason),
            }
        };
        Waiter::polling(defaults, poll, judge, None)
    }

    /// [`Waiter::until`] the state is `target`, failing early on a `failure`
    /// state other than `target`.
    pub fn until_state<F, Fut, S>(
        defaults: WaitConfig,
        poll: F,
        states: S,
        target: impl Into<String>,
        failure: &'static [&'static str],
    ) -> Self
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<R, Error>> + Send + 'static,
        S: Fn(&R) -> Vec<&str> + Send + 'static,
    {
        let target = target.into();
        let classify = move |state: &str| {
            if state == target {
                Phase::Done
            } else if failure.contains(&state) {
                Phase::Failed(format!("became {state} while waiting for {target}"))
            } else {
                Phase::Pending
            }
        };
        Waiter::until(defaults, poll, states, classify)
    }
}

impl<R: fmt::Debug + Send + Sync + 'static> Waiter<Option<R>> {
    /// Polls with `poll` until it answers 404 (→ `None`) or every state
    /// `states` reads is one of `deleted` (→ that answer). The 404 grace
    /// period does not apply: here a 404 is the awaited answer.
    pub fn until_deleted<F, Fut, S>(defaults: WaitConfig, poll: F, states: S, deleted: &'static [&'static str]) -> Self
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<R, Error>> + Send + 'static,
        S: Fn(&R) -> Vec<&str> + Send + 'static,
    {
        let judge = move |answer: R| {
            let seen = states(&answer);
            let state = summary(&seen);
            if !seen.is_empty() && seen.iter().all(|s| deleted.contains(s)) {
                Judged::Done(Some(answer))
            } else {
                Judged::Pending(answer, state)
            }
        };
        Waiter::polling(defaults, poll, judge, Some(None))
    }
}

impl<O: Send + 'static> Waiter<O> {
    /// The one polling loop every waiter runs; `gone` is the outcome of a 404
    /// when a 404 ends the wait successfully.
    fn polling<R, F, Fut, J>(defaults: WaitConfig, poll: F, judge: J, gone: Option<O>) -> Self
    where
        R: fmt::Debug + Send + Sync + 'static,
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<R, Error>> + Send + 'static,
        J: FnMut(R) -> Judged<R, O> + Send + 'static,
    {
        let run = move |config: WaitConfig| -> BoxFuture<Result<O, Error>> {
            Box::pin(poll_until(config, poll, judge, gone))
        };
        Waiter { config: defaults, run: Box::new(run) }
    }
}

async fn poll_until<R, O, F, Fut, J>(
    config: WaitConfig,
    mut poll: F,
    mut judge: J,
    mut gone: Option<O>,
) -> Result<O, Error>
where
    R: fmt::Debug + Send + Sync + 'static,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<R, Error>>,
    J: FnMut(R) -> Judged<R, O>,
{
    let start = Instant::now();
    let deadline = later(start, config.timeout);
    let mut last = LastPoll { polls: 0, state: None, response: None, error: None };
    loop {
        let polled_at = Instant::now();
        let Ok(outcome) = timeout_at(deadline, poll()).await else { break };
        last.polls += 1;
        let mut asked_delay = None;
        match outcome {
            Ok(answer) => {
                last.error = None;
                let (answer, state) = match judge(answer) {
                    Judged::Done(done) => return Ok(done),
                    Judged::Pending(answer, state) => (answer, state),
                    Judged::Failed(answer, state, reason) => {
                        last.state = state;
                        last.response = Some(Box::new(answer));
                        return Err(Error::WaiterFailed { reason, last: Box::new(last) });
                    }
                };
                last.state = state;
                last.response = Some(Box::new(answer));
            }
            Err(error) if error.is_not_found() && gone.is_some() => return Ok(gone.take().expect("checked")),
            Err(error) => {
                let not_visible_yet = error.is_not_found() && start.elapsed() < config.not_found_grace;
                if !not_visible_yet && !Transience::of_error(&error).is_transient() {
                    return Err(error);
                }
                tracing::debug!(%error, "transient error while waiting, polling again");
                asked_delay = error.as_api().and_then(|api| retry_after(&api.headers));
                last.error = Some(error);
            }
        }
        let delay = config.delay(last.polls).max(asked_delay.unwrap_or_default());
        let next = later(polled_at, delay);
        if next >= deadline {
            sleep_until(deadline).await;
            break;
        }
        sleep_until(next).await;
    }
    Err(Error::WaiterTimedOut { waited: start.elapsed(), last: Box::new(last) })
}

/// The phase of a set of states: failed if any failed, done if there is at
/// least one and all are done.
fn phase_of_all(states: &[&str], classify: &impl Fn(&str) -> Phase) -> Phase {
    let mut all_done = !states.is_empty();
    for state in states {
        match classify(state) {
            Phase::Failed(reason) => return Phase::Failed(reason),
            Phase::Pending => all_done = false,
            Phase::Done => {}
        }
    }
    if all_done {
        Phase::Done
    } else {
        Phase::Pending
    }
}

/// The states of one answer as one text, each distinct state once.
fn summary(states: &[&str]) -> Option<String> {
    let mut distinct: Vec<&str> = Vec::with_capacity(states.len());
    for state in states {
        if !distinct.contains(state) {
            distinct.push(state);
        }
    }
    (!distinct.is_empty()).then(|| distinct.join(", "))
}

/// `at + by`, or a point decades away when that does not fit in an `Instant`
/// (`Duration::MAX`): a wait that long is a wait without end, not a panic.
fn later(at: Instant, by: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
    at.checked_add(by).or_else(|| at.checked_add(FAR)).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_back_off_from_the_interval_to_the_cap_with_jitter() {
        let config = WaitConfig::polling(Duration::from_secs(10), Duration::from_secs(3600));
        for _ in 0..100 {
            let first = config.delay(1);
            assert!(first >= Duration::from_secs(5) && first <= Duration::from_secs(10), "{first:?}");
            let second = config.delay(2);
            assert!(second >= Duration::from_secs(10) && second <= Duration::from_secs(20), "{second:?}");
            assert!(config.delay(50) <= Duration::from_secs(30));
        }
    }

    #[test]
    fn a_set_of_states_is_done_only_when_all_are() {
        let classify = |s: &str| match s {
            "Running" => Phase::Done,
            "FAILED" => Phase::Failed("failed".into()),
            _ => Phase::Pending,
        };
        assert_eq!(phase_of_all(&["Running", "Running"], &classify), Phase::Done);
        assert_eq!(phase_of_all(&["Running", "PROVISIONING"], &classify), Phase::Pending);
        assert_eq!(phase_of_all(&["PROVISIONING", "FAILED"], &classify), Phase::Failed("failed".into()));
        assert_eq!(phase_of_all(&[], &classify), Phase::Pending);
        assert_eq!(summary(&["A", "B", "A"]).as_deref(), Some("A, B"));
    }
}
