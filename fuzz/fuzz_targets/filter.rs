//! Any JSON as a board filter or sort: parsing never panics, and a filter that parses
//! evaluates on sample items without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sunday_domain::filter::{matches, parse_filter, parse_sort, testing, EvalContext};

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let columns = testing::sample_columns();
    let _ = parse_sort(&json, &columns);
    if let Ok(filter) = parse_filter(&json, &columns) {
        let users = [sunday_types::UserId::new()];
        let groups = [sunday_types::GroupId::new()];
        let ctx = EvalContext { now: testing::sample_now(), tz: chrono_tz::UTC, user: Some(users[0]) };
        for seed in 0..4 {
            let item = testing::random_item(seed, &columns, &users, &groups);
            let _ = matches(&filter, &item, &ctx);
        }
    }
});
