//! The formula language's syntax: a lexer and a precedence-climbing parser into [`Expr`], every
//! node with the [`Span`] of the text it came from so that errors point at it.
//!
//! Grammar, loosest binding first:
//! ```text
//! expr    = compare
//! compare = concat (("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") concat)*
//! concat  = sum ("&" sum)*
//! sum     = product (("+" | "-") product)*
//! product = unary (("*" | "/") unary)*
//! unary   = "-" unary | power
//! power   = atom ("^" unary)?            (right-associative)
//! atom    = number | string | TRUE | FALSE | "{" title "}" | NAME "(" args ")" | "(" expr ")"
//! ```

use super::{FormulaError, Span};

/// How deeply expressions may nest; deeper input is refused rather than risking the stack.
pub const MAX_DEPTH: usize = 64;

/// The longest expression accepted, in characters.
pub const MAX_LEN: usize = 4000;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Number(f64),
    Text(String),
    Bool(bool),
    /// `{Title}`: a column of the item (or `{Name}`, the item's name).
    Ref(String),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A function call; the name upper-cased.
    Call(String, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
            BinOp::Concat => "&",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    Number(f64),
    Text(String),
    Ident(String),
    Ref(String),
    Op(BinOp),
    LParen,
    RParen,
    Comma,
}

/// The tokens of `src`, each with its span in characters.
pub fn lex(src: &str) -> Result<Vec<(Token, Span)>, FormulaError> {
    let chars: Vec<char> = src.chars().collect();
    if chars.len() > MAX_LEN {
        return Err(FormulaError::new(
            "too_long",
            format!("a formula is at most {MAX_LEN} characters"),
            Span::new(MAX_LEN, chars.len()),
        ));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two = chars.get(i + 1).copied();
        let (token, len) = match (c, two) {
            ('(', _) => (Token::LParen, 1),
            (')', _) => (Token::RParen, 1),
            (',', _) => (Token::Comma, 1),
            ('+', _) => (Token::Op(BinOp::Add), 1),
            ('-', _) => (Token::Op(BinOp::Sub), 1),
            ('*', _) => (Token::Op(BinOp::Mul), 1),
            ('/', _) => (Token::Op(BinOp::Div), 1),
            ('^', _) => (Token::Op(BinOp::Pow), 1),
            ('&', _) => (Token::Op(BinOp::Concat), 1),
            ('=', Some('=')) => (Token::Op(BinOp::Eq), 2),
            ('=', _) => (Token::Op(BinOp::Eq), 1),
            ('!', Some('=')) | ('<', Some('>')) => (Token::Op(BinOp::Ne), 2),
            ('<', Some('=')) => (Token::Op(BinOp::Le), 2),
            ('<', _) => (Token::Op(BinOp::Lt), 1),
            ('>', Some('=')) => (Token::Op(BinOp::Ge), 2),
            ('>', _) => (Token::Op(BinOp::Gt), 1),
            ('"' | '\'', _) => {
                let (text, end) = string(&chars, i)?;
                out.push((Token::Text(text), Span::new(start, end)));
                i = end;
                continue;
            }
            ('{', _) => {
                let close = chars[i + 1..].iter().position(|&c| c == '}').map(|p| i + 1 + p);
                let Some(close) = close else {
                    return Err(FormulaError::new(
                        "unclosed_reference",
                        "a column reference needs its closing `}`",
                        Span::new(start, chars.len()),
                    ));
                };
                let title: String = chars[i + 1..close].iter().collect::<String>().trim().to_owned();
                if title.is_empty() {
                    return Err(FormulaError::new(
                        "empty_reference",
                        "`{}` names no column",
                        Span::new(start, close + 1),
                    ));
                }
                out.push((Token::Ref(title), Span::new(start, close + 1)));
                i = close + 1;
                continue;
            }
            (c, _) if c.is_ascii_digit() || (c == '.' && two.is_some_and(|d| d.is_ascii_digit())) => {
                let end = number_end(&chars, i);
                let text: String = chars[i..end].iter().collect();
                let n = text.parse::<f64>().ok().filter(|n| n.is_finite()).ok_or_else(|| {
                    FormulaError::new("bad_number", format!("`{text}` is not a number"), Span::new(start, end))
                })?;
                out.push((Token::Number(n), Span::new(start, end)));
                i = end;
                continue;
            }
            (c, _) if c.is_alphabetic() || c == '_' => {
                let end = i + chars[i..].iter().take_while(|c| c.is_alphanumeric() || **c == '_').count();
                out.push((Token::Ident(chars[i..end].iter().collect()), Span::new(start, end)));
                i = end;
                continue;
            }
            (c, _) => {
                return Err(FormulaError::new(
                    "unexpected_character",
                    format!("unexpected `{c}`"),
                    Span::new(start, start + 1),
                ))
            }
        };
        out.push((token, Span::new(start, start + len)));
        i += len;
    }
    Ok(out)
}

