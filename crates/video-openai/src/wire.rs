//! The `/v1/videos` wire types (`../shared/protocol/openai-videos.md` §4, §5, §7), read
//! tolerantly: a missing key equals `null`, numbers may come as strings, unknown fields are
//! ignored; and the error-code table.

use serde::Deserialize;
use video_core::RateLimitScope;
use video_http::wire::{ErrorKind, NamedCodes, lenient};

/// The `video` object (create, retrieve and list replies).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct VideoObject {
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub(crate) id: String,
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub(crate) status: String,
    #[serde(default, deserialize_with = "lenient::f64")]
    pub(crate) progress: Option<f64>,
    #[serde(default, deserialize_with = "lenient::u64")]
    pub(crate) created_at: Option<u64>,
    #[serde(default, deserialize_with = "lenient::u64")]
    pub(crate) expires_at: Option<u64>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) seconds: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) size: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) model: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) prompt: Option<String>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub(crate) error: Option<ApiError>,
}

/// A list page: `{object: "list", data: [video…], first_id, last_id, has_more}`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListPage {
    #[serde(default, deserialize_with = "lenient::list")]
    pub(crate) data: Vec<VideoObject>,
}

/// `{"id", "object": "video.deleted", "deleted"}`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Deleted {
    #[serde(default)]
    pub(crate) deleted: Option<bool>,
}

/// `{message, type, param, code}`: an error reply's `error`, and a failed video's.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ApiError {
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) message: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub(crate) kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) code: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) param: Option<String>,
}

/// An error reply's body.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorEnvelope {
    #[serde(default, deserialize_with = "lenient::object")]
    pub(crate) error: Option<ApiError>,
}

/// The codes and types the notes document (§7); anything else is read from the HTTP status.
pub(crate) const CODES: NamedCodes = NamedCodes(&[
    ("invalid_api_key", ErrorKind::Unauthorized),
    ("insufficient_quota", ErrorKind::Quota),
    ("moderation_blocked", ErrorKind::Content),
    ("sentinel_block", ErrorKind::Content),
    ("content_policy_violation", ErrorKind::Content),
    ("invalid_value", ErrorKind::Invalid),
    ("model_not_found", ErrorKind::UnknownResource),
    ("server_error", ErrorKind::Transient),
    (
        "rate_limit_exceeded",
        ErrorKind::Rate(RateLimitScope::Requests, None),
    ),
]);
