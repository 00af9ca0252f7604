//! A real SMTP server process for the mail tests: `tests/support/smtp_sink.py` on aiosmtpd,
//! installed on first use into a virtualenv under the target folder when the system Python
//! lacks it (so `cargo test` needs nothing installed by hand but Python 3).

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::OnceLock,
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// The aiosmtpd release the tests run.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";

/// A Python interpreter that can import aiosmtpd.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let can_import = |py: &Path| {
            std::process::Command::new(py)
                .args(["-c", "import aiosmtpd"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let system = PathBuf::from("python3");
        if can_import(&system) {
            return system;
        }
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("smtp-venv");
        let venv_python = venv.join("bin/python3");
        if !can_import(&venv_python) {
            let made = std::process::Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .expect("python3 runs (the mail tests need Python 3)");
            assert!(made.success(), "python3 -m venv {} failed", venv.display());
            let installed = std::process::Command::new(venv.join("bin/pip"))
                .args([
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    AIOSMTPD,
                ])
                .status()
                .expect("pip runs");
            assert!(installed.success(), "pip install {AIOSMTPD} failed");
        }
        venv_python
    })
}

/// An SMTP server on 127.0.0.1 that stores every message it accepts.
pub struct SmtpSink {
    /// Its port (kept across [`SmtpSink::stop`] and [`SmtpSink::start_again`]).
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl SmtpSink {
    /// Starts a server on a free port.
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut sink = Self {
            port,
            dir: tempfile::tempdir().expect("temp dir"),
            child: None,
        };
        sink.start_again().await;
        sink
    }

    /// `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts the (stopped) server again on the same port and folder.
    pub async fn start_again(&mut self) {
        let python = python();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("support/smtp_sink.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(self.port.to_string())
            .arg(self.dir.path())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the SMTP sink starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await;
        assert!(
            matches!(ready, Ok(Ok(Some(ref l))) if l == "READY"),
            "the SMTP sink did not come up: {ready:?}"
        );
        self.child = Some(child);
    }

    /// Kills the server (an outage).
    pub async fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill().await;
        }
    }

    /// Every message received so far, as raw RFC 5322 text.
    pub fn messages(&self) -> Vec<String> {
        let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(self.dir.path())
            .expect("sink folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .map(|p| {
                let text = std::fs::read_to_string(&p).expect("message");
                (p, text)
            })
            .collect();
        out.sort();
        out.into_iter().map(|(_, t)| t).collect()
    }

    /// Waits until at least `n` messages arrived (at most `within`), then returns them all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<String> {
        wait_for_messages(|| self.messages(), n, within).await
    }
}

/// Polls `read` until it holds `n` messages or `within` passes; panics on a timeout.
pub async fn wait_for_messages(
    read: impl Fn() -> Vec<String>,
    n: usize,
    within: Duration,
) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let got = read();
        if got.len() >= n {
            return got;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {n} messages after {within:?}",
            got.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The `.eml` files the file transport wrote into `dir`.
pub fn eml_files(dir: &Path) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|x| x == "eml"));
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// The message's text with quoted-printable soft line breaks and `=3D` undone (enough to read
/// a link whatever transfer encoding the mailer chose for a long line).
pub fn unfolded(message: &str) -> String {
    message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The token of the first `<page>?token=` link in `message`.
pub fn link_token(message: &str, page: &str) -> String {
    let text = unfolded(message);
    let at = text
        .find(&format!("/{page}?token="))
        .unwrap_or_else(|| panic!("no /{page} link in:\n{message}"));
    text[at + page.len() + 8..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// The value of header `name` in `message`.
pub fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message.lines().find_map(|l| {
        l.split_once(':')
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    })
}
