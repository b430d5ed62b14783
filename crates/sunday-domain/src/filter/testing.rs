//! Deterministic fixtures for tests and benchmarks of filters and sorts: a board with one
//! column of every type ([`sample_columns`]), plausible random items ([`random_item`]) and
//! random valid filters ([`random_filter_json`], [`random_filter`]) drawn from the same value
//! pools, so that conditions match a fair share of items. Everything is a pure function of
//! its seed (a tiny xorshift generator, no `rand`), so a failing seed replays exactly.
//!
//! Random values cluster around [`sample_now`] (±45 days), which is also the natural
//! `EvalContext::now` for relative periods.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde_json::{json, Map, Value};
use sunday_types::boards::{Column, ColumnType, Item};
use sunday_types::{BoardId, ColumnId, GroupId, ItemId, UserId};

use super::ast::{Field, FieldKind, Filter, Op, RelativePeriod};
use super::cell::{option_ids, status_labels};
use super::parse::parse_filter;

/// Friday 2026-11-27 12:00 UTC: the instant random dates are spread around.
pub fn sample_now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_780_800, 0).unwrap_or(DateTime::UNIX_EPOCH)
}

/// The board id every random item belongs to.
pub fn sample_board_id() -> BoardId {
    id_from(0xB0A2D)
}

/// One column of every type, with stable ids (`sample_columns()[i].id` is the same on every
/// call): a status with four labels (`not_started`, `working`, `stuck`, `done` — the last one
/// "done"), a dropdown with five options (`o1`..`o5`, named out of id order), a rating out of
/// 5, and every other type with default settings.
pub fn sample_columns() -> Vec<Column> {
    let label =
        |id: &str, name: &str, color: &str, done: bool| json!({"id": id, "name": name, "color": color, "done": done});
    let option = |id: &str, name: &str| json!({"id": id, "name": name});
    let specs: [(ColumnType, &str, Value); 18] = [
        (ColumnType::Text, "Notes", json!({})),
        (ColumnType::LongText, "Description", json!({})),
        (ColumnType::Number, "Budget", json!({"unit": "€", "decimals": 2})),
        (
            ColumnType::Status,
            "Status",
            json!({"labels": [
                label("not_started", "Not started", "grey", false),
                label("working", "Working on it", "orange", false),
                label("stuck", "Stuck", "red", false),
                label("done", "Done", "green", true),
            ]}),
        ),
        (
            ColumnType::Dropdown,
            "Area",
            json!({"options": [
                option("o1", "Design"),
                option("o2", "Backend"),
                option("o3", "Frontend"),
                option("o4", "QA"),
                option("o5", "Ops"),
            ]}),
        ),
        (ColumnType::Date, "Due", json!({})),
        (ColumnType::Timeline, "Timeline", json!({})),
        (ColumnType::People, "Owner", json!({})),
        (ColumnType::Checkbox, "Approved", json!({})),
        (ColumnType::Rating, "Priority", json!({"max": 5})),
        (ColumnType::Link, "Spec", json!({})),
        (ColumnType::Email, "Contact", json!({})),
        (ColumnType::Phone, "Phone", json!({})),
        (ColumnType::Tags, "Tags", json!({})),
        (ColumnType::AutoNumber, "No.", json!({})),
        (ColumnType::ItemId, "Item ID", json!({})),
        (ColumnType::CreationLog, "Created", json!({})),
        (ColumnType::LastUpdated, "Last updated", json!({})),
    ];
    specs
        .into_iter()
        .enumerate()
        .map(|(i, (column_type, title, settings))| Column {
            id: id_from::<ColumnId>(0xC0_0000 + i as u64),
            title: title.to_owned(),
            column_type,
            // The specs are canonical settings, written as the API stores them.
            settings: sunday_types::column_settings::ColumnSettings::decode(column_type, settings)
                .unwrap_or_else(|e| panic!("sample settings of {title}: {e}")),
            position: format!("a{i:02}"),
            width: None,
        })
        .collect()
}

