//! Serving: bind (or take the socket systemd passes), run the router, and shut down gracefully on
//! SIGTERM or Ctrl-C.

use crate::config::Config;
use crate::database::{Exclusive, OpenDatabase};
use crate::router::{AppState, build_router};
use anyhow::Context;
use app::SiteConfig;
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::time::Duration;

/// The listening socket handed over by systemd's socket activation (or any supervisor following its
/// `LISTEN_FDS` protocol), if any. The supervisor keeps the socket across restarts, so connections
/// made while one server stops and the next starts wait in its queue instead of being refused.
fn inherited_listener() -> anyhow::Result<Option<tokio::net::TcpListener>> {
    let mut fds = listenfd::ListenFd::from_env();
    let Some(l) = fds
        .take_tcp_listener(0)
        .context("the socket passed in LISTEN_FDS is not a TCP listener")?
    else {
        return Ok(None);
    };
    l.set_nonblocking(true)?;
    // Not inherited by what this server starts (the private cluster's postgres).
    nix::fcntl::fcntl(
        std::os::fd::AsRawFd::as_raw_fd(&l),
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )?;
    tracing::info!(addr = ?l.local_addr().ok(), "serving on the socket passed by the supervisor");
    Ok(Some(tokio::net::TcpListener::from_std(l)?))
}

/// Runs the server until a shutdown signal, then drains requests and stops the private cluster.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let open = OpenDatabase::open(&config, Exclusive::Yes).await?;
    let listener = match inherited_listener()? {
        Some(l) => l,
        None => tokio::net::TcpListener::bind(config.addr)
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {} (set CADENCE_ADDR to another address)",
                    config.addr
                )
            })?,
    };
    let state = AppState {
        leptos_options: leptos_options(&config),
        db: open.db.clone(),
        site: SiteConfig {
            base_domain: config.base_domain.clone(),
            public_port: config.public_port,
            dev_mailbox: config.smtp_url.is_none() && config.addr.ip().is_loopback(),
        },
        secure_cookies: config.secure_cookies,
        catalog: std::sync::Arc::new(
            cadence::access::load_catalog(&open.db)
                .await
                .context("loading roles and privileges")?,
        ),
        media: config.media.open().context("opening media storage")?,
        keys: crate::keys::keyring(&config)?,
        metrics_token: config.metrics_token.clone(),
    };
    crate::metrics::handle();
    cadence::ratelimit::set_scale(config.rate_limit_scale);
    cadence::admin::plans::set_floor(
        cadence::admin::plans::parse_floor(&config.default_features, &config.default_limits)
            .map_err(|e| {
                anyhow::anyhow!("CADENCE_DEFAULT_FEATURES / CADENCE_DEFAULT_LIMITS: {e}")
            })?,
    );
    let mailer = match &config.smtp_url {
        Some(url) => Some(
            cadence::notify::Mailer::from_url(url, &config.mail_from)
                .context("configuring SMTP")?,
        ),
        None => None,
    };
    let jobs = crate::jobs::Jobs::start(open.db.clone(), mailer);
    // Other servers' writes drop this server's cached storefront pages (LISTEN/NOTIFY).
    let storefront_listener = cadence::storefront::spawn_listener(open.db.clone());
    if !config.page_cache {
        open.db.storefront_cache().switch_off_pages();
    }
    let app = build_router(state);
    let site = app_url(&config, None);
    tracing::info!(
        "Cadence is serving {site} (storefronts at {})",
        app_url(&config, Some("{slug}"))
    );

    let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: no new connections; finishing requests in flight");
        let _ = signalled_tx.send(());
    });
    let grace = Duration::from_secs(config.shutdown_grace_secs);
    tokio::select! {
        result = server => result.context("the server stopped with an error")?,
        _ = async { if signalled_rx.await.is_ok() { tokio::time::sleep(grace).await } else { std::future::pending::<()>().await } } => {
            tracing::warn!(seconds = grace.as_secs(), "requests still running after the grace period were cut off");
        }
    }
    jobs.stop();
    storefront_listener.abort();
    open.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Leptos' options, from our configuration rather than from Cargo.toml at run time (and the
/// built site's hash file, when its file names are hashed).
pub fn leptos_options(config: &Config) -> LeptosOptions {
    crate::assets::site_options(&config.site_root, config.addr)
}

fn app_url(config: &Config, sub: Option<&str>) -> String {
    let host = match sub {
        Some(s) => format!("{s}.{}", config.base_domain),
        None => config.base_domain.clone(),
    };
    match config.public_port {
        Some(p) => format!("http://{host}:{p}"),
        None => format!("http://{host}"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
