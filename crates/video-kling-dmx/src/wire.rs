//! The relay's wire format, exactly as sent and received. Kling's task object inside the
//! envelope is `video-kling-protocol`'s [`TaskData`].
//!
//! Outgoing bodies serialise field for field as the protocol notes show them. Incoming types
//! are tolerant: unknown fields are ignored, ids and numbers may come as JSON strings or
//! numbers, and a `null` anywhere optional is the same as the field being absent.

use serde::de::value::MapAccessDeserializer;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use video_http::wire::lenient;
use video_kling_protocol::TaskData;

/// The body of a submission (`fixtures/submit_request.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SubmitBody {
    /// The model that renders, e.g. `kling-v2-6-text2video`.
    pub(crate) model: String,
    /// The prompt.
    pub(crate) input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) negative_prompt: Option<String>,
    /// `std` or `pro`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) mode: Option<String>,
    /// `on` or `off`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sound: Option<String>,
    /// `16:9`, `9:16` or `1:1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) aspect_ratio: Option<String>,
    /// Seconds, a JSON number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) duration: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) callback_url: Option<String>,
    /// Provider-specific options, with every key of a typed field removed.
    #[serde(flatten)]
    pub(crate) extra: Map<String, Value>,
}

/// The keys [`SubmitBody`] owns; an extra option with one of these names is dropped.
pub(crate) const SUBMIT_KEYS: [&str; 9] = [
    "model",
    "input",
    "negative_prompt",
    "mode",
    "sound",
    "aspect_ratio",
    "duration",
    "callback_url",
    "stream",
];

/// The body of an image-to-video submission (`fixtures/dmx_i2v_submit_request.json`): every
/// field the relay marks required is always sent, optional ones as `""` when absent, like
/// the relay's own example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ImageSubmitBody {
    /// `kling-v2-6-image2video`.
    pub(crate) model: String,
    /// The prompt.
    pub(crate) input: String,
    /// The first frame's URL.
    pub(crate) image: String,
    /// The last frame's URL, or `""`.
    pub(crate) image_tail: String,
    pub(crate) negative_prompt: String,
    /// `pro` (the only mode the relay documents for image-to-video) or `std`.
    pub(crate) mode: String,
    /// `on` or `off`, always sent (the relay's default differs from Kling's).
    pub(crate) sound: String,
    /// Voices, spelt the relay's way: `[{"voiceId": ...}]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) voice_list: Option<Vec<VoiceRef>>,
    /// `16:9`, `9:16` or `1:1`.
    pub(crate) aspect_ratio: String,
    /// Seconds, a JSON number.
    pub(crate) duration: u32,
    pub(crate) callback_url: String,
    /// Provider-specific options, with every key of a typed field removed.
    #[serde(flatten)]
    pub(crate) extra: Map<String, Value>,
}

/// One voice of `voice_list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct VoiceRef {
    #[serde(rename = "voiceId")]
    pub(crate) voice_id: String,
}

/// The keys [`ImageSubmitBody`] owns.
pub(crate) const IMAGE_SUBMIT_KEYS: [&str; 12] = [
    "model",
    "input",
    "image",
    "image_tail",
    "negative_prompt",
    "mode",
    "sound",
    "voice_list",
    "aspect_ratio",
    "duration",
    "callback_url",
    "stream",
];

/// The body of a query (`fixtures/query_request.json`, `query_stream_request.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct QueryBody<'a> {
    pub(crate) model: &'a str,
    /// The task id.
    pub(crate) input: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stream: Option<bool>,
}

/// The reply envelope: `{code, message, request_id, data, usage}`, possibly with a relay
/// `error` object beside or instead of it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct Envelope {
    /// Kling's business code; 0 is success.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub(crate) code: Option<i64>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) message: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) request_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub(crate) data: Option<TaskData>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub(crate) usage: Option<WireUsage>,
    #[serde(default, deserialize_with = "lenient_error")]
    pub(crate) error: Option<RelayError>,
}

impl Envelope {
    /// The task id in `data`, when there is a non-empty one.
    pub(crate) fn task_id(&self) -> Option<&str> {
        self.data
            .as_ref()
            .map(|data| data.task_id.as_str())
            .filter(|id| !id.is_empty())
    }
}

/// The relay's billing counters (`usage`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct WireUsage {
    #[serde(default, deserialize_with = "lenient::u64")]
    pub(crate) total_tokens: Option<u64>,
}

