//! One order, donation or pledge in full for its detail page.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A visit as the detail page shows it: (label, value) facts that are present.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TouchView {
    pub when: String,
    pub facts: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    pub title: String,
    pub unit_price: String,
    pub quantity: i32,
    pub line_total: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordDetailView {
    pub kind: String,
    pub id: cadence::Uuid,
    pub number: String,
    pub status: String,
    pub amount: String,
    pub fulfilled: Option<String>,
    pub target_date: Option<String>,
    pub campaign: Option<String>,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub note: Option<String>,
    pub created: String,
    pub lines: Vec<LineView>,
    pub first_touch: Option<TouchView>,
    pub last_touch: Option<TouchView>,
    /// (when, change, who).
    pub history: Vec<(String, String, String)>,
    pub next: Vec<String>,
    pub write_denied: Option<String>,
}

#[server]
pub async fn load_record(kind: String, id: cadence::Uuid) -> Result<RecordDetailView, AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    let kind = cadence::commerce::RecordKind::parse(&kind).ok_or(AppError::NotFound)?;
    let d = cadence::commerce::record_detail(&p.db, &p.staff(), kind, id).await?;
    let when = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let touch = |t: &cadence::commerce::TouchVisit| {
        let v = &t.arrival;
        TouchView {
            when: when(t.created_at),
            facts: [
                ("Source", &v.utm_source),
                ("Medium", &v.utm_medium),
                ("Campaign", &v.utm_campaign),
                ("Term", &v.utm_term),
                ("Content", &v.utm_content),
                ("Google click id", &v.gclid),
                ("Facebook click id", &v.fbclid),
                ("Referrer", &v.referrer),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
            .chain([("Landing page".to_string(), v.landing_path.clone())])
            .collect(),
        }
    };
    Ok(RecordDetailView {
        kind: kind.as_str().into(),
        id: d.id,
        number: d.number.clone(),
        status: d.status.clone(),
        amount: d.money(d.amount),
        fulfilled: d.fulfilled.map(|f| d.money(f)),
        target_date: d.target_date.map(|t| t.to_string()),
        campaign: d.campaign.clone(),
        name: d.name.clone(),
        email: d.email.clone(),
        phone: d.phone.clone(),
        note: d.note.clone(),
        created: when(d.created_at),
        lines: d
            .lines
            .iter()
            .map(|l| LineView {
                title: l.title.clone(),
                unit_price: d.money(l.unit_price),
                quantity: l.quantity,
                line_total: d.money(l.line_total),
            })
            .collect(),
        first_touch: d.first_touch.as_ref().map(touch),
        last_touch: d.last_touch.as_ref().map(touch),
        history: d
            .history
            .iter()
            .map(|h| {
                (
                    when(h.at),
                    h.change.clone(),
                    h.actor.clone().unwrap_or_else(|| "—".into()),
                )
            })
            .collect(),
        next: kind
            .next_statuses(&d.status)
            .iter()
            .map(|s| s.to_string())
            .collect(),
        write_denied: p.denied("orders.write"),
    })
}
