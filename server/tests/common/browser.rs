//! What a browser gets, for tests of what browsers and caches are told: a GET with chosen headers,
//! a header as text, and a body decoded as a browser would (brotli or gzip).

use super::TestApp;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use std::io::Read;

/// Status, headers and the body as sent (still encoded).
pub async fn get(
    app: &TestApp,
    host: &str,
    path: &str,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::get(path).header(header::HOST, host);
    for (k, v) in headers {
        req = req.header(k, *v);
    }
    let res = app.send(req.body(Body::empty()).unwrap()).await;
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

pub fn h(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers.get(name).map_or("", |v| v.to_str().unwrap())
}

/// The body as the browser reads it, after undoing `Content-Encoding`.
pub fn decoded(headers: &HeaderMap, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match h(headers, header::CONTENT_ENCODING) {
        "br" => brotli::Decompressor::new(body, 4096)
            .read_to_end(&mut out)
            .map(|_| ())
            .unwrap(),
        "gzip" => flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .map(|_| ())
            .unwrap(),
        "" => out.extend_from_slice(body),
        other => panic!("unexpected encoding {other}"),
    }
    out
}
