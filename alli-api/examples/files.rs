//! Files: building upload parts, following an upload's progress, and keeping a binary answer
//! (`Download`) — saved atomically, streamed chunk by chunk, or collected.
//!
//! Runs offline: the download is made from an in-memory stream with the headers a server would
//! send, and saved under the system's temporary directory.
//!
//! `cargo run -p alli-api --example files`

use std::path::Path;

use alli_api::http::{HeaderMap, HeaderValue, StatusCode};
use alli_api::prelude::*;
use alli_api::{Download, FilePart, RequestOptions};
use bytes::Bytes;

/// The upload parts of a Knowledge Bases upload, in each of their forms.
fn upload_parts() -> Vec<FilePart> {
    let chunks = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from_static(
        b"id,name\n1,Kim\n",
    ))]);

    // From a path: streamed from disk when the request is sent (never read whole), re-opened by
    // each retry. File name "q3.pdf", content type guessed from the extension (application/pdf).
    let file = FilePart::from_path("reports/q3.pdf");

    // From bytes in memory (shared, reused by retries): name it, the type follows the name.
    let notes = FilePart::from_bytes(b"hello".to_vec()).file_name("notes.txt");

    // From any async stream of chunks; declare the length to send a Content-Length.
    let piped = FilePart::from_stream(chunks)
        .file_name("export.csv")
        .length(14);

    // Override what is guessed.
    let custom = FilePart::from_path("dump.bin")
        .file_name("data.csv")
        .content_type("text/csv");

    vec![file, notes, piped, custom]
}

/// Per-request options showing an upload's progress.
fn with_progress() -> RequestOptions {
    RequestOptions::new().upload_progress(|p| {
        if let Some(f) = p.fraction() {
            eprint!("\ruploading {:>3.0} % (attempt {})", f * 100.0, p.attempt());
        }
    })
}

/// Saves a download under `dir`, with the name the server suggests.
async fn keep(download: Download, dir: &Path) -> alli_api::Result<u64> {
    println!(
        "{:?} {:?} {:?}",
        download.file_name(),
        download.content_type(),
        download.content_length()
    );
    let name = download
        .file_name()
        .unwrap_or_else(|| "download.bin".to_owned());

    // Save it atomically: written to a temporary file next to the target, flushed to disk, then
    // renamed; on any error (connection cut, timeout, disk full) nothing is left behind and an
    // existing file at the target is untouched.
    let bytes_written = download.save_to(dir.join(name)).await?;
    Ok(bytes_written)
}

/// Consumes a download chunk by chunk.
async fn count(mut download: Download) -> alli_api::Result<(u64, u64)> {
    let (mut chunks, mut sum) = (0u64, 0u64);
    while let Some(chunk) = download.try_next().await? {
        chunks += 1;
        sum += chunk.iter().map(|b| u64::from(*b)).sum::<u64>();
    }
    Ok((chunks, sum))
}

/// A download as a server would answer one (here from memory).
fn fake_download() -> Download {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/pdf"));
    headers.insert("content-length", HeaderValue::from_static("13"));
    headers.insert(
        "content-disposition",
        HeaderValue::from_static(
            "attachment; filename=\"manual.pdf\"; filename*=UTF-8''%EC%82%AC%EC%9A%A9%EC%9E%90%20%EC%84%A4%EB%AA%85%EC%84%9C.pdf",
        ),
    );
    let chunks = ["%PDF-", "1.7\n", "%EOF"].map(|c| Ok::<_, std::io::Error>(Bytes::from(c)));
    Download::from_byte_stream(futures_util::stream::iter(chunks), StatusCode::OK, headers)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    for part in upload_parts() {
        println!("upload part: {part:?}");
    }
    println!("options: {:?}", with_progress());

    let dir = std::env::temp_dir().join(format!("alli-api-files-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let written = keep(fake_download(), &dir).await?;
    let saved = dir.join("사용자 설명서.pdf");
    println!("saved {written} bytes to {}", saved.display());
    assert_eq!(std::fs::read(&saved)?, b"%PDF-1.7\n%EOF");
    std::fs::remove_dir_all(&dir)?;

    let (chunks, _) = count(fake_download()).await?;
    println!("streamed {chunks} chunks");
    // Or, when you mean to hold it in memory:
    let body = fake_download().bytes().await?;
    println!("collected {} bytes", body.len());
    Ok(())
}
