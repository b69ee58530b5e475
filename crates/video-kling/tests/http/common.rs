//! Fixtures and clients aimed at a loopback server.

use std::time::Duration;

use serde_json::Value;
use video_kling::{KlingClient, KlingClientBuilder};
use wiremock::ResponseTemplate;

pub(crate) const ACCESS_KEY: &str = "AK-TEST-7c1d";
pub(crate) const SECRET_KEY: &str = "SK-TEST-SECRET-4b2e";

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

pub(crate) fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}

/// A JSON reply with a fixture body.
pub(crate) fn reply(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

/// A builder aimed at `uri` with an access key pair and short timeouts.
pub(crate) fn builder(uri: &str) -> KlingClientBuilder {
    KlingClient::builder()
        .access_key(ACCESS_KEY, SECRET_KEY)
        .base_url(uri)
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(5))
}

pub(crate) fn client(uri: &str) -> KlingClient {
    builder(uri).build().unwrap()
}

/// The bearer tokens of the requests `server` received, in order.
pub(crate) async fn tokens(server: &wiremock::MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|request| request.headers.get("authorization"))
        .filter_map(|value| value.to_str().ok())
        .map(str::to_owned)
        .collect()
}
