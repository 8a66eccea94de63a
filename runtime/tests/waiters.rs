//! Waiters used the way generated `wait_for_…` methods use them, against a
//! mock service whose answers change from poll to poll.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::wait::{Phase, Waiter, MIN_INTERVAL};
use cloudsdk_runtime::{Auth, Client, Config, Error, Request, Response, RetryPolicy, ServiceInfo, WaitConfig};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const SERVICE: ServiceInfo = ServiceInfo { name: "test", version: "0.1.0", api_version: None, security_scheme: None };

/// Answers in turn, the last one repeating; counts the polls it answered.
#[derive(Clone)]
struct Answers(Arc<(Vec<ResponseTemplate>, AtomicUsize)>);

impl Answers {
    fn polls(&self) -> usize {
        self.0 .1.load(Ordering::SeqCst)
    }
}

impl Respond for Answers {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.0 .1.fetch_add(1, Ordering::SeqCst);
        self.0 .0[n.min(self.0 .0.len() - 1)].clone()
    }
}

/// A cluster service answering `answers` in turn; the client does not retry,
/// so every answer reaches the waiter.
async fn service(answers: Vec<ResponseTemplate>) -> (MockServer, Client, Answers) {
    let server = MockServer::start().await;
    let answers = Answers(Arc::new((answers, AtomicUsize::new(0))));
    Mock::given(path("/v1/clusters/c-1")).respond_with(answers.clone()).mount(&server).await;
    let config = Config::new(server.uri(), Auth::None).with_retry(RetryPolicy::disabled());
    (server, Client::new(config, SERVICE).unwrap(), answers)
}

fn cluster(state: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"id": "c-1", "service_state": state}))
}

#[derive(Deserialize, Debug)]
struct Cluster {
    service_state: Option<String>,
}

/// What a generated read operation's `send` does.
async fn show_cluster(client: Client) -> Result<Response<Cluster>, Error> {
    let request = Request::new(Method::GET, "show_cluster", "/v1/clusters/c-1".to_owned());
    client.execute(request).await?.json()
}

/// What a generated waiter's state function does.
fn service_state(response: &Response<Cluster>) -> Vec<&str> {
    response.body().service_state.as_deref().into_iter().collect()
}

fn quick() -> WaitConfig {
    WaitConfig::new()
        .with_interval(Duration::from_millis(10))
        .with_max_interval(Duration::from_millis(20))
        .with_timeout(Duration::from_secs(5))
}

const FAILURE: &[&str] = &["ERROR", "FAILED"];

fn until_running(client: &Client) -> Waiter<Response<Cluster>> {
    let client = client.clone();
    Waiter::until_state(quick(), move || show_cluster(client.clone()), service_state, "RUNNING", FAILURE)
}

#[tokio::test]
async fn a_state_wait_polls_through_a_503_and_returns_the_answer_in_the_target_state() {
    let answers = vec![cluster("CREATING"), ResponseTemplate::new(503), cluster("CREATING"), cluster("RUNNING")];
    let (_server, client, polled) = service(answers).await;
    let response = until_running(&client).await.unwrap();
    assert_eq!(response.body().service_state.as_deref(), Some("RUNNING"));
    assert_eq!(polled.polls(), 4);
}

#[tokio::test]
async fn a_failure_state_ends_the_wait_with_the_last_state_and_answer() {
    let (_server, client, polled) = service(vec![cluster("CREATING"), cluster("ERROR")]).await;
    let err = until_running(&client).await.unwrap_err();
    let Error::WaiterFailed { reason, last } = &err else { panic!("{err:?}") };
    assert!(reason.contains("ERROR") && reason.contains("RUNNING"), "{reason}");
    assert_eq!(last.state(), Some("ERROR"));
    assert_eq!(last.polls(), 2);
    let response = last.response::<Response<Cluster>>().expect("the last answer, typed");
    assert_eq!(response.body().service_state.as_deref(), Some("ERROR"));
    assert!(err.to_string().contains("last state ERROR"), "{err}");
    assert_eq!(polled.polls(), 2);
}

#[tokio::test]
async fn a_target_that_is_also_a_failure_state_is_reached_not_failed() {
    let (_server, client, _) = service(vec![cluster("RUNNING"), cluster("ERROR")]).await;
    let client2 = client.clone();
    let waiter = Waiter::until_state(quick(), move || show_cluster(client2.clone()), service_state, "ERROR", FAILURE);
    let response = waiter.await.unwrap();
    assert_eq!(response.body().service_state.as_deref(), Some("ERROR"));
}

