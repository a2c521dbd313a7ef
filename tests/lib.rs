//! Shared harness for Gatehouse's system and end-to-end tests.
//!
//! Starts the real peers the tests run against — the moto-backed local AWS
//! (`tests/support/awslayer.py`), the SCIM server `scim2-server`, Xvfb, tauri-driver —
//! seeds organisations with `tests/support/seed.py`, and finds the built `gatehouse` binary.
//! Every peer is a child process killed on drop. For what a misbehaving network gives a
//! client there are in-process stand-ins on 127.0.0.1: [`CannedHttp`] (one fixed answer)
//! and [`SilentListener`] (accepts, never answers). Paths can be overridden with `GATEHOUSE_PYTHON`,
//! `GATEHOUSE_BIN` and `TAURI_DRIVER`; the defaults are what `make test` sets up.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn require(path: PathBuf, what: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{what} not found at {}. Run `make test` (it installs every test peer) or set the \
         matching environment variable.",
        path.display()
    );
    path
}

pub fn python() -> PathBuf {
    let p = std::env::var_os("GATEHOUSE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
    require(p, "The test venv's python (moto, scim2-server)")
}

pub fn gatehouse_bin() -> PathBuf {
    let p = std::env::var_os("GATEHOUSE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/gatehouse"));
    require(p, "The gatehouse binary (cargo build -p gatehouse)")
}

pub fn tauri_driver() -> PathBuf {
    let p = std::env::var_os("TAURI_DRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".tools/bin/tauri-driver"));
    require(p, "tauri-driver")
}

pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("tests/fixtures")
}

