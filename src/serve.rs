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

use crate::commands::{App, Request, Via};
use crate::host::Host;
use crate::lan;
use crate::error::{ApiError, Error, Result};
use crate::ui_assets;

/// The largest request accepted: an import file travels inside one, as
/// base64 (a million-row CSV is about 70 MB of it).
const MAX_BODY: usize = 256 * 1024 * 1024;

type Shared = Arc<Host>;

/// What `liuke serve` is asked to do on the clinic's network.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// `--lan`: listen on the network whatever the owner's setting says.
    pub forced: bool,
    /// `--lan-port`: instead of the owner's setting (0: any free port).
    pub port: Option<u16>,
    /// `--lan-bind`: the address to listen on (every address by default;
    /// the tests use 127.0.0.2).
    pub bind: Option<std::net::IpAddr>,
}

/// Serves until the process ends. `on_ready` receives the bound address.
pub fn run(app: App, port: u16, network: Network, on_ready: impl FnOnce(&str)) -> Result<()> {
    let host = Arc::new(Host::new(app));
    if let Err(e) = host.daily_backup() {
        eprintln!("今天的自动备份没有开始：{e}");
    }
    let runtime = runtime()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| Error::Config(format!("无法在 127.0.0.1:{port} 上启动服务：{e}。端口可能已被占用，请换一个 --port。")))?;
        let local = listener.local_addr()?;
        on_ready(&format!("http://{local}/"));
        tokio::spawn(supervise_network(host.clone(), network));
        // The loopback listener is never stopped: its sender lives as long as it does.
        let (_never, stop) = tokio::sync::watch::channel(0u64);
        accept(listener, router(host, Listener::Loopback { port: local.port() }), None, stop).await;
        Ok(())
    })
}

/// The clinic's network listener, for a host whose window is its own
/// server (the desktop app): runs on a thread of its own until the process ends.
pub fn network_in_background(host: Arc<Host>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let runtime = match runtime() {
            Ok(r) => r,
            Err(e) => return lan::set_listening(lan::Listening { address: None, problem: Some(format!("无法启动网络服务：{e}")) }),
        };
        runtime.block_on(supervise_network(host, Network::default()));
    })
}

/// Two threads for the connections (TLS, HTTP): one desk's large answer
/// being encrypted does not hold up another's search. Commands themselves
/// run on blocking threads.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_io().enable_time().build()
}

/// Starts, stops and restarts the network listener as the owner's setting
/// (or `--lan`) says, now and whenever the setting changes.
async fn supervise_network(host: Arc<Host>, network: Network) {
    let mut changes = host.subscribe();
    let (stop, stopped) = tokio::sync::watch::channel(0u64);
    let mut running: Option<u16> = None;
    let mut generation = 0;
    loop {
        let wanted = match host.network_settings() {
            Ok(s) if s.enabled || network.forced => Some(network.port.unwrap_or(s.port)),
            Ok(_) => None,
            Err(e) => {
                lan::set_listening(lan::Listening { address: None, problem: Some(e.to_string()) });
                None
            }
        };
        if running != wanted {
            generation += 1;
            // Every connection of the old listener ends with it.
            let _ = stop.send(generation);
            running = None;
            lan::set_listening(lan::Listening::default());
            if let Some(port) = wanted {
                match start_network(&host, &network, port, stopped.clone()).await {
                    Ok(address) => {
                        println!("多台电脑共用已开启：https://{address}/");
                        lan::set_listening(lan::Listening { address: Some(address), problem: None });
                        running = Some(port);
                    }
                    Err(e) => {
                        eprintln!("{e}");
                        lan::set_listening(lan::Listening { address: None, problem: Some(e.to_string()) });
                    }
                }
            }
        }
        // Wait for the owner to change the setting.
        loop {
            match changes.recv().await {
                Ok(notice) if notice.contains("\"lan.save_settings\"") => break,
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

async fn start_network(host: &Arc<Host>, network: &Network, port: u16, stopped: tokio::sync::watch::Receiver<u64>) -> Result<String> {
    let db_path = host.writer().db_path().to_path_buf();
    let identity = lan::identity(&db_path)?;
    let tls = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("网络加密无法启用：{e}")))?
        .with_no_client_auth()
        .with_single_cert(vec![identity.cert.clone()], identity.key.clone_key())
        .map_err(|e| Error::Config(format!("本机的网络证书无法使用：{e}")))?;
    let bind = network.bind.unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let listener = tokio::net::TcpListener::bind((bind, port))
        .await
        .map_err(|e| Error::Config(format!("无法在 {bind}:{port} 上开启多台电脑共用：{e}。端口可能已被占用，请在 设置 → 多台电脑共用 中换一个端口。")))?;
    let local = listener.local_addr()?;
    let shown = if bind.is_unspecified() { lan::local_address().map_or(local, |ip| std::net::SocketAddr::new(ip, local.port())) } else { local };
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let app = router(host.clone(), Listener::Network { port: local.port() });
    tokio::spawn(async move { accept(listener, app, Some(acceptor), from_now_on(stopped)).await });
    Ok(shown.to_string())
}

/// A receiver that fires at the next stop, not at one already past.
fn from_now_on(mut rx: tokio::sync::watch::Receiver<u64>) -> tokio::sync::watch::Receiver<u64> {
    rx.mark_unchanged();
    rx
}

/// At most this many connections at once on one listener.
const MAX_CONNECTIONS: usize = 256;

/// Accepts connections until `stop` fires, each served on a task of its own
/// (TLS first, on the network listener) with the addresses it came in on.
async fn accept(listener: tokio::net::TcpListener, router: Router, tls: Option<tokio_rustls::TlsAcceptor>, mut stop: tokio::sync::watch::Receiver<u64>) {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.changed() => return,
        };
        let Ok((stream, remote)) = accepted else { continue };
        let Ok(slot) = slots.clone().try_acquire_owned() else { continue };
        let local = stream.local_addr().unwrap_or(remote);
        let (router, tls, mut stop) = (router.clone(), tls.clone(), stop.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let peer = Peer { local, remote };
            let served = async {
                match tls {
                    Some(tls) => match tokio::time::timeout(std::time::Duration::from_secs(10), tls.accept(stream)).await {
                        Ok(Ok(stream)) => serve_connection(stream, router, peer).await,
                        _ => {}
                    },
                    None => serve_connection(stream, router, peer).await,
                }
            };
            tokio::select! {
                _ = served => {}
                _ = stop.changed() => {}
            }
        });
    }
}

