//! Type checking: resolves column references and function names, and infers each node's
//! [`Ty`], refusing (with the position) what cannot be computed: a text added to a number, a
//! date compared with a text, an `IF` whose branches differ, a function given the wrong
//! number or kinds of arguments. The checked tree ([`Node`]) is what the evaluator runs.

use sunday_types::boards::{Column, ColumnType};

use super::syntax::{BinOp, Expr, ExprKind};
use super::{FormulaError, Span};

/// The type of a formula value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Number,
    Text,
    Bool,
    Date,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::Number => "a number",
            Ty::Text => "a text",
            Ty::Bool => "a boolean",
            Ty::Date => "a date",
        }
    }
}

/// Where a reference reads from.
#[derive(Clone, Debug)]
pub enum Source {
    /// The item's name.
    Name,
    Column(Column),
}

/// What an arithmetic operator is applied to (fixed by the operand types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operands {
    Numbers,
    /// A date and a number of days (in either order for `+`).
    DateDays,
    /// Two dates: their difference in days.
    Dates,
}

#[derive(Clone, Debug)]
pub enum Node {
    Number(f64),
    Text(String),
    Bool(bool),
    /// An empty text literal in an `IF`/`SWITCH` branch: "no value", of the other branch's type.
    Blank,
    Ref(Source),
    Neg(Box<Node>),
    Arith(BinOp, Operands, Box<Node>, Box<Node>),
    Concat(Box<Node>, Box<Node>),
    Compare(BinOp, Ty, Box<Node>, Box<Node>),
    Call(Func, Vec<Node>),
}

/// The functions, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    If,
    Switch,
    And,
    Or,
    Not,
    Concatenate,
    Text,
    Left,
    Right,
    Mid,
    Upper,
    Lower,
    Trim,
    Len,
    Replace,
    Substitute,
    Search,
    Today,
    Date,
    Days,
    Workdays,
    AddDays,
    SubtractDays,
    WeekNum,
    Weekday,
    Year,
    Month,
    Day,
    FormatDate,
    Round,
    RoundUp,
    RoundDown,
    Sum,
    Min,
    Max,
    Average,
    Abs,
    Power,
    Mod,
    Sqrt,
}

/// Every function name, for documentation and error hints.
pub const FUNCTIONS: [(&str, Func); 40] = [
    ("IF", Func::If),
    ("SWITCH", Func::Switch),
    ("AND", Func::And),
    ("OR", Func::Or),
    ("NOT", Func::Not),
    ("CONCATENATE", Func::Concatenate),
    ("TEXT", Func::Text),
    ("LEFT", Func::Left),
    ("RIGHT", Func::Right),
    ("MID", Func::Mid),
    ("UPPER", Func::Upper),
    ("LOWER", Func::Lower),
    ("TRIM", Func::Trim),
    ("LEN", Func::Len),
    ("REPLACE", Func::Replace),
    ("SUBSTITUTE", Func::Substitute),
    ("SEARCH", Func::Search),
    ("TODAY", Func::Today),
    ("DATE", Func::Date),
    ("DAYS", Func::Days),
    ("WORKDAYS", Func::Workdays),
    ("ADD_DAYS", Func::AddDays),
    ("SUBTRACT_DAYS", Func::SubtractDays),
    ("WEEKNUM", Func::WeekNum),
    ("WEEKDAY", Func::Weekday),
    ("YEAR", Func::Year),
    ("MONTH", Func::Month),
    ("DAY", Func::Day),
    ("FORMAT_DATE", Func::FormatDate),
    ("ROUND", Func::Round),
    ("ROUNDUP", Func::RoundUp),
    ("ROUNDDOWN", Func::RoundDown),
    ("SUM", Func::Sum),
    ("MIN", Func::Min),
    ("MAX", Func::Max),
    ("AVERAGE", Func::Average),
    ("ABS", Func::Abs),
    ("POWER", Func::Power),
    ("MOD", Func::Mod),
    ("SQRT", Func::Sqrt),
];

