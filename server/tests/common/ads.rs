//! Helpers for the ad-data tests: a team acting in a fresh tenant, Meta insights lines, and
//! queries inside the tenant.

use super::*;
use cadence::ads::{self, Platform};
use cadence::commerce::Staff;

pub struct Team {
    pub app: TestApp,
    pub parts: StaffParts,
    pub scope: cadence::tenancy::TenantScope,
}

impl Team {
    pub async fn new(app: TestApp) -> Team {
        let m = app.member_of_new_tenant("Ad Agency Client").await;
        let parts = StaffParts::of(&app, &m).await;
        let scope = parts.scope.clone();
        Team { app, parts, scope }
    }

    pub fn staff<'a>(&'a self, meta: &'a cadence::audit::RequestMeta) -> Staff<'a> {
        self.parts.staff(meta)
    }

    pub async fn ingest(&self, lines: &[String]) -> cadence::ads::RunReport {
        let meta = Default::default();
        ads::ingest_meta_jsonl(
            &self.app.db,
            &self.staff(&meta),
            "test.jsonl",
            lines.join("\n").as_bytes(),
        )
        .await
        .unwrap()
    }

    /// (rows, spend micros, impressions, conversions) of the whole-ad rows.
    pub async fn totals(&self) -> (i64, i64, i64, String) {
        let mut c = self.app.app_conn().await;
        let mut tx = scoped(&mut c, &self.scope).await;
        let t: (i64, Option<i64>, Option<i64>, Option<String>) = sqlx::query_as(
            "select count(*), sum(spend_micros)::int8, sum(impressions)::int8, sum(conversions)::text
               from fact_performance where breakdown = 'none'",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (
            t.0,
            t.1.unwrap_or(0),
            t.2.unwrap_or(0),
            t.3.unwrap_or_default(),
        )
    }
}

/// A transaction as the application role inside `scope`'s tenant (row-level security applies).
pub async fn scoped<'c>(
    c: &'c mut sqlx::PgConnection,
    scope: &cadence::tenancy::TenantScope,
) -> sqlx::Transaction<'c, sqlx::Postgres> {
    let mut tx = sqlx::Connection::begin(c).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(scope.tenant_id().to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx
}

pub fn line(
    account: &str,
    ad: &str,
    day: &str,
    spend: &str,
    impressions: u32,
    region: Option<&str>,
) -> String {
    let region = region
        .map(|r| format!(r#","region":"{r}""#))
        .unwrap_or_default();
    format!(
        r#"{{"date_start":"{day}","account_id":"{account}","campaign_id":"c-{ad}","adset_id":"s-{ad}","ad_id":"{ad}","campaign_name":"Holiday","account_currency":"JMD","impressions":"{impressions}","clicks":"3","spend":"{spend}","actions":[{{"action_type":"purchase","value":"1"}}],"action_values":[{{"action_type":"purchase","value":"1500.50"}}]{region}}}"#
    )
}

impl Team {
    /// Uploads `bytes` declared as `format`, as this team's member.
    pub async fn upload(
        &self,
        format: &cadence::ads::FileFormat,
        bytes: &[u8],
    ) -> cadence::Result<cadence::ads::RunReport> {
        let meta = Default::default();
        ads::ingest_upload(
            &self.app.db,
            &self.staff(&meta),
            format,
            "test",
            bytes.to_vec(),
        )
        .await
    }

    /// Connects a new random account of `platform` to this tenant and returns its id.
    pub async fn account(&self, platform: Platform) -> String {
        let id = random_account();
        let meta = Default::default();
        ads::map_account(&self.app.db, &self.staff(&meta), platform, &id, "Test")
            .await
            .unwrap();
        id
    }

    /// Assigns `account` to this tenant as the operator (`cadence ads assign`): its synced rows
    /// load here.
    pub async fn assign(&self, platform: Platform, account: &str) {
        ads::assign_by_operator(&self.app.db, platform, account, self.scope.tenant_id())
            .await
            .unwrap();
    }

    /// One number from a query run inside this tenant (row-level security applies).
    pub async fn number(&self, sql: &str) -> i64 {
        let mut c = self.app.app_conn().await;
        let mut tx = scoped(&mut c, &self.scope).await;
        let n: Option<i64> = sqlx::query_scalar(sql).fetch_one(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        n.unwrap_or(0)
    }
}

/// A fresh all-digit account id (an account is assigned to one tenant at most).
pub fn random_account() -> String {
    let n = uuid::Uuid::now_v7().as_u128() % 10u128.pow(15);
    format!("7{n:015}")
}
