//! `cadence ingest`: the operator loads a large ad-data file into a tenant from the command line
//! (streamed: the file is read twice, once for its fingerprint and once to load it).

use anyhow::Context;
use cadence::db::Database;
use sha2::Digest;
use std::io::Read;

/// Loads a Meta insights JSONL file into the tenant with `slug`, and returns the run's report.
pub async fn meta_file(
    db: &Database,
    slug: &str,
    path: &std::path::Path,
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
    let format = cadence::ads::FileFormat::Airbyte(cadence::ads::Stream::MetaInsights);
    let spec = cadence::ads::LoadSpec {
        stream: cadence::ads::Stream::MetaInsights,
        source: format!("cli:{}", path.display()),
        sha: Some(sha),
        actor: None,
    };
    let report = cadence::ads::load_file(
        db,
        &tenant.scope,
        &spec,
        &format,
        std::io::BufReader::with_capacity(1 << 20, open()?),
    )
    .await?;
    tracing::info!(
        rows = report.rows_loaded,
        seconds = started.elapsed().as_secs_f64(),
        "loaded Meta insights"
    );
    Ok(report)
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
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(_) => return answer(Err("The upload could not be read.".into())),
        }
    }
    if bytes.is_empty() {
        return answer(Err("Choose a file to upload.".into()));
    }
    let result = app::api::media::in_request_context(parts, provide, async move {
        app::api::ads::ingest_upload(&format!("upload:{name}"), bytes).await
    })
    .await;
    answer(result.map_err(|e| e.to_string()))
}
