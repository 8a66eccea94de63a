//! NHN Cloud tokens from the identity service (Keystone v2.0 style), the
//! OpenStack variables and `clouds.yaml` that NHN Cloud's OpenStack-compatible
//! API users already have, and endpoints from the token's service catalog.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
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
    region: Option<String>,
}

/// Where a service of NHN Cloud is reached, from the token's service
/// catalog: see [`NhnIdentity::compute_endpoint`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceEndpoint {
    /// Scheme and host (and any path prefix) without the catalog's trailing
    /// `/{version}/{tenant id}`: the base URL of a generated client, whose
    /// paths start with `/v2/{tenantId}`.
    pub base_url: String,
    /// The catalog's URL as it is, version and tenant id included.
    pub catalog_url: String,
    /// The tenant id the token was issued for: pass it to the generated
    /// client (`Client::new(config, tenant_id)`), so it is given once.
    pub tenant_id: String,
    /// The region of the entry, as the catalog spells it (`KR1`).
    pub region: String,
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
        NhnIdentity { cache: CachedToken::new(issuer), region: None }
    }

    /// Credentials, identity service and region from the environment and
    /// `clouds.yaml`, the first source that has them:
    ///
    /// 1. our variables: `NHN_TENANT_ID`, `NHN_USERNAME`, `NHN_API_PASSWORD`
    ///    (and `NHN_IDENTITY_URL`);
    /// 2. the OpenStack variables: `OS_TENANT_ID` (or `OS_PROJECT_ID`),
    ///    `OS_USERNAME`, `OS_PASSWORD` (and `OS_AUTH_URL`);
    /// 3. the cloud of `clouds.yaml` that `OS_CLOUD` names, or its only cloud
    ///    when `OS_CLOUD` is unset: `auth.project_id` (or `auth.tenant_id`),
    ///    `auth.username`, `auth.password` (and `auth.auth_url`), in the first
    ///    file of [`clouds_yaml_files`] that exists.
    ///
    /// The tenant, user, password and identity URL come from one source
    /// together, as openstacksdk never mixes its environment cloud with a
    /// file's (`openstack/config/loader.py`, `OpenStackConfig.__init__`): a
    /// source with some but not all three is an error naming what is
    /// missing, and OpenStack variables meant for another cloud cannot send
    /// the NHN password to its identity service. An identity URL ending in
    /// `/v2.0` (as NHN's docs write `OS_AUTH_URL`) has it removed; without one
    /// the public [`NHN_IDENTITY_URL`] is used.
    ///
    /// The region is `NHN_REGION`, else `OS_REGION_NAME`, else the chosen
    /// cloud's `region_name`. Fails with [`Error::Auth`] listing every
    /// variable and file looked at when no source has credentials, never a value.
    pub fn from_env() -> Result<Self, Error> {
        let home = identity::env_var("HOME").or_else(|| identity::env_var("USERPROFILE")).map(PathBuf::from);
        let files = clouds_yaml_files(identity::env_var, home, std::env::current_dir().ok());
        Self::load_from(identity::env_var, &files)
    }

    /// [`from_env`](Self::from_env) with the variables read through `env` and
    /// `clouds.yaml` looked for at `clouds_yaml_files` (the first that exists
    /// is read): for tests, or an environment of your own.
    pub fn load_from(env: impl Fn(&str) -> Option<String>, clouds_yaml_files: &[PathBuf]) -> Result<Self, Error> {
        let env = |name: &str| env(name).filter(|value| !value.is_empty());
        let ours = [env("NHN_TENANT_ID"), env("NHN_USERNAME"), env("NHN_API_PASSWORD")];
        let openstack = [env("OS_TENANT_ID").or_else(|| env("OS_PROJECT_ID")), env("OS_USERNAME"), env("OS_PASSWORD")];
        let (found, cloud_region) = if ours.iter().any(Option::is_some) {
            (complete(ours, ["NHN_TENANT_ID", "NHN_USERNAME", "NHN_API_PASSWORD"], env("NHN_IDENTITY_URL"))?, None)
        } else if openstack.iter().any(Option::is_some) {
            (
                complete(
                    openstack,
                    ["OS_TENANT_ID (or OS_PROJECT_ID)", "OS_USERNAME", "OS_PASSWORD"],
                    env("OS_AUTH_URL"),
                )?,
                None,
            )
        } else {
            match clouds_yaml_cloud(env("OS_CLOUD").as_deref(), clouds_yaml_files)? {
                Some((path, name, cloud)) => {
                    let auth = cloud.auth;
                    let what = |key: &str| format!("`clouds.{name}.{key}` of {}", path.display());
                    let values = [auth.project_id.or(auth.tenant_id), auth.username, auth.password];
                    let names =
                        [what("auth.project_id` (or `auth.tenant_id"), what("auth.username"), what("auth.password")];
                    let names = names.each_ref().map(String::as_str);
                    (complete(values, names, auth.auth_url)?, cloud.region_name.and_then(region_name))
                }
                None => {
                    let mut looked = vec![
                        "NHN_TENANT_ID, NHN_USERNAME and NHN_API_PASSWORD".to_owned(),
                        "OS_TENANT_ID (or OS_PROJECT_ID), OS_USERNAME and OS_PASSWORD".to_owned(),
                    ];
                    looked.extend(clouds_yaml_files.iter().map(|path| path.display().to_string()));
                    return Err(Error::Auth(format!(
                        "no NHN Cloud credentials found; looked for {}",
                        looked.join(", ")
                    )));
                }
            }
        };
        let (tenant_id, username, password, identity_url) = found;
        let mut identity = NhnIdentity::new(tenant_id, username, password);
        if let Some(url) = identity_url {
            let url = url.trim_end_matches('/');
            identity = identity.with_base_url(url.strip_suffix("/v2.0").unwrap_or(url));
        }
        identity.region = env("NHN_REGION").or_else(|| env("OS_REGION_NAME")).or(cloud_region);
        Ok(identity)
    }

    #[cfg(test)]
    fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        Self::load_from(lookup, &[])
    }

    /// This region (`KR1`, `JP1`, …; case-insensitive) in place of the one found.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The region found or set, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The tenant id tokens are issued for.
    pub fn tenant_id(&self) -> &str {
        &self.cache.issuer().tenant_id
    }

    /// The compute endpoint (`compute` in the service catalog) of the
    /// [region](Self::region), issuing a token first if there is none yet
    /// (the token is kept: wrap this identity in `Auth::token` afterwards and
    /// the first request reuses it). Its `base_url` has no `/v2/{tenantId}`,
    /// and its `tenant_id` is this identity's:
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), cloudsdk_runtime::Error> {
    /// use cloudsdk_runtime::nhncloud::NhnIdentity;
    /// use cloudsdk_runtime::{Auth, Config};
    ///
    /// let identity = NhnIdentity::from_env()?;
    /// let compute = identity.compute_endpoint().await?;
    /// let config = Config::new(compute.base_url, Auth::token(identity));
    /// // nhncloud_compute::Client::new(config, compute.tenant_id)
    /// # Ok(()) }
    /// ```
    pub async fn compute_endpoint(&self) -> Result<ServiceEndpoint, Error> {
        self.service_endpoint("compute").await
    }

    /// The endpoint of `service_type` (`compute`, `network`, `image`, …) in the
    /// [region](Self::region), from the service catalog of the current token,
    /// issued first if needed. Fails with [`Error::InvalidRequest`] naming the
    /// service type and the regions the catalog has when no region is set or
    /// the catalog has none of that type in it.
    pub async fn service_endpoint(&self, service_type: &str) -> Result<ServiceEndpoint, Error> {
        use crate::auth::token::TokenProvider as _;
        self.token().await?;
        let tenant_id = self.tenant_id().to_owned();
        let catalog = self
            .cache
            .issuer()
            .catalog
            .lock()
            .map_err(|_| Error::Auth("the NHN service catalog is unavailable".into()))?;
        let entries: Vec<&CatalogEndpoint> = catalog
            .iter()
            .filter(|service| service.kind == service_type)
            .flat_map(|service| &service.endpoints)
            .collect();
        let regions = entries.iter().map(|endpoint| endpoint.region.as_str()).collect::<Vec<_>>().join(", ");
        let Some(region) = self.region.as_deref() else {
            return Err(Error::InvalidRequest(format!(
                "no NHN Cloud region set for the {service_type} endpoint: set NHN_REGION, OS_REGION_NAME or \
                 `region_name` in clouds.yaml (the service catalog has: {regions})"
            )));
        };
        let endpoint =
            entries.iter().find(|endpoint| endpoint.region.eq_ignore_ascii_case(region)).ok_or_else(|| {
                Error::InvalidRequest(format!(
                "the NHN Cloud service catalog has no {service_type} endpoint in region {region} (it has: {regions})"
            ))
            })?;
        Ok(ServiceEndpoint {
            base_url: strip_version_and_tenant(&endpoint.public_url, &tenant_id),
            catalog_url: endpoint.public_url.clone(),
            tenant_id,
            region: endpoint.region.clone(),
        })
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
        f.debug_struct("NhnIdentity").field("cache", &self.cache).field("region", &self.region).finish()
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

/// Tenant, user, password and identity URL of one source, or an error naming
/// what it lacks.
type Found = (String, String, Secret, Option<String>);

fn complete(values: [Option<String>; 3], names: [&str; 3], identity_url: Option<String>) -> Result<Found, Error> {
    let values = values.map(|value| value.filter(|value| !value.is_empty()));
    let identity_url = identity_url.filter(|url| !url.is_empty());
    let missing: Vec<&str> =
        values.iter().zip(names).filter(|(value, _)| value.is_none()).map(|(_, name)| name).collect();
    match values {
        [Some(tenant), Some(user), Some(password)] => Ok((tenant, user, Secret::new(password), identity_url)),
        _ => Err(Error::Auth(format!("incomplete NHN Cloud credentials: {} not set", missing.join(", ")))),
    }
}

/// Where `clouds.yaml` is looked for, in openstacksdk's order
/// (`openstack/config/loader.py`: `OS_CLIENT_CONFIG_FILE` first, then
/// `clouds.yaml`, `clouds.yml` and `clouds.json` in the current directory,
/// the user's configuration directory — `$XDG_CONFIG_HOME/openstack` when set
/// — `~/.config/openstack`, and `/etc/openstack`). `env` reads variables,
/// `home` and `current_dir` are the directories to use (pass a temporary
/// directory in tests). The macOS and XDG system directories openstacksdk
/// also searches through `platformdirs` are not.
pub fn clouds_yaml_files(
    env: impl Fn(&str) -> Option<String>,
    home: Option<PathBuf>,
    current_dir: Option<PathBuf>,
) -> Vec<PathBuf> {
    let env = |name: &str| env(name).filter(|value| !value.is_empty());
    let mut dirs = Vec::new();
    dirs.extend(current_dir);
    if let Some(config_home) = env("XDG_CONFIG_HOME") {
        dirs.push(Path::new(&config_home).join("openstack"));
    }
    if let Some(home) = &home {
        dirs.push(home.join(".config").join("openstack"));
    }
    dirs.push(PathBuf::from("/etc/openstack"));
    dirs.dedup();
    let mut files: Vec<PathBuf> = env("OS_CLIENT_CONFIG_FILE").map(PathBuf::from).into_iter().collect();
    for dir in dirs {
        files.extend(["clouds.yaml", "clouds.yml", "clouds.json"].map(|name| dir.join(name)));
    }
    files
}

/// The cloud `OS_CLOUD` names, or the only one, of the first existing file.
fn clouds_yaml_cloud(name: Option<&str>, files: &[PathBuf]) -> Result<Option<(PathBuf, String, CloudEntry)>, Error> {
    let Some(path) = files.iter().find(|path| path.is_file()) else {
        return Ok(None);
    };
    let text = std::fs::read(path).map_err(|e| Error::Auth(format!("cannot read {}: {e}", path.display())))?;
    // Located by position only: the parser's message could quote a password.
    let file: CloudsFile = serde_yaml::from_slice(&text).map_err(|e| {
        let at = e.location().map(|at| format!(" (line {}, column {})", at.line(), at.column())).unwrap_or_default();
        Error::Auth(format!("{} is not a valid clouds.yaml{at}", path.display()))
    })?;
    let mut clouds = file.clouds;
    let names = clouds.keys().cloned().collect::<Vec<_>>().join(", ");
    let chosen = match name {
        Some(name) => clouds.remove_entry(name).ok_or_else(|| {
            Error::Auth(format!("OS_CLOUD names {name}, which {} does not define (it has: {names})", path.display()))
        })?,
        // openstacksdk: "If there is only one cloud just use it."
        None if clouds.len() == 1 => clouds.pop_first().expect("one cloud"),
        None if clouds.is_empty() => return Ok(None),
        None => {
            return Err(Error::Auth(format!(
                "{} defines several clouds ({names}): set OS_CLOUD to choose one",
                path.display()
            )))
        }
    };
    Ok(Some((path.clone(), chosen.0, chosen.1)))
}

/// A `region_name` that is one region: a string, or a list of one.
fn region_name(value: serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::String(region) => Some(region).filter(|region| !region.is_empty()),
        serde_yaml::Value::Sequence(mut regions) if regions.len() == 1 => region_name(regions.remove(0)),
        _ => None,
    }
}

/// A catalog URL without its trailing tenant id and version segment
/// (`https://kr1-api-instance-infrastructure.nhncloudservice.com/v2/{tenant}`
/// becomes the host alone).
fn strip_version_and_tenant(url: &str, tenant_id: &str) -> String {
    let mut base = url.trim_end_matches('/');
    if let Some(rest) = base.strip_suffix(tenant_id).and_then(|rest| rest.strip_suffix('/')) {
        base = rest;
    }
    if let Some((rest, last)) = base.rsplit_once('/') {
        let is_version = last.len() > 1
            && last.starts_with('v')
            && last[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
            && rest.contains("://");
        if is_version {
            base = rest;
        }
    }
    base.to_owned()
}

/// The parts of `clouds.yaml` used here.
#[derive(Deserialize)]
struct CloudsFile {
    #[serde(default)]
    clouds: BTreeMap<String, CloudEntry>,
}

#[derive(Deserialize)]
struct CloudEntry {
    #[serde(default)]
    auth: CloudAuth,
    region_name: Option<serde_yaml::Value>,
}

#[derive(Default, Deserialize)]
struct CloudAuth {
    auth_url: Option<String>,
    username: Option<String>,
    password: Option<String>,
    project_id: Option<String>,
    tenant_id: Option<String>,
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
