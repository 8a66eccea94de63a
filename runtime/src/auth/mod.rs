//! How requests are authenticated: SCP request signing, an X-Auth-Token, a
//! bearer token or an API key header.
//!
//! SCP credentials come from code, the environment or the SCP tools' credentials
//! file ([`ScpCredentials::from_default_chain`]). Tokens come from a
//! [`TokenProvider`]: a [`StaticToken`], or [`NhnIdentity`] and [`KakaoCloudIam`],
//! which obtain them from the vendor's identity service through a shared
//! [`CachedToken`] that renews them before they expire.

mod cache;
mod identity;
mod kakao;
mod nhn;
pub(crate) mod scp;
mod token;

use std::fmt;
use std::sync::Arc;

use http::HeaderName;

use crate::Error;

pub use cache::{CachedToken, IssueFuture, IssuedToken, TokenIssuer, DEFAULT_REFRESH_BEFORE};
pub use kakao::{KakaoCloudIam, KAKAOCLOUD_IAM_URL};
pub use nhn::{NhnIdentity, NHN_IDENTITY_URL};
pub use scp::{sign as scp_signature, ScpCredentials};
pub use token::{StaticToken, TokenFuture, TokenProvider};

/// A secret string (secret key, password, token) that never shows in `Debug` or
/// `Display` output, so it cannot leak through logs or error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; call only where it is sent or used for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// The authentication a client applies to every request.
///
/// Credential headers are marked sensitive, and `Debug` never shows a secret,
/// token or key.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Auth {
    /// Send requests unauthenticated (mock servers, tests).
    None,
    /// SCP: sign each request with an access key and secret key.
    Scp(ScpCredentials),
    /// KakaoCloud, NHN Cloud: send `X-Auth-Token` from a provider.
    ///
    /// On a 401 the provider is asked to [invalidate](TokenProvider::invalidate)
    /// the token and, if it can issue another, the request is sent once more.
    Token(Arc<dyn TokenProvider>),
    /// Send `Authorization: Bearer <token>` from a provider, with the same
    /// re-issue after a 401 as [`Auth::Token`].
    Bearer(Arc<dyn TokenProvider>),
    /// Send a fixed API key in the header `header`.
    ApiKey {
        /// The header carrying the key, e.g. `x-api-key`.
        header: HeaderName,
        /// The key.
        key: Secret,
    },
}

impl Auth {
    /// An X-Auth-Token from any provider.
    pub fn token(provider: impl TokenProvider + 'static) -> Self {
        Auth::Token(Arc::new(provider))
    }

    /// A fixed X-Auth-Token.
    pub fn static_token(token: impl Into<Secret>) -> Self {
        Auth::token(StaticToken::new(token))
    }

    /// An `Authorization: Bearer` token from any provider.
    pub fn bearer(provider: impl TokenProvider + 'static) -> Self {
        Auth::Bearer(Arc::new(provider))
    }

    /// A fixed `Authorization: Bearer` token.
    pub fn static_bearer(token: impl Into<Secret>) -> Self {
        Auth::bearer(StaticToken::new(token))
    }

    /// An API key sent in the header `header_name` (case-insensitive, e.g.
    /// `X-Api-Key`).
    ///
    /// Fails with [`Error::InvalidRequest`] when `header_name` is not a valid
    /// header name or the key cannot be a header value (a line break, a control
    /// character); the message never contains the key.
    pub fn api_key(header_name: &str, key: impl Into<Secret>) -> Result<Auth, Error> {
        let header = HeaderName::from_bytes(header_name.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("`{header_name}` is not a valid header name")))?;
        let key = key.into();
        crate::encode::validate_header_value(header.as_str(), key.expose())
            .map_err(|_| Error::InvalidRequest(format!("the API key is not a valid value for header `{header}`")))?;
        Ok(Auth::ApiKey { header, key })
    }
}

impl From<ScpCredentials> for Auth {
    fn from(credentials: ScpCredentials) -> Self {
        Auth::Scp(credentials)
    }
}
