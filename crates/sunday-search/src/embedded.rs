//! The embedded backend: a tantivy index in a directory (`<data_dir>/search` by default), one
//! per node. Changes go to the index writer as they come and are committed together at most
//! every [`COMMIT_EVERY`], with the positions they bring the index to in the commit's payload,
//! so what is searchable, what survives a crash and where the indexer resumes always agree.
//! A directory without an index (deleted, or never made) gets a new one with a new
//! generation, which the indexer rebuilds from the event log.
//!
//! Matching: every word of the query must match the title or the body, exactly (ranked
//! highest), within its typo budget ([`crate::typo_budget`]) when the index does not have it
//! as typed, or, for the last word, as a prefix (typing "laun" finds "launch").
//! Ranking is BM25 on the exact words. Near misses, completions and the boards searched are
//! unions of plain term queries ([`expand`]), so a rare word of the query drives the search.

mod expand;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, Weak},
    time::Duration,
};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sunday_types::BoardId;
use tantivy::{
    collector::TopDocs,
    directory::MmapDirectory,
    query::{
        BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query as TQuery, TermQuery, TermSetQuery,
    },
    schema::{Field, IndexRecordOption, Schema, Value, STORED, STRING, TEXT},
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term,
};

use crate::{highlight, terms, Batch, Doc, DocKind, Found, Hit, IndexStats, Query, Removal, SearchError, SearchIndex};

/// How long a change waits to be committed (searchable and kept) while commits are quick.
pub const COMMIT_EVERY: Duration = Duration::from_millis(200);
/// Under a flood of changes (a bulk create) each commit writes a segment that must be merged
/// later: the committer waits this many times its last commit's duration, so committing takes
/// at most a tenth of the index's time…
const COMMIT_SHARE: u32 = 10;
/// …but never longer than this between commits. Up to [`FEW_CHANGES`] pending (someone's edit
/// after a flood, not the flood itself) are committed at the next tick whatever the pause.
const COMMIT_AT_MOST: Duration = Duration::from_secs(2);
const FEW_CHANGES: usize = 100;
/// Memory the index writer may use before it writes a segment.
const WRITER_BYTES: usize = 40_000_000;
/// Characters of body shown around the first match.
const SNIPPET: usize = 160;

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    kind: Field,
    org: Field,
    board: Field,
    item: Field,
    parent: Field,
    /// Set on the file documents of an item's cells (the item id), so they can be replaced.
    cell_files: Field,
    title: Field,
    body: Field,
    context: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        org: b.add_text_field("org", STRING),
        board: b.add_text_field("board", STRING | STORED),
        item: b.add_text_field("item", STRING | STORED),
        parent: b.add_text_field("parent", STRING),
        cell_files: b.add_text_field("cell_files", STRING),
        title: b.add_text_field("title", TEXT | STORED),
        body: b.add_text_field("body", TEXT | STORED),
        context: b.add_text_field("context", STORED),
    };
    (b.build(), fields)
}

/// What a commit's payload keeps.
#[derive(Default, Serialize, Deserialize)]
struct Payload {
    generation: String,
    positions: HashMap<BoardId, i64>,
}

struct State {
    generation: String,
    positions: HashMap<BoardId, i64>,
    /// Changes (documents added, terms deleted) not committed yet.
    pending: usize,
}

struct Inner {
    dir: PathBuf,
    fields: Fields,
    /// `None` once closed.
    writer: Mutex<Option<IndexWriter>>,
    reader: IndexReader,
    state: Mutex<State>,
}

/// The embedded index (see the module).
#[derive(Clone)]
pub struct EmbeddedIndex(Arc<Inner>);