/// The relay's own error object, OpenAI style.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct RelayError {
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) message: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub(crate) kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) param: Option<String>,
    /// A string such as `invalid_api_key`, or a number kept as its text.
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) code: Option<String>,
}

/// One server-sent event's JSON payload in the streaming query (OpenAI Responses style).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct StreamEvent {
    /// `response.created`, ..., `response.completed`.
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) response: Option<StreamResponse>,
}

/// `response` inside a [`StreamEvent`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct StreamResponse {
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) status: Option<String>,
    #[serde(default, deserialize_with = "lenient::list")]
    pub(crate) output: Vec<StreamOutput>,
}

/// One item of `response.output`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct StreamOutput {
    #[serde(default, deserialize_with = "lenient::list")]
    pub(crate) content: Vec<StreamContent>,
}

/// One item of `response.output[*].content`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct StreamContent {
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) text: Option<String>,
}

impl StreamResponse {
    /// Every `output[*].content[*].text`, joined by newlines.
    pub(crate) fn text(&self) -> String {
        let texts: Vec<&str> = self
            .output
            .iter()
            .flat_map(|output| output.content.iter())
            .filter_map(|content| content.text.as_deref())
            .collect();
        texts.join("\n")
    }
}

/// `error`: an object, or a bare message string; anything else is absent. Read in one pass.
fn lenient_error<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RelayError>, D::Error> {
    d.deserialize_any(ErrorVisitor)
}

struct ErrorVisitor;

impl<'de> Visitor<'de> for ErrorVisitor {
    type Value = Option<RelayError>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an error object or message")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        RelayError::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }
    fn visit_str<E>(self, message: &str) -> Result<Self::Value, E> {
        Ok(Some(RelayError {
            message: Some(message.to_owned()),
            ..RelayError::default()
        }))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        inner.deserialize_any(self)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
    }

    fn envelope(name: &str) -> Envelope {
        serde_json::from_slice(&fixture(name)).unwrap()
    }

    #[test]
    fn submit_body_serialises_like_the_fixture() {
        let body = SubmitBody {
            model: "kling-v2-6-text2video".into(),
            input: "A person dancing on a beach at sunset".into(),
            negative_prompt: Some(String::new()),
            mode: Some("pro".into()),
            sound: Some("off".into()),
            aspect_ratio: Some("16:9".into()),
            duration: Some(5),
            callback_url: Some("https://example.com/hooks/video".into()),
            extra: Map::new(),
        };
        let expected: Value = serde_json::from_slice(&fixture("submit_request.json")).unwrap();
        assert_eq!(serde_json::to_value(&body).unwrap(), expected);
        assert!(serde_json::to_value(&body).unwrap()["duration"].is_u64());
    }

    #[test]
    fn query_bodies_serialise_like_the_fixtures() {
        let plain = QueryBody {
            model: "kling-text2video-get",
            input: "840242793980637239",
            stream: None,
        };
        let expected: Value = serde_json::from_slice(&fixture("query_request.json")).unwrap();
        assert_eq!(serde_json::to_value(&plain).unwrap(), expected);
        let streaming = QueryBody {
            stream: Some(true),
            ..plain
        };
        let expected: Value =
            serde_json::from_slice(&fixture("query_stream_request.json")).unwrap();
        assert_eq!(serde_json::to_value(&streaming).unwrap(), expected);
    }

    #[test]
    fn submit_ok_parses_every_field() {
        let env = envelope("submit_ok.json");
        assert_eq!(env.code, Some(0));
        assert_eq!(env.message.as_deref(), Some("SUCCEED"));
        assert_eq!(
            env.request_id.as_deref(),
            Some("1a06838f-d2cc-4328-a73e-401cb23e8080")
        );
        assert_eq!(env.task_id(), Some("840242793980637239"));
        let data = env.data.unwrap();
        assert_eq!(data.task_status, "submitted");
        assert_eq!(data.task_status_msg.as_deref(), Some(""));
        assert_eq!(data.created_at, Some(1_768_358_011_822));
        assert_eq!(data.updated_at, Some(1_768_358_011_822));
        assert!(
            data.task_info
                .is_some_and(|info| info.external_task_id.is_none())
        );
        assert_eq!(env.usage.unwrap().total_tokens, Some(2125));
        assert!(env.error.is_none());
    }

