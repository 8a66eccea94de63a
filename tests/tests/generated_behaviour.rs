//! Behaviour of code generated from the golden fixtures, beyond compiling:
//! server variables filled by name, statuses decoded by status, credentials
//! redacted, parameters named like builder methods, discriminated unions.

use golden_operations::{types, Auth, Client, Config, Endpoint, Region, Stage};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn server_variables_fill_the_url_by_name_not_by_declaration_order() {
    assert_eq!(Endpoint::default().url(), "https://kr1.api.example.com/prod");
    let beta = Endpoint::new(Stage::Beta, Region::Kr1).unwrap();
    assert_eq!(beta.url(), "https://kr1.api.example.com/beta");
    assert!(Endpoint::new(Stage::Beta, Region::Jp1).is_err(), "not a documented combination");
}

fn required_credentials() -> types::CredentialsRequired {
    types::CredentialsRequired { user: "me".into(), password: "hunter2-very-secret".into() }
}

fn credentials() -> types::Credentials {
    types::Credentials::new(required_credentials()).with_api_secret("api-secret-value")
}

#[test]
fn credential_members_are_redacted_in_debug_output() {
    for shown in [format!("{:?}", credentials()), format!("{:?}", required_credentials())] {
        assert!(shown.contains("\"me\""), "{shown}");
        assert!(!shown.contains("hunter2") && !shown.contains("api-secret-value"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}

#[tokio::test]
async fn each_success_status_decodes_into_its_own_variant() {
    let server = MockServer::start().await;
    let client = Client::new(Config::new(server.uri(), Auth::static_token("t")), "tenant").unwrap();
    for (status, body) in [(201, Some(serde_json::json!({"ticket": "t-1"}))), (204, None)] {
        let mut reply = ResponseTemplate::new(status);
        if let Some(body) = body {
            reply = reply.set_body_json(body);
        }
        Mock::given(method("POST"))
            .and(path("/v2/tenant/jobs"))
            .and(query_param("send", "true"))
            .respond_with(reply)
            .up_to_n_times(1)
            .mount(&server)
            .await;
        let response = client.submit_job(credentials()).send_param(true).send().await.unwrap();
        match (status, response.into_body()) {
            (201, golden_operations::operation::SubmitJobBody::Status201(ticket)) => {
                assert_eq!(ticket.ticket.as_deref(), Some("t-1"));
            }
            (204, golden_operations::operation::SubmitJobBody::Status204) => {}
            (status, other) => panic!("{status} decoded as {other:?}"),
        }
    }
}

#[test]
fn object_with_one_of_is_a_union_and_prelude_names_get_a_suffix() {
    let pet: golden_types::types::Pet =
        serde_json::from_value(serde_json::json!({"kind": "square", "side": 2.0})).unwrap();
    assert!(matches!(pet, golden_types::types::Pet::Square(_)), "{pet:?}");
    let outcome = golden_types::types::ResultModel::default().with_ok(true);
    assert_eq!(serde_json::to_value(outcome).unwrap(), serde_json::json!({"ok": true}));
}

#[test]
fn unset_optional_members_are_not_sent_even_when_nullable() {
    let graph = golden_types::types::Graph::default();
    assert_eq!(serde_json::to_value(graph).unwrap(), serde_json::json!({}));
    let labels: golden_types::types::Graph =
        serde_json::from_value(serde_json::json!({"labels": {"a": null, "b": "x"}})).unwrap();
    assert_eq!(labels.labels.unwrap().get("a"), Some(&None));
}

#[test]
fn a_discriminator_picks_the_variant_even_where_shapes_overlap() {
    use golden_types::types::Shape;
    // Untagged decoding would take the first variant that fits (Circle, which
    // ignores `side`); the `kind` member says Square.
    let shape: Shape =
        serde_json::from_value(serde_json::json!({"kind": "square", "radius": 1.0, "side": 2.0})).unwrap();
    assert!(matches!(shape, Shape::Square(_)), "{shape:?}");
    let err = serde_json::from_value::<Shape>(serde_json::json!({"kind": "hexagon", "side": 1.0})).unwrap_err();
    assert!(err.to_string().contains("`kind` to be one of circle, square"), "{err}");
    assert_eq!(serde_json::to_value(shape).unwrap()["kind"], "square");
}

#[test]
fn bounds_are_checked_through_a_type_alias() {
    use golden_types::runtime::validate::Validate;
    use golden_types::types::{Cluster, ClusterRequired, Graph, Region};
    let too_short = Cluster::new(ClusterRequired { id: "id".into(), name: "ab".into(), status: Region::KrCentral2 });
    let graph = Graph::default().with_pinned(too_short);
    let mut problems = Vec::new();
    graph.validate("body", &mut problems);
    assert!(problems.iter().any(|p| p.contains("body.pinned.name")), "{problems:?}");
}
