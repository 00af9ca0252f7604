//! Hostile and broken tokens are all 401; RS256/EdDSA keys publish a JWKS and rotate.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

fn openssl_key(dir: &std::path::Path, name: &str, algorithm: &str) -> String {
    let path = dir.join(name);
    let mut cmd = std::process::Command::new("openssl");
    cmd.args(["genpkey", "-algorithm", algorithm, "-out"])
        .arg(&path);
    if algorithm == "RSA" {
        cmd.args(["-pkeyopt", "rsa_keygen_bits:2048"]);
    }
    let out = cmd.output().expect("openssl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path.to_str().unwrap().to_owned()
}

fn public_pem(private: &str) -> Vec<u8> {
    let out = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-in", private])
        .output()
        .expect("openssl");
    out.stdout
}

/// Signs with the Ed25519 key in PEM file `key`, published as `kid`.
fn eddsa(s: &mut app::config::Settings, key: &str, kid: &str) {
    s.auth.algorithm = app::config::JwtAlgorithm::EdDSA;
    s.auth.private_key_file = Some(key.to_owned());
    s.auth.key_id = kid.to_owned();
}

async fn status_with(app: &TestApp, token: &str) -> u16 {
    app.request(Method::GET, &app.api("/auth/me"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn claims(sub: uuid::Uuid, exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "exp": now + exp_offset, "iat": now, "jti": uuid::Uuid::new_v4().to_string(), "type": "access", "role": "admin", "ver": 0, "iss": "ebo", "aud": "ebo-api"})
}

#[tokio::test]
async fn forged_expired_and_mistyped_tokens_are_refused() {
    let app = spawn_app().await;
    let user = app.user().await;
    let secret = secrecy::ExposeSecret::expose_secret(&app.settings.auth.jwt_secret).to_owned();
    let sign = |c: &Value, key: &[u8]| {
        encode(
            &Header::new(Algorithm::HS256),
            c,
            &EncodingKey::from_secret(key),
        )
        .unwrap()
    };
    let good = sign(&claims(user.id, 600), secret.as_bytes());
    assert_eq!(
        status_with(&app, &good).await,
        200,
        "control: a well-formed token works"
    );

    let mut no_exp = claims(user.id, 600);
    no_exp.as_object_mut().unwrap().remove("exp");
    let mut refresh_typed = claims(user.id, 600);
    refresh_typed["type"] = json!("refresh");
    let mut no_aud = claims(user.id, 600);
    no_aud.as_object_mut().unwrap().remove("aud");
    let mut other_aud = claims(user.id, 600);
    other_aud["aud"] = json!("another-api");
    let mut other_iss = claims(user.id, 600);
    other_iss["iss"] = json!("another-issuer");
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(user.id, 600).to_string())
    );
    let hs512 = encode(
        &Header::new(Algorithm::HS512),
        &claims(user.id, 600),
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap();
    let mut tampered = good.clone();
    tampered.replace_range(tampered.len() - 4.., "AAAA");
    let cases = [
        ("alg none", unsigned),
        (
            "wrong signature",
            sign(
                &claims(user.id, 600),
                b"another-secret-of-at-least-32-chars!!",
            ),
        ),
        ("tampered", tampered),
        ("expired", sign(&claims(user.id, -3600), secret.as_bytes())),
        ("missing exp", sign(&no_exp, secret.as_bytes())),
        ("refresh type", sign(&refresh_typed, secret.as_bytes())),
        ("missing aud", sign(&no_aud, secret.as_bytes())),
        ("another aud", sign(&other_aud, secret.as_bytes())),
        ("another iss", sign(&other_iss, secret.as_bytes())),
        ("HS512 instead of HS256", hs512),
        (
            "unknown user",
            sign(&claims(uuid::Uuid::new_v4(), 600), secret.as_bytes()),
        ),
        ("garbage", "abc.def.ghi".to_owned()),
    ];
    for (name, token) in cases {
        let r = app
            .request(Method::GET, &app.api("/auth/me"))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{name}");
        assert_eq!(r.headers()["www-authenticate"], "Bearer", "{name}");
    }
}

#[tokio::test]
async fn rs256_publishes_a_jwks_and_refuses_algorithm_confusion() {
    let dir = tempfile::tempdir().unwrap();
    let key = openssl_key(dir.path(), "rsa.pem", "RSA");
    let app = spawn_app_with(|s| {
        s.auth.algorithm = app::config::JwtAlgorithm::RS256;
        s.auth.private_key_file = Some(key.clone());
        s.auth.key_id = "k1".into();
    })
    .await;
    let user = app.user().await; // token signed with RS256 by the app's own keys
    assert_eq!(
        status_with(&app, user.bearer.trim_start_matches("Bearer ")).await,
        200
    );
    let header = jsonwebtoken::decode_header(user.bearer.trim_start_matches("Bearer ")).unwrap();
    assert_eq!(
        (header.alg, header.kid.as_deref()),
        (Algorithm::RS256, Some("k1"))
    );

    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["kid"], "k1");
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    assert!(jwks["keys"][0].get("d").is_none(), "no private part");

    // Algorithm confusion: HS256 "signed" with the RSA public key as the secret.
    let confused = encode(
        &Header::new(Algorithm::HS256),
        &claims(user.id, 600),
        &EncodingKey::from_secret(&public_pem(&key)),
    )
    .unwrap();
    assert_eq!(status_with(&app, &confused).await, 401);
}

