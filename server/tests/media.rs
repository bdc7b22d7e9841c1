//! Image uploads end to end through the router: recognised by content, 10 MB at most, stored under
//! the tenant's prefix (local directory or S3-compatible storage), served with long cache headers
//! on the storefront and privately in the app, and never across tenants.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use http_body_util::BodyExt;
use std::io::Cursor;

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::RgbImage::from_pixel(width, height, image::Rgb([30, 90, 200]))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

const BOUNDARY: &str = "cadence-test-boundary";

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

struct Answer {
    status: StatusCode,
    location: String,
}

impl Answer {
    fn param(&self, key: &str) -> Option<String> {
        let q = self.location.split_once('?')?.1;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).ok()?;
        pairs.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

async fn upload(
    app: &TestApp,
    cookie: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> Answer {
    let res = app
        .send(
            Request::post("/app/media")
                .header(header::HOST, BASE_DOMAIN)
                .header(header::COOKIE, cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart(fields, file)))
                .unwrap(),
        )
        .await;
    Answer {
        status: res.status(),
        location: res
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default(),
    }
}

async fn fetch(
    app: &TestApp,
    host: &str,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, String, String, Vec<u8>) {
    let mut req = Request::get(path).header(header::HOST, host);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app.send(req.body(Body::empty()).unwrap()).await;
    let h = |n| {
        res.headers()
            .get(n)
            .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (ct, cc) = (h(header::CONTENT_TYPE), h(header::CACHE_CONTROL));
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, ct, cc, bytes)
}

async fn media_count(app: &TestApp, tenant: uuid::Uuid) -> i64 {
    // Row-level security is forced even for the owner: look inside the tenant's scope.
    let mut c = app.owner_conn().await;
    sqlx::query("select set_config('app.tenant_id', $1, false)")
        .bind(tenant.to_string())
        .execute(&mut c)
        .await
        .unwrap();
    sqlx::query_scalar("select count(*) from media where tenant_id = $1")
        .bind(tenant)
        .fetch_one(&mut c)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_logo_upload_is_stored_thumbnailed_and_served_with_long_cache_headers() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Logo Shop").await;
    let a = upload(
        &app,
        &m.cookie,
        &[("purpose", "logo"), ("return_to", "/app/storefront")],
        Some(("logo.png", "image/png", &png(800, 400))),
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.location);
    assert!(a.location.starts_with("/app/storefront?"), "{}", a.location);
    let id = a.param("uploaded").expect("an uploaded id");

    // The app shows it to staff, privately.
    let (status, ct, cc, bytes) = fetch(
        &app,
        BASE_DOMAIN,
        &format!("/app/media/{id}"),
        Some(&m.cookie),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct, "image/png");
    assert_eq!(cc, "private, no-cache");
    assert_eq!(bytes, png(800, 400));
    // Not to someone who is not signed in.
    let (status, ..) = fetch(&app, BASE_DOMAIN, &format!("/app/media/{id}"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The storefront serves the thumbnail publicly for a year and shows the logo.
    let host = storefront_host(&m.tenant.slug);
    let (status, ct, cc, bytes) = fetch(&app, &host, &format!("/media/{id}/thumb"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct, "image/jpeg");
    assert_eq!(cc, "public, max-age=31536000, immutable");
    let thumb = image::load_from_memory(&bytes).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (480, 240));
    let (_, home) = app.get(&host, "/").await;
    assert!(
        home.contains(&format!("/media/{id}/thumb")),
        "the home shows the logo"
    );
    assert_eq!(media_count(&app, m.tenant.scope.tenant_id().0).await, 1);
}

#[tokio::test]
async fn non_images_oversized_files_and_empty_forms_are_refused_and_nothing_is_kept() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Careful Shop").await;
    let tenant = m.tenant.scope.tenant_id().0;
    let fields = [("purpose", "logo"), ("return_to", "/app/storefront")];

    // A page of HTML named and labelled as a PNG: the bytes decide.
    let a = upload(
        &app,
        &m.cookie,
        &fields,
        Some(("cat.png", "image/png", b"<html><script>alert(1)</script>")),
    )
    .await;
    assert!(
        a.param("error").unwrap().contains("not an image we accept"),
        "{}",
        a.location
    );

    // One byte over 10 MB (a real PNG header, then padding).
    let mut big = png(2, 2);
    big.resize(cadence::media::MAX_UPLOAD_BYTES + 1, 0);
    let a = upload(
        &app,
        &m.cookie,
        &fields,
        Some(("big.png", "image/png", &big)),
    )
    .await;
    assert!(
        a.param("error").unwrap().contains("10 MB at most"),
        "{}",
        a.location
    );

    // No file chosen; an unknown purpose; an item that does not exist.
    let a = upload(&app, &m.cookie, &fields, None).await;
    assert!(
        a.param("error").unwrap().contains("Choose an image"),
        "{}",
        a.location
    );
    let a = upload(
        &app,
        &m.cookie,
        &[("purpose", "banner")],
        Some(("a.png", "image/png", &png(4, 4))),
    )
    .await;
    assert!(
        a.param("error").unwrap().contains("logo or item"),
        "{}",
        a.location
    );
    let missing = uuid::Uuid::now_v7().to_string();
    let a = upload(
        &app,
        &m.cookie,
        &[("purpose", "item"), ("item_id", &missing)],
        Some(("a.png", "image/png", &png(4, 4))),
    )
    .await;
    assert!(a.param("error").is_some(), "{}", a.location);

    // A redirect never leaves the app.
    let a = upload(
        &app,
        &m.cookie,
        &[("purpose", "logo"), ("return_to", "https://evil.example/")],
        None,
    )
    .await;
    assert!(a.location.starts_with("/app?"), "{}", a.location);

    // Not multipart at all.
    let res = app
        .send(
            Request::post("/app/media")
                .header(header::HOST, BASE_DOMAIN)
                .header(header::COOKIE, &m.cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    assert_eq!(media_count(&app, tenant).await, 0, "nothing was recorded");
    let dir_files = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("cadence-test-media-")
        })
        .any(|e| e.path().join("tenants").join(tenant.to_string()).exists());
    assert!(!dir_files, "no bytes were stored for the tenant");
}

#[tokio::test]
async fn item_images_show_on_the_storefront_and_stay_inside_their_tenant() {
    let app = TestApp::spawn().await;
    let a = app.member_of_new_tenant("Shop A").await;
    let b = app.member_of_new_tenant("Shop B").await;
    let meta = cadence::audit::RequestMeta::default();
    let parts = StaffParts::of(&app, &a).await;
    let staff = parts.staff(&meta);
    let item = cadence::commerce::save_item(
        &app.db,
        &staff,
        None,
        &cadence::commerce::ItemInput {
            kind: "product".into(),
            title: "Lamp".into(),
            price: "12.00".into(),
            active: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let item_s = item.to_string();
    let ans = upload(
        &app,
        &a.cookie,
        &[
            ("purpose", "item"),
            ("item_id", &item_s),
            ("return_to", "/app/catalog"),
        ],
        Some(("lamp.jpg", "image/png", &png(300, 300))),
    )
    .await;
    let id = ans
        .param("uploaded")
        .unwrap_or_else(|| panic!("{}", ans.location));

    let host_a = storefront_host(&a.tenant.slug);
    let (_, page) = app.get(&host_a, &format!("/items/{item}")).await;
    assert!(page.contains(&format!("/media/{id}/thumb")) && page.contains("data-test=\"gallery\""));

    // B's storefront and B's staff cannot reach A's image, even knowing its id.
    let host_b = storefront_host(&b.tenant.slug);
    assert_eq!(
        fetch(&app, &host_b, &format!("/media/{id}"), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        fetch(
            &app,
            BASE_DOMAIN,
            &format!("/app/media/{id}"),
            Some(&b.cookie)
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // B cannot attach an image to A's item either.
    let ans = upload(
        &app,
        &b.cookie,
        &[("purpose", "item"), ("item_id", &item_s)],
        Some(("x.png", "image/png", &png(4, 4))),
    )
    .await;
    assert!(ans.param("error").is_some(), "{}", ans.location);
    // The app's image route does not exist on a storefront host.
    assert_eq!(
        fetch(&app, &host_a, &format!("/app/media/{id}"), Some(&a.cookie))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // Removing the image takes it off the storefront and out of storage.
    cadence::media::remove(
        &app.db,
        &app.media,
        &staff,
        uuid::Uuid::parse_str(&id).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        fetch(&app, &host_a, &format!("/media/{id}"), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, page) = app.get(&host_a, &format!("/items/{item}")).await;
    assert!(!page.contains(&id));
}

#[tokio::test]
async fn an_analyst_cannot_upload() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Team Shop").await;
    let (analyst, email) = app.verified_user("Ana").await;
    let catalog = cadence::access::load_catalog(&app.db).await.unwrap();
    let owner = cadence::access::principal(&app.db, m.user_id)
        .await
        .unwrap();
    let scope =
        cadence::access::enter_tenant(&catalog, &owner, m.tenant.scope.tenant_id()).unwrap();
    admit(&app, &catalog, &owner, &scope, analyst, "analyst").await;
    let cookie = app.session_for(&email).await;
    let a = upload(
        &app,
        &cookie,
        &[("purpose", "logo"), ("return_to", "/app/storefront")],
        Some(("l.png", "image/png", &png(8, 8))),
    )
    .await;
    let error = a.param("error").unwrap_or_else(|| panic!("{}", a.location));
    assert!(error.contains("storefront.manage"), "{error}");
    assert_eq!(media_count(&app, m.tenant.scope.tenant_id().0).await, 0);
}

/// A small S3-compatible fake: PUT stores an object, GET returns it, DELETE removes it.
async fn fake_s3() -> (
    String,
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>>,
) {
    use axum::extract::{Path, State};
    use axum::response::IntoResponse;
    type Objects = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>>;
    let objects: Objects = Default::default();
    async fn put(
        State(o): State<Objects>,
        Path(key): Path<String>,
        body: axum::body::Bytes,
    ) -> impl IntoResponse {
        o.lock().unwrap().insert(key, body.to_vec());
        (StatusCode::OK, [(header::ETAG, "\"fake-etag\"")])
    }
    async fn get(State(o): State<Objects>, Path(key): Path<String>) -> axum::response::Response {
        match o.lock().unwrap().get(&key) {
            Some(b) => (
                StatusCode::OK,
                [
                    (header::ETAG, "\"fake-etag\"".to_string()),
                    (
                        header::LAST_MODIFIED,
                        "Tue, 01 Dec 2026 00:00:00 GMT".to_string(),
                    ),
                    (header::CONTENT_LENGTH, b.len().to_string()),
                ],
                b.clone(),
            )
                .into_response(),
            None => (
                StatusCode::NOT_FOUND,
                "<Error><Code>NoSuchKey</Code></Error>",
            )
                .into_response(),
        }
    }
    async fn delete(State(o): State<Objects>, Path(key): Path<String>) -> StatusCode {
        o.lock().unwrap().remove(&key);
        StatusCode::NO_CONTENT
    }
    let router = axum::Router::new()
        .route("/{*key}", axum::routing::put(put).get(get).delete(delete))
        .with_state(objects.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), objects)
}

#[tokio::test]
async fn images_go_to_s3_compatible_storage_when_configured() {
    let (endpoint, objects) = fake_s3().await;
    let store = cadence::media::MediaStore::s3(&cadence::media::S3Settings {
        endpoint,
        bucket: "cadence-media".into(),
        region: "us-east-1".into(),
        access_key_id: "test".into(),
        secret_access_key: "test-secret".into(),
    })
    .unwrap();
    let app = TestApp::spawn_with_media(store).await;
    let m = app.member_of_new_tenant("Cloud Shop").await;
    let a = upload(
        &app,
        &m.cookie,
        &[("purpose", "logo"), ("return_to", "/app/storefront")],
        Some(("l.png", "image/png", &png(64, 64))),
    )
    .await;
    let id = a
        .param("uploaded")
        .unwrap_or_else(|| panic!("{}", a.location));
    let tenant = m.tenant.scope.tenant_id().0;
    let key = format!("cadence-media/tenants/{tenant}/media/{id}");
    {
        let objects = objects.lock().unwrap();
        assert_eq!(
            objects.get(&key),
            Some(&png(64, 64)),
            "stored under the tenant's prefix: {:?}",
            objects.keys()
        );
        assert!(objects.contains_key(&format!("{key}-thumb")));
    }
    let (status, ct, _, bytes) = fetch(
        &app,
        &storefront_host(&m.tenant.slug),
        &format!("/media/{id}"),
        None,
    )
    .await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "image/png"));
    assert_eq!(bytes, png(64, 64));
}
