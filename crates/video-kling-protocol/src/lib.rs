//! # video-kling-protocol
//!
//! What every way of reaching Kling shares, written once: the task object and its statuses
//! ([`TaskData`], [`task_from_data`]), the reply envelope ([`Envelope`]), the business error
//! codes and the [`video_core::VideoError`] each means ([`codes`]), which failure messages
//! are content-policy rejections ([`failure_error`]), the callback body ([`parse_callback`])
//! webhook signatures ([`verify_webhook`]) and the HS256 tokens Kling's own API reads
//! ([`jwt`]). Kling's own API (`video-kling`) and the
//! DMXAPI relay (`video-kling-dmx`) both build on it; each keeps only what is true of its
//! wire (endpoints, auth, request bodies, the relay's envelope and SSE text).
//!
//! Pure functions and types: no I/O, tested on the protocol notes' fixtures.

mod callback;
pub mod codes;
mod envelope;
mod failure;
pub mod jwt;
mod mac;
mod options;
mod task;
mod webhook;

pub use callback::parse_callback;
pub use codes::{
    Call, ErrorContext, ErrorKind, KLING_CODES, error_for, invalid_field, is_token_time_error,
    kind_of_code,
};
pub use envelope::Envelope;
pub use failure::{CONTENT_MARKERS, failure_error, is_content_rejection};
pub use options::{MAX_VOICES, mode, sound, voice_ids};
pub use task::{
    BalanceDeduction, TaskData, TaskInfo, TaskResult, WireVideo, parse_seconds, status,
    task_from_data,
};
pub use webhook::{
    DEFAULT_WEBHOOK_TOLERANCE, WebhookError, WebhookHeaders, WebhookSecret, verify_webhook,
};
