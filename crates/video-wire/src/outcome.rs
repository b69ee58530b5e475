//! Did a submission create a task? The rules every provider applies once it has read (or
//! failed to read) the reply, and the rule for a queried snapshot.

use video_core::{SubmissionAttempt, Task, TaskId, VideoError};

/// A submission's result under the money rules: an error that does not prove the request
/// refused or unsent (no reply, a timeout, a server or gateway error, a reply that could
/// not be read) becomes [`VideoError::UnknownOutcome`] for `attempt` — a task may exist and
/// be billed; an accepted task with a malformed id (empty, over [`TaskId::MAX_LEN`] bytes,
/// control characters) is one we cannot name, so it is an unknown outcome too.
///
/// # Errors
/// The refusal as it is, or [`VideoError::UnknownOutcome`].
pub fn accepted(
    read: Result<Task, VideoError>,
    attempt: &SubmissionAttempt,
) -> Result<Task, VideoError> {
    let task = read.map_err(|error| unknown_unless_refused(error, attempt))?;
    check_task_id(&task.id).map_err(|error| unknown_unless_refused(error, attempt))?;
    Ok(task)
}

/// `error` as a submission's error: refusals and proven-unsent requests stay as they are,
/// anything else becomes [`VideoError::UnknownOutcome`] for `attempt`.
pub fn unknown_unless_refused(error: VideoError, attempt: &SubmissionAttempt) -> VideoError {
    if error.is_refused_submission() || matches!(error, VideoError::UnknownOutcome { .. }) {
        return error;
    }
    VideoError::UnknownOutcome {
        attempt: Box::new(attempt.clone()),
        source: Box::new(error),
    }
}

/// Refuses a task id a server handed out that cannot be stored, printed or sent back
/// safely ([`TaskId::is_well_formed`]).
///
/// # Errors
/// [`VideoError::Decode`] saying what is wrong (never the id itself).
pub fn check_task_id(id: &TaskId) -> Result<(), VideoError> {
    if id.is_well_formed() {
        return Ok(());
    }
    Err(VideoError::decode(
        None,
        format!(
            "the reply's task id is malformed ({} bytes; empty, over {} bytes, or with control \
             characters)",
            id.as_str().len(),
            TaskId::MAX_LEN
        ),
        b"",
    ))
}

/// A queried snapshot under the id (and route) that was asked for: a reply naming another
/// task id is logged (escaped: a hostile id cannot drive the log) and the asked id kept.
pub fn queried(mut task: Task, asked: &TaskId) -> Task {
    if task.id == *asked {
        return task;
    }
    if !task.id.same_raw_id(asked) {
        tracing::warn!(reported = ?task.id.as_str(), "the reply names another task id");
    }
    task.id = asked.clone();
    task
}

/// Queries task `id` by its route, or — an id without one, typed by a user — by each of
/// `routes` in turn: the first answer that is not [`VideoError::NotFound`] wins, and the
/// snapshot comes back under the id with the route that found it. `query` is called with
/// the id carrying the route to ask.
///
/// # Errors
/// The routed query's error; for a bare id, [`VideoError::NotFound`] naming it when no route
/// knows it (a failure of a later route leaves it "not found").
pub async fn query_routes<F, Fut>(
    id: &TaskId,
    routes: &[&str],
    query: F,
) -> Result<Task, VideoError>
where
    F: Fn(TaskId) -> Fut,
    Fut: std::future::Future<Output = Result<Task, VideoError>>,
{
    if id.route().is_some() {
        return query(id.clone()).await;
    }
    for (index, route) in routes.iter().enumerate() {
        match query(id.clone().with_route(*route)).await {
            Err(VideoError::NotFound { .. }) => {}
            // Only a found task changes the answer once the first route said "not found".
            Err(_) if index > 0 => {}
            other => return other,
        }
    }
    Err(VideoError::NotFound {
        task_id: id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use video_core::{ErrorDetails, TaskStatus, VideoRequest};

    fn attempt() -> SubmissionAttempt {
        SubmissionAttempt::new("p", VideoRequest::new("fox"))
    }

    #[test]
    fn only_refusals_stay_refusals() {
        let refused = VideoError::unauthorized("bad key", ErrorDetails::none());
        assert!(matches!(
            accepted(Err(refused), &attempt()),
            Err(VideoError::Unauthorized { .. })
        ));
        for unknown in [
            VideoError::Timeout {
                elapsed: Duration::from_secs(1),
            },
            VideoError::decode(Some(200), "not the protocol", b"{}"),
            VideoError::provider("busy", true, ErrorDetails::none().with_code("5000")),
        ] {
            assert!(matches!(
                accepted(Err(unknown), &attempt()),
                Err(VideoError::UnknownOutcome { .. })
            ));
        }
        let hostile = Task::new("bad\nid", TaskStatus::Submitted);
        assert!(matches!(
            accepted(Ok(hostile), &attempt()),
            Err(VideoError::UnknownOutcome { .. })
        ));
        let fine = Task::new("871", TaskStatus::Submitted);
        assert!(accepted(Ok(fine), &attempt()).is_ok());
    }

    #[test]
    fn a_snapshot_keeps_the_asked_id_and_route() {
        let asked = TaskId::new("1").with_route("image2video");
        let task = queried(Task::new("2", TaskStatus::Processing), &asked);
        assert_eq!(task.id, asked);
        // The same raw id without the route: the route asked for is put back.
        let task = queried(Task::new("1", TaskStatus::Processing), &asked);
        assert_eq!(task.id.route(), Some("image2video"));
        let plain = TaskId::new("7");
        assert_eq!(
            queried(Task::new("7", TaskStatus::Failed), &plain).id,
            plain
        );
    }
}
