//! Logout means logged out, whatever happens to Redis (issue 20): the database is the record,
//! Redis only spreads the news. Real `ebo serve` processes on a PostgreSQL cluster and a Redis
//! server of this test's own; the Redis is killed and restarted empty, as one without
//! persistence comes back after a crash, and instances are restarted meanwhile.

use std::time::Duration;

use crate::processes::{PgCluster, RedisServer, Service, client, wait_until};

/// `GET /auth/me` with `token` on `service`: its status.
async fn me(service: &Service, client: &reqwest::Client, token: &str) -> u16 {
    client
        .get(service.api("/auth/me"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("GET /auth/me")
        .status()
        .as_u16()
}

async fn logout(service: &Service, client: &reqwest::Client, token: &str) {
    let r = client
        .post(service.api("/auth/logout"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("logout");
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap_or_default());
}

#[tokio::test]
async fn a_logout_holds_on_every_instance_through_a_redis_outage_and_an_empty_restart() {
    let Some(cluster) = PgCluster::for_postgres_pass().await else {
        return;
    };
    let mut redis = RedisServer::start().await;
    let redis_url = redis.url();
    let env = [("EBO_REDIS__URL", redis_url.as_str())];
    let a = Service::start(&cluster.url(), &env).await;
    let mut b = Service::start(&cluster.url(), &env).await;
    let client = client();
    let before = a.sign_in(&client, "logged-out-before").await;
    let during = a.sign_in(&client, "logged-out-during").await;
    let kept = a.sign_in(&client, "still-signed-in").await;
    for token in [&before, &during, &kept] {
        assert_eq!(me(&b, &client, token).await, 200);
    }

    // Logged out with Redis up: B hears it.
    logout(&a, &client, &before).await;
    wait_until(
        "B refuses the first logout",
        Duration::from_secs(1),
        async || me(&b, &client, &before).await == 401,
    )
    .await;

    // Redis dies. A logout on A meanwhile is refused on B within 2 s.
    redis.kill().await;
    logout(&a, &client, &during).await;
    let took = wait_until(
        "B refuses a logout made during the outage",
        Duration::from_secs(2),
        async || me(&b, &client, &during).await == 401,
    )
    .await;
    eprintln!("a logout during the outage was refused on B after {took:?}");

    // B restarts while Redis is down; then Redis comes back empty, and a third instance starts.
    drop(b);
    b = Service::start(&cluster.url(), &env).await;
    redis.restart_empty().await;
    let c = Service::start(&cluster.url(), &env).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    for (name, service) in [("A", &a), ("B (restarted)", &b), ("C (new)", &c)] {
        assert_eq!(
            me(service, &client, &before).await,
            401,
            "{name}: logged out before the outage"
        );
        assert_eq!(
            me(service, &client, &during).await,
            401,
            "{name}: logged out during the outage"
        );
        assert_eq!(
            me(service, &client, &kept).await,
            200,
            "{name}: never logged out"
        );
    }
}
