//! `liuke serve`: the UI in a browser, for tests and a second screen. It binds
//! to 127.0.0.1 only, serves the embedded UI, and forwards `POST /api` to the
//! same dispatcher the desktop window uses.

use std::io::Read;

use tiny_http::{Header, Method, Response, Server};

use crate::commands::{App, Request};
use crate::error::{ApiError, Error, Result};
use crate::ui_assets;

/// The largest request accepted (an import file travels inside one).
const MAX_BODY: u64 = 32 * 1024 * 1024;

/// Serves until the process ends. `on_ready` receives the bound address.
pub fn run(mut app: App, port: u16, on_ready: impl FnOnce(&str)) -> Result<()> {
    let server = Server::http(("127.0.0.1", port))
        .map_err(|e| Error::Config(format!("无法在 127.0.0.1:{port} 上启动服务：{e}。端口可能已被占用，请换一个 --port。")))?;
    let address = match server.server_addr().to_ip() {
        Some(a) => format!("http://{a}/"),
        None => format!("http://127.0.0.1:{port}/"),
    };
    on_ready(&address);
    for mut request in server.incoming_requests() {
        let response = answer(&mut app, &mut request);
        // A browser that went away mid-answer is not the server's problem.
        let _ = request.respond(response);
    }
    Ok(())
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn json_response(status: u16, body: &serde_json::Value) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut r = Response::from_data(body.to_string().into_bytes()).with_status_code(status);
    if let Some(h) = header("Content-Type", "application/json; charset=utf-8") {
        r.add_header(h);
    }
    r
}

/// Answers one HTTP request.
pub fn answer(app: &mut App, request: &mut tiny_http::Request) -> Response<std::io::Cursor<Vec<u8>>> {
    let path = request.url().split('?').next().unwrap_or("/").to_string();
    match (request.method(), path.as_str()) {
        (Method::Post, "/api") => {
            let mut body = Vec::new();
            if let Err(e) = request.as_reader().take(MAX_BODY).read_to_end(&mut body) {
                return json_response(400, &serde_json::json!({"ok": false, "error": ApiError::from(Error::Io(e))}));
            }
            let parsed: std::result::Result<Request, _> = serde_json::from_slice(&body);
            match parsed {
                Err(e) => json_response(400, &serde_json::json!({"ok": false, "error": ApiError::from(Error::Json(e))})),
                Ok(req) => match app.handle(req) {
                    Ok(data) => json_response(200, &serde_json::json!({"ok": true, "data": data})),
                    Err(error) => {
                        let status = match error.code {
                            "not_found" | "unknown_command" => 404,
                            "db" | "io" => 500,
                            _ => 400,
                        };
                        json_response(status, &serde_json::json!({"ok": false, "error": error}))
                    }
                },
            }
        }
        (Method::Get, p) => match ui_assets::get(p) {
            Some((bytes, content_type)) => {
                let mut r = Response::from_data(bytes.to_vec());
                if let Some(h) = header("Content-Type", content_type) {
                    r.add_header(h);
                }
                if let Some(h) = header("Cache-Control", "no-store") {
                    r.add_header(h);
                }
                r
            }
            None => Response::from_data("未找到".as_bytes().to_vec()).with_status_code(404),
        },
        _ => Response::from_data(Vec::new()).with_status_code(405),
    }
}
