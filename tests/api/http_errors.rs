//! The uniform error body for failures the framework produces before any handler runs.

use reqwest::Method;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{assert_error_body, spawn_app, spawn_app_with};

#[tokio::test]
async fn unknown_routes_answer_404_in_the_uniform_body() {
    let app = spawn_app().await;
    for path in [
        "/nope".to_owned(),
        app.api("/nope"),
        "/api/v2/health".to_owned(),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let rid = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        let body: Value = r.json().await.unwrap();
        assert_error_body(&body, 404);
        assert_eq!(body["request_id"], rid, "body and header carry the same id");
        assert!(body.get("errors").is_none(), "errors only on 422: {body}");
    }
}

#[tokio::test]
async fn wrong_method_answers_405_in_the_uniform_body() {
    let app = spawn_app().await;
    for path in ["/health".to_owned(), app.api("/health")] {
        let r = app.request(Method::DELETE, &path).send().await.unwrap();
        assert_eq!(r.status(), 405, "{path}");
        assert_eq!(r.headers()["allow"], "GET, HEAD", "{path}");
        assert_error_body(&r.json().await.unwrap(), 405);
    }
    // RFC 9110 §15.5.6: every 405 names the methods the resource has.
    for (method, path, allow) in [
        (
            Method::PATCH,
            app.api("/runs/00000000-0000-4000-8000-000000000000"),
            "DELETE, GET, HEAD",
        ),
        (Method::DELETE, app.api("/features"), "GET, HEAD, POST"),
        (
            Method::POST,
            app.api("/features/X"),
            "DELETE, GET, HEAD, PUT",
        ),
        (Method::PUT, app.api("/admin/users"), "GET, HEAD"),
    ] {
        let r = app.request(method.clone(), &path).send().await.unwrap();
        assert_eq!(r.status(), 405, "{method} {path}");
        assert_eq!(r.headers()["allow"], allow, "{method} {path}");
    }
}

#[tokio::test]
async fn oversized_bodies_answer_413_whether_declared_or_chunked() {
    let app = spawn_app_with(|s| s.server.request_body_limit_bytes = 1024).await;
    let big = "x".repeat(4096);
    let r = app
        .request(Method::POST, &app.api("/health"))
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_error_body(&r.json().await.unwrap(), 413);

    // Chunked, no Content-Length: sent by hand so nothing announces the size.
    let addr = app.address.trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req = format!(
        "POST {} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.api("/health")
    );
    for chunk in big.as_bytes().chunks(512) {
        req.push_str(&format!(
            "{:x}\r\n{}\r\n",
            chunk.len(),
            String::from_utf8_lossy(chunk)
        ));
    }
    req.push_str("0\r\n\r\n");
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut raw = String::new();
    let _ = tcp.read_to_string(&mut raw).await;
    assert!(
        raw.starts_with("HTTP/1.1 413"),
        "chunked body over the limit: {raw}"
    );
    assert!(raw.contains("\"status_code\":413"), "{raw}");
}

#[tokio::test]
async fn malformed_json_is_400_and_a_wrong_content_type_415() {
    let app = spawn_app().await;
    let user = app.user().await;
    let r = app
        .as_user(&user, Method::POST, "/builds")
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_error_body(&body, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Malformed JSON"),
        "{body}"
    );

    let r = app
        .as_user(&user, Method::POST, "/builds")
        .header("content-type", "text/plain")
        .body("hi")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    assert_error_body(&r.json().await.unwrap(), 415);

    let r = app
        .as_user(&user, Method::POST, "/builds")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "empty body");
    assert_error_body(&r.json().await.unwrap(), 400);
}

#[tokio::test]
async fn an_invalid_path_id_is_422_naming_the_path() {
    let app = spawn_app().await;
    let user = app.user().await;
    let r = app
        .as_user(&user, Method::GET, "/builds/not-a-uuid")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_error_body(&body, 422);
    assert_eq!(body["errors"][0]["field"], "path");
}

#[tokio::test]
async fn nul_characters_and_broken_utf8_are_client_errors_never_500() {
    // PostgreSQL cannot store NUL in text (22021): each of these answered 500 there.
    let app = spawn_app().await;
    let user = app.user().await;
    for path in [
        "/features?search=ab%00cd",
        "/features/sets?search=ab%00cd",
        "/runs?character_name=Vi%00vec",
        "/runs?character_name=%FF%FE",
        "/features/SAMPLE%00",
    ] {
        let r = app.as_user(&user, Method::GET, path).send().await.unwrap();
        assert_eq!(r.status(), 400, "{path}");
        assert!(r.headers().contains_key("x-request-id"), "{path}");
        let body: Value = r.json().await.unwrap();
        assert_error_body(&body, 400);
    }
    let mut run = crate::runs::run_body("Vi\u{0}vec", 1000.0);
    let r = app
        .as_user(&user, Method::POST, "/runs")
        .json(&run)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "character_name", "{body}");

    // A DPS no fight comes near, which made sums over the player's runs overflow.
    run = crate::runs::run_body("Vivec", 1.0e308);
    let r = app
        .as_user(&user, Method::POST, "/runs")
        .json(&run)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "metrics.dps"),
        "{body}"
    );
    assert_eq!(
        app.as_user(&user, Method::GET, "/characters")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

/// A 500 says "Internal server error" and nothing of the database's own text, unless
/// `debug = true` (issue 20, section 6); the text is logged either way.
#[tokio::test]
async fn a_500_carries_the_databases_text_only_with_debug() {
    for debug in [false, true] {
        let app = spawn_app_with(|s| s.debug = debug).await;
        let user = app.user().await;
        let build = serde_json::json!({"name": "Refused", "class": "Templar", "race": "Breton",
                                       "sets": [], "skills_front": [], "skills_back": []});
        let r = app
            .as_user(&user, Method::POST, "/builds")
            .json(&build)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let id = r.json::<Value>().await.unwrap()["build_id"]
            .as_str()
            .unwrap()
            .to_owned();
        // The trigger's message is the database's own text: `refused`.
        crate::helpers::refuse_updates(&app.db, "saved_builds").await;
        let r = app
            .as_user(&user, Method::PATCH, &format!("/builds/{id}"))
            .json(&serde_json::json!({"name": "Renamed"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 500);
        let body: Value = r.json().await.unwrap();
        assert_error_body(&body, 500);
        let detail = body["detail"].as_str().unwrap();
        if debug {
            assert!(
                detail.contains("refused"),
                "debug = true shows the cause: {body}"
            );
        } else {
            assert_eq!(detail, "Internal server error", "{body}");
        }
    }
}
