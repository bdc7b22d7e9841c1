//! Reading the audit log for reviews: filtered, cursor-paged search, and the access review (every
//! person with a role in the tenant, where they hold it, and when they last logged in).

use crate::db::Database;
use crate::tenancy::TenantScope;
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// What the audit viewer filters by; empty fields match everything.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Part of the actor's name or email.
    pub actor: String,
    /// An action, or a prefix ending in '.' ("impersonation.").
    pub action: String,
    pub from: Option<NaiveDate>,
    /// Inclusive.
    pub to: Option<NaiveDate>,
}

impl AuditFilter {
    /// Parses the viewer's fields; dates as YYYY-MM-DD.
    pub fn parse(actor: &str, action: &str, from: &str, to: &str) -> Result<Self> {
        let date = |s: &str, what: &str| -> Result<Option<NaiveDate>> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    Error::Validation(format!("The {what} date must look like 2026-12-01."))
                })
        };
        let f = Self {
            actor: actor.trim().chars().take(100).collect(),
            action: action.trim().chars().take(100).collect(),
            from: date(from, "from")?,
            to: date(to, "to")?,
        };
        if let (Some(a), Some(b)) = (f.from, f.to)
            && a > b
        {
            return Err(Error::Validation(
                "The from date is after the to date.".into(),
            ));
        }
        Ok(f)
    }
}

/// One audit row, with both identities when staff acted in someone's account.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub action: String,
    pub outcome: String,
    pub actor: Option<String>,
    pub actor_email: Option<String>,
    pub acting_as: Option<String>,
    pub target: Option<String>,
    pub reason: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

/// Where the next page starts: the last row's time and id.
pub type Cursor = (DateTime<Utc>, Uuid);

/// Up to `limit` rows of the scoped tenant's log matching the filter, newest first, after `cursor`.
pub async fn search(
    db: &Database,
    scope: &TenantScope,
    filter: &AuditFilter,
    cursor: Option<Cursor>,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let like = |s: &str| format!("%{}%", crate::db::escape_like(s));
    let action_exact =
        (!filter.action.is_empty() && !filter.action.ends_with('.')).then(|| filter.action.clone());
    let action_prefix = filter
        .action
        .ends_with('.')
        .then(|| format!("{}%", crate::db::escape_like(&filter.action)));
    let mut tx = db.tenant_tx(scope).await?;
    let rows = sqlx::query_as(
        "select a.id, a.at, a.action, a.outcome, u.display_name as actor, u.email as actor_email,
                v.display_name as acting_as, a.target, a.reason, a.ip, a.request_id
           from audit_log a
           left join users u on u.id = a.actor_user_id
           left join users v on v.id = a.acting_as_user_id
          where a.tenant_id = app_current_tenant()
            and ($1::text is null or u.display_name ilike $1 or u.email ilike $1
                 or v.display_name ilike $1)
            and ($2::text is null or a.action = $2)
            and ($3::text is null or a.action like $3)
            and ($4::date is null or a.at >= $4::date)
            and ($5::date is null or a.at < $5::date + 1)
            and ($6::timestamptz is null or (a.at, a.id) < ($6, $7))
          order by a.at desc, a.id desc
          limit $8",
    )
    .bind((!filter.actor.is_empty()).then(|| like(&filter.actor)))
    .bind(action_exact)
    .bind(action_prefix)
    .bind(filter.from)
    .bind(filter.to)
    .bind(cursor.map(|c| c.0))
    .bind(cursor.map(|c| c.1))
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// The distinct actions in the scoped tenant's log, for the viewer's filter.
pub async fn actions(db: &Database, scope: &TenantScope) -> Result<Vec<String>> {
    let mut tx = db.tenant_tx(scope).await?;
    let rows = sqlx::query_scalar(
        "select distinct action from audit_log where tenant_id = app_current_tenant() order by 1",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// One person's access to the tenant, for an access review.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct AccessEntry {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    /// "tenant", "agency" (through the agency that manages this tenant) or "workspace".
    pub scope: String,
    /// The tenant's, agency's or workspace's name.
    pub scope_name: String,
    pub role: String,
    pub granted_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub mfa: bool,
}

/// Everyone holding a role that reaches the scoped tenant: its own bindings and its agency's staff.
pub async fn access_review(db: &Database, scope: &TenantScope) -> Result<Vec<AccessEntry>> {
    let mut tx = db.tenant_tx(scope).await?;
    let rows = sqlx::query_as(
        "select u.id as user_id, u.display_name as name, u.email, b.scope_kind as scope,
                coalesce(w.name, t.name) as scope_name, b.role, b.created_at as granted_at,
                u.last_login_at,
                exists (select 1 from user_mfa m where m.user_id = u.id and m.enabled_at is not null) as mfa
           from role_bindings b
           join users u on u.id = b.user_id
           join tenants t on t.id = b.tenant_id
           left join workspaces w on w.id = b.workspace_id
          where b.tenant_id = app_current_tenant()
         union all
         select u.id, u.display_name, u.email, 'agency', a.name, b.role, b.created_at,
                u.last_login_at,
                exists (select 1 from user_mfa m where m.user_id = u.id and m.enabled_at is not null)
           from agency_staff_of_tenant(app_current_tenant()) b
           join users u on u.id = b.user_id
           join agencies a on a.id = b.agency_id
          order by 2, 4",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

fn csv_line(cells: &[&str]) -> String {
    let mut line = cells
        .iter()
        .map(|c| crate::commerce::csv_field(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// The audit rows as CSV (spreadsheet formulas neutralised).
pub fn audit_csv(rows: &[AuditEntry]) -> String {
    let mut out = csv_line(&[
        "at",
        "action",
        "outcome",
        "actor",
        "actor_email",
        "acting_as",
        "target",
        "reason",
        "ip",
        "request_id",
    ]);
    for r in rows {
        out.push_str(&csv_line(&[
            &r.at.to_rfc3339(),
            &r.action,
            &r.outcome,
            r.actor.as_deref().unwrap_or(""),
            r.actor_email.as_deref().unwrap_or(""),
            r.acting_as.as_deref().unwrap_or(""),
            r.target.as_deref().unwrap_or(""),
            r.reason.as_deref().unwrap_or(""),
            r.ip.as_deref().unwrap_or(""),
            r.request_id.as_deref().unwrap_or(""),
        ]));
    }
    out
}

/// The access review as CSV.
pub fn access_csv(rows: &[AccessEntry]) -> String {
    let mut out = csv_line(&[
        "user_id",
        "name",
        "email",
        "scope",
        "scope_name",
        "role",
        "granted_at",
        "last_login_at",
        "mfa",
    ]);
    for r in rows {
        out.push_str(&csv_line(&[
            &r.user_id.to_string(),
            &r.name,
            &r.email,
            &r.scope,
            &r.scope_name,
            &r.role,
            &r.granted_at.to_rfc3339(),
            &r.last_login_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            if r.mfa { "yes" } else { "no" },
        ]));
    }
    out
}

/// Audits an export (what, how many rows) in the scoped tenant's log.
pub async fn record_export(
    db: &Database,
    scope: &TenantScope,
    what: &str,
    rows: usize,
    meta: &super::RequestMeta,
) -> Result<()> {
    let mut tx = db.tenant_tx(scope).await?;
    let mut e = super::AuditEvent::new("export.audit", super::Outcome::Success)
        .tenant(scope.tenant_id().0)
        .target(format!("{rows} rows of {what}"));
    if let Some(u) = scope.user_id() {
        e = e.actor(u);
    }
    super::record(&mut tx, meta, e).await?;
    tx.commit().await?;
    Ok(())
}
