//! What an automation's action wrote (or, in a dry run, would write): the `output` of a run's
//! step. One shape per action and outcome, each a JSON object of its own fields; which one a
//! step holds is told by its fields, so every shape refuses fields it does not have (an object
//! of another shape never reads as this one and loses fields on the way back out).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::ids::*;

/// A run step's output, by action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum StepOutput {
    Updated(Updated),
    Archived(Archived),
    Copied(Copied),
    WouldCopy(WouldCopy),
    Created(Created),
    WouldCreate(WouldCreate),
    Subitem(Subitem),
    WouldCreateSubitem(WouldCreateSubitem),
    Moved(Moved),
    Posted(Posted),
    WouldPost(WouldPost),
    Notified(Notified),
    Delivered(Delivered),
    WouldDeliver(WouldDeliver),
    Emailed(Emailed),
    Nothing(Nothing),
    Earlier(Earlier),
}

/// Reads a stored step's output; one of a shape no action has (an older release's) reads as
/// none, rather than failing the whole run it is part of.
pub fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<StepOutput>, D::Error> {
    let stored = Option::<Value>::deserialize(d)?;
    Ok(stored.and_then(|v| serde_json::from_value(v).ok()))
}

/// Cells written (`set_value`, `clear_value`, `increase_number`, `assign_person`,
/// `move_to_group`…): the item, its cells by column id, its group, and its version after (not in a
/// dry run).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Updated {
    pub item_id: ItemId,
    #[schema(value_type = Object)]
    pub values: Map<String, Value>,
    pub group_id: Option<GroupId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// `archive`: the item archived.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Archived {
    pub item_id: ItemId,
    pub archived: bool,
}

/// `duplicate`: the copy made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Copied {
    pub item_id: ItemId,
    pub name: String,
}

/// `duplicate` in a dry run: the item it would copy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WouldCopy {
    pub duplicate_of: ItemId,
}

/// `create_item`: the item made, on its board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Created {
    pub item_id: ItemId,
    pub board_id: BoardId,
    pub name: String,
}

/// `create_item` in a dry run: where and what it would make.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WouldCreate {
    pub board_id: BoardId,
    pub group_id: Option<GroupId>,
    pub name: String,
    #[schema(value_type = Object)]
    pub values: Map<String, Value>,
}

/// `create_subitem`: the subitem made under the item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Subitem {
    pub item_id: ItemId,
    pub parent_item_id: ItemId,
    pub name: String,
}

/// `create_subitem` in a dry run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WouldCreateSubitem {
    pub parent_item_id: ItemId,
    pub name: String,
}

/// `move_to_board` (done or in a dry run): the item, the board and group it goes to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Moved {
    pub item_id: ItemId,
    pub board_id: BoardId,
    pub group_id: Option<GroupId>,
}

/// `post_update`: the update posted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Posted {
    pub update_id: UpdateId,
}

/// `post_update` in a dry run: the item and the text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WouldPost {
    pub item_id: ItemId,
    pub body: String,
}

/// `notify`: who was (or would be) notified, and the text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notified {
    pub users: Vec<UserId>,
    pub text: String,
}

/// `call_webhook`: the delivery queued.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivered {
    pub webhook_id: WebhookId,
    pub delivery_id: DeliveryId,
}

/// `call_webhook` in a dry run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WouldDeliver {
    pub webhook_id: WebhookId,
    pub item_id: ItemId,
}

/// `send_email`: the addresses and subject (and, in a dry run, the text it would send).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Emailed {
    pub to: Vec<String>,
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Nothing to do, and why (a `notify` with nobody to notify…).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Nothing {
    pub nothing_to_do: String,
}

/// A retried run: the step had been done by an earlier attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Earlier {
    pub done_by_an_earlier_attempt: bool,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    /// Each shape reads back as itself (never as another shape that would drop a field); an
    /// unknown shape reads as none.
    #[test]
    fn every_shape_round_trips_as_itself() {
        let (item, board) = (ItemId::new(), BoardId::new());
        let shapes = [
            json!({"item_id": item, "values": {"c": 1}, "group_id": null, "version": 2}),
            json!({"item_id": item, "values": {"c": 1}, "group_id": null}),
            json!({"item_id": item, "archived": true}),
            json!({"item_id": item, "name": "Copy"}),
            json!({"duplicate_of": item}),
            json!({"item_id": item, "board_id": board, "name": "New"}),
            json!({"board_id": board, "group_id": null, "name": "New", "values": {}}),
            json!({"item_id": item, "parent_item_id": item, "name": "Sub"}),
            json!({"parent_item_id": item, "name": "Sub"}),
            json!({"item_id": item, "board_id": board, "group_id": null}),
            json!({"update_id": UpdateId::new()}),
            json!({"item_id": item, "body": "Hi"}),
            json!({"users": [UserId::new()], "text": "Hi"}),
            json!({"webhook_id": WebhookId::new(), "delivery_id": DeliveryId::new()}),
            json!({"webhook_id": WebhookId::new(), "item_id": item}),
            json!({"to": ["a@example.com"], "subject": "S"}),
            json!({"to": ["a@example.com"], "subject": "S", "text": "T"}),
            json!({"nothing_to_do": "nobody to notify"}),
            json!({"done_by_an_earlier_attempt": true}),
        ];
        for shape in shapes {
            let read: StepOutput = serde_json::from_value(shape.clone()).unwrap();
            assert_eq!(serde_json::to_value(&read).unwrap(), shape, "{read:?}");
        }
        #[derive(Deserialize)]
        struct Step {
            #[serde(default, deserialize_with = "lenient")]
            output: Option<StepOutput>,
        }
        let older: Step = serde_json::from_value(json!({"output": {"something": "older"}})).unwrap();
        assert_eq!(older.output, None);
        let none: Step = serde_json::from_value(json!({})).unwrap();
        assert_eq!(none.output, None);
        let known: Step = serde_json::from_value(json!({"output": {"nothing_to_do": "why"}})).unwrap();
        assert!(matches!(known.output, Some(StepOutput::Nothing(_))));
    }
}
