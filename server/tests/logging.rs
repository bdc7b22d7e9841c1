//! Log lines inside a request carry its request id, and the tenant once a server function has
//! found it (JSON logs, as in production).

mod common;
use app::api::team::LoadTeam;
use common::*;
use leptos::server_fn::ServerFn;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_server_functions_log_lines_name_the_request_and_the_tenant() {
    let out = Captured::default();
    let writer = out.clone();
    tracing_subscriber::fmt()
        .with_env_filter("info")
        .json()
        .with_current_span(true)
        .with_span_list(true)
        .with_writer(move || writer.clone())
        .init();
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Logged Co").await;
    let tenant = m.tenant.scope.tenant_id().to_string();

    let r = app.call(LoadTeam::PATH, &[], Some(&m.cookie)).await;
    assert!(r.status.is_success(), "{}", r.body);
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .rfind(|l| l.contains(LoadTeam::PATH) && l.contains("finished processing request"))
        .unwrap_or_else(|| panic!("no line for the call in:\n{text}"));
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let request = &v["spans"][0];
    assert_eq!(request["name"], "request");
    assert_eq!(request["tenant_id"], tenant.as_str(), "{line}");
    assert!(
        request["request_id"].as_str().unwrap().len() >= 32,
        "{line}"
    );

    // Before log-in no tenant is known, and none is named.
    let (status, _) = app.get(BASE_DOMAIN, "/status").await;
    assert!(status.is_success());
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .rfind(|l| l.contains("\"path\":\"/status\""))
        .unwrap();
    assert!(!line.contains("tenant_id"), "{line}");
}
