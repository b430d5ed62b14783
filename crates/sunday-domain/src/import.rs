//! CSV rows to items, as pure functions: header mapping, cell conversion with the same
//! rules as a column type change, per-row rejection, and the formula guard of exports.

use std::collections::HashMap;

use sunday_types::{
    board_api::{ImportRequest, RejectedRow},
    boards::{Column, ColumnType},
    cells::{CellValue, ItemValues},
    column_settings::{ColumnSettings, NoSettings},
    ApiError, ColumnId,
};

use crate::columns::{convert_value, is_written};

/// The most rows one import takes.
pub const IMPORT_LIMIT: usize = 100_000;

#[derive(Clone)]
enum Target {
    Name,
    Group,
    Column(Column),
    Skip,
}

fn text_column() -> Column {
    Column {
        id: ColumnId::new(),
        title: "CSV".into(),
        column_type: ColumnType::LongText,
        settings: ColumnSettings::None(NoSettings {}),
        position: "V".into(),
        width: None,
    }
}

/// Reads and converts every row (synchronously: nothing here waits on IO).
pub fn parse_rows(req: &ImportRequest, columns: &[Column]) -> Result<(Vec<Row>, Vec<RejectedRow>), ApiError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(req.csv.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::validation("csv", "csv", format!("the CSV header cannot be read: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let targets = map_headers(&headers, columns, req.mapping.as_ref())?;
    if !targets.iter().any(|t| matches!(t, Target::Name)) {
        return Err(ApiError::validation("mapping", "name_required", "map one CSV column to `name`"));
    }
    let text = text_column();
    let mut rejected = vec![];
    let mut rows: Vec<Row> = vec![];
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        if rows.len() + rejected.len() >= IMPORT_LIMIT {
            return Err(ApiError::validation(
                "csv",
                "too_many_rows",
                format!("import at most {IMPORT_LIMIT} rows at once"),
            ));
        }
        match record {
            Ok(record) => match convert_row(&record, &headers, &targets, &text) {
                Ok(row) => rows.push(row),
                Err((column, message)) => rejected.push(RejectedRow { line, column, message }),
            },
            Err(e) => rejected.push(RejectedRow { line, column: None, message: format!("unreadable row: {e}") }),
        }
    }
    Ok((rows, rejected))
}

fn map_headers(
    headers: &[String],
    columns: &[Column],
    mapping: Option<&HashMap<String, Option<String>>>,
) -> Result<Vec<Target>, ApiError> {
    if let Some(m) = mapping {
        if let Some(bad) = m.keys().find(|k| !headers.contains(k)) {
            return Err(ApiError::validation("mapping", "unknown_header", format!("no CSV header `{bad}`")));
        }
    }
    headers
        .iter()
        .map(|h| {
            let target = match mapping {
                Some(m) => m.get(h).cloned().flatten(),
                None => Some(h.clone()),
            };
            let Some(t) = target else { return Ok(Target::Skip) };
            if t.eq_ignore_ascii_case("name") {
                return Ok(Target::Name);
            }
            if t.eq_ignore_ascii_case("group") {
                return Ok(Target::Group);
            }
            match columns
                .iter()
                .find(|c| c.id.to_string() == t || (mapping.is_none() && c.title.eq_ignore_ascii_case(&t)))
            {
                Some(c) if !is_written(c.column_type) => Ok(Target::Skip),
                Some(c) => Ok(Target::Column(c.clone())),
                None if mapping.is_none() => Ok(Target::Skip),
                None => Err(ApiError::validation(
                    "mapping",
                    "unknown_column",
                    format!("`{h}` maps to `{t}`, which is not a column of this board"),
                )),
            }
        })
        .collect()
}

/// An accepted row: the item name, its group title (if any) and its values.
pub type Row = (String, Option<String>, ItemValues);

fn convert_row(
    record: &csv::StringRecord,
    headers: &[String],
    targets: &[Target],
    text: &Column,
) -> Result<Row, (Option<String>, String)> {
    let mut name = None;
    let mut group = None;
    let mut values = ItemValues::default();
    for (i, target) in targets.iter().enumerate() {
        let cell = restore(record.get(i).unwrap_or("").trim());
        match target {
            Target::Skip => {}
            Target::Name => name = Some(cell.to_owned()),
            Target::Group => group = Some(cell.to_owned()),
            Target::Column(c) if cell.is_empty() => {
                let _ = c;
            }
            Target::Column(c) => {
                let converted = convert_value(&CellValue::Text(cell.to_owned()), text, c).ok_or_else(|| {
                    (Some(headers[i].clone()), format!("`{cell}` is not a valid {} value", c.column_type.as_str()))
                })?;
                // Converted values are valid for the column (text never converts to people: a
                // name is no proof of membership).
                values.set(c.id, Some(&converted));
            }
        }
    }
    let name = name.filter(|n| !n.is_empty()).ok_or((None, "the item name is empty".to_owned()))?;
    if name.chars().count() > 500 {
        return Err((None, "the item name is longer than 500 characters".to_owned()));
    }
    Ok((name, group, values))
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
/// first) gets a leading `'`, so opening an export never executes what a user typed; plain
/// numbers stay numbers.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The cell as it was before [`neutralize`], so an export imports back unchanged.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) && rest.parse::<f64>().is_err() => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralized_and_restored() {
        for cell in ["=SUM(A1:A9)", "+1+2", "-cmd", "@import", "\tx"] {
            let out = neutralize(cell);
            assert!(out.starts_with('\''), "{cell} is neutralized");
            assert_eq!(restore(&out), cell);
        }
        for cell in ["-12.5", "+3", "plain", "a=b", "'quoted"] {
            assert_eq!(neutralize(cell), cell, "{cell} stays");
            assert_eq!(restore(cell), cell);
        }
    }
}
