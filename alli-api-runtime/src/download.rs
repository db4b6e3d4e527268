//! Binary answers as streams: [`Download`], with the file name from `Content-Disposition` and
//! an atomic [`Download::save_to`].
#![warn(missing_docs)]

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::{FusedStream, Stream};
use http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use tokio::io::AsyncWriteExt as _;

use crate::error::{Error, Result};
use crate::headers::DebugHeaders;
use crate::idle::IdleBody;

/// The body of a binary answer (`application/octet-stream`, `application/pdf`, `image/*`, ...),
/// as a stream: what `send()` of such an operation returns. Memory stays bounded whatever the
/// size: chunks are handed over as they arrive.
///
/// - a [`Stream`] of `Result<Bytes>` chunks (with `alli_api::prelude::*`: `.next()`,
///   `.try_next()`);
/// - [`save_to`](Download::save_to) writes it to a file atomically;
/// - [`bytes`](Download::bytes) collects it in memory, when you mean to;
/// - [`file_name`](Download::file_name), [`content_type`](Download::content_type),
///   [`content_length`](Download::content_length), [`status`](Download::status),
///   [`headers`](Download::headers) describe it.
///
/// **Timeouts and retries.** The request's timeout bounds each attempt until the response
/// headers arrive; retries happen only until then. The body then has an idle timeout (the same
/// duration by default): the longest silence allowed between two chunks, so a large file can
/// take as long as it needs while a stalled connection still fails
/// ([`ErrorKind::Timeout`](crate::ErrorKind::Timeout)). A connection that closes before the
/// announced `Content-Length` (or the final chunk) fails with
/// [`ErrorKind::Transport`](crate::ErrorKind::Transport). An error ends the stream.
///
/// ```no_run
/// # async fn demo(download: alli_api::Download) -> alli_api::Result<()> {
/// let name = download.file_name().unwrap_or_else(|| "download.bin".to_owned());
/// let written = download.save_to(std::path::Path::new("downloads").join(name)).await?;
/// println!("{written} bytes");
/// # Ok(()) }
/// ```
pub struct Download {
    body: IdleBody,
    status: StatusCode,
    headers: HeaderMap,
    operation: Option<&'static str>,
    received: u64,
    finished: bool,
}

impl Download {
    pub(crate) fn from_response(
        resp: reqwest::Response,
        operation: &'static str,
        idle_timeout: Duration,
    ) -> Self {
        let status = resp.status();
        let headers = resp.headers().clone();
        Download {
            body: IdleBody::from_response(resp, Some(idle_timeout)),
            status,
            headers,
            operation: Some(operation),
            received: 0,
            finished: false,
        }
    }

