//! Faults proved with real processes: the built `ebo` binary (`CARGO_BIN_EXE_ebo-e2e serve`) on
//! loopback, under load from this test.
//!
//! - A PostgreSQL server is stopped and started again under load. It is a server of the
//!   machine's own PostgreSQL installation, but a cluster of this test's (`initdb` into a
//!   temporary folder, its own port), so stopping it cannot break the tests running beside it.
//! - SIGTERM under load: every request the server had before the signal completes normally and
//!   the process exits 0 within `server.shutdown_timeout_secs`.
//! - Two processes on one database and one Redis share the rate limit, logouts and cache
//!   invalidations (`tests/api/redis.rs` covers the same with two in-process instances, and
//!   Redis outages).

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use tokio::process::Command;

use crate::{
    helpers::{TestDatabase, assert_error_body},
    processes::{PgCluster, Service, client, run, wait_until},
};

/// One request made under load: what, when it started and ended, and how it went.
#[derive(Debug, Clone)]
struct Outcome {
    what: &'static str,
    started: Instant,
    ended: Instant,
    /// HTTP status, or `None` for a transport error.
    status: Option<u16>,
    body: Value,
}

type Outcomes = Arc<Mutex<Vec<Outcome>>>;

async fn record(
    outcomes: &Outcomes,
    what: &'static str,
    request: reqwest::RequestBuilder,
) -> Option<Outcome> {
    let started = Instant::now();
    let (status, body) = match request.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            (Some(status), r.json::<Value>().await.unwrap_or(Value::Null))
        }
        Err(_) => (None, Value::Null),
    };
    let outcome = Outcome {
        what,
        started,
        ended: Instant::now(),
        status,
        body,
    };
    outcomes
        .lock()
        .expect("outcomes lock")
        .push(outcome.clone());
    Some(outcome)
}

fn build_body(name: &str) -> Value {
    json!({"name": name, "class": "Templar", "race": "Breton", "sets": [], "skills_front": [], "skills_back": []})
}

fn in_window(o: &Outcome, from: Instant, to: Instant) -> bool {
    o.started >= from && o.started <= to
}

