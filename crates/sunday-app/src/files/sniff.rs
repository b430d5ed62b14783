//! What a file is, from its first bytes rather than from what the client claims, and a name
//! safe to keep and to send back.

/// How many leading bytes the sniffing looks at.
pub const SNIFF_BYTES: usize = 8192;

/// The content type of a file starting with `head`. Magic numbers win; text (valid UTF-8
/// without NUL bytes) keeps a textual claim (`text/csv`, `application/json`) or is
/// `text/plain`; anything else is `application/octet-stream`, whatever was claimed.
pub fn content_type(head: &[u8], claimed: Option<&str>) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    if looks_like_text(head) {
        let claimed = claimed.map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        return match claimed {
            Some(c) if textual(&c) => c,
            _ => "text/plain".to_owned(),
        };
    }
    "application/octet-stream".to_owned()
}

fn textual(t: &str) -> bool {
    let ok_chars = t.chars().all(|c| c.is_ascii_alphanumeric() || "/.+-".contains(c));
    ok_chars && (t.starts_with("text/") || matches!(t, "application/json" | "application/xml" | "image/svg+xml"))
}

/// Valid UTF-8 (a character cut at the end of `head` allowed) without NUL bytes.
fn looks_like_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

/// Whether `allowed` (`files.allowed_types`) admits `ty`.
pub fn allowed(ty: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| {
        a == "*"
            || a.eq_ignore_ascii_case(ty)
            || a.strip_suffix("/*").is_some_and(|family| ty.split('/').next() == Some(family))
    })
}

/// The longest name kept, in characters.
pub const NAME_MAX: usize = 255;

/// A file name safe to keep and show: the last path segment, without control characters or
/// surrounding spaces and dots, at most [`NAME_MAX`] characters (the extension kept); `file`
/// when nothing is left.
pub fn safe_name(given: &str) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().trim_matches('.').trim();
    if clean.is_empty() {
        return "file".to_owned();
    }
    if clean.chars().count() <= NAME_MAX {
        return clean.to_owned();
    }
    let ext: String = match clean.rsplit_once('.') {
        Some((_, ext)) if ext.chars().count() <= 16 => format!(".{ext}"),
        _ => String::new(),
    };
    let keep = NAME_MAX - ext.chars().count();
    clean.chars().take(keep).collect::<String>() + &ext
}

/// A `Content-Disposition` value for `name`: an ASCII fallback and the UTF-8 name (RFC 6266,
/// RFC 5987), with nothing that could end the header or the quoted string.
pub fn content_disposition(inline: bool, name: &str) -> String {
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
        assert_eq!(content_type(&png, Some("text/plain")), "image/png");
        assert_eq!(content_type(b"%PDF-1.7\n", Some("image/png")), "application/pdf");
        assert_eq!(content_type(b"a,b\n1,2\n", Some("text/csv")), "text/csv");
        assert_eq!(content_type(b"just words", Some("application/x-evil")), "text/plain");
        // Recognised, and then served as an attachment inside a sandbox.
        assert_eq!(content_type(b"<html><script>", Some("text/plain")), "text/html");
        assert_eq!(content_type(&[0, 1, 2, 3, 255], Some("image/png")), "application/octet-stream");
        // A character cut by the end of the sniffed bytes is still text.
        assert_eq!(content_type("naïve é".as_bytes().split_at(8).0, None), "text/plain");
    }

    #[test]
    fn allowed_types_match_exactly_by_family_or_all() {
        let list = vec!["image/*".to_owned(), "application/pdf".to_owned()];
        assert!(allowed("image/png", &list));
        assert!(allowed("application/pdf", &list));
        assert!(!allowed("application/zip", &list));
        assert!(!allowed("imagex/png", &list));
        assert!(allowed("application/zip", &["*".to_owned()]));
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(safe_name("a\u{0}b\nc\r.txt"), "abc.txt");
        assert_eq!(safe_name(".."), "file");
        assert_eq!(safe_name(""), "file");
        let long = "x".repeat(1000) + ".png";
        let kept = safe_name(&long);
        assert_eq!(kept.chars().count(), NAME_MAX);
        assert!(kept.ends_with(".png"));
    }

    #[test]
    fn dispositions_cannot_break_the_header() {
        let d = content_disposition(false, "a\"b\\c;é.txt");
        assert_eq!(d, "attachment; filename=\"a_b_c;_.txt\"; filename*=UTF-8''a%22b%5Cc%3B%C3%A9.txt");
        assert!(d.chars().all(|c| c.is_ascii() && !c.is_control()));
    }
}
