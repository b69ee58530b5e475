//! The bare-client peer of measure 1: one task, queried the way a bare `reqwest` client
//! does, the reply parsed into a `Value` and checked. Shared by `bench-bare-queries` (a
//! process of its own) and `bench-queries --paired-blocks` (blocks interleaved with the
//! SDK's in one process).
//!
//! - `kling`: a POST to the relay's `/v1/responses` with the raw key; `code` must be 0.
//! - `seedance`: the same POST for a Seedance 2.0 task, its envelope's text parsed again
//!   for `status` (measure 1b).
//! - `openai`, `minimax`, `runway`: one GET of that API's fake front with a Bearer key (and
//!   Runway's version header); the reply must name a `status` (measure 1c).

use serde_json::{Value, json};

/// A created task, and how to query it.
#[derive(Debug)]
pub struct BarePeer {
    client: reqwest::Client,
    authorization: String,
    query: Query,
    check: Check,
}

#[derive(Debug)]
enum Query {
    Get(String),
    Post { url: String, body: Value },
}

#[derive(Debug, Clone, Copy)]
enum Check {
    Code,
    InnerStatus,
    Status,
}

impl BarePeer {
    /// Creates a task for `peer` (`kling`, `seedance`, `openai`, `minimax` or `runway`) at
    /// the fake under `base`.
    ///
    /// # Errors
    /// An unknown peer, or a create that failed or named no task id.
    pub async fn create(
        client: reqwest::Client,
        peer: &str,
        base: &str,
        key: &str,
    ) -> Result<Self, String> {
        let base = base.trim_end_matches('/');
        let relay = format!("{base}/v1/responses");
        let (create, body, check) = match peer {
            "kling" => (
                relay.clone(),
                json!({"model": "kling-v2-6-text2video", "input": "a fox", "duration": 5}),
                Check::Code,
            ),
            "seedance" => (
                relay.clone(),
                json!({"model": "doubao-seedance-2-0-260128",
                       "input": [{"type": "text", "text": "a fox"}]}),
                Check::InnerStatus,
            ),
            "openai" => (
                format!("{base}/openai/v1/videos"),
                json!({"prompt": "a fox", "model": "sora-2", "seconds": "4", "size": "720x1280"}),
                Check::Status,
            ),
            "minimax" => (
                format!("{base}/minimax/v1/video_generation"),
                json!({"model": "MiniMax-Hailuo-2.3", "prompt": "a fox"}),
                Check::Status,
            ),
            "runway" => (
                format!("{base}/runway/v1/text_to_video"),
                json!({"model": "gen4.5", "promptText": "a fox", "ratio": "1280:720", "duration": 5}),
                Check::Status,
            ),
            other => return Err(format!("unknown peer {other}")),
        };
        let mut bare = Self {
            client,
            authorization: match check {
                Check::Status => format!("Bearer {key}"),
                Check::Code | Check::InnerStatus => key.to_owned(),
            },
            query: Query::Get(String::new()),
            check,
        };
        let created = bare.send(bare.client.post(&create).json(&body)).await?;
        let id = created
            .pointer("/data/task_id")
            .or_else(|| created.get("id"))
            .or_else(|| created.get("task_id"))
            .and_then(Value::as_str)
            .ok_or("no task id")?;
        bare.query = match peer {
            "kling" => Query::Post {
                url: relay,
                body: json!({"model": "kling-text2video-get", "input": id}),
            },
            "seedance" => Query::Post {
                url: relay,
                body: json!({"model": "seedance-2-0-get", "input": id}),
            },
            "openai" => Query::Get(format!("{base}/openai/v1/videos/{id}")),
            "minimax" => Query::Get(format!(
                "{base}/minimax/v1/query/video_generation?task_id={id}"
            )),
            _ => Query::Get(format!("{base}/runway/v1/tasks/{id}")),
        };
        Ok(bare)
    }

    /// One query: whether the reply parsed and passed its check.
    pub async fn query(&self) -> bool {
        let request = match &self.query {
            Query::Get(url) => self.client.get(url),
            Query::Post { url, body } => self.client.post(url).json(body),
        };
        match (self.send(request).await, self.check) {
            (Ok(reply), Check::Code) => reply["code"] == 0,
            (Ok(reply), Check::InnerStatus) => inner_status(&reply).is_some(),
            (Ok(reply), Check::Status) => reply.get("status").and_then(Value::as_str).is_some(),
            (Err(_), _) => false,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, String> {
        let mut request = request.header("authorization", &self.authorization);
        // The three shapes' fronts (checked by `status`) take Runway's version header.
        if matches!(self.check, Check::Status) {
            request = request.header("x-runway-version", "2024-11-06");
        }
        let reply = request.send().await.map_err(|e| e.to_string())?;
        let bytes = reply.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice::<Value>(&bytes).map_err(|e| e.to_string())
    }
}

/// A Seedance query reply's status: the envelope's text parsed as JSON, its `status`.
fn inner_status(reply: &Value) -> Option<String> {
    let text = reply.pointer("/output/0/content/0/text")?.as_str()?;
    let inner: Value = serde_json::from_str(text).ok()?;
    inner.get("status")?.as_str().map(str::to_owned)
}
