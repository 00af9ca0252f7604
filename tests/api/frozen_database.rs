//! A statement already sent when PostgreSQL freezes answers 503 within
//! `database.client_timeout_secs` instead of waiting as long as the freeze (issue 20), and the
//! service recovers by itself when the server thaws. The frozen server is a cluster of this
//! test's own (SIGSTOP to every process of it), never the machine's.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::process::Command;

use crate::{
    helpers::assert_error_body,
    processes::{PgCluster, Service, client, wait_until},
};

fn build_body(name: &str) -> Value {
    json!({"name": name, "class": "Templar", "race": "Breton", "sets": [], "skills_front": [], "skills_back": []})
}

#[tokio::test]
async fn a_statement_on_a_frozen_postgresql_answers_503_within_the_client_timeout() {
    let Some(cluster) = PgCluster::for_postgres_pass().await else {
        return;
    };
    const CLIENT_TIMEOUT: Duration = Duration::from_secs(2);
    let service = Service::start(
        &cluster.url(),
        &[
            ("EBO_DATABASE__CLIENT_TIMEOUT_SECS", "2"),
            // Longer than the client timeout, so the answer below can only come from it.
            ("EBO_DATABASE__ACQUIRE_TIMEOUT_SECS", "10"),
            ("EBO_DATABASE__STATEMENT_TIMEOUT_SECS", "30"),
        ],
    )
    .await;
    let client = client();
    let auth = format!("Bearer {}", service.sign_in(&client, "frozen").await);
    let post = || {
        client
            .post(service.api("/builds"))
            .header("authorization", &auth)
            .json(&build_body("during the freeze"))
            .send()
    };
    assert_eq!(post().await.expect("write").status(), 201);

    // Another session holds a lock on saved_builds, so the next write's INSERT is sent and
    // waits inside the server; then every process of the server is frozen.
    let locker = Command::new("psql")
        .arg(cluster.url())
        .args([
            "-c",
            "BEGIN; LOCK TABLE saved_builds IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(300);",
        ])
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("psql starts");
    wait_until("the lock is held", Duration::from_secs(10), async || {
        cluster
            .psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'saved_builds' AND l.mode = 'AccessExclusiveLock' AND l.granted")
            .await
            == "1"
    })
    .await;
    let started = Instant::now();
    let write = tokio::spawn(post());
    tokio::time::sleep(Duration::from_millis(500)).await;
    cluster.freeze().await;
    let answer = tokio::time::timeout(Duration::from_secs(15), write)
        .await
        .expect("an answer while the server is still frozen")
        .expect("request task")
        .expect("write");
    let took = started.elapsed();
    let status = answer.status();
    let body: Value = answer.json().await.expect("uniform body");
    cluster.thaw().await;
    assert_eq!(status, 503, "{body}\n{}", service.log());
    assert_error_body(&body, 503);
    assert!(
        took < CLIENT_TIMEOUT + Duration::from_millis(1500),
        "answered after {took:?}, the client timeout is {CLIENT_TIMEOUT:?}"
    );
    eprintln!("503 after {took:?} with a client timeout of {CLIENT_TIMEOUT:?}");

    // Thawed, with the lock released: the service writes again without a restart, and the
    // outage was logged once when it started and once when it ended.
    // (A backend in pg_sleep does not notice its client leaving: end it from here.)
    cluster
        .psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(300)%' AND pid <> pg_backend_pid()")
        .await;
    drop(locker);
    let recovered = wait_until(
        "writes succeed again",
        Duration::from_secs(15),
        async || post().await.is_ok_and(|r| r.status() == 201),
    )
    .await;
    eprintln!("writes succeed {recovered:?} after the thaw");
    let log = service.log();
    assert!(log.contains("timed out on the client"), "{log}");
    assert_eq!(log.matches("database unavailable").count(), 1, "{log}");
    assert_eq!(log.matches("database available again").count(), 1, "{log}");
}
