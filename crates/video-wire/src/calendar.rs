//! Proleptic Gregorian dates as days since 1970-01-01, both ways (Howard Hinnant's
//! civil-date algorithms), for the timestamps wire formats carry: signed links' dates, a
//! fake's RFC 3339 times, a CLI's `--since YYYY-MM-DD`. No date library needed.

/// Days since 1970-01-01 of `year-month-day` (`None` before 1970). Month and day are taken
/// as given (a day past the month's end runs on into the next month).
///
/// ```
/// assert_eq!(video_wire::calendar::days_from_civil(1970, 1, 1), Some(0));
/// assert_eq!(video_wire::calendar::days_from_civil(2026, 12, 4), Some(20_791));
/// ```
pub fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    let year = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = year / 400;
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day.checked_sub(1)?;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    (era * 146_097 + day_of_era).checked_sub(719_468)
}

/// The date (`year`, `month` 1–12, `day` 1–31) `days` after 1970-01-01.
///
/// ```
/// assert_eq!(video_wire::calendar::civil_from_days(0), (1970, 1, 1));
/// assert_eq!(video_wire::calendar::civil_from_days(19_782), (2024, 2, 29));
/// ```
pub fn civil_from_days(days: u64) -> (u64, u32, u32) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    // Both fit: a day is 1–31 and a month 1–12 by construction.
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_day_of_four_centuries_goes_both_ways() {
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(1969, 12, 31), None);
        assert_eq!(days_from_civil(2026, 1, 0), None);
        for days in 0..146_097 * 4 {
            let (year, month, day) = civil_from_days(days);
            assert!(
                (1..=12).contains(&month) && (1..=31).contains(&day),
                "{days}"
            );
            assert_eq!(
                days_from_civil(year, month.into(), day.into()),
                Some(days),
                "{year}-{month}-{day}"
            );
        }
    }
}
