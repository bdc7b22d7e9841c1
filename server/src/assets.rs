//! The built site's files: the wasm, JavaScript and CSS under `/pkg` and the public files beside
//! them (favicon, storefront script, Leaflet). Served with the brotli or gzip copy the build wrote
//! (`cadence precompress`) when the browser accepts it, else the plain file; hashed names are
//! cached for a year, the others briefly. Also finds the hash file that names the hashed files.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// A file whose name carries its content's hash never changes: keep it a year.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A built file without a hash in its name (a debug build, wasm-bindgen's snippets): ask each time.
pub const REVALIDATE: &str = "public, no-cache";
/// A public file under a fixed name (favicon, storefront script, Leaflet): an hour.
pub const SHORT: &str = "public, max-age=3600";

/// Marks a response as a file of the built site: the same for everyone, with its own
/// `Cache-Control` (the private no-store rule leaves it alone), and already compressed as far as it
/// will be (on-the-fly compression leaves it alone).
#[derive(Clone, Copy, Debug)]
pub struct SiteFile;

/// The file name of cargo-leptos' hash file (in the site root, or beside the binary).
pub const HASH_FILE: &str = "hash.txt";

/// How long browsers may keep the site file at `path`.
pub fn lifetime(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or("");
    if is_hashed(name) {
        IMMUTABLE
    } else if path.starts_with("/pkg/") {
        REVALIDATE
    } else {
        SHORT
    }
}

/// Whether a file name carries cargo-leptos' content hash: `stem.{hash}.ext`, the hash being 22
/// characters of URL-safe base64 (an MD5).
pub fn is_hashed(name: &str) -> bool {
    let mut parts = name.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty()
        && hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The site's files on disk, served by `ServeDir` with its precompressed copies.
#[derive(Clone)]
pub struct SiteFiles {
    dir: ServeDir,
}

impl SiteFiles {
    pub fn new(root: impl AsRef<Path>) -> SiteFiles {
        SiteFiles {
            dir: ServeDir::new(root)
                .precompressed_br()
                .precompressed_gzip()
                .append_index_html_on_directories(false),
        }
    }

    /// Answers a GET or HEAD for a file of the site; hands any other request back (to be answered
    /// by the pages).
    pub async fn serve(&self, req: Request) -> Result<Response, Request> {
        if !matches!(*req.method(), Method::GET | Method::HEAD) {
            return Err(req);
        }
        let mut probe = Request::new(Body::empty());
        *probe.method_mut() = req.method().clone();
        *probe.uri_mut() = req.uri().clone();
        *probe.version_mut() = req.version();
        *probe.headers_mut() = req.headers().clone();
        let res = match self.dir.clone().oneshot(probe).await {
            Ok(res) => res,
            Err(never) => match never {},
        };
        if res.status() == StatusCode::NOT_FOUND {
            return Err(req);
        }
        let mut res = res.into_response();
        if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
            let h = res.headers_mut();
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(lifetime(req.uri().path())),
            );
            // Which copy was sent depends on Accept-Encoding: shared caches must keep them apart.
            h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
            res.extensions_mut().insert(crate::router::OwnCacheControl);
        }
        res.extensions_mut().insert(SiteFile);
        Ok(res)
    }
}

/// The hash file of the site at `root`: the site's own (written there when the build is given
/// `LEPTOS_HASH_FILE_NAME={site}/hash.txt`, as the scripts do), else cargo-leptos' default beside the
/// running binary. None: the build did not hash file names.
pub fn hash_file(root: &Path) -> Option<PathBuf> {
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(HASH_FILE)));
    std::iter::once(root.join(HASH_FILE))
        .chain(beside_binary)
        .find(|p| p.is_file())
}

/// The hashes cargo-leptos wrote, by kind (`js`, `wasm`, `css`, `manifest`, `split`).
pub fn read_hashes(file: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, hash)| (kind.trim().to_string(), hash.trim().to_string()))
        .collect()
}

/// Leptos' options for the site at `root`: hashed file names when the build wrote a hash file.
pub fn site_options(root: &Path, addr: SocketAddr) -> LeptosOptions {
    let hashes = hash_file(root).map(|p| std::path::absolute(&p).unwrap_or(p));
    LeptosOptions::builder()
        .output_name("cadence")
        .site_root(root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hashes.is_some())
        // Leptos joins this to the binary's folder: an absolute path stands for itself.
        .hash_file(Arc::from(
            hashes
                .map(|p| p.to_string_lossy().to_string())
                .unwrap_or_else(|| HASH_FILE.to_string()),
        ))
        .build()
}

/// What the pages link to: the stylesheet's address under its hashed name when there is one.
pub fn built_files(options: &LeptosOptions) -> app::assets::BuiltFiles {
    let name = options.output_name.to_string();
    let hashes = if options.hash_files {
        read_hashes(Path::new(options.hash_file.as_ref()))
    } else {
        Vec::new()
    };
    let css_hash = hashes
        .into_iter()
        .find(|(kind, _)| kind == "css")
        .map(|(_, hash)| hash);
    let file = match css_hash {
        Some(hash) => format!("{name}.{hash}.css"),
        None => format!("{name}.css"),
    };
    app::assets::BuiltFiles {
        stylesheet: format!("/{}/{file}", options.site_pkg_dir),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_immutable_and_the_others_short_lived() {
        assert!(is_hashed("cadence.Xq3vR0aZ-_b9LmN2pQ7sTw.wasm"));
        assert!(is_hashed("__wasm_split.Xq3vR0aZ-_b9LmN2pQ7sTw.js"));
        assert!(!is_hashed("cadence.wasm"));
        assert!(!is_hashed("cadence.css"));
        assert!(!is_hashed("Xq3vR0aZ-_b9LmN2pQ7sTw.js"));
        assert!(!is_hashed("cadence.Xq3vR0aZ.b9LmN2pQ7sTw.wasm"));
        assert_eq!(
            lifetime("/pkg/cadence.Xq3vR0aZ-_b9LmN2pQ7sTw.wasm"),
            IMMUTABLE
        );
        assert_eq!(lifetime("/pkg/cadence.wasm"), REVALIDATE);
        assert_eq!(lifetime("/pkg/snippets/leaflet-0/inline0.js"), REVALIDATE);
        assert_eq!(lifetime("/favicon.svg"), SHORT);
        assert_eq!(lifetime("/leaflet/leaflet.js"), SHORT);
    }
}