/// A plausible item of [`sample_board_id`] for `columns`, determined by `rng_seed`: about one
/// value in five is left empty, group and creator are drawn from `groups` and `users` (a fixed
/// id when the slice is empty), the item id is unique per seed below 2^62.
pub fn random_item(rng_seed: u64, columns: &[Column], users: &[UserId], groups: &[GroupId]) -> Item {
    let mut rng = Rng::new(rng_seed);
    let created_at = sample_now() - TimeDelta::seconds(rng.below(90 * 86_400) as i64);
    let updated_at = created_at + TimeDelta::seconds(rng.below(30 * 86_400) as i64);
    let mut values = Map::new();
    for column in columns {
        if !crate::columns::is_written(column.column_type) || rng.chance(20) {
            continue;
        }
        if let Some(v) = random_value(&mut rng, column, users) {
            values.insert(column.id.to_string(), v);
        }
    }
    Item {
        id: id_from(ITEM_ID_BASE.wrapping_add(rng_seed)),
        board_id: sample_board_id(),
        group_id: rng.pick(groups).copied().unwrap_or_else(|| id_from(0x6_0000)),
        name: rng.some_words(3),
        position: format!("a{:06x}", rng.below(1 << 24)),
        // Random values are stored JSON (some deliberately off their type's shape), read the
        // way the store reads them.
        values: serde_json::from_value(Value::Object(values)).unwrap_or_default(),
        version: 1 + rng.below(5) as i64,
        created_by: rng.pick(users).copied().unwrap_or_else(|| id_from(0x5_0000)),
        created_at,
        updated_at,
        parent_item_id: None,
        archived: false,
        auto_number: 1 + rng.below(500) as i64,
    }
}

/// A random filter as the API's JSON: `and` / `or` groups up to three deep around up to six
/// conditions on `columns` and the pseudo-columns, every operator applicable and every operand
/// valid, drawn from the pools [`random_item`] draws from. `parse_filter` accepts it.
pub fn random_filter_json(rng_seed: u64, columns: &[Column], users: &[UserId], groups: &[GroupId]) -> Value {
    let mut rng = Rng::new(rng_seed ^ 0xF117E5);
    let mut fields: Vec<(String, Field)> =
        Field::PSEUDO_NAMES.iter().filter_map(|n| Field::pseudo(n).map(|f| ((*n).to_owned(), f))).collect();
    fields.extend(columns.iter().map(|c| (c.id.to_string(), Field::Column(c.clone()))));
    random_node(&mut rng, &fields, users, groups, 0)
}

/// [`random_filter_json`], parsed against `columns`.
pub fn random_filter(rng_seed: u64, columns: &[Column], users: &[UserId], groups: &[GroupId]) -> Filter {
    parse_filter(&random_filter_json(rng_seed, columns, users, groups), columns).unwrap_or(Filter::And(Vec::new()))
}

fn random_node(rng: &mut Rng, fields: &[(String, Field)], users: &[UserId], groups: &[GroupId], depth: u32) -> Value {
    if depth < 3 && rng.chance(35) {
        let children: Vec<Value> =
            (0..rng.below(4)).map(|_| random_node(rng, fields, users, groups, depth + 1)).collect();
        let key = if rng.chance(50) { "and" } else { "or" };
        return Value::Object(Map::from_iter([(key.to_owned(), Value::Array(children))]));
    }
    let Some((name, field)) = rng.pick(fields) else {
        return json!({"and": []});
    };
    let kind = field.kind();
    let op = rng.pick(kind.ops()).copied().unwrap_or(Op::IsEmpty);
    json!({"column": name, "op": op.as_str(), "value": random_operand(rng, field, kind, op, users, groups)})
}

