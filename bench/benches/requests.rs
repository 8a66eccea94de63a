//! Overhead of the generated clients against hand-written reqwest + serde code
//! that sends exactly the same HTTP request, both against one loopback server.
//!
//! Groups (read by tools as `target/criterion/<group>/<id>/new/estimates.json`):
//! - `request_token`: KakaoCloud Redis `get_instance_list_of_instance_set` with
//!   an X-Auth-Token;
//! - `request_scp`: SCP Cache Store `show_cluster`, signed;
//! - `decode_10k`: SCP Cache Store `list_clusters` answering 10,000 clusters,
//!   and `serde_json` decoding the same bytes from memory (the floor).
//!
//! Server and clients share one current-thread runtime (see `start_server`).
//!
//! Before measuring, the server records one request of each side and the bench
//! asserts that both sent the same method, URL and headers (the SCP timestamp
//! and signature aside, which are checked against the runtime's signer) and
//! decoded equal values, so the two sides cannot silently do different work.

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use criterion::{Criterion, SamplingMode};
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use kakaocloud_redis::types::InstanceList;
use scp_cachestore::types::{ClusterPageResponse, RedisClusterDetailResponse};
use sha2::Sha256;

use cloudsdk_runtime::scp::{sign as scp_signature, ScpCredentials};
use cloudsdk_runtime::{Auth, Config};

const TOKEN: &str = "gAAAAABmbench-token-0123456789abcdef";
const ACCESS_KEY: &str = "2sd2gg=2agbdSD26svcD";
const SECRET_KEY: &str = "bench-secret-key";
const INSTANCE_SET_ID: &str = "a1b2c3d4-ea2f-4822-8a7d-9e301c86a58d";
const CLUSTER_ID: &str = "0fdd87aab8cb46f59b7c1f81ed03fb3e";
const CLUSTER_COUNT: usize = 10_000;

/// The runtime's defaults (`Config::new`), which the hand-written client copies.
const TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// `GET /v1/instance-sets/{id}/instances`: the example of specs/kakaocloud/redis/v1.yaml.
const INSTANCE_LIST: &str = r#"{"size":2,"data":[
{"instanceName":"test-instance-set-1","description":"test","projectId":"abcdabcdf4d14b41a36823e2091c3a6d","flavorId":"xxxxxxxx-ea2f-4822-8a7d-9e301c86a58d","version":"6.2.5","port":6379,"subnet":{"id":"qqqqwwww-2726-432e-aa37-04b778ef2ba1"},"creator":"ms@kakaoenterprise.com","objectId":"abcdefg-a97a-59c8-9e6a-e967383c65e2","role":"primary","endpoint":"172.30.1.244","license":"GPL","createdAt":"2024-03-11T01:15:03Z","status":"Running"},
{"instanceName":"test-instance-set-2","description":"test","projectId":"abcdabcdf4d14b41a36823e2091c3a6d","flavorId":"xxxxxxxx-ea2f-4822-8a7d-9e301c86a58d","version":"6.2.5","port":6379,"subnet":{"id":"qqqqwwww-2726-432e-aa37-04b778ef2ba1"},"creator":"ms@kakaoenterprise.com","objectId":"abcdefg-39c8-55c2-b4d3-9009c554d102","role":"replica","endpoint":"172.30.0.67","license":"GPL","createdAt":"2024-03-11T01:15:03Z","status":"Running"}]}"#;

