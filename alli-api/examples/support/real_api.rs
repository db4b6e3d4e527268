//! Client configuration from the environment, for the examples that talk to the real Alli API.

use alli_api::{Client, ClientBuilder, Region};

/// What to set to run an example against the real API.
pub(crate) const SETUP: &str = "set ALLI_API_KEY (and optionally ALLI_BASE_URL, or ALLI_REGION=ja \
                                for https://backend-ja.alli.ai)";

/// A client builder for the real API, configured from the environment; `None` without
/// `ALLI_API_KEY`. `ALLI_OWN_USER_ID` names the end user the requests act for.
pub(crate) fn builder_from_env() -> Option<ClientBuilder> {
    let api_key = std::env::var("ALLI_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())?;
    let mut builder = Client::builder().api_key(api_key);
    if let Ok(url) = std::env::var("ALLI_BASE_URL") {
        builder = builder.base_url(url); // a proxy or another deployment; wins over the region
    } else if std::env::var("ALLI_REGION").is_ok_and(|r| r.eq_ignore_ascii_case("ja")) {
        builder = builder.region(Region::Ja); // https://backend-ja.alli.ai
    }
    if let Ok(user) = std::env::var("ALLI_OWN_USER_ID") {
        builder = builder.own_user_id(user); // non-ASCII ids are sent as base64:..
    }
    Some(builder)
}