#[tokio::test]
async fn eddsa_keys_rotate_with_a_window_for_the_previous_key() {
    let dir = tempfile::tempdir().unwrap();
    let old = openssl_key(dir.path(), "old.pem", "ed25519");
    let new = openssl_key(dir.path(), "new.pem", "ed25519");
    let before = spawn_app_with(|s| eddsa(s, &old, "old")).await;
    let user = before.user().await;
    let old_token = user.bearer.trim_start_matches("Bearer ").to_owned();

    // Same database, new key, old key still accepted for a window.
    let url = before.settings.database.url.clone();
    let after = spawn_app_with(|s| {
        eddsa(s, &new, "new");
        s.database.url = url.clone();
        s.auth.previous_private_key_file = Some(old.clone());
        s.auth.previous_key_id = "old".into();
        s.auth.previous_key_valid_until = Some(chrono::Utc::now() + chrono::Duration::hours(1));
    })
    .await;
    assert_eq!(
        status_with(&after, &old_token).await,
        200,
        "inside the rotation window"
    );
    let kids: Vec<String> = after
        .get("/.well-known/jwks.json")
        .await
        .json::<Value>()
        .await
        .unwrap()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kids, ["new", "old"]);

    let expired_window = spawn_app_with(|s| {
        eddsa(s, &new, "new");
        s.database.url = url.clone();
        s.auth.previous_private_key_file = Some(old.clone());
        s.auth.previous_key_id = "old".into();
        s.auth.previous_key_valid_until = Some(chrono::Utc::now() - chrono::Duration::seconds(1));
    })
    .await;
    assert_eq!(
        status_with(&expired_window, &old_token).await,
        401,
        "after the window"
    );
}

#[tokio::test]
async fn hs256_serves_no_jwks() {
    let app = spawn_app().await;
    assert_eq!(app.get("/.well-known/jwks.json").await.status(), 404);
}

/// The service remembers tokens that verified (`auth::verified`); a remembered token must
/// still stop working at its expiry (plus the 30 s leeway) and when its key's window closes.
#[tokio::test]
async fn a_token_that_verified_is_refused_once_it_expires_or_its_keys_window_closes() {
    let app = spawn_app().await;
    let user = app.user().await;
    let secret = secrecy::ExposeSecret::expose_secret(&app.settings.auth.jwt_secret).to_owned();
    // Accepted for about five more seconds: `exp` is 25 s ago, the leeway 30 s.
    let ending = encode(
        &Header::new(Algorithm::HS256),
        &claims(user.id, -25),
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap();
    assert_eq!(status_with(&app, &ending).await, 200, "before expiry");
    assert_eq!(status_with(&app, &ending).await, 200, "again, remembered");
    tokio::time::sleep(std::time::Duration::from_millis(6_200)).await;
    assert_eq!(status_with(&app, &ending).await, 401, "past exp + leeway");

    let dir = tempfile::tempdir().unwrap();
    let old = openssl_key(dir.path(), "old.pem", "ed25519");
    let new = openssl_key(dir.path(), "new.pem", "ed25519");
    let before = spawn_app_with(|s| eddsa(s, &old, "old")).await;
    let old_token = before
        .user()
        .await
        .bearer
        .trim_start_matches("Bearer ")
        .to_owned();
    let url = before.settings.database.url.clone();
    let closing = chrono::Utc::now() + chrono::Duration::seconds(5);
    let after = spawn_app_with(|s| {
        eddsa(s, &new, "new");
        s.database.url = url.clone();
        s.auth.previous_private_key_file = Some(old.clone());
        s.auth.previous_key_id = "old".into();
        s.auth.previous_key_valid_until = Some(closing);
    })
    .await;
    assert_eq!(
        status_with(&after, &old_token).await,
        200,
        "inside the window"
    );
    let wait = closing - chrono::Utc::now() + chrono::Duration::milliseconds(200);
    tokio::time::sleep(wait.to_std().unwrap_or_default()).await;
    assert_eq!(
        status_with(&after, &old_token).await,
        401,
        "the previous key's window closed while the token was remembered"
    );
}
