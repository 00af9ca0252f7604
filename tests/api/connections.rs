//! Connections alone cannot make the service unreachable (issue 20): slow-header and idle
//! keep-alive connections are closed after `server.header_read_timeout_secs`, connections
//! past `server.max_connections` get a fast 503 in the uniform body, and request heads past
//! `server.max_header_bytes` get 431. Raw TCP, against the real server.

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

#[tokio::test]
async fn a_request_head_past_the_limit_gets_431() {
    let app = spawn_app_with(|_| {}).await;
    let big = "a".repeat(100 * 1024);
    let r = app
        .request(reqwest::Method::GET, "/health/live")
        .header("x-big", big)
        .send()
        .await;
    match r {
        Ok(r) => assert_eq!(r.status(), 431),
        // The server may close before the client finished sending 100 KB.
        Err(e) => assert!(e.is_request() || e.is_connect(), "{e}"),
    }
    let r = app
        .request(reqwest::Method::GET, "/health/live")
        .header("x-small", "a".repeat(8 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "an 8 KiB header is fine");
}
