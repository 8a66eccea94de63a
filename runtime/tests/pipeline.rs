//! The request pipeline against a mock server: SCP signing, retries, limits,
//! redirects and path encoding as a service sees them. The retry table rule by
//! rule is in `retries.rs`.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::scp::{sign as scp_signature, ScpCredentials};
use cloudsdk_runtime::{encode_path_segment, Auth, Client, Config, Error, Request, RetryPolicy, ServiceInfo};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICE: ServiceInfo =
    ServiceInfo { name: "scp-test", version: "0.1.0", api_version: Some("test 1.0"), security_scheme: None };

const ACCESS_KEY: &str = "AK-test";
const SECRET_KEY: &str = "SK-test-secret";
const ACCOUNT_ID: &str = "account-1";

fn scp_config(server: &MockServer) -> Config {
    let credentials = ScpCredentials::new(ACCESS_KEY, SECRET_KEY).with_account_id(ACCOUNT_ID);
    Config::new(server.uri(), credentials)
}

/// Retries that wait microseconds, so the tests measure behaviour, not time.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_initial_delay(Duration::from_millis(1))
}

fn client(config: Config) -> Client {
    Client::new(config, SERVICE).unwrap()
}

fn list_clusters() -> Request {
    let mut request = Request::new(Method::GET, "list_clusters", "/v1/clusters".to_owned());
    request.query("page", 0);
    request.query("size", 20);
    request.query("sort", "created_at:desc");
    request
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> &'a str {
    request.headers.get(name).unwrap_or_else(|| panic!("no {name} header")).to_str().unwrap()
}

#[tokio::test]
async fn scp_requests_carry_headers_and_a_signature_over_the_url_received() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/clusters")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    client(scp_config(&server)).execute(list_clusters()).await.unwrap();

    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(header(received, "scp-accesskey"), ACCESS_KEY);
    assert_eq!(header(received, "scp-clienttype"), "Openapi");
    assert_eq!(header(received, "scp-api-version"), "test 1.0");
    assert_eq!(header(received, "accept-language"), "en-US");
    let timestamp = header(received, "scp-timestamp");
    assert!(timestamp.len() == 13 && timestamp.bytes().all(|b| b.is_ascii_digit()), "{timestamp}");

    // The server must be able to recompute the signature from what it received.
    let query = received.url.query().unwrap();
    assert_eq!(query, "page=0&size=20&sort=created_at%3Adesc");
    let url = format!("{}{}?{query}", server.uri(), received.url.path());
    // Every signed part comes from the request, the account id included.
    let account_id = header(received, "scp-accountid");
    assert_eq!(account_id, ACCOUNT_ID);
    let expected = scp_signature(SECRET_KEY, "GET", &url, timestamp, ACCESS_KEY, account_id);
    assert_eq!(header(received, "scp-signature"), expected);
}

#[tokio::test]
async fn accept_language_is_configurable() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/clusters")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let config = scp_config(&server).with_accept_language("ko-KR");
    client(config).execute(list_clusters()).await.unwrap();

    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(header(received, "accept-language"), "ko-KR");
}

#[tokio::test]
async fn a_get_succeeds_on_the_third_attempt_after_two_503() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/clusters"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/v1/clusters"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(scp_config(&server).with_retry(fast_retries())).execute(list_clusters()).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/clusters"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/clusters")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let started = Instant::now();
    client(scp_config(&server).with_retry(fast_retries())).execute(list_clusters()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "retried after {:?}", started.elapsed());
}

#[tokio::test]
async fn exhausted_retries_return_the_last_503() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/clusters"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .expect(3)
        .mount(&server)
        .await;

    let err = client(scp_config(&server).with_retry(fast_retries())).execute(list_clusters()).await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status, 503);
    assert_eq!(api.body_text(), "busy");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/clusters"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(4096)))
        .mount(&server)
        .await;

    let config = scp_config(&server).with_max_response_bytes(1024);
    let err = client(config).execute(list_clusters()).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 1024, .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn a_404_with_a_huge_body_is_still_a_404() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/clusters"))
        .respond_with(ResponseTemplate::new(404).set_body_string("x".repeat(4096)))
        .mount(&server)
        .await;
    let config =
        scp_config(&server).with_max_response_bytes(1024).with_retry(cloudsdk_runtime::RetryPolicy::disabled());
    let err = client(config).execute(list_clusters()).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn a_path_parameter_stays_one_segment() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/servers/..%2Fa%2Fb")).respond_with(ResponseTemplate::new(200)).expect(1).mount(&server).await;

    let id = encode_path_segment("id", "../a/b").unwrap();
    let request = Request::new(Method::GET, "show_server", format!("/v1/servers/{id}"));
    client(Config::new(server.uri(), Auth::None)).execute(request).await.unwrap();

    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.url.path(), "/v1/servers/..%2Fa%2Fb");
}

