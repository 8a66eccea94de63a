//! NHN Cloud Compute against local mock servers: every operation and server
//! action with the docs' examples, the Identity token flow, the server list
//! stream and the status waiter.

use std::time::Duration;

use futures_util::TryStreamExt;
use nhncloud_compute::mock;
use nhncloud_compute::runtime::mock::Mock as Service;
use nhncloud_compute::runtime::nhncloud::NhnIdentity;
use nhncloud_compute::runtime::wait::WaitConfig;
use nhncloud_compute::{types, Auth, Client, Config, Endpoint, Region};
use sdk_tests::Spec;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "nhn-token";
const TENANT: &str = "6cdebe3eb0094910bc41f1d42ebe4cb7";
const SERVER: &str = "2d1ac8f2-5e4c-4a4f-b8f7-1f0ad7b0a6f1";

fn spec() -> Spec {
    Spec::load("nhncloud/compute/v2.yaml")
}

fn client(server: &MockServer) -> Client {
    Client::new(Config::new(server.uri(), Auth::static_token(TOKEN)), TENANT).unwrap()
}

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).expect("docs example decodes")
}

/// Mounts a mock expecting one request at `/v2/{tenant}{route}` and answering `status` with `reply`.
async fn expect(server: &MockServer, verb: &str, route: &str, body: Option<&Value>, status: u16, reply: Option<Value>) {
    let mut mock =
        Mock::given(method(verb)).and(path(format!("/v2/{TENANT}{route}"))).and(header("x-auth-token", TOKEN));
    if let Some(body) = body {
        mock = mock.and(body_json(body));
    }
    let mut response = ResponseTemplate::new(status);
    if let Some(reply) = reply {
        response = response.set_body_json(reply);
    }
    mock.respond_with(response).expect(1).mount(server).await;
}

#[tokio::test]
async fn flavors_and_zones() {
    let (server, spec) = (MockServer::start().await, spec());
    expect(&server, "GET", "/flavors", None, 200, Some(spec.response_example("list_flavors", "200"))).await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/{TENANT}/flavors/detail")))
        .and(query_param("minDisk", "20"))
        .and(query_param("minRam", "1024"))
        .respond_with(ResponseTemplate::new(200).set_body_json(spec.response_example("list_flavors_detail", "200")))
        .expect(1)
        .mount(&server)
        .await;
    expect(
        &server,
        "GET",
        "/os-availability-zone",
        None,
        200,
        Some(spec.response_example("list_availability_zones", "200")),
    )
    .await;
    let c = client(&server);
    assert!(!c.list_flavors().send().await.unwrap().body().flavors.is_empty());
    let detail = c.list_flavors_detail().min_disk(20).min_ram(1024).send().await.unwrap();
    assert!(!detail.body().flavors.is_empty());
    c.list_availability_zones().send().await.unwrap();
}

#[tokio::test]
async fn keypairs() {
    let (server, spec) = (MockServer::start().await, spec());
    let create = spec.request_example("create_keypair");
    expect(&server, "GET", "/os-keypairs", None, 200, Some(spec.response_example("list_keypairs", "200"))).await;
    expect(&server, "POST", "/os-keypairs", Some(&create), 200, Some(spec.response_example("create_keypair", "200")))
        .await;
    expect(&server, "GET", "/os-keypairs/my-key", None, 200, Some(spec.response_example("show_keypair", "200"))).await;
    expect(&server, "DELETE", "/os-keypairs/my-key", None, 202, None).await;
    let c = client(&server);
    c.list_keypairs().send().await.unwrap();
    c.create_keypair(decode::<types::CreateKeypairRequest>(&create)).send().await.unwrap();
    c.show_keypair("my-key").send().await.unwrap();
    assert_eq!(c.delete_keypair("my-key").send().await.unwrap().status(), 202);
}

