//! Accounts and sessions over HTTP (API contract, "Auth"), on both databases.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error_body, spawn_app, spawn_app_with};

const PW: &str = "Warrior-Poet1";

/// `POST /auth/register`.
pub async fn register(
    app: &TestApp,
    email: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    app.request(Method::POST, &app.api("/auth/register"))
        .json(&json!({"email": email, "username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

/// `POST /auth/login` with the JSON `body`.
pub async fn login(app: &TestApp, body: Value) -> reqwest::Response {
    app.request(Method::POST, &app.api("/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Registers `name` and logs in; returns the token response.
async fn session(app: &TestApp, name: &str) -> Value {
    assert_eq!(
        register(app, &format!("{name}@example.com"), name, PW)
            .await
            .status(),
        201
    );
    let r = login(
        app,
        json!({"email": format!("{name}@example.com"), "password": PW}),
    )
    .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// Registers `name`, logs in, and returns the tokens and the account as a [`TestUser`].
async fn signed_in(app: &TestApp, name: &str) -> (Value, crate::helpers::TestUser) {
    let tokens = session(app, name).await;
    let me: Value = app
        .request(Method::GET, &app.api("/auth/me"))
        .header("authorization", bearer(&tokens))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = crate::helpers::TestUser {
        id: me["id"].as_str().unwrap().parse().unwrap(),
        bearer: bearer(&tokens),
    };
    (tokens, user)
}

fn bearer(tokens: &Value) -> String {
    format!("Bearer {}", tokens["access_token"].as_str().unwrap())
}

async fn me(app: &TestApp, auth: &str) -> StatusCode {
    app.request(Method::GET, &app.api("/auth/me"))
        .header("authorization", auth)
        .send()
        .await
        .unwrap()
        .status()
}

async fn refresh(app: &TestApp, token: &Value) -> reqwest::Response {
    app.request(Method::POST, &app.api("/auth/refresh"))
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn register_login_and_me() {
    let app = spawn_app().await;
    let r = register(&app, "Vivec@Example.com", "vivec", PW).await;
    assert_eq!(r.status(), 201);
    let user: Value = r.json().await.unwrap();
    assert_eq!(user["email"], "vivec@example.com", "stored lower-cased");
    assert_eq!(
        (user["role"].as_str(), user["is_active"].as_bool()),
        (Some("user"), Some(true))
    );
    let keys: Vec<&String> = user.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        6,
        "exactly the contract's UserResponse: {keys:?}"
    );

    for body in [
        json!({"email": "vivec@example.com", "password": PW}),
        json!({"email": "VIVEC@example.com", "password": PW}),
        json!({"username": "vivec", "password": PW}),
        json!({"username": "vivec@example.com", "password": PW}),
    ] {
        let r = login(&app, body.clone()).await;
        assert_eq!(r.status(), 200, "{body}");
        assert_eq!(
            r.headers()["cache-control"],
            "no-store",
            "tokens are never cached (RFC 6749 §5.1)"
        );
        assert_eq!(r.headers()["pragma"], "no-cache");
        let t: Value = r.json().await.unwrap();
        assert_eq!(t["token_type"], "bearer");
        assert_eq!(
            (t["expires_in"].as_i64(), t["refresh_expires_in"].as_i64()),
            (Some(900), Some(604_800))
        );
        assert_eq!(me(&app, &bearer(&t)).await, 200);
    }
}

#[tokio::test]
async fn swagger_oauth2_password_form_obtains_a_token() {
    let app = spawn_app().await;
    assert_eq!(
        register(&app, "almalexia@example.com", "almalexia", PW)
            .await
            .status(),
        201
    );
    let r = app
        .request(Method::POST, &app.api("/auth/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=password&username=almalexia&password={PW}&scope="
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let t: Value = r.json().await.unwrap();
    assert_eq!(me(&app, &bearer(&t)).await, 200);

    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let scheme = &spec["components"]["securitySchemes"]["OAuth2PasswordBearer"];
    assert_eq!(scheme["type"], "oauth2");
    assert_eq!(
        scheme["flows"]["password"]["tokenUrl"],
        "/api/v1/auth/login"
    );

    // Under another API prefix, the spec's tokenUrl follows it, and it answers.
    let moved = crate::helpers::spawn_app_with(|s| s.server.api_prefix = "/eso/v2".into()).await;
    let spec: Value = moved.get("/api/openapi.json").await.json().await.unwrap();
    let url = spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]
        ["tokenUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(url, "/eso/v2/auth/login");
    let r = moved
        .request(Method::POST, &url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=password&username=nobody&password=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "the tokenUrl is the real login endpoint");
}

#[tokio::test]
async fn registration_validates_and_refuses_duplicates_in_any_case() {
    let app = spawn_app().await;
    assert_eq!(
        register(&app, "sotha@example.com", "SothaSil", PW)
            .await
            .status(),
        201
    );
    for (email, username, why) in [
        ("SOTHA@example.com", "other", "email in another case"),
        ("new@example.com", "sothasil", "username in another case"),
    ] {
        let r = register(&app, email, username, PW).await;
        assert_eq!(r.status(), 409, "{why}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(
            body["detail"], "An account with this email or username already exists",
            "one generic message"
        );
    }
    let long = format!("Aa1{}", "x".repeat(126));
    for (email, username, password, field) in [
        ("not-an-email", "good_name", PW, "email"),
        ("a@example.com", "no", PW, "username"),
        ("a@example.com", "bad name!", PW, "username"),
        ("a@example.com", "good_name", "alllowercase1", "password"),
        ("a@example.com", "good_name", "Short1", "password"),
        ("a@example.com", "good_name", long.as_str(), "password"),
    ] {
        let r = register(&app, email, username, password).await;
        assert_eq!(r.status(), 422, "{email} {username} {password}");
        let body: Value = r.json().await.unwrap();
        assert_error_body(&body, 422);
        assert_eq!(body["errors"][0]["field"], field, "{body}");
        // The detail summarises the field errors: names and rules, never the submitted values.
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.starts_with(&format!("{field}: ")), "{body}");
        assert!(!detail.contains(password), "the password leaks: {body}");
    }
}

#[tokio::test]
async fn wrong_passwords_and_unknown_accounts_get_the_same_401() {
    let app = spawn_app().await;
    session(&app, "nerevar").await;
    let a = login(
        &app,
        json!({"email": "nerevar@example.com", "password": "Wrong-Pass1"}),
    )
    .await;
    let b = login(&app, json!({"email": "nobody@example.com", "password": PW})).await;
    assert_eq!(
        (a.status(), b.status()),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(a.headers()["www-authenticate"], "Bearer");
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["detail"], "Invalid email or password");
    assert_eq!(a["detail"], b["detail"]);
}

#[tokio::test]
async fn refresh_rotates_and_a_replayed_token_revokes_the_family() {
    let app = spawn_app().await;
    let first = session(&app, "dagoth").await;
    let r = refresh(&app, &first["refresh_token"]).await;
    assert_eq!(r.status(), 200);
    let second: Value = r.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(me(&app, &bearer(&second)).await, 200);

    // The same exchange through the Authorization header.
    let r = app
        .request(Method::POST, &app.api("/auth/refresh"))
        .header(
            "authorization",
            format!("Bearer {}", second["refresh_token"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let third: Value = r.json().await.unwrap();

    // Replaying a used token: refused, and the whole family dies with it.
    assert_eq!(refresh(&app, &first["refresh_token"]).await.status(), 401);
    assert_eq!(
        refresh(&app, &third["refresh_token"]).await.status(),
        401,
        "newest token of the family is revoked too"
    );

    // Another login (another family) is unaffected.
    let other: Value = login(&app, json!({"username": "dagoth", "password": PW}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refresh(&app, &other["refresh_token"]).await.status(), 200);
    // An access token is not a refresh token.
    assert_eq!(refresh(&app, &other["access_token"]).await.status(), 401);
}

#[tokio::test]
async fn a_retried_refresh_gets_the_same_pair_and_the_session_lives_on() {
    // The companion retries a refresh whose answer was lost: within
    // auth.refresh_reuse_grace_secs that is a retry, not reuse.
    let app = spawn_app().await;
    let first = session(&app, "seht").await;
    let r = refresh(&app, &first["refresh_token"]).await;
    assert_eq!(r.status(), 200);
    let second: Value = r.json().await.unwrap();
    let r = refresh(&app, &first["refresh_token"]).await;
    assert_eq!(r.status(), 200, "a retry within the grace period");
    let retried: Value = r.json().await.unwrap();
    assert_eq!(retried["refresh_token"], second["refresh_token"]);
    assert_eq!(retried["access_token"], second["access_token"]);
    assert_eq!(me(&app, &bearer(&retried)).await, 200);
    let r = refresh(&app, &second["refresh_token"]).await;
    assert_eq!(
        r.status(),
        200,
        "the successor still rotates: the session lives"
    );
    // Once the successor is used, presenting the first token again is reuse.
    assert_eq!(refresh(&app, &first["refresh_token"]).await.status(), 401);
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_share_one_successor() {
    let app = spawn_app().await;
    let first = session(&app, "vehk").await;
    let attempts = (0..20).map(|_| refresh(&app, &first["refresh_token"]));
    let answers = futures_util::future::join_all(attempts).await;
    let mut pairs = Vec::new();
    for r in answers {
        assert_eq!(r.status(), 200, "every concurrent refresh is answered");
        pairs.push(r.json::<Value>().await.unwrap());
    }
    assert!(
        pairs
            .iter()
            .all(|p| p["refresh_token"] == pairs[0]["refresh_token"]),
        "one successor pair for all of them"
    );
    let r = refresh(&app, &pairs[0]["refresh_token"]).await;
    assert_eq!(r.status(), 200, "the successor was not revoked");
}

#[tokio::test]
async fn after_the_grace_period_a_replayed_refresh_revokes_the_family() {
    let app = spawn_app_with(|s| s.auth.refresh_reuse_grace_secs = 1).await;
    let first = session(&app, "boethiah").await;
    let second: Value = refresh(&app, &first["refresh_token"])
        .await
        .json()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
    assert_eq!(refresh(&app, &first["refresh_token"]).await.status(), 401);
    assert_eq!(
        refresh(&app, &second["refresh_token"]).await.status(),
        401,
        "the family was revoked"
    );
}

#[tokio::test]
async fn an_admin_deletes_an_account_with_all_its_data_and_the_audit_log_records_it() {
    let app = spawn_app().await;
    let (tokens, user) = signed_in(&app, "mannimarco").await;
    let id = user.id.to_string();
    let r = crate::runs::submit(&app, &user, &crate::runs::run_body("Mage", 50_000.0)).await;
    assert_eq!(r.status(), 201);
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    let as_admin = |method: Method, path: String| {
        app.request(method, &app.api(&path))
            .header("authorization", &admin.bearer)
    };

    // A role change is audited too.
    let r = as_admin(Method::PATCH, format!("/admin/users/{id}"))
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = as_admin(Method::DELETE, format!("/admin/users/{}", admin.id))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        409,
        "an administrator cannot delete their own account here"
    );

    let r = as_admin(Method::DELETE, format!("/admin/users/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(me(&app, &bearer(&tokens)).await, 401, "its sessions ended");
    assert_eq!(refresh(&app, &tokens["refresh_token"]).await.status(), 401);
    let r = as_admin(Method::GET, format!("/admin/users/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    for table in ["combat_runs", "refresh_tokens"] {
        let column = if table == "combat_runs" {
            "player_id"
        } else {
            "user_id"
        };
        use app::model::ColumnType;
        let rows: Vec<Value> = app
            .db
            .fetch_all(
                &format!("SELECT count(*) AS n FROM {table} WHERE {column} = ?"),
                vec![user.id.to_value(app.db.dialect)],
            )
            .await
            .unwrap();
        assert_eq!(
            rows[0]["n"].as_i64(),
            Some(0),
            "{table}: the account's data went with it"
        );
    }

    let log: Value = as_admin(Method::GET, format!("/admin/audit?user_id={id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = log
        .as_object()
        .unwrap()
        .values()
        .find_map(Value::as_array)
        .unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["user.delete", "user.update"],
        "newest first: {log}"
    );
    assert!(
        entries
            .iter()
            .all(|e| e["admin_id"] == admin.id.to_string())
    );
    assert!(
        !log.to_string().contains("mannimarco"),
        "no name or email kept"
    );
    let r = app
        .request(Method::GET, &app.api("/admin/audit"))
        .header("authorization", bearer(&session(&app, "nocturnal").await))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "administrators only");
}

#[tokio::test]
async fn logout_refuses_the_access_token_at_once_and_its_refresh_token() {
    let app = spawn_app().await;
    let t = session(&app, "azura").await;
    let other = login(&app, json!({"username": "azura", "password": PW}))
        .await
        .json::<Value>()
        .await
        .unwrap();
    let r = app
        .request(Method::POST, &app.api("/auth/logout"))
        .header("authorization", bearer(&t))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(me(&app, &bearer(&t)).await, 401);
    assert_eq!(refresh(&app, &t["refresh_token"]).await.status(), 401);
    assert_eq!(me(&app, &bearer(&other)).await, 200, "other sessions stay");

    let r = app
        .request(Method::POST, &app.api("/auth/logout?all=true"))
        .header("authorization", bearer(&other))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(refresh(&app, &other["refresh_token"]).await.status(), 401);
    assert_eq!(
        app.request(Method::POST, &app.api("/auth/logout"))
            .send()
            .await
            .unwrap()
            .status(),
        401,
        "logout needs a token"
    );
}

#[tokio::test]
async fn change_password_ends_every_session() {
    let app = spawn_app().await;
    let t = session(&app, "boethiah").await;
    let other = login(&app, json!({"username": "boethiah", "password": PW}))
        .await
        .json::<Value>()
        .await
        .unwrap();
    let change = |body: Value| {
        app.request(Method::POST, &app.api("/auth/change-password"))
            .header("authorization", bearer(&t))
            .json(&body)
            .send()
    };
    assert_eq!(
        change(json!({"current_password": "Wrong-Pass1", "new_password": "New-Passw0rd"}))
            .await
            .unwrap()
            .status(),
        400
    );
    let r = change(json!({"current_password": PW, "new_password": "weak"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().await.unwrap()["errors"][0]["field"],
        "new_password"
    );
    assert_eq!(
        change(json!({"password": PW, "new_password": "New-Passw0rd"}))
            .await
            .unwrap()
            .status(),
        204,
        "`password` alias"
    );

    for s in [&t, &other] {
        assert_eq!(me(&app, &bearer(s)).await, 401, "access token refused");
        assert_eq!(
            refresh(&app, &s["refresh_token"]).await.status(),
            401,
            "refresh token revoked"
        );
    }
    assert_eq!(
        login(&app, json!({"username": "boethiah", "password": PW}))
            .await
            .status(),
        401
    );
    assert_eq!(
        login(
            &app,
            json!({"username": "boethiah", "password": "New-Passw0rd"})
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn deleting_the_account_needs_the_password_and_ends_everything() {
    let app = spawn_app().await;
    let t = session(&app, "mephala").await;
    let build = json!({"name": "b", "class": "Nightblade", "race": "Dunmer", "sets": [], "skills_front": [], "skills_back": []});
    let r = app
        .request(Method::POST, &app.api("/builds"))
        .header("authorization", bearer(&t))
        .json(&build)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let del = |pw: &str| {
        app.request(Method::DELETE, &app.api("/auth/me"))
            .header("authorization", bearer(&t))
            .json(&json!({"password": pw}))
            .send()
    };
    assert_eq!(del("Wrong-Pass1").await.unwrap().status(), 403);
    assert_eq!(del(PW).await.unwrap().status(), 204);
    assert_eq!(
        me(&app, &bearer(&t)).await,
        401,
        "a deleted user's token is refused"
    );
    assert_eq!(refresh(&app, &t["refresh_token"]).await.status(), 401);
    assert_eq!(
        login(&app, json!({"username": "mephala", "password": PW}))
            .await
            .status(),
        401
    );
    let rows: Vec<Value> = app
        .db
        .fetch_all("SELECT count(*) AS n FROM saved_builds", vec![])
        .await
        .unwrap();
    assert_eq!(rows[0]["n"], 0, "their builds went with them");
}

#[tokio::test]
async fn admins_manage_accounts_and_disabling_ends_sessions() {
    let app = spawn_app().await;
    let user = session(&app, "sheogorath").await;
    let user_id = app
        .request(Method::GET, &app.api("/auth/me"))
        .header("authorization", bearer(&user))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["id"]
        .clone();
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    let admin_get = |path: String| {
        app.request(Method::GET, &app.api(&path))
            .header("authorization", &admin.bearer)
            .send()
    };

    let r = app
        .request(Method::GET, &app.api("/admin/users"))
        .header("authorization", bearer(&user))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "users are not admins");

    let page: Value = admin_get("/admin/users?search=SHEO".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["users"][0]["username"], "sheogorath");
    let page: Value = admin_get("/admin/users?role=admin".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    let one = admin_get(format!("/admin/users/{}", user_id.as_str().unwrap()))
        .await
        .unwrap();
    assert_eq!(one.status(), 200);

    let patch = |id: &str, body: Value| {
        app.request(Method::PATCH, &app.api(&format!("/admin/users/{id}")))
            .header("authorization", &admin.bearer)
            .json(&body)
            .send()
    };
    let r = patch(user_id.as_str().unwrap(), json!({"is_active": false}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        me(&app, &bearer(&user)).await,
        401,
        "disabled: sessions ended at once"
    );
    assert_eq!(refresh(&app, &user["refresh_token"]).await.status(), 401);
    let r = login(&app, json!({"username": "sheogorath", "password": PW})).await;
    assert_eq!(r.status(), 403, "disabled account cannot log in");
    let page: Value = admin_get("/admin/users?is_active=false".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);

    assert_eq!(
        patch(&admin.id.to_string(), json!({"role": "user"}))
            .await
            .unwrap()
            .status(),
        409,
        "no self-demotion"
    );
    assert_eq!(
        patch(
            &uuid::Uuid::new_v4().to_string(),
            json!({"is_active": true})
        )
        .await
        .unwrap()
        .status(),
        404
    );
}

#[tokio::test]
async fn the_sixth_login_attempt_in_a_minute_is_429_with_headers() {
    let app = spawn_app_with(|s| s.rate_limit = app::config::RateLimitSettings::default()).await;
    assert_eq!(
        register(&app, "hermaeus@example.com", "hermaeus", PW)
            .await
            .status(),
        201
    );
    for i in 1..=4 {
        let r = login(
            &app,
            json!({"username": "hermaeus", "password": "Wrong-Pass1"}),
        )
        .await;
        assert_eq!(r.status(), 401, "attempt {}", i + 1);
        assert_eq!(r.headers()["x-ratelimit-limit"], "5");
        assert_eq!(
            r.headers()["x-ratelimit-remaining"],
            (4 - i).to_string().as_str()
        );
    }
    let r = login(&app, json!({"username": "hermaeus", "password": PW})).await;
    assert_eq!(r.status(), 429, "the sixth auth request from this IP");
    for h in [
        "retry-after",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(r.headers().contains_key(h), "{h}");
    }
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    assert!(
        r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_error_body(&r.json().await.unwrap(), 429);
    assert_eq!(
        app.get("/health/live").await.status(),
        200,
        "probes are not limited"
    );
}

#[tokio::test]
async fn a_generated_write_and_its_hooks_commit_together_or_not_at_all() {
    // Disabling through the generated PATCH runs the `before_update` hook (revoke every
    // refresh token) and the UPDATE of the account in one transaction. When the database
    // refuses the UPDATE, the hook's revocation is rolled back with it.
    let app = spawn_app().await;
    let user = session(&app, "vivec").await;
    let id = app
        .request(Method::GET, &app.api("/auth/me"))
        .header("authorization", bearer(&user))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    crate::helpers::refuse_updates(&app.db, "users").await;
    let disable = || {
        app.request(Method::PATCH, &app.api(&format!("/admin/users/{id}")))
            .header("authorization", &admin.bearer)
            .json(&json!({"is_active": false}))
            .send()
    };
    assert_eq!(disable().await.unwrap().status(), 500);
    let r = refresh(&app, &user["refresh_token"]).await;
    assert_eq!(
        r.status(),
        200,
        "the hook's revocation was rolled back with the refused UPDATE"
    );
    let user: Value = r.json().await.unwrap();

    crate::helpers::allow_updates(&app.db, "users").await;
    assert_eq!(disable().await.unwrap().status(), 200);
    assert_eq!(refresh(&app, &user["refresh_token"]).await.status(), 401);
}

#[tokio::test]
async fn export_returns_all_of_the_callers_data_and_nobody_elses() {
    let app = spawn_app().await;
    let (tokens, user) = signed_in(&app, "jiub").await;
    for dps in [40_000.0, 45_000.0] {
        let r = crate::runs::submit(&app, &user, &crate::runs::run_body("Saint", dps)).await;
        assert_eq!(r.status(), 201);
    }
    let other = session(&app, "fargoth").await;
    let other_user = crate::helpers::TestUser {
        id: uuid::Uuid::nil(),
        bearer: bearer(&other),
    };
    let r = crate::runs::submit(&app, &other_user, &crate::runs::run_body("Thief", 1.0)).await;
    assert_eq!(r.status(), 201);

    let r = app
        .request(Method::GET, &app.api("/auth/me/export"))
        .header("authorization", bearer(&tokens))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["account"]["email"], "jiub@example.com");
    assert_eq!(doc["account"]["is_verified"], false);
    let runs = doc["combat_runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2, "{doc}");
    assert!(runs.iter().all(|r| r["character_name"] == "Saint"));
    assert_eq!(doc["sessions"].as_array().unwrap().len(), 1);
    for field in ["saved_builds", "recommendations", "sync_items"] {
        assert!(doc[field].is_array(), "{field}");
    }
    for secret in ["password_hash", "token_hash", "refresh_token"] {
        assert!(!text.contains(secret), "{secret} must not be exported");
    }
    let anonymous = app
        .request(Method::GET, &app.api("/auth/me/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn sessions_are_listed_per_login_and_one_can_be_ended_from_another() {
    let app = spawn_app().await;
    assert_eq!(
        register(&app, "azura@example.com", "azura", PW)
            .await
            .status(),
        201
    );
    let login_as = |agent: &'static str| {
        app.request(Method::POST, &app.api("/auth/login"))
            .header("user-agent", agent)
            .json(&json!({"username": "azura", "password": PW}))
            .send()
    };
    let phone: Value = login_as("ESO Companion/1.4")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let laptop: Value = login_as("Firefox/133").await.unwrap().json().await.unwrap();
    let list = |tokens: &Value| {
        app.request(Method::GET, &app.api("/auth/sessions"))
            .header("authorization", bearer(tokens))
            .send()
    };
    let sessions: Value = list(&phone).await.unwrap().json().await.unwrap();
    let sessions = sessions.as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    assert_eq!(
        sessions[0]["user_agent"], "Firefox/133",
        "most recent first"
    );
    assert_eq!(sessions[0]["ip"], "127.0.0.1");
    assert_eq!(sessions[0]["current"], false);
    assert_eq!(sessions[1]["current"], true, "the phone is asking");
    let laptop_id = sessions[0]["id"].as_str().unwrap().to_owned();

    // A refresh keeps the session (one login chain) and counts as its use.
    let laptop2: Value = refresh(&app, &laptop["refresh_token"])
        .await
        .json()
        .await
        .unwrap();
    let sessions: Value = list(&phone).await.unwrap().json().await.unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 2);
    assert_eq!(sessions[0]["id"], laptop_id.as_str());

    let end = |id: String, tokens: &Value| {
        app.request(Method::DELETE, &app.api(&format!("/auth/sessions/{id}")))
            .header("authorization", bearer(tokens))
            .send()
    };
    // Another account cannot end it: 404, like an unknown one.
    let other = session(&app, "meridia").await;
    assert_eq!(end(laptop_id.clone(), &other).await.unwrap().status(), 404);
    assert_eq!(
        end(uuid::Uuid::new_v4().to_string(), &phone)
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(end(laptop_id.clone(), &phone).await.unwrap().status(), 204);
    assert_eq!(
        me(&app, &bearer(&laptop2)).await,
        401,
        "its access token is refused at once"
    );
    assert_eq!(refresh(&app, &laptop2["refresh_token"]).await.status(), 401);
    assert_eq!(
        me(&app, &bearer(&phone)).await,
        200,
        "the other session lives"
    );
    let sessions: Value = list(&phone).await.unwrap().json().await.unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    assert_eq!(
        end(laptop_id, &phone).await.unwrap().status(),
        404,
        "already ended"
    );
}

#[tokio::test]
async fn a_browser_client_keeps_its_refresh_token_in_an_http_only_cookie() {
    let app = spawn_app_with(|s| s.auth.refresh_reuse_grace_secs = 0).await;
    assert_eq!(
        register(&app, "hircine@example.com", "hircine", PW)
            .await
            .status(),
        201
    );
    let r = app
        .request(Method::POST, &app.api("/auth/login?cookie=true"))
        .json(&json!({"username": "hircine", "password": PW}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    for part in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth",
        "Max-Age=604800",
    ] {
        assert!(set.contains(part), "{part} in {set}");
    }
    assert!(!set.contains("Secure"), "plain http in development");
    let first = set.split(';').next().unwrap().to_owned(); // ebo_refresh=<token>
    let tokens: Value = r.json().await.unwrap();
    assert_eq!(
        first,
        format!("ebo_refresh={}", tokens["refresh_token"].as_str().unwrap())
    );

    // Refresh with the cookie alone: a new pair, and the cookie rotates.
    let by_cookie = |cookie: String| {
        app.request(Method::POST, &app.api("/auth/refresh"))
            .header("cookie", cookie)
            .send()
    };
    let r = by_cookie(first.clone()).await.unwrap();
    assert_eq!(r.status(), 200);
    let rotated = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    let second = rotated.split(';').next().unwrap().to_owned();
    assert_ne!(second, first, "the cookie rotates");
    let pair: Value = r.json().await.unwrap();
    assert_eq!(me(&app, &bearer(&pair)).await, 200);

    // The used cookie is refused, and the chain dies with it (no grace period here).
    assert_eq!(by_cookie(first).await.unwrap().status(), 401);
    assert_eq!(by_cookie(second).await.unwrap().status(), 401);

    // Logout clears the cookie; a login without cookie=true sets none.
    let r = app
        .request(Method::POST, &app.api("/auth/login"))
        .json(&json!({"username": "hircine", "password": PW}))
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("set-cookie").is_none());
    let tokens: Value = r.json().await.unwrap();
    let r = app
        .request(Method::POST, &app.api("/auth/logout"))
        .header("authorization", bearer(&tokens))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let cleared = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("ebo_refresh=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
}