/// A quoted string starting at `i`: its text (with `\"`, `\'` and `\\` unescaped) and the
/// index after its closing quote.
fn string(chars: &[char], i: usize) -> Result<(String, usize), FormulaError> {
    let quote = chars[i];
    let mut text = String::new();
    let mut j = i + 1;
    while j < chars.len() {
        match chars[j] {
            '\\' if j + 1 < chars.len() => {
                text.push(chars[j + 1]);
                j += 2;
            }
            c if c == quote => return Ok((text, j + 1)),
            c => {
                text.push(c);
                j += 1;
            }
        }
    }
    Err(FormulaError::new("unclosed_string", "a text needs its closing quote", Span::new(i, chars.len())))
}

fn number_end(chars: &[char], mut i: usize) -> usize {
    let digits = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
    };
    digits(&mut i);
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        digits(&mut i);
    }
    if i < chars.len() && matches!(chars[i], 'e' | 'E') {
        let mut j = i + 1;
        if j < chars.len() && matches!(chars[j], '+' | '-') {
            j += 1;
        }
        if j < chars.len() && chars[j].is_ascii_digit() {
            i = j;
            digits(&mut i);
        }
    }
    i
}

/// Parses a whole expression.
pub fn parse(src: &str) -> Result<Expr, FormulaError> {
    let tokens = lex(src)?;
    let end = src.chars().count();
    if tokens.is_empty() {
        return Err(FormulaError::new("empty", "the formula is empty", Span::new(0, end)));
    }
    let mut p = Parser { tokens, at: 0, end, depth: 0 };
    let expr = p.expr()?;
    match p.tokens.get(p.at) {
        None => Ok(expr),
        Some((Token::RParen, span)) => Err(FormulaError::new("unmatched_paren", "this `)` closes nothing", *span)),
        Some((_, span)) => Err(FormulaError::new("expected_operator", "expected an operator or the end here", *span)),
    }
}

