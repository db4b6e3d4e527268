//! Retry policy: which failures are retried, backoff, `Retry-After`.

use std::time::{Duration, SystemTime};

use http::header::RETRY_AFTER;
use http::{HeaderMap, Method};

use crate::error::{Error, ErrorKind, retryable_status};

/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default first backoff delay.
pub(crate) const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// Default cap of the backoff delay.
pub(crate) const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(8);
/// A server asking to wait longer than this is not retried: the error is returned at once
/// (see [`Error::retry_after`]).
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Jittered exponential backoff: `min(initial × 2ⁿ, max) × (1 − U[0, 0.25))`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay.
    pub initial: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: DEFAULT_INITIAL_BACKOFF,
            max: DEFAULT_MAX_BACKOFF,
        }
    }
}

impl Backoff {
    /// The delay before retry number `retry` (0 for the first retry).
    pub(crate) fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(30));
        let full = self.initial.saturating_mul(factor).min(self.max);
        full.mul_f64(1.0 - 0.25 * fastrand::f64())
    }
}

/// Idempotent methods are retried after any transient failure; the others only when the server
/// cannot have acted on the request.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// Whether a failed attempt may be retried, by method:
/// - never-sent requests (connect failures) always;
/// - 429 always (the server rejected the request without acting on it);
/// - timeouts, other transport failures, 408 and 5xx only for idempotent methods.
pub(crate) fn should_retry(err: &Error, idempotent: bool) -> bool {
    if err.is_connect() {
        return true;
    }
    match err.kind() {
        ErrorKind::Transport | ErrorKind::Timeout => idempotent,
        ErrorKind::Api => match err.status() {
            Some(s) if s.as_u16() == 429 => true,
            Some(s) => idempotent && retryable_status(s),
            None => false,
        },
        _ => false,
    }
}

/// The wait the server asked for: `retry-after-ms` (milliseconds, as sent by some gateways),
/// else `Retry-After` as delta-seconds or HTTP-date (a date in the past means no wait).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if ms >= 0.0 {
            if let Ok(d) = Duration::try_from_secs_f64(ms / 1000.0) {
                return Some(d);
            }
        }
    }
    let value = text(RETRY_AFTER.as_str())?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(1000),
        };
        for _ in 0..100 {
            let d0 = b.delay(0);
            assert!(d0 > Duration::from_millis(75) && d0 <= Duration::from_millis(100));
            let d2 = b.delay(2);
            assert!(d2 > Duration::from_millis(300) && d2 <= Duration::from_millis(400));
            let d9 = b.delay(40);
            assert!(d9 > Duration::from_millis(750) && d9 <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&date).expect("http date is a valid header"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&past).expect("http date is a valid header"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
        h.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_millis(250)));
        h.insert("retry-after-ms", HeaderValue::from_static("-1"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn idempotency() {
        assert!(is_idempotent(&Method::GET));
        assert!(is_idempotent(&Method::PUT));
        assert!(is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }
}
