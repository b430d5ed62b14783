//! Dates, instants, timelines and relative periods, across week, month and year boundaries and
//! in time zones where the local date is not the UTC date.

use chrono::NaiveDate;
use chrono_tz::{America::Los_Angeles, Europe::Berlin, Tz};
use serde_json::{json, Value};
use sunday_types::boards::{ColumnType as T, Item};

use super::{at, blank, check, cid, with};
use crate::filter::{DayRange, EvalContext, RelativePeriod};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ctx(now: &str, tz: Tz) -> EvalContext {
    EvalContext { now: at(now), tz, user: None }
}

fn date(item: &Item, op: &str, value: Value, ctx: &EvalContext) -> bool {
    check(item, &cid(T::Date), op, value, ctx)
}

#[test]
fn relative_periods_cover_the_documented_days() {
    let today = day("2026-11-27"); // a Friday
    let range = |p: RelativePeriod| p.range(today);
    assert_eq!(range(RelativePeriod::Today), DayRange::between(today, today));
    assert_eq!(range(RelativePeriod::Yesterday), DayRange::between(day("2026-11-26"), day("2026-11-26")));
    assert_eq!(range(RelativePeriod::Tomorrow), DayRange::between(day("2026-11-28"), day("2026-11-28")));
    assert_eq!(range(RelativePeriod::ThisWeek), DayRange::between(day("2026-11-23"), day("2026-11-29")));
    assert_eq!(range(RelativePeriod::LastWeek), DayRange::between(day("2026-11-16"), day("2026-11-22")));
    assert_eq!(range(RelativePeriod::NextWeek), DayRange::between(day("2026-11-30"), day("2026-12-06")));
    assert_eq!(range(RelativePeriod::ThisMonth), DayRange::between(day("2026-11-01"), day("2026-11-30")));
    assert_eq!(range(RelativePeriod::Overdue), DayRange { first: None, last: Some(day("2026-11-26")) });
    assert_eq!(range(RelativePeriod::Upcoming), DayRange { first: Some(day("2026-11-28")), last: None });
    // A Monday starts its own week; a Sunday ends it; weeks and months cross years.
    let week = |d: &str| RelativePeriod::ThisWeek.range(day(d));
    assert_eq!(week("2026-11-30"), DayRange::between(day("2026-11-30"), day("2026-12-06")));
    assert_eq!(week("2026-11-29"), DayRange::between(day("2026-11-23"), day("2026-11-29")));
    assert_eq!(week("2026-12-31"), DayRange::between(day("2026-12-28"), day("2027-01-03")));
    let month = |d: &str| RelativePeriod::ThisMonth.range(day(d));
    assert_eq!(month("2028-02-10"), DayRange::between(day("2028-02-01"), day("2028-02-29")));
    assert_eq!(month("2026-12-31"), DayRange::between(day("2026-12-01"), day("2026-12-31")));
    assert_eq!(month("2027-01-31"), DayRange::between(day("2027-01-01"), day("2027-01-31")));
}

#[test]
fn seven_day_periods_count_today_and_six_days_on_one_side() {
    let seven = |p: RelativePeriod, d: &str| p.range(day(d));
    assert_eq!(seven(RelativePeriod::Next7Days, "2026-12-29"), DayRange::between(day("2026-12-29"), day("2027-01-04")));
    assert_eq!(seven(RelativePeriod::Past7Days, "2026-03-02"), DayRange::between(day("2026-02-24"), day("2026-03-02")));
    let today = ctx("2026-12-03T10:00:00Z", Tz::UTC);
    let in_six_days = with(T::Date, json!("2026-12-09"));
    let in_seven_days = with(T::Date, json!("2026-12-10"));
    assert!(date(&in_six_days, "within", json!("next_7_days"), &today));
    assert!(!date(&in_seven_days, "within", json!("next_7_days"), &today));
    assert!(!date(&in_six_days, "within", json!("past_7_days"), &today));
    assert!(date(&with(T::Date, json!("2026-11-27")), "within", json!("past_7_days"), &today));
}

