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
    /// Load ad-platform data into a tenant (for files too large to upload).
    Ingest {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
        /// Meta insights as JSON lines (Airbyte records, raw-table rows or protocol messages).
        #[arg(long)]
        meta_jsonl: std::path::PathBuf,
    },
    /// The private PostgreSQL cluster (when DATABASE_URL is unset).
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
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
            tracing::info!(
                "the demo tenant is ready at slug `{}`",
                server::seed::DEMO_SLUG
            );
            open.close().await;
            Ok(())
        }
        Command::Ingest { tenant, meta_jsonl } => {
            let open = OpenDatabase::open(&config, Exclusive::No).await?;
            let result = server::ingest::meta_file(&open.db, &tenant, &meta_jsonl).await;
            open.close().await;
            let report = result?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
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
