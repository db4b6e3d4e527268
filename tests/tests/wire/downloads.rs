//! Binary answers through `Client::__execute_download` (what generated `send()` of a binary
//! operation calls): streaming, metadata, `bytes()`, atomic `save_to`, timeouts and retries.

use std::path::Path;
use std::time::Duration;

use alli_api::prelude::*;
use alli_api::{Download, ErrorKind, RequestOptions};
use alli_api_tests::{Reply, TestServer, client, generated_byte, get};
use serde_json::json;

async fn download(server: &TestServer) -> alli_api::Result<Download> {
    download_with(server, RequestOptions::new()).await
}

async fn download_with(server: &TestServer, options: RequestOptions) -> alli_api::Result<Download> {
    let mut req = get("/webapi/knowledge_base/download");
    req.json(&json!({"fileName": "report.pdf"}));
    req.header("Accept", &"application/octet-stream");
    client(&server.url())
        .__execute_download(req, &options)
        .await
}

fn expected(len: u64) -> Vec<u8> {
    (0..len).map(generated_byte).collect()
}

/// The entries of a directory, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_download_is_a_stream_with_its_metadata() {
    let server = TestServer::start().await;
    let len = 3 * 1024 * 1024 + 17;
    server.push(
        Reply::status(200)
            .header("Content-Type", "application/pdf")
            .header(
                "Content-Disposition",
                "attachment; filename=\"fallback.pdf\"; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C%20Q3.pdf",
            )
            .generated(len),
    );
    let mut d = download(&server).await.expect("download starts");
    assert_eq!(d.status().as_u16(), 200);
    assert_eq!(d.content_type(), Some("application/pdf"));
    assert_eq!(d.file_name().as_deref(), Some("보고서 Q3.pdf"));
    assert_eq!(d.content_length(), Some(len));
    assert!(d.headers().contains_key("content-disposition"));
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = d.try_next().await.expect("a chunk") {
        received.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert!(chunks > 1, "the body arrived in {chunks} chunk(s)");
    assert_eq!(d.received(), len);
    assert_eq!(received, expected(len));
    // The request: a GET with a JSON body asking for a binary answer.
    let r = server.single_request();
    assert_eq!(r.method, "GET");
    assert_eq!(r.json().expect("json"), json!({"fileName": "report.pdf"}));
    assert_eq!(
        r.header("accept").as_deref(),
        Some("application/octet-stream")
    );
}

#[tokio::test]
async fn file_names_are_never_paths() {
    let server = TestServer::start().await;
    for cd in [
        r#"attachment; filename="../../etc/passwd""#,
        r"attachment; filename=C:\Users\x\passwd",
        "attachment; filename*=UTF-8''..%2F..%2Fpasswd",
    ] {
        server.push(Reply::ok().header("Content-Disposition", cd).body("x"));
        let d = download(&server).await.expect("download starts");
        assert_eq!(d.file_name().as_deref(), Some("passwd"), "{cd}");
    }
    server.push(Reply::ok().body("x"));
    assert_eq!(download(&server).await.expect("ok").file_name(), None);
}

#[tokio::test]
async fn bytes_collects_the_body() {
    let server = TestServer::start().await;
    server.push(Reply::ok().generated(100_000));
    let d = download(&server).await.expect("download starts");
    assert_eq!(d.bytes().await.expect("body").to_vec(), expected(100_000));
}

#[tokio::test]
async fn save_to_writes_the_file_atomically() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("report.pdf");
    std::fs::write(&target, b"old content").expect("an older file");
    let server = TestServer::start().await;
    let len = 2 * 1024 * 1024;
    server.push(Reply::ok().generated(len));
    let written = download(&server)
        .await
        .expect("download starts")
        .save_to(&target)
        .await
        .expect("saved");
    assert_eq!(written, len);
    assert_eq!(std::fs::read(&target).expect("read back"), expected(len));
    assert_eq!(entries(dir.path()), vec!["report.pdf"]);
}

