//! Request bodies beyond JSON: `multipart/form-data` with [`FilePart`]s streamed from disk,
//! memory or a caller's stream, `application/x-www-form-urlencoded` forms, and the
//! [`UploadProgress`] hook.
//!
//! A request keeps a *description* of its form ([`Multipart`]); each attempt opens it again
//! ([`Multipart::open`]): files are re-opened and streamed from the start, bytes are shared
//! (never copied), a stream is taken out of its shared slot. The body is a stream of chunks of
//! at most [`CHUNK`] bytes, so memory stays bounded whatever the file sizes.
#![warn(missing_docs)]

use std::collections::VecDeque;
use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures_core::Stream;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use tokio::io::{AsyncRead, ReadBuf};

use crate::error::{Error, Result};
use crate::params::{FormPair, Param, ParamError, ParamStyle, ParamValue, form_pairs};

/// Largest chunk of a streamed request body (file reads, slices of in-memory bytes).
pub(crate) const CHUNK: usize = 64 * 1024;

type BoxError = Box<dyn StdError + Send + Sync>;
type ByteStream = Pin<Box<dyn Stream<Item = std::result::Result<Bytes, BoxError>> + Send>>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ---------------------------------------------------------------------------------------------
// FilePart

/// A file to upload as one part of a `multipart/form-data` body: from a path (streamed from
/// disk), from bytes in memory, or from an async stream of chunks.
///
/// - **File name**: for a path, the path's file name; else none until set with
///   [`file_name`](FilePart::file_name). Sent as the part's `filename`.
/// - **Content type**: set with [`content_type`](FilePart::content_type), else guessed from the
///   file name's extension (PDF, TXT, DOC/DOCX, PPT/PPTX, XLS/XLSX, HTM/HTML, CSV, JSON, MD,
///   images, ...), else the type the API documents for the part, else
///   `application/octet-stream`.
/// - **Length**: known for paths (the file's size when the request is sent) and bytes; for a
///   stream, declare it with [`length`](FilePart::length). When every part's length is known
///   the request carries a `Content-Length`, else it is sent chunked.
///
/// **Retries.** Every attempt sends the whole form again: a path is opened anew (so a file is
/// never read whole into memory, and a retry sends it complete), bytes are reused. A stream can
/// be sent only once: once an attempt has read from it, a retry that would need it is not made
/// and the request fails with the last attempt's error, whose message says so. The part is
/// opened when the request is sent, not when it is built: a missing file is an
/// [`ErrorKind::Io`](crate::ErrorKind::Io) error of `send()`.
///
/// Cloning is cheap (bytes and streams are shared); clones of a stream part share the one
/// stream, which only one request can send.
///
/// ```no_run
/// use alli_api::FilePart;
///
/// let from_disk = FilePart::from_path("reports/q3.pdf"); // filename "q3.pdf", application/pdf
/// let in_memory = FilePart::from_bytes(b"hello".to_vec()).file_name("hello.txt");
/// let custom = FilePart::from_path("export.dat")
///     .file_name("export.csv")
///     .content_type("text/csv; charset=utf-8");
/// # let _ = (from_disk, in_memory, custom);
/// ```
#[derive(Clone)]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
    length: Option<u64>,
}

#[derive(Clone)]
enum Source {
    Path(PathBuf),
    Bytes(Bytes),
    Stream(Arc<StreamSlot>),
}

/// A caller's stream, shared by the clones of its part; `None` once an attempt has taken it
/// and read from it.
struct StreamSlot {
    stream: Mutex<Option<ByteStream>>,
}

