//! The build step after `cargo leptos build` (`cadence precompress`, run by the scripts): writes a
//! brotli (`.br`) and a gzip (`.gz`) copy beside each compressible file of the built site, which the
//! server sends to browsers that accept them. Files stay as they are; a copy that would not be
//! smaller is not written, and copies whose file is gone are removed.

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// How hard to compress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    /// Brotli 11 and gzip 9: release builds (tens of seconds for a debug-sized wasm).
    Best,
    /// Brotli 5 and gzip 6: development builds, a few seconds.
    Quick,
}

impl Effort {
    fn brotli_quality(self) -> i32 {
        match self {
            Effort::Best => 11,
            Effort::Quick => 5,
        }
    }

    fn gzip_level(self) -> flate2::Compression {
        match self {
            Effort::Best => flate2::Compression::best(),
            Effort::Quick => flate2::Compression::default(),
        }
    }
}

/// Files this small gain nothing worth a second copy.
const MIN_SIZE: u64 = 256;

/// What gets compressed: text and wasm (images and fonts are compressed already).
const EXTENSIONS: &[&str] = &[
    "wasm", "js", "mjs", "css", "json", "geojson", "svg", "html", "txt", "map", "xml",
];

/// One file's sizes: plain, brotli, gzip (a copy not written counts as the plain size).
#[derive(Clone, Debug)]
pub struct Compressed {
    pub path: PathBuf,
    pub plain: u64,
    pub br: u64,
    pub gz: u64,
}

/// Compresses every compressible file under `root` (skipping copies already newer than their
/// file) and removes copies whose file is gone. Uses every core.
pub fn site(root: &Path, effort: Effort) -> anyhow::Result<Vec<Compressed>> {
    anyhow::ensure!(
        root.is_dir(),
        "{} is not a built site (run `cargo leptos build` first)",
        root.display()
    );
    let mut files = Vec::new();
    walk(root, &mut files).with_context(|| format!("listing the files of {}", root.display()))?;
    let work: Vec<PathBuf> = files.into_iter().filter(|p| wanted(p)).collect();
    let queue = Mutex::new(work.into_iter());
    let done = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> anyhow::Result<()> {
                    loop {
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                        let Some(path) = next else { return Ok(()) };
                        let c = one(&path, effort)
                            .with_context(|| format!("compressing {}", path.display()))?;
                        done.lock().unwrap_or_else(|e| e.into_inner()).push(c);
                    }
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| anyhow::bail!("a worker panicked"))
        })
    })?;
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|c| std::cmp::Reverse(c.plain));
    Ok(done)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if let Some(plain) = copy_of(&path) {
            // A copy whose file is gone would be served for a file that no longer exists.
            if !plain.is_file() {
                std::fs::remove_file(&path)?;
            }
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The file a `.br` / `.gz` copy is of.
fn copy_of(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let plain = name
        .strip_suffix(".br")
        .or_else(|| name.strip_suffix(".gz"))?;
    Some(path.with_file_name(plain))
}

fn wanted(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    EXTENSIONS.contains(&ext.as_str()) && std::fs::metadata(path).is_ok_and(|m| m.len() >= MIN_SIZE)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn one(path: &Path, effort: Effort) -> anyhow::Result<Compressed> {
    let plain = std::fs::read(path)?;
    let changed = modified(path);
    let br = write_copy(path, ".br", &plain, changed, |data| {
        let mut out = Vec::with_capacity(data.len() / 3);
        let params = brotli::enc::BrotliEncoderParams {
            quality: effort.brotli_quality(),
            lgwin: 24,
            size_hint: data.len(),
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
        Ok(out)
    })?;
    let gz = write_copy(path, ".gz", &plain, changed, |data| {
        let mut enc =
            flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), effort.gzip_level());
        enc.write_all(data)?;
        enc.finish()
    })?;
    Ok(Compressed {
        path: path.to_path_buf(),
        plain: plain.len() as u64,
        br,
        gz,
    })
}

/// Writes `path{suffix}` unless an up-to-date one exists; returns the size a browser gets.
fn write_copy(
    path: &Path,
    suffix: &str,
    plain: &[u8],
    changed: Option<SystemTime>,
    compress: impl Fn(&[u8]) -> std::io::Result<Vec<u8>>,
) -> anyhow::Result<u64> {
    let target = with_suffix(path, suffix);
    if let (Some(copy), Some(changed)) = (modified(&target), changed)
        && copy >= changed
    {
        return Ok(std::fs::metadata(&target)?.len());
    }
    let packed = compress(plain)?;
    if packed.len() >= plain.len() {
        let _ = std::fs::remove_file(&target);
        return Ok(plain.len() as u64);
    }
    // Written aside and renamed: a server reading the site meanwhile never sees half a file.
    let part = with_suffix(path, &format!("{suffix}.part"));
    std::fs::write(&part, &packed)?;
    std::fs::rename(&part, &target)?;
    Ok(packed.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn writes_smaller_copies_that_decompress_to_the_file_and_drops_orphans() {
        let dir =
            std::env::temp_dir().join(format!("cadence-precompress-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        let js = "export function hello() { return 'hello, world'; }\n".repeat(200);
        std::fs::write(dir.join("pkg/app.js"), &js).unwrap();
        std::fs::write(dir.join("pkg/tiny.css"), "a{}").unwrap();
        std::fs::write(dir.join("logo.png"), vec![7u8; 4096]).unwrap();
        std::fs::write(dir.join("pkg/gone.js.br"), b"stale").unwrap();

        let report = site(&dir, Effort::Quick).unwrap();
        assert_eq!(report.len(), 1, "{report:?}");
        assert!(report[0].br < report[0].plain && report[0].gz < report[0].plain);

        let mut unbr = Vec::new();
        brotli::Decompressor::new(&std::fs::read(dir.join("pkg/app.js.br")).unwrap()[..], 4096)
            .read_to_end(&mut unbr)
            .unwrap();
        assert_eq!(unbr, js.as_bytes());
        let mut ungz = Vec::new();
        flate2::read::GzDecoder::new(&std::fs::read(dir.join("pkg/app.js.gz")).unwrap()[..])
            .read_to_end(&mut ungz)
            .unwrap();
        assert_eq!(ungz, js.as_bytes());
        assert!(!dir.join("pkg/tiny.css.br").exists(), "too small to bother");
        assert!(
            !dir.join("logo.png.br").exists(),
            "images are not compressed"
        );
        assert!(!dir.join("pkg/gone.js.br").exists(), "orphans are removed");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
