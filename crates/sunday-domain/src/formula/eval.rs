//! Evaluation of a checked formula against one item. Deterministic: the only input besides
//! the item is the day `TODAY()` means, passed in.
//!
//! Empty cells read as [`Val::Blank`]: `0` in arithmetic on numbers, `""` in text, false as a
//! condition; a date computation with an empty date is empty. A computation that has no answer
//! (division by zero, an impossible date, a number too large) gives that item's cell an error
//! value (`{"error": {"code", "message"}}`), never failing the write or a page.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use sunday_types::boards::{ColumnType, Item};
use sunday_types::cells::CellValue;

use super::check::{Func, Node, Operands, Source, Ty};
use super::syntax::BinOp;
use crate::columns::display_text;

/// A formula value while computing.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Blank,
    Number(f64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
}

/// Why a computation has no value: what the cell shows instead (`{"error": {code, message}}`).
#[derive(Debug, Clone, PartialEq)]
pub struct NoValue {
    pub code: &'static str,
    pub message: &'static str,
}

const DIVISION_BY_ZERO: NoValue = NoValue { code: "division_by_zero", message: "division by zero" };
const TOO_LARGE: NoValue = NoValue { code: "out_of_range", message: "the number is too large" };
const BAD_DATE: NoValue = NoValue { code: "invalid_date", message: "no such date" };
const BAD_COUNT: NoValue = NoValue { code: "out_of_range", message: "a count or position is out of range" };
const NEGATIVE_ROOT: NoValue = NoValue { code: "invalid_argument", message: "the square root of a negative number" };

type R = Result<Val, NoValue>;

pub struct Ctx<'a> {
    pub item: &'a Item,
    pub today: NaiveDate,
}

impl Val {
    fn number(&self) -> f64 {
        match self {
            Val::Number(n) => *n,
            _ => 0.0,
        }
    }

    fn truthy(&self) -> bool {
        matches!(self, Val::Bool(true))
    }

