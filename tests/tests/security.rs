//! Operations that name security schemes of their own, through a generated
//! client and its mocks: each request carries the credentials its operation
//! takes and no others, and a missing credential is an error before anything
//! is sent.

use golden_security::runtime::mock::{Mock, MockRequest};
use golden_security::{mock, Auth, Client, Config, Error};

const TOKEN: &str = "oauth-token-1";
const UPLOAD_KEY: &str = "upload-key-1";

/// A client of `service` with the OAuth token (the client's scheme) and,
/// where asked, the upload key.
fn client(service: &Mock, auth: Auth, upload_key: bool) -> Client {
    let mut config = Config::new("https://mock.invalid", auth).with_transport(service.clone());
    if upload_key {
        config = config.with_auth_for("UploadKey", Auth::api_key_query("upload_key", UPLOAD_KEY).unwrap());
    }
    Client::new(config).unwrap()
}

fn bearer<B>(request: &MockRequest<B>) -> Option<&str> {
    request.header("authorization")
}

fn upload_key<B>(request: &MockRequest<B>) -> Option<String> {
    request.query("upload_key")
}

#[tokio::test]
async fn each_operation_carries_the_credentials_of_its_own_scheme_only() {
    let upload = mock::upload()
        .match_requests(|r| upload_key(r).as_deref() == Some(UPLOAD_KEY) && bearer(r).is_none())
        .then_output(());
    let list = mock::list_items()
        .match_requests(|r| bearer(r) == Some("Bearer oauth-token-1") && upload_key(r).is_none())
        .then_output(());
    let health = mock::health().match_requests(|r| bearer(r).is_none() && upload_key(r).is_none()).then_output(());
    let service = Mock::new().with_rule(&upload).with_rule(&list).with_rule(&health);
    let client = client(&service, Auth::static_bearer(TOKEN), true);

    client.upload().send().await.unwrap();
    client.list_items().send().await.unwrap();
    client.health().send().await.unwrap();

    service.assert_no_unexpected_requests();
    assert_eq!((upload.matched(), list.matched(), health.matched()), (1, 1, 1));
}

#[tokio::test]
async fn an_operation_taking_either_scheme_uses_the_first_that_is_configured() {
    let by_token = mock::search().match_requests(|r| bearer(r).is_some() && upload_key(r).is_none()).then_output(());
    let by_key = mock::search().match_requests(|r| bearer(r).is_none() && upload_key(r).is_some()).then_output(());

    let service = Mock::new().with_rule(&by_token).with_rule(&by_key);
    client(&service, Auth::static_bearer(TOKEN), true).search().send().await.unwrap();
    // Only the key: the operation still goes out, with the key.
    client(&service, Auth::None, true).search().send().await.unwrap();

    service.assert_no_unexpected_requests();
    assert_eq!((by_token.matched(), by_key.matched()), (1, 1));
}

#[tokio::test]
async fn a_requirement_of_two_schemes_sends_both_and_one_alone_is_refused() {
    let partner = mock::partner()
        .match_requests(|r| r.header("x-partner-id") == Some("partner-7") && r.header("x-partner-key") == Some("pk-1"))
        .then_output(());
    let service = Mock::new().with_rule(&partner);
    let id = Auth::api_key("X-Partner-Id", "partner-7").unwrap();
    let key = Auth::api_key("X-Partner-Key", "pk-1").unwrap();
    let config = Config::new("https://mock.invalid", Auth::static_bearer(TOKEN)).with_transport(service.clone());

    let both = Client::new(config.clone().with_auth_for("PartnerId", id.clone()).with_auth_for("PartnerKey", key));
    both.unwrap().partner().send().await.unwrap();
    let one = Client::new(config.with_auth_for("PartnerId", id)).unwrap();
    let error = one.partner().send().await.unwrap_err();

    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("`PartnerId` + `PartnerKey`") && message.contains("with_auth_for"), "{message}");
    assert!(!message.contains("partner-7") && !message.contains(TOKEN), "{message}");
    assert_eq!(partner.matched(), 1, "the refused request was not sent");
    service.assert_no_unexpected_requests();
}

#[tokio::test]
async fn an_operation_whose_scheme_has_no_credentials_fails_before_sending() {
    let upload = mock::upload().then_output(());
    let service = Mock::new().with_rule(&upload);

    let error = client(&service, Auth::static_bearer(TOKEN), false).upload().send().await.unwrap_err();

    let message = error.to_string();
    assert!(message.contains("`upload`") && message.contains("`UploadKey`"), "{message}");
    assert_eq!(upload.matched(), 0);
}

#[tokio::test]
async fn optional_credentials_are_sent_when_configured_and_left_out_otherwise() {
    let with_token = mock::status().match_requests(|r| bearer(r).is_some()).then_output(());
    let without = mock::status().match_requests(|r| bearer(r).is_none() && upload_key(r).is_none()).then_output(());
    let service = Mock::new().with_rule(&with_token).with_rule(&without);

    client(&service, Auth::static_bearer(TOKEN), false).status().send().await.unwrap();
    client(&service, Auth::None, true).status().send().await.unwrap();

    service.assert_no_unexpected_requests();
    assert_eq!((with_token.matched(), without.matched()), (1, 1));
}

#[tokio::test]
async fn a_client_without_any_credentials_sends_every_operation_without() {
    // The mock's own configuration carries none: tests of a caller's code
    // need not invent keys for the schemes its operations name.
    let upload = mock::upload().match_requests(|r| upload_key(r).is_none() && bearer(r).is_none()).then_output(());
    let service = Mock::new().with_rule(&upload);

    Client::new(service.config()).unwrap().upload().send().await.unwrap();

    assert_eq!(upload.matched(), 1);
}