impl FilePart {
    /// The file at `path`, opened and streamed from disk when the request is sent (again on
    /// each attempt). File name: the path's last component.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        FilePart {
            source: Source::Path(path),
            file_name,
            content_type: None,
            length: None,
        }
    }

    /// Bytes in memory (shared, never copied; reused by retries). No file name until
    /// [`file_name`](FilePart::file_name) sets one.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        let length = Some(bytes.len() as u64);
        FilePart {
            source: Source::Bytes(bytes),
            file_name: None,
            content_type: None,
            length,
        }
    }

    /// The chunks of an async stream, sent as they come. It can be sent only once (see the
    /// type's docs on retries); declare its length with [`length`](FilePart::length) to send
    /// the request with a `Content-Length`. An error of the stream fails the request with an
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) error.
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = std::result::Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        let stream =
            futures_util::StreamExt::map(stream, |r| r.map(Into::into).map_err(Into::into));
        FilePart {
            source: Source::Stream(Arc::new(StreamSlot {
                stream: Mutex::new(Some(Box::pin(stream))),
            })),
            file_name: None,
            content_type: None,
            length: None,
        }
    }

    /// Sets the file name sent in the part's `Content-Disposition` (any directories are the
    /// caller's business: the name is sent as given, with `"`, CR and LF percent-encoded).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's `Content-Type` (instead of the type guessed from the file name).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Declares the length of a stream part (bytes in memory know theirs; for a path the file's
    /// size when it is opened wins). A stream that yields another number of bytes fails the
    /// request with an [`ErrorKind::Io`](crate::ErrorKind::Io) error.
    pub fn length(mut self, bytes: u64) -> Self {
        if !matches!(self.source, Source::Path(_)) {
            self.length = Some(bytes);
        }
        self
    }

    /// The content type sent: the one set, else guessed from the file name, else `default`
    /// (the type the API documents), else `application/octet-stream`.
    fn resolved_content_type(&self, default: Option<&str>) -> String {
        if let Some(ct) = &self.content_type {
            return ct.clone();
        }
        let guessed = self
            .file_name
            .as_deref()
            .and_then(|name| mime_guess::from_path(name).first_raw());
        guessed
            .or(default)
            .unwrap_or("application/octet-stream")
            .to_owned()
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("FilePart");
        match &self.source {
            Source::Path(p) => d.field("path", p),
            Source::Bytes(b) => d.field("bytes", &b.len()),
            Source::Stream(slot) => d.field(
                "stream",
                &if lock(&slot.stream).is_some() {
                    "not sent yet"
                } else {
                    "sent"
                },
            ),
        };
        d.field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .finish()
    }
}

/// One or several files for a form field: [`FilePart`], `Option<FilePart>` (nothing when
/// `None`), `Vec<FilePart>` and slices (one part each, same field name), and references to
/// them.
pub trait FileParts {
    /// Calls `f` for each file.
    fn each_file(&self, f: &mut dyn FnMut(&FilePart));
}

impl FileParts for FilePart {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart)) {
        f(self)
    }
}

impl<T: FileParts> FileParts for Option<T> {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart)) {
        if let Some(v) = self {
            v.each_file(f)
        }
    }
}

impl<T: FileParts> FileParts for [T] {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart)) {
        for v in self {
            v.each_file(f)
        }
    }
}

impl<T: FileParts> FileParts for Vec<T> {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart)) {
        self.as_slice().each_file(f)
    }
}

impl<T: FileParts + ?Sized> FileParts for &T {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart)) {
        (**self).each_file(f)
    }
}

// ---------------------------------------------------------------------------------------------
// Progress

/// Upload progress of one attempt of a request, given to the hook set with
/// [`RequestOptions::upload_progress`](crate::RequestOptions::upload_progress) (or an upload
/// builder's `.upload_progress(..)`).
///
/// `sent` counts the body bytes handed to the connection so far in this attempt (multipart
/// boundaries and part headers included), so it ends at `total` when the whole body went out.
/// A retry starts again from 0 with the next `attempt` number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadProgress {
    sent: u64,
    total: Option<u64>,
    attempt: u32,
}

impl UploadProgress {
    /// Body bytes sent so far in this attempt.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// The body's length, when known (it is whenever the request has a `Content-Length`: every
    /// part from a path or bytes, or a stream of declared length).
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The attempt (1 for the first; a retry sends the body again).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// `sent / total` in `0.0..=1.0`, when the total is known.
    pub fn fraction(&self) -> Option<f64> {
        self.total.map(|total| {
            if total == 0 {
                1.0
            } else {
                self.sent as f64 / total as f64
            }
        })
    }
}

/// The upload progress hook of a request.
pub(crate) type ProgressHook = Arc<dyn Fn(UploadProgress) + Send + Sync>;

// ---------------------------------------------------------------------------------------------
// Form fields

/// How one field of a form body is encoded: the OpenAPI `encoding` entry of the property, if
/// any. Generated code writes `FieldEncoding::new()`, `.content_type("application/json")`,
/// `.style(ParamStyle::new(Style::Form, false))`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldEncoding {
    content_type: Option<&'static str>,
    style: Option<ParamStyle>,
}

