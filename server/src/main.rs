//! The `cadence` command: serve (default), migrate, seed and private-database helpers.

use clap::{Parser, Subcommand};
use server::config::Config;
use server::database::{Exclusive, OpenDatabase};

#[derive(Parser)]
#[command(
    name = "cadence",
    version,
    about = "Cadence: marketing analytics and storefronts"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app and storefronts (the default).
    Serve {
        /// Seed the demo tenant before serving.
        #[arg(long)]
        seed_demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create demo data.
    Seed {
        /// The demo tenant `demo` with its storefront (idempotent).
        #[arg(long)]
        demo: bool,
    },
    /// Load ad-platform data: a file into a tenant (for files too large to upload), or the
    /// tables Airbyte wrote into a schema into the tenants their accounts are assigned to.
    Ingest {
        /// The tenant's slug (for a file).
        #[arg(long)]
        tenant: Option<String>,
        /// The file: Airbyte JSON lines or a CSV report export.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        /// What the file holds: meta.ads_insights, meta.campaigns, meta.ad_sets, meta.ads,
        /// google_ads.performance, google_ads.campaign, google_ads.ad_group,
        /// google_ads.campaign_budget, or csv:<meta|google_ads|linkedin|tiktok>.
        #[arg(long, default_value = "meta.ads_insights")]
        format: String,
        /// Same as --file PATH --format meta.ads_insights.
        #[arg(long)]
        meta_jsonl: Option<std::path::PathBuf>,
        /// Read the Airbyte tables in this schema instead of a file (all tenants, by account).
        #[arg(long)]
        airbyte_schema: Option<String>,
        /// The schema's tables are Airbyte's raw tables (in airbyte_internal).
        #[arg(long)]
        raw: bool,
    },
    /// Which tenant receives an ad account's synced data (Airbyte schema loads).
    Ads {
        #[command(subcommand)]
        action: AdsAction,
    },
    /// Cadence staff: grant a platform role to an existing account (needs the owner role).
    Staff {
        /// The account's email.
        #[arg(long)]
        email: String,
        /// platform_admin or support_readonly.
        #[arg(long, default_value = "platform_admin")]
        role: String,
    },
    /// Turn off two-factor authentication for someone who lost their phone and recovery codes
    /// (check who they are out of band first; it is recorded in the audit log).
    MfaReset {
        /// The account's email.
        #[arg(long)]
        email: String,
    },
    /// Create an API key for a tenant (printed once), e.g. for a scheduled export or a test run.
    ApiKey {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
        #[arg(long, default_value = "command line")]
        name: String,
        /// A tenant role: owner, admin, manager, analyst or viewer.
        #[arg(long, default_value = "analyst")]
        role: String,
        /// Days until it expires (none: never).
        #[arg(long)]
        days: Option<u32>,
    },
    /// Build step: write brotli (.br) and gzip (.gz) copies beside the built site's files, for
    /// browsers that accept them (run after `cargo leptos build`).
    Precompress {
        /// The built site (default: LEPTOS_SITE_ROOT or the site beside the binary).
        #[arg(long)]
        site: Option<std::path::PathBuf>,
        /// Faster, slightly larger copies (development builds).
        #[arg(long)]
        quick: bool,
    },
    /// Master keys for stored credentials.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// The private PostgreSQL cluster (when DATABASE_URL is unset).
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
}

#[derive(Subcommand)]
enum AdsAction {
    /// Assign an ad account to a tenant (after checking out of band that it is theirs): its
    /// synced rows load there from the next sync on. Recorded in the tenant's audit log.
    Assign {
        /// meta, google_ads, linkedin or tiktok.
        #[arg(long)]
        platform: String,
        /// The account id as the platform shows it.
        #[arg(long)]
        account: String,
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
    },
    /// Unassign an ad account: its synced rows load nowhere until it is assigned again.
    Unassign {
        #[arg(long)]
        platform: String,
        #[arg(long)]
        account: String,
    },
}

#[derive(Subcommand)]
enum KeysAction {
    /// Add a new master key to the key file, re-wrap every tenant's data key with it, and drop
    /// keys nothing uses any more. The server keeps serving meanwhile.
    Rotate,
    /// Re-wrap every tenant's data key with the current master key (after changing
    /// CADENCE_MASTER_KEYS).
    Rewrap,
}

