//! The protocol notes' fixtures (`tests/data/dmx-*.json`), for unit tests.

use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A request fixture's body.
pub(crate) fn body_of(name: &str) -> Value {
    fixture(name)["request"]["body"].clone()
}

/// A response fixture's body.
pub(crate) fn reply_of(name: &str) -> Value {
    fixture(name)["response"]["body"].clone()
}

/// A response fixture as a family reads it: the relay's reader opens the envelope (the
/// upstream's object), as it does for every reply.
pub(crate) fn payload_of(name: &str) -> crate::relay_errors::Read {
    let body = reply_of(name);
    let inner = crate::envelope::inner(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
    crate::relay_errors::Read { body, inner }
}

/// A streamed response fixture's events, as `(event, data)`.
pub(crate) fn events_of(name: &str) -> Vec<(String, String)> {
    let fixture = fixture(name);
    let events = fixture["response"]["sse_events"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    events
        .iter()
        .map(|event| {
            let name = event["event"].as_str().unwrap_or_default().to_owned();
            (name, event["data"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}
