//! Request bodies built the way generated upload operations build them
//! (`Request::multipart_file` / `multipart_field` / `form_field`), parsed on the server side by
//! independent parsers: `multer` for multipart/form-data, `form_urlencoded` for urlencoded forms.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alli_api::__private::{FieldEncoding, Method, ParamStyle, Style};
use alli_api::{ErrorKind, FilePart, RequestOptions, UploadProgress};
use alli_api_tests::{
    RecordedRequest, Reply, TestServer, client, client_builder, execute, execute_with, post,
    request,
};
use bytes::Bytes;
use serde_json::json;

use crate::support::{Part, parse_multipart};

/// A file whose bytes include CRLFs, dashes and NULs, so a body that mangles them shows.
fn write_file(dir: &Path, name: &str, len: usize) -> (std::path::PathBuf, Vec<u8>) {
    let pattern = b"--alli-api-\r\n\0%PDF";
    let data: Vec<u8> = (0..len).map(|i| pattern[i % pattern.len()]).collect();
    let path = dir.join(name);
    std::fs::write(&path, &data).expect("write the test file");
    (path, data)
}

fn assert_content_length(r: &RecordedRequest) {
    let len = r.body.len().to_string();
    assert_eq!(r.header("content-length").as_deref(), Some(len.as_str()));
    assert!(!r.has_header("transfer-encoding"), "{:?}", r.headers);
}

#[tokio::test]
async fn multipart_files_and_every_kind_of_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (pdf, pdf_data) = write_file(dir.path(), "q3 report.pdf", 200_000);
    let server = TestServer::start().await;
    server.push(Reply::json(200, json!({"ok": true})));

    let mut req = post("/webapi/knowledge_base/upload");
    req.multipart_file("file", &FilePart::from_path(&pdf), None);
    req.multipart_file(
        "attachments",
        &vec![
            FilePart::from_bytes(b"a,b\n1,2\n".to_vec()).file_name("table.csv"),
            FilePart::from_bytes(vec![0u8, 1, 2, 3]),
            FilePart::from_bytes(b"# Title".to_vec())
                .file_name("notes.md")
                .content_type("text/x-custom"),
        ],
        Some("application/octet-stream"),
    );
    req.multipart_file("optional", &None::<FilePart>, None);
    let plain = FieldEncoding::new();
    req.multipart_field("title", &"Q3 보고서 \"final\"", plain);
    req.multipart_field("pages", &12u32, plain);
    req.multipart_field("ratio", &0.25f32, plain);
    req.multipart_field("public", &true, plain);
    req.multipart_field("tags", &vec!["a", "b c"], plain);
    req.multipart_field(
        "ids",
        &vec![1, 2, 3],
        plain.style(ParamStyle::new(Style::Form, false)),
    );
    req.multipart_field("meta", &json!({"owner": "kim", "level": 2}), plain);
    req.multipart_field("note", &"*bold*", plain.content_type("text/markdown"));
    req.multipart_field(
        "settings",
        &vec![json!({"k": 1})],
        plain.content_type("application/json"),
    );
    req.multipart_field("absent", &None::<String>, plain);
    execute(&client(&server.url()), req)
        .await
        .expect("upload succeeds");

    let r = server.single_request();
    assert_eq!(r.method, "POST");
    assert_content_length(&r);
    let parts = parse_multipart(&r).await;
    let summary: Vec<(&str, Option<&str>, Option<&str>)> = parts
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.file_name.as_deref(),
                p.content_type.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("file", Some("q3 report.pdf"), Some("application/pdf")),
            ("attachments", Some("table.csv"), Some("text/csv")),
            ("attachments", None, Some("application/octet-stream")),
            ("attachments", Some("notes.md"), Some("text/x-custom")),
            ("title", None, None),
            ("pages", None, None),
            ("ratio", None, None),
            ("public", None, None),
            ("tags", None, None),
            ("tags", None, None),
            ("ids", None, None),
            ("meta", None, Some("application/json")),
            ("note", None, Some("text/markdown")),
            ("settings", None, Some("application/json")),
        ]
    );
    assert_eq!(parts[0].data, pdf_data);
    assert_eq!(parts[1].text(), "a,b\n1,2\n");
    assert_eq!(parts[2].data, vec![0u8, 1, 2, 3]);
    let texts: Vec<String> = parts[4..].iter().map(Part::text).collect();
    assert_eq!(
        texts,
        vec![
            "Q3 보고서 \"final\"",
            "12",
            "0.25",
            "true",
            "a",
            "b c",
            "1,2,3",
            r#"{"owner":"kim","level":2}"#,
            "*bold*",
            r#"[{"k":1}]"#,
        ]
    );
}

