//! Token providers against mock identity services: issuing, sharing, refreshing
//! and re-issuing after a 401, sent as `X-Auth-Token` or `Authorization: Bearer`;
//! API key headers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cloudsdk_runtime::chrono::{SecondsFormat, TimeDelta, Utc};
use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::kakaocloud::KakaoCloudIam;
use cloudsdk_runtime::nhncloud::NhnIdentity;
use cloudsdk_runtime::{Auth, Client, Config, Error, Request, ServiceInfo};
use serde_json::json;
use wiremock::matchers::{any, body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const SERVICE: ServiceInfo = ServiceInfo { name: "test", version: "0.1.0", api_version: None, security_scheme: None };
const KAKAO_TOKENS: &str = "/identity/v3/auth/tokens";

/// A KakaoCloud IAM that issues `token-1`, `token-2`, … valid for `lifetime` from
/// the moment they are issued (negative: already expired).
struct KakaoTokens {
    issued: AtomicUsize,
    lifetime: TimeDelta,
}

impl KakaoTokens {
    fn valid_for(lifetime: TimeDelta) -> Self {
        KakaoTokens { issued: AtomicUsize::new(0), lifetime }
    }
}

impl Respond for KakaoTokens {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let expires_at = (Utc::now() + self.lifetime).to_rfc3339_opts(SecondsFormat::Micros, true);
        ResponseTemplate::new(201)
            .insert_header("x-subject-token", format!("token-{n}").as_str())
            .set_body_json(json!({"token": {"expires_at": expires_at, "methods": ["application_credential"]}}))
    }
}

fn kakao(server: &MockServer) -> KakaoCloudIam {
    KakaoCloudIam::new("credential-id", "credential-secret").with_base_url(server.uri())
}

fn client(server: &MockServer, auth: Auth) -> Client {
    Client::new(Config::new(server.uri(), auth), SERVICE).unwrap()
}

fn get_servers() -> Request {
    Request::new(Method::GET, "list_servers", "/v2/servers".to_owned())
}

/// Mounts `/v2/servers` answering `status` to requests carrying `token`, `times` times.
async fn servers_for(server: &MockServer, token: &str, status: u16, times: u64) {
    Mock::given(path("/v2/servers"))
        .and(header("x-auth-token", token))
        .respond_with(ResponseTemplate::new(status))
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn an_nhn_token_is_issued_once_and_reused() {
    let server = MockServer::start().await;
    let request_body = json!({"auth": {
        "tenantId": "tenant-1",
        "passwordCredentials": {"username": "me@example.com", "password": "api-password"},
    }});
    Mock::given(method("POST"))
        .and(path("/v2.0/tokens"))
        .and(body_json(request_body))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access": {
            "token": {"id": "nhn-token", "expires": "2999-11-24T02:00:00Z"},
            "serviceCatalog": [{"type": "compute", "name": "nova", "endpoints": [
                {"region": "KR1", "publicURL": "https://kr1-api-instance.example/v2/tenant-1"},
                {"region": "JP1", "publicURL": "https://jp1-api-instance.example/v2/tenant-1"},
            ]}],
        }})))
        .expect(1)
        .mount(&server)
        .await;
    servers_for(&server, "nhn-token", 200, 3).await;

    let identity =
        std::sync::Arc::new(NhnIdentity::new("tenant-1", "me@example.com", "api-password").with_base_url(server.uri()));
    assert_eq!(identity.endpoint("compute", "KR1"), None);
    let client = client(&server, Auth::token(identity.clone()));
    for _ in 0..3 {
        client.execute(get_servers()).await.unwrap();
    }
    assert_eq!(identity.endpoint("compute", "jp1").as_deref(), Some("https://jp1-api-instance.example/v2/tenant-1"));
    assert_eq!(identity.endpoint("network", "KR1"), None);
}