/// An argument list's shape: the types of the required arguments, how many optional ones of
/// the given types may follow, or any number of one type.
enum Args {
    Fixed(&'static [Ty], &'static [Ty]),
    /// At least one, each of this type (`None`: any type).
    Many(Option<Ty>),
}

fn signature(f: Func) -> (Args, Ty) {
    use Ty::*;
    match f {
        Func::And | Func::Or => (Args::Many(Some(Bool)), Bool),
        Func::Not => (Args::Fixed(&[Bool], &[]), Bool),
        Func::Concatenate => (Args::Many(None), Text),
        Func::Left | Func::Right => (Args::Fixed(&[Text], &[Number]), Text),
        Func::Mid => (Args::Fixed(&[Text, Number, Number], &[]), Text),
        Func::Upper | Func::Lower | Func::Trim => (Args::Fixed(&[Text], &[]), Text),
        Func::Len => (Args::Fixed(&[Text], &[]), Number),
        Func::Replace => (Args::Fixed(&[Text, Number, Number, Text], &[]), Text),
        Func::Substitute => (Args::Fixed(&[Text, Text, Text], &[]), Text),
        Func::Search => (Args::Fixed(&[Text, Text], &[]), Number),
        Func::Today => (Args::Fixed(&[], &[]), Date),
        Func::Date => (Args::Fixed(&[Number, Number, Number], &[]), Date),
        Func::Days | Func::Workdays => (Args::Fixed(&[Date, Date], &[]), Number),
        Func::AddDays | Func::SubtractDays => (Args::Fixed(&[Date, Number], &[]), Date),
        Func::WeekNum | Func::Weekday | Func::Year | Func::Month | Func::Day => (Args::Fixed(&[Date], &[]), Number),
        Func::FormatDate => (Args::Fixed(&[Date], &[Text]), Text),
        Func::Round | Func::RoundUp | Func::RoundDown => (Args::Fixed(&[Number], &[Number]), Number),
        Func::Sum | Func::Min | Func::Max | Func::Average => (Args::Many(Some(Number)), Number),
        Func::Abs | Func::Sqrt => (Args::Fixed(&[Number], &[]), Number),
        Func::Power | Func::Mod => (Args::Fixed(&[Number, Number], &[]), Number),
        // Typed by their own rules in `call`.
        Func::If | Func::Switch | Func::Text => (Args::Many(None), Text),
    }
}

/// How references are resolved: a title to its source and type, or why not.
pub trait Resolve {
    fn resolve(&self, title: &str) -> Result<(Source, Ty), String>;
}

/// The type a column's cells read as in a formula, or why it cannot be used.
pub fn column_ty(column: &Column, formula_result: Option<Ty>) -> Result<Ty, String> {
    Ok(match column.column_type {
        ColumnType::Text
        | ColumnType::LongText
        | ColumnType::Email
        | ColumnType::Phone
        | ColumnType::Link
        | ColumnType::Status
        | ColumnType::Dropdown
        | ColumnType::Tags
        | ColumnType::ItemId => Ty::Text,
        ColumnType::Number | ColumnType::Rating | ColumnType::AutoNumber => Ty::Number,
        ColumnType::Date | ColumnType::CreationLog | ColumnType::LastUpdated => Ty::Date,
        ColumnType::Checkbox => Ty::Bool,
        ColumnType::Mirror | ColumnType::Rollup => match column.value_type() {
            ColumnType::Number => Ty::Number,
            ColumnType::Date => Ty::Date,
            ColumnType::Text => Ty::Text,
            _ => return Err(format!("a date span cannot be used in a formula yet (\"{}\")", column.title)),
        },
        ColumnType::Formula => {
            formula_result.ok_or_else(|| format!("formula \"{}\" is not checked yet", column.title))?
        }
        ColumnType::People
        | ColumnType::Timeline
        | ColumnType::Button
        | ColumnType::Dependency
        | ColumnType::BoardRelation
        | ColumnType::File => {
            return Err(format!(
                "a {} column cannot be used in a formula yet (\"{}\")",
                column.column_type.as_str(),
                column.title
            ))
        }
    })
}

