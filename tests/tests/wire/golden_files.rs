//! The `files_and_styles` golden fixture's generated operations on the wire: a typed
//! multipart upload (parsed with `multer`), a urlencoded form (parsed with `form_urlencoded`),
//! a binary answer as a `Download`, and path, query, header and cookie parameters of every type
//! and style, as OpenAPI's style table writes them.

use alli_api::FilePart;
use alli_api_tests::golden::files_and_styles::{FilesAndStylesApi, types};
use alli_api_tests::{Reply, TestServer, client};
use serde_json::json;

use crate::support::parse_multipart;

fn ok() -> Reply {
    Reply::json(200, json!({"id": "d1"}))
}

#[tokio::test]
async fn a_typed_upload_sends_its_files_and_fields_as_parts() {
    let server = TestServer::start().await;
    server.push(ok());
    let mut meta = types::UploadDocumentMeta::new();
    meta.lang = Some("ko".to_owned());
    meta.public = Some(true);
    let answer = client(&server.url())
        .documents()
        .upload(FilePart::from_bytes(b"%PDF-1.7 body".to_vec()).file_name("report.pdf"))
        .title("Quarterly report")
        .pages(12)
        .tags(["finance", "q3"])
        .meta(meta)
        .codes(["a1", "b2"])
        .attachments([
            FilePart::from_bytes(b"one".to_vec()).file_name("notes.txt"),
            FilePart::from_bytes(b"\0\x01".to_vec())
                .file_name("data.bin")
                .content_type("application/x-raw"),
        ])
        .send()
        .await
        .expect("upload");
    assert_eq!(answer.id.as_deref(), Some("d1"));
    let r = server.single_request();
    assert_eq!((r.method.as_str(), r.path()), ("POST", "/documents"));
    let parts = parse_multipart(&r).await;
    let summary: Vec<(String, Option<String>, Option<String>, String)> = parts
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.file_name.clone(),
                p.content_type.clone(),
                p.text(),
            )
        })
        .collect();
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        summary,
        vec![
            (
                "file".into(),
                s("report.pdf"),
                s("application/pdf"),
                "%PDF-1.7 body".into()
            ),
            ("title".into(), None, None, "Quarterly report".into()),
            ("pages".into(), None, None, "12".into()),
            ("tags".into(), None, None, "finance".into()),
            ("tags".into(), None, None, "q3".into()),
            (
                "meta".into(),
                None,
                s("application/json"),
                r#"{"lang":"ko","public":true}"#.into()
            ),
            // `encoding: {codes: {style: form, explode: false}}`: one part, joined.
            ("codes".into(), None, None, "a1,b2".into()),
            (
                "attachments".into(),
                s("notes.txt"),
                s("text/plain"),
                "one".into()
            ),
            (
                "attachments".into(),
                s("data.bin"),
                s("application/x-raw"),
                "\0\u{1}".into()
            ),
        ]
    );
    let len = r.body.len().to_string();
    assert_eq!(r.header("content-length").as_deref(), Some(len.as_str()));
}

#[tokio::test]
async fn a_urlencoded_form_sends_its_fields_as_pairs() {
    let server = TestServer::start().await;
    server.push(ok());
    client(&server.url())
        .documents()
        .submit_form("Ann Lee")
        .count(3)
        .ids(["x", "y"])
        .flags(["p", "q"])
        .send()
        .await
        .expect("form");
    let r = server.single_request();
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&r.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let p = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        pairs,
        vec![
            p("name", "Ann Lee"),
            p("count", "3"),
            p("ids", "x,y"),
            p("flags", "p"),
            p("flags", "q")
        ]
    );
}

#[tokio::test]
async fn a_binary_answer_is_a_download_with_its_file_name() {
    let server = TestServer::start().await;
    server.push(
        Reply::status(200)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Disposition", "attachment; filename=\"../report.pdf\"; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C.pdf")
            .body(b"%PDF bytes".to_vec()),
    );
    let download = client(&server.url())
        .documents()
        .download()
        .filename("보고서.pdf")
        .send()
        .await
        .expect("download");
    assert_eq!(download.file_name().as_deref(), Some("보고서.pdf"));
    assert_eq!(download.content_type(), Some("application/octet-stream"));
    let bytes = download.bytes().await.expect("the body");
    assert_eq!(&bytes[..], b"%PDF bytes");
    let r = server.single_request();
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.header("accept").as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(
        r.json().expect("a JSON body"),
        json!({"filename": "보고서.pdf"})
    );
}

#[tokio::test]
async fn parameters_of_every_type_and_style_are_sent_as_openapi_says() {
    let server = TestServer::start().await;
    server.push(ok());
    let mut filter = types::GetItemFilter::new();
    filter.r = Some(100);
    filter.g = Some(200);
    let mut color = types::GetItemColor::new();
    color.r = Some(1);
    color.g = Some(2);
    client(&server.url())
        .documents()
        .item(7, ["a", "b"], filter, 1.5, true, 42)
        .color(color)
        .tags(["x", "y"])
        .words(["hello", "world"])
        .redirect("https://e.com/p?q=1")
        .any(json!({"k": [1, 2]}))
        .x_ids(["i1", "i2"])
        .session("s 1")
        .prefs(["dark", "wide"])
        .send()
        .await
        .expect("item");
    let r = server.single_request();
    assert_eq!(
        r.path(),
        "/items/7/.a.b/;filter=R,100,G,200/1.5/true",
        "simple integer, label exploded array, matrix object, number, boolean"
    );
    assert_eq!(
        r.query(),
        Some(
            "color%5BR%5D=1&color%5BG%5D=2&tags=x%7Cy&words=hello%20world\
             &redirect=https://e.com/p?q=1&k=%5B1%2C2%5D"
        ),
        "deepObject, pipeDelimited, spaceDelimited, allowReserved, an untyped object exploded \
         (`form`: its properties as pairs, nested values as JSON)"
    );
    assert_eq!(r.header("x-count").as_deref(), Some("42"));
    assert_eq!(r.header("x-ids").as_deref(), Some("i1,i2"));
    assert_eq!(
        r.header("cookie").as_deref(),
        Some("session=s%201; prefs=dark,wide")
    );
}
