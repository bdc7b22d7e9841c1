//! Image routes: uploads from the app (multipart form posts that answer with a redirect back, so
//! they work without JavaScript), the app's view of the current tenant's images (private, checked
//! again on every use, with an ETag so an unchanged image costs a 304), and a storefront's public
//! images (cached for a year: an image's address never changes content).

use crate::router::AppState;
use app::error::AppError;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cadence::Uuid;
use cadence::media::{MAX_UPLOAD_BYTES, Purpose, too_large};
use cadence::tenancy::ResolvedTenant;

/// The request body limit on the upload route: the largest image plus room for the form's other
/// fields, so an image just over 10 MB still reaches the handler and gets a clear message.
pub const UPLOAD_BODY_LIMIT: usize = MAX_UPLOAD_BYTES + 256 * 1024;

fn image_response(content_type: String, bytes: Vec<u8>, cache: &'static str) -> Response {
    let mut res = Response::new(Body::from(bytes));
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res.extensions_mut().insert(crate::router::OwnCacheControl);
    res
}

/// Private images: a browser keeps them but asks before each use, so access is checked again
/// (a revoked member gets 401/404, not the cached image).
const PRIVATE_REVALIDATE: &str = "private, no-cache";

/// A strong validator from the image's bytes.
fn etag(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// Whether an `If-None-Match` header names this validator (or `*`); weak forms match too.
fn matches(if_none_match: Option<&HeaderValue>, tag: &str) -> bool {
    let Some(list) = if_none_match.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    list.split(',')
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag)
}

