//! `liuke serve`: the UI in a browser, for tests and a second screen. It binds
//! to 127.0.0.1 only, serves the embedded UI, and forwards `POST /api` to the
//! same dispatcher the desktop window uses. A web page in the clinic's
//! browser can reach 127.0.0.1 too, so every request must name the served
//! address as its Host (no DNS rebinding), come from no other origin, and
//! carry JSON as `application/json` (which a cross-site form cannot send). Commands run on blocking threads
//! through the [`Host`] (writes one at a time, reads beside them); the HTTP side is
//! axum on a single-threaded tokio runtime, which keeps many browser
//! connections open at once without one stalling another.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request as HttpRequest, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use crate::commands::{App, Request};
use crate::host::Host;
use crate::error::{ApiError, Error, Result};
use crate::ui_assets;

/// The largest request accepted: an import file travels inside one, as
/// base64 (a million-row CSV is about 70 MB of it).
const MAX_BODY: usize = 256 * 1024 * 1024;

type Shared = Arc<Host>;

/// Serves until the process ends. `on_ready` receives the bound address.
pub fn run(app: App, port: u16, on_ready: impl FnOnce(&str)) -> Result<()> {
    let host = Arc::new(Host::new(app));
    if let Err(e) = host.daily_backup() {
        eprintln!("今天的自动备份没有开始：{e}");
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().enable_time().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| Error::Config(format!("无法在 127.0.0.1:{port} 上启动服务：{e}。端口可能已被占用，请换一个 --port。")))?;
        let address = match listener.local_addr() {
            Ok(a) => format!("http://{a}/"),
            Err(_) => format!("http://127.0.0.1:{port}/"),
        };
        on_ready(&address);
        let port = listener.local_addr().map_or(port, |a| a.port());
        let served = Arc::new(Served { hosts: vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")] });
        let router = Router::new()
            .route("/api", post(api))
            .route("/events", axum::routing::get(events))
            .fallback(asset)
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .layer(middleware::from_fn_with_state(served, guard))
            .with_state(host);
        axum::serve(listener, router).await?;
        Ok(())
    })
}

/// The addresses this server answers to.
struct Served {
    hosts: Vec<String>,
}

/// What every answer carries: no sniffing, no framing, and a policy that
/// lets the page load only its own files and talk only to its own server.
const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
];

/// Refuses what does not come from the UI this server serves, answers
/// every refusal in Chinese, and adds the security headers to every answer.
async fn guard(State(served): State<Arc<Served>>, request: HttpRequest, next: Next) -> Response {
    // A body announced too large is refused before a byte of it is read.
    let announced = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let mut response = match refusal(&served, request.method(), request.uri(), request.headers()) {
        Some(why) => json_response(StatusCode::FORBIDDEN, serde_json::json!({"ok": false, "error": {"code": "forbidden", "message": why, "problems": []}})),
        None if announced.is_some_and(|n| n > MAX_BODY as u64) => StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        None => next.run(request).await,
    };
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        let message = format!("上传的内容太大（上限 {} MB），请把文件分成几份再导入。", MAX_BODY / 1024 / 1024);
        response = json_response(StatusCode::PAYLOAD_TOO_LARGE, serde_json::json!({"ok": false, "error": {"code": "too_large", "message": message, "problems": []}}));
    }
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Why a request is refused, or None.
fn refusal(served: &Served, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<String> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let host = text(header::HOST).unwrap_or("").to_ascii_lowercase();
    if !served.hosts.iter().any(|h| *h == host) {
        return Some(format!("拒绝访问：请用 http://{}/ 打开留客（收到的地址是「{host}」）。", served.hosts[0]));
    }
    if let Some(origin) = text(header::ORIGIN) {
        if origin != format!("http://{host}") {
            return Some("拒绝访问：这个请求来自其他网页，留客只接受它自己页面的操作。".into());
        }
    }
    if uri.path() == "/api" && method == Method::POST {
        let json = text(header::CONTENT_TYPE)
            .and_then(|c| c.split(';').next())
            .is_some_and(|c| c.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Some("拒绝访问：请求必须是 JSON（Content-Type: application/json）。".into());
        }
    }
    None
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
    let answer = tokio::task::spawn_blocking(move || shared.handle(request)).await;
    match answer {
        Ok(Ok(data)) => json_response(StatusCode::OK, serde_json::json!({"ok": true, "data": data})),
        Ok(Err(error)) => error_response(error),
        Err(_) => error_response(ApiError::from(Error::Config("这次操作意外中断，请重试。".into()))),
    }
}

/// `GET /events?token=…`: a server-sent event `changed` (its data the
/// command's name and the window it came from) after every command that changed something, so the other
/// desks' boards and lists refresh themselves. Only for a live session; the
/// events carry no records.
async fn events(State(shared): State<Shared>, uri: Uri) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let token = uri.query().unwrap_or("").split('&').find_map(|p| p.strip_prefix("token=")).unwrap_or("").to_string();
    let host = shared.clone();
    let live = tokio::task::spawn_blocking(move || host.signed_in(&token)).await.unwrap_or(false);
    if !live {
        return error_response(ApiError::from(Error::Unauthorized("请先选择在岗员工并登录。".into())));
    }
    let changes = futures_util::stream::unfold(shared.subscribe(), |mut rx| async move {
        let data = match rx.recv().await {
            Ok(cmd) => cmd,
            // Fell behind: say that something changed.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => r#"{"cmd":"*","from":""}"#.to_string(),
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok::<Event, std::convert::Infallible>(Event::default().event("changed").data(data)), rx))
    });
    Sse::new(changes).keep_alive(KeepAlive::default()).into_response()
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
