//! Samsung SDS Cloud Platform: request signing, its credentials and config
//! files and variables ([`ScpEnvironment`]), its endpoint catalog, and the
//! states of its asynchronous requests. Generator side:
//! `codegen/src/vendor/scp.rs`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName, Method};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::Sha256;
use tokio::sync::OnceCell;

use crate::auth::identity::{env_var, required};
use crate::auth::secret::Secret;
use crate::auth::signer::{sensitive, Auth, Outgoing, SignFuture, Signer};
use crate::client::{Client, Request, ServiceInfo};
use crate::config::Config;
use crate::encode::validate_header_value;
use crate::wait::{Phase, WaitConfig};
use crate::Error;

/// Credentials files looked for under the home directory, current layout first.
const HOME_CREDENTIAL_FILES: [&str; 2] = [".scpconf/credentials.json", ".scp/credentials.json"];

/// `Scp-ClientType` value of API clients, also part of the signed message.
const CLIENT_TYPE: &str = "Openapi";

/// SCP access key, secret key, optional account id and optional auth token.
#[derive(Clone, Debug)]
pub struct ScpCredentials {
    access_key: String,
    secret_key: Secret,
    account_id: String,
    auth_token: Option<Secret>,
}

impl ScpCredentials {
    /// Credentials from an access key and its secret key.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<Secret>) -> Self {
        ScpCredentials {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            account_id: String::new(),
            auth_token: None,
        }
    }

    /// Sends `token` as `X-Auth-Token` on every request besides the signature,
    /// as the official Go SDK does when its credentials hold an `auth-token`
    /// (SamsungSDSCloud/terraform-sdk-samsungcloudplatformv2,
    /// `client/configuration.go`, `SetupRequestHeader`). The header is marked
    /// sensitive and the token is redacted from errors like the secret key.
    /// An empty token sends nothing.
    pub fn with_auth_token(mut self, token: impl Into<Secret>) -> Self {
        let token = token.into();
        self.auth_token = (!token.expose().is_empty()).then_some(token);
        self
    }

    /// Whether an auth token is sent as `X-Auth-Token`.
    pub fn has_auth_token(&self) -> bool {
        self.auth_token.is_some()
    }

    /// The account id signed and sent in `Scp-AccountId` (empty when unset).
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// Sets the account id that is part of the signed message (empty by default).
    pub fn with_account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = account_id.into();
        self
    }

    /// Reads `SCP_ACCESS_KEY`, `SCP_SECRET_KEY` and the optional `SCP_ACCOUNT_ID`
    /// and `SCP_AUTH_TOKEN`; [`from_default_chain`](Self::from_default_chain)
    /// also reads the Terraform provider's variables and files.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(&env_var)
    }

    fn from_lookup(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let credentials = ScpCredentials::new(required(env, "SCP_ACCESS_KEY")?, required(env, "SCP_SECRET_KEY")?);
        let credentials = match env("SCP_AUTH_TOKEN") {
            Some(token) => credentials.with_auth_token(token),
            None => credentials,
        };
        Ok(match env("SCP_ACCOUNT_ID") {
            Some(account_id) => credentials.with_account_id(account_id),
            None => credentials,
        })
    }

    /// Reads a credentials file in the layout of the official SCP Terraform
    /// provider: JSON with `access-key` and `secret-key`, e.g.
    ///
    /// ```json
    /// { "access-key": "…", "secret-key": "…" }
    /// ```
    ///
    /// An `auth-token` member, as the provider's `LoadCredentialsConfig` reads
    /// it, is sent as `X-Auth-Token` (see [`with_auth_token`](Self::with_auth_token)).
    ///
    /// The account id that is part of the signature is taken from an `account-id`
    /// member of the same file or, failing that, of the `config.json` beside it
    /// (where the provider keeps it); without either it is empty. Errors name the
    /// file and the position of a syntax error, never a value from it.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let file: CredentialsFile = read_json(path)?;
        let field = |value: Option<String>, name: &str| {
            value.filter(|v| !v.is_empty()).ok_or_else(|| Error::Auth(format!("{} has no `{name}`", path.display())))
        };
        let credentials =
            ScpCredentials::new(field(file.access_key, "access-key")?, field(file.secret_key, "secret-key")?);
        let credentials = match file.auth_token.filter(|v| !v.is_empty()) {
            Some(token) => credentials.with_auth_token(token),
            None => credentials,
        };
        let account_id = match file.account_id.filter(|v| !v.is_empty()) {
            Some(account_id) => Some(account_id),
            None => sibling_account_id(path)?,
        };
        Ok(match account_id {
            Some(account_id) => credentials.with_account_id(account_id),
            None => credentials,
        })
    }

    /// Credentials from the first source that has them, the credentials part
    /// of [`ScpEnvironment::load`] (see there for the whole order):
    ///
    /// 1. `SCP_ACCESS_KEY`, `SCP_SECRET_KEY` (and `SCP_AUTH_TOKEN`);
    /// 2. `SCP_TF_ACCESS_KEY`, `SCP_TF_SECRET_KEY` (and `SCP_TF_AUTH_TOKEN`),
    ///    the official SCP Terraform provider's variables;
    /// 3. the file named by `SCP_CONFIG_FILE`;
    /// 4. `~/.scpconf/credentials.json`, where the official SCP Terraform provider
    ///    (`samsungcloudplatformv2`) keeps them for the current platform;
    /// 5. `~/.scp/credentials.json`, the older provider's location (same keys).
    ///
    /// Files are read with [`from_file`](Self::from_file). The account id is
    /// `SCP_ACCOUNT_ID`, else `SCP_TF_ACCOUNT_ID`, else the file's, else the
    /// `config.json`'s. SCP documents no SDK credentials file of its own,
    /// hence the Terraform provider's layout.
    pub fn from_default_chain() -> Result<Self, Error> {
        ScpEnvironment::load().map(|environment| environment.credentials().clone())
    }

    #[cfg(test)]
    fn default_chain(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let home = env("HOME").or_else(|| env("USERPROFILE")).map(PathBuf::from);
        ScpEnvironment::load_from(env, home).map(|environment| environment.credentials().clone())
    }

    /// The access key (not secret: it is sent in clear in `Scp-AccessKey`).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The signature of one request: `method` upper case, `url` exactly as sent,
    /// `timestamp_ms` as sent in `Scp-Timestamp`.
    pub fn signature(&self, method: &str, url: &str, timestamp_ms: &str) -> String {
        sign(self.secret_key.expose(), method, url, timestamp_ms, &self.access_key, &self.account_id)
    }
}