#[derive(Subcommand)]
enum DbAction {
    /// Start the cluster (if needed), migrate, and print the application role's URL.
    Url {
        /// Print the owner role's URL instead.
        #[arg(long)]
        owner: bool,
    },
    /// Stop the private cluster.
    Stop,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cadence: configuration error: {e:#}");
            return std::process::ExitCode::from(2);
        }
    };
    server::telemetry::init(config.log_format);
    server::telemetry::init_executor();
    match run(cli, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("cadence: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve { seed_demo: false }) {
        Command::Serve { seed_demo } => {
            if seed_demo {
                let open = OpenDatabase::open(&config, Exclusive::No).await?;
                server::seed::seed_demo(&open.db).await?;
                server::seed::seed_demo_staff(&open.db, &open.owner_url).await?;
                open.close().await;
            }
            server::serve::serve(config).await
        }
        Command::Migrate => {
            let open = OpenDatabase::open(&config, Exclusive::No).await?;
            tracing::info!("migrations are up to date");
            open.close().await;
            Ok(())
        }
        Command::Seed { demo } => {
            if !demo {
                anyhow::bail!("say what to seed: `cadence seed --demo`");
            }
            let open = OpenDatabase::open(&config, Exclusive::No).await?;
            server::seed::seed_demo(&open.db).await?;
            server::seed::seed_demo_staff(&open.db, &open.owner_url).await?;
            tracing::info!(
                "the demo tenant is ready at slug `{}`",
                server::seed::DEMO_SLUG
            );
            open.close().await;
            Ok(())
        }
        Command::Ingest {
            tenant,
            file,
            format,
            meta_jsonl,
            airbyte_schema,
            raw,
        } => {
            let open = OpenDatabase::open(&config, Exclusive::No).await?;
            let result = match (airbyte_schema, file.or(meta_jsonl), tenant) {
                (Some(schema), None, _) => {
                    server::ingest::airbyte_schema(&open.db, &schema, raw).await
                }
                (None, Some(path), Some(tenant)) => match server::ingest::parse_format(&format) {
                    Ok(format) => server::ingest::load_file(&open.db, &tenant, &path, &format)
                        .await
                        .and_then(|report| {
                            println!("{}", serde_json::to_string_pretty(&report)?);
                            Ok(())
                        }),
                    Err(e) => Err(e),
                },
                _ => Err(anyhow::anyhow!(
                    "give either --tenant and --file (or --meta-jsonl), or --airbyte-schema"
                )),
            };
            open.close().await;
            result
        }
        Command::Ads { action } => {
            let open = OpenDatabase::open(&config, Exclusive::No).await?;
            let result = server::ingest::assignment(&open.db, action.into()).await;
            open.close().await;
            result
        }
        Command::Staff { email, role } => {
            let open = OpenDatabase::open(&config, Exclusive::No).await?;
            let result =
                cadence::admin::platform::grant_platform_role(&open.owner_url, &email, &role)
                    .await
                    .map(|_| println!("{email} now holds {role} on the Cadence platform"))
                    .map_err(anyhow::Error::from);
            open.close().await;
            result
        }
        Command::MfaReset { email } => {
            let open = OpenDatabase::open(&config, Exclusive::No).await?;
            let result = cadence::auth::mfa::reset_by_operator(&open.db, &email)
                .await
                .map(|had| {
                    if had {
                        println!("two-factor authentication is off for {email}; they log in with their password and can set it up again")
                    } else {
                        println!("{email} did not have two-factor authentication on")
                    }
                })
                .map_err(anyhow::Error::from);
            open.close().await;
            result
        }
        Command::ApiKey {
            tenant,
            name,
            role,
            days,
        } => {
            let open = OpenDatabase::open(&config, Exclusive::No).await?;
            let result = async {
                let t = cadence::tenancy::resolve_by_slug(&open.db, &tenant)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("there is no tenant `{tenant}`"))?;
                let catalog = cadence::access::load_catalog(&open.db).await?;
                let created = cadence::admin::api_keys::create_by_operator(
                    &open.db,
                    &catalog,
                    &t.scope,
                    &cadence::admin::api_keys::NewKey {
                        name: &name,
                        role: &role,
                        expires_in_days: days,
                    },
                )
                .await?;
                println!("{}", created.secret);
                anyhow::Ok(())
            }
            .await;
            open.close().await;
            result
        }
        Command::Precompress { site, quick } => {
            let root = site.unwrap_or_else(|| config.site_root.clone());
            let effort = if quick {
                server::precompress::Effort::Quick
            } else {
                server::precompress::Effort::Best
            };
            let started = std::time::Instant::now();
            let files = server::precompress::site(&root, effort)?;
            let total = |f: fn(&server::precompress::Compressed) -> u64| -> u64 {
                files.iter().map(f).sum()
            };
            for c in files.iter().take(12) {
                let name = c.path.strip_prefix(&root).unwrap_or(&c.path);
                println!(
                    "{:<48} {:>10} bytes {:>10} gzip {:>10} brotli",
                    name.display(),
                    c.plain,
                    c.gz,
                    c.br
                );
            }
            println!(
                "precompressed {} files of {} in {:.1}s: {} bytes, {} gzip, {} brotli",
                files.len(),
                root.display(),
                started.elapsed().as_secs_f64(),
                total(|c| c.plain),
                total(|c| c.gz),
                total(|c| c.br)
            );
            Ok(())
        }
        Command::Keys { action } => {
            let open = OpenDatabase::open(&config, Exclusive::No).await?;
            let result = match action {
                KeysAction::Rotate => server::keys::rotate(&config, &open.db).await,
                KeysAction::Rewrap => server::keys::rewrap(&config, &open.db).await,
            };
            open.close().await;
            result
        }
        Command::Db { action } => {
            if config.database_url.is_some() {
                anyhow::bail!("DATABASE_URL is set: there is no private cluster to manage");
            }
            let open = OpenDatabase::open(&config, Exclusive::No).await?;
            match action {
                DbAction::Url { owner } => {
                    if owner {
                        println!("{}", open.owner_url);
                    } else {
                        println!("{}", open.app_url);
                    }
                    Ok(())
                }
                DbAction::Stop => open.close_and_stop_cluster().await,
            }
        }
    }
}

impl From<AdsAction> for server::ingest::Assignment {
    fn from(a: AdsAction) -> Self {
        match a {
            AdsAction::Assign {
                platform,
                account,
                tenant,
            } => Self::Assign {
                platform,
                account,
                tenant,
            },
            AdsAction::Unassign { platform, account } => Self::Unassign { platform, account },
        }
    }
}