#[test]
fn this_week_follows_the_viewers_time_zone_across_the_week_boundary() {
    // Sunday 23:30 UTC is already Monday 00:30 in Berlin: a new week there.
    let utc = ctx("2026-11-29T23:30:00Z", Tz::UTC);
    let berlin = ctx("2026-11-29T23:30:00Z", Berlin);
    let sunday = with(T::Date, json!("2026-11-29"));
    let monday = with(T::Date, json!("2026-11-30"));
    assert!(date(&sunday, "within", json!("this_week"), &utc));
    assert!(date(&sunday, "within", json!("today"), &utc));
    assert!(!date(&sunday, "within", json!("this_week"), &berlin));
    assert!(date(&sunday, "within", json!("last_week"), &berlin));
    assert!(date(&sunday, "within", json!("yesterday"), &berlin));
    assert!(date(&sunday, "within", json!("overdue"), &berlin));
    assert!(!date(&sunday, "within", json!("overdue"), &utc), "today is not overdue");
    assert!(date(&monday, "within", json!("next_week"), &utc));
    assert!(date(&monday, "within", json!("tomorrow"), &utc));
    assert!(date(&monday, "within", json!("upcoming"), &utc));
    assert!(date(&monday, "within", json!("this_week"), &berlin));
    assert!(!date(&monday, "within", json!("upcoming"), &berlin), "today is not upcoming");
    assert!(date(&monday, "eq", json!("today"), &berlin));
}

#[test]
fn this_month_follows_the_viewers_time_zone() {
    let utc = ctx("2026-11-30T23:30:00Z", Tz::UTC);
    let berlin = ctx("2026-11-30T23:30:00Z", Berlin);
    let mid_november = with(T::Date, json!("2026-11-15"));
    assert!(date(&mid_november, "within", json!("this_month"), &utc));
    assert!(!date(&mid_november, "within", json!("this_month"), &berlin));
    assert!(date(&with(T::Date, json!("2026-12-01")), "within", json!("this_month"), &berlin));
}

#[test]
fn instants_are_compared_by_their_local_day() {
    // 03:00 UTC on the 30th is still the evening of the 29th in Los Angeles.
    let la = ctx("2026-11-30T05:00:00Z", Los_Angeles);
    let utc = ctx("2026-11-30T05:00:00Z", Tz::UTC);
    let item = with(T::Date, json!("2026-11-30T03:00:00Z"));
    assert!(date(&item, "eq", json!("2026-11-29"), &la));
    assert!(date(&item, "eq", json!("today"), &la));
    assert!(date(&item, "eq", json!("2026-11-30"), &utc));
    assert!(date(&item, "before", json!("2026-11-30"), &la));
    assert!(!date(&item, "before", json!("2026-11-30"), &utc));
    // Date-only values are local already: no shift, whatever the zone.
    let plain = with(T::Date, json!("2026-11-30"));
    assert!(date(&plain, "eq", json!("2026-11-30"), &la));
}

#[test]
fn created_and_updated_at_use_the_local_day() {
    let mut item = blank("x");
    item.created_at = at("2026-11-29T23:30:00Z");
    item.updated_at = at("2026-12-01T08:00:00Z");
    let berlin = ctx("2026-12-01T09:00:00Z", Berlin);
    let utc = ctx("2026-12-01T09:00:00Z", Tz::UTC);
    assert!(check(&item, "created_at", "eq", json!("2026-11-30"), &berlin));
    assert!(check(&item, "created_at", "eq", json!("2026-11-29"), &utc));
    assert!(check(&item, &cid(T::CreationLog), "within", json!("this_week"), &berlin));
    assert!(!check(&item, &cid(T::CreationLog), "within", json!("this_week"), &utc));
    assert!(check(&item, "updated_at", "within", json!("today"), &utc));
    assert!(check(&item, &cid(T::LastUpdated), "after", json!("2026-11-30"), &utc));
    assert!(!check(&item, "updated_at", "is_empty", Value::Null, &utc));
}

