//! A board as an iCalendar feed (RFC 5545, through the `icalendar` crate): one event per
//! item and date or timeline cell. A calendar day is an all-day event, a date with a time a
//! one-hour event, a timeline a span of days (the end day included). The item's status (the
//! board's first status column) is the event's category, and its label's colour the event's
//! colour (RFC 7986 `COLOR`, a CSS colour name), so calendar apps show events as the board does.

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

/// The CSS colour name closest to a label's palette colour (`None` for a custom `#rrggbb`).
fn css_colour(palette: &str) -> Option<&'static str> {
    Some(match palette {
        "green" => "green",
        "orange" => "orange",
        "red" => "red",
        "blue" => "steelblue",
        "purple" => "mediumpurple",
        "grey" => "silver",
        "yellow" => "gold",
        "pink" => "deeppink",
        "dark_blue" => "darkblue",
        "sky" => "skyblue",
        "teal" => "teal",
        "lime" => "yellowgreen",
        "brown" => "sienna",
        "dark_red" => "crimson",
        "indigo" => "indigo",
        "black" => "black",
        _ => return None,
    })
}

/// The item's status label: its name and, when it has one of the palette's, its colour.
fn status_of<'a>(status: Option<&'a Column>, item: &Item) -> Option<(&'a str, Option<&'static str>)> {
    let column = status?;
    let Some(CellValue::Status(id)) = item.values.cell(column) else { return None };
    let label = column.settings.labels().iter().find(|l| l.id == id)?;
    Some((label.name.as_str(), label.color.as_deref().and_then(css_colour)))
}

pub(super) fn feed(board: &Board, columns: &[Column], items: &[Item]) -> String {
    let status = columns.iter().find(|c| c.column_type == ColumnType::Status);
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
            if let Some((name, colour)) = status_of(status, item) {
                event.add_property("CATEGORIES", name);
                if let Some(colour) = colour {
                    event.add_property("COLOR", colour);
                }
            }
            starts(&mut event, from);
            ends(&mut event, to);
            calendar.push(event.done());
        }
    }
    calendar.done().to_string()
}
