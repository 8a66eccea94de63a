//! Waiting for a resource or an asynchronous request to reach a state.
//!
//! [`wait_until`] polls an operation at a fixed interval and lets a predicate decide
//! whether the awaited state was reached, cannot be reached any more, or is still
//! pending. Generated crates build their waiters on it; callers can too.

use std::future::Future;
use std::time::Duration;

use tokio::time::{sleep_until, timeout_at, Instant};

use crate::retry::Transience;
use crate::Error;

/// The shortest interval between polls: a zero interval would poll a service
/// as fast as it answers.
pub const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// How often and how long [`wait_until`] polls.
#[derive(Clone, Debug)]
pub struct WaitConfig {
    interval: Duration,
    timeout: Duration,
}

impl Default for WaitConfig {
    fn default() -> Self {
        WaitConfig { interval: Duration::from_secs(5), timeout: Duration::from_secs(30 * 60) }
    }
}

impl WaitConfig {
    /// Poll every 5 seconds for up to 30 minutes: provisioning a cluster or a
    /// database can take that long.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time between the start of one poll and the next, at least
    /// [`MIN_INTERVAL`]. Any length is accepted: one too long to add to the
    /// current time means "no further poll within the timeout".
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(MIN_INTERVAL);
        self
    }

    /// Total time after which the wait fails with [`Error::WaiterTimedOut`].
    /// `Duration::MAX` (or any length too long to add to the current time)
    /// means no limit.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time between polls.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Total time before giving up.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

/// A predicate's verdict on one polled value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check<T> {
    /// The awaited state was reached; the wait returns this value.
    Done(T),
    /// Not there yet: poll again.
    Pending,
    /// The awaited state cannot be reached any more (an error state); the reason
    /// ends the wait as [`Error::WaiterFailed`].
    Failed(String),
}

/// Calls `poll` every [`interval`](WaitConfig::with_interval) until `check` says
/// [`Check::Done`] (→ `Ok`) or [`Check::Failed`] (→ [`Error::WaiterFailed`]).
///
/// After [`timeout`](WaitConfig::with_timeout) it gives up with
/// [`Error::WaiterTimedOut`]; a poll still in flight then is abandoned. A transient
/// poll error (see [`Transience`]: 429, 500, 502–504, a timeout, a connection that failed or broke) is
/// logged and the next poll made, since an hour-long wait should not end on one
/// hiccup; any other error (404, 403, …) ends the wait at once.
///
/// To cancel a wait, drop its future (e.g. with `tokio::select!` or
/// `tokio::time::timeout`): no task runs in the background and no further poll is
/// made.
pub async fn wait_until<R, T, F, Fut, C>(config: &WaitConfig, mut poll: F, mut check: C) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<R, Error>>,
    C: FnMut(&R) -> Check<T>,
{
    let start = Instant::now();
    let deadline = later(start, config.timeout);
    loop {
        let polled_at = Instant::now();
        let Ok(outcome) = timeout_at(deadline, poll()).await else { break };
        match outcome.map(|value| check(&value)) {
            Ok(Check::Done(value)) => return Ok(value),
            Ok(Check::Failed(reason)) => return Err(Error::WaiterFailed { reason }),
            Ok(Check::Pending) => {}
            Err(error) if Transience::of_error(&error).is_transient() => {
                tracing::debug!(%error, "transient error while waiting, polling again")
            }
            Err(error) => return Err(error),
        }
        let next = later(polled_at, config.interval);
        if next >= deadline {
            sleep_until(deadline).await;
            break;
        }
        sleep_until(next).await;
    }
    Err(Error::WaiterTimedOut { waited: start.elapsed() })
}

/// `at + by`, or a point decades away when that does not fit in an `Instant`
/// (`Duration::MAX`): a wait that long is a wait without end, not a panic.
fn later(at: Instant, by: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
    at.checked_add(by).or_else(|| at.checked_add(FAR)).unwrap_or(at)
}
