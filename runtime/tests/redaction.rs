//! Secrets never show in `Debug` output or error messages, whatever a user logs.

use std::sync::Arc;

use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::kakaocloud::KakaoCloudIam;
use cloudsdk_runtime::nhncloud::NhnIdentity;
use cloudsdk_runtime::scp::ScpCredentials;
use cloudsdk_runtime::{Auth, Client, Config, Request, ServiceInfo};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICE: ServiceInfo =
    ServiceInfo { name: "test", version: "0.1.0", api_version: Some("test 1.0"), security_scheme: None };

const SECRET: &str = "s3cr3t-value-never-shown";
const TOKEN: &str = "issued-token-never-shown";

fn assert_hidden(shown: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!shown.contains(secret), "{secret:?} leaked into {shown}");
    }
}

#[test]
fn debug_of_credentials_providers_configs_and_clients_hides_secrets() {
    let auths = [
        Auth::from(ScpCredentials::new("AK", SECRET).with_account_id("acc")),
        Auth::token(NhnIdentity::new("tenant", "me@example.com", SECRET)),
        Auth::token(KakaoCloudIam::new("credential-id", SECRET)),
        Auth::static_token(SECRET),
        Auth::static_bearer(SECRET),
        Auth::bearer(KakaoCloudIam::new("credential-id", SECRET)),
        Auth::api_key("x-api-key", SECRET).unwrap(),
        Auth::api_key_cookie("session", SECRET).unwrap(),
        Auth::basic("user", SECRET).unwrap(),
    ];
    for auth in auths {
        let config = Config::new("https://example.invalid", auth.clone());
        let client = Client::new(config.clone(), SERVICE).unwrap();
        for shown in [format!("{auth:?}"), format!("{config:?}"), format!("{client:?}"), format!("{client:#?}")] {
            assert_hidden(&shown, &[SECRET]);
        }
    }
    let nhn = NhnIdentity::new("tenant", "me@example.com", SECRET);
    assert!(format!("{nhn:?}").contains("me@example.com"), "identifiers stay visible for debugging");
}

#[tokio::test]
async fn a_cached_token_is_not_shown_by_debug() {
    let server = MockServer::start().await;
    Mock::given(path("/identity/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-subject-token", TOKEN)
                .set_body_json(json!({"token": {"expires_at": "2999-01-01T00:00:00Z"}})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/v2/servers")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let iam = Arc::new(KakaoCloudIam::new("credential-id", SECRET).with_base_url(server.uri()));
    let client = Client::new(Config::new(server.uri(), Auth::token(iam.clone())), SERVICE).unwrap();
    client.execute(Request::new(Method::GET, "list_servers", "/v2/servers".to_owned())).await.unwrap();

    assert_hidden(&format!("{iam:?} {client:?}"), &[SECRET, TOKEN]);
}

#[tokio::test]
async fn an_identity_failure_does_not_repeat_the_password() {
    let server = MockServer::start().await;
    // A careless identity service that echoes what it was sent.
    Mock::given(path("/v2.0/tokens"))
        .respond_with(|request: &wiremock::Request| {
            ResponseTemplate::new(401).set_body_string(format!("rejected: {}", String::from_utf8_lossy(&request.body)))
        })
        .mount(&server)
        .await;

    let identity = NhnIdentity::new("tenant", "me@example.com", SECRET).with_base_url(server.uri());
    let client = Client::new(Config::new(server.uri(), Auth::token(identity)), SERVICE).unwrap();
    let err = client.execute(Request::new(Method::GET, "list_servers", "/v2/servers".to_owned())).await.unwrap_err();

    let shown = format!("{err} {err:?}");
    assert!(shown.contains("401") && shown.contains("<redacted>"), "{shown}");
    assert_hidden(&shown, &[SECRET]);
}

#[test]
fn an_api_key_auth_shows_its_header_but_not_its_key() {
    let shown = format!("{:?}", Auth::api_key("X-Api-Key", SECRET).unwrap());
    assert!(shown.contains("x-api-key"), "{shown}");
    assert_hidden(&shown, &[SECRET]);
}

#[tokio::test]
async fn a_json_escaped_echo_of_the_password_is_redacted() {
    let password = r#"pa"ss\word-never-shown"#;
    let server = MockServer::start().await;
    // Echoes the request body: the password appears JSON-escaped, as `pa\"ss\\word…`.
    Mock::given(path("/v2.0/tokens"))
        .respond_with(|request: &wiremock::Request| {
            ResponseTemplate::new(401).set_body_string(format!("rejected: {}", String::from_utf8_lossy(&request.body)))
        })
        .mount(&server)
        .await;

    let identity = NhnIdentity::new("tenant", "me@example.com", password).with_base_url(server.uri());
    let client = Client::new(Config::new(server.uri(), Auth::token(identity)), SERVICE).unwrap();
    let err = client.execute(Request::new(Method::GET, "list_servers", "/v2/servers".to_owned())).await.unwrap_err();

    let shown = format!("{err} {err:?}");
    assert!(shown.contains("401") && shown.contains("<redacted>"), "{shown}");
    assert_hidden(&shown, &["word-never-shown", "pa\\\"ss", "pa\"ss"]);
}

/// A distinctive start of every secret below. Percent-encoding and JSON
/// escaping leave letters and digits as they are, so any spelling of a secret
/// that escaped redaction shows it.
const MARK: &str = "Zq7Kx";

/// `secret` in every spelling a careless service may echo it: as sent, in a
/// JSON string as serde writes it and as ASCII-only encoders do (`\u00fc`),
/// percent-encoded as in a URL and as in a form.
fn echoes(secret: &str) -> String {
    let json = serde_json::to_string(secret).unwrap();
    let ascii: String = json
        .chars()
        .map(|c| match c.is_ascii() {
            true => c.to_string(),
            false => c.encode_utf16(&mut [0; 2]).iter().map(|unit| format!("\\u{unit:04x}")).collect(),
        })
        .collect();
    let percent = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC).to_string();
    format!("raw {secret} json {json} ascii {ascii} url {percent} form {}\n", percent.replace("%20", "+"))
}

/// Asserts that `err` shows no secret in `Display` or `Debug`, and that it
/// redacted some (so the secrets were within what it shows).
fn assert_redacted(err: &cloudsdk_runtime::Error) {
    for shown in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(shown.contains("<redacted>"), "{shown}");
        assert_hidden(&shown, &[MARK]);
    }
}

