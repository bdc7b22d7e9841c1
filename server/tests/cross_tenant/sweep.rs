//! The sweep: every server function in Leptos' registry and every route of the router, found by
//! enumeration rather than listed by hand, called as tenant A with B's ids and an outsider's (and
//! unknown, malformed and unauthenticated), so a new function or route is probed by itself.
//! Nothing may answer 5xx, show B's data, change B's data, or bind B's owner or the outsider.

use super::registry::{ArgKind, FnSpec, registered, source_files};
use super::*;
use std::path::Path;

/// A plausible value for a text argument, by its name: B's slug where a slug or search goes, the
/// outsider's address where an address goes.
fn text_for(w: &World, arg: &str) -> String {
    match arg {
        "kind" => "order".into(),
        "role" => "viewer".into(),
        "email" | "owner_email" | "to" => w.outsider.1.clone(),
        "slug" | "query" => w.b.tenant.slug.clone(),
        "password" | "current" | "new_password" | "current_password" => {
            "a wrong probe passphrase".into()
        }
        "code" | "token" => "123456".into(),
        "time_zone" => "UTC".into(),
        "currency" => "USD".into(),
        "next" | "return_to" => "/app".into(),
        _ => "probe".into(),
    }
}

/// The request body for one call: ids set to `id`, text by name (or `text` for all).
fn body_for(spec: &FnSpec, w: &World, id: cadence::Uuid, text: Option<&str>) -> (String, String) {
    let value = |name: &str, kind: ArgKind| -> Option<String> {
        match kind {
            ArgKind::Id => Some(id.to_string()),
            ArgKind::Text => Some(text.map_or_else(|| text_for(w, name), str::to_string)),
            ArgKind::Flag => Some("true".into()),
            ArgKind::Number => Some("1".into()),
            ArgKind::Other => None,
        }
    };
    if spec.json {
        let mut obj = serde_json::Map::new();
        for (name, kind) in &spec.args {
            if let Some(v) = value(name, *kind) {
                let v = match kind {
                    ArgKind::Flag => serde_json::Value::Bool(true),
                    ArgKind::Number => serde_json::json!(1),
                    _ => serde_json::Value::String(v),
                };
                obj.insert(name.clone(), v);
            }
        }
        (
            "application/json".into(),
            serde_json::Value::Object(obj).to_string(),
        )
    } else {
        let form = spec
            .args
            .iter()
            .filter_map(|(name, kind)| {
                value(name, *kind).map(|v| format!("{name}={}", urlencode(&v)))
            })
            .collect::<Vec<_>>()
            .join("&");
        ("application/x-www-form-urlencoded".into(), form)
    }
}

async fn send_raw(
    app: &TestApp,
    method: &str,
    path: &str,
    content_type: &str,
    body: String,
    cookie: Option<&str>,
) -> (StatusCode, String, String) {
    let mut req = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", BASE_DOMAIN)
        .header("accept", "application/json");
    if !content_type.is_empty() {
        req = req.header("content-type", content_type);
    }
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = app
        .send(req.body(axum::body::Body::from(body)).unwrap())
        .await;
    let status = res.status();
    let cache = cache_control(res.headers());
    (status, body_text(res).await, cache)
}

fn cache_control(headers: &axum::http::HeaderMap) -> String {
    headers
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// What every signed-in answer says: no cache, shared or the browser's, keeps it.
const NO_STORE: &str = "private, no-store";

/// What of B's must never reach A: names, addresses and secrets that no probe sends.
fn canaries(w: &World) -> Vec<String> {
    vec![
        w.b.tenant.name.clone(),
        w.b.email.clone(),
        "buyer@bravo.example".into(),
        "Bravo lamp".into(),
        "b-only tagline".into(),
        "B secret integration".into(),
        "zz99".into(),
        "Bravo Town".into(),
        "bravo_signup".into(),
        "Matrix check".into(),
    ]
}

/// The development mailbox shows every outgoing mail by design; it is open only on a server run
/// for local development (`SiteConfig::dev_mailbox`, on in these tests).
const SHOWS_ALL_MAIL: &[&str] = &["dev_mailbox", "/dev/mailbox"];

/// The role bindings of B's owner and of the outsider, as text.
async fn bindings_of(w: &World) -> String {
    let mut c = w.app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.platform', 'on', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query_scalar(
        "select coalesce(string_agg(user_id || ':' || scope_kind || ':' || coalesce(tenant_id::text, '')
                || ':' || coalesce(agency_id::text, '') || ':' || role, ',' order by id), '')
           from role_bindings where user_id = any($1)",
    )
    .bind(vec![w.b.user_id, w.outsider.0])
    .fetch_one(&mut *tx)
    .await
    .unwrap()
}

