//! Calendar dates in UTC, without a date library: `--since YYYY-MM-DD` and times shown as
//! `2026-12-04 10:21 UTC` (Howard Hinnant's civil-date algorithms).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use video_core::VideoError;

/// The start of day `text` (`YYYY-MM-DD`, UTC).
pub(crate) fn day_start(text: &str) -> Result<SystemTime, VideoError> {
    let bad = || VideoError::invalid("--since", format!("`{text}` is not a date like 2026-12-04"));
    let mut parts = text.trim().splitn(3, '-').map(str::parse::<i64>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = u64::try_from(days * 86_400).map_err(|_| bad())?;
    Ok(UNIX_EPOCH + Duration::from_secs(seconds))
}

/// `2026-12-04 10:21 UTC`.
pub(crate) fn utc_minutes(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let minutes = seconds % 86_400 / 60;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
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
