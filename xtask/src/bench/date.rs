//! The report's date line.

use gaaf_data::UtcTime;

/// The current UTC time as `YYYY-MM-DD HH:MM UTC`.
pub(super) fn utc_now() -> String {
    utc(UtcTime::now())
}

/// `t` as `YYYY-MM-DD HH:MM UTC`.
fn utc(t: UtcTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year, t.month, t.day, t.hour, t.minute
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        assert_eq!(utc(UtcTime::from_unix(0)), "1970-01-01 00:00 UTC");
        assert_eq!(utc(UtcTime::from_unix(951_827_640)), "2000-02-29 12:34 UTC");
        let d = utc_now();
        assert!(d.starts_with("20") && d.ends_with(" UTC"), "{d}");
    }
}
