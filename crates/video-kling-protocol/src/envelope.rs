//! Kling's reply envelope: `{code, message, request_id, data}`.

use serde::Deserialize;
use serde_json::Value;

use crate::task::TaskData;
use video_wire::lenient;

/// A reply: `code` 0 is success; otherwise `message` says why (and there is no `data`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Envelope {
    /// Kling's business code; 0 is success.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub code: Option<i64>,
    /// `SUCCEED`, or what went wrong.
    #[serde(default, deserialize_with = "lenient::string")]
    pub message: Option<String>,
    /// Opaque; quote it in support tickets.
    #[serde(default, deserialize_with = "lenient::string")]
    pub request_id: Option<String>,
    /// A task object (create, query), a list of them (list), or absent.
    #[serde(default)]
    pub data: Value,
}

impl Envelope {
    /// `data` as one task, when it is an object that parses as one.
    pub fn task(&self) -> Option<TaskData> {
        match &self.data {
            Value::Object(_) => TaskData::deserialize(&self.data).ok(),
            _ => None,
        }
    }

    /// `data` as a list of tasks (items that do not parse are skipped).
    pub fn tasks(&self) -> Vec<TaskData> {
        match &self.data {
            Value::Array(items) => items
                .iter()
                .filter_map(|item| TaskData::deserialize(item).ok())
                .collect(),
            _ => Vec::new(),
        }
    }
}
