//! What the NHN Cloud and KakaoCloud token issuers share: posting credentials to
//! an identity service and turning its answer into a token or a safe error.

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use serde::de::DeserializeOwned;

use super::secret::{Redactor, Secret};
use super::signer::Outgoing;
use crate::Error;

/// Identity answers carry a service catalog at most; anything larger is refused.
const MAX_IDENTITY_RESPONSE: usize = 4 * 1024 * 1024;

/// The bounds of one identity call, so that a hanging identity service cannot
/// hold every request queued behind the refresh forever.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timeouts {
    /// From sending to the end of the body.
    request: Duration,
    /// Establishing the connection (not applied to a caller-built HTTP client).
    connect: Duration,
}

impl Timeouts {
    /// For a token asked for outside a client's request (through
    /// [`TokenIssuer::issue`](super::cache::TokenIssuer::issue)).
    pub(crate) const DEFAULT: Timeouts =
        Timeouts { request: Duration::from_secs(30), connect: Duration::from_secs(10) };

    /// Those of the request that needs the token: the client's configuration.
    pub(crate) fn of(request: &Outgoing<'_>) -> Self {
        Timeouts { request: request.timeout, connect: request.connect_timeout }
    }
}

/// Where tokens are requested, and with which HTTP client.
#[derive(Clone, Debug)]
pub(crate) struct IdentityEndpoint {
    pub(crate) base_url: String,
    pub(crate) http: Option<reqwest::Client>,
}

/// A 2xx identity answer.
pub(crate) struct IdentityResponse {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl IdentityEndpoint {
    pub(crate) fn new(base_url: &str) -> Self {
        IdentityEndpoint { base_url: base_url.trim_end_matches('/').to_owned(), http: None }
    }

    pub(crate) fn set_base_url(&mut self, base_url: String) {
        self.base_url = base_url.trim_end_matches('/').to_owned();
    }

    /// Posts `body` to `path` within `timeouts`; a non-2xx status becomes
    /// [`Error::Auth`] whose message never contains `secret`.
    pub(crate) async fn post(
        &self,
        path: &str,
        body: &serde_json::Value,
        secret: &Secret,
        timeouts: Timeouts,
    ) -> Result<IdentityResponse, Error> {
        let url = format!("{}{path}", self.base_url);
        let http = match &self.http {
            Some(http) => http.clone(),
            // Tokens are issued a few times a day: a client per call costs nothing
            // noticeable and keeps the constructors infallible.
            // Redirects are not followed: a 307/308 would re-send the credentials
            // in the body to the host `Location` names.
            None => crate::transport::http_client_builder()
                .connect_timeout(timeouts.connect)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(Error::Transport)?,
        };
        let response = http.post(&url).timeout(timeouts.request).json(body).send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = crate::body::read_limited(response, MAX_IDENTITY_RESPONSE).await?;
        if !status.is_success() {
            let excerpt = Redactor::new([secret]).excerpt(&body, EXCERPT_CHARS);
            return Err(Error::Auth(format!("identity service {url} answered {status}: {excerpt}")));
        }
        Ok(IdentityResponse { headers, body })
    }
}

/// Decodes an identity answer. Only the position of a mismatch is reported:
/// serde's messages may quote values, and this body holds a token.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| {
        Error::Auth(format!("unexpected identity service response (line {}, column {})", e.line(), e.column()))
    })
}

/// Parses an RFC 3339 expiry such as `2026-11-24T02:00:00Z`.
pub(crate) fn parse_expiry(value: &str) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(value)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| Error::Auth(format!("identity service returned an invalid expiry time {value:?}")))
}

/// An issued token, refused when empty.
pub(crate) fn token(value: &str) -> Result<Secret, Error> {
    if value.is_empty() {
        return Err(Error::Auth("identity service returned an empty token".into()));
    }
    Ok(Secret::new(value))
}

/// Longest excerpt of an identity error body put in an error message.
const EXCERPT_CHARS: usize = 300;

/// Reads a required variable through `lookup` (the process environment, or a map
/// in tests).
pub(crate) fn required(lookup: &dyn Fn(&str) -> Option<String>, name: &str) -> Result<String, Error> {
    lookup(name).ok_or_else(|| Error::Auth(format!("environment variable {name} is not set")))
}

/// A non-empty environment variable.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The configuration setters and the `TokenProvider` impl that every identity-API
/// provider shares (a `cache: CachedToken<Issuer>` whose issuer has an `endpoint`
/// and an `issue_within(Timeouts)`); `$service` names the API in the docs.
macro_rules! identity_provider {
    ($provider:ident, $service:literal) => {
        impl $provider {
            #[doc = concat!("Another ", $service, " (a mock, a private deployment); scheme and host.")]
            pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
                self.cache.issuer_mut().endpoint.set_base_url(base_url.into());
                self
            }

            #[doc = concat!("A caller-built HTTP client for the ", $service, " calls (proxies, custom roots).")]
            ///
            /// Its redirect policy applies: build it with
            /// `.redirect(reqwest::redirect::Policy::none())`, or a redirect may
            /// carry the credentials to another host. The connect timeout of
            /// the requests' `Config` does not apply to it, their timeout does.
            pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
                self.cache.issuer_mut().endpoint.http = Some(http);
                self
            }

            /// How long before its expiry the token is replaced (5 minutes by default).
            pub fn with_refresh_before(mut self, margin: std::time::Duration) -> Self {
                self.cache = self.cache.with_refresh_before(margin);
                self
            }
        }

        impl $crate::auth::token::TokenProvider for $provider {
            fn token(&self) -> $crate::auth::token::TokenFuture<'_> {
                self.cache.token()
            }

            fn token_for(&self, request: &$crate::auth::signer::Outgoing<'_>) -> $crate::auth::token::TokenFuture<'_> {
                let timeouts = $crate::auth::identity::Timeouts::of(request);
                Box::pin(self.cache.get_with(move |issuer| issuer.issue_within(timeouts)))
            }

            fn invalidate(&self, rejected: &$crate::auth::secret::Secret) -> bool {
                self.cache.invalidate(rejected)
            }

            fn secrets(&self) -> Vec<$crate::auth::secret::Secret> {
                self.cache.secrets()
            }
        }
    };
}

pub(crate) use identity_provider;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_with_and_without_fractions_parse() {
        let at = parse_expiry("2026-11-24T02:00:00Z").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-24T02:00:00+00:00");
        let at = parse_expiry("2026-11-24T11:00:00.123456+09:00").unwrap();
        assert_eq!(at.timestamp(), parse_expiry("2026-11-24T02:00:00Z").unwrap().timestamp());
        assert!(matches!(parse_expiry("tomorrow"), Err(Error::Auth(_))));
    }

    #[test]
    fn decode_errors_do_not_quote_the_body() {
        let err = decode::<std::collections::HashMap<String, u32>>(br#"{"id": "token-value"}"#).unwrap_err();
        assert!(!err.to_string().contains("token-value"), "{err}");
    }
}
