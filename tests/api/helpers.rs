//! `spawn_app()`: the real application on port 0 against a fresh database per test — a
//! temporary SQLite file, or, when `TEST_DATABASE_URL` is set, a uniquely named PostgreSQL
//! database created for the test and dropped after it.

use std::{
    process::Output,
    sync::{Arc, Mutex},
    time::Duration,
};

use app::{config::Settings, db::Db, startup::Application};
use tokio::sync::oneshot;

/// A database that exists for one test.
pub struct TestDatabase {
    /// URL the app should use.
    pub url: String,
    /// PostgreSQL: (admin URL, database name) to drop afterwards.
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

/// `TEST_DATABASE_URL` if set (PostgreSQL), else `None` (SQLite).
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let cut = base.rfind('/').unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..cut]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn admin_db(admin_url: &str) -> Db {
    let settings = app::config::DatabaseSettings {
        url: admin_url.to_owned(),
        max_connections: 1,
        ..Default::default()
    };
    Db::open(&settings)
        .await
        .expect("TEST_DATABASE_URL must be a valid postgres:// URL")
}

impl TestDatabase {
    /// Creates the database (empty, unmigrated).
    pub async fn create() -> Self {
        match postgres_admin_url() {
            Some(admin) => {
                let name = format!("ebo_test_{}", uuid::Uuid::new_v4().simple());
                let db = admin_db(&admin).await;
                db.rb
                    .exec(&format!("CREATE DATABASE {name}"), vec![])
                    .await
                    .unwrap_or_else(|e| panic!("cannot create test database on {admin}: {e}"));
                Self {
                    url: with_database(&admin, &name),
                    pg: Some((admin, name)),
                    _dir: None,
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Self {
                    url,
                    pg: None,
                    _dir: Some(dir),
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async context; a short-lived runtime on its own thread does it.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let db = admin_db(&admin).await;
                    db.rb
                        .exec(
                            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                            vec![],
                        )
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

/// A running application and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// `http://<metrics.bind>` when the app serves metrics on a separate listener (not proxied).
    pub metrics_address: Option<String>,
    /// HTTP client without compression or redirects, so tests see raw responses.
    pub client: reqwest::Client,
    /// The database handle the app uses.
    pub db: Db,
    /// The settings it was started with.
    pub settings: Settings,
    /// The application's shared state (its caches, its invalidation registry).
    #[allow(dead_code)] // read by the tests of in-process state
    pub state: app::state::AppState,
    /// Its database (dropped with the app).
    #[allow(dead_code)] // held so the database lives as long as the app
    pub database: TestDatabase,
    /// The folder its `.eml` files go to when no SMTP server is configured (dropped with it).
    #[allow(dead_code)] // read by the mail tests
    pub mail_dir: tempfile::TempDir,
    /// Every byte the server sent to the tests' client.
    recorded: Arc<Mutex<Vec<u8>>>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// Settings for a test: defaults, port 0, the given database URL.
pub fn test_settings(db_url: &str) -> Settings {
    let mut s = Settings::default();
    s.server.port = 0;
    s.database.url = db_url.to_owned();
    s.database.connect_deadline_secs = 5;
    // Fast hashing and no rate limits by default; the tests of those set them back.
    s.auth.bcrypt_cost = 4;
    s.rate_limit.auth_per_minute = 100_000;
    s.rate_limit.refresh_per_minute = 100_000;
    s.rate_limit.default_per_minute = 100_000;
    s
}

/// The app with default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The app with settings adjusted by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        app::telemetry::init(&app::config::LogSettings {
            level: "debug".into(),
            ..Default::default()
        });
    }
    let database = TestDatabase::create().await;
    let mut settings = test_settings(&database.url);
    let mail_dir = tempfile::tempdir().expect("mail dir");
    settings.email.file_dir = mail_dir.path().display().to_string();
    // The outbox worker stays idle (its statements would count in the statement-count tests);
    // the mail tests set a short interval.
    settings.email.poll_interval_ms = 3_600_000;
    adjust(&mut settings);
    let application = Application::build(settings.clone())
        .await
        .expect("application builds");
    let (proxy_addr, recorded) = recording_proxy(application.local_addr()).await;
    let address = format!("http://{proxy_addr}");
    let metrics_address = application.metrics_addr().map(|a| format!("http://{a}"));
    let db = application.state().db.clone();
    let state = application.state().clone();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until_stopped(async {
        let _ = rx.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    TestApp {
        address,
        metrics_address,
        client,
        db,
        settings,
        state,
        database,
        mail_dir,
        recorded,
        shutdown: Some(tx),
        server: Some(server),
    }
}

impl TestApp {
    /// `GET {address}{path}`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }

    /// `{method} {address}{path}` builder.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }

    /// `{api_prefix}{path}`.
    pub fn api(&self, path: &str) -> String {
        format!("{}{path}", self.settings.server.api_prefix)
    }

    /// Everything the server has sent to this test's client so far (what `Drop` scans).
    pub fn received(&self) -> String {
        String::from_utf8_lossy(&self.recorded.lock().map(|r| r.clone()).unwrap_or_default())
            .into_owned()
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

/// Runs the real `ebo` CLI with `args` and extra environment; returns its output.
pub async fn ebo(args: &[&str], env: &[(&str, &str)]) -> Output {
    ebo_with_stdin(args, env, "").await
}

/// [`ebo`] with `input` on standard input.
pub async fn ebo_with_stdin(args: &[&str], env: &[(&str, &str)], input: &str) -> Output {
    use tokio::io::AsyncWriteExt;
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_ebo-e2e"));
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env_remove("JWT_SECRET_KEY")
        .env_remove("ALLOWED_ORIGINS")
        .env_remove("ENVIRONMENT")
        .env_remove("DEBUG");
    for (k, _) in std::env::vars() {
        if k.starts_with("EBO_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.kill_on_drop(true)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("ebo starts");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes()).await;
    }
    let stdout = tokio::spawn(read_all(child.stdout.take()));
    let stderr = tokio::spawn(read_all(child.stderr.take()));
    // A plain `waitpid` every 20 ms (`try_wait`) rather than the runtime's notification of the
    // child's exit: the exit is seen however the notification fares, so a timeout below means
    // the process itself did not finish.
    let exited = async {
        loop {
            if let Some(status) = child.try_wait().expect("ebo can be waited for") {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let status = match tokio::time::timeout(Duration::from_secs(60), exited).await {
        Ok(status) => status,
        Err(_) => {
            // Say where it hangs before killing it: each thread's name, kernel wait channel
            // and state, then whatever it printed.
            let threads = child.id().map(thread_states).unwrap_or_default();
            let _ = child.kill().await;
            let err = stderr.await.unwrap_or_default();
            panic!(
                "ebo {args:?} did not finish within 60 s\nthreads:\n{threads}\nstderr:\n{}",
                String::from_utf8_lossy(&err)
            );
        }
    };
    Output {
        status,
        stdout: stdout.await.unwrap_or_default(),
        stderr: stderr.await.unwrap_or_default(),
    }
}

/// Everything `pipe` yields until its end (empty when there is none).
async fn read_all(pipe: Option<impl tokio::io::AsyncRead + Unpin>) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut out = Vec::new();
    if let Some(mut p) = pipe {
        let _ = p.read_to_end(&mut out).await;
    }
    out
}

/// One line per thread of process `pid`: name, kernel wait channel and `/proc` state (Linux).
fn thread_states(pid: u32) -> String {
    let read = |p: std::path::PathBuf| std::fs::read_to_string(p).unwrap_or_default();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return String::new();
    };
    tasks
        .flatten()
        .map(|t| {
            let d = t.path();
            let state = read(d.join("status"))
                .lines()
                .find(|l| l.starts_with("State:"))
                .unwrap_or_default()
                .to_owned();
            format!(
                "  {} {} wchan={} {state}\n",
                t.file_name().to_string_lossy(),
                read(d.join("comm")).trim(),
                read(d.join("wchan")),
            )
        })
        .collect()
}

/// Asserts `body` is the uniform error body with `status` and a request id.
pub fn assert_error_body(body: &serde_json::Value, status: u16) {
    assert_eq!(body["status_code"], status, "{body}");
    assert!(
        body["error"].as_str().is_some_and(|s| !s.is_empty()),
        "{body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|s| !s.is_empty()),
        "{body}"
    );
    assert!(
        body["request_id"].as_str().is_some_and(|s| !s.is_empty()),
        "{body}"
    );
}

/// A user row created directly in the database, with a valid access token.
pub struct TestUser {
    /// The user's id.
    pub id: uuid::Uuid,
    /// `Authorization` header value.
    pub bearer: String,
}

impl TestApp {
    /// Inserts a user with `role` and issues an access token for it.
    pub async fn user_with_role(&self, role: app::auth::Role) -> TestUser {
        use app::model::ColumnType;
        let id = uuid::Uuid::new_v4();
        let d = self.db.dialect;
        let role_text = if role == app::auth::Role::Admin {
            "admin"
        } else {
            "user"
        };
        let now = chrono_now(d);
        self.db
            .rb
            .exec(
                "INSERT INTO users (id, email, username, password_hash, role, is_active, is_verified, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                vec![
                    id.to_value(d),
                    rbs::Value::String(format!("{}@example.com", id.simple())),
                    rbs::Value::String(format!("u{}", id.simple())),
                    rbs::Value::String("not-a-real-hash".into()),
                    rbs::Value::String(role_text.into()),
                    true.to_value(d),
                    true.to_value(d),
                    now.clone(),
                    now,
                ],
            )
            .await
            .expect("insert user");
        let keys = app::auth::token::JwtKeys::from_settings(&self.settings.auth).expect("keys");
        let (token, _) = keys.issue_access(id, role, 0, None, 900).expect("token");
        TestUser {
            id,
            bearer: format!("Bearer {token}"),
        }
    }

    /// `user` (of `role`) with a fresh access token carrying exactly `scope` (space-delimited).
    pub fn with_scope(&self, user: &TestUser, role: app::auth::Role, scope: &str) -> TestUser {
        let keys = app::auth::token::JwtKeys::from_settings(&self.settings.auth).expect("keys");
        let now = chrono::Utc::now().timestamp();
        let claims = app::auth::token::AccessClaims {
            sub: user.id,
            exp: now + 900,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            typ: app::auth::token::TokenType::Access,
            role,
            ver: 0,
            fam: None,
            scope: Some(scope.to_owned()),
        };
        TestUser {
            id: user.id,
            bearer: format!("Bearer {}", keys.sign_access(&claims).expect("token")),
        }
    }

    /// A regular user.
    pub async fn user(&self) -> TestUser {
        self.user_with_role(app::auth::Role::User).await
    }

    /// `GET {api_prefix}{path}` as `user`, decoded as JSON.
    pub async fn get_json(&self, user: &TestUser, path: &str) -> serde_json::Value {
        self.as_user(user, reqwest::Method::GET, path)
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON body")
    }

    /// `{method} {api_prefix}{path}` as `user`.
    pub fn as_user(
        &self,
        user: &TestUser,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.request(method, &self.api(path))
            .header("authorization", &user.bearer)
    }
}

fn chrono_now(d: app::db::Dialect) -> rbs::Value {
    use app::model::ColumnType;
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|t| chrono::DateTime::<chrono::Utc>::from_timestamp(t.as_secs() as i64, 0))
        .unwrap_or_default()
        .to_value(d)
}

/// A loopback TCP proxy in front of the app recording every byte the server sends, so that
/// `Drop for TestApp` can scan every response the tests received for secrets.
async fn recording_proxy(app: std::net::SocketAddr) -> (std::net::SocketAddr, Arc<Mutex<Vec<u8>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("proxy bind");
    let addr = listener.local_addr().expect("proxy addr");
    let recorded = Arc::new(Mutex::new(Vec::new()));
    let rec = recorded.clone();
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            let rec = rec.clone();
            tokio::spawn(async move {
                let Ok(outbound) = tokio::net::TcpStream::connect(app).await else {
                    return;
                };
                let (mut ci, mut co) = inbound.into_split();
                let (mut si, mut so) = outbound.into_split();
                let up = async {
                    let _ = tokio::io::copy(&mut ci, &mut so).await;
                    let _ = so.shutdown().await;
                };
                let down = async {
                    let mut buf = vec![0u8; 16 * 1024];
                    loop {
                        match si.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                if let Ok(mut r) = rec.lock() {
                                    r.extend_from_slice(&buf[..n]);
                                }
                                if co.write_all(&buf[..n]).await.is_err() {
                                    break;
                                }
                            }
                        }
                    }
                    let _ = co.shutdown().await;
                };
                tokio::join!(up, down);
            });
        }
    });
    (addr, recorded)
}

impl Drop for TestApp {
    /// No response the tests received may contain a password hash or a refresh-token hash.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let bytes = self.recorded.lock().map(|r| r.clone()).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for prefix in ["$2a$", "$2b$", "$2y$"] {
            assert!(
                !text.contains(prefix),
                "a response contained a bcrypt hash ({prefix}…)"
            );
        }
        let url = self.settings.database.url.clone();
        let secrets = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let db = Db::open(&test_settings(&url).database).await.ok()?;
                let mut out = Vec::new();
                for sql in [
                    "SELECT password_hash AS s FROM users",
                    "SELECT token_hash AS s FROM refresh_tokens",
                ] {
                    let rows: Vec<serde_json::Value> =
                        db.fetch_all(sql, vec![]).await.unwrap_or_default();
                    out.extend(
                        rows.iter()
                            .filter_map(|r| r["s"].as_str().map(str::to_owned)),
                    );
                }
                Some(out)
            })
        })
        .join()
        .ok()
        .flatten()
        .unwrap_or_default();
        for secret in secrets.iter().filter(|s| s.len() >= 20) {
            assert!(
                !text.contains(secret.as_str()),
                "a response contained a stored password or refresh-token hash"
            );
        }
    }
}