#[tokio::test]
async fn file_and_field_names_cannot_break_the_part_headers() {
    let server = TestServer::start().await;
    server.push(Reply::ok());
    let mut req = post("/u");
    req.multipart_file(
        "file",
        &FilePart::from_bytes(b"x".to_vec())
            .file_name("보고서 \"v2\"\r\nX-Injected: 1.txt")
            .content_type("text/plain\r\nX-Other: 2"),
        None,
    );
    execute(&client(&server.url()), req)
        .await
        .expect("upload succeeds");
    let parts = parse_multipart(&server.single_request()).await;
    assert_eq!(parts.len(), 1);
    assert_eq!(
        parts[0].file_name.as_deref(),
        Some("보고서 %22v2%22%0D%0AX-Injected: 1.txt")
    );
    let mut names = parts[0].header_names.clone();
    names.sort();
    assert_eq!(names, vec!["content-disposition", "content-type"]);
    assert_eq!(parts[0].data, b"x");
}

#[tokio::test]
async fn a_stream_part_is_sent_chunked_unless_its_length_is_declared() {
    let server = TestServer::start().await;
    server.push(Reply::ok()).push(Reply::ok());
    let client = client(&server.url());
    let chunks = || {
        futures_util::stream::iter(
            ["first ", "second ", "third"].map(|c| Ok::<_, std::io::Error>(Bytes::from(c))),
        )
    };

    let mut req = post("/u");
    req.multipart_file(
        "file",
        &FilePart::from_stream(chunks()).file_name("s.txt"),
        None,
    );
    execute(&client, req).await.expect("chunked upload");
    let mut req = post("/u");
    req.multipart_file(
        "file",
        &FilePart::from_stream(chunks())
            .file_name("s.txt")
            .length(18),
        None,
    );
    execute(&client, req).await.expect("upload with a length");

    let [chunked, sized] = <[RecordedRequest; 2]>::try_from(server.requests()).expect("two");
    assert_eq!(
        chunked.header("transfer-encoding").as_deref(),
        Some("chunked")
    );
    assert!(!chunked.has_header("content-length"));
    assert_content_length(&sized);
    for r in [&chunked, &sized] {
        let parts = parse_multipart(r).await;
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].text(), "first second third");
        assert_eq!(parts[0].content_type.as_deref(), Some("text/plain"));
    }
}

#[tokio::test]
async fn a_retry_reopens_the_file_and_sends_it_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, first) = write_file(dir.path(), "doc.pdf", 300_000);
    let second: Vec<u8> = first.iter().rev().copied().chain(*b"more").collect();
    let rewrite = (path.clone(), second.clone());
    // The first attempt is rejected with 429, and the file is rewritten before the retry: the
    // retry must open it again, so it sends the new content with its new length.
    let server = TestServer::with_handler(move |r| {
        if r.index == 0 {
            std::fs::write(&rewrite.0, &rewrite.1).expect("rewrite the file");
            Reply::status(429).header("Retry-After", "0")
        } else {
            Reply::ok()
        }
    })
    .await;
    let mut req = post("/u");
    req.multipart_file("file", &FilePart::from_path(&path), None);
    req.multipart_field("title", &"t", FieldEncoding::new());
    execute(&client(&server.url()), req)
        .await
        .expect("the retry succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for (r, data) in requests.iter().zip([&first, &second]) {
        assert_content_length(r);
        let parts = parse_multipart(r).await;
        assert_eq!(parts.len(), 2);
        assert_eq!(&parts[0].data, data);
        assert_eq!(parts[1].text(), "t");
    }
}