/// Where tests put screenshots and other artefacts worth looking at.
pub fn artifacts_dir() -> PathBuf {
    let d = workspace_root().join("target/test-artifacts");
    std::fs::create_dir_all(&d).expect("artifacts dir");
    d
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A child process killed (SIGTERM first) when dropped.
pub struct Peer {
    pub child: Child,
    name: &'static str,
}

impl Peer {
    pub fn new(child: Child, name: &'static str) -> Self {
        Self { child, name }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        // SIGTERM lets tauri-driver stop WebKitWebDriver; SIGKILL would orphan it.
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("{} did not stop on SIGTERM; killing it", self.name);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The moto-backed local AWS with the test support layer in front.
pub struct LocalAws {
    pub url: String,
    _peer: Peer,
}

#[derive(Default)]
pub struct LocalAwsOptions {
    /// Regions that have an Identity Center instance (all if empty).
    pub instance_regions: Vec<&'static str>,
}

impl LocalAws {
    pub fn start() -> Self {
        Self::start_with(LocalAwsOptions::default())
    }

    pub fn start_with(opts: LocalAwsOptions) -> Self {
        let mut cmd = Command::new(python());
        cmd.arg(workspace_root().join("tests/support/awslayer.py"))
            .args(["--host", "127.0.0.1", "--port", "0"]);
        if !opts.instance_regions.is_empty() {
            cmd.args(["--instance-regions", &opts.instance_regions.join(",")]);
        }
        // GATEHOUSE_LAYER_LOG=FILE: the layer's request log, for debugging a test.
        let stderr = match std::env::var_os("GATEHOUSE_LAYER_LOG") {
            Some(path) => {
                cmd.arg("--log-requests");
                Stdio::from(std::fs::File::create(path).expect("layer log"))
            }
            None => Stdio::null(),
        };
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start awslayer.py");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read READY line");
        let url = line
            .trim()
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("awslayer.py did not start: {line:?}"))
            .to_owned();
        Self {
            url,
            _peer: Peer::new(child, "awslayer"),
        }
    }

    /// Seeds an organisation (`demo`, `small`, `large`) and returns what was created.
    pub fn seed(&self, profile: &str, region: &str) -> serde_json::Value {
        let out = tempfile::NamedTempFile::new().expect("temp");
        let status = Command::new(python())
            .arg(workspace_root().join("tests/support/seed.py"))
            .args([
                "--endpoint-url",
                &self.url,
                "--region",
                region,
                "--profile",
                profile,
                "--out",
            ])
            .arg(out.path())
            .envs(dummy_aws_env())
            .stdout(Stdio::null())
            .status()
            .expect("run seed.py");
        assert!(status.success(), "seed.py {profile} failed");
        serde_json::from_slice(&std::fs::read(out.path()).expect("seed output")).expect("seed json")
    }

    /// Sets fault rules on the layer (see tests/support/README.md).
    pub fn set_faults(&self, rules: serde_json::Value) {
        self.control("POST", "/_gatehouse/faults", Some(rules));
    }

    pub fn control(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let url = format!("{}{}", self.url, path);
        let mut cmd = Command::new("curl");
        cmd.args([
            "-sS",
            "-f",
            "-X",
            method,
            &url,
            "-H",
            "content-type: application/json",
        ]);
        if let Some(b) = body {
            cmd.args(["--data", &b.to_string()]);
        }
        let out = cmd.output().expect("curl");
        assert!(
            out.status.success(),
            "control call {path} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
    }
}

/// The dummy access key the in-process tests store in their in-memory keychain.
pub const TEST_ACCESS_KEY_ID: &str = "AKIAGATEHOUSETEST0001";
/// Its secret: tests assert it never lands on disk.
pub const TEST_SECRET_ACCESS_KEY: &str = "gatehouse-test-secret-not-real";

/// A `Gatehouse` on `store` with an in-memory keychain holding the dummy access keys.
pub async fn test_gatehouse(store: gatehouse_core::store::Store) -> gatehouse_core::Gatehouse {
    let g = gatehouse_core::Gatehouse::new(store, gatehouse_core::keychain::Keychain::in_memory());
    g.store_access_keys(
        TEST_ACCESS_KEY_ID.into(),
        gatehouse_core::Secret::new(TEST_SECRET_ACCESS_KEY),
        None,
    )
    .await
    .expect("store the dummy keys");
    g
}

impl LocalAws {
    /// An SDK session on this local AWS, independent of any app: for tests to check what AWS
    /// holds after the app acted.
    pub async fn session(&self, region: &str) -> gatehouse_core::aws::AwsSession {
        let keychain = gatehouse_core::keychain::Keychain::in_memory();
        gatehouse_core::aws::session::store_access_keys(
            &keychain,
            TEST_ACCESS_KEY_ID,
            &gatehouse_core::Secret::new(TEST_SECRET_ACCESS_KEY),
            None,
        )
        .expect("keys");
        gatehouse_core::aws::AwsSession::new(self.spec(region), &keychain)
            .await
            .expect("session")
    }

    /// A connection to this local AWS in `region` with the keys of [`test_gatehouse`].
    pub fn spec(&self, region: &str) -> gatehouse_core::aws::ConnectionSpec {
        gatehouse_core::aws::ConnectionSpec {
            credentials: gatehouse_core::aws::CredentialSource::StoredKeys,
            region: region.into(),
            endpoint_url: Some(self.url.clone()),
        }
    }
}

/// Every byte of every file under `dir` (recursively), as lossy text: for asserting that a
/// secret never reached disk.
pub fn all_bytes_under(dir: &Path) -> String {
    fn collect(dir: &Path, out: &mut Vec<u8>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                collect(&p, out);
            } else if let Ok(b) = std::fs::read(&p) {
                out.extend(b);
            }
        }
    }
    let mut out = Vec::new();
    collect(dir, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Dummy credentials for the local AWS (moto accepts anything).
pub fn dummy_aws_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "AKIAGATEHOUSETEST0001"),
        ("AWS_SECRET_ACCESS_KEY", "gatehouse-test-secret-not-real"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]
}

