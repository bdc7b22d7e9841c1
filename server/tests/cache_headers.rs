//! Nothing private is kept by caches, through the real router: every REST API answer (errors
//! included) says `private, no-store`, and the app's images are `private, no-cache` with an ETag:
//! a 304 only after access is checked again, so access that ended ends the image too.

mod common;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::browser::{decoded, get, h};
use common::*;

#[tokio::test]
async fn every_api_answer_errors_included_is_private_no_store_and_large_json_is_compressed() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Api Cache").await;
    let key = app.api_key(&m, "cache test", "analyst", None).await;
    let bearer = format!("Bearer {key}");
    let cases: [(&str, Option<&str>, StatusCode); 5] = [
        ("/api/v1/orders", Some(bearer.as_str()), StatusCode::OK),
        ("/api/v1/catalog", Some(bearer.as_str()), StatusCode::OK),
        ("/api/v1/orders", None, StatusCode::UNAUTHORIZED),
        (
            "/api/v1/orders",
            Some("Bearer cad_not_a_key"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "/api/v1/orders?cursor=nonsense",
            Some(bearer.as_str()),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (path, auth, want) in cases {
        let mut headers = vec![(header::ACCEPT_ENCODING, "br")];
        if let Some(a) = auth {
            headers.push((header::AUTHORIZATION, a));
        }
        let (status, res, _) = get(&app, BASE_DOMAIN, path, &headers).await;
        assert_eq!(status, want, "{path} {auth:?}");
        assert_eq!(
            h(&res, header::CACHE_CONTROL),
            "private, no-store",
            "{path} {auth:?} {status}"
        );
    }
    // An unknown API path and the wrong method: errors made by the router itself.
    let (status, res, _) = get(&app, BASE_DOMAIN, "/api/v1/nothing-here", &[]).await;
    assert!(status.is_client_error(), "{status}");
    assert_eq!(h(&res, header::CACHE_CONTROL), "private, no-store");
    let res = app
        .send(
            Request::delete("/api/v1/orders")
                .header(header::HOST, BASE_DOMAIN)
                .header(header::AUTHORIZATION, &bearer)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(h(res.headers(), header::CACHE_CONTROL), "private, no-store");

    // The API's document is large JSON: compressed, and still private.
    let (status, res, body) = get(
        &app,
        BASE_DOMAIN,
        "/api/v1/openapi.json",
        &[(header::ACCEPT_ENCODING, "gzip")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h(&res, header::CONTENT_ENCODING), "gzip");
    assert_eq!(h(&res, header::CACHE_CONTROL), "private, no-store");
    let doc: serde_json::Value = serde_json::from_slice(&decoded(&res, &body)).unwrap();
    assert!(
        doc["paths"]["/api/v1/orders"].is_object() || doc["paths"]["/orders"].is_object(),
        "{doc}"
    );
}

/// Uploads a small PNG as `m`'s logo through the upload route; returns its id.
async fn upload_logo(app: &TestApp, m: &Member) -> String {
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(600, 300, image::Rgb([200, 40, 90]))
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let b = "cadence-delivery-boundary";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nlogo\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"return_to\"\r\n\r\n/app/storefront\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&png.into_inner());
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    let res = app
        .send(
            Request::post("/app/media")
                .header(header::HOST, BASE_DOMAIN)
                .header(header::COOKIE, &m.cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={b}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    let location = h(res.headers(), header::LOCATION).to_string();
    location
        .split_once("uploaded=")
        .map(|(_, id)| id.split('&').next().unwrap().to_string())
        .unwrap_or_else(|| panic!("no upload: {} {location}", res.status()))
}

#[tokio::test]
async fn private_images_are_revalidated_by_etag_and_not_shown_once_access_ends() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Private Images").await;
    let id = upload_logo(&app, &m).await;
    for path in [format!("/app/media/{id}"), format!("/app/media/{id}/thumb")] {
        let cookie = [(header::COOKIE, m.cookie.as_str())];
        let (status, res, body) = get(&app, BASE_DOMAIN, &path, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            h(&res, header::CONTENT_TYPE).starts_with("image/"),
            "{path}"
        );
        assert_eq!(
            h(&res, header::CACHE_CONTROL),
            "private, no-cache",
            "{path}"
        );
        let tag = h(&res, header::ETAG).to_string();
        assert!(tag.starts_with('"') && tag.len() > 10, "{path}: {tag:?}");
        assert!(!body.is_empty());

        // The browser asks again with its copy's tag: 304, nothing sent, the same rules.
        let (status, res, body) = get(
            &app,
            BASE_DOMAIN,
            &path,
            &[
                (header::COOKIE, m.cookie.as_str()),
                (header::IF_NONE_MATCH, &tag),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(body.is_empty());
        assert_eq!(
            h(&res, header::CACHE_CONTROL),
            "private, no-cache",
            "{path}"
        );
        assert_eq!(h(&res, header::ETAG), tag, "{path}");
        // Another tag: the image itself.
        let (status, _, body) = get(
            &app,
            BASE_DOMAIN,
            &path,
            &[
                (header::COOKIE, m.cookie.as_str()),
                (header::IF_NONE_MATCH, "\"other\""),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.is_empty());

        // Without a session, or as someone of another tenant, the tag proves nothing: no 304.
        let (status, res, _) =
            get(&app, BASE_DOMAIN, &path, &[(header::IF_NONE_MATCH, &tag)]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(h(&res, header::CACHE_CONTROL), "private, no-store");
        let stranger = app.member_of_new_tenant("Other Tenant").await;
        let (status, _, _) = get(
            &app,
            BASE_DOMAIN,
            &path,
            &[
                (header::COOKIE, stranger.cookie.as_str()),
                (header::IF_NONE_MATCH, &tag),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // The storefront's public copy keeps its year (its address never changes content).
    let (status, res, _) = get(
        &app,
        &storefront_host(&m.tenant.slug),
        &format!("/media/{id}/thumb"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        h(&res, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
}
