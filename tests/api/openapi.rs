//! The served OpenAPI document.

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_spec_describes_the_api() {
    let app = spawn_app().await;
    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(spec["info"]["title"], "ESO Build Analytics API");
    assert_eq!(spec["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(spec["info"]["description"].as_str().unwrap().len() > 100);
    assert_eq!(spec["servers"][0]["url"], "/api/v1");
    assert!(
        spec["info"]["contact"]["name"].is_string(),
        "Spectral's info-contact"
    );
    let tags: Vec<&str> = spec["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(tags.contains(&"Health"));
    for t in spec["tags"].as_array().unwrap() {
        assert!(
            t["description"].as_str().is_some_and(|d| !d.is_empty()),
            "tag without description: {t}"
        );
    }
    assert!(spec["paths"]["/health/ready"]["get"]["responses"]["503"].is_object());

    // Every operation has an operationId of its own, so generated clients get real names.
    let mut ids = std::collections::BTreeSet::new();
    let mut examples = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{id}"
            );
            assert!(ids.insert(id.to_owned()), "operationId {id} used twice");
            for part in ["summary", "description"] {
                assert!(
                    op[part].as_str().is_some_and(|t| !t.trim().is_empty()),
                    "{method} {path} has no {part}"
                );
            }
            // Every body has an example, request and success response alike.
            let mut contents = vec![&op["requestBody"]["content"]];
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('2') {
                    contents.push(&response["content"]);
                }
            }
            for (media, body) in contents.iter().filter_map(|c| c.as_object()).flatten() {
                if media != "multipart/form-data" {
                    examples += 1;
                    assert!(
                        !body["example"].is_null(),
                        "{method} {path} {media}: no example"
                    );
                }
            }
        }
    }
    assert!(ids.len() > 40, "{ids:?}");
    assert!(examples > 60, "{examples} bodies with an example");

    // The documentation pages embed the same corrected document: GET /features (a path two
    // APIs share) is in Swagger UI and ReDoc too.
    for page in ["/api/docs", "/api/redoc"] {
        let html = app.get(page).await.text().await.unwrap();
        assert!(
            html.contains("\"list_features\""),
            "{page} lacks GET /features"
        );
        assert!(
            html.contains("\"create_feature\""),
            "{page} lacks POST /features"
        );
    }
    let receiver = app.get("/api/docs/oauth-receiver.html").await;
    assert_eq!(
        receiver.status(),
        200,
        "Swagger UI's OAuth2 receiver is still served"
    );
}

#[tokio::test]
async fn generated_endpoints_document_security_and_errors() {
    let app = spawn_app().await;
    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let schemes = &spec["components"]["securitySchemes"]["BearerAuth"];
    assert_eq!(
        (schemes["type"].as_str(), schemes["scheme"].as_str()),
        (Some("http"), Some("bearer"))
    );
    let body = &spec["components"]["schemas"]["ErrorBody"];
    for field in ["error", "detail", "status_code", "request_id", "errors"] {
        assert!(body["properties"][field].is_object(), "ErrorBody.{field}");
    }
    let ops = [
        ("/builds", "get", "200"),
        ("/builds", "post", "201"),
        ("/builds/{build_id}", "get", "200"),
        ("/builds/{build_id}", "patch", "200"),
        ("/builds/{build_id}", "delete", "204"),
    ];
    for (path, method, ok) in ops {
        let op = &spec["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing");
        assert_eq!(
            op["security"][0]["BearerAuth"],
            serde_json::json!([]),
            "{method} {path}"
        );
        assert_eq!(op["tags"][0], "Builds");
        let item = path.contains('{');
        let write = method != "get";
        for (status, listed) in [
            (ok, true),
            ("401", true),
            ("403", true),
            ("404", item),
            ("409", write),
            ("422", true),
        ] {
            assert_eq!(
                op["responses"][status].is_object(),
                listed,
                "{method} {path} documents {status}: {listed}"
            );
        }
        assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()));
    }
    let list_params: Vec<&str> = spec["paths"]["/builds"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        list_params,
        ["limit", "offset", "sort", "name", "class", "is_public"]
    );
    let create = &spec["components"]["schemas"]["SavedBuildCreate"];
    assert_eq!(create["properties"]["name"]["maxLength"], 100);
    assert_eq!(create["properties"]["sets"]["maxItems"], 10);
    assert!(
        create["properties"].get("owner_id").is_none()
            && create["properties"].get("build_id").is_none()
    );
}

/// The document is committed as `docs/openapi.json`, so every contract change shows in review:
/// this fails when the generated document differs. After reviewing a change, refresh the file
/// with `UPDATE_OPENAPI=1 cargo test -p e2e --test api -- committed_document`.
#[tokio::test]
async fn the_committed_document_is_the_generated_one() {
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("docs")
        .join("openapi.json");
    let o = crate::helpers::ebo(&["openapi"], &[]).await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let generated = String::from_utf8(o.stdout).unwrap();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&committed, &generated).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&committed).unwrap_or_default();
    if on_disk != generated {
        let first = on_disk
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(on_disk.lines().count().min(generated.lines().count()));
        panic!(
            "docs/openapi.json differs from the generated document from line {}: review the \
             change, then run `UPDATE_OPENAPI=1 cargo test -p e2e --test api -- committed_document`\n\
             committed: {:?}\ngenerated: {:?}",
            first + 1,
            on_disk.lines().nth(first),
            generated.lines().nth(first)
        );
    }
}

/// Each operation lists the error statuses it can answer, not every status of the shared
/// error type: 401 and 403 where a token is checked, 404 where a resource is named, 409 on
/// writes, 415 where there is a body.
#[tokio::test]
async fn each_operation_lists_only_the_errors_it_can_answer() {
    let app = spawn_app().await;
    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let statuses = |path: &str, method: &str| -> Vec<String> {
        spec["paths"][path][method]["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path}"))
            .keys()
            .cloned()
            .collect()
    };
    let has =
        |path: &str, method: &str, status: &str| statuses(path, method).iter().any(|s| s == status);
    for status in ["401", "403", "404"] {
        assert!(!has("/auth/register", "post", status), "register {status}");
    }
    assert!(has("/auth/login", "post", "401") && has("/auth/login", "post", "403"));
    assert!(!has("/auth/login", "post", "404"));
    assert!(has("/runs/{run_id}", "get", "404") && !has("/runs/{run_id}", "get", "409"));
    assert!(!has("/runs", "get", "404") && !has("/runs", "get", "415"));
    assert!(has("/runs", "post", "415") && has("/runs", "post", "409"));
    assert!(has("/sync/conflicts/resolve", "post", "404"));
    // Every response listed has a description.
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                assert!(
                    response["description"]
                        .as_str()
                        .is_some_and(|d| !d.is_empty()),
                    "{method} {path} {status}"
                );
            }
        }
    }
}
