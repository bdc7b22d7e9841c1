//! The scale-out key rule (docs/scale-out.md), checked on the migrated catalog: every tenant table's
//! primary key and unique indexes include `tenant_id`, and its foreign keys to other tenant tables
//! carry `tenant_id`, so the schema can be distributed by tenant. The few tables that stay global
//! are listed here and in the document, with the reason there.

mod common;
use common::*;

/// Tables with a `tenant_id` column (or forced row-level security) that stay global, each named
/// in docs/scale-out.md with the reason.
const GLOBAL: [&str; 5] = [
    "role_bindings",
    "audit_log",
    "onboarding_progress",
    "api_key_hashes",
    "ad_account_assignments",
];

/// Tenant tables: a `tenant_id` column or forced row-level security (the catalog query's filter).
const TENANT_TABLES: &str =
    "select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p')
       and (c.relforcerowsecurity or exists (select 1 from pg_attribute a
             where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped))";

#[tokio::test]
async fn every_tenant_tables_unique_keys_include_tenant_id_unless_it_is_a_documented_global_table()
{
    let app = TestApp::spawn().await;
    let mut c = app.owner_conn().await;
    // Unique indexes (primary keys included) whose key columns do not include tenant_id itself (an
    // expression such as coalesce(agency_id, tenant_id) does not count).
    let keys: Vec<(String, String)> = sqlx::query_as(&format!(
        "select i.indrelid::regclass::text, i.indexrelid::regclass::text
           from pg_index i
          where i.indisunique and i.indrelid in ({TENANT_TABLES})
            and not exists (select 1 from pg_attribute a
                             where a.attrelid = i.indrelid and a.attname = 'tenant_id'
                               and a.attnum = any (i.indkey::int2[]))
          order by 1, 2"
    ))
    .fetch_all(&mut c)
    .await
    .unwrap();
    // Foreign keys from a tenant table to another tenant table that leave tenant_id out.
    let fks: Vec<(String, String)> = sqlx::query_as(&format!(
        "select f.conrelid::regclass::text, f.conname::text
           from pg_constraint f
          where f.contype = 'f' and f.conrelid in ({TENANT_TABLES})
            and f.confrelid in ({TENANT_TABLES})
            and not exists (select 1 from pg_attribute a
                             where a.attrelid = f.conrelid and a.attname = 'tenant_id'
                               and a.attnum = any (f.conkey))
          order by 1, 2"
    ))
    .fetch_all(&mut c)
    .await
    .unwrap();
    let offenders: Vec<String> = keys
        .iter()
        .chain(&fks)
        .filter(|(table, _)| !GLOBAL.contains(&table.as_str()))
        .map(|(table, what)| format!("{table}: {what}"))
        .collect();
    assert!(
        offenders.is_empty(),
        "tenant tables with a unique key or foreign key without tenant_id (put tenant_id in it, \
         or make the table global and say why in docs/scale-out.md and GLOBAL): {offenders:#?}"
    );

    // The allow-list stays honest: each entry is a tenant table that needs it, and the document
    // names it.
    let doc = include_str!("../../docs/scale-out.md");
    for table in GLOBAL {
        assert!(
            keys.iter().any(|(t, _)| t == table),
            "{table} is listed as global but every unique key of it includes tenant_id (or it is \
             gone): take it off the list"
        );
        assert!(
            doc.contains(&format!("`{table}`")),
            "docs/scale-out.md does not name the global table `{table}`"
        );
    }
}
