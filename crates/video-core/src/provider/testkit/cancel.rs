//! The cancel check, gated on [`crate::Capabilities::cancel`]: a provider that can cancel
//! stops a running task (a later query says it ended `Failed`); one that cannot refuses
//! with [`VideoError::InvalidRequest`] and sends nothing.

use super::Conformance;
use crate::error::VideoError;
use crate::task::TaskStatus;

/// Cancels a fresh task where the provider can; otherwise the default refusal.
pub async fn cancel(target: &dyn Conformance) {
    let provider = target.provider();
    let task = match provider.submit(&target.succeeding_request()).await {
        Ok(task) => task,
        Err(error) => panic!("submit of a valid request failed: {error}"),
    };
    let answer = provider.cancel(&task.id).await;
    if !provider.capabilities().cancel {
        assert!(
            matches!(answer, Err(VideoError::InvalidRequest { .. })),
            "without the cancel capability, cancel must be refused as invalid, got {answer:?}"
        );
        return;
    }
    if let Err(error) = answer {
        panic!("cancel of a running task failed: {error}");
    }
    match provider.task(&task.id).await {
        Ok(after) => assert!(
            after.status == TaskStatus::Failed,
            "a cancelled task must end Failed, got {:?}",
            after.status
        ),
        // A provider that deletes what it cancels may not know the task any more.
        Err(VideoError::NotFound { .. }) => {}
        Err(error) => panic!("query after cancel failed: {error}"),
    }
}