#[tokio::test]
async fn bytes_are_reused_by_a_retry() {
    let server = TestServer::start().await;
    server.push(Reply::status(503)).push(Reply::ok());
    // PUT is idempotent: a 503 is retried.
    let mut req = request(Method::PUT, "/u");
    let data = Bytes::from(vec![7u8; 150_000]);
    req.multipart_file(
        "file",
        &FilePart::from_bytes(data.clone()).file_name("a.bin"),
        None,
    );
    execute(&client(&server.url()), req)
        .await
        .expect("the retry succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    let parts = parse_multipart(&requests[1]).await;
    assert_eq!(parts[0].data, data.to_vec());
}

#[tokio::test]
async fn a_stream_part_is_never_sent_twice() {
    let server = TestServer::start().await;
    server
        .push(
            Reply::status(429)
                .header("Retry-After", "0")
                .body("slow down"),
        )
        .push(Reply::ok());
    let client = client(&server.url());
    let part = FilePart::from_stream(futures_util::stream::iter([Ok::<_, std::io::Error>(
        Bytes::from_static(b"streamed"),
    )]))
    .file_name("s.txt");
    let mut req = post("/u");
    req.multipart_file("upload", &part, None);
    let e = execute(&client, req)
        .await
        .expect_err("the retry would need the stream again");
    // The last attempt's error, with the reason the retry was not made.
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(429));
    let msg = e.to_string();
    assert!(msg.contains("slow down"), "{msg}");
    assert!(
        msg.contains("not retried: part `upload` is a stream, which was already sent"),
        "{msg}"
    );
    assert_eq!(server.request_count(), 1);
    assert!(format!("{part:?}").contains("\"sent\""), "{part:?}");

    // A clone shares the stream: a second request cannot send it either, and sends nothing.
    let mut req = post("/u");
    req.multipart_file("upload", &part.clone(), None);
    let e = execute(&client, req).await.expect_err("already sent");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(e.to_string().contains("already sent"), "{e}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_stream_part_not_yet_read_survives_a_refused_connection() {
    let server = TestServer::start_delayed(Duration::from_millis(150)).await;
    server.push(Reply::ok());
    let client = client_builder(&server.url())
        .retry_backoff(Duration::from_millis(100), Duration::from_millis(200))
        .max_retries(6)
        .build()
        .expect("valid config");
    let mut req = post("/u");
    req.multipart_file(
        "file",
        &FilePart::from_stream(futures_util::stream::iter([Ok::<_, std::io::Error>(
            Bytes::from_static(b"kept for the retry"),
        )]))
        .file_name("s.txt"),
        None,
    );
    execute(&client, req)
        .await
        .expect("retried once the server listens");
    let parts = parse_multipart(&server.single_request()).await;
    assert_eq!(parts[0].text(), "kept for the retry");
}

type Seen = Arc<Mutex<Vec<UploadProgress>>>;

fn recorder() -> (Seen, impl Fn(UploadProgress) + Send + Sync + 'static) {
    let seen: Seen = Arc::default();
    let sink = Arc::clone(&seen);
    (seen, move |p| {
        sink.lock().unwrap_or_else(|e| e.into_inner()).push(p)
    })
}

/// Progress reports of one attempt: sent grows strictly and ends at the total, which is the
/// body length the server received.
fn check_attempt(reports: &[UploadProgress], body_len: usize) {
    assert!(reports.len() > 2, "{reports:?}");
    for pair in reports.windows(2) {
        assert!(pair[0].sent() < pair[1].sent(), "{pair:?}");
    }
    let last = reports[reports.len() - 1];
    assert_eq!(last.total(), Some(body_len as u64));
    assert_eq!(last.sent(), body_len as u64);
    assert_eq!(last.fraction(), Some(1.0));
    assert!(reports.iter().all(|p| p.total() == last.total()));
}

#[tokio::test]
async fn the_progress_hook_sees_every_byte_of_every_attempt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, _) = write_file(dir.path(), "big.pdf", 1_000_000);
    let server = TestServer::start().await;
    server
        .push(Reply::status(429).header("Retry-After", "0"))
        .push(Reply::ok());
    let (seen, hook) = recorder();
    let mut req = post("/u");
    req.multipart_file("file", &FilePart::from_path(&path), None);
    execute_with(
        &client(&server.url()),
        req,
        RequestOptions::new().upload_progress(hook),
    )
    .await
    .expect("upload succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let seen = seen.lock().expect("lock").clone();
    let (first, second): (Vec<UploadProgress>, Vec<UploadProgress>) =
        seen.iter().partition(|p| p.attempt() == 1);
    assert!(second.iter().all(|p| p.attempt() == 2));
    check_attempt(&first, requests[0].body.len());
    check_attempt(&second, requests[1].body.len());
}

/// A builder in the shape generated upload operations have: `options` field, request options
/// macro with the upload extra.
#[derive(Clone, Debug)]
struct UploadDocument {
    client: alli_api::Client,
    options: RequestOptions,
    file: FilePart,
}