#[tokio::test]
async fn a_kakao_token_is_replaced_shortly_before_it_expires() {
    let server = MockServer::start().await;
    Mock::given(path(KAKAO_TOKENS))
        .and(body_json(json!({"auth": {"identity": {
            "methods": ["application_credential"],
            "application_credential": {"id": "credential-id", "secret": "credential-secret"},
        }}})))
        .respond_with(KakaoTokens::valid_for(TimeDelta::seconds(1)))
        .expect(2)
        .mount(&server)
        .await;
    servers_for(&server, "token-1", 200, 2).await;
    servers_for(&server, "token-2", 200, 1).await;

    let iam = kakao(&server).with_refresh_before(Duration::from_millis(500));
    let client = client(&server, Auth::token(iam));
    client.execute(get_servers()).await.unwrap();
    client.execute(get_servers()).await.unwrap();
    // Within the refresh margin, yet before expiry: a new token is issued.
    tokio::time::sleep(Duration::from_millis(700)).await;
    client.execute(get_servers()).await.unwrap();
}

#[tokio::test]
async fn twenty_concurrent_requests_with_an_expired_token_trigger_one_refresh() {
    let server = MockServer::start().await;
    Mock::given(path(KAKAO_TOKENS))
        .respond_with(KakaoTokens::valid_for(TimeDelta::minutes(-1)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(KAKAO_TOKENS))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-subject-token", "token-2")
                .set_body_json(json!({"token": {"expires_at": "2999-01-01T00:00:00Z"}}))
                .set_delay(Duration::from_millis(200)),
        )
        .expect(1)
        .mount(&server)
        .await;
    servers_for(&server, "token-1", 200, 1).await;
    servers_for(&server, "token-2", 200, 20).await;

    let client = client(&server, Auth::token(kakao(&server)));
    // The first request gets a token that has already expired.
    client.execute(get_servers()).await.unwrap();
    let requests: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.execute(get_servers()).await })
        })
        .collect();
    for request in requests {
        request.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_401_triggers_one_new_token_and_a_successful_retry() {
    let server = MockServer::start().await;
    Mock::given(path(KAKAO_TOKENS))
        .respond_with(KakaoTokens::valid_for(TimeDelta::hours(1)))
        .expect(2)
        .mount(&server)
        .await;
    servers_for(&server, "token-1", 401, 1).await;
    servers_for(&server, "token-2", 200, 1).await;

    let response = client(&server, Auth::token(kakao(&server))).execute(get_servers()).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_second_401_is_returned_without_looping() {
    let server = MockServer::start().await;
    Mock::given(path(KAKAO_TOKENS))
        .respond_with(KakaoTokens::valid_for(TimeDelta::hours(1)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/v2/servers")).respond_with(ResponseTemplate::new(401)).expect(2).mount(&server).await;

    let err = client(&server, Auth::token(kakao(&server))).execute(get_servers()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn a_static_token_is_not_retried_after_a_401() {
    let server = MockServer::start().await;
    servers_for(&server, "fixed", 401, 1).await;

    let err = client(&server, Auth::static_token("fixed")).execute(get_servers()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn an_identity_refusal_is_an_auth_error_with_the_status() {
    let server = MockServer::start().await;
    Mock::given(path(KAKAO_TOKENS))
        .respond_with(ResponseTemplate::new(401).set_body_string(r#"{"error": {"message": "invalid credential"}}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v2/servers")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;

    let err = client(&server, Auth::token(kakao(&server))).execute(get_servers()).await.unwrap_err();
    let Error::Auth(message) = &err else { panic!("expected an auth error, got {err:?}") };
    assert!(message.contains("401") && message.contains("invalid credential"), "{message}");
}

#[tokio::test]
async fn a_static_bearer_token_is_sent_in_authorization() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/servers"))
        .and(header("authorization", "Bearer fixed-bearer"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    client(&server, Auth::static_bearer("fixed-bearer")).execute(get_servers()).await.unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    assert!(received.headers.get("x-auth-token").is_none());
}

#[tokio::test]
async fn a_bearer_token_is_reissued_once_after_a_401() {
    let server = MockServer::start().await;
    Mock::given(path(KAKAO_TOKENS))
        .respond_with(KakaoTokens::valid_for(TimeDelta::hours(1)))
        .expect(2)
        .mount(&server)
        .await;
    for (token, status) in [("token-1", 401), ("token-2", 200)] {
        Mock::given(path("/v2/servers"))
            .and(header("authorization", format!("Bearer {token}").as_str()))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
    }

    let response = client(&server, Auth::bearer(kakao(&server))).execute(get_servers()).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_static_bearer_token_is_not_retried_after_a_401() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/servers")).respond_with(ResponseTemplate::new(401)).expect(1).mount(&server).await;

    let err = client(&server, Auth::static_bearer("fixed")).execute(get_servers()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn an_api_key_is_sent_in_its_header() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/servers"))
        .and(header("x-api-key", "key-123"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    // Header names are case-insensitive.
    let auth = Auth::api_key("X-Api-Key", "key-123").unwrap();
    client(&server, auth).execute(get_servers()).await.unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    assert!(received.headers.get("authorization").is_none() && received.headers.get("x-auth-token").is_none());
}

#[test]
fn an_invalid_api_key_header_is_an_invalid_request() {
    for name in ["", "x api key", "x-key\r\n", "bad:name"] {
        let err = Auth::api_key(name, "key-123").unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{name:?}: {err:?}");
    }
    let err = Auth::api_key("x-api-key", "key-with\r\nline-break").unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if !m.contains("key-with")), "{err:?}");
}

#[tokio::test]
async fn an_identity_redirect_is_not_followed_with_the_credentials() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(201)).expect(0).mount(&elsewhere).await;
    let location = format!("{}/x", elsewhere.uri());
    for tokens in ["/v2.0/tokens", KAKAO_TOKENS] {
        Mock::given(path(tokens))
            .respond_with(ResponseTemplate::new(307).insert_header("location", location.as_str()))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(path("/v2/servers"))
        .and(header_exists("x-auth-token"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    let nhn = NhnIdentity::new("tenant-1", "me@example.com", "api-password").with_base_url(server.uri());
    for auth in [Auth::token(nhn), Auth::token(kakao(&server))] {
        let err = client(&server, auth).execute(get_servers()).await.unwrap_err();
        let Error::Auth(message) = &err else { panic!("expected an auth error, got {err:?}") };
        assert!(message.contains("307"), "{message}");
    }
    // The password and the credential secret, in the bodies, never left for the other host.
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
    elsewhere.verify().await;
}

#[tokio::test]
async fn the_identity_call_is_bounded_by_the_configured_timeout() {
    let server = MockServer::start().await;
    Mock::given(path(KAKAO_TOKENS))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-subject-token", "token-1")
                .set_body_json(json!({"token": {"expires_at": "2999-01-01T00:00:00Z"}}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;

    let config = Config::new(server.uri(), Auth::token(kakao(&server))).with_timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    let err = Client::new(config, SERVICE).unwrap().execute(get_servers()).await.unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(matches!(err, Error::Timeout { source: Some(_) }), "{err:?}");
}

#[tokio::test]
async fn a_service_that_always_answers_401_does_not_get_a_new_token_per_call() {
    let server = MockServer::start().await;
    // One token for the first call, one more after its 401; then the back-off.
    Mock::given(path(KAKAO_TOKENS))
        .respond_with(KakaoTokens::valid_for(TimeDelta::hours(1)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/v2/servers")).respond_with(ResponseTemplate::new(401)).expect(11).mount(&server).await;

    let client = client(&server, Auth::token(kakao(&server)));
    for _ in 0..10 {
        let err = client.execute(get_servers()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    }
}