/// SCP's signed request: the "Common request headers" of the SCP API docs,
/// with a fresh timestamp and signature for every attempt.
impl Signer for ScpCredentials {
    fn sign<'a>(&'a self, request: &'a Outgoing<'a>, headers: &'a mut HeaderMap) -> SignFuture<'a> {
        Box::pin(async move {
            let timestamp = unix_millis().to_string();
            let signature = self.signature(request.method.as_str(), request.url, &timestamp);
            let mut put = |name: &'static str, value: &str| -> Result<(), Error> {
                headers.insert(HeaderName::from_static(name), validate_header_value(name, value)?);
                Ok(())
            };
            put("scp-accesskey", &self.access_key)?;
            // The account id is part of the signed message, so the service must
            // see it too: the official Go SDK sends `Scp-AccountId` on every
            // request, empty by default (SamsungSDSCloud/terraform-sdk-
            // samsungcloudplatformv2 v1.0.2, `client/configuration.go`,
            // `SetupRequestHeader`).
            put("scp-accountid", &self.account_id)?;
            put("scp-timestamp", &timestamp)?;
            put("scp-clienttype", CLIENT_TYPE)?;
            put("accept-language", request.accept_language)?;
            if let Some(version) = request.api_version {
                put("scp-api-version", version)?;
            }
            // Replayable until the timestamp expires, so hidden like a token.
            headers.insert(HeaderName::from_static("scp-signature"), sensitive(&signature, "the SCP signature")?);
            // Besides the signature when set, as the Go SDK's
            // `SetupRequestHeader` does (`client/configuration.go`).
            if let Some(token) = &self.auth_token {
                headers
                    .insert(HeaderName::from_static("x-auth-token"), sensitive(token.expose(), "the SCP auth token")?);
            }
            Ok(None)
        })
    }

    fn secrets(&self) -> Vec<Secret> {
        let mut secrets = vec![self.secret_key.clone()];
        secrets.extend(self.auth_token.clone());
        secrets
    }
}

impl From<ScpCredentials> for Auth {
    fn from(credentials: ScpCredentials) -> Self {
        Auth::signer(credentials)
    }
}

/// Our variables, then the official SCP Terraform provider's
/// (`SCP_TF_*`, read by `ConfigureServiceAndCredentials` in
/// SamsungSDSCloud/terraform-provider-samsungcloudplatformv2,
/// `samsungcloudplatform/config/config.go`).
const ACCESS_KEY_VARS: [&str; 2] = ["SCP_ACCESS_KEY", "SCP_TF_ACCESS_KEY"];
const SECRET_KEY_VARS: [&str; 2] = ["SCP_SECRET_KEY", "SCP_TF_SECRET_KEY"];
const AUTH_TOKEN_VARS: [&str; 2] = ["SCP_AUTH_TOKEN", "SCP_TF_AUTH_TOKEN"];
const ACCOUNT_ID_VARS: [&str; 2] = ["SCP_ACCOUNT_ID", "SCP_TF_ACCOUNT_ID"];
const AUTH_URL_VARS: [&str; 2] = ["SCP_AUTH_URL", "SCP_TF_AUTH_URL"];
const ENDPOINT_OVERRIDE_VARS: [&str; 2] = ["SCP_ENDPOINT_OVERRIDE", "SCP_TF_ENDPOINT_OVERRIDE"];
const DEFAULT_REGION_VARS: [&str; 2] = ["SCP_DEFAULT_REGION", "SCP_TF_DEFAULT_REGION"];

