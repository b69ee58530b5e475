//! MiniMax Hailuo (`MiniMax-Hailuo-2.3`, `-2.3-Fast`, `-02` → `MiniMax-Hailuo-query`, then
//! `MiniMax-Hailuo-get` for the link): MiniMax's own flat objects, `base_resp` codes, and a
//! `file_id` whose short-lived link is minted only when the video is downloaded (the
//! locator is `MiniMax-Hailuo-get/<file_id>`, never a link). Notes:
//! `protocol/dmx-minimax-hailuo.md`.

use serde_json::{Value, json};
use video_core::{
    Capabilities, Locator, Task, TaskId, TaskStatus, Video, VideoError, VideoRequest,
};

use super::{failed, reason, snapshot};
use crate::envelope::text_at;
use crate::family::{Family, LinkStep, Payload, VendorError};

/// The Hailuo family.
#[derive(Debug, Clone, Copy)]
pub struct Hailuo;

/// The family value the model table points at.
pub static HAILUO: Hailuo = Hailuo;

/// The link step (`MiniMax-Hailuo-get`).
#[derive(Debug, Clone, Copy)]
pub struct HailuoLink;

/// The link step value.
pub static HAILUO_LINK: HailuoLink = HailuoLink;

use video_minimax::protocol as minimax;
pub use video_minimax::protocol::{MINIMAX_CODES, minimax_status};

/// What `model` accepts (MiniMax's own rules).
pub(crate) fn capabilities(model: &str) -> Capabilities {
    minimax::capabilities(model)
}

impl Family for Hailuo {
    fn name(&self) -> &'static str {
        "hailuo"
    }

    fn route(&self) -> &'static str {
        "MiniMax-Hailuo-query"
    }

    /// MiniMax's rules across fields ([`video_minimax::protocol::check`]).
    fn check(&self, model: &str, request: &VideoRequest) -> Result<(), VideoError> {
        minimax::check(model, request)
    }

    fn submit_body(&self, _model: &str, request: &VideoRequest) -> Result<Value, VideoError> {
        let mut body = json!({ "input": request.prompt });
        if let Value::Object(fields) = &mut body {
            fields.extend(minimax::frame_fields(request));
        }
        Ok(body)
    }

    fn submitted_id(&self, reply: &Value) -> Option<String> {
        text_at(reply, &["/task_id"])
    }

    fn query_input_key(&self) -> Option<&'static str> {
        Some("task_id")
    }

    fn task(&self, reply: Payload<'_>, id: &TaskId) -> Result<Task, VideoError> {
        let object = reply.json()?;
        let raw = text_at(object, &["/status"]).unwrap_or_default();
        let status = minimax_status(&raw);
        Ok(match status {
            TaskStatus::Succeeded => {
                // Journaled inside the locator: refused unless safe to store and send back.
                let file = text_at(object, &["/file_id"])
                    .filter(|file| minimax::is_sound_file_id(file))
                    .ok_or_else(|| {
                        VideoError::decode(Some(200), "Success without a sound file_id", b"")
                    })?;
                let mut task = snapshot(id, status, &raw);
                let locator = format!("{}/{file}", HAILUO_LINK.model());
                task.videos.push(Video::at(Locator::Provider(locator)));
                task
            }
            TaskStatus::Failed => {
                let code = text_at(object, &["/base_resp/status_code"]).filter(|c| c != "0");
                let message = text_at(object, &["/base_resp/status_msg"]);
                failed(id, &raw, reason(code, message).or(Some(raw.clone())))
            }
            other => snapshot(id, other, &raw),
        })
    }

    /// A non-zero `base_resp.status_code` is an error whatever the HTTP status — except on
    /// a query reply that reports a failed task (its code is the failure's reason).
    fn vendor_error(&self, body: &Value) -> Option<VendorError> {
        let code = body.pointer("/base_resp/status_code")?.as_i64()?;
        let task_failed = text_at(body, &["/status"])
            .is_some_and(|raw| minimax_status(&raw) == TaskStatus::Failed);
        (code != 0 && !task_failed).then(|| VendorError {
            kind: MINIMAX_CODES.kind_of(code),
            code: code.to_string(),
            message: text_at(body, &["/base_resp/status_msg"])
                .unwrap_or_else(|| format!("MiniMax error {code}")),
        })
    }

    fn is_content_failure(&self, message: &str) -> bool {
        minimax::is_content_failure(message)
    }

    fn link_step(&self) -> Option<&'static dyn LinkStep> {
        Some(&HAILUO_LINK)
    }
}

impl LinkStep for HailuoLink {
    fn model(&self) -> &'static str {
        "MiniMax-Hailuo-get"
    }

    /// The file id as the documented example writes it: a string (the reply's number is
    /// read as text, never through a float).
    fn input(&self, reference: &str) -> Value {
        json!({ "file_id": reference })
    }

    fn link(&self, reply: &Value) -> Option<String> {
        text_at(reply, &["/file/download_url"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::reply_of;
    use video_core::Resolution;
    use video_http::wire::ErrorKind;
    use video_minimax::protocol::HAILUO_2_3_FAST as FAST;

    #[test]
    fn the_three_steps_read_the_documented_replies() {
        let id = TaskId::new("418192546140443");
        let reply = reply_of("dmx-minimax-hailuo_submit_reply");
        assert_eq!(HAILUO.submitted_id(&reply).as_deref(), Some(id.as_str()));
        let read = |name: &str| HAILUO.task(Payload::Json(&reply_of(name)), &id).unwrap();
        let done = read("dmx-minimax-hailuo_query_reply_success");
        assert_eq!(
            done.videos[0].locator.provider_ref(),
            Some("MiniMax-Hailuo-get/418201399554182")
        );
        assert_eq!(
            read("dmx-minimax-hailuo_query_reply_processing").status,
            TaskStatus::Processing
        );
        let fail = reply_of("dmx-minimax-hailuo_query_reply_fail");
        assert!(
            HAILUO.vendor_error(&fail).is_none(),
            "a failed task is not an error"
        );
        let failed = read("dmx-minimax-hailuo_query_reply_fail");
        assert!(HAILUO.is_content_failure(failed.status_message.as_deref().unwrap()));
        let link = HAILUO_LINK
            .link(&reply_of("dmx-minimax-hailuo_get_reply"))
            .unwrap();
        assert!(link.starts_with("https://public-cdn-video-data-algeng"));
        let hostile = json!({"status": "Success", "file_id": "../x/\u{1b}[2J"});
        assert!(HAILUO.task(Payload::Json(&hostile), &id).is_err());
        let refused = json!({"base_resp": {"status_code": 1004, "status_msg": "auth"}});
        assert_eq!(
            HAILUO.vendor_error(&refused).unwrap().kind,
            ErrorKind::Unauthorized
        );
    }

    #[test]
    fn the_cross_field_rules_hold() {
        let text = |seconds, resolution| {
            VideoRequest::builder("x")
                .duration_secs(seconds)
                .resolution(resolution)
                .build()
        };
        assert!(
            HAILUO
                .check("MiniMax-Hailuo-2.3", &text(6, Resolution::P1080))
                .is_ok()
        );
        assert!(
            HAILUO
                .check("MiniMax-Hailuo-2.3", &text(10, Resolution::P1080))
                .is_err()
        );
        assert!(
            HAILUO
                .check("MiniMax-Hailuo-02", &text(6, Resolution::P512))
                .is_err()
        );
        assert!(HAILUO.check(FAST, &text(6, Resolution::P768)).is_err());
    }
}
