//! The audit log: append-only rows for security-relevant events, with who, where and why.

pub mod review;

use sqlx::PgConnection;
use uuid::Uuid;

/// Where a request came from, for audit rows and throttling.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    /// Set while platform staff act in a user's account (impersonation with consent): audit rows
    /// then name the staff member as the actor and the user as the one acted as.
    pub impersonator: Option<Uuid>,
}

impl RequestMeta {
    /// Refuses what an impersonated session may never do (change passwords or credentials).
    pub fn forbid_when_impersonating(&self, what: &str) -> crate::Result<()> {
        match self.impersonator {
            Some(_) => Err(crate::Error::Forbidden(format!(
                "support staff acting in this account cannot {what}"
            ))),
            None => Ok(()),
        }
    }
}

/// How an audited attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// One audit row to append.
#[derive(Clone, Debug)]
pub struct AuditEvent<'a> {
    pub tenant_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub acting_as_user_id: Option<Uuid>,
    pub action: &'a str,
    pub target: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
}

impl<'a> AuditEvent<'a> {
    pub fn new(action: &'a str, outcome: Outcome) -> Self {
        Self {
            tenant_id: None,
            actor_user_id: None,
            acting_as_user_id: None,
            action,
            target: None,
            outcome,
            reason: None,
        }
    }

    pub fn actor(mut self, user: Uuid) -> Self {
        self.actor_user_id = Some(user);
        self
    }

    pub fn tenant(mut self, tenant: Uuid) -> Self {
        self.tenant_id = Some(tenant);
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// Appends an audit row inside the caller's transaction (so the event and its record commit
/// together). A tenant row needs the transaction to be scoped to that tenant (RLS checks it).
pub async fn record(
    conn: &mut PgConnection,
    meta: &RequestMeta,
    mut e: AuditEvent<'_>,
) -> crate::Result<()> {
    if let Some(staff) = meta.impersonator {
        e.acting_as_user_id = e.actor_user_id.or(e.acting_as_user_id);
        e.actor_user_id = Some(staff);
    }
    sqlx::query(
        "insert into audit_log (id, tenant_id, actor_user_id, acting_as_user_id, action, target,
                                outcome, reason, ip, user_agent, request_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(Uuid::now_v7())
    .bind(e.tenant_id)
    .bind(e.actor_user_id)
    .bind(e.acting_as_user_id)
    .bind(e.action)
    .bind(e.target)
    .bind(e.outcome.as_str())
    .bind(e.reason)
    .bind(&meta.ip)
    .bind(
        meta.user_agent
            .as_deref()
            .map(|ua| ua.chars().take(300).collect::<String>()),
    )
    .bind(&meta.request_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// An audit row as the tenant's audit viewer shows it.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct AuditRow {
    pub at: chrono::DateTime<chrono::Utc>,
    pub action: String,
    pub outcome: String,
    pub actor: Option<String>,
    pub target: Option<String>,
    pub reason: Option<String>,
}

/// The newest audit rows of the scoped tenant (callers check `audit.read` first).
pub async fn recent_for_tenant(
    db: &crate::db::Database,
    scope: &crate::tenancy::TenantScope,
    limit: i64,
) -> crate::Result<Vec<AuditRow>> {
    let mut tx = db.tenant_tx(scope).await?;
    // No tenant filter on purpose: row-level security confines the read to the scope's tenant.
    let rows = sqlx::query_as(
        "select a.at, a.action, a.outcome, u.display_name as actor, a.target, a.reason
           from audit_log a left join users u on u.id = a.actor_user_id
          order by a.at desc, a.id desc limit $1",
    )
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}
