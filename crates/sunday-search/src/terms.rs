//! The words of a query, as the index splits and folds text: runs of letters and digits, lower
//! cased. Operators, quotes and brackets are not syntax: they separate words, so no query can
//! be malformed.

/// Longer queries are refused (`400`).
pub const MAX_QUERY_CHARS: usize = 500;
/// Words searched at most; more are refused.
pub const MAX_TERMS: usize = 16;

/// Words longer than this (in bytes) are not indexed (tantivy's default tokenizer drops them).
const MAX_WORD_BYTES: usize = 40;

/// The words of a text as the indexes keep them, in order, repeats included.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| w.len() <= MAX_WORD_BYTES)
}

/// The query's words, lower-cased, each once, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in tokens(text) {
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// How many edits (a transposition counting as one) a query word may be from a word of the
/// index and still find it, when the index does not have it as typed: none under four letters
/// (too many short words are one edit apart), one up to seven, two from eight.
pub fn typo_budget(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_quotes_and_brackets_only_separate_words() {
        assert_eq!(terms("\"Launch\" AND (plan* OR -Q3) [x]"), ["launch", "and", "plan", "or", "q3", "x"]);
        assert_eq!(terms("Ünïcode straße"), ["ünïcode", "straße"]);
        assert!(terms("((( \"\" ]]] ***").is_empty());
        assert_eq!(terms("a a A"), ["a"]);
    }

    #[test]
    fn longer_words_allow_more_typos() {
        assert_eq!([typo_budget("cat"), typo_budget("note"), typo_budget("webinars")], [0, 1, 2]);
        assert_eq!(tokens("A b-a").collect::<Vec<_>>(), ["a", "b", "a"]);
    }
}
