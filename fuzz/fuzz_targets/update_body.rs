//! Any text as an update (comment) body: parsing never panics, mentions are unique, and a
//! body that parses parses again to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sunday_domain::text::{mentions, parse_update_body};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let found = mentions(text);
    let unique: std::collections::BTreeSet<_> = found.iter().collect();
    assert_eq!(unique.len(), found.len());
    if let Ok(body) = parse_update_body(text) {
        assert_eq!(parse_update_body(&body).ok().as_deref(), Some(body.as_str()));
    }
});
