//! The PostgreSQL backend, for clusters: one index in a database (the store's, or
//! `search.url`), shared by every node. Its tables (`search_docs`, `search_positions`,
//! `search_terms`, `search_meta`) are its own, made when it first opens and remade when their
//! layout changes or one of them is gone (the index is then rebuilt from the event log).
//!
//! Documents keep a `tsvector` of their words, split and folded as [`crate::tokens`] does (so
//! both backends see the same words), the title's weighted above the body's, under a GIN
//! index. Every word indexed also goes into `search_terms`, under a trigram (`pg_trgm`) GIN
//! index: a query word the index does not have is looked up there among the words sharing at
//! least [`SIMILARITY`] of their trigrams with it, and those within its typo budget
//! ([`crate::typo_budget`]) are searched in its place. (A trigram GiST index would give the
//! nearest words whatever their similarity, but walking it for a million words took 300 ms
//! where the GIN lookup takes under one.) The last word also matches as a prefix. Ranking is
//! `ts_rank`, with documents holding every word as typed first.
//!
//! A batch is one transaction: its positions move only from where it was planned (otherwise
//! [`SearchError::Moved`] and nothing changes), so several indexers may share the index.

use std::{
    collections::{BTreeSet, HashMap},
    fmt::Write as _,
};

use async_trait::async_trait;
use sunday_store_postgres::{describe, Pool};
use sunday_types::BoardId;
use tokio_postgres::types::ToSql;

use crate::{
    highlight, terms, tokens, typo_budget, Batch, Doc, DocKind, Found, Hit, IndexStats, Query, Removal, SearchError,
    SearchIndex, MAX_QUERY_CHARS, MAX_TERMS,
};

/// The tables' layout; another value in `search_meta` means they are remade.
const LAYOUT: i32 = 2;
/// Serializes making the tables between nodes starting together.
const SETUP_LOCK: i64 = 0x5eac_4001;
/// Neighbours of an unknown word looked at, most similar first.
const NEIGHBOURS: i64 = 64;
/// The least trigram similarity of a neighbour (`pg_trgm.similarity_threshold`): low enough for
/// one typo in a four-letter word or two in a long one, high enough to keep the lookup small.
const SIMILARITY: &str = "0.2";
/// Characters of body shown around the first match (as the embedded index).
const SNIPPET: usize = 160;
/// PostgreSQL keeps at most this position in a `tsvector`.
const MAX_POSITION: usize = 16_383;

const TABLES: &str = "
CREATE TABLE search_docs (
    key text PRIMARY KEY,
    kind text NOT NULL,
    org_id uuid NOT NULL,
    board_id uuid NOT NULL,
    item_id uuid,
    parent text,
    cell_files uuid,
    title text NOT NULL,
    body text NOT NULL,
    context text NOT NULL,
    words tsvector NOT NULL
);
CREATE INDEX search_docs_words ON search_docs USING gin (words);
CREATE INDEX search_docs_board ON search_docs (board_id);
CREATE INDEX search_docs_item ON search_docs (item_id);
CREATE INDEX search_docs_parent ON search_docs (parent);
CREATE INDEX search_docs_cell_files ON search_docs (cell_files);
CREATE TABLE search_positions (board_id uuid PRIMARY KEY, seq bigint NOT NULL);
CREATE TABLE search_terms (term text PRIMARY KEY);
CREATE INDEX search_terms_trigrams ON search_terms USING gin (term gin_trgm_ops);
";

/// The PostgreSQL index (see the module).
#[derive(Clone)]
pub struct PostgresIndex {
    pool: Pool,
    generation: String,
}

fn db_err(e: tokio_postgres::Error) -> SearchError {
    SearchError::Index(describe(&e))
}

fn pool_err(e: sunday_store::StoreError) -> SearchError {
    SearchError::Index(e.to_string())
}

