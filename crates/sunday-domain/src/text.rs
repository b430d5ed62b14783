//! Rules for the short human-entered strings (names, titles, descriptions).

use std::collections::BTreeSet;

use sunday_types::{ApiError, UserId};

/// A trimmed, non-empty single-line string of at most `max` characters, without control
/// characters. `field` names the input in the error.
pub fn parse_name(field: &str, raw: &str, max: usize) -> Result<String, ApiError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ApiError::validation(field, "required", format!("`{field}` must not be empty")));
    }
    if s.chars().count() > max {
        return Err(ApiError::validation(field, "max_length", format!("`{field}` must be at most {max} characters")));
    }
    if s.chars().any(char::is_control) {
        return Err(ApiError::validation(
            field,
            "no_control_characters",
            format!("`{field}` must not contain control characters"),
        ));
    }
    Ok(s.to_owned())
}

/// Free text that may be empty or span lines, bounded in length.
pub fn parse_text(field: &str, raw: &str, max: usize) -> Result<String, ApiError> {
    if raw.chars().count() > max {
        return Err(ApiError::validation(field, "max_length", format!("`{field}` must be at most {max} characters")));
    }
    Ok(raw.to_owned())
}

/// The user ids mentioned as `@[uuid]`, in order of first appearance.
pub fn mentions(body: &str) -> Vec<UserId> {
    let mut seen = BTreeSet::new();
    let mut out = vec![];
    for part in body.split("@[").skip(1) {
        if let Some((id, _)) = part.split_once(']') {
            if let Ok(u) = id.trim().parse::<UserId>() {
                if seen.insert(u) {
                    out.push(u);
                }
            }
        }
    }
    out
}

/// An update's body: some text, at most 20,000 characters.
pub fn parse_update_body(body: &str) -> Result<String, ApiError> {
    if body.trim().is_empty() {
        return Err(ApiError::validation("body", "required", "an update needs some text"));
    }
    parse_text("body", body, 20_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("name", "  Ada ", 10).unwrap(), "Ada");
        assert!(parse_name("name", "   ", 10).is_err());
        assert!(parse_name("name", "a\nb", 10).is_err());
        let e = parse_name("title", &"x".repeat(11), 10).unwrap_err();
        assert_eq!(serde_json::to_value(e.details).unwrap()["field"], "title");
        assert!(parse_name("name", &"é".repeat(10), 10).is_ok(), "counts characters, not bytes");
    }
}
