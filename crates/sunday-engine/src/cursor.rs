//! Query cursors. A cursor carries the sort-relevant fields of the last item of a page, so
//! the next page starts strictly after that point in the ordering even when items were
//! inserted, moved or deleted in between (keyset pagination, no offsets).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sunday_domain::filter::{Field, SortKey};
use sunday_types::{boards::Item, ApiError, ErrorCode};

#[derive(Serialize, Deserialize)]
struct Mark {
    item: Item,
}

/// The cursor after `item` for an ordering by `keys`.
pub fn encode(item: &Item, keys: &[SortKey]) -> String {
    let mut values = item.values.clone();
    values.retain(|id| keys.iter().any(|k| matches!(&k.field, Field::Column(c) if c.id == id)));
    let mark = Mark { item: Item { values, ..item.clone() } };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&mark).unwrap_or_default())
}

/// The item a cursor marks (only its sort fields are meaningful).
pub fn decode(cursor: &str) -> Result<Item, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| serde_json::from_slice::<Mark>(&b).ok())
        .map(|m| m.item)
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidParameter, "`cursor` is not a cursor returned by this query"))
}

/// A value usable as a JSON map key for group counts.
pub fn group_key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