impl PostgresIndex {
    /// Connects to the database at `url` (a pool of at most `max_connections`) and opens the
    /// index there, making its tables if they are missing or of another layout (then `true`: it
    /// must be rebuilt). Needs `pg_trgm` (created if missing: PostgreSQL 13 and later let a
    /// database's owner do it).
    pub async fn open(url: &str, max_connections: usize) -> Result<(PostgresIndex, bool), SearchError> {
        let pool = Pool::connect(url, max_connections).await.map_err(pool_err)?;
        let mut conn = pool.get().await.map_err(pool_err)?;
        let tx = conn.transaction().await.map_err(db_err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SETUP_LOCK]).await.map_err(db_err)?;
        tx.batch_execute(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm;
             CREATE TABLE IF NOT EXISTS search_meta (
                 only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
                 layout integer NOT NULL,
                 generation text NOT NULL
             );",
        )
        .await
        .map_err(db_err)?;
        let meta = tx
            .query_opt(
                "SELECT layout, generation, to_regclass('search_docs') IS NOT NULL
                     AND to_regclass('search_positions') IS NOT NULL
                     AND to_regclass('search_terms') IS NOT NULL
                 FROM search_meta",
                &[],
            )
            .await
            .map_err(db_err)?;
        let (generation, created) = match meta {
            Some(row) if row.get::<_, i32>(0) == LAYOUT && row.get::<_, bool>(2) => (row.get(1), false),
            _ => {
                tracing::info!("search: making the PostgreSQL index's tables");
                let generation = crate::new_generation();
                tx.batch_execute(&format!(
                    "DROP TABLE IF EXISTS search_docs, search_positions, search_terms; {TABLES}
                     DELETE FROM search_meta;"
                ))
                .await
                .map_err(db_err)?;
                tx.execute(
                    "INSERT INTO search_meta (layout, generation) VALUES ($1, $2)",
                    &[&LAYOUT as &(dyn ToSql + Sync), &generation],
                )
                .await
                .map_err(db_err)?;
                (generation, true)
            }
        };
        tx.commit().await.map_err(db_err)?;
        drop(conn);
        Ok((PostgresIndex { pool, generation }, created))
    }

    /// The query as a `tsquery`: every word, each as typed, as one of its `typos` and, for the
    /// last, as a prefix. And the documents holding every word as typed, ranked first.
    fn tsqueries(words: &[String], typos: &HashMap<&str, Vec<String>>) -> (String, String) {
        let mut any = String::new();
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                any.push_str(" & ");
            }
            let _ = write!(any, "({}", lexeme(word));
            for typo in typos.get(word.as_str()).into_iter().flatten() {
                let _ = write!(any, " | {}", lexeme(typo));
            }
            if i + 1 == words.len() {
                let _ = write!(any, " | {}:*", lexeme(word));
            }
            any.push(')');
        }
        let exact = words.iter().map(|w| lexeme(w)).collect::<Vec<_>>().join(" & ");
        (any, exact)
    }

    /// The indexed words within their typo budget of each query word the index does not have.
    async fn typos<'w>(
        &self,
        client: &tokio_postgres::Client,
        words: &'w [String],
    ) -> Result<HashMap<&'w str, Vec<String>>, SearchError> {
        let known: BTreeSet<String> = client
            .query("SELECT term FROM search_terms WHERE term = ANY($1)", &[&words])
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut out = HashMap::new();
        let unknown: Vec<&String> = words.iter().filter(|w| !known.contains(*w) && typo_budget(w) > 0).collect();
        if !unknown.is_empty() {
            // For this connection (the pool's connections are only searches').
            client.batch_execute(&format!("SET pg_trgm.similarity_threshold = {SIMILARITY}")).await.map_err(db_err)?;
        }
        for word in unknown {
            let budget = typo_budget(word);
            let (shortest, longest) = ((word.chars().count() - budget) as i32, (word.chars().count() + budget) as i32);
            let near = client
                .query(
                    "SELECT term FROM search_terms WHERE term % $1 AND length(term) BETWEEN $2 AND $3
                     ORDER BY similarity(term, $1) DESC LIMIT $4",
                    &[word as &(dyn ToSql + Sync), &shortest, &longest, &NEIGHBOURS],
                )
                .await
                .map_err(db_err)?;
            let close: Vec<String> = near
                .iter()
                .map(|r| r.get::<_, String>(0))
                .filter(|t| strsim::osa_distance(t, word) <= budget)
                .collect();
            out.insert(word.as_str(), close);
        }
        Ok(out)
    }
}

/// A word as a `tsquery`/`tsvector` lexeme: quoted, its quotes and backslashes escaped.
fn lexeme(word: &str) -> String {
    format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''"))
}

/// A document's words as a `tsvector`: the title's weighted `A`, the body's `B`.
fn vector(doc: &Doc) -> String {
    let mut out = String::new();
    let mut position = 0;
    for (text, weight) in [(&doc.title, 'A'), (&doc.body, 'B')] {
        for word in tokens(text) {
            position = (position + 1).min(MAX_POSITION);
            let _ = write!(out, "{}:{position}{weight} ", lexeme(&word));
        }
    }
    out
}

