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

/// Every UI file's path and text (for the test that every command the UI
/// calls is declared).
pub fn scripts() -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let mut dirs = vec![&UI];
    while let Some(d) = dirs.pop() {
        for e in d.entries() {
            match e {
                include_dir::DirEntry::Dir(sub) => dirs.push(sub),
                include_dir::DirEntry::File(f) => {
                    if let (Some(p), Some(t)) = (f.path().to_str(), f.contents_utf8()) {
                        if p.ends_with(".js") {
                            out.push((p, t));
                        }
                    }
                }
            }
        }
    }
    out
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
