//! Requests as built by the generated operation builders, and per-request options.
#![warn(missing_docs)]

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use percent_encoding::utf8_percent_encode;
use serde::Serialize;

use crate::error::{Error, ErrorDecoder, Result};
use crate::headers::DebugPairs;
use crate::params::{
    ENCODE, ParamError, ParamStyle, ParamValue, Style, encode_component, form_pairs, path_text,
};
use crate::upload::{
    BodySpec, FieldEncoding, FileParts, ProgressHook, UploadProgress, urlencoded_field,
};

/// One HTTP request of one operation, before the client adds base URL, credentials, default
/// headers, timeouts and retries. Built by generated code; errors found while building (a bad
/// path parameter, a body that failed to serialize) are kept and returned when the request is
/// executed, so nothing is sent.
#[derive(Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// `name=value` pairs of cookie parameters, encoded.
    pub(crate) cookies: Vec<String>,
    pub(crate) body: BodySpec,
    pub(crate) envelope: Option<&'static str>,
    pub(crate) error_decoder: Option<ErrorDecoder>,
    pub(crate) error: Option<Error>,
}

impl Request {
    /// A request for `path_template` (e.g. `"/webapi/v2/conversations/{conversation_id}"`);
    /// `operation` (e.g. `"conversations.get"`) names it in tracing and in errors.
    pub fn new(method: Method, path_template: &'static str, operation: &'static str) -> Self {
        Request {
            method,
            path_template,
            operation,
            path: path_template.to_owned(),
            query: String::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: BodySpec::None,
            envelope: None,
            error_decoder: None,
            error: None,
        }
    }

    fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error.with_operation(self.operation));
        }
    }

    fn param_failed(&mut self, what: &str, name: &str, e: ParamError) {
        self.fail(Error::invalid_request(format!("{what} `{name}`: {e}")));
    }

    /// Substitutes `{name}` in the path with `value` in the `simple` style (the OpenAPI default
    /// for paths: arrays `a,b,c`, objects `k,v,k2,v2`), each value percent-encoded so the
    /// whole stays one path segment (everything but unreserved characters is encoded). An
    /// empty value, `.`, `..` or no value (`None`) is an invalid-request error, returned when
    /// the request is executed.
    pub fn path_param<T: ParamValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.path_param_with(name, value, ParamStyle::SIMPLE);
    }

    /// [`path_param`](Request::path_param) in any path style: `simple`, `label` (`.blue`),
    /// `matrix` (`;color=blue`), exploded or not (OpenAPI style table).
    pub fn path_param_with<T: ParamValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: ParamStyle,
    ) {
        let text = value
            .__to_param()
            .and_then(|p| path_text(name, &p, style, &encode_component));
        let value = match text {
            Ok(Some(text)) => text,
            Ok(None) => {
                let msg = format!("path parameter `{name}` has no value");
                self.fail(Error::invalid_request(msg));
                return;
            }
            Err(e) => return self.param_failed("path parameter", name, e),
        };
        if value.is_empty() || value == "." || value == ".." {
            let msg = if value.is_empty() {
                format!("path parameter `{name}` must not be empty")
            } else {
                format!("path parameter `{name}` must not be `{value}` (it would change the path)")
            };
            self.fail(Error::invalid_request(msg));
            return;
        }
        let placeholder = format!("{{{name}}}");
        if !self.path.contains(&placeholder) {
            let msg = format!("path `{}` has no parameter `{name}`", self.path_template);
            self.fail(Error::invalid_request(msg));
            return;
        }
        self.path = self.path.replace(&placeholder, &value);
    }

    /// Appends a query parameter in any query style: `form` (exploded: `color=a&color=b`,
    /// objects `R=100&G=200`; not exploded: `color=a,b`), `spaceDelimited`, `pipeDelimited`,
    /// `deepObject` (`color[R]=100`), with `allowReserved` if set. Names and values are
    /// percent-encoded (separators are not); nothing is sent for `None`, `null`, an empty
    /// array or object.
    pub fn query_param<T: ParamValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: ParamStyle,
    ) {
        for pair in self.encoded_pairs("query parameter", name, value, style) {
            if !self.query.is_empty() {
                self.query.push('&');
            }
            self.query.push_str(&pair);
        }
    }

    /// The `name=value` pairs of a form-like parameter, encoded for a URL (or a cookie); none
    /// when the value is rejected (the request then fails).
    fn encoded_pairs<T: ParamValue + ?Sized>(
        &mut self,
        what: &str,
        name: &'static str,
        value: &T,
        style: ParamStyle,
    ) -> Vec<String> {
        match value.__to_param().and_then(|p| form_pairs(name, &p, style)) {
            Ok(pairs) => pairs
                .iter()
                .map(|pair| {
                    let mut text = String::new();
                    pair.write_query(&mut text, style.allow_reserved);
                    text
                })
                .collect(),
            Err(e) => {
                self.param_failed(what, name, e);
                Vec::new()
            }
        }
    }

    /// Sets a header parameter in the `simple` style (arrays `a,b,c`; objects `k,v` or, exploded,
    /// `k=v`), unencoded; nothing for `None`. Validated when the request is executed.
    pub fn header_param<T: ParamValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: ParamStyle,
    ) {
        if style.style != Style::Simple {
            let e = ParamError("header parameters have the simple style".to_owned());
            return self.param_failed("header parameter", name, e);
        }
        let text = value
            .__to_param()
            .and_then(|p| path_text(name, &p, style, &|s| s.to_owned()));
        match text {
            Ok(Some(text)) => self.headers.push((name, text)),
            Ok(None) => {}
            Err(e) => self.param_failed("header parameter", name, e),
        }
    }

    /// Adds a cookie parameter in the `form` style (`name=value`; arrays `name=a,b` or,
    /// exploded, one `name=a` per item; values percent-encoded), sent in one `Cookie` header
    /// after any cookie the client sends by default (`; `-separated). Per-request header edits
    /// of `Cookie` win.
    pub fn cookie_param<T: ParamValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: ParamStyle,
    ) {
        let style = ParamStyle {
            allow_reserved: false,
            ..style
        };
        let pairs = self.encoded_pairs("cookie parameter", name, value, style);
        self.cookies.extend(pairs);
    }

    /// Adds `files` (a [`FilePart`](crate::FilePart), an `Option` or a `Vec` of them) to the
    /// `multipart/form-data` body as parts named `name`. `content_type` is the type the API
    /// documents for the part (`encoding.contentType`), used when the file's own is neither
    /// set nor guessable from its name.
    pub fn multipart_file<F: FileParts + ?Sized>(
        &mut self,
        name: &'static str,
        files: &F,
        content_type: Option<&'static str>,
    ) {
        match self.body.multipart() {
            Ok(form) => form.add_files(name, &files, content_type),
            Err(msg) => self.fail(Error::invalid_request(msg)),
        }
    }

    /// Adds a field to the `multipart/form-data` body: a primitive as one text part, an array
    /// as one part per item (same name), an object as one `application/json` part; a JSON
    /// `encoding.contentType` sends any value as one JSON part, another content type is set on
    /// the parts; an `encoding.style` sends the value's pairs in that style as text parts.
    /// `None` adds nothing.
    pub fn multipart_field<T: ParamValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        encoding: FieldEncoding,
    ) {
        let result = match self.body.multipart() {
            Ok(form) => form.add_field(name, value, encoding),
            Err(msg) => return self.fail(Error::invalid_request(msg)),
        };
        if let Err(e) = result {
            self.param_failed("form field", name, e);
        }
    }

    /// Adds a field to the `application/x-www-form-urlencoded` body: `form` style, exploded
    /// (like a query parameter) unless `encoding` gives a style; a JSON `encoding.contentType`
    /// sends the value as compact JSON. `None` adds nothing.
    pub fn form_field<T: ParamValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        encoding: FieldEncoding,
    ) {
        let result = match self.body.urlencoded() {
            Ok(out) => urlencoded_field(out, name, value, encoding),
            Err(msg) => return self.fail(Error::invalid_request(msg)),
        };
        if let Err(e) = result {
            self.param_failed("form field", name, e);
        }
    }

    /// Appends `name=value` to the query string: nothing for `None`, one pair per item for
    /// lists (repeated key, in order), strings as they are (never JSON-quoted), numbers and
    /// booleans in plain text, JSON objects and arrays inside a `serde_json::Value` as compact
    /// JSON.
    pub fn query(&mut self, name: &'static str, value: &dyn QueryValue) {
        let query = &mut self.query;
        value.each_value(&mut |v: &str| {
            if !query.is_empty() {
                query.push('&');
            }
            query.extend(utf8_percent_encode(name, ENCODE));
            query.push('=');
            query.extend(utf8_percent_encode(v, ENCODE));
        });
    }

    /// Appends one `name=v1<sep>v2...` pair for a list (OpenAPI `explode: false` styles:
    /// `,` for `form`, ` ` for `spaceDelimited`, `|` for `pipeDelimited`); nothing when empty.
    pub fn query_joined(
        &mut self,
        name: &'static str,
        value: &dyn QueryValue,
        separator: &'static str,
    ) {
        let mut values = Vec::new();
        value.each_value(&mut |v: &str| values.push(v.to_owned()));
        if values.is_empty() {
            return;
        }
        let joined = values.join(separator);
        self.query(name, &joined.as_str());
    }

    /// Sets a body that is not JSON: `content_type` and the bytes as they are.
    pub fn raw_body(&mut self, content_type: &str, body: &[u8]) {
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        self.headers.push(("Content-Type", content_type.to_owned()));
        self.body = BodySpec::Bytes(Bytes::copy_from_slice(body));
    }

    /// Sets a header parameter of the operation, in the same plain-text form as
    /// [`query`](Request::query) (several values are joined with `, `; `None` sends nothing).
    /// Validated when the request is executed.
    pub fn header(&mut self, name: &'static str, value: &dyn QueryValue) {
        let mut values = Vec::new();
        value.each_value(&mut |v: &str| values.push(v.to_owned()));
        if !values.is_empty() {
            self.headers.push((name, values.join(", ")));
        }
    }

    /// Sets the JSON body (`Content-Type: application/json`). Any method may carry one, `GET`
    /// included. A value that fails to serialize (a map with non-string keys, a custom
    /// `Serialize` that fails) is an invalid-request error, returned when the request is
    /// executed.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = BodySpec::Bytes(Bytes::from(bytes)),
            Err(e) => self.fail(Error::invalid_request(format!(
                "failed to serialize the request body: {e}"
            ))),
        }
    }

    /// Declares that successful (2xx) bodies carry an error envelope field (e.g. `"errors"`):
    /// when it is present and not null/empty, the response is an API error.
    pub fn envelope_errors(&mut self, field: &'static str) {
        self.envelope = Some(field);
    }

    /// Sets the decoder of typed error bodies for non-2xx statuses (see [`crate::Error::body`]).
    pub fn error_decoder(&mut self, decoder: ErrorDecoder) {
        self.error_decoder = Some(decoder);
    }

    /// The path with its parameters substituted and encoded, and the query string if any.
    pub(crate) fn path_and_query(&self) -> Result<String> {
        if let Some(start) = self.path.find('{') {
            // Substituted values are encoded, so a brace left is a placeholder left.
            let rest = &self.path[start..];
            let end = rest.find('}').map_or(rest.len(), |i| i + 1);
            return Err(Error::invalid_request(format!(
                "path parameter {} was not set",
                &rest[..end]
            ))
            .with_operation(self.operation));
        }
        let mut s = self.path.clone();
        if !self.query.is_empty() {
            s.push('?');
            s.push_str(&self.query);
        }
        Ok(s)
    }
}

