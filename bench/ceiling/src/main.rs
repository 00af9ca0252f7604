//! The benchmark ceiling: the smallest poem server that answers `GET /` with a fixed ~1 KB
//! JSON body. Whatever our service does per request costs on top of this; `bench/run.sh`
//! reports our endpoints as ratios to it, measured in the same run.
//!
//! Usage: `ceiling [PORT]` (default 8099), listening on 127.0.0.1.

use poem::{Response, Route, Server, get, handler, http::header, listener::TcpListener};

/// ~1 KB of JSON, serialized once.
fn body() -> String {
    let items: Vec<serde_json::Value> = (0..12)
        .map(|i| serde_json::json!({"feature_id": format!("SKILL_{i:04}"), "name": "Molten Whip", "cost": 2700}))
        .collect();
    serde_json::json!({"features": items, "total": 12, "limit": 100, "offset": 0}).to_string()
}

#[handler]
fn index(data: poem::web::Data<&String>) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(data.0.clone())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(8099);
    let payload = body();
    eprintln!("ceiling: {} byte body on 127.0.0.1:{port}", payload.len());
    let app = poem::EndpointExt::data(Route::new().at("/", get(index)), payload);
    Server::new(TcpListener::bind(("127.0.0.1", port)))
        .run(app)
        .await
}
