//! A board as an iCalendar feed (RFC 5545, through the `icalendar` crate): one event per
//! item and date or timeline cell. A calendar day is an all-day event, a date with a time a
//! one-hour event, a timeline a span of days (the end day included).

use chrono::Duration;
use icalendar::{Calendar, Component, Event, EventLike};
use sunday_types::{
    boards::{Board, Column, ColumnType, Item},
    cells::{CellValue, DateValue},
};

fn starts(e: &mut Event, d: DateValue) {
    match d {
        DateValue::Day(day) => e.starts(day),
        DateValue::At(t) => e.starts(t),
    };
}

fn ends(e: &mut Event, d: DateValue) {
    match d {
        // An all-day event's end is exclusive: the day after the last.
        DateValue::Day(day) => e.ends(day + Duration::days(1)),
        DateValue::At(t) => e.ends(t),
    };
}

pub(super) fn feed(board: &Board, columns: &[Column], items: &[Item]) -> String {
    let dated: Vec<&Column> =
        columns.iter().filter(|c| matches!(c.column_type, ColumnType::Date | ColumnType::Timeline)).collect();
    let mut calendar = Calendar::new();
    calendar.name(&board.name);
    for item in items {
        for column in &dated {
            let (from, to) = match item.values.cell(column) {
                Some(CellValue::Date(d)) => (
                    d,
                    match d {
                        DateValue::Day(_) => d,
                        DateValue::At(t) => DateValue::At(t + Duration::hours(1)),
                    },
                ),
                Some(CellValue::Timeline(from, to)) => (from, to),
                _ => continue,
            };
            let mut event = Event::new();
            // Stable across fetches, so calendar apps update an event instead of adding one.
            event.uid(&format!("{}-{}@sunday", item.id, column.id));
            let summary = if dated.len() > 1 { format!("{} ({})", item.name, column.title) } else { item.name.clone() };
            event.summary(&summary);
            event.description(&format!("{} · {}", board.name, column.title));
            event.timestamp(item.updated_at);
            starts(&mut event, from);
            ends(&mut event, to);
            calendar.push(event.done());
        }
    }
    calendar.done().to_string()
}