#[test]
fn date_operators_are_strict_or_inclusive_as_documented() {
    let c = ctx("2026-11-27T12:00:00Z", Tz::UTC);
    let item = with(T::Date, json!("2026-11-20"));
    assert!(date(&item, "eq", json!("2026-11-20"), &c));
    assert!(date(&item, "before", json!("2026-11-21"), &c));
    assert!(!date(&item, "before", json!("2026-11-20"), &c));
    assert!(date(&item, "after", json!("2026-11-19"), &c));
    assert!(!date(&item, "after", json!("2026-11-20"), &c));
    assert!(date(&item, "between", json!(["2026-11-20", "2026-11-20"]), &c));
    assert!(date(&item, "between", json!(["2026-11-01", "yesterday"]), &c));
    assert!(!date(&item, "between", json!(["2026-11-21", "today"]), &c));
    assert!(date(&item, "before", json!("today"), &c));
    let empty = blank("x");
    assert!(!date(&empty, "before", json!("today"), &c));
    assert!(!date(&empty, "within", json!("overdue"), &c));
    assert!(date(&empty, "is_empty", Value::Null, &c));
}

#[test]
fn timelines_overlap_periods_and_ranges() {
    let c = ctx("2026-11-27T12:00:00Z", Tz::UTC); // this week: 23rd to 29th
    let item = with(T::Timeline, json!({"from": "2026-11-20", "to": "2026-11-25"}));
    let tl = |op: &str, v: Value| check(&item, &cid(T::Timeline), op, v, &c);
    assert!(tl("within", json!("this_week")));
    assert!(tl("within", json!("last_week")));
    assert!(!tl("within", json!("next_week")));
    assert!(tl("within", json!("overdue")), "ended before today");
    assert!(!tl("within", json!("today")));
    assert!(!tl("within", json!("upcoming")));
    assert!(tl("eq", json!("2026-11-22")), "eq: the timeline covers the day");
    assert!(!tl("eq", json!("2026-11-26")));
    assert!(tl("before", json!("2026-11-26")), "before: ends before the day");
    assert!(!tl("before", json!("2026-11-25")));
    assert!(tl("after", json!("2026-11-19")), "after: starts after the day");
    assert!(!tl("after", json!("2026-11-20")));
    assert!(tl("between", json!(["2026-11-25", "2026-11-30"])));
    assert!(!tl("between", json!(["2026-11-26", "2026-11-30"])));
    assert!(tl("is_not_empty", Value::Null));
    let running = with(T::Timeline, json!({"from": "2026-11-26", "to": "2026-12-02"}));
    assert!(check(&running, &cid(T::Timeline), "within", json!("today"), &c));
    assert!(!check(&running, &cid(T::Timeline), "within", json!("upcoming"), &c), "running: not upcoming");
    assert!(!check(&running, &cid(T::Timeline), "within", json!("overdue"), &c), "running: not overdue");
    let future = with(T::Timeline, json!({"from": "2026-11-28", "to": "2026-12-02"}));
    assert!(check(&future, &cid(T::Timeline), "within", json!("upcoming"), &c));
    assert!(check(&future, &cid(T::Timeline), "within", json!("next_week"), &c));
    let ends_today = with(T::Timeline, json!({"from": "2026-11-20", "to": "2026-11-27"}));
    assert!(!check(&ends_today, &cid(T::Timeline), "within", json!("overdue"), &c));
    let half = with(T::Timeline, json!({"from": "2026-11-26"}));
    assert!(check(&half, &cid(T::Timeline), "is_empty", Value::Null, &c));
}

#[test]
fn timeline_instants_use_the_local_day() {
    let item = with(T::Timeline, json!({"from": "2026-11-29T23:30:00Z", "to": "2026-11-29T23:45:00Z"}));
    let now = "2026-11-29T12:00:00Z";
    let tl = |tz, op: &str, v: Value| check(&item, &cid(T::Timeline), op, v, &ctx(now, tz));
    assert!(tl(Tz::UTC, "within", json!("this_week")));
    assert!(!tl(Berlin, "within", json!("this_week")));
    assert!(tl(Berlin, "within", json!("next_week")));
}
