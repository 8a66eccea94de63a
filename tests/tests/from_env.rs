//! `Client::from_env()` of each cloud as a user calls it: the process
//! environment is the input, so everything runs in one test, in sequence, with
//! `HOME` pointing at an empty folder (no real config file is read).

use cloudsdk_runtime::chrono::{SecondsFormat, TimeDelta, Utc};
use serde_json::json;
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn expires() -> String {
    (Utc::now() + TimeDelta::hours(12)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

const VARIABLES: &[&str] = &[
    "SCP_ACCESS_KEY",
    "SCP_SECRET_KEY",
    "SCP_ENDPOINT_OVERRIDE",
    "SCP_DEFAULT_REGION",
    "SCP_TF_ACCESS_KEY",
    "SCP_TF_SECRET_KEY",
    "SCP_TF_DEFAULT_REGION",
    "SCP_AUTH_URL",
    "SCP_TF_AUTH_URL",
    "SCP_CONFIG_FILE",
    "NHN_TENANT_ID",
    "NHN_USERNAME",
    "NHN_API_PASSWORD",
    "NHN_IDENTITY_URL",
    "NHN_REGION",
    "OS_CLOUD",
    "OS_AUTH_URL",
    "OS_USERNAME",
    "OS_PASSWORD",
    "OS_TENANT_ID",
    "OS_PROJECT_ID",
    "OS_REGION_NAME",
    "OS_CLIENT_CONFIG_FILE",
    "KAKAOCLOUD_APPLICATION_CREDENTIAL_ID",
    "KAKAOCLOUD_APPLICATION_CREDENTIAL_SECRET",
    "KAKAOCLOUD_REGION",
    "OS_APPLICATION_CREDENTIAL_ID",
    "OS_APPLICATION_CREDENTIAL_SECRET",
];

fn set(name: &str, value: &str) {
    // Safe here: this binary has one test, and it sets variables before any thread reads them.
    unsafe { std::env::set_var(name, value) }
}

#[tokio::test(flavor = "current_thread")]
async fn each_clouds_client_is_configured_from_the_environment_alone() {
    let home = std::env::temp_dir().join(format!("from-env-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    set("HOME", home.to_str().unwrap());
    std::env::set_current_dir(&home).unwrap();
    for name in VARIABLES {
        unsafe { std::env::remove_var(name) }
    }

    // SCP: the Terraform provider's variables and an endpoint override.
    let scp = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/clusters"))
        .and(header("scp-accesskey", "tf-access"))
        .and(header_exists("scp-signature"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"contents": [], "count": 0, "page": 0, "size": 20, "sort": []})),
        )
        .expect(1)
        .mount(&scp)
        .await;
    set("SCP_TF_ACCESS_KEY", "tf-access");
    set("SCP_TF_SECRET_KEY", "tf-secret");
    set("SCP_TF_ENDPOINT_OVERRIDE", &scp.uri());
    let client = scp_epas::Client::from_env().await.unwrap();
    client.list_clusters().send().await.unwrap();

    // Without an override or auth URL, the URL template needs a region: its error says where to set one.
    unsafe { std::env::remove_var("SCP_TF_ENDPOINT_OVERRIDE") }
    let err = scp_epas::Client::from_env().await.unwrap_err().to_string();
    assert!(err.contains("SCP_DEFAULT_REGION") && !err.contains("tf-secret"), "{err}");
    set("SCP_TF_DEFAULT_REGION", "kr-east1");
    let client = scp_epas::Client::from_env().await.unwrap();
    assert_eq!(client.runtime().config().base_url(), "https://epas.kr-east1.s.samsungsdscloud.com");

    // NHN Cloud: OpenStack variables; the compute endpoint comes from the token's catalog.
    let nhn = MockServer::start().await;
    let tenant = "tenant-abc";
    let compute = |region: &str| json!({"region": region, "publicURL": format!("{}/{}/v2/{tenant}", nhn.uri(), region.to_lowercase())});
    let tokens = json!({"access": {
        "token": {"id": "nhn-token", "expires": expires(), "tenant": {"id": tenant, "name": "p", "enabled": true}},
        "serviceCatalog": [{"endpoints": [compute("KR1"), compute("JP1")], "type": "compute", "name": "nova"}],
        "user": {"id": "u", "username": "me", "name": "me", "roles": []},
        "metadata": {"roles": [], "is_admin": 0}
    }});
    Mock::given(method("POST"))
        .and(path("/v2.0/tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens))
        .expect(1)
        .mount(&nhn)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/jp1/v2/{tenant}/flavors")))
        .and(header("x-auth-token", "nhn-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"flavors": []})))
        .expect(1)
        .mount(&nhn)
        .await;
    set("OS_AUTH_URL", &format!("{}/v2.0", nhn.uri()));
    set("OS_USERNAME", "me");
    set("OS_PASSWORD", "os-password");
    set("OS_TENANT_ID", tenant);
    set("OS_REGION_NAME", "JP1");
    let client = nhncloud_compute::Client::from_env().await.unwrap();
    client.list_flavors().send().await.unwrap();

    // KakaoCloud: no region is picked silently.
    set("KAKAOCLOUD_APPLICATION_CREDENTIAL_ID", "id");
    set("KAKAOCLOUD_APPLICATION_CREDENTIAL_SECRET", "kakao-secret");
    unsafe { std::env::remove_var("OS_REGION_NAME") }
    let err = kakaocloud_redis::Client::from_env().await.unwrap_err().to_string();
    assert!(err.contains("KAKAOCLOUD_REGION") && !err.contains("kakao-secret"), "{err}");
    set("KAKAOCLOUD_REGION", "kr-central-3");
    let client = kakaocloud_redis::Client::from_env().await.unwrap();
    assert!(client.runtime().config().base_url().contains("kr-central-3"), "{}", client.runtime().config().base_url());
    let err = {
        set("KAKAOCLOUD_REGION", "kr-nowhere");
        kakaocloud_redis::Client::from_env().await.unwrap_err().to_string()
    };
    assert!(err.contains("kr-central-2"), "an unknown region lists the valid ones: {err}");
}
