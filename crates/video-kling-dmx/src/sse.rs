//! The streaming query's reply: server-sent events (parsed by `eventsource-stream`) whose
//! `response.completed` event carries the outcome as text (`任务ID: …`, `视频链接: …`,
//! `时长: …`, or an error line).

use serde_json::Value;
use video_core::{Task, TaskId, TaskStatus, Video, VideoError};
use video_dmx::sse::RelayEvent;
use video_http::Events;

use crate::convert::{Call, classify, parse_seconds, task_from_envelope};
use crate::wire::StreamEvent;

/// Markers public clients look for in a text that reports an error.
const ERROR_MARKERS: [&str; 2] = ["[错误]", "Kling API 错误"];

/// Reads events until `response.completed` and turns its text into a task snapshot.
///
/// Events before it are ignored. An `error` or `response.failed` event is a retryable
/// provider error; an event carrying a Kling envelope is classified like a JSON reply. A
/// stream that ends (or times out) first means the task is still rendering when
/// `unfinished_is_running` (a snapshot), else it is a retryable error (the long wait's caller
/// falls back to polling). The events arrive scrubbed of the key and capped in size
/// (`video-http`).
pub(crate) async fn task_from_events(
    mut events: Events,
    id: &TaskId,
    unfinished_is_running: bool,
) -> Result<Task, VideoError> {
    let unfinished = |error: VideoError| {
        if unfinished_is_running {
            Ok(still_rendering(id))
        } else {
            Err(error)
        }
    };
    while let Some(item) = events.next().await {
        let event = match item {
            Ok(event) => event,
            Err(error @ VideoError::Timeout { .. }) => return unfinished(error),
            Err(error) => return Err(error),
        };
        let data = event.data.trim();
        let Some(RelayEvent { kind, payload }) = RelayEvent::read(&event) else {
            break;
        };
        match kind.as_str() {
            "response.completed" => {
                let parsed: StreamEvent = serde_json::from_value(payload).map_err(|error| {
                    VideoError::decode(
                        Some(200),
                        format!("bad response.completed: {error}"),
                        data.as_bytes(),
                    )
                })?;
                let text = parsed.response.map(|r| r.text()).unwrap_or_default();
                return task_from_text(&text, id);
            }
            "error" | "response.failed" | "response.error" => {
                return Err(VideoError::provider(
                    event_error_message(&payload, data),
                    true,
                    video_core::ErrorDetails::none().with_code("stream_error".to_owned()),
                ));
            }
            _ if payload.get("code").is_some() && payload.get("type").is_none() => {
                // A Kling envelope sent as an event.
                let envelope = classify(200, None, data.as_bytes(), Call::Query, Some(id))?;
                if let Some(task) = task_from_envelope(envelope) {
                    return Ok(task);
                }
            }
            _ => {}
        }
    }
    unfinished(VideoError::transport(
        true,
        "the event stream ended before response.completed",
    ))
}

/// A snapshot of a task whose stream gave no outcome (yet).
fn still_rendering(id: &TaskId) -> Task {
    let mut task = Task::new(id.clone(), TaskStatus::Processing);
    task.status_message = Some("still rendering (the streamed query gave no outcome yet)".into());
    task
}

fn event_error_message(payload: &Value, data: &str) -> String {
    let pointers = [
        "/response/error/message",
        "/error/message",
        "/message",
        "/error",
    ];
    pointers
        .iter()
        .find_map(|p| payload.pointer(p).and_then(Value::as_str))
        .map_or_else(
            || video_core::provider::excerpt(data.as_bytes()),
            str::to_owned,
        )
}

/// The outcome a completed text reports: an error line → `Failed` with the text after the
/// marker; a video URL → `Succeeded` with that video; neither → still `Processing`.
///
/// The snapshot carries `id` (the one asked for); the id in the text is only compared. Video
/// ids and timestamps are unknown in this reply.
pub(crate) fn task_from_text(text: &str, id: &TaskId) -> Result<Task, VideoError> {
    if let Some(reported) = value_after(text, "任务ID").filter(|found| found != id.as_str()) {
        tracing::warn!(asked = %id, ?reported, "stream reply names another task id");
    }
    if let Some(message) = error_message(text) {
        let mut task = Task::new(id.clone(), TaskStatus::Failed);
        task.status_message = Some(message);
        return Ok(task);
    }
    let Some(url) = video_url(text) else {
        // Neither a URL nor an error: "not finished yet" (the relay's own reading).
        return Ok(still_rendering(id));
    };
    let mut video = Video::new(url);
    video.duration_secs = value_after(text, "时长").as_deref().and_then(parse_seconds);
    let mut task = Task::new(id.clone(), TaskStatus::Succeeded);
    task.videos.push(video);
    Ok(task)
}

