//! A query word turned into the indexed words it stands for (its near misses, its
//! completions), each searched as a plain term. Term queries are lazy: an intersection skips
//! through a long posting list (a word in every document) to where a rare word of the query is.
//! tantivy's automaton queries instead collect every document of every word they match into a
//! bitset first, which for a common word costs a pass over a million documents per search. When
//! a word stands for too many (a one-letter prefix), the automaton query is the better tool and
//! the caller falls back to it.

use std::collections::BTreeSet;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA, SINK_STATE};
use tantivy::{schema::Field, Searcher, Term};
use tantivy_fst::Automaton;

/// The most indexed words one query word is turned into.
pub const MAX_EXPANSIONS: usize = 64;

/// The indexed words within `budget` edits of a word (a transposition counting as one).
struct Near(DFA);

impl Automaton for Near {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// The words of `field`, in every segment, within `budget` edits of `word`; `None` when there
/// are more than [`MAX_EXPANSIONS`].
pub fn near(searcher: &Searcher, field: Field, word: &str, budget: u8) -> tantivy::Result<Option<Vec<Term>>> {
    let dfa = LevenshteinAutomatonBuilder::new(budget, true).build_dfa(word);
    let automaton = Near(dfa);
    let mut found = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let mut stream = index.terms().search(&automaton).into_stream()?;
        while stream.advance() {
            found.insert(stream.key().to_vec());
            if found.len() > MAX_EXPANSIONS {
                return Ok(None);
            }
        }
    }
    Ok(Some(terms(field, found)))
}

/// The words of `field`, in every segment, starting with `prefix` (itself included); `None`
/// when there are more than [`MAX_EXPANSIONS`].
pub fn completions(searcher: &Searcher, field: Field, prefix: &str) -> tantivy::Result<Option<Vec<Term>>> {
    let mut found = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let mut stream = index.terms().range().ge(prefix.as_bytes()).into_stream()?;
        while stream.advance() && stream.key().starts_with(prefix.as_bytes()) {
            found.insert(stream.key().to_vec());
            if found.len() > MAX_EXPANSIONS {
                return Ok(None);
            }
        }
    }
    Ok(Some(terms(field, found)))
}

fn terms(field: Field, words: BTreeSet<Vec<u8>>) -> Vec<Term> {
    words.into_iter().filter_map(|w| String::from_utf8(w).ok()).map(|w| Term::from_field_text(field, &w)).collect()
}
