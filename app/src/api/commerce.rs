//! Staff server functions for the storefront's business: the catalog (list, save, archive), the
//! records (orders, donations, pledges) with their filters, status moves and CSV export, and the
//! storefront summary by channel. Each asks the policy decision point through the core.
// A catalog item's form posts ten fields; the server-function macro turns them into arguments.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A catalog item in the staff list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminItem {
    pub id: cadence::Uuid,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub description: String,
    pub price: String,
    /// Plain amounts, for the edit form.
    pub price_input: String,
    pub suggested_input: String,
    pub min_input: String,
    pub goal_input: String,
    pub active: bool,
    pub archived: bool,
    pub sort_order: i32,
    /// The price (or, for campaigns, the amount raised) in minor units: exact, for sorting.
    pub amount_minor: i64,
    pub images: Vec<cadence::Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogAdmin {
    pub currency: String,
    pub items: Vec<AdminItem>,
    /// Why the viewer cannot change the catalog, if they cannot.
    pub write_denied: Option<String>,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! The signed-in staff member's parts for core calls.
    use crate::error::AppError;

    pub struct Parts {
        pub db: cadence::db::Database,
        pub catalog: std::sync::Arc<cadence::access::RoleCatalog>,
        pub principal: cadence::access::Principal,
        pub scope: cadence::tenancy::TenantScope,
        pub meta: cadence::audit::RequestMeta,
    }

    impl Parts {
        pub async fn current() -> Result<Self, AppError> {
            let (principal, scope) = crate::api::team::ssr::scope().await?;
            Ok(Self {
                db: crate::api::ssr::db()?,
                catalog: crate::api::tenant::ssr::catalog()?,
                principal,
                scope,
                meta: crate::api::ssr::request_meta(),
            })
        }

        pub fn staff(&self) -> cadence::commerce::Staff<'_> {
            cadence::commerce::Staff {
                catalog: &self.catalog,
                principal: &self.principal,
                scope: &self.scope,
                meta: &self.meta,
            }
        }

        /// Why the viewer may not use `privilege` here (None when they may).
        pub fn denied(&self, privilege: &str) -> Option<String> {
            use cadence::access::{Decision, Target, decide};
            match decide(
                &self.catalog,
                &self.principal,
                privilege,
                Target::Tenant(self.scope.tenant_id().0),
            ) {
                Decision::Allow { .. } => None,
                Decision::Deny(d) => Some(d.explain()),
                Decision::NotFound => Some("You are not a member of this tenant.".into()),
            }
        }
    }
}

#[server]
pub async fn load_catalog_admin() -> Result<CatalogAdmin, AppError> {
    let p = ssr::Parts::current().await?;
    cadence::access::authorize(
        &p.db,
        &p.catalog,
        &p.principal,
        &p.scope,
        "catalog.read",
        &p.meta,
    )
    .await?;
    let currency = cadence::storefront::settings(&p.db, &p.scope)
        .await?
        .currency;
    let items = cadence::commerce::all_items(&p.db, &p.scope).await?;
    let minor = |i: &cadence::commerce::CatalogItem| {
        let amount = i.price.unwrap_or(i.raised);
        cadence::money::Currency::parse(&i.currency)
            .map(|currency| cadence::money::Money { amount, currency }.minor_units())
            .unwrap_or_default()
    };
    let plain =
        |d: Option<rust_decimal::Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
    Ok(CatalogAdmin {
        currency,
        write_denied: p.denied("catalog.write"),
        items: items
            .iter()
            .map(|i| AdminItem {
                id: i.id,
                kind: i.kind().as_str().into(),
                kind_label: i.kind().label().into(),
                title: i.title.clone(),
                description: i.description.clone(),
                price: match i.price {
                    Some(p) => i.money(p),
                    None => match i.goal {
                        Some(g) => format!("{} of {}", i.money(i.raised), i.money(g)),
                        None => format!("{} raised", i.money(i.raised)),
                    },
                },
                price_input: plain(i.price),
                suggested_input: i
                    .suggested_amounts
                    .iter()
                    .map(|a| a.normalize().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                min_input: plain(i.min_amount),
                amount_minor: minor(i),
                images: i.image_ids.clone(),
                goal_input: plain(i.goal),
                active: i.active,
                archived: i.archived,
                sort_order: i.sort_order,
            })
            .collect(),
    })
}

/// Creates (no id) or updates a catalog item.
#[server]
pub async fn save_catalog_item(
    id: Option<cadence::Uuid>,
    kind: String,
    title: String,
    description: String,
    price: Option<String>,
    suggested_amounts: Option<String>,
    min_amount: Option<String>,
    goal: Option<String>,
    active: Option<String>,
    sort_order: Option<i32>,
) -> Result<(), AppError> {
    let p = ssr::Parts::current().await?;
    let input = cadence::commerce::ItemInput {
        kind,
        title,
        description,
        price: price.unwrap_or_default(),
        suggested_amounts: suggested_amounts.unwrap_or_default(),
        min_amount: min_amount.unwrap_or_default(),
        goal: goal.unwrap_or_default(),
        active: active.is_some(),
        sort_order: sort_order.unwrap_or(0),
    };
    cadence::commerce::save_item(&p.db, &p.staff(), id, &input).await?;
    Ok(())
}

#[server]
pub async fn set_item_archived(id: cadence::Uuid, archived: bool) -> Result<(), AppError> {
    let p = ssr::Parts::current().await?;
    cadence::commerce::set_archived(&p.db, &p.staff(), id, archived).await?;
    Ok(())
}

/// A record in the staff list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordView {
    pub id: cadence::Uuid,
    pub number: String,
    pub status: String,
    pub amount: String,
    pub fulfilled: Option<String>,
    pub name: String,
    pub email: String,
    pub detail: String,
    pub channel: String,
    pub date: String,
    /// Where the workflow lets it go from here.
    pub next: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsView {
    pub kind: String,
    pub statuses: Vec<String>,
    pub records: Vec<RecordView>,
    pub write_denied: Option<String>,
}

#[cfg(feature = "ssr")]
fn filter(
    status: &str,
    from: &str,
    to: &str,
    channel: &str,
) -> Result<cadence::commerce::RecordFilter, AppError> {
    let date = |s: &str| -> Result<Option<chrono::NaiveDate>, AppError> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid("Dates look like 2026-11-23."))
    };
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(cadence::commerce::RecordFilter {
        status: opt(status),
        from: date(from)?,
        to: date(to)?,
        channel: opt(channel).map(|c| c.to_lowercase()),
        limit: 500,
        after: None,
    })
}