fn random_operand(
    rng: &mut Rng,
    field: &Field,
    kind: FieldKind,
    op: Op,
    users: &[UserId],
    groups: &[GroupId],
) -> Value {
    use FieldKind as K;
    let many = |rng: &mut Rng, one: &mut dyn FnMut(&mut Rng) -> Value| -> Value {
        Value::Array((0..rng.below(4)).map(|_| one(rng)).collect())
    };
    match (kind, op) {
        (_, Op::IsEmpty | Op::IsNotEmpty) => Value::Null,
        (K::Text, _) => {
            let word = rng.words(1);
            let cut: String = word.chars().take(1 + rng.below(word.chars().count() as u64) as usize).collect();
            let s = if op == Op::StartsWith || rng.chance(30) { cut } else { word };
            json!(if rng.chance(30) { s.to_uppercase() } else { s })
        }
        (K::Number, Op::Between) => {
            let (a, b) = (number_for(rng, field), number_for(rng, field));
            json!([a.min(b), a.max(b)])
        }
        (K::Number, Op::AnyOf | Op::NoneOf) => many(rng, &mut |r| json!(number_for(r, field))),
        (K::Number, _) => json!(number_for(rng, field)),
        (K::Status, Op::AnyOf | Op::NoneOf) => many(rng, &mut |r| json!(r.pick(&labels_of(field)).cloned())),
        (K::Status, _) => json!(rng.pick(&labels_of(field)).cloned()),
        (K::Dropdown, Op::Contains) => json!(rng.pick(&options_of(field)).cloned()),
        (K::Dropdown, _) => many(rng, &mut |r| json!(r.pick(&options_of(field)).cloned())),
        (K::Tags, Op::Contains) => json!(random_tag(rng, true)),
        (K::Tags, _) => many(rng, &mut |r| json!(random_tag(r, true))),
        (K::People | K::CreatedBy, Op::Contains | Op::Eq) => random_user_ref(rng, users),
        (K::People | K::CreatedBy, _) => many(rng, &mut |r| random_user_ref(r, users)),
        (K::Date | K::Timeline, Op::Between) => {
            let (a, b) = (random_day(rng), random_day(rng));
            json!([a.min(b).to_string(), a.max(b).to_string()])
        }
        (K::Date | K::Timeline, Op::Within) => json!(rng.pick(&RelativePeriod::ALL).map(|p| p.as_str())),
        (K::Date | K::Timeline, _) => match rng.below(5) {
            0 => json!("today"),
            1 => json!("yesterday"),
            2 => json!("tomorrow"),
            _ => json!(random_day(rng).to_string()),
        },
        (K::Checkbox, _) => json!(rng.chance(50)),
        (K::Group, Op::Eq | Op::Neq) => json!(random_group(rng, groups)),
        (K::Group, _) => many(rng, &mut |r| json!(random_group(r, groups))),
        // Item ids of seeds below 64, so that small-seed items can match.
        (K::ItemId, Op::Eq) => json!(id_from::<ItemId>(ITEM_ID_BASE + rng.below(64)).to_string()),
        (K::ItemId, _) => many(rng, &mut |r| json!(id_from::<ItemId>(ITEM_ID_BASE + r.below(64)).to_string())),
        (K::Button, _) => Value::Null,
    }
}

fn random_value(rng: &mut Rng, column: &Column, users: &[UserId]) -> Option<Value> {
    let value = match column.column_type {
        ColumnType::Text | ColumnType::LongText => json!(rng.some_words(4)),
        ColumnType::Number => json!(number_for(rng, &Field::Column(column.clone()))),
        ColumnType::Rating => json!(rng.below(6)),
        ColumnType::Status => json!(rng.pick(&status_labels(column))?),
        ColumnType::Dropdown => {
            let options = option_ids(column);
            json!(distinct(rng, 3, |r| r.pick(&options).map(|o| (*o).to_owned())))
        }
        ColumnType::Tags => json!(distinct(rng, 3, |r| random_tag(r, false))),
        ColumnType::People => json!(distinct(rng, 2, |r| r.pick(users).map(|u| u.to_string()))),
        ColumnType::Date => json!(random_moment(rng)),
        ColumnType::Timeline => {
            let from = random_day(rng);
            json!({"from": from.to_string(), "to": add(from, rng.below(21) as i64).to_string()})
        }
        ColumnType::Checkbox => json!(true),
        ColumnType::Link => {
            let text = if rng.chance(70) { rng.words(1) } else { String::new() };
            json!({"url": format!("https://example.com/{}", rng.below(100)), "text": text})
        }
        ColumnType::Email => json!(format!("{}@example.com", rng.words(1).to_lowercase())),
        ColumnType::Phone => json!(format!("+4930{:07}", rng.below(10_000_000))),
        ColumnType::AutoNumber
        | ColumnType::ItemId
        | ColumnType::CreationLog
        | ColumnType::LastUpdated
        | ColumnType::Button
        | ColumnType::Formula
        | ColumnType::Dependency
        | ColumnType::BoardRelation
        | ColumnType::File
        | ColumnType::Mirror
        | ColumnType::Rollup => {
            return None;
        }
    };
    Some(value)
}

