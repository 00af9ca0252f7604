//! The document states the rules the server keeps, and the server takes what the document
//! allows (issue "A truthful contract"): each rule schemathesis found unstated has a test here
//! that reads the served document and sends the request, on both databases.

use app::{
    auth::password::PasswordRule,
    model::validate::{EmailAddress, StringRule},
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    auth::{login, register},
    helpers::{TestApp, TestUser, assert_error_body, spawn_app},
};

async fn document(app: &TestApp) -> Value {
    app.get("/api/openapi.json").await.json().await.unwrap()
}

fn property<'a>(doc: &'a Value, schema: &str, name: &str) -> &'a Value {
    &doc["components"]["schemas"][schema]["properties"][name]
}

/// The field errors of a 422, as (field, message).
async fn refused(r: reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_error_body(&body, 422);
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_password_and_email_rules_are_in_the_schema_and_the_server_keeps_exactly_them() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for (schema, name) in [
        ("RegisterRequest", "password"),
        ("ChangePasswordRequest", "new_password"),
        ("ResetPasswordRequest", "new_password"),
    ] {
        let p = property(&doc, schema, name);
        assert_eq!(p["pattern"], PasswordRule::PATTERN, "{schema}.{name}");
        assert_eq!(
            (p["minLength"].as_u64(), p["maxLength"].as_u64()),
            (Some(8), Some(128))
        );
    }
    for schema in ["RegisterRequest", "EmailRequest"] {
        let p = property(&doc, schema, "email");
        assert_eq!(p["pattern"], EmailAddress::PATTERN, "{schema}");
        assert_eq!(p["maxLength"], 254, "{schema}");
    }

    // What the document's pattern allows is registered, and nothing else: letters of the
    // game's languages with case count, and a password past bcrypt's 72 bytes is taken whole.
    let pattern = regex::Regex::new(PasswordRule::PATTERN).unwrap();
    let long = format!("Aa1{}", "é".repeat(60));
    for (i, password) in [
        "Пароль123",
        "Straße-42x",
        long.as_str(),
        "ΑΒΓαβγ123",
        "alllowercase1",
        "NoDigitsHere",
    ]
    .into_iter()
    .enumerate()
    {
        let allowed = pattern.is_match(password);
        let r = register(
            &app,
            &format!("p{i}@example.com"),
            &format!("pw{i}x"),
            password,
        )
        .await;
        let status = r.status();
        assert_eq!(status == 201, allowed, "{password}: {status}");
        if !allowed {
            let errors = refused(r).await;
            assert_eq!(errors[0].0, "password");
            assert_eq!(
                errors[0].1,
                "must be 8–128 characters with an upper-case letter, a lower-case letter and a digit"
            );
        }
    }
    let ok = login(&app, json!({"username": "pw2x", "password": long})).await;
    assert_eq!(ok.status(), 200, "the long password logs in");
    let mut first_72_bytes_same = long.clone();
    first_72_bytes_same.push('x');
    let wrong = login(
        &app,
        json!({"username": "pw2x", "password": first_72_bytes_same}),
    )
    .await;
    assert_eq!(wrong.status(), 401, "no part of a long password is ignored");

    let email_pattern = regex::Regex::new(EmailAddress::PATTERN).unwrap();
    for (email, allowed) in [
        ("first.last+tag@example.co.uk", true),
        ("a@b", false),
        ("a@b.", false),
        ("a\u{3000}b@example.com", false),
    ] {
        let r = app
            .request(Method::POST, &app.api("/auth/forgot-password"))
            .json(&json!({"email": email}))
            .send()
            .await
            .unwrap();
        assert_eq!(email_pattern.is_match(email), allowed, "{email}");
        if allowed {
            assert_eq!(r.status(), 202, "{email}");
        } else {
            let errors = refused(r).await;
            assert!(
                errors.contains(&("email".to_owned(), "must be an email address".to_owned())),
                "{errors:?}"
            );
        }
    }
}

#[tokio::test]
async fn free_form_objects_are_objects_and_feature_rules_are_in_the_schema() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for (schema, name) in [
        ("FeatureCreate", "attributes"),
        ("GearSetCreate", "attributes"),
        ("GearSetCreate", "bonuses"),
        ("SyncItemIn", "data"),
    ] {
        assert_eq!(
            property(&doc, schema, name)["type"],
            "object",
            "{schema}.{name}"
        );
    }
    for name in [
        "max_ranks",
        "range_m",
        "radius_m",
        "duration_sec",
        "cooldown_sec",
    ] {
        assert_eq!(
            property(&doc, "FeatureCreate", name)["minimum"],
            0.0,
            "{name}"
        );
    }
    for (schema, name) in [
        ("FeatureCreate", "name"),
        ("FeatureCreate", "category"),
        ("GearSetCreate", "name"),
        ("GearSetCreate", "set_type"),
        ("GearSetCreate", "set_id"),
    ] {
        assert!(
            property(&doc, schema, name)["pattern"].is_string(),
            "{schema}.{name}"
        );
    }

    let admin = app.user_with_role(app::auth::Role::Admin).await;
    let feature = json!({
        "feature_id": "CONTRACT_TEST_001", "system": "PLAYER", "category": "Class",
        "name": "Contract Strike", "attributes": {}
    });
    let post = |body: Value, path: &'static str, who: &TestUser| {
        app.as_user(who, Method::POST, path).json(&body).send()
    };
    for (change, field) in [
        (json!({"attributes": null}), "attributes"),
        (json!({"attributes": [1]}), "attributes"),
        (json!({"max_ranks": -1}), "max_ranks"),
        (json!({"name": " \t "}), "name"),
        (
            json!({"attributes": {"notes": {"deep": "a\u{0}b"}}}),
            "attributes.notes.deep",
        ),
    ] {
        let mut body = feature.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let errors = refused(post(body, "/features", &admin).await.unwrap()).await;
        assert_eq!(errors[0].0, field, "{change}: {errors:?}");
    }
    // A property the schema does not declare is ignored, NUL or not; the feature is stored.
    let mut body = feature.clone();
    body["not_a_field"] = json!("a\u{0}b");
    assert_eq!(post(body, "/features", &admin).await.unwrap().status(), 201);

    let set = json!({
        "set_id": "CONTRACT_SET", "name": "Contract Set", "set_type": "Trial",
        "bonuses": {"2": {"stat": "Max Magicka"}}, "attributes": {}
    });
    let mut bad = set.clone();
    bad["bonuses"] = json!(0);
    let errors = refused(post(bad, "/features/sets", &admin).await.unwrap()).await;
    assert_eq!(errors[0].0, "bonuses");
    assert_eq!(
        post(set, "/features/sets", &admin).await.unwrap().status(),
        201
    );

    // A sync item's data is checked on its own: NUL inside it fails that item alone.
    let user = app.user().await;
    let batch = json!({"items": [{
        "id": uuid::Uuid::new_v4(), "checksum": "c",
        "data": {"character_name": "x", "notes": ["a\u{0}"]}
    }]});
    let r = post(batch, "/sync/combat_runs/batch", &user).await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["results"][0]["success"], false, "{body}");
}

