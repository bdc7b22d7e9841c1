//! A tenant's ad accounts: its own names for the account ids its uploads carry. Any tenant may list
//! any id; which tenant receives an account's synced data is decided elsewhere
//! (`assignments.rs`), never by who listed the id first.

use super::Platform;
use crate::commerce::Staff;
use crate::db::Database;
use crate::{Error, Result};

/// An account id as the rows carry it (Meta's `act_` prefix and the dashes Google Ads shows in
/// customer ids dropped), or why it is not one.
pub(crate) fn parse_account_id(platform: Platform, raw: &str) -> Result<String> {
    let mut account_id = raw.trim().trim_start_matches("act_").to_string();
    if platform == Platform::GoogleAds {
        account_id.retain(|c| c != '-');
    }
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
    Ok(account_id)
}

/// Lists an ad account in the staff member's tenant (listing it again renames it). Rows of listed
/// accounts in the tenant's own uploads load into the tenant; another tenant listing the same id
/// changes nothing here and is never told about it.
pub async fn map_account(
    db: &Database,
    who: &Staff<'_>,
    platform: Platform,
    account_id: &str,
    name: &str,
) -> Result<()> {
    who.authorize(db, "analytics.ingest").await?;
    let account_id = parse_account_id(platform, account_id)?;
    if name.trim().chars().count() > 200 {
        return Err(Error::Validation(
            "Keep the account's name to 200 characters.".into(),
        ));
    }
    let mut tx = db.tenant_tx(who.scope).await?;
    sqlx::query(
        "insert into ad_accounts (tenant_id, platform, account_id, name)
         values (app_current_tenant(), $1, $2, $3)
         on conflict (tenant_id, platform, account_id) do update set name = excluded.name",
    )
    .bind(platform.as_str())
    .bind(&account_id)
    .bind(name.trim())
    .execute(&mut *tx)
    .await?;
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
