//! Agency rules and SQL: which agency a home tenant is, its clients, and adding a client tenant.

use crate::access::{Principal, RoleCatalog, authorize};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::auth::Email;
use crate::db::Database;
use crate::onboarding::enter;
use crate::tenancy::{TenantId, TenantScope, TenantSlug};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A client tenant as the agency's client list shows it.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Client {
    pub tenant_id: Uuid,
    pub name: String,
    pub slug: String,
    pub currency: String,
    pub status: String,
    pub added_at: DateTime<Utc>,
}

/// A client tenant to create.
pub struct NewClient<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub currency: &'a str,
    pub time_zone: &'a str,
}

/// The agency whose home tenant the scope is, if it is one.
pub async fn agency_of_home(db: &Database, scope: &TenantScope) -> Result<Option<(Uuid, String)>> {
    let mut tx = db.tenant_tx(scope).await?;
    let row =
        sqlx::query_as("select id, name from agencies where home_tenant_id = app_current_tenant()")
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(row)
}

/// The agency's clients, newest first. Needs `tenant.read` in the agency's home tenant; the
/// client rows become visible only through the principal's own agency role.
pub async fn clients(
    db: &Database,
    catalog: &RoleCatalog,
    principal: &Principal,
    scope: &TenantScope,
    meta: &RequestMeta,
) -> Result<Vec<Client>> {
    authorize(db, catalog, principal, scope, "tenant.read", meta).await?;
    let Some((agency, _)) = agency_of_home(db, scope).await? else {
        return Err(Error::NotFound);
    };
    let ids: Vec<Uuid> = principal
        .agency_clients
        .iter()
        .filter(|(a, t)| *a == agency && *t != scope.tenant_id().0)
        .map(|(_, t)| *t)
        .collect();
    let mut tx = db.user_tx_with_tenants(principal.user_id, &ids).await?;
    let list = sqlx::query_as(
        "select t.id as tenant_id, t.name, t.slug, t.currency, t.status, c.created_at as added_at
           from agency_clients c join tenants t on t.id = c.tenant_id
          where c.agency_id = $1 and t.id = any ($2)
          order by c.created_at desc",
    )
    .bind(agency)
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(list)
}

/// Creates a client tenant for the agency whose home tenant the scope is. Needs `agency.manage`.
#[tracing::instrument(name = "Create a client tenant", skip_all, fields(tenant_id = %scope.tenant_id()))]
#[allow(clippy::too_many_arguments)]
pub async fn create_client(
    db: &Database,
    catalog: &RoleCatalog,
    principal: &Principal,
    scope: &TenantScope,
    client: &NewClient<'_>,
    owner_email: &str,
    meta: &RequestMeta,
    app_url: &str,
) -> Result<Uuid> {
    authorize(db, catalog, principal, scope, "agency.manage", meta).await?;
    let Some((agency, _)) = agency_of_home(db, scope).await? else {
        return Err(Error::Validation(
            "Only an agency's own workspace can create client tenants.".into(),
        ));
    };
    let slug = TenantSlug::parse(client.slug).map_err(|e| Error::Validation(e.to_string()))?;
    let name = client.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::Validation(
            "A client name needs 1 to 120 characters.".into(),
        ));
    }
    crate::money::Currency::parse(client.currency).map_err(|e| Error::Validation(e.to_string()))?;
    if !crate::onboarding::TIME_ZONES.contains(&client.time_zone) {
        return Err(Error::Validation(
            "Choose a time zone from the list.".into(),
        ));
    }
    let owner_email = owner_email.trim();
    if !owner_email.is_empty() {
        Email::parse(owner_email).map_err(Error::Validation)?;
    }
    let clean = NewClient {
        slug: slug.as_str(),
        name,
        ..*client
    };
    let mut tx = db.user_tx(principal.user_id).await?;
    let id = add_client(
        &mut tx,
        agency,
        &clean,
        principal.user_id,
        owner_email,
        meta,
        app_url,
    )
    .await?
    .map_err(|()| Error::Validation(format!("The address {slug} is already taken.")))?;
    tx.commit().await?;
    Ok(id)
}

/// Inside the caller's transaction: creates the client tenant, links it to the agency and, when
/// an email is given, invites that person as the client's owner. `Err(())` when the slug is taken.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn add_client(
    tx: &mut PgConnection,
    agency: Uuid,
    client: &NewClient<'_>,
    actor: Uuid,
    owner_email: &str,
    meta: &RequestMeta,
    app_url: &str,
) -> Result<std::result::Result<Uuid, ()>> {
    let id = Uuid::now_v7();
    enter(tx, id).await?;
    sqlx::query("savepoint new_client")
        .execute(&mut *tx)
        .await?;
    let inserted = sqlx::query(
        "insert into tenants (id, slug, name, profile_type, currency, time_zone)
         values ($1, $2, $3, 'brand', $4, $5)",
    )
    .bind(id)
    .bind(client.slug)
    .bind(client.name)
    .bind(client.currency)
    .bind(client.time_zone)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("tenants_slug_key") => {
            sqlx::query("rollback to savepoint new_client")
                .execute(&mut *tx)
                .await?;
            return Ok(Err(()));
        }
        other => {
            other?;
        }
    }
    // Forget a "no such storefront" this process may remember for the address.
    crate::tenancy::forget_slug(client.slug);
    sqlx::query("insert into agency_clients (tenant_id, agency_id) values ($1, $2)")
        .bind(id)
        .bind(agency)
        .execute(&mut *tx)
        .await?;
    sqlx::query("insert into storefront_settings (tenant_id, display_name) values ($1, $2)")
        .bind(id)
        .bind(client.name)
        .execute(&mut *tx)
        .await?;
    sqlx::query("insert into tenant_profiles (tenant_id) values ($1)")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        meta,
        AuditEvent::new("agency.client.create", Outcome::Success)
            .tenant(id)
            .actor(actor)
            .target(format!("{} ({})", client.name, client.slug)),
    )
    .await?;
    if !owner_email.is_empty() {
        crate::team::create_invitation(tx, TenantId(id), owner_email, "owner", actor, app_url)
            .await?;
        audit::record(
            &mut *tx,
            meta,
            AuditEvent::new("invitation.create", Outcome::Success)
                .tenant(id)
                .actor(actor)
                .target(format!("{owner_email} as owner")),
        )
        .await?;
    }
    Ok(Ok(id))
}
