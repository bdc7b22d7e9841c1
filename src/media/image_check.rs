//! Recognising an upload as an image by its bytes (never by its name or declared type), checking
//! its size and dimensions, and making its thumbnail.

use crate::{Error, Result};
use image::{ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The longest side of a thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 480;
/// Larger images are refused (a decompression bomb would otherwise cost memory).
pub const MAX_SIDE: u32 = 12_000;

/// An upload that is a real image, with its thumbnail.
#[derive(Debug)]
pub struct CheckedImage {
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub thumb: Vec<u8>,
    pub thumb_content_type: &'static str,
}

/// Which image format the bytes start with (magic bytes), if one we accept.
pub fn sniff(bytes: &[u8]) -> Option<(ImageFormat, &'static str)> {
    match image::guess_format(bytes).ok()? {
        ImageFormat::Png => Some((ImageFormat::Png, "image/png")),
        ImageFormat::Jpeg => Some((ImageFormat::Jpeg, "image/jpeg")),
        ImageFormat::Gif => Some((ImageFormat::Gif, "image/gif")),
        ImageFormat::WebP => Some((ImageFormat::WebP, "image/webp")),
        _ => None,
    }
}

/// Checks that `bytes` are a PNG, JPEG, GIF or WebP image of at most 10 MB that decodes, and makes
/// its thumbnail (JPEG, or PNG when the image has transparency). CPU-heavy: run it off the
/// async runtime's threads.
pub fn check_image(bytes: &[u8]) -> Result<CheckedImage> {
    if bytes.is_empty() {
        return Err(Error::Validation("The file is empty.".into()));
    }
    if bytes.len() > super::MAX_UPLOAD_BYTES {
        return Err(Error::Validation(too_large(bytes.len())));
    }
    let Some((format, content_type)) = sniff(bytes) else {
        return Err(Error::Validation(
            "That file is not an image we accept: upload a PNG, JPEG, GIF or WebP picture.".into(),
        ));
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| {
        tracing::info!(error = %e, "an upload did not decode");
        Error::Validation(format!(
            "The picture could not be read: it is damaged or larger than {MAX_SIDE} pixels on a side."
        ))
    })?;
    let (width, height) = (image.width(), image.height());
    // Smaller images keep their size: a thumbnail never scales up.
    let thumb = if width > THUMB_SIDE || height > THUMB_SIDE {
        image.thumbnail(THUMB_SIDE, THUMB_SIDE)
    } else {
        image
    };
    let mut out = Cursor::new(Vec::new());
    let thumb_content_type = if thumb.color().has_alpha() {
        thumb
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|e| Error::Internal(format!("encoding a thumbnail: {e}")))?;
        "image/png"
    } else {
        let rgb = thumb.to_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
            .encode_image(&rgb)
            .map_err(|e| Error::Internal(format!("encoding a thumbnail: {e}")))?;
        "image/jpeg"
    };
    Ok(CheckedImage {
        content_type,
        width,
        height,
        thumb: out.into_inner(),
        thumb_content_type,
    })
}

/// The message for an upload over the limit.
pub fn too_large(bytes: usize) -> String {
    format!(
        "The file is {:.1} MB; images can be 10 MB at most.",
        bytes as f64 / (1024.0 * 1024.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        if alpha {
            image::RgbaImage::from_pixel(width, height, image::Rgba([10, 20, 30, 128]))
                .write_to(&mut out, ImageFormat::Png)
                .unwrap();
        } else {
            image::RgbImage::from_pixel(width, height, image::Rgb([200, 100, 50]))
                .write_to(&mut out, ImageFormat::Png)
                .unwrap();
        }
        out.into_inner()
    }

    #[test]
    fn a_png_is_recognised_and_gets_a_jpeg_thumbnail_within_bounds() {
        let checked = check_image(&png(1200, 600, false)).unwrap();
        assert_eq!(checked.content_type, "image/png");
        assert_eq!((checked.width, checked.height), (1200, 600));
        assert_eq!(checked.thumb_content_type, "image/jpeg");
        let thumb = image::load_from_memory(&checked.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (480, 240));
    }

    #[test]
    fn transparency_keeps_a_png_thumbnail_and_small_images_keep_their_size() {
        let checked = check_image(&png(50, 40, true)).unwrap();
        assert_eq!(checked.thumb_content_type, "image/png");
        let thumb = image::load_from_memory(&checked.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (50, 40));
    }

    #[test]
    fn the_name_or_declared_type_does_not_matter_only_the_bytes() {
        let html = b"<html><script>alert(1)</script></html>";
        let err = check_image(html).unwrap_err().to_string();
        assert!(err.contains("not an image we accept"), "{err}");
        // PNG magic bytes followed by garbage: recognised, then refused as damaged.
        let mut fake = png(4, 4, false)[..16].to_vec();
        fake.extend_from_slice(&[0u8; 64]);
        let err = check_image(&fake).unwrap_err().to_string();
        assert!(err.contains("could not be read"), "{err}");
    }

    #[test]
    fn oversized_and_empty_files_are_refused_with_the_reason() {
        let big = vec![0u8; crate::media::MAX_UPLOAD_BYTES + 1];
        assert!(
            check_image(&big)
                .unwrap_err()
                .to_string()
                .contains("10 MB at most")
        );
        assert!(check_image(&[]).unwrap_err().to_string().contains("empty"));
    }
}