/// A value that can be sent by [`Request::query`], [`Request::query_joined`] and
/// [`Request::header`] (the calls generated code made before the styled ones:
/// [`Request::query_param`], [`Request::header_param`] take any [`ParamValue`]).
pub trait QueryValue {
    /// Calls `f` once per value to send: never for `None` (or JSON `null`), once per item of a
    /// list.
    fn each_value(&self, f: &mut dyn FnMut(&str));
}

impl QueryValue for str {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}

impl QueryValue for String {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}

impl QueryValue for Cow<'_, str> {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}

impl QueryValue for bool {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        f(if *self { "true" } else { "false" })
    }
}

impl QueryValue for serde_json::Value {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        use serde_json::Value;
        match self {
            Value::Null => {}
            Value::String(s) => f(s),
            Value::Bool(b) => b.each_value(f),
            Value::Number(n) => f(&n.to_string()),
            // Display of a Value is compact JSON.
            Value::Array(_) | Value::Object(_) => f(&self.to_string()),
        }
    }
}

impl<T: QueryValue> QueryValue for Option<T> {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        if let Some(v) = self {
            v.each_value(f)
        }
    }
}

impl<T: QueryValue> QueryValue for [T] {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        for item in self {
            item.each_value(f)
        }
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        self.as_slice().each_value(f)
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        (**self).each_value(f)
    }
}

