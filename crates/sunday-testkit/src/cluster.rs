//! Several nodes in one test: a NATS server of the test's own (so a test may stop it), and
//! more Sunday nodes on the same store and bus as a first one.

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use sunday_config::{Config, Secret};

use crate::{Backend, TestApp};

/// The NATS server the tests start (Debian's `nats-server`).
pub const NATS_SERVER: &str = "/usr/sbin/nats-server";

/// A NATS server with JetStream, storing under its own temporary directory, on a free port.
pub struct NatsServer {
    pub port: u16,
    dir: tempfile::TempDir,
    config: Option<std::path::PathBuf>,
    child: Option<Child>,
}

impl NatsServer {
    pub async fn start() -> NatsServer {
        Self::start_with("").await
    }

    /// A server with extra settings in NATS's configuration syntax (`max_payload: 3000`).
    pub async fn start_with(settings: &str) -> NatsServer {
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let config = (!settings.is_empty()).then(|| {
            let path = dir.path().join("nats.conf");
            std::fs::write(&path, settings).unwrap();
            path
        });
        let mut server = NatsServer { port, dir, config, child: None };
        server.resume().await;
        server
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kills the server (its stream stays on disk).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and storage; returns once it accepts
    /// connections.
    pub async fn resume(&mut self) {
        assert!(Path::new(NATS_SERVER).exists(), "{NATS_SERVER} is missing: apt-get install nats-server");
        let mut command = Command::new(NATS_SERVER);
        if let Some(config) = &self.config {
            command.arg("-c").arg(config);
        }
        let child = command
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string(), "-js", "-sd"])
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("nats-server did not open port {}", self.port);
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl TestApp {
    /// A first node whose bus is `nats` (PostgreSQL store, as nodes must share one).
    pub async fn spawn_on_nats(nats: &NatsServer, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let url = nats.url();
        TestApp::spawn_with(Backend::Postgres, |c| {
            c.bus.url = Secret::new(url);
            tweak(c);
        })
        .await
    }

    /// Another node on this node's store and bus, with its own data directory and port.
    /// Drop it before this one (this one owns the scratch database).
    pub async fn spawn_node(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = self.config.clone();
        config.data_dir = dir.path().to_owned();
        config.listen = "127.0.0.1:0".parse().unwrap();
        tweak(&mut config);
        let running = sunday_server::start(config.clone()).await.expect("node starts");
        let base = format!("http://{}", running.addr);
        TestApp { base, backend: self.backend, config, running: Some(running), _dir: dir, _pg: None }
    }
}
