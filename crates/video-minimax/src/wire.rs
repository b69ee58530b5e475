//! MiniMax's v1 replies (`protocol/minimax.md` §3–§7), read tolerantly: ids as strings or
//! numbers, missing keys as absent, unknown keys ignored.

use serde::Deserialize;
use video_http::wire::lenient;

/// `base_resp`: `status_code` 0 is success; anything else an error (usually with HTTP 200).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct BaseResp {
    #[serde(default, deserialize_with = "lenient::i64")]
    pub(crate) status_code: Option<i64>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) status_msg: Option<String>,
}

/// The create, query and file replies in one shape (each reads the keys it needs).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Reply {
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) task_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) status: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) file_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub(crate) base_resp: Option<BaseResp>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub(crate) file: Option<File>,
    /// The envelope other MiniMax endpoints answer a failure with (v2 style, HTTP 401):
    /// `{"type":"error","error":{"type","message","http_code"}}`.
    #[serde(default, deserialize_with = "lenient::object")]
    pub(crate) error: Option<V2Error>,
}

/// `file` of `files/retrieve`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct File {
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) download_url: Option<String>,
}

/// The v2 error object.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct V2Error {
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub(crate) kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub(crate) message: Option<String>,
}