/// The `config.json` read when no credentials file decides another directory.
const HOME_CONFIG_FILE: &str = ".scpconf/config.json";

/// How the catalog call's configuration is adjusted (HTTP client, transport, timeouts).
type ConfigureCatalog = Arc<dyn Fn(Config) -> Config + Send + Sync>;

/// Credentials, region and endpoints for SCP, found the way the official SCP
/// tools find them: the one-call set-up behind a generated SCP crate's
/// `Client::from_env()`.
///
/// # Where each value comes from
///
/// The first source that has it wins; values set in code with the `with_*`
/// methods win over all of them. Empty values count as unset.
///
/// | value | our variable | the Terraform provider's variable | file |
/// | --- | --- | --- | --- |
/// | access key, secret key | `SCP_ACCESS_KEY`, `SCP_SECRET_KEY` | `SCP_TF_ACCESS_KEY`, `SCP_TF_SECRET_KEY` | credentials file: `access-key`, `secret-key` |
/// | auth token | `SCP_AUTH_TOKEN` | `SCP_TF_AUTH_TOKEN` | credentials file: `auth-token` |
/// | account id | `SCP_ACCOUNT_ID` | `SCP_TF_ACCOUNT_ID` | credentials file, then `config.json`: `account-id` |
/// | auth URL (the endpoint catalog) | `SCP_AUTH_URL` | `SCP_TF_AUTH_URL` | `config.json`: `auth-url` |
/// | endpoint override | `SCP_ENDPOINT_OVERRIDE` | `SCP_TF_ENDPOINT_OVERRIDE` | `config.json`: `endpoint-override` |
/// | default region | `SCP_DEFAULT_REGION` | `SCP_TF_DEFAULT_REGION` | `config.json`: `default-region` |
///
/// The credentials file is the one `SCP_CONFIG_FILE` names, else
/// `~/.scpconf/credentials.json`, else `~/.scp/credentials.json` (the older
/// provider's). `config.json` is the one beside that credentials file, else
/// `~/.scpconf/config.json`. The file names and keys are those of the
/// provider's `LoadCredentialsConfig` and `LoadServiceConfig`
/// (SamsungSDSCloud/terraform-provider-samsungcloudplatformv2,
/// `samsungcloudplatform/config/config.go`), the variable names those of its
/// `ConfigureServiceAndCredentials`.
///
/// Two deliberate differences from the provider: its files win over its
/// variables, here variables win over files (so that one run can override a
/// file, as with aws-config); and the key pair and its auth token come from
/// one source together (a pair is never half from a variable, half from a
/// file, and a token is never sent with another source's keys): a source
/// with only half a pair is an error naming the missing half.
///
/// # Endpoints
///
/// [`endpoint`](Self::endpoint) gives a service's base URL: the endpoint
/// override when set, else the entry of the signed endpoint catalog at the
/// auth URL, else `None` (a generated client then fills in its URL template
/// from [`region`](Self::region)).
///
/// ```no_run
/// # async fn f() -> Result<(), cloudsdk_runtime::Error> {
/// use cloudsdk_runtime::scp::ScpEnvironment;
/// use cloudsdk_runtime::Config;
///
/// let environment = ScpEnvironment::load()?;
/// let base_url = match environment.endpoint("scp-epas").await? {
///     Some(url) => url,
///     None => format!("https://epas.{}.s.samsungsdscloud.com", environment.region().unwrap_or("kr-west1")),
/// };
/// let config = Config::new(base_url, environment.credentials().clone());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ScpEnvironment {
    credentials: ScpCredentials,
    auth_url: Option<String>,
    endpoint_override: Option<String>,
    region: Option<String>,
    configure_catalog: Option<ConfigureCatalog>,
    /// The catalog once fetched, shared by clones; replaced when a value it
    /// depends on (credentials, auth URL) is changed.
    catalog: Arc<OnceCell<Arc<[CatalogEntry]>>>,
}

impl ScpEnvironment {
    /// An environment with `credentials` and nothing else: no auth URL, no
    /// override, no region (so [`endpoint`](Self::endpoint) gives `None`).
    pub fn new(credentials: ScpCredentials) -> Self {
        ScpEnvironment {
            credentials,
            auth_url: None,
            endpoint_override: None,
            region: None,
            configure_catalog: None,
            catalog: Arc::new(OnceCell::new()),
        }
    }

