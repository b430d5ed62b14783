//! Formulas: an expression language over an item's columns, checked when a formula column is
//! saved and computed on the server whenever an item is written, so formula values are stored,
//! filtered, sorted, exported and sent in events like any other cell (docs/formulas.md is the
//! user's reference).
//!
//! [`BoardFormulas::compile`] takes a board's columns, parses every formula, resolves its
//! `{Column title}` references, refuses cycles between formulas, infers each one's type (in an
//! order where a formula's inputs come first) and returns the compiled set;
//! [`BoardFormulas::apply`] computes an item's formula cells from its other cells, in that
//! order, and says which changed. Everything here is deterministic: `TODAY()` is the day the
//! caller passes in.

mod check;
mod eval;
mod syntax;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;
use sunday_types::boards::{Column, ColumnType, Item};
use sunday_types::cells::{CellValue, DateValue};
use sunday_types::column_settings::{ColumnSettings, FormulaResult, FormulaSettings};
use sunday_types::events::CellChange;
use sunday_types::{ApiError, ColumnId, ErrorDetails};

pub use check::FUNCTIONS;
use check::{check, column_ty, Node, Resolve, Source, Ty};
pub use syntax::{parse, rename_refs, MAX_LEN};
use syntax::{Expr, ExprKind};

/// A stretch of the expression, in characters from its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// From the start of `self` to the end of `other`.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// Why an expression was refused, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct FormulaError {
    /// The rule broken (`unknown_column`, `type_mismatch`, `cycle`…), as in the API's details.
    pub rule: &'static str,
    pub message: String,
    pub span: Span,
}

impl FormulaError {
    pub fn new(rule: &'static str, message: impl Into<String>, span: Span) -> FormulaError {
        FormulaError { rule, message: message.into(), span }
    }

    /// The API's `400 validation_failed`, naming the formula column and the position.
    pub fn into_api(self, column: &Column) -> ApiError {
        ApiError::validation(
            "settings.expression",
            self.rule,
            format!("formula \"{}\": {}", column.title, self.message),
        )
        .with_details(ErrorDetails {
            position: Some(self.span.start),
            end: Some(self.span.end),
            ..ErrorDetails::rule("settings.expression", self.rule).column(column.id)
        })
    }
}

/// The formula columns among `columns` whose expression refers to `column` by its title.
pub fn readers_of<'c>(columns: &'c [Column], column: &Column) -> Vec<&'c Column> {
    columns
        .iter()
        .filter(|c| c.id != column.id)
        .filter(|c| {
            let Some(expr) = c.settings.formula().and_then(|f| parse(&f.expression).ok()) else { return false };
            let mut refs = vec![];
            refs_of(&expr, &mut refs);
            refs.iter().any(|(t, _)| title_key(t) == title_key(&column.title))
        })
        .collect()
}

/// A formula column's settings as a client gives them: the expression, parsed to refuse bad
/// syntax early (references and types are checked with the board, by
/// [`BoardFormulas::compile`]). A `result` given back from an earlier read is accepted and
/// recomputed.
pub fn settings(given: &serde_json::Map<String, serde_json::Value>) -> Result<ColumnSettings, ApiError> {
    // `broken` may come back from an earlier read: saving the expression again mends it.
    crate::columns::settings::allow_keys(ColumnType::Formula, given, &["expression", "result", "broken"], "settings")?;
    let expression = match given.get("expression") {
        None | Some(serde_json::Value::Null) => String::new(),
        // Kept as typed (not trimmed), so that error positions count from what the user sees.
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => return Err(ApiError::validation("settings.expression", "type", "`expression` must be a string")),
    };
    let result = given
        .get("result")
        .and_then(|r| serde_json::from_value::<FormulaResult>(r.clone()).ok())
        .unwrap_or(FormulaResult::Text);
    let settings = FormulaSettings { expression, result, broken: None };
    if !settings.expression.is_empty() {
        let probe = Column {
            id: ColumnId::new(),
            title: "new formula".into(),
            column_type: ColumnType::Formula,
            settings: ColumnSettings::None(Default::default()),
            position: String::new(),
            width: None,
        };
        parse(&settings.expression).map_err(|e| e.into_api(&probe))?;
    }
    Ok(ColumnSettings::Formula(settings))
}

