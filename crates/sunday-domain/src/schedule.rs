//! When scheduled triggers fire: an `every` trigger's occurrences in a window of time, and
//! the instant a date cell's `date_arrives` trigger fires. Pure, so the scheduler's catch-up
//! (one window per tick, or one long window after downtime) is a property: any split of a
//! window into consecutive windows yields the same occurrences.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use sunday_types::{automations::Period, cells::DateValue, ApiError};

/// The default time of day of a trigger on a date without a time.
pub const DEFAULT_AT: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => panic!("09:00 is a time"),
};

/// Most occurrences one window yields: after a long downtime a daily recipe runs for the
/// latest days missed, not for every one.
pub const MAX_CATCH_UP: usize = 10;

/// Reads `HH:MM`.
pub fn parse_at(field: &str, text: &str) -> Result<NaiveTime, ApiError> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|_| ApiError::validation(field, "bad_time", format!("`{text}` is not a time of day as HH:MM")))
}

/// Reads an IANA time zone name (UTC when absent).
pub fn parse_zone(field: &str, name: Option<&str>) -> Result<Tz, ApiError> {
    match name {
        None => Ok(Tz::UTC),
        Some(n) => n.parse::<Tz>().map_err(|_| {
            ApiError::validation(field, "unknown_time_zone", format!("`{n}` is not a known IANA time zone"))
        }),
    }
}

/// A local date and time as an instant; a time skipped by a DST change moves an hour later.
fn instant(tz: Tz, day: NaiveDate, at: NaiveTime) -> Option<DateTime<Utc>> {
    let local = day.and_time(at);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
        LocalResult::None => tz.from_local_datetime(&(local + Duration::hours(1))).earliest().map(|t| t.to_utc()),
    }
}

fn last_day_of_month(day: NaiveDate) -> u32 {
    let (y, m) = if day.month() == 12 { (day.year() + 1, 1) } else { (day.year(), day.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt()).map_or(28, |d| d.day())
}

/// When an `every` trigger fires.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Every {
    pub period: Period,
    pub at: NaiveTime,
    /// 1 (Monday) to 7, for weeks.
    pub weekday: u8,
    /// 1 to 31, for months.
    pub day: u8,
    pub tz: Tz,
}

impl Every {
    fn on(&self, d: NaiveDate) -> bool {
        match self.period {
            Period::Day => true,
            Period::Week => d.weekday().number_from_monday() == u32::from(self.weekday),
            Period::Month => d.day() == u32::from(self.day).min(last_day_of_month(d)),
        }
    }

    /// The instants in `(after, until]` at which it fires, oldest first: the latest
    /// [`MAX_CATCH_UP`] of them.
    pub fn occurrences(&self, after: DateTime<Utc>, until: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        if until <= after {
            return vec![];
        }
        // Only the last occurrences are kept: a window longer than a year starts a year back.
        let after = after.max(until - Duration::days(400));
        let first = after.with_timezone(&self.tz).date_naive() - Duration::days(1);
        let last = until.with_timezone(&self.tz).date_naive() + Duration::days(1);
        let mut out = vec![];
        let mut d = first;
        while d <= last {
            if self.on(d) {
                if let Some(t) = instant(self.tz, d, self.at) {
                    if t > after && t <= until {
                        out.push(t);
                    }
                }
            }
            d += Duration::days(1);
        }
        let skip = out.len().saturating_sub(MAX_CATCH_UP);
        out.drain(..skip);
        out
    }
}

