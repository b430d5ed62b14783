//! Any JSON as a value of every column type: validation never panics, and a value it accepts
//! is canonical (validating it again gives it back unchanged, and it reads back from JSON).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sunday_domain::columns::{normalize_value, ValueContext};
use sunday_domain::filter::testing;
use sunday_types::cells::CellValue;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let anyone = |_: &sunday_types::UserId| true;
    let ctx = ValueContext { is_org_member: &anyone };
    for column in testing::sample_columns() {
        if let Ok(Some(value)) = normalize_value(&column, &json, &ctx) {
            let stored = value.to_json();
            let again = normalize_value(&column, &stored, &ctx).expect("a canonical value is valid");
            assert_eq!(again.as_ref(), Some(&value), "canonical values are fixed points");
            assert_eq!(CellValue::from_stored(column.column_type, &stored).as_ref(), Some(&value));
        }
    }
});
