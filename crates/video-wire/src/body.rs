//! Building request bodies and URLs: a request's extra options without the keys a provider
//! owns ([`extras_without`]), and a configured base URL normalised to its host root
//! ([`host_root`]).

use serde_json::{Map, Value};
use url::Url;
use video_core::{VideoError, VideoRequest};

/// The request's extra options to pass through: without the keys in `reserved` (the
/// provider's typed fields and keys it sets itself: typed fields win, so extras cannot
/// bypass validation; each one dropped is logged) and without the keys in `consumed`
/// (options the provider reads into typed fields itself, e.g. `cfg_scale`).
///
/// ```
/// use serde_json::json;
/// use video_core::VideoRequest;
/// let request = VideoRequest::builder("fox")
///     .extra("cfg_scale", json!(0.5))
///     .extra("model", json!("x"))
///     .extra("style", json!("anime"))
///     .build();
/// let extras = video_wire::extras_without(&request, &["model", "prompt"], &["cfg_scale"]);
/// assert_eq!(extras.len(), 1);
/// assert_eq!(extras["style"], json!("anime"));
/// ```
pub fn extras_without(
    request: &VideoRequest,
    reserved: &[&str],
    consumed: &[&str],
) -> Map<String, Value> {
    request
        .extra
        .iter()
        .filter(|(key, _)| {
            let key = key.as_str();
            if consumed.contains(&key) {
                return false;
            }
            let owned = reserved.contains(&key);
            if owned {
                tracing::warn!(option = ?key, "extra option names a field the provider sets; dropped");
            }
            !owned
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// A configured base URL as the host root with a trailing `/` (paths are joined onto it):
/// surrounding space, a query, a fragment and any of the `api_suffixes` (e.g. `/v1`,
/// `/v1/responses`) at the end of the path are dropped, so users may paste any of the
/// forms a provider's documentation shows.
///
/// ```
/// let root = video_wire::host_root(" https://api.example/v1/ ", &["/v1"]).unwrap();
/// assert_eq!(root.as_str(), "https://api.example/");
/// let proxied = video_wire::host_root("https://gw.example/proxy/v1?x=1", &["/v1"]).unwrap();
/// assert_eq!(proxied.as_str(), "https://gw.example/proxy/");
/// ```
///
/// # Errors
/// [`VideoError::Configuration`] for a value that is not an http(s) URL with a host.
pub fn host_root(base: &str, api_suffixes: &[&str]) -> Result<Url, VideoError> {
    let invalid = |reason: &str| VideoError::configuration(format!("invalid base URL: {reason}"));
    let mut url = Url::parse(base.trim()).map_err(|_| invalid("not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid("must be an http or https URL with a host"));
    }
    let mut path = url.path().trim_end_matches('/').to_owned();
    if let Some(stripped) = api_suffixes
        .iter()
        .find_map(|suffix| path.strip_suffix(suffix))
    {
        path = stripped.trim_end_matches('/').to_owned();
    }
    url.set_path(&format!("{path}/"));
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_become_host_roots() {
        for (given, root) in [
            ("https://www.dmxapi.cn", "https://www.dmxapi.cn/"),
            (
                "https://www.dmxapi.cn/v1/responses",
                "https://www.dmxapi.cn/",
            ),
            ("https://www.dmxapi.cn/v1", "https://www.dmxapi.cn/"),
            ("http://127.0.0.1:8080/#x", "http://127.0.0.1:8080/"),
        ] {
            assert_eq!(
                host_root(given, &["/v1/responses", "/v1"])
                    .unwrap()
                    .as_str(),
                root
            );
        }
        for bad in ["", "ftp://x.example", "not a url", "file:///etc"] {
            assert!(matches!(
                host_root(bad, &[]),
                Err(VideoError::Configuration { .. })
            ));
        }
    }
}

/// `base` with `segments` appended, each percent-encoded as exactly one path segment: a
/// hostile id like `../../x` or `a/b?c` cannot move the request elsewhere.
///
/// ```
/// let base = url::Url::parse("https://api.example/v1/").unwrap();
/// let url = video_wire::endpoint(&base, &["videos", "../../x", "content"]).unwrap();
/// assert_eq!(url.as_str(), "https://api.example/v1/videos/..%2F..%2Fx/content");
/// ```
///
/// # Errors
/// [`VideoError::InvalidRequest`] (field `task_id`) for an empty segment or one that is only
/// dots (which a server would read as a path step).
pub fn endpoint(base: &Url, segments: &[&str]) -> Result<Url, VideoError> {
    let mut url = base.clone();
    if segments
        .iter()
        .any(|s| s.is_empty() || s.chars().all(|c| c == '.'))
    {
        return Err(VideoError::invalid("task_id", "is not a usable id"));
    }
    let mut path = url
        .path_segments_mut()
        .map_err(|()| VideoError::configuration("the base URL cannot take a path"))?;
    path.pop_if_empty().extend(segments);
    drop(path);
    Ok(url)
}

#[cfg(test)]
mod endpoint_tests {
    use super::*;

    #[test]
    fn ids_stay_one_segment_and_dot_ids_are_refused() {
        let base = Url::parse("https://api.example/proxy/").unwrap();
        let url = endpoint(&base, &["v1", "videos", "a/b?c#d"]).unwrap();
        assert_eq!(
            url.as_str(),
            "https://api.example/proxy/v1/videos/a%2Fb%3Fc%23d"
        );
        assert!(endpoint(&base, &["videos", ".."]).is_err());
        assert!(endpoint(&base, &["videos", ""]).is_err());
    }
}
