//! Any two strings as neighbouring position keys: `between` never panics, and when both are
//! valid keys in order it returns a valid key strictly between them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sunday_domain::position::{between, is_valid};

fuzz_target!(|input: (Option<String>, Option<String>)| {
    let (a, b) = input;
    let result = between(a.as_deref(), b.as_deref());
    let valid = |k: &Option<String>| k.as_deref().is_none_or(is_valid);
    let ordered = match (&a, &b) {
        (Some(a), Some(b)) => a < b,
        _ => true,
    };
    if valid(&a) && valid(&b) && ordered {
        let key = result.expect("valid, ordered neighbours always have a key between them");
        assert!(is_valid(&key), "{key:?}");
        assert!(a.as_deref().is_none_or(|a| a < key.as_str()), "{a:?} < {key:?}");
        assert!(b.as_deref().is_none_or(|b| key.as_str() < b), "{key:?} < {b:?}");
    }
});
