//! An uploaded picture turned into what the storefront serves: checked by its bytes
//! (never its name), decoded within limits, turned upright, and resized to the widths the
//! storefront's `srcset` offers, each encoded as lossy WebP.
//!
//! Decoding and resizing are Rust (the `image` crate: JPEG, PNG and WebP only, no other
//! format is even compiled in). Encoding is libwebp through the `webp` crate, because
//! the `image` crate writes lossless WebP only, which for photographs is several times
//! the size of lossy WebP at quality 80, and small files are the point of serving WebP
//! at several widths. libwebp is C built once from the crate's source (about 20 s of a
//! cold build), not on every change.
//!
//! The work is CPU-bound: it runs on the blocking thread pool, at most [`AT_ONCE`]
//! pictures at a time, so uploads never starve the async workers serving pages and a
//! burst of uploads cannot hold more than a few decoded pictures in memory.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use tokio::sync::Semaphore;

use crate::{DomainError, DomainResult, Message};

/// The largest upload accepted, in bytes (a phone's photo is 3 to 8 MB).
pub const MAX_BYTES: usize = 15 * 1024 * 1024;
/// The most pixels a picture may have: 50 megapixels (8,660 × 5,773), more than any
/// phone; a tiny file claiming more is a decompression bomb.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The longest side a picture may have.
pub const MAX_SIDE: u32 = 20_000;
/// The widths the storefront asks for (`srcset`): a card on a phone, a card on a wide
/// screen or the product page on a phone, the product page on a wide screen.
pub const WIDTHS: [u32; 3] = [320, 640, 1280];
/// Pictures processed at once (each may hold up to 200 MB decoded).
pub const AT_ONCE: usize = 2;
/// libwebp's quality: 80 is its own default and indistinguishable at these sizes.
const QUALITY: f32 = 80.0;

static PROCESSING: Semaphore = Semaphore::const_new(AT_ONCE);

/// What an upload is, by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    WebP,
}

impl Kind {
    /// The format the bytes start with, whatever the file was called.
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Kind::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Kind::WebP)
        } else {
            None
        }
    }

    fn format(self) -> ImageFormat {
        match self {
            Kind::Jpeg => ImageFormat::Jpeg,
            Kind::Png => ImageFormat::Png,
            Kind::WebP => ImageFormat::WebP,
        }
    }
}

/// One stored size of a picture.
#[derive(Clone, Debug)]
pub struct Size {
    pub width: u32,
    pub height: u32,
    /// The WebP file.
    pub webp: Vec<u8>,
}

/// A processed picture: its sizes, smallest first.
#[derive(Clone, Debug)]
pub struct Processed {
    pub kind: Kind,
    pub sizes: Vec<Size>,
}

impl Processed {
    /// The largest size: the picture's own proportions at the most pixels served.
    pub fn largest(&self) -> &Size {
        self.sizes.last().expect("a processed picture has a size")
    }
}

fn refused(key: &str) -> DomainError {
    DomainError::field("file", Message::new(key))
}

/// The widths to store for a picture `width` pixels wide: each of [`WIDTHS`] it is
/// wider than, and its own width when that is below the largest (never upscaled).
pub fn widths_for(width: u32) -> Vec<u32> {
    let mut widths: Vec<u32> = WIDTHS.into_iter().filter(|w| *w < width).collect();
    let top = width.min(WIDTHS[WIDTHS.len() - 1]);
    if widths.last() != Some(&top) {
        widths.push(top);
    }
    widths
}