/// The text after the last error marker on its line, without a leading colon; the whole line
/// when nothing follows the marker.
fn error_message(text: &str) -> Option<String> {
    let (at, marker) = ERROR_MARKERS
        .iter()
        .filter_map(|marker| text.rfind(marker).map(|at| (at, *marker)))
        .max_by_key(|(at, marker)| at + marker.len())?;
    let after = &text[at + marker.len()..];
    let rest = after.lines().next().unwrap_or_default();
    let rest = rest.trim_start_matches([':', '：', ' ', '\t']).trim();
    if !rest.is_empty() {
        return Some(rest.to_owned());
    }
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let line = text[line_start..].lines().next().unwrap_or_default().trim();
    Some(line.to_owned())
}

/// The first `https?://\S+\.mp4\S*` in `text` (closing brackets and quotes trimmed).
pub(crate) fn video_url(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find("http") {
        let candidate = &rest[at..];
        let scheme_len = if candidate.starts_with("https://") {
            8
        } else if candidate.starts_with("http://") {
            7
        } else {
            0
        };
        let end = candidate
            .find(char::is_whitespace)
            .unwrap_or(candidate.len());
        let token = &candidate[..end];
        if scheme_len > 0 && token.len() > scheme_len {
            let after_scheme = &token[scheme_len..];
            if after_scheme
                .get(1..)
                .is_some_and(|tail| tail.contains(".mp4"))
            {
                let trimmed = token.trim_end_matches([')', ']', '>', '"', '\'', ',', '，', '。']);
                return Some(trimmed.to_owned());
            }
        }
        rest = &candidate[4..];
    }
    None
}

