//! Runway's task object and error body (`protocol/runway.md` §4, §6), read tolerantly:
//! `progress` as a number or text (a 0–1 ratio), `output` as a list of URLs, unknown keys
//! (`progressRatio`, `completedAt`) ignored; an error's `error` as text or an object.

use serde::Deserialize;
use serde_json::Value;
use video_http::wire::lenient;

/// `{"id"}` (create) or the task (`GET /v1/tasks/{id}`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TaskObject {
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub(crate) id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) status: Option<String>,
    #[serde(default, deserialize_with = "lenient::f64")]
    pub(crate) progress: Option<f64>,
    /// Output URLs (items that are not text are skipped when read).
    #[serde(default)]
    pub(crate) output: Option<Value>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) failure: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) failure_code: Option<String>,
}

/// An error reply: `{"error": "<message>"}` as documented (an object with `message` is read
/// too), maybe with `issues`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub(crate) error: Option<Value>,
}

impl ErrorBody {
    /// The message, whichever form it came in.
    pub(crate) fn message(&self) -> String {
        match &self.error {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Object(map)) => map
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            _ => String::new(),
        }
    }
}
