//! Bodies that are not JSON, through a generated client and its mocks: what
//! goes on the wire for bytes, text, forms and multipart uploads, and how text
//! and file answers come back.

use std::sync::{Arc, Mutex};

use golden_media::runtime::futures_util::{stream, StreamExt as _};
use golden_media::runtime::mock::{Mock, MockRequest};
use golden_media::runtime::{ByteStream, Bytes, Error, FilePart};
use golden_media::{mock, types, Auth, Client, Config};

fn client(service: &Mock) -> Client {
    Client::new(service.config()).unwrap()
}

fn content_type<B>(request: &MockRequest<B>) -> &str {
    request.header("content-type").unwrap_or_default()
}

fn text_body<B>(request: &MockRequest<B>) -> String {
    String::from_utf8_lossy(request.http().body()).into_owned()
}

#[tokio::test]
async fn a_file_goes_up_as_its_bytes_and_comes_down_as_bytes() {
    let pdf = Bytes::from_static(b"%PDF-1.7\x00\xff\xfe binary");
    let expected = pdf.clone();
    let upload = mock::upload_file()
        .match_requests(move |r| content_type(r) == "application/octet-stream" && r.http().body() == &expected)
        .then_output(types::Stored::new(types::StoredRequired { id: "f-1".into() }));
    let download = mock::download_file()
        .match_requests(|r| r.path_param("id") == Some("f-1") && r.header("accept") == Some("application/pdf"))
        .then_output(pdf.clone());
    let service = Mock::new().with_rule(&upload).with_rule(&download);
    let client = client(&service);

    let stored = client.upload_file(pdf.clone()).send().await.unwrap();
    let file = client.download_file(stored.body().id.clone()).send().await.unwrap();

    assert_eq!(file.body(), &pdf, "every byte, the invalid UTF-8 ones included");
    service.assert_no_unexpected_requests();
}

#[tokio::test]
async fn a_large_file_goes_up_from_a_stream_and_comes_down_as_a_stream() {
    let chunk = Bytes::from(vec![7u8; 64 * 1024]);
    let upload = mock::upload_file()
        .match_requests(|r| r.http().body().len() == 4 * 64 * 1024 && r.header("content-length") == Some("262144"))
        .then_output(types::Stored::new(types::StoredRequired { id: "f-2".into() }));
    let download = mock::download_file().then_output(Bytes::from(vec![9u8; 100_000]));
    let service = Mock::new().with_rule(&upload).with_rule(&download);
    let client = Client::new(service.config().with_max_response_bytes(1024)).unwrap();

    let chunks = stream::iter(std::iter::repeat_n(chunk, 4).map(Ok::<_, std::io::Error>));
    let body = ByteStream::from_stream(chunks).with_length(4 * 64 * 1024);
    let stored = client.upload_file(body).send().await.unwrap();

    let whole = client.download_file(stored.body().id.clone()).send().await;
    assert!(matches!(whole, Err(Error::BodyTooLarge { limit: 1024, .. })), "{whole:?}");
    let mut file = client.download_file(stored.body().id.clone()).send_streaming().await.unwrap().into_body();
    let mut read = 0;
    while let Some(chunk) = file.next().await {
        let chunk = chunk.unwrap();
        assert!(chunk.iter().all(|&b| b == 9));
        read += chunk.len();
    }
    assert_eq!(read, 100_000, "beyond max_response_bytes");
    service.assert_no_unexpected_requests();
}

