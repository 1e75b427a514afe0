//! The desktop window. It holds no rules and no SQL: it opens the same
//! database the CLI uses and forwards every `invoke('rpc', …)` from the UI to
//! the core's one dispatcher, exactly as `liuke serve` forwards HTTP POSTs.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::Mutex;

use liuke::commands::{App, Request};
use liuke::{clock, store, ApiError, Error};
use serde_json::Value;

/// The opened database, or the reason it could not be opened: the window
/// still opens, and every command answers with that reason in Chinese.
struct Core(Mutex<Result<App, ApiError>>);

#[tauri::command]
fn rpc(core: tauri::State<'_, Core>, cmd: String, actor: Option<i64>, args: Value) -> Result<Value, ApiError> {
    let mut guard = match core.0.lock() {
        Ok(g) => g,
        // A panic in an earlier command poisoned the lock; the connection itself is still sound.
        Err(poisoned) => poisoned.into_inner(),
    };
    match guard.as_mut() {
        Ok(app) => app.handle(Request { cmd, actor, args }),
        Err(e) => Err(e.clone()),
    }
}

/// `LIUKE_DB` and `LIUKE_TODAY` play the part of the CLI's `--db` and `--today`.
fn open_core() -> Result<App, ApiError> {
    let db: PathBuf = match std::env::var_os("LIUKE_DB") {
        Some(p) => PathBuf::from(p),
        None => store::default_db_path()?,
    };
    let today = match std::env::var("LIUKE_TODAY") {
        Ok(text) if !text.trim().is_empty() => Some(clock::parse_today(&text)?),
        _ => None,
    };
    let mut app = App::open(&db, today).map_err(|e: Error| ApiError::from(e))?;
    if let Err(e) = app.daily_backup() {
        eprintln!("今天的自动备份没有完成：{e}");
    }
    Ok(app)
}

fn main() {
    let core = Core(Mutex::new(open_core()));
    let result = tauri::Builder::default()
        .manage(core)
        .invoke_handler(tauri::generate_handler![rpc])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("留客窗口无法启动：{e}");
        std::process::exit(1);
    }
}