impl FieldEncoding {
    /// No `encoding` entry: the defaults (see [`Request::multipart_field`] and
    /// [`Request::form_field`]).
    ///
    /// [`Request::multipart_field`]: crate::__private::Request::multipart_field
    /// [`Request::form_field`]: crate::__private::Request::form_field
    pub const fn new() -> Self {
        FieldEncoding {
            content_type: None,
            style: None,
        }
    }

    /// `encoding.contentType`: the part's `Content-Type`; a JSON type (`application/json`,
    /// `*/*+json`) sends the value as JSON.
    pub const fn content_type(mut self, content_type: &'static str) -> Self {
        self.content_type = Some(content_type);
        self
    }

    /// `encoding.style` / `explode` (and `allowReserved`, ignored in bodies).
    pub const fn style(mut self, style: ParamStyle) -> Self {
        self.style = Some(style);
        self
    }

    fn is_json(&self) -> bool {
        self.content_type.is_some_and(is_json_type)
    }
}

fn is_json_type(ct: &str) -> bool {
    let mime = ct.split(';').next().unwrap_or("").trim();
    mime.eq_ignore_ascii_case("application/json") || mime.to_ascii_lowercase().ends_with("+json")
}

/// The body of a request, as built.
#[derive(Debug, Default)]
pub(crate) enum BodySpec {
    #[default]
    None,
    /// JSON or caller-encoded bytes (the `Content-Type` is among the request's headers).
    Bytes(Bytes),
    Multipart(Multipart),
    /// `application/x-www-form-urlencoded`: the encoded pairs so far.
    UrlEncoded(String),
}

impl BodySpec {
    fn kind(&self) -> &'static str {
        match self {
            BodySpec::None => "none",
            BodySpec::Bytes(_) => "a JSON or raw body",
            BodySpec::Multipart(_) => "a multipart/form-data body",
            BodySpec::UrlEncoded(_) => "an application/x-www-form-urlencoded body",
        }
    }

    /// The multipart form, made the body if there is none yet.
    pub(crate) fn multipart(&mut self) -> std::result::Result<&mut Multipart, String> {
        if matches!(self, BodySpec::None) {
            *self = BodySpec::Multipart(Multipart::new());
        }
        match self {
            BodySpec::Multipart(m) => Ok(m),
            other => Err(format!(
                "the request already has {}, not a multipart/form-data body",
                other.kind()
            )),
        }
    }

    /// The urlencoded form, made the body if there is none yet.
    pub(crate) fn urlencoded(&mut self) -> std::result::Result<&mut String, String> {
        if matches!(self, BodySpec::None) {
            *self = BodySpec::UrlEncoded(String::new());
        }
        match self {
            BodySpec::UrlEncoded(s) => Ok(s),
            other => Err(format!(
                "the request already has {}, not an application/x-www-form-urlencoded body",
                other.kind()
            )),
        }
    }
}

/// `application/x-www-form-urlencoded` byte serialization (WHATWG): all but ASCII
/// alphanumerics and `*-._` percent-encoded, the space as `+`.
const URLENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

fn urlencode_into(out: &mut String, s: &str) {
    for piece in utf8_percent_encode(s, URLENCODED) {
        // '%' in the input is encoded as %25, so "%20" here is always a space.
        out.push_str(&piece.replace("%20", "+"));
    }
}

/// Appends a field to an urlencoded body: by default `form` style, exploded (like a query); a
/// JSON content type sends the value as compact JSON.
pub(crate) fn urlencoded_field<T: ParamValue + ?Sized>(
    out: &mut String,
    name: &str,
    value: &T,
    encoding: FieldEncoding,
) -> std::result::Result<(), ParamError> {
    let pairs = field_pairs(name, value, encoding, ParamStyle::FORM)?;
    for pair in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        urlencode_into(out, &pair.name);
        out.push('=');
        let sep = match pair.sep {
            " " => "+",
            "|" => "%7C",
            other => other,
        };
        for (i, v) in pair.values.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            urlencode_into(out, v);
        }
    }
    Ok(())
}

/// The pairs of a field sent as text: compact JSON under a JSON content type, else per the
/// style (`default` when the encoding has none).
fn field_pairs<T: ParamValue + ?Sized>(
    name: &str,
    value: &T,
    encoding: FieldEncoding,
    default: ParamStyle,
) -> std::result::Result<Vec<FormPair>, ParamError> {
    if encoding.is_json() {
        return Ok(match value.__to_param()? {
            Param::Absent => Vec::new(),
            _ => vec![FormPair {
                name: name.to_owned(),
                values: vec![json_text(value)?],
                sep: "",
            }],
        });
    }
    form_pairs(
        name,
        &value.__to_param()?,
        encoding.style.unwrap_or(default),
    )
}

