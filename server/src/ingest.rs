//! `cadence ingest`: the operator loads a large ad-data file into a tenant from the command line
//! (streamed: the file is read twice, once for its fingerprint and once to load it).

use anyhow::Context;
use cadence::db::Database;
use sha2::Digest;
use std::io::Read;

/// A file format named on the command line: a stream (`meta.ads_insights`, `meta.campaigns`,
/// `google_ads.performance`, …) for Airbyte JSON lines, or `csv:<platform>` for a report export
/// read through that platform's preset mapping.
pub fn parse_format(text: &str) -> anyhow::Result<cadence::ads::FileFormat> {
    use cadence::ads::{FileFormat, Platform, Stream, preset};
    if let Some(platform) = text.strip_prefix("csv:") {
        let platform = Platform::parse(platform).with_context(|| {
            format!("`{platform}` is not a platform: meta, google_ads, linkedin or tiktok")
        })?;
        return Ok(FileFormat::Csv(preset(platform)));
    }
    let stream = Stream::parse(text).with_context(|| {
        let names: Vec<&str> = Stream::ALL.iter().map(|s| s.as_str()).collect();
        format!(
            "`{text}` is not a format: one of {}, or csv:<platform>",
            names.join(", ")
        )
    })?;
    Ok(FileFormat::Airbyte(stream))
}

/// Loads a file into the tenant with `slug`, and returns the run's report.
pub async fn load_file(
    db: &Database,
    slug: &str,
    path: &std::path::Path,
    format: &cadence::ads::FileFormat,
) -> anyhow::Result<cadence::ads::RunReport> {
    let tenant = cadence::tenancy::resolve_by_slug(db, slug)
        .await?
        .with_context(|| format!("there is no tenant `{slug}`"))?;
    let open = || std::fs::File::open(path).with_context(|| format!("opening {}", path.display()));
    let mut hasher = sha2::Sha256::new();
    let mut file = open()?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let sha = hex::encode(hasher.finalize());
    let started = std::time::Instant::now();
    let spec = cadence::ads::LoadSpec {
        platform: format.platform(),
        stream: format.stream_name(),
        source: format!("cli:{}", path.display()),
        sha: Some(sha),
        actor: None,
    };
    let report = cadence::ads::load_file(
        db,
        &tenant.scope,
        &spec,
        format,
        std::io::BufReader::with_capacity(1 << 20, open()?),
    )
    .await?;
    tracing::info!(
        rows = report.rows_loaded,
        seconds = started.elapsed().as_secs_f64(),
        "loaded an ad-data file"
    );
    Ok(report)
}

/// Loads every stream table Airbyte wrote into `schema` into the tenants their accounts are
/// assigned to; prints one line per table and tenant.
pub async fn airbyte_schema(db: &Database, schema: &str, raw: bool) -> anyhow::Result<()> {
    use cadence::ads::airbyte::{Layout, sync_schema};
    let layout = if raw { Layout::Raw } else { Layout::Typed };
    let (loads, unmapped) = sync_schema(db, schema, layout).await?;
    for l in &loads {
        println!(
            "{}\ttenant {}\tread {} loaded {} rejected {} unmapped {}",
            l.table,
            l.tenant_id,
            l.report.rows_read,
            l.report.rows_loaded,
            l.report.rows_rejected,
            l.report.rows_unmapped
        );
    }
    for (table, accounts) in &unmapped {
        println!(
            "{table}\tnot loaded: accounts assigned to no tenant (`cadence ads assign`): {}",
            accounts.join(", ")
        );
    }
    Ok(())
}

/// Uploads larger than this go through `cadence ingest`.
pub const UPLOAD_LIMIT: usize = 50 * 1024 * 1024;

