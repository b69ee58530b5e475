//! A streamed query's reply as text: every `delta` string in order, replaced by the
//! completed response's text when the stream reaches `response.completed` (the relay writes
//! its outcome there in words, e.g. Vidu's `视频URL: …`). An `error` event (or an object with
//! an `error` field) is a failure text. Bounded: the text kept is capped, however long a
//! hostile stream runs; each event is capped by `video-http`.

use serde_json::Value;
use video_core::VideoError;
use video_http::{Events, SseEvent};

/// The most text a stream may contribute (a completed Vidu text is well under 4 KiB).
pub const MAX_STREAM_TEXT: usize = 256 << 10;

/// What a stream said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamText {
    /// The text (the completed text when there was one, else the deltas so far).
    pub text: String,
    /// Whether the stream completed (`response.completed` or `[DONE]`).
    pub completed: bool,
    /// An error the stream reported.
    pub error: Option<String>,
}

/// One event as the relay writes it: its type and its JSON payload.
#[derive(Debug, Clone, PartialEq)]
pub struct RelayEvent {
    /// The payload's `type`, else the `event:` name (`response.completed`, `error`, ...).
    pub kind: String,
    /// The data as JSON (`Null` when it is not JSON).
    pub payload: Value,
}

impl RelayEvent {
    /// `event` read; `None` for the end marker (`data: [DONE]`).
    pub fn read(event: &SseEvent) -> Option<Self> {
        let data = event.data.trim();
        if data == "[DONE]" {
            return None;
        }
        let payload: Value = serde_json::from_str(data).unwrap_or(Value::Null);
        let kind = payload
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or(event.event.as_str())
            .to_owned();
        Some(Self { kind, payload })
    }
}

/// Reads `events` to the end (or to a timeout, which ends the text early and leaves it not
/// completed).
///
/// # Errors
/// A transport error other than a timeout; an event over the cap.
pub async fn read_text(mut events: Events) -> Result<StreamText, VideoError> {
    let mut said = StreamText::default();
    while let Some(item) = events.next().await {
        let event = match item {
            Ok(event) => event,
            Err(VideoError::Timeout { .. }) => return Ok(said),
            Err(error) => return Err(error),
        };
        let Some(RelayEvent { kind, payload }) = RelayEvent::read(&event) else {
            said.completed = true;
            break;
        };
        let kind = kind.as_str();
        if let Some(message) = error_of(kind, &payload) {
            said.error = Some(message);
            said.completed = true;
            break;
        }
        if kind == "response.completed" {
            if let Some(text) = payload
                .get("response")
                .and_then(crate::envelope::output_text)
            {
                said.text = capped(text);
            }
            said.completed = true;
            break;
        }
        if let Some(delta) = payload.get("delta").and_then(Value::as_str) {
            push_capped(&mut said.text, delta);
        }
    }
    Ok(said)
}

/// The message of an error event.
fn error_of(kind: &str, payload: &Value) -> Option<String> {
    let failed = matches!(kind, "error" | "response.failed" | "response.error")
        || payload.get("error").is_some_and(|e| !e.is_null());
    if !failed {
        return None;
    }
    let message = crate::envelope::text_at(
        payload,
        &["/response/error/message", "/error/message", "/message"],
    )
    .or_else(|| {
        payload
            .get("error")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    Some(message.unwrap_or_else(|| "the stream reported an error".to_owned()))
}

fn capped(mut text: String) -> String {
    if text.len() > MAX_STREAM_TEXT {
        let mut end = MAX_STREAM_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

fn push_capped(text: &mut String, delta: &str) {
    let room = MAX_STREAM_TEXT.saturating_sub(text.len());
    let mut end = delta.len().min(room);
    while !delta.is_char_boundary(end) {
        end -= 1;
    }
    text.push_str(&delta[..end]);
}

/// The value after `label` and a colon (ASCII or full-width) on a line of `text`, trimmed.
pub fn value_after(text: &str, label: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix(label)?;
        let rest = rest.trim_start().strip_prefix([':', '：'])?;
        let value = rest.trim();
        (!value.is_empty()).then(|| value.to_owned())
    })
}

/// The last percentage in `text` (`当前进度: 50%`), as reported progress.
pub fn last_percent(text: &str) -> Option<f64> {
    text.rsplit('%').skip(1).find_map(|before| {
        let digits: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn said(events: Vec<(&str, &str)>) -> StreamText {
        let events = events
            .into_iter()
            .map(|(event, data)| Ok(SseEvent::new(event, data)))
            .collect();
        read_text(Events::from_events(200, events)).await.unwrap()
    }

    #[tokio::test]
    async fn deltas_then_the_completed_text() {
        let running = said(vec![("", r#"{"type":"x","delta":"当前进度: 40%\n"}"#)]).await;
        assert!(!running.completed);
        assert_eq!(last_percent(&running.text), Some(40.0));
        let done = said(vec![
            ("", r#"{"delta":"当前进度: 100%"}"#),
            (
                "",
                r#"{"type":"response.completed","response":{"output":[{"content":[{"text":"视频URL: https://v/1.mp4"}]}]}}"#,
            ),
        ])
        .await;
        assert!(done.completed);
        assert_eq!(
            value_after(&done.text, "视频URL").as_deref(),
            Some("https://v/1.mp4")
        );
        let failed = said(vec![(
            "error",
            r#"{"error":{"message":"err_code: AuditFailed"}}"#,
        )])
        .await;
        assert_eq!(failed.error.as_deref(), Some("err_code: AuditFailed"));
    }

    #[test]
    fn text_is_capped_on_a_char_boundary() {
        let mut text = String::new();
        for _ in 0..(MAX_STREAM_TEXT / 3 + 10) {
            push_capped(&mut text, "视");
        }
        assert!(text.len() <= MAX_STREAM_TEXT);
        assert_eq!(last_percent("a 5% b 12.5% c"), Some(12.5));
        assert_eq!(last_percent("none"), None);
    }
}