    /// The value as text (`&`, `CONCATENATE`, `TEXT`).
    pub fn text(&self) -> String {
        match self {
            Val::Blank => String::new(),
            Val::Number(n) => format_number(*n),
            Val::Text(s) => s.clone(),
            Val::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
            Val::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A number as text: whole numbers without a fraction, others to at most ten places with
/// trailing zeros dropped.
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{}", n as i64);
    }
    let s = format!("{n:.10}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A referenced cell's value.
fn read(source: &Source, ctx: &Ctx<'_>) -> Val {
    let item = ctx.item;
    let column = match source {
        Source::Name => return Val::Text(item.name.clone()),
        Source::Column(c) => c,
    };
    match column.column_type {
        ColumnType::AutoNumber => return Val::Number(item.auto_number as f64),
        ColumnType::ItemId => return Val::Text(item.id.to_string()),
        ColumnType::CreationLog => return Val::Date(item.created_at.date_naive()),
        ColumnType::LastUpdated => return Val::Date(item.updated_at.date_naive()),
        _ => {}
    }
    let Some(value) = item.values.cell(column) else { return Val::Blank };
    match &value {
        CellValue::Number(n) => Val::Number(*n),
        CellValue::Rating(r) => Val::Number(f64::from(*r)),
        CellValue::Date(d) => Val::Date(d.local_day(&chrono::Utc)),
        CellValue::Checked => Val::Bool(true),
        CellValue::Text(s) | CellValue::LongText(s) | CellValue::Email(s) | CellValue::Phone(s) => Val::Text(s.clone()),
        CellValue::Link(l) => Val::Text(l.text.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| l.url.clone())),
        // Labels and options by name, lists comma-separated.
        _ => Val::Text(display_text(&value, column)),
    }
}

pub fn eval(node: &Node, ctx: &Ctx<'_>) -> R {
    Ok(match node {
        Node::Number(n) => Val::Number(*n),
        Node::Text(s) => Val::Text(s.clone()),
        Node::Bool(b) => Val::Bool(*b),
        Node::Blank => Val::Blank,
        Node::Ref(source) => read(source, ctx),
        Node::Neg(inner) => Val::Number(-eval(inner, ctx)?.number()),
        Node::Concat(l, r) => Val::Text(eval(l, ctx)?.text() + &eval(r, ctx)?.text()),
        Node::Arith(op, operands, l, r) => arith(*op, *operands, eval(l, ctx)?, eval(r, ctx)?)?,
        Node::Compare(op, ty, l, r) => Val::Bool(compare(*op, *ty, &eval(l, ctx)?, &eval(r, ctx)?)),
        Node::Call(func, args) => call(*func, args, ctx)?,
    })
}

fn finite(n: f64) -> R {
    if n.is_finite() {
        Ok(Val::Number(n))
    } else {
        Err(TOO_LARGE)
    }
}

fn add_days(d: NaiveDate, days: f64) -> R {
    let days = days.trunc();
    if days.abs() > 1e6 {
        return Err(BAD_DATE);
    }
    let out = if days >= 0.0 {
        d.checked_add_days(Days::new(days as u64))
    } else {
        d.checked_sub_days(Days::new((-days) as u64))
    };
    out.map(Val::Date).ok_or(BAD_DATE)
}

fn arith(op: BinOp, operands: Operands, l: Val, r: Val) -> R {
    match operands {
        Operands::Numbers => {
            let (a, b) = (l.number(), r.number());
            match op {
                BinOp::Add => finite(a + b),
                BinOp::Sub => finite(a - b),
                BinOp::Mul => finite(a * b),
                BinOp::Div if b == 0.0 => Err(DIVISION_BY_ZERO),
                BinOp::Div => finite(a / b),
                BinOp::Pow => finite(a.powf(b)),
                _ => Ok(Val::Blank),
            }
        }
        Operands::DateDays => match l {
            Val::Date(d) => add_days(d, if op == BinOp::Sub { -r.number() } else { r.number() }),
            _ => Ok(Val::Blank),
        },
        Operands::Dates => match (l, r) {
            (Val::Date(a), Val::Date(b)) => Ok(Val::Number((a - b).num_days() as f64)),
            _ => Ok(Val::Blank),
        },
    }
}

fn compare(op: BinOp, ty: Ty, l: &Val, r: &Val) -> bool {
    use std::cmp::Ordering;
    let ordering: Option<Ordering> = match ty {
        Ty::Number => l.number().partial_cmp(&r.number()),
        Ty::Text => Some(l.text().cmp(&r.text())),
        Ty::Bool => Some(l.truthy().cmp(&r.truthy())),
        Ty::Date => match (l, r) {
            (Val::Date(a), Val::Date(b)) => Some(a.cmp(b)),
            (Val::Blank, Val::Blank) => Some(Ordering::Equal),
            // An empty date is neither before nor after a date, only unequal to it.
            _ => return op == BinOp::Ne,
        },
    };
    let Some(o) = ordering else { return false };
    match op {
        BinOp::Eq => o == Ordering::Equal,
        BinOp::Ne => o != Ordering::Equal,
        BinOp::Lt => o == Ordering::Less,
        BinOp::Le => o != Ordering::Greater,
        BinOp::Gt => o == Ordering::Greater,
        BinOp::Ge => o != Ordering::Less,
        _ => false,
    }
}

/// A whole number argument for counts and positions, bounded.
fn count(v: &Val) -> Result<usize, NoValue> {
    let n = v.number().trunc();
    if !(0.0..=1e7).contains(&n) {
        return Err(BAD_COUNT);
    }
    Ok(n as usize)
}

fn date(v: Val) -> Option<NaiveDate> {
    match v {
        Val::Date(d) => Some(d),
        _ => None,
    }
}

fn call(func: Func, args: &[Node], ctx: &Ctx<'_>) -> R {
    // The lazy ones first: only the branch taken is computed.
    match func {
        Func::If => {
            let cond = eval(&args[0], ctx)?.truthy();
            return match (cond, args.get(2)) {
                (true, _) => eval(&args[1], ctx),
                (false, Some(otherwise)) => eval(otherwise, ctx),
                (false, None) => Ok(Val::Blank),
            };
        }
        Func::Switch => {
            let subject = eval(&args[0], ctx)?;
            let mut rest = args[1..].chunks(2);
            for pair in rest.by_ref() {
                match pair {
                    [value, result] if eval(value, ctx)? == subject => return eval(result, ctx),
                    [_, _] => {}
                    [default] => return eval(default, ctx),
                    _ => {}
                }
            }
            return Ok(Val::Blank);
        }
        Func::And => {
            for a in args {
                if !eval(a, ctx)?.truthy() {
                    return Ok(Val::Bool(false));
                }
            }
            return Ok(Val::Bool(true));
        }
        Func::Or => {
            for a in args {
                if eval(a, ctx)?.truthy() {
                    return Ok(Val::Bool(true));
                }
            }
            return Ok(Val::Bool(false));
        }
        _ => {}
    }
    let v: Vec<Val> = args.iter().map(|a| eval(a, ctx)).collect::<Result<_, _>>()?;
    let text = |i: usize| v[i].text();
    let chars = |i: usize| v[i].text().chars().collect::<Vec<char>>();
    let numbers = || v.iter().filter(|x| matches!(x, Val::Number(_))).map(Val::number).collect::<Vec<f64>>();
    let places = |i: usize| v.get(i).map(Val::number).unwrap_or(0.0).trunc().clamp(-15.0, 15.0) as i32;
    Ok(match func {
        Func::Not => Val::Bool(!v[0].truthy()),
        Func::Concatenate => Val::Text(v.iter().map(Val::text).collect()),
        Func::Text => Val::Text(text(0)),
        Func::Left => {
            let n = v.get(1).map(count).transpose()?.unwrap_or(1);
            Val::Text(chars(0).into_iter().take(n).collect())
        }
        Func::Right => {
            let c = chars(0);
            let n = v.get(1).map(count).transpose()?.unwrap_or(1).min(c.len());
            Val::Text(c[c.len() - n..].iter().collect())
        }
        Func::Mid => {
            let c = chars(0);
            let start = count(&v[1])?.max(1) - 1;
            Val::Text(c.into_iter().skip(start).take(count(&v[2])?).collect())
        }
        Func::Upper => Val::Text(text(0).to_uppercase()),
        Func::Lower => Val::Text(text(0).to_lowercase()),
        Func::Trim => Val::Text(text(0).split_whitespace().collect::<Vec<_>>().join(" ")),
        Func::Len => Val::Number(chars(0).len() as f64),
        Func::Replace => {
            let c = chars(0);
            let start = (count(&v[1])?.max(1) - 1).min(c.len());
            let end = start.saturating_add(count(&v[2])?).min(c.len());
            Val::Text(c[..start].iter().collect::<String>() + &text(3) + &c[end..].iter().collect::<String>())
        }
        Func::Substitute => {
            let old = text(1);
            if old.is_empty() {
                Val::Text(text(0))
            } else {
                Val::Text(text(0).replace(&old, &text(2)))
            }
        }
        Func::Search => {
            let (needle, hay) = (text(0).to_lowercase(), text(1).to_lowercase());
            Val::Number(hay.find(&needle).map_or(0, |b| hay[..b].chars().count() + 1) as f64)
        }
        Func::Today => Val::Date(ctx.today),
        Func::Date => {
            let (y, m, d) = (v[0].number(), v[1].number(), v[2].number());
            if !(1.0..=9999.0).contains(&y) || !(1.0..=12.0).contains(&m) || !(1.0..=31.0).contains(&d) {
                return Err(BAD_DATE);
            }
            NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32).map(Val::Date).ok_or(BAD_DATE)?
        }
        Func::Days => match (date(v[0].clone()), date(v[1].clone())) {
            (Some(end), Some(start)) => Val::Number((end - start).num_days() as f64),
            _ => Val::Blank,
        },
        Func::Workdays => match (date(v[0].clone()), date(v[1].clone())) {
            (Some(end), Some(start)) => Val::Number(workdays(start, end)),
            _ => Val::Blank,
        },
        Func::AddDays | Func::SubtractDays => match date(v[0].clone()) {
            Some(d) => add_days(d, if func == Func::SubtractDays { -v[1].number() } else { v[1].number() })?,
            None => Val::Blank,
        },
        Func::WeekNum | Func::Weekday | Func::Year | Func::Month | Func::Day => match date(v[0].clone()) {
            Some(d) => Val::Number(f64::from(match func {
                Func::WeekNum => d.iso_week().week(),
                Func::Weekday => d.weekday().number_from_monday(),
                Func::Month => d.month(),
                Func::Day => d.day(),
                _ => return Ok(Val::Number(f64::from(d.year()))),
            })),
            None => Val::Blank,
        },
        Func::FormatDate => match date(v[0].clone()) {
            Some(d) => Val::Text(format_date(d, v.get(1).map(Val::text).as_deref().unwrap_or("YYYY-MM-DD"))),
            None => Val::Blank,
        },
        Func::Round | Func::RoundUp | Func::RoundDown => {
            let scale = 10f64.powi(places(1));
            let x = v[0].number() * scale;
            let r = match func {
                Func::Round => x.round(),
                Func::RoundUp => x.abs().ceil() * x.signum(),
                _ => x.trunc(),
            };
            finite(r / scale)?
        }
        Func::Sum => finite(numbers().iter().sum())?,
        Func::Min => numbers().into_iter().reduce(f64::min).map_or(Val::Blank, Val::Number),
        Func::Max => numbers().into_iter().reduce(f64::max).map_or(Val::Blank, Val::Number),
        Func::Average => {
            let n = numbers();
            if n.is_empty() {
                Val::Blank
            } else {
                finite(n.iter().sum::<f64>() / n.len() as f64)?
            }
        }
        Func::Abs => Val::Number(v[0].number().abs()),
        Func::Sqrt if v[0].number() < 0.0 => return Err(NEGATIVE_ROOT),
        Func::Sqrt => Val::Number(v[0].number().sqrt()),
        Func::Power => finite(v[0].number().powf(v[1].number()))?,
        Func::Mod if v[1].number() == 0.0 => return Err(DIVISION_BY_ZERO),
        // The sign follows the divisor, as in spreadsheets: MOD(-1, 3) = 2.
        Func::Mod => {
            let (a, b) = (v[0].number(), v[1].number());
            finite(a - b * (a / b).floor())?
        }
        Func::If | Func::Switch | Func::And | Func::Or => Val::Blank,
    })
}

/// Working days (Monday to Friday) from `start` to `end`, both counted; negative when `end`
/// is before `start`.
fn workdays(start: NaiveDate, end: NaiveDate) -> f64 {
    let (a, b, sign) = if start <= end { (start, end, 1.0) } else { (end, start, -1.0) };
    let days = (b - a).num_days() + 1;
    let (weeks, rest) = (days / 7, days % 7);
    let mut count = weeks * 5;
    let mut d = a;
    for _ in 0..rest {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            count += 1;
        }
        d = d.succ_opt().unwrap_or(d);
    }
    sign * count as f64
}

/// A date in a pattern of tokens: `YYYY`, `YY`, `MMMM` (January), `MMM` (Jan), `MM`, `M`,
/// `DD`, `D`, `dddd` (Monday), `ddd` (Mon); other characters are kept.
fn format_date(d: NaiveDate, pattern: &str) -> String {
    const TOKENS: [(&str, &str); 10] = [
        ("YYYY", "%Y"),
        ("YY", "%y"),
        ("MMMM", "%B"),
        ("MMM", "%b"),
        ("MM", "%m"),
        ("M", "%-m"),
        ("DD", "%d"),
        ("D", "%-d"),
        ("dddd", "%A"),
        ("ddd", "%a"),
    ];
    let mut out = String::new();
    let mut rest = pattern;
    'outer: while !rest.is_empty() {
        for (token, spec) in TOKENS {
            if let Some(after) = rest.strip_prefix(token) {
                out.push_str(&d.format(spec).to_string());
                rest = after;
                continue 'outer;
            }
        }
        let mut chars = rest.chars();
        out.extend(chars.next());
        rest = chars.as_str();
    }
    out
}
