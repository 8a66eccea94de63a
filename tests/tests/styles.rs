//! Parameters in every style OpenAPI 3.0 defines, through a generated client:
//! the URL and headers it sends (see the spec's "Style Examples" table).

use std::sync::{Arc, Mutex};

use golden_styles::runtime::mock::Mock;
use golden_styles::runtime::Error;
use golden_styles::{mock, types, Client};

fn rgb() -> types::Rgb {
    types::Rgb::new().with_r(100).with_g(200).with_b(150)
}

/// The path, query, `x-trace`/`x-rgb` headers and cookies of the one request `call` sends.
async fn sent<F, Fut>(call: F) -> (String, Option<String>, Option<String>, Option<String>)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<golden_styles::runtime::Response<()>, Error>>,
{
    let seen = Arc::new(Mutex::new(None));
    let record = Arc::clone(&seen);
    let rule = mock::find_colors()
        .match_requests(move |r| {
            let header = |name| r.header(name).map(str::to_owned);
            let uri = r.http().uri().to_string();
            *record.lock().unwrap() = Some((uri, header("x-trace"), header("x-rgb"), header("cookie")));
            true
        })
        .then_output(());
    let service = Mock::new().with_rule(&rule);
    call(Client::new(service.config()).unwrap()).await.unwrap();
    let seen = seen.lock().unwrap().take().expect("a request was sent");
    seen
}

#[tokio::test]
async fn each_style_writes_what_the_openapi_table_shows() {
    let (url, trace, rgb_header, cookies) = sent(|client| async move {
        client
            .find_colors(vec!["blue".into(), "black".into()], rgb(), vec![1, 2])
            .tags(vec!["a".into(), "b,c".into()])
            .sizes(vec![3, 4])
            .words(vec!["x".into(), "y".into()])
            .filter(rgb())
            .point(types::Point::new(types::PointRequired { x: 1.5, y: -2.0 }))
            .x_trace(vec!["t1".into(), "t2".into()])
            .x_rgb(rgb())
            .where_(types::Rgb::new().with_r(1))
            .lang("ko KR; admin=1")
            .visits(3)
            .min_disk(10)
            .min_disk_2(20)
            .send()
            .await
    })
    .await;
    let (path, query) = url.strip_prefix("https://mock.invalid").unwrap().split_once('?').unwrap();
    assert_eq!(path, "/colors/.blue.black/;R=100;G=200;B=150/1,2", "label, matrix exploded, simple");
    let expected = [
        "tags=a,b%2Cc",
        "sizes=3%7C4",
        "words=x%20y",
        "filter[R]=100&filter[G]=200&filter[B]=150",
        "x=1.5&y=-2.0",
        "where=%7B%22R%22%3A1%7D",
        "minDisk=10",
        "min_disk=20",
    ];
    assert_eq!(query, expected.join("&"));
    assert_eq!(trace.as_deref(), Some("t1,t2"));
    assert_eq!(rgb_header.as_deref(), Some("R=100,G=200,B=150"));
    assert_eq!(cookies.as_deref(), Some("lang=ko%20KR%3B%20admin%3D1; visits=3"), "a value cannot add a cookie");
}

#[tokio::test]
async fn a_styled_path_value_cannot_leave_its_segment_or_be_empty() {
    let service = Mock::new();
    let client = Client::new(service.config()).unwrap();
    let err = client.find_colors(vec!["a/b".into()], rgb(), vec![]).send().await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("`ids`")), "an empty list: {err}");
    let (url, ..) =
        sent(|client| async move { client.find_colors(vec!["a/b".into()], rgb(), vec![1]).send().await }).await;
    assert!(url.contains("/colors/.a%2Fb/"), "{url}");
    assert!(service.unexpected_requests().is_empty(), "nothing was sent for the refused call");
}