#[server]
pub async fn load_records(
    kind: String,
    status: String,
    from: String,
    to: String,
    channel: String,
) -> Result<RecordsView, AppError> {
    let p = ssr::Parts::current().await?;
    let kind = cadence::commerce::RecordKind::parse(&kind).ok_or(AppError::NotFound)?;
    let f = filter(&status, &from, &to, &channel)?;
    let rows = cadence::commerce::list_records(&p.db, &p.staff(), kind, &f).await?;
    Ok(RecordsView {
        kind: kind.as_str().into(),
        statuses: kind.statuses().iter().map(|s| s.to_string()).collect(),
        write_denied: p.denied("orders.write"),
        records: rows
            .iter()
            .map(|r| RecordView {
                id: r.id,
                number: kind.number(r.number),
                status: r.status.clone(),
                amount: r.money(r.amount),
                fulfilled: r.fulfilled.map(|f| r.money(f)),
                name: r.name.clone(),
                email: r.email.clone(),
                detail: r.detail.clone().unwrap_or_default(),
                channel: r.channel.clone(),
                date: r.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                next: kind
                    .next_statuses(&r.status)
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            })
            .collect(),
    })
}

#[server]
pub async fn change_record_status(
    kind: String,
    id: cadence::Uuid,
    to: String,
    fulfilled: Option<String>,
) -> Result<(), AppError> {
    let p = ssr::Parts::current().await?;
    let kind = cadence::commerce::RecordKind::parse(&kind).ok_or(AppError::NotFound)?;
    cadence::commerce::change_status(&p.db, &p.staff(), kind, id, &to, fulfilled.as_deref())
        .await?;
    Ok(())
}

/// The current list as CSV text (the page turns it into a download).
#[server]
pub async fn export_records(
    kind: String,
    status: String,
    from: String,
    to: String,
    channel: String,
) -> Result<String, AppError> {
    let p = ssr::Parts::current().await?;
    let kind = cadence::commerce::RecordKind::parse(&kind).ok_or(AppError::NotFound)?;
    let f = filter(&status, &from, &to, &channel)?;
    super::auth::ssr::require_step_up().await?;
    Ok(cadence::commerce::export_csv(&p.db, &p.staff(), kind, &f).await?)
}

/// One line of the storefront summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelLine {
    pub channel: String,
    pub kind: String,
    pub count: i64,
    pub amount: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorefrontSummary {
    pub from: String,
    pub to: String,
    pub visits: i64,
    pub conversions: i64,
    /// Conversions per 100 visits, one decimal; None without visits.
    pub conversion_rate: Option<String>,
    pub lines: Vec<ChannelLine>,
    /// Conversions by channel as an SVG bar chart.
    pub chart_svg: String,
}