/// The checks that need no decoding: size and type. Cheap, so done before waiting for
/// a turn to process.
pub fn check(bytes: &[u8]) -> DomainResult<Kind> {
    if bytes.is_empty() {
        return Err(refused("admin.images.errors.empty"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(too_big());
    }
    Kind::sniff(bytes).ok_or_else(|| refused("admin.images.errors.type"))
}

/// The error for an upload over [`MAX_BYTES`].
pub fn too_big() -> DomainError {
    DomainError::field(
        "file",
        Message::new("admin.images.errors.too_big").with("max", (MAX_BYTES / (1024 * 1024)) as i64),
    )
}

/// Checks, decodes, resizes and encodes `bytes` off the async workers, waiting for a
/// turn when [`AT_ONCE`] pictures are already being processed.
pub async fn process(bytes: Vec<u8>) -> DomainResult<Processed> {
    let kind = check(&bytes)?;
    let _turn = PROCESSING
        .acquire()
        .await
        .map_err(|e| DomainError::Internal(Box::new(e)))?;
    tokio::task::spawn_blocking(move || process_now(&bytes, kind))
        .await
        .map_err(|e| DomainError::Internal(Box::new(e)))?
}

/// [`process`] on this thread (for tests and callers already off the async workers).
pub fn process_now(bytes: &[u8], kind: Kind) -> DomainResult<Processed> {
    let picture = decode(bytes, kind)?;
    let sizes = widths_for(picture.width())
        .into_iter()
        .map(|width| resized(&picture, width))
        .collect::<DomainResult<Vec<Size>>>()?;
    Ok(Processed { kind, sizes })
}

/// The picture upright, or why not: a file too large in pixels (said by its header,
/// before anything is allocated), or one that does not decode whole.
fn decode(bytes: &[u8], kind: Kind) -> DomainResult<DynamicImage> {
    // The JPEG decoder is lenient and would grey out a cut-off file's missing part.
    if kind == Kind::Jpeg && !jpeg_is_complete(bytes) {
        return Err(refused("admin.images.errors.unreadable"));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // The decoded picture (4 bytes a pixel at most for 8-bit RGBA) and the decoder's own.
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| pixels_or(e, "decoder"))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(refused("admin.images.errors.unreadable"));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_many_pixels());
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| pixels_or(e, "decode"))?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

/// A limit error is "too many pixels"; anything else is an unreadable file.
fn pixels_or(error: image::ImageError, step: &str) -> DomainError {
    match error {
        image::ImageError::Limits(_) => too_many_pixels(),
        other => {
            tracing::info!(%other, step, "an uploaded picture does not decode");
            refused("admin.images.errors.unreadable")
        }
    }
}

fn too_many_pixels() -> DomainError {
    DomainError::field(
        "file",
        Message::new("admin.images.errors.too_many_pixels")
            .with("max", (MAX_PIXELS / 1_000_000) as i64),
    )
}

/// `picture` at `width` (proportional height), as WebP; opaque pictures lose the alpha
/// channel they do not use (smaller files).
fn resized(picture: &DynamicImage, width: u32) -> DomainResult<Size> {
    let height = ((u64::from(picture.height()) * u64::from(width) + u64::from(picture.width()) / 2)
        / u64::from(picture.width()))
    .max(1) as u32;
    let scaled = if width == picture.width() {
        picture.clone()
    } else {
        // Triangle: a proper area-weighted reduction at a fraction of Lanczos' cost.
        picture.resize_exact(width, height, image::imageops::FilterType::Triangle)
    };
    let encoded = if scaled.color().has_alpha() && !is_opaque(&scaled) {
        let rgba = scaled.to_rgba8();
        webp::Encoder::from_rgba(rgba.as_raw(), width, height).encode_simple(false, QUALITY)
    } else {
        let rgb = scaled.to_rgb8();
        webp::Encoder::from_rgb(rgb.as_raw(), width, height).encode_simple(false, QUALITY)
    }
    .map_err(|e| DomainError::Internal(format!("WebP encoding failed: {e:?}").into()))?;
    Ok(Size {
        width,
        height,
        webp: encoded.to_vec(),
    })
}

fn is_opaque(picture: &DynamicImage) -> bool {
    picture.to_rgba8().pixels().all(|p| p.0[3] == u8::MAX)
}

/// Whether a JPEG's segments run to its end marker: a file cut short (an interrupted
/// upload) does not. Walks the marker segments; inside a scan's entropy-coded data a
/// 0xFF byte is always followed by 0x00 or a restart marker, so the first other marker
/// after a scan is found by looking for it.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    loop {
        if i >= n || bytes[i] != 0xFF {
            return false;
        }
        while i < n && bytes[i] == 0xFF {
            i += 1;
        }
        if i >= n {
            return false;
        }
        let marker = bytes[i];
        i += 1;
        match marker {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        if i + 2 > n {
            return false;
        }
        let length = usize::from(u16::from_be_bytes([bytes[i], bytes[i + 1]]));
        if length < 2 || i + length > n {
            return false;
        }
        i += length;
        if marker == 0xDA {
            // Entropy-coded data up to the next real marker.
            loop {
                if i + 1 >= n {
                    return false;
                }
                if bytes[i] == 0xFF && !matches!(bytes[i + 1], 0x00 | 0xD0..=0xD7 | 0xFF) {
                    break;
                }
                i += if bytes[i] == 0xFF && bytes[i + 1] != 0xFF {
                    2
                } else {
                    1
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(
                picture.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, 40, (y % 256) as u8])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .write_image(
                picture.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    fn lossless_webp(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbaImage::from_fn(width, height, |x, _| {
            Rgba([200, 10, 10, if x < 5 { 0 } else { 255 }])
        });
        let mut out = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut out)
            .write_image(
                picture.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgba8,
            )
            .unwrap();
        out
    }

    /// A PNG whose header claims `width` × `height` and whose data is a few bytes: what
    /// a decompression bomb looks like before it is inflated.
    pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc_input = kind.to_vec();
            crc_input.extend_from_slice(data);
            out.extend_from_slice(&crc_input);
            out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
        }
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(
            &mut out,
            b"IDAT",
            &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        );
        chunk(&mut out, b"IEND", &[]);
        out
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn field_message(error: DomainError) -> String {
        match error {
            DomainError::Validation {
                field: "file",
                message,
            } => message.key.to_string(),
            other => panic!("not a file error: {other:?}"),
        }
    }

    #[test]
    fn types_are_told_by_their_bytes() {
        assert_eq!(Kind::sniff(&png(2, 2)), Some(Kind::Png));
        assert_eq!(Kind::sniff(&jpeg(8, 8)), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(&lossless_webp(8, 8)), Some(Kind::WebP));
        assert_eq!(Kind::sniff(b"GIF89a......"), None);
        assert_eq!(
            Kind::sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            None
        );
        assert_eq!(Kind::sniff(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(
            field_message(check(b"just some text, named photo.jpg").unwrap_err()),
            "admin.images.errors.type"
        );
        assert_eq!(
            field_message(check(b"").unwrap_err()),
            "admin.images.errors.empty"
        );
        let mut huge = png(2, 2);
        huge.resize(MAX_BYTES + 1, 0);
        assert_eq!(
            field_message(check(&huge).unwrap_err()),
            "admin.images.errors.too_big"
        );
    }

    #[test]
    fn widths_are_the_storefronts_never_upscaled() {
        assert_eq!(widths_for(4000), vec![320, 640, 1280]);
        assert_eq!(widths_for(1280), vec![320, 640, 1280]);
        assert_eq!(widths_for(1000), vec![320, 640, 1000]);
        assert_eq!(widths_for(640), vec![320, 640]);
        assert_eq!(widths_for(200), vec![200]);
        assert_eq!(widths_for(1), vec![1]);
    }

    #[test]
    fn a_photo_becomes_webp_at_each_width_with_its_proportions() {
        let processed = process_now(&jpeg(1600, 1200), Kind::Jpeg).unwrap();
        let sizes: Vec<(u32, u32)> = processed
            .sizes
            .iter()
            .map(|s| (s.width, s.height))
            .collect();
        assert_eq!(sizes, vec![(320, 240), (640, 480), (1280, 960)]);
        for size in &processed.sizes {
            assert_eq!(Kind::sniff(&size.webp), Some(Kind::WebP));
            let back = image::load_from_memory_with_format(&size.webp, ImageFormat::WebP).unwrap();
            assert_eq!((back.width(), back.height()), (size.width, size.height));
        }
        // Lossy: far smaller than the pixels it holds.
        assert!(processed.largest().webp.len() < 1280 * 960 / 4);
    }

    #[test]
    fn small_pictures_and_transparency_are_kept() {
        let processed = process_now(&lossless_webp(100, 50), Kind::WebP).unwrap();
        assert_eq!(processed.sizes.len(), 1);
        let back = image::load_from_memory(&processed.largest().webp).unwrap();
        assert_eq!((back.width(), back.height()), (100, 50));
        assert!(
            back.color().has_alpha(),
            "the transparent edge stays transparent"
        );
        let png = process_now(&png(700, 300), Kind::Png).unwrap();
        let widths: Vec<u32> = png.sizes.iter().map(|s| s.width).collect();
        assert_eq!(widths, vec![320, 640, 700]);
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        let bomb = png_claiming(30_000, 30_000);
        assert!(bomb.len() < 100);
        let error = process_now(&bomb, check(&bomb).unwrap()).unwrap_err();
        assert_eq!(field_message(error), "admin.images.errors.too_many_pixels");
        // Under the side limit but over the pixel limit.
        let wide = png_claiming(10_000, 9_000);
        let error = process_now(&wide, Kind::Png).unwrap_err();
        assert_eq!(field_message(error), "admin.images.errors.too_many_pixels");
    }

    #[test]
    fn cut_off_and_mislabelled_files_are_unreadable() {
        let whole = jpeg(64, 64);
        assert!(jpeg_is_complete(&whole));
        let cut = &whole[..whole.len() * 2 / 3];
        assert!(!jpeg_is_complete(cut));
        assert_eq!(
            field_message(process_now(cut, Kind::Jpeg).unwrap_err()),
            "admin.images.errors.unreadable"
        );
        let png = png(64, 64);
        let cut = &png[..png.len() / 2];
        assert_eq!(
            field_message(process_now(cut, Kind::Png).unwrap_err()),
            "admin.images.errors.unreadable"
        );
        // A PNG's signature followed by nonsense.
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend_from_slice(b"not really a picture at all");
        assert_eq!(
            field_message(process_now(&fake, Kind::Png).unwrap_err()),
            "admin.images.errors.unreadable"
        );
    }

    #[test]
    fn exif_orientation_turns_the_picture_upright() {
        // A 40 × 20 JPEG whose EXIF says "rotate 90° clockwise" shows 20 × 40.
        let plain = jpeg(40, 20);
        let mut exif = Vec::new();
        exif.extend_from_slice(b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01");
        exif.extend_from_slice(&[
            0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x06, 0, 0, 0, 0, 0, 0,
        ]);
        let mut rotated = vec![0xFF, 0xD8, 0xFF, 0xE1];
        rotated.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        rotated.extend_from_slice(&exif);
        rotated.extend_from_slice(&plain[2..]);
        let processed = process_now(&rotated, Kind::Jpeg).unwrap();
        let size = processed.largest();
        assert_eq!((size.width, size.height), (20, 40));
    }

    #[tokio::test]
    async fn processing_runs_off_the_async_workers() {
        let processed = process(png(400, 400)).await.unwrap();
        assert_eq!(processed.kind, Kind::Png);
        let widths: Vec<u32> = processed.sizes.iter().map(|s| s.width).collect();
        assert_eq!(widths, vec![320, 400]);
        assert!(matches!(
            process(b"plain text".to_vec()).await,
            Err(DomainError::Validation { field: "file", .. })
        ));
    }
}
