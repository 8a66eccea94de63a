//! KakaoCloud tokens from IAM (Keystone v3 application credentials), and the
//! variables KakaoCloud's tools read them from.

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
    region: Option<String>,
}

/// The application credential variables, first source first: ours (the names
/// the KakaoCloud Terraform provider reads today), the OpenStack ones, and
/// those of the provider's first releases.
const CREDENTIAL_VARS: [(&str, &str); 3] = [
    ("KAKAOCLOUD_APPLICATION_CREDENTIAL_ID", "KAKAOCLOUD_APPLICATION_CREDENTIAL_SECRET"),
    ("OS_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_SECRET"),
    ("APPLICATION_CREDENTIAL_ID", "APPLICATION_CREDENTIAL_SECRET"),
];

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
        KakaoCloudIam { cache: CachedToken::new(issuer), region: None }
    }

    /// The application credential (IAM access key id and secret) and region
    /// from the environment, the first pair that is set:
    ///
    /// 1. `KAKAOCLOUD_APPLICATION_CREDENTIAL_ID`, `KAKAOCLOUD_APPLICATION_CREDENTIAL_SECRET`:
    ///    ours, and the names the KakaoCloud Terraform provider reads
    ///    (kakaoenterprise/terraform-provider-kakaocloud,
    ///    `internal/common/client.go`, `completeConfig`);
    /// 2. `OS_APPLICATION_CREDENTIAL_ID`, `OS_APPLICATION_CREDENTIAL_SECRET`:
    ///    the OpenStack client's, which KakaoCloud's `kic-iam-auth` kubeconfig
    ///    set-up uses with `OS_AUTH_URL=https://iam.kakaocloud.com/identity/v3`
    ///    and `OS_REGION_NAME`; with this pair a set `OS_AUTH_URL` must end in
    ///    `/identity/v3` (KakaoCloud IAM's path) and becomes the IAM service,
    ///    so most other clouds' OpenStack variables are refused, not sent
    ///    there (the host is not checked);
    /// 3. `APPLICATION_CREDENTIAL_ID`, `APPLICATION_CREDENTIAL_SECRET`: the
    ///    names of the Terraform provider's first releases (same file, before
    ///    it took the `KAKAOCLOUD_` prefix).
    ///
    /// A pair with one half set is an error naming the other. The region is
    /// `KAKAOCLOUD_REGION`, else `OS_REGION_NAME`; the Terraform provider has
    /// no variable for it (its `region` attribute defaults to `kr-central-2`).
    /// Fails with [`Error::Auth`] listing every variable looked at, never a value.
    pub fn from_env() -> Result<Self, Error> {
        Self::load_from(identity::env_var)
    }

    /// [`from_env`](Self::from_env) with the variables read through `env`.
    pub fn load_from(env: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let env = |name: &str| env(name).filter(|value| !value.is_empty());
        let mut found = None;
        for (index, (id_var, secret_var)) in CREDENTIAL_VARS.iter().enumerate() {
            match (env(id_var), env(secret_var)) {
                (Some(id), Some(secret)) => {
                    found = Some((index, id, secret));
                    break;
                }
                (None, None) => {}
                (Some(_), None) => return Err(Error::Auth(format!("environment variable {secret_var} is not set"))),
                (None, Some(_)) => return Err(Error::Auth(format!("environment variable {id_var} is not set"))),
            }
        }
        let Some((index, id, secret)) = found else {
            let names: Vec<String> = CREDENTIAL_VARS.iter().map(|(id, secret)| format!("{id} and {secret}")).collect();
            return Err(Error::Auth(format!(
                "no KakaoCloud application credential found; looked for the environment variables {}",
                names.join(", ")
            )));
        };
        let mut iam = KakaoCloudIam::new(id, secret);
        if index == 1 {
            if let Some(url) = env("OS_AUTH_URL") {
                let trimmed = url.trim_end_matches('/');
                let base = trimmed.strip_suffix("/identity/v3").ok_or_else(|| {
                    Error::Auth(format!(
                        "OS_AUTH_URL {trimmed} is not a KakaoCloud IAM URL (…/identity/v3, such as \
                         {KAKAOCLOUD_IAM_URL}/identity/v3): the OS_APPLICATION_CREDENTIAL_* variables may be \
                         another cloud's; set KAKAOCLOUD_APPLICATION_CREDENTIAL_ID and _SECRET instead"
                    ))
                })?;
                iam = iam.with_base_url(base);
            }
        }
        iam.region = env("KAKAOCLOUD_REGION").or_else(|| env("OS_REGION_NAME"));
        Ok(iam)
    }

    #[cfg(test)]
    fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        Self::load_from(lookup)
    }

    /// This region (`kr-central-2`, …) in place of the one found.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The region found or set, if any: fill in a generated client's URL
    /// template with it (its `Region` parses it with `FromStr`).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
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
        f.debug_struct("KakaoCloudIam").field("cache", &self.cache).field("region", &self.region).finish()
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