/// `GET /v1/clusters/{cluster_id}`: the example of specs/scp/cachestore/1.0.yaml.
const CLUSTER_DETAIL: &str = r#"{"account_id":"","allowable_ip_addresses":[],"created_at":"2024-05-17T00:23:17Z","created_by":"90dddfc2b1e04edba54ba2b41539a9ac","dbaas_engine":"","dbaas_engine_version_name":"","ha_enabled":false,"id":"0fdd87aab8cb46f59b7c1f81ed03fb3e",
"init_config_option":{"backup_option":{"retention_period_day":"7","starting_time_hour":"2"},"database_port":6378,"sentinel_port":26378},"instance_count":0,
"instance_groups":[{"block_storage_groups":[{"id":"","name":"","role_type":"OS","size_gb":104,"volume_type":"SSD"}],"id":"","instances":[{"floating_ip_id":"","name":"","public_ip_address":"","public_ip_id":"","role_type":"ACTIVE","service_ip_address":"","service_state":"RUNNING"}],"role_type":"ACTIVE","server_type_name":""}],
"maintenance_option":{"period_hour":"","starting_day_of_week":"MON","starting_time":"","use_maintenance_option":false},"modified_at":"2024-05-17T00:23:17Z","modified_by":"90dddfc2b1e04edba54ba2b41539a9ac","name":"","nat_enabled":false,"product_image_type":"","product_type":"Redis","role_type":"ORIGIN","service_state":"RUNNING","software_version":"","subnet_id":"","timezone":""}"#;

/// The item of the `GET /v1/clusters` example in specs/scp/cachestore/1.0.yaml,
/// repeated with distinct ids and names to make the 10,000-cluster page.
const CLUSTER_ITEM: &str = r#"{"account_id":"","created_at":"2024-05-17T00:23:17Z","created_by":"90dddfc2b1e04edba54ba2b41539a9ac","ha_enabled":false,"id":"0fdd87aab8cb46f59b7c1f81ed03fb3e","instance_count":0,"modified_at":"2024-05-17T00:23:17Z","modified_by":"90dddfc2b1e04edba54ba2b41539a9ac","name":"","role_type":"ORIGIN","service_state":"RUNNING"}"#;

// ---------------------------------------------------------------------------
// Loopback server
// ---------------------------------------------------------------------------

/// What the server saw of one request: recorded only while checking, so that
/// measured requests cost the server the same on both sides.
#[derive(Debug)]
struct Seen {
    method: Method,
    uri: String,
    headers: HeaderMap,
}

/// Pre-built answers, by path, and the recorder of the pre-measurement check.
struct Routes {
    instances: Bytes,
    cluster: Bytes,
    clusters: Bytes,
    recording: AtomicBool,
    seen: Mutex<Vec<Seen>>,
}

impl Routes {
    /// The answer to `request`; every body is built before the server starts.
    fn answer(&self, request: &Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
        if self.recording.load(Ordering::Relaxed) {
            self.seen.lock().unwrap().push(Seen {
                method: request.method().clone(),
                uri: request.uri().to_string(),
                headers: request.headers().clone(),
            });
        }
        let path = request.uri().path();
        let body = if path == "/v1/clusters" {
            Some(&self.clusters)
        } else if path.starts_with("/v1/clusters/") {
            Some(&self.cluster)
        } else if path.starts_with("/v1/instance-sets/") && path.ends_with("/instances") {
            Some(&self.instances)
        } else {
            None
        };
        let mut response = match body {
            Some(body) => Response::new(Full::new(body.clone())),
            None => {
                let mut response = Response::new(Full::new(Bytes::new()));
                *response.status_mut() = StatusCode::NOT_FOUND;
                return response;
            }
        };
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }

    /// Starts recording requests (for the equality check), or stops and returns them.
    fn record(&self, on: bool) -> Vec<Seen> {
        self.recording.store(on, Ordering::SeqCst);
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

/// Starts an HTTP/1.1 keep-alive server on 127.0.0.1 as a task of the clients'
/// own current-thread runtime. One thread serves and calls, so an iteration
/// costs the CPU work of both sides and no cross-thread wake-ups, whose timing
/// on a busy 2-core machine would otherwise swamp the difference measured.
fn start_server(runtime: &tokio::runtime::Runtime, routes: Arc<Routes>) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let _entered = runtime.enter();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    runtime.spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.expect("accept");
            stream.set_nodelay(true).unwrap();
            let routes = routes.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let response = routes.answer(&request);
                    async move { Ok::<_, Infallible>(response) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// A `list_clusters` page of `count` clusters: the docs' item with distinct
/// ids and names, so the decoder cannot share work between items.
fn cluster_page(count: usize) -> Bytes {
    let item: serde_json::Value = serde_json::from_str(CLUSTER_ITEM).unwrap();
    let contents: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            let mut item = item.clone();
            item["id"] = format!("{i:032x}").into();
            item["name"] = format!("cluster-{i}").into();
            item
        })
        .collect();
    let page = serde_json::json!({
        "contents": contents,
        "count": count,
        "page": 0,
        "size": count,
        "sort": ["created_at:asc"],
    });
    Bytes::from(serde_json::to_vec(&page).unwrap())
}

// ---------------------------------------------------------------------------
// Hand-written clients: what a caller would write with reqwest and serde alone
// ---------------------------------------------------------------------------

/// A reqwest client with the settings the runtime gives its own
/// (`runtime/src/client.rs`: connect timeout, no redirects), so that the only
/// difference between the two sides is the generated pipeline.
fn handwritten_http() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Hand-written KakaoCloud Redis call: same URL, `Accept`, `User-Agent`,
/// `X-Auth-Token` and per-request timeout as the runtime sends.
struct KakaoByHand {
    http: reqwest::Client,
    base_url: String,
    user_agent: String,
}

impl KakaoByHand {
    async fn instances(&self, instance_set_id: &str) -> InstanceList {
        let url = format!("{}/v1/instance-sets/{instance_set_id}/instances", self.base_url);
        let request = self
            .http
            .get(url)
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, &self.user_agent)
            .header("x-auth-token", TOKEN);
        send_json(request).await
    }
}

/// Hand-written SCP client: signs and sends the same headers as the runtime.
struct ScpByHand {
    http: reqwest::Client,
    base_url: String,
    user_agent: String,
}

impl ScpByHand {
    /// Sends a signed GET of `path` and decodes the JSON answer as `T`.
    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let url = format!("{}{path}", self.base_url);
        let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis().to_string();
        let signature = scp_sign(SECRET_KEY, "GET", &url, &timestamp, ACCESS_KEY, "");
        let request = self
            .http
            .get(&url)
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, &self.user_agent)
            .header("scp-accesskey", ACCESS_KEY)
            // Empty without an account id, as the official Go SDK sends it.
            .header("scp-accountid", "")
            .header("scp-timestamp", &timestamp)
            .header("scp-clienttype", "Openapi")
            .header("scp-signature", &signature)
            .header("accept-language", "en-US")
            .header("scp-api-version", "cachestore 1.0");
        send_json(request).await
    }
}