#[tokio::test]
async fn a_cut_body_leaves_neither_target_nor_temporary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start().await;
    server.push(Reply::ok().generated(1_000_000).cut_after(300_000));
    let target = dir.path().join("new.bin");
    let e = download(&server)
        .await
        .expect("download starts")
        .save_to(&target)
        .await
        .expect_err("the body is cut");
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert_eq!(e.operation(), Some("test.op"));
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));

    // An existing file stays as it was.
    let existing = dir.path().join("kept.bin");
    std::fs::write(&existing, b"previous").expect("write");
    server.push(Reply::ok().generated(500_000).cut_after(10));
    download(&server)
        .await
        .expect("download starts")
        .save_to(&existing)
        .await
        .expect_err("the body is cut");
    assert_eq!(std::fs::read(&existing).expect("read"), b"previous");
    assert_eq!(entries(dir.path()), vec!["kept.bin"]);
}

#[tokio::test]
async fn a_dropped_save_removes_its_temporary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start().await;
    // The first chunk, then silence: the save is dropped while waiting.
    server.push(Reply::ok().chunks(["abc", "def"], Duration::from_secs(5)));
    let target = dir.path().join("x.bin");
    let d = download(&server).await.expect("download starts");
    let save = d.save_to(&target);
    let outcome = tokio::time::timeout(Duration::from_millis(300), save).await;
    assert!(outcome.is_err(), "the save had to be still waiting");
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[tokio::test]
async fn save_to_a_missing_directory_is_an_io_error() {
    let server = TestServer::start().await;
    server.push(Reply::ok().body("x"));
    let e = download(&server)
        .await
        .expect("download starts")
        .save_to("/no/such/dir/x.bin")
        .await
        .expect_err("no directory");
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("/no/such/dir"), "{e}");
}

#[tokio::test]
async fn the_timeout_bounds_silence_not_the_whole_download() {
    let server = TestServer::start().await;
    // Six chunks 60 ms apart: 300 ms in all, well over the 150 ms timeout, never silent that
    // long.
    server.push(Reply::ok().chunks(["a", "b", "c", "d", "e", "f"], Duration::from_millis(60)));
    let options = RequestOptions::new().timeout(Duration::from_millis(150));
    let d = download_with(&server, options.clone())
        .await
        .expect("download starts");
    assert_eq!(d.bytes().await.expect("whole body").as_ref(), b"abcdef");

    // A body that goes silent for longer fails with a timeout, after what it sent.
    server.push(Reply::ok().chunks(["a", "b"], Duration::from_millis(600)));
    let mut d = download_with(&server, options)
        .await
        .expect("download starts");
    assert_eq!(
        d.try_next().await.expect("first chunk").as_deref(),
        Some(&b"a"[..])
    );
    let e = d.try_next().await.expect_err("silence");
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(d.next().await.is_none(), "an error ends the stream");
}

#[tokio::test]
async fn retries_happen_before_the_body_only() {
    let server = TestServer::start().await;
    server
        .push(Reply::status(503).header("Retry-After", "0"))
        .push(Reply::ok().body("after a retry"));
    let d = download(&server).await.expect("retried");
    assert_eq!(d.bytes().await.expect("body").as_ref(), b"after a retry");
    assert_eq!(server.request_count(), 2);

    // Once the body has started, a failure is the caller's: no new request.
    server.push(Reply::ok().generated(100_000).cut_after(1000));
    server.push(Reply::ok().body("never asked for"));
    let d = download(&server).await.expect("download starts");
    let e = d.bytes().await.expect_err("cut");
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_non_2xx_answer_is_an_api_error() {
    let server = TestServer::start().await;
    server.push(Reply::json(404, json!({"error": "no such file"})));
    let e = download(&server).await.expect_err("404");
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(e.api_message(), Some("no such file"));
}