/// A formula refused, with the formula column it concerns.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub column: Box<Column>,
    pub error: FormulaError,
}

impl Refused {
    fn new(column: &Column, error: FormulaError) -> Refused {
        Refused { column: Box::new(column.clone()), error }
    }

    /// The API's `400 validation_failed` for it.
    pub fn into_api(self) -> ApiError {
        self.error.into_api(&self.column)
    }
}

/// A formula column parsed, with the columns it refers to (and where).
type Parsed<'a> = (&'a Column, Option<Expr>, Vec<(ColumnId, Span)>);

/// One compiled formula.
#[derive(Debug)]
struct Compiled {
    column: ColumnId,
    node: Node,
    ty: Ty,
    /// Whether it calls `TODAY()` (its values change with the day).
    today: bool,
}

/// Whether the expression calls `TODAY()`.
fn calls_today(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Call(name, args) => name == "TODAY" || args.iter().any(calls_today),
        ExprKind::Neg(e) => calls_today(e),
        ExprKind::Binary(_, l, r) => calls_today(l) || calls_today(r),
        ExprKind::Number(_) | ExprKind::Text(_) | ExprKind::Bool(_) | ExprKind::Ref(_) => false,
    }
}

/// A board's formulas, compiled, in the order they are computed (inputs first).
#[derive(Debug, Default)]
pub struct BoardFormulas {
    formulas: Vec<Compiled>,
    /// Formulas an input of which was deleted with `force`, with why: their cells hold that
    /// error.
    broken: Vec<(ColumnId, String)>,
    /// The columns some formula reads (directly).
    inputs: Vec<ColumnId>,
}

fn result_of(ty: Ty) -> FormulaResult {
    match ty {
        Ty::Number => FormulaResult::Number,
        Ty::Text => FormulaResult::Text,
        Ty::Bool => FormulaResult::Boolean,
        Ty::Date => FormulaResult::Date,
    }
}

/// The references of an expression, with their spans, in order.
fn refs_of(expr: &Expr, out: &mut Vec<(String, Span)>) {
    match &expr.kind {
        ExprKind::Ref(title) => out.push((title.clone(), expr.span)),
        ExprKind::Neg(e) => refs_of(e, out),
        ExprKind::Binary(_, l, r) => {
            refs_of(l, out);
            refs_of(r, out);
        }
        ExprKind::Call(_, args) => args.iter().for_each(|a| refs_of(a, out)),
        ExprKind::Number(_) | ExprKind::Text(_) | ExprKind::Bool(_) => {}
    }
}

/// Titles as references match them: trimmed, case-insensitive.
fn title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

struct BoardRefs<'a> {
    by_title: HashMap<String, Vec<&'a Column>>,
    /// Formula result types known so far.
    results: &'a HashMap<ColumnId, Ty>,
}

impl<'a> BoardRefs<'a> {
    /// The column a reference names, `None` for the item's name.
    fn column(&self, title: &str) -> Result<Option<&'a Column>, String> {
        match self.by_title.get(&title_key(title)).map(Vec::as_slice) {
            Some([one]) => Ok(Some(*one)),
            Some([_, ..]) => Err(format!("more than one column is titled \"{title}\"; rename one to refer to it")),
            _ if title_key(title) == "name" => Ok(None),
            _ => Err(format!("there is no column titled \"{title}\"")),
        }
    }
}

impl Resolve for BoardRefs<'_> {
    fn resolve(&self, title: &str) -> Result<(Source, Ty), String> {
        match self.column(title)? {
            None => Ok((Source::Name, Ty::Text)),
            Some(c) => {
                if let Some(why) = c.settings.formula().and_then(|f| f.broken.as_ref()) {
                    return Err(format!("formula \"{}\" computes nothing: {why}", c.title));
                }
                let ty = column_ty(c, self.results.get(&c.id).copied())?;
                let mut c = c.clone();
                // A formula's cells are read with the type just inferred for it, which the
                // stored settings may not say yet.
                if let ColumnSettings::Formula(f) = &mut c.settings {
                    f.result = result_of(ty);
                }
                Ok((Source::Column(c), ty))
            }
        }
    }
}