/// The instant a date cell's trigger fires: the date moved by `offset_days`, at `at` in
/// `tz` for a calendar day, or the instant itself moved for a date with a time.
pub fn arrives_at(value: DateValue, offset_days: i32, at: NaiveTime, tz: Tz) -> Option<DateTime<Utc>> {
    let offset = Duration::days(i64::from(offset_days));
    match value {
        DateValue::Day(d) => instant(tz, d.checked_add_signed(offset)?, at),
        DateValue::At(t) => t.checked_add_signed(offset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn daily(at: &str, tz: &str) -> Every {
        Every { period: Period::Day, at: parse_at("at", at).unwrap(), weekday: 1, day: 1, tz: tz.parse().unwrap() }
    }

    #[test]
    fn daily_at_nine_in_the_boards_zone() {
        let e = daily("09:00", "Europe/Paris");
        let got = e.occurrences(utc("2026-12-01T00:00:00Z"), utc("2026-12-03T12:00:00Z"));
        let want: Vec<_> =
            ["2026-12-01T08:00:00Z", "2026-12-02T08:00:00Z", "2026-12-03T08:00:00Z"].iter().map(|s| utc(s)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn weekly_and_monthly_on_their_day() {
        let monday = Every { period: Period::Week, weekday: 1, ..daily("10:30", "UTC") };
        let got = monday.occurrences(utc("2026-11-30T10:30:00Z"), utc("2026-12-15T00:00:00Z"));
        assert_eq!(
            got,
            vec![utc("2026-12-07T10:30:00Z"), utc("2026-12-14T10:30:00Z")],
            "the first instant is excluded"
        );
        let end = Every { period: Period::Month, day: 31, ..daily("00:00", "UTC") };
        let got = end.occurrences(utc("2027-01-15T00:00:00Z"), utc("2027-04-15T00:00:00Z"));
        assert_eq!(got, vec![utc("2027-01-31T00:00:00Z"), utc("2027-02-28T00:00:00Z"), utc("2027-03-31T00:00:00Z")]);
    }

    #[test]
    fn a_time_skipped_by_dst_fires_an_hour_later() {
        let e = daily("02:30", "Europe/Paris");
        let got = e.occurrences(utc("2027-03-27T12:00:00Z"), utc("2027-03-28T12:00:00Z"));
        assert_eq!(got, vec![utc("2027-03-28T01:30:00Z")], "03:30 CEST");
    }

    #[test]
    fn a_long_downtime_catches_up_the_latest_only() {
        let e = daily("09:00", "UTC");
        let got = e.occurrences(utc("2025-01-01T00:00:00Z"), utc("2026-12-03T10:00:00Z"));
        assert_eq!(got.len(), MAX_CATCH_UP);
        assert_eq!(got.last(), Some(&utc("2026-12-03T09:00:00Z")));
    }

    #[test]
    fn dates_arrive_with_their_offset() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let due = DateValue::Day(NaiveDate::from_ymd_opt(2026, 12, 10).unwrap());
        assert_eq!(arrives_at(due, -3, DEFAULT_AT, paris), Some(utc("2026-12-07T08:00:00Z")));
        let at = DateValue::At(utc("2026-12-10T15:00:00Z"));
        assert_eq!(arrives_at(at, 1, DEFAULT_AT, paris), Some(utc("2026-12-11T15:00:00Z")));
    }

    #[test]
    fn times_and_zones_are_checked() {
        assert!(parse_at("at", "9:00").is_ok());
        assert_eq!(parse_at("at", "25:00").unwrap_err().code, sunday_types::ErrorCode::ValidationFailed);
        assert!(parse_zone("tz", Some("Mars/Olympus")).is_err());
    }

    fn every() -> impl Strategy<Value = Every> {
        let zones = prop::sample::select(vec!["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"]);
        (0u8..3, 0u32..24, 0u32..60, 1u8..=7, 1u8..=31, zones).prop_map(|(p, h, m, w, d, z)| Every {
            period: [Period::Day, Period::Week, Period::Month][p as usize],
            at: NaiveTime::from_hms_opt(h, m, 0).unwrap(),
            weekday: w,
            day: d,
            tz: z.parse().unwrap(),
        })
    }

    proptest! {
        /// The scheduler's ticks split time into consecutive windows: however it is split, the
        /// same occurrences come out, each once, in order and inside its window.
        #[test]
        fn windows_split_anywhere_yield_the_same_occurrences(
            e in every(),
            start in 1_700_000_000i64..1_900_000_000,
            cuts in prop::collection::vec(0i64..8 * 86_400, 1..6),
        ) {
            let t = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
            let mut bounds: Vec<i64> = cuts.iter().map(|c| start + c).collect();
            bounds.sort();
            let end = start + 8 * 86_400;
            let whole = Every::occurrences(&e, t(start), t(end));
            let whole_count = whole.len();
            prop_assume!(whole_count < MAX_CATCH_UP);
            let mut pieces = vec![];
            let mut from = start;
            for b in bounds.into_iter().chain([end]) {
                let part = e.occurrences(t(from), t(b));
                prop_assert!(part.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(part.iter().all(|x| *x > t(from) && *x <= t(b)));
                pieces.extend(part);
                from = b;
            }
            prop_assert_eq!(pieces, whole);
        }
    }
}
