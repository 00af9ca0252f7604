//! Passwords: the contract's policy, and bcrypt on a bounded blocking pool (at most one hash
//! per core at a time), so a burst of logins queues instead of stalling other requests.
//! Unknown accounts are verified against a fixed dummy hash of the same cost, so they take as
//! long as wrong passwords (no user enumeration by timing; OWASP ASVS 2.2).

use std::sync::Arc;

use tokio::sync::{OnceCell, Semaphore};

use crate::error::FieldError;

/// bcrypt reads at most 72 bytes; longer passwords are refused, never silently truncated.
pub const MAX_PASSWORD_BYTES: usize = 72;

/// Checks the contract's rules (8–128 characters with an upper-case letter, a lower-case letter
/// and a digit) plus bcrypt's 72-byte limit; every failure is one message for `field`.
pub fn check_policy(field: &str, password: &str) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let chars = password.chars().count();
    if !(8..=128).contains(&chars) {
        problems.push("must be 8–128 characters".to_owned());
    }
    if password.len() > MAX_PASSWORD_BYTES {
        problems.push(format!(
            "must be at most {MAX_PASSWORD_BYTES} bytes (the bcrypt limit)"
        ));
    }
    if !password.chars().any(char::is_uppercase) {
        problems.push("must contain an upper-case letter".into());
    }
    if !password.chars().any(char::is_lowercase) {
        problems.push("must contain a lower-case letter".into());
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        problems.push("must contain a digit".into());
    }
    if problems.is_empty() {
        Vec::new()
    } else {
        vec![FieldError::new(field, problems.join("; "))]
    }
}

/// bcrypt hashing and verification off the async workers.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    cost: u32,
    permits: Arc<Semaphore>,
    dummy: Arc<OnceCell<String>>,
}

/// A hashing failure (the blocking pool went away, or bcrypt refused the input).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

impl PasswordHasher {
    /// A hasher with bcrypt `cost`, running at most one hash per available core.
    pub fn new(cost: u32) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self {
            cost,
            permits: Arc::new(Semaphore::new(cores)),
            dummy: Arc::new(OnceCell::new()),
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError(e.to_string()))?;
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(f))
            .await
            .map_err(|e| HashError(e.to_string()))
    }

    /// The bcrypt hash of `password` (callers check [`check_policy`] first).
    ///
    /// # Errors
    /// [`HashError`] when bcrypt refuses (e.g. over 72 bytes) or the pool fails.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let (pw, cost) = (password.to_owned(), self.cost);
        self.blocking(move || bcrypt::non_truncating_hash(pw, cost))
            .await?
            .map_err(|e| HashError(e.to_string()))
    }

    /// Whether `password` matches `hash`; with `None` (unknown account) it spends the same
    /// time on a dummy hash and answers false.
    ///
    /// # Errors
    /// [`HashError`] when the pool fails.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, HashError> {
        let (known, target) = match hash {
            Some(h) => (true, h.to_owned()),
            None => {
                let cost = self.cost;
                let dummy = self
                    .dummy
                    .get_or_try_init(|| async {
                        self.blocking(move || bcrypt::hash("dummy-password-for-timing", cost))
                            .await?
                            .map_err(|e| HashError(e.to_string()))
                    })
                    .await?;
                (false, dummy.clone())
            }
        };
        let pw = password.to_owned();
        let ok = self
            .blocking(move || bcrypt::verify(pw.as_bytes(), &target).unwrap_or(false))
            .await?;
        Ok(known && ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_names_every_missing_rule() {
        assert!(check_policy("password", "Str0ngPass").is_empty());
        let e = check_policy("password", "short");
        assert_eq!(e[0].field, "password");
        assert!(
            e[0].message.contains("8–128")
                && e[0].message.contains("upper-case")
                && e[0].message.contains("digit")
        );
        let long = format!("Aa1{}", "é".repeat(40));
        assert!(
            check_policy("password", &long)[0]
                .message
                .contains("72 bytes")
        );
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let h = PasswordHasher::new(4);
        let hash = h.hash("Str0ngPass").await.unwrap();
        assert!(h.verify("Str0ngPass", Some(&hash)).await.unwrap());
        assert!(!h.verify("wrong", Some(&hash)).await.unwrap());
        assert!(!h.verify("dummy-password-for-timing", None).await.unwrap());
    }
}