#[tokio::test]
async fn a_404_right_after_a_create_is_polled_through_within_the_grace_period() {
    let answers = vec![ResponseTemplate::new(404), ResponseTemplate::new(404), cluster("RUNNING")];
    let (_server, client, polled) = service(answers).await;
    until_running(&client).with_not_found_grace(Duration::from_secs(60)).await.unwrap();
    assert_eq!(polled.polls(), 3);
}

#[tokio::test]
async fn a_404_after_the_grace_period_ends_the_wait() {
    let (_server, client, polled) = service(vec![cluster("CREATING"), ResponseTemplate::new(404)]).await;
    let err = until_running(&client).with_not_found_grace(Duration::ZERO).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(polled.polls(), 2);
}

#[tokio::test]
async fn an_error_no_retry_can_fix_ends_the_wait_at_once() {
    let (_server, client, polled) = service(vec![ResponseTemplate::new(403)]).await;
    let err = until_running(&client).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(polled.polls(), 1);
}

#[tokio::test]
async fn a_wait_that_never_ends_times_out_with_the_last_state() {
    let (_server, client, polled) = service(vec![cluster("CREATING")]).await;
    let started = Instant::now();
    let err = until_running(&client).with_timeout(Duration::from_millis(150)).await.unwrap_err();
    let elapsed = started.elapsed();
    let Error::WaiterTimedOut { waited, last } = &err else { panic!("{err:?}") };
    assert!(*waited >= Duration::from_millis(150) && elapsed < Duration::from_secs(2), "{waited:?}");
    assert_eq!(last.state(), Some("CREATING"));
    assert!(last.response::<Response<Cluster>>().is_some());
    // A poll may still be in flight when the timeout ends the wait.
    assert!((polled.polls() - 1..=polled.polls()).contains(&(last.polls() as usize)), "{last:?}");
    assert!(err.to_string().contains("last state CREATING"), "{err}");
}

#[tokio::test]
async fn a_timeout_during_an_outage_names_the_last_error() {
    let (_server, client, _) = service(vec![ResponseTemplate::new(503)]).await;
    let err = until_running(&client).with_timeout(Duration::from_millis(80)).await.unwrap_err();
    let Error::WaiterTimedOut { last, .. } = &err else { panic!("{err:?}") };
    assert_eq!(last.error().and_then(Error::status).map(|s| s.as_u16()), Some(503));
    assert_eq!(last.state(), None);
}

#[tokio::test]
async fn retry_after_on_a_throttled_poll_is_honoured() {
    let throttled = ResponseTemplate::new(429).insert_header("retry-after", "1");
    let (_server, client, _) = service(vec![throttled, cluster("RUNNING")]).await;
    let started = Instant::now();
    until_running(&client).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "polled again after {:?}", started.elapsed());
}

fn until_deleted(client: &Client) -> Waiter<Option<Response<Cluster>>> {
    let client = client.clone();
    Waiter::until_deleted(quick(), move || show_cluster(client.clone()), service_state, &["TERMINATED"])
}

#[tokio::test]
async fn a_deletion_wait_ends_on_a_404_at_any_time() {
    let answers = vec![cluster("TERMINATING"), cluster("TERMINATING"), ResponseTemplate::new(404)];
    let (_server, client, polled) = service(answers).await;
    let gone = until_deleted(&client).with_not_found_grace(Duration::from_secs(3600)).await.unwrap();
    assert!(gone.is_none());
    assert_eq!(polled.polls(), 3);
}

#[tokio::test]
async fn a_deletion_wait_ends_on_a_deleted_state() {
    let (_server, client, _) = service(vec![cluster("TERMINATING"), cluster("TERMINATED")]).await;
    let last = until_deleted(&client).await.unwrap().expect("the answer in the deleted state");
    assert_eq!(last.body().service_state.as_deref(), Some("TERMINATED"));
}

/// A list of instances, each with its own state, as KakaoCloud's instance sets.
#[derive(Deserialize, Debug)]
struct Instances {
    data: Vec<Instance>,
}

#[derive(Deserialize, Debug)]
struct Instance {
    status: String,
}

fn instance_states(response: &Response<Instances>) -> Vec<&str> {
    response.body().data.iter().map(|item| item.status.as_str()).collect()
}

fn instances(states: &[&str]) -> ResponseTemplate {
    let data: Vec<_> = states.iter().map(|s| json!({"status": s})).collect();
    ResponseTemplate::new(200).set_body_json(json!({"data": data}))
}

