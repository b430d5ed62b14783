//! Email addresses and passwords as values that cannot be invalid once constructed.

use sunday_types::{ApiError, ErrorCode, ErrorDetails};

/// A syntactically valid, lower-cased email address (RFC 5321 length limits; one `@`; a
/// dotted domain of letters, digits and hyphens). Deliverability is not checked here.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, ApiError> {
        let s = raw.trim().to_lowercase();
        let invalid =
            || ApiError::new(ErrorCode::InvalidEmail, format!("`{}` is not a valid email address", truncate(raw, 80)));
        if s.len() > 254 {
            return Err(invalid());
        }
        let (local, domain) = s.split_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Email(s))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// A password that meets the minimum policy. Its `Debug` never shows the text.
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 10;
    pub const MAX_LEN: usize = 256;

    pub fn parse(raw: &str, email: &Email) -> Result<Password, ApiError> {
        let len = raw.chars().count();
        let weak = |why: &str| {
            ApiError::new(ErrorCode::WeakPassword, format!("password rejected: {why}"))
                .with_details(ErrorDetails::rule("password", why))
        };
        if len < Self::MIN_LEN {
            return Err(weak("at least 10 characters"));
        }
        if len > Self::MAX_LEN {
            return Err(weak("at most 256 characters"));
        }
        let mut chars = raw.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(weak("not one repeated character"));
        }
        if raw.eq_ignore_ascii_case(email.as_str()) {
            return Err(weak("not the email address"));
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses_and_lowercases() {
        assert_eq!(Email::parse(" Ada@Example.COM ").unwrap().as_str(), "ada@example.com");
        assert!(Email::parse("first.last+tag@sub.example.co").is_ok());
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@localhost",
            "a da@example.com",
            "ada@@x.com",
            "ada@-x.com",
            ".ada@x.com",
            "a..b@x.com",
        ] {
            let e = Email::parse(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidEmail, "{bad}");
        }
    }

    #[test]
    fn password_policy() {
        let email = Email::parse("ada@example.com").unwrap();
        assert!(Password::parse("short", &email).is_err());
        assert!(Password::parse("aaaaaaaaaaaa", &email).is_err());
        assert!(Password::parse("ADA@example.com", &email).is_err());
        assert!(Password::parse(&"x".repeat(300), &email).is_err());
        let ok = Password::parse("correct horse battery", &email).unwrap();
        assert!(!format!("{ok:?}").contains("horse"));
    }

    proptest! {
        #[test]
        fn parsed_emails_are_stable(local in "[a-z0-9]{1,20}", domain in "[a-z]{1,10}\\.[a-z]{2,5}") {
            let e = Email::parse(&format!("{local}@{domain}")).unwrap();
            prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
        }

        #[test]
        fn parse_never_panics(s in ".{0,300}") {
            let _ = Email::parse(&s);
        }
    }
}
