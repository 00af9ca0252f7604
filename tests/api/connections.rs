//! Connections alone cannot make the service unreachable (issue 20): slow-header and idle
//! keep-alive connections are closed after `server.header_read_timeout_secs`, connections
//! past `server.max_connections` get a fast 503 in the uniform body, and request heads past
//! `server.max_header_bytes` get 431, and requests that do not parse get 400, both in the uniform
//! body. Raw TCP, against the real server.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{TestApp, spawn_app_with};

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the peer closes (`Ok(bytes)`), or `limit` passes (`Err(bytes so far)`).
async fn read_until_closed(tcp: &mut TcpStream, limit: Duration) -> Result<String, String> {
    let mut got = Vec::new();
    let deadline = Instant::now() + limit;
    let mut buf = [0_u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, tcp.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return Ok(String::from_utf8_lossy(&got).into_owned()),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return Err(String::from_utf8_lossy(&got).into_owned()),
        }
    }
}

async fn with_header_timeout_of_one_second() -> TestApp {
    spawn_app_with(|s| s.server.header_read_timeout_secs = 1).await
}

#[tokio::test]
async fn a_slow_header_connection_is_closed_after_the_header_timeout() {
    let app = with_header_timeout_of_one_second().await;
    let mut slow = connect(&app).await;
    let started = Instant::now();
    slow.write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // One header byte every 200 ms, as slowloris sends them: never a complete head.
    let closed = loop {
        if slow.write_all(b"X").await.is_err() {
            break started.elapsed();
        }
        let mut byte = [0_u8; 1];
        let read = tokio::time::timeout(Duration::from_millis(200), slow.read(&mut byte)).await;
        if let Ok(Ok(0) | Err(_)) = read {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "a slow header was still being read after 5 s"
        );
    };
    eprintln!("slow-header connection closed after {closed:?}");
    assert!(
        closed >= Duration::from_millis(900),
        "closed too early: {closed:?}"
    );
    // Meanwhile and after, the service answers.
    assert_eq!(app.get("/health/live").await.status(), 200);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_timeout() {
    let app = with_header_timeout_of_one_second().await;
    let mut idle = connect(&app).await;
    idle.write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut idle, Duration::from_secs(5))
        .await
        .unwrap_or_else(|partial| panic!("an idle connection stayed open 5 s after: {partial}"));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    eprintln!(
        "idle keep-alive connection closed after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn connections_past_the_cap_get_a_fast_503_in_the_uniform_body() {
    let app = spawn_app_with(|s| s.server.max_connections = 2).await;
    // Two connections hold both places (a header never completed).
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut tcp = connect(&app).await;
        tcp.write_all(b"GET /health/live HTTP/1.1\r\n")
            .await
            .unwrap();
        held.push(tcp);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let mut third = connect(&app).await;
    let answer = read_until_closed(&mut third, Duration::from_secs(2))
        .await
        .unwrap_or_else(|partial| panic!("no fast answer past the cap: {partial}"));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("retry-after: 1"), "{answer}");
    assert!(answer.contains("x-request-id: "), "{answer}");
    let body: serde_json::Value =
        serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap_or_default()).unwrap();
    assert_eq!(body["status_code"], 503);
    assert_eq!(body["error"], "Service Unavailable");

    // A place frees when a held connection goes.
    drop(held.pop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(app.get("/health/live").await.status(), 200);
}

/// Sends `request` on a fresh connection and returns the whole answer (the server closes).
async fn raw_exchange(app: &TestApp, request: &[u8]) -> String {
    let mut tcp = connect(app).await;
    // The server may answer and close before a large request is all sent.
    let _ = tcp.write_all(request).await;
    read_until_closed(&mut tcp, Duration::from_secs(5))
        .await
        .unwrap_or_else(|partial| panic!("the connection stayed open: {partial}"))
}

/// The status, the `x-request-id` header and the JSON body of a raw HTTP/1.1 answer, after
/// checking that the body is the uniform error body with that request id.
fn uniform_answer(answer: &str) -> (u16, serde_json::Value) {
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete head: {answer:?}"));
    let status: u16 = head[9..12].parse().unwrap();
    let body: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer:?}"));
    crate::helpers::assert_error_body(&body, status);
    let id = body["request_id"].as_str().unwrap();
    assert!(
        head.contains(&format!("\r\nx-request-id: {id}")),
        "header and body name the same request: {answer}"
    );
    assert!(
        head.contains("\r\ncontent-type: application/json"),
        "{answer}"
    );
    (status, body)
}

#[tokio::test]
async fn a_request_head_past_the_limit_gets_431_in_the_uniform_body() {
    let app = spawn_app_with(|_| {}).await;
    // One 100 KB header.
    let big = format!(
        "GET /health/live HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    let (status, body) = uniform_answer(&raw_exchange(&app, big.as_bytes()).await);
    assert_eq!(status, 431);
    assert!(
        body["detail"].as_str().unwrap().contains("16384 bytes"),
        "{body}"
    );
    // A 100 KB URL.
    let long_url = format!(
        "GET /health/live?q={} HTTP/1.1\r\nhost: x\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    let (status, _) = uniform_answer(&raw_exchange(&app, long_url.as_bytes()).await);
    assert_eq!(status, 431);

    let r = app
        .request(reqwest::Method::GET, "/health/live")
        .header("x-small", "a".repeat(8 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "an 8 KiB header is fine");
}

#[tokio::test]
async fn a_malformed_request_gets_400_in_the_uniform_body() {
    let app = spawn_app_with(|_| {}).await;
    for request in [
        &b"GET /health/live HTTP/9.9\r\nhost: x\r\n\r\n"[..],
        b"NOT AN HTTP REQUEST\r\n\r\n",
        b"GET /health/live HTTP/1.1\r\nhost: x\r\nbad header line\r\n\r\n",
        b"GET /health live HTTP/1.1\r\nhost: x\r\n\r\n",
    ] {
        let answer = raw_exchange(&app, request).await;
        let (status, body) = uniform_answer(&answer);
        assert_eq!(
            status,
            400,
            "{}: {answer}",
            String::from_utf8_lossy(request)
        );
        assert!(
            body["detail"].as_str().unwrap().contains("Malformed"),
            "{body}"
        );
    }
    // Well-formed requests, two on one kept-alive connection, are answered as ever.
    let mut tcp = connect(&app).await;
    tcp.write_all(b"GET /health/live HTTP/1.1\r\nhost: x\r\n\r\nGET /health/live HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let both = read_until_closed(&mut tcp, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(both.matches("HTTP/1.1 200 OK").count(), 2, "{both}");
}
