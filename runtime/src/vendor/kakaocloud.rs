//! KakaoCloud tokens from IAM (Keystone v3 application credentials).

use std::fmt;

use serde::Deserialize;
use serde_json::json;

use crate::auth::cache::{CachedToken, IssueFuture, IssuedToken, TokenIssuer};
use crate::auth::identity::{self, IdentityEndpoint, Timeouts};
use crate::auth::secret::Secret;
use crate::Error;

/// The budget of KakaoCloud waits: every 10 s, backing off to 30 s, for up
/// to 60 minutes. KakaoCloud's tools publish no figure for an instance set;
/// this is twice the longest wait of the other clouds' compute tools.
pub const WAIT: crate::wait::WaitConfig =
    crate::wait::WaitConfig::polling(std::time::Duration::from_secs(10), std::time::Duration::from_secs(60 * 60));

/// The public KakaoCloud IAM service.
pub const KAKAOCLOUD_IAM_URL: &str = "https://iam.kakaocloud.com";

/// `X-Auth-Token` for KakaoCloud, issued from an application credential (access
/// key id and secret access key) and renewed before it expires.
///
/// Wrap it once with [`Auth::token`](crate::Auth::token): every client built from
/// that configuration, and every clone of them, then shares one token. The
/// identity call is bounded by the timeouts of the request that needs the
/// token ([`Config::with_timeout`](crate::Config::with_timeout),
/// [`with_connect_timeout`](crate::Config::with_connect_timeout)), by 30 s when
/// the token is asked for directly.
///
/// ```no_run
/// # fn f() -> Result<(), cloudsdk_runtime::Error> {
/// use cloudsdk_runtime::kakaocloud::KakaoCloudIam;
/// use cloudsdk_runtime::{Auth, Config};
///
/// let iam = KakaoCloudIam::from_env()?;
/// let config = Config::new("https://bcs.kr-central-2.kakaocloud.com", Auth::token(iam));
/// # Ok(()) }
/// ```
pub struct KakaoCloudIam {
    cache: CachedToken<KakaoIssuer>,
}

struct KakaoIssuer {
    endpoint: IdentityEndpoint,
    credential_id: String,
    secret: Secret,
}

impl KakaoCloudIam {
    /// A provider for the application credential `credential_id` and its `secret`.
    pub fn new(credential_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        let issuer = KakaoIssuer {
            endpoint: IdentityEndpoint::new(KAKAOCLOUD_IAM_URL),
            credential_id: credential_id.into(),
            secret: secret.into(),
        };
        KakaoCloudIam { cache: CachedToken::new(issuer) }
    }

    /// Reads `KAKAOCLOUD_APPLICATION_CREDENTIAL_ID` and `KAKAOCLOUD_APPLICATION_CREDENTIAL_SECRET`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(&identity::env_var)
    }

    fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        Ok(KakaoCloudIam::new(
            identity::required(lookup, "KAKAOCLOUD_APPLICATION_CREDENTIAL_ID")?,
            identity::required(lookup, "KAKAOCLOUD_APPLICATION_CREDENTIAL_SECRET")?,
        ))
    }
}

identity::identity_provider!(KakaoCloudIam, "IAM service");

impl TokenIssuer for KakaoIssuer {
    fn issue(&self) -> IssueFuture<'_> {
        self.issue_within(Timeouts::DEFAULT)
    }

    fn secrets(&self) -> Vec<Secret> {
        vec![self.secret.clone()]
    }
}

impl KakaoIssuer {
    /// Asks for a token, the identity call bounded by `timeouts`.
    fn issue_within(&self, timeouts: Timeouts) -> IssueFuture<'_> {
        Box::pin(async move {
            let body = json!({"auth": {"identity": {
                "methods": ["application_credential"],
                "application_credential": {"id": self.credential_id, "secret": self.secret.expose()},
            }}});
            let response = self.endpoint.post("/identity/v3/auth/tokens", &body, &self.secret, timeouts).await?;
            let token = response
                .headers
                .get("x-subject-token")
                .and_then(|value| value.to_str().ok())
                .ok_or_else(|| Error::Auth("IAM response has no X-Subject-Token header".into()))?;
            let answer: TokensResponse = identity::decode(&response.body)?;
            Ok(IssuedToken {
                token: identity::token(token)?,
                expires_at: identity::parse_expiry(&answer.token.expires_at)?,
            })
        })
    }
}

impl fmt::Debug for KakaoCloudIam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KakaoCloudIam").field("cache", &self.cache).finish()
    }
}

impl fmt::Debug for KakaoIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KakaoIssuer")
            .field("base_url", &self.endpoint.base_url)
            .field("credential_id", &self.credential_id)
            .field("secret", &self.secret)
            .finish()
    }
}

#[derive(Deserialize)]
struct TokensResponse {
    token: Token,
}

#[derive(Deserialize)]
struct Token {
    expires_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_env_names_the_missing_variable() {
        let err = KakaoCloudIam::from_lookup(&|_| None).unwrap_err();
        assert!(err.to_string().contains("KAKAOCLOUD_APPLICATION_CREDENTIAL_ID"), "{err}");
        let only_id = |name: &str| name.ends_with("_ID").then(|| "id".to_owned());
        let err = KakaoCloudIam::from_lookup(&only_id).unwrap_err();
        assert!(err.to_string().contains("KAKAOCLOUD_APPLICATION_CREDENTIAL_SECRET"), "{err}");
    }
}
