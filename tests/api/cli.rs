//! The `ebo` command line, run as a real process.

use std::time::{Duration, Instant};

use crate::helpers::{TestDatabase, ebo, postgres_admin_url};

const GOOD_SECRET: &str = "k3Jd9sLq0vX8mN2pR5tY7wZ1aB4cE6gH";

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn config_check_in_production_with_the_default_secret_fails_naming_it() {
    let o = ebo(
        &["config", "check"],
        &[
            ("EBO_ENVIRONMENT", "production"),
            ("ALLOWED_ORIGINS", "https://app.example.com"),
        ],
    )
    .await;
    assert!(!o.status.success(), "must fail");
    let err = stderr(&o);
    assert!(
        err.contains("auth.jwt_secret") && err.contains("development default"),
        "{err}"
    );
    assert!(stdout(&o).contains("environment = \"production\""));
}

#[tokio::test]
async fn the_guides_environment_and_debug_names_are_honoured_and_ebo_names_win() {
    // An operator following the upstream guide sets ENVIRONMENT=production (and DEBUG).
    let o = ebo(
        &["config", "check"],
        &[("ENVIRONMENT", "production"), ("DEBUG", "true")],
    )
    .await;
    assert!(!o.status.success(), "must refuse the development secret");
    let err = stderr(&o);
    assert!(err.contains("auth.jwt_secret"), "{err}");
    assert!(err.contains("debug must be false in production"), "{err}");
    assert!(stdout(&o).contains("environment = \"production\""));

    let o = ebo(
        &["config", "check"],
        &[
            ("ENVIRONMENT", "production"),
            ("EBO_ENVIRONMENT", "development"),
        ],
    )
    .await;
    assert!(o.status.success(), "EBO_ENVIRONMENT wins: {}", stderr(&o));
    assert!(stdout(&o).contains("environment = \"development\""));
}

#[tokio::test]
async fn serve_refuses_to_start_with_environment_production_and_the_default_secret() {
    let o = ebo(&["serve"], &[("ENVIRONMENT", "production")]).await;
    assert!(!o.status.success(), "serve must refuse to start");
    let err = stderr(&o);
    assert!(err.contains("auth.jwt_secret"), "{err}");
}