#[tokio::test]
async fn servers() {
    let (server, spec) = (MockServer::start().await, spec());
    let create = spec.request_example("create_server");
    let update = spec.request_example("update_server");
    let route = format!("/servers/{SERVER}");
    expect(&server, "POST", "/servers", Some(&create), 202, Some(spec.response_example("create_server", "202"))).await;
    expect(&server, "GET", &route, None, 200, Some(spec.response_example("show_server", "200"))).await;
    expect(&server, "PUT", &route, Some(&update), 200, Some(spec.response_example("show_server", "200"))).await;
    expect(&server, "DELETE", &route, None, 204, None).await;
    let c = client(&server);
    c.create_server(decode::<types::CreateServerRequest>(&create)).send().await.unwrap();
    let shown = c.show_server(SERVER).send().await.unwrap();
    assert!(shown.body().server.id.is_some());
    c.update_server(SERVER, decode::<types::UpdateServerRequest>(&update)).send().await.unwrap();
    assert_eq!(c.delete_server(SERVER).send().await.unwrap().status(), 204);
}

#[tokio::test]
async fn server_lists_send_every_documented_filter() {
    let (server, spec) = (MockServer::start().await, spec());
    let filters = [
        ("reservation_id", "r-1"),
        ("changes-since", "2024-05-17T00:23:17Z"),
        ("image", "img"),
        ("flavor", "flv"),
        ("name", "web"),
        ("status", "ACTIVE"),
        ("limit", "10"),
        ("marker", "m-1"),
    ];
    let mut mock = Mock::given(method("GET")).and(path(format!("/v2/{TENANT}/servers/detail")));
    for (name, value) in filters {
        mock = mock.and(query_param(name, value));
    }
    mock.respond_with(ResponseTemplate::new(200).set_body_json(spec.response_example("list_servers_detail", "200")))
        .expect(1)
        .mount(&server)
        .await;
    expect(&server, "GET", "/servers", None, 200, Some(spec.response_example("list_servers", "200"))).await;
    let c = client(&server);
    let since: nhncloud_compute::runtime::DateTime = "2024-05-17T00:23:17Z".parse().unwrap();
    c.list_servers_detail()
        .reservation_id("r-1")
        .changes_since(since)
        .image("img")
        .flavor("flv")
        .name("web")
        .status(types::ServerStatus::Active)
        .limit(10)
        .marker("m-1")
        .send()
        .await
        .unwrap();
    c.list_servers().send().await.unwrap();
}

#[tokio::test]
async fn volume_attachments() {
    let (server, spec) = (MockServer::start().await, spec());
    let attach = spec.request_example("attach_volume");
    let base = format!("/servers/{SERVER}/os-volume_attachments");
    expect(&server, "GET", &base, None, 200, Some(spec.response_example("list_volume_attachments", "200"))).await;
    expect(&server, "POST", &base, Some(&attach), 200, Some(spec.response_example("attach_volume", "200"))).await;
    expect(
        &server,
        "GET",
        &format!("{base}/vol-1"),
        None,
        200,
        Some(spec.response_example("show_volume_attachment", "200")),
    )
    .await;
    expect(&server, "DELETE", &format!("{base}/vol-1"), None, 202, None).await;
    let c = client(&server);
    c.list_volume_attachments(SERVER).send().await.unwrap();
    c.attach_volume(SERVER, decode::<types::AttachVolumeRequest>(&attach)).send().await.unwrap();
    c.show_volume_attachment(SERVER, "vol-1").send().await.unwrap();
    c.detach_volume(SERVER, "vol-1").send().await.unwrap();
}

