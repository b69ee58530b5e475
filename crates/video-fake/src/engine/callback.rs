//! Callbacks: the flat task object POSTed to `callback_url` on each status change.

use std::sync::Arc;

use tokio::time::Instant;

use super::{AtomicCounters, Engine, FakeTask};

/// Schedules a POST at each of the task's status changes, with the body the front writes
/// for the task at that moment. Unsigned (neither the relay nor this fake signs them).
pub(crate) fn spawn_callbacks(
    state: &Arc<Engine>,
    task: &FakeTask,
    body: impl Fn(&Engine, &FakeTask, Instant) -> String + Send + 'static,
) {
    let Some(url) = task.callback_url.clone() else {
        return;
    };
    let state = Arc::clone(state);
    let task = task.clone();
    tokio::spawn(async move {
        for (at, _stage) in task.transitions(state.config.render_time) {
            tokio::time::sleep_until(at).await;
            let body = body(&state, &task, Instant::now().max(at));
            AtomicCounters::bump(&state.counters.callbacks_sent);
            let sent = state
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await;
            if let Err(error) = sent {
                tracing::debug!(task_id = %task.id, %error, "callback not delivered");
            }
        }
    });
}
