//! Every KakaoCloud Redis operation against a local mock server: the request has
//! the documented method, path, query, token header and the docs' example body;
//! the docs' response example decodes into the typed response.

use kakaocloud_redis::{types, Auth, Client, Config, Endpoint, Region};
use sdk_tests::Spec;
use serde_json::Value;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "test-token";
const SET: &str = "xxxxxxxx-7347-4d87-a49f-e705e91db2fb";

fn spec() -> Spec {
    Spec::load("kakaocloud/redis/v1.yaml")
}

fn client(server: &MockServer) -> Client {
    Client::new(Config::new(server.uri(), Auth::static_token(TOKEN))).unwrap()
}

/// Mounts a mock that expects exactly one matching request and answers `reply`.
async fn expect(server: &MockServer, verb: &str, route: &str, body: Option<&Value>, status: u16, reply: Value) {
    let mut mock = Mock::given(method(verb)).and(path(route)).and(header("x-auth-token", TOKEN));
    if let Some(body) = body {
        mock = mock.and(body_json(body));
    }
    mock.respond_with(ResponseTemplate::new(status).set_body_json(reply)).expect(1).mount(server).await;
}

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).expect("docs example decodes")
}

#[tokio::test]
async fn create_new_instance_set() {
    let (server, spec) = (MockServer::start().await, spec());
    let body = spec.request_example("create_instance_set");
    expect(&server, "POST", "/v1/instance-sets", Some(&body), 201, spec.response_example("create_instance_set", "201"))
        .await;
    let response =
        client(&server).create_new_instance_set(decode::<types::CreateInstanceSetRequest>(&body)).send().await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.body().object_id.as_deref(), Some(SET));
}

#[tokio::test]
async fn create_instance_set_from_backup() {
    let (server, spec) = (MockServer::start().await, spec());
    let body = spec.schema_example("RestoreInstanceSetFromBackupRequest");
    expect(&server, "POST", "/v1/instance-sets", Some(&body), 201, spec.response_example("create_instance_set", "201"))
        .await;
    let restore: types::RestoreInstanceSetFromBackupRequest = decode(&body);
    let response = client(&server).create_instance_set_from_backup(restore).send().await.unwrap();
    assert_eq!(response.body().object_id.as_deref(), Some(SET));
}

