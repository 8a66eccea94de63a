//! The generated typed mocks as a user's tests would use them: no socket, the
//! client's whole pipeline (validation, retries, decoding, waiters, streams)
//! in front of an in-memory service.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt as _;
use scp_epas::runtime::mock::Mock;
use scp_epas::{mock, types, Client};
use serde_json::json;

const CLUSTER: &str = "109a585ae67b4e8482fdafc8a4a5be74";

/// The docs' example of a cluster, in `state`, as the typed answer.
fn cluster(state: &str) -> types::EpasClusterDetailResponse {
    let mut example = sdk_tests::Spec::load("scp/epas/1.0.yaml").response_example("show_cluster", "200");
    example["id"] = json!(CLUSTER);
    example["service_state"] = json!(state);
    serde_json::from_value(example).expect("the docs' example decodes")
}

fn accepted() -> types::AsyncResponse {
    types::AsyncResponse::from(types::AsyncResponseRequired {
        request_id: "req-1".into(),
        resource: types::ResourceInfo::from(types::ResourceInfoRequired { id: CLUSTER.into() }),
    })
}

/// A create request named `name`, from the docs' example.
fn create_request(name: &str) -> types::EpasClusterCreateRequest {
    let mut example = sdk_tests::Spec::load("scp/epas/1.0.yaml").request_example("create_cluster");
    example["name"] = json!(name);
    serde_json::from_value(example).expect("the docs' example decodes")
}

fn quick<O>(waiter: scp_epas::runtime::wait::Waiter<O>) -> scp_epas::runtime::wait::Waiter<O> {
    waiter.with_interval(Duration::from_millis(1)).with_timeout(Duration::from_secs(2))
}

