//! The seam between the relay's mechanics and a vendor's knowledge: a [`Family`] says how
//! one vendor's models are asked for and how their replies read; [`ModelRow`] is one submit
//! model of a family, with what it accepts.

use std::fmt;

use serde_json::Value;
use video_core::{Capabilities, Task, TaskId, VideoError, VideoRequest};
use video_http::wire::ErrorKind;

/// A query's reply as the family reads it, the relay's envelope already opened (once, by
/// the relay's reader): the upstream's JSON object, its text, or nothing yet.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// The upstream's JSON object: a flat body, or an envelope's text parsed.
    Json(&'a Value),
    /// Text: a streamed reply's (every delta, then the completed text), or an envelope's
    /// text that is not JSON (completed); and whether the stream completed.
    Text {
        /// The text.
        text: &'a str,
        /// Whether the stream reached its end marker (else it was cut off or timed out).
        completed: bool,
    },
    /// An envelope without any text yet ("not ready, query again", as public clients read
    /// it).
    Pending,
}

impl<'a> Payload<'a> {
    /// The JSON body, for families whose query is never streamed.
    ///
    /// # Errors
    /// [`VideoError::Decode`] for text, or for an empty envelope.
    pub fn json(self) -> Result<&'a Value, VideoError> {
        match self {
            Self::Json(value) => Ok(value),
            Self::Text { .. } | Self::Pending => Err(VideoError::decode(
                Some(200),
                "text where a JSON object was expected",
                b"",
            )),
        }
    }
}

/// A vendor's business error found in a reply body (a `base_resp` code, Kling's `code`, an
/// error object), whatever the HTTP status.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorError {
    /// What it means.
    pub kind: ErrorKind,
    /// The vendor's code, as text.
    pub code: String,
    /// The vendor's message.
    pub message: String,
}

/// One vendor family on the relay: its submit body, its query route, its reply readers and
/// its code table. Implementations are unit structs holding no state; the relay provider
/// ([`crate::DmxProvider`]) does the HTTP.
pub trait Family: Send + Sync + fmt::Debug {
    /// The family's short name (`seedance`), for logs and docs.
    fn name(&self) -> &'static str;

    /// The query model: recorded as the task id's route, so a later process queries the
    /// task from the id alone.
    fn route(&self) -> &'static str;

    /// Whether the query is the streaming one (`"stream": true`, a text reply).
    fn streams(&self) -> bool {
        false
    }

    /// Extra options the family reads into typed fields itself (not passed through).
    fn consumed_options(&self) -> &'static [&'static str] {
        &[]
    }

    /// Rules across fields the capabilities cannot say ("1080P only at 6 s", "image-only
    /// model"), checked before anything is sent.
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] naming the field.
    fn check(&self, model: &str, request: &VideoRequest) -> Result<(), VideoError> {
        let _ = (model, request);
        Ok(())
    }

    /// The submit body for `model` (without `model`; the provider adds it).
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] for a typed option that does not fit.
    fn submit_body(&self, model: &str, request: &VideoRequest) -> Result<Value, VideoError>;

    /// The task id an accepted submission's reply names (`reply`: the upstream's object, a
    /// flat body or an envelope's text parsed).
    fn submitted_id(&self, reply: &Value) -> Option<String>;

    /// The key the query's `input` object holds the task id under (MiniMax:
    /// `{"task_id": id}`); `None` (the default) sends the id itself as `input`.
    fn query_input_key(&self) -> Option<&'static str> {
        None
    }

    /// A query's reply as a task snapshot (under `id`).
    ///
    /// # Errors
    /// [`VideoError::Decode`] for a reply that is not the family's.
    fn task(&self, reply: Payload<'_>, id: &TaskId) -> Result<Task, VideoError>;

    /// A business error in the upstream's object (a flat body, or an envelope's text parsed),
    /// when the vendor reports one there.
    fn vendor_error(&self, body: &Value) -> Option<VendorError> {
        let _ = body;
        None
    }

    /// Whether a failed task's message means a content policy refused it.
    fn is_content_failure(&self, message: &str) -> bool {
        video_kling_protocol::is_content_rejection(message)
    }

    /// The step that turns a video reference into a fresh link, for families whose result is
    /// a file id (MiniMax): the model to call and how to read its reply.
    fn link_step(&self) -> Option<&'static dyn LinkStep> {
        None
    }
}

/// A call that mints a short-lived download link from a reference (MiniMax's file id).
pub trait LinkStep: Send + Sync + fmt::Debug {
    /// The model the relay mints links with (`MiniMax-Hailuo-get`); also the prefix of the
    /// video's [`video_core::Locator::Provider`] reference, so a journaled locator names
    /// its own step.
    fn model(&self) -> &'static str;

    /// The call's `input` for `reference`.
    fn input(&self, reference: &str) -> Value;

    /// The link in the call's reply (the upstream's object).
    fn link(&self, reply: &Value) -> Option<String>;
}

/// One submit model the relay serves: its name as the relay's pages write it, its family,
/// what it accepts.
#[derive(Debug, Clone, Copy)]
pub struct ModelRow {
    /// The relay's model name (`doubao-seedance-2-0-260128`).
    pub name: &'static str,
    /// The family that speaks it.
    pub family: &'static dyn Family,
    /// Modes in words, for `video models` (`text, first frame, first+last`).
    pub modes: &'static str,
    /// What it accepts.
    pub capabilities: fn() -> Capabilities,
}
