//! The relay's own reply shapes: the submit reply with token usage, and its OpenAI-style
//! errors. The Kling task object and the shared replies are in [`crate::replies`].

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::replies::{envelope, json_response};

/// The submit reply: the envelope plus the relay's token usage.
pub(crate) fn submit_reply(data: Value, request_id: String) -> Value {
    let mut reply = envelope(data, request_id);
    reply["usage"] = json!({
        "total_tokens": 2125,
        "input_tokens": 0,
        "input_tokens_details": { "cached_tokens": 0 },
        "output_tokens": 2125,
        "output_tokens_details": { "reasoning_tokens": 0 }
    });
    reply
}

/// The relay's own OpenAI-style error.
pub(crate) fn relay_error(status: StatusCode, message: &str, code: &str) -> Response {
    let body = json!({
        "error": { "message": message, "type": "dmxapi_error", "param": "", "code": code }
    });
    json_response(status, &body)
}
