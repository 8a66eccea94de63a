//! Streamed bodies against a mock server: an upload read from a stream or a
//! file as it is sent (signed, never retried), a download read as it arrives.

use std::time::Duration;

use cloudsdk_runtime::futures_util::{stream, StreamExt as _};
use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::scp::ScpCredentials;
use cloudsdk_runtime::{Auth, ByteStream, Bytes, Client, Config, Error, Request, RetryPolicy, ServiceInfo};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICE: ServiceInfo = ServiceInfo { name: "test", version: "0.1.0", api_version: None, security_scheme: None };

fn client(config: Config) -> Client {
    let quick = RetryPolicy::default().with_initial_delay(Duration::from_millis(1));
    Client::new(config.with_retry(quick), SERVICE).unwrap()
}

/// A stream of `count` chunks of 1 KiB, `b'a' + i` each.
fn chunks(count: u8) -> ByteStream {
    let chunks = (0..count).map(|i| Ok::<_, std::io::Error>(Bytes::from(vec![b'a' + i; 1024])));
    ByteStream::from_stream(stream::iter(chunks))
}

fn upload(body: ByteStream) -> Request {
    let mut request = Request::new(Method::PUT, "upload_object", "/objects/report".to_owned());
    request.stream("application/octet-stream", body);
    request
}

#[tokio::test]
async fn a_streamed_upload_arrives_whole_with_its_length_and_the_scp_signature() {
    let server = MockServer::start().await;
    Mock::given(path("/objects/report")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    let config = Config::new(server.uri(), ScpCredentials::new("AK-test", "SK-test"));

    client(config).execute(upload(chunks(3).with_length(3 * 1024))).await.unwrap();

    let received = &server.received_requests().await.unwrap()[0];
    let expected: Vec<u8> = (0..3).flat_map(|i| vec![b'a' + i; 1024]).collect();
    assert_eq!(received.body, expected);
    assert_eq!(received.headers["content-length"], "3072");
    assert_eq!(received.headers["content-type"], "application/octet-stream");
    assert!(received.headers.contains_key("scp-signature"), "a streamed request is signed like any other");
}

#[tokio::test]
async fn a_file_is_uploaded_from_its_path() {
    let server = MockServer::start().await;
    Mock::given(path("/objects/report")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    let file = std::env::temp_dir().join(format!("cloudsdk-upload-{}", std::process::id()));
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &content).unwrap();

    let body = ByteStream::from_path(&file).await.unwrap();
    client(Config::new(server.uri(), Auth::None)).execute(upload(body)).await.unwrap();
    std::fs::remove_file(&file).unwrap();

    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.body, content);
    assert_eq!(received.headers["content-length"], content.len().to_string().as_str());
}

#[tokio::test]
async fn a_streamed_upload_is_sent_once_even_when_the_answer_is_retryable() {
    let server = MockServer::start().await;
    Mock::given(path("/objects/report")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let client = client(Config::new(server.uri(), Auth::None));

    let err = client.execute(upload(chunks(2))).await.unwrap_err();
    assert_eq!(err.as_api().map(|api| api.status.as_u16()), Some(503), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "a stream cannot be sent twice");

    // The same body in memory is retried by the policy.
    client.execute(upload(ByteStream::from(vec![b'x'; 16]))).await.unwrap_err();
    assert!(server.received_requests().await.unwrap().len() > 2, "a body in memory is sent again");
}

#[tokio::test]
async fn a_failing_upload_stream_fails_the_call_with_its_error() {
    let server = MockServer::start().await;
    Mock::given(path("/objects/report")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    let body =
        ByteStream::from_stream(stream::iter([Ok(Bytes::from("start")), Err(std::io::Error::other("disk gone"))]));

    let err = client(Config::new(server.uri(), Auth::None)).execute(upload(body)).await.unwrap_err();
    let chain = std::iter::successors(Some(&err as &dyn std::error::Error), |e| e.source())
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ");
    assert!(chain.contains("disk gone"), "{chain}");
}

#[tokio::test]
async fn a_download_is_read_as_it_arrives_and_beyond_the_memory_limit() {
    let server = MockServer::start().await;
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(content.clone(), "application/octet-stream"))
        .mount(&server)
        .await;
    let config = Config::new(server.uri(), Auth::None).with_max_response_bytes(1024);
    let client = client(config);
    let download = || Request::new(Method::GET, "download_object", "/objects/report".to_owned());

    let err = client.execute(download()).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 1024, .. }), "{err:?}");

    let response = client.execute_streaming(download()).await.unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    assert_eq!(body.length(), Some(content.len() as u64));
    let (mut received, mut chunks) = (Vec::new(), 0);
    while let Some(chunk) = body.next().await {
        received.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert_eq!(received, content);
    assert!(chunks >= 1);
}

#[tokio::test]
async fn a_streamed_download_of_an_error_is_an_api_error_with_its_body_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_string("done")).mount(&server).await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404).set_body_string(r#"{"message":"no such object"}"#))
        .mount(&server)
        .await;
    let client = client(Config::new(server.uri(), Auth::None));

    let get = Request::new(Method::GET, "download_object", "/objects/report".to_owned());
    let body = client.execute_streaming(get).await.unwrap().into_body().collect().await.unwrap();
    assert_eq!(body, "done", "the 503 before any body was handed out is retried");

    let delete = Request::new(Method::DELETE, "delete_object", "/objects/report".to_owned());
    let err = client.execute_streaming(delete).await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!((api.status.as_u16(), api.message().as_deref()), (404, Some("no such object")));
}

#[cfg(feature = "mocks")]
#[tokio::test]
async fn the_in_memory_mock_reads_a_streamed_body_and_streams_its_answer() {
    use cloudsdk_runtime::mock::{Mock as Offline, Rule};

    let rule = Rule::<(), ()>::new("upload_object", "/objects/{name}", 204)
        .match_requests(|request| request.http().body().len() == 2048)
        .then_output(());
    let file = Rule::<(), Bytes>::bytes("download_object", "/objects/{name}", 200).then_output(Bytes::from("pdf"));
    let mock = Offline::new().with_rule(&rule).with_rule(&file);
    let client = Client::new(mock.config(), SERVICE).unwrap();

    client.execute(upload(chunks(2))).await.unwrap();
    assert_eq!(rule.matched(), 1);
    let download = Request::new(Method::GET, "download_object", "/objects/report".to_owned());
    let body = client.execute_streaming(download).await.unwrap().into_body();
    assert_eq!(body.collect().await.unwrap(), "pdf");
    mock.assert_no_unexpected_requests();
}