#[tokio::test]
async fn a_text_answer_is_a_string_and_invalid_utf8_is_a_decode_error_keeping_the_bytes() {
    let summary = mock::file_summary().then_output("Three pages, \"final\".".to_owned());
    let service = Mock::new().with_rule(&summary);
    let text = client(&service).file_summary("f-1").send().await.unwrap();
    assert_eq!(text.body(), "Three pages, \"final\".", "as sent, not as a JSON string");

    let broken = Mock::new().with_rule(
        &golden_media::runtime::mock::Rule::<(), Bytes>::bytes("file_summary", "/files/{id}/summary", 200)
            .then_output(Bytes::from_static(b"caf\xe9")),
    );
    let err = client(&broken).file_summary("f-1").send().await.unwrap_err();
    match err {
        Error::Decode { body, source, .. } => {
            assert_eq!(&body[..], b"caf\xe9");
            assert!(source.to_string().contains("not UTF-8"), "{source}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_text_body_is_sent_as_written_with_its_media_type() {
    let note = mock::put_note()
        .match_requests(|r| content_type(r) == "text/markdown" && text_body(r) == "# Title\n\n\"quoted\" & more")
        .then_output(());
    let service = Mock::new().with_rule(&note);
    client(&service).put_note("n-1", "# Title\n\n\"quoted\" & more").send().await.unwrap();
    assert_eq!(note.matched(), 1);
    service.assert_no_unexpected_requests();
}

#[tokio::test]
async fn a_login_form_is_url_encoded_and_sent_without_credentials() {
    let login = mock::login()
        .match_requests(|r| {
            let mut pairs: Vec<String> = text_body(r).split('&').map(str::to_owned).collect();
            pairs.sort();
            content_type(r) == "application/x-www-form-urlencoded"
                && r.header("authorization").is_none()
                && pairs == ["password=p%40ss+w%26rd", "scopes=read", "scopes=write", "user=kim"]
        })
        .then_output(types::LoginResponse::new());
    let service = Mock::new().with_rule(&login);
    let config = Config::new("https://mock.invalid", Auth::static_bearer("tok-1")).with_transport(service.clone());
    let client = Client::new(config).unwrap();
    let mut body = types::LoginBody::new(types::LoginBodyRequired { user: "kim".into(), password: "p@ss w&rd".into() });
    body.scopes = Some(vec!["read".into(), "write".into()]);
    client.login(body).send().await.unwrap();
    service.assert_no_unexpected_requests();
}

#[tokio::test]
async fn a_multipart_upload_sends_each_member_as_a_part_and_is_retried_with_the_same_bytes() {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&sent);
    let upload = mock::create_upload()
        .match_requests(move |r| {
            let content_type = content_type(r).to_owned();
            seen.lock().unwrap().push((content_type, r.http().body().clone()));
            true
        })
        .then_error(503, serde_json::json!({"message": "busy"}))
        .then_output(());
    let service = Mock::new().with_rule(&upload);
    let mut body = types::CreateUploadBody::new(types::CreateUploadBodyRequired {
        file: FilePart::new(&b"\x89PNG"[..]).with_file_name("chart.png").with_content_type("image/png"),
    });
    body.attachments = Some(vec![FilePart::from(b"a".to_vec()), FilePart::from(b"b".to_vec())]);
    body.title = Some("Q3".into());
    body.pages = Some(12);
    body.labels = Some([("team".to_owned(), "db".to_owned())].into());
    client(&service).create_upload(body).send().await.unwrap();

    let sent = sent.lock().unwrap();
    assert_eq!(sent.len(), 2, "the 503 was retried");
    assert_eq!(sent[0], sent[1], "the retry sends the same parts under the same boundary");
    let (content_type, body) = &sent[0];
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect(content_type);
    let text = String::from_utf8_lossy(body);
    let parts: Vec<&str> = text.split(&format!("--{boundary}")).collect();
    let expected = [
        "Content-Disposition: form-data; name=\"file\"; filename=\"chart.png\"\r\nContent-Type: image/png\r\n\r\n\u{fffd}PNG\r\n",
        "name=\"attachments\"; filename=\"attachments\"\r\nContent-Type: application/octet-stream\r\n\r\na\r\n",
        "name=\"attachments\"; filename=\"attachments\"\r\nContent-Type: application/octet-stream\r\n\r\nb\r\n",
        "name=\"title\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nQ3\r\n",
        "name=\"pages\"\r\nContent-Type: text/plain\r\n\r\n12\r\n",
        "name=\"labels\"\r\nContent-Type: application/json\r\n\r\n{\"team\":\"db\"}\r\n",
    ];
    assert_eq!(parts.len(), expected.len() + 2, "{text}");
    for (part, expected) in parts[1..].iter().zip(expected) {
        assert!(part.ends_with(expected), "{part:?} does not end with {expected:?}");
    }
    assert_eq!(parts.last(), Some(&"--\r\n"));
}

#[tokio::test]
async fn a_json_media_type_of_its_own_is_sent_as_spelled_and_a_range_is_asked_for_as_such() {
    let merge = mock::merge_note()
        .match_requests(|r| content_type(r) == "application/merge-patch+json" && text_body(r) == r#"{"text":"x"}"#)
        .then_output(());
    let image = mock::avatar_image()
        .match_requests(|r| r.header("accept") == Some("image/*"))
        .then_output(Bytes::from_static(b"GIF89a"));
    let service = Mock::new().with_rule(&merge).with_rule(&image);
    let client = client(&service);
    let mut note = types::Note::new();
    note.text = Some("x".into());
    client.merge_note("n-1", note).send().await.unwrap();
    assert_eq!(&client.avatar_image().send().await.unwrap().body()[..], b"GIF89a");
    service.assert_no_unexpected_requests();
}
