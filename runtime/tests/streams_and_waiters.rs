//! Pagination streams and waiters used the way generated operations use them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudsdk_runtime::futures_util::TryStreamExt as _;
use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::scp::request_state as scp_request_state;
use cloudsdk_runtime::{
    marker_stream, page_stream, wait_until, Auth, Check, Client, Config, Error, Request, RetryPolicy, ServiceInfo,
    WaitConfig,
};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const SERVICE: ServiceInfo = ServiceInfo { name: "test", version: "0.1.0", api_version: None };

fn client(server: &MockServer) -> Client {
    Client::new(Config::new(server.uri(), Auth::None), SERVICE).unwrap()
}

#[derive(Deserialize)]
struct ClusterPage {
    contents: Vec<Cluster>,
}

#[derive(Deserialize, Debug, Clone, PartialEq)]
struct Cluster {
    id: String,
}

/// What a generated SCP list operation does for one page.
async fn fetch_clusters(client: Client, page: i64, size: i64) -> Result<Vec<Cluster>, Error> {
    let mut request = Request::new(Method::GET, "list_clusters", "/v1/clusters".to_owned());
    request.query("page", page);
    request.query("size", size);
    let response = client.execute(request).await?.json::<ClusterPage>()?;
    Ok(response.into_body().contents)
}

async fn mount_page(server: &MockServer, page: &str, ids: &[&str]) {
    let contents: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    Mock::given(path("/v1/clusters"))
        .and(query_param("page", page))
        .and(query_param("size", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"contents": contents, "count": 5})))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn an_scp_page_stream_yields_every_item_in_order() {
    let server = MockServer::start().await;
    mount_page(&server, "0", &["a", "b"]).await;
    mount_page(&server, "1", &["c", "d"]).await;
    mount_page(&server, "2", &["e"]).await;
    // A short page does not end the stream (services cap page sizes): an empty one does.
    mount_page(&server, "3", &[]).await;

    let client = client(&server);
    let stream = page_stream(0, Some(2), move |page| fetch_clusters(client.clone(), page, 2));
    let ids: Vec<String> = stream.map_ok(|cluster| cluster.id).try_collect().await.unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
}

/// An SCP list that returns at most 2 items per page, whatever size was asked for.
struct CappedPages(&'static [&'static str]);

impl Respond for CappedPages {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let page: usize = request.url.query_pairs().find(|(name, _)| name == "page").unwrap().1.parse().unwrap();
        let contents: Vec<_> = self.0.iter().skip(page * 2).take(2).map(|id| json!({"id": id})).collect();
        ResponseTemplate::new(200).set_body_json(json!({"contents": contents, "count": self.0.len()}))
    }
}

#[tokio::test]
async fn a_page_stream_yields_every_item_when_the_service_caps_the_page_size() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/clusters"))
        .and(query_param("size", "5"))
        .respond_with(CappedPages(&["a", "b", "c", "d", "e"]))
        // Pages 0, 1 and 2 hold items; page 3 is empty and ends the stream.
        .expect(4)
        .mount(&server)
        .await;

    let client = client(&server);
    let stream = page_stream(0, Some(5), move |page| fetch_clusters(client.clone(), page, 5));
    let ids: Vec<String> = stream.map_ok(|cluster| cluster.id).try_collect().await.unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn a_marker_stream_follows_markers_to_the_end() {
    let server = MockServer::start().await;
    let servers = |ids: &[&str]| json!({"servers": ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()});
    for (marker, ids) in [(None, ["s1", "s2"].as_slice()), (Some("s2"), &["s3", "s4"]), (Some("s4"), &[])] {
        let mock = Mock::given(path("/v2/servers")).and(query_param("limit", "2"));
        let mock = match marker {
            Some(marker) => mock.and(query_param("marker", marker)),
            None => mock.and(query_param_is_missing("marker")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(servers(ids))).expect(1).mount(&server).await;
    }

    #[derive(Deserialize)]
    struct Servers {
        servers: Vec<Cluster>,
    }
    let client = client(&server);
    let stream = marker_stream(
        None,
        Some(2),
        |server: &Cluster| Some(server.id.clone()),
        move |marker| {
            let client = client.clone();
            async move {
                let mut request = Request::new(Method::GET, "list_servers", "/v2/servers".to_owned());
                request.query("limit", 2);
                if let Some(marker) = marker {
                    request.query("marker", marker);
                }
                Ok(client.execute(request).await?.json::<Servers>()?.into_body().servers)
            }
        },
    );
    let ids: Vec<String> = stream.map_ok(|server| server.id).try_collect().await.unwrap();
    assert_eq!(ids, ["s1", "s2", "s3", "s4"]);
}

/// An SCP request whose state goes through the given answers, the last one repeating.
struct States(Vec<ResponseTemplate>, AtomicUsize);

impl Respond for States {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.1.fetch_add(1, Ordering::SeqCst);
        self.0[n.min(self.0.len() - 1)].clone()
    }
}

