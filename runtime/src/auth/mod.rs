//! How requests are authenticated: SCP request signing or an X-Auth-Token.
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

pub use scp::{sign as scp_signature, ScpCredentials};
pub use cache::{CachedToken, IssueFuture, IssuedToken, TokenIssuer, DEFAULT_REFRESH_BEFORE};
pub use kakao::{KakaoCloudIam, KAKAOCLOUD_IAM_URL};
pub use nhn::{NhnIdentity, NHN_IDENTITY_URL};
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
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Auth {
    /// Send requests unauthenticated (mock servers, tests).
    None,
    /// SCP: sign each request with an access key and secret key.
    Scp(ScpCredentials),
    /// KakaoCloud, NHN Cloud: send `X-Auth-Token` from a provider.
    Token(Arc<dyn TokenProvider>),
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
}

impl From<ScpCredentials> for Auth {
    fn from(credentials: ScpCredentials) -> Self {
        Auth::Scp(credentials)
    }
}
