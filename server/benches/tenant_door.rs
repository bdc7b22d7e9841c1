//! Benchmark: the tenant door (BEGIN + set_config in one round trip, then the query under RLS)
//! against the same point read in a plain transaction on a table without RLS. 10,000 reads,
//! sequentially and from 16 concurrent clients. Run: `cargo bench -p server --bench tenant_door`.

use cadence::db::Database;
use cadence::db::cluster::{Cluster, ClusterOptions};
use cadence::tenancy::{ResolvedTenant, TenantSlug, create_tenant};
use sqlx::{Connection, PgPool};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TENANTS: usize = 500;
const READS: usize = 10_000;
const CLIENTS: usize = 16;

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join("cadence-bench-pg");
    let cluster = Cluster::ensure(&dir, ClusterOptions { fast_unsafe: true })
        .await
        .expect("cluster");
    let name = format!("cadence_bench_{}", uuid::Uuid::now_v7().simple());
    let mut owner = sqlx::PgConnection::connect(&cluster.owner_url())
        .await
        .unwrap();
    sqlx::query(&format!("create database {name}"))
        .execute(&mut owner)
        .await
        .unwrap();
    owner.close().await.unwrap();
    cadence::db::migrate(&cluster.owner_url_for(&name))
        .await
        .unwrap();

    // The same rows twice: in storefront_settings (RLS forced) and in a plain copy without RLS.
    let db = Database::connect(&cluster.app_url_for(&name), CLIENTS as u32)
        .await
        .unwrap();
    let mut owner = sqlx::PgConnection::connect(&cluster.owner_url_for(&name))
        .await
        .unwrap();
    sqlx::query("create table bench_plain (tenant_id uuid primary key, display_name text not null, tagline text, about text)")
        .execute(&mut owner)
        .await
        .unwrap();
    sqlx::query("grant select on bench_plain to cadence_app")
        .execute(&mut owner)
        .await
        .unwrap();
    let mut tenants: Vec<ResolvedTenant> = Vec::with_capacity(TENANTS);
    for i in 0..TENANTS {
        let slug = TenantSlug::parse(&format!("bench-{i}-{}", &name[name.len() - 6..])).unwrap();
        let t = create_tenant(&db, &slug, &format!("Tenant {i}"))
            .await
            .unwrap();
        cadence::storefront::save_profile(
            &db,
            &t.scope,
            &format!("Tenant {i}"),
            Some("tagline"),
            Some("about"),
        )
        .await
        .unwrap();
        sqlx::query("insert into bench_plain values ($1, $2, 'tagline', 'about')")
            .bind(t.scope.tenant_id().0)
            .bind(format!("Tenant {i}"))
            .execute(&mut owner)
            .await
            .unwrap();
        tenants.push(t);
    }
    owner.close().await.unwrap();
    let plain = sqlx::postgres::PgPoolOptions::new()
        .max_connections(CLIENTS as u32)
        .connect(&cluster.app_url_for(&name))
        .await
        .unwrap();
    let tenants = Arc::new(tenants);

    // Warm both paths.
    run(&db, &plain, &tenants, 1, 1_000, Path::Door).await;
    run(&db, &plain, &tenants, 1, 1_000, Path::Plain).await;

    println!("tenant door vs plain transaction, {READS} point reads over {TENANTS} tenants");
    println!(
        "{:<12} {:>10} {:>10} {:>10} {:>12}",
        "clients", "path", "median µs", "p95 µs", "reads/s"
    );
    for clients in [1, CLIENTS] {
        let plain_stats = run(&db, &plain, &tenants, clients, READS, Path::Plain).await;
        let door_stats = run(&db, &plain, &tenants, clients, READS, Path::Door).await;
        for (label, s) in [("plain", &plain_stats), ("door", &door_stats)] {
            println!(
                "{:<12} {:>10} {:>10} {:>10} {:>12.0}",
                clients,
                label,
                s.median.as_micros(),
                s.p95.as_micros(),
                s.per_sec
            );
        }
        println!(
            "{:<12} ratio door/plain: median {:.3}, throughput {:.3}",
            clients,
            door_stats.median.as_secs_f64() / plain_stats.median.as_secs_f64(),
            plain_stats.per_sec / door_stats.per_sec
        );
    }
    cluster.stop().ok();
}

#[derive(Clone, Copy, PartialEq)]
enum Path {
    Door,
    Plain,
}

struct Stats {
    median: Duration,
    p95: Duration,
    per_sec: f64,
}

async fn run(
    db: &Database,
    plain: &PgPool,
    tenants: &Arc<Vec<ResolvedTenant>>,
    clients: usize,
    reads: usize,
    path: Path,
) -> Stats {
    let start = Instant::now();
    let mut handles = Vec::new();
    for c in 0..clients {
        let (db, plain, tenants) = (db.clone(), plain.clone(), tenants.clone());
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(reads / clients);
            for i in (c..reads).step_by(clients) {
                let t = &tenants[i % tenants.len()];
                let t0 = Instant::now();
                match path {
                    Path::Door => {
                        let p = cadence::storefront::profile(&db, t).await.unwrap();
                        assert_eq!(p.tagline.as_deref(), Some("tagline"));
                    }
                    Path::Plain => {
                        let mut tx = plain.begin().await.unwrap();
                        let row: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
                            "select display_name, tagline, about from bench_plain where tenant_id = $1",
                        )
                        .bind(t.scope.tenant_id().0)
                        .fetch_optional(&mut *tx)
                        .await
                        .unwrap();
                        tx.commit().await.unwrap();
                        assert!(row.is_some());
                    }
                }
                lat.push(t0.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::with_capacity(reads);
    for h in handles {
        all.extend(h.await.unwrap());
    }
    let elapsed = start.elapsed();
    all.sort();
    Stats {
        median: all[all.len() / 2],
        p95: all[all.len() * 95 / 100],
        per_sec: reads as f64 / elapsed.as_secs_f64(),
    }
}
