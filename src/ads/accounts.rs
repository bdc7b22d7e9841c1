//! Ad accounts: connecting a platform account to a tenant (an account belongs to one tenant).

use super::Platform;
use crate::commerce::Staff;
use crate::db::Database;
use crate::{Error, Result};

/// Connects an ad account to the staff member's tenant. An account belongs to one tenant.
pub async fn map_account(
    db: &Database,
    who: &Staff<'_>,
    platform: Platform,
    account_id: &str,
    name: &str,
) -> Result<()> {
    who.authorize(db, "analytics.ingest").await?;
    let account_id = account_id.trim().trim_start_matches("act_");
    if account_id.is_empty()
        || account_id.len() > 64
        || !account_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::Validation(
            "Enter the account id as the platform shows it (digits, letters, - or _).".into(),
        ));
    }
    let mut tx = db.tenant_tx(who.scope).await?;
    let inserted = sqlx::query(
        "insert into ad_accounts (tenant_id, platform, account_id, name)
         values (app_current_tenant(), $1, $2, $3)",
    )
    .bind(platform.as_str())
    .bind(account_id)
    .bind(name.trim())
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(Error::Validation(format!(
                "The {} account {account_id} is already connected to a workspace.",
                platform.as_str()
            )));
        }
        other => {
            other?;
        }
    }
    crate::audit::record(
        &mut tx,
        who.meta,
        crate::audit::AuditEvent::new("ads.account.map", crate::audit::Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(format!("{} {account_id}", platform.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
