//! Seeds boards for W2 into a Sunday SQLite file through the store port: `board-seed DB
//! ORG_ID USER_ID WORKSPACE_ID BOARDS ITEMS_PER_BOARD` creates the boards (10 typed columns,
//! 5 groups) with items and prints one `board_id group_id` line per group.

use serde_json::json;
use sunday_store::{BoardStore, BoardWrite};
use sunday_store_sqlite::SqliteStore;
use sunday_types::cells::{CellValue, DateValue, ItemValues};
use sunday_types::{boards::*, time::to_datetime, ColumnId, GroupId, ItemId};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() != 6 {
        return Err("usage: board-seed DB ORG_ID USER_ID WORKSPACE_ID BOARDS ITEMS_PER_BOARD".into());
    }
    let store = SqliteStore::open(std::path::Path::new(&a[0]), 1).await?;
    let (org, user, ws) = (a[1].parse()?, a[2].parse()?, a[3].parse()?);
    let (boards, per_board): (usize, usize) = (a[4].parse()?, a[5].parse()?);
    let t = to_datetime(0);
    let types = [
        ColumnType::Text,
        ColumnType::Number,
        ColumnType::Status,
        ColumnType::Date,
        ColumnType::People,
        ColumnType::Checkbox,
        ColumnType::Rating,
        ColumnType::Tags,
        ColumnType::Email,
        ColumnType::LongText,
    ];
    for b in 0..boards {
        let board = Board::made(
            (org, ws),
            format!("Board {b}"),
            String::new(),
            (BoardKind::Public, BoardPermission::EditAll),
            (user, t),
        );
        let columns: Vec<Column> = types
            .iter()
            .enumerate()
            .map(|(i, ty)| {
                let given = (*ty == ColumnType::Status).then(|| json!({"labels": [{"id": "l1", "name": "Done", "color": "green", "done": true}, {"id": "l2", "name": "Stuck", "color": "red", "done": false}]}));
                let settings = sunday_domain::columns::normalize_settings(*ty, given.as_ref()).map_err(|e| e.message)?;
                Ok(Column { id: ColumnId::new(), title: format!("C{i}"), column_type: *ty, settings, position: format!("{i}V"), width: None })
            })
            .collect::<Result<_, String>>()?;
        let groups: Vec<Group> = (0..5)
            .map(|g| Group {
                id: GroupId::new(),
                title: format!("G{g}"),
                color: "blue".into(),
                position: format!("{g}V"),
                collapsed: false,
            })
            .collect();
        let mut writes = vec![BoardWrite::InsertBoard(board.clone())];
        writes.extend(groups.iter().cloned().map(|group| BoardWrite::InsertGroup { board: board.id, group }));
        writes.extend(columns.iter().cloned().map(|column| BoardWrite::InsertColumn { board: board.id, column }));
        for i in 0..per_board {
            let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).map(DateValue::Day).ok_or("date")?;
            let v: ItemValues = [
                CellValue::Text(format!("text {i}")),
                CellValue::Number((i % 1000) as f64),
                CellValue::Status(if i % 2 == 0 { "l1" } else { "l2" }.into()),
                CellValue::Date(day),
                CellValue::People(vec![user]),
                CellValue::Checked,
                CellValue::Rating((i % 5 + 1) as u8),
                CellValue::Tags(vec!["a".into(), "b".into()]),
                CellValue::Email(format!("user{i}@example.com")),
                CellValue::LongText("A longer description of the item.".into()),
            ]
            .into_iter()
            .zip(&columns)
            .map(|(value, column)| (column.id, value))
            .collect();
            writes.push(BoardWrite::InsertItem(Item {
                id: ItemId::new(),
                board_id: board.id,
                group_id: groups[i % 5].id,
                name: format!("Item {i}"),
                position: format!("{i:08}"),
                values: v,
                version: 1,
                created_by: user,
                created_at: t,
                updated_at: t,
                parent_item_id: None,
                archived: false,
                auto_number: i as i64 + 1,
            }));
        }
        store.commit(board.id, writes, vec![], 0).await?;
        for g in &groups {
            println!("{} {}", board.id, g.id);
        }
    }
    Ok(())
}
