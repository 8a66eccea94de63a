//! The retry policy of `cloudsdk_runtime::retry` against servers that count
//! the attempts they receive: the table row by row, the retry budget,
//! `Retry-After`, the total timeout and per-call overrides.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::{Auth, CallOptions, Client, Config, Error, Request, RetryPolicy, ServiceInfo};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICE: ServiceInfo =
    ServiceInfo { name: "retry-test", version: "0.1.0", api_version: None, security_scheme: None };

/// Three attempts a millisecond or so apart, so the tests measure behaviour, not time.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_initial_delay(Duration::from_millis(1))
}

fn client(base_url: &str, retry: RetryPolicy) -> Client {
    Client::new(Config::new(base_url, Auth::None).with_retry(retry), SERVICE).unwrap()
}

fn request(method: Method) -> Request {
    Request::new(method, "operation", "/v1/things".to_owned())
}

/// A server that answers every request with `status` (and `retry_after`, if any).
async fn answering(status: u16, retry_after: Option<&str>) -> MockServer {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status);
    if let Some(after) = retry_after {
        response = response.insert_header("retry-after", after);
    }
    Mock::given(any()).respond_with(response).mount(&server).await;
    server
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// The attempts a `method` request makes under `retry` against a server that
/// always answers `status`, which the call must end with.
async fn attempts_for(status: u16, method: Method, retry: RetryPolicy) -> usize {
    let server = answering(status, None).await;
    let err = client(&server.uri(), retry).execute(request(method)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
    received(&server).await
}

#[tokio::test]
async fn a_429_is_retried_for_a_post() {
    assert_eq!(attempts_for(429, Method::POST, fast_retries()).await, 3);
}

#[tokio::test]
async fn a_503_is_retried_for_a_post() {
    assert_eq!(attempts_for(503, Method::POST, fast_retries()).await, 3);
}

#[tokio::test]
async fn a_500_is_retried_for_a_get_but_not_for_a_post() {
    assert_eq!(attempts_for(500, Method::GET, fast_retries()).await, 3);
    assert_eq!(attempts_for(500, Method::POST, fast_retries()).await, 1);
}

#[tokio::test]
async fn a_502_and_a_504_are_retried_for_a_get() {
    for status in [502, 504] {
        assert_eq!(attempts_for(status, Method::GET, fast_retries()).await, 3, "{status}");
    }
}

#[tokio::test]
async fn other_4xx_and_5xx_are_never_retried() {
    for status in [400, 404, 409, 501, 505] {
        assert_eq!(attempts_for(status, Method::GET, fast_retries()).await, 1, "{status}");
    }
}

/// How a [`misbehaving`] server treats each connection.
#[derive(Clone, Copy)]
enum Misbehaviour {
    /// Resets the connection once the request arrives, before answering.
    Reset,
    /// Reads the request and closes the connection without answering.
    Close,
    /// Announces 100 body bytes, sends 10 and closes.
    Truncate,
    /// Reads the request and never answers.
    Hang,
}

/// A raw HTTP/1.1 server that misbehaves on every connection; it returns its
/// address and the number of connections it has accepted, one per attempt.
fn misbehaving(misbehaviour: Misbehaviour) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    std::thread::spawn(move || {
        let mut hung = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            match misbehaviour {
                // Closing with unread bytes makes the kernel send RST, not FIN.
                Misbehaviour::Reset => drop(stream.peek(&mut [0])),
                Misbehaviour::Close => read_head(&mut stream),
                Misbehaviour::Truncate => {
                    read_head(&mut stream);
                    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789");
                }
                Misbehaviour::Hang => {
                    read_head(&mut stream);
                    hung.push(stream);
                }
            }
        }
    });
    (address, accepted)
}

