//! MiniMax's `callback_url` deliveries: first a challenge the endpoint must echo within 3 s
//! (or the create fails), then status changes in the query reply's shape. They are
//! unsigned: treat them as hints, confirm with a query, and put an unguessable token in the
//! callback URL.

use serde_json::{Value, json};
use video_core::{Task, TaskId, VideoError};
use video_http::wire::Call;

/// What a callback delivery is.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Callback {
    /// The verification request: answer with [`challenge_reply`] at once.
    Challenge(String),
    /// A status change of task (as a query would report it).
    Status(Box<Task>),
}

/// Reads a delivery's body (bounded by the caller).
///
/// # Errors
/// [`VideoError::Decode`] for a body that is neither a challenge nor a status object.
pub fn parse_callback(body: &[u8]) -> Result<Callback, VideoError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| VideoError::decode(None, "a MiniMax callback that is not JSON", body))?;
    if let Some(challenge) = value.get("challenge").and_then(Value::as_str) {
        return Ok(Callback::Challenge(challenge.to_owned()));
    }
    let reply = crate::convert::read(200, None, body, Call::Query, None)?;
    let id = TaskId::new(reply.task_id.clone().unwrap_or_default());
    video_http::wire::check_task_id(&id)?;
    crate::convert::task_of(reply, &id).map(|task| Callback::Status(Box::new(task)))
}

/// The body that answers a challenge: `{"challenge": "<the same token>"}`.
pub fn challenge_reply(challenge: &str) -> Vec<u8> {
    json!({ "challenge": challenge }).to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_is_echoed_and_a_status_read() {
        let challenge = parse_callback(br#"{"challenge":"t0k"}"#).unwrap();
        assert_eq!(challenge, Callback::Challenge("t0k".into()));
        assert_eq!(challenge_reply("t0k"), br#"{"challenge":"t0k"}"#);
        let status = br#"{"task_id":"106916112212032","status":"Success","file_id":"176844028768320","base_resp":{"status_code":0,"status_msg":"success"}}"#;
        let Callback::Status(task) = parse_callback(status).unwrap() else {
            panic!("a status");
        };
        assert!(task.is_terminal());
        assert!(parse_callback(b"not json").is_err());
    }
}
