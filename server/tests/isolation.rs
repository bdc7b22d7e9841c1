//! Tenant isolation: the catalog rule (RLS on every tenant table) and cross-tenant reads and writes.

mod common;
use cadence::tenancy::ResolvedTenant;
use common::*;
use sqlx::Row;

/// A raw transaction as the application role, scoped to a tenant the way the tenant door does it.
async fn scoped_tx<'c>(
    conn: &'c mut sqlx::PgConnection,
    tenant: &ResolvedTenant,
) -> sqlx::Transaction<'c, sqlx::Postgres> {
    let mut tx = sqlx::Connection::begin(conn).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(tenant.scope.tenant_id().to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx
}

#[tokio::test]
async fn every_tenant_table_has_row_level_security_enabled_forced_and_a_policy() {
    let app = TestApp::spawn().await;
    let mut conn = app.owner_conn().await;
    let rows = sqlx::query(
        "select c.relname, c.relrowsecurity, c.relforcerowsecurity,
                (select count(*) from pg_policy p where p.polrelid = c.oid) as policies
           from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p')
            and exists (select 1 from pg_attribute a
                         where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(!rows.is_empty(), "there are tenant tables to check");
    let mut failures = Vec::new();
    for r in &rows {
        let name: String = r.get("relname");
        let (enabled, forced, policies): (bool, bool, i64) = (
            r.get("relrowsecurity"),
            r.get("relforcerowsecurity"),
            r.get("policies"),
        );
        if !enabled || !forced || policies == 0 {
            failures.push(format!(
                "{name}: enabled={enabled} forced={forced} policies={policies}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "tables without full RLS: {failures:#?}"
    );
}

#[tokio::test]
async fn the_application_role_owns_nothing_and_cannot_bypass_rls() {
    let app = TestApp::spawn().await;
    let mut conn = app.app_conn().await;
    let (superuser, bypass): (bool, bool) =
        sqlx::query_as("select rolsuper, rolbypassrls from pg_roles where rolname = current_user")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(!superuser && !bypass);
    let owned: i64 = sqlx::query_scalar(
        "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and pg_get_userbyid(c.relowner) = current_user",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(owned, 0);
}

#[tokio::test]
async fn tenant_b_never_sees_tenant_a_storefront_profile() {
    let app = TestApp::spawn().await;
    let a = app.new_tenant("Alpha").await;
    let b = app.new_tenant("Bravo").await;
    cadence::storefront::save_profile(
        &app.db,
        &a.scope,
        "Alpha Secret Name",
        Some("alpha tagline"),
        None,
    )
    .await
    .unwrap();
    let seen_by_b = cadence::storefront::profile(&app.db, &b).await.unwrap();
    assert_eq!(seen_by_b.display_name, "Bravo");
    assert_eq!(seen_by_b.tagline, None);

    let (_, page) = app.get(&storefront_host(&b.slug), "/").await;
    assert!(!page.contains("Alpha Secret Name"));
}

#[tokio::test]
async fn without_a_tenant_scope_the_app_role_reads_no_tenant_rows() {
    let app = TestApp::spawn().await;
    let a = app.new_tenant("Scoped").await;
    cadence::storefront::save_profile(&app.db, &a.scope, "Scoped", None, None)
        .await
        .unwrap();
    let mut conn = app.app_conn().await;
    let n: i64 = sqlx::query_scalar("select count(*) from storefront_settings")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 0, "a query that forgets its tenant sees nothing");
    let n: i64 = sqlx::query_scalar("select count(*) from tenants")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 0, "the tenant registry is closed outside a scope");
}

#[tokio::test]
async fn tenant_b_cannot_write_rows_for_tenant_a() {
    let app = TestApp::spawn().await;
    let a = app.new_tenant("Victim").await;
    let b = app.new_tenant("Intruder").await;
    let mut conn = app.app_conn().await;
    let mut tx = scoped_tx(&mut conn, &b).await;
    let err = sqlx::query(
        "insert into storefront_settings (tenant_id, display_name) values ($1, 'pwned')",
    )
    .bind(a.scope.tenant_id().0)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    tx.rollback().await.unwrap();

    let mut tx = scoped_tx(&mut conn, &b).await;
    let updated = sqlx::query("update tenants set name = 'pwned' where id = $1")
        .bind(a.scope.tenant_id().0)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(updated, 0, "another tenant's registry row is invisible");
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn a_transaction_local_scope_does_not_leak_into_the_next_transaction() {
    let app = TestApp::spawn().await;
    let a = app.new_tenant("Leaky?").await;
    cadence::storefront::save_profile(&app.db, &a.scope, "Leaky?", None, None)
        .await
        .unwrap();
    let mut conn = app.app_conn().await;
    let mut tx = scoped_tx(&mut conn, &a).await;
    let inside: i64 = sqlx::query_scalar("select count(*) from storefront_settings")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(inside, 1);
    tx.commit().await.unwrap();
    let after: i64 = sqlx::query_scalar("select count(*) from storefront_settings")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(after, 0, "the same connection carries no tenant afterwards");
}
