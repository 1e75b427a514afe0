//! The desktop window. It holds no rules and no SQL: it opens the same
//! database the CLI uses and forwards every `invoke('rpc', …)` from the UI to
//! the core's one dispatcher, exactly as `liuke serve` forwards HTTP POSTs.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use liuke::commands::{App, Request, Via};
use liuke::host::Host;
use liuke::import::progress::Watch;
use liuke::{backup, clock, store, ApiError, Error};
use serde_json::{json, Value};

/// The opened database, or the reason it could not be opened: the window
/// still opens, and every command answers with that reason in Chinese.
struct Core {
    host: Mutex<Result<Arc<Host>, ApiError>>,
    db: PathBuf,
    today: Option<NaiveDate>,
    /// How far an import has got, read without the app's lock (the import holds it).
    watch: Watch,
}

/// `async`: commands run off the window's main thread, so a long import
/// leaves the window responsive and its progress can be asked meanwhile.
#[tauri::command(async)]
fn rpc(window: tauri::WebviewWindow, core: tauri::State<'_, Core>, cmd: String, actor: Option<i64>, args: Value, token: Option<String>, id: Option<String>, page: Option<String>) -> Result<Value, ApiError> {
    if cmd == "import.progress" {
        return Ok(json!(core.watch.current()));
    }
    // Held only to take the host out: commands run side by side inside it.
    let host = {
        let mut guard = core.host.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if cmd == "recovery.restore_newest" && guard.is_err() {
            let passphrase = args.get("passphrase").and_then(Value::as_str);
            let restored = restore_newest(&core.db, core.today, passphrase)?;
            *guard = open_host(&core.db, core.today, &core.watch);
            guard.as_ref().map_err(Clone::clone)?;
            return Ok(json!(restored));
        }
        guard.clone()?
    };
    let asked_for_info = cmd == "app.info";
    let answer = host.handle(Request { cmd, actor, args, token, window: page, id, via: Via::Local });
    // The title bar and the taskbar name the clinic whose database is open.
    if let (true, Ok(info)) = (asked_for_info, &answer) {
        if let Some(clinic) = info.get("clinic_name").and_then(Value::as_str) {
            if let Err(e) = window.set_title(&format!("留客 · {clinic}")) {
                eprintln!("窗口标题没有更新：{e}");
            }
        }
    }
    answer
}

/// The damaged database is set aside and the newest good backup put in its
/// place; a sealed one needs the owner's backup passphrase.
fn restore_newest(db: &std::path::Path, today: Option<NaiveDate>, passphrase: Option<&str>) -> Result<backup::Backup, ApiError> {
    let newest = backup::newest_good(db)
        .map(|b| b.path)
        .or_else(|| backup::newest_sealed(db))
        .ok_or_else(|| ApiError::from(Error::Config("没有找到可用的备份。请联系技术支持，并保留数据文件。".into())))?;
    let clock = liuke::Clock::new(clock::DEFAULT_TIME_ZONE, today)?;
    Ok(backup::restore_with(db, &newest, passphrase, &clock)?)
}

fn open_host(db: &std::path::Path, today: Option<NaiveDate>, watch: &Watch) -> Result<Arc<Host>, ApiError> {
    let mut app = App::open(db, today)?;
    app.set_import_watch(watch.clone());
    let host = Host::new(app);
    if let Err(e) = host.daily_backup() {
        eprintln!("今天的自动备份没有开始：{e}");
    }
    Ok(Arc::new(host))
}

/// Passes the host's change notices (a desk's arrival, a call ticked off
/// elsewhere) to the window, which refreshes its boards as a browser does.
fn hear_changes(app: tauri::AppHandle, host: &Host) {
    use tauri::Emitter;
    let mut changes = host.subscribe();
    std::thread::spawn(move || loop {
        match changes.blocking_recv() {
            Ok(notice) => {
                if let Err(e) = app.emit("changed", notice) {
                    eprintln!("变动通知没有送到窗口：{e}");
                }
            }
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                let _ = app.emit("changed", r#"{"cmd":"*","from":""}"#);
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    });
}

/// `LIUKE_DB` and `LIUKE_TODAY` play the part of the CLI's `--db` and `--today`.
fn locate() -> Result<(PathBuf, Option<NaiveDate>), ApiError> {
    let db: PathBuf = match std::env::var_os("LIUKE_DB") {
        Some(p) => PathBuf::from(p),
        None => store::default_db_path()?,
    };
    let today = match std::env::var("LIUKE_TODAY") {
        Ok(text) if !text.trim().is_empty() => Some(clock::parse_today(&text)?),
        _ => None,
    };
    Ok((db, today))
}

fn main() {
    let core = match locate() {
        Ok((db, today)) => {
            let watch = Watch::default();
            Core { host: Mutex::new(open_host(&db, today, &watch)), db, today, watch }
        }
        Err(e) => Core { host: Mutex::new(Err(e)), db: PathBuf::new(), today: None, watch: Watch::default() },
    };
    let host = core.host.lock().ok().and_then(|h| h.as_ref().ok().cloned());
    let result = tauri::Builder::default()
        .setup(move |app| {
            if let Some(host) = host {
                hear_changes(app.handle().clone(), &host);
                // 多台电脑共用: the other PCs' listener, when the owner turns it on.
                liuke::serve::network_in_background(host);
            }
            Ok(())
        })
        .manage(core)
        .invoke_handler(tauri::generate_handler![rpc])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("留客窗口无法启动：{e}");
        std::process::exit(1);
    }
}
