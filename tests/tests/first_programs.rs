//! Three "first programs" a new user would write, one per cloud, each against a
//! local mock server instead of the real service: request bodies are built by
//! name from the generated `…Required` structs and `with_*` setters (never as
//! JSON), and the tests check that the service receives exactly the members the
//! program named, and that the program gets back what the service answered.
//!
//! Each program lives in its own module so that it can `use <crate>::prelude::*`
//! the way a user's `main.rs` would.

use serde_json::Value;
use wiremock::{MockServer, Request};

/// The JSON body of the one request the mock received as `verb path`.
async fn sent_body(server: &MockServer, verb: &str, path: &str) -> Value {
    let received: Vec<Request> = server.received_requests().await.expect("request recording is on");
    let mut matching = received.iter().filter(|r| r.method.as_str() == verb && r.url.path() == path);
    let request = matching.next().unwrap_or_else(|| panic!("no {verb} {path} was received"));
    assert!(matching.next().is_none(), "{verb} {path} was received more than once");
    serde_json::from_slice(&request.body).expect("the request body is JSON")
}

/// How many requests the mock received as `verb path`.
async fn count(server: &MockServer, verb: &str, path: &str) -> usize {
    let received = server.received_requests().await.expect("request recording is on");
    received.iter().filter(|r| r.method.as_str() == verb && r.url.path() == path).count()
}

/// SCP EPAS: create a cluster, wait for the asynchronous request, then for the
/// cluster to run.
mod scp_epas_first_program {
    use std::time::Duration;

    use scp_epas::prelude::*;
    use serde_json::json;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const CLUSTER: &str = "109a585ae67b4e8482fdafc8a4a5be74";
    const REQUEST: &str = "req-4f668846-8a3d-49f1-8111-451ebccf445c";
    const SUBNET: &str = "e1b3a1c7f2d94a3c9d2b6a0f5c8e7d41";
    const ENGINE: &str = "b7e2f0c5a1d84c0e9f3a2b1c6d5e4f30";