/// Reads up to the end of a request's head (none of our requests has a body).
fn read_head(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buffer = [0; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
}

/// The attempts a `method` request makes under `config` against a server that
/// misbehaves so; the call must end with a transport error or a timeout.
async fn attempts_against(misbehaviour: Misbehaviour, method: Method, config: impl FnOnce(Config) -> Config) -> usize {
    let (address, accepted) = misbehaving(misbehaviour);
    let config = config(Config::new(format!("http://{address}"), Auth::None).with_retry(fast_retries()));
    let err = Client::new(config, SERVICE).unwrap().execute(request(method)).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_) | Error::Timeout { .. }), "{err:?}");
    accepted.load(Ordering::SeqCst)
}

#[tokio::test]
async fn a_reset_is_retried_for_a_get_but_not_for_a_post() {
    assert_eq!(attempts_against(Misbehaviour::Reset, Method::GET, |c| c).await, 3);
    assert_eq!(attempts_against(Misbehaviour::Reset, Method::POST, |c| c).await, 1);
}

#[tokio::test]
async fn a_close_before_the_response_is_retried_for_a_get_but_not_for_a_post() {
    assert_eq!(attempts_against(Misbehaviour::Close, Method::GET, |c| c).await, 3);
    assert_eq!(attempts_against(Misbehaviour::Close, Method::POST, |c| c).await, 1);
}

#[tokio::test]
async fn a_truncated_body_is_retried_for_a_get_but_not_for_a_post() {
    assert_eq!(attempts_against(Misbehaviour::Truncate, Method::GET, |c| c).await, 3);
    assert_eq!(attempts_against(Misbehaviour::Truncate, Method::POST, |c| c).await, 1);
}

#[tokio::test]
async fn a_read_timeout_is_retried_for_a_get_but_not_for_a_post() {
    let short = |config: Config| config.with_timeout(Duration::from_millis(50));
    assert_eq!(attempts_against(Misbehaviour::Hang, Method::GET, short).await, 3);
    assert_eq!(attempts_against(Misbehaviour::Hang, Method::POST, short).await, 1);
}

#[tokio::test]
async fn retrying_non_idempotent_methods_repeats_a_500_and_a_reset_post() {
    let repeat_posts = fast_retries().with_retry_non_idempotent(true);
    assert_eq!(attempts_for(500, Method::POST, repeat_posts.clone()).await, 3);
    assert_eq!(attempts_against(Misbehaviour::Reset, Method::POST, |c| c.with_retry(repeat_posts)).await, 3);
}

#[tokio::test]
async fn a_failed_tls_handshake_is_retried_for_a_post() {
    // The server resets the connection on the ClientHello: no request was written.
    let (address, accepted) = misbehaving(Misbehaviour::Reset);
    let err = client(&format!("https://{address}"), fast_retries()).execute(request(Method::POST)).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_a_post() {
    // Nothing listens on the port until 30 ms after the first attempt; the
    // POST succeeds only if refused attempts are repeated until then.
    let address = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let patient = RetryPolicy::default()
        .with_max_attempts(100)
        .with_initial_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(10))
        .without_retry_budget();
    let client = client(&format!("http://{address}"), patient);
    let late_server = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        let (mut stream, _) = TcpListener::bind(address).unwrap().accept().unwrap();
        read_head(&mut stream);
        stream.write_all(b"HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n").unwrap();
    });
    let response = client.execute(request(Method::POST)).await.unwrap();
    assert_eq!(response.status(), 201);
    late_server.join().unwrap();
}

#[tokio::test]
async fn a_spent_budget_returns_a_503_after_one_attempt() {
    let server = answering(503, None).await;
    // Two retries after a status cost 10 tokens: the first call spends them all.
    let client = client(&server.uri(), fast_retries().with_retry_budget(10));
    client.execute(request(Method::GET)).await.unwrap_err();
    assert_eq!(received(&server).await, 3);
    // Clones, those with options of their own included, share the bucket.
    let err = client.clone().execute(request(Method::GET)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await, 4);
    let with_options = client.with_options(CallOptions::new().with_timeout(Duration::from_secs(5)));
    with_options.execute(request(Method::GET)).await.unwrap_err();
    assert_eq!(received(&server).await, 5);
}

