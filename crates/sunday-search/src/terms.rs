//! The words of a query, as the index splits and folds text: runs of letters and digits, lower
//! cased. Operators, quotes and brackets are not syntax: they separate words, so no query can
//! be malformed.

/// Longer queries are refused (`400`).
pub const MAX_QUERY_CHARS: usize = 500;
/// Words searched at most; more are refused.
pub const MAX_TERMS: usize = 16;

/// The query's words, lower-cased, each once, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        // The index drops tokens over 40 bytes; they cannot match.
        if word.len() <= 40 && !out.contains(&word) {
            out.push(word);
        }
    }
    out
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
}
