//! The token cache under the identity-service providers: one refresh at a time,
//! shared by every request of every clone of a client.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

use super::secret::Secret;
use super::token::{TokenFuture, TokenProvider};
use crate::Error;

/// How long before its expiry a token is replaced by default.
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);

/// A token as an identity service issued it.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    /// The `X-Auth-Token` value.
    pub token: Secret,
    /// When the service stops accepting it.
    pub expires_at: DateTime<Utc>,
}

/// The future a [`TokenIssuer`] returns.
pub type IssueFuture<'a> = Pin<Box<dyn Future<Output = Result<IssuedToken, Error>> + Send + 'a>>;

/// One call to an identity service that yields a new token. [`CachedToken`] decides
/// when to make it.
pub trait TokenIssuer: Send + Sync + fmt::Debug {
    /// Asks the identity service for a new token.
    fn issue(&self) -> IssueFuture<'_>;

    /// The credentials the issuer holds, which errors redact when a service
    /// echoes them.
    fn secrets(&self) -> Vec<Secret> {
        Vec::new()
    }
}

/// A [`TokenProvider`] that keeps the token of a [`TokenIssuer`] until shortly
/// before it expires.
///
/// Concurrent requests share one token. When it must be replaced, the first caller
/// asks the issuer and the others wait for that one call and take its outcome, so
/// an identity service sees one request per refresh however many requests are in
/// flight — and wrong credentials are tried once, not once per request.
///
/// The token is replaced [`refresh_before`](CachedToken::with_refresh_before) its
/// expiry (5 minutes by default), but never earlier than halfway through its
/// lifetime, so that short-lived tokens are not re-issued on every request. If a
/// refresh fails while the old token has not expired yet, the old token is used
/// and the issuer is not asked again for 30 seconds (or half the old token's
/// remaining lifetime, when shorter): an identity-service outage then costs one
/// failed call per back-off, not one per request.
///
/// A 401 for the current token makes the next request issue a new one. If the
/// service refuses that new token too, it refuses every token (a revoked role,
/// the wrong project), and issuing more would cost an identity call per
/// request: the 401 is returned, and the next token is issued only after a
/// back-off of 1 s, doubled at each such refusal up to 5 minutes. A token
/// issued because the old one neared its expiry ends the back-off.
pub struct CachedToken<I> {
    issuer: I,
    refresh_before: Duration,
    state: Mutex<State>,
    /// Held while the issuer is called: callers needing a new token queue here.
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    /// Bumped by every finished refresh, so that callers who waited for it take its
    /// outcome instead of calling the issuer again.
    generation: u64,
    /// Why the last refresh failed, handed to the callers who waited for it.
    failure: Option<String>,
    /// The next refresh replaces a token the service refused.
    replacing_rejected: bool,
    /// Until when a refused token is not replaced.
    rejected_until: Option<Instant>,
    /// The last such back-off; zero before the first.
    rejection_backoff: Duration,
}

struct Cached {
    token: Secret,
    refresh_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    /// Issued because the service refused the token before it.
    replaced_rejected: bool,
}

