//! Statements written once, rendered for each dialect at compile time.
//!
//! A statement is PostgreSQL-flavoured SQL text with one piece of markup:
//!
//! - `$1`, `$2`… are parameters. PostgreSQL reads them as they are; SQLite gets `?1`, `?2`…
//!   (SQLite would accept `$1` too, but as a *named* parameter numbered by first appearance,
//!   which silently rebinds statements that use `$2` before `$1`).
//! - `{sqlite text|postgres text}` is a dialect-specific piece: the text before `|` is kept on
//!   SQLite, the text after it on PostgreSQL; either may be empty. It marks every place the two
//!   dialects differ — locking clauses, collations, function names, casts — so a reader sees
//!   the difference where it is instead of in a second copy of the statement.
//!
//! A statement that renders to nothing for a dialect (`{|SELECT … FOR UPDATE}`) is not run
//! there: the row locks PostgreSQL needs are implicit in SQLite's single writer.
//!
//! [`stmt!`](crate::stmt!) renders both texts in `const` evaluation, so a malformed statement
//! (`?` placeholders, unbalanced braces) fails the build, and running one costs no rendering.

/// The two SQL dialects Sunday stores speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One SQL statement, as each dialect runs it.
#[derive(Debug)]
pub struct Stmt {
    sqlite: Option<&'static str>,
    postgres: Option<&'static str>,
}

impl Stmt {
    #[doc(hidden)]
    pub const fn rendered(sqlite: &'static str, postgres: &'static str) -> Stmt {
        Stmt {
            sqlite: if is_blank(sqlite) { None } else { Some(sqlite) },
            postgres: if is_blank(postgres) { None } else { Some(postgres) },
        }
    }

    /// The text for `dialect`, or `None` when the statement does not run there.
    pub fn sql(&self, dialect: Dialect) -> Option<&'static str> {
        match dialect {
            Dialect::Sqlite => self.sqlite,
            Dialect::Postgres => self.postgres,
        }
    }
}

/// A [`Stmt`] from statement text (string literals or macros expanding to them, joined as by
/// `concat!`), rendered for both dialects at compile time.
#[macro_export]
macro_rules! stmt {
    ($($part:expr),+ $(,)?) => {{
        const SOURCE: &str = concat!($($part),+);
        const SQLITE_LEN: usize = $crate::stmt::render_len(SOURCE, $crate::Dialect::Sqlite);
        const SQLITE: [u8; SQLITE_LEN] = $crate::stmt::render(SOURCE, $crate::Dialect::Sqlite);
        const POSTGRES_LEN: usize = $crate::stmt::render_len(SOURCE, $crate::Dialect::Postgres);
        const POSTGRES: [u8; POSTGRES_LEN] = $crate::stmt::render(SOURCE, $crate::Dialect::Postgres);
        $crate::Stmt::rendered($crate::stmt::utf8(&SQLITE), $crate::stmt::utf8(&POSTGRES))
    }};
}

/// The length of `source` rendered for `dialect`.
#[doc(hidden)]
pub const fn render_len(source: &str, dialect: Dialect) -> usize {
    walk(source.as_bytes(), dialect, &mut [])
}

/// `source` rendered for `dialect`; `N` must be [`render_len`].
#[doc(hidden)]
pub const fn render<const N: usize>(source: &str, dialect: Dialect) -> [u8; N] {
    let mut out = [0u8; N];
    walk(source.as_bytes(), dialect, &mut out);
    out
}

#[doc(hidden)]
pub const fn utf8(bytes: &'static [u8]) -> &'static str {
    match core::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => panic!("a dialect piece split a UTF-8 character"),
    }
}

const fn is_blank(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_whitespace() {
            return false;
        }
        i += 1;
    }
    true
}

/// Renders `src` for `dialect` into `out` (when it is long enough to hold the result; the
/// length pass passes an empty slice) and returns the rendered length.
const fn walk(src: &[u8], dialect: Dialect, out: &mut [u8]) -> usize {
    // 0: common text; 1: the SQLite side of a `{…|…}`; 2: its PostgreSQL side.
    let mut side = 0;
    let mut n = 0;
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        i += 1;
        match b {
            b'?' => panic!("write parameters as $1, $2…: `?` is SQLite-only"),
            b'{' => {
                assert!(side == 0, "dialect pieces do not nest");
                side = 1;
                continue;
            }
            b'|' if side == 1 => {
                side = 2;
                continue;
            }
            b'}' => {
                assert!(side == 2, "a dialect piece needs `{{sqlite|postgres}}`");
                side = 0;
                continue;
            }
            b'$' => assert!(i < src.len() && src[i].is_ascii_digit(), "`$` must start a parameter"),
            _ => {}
        }
        let keep = match dialect {
            Dialect::Sqlite => side != 2,
            Dialect::Postgres => side != 1,
        };
        if keep {
            if n < out.len() {
                out[n] = if b == b'$' && matches!(dialect, Dialect::Sqlite) { b'?' } else { b };
            }
            n += 1;
        }
    }
    assert!(side == 0, "unclosed dialect piece");
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    static UPSERT: Stmt = crate::stmt!("UPDATE t SET n = {max|greatest}(n, $2) WHERE id = $1", "{| FOR UPDATE}");
    static PG_ONLY: Stmt = crate::stmt!("{|SELECT 1 FROM t WHERE id = $1 FOR NO KEY UPDATE}");

    #[test]
    fn parameters_and_pieces_render_per_dialect() {
        assert_eq!(UPSERT.sql(Dialect::Sqlite), Some("UPDATE t SET n = max(n, ?2) WHERE id = ?1"));
        assert_eq!(UPSERT.sql(Dialect::Postgres), Some("UPDATE t SET n = greatest(n, $2) WHERE id = $1 FOR UPDATE"));
    }

    #[test]
    fn a_statement_empty_for_a_dialect_does_not_run_there() {
        assert_eq!(PG_ONLY.sql(Dialect::Sqlite), None);
        assert_eq!(PG_ONLY.sql(Dialect::Postgres), Some("SELECT 1 FROM t WHERE id = $1 FOR NO KEY UPDATE"));
    }

    #[test]
    fn string_concatenation_stays_outside_pieces() {
        static CONCAT: Stmt = crate::stmt!("SELECT a || b FROM t");
        assert_eq!(CONCAT.sql(Dialect::Sqlite), Some("SELECT a || b FROM t"));
    }
}