#[tokio::test]
async fn each_action_has_its_method_and_sends_the_documented_body() {
    let (server, spec) = (MockServer::start().await, spec());
    let route = format!("/servers/{SERVER}/action");
    for name in
        ["start_server", "stop_server", "reboot_server", "resize_server", "add_security_group", "remove_security_group"]
    {
        expect(&server, "POST", &route, Some(&spec.request_named_example("server_action", name)), 202, None).await;
    }
    let c = client(&server);
    let example = |name: &str| spec.request_named_example("server_action", name);
    c.start_server(SERVER).send().await.unwrap();
    c.stop_server(SERVER).send().await.unwrap();
    c.reboot_server(SERVER, decode::<types::RebootServerAction>(&example("reboot_server"))).send().await.unwrap();
    c.resize_server(SERVER, decode::<types::ResizeServerAction>(&example("resize_server"))).send().await.unwrap();
    c.add_security_group(SERVER, decode::<types::AddSecurityGroupAction>(&example("add_security_group")))
        .send()
        .await
        .unwrap();
    c.remove_security_group(SERVER, decode::<types::RemoveSecurityGroupAction>(&example("remove_security_group")))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn reboot_takes_a_typed_soft_or_hard() {
    let reboot: types::RebootServerAction = decode(&json!({"reboot": {"type": "HARD"}}));
    assert_eq!(serde_json::to_value(&reboot).unwrap(), json!({"reboot": {"type": "HARD"}}));
    let soft: types::RebootServerAction = decode(&json!({"reboot": {"type": "SOFT"}}));
    assert_ne!(soft, reboot);
}

#[tokio::test]
async fn create_image_returns_the_image_url_from_location() {
    let (server, spec) = (MockServer::start().await, spec());
    let body = spec.request_named_example("server_action", "create_server_image");
    let image_url = "https://kr1-api-image.example/v2/images/img-1";
    Mock::given(method("POST"))
        .and(path(format!("/v2/{TENANT}/servers/{SERVER}/action")))
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(202).insert_header("Location", image_url))
        .expect(1)
        .mount(&server)
        .await;
    let response =
        client(&server).create_server_image(SERVER, decode::<types::CreateImageAction>(&body)).send().await.unwrap();
    assert_eq!(response.header("location"), Some(image_url));
}

fn server_page(ids: &[&str]) -> Value {
    json!({"servers": ids.iter().map(|id| json!({"id": id, "name": id, "links": []})).collect::<Vec<_>>()})
}