    /// Reads the process environment and the files under the home directory
    /// (`HOME`, or `USERPROFILE` on Windows), in the order of the
    /// [table above](Self#where-each-value-comes-from).
    ///
    /// Fails with [`Error::Auth`] when no source has credentials (the message
    /// lists every variable and file looked at, never a value), when a source
    /// has only half a key pair, or when a file cannot be read or parsed
    /// (named, with the position of a syntax error only).
    pub fn load() -> Result<Self, Error> {
        let home = env_var("HOME").or_else(|| env_var("USERPROFILE")).map(PathBuf::from);
        Self::load_from(env_var, home)
    }

    /// [`load`](Self::load) with the variables read through `env` and the
    /// files under `home`: for tests, or an environment of your own.
    pub fn load_from(env: impl Fn(&str) -> Option<String>, home: Option<PathBuf>) -> Result<Self, Error> {
        let env = |name: &str| env(name).filter(|value| !value.is_empty());
        let first = |names: &[&str]| names.iter().find_map(|name| env(name));

        // The credentials file a later step may read, and the config.json.
        let named_file = env("SCP_CONFIG_FILE").map(PathBuf::from);
        let home_files: Vec<PathBuf> = match &home {
            Some(home) => HOME_CREDENTIAL_FILES.iter().map(|file| home.join(file)).collect(),
            None => Vec::new(),
        };
        let credentials_file = named_file.clone().or_else(|| home_files.iter().find(|path| path.is_file()).cloned());
        let config_path = credentials_file
            .as_ref()
            .map(|file| file.with_file_name("config.json"))
            .filter(|path| path.is_file())
            .or_else(|| home.as_ref().map(|home| home.join(HOME_CONFIG_FILE)).filter(|path| path.is_file()));
        let config: ConfigFile = match &config_path {
            Some(path) => read_json(path)?,
            None => ConfigFile::default(),
        };
        let config_value = |value: &Option<String>| value.clone().filter(|value| !value.is_empty());

        let mut credentials = None;
        for ((key_var, secret_var), token_var) in ACCESS_KEY_VARS.iter().zip(SECRET_KEY_VARS).zip(AUTH_TOKEN_VARS) {
            match (env(key_var), env(secret_var)) {
                (Some(key), Some(secret)) => {
                    let found = ScpCredentials::new(key, secret);
                    credentials = Some(match env(token_var) {
                        Some(token) => found.with_auth_token(token),
                        None => found,
                    });
                    break;
                }
                (None, None) => {}
                (Some(_), None) => return Err(Error::Auth(format!("environment variable {secret_var} is not set"))),
                (None, Some(_)) => return Err(Error::Auth(format!("environment variable {key_var} is not set"))),
            }
        }
        let credentials = match (credentials, &credentials_file) {
            (Some(credentials), _) => credentials,
            // `from_file` takes the account id from the file, else the config.json beside it.
            (None, Some(file)) => ScpCredentials::from_file(file)?,
            (None, None) => {
                let mut looked = vec![
                    "the environment variables SCP_ACCESS_KEY and SCP_SECRET_KEY".to_owned(),
                    "SCP_TF_ACCESS_KEY and SCP_TF_SECRET_KEY".to_owned(),
                    "SCP_CONFIG_FILE (not set)".to_owned(),
                ];
                match &home {
                    Some(_) => looked.extend(home_files.iter().map(|path| path.display().to_string())),
                    None => looked.push("~/.scpconf/credentials.json (no HOME)".to_owned()),
                }
                return Err(Error::Auth(format!("no SCP credentials found; looked for {}", looked.join(", "))));
            }
        };
        let credentials = match first(&ACCOUNT_ID_VARS) {
            Some(account_id) => credentials.with_account_id(account_id),
            None if credentials.account_id.is_empty() => match config_value(&config.account_id) {
                Some(account_id) => credentials.with_account_id(account_id),
                None => credentials,
            },
            None => credentials,
        };
        let mut environment = ScpEnvironment::new(credentials);
        environment.auth_url = first(&AUTH_URL_VARS).or_else(|| config_value(&config.auth_url));
        environment.endpoint_override =
            first(&ENDPOINT_OVERRIDE_VARS).or_else(|| config_value(&config.endpoint_override));
        environment.region = first(&DEFAULT_REGION_VARS).or_else(|| config_value(&config.default_region));
        Ok(environment)
    }

    /// These credentials in place of the ones found.
    pub fn with_credentials(mut self, credentials: ScpCredentials) -> Self {
        self.credentials = credentials;
        self.catalog = Arc::new(OnceCell::new());
        self
    }

