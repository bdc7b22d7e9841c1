//! Saved wizard progress and finishing it: each step is validated on the server and stored, and
//! the last one creates the tenant (or the agency, its home tenant and its first client) in one
//! transaction, with the user as owner.

use super::model::*;
use super::steps::{PROFILE_STEP, steps_for};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::tenancy::{SlugAvailability, TenantId, slug_availability};
use crate::{Error, Result};
use sqlx::PgConnection;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Whether a user has set up (or still should).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetupStatus {
    pub started: bool,
    pub finished: bool,
}

type ProgressRow = (
    Option<String>,
    String,
    sqlx::types::Json<BTreeMap<String, StepAnswer>>,
    Option<chrono::DateTime<chrono::Utc>>,
);

/// The user's wizard as saved (a fresh one when they have not started).
#[tracing::instrument(name = "Load onboarding progress", skip(db))]
pub async fn load(db: &Database, user: Uuid) -> Result<WizardState> {
    let mut tx = db.user_tx(user).await?;
    let state = read(&mut tx).await?;
    tx.commit().await?;
    Ok(state)
}

async fn read(tx: &mut PgConnection) -> Result<WizardState> {
    let row: Option<ProgressRow> = sqlx::query_as(
        "select profile_type, step, answers, finished_at from onboarding_progress where user_id = app_current_user()",
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(match row {
        None => WizardState {
            step: PROFILE_STEP.key.to_string(),
            ..Default::default()
        },
        Some((profile, step, answers, finished)) => WizardState {
            profile: profile.as_deref().and_then(ProfileType::parse),
            step,
            answers: answers.0,
            finished: finished.is_some(),
        },
    })
}

/// Whether the user started the wizard and whether they finished it.
pub async fn status(db: &Database, user: Uuid) -> Result<SetupStatus> {
    let mut tx = db.user_tx(user).await?;
    let row: Option<(bool,)> = sqlx::query_as(
        "select finished_at is not null from onboarding_progress where user_id = app_current_user()",
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(SetupStatus {
        started: row.is_some(),
        finished: row.is_some_and(|r| r.0),
    })
}

/// Starts a fresh wizard for another workspace (a finished one is kept only as its tenant).
/// An unfinished wizard is left as it is, so nothing typed is lost.
#[tracing::instrument(name = "Start setting up another workspace", skip(db))]
pub async fn start_another(db: &Database, user: Uuid) -> Result<()> {
    let mut tx = db.user_tx(user).await?;
    sqlx::query(
        "insert into onboarding_progress (user_id) values (app_current_user())
         on conflict (user_id) do update
            set profile_type = null, step = 'profile', answers = '{}'::jsonb, tenant_id = null,
                finished_at = null, started_at = now(), updated_at = now()
          where onboarding_progress.finished_at is not null",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Everything finishing needs besides the answers.
pub struct Finisher<'a> {
    pub user: Uuid,
    pub meta: &'a RequestMeta,
    pub app_url: &'a str,
}

/// Saves the current step and moves: Next validates (and finishes after the last step), Skip
/// needs an optional step, Back keeps what was typed as a draft without judging it.
#[tracing::instrument(name = "Save an onboarding step", skip(db, answer, who), fields(user_id = %who.user))]
pub async fn save_step(
    db: &Database,
    who: &Finisher<'_>,
    step: &str,
    answer: StepAnswer,
    go: Go,
) -> Result<SaveOutcome> {
    let mut tx = db.user_tx(who.user).await?;
    let mut state = read(&mut tx).await?;
    if state.finished {
        return Err(Error::Validation("Your setup is already finished.".into()));
    }
    if state.step != step {
        return Err(Error::Validation(
            "This step is out of date (the wizard moved on in another window). Reload the page to continue."
                .into(),
        ));
    }
    let steps = steps_for(state.profile);
    let here = state.position();
    let spec = steps[here];
    match go {
        Go::Back => {
            state.answers.insert(spec.key.to_string(), answer);
            state.step = steps[here.saturating_sub(1)].key.to_string();
        }
        Go::Skip => {
            if !spec.optional {
                return Err(Error::Validation(format!(
                    "“{}” cannot be skipped.",
                    spec.title
                )));
            }
            state.answers.insert(
                spec.key.to_string(),
                StepAnswer {
                    skipped: true,
                    ..Default::default()
                },
            );
        }
        Go::Next => {
            let clean = match validate(spec, &answer, state.context()) {
                Ok(clean) => clean,
                Err(mut errors) => {
                    // Say at once whether an address is free, even when other fields need work.
                    let mut slugs = answer.clone();
                    slugs.fields.retain(|k, v| {
                        !errors.iter().any(|e| e.field == *k) && {
                            *v = v.trim().to_string();
                            true
                        }
                    });
                    errors.extend(slugs_taken(db, spec, &slugs, &state).await?);
                    return Ok(SaveOutcome::Invalid {
                        step: spec.key.to_string(),
                        errors,
                    });
                }
            };
            let taken = slugs_taken(db, spec, &clean, &state).await?;
            if !taken.is_empty() {
                return Ok(SaveOutcome::Invalid {
                    step: spec.key.to_string(),
                    errors: taken,
                });
            }
            if spec.key == PROFILE_STEP.key {
                state.profile = ProfileType::parse(clean.get("profile_type"));
            }
            state.answers.insert(spec.key.to_string(), clean);
        }
    }
    if go != Go::Back {
        let steps = steps_for(state.profile);
        let here = steps.iter().position(|s| s.key == spec.key).unwrap_or(0);
        match steps.get(here + 1) {
            Some(next) => state.step = next.key.to_string(),
            None => {
                write(&mut tx, &state).await?;
                tx.commit().await?;
                return finish(db, who).await;
            }
        }
    }
    write(&mut tx, &state).await?;
    tx.commit().await?;
    Ok(SaveOutcome::Saved(state))
}

async fn write(tx: &mut PgConnection, state: &WizardState) -> Result<()> {
    sqlx::query(
        "insert into onboarding_progress (user_id, profile_type, step, answers)
         values (app_current_user(), $1, $2, $3)
         on conflict (user_id) do update
            set profile_type = excluded.profile_type, step = excluded.step,
                answers = excluded.answers, updated_at = now()",
    )
    .bind(state.profile.map(ProfileType::as_str))
    .bind(&state.step)
    .bind(sqlx::types::Json(&state.answers))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Slug fields must be free now (they are claimed for real when the wizard finishes), and an
/// agency's client cannot share the agency's own address.
async fn slugs_taken(
    db: &Database,
    spec: &StepSpec,
    clean: &StepAnswer,
    state: &WizardState,
) -> Result<Vec<FieldError>> {
    let mut errors = Vec::new();
    for f in spec.fields.iter().filter(|f| f.kind == Kind::Slug) {
        let slug = clean.get(f.name);
        if slug.is_empty() {
            continue;
        }
        let claimed_earlier = state
            .answers
            .iter()
            .filter(|(k, _)| k.as_str() != spec.key)
            .any(|(_, a)| a.get("slug") == slug);
        if claimed_earlier {
            errors.push(FieldError {
                field: f.name.into(),
                message: format!("{slug} is already used earlier in this setup."),
            });
            continue;
        }
        match slug_availability(db, slug).await? {
            SlugAvailability::Available { .. } => {}
            SlugAvailability::Taken { slug } => errors.push(FieldError {
                field: f.name.into(),
                message: format!("{slug} is already taken."),
            }),
            SlugAvailability::Invalid { reason } => errors.push(FieldError {
                field: f.name.into(),
                message: reason,
            }),
        }
    }
    Ok(errors)
}

/// A tenant to create.
struct NewTenant<'a> {
    slug: &'a str,
    name: &'a str,
    profile_type: &'a str,
    currency: &'a str,
    time_zone: &'a str,
    locale: &'a str,
    country: Option<&'a str>,
}

/// Creates what the answers describe, in one transaction, and marks the wizard finished. Every
/// step is validated again first: answers saved by an older version of the wizard, or a slug
/// claimed by someone else meanwhile, send the person back to the step to fix.
#[tracing::instrument(name = "Finish onboarding", skip(db, who), fields(user_id = %who.user))]
pub async fn finish(db: &Database, who: &Finisher<'_>) -> Result<SaveOutcome> {
    let mut tx = db.user_tx(who.user).await?;
    let state = read(&mut tx).await?;
    let Some(profile) = state.profile else {
        return Ok(invalid(
            PROFILE_STEP.key,
            "profile_type",
            "Choose a profile type.",
        ));
    };
    let mut answers = BTreeMap::new();
    for spec in steps_for(Some(profile)) {
        let given = state.answers.get(spec.key).cloned().unwrap_or_default();
        if given.skipped && spec.optional {
            answers.insert(spec.key, given);
            continue;
        }
        match validate(spec, &given, state.context()) {
            Ok(clean) => {
                answers.insert(spec.key, clean);
            }
            Err(errors) => {
                return Ok(SaveOutcome::Invalid {
                    step: spec.key.to_string(),
                    errors,
                });
            }
        }
    }
    let a = |k: &str| answers.get(k).cloned().unwrap_or_default();
    let (tenant_id, name) = match profile {
        ProfileType::Agency => {
            let company = a("company");
            let client = a("first_client");
            let home = NewTenant {
                slug: company.get("slug"),
                name: company.get("name"),
                profile_type: "agency",
                currency: company.get("currency"),
                time_zone: company.get("time_zone"),
                locale: "en",
                country: Some(company.get("country")),
            };
            let home_id = match insert_tenant(&mut tx, &home, who).await? {
                Ok(id) => id,
                Err(()) => return Ok(taken("company", "slug", home.slug)),
            };
            bind_owner(&mut tx, home_id, who.user).await?;
            save_profile(&mut tx, home_id, &a("branding"), serde_json::json!({})).await?;
            let agency = Uuid::now_v7();
            sqlx::query("insert into agencies (id, name, home_tenant_id) values ($1, $2, $3)")
                .bind(agency)
                .bind(home.name)
                .bind(home_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "insert into role_bindings (id, user_id, scope_kind, agency_id, role)
                 values ($1, $2, 'agency', $3, 'agency_admin')",
            )
            .bind(Uuid::now_v7())
            .bind(who.user)
            .bind(agency)
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                who.meta,
                AuditEvent::new("agency.create", Outcome::Success)
                    .tenant(home_id)
                    .actor(who.user)
                    .target(home.name.to_string()),
            )
            .await?;
            for row in &a("team").rows {
                let (email, role) = (row["email"].as_str(), row["role"].as_str());
                crate::team::create_invitation(
                    &mut tx,
                    TenantId(home_id),
                    email,
                    role,
                    who.user,
                    who.app_url,
                )
                .await?;
                audit::record(
                    &mut tx,
                    who.meta,
                    AuditEvent::new("invitation.create", Outcome::Success)
                        .tenant(home_id)
                        .actor(who.user)
                        .target(format!("{email} as {role}")),
                )
                .await?;
            }
            let client_tenant = crate::agency::NewClient {
                slug: client.get("client_slug"),
                name: client.get("client_name"),
                currency: client.get("client_currency"),
                time_zone: client.get("client_time_zone"),
            };
            let owner_email = client.get("client_owner_email");
            let added = crate::agency::add_client(
                &mut tx,
                agency,
                &client_tenant,
                who.user,
                owner_email,
                who.meta,
                who.app_url,
            )
            .await?;
            match added {
                Ok(_) => {}
                Err(()) => return Ok(taken("first_client", "client_slug", client_tenant.slug)),
            }
            // Finishing lands in the agency's own workspace.
            (home_id, home.name.to_string())
        }
        ProfileType::Brand | ProfileType::Creator => {
            let (first, details) = if profile == ProfileType::Brand {
                (
                    "identity",
                    serde_json::json!({
                        "audience": a("audience"),
                        "guidelines": a("guidelines"),
                    }),
                )
            } else {
                (
                    "personal",
                    serde_json::json!({
                        "bio": a("personal").get("bio"),
                        "location": a("personal").get("location"),
                        "portfolio": a("portfolio").rows,
                        "rate_card": a("rate_card").rows,
                        "socials": a("socials").rows,
                    }),
                )
            };
            let basics = a(first);
            let t = NewTenant {
                slug: basics.get("slug"),
                name: basics.get("name"),
                profile_type: profile.as_str(),
                currency: basics.get("currency"),
                time_zone: basics.get("time_zone"),
                locale: basics.get("language"),
                country: None,
            };
            let id = match insert_tenant(&mut tx, &t, who).await? {
                Ok(id) => id,
                Err(()) => return Ok(taken(first, "slug", t.slug)),
            };
            bind_owner(&mut tx, id, who.user).await?;
            save_profile(&mut tx, id, &basics, details).await?;
            let about = basics.get("bio");
            sqlx::query(
                "insert into storefront_settings (tenant_id, display_name, about) values ($1, $2, nullif($3, ''))",
            )
            .bind(id)
            .bind(t.name)
            .bind(about)
            .execute(&mut *tx)
            .await?;
            (id, t.name.to_string())
        }
    };
    sqlx::query(
        "update onboarding_progress set finished_at = now(), tenant_id = $1, updated_at = now()
          where user_id = app_current_user()",
    )
    .bind(tenant_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(SaveOutcome::Finished { tenant_id, name })
}

fn invalid(step: &str, field: &str, message: &str) -> SaveOutcome {
    SaveOutcome::Invalid {
        step: step.into(),
        errors: vec![FieldError {
            field: field.into(),
            message: message.into(),
        }],
    }
}

fn taken(step: &str, field: &str, slug: &str) -> SaveOutcome {
    invalid(
        step,
        field,
        &format!("{slug} was taken while you were setting up: choose another address."),
    )
}

/// Inserts a tenant row inside its own scope (the row policy lets a scope see only itself);
/// `Err(())` when the slug is taken.
async fn insert_tenant(
    tx: &mut PgConnection,
    t: &NewTenant<'_>,
    who: &Finisher<'_>,
) -> Result<std::result::Result<Uuid, ()>> {
    let id = Uuid::now_v7();
    enter(tx, id).await?;
    sqlx::query("savepoint new_tenant")
        .execute(&mut *tx)
        .await?;
    let inserted = sqlx::query(
        "insert into tenants (id, slug, name, profile_type, currency, time_zone, locale, country)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(t.slug)
    .bind(t.name)
    .bind(t.profile_type)
    .bind(t.currency)
    .bind(t.time_zone)
    .bind(t.locale)
    .bind(t.country)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("tenants_slug_key") => {
            sqlx::query("rollback to savepoint new_tenant")
                .execute(&mut *tx)
                .await?;
            return Ok(Err(()));
        }
        other => {
            other?;
        }
    }
    // Forget a "no such storefront" this process may remember for the address.
    crate::tenancy::forget_slug(t.slug);
    audit::record(
        &mut *tx,
        who.meta,
        AuditEvent::new("tenant.create", Outcome::Success)
            .tenant(id)
            .actor(who.user)
            .target(format!("{} ({})", t.name, t.slug)),
    )
    .await?;
    Ok(Ok(id))
}

/// Points the transaction's tenant scope at `tenant` (transaction-local).
pub(crate) async fn enter(tx: &mut PgConnection, tenant: Uuid) -> Result<()> {
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn bind_owner(tx: &mut PgConnection, tenant: Uuid, user: Uuid) -> Result<()> {
    enter(tx, tenant).await?;
    sqlx::query(
        "insert into role_bindings (id, user_id, scope_kind, tenant_id, role) values ($1, $2, 'tenant', $3, 'owner')",
    )
    .bind(Uuid::now_v7())
    .bind(user)
    .bind(tenant)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn save_profile(
    tx: &mut PgConnection,
    tenant: Uuid,
    look: &StepAnswer,
    details: serde_json::Value,
) -> Result<()> {
    enter(tx, tenant).await?;
    let opt = |k: &str| Some(look.get(k).to_string()).filter(|s| !s.is_empty());
    sqlx::query(
        "insert into tenant_profiles (tenant_id, logo_url, primary_colour, accent_colour, details)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(tenant)
    .bind(opt("logo_url"))
    .bind(opt("primary_colour"))
    .bind(opt("accent_colour"))
    .bind(details)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