/// The value after `label:` (or `label：`) up to the end of the line, first word only.
fn value_after(text: &str, label: &str) -> Option<String> {
    let at = text.find(label)?;
    let after = text[at + label.len()..].trim_start_matches([':', '：', ' ', '\t']);
    let value = after.split_whitespace().next()?;
    Some(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    fn id() -> TaskId {
        TaskId::new("840242793980637239")
    }

    /// Parses raw SSE chunks the way `video-http` does (the scrubbing and the cap are
    /// tested there), then runs the relay's reading of them.
    async fn from_chunks(chunks: Vec<Vec<u8>>) -> Result<Task, VideoError> {
        read_chunks(chunks, false).await
    }

    /// [`from_chunks`], reading the stream as a snapshot when `snapshot`.
    async fn read_chunks(chunks: Vec<Vec<u8>>, snapshot: bool) -> Result<Task, VideoError> {
        use eventsource_stream::Eventsource;
        use futures::StreamExt;
        let bytes = futures::stream::iter(
            chunks
                .into_iter()
                .map(|chunk| Ok::<_, std::io::Error>(bytes::Bytes::from(chunk))),
        );
        let events: Vec<_> = bytes
            .eventsource()
            .map(|item| {
                item.map(|event| video_http::SseEvent::new(event.event, event.data))
                    .map_err(|e| VideoError::transport(true, e.to_string()))
            })
            .collect()
            .await;
        task_from_events(Events::from_events(200, events), &id(), snapshot).await
    }

    #[tokio::test]
    async fn completed_stream_yields_the_video() {
        let task = from_chunks(vec![fixture("query_stream_completed.sse")])
            .await
            .unwrap();
        assert_eq!(task.id, id());
        assert_eq!(task.status, TaskStatus::Succeeded);
        assert_eq!(task.videos.len(), 1);
        let video = &task.videos[0];
        assert_eq!(
            video.url().unwrap(),
            "https://v4-fdl.kechuangai.com/ksc2/kdDWtKH8kEZgms9USQ.mp4?cacheKey=ChtzZWN1cml0eS5rbGluZy5t&x-kcdn-pid=112757"
        );
        assert_eq!(video.duration_secs, Some(5.041));
        assert_eq!(video.id, None);
        assert_eq!(task.created_at, None);
    }

    #[tokio::test]
    async fn byte_by_byte_chunks_parse_the_same() {
        let bytes = fixture("query_stream_completed.sse");
        let chunks: Vec<Vec<u8>> = bytes.chunks(7).map(<[u8]>::to_vec).collect();
        let task = from_chunks(chunks).await.unwrap();
        assert_eq!(task.status, TaskStatus::Succeeded);
        assert_eq!(task.videos[0].duration_secs, Some(5.041));
    }

    #[tokio::test]
    async fn error_stream_yields_a_failed_task() {
        let task = from_chunks(vec![fixture("query_stream_error.sse")])
            .await
            .unwrap();
        assert_eq!(task.status, TaskStatus::Failed);
        assert_eq!(
            task.status_message.as_deref(),
            Some("Failure to pass the risk control system")
        );
        assert!(task.videos.is_empty());
    }

    #[tokio::test]
    async fn a_stream_without_completed_is_a_retryable_transport_error() {
        let body =
            b"event: response.created\ndata: {\"type\":\"response.created\"}\n\ndata: [DONE]\n\n";
        let error = from_chunks(vec![body.to_vec()]).await.unwrap_err();
        assert!(matches!(
            error,
            VideoError::Transport {
                reached_server: true,
                ..
            }
        ));
        assert!(error.is_retryable());
        let error = from_chunks(vec![]).await.unwrap_err();
        assert!(error.is_retryable());
    }

    #[tokio::test]
    async fn failed_events_and_envelopes_are_classified() {
        let body = b"event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"error\":{\"message\":\"upstream gone\"}}}\n\n";
        match from_chunks(vec![body.to_vec()]).await {
            Err(VideoError::Provider {
                message, retryable, ..
            }) => {
                assert_eq!(message, "upstream gone");
                assert!(retryable);
            }
            other => panic!("{other:?}"),
        }
        let body = b"data: {\"code\":1203,\"message\":\"task not found\"}\n\n";
        let error = from_chunks(vec![body.to_vec()]).await.unwrap_err();
        assert!(matches!(error, VideoError::NotFound { .. }));
        let mut body = b"data: ".to_vec();
        body.extend(
            fixture("query_processing.json")
                .iter()
                .filter(|b| **b != b'\n'),
        );
        body.extend(b"\n\n");
        let task = from_chunks(vec![body]).await.unwrap();
        assert_eq!(task.status, TaskStatus::Processing);
    }

    #[tokio::test]
    async fn a_snapshot_stream_without_completed_is_still_rendering() {
        let body =
            b"event: response.created\ndata: {\"type\":\"response.created\"}\n\ndata: [DONE]\n\n";
        let task = read_chunks(vec![body.to_vec()], true).await.unwrap();
        assert_eq!(task.status, TaskStatus::Processing);
        assert_eq!(task.id, id());
        let timed_out = Events::from_events(
            200,
            vec![Err(VideoError::Timeout {
                elapsed: std::time::Duration::from_secs(15),
            })],
        );
        let task = task_from_events(timed_out, &id(), true).await.unwrap();
        assert_eq!(task.status, TaskStatus::Processing);
        let refused = Events::from_events(200, vec![Err(VideoError::transport(true, "reset"))]);
        assert!(
            task_from_events(refused, &id(), true).await.is_err(),
            "only the end or the window's expiry means still rendering"
        );
    }

    #[test]
    fn text_without_url_or_error_is_still_rendering() {
        let task = task_from_text("任务ID: 1\n状态: processing", &id()).unwrap();
        assert_eq!(task.status, TaskStatus::Processing);
        assert!(task.videos.is_empty());
    }

    #[test]
    fn error_text_variants() {
        let failed = |text: &str| task_from_text(text, &id()).unwrap().status_message.unwrap();
        assert_eq!(failed("[错误] 任务失败"), "任务失败");
        assert_eq!(failed("Kling API 错误：quota"), "quota");
        assert_eq!(failed("任务ID: 1\n[错误]"), "[错误]");
        // An error wins over a URL in the same text.
        let text = "视频链接: https://x.example/a.mp4\n[错误] expired";
        assert_eq!(failed(text), "expired");
    }

    #[test]
    fn url_scanning_follows_the_public_pattern() {
        assert_eq!(
            video_url("视频链接: https://cdn.example/a/b.mp4?sig=1&x=2\n时长: 5"),
            Some("https://cdn.example/a/b.mp4?sig=1&x=2".into())
        );
        assert_eq!(
            video_url("see (http://127.0.0.1:8080/v.mp4)"),
            Some("http://127.0.0.1:8080/v.mp4".into())
        );
        assert_eq!(video_url("https://cdn.example/a.mov http://.mp4"), None);
        assert_eq!(video_url("httpx://a.mp4 no link"), None);
        assert_eq!(
            video_url("first https://a.example/page then https://b.example/c.mp4"),
            Some("https://b.example/c.mp4".into())
        );
    }

    #[test]
    fn duration_and_task_id_values() {
        assert_eq!(value_after("时长: 5.041", "时长").as_deref(), Some("5.041"));
        assert_eq!(value_after("时长：10秒", "时长").as_deref(), Some("10秒"));
        assert_eq!(
            value_after("任务ID: 42\nx", "任务ID").as_deref(),
            Some("42")
        );
        assert_eq!(value_after("nothing", "时长"), None);
    }
}