#[tokio::test]
async fn code_that_creates_a_cluster_and_waits_until_running_is_tested_offline_in_well_under_a_second() {
    let started = Instant::now();
    let create = mock::create_cluster()
        .match_requests(|request| request.body().is_some_and(|body| body.name == "ordersdb"))
        .then_output(accepted());
    let show = mock::show_cluster()
        .match_requests(|request| request.path_param("cluster_id") == Some(CLUSTER))
        .then_output(cluster("CREATING"))
        .then_output(cluster("CREATING"))
        .then_output(cluster("RUNNING"));
    let service = Mock::new().with_rule(&create).with_rule(&show);
    let client = Client::new(service.config()).unwrap();

    // The code under test.
    let created = client.create_cluster(create_request("ordersdb")).send().await.unwrap();
    let id = created.body().resource.id.clone();
    let running = quick(client.wait_for_cluster_state(id, types::ServiceState::Running)).await.unwrap();

    assert_eq!(running.body().service_state, types::ServiceState::Running);
    assert_eq!((create.matched(), show.matched()), (1, 3));
    service.assert_no_unexpected_requests();
    assert!(started.elapsed() < Duration::from_millis(500), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_request_no_rule_matches_is_refused_and_named() {
    let create = mock::create_cluster()
        .match_requests(|request| request.body().is_some_and(|body| body.name == "ordersdb"))
        .then_output(accepted());
    let service = Mock::new().with_rule(&create);
    let client = Client::new(service.config()).unwrap();

    let err = client.create_cluster(create_request("other")).send().await.unwrap_err();
    assert!(
        err.to_string().contains("no mock rule matches POST https://mock.invalid/v1/clusters (create_cluster)"),
        "{err}"
    );
    let err = client.show_cluster(CLUSTER).send().await.unwrap_err();
    assert!(matches!(err, scp_epas::Error::InvalidRequest(_)), "an unexpected request is not retried: {err:?}");
    assert_eq!(
        service.unexpected_requests(),
        [
            "POST https://mock.invalid/v1/clusters (create_cluster)".to_owned(),
            format!("GET https://mock.invalid/v1/clusters/{CLUSTER} (show_cluster)")
        ]
    );
    assert_eq!(create.matched(), 0);
    let unexpected = std::panic::catch_unwind(|| service.assert_no_unexpected_requests());
    assert!(unexpected.is_err(), "the assertion fails when a request went unanswered");
}

#[tokio::test]
async fn retries_run_through_a_sequence_of_answers() {
    let show = mock::show_cluster()
        .then_error(503, json!({"message": "busy"}))
        .then_connection_reset()
        .then_timeout()
        .then_output(cluster("RUNNING"));
    let service = Mock::new().with_rule(&show);
    let client = Client::new(service.config().with_retry(fast_retries(4))).unwrap();
    let answer = client.show_cluster(CLUSTER).send().await.unwrap();
    assert_eq!(answer.body().id, CLUSTER);
    assert_eq!(show.matched(), 4, "a 503, a reset and a timeout, each retried for a GET");
}

fn fast_retries(attempts: u32) -> scp_epas::runtime::RetryPolicy {
    scp_epas::runtime::RetryPolicy::default().with_max_attempts(attempts).with_initial_delay(Duration::from_millis(1))
}

#[tokio::test]
async fn a_reset_post_is_not_repeated_but_a_refused_one_is() {
    let reset = mock::create_cluster().then_connection_reset().then_output(accepted());
    let service = Mock::new().with_rule(&reset);
    let client = Client::new(service.config()).unwrap();
    let err = client.create_cluster(create_request("ordersdb")).send().await.unwrap_err();
    assert!(matches!(err, scp_epas::Error::Connection(ref e) if e.request_written()), "{err:?}");
    assert_eq!(reset.matched(), 1, "the service may have created the cluster");

    let refused = mock::create_cluster().then_connection_refused().then_output(accepted());
    let service = Mock::new().with_rule(&refused);
    let client = Client::new(service.config()).unwrap();
    client.create_cluster(create_request("ordersdb")).send().await.unwrap();
    assert_eq!(refused.matched(), 2, "a request never written is safe to repeat");
}

#[tokio::test]
async fn an_api_error_reaches_the_caller_typed() {
    let show = mock::show_cluster().then_error(404, json!({"code": "NOT_FOUND", "message": "no such cluster"}));
    let service = Mock::new().with_rule(&show);
    let client = Client::new(service.config()).unwrap();
    let err = client.show_cluster("missing").send().await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    let api = err.as_api().unwrap();
    assert_eq!((api.code().as_deref(), api.message().as_deref()), (Some("NOT_FOUND"), Some("no such cluster")));
    assert!(err.to_string().starts_with("show_cluster (GET /v1/clusters/missing): 404"), "{err}");
}

#[tokio::test]
async fn a_stream_reads_three_pages_and_stops_at_the_empty_one() {
    let page = |ids: &[&str]| {
        let mut example = sdk_tests::Spec::load("scp/epas/1.0.yaml").response_example("list_clusters", "200");
        let item = example["contents"][0].clone();
        example["contents"] = ids
            .iter()
            .map(|id| {
                json!(item.clone()).as_object().cloned().map(|mut o| {
                    o.insert("id".into(), json!(id));
                    o
                })
            })
            .collect();
        serde_json::from_value::<types::RdbClusterPageResponse>(example).unwrap()
    };
    let list = mock::list_clusters().then_output(page(&["a", "b"])).then_output(page(&["c"])).then_output(page(&[]));
    let service = Mock::new().with_rule(&list);
    let client = Client::new(service.config()).unwrap();
    let ids: Vec<String> = client.list_clusters().into_stream().map_ok(|c| c.id).try_collect().await.unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(list.matched(), 3);
}

#[tokio::test]
async fn rules_see_query_values_and_headers_as_sent() {
    let list = mock::list_clusters()
        .match_requests(|request| {
            request.query("size") == Some("50".to_owned()) && request.header("accept") == Some("application/json")
        })
        .then_output(
            serde_json::from_value(json!({"contents": [], "count": 0, "page": 0, "size": 50, "sort": []})).unwrap(),
        );
    let service = Mock::new().with_rule(&list);
    let client = Client::new(service.config()).unwrap();
    client.list_clusters().size(50).send().await.unwrap();
    assert_eq!(list.matched(), 1);
}

#[test]
fn a_response_can_be_built_for_code_that_takes_one() {
    let response = scp_epas::Response::new(scp_epas::runtime::http::StatusCode::OK, Default::default(), accepted());
    assert_eq!(response.body().request_id, "req-1");
}