    /// This region in place of the default region found.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// This auth URL (where the endpoint catalog is) in place of the one found.
    pub fn with_auth_url(mut self, auth_url: impl Into<String>) -> Self {
        self.auth_url = Some(auth_url.into());
        self.catalog = Arc::new(OnceCell::new());
        self
    }

    /// This base URL for every service, in place of the override found.
    pub fn with_endpoint_override(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint_override = Some(endpoint.into());
        self
    }

    /// Adjusts the configuration of the catalog call (an HTTP client with a
    /// proxy, a transport, timeouts); its base URL and authentication stay
    /// the auth URL and these credentials.
    pub fn with_catalog_config(mut self, configure: impl Fn(Config) -> Config + Send + Sync + 'static) -> Self {
        self.configure_catalog = Some(Arc::new(configure));
        self
    }

    /// The credentials found: sign requests with them (`Config::new(url, credentials.clone())`).
    pub fn credentials(&self) -> &ScpCredentials {
        &self.credentials
    }

    /// The default region found, if any (`SCP_DEFAULT_REGION`, `SCP_TF_DEFAULT_REGION`, `default-region`).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The auth URL found, if any: where the endpoint catalog is.
    pub fn auth_url(&self) -> Option<&str> {
        self.auth_url.as_deref()
    }

    /// The endpoint override found, if any: the base URL of every service.
    pub fn endpoint_override(&self) -> Option<&str> {
        self.endpoint_override.as_deref()
    }

    /// The base URL of the service of type `service_type` (e.g. `scp-epas`)
    /// in the [default region](Self::region); see [`endpoint_in`](Self::endpoint_in).
    pub async fn endpoint(&self, service_type: &str) -> Result<Option<String>, Error> {
        self.endpoint_in(service_type, None).await
    }

    /// The base URL of the service of type `service_type` in `region` (the
    /// default region when `None`):
    ///
    /// 1. the endpoint override, when set (the Go SDK's `Configuration.Endpoint`);
    /// 2. else, when the auth URL is known, the entry of the endpoint catalog
    ///    `GET {auth-url}/endpoints` (one signed call per environment, its answer
    ///    shared by clones of this environment and every later lookup; a failed
    ///    call is not remembered) of that service type and region, as
    ///    the official Go SDK's `Catalog.GetEndpoint` finds it
    ///    (SamsungSDSCloud/terraform-sdk-samsungcloudplatformv2, `client/catalog.go`):
    ///    the region asked for, else the default region; an entry without a
    ///    region serves every region; with no region at all, the only entry of
    ///    the type;
    /// 3. else `Ok(None)`: fill in the service's URL template.
    ///
    /// Where the Go SDK falls back to the first of all entries of the type when
    /// none is in the region, this fails with [`Error::InvalidRequest`] naming
    /// the service type, the region and the regions the catalog has, rather than
    /// send requests to another region. A catalog call that fails keeps its
    /// error (an [`Error::Api`] for a refused signature).
    pub async fn endpoint_in(&self, service_type: &str, region: Option<&str>) -> Result<Option<String>, Error> {
        if let Some(endpoint) = &self.endpoint_override {
            return Ok(Some(endpoint.trim_end_matches('/').to_owned()));
        }
        let Some(auth_url) = &self.auth_url else {
            return Ok(None);
        };
        let catalog = self.catalog.get_or_try_init(|| self.fetch_catalog(auth_url)).await?;
        let region = region.or(self.region.as_deref());
        select_endpoint(catalog, service_type, region).map(Some)
    }

    async fn fetch_catalog(&self, auth_url: &str) -> Result<Arc<[CatalogEntry]>, Error> {
        let mut config = Config::new(auth_url, self.credentials.clone());
        if let Some(configure) = &self.configure_catalog {
            config = configure(config);
            // Whatever the adjustment did, the call goes to the auth URL, signed.
            config.base_url = auth_url.trim_end_matches('/').to_owned();
            config.auth = self.credentials.clone().into();
        }
        let client = Client::new(config, CATALOG_SERVICE)?;
        let request = Request::new(Method::GET, "list_endpoints", "/endpoints".to_owned());
        let catalog: CatalogResponse = client.execute(request).await?.json()?.into_body();
        Ok(catalog.endpoints.into())
    }
}

/// The catalog call as the request pipeline sees it.
const CATALOG_SERVICE: ServiceInfo = ServiceInfo {
    name: "scp-endpoint-catalog",
    version: env!("CARGO_PKG_VERSION"),
    api_version: None,
    security_scheme: None,
};

impl fmt::Debug for ScpEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScpEnvironment")
            .field("credentials", &self.credentials)
            .field("auth_url", &self.auth_url)
            .field("endpoint_override", &self.endpoint_override)
            .field("region", &self.region)
            .field("catalog_fetched", &self.catalog.initialized())
            .finish_non_exhaustive()
    }
}