/// An API that answers 400 repeating the credential headers it got (in its
/// body and in `x-request-id`), then reporting `known` secrets in every spelling.
async fn echoing_api(server: &MockServer, known: &'static [&'static str]) {
    Mock::given(wiremock::matchers::path_regex("^/v2/"))
        .respond_with(move |request: &wiremock::Request| {
            let mut response = ResponseTemplate::new(400);
            let mut body = String::new();
            for name in ["x-auth-token", "authorization", "x-api-key"] {
                if let Some(value) = request.headers.get(name) {
                    body.push_str(&format!("{name}: {}\n", value.to_str().unwrap()));
                    response = response.insert_header("x-request-id", value.clone());
                }
            }
            body.extend(known.iter().map(|secret| echoes(secret)));
            response.set_body_string(body)
        })
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_service_echoing_the_request_and_the_secrets_shows_none_in_the_error() {
    const TOKEN: &str = r#"Zq7Kx-tok"en\/+ value"#;
    const SCP_SECRET: &str = r#"Zq7Kx-secret key "ü\/é"#;
    const APP_SECRET: &str = r#"Zq7Kx-app secret "ü\"#;
    const ISSUED: &str = "Zq7Kx-issued-token";
    fn iam(server: &MockServer) -> KakaoCloudIam {
        KakaoCloudIam::new("credential-id", APP_SECRET).with_base_url(server.uri())
    }
    type Case = (fn(&MockServer) -> Auth, &'static [&'static str]);
    let cases: [Case; 8] = [
        (|_| Auth::static_token(TOKEN), &[TOKEN]),
        (|_| Auth::api_key_cookie("session", TOKEN).unwrap(), &[TOKEN]),
        (|_| Auth::basic("user", SCP_SECRET).unwrap(), &[SCP_SECRET]),
        (|_| Auth::static_bearer(TOKEN), &[TOKEN]),
        (|_| Auth::api_key("x-api-key", TOKEN).unwrap(), &[TOKEN]),
        (|_| Auth::from(ScpCredentials::new("AK", SCP_SECRET)), &[SCP_SECRET]),
        (|server| Auth::token(iam(server)), &[APP_SECRET, ISSUED]),
        (|server| Auth::bearer(iam(server)), &[APP_SECRET]),
    ];
    for (auth, known) in cases {
        let server = MockServer::start().await;
        Mock::given(path("/identity/v3/auth/tokens"))
            .respond_with(
                ResponseTemplate::new(201)
                    .insert_header("x-subject-token", ISSUED)
                    .set_body_json(json!({"token": {"expires_at": "2999-01-01T00:00:00Z"}})),
            )
            .mount(&server)
            .await;
        echoing_api(&server, known).await;
        let auth = auth(&server);
        let client = Client::new(Config::new(server.uri(), auth.clone()), SERVICE).unwrap();
        let err =
            client.execute(Request::new(Method::GET, "list_servers", "/v2/servers".to_owned())).await.unwrap_err();
        assert_redacted(&err);
        let api = err.as_api().unwrap();
        assert!(String::from_utf8_lossy(&api.body).contains(MARK), "the caller keeps the body as sent: {auth:?}");
    }
}