/// A `gatehouse` command with a clean environment: no AWS config of the user's, a private
/// data dir, no display.
pub fn gatehouse_cmd(home: &Path) -> Command {
    let mut cmd = Command::new(gatehouse_bin());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GATEHOUSE_DATA_DIR", home.join("data"))
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    if let Some(bus) = std::env::var_os("DBUS_SESSION_BUS_ADDRESS") {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", bus);
    }
    cmd
}

/// An X server for the app under test.
pub struct Xvfb {
    pub display: String,
    _peer: Peer,
}

impl Xvfb {
    /// Starts Xvfb on a display it picks itself (`-displayfd`: the server takes the first free
    /// display atomically and writes its number once it listens), so GUI tests running side
    /// by side never share, or race for, one X server.
    pub fn start() -> Self {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb (apt package xvfb)");
        let stdout = child.stdout.take().expect("Xvfb stdout");
        // Stopped (and waited for) however this ends.
        let peer = Peer::new(child, "Xvfb");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep reading until Xvfb exits, so it never writes to a closed pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("Xvfb reported no display within 20 s"));
        match line.trim().parse::<u32>() {
            Ok(n) => Self {
                display: format!(":{n}"),
                _peer: peer,
            },
            Err(_) => panic!("Xvfb did not report a display (read {line:?})"),
        }
    }
}

/// Waits until something accepts TCP connections on `port`.
pub fn wait_for_port(port: u16, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nothing listening on 127.0.0.1:{port} after {timeout:?}");
}

/// The real app under Xvfb, driven through tauri-driver + WebKitWebDriver.
pub struct GuiApp {
    pub client: fantoccini::Client,
    pub data_dir: tempfile::TempDir,
    _driver: Peer,
    _xvfb: Xvfb,
}