/// The answer of `GET {auth-url}/endpoints` (`client/catalog.go`).
#[derive(Deserialize)]
struct CatalogResponse {
    #[serde(default)]
    endpoints: Vec<CatalogEntry>,
}

/// One entry of the endpoint catalog; `service_name` is not used.
#[derive(Clone, Debug, Deserialize)]
struct CatalogEntry {
    #[serde(default)]
    region: String,
    service_type: String,
    url: String,
}

/// The entry of `service_type` in `region`; see [`ScpEnvironment::endpoint_in`].
fn select_endpoint(catalog: &[CatalogEntry], service_type: &str, region: Option<&str>) -> Result<String, Error> {
    let mut candidates: Vec<&CatalogEntry> =
        catalog.iter().filter(|entry| entry.service_type == service_type).collect();
    // The Go SDK sorts by URL before picking: the same catalog gives the same answer.
    candidates.sort_by(|a, b| a.url.cmp(&b.url));
    let regions = || {
        let mut regions: Vec<&str> = candidates.iter().map(|entry| entry.region.as_str()).collect();
        regions.dedup();
        regions.join(", ")
    };
    let found = match region {
        _ if candidates.is_empty() => {
            let mut types: Vec<&str> = catalog.iter().map(|entry| entry.service_type.as_str()).collect();
            types.sort_unstable();
            types.dedup();
            return Err(Error::InvalidRequest(format!(
                "the SCP endpoint catalog has no service of type {service_type} (it has: {})",
                types.join(", ")
            )));
        }
        Some(region) => candidates
            .iter()
            .find(|entry| entry.region.eq_ignore_ascii_case(region))
            .or_else(|| candidates.iter().find(|entry| entry.region.is_empty()))
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "the SCP endpoint catalog has no {service_type} endpoint in region {region} (it has regions: {})",
                    regions()
                ))
            })?,
        None if candidates.len() == 1 => &candidates[0],
        None => {
            return Err(Error::InvalidRequest(format!(
                "the SCP endpoint catalog has {service_type} endpoints in several regions ({}) and no region is set: \
                 set SCP_DEFAULT_REGION, SCP_TF_DEFAULT_REGION or `default-region` in config.json",
                regions()
            )))
        }
    };
    Ok(found.url.trim_end_matches('/').to_owned())
}

fn unix_millis() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis()
}

/// The budget of SCP waits (resources and asynchronous requests): every 10 s,
/// backing off to 30 s, for up to 90 minutes. The SCP Terraform provider
/// allows a DBaaS cluster 500 polls 10 s apart (about 83 minutes) to be
/// created (SamsungSDSCloud/terraform-provider-samsungcloudplatformv2).
pub const WAIT: WaitConfig =
    WaitConfig::polling(std::time::Duration::from_secs(10), std::time::Duration::from_secs(90 * 60));

/// Classifies the state of an SCP asynchronous request (as returned by its
/// `show_request` operation) for [`Waiter::until`](crate::wait::Waiter::until).
///
/// SCP does not document the possible states, so this is an inference from the
/// names such APIs commonly use, compared case-insensitively: `COMPLETED`,
/// `SUCCEEDED`, `SUCCESS` and `DONE` are done; `FAILED`, `ERROR`, `CANCELED`,
/// `CANCELLED` and `TIMEOUT` are failures; anything else (`REQUESTED`,
/// `IN_PROGRESS`, …) is pending — an unknown final state therefore ends in
/// [`Error::WaiterTimedOut`] rather than a wrong verdict.
pub fn request_state(state: &str) -> Phase {
    const DONE: [&str; 4] = ["COMPLETED", "SUCCEEDED", "SUCCESS", "DONE"];
    const FAILED: [&str; 5] = ["FAILED", "ERROR", "CANCELED", "CANCELLED", "TIMEOUT"];
    let state = state.trim();
    if DONE.iter().any(|done| done.eq_ignore_ascii_case(state)) {
        Phase::Done
    } else if FAILED.iter().any(|failed| failed.eq_ignore_ascii_case(state)) {
        Phase::Failed(format!("request ended in state {state}"))
    } else {
        Phase::Pending
    }
}

/// The members of a credentials file this crate uses; others are ignored.
#[derive(Deserialize)]
struct CredentialsFile {
    #[serde(rename = "access-key")]
    access_key: Option<String>,
    #[serde(rename = "secret-key")]
    secret_key: Option<String>,
    #[serde(rename = "auth-token")]
    auth_token: Option<String>,
    #[serde(rename = "account-id")]
    account_id: Option<String>,
}