/// Item ids are this plus the seed.
const ITEM_ID_BASE: u64 = 0x1_0000_0000_0000;

/// Words with upper case, accents and a non-Latin script, so case folding is exercised.
const WORDS: [&str; 16] = [
    "Launch",
    "launch",
    "plan",
    "Review",
    "bug",
    "Q4",
    "Éclair",
    "éCLAIR",
    "Straße",
    "STRASSE",
    "Δέλτα",
    "roadmap",
    "API",
    "api",
    "Marketing",
    "deploy",
];
const TAGS: [&str; 6] = ["urgent", "Backend", "customer", "Blocked", "v2", "design"];

fn number_for(rng: &mut Rng, field: &Field) -> f64 {
    let column_type = match field {
        Field::Column(c) => Some(c.column_type),
        _ => None,
    };
    match column_type {
        Some(ColumnType::Rating) => rng.below(6) as f64,
        Some(ColumnType::AutoNumber) => rng.below(502) as f64,
        _ if rng.chance(25) => (rng.below(801) as f64 - 400.0) / 4.0,
        _ => rng.below(201) as f64 - 100.0,
    }
}

fn labels_of(field: &Field) -> Vec<String> {
    match field {
        Field::Column(c) => status_labels(c).into_iter().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn options_of(field: &Field) -> Vec<String> {
    match field {
        Field::Column(c) => option_ids(c).into_iter().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn random_tag(rng: &mut Rng, vary_case: bool) -> Option<String> {
    let tag = rng.pick(&TAGS)?;
    Some(if vary_case && rng.chance(30) { tag.to_uppercase() } else { (*tag).to_owned() })
}

fn random_user_ref(rng: &mut Rng, users: &[UserId]) -> Value {
    match rng.pick(users) {
        Some(u) if rng.chance(80) => json!(u.to_string()),
        _ => json!("me"),
    }
}

fn random_group(rng: &mut Rng, groups: &[GroupId]) -> String {
    rng.pick(groups).copied().unwrap_or_else(|| id_from(0x6_0000)).to_string()
}

fn random_day(rng: &mut Rng) -> NaiveDate {
    add(sample_now().date_naive(), rng.below(91) as i64 - 45)
}

/// A date-only value, or (one time in three) an instant at a random minute of the day.
fn random_moment(rng: &mut Rng) -> String {
    let day = random_day(rng);
    if rng.chance(33) {
        let minute = rng.below(24 * 60);
        format!("{day}T{:02}:{:02}:00Z", minute / 60, minute % 60)
    } else {
        day.to_string()
    }
}

/// One to `max` draws, duplicates dropped, in first-drawn order.
fn distinct(rng: &mut Rng, max: u64, mut draw: impl FnMut(&mut Rng) -> Option<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(max) {
        if let Some(v) = draw(rng) {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

fn add(day: NaiveDate, n: i64) -> NaiveDate {
    super::ast::add_days(day, n)
}

/// A UUIDv7-shaped id whose low bits are `n`. A 32-digit hex string is always a valid UUID,
/// so the fallback (a fresh random id) is unreachable.
fn id_from<T: FromStr + Default>(n: u64) -> T {
    let hi = 0x8000 | ((n >> 48) & 0x3fff);
    T::from_str(&format!("01900000-0000-7000-{hi:04x}-{:012x}", n & 0xffff_ffff_ffff)).unwrap_or_default()
}

/// xorshift64, seeded through splitmix64 so that neighbouring seeds diverge at once.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform-enough in `0..n`; 0 when `n` is 0.
    fn below(&mut self, n: u64) -> u64 {
        self.next().checked_rem(n).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }

    /// One to `max` words.
    fn some_words(&mut self, max: u64) -> String {
        let n = 1 + self.below(max);
        self.words(n as usize)
    }

    fn words(&mut self, n: usize) -> String {
        (0..n).filter_map(|_| self.pick(&WORDS).copied()).collect::<Vec<_>>().join(" ")
    }
}
