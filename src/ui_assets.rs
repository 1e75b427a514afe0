//! The UI's files, embedded in the binary so `liuke serve` needs nothing beside
//! it. The desktop shell reads the same `ui/` folder at build time.

use include_dir::{include_dir, Dir};

static UI: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/ui");

/// The bytes and content type of a UI file, by its path under `ui/`.
pub fn get(path: &str) -> Option<(&'static [u8], &'static str)> {
    let path = path.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    if path.contains("..") {
        return None;
    }
    UI.get_file(path).map(|f| (f.contents(), content_type(path)))
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") | Some("mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