/// Sends with the runtime's per-request timeout and decodes a 2xx JSON answer.
async fn send_json<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    let response = request.timeout(TIMEOUT).send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let body = response.bytes().await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// SCP signature, written from the vendor's description (not the runtime's
/// signer): base64 of HMAC-SHA256 keyed with the secret key over
/// `METHOD + url + timestamp + access key + account id + "Openapi"`.
fn scp_sign(secret_key: &str, method: &str, url: &str, timestamp: &str, access_key: &str, account_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).expect("any key length");
    for part in [method, url, timestamp, access_key, account_id, "Openapi"] {
        mac.update(part.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

// ---------------------------------------------------------------------------
// Set-up and the check that both sides do the same work
// ---------------------------------------------------------------------------

/// Everything the benchmarks share: one server, the clients of both sides
/// (built once, so connections are reused across iterations), the client runtime.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    kakao: kakaocloud_redis::Client,
    kakao_by_hand: KakaoByHand,
    scp: scp_cachestore::Client,
    scp_by_hand: ScpByHand,
    clusters_body: Bytes,
}

impl Fixture {
    fn new() -> Self {
        let clusters_body = cluster_page(CLUSTER_COUNT);
        let routes = Arc::new(Routes {
            instances: Bytes::from_static(INSTANCE_LIST.as_bytes()),
            cluster: Bytes::from_static(CLUSTER_DETAIL.as_bytes()),
            clusters: clusters_body.clone(),
            recording: AtomicBool::new(false),
            seen: Mutex::new(Vec::new()),
        });
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let base_url = format!("http://{}", start_server(&runtime, routes.clone()));

        let kakao = kakaocloud_redis::Client::new(Config::new(&base_url, Auth::static_token(TOKEN))).unwrap();
        let credentials = ScpCredentials::new(ACCESS_KEY, SECRET_KEY);
        let scp = scp_cachestore::Client::new(Config::new(&base_url, credentials)).unwrap();

        // Each side's request is recorded once, before measuring. The
        // hand-written side sends the generated client's User-Agent, read from
        // its first request, so that both send the same bytes.
        let (kakao_body, kakao_seen) = recorded(&runtime, &routes, async {
            let body = kakao.get_instance_list_of_instance_set(INSTANCE_SET_ID).send().await.unwrap();
            Decoded::Instances(body.into_body())
        });
        let (scp_body, scp_seen) = recorded(&runtime, &routes, async {
            Decoded::Cluster(Box::new(scp.show_cluster(CLUSTER_ID).send().await.unwrap().into_body()))
        });
        let (list_body, list_seen) = recorded(&runtime, &routes, async {
            Decoded::Clusters(scp.list_clusters().send().await.unwrap().into_body())
        });
        let agent = |seen: &Seen| seen.headers[USER_AGENT].to_str().unwrap().to_owned();
        let kakao_by_hand =
            KakaoByHand { http: handwritten_http(), base_url: base_url.clone(), user_agent: agent(&kakao_seen) };
        let scp_by_hand =
            ScpByHand { http: handwritten_http(), base_url: base_url.clone(), user_agent: agent(&scp_seen) };

        let from_memory: ClusterPageResponse = serde_json::from_slice(&clusters_body).unwrap();
        assert_eq!(from_memory.contents.as_ref().map(Vec::len), Some(CLUSTER_COUNT));
        assert_eq!(
            list_body,
            Decoded::Clusters(from_memory),
            "decode_10k: the client and serde_json decoded differently"
        );

        let path = format!("/v1/clusters/{CLUSTER_ID}");
        let checks = [
            (
                "request_token",
                kakao_body,
                kakao_seen,
                recorded(&runtime, &routes, async {
                    Decoded::Instances(kakao_by_hand.instances(INSTANCE_SET_ID).await)
                }),
            ),
            (
                "request_scp",
                scp_body,
                scp_seen,
                recorded(&runtime, &routes, async { Decoded::Cluster(Box::new(scp_by_hand.get(&path).await)) }),
            ),
            (
                "decode_10k",
                list_body,
                list_seen,
                recorded(&runtime, &routes, async { Decoded::Clusters(scp_by_hand.get("/v1/clusters").await) }),
            ),
        ];
        for (group, generated, generated_seen, (by_hand, by_hand_seen)) in checks {
            assert_eq!(generated, by_hand, "{group}: the two sides decoded different values");
            assert_same_request(group, &generated_seen, &by_hand_seen, &base_url);
        }

        Fixture { runtime, kakao, kakao_by_hand, scp, scp_by_hand, clusters_body }
    }
}

/// One decoded answer of either side, to compare them in one loop.
#[derive(Debug, PartialEq)]
enum Decoded {
    Instances(InstanceList),
    Cluster(Box<RedisClusterDetailResponse>),
    Clusters(ClusterPageResponse),
}

/// Runs `call` while the server records and returns its result with the one
/// request it sent.
fn recorded<T>(runtime: &tokio::runtime::Runtime, routes: &Routes, call: impl Future<Output = T>) -> (T, Seen) {
    routes.record(true);
    let result = runtime.block_on(call);
    let mut seen = routes.record(false);
    assert_eq!(seen.len(), 1, "expected exactly one request: {seen:?}");
    (result, seen.pop().unwrap())
}

/// Asserts that both sides sent the same method, URL and headers. The SCP
/// timestamp and signature differ by time; each side's signature is checked
/// against the runtime's signer with the timestamp that side sent.
fn assert_same_request(group: &str, generated: &Seen, by_hand: &Seen, base_url: &str) {
    assert_eq!((&generated.method, &generated.uri), (&by_hand.method, &by_hand.uri), "{group}: different requests");
    let mut headers = [generated.headers.clone(), by_hand.headers.clone()];
    for (side, headers) in ["generated", "handwritten"].iter().zip(&mut headers) {
        let timestamp = headers.remove("scp-timestamp");
        let signature = headers.remove("scp-signature");
        assert_eq!(timestamp.is_some(), signature.is_some(), "{group} {side}: timestamp without signature");
        if let (Some(timestamp), Some(signature)) = (timestamp, signature) {
            let url = format!("{base_url}{}", generated.uri);
            let expected =
                scp_signature(SECRET_KEY, generated.method.as_str(), &url, timestamp.to_str().unwrap(), ACCESS_KEY, "");
            assert_eq!(signature, expected.as_str(), "{group} {side}: wrong SCP signature");
        }
    }
    let [generated, by_hand] = headers;
    assert_eq!(generated, by_hand, "{group}: the two sides sent different headers");
}

// ---------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------

/// `request_token`: a small GET with an X-Auth-Token, per-request overhead.
fn request_token(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("request_token");
    group.sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    group.bench_function("generated", |b| {
        b.to_async(&f.runtime).iter(|| async {
            let response = f.kakao.get_instance_list_of_instance_set(INSTANCE_SET_ID).send().await.unwrap();
            black_box(response.into_body())
        })
    });
    group.bench_function("handwritten", |b| {
        b.to_async(&f.runtime).iter(|| async { black_box(f.kakao_by_hand.instances(INSTANCE_SET_ID).await) })
    });
    group.finish();
}

/// `request_scp`: a small signed GET, per-request overhead with HMAC signing.
fn request_scp(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("request_scp");
    group.sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    let path = format!("/v1/clusters/{CLUSTER_ID}");
    group.bench_function("generated", |b| {
        b.to_async(&f.runtime)
            .iter(|| async { black_box(f.scp.show_cluster(CLUSTER_ID).send().await.unwrap().into_body()) })
    });
    group.bench_function("handwritten", |b| {
        b.to_async(&f.runtime).iter(|| async {
            let body: RedisClusterDetailResponse = f.scp_by_hand.get(&path).await;
            black_box(body)
        })
    });
    group.finish();
}

/// `decode_10k`: a large answer (10,000 clusters, a few MB), where reading and
/// decoding the body dominate; `serde_json` decodes the same bytes from memory.
fn decode_10k(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("decode_10k");
    // Iterations take milliseconds: flat sampling keeps the run short.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    group.bench_function("generated", |b| {
        b.to_async(&f.runtime).iter(|| async { black_box(f.scp.list_clusters().send().await.unwrap().into_body()) })
    });
    group.bench_function("handwritten", |b| {
        b.to_async(&f.runtime).iter(|| async {
            let body: ClusterPageResponse = f.scp_by_hand.get("/v1/clusters").await;
            black_box(body)
        })
    });
    group.bench_function("serde_json", |b| {
        b.iter(|| black_box(serde_json::from_slice::<ClusterPageResponse>(black_box(&f.clusters_body)).unwrap()))
    });
    group.finish();
}

