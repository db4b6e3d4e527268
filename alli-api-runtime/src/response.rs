//! Undecoded responses and JSON decoding with path-naming errors.
#![warn(missing_docs)]

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::error::{Error, Result, message_from_value};
use crate::headers::DebugHeaders;

/// A successful (2xx) response, body read but not decoded: what `send_raw()` returns.
#[derive(Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    operation: &'static str,
    /// The envelope field already checked by the client (so decoding does not check it twice).
    envelope_checked: Option<&'static str>,
}

impl RawResponse {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        operation: &'static str,
    ) -> Self {
        RawResponse {
            status,
            headers,
            body,
            operation,
            envelope_checked: None,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, owned (cheap: no copy).
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Decodes the body as JSON into any type; a mismatch is an
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) error naming the JSON path.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        self.decode_body()
    }

    /// Checks the error envelope field of a 2xx body: an API error when it is present and not
    /// null, `[]`, `{}` or `""`.
    pub(crate) fn check_envelope(mut self, field: &'static str) -> Result<Self> {
        if self.envelope_checked == Some(field) {
            return Ok(self);
        }
        if let Some(errors) = envelope_field(&self.body, field) {
            let message =
                message_from_value(&errors).unwrap_or_else(|| format!("`{field}` is not empty"));
            return Err(
                Error::api(self.status, self.headers, self.body, None, Some(message))
                    .with_operation(self.operation),
            );
        }
        self.envelope_checked = Some(field);
        Ok(self)
    }

    /// Decodes the body into `T` (generated `send()`). With `envelope: Some(field)`, first
    /// checks that field (see [`crate::__private::Request::envelope_errors`]). An empty body
    /// decodes like JSON `null` (so into `()`, `Option<_>` or `Value`).
    #[doc(hidden)]
    pub fn __decode<T: DeserializeOwned>(self, envelope: Option<&'static str>) -> Result<T> {
        let this = match envelope {
            Some(field) => self.check_envelope(field)?,
            None => self,
        };
        this.decode_body()
    }

    /// For operations without a documented response body: succeeds whatever the body.
    #[doc(hidden)]
    pub fn __decode_empty(self) -> Result<()> {
        Ok(())
    }

    fn decode_body<T: DeserializeOwned>(&self) -> Result<T> {
        let bytes: &[u8] = if self.body.trim_ascii().is_empty() {
            b"null"
        } else {
            &self.body
        };
        decode_json(bytes).map_err(|(path, err)| {
            Error::decode(
                "the response body",
                path,
                err,
                Some(self.status),
                Some(self.headers.clone()),
                self.body.clone(),
            )
            .with_operation(self.operation)
        })
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &DebugHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Decodes JSON; a failure names the JSON path (`a.b[2].c`) where it happened, found by a
/// non-generic scan of the text up to the error's position (see `json_path`).
pub(crate) fn decode_json<T: DeserializeOwned>(
    bytes: &[u8],
) -> std::result::Result<T, (String, serde_json::Error)> {
    serde_json::from_slice(bytes).map_err(|e| (locate(bytes, &e), e))
}

/// The JSON path of a decode error (not generic: one copy for every type).
fn locate(bytes: &[u8], e: &serde_json::Error) -> String {
    crate::json_path::path_at(bytes, e.line(), e.column(), e.is_eof())
}

/// The value of `field` of a top-level JSON object when it is "non-empty" (not null, `[]`, `{}`
/// or `""`). Other fields are skipped without being built; a body that is not an object has no
/// envelope.
fn envelope_field(body: &[u8], field: &'static str) -> Option<serde_json::Value> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = EnvelopeSeed(field).deserialize(&mut de).ok().flatten();
    found.filter(|v| match v {
        serde_json::Value::Null => false,
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::Object(o) => !o.is_empty(),
        serde_json::Value::String(s) => !s.is_empty(),
        _ => true,
    })
}

/// Finds one field of a top-level object, skipping the others.
struct EnvelopeSeed(&'static str);

impl<'de> DeserializeSeed<'de> for EnvelopeSeed {
    type Value = Option<serde_json::Value>;
    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeSeed {
    type Value = Option<serde_json::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if found.is_none() && key == self.0 {
                found = Some(map.next_value::<serde_json::Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(body: &'static str) -> RawResponse {
        RawResponse::new(
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from_static(body.as_bytes()),
            "t.op",
        )
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Item>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        n: u32,
    }

    #[test]
    fn decode_error_names_path_and_keeps_body() {
        let r = raw(r#"{"items":[{"id":"a","n":1},{"id":"b","n":"x"}]}"#);
        let e = r.__decode::<Page>(None).err();
        let e = e.as_ref();
        assert_eq!(e.and_then(|e| e.json_path()), Some("items[1].n"));
        assert_eq!(e.map(|e| e.kind()), Some(crate::ErrorKind::Decode));
        assert!(
            e.and_then(|e| e.body_bytes())
                .is_some_and(|b| b.starts_with(b"{\"items\""))
        );
        assert_eq!(e.and_then(|e| e.status()), Some(StatusCode::OK));
        let msg = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.starts_with("t.op: failed to decode the response body at `items[1].n`"),
            "{msg}"
        );
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(raw(r#"{"items":[]} x"#).__decode::<Page>(None).is_err());
    }

    #[test]
    fn empty_body_decodes_as_null() {
        assert!(raw("").__decode::<()>(None).is_ok());
        assert!(
            raw(" \n")
                .__decode::<Option<Page>>(None)
                .is_ok_and(|p| p.is_none())
        );
        assert!(raw("").__decode::<Page>(None).is_err());
        assert!(raw("garbage").__decode_empty().is_ok());
    }

    #[test]
    fn envelope() {
        for ok in [
            r#"{"result":1}"#,
            r#"{"result":1,"errors":null}"#,
            r#"{"errors":[],"result":1}"#,
            r#"{"errors":{}}"#,
            r#"{"errors":""}"#,
            r#"[1,2]"#,
            r#""#,
        ] {
            assert!(envelope_field(ok.as_bytes(), "errors").is_none(), "{ok}");
        }
        for bad in [
            r#"{"result":1,"errors":[{"message":"boom"}]}"#,
            r#"{"errors":"boom"}"#,
            r#"{"errors":{"message":"boom"}}"#,
        ] {
            let e = raw(bad).__decode::<serde_json::Value>(Some("errors")).err();
            assert_eq!(
                e.as_ref().and_then(|e| e.api_message()),
                Some("boom"),
                "{bad}"
            );
            assert_eq!(e.as_ref().and_then(|e| e.status()), Some(StatusCode::OK));
        }
    }
}
