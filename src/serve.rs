//! `liuke serve`: the UI in a browser, for tests and a second screen. It binds
//! to 127.0.0.1 only, serves the embedded UI, and forwards `POST /api` to the
//! same dispatcher the desktop window uses. Commands run one at a time on a
//! blocking thread (they share one SQLite connection); the HTTP side is
//! axum on a single-threaded tokio runtime, which keeps many browser
//! connections open at once without one stalling another.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use crate::commands::{App, Request};
use crate::error::{ApiError, Error, Result};
use crate::ui_assets;

/// The largest request accepted: an import file travels inside one, as
/// base64 (a million-row CSV is about 70 MB of it).
const MAX_BODY: usize = 256 * 1024 * 1024;

#[derive(Clone)]
struct Shared {
    app: Arc<Mutex<App>>,
    /// Read without the app's lock: an import holds it for its whole run.
    watch: crate::import::progress::Watch,
}

/// Serves until the process ends. `on_ready` receives the bound address.
pub fn run(mut app: App, port: u16, on_ready: impl FnOnce(&str)) -> Result<()> {
    if let Err(e) = app.daily_backup() {
        eprintln!("今天的自动备份没有开始：{e}");
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| Error::Config(format!("无法在 127.0.0.1:{port} 上启动服务：{e}。端口可能已被占用，请换一个 --port。")))?;
        let address = match listener.local_addr() {
            Ok(a) => format!("http://{a}/"),
            Err(_) => format!("http://127.0.0.1:{port}/"),
        };
        on_ready(&address);
        let router = Router::new()
            .route("/api", post(api))
            .fallback(asset)
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .with_state(Shared { watch: app.import_watch(), app: Arc::new(Mutex::new(app)) });
        axum::serve(listener, router).await?;
        Ok(())
    })
}

fn json_response(status: StatusCode, body: serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string()).into_response()
}

fn error_response(error: ApiError) -> Response {
    let status = match error.code {
        "not_found" | "unknown_command" => StatusCode::NOT_FOUND,
        "db" | "io" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    json_response(status, serde_json::json!({"ok": false, "error": error}))
}

/// `POST /api {cmd, actor, args}` → `{ok: true, data}` or `{ok: false, error}`.
async fn api(State(shared): State<Shared>, body: Bytes) -> Response {
    let request: Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return error_response(ApiError::from(Error::Json(e))),
    };
    if request.cmd == "import.progress" {
        return json_response(StatusCode::OK, serde_json::json!({"ok": true, "data": shared.watch.current()}));
    }
    let app = shared.app;
    let answer = tokio::task::spawn_blocking(move || {
        // A command that panicked poisons the lock; the connection itself is still sound.
        let mut app = app.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        app.handle(request)
    })
    .await;
    match answer {
        Ok(Ok(data)) => json_response(StatusCode::OK, serde_json::json!({"ok": true, "data": data})),
        Ok(Err(error)) => error_response(error),
        Err(_) => error_response(ApiError::from(Error::Config("这次操作意外中断，请重试。".into()))),
    }
}

/// The embedded UI: `GET /` and every file under `ui/`.
async fn asset(method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    match ui_assets::get(uri.path()) {
        Some((bytes, content_type)) => {
            ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-store")], bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, "未找到").into_response(),
    }
}
