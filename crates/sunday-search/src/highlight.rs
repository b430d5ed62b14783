//! Where a query's words are in a text: each word of the text that equals a query word, starts
//! with it, or is within the word's typo budget ([`crate::typo_budget`]) is a match. The
//! index matches the same way, so what a hit shows is why it was found.

/// Character ranges of the words of `text` matching `terms` (lower-cased query words), and the
/// text itself cut to about `window` characters around the first match (all of it when short
/// or without a match: then the first `window` characters).
pub fn highlight(text: &str, terms: &[String], window: usize) -> (String, Vec<(usize, usize)>) {
    let chars: Vec<char> = text.chars().collect();
    let mut matches = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_alphanumeric() {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect::<String>().to_lowercase();
        if terms.iter().any(|t| matches_term(&word, t)) {
            matches.push((start, i));
        }
    }
    if chars.len() <= window {
        return (text.to_owned(), matches);
    }
    let first = matches.first().map_or(0, |m| m.0);
    let from = first.saturating_sub(window / 4);
    let to = (from + window).min(chars.len());
    let cut: String = chars[from..to].iter().collect();
    let shifted = matches.into_iter().filter(|m| m.0 >= from && m.1 <= to).map(|(a, b)| (a - from, b - from)).collect();
    (cut, shifted)
}

/// Whether a word of the text matches a query word (see the module).
fn matches_term(word: &str, term: &str) -> bool {
    word == term || word.starts_with(term) || {
        let budget = crate::typo_budget(term);
        budget > 0 && strsim::osa_distance(word, term) <= budget
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn exact_prefix_and_typo_matches_are_marked() {
        let (text, m) = highlight("Launch plan for the Lanch party", &t(&["launch", "pla"]), 200);
        assert_eq!(text, "Launch plan for the Lanch party");
        assert_eq!(m, vec![(0, 6), (7, 11), (20, 25)]);
    }

    #[test]
    fn short_words_need_to_be_exact_or_a_prefix() {
        let (_, m) = highlight("cat cut cart", &t(&["cat"]), 200);
        assert_eq!(m, vec![(0, 3)]);
    }

    #[test]
    fn long_texts_are_cut_around_the_first_match() {
        let text = format!("{} budget {}", "x ".repeat(300), "y ".repeat(300));
        let (cut, m) = highlight(&text, &t(&["budget"]), 100);
        assert!(cut.chars().count() <= 100);
        let (a, b) = m[0];
        assert_eq!(cut.chars().skip(a).take(b - a).collect::<String>(), "budget");
    }

    #[test]
    fn the_typo_budget_grows_with_the_word() {
        assert!(matches_term("launch", "lanch"));
        assert!(matches_term("launch", "luanch"));
        assert!(matches_term("launch", "launcx"));
        assert!(!matches_term("launch", "lnch"));
        assert!(!matches_term("launch", "ulanhc"));
        assert!(matches_term("webinars", "wbeinasr"), "two edits from eight letters");
    }
}