impl<I: TokenIssuer> CachedToken<I> {
    /// A cache, empty until the first request, in front of `issuer`.
    pub fn new(issuer: I) -> Self {
        CachedToken {
            issuer,
            refresh_before: DEFAULT_REFRESH_BEFORE,
            state: Mutex::new(State::default()),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// How long before its expiry a token is replaced (5 minutes by default).
    pub fn with_refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// The issuer behind this cache.
    pub fn issuer(&self) -> &I {
        &self.issuer
    }

    pub(crate) fn issuer_mut(&mut self) -> &mut I {
        &mut self.issuer
    }

    /// The current token, issuing a new one first when there is none or it is due
    /// for replacement.
    pub async fn get(&self) -> Result<Secret, Error> {
        self.get_with(|issuer| issuer.issue()).await
    }

    /// [`get`](Self::get), asking the issuer through `issue` (with the
    /// timeouts of the request that needs the token).
    pub(crate) async fn get_with<'a>(&'a self, issue: impl FnOnce(&'a I) -> IssueFuture<'a>) -> Result<Secret, Error> {
        let seen = {
            let state = self.state();
            if let Some(token) = fresh(&state) {
                return Ok(token);
            }
            state.generation
        };
        let _refreshing = self.refreshing.lock().await;
        if let Some(outcome) = self.outcome_since(seen) {
            return outcome;
        }
        self.refresh(issue(&self.issuer)).await
    }

    /// Forgets `rejected` if it is still the current token; a token issued in the
    /// meantime by another request is kept.
    pub fn forget(&self, rejected: &Secret) {
        let mut state = self.state();
        if state.current.as_ref().is_some_and(|c| c.token == *rejected) {
            state.current = None;
        }
    }

    /// The service answered 401 to `rejected`: whether the request may be sent
    /// again with another token (see the back-off in the type's docs).
    fn reject(&self, rejected: &Secret) -> bool {
        let mut state = self.state();
        let Some(replaced_rejected) =
            state.current.as_ref().filter(|c| c.token == *rejected).map(|c| c.replaced_rejected)
        else {
            // Another request replaced it already: the retry uses the new one.
            return true;
        };
        let now = Instant::now();
        match state.rejected_until {
            Some(until) if now < until => return false,
            Some(_) => state.rejected_until = None,
            None if replaced_rejected => {
                let backoff = next_rejection_backoff(state.rejection_backoff);
                state.rejection_backoff = backoff;
                state.rejected_until = Some(now + backoff);
                tracing::warn!(?backoff, "a token issued after a 401 was refused too, not issuing another for now");
                return false;
            }
            None => {}
        }
        state.current = None;
        state.replacing_rejected = true;
        true
    }

    /// What a caller who queued behind a refresh gets: the fresh token, or the
    /// outcome of the refresh that finished while it waited.
    fn outcome_since(&self, seen: u64) -> Option<Result<Secret, Error>> {
        let state = self.state();
        if let Some(token) = fresh(&state) {
            return Some(Ok(token));
        }
        if state.generation == seen {
            return None;
        }
        match (&state.current, &state.failure) {
            // Just issued: used even if the local clock calls it stale.
            (Some(cached), None) => Some(Ok(cached.token.clone())),
            // The refresh failed, but the old token still works.
            (Some(cached), Some(_)) if cached.expires_at > Utc::now() => Some(Ok(cached.token.clone())),
            (_, Some(failure)) => Some(Err(Error::Auth(failure.clone()))),
            (None, None) => None,
        }
    }

    /// Awaits one call of the issuer and records the outcome for the callers waiting.
    async fn refresh(&self, issue: IssueFuture<'_>) -> Result<Secret, Error> {
        let outcome = issue.await;
        let now = Utc::now();
        let mut state = self.state();
        state.generation += 1;
        let replacing_rejected = std::mem::take(&mut state.replacing_rejected);
        match outcome {
            Ok(issued) => {
                state.failure = None;
                if !replacing_rejected {
                    state.rejected_until = None;
                    state.rejection_backoff = Duration::ZERO;
                }
                let token = issued.token.clone();
                state.current = Some(Cached::new(issued, self.refresh_before, now, replacing_rejected));
                Ok(token)
            }
            Err(error) => {
                state.failure = Some(failure_message(&error));
                match state.current.as_mut().filter(|c| c.expires_at > now) {
                    Some(cached) => {
                        // Without a back-off every request would call the failing
                        // issuer again, each waiting up to its timeout.
                        cached.refresh_at = now + retry_after_failure(cached.expires_at - now);
                        tracing::warn!(
                            %error,
                            retry_at = %cached.refresh_at,
                            "token refresh failed, using the current token until it expires",
                        );
                        Ok(cached.token.clone())
                    }
                    None => Err(error),
                }
            }
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic elsewhere
        // cannot leave it half-updated.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Cached {
    fn new(issued: IssuedToken, margin: Duration, now: DateTime<Utc>, replaced_rejected: bool) -> Self {
        let lifetime = (issued.expires_at - now).max(TimeDelta::zero());
        let margin = TimeDelta::from_std(margin).unwrap_or(TimeDelta::MAX).min(lifetime / 2);
        Cached {
            token: issued.token,
            refresh_at: issued.expires_at - margin,
            expires_at: issued.expires_at,
            replaced_rejected,
        }
    }
}

/// The back-offs after repeated 401s: 1 s, then doubled up to 5 minutes.
const FIRST_REJECTION_BACKOFF: Duration = Duration::from_secs(1);
const MAX_REJECTION_BACKOFF: Duration = Duration::from_secs(5 * 60);

fn next_rejection_backoff(last: Duration) -> Duration {
    if last.is_zero() {
        FIRST_REJECTION_BACKOFF
    } else {
        last.saturating_mul(2).min(MAX_REJECTION_BACKOFF)
    }
}

/// The longest wait before a failed refresh is tried again.
const FAILED_REFRESH_BACKOFF: TimeDelta = TimeDelta::seconds(30);

/// How long after a failed refresh the issuer is asked again while the current
/// token, which expires in `remaining`, is used: 30 s, or half the remaining
/// lifetime when that is shorter, so that several attempts fit before expiry.
fn retry_after_failure(remaining: TimeDelta) -> TimeDelta {
    FAILED_REFRESH_BACKOFF.min(remaining / 2)
}

fn fresh(state: &State) -> Option<Secret> {
    let cached = state.current.as_ref()?;
    (Utc::now() < cached.refresh_at).then(|| cached.token.clone())
}

/// The message kept for waiting callers; `Error::Auth` is not nested in itself.
fn failure_message(error: &Error) -> String {
    match error {
        Error::Auth(message) => message.clone(),
        other => format!("cannot obtain a token: {other}"),
    }
}

impl<I: TokenIssuer> TokenProvider for CachedToken<I> {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.get())
    }

    fn invalidate(&self, rejected: &Secret) -> bool {
        self.reject(rejected)
    }

    fn secrets(&self) -> Vec<Secret> {
        let mut secrets = self.issuer.secrets();
        secrets.extend(self.state().current.as_ref().map(|c| c.token.clone()));
        secrets
    }
}

impl<I: fmt::Debug> fmt::Debug for CachedToken<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expires_at = self.state.lock().ok().and_then(|state| state.current.as_ref().map(|c| c.expires_at));
        f.debug_struct("CachedToken")
            .field("issuer", &self.issuer)
            .field("refresh_before", &self.refresh_before)
            .field("token_expires_at", &expires_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    /// Issues `token-1`, `token-2`, … valid for `lifetime` (negative: already expired),
    /// or fails when `fail` is set or once `succeed` tokens were issued.
    #[derive(Debug)]
    struct Counting {
        issued: AtomicUsize,
        lifetime: TimeDelta,
        fail: bool,
        succeed: usize,
    }

    impl Counting {
        fn new(lifetime: TimeDelta) -> Self {
            Counting { issued: AtomicUsize::new(0), lifetime, fail: false, succeed: usize::MAX }
        }
        fn count(&self) -> usize {
            self.issued.load(Ordering::SeqCst)
        }
    }

    impl TokenIssuer for Counting {
        fn issue(&self) -> IssueFuture<'_> {
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
                if self.fail || n > self.succeed {
                    return Err(Error::Auth(format!("refused attempt {n}")));
                }
                Ok(IssuedToken { token: Secret::new(format!("token-{n}")), expires_at: Utc::now() + self.lifetime })
            })
        }
    }

    #[tokio::test]
    async fn a_token_is_issued_once_and_reused() {
        let cache = CachedToken::new(Counting::new(TimeDelta::hours(1)));
        assert_eq!(cache.get().await.unwrap().expose(), "token-1");
        assert_eq!(cache.get().await.unwrap().expose(), "token-1");
        assert_eq!(cache.issuer().count(), 1);
    }

    #[tokio::test]
    async fn a_token_within_the_margin_is_replaced() {
        // Lifetime 1 h, margin 2 h: replaced halfway, i.e. not at once…
        let cache = CachedToken::new(Counting::new(TimeDelta::hours(1))).with_refresh_before(Duration::from_secs(7200));
        cache.get().await.unwrap();
        assert_eq!(cache.get().await.unwrap().expose(), "token-1");
        // …while an expired one is replaced on the next request.
        let cache = CachedToken::new(Counting::new(TimeDelta::seconds(-1)));
        assert_eq!(cache.get().await.unwrap().expose(), "token-1");
        assert_eq!(cache.get().await.unwrap().expose(), "token-2");
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_refresh() {
        let cache = Arc::new(CachedToken::new(Counting::new(TimeDelta::hours(1))));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { cache.get().await.unwrap().expose().to_owned() })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap(), "token-1");
        }
        assert_eq!(cache.issuer().count(), 1);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_failure() {
        let issuer = Counting { fail: true, ..Counting::new(TimeDelta::hours(1)) };
        let cache = Arc::new(CachedToken::new(issuer));
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                tokio::spawn({
                    let cache = cache.clone();
                    async move { cache.get().await }
                })
            })
            .collect();
        for task in tasks {
            assert!(matches!(task.await.unwrap(), Err(Error::Auth(m)) if m == "refused attempt 1"));
        }
        assert_eq!(cache.issuer().count(), 1);
    }

    #[tokio::test]
    async fn only_the_rejected_token_is_forgotten() {
        let cache = CachedToken::new(Counting::new(TimeDelta::hours(1)));
        let first = cache.get().await.unwrap();
        assert!(cache.invalidate(&first));
        let second = cache.get().await.unwrap();
        assert_eq!(second.expose(), "token-2");
        // A late 401 for the first token must not throw away the second.
        assert!(cache.invalidate(&first));
        assert_eq!(cache.get().await.unwrap().expose(), "token-2");
    }

    /// Puts the current token inside its refresh window: due for replacement,
    /// yet valid for `remaining`.
    fn make_due(cache: &CachedToken<Counting>, remaining: TimeDelta) {
        let mut state = cache.state();
        let cached = state.current.as_mut().unwrap();
        cached.refresh_at = Utc::now() - TimeDelta::seconds(1);
        cached.expires_at = Utc::now() + remaining;
    }

    #[tokio::test]
    async fn a_failed_refresh_is_not_retried_on_every_request() {
        let cache = CachedToken::new(Counting { succeed: 1, ..Counting::new(TimeDelta::hours(1)) });
        assert_eq!(cache.get().await.unwrap().expose(), "token-1");
        make_due(&cache, TimeDelta::minutes(10));
        // The identity service is down: the first request tries it once, then the
        // valid token is served without asking again during the back-off.
        for _ in 0..5 {
            assert_eq!(cache.get().await.unwrap().expose(), "token-1");
        }
        assert_eq!(cache.issuer().count(), 2);
        let refresh_at = cache.state().current.as_ref().unwrap().refresh_at;
        let backoff = refresh_at - Utc::now();
        assert!(backoff > TimeDelta::seconds(25) && backoff <= TimeDelta::seconds(30), "{backoff}");
    }

    #[tokio::test]
    async fn a_failed_refresh_is_retried_after_the_back_off() {
        let cache = CachedToken::new(Counting { succeed: 1, ..Counting::new(TimeDelta::hours(1)) });
        cache.get().await.unwrap();
        // 1.2 s left: the back-off is half of it, well under 30 s.
        make_due(&cache, TimeDelta::milliseconds(1200));
        cache.get().await.unwrap();
        cache.get().await.unwrap();
        assert_eq!(cache.issuer().count(), 2);
        tokio::time::sleep(Duration::from_millis(700)).await;
        // Past the back-off, still before expiry: the issuer is asked again and
        // the old token served once more.
        assert_eq!(cache.get().await.unwrap().expose(), "token-1");
        assert_eq!(cache.issuer().count(), 3);
        // Once the token has expired, the failure reaches the caller.
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert!(matches!(cache.get().await, Err(Error::Auth(m)) if m == "refused attempt 4"));
    }

    #[tokio::test]
    async fn a_token_refused_after_a_401_is_not_replaced_during_the_back_off() {
        let cache = CachedToken::new(Counting::new(TimeDelta::hours(1)));
        let first = cache.get().await.unwrap();
        assert!(cache.invalidate(&first), "a first 401 gets a new token");
        let second = cache.get().await.unwrap();
        // The new token is refused too: no third one during the back-off.
        for _ in 0..3 {
            assert!(!cache.invalidate(&second));
            assert_eq!(cache.get().await.unwrap().expose(), "token-2");
        }
        assert_eq!(cache.issuer().count(), 2);
        assert_eq!(cache.state().rejection_backoff, Duration::from_secs(1));
        // After it, one more token is tried; its refusal doubles the back-off.
        cache.state().rejected_until = Instant::now().checked_sub(Duration::from_millis(1));
        assert!(cache.invalidate(&second));
        let third = cache.get().await.unwrap();
        assert!(!cache.invalidate(&third));
        assert_eq!((cache.issuer().count(), cache.state().rejection_backoff), (3, Duration::from_secs(2)));
        // A token issued for its expiry ends the back-off.
        make_due(&cache, TimeDelta::minutes(10));
        let fourth = cache.get().await.unwrap();
        assert_eq!(cache.state().rejected_until, None);
        assert!(cache.invalidate(&fourth));
    }

    #[test]
    fn the_401_back_off_doubles_from_1_s_to_5_minutes() {
        let backoffs: Vec<u64> =
            std::iter::successors(Some(Duration::ZERO), |last| Some(next_rejection_backoff(*last)))
                .skip(1)
                .take(11)
                .map(|backoff| backoff.as_secs())
                .collect();
        assert_eq!(backoffs, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    }

    #[test]
    fn the_back_off_is_30_s_or_half_the_remaining_lifetime() {
        assert_eq!(retry_after_failure(TimeDelta::hours(1)), TimeDelta::seconds(30));
        assert_eq!(retry_after_failure(TimeDelta::seconds(20)), TimeDelta::seconds(10));
    }

    #[test]
    fn debug_shows_no_token() {
        let cache = CachedToken::new(Counting::new(TimeDelta::hours(1)));
        cache.state().current = Some(Cached::new(
            IssuedToken { token: Secret::new("sekrit-token"), expires_at: Utc::now() },
            DEFAULT_REFRESH_BEFORE,
            Utc::now(),
            false,
        ));
        let shown = format!("{cache:?}");
        assert!(!shown.contains("sekrit-token"), "{shown}");
    }
}
