//! Onboarding server functions: the saved wizard, saving a step (validated on the server), the
//! "complete your setup" status, and the agency's client list. Thin: the core does the work.

use crate::error::AppError;
use cadence::onboarding::{Go, SaveOutcome, StepAnswer, WizardState};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The signed-in user's wizard as saved.
#[server]
pub async fn load_onboarding() -> Result<WizardState, AppError> {
    let user = super::auth::ssr::require_user().await?;
    let db = super::ssr::db()?;
    Ok(cadence::onboarding::load(&db, user.id).await?)
}

/// Saves the current step and moves on (or back, or skips); finishing switches the session to
/// the new tenant.
#[server(input = Json)]
pub async fn save_onboarding_step(
    step: String,
    answer: StepAnswer,
    go: Go,
) -> Result<SaveOutcome, AppError> {
    let user = super::auth::ssr::require_user().await?;
    let db = super::ssr::db()?;
    let meta = super::ssr::request_meta();
    let app_url = super::ssr::app_url()?;
    let who = cadence::onboarding::Finisher {
        user: user.id,
        meta: &meta,
        app_url: &app_url,
    };
    let outcome = cadence::onboarding::save_step(&db, &who, &step, answer, go).await?;
    if let SaveOutcome::Finished { tenant_id, .. } = &outcome {
        super::tenant::ssr::set_current_tenant(*tenant_id).await?;
    }
    Ok(outcome)
}

/// Opens the wizard again to set up another workspace (brand, creator or agency).
#[server]
pub async fn start_another_workspace() -> Result<(), AppError> {
    let user = super::auth::ssr::require_user().await?;
    let db = super::ssr::db()?;
    cadence::onboarding::start_another(&db, user.id).await?;
    leptos_axum::redirect("/onboarding");
    Ok(())
}

/// Whether the signed-in user should be sent to, or reminded of, the wizard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupInfo {
    /// No tenant and no finished wizard: the wizard is where to go.
    pub needs_wizard: bool,
    /// Started but not finished: show the "Complete your setup" banner.
    pub unfinished: bool,
}

#[server]
pub async fn load_setup_info() -> Result<SetupInfo, AppError> {
    let Some(user) = super::auth::ssr::current_user().await? else {
        return Ok(SetupInfo::default());
    };
    let db = super::ssr::db()?;
    let status = cadence::onboarding::status(&db, user.id).await?;
    let principal = cadence::access::principal(&db, user.id).await?;
    let has_tenant = !principal.bindings.is_empty();
    Ok(SetupInfo {
        needs_wizard: !has_tenant && !status.finished,
        unfinished: status.started && !status.finished,
    })
}

/// A client in the agency's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientView {
    pub id: cadence::Uuid,
    pub name: String,
    pub slug: String,
    pub currency: String,
    pub status: String,
    pub added: String,
}

/// The clients page: the agency, its clients, and whether the viewer may add one (or why not).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientsView {
    pub agency: String,
    pub clients: Vec<ClientView>,
    pub manage_denied: Option<String>,
}

/// The current tenant's clients, when it is an agency's own workspace (`None` otherwise).
#[server]
pub async fn load_clients() -> Result<Option<ClientsView>, AppError> {
    use cadence::access::{Decision, Target, decide};
    let (principal, scope) = super::team::ssr::scope().await?;
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    let Some((_, agency)) = cadence::agency::agency_of_home(&db, &scope).await? else {
        return Ok(None);
    };
    let meta = super::ssr::request_meta();
    let clients = cadence::agency::clients(&db, &catalog, &principal, &scope, &meta).await?;
    let manage_denied = match decide(
        &catalog,
        &principal,
        "agency.manage",
        Target::Tenant(scope.tenant_id().0),
    ) {
        Decision::Allow { .. } => None,
        Decision::Deny(d) => Some(d.explain()),
        Decision::NotFound => return Err(AppError::NotFound),
    };
    Ok(Some(ClientsView {
        agency,
        clients: clients
            .into_iter()
            .map(|c| ClientView {
                id: c.tenant_id,
                name: c.name,
                slug: c.slug,
                currency: c.currency,
                status: c.status,
                added: c.added_at.format("%-d %b %Y").to_string(),
            })
            .collect(),
        manage_denied,
    }))
}

/// Adds a client tenant to the current agency, optionally inviting the client's owner.
#[server]
pub async fn create_client(
    name: String,
    slug: String,
    currency: String,
    time_zone: String,
    owner_email: String,
) -> Result<(), AppError> {
    let (principal, scope) = super::team::ssr::scope().await?;
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    let client = cadence::agency::NewClient {
        slug: &slug,
        name: &name,
        currency: &currency,
        time_zone: &time_zone,
    };
    cadence::agency::create_client(
        &db,
        &catalog,
        &principal,
        &scope,
        &client,
        &owner_email,
        &super::ssr::request_meta(),
        &super::ssr::app_url()?,
    )
    .await?;
    Ok(())
}
