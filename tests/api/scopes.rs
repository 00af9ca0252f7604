//! OAuth2 scopes (`read`, `write`, `admin`): what a login is granted, and every operation of
//! the served document enforcing the scope it declares (RFC 6750 §3.1).

use app::auth::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    auth::{login, register},
    helpers::{TestApp, TestUser, assert_error_body, spawn_app},
};

const PW: &str = "Warrior-Poet1";
const SCOPES: [&str; 3] = ["read", "write", "admin"];

/// An operation of the document that needs a token: its method, path and declared scope.
struct Secured {
    method: Method,
    path: String,
    scope: String,
    json_body: bool,
}

/// Every secured operation of the served document, each checked to declare exactly one scope
/// for the OAuth2 scheme and none for plain bearer (OpenAPI 3.0 §4.7.30).
fn secured_operations(spec: &Value) -> Vec<Secured> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(requirements) = op["security"].as_array() else {
                continue;
            };
            let mut declared = Vec::new();
            for r in requirements {
                if let Some(bearer) = r.get("BearerAuth") {
                    assert_eq!(bearer, &json!([]), "{method} {path}: bearer lists scopes");
                }
                if let Some(oauth) = r.get("OAuth2PasswordBearer") {
                    declared.extend(oauth.as_array().unwrap().iter().cloned());
                }
            }
            assert_eq!(
                declared.len(),
                1,
                "{method} {path} must declare exactly one scope, declares {declared:?}"
            );
            // A path parameter gets a value of its type that names nothing stored.
            let mut concrete = path.clone();
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    let name = p["name"].as_str().unwrap();
                    let value = if p["schema"]["type"] == "integer" {
                        "987654".to_owned()
                    } else {
                        uuid::Uuid::new_v4().to_string()
                    };
                    concrete = concrete.replace(&format!("{{{name}}}"), &value);
                }
            }
            out.push(Secured {
                method: method.to_uppercase().parse().unwrap(),
                path: concrete,
                scope: declared[0].as_str().unwrap().to_owned(),
                json_body: op["requestBody"]["content"]["application/json"].is_object(),
            });
        }
    }
    out
}

async fn call(app: &TestApp, op: &Secured, user: &TestUser) -> reqwest::Response {
    let mut req = app.as_user(user, op.method.clone(), &op.path);
    if op.json_body {
        req = req.json(&json!({}));
    }
    req.send().await.unwrap()
}

fn insufficient(scope: &str) -> String {
    format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\"")
}

#[tokio::test]
async fn every_operation_refuses_a_token_without_its_declared_scope_and_takes_one_with_it() {
    let app = spawn_app().await;
    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let ops = secured_operations(&spec);
    assert!(ops.len() > 30, "only {} secured operations", ops.len());
    for scope in SCOPES {
        assert!(
            ops.iter().any(|o| o.scope == scope),
            "no operation needs {scope}"
        );
    }
    // An administrator, so that only the scope decides.
    let admin = app.user_with_role(Role::Admin).await;
    for op in &ops {
        let others: Vec<&str> = SCOPES.into_iter().filter(|s| *s != op.scope).collect();
        let without = app.with_scope(&admin, Role::Admin, &others.join(" "));
        let r = call(&app, op, &without).await;
        let what = format!("{} {} (needs {})", op.method, op.path, op.scope);
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{what}");
        assert_eq!(
            r.headers()["www-authenticate"].to_str().unwrap(),
            insufficient(&op.scope),
            "{what}"
        );
        let body: Value = r.json().await.unwrap();
        assert_error_body(&body, 403);
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("insufficient_scope"),
            "{what}: {body}"
        );

        let with = app.with_scope(&admin, Role::Admin, &op.scope);
        let r = call(&app, op, &with).await;
        assert!(
            r.status() != StatusCode::UNAUTHORIZED && !r.headers().contains_key("www-authenticate"),
            "{what} with its scope: {} {:?}",
            r.status(),
            r.headers().get("www-authenticate")
        );
    }
}