    /// A download over any byte stream (a body obtained otherwise, a test): `headers` play the
    /// response's (`Content-Type`, `Content-Disposition`, `Content-Length`). Stream errors are
    /// [`ErrorKind::Transport`](crate::ErrorKind::Transport) errors; no idle timeout.
    pub fn from_byte_stream<S, B, E>(stream: S, status: StatusCode, headers: HeaderMap) -> Self
    where
        S: Stream<Item = std::result::Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let body = futures_util::StreamExt::map(stream, |r| {
            r.map(Into::into)
                .map_err(|e| Error::transport("failed to read the download", e.into()))
        });
        Download {
            body: IdleBody::new(Box::pin(body), None),
            status,
            headers,
            operation: None,
            received: 0,
            finished: false,
        }
    }

    /// Sets (or, with `None`, removes) the longest silence allowed between two chunks.
    pub fn with_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.body.set_idle_timeout(timeout);
        self
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Type` of the response, e.g. `application/pdf`.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE)?.to_str().ok()
    }

    /// The announced length (`Content-Length`), when the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// The file name the server suggests in `Content-Disposition` (RFC 6266: `filename*=`
    /// wins over `filename=`), reduced to its last path component: never a path, never `.` or
    /// `..`, no control characters. `None` when there is none.
    pub fn file_name(&self) -> Option<String> {
        let value = self.headers.get(CONTENT_DISPOSITION)?;
        content_disposition_file_name(&String::from_utf8_lossy(value.as_bytes()))
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Reads the whole body into memory.
    pub async fn bytes(mut self) -> Result<Bytes> {
        let capacity = self
            .content_length()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0)
            // An announced length is only a hint: never reserve more than 64 MiB up front.
            .min(64 << 20);
        let mut buf = BytesMut::with_capacity(capacity);
        while let Some(chunk) = futures_util::StreamExt::next(&mut self).await {
            buf.extend_from_slice(&chunk?);
        }
        Ok(buf.freeze())
    }

    /// Writes the body to `path` atomically and returns the number of bytes written: the bytes
    /// go to a temporary file in the same directory (`.<name>.<random>.part`), which is flushed
    /// to disk (`fsync`) and then renamed to `path`, replacing any file there. On any error —
    /// the connection cut, a timeout, a full disk — or if the future is dropped, the temporary
    /// file is removed and `path` is left untouched. Disk errors are
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) errors.
    pub async fn save_to(mut self, path: impl AsRef<Path>) -> Result<u64> {
        let path = path.as_ref();
        let operation = self.operation;
        let in_op = |e: Error| match operation {
            Some(op) => e.with_operation(op),
            None => e,
        };
        let Some(name) = path.file_name() else {
            return Err(in_op(Error::io(
                format!("cannot save to `{}`: not a file path", path.display()),
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"),
            )));
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let io_err = |what: &str, p: &Path, e: std::io::Error| {
            Error::io(format!("cannot {what} `{}`: {e}", p.display()), e)
        };
        let (mut file, temp) = create_temp(&dir, &name.to_string_lossy())
            .await
            .map_err(|(p, e)| in_op(io_err("create", &p, e)))?;
        let mut written = 0u64;
        while let Some(chunk) = futures_util::StreamExt::next(&mut self).await {
            let chunk = chunk?;
            file.write_all(&chunk)
                .await
                .map_err(|e| in_op(io_err("write", &temp.path, e)))?;
            written += chunk.len() as u64;
        }
        file.flush()
            .await
            .map_err(|e| in_op(io_err("write", &temp.path, e)))?;
        file.sync_all()
            .await
            .map_err(|e| in_op(io_err("flush", &temp.path, e)))?;
        drop(file);
        tokio::fs::rename(&temp.path, path)
            .await
            .map_err(|e| in_op(io_err("rename the download to", path, e)))?;
        temp.keep();
        // Make the rename itself durable (best effort: not every platform can open a directory).
        if let Ok(d) = tokio::fs::File::open(&dir).await {
            let _ = d.sync_all().await;
        }
        Ok(written)
    }
}

/// A temporary file, removed when dropped unless kept.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Creates `.<name>.<random>.part` in `dir`, never overwriting an existing file.
async fn create_temp(
    dir: &Path,
    name: &str,
) -> std::result::Result<(tokio::fs::File, TempFile), (PathBuf, std::io::Error)> {
    let mut last = None;
    for _ in 0..8 {
        let path = dir.join(format!(".{name}.{:016x}.part", fastrand::u64(..)));
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
        {
            Ok(file) => return Ok((file, TempFile { path, keep: false })),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some((path, e)),
            Err(e) => return Err((path, e)),
        }
    }
    Err(last.unwrap_or_else(|| {
        (
            dir.to_path_buf(),
            std::io::Error::other("no free temporary file name"),
        )
    }))
}

impl Stream for Download {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
        let this = &mut *self;
        if this.finished {
            return Poll::Ready(None);
        }
        let item = std::task::ready!(Pin::new(&mut this.body).poll_next(cx));
        Poll::Ready(match item {
            Some(Ok(chunk)) => {
                this.received += chunk.len() as u64;
                Some(Ok(chunk))
            }
            Some(Err(err)) => {
                this.finished = true;
                Some(Err(match this.operation {
                    Some(op) => err.with_operation(op),
                    None => err,
                }))
            }
            None => {
                this.finished = true;
                None
            }
        })
    }
}

impl FusedStream for Download {
    fn is_terminated(&self) -> bool {
        self.finished
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &DebugHeaders(&self.headers))
            .field("idle_timeout", &self.body.idle_timeout())
            .field("received", &self.received)
            .field("finished", &self.finished)
            .finish()
    }
}

/// The file name of a `Content-Disposition` value (RFC 6266): `filename*` (RFC 8187:
/// `charset'lang'percent-encoded`, UTF-8 or ISO-8859-1) wins over `filename` (a quoted string
/// with `\` escapes, or a token). Reduced to a safe file name by [`safe_file_name`].
pub(crate) fn content_disposition_file_name(value: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for (name, val) in disposition_params(value) {
        if name.eq_ignore_ascii_case("filename*") {
            if let Some(v) = decode_ext_value(&val) {
                extended.get_or_insert(v);
            }
        } else if name.eq_ignore_ascii_case("filename") {
            plain.get_or_insert(val);
        }
    }
    extended
        .and_then(|v| safe_file_name(&v))
        .or_else(|| plain.and_then(|v| safe_file_name(&v)))
}

/// The `name=value` parameters after the disposition type; quoted values unescaped.
fn disposition_params(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    // Skip the disposition type.
    for c in chars.by_ref() {
        if c == ';' {
            break;
        }
    }
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ';') {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' {
                break;
            }
            name.push(c);
            chars.next();
        }
        let name = name.trim().to_owned();
        if chars.peek().is_none() && name.is_empty() {
            break;
        }
        let mut val = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                chars.next();
            }
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                val.push(n);
                            }
                        }
                        '"' => break,
                        c => val.push(c),
                    }
                }
                // Anything up to the next `;` is junk.
                while chars.peek().is_some_and(|c| *c != ';') {
                    chars.next();
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ';' {
                        break;
                    }
                    val.push(c);
                    chars.next();
                }
                val = val.trim().to_owned();
            }
        }
        if !name.is_empty() {
            out.push((name, val));
        }
        if chars.peek().is_none() {
            break;
        }
    }
    out
}

/// Decodes an RFC 8187 `ext-value`: `UTF-8''%e2%82%ac%20rates` (ISO-8859-1 also accepted).
fn decode_ext_value(v: &str) -> Option<String> {
    let mut it = v.splitn(3, '\'');
    let charset = it.next()?.trim();
    let _lang = it.next()?;
    let encoded = it.next()?;
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(encoded).collect();
    if charset.eq_ignore_ascii_case("utf-8") {
        String::from_utf8(bytes).ok()
    } else if charset.eq_ignore_ascii_case("iso-8859-1") {
        Some(bytes.iter().map(|&b| char::from(b)).collect())
    } else {
        None
    }
}

/// The last path component of a suggested name (`/` and `\` both separate), without control
/// characters; `None` when nothing usable is left (empty, `.`, `..`).
pub(crate) fn safe_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        None
    } else {
        Some(cleaned.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(v: &str) -> Option<String> {
        content_disposition_file_name(v)
    }

    #[test]
    fn content_disposition_forms() {
        assert_eq!(
            name(r#"attachment; filename="report.pdf""#).as_deref(),
            Some("report.pdf")
        );
        assert_eq!(
            name("attachment; filename=report.pdf").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(
            name(r#"attachment; filename="a \"quoted\" name.txt""#).as_deref(),
            Some(r#"a "quoted" name.txt"#)
        );
        // filename* wins, whatever the order.
        assert_eq!(
            name("attachment; filename*=UTF-8''%EA%B3%A0%EA%B0%9D%20%EB%B3%B4%EA%B3%A0%EC%84%9C.pdf; filename=\"fallback.pdf\"")
                .as_deref(),
            Some("고객 보고서.pdf")
        );
        assert_eq!(
            name("attachment; filename=\"fallback.pdf\"; FILENAME*=utf-8'ko'%E2%82%AC.txt")
                .as_deref(),
            Some("€.txt")
        );
        assert_eq!(
            name("attachment; filename*=iso-8859-1'en'%A3%20rates.txt").as_deref(),
            Some("£ rates.txt")
        );
        // A filename* that does not decode falls back to filename.
        assert_eq!(
            name("attachment; filename*=UTF-8''%FF%FE; filename=ok.bin").as_deref(),
            Some("ok.bin")
        );
        assert_eq!(
            name(r#"inline; filename="a;b.txt"; size=3"#).as_deref(),
            Some("a;b.txt")
        );
        assert_eq!(name("attachment"), None);
        assert_eq!(name("attachment; size=42"), None);
        assert_eq!(name(""), None);
    }

    #[test]
    fn never_a_path() {
        assert_eq!(
            name(r#"attachment; filename="../../etc/passwd""#).as_deref(),
            Some("passwd")
        );
        assert_eq!(
            name(r#"attachment; filename="C:\\Windows\\evil.dll""#).as_deref(),
            Some("evil.dll")
        );
        assert_eq!(
            name("attachment; filename*=UTF-8''..%2F..%2Fx.sh").as_deref(),
            Some("x.sh")
        );
        assert_eq!(name(r#"attachment; filename="..""#), None);
        assert_eq!(name(r#"attachment; filename="dir/""#), None);
        assert_eq!(
            name("attachment; filename*=UTF-8''a%0D%0Ab.txt").as_deref(),
            Some("ab.txt")
        );
    }
}
