//! The migration runner against real databases.

use app::{
    config::Settings,
    db::{Db, migrate},
    startup::{Application, StartupError},
};
use serde_json::Value;

use crate::helpers::{TestDatabase, ebo, test_settings};

async fn count_applied(url: &str) -> i64 {
    let db = Db::open(&test_settings(url).database).await.unwrap();
    let rows: Vec<Value> = db
        .fetch_all("SELECT count(*) AS n FROM schema_migrations", vec![])
        .await
        .unwrap();
    rows[0]["n"].as_i64().unwrap()
}

#[tokio::test]
async fn concurrent_migrate_up_processes_apply_each_migration_once() {
    let db = TestDatabase::create().await;
    let env = [("DATABASE_URL", db.url.as_str())];
    let (a, b, c) = tokio::join!(
        ebo(&["migrate", "up"], &env),
        ebo(&["migrate", "up"], &env),
        ebo(&["migrate", "up"], &env)
    );
    for o in [&a, &b, &c] {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let expected = migrate::embedded(app::db::Dialect::from_url(&db.url).unwrap()).len() as i64;
    assert_eq!(count_applied(&db.url).await, expected);
    // Each runner prints the versions it applied; together they applied each exactly once
    // (they may interleave: one takes 0001, another 0002–0004).
    let mut versions: Vec<i64> = [a, b, c]
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .filter_map(|s| {
            s.split_once('[')
                .map(|(_, rest)| rest.trim_end().trim_end_matches(']').to_owned())
        })
        .flat_map(|list| {
            list.split(", ")
                .filter_map(|v| v.parse().ok())
                .collect::<Vec<i64>>()
        })
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, (1..=expected).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_edited_applied_migration_is_refused_at_start() {
    let db = TestDatabase::create().await;
    let settings: Settings = test_settings(&db.url);
    let handle = Db::open(&settings.database).await.unwrap();
    migrate::up(&handle).await.unwrap();
    handle
        .rb
        .exec(
            "UPDATE schema_migrations SET checksum = 'sha256:0000' WHERE version = 1",
            vec![],
        )
        .await
        .unwrap();

    let err = Application::build(settings)
        .await
        .err()
        .expect("start refused");
    assert!(
        matches!(
            err,
            StartupError::Migrate(migrate::MigrateError::Modified { version: 1, .. })
        ),
        "{err}"
    );
    let msg = err.to_string();
    assert!(msg.contains("0001") || msg.contains("1_users"), "{msg}");
    assert!(msg.contains("append-only"), "{msg}");

    let o = ebo(&["migrate", "up"], &[("DATABASE_URL", db.url.as_str())]).await;
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("changed after it was applied"));
}

#[tokio::test]
async fn a_failing_migration_leaves_nothing_half_applied() {
    // Simulate a conflicting object: the first migration's table already exists.
    let db = TestDatabase::create().await;
    let handle = Db::open(&test_settings(&db.url).database).await.unwrap();
    handle
        .rb
        .exec("CREATE TABLE users (id TEXT)", vec![])
        .await
        .unwrap();
    let err = migrate::up(&handle).await.expect_err("migration fails");
    assert!(
        matches!(err, migrate::MigrateError::Failed { version: 1, .. }),
        "{err}"
    );
    assert_eq!(count_applied(&db.url).await, 0, "not recorded");
    // The pooled connection is usable again (no transaction left open).
    handle.rb.exec("DROP TABLE users", vec![]).await.unwrap();
    assert!(!migrate::up(&handle).await.unwrap().is_empty());
}

#[tokio::test]
async fn migrate_new_generates_the_committed_saved_builds_migration() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("migrations");
    let dir = tempfile::tempdir().unwrap();
    for dialect in ["postgres", "sqlite"] {
        std::fs::create_dir_all(dir.path().join(dialect)).unwrap();
        let first = std::fs::read_to_string(repo.join(dialect).join("0001_users.sql")).unwrap();
        std::fs::write(dir.path().join(dialect).join("0001_users.sql"), first).unwrap();
    }
    let o = ebo(
        &[
            "migrate",
            "new",
            "saved_builds",
            "--dir",
            dir.path().to_str().unwrap(),
        ],
        &[],
    )
    .await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for dialect in ["postgres", "sqlite"] {
        let generated =
            std::fs::read_to_string(dir.path().join(dialect).join("0002_saved_builds.sql"))
                .unwrap();
        let committed =
            std::fs::read_to_string(repo.join(dialect).join("0002_saved_builds.sql")).unwrap();
        // Models whose table 0001 lacks, in registry order: saved builds (0002), refresh tokens
        // (0003, after a hand-written ALTER of users), features and gear sets (0004).
        assert!(
            generated.starts_with(&committed),
            "{dialect}: the committed migration is what the model generates:\n{generated}"
        );
        let sessions =
            std::fs::read_to_string(repo.join(dialect).join("0003_auth_sessions.sql")).unwrap();
        let refresh_ddl = &sessions[sessions.find("-- refresh_tokens").unwrap()..];
        // 0015 added the session details (ALTER TABLE ... ADD COLUMN).
        let details =
            std::fs::read_to_string(repo.join(dialect).join("0015_session_details.sql")).unwrap();
        let mut generated = generated;
        // 0016 added the login's scopes, with a default for the sessions already stored.
        let scopes =
            std::fs::read_to_string(repo.join(dialect).join("0016_session_scopes.sql")).unwrap();
        assert!(
            scopes.contains(
                "ALTER TABLE refresh_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'read write';"
            ),
            "{dialect}: 0016 adds scope, as the model generates it"
        );
        assert!(
            generated.contains("ip TEXT,\n    scope TEXT NOT NULL\n"),
            "{generated}"
        );
        generated = generated.replacen("ip TEXT,\n    scope TEXT NOT NULL\n", "ip TEXT\n", 1);
        for column in ["user_agent TEXT", "ip TEXT"] {
            assert!(
                details.contains(&format!("ALTER TABLE refresh_tokens ADD COLUMN {column};")),
                "{dialect}: 0015 adds {column}, as the model generates it"
            );
            generated = generated.replacen(
                &format!(
                    "created_at {},\n    {column}",
                    if dialect == "postgres" {
                        "TIMESTAMPTZ NOT NULL"
                    } else {
                        "TEXT NOT NULL"
                    }
                ),
                &format!(
                    "created_at {}",
                    if dialect == "postgres" {
                        "TIMESTAMPTZ NOT NULL"
                    } else {
                        "TEXT NOT NULL"
                    }
                ),
                1,
            );
        }
        assert!(
            generated.contains(refresh_ddl),
            "{dialect}: 0003 holds the generated refresh_tokens DDL"
        );
        let features =
            std::fs::read_to_string(repo.join(dialect).join("0004_features.sql")).unwrap();
        assert!(
            generated.contains(&features),
            "{dialect}: 0004 is the generated features and gear_sets DDL"
        );
        let runs =
            std::fs::read_to_string(repo.join(dialect).join("0005_combat_runs.sql")).unwrap();
        let runs_ddl = &runs[..runs.find("-- Added by hand").unwrap()];
        // 0010 added `analysed_at` to the model and the table (ALTER TABLE ... ADD COLUMN).
        let analysed_at = if dialect == "postgres" {
            "analysed_at TIMESTAMPTZ"
        } else {
            "analysed_at TEXT"
        };
        let added =
            std::fs::read_to_string(repo.join(dialect).join("0010_run_analysed_at.sql")).unwrap();
        assert!(
            added.contains(&format!(
                "ALTER TABLE combat_runs ADD COLUMN {analysed_at};"
            )),
            "{dialect}: 0010 adds the column the model generates"
        );
        let generated = generated.replacen(&format!(",\n    {analysed_at}\n);"), "\n);", 1);
        // 0011 added the addon columns (source, addon_run_id, addon_original).
        let json = if dialect == "postgres" {
            "JSONB"
        } else {
            "TEXT"
        };
        let addon_columns = [
            "source TEXT NOT NULL".to_owned(),
            "addon_run_id TEXT".to_owned(),
            format!("addon_original {json}"),
        ];
        let addon =
            std::fs::read_to_string(repo.join(dialect).join("0011_addon_runs.sql")).unwrap();
        let mut generated = generated;
        for column in &addon_columns {
            assert!(
                addon.contains(&format!("ALTER TABLE combat_runs ADD COLUMN {column}")),
                "{dialect}: 0011 adds {column}, as the model generates it"
            );
            generated = generated.replacen(&format!(",\n    {column}"), "", 1);
        }
        assert!(
            generated.contains(runs_ddl),
            "{dialect}: 0005 starts with the generated combat_runs DDL (0010 and 0011 aside)"
        );
        let sync = std::fs::read_to_string(repo.join(dialect).join("0006_sync_items.sql")).unwrap();
        let sync_ddl = &sync[..sync.find("-- Added by hand").unwrap()];
        assert!(
            generated.contains(sync_ddl),
            "{dialect}: 0006 starts with the generated sync_items DDL"
        );
        let recs =
            std::fs::read_to_string(repo.join(dialect).join("0007_recommendations.sql")).unwrap();
        assert!(
            generated.ends_with(&recs),
            "{dialect}: 0007 is the generated recommendations DDL"
        );
    }
    // With every table present, the next migration is an empty skeleton to write by hand.
    let o = ebo(
        &[
            "migrate",
            "new",
            "add_notes_index",
            "--dir",
            dir.path().to_str().unwrap(),
        ],
        &[],
    )
    .await;
    assert!(o.status.success());
    let next = std::fs::read_to_string(dir.path().join("sqlite").join("0003_add_notes_index.sql"))
        .unwrap();
    assert!(next.starts_with("-- Every model's table exists"), "{next}");
    let o = ebo(
        &[
            "migrate",
            "new",
            "Bad Name",
            "--dir",
            dir.path().to_str().unwrap(),
        ],
        &[],
    )
    .await;
    assert!(!o.status.success());
}
