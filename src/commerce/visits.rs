//! Visits: how a visitor arrived at a storefront (UTM parameters, click ids, referrer, landing
//! path), recorded under a first-party visitor id so conversions find their first and last touch.

use crate::Result;
use crate::db::Database;
use crate::tenancy::TenantScope;
use uuid::Uuid;

/// What a landing request tells about where the visitor came from (also read back from a stored
/// visit).
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Arrival {
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_term: Option<String>,
    pub utm_content: Option<String>,
    pub gclid: Option<String>,
    pub fbclid: Option<String>,
    pub referrer: Option<String>,
    pub landing_path: String,
}

/// Cleans one attribution value: trimmed, control characters removed, cut to `max` characters,
/// lowercased for UTM source and medium so "Facebook" and "facebook" count as one channel.
fn clean(v: Option<&str>, max: usize, lower: bool) -> Option<String> {
    let v: String = v?
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect();
    let v = if lower { v.to_lowercase() } else { v };
    (!v.is_empty()).then_some(v)
}

impl Arrival {
    /// Reads a landing request's query pairs, referrer and path.
    pub fn from_request<'a>(
        query: impl IntoIterator<Item = (&'a str, &'a str)>,
        referrer: Option<&str>,
        path: &str,
    ) -> Self {
        let mut a = Arrival {
            landing_path: path.chars().take(1000).collect(),
            referrer: clean(referrer, 1000, false),
            ..Default::default()
        };
        for (k, v) in query {
            let v = Some(v);
            match k {
                "utm_source" => a.utm_source = clean(v, 200, true),
                "utm_medium" => a.utm_medium = clean(v, 200, true),
                "utm_campaign" => a.utm_campaign = clean(v, 200, false),
                "utm_term" => a.utm_term = clean(v, 200, false),
                "utm_content" => a.utm_content = clean(v, 200, false),
                "gclid" => a.gclid = clean(v, 300, false),
                "fbclid" => a.fbclid = clean(v, 300, false),
                _ => {}
            }
        }
        a
    }

    /// Whether this request says anything about a campaign (then it starts a new visit).
    pub fn has_campaign(&self) -> bool {
        self.utm_source.is_some()
            || self.utm_medium.is_some()
            || self.utm_campaign.is_some()
            || self.gclid.is_some()
            || self.fbclid.is_some()
    }
}

/// Records a visit and returns its id.
pub async fn record_visit(
    db: &Database,
    scope: &TenantScope,
    visitor: Uuid,
    a: &Arrival,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let mut tx = db.tenant_tx(scope).await?;
    sqlx::query(
        "insert into visits (tenant_id, id, visitor_id, utm_source, utm_medium, utm_campaign, utm_term,
            utm_content, gclid, fbclid, referrer, landing_path)
         values (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(visitor)
    .bind(&a.utm_source)
    .bind(&a.utm_medium)
    .bind(&a.utm_campaign)
    .bind(&a.utm_term)
    .bind(&a.utm_content)
    .bind(&a.gclid)
    .bind(&a.fbclid)
    .bind(&a.referrer)
    .bind(&a.landing_path)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utm_values_are_cleaned_and_channels_lowercased() {
        let a = Arrival::from_request(
            [
                ("utm_source", " Facebook "),
                ("utm_medium", "PAID"),
                ("utm_campaign", "Spring\u{0}Sale"),
                ("other", "x"),
                ("gclid", ""),
            ],
            Some("https://l.facebook.com/"),
            "/?utm_source=Facebook",
        );
        assert_eq!(a.utm_source.as_deref(), Some("facebook"));
        assert_eq!(a.utm_medium.as_deref(), Some("paid"));
        assert_eq!(a.utm_campaign.as_deref(), Some("SpringSale"));
        assert_eq!(a.gclid, None);
        assert!(a.has_campaign());
        let long = "x".repeat(500);
        let b = Arrival::from_request([("utm_source", long.as_str())], None, "/");
        assert_eq!(b.utm_source.unwrap().len(), 200);
    }
}
