//! Recognising a create whose reply was lost: the API takes no client reference, so the
//! newest list page is searched for the one video that matches everything the request said
//! (prompt, model, size, seconds) and was created inside the submission's window. None or
//! several: nothing is adopted (core leaves the entry for a person to settle).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use video_core::{Task, VideoError, VideoProvider, VideoRequest};

use crate::client::OpenAiClient;
use crate::convert::{Asked, asked, task_of};
use crate::wire::VideoObject;

/// The one video matching `request` inside `window`, if exactly one does.
pub(crate) async fn find(
    client: &OpenAiClient,
    request: &VideoRequest,
    window: (SystemTime, SystemTime),
) -> Result<Option<Task>, VideoError> {
    let asked = asked(request, client.model_row())?;
    let model = client.model().unwrap_or_default();
    let recent = client.list_objects(client.list_page()).await?;
    let mut matching = recent
        .into_iter()
        .filter(|object| matches(object, request, model, &asked, window));
    let (Some(found), None) = (matching.next(), matching.next()) else {
        tracing::info!("no single recent video matches the lost submission");
        return Ok(None);
    };
    let task = task_of(found);
    // Adopted into the journal and named in file names: a hostile id is refused.
    video_http::wire::check_task_id(&task.id)?;
    Ok(Some(task))
}

/// Whether `object` is what `request` asked for, created inside `window` (a field the
/// server left out cannot match: an object without a prompt proves nothing).
fn matches(
    object: &VideoObject,
    request: &VideoRequest,
    model: &str,
    asked: &Asked,
    window: (SystemTime, SystemTime),
) -> bool {
    let created = object
        .created_at
        .map(|secs| UNIX_EPOCH + Duration::from_secs(secs));
    object.prompt.as_deref() == Some(request.prompt.as_str())
        && object.model.as_deref().is_none_or(|m| m == model)
        && object.size.as_deref() == Some(asked.size.as_str())
        && object.seconds.as_deref().map(str::trim) == Some(asked.seconds.as_str())
        && created.is_some_and(|at| window.0 <= at && at <= window.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(prompt: &str, size: &str, secs: u64) -> VideoObject {
        VideoObject {
            id: "video_1".into(),
            status: "queued".into(),
            prompt: Some(prompt.into()),
            model: Some("sora-2".into()),
            size: Some(size.into()),
            seconds: Some("8".into()),
            created_at: Some(secs),
            ..VideoObject::default()
        }
    }

    #[test]
    fn every_field_and_the_window_must_match() {
        let request = VideoRequest::builder("a fox").duration_secs(8).build();
        let asked = Asked {
            seconds: "8".into(),
            size: "720x1280".into(),
        };
        let at = |secs| UNIX_EPOCH + Duration::from_secs(secs);
        let window = (at(1_000), at(2_000));
        assert!(matches(
            &object("a fox", "720x1280", 1_500),
            &request,
            "sora-2",
            &asked,
            window
        ));
        assert!(!matches(
            &object("a cat", "720x1280", 1_500),
            &request,
            "sora-2",
            &asked,
            window
        ));
        assert!(!matches(
            &object("a fox", "1280x720", 1_500),
            &request,
            "sora-2",
            &asked,
            window
        ));
        assert!(!matches(
            &object("a fox", "720x1280", 2_500),
            &request,
            "sora-2",
            &asked,
            window
        ));
        assert!(!matches(
            &object("a fox", "720x1280", 1_500),
            &request,
            "sora-2-pro",
            &asked,
            window
        ));
        let mut no_prompt = object("a fox", "720x1280", 1_500);
        no_prompt.prompt = None;
        assert!(!matches(&no_prompt, &request, "sora-2", &asked, window));
    }
}
