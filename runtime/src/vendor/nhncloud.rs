//! NHN Cloud tokens from the identity service (Keystone v2.0 style).

use std::fmt;
use std::sync::Mutex;

use serde::Deserialize;
use serde_json::json;

use crate::auth::cache::{CachedToken, IssueFuture, IssuedToken, TokenIssuer};
use crate::auth::identity::{self, IdentityEndpoint, Timeouts};
use crate::auth::secret::Secret;
use crate::Error;

/// The budget of NHN Cloud waits: every 5 s, backing off to 15 s, for up to
/// 30 minutes, the create and delete timeouts of the OpenStack Terraform
/// provider's `openstack_compute_instance_v2`
/// (terraform-provider-openstack, `resource_openstack_compute_instance_v2.go`).
pub const WAIT: crate::wait::WaitConfig =
    crate::wait::WaitConfig::polling(std::time::Duration::from_secs(5), std::time::Duration::from_secs(30 * 60));

/// The public NHN Cloud identity service.
pub const NHN_IDENTITY_URL: &str = "https://api-identity-infrastructure.nhncloudservice.com";

/// `X-Auth-Token` for NHN Cloud, issued from a tenant id, user name (the NHN
/// Cloud ID, an e-mail address) and API password, and renewed before it expires.
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
/// use cloudsdk_runtime::nhncloud::NhnIdentity;
/// use cloudsdk_runtime::{Auth, Config};
///
/// let identity = NhnIdentity::from_env()?;
/// let config = Config::new("https://kr1-api-instance-infrastructure.nhncloudservice.com", Auth::token(identity));
/// # Ok(()) }
/// ```
pub struct NhnIdentity {
    cache: CachedToken<NhnIssuer>,
}

struct NhnIssuer {
    endpoint: IdentityEndpoint,
    tenant_id: String,
    username: String,
    password: Secret,
    /// The service catalog of the last token, for [`NhnIdentity::endpoint`].
    catalog: Mutex<Vec<CatalogService>>,
}

impl NhnIdentity {
    /// A provider for `tenant_id` authenticating as `username` with its API password
    /// (set in the console under API security settings, distinct from the login password).
    pub fn new(tenant_id: impl Into<String>, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        let issuer = NhnIssuer {
            endpoint: IdentityEndpoint::new(NHN_IDENTITY_URL),
            tenant_id: tenant_id.into(),
            username: username.into(),
            password: password.into(),
            catalog: Mutex::new(Vec::new()),
        };
        NhnIdentity { cache: CachedToken::new(issuer) }
    }

    /// Reads `NHN_TENANT_ID`, `NHN_USERNAME` and `NHN_API_PASSWORD`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(&identity::env_var)
    }

    fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        Ok(NhnIdentity::new(
            identity::required(lookup, "NHN_TENANT_ID")?,
            identity::required(lookup, "NHN_USERNAME")?,
            identity::required(lookup, "NHN_API_PASSWORD")?,
        ))
    }

    /// The public URL of `service_type` (`compute`, `network`, `image`, …) in
    /// `region` (`KR1`, `JP1`, …, case-insensitive) from the service catalog that
    /// came with the last token; `None` before the first token was issued.
    pub fn endpoint(&self, service_type: &str, region: &str) -> Option<String> {
        let catalog = self.cache.issuer().catalog.lock().ok()?;
        catalog
            .iter()
            .filter(|service| service.kind == service_type)
            .flat_map(|service| &service.endpoints)
            .find(|endpoint| endpoint.region.eq_ignore_ascii_case(region))
            .map(|endpoint| endpoint.public_url.clone())
    }
}

identity::identity_provider!(NhnIdentity, "identity service");

impl TokenIssuer for NhnIssuer {
    fn issue(&self) -> IssueFuture<'_> {
        self.issue_within(Timeouts::DEFAULT)
    }

    fn secrets(&self) -> Vec<Secret> {
        vec![self.password.clone()]
    }
}

impl NhnIssuer {
    /// Asks for a token, the identity call bounded by `timeouts`.
    fn issue_within(&self, timeouts: Timeouts) -> IssueFuture<'_> {
        Box::pin(async move {
            let body = json!({"auth": {
                "tenantId": self.tenant_id,
                "passwordCredentials": {"username": self.username, "password": self.password.expose()},
            }});
            let response = self.endpoint.post("/v2.0/tokens", &body, &self.password, timeouts).await?;
            let answer: TokensResponse = identity::decode(&response.body)?;
            let issued = IssuedToken {
                token: identity::token(&answer.access.token.id)?,
                expires_at: identity::parse_expiry(&answer.access.token.expires)?,
            };
            if let Ok(mut catalog) = self.catalog.lock() {
                *catalog = answer.access.service_catalog;
            }
            Ok(issued)
        })
    }
}

impl fmt::Debug for NhnIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NhnIdentity").field("cache", &self.cache).finish()
    }
}

impl fmt::Debug for NhnIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NhnIssuer")
            .field("base_url", &self.endpoint.base_url)
            .field("tenant_id", &self.tenant_id)
            .field("username", &self.username)
            .field("password", &self.password)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokensResponse {
    access: Access,
}

#[derive(Deserialize)]
struct Access {
    token: Token,
    #[serde(default, rename = "serviceCatalog")]
    service_catalog: Vec<CatalogService>,
}

#[derive(Deserialize)]
struct Token {
    id: String,
    expires: String,
}

#[derive(Deserialize)]
struct CatalogService {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    endpoints: Vec<CatalogEndpoint>,
}

#[derive(Deserialize)]
struct CatalogEndpoint {
    #[serde(default)]
    region: String,
    #[serde(rename = "publicURL")]
    public_url: String,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn from_env_names_the_missing_variable() {
        let vars: HashMap<&str, &str> = [("NHN_TENANT_ID", "t"), ("NHN_USERNAME", "u")].into();
        let lookup = |name: &str| vars.get(name).map(|v| v.to_string());
        let err = NhnIdentity::from_lookup(&lookup).unwrap_err();
        assert!(err.to_string().contains("NHN_API_PASSWORD"), "{err}");
    }

    #[test]
    fn from_env_reads_all_three_variables() {
        let vars: HashMap<&str, &str> =
            [("NHN_TENANT_ID", "tenant"), ("NHN_USERNAME", "me@example.com"), ("NHN_API_PASSWORD", "pw-123")].into();
        let lookup = |name: &str| vars.get(name).map(|v| v.to_string());
        let identity = NhnIdentity::from_lookup(&lookup).unwrap();
        let shown = format!("{identity:?}");
        assert!(shown.contains("tenant") && shown.contains("me@example.com"), "{shown}");
        assert!(!shown.contains("pw-123"), "{shown}");
    }
}
