//! The `cadence` binary's life: private cluster reuse, crash recovery, one server per data
//! directory, and graceful shutdown that stops the cluster.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_cadence");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn data_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "cadence-lifecycle-{}",
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn cadence(dir: &Path, port: u16) -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("DATABASE_URL")
        .env_remove("DATABASE_OWNER_URL")
        .env("CADENCE_DATA_DIR", dir)
        .env("CADENCE_ADDR", format!("127.0.0.1:{port}"))
        .env("CADENCE_SHUTDOWN_SECS", "5")
        .env("RUST_LOG", "warn");
    c
}

fn spawn_server(dir: &Path, port: u16) -> Child {
    cadence(dir, port)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

async fn wait_ready(port: u16, child: &mut Child) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the server exited early with {status}");
        }
        let ready = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ready {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready");
}

async fn demo_page(port: u16) -> (u16, String) {
    let r = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/"))
        .header("host", format!("demo.localhost:{port}"))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn postgres_running(dir: &Path) -> bool {
    // The temp dir is reachable by the postgres user, so the cluster lives under the data dir;
    // its postmaster.pid disappears on a clean stop.
    dir.join("postgres/postmaster.pid").exists()
}

fn sigterm(child: &Child) {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
}

fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[tokio::test]
async fn the_private_cluster_survives_restarts_and_crashes_and_is_held_by_one_server() {
    let dir = data_dir();
    let port = free_port();

    // Seed the demo tenant: starts the cluster, migrates, seeds, stops it again.
    let out = cadence(&dir, port)
        .args(["seed", "--demo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "seed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !postgres_running(&dir),
        "a command that started the cluster stops it"
    );
    // Seeding twice is harmless.
    let out = cadence(&dir, port)
        .args(["seed", "--demo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "second seed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut first = spawn_server(&dir, port);
    wait_ready(port, &mut first).await;
    let (status, page) = demo_page(port).await;
    assert_eq!(status, 200);
    assert!(page.contains("Blue Mountain Roasters"));

    // A second server on the same data directory is refused with a clear message.
    let other_port = free_port();
    let out = cadence(&dir, other_port).arg("serve").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another Cadence server"), "{err}");

    // kill -9: the cluster outlives the server; the next server adopts it and loses nothing.
    first.kill().unwrap();
    first.wait().unwrap();
    let mut second = spawn_server(&dir, port);
    wait_ready(port, &mut second).await;
    let (status, page) = demo_page(port).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Blue Mountain Roasters"),
        "data survived the crash"
    );

    // SIGTERM: exits promptly and stops the cluster cleanly.
    sigterm(&second);
    let status = wait_exit(&mut second, Duration::from_secs(10)).expect("exits within 10 s");
    assert!(status.success(), "clean exit: {status}");
    assert!(!postgres_running(&dir), "the cluster was stopped");

    // Starting again reuses the same cluster (no new initdb: the credentials file is unchanged).
    let creds = std::fs::read_to_string(dir.join("postgres-credentials.json")).unwrap();
    let mut third = spawn_server(&dir, port);
    wait_ready(port, &mut third).await;
    assert!(demo_page(port).await.1.contains("Blue Mountain Roasters"));
    let creds_after = std::fs::read_to_string(dir.join("postgres-credentials.json")).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&creds).unwrap()["app_password"],
        serde_json::from_str::<serde_json::Value>(&creds_after).unwrap()["app_password"]
    );
    sigterm(&third);
    wait_exit(&mut third, Duration::from_secs(10)).expect("exits within 10 s");
    let _ = std::fs::remove_dir_all(&dir);
}