#[tokio::test]
async fn the_server_stream_follows_markers_to_the_end() {
    let server = MockServer::start().await;
    let list = format!("/v2/{TENANT}/servers");
    Mock::given(method("GET"))
        .and(path(&list))
        .and(query_param("marker", "c"))
        .respond_with(ResponseTemplate::new(200).set_body_json(server_page(&[])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&list))
        .and(query_param("marker", "b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(server_page(&["c"])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&list))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(server_page(&["a", "b"])))
        .expect(1)
        .mount(&server)
        .await;
    let all: Vec<types::Server> = client(&server).list_servers().limit(2).into_stream().try_collect().await.unwrap();
    let ids: Vec<_> = all.iter().map(|s| s.id.clone().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
}

/// The server in status `s`, as the typed answer of `show_server`.
fn server_in(s: &str) -> types::ServerResponse {
    serde_json::from_value(json!({"server": {"id": SERVER, "status": s}})).unwrap()
}

fn quick() -> WaitConfig {
    WaitConfig::new().with_interval(Duration::from_millis(1)).with_timeout(Duration::from_millis(100))
}

/// A client whose `show_server` answers come from `show`, without a socket.
fn mocked(show: &nhncloud_compute::runtime::mock::Rule<(), types::ServerResponse>) -> (Client, Service) {
    let service = Service::new().with_rule(show);
    (Client::new(service.config(), TENANT).unwrap(), service)
}

#[tokio::test]
async fn the_waiter_returns_once_the_server_is_active() {
    let show = mock::show_server()
        .then_output(server_in("BUILD"))
        .then_output(server_in("BUILD"))
        .then_output(server_in("ACTIVE"));
    let (client, _service) = mocked(&show);
    let done = client.wait_for_server_status(SERVER, types::ServerStatus::Active).with_config(quick()).await.unwrap();
    assert_eq!(done.body().server.status, Some(types::ServerStatus::Active));
    assert_eq!(show.matched(), 3);
}

#[tokio::test]
async fn the_waiter_fails_early_on_error_and_times_out_otherwise() {
    let (client, _service) = mocked(&mock::show_server().then_output(server_in("ERROR")));
    let err =
        client.wait_for_server_status(SERVER, types::ServerStatus::Active).with_config(quick()).await.unwrap_err();
    assert!(matches!(err, nhncloud_compute::Error::WaiterFailed { .. }), "{err}");

    let (client, _service) = mocked(&mock::show_server().then_output(server_in("BUILD")));
    let err =
        client.wait_for_server_status(SERVER, types::ServerStatus::Shutoff).with_config(quick()).await.unwrap_err();
    assert!(matches!(err, nhncloud_compute::Error::WaiterTimedOut { .. }), "{err}");
}

#[tokio::test]
async fn the_deletion_waiter_ends_on_a_404_after_the_server_was_still_there() {
    let show = mock::show_server()
        .then_output(server_in("ACTIVE"))
        .then_output(server_in("ACTIVE"))
        .then_error(404, json!({"itemNotFound": {"code": 404, "message": "gone"}}));
    let (client, _service) = mocked(&show);
    let gone = client.wait_for_server_deleted(SERVER).with_config(quick()).await.unwrap();
    assert!(gone.is_none(), "a 404 is the end of a deletion");
    assert_eq!(show.matched(), 3);
}

#[tokio::test]
async fn call_options_override_the_retry_policy_for_one_call() {
    use nhncloud_compute::prelude::{CallOptions, RetryPolicy};
    let show = mock::show_server().then_error(503, json!({"message": "busy"}));
    let service = Service::new().with_rule(&show);
    let client = Client::new(service.config(), TENANT).unwrap();

    let once = CallOptions::new().with_retry(RetryPolicy::disabled());
    let err = client.show_server(SERVER).with_options(once).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(show.matched(), 1, "one attempt with retries off");

    client.show_server(SERVER).send().await.unwrap_err();
    assert_eq!(show.matched(), 4, "three more with the client's policy");
}

#[tokio::test]
async fn identity_tokens_are_issued_once_reused_and_reissued_after_a_401() {
    let identity = MockServer::start().await;
    let compute = MockServer::start().await;
    let token_response = |id: &str| {
        ResponseTemplate::new(200).set_body_json(json!({
            "access": {"token": {"id": id, "expires": "2099-01-01T00:00:00Z", "tenant": {"id": TENANT}}, "serviceCatalog": []}
        }))
    };
    Mock::given(method("POST")).and(path("/v2.0/tokens"))
        .and(body_json(json!({"auth": {"tenantId": TENANT, "passwordCredentials": {"username": "me@example.com", "password": "api-password"}}})))
        .respond_with(token_response("first")).up_to_n_times(1).expect(1).mount(&identity).await;
    Mock::given(method("POST"))
        .and(path("/v2.0/tokens"))
        .respond_with(token_response("second"))
        .expect(1)
        .mount(&identity)
        .await;
    let flavors = format!("/v2/{TENANT}/flavors");
    Mock::given(method("GET"))
        .and(path(&flavors))
        .and(header("x-auth-token", "first"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"flavors": []})))
        .up_to_n_times(2)
        .expect(2)
        .mount(&compute)
        .await;
    Mock::given(method("GET"))
        .and(path(&flavors))
        .and(header("x-auth-token", "first"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&compute)
        .await;
    Mock::given(method("GET"))
        .and(path(&flavors))
        .and(header("x-auth-token", "second"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"flavors": []})))
        .expect(1)
        .mount(&compute)
        .await;

    let provider = NhnIdentity::new(TENANT, "me@example.com", "api-password").with_base_url(identity.uri());
    let c = Client::new(Config::new(compute.uri(), Auth::token(provider)), TENANT).unwrap();
    c.list_flavors().send().await.unwrap();
    c.list_flavors().send().await.unwrap();
    // The third call meets a 401: the client gets a new token once and succeeds.
    c.list_flavors().send().await.unwrap();
    assert!(!format!("{c:?}").contains("api-password"));
}

#[test]
fn regions_default_to_the_current_hosts() {
    assert_eq!(Endpoint::default().url(), "https://kr1-api-instance-infrastructure.nhncloudservice.com");
    assert_eq!(
        Endpoint::new(Region::Jp1).unwrap().url(),
        "https://jp1-api-instance-infrastructure.nhncloudservice.com"
    );
}
