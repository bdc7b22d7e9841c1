//! Reading the tables Airbyte's PostgreSQL destination writes (typed "direct load" tables in a
//! configured schema, or raw tables in `airbyte_internal`), routing each ad account's rows to the
//! tenant an operator assigned it to (`assignments.rs`), never to a tenant that merely listed the
//! account id. Rows of unassigned accounts load into no one's data. The operator runs this
//! (`cadence ingest --airbyte-schema`); the application role needs `SELECT` on the schema.

use super::load::{LoadSpec, context, load_facts};
use super::pipeline::{self, CHUNK, Item};
use super::{Platform, RunReport, Stream};
use crate::db::Database;
use crate::tenancy::{TenantId, TenantScope};
use crate::{Error, Result};
use futures_util::TryStreamExt;
use std::collections::BTreeMap;
use uuid::Uuid;

/// How Airbyte laid the tables out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One typed table per stream in the schema, dotted names as underscores.
    Typed,
    /// `airbyte_internal.{schema}_raw__stream_{stream}`, the record in `_airbyte_data`.
    Raw,
}

/// A stream table found in the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AirbyteTable {
    pub stream: Stream,
    /// Schema-qualified and quoted, ready for SQL.
    pub qualified: String,
    /// As shown to people: `schema.table`.
    pub name: String,
    pub layout: Layout,
}

impl AirbyteTable {
    /// The SQL for the account id of a row, and for the row as JSON text.
    fn columns(&self) -> (String, &'static str) {
        let key = match self.stream.platform() {
            Platform::GoogleAds => "customer.id",
            _ => "account_id",
        };
        match self.layout {
            Layout::Typed => (
                format!("to_jsonb(t) ->> '{}'", key.replace('.', "_")),
                "(to_jsonb(t) - '_airbyte_meta' - '_airbyte_raw_id' - '_airbyte_extracted_at' - '_airbyte_generation_id')::text",
            ),
            Layout::Raw => (
                format!("t._airbyte_data ->> '{key}'"),
                "t._airbyte_data::text",
            ),
        }
    }
}

fn valid_schema(schema: &str) -> Result<()> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::Validation(format!(
            "“{schema}” is not a schema name Airbyte would write (lowercase letters, digits, _)."
        )))
    }
}

/// The known stream tables present in `schema`.
pub async fn discover(db: &Database, schema: &str, layout: Layout) -> Result<Vec<AirbyteTable>> {
    valid_schema(schema)?;
    let (in_schema, prefix) = match layout {
        Layout::Typed => (schema.to_string(), String::new()),
        Layout::Raw => (
            "airbyte_internal".to_string(),
            format!("{schema}_raw__stream_"),
        ),
    };
    let present: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables where table_schema = $1",
    )
    .bind(&in_schema)
    .fetch_all(db.pool())
    .await?;
    let mut found = Vec::new();
    for stream in Stream::ALL {
        for name in stream.airbyte_tables() {
            let table = format!("{prefix}{name}");
            if present.contains(&table) {
                found.push(AirbyteTable {
                    stream,
                    qualified: format!("\"{in_schema}\".\"{table}\""),
                    name: format!("{in_schema}.{table}"),
                    layout,
                });
            }
        }
    }
    Ok(found)
}

/// One table's load into one tenant.
#[derive(Clone, Debug)]
pub struct TableLoad {
    pub table: String,
    pub tenant_id: Uuid,
    pub report: RunReport,
}

/// Loads every known stream table of `schema` into the tenants its accounts are assigned to,
/// entity streams first (so names and budgets are current when the facts arrive). Returns one
/// report per table and tenant, plus the accounts assigned to no tenant (table, account ids).
pub async fn sync_schema(
    db: &Database,
    schema: &str,
    layout: Layout,
) -> Result<(Vec<TableLoad>, Vec<(String, Vec<String>)>)> {
    let mut tables = discover(db, schema, layout).await?;
    if tables.is_empty() {
        return Err(Error::Validation(format!(
            "No Airbyte stream tables Cadence reads were found in “{schema}”."
        )));
    }
    tables.sort_by_key(|t| !t.stream.is_entity());
    let mut loads = Vec::new();
    let mut unmapped = Vec::new();
    for table in &tables {
        let (account, _) = table.columns();
        let accounts: Vec<Option<String>> = sqlx::query_scalar(&format!(
            "select distinct {account} from {} t",
            table.qualified
        ))
        .fetch_all(db.pool())
        .await?;
        let mut by_tenant: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
        let mut nobody = Vec::new();
        for a in accounts.into_iter().flatten() {
            let id = a.trim_start_matches("act_").replace('-', "");
            // The operators' assignment (a security-definer look-up), never a tenant's listing.
            let tenant: Option<Uuid> = sqlx::query_scalar("select ad_account_tenant($1, $2)")
                .bind(table.stream.platform().as_str())
                .bind(&id)
                .fetch_one(db.pool())
                .await?;
            match tenant {
                Some(t) => by_tenant.entry(t).or_default().push(a),
                None => nobody.push(id),
            }
        }
        if !nobody.is_empty() {
            unmapped.push((table.name.clone(), nobody));
        }
        for (tenant, accounts) in by_tenant {
            let scope = TenantScope::new(TenantId(tenant), None);
            let report = load_table(db, &scope, table, &accounts).await?;
            loads.push(TableLoad {
                table: table.name.clone(),
                tenant_id: tenant,
                report,
            });
        }
    }
    Ok((loads, unmapped))
}

/// Streams the rows of `accounts` from one table into the scoped tenant.
async fn load_table(
    db: &Database,
    scope: &TenantScope,
    table: &AirbyteTable,
    accounts: &[String],
) -> Result<RunReport> {
    let (account, row) = table.columns();
    let sql = format!(
        "select {row} from {} t where {account} = any($1)",
        table.qualified
    );
    let spec = LoadSpec {
        platform: table.stream.platform(),
        stream: table.stream.as_str().to_string(),
        source: format!("airbyte:{}", table.name),
        sha: None,
        actor: None,
    };
    if table.stream.is_entity() {
        let lines: Vec<String> = sqlx::query_scalar(&sql)
            .bind(accounts)
            .fetch_all(db.pool())
            .await?;
        let numbered = (1..).zip(lines).collect();
        return super::entity_load::load_entities(db, scope, &spec, table.stream, numbered).await;
    }
    let ctx = context(db, scope, spec.platform).await?;
    let (to_workers, from_workers) = pipeline::start(ctx, 2);
    let reader = {
        let db = db.clone();
        let accounts = accounts.to_vec();
        tokio::spawn(async move {
            let mut rows = sqlx::query_scalar::<_, String>(&sql)
                .bind(&accounts)
                .fetch(db.pool());
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut number = 0i32;
            loop {
                match rows.try_next().await {
                    Ok(Some(text)) => {
                        number += 1;
                        chunk.push(Item::Line(number, text));
                        if chunk.len() == CHUNK {
                            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                            if to_workers.send(Ok(full)).await.is_err() {
                                return;
                            }
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "reading an Airbyte table failed");
                        let _ = to_workers
                            .send(Err(format!("The Airbyte table could not be read: {e}")))
                            .await;
                        return;
                    }
                }
            }
            if !chunk.is_empty() {
                let _ = to_workers.send(Ok(chunk)).await;
            }
        })
    };
    let report = load_facts(db, scope, &spec, from_workers).await;
    reader.abort();
    report
}