/// `POST /app/ingest`: a Meta insights file (multipart field `file`) for the signed-in member's
/// tenant. Answers JSON (the run report, or `{"error": …}` with 422) to scripts that ask for it, and
/// a redirect to the run's report otherwise (so the form works without JavaScript).
pub async fn upload(
    provide: impl Fn() + Clone,
    req: axum::extract::Request,
) -> axum::response::Response {
    use axum::extract::{FromRequest, Multipart};
    use axum::http::{StatusCode, header};
    use axum::response::{IntoResponse, Redirect};
    if req
        .extensions()
        .get::<cadence::tenancy::ResolvedTenant>()
        .is_some()
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let wants_json = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let answer = move |result: Result<cadence::ads::RunReport, String>| match (wants_json, result) {
        (true, Ok(r)) => axum::Json(r).into_response(),
        (true, Err(e)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(serde_json::json!({ "error": e })),
        )
            .into_response(),
        (false, Ok(r)) => Redirect::to(&format!(
            "/app/data/runs/{}",
            r.run_id.map(|i| i.to_string()).unwrap_or_default()
        ))
        .into_response(),
        (false, Err(e)) => Redirect::to(&format!(
            "/app/data?{}",
            serde_urlencoded::to_string([("error", e)]).unwrap_or_default()
        ))
        .into_response(),
    };
    let parts = crate::media::request_parts(&req);
    let mut multipart = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(_) => return answer(Err("Send the file as a multipart form upload.".into())),
    };
    let mut name = String::new();
    let mut bytes = Vec::new();
    let mut fields = std::collections::HashMap::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) if field.name() == Some("file") => {
                name = field.file_name().unwrap_or("upload").to_string();
                loop {
                    match field.chunk().await {
                        Ok(Some(c)) if bytes.len() + c.len() <= UPLOAD_LIMIT => {
                            bytes.extend_from_slice(&c)
                        }
                        Ok(Some(_)) | Err(_) => {
                            return answer(Err(format!(
                                "The file is larger than {} MB: load it with `cadence ingest` instead.",
                                UPLOAD_LIMIT / (1024 * 1024)
                            )));
                        }
                        Ok(None) => break,
                    }
                }
            }
            Ok(Some(field)) => {
                let key = field.name().unwrap_or("").to_string();
                match field.text().await {
                    Ok(value) if fields.len() < 100 && value.len() <= 2_000 => {
                        fields.insert(key, value);
                    }
                    _ => return answer(Err("The upload's form fields could not be read.".into())),
                }
            }
            Ok(None) => break,
            Err(_) => return answer(Err("The upload could not be read.".into())),
        }
    }
    if bytes.is_empty() {
        return answer(Err("Choose a file to upload.".into()));
    }
    // Scripts that send only a file mean Meta insights (as the first version of this route did).
    let declared = fields
        .get("format")
        .cloned()
        .unwrap_or_else(|| "meta.ads_insights".into());
    let format = match app::api::ads::upload_format(&declared, &fields) {
        Ok(f) => f,
        Err(e) => return answer(Err(e)),
    };
    let result = app::api::media::in_request_context(parts, provide, async move {
        app::api::ads::ingest_upload(format.into(), &format!("upload:{name}"), bytes).await
    })
    .await;
    answer(result.map_err(|e| e.to_string()))
}

/// `cadence ads assign` / `unassign`: which tenant an ad account's synced rows go to.
pub enum Assignment {
    Assign {
        platform: String,
        account: String,
        tenant: String,
    },
    Unassign {
        platform: String,
        account: String,
    },
}

fn platform(text: &str) -> anyhow::Result<cadence::ads::Platform> {
    cadence::ads::Platform::parse(text).with_context(|| {
        format!("`{text}` is not a platform: meta, google_ads, linkedin or tiktok")
    })
}

/// Assigns or unassigns an ad account as the operator, and says what was done.
pub async fn assignment(db: &Database, action: Assignment) -> anyhow::Result<()> {
    match action {
        Assignment::Assign {
            platform: p,
            account,
            tenant,
        } => {
            let p = platform(&p)?;
            let t = cadence::tenancy::resolve_by_slug(db, &tenant)
                .await?
                .with_context(|| format!("there is no tenant `{tenant}`"))?;
            cadence::ads::assign_by_operator(db, p, &account, t.scope.tenant_id()).await?;
            println!(
                "the {} account {account} is assigned to `{tenant}`: its synced rows load there",
                p.label()
            );
        }
        Assignment::Unassign {
            platform: p,
            account,
        } => {
            let p = platform(&p)?;
            match cadence::ads::unassign_by_operator(db, p, &account).await {
                Err(cadence::Error::NotFound) => {
                    anyhow::bail!("the {} account {account} is not assigned", p.label())
                }
                other => other?,
            }
            println!(
                "the {} account {account} is unassigned: its synced rows load nowhere",
                p.label()
            );
        }
    }
    Ok(())
}