fn index_err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Index(e.to_string())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl EmbeddedIndex {
    /// Opens the index in `dir`, or makes a new one there (then `true`: it must be rebuilt).
    /// An index of another schema (an older Sunday's) is replaced. Starts the committer.
    pub fn open(dir: &Path) -> Result<(EmbeddedIndex, bool), SearchError> {
        std::fs::create_dir_all(dir).map_err(index_err)?;
        let (schema, fields) = schema();
        let mmap = MmapDirectory::open(dir).map_err(index_err)?;
        let existing = Index::exists(&mmap).map_err(index_err)?;
        let mut index = if existing {
            Index::open(mmap).map_err(index_err)?
        } else {
            Index::create_in_dir(dir, schema.clone()).map_err(index_err)?
        };
        let mut created = !existing;
        if index.schema() != schema {
            tracing::warn!(dir = %dir.display(), "the search index has another layout; rebuilding it");
            drop(index);
            std::fs::remove_dir_all(dir).map_err(index_err)?;
            std::fs::create_dir_all(dir).map_err(index_err)?;
            index = Index::create_in_dir(dir, schema).map_err(index_err)?;
            created = true;
        }
        let payload: Payload = index
            .load_metas()
            .map_err(index_err)?
            .payload
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default();
        let generation =
            if payload.generation.is_empty() || created { crate::new_generation() } else { payload.generation };
        // Made on a thread of lowered priority, so tantivy's indexing and merge threads
        // inherit it and run below the requests: merging a large board's segments took
        // seconds of CPU at once, and on a busy core the writes waited behind it (a write p99
        // of 170 ms at 1,000 writes/s on a 1,000,000-item board, 11 ms with search off;
        // BENCHMARKS.md). The index is a follower of the log: it may lag a moment under load.
        let writer =
            sunday_priority::below(sunday_priority::Nice::FOLLOWER, || index.writer_with_num_threads(1, WRITER_BYTES))
                .map_err(index_err)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(index_err)?;
        let inner = Arc::new(Inner {
            dir: dir.to_owned(),
            fields,
            writer: Mutex::new(Some(writer)),
            reader,
            state: Mutex::new(State {
                generation,
                positions: if created { HashMap::new() } else { payload.positions },
                pending: usize::from(created),
            }),
        });
        spawn_committer(Arc::downgrade(&inner));
        Ok((EmbeddedIndex(inner), created))
    }

    /// Commits what is pending now (the committer does it within [`COMMIT_EVERY`]).
    pub async fn flush(&self) -> Result<(), SearchError> {
        let inner = self.0.clone();
        tokio::task::spawn_blocking(move || inner.commit()).await.map_err(index_err)?
    }
}

/// Commits every [`COMMIT_EVERY`] while there are changes (longer after slow commits, see
/// [`COMMIT_SHARE`]), until the index is dropped.
fn spawn_committer(inner: Weak<Inner>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    runtime.spawn(async move {
        let (mut pause, mut waited) = (COMMIT_EVERY, Duration::ZERO);
        loop {
            tokio::time::sleep(COMMIT_EVERY).await;
            waited += COMMIT_EVERY;
            let Some(inner) = inner.upgrade() else { return };
            let pending = lock(&inner.state).pending;
            if pending == 0 {
                (pause, waited) = (COMMIT_EVERY, Duration::ZERO);
                continue;
            }
            if pending > FEW_CHANGES && waited < pause {
                continue;
            }
            let started = std::time::Instant::now();
            let committed = tokio::task::spawn_blocking(move || inner.commit()).await;
            pause = (started.elapsed() * COMMIT_SHARE).clamp(COMMIT_EVERY, COMMIT_AT_MOST);
            waited = Duration::ZERO;
            match committed {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "committing the search index; will retry"),
                Err(e) => tracing::warn!(error = %e, "committing the search index"),
            }
        }
    });
}

impl Inner {
    fn commit(&self) -> Result<(), SearchError> {
        let mut guard = lock(&self.writer);
        let Some(writer) = guard.as_mut() else { return Ok(()) };
        // Taken under the writer's lock: every change added so far is in this commit, and
        // the positions recorded are those of the changes it holds.
        let payload = {
            let mut state = lock(&self.state);
            if state.pending == 0 {
                return Ok(());
            }
            state.pending = 0;
            Payload { generation: state.generation.clone(), positions: state.positions.clone() }
        };
        let mut prepared = writer.prepare_commit().map_err(index_err)?;
        prepared.set_payload(&serde_json::to_string(&payload).map_err(index_err)?);
        if let Err(e) = prepared.commit() {
            lock(&self.state).pending += 1;
            return Err(index_err(e));
        }
        drop(guard);
        self.reader.reload().map_err(index_err)
    }

