//! Downloading a docs page.

use std::time::Duration;

/// GETs `url` and returns the body as text; the error is a one-line explanation.
pub fn get_text(url: &str) -> Result<String, String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("alli-api-generator/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot start an HTTP client: {e}"))?;
    let response = client.get(url).send().map_err(|e| {
        let reason = if e.is_timeout() {
            "timed out".to_owned()
        } else if e.is_connect() {
            "cannot connect".to_owned()
        } else {
            "request failed".to_owned()
        };
        format!("cannot fetch the page: {reason} ({})", root_cause(&e))
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!(
            "cannot fetch the page: the server answered {status}"
        ));
    }
    let bytes = response
        .bytes()
        .map_err(|e| format!("cannot read the page: {}", root_cause(&e)))?;
    String::from_utf8(bytes.to_vec()).map_err(|_| "the page is not UTF-8 text".to_owned())
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
