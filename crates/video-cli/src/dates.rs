//! Calendar dates in UTC, without a date library: `--since YYYY-MM-DD` and times shown as
//! `2026-12-04 10:21 UTC` (the arithmetic is `video_wire::calendar`'s).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use video_core::VideoError;
use video_wire::calendar::{civil_from_days, days_from_civil};

/// The start of day `text` (`YYYY-MM-DD`, UTC).
pub(crate) fn day_start(text: &str) -> Result<SystemTime, VideoError> {
    let bad = || VideoError::invalid("--since", format!("`{text}` is not a date like 2026-12-04"));
    let mut parts = text.trim().splitn(3, '-').map(str::parse::<u64>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    let days = days_from_civil(year, month, day).ok_or_else(bad)?;
    Ok(UNIX_EPOCH + Duration::from_secs(days * 86_400))
}

/// `2026-12-04 10:21 UTC`.
pub(crate) fn utc_minutes(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let minutes = seconds % 86_400 / 60;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_utc_midnight_and_shown_back() {
        let day = day_start("2026-12-04").unwrap();
        assert_eq!(
            day.duration_since(UNIX_EPOCH).unwrap().as_secs(),
            1_796_342_400
        );
        assert_eq!(day_start("1970-01-01").unwrap(), UNIX_EPOCH);
        for bad in ["2026-13-01", "yesterday", "2026-12", "1969-12-31"] {
            assert!(day_start(bad).is_err(), "{bad}");
        }
        assert_eq!(
            utc_minutes(day + Duration::from_secs(37_260)),
            "2026-12-04 10:21 UTC"
        );
        assert_eq!(
            utc_minutes(day_start("2024-02-29").unwrap()),
            "2024-02-29 00:00 UTC"
        );
    }
}
