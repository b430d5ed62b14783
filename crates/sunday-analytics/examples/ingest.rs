//! Analytics ingest micro-benchmark: how many events per second one board's aggregates fold
//! in. Builds ITEMS creates (W10's four typed columns, or one of every type with `WIDE=1`;
//! plausible random values)
//! and as many edits (a status change and a number each), then times folding them in.
//!   cargo run --release -p sunday-analytics --example ingest            # 1,000,000 items
//!   ITEMS=200000 WIDE=1 cargo run --release -p sunday-analytics --example ingest   # 18 columns
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use chrono::TimeDelta;
use serde_json::json;
use sunday_analytics::BoardFacts;
use sunday_domain::filter::testing::{random_item, sample_board_id, sample_columns, sample_now};
use sunday_types::{
    analytics::{AnalyticsQuery, GroupBy, Metric},
    boards::{BoardEvent, ColumnType},
    events::{BoardChange, CellChange, ItemChanged, ItemCreated, ItemHead},
    GroupId, UserId,
};

fn main() {
    let items: usize = std::env::var("ITEMS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    // WIDE=1: one column of every type (18); else the four of W10 (text, number, status, date).
    let wide = std::env::var("WIDE").is_ok_and(|w| w == "1");
    let columns: Vec<_> = sample_columns()
        .into_iter()
        .filter(|c| {
            wide || matches!(
                c.column_type,
                ColumnType::Text | ColumnType::Number | ColumnType::Status | ColumnType::Date
            )
        })
        .collect();
    let users: Vec<UserId> = (0..20).map(|_| UserId::new()).collect();
    let groups: Vec<GroupId> = (0..5).map(|_| GroupId::new()).collect();
    let status = columns.iter().find(|c| c.column_type == ColumnType::Status).unwrap().id;
    let number = columns.iter().find(|c| c.column_type == ColumnType::Number).unwrap().id;
    let labels = ["not_started", "working", "stuck", "done"];
    let start = sample_now();
    let mut events = Vec::with_capacity(items * 2);
    let mut heads = Vec::with_capacity(items);
    for i in 0..items {
        let item = random_item(i as u64, &columns, &users, &groups);
        heads.push(ItemHead::of(&item));
        let change =
            BoardChange::ItemCreated(ItemCreated { item, imported: false, duplicated_from: None, moved_from: None });
        events.push((change, start + TimeDelta::seconds(i as i64)));
    }
    for (i, head) in heads.into_iter().enumerate() {
        let changes = vec![
            CellChange { column_id: status, old: None, new: Some(json!(labels[i % 4])) },
            CellChange { column_id: number, old: None, new: Some(json!(i % 1000)) },
        ];
        let change = BoardChange::ItemUpdated(ItemChanged {
            item: head,
            version: 2,
            changes,
            name: None,
            group: None,
            position: None,
        });
        events.push((change, start + TimeDelta::seconds((items + i) as i64)));
    }
    let events: Vec<BoardEvent> = events
        .into_iter()
        .enumerate()
        .map(|(seq, (change, at))| BoardEvent {
            board_id: sample_board_id(),
            seq: seq as i64 + 1,
            item_id: change.item_id(),
            change,
            actor: users[0],
            created_at: at,
            cause: None,
        })
        .collect();
    let mut facts = BoardFacts::new(sample_board_id());
    facts.set_structure(&columns, &[]);
    let t = Instant::now();
    for e in &events[..items] {
        facts.apply(e);
    }
    let creates = t.elapsed();
    let t = Instant::now();
    for e in &events[items..] {
        facts.apply(e);
    }
    let edits = t.elapsed();
    let total = creates + edits;
    println!(
        "ingest: {} events in {:.2} s = {:.0} events/s (creates {:.0}/s with {} columns each, edits {:.0}/s)",
        events.len(),
        total.as_secs_f64(),
        events.len() as f64 / total.as_secs_f64(),
        items as f64 / creates.as_secs_f64(),
        columns.len(),
        items as f64 / edits.as_secs_f64()
    );
    let q = AnalyticsQuery {
        board_ids: vec![sample_board_id()],
        metric: Metric::Sum { column_id: number.to_string() },
        group_by: Some(GroupBy { column_id: Some(status.to_string()), period: None }),
        filter: None,
        from: None,
        to: None,
        tz: None,
    };
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let answer = sunday_analytics::query(&[&facts], &q, start, users[0]).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(!answer.data.is_empty());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "query: sum by status over {items} items: median {:.1} ms, max {:.1} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );
    let t = Instant::now();
    let bytes = facts.to_bytes().unwrap();
    println!("snapshot: {:.1} MiB written in {:.2} s", bytes.len() as f64 / 1048576.0, t.elapsed().as_secs_f64());
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(rss) = status.lines().find(|l| l.starts_with("VmRSS")) {
            println!("process {rss} (the events themselves included)");
        }
    }
}
