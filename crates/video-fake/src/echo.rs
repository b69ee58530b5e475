//! The echo fault, for every front at once: a server that repeats the caller's credential in
//! its JSON replies, in one of several forms ([`EchoForm`]). A layer around the routes
//! remembers each credential it sees and appends the chosen form to every message-like
//! string field (`message`, `msg`, `task_status_msg`, `error`...) of a JSON reply.

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use crate::engine::Engine;

/// How an echoed credential is written into a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum EchoForm {
    /// The header value as sent.
    #[default]
    Raw,
    /// The same text with every character as a JSON `\u` escape (valid JSON for the same
    /// string, so a byte-level scrub misses it).
    Escaped,
    /// A JWT's three segments as separate words (`header | payload | signature`).
    Split,
    /// The first credential this server saw (an older token the client re-minted since).
    Earlier,
}

/// The header names a credential may travel in.
const CREDENTIAL_HEADERS: [&str; 4] = ["authorization", "api-key", "x-api-key", "x-goog-api-key"];

/// Bodies larger than this are passed through untouched.
const MAX_ECHO_BODY: usize = 1 << 20;

/// The credentials seen, oldest first (the first few; enough to echo an earlier one).
#[derive(Debug, Default)]
pub(crate) struct Seen(Mutex<Vec<String>>);

impl Seen {
    fn remember(&self, credential: &str) {
        let mut seen = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.len() < 64 && !seen.iter().any(|known| known == credential) {
            seen.push(credential.to_owned());
        }
    }

    /// Every distinct credential seen so far.
    pub(crate) fn all(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn first(&self) -> Option<String> {
        self.all().into_iter().next()
    }
}

/// The layer: records the request's credential and, when the echo fault is on, writes it into
/// the reply's message fields.
pub(crate) async fn layer(
    State(state): State<Arc<Engine>>,
    request: Request,
    next: Next,
) -> Response {
    let credential = credential(request.headers());
    if let Some(credential) = &credential {
        state.seen.remember(credential);
    }
    let response = next.run(request).await;
    match (state.config.faults.echo_key, credential) {
        (true, Some(credential)) => echoed(&state, response, &credential).await,
        _ => response,
    }
}

fn credential(headers: &HeaderMap) -> Option<String> {
    CREDENTIAL_HEADERS
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

async fn echoed(state: &Engine, response: Response, credential: &str) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ECHO_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let form = state.config.faults.echo_form;
    let shown = match form {
        EchoForm::Earlier => state.seen.first().unwrap_or_else(|| credential.to_owned()),
        _ => credential.to_owned(),
    };
    append_marker(&mut value, None);
    let text = serde_json::to_string(&value).unwrap_or_default();
    let body = text.replace(MARKER, &render(form, &shown));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// Stands where the echo goes until the reply is written out (then replaced by raw JSON
/// text, which is how the escaped form gets into the body).
const MARKER: &str = "\u{E000}echo\u{E000}";

fn append_marker(value: &mut Value, key: Option<&str>) {
    match value {
        Value::String(text) if key.is_some_and(is_message_key) => {
            text.push_str(" (credential ");
            text.push_str(MARKER);
            text.push(')');
        }
        Value::Array(items) => items.iter_mut().for_each(|item| append_marker(item, None)),
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                append_marker(item, Some(key));
            }
        }
        _ => {}
    }
}

fn is_message_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("message") || key.contains("msg") || key == "error" || key.contains("reason")
}

/// The credential as JSON string content in `form`.
pub(crate) fn render(form: EchoForm, credential: &str) -> String {
    match form {
        EchoForm::Raw | EchoForm::Earlier => json_content(credential),
        EchoForm::Escaped => credential
            .encode_utf16()
            .map(|unit| format!("\\u{unit:04x}"))
            .collect(),
        EchoForm::Split => {
            let bare = credential.strip_prefix("Bearer ").unwrap_or(credential);
            json_content(&bare.split('.').collect::<Vec<_>>().join(" | "))
        }
    }
}

/// `text` escaped for the inside of a JSON string.
fn json_content(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_valid_json_for_the_credential() {
        let token = "Bearer aaaa.bbbb.cccc";
        for form in [EchoForm::Raw, EchoForm::Escaped, EchoForm::Split] {
            let body = format!("\"{}\"", render(form, token));
            let text: String = serde_json::from_str(&body).unwrap();
            let expected = if form == EchoForm::Split {
                "aaaa | bbbb | cccc"
            } else {
                token
            };
            assert_eq!(text, expected);
        }
        assert!(render(EchoForm::Escaped, token).starts_with("\\u0042"));
    }

    #[test]
    fn message_fields_get_the_marker() {
        let mut value = serde_json::json!({"code": 1, "message": "bad",
            "data": {"task_status_msg": "x", "task_id": "1"}});
        append_marker(&mut value, None);
        assert!(value["message"].as_str().unwrap().contains(MARKER));
        assert!(
            value["data"]["task_status_msg"]
                .as_str()
                .unwrap()
                .contains(MARKER)
        );
        assert_eq!(value["data"]["task_id"], "1");
    }
}
