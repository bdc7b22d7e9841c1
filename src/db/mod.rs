//! The database: the application pool (the one door to tenant data), migrations and the private cluster.

pub mod cluster;

use crate::Result;
use crate::tenancy::TenantScope;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// The migrations, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The application role's connection pool. The pool itself never leaves the core: callers get
/// feature functions that take a [`TenantScope`], and those open tenant transactions here.
#[derive(Clone)]
pub struct Database {
    pool: PgPool,
    /// This server's storefront cache (one per handle and its clones, so two app servers in one
    /// test process keep apart what two machines would).
    storefront: std::sync::Arc<crate::storefront::StorefrontCache>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("pool", &self.pool)
            .finish()
    }
}

impl Database {
    /// Connects as the application role (`DATABASE_URL`).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)?.application_name("cadence");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self::from_pool(pool))
    }

    /// A handle over an existing pool of the application role (tests keep the pool to look at its
    /// connections afterwards), with an empty storefront cache.
    pub fn from_pool(pool: PgPool) -> Self {
        Self {
            pool,
            storefront: Default::default(),
        }
    }

    /// This server's storefront cache.
    pub fn storefront_cache(&self) -> &std::sync::Arc<crate::storefront::StorefrontCache> {
        &self.storefront
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Open connections and how many of them are idle (for `/metrics`).
    pub fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Closes every connection (graceful shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The session store (tower-sessions' PostgreSQL layout, created by the migrations), so any
    /// app server can serve any request.
    pub fn session_store(&self) -> tower_sessions_sqlx_store::PostgresStore {
        tower_sessions_sqlx_store::PostgresStore::new(self.pool.clone())
    }

    /// Removes expired sessions; returns how many.
    pub async fn delete_expired_sessions(&self) -> Result<u64> {
        Ok(
            sqlx::query("delete from tower_sessions.session where expiry_date < now()")
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    /// For core modules only: queries that need no tenant (directory look-ups through
    /// security-definer functions, health checks), and the storefront's read functions
    /// (`storefront_items`, `storefront_receipt`), whose first act is the transaction-local
    /// tenant setting: one statement, its own transaction, nothing left on the connection.
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A transaction for a signed-in user outside any tenant: `app.user_id` is set, so the user
    /// reads their own role bindings (and the tenants those name), nothing else.
    pub(crate) async fn user_tx(&self, user: uuid::Uuid) -> Result<Transaction<'static, Postgres>> {
        self.user_tx_with_tenants(user, &[]).await
    }

    /// As [`Self::user_tx`], plus an explicit list of tenant ids for agency-wide reads (never a
    /// bypass: only the listed tenants become visible).
    pub(crate) async fn user_tx_with_tenants(
        &self,
        user: uuid::Uuid,
        tenants: &[uuid::Uuid],
    ) -> Result<Transaction<'static, Postgres>> {
        let list = tenants
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(",");
        Ok(self
            .pool
            .begin_with(scoped_begin(None, Some(user), &list))
            .await?)
    }

    /// The tenant door: a transaction whose first act sets `app.tenant_id` / `app.user_id`
    /// transaction-locally, so row-level security confines every query in it to one tenant and a
    /// pooled connection carries nothing over to the next request.
    pub(crate) async fn tenant_tx(
        &self,
        scope: &TenantScope,
    ) -> Result<Transaction<'static, Postgres>> {
        let sql = scoped_begin(Some(scope.tenant_id().0), scope.user_id(), "");
        Ok(self.pool.begin_with(sql).await?)
    }

    /// The platform door: a transaction with `app.platform = 'on'` (and, for an action on one
    /// tenant, that tenant's id, so its audit row lands in the tenant's own log). Only the core's
    /// platform module opens it, after the policy decision point allowed a platform privilege.
    pub(crate) async fn platform_tx(
        &self,
        staff: Option<uuid::Uuid>,
        tenant: Option<uuid::Uuid>,
    ) -> Result<Transaction<'static, Postgres>> {
        let mut sql = scoped_begin(tenant, staff, "");
        sql.push_str("; SET LOCAL app.platform = 'on'");
        Ok(self.pool.begin_with(sql).await?)
    }
}

/// `s` with LIKE's wildcards (`%`, `_`) and its escape character taken literally, for patterns
/// built around user input: `format!("%{}%", escape_like(q))`.
pub(crate) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// `BEGIN` and the transaction-local settings as one simple query: one round trip instead of two.
/// `SET LOCAL` is a utility statement (nothing to plan), and a setting left out is empty in a new
/// transaction anyway, so only the ones in use are sent. Only UUIDs (hex digits and hyphens, as the
/// uuid crate formats them) are interpolated.
fn scoped_begin(tenant: Option<uuid::Uuid>, user: Option<uuid::Uuid>, tenant_list: &str) -> String {
    debug_assert!(
        tenant_list
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == '-' || c == ',')
    );
    let mut sql = String::with_capacity(160);
    sql.push_str("BEGIN");
    if let Some(t) = tenant {
        sql.push_str(&format!("; SET LOCAL app.tenant_id = '{t}'"));
    }
    if let Some(u) = user {
        sql.push_str(&format!("; SET LOCAL app.user_id = '{u}'"));
    }
    if !tenant_list.is_empty() {
        sql.push_str(&format!("; SET LOCAL app.tenant_ids = '{tenant_list}'"));
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::scoped_begin;
    use uuid::Uuid;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(super::escape_like(r"50%_off\x"), r"50\%\_off\\x");
    }

    #[test]
    fn the_door_sets_only_the_settings_in_use() {
        let t = Uuid::from_u128(1);
        assert_eq!(
            scoped_begin(Some(t), None, ""),
            "BEGIN; SET LOCAL app.tenant_id = '00000000-0000-0000-0000-000000000001'"
        );
        let u = Uuid::from_u128(2);
        assert_eq!(
            scoped_begin(None, Some(u), &t.to_string()),
            "BEGIN; SET LOCAL app.user_id = '00000000-0000-0000-0000-000000000002'; SET LOCAL app.tenant_ids = '00000000-0000-0000-0000-000000000001'"
        );
    }
}

/// Facts about the database for the status page and `/readyz`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DatabaseInfo {
    pub server_version: String,
    pub migrations_applied: i64,
    pub latest_migration: Option<i64>,
}

impl Database {
    pub async fn info(&self) -> Result<DatabaseInfo> {
        let server_version: String = sqlx::query_scalar("show server_version")
            .fetch_one(&self.pool)
            .await?;
        let (migrations_applied, latest_migration): (i64, Option<i64>) =
            sqlx::query_as("select count(*), max(version) from _sqlx_migrations where success")
                .fetch_one(&self.pool)
                .await?;
        Ok(DatabaseInfo {
            server_version,
            migrations_applied,
            latest_migration,
        })
    }
}

/// Applies pending migrations as the owner role (`DATABASE_OWNER_URL`).
#[tracing::instrument(name = "Apply database migrations", skip_all)]
pub async fn migrate(owner_url: &str) -> Result<()> {
    let options = PgConnectOptions::from_str(owner_url)?.application_name("cadence-migrate");
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    pool.close().await;
    Ok(())
}