#[server]
pub async fn load_storefront_summary(
    from: String,
    to: String,
) -> Result<StorefrontSummary, AppError> {
    use cadence::money::{Currency, Money};
    let p = ssr::Parts::current().await?;
    let today = chrono::Utc::now().date_naive();
    let parse = |s: &str, default| {
        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").unwrap_or(default)
    };
    let to = parse(&to, today);
    let from = parse(&from, to - chrono::Days::new(29));
    let (visits, rows) = cadence::commerce::channel_summary(&p.db, &p.staff(), from, to).await?;
    let conversions: i64 = rows.iter().map(|r| r.count).sum();
    let mut by_channel: Vec<(String, i64)> = Vec::new();
    for r in &rows {
        match by_channel.iter_mut().find(|(c, _)| *c == r.channel) {
            Some((_, n)) => *n += r.count,
            None => by_channel.push((r.channel.clone(), r.count)),
        }
    }
    Ok(StorefrontSummary {
        from: from.to_string(),
        to: to.to_string(),
        visits,
        conversions,
        conversion_rate: (visits > 0)
            .then(|| format!("{:.1}", conversions as f64 * 100.0 / visits as f64)),
        chart_svg: crate::charts::bar_chart_svg(&by_channel, "Conversions by channel"),
        lines: rows
            .into_iter()
            .map(|r| ChannelLine {
                amount: match Currency::parse(&r.currency) {
                    Ok(currency) => Money {
                        amount: r.amount,
                        currency,
                    }
                    .to_string(),
                    Err(_) => format!("{} {}", r.amount, r.currency),
                },
                channel: r.channel,
                kind: r.kind,
                count: r.count,
            })
            .collect(),
    })
}

/// The storefront settings page's data: the settings, the public address, the choices for the
/// selects, and whether the viewer may change them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorefrontSettingsView {
    pub display_name: String,
    pub tagline: String,
    pub about: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub published: bool,
    pub logo_id: Option<cadence::Uuid>,
    pub brand_color: String,
    pub header_color: String,
    /// (network key, label, address or empty), every network.
    pub social_links: Vec<(String, String, String)>,
    pub currency: String,
    pub language: String,
    pub address: String,
    pub manage_denied: Option<String>,
}

#[server]
pub async fn load_storefront_settings() -> Result<StorefrontSettingsView, AppError> {
    let p = ssr::Parts::current().await?;
    cadence::access::authorize(
        &p.db,
        &p.catalog,
        &p.principal,
        &p.scope,
        "tenant.read",
        &p.meta,
    )
    .await?;
    let s = cadence::storefront::settings(&p.db, &p.scope).await?;
    let tenant = cadence::tenancy::scoped_tenant(&p.db, &p.scope).await?;
    let config = super::ssr::site_config()?;
    let social_links = cadence::storefront::SOCIAL_NETWORKS
        .iter()
        .map(|(key, label, _)| {
            let url = s
                .social_links
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, u)| u.clone())
                .unwrap_or_default();
            (key.to_string(), label.to_string(), url)
        })
        .collect();
    Ok(StorefrontSettingsView {
        display_name: s.display_name,
        tagline: s.tagline,
        about: s.about,
        contact_email: s.contact_email,
        contact_phone: s.contact_phone,
        published: s.published,
        logo_id: s.logo_id,
        brand_color: s.brand_color,
        header_color: s.header_color,
        social_links,
        currency: s.currency,
        language: s.language,
        address: config.storefront_host(&tenant.slug),
        manage_denied: p.denied("storefront.manage"),
    })
}

#[server]
#[allow(clippy::too_many_arguments)]
pub async fn save_storefront_settings(
    display_name: String,
    tagline: String,
    about: String,
    contact_email: String,
    contact_phone: String,
    published: Option<String>,
    #[server(default)] brand_color: String,
    #[server(default)] header_color: String,
    #[server(default)] currency: String,
    #[server(default)] language: String,
    #[server(default)] social: std::collections::BTreeMap<String, String>,
) -> Result<(), AppError> {
    let p = ssr::Parts::current().await?;
    let current = cadence::storefront::settings(&p.db, &p.scope).await?;
    let s = cadence::storefront::StorefrontSettings {
        display_name,
        tagline,
        about,
        contact_email,
        contact_phone,
        published: published.is_some(),
        logo_id: current.logo_id,
        brand_color,
        header_color,
        social_links: social.into_iter().collect(),
        currency: if currency.is_empty() {
            current.currency
        } else {
            currency
        },
        language: if language.is_empty() {
            current.language
        } else {
            language
        },
    };
    cadence::storefront::save_settings(&p.db, &p.staff(), &s).await?;
    Ok(())
}

/// Removes an uploaded image (the logo, or one of an item's images).
#[server]
pub async fn remove_media(id: cadence::Uuid) -> Result<(), AppError> {
    let p = ssr::Parts::current().await?;
    let store =
        leptos::prelude::use_context::<cadence::media::MediaStore>().ok_or(AppError::Internal)?;
    cadence::media::remove(&p.db, &store, &p.staff(), id).await?;
    Ok(())
}
