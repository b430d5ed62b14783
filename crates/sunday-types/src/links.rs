//! A board's secret links: an iCal feed of its dates, and inbound webhooks that create or
//! update items from a JSON body. Each is reached by a secret token in its URL (shown once,
//! stored hashed); deleting the link revokes it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// `GET /api/v1/ical/{token}`: the board's date and timeline cells as an `.ics` calendar.
    Ical,
    /// `POST /api/v1/inbound/{token}`: a JSON body creates or updates an item.
    Inbound,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Ical => "ical",
            LinkKind::Inbound => "inbound",
        }
    }
}

/// How an inbound body becomes an item. Fields of the body are named by JSON pointers
/// (`/title`, `/customer/email`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundMapping {
    /// The item's name (required to create an item).
    pub name: String,
    /// The group of created items (the board's first by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<GroupId>,
    /// Column id → pointer: each cell set from the body, in the column's value format (a
    /// status by label name or id, a date as `YYYY-MM-DD`…). A pointer the body lacks leaves
    /// the cell alone.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub values: BTreeMap<ColumnId, String>,
    /// Update instead of create: the item whose cell of `column_id` equals the body's value at
    /// `pointer` (the first one found); an item is created when none does.
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub matching: Option<MatchRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRule {
    pub column_id: ColumnId,
    pub pointer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardLink {
    pub id: LinkId,
    pub board_id: BoardId,
    pub kind: LinkKind,
    pub name: String,
    /// An inbound link's mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<InboundMapping>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLinkRequest {
    pub kind: LinkKind,
    pub name: String,
    /// Required for `inbound`, refused for `ical`.
    #[serde(default)]
    pub mapping: Option<InboundMapping>,
}

/// A new link with its secret URL, shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedLink {
    #[serde(flatten)]
    pub link: BoardLink,
    /// The path to call (`/api/v1/ical/<token>.ics` or `/api/v1/inbound/<token>`), with the
    /// secret token in it; not shown again.
    pub path: String,
}

/// What an inbound call did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InboundResult {
    pub item_id: ItemId,
    /// `true` when it created the item, `false` when it updated a matching one.
    pub created: bool,
}
