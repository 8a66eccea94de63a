//! Secrets never show in `Debug` output or error messages, whatever a user logs.

use std::sync::Arc;

use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::kakaocloud::KakaoCloudIam;
use cloudsdk_runtime::nhncloud::NhnIdentity;
use cloudsdk_runtime::scp::ScpCredentials;
use cloudsdk_runtime::{Auth, Client, Config, Request, ServiceInfo};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICE: ServiceInfo = ServiceInfo { name: "test", version: "0.1.0", api_version: Some("test 1.0") };

const SECRET: &str = "s3cr3t-value-never-shown";
const TOKEN: &str = "issued-token-never-shown";

fn assert_hidden(shown: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!shown.contains(secret), "{secret:?} leaked into {shown}");
    }
}

#[test]
fn debug_of_credentials_providers_configs_and_clients_hides_secrets() {
    let auths = [
        Auth::from(ScpCredentials::new("AK", SECRET).with_account_id("acc")),
        Auth::token(NhnIdentity::new("tenant", "me@example.com", SECRET)),
        Auth::token(KakaoCloudIam::new("credential-id", SECRET)),
        Auth::static_token(SECRET),
        Auth::static_bearer(SECRET),
        Auth::bearer(KakaoCloudIam::new("credential-id", SECRET)),
        Auth::api_key("x-api-key", SECRET).unwrap(),
    ];
    for auth in auths {
        let config = Config::new("https://example.invalid", auth.clone());
        let client = Client::new(config.clone(), SERVICE).unwrap();
        for shown in [format!("{auth:?}"), format!("{config:?}"), format!("{client:?}"), format!("{client:#?}")] {
            assert_hidden(&shown, &[SECRET]);
        }
    }
    let nhn = NhnIdentity::new("tenant", "me@example.com", SECRET);
    assert!(format!("{nhn:?}").contains("me@example.com"), "identifiers stay visible for debugging");
}

#[tokio::test]
async fn a_cached_token_is_not_shown_by_debug() {
    let server = MockServer::start().await;
    Mock::given(path("/identity/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-subject-token", TOKEN)
                .set_body_json(json!({"token": {"expires_at": "2999-01-01T00:00:00Z"}})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/v2/servers")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let iam = Arc::new(KakaoCloudIam::new("credential-id", SECRET).with_base_url(server.uri()));
    let client = Client::new(Config::new(server.uri(), Auth::token(iam.clone())), SERVICE).unwrap();
    client.execute(Request::new(Method::GET, "list_servers", "/v2/servers".to_owned())).await.unwrap();

    assert_hidden(&format!("{iam:?} {client:?}"), &[SECRET, TOKEN]);
}

#[tokio::test]
async fn an_identity_failure_does_not_repeat_the_password() {
    let server = MockServer::start().await;
    // A careless identity service that echoes what it was sent.
    Mock::given(path("/v2.0/tokens"))
        .respond_with(|request: &wiremock::Request| {
            ResponseTemplate::new(401).set_body_string(format!("rejected: {}", String::from_utf8_lossy(&request.body)))
        })
        .mount(&server)
        .await;

    let identity = NhnIdentity::new("tenant", "me@example.com", SECRET).with_base_url(server.uri());
    let client = Client::new(Config::new(server.uri(), Auth::token(identity)), SERVICE).unwrap();
    let err = client.execute(Request::new(Method::GET, "list_servers", "/v2/servers".to_owned())).await.unwrap_err();

    let shown = format!("{err} {err:?}");
    assert!(shown.contains("401") && shown.contains("<redacted>"), "{shown}");
    assert_hidden(&shown, &[SECRET]);
}

#[test]
fn an_api_key_auth_shows_its_header_but_not_its_key() {
    let shown = format!("{:?}", Auth::api_key("X-Api-Key", SECRET).unwrap());
    assert!(shown.contains("x-api-key"), "{shown}");
    assert_hidden(&shown, &[SECRET]);
}

#[tokio::test]
async fn a_json_escaped_echo_of_the_password_is_redacted() {
    let password = r#"pa"ss\word-never-shown"#;
    let server = MockServer::start().await;
    // Echoes the request body: the password appears JSON-escaped, as `pa\"ss\\word…`.
    Mock::given(path("/v2.0/tokens"))
        .respond_with(|request: &wiremock::Request| {
            ResponseTemplate::new(401).set_body_string(format!("rejected: {}", String::from_utf8_lossy(&request.body)))
        })
        .mount(&server)
        .await;

    let identity = NhnIdentity::new("tenant", "me@example.com", password).with_base_url(server.uri());
    let client = Client::new(Config::new(server.uri(), Auth::token(identity)), SERVICE).unwrap();
    let err = client.execute(Request::new(Method::GET, "list_servers", "/v2/servers".to_owned())).await.unwrap_err();

    let shown = format!("{err} {err:?}");
    assert!(shown.contains("401") && shown.contains("<redacted>"), "{shown}");
    assert_hidden(&shown, &["word-never-shown", "pa\\\"ss", "pa\"ss"]);
}
