//! Finding a task by its client reference (`external_task_id`): Kling documents the query
//! path as taking either id, so the reference is queried directly; a server that answers
//! "not found" there is double-checked against the newest pages of the task list.

use video_core::{Mode, Task, TaskId, VideoError};
use video_http::ApiCall;
use video_kling_protocol::{Call, task_from_data};

use crate::client::{KlingClient, task_of};
use crate::convert::classify;
use crate::path::{family, list_url, task_url};

/// Tasks per list page read (Kling's maximum).
const PAGE_SIZE: u32 = 500;

/// The task submitted with `reference` in `mode`, if Kling has one.
pub(crate) async fn find(
    client: &KlingClient,
    reference: &str,
    mode: Mode,
    pages: u32,
) -> Result<Option<Task>, VideoError> {
    let route = family(mode);
    if let Some(task) = by_path(client, reference, route).await? {
        return Ok(Some(task));
    }
    for page in 1..=pages {
        let (found, full) = in_list_page(client, reference, route, page).await?;
        if found.is_some() || !full {
            return Ok(found);
        }
    }
    // Every page read was full: the task may be on the next. Not found is not proven.
    Err(VideoError::provider(
        format!(
            "no task with reference `{}` in the newest {pages} full pages of the task list; \
             more pages exist, so it may still exist",
            reference.escape_debug()
        ),
        false,
        video_core::ErrorDetails::none(),
    ))
}

/// `GET /v1/videos/<family>/<reference>`: the task, or `None` on "not found".
async fn by_path(
    client: &KlingClient,
    reference: &str,
    route: &'static str,
) -> Result<Option<Task>, VideoError> {
    let base = client.base();
    let url = task_url(base, route, reference)?;
    let asked = TaskId::new(reference);
    let reply = client.exchange(|| ApiCall::get(&url)).await?;
    let envelope = match classify(
        reply.status,
        reply.retry_after,
        &reply.body,
        Call::Query,
        Some(&asked),
    ) {
        Ok(envelope) => envelope,
        Err(VideoError::NotFound { .. }) => return Ok(None),
        Err(error) => return Err(error),
    };
    let task = task_of(envelope, Some(reply.status))?;
    // Adopted only when the reply names the reference: a task naming another, or none at
    // all, is not proven ours (the list is read next).
    if task.client_reference.as_deref() == Some(reference) {
        Ok(Some(adopted(task, route, reference)))
    } else {
        Ok(None)
    }
}

/// One page of the list: the task carrying `reference`, and whether the page was full
/// (more may follow).
async fn in_list_page(
    client: &KlingClient,
    reference: &str,
    route: &'static str,
    page: u32,
) -> Result<(Option<Task>, bool), VideoError> {
    let url = list_url(client.base(), route, page, PAGE_SIZE)?;
    let reply = client.exchange(|| ApiCall::get(&url)).await?;
    let envelope = classify(
        reply.status,
        reply.retry_after,
        &reply.body,
        Call::Query,
        None,
    )?;
    let tasks = envelope.tasks();
    let full = tasks.len() >= PAGE_SIZE as usize;
    let found = tasks
        .into_iter()
        .find(|data| {
            data.task_info
                .as_ref()
                .and_then(|info| info.external_task_id.as_deref())
                == Some(reference)
        })
        .map(|data| task_from_data(data, envelope.request_id.clone()))
        .filter(|task| task.id.is_well_formed())
        .map(|task| adopted(task, route, reference));
    Ok((found, full))
}

fn adopted(mut task: Task, route: &str, reference: &str) -> Task {
    task.id = task.id.with_route(route);
    task.client_reference = Some(reference.to_owned());
    task
}