/// The ids a probe tries in every id-typed argument.
fn foreign_ids(w: &World) -> Vec<(&'static str, cadence::Uuid)> {
    vec![
        ("B's tenant", w.b.tenant.scope.tenant_id().0),
        ("B's owner", w.b.user_id),
        ("an outsider", w.outsider.0),
        ("B's invitation", w.b_invitation),
        ("B's order", w.b_order),
        ("B's image", w.b_image),
        ("B's ad load", w.b_run),
        ("B's API key", w.b_key),
        ("B's support grant", w.b_grant),
    ]
}

#[tokio::test]
async fn every_server_function_and_route_tried_with_b_ids_leaks_and_changes_nothing() {
    let w = world().await;
    let before = snapshot_of_b(&w.app, &w.b).await;
    let bindings_before = bindings_of(&w).await;
    let leaks = canaries(&w);
    let ids = foreign_ids(&w);
    let mut cookie = w.a.cookie.clone();
    // A second session of A's for the unknown and malformed calls: each session has its own rate
    // limit, and the first keeps its fresh second-factor code for the calls that need it.
    let second = w.app.session_for(&w.a.email).await;
    let mut failures: Vec<String> = Vec::new();
    let mut calls = 0;
    let fns = registered();
    for (fn_path, spec) in &fns {
        let has_ids = spec.args.iter().any(|(_, k)| *k == ArgKind::Id);
        let tries: Vec<(&str, cadence::Uuid)> = if has_ids { ids.clone() } else { vec![ids[0]] };
        // As A, with each of B's ids (and the outsider's).
        for (label, id) in &tries {
            let (ct, body) = body_for(spec, &w, *id, None);
            let (status, text, cache) =
                send_raw(&w.app, "POST", fn_path, &ct, body, Some(&cookie)).await;
            calls += 1;
            if cache != NO_STORE {
                failures.push(format!(
                    "{} answered with Cache-Control `{cache}`",
                    spec.name
                ));
            }
            // 429 would mean the sweep stopped probing: give it more sessions if it ever shows.
            if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                failures.push(format!("{} with {label}: {status} {text}", spec.name));
            }
            if !SHOWS_ALL_MAIL.contains(&spec.name.as_str())
                && let Some(l) = leaks.iter().find(|l| text.contains(l.as_str()))
            {
                failures.push(format!(
                    "{} with {label} showed B's `{l}`: {text}",
                    spec.name
                ));
            }
        }
        // Unknown ids and values, no session, and bodies that cannot be read.
        let (ct, unknown) = body_for(spec, &w, cadence::Uuid::now_v7(), Some("zz-unknown"));
        let (ct2, plain) = body_for(spec, &w, ids[0].1, None);
        for (what, ct, body, c) in [
            ("unknown input", ct.as_str(), unknown, Some(second.as_str())),
            ("no session", ct2.as_str(), plain, None),
            (
                "a malformed form",
                "application/x-www-form-urlencoded",
                "%E0%A4%A=&&=%zz".to_string(),
                Some(second.as_str()),
            ),
            (
                "a wrong content type",
                "text/plain",
                "\u{0}\u{1}garbage".into(),
                Some(second.as_str()),
            ),
        ] {
            let (status, text, cache) = send_raw(&w.app, "POST", fn_path, ct, body, c).await;
            calls += 1;
            if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                failures.push(format!("{} with {what}: {status} {text}", spec.name));
            }
            if cache != NO_STORE {
                failures.push(format!(
                    "{} with {what}: Cache-Control `{cache}`",
                    spec.name
                ));
            }
        }
        // A call that ended A's session (log-out, sorted last): sign in again for the pages.
        if spec.name == "log_out" {
            cookie = w.app.session_for(&w.a.email).await;
        }
    }
    println!("{calls} server-function calls over {} functions", fns.len());

    // Every page of both apps, with B's ids in its parameters.
    let params = regex::Regex::new(r"(:[A-Za-z_]+|\{[^}]+\}|\*[A-Za-z_]+)").unwrap();
    let mut pages = 0;
    for route in server::router::route_list() {
        let tries: Vec<_> = if params.is_match(route.path()) {
            ids.clone()
        } else {
            vec![ids[0]]
        };
        for (label, id) in tries {
            let p = params
                .replace_all(route.path(), id.to_string().as_str())
                .to_string();
            let (status, text, cache) =
                send_raw(&w.app, "GET", &p, "", String::new(), Some(&cookie)).await;
            pages += 1;
            if status.is_server_error() {
                failures.push(format!("page {p} ({label}): {status}"));
            }
            if cache != NO_STORE {
                failures.push(format!("page {p} ({label}): Cache-Control `{cache}`"));
            }
            if !SHOWS_ALL_MAIL.contains(&route.path())
                && let Some(l) = leaks.iter().find(|l| text.contains(l.as_str()))
            {
                failures.push(format!("page {p} ({label}) showed B's `{l}`"));
            }
        }
    }
    // The router's own routes (uploads, images, exports, storefront posts, the REST API), read
    // from the server's source so a new one is tried too: each with GET and POST (a method it
    // does not serve answers 405), on the platform host and on B's storefront host.
    let a_key = w.app.api_key(&w.a, "Sweep key", "admin", None).await;
    let route_re = regex::Regex::new(r#"\.route\(\s*"([^"]+)""#).unwrap();
    let mut routes = Vec::new();
    let mut sources = Vec::new();
    source_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut sources,
    );
    for file in sources {
        // The REST API's router is nested under /api/v1.
        let prefix = if file.to_string_lossy().contains("api_v1") {
            "/api/v1"
        } else {
            ""
        };
        let src = std::fs::read_to_string(&file).unwrap();
        for c in route_re.captures_iter(&src) {
            routes.push(format!("{prefix}{}", &c[1]));
        }
    }
    assert!(
        routes.len() >= 10,
        "the router's routes were not found: {routes:?}"
    );
    // B's storefront is public: there only what B never publishes counts as a leak.
    let private: Vec<&String> = leaks
        .iter()
        .filter(|l| {
            ![w.b.tenant.name.as_str(), "Bravo lamp", "b-only tagline"].contains(&l.as_str())
        })
        .collect();
    let b_host = storefront_host(&w.b.tenant.slug);
    // The platform host first; B's storefront afterwards, once B's data has been compared (a
    // storefront visit or a visitor's cart is B's public storefront at work, not a leak).
    let mut compared = false;
    for host in [BASE_DOMAIN, b_host.as_str()] {
        if host != BASE_DOMAIN && !compared {
            assert_eq!(
                snapshot_of_b(&w.app, &w.b).await,
                before,
                "B's data is unchanged"
            );
            compared = true;
        }
        for route in &routes {
            let tries: Vec<_> = if params.is_match(route) {
                ids.clone()
            } else {
                vec![ids[0]]
            };
            for (label, id) in &tries {
                for method in ["GET", "POST"] {
                    let p = params
                        .replace_all(route, id.to_string().as_str())
                        .to_string();
                    let mut req = axum::http::Request::builder()
                        .method(method)
                        .uri(&p)
                        .header("host", host)
                        .header("cookie", &cookie)
                        .header("content-type", "application/x-www-form-urlencoded");
                    if p.starts_with("/api/v1") {
                        req = req.header("authorization", format!("Bearer {a_key}"));
                    }
                    let body = format!("item_id={id}&id={id}&tenant_id={id}&quantity=1");
                    let res = w
                        .app
                        .send(req.body(axum::body::Body::from(body)).unwrap())
                        .await;
                    let status = res.status();
                    let cache = cache_control(res.headers());
                    let text = body_text(res).await;
                    pages += 1;
                    // Private answers never go to a shared cache (a private image may be
                    // revalidated: `private, no-cache`); only B's public storefront may be.
                    if host == BASE_DOMAIN && !cache.starts_with("private") {
                        failures.push(format!("{method} {host}{p}: Cache-Control `{cache}`"));
                    }
                    if status.is_server_error() {
                        failures.push(format!("{method} {host}{p} ({label}): {status} {text}"));
                    }
                    let watch: Vec<&String> = if host == BASE_DOMAIN {
                        leaks.iter().collect()
                    } else {
                        private.clone()
                    };
                    if let Some(l) = watch.iter().find(|l| text.contains(l.as_str())) {
                        failures.push(format!("{method} {host}{p} ({label}) showed B's `{l}`"));
                    }
                }
            }
        }
    }
    println!(
        "{pages} page and route requests over {} routes",
        routes.len()
    );

    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared);
    assert_eq!(
        bindings_of(&w).await,
        bindings_before,
        "neither B's owner nor the outsider was bound anywhere new"
    );
}