    /// The service: 202 with a request id for the creation, the request pending
    /// once and then completed, and the created cluster.
    async fn mock_service() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/clusters"))
            .and(header("scp-api-version", "epas 1.0"))
            .respond_with(
                ResponseTemplate::new(202).set_body_json(json!({"request_id": REQUEST, "resource": {"id": CLUSTER}})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let state = |s: &str| ResponseTemplate::new(200).set_body_json(json!({"request_id": REQUEST, "state": s}));
        // `IN_PROGRESS` is neither a done nor a failed state (runtime::scp::request_state): keep polling.
        Mock::given(method("GET"))
            .and(path(format!("/v1/requests/{REQUEST}")))
            .respond_with(state("IN_PROGRESS"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/v1/requests/{REQUEST}")))
            .respond_with(state("COMPLETED"))
            .mount(&server)
            .await;
        // The docs' example of a cluster, as this program's cluster.
        let mut cluster = sdk_tests::Spec::load("scp/epas/1.0.yaml").response_example("show_cluster", "200");
        cluster["id"] = json!(CLUSTER);
        cluster["name"] = json!("ordersdb");
        cluster["subnet_id"] = json!(SUBNET);
        cluster["timezone"] = json!("Asia/Seoul");
        cluster["ha_enabled"] = json!(true);
        // Not visible for a moment after the create, then creating, then running.
        let cluster_path = format!("/v1/clusters/{CLUSTER}");
        let mut creating = cluster.clone();
        creating["service_state"] = json!("CREATING");
        let answers = [ResponseTemplate::new(404), ResponseTemplate::new(200).set_body_json(creating)];
        for answer in answers {
            Mock::given(method("GET"))
                .and(path(&cluster_path))
                .respond_with(answer)
                .up_to_n_times(1)
                .mount(&server)
                .await;
        }
        Mock::given(method("GET"))
            .and(path(&cluster_path))
            .respond_with(ResponseTemplate::new(200).set_body_json(cluster))
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn create_a_cluster_wait_for_it_and_read_it() {
        let server = mock_service().await;
        // A real program would use `Client::for_endpoint(&Endpoint::default(), ScpCredentials::from_default_chain()?)`.
        let client = Client::new(Config::new(server.uri(), ScpCredentials::new("access-key", "secret-key"))).unwrap();

        // Every required member is named, so `name` and `subnet_id` (both strings) cannot be swapped silently.
        let os_disk = types::BlockStorageGroupRequest::new(types::BlockStorageGroupRequestRequired {
            role_type: types::BlockRoleType::Os,
            size_gb: 104,
        });
        let data_disk = types::BlockStorageGroupRequest::new(types::BlockStorageGroupRequestRequired {
            role_type: types::BlockRoleType::Data,
            size_gb: 200,
        })
        .with_volume_type(types::VolumeType::SsdKms);
        let instances = types::InstanceGroupRequest::new(types::InstanceGroupRequestRequired {
            block_storage_groups: vec![os_disk, data_disk],
            role_type: types::InstanceGroupRoleType::ActiveStandby,
            server_type_name: "db1v2m4".into(),
        });
        let init_config_option = types::EpasInitConfigOptionRequest::new(types::EpasInitConfigOptionRequestRequired {
            database_name: "orders".into(),
            database_user_name: "app".into(),
            database_user_password: "correct-horse-battery".into(),
        });
        let required = types::EpasClusterCreateRequestRequired {
            dbaas_engine_version_id: ENGINE.into(),
            init_config_option,
            instance_groups: vec![instances],
            instance_name_prefix: "orders".into(),
            name: "ordersdb".into(),
            subnet_id: SUBNET.into(),
            timezone: "Asia/Seoul".into(),
        };
        // Optional members are `with_*` setters on the full request.
        let body = types::EpasClusterCreateRequest::new(required)
            .with_ha_enabled(true)
            .with_tags(vec![types::Tag::new().with_key("team").with_value("orders")]);

        let accepted = client.create_cluster(body).send().await.unwrap();
        assert_eq!(accepted.status(), 202);
        assert_eq!(accepted.body().request_id, REQUEST);

        // Short intervals for the test; SCP waits default to `runtime::scp::WAIT`
        // (every 10 s, backing off to 30 s, for up to 90 min).
        let wait = WaitConfig::new().with_interval(Duration::from_millis(10)).with_timeout(Duration::from_secs(2));
        let done = client.wait_for_request(accepted.body().request_id.clone()).with_config(wait.clone()).await.unwrap();
        assert_eq!(done.body().state, "COMPLETED");

        // The waiter reads the cluster until it runs, past the 404 of a cluster not visible yet.
        let cluster_id = accepted.body().resource.id.clone();
        let running = client.wait_for_cluster_state(cluster_id, types::ServiceState::Running).with_config(wait);
        let cluster = running.await.unwrap();
        assert_eq!(super::count(&server, "GET", &format!("/v1/clusters/{CLUSTER}")).await, 3);
        let cluster = cluster.body();
        assert_eq!(cluster.id, CLUSTER);
        assert_eq!(cluster.name, "ordersdb");
        assert_eq!(cluster.subnet_id, SUBNET);
        assert_eq!(cluster.ha_enabled, Some(true));
        assert_eq!(cluster.service_state, types::ServiceState::Running);

        // The service got exactly the members the program named, under their wire names.
        assert_eq!(
            super::sent_body(&server, "POST", "/v1/clusters").await,
            json!({
                "dbaas_engine_version_id": ENGINE,
                "ha_enabled": true,
                "init_config_option": {
                    "database_name": "orders",
                    "database_user_name": "app",
                    "database_user_password": "correct-horse-battery",
                },
                "instance_groups": [{
                    "block_storage_groups": [
                        {"role_type": "OS", "size_gb": 104},
                        {"role_type": "DATA", "size_gb": 200, "volume_type": "SSD_KMS"},
                    ],
                    "role_type": "ACTIVE_STANDBY",
                    "server_type_name": "db1v2m4",
                }],
                "instance_name_prefix": "orders",
                "name": "ordersdb",
                "subnet_id": SUBNET,
                "tags": [{"key": "team", "value": "orders"}],
                "timezone": "Asia/Seoul",
            })
        );
        // One pending poll, then the completed one.
        assert_eq!(super::count(&server, "GET", &format!("/v1/requests/{REQUEST}")).await, 2);
    }
}

/// NHN Cloud Compute: boot a server, wait until it is ACTIVE, list every server.
mod nhncloud_compute_first_program {
    use std::time::Duration;

    use nhncloud_compute::prelude::*;
    use serde_json::{json, Value};
    use wiremock::matchers::{body_json, header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const TENANT: &str = "6cdebe3eb0094910bc41f1d42ebe4cb7";
    const TOKEN: &str = "issued-token";
    const SERVER: &str = "2d1ac8f2-5e4c-4a4f-b8f7-1f0ad7b0a6f1";
    const IMAGE: &str = "9956f822-29c9-4f81-9410-0c392d9c8c24";
    const FLAVOR: &str = "a4b6a0f7-aeff-4d78-a8d5-7de9f007012d";
    const SUBNET: &str = "f3c2e1d0-8b7a-4c6d-9e5f-0a1b2c3d4e5f";

    fn server_page(ids: &[&str]) -> Value {
        json!({"servers": ids.iter().map(|id| json!({"id": id, "name": id, "links": []})).collect::<Vec<_>>()})
    }

    /// Identity and Compute on one mock server: a token for the API password, the
    /// creation, the server BUILDING once then ACTIVE, and a server list in pages.
    async fn mock_service() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v2.0/tokens"))
            .and(body_json(json!({"auth": {
                "tenantId": TENANT,
                "passwordCredentials": {"username": "me@example.com", "password": "api-password"},
            }})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access": {
                "token": {"id": TOKEN, "expires": "2099-01-01T00:00:00Z", "tenant": {"id": TENANT}},
                "serviceCatalog": [],
            }})))
            .expect(1) // issued once, then reused
            .mount(&server)
            .await;
        let compute = |verb: &str, route: String| {
            Mock::given(method(verb)).and(path(format!("/v2/{TENANT}{route}"))).and(header("x-auth-token", TOKEN))
        };
        compute("POST", "/servers".into())
            .respond_with(ResponseTemplate::new(202).set_body_json(json!({"server": {"id": SERVER, "links": []}})))
            .expect(1)
            .mount(&server)
            .await;
        let status = |s: &str| {
            ResponseTemplate::new(200).set_body_json(json!({"server": {"id": SERVER, "name": "web-1", "status": s}}))
        };
        compute("GET", format!("/servers/{SERVER}"))
            .respond_with(status("BUILDING"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        compute("GET", format!("/servers/{SERVER}")).respond_with(status("ACTIVE")).mount(&server).await;
        // Marker pagination: the marker is the id of the last server of the previous
        // page, and an empty page ends the list. The marker pages are mounted first:
        // the first page's matcher (limit=2) matches them too.
        for (marker, ids) in [("c", &[][..]), ("b", &["c"][..])] {
            compute("GET", "/servers".into())
                .and(query_param("marker", marker))
                .respond_with(ResponseTemplate::new(200).set_body_json(server_page(ids)))
                .expect(1)
                .mount(&server)
                .await;
        }
        compute("GET", "/servers".into())
            .and(query_param("limit", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(server_page(&["a", "b"])))
            .expect(1)
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn boot_a_server_wait_until_active_and_list_servers() {
        let server = mock_service().await;
        // A real program would use `NhnIdentity::from_env()?` and `Client::for_endpoint(&Endpoint::default(), …)`.
        let identity = NhnIdentity::new(TENANT, "me@example.com", "api-password").with_base_url(server.uri());
        let client = Client::new(Config::new(server.uri(), Auth::token(identity)), TENANT).unwrap();

        // Named members: `image_ref` and `flavor_ref` are both UUID strings, easy to swap by position.
        let boot = types::ServerCreate::new(types::ServerCreateRequired {
            image_ref: IMAGE.into(),
            flavor_ref: FLAVOR.into(),
            networks: vec![types::ServerNetwork::new().with_subnet(SUBNET)],
            name: "web-1".into(),
            key_name: "my-key".into(),
        })
        .with_availability_zone("kr-pub-a");
        let created = client.create_server(types::CreateServerRequestRequired { server: boot }).send().await.unwrap();
        assert_eq!(created.status(), 202);
        let id = created.body().server.as_ref().and_then(|s| s.id.clone()).expect("the new server's id");

        // Short intervals for the test; the default polls every 5 s for up to 30 min.
        let wait = WaitConfig::new().with_interval(Duration::from_millis(10)).with_timeout(Duration::from_secs(2));
        let active = client.wait_for_server_status(&id, types::ServerStatus::Active).with_config(wait).await.unwrap();
        assert_eq!(active.body().server.id.as_deref(), Some(SERVER));
        assert_eq!(active.body().server.status, Some(types::ServerStatus::Active));

        // `into_stream` follows the markers; `try_collect` comes with the prelude.
        let all: Vec<types::Server> = client.list_servers().limit(2).into_stream().try_collect().await.unwrap();
        let ids: Vec<_> = all.iter().filter_map(|s| s.id.as_deref()).collect();
        assert_eq!(ids, ["a", "b", "c"]);

        assert_eq!(
            super::sent_body(&server, "POST", &format!("/v2/{TENANT}/servers")).await,
            json!({"server": {
                "imageRef": IMAGE,
                "flavorRef": FLAVOR,
                "networks": [{"subnet": SUBNET}],
                "name": "web-1",
                "key_name": "my-key",
                "availability_zone": "kr-pub-a",
            }})
        );
        // One BUILDING answer, then ACTIVE.
        assert_eq!(super::count(&server, "GET", &format!("/v2/{TENANT}/servers/{SERVER}")).await, 2);
    }
}

/// KakaoCloud Redis: create an instance set.
mod kakaocloud_redis_first_program {
    use kakaocloud_redis::prelude::*;
    use serde_json::json;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const TOKEN: &str = "iam-token";
    const SET: &str = "5f2c7a4e-7347-4d87-a49f-e705e91db2fb";
    const PROJECT: &str = "8eebb8f91c0a465096316820a21a9772";
    const FLAVOR: &str = "3830ebad-ea2f-4822-8a7d-9e301c86a58d";
    const PRIMARY_SUBNET: &str = "aaaa1111-0a69-4f8b-b56d-59ce12b4d55b";
    const REPLICA_SUBNET: &str = "bbbb2222-0a69-4f8b-b56d-59ce12b4d55b";
    const SECURITY_GROUP: &str = "abcd3333-4870-4c4e-a267-2de13e38c2ea";
    const PARAMETER_GROUP: &str = "bbbbcccc-1234-1234-5678-e705e91db2fb";

    /// IAM and Redis on one mock server: a token for the application credential
    /// (in the `X-Subject-Token` header) and the creation answering the new set's id.
    async fn mock_service() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/identity/v3/auth/tokens"))
            .respond_with(
                ResponseTemplate::new(201)
                    .insert_header("X-Subject-Token", TOKEN)
                    .set_body_json(json!({"token": {"expires_at": "2099-01-01T00:00:00Z"}})),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/instance-sets"))
            .and(header("x-auth-token", TOKEN))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"objectId": SET})))
            .expect(1)
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn create_an_instance_set() {
        let server = mock_service().await;
        // A real program would use `KakaoCloudIam::from_env()?` and `Client::for_endpoint(&Endpoint::default(), …)`.
        let iam = KakaoCloudIam::new("credential-id", "credential-secret").with_base_url(server.uri());
        let client = Client::new(Config::new(server.uri(), Auth::token(iam))).unwrap();

        let subnet = |id: &str| types::SubnetRef::new(types::SubnetRefRequired { id: id.into() });
        let required = types::CreateInstanceSetRequestRequired {
            replicas: 2,
            flavor_id: FLAVOR.into(),
            instance_set_name: "sessions".into(),
            recovery_enabled: true,
            subnets: vec![subnet(PRIMARY_SUBNET), subnet(REPLICA_SUBNET)],
            // The primary in one subnet, its replica in the other.
            subnet_assignments: vec![types::SubnetAssignment::new(types::SubnetAssignmentRequired {
                primary: subnet(PRIMARY_SUBNET),
                replicas: vec![subnet(REPLICA_SUBNET)],
            })],
            security_groups: vec![types::SecurityGroupRef::new(types::SecurityGroupRefRequired {
                id: SECURITY_GROUP.into(),
            })],
            port: 6379,
            project_id: PROJECT.into(),
            version: types::RedisVersion::V7_2_6,
            parameter_group_id: PARAMETER_GROUP.into(),
        };
        let body = types::CreateInstanceSetRequest::new(required)
            .with_description("web sessions")
            .with_backup_schedule(types::BackupSchedule::new().with_cron("* 3 * * *").with_retention_limit(7));
        // `create_new_instance_set` is `create_instance_set` with the "new set" body
        // (the other variants restore from a backup or from Object Storage).
        let created = client.create_new_instance_set(body).send().await.unwrap();
        assert_eq!(created.status(), 201);
        assert_eq!(created.body().object_id.as_deref(), Some(SET));

        assert_eq!(
            super::sent_body(&server, "POST", "/v1/instance-sets").await,
            json!({
                "description": "web sessions",
                "replicas": 2,
                "flavorId": FLAVOR,
                "instanceSetName": "sessions",
                "recoveryEnabled": true,
                "subnets": [{"id": PRIMARY_SUBNET}, {"id": REPLICA_SUBNET}],
                "subnetAssignments": [{"primary": {"id": PRIMARY_SUBNET}, "replicas": [{"id": REPLICA_SUBNET}]}],
                "securityGroups": [{"id": SECURITY_GROUP}],
                "backupSchedule": {"cron": "* 3 * * *", "retentionLimit": 7},
                "port": 6379,
                "projectId": PROJECT,
                "version": "7.2.6",
                "parameterGroupId": PARAMETER_GROUP,
            })
        );
    }
}
