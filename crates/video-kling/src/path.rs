//! Kling's paths: `/v1/videos/{family}` and `/v1/videos/{family}/{id}`, with the id
//! percent-encoded as one path segment (a hostile id like `../../x` cannot move the
//! request elsewhere).

use url::Url;
use video_core::{Mode, VideoError};

/// The endpoint family (and task route) of a mode.
pub(crate) fn family(mode: Mode) -> &'static str {
    match mode {
        Mode::ImageToVideo => "image2video",
        _ => "text2video",
    }
}

/// `<base>v1/videos/<family>/<id>`, the id as one percent-encoded segment.
///
/// # Errors
/// [`VideoError::InvalidRequest`] (field `task_id`) for an empty id or one that is only dots.
pub(crate) fn task_url(base: &Url, family: &str, id: &str) -> Result<Url, VideoError> {
    video_http::wire::endpoint(base, &["v1", "videos", family, id])
}

/// `<base>v1/videos/<family>`: where tasks of a family are created and listed.
///
/// # Errors
/// [`VideoError::Configuration`] for a base URL that cannot take a path.
pub(crate) fn family_url(base: &Url, family: &str) -> Result<Url, VideoError> {
    video_http::wire::endpoint(base, &["v1", "videos", family])
}

/// `<base>v1/videos/<family>?pageNum=<page>&pageSize=<size>`.
pub(crate) fn list_url(base: &Url, family: &str, page: u32, size: u32) -> Result<Url, VideoError> {
    let mut url = family_url(base, family)?;
    url.query_pairs_mut()
        .append_pair("pageNum", &page.to_string())
        .append_pair("pageSize", &size.to_string());
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_one_segment() {
        let base = Url::parse("https://api.example.com/proxy/").unwrap();
        let url = |id| task_url(&base, "text2video", id).map(|u| u.to_string());
        assert_eq!(
            url("871234567890123456").unwrap(),
            "https://api.example.com/proxy/v1/videos/text2video/871234567890123456"
        );
        assert_eq!(
            url("../../x").unwrap(),
            "https://api.example.com/proxy/v1/videos/text2video/..%2F..%2Fx"
        );
        assert_eq!(
            url("a b?c#d").unwrap(),
            "https://api.example.com/proxy/v1/videos/text2video/a%20b%3Fc%23d"
        );
        assert!(url("..").is_err() && url("").is_err());
        assert_eq!(
            list_url(&base, "image2video", 1, 500).unwrap().as_str(),
            "https://api.example.com/proxy/v1/videos/image2video?pageNum=1&pageSize=500"
        );
    }
}
