//! The bare-client peer of measure 1c: one task of a provider shape's fake front, queried
//! the way a bare client does (one GET with the key and Runway's version header, the reply
//! parsed into a `Value`, its status read). Shared by `bench-bare-queries` (a process of its
//! own) and `bench-queries --paired-blocks` (blocks interleaved with the SDK's in one
//! process).

use serde_json::{Value, json};

/// A created task of one shape's front, and how to query it.
#[derive(Debug)]
pub struct BareShape {
    client: reqwest::Client,
    bearer: String,
    query: String,
}

impl BareShape {
    /// Creates a task at `shape`'s front (`openai`, `minimax` or `runway`) under `base`.
    ///
    /// # Errors
    /// An unknown shape, or a create that failed or named no task id.
    pub async fn create(
        client: reqwest::Client,
        shape: &str,
        base: &str,
        key: &str,
    ) -> Result<Self, String> {
        let base = base.trim_end_matches('/');
        let (create, body) = match shape {
            "openai" => (
                format!("{base}/openai/v1/videos"),
                json!({"prompt": "a fox", "model": "sora-2", "seconds": "4", "size": "720x1280"}),
            ),
            "minimax" => (
                format!("{base}/minimax/v1/video_generation"),
                json!({"model": "MiniMax-Hailuo-2.3", "prompt": "a fox"}),
            ),
            "runway" => (
                format!("{base}/runway/v1/text_to_video"),
                json!({"model": "gen4.5", "promptText": "a fox", "ratio": "1280:720", "duration": 5}),
            ),
            other => return Err(format!("unknown --shape {other}")),
        };
        let mut bare = Self {
            client,
            bearer: format!("Bearer {key}"),
            query: String::new(),
        };
        let created = bare.send(bare.client.post(&create).json(&body)).await?;
        let id = created
            .get("id")
            .or_else(|| created.get("task_id"))
            .and_then(Value::as_str)
            .ok_or("no task id")?;
        bare.query = match shape {
            "openai" => format!("{base}/openai/v1/videos/{id}"),
            "minimax" => format!("{base}/minimax/v1/query/video_generation?task_id={id}"),
            _ => format!("{base}/runway/v1/tasks/{id}"),
        };
        Ok(bare)
    }

    /// One query: whether the reply parsed and named a status.
    pub async fn query(&self) -> bool {
        match self.send(self.client.get(&self.query)).await {
            Ok(reply) => reply.get("status").and_then(Value::as_str).is_some(),
            Err(_) => false,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, String> {
        let reply = request
            .header("authorization", &self.bearer)
            .header("x-runway-version", "2024-11-06")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let bytes = reply.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice::<Value>(&bytes).map_err(|e| e.to_string())
    }
}