    fn apply(&self, batch: Batch) -> Result<(), SearchError> {
        let f = self.fields;
        let guard = lock(&self.writer);
        let writer = guard.as_ref().ok_or_else(|| SearchError::Index("the index is closed".into()))?;
        // Checked under the writer's lock, before anything is added: one batch at a time.
        {
            let state = lock(&self.state);
            if batch.positions.iter().any(|a| state.positions.get(&a.board).copied().unwrap_or(0) != a.from) {
                return Err(SearchError::Moved);
            }
        }
        let text = |field: Field, s: &str| Term::from_field_text(field, s);
        let changes = (batch.removals.len() + batch.docs.len() + batch.fresh.len()).max(1);
        for removal in batch.removals {
            match removal {
                Removal::Key(k) => writer.delete_term(text(f.key, &k)),
                Removal::Item(i) => writer.delete_term(text(f.item, &i.to_string())),
                Removal::CellFiles(i) => writer.delete_term(text(f.cell_files, &i.to_string())),
                Removal::Board(b) => writer.delete_term(text(f.board, &b.to_string())),
                Removal::Children(k) => writer.delete_term(text(f.parent, &k)),
            };
        }
        for doc in batch.docs {
            writer.delete_term(text(f.key, &doc.key));
            writer.add_document(self.document(&doc)).map_err(index_err)?;
        }
        for doc in batch.fresh {
            writer.add_document(self.document(&doc)).map_err(index_err)?;
        }
        let mut state = lock(&self.state);
        for a in batch.positions {
            state.positions.insert(a.board, a.to);
        }
        state.pending += changes;
        Ok(())
    }

    fn document(&self, d: &Doc) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &d.key);
        doc.add_text(f.kind, d.kind.as_str());
        doc.add_text(f.org, d.org.to_string());
        doc.add_text(f.board, d.board.to_string());
        if let Some(item) = d.item {
            doc.add_text(f.item, item.to_string());
            if d.kind == DocKind::File && d.parent.is_none() {
                doc.add_text(f.cell_files, item.to_string());
            }
        }
        if let Some(p) = &d.parent {
            doc.add_text(f.parent, p);
        }
        doc.add_text(f.title, &d.title);
        doc.add_text(f.body, &d.body);
        doc.add_text(f.context, &d.context);
        doc
    }

    fn search(&self, q: &Query) -> Result<Found, SearchError> {
        if q.text.chars().count() > crate::MAX_QUERY_CHARS {
            return Err(SearchError::Query(format!("a search is at most {} characters", crate::MAX_QUERY_CHARS)));
        }
        let words = terms(&q.text);
        if words.len() > crate::MAX_TERMS {
            return Err(SearchError::Query(format!("a search has at most {} words", crate::MAX_TERMS)));
        }
        if words.is_empty() || q.boards.is_empty() || q.limit == 0 {
            return Ok(Found::default());
        }
        let f = self.fields;
        let searcher = self.reader.searcher();
        let boosted = |q: Box<dyn TQuery>, boost: f32| -> (Occur, Box<dyn TQuery>) {
            (Occur::Should, Box::new(BoostQuery::new(q, boost)))
        };
        let mut must: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let last = i + 1 == words.len();
            // A word the index has is taken as typed: looking for its near misses too would walk
            // the postings of every neighbour ("note" → "notes", "node"…) for hits ranked below.
            let known = [f.title, f.body]
                .into_iter()
                .map(|field| searcher.doc_freq(&Term::from_field_text(field, word)).map(|n| n > 0))
                .collect::<Result<Vec<bool>, _>>()
                .map_err(index_err)?
                .contains(&true);
            let mut any = Vec::new();
            let term = |t: Term| -> Box<dyn TQuery> { Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) };
            for (field, weight) in [(f.title, 2.0), (f.body, 1.0)] {
                let exact = Term::from_field_text(field, word);
                any.push(boosted(term(exact.clone()), weight * 2.0));
                let budget = crate::typo_budget(word) as u8;
                if budget > 0 && !known {
                    match expand::near(&searcher, field, word, budget).map_err(index_err)? {
                        Some(near) => any.extend(near.into_iter().map(|t| boosted(term(t), weight * 0.3))),
                        None => {
                            any.push(boosted(Box::new(FuzzyTermQuery::new(exact.clone(), budget, true)), weight * 0.3))
                        }
                    }
                }
                if last {
                    match expand::completions(&searcher, field, word).map_err(index_err)? {
                        Some(words) => any.extend(words.into_iter().map(|t| boosted(term(t), weight * 0.5))),
                        None => any.push(boosted(Box::new(FuzzyTermQuery::new_prefix(exact, 0, true)), weight * 0.5)),
                    }
                }
            }
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        let boards: Vec<Term> = q.boards.iter().map(|b| Term::from_field_text(f.board, &b.to_string())).collect();
        // Lazy term queries for a few boards; a bitset of their documents for many.
        let boards: Box<dyn TQuery> = if boards.len() <= expand::MAX_EXPANSIONS {
            let any = boards.into_iter().map(|t| -> (Occur, Box<dyn TQuery>) {
                (Occur::Should, Box::new(TermQuery::new(t, IndexRecordOption::Basic)))
            });
            Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any.collect())), 0.0))
        } else {
            Box::new(TermSetQuery::new(boards))
        };
        must.push((Occur::Must, boards));
        if let Some(kind) = q.kind {
            let term = Term::from_field_text(f.kind, kind.as_str());
            must.push((Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
        }
        let query = BooleanQuery::new(must);
        let top = searcher
            .search(&query, &TopDocs::with_limit(q.limit + 1).and_offset(q.offset).order_by_score())
            .map_err(index_err)?;
        let more = top.len() > q.limit;
        let mut hits = Vec::with_capacity(top.len().min(q.limit));
        for (score, address) in top.into_iter().take(q.limit) {
            if let Some(hit) = self.hit(&searcher, address, score, &words)? {
                hits.push(hit);
            }
        }
        Ok(Found { hits, more })
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        score: f32,
        words: &[String],
    ) -> Result<Option<Hit>, SearchError> {
        let f = self.fields;
        let doc: TantivyDocument = searcher.doc(address).map_err(index_err)?;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_owned();
        let (Some(kind), Ok(board)) = (DocKind::parse(&text(f.kind)), text(f.board).parse()) else {
            return Ok(None);
        };
        let title = Some(text(f.title)).filter(|t| !t.is_empty()).unwrap_or_else(|| text(f.context));
        let (title, title_matches) = highlight(&title, words, usize::MAX);
        let body = text(f.body);
        let (snippet, snippet_matches) =
            if body.is_empty() { (String::new(), Vec::new()) } else { highlight(&body, words, SNIPPET) };
        Ok(Some(Hit {
            kind,
            key: text(f.key),
            board,
            item: text(f.item).parse().ok(),
            title,
            snippet,
            title_matches,
            snippet_matches,
            score,
        }))
    }
}