/// Checks `expr`, returning the checked tree and its type.
pub fn check(expr: &Expr, refs: &dyn Resolve) -> Result<(Node, Ty), FormulaError> {
    let err = |rule: &'static str, message: String, span: Span| FormulaError::new(rule, message, span);
    Ok(match &expr.kind {
        ExprKind::Number(n) => (Node::Number(*n), Ty::Number),
        ExprKind::Text(s) => (Node::Text(s.clone()), Ty::Text),
        ExprKind::Bool(b) => (Node::Bool(*b), Ty::Bool),
        ExprKind::Ref(title) => {
            let (source, ty) = refs.resolve(title).map_err(|m| err("unknown_column", m, expr.span))?;
            (Node::Ref(source), ty)
        }
        ExprKind::Neg(inner) => {
            let (node, ty) = check(inner, refs)?;
            if ty != Ty::Number {
                return Err(err("type_mismatch", format!("`-` needs a number, not {}", ty.name()), inner.span));
            }
            (Node::Neg(Box::new(node)), Ty::Number)
        }
        ExprKind::Binary(op, l, r) => {
            let (ln, lt) = check(l, refs)?;
            let (rn, rt) = check(r, refs)?;
            let (ln, rn) = (Box::new(ln), Box::new(rn));
            let mismatch = || {
                err(
                    "type_mismatch",
                    format!("`{}` cannot combine {} and {}", op.symbol(), lt.name(), rt.name()),
                    expr.span,
                )
            };
            match op {
                BinOp::Concat => (Node::Concat(ln, rn), Ty::Text),
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    if lt != rt {
                        return Err(mismatch());
                    }
                    (Node::Compare(*op, lt, ln, rn), Ty::Bool)
                }
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Pow => {
                    let (operands, ty) = match (op, lt, rt) {
                        (_, Ty::Number, Ty::Number) => (Operands::Numbers, Ty::Number),
                        (BinOp::Add, Ty::Date, Ty::Number) | (BinOp::Sub, Ty::Date, Ty::Number) => {
                            (Operands::DateDays, Ty::Date)
                        }
                        (BinOp::Add, Ty::Number, Ty::Date) => {
                            // Days plus a date: evaluated as the date plus the days.
                            return Ok((Node::Arith(BinOp::Add, Operands::DateDays, rn, ln), Ty::Date));
                        }
                        (BinOp::Sub, Ty::Date, Ty::Date) => (Operands::Dates, Ty::Number),
                        (BinOp::Add, Ty::Text, _) | (BinOp::Add, _, Ty::Text) => {
                            return Err(err(
                                "type_mismatch",
                                format!("`+` adds numbers; join texts with `&` ({} and {})", lt.name(), rt.name()),
                                expr.span,
                            ))
                        }
                        _ => return Err(mismatch()),
                    };
                    (Node::Arith(*op, operands, ln, rn), ty)
                }
            }
        }
        ExprKind::Call(name, args) => call(name, args, expr.span, refs)?,
    })
}