impl BoardFormulas {
    /// Compiles the formulas among `columns`. The first refusal is returned with the formula
    /// column it concerns; `focus` (the column being saved) is checked first, so its own
    /// mistakes are the ones reported.
    pub fn compile(columns: &[Column], focus: Option<ColumnId>) -> Result<BoardFormulas, Refused> {
        let mut by_title: HashMap<String, Vec<&Column>> = HashMap::new();
        for c in columns {
            by_title.entry(title_key(&c.title)).or_default().push(c);
        }
        let broken: Vec<(ColumnId, String)> =
            columns.iter().filter_map(|c| Some((c.id, c.settings.formula()?.broken.clone()?))).collect();
        let mut formulas: Vec<&Column> = columns
            .iter()
            .filter(|c| c.column_type == ColumnType::Formula && !broken.iter().any(|(b, _)| *b == c.id))
            .collect();
        formulas.sort_by_key(|c| Some(c.id) != focus);
        let no_results = HashMap::new();
        let refs = BoardRefs { by_title, results: &no_results };
        // Parse each and resolve its references to columns.
        let mut parsed: Vec<Parsed<'_>> = vec![];
        for c in &formulas {
            let expression = c.settings.formula().map(|f| f.expression.as_str()).unwrap_or_default();
            if expression.is_empty() {
                parsed.push((c, None, vec![]));
                continue;
            }
            let expr = parse(expression).map_err(|e| Refused::new(c, e))?;
            let mut found = vec![];
            refs_of(&expr, &mut found);
            let mut edges = vec![];
            for (title, span) in found {
                match refs.column(&title) {
                    Ok(Some(target)) => edges.push((target.id, span)),
                    Ok(None) => {}
                    Err(m) => return Err(Refused::new(c, FormulaError::new("unknown_column", m, span))),
                }
            }
            parsed.push((c, Some(expr), edges));
        }
        let order = topological(&parsed)?;
        let mut results: HashMap<ColumnId, Ty> = HashMap::new();
        let mut compiled = Vec::with_capacity(order.len());
        let mut inputs: Vec<ColumnId> = vec![];
        for i in order {
            let (column, expr, edges) = &parsed[i];
            inputs.extend(edges.iter().map(|(id, _)| *id));
            let Some(expr) = expr else { continue };
            let refs = BoardRefs { by_title: refs.by_title.clone(), results: &results };
            let (node, ty) = check(expr, &refs).map_err(|e| Refused::new(column, e))?;
            results.insert(column.id, ty);
            compiled.push(Compiled { column: column.id, node, ty, today: calls_today(expr) });
        }
        inputs.sort();
        inputs.dedup();
        Ok(BoardFormulas { formulas: compiled, broken, inputs })
    }

    pub fn is_empty(&self) -> bool {
        self.formulas.is_empty() && self.broken.is_empty()
    }

    /// Whether some formula's values change with the day (it calls `TODAY()`, or reads a
    /// formula that does).
    pub fn uses_today(&self) -> bool {
        self.formulas.iter().any(|f| f.today)
    }

    /// The formula columns, the broken ones included: the cells [`BoardFormulas::apply`] sets.
    pub fn columns(&self) -> impl Iterator<Item = ColumnId> + '_ {
        self.broken.iter().map(|(c, _)| *c).chain(self.formulas.iter().map(|f| f.column))
    }

    /// Whether some formula reads `column` (so changing its type or labels changes formula
    /// values).
    pub fn reads(&self, column: ColumnId) -> bool {
        self.inputs.binary_search(&column).is_ok()
    }

    /// The result type inferred for a formula column (`None` for an empty formula).
    pub fn result(&self, column: ColumnId) -> Option<FormulaResult> {
        self.formulas.iter().find(|f| f.column == column).map(|f| result_of(f.ty))
    }

    /// `columns` with each formula's `result` set to the type inferred for it.
    pub fn with_results(&self, columns: &[Column]) -> Vec<Column> {
        columns
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if let ColumnSettings::Formula(f) = &mut c.settings {
                    f.result = self.result(c.id).unwrap_or(FormulaResult::Text);
                }
                c
            })
            .collect()
    }

    /// Computes the item's formula cells from its other cells (formulas reading formulas after
    /// them) and returns the cells that changed. `today` is what `TODAY()` means.
    pub fn apply(&self, item: &mut Item, today: NaiveDate) -> Vec<CellChange> {
        let mut changes = vec![];
        for (column, why) in &self.broken {
            let new = Some(error_cell("input_deleted", why));
            let old = item.values.json(*column);
            if old != new {
                item.values.set_logged(*column, new.as_ref());
                changes.push(CellChange { column_id: *column, old, new });
            }
        }
        for f in &self.formulas {
            let new = match eval::eval(&f.node, &eval::Ctx { item, today }) {
                Ok(v) => cell_of(v, f.ty).map(|v| v.to_json()),
                Err(e) => Some(error_cell(e.code, e.message)),
            };
            let old = item.values.json(f.column);
            if old != new {
                // Computed here from typed values or an error of ours: canonical either way.
                item.values.set_logged(f.column, new.as_ref());
                changes.push(CellChange { column_id: f.column, old, new });
            }
        }
        changes
    }
}

