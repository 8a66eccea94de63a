//! Each cloud's environment loader with an injected environment and a
//! temporary home directory: every source, the precedence order, the errors
//! (what was looked for, never a secret), and the endpoint lookups against a
//! mock SCP endpoint catalog and a mock NHN Cloud identity service.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use cloudsdk_runtime::auth::TokenProvider as _;
use cloudsdk_runtime::chrono::{SecondsFormat, TimeDelta, Utc};
use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::kakaocloud::KakaoCloudIam;
use cloudsdk_runtime::nhncloud::{clouds_yaml_files, NhnIdentity};
use cloudsdk_runtime::scp::{sign, ScpCredentials, ScpEnvironment};
use cloudsdk_runtime::{Auth, Client, Config, Error, Request, ServiceInfo};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICE: ServiceInfo = ServiceInfo { name: "test", version: "0.1.0", api_version: None, security_scheme: None };

/// A fresh temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        // Tests run in parallel: a counter keeps their directories apart.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("cloudsdk-env-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, file: &str, text: &str) -> PathBuf {
        let path = self.0.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An injected environment.
fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |name| map.get(name).cloned()
}

fn signed_by(environment: &ScpEnvironment, access_key: &str, secret: &str, account: &str) -> bool {
    let credentials = environment.credentials();
    credentials.access_key() == access_key
        && credentials.account_id() == account
        && credentials.signature("GET", "u", "1") == sign(secret, "GET", "u", "1", access_key, account)
}

// ---------------------------------------------------------------- SCP

/// The provider's two files under `~/.scpconf`, with every key.
fn scp_home() -> TempDir {
    let home = TempDir::new("scp-home");
    home.write(
        ".scpconf/credentials.json",
        r#"{"access-key": "FILE-AK", "secret-key": "FILE-SK", "auth-token": "FILE-TOKEN"}"#,
    );
    home.write(
        ".scpconf/config.json",
        r#"{"auth-url": "https://file-iam.example", "endpoint-override": "https://file-override.example",
            "account-id": "FILE-ACC", "default-region": "file-region", "max-remain-days": 90}"#,
    );
    home
}

#[test]
fn scp_files_give_every_value_with_the_providers_keys() {
    let home = scp_home();
    let environment = ScpEnvironment::load_from(vars(&[]), Some(home.path().to_owned())).unwrap();
    assert!(signed_by(&environment, "FILE-AK", "FILE-SK", "FILE-ACC"));
    assert!(environment.credentials().has_auth_token(), "auth-token is read");
    assert_eq!(environment.auth_url(), Some("https://file-iam.example"));
    assert_eq!(environment.endpoint_override(), Some("https://file-override.example"));
    assert_eq!(environment.region(), Some("file-region"));
}

#[test]
fn scp_terraform_variables_win_over_the_files() {
    let home = scp_home();
    let env = vars(&[
        ("SCP_TF_ACCESS_KEY", "TF-AK"),
        ("SCP_TF_SECRET_KEY", "TF-SK"),
        ("SCP_TF_ACCOUNT_ID", "TF-ACC"),
        ("SCP_TF_AUTH_URL", "https://tf-iam.example"),
        ("SCP_TF_ENDPOINT_OVERRIDE", "https://tf-override.example"),
        ("SCP_TF_DEFAULT_REGION", "tf-region"),
    ]);
    let environment = ScpEnvironment::load_from(env, Some(home.path().to_owned())).unwrap();
    assert!(signed_by(&environment, "TF-AK", "TF-SK", "TF-ACC"));
    // The token goes with its key pair: the file's is not sent with the variables' keys.
    assert!(!environment.credentials().has_auth_token());
    assert_eq!(environment.auth_url(), Some("https://tf-iam.example"));
    assert_eq!(environment.endpoint_override(), Some("https://tf-override.example"));
    assert_eq!(environment.region(), Some("tf-region"));
    // Each value on its own: a variable for one leaves the others to the file.
    let environment =
        ScpEnvironment::load_from(vars(&[("SCP_TF_DEFAULT_REGION", "tf-region")]), Some(home.path().to_owned()))
            .unwrap();
    assert!(signed_by(&environment, "FILE-AK", "FILE-SK", "FILE-ACC"));
    assert_eq!(environment.region(), Some("tf-region"));
    assert_eq!(environment.auth_url(), Some("https://file-iam.example"));
}

