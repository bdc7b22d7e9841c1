//! Built files and compression, through the real router on a built site made here: built files
//! sent as their precompressed brotli or gzip copies by Accept-Encoding (else plain) with hashed
//! names cached a year, pages linking those names, HTML compressed on the fly when large.

mod common;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::browser::{decoded, get, h};
use common::*;
use http_body_util::BodyExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const JS_HASH: &str = "Jq3vR0aZ-_b9LmN2pQ7sTw";
const WASM_HASH: &str = "Wx8kT1bY_-c4MnP3qR6uVw";
const CSS_HASH: &str = "Cs5hU2cX-_d7NoQ4rS9tUw";

/// Bytes that compress like a wasm does (repetitive, not trivially).
fn wasm_like(len: usize) -> Vec<u8> {
    let mut x: u32 = 12345;
    (0..len)
        .map(|i| {
            x = x.wrapping_mul(1103515245).wrapping_add(12345);
            if i % 7 == 0 {
                (x >> 24) as u8
            } else {
                (i % 61) as u8
            }
        })
        .collect()
}

fn js() -> String {
    "export function hydrate(root) { return root.querySelectorAll('[data-island]'); }\n".repeat(300)
}

fn css() -> String {
    ".topbar { display: flex; gap: 1rem; padding: 0.5rem 1rem; }\n".repeat(300)
}

/// A site as `cargo leptos build --split` with hash-files writes it, precompressed by the same
/// step the scripts run; the stylesheet has no brotli copy (only gzip) and one built file has no
/// hash and no copies. One per test binary: the pages' links are per process.
fn site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("cadence-test-site-{}", uuid::Uuid::now_v7()));
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join(format!("cadence.{JS_HASH}.js")), js()).unwrap();
        std::fs::write(
            pkg.join(format!("cadence.{WASM_HASH}.wasm")),
            wasm_like(200_000),
        )
        .unwrap();
        std::fs::write(pkg.join(format!("cadence.{CSS_HASH}.css")), css()).unwrap();
        std::fs::write(
            dir.join("hash.txt"),
            format!("js: {JS_HASH}\nwasm: {WASM_HASH}\ncss: {CSS_HASH}\n"),
        )
        .unwrap();
        std::fs::write(
            dir.join("favicon.svg"),
            "<svg xmlns='http://www.w3.org/2000/svg'/>",
        )
        .unwrap();
        server::precompress::site(&dir, server::precompress::Effort::Quick).unwrap();
        std::fs::remove_file(pkg.join(format!("cadence.{CSS_HASH}.css.br"))).unwrap();
        std::fs::write(pkg.join("unhashed.js"), js()).unwrap();
        dir
    })
}

async fn app() -> TestApp {
    TestApp::spawn_with_site(site()).await
}