#[tokio::test]
async fn config_check_reports_every_production_problem_at_once() {
    let o = ebo(
        &["config", "check"],
        &[
            ("EBO_ENVIRONMENT", "production"),
            ("JWT_SECRET_KEY", "short"),
            ("EBO_DEBUG", "true"),
            ("ALLOWED_ORIGINS", "*"),
            ("DATABASE_URL", "postgres://postgres:postgres@db:5432/ebo"),
        ],
    )
    .await;
    assert!(!o.status.success());
    let err = stderr(&o);
    for needle in [
        "6 problem(s)",
        "jwt_secret",
        "debug",
        "'*'",
        "default password",
        "metrics.token",
        "email.link_base_url must use https",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
}

#[tokio::test]
async fn config_check_with_a_good_production_config_passes_and_redacts_secrets() {
    let o = ebo(
        &["config", "check"],
        &[
            ("EBO_ENVIRONMENT", "production"),
            ("JWT_SECRET_KEY", GOOD_SECRET),
            (
                "ALLOWED_ORIGINS",
                "https://app.example.com,https://admin.example.com",
            ),
            ("DATABASE_URL", "postgres://ebo:s3cr3t-Pa55@db:5432/ebo"),
            ("EBO_METRICS__TOKEN", "scrape-Token-9f8e7d"),
            ("EBO_SERVER__TRUSTED_PROXIES", "10.0.0.0/8,192.0.2.1"),
            ("EBO_EMAIL__LINK_BASE_URL", "https://app.example.com"),
        ],
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        !out.contains(GOOD_SECRET)
            && !out.contains("s3cr3t-Pa55")
            && !out.contains("scrape-Token-9f8e7d"),
        "secrets leaked:\n{out}"
    );
    assert!(
        out.contains("jwt_secret = \"[redacted]\"")
            && out.contains("token = \"[redacted]\"")
            && out.contains("postgres://ebo:***@db:5432/ebo"),
        "{out}"
    );
    assert!(
        out.contains("\"10.0.0.0/8\"") && out.contains("\"192.0.2.1/32\""),
        "comma-separated EBO_SERVER__TRUSTED_PROXIES parsed: {out}"
    );
    assert!(
        out.contains("https://admin.example.com"),
        "comma-separated ALLOWED_ORIGINS parsed: {out}"
    );
}

#[tokio::test]
async fn ebo_prefixed_variables_override_any_key_and_unknown_keys_are_refused() {
    let o = ebo(
        &["config", "check"],
        &[
            ("EBO_SERVER__PORT", "9123"),
            ("EBO_DATABASE__MAX_CONNECTIONS", "3"),
        ],
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("port = 9123") && stdout(&o).contains("max_connections = 3"));

    let o = ebo(&["config", "check"], &[("EBO_SERVER__PROT", "1")]).await;
    assert!(!o.status.success());
    assert!(stderr(&o).contains("prot"), "{}", stderr(&o));
}

#[tokio::test]
async fn a_missing_explicit_config_file_is_an_error() {
    let o = ebo(
        &["--config", "/nonexistent/ebo.toml", "config", "check"],
        &[],
    )
    .await;
    assert!(!o.status.success());
    assert!(stderr(&o).contains("/nonexistent/ebo.toml"));
}

#[tokio::test]
async fn openapi_writes_the_spec_without_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    let o = ebo(
        &["openapi", "--output", file.to_str().unwrap()],
        &[("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")],
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(spec["info"]["title"], "ESO Build Analytics API");
}

#[tokio::test]
async fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["migrate", "up", "--help"],
        vec!["migrate", "status", "--help"],
        vec!["openapi", "--help"],
        vec!["config", "check", "--help"],
        vec!["health", "--help"],
    ] {
        let o = ebo(&args, &[]).await;
        assert!(o.status.success(), "{args:?}");
        assert!(stdout(&o).contains("Usage:"), "{args:?}");
    }
}

#[tokio::test]
async fn serve_gives_up_on_an_unreachable_database_after_the_deadline() {
    let started = Instant::now();
    let o = ebo(
        &["serve"],
        &[
            ("DATABASE_URL", "postgres://ebo@127.0.0.1:1/ebo"),
            ("EBO_DATABASE__CONNECT_DEADLINE_SECS", "2"),
            ("EBO_SERVER__PORT", "0"),
        ],
    )
    .await;
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("unreachable after") && err.contains("attempts"),
        "{err}"
    );
    assert!(
        err.matches("database not reachable yet").count() >= 2,
        "each attempt is logged:\n{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn health_command_exits_zero_only_when_ready() {
    let app = crate::helpers::spawn_app().await;
    let url = format!("{}/health/ready", app.address);
    let o = ebo(&["health", "--url", &url], &[]).await;
    assert!(o.status.success(), "{}", stderr(&o));
    app.db
        .rb
        .exec("DELETE FROM schema_migrations", vec![])
        .await
        .unwrap();
    let o = ebo(&["health", "--url", &url], &[]).await;
    assert!(!o.status.success(), "503 → non-zero");
    let o = ebo(
        &[
            "health",
            "--url",
            "http://127.0.0.1:1/health/ready",
            "--timeout",
            "2",
        ],
        &[],
    )
    .await;
    assert!(!o.status.success(), "nothing listening → non-zero");
}

#[tokio::test]
async fn migrate_status_lists_pending_then_applied() {
    let db = TestDatabase::create().await;
    let env = [("DATABASE_URL", db.url.as_str())];
    let o = ebo(&["migrate", "status"], &env).await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("0001") && stdout(&o).contains("pending"),
        "{}",
        stdout(&o)
    );
    let o = ebo(&["migrate", "up"], &env).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let o = ebo(&["migrate", "status"], &env).await;
    assert!(
        stdout(&o).contains("applied") && !stdout(&o).contains("pending"),
        "{}",
        stdout(&o)
    );
    let o = ebo(&["migrate"], &env).await;
    assert!(
        stdout(&o).contains("nothing to apply"),
        "`migrate` alone means up: {}",
        stdout(&o)
    );
    let _ = postgres_admin_url();
}