#[tokio::test]
async fn create_instance_set_from_object_storage() {
    let (server, spec) = (MockServer::start().await, spec());
    let body = spec.schema_example("RestoreInstanceSetFromObjectStorageRequest");
    expect(&server, "POST", "/v1/instance-sets", Some(&body), 201, spec.response_example("create_instance_set", "201"))
        .await;
    let restore: types::RestoreInstanceSetFromObjectStorageRequest = decode(&body);
    let response = client(&server).create_instance_set_from_object_storage(restore).send().await.unwrap();
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn update_instance_set() {
    let (server, spec) = (MockServer::start().await, spec());
    let body = spec.request_example("update_instance_set");
    let route = format!("/v1/instance-sets/{SET}");
    expect(&server, "PATCH", &route, Some(&body), 200, spec.response_example("update_instance_set", "200")).await;
    let response = client(&server)
        .update_instance_set(SET, decode::<types::UpdateInstanceSetRequest>(&body))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn delete_instance_set_sends_keep_automatic_backups() {
    let (server, spec) = (MockServer::start().await, spec());
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/instance-sets/{SET}")))
        .and(query_param("keepAutomaticBackups", "true"))
        .and(header("x-auth-token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(spec.response_example("delete_instance_set", "200")))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).delete_instance_set(SET).keep_automatic_backups(true).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn get_instance_list_of_instance_set() {
    let (server, spec) = (MockServer::start().await, spec());
    let reply = spec.response_example("get_instance_list_of_instance_set", "200");
    expect(&server, "GET", &format!("/v1/instance-sets/{SET}/instances"), None, 200, reply.clone()).await;
    let response = client(&server).get_instance_list_of_instance_set(SET).send().await.unwrap();
    assert_eq!(serde_json::to_value(response.body()).unwrap()["instances"], reply["instances"]);
}

#[tokio::test]
async fn delete_instance_from_instance_set() {
    let (server, spec) = (MockServer::start().await, spec());
    let reply = spec.response_example("delete_instance_from_instance_set", "200");
    expect(&server, "DELETE", &format!("/v1/instance-sets/{SET}/instances/inst-1"), None, 200, reply).await;
    let response = client(&server).delete_instance_from_instance_set(SET, "inst-1").send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn promote_replica_to_primary() {
    let (server, spec) = (MockServer::start().await, spec());
    let body = spec.request_example("promote_replica_to_primary");
    let reply = spec.response_example("promote_replica_to_primary", "200");
    expect(&server, "PATCH", &format!("/v1/instance-sets/{SET}/primary"), Some(&body), 200, reply).await;
    client(&server)
        .promote_replica_to_primary(SET, decode::<types::PromoteReplicaRequest>(&body))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn add_instance() {
    let (server, spec) = (MockServer::start().await, spec());
    let body = spec.request_example("add_instance");
    let reply = spec.response_example("add_instance", "200");
    expect(&server, "PATCH", &format!("/v1/instance-sets/{SET}/replicas"), Some(&body), 200, reply).await;
    client(&server).add_instance(SET, decode::<types::AddInstanceRequest>(&body)).send().await.unwrap();
}

#[tokio::test]
async fn set_high_availability_mode() {
    let (server, spec) = (MockServer::start().await, spec());
    let body = spec.request_example("set_high_availability_mode");
    let reply = spec.response_example("set_high_availability_mode", "200");
    expect(&server, "PATCH", &format!("/v1/instance-sets/{SET}/recovery"), Some(&body), 200, reply).await;
    client(&server)
        .set_high_availability_mode(SET, decode::<types::SetHighAvailabilityModeRequest>(&body))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_id_with_slashes_or_dots_cannot_change_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/instance-sets/a%2F..%2Fb%3Fx%23y/instances"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"instances": []})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).get_instance_list_of_instance_set("a/../b?x#y").send().await.unwrap();
    let err = client(&server).get_instance_list_of_instance_set("..").send().await.unwrap_err();
    assert!(matches!(err, kakaocloud_redis::Error::InvalidRequest(_)), "{err}");
}

#[tokio::test]
async fn an_api_error_keeps_status_body_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("x-request-id", "req-42")
                .set_body_json(serde_json::json!({"message": "busy"})),
        )
        .mount(&server)
        .await;
    let err = client(&server).delete_instance_set(SET).send().await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status, 409);
    assert_eq!(api.request_id(), Some("req-42"));
    assert!(api.body_text().contains("busy"));
    assert!(err.to_string().contains("409") && err.to_string().contains("req-42"));
}

#[test]
fn regions_build_the_documented_urls() {
    assert_eq!(Endpoint::default().url(), "https://redis.kr-central-2.kakaocloud.com");
    assert_eq!(Endpoint::new(Region::KrCentral1).unwrap().url(), "https://redis.kr-central-1.kakaocloud.com");
}

#[tokio::test]
async fn out_of_range_input_is_refused_before_sending() {
    let (server, spec) = (MockServer::start().await, spec());
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).expect(0).mount(&server).await;
    let mut body: types::CreateInstanceSetRequest = decode(&spec.request_example("create_instance_set"));
    body.port = 80;
    body.description = Some("x".repeat(101));
    if let Some(schedule) = body.backup_schedule.as_mut() {
        schedule.retention_limit = Some(36);
    }
    let err = client(&server).create_new_instance_set(body).send().await.unwrap_err();
    let kakaocloud_redis::Error::InvalidRequest(message) = &err else { panic!("{err}") };
    assert!(message.contains("body.port: 80 is below the minimum 2000"), "{message}");
    assert!(message.contains("body.description: 101 characters, more than the maximum 100"), "{message}");
    assert!(message.contains("body.backupSchedule.retentionLimit: 36 is above the maximum 35"), "{message}");
}

#[tokio::test]
async fn validation_can_be_turned_off_where_the_docs_are_wrong() {
    let (server, spec) = (MockServer::start().await, spec());
    expect(&server, "POST", "/v1/instance-sets", None, 201, spec.response_example("create_instance_set", "201")).await;
    let mut body: types::CreateInstanceSetRequest = decode(&spec.request_example("create_instance_set"));
    body.port = 80;
    let config = Config::new(server.uri(), Auth::static_token(TOKEN)).with_request_validation(false);
    Client::new(config).unwrap().create_new_instance_set(body).send().await.unwrap();
}

/// The instances of the set, one answer per poll, the last one repeating.
async fn instances_answering(server: &MockServer, answers: &[&[&str]]) {
    let route = format!("/v1/instance-sets/{SET}/instances");
    let body = |states: &[&str]| {
        let data: Vec<Value> =
            states.iter().map(|s| serde_json::json!({"instanceName": "node", "status": s})).collect();
        serde_json::json!({"size": data.len(), "data": data})
    };
    let (last, first) = answers.split_last().expect("one answer at least");
    for states in first {
        Mock::given(method("GET"))
            .and(path(&route))
            .respond_with(ResponseTemplate::new(200).set_body_json(body(states)))
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(&route))
        .respond_with(ResponseTemplate::new(200).set_body_json(body(last)))
        .mount(server)
        .await;
}

fn quick<O>(waiter: kakaocloud_redis::runtime::wait::Waiter<O>) -> kakaocloud_redis::runtime::wait::Waiter<O> {
    waiter.with_interval(std::time::Duration::from_millis(10)).with_timeout(std::time::Duration::from_secs(2))
}

#[tokio::test]
async fn the_instance_set_waiter_waits_for_every_instance() {
    let server = MockServer::start().await;
    instances_answering(
        &server,
        &[&["PROVISIONING", "PROVISIONING"], &["Running", "PROVISIONING"], &["Running", "Running"]],
    )
    .await;
    let done = quick(client(&server).wait_for_instance_set_status(SET, "Running")).await.unwrap();
    assert_eq!(done.body().data.as_ref().map(Vec::len), Some(2));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn the_instance_set_waiter_fails_when_one_instance_fails() {
    let server = MockServer::start().await;
    instances_answering(&server, &[&["PROVISIONING", "FAILED"]]).await;
    let err = quick(client(&server).wait_for_instance_set_status(SET, "Running")).await.unwrap_err();
    let kakaocloud_redis::Error::WaiterFailed { last, .. } = &err else { panic!("{err:?}") };
    assert_eq!(last.state(), Some("PROVISIONING, FAILED"));
}

#[tokio::test]
async fn the_deletion_waiter_ends_when_the_set_is_gone() {
    let server = MockServer::start().await;
    let route = format!("/v1/instance-sets/{SET}/instances");
    Mock::given(method("GET"))
        .and(path(&route))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"size": 1, "data": [{"status": "Deleting"}]})),
        )
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path(&route)).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let gone = quick(client(&server).wait_for_instance_set_deleted(SET)).await.unwrap();
    assert!(gone.is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}
