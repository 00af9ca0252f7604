//! Login storm: starts `target/release/ebo serve` (temp SQLite, bcrypt cost 12, rate limits
//! off), registers one account, then for `SECONDS` runs `CLIENTS` concurrent login loops while
//! a probe requests `/health/live` every 10 ms. Prints:
//!
//! - logins/s against the bcrypt bound `cores / (one hash at cost 12, measured here)`;
//! - p50/p99/max latency of `/health/live` during the storm (target p99 < 10 ms).
//!
//! `cargo build --release -p app -p login-storm && target/release/login-storm [SECONDS] [CLIENTS]`
//! (defaults 20, 32). Loopback only; bounded in time.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // a benchmark tool: setup failures stop it loudly

use std::{
    process::Stdio,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

const PASSWORD: &str = "Storm-Passw0rd";

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<u64>().ok());
    let seconds = args.next().unwrap_or(20);
    let clients = args.next().unwrap_or(32) as usize;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);

    // One hash at cost 12 in this process (release): the bound's denominator, measured before
    // and after the storm; the faster mean is used (a busy machine only slows it down).
    let time_hash = || {
        let t = Instant::now();
        for _ in 0..4 {
            bcrypt::hash(PASSWORD, 12).unwrap();
        }
        t.elapsed().as_secs_f64() / 4.0
    };
    let hash_before = time_hash();

    let exe = std::env::current_exe().unwrap().with_file_name("ebo");
    let dir = tempfile::tempdir().unwrap();
    let port = 18_000 + (std::process::id() % 2000) as u16;
    let mut server = tokio::process::Command::new(&exe)
        .arg("serve")
        .env(
            "EBO_DATABASE__URL",
            format!("sqlite://{}", dir.path().join("storm.db").display()),
        )
        .env("EBO_SERVER__PORT", port.to_string())
        .env("EBO_RATE_LIMIT__ENABLED", "false")
        .env("EBO_AUTH__BCRYPT_COST", "12")
        .env("EBO_LOG__LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {}: {e} (build it: cargo build --release -p app)",
                exe.display()
            )
        });
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !client
        .get(format!("{base}/health/ready"))
        .send()
        .await
        .is_ok_and(|r| r.status().as_u16() == 200)
    {
        assert!(Instant::now() < deadline, "server not ready in 30 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = serde_json::json!({"email": "storm@example.com", "username": "storm", "password": PASSWORD});
    let r = client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);

    let stop = Arc::new(AtomicBool::new(false));
    let logins = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, base, stop, logins, failures) = (
            client.clone(),
            base.clone(),
            stop.clone(),
            logins.clone(),
            failures.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let body = serde_json::json!({"username": "storm", "password": PASSWORD});
            while !stop.load(Ordering::Relaxed) {
                match client
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => logins.fetch_add(1, Ordering::Relaxed),
                    _ => failures.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    let probe = {
        let (client, base, stop) = (client.clone(), base.clone(), stop.clone());
        tokio::spawn(async move {
            let mut lat = Vec::new();
            tokio::time::sleep(Duration::from_secs(1)).await; // let the storm build up
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if client
                    .get(format!("{base}/health/live"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
                {
                    lat.push(t.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            lat
        })
    };
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    let mut lat = probe.await.unwrap();
    for t in tasks {
        let _ = t.await;
    }
    let _ = server.kill().await;
    lat.sort_unstable();
    let hash_secs = hash_before.min(time_hash());
    let bound = cores as f64 / hash_secs;
    let rate = logins.load(Ordering::Relaxed) as f64 / elapsed;
    println!("login-storm: {seconds} s, {clients} clients, {cores} cores, bcrypt cost 12");
    println!();
    println!("| figure | value |");
    println!("|---|---|");
    println!(
        "| one bcrypt hash (cost 12, this machine) | {:.1} ms |",
        hash_secs * 1000.0
    );
    println!("| bound: cores / hash time | {bound:.2} logins/s |");
    println!(
        "| measured logins | {rate:.2} logins/s ({} ok, {} failed) |",
        logins.load(Ordering::Relaxed),
        failures.load(Ordering::Relaxed)
    );
    println!(
        "| ratio to the bound (target ≥ 0.90) | {:.3} |",
        rate / bound
    );
    println!(
        "| /health/live during the storm: p50 / p99 / max (target p99 < 10 ms) | {:.2} / {:.2} / {:.2} ms ({} probes) |",
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        lat.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        lat.len()
    );
}