#[async_trait]
impl SearchIndex for EmbeddedIndex {
    fn backend(&self) -> &'static str {
        "embedded"
    }

    fn shared(&self) -> bool {
        false
    }

    fn generation(&self) -> String {
        lock(&self.0.state).generation.clone()
    }

    async fn position(&self, board: BoardId) -> Result<i64, SearchError> {
        Ok(lock(&self.0.state).positions.get(&board).copied().unwrap_or(0))
    }

    async fn apply(&self, batch: Batch) -> Result<(), SearchError> {
        let inner = self.0.clone();
        tokio::task::spawn_blocking(move || inner.apply(batch)).await.map_err(index_err)?
    }

    async fn search(&self, query: &Query) -> Result<Found, SearchError> {
        let (inner, query) = (self.0.clone(), query.clone());
        tokio::task::spawn_blocking(move || inner.search(&query)).await.map_err(index_err)?
    }

    async fn close(&self) {
        let inner = self.0.clone();
        let closed = tokio::task::spawn_blocking(move || {
            let committed = inner.commit();
            // Dropping the writer waits for its merges and releases the directory's lock.
            drop(lock(&inner.writer).take());
            committed
        })
        .await;
        if let Ok(Err(e)) | Err(e) = closed.map_err(index_err) {
            tracing::warn!(error = %e, "closing the search index");
        }
    }

    async fn stats(&self) -> Result<IndexStats, SearchError> {
        let docs = self.0.reader.searcher().num_docs();
        let bytes = std::fs::read_dir(&self.0.dir)
            .map(|entries| entries.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
            .unwrap_or(0);
        Ok(IndexStats { docs, bytes })
    }
}

#[cfg(test)]
mod tests;
