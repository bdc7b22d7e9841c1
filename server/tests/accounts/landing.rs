//! Where a log-in lands: the tenant the person used last, while they can still enter it, else
//! their first tenant by name.

use super::*;
use app::api::tenant::{MyTenants, SwitchTenant};
use cadence::tenancy::TenantSlug;

/// The name of the tenant the session is in (what the switcher marks current).
async fn current_tenant(app: &TestApp, cookie: &str) -> String {
    let a = app.call(path::<MyTenants>(), &[], Some(cookie)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let list: Vec<serde_json::Value> = serde_json::from_str(&a.body).unwrap();
    let current: Vec<&serde_json::Value> = list.iter().filter(|t| t["current"] == true).collect();
    assert_eq!(current.len(), 1, "{}", a.body);
    current[0]["name"].as_str().unwrap().to_string()
}

async fn fresh_log_in(app: &TestApp, email: &str) -> String {
    log_in(app, email, PASSWORD)
        .await
        .session_cookie()
        .expect("logged in")
}

async fn owned_tenant(app: &TestApp, user: uuid::Uuid, name: &str) -> uuid::Uuid {
    let slug = TenantSlug::parse(&random_slug()).unwrap();
    cadence::tenancy::create_tenant_owned_by(&app.db, &slug, name, user)
        .await
        .unwrap()
        .scope
        .tenant_id()
        .0
}

/// Takes the user's role in a tenant away (set-up: the owner role, inside that tenant).
async fn lose_access(app: &TestApp, user: uuid::Uuid, tenant: uuid::Uuid) {
    let mut c = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let gone = sqlx::query("delete from role_bindings where user_id = $1 and tenant_id = $2")
        .bind(user)
        .bind(tenant)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(gone, 1);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_log_in_lands_in_the_tenant_used_last_and_in_the_first_once_that_is_out_of_reach() {
    let app = TestApp::spawn().await;
    let (user, email) = app.verified_user("Two Hats").await;
    let suffix = &random_slug()[2..];
    let first = format!("Alpha {suffix}");
    let second = format!("Zulu {suffix}");
    owned_tenant(&app, user, &first).await;
    let zulu = owned_tenant(&app, user, &second).await;

    // Nothing used yet: the first by name.
    let cookie = fresh_log_in(&app, &email).await;
    assert_eq!(current_tenant(&app, &cookie).await, first);
    let s = app
        .call(
            path::<SwitchTenant>(),
            &[("tenant_id", &zulu.to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert_eq!(current_tenant(&app, &cookie).await, second);
    app.call(path::<LogOut>(), &[], Some(&cookie)).await;

    // The next log-in lands where they left off.
    let cookie = fresh_log_in(&app, &email).await;
    assert_eq!(current_tenant(&app, &cookie).await, second);
    app.call(path::<LogOut>(), &[], Some(&cookie)).await;

    // Once they lose access to it, the first by name again.
    lose_access(&app, user, zulu).await;
    let cookie = fresh_log_in(&app, &email).await;
    assert_eq!(current_tenant(&app, &cookie).await, first);
}

#[tokio::test]
async fn a_log_in_over_someone_elses_session_lands_by_the_new_users_own_rule() {
    let app = TestApp::spawn().await;
    let (a, a_email) = app.verified_user("First Person").await;
    let (b, b_email) = app.verified_user("Second Person").await;
    let suffix = &random_slug()[2..];
    let shared_name = format!("Alpha {suffix}");
    let shared = owned_tenant(&app, a, &shared_name).await;
    let b_own = format!("Zulu {suffix}");
    let b_tenant = owned_tenant(&app, b, &b_own).await;
    // B belongs to the shared tenant too, and used their own last.
    let mut c = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(shared.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "insert into role_bindings (id, user_id, role, scope_kind, tenant_id)
         values ($1, $2, 'viewer', 'tenant', $3)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(b)
    .bind(shared)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let cookie = fresh_log_in(&app, &b_email).await;
    app.call(
        path::<SwitchTenant>(),
        &[("tenant_id", &b_tenant.to_string())],
        Some(&cookie),
    )
    .await;
    app.call(path::<LogOut>(), &[], Some(&cookie)).await;

    // A's session is in the shared tenant; B logs in on the same browser without A logging out.
    let a_cookie = fresh_log_in(&app, &a_email).await;
    assert_eq!(current_tenant(&app, &a_cookie).await, shared_name);
    let b_cookie = app
        .call(
            path::<LogIn>(),
            &[("email", b_email.as_str()), ("password", PASSWORD)],
            Some(&a_cookie),
        )
        .await
        .session_cookie()
        .expect("logged in");
    assert_eq!(current_tenant(&app, &b_cookie).await, b_own);
}