/// Serves raw HTTP/1.1 responses whose body is `chunks` chunks of `chunk_size`
/// bytes, sent with `Transfer-Encoding: chunked` and no `Content-Length` (which
/// wiremock always sets), so the size is only known while reading.
fn chunked_server(chunks: usize, chunk_size: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buffer = [0; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let mut response =
                b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
                    .to_vec();
            for _ in 0..chunks {
                response.extend_from_slice(format!("{chunk_size:x}\r\n{}\r\n", "x".repeat(chunk_size)).as_bytes());
            }
            response.extend_from_slice(b"0\r\n\r\n");
            // The client may hang up once it has read more than it accepts.
            let _ = stream.write_all(&response);
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused_while_reading() {
    let base_url = chunked_server(8, 512);

    // The server itself is sound: under a larger limit the whole body is read.
    let config = Config::new(base_url.clone(), Auth::None).with_max_response_bytes(8 * 512);
    let response = client(config).execute(list_clusters()).await.unwrap();
    assert!(response.headers().get("content-length").is_none(), "{:?}", response.headers());
    assert_eq!(response.body().len(), 8 * 512);

    // Without a Content-Length to check up front, the limit applies as chunks arrive.
    let config = Config::new(base_url, Auth::None).with_max_response_bytes(1024);
    let err = client(config).execute(list_clusters()).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 1024, .. }), "{err:?}");
}

/// A server that must never be contacted: it fails the test if it is.
async fn elsewhere() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    server
}

#[tokio::test]
async fn a_redirect_is_returned_to_the_caller_not_followed() {
    let server = MockServer::start().await;
    let other = elsewhere().await;
    let location = format!("{}/x", other.uri());
    Mock::given(any())
        .respond_with(ResponseTemplate::new(307).insert_header("location", location.as_str()))
        .mount(&server)
        .await;

    let auths = [
        Auth::from(ScpCredentials::new(ACCESS_KEY, SECRET_KEY)),
        Auth::static_token("token-for-this-host-only"),
        Auth::static_bearer("bearer-for-this-host-only"),
        Auth::api_key("x-api-key", "key-for-this-host-only").unwrap(),
    ];
    for auth in auths {
        let client = client(Config::new(server.uri(), auth).with_retry(fast_retries()));
        for request in [list_clusters(), {
            let mut post = Request::new(Method::POST, "create_cluster", "/v1/clusters".to_owned());
            post.json(&serde_json::json!({"password": "body-for-this-host-only"})).unwrap();
            post
        }] {
            let err = client.execute(request).await.unwrap_err();
            let api = err.as_api().unwrap_or_else(|| panic!("expected an API error, got {err:?}"));
            assert_eq!(api.status, 307);
            assert_eq!(api.headers.get("location").unwrap(), location.as_str());
        }
    }
    // Neither the credentials nor the body went to the other host.
    assert!(other.received_requests().await.unwrap().is_empty());
    other.verify().await;
    assert_eq!(server.received_requests().await.unwrap().len(), 8, "a 3xx is not retried");
}

#[tokio::test]
async fn no_redirect_status_is_followed() {
    // Whatever the status, the caller decides whether to follow `Location`.
    let server = MockServer::start().await;
    let other = elsewhere().await;
    for status in [301, 302, 303, 308] {
        server.reset().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status).insert_header("location", format!("{}/x", other.uri()).as_str()),
            )
            .mount(&server)
            .await;
        let err = client(scp_config(&server)).execute(list_clusters()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    }
    other.verify().await;
}