struct Parser {
    tokens: Vec<(Token, Span)>,
    at: usize,
    /// The length of the source, for errors at its end.
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(t, _)| t)
    }

    fn span_here(&self) -> Span {
        self.tokens.get(self.at).map(|(_, s)| *s).unwrap_or(Span::new(self.end, self.end))
    }

    fn binary(
        &mut self,
        ops: &[BinOp],
        next: fn(&mut Parser) -> Result<Expr, FormulaError>,
    ) -> Result<Expr, FormulaError> {
        let mut left = next(self)?;
        while let Some(Token::Op(op)) = self.peek() {
            let op = *op;
            if !ops.contains(&op) {
                break;
            }
            self.at += 1;
            let right = next(self)?;
            let span = left.span.to(right.span);
            left = Expr { kind: ExprKind::Binary(op, Box::new(left), Box::new(right)), span };
        }
        Ok(left)
    }

    fn expr(&mut self) -> Result<Expr, FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FormulaError::new(
                "too_deep",
                format!("a formula nests at most {MAX_DEPTH} levels deep"),
                self.span_here(),
            ));
        }
        use BinOp::*;
        let e = self.binary(&[Eq, Ne, Lt, Le, Gt, Ge], |p| {
            p.binary(&[Concat], |p| p.binary(&[Add, Sub], |p| p.binary(&[Mul, Div], Parser::unary)))
        });
        self.depth -= 1;
        e
    }

    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if let Some((Token::Op(BinOp::Sub), span)) = self.tokens.get(self.at) {
            let start = *span;
            self.at += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(FormulaError::new(
                    "too_deep",
                    format!("a formula nests at most {MAX_DEPTH} levels deep"),
                    start,
                ));
            }
            let inner = self.unary()?;
            self.depth -= 1;
            let span = start.to(inner.span);
            return Ok(Expr { kind: ExprKind::Neg(Box::new(inner)), span });
        }
        let base = self.atom()?;
        if let Some(Token::Op(BinOp::Pow)) = self.peek() {
            self.at += 1;
            let exponent = self.unary()?;
            let span = base.span.to(exponent.span);
            return Ok(Expr { kind: ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exponent)), span });
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr, FormulaError> {
        let span = self.span_here();
        let Some((token, _)) = self.tokens.get(self.at).cloned() else {
            return Err(FormulaError::new("unexpected_end", "the formula ends too soon", span));
        };
        self.at += 1;
        let kind = match token {
            Token::Number(n) => ExprKind::Number(n),
            Token::Text(s) => ExprKind::Text(s),
            Token::Ref(r) => ExprKind::Ref(r),
            Token::Ident(name) => {
                let upper = name.to_uppercase();
                if self.peek() != Some(&Token::LParen) {
                    return match upper.as_str() {
                        "TRUE" => Ok(Expr { kind: ExprKind::Bool(true), span }),
                        "FALSE" => Ok(Expr { kind: ExprKind::Bool(false), span }),
                        _ => Err(FormulaError::new(
                            "unknown_name",
                            format!(
                                "`{name}` is neither a function call nor a value; columns are written `{{{name}}}`"
                            ),
                            span,
                        )),
                    };
                }
                self.at += 1;
                let mut args = Vec::new();
                if self.peek() == Some(&Token::RParen) {
                    self.at += 1;
                } else {
                    loop {
                        args.push(self.expr()?);
                        match self.tokens.get(self.at) {
                            Some((Token::Comma, _)) => self.at += 1,
                            Some((Token::RParen, _)) => {
                                self.at += 1;
                                break;
                            }
                            _ => {
                                return Err(FormulaError::new(
                                    "unclosed_call",
                                    format!("expected `,` or `)` in the call of {upper}"),
                                    self.span_here(),
                                ))
                            }
                        }
                    }
                }
                let close = self.tokens[self.at - 1].1;
                return Ok(Expr { kind: ExprKind::Call(upper, args), span: span.to(close) });
            }
            Token::LParen => {
                let inner = self.expr()?;
                match self.tokens.get(self.at) {
                    Some((Token::RParen, close)) => {
                        let close = *close;
                        self.at += 1;
                        return Ok(Expr { kind: inner.kind, span: span.to(close) });
                    }
                    _ => return Err(FormulaError::new("unclosed_paren", "this `(` is never closed", span)),
                }
            }
            Token::RParen => return Err(FormulaError::new("unexpected_paren", "expected a value before `)`", span)),
            Token::Comma => return Err(FormulaError::new("unexpected_comma", "expected a value before `,`", span)),
            Token::Op(op) => {
                return Err(FormulaError::new(
                    "expected_value",
                    format!("expected a value before `{}`", op.symbol()),
                    span,
                ))
            }
        };
        Ok(Expr { kind, span })
    }
}

/// `src` with each column reference's title replaced as `rename` says (titles it returns
/// `None` for are kept): how a formula follows a renamed column. Text that does not lex is
/// returned unchanged.
pub fn rename_refs(src: &str, rename: impl Fn(&str) -> Option<String>) -> String {
    let Ok(tokens) = lex(src) else { return src.to_owned() };
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for (token, span) in tokens {
        let Token::Ref(title) = token else { continue };
        if let Some(new) = rename(&title) {
            out.extend(&chars[at..span.start]);
            out.push('{');
            out.push_str(&new);
            out.push('}');
            at = span.end;
        }
    }
    out.extend(&chars[at..]);
    out
}
