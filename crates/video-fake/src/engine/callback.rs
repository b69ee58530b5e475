//! Callbacks: the flat task object POSTed to `callback_url` on each status change.

use std::sync::Arc;

use tokio::time::Instant;
use video_kling_protocol::WebhookSecret;

use super::{AtomicCounters, Engine, FakeTask};

/// Schedules a POST at each of the task's status changes, with the body the front writes
/// for the task at that moment. With `signed` and a configured webhook secret, each carries
/// the Standard Webhooks headers (Kling's scheme); otherwise it is unsigned (the relay's).
pub(crate) fn spawn_callbacks(
    state: &Arc<Engine>,
    task: &FakeTask,
    signed: bool,
    body: impl Fn(&Engine, &FakeTask, Instant) -> String + Send + 'static,
) {
    let secret = state
        .config
        .webhook_secret
        .as_deref()
        .filter(|_| signed)
        .and_then(|secret| WebhookSecret::parse(secret).ok());
    let Some(url) = task.callback_url.clone() else {
        return;
    };
    let state = Arc::clone(state);
    let task = task.clone();
    tokio::spawn(async move {
        for (number, (at, _stage)) in task
            .transitions(state.config.render_time)
            .into_iter()
            .enumerate()
        {
            tokio::time::sleep_until(at).await;
            let body = body(&state, &task, Instant::now().max(at));
            AtomicCounters::bump(&state.counters.callbacks_sent);
            let mut request = state.http.post(&url).header(
                reqwest::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            );
            if let Some(secret) = &secret {
                let id = format!("{}{number}", task.number);
                let timestamp = unix_seconds().to_string();
                let signature = secret.sign(&id, &timestamp, body.as_bytes());
                request = request
                    .header("webhook-id", id)
                    .header("webhook-timestamp", timestamp)
                    .header("webhook-signature", signature);
            }
            let sent = request.body(body).send().await;
            if let Err(error) = sent {
                tracing::debug!(task_id = %task.id, %error, "callback not delivered");
            }
        }
    });
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