#[tokio::test]
async fn postgresql_stopped_under_load_degrades_to_503_and_recovers_without_restart() {
    let Some(cluster) = PgCluster::for_postgres_pass().await else {
        return;
    };
    let service = Service::start(
        &cluster.url(),
        &[
            ("EBO_DATABASE__ACQUIRE_TIMEOUT_SECS", "2"),
            ("EBO_DATABASE__MAX_CONNECTIONS", "8"),
        ],
    )
    .await;
    let client = client();
    let token = service.sign_in(&client, "fault-pg").await;
    let auth = format!("Bearer {token}");

    // Warm the feature cache: one feature by id and one list query.
    let list: Value = client
        .get(service.api("/features?category=Class&limit=50"))
        .header("authorization", &auth)
        .send()
        .await
        .expect("features")
        .json()
        .await
        .expect("features body");
    let feature_id = list["features"][0]["feature_id"]
        .as_str()
        .expect("the built-in sample has class features")
        .to_owned();
    let by_id = service.api(&format!("/features/{feature_id}"));
    assert_eq!(
        client
            .get(&by_id)
            .header("authorization", &auth)
            .send()
            .await
            .expect("feature")
            .status(),
        200
    );

    let outcomes: Outcomes = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for worker in 0..4 {
        let (client, auth, outcomes, stop) =
            (client.clone(), auth.clone(), outcomes.clone(), stop.clone());
        let builds = service.api("/builds");
        load.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                i += 1;
                let post = client
                    .post(&builds)
                    .header("authorization", &auth)
                    .json(&build_body(&format!("w{worker}-{i}")));
                record(&outcomes, "write", post).await;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    for worker in 0..4 {
        let (client, auth, outcomes, stop) =
            (client.clone(), auth.clone(), outcomes.clone(), stop.clone());
        let (by_id, list) = (
            by_id.clone(),
            service.api("/features?category=Class&limit=50"),
        );
        load.push(tokio::spawn(async move {
            let mut i = 0_u32;
            while !stop.load(Ordering::SeqCst) {
                i += 1;
                let url = if (i + worker).is_multiple_of(2) {
                    &by_id
                } else {
                    &list
                };
                record(
                    &outcomes,
                    "cached feature read",
                    client.get(url).header("authorization", &auth),
                )
                .await;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let outage = Instant::now();
    cluster.stop().await;
    let stopped_in = outage.elapsed();
    let ready_503 = wait_until("readiness 503", Duration::from_secs(5), async || {
        client
            .get(service.url("/health/ready"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 503)
    })
    .await;
    // Hold the outage for a while under load; liveness answers 200 throughout.
    while outage.elapsed() < Duration::from_secs(4) {
        let live = client
            .get(service.url("/health/live"))
            .send()
            .await
            .expect("liveness answers");
        assert_eq!(live.status(), 200, "liveness during the outage");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let r = client
        .get(service.api("/builds"))
        .header("authorization", &auth)
        .send()
        .await
        .expect("builds");
    assert_eq!(r.status(), 503, "a database read during the outage");
    assert_error_body(&r.json().await.expect("error body"), 503);

    let restart = Instant::now();
    cluster.start().await;
    let recovered = wait_until("full service", Duration::from_secs(10), async || {
        let ready = client
            .get(service.url("/health/ready"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        ready
            && client
                .post(service.api("/builds"))
                .header("authorization", &auth)
                .json(&build_body("after the outage"))
                .send()
                .await
                .is_ok_and(|r| r.status() == 201)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, Ordering::SeqCst);
    for task in load {
        task.await.expect("load task");
    }
    let outcomes = outcomes.lock().expect("outcomes").clone();
    eprintln!(
        "pg stop took {stopped_in:?}; readiness 503 after {ready_503:?}; pg start took {:?}, full service {recovered:?} after it; {} requests",
        restart.elapsed() - recovered,
        outcomes.len()
    );

    // Cached feature reads answered 200 before, during and after the outage.
    let reads: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.what == "cached feature read")
        .collect();
    let during_outage = reads
        .iter()
        .filter(|o| in_window(o, outage + stopped_in, restart))
        .count();
    assert!(
        during_outage >= 10,
        "feature reads made during the outage: {during_outage}"
    );
    for o in &reads {
        assert_eq!(
            o.status,
            Some(200),
            "a cached feature read: {o:?}\n{}",
            service.log()
        );
    }
    // Writes answered 201 or, while the database was away, 503 in the uniform body.
    let writes: Vec<&Outcome> = outcomes.iter().filter(|o| o.what == "write").collect();
    let refused: Vec<&&Outcome> = writes.iter().filter(|o| o.status == Some(503)).collect();
    assert!(!refused.is_empty(), "some writes met the outage");
    for o in &writes {
        match o.status {
            Some(201) => {}
            Some(503) => assert_error_body(&o.body, 503),
            _ => panic!(
                "a write answered neither 201 nor 503: {o:?}\n{}",
                service.log()
            ),
        }
    }
    assert!(
        writes
            .iter()
            .any(|o| o.status == Some(201) && o.started > restart),
        "writes succeed again after the restart"
    );
    // Every write answered 201 is stored.
    let mut checked = 0;
    for o in writes.iter().filter(|o| o.status == Some(201)) {
        let id = o.body["build_id"].as_str().expect("build_id");
        let r = client
            .get(service.api(&format!("/builds/{id}")))
            .header("authorization", &auth)
            .send()
            .await
            .expect("build");
        assert_eq!(r.status(), 200, "build {id} answered 201 but is missing");
        checked += 1;
    }
    eprintln!(
        "{checked} writes answered 201, all present; {} answered 503",
        refused.len()
    );
}

#[tokio::test]
async fn sigterm_under_load_completes_accepted_requests_and_exits_zero() {
    let database = TestDatabase::create().await;
    const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(20);
    let mut service = Service::start(
        &database.url,
        &[
            // Logins take tens of milliseconds each (bcrypt), so many are in flight at once.
            ("EBO_AUTH__BCRYPT_COST", "8"),
            (
                "EBO_SERVER__SHUTDOWN_TIMEOUT_SECS",
                &SHUTDOWN_TIMEOUT.as_secs().to_string(),
            ),
        ],
    )
    .await;
    let client = client();
    let token = service.sign_in(&client, "fault-term").await;
    let auth = format!("Bearer {token}");

    let outcomes: Outcomes = Arc::default();
    let signalled = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for worker in 0..12_u32 {
        let (client, auth, outcomes, signalled) = (
            client.clone(),
            auth.clone(),
            outcomes.clone(),
            signalled.clone(),
        );
        let (login, builds) = (service.api("/auth/login"), service.api("/builds"));
        load.push(tokio::spawn(async move {
            for i in 0_u32.. {
                let login_now = (worker + i).is_multiple_of(2);
                let request = if login_now {
                    client
                        .post(&login)
                        .json(&json!({"username": "fault-term", "password": "Fault-Passw0rd"}))
                } else {
                    client
                        .post(&builds)
                        .header("authorization", &auth)
                        .json(&build_body(&format!("t{worker}-{i}")))
                };
                let what = if login_now { "login" } else { "write" };
                let o = record(&outcomes, what, request).await;
                // After the signal, stop at the first refused request.
                if signalled.load(Ordering::SeqCst) && o.is_none_or(|o| o.status.is_none()) {
                    break;
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let pid = service.child.id().expect("a running child").to_string();
    let signal_at = Instant::now();
    run(Command::new("kill").args(["-TERM", &pid])).await;
    signalled.store(true, Ordering::SeqCst);
    let status = tokio::time::timeout(SHUTDOWN_TIMEOUT, service.child.wait())
        .await
        .unwrap_or_else(|_| panic!("no exit within {SHUTDOWN_TIMEOUT:?}:\n{}", service.log()))
        .expect("exit status");
    let exited_in = signal_at.elapsed();
    for task in load {
        let _ = tokio::time::timeout(Duration::from_secs(20), task).await;
    }
    assert!(status.success(), "exit status {status}:\n{}", service.log());

    let outcomes = outcomes.lock().expect("outcomes").clone();
    // Requests sent at least 50 ms before the signal had reached the server (loopback).
    let accepted: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.started + Duration::from_millis(50) < signal_at)
        .collect();
    let in_flight = accepted.iter().filter(|o| o.ended > signal_at).count();
    eprintln!(
        "{} requests, {} sent before the signal, {in_flight} of them still in flight at it; exit 0 after {exited_in:?}",
        outcomes.len(),
        accepted.len()
    );
    assert!(
        in_flight >= 3,
        "the signal met requests in flight ({in_flight})"
    );
    for o in accepted {
        let normal = match o.what {
            "login" => Some(200),
            _ => Some(201),
        };
        assert_eq!(o.status, normal, "{o:?}\n{}", service.log());
    }
    assert!(
        service.log().contains("SIGTERM received"),
        "the log says why it stopped"
    );
}

#[tokio::test]
async fn two_processes_share_rate_limits_logouts_and_invalidations_through_redis() {
    let Some(redis) = crate::redis::redis_url().await else {
        return;
    };
    let database = TestDatabase::create().await;
    let prefix = format!("ebo-proc-{}:", uuid::Uuid::new_v4().simple());
    let shared = [
        ("EBO_REDIS__URL", redis.as_str()),
        ("EBO_REDIS__KEY_PREFIX", prefix.as_str()),
        ("EBO_RATE_LIMIT__ENABLED", "true"),
        ("EBO_RATE_LIMIT__DEFAULT_PER_MINUTE", "30"),
        ("EBO_RATE_LIMIT__AUTH_PER_MINUTE", "1000"),
        // Each phase below comes "from" a client address of its own (X-Forwarded-For from a
        // trusted loopback proxy), so one phase's requests do not count against another's.
        ("EBO_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
    ];
    let a = Service::start(&database.url, &shared).await;
    let b = Service::start(&database.url, &shared).await;
    let out = crate::helpers::ebo_with_stdin(
        &[
            "user",
            "create-admin",
            "--email",
            "proc-admin@example.com",
            "--username",
            "proc-admin",
            "--password-stdin",
        ],
        &[("DATABASE_URL", database.url.as_str())],
        "Fault-Passw0rd\n",
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let client = client();
    let user = a.sign_in(&client, "proc-user").await;
    let feature = "/features/SAMPLE_ARC_FATECARVER";
    let get = |s: &Service, token: &str, client_ip: &str| {
        client
            .get(s.api(feature))
            .header("authorization", format!("Bearer {token}"))
            .header("x-forwarded-for", client_ip.to_owned())
            .send()
    };

    // An admin's edit on A is seen by B's next read (B had it cached).
    let admin = a.login(&client, "proc-admin", "Fault-Passw0rd").await;
    let reader = b.login(&client, "proc-admin", "Fault-Passw0rd").await;
    let before: Value = get(&b, &reader, "198.51.100.8")
        .await
        .expect("read")
        .json()
        .await
        .expect("feature");
    let mut changed = before.clone();
    changed["name"] = json!("Fatecarver (edited on process A)");
    if let Some(o) = changed.as_object_mut() {
        o.remove("updated_at");
    }
    let r = client
        .put(a.api(feature))
        .header("authorization", format!("Bearer {admin}"))
        .json(&changed)
        .send()
        .await
        .expect("edit");
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    wait_until("B reads the edit", Duration::from_secs(1), async || {
        let seen: Value = get(&b, &reader, "198.51.100.8")
            .await
            .expect("read")
            .json()
            .await
            .unwrap_or_default();
        seen["name"] == "Fatecarver (edited on process A)"
    })
    .await;

    // A logout on A is refused by B within a second.
    let r = client
        .post(a.api("/auth/logout"))
        .header("authorization", format!("Bearer {reader}"))
        .send()
        .await
        .expect("logout");
    assert_eq!(r.status(), 204);
    wait_until(
        "B refuses the logged-out token",
        Duration::from_secs(1),
        async || {
            get(&b, &reader, "198.51.100.9")
                .await
                .is_ok_and(|r| r.status() == 401)
        },
    )
    .await;

    // The default limit (30 a minute per client address) is counted once for both processes.
    for i in 0..30_u32 {
        let s = if i.is_multiple_of(2) { &a } else { &b };
        let r = get(s, &user, "198.51.100.7").await.expect("read");
        assert_eq!(r.status(), 200, "request {i} is within the limit");
        assert_eq!(
            r.headers()["x-ratelimit-remaining"]
                .to_str()
                .unwrap_or_default(),
            (29 - i).to_string(),
            "request {i}: the count is shared"
        );
    }
    for s in [&a, &b] {
        let r = get(s, &user, "198.51.100.7").await.expect("read");
        assert_eq!(r.status(), 429, "the 31st, on either process");
    }
}

#[tokio::test]
async fn request_log_lines_name_the_route_template_and_the_user_never_the_email_or_token() {
    let database = TestDatabase::create().await;
    let service = Service::start(&database.url, &[("EBO_LOG__FORMAT", "json")]).await;
    let client = client();
    let token = service.sign_in(&client, "fault-log").await;
    let r = client
        .get(service.api("/builds/00000000-0000-4000-8000-000000000000"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 404);
    let me: Value = client
        .get(service.api("/auth/me"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("me body");
    let user_id = me["id"].as_str().expect("id").to_owned();
    let mut line = None;
    wait_until(
        "the request's log line",
        Duration::from_secs(5),
        async || {
            line = service
                .log()
                .lines()
                .find(|l| l.contains("request completed") && l.contains("/builds/{build_id}"))
                .map(str::to_owned);
            line.is_some()
        },
    )
    .await;
    let line: Value = serde_json::from_str(&line.unwrap_or_default()).expect("a JSON log line");
    let text = line.to_string();
    assert!(
        text.contains("\"route\":\"/api/v1/builds/{build_id}\""),
        "{text}"
    );
    assert!(
        text.contains(&format!("\"user_id\":\"{user_id}\"")),
        "{text}"
    );
    assert!(text.contains("\"status\":404"), "{text}");
    assert!(text.contains("duration_ms"), "{text}");
    assert!(
        !service.log().contains("fault-log@example.com") && !service.log().contains(&token),
        "neither the email nor the token is ever logged"
    );
}
