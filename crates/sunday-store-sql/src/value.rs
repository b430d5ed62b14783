//! Statement parameters, in the few shapes both schemas store: ids and enums as text,
//! timestamps and counters as 64-bit integers, JSON documents as text, flags as booleans.
//! Each backend binds a [`Value`] with its driver's types (SQLite stores booleans as 0/1,
//! PostgreSQL as `BOOL`).

use sunday_store::{StoreError, StoreResult};
use sunday_types::{
    AutomationId, BoardId, ColumnId, DashboardId, DeliveryId, FileId, GroupId, InviteId, ItemId, LinkId,
    NotificationId, OrgId, RunId, SessionId, TokenId, UpdateId, UserId, ViewId, WebhookId, WorkspaceId,
};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    /// Text known at compile time (enum names), bound without an allocation.
    Str(&'static str),
}

impl Value {
    /// A JSON document, stored as text.
    pub fn json(v: &impl serde::Serialize) -> StoreResult<Value> {
        serde_json::to_string(v).map(Value::Text).map_err(StoreError::internal)
    }

    /// An enum stored as its snake_case serde name.
    pub fn name(v: &impl serde::Serialize) -> Value {
        Value::Text(sunday_types::boards::enum_name(v))
    }

    /// A row limit: `LIMIT` takes a signed 64-bit integer.
    pub fn limit(n: usize) -> Value {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// The parameters of a statement, in order: `args![a, b, c]` is `vec![a.into(), …]`.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => {
        vec![$($crate::Value::from($v)),*]
    };
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Value {
        Value::Int(i64::from(v))
    }
}

impl From<u16> for Value {
    fn from(v: u16) -> Value {
        Value::Int(i64::from(v))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}

impl From<&'static str> for Value {
    fn from(v: &'static str) -> Value {
        Value::Str(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// Ids are stored as canonical lowercase UUID text, encoded without the formatting machinery
/// (they are bound on every statement).
macro_rules! id_values {
    ($($id:ty),*) => {$(
        impl From<$id> for Value {
            fn from(id: $id) -> Value {
                let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
                Value::Text(id.0.hyphenated().encode_lower(&mut buf).to_owned())
            }
        }
    )*};
}

id_values!(
    UserId,
    OrgId,
    WorkspaceId,
    SessionId,
    TokenId,
    InviteId,
    BoardId,
    GroupId,
    ColumnId,
    ItemId,
    ViewId,
    UpdateId,
    NotificationId,
    AutomationId,
    RunId,
    WebhookId,
    DeliveryId,
    LinkId,
    FileId,
    DashboardId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_bind_as_their_display_text() {
        let id = BoardId::new();
        assert_eq!(Value::from(id), Value::Text(id.to_string()));
        assert_eq!(Value::from(None::<BoardId>), Value::Null);
    }
}