impl GuiApp {
    /// Launches `gatehouse args…` with `env` (plus a private data dir and XDG folders).
    pub async fn launch(args: &[&str], env: &[(&str, &str)]) -> Self {
        let xvfb = Xvfb::start();
        let data_dir = tempfile::tempdir().expect("temp");
        let xdg = data_dir.path().join("xdg");
        for sub in ["data", "cache", "config", "runtime"] {
            std::fs::create_dir_all(xdg.join(sub)).expect("xdg dir");
        }
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("DISPLAY", &xvfb.display)
        .env("GATEHOUSE_DATA_DIR", data_dir.path().join("data"))
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("AWS_CONFIG_FILE", data_dir.path().join("aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            data_dir.path().join("aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let driver = Peer::new(cmd.spawn().expect("start tauri-driver"), "tauri-driver");
        wait_for_port(port, Duration::from_secs(20));

        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": gatehouse_bin(), "args": args }),
        );
        caps.insert("browserName".into(), serde_json::json!("wry"));
        let client = fantoccini::ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("WebDriver session with the app");
        Self {
            client,
            data_dir,
            _driver: driver,
            _xvfb: xvfb,
        }
    }

    /// Waits for an element by `data-testid`.
    pub async fn wait_for(&self, testid: &str, timeout: Duration) -> fantoccini::elements::Element {
        let css = format!("[data-testid=\"{testid}\"]");
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(e) = self.client.find(fantoccini::Locator::Css(&css)).await {
                return e;
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("timeout-{testid}")).await;
                panic!("no element {css} after {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `check` accepts the element's (testid) attribute or text.
    pub async fn wait_until<F: Fn(&str) -> bool>(
        &self,
        testid: &str,
        attr: Option<&str>,
        check: F,
        timeout: Duration,
    ) -> String {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        loop {
            let e = self.wait_for(testid, timeout).await;
            let value = match attr {
                Some(a) => e.attr(a).await.ok().flatten(),
                None => e.text().await.ok(),
            };
            if let Some(v) = value {
                if check(&v) {
                    return v;
                }
                last = v;
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("timeout-{testid}")).await;
                panic!("{testid} never matched; last value {last:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the app shows itself connected (the header's connection state).
    pub async fn wait_connected(&self, timeout: Duration) {
        self.wait_until(
            "connection-state",
            Some("data-state"),
            |v| v == "connected",
            timeout,
        )
        .await;
    }

    pub async fn click(&self, testid: &str) {
        self.wait_for(testid, Duration::from_secs(20))
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {testid}: {e}"));
    }

    /// Replaces an input's text by typing, as the admin would.
    pub async fn type_into(&self, testid: &str, text: &str) {
        let e = self.wait_for(testid, Duration::from_secs(20)).await;
        e.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {testid}: {e}"));
        e.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {testid}: {e}"));
    }

    pub async fn exists(&self, testid: &str) -> bool {
        self.client
            .find(fantoccini::Locator::Css(&format!(
                "[data-testid=\"{testid}\"]"
            )))
            .await
            .is_ok()
    }

    /// Saves a screenshot to target/test-artifacts/<name>.png and returns the path.
    ///
    /// Waits for the webview to paint what the DOM holds first (two animation frames, then a
    /// moment for the compositor): under load WebKit's snapshot can otherwise be the frame
    /// before the last change.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let _ = tokio::time::timeout(
            Duration::from_secs(5),
            self.client.execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            ),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        let path = artifacts_dir().join(format!("{name}.png"));
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(&path, png);
        }
        path
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// `scim2-server` from the test venv: a real SCIM 2.0 server (RFC 7643/7644) with a static
/// bearer token, serving one tenant under `/<tenant>/v2`. It stands in for IAM Identity
/// Center's SCIM endpoint (whose path is `/<tenant>/scim/v2`; the peer's routing cannot
/// serve that shape, so tests save its URL as a non-standard endpoint).
pub struct ScimServer {
    pub port: u16,
    pub tenant: String,
    _peer: Peer,
}

impl ScimServer {
    pub fn start(token: &str) -> Self {
        let port = free_port();
        let tenant = "gatehouse-test-tenant".to_owned();
        let child = Command::new(python())
            .args([
                "-c",
                "from scim2_server.testserver.cli import main; main()",
                "--hostname",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--bearer-token",
                token,
                "--tenant",
                &tenant,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start scim2-server (tests/support/requirements.txt)");
        let peer = Peer::new(child, "scim2-server");
        wait_for_port(port, Duration::from_secs(20));
        Self {
            port,
            tenant,
            _peer: peer,
        }
    }

    /// The SCIM base URL of the tenant (`…/Users` and `…/Groups` hang below it).
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/{}/v2", self.port, self.tenant)
    }
}

/// A minimal HTTP/1.1 server on 127.0.0.1 that answers every request with one canned
/// response: a sign-in page, JSON that is not SCIM, a 503 — what a proxy or the wrong URL
/// gives. `{authorization}` in the body is replaced with the request's Authorization header,
/// like a debug page echoing it (to test redaction). Stops when dropped.
pub struct CannedHttp {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl CannedHttp {
    pub fn start(status: u16, content_type: &str, body: &str) -> Self {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (flag, content_type, body) = (stop.clone(), content_type.to_owned(), body.to_owned());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                // Up to the end of the head; anything that is not HTTP (a TLS ClientHello)
                // is answered at once, as a real HTTP server does.
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                    if !head[0].is_ascii_uppercase() {
                        break;
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let auth = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("authorization")
                            .then(|| v.trim().to_owned())
                    })
                    .unwrap_or_default();
                let body = body.replace("{authorization}", &auth);
                let response = format!(
                    "HTTP/1.1 {status} Canned\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
            }
        });
        Self {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for CannedHttp {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A port that accepts TCP connections (the kernel completes the handshake) but never
/// answers: what a firewall or a stuck proxy looks like to a client. Closed when dropped.
pub struct SilentListener {
    pub port: u16,
    _listener: TcpListener,
}

impl SilentListener {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        Self {
            port,
            _listener: listener,
        }
    }
}
