//! The guide's example of a new resource (`docs/adding-a-model.md`, §5), compiled and served:
//! permissioned (another player's private note is a 404, a shared one read-only), searchable
//! and hooked, declared in at most 30 lines. The guide quotes the block between the
//! `guide-example` markers verbatim, and a test counts its lines.
//!
//! The example is served in-process from its own `OpenApiService` over the real application's
//! state and a fresh database, because it is not part of the product.

use app::{
    model::{HookResult, Model, WriteContext},
    state::AppState,
};
use ebo_macros::Model;
use poem::{Endpoint, EndpointExt, Request, Route, http::Method};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, TestUser, spawn_app};

// guide-example:start
/// A player's note on a trial: private unless shared.
#[derive(Debug, Clone, Model)]
#[model(
    table = "trial_notes",
    read = "owner | flag(is_shared) | admin",
    write = "owner",
    api(
        path = "/trial-notes",
        tag = "Notes",
        ops(list, get, create, update, delete),
        search = "trial, body"
    ),
    hooks(before_create = "tidy", before_update = "tidy")
)]
pub struct TrialNote {
    #[model(id)]
    pub note_id: Uuid,
    #[model(owner)]
    pub player_id: Uuid,
    #[model(filter = "eq", validate(length(min = 1, max = 100)))]
    pub trial: String,
    #[model(validate(length(min = 1, max = 2000)))]
    pub body: String,
    #[model(filter = "eq", default)]
    pub is_shared: bool,
}
async fn tidy(_: &WriteContext<'_, AppState>, note: &mut TrialNote) -> HookResult {
    note.body = note.body.trim().to_owned();
    Ok(())
}
// guide-example:end

/// The example's API over `app`'s state, with its table created on `app`'s database.
async fn serve(app: &TestApp) -> impl Endpoint<Output = poem::Response> {
    let sql = app::model::ddl::create_table(TrialNote::META, app.db.dialect);
    for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
        app.db.rb.exec(statement, vec![]).await.unwrap();
    }
    let api = poem_openapi::OpenApiService::new(TrialNoteApi, "guide", "1");
    // The scope each operation declares, which the security scheme enforces (as `routes`).
    let scopes = <TrialNoteApi as poem_openapi::OpenApi>::meta();
    let scopes = std::sync::Arc::new(app::auth::scope::RequiredScopes::new("/api/v1", scopes));
    Route::new()
        .nest("/api/v1", api.data(scopes))
        .data(app.state.clone())
        .map_to_response()
}

/// `method path` as `user`, with an optional JSON body: (status, body).
async fn call(
    ep: &impl Endpoint<Output = poem::Response>,
    user: &TestUser,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let request = Request::builder()
        .method(method)
        .uri(format!("/api/v1{path}").parse().unwrap())
        .header("authorization", &user.bearer)
        .content_type("application/json");
    let request = match body {
        Some(b) => request.body(b.to_string()),
        None => request.finish(),
    };
    let response = ep.call(request).await.unwrap_or_else(|e| e.into_response());
    let status = response.status().as_u16();
    let bytes = response.into_body().into_vec().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn the_guides_example_is_permissioned_searchable_and_hooked() {
    let app = spawn_app().await;
    let ep = serve(&app).await;
    let (alice, bob) = (app.user().await, app.user().await);

    let body = json!({"trial": "Lucent Citadel", "body": "  Stack on the orb.  "});
    let (status, note) = call(&ep, &alice, Method::POST, "/trial-notes", Some(body)).await;
    assert_eq!(status, 201, "{note}");
    assert_eq!(
        note["body"], "Stack on the orb.",
        "the before_create hook ran"
    );
    let path = format!("/trial-notes/{}", note["note_id"].as_str().unwrap());

    // Private: another player cannot see it anywhere.
    assert_eq!(call(&ep, &bob, Method::GET, &path, None).await.0, 404);
    let (_, page) = call(&ep, &bob, Method::GET, "/trial-notes", None).await;
    assert_eq!(page["total"], 0, "{page}");

    // Shared: readable by others, still written by its owner only.
    let shared = json!({"is_shared": true, "body": " Orb first. "});
    let (status, patched) = call(&ep, &alice, Method::PATCH, &path, Some(shared)).await;
    assert_eq!((status, &patched["body"]), (200, &json!("Orb first.")));
    assert_eq!(call(&ep, &bob, Method::GET, &path, None).await.0, 200);
    let edit = Some(json!({"body": "mine now"}));
    assert_eq!(call(&ep, &bob, Method::PATCH, &path, edit).await.0, 403);
    assert_eq!(call(&ep, &bob, Method::DELETE, &path, None).await.0, 403);

    // Search matches the listed columns, case-insensitively.
    let (_, found) = call(&ep, &bob, Method::GET, "/trial-notes?search=ORB", None).await;
    assert_eq!(found["total"], 1, "{found}");
    let (_, none) = call(&ep, &bob, Method::GET, "/trial-notes?search=portal", None).await;
    assert_eq!(none["total"], 0, "{none}");

    // Validation comes from the declaration too.
    let blank = Some(json!({"trial": "", "body": "x"}));
    assert_eq!(
        call(&ep, &alice, Method::POST, "/trial-notes", blank)
            .await
            .0,
        422
    );
    assert_eq!(call(&ep, &alice, Method::DELETE, &path, None).await.0, 204);
}

#[test]
fn the_guide_quotes_the_example_and_it_takes_at_most_30_lines() {
    let source = include_str!("guide_example.rs");
    let start = source.find("// guide-example:start\n").unwrap() + 23;
    let example = &source[start..source.find("// guide-example:end").unwrap()];
    let lines = example.lines().count();
    assert!(lines <= 30, "the example takes {lines} lines");
    let guide = include_str!("../../docs/adding-a-model.md");
    assert!(
        guide.contains(example.trim_end()),
        "docs/adding-a-model.md must quote tests/api/guide_example.rs verbatim"
    );
    assert!(
        guide.contains(&format!("{lines} lines")),
        "the guide states the example's line count ({lines})"
    );
}