/// A private image with its validator, or 304 when the browser already has these bytes.
fn private_image(
    content_type: String,
    bytes: Vec<u8>,
    if_none_match: Option<&HeaderValue>,
) -> Response {
    let tag = etag(&bytes);
    let mut res = if matches(if_none_match, &tag) {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        let h = res.headers_mut();
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PRIVATE_REVALIDATE),
        );
        res.extensions_mut().insert(crate::router::OwnCacheControl);
        res
    } else {
        image_response(content_type, bytes, PRIVATE_REVALIDATE)
    };
    if let Ok(v) = HeaderValue::from_str(&tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

fn media_error(e: cadence::Error) -> Response {
    match e {
        cadence::Error::NotFound => StatusCode::NOT_FOUND.into_response(),
        e => {
            tracing::error!(error = %e, "serving an image failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// `/media/{id}` and `/media/{id}/thumb` on a storefront: that storefront's images, public.
pub async fn storefront_image(
    State(state): State<AppState>,
    tenant: Option<axum::Extension<ResolvedTenant>>,
    Path(path): Path<String>,
) -> Response {
    let Some(axum::Extension(tenant)) = tenant else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((id, thumb)) = parse(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match cadence::media::read(&state.db, &state.media, &tenant.scope, id, thumb).await {
        Ok((ct, bytes)) => image_response(ct, bytes, "public, max-age=31536000, immutable"),
        Err(e) => media_error(e),
    }
}

/// `{id}` or `{id}/thumb`.
fn parse(path: &str) -> Option<(Uuid, bool)> {
    match path.split_once('/') {
        None => Some((Uuid::parse_str(path).ok()?, false)),
        Some((id, "thumb")) => Some((Uuid::parse_str(id).ok()?, true)),
        Some(_) => None,
    }
}

/// `/app/media/{id}[/thumb]` on the platform host: the signed-in member's current tenant's image.
pub async fn app_image(provide: impl Fn() + Clone, req: Request, thumb: bool) -> Response {
    let id = req
        .uri()
        .path()
        .trim_start_matches("/app/media/")
        .trim_end_matches("/thumb")
        .to_string();
    let Ok(id) = Uuid::parse_str(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if req.extensions().get::<ResolvedTenant>().is_some() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (parts, _) = req.into_parts();
    let if_none_match = parts.headers.get(header::IF_NONE_MATCH).cloned();
    // Access is checked (and the image read) before the validator is compared: a 304 is an answer
    // about the image too.
    let read = app::api::media::in_request_context(parts, provide, async move {
        app::api::media::read(id, thumb).await
    })
    .await;
    match read {
        Ok((ct, bytes)) => private_image(ct, bytes, if_none_match.as_ref()),
        Err(AppError::Unauthenticated) => StatusCode::UNAUTHORIZED.into_response(),
        Err(AppError::Forbidden(_)) => StatusCode::FORBIDDEN.into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// What the upload form sent.
#[derive(Default)]
struct UploadForm {
    purpose: String,
    item_id: String,
    return_to: String,
    file_name: String,
    bytes: Vec<u8>,
    too_large: Option<usize>,
}

async fn read_form(mut multipart: Multipart) -> Result<UploadForm, String> {
    let mut form = UploadForm::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                form.too_large = Some(UPLOAD_BODY_LIMIT + 1);
                break;
            }
            Err(e) => return Err(format!("The upload could not be read ({}).", e.body_text())),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            form.file_name = field.file_name().unwrap_or("").to_string();
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if form.bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                            form.too_large = Some(form.bytes.len() + chunk.len());
                            form.bytes.clear();
                            break;
                        }
                        form.bytes.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        form.too_large = Some(UPLOAD_BODY_LIMIT + 1);
                        break;
                    }
                    Err(e) => {
                        return Err(format!("The upload could not be read ({}).", e.body_text()));
                    }
                }
            }
            if form.too_large.is_some() {
                break;
            }
        } else {
            let value = field.text().await.unwrap_or_default();
            match name.as_str() {
                "purpose" => form.purpose = value,
                "item_id" => form.item_id = value,
                "return_to" => form.return_to = value,
                _ => {}
            }
        }
    }
    Ok(form)
}

/// Only pages of the app itself are places to come back to.
fn safe_return(to: &str) -> String {
    let ok = to.starts_with("/app") && !to.starts_with("//") && !to.contains(['\\', '\r', '\n']);
    if ok { to.to_string() } else { "/app".into() }
}

fn back(to: &str, key: &str, value: &str) -> Response {
    let (path, query) = to.split_once('?').unwrap_or((to, ""));
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    pairs.retain(|(k, _)| k != "error" && k != "uploaded");
    pairs.push((key.into(), value.into()));
    let q = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    Redirect::to(&format!("{path}?{q}")).into_response()
}

/// `POST /app/media`: an image upload (`purpose` = `logo` or `item` with `item_id`, the `file`,
/// and `return_to`). Answers with a redirect back, carrying `uploaded=…` or `error=…`.
pub async fn upload(provide: impl Fn() + Clone, req: Request) -> Response {
    if req.extensions().get::<ResolvedTenant>().is_some() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let parts = request_parts(&req);
    let multipart = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(e) => {
            return (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "Send the image as a multipart form upload ({}).",
                    e.body_text()
                ),
            )
                .into_response();
        }
    };
    let form = match read_form(multipart).await {
        Ok(f) => f,
        Err(message) => return back("/app", "error", &message),
    };
    let to = safe_return(&form.return_to);
    if let Some(n) = form.too_large {
        return back(&to, "error", &too_large(n));
    }
    let purpose = match form.purpose.as_str() {
        "logo" => Purpose::Logo,
        "item" => match Uuid::parse_str(&form.item_id) {
            Ok(id) => Purpose::Item(id),
            Err(_) => return back(&to, "error", "Choose the item the image belongs to."),
        },
        _ => return back(&to, "error", "Say what the image is for (logo or item)."),
    };
    if form.bytes.is_empty() {
        return back(&to, "error", "Choose an image file to upload.");
    }
    let result = app::api::media::in_request_context(parts, provide, async move {
        app::api::media::upload(purpose, &form.file_name, form.bytes).await
    })
    .await;
    match result {
        Ok(m) => back(&to, "uploaded", &m.id.to_string()),
        Err(AppError::Unauthenticated) => Redirect::to("/login?next=/app").into_response(),
        Err(e) => back(&to, "error", &e.to_string()),
    }
}

/// The request's parts, kept for the Leptos context while the body is read.
pub fn request_parts(req: &Request) -> axum::http::request::Parts {
    let mut builder = axum::http::Request::builder()
        .method(req.method().clone())
        .uri(req.uri().clone())
        .version(req.version());
    for (k, v) in req.headers() {
        builder = builder.header(k, v);
    }
    let (mut parts, _) = builder.body(()).unwrap_or_default().into_parts();
    parts.extensions = req.extensions().clone();
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_names_the_tag_in_a_list_weakly_or_as_any() {
        let tag = etag(b"image bytes");
        let h = |s: &str| HeaderValue::from_str(s).unwrap();
        assert!(matches(Some(&h(&tag)), &tag));
        assert!(matches(Some(&h(&format!("\"x\", W/{tag}"))), &tag));
        assert!(matches(Some(&h("*")), &tag));
        assert!(!matches(Some(&h("\"x\"")), &tag));
        assert!(!matches(None, &tag));
        assert_ne!(etag(b"other bytes"), tag);
    }
}