fn state(state: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"id": "req-1", "state": state}))
}

#[derive(Deserialize)]
struct RequestState {
    state: String,
}

async fn show_request(client: &Client) -> Result<RequestState, Error> {
    let request = Request::new(Method::GET, "show_request", "/v1/requests/req-1".to_owned());
    Ok(client.execute(request).await?.json::<RequestState>()?.into_body())
}

fn quick() -> WaitConfig {
    WaitConfig::new().with_interval(Duration::from_millis(10)).with_timeout(Duration::from_secs(5))
}

#[tokio::test]
async fn a_waiter_completes_when_the_request_completes_despite_a_503() {
    let server = MockServer::start().await;
    let answers = vec![state("REQUESTED"), ResponseTemplate::new(503), state("IN_PROGRESS"), state("COMPLETED")];
    Mock::given(path("/v1/requests/req-1"))
        .respond_with(States(answers, AtomicUsize::new(0)))
        .expect(4)
        .mount(&server)
        .await;

    // Without client retries, the 503 reaches the waiter, which polls again.
    let config = Config::new(server.uri(), Auth::None).with_retry(RetryPolicy::disabled());
    let client = Client::new(config, SERVICE).unwrap();
    wait_until(&quick(), || show_request(&client), |r| scp_request_state(&r.state)).await.unwrap();
}

#[tokio::test]
async fn a_waiter_fails_early_on_a_failed_state() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/requests/req-1"))
        .respond_with(States(vec![state("IN_PROGRESS"), state("FAILED")], AtomicUsize::new(0)))
        .expect(2)
        .mount(&server)
        .await;

    let client = client(&server);
    let err = wait_until(&quick(), || show_request(&client), |r| scp_request_state(&r.state)).await.unwrap_err();
    assert!(matches!(&err, Error::WaiterFailed { reason } if reason.contains("FAILED")), "{err:?}");
}

#[tokio::test]
async fn a_waiter_stops_on_a_non_transient_error() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/requests/req-1")).respond_with(ResponseTemplate::new(404)).expect(1).mount(&server).await;

    let client = client(&server);
    let err = wait_until(&quick(), || show_request(&client), |r| scp_request_state(&r.state)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_waiter_times_out() {
    let polls = Arc::new(AtomicUsize::new(0));
    let config = WaitConfig::new().with_interval(Duration::from_millis(20)).with_timeout(Duration::from_millis(100));
    let started = Instant::now();
    let counter = polls.clone();
    let outcome: Result<(), Error> = wait_until(
        &config,
        || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok("RUNNING") }
        },
        |state| scp_request_state(state),
    )
    .await;
    let waited = started.elapsed();
    assert!(matches!(outcome, Err(Error::WaiterTimedOut { waited }) if waited >= Duration::from_millis(100)));
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    assert!((3..=7).contains(&polls.load(Ordering::SeqCst)), "{polls:?}");
}

#[tokio::test]
async fn a_waiter_returns_the_value_the_predicate_picked() {
    let polls = AtomicUsize::new(0);
    let size = wait_until(
        &quick(),
        || async { Ok::<_, Error>(polls.fetch_add(1, Ordering::SeqCst) * 10) },
        |&size| if size >= 30 { Check::Done(size) } else { Check::Pending },
    )
    .await
    .unwrap();
    assert_eq!(size, 30);
}

#[tokio::test]
async fn durations_too_long_to_add_to_now_mean_no_limit_not_a_panic() {
    let config = WaitConfig::new().with_interval(Duration::MAX).with_timeout(Duration::MAX);
    let polls = AtomicUsize::new(0);
    // The second poll would be `Duration::MAX` away: the wait must simply not come back.
    let outcome = tokio::time::timeout(
        Duration::from_millis(100),
        wait_until(
            &config,
            || async { Ok::<_, Error>(polls.fetch_add(1, Ordering::SeqCst)) },
            |_| Check::<()>::Pending,
        ),
    )
    .await;
    assert!(outcome.is_err(), "still waiting when cancelled");
    assert_eq!(polls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_zero_interval_polls_at_the_floor_not_as_fast_as_the_service_answers() {
    let config = WaitConfig::new().with_interval(Duration::ZERO).with_timeout(Duration::from_millis(200));
    assert_eq!(config.interval(), cloudsdk_runtime::wait::MIN_INTERVAL);
    let polls = AtomicUsize::new(0);
    let outcome = wait_until(
        &config,
        || async { Ok::<_, Error>(polls.fetch_add(1, Ordering::SeqCst)) },
        |_| Check::<()>::Pending,
    )
    .await;
    assert!(matches!(outcome, Err(Error::WaiterTimedOut { .. })));
    // 200 ms at a 10 ms floor: about 20 polls, never hundreds.
    assert!(polls.load(Ordering::SeqCst) <= 25, "{polls:?}");
}