async fn registered(app: &TestApp, name: &str) -> Value {
    let r = register(app, &format!("{name}@example.com"), name, PW).await;
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

fn bearer(tokens: &Value) -> String {
    format!("Bearer {}", tokens["access_token"].as_str().unwrap())
}

async fn status_of(app: &TestApp, method: Method, path: &str, tokens: &Value) -> StatusCode {
    let mut req = app
        .request(method.clone(), &app.api(path))
        .header("authorization", bearer(tokens));
    if method == Method::POST {
        req = req.json(&json!({}));
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn a_login_gets_the_scopes_it_asks_for_and_a_refresh_keeps_them() {
    let app = spawn_app().await;
    registered(&app, "reader").await;
    let who = json!({"email": "reader@example.com", "password": PW});

    // No request: everything a user's role allows.
    let full: Value = login(&app, who.clone()).await.json().await.unwrap();
    assert_eq!(full["scope"], "read write");

    // A read-only dashboard token reads, and is refused writes with the scope named.
    let mut ask = who.clone();
    ask["scope"] = json!("read");
    let read: Value = login(&app, ask).await.json().await.unwrap();
    assert_eq!(read["scope"], "read");
    assert_eq!(status_of(&app, Method::GET, "/runs", &read).await, 200);
    let r = app
        .request(Method::POST, &app.api("/runs"))
        .header("authorization", bearer(&read))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.headers()["www-authenticate"],
        insufficient("write").as_str()
    );

    // The refresh keeps the login's scopes.
    let refreshed: Value = app
        .request(Method::POST, &app.api("/auth/refresh"))
        .json(&json!({"refresh_token": read["refresh_token"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refreshed["scope"], "read");
    assert_eq!(
        status_of(&app, Method::POST, "/runs", &refreshed).await,
        403
    );
    // Any token may end its own session.
    assert_eq!(
        status_of(&app, Method::POST, "/auth/logout", &refreshed).await,
        204
    );

    // The OAuth2 form (Swagger UI's Authorize dialog) asks the same way.
    let form: Value = app
        .request(Method::POST, &app.api("/auth/login"))
        .form(&[
            ("grant_type", "password"),
            ("username", "reader"),
            ("password", PW),
            ("scope", "write read"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(form["scope"], "read write");

    // A scope the role lacks is left out; asking for nothing else is refused, as is a scope
    // that does not exist (RFC 6749 §5.2 invalid_scope).
    let mut ask = who.clone();
    ask["scope"] = json!("read admin");
    let r: Value = login(&app, ask).await.json().await.unwrap();
    assert_eq!(r["scope"], "read");
    for scope in ["admin", "read api"] {
        let mut ask = who.clone();
        ask["scope"] = json!(scope);
        let r = login(&app, ask).await;
        assert_eq!(r.status(), 400, "{scope}");
        let body: Value = r.json().await.unwrap();
        assert_error_body(&body, 400);
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .starts_with("invalid_scope")
        );
    }
}

/// `PATCH /admin/users/{id}` setting `account`'s role, as the administrator `root`.
async fn set_role(app: &TestApp, root: &TestUser, account: &Value, role: &str) {
    let path = format!("/admin/users/{}", account["id"].as_str().unwrap());
    let r = app
        .as_user(root, Method::PATCH, &path)
        .json(&json!({ "role": role }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn an_administrator_gets_admin_by_default_and_acts_as_a_user_without_it() {
    let app = spawn_app().await;
    let account = registered(&app, "steward").await;
    let root = app.user_with_role(Role::Admin).await;
    set_role(&app, &root, &account, "admin").await;
    let who = json!({"email": "steward@example.com", "password": PW});

    let full: Value = login(&app, who.clone()).await.json().await.unwrap();
    assert_eq!(full["scope"], "read write admin");
    assert_eq!(
        status_of(&app, Method::GET, "/admin/users", &full).await,
        200
    );

    let mut ask = who.clone();
    ask["scope"] = json!("read write");
    let plain: Value = login(&app, ask).await.json().await.unwrap();
    assert_eq!(plain["scope"], "read write");
    assert_eq!(
        status_of(&app, Method::GET, "/admin/users", &plain).await,
        403
    );
    // Without `admin`, another user's private build is as invisible as to any user (the
    // policy `owner | flag(is_public) | admin` counts the role only with the scope).
    let other = app.user().await;
    let build = crate::builds::create(&app, &other, crate::builds::build("private")).await;
    let path = format!("/builds/{}", build["build_id"].as_str().unwrap());
    assert_eq!(status_of(&app, Method::GET, &path, &plain).await, 404);
    assert_eq!(status_of(&app, Method::GET, &path, &full).await, 200);

    // Demoted, a login asking for `admin` does not get it.
    set_role(&app, &root, &account, "user").await;
    let mut ask = who;
    ask["scope"] = json!("read write admin");
    assert_eq!(
        login(&app, ask).await.json::<Value>().await.unwrap()["scope"],
        "read write"
    );
}