#[tokio::test]
async fn a_huge_retry_after_is_capped_by_the_maximum_delay() {
    let server = answering(503, Some("999999")).await;
    let retry = fast_retries().with_max_delay(Duration::from_millis(50));
    let started = Instant::now();
    client(&server.uri(), retry).execute(request(Method::GET)).await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(received(&server).await, 3);
    assert!(elapsed >= Duration::from_millis(100) && elapsed < Duration::from_millis(900), "{elapsed:?}");
}

/// Asserts that a call started at `started` ended with a timeout after
/// `expected`, give or take scheduling.
fn timed_out_after(result: Result<impl std::fmt::Debug, Error>, started: Instant, expected: Duration) {
    let elapsed = started.elapsed();
    assert!(matches!(result, Err(Error::Timeout { .. })), "{result:?}");
    assert!(elapsed >= expected && elapsed < expected + Duration::from_millis(400), "{elapsed:?}");
}

#[tokio::test]
async fn the_total_timeout_ends_a_call_against_a_hung_server() {
    let (address, accepted) = misbehaving(Misbehaviour::Hang);
    let config = Config::new(format!("http://{address}"), Auth::None)
        .with_retry(fast_retries())
        .with_timeout(Duration::from_secs(10))
        .with_total_timeout(Duration::from_millis(200));
    let started = Instant::now();
    let result = Client::new(config, SERVICE).unwrap().execute(request(Method::GET)).await;
    timed_out_after(result, started, Duration::from_millis(200));
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_retry_that_would_end_after_the_total_timeout_returns_the_failure() {
    // Waiting the 5 s asked for would pass the 1 s deadline: the 503 comes back at once.
    let server = answering(503, Some("5")).await;
    let config = Config::new(server.uri(), Auth::None).with_total_timeout(Duration::from_secs(1));
    let started = Instant::now();
    let err = Client::new(config, SERVICE).unwrap().execute(request(Method::GET)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(500), "{:?}", started.elapsed());
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn a_per_call_retry_policy_overrides_the_configs() {
    let server = answering(503, None).await;
    let client = client(&server.uri(), fast_retries());
    let once = client.with_options(CallOptions::new().with_retry(RetryPolicy::disabled()));
    once.execute(request(Method::GET)).await.unwrap_err();
    assert_eq!(received(&server).await, 1);
    // Options added later keep the earlier ones they do not set.
    let still_once = once.with_options(CallOptions::new().with_timeout(Duration::from_secs(5)));
    still_once.execute(request(Method::GET)).await.unwrap_err();
    assert_eq!(received(&server).await, 2);
    // The client the options were taken from keeps its own policy.
    client.execute(request(Method::GET)).await.unwrap_err();
    assert_eq!(received(&server).await, 5);
}

/// A client of a hung server whose own timeouts are long and which does not retry.
fn patient_client_of_hung_server() -> Client {
    let (address, _) = misbehaving(Misbehaviour::Hang);
    let config = Config::new(format!("http://{address}"), Auth::None)
        .with_retry(RetryPolicy::disabled())
        .with_timeout(Duration::from_secs(10))
        .with_total_timeout(Duration::from_secs(10));
    Client::new(config, SERVICE).unwrap()
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_configs() {
    let client = patient_client_of_hung_server();
    let started = Instant::now();
    let options = CallOptions::new().with_timeout(Duration::from_millis(100));
    let result = client.with_options(options).execute(request(Method::GET)).await;
    timed_out_after(result, started, Duration::from_millis(100));
}

#[tokio::test]
async fn a_per_call_total_timeout_overrides_the_configs() {
    let client = patient_client_of_hung_server();
    let started = Instant::now();
    let options = CallOptions::new().with_total_timeout(Duration::from_millis(100));
    let result = client.with_options(options).execute(request(Method::GET)).await;
    timed_out_after(result, started, Duration::from_millis(100));
}
