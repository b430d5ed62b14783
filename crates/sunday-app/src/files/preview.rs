//! Previews: a scaled copy of an image (decoded with the `image` crate under limits, so a
//! crafted file cannot make the server allocate much), or an icon of the file's type.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

/// The longest side of a thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 320;

/// Types a thumbnail is made from.
pub fn is_previewable(content_type: &str) -> bool {
    matches!(content_type, "image/png" | "image/jpeg" | "image/gif" | "image/webp")
}

/// A PNG thumbnail of the image in `bytes`, or `None` when it cannot be decoded within
/// `max_pixels` (width × height).
pub fn thumbnail(bytes: &[u8], max_pixels: u64) -> Option<Vec<u8>> {
    let format = ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok()?.format()?;
    // The header alone says how large the image is: refused before any pixel is decoded.
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().ok()?;
    if u64::from(w) * u64::from(h) > max_pixels {
        return None;
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    // Room for the decoded pixels at 8 bytes each (16-bit RGBA) and the scaled copy.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let image = reader.decode().ok()?;
    let thumb = image.thumbnail(THUMB_SIDE, THUMB_SIDE);
    let mut out = Cursor::new(Vec::new());
    thumb.write_to(&mut out, ImageFormat::Png).ok()?;
    Some(out.into_inner())
}

/// An SVG icon for a file of `content_type` named `name`: a page with the extension (or the
/// type's family) on it. Only ASCII letters and digits reach the SVG.
pub fn icon(content_type: &str, name: &str) -> String {
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let label: String = if !ext.is_empty() && ext.len() <= 5 {
        ext.chars().filter(char::is_ascii_alphanumeric).collect()
    } else {
        content_type.split('/').next().unwrap_or("").chars().filter(char::is_ascii_alphanumeric).take(5).collect()
    };
    let label = if label.is_empty() { "FILE".to_owned() } else { label.to_ascii_uppercase() };
    let color = match content_type.split('/').next() {
        Some("image") => "#579bfc",
        Some("video") => "#a25ddc",
        Some("audio") => "#ff7575",
        Some("text") => "#676879",
        _ if content_type == "application/pdf" => "#e2445c",
        _ => "#00c875",
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"200\" viewBox=\"0 0 160 200\">\
<path d=\"M12 4h96l40 40v148a4 4 0 0 1-4 4H12a4 4 0 0 1-4-4V8a4 4 0 0 1 4-4z\" fill=\"#f5f6f8\" stroke=\"#c3c6d4\" stroke-width=\"4\"/>\
<path d=\"M108 4v36a4 4 0 0 0 4 4h36\" fill=\"none\" stroke=\"#c3c6d4\" stroke-width=\"4\"/>\
<rect x=\"20\" y=\"120\" width=\"120\" height=\"44\" rx=\"6\" fill=\"{color}\"/>\
<text x=\"80\" y=\"151\" font-family=\"sans-serif\" font-size=\"26\" font-weight=\"700\" fill=\"#fff\" text-anchor=\"middle\">{label}</text></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn images_are_scaled_within_the_box() {
        let thumb = thumbnail(&png(1000, 500), 10_000_000).unwrap();
        let back = image::load_from_memory(&thumb).unwrap();
        assert_eq!((back.width(), back.height()), (THUMB_SIDE, THUMB_SIDE / 2));
    }

    #[test]
    fn images_over_the_pixel_limit_and_garbage_get_no_thumbnail() {
        assert!(thumbnail(&png(200, 200), 100 * 100).is_none());
        assert!(thumbnail(b"\x89PNG\r\n\x1a\nnot really", 1_000_000).is_none());
    }

    #[test]
    fn icons_carry_only_safe_labels() {
        let svg = icon("application/pdf", "brief.pdf");
        assert!(svg.contains(">PDF<"));
        let svg = icon("text/html", "x.<script>");
        assert!(!svg.contains("<script"), "{svg}");
    }
}