/// The members of the provider's `config.json` this crate uses, with the keys
/// of its `LoadServiceConfig` (`samsungcloudplatform/config/config.go`).
#[derive(Default, Deserialize)]
struct ConfigFile {
    #[serde(rename = "auth-url")]
    auth_url: Option<String>,
    #[serde(rename = "endpoint-override")]
    endpoint_override: Option<String>,
    #[serde(rename = "account-id")]
    account_id: Option<String>,
    #[serde(rename = "default-region")]
    default_region: Option<String>,
}

/// Parses a JSON file; a syntax error is reported by position only, since the
/// parser's message could quote the secret key.
fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read(path).map_err(|e| Error::Auth(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_slice(&text).map_err(|e| {
        Error::Auth(format!("{} is not valid JSON (line {}, column {})", path.display(), e.line(), e.column()))
    })
}

/// The `account-id` of the `config.json` beside a credentials file, if any.
fn sibling_account_id(credentials: &Path) -> Result<Option<String>, Error> {
    let config = credentials.with_file_name("config.json");
    if !config.is_file() {
        return Ok(None);
    }
    let config: ConfigFile = read_json(&config)?;
    Ok(config.account_id.filter(|v| !v.is_empty()))
}

/// Base64 of HMAC-SHA256, keyed with the secret key, over
/// `METHOD + url + timestamp + access_key + account_id + "Openapi"`.
pub fn sign(
    secret_key: &str,
    method: &str,
    url: &str,
    timestamp_ms: &str,
    access_key: &str,
    account_id: &str,
) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).expect("HMAC accepts keys of any length");
    for part in [&method.to_ascii_uppercase(), url, timestamp_ms, access_key, account_id, CLIENT_TYPE] {
        mac.update(part.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scp_request_states_are_classified_case_insensitively() {
        for done in ["COMPLETED", "succeeded", "Success", "done"] {
            assert_eq!(request_state(done), Phase::Done, "{done}");
        }
        for failed in ["FAILED", "error", "Canceled", "CANCELLED", "timeout"] {
            assert!(matches!(request_state(failed), Phase::Failed(r) if r.contains(failed)), "{failed}");
        }
        for pending in ["REQUESTED", "IN_PROGRESS", "RUNNING", ""] {
            assert_eq!(request_state(pending), Phase::Pending, "{pending}");
        }
    }

    #[tokio::test]
    async fn the_signer_sends_the_common_headers_with_a_hidden_signature() {
        let credentials = ScpCredentials::new("AK", "SK").with_account_id("ACC");
        let url = "https://x.example/v1/clusters?page=0";
        let request = Outgoing {
            method: &http::Method::GET,
            url,
            api_version: Some("epas 1.0"),
            accept_language: "ko-KR",
            timeout: std::time::Duration::from_secs(1),
            connect_timeout: std::time::Duration::from_secs(1),
        };
        let mut headers = HeaderMap::new();
        assert!(credentials.sign(&request, &mut headers).await.unwrap().is_none(), "no token to re-issue");
        let header = |name: &str| headers.get(name).unwrap_or_else(|| panic!("no {name}")).to_str().unwrap();
        assert_eq!(header("scp-accesskey"), "AK");
        assert_eq!(header("scp-accountid"), "ACC", "the signed account id is sent");
        assert_eq!(header("scp-clienttype"), "Openapi");
        assert_eq!(header("scp-api-version"), "epas 1.0");
        assert_eq!(header("accept-language"), "ko-KR");
        let timestamp = header("scp-timestamp");
        assert_eq!(header("scp-signature"), sign("SK", "GET", url, timestamp, "AK", "ACC"));
        assert!(headers["scp-signature"].is_sensitive());
        // A service without an API version gets no such header.
        let request = Outgoing { api_version: None, ..request };
        let mut headers = HeaderMap::new();
        credentials.sign(&request, &mut headers).await.unwrap();
        assert!(!headers.contains_key("scp-api-version"));
        // Without an account id the header is sent empty, as the Go SDK does.
        let mut headers = HeaderMap::new();
        ScpCredentials::new("AK", "SK").sign(&request, &mut headers).await.unwrap();
        assert_eq!(headers["scp-accountid"], "");
    }

    fn vector(method: &str, url: &str) -> String {
        ScpCredentials::new("2sd2gg=2agbdSD26svcD", "test-secret-key").signature(method, url, "1605290625682")
    }

    #[test]
    fn signature_matches_the_published_test_vectors() {
        let base = "https://cachestore.kr-west1.e.samsungsdscloud.com/v1/clusters";
        assert_eq!(vector("POST", base), "YfRM6MqSUs/OVZtGJfecp4Qd6vBsYC/eRSjAZ4NX9Po=");
        assert_eq!(vector("GET", base), "L1vbvzVPM520u63gCHwu/Jex/ESi3qExgaf8C2WngYc=");
        assert_eq!(
            vector("GET", &format!("{base}?page=0&size=20&sort=created_at%3Adesc")),
            "zw6MP6IDf6AByiO8lFT2X/utyGwIS978AKbJZgkpKes="
        );
    }

    /// A fresh temporary directory, removed when dropped.
    struct TempDir(PathBuf);

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn temp_dir(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("cloudsdk-runtime-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn lookup<'a>(vars: &'a [(&'a str, String)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn a_credentials_file_is_read_with_the_account_from_config_json() {
        let tmp = temp_dir("file");
        let dir = &tmp.0;
        let path = dir.join("credentials.json");
        std::fs::write(&path, r#"{"access-key": "AK", "secret-key": "SK", "auth-token": ""}"#).unwrap();
        let read = ScpCredentials::from_file(&path).unwrap();
        assert_eq!(read.access_key(), "AK");
        assert_eq!(read.signature("GET", "https://x/", "1"), sign("SK", "GET", "https://x/", "1", "AK", ""));
        std::fs::write(dir.join("config.json"), r#"{"auth-url": "u", "account-id": "ACC"}"#).unwrap();
        let read = ScpCredentials::from_file(&path).unwrap();
        assert_eq!(read.signature("GET", "https://x/", "1"), sign("SK", "GET", "https://x/", "1", "AK", "ACC"));
    }

    #[test]
    fn file_errors_name_the_file_but_not_its_values() {
        let tmp = temp_dir("bad");
        let dir = &tmp.0;
        let path = dir.join("credentials.json");
        std::fs::write(&path, r#"{"access-key": "AK", "secret-key": 12345678}"#).unwrap();
        let err = ScpCredentials::from_file(&path).unwrap_err().to_string();
        assert!(err.contains("credentials.json") && !err.contains("12345678"), "{err}");
        std::fs::write(&path, r#"{"access-key": "AK"}"#).unwrap();
        let err = ScpCredentials::from_file(&path).unwrap_err().to_string();
        assert!(err.contains("secret-key"), "{err}");
        assert!(ScpCredentials::from_file(dir.join("missing.json")).is_err());
    }

    #[test]
    fn the_default_chain_prefers_the_environment_then_files() {
        let tmp = temp_dir("chain");
        let dir = &tmp.0;
        let home = dir.display().to_string();
        // Nothing anywhere: the error says what to set.
        let err = ScpCredentials::default_chain(&lookup(&[("HOME", home.clone())])).unwrap_err();
        assert!(err.to_string().contains("SCP_ACCESS_KEY"), "{err}");
        // The older ~/.scp location, then the current ~/.scpconf one, which wins.
        std::fs::create_dir_all(dir.join(".scp")).unwrap();
        std::fs::write(dir.join(".scp/credentials.json"), r#"{"access-key": "OLD", "secret-key": "S"}"#).unwrap();
        let env = [("HOME", home.clone())];
        assert_eq!(ScpCredentials::default_chain(&lookup(&env)).unwrap().access_key(), "OLD");
        std::fs::create_dir_all(dir.join(".scpconf")).unwrap();
        std::fs::write(dir.join(".scpconf/credentials.json"), r#"{"access-key": "NEW", "secret-key": "S"}"#).unwrap();
        assert_eq!(ScpCredentials::default_chain(&lookup(&env)).unwrap().access_key(), "NEW");
        // SCP_CONFIG_FILE names another file; SCP_ACCOUNT_ID overrides its account.
        let env = [
            ("HOME", home.clone()),
            ("SCP_CONFIG_FILE", dir.join(".scp/credentials.json").display().to_string()),
            ("SCP_ACCOUNT_ID", "ACC".to_owned()),
        ];
        let read = ScpCredentials::default_chain(&lookup(&env)).unwrap();
        assert_eq!(read.access_key(), "OLD");
        assert_eq!(read.signature("GET", "u", "1"), sign("S", "GET", "u", "1", "OLD", "ACC"));
        // The environment comes first, and must be complete.
        let env = [("HOME", home.clone()), ("SCP_ACCESS_KEY", "ENV".to_owned()), ("SCP_SECRET_KEY", "S".to_owned())];
        assert_eq!(ScpCredentials::default_chain(&lookup(&env)).unwrap().access_key(), "ENV");
        let env = [("HOME", home), ("SCP_ACCESS_KEY", "ENV".to_owned())];
        let err = ScpCredentials::default_chain(&lookup(&env)).unwrap_err();
        assert!(err.to_string().contains("SCP_SECRET_KEY"), "{err}");
    }

    #[test]
    fn secret_key_is_redacted_in_debug() {
        let credentials = ScpCredentials::new("AK", "very-secret-value");
        let shown = format!("{credentials:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(shown.contains("AK"));
    }
}
