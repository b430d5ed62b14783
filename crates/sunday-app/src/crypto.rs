//! Secrets: random tokens, their stored hashes, and password hashing with argon2id.
//!
//! Bearer tokens carry 256 random bits, so a fast SHA-256 is the right stored form (no
//! brute force is possible); passwords are low-entropy and get argon2id. Token prefixes
//! tell a session (`sus_`) from a personal API token (`sup_`) and an invitation (`sui_`)
//! without a lookup, and make leaked secrets easy to scan for.

use argon2::{password_hash::SaltString, Algorithm, Argon2, Params, PasswordHash, PasswordVerifier, Version};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sunday_types::{ApiError, ErrorCode};

/// The stored hash of an account without a password (imported from an archive that left
/// sign-in secrets out): no password matches it.
pub const NO_PASSWORD: &str = "!";

/// How long a password check waits for a free hashing slot before answering `429`.
const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

pub const SESSION_PREFIX: &str = "sus_";
pub const PERSONAL_TOKEN_PREFIX: &str = "sup_";
pub const INVITE_PREFIX: &str = "sui_";

/// A fresh secret: the prefix and 32 random bytes, base64url.
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a token: hex SHA-256.
pub fn hash_token(token: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(token.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    out
}

/// argon2id with configured costs; hashing runs on the blocking pool so a signup burst
/// cannot stall the async workers.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    /// Hashes in progress at most: each takes a core and ~19 MiB, so a burst of signups or
    /// logins must queue rather than starve every other request.
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    concurrency: usize,
    /// A real hash of a random password, verified against when the account does not exist
    /// so that a login's timing does not reveal whether an email is registered.
    dummy: std::sync::Arc<std::sync::OnceLock<String>>,
}

impl PasswordHasher {
    pub fn new(memory_kib: u32, iterations: u32, concurrency: usize) -> PasswordHasher {
        let params = Params::new(memory_kib.max(8), iterations.max(1), 1, None).unwrap_or_default();
        let concurrency = match concurrency {
            0 => std::thread::available_parallelism().map(usize::from).unwrap_or(1),
            n => n,
        };
        PasswordHasher {
            params,
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency)),
            concurrency,
            dummy: Default::default(),
        }
    }

    /// Hashes being computed now.
    pub fn in_flight(&self) -> usize {
        self.concurrency - self.permits.available_permits()
    }

    /// A turn to hash: waits up to [`HASH_WAIT`], then `429`.
    async fn turn(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        match tokio::time::timeout(HASH_WAIT, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) => Err(ApiError::internal("password hashing stopped")),
            Err(_) => Err(ApiError::new(ErrorCode::RateLimited, "too many sign-ins at once; try again shortly")
                .retry_after(HASH_WAIT.as_secs())),
        }
    }

    fn argon(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let argon = self.argon();
        let permit = self.turn().await?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            argon2::PasswordHasher::hash_password(&argon, password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| ApiError::internal(format!("argon2: {e}")))
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Whether `password` matches `stored` (a PHC string, or [`NO_PASSWORD`]). A malformed stored hash counts as
    /// a mismatch and is logged.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        let stored = match stored {
            Some(s) => (s, true),
            None => (self.dummy_hash().await?, false),
        };
        let argon = self.argon();
        let permit = self.turn().await?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let (hash, real) = stored;
            if hash == NO_PASSWORD {
                return false;
            }
            let parsed = match PasswordHash::new(&hash) {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %e, "stored password hash is malformed");
                    return false;
                }
            };
            argon.verify_password(password.as_bytes(), &parsed).is_ok() && real
        })
        .await
        .map_err(ApiError::internal)
    }

    async fn dummy_hash(&self) -> Result<String, ApiError> {
        if let Some(h) = self.dummy.get() {
            return Ok(h.clone());
        }
        let h = self.hash(new_token("")).await?;
        Ok(self.dummy.get_or_init(|| h).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_prefixed_and_hash_stably() {
        let a = new_token(SESSION_PREFIX);
        let b = new_token(SESSION_PREFIX);
        assert!(a.starts_with("sus_") && a.len() > 40);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), hash_token(&b));
        assert_eq!(hash_token(&a).len(), 64);
        // The SHA-256 of "abc", a published test vector.
        assert_eq!(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_hash() {
        let h = PasswordHasher::new(64, 1, 1);
        let stored = h.hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(h.verify("correct horse battery".into(), Some(stored.clone())).await.unwrap());
        assert!(!h.verify("wrong horse battery".into(), Some(stored)).await.unwrap());
        assert!(!h.verify("anything".into(), None).await.unwrap());
        assert!(!h.verify("anything".into(), Some("not-a-hash".into())).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_queue_beyond_the_configured_concurrency() {
        let h = std::sync::Arc::new(PasswordHasher::new(4096, 2, 1));
        let work: Vec<_> = (0..4)
            .map(|i| {
                let h = h.clone();
                tokio::spawn(async move { h.hash(format!("password number {i}")).await })
            })
            .collect();
        let mut most = 0;
        while !work.iter().all(|w| w.is_finished()) {
            most = most.max(h.in_flight());
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        for w in work {
            assert!(w.await.unwrap().unwrap().starts_with("$argon2id$"), "every queued hash completes");
        }
        assert_eq!(most, 1, "never more hashes at once than configured");
    }
}
