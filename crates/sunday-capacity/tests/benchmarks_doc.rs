//! Every measured cost must match the figure `BENCHMARKS.md` states, so the planner cannot
//! drift from the measurements: when a benchmark is re-run and the document updated, this
//! test names the constant to update.

use std::path::Path;

use sunday_capacity::{figures, Basis, Costs};

fn doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../BENCHMARKS.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The text of the `## heading…` section, up to the next `## `.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let start = doc.find(&format!("\n## {heading}")).unwrap_or_else(|| panic!("no section `## {heading}`"));
    let rest = &doc[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

/// The cells of the first table row whose first cell starts with `first`.
fn row<'a>(text: &'a str, first: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect::<Vec<_>>())
        .find(|cells| cells[0].starts_with(first))
        .unwrap_or_else(|| panic!("no table row starting with `{first}`"))
}

/// The first number in `s`: digits with thousands commas and a decimal point (`4,451`, `11.3`).
fn first_number(s: &str) -> f64 {
    let start = s.find(|c: char| c.is_ascii_digit()).unwrap_or_else(|| panic!("no number in `{s}`"));
    let bytes = &s.as_bytes()[start..];
    let mut end = 0;
    while end < bytes.len() {
        let c = bytes[end];
        let digit_follows = bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        if c.is_ascii_digit() || ((c == b',' || c == b'.') && digit_follows) {
            end += 1;
        } else {
            break;
        }
    }
    s[start..start + end].replace(',', "").parse().unwrap_or_else(|e| panic!("`{s}`: {e}"))
}

/// The first number after `marker` in `s`.
fn number_after(s: &str, marker: &str) -> f64 {
    let at = s.find(marker).unwrap_or_else(|| panic!("`{marker}` not found"));
    first_number(&s[at + marker.len()..])
}

/// The number word right before `phrase` ("the three store reads" → 3).
fn word_before(s: &str, phrase: &str) -> f64 {
    const WORDS: [&str; 7] = ["zero", "one", "two", "three", "four", "five", "six"];
    let at = s.find(phrase).unwrap_or_else(|| panic!("`{phrase}` not found"));
    let word = s[..at].split_whitespace().last().unwrap_or_default();
    WORDS.iter().position(|w| *w == word).unwrap_or_else(|| panic!("`{word}` before `{phrase}` is no number")) as f64
}

#[track_caller]
fn within_1pct(name: &str, constant: f64, documented: f64) {
    let off = (constant - documented).abs() / documented.abs();
    assert!(
        off <= 0.01,
        "{name}: the planner has {constant}, BENCHMARKS.md says {documented} ({:.1}% off)",
        off * 100.0
    );
}

#[test]
fn figures_match_benchmarks_md() {
    let doc = doc();
    let w1 = section(&doc, "W1 —");
    let rt = section(&doc, "W5, W6, W7");
    let sqlite = section(&doc, "The SQLite driver");
    let typed = section(&doc, "The typed board core");
    let size = section(&doc, "Speed at size");

    within_1pct("W1_NOOP_REQ_S", figures::W1_NOOP_REQ_S, first_number(row(w1, "2026-11-27")[2]));
    within_1pct("GET_BY_ID_REQ_S", figures::GET_BY_ID_REQ_S, first_number(row(size, "get by id")[2]));
    within_1pct("W2_PAGE_REQ_S", figures::W2_PAGE_REQ_S, number_after(size, "now seeded through the API):"));
    within_1pct("QUERY_REQ_S", figures::QUERY_REQ_S, first_number(row(size, "status `any_of` query")[2]));
    within_1pct("QUERY_BOARD_ITEMS", figures::QUERY_BOARD_ITEMS, number_after(size, "(`bench/calls.sh`; one"));
    within_1pct(
        "PATCH_DURABLE_REQ_S",
        figures::PATCH_DURABLE_REQ_S,
        first_number(row(size, "one-cell `PATCH`, `full`")[2]),
    );
    within_1pct("W6_DELIVERIES_S", figures::W6_DELIVERIES_S, first_number(row(typed, "W6 fan-out")[2]));
    let w7 = row(rt, "W7: 18,000");
    within_1pct("W7_SOCKETS", figures::W7_SOCKETS, number_after(w7[0], "W7:"));
    within_1pct("W7_KIB_PER_SOCKET", figures::W7_KIB_PER_SOCKET, first_number(w7[2]));
    within_1pct("W7_IDLE_CPU_PERCENT", figures::W7_IDLE_CPU_PERCENT, number_after(w7[2], "idle CPU"));
    within_1pct(
        "ENGINE_BYTES_PER_ITEM",
        figures::ENGINE_BYTES_PER_ITEM,
        number_after(size, "The board engine's memory per item:"),
    );
    within_1pct(
        "STORE_READS_PER_READ",
        figures::STORE_READS_PER_READ,
        word_before(size, "store reads of the access check"),
    );
    within_1pct("STORE_READS_PER_WRITE", figures::STORE_READS_PER_WRITE, word_before(size, "reads before the write"));
    let commit = row(sqlite, "board commit:")[0];
    let rows = commit.trim_start_matches("board commit:").split('+').count() as f64;
    within_1pct("STORE_ROWS_PER_CHANGE", figures::STORE_ROWS_PER_CHANGE, rows);
}

#[test]
fn measured_costs_derive_from_the_document() {
    let doc = doc();
    let size = section(&doc, "Speed at size");
    let rt = section(&doc, "W5, W6, W7");
    let c = Costs::measured();
    // One core per server in every benchmark: N req/s is 1e6 / N µs of one core.
    let us = |req_s: f64| 1e6 / req_s;
    within_1pct("light_read_us", c.light_read_us, us(first_number(row(section(&doc, "W1 —"), "2026-11-27")[2])));
    within_1pct("get_us", c.get_us, us(first_number(row(size, "get by id")[2])));
    within_1pct("page_us", c.page_us, us(number_after(size, "now seeded through the API):")));
    within_1pct("query_us", c.query_us, us(first_number(row(size, "status `any_of` query")[2])));
    within_1pct("write_us", c.write_us, us(first_number(row(size, "one-cell `PATCH`, `full`")[2])));
    let w6 = first_number(row(section(&doc, "The typed board core"), "W6 fan-out")[2]);
    within_1pct("delivery_us", c.delivery_us, us(w6));
    let w7 = row(rt, "W7: 18,000");
    within_1pct("socket_bytes", c.socket_bytes, first_number(w7[2]) * 1024.0);
    let idle = number_after(w7[2], "idle CPU") / 100.0 * 1e6 / number_after(w7[0], "W7:");
    within_1pct("socket_idle_us_per_s", c.socket_idle_us_per_s, idle);
    let per_item = number_after(size, "The board engine's memory per item:");
    within_1pct("engine_bytes_per_item", c.engine_bytes_per_item, per_item);
}

#[test]
fn every_cost_says_whether_it_is_measured() {
    let c = Costs::measured();
    let list = c.assumptions();
    let measured = list.iter().filter(|a| a.basis == Basis::Measured).count();
    let estimated = list.iter().filter(|a| a.basis == Basis::Estimated).count();
    assert_eq!((measured, estimated), (12, 12), "{list:#?}");
    assert!(list.iter().all(|a| !a.source.is_empty() && !a.value.is_empty()));
}