/// What a formula's cell holds when the computation has no answer for that item: read as
/// empty by filters and sorts, shown as an error by the web app.
pub fn error_cell(code: &str, message: &str) -> serde_json::Value {
    json!({"error": {"code": code, "message": message}})
}

/// The longest text a formula stores, as for a text column.
const TEXT_MAX: usize = 2000;

/// A computed value as the cell of a formula of type `ty` holds it (`None`: empty).
fn cell_of(v: eval::Val, ty: Ty) -> Option<CellValue> {
    use eval::Val;
    match (v, ty) {
        (Val::Blank, _) | (Val::Bool(false), _) => None,
        (Val::Number(n), Ty::Number) => n.is_finite().then_some(CellValue::Number(n)),
        (Val::Date(d), Ty::Date) => Some(CellValue::Date(DateValue::Day(d))),
        (Val::Bool(true), Ty::Bool) => Some(CellValue::Checked),
        (v, Ty::Text) => {
            let text: String = v.text().chars().take(TEXT_MAX).collect();
            (!text.is_empty()).then_some(CellValue::Text(text))
        }
        _ => None,
    }
}

/// The formulas in an order where each comes after the formulas it reads; a cycle is refused
/// at the reference that closes it, in the first formula (in `parsed` order) on it.
fn topological(parsed: &[Parsed<'_>]) -> Result<Vec<usize>, Refused> {
    let index: HashMap<ColumnId, usize> = parsed.iter().enumerate().map(|(i, (c, _, _))| (c.id, i)).collect();
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; parsed.len()];
    let mut order = Vec::with_capacity(parsed.len());
    for root in 0..parsed.len() {
        if marks[root] != Mark::New {
            continue;
        }
        // Depth-first without recursion: (formula, next edge to follow).
        let mut stack = vec![(root, 0usize)];
        marks[root] = Mark::Open;
        while let Some(&mut (at, ref mut edge)) = stack.last_mut() {
            let edges = &parsed[at].2;
            if *edge == edges.len() {
                marks[at] = Mark::Done;
                order.push(at);
                stack.pop();
                continue;
            }
            let (target, _) = edges[*edge];
            *edge += 1;
            let Some(&next) = index.get(&target) else { continue };
            match marks[next] {
                Mark::Done => {}
                Mark::New => {
                    marks[next] = Mark::Open;
                    stack.push((next, 0));
                }
                Mark::Open => {
                    // The cycle runs from `next` along the stack back to `next`; report it at
                    // the first formula on it, at its reference into the cycle.
                    let from = stack.iter().position(|(i, _)| *i == next).unwrap_or(0);
                    let path: Vec<usize> = stack[from..].iter().map(|(i, _)| *i).collect();
                    let first = path[0];
                    let span = stack[from..]
                        .first()
                        .and_then(|(i, e)| parsed[*i].2.get(e.saturating_sub(1)).map(|(_, s)| *s))
                        .unwrap_or(Span::new(0, 0));
                    let mut names: Vec<String> = path.iter().map(|i| format!("\"{}\"", parsed[*i].0.title)).collect();
                    names.push(format!("\"{}\"", parsed[first].0.title));
                    let message = if path.len() == 1 {
                        "a formula cannot refer to itself".to_owned()
                    } else {
                        format!("formulas cannot refer to each other in a circle ({})", names.join(" → "))
                    };
                    return Err(Refused::new(parsed[first].0, FormulaError::new("cycle", message, span)));
                }
            }
        }
    }
    Ok(order)
}
