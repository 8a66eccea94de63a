//! SCP signatures checked as the service checks them: a loopback server
//! recomputes each one from the method, URL and headers it received, with an
//! HMAC-SHA256 and a Base64 written here from the documented algorithm
//! (Base64 of HMAC-SHA256, keyed with the secret key, over method + URL +
//! `Scp-Timestamp` + `Scp-AccessKey` + `Scp-AccountId` + `Scp-ClientType`),
//! not with the runtime's signing code.

use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::scp::ScpCredentials;
use cloudsdk_runtime::{encode_path_segment, Client, Config, Request, ServiceInfo};
use sha2::{Digest, Sha256};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const SERVICE: ServiceInfo =
    ServiceInfo { name: "scp-test", version: "0.1.0", api_version: Some("test 1.0"), security_scheme: None };
const ACCESS_KEY: &str = "AK-independent";
const SECRET_KEY: &str = "SK-independent-secret";

/// HMAC (RFC 2104) over SHA-256, whose blocks are 64 bytes.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|k| k ^ byte);
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().to_vec()
}

/// Base64 (RFC 4648) with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::new();
    for chunk in bytes.chunks(3) {
        let bits = chunk.iter().enumerate().fold(0u32, |bits, (i, byte)| bits | u32::from(*byte) << (16 - 8 * i));
        for i in 0..4 {
            let sextet = (bits >> (18 - 6 * i)) & 63;
            text.push(if i <= chunk.len() { char::from(ALPHABET[sextet as usize]) } else { '=' });
        }
    }
    text
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The signature the service expects for these parts, as the docs define it.
fn expected_signature(secret_key: &str, parts: [&str; 6]) -> String {
    base64(&hmac_sha256(secret_key.as_bytes(), parts.concat().as_bytes()))
}

