//! Saved builds: the worked example of `#[derive(Model)]`, end to end over HTTP.
//! Policy: read = owner | is_public | admin, write = owner. Another user's private build is
//! 404 everywhere; a public one is readable by any signed-in user, but changing or deleting it
//! answers 403 (visible rows are not hidden on write).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_error_body, spawn_app};

/// A valid saved-build body named `name` (private).
pub fn build(name: &str) -> Value {
    json!({
        "name": name,
        "class": "Arcanist",
        "race": "Khajiit",
        "sets": ["Relequen's Wrath", "Kinras's Wrath", "Slimecraw"],
        "skills_front": ["Fatecarver", "Runeblades", "Tide King's Gaze"],
        "skills_back": ["Inspired Scholarship", "Barbed Trap"],
        "champion_points": {"warfare": {"Deadly Aim": 50}},
        "notes": "trial DPS setup"
    })
}

/// `POST /builds` as `user`; asserts 201 and returns the stored build.
pub async fn create(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let r = app
        .as_user(user, Method::POST, "/builds")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

async fn status_of(
    app: &TestApp,
    user: &TestUser,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> u16 {
    let mut req = app.as_user(user, method, path);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn crud_round_trip() {
    let app = spawn_app().await;
    let a = app.user().await;

    let r = app
        .as_user(&a, Method::POST, "/builds")
        .json(&build("Fatecarver DPS"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = r.json().await.unwrap();
    let id = created["build_id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/builds/{id}"));
    assert_eq!(
        created["owner_id"],
        a.id.to_string(),
        "owner comes from the token"
    );
    assert_eq!(created["is_public"], false, "default");
    assert_eq!(created["sets"][0], "Relequen's Wrath");
    assert_eq!(created["champion_points"]["warfare"]["Deadly Aim"], 50);
    assert_eq!(created["created_at"], created["updated_at"]);

    let got: Value = app.get_json(&a, &format!("/builds/{id}")).await;
    assert_eq!(got, created, "what was stored reads back identically");

    let patched: Value = app
        .as_user(&a, Method::PATCH, &format!("/builds/{id}"))
        .json(&json!({"name": "Fatecarver DPS v2", "notes": null, "is_public": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(patched["name"], "Fatecarver DPS v2");
    assert!(
        patched["notes"].is_null(),
        "null clears an optional field: {patched}"
    );
    assert_eq!(patched["class"], "Arcanist", "absent fields are unchanged");
    assert_eq!(patched["created_at"], created["created_at"]);
    assert!(patched["updated_at"].as_str() >= created["updated_at"].as_str());

    let list: Value = app.get_json(&a, "/builds").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["builds"][0]["build_id"], id.as_str());

    assert_eq!(
        status_of(&app, &a, Method::DELETE, &format!("/builds/{id}"), None).await,
        204
    );
    assert_eq!(
        status_of(&app, &a, Method::GET, &format!("/builds/{id}"), None).await,
        404
    );
    assert_eq!(
        status_of(&app, &a, Method::DELETE, &format!("/builds/{id}"), None).await,
        404
    );
}

#[tokio::test]
async fn another_users_private_build_is_invisible_and_a_public_one_read_only() {
    let app = spawn_app().await;
    let (a, b) = (app.user().await, app.user().await);
    let private = create(&app, &a, build("private")).await["build_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut public_body = build("public");
    public_body["is_public"] = json!(true);
    let public = create(&app, &a, public_body).await["build_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let path = format!("/builds/{private}");
    let r = app.as_user(&b, Method::GET, &path).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_error_body(&body, 404);
    let missing: Value = app
        .as_user(
            &b,
            Method::GET,
            &format!("/builds/{}", uuid::Uuid::new_v4()),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["detail"], missing["detail"],
        "indistinguishable from a missing build"
    );
    assert_eq!(
        status_of(
            &app,
            &b,
            Method::PATCH,
            &path,
            Some(json!({"name": "mine"}))
        )
        .await,
        404
    );
    assert_eq!(status_of(&app, &b, Method::DELETE, &path, None).await, 404);

    let path = format!("/builds/{public}");
    assert_eq!(status_of(&app, &b, Method::GET, &path, None).await, 200);
    assert_eq!(
        status_of(
            &app,
            &b,
            Method::PATCH,
            &path,
            Some(json!({"name": "mine"}))
        )
        .await,
        403
    );
    assert_eq!(status_of(&app, &b, Method::DELETE, &path, None).await, 403);

    let list: Value = app.get_json(&b, "/builds").await;
    let ids: Vec<&str> = list["builds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["build_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [public.as_str()],
        "B's list shows A's public build only"
    );

    // Both builds are untouched.
    let a_list: Value = app.get_json(&a, "/builds?sort=name").await;
    let names: Vec<&str> = a_list["builds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["private", "public"]);
}

#[tokio::test]
async fn admins_read_every_build_but_only_owners_write() {
    let app = spawn_app().await;
    let a = app.user().await;
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    let id = create(&app, &a, build("private")).await["build_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/builds/{id}");
    assert_eq!(status_of(&app, &admin, Method::GET, &path, None).await, 200);
    let list: Value = app.get_json(&admin, "/builds").await;
    assert_eq!(list["total"], 1);
    assert_eq!(
        status_of(
            &app,
            &admin,
            Method::PATCH,
            &path,
            Some(json!({"name": "x"}))
        )
        .await,
        403
    );
    assert_eq!(
        status_of(&app, &admin, Method::DELETE, &path, None).await,
        403
    );
}

#[tokio::test]
async fn requests_without_a_valid_token_are_401() {
    let app = spawn_app().await;
    for auth in [None, Some("Bearer nonsense"), Some("Basic dXNlcjpwYXNz")] {
        let mut req = app.request(Method::GET, &app.api("/builds"));
        if let Some(h) = auth {
            req = req.header("authorization", h);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 401, "{auth:?}");
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
        assert_error_body(&r.json().await.unwrap(), 401);
    }
}

#[tokio::test]
async fn pagination_is_bounded_and_reports_totals() {
    let app = spawn_app().await;
    let a = app.user().await;
    for i in 0..5 {
        create(&app, &a, build(&format!("b{i}"))).await;
    }
    let page: Value = app.get_json(&a, "/builds?limit=2&offset=0&sort=name").await;
    assert_eq!(
        (
            page["total"].as_u64(),
            page["limit"].as_u64(),
            page["has_more"].as_bool()
        ),
        (Some(5), Some(2), Some(true))
    );
    assert_eq!(page["builds"].as_array().unwrap().len(), 2);
    let last: Value = app.get_json(&a, "/builds?limit=2&offset=4&sort=name").await;
    assert_eq!(last["builds"][0]["name"], "b4");
    assert_eq!(last["has_more"], false);
    let beyond: Value = app.get_json(&a, "/builds?offset=50").await;
    assert_eq!(
        (
            beyond["builds"].as_array().unwrap().len(),
            beyond["total"].as_u64()
        ),
        (0, Some(5))
    );

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("offset=-1", "offset"),
        ("limit=abc", "limit"),
        ("sort=password", "sort"),
    ] {
        let r = app
            .as_user(&a, Method::GET, &format!("/builds?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{query}");
        let body: Value = r.json().await.unwrap();
        assert_error_body(&body, 422);
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
}

#[tokio::test]
async fn each_filter_narrows_the_list() {
    let app = spawn_app().await;
    let a = app.user().await;
    let mut warden = build("Warden Tank 100% uptime");
    warden["class"] = json!("Warden");
    warden["is_public"] = json!(true);
    create(&app, &a, warden).await;
    create(&app, &a, build("Arcanist 1000 DPS")).await;
    create(&app, &a, build("arcanist_healer")).await;

    let names = |v: Value| -> Vec<String> {
        let mut n: Vec<String> = v["builds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap().to_owned())
            .collect();
        n.sort();
        n
    };
    let get = |q: &'static str| {
        let req = app.as_user(&a, Method::GET, &format!("/builds?{q}"));
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(
        names(get("class=Warden").await),
        ["Warden Tank 100% uptime"]
    );
    assert_eq!(
        names(get("is_public=false").await),
        ["Arcanist 1000 DPS", "arcanist_healer"]
    );
    assert_eq!(
        names(get("name=ARCANIST").await),
        ["Arcanist 1000 DPS", "arcanist_healer"],
        "case-insensitive"
    );
    assert_eq!(
        names(get("name=0%25").await),
        ["Warden Tank 100% uptime"],
        "% matches literally"
    );
    assert_eq!(
        names(get("name=t_h").await),
        ["arcanist_healer"],
        "_ matches literally"
    );
    assert_eq!(
        names(get("class=Warden&is_public=false").await),
        Vec::<String>::new()
    );
    let r = app
        .as_user(&a, Method::GET, "/builds?class=Bard")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn every_invalid_field_is_reported_in_one_422() {
    let app = spawn_app().await;
    let a = app.user().await;
    let mut bad = build("");
    bad["class"] = json!("Bard");
    bad["skills_front"] = json!(["1", "2", "3", "4", "5", "6", "7"]);
    bad["sets"] = json!((0..11).map(|i| format!("set {i}")).collect::<Vec<_>>());
    bad["notes"] = json!("x".repeat(2001));
    bad.as_object_mut().unwrap().remove("race");
    let r = app
        .as_user(&a, Method::POST, "/builds")
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_error_body(&body, 422);
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["class", "name", "notes", "race", "sets", "skills_front"],
        "{body}"
    );
    let name_err = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "name")
        .unwrap();
    assert_eq!(name_err["message"], "must not be empty");

    let r = app
        .as_user(
            &a,
            Method::PATCH,
            &format!("/builds/{}", uuid::Uuid::new_v4()),
        )
        .json(&json!({"name": "x".repeat(101)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "validation runs before the lookup");
    let list: Value = app.get_json(&a, "/builds").await;
    assert_eq!(list["total"], 0, "nothing was stored");
}

#[tokio::test]
async fn server_set_fields_in_a_create_body_are_ignored() {
    let app = spawn_app().await;
    let (a, b) = (app.user().await, app.user().await);
    let mut body = build("sneaky");
    body["owner_id"] = json!(b.id.to_string());
    body["build_id"] = json!(uuid::Uuid::nil().to_string());
    let created = create(&app, &a, body).await;
    assert_eq!(created["owner_id"], a.id.to_string());
    assert_ne!(created["build_id"], uuid::Uuid::nil().to_string());
}

/// `null` for a property with a default reads as that default, and the document says so
/// (`nullable`), so a client may send what the schema allows.
#[tokio::test]
async fn null_for_a_defaulted_property_takes_the_default_as_documented() {
    let app = spawn_app().await;
    let user = app.user().await;
    let mut body = build("nulls");
    body["is_public"] = Value::Null;
    body["champion_points"] = json!({"warfare": null, "fitness": {"Boundless Vitality": 20}});
    let created = create(&app, &user, body).await;
    assert_eq!(created["is_public"], false);
    assert_eq!(created["champion_points"]["warfare"], json!({}));
    assert_eq!(
        created["champion_points"]["fitness"]["Boundless Vitality"],
        20
    );

    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let schemas = &spec["components"]["schemas"];
    assert_eq!(
        schemas["SavedBuildCreate"]["properties"]["is_public"]["nullable"],
        true
    );
    assert_eq!(
        schemas["ChampionPoints"]["properties"]["warfare"]["nullable"],
        true
    );
}
