//! Account recovery by mail, against a real SMTP server process (`smtp.rs`) and the `.eml`
//! file transport of the embedded default: verification and reset links, single use, sessions
//! ended by a reset, the same answer for unknown emails, an SMTP outage that loses nothing,
//! and two instances delivering each mail once.

use std::{collections::HashMap, time::Duration};

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, assert_error_body, spawn_app, spawn_app_with},
    smtp::{SmtpSink, eml_files, header, link_token, wait_for_messages},
};

const PW: &str = "Warrior-Poet1";
const NEW_PW: &str = "Sotha-Sil-2nd";
const WAIT: Duration = Duration::from_secs(20);

/// The app sending through `sink`, its worker looking every 50 ms and retrying fast.
async fn app_with_smtp(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    spawn_app_with(|s| {
        s.email.smtp_url = Some(url);
        s.email.poll_interval_ms = 50;
        s.email.retry_base_ms = 100;
        s.email.retry_max_secs = 1;
        s.email.link_base_url = "https://app.example.com".into();
    })
    .await
}

async fn post(app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    app.request(Method::POST, &app.api(path))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn register(app: &TestApp, name: &str) {
    let r = post(
        app,
        "/auth/register",
        json!({"email": format!("{name}@example.com"), "username": name, "password": PW}),
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

async fn login(app: &TestApp, name: &str, password: &str) -> reqwest::Response {
    post(
        app,
        "/auth/login",
        json!({"email": format!("{name}@example.com"), "password": password}),
    )
    .await
}

/// The messages addressed to `email`.
fn to<'a>(messages: &'a [String], email: &str) -> Vec<&'a String> {
    messages
        .iter()
        .filter(|m| header(m, "To").is_some_and(|t| t.contains(email)))
        .collect()
}

#[tokio::test]
async fn register_mails_a_link_that_verifies_the_account_once() {
    let sink = SmtpSink::start().await;
    let app = app_with_smtp(&sink).await;
    register(&app, "vivec").await;
    let mails = sink.wait_for(1, WAIT).await;
    let mail = &mails[0];
    assert!(header(mail, "To").unwrap().contains("vivec@example.com"));
    assert_eq!(header(mail, "Subject"), Some("Confirm your email address"));
    assert!(
        crate::smtp::unfolded(mail).contains("https://app.example.com/verify-email?token="),
        "the link points to email.link_base_url:\n{mail}"
    );
    let token = link_token(mail, "verify-email");
    assert_eq!(token.len(), 64, "32 random bytes, hex");

    let admin = app.user_with_role(app::auth::Role::Admin).await;
    let users = app.get_json(&admin, "/admin/users?search=vivec").await;
    let id = users["users"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(users["users"][0]["is_verified"], false);
    let r = post(&app, "/auth/verify-email", json!({"token": token})).await;
    assert_eq!(r.status(), 204);
    let user = app.get_json(&admin, &format!("/admin/users/{id}")).await;
    assert_eq!(user["email"], "vivec@example.com");
    assert_eq!(user["is_verified"], true);

    let again = post(&app, "/auth/verify-email", json!({"token": token})).await;
    assert_eq!(again.status(), 400, "a token works once");
    assert_error_body(&again.json().await.unwrap(), 400);

    // The token is stored only as a hash.
    let stored: Vec<Value> = app
        .db
        .fetch_all("SELECT token_hash FROM account_tokens", vec![])
        .await
        .unwrap();
    assert!(!stored.is_empty());
    assert!(stored.iter().all(|r| r["token_hash"] != token.as_str()));
}

#[tokio::test]
async fn forgot_password_mails_a_reset_that_ends_every_session() {
    let sink = SmtpSink::start().await;
    let app = app_with_smtp(&sink).await;
    register(&app, "sotha").await;
    let tokens: Value = login(&app, "sotha", PW).await.json().await.unwrap();
    let access = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    sink.wait_for(1, WAIT).await; // the verification mail

    let r = post(
        &app,
        "/auth/forgot-password",
        json!({"email": "SOTHA@example.com"}),
    )
    .await;
    assert_eq!(r.status(), 202);
    let mails = sink.wait_for(2, WAIT).await;
    let reset = mails
        .iter()
        .find(|m| header(m, "Subject") == Some("Reset your password"))
        .expect("a reset mail");
    let token = link_token(reset, "reset-password");

    let weak = post(
        &app,
        "/auth/reset-password",
        json!({"token": token, "new_password": "short"}),
    )
    .await;
    assert_eq!(weak.status(), 422, "the password rules apply");

    let r = post(
        &app,
        "/auth/reset-password",
        json!({"token": token, "new_password": NEW_PW}),
    )
    .await;
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());

    let me = app
        .request(Method::GET, &app.api("/auth/me"))
        .header("authorization", &access)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401, "the old access token is refused");
    let refreshed = post(
        &app,
        "/auth/refresh",
        json!({"refresh_token": tokens["refresh_token"]}),
    )
    .await;
    assert_eq!(refreshed.status(), 401, "the old refresh token is refused");
    assert_eq!(login(&app, "sotha", PW).await.status(), 401);
    assert_eq!(login(&app, "sotha", NEW_PW).await.status(), 200);

    let again = post(
        &app,
        "/auth/reset-password",
        json!({"token": token, "new_password": "Another-Pw3"}),
    )
    .await;
    assert_eq!(again.status(), 400, "a reset token works once");
    assert_eq!(login(&app, "sotha", NEW_PW).await.status(), 200);
}

