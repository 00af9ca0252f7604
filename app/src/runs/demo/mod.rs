//! `ebo seed demo --users N --runs M [--seed S]`: realistic, deterministic demo data for demos,
//! analytics and benchmarks. Users `demo0001@example.com` … share the password
//! [`DEMO_PASSWORD`] (one bcrypt hash, computed once). Runs use real trial, dungeon and arena
//! names, the seven classes, and sets and skills from the feature database (the built-in
//! sample or the imported data), with DPS and HPS drawn per role. The same seed gives the same
//! data (ChaCha8, portable across platforms). Run ids are UUID v4 (the contract's ids) drawn
//! from the same generator. About one run in [`ADDON_SHARE`] is built in the game addon's own
//! shape (game race names such as `Dark Elf`, difficulty and group size unknown, a localized
//! timestamp) and stored through the same mapping as a real upload, so the dashboard and the
//! engine show what real players will see.

mod draw;

use chrono::Utc;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use self::draw::{CLASSES, META_SETS, Sets, as_addon_run, run, uuid_v4};
use crate::{
    auth::{Role, models::User, sessions::AuthState},
    db::Db,
    error::AppError,
    features,
    model::{column::truncate_to_millis, crud},
};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Demo-Passw0rd";

/// One run in this many is recorded as by the game addon.
pub const ADDON_SHARE: u32 = 6;

/// What `seed` stored.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoReport {
    /// Accounts created.
    pub users: usize,
    /// Runs stored.
    pub runs: usize,
    /// Runs of the same seed that were already there (a re-run), left unchanged.
    pub existing_runs: usize,
}

/// Creates `users` demo accounts (reusing existing ones) and `runs` runs spread over them,
/// in transactions of 1,000 rows; `progress` is told after each transaction. Re-runnable: the
/// same seed draws the same ids, and rows already there are left unchanged.
///
/// # Errors
/// Database or hashing errors.
pub async fn seed(
    db: &Db,
    auth: &AuthState,
    users: usize,
    runs: usize,
    seed: u64,
    progress: impl Fn(usize),
) -> Result<DemoReport, AppError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let hash = auth
        .hasher
        .hash(DEMO_PASSWORD)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let mut players = Vec::with_capacity(users);
    let mut created = 0;
    for i in 1..=users.max(1) {
        let email = format!("demo{i:04}@example.com");
        // Drawn whether or not the account exists, so a run with the same seed draws the same
        // run ids afterwards and stores nothing twice.
        let id = uuid_v4(&mut rng);
        match crate::auth::store::user_by_login(db, &email).await? {
            Some(u) => players.push(u.id),
            None => {
                let now = truncate_to_millis(Utc::now());
                let user = User {
                    id,
                    email,
                    username: format!("demo{i:04}"),
                    password_hash: hash.clone(),
                    role: Role::User,
                    is_active: true,
                    is_verified: true,
                    token_version: 0,
                    created_at: now,
                    updated_at: now,
                };
                crud::insert(db, &user).await?;
                players.push(user.id);
                created += 1;
            }
        }
    }
    let sets = Sets {
        meta: features::store::set_names(db, Some(META_SETS)).await?,
        all: features::store::set_names(db, None).await?,
    };
    let mut skills_by_class = std::collections::HashMap::new();
    for class in CLASSES {
        let label = serde_json::to_value(class)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        skills_by_class.insert(
            *class,
            features::store::class_skill_names(db, &label).await?,
        );
    }
    let (mut stored, mut inserted) = (0, 0);
    while stored < runs {
        let batch = (runs - stored).min(1_000);
        let tx = db.rb.acquire_begin().await?;
        for i in 0..batch {
            let p = rng.random_range(0..players.len());
            let class = CLASSES[p % CLASSES.len()];
            let character = format!("Demo {} {}", p + 1, ["Ash", "Ember", "Frost"][p % 3]);
            let skills = skills_by_class.get(&class).cloned().unwrap_or_default();
            let mut r = run(&mut rng, players[p], &character, class, &sets, &skills);
            if rng.random_ratio(1, ADDON_SHARE) {
                r = as_addon_run(&mut rng, r, stored + i);
            }
            // A run this seed already stored (the same run id) is left as it is.
            match crud::insert_unless_exists_with(&tx, db.dialect, &r, &[]).await {
                Ok(true) => inserted += 1,
                Ok(false) => {}
                Err(e) => {
                    let _ = tx.rollback().await;
                    return Err(e);
                }
            }
        }
        tx.commit().await?;
        stored += batch;
        progress(stored);
    }
    Ok(DemoReport {
        users: created,
        runs: inserted,
        existing_runs: stored - inserted,
    })
}
