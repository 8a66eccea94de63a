//! Pagination streams used the way generated operations use them.

use cloudsdk_runtime::futures_util::TryStreamExt as _;
use cloudsdk_runtime::http::Method;
use cloudsdk_runtime::{marker_stream, page_stream, Auth, Client, Config, Error, Request, ServiceInfo};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const SERVICE: ServiceInfo = ServiceInfo { name: "test", version: "0.1.0", api_version: None, security_scheme: None };

fn client(server: &MockServer) -> Client {
    Client::new(Config::new(server.uri(), Auth::None), SERVICE).unwrap()
}

#[derive(Deserialize)]
struct ClusterPage {
    contents: Vec<Cluster>,
}

#[derive(Deserialize, Debug, Clone, PartialEq)]
struct Cluster {
    id: String,
}

/// What a generated SCP list operation does for one page.
async fn fetch_clusters(client: Client, page: i64, size: i64) -> Result<Vec<Cluster>, Error> {
    let mut request = Request::new(Method::GET, "list_clusters", "/v1/clusters".to_owned());
    request.query("page", page);
    request.query("size", size);
    let response = client.execute(request).await?.json::<ClusterPage>()?;
    Ok(response.into_body().contents)
}

async fn mount_page(server: &MockServer, page: &str, ids: &[&str]) {
    let contents: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    Mock::given(path("/v1/clusters"))
        .and(query_param("page", page))
        .and(query_param("size", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"contents": contents, "count": 5})))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn an_scp_page_stream_yields_every_item_in_order() {
    let server = MockServer::start().await;
    mount_page(&server, "0", &["a", "b"]).await;
    mount_page(&server, "1", &["c", "d"]).await;
    mount_page(&server, "2", &["e"]).await;
    // A short page does not end the stream (services cap page sizes): an empty one does.
    mount_page(&server, "3", &[]).await;

    let client = client(&server);
    let stream = page_stream(0, 100, move |page| fetch_clusters(client.clone(), page, 2));
    let ids: Vec<String> = stream.map_ok(|cluster| cluster.id).try_collect().await.unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
}

/// An SCP list that returns at most 2 items per page, whatever size was asked for.
struct CappedPages(&'static [&'static str]);

impl Respond for CappedPages {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let page: usize = request.url.query_pairs().find(|(name, _)| name == "page").unwrap().1.parse().unwrap();
        let contents: Vec<_> = self.0.iter().skip(page * 2).take(2).map(|id| json!({"id": id})).collect();
        ResponseTemplate::new(200).set_body_json(json!({"contents": contents, "count": self.0.len()}))
    }
}

#[tokio::test]
async fn a_page_stream_yields_every_item_when_the_service_caps_the_page_size() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/clusters"))
        .and(query_param("size", "5"))
        .respond_with(CappedPages(&["a", "b", "c", "d", "e"]))
        // Pages 0, 1 and 2 hold items; page 3 is empty and ends the stream.
        .expect(4)
        .mount(&server)
        .await;

    let client = client(&server);
    let stream = page_stream(0, 100, move |page| fetch_clusters(client.clone(), page, 5));
    let ids: Vec<String> = stream.map_ok(|cluster| cluster.id).try_collect().await.unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn a_marker_stream_follows_markers_to_the_end() {
    let server = MockServer::start().await;
    let servers = |ids: &[&str]| json!({"servers": ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()});
    for (marker, ids) in [(None, ["s1", "s2"].as_slice()), (Some("s2"), &["s3", "s4"]), (Some("s4"), &[])] {
        let mock = Mock::given(path("/v2/servers")).and(query_param("limit", "2"));
        let mock = match marker {
            Some(marker) => mock.and(query_param("marker", marker)),
            None => mock.and(query_param_is_missing("marker")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(servers(ids))).expect(1).mount(&server).await;
    }

    #[derive(Deserialize)]
    struct Servers {
        servers: Vec<Cluster>,
    }
    let client = client(&server);
    let stream = marker_stream(
        None,
        100,
        |server: &Cluster| Some(server.id.clone()),
        move |marker| {
            let client = client.clone();
            async move {
                let mut request = Request::new(Method::GET, "list_servers", "/v2/servers".to_owned());
                request.query("limit", 2);
                if let Some(marker) = marker {
                    request.query("marker", marker);
                }
                Ok(client.execute(request).await?.json::<Servers>()?.into_body().servers)
            }
        },
    );
    let ids: Vec<String> = stream.map_ok(|server| server.id).try_collect().await.unwrap();
    assert_eq!(ids, ["s1", "s2", "s3", "s4"]);
}
