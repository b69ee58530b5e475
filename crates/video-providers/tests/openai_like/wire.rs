//! The OpenAI-videos wire types (`../shared/protocol/openai-videos.md` §4, §7), read
//! tolerantly: missing equals null, numbers may be strings, unknown fields are ignored; and
//! its error-code table.

use serde::Deserialize;
use video_core::RateLimitScope;
use video_http::wire::{ErrorKind, NamedCodes, lenient};

/// The `video` object (create and retrieve replies).
#[derive(Debug, Deserialize)]
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
    #[serde(default, deserialize_with = "lenient::object")]
    pub(crate) error: Option<ApiError>,
}

/// `{"error": {message, type, param, code}}`, and a failed video's `error`.
#[derive(Debug, Default, Deserialize)]
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

/// The codes the notes document (§7); anything else is read from the HTTP status.
pub(crate) const CODES: NamedCodes = NamedCodes(&[
    ("invalid_api_key", ErrorKind::Unauthorized),
    ("insufficient_quota", ErrorKind::Quota),
    ("moderation_blocked", ErrorKind::Content),
    ("sentinel_block", ErrorKind::Content),
    (
        "rate_limit_exceeded",
        ErrorKind::Rate(RateLimitScope::Requests, None),
    ),
]);