/// Forwards loopback connections to `upstream`; `cut()` drops every connection and refuses
/// new ones (accept, then close), `restore()` forwards again.
pub struct TcpProxy {
    /// `127.0.0.1:<port>` to connect to instead of the upstream.
    pub addr: String,
    down: Arc<std::sync::atomic::AtomicBool>,
    kill: Arc<tokio::sync::Notify>,
}

impl TcpProxy {
    /// Listens on a free loopback port, forwarding to `upstream` (`host:port`).
    pub async fn start(upstream: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let down = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let kill = Arc::new(tokio::sync::Notify::new());
        let (d, k) = (down.clone(), kill.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if d.load(std::sync::atomic::Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let (upstream, k) = (upstream.clone(), k.clone());
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        () = k.notified() => {}
                    }
                });
            }
        });
        Self { addr, down, kill }
    }

    /// Drops every forwarded connection and refuses new ones.
    pub fn cut(&self) {
        self.down.store(true, std::sync::atomic::Ordering::SeqCst);
        self.kill.notify_waiters();
    }

    /// Forwards new connections again.
    pub fn restore(&self) {
        self.down.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// `scheme://user@host:port/db` → `host:port`.
pub fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or(rest).to_owned()
}

/// Makes the database refuse every `UPDATE` of `table` (a trigger raising an error), as a
/// connection cut at that statement would, the same way every time; [`allow_updates`] undoes it.
pub async fn refuse_updates(db: &Db, table: &str) {
    let sql: Vec<String> = match db.dialect {
        app::db::Dialect::Postgres => vec![
            "CREATE OR REPLACE FUNCTION ebo_test_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql".into(),
            format!("CREATE TRIGGER ebo_test_refuse BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION ebo_test_refuse()"),
        ],
        app::db::Dialect::Sqlite => vec![format!(
            "CREATE TRIGGER ebo_test_refuse BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )],
    };
    for statement in sql {
        db.rb
            .exec(&statement, vec![])
            .await
            .expect("trigger created");
    }
}

/// Undoes [`refuse_updates`] on `table`.
pub async fn allow_updates(db: &Db, table: &str) {
    let sql = match db.dialect {
        app::db::Dialect::Postgres => format!("DROP TRIGGER ebo_test_refuse ON {table}"),
        app::db::Dialect::Sqlite => "DROP TRIGGER ebo_test_refuse".to_owned(),
    };
    db.rb.exec(&sql, vec![]).await.expect("trigger dropped");
}