#[test]
fn scp_our_variables_win_over_the_terraform_ones_and_code_over_all() {
    let home = scp_home();
    let env = vars(&[
        ("SCP_ACCESS_KEY", "OUR-AK"),
        ("SCP_SECRET_KEY", "OUR-SK"),
        ("SCP_AUTH_TOKEN", "OUR-TOKEN"),
        ("SCP_ACCOUNT_ID", "OUR-ACC"),
        ("SCP_AUTH_URL", "https://our-iam.example"),
        ("SCP_ENDPOINT_OVERRIDE", "https://our-override.example"),
        ("SCP_DEFAULT_REGION", "our-region"),
        ("SCP_TF_ACCESS_KEY", "TF-AK"),
        ("SCP_TF_SECRET_KEY", "TF-SK"),
        ("SCP_TF_ACCOUNT_ID", "TF-ACC"),
        ("SCP_TF_AUTH_URL", "https://tf-iam.example"),
        ("SCP_TF_ENDPOINT_OVERRIDE", "https://tf-override.example"),
        ("SCP_TF_DEFAULT_REGION", "tf-region"),
    ]);
    let environment = ScpEnvironment::load_from(env, Some(home.path().to_owned())).unwrap();
    assert!(signed_by(&environment, "OUR-AK", "OUR-SK", "OUR-ACC"));
    assert!(environment.credentials().has_auth_token());
    assert_eq!(environment.auth_url(), Some("https://our-iam.example"));
    assert_eq!(environment.endpoint_override(), Some("https://our-override.example"));
    assert_eq!(environment.region(), Some("our-region"));
    let environment = environment
        .with_credentials(ScpCredentials::new("CODE-AK", "CODE-SK"))
        .with_region("code-region")
        .with_auth_url("https://code-iam.example")
        .with_endpoint_override("https://code-override.example");
    assert!(signed_by(&environment, "CODE-AK", "CODE-SK", ""));
    assert_eq!(environment.region(), Some("code-region"));
    assert_eq!(environment.auth_url(), Some("https://code-iam.example"));
    assert_eq!(environment.endpoint_override(), Some("https://code-override.example"));
}