/// A request that commits mail wakes its instance's worker: with a poll interval of an hour
/// (the test default), the verification and reset mails still arrive at once.
#[tokio::test]
async fn committed_mail_is_delivered_at_once_not_at_the_next_poll() {
    let app = spawn_app().await;
    assert_eq!(app.settings.email.poll_interval_ms, 3_600_000);
    register(&app, "nerevar").await;
    let read = || eml_files(app.mail_dir.path());
    let mails = wait_for_messages(read, 1, Duration::from_secs(2)).await;
    assert!(mails[0].contains("verify-email?token="));
    let r = post(
        &app,
        "/auth/forgot-password",
        json!({"email": "nerevar@example.com"}),
    )
    .await;
    assert_eq!(r.status(), 202);
    let mails = wait_for_messages(read, 2, Duration::from_secs(2)).await;
    assert!(mails.iter().any(|m| m.contains("reset-password?token=")));
}

#[tokio::test]
async fn a_new_link_supersedes_the_older_one() {
    let app = spawn_app_with(|s| s.email.poll_interval_ms = 50).await;
    register(&app, "almalexia").await;
    let read = || eml_files(app.mail_dir.path());
    let first = link_token(&wait_for_messages(read, 1, WAIT).await[0], "verify-email");
    let r = post(
        &app,
        "/auth/resend-verification",
        json!({"email": "almalexia@example.com"}),
    )
    .await;
    assert_eq!(r.status(), 202);
    let mails = wait_for_messages(read, 2, WAIT).await;
    let second = mails
        .iter()
        .map(|m| link_token(m, "verify-email"))
        .find(|t| *t != first)
        .expect("a second link");
    let old = post(&app, "/auth/verify-email", json!({"token": first})).await;
    assert_eq!(old.status(), 400, "the older link stopped working");
    let new = post(&app, "/auth/verify-email", json!({"token": second})).await;
    assert_eq!(new.status(), 204);
    // A verified account gets no more verification mail.
    let r = post(
        &app,
        "/auth/resend-verification",
        json!({"email": "almalexia@example.com"}),
    )
    .await;
    assert_eq!(r.status(), 202);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(eml_files(app.mail_dir.path()).len(), 2);
}