impl UploadDocument {
    alli_api::__request_options!(upload_progress);

    async fn send(self) -> alli_api::Result<alli_api::RawResponse> {
        let mut request = post("/webapi/knowledge_base/upload");
        request.multipart_file("file", &self.file, None);
        self.client.__execute(request, &self.options).await
    }
}

#[tokio::test]
async fn upload_builders_get_the_progress_hook_from_the_options_macro() {
    let server = TestServer::start().await;
    server.push(Reply::ok());
    let (seen, hook) = recorder();
    UploadDocument {
        client: client(&server.url()),
        options: RequestOptions::new(),
        file: FilePart::from_bytes(vec![1u8; 300_000]).file_name("x.bin"),
    }
    .timeout(Duration::from_secs(30))
    .upload_progress(hook)
    .send()
    .await
    .expect("upload succeeds");
    let seen = seen.lock().expect("lock").clone();
    check_attempt(&seen, server.single_request().body.len());
}

#[tokio::test]
async fn file_and_stream_failures_are_io_errors_naming_the_part() {
    let server = TestServer::start().await;
    server.set_fallback(Reply::ok());
    let client = client(&server.url());

    let mut req = post("/u");
    req.multipart_file("file", &FilePart::from_path("/no/such/dir/x.pdf"), None);
    let e = execute(&client, req).await.expect_err("no such file");
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(!e.is_retryable());
    let msg = e.to_string();
    assert!(
        msg.contains("cannot open `/no/such/dir/x.pdf` (part `file`)"),
        "{msg}"
    );
    assert_eq!(server.request_count(), 0);

    let failing = futures_util::stream::iter([
        Ok(Bytes::from_static(b"start")),
        Err(std::io::Error::other("the source went away")),
    ]);
    let mut req = post("/u");
    req.multipart_file("doc", &FilePart::from_stream(failing), None);
    let e = execute(&client, req).await.expect_err("the stream fails");
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(
        e.to_string()
            .contains("the stream of part `doc` failed: the source went away"),
        "{e}"
    );

    let short = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"abc"))]);
    let mut req = post("/u");
    req.multipart_file("doc", &FilePart::from_stream(short).length(10), None);
    let e = execute(&client, req).await.expect_err("length mismatch");
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("declared length is 10"), "{e}");
}

#[tokio::test]
async fn urlencoded_forms() {
    let server = TestServer::start().await;
    server.push(Reply::ok());
    let mut req = post("/form");
    let plain = FieldEncoding::new();
    req.form_field("q", &"a b&c=d+é", plain);
    req.form_field("n", &42u64, plain);
    req.form_field("tags", &vec!["x", "y z"], plain);
    req.form_field(
        "ids",
        &vec![1, 2],
        plain.style(ParamStyle::new(Style::Form, false)),
    );
    req.form_field(
        "words",
        &vec!["p", "q"],
        plain.style(ParamStyle::new(Style::SpaceDelimited, false)),
    );
    req.form_field("point", &json!({"x": 1, "y": 2}), plain);
    req.form_field(
        "filter",
        &json!({"state": "open"}),
        plain.style(ParamStyle::new(Style::DeepObject, true)),
    );
    req.form_field(
        "meta",
        &json!({"k": [1]}),
        plain.content_type("application/json"),
    );
    req.form_field("none", &None::<String>, plain);
    execute(&client(&server.url()), req)
        .await
        .expect("request succeeds");
    let r = server.single_request();
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_content_length(&r);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&r.body).into_owned().collect();
    let expected: Vec<(String, String)> = [
        ("q", "a b&c=d+é"),
        ("n", "42"),
        ("tags", "x"),
        ("tags", "y z"),
        ("ids", "1,2"),
        ("words", "p q"),
        ("x", "1"),
        ("y", "2"),
        ("filter[state]", "open"),
        ("meta", r#"{"k":[1]}"#),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(pairs, expected);
}

#[tokio::test]
async fn a_body_kind_cannot_be_mixed() {
    let server = TestServer::start().await;
    let mut req = post("/form");
    req.form_field("a", &1, FieldEncoding::new());
    req.multipart_field("b", &2, FieldEncoding::new());
    let e = execute(&client(&server.url()), req)
        .await
        .expect_err("mixed bodies");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(e.to_string().contains("urlencoded"), "{e}");
    assert_eq!(server.request_count(), 0);
}
