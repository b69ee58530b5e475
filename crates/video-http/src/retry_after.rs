//! `Retry-After`: whole or decimal seconds, or an HTTP date.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The longest `Retry-After` taken from a reply (either form): a day.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

/// The `Retry-After` of a reply, counted from now; `None` when absent or unreadable.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

/// A `Retry-After` value: seconds (`120`, `1.5`), or an HTTP date (any form `httpdate`
/// reads: IMF-fixdate, RFC 850, asctime) counted from `now`. Capped at
/// [`MAX_RETRY_AFTER`]; a date in the past is zero; anything else is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(MAX_RETRY_AFTER.as_secs_f64())));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(now)
            .unwrap_or_default()
            .min(MAX_RETRY_AFTER),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        // Sun, 06 Nov 1994 08:49:37 GMT
        SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777)
    }

    #[test]
    fn seconds_and_dates() {
        assert_eq!(parse_retry_after("3", now()), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after(" 1.5 ", now()),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now()),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", now()),
            Some(Duration::from_secs(60)),
            "RFC 850"
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now()),
            Some(Duration::ZERO),
            "a past date"
        );
    }

    #[test]
    fn garbage_and_extremes() {
        for bad in [
            "",
            "-1",
            "soon",
            "NaN",
            "inf",
            "Sun, 99 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 99:49:37 GMT",
            "Sun, 06 Nov 9000000000000000000 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now()), None, "{bad}");
        }
        assert_eq!(parse_retry_after("1e12", now()), Some(MAX_RETRY_AFTER));
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now()),
            Some(MAX_RETRY_AFTER)
        );
    }
}
