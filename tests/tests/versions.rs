//! Multi-version crates: types identical in both API versions exist once and are
//! accepted by either version's client; each version sends its own
//! `Scp-Api-Version`; the crate root is the current version.

#![allow(deprecated)]

use scp_data_flow::runtime::scp::ScpCredentials;
use scp_data_flow::{shared, v1_0, v1_1, Config};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn body() -> shared::DataFlowBodyCreate {
    serde_json::from_value(sdk_tests::Spec::load("scp/data-flow/1.1.yaml").request_example("create_data_flow")).unwrap()
}

#[tokio::test]
async fn one_shared_type_serves_both_versions_and_each_sends_its_api_version() {
    let server = MockServer::start().await;
    for version in ["data-flow 1.0", "data-flow 1.1"] {
        Mock::given(method("POST"))
            .and(path("/v1/data-flows"))
            .and(header("scp-api-version", version))
            .respond_with(ResponseTemplate::new(202).set_body_json(serde_json::json!({"id": "df-1"})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let config = || Config::new(server.uri(), ScpCredentials::new("AK", "SK"));
    let shared_body = body();
    let old = v1_0::Client::new(config()).unwrap();
    let current = v1_1::Client::new(config()).unwrap();
    old.create_data_flow(shared_body.clone()).send().await.unwrap();
    current.create_data_flow(shared_body).send().await.unwrap();
}

#[test]
fn the_crate_root_is_the_current_version() {
    let _: fn(Config) -> Result<v1_1::Client, scp_data_flow::Error> = scp_data_flow::Client::new;
    let _: scp_data_flow::types::DataFlowDetailResponseV1Dot1;
}