    #[test]
    fn succeed_full_keeps_documented_extras() {
        let data = envelope("query_succeed_full.json").data.unwrap();
        assert_eq!(data.final_unit_deduction.as_deref(), Some("1"));
        assert_eq!(
            data.task_info.unwrap().external_task_id.as_deref(),
            Some("order-2026-000123")
        );
        let videos = data.task_result.unwrap().videos;
        assert_eq!(videos.len(), 1);
        assert_eq!(videos[0].id.as_deref(), Some("840242794144206900"));
        assert_eq!(videos[0].duration.as_deref(), Some("10.041"));
        assert!(
            videos[0]
                .watermark_url
                .as_deref()
                .unwrap()
                .contains("wm-cw9i")
        );
    }

    #[test]
    fn numbers_and_strings_are_interchangeable_and_unknown_fields_ignored() {
        let env: Envelope = serde_json::from_value(json!({
            "code": "0",
            "brand_new": {"nested": [1, 2]},
            "data": {
                "task_id": 840_242_793_980_637_239_u64,
                "task_status": "queued",
                "created_at": "1768358011822",
                "final_unit_deduction": 2,
                "task_result": {"videos": [
                    {"id": 7, "url": "https://x/v.mp4", "duration": 5.5, "fps": 30},
                    "not a video"
                ]},
                "unknown": true
            },
            "usage": {"total_tokens": "12"},
            "error": null
        }))
        .unwrap();
        assert_eq!(env.code, Some(0));
        let data = env.data.unwrap();
        assert_eq!(data.task_id, "840242793980637239");
        assert_eq!(data.task_status, "queued");
        assert_eq!(data.created_at, Some(1_768_358_011_822));
        assert_eq!(data.final_unit_deduction.as_deref(), Some("2"));
        let videos = data.task_result.unwrap().videos;
        assert_eq!(videos.len(), 1);
        assert_eq!(videos[0].id.as_deref(), Some("7"));
        assert_eq!(videos[0].duration.as_deref(), Some("5.5"));
        assert_eq!(env.usage.unwrap().total_tokens, Some(12));
    }

    #[test]
    fn relay_errors_parse_with_string_or_numeric_codes() {
        let env = envelope("error_relay_unauthorized.json");
        assert_eq!(env.code, None);
        let error = env.error.unwrap();
        assert_eq!(error.code.as_deref(), Some("invalid_api_key"));
        assert_eq!(error.kind.as_deref(), Some("dmxapi_error"));
        assert_eq!(error.message.as_deref(), Some("invalid token"));
        assert_eq!(error.param.as_deref(), Some(""));

        let numeric: Envelope =
            serde_json::from_value(json!({"error": {"message": "x", "code": 429}})).unwrap();
        assert_eq!(numeric.error.unwrap().code.as_deref(), Some("429"));
        let bare: Envelope = serde_json::from_value(json!({"error": "boom"})).unwrap();
        assert_eq!(bare.error.unwrap().message.as_deref(), Some("boom"));
    }

    #[test]
    fn wrapped_success_has_both_error_and_data() {
        let env = envelope("submit_wrapped_success.json");
        assert_eq!(env.code, Some(0));
        assert_eq!(
            env.error.as_ref().unwrap().code.as_deref(),
            Some("dmxapi_kling_error_0")
        );
        assert_eq!(env.task_id(), Some("840242793980637241"));
    }

    #[test]
    fn kling_error_bodies_have_code_and_no_data() {
        for name in [
            "error_kling_1102_quota.json",
            "error_kling_1201_invalid.json",
            "error_kling_1302_rate_limit.json",
            "error_kling_1303_concurrency.json",
            "error_task_not_found.json",
        ] {
            let env = envelope(name);
            assert!(env.code.unwrap() > 1000, "{name}");
            assert!(env.data.is_none() && env.task_id().is_none(), "{name}");
            assert!(env.request_id.is_some(), "{name}");
        }
    }

    #[test]
    fn stream_completed_event_text_joins_outputs() {
        let event: StreamEvent = serde_json::from_value(json!({
            "type": "response.completed",
            "response": {"status": "completed", "output": [
                {"content": [{"type": "output_text", "text": "a"}, {"type": "x"}]},
                {"content": [{"text": "b"}]}
            ]}
        }))
        .unwrap();
        assert_eq!(event.kind.as_deref(), Some("response.completed"));
        let response = event.response.unwrap();
        assert_eq!(response.status.as_deref(), Some("completed"));
        assert_eq!(response.text(), "a\nb");
    }

    #[test]
    fn data_that_is_not_an_object_counts_as_absent() {
        let env: Envelope = serde_json::from_value(json!({"code": 1303, "data": []})).unwrap();
        assert_eq!(env.code, Some(1303));
        assert!(env.data.is_none());
    }
}
