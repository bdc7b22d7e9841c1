//! Plans and entitlements: a plan's feature flags and limits, a tenant's overrides on top, and the
//! server's environment defaults as the floor.

use super::model::Entitlements;
use crate::db::Database;
use crate::tenancy::TenantScope;
use crate::{Error, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The environment's defaults: every tenant has at least these.
#[derive(Clone, Debug, Default)]
pub struct Floor {
    pub features: BTreeMap<String, bool>,
    pub limits: BTreeMap<String, i64>,
}

static FLOOR: OnceLock<Floor> = OnceLock::new();

/// Sets the floor once at start (`CADENCE_DEFAULT_FEATURES`, `CADENCE_DEFAULT_LIMITS`).
pub fn set_floor(floor: Floor) {
    let _ = FLOOR.set(floor);
}

/// Parses `csv_export,portfolio` and `seats=5,api_keys=2`.
pub fn parse_floor(features: &str, limits: &str) -> Result<Floor> {
    let mut f = Floor::default();
    for name in features.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        f.features.insert(name.to_string(), true);
    }
    for entry in limits.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (k, v) = entry.split_once('=').ok_or_else(|| {
            Error::Validation(format!("a default limit needs name=number: {entry}"))
        })?;
        let v = v
            .trim()
            .parse()
            .map_err(|_| Error::Validation(format!("a default limit needs a number: {entry}")))?;
        f.limits.insert(k.trim().to_string(), v);
    }
    Ok(f)
}

/// Plan, then override, then floor: an override beats the plan; nothing goes below the floor.
pub fn combine(
    plan_features: &Value,
    plan_limits: &Value,
    overrides: &Value,
    floor: &Floor,
) -> (BTreeMap<String, bool>, BTreeMap<String, i64>) {
    let mut features = BTreeMap::new();
    if let Some(m) = plan_features.as_object() {
        for (k, v) in m {
            features.insert(k.clone(), v.as_bool().unwrap_or(false));
        }
    }
    let mut limits = BTreeMap::new();
    if let Some(m) = plan_limits.as_object() {
        for (k, v) in m {
            limits.insert(k.clone(), v.as_i64().unwrap_or(0));
        }
    }
    if let Some(m) = overrides.get("features").and_then(Value::as_object) {
        for (k, v) in m {
            if let Some(b) = v.as_bool() {
                features.insert(k.clone(), b);
            }
        }
    }
    if let Some(m) = overrides.get("limits").and_then(Value::as_object) {
        for (k, v) in m {
            if let Some(n) = v.as_i64() {
                limits.insert(k.clone(), n);
            }
        }
    }
    for (k, on) in &floor.features {
        if *on {
            features.insert(k.clone(), true);
        }
    }
    for (k, n) in &floor.limits {
        let e = limits.entry(k.clone()).or_insert(*n);
        *e = (*e).max(*n);
    }
    (features, limits)
}

/// The scoped tenant's entitlements.
pub async fn entitlements(db: &Database, scope: &TenantScope) -> Result<Entitlements> {
    let mut tx = db.tenant_tx(scope).await?;
    let e = entitlements_in(&mut tx).await?;
    tx.commit().await?;
    Ok(e)
}

/// The entitlements of the tenant whose transaction this is.
pub(crate) async fn entitlements_in(tx: &mut sqlx::PgConnection) -> Result<Entitlements> {
    let row: Option<(String, String, Value, Value, Value)> = sqlx::query_as(
        "select p.name, p.label, p.features, p.limits, t.overrides
           from tenants t join plans p on p.name = t.plan where t.id = app_current_tenant()",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let (plan, plan_label, pf, pl, ov) = row.ok_or(Error::NotFound)?;
    let (features, limits) = combine(&pf, &pl, &ov, FLOOR.get().unwrap_or(&Floor::default()));
    Ok(Entitlements {
        plan,
        plan_label,
        features,
        limits,
    })
}

/// Refuses a feature the tenant's plan does not include, saying so.
pub async fn require_feature(db: &Database, scope: &TenantScope, feature: &str) -> Result<()> {
    let e = entitlements(db, scope).await?;
    if e.allows(feature) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "{} are not part of the {} plan; ask Cadence to change the plan",
            super::model::feature_label(feature),
            e.plan_label
        )))
    }
}

/// A plan as the platform admin chooses it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Plan {
    pub name: String,
    pub label: String,
}

pub async fn plans(db: &Database) -> Result<Vec<Plan>> {
    Ok(
        sqlx::query_as("select name, label from plans order by rank")
            .fetch_all(db.pool())
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_override_beats_the_plan_and_the_floor_beats_both() {
        let floor = parse_floor("portfolio", "seats=5").unwrap();
        let (f, l) = combine(
            &json!({"csv_export": true, "api_access": true, "portfolio": false}),
            &json!({"seats": 10, "api_keys": 5}),
            &json!({"features": {"csv_export": false}, "limits": {"seats": 2, "api_keys": 9}}),
            &floor,
        );
        assert!(!f["csv_export"], "the override switched it off");
        assert!(f["api_access"], "the plan's flag stands");
        assert!(f["portfolio"], "the floor switched it on");
        assert_eq!(l["seats"], 5, "the override went below the floor");
        assert_eq!(l["api_keys"], 9, "the override raised the plan's limit");
        assert!(parse_floor("", "seats").is_err());
        assert!(parse_floor("", "seats=x").is_err());
    }
}
