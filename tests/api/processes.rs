//! Real processes for the fault tests: the built `ebo` binary as a child ([`Service`]), and
//! PostgreSQL and Redis servers of a test's own ([`PgCluster`], [`RedisServer`]), which a test may
//! stop, freeze or restart without touching the machine's shared services or the tests running
//! beside it.

use std::{
    path::PathBuf,
    process::Stdio,
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use tokio::process::{Child, Command};

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// `ebo serve` as a child process, logging to a file, killed when dropped.
pub(crate) struct Service {
    pub(crate) child: Child,
    base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Service {
    /// Starts `ebo serve` on a free port against `db_url` with test-friendly settings plus
    /// `env`, and waits (≤ 60 s) until `/health/ready` answers 200.
    pub(crate) async fn start(db_url: &str, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let log = dir.path().join("server.log");
        let out = std::fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ebo-e2e"));
        cmd.arg("serve").current_dir(dir.path());
        for (k, _) in std::env::vars() {
            if k.starts_with("EBO_") {
                cmd.env_remove(k);
            }
        }
        cmd.env_remove("JWT_SECRET_KEY")
            .env_remove("ALLOWED_ORIGINS")
            .env("DATABASE_URL", db_url)
            .env("EBO_SERVER__HOST", "127.0.0.1")
            .env("EBO_SERVER__PORT", port.to_string())
            .env("EBO_RATE_LIMIT__ENABLED", "false")
            .env("EBO_AUTH__BCRYPT_COST", "4")
            .env("EBO_LOG__LEVEL", "info");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true)
            .spawn()
            .expect("ebo serve starts");
        let mut service = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        };
        let client = client();
        let started = Instant::now();
        loop {
            if let Ok(r) = client.get(service.url("/health/ready")).send().await
                && r.status() == 200
            {
                return service;
            }
            if let Ok(Some(status)) = service.child.try_wait() {
                panic!("ebo serve exited with {status}:\n{}", service.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "ebo serve not ready within 60 s:\n{}",
                service.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Registers a user and returns its access token.
    pub(crate) async fn sign_in(&self, client: &reqwest::Client, name: &str) -> String {
        let password = "Fault-Passw0rd";
        let r = client
            .post(self.api("/auth/register"))
            .json(&json!({"email": format!("{name}@example.com"), "username": name, "password": password}))
            .send()
            .await
            .expect("register");
        assert_eq!(
            r.status(),
            201,
            "register: {}",
            r.text().await.unwrap_or_default()
        );
        self.login(client, name, password).await
    }

    /// Logs `username` in and returns its access token.
    pub(crate) async fn login(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> String {
        let r = client
            .post(self.api("/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 200, "login of {username}");
        let body: Value = r.json().await.expect("token body");
        body["access_token"]
            .as_str()
            .expect("access token")
            .to_owned()
    }
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client")
}

pub(crate) async fn wait_until(
    what: &str,
    limit: Duration,
    mut check: impl AsyncFnMut() -> bool,
) -> Duration {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} not within {limit:?}");
}

/// A PostgreSQL cluster of this test's own, made with the machine's `initdb` and run by the
/// `postgres` system user (PostgreSQL refuses to run as root). Stopped and removed on drop.
pub(crate) struct PgCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

impl PgCluster {
    /// `None` when no PostgreSQL server installation is found (the caller decides whether
    /// that fails the test).
    pub(crate) async fn create() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("pg_ctl").exists() && b.join("initdb").exists())
            .max()?;
        let uid = Command::new("id").arg("-u").output().await.ok()?;
        let as_postgres = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        let dir = tempfile::Builder::new()
            .prefix("ebo-pg-")
            .tempdir()
            .expect("temp dir");
        if as_postgres {
            run(Command::new("chown")
                .arg("postgres:postgres")
                .arg(dir.path()))
            .await;
        }
        let cluster = Self {
            bin,
            dir,
            port: free_port(),
            as_postgres,
        };
        let data = cluster.data();
        run(cluster
            .command("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "-D",
            ])
            .arg(&data))
        .await;
        Some(cluster)
    }

    /// In the PostgreSQL pass (`TEST_DATABASE_URL` set), a new cluster, started; in the SQLite
    /// pass `None`, with a note, for tests that fault PostgreSQL itself.
    pub(crate) async fn for_postgres_pass() -> Option<Self> {
        if crate::helpers::postgres_admin_url().is_none() {
            eprintln!("note: runs in the PostgreSQL pass (TEST_DATABASE_URL)");
            return None;
        }
        let cluster = Self::create()
            .await
            .expect("a PostgreSQL server installation under /usr/lib/postgresql");
        cluster.start().await;
        Some(cluster)
    }

    pub(crate) fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub(crate) async fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
            self.port,
            self.dir.path().display()
        );
        run(self
            .command("pg_ctl")
            .args(["-w", "-t", "30", "-o", &options, "-l"])
            .arg(self.dir.path().join("server.log"))
            .arg("-D")
            .arg(self.data())
            .arg("start"))
        .await;
    }

    /// SIGSTOP to the server and every backend: connections stay open and nothing answers,
    /// as when the host freezes. [`PgCluster::thaw`] resumes them.
    pub(crate) async fn freeze(&self) {
        self.signal("STOP").await;
    }

    /// SIGCONT to the server and every backend.
    pub(crate) async fn thaw(&self) {
        self.signal("CONT").await;
    }

    async fn signal(&self, signal: &str) {
        let pid_file = std::fs::read_to_string(self.data().join("postmaster.pid"))
            .expect("postmaster.pid of a running cluster");
        let pid = pid_file
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        run(Command::new("kill").arg(format!("-{signal}")).arg(&pid)).await;
        // The backends and auxiliary processes; pkill exits 1 when there are none.
        let _ = Command::new("pkill")
            .arg(format!("-{signal}"))
            .args(["-P", &pid])
            .status()
            .await;
    }

    /// Runs `sql` through `psql` and returns its unaligned output.
    pub(crate) async fn psql(&self, sql: &str) -> String {
        let out = Command::new("psql")
            .arg(self.url())
            .args(["-v", "ON_ERROR_STOP=1", "-Atc", sql])
            .output()
            .await
            .expect("psql runs");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// `pg_ctl stop -m fast`: open sessions are terminated, as in a real shutdown.
    pub(crate) async fn stop(&self) {
        run(self
            .command("pg_ctl")
            .args(["-w", "-t", "30", "-m", "fast", "-D"])
            .arg(self.data())
            .arg("stop"))
        .await;
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let path = self.bin.join("pg_ctl");
        let data = self.data();
        let mut c = if self.as_postgres {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            std::process::Command::new(path)
        };
        let _ = c
            .args(["-m", "immediate", "-D"])
            .arg(&data)
            .arg("stop")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

pub(crate) async fn run(cmd: &mut Command) {
    let out = cmd.output().await.expect("command runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A Redis server of this test's own (`redis-server` from the PATH, no persistence, a free
/// port): killed when dropped, and restartable empty on the same port, as a Redis without
/// persistence comes back after a crash.
pub(crate) struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
}

impl RedisServer {
    /// Starts one and waits (≤ 10 s) until it answers `PING`.
    pub(crate) async fn start() -> Self {
        let mut server = Self {
            child: None,
            port: free_port(),
            dir: tempfile::tempdir().expect("temp dir"),
        };
        server.launch().await;
        server
    }

    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    async fn launch(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server starts (it is installed with the machine's Redis)");
        self.child = Some(child);
        let started = Instant::now();
        while !self.answers().await {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server on port {} not answering",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn answers(&self) -> bool {
        Command::new("redis-cli")
            .args(["-p", &self.port.to_string(), "ping"])
            .output()
            .await
            .is_ok_and(|o| o.stdout.starts_with(b"PONG"))
    }

    /// SIGKILL: the server is gone at once, with whatever it held.
    pub(crate) async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("redis-server killed");
        }
    }

    /// Starts it again, empty, on the same port.
    pub(crate) async fn restart_empty(&mut self) {
        self.kill().await;
        self.launch().await;
    }
}