/// The two ends of a connection, for the Host and Origin rules and the desk's address.
#[derive(Debug, Clone, Copy)]
struct Peer {
    local: std::net::SocketAddr,
    remote: std::net::SocketAddr,
}

async fn serve_connection<S>(stream: S, router: Router, peer: Peer)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    use tower::ServiceExt;
    let service = router.map_request(move |mut request: axum::http::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(peer);
        request.map(axum::body::Body::new)
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(std::time::Duration::from_secs(20))
        .serve_connection(hyper_util::rt::TokioIo::new(stream), hyper_util::service::TowerToHyperService::new(service))
        .await;
}

/// Which listener a request came in on.
#[derive(Debug, Clone, Copy)]
enum Listener {
    /// 127.0.0.1, plain HTTP: the host's own window and browser.
    Loopback { port: u16 },
    /// The clinic's network, HTTPS.
    Network { port: u16 },
}

fn router(host: Shared, listener: Listener) -> Router {
    Router::new()
        .route("/api", post(api))
        .route("/events", axum::routing::get(events))
        .fallback(asset)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(listener, guard))
        .layer(axum::Extension(listener))
        .with_state(host)
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
async fn guard(State(listener): State<Listener>, request: HttpRequest, next: Next) -> Response {
    // A body announced too large is refused before a byte of it is read.
    let announced = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let peer = request.extensions().get::<Peer>().copied();
    let mut response = match refusal(listener, peer, request.method(), request.uri(), request.headers()) {
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

/// The names a listener answers to (as a request's Host), and its scheme.
fn served_as(listener: Listener, peer: Option<Peer>) -> (Vec<String>, &'static str) {
    match listener {
        Listener::Loopback { port } => (vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")], "http"),
        Listener::Network { port } => {
            // The address the desk reached this PC on: no other name (no DNS rebinding).
            let ip = peer.map(|p| p.local.ip()).map(|ip| match ip {
                std::net::IpAddr::V6(v6) => format!("[{v6}]:{port}"),
                v4 => format!("{v4}:{port}"),
            });
            (ip.into_iter().chain([format!("liuke.local:{port}")]).collect(), "https")
        }
    }
}

/// Why a request is refused, or None.
fn refusal(listener: Listener, peer: Option<Peer>, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<String> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let host = text(header::HOST).unwrap_or("").to_ascii_lowercase();
    let (hosts, scheme) = served_as(listener, peer);
    if !hosts.iter().any(|h| *h == host) {
        return Some(format!("拒绝访问：请用 {scheme}://{}/ 打开留客（收到的地址是「{host}」）。", hosts[0]));
    }
    if let Some(origin) = text(header::ORIGIN) {
        if origin != format!("{scheme}://{host}") {
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

fn error_status(error: &ApiError) -> StatusCode {
    match error.code {
        "not_found" | "unknown_command" => StatusCode::NOT_FOUND,
        "db" | "io" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn error_response(error: ApiError) -> Response {
    json_response(error_status(&error), serde_json::json!({"ok": false, "error": error}))
}

/// An answer as the page receives it, made off the connections' threads
/// (a day's call list is megabytes of JSON).
fn answer_text(answer: std::result::Result<serde_json::Value, ApiError>) -> (StatusCode, String) {
    match answer {
        Ok(data) => (StatusCode::OK, serde_json::json!({"ok": true, "data": data}).to_string()),
        Err(error) => (error_status(&error), serde_json::json!({"ok": false, "error": error}).to_string()),
    }
}

/// `POST /api {cmd, actor, args}` → `{ok: true, data}` or `{ok: false, error}`.
async fn api(State(shared): State<Shared>, axum::Extension(listener): axum::Extension<Listener>, peer: Option<axum::Extension<Peer>>, headers: HeaderMap, body: Bytes) -> Response {
    let via = via_of(listener, peer.map(|p| p.0), headers.get(lan::link::DESK_HEADER).and_then(|v| v.to_str().ok()));
    // Reading the request (an import's file is tens of MB) and writing the
    // answer happen beside the command, off the connections' threads.
    let answer = tokio::task::spawn_blocking(move || {
        let mut request: Request = match serde_json::from_slice(&body) {
            Ok(r) => r,
            Err(e) => return answer_text(Err(ApiError::from(Error::Json(e)))),
        };
        request.via = via;
        answer_text(shared.handle(request))
    })
    .await;
    match answer {
        Ok((status, text)) => (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], text).into_response(),
        Err(_) => error_response(ApiError::from(Error::Config("这次操作意外中断，请重试。".into()))),
    }
}

/// A request from the network names its desk; one from loopback is the host's own.
fn via_of(listener: Listener, peer: Option<Peer>, desk_key: Option<&str>) -> Via {
    match listener {
        Listener::Loopback { .. } => Via::Local,
        Listener::Network { .. } => Via::Network {
            address: peer.map(|p| p.remote.ip().to_string()).unwrap_or_default(),
            desk_key: desk_key.map(str::to_string),
        },
    }
}

/// `GET /events?token=…`: a server-sent event `changed` (its data the
/// command's name and the window it came from) after every command that changed something, so the other
/// desks' boards and lists refresh themselves. Only for a live session; the
/// events carry no records.
async fn events(State(shared): State<Shared>, axum::Extension(listener): axum::Extension<Listener>, peer: Option<axum::Extension<Peer>>, uri: Uri) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let query = |name: &str| uri.query().unwrap_or("").split('&').find_map(|p| p.strip_prefix(name)).unwrap_or("").to_string();
    let token = query("token=");
    // EventSource sends no headers of its own: the desk's key comes in the address.
    let desk = query("desk=");
    let via = via_of(listener, peer.map(|p| p.0), Some(desk.as_str()).filter(|d| !d.is_empty()));
    if !still_signed_in(&shared, &token, &via).await {
        return error_response(ApiError::from(Error::Unauthorized("请先选择在岗员工并登录。".into())));
    }
    // The session is looked at again every so often: a desk revoked, a
    // sign-out or an idle limit ends the stream too.
    let mut checks = tokio::time::interval(SESSION_RECHECK);
    checks.reset();
    let state = (shared.subscribe(), checks, shared.clone(), token, via);
    let changes = futures_util::stream::unfold(state, |(mut rx, mut checks, host, token, via)| async move {
        let data = loop {
            tokio::select! {
                received = rx.recv() => break match received {
                    Ok(cmd) => cmd,
                    // Fell behind: say that something changed.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => r#"{"cmd":"*","from":""}"#.to_string(),
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                },
                _ = checks.tick() => {
                    if !still_signed_in(&host, &token, &via).await {
                        return None;
                    }
                }
            }
        };
        Some((Ok::<Event, std::convert::Infallible>(Event::default().event("changed").data(data)), (rx, checks, host, token, via)))
    });
    Sse::new(changes).keep_alive(KeepAlive::default()).into_response()
}

/// How often an open change stream looks at its session again.
const SESSION_RECHECK: std::time::Duration = std::time::Duration::from_secs(5);

async fn still_signed_in(host: &Shared, token: &str, via: &Via) -> bool {
    let (host, token, via) = (host.clone(), token.to_string(), via.clone());
    tokio::task::spawn_blocking(move || host.signed_in(&token, &via)).await.unwrap_or(false)
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