#[tokio::test]
async fn a_form_login_keeps_the_input_rules_of_a_json_body() {
    let app = spawn_app().await;
    assert_eq!(
        register(&app, "form@example.com", "former", "Warrior-Poet1")
            .await
            .status(),
        201
    );
    let form = |grant_type: &str| {
        app.request(Method::POST, &app.api("/auth/login"))
            .form(&[
                ("grant_type", grant_type),
                ("username", "former"),
                ("password", "Warrior-Poet1"),
            ])
            .send()
    };
    assert_eq!(form("password").await.unwrap().status(), 200);
    let errors = refused(form("pass\u{0}word").await.unwrap()).await;
    assert_eq!(errors[0].0, "grant_type", "{errors:?}");
}

#[tokio::test]
async fn sort_keys_and_joined_values_are_stated_as_patterns() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let sort = doc["paths"]["/builds"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "sort")
        .unwrap()["schema"]["pattern"]
        .as_str()
        .unwrap()
        .to_owned();
    let refusal = format!("must match the pattern \"{sort}\"");
    let sort = regex::Regex::new(&sort).unwrap();
    let user = app.user().await;
    for (key, allowed) in [
        ("-updated_at", true),
        ("name", true),
        ("0\u{7f}", false),
        ("owner_id", false),
    ] {
        assert_eq!(sort.is_match(key), allowed, "{key}");
        let r = app
            .as_user(&user, Method::GET, "/builds")
            .query(&[("sort", key)])
            .send()
            .await
            .unwrap();
        if allowed {
            assert_eq!(r.status(), 200, "{key}");
        } else {
            let errors = refused(r).await;
            assert_eq!(
                (errors[0].0.as_str(), &errors[0].1),
                ("sort", &refusal),
                "{key}"
            );
        }
    }

    let weight = property(&doc, "GearSetCreate", "weight")["pattern"]
        .as_str()
        .unwrap()
        .to_owned();
    let weight = regex::Regex::new(&weight).unwrap();
    assert!(property(&doc, "FeatureCreate", "resource_type")["pattern"].is_string());
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    for (i, (value, allowed)) in [
        ("light / HEAVY", true),
        ("Light|Foo", false),
        ("\u{db}L", false),
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(weight.is_match(value), allowed, "{value}");
        let set = json!({
            "set_id": format!("CONTRACT_WEIGHT_{i}"), "name": "Weighted", "set_type": "Trial",
            "weight": value, "bonuses": {}, "attributes": {}
        });
        let r = app
            .as_user(&admin, Method::POST, "/features/sets")
            .json(&set)
            .send()
            .await
            .unwrap();
        if allowed {
            assert_eq!(r.status(), 201, "{value}");
        } else {
            assert_eq!(refused(r).await[0].0, "weight", "{value}");
        }
    }
}

#[tokio::test]
async fn a_free_form_number_near_the_f64_limit_reads_back() {
    // PostgreSQL prints this jsonb number as a 309-digit integer; parsed without
    // serde_json's float_roundtrip it overflowed, and the whole column read as null (a 500).
    let app = spawn_app().await;
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    let set = json!({
        "set_id": "CONTRACT_HUGE", "name": "Huge", "set_type": "Trial",
        "bonuses": {}, "attributes": {"x": -1.797_693_134_862_315_7e308}
    });
    let created = app
        .as_user(&admin, Method::POST, "/features/sets")
        .json(&set)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let read = app.get_json(&admin, "/features/sets/CONTRACT_HUGE").await;
    assert_eq!(read["attributes"]["x"], f64::MIN, "{read}");
}

#[tokio::test]
async fn the_documented_savedvariables_example_imports() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let file = doc["paths"]["/runs/import"]["post"]["requestBody"]["content"]
        ["multipart/form-data"]["example"]["file"]
        .as_str()
        .unwrap()
        .to_owned();
    let user = app.user().await;
    let part =
        reqwest::multipart::Part::bytes(file.into_bytes()).file_name("ESOBuildOptimizer.lua");
    let r = app
        .as_user(&user, Method::POST, "/runs/import")
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["imported"], 1, "{report}");
}