#[test]
fn the_test_hmac_and_base64_reproduce_published_vectors() {
    // RFC 4231, test cases 2 and 6 (a key longer than a block).
    assert_eq!(
        hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        hex(&hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
    // RFC 4648, section 10.
    let encoded: Vec<String> = ["", "f", "fo", "foo", "foob", "fooba", "foobar"].map(|s| base64(s.as_bytes())).into();
    assert_eq!(encoded, ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"]);
    // The SCP test vectors the runtime's unit tests check as well.
    let url = "https://cachestore.kr-west1.e.samsungsdscloud.com/v1/clusters";
    let vector = |method, url| {
        expected_signature("test-secret-key", [method, url, "1605290625682", "2sd2gg=2agbdSD26svcD", "", "Openapi"])
    };
    assert_eq!(vector("POST", url), "YfRM6MqSUs/OVZtGJfecp4Qd6vBsYC/eRSjAZ4NX9Po=");
    assert_eq!(
        vector("GET", &format!("{url}?page=0&size=20&sort=created_at%3Adesc")),
        "zw6MP6IDf6AByiO8lFT2X/utyGwIS978AKbJZgkpKes="
    );
}

/// A service that accepts a request only if its signature is the one computed
/// from what was received; the answer to any other says why it was refused.
struct SigningService {
    secret_key: &'static str,
    account_id: &'static str,
}

impl Respond for SigningService {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        match self.check(request) {
            Ok(()) => ResponseTemplate::new(200).set_body_string("{}"),
            Err(why) => ResponseTemplate::new(401).set_body_string(why),
        }
    }
}

impl SigningService {
    fn check(&self, request: &wiremock::Request) -> Result<(), String> {
        let header = |name: &str| {
            request.headers.get(name).ok_or(format!("no {name}"))?.to_str().map_err(|e| format!("{name}: {e}"))
        };
        // The URL as sent: the request target after the host it was sent to.
        // wiremock parses the target, which leaves a percent-encoded ASCII one as it is.
        let target = request.url.as_str().strip_prefix("http://localhost").ok_or("no origin-form target")?;
        if !target.is_ascii() {
            return Err(format!("the request target is not percent-encoded: {target}"));
        }
        let url = format!("http://{}{target}", header("host")?);
        let (timestamp, access_key) = (header("scp-timestamp")?, header("scp-accesskey")?);
        let (account_id, client_type) = (header("scp-accountid")?, header("scp-clienttype")?);
        if (access_key, account_id, client_type) != (ACCESS_KEY, self.account_id, "Openapi") {
            return Err(format!("unexpected access key {access_key}, account {account_id} or client {client_type}"));
        }
        let method = request.method.as_str();
        let expected =
            expected_signature(self.secret_key, [method, &url, timestamp, access_key, account_id, client_type]);
        let signature = header("scp-signature")?;
        if signature != expected {
            return Err(format!("signature {signature} is not {expected}, over {method} {url}"));
        }
        Ok(())
    }
}

/// The requests checked, each with the request target the service must receive.
fn requests() -> Vec<(Request, String)> {
    let id = encode_path_segment("cluster_id", "my cluster/ü-1").unwrap();
    let mut listed = Request::new(Method::GET, "list_clusters", "/v1/clusters".to_owned());
    listed.query("page", 0);
    listed.query("size", 20);
    listed.query("sort", "created_at:desc");
    let mut named = Request::new(Method::GET, "list_clusters", "/v1/clusters".to_owned());
    named.query("name", "클러스터 é");
    named.query("city", "Zürich&x=1");
    let mut created = Request::new(Method::POST, "create_cluster", "/v1/clusters".to_owned());
    created.query("dry_run", true);
    created.json(&serde_json::json!({"name": "n"})).unwrap();
    vec![
        (Request::new(Method::GET, "list_clusters", "/v1/clusters".to_owned()), "/v1/clusters".to_owned()),
        (listed, "/v1/clusters?page=0&size=20&sort=created_at%3Adesc".to_owned()),
        (Request::new(Method::GET, "show_cluster", format!("/v1/clusters/{id}")), format!("/v1/clusters/{id}")),
        (named, "/v1/clusters?name=%ED%81%B4%EB%9F%AC%EC%8A%A4%ED%84%B0%20%C3%A9&city=Z%C3%BCrich%26x%3D1".to_owned()),
        (created, "/v1/clusters?dry_run=true".to_owned()),
        (
            Request::new(Method::DELETE, "delete_cluster", format!("/v1/clusters/{id}/replicas")),
            format!("/v1/clusters/{id}/replicas"),
        ),
    ]
}

async fn signing_service(secret_key: &'static str, account_id: &'static str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(SigningService { secret_key, account_id }).mount(&server).await;
    server
}

#[tokio::test]
async fn the_service_verifies_every_signature_with_and_without_an_account_id() {
    assert_eq!(encode_path_segment("id", "my cluster/ü-1").unwrap(), "my%20cluster%2F%C3%BC-1");
    for account_id in ["", "account-1"] {
        let server = signing_service(SECRET_KEY, account_id).await;
        let credentials = match account_id {
            "" => ScpCredentials::new(ACCESS_KEY, SECRET_KEY),
            account_id => ScpCredentials::new(ACCESS_KEY, SECRET_KEY).with_account_id(account_id),
        };
        let client = Client::new(Config::new(server.uri(), credentials), SERVICE).unwrap();
        for (request, target) in requests() {
            let call = format!("{} {target} (account {account_id:?})", request.method());
            client.execute(request).await.unwrap_or_else(|e| panic!("{call}: {e}"));
            let received = server.received_requests().await.unwrap().pop().unwrap();
            assert_eq!(received.url.as_str().strip_prefix("http://localhost"), Some(target.as_str()), "{call}");
        }
    }
}

#[tokio::test]
async fn the_service_refuses_a_signature_made_with_another_key_or_account() {
    let server = signing_service(SECRET_KEY, "account-1").await;
    for credentials in [
        ScpCredentials::new(ACCESS_KEY, "another-secret").with_account_id("account-1"),
        ScpCredentials::new(ACCESS_KEY, SECRET_KEY).with_account_id("account-2"),
    ] {
        let client = Client::new(Config::new(server.uri(), credentials), SERVICE).unwrap();
        let (request, _) = requests().remove(1);
        let err = client.execute(request).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err}");
    }
}