#[tokio::test]
async fn forgot_password_answers_the_same_for_unknown_and_known_emails() {
    let app = spawn_app_with(|s| {
        s.email.poll_interval_ms = 50;
        s.rate_limit.auth_per_minute = 4;
    })
    .await;
    register(&app, "nerevar").await;
    let read = || eml_files(app.mail_dir.path());
    wait_for_messages(read, 1, WAIT).await;

    let known = post(
        &app,
        "/auth/forgot-password",
        json!({"email": "nerevar@example.com"}),
    )
    .await;
    let unknown = post(
        &app,
        "/auth/forgot-password",
        json!({"email": "nobody@example.com"}),
    )
    .await;
    assert_eq!(known.status(), 202);
    assert_eq!(unknown.status(), 202);
    let (known, unknown): (Value, Value) =
        (known.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(known, unknown, "one body whether or not the account exists");
    let mails = wait_for_messages(read, 2, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mails_now = eml_files(app.mail_dir.path());
    assert_eq!(mails_now.len(), 2, "no mail for the unknown email");
    assert!(to(&mails, "nobody@example.com").is_empty());

    // Rate-limited per email: 4 a minute (one register was counted for it).
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r = post(
            &app,
            "/auth/forgot-password",
            json!({"email": "nerevar@example.com"}),
        )
        .await;
        statuses.push(r.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn an_smtp_outage_delays_mail_and_loses_none() {
    let mut sink = SmtpSink::start().await;
    let app = app_with_smtp(&sink).await;
    sink.stop().await;
    register(&app, "dagoth").await;
    let r = post(
        &app,
        "/auth/forgot-password",
        json!({"email": "dagoth@example.com"}),
    )
    .await;
    assert_eq!(
        r.status(),
        202,
        "the request does not wait for the mail server"
    );

    // The attempts fail and are counted; the mails wait in the outbox.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        let value = |name: &str| {
            metrics
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name} ")))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        if value("ebo_mail_delivery_failures_total") >= 2.0 && value("ebo_mail_outbox_depth") >= 2.0
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no failures or depth in /metrics:\n{metrics}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    sink.start_again().await;
    let mails = sink.wait_for(2, WAIT).await;
    assert_eq!(to(&mails, "dagoth@example.com").len(), 2);
    assert!(
        mails
            .iter()
            .any(|m| header(m, "Subject") == Some("Reset your password"))
    );
}

#[tokio::test]
async fn two_instances_deliver_each_of_50_mails_exactly_once() {
    let sink = SmtpSink::start().await;
    let a = app_with_smtp(&sink).await;
    let db_url = a.settings.database.url.clone();
    let url = sink.url();
    let b = spawn_app_with(|s| {
        s.database.url = db_url;
        s.email.smtp_url = Some(url);
        s.email.poll_interval_ms = 50;
    })
    .await;
    let names: Vec<String> = (0..50).map(|i| format!("guar{i:02}")).collect();
    for (i, name) in names.iter().enumerate() {
        register(if i % 2 == 0 { &a } else { &b }, name).await;
    }
    let mails = sink.wait_for(50, Duration::from_secs(60)).await;
    // Anything sent twice would arrive within a few more polls.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails_now = sink.messages();
    assert_eq!(mails_now.len(), 50, "each mail delivered once");
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for m in &mails {
        *per_recipient
            .entry(header(m, "To").unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    assert_eq!(per_recipient.len(), 50);
    assert!(per_recipient.values().all(|n| *n == 1));
    // Both instances delivered.
    for app in [&a, &b] {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(
            metrics
                .lines()
                .any(|l| l.starts_with("ebo_mail_sent_total ")),
            "{metrics}"
        );
    }
}

#[tokio::test]
async fn with_require_verified_email_an_unconfirmed_account_reads_but_cannot_write() {
    let app = spawn_app_with(|s| {
        s.email.poll_interval_ms = 50;
        s.auth.require_verified_email = true;
    })
    .await;
    register(&app, "clavicus").await;
    let tokens: Value = login(&app, "clavicus", PW).await.json().await.unwrap();
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let submit = || {
        app.request(Method::POST, &app.api("/runs"))
            .header("authorization", &bearer)
            .json(&crate::runs::run_body("Vile", 30_000.0))
            .send()
    };
    let read = app
        .request(Method::GET, &app.api("/runs"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200, "reads are open");
    let refused = submit().await.unwrap();
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_error_body(&body, 403);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("Confirm your email"),
        "{body}"
    );

    let mails = wait_for_messages(|| eml_files(app.mail_dir.path()), 1, WAIT).await;
    let token = link_token(&mails[0], "verify-email");
    let r = post(&app, "/auth/verify-email", json!({"token": token})).await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        submit().await.unwrap().status(),
        201,
        "confirmed: writes are open"
    );
}

#[tokio::test]
async fn spending_mailed_links_does_not_count_against_the_login_limit() {
    // The default: 5 password checks or mails a minute per client. Register, log in, confirm,
    // ask for a reset, reset, log in again: the two link spends are not among them.
    let app = spawn_app_with(|s| {
        s.email.poll_interval_ms = 50;
        s.rate_limit.auth_per_minute = 5;
    })
    .await;
    register(&app, "malacath").await;
    assert_eq!(login(&app, "malacath", PW).await.status(), 200);
    let read = || eml_files(app.mail_dir.path());
    let verify = link_token(&wait_for_messages(read, 1, WAIT).await[0], "verify-email");
    let r = post(&app, "/auth/verify-email", json!({"token": verify})).await;
    assert_eq!(r.status(), 204);
    let r = post(
        &app,
        "/auth/forgot-password",
        json!({"email": "malacath@example.com"}),
    )
    .await;
    assert_eq!(r.status(), 202);
    let mails = wait_for_messages(read, 2, WAIT).await;
    let reset = mails
        .iter()
        .find(|m| header(m, "Subject") == Some("Reset your password"))
        .map(|m| link_token(m, "reset-password"))
        .unwrap();
    let r = post(
        &app,
        "/auth/reset-password",
        json!({"token": reset, "new_password": NEW_PW}),
    )
    .await;
    assert_eq!(r.status(), 204);
    assert_eq!(login(&app, "malacath", NEW_PW).await.status(), 200);
}