macro_rules! plain_values {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn each_value(&self, f: &mut dyn FnMut(&str)) {
                f(&self.to_string())
            }
        }
    )*};
}
plain_values!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

macro_rules! float_values {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn each_value(&self, f: &mut dyn FnMut(&str)) {
                f(&self.to_string())
            }
        }
    )*};
}
float_values!(f32, f64);

/// A header change of one request.
#[derive(Clone)]
enum HeaderEdit {
    Set(Cow<'static, str>, String),
    Remove(Cow<'static, str>),
}

impl HeaderEdit {
    fn name(&self) -> &str {
        match self {
            HeaderEdit::Set(n, _) | HeaderEdit::Remove(n) => n,
        }
    }
}

/// Per-request overrides of the client's settings: timeouts, retries, headers, page
/// concurrency. Every operation builder has the same methods (`.timeout(..)`,
/// `.max_retries(..)`, `.header(..)`, `.without_header(..)`) and accepts a whole set with
/// `.options(..)`.
///
/// ```
/// use std::time::Duration;
/// use alli_api::RequestOptions;
///
/// let options = RequestOptions::new()
///     .timeout(Duration::from_secs(30))
///     .max_retries(0)
///     .header("X-Trace", "abc")
///     .without_header("AGENT-EMAIL");
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct RequestOptions {
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    max_retries: Option<u32>,
    headers: Vec<HeaderEdit>,
    page_concurrency: Option<usize>,
    upload_progress: Option<ProgressHook>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Timeout of each attempt of this request, until its body is read (for a stream: until
    /// the response headers, then the longest silence between two chunks).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Deadline of this request as a whole: every attempt and every wait between attempts
    /// (see [`ClientBuilder::total_timeout`]).
    ///
    /// [`ClientBuilder::total_timeout`]: ../alli_api/struct.ClientBuilder.html#method.total_timeout
    pub fn total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = Some(total);
        self
    }

    /// Number of retries of this request after the first attempt (0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Sends header `name: value` with this request, replacing any value the client would
    /// send (client-wide identity or default headers included). The `OWN-USER-ID` rule applies
    /// (non-ASCII ids are sent as `base64:..`). Invalid names or values (CR, LF, NUL, ...) fail
    /// the request before anything is sent.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.edit(HeaderEdit::Set(Cow::Owned(name.into()), value.into()));
        self
    }

    /// Does not send header `name` with this request, even when the client sets it.
    pub fn without_header(mut self, name: impl Into<String>) -> Self {
        self.edit(HeaderEdit::Remove(Cow::Owned(name.into())));
        self
    }

    /// For page-number pagination: how many pages may be fetched at once (at least 1).
    pub fn page_concurrency(mut self, pages: usize) -> Self {
        self.page_concurrency = Some(pages.max(1));
        self
    }

    /// Calls `hook` as the request body goes out (uploads): bytes sent so far in this attempt
    /// and the total when known (see [`UploadProgress`](crate::UploadProgress)). Called from
    /// the task that sends the request, once per chunk (at most 64 KiB): keep it quick.
    ///
    /// ```
    /// use alli_api::RequestOptions;
    ///
    /// let options = RequestOptions::new().upload_progress(|p| {
    ///     if let Some(fraction) = p.fraction() {
    ///         eprint!("\ruploading: {:.0} %", fraction * 100.0);
    ///     }
    /// });
    /// # let _ = options;
    /// ```
    pub fn upload_progress(
        mut self,
        hook: impl Fn(UploadProgress) + Send + Sync + 'static,
    ) -> Self {
        self.upload_progress = Some(Arc::new(hook));
        self
    }

    /// These options with `other` applied on top: what `other` sets wins (timeout, retries,
    /// page concurrency, upload progress hook, and each header it sets or removes); the rest is
    /// kept.
    pub fn merge(mut self, other: RequestOptions) -> Self {
        self.upload_progress = other.upload_progress.or(self.upload_progress);
        self.timeout = other.timeout.or(self.timeout);
        self.total_timeout = other.total_timeout.or(self.total_timeout);
        self.max_retries = other.max_retries.or(self.max_retries);
        self.page_concurrency = other.page_concurrency.or(self.page_concurrency);
        for edit in other.headers {
            self.edit(edit);
        }
        self
    }

    /// Used by generated header-parameter setters: like [`header`](Self::header) in place.
    #[doc(hidden)]
    pub fn __set_header(&mut self, name: &'static str, value: String) {
        self.edit(HeaderEdit::Set(Cow::Borrowed(name), value));
    }

    /// Used by generated header-parameter setters: like [`without_header`](Self::without_header)
    /// in place.
    #[doc(hidden)]
    pub fn __remove_header(&mut self, name: &'static str) {
        self.edit(HeaderEdit::Remove(Cow::Borrowed(name)));
    }

    /// A later edit of a header replaces any earlier one.
    fn edit(&mut self, edit: HeaderEdit) {
        self.headers
            .retain(|e| !e.name().eq_ignore_ascii_case(edit.name()));
        self.headers.push(edit);
    }

    pub(crate) fn get_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    pub(crate) fn get_total_timeout(&self) -> Option<Duration> {
        self.total_timeout
    }

    pub(crate) fn get_max_retries(&self) -> Option<u32> {
        self.max_retries
    }

    pub(crate) fn get_page_concurrency(&self) -> Option<usize> {
        self.page_concurrency
    }

    pub(crate) fn get_upload_progress(&self) -> Option<ProgressHook> {
        self.upload_progress.clone()
    }

    /// Applies the header edits to `headers`, validating names and values.
    pub(crate) fn apply_headers(&self, headers: &mut http::HeaderMap) -> Result<()> {
        for edit in &self.headers {
            let name = crate::headers::header_name(edit.name())?;
            match edit {
                HeaderEdit::Set(_, value) => {
                    let value = crate::headers::header_value(&name, value)?;
                    headers.insert(name, value);
                }
                HeaderEdit::Remove(_) => {
                    headers.remove(name);
                }
            }
        }
        Ok(())
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set: Vec<(&str, &str)> = self
            .headers
            .iter()
            .filter_map(|e| match e {
                HeaderEdit::Set(n, v) => Some((&**n, v.as_str())),
                HeaderEdit::Remove(_) => None,
            })
            .collect();
        let removed: Vec<&str> = self
            .headers
            .iter()
            .filter_map(|e| match e {
                HeaderEdit::Remove(n) => Some(&**n),
                HeaderEdit::Set(..) => None,
            })
            .collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.max_retries)
            .field("headers", &DebugPairs(&set))
            .field("without_headers", &removed)
            .field("page_concurrency", &self.page_concurrency)
            .field(
                "upload_progress",
                &self.upload_progress.as_ref().map(|_| "<hook>"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pq(req: &Request) -> String {
        match req.path_and_query() {
            Ok(s) => s,
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn path_params_are_one_encoded_segment() {
        let mut r = Request::new(Method::GET, "/a/{id}/b/{other}", "t.op");
        r.path_param("id", &"x/y?z#w%v u");
        r.path_param("other", &"고객");
        assert_eq!(pq(&r), "/a/x%2Fy%3Fz%23w%25v%20u/b/%EA%B3%A0%EA%B0%9D");
        let mut r = Request::new(Method::GET, "/a/{id}", "t.op");
        r.path_param("id", &"{id}");
        assert_eq!(pq(&r), "/a/%7Bid%7D");
        let mut r = Request::new(Method::GET, "/a/{id}", "t.op");
        r.path_param("id", &42u64);
        assert_eq!(pq(&r), "/a/42");
    }

    #[test]
    fn bad_path_params_fail() {
        for bad in ["", ".", ".."] {
            let mut r = Request::new(Method::GET, "/a/{id}", "t.op");
            r.path_param("id", &bad);
            assert!(r.error.is_some(), "{bad:?} accepted");
        }
        let mut r = Request::new(Method::GET, "/a/{id}", "t.op");
        r.path_param("nope", &"x");
        assert!(r.error.is_some());
        let r = Request::new(Method::GET, "/a/{id}", "t.op");
        assert!(pq(&r).starts_with("error: t.op: path parameter {id} was not set"));
    }

    #[test]
    fn query_values() {
        let mut r = Request::new(Method::GET, "/q", "t.op");
        r.query("ids", &Some(vec!["a b".to_owned(), "c&d=e".to_owned()]));
        r.query("none", &None::<String>);
        r.query("n", &3i64);
        r.query("f", &1.5f64);
        r.query("b", &true);
        r.query(
            "v",
            &vec![
                serde_json::json!("s"),
                serde_json::json!(7),
                serde_json::json!(null),
                serde_json::json!({"k": [1, 2]}),
            ],
        );
        assert_eq!(
            pq(&r),
            "/q?ids=a%20b&ids=c%26d%3De&n=3&f=1.5&b=true&v=s&v=7&v=%7B%22k%22%3A%5B1%2C2%5D%7D"
        );
    }

    #[test]
    fn unserializable_body_is_an_invalid_request() {
        use std::collections::BTreeMap;
        #[derive(Serialize)]
        struct Body {
            inner: Vec<BTreeMap<(u8, u8), u8>>,
        }
        let mut m = BTreeMap::new();
        m.insert((1, 2), 3);
        let mut r = Request::new(Method::POST, "/x", "t.op");
        r.json(&Body { inner: vec![m] });
        let e = r.error.map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("failed to serialize the request body"), "{e}");
        assert!(e.contains("key must be a string"), "{e}");
    }

    #[test]
    fn later_header_edits_win() {
        let o = RequestOptions::new()
            .header("X-A", "1")
            .without_header("x-a")
            .header("X-B", "2");
        let mut h = http::HeaderMap::new();
        h.insert("x-a", http::HeaderValue::from_static("client"));
        assert!(o.apply_headers(&mut h).is_ok());
        assert!(h.get("x-a").is_none());
        assert_eq!(h.get("x-b").map(|v| v.as_bytes()), Some(&b"2"[..]));
    }
}