/// PostgreSQL's text cannot hold NUL.
fn text(s: &str) -> String {
    s.replace('\0', "")
}

#[async_trait]
impl SearchIndex for PostgresIndex {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn shared(&self) -> bool {
        true
    }

    fn generation(&self) -> String {
        self.generation.clone()
    }

    async fn position(&self, board: BoardId) -> Result<i64, SearchError> {
        let conn = self.pool.get().await.map_err(pool_err)?;
        let row = conn
            .query_opt("SELECT seq FROM search_positions WHERE board_id = $1::text::uuid", &[&board.to_string()])
            .await
            .map_err(db_err)?;
        Ok(row.map_or(0, |r| r.get(0)))
    }

    async fn apply(&self, mut batch: Batch) -> Result<(), SearchError> {
        // An upsert costs the same whether or not the key was there before.
        batch.docs.append(&mut batch.fresh);
        let mut conn = self.pool.get().await.map_err(pool_err)?;
        let tx = conn.transaction().await.map_err(db_err)?;
        for a in &batch.positions {
            let (board, from, to) = (a.board.to_string(), a.from, a.to);
            let changed = if from == 0 {
                let insert = "INSERT INTO search_positions (board_id, seq) VALUES ($1::text::uuid, $2)
                              ON CONFLICT (board_id) DO NOTHING";
                tx.execute(insert, &[&board as &(dyn ToSql + Sync), &to]).await
            } else {
                let update = "UPDATE search_positions SET seq = $3 WHERE board_id = $1::text::uuid AND seq = $2";
                tx.execute(update, &[&board as &(dyn ToSql + Sync), &from, &to]).await
            };
            if changed.map_err(db_err)? != 1 {
                // Dropping the transaction rolls it back.
                return Err(SearchError::Moved);
            }
        }
        let (mut keys, mut items, mut cell_files, mut boards, mut parents) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for removal in &batch.removals {
            match removal {
                Removal::Key(k) => keys.push(text(k)),
                Removal::Item(i) => items.push(i.to_string()),
                Removal::CellFiles(i) => cell_files.push(i.to_string()),
                Removal::Board(b) => boards.push(b.to_string()),
                Removal::Children(k) => parents.push(text(k)),
            }
        }
        if !batch.removals.is_empty() {
            tx.execute(
                "DELETE FROM search_docs WHERE key = ANY($1) OR item_id = ANY($2::text[]::uuid[])
                 OR cell_files = ANY($3::text[]::uuid[]) OR board_id = ANY($4::text[]::uuid[]) OR parent = ANY($5)",
                &[&keys, &items, &cell_files, &boards, &parents],
            )
            .await
            .map_err(db_err)?;
        }
        // One row per key (the last one wins): an upsert cannot touch a row twice.
        let mut last: HashMap<&str, usize> = HashMap::new();
        for (i, doc) in batch.docs.iter().enumerate() {
            last.insert(&doc.key, i);
        }
        let docs: Vec<&Doc> = batch
            .docs
            .iter()
            .enumerate()
            .filter(|(i, d)| last.get(d.key.as_str()) == Some(i))
            .map(|(_, d)| d)
            .collect();
        if !docs.is_empty() {
            let column = |f: &dyn Fn(&Doc) -> String| docs.iter().map(|d| f(d)).collect::<Vec<String>>();
            let optional = |f: &dyn Fn(&Doc) -> Option<String>| docs.iter().map(|d| f(d)).collect::<Vec<_>>();
            let cells_of = |d: &Doc| d.item.filter(|_| d.kind == DocKind::File && d.parent.is_none());
            let columns: [&(dyn ToSql + Sync); 11] = [
                &column(&|d| text(&d.key)),
                &column(&|d| d.kind.as_str().to_owned()),
                &column(&|d| d.org.to_string()),
                &column(&|d| d.board.to_string()),
                &optional(&|d| d.item.map(|i| i.to_string())),
                &optional(&|d| d.parent.as_deref().map(text)),
                &optional(&|d| cells_of(d).map(|i| i.to_string())),
                &column(&|d| text(&d.title)),
                &column(&|d| text(&d.body)),
                &column(&|d| text(&d.context)),
                &column(&vector),
            ];
            tx.execute(
                "INSERT INTO search_docs
                     (key, kind, org_id, board_id, item_id, parent, cell_files, title, body, context, words)
                 SELECT k, kd, o::uuid, b::uuid, i::uuid, p, c::uuid, t, bd, cx, w::tsvector
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                             $8::text[], $9::text[], $10::text[], $11::text[]) AS d(k, kd, o, b, i, p, c, t, bd, cx, w)
                 ON CONFLICT (key) DO UPDATE SET kind = EXCLUDED.kind, org_id = EXCLUDED.org_id,
                     board_id = EXCLUDED.board_id, item_id = EXCLUDED.item_id, parent = EXCLUDED.parent,
                     cell_files = EXCLUDED.cell_files, title = EXCLUDED.title, body = EXCLUDED.body,
                     context = EXCLUDED.context, words = EXCLUDED.words",
                &columns,
            )
            .await
            .map_err(db_err)?;
            // Sorted, so two indexers adding the same words take their locks in one order.
            let words: BTreeSet<String> = docs.iter().flat_map(|d| tokens(&d.title).chain(tokens(&d.body))).collect();
            let words: Vec<String> = words.into_iter().collect();
            tx.execute("INSERT INTO search_terms (term) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", &[&words])
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn search(&self, q: &Query) -> Result<Found, SearchError> {
        if q.text.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::Query(format!("a search is at most {MAX_QUERY_CHARS} characters")));
        }
        let words = terms(&q.text);
        if words.len() > MAX_TERMS {
            return Err(SearchError::Query(format!("a search has at most {MAX_TERMS} words")));
        }
        if words.is_empty() || q.boards.is_empty() || q.limit == 0 {
            return Ok(Found::default());
        }
        let conn = self.pool.get().await.map_err(pool_err)?;
        let typos = self.typos(&conn, &words).await?;
        let (any, exact) = Self::tsqueries(&words, &typos);
        let boards: Vec<String> = q.boards.iter().map(BoardId::to_string).collect();
        let kind = q.kind.map(DocKind::as_str);
        let (limit, offset) = (q.limit as i64 + 1, q.offset as i64);
        // The boards filter what the words find: compared as text, so the planner cannot
        // choose to read the board's entries of its index (every document, on a big board)
        // and intersect them with the words'.
        let rows = conn
            .query(
                "SELECT key, kind, board_id::text, item_id::text, title, body, context,
                        ts_rank(words, q) + CASE WHEN words @@ exact THEN 1::real ELSE 0::real END AS score
                 FROM search_docs, CAST($1::text AS tsquery) AS q, CAST($2::text AS tsquery) AS exact
                 WHERE words @@ q AND board_id::text = ANY($3) AND ($4::text IS NULL OR kind = $4)
                 ORDER BY score DESC, key
                 LIMIT $5 OFFSET $6",
                &[&any as &(dyn ToSql + Sync), &exact, &boards, &kind, &limit, &offset],
            )
            .await
            .map_err(db_err)?;
        let more = rows.len() > q.limit;
        let hits = rows
            .iter()
            .take(q.limit)
            .filter_map(|r| {
                let kind = DocKind::parse(r.get(1))?;
                let board = r.get::<_, &str>(2).parse().ok()?;
                let (title, context, body): (String, String, String) = (r.get(4), r.get(6), r.get(5));
                let title = if title.is_empty() { context } else { title };
                let (title, title_matches) = highlight(&title, &words, usize::MAX);
                let (snippet, snippet_matches) =
                    if body.is_empty() { (String::new(), Vec::new()) } else { highlight(&body, &words, SNIPPET) };
                Some(Hit {
                    kind,
                    key: r.get(0),
                    board,
                    item: r.get::<_, Option<&str>>(3).and_then(|i| i.parse().ok()),
                    title,
                    snippet,
                    title_matches,
                    snippet_matches,
                    score: r.get(7),
                })
            })
            .collect();
        Ok(Found { hits, more })
    }

    async fn stats(&self) -> Result<IndexStats, SearchError> {
        let conn = self.pool.get().await.map_err(pool_err)?;
        let row = conn
            .query_one(
                "SELECT (SELECT count(*) FROM search_docs),
                        pg_total_relation_size('search_docs') + pg_total_relation_size('search_terms')",
                &[],
            )
            .await
            .map_err(db_err)?;
        Ok(IndexStats { docs: row.get::<_, i64>(0) as u64, bytes: row.get::<_, i64>(1) as u64 })
    }

    /// Every change is committed as it is applied: nothing to do.
    async fn close(&self) {}
}

#[cfg(test)]
mod tests;
