//! Any bytes as a CSV import onto a board with every column type, with and without a
//! mapping: parsing never panics, and every row is either accepted or rejected with its line.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use sunday_domain::{filter::testing, import::parse_rows};
use sunday_types::board_api::ImportRequest;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let columns = testing::sample_columns();
    let plain = ImportRequest { csv: text.to_owned(), mapping: None, all_or_nothing: None, dry_run: None };
    if let Ok((rows, rejected)) = parse_rows(&plain, &columns) {
        assert!(rejected.iter().all(|r| r.line >= 2));
        assert!(rows.iter().all(|(name, _, _)| !name.is_empty()));
    }
    // The first line's cells mapped to the name and to each column in turn.
    let headers: Vec<&str> = text.lines().next().unwrap_or("").split(',').collect();
    let mut mapping = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let target = match i {
            0 => Some("name".to_owned()),
            _ => columns.get(i % columns.len()).map(|c| c.id.to_string()),
        };
        mapping.insert((*h).to_owned(), target);
    }
    let mapped = ImportRequest { mapping: Some(mapping), ..plain };
    let _ = parse_rows(&mapped, &columns);
});
