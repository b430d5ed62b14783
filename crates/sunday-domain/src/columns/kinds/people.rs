//! `people`: user ids of members of the board's organization, deduplicated. Text never
//! converts to people: a name is not proof of membership.

use std::collections::HashSet;
use std::str::FromStr;

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::{ApiError, UserId};

use super::ColumnKind;
use crate::columns::values::type_error;
use crate::columns::{truncate_chars, value_error, ValueContext, PEOPLE_MAX};
use crate::filter::FieldKind;

pub struct People;

impl ColumnKind for People {
    fn column_type(&self) -> ColumnType {
        ColumnType::People
    }

    fn title(&self) -> &'static str {
        "People"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::People
    }

    fn groupable(&self) -> bool {
        true
    }

    fn expected(&self, _column: &Column) -> String {
        format!("an array of at most {PEOPLE_MAX} user ids")
    }

    fn normalize(&self, column: &Column, raw: &Value, ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let items = raw.as_array().ok_or_else(|| type_error(column))?;
        if items.len() > PEOPLE_MAX {
            return Err(value_error(
                column,
                "max_items",
                format!("column \"{}\" holds at most {PEOPLE_MAX} people", column.title),
            ));
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for item in items {
            let s = item.as_str().ok_or_else(|| type_error(column))?;
            let user = UserId::from_str(s.trim()).map_err(|_| {
                value_error(
                    column,
                    "invalid_user",
                    format!("column \"{}\" expects user ids; \"{}\" is not one", column.title, truncate_chars(s, 40)),
                )
            })?;
            if !(ctx.is_org_member)(&user) {
                return Err(value_error(
                    column,
                    "not_a_member",
                    format!("column \"{}\" can only name members of the organization; {user} is not one", column.title),
                ));
            }
            if seen.insert(user) {
                out.push(user);
            }
        }
        Ok((!out.is_empty()).then_some(CellValue::People(out)))
    }

    fn convert(&self, _value: &CellValue, _from: &Column, _to: &Column) -> Option<Value> {
        None
    }
}
