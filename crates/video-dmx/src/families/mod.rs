//! One module per vendor family: its submit body, its reply readers, its code table. Each
//! is mostly data and mapping; the relay's mechanics are in [`crate::DmxProvider`].

mod hailuo;
mod kling_v3;
mod pixverse;
mod seedance;
mod vidu;
mod wan;

pub use hailuo::{HAILUO, HAILUO_LINK, Hailuo, HailuoLink, MINIMAX_CODES, minimax_status};
pub use kling_v3::{KLING_V3, KlingV3};
pub use pixverse::{PIXVERSE, PixVerse};
pub use seedance::{SEEDANCE, Seedance};
pub use vidu::{VIDU, Vidu};
pub use wan::{WAN, Wan};

use serde_json::Value;
use video_core::{Image, Task, TaskId, TaskStatus, Video, VideoError};

use crate::family::Payload;

/// How a family takes an inline image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InlineForm {
    /// `data:<type>;base64,<bytes>` (Ark, MiniMax, Vidu, DashScope).
    DataUrl,
    /// Bare base64 (Kling).
    Base64,
}

/// An image as a family sends it: its URL, or its bytes in the family's inline form.
pub(crate) fn image_value(image: &Image, form: InlineForm) -> String {
    match (image, form) {
        (Image::Inline { .. }, InlineForm::Base64) => image.base64().unwrap_or_default(),
        _ => image.url_text(),
    }
}

/// A failure message with its code in front (`1027: output sensitive`), either part
/// optional.
pub(crate) fn reason(code: Option<String>, message: Option<String>) -> Option<String> {
    match (code, message) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (code, message) => code.or(message),
    }
}

/// A snapshot with `status` (the raw one kept) and, when it failed, `message`.
pub(crate) fn snapshot(id: &TaskId, status: TaskStatus, raw: &str) -> Task {
    let mut task = Task::new(id.clone(), status);
    task.raw_status = Some(raw.to_owned());
    task
}

/// A video at a (usually pre-signed) `url`, with the expiry its query string states, so a
/// journaled link past it is refreshed before a download is tried.
pub(crate) fn video_at(url: String) -> Video {
    let expires_at = video_http::wire::signed_url_expiry(&url);
    let mut video = Video::new(url);
    video.expires_at = expires_at;
    video
}

/// A succeeded snapshot with one video at `url`, or a decode error when the reply says
/// succeeded without a video.
pub(crate) fn succeeded(id: &TaskId, raw: &str, url: Option<String>) -> Result<Task, VideoError> {
    let url = url.ok_or_else(|| VideoError::decode(Some(200), "succeeded without a video", b""))?;
    let mut task = snapshot(id, TaskStatus::Succeeded, raw);
    task.videos.push(video_at(url));
    Ok(task)
}

/// The upstream's object in a query's payload, for the families that answer in an envelope;
/// otherwise the snapshot the payload itself means: text instead of JSON is a failure in
/// words, an envelope without text is still rendering.
pub(crate) fn object_or_snapshot<'a>(
    reply: Payload<'a>,
    id: &TaskId,
) -> Result<&'a Value, Box<Task>> {
    match reply {
        Payload::Json(object) => Ok(object),
        Payload::Text { text, .. } => Err(Box::new(failed(id, "text", Some(text.to_owned())))),
        Payload::Pending => Err(Box::new(snapshot(
            id,
            TaskStatus::Processing,
            "no output yet",
        ))),
    }
}

/// A failed snapshot with `message`.
pub(crate) fn failed(id: &TaskId, raw: &str, message: Option<String>) -> Task {
    let mut task = snapshot(id, TaskStatus::Failed, raw);
    task.status_message = message;
    task
}

pub(crate) use hailuo::capabilities as hailuo_capabilities;
pub(crate) use kling_v3::{OLD_ROUTE as KLING_V3_OLD_ROUTE, capabilities as kling_v3_capabilities};
pub(crate) use pixverse::capabilities as pixverse_capabilities;
pub(crate) use seedance::capabilities as seedance_capabilities;
pub(crate) use vidu::capabilities as vidu_capabilities;
pub(crate) use wan::capabilities as wan_capabilities;
