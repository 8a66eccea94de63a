//! The conformance check can fail: a request with a misspelled or missing
//! required field is rejected by Prism (run by `cargo xtask test`, which starts
//! Prism and sets `PRISM_URL_KAKAOCLOUD_REDIS`).

use cloudsdk_runtime::{http::Method, Auth, Client, Config, Error, Request, ServiceInfo};
use serde_json::json;

fn client() -> Client {
    let url = std::env::var("PRISM_URL_KAKAOCLOUD_REDIS").expect("set by `cargo xtask test`");
    let service = ServiceInfo { name: "mismatch-test", version: "0", api_version: None, security_scheme: None };
    Client::new(Config::new(url, Auth::static_token("t")), service).unwrap()
}

async fn send(body: serde_json::Value) -> Result<(), Error> {
    let mut request =
        Request::new(Method::PATCH, "set_high_availability_mode", "/v1/instance-sets/set-1/recovery".into());
    request.json(&body)?;
    client().execute(request).await.map(|_| ())
}

fn violations(error: &Error) -> String {
    let api = error.as_api().expect("Prism answers with an error status");
    api.headers.get("sl-violations").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

#[tokio::test]
#[ignore = "needs a Prism mock: run `cargo xtask test`"]
async fn the_documented_body_is_accepted() {
    send(json!({"enabled": true})).await.expect("valid request");
}

#[tokio::test]
#[ignore = "needs a Prism mock: run `cargo xtask test`"]
async fn a_misspelled_field_is_rejected() {
    let error = send(json!({"enabeld": true})).await.unwrap_err();
    assert!(violations(&error).contains("enabled"), "{error}");
}

#[tokio::test]
#[ignore = "needs a Prism mock: run `cargo xtask test`"]
async fn a_missing_required_field_is_rejected() {
    let error = send(json!({})).await.unwrap_err();
    assert!(violations(&error).contains("required"), "{error}");
}

#[tokio::test]
#[ignore = "needs a Prism mock: run `cargo xtask test`"]
async fn a_wrong_type_is_rejected() {
    let error = send(json!({"enabled": "yes"})).await.unwrap_err();
    assert!(!violations(&error).is_empty(), "{error}");
}