#[tokio::test]
async fn built_files_go_out_as_their_precompressed_copy_by_accept_encoding_cached_a_year() {
    let app = app().await;
    let files = [
        (
            format!("/pkg/cadence.{WASM_HASH}.wasm"),
            wasm_like(200_000),
            "application/wasm",
        ),
        (
            format!("/pkg/cadence.{JS_HASH}.js"),
            js().into_bytes(),
            "text/javascript",
        ),
    ];
    for (path, plain, content_type) in files {
        for (accept, encoding) in [
            (Some("br"), "br"),
            (Some("gzip"), "gzip"),
            (Some("gzip, deflate, br, zstd"), "br"),
            (Some("br;q=0, gzip"), "gzip"),
            (Some("identity"), ""),
            (None, ""),
        ] {
            let headers: Vec<_> = accept
                .map(|a| (header::ACCEPT_ENCODING, a))
                .into_iter()
                .collect();
            let (status, res, body) = get(&app, BASE_DOMAIN, &path, &headers).await;
            let what = format!("{path} with Accept-Encoding {accept:?}");
            assert_eq!(status, StatusCode::OK, "{what}");
            assert_eq!(h(&res, header::CONTENT_ENCODING), encoding, "{what}");
            assert_eq!(
                h(&res, header::CACHE_CONTROL),
                "public, max-age=31536000, immutable",
                "{what}"
            );
            assert!(
                h(&res, header::VARY)
                    .to_ascii_lowercase()
                    .contains("accept-encoding"),
                "{what}"
            );
            assert!(
                h(&res, header::CONTENT_TYPE).starts_with(content_type),
                "{what}"
            );
            if !encoding.is_empty() {
                assert!(
                    body.len() < plain.len() / 2,
                    "{what}: {} bytes sent",
                    body.len()
                );
            }
            assert_eq!(decoded(&res, &body), plain, "{what}");
        }
    }
    // Storefront hosts load the stylesheet too.
    let m = app.member_of_new_tenant("Delivery Shop").await;
    let path = format!("/pkg/cadence.{CSS_HASH}.css");
    let (status, res, body) = get(
        &app,
        &storefront_host(&m.tenant.slug),
        &path,
        &[(header::ACCEPT_ENCODING, "gzip")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h(&res, header::CONTENT_ENCODING), "gzip");
    assert_eq!(decoded(&res, &body), css().into_bytes());
}

#[tokio::test]
async fn a_file_without_a_precompressed_copy_goes_out_plain_and_unhashed_files_live_briefly() {
    let app = app().await;
    // The stylesheet has a gzip copy only: a browser that takes brotli alone gets the plain file.
    let path = format!("/pkg/cadence.{CSS_HASH}.css");
    let (status, res, body) =
        get(&app, BASE_DOMAIN, &path, &[(header::ACCEPT_ENCODING, "br")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        h(&res, header::CONTENT_ENCODING),
        "",
        "not compressed on the fly either"
    );
    assert_eq!(body, css().into_bytes());
    assert_eq!(
        h(&res, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );

    // A built file without a hash in its name (and no copies) is revalidated on each use.
    let (status, res, body) = get(
        &app,
        BASE_DOMAIN,
        "/pkg/unhashed.js",
        &[(header::ACCEPT_ENCODING, "br, gzip")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h(&res, header::CONTENT_ENCODING), "");
    assert_eq!(body, js().into_bytes());
    assert_eq!(h(&res, header::CACHE_CONTROL), "public, no-cache");

    // Public files under fixed names: an hour, and a revalidation answers 304 (not a page).
    let (status, res, _) = get(&app, BASE_DOMAIN, "/favicon.svg", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h(&res, header::CACHE_CONTROL), "public, max-age=3600");
    let since = h(&res, header::LAST_MODIFIED).to_string();
    assert!(!since.is_empty());
    let (status, res, body) = get(
        &app,
        BASE_DOMAIN,
        "/favicon.svg",
        &[(header::IF_MODIFIED_SINCE, &since)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(h(&res, header::CACHE_CONTROL), "public, max-age=3600");

    // A missing built file is still a 404, and private like every answer that is not a file.
    let (status, res, _) = get(&app, BASE_DOMAIN, "/pkg/nothing.js", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(h(&res, header::CACHE_CONTROL), "private, no-store");
}

#[tokio::test]
async fn pages_link_the_hashed_names_and_large_html_is_compressed_but_tiny_answers_are_not() {
    let app = app().await;
    for accept in ["br", "gzip"] {
        let (status, res, body) = get(
            &app,
            BASE_DOMAIN,
            "/login",
            &[(header::ACCEPT_ENCODING, accept)],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h(&res, header::CONTENT_ENCODING), accept);
        assert!(
            h(&res, header::VARY)
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        assert_eq!(h(&res, header::CACHE_CONTROL), "private, no-store");
        assert!(
            !res.contains_key(header::CONTENT_LENGTH)
                || body.len().to_string() == h(&res, header::CONTENT_LENGTH)
        );
        let html = String::from_utf8(decoded(&res, &body)).unwrap();
        // The streamed page arrives whole: the document and the chunks streamed after it.
        assert!(html.len() > 1024 && html.contains("</html>"), "{html}");
        assert!(
            html.trim_end()
                .ends_with("__INCOMPLETE_CHUNKS=[];</script>"),
            "{html}"
        );
        assert!(
            body.len() < html.len(),
            "{} sent for {}",
            body.len(),
            html.len()
        );
        for name in [
            format!("/pkg/cadence.{CSS_HASH}.css"),
            format!("/pkg/cadence.{JS_HASH}.js"),
            format!("/pkg/cadence.{WASM_HASH}.wasm"),
        ] {
            assert!(html.contains(&name), "the page links {name}");
        }
        assert!(!html.contains("/pkg/cadence.css"));
    }
    // Without Accept-Encoding the page is sent as it is.
    let (_, res, body) = get(&app, BASE_DOMAIN, "/login", &[]).await;
    assert_eq!(h(&res, header::CONTENT_ENCODING), "");
    let html = String::from_utf8(body).unwrap();
    assert!(
        html.trim_end()
            .ends_with("__INCOMPLETE_CHUNKS=[];</script>")
    );

    // A storefront page (rendered before the router, no script) links the hashed stylesheet too.
    let m = app.member_of_new_tenant("Hashed Shop").await;
    let (status, res, body) = get(
        &app,
        &storefront_host(&m.tenant.slug),
        "/",
        &[(header::ACCEPT_ENCODING, "gzip, br")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h(&res, header::CONTENT_ENCODING), "br");
    let html = String::from_utf8(decoded(&res, &body)).unwrap();
    assert!(
        html.contains(&format!("href=\"/pkg/cadence.{CSS_HASH}.css\"")),
        "{html}"
    );

    // A tiny answer is not worth compressing.
    let (status, res, body) = get(
        &app,
        BASE_DOMAIN,
        "/healthz",
        &[(header::ACCEPT_ENCODING, "br")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.len() < 1024);
    assert_eq!(h(&res, header::CONTENT_ENCODING), "");

    // Server functions still answer through the compression (a small one, sent plain).
    let path = <app::api::auth::LogIn as leptos::server_fn::ServerFn>::PATH;
    let res = app
        .send(
            Request::post(path)
                .header(header::HOST, BASE_DOMAIN)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .header(header::ACCEPT_ENCODING, "br, gzip")
                .body(Body::from(format!(
                    "email={}&password=x",
                    urlencode(&m.email)
                )))
                .unwrap(),
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let (headers, body) = (
        res.headers().clone(),
        res.into_body().collect().await.unwrap().to_bytes(),
    );
    let answer: serde_json::Value = serde_json::from_slice(&decoded(&headers, &body)).unwrap();
    assert!(answer.is_object() || answer.is_string(), "{answer}");
}
