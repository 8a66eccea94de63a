//! Errors a caller can act on, against a mock server: what `Display` names,
//! the accessors on the error bodies each cloud returns, bounded excerpts,
//! oversized input, and the sources timeouts and transport errors keep.
//! That no secret shows in them is tested in `redaction.rs`.

use std::error::Error as _;
use std::time::Duration;

use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::{encode_path_segment, Auth, Client, Config, Error, Request, RetryPolicy, ServiceInfo};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICE: ServiceInfo = ServiceInfo { name: "test", version: "0.1.0", api_version: None, security_scheme: None };

fn client(server: &MockServer) -> Client {
    let config = Config::new(server.uri(), Auth::None).with_retry(RetryPolicy::disabled());
    Client::new(config, SERVICE).unwrap()
}

async fn answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    server
}

fn show_server() -> Request {
    let mut request = Request::new(Method::GET, "show_server", "/v2/tenant-1/servers/srv%201".to_owned());
    request.query("marker", "not-in-the-message");
    request
}

#[tokio::test]
async fn an_nhn_not_found_names_the_call_status_request_id_code_and_message() {
    // The OpenStack error document NHN Cloud's compute API answers with.
    let body = r#"{"itemNotFound": {"code": 404, "message": "Instance srv 1 could not be found."}}"#;
    let server =
        answering(ResponseTemplate::new(404).insert_header("x-openstack-request-id", "req-4f66").set_body_string(body))
            .await;

    let err = client(&server).execute(show_server()).await.unwrap_err();

    assert_eq!(
        err.to_string(),
        "show_server (GET /v2/tenant-1/servers/srv%201): 404 Not Found (request id req-4f66): \
         404: Instance srv 1 could not be found."
    );
    assert!(err.is_not_found() && !err.is_retryable() && !err.is_conflict() && !err.is_throttled());
    assert_eq!(err.request_id(), Some("req-4f66"));
    let api = err.as_api().unwrap();
    assert_eq!(
        (api.code().as_deref(), api.message().as_deref()),
        (Some("404"), Some("Instance srv 1 could not be found."))
    );
    assert_eq!(api.operation(), Some("show_server"));
    assert_eq!(api.method(), Some(&Method::GET));
    assert_eq!(api.path(), Some("/v2/tenant-1/servers/srv%201"));
    assert_eq!(api.body, body.as_bytes());
}

#[tokio::test]
async fn without_a_documented_error_document_the_body_is_shown() {
    // The SCP and KakaoCloud docs list error statuses without a body schema:
    // nothing is parsed, the start of the body is shown as it came.
    let cases = [
        (409, "create_cluster", Method::POST, "/v1/clusters", "Cluster is busy"),
        (422, "create_instance_set", Method::POST, "/v1/instance-sets", r#"{"detail": "port out of range"}"#),
        (503, "list_clusters", Method::GET, "/v1/clusters", "<html><body>upstream unavailable</body></html>"),
    ];
    for (status, operation, method, path, body) in cases {
        let server = answering(ResponseTemplate::new(status).set_body_string(body)).await;
        let err = client(&server).execute(Request::new(method.clone(), operation, path.to_owned())).await.unwrap_err();
        let api = err.as_api().unwrap();
        assert_eq!((api.code(), api.message()), (None, None), "{body}");
        let reason = api.status.canonical_reason().unwrap();
        assert_eq!(err.to_string(), format!("{operation} ({method} {path}): {status} {reason}: {body}"));
    }
    let server = answering(ResponseTemplate::new(409).set_body_string("Cluster is busy")).await;
    let err =
        client(&server).execute(Request::new(Method::DELETE, "delete_cluster", "/v1/c".into())).await.unwrap_err();
    assert!(err.is_conflict(), "{err}");
}

#[tokio::test]
async fn a_long_error_body_is_shown_as_a_bounded_excerpt_and_kept_whole() {
    let body = "é".repeat(500_000);
    let server = answering(ResponseTemplate::new(500).set_body_string(body.clone())).await;

    let err = client(&server).execute(show_server()).await.unwrap_err();

    let (shown, debug) = (err.to_string(), format!("{err:?}"));
    assert!(shown.len() < 1200 && shown.ends_with("… (998976 more bytes)"), "{shown}");
    assert!(debug.len() < 1500 && debug.contains("(998976 more bytes)"), "{debug}");
    assert_eq!(err.as_api().unwrap().body, body.as_bytes(), "the caller still has all of it");
}

#[tokio::test]
async fn a_20_mb_undecodable_body_gives_a_bounded_debug_and_keeps_the_body() {
    let body = format!("[{}", "x".repeat(20 << 20));
    let server = answering(ResponseTemplate::new(200).set_body_string(body.clone())).await;

    let response = client(&server).execute(show_server()).await.unwrap();
    let err = response.json::<Vec<u32>>().unwrap_err();

    let (shown, debug) = (err.to_string(), format!("{err:?}"));
    assert!(shown.len() < 200 && shown.contains("line 1 column 2"), "{shown}");
    assert!(debug.len() < 1000 && debug.contains("more bytes"), "{debug}");
    let Error::Decode { status, body: kept, source } = &err else { panic!("{err:?}") };
    assert_eq!((status.as_u16(), kept.len(), source.column()), (200, body.len(), 2));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn a_1_mib_id_query_value_or_header_is_an_invalid_request_with_a_short_message() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let long = "x".repeat(1 << 20);
    let short = |err: Error, names: &str| {
        let Error::InvalidRequest(message) = &err else { panic!("{err:?}") };
        assert!(message.len() < 200 && message.contains(names) && !message.contains("xxxx"), "{message}");
    };

    short(encode_path_segment("server_id", &long).unwrap_err(), "`server_id`");
    let mut request = Request::new(Method::GET, "list_servers", "/v2/servers".into());
    request.query("name", &long);
    short(client(&server).execute(request).await.unwrap_err(), "query parameter `name`");
    let mut request = Request::new(Method::GET, "list_servers", "/v2/servers".into());
    short(request.header("x-trace-id", &long).unwrap_err(), "`x-trace-id`");
}

#[tokio::test]
async fn a_timeout_keeps_the_transport_error_as_its_source() {
    let server = answering(ResponseTemplate::new(200).set_delay(Duration::from_secs(2))).await;
    let config = Config::new(server.uri(), Auth::None)
        .with_retry(RetryPolicy::disabled())
        .with_timeout(Duration::from_millis(100));

    let err = Client::new(config, SERVICE).unwrap().execute(show_server()).await.unwrap_err();

    let Error::Timeout { source: Some(source) } = &err else { panic!("{err:?}") };
    assert!(source.is_timeout(), "{source:?}");
    assert!(err.source().is_some() && err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn a_refused_connection_keeps_the_transport_error_as_its_source() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = Config::new(format!("http://127.0.0.1:{port}"), Auth::None).with_retry(RetryPolicy::disabled());

    let err = Client::new(config, SERVICE).unwrap().execute(show_server()).await.unwrap_err();

    let Error::Transport(transport) = &err else { panic!("{err:?}") };
    assert!(transport.is_connect(), "{transport:?}");
    assert!(err.source().is_some(), "{err:?}");
}