/// The two sides of one comparison, timed in alternation: each round calls
/// both (in alternating order) and yields their ratio, so a change of machine
/// state between criterion's separate runs of each side (on a shared 2-core VM,
/// loopback latency moves in steps of 20 µs for seconds at a time) cannot
/// pass for overhead. The median of the per-round ratios is the figure.
struct Paired {
    group: &'static str,
    rounds: usize,
    ratios: Vec<f64>,
}

impl Paired {
    fn run<A: Future, B: Future>(
        group: &'static str,
        rounds: usize,
        runtime: &tokio::runtime::Runtime,
        mut generated: impl FnMut() -> A,
        mut handwritten: impl FnMut() -> B,
    ) -> Paired {
        let ratios = runtime.block_on(async {
            let mut ratios = Vec::with_capacity(rounds);
            for round in 0..rounds {
                let (mut ours, mut theirs) = (Duration::ZERO, Duration::ZERO);
                for first in [round % 2 == 0, round % 2 == 1] {
                    let start = Instant::now();
                    if first {
                        black_box(generated().await);
                        ours += start.elapsed();
                    } else {
                        black_box(handwritten().await);
                        theirs += start.elapsed();
                    }
                }
                ratios.push(ours.as_secs_f64() / theirs.as_secs_f64());
            }
            ratios
        });
        Paired { group, rounds, ratios }
    }