#[test]
fn scp_config_file_names_the_credentials_file_and_its_config_json() {
    let home = scp_home();
    let other = TempDir::new("scp-other");
    let file = other.write("creds.json", r#"{"access-key": "NAMED-AK", "secret-key": "NAMED-SK"}"#);
    other.write("config.json", r#"{"default-region": "named-region", "account-id": "NAMED-ACC"}"#);
    let env = vars(&[("SCP_CONFIG_FILE", file.to_str().unwrap())]);
    let environment = ScpEnvironment::load_from(env, Some(home.path().to_owned())).unwrap();
    assert!(signed_by(&environment, "NAMED-AK", "NAMED-SK", "NAMED-ACC"));
    assert_eq!(environment.region(), Some("named-region"));
    assert_eq!(environment.auth_url(), None, "the home config.json is not mixed in");
}

#[test]
fn scp_errors_list_what_was_looked_for_and_no_secret() {
    let home = TempDir::new("scp-empty");
    let err = ScpEnvironment::load_from(vars(&[]), Some(home.path().to_owned())).unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    let message = err.to_string();
    for looked in [
        "SCP_ACCESS_KEY",
        "SCP_SECRET_KEY",
        "SCP_TF_ACCESS_KEY",
        "SCP_TF_SECRET_KEY",
        "SCP_CONFIG_FILE",
        ".scpconf/credentials.json",
        ".scp/credentials.json",
    ] {
        assert!(message.contains(looked), "{looked} missing from: {message}");
    }
    // Half a pair: the missing half is named, the present secret is not shown.
    let env = vars(&[("SCP_TF_SECRET_KEY", "half-secret-value")]);
    let message = ScpEnvironment::load_from(env, Some(home.path().to_owned())).unwrap_err().to_string();
    assert!(message.contains("SCP_TF_ACCESS_KEY") && !message.contains("half-secret-value"), "{message}");
    // A broken file is named with a position, not its contents.
    home.write(".scpconf/credentials.json", r#"{"access-key": "AK", "secret-key": 98765432"#);
    let message = ScpEnvironment::load_from(vars(&[]), Some(home.path().to_owned())).unwrap_err().to_string();
    assert!(message.contains("credentials.json") && !message.contains("98765432"), "{message}");
}

/// A catalog with epas in two regions and a global service.
fn catalog() -> serde_json::Value {
    json!({"endpoints": [
        {"region": "kr-west1", "service_type": "scp-epas", "service_name": "EPAS", "url": "https://epas.kr-west1.example/"},
        {"region": "kr-east1", "service_type": "scp-epas", "service_name": "EPAS", "url": "https://epas.kr-east1.example"},
        {"region": "kr-west1", "service_type": "scp-vertica", "service_name": "Vertica", "url": "https://vertica.kr-west1.example"},
        {"region": "", "service_type": "scp-iam", "service_name": "IAM", "url": "https://iam.example"}
    ]})
}

fn scp_environment(server: &MockServer, region: Option<&str>) -> ScpEnvironment {
    let mut pairs = vec![
        ("SCP_ACCESS_KEY", "AK"),
        ("SCP_SECRET_KEY", "SK"),
        ("SCP_ACCOUNT_ID", "ACC"),
        ("SCP_AUTH_TOKEN", "the-auth-token"),
    ];
    if let Some(region) = region {
        pairs.push(("SCP_DEFAULT_REGION", region));
    }
    let uri = server.uri();
    pairs.push(("SCP_AUTH_URL", &uri));
    ScpEnvironment::load_from(vars(&pairs), None).unwrap()
}

#[tokio::test]
async fn scp_catalog_is_one_signed_call_filtered_by_type_and_region() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/endpoints"))
        .and(header("scp-accesskey", "AK"))
        .and(header("scp-accountid", "ACC"))
        .and(header("scp-clienttype", "Openapi"))
        .and(header("x-auth-token", "the-auth-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(catalog()))
        .expect(1)
        .mount(&server)
        .await;
    let environment = scp_environment(&server, Some("kr-west1"));
    // The default region, then another asked for; a clone shares the cache.
    assert_eq!(environment.endpoint("scp-epas").await.unwrap().as_deref(), Some("https://epas.kr-west1.example"));
    let clone = environment.clone();
    assert_eq!(
        clone.endpoint_in("scp-epas", Some("kr-east1")).await.unwrap().as_deref(),
        Some("https://epas.kr-east1.example")
    );
    // An entry without a region serves every region.
    assert_eq!(environment.endpoint("scp-iam").await.unwrap().as_deref(), Some("https://iam.example"));
    // Nothing in the region: an error naming the type and the region.
    let err = environment.endpoint_in("scp-vertica", Some("kr-east1")).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(
        message.contains("scp-vertica") && message.contains("kr-east1") && message.contains("kr-west1"),
        "{message}"
    );
    let message = environment.endpoint("scp-nothing").await.unwrap_err().to_string();
    assert!(message.contains("scp-nothing") && message.contains("scp-epas"), "{message}");

    // The signature is the SCP one over the catalog URL.
    let requests = server.received_requests().await.unwrap();
    let request = &requests[0];
    let header = |name: &str| request.headers.get(name).unwrap().to_str().unwrap().to_owned();
    let url = format!("{}/endpoints", server.uri());
    assert_eq!(header("scp-signature"), sign("SK", "GET", &url, &header("scp-timestamp"), "AK", "ACC"));
}

#[tokio::test]
async fn scp_catalog_without_a_region_takes_the_only_entry_or_asks_for_one() {
    let server = MockServer::start().await;
    Mock::given(path("/endpoints"))
        .respond_with(ResponseTemplate::new(200).set_body_json(catalog()))
        .mount(&server)
        .await;
    let environment = scp_environment(&server, None);
    assert_eq!(environment.endpoint("scp-vertica").await.unwrap().as_deref(), Some("https://vertica.kr-west1.example"));
    let message = environment.endpoint("scp-epas").await.unwrap_err().to_string();
    assert!(message.contains("SCP_DEFAULT_REGION") && message.contains("kr-east1"), "{message}");
}

#[tokio::test]
async fn scp_endpoint_override_wins_and_no_auth_url_means_the_template() {
    let server = MockServer::start().await;
    Mock::given(path("/endpoints")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let environment = scp_environment(&server, Some("kr-west1")).with_endpoint_override("https://override.example/");
    assert_eq!(environment.endpoint("scp-epas").await.unwrap().as_deref(), Some("https://override.example"));
    let environment = ScpEnvironment::new(ScpCredentials::new("AK", "SK"));
    assert_eq!(environment.endpoint("scp-epas").await.unwrap(), None);
}

#[tokio::test]
async fn scp_catalog_failures_are_errors_and_not_cached() {
    let server = MockServer::start().await;
    Mock::given(path("/endpoints"))
        .respond_with(ResponseTemplate::new(403).set_body_string("denied for the-auth-token"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/endpoints"))
        .respond_with(ResponseTemplate::new(200).set_body_json(catalog()))
        .mount(&server)
        .await;
    let environment = scp_environment(&server, Some("kr-west1"));
    let err = environment.endpoint("scp-epas").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    // The auth token is one of the secrets errors redact.
    assert!(!err.to_string().contains("the-auth-token"), "{err}");
    assert!(!format!("{err:?}").contains("the-auth-token"), "{err:?}");
    assert!(environment.endpoint("scp-epas").await.unwrap().is_some(), "the failure was not remembered");
}

#[tokio::test]
async fn scp_auth_token_is_sent_as_x_auth_token_only_when_set() {
    let server = MockServer::start().await;
    Mock::given(path("/with"))
        .and(header("x-auth-token", "tok"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/without")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let with = Client::new(Config::new(server.uri(), ScpCredentials::new("AK", "SK").with_auth_token("tok")), SERVICE)
        .unwrap();
    with.execute(Request::new(Method::GET, "op", "/with".to_owned())).await.unwrap();
    let without = Client::new(Config::new(server.uri(), ScpCredentials::new("AK", "SK")), SERVICE).unwrap();
    without.execute(Request::new(Method::GET, "op", "/without".to_owned())).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let last = requests.iter().find(|r| r.url.path() == "/without").unwrap();
    assert!(!last.headers.contains_key("x-auth-token"));
}

// ---------------------------------------------------------------- NHN Cloud

fn nhn_debug(identity: &NhnIdentity) -> String {
    format!("{identity:?}")
}

#[test]
fn nhn_openstack_variables_are_read_when_ours_are_not_set() {
    let env = vars(&[
        ("OS_AUTH_URL", "https://identity.example/v2.0/"),
        ("OS_USERNAME", "os-user@example.com"),
        ("OS_PASSWORD", "os-password-value"),
        ("OS_PROJECT_ID", "os-project"),
        ("OS_REGION_NAME", "KR2"),
    ]);
    let identity = NhnIdentity::load_from(env, &[]).unwrap();
    let shown = nhn_debug(&identity);
    assert_eq!(identity.tenant_id(), "os-project");
    assert_eq!(identity.region(), Some("KR2"));
    assert!(shown.contains("os-user@example.com") && shown.contains("\"https://identity.example\""), "{shown}");
    assert!(!shown.contains("os-password-value"), "{shown}");
    // OS_TENANT_ID wins over OS_PROJECT_ID.
    let env =
        vars(&[("OS_USERNAME", "u"), ("OS_PASSWORD", "p"), ("OS_PROJECT_ID", "project"), ("OS_TENANT_ID", "tenant")]);
    assert_eq!(NhnIdentity::load_from(env, &[]).unwrap().tenant_id(), "tenant");
}

#[test]
fn nhn_our_variables_win_and_sources_are_not_mixed() {
    let env = vars(&[
        ("NHN_TENANT_ID", "our-tenant"),
        ("NHN_USERNAME", "our-user"),
        ("NHN_API_PASSWORD", "our-password"),
        ("NHN_REGION", "JP1"),
        ("OS_AUTH_URL", "https://another-cloud.example/v3"),
        ("OS_USERNAME", "os-user"),
        ("OS_PASSWORD", "os-password"),
        ("OS_TENANT_ID", "os-tenant"),
        ("OS_REGION_NAME", "KR2"),
    ]);
    let identity = NhnIdentity::load_from(env, &[]).unwrap();
    let shown = nhn_debug(&identity);
    assert_eq!(identity.tenant_id(), "our-tenant");
    assert_eq!(identity.region(), Some("JP1"));
    assert!(shown.contains("our-user") && !shown.contains("another-cloud"), "{shown}");
    assert!(shown.contains("api-identity-infrastructure.nhncloudservice.com"), "{shown}");
    // An incomplete source is an error naming what it lacks, not a mix.
    let env = vars(&[("NHN_USERNAME", "our-user"), ("OS_PASSWORD", "os-password"), ("OS_TENANT_ID", "t")]);
    let message = NhnIdentity::load_from(env, &[]).unwrap_err().to_string();
    assert!(message.contains("NHN_TENANT_ID") && message.contains("NHN_API_PASSWORD"), "{message}");
    assert!(!message.contains("os-password"), "{message}");
    // The region falls back to OS_REGION_NAME.
    let env =
        vars(&[("NHN_TENANT_ID", "t"), ("NHN_USERNAME", "u"), ("NHN_API_PASSWORD", "p"), ("OS_REGION_NAME", "KR2")]);
    assert_eq!(NhnIdentity::load_from(env, &[]).unwrap().region(), Some("KR2"));
}

const CLOUDS_YAML: &str = r#"
clouds:
  nhn-kr1:
    auth:
      auth_url: https://yaml-identity.example/v2.0
      username: yaml-user@example.com
      password: yaml-password-value
      project_id: yaml-project
    region_name: KR1
  nhn-jp1:
    auth:
      username: jp-user@example.com
      password: jp-password-value
      tenant_id: jp-tenant
    region_name: [JP1]
"#;

#[test]
fn nhn_clouds_yaml_cloud_is_chosen_by_os_cloud() {
    let dir = TempDir::new("nhn-clouds");
    let file = dir.write("home/.config/openstack/clouds.yaml", CLOUDS_YAML);
    let files = [dir.path().join("cwd/clouds.yaml"), file.clone()];
    let identity = NhnIdentity::load_from(vars(&[("OS_CLOUD", "nhn-kr1")]), &files).unwrap();
    let shown = nhn_debug(&identity);
    assert_eq!((identity.tenant_id(), identity.region()), ("yaml-project", Some("KR1")));
    assert!(shown.contains("yaml-user@example.com") && shown.contains("\"https://yaml-identity.example\""), "{shown}");
    let identity = NhnIdentity::load_from(vars(&[("OS_CLOUD", "nhn-jp1")]), &files).unwrap();
    assert_eq!((identity.tenant_id(), identity.region()), ("jp-tenant", Some("JP1")));
    // OS_REGION_NAME overrides the file's region.
    let identity = NhnIdentity::load_from(vars(&[("OS_CLOUD", "nhn-jp1"), ("OS_REGION_NAME", "KR1")]), &files).unwrap();
    assert_eq!(identity.region(), Some("KR1"));
    // Several clouds and no OS_CLOUD; an unknown one: errors naming the clouds.
    let message = NhnIdentity::load_from(vars(&[]), &files).unwrap_err().to_string();
    assert!(message.contains("OS_CLOUD") && message.contains("nhn-kr1") && message.contains("nhn-jp1"), "{message}");
    let message = NhnIdentity::load_from(vars(&[("OS_CLOUD", "other")]), &files).unwrap_err().to_string();
    assert!(message.contains("other") && message.contains("nhn-kr1"), "{message}");
    assert!(!message.contains("password-value"), "{message}");
    // The variables win over the file.
    let env =
        vars(&[("OS_CLOUD", "nhn-kr1"), ("OS_USERNAME", "u"), ("OS_PASSWORD", "p"), ("OS_TENANT_ID", "env-tenant")]);
    assert_eq!(NhnIdentity::load_from(env, &files).unwrap().tenant_id(), "env-tenant");
    // A file in an earlier place wins; its only cloud is used without OS_CLOUD.
    dir.write("cwd/clouds.yaml", "clouds:\n  only:\n    auth: {username: u, password: p, project_id: cwd-project}\n");
    assert_eq!(NhnIdentity::load_from(vars(&[]), &files).unwrap().tenant_id(), "cwd-project");
}

#[test]
fn nhn_errors_list_what_was_looked_for() {
    let dir = TempDir::new("nhn-none");
    let files = clouds_yaml_files(vars(&[]), Some(dir.path().join("home")), Some(dir.path().join("cwd")));
    let files: Vec<PathBuf> = files.into_iter().filter(|f| f.starts_with(dir.path())).collect();
    let message = NhnIdentity::load_from(vars(&[]), &files).unwrap_err().to_string();
    for looked in ["NHN_TENANT_ID", "NHN_API_PASSWORD", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_ID", "clouds.yaml"] {
        assert!(message.contains(looked), "{looked} missing from: {message}");
    }
    dir.write("cwd/clouds.yaml", "clouds:\n  c:\n    auth: {password: [secret-in-yaml\n");
    let message = NhnIdentity::load_from(vars(&[]), &files).unwrap_err().to_string();
    assert!(message.contains("clouds.yaml") && !message.contains("secret-in-yaml"), "{message}");
}

#[test]
fn nhn_clouds_yaml_locations_follow_openstacksdk() {
    let env = vars(&[("OS_CLIENT_CONFIG_FILE", "/custom/clouds.yaml")]);
    let files = clouds_yaml_files(env, Some("/home/me".into()), Some("/work".into()));
    let shown: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    assert_eq!(
        shown,
        [
            "/custom/clouds.yaml",
            "/work/clouds.yaml",
            "/work/clouds.yml",
            "/work/clouds.json",
            "/home/me/.config/openstack/clouds.yaml",
            "/home/me/.config/openstack/clouds.yml",
            "/home/me/.config/openstack/clouds.json",
            "/etc/openstack/clouds.yaml",
            "/etc/openstack/clouds.yml",
            "/etc/openstack/clouds.json",
        ]
    );
}

/// An NHN identity answer with the real shape: a token, its tenant, and a
/// service catalog with compute in two regions.
fn nhn_tokens(server: &MockServer, tenant: &str) -> serde_json::Value {
    let expires = (Utc::now() + TimeDelta::hours(12)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let compute = |region: &str| json!({"region": region, "publicURL": format!("{}/{}/v2/{tenant}", server.uri(), region.to_lowercase())});
    json!({"access": {
        "token": {"id": "nhn-token", "expires": expires, "tenant": {"id": tenant, "name": "project", "enabled": true}},
        "serviceCatalog": [
            {"endpoints": [compute("KR1"), compute("JP1")], "type": "compute", "name": "nova"},
            {"endpoints": [{"region": "KR1", "publicURL": "https://network.example"}], "type": "network", "name": "neutron"}
        ],
        "user": {"id": "user-id", "username": "me@example.com", "name": "me@example.com", "roles": [{"name": "Member"}]},
        "metadata": {"roles": ["role-id"], "is_admin": 0}
    }})
}

#[tokio::test]
async fn nhn_compute_endpoint_issues_a_token_and_drops_the_version_and_tenant() {
    let server = MockServer::start().await;
    let tenant = "tenant-abc";
    Mock::given(method("POST"))
        .and(path("/v2.0/tokens"))
        .and(body_json(
            json!({"auth": {"tenantId": tenant, "passwordCredentials": {"username": "me", "password": "pw"}}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(nhn_tokens(&server, tenant)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(format!("/kr1/v2/{tenant}/servers")))
        .and(header("x-auth-token", "nhn-token"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let auth_url = format!("{}/v2.0", server.uri());
    let env =
        vars(&[("OS_AUTH_URL", &auth_url), ("OS_USERNAME", "me"), ("OS_PASSWORD", "pw"), ("OS_TENANT_ID", tenant)]);
    let identity = NhnIdentity::load_from(env, &[]).unwrap().with_region("kr1");
    let compute = identity.compute_endpoint().await.unwrap();
    assert_eq!(compute.base_url, format!("{}/kr1", server.uri()), "no /v2/{{tenant}}");
    assert_eq!(compute.catalog_url, format!("{}/kr1/v2/{tenant}", server.uri()));
    assert_eq!((compute.tenant_id.as_str(), compute.region.as_str()), (tenant, "KR1"));
    // A region the catalog lacks, a service type it lacks: errors naming them.
    let message = identity.service_endpoint("object-store").await.unwrap_err().to_string();
    assert!(message.contains("object-store") && message.contains("kr1"), "{message}");
    // The token issued for the lookup is the one the client then sends.
    let client = Client::new(Config::new(compute.base_url, Auth::token(identity)), SERVICE).unwrap();
    let path = format!("/v2/{}/servers", compute.tenant_id);
    client.execute(Request::new(Method::GET, "list_servers", path)).await.unwrap();
}

#[tokio::test]
async fn nhn_compute_endpoint_without_a_region_names_the_catalogs() {
    let server = MockServer::start().await;
    Mock::given(path("/v2.0/tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(nhn_tokens(&server, "t")))
        .mount(&server)
        .await;
    let identity = NhnIdentity::new("t", "u", "p").with_base_url(server.uri());
    let message = identity.compute_endpoint().await.unwrap_err().to_string();
    assert!(
        message.contains("NHN_REGION") && message.contains("OS_REGION_NAME") && message.contains("JP1"),
        "{message}"
    );
    let message = identity.with_region("KR9").compute_endpoint().await.unwrap_err().to_string();
    assert!(message.contains("compute") && message.contains("KR9") && message.contains("KR1"), "{message}");
}

// ---------------------------------------------------------------- KakaoCloud

#[test]
fn kakaocloud_variables_in_order() {
    let all = [
        ("KAKAOCLOUD_APPLICATION_CREDENTIAL_ID", "ours-id"),
        ("KAKAOCLOUD_APPLICATION_CREDENTIAL_SECRET", "ours-secret"),
        ("OS_APPLICATION_CREDENTIAL_ID", "os-id"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", "os-secret"),
        ("APPLICATION_CREDENTIAL_ID", "old-id"),
        ("APPLICATION_CREDENTIAL_SECRET", "old-secret"),
        ("KAKAOCLOUD_REGION", "kr-central-2"),
        ("OS_REGION_NAME", "kr-central-1"),
    ];
    let shown = |pairs: &[(&str, &str)]| format!("{:?}", KakaoCloudIam::load_from(vars(pairs)).unwrap());
    let debug = shown(&all);
    assert!(debug.contains("ours-id") && !debug.contains("ours-secret"), "{debug}");
    assert_eq!(KakaoCloudIam::load_from(vars(&all)).unwrap().region(), Some("kr-central-2"));
    assert!(shown(&all[2..]).contains("os-id"));
    let os_only = [all[2], all[3], all[7]];
    assert_eq!(KakaoCloudIam::load_from(vars(&os_only)).unwrap().region(), Some("kr-central-1"));
    assert!(shown(&all[4..6]).contains("old-id"));
    let message = KakaoCloudIam::load_from(vars(&[])).unwrap_err().to_string();
    for looked in
        ["KAKAOCLOUD_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_SECRET", "APPLICATION_CREDENTIAL_ID"]
    {
        assert!(message.contains(looked), "{looked} missing from: {message}");
    }
    let message = KakaoCloudIam::load_from(vars(&[("OS_APPLICATION_CREDENTIAL_SECRET", "lonely-secret")]))
        .unwrap_err()
        .to_string();
    assert!(message.contains("OS_APPLICATION_CREDENTIAL_ID") && !message.contains("lonely-secret"), "{message}");
}

#[tokio::test]
async fn kakaocloud_os_auth_url_is_the_iam_service_and_must_be_kakaos() {
    let server = MockServer::start().await;
    let expires = (Utc::now() + TimeDelta::hours(12)).to_rfc3339_opts(SecondsFormat::Micros, true);
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .and(body_json(json!({"auth": {"identity": {
            "methods": ["application_credential"],
            "application_credential": {"id": "os-id", "secret": "os-secret"},
        }}})))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-subject-token", "kakao-token")
                .set_body_json(json!({"token": {"expires_at": expires}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let auth_url = format!("{}/identity/v3", server.uri());
    let env = vars(&[
        ("OS_AUTH_URL", &auth_url),
        ("OS_APPLICATION_CREDENTIAL_ID", "os-id"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", "os-secret"),
    ]);
    let iam = KakaoCloudIam::load_from(env).unwrap();
    assert_eq!(iam.token().await.unwrap().expose(), "kakao-token");
    let env = vars(&[
        ("OS_AUTH_URL", "https://keystone.other-cloud.example/v3"),
        ("OS_APPLICATION_CREDENTIAL_ID", "os-id"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", "os-secret"),
    ]);
    let message = KakaoCloudIam::load_from(env).unwrap_err().to_string();
    assert!(message.contains("OS_AUTH_URL") && !message.contains("os-secret"), "{message}");
}
