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
}
