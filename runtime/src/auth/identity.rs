//! What the NHN Cloud and KakaoCloud token issuers share: posting credentials to
//! an identity service and turning its answer into a token or a safe error.

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use serde::de::DeserializeOwned;

use super::secret::Secret;
use crate::Error;

/// Identity answers carry a service catalog at most; anything larger is refused.
const MAX_IDENTITY_RESPONSE: usize = 4 * 1024 * 1024;

/// Bound of one identity call, so that a hanging identity service cannot hold
/// every request queued behind the refresh forever.
const IDENTITY_TIMEOUT: Duration = Duration::from_secs(30);

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

    /// Posts `body` to `path`; a non-2xx status becomes [`Error::Auth`] whose
    /// message never contains `secret`.
    pub(crate) async fn post(
        &self,
        path: &str,
        body: &serde_json::Value,
        secret: &Secret,
    ) -> Result<IdentityResponse, Error> {
        let url = format!("{}{path}", self.base_url);
        let http = match &self.http {
            Some(http) => http.clone(),
            // Tokens are issued a few times a day: a client per call costs nothing
            // noticeable and keeps the constructors infallible.
            // Redirects are not followed: a 307/308 would re-send the credentials
            // in the body to the host `Location` names.
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(Error::Transport)?,
        };
        let response = http.post(&url).timeout(IDENTITY_TIMEOUT).json(body).send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = crate::body::read_limited(response, MAX_IDENTITY_RESPONSE).await?;
        if !status.is_success() {
            let excerpt = excerpt(&body, secret);
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

/// The start of an error body for a message, with `secret` redacted. Redaction
/// comes first: cut first, a secret straddling the cut would leak its prefix.
fn excerpt(body: &[u8], secret: &Secret) -> String {
    let redacted = redact(&String::from_utf8_lossy(body), secret);
    match redacted.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => redacted[..cut].to_owned(),
        None => redacted,
    }
}

/// A service echoing credentials in an error must not put them in our error,
/// in any form it may echo them: as sent; inside a JSON string as serde writes
/// it (`pa\"ss` for `pa"ss`) or as ASCII-only encoders do (`\u00e9`, either
/// case, with `\/`); percent-encoded, as in a query string or form
/// (`%C3%A9`, `+` or `%20` for a space).
fn redact(text: &str, secret: &Secret) -> String {
    let raw = secret.expose();
    if raw.is_empty() {
        return text.to_owned();
    }
    let mut forms = echoed_forms(raw);
    // Longest first: an encoded form may contain the raw one.
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms.into_iter().fold(text.to_owned(), |text, form| text.replace(&form, "<redacted>"))
}

/// The spellings of `raw` a service may echo back.
fn echoed_forms(raw: &str) -> Vec<String> {
    let quoted = serde_json::to_string(raw).unwrap_or_default();
    let json = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default().to_owned();
    // ASCII-only encoders write `\u00e4` or `\u00E4` (UTF-16 units, surrogate pairs beyond it).
    let ascii_json = |upper: bool| -> String {
        let unit = |u: &u16| if upper { format!("\\u{u:04X}") } else { format!("\\u{u:04x}") };
        json.chars()
            .map(|c| if c.is_ascii() { c.to_string() } else { c.encode_utf16(&mut [0; 2]).iter().map(unit).collect() })
            .collect()
    };
    let percent = percent_encoding::utf8_percent_encode(raw, percent_encoding::NON_ALPHANUMERIC).to_string();
    let mut forms = vec![raw.to_owned(), percent.clone(), percent.replace("%20", "+"), percent.to_lowercase()];
    for json_form in [ascii_json(false), ascii_json(true), json] {
        forms.push(json_form.replace('/', "\\/"));
        forms.push(json_form);
    }
    forms.retain(|form| !form.is_empty());
    forms.sort();
    forms.dedup();
    forms
}

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
/// provider shares (a `cache: CachedToken<Issuer>` whose issuer has an `endpoint`);
/// `$service` names the API in the docs.
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
            /// carry the credentials to another host.
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

            fn invalidate(&self, rejected: &$crate::auth::secret::Secret) -> bool {
                self.cache.invalidate(rejected)
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
    fn echoed_secrets_are_redacted() {
        let secret = Secret::new("hunter2");
        assert_eq!(redact("bad password hunter2", &secret), "bad password <redacted>");
        assert_eq!(redact("x", &Secret::new("")), "x");
    }

    #[test]
    fn json_escaped_echoes_of_a_secret_are_redacted() {
        let password = r#"pa"ss\word"#;
        let secret = Secret::new(password);
        let echoed = serde_json::json!({"password": password}).to_string();
        assert!(echoed.contains(r#"pa\"ss\\word"#), "{echoed}");
        let shown = excerpt(format!("rejected: {echoed} raw: {password}").as_bytes(), &secret);
        assert_eq!(shown, r#"rejected: {"password":"<redacted>"} raw: <redacted>"#);
    }

    #[test]
    fn every_encoding_a_service_may_echo_is_redacted() {
        let password = "pässwörd \"/\\ 🔑";
        let secret = Secret::new(password);
        let ascii_json = r#"p\u00e4ssw\u00f6rd \"\/\\ \ud83d\udd11"#;
        let echoes = [
            password.to_owned(),
            serde_json::json!({ "pw": password }).to_string(),
            ascii_json.to_owned(),
            ascii_json
                .replace("\\u00e4", "\\u00E4")
                .replace("\\u00f6", "\\u00F6")
                .replace("\\ud83d\\udd11", "\\uD83D\\uDD11"),
            percent_encoding::utf8_percent_encode(password, percent_encoding::NON_ALPHANUMERIC).to_string(),
            percent_encoding::utf8_percent_encode(password, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%20", "+"),
        ];
        for echo in echoes {
            let shown = redact(&format!("rejected: {echo}"), &secret);
            assert!(!shown.contains("ssw"), "{echo} became {shown}");
            assert!(shown.contains("<redacted>"), "{echo} became {shown}");
        }
    }

    #[test]
    fn a_secret_straddling_the_excerpt_boundary_is_redacted() {
        let secret = Secret::new("straddling-secret-0123456789");
        for before in [EXCERPT_CHARS - 20, EXCERPT_CHARS - 1, EXCERPT_CHARS - 3] {
            let body = format!("{}{} trailing text", "x".repeat(before), secret.expose());
            let shown = excerpt(body.as_bytes(), &secret);
            assert!(!shown.contains("straddling"), "a prefix of the secret leaked at {before}: {shown}");
            assert!(shown.chars().count() <= EXCERPT_CHARS, "{}", shown.len());
        }
        // A short body is kept whole; a long one is cut at a character boundary.
        assert_eq!(excerpt(b"short", &secret), "short");
        assert_eq!(excerpt("\u{e9}".repeat(400).as_bytes(), &secret).chars().count(), EXCERPT_CHARS);
    }

    #[test]
    fn decode_errors_do_not_quote_the_body() {
        let err = decode::<std::collections::HashMap<String, u32>>(br#"{"id": "token-value"}"#).unwrap_err();
        assert!(!err.to_string().contains("token-value"), "{err}");
    }
}
