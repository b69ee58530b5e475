//! A query's wire form and how its answer is read: the body written from borrowed parts
//! (queries are the hot path), a stream's text or a JSON reply into a snapshot.

use serde::Serialize;
use serde::ser::SerializeMap;
use video_core::{Task, TaskId, TaskStatus, VideoError};
use video_http::Answer;
use video_http::wire::Call;

use crate::family::{Family, Payload};
use crate::relay_errors::read_reply;
use crate::sse::read_text;

/// A query's answer as a snapshot of `id`, read by `family`: a stream's text (an error event
/// naming a failure is a failed task), or a JSON reply through the relay's error rules.
pub(crate) async fn read_answer(
    family: &dyn Family,
    id: &TaskId,
    answer: Answer,
) -> Result<Task, VideoError> {
    match answer {
        Answer::Events(events) => {
            let said = read_text(events).await?;
            if let Some(message) = said.error {
                return stream_failure(id, message);
            }
            let payload = Payload::Text {
                text: &said.text,
                completed: said.completed,
            };
            family.task(payload, id)
        }
        Answer::Reply(reply) => {
            let read = read_reply(&reply, family, Call::Query, Some(id))?;
            family.task(read.payload(), id)
        }
    }
}

/// A query's body, written straight from borrowed parts (queries are the hot path).
#[derive(Serialize)]
pub(crate) struct QueryBody<'a> {
    pub(crate) model: &'a str,
    pub(crate) input: QueryInput<'a>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) stream: bool,
}

/// The id, or `{key: id}`.
pub(crate) struct QueryInput<'a> {
    pub(crate) key: Option<&'static str>,
    pub(crate) id: &'a str,
}

impl Serialize for QueryInput<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.key {
            None => serializer.serialize_str(self.id),
            Some(key) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(key, self.id)?;
                map.end()
            }
        }
    }
}

/// A stream's error event: the task failed when the relay says so (`task_failed`, or a
/// failure in words); anything else is a retryable error of the query itself.
fn stream_failure(id: &TaskId, message: String) -> Result<Task, VideoError> {
    let lower = message.to_lowercase();
    let task_failed = ["task_failed", "失败", "failed", "审核", "sensitive"]
        .iter()
        .any(|marker| lower.contains(marker));
    if !task_failed {
        let details = video_core::ErrorDetails::none().with_code("stream_error".to_owned());
        return Err(VideoError::provider(message, true, details));
    }
    let mut task = Task::new(id.clone(), TaskStatus::Failed);
    task.raw_status = Some("failed".to_owned());
    task.status_message = Some(message);
    Ok(task)
}
