//! Samsung SDS Cloud Platform: request signing, its credentials files, and
//! the states of its asynchronous requests. Generator side:
//! `codegen/src/vendor/scp.rs`.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::Sha256;

use crate::auth::identity::{env_var, required};
use crate::auth::secret::Secret;
use crate::auth::signer::{sensitive, Auth, Outgoing, SignFuture, Signer};
use crate::encode::validate_header_value;
use crate::wait::{Phase, WaitConfig};
use crate::Error;

/// Credentials files looked for under the home directory, current layout first.
const HOME_CREDENTIAL_FILES: [&str; 2] = [".scpconf/credentials.json", ".scp/credentials.json"];

/// `Scp-ClientType` value of API clients, also part of the signed message.
const CLIENT_TYPE: &str = "Openapi";

/// SCP access key, secret key and optional account id.
#[derive(Clone, Debug)]
pub struct ScpCredentials {
    access_key: String,
    secret_key: Secret,
    account_id: String,
}

impl ScpCredentials {
    /// Credentials from an access key and its secret key.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<Secret>) -> Self {
        ScpCredentials { access_key: access_key.into(), secret_key: secret_key.into(), account_id: String::new() }
    }

    /// Sets the account id that is part of the signed message (empty by default).
    pub fn with_account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = account_id.into();
        self
    }

    /// Reads `SCP_ACCESS_KEY`, `SCP_SECRET_KEY` and the optional `SCP_ACCOUNT_ID`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(&env_var)
    }

    fn from_lookup(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let credentials = ScpCredentials::new(required(env, "SCP_ACCESS_KEY")?, required(env, "SCP_SECRET_KEY")?);
        Ok(credentials.with_account_from(env))
    }

    /// Reads a credentials file in the layout of the official SCP Terraform
    /// provider: JSON with `access-key` and `secret-key`, e.g.
    ///
    /// ```json
    /// { "access-key": "…", "secret-key": "…" }
    /// ```
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
        let account_id = match file.account_id.filter(|v| !v.is_empty()) {
            Some(account_id) => Some(account_id),
            None => sibling_account_id(path)?,
        };
        Ok(match account_id {
            Some(account_id) => credentials.with_account_id(account_id),
            None => credentials,
        })
    }

    /// Credentials from the first source that has them:
    ///
    /// 1. the environment: `SCP_ACCESS_KEY`, `SCP_SECRET_KEY`, `SCP_ACCOUNT_ID`
    ///    (see [`from_env`](Self::from_env));
    /// 2. the file named by `SCP_CONFIG_FILE`;
    /// 3. `~/.scpconf/credentials.json`, where the official SCP Terraform provider
    ///    (`samsungcloudplatformv2`) keeps them for the current platform;
    /// 4. `~/.scp/credentials.json`, the older provider's location (same keys).
    ///
    /// Files are read with [`from_file`](Self::from_file); a set `SCP_ACCOUNT_ID`
    /// overrides the account id found there. SCP documents no SDK credentials
    /// file of its own, hence the Terraform provider's layout.
    pub fn from_default_chain() -> Result<Self, Error> {
        Self::default_chain(&env_var)
    }

    fn default_chain(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        if env("SCP_ACCESS_KEY").is_some() || env("SCP_SECRET_KEY").is_some() {
            return Self::from_lookup(env);
        }
        let path = match env("SCP_CONFIG_FILE") {
            Some(path) => PathBuf::from(path),
            None => default_credentials_file(env)?,
        };
        Ok(Self::from_file(path)?.with_account_from(env))
    }

    fn with_account_from(self, env: &dyn Fn(&str) -> Option<String>) -> Self {
        match env("SCP_ACCOUNT_ID") {
            Some(account_id) => self.with_account_id(account_id),
            None => self,
        }
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
            Ok(None)
        })
    }

    fn secrets(&self) -> Vec<Secret> {
        vec![self.secret_key.clone()]
    }
}

impl From<ScpCredentials> for Auth {
    fn from(credentials: ScpCredentials) -> Self {
        Auth::signer(credentials)
    }
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
    #[serde(rename = "account-id")]
    account_id: Option<String>,
}

/// The member of the provider's `config.json` this crate uses.
#[derive(Deserialize)]
struct ConfigFile {
    #[serde(rename = "account-id")]
    account_id: Option<String>,
}

/// Parses a JSON file; a syntax error is reported by position only, since the
/// parser's message could quote the secret key.
fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read(path).map_err(|e| Error::Auth(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_slice(&text).map_err(|e| {
        Error::Auth(format!(
            "{} is not a valid credentials file (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        ))
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

/// The first existing file of [`HOME_CREDENTIAL_FILES`].
fn default_credentials_file(env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf, Error> {
    let home = env("HOME").or_else(|| env("USERPROFILE")).map(PathBuf::from);
    let candidates: Vec<PathBuf> = match &home {
        Some(home) => HOME_CREDENTIAL_FILES.iter().map(|file| home.join(file)).collect(),
        None => Vec::new(),
    };
    candidates.iter().find(|path| path.is_file()).cloned().ok_or_else(|| {
        Error::Auth(
            "no SCP credentials: set SCP_ACCESS_KEY and SCP_SECRET_KEY, or SCP_CONFIG_FILE, \
             or create ~/.scpconf/credentials.json"
                .into(),
        )
    })
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
