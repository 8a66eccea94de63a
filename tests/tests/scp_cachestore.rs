//! An SCP client end to end against a mock server: signed requests with the
//! service's `Scp-Api-Version`, an asynchronous operation followed by
//! `wait_for_request`, and the page stream of `list_clusters`.

use std::time::Duration;

use futures_util::TryStreamExt;
use scp_cachestore::runtime::scp::{sign as scp_signature, ScpCredentials};
use scp_cachestore::runtime::wait::WaitConfig;
use scp_cachestore::{Client, Config, Endpoint, Environment, Region};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLUSTER: &str = "0fdd87aab8cb46f59b7c1f81ed03fb3e";

fn client(server: &MockServer) -> Client {
    Client::new(Config::new(server.uri(), ScpCredentials::new("2sd2gg=2agbdSD26svcD", "test-secret-key"))).unwrap()
}

/// The signature the request carries is the one over exactly what was received
/// (wiremock reports the host without its port, so the URL is rebuilt).
fn signed_correctly(server: &MockServer, request: &Request) -> bool {
    let get = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let query = request.url.query().map(|q| format!("?{q}")).unwrap_or_default();
    let url = format!("{}{}{query}", server.uri(), request.url.path());
    let expected = scp_signature(
        "test-secret-key",
        request.method.as_str(),
        &url,
        &get("scp-timestamp"),
        &get("scp-accesskey"),
        "",
    );
    get("scp-signature") == expected && get("scp-clienttype") == "Openapi" && get("scp-api-version") == "cachestore 1.0"
}

#[tokio::test]
async fn start_then_wait_for_the_asynchronous_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/clusters/{CLUSTER}/start")))
        .and(header("scp-api-version", "cachestore 1.0"))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(json!({"request_id": "req-1", "resource": {"id": CLUSTER}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let state = |s: &str| ResponseTemplate::new(200).set_body_json(json!({"request_id": "req-1", "state": s}));
    Mock::given(method("GET"))
        .and(path("/v1/requests/req-1"))
        .respond_with(state("IN_PROGRESS"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/v1/requests/req-1")).respond_with(state("COMPLETED")).mount(&server).await;

    let c = client(&server);
    let accepted = c.start_cluster(CLUSTER).send().await.unwrap();
    assert_eq!(accepted.status(), 202);
    let config = WaitConfig::new().with_interval(Duration::from_millis(10)).with_timeout(Duration::from_secs(5));
    let done = c.wait_for_request(accepted.body().request_id.clone()).with_config(config).await.unwrap();
    assert_eq!(done.body().state, "COMPLETED");
    for request in server.received_requests().await.unwrap() {
        assert!(
            signed_correctly(&server, &request),
            "{} {} is not signed over what was sent",
            request.method,
            request.url
        );
    }
}

#[tokio::test]
async fn a_failed_request_fails_the_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/requests/req-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"request_id": "req-2", "state": "FAILED"})))
        .mount(&server)
        .await;
    let err = client(&server).wait_for_request("req-2").with_interval(Duration::from_millis(10)).await.unwrap_err();
    assert!(matches!(err, scp_cachestore::Error::WaiterFailed { .. }), "{err}");
}

/// Page `p` of `n` clusters shaped like the docs' example item (ids `c{p}-{i}`).
fn page(p: &str, n: usize) -> serde_json::Value {
    let mut example = sdk_tests::Spec::load("scp/cachestore/1.0.yaml").response_example("list_clusters", "200");
    let item = example["contents"][0].clone();
    let items: Vec<_> = (0..n)
        .map(|i| {
            let mut item = item.clone();
            item["id"] = json!(format!("c{p}-{i}"));
            item
        })
        .collect();
    example["contents"] = json!(items);
    example
}

#[tokio::test]
async fn list_clusters_streams_every_page() {
    let server = MockServer::start().await;
    // A short page does not end the stream (a service may cap the size); an empty one does.
    for (p, n) in [("0", 2), ("1", 2), ("2", 1), ("3", 0)] {
        Mock::given(method("GET"))
            .and(path("/v1/clusters"))
            .and(query_param("page", p))
            .and(query_param("size", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(p, n)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let all: Vec<_> = client(&server).list_clusters().size(2).into_stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 5);
}

#[tokio::test]
async fn a_service_that_ignores_the_page_number_does_not_make_the_stream_endless() {
    let server = MockServer::start().await;
    // The same two clusters whatever `page` says: the second answer repeats the first.
    Mock::given(method("GET"))
        .and(path("/v1/clusters"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page("0", 2)))
        .expect(2)
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).list_clusters().size(2).into_stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 2, "the repeated page is not yielded twice");
}

/// The two ways the docs give to read a stream item by item: pinned on the
/// stack, or boxed as an `ItemStream` to keep in a struct.
#[tokio::test]
async fn a_stream_is_read_item_by_item_pinned_or_boxed() {
    use futures_util::StreamExt as _;
    use scp_cachestore::runtime::ItemStream;
    use scp_cachestore::types::ClusterResponse;

    let server = MockServer::start().await;
    for (p, n) in [("0", 2), ("1", 0)] {
        Mock::given(method("GET"))
            .and(path("/v1/clusters"))
            .and(query_param("page", p))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(p, n)))
            .expect(2)
            .mount(&server)
            .await;
    }
    let mut pinned = std::pin::pin!(client(&server).list_clusters().size(2).into_stream());
    let mut read = 0;
    while let Some(cluster) = pinned.next().await {
        cluster.unwrap();
        read += 1;
    }
    let mut boxed: ItemStream<ClusterResponse> = Box::pin(client(&server).list_clusters().size(2).into_stream());
    while let Some(cluster) = boxed.next().await {
        cluster.unwrap();
        read += 1;
    }
    assert_eq!(read, 4);
}

#[test]
fn only_documented_regions_are_offered() {
    assert_eq!(
        Endpoint::new(Region::KrWest1, Environment::E).unwrap().url(),
        "https://cachestore.kr-west1.e.samsungsdscloud.com"
    );
    let err = Endpoint::new(Region::KrSouth1, Environment::S).unwrap_err();
    assert!(err.to_string().contains("not offered"), "{err}");
}

#[test]
fn server_variables_parse_from_their_url_values_and_name_the_valid_ones_otherwise() {
    let region: Region = "kr-east1".parse().unwrap();
    let environment: Environment = "s".parse().unwrap();
    assert_eq!((region, environment), (Region::KrEast1, Environment::S));
    assert_eq!(Endpoint::new(region, environment).unwrap().url(), "https://cachestore.kr-east1.s.samsungsdscloud.com");
    for value in Region::ALL {
        assert_eq!(value.to_string().parse::<Region>().unwrap(), *value, "Display and FromStr agree");
    }
    let err = "kr-north9".parse::<Region>().unwrap_err().to_string();
    assert!(err.contains("`kr-north9`") && err.contains("kr-west1, kr-east1, kr-south1"), "{err}");
}