fn call(name: &str, args: &[Expr], span: Span, refs: &dyn Resolve) -> Result<(Node, Ty), FormulaError> {
    let Some(func) = FUNCTIONS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f) else {
        return Err(FormulaError::new("unknown_function", format!("there is no function {name}"), span));
    };
    let arity = |min: usize, max: usize| {
        if args.len() < min || args.len() > max {
            let wanted = match (min, max) {
                (a, b) if a == b => format!("{a}"),
                (a, usize::MAX) => format!("at least {a}"),
                (a, b) => format!("{a} to {b}"),
            };
            return Err(FormulaError::new(
                "wrong_arguments",
                format!("{name} takes {wanted} argument(s), not {}", args.len()),
                span,
            ));
        }
        Ok(())
    };
    let checked: Vec<(Node, Ty, Span)> =
        args.iter().map(|a| check(a, refs).map(|(n, t)| (n, t, a.span))).collect::<Result<_, _>>()?;
    let want = |arg: &(Node, Ty, Span), ty: Ty, i: usize| {
        if arg.1 == ty {
            Ok(())
        } else {
            Err(FormulaError::new(
                "type_mismatch",
                format!("argument {} of {name} must be {}, not {}", i + 1, ty.name(), arg.1.name()),
                arg.2,
            ))
        }
    };
    match func {
        Func::If => {
            arity(2, 3)?;
            want(&checked[0], Ty::Bool, 0)?;
            let ty = branches_type(name, &checked[1..])?;
            let results: Vec<usize> = (1..checked.len()).collect();
            return Ok((Node::Call(func, blank_results(checked, &results, ty)), ty));
        }
        Func::Switch => {
            arity(3, usize::MAX)?;
            let subject = checked[0].1;
            let mut results = vec![];
            for (i, pair) in checked[1..].chunks(2).enumerate() {
                if pair.len() == 2 {
                    want(&pair[0], subject, 1 + 2 * i)?;
                    results.push(&pair[1]);
                } else {
                    results.push(&pair[0]);
                }
            }
            let owned: Vec<(Node, Ty, Span)> = results.into_iter().cloned().collect();
            let ty = branches_type(name, &owned)?;
            // Results sit at even places, and a default (an odd count after the subject) last.
            let last = checked.len() - 1;
            let results: Vec<usize> =
                (1..checked.len()).filter(|i| i % 2 == 0 || (*i == last && last % 2 == 1)).collect();
            return Ok((Node::Call(func, blank_results(checked, &results, ty)), ty));
        }
        Func::Text => {
            arity(1, 1)?;
        }
        _ => match signature(func) {
            (Args::Fixed(required, optional), _) => {
                arity(required.len(), required.len() + optional.len())?;
                for (i, (arg, ty)) in checked.iter().zip(required.iter().chain(optional)).enumerate() {
                    want(arg, *ty, i)?;
                }
            }
            (Args::Many(ty), _) => {
                arity(1, usize::MAX)?;
                if let Some(ty) = ty {
                    for (i, arg) in checked.iter().enumerate() {
                        want(arg, ty, i)?;
                    }
                }
            }
        },
    }
    let ty = signature(func).1;
    Ok((Node::Call(func, checked.into_iter().map(|(n, _, _)| n).collect()), ty))
}

/// The one type of an `IF`'s or `SWITCH`'s results; an empty text literal (`""`) fits any
/// type and means "no value".
fn branches_type(name: &str, results: &[(Node, Ty, Span)]) -> Result<Ty, FormulaError> {
    let is_blank = |n: &Node| matches!(n, Node::Text(s) if s.is_empty());
    let typed: Vec<&(Node, Ty, Span)> = results.iter().filter(|(n, _, _)| !is_blank(n)).collect();
    let Some(first) = typed.first() else { return Ok(Ty::Text) };
    for other in &typed[1..] {
        if other.1 != first.1 {
            return Err(FormulaError::new(
                "type_mismatch",
                format!(
                    "the results of {name} must be of one type: {} here, {} before",
                    other.1.name(),
                    first.1.name()
                ),
                other.2,
            ));
        }
    }
    Ok(first.1)
}

/// The argument nodes, with empty text literals at the result places turned into
/// [`Node::Blank`] when the results are not texts (there `""` means "no value").
fn blank_results(checked: Vec<(Node, Ty, Span)>, results: &[usize], ty: Ty) -> Vec<Node> {
    checked
        .into_iter()
        .enumerate()
        .map(|(i, (n, _, _))| match n {
            Node::Text(s) if s.is_empty() && ty != Ty::Text && results.contains(&i) => Node::Blank,
            n => n,
        })
        .collect()
}
