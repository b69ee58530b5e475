//! Callbacks: the flat task object POSTed to `callback_url` on each status change.

use std::sync::Arc;

use tokio::time::Instant;

use super::replies::task_object;
use super::state::{AtomicCounters, FakeTask, RelayState};

/// Schedules a POST of the task object at each of the task's status changes. The relay does
/// not sign callbacks (neither does the real one).
pub(crate) fn spawn_callbacks(state: &Arc<RelayState>, task: &FakeTask) {
    let Some(url) = task.callback_url.clone() else {
        return;
    };
    let state = Arc::clone(state);
    let task = task.clone();
    tokio::spawn(async move {
        for (at, _stage) in task.transitions(state.config.render_time) {
            tokio::time::sleep_until(at).await;
            let body = task_object(&state, &task, Instant::now().max(at));
            AtomicCounters::bump(&state.counters.callbacks_sent);
            let sent = state
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string())
                .send()
                .await;
            if let Err(error) = sent {
                tracing::debug!(task_id = %task.id, %error, "callback not delivered");
            }
        }
    });
}
