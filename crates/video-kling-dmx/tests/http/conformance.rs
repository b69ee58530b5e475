//! video-core's conformance suite against a small stateful relay simulated with wiremock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use video_core::provider::testkit::{Conformance, run_all};
use video_core::{PollPolicy, VideoProvider, VideoRequest};
use video_kling_dmx::KlingDmxClient;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::*;

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    /// Task id → (queries so far, ends failed, image-to-video).
    tasks: HashMap<String, (u32, bool, bool)>,
    throttle_next: bool,
    submissions: usize,
}

/// Answers submissions and queries like the relay: a task is `processing` on its first
/// query and finished from the second on (at once for a streaming query).
struct Relay {
    state: Arc<Mutex<State>>,
    base: String,
}

fn kling_error(status: u16, code: i64, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"code": code, "message": message, "request_id": "sim"}))
}

impl Relay {
    fn submit(&self, state: &mut State, prompt: &str, image: bool) -> ResponseTemplate {
        state.submissions += 1;
        if std::mem::take(&mut state.throttle_next) {
            return kling_error(429, 1303, "parallel task over resource pack limit");
        }
        state.next_id += 1;
        let id = format!("84024279398{:07}", state.next_id);
        state
            .tasks
            .insert(id.clone(), (0, prompt.contains("fail"), image));
        ResponseTemplate::new(200).set_body_json(json!({
            "code": 0, "message": "SUCCEED", "request_id": format!("req-{id}"),
            "data": {"task_id": id, "task_status": "submitted", "task_status_msg": "",
                     "task_info": {}, "created_at": 1_768_358_011_822_u64,
                     "updated_at": 1_768_358_011_822_u64},
            "usage": {"total_tokens": 2125}
        }))
    }

    /// A query with the text (`image` false) or image query model: a task of the other
    /// mode is unknown to it, as the relay answers.
    fn query(&self, state: &mut State, id: &str, stream: bool, image: bool) -> ResponseTemplate {
        let Some((queries, fails, _)) = state
            .tasks
            .get_mut(id)
            .filter(|(_, _, is_image)| *is_image == image)
        else {
            return kling_error(404, 1203, "task not found");
        };
        *queries += if stream { 2 } else { 1 };
        let url = format!("{}/videos/{id}.mp4?sig=abc", self.base);
        let finished = *queries >= 2;
        if stream {
            let text = if *fails {
                format!(
                    "任务ID: {id}\\n[错误] Kling API 错误: Failure to pass the risk control system"
                )
            } else {
                format!("任务ID: {id}\\n视频链接: {url}\\n时长: 5.041")
            };
            let body = format!(
                "event: response.created\ndata: {{\"type\":\"response.created\"}}\n\n\
                 event: response.completed\ndata: {{\"type\":\"response.completed\",\"response\":{{\"status\":\"completed\",\"output\":[{{\"content\":[{{\"type\":\"output_text\",\"text\":\"{text}\"}}]}}]}}}}\n\n\
                 data: [DONE]\n\n"
            );
            return ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_raw(body, "text/event-stream");
        }
        let mut data = json!({"task_id": id, "task_status": "processing", "task_status_msg": "",
                              "created_at": 1_768_358_011_822_u64, "updated_at": 1_768_358_031_822_u64});
        if finished && *fails {
            data["task_status"] = json!("failed");
            data["task_status_msg"] = json!("Failure to pass the risk control system");
        } else if finished {
            data["task_status"] = json!("succeed");
            data["task_result"] =
                json!({"videos": [{"id": "v1", "url": url, "duration": "5.041"}]});
        }
        ResponseTemplate::new(200).set_body_json(
            json!({"code": 0, "message": "SUCCEED", "request_id": "sim", "data": data}),
        )
    }
}

impl Respond for Relay {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = request.body_json().unwrap_or_default();
        let input = body["input"].as_str().unwrap_or_default();
        let mut state = self.state.lock().unwrap();
        match body["model"].as_str() {
            Some(SUBMIT_MODEL) => self.submit(&mut state, input, false),
            Some(IMAGE_SUBMIT_MODEL) => self.submit(&mut state, input, true),
            Some(QUERY_MODEL) => self.query(&mut state, input, body["stream"] == true, false),
            Some(IMAGE_QUERY_MODEL) => self.query(&mut state, input, body["stream"] == true, true),
            _ => ResponseTemplate::new(503).set_body_json(json!({"error": {
                "message": "no available channel for model", "type": "dmxapi_error",
                "param": "", "code": "model_not_found"}})),
        }
    }
}

struct Harness {
    _server: MockServer,
    client: KlingDmxClient,
    state: Arc<Mutex<State>>,
    long_wait: bool,
}

impl Harness {
    async fn start(long_wait: bool) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        Mock::given(method("POST"))
            .and(path("/v1/responses"))
            .respond_with(Relay {
                state: Arc::clone(&state),
                base: server.uri(),
            })
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex(r"^/videos/\d+\.mp4$"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                video_core::provider::sample::sample_mp4(8192, 1),
                "video/mp4",
            ))
            .mount(&server)
            .await;
        let client = builder(&server.uri()).build().unwrap();
        Self {
            _server: server,
            client,
            state,
            long_wait,
        }
    }
}

#[video_core::provider::async_trait]
impl Conformance for Harness {
    fn provider(&self) -> &dyn VideoProvider {
        &self.client
    }

    fn failing_request(&self) -> VideoRequest {
        VideoRequest::new("a fox that will fail the check")
    }

    async fn throttle_next_submit(&self) {
        self.state.lock().unwrap().throttle_next = true;
    }

    async fn submissions_received(&self) -> usize {
        self.state.lock().unwrap().submissions
    }

    fn poll_policy(&self) -> PollPolicy {
        fast_policy()
            .with_deadline(Duration::from_secs(5))
            .with_long_wait(self.long_wait)
    }
}

#[tokio::test]
async fn conformance_with_json_queries() {
    let harness = Harness::start(false).await;
    run_all(&harness).await;
    assert!(harness.state.lock().unwrap().submissions >= 5);
}

#[tokio::test]
async fn conformance_with_streaming_queries() {
    let harness = Harness::start(true).await;
    assert!(harness.client.capabilities().long_wait);
    run_all(&harness).await;
    assert!(harness.state.lock().unwrap().submissions >= 5);
}
