//! Header validation, the `OWN-USER-ID` encoding rule and redaction of secrets in `Debug`.

use std::fmt;

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::{Error, Result};

/// `OWN-USER-ID` (lower case, as `HeaderName` stores it).
pub const OWN_USER_ID: &str = "own-user-id";
/// `USER-EMAIL`.
pub const USER_EMAIL: &str = "user-email";
/// `AGENT-EMAIL`.
pub const AGENT_EMAIL: &str = "agent-email";
/// `API-KEY`.
pub(crate) const API_KEY: &str = "api-key";

/// Header names whose values are never shown in `Debug` output.
const SENSITIVE: &[&str] = &[
    "authorization",
    "proxy-authorization",
    API_KEY,
    "x-api-key",
    "cookie",
    "set-cookie",
];

pub fn is_sensitive(name: &str) -> bool {
    SENSITIVE.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// Parses a header name; invalid names are an invalid-request error.
pub fn header_name(name: &str) -> Result<HeaderName> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::invalid_request(format!("invalid HTTP header name {name:?}")))
}

/// True when `value` holds a byte that must never reach the wire in a header: CR, LF, NUL and
/// every other ASCII control character but TAB.
fn has_control(value: &str) -> bool {
    value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f)
}

/// Builds a header value, applying the `OWN-USER-ID` rule (any non-ASCII id is sent as
/// `base64:<standard base64 of its UTF-8>`). The value is not quoted in the error (it may be
/// personal data); the header name is.
pub fn header_value(name: &HeaderName, value: &str) -> Result<HeaderValue> {
    let invalid = || {
        Error::invalid_request(format!(
            "the value of header `{name}` contains a character not allowed in an HTTP header \
             (CR, LF, NUL or another control character)"
        ))
    };
    if has_control(value) {
        return Err(invalid());
    }
    if name.as_str() == OWN_USER_ID && !value.is_ascii() {
        let encoded = format!(
            "base64:{}",
            base64::engine::general_purpose::STANDARD.encode(value)
        );
        return HeaderValue::from_str(&encoded).map_err(|_| invalid());
    }
    HeaderValue::from_str(value).map_err(|_| invalid())
}

/// Builds the value of a credential header, marked sensitive (never logged by the HTTP stack,
/// never indexed by HTTP/2 header compression). Errors never mention the value.
pub(crate) fn secret_value(what: &str, value: &str) -> Result<HeaderValue> {
    if value.trim().is_empty() {
        return Err(Error::invalid_request(format!("the {what} is empty")));
    }
    if has_control(value) {
        return Err(Error::invalid_request(format!(
            "the {what} contains a character not allowed in an HTTP header"
        )));
    }
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        Error::invalid_request(format!(
            "the {what} contains a character not allowed in an HTTP header"
        ))
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// `Debug` of a header map with the values of credential headers (and of values marked
/// sensitive) replaced by `<redacted>`.
pub struct DebugHeaders<'a>(pub &'a HeaderMap);

impl fmt::Debug for DebugHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let shown: &dyn fmt::Debug = if value.is_sensitive() || is_sensitive(name.as_str())
                {
                    &Redacted
                } else {
                    value
                };
                (name.as_str(), shown)
            }))
            .finish()
    }
}

/// `Debug` of `(name, value)` string pairs with the same redaction as [`DebugHeaders`].
pub struct DebugPairs<'a, N, V>(pub &'a [(N, V)]);

impl<N: AsRef<str>, V: fmt::Debug> fmt::Debug for DebugPairs<'_, N, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let name = name.as_ref();
                let shown: &dyn fmt::Debug = if is_sensitive(name) { &Redacted } else { value };
                (name, shown)
            }))
            .finish()
    }
}

/// Shows as `<redacted>`.
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> HeaderName {
        HeaderName::from_bytes(s.as_bytes()).unwrap_or_else(|_| panic!("bad name {s}"))
    }

    #[test]
    fn own_user_id_non_ascii_is_base64() {
        let v = header_value(&name("OWN-USER-ID"), "고객-42").ok();
        assert_eq!(
            v.as_ref().and_then(|v| v.to_str().ok()),
            Some("base64:6rOg6rCdLTQy")
        );
        let v = header_value(&name("OWN-USER-ID"), "plain-42").ok();
        assert_eq!(v.as_ref().and_then(|v| v.to_str().ok()), Some("plain-42"));
    }

    #[test]
    fn control_characters_rejected_even_when_encoding_would_hide_them() {
        for bad in ["a\r\nb", "a\nb", "a\rb", "a\0b", "고객\r\n", "a\x7fb"] {
            let e = header_value(&name("OWN-USER-ID"), bad).err();
            assert!(e.is_some(), "{bad:?} accepted");
            let e = e.map(|e| e.to_string()).unwrap_or_default();
            assert!(!e.contains(bad), "value echoed in {e}");
        }
        assert!(header_value(&name("USER-EMAIL"), "tab\tok").is_ok());
    }

    #[test]
    fn secrets_are_sensitive_and_never_echoed() {
        let v = secret_value("API key", "k-123").ok();
        assert!(v.is_some_and(|v| v.is_sensitive()));
        let e = secret_value("API key", "sec\nret")
            .err()
            .map(|e| e.to_string());
        assert!(e.is_some_and(|e| !e.contains("sec")));
        assert!(secret_value("API key", "  ").is_err());
    }
}
