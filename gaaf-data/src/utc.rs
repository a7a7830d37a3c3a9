//! UTC dates for the files results are written with (report lines, file
//! names), without a date crate: the civil-from-days algorithm of Howard
//! Hinnant's date library, proleptic Gregorian calendar.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A UTC date and time to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct UtcTime {
    /// The year.
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub minute: u32,
    /// 0..=59.
    pub second: u32,
}

impl UtcTime {
    /// `secs` seconds after the Unix epoch (before it when negative).
    ///
    /// ```
    /// use gaaf_data::UtcTime;
    ///
    /// assert_eq!(UtcTime::from_unix(951_827_640).to_string(), "2000-02-29T12:34:00Z");
    /// ```
    pub fn from_unix(secs: i64) -> Self {
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        // Every quantity below is in range by construction (day 1..=31,
        // month 1..=12, rem < 86,400).
        Self {
            year: yoe + era * 400 + i64::from(month <= 2),
            month: month as u32,
            day: day as u32,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
        }
    }

    /// The current time (the Unix epoch if the clock is before it).
    pub fn now() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_unix(i64::try_from(secs).unwrap_or(i64::MAX))
    }
}

impl fmt::Display for UtcTime {
    /// RFC 3339: `YYYY-MM-DDTHH:MM:SSZ`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        let t = |s| UtcTime::from_unix(s).to_string();
        assert_eq!(t(0), "1970-01-01T00:00:00Z");
        // A leap day in a century leap year.
        assert_eq!(t(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(t(1_798_329_599), "2026-12-26T23:59:59Z");
        assert_eq!(t(1_796_300_000), "2026-12-03T12:13:20Z");
        assert_eq!(t(-1), "1969-12-31T23:59:59Z");
        assert!(UtcTime::now().year >= 2026);
    }
}
