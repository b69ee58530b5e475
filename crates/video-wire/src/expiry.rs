//! When a pre-signed link stops working, read from its own query string: S3-style
//! (`X-Amz-Date` + `X-Amz-Expires`), Volcengine TOS (`X-Tos-Date` + `X-Tos-Expires`) and
//! Alibaba OSS (`Expires`, Unix seconds). A provider sets it as the video's `expires_at`, so
//! a journaled link that has outlived it is refreshed before a download is even tried.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::calendar::days_from_civil;

/// The moment the signed `url` expires, when its query string says (`None` otherwise, or
/// for values that do not parse).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let url = "https://cdn.example/v.mp4?X-Amz-Date=20260507T100011Z&X-Amz-Expires=86400&x=1";
/// let expiry = video_wire::signed_url_expiry(url).unwrap();
/// assert_eq!(expiry, UNIX_EPOCH + Duration::from_secs(1_778_148_011 + 86_400));
/// assert!(video_wire::signed_url_expiry("https://cdn.example/v.mp4").is_none());
/// ```
pub fn signed_url_expiry(url: &str) -> Option<SystemTime> {
    let url = url::Url::parse(url).ok()?;
    let mut date = None;
    let mut lifetime = None;
    let mut expires = None;
    for (key, value) in url.query_pairs() {
        match key.to_ascii_lowercase().as_str() {
            "x-amz-date" | "x-tos-date" => date = parse_stamp(&value),
            "x-amz-expires" | "x-tos-expires" => lifetime = value.parse::<u64>().ok(),
            "expires" => expires = value.parse::<u64>().ok(),
            _ => {}
        }
    }
    let seconds = match (date, lifetime) {
        (Some(date), Some(lifetime)) => date.checked_add(lifetime)?,
        _ => expires?,
    };
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// `YYYYMMDDTHHMMSSZ` as Unix seconds.
fn parse_stamp(stamp: &str) -> Option<u64> {
    let digits = |range: std::ops::Range<usize>| stamp.get(range)?.parse::<u64>().ok();
    if stamp.len() != 16 || stamp.get(8..9) != Some("T") || !stamp.ends_with('Z') {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day)?;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second.min(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(time: SystemTime) -> u64 {
        time.duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    #[test]
    fn the_three_signing_styles_are_read() {
        let tos = "https://ark.example/v.mp4?X-Tos-Algorithm=TOS4&X-Tos-Date=20260403T092312Z&X-Tos-Expires=86400";
        assert_eq!(
            secs(signed_url_expiry(tos).unwrap()),
            1_775_208_192 + 86_400
        );
        let oss = "https://oss.example/v.mp4?Expires=1770874935&OSSAccessKeyId=x&Signature=y";
        assert_eq!(secs(signed_url_expiry(oss).unwrap()), 1_770_874_935);
    }

    #[test]
    fn nonsense_is_no_expiry() {
        for url in [
            "not a url",
            "https://x/v.mp4?X-Amz-Date=2026-05-07&X-Amz-Expires=86400",
            "https://x/v.mp4?X-Amz-Date=20261307T100011Z&X-Amz-Expires=86400",
            "https://x/v.mp4?X-Amz-Expires=86400",
            "https://x/v.mp4?Expires=soon",
            "https://x/v.mp4?Expires=18446744073709551615",
        ] {
            assert!(signed_url_expiry(url).is_none(), "{url}");
        }
    }
}