#[tokio::test]
async fn user_commands_create_the_first_admin_and_manage_roles() {
    use crate::helpers::{ebo_with_stdin, spawn_app_with};
    let db = TestDatabase::create().await;
    let env = [
        ("DATABASE_URL", db.url.as_str()),
        ("EBO_AUTH__BCRYPT_COST", "4"),
    ];
    let o = ebo_with_stdin(
        &[
            "user",
            "create-admin",
            "--email",
            "Root@Example.com",
            "--username",
            "root",
            "--password-stdin",
        ],
        &env,
        "Adm1n-Passw0rd\n",
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Admin"), "{}", stdout(&o));
    assert!(
        !stdout(&o).contains("Adm1n-Passw0rd") && !stderr(&o).contains("Adm1n-Passw0rd"),
        "the password is never echoed"
    );

    let o = ebo_with_stdin(
        &[
            "user",
            "create-admin",
            "--email",
            "x@example.com",
            "--username",
            "x2",
            "--password-stdin",
        ],
        &env,
        "weak\n",
    )
    .await;
    assert!(!o.status.success());
    assert!(stderr(&o).contains("password"), "{}", stderr(&o));
    let o = ebo(
        &[
            "user",
            "create-admin",
            "--email",
            "y@example.com",
            "--username",
            "y2",
        ],
        &env,
    )
    .await;
    assert!(!o.status.success(), "no terminal and no --password-stdin");
    assert!(stderr(&o).contains("--password-stdin"));

    let url = db.url.clone();
    let app = spawn_app_with(|s| s.database.url = url).await;
    let login = |who: &'static str| {
        app.request(reqwest::Method::POST, &app.api("/auth/login"))
            .json(&serde_json::json!({"username": who, "password": "Adm1n-Passw0rd"}))
            .send()
    };
    let tokens: serde_json::Value = login("root@example.com")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = app
        .request(reqwest::Method::GET, &app.api("/admin/users"))
        .header(
            "authorization",
            format!("Bearer {}", tokens["access_token"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the CLI-made admin administers");

    assert!(
        ebo(&["user", "set-role", "root", "user"], &env)
            .await
            .status
            .success()
    );
    assert!(
        !ebo(&["user", "set-role", "nobody", "admin"], &env)
            .await
            .status
            .success()
    );
    // An operator sets a forgotten password: the old one and the old sessions stop working.
    let o = ebo_with_stdin(
        &["user", "reset-password", "root", "--password-stdin"],
        &env,
        "N3w-Adm1n-Passw0rd\n",
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("N3w-Adm1n-Passw0rd"));
    assert_eq!(
        login("root").await.unwrap().status(),
        401,
        "the old password"
    );
    // (A running instance drops its cached copy of the account within 30 s, or at once
    // through Redis; the refresh token is checked against the database.)
    let r = app
        .request(reqwest::Method::POST, &app.api("/auth/refresh"))
        .json(&serde_json::json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "every session ended");
    let fresh = app
        .request(reqwest::Method::POST, &app.api("/auth/login"))
        .json(&serde_json::json!({"username": "root", "password": "N3w-Adm1n-Passw0rd"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    let audit: Vec<serde_json::Value> = app
        .db
        .fetch_all("SELECT action, admin_id FROM audit_log", vec![])
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e["action"] == "user.password_reset" && e["admin_id"].is_null()),
        "{audit:?}"
    );
    let o = ebo_with_stdin(
        &["user", "reset-password", "root", "--password-stdin"],
        &env,
        "weak\n",
    )
    .await;
    assert!(!o.status.success(), "the password rules apply");

    assert!(
        ebo(&["user", "deactivate", "root"], &env)
            .await
            .status
            .success()
    );
    let fresh = app
        .request(reqwest::Method::POST, &app.api("/auth/login"))
        .json(&serde_json::json!({"username": "root", "password": "N3w-Adm1n-Passw0rd"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 403);
}
