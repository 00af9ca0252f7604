//! Passwords: the contract's policy, and bcrypt on a bounded blocking pool (at most one hash
//! per core at a time), so a burst of logins queues instead of stalling other requests.
//! Unknown accounts are verified against a fixed dummy hash of the same cost, so they take as
//! long as wrong passwords (no user enumeration by timing; OWASP ASVS 2.2).

use std::sync::Arc;

use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, Semaphore};

use crate::{
    error::FieldError,
    model::validate::{Checked, StringRule},
};

/// The contract's password rule (API contract, `POST /register`: "8–128 with an upper, a lower
/// and a digit"), stated in full in the schema. Letters count in the cases of the game's client
/// languages that have case: ASCII, Latin-1 (German, French, Spanish) and Cyrillic (Russian).
#[derive(Debug, Clone, Copy)]
pub struct PasswordRule;

/// Upper-case letters the rule counts (a regex class body).
pub const UPPER: &str = r"A-Z\u00C0-\u00D6\u00D8-\u00DE\u0401\u0410-\u042F";
/// Lower-case letters the rule counts.
pub const LOWER: &str = r"a-z\u00DF-\u00F6\u00F8-\u00FF\u0430-\u044F\u0451";
/// Digits the rule counts.
pub const DIGIT: &str = "0-9";

impl StringRule for PasswordRule {
    const MIN_LENGTH: usize = 8;
    const MAX_LENGTH: usize = 128;
    /// One of each class, in any of the six orders, and no NUL (see the test that builds it
    /// from [`UPPER`], [`LOWER`] and [`DIGIT`]).
    const PATTERN: &'static str = r"^[^\u0000]*(?:[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0401\u0410-\u042F][^\u0000]*[a-z\u00DF-\u00F6\u00F8-\u00FF\u0430-\u044F\u0451][^\u0000]*[0-9]|[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0401\u0410-\u042F][^\u0000]*[0-9][^\u0000]*[a-z\u00DF-\u00F6\u00F8-\u00FF\u0430-\u044F\u0451]|[a-z\u00DF-\u00F6\u00F8-\u00FF\u0430-\u044F\u0451][^\u0000]*[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0401\u0410-\u042F][^\u0000]*[0-9]|[a-z\u00DF-\u00F6\u00F8-\u00FF\u0430-\u044F\u0451][^\u0000]*[0-9][^\u0000]*[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0401\u0410-\u042F]|[0-9][^\u0000]*[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0401\u0410-\u042F][^\u0000]*[a-z\u00DF-\u00F6\u00F8-\u00FF\u0430-\u044F\u0451]|[0-9][^\u0000]*[a-z\u00DF-\u00F6\u00F8-\u00FF\u0430-\u044F\u0451][^\u0000]*[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0401\u0410-\u042F])[^\u0000]*$";
    const TITLE: &'static str =
        "8–128 characters with an upper-case letter, a lower-case letter and a digit";
}

/// A password in a request body: 8–128 characters under [`PasswordRule`].
pub type Password = Checked<PasswordRule>;

/// bcrypt reads at most 72 bytes. A longer password is hashed with SHA-256 first (64 hex
/// digits), as passlib's `bcrypt_sha256` does, so no part of it is ever ignored.
const BCRYPT_MAX_BYTES: usize = 72;

fn bcrypt_input(password: &str) -> String {
    if password.len() <= BCRYPT_MAX_BYTES {
        return password.to_owned();
    }
    Sha256::digest(password.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// Checks [`PasswordRule`] outside the JSON input layer (the CLI); every failure is one
/// message for `field`, naming each missing class.
pub fn check_policy(field: &str, password: &str) -> Vec<FieldError> {
    if PasswordRule::accepts(password) {
        return Vec::new();
    }
    let mut problems = Vec::new();
    let chars = password.chars().count();
    if !(PasswordRule::MIN_LENGTH..=PasswordRule::MAX_LENGTH).contains(&chars) {
        problems.push("must be 8–128 characters".to_owned());
    }
    for (class, what) in [
        (UPPER, "an upper-case letter"),
        (LOWER, "a lower-case letter"),
        (DIGIT, "a digit"),
    ] {
        let has = regex::Regex::new(&format!("[{class}]")).is_ok_and(|re| re.is_match(password));
        if !has {
            problems.push(format!("must contain {what}"));
        }
    }
    if password.contains('\0') {
        problems.push("must not contain the NUL character (U+0000)".to_owned());
    }
    vec![FieldError::new(field, problems.join("; "))]
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

    /// The bcrypt hash of `password` (its rule already checked: by the input layer, or by
    /// [`check_policy`] on the command line).
    ///
    /// # Errors
    /// [`HashError`] when bcrypt refuses or the pool fails.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let (pw, cost) = (bcrypt_input(password), self.cost);
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
        let pw = bcrypt_input(password);
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
        assert!(check_policy("password", "Пароль123").is_empty());
        assert!(
            check_policy("password", "ΑΒΓαβγ123")[0]
                .message
                .contains("upper-case")
        );
    }

    #[test]
    fn the_pattern_is_one_of_each_class_in_any_order() {
        let any = r"[^\u0000]*";
        let orders = [
            [UPPER, LOWER, DIGIT],
            [UPPER, DIGIT, LOWER],
            [LOWER, UPPER, DIGIT],
            [LOWER, DIGIT, UPPER],
            [DIGIT, UPPER, LOWER],
            [DIGIT, LOWER, UPPER],
        ]
        .map(|o| o.map(|c| format!("[{c}]")).join(any));
        let built = format!("^{any}(?:{}){any}$", orders.join("|"));
        assert_eq!(PasswordRule::PATTERN, built);
    }

    #[tokio::test]
    async fn passwords_past_72_bytes_count_in_full() {
        let h = PasswordHasher::new(4);
        let long = format!("Aa1{}", "é".repeat(60));
        let hash = h.hash(&long).await.unwrap();
        assert!(h.verify(&long, Some(&hash)).await.unwrap());
        let same_first_72_bytes = format!("{long}x");
        assert!(!h.verify(&same_first_72_bytes, Some(&hash)).await.unwrap());
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