#[tokio::test]
async fn a_decode_error_quoting_an_echoed_token_shows_none() {
    const TOKEN: &str = "Zq7Kx-static-token";
    let server = MockServer::start().await;
    Mock::given(path("/v2/servers"))
        .respond_with(|request: &wiremock::Request| {
            let token = request.headers["x-auth-token"].to_str().unwrap();
            ResponseTemplate::new(200).set_body_json(json!({"count": token}))
        })
        .mount(&server)
        .await;

    let client = Client::new(Config::new(server.uri(), Auth::static_token(TOKEN)), SERVICE).unwrap();
    let response = client.execute(Request::new(Method::GET, "list_servers", "/v2/servers".to_owned())).await.unwrap();
    let err = response.json::<std::collections::HashMap<String, u32>>().unwrap_err();

    assert_redacted(&err);
    let source = std::error::Error::source(&err).unwrap();
    assert_hidden(&source.to_string(), &[MARK]);
    let cloudsdk_runtime::Error::Decode { source, .. } = &err else { panic!("{err:?}") };
    assert!(source.serde_error().to_string().contains(MARK), "serde's own message quotes the value");
}

#[tokio::test]
async fn passwords_with_quotes_backslashes_and_non_ascii_echoed_by_identity_services_are_redacted() {
    const PASSWORD: &str = "Zq7Kx pä\"ss\\wörd/🔑";
    let server = MockServer::start().await;
    for tokens in ["/v2.0/tokens", "/identity/v3/auth/tokens"] {
        Mock::given(path(tokens))
            .respond_with(|request: &wiremock::Request| {
                let sent = String::from_utf8_lossy(&request.body);
                ResponseTemplate::new(401).set_body_string(format!("{}sent {sent}", echoes(PASSWORD)))
            })
            .mount(&server)
            .await;
    }
    let nhn = NhnIdentity::new("tenant", "me@example.com", PASSWORD).with_base_url(server.uri());
    let kakao = KakaoCloudIam::new("credential-id", PASSWORD).with_base_url(server.uri());
    for auth in [Auth::token(nhn), Auth::token(kakao)] {
        let client = Client::new(Config::new(server.uri(), auth), SERVICE).unwrap();
        let err =
            client.execute(Request::new(Method::GET, "list_servers", "/v2/servers".to_owned())).await.unwrap_err();
        assert!(matches!(err, cloudsdk_runtime::Error::Auth(_)), "{err:?}");
        assert_redacted(&err);
    }
}

#[tokio::test]
async fn a_waiter_error_quoting_a_polled_answer_that_echoes_the_token_shows_none() {
    use cloudsdk_runtime::wait::{WaitConfig, Waiter};
    use cloudsdk_runtime::Response;
    const TOKEN: &str = "Wq9-token-echoed-while-polling";
    let server = MockServer::start().await;
    Mock::given(path("/v1/clusters/c"))
        .respond_with(|request: &wiremock::Request| {
            let token = request.headers["x-auth-token"].to_str().unwrap();
            ResponseTemplate::new(200).set_body_json(json!({"state": "ERROR", "note": format!("caller {token}")}))
        })
        .mount(&server)
        .await;
    let client = Client::new(Config::new(server.uri(), Auth::static_token(TOKEN)), SERVICE).unwrap();
    let poll = move || {
        let client = client.clone();
        async move {
            let request = Request::new(Method::GET, "show_cluster", "/v1/clusters/c".to_owned());
            client.execute(request).await?.json::<std::collections::HashMap<String, String>>()
        }
    };
    fn state(response: &Response<std::collections::HashMap<String, String>>) -> Vec<&str> {
        response.body().get("state").map(String::as_str).into_iter().collect()
    }
    let err = Waiter::until_state(WaitConfig::new(), poll, state, "RUNNING", &["ERROR"]).await.unwrap_err();
    let shown = format!("{err:?} {err}");
    assert!(shown.contains("ERROR") && shown.contains("caller"), "{shown}");
    assert_hidden(&shown, &[TOKEN]);
}