#[tokio::test]
async fn an_owner_cannot_bind_an_outsider_by_changing_their_role() {
    let w = world().await;
    let outsider_cookie = w.app.session_for(&w.outsider.1).await;
    let tenants = |cookie: String| {
        let app = &w.app;
        async move { app.call(path::<MyTenants>(), &[], Some(&cookie)).await.body }
    };
    let outsider_before = tenants(outsider_cookie.clone()).await;
    let b_before = tenants(w.b.cookie.clone()).await;
    for (who, id) in [("the outsider", w.outsider.0), ("B's owner", w.b.user_id)] {
        let r = w
            .app
            .call(
                path::<app::api::team::ChangeMemberRole>(),
                &[("user_id", &id.to_string()), ("role", "viewer")],
                Some(&w.a.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}: {}", r.body);
    }
    assert_eq!(tenants(outsider_cookie).await, outsider_before);
    assert_eq!(tenants(w.b.cookie.clone()).await, b_before);
    let (_, _, scope) = a_inviter_parts(&w).await;
    let members = cadence::team::members(&w.app.db, &scope).await.unwrap();
    assert!(
        members
            .iter()
            .all(|m| m.user_id != w.outsider.0 && m.user_id != w.b.user_id)
    );
    let audit = cadence::audit::recent_for_tenant(&w.app.db, &scope, 100)
        .await
        .unwrap();
    assert!(
        audit.iter().all(|e| e.action != "role.grant"),
        "no role was granted"
    );
}