fn json_text<T: Serialize + ?Sized>(value: &T) -> std::result::Result<String, ParamError> {
    serde_json::to_string(value).map_err(|e| ParamError(e.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Multipart

/// A `multipart/form-data` body as described by the request: its boundary and parts.
pub(crate) struct Multipart {
    boundary: String,
    parts: Vec<PartSpec>,
}

struct PartSpec {
    /// The field name, for error messages.
    name: String,
    /// `--boundary\r\n` and the part's headers, up to the blank line.
    head: Bytes,
    data: PartData,
}

enum PartData {
    Text(Bytes),
    File(FilePart),
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart")
            .field("boundary", &self.boundary)
            .field(
                "parts",
                &self.parts.iter().map(|p| &p.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Quotes a name or file name for `Content-Disposition` as HTML forms do: `"`, CR and LF
/// percent-encoded (so no value can end the header or add one), the rest as UTF-8.
fn quote_param(s: &str) -> String {
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A header value of a part's `Content-Type`: control characters (CR, LF, ...) are dropped.
fn clean_header_value(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

impl Multipart {
    fn new() -> Self {
        Multipart {
            boundary: format!(
                "alli-api-{:016x}{:016x}",
                fastrand::u64(..),
                fastrand::u64(..)
            ),
            parts: Vec::new(),
        }
    }

    /// `multipart/form-data; boundary=..`.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    fn head(&self, name: &str, file_name: Option<&str>, content_type: Option<&str>) -> Bytes {
        let mut h = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"",
            self.boundary,
            quote_param(name)
        );
        if let Some(file_name) = file_name {
            h.push_str("; filename=\"");
            h.push_str(&quote_param(file_name));
            h.push('"');
        }
        if let Some(ct) = content_type {
            h.push_str("\r\nContent-Type: ");
            h.push_str(&clean_header_value(ct));
        }
        h.push_str("\r\n\r\n");
        Bytes::from(h)
    }

    /// Adds one part per file. `default_content_type` is the type the API documents for the
    /// part (`encoding.contentType`), used when the file's own is neither set nor guessable.
    pub(crate) fn add_files(
        &mut self,
        name: &str,
        files: &dyn FileParts,
        default_content_type: Option<&str>,
    ) {
        files.each_file(&mut |file| {
            let ct = file.resolved_content_type(default_content_type);
            let head = self.head(name, file.file_name.as_deref(), Some(&ct));
            self.parts.push(PartSpec {
                name: name.to_owned(),
                head,
                data: PartData::File(file.clone()),
            });
        });
    }

    fn add_text(&mut self, name: &str, content_type: Option<&str>, text: Bytes) {
        let head = self.head(name, None, content_type);
        self.parts.push(PartSpec {
            name: name.to_owned(),
            head,
            data: PartData::Text(text),
        });
    }

    /// Adds a non-file field: primitives as one text part, arrays as one part per item (the
    /// same name repeated), objects as one `application/json` part; a JSON
    /// `encoding.contentType` sends any value as one JSON part; an `encoding.style` sends the
    /// value's `form`-style pairs as text parts.
    pub(crate) fn add_field<T: ParamValue + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        encoding: FieldEncoding,
    ) -> std::result::Result<(), ParamError> {
        let param = value.__to_param()?;
        let ct = encoding.content_type;
        if matches!(param, Param::Absent) {
            return Ok(());
        }
        if encoding.is_json() || (encoding.style.is_none() && matches!(param, Param::Object(_))) {
            let json = json_text(value)?;
            self.add_text(name, Some(ct.unwrap_or("application/json")), json.into());
            return Ok(());
        }
        if let Some(style) = encoding.style {
            for pair in form_pairs(name, &param, style)? {
                self.add_text(&pair.name, ct, pair.value().into());
            }
            return Ok(());
        }
        match param {
            Param::Primitive(v) => self.add_text(name, ct, v.into()),
            Param::List(items) => {
                for v in items {
                    self.add_text(name, ct, v.into());
                }
            }
            Param::Absent | Param::Object(_) => {}
        }
        Ok(())
    }

    /// The part that keeps the form from being sent again, if any: a stream already sent.
    pub(crate) fn replay_blocker(&self) -> Option<String> {
        self.parts.iter().find_map(|p| match &p.data {
            PartData::File(FilePart {
                source: Source::Stream(slot),
                ..
            }) if lock(&slot.stream).is_none() => Some(format!(
                "not retried: part `{}` is a stream, which was already sent and cannot be sent \
                 again; use FilePart::from_path or FilePart::from_bytes for a body that can be \
                 retried",
                p.name
            )),
            _ => None,
        })
    }

    /// Opens the form for one attempt: files opened (their size read), streams taken.
    pub(crate) async fn open(&self) -> Result<Vec<OpenedPart>> {
        let mut opened = Vec::with_capacity(self.parts.len());
        for part in &self.parts {
            let data = match &part.data {
                PartData::Text(text) => OpenedData::Bytes(text.clone()),
                PartData::File(file) => open_source(&part.name, file).await?,
            };
            opened.push(OpenedPart {
                head: Some(part.head.clone()),
                data,
                tail: true,
            });
        }
        Ok(opened)
    }

    /// The closing delimiter.
    pub(crate) fn closing(&self) -> Bytes {
        Bytes::from(format!("--{}--\r\n", self.boundary))
    }
}

async fn open_source(name: &str, file: &FilePart) -> Result<OpenedData> {
    Ok(match &file.source {
        Source::Bytes(b) => OpenedData::Bytes(b.clone()),
        Source::Path(path) => {
            let fail = |what: &str, e: io::Error| {
                Error::io(
                    format!("cannot {what} `{}` (part `{name}`): {e}", path.display()),
                    e,
                )
            };
            let f = tokio::fs::File::open(path)
                .await
                .map_err(|e| fail("open", e))?;
            let meta = f
                .metadata()
                .await
                .map_err(|e| fail("read the size of", e))?;
            if !meta.is_file() {
                return Err(Error::io(
                    format!("`{}` (part `{name}`) is not a file", path.display()),
                    io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
                ));
            }
            OpenedData::File {
                file: f,
                remaining: meta.len(),
                size: meta.len(),
                path: path.clone(),
                name: name.to_owned(),
            }
        }
        Source::Stream(slot) => {
            let stream = lock(&slot.stream).take().ok_or_else(|| {
                Error::invalid_request(format!(
                    "part `{name}` is a stream that an earlier request (or attempt) already \
                     sent; a stream can be sent only once"
                ))
            })?;
            OpenedData::Stream {
                stream: TakenStream {
                    stream: Some(stream),
                    slot: Arc::clone(slot),
                    started: false,
                },
                declared: file.length,
                seen: 0,
                name: name.to_owned(),
            }
        }
    })
}

/// One part of an opened form: its head, its data, the CRLF after it.
pub(crate) struct OpenedPart {
    head: Option<Bytes>,
    data: OpenedData,
    tail: bool,
}

pub(crate) enum OpenedData {
    Bytes(Bytes),
    File {
        file: tokio::fs::File,
        remaining: u64,
        size: u64,
        path: PathBuf,
        name: String,
    },
    Stream {
        stream: TakenStream,
        declared: Option<u64>,
        seen: u64,
        name: String,
    },
}

impl OpenedData {
    fn len(&self) -> Option<u64> {
        match self {
            OpenedData::Bytes(b) => Some(b.len() as u64),
            OpenedData::File { remaining, .. } => Some(*remaining),
            OpenedData::Stream { declared, .. } => *declared,
        }
    }
}

/// A stream taken out of its slot for one attempt. Put back when the attempt ends without
/// having read anything from it (e.g. the connection was refused), so a retry can still send
/// it.
pub(crate) struct TakenStream {
    stream: Option<ByteStream>,
    slot: Arc<StreamSlot>,
    started: bool,
}

impl Drop for TakenStream {
    fn drop(&mut self) {
        if !self.started {
            if let Some(stream) = self.stream.take() {
                *lock(&self.slot.stream) = Some(stream);
            }
        }
    }
}

/// The body of one attempt: the parts' heads, data and delimiters as a stream of chunks, with
/// progress reporting. A failure of a file or stream is kept in `failure` (the HTTP client
/// only sees an I/O error) so the attempt can return it as it is.
pub(crate) struct BodyStream {
    parts: VecDeque<OpenedPart>,
    closing: Option<Bytes>,
    sent: u64,
    total: Option<u64>,
    attempt: u32,
    progress: Option<ProgressHook>,
    failure: Arc<Mutex<Option<Error>>>,
    done: bool,
}

impl BodyStream {
    /// A multipart body.
    pub(crate) fn multipart(parts: Vec<OpenedPart>, closing: Bytes) -> Self {
        Self::new(parts.into(), Some(closing))
    }

    /// A body of bytes, sent in chunks (so progress is reported as it goes).
    pub(crate) fn bytes(bytes: Bytes) -> Self {
        let part = OpenedPart {
            head: None,
            data: OpenedData::Bytes(bytes),
            tail: false,
        };
        Self::new(VecDeque::from([part]), None)
    }

    fn new(parts: VecDeque<OpenedPart>, closing: Option<Bytes>) -> Self {
        let total =
            parts
                .iter()
                .try_fold(closing.as_ref().map_or(0, |c| c.len() as u64), |acc, p| {
                    let framing =
                        p.head.as_ref().map_or(0, |h| h.len() as u64) + if p.tail { 2 } else { 0 };
                    Some(acc + framing + p.data.len()?)
                });
        BodyStream {
            parts,
            closing,
            sent: 0,
            total,
            attempt: 1,
            progress: None,
            failure: Arc::new(Mutex::new(None)),
            done: false,
        }
    }

    /// Reports progress to `hook`, numbering this attempt `attempt`.
    pub(crate) fn with_progress(mut self, hook: Option<ProgressHook>, attempt: u32) -> Self {
        self.progress = hook;
        self.attempt = attempt;
        self
    }

    /// The body's length, when every part's is known.
    pub(crate) fn total(&self) -> Option<u64> {
        self.total
    }

    /// Where a file or stream failure is kept.
    pub(crate) fn failure(&self) -> Arc<Mutex<Option<Error>>> {
        Arc::clone(&self.failure)
    }

    fn emit(&mut self, chunk: Bytes) -> Poll<Option<io::Result<Bytes>>> {
        self.sent += chunk.len() as u64;
        if let Some(hook) = &self.progress {
            hook(UploadProgress {
                sent: self.sent,
                total: self.total,
                attempt: self.attempt,
            });
        }
        Poll::Ready(Some(Ok(chunk)))
    }

    fn fail(&mut self, err: Error) -> Poll<Option<io::Result<Bytes>>> {
        let message = err.to_string();
        *lock(&self.failure) = Some(err);
        self.done = true;
        self.parts.clear();
        Poll::Ready(Some(Err(io::Error::other(message))))
    }
}

/// The next chunk of a part's data: `Ready(None)` at its end.
fn poll_data(data: &mut OpenedData, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
    match data {
        OpenedData::Bytes(b) => {
            if b.is_empty() {
                return Poll::Ready(None);
            }
            let n = b.len().min(CHUNK);
            Poll::Ready(Some(Ok(b.split_to(n))))
        }
        OpenedData::File {
            file,
            remaining,
            size,
            path,
            name,
        } => {
            // Past the size read at open, one more byte is asked for: the file must end there.
            let want = usize::try_from(*remaining)
                .map_or(CHUNK, |r| r.min(CHUNK))
                .max(1);
            let mut buf = vec![0u8; want];
            let mut read = ReadBuf::new(&mut buf);
            let changed = |what: &str| {
                Error::io(
                    format!(
                        "`{}` (part `{name}`) {what} while it was sent (it had {size} bytes)",
                        path.display()
                    ),
                    io::Error::new(io::ErrorKind::UnexpectedEof, "file changed size"),
                )
            };
            if let Err(e) = ready!(Pin::new(file).poll_read(cx, &mut read)) {
                let msg = format!("cannot read `{}` (part `{name}`): {e}", path.display());
                return Poll::Ready(Some(Err(Error::io(msg, e))));
            }
            let n = read.filled().len();
            if *remaining == 0 {
                return Poll::Ready(if n == 0 {
                    None
                } else {
                    Some(Err(changed("grew")))
                });
            }
            if n == 0 {
                return Poll::Ready(Some(Err(changed("shrank"))));
            }
            *remaining -= n as u64;
            buf.truncate(n);
            Poll::Ready(Some(Ok(Bytes::from(buf))))
        }
        OpenedData::Stream {
            stream,
            declared,
            seen,
            name,
        } => {
            let Some(inner) = stream.stream.as_mut() else {
                return Poll::Ready(None);
            };
            let item = ready!(inner.as_mut().poll_next(cx));
            stream.started = true;
            let mismatch = |seen: u64, declared: u64| {
                Error::io(
                    format!(
                        "the stream of part `{name}` yielded {seen} bytes or more, but its \
                         declared length is {declared}"
                    ),
                    io::Error::new(io::ErrorKind::InvalidData, "stream length mismatch"),
                )
            };
            match item {
                Some(Ok(chunk)) => {
                    *seen += chunk.len() as u64;
                    match declared {
                        Some(d) if *seen > *d => Poll::Ready(Some(Err(mismatch(*seen, *d)))),
                        _ => Poll::Ready(Some(Ok(chunk))),
                    }
                }
                Some(Err(e)) => Poll::Ready(Some(Err(Error::io(
                    format!("the stream of part `{name}` failed: {e}"),
                    e,
                )))),
                None => {
                    stream.stream = None;
                    match declared {
                        Some(d) if *seen != *d => Poll::Ready(Some(Err(mismatch(*seen, *d)))),
                        _ => Poll::Ready(None),
                    }
                }
            }
        }
    }
}

impl Stream for BodyStream {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let Some(part) = this.parts.front_mut() else {
                this.done = true;
                return match this.closing.take() {
                    Some(closing) => this.emit(closing),
                    None => Poll::Ready(None),
                };
            };
            if let Some(head) = part.head.take() {
                return this.emit(head);
            }
            match ready!(poll_data(&mut part.data, cx)) {
                Some(Ok(chunk)) if chunk.is_empty() => continue,
                Some(Ok(chunk)) => return this.emit(chunk),
                Some(Err(err)) => return this.fail(err),
                None => {
                    let tail = part.tail;
                    this.parts.pop_front();
                    if tail {
                        return this.emit(Bytes::from_static(b"\r\n"));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Style;

    #[test]
    fn content_types_are_set_guessed_or_defaulted() {
        let ct = |p: FilePart| p.resolved_content_type(None);
        assert_eq!(ct(FilePart::from_path("a/report.PDF")), "application/pdf");
        assert_eq!(ct(FilePart::from_path("notes.txt")), "text/plain");
        assert_eq!(
            ct(FilePart::from_path("x.docx")),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert_eq!(ct(FilePart::from_path("x.doc")), "application/msword");
        assert_eq!(
            ct(FilePart::from_path("x.pptx")),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        );
        assert_eq!(ct(FilePart::from_path("x.xls")), "application/vnd.ms-excel");
        assert_eq!(ct(FilePart::from_path("x.htm")), "text/html");
        assert_eq!(ct(FilePart::from_path("x.md")), "text/markdown");
        assert_eq!(ct(FilePart::from_path("x.png")), "image/png");
        assert_eq!(ct(FilePart::from_path("noext")), "application/octet-stream");
        assert_eq!(
            FilePart::from_bytes(vec![1]).resolved_content_type(Some("image/png")),
            "image/png"
        );
        assert_eq!(
            ct(FilePart::from_path("x.pdf").content_type("application/x-custom")),
            "application/x-custom"
        );
        assert_eq!(
            ct(FilePart::from_bytes(vec![1]).file_name("a.csv")),
            "text/csv"
        );
    }

    #[test]
    fn names_cannot_break_the_part_header() {
        assert_eq!(quote_param("a\"b\r\nc"), "a%22b%0D%0Ac");
        assert_eq!(clean_header_value("text/plain\r\nX: y"), "text/plainX: y");
    }

    #[test]
    fn urlencoded_fields() {
        let mut out = String::new();
        let enc = FieldEncoding::new();
        urlencoded_field(&mut out, "q", "a b&c=d+é", enc).expect("field");
        urlencoded_field(&mut out, "tags", &vec!["x", "y"], enc).expect("field");
        urlencoded_field(
            &mut out,
            "ids",
            &vec![1, 2],
            enc.style(ParamStyle::new(Style::Form, false)),
        )
        .expect("field");
        urlencoded_field(
            &mut out,
            "meta",
            &serde_json::json!({"k": 1}),
            enc.content_type("application/json"),
        )
        .expect("field");
        urlencoded_field(&mut out, "none", &None::<u8>, enc).expect("field");
        assert_eq!(
            out,
            "q=a+b%26c%3Dd%2B%C3%A9&tags=x&tags=y&ids=1,2&meta=%7B%22k%22%3A1%7D"
        );
    }
}