    /// Writes `target/criterion/<group>/paired.json` beside criterion's own
    /// results, where `cargo xtask bench` reads it.
    fn save(mut self) {
        self.ratios.sort_by(f64::total_cmp);
        let quantile = |q: f64| self.ratios[((self.ratios.len() - 1) as f64 * q).round() as usize];
        let summary = serde_json::json!({
            "rounds": self.rounds,
            "median_ratio": quantile(0.5),
            "q1_ratio": quantile(0.25),
            "q3_ratio": quantile(0.75),
        });
        let dir = criterion_dir().join(self.group);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("paired.json"), summary.to_string()).unwrap();
        println!(
            "{}/paired: median generated/handwritten {:.3} (quartiles {:.3} – {:.3}, {} rounds)",
            self.group,
            quantile(0.5),
            quantile(0.25),
            quantile(0.75),
            self.rounds
        );
    }
}

/// Criterion's output folder, `<target>/criterion`, found as criterion finds
/// it: from this executable, `<target>/<profile>/deps/requests-…`.
fn criterion_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).expect("the bench runs from <target>/<profile>/deps").join("criterion")
}

/// Paired rounds of each comparison (see [`Paired`]).
fn paired(f: &Fixture) {
    let path = format!("/v1/clusters/{CLUSTER_ID}");
    Paired::run(
        "request_token",
        4000,
        &f.runtime,
        || async { f.kakao.get_instance_list_of_instance_set(INSTANCE_SET_ID).send().await.unwrap() },
        || f.kakao_by_hand.instances(INSTANCE_SET_ID),
    )
    .save();
    Paired::run(
        "request_scp",
        4000,
        &f.runtime,
        || async { f.scp.show_cluster(CLUSTER_ID).send().await.unwrap() },
        || f.scp_by_hand.get::<RedisClusterDetailResponse>(&path),
    )
    .save();
    Paired::run(
        "decode_10k",
        60,
        &f.runtime,
        || async { f.scp.list_clusters().send().await.unwrap() },
        || f.scp_by_hand.get::<ClusterPageResponse>("/v1/clusters"),
    )
    .save();
}

/// Builds the fixture once (server, clients, checks), runs every criterion
/// group, then the paired comparisons.
fn main() {
    let fixture = Fixture::new();
    let mut c = Criterion::default().configure_from_args();
    request_token(&mut c, &fixture);
    request_scp(&mut c, &fixture);
    decode_10k(&mut c, &fixture);
    c.final_summary();
    // Only a real measuring run (`cargo bench` passes `--bench`): not `cargo
    // test`'s one pass, a listing or a profile.
    let args: Vec<String> = std::env::args().collect();
    let measuring = args.iter().any(|a| a == "--bench")
        && !args.iter().any(|a| matches!(a.as_str(), "--test" | "--list" | "--profile-time"));
    if measuring {
        paired(&fixture);
    }
}