fn until_all_running(client: &Client) -> Waiter<Response<Instances>> {
    let client = client.clone();
    let poll = move || {
        let client = client.clone();
        async move {
            let request = Request::new(Method::GET, "list", "/v1/clusters/c-1".to_owned());
            client.execute(request).await?.json::<Instances>()
        }
    };
    Waiter::until_state(quick(), poll, instance_states, "Running", &["FAILED"])
}

#[tokio::test]
async fn a_wait_on_every_item_ends_when_all_are_in_the_target_state() {
    let answers = vec![instances(&[]), instances(&["PROVISIONING", "Running"]), instances(&["Running", "Running"])];
    let (_server, client, polled) = service(answers).await;
    until_all_running(&client).await.unwrap();
    assert_eq!(polled.polls(), 3, "an empty list is not done");
}

#[tokio::test]
async fn a_wait_on_every_item_fails_when_one_fails() {
    let (_server, client, _) = service(vec![instances(&["Running", "FAILED", "Running"])]).await;
    let err = until_all_running(&client).await.unwrap_err();
    let Error::WaiterFailed { last, .. } = &err else { panic!("{err:?}") };
    assert_eq!(last.state(), Some("Running, FAILED"));
}

#[tokio::test]
async fn a_classifier_decides_states_the_caller_does_not_name() {
    let answers = vec![cluster("REQUESTED"), cluster("IN_PROGRESS"), cluster("COMPLETED")];
    let (_server, client, polled) = service(answers).await;
    let poll = move || show_cluster(client.clone());
    Waiter::until(quick(), poll, service_state, cloudsdk_runtime::scp::request_state).await.unwrap();
    assert_eq!(polled.polls(), 3);
}

#[tokio::test]
async fn dropping_the_future_cancels_the_wait() {
    let (_server, client, polled) = service(vec![cluster("CREATING")]).await;
    let outcome = tokio::time::timeout(Duration::from_millis(60), until_running(&client)).await;
    assert!(outcome.is_err(), "still waiting when dropped");
    // A poll already on the wire when the future was dropped may still reach
    // the server: count from after it lands.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let polls = polled.polls();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(polled.polls(), polls, "no poll after the future was dropped");
}

/// A wait polling a counter, without a service.
fn counting(config: WaitConfig, polls: Arc<AtomicUsize>) -> Waiter<usize> {
    fn no_state(_: &usize) -> Vec<&str> {
        Vec::new()
    }
    let poll = move || {
        let n = polls.fetch_add(1, Ordering::SeqCst);
        async move { Ok(n) }
    };
    Waiter::until(config, poll, no_state, |_| Phase::Pending)
}

#[tokio::test]
async fn durations_too_long_to_add_to_now_mean_no_limit_not_a_panic() {
    let config =
        WaitConfig::new().with_interval(Duration::MAX).with_max_interval(Duration::MAX).with_timeout(Duration::MAX);
    let polls = Arc::new(AtomicUsize::new(0));
    let outcome = tokio::time::timeout(Duration::from_millis(100), counting(config, polls.clone())).await;
    assert!(outcome.is_err(), "still waiting when cancelled");
    assert_eq!(polls.load(Ordering::SeqCst), 1, "the second poll is `Duration::MAX` away");
}

#[tokio::test]
async fn a_zero_interval_polls_at_the_floor_not_as_fast_as_the_service_answers() {
    let config = WaitConfig::new()
        .with_interval(Duration::ZERO)
        .with_max_interval(Duration::ZERO)
        .with_timeout(Duration::from_millis(200));
    assert_eq!((config.interval(), config.max_interval()), (MIN_INTERVAL, MIN_INTERVAL));
    let polls = Arc::new(AtomicUsize::new(0));
    let outcome = counting(config, polls.clone()).await;
    assert!(matches!(outcome, Err(Error::WaiterTimedOut { .. })), "{outcome:?}");
    // 200 ms at a 10 ms floor: about 20 polls, never hundreds.
    assert!(polls.load(Ordering::SeqCst) <= 25, "{polls:?}");
}

#[test]
fn each_cloud_waits_at_least_as_long_as_its_own_tools() {
    use cloudsdk_runtime::{kakaocloud, nhncloud, scp};
    // SCP's Terraform provider: 500 polls 10 s apart for a DBaaS create.
    assert!(scp::WAIT.timeout() >= Duration::from_secs(500 * 10));
    // OpenStack's Terraform provider: 30 min to create or delete a server.
    assert!(nhncloud::WAIT.timeout() >= Duration::from_secs(30 * 60));
    assert!(kakaocloud::WAIT.timeout() >= Duration::from_secs(30 * 60));
}
