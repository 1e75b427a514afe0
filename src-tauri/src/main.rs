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
use liuke::lan::{self, link::Link};
use liuke::{backup, clock, store, ApiError, Error};
use serde_json::{json, Value};

/// The opened database, or the reason it could not be opened: the window
/// still opens, and every command answers with that reason in Chinese.
struct Core {
    host: Mutex<Result<Arc<Host>, ApiError>>,
    /// In desk mode, the line to the clinic's host: every command goes there.
    desk: Mutex<Option<Arc<Link>>>,
    /// The last session token the page sent, for the host's change notices.
    token: Mutex<Option<String>>,
    db: PathBuf,
    today: Option<NaiveDate>,
    /// How far an import has got, read without the app's lock (the import holds it).
    watch: Watch,
}

/// `async`: commands run off the window's main thread, so a long import
/// leaves the window responsive and its progress can be asked meanwhile.
#[tauri::command(async)]
fn rpc(window: tauri::WebviewWindow, core: tauri::State<'_, Core>, cmd: String, actor: Option<i64>, args: Value, token: Option<String>, id: Option<String>, page: Option<String>) -> Result<Value, ApiError> {
    match cmd.as_str() {
        "desk.peek" => return desk_peek(&args),
        "desk.pair" => return desk_pair(&core, &args),
        "desk.leave" => return desk_leave(&core),
        _ => {}
    }
    let desk = lock(&core.desk).clone();
    if let Some(link) = desk {
        if token.is_some() {
            *lock(&core.token) = token.clone();
        }
        let answer = forward(&link, json!({"cmd": cmd, "args": args, "token": token, "window": page, "id": id}));
        name_the_clinic(&window, &cmd, &answer);
        return answer;
    }
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
    let answer = host.handle(Request { cmd: cmd.clone(), actor, args, token, window: page, id, via: Via::Local });
    name_the_clinic(&window, &cmd, &answer);
    answer
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic in an earlier command poisoned the lock; what it guards is still sound.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The title bar and the taskbar name the clinic whose records are open.
fn name_the_clinic(window: &tauri::WebviewWindow, cmd: &str, answer: &Result<Value, ApiError>) {
    if let (true, Ok(info)) = (cmd == "app.info", answer) {
        if let Some(clinic) = info.get("clinic_name").and_then(Value::as_str) {
            if let Err(e) = window.set_title(&format!("留客 · {clinic}")) {
                eprintln!("窗口标题没有更新：{e}");
            }
        }
    }
}

/// Sends a command to the host and hands back its answer as the window's own.
fn forward(link: &Link, request: Value) -> Result<Value, ApiError> {
    let answer = link.call(&request)?;
    if answer["ok"] == true {
        Ok(answer["data"].clone())
    } else {
        Err(ApiError::from_answer(&answer["error"]))
    }
}

fn text_arg<'a>(args: &'a Value, name: &str) -> &'a str {
    args.get(name).and_then(Value::as_str).unwrap_or("")
}

/// 连接本店主机, step one: what the host at the typed address presents, as a
/// pairing code to compare with the one on the host's screen.
fn desk_peek(args: &Value) -> Result<Value, ApiError> {
    let address = lan::link::normalise(text_arg(args, "address"))?;
    let fingerprint = lan::link::peek(&address)?;
    Ok(json!({"address": address, "fingerprint": fingerprint, "pairing_code": lan::pairing_code(&fingerprint)}))
}

/// Step two, once the codes matched: ask the host to let this PC in, keep
/// the setting, and from now on send every command there.
fn desk_pair(core: &Core, args: &Value) -> Result<Value, ApiError> {
    let (config, desk) = lan::desk_config::pair(text_arg(args, "address"), text_arg(args, "fingerprint"), text_arg(args, "name"))?;
    lan::desk_config::save(&core.db, &config)?;
    *lock(&core.desk) = Some(Arc::new(config.link()?));
    Ok(json!({"desk": desk}))
}

/// Back to this PC's own database.
fn desk_leave(core: &Core) -> Result<Value, ApiError> {
    lan::desk_config::remove(&core.db)?;
    *lock(&core.desk) = None;
    let mut host = lock(&core.host);
    if host.is_err() {
        *host = open_host(&core.db, core.today, &core.watch);
    }
    Ok(json!({"local": true}))
}

/// In desk mode, the host's change notices reach the window as they do on
/// the host itself: a stream held open while a session is known, reopened
/// after the host or the network comes back.
fn hear_the_host(app: tauri::AppHandle) {
    use tauri::{Emitter, Manager};
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(2));
        let core = app.state::<Core>();
        let (Some(link), Some(token)) = (lock(&core.desk).clone(), lock(&core.token).clone()) else { continue };
        let Ok(events) = link.events(&token) else { continue };
        for line in std::io::BufRead::lines(std::io::BufReader::new(events)) {
            let Ok(line) = line else { break };
            if let Some(data) = line.strip_prefix("data:") {
                if let Err(e) = app.emit("changed", data.trim().to_string()) {
                    eprintln!("变动通知没有送到窗口：{e}");
                }
            }
        }
    });
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

/// While other PCs work through this one, closing the window would cut
/// them off: the first close minimises it and says so; a second close
/// within 30 seconds quits all the same.
fn keep_serving_on_close(window: &tauri::Window, event: &tauri::WindowEvent) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri::Emitter;
    static WARNED_AT: AtomicU64 = AtomicU64::new(0);
    let tauri::WindowEvent::CloseRequested { api, .. } = event else { return };
    if lan::listening().address.is_none() {
        return;
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if now.saturating_sub(WARNED_AT.swap(now, Ordering::Relaxed)) <= 30 {
        return;
    }
    api.prevent_close();
    if let Err(e) = window.emit("keep-serving", ()) {
        eprintln!("{e}");
    }
    if let Err(e) = window.minimize() {
        eprintln!("窗口没有最小化：{e}");
    }
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

/// Where Microsoft hands out the WebView2 runtime's bootstrapper.
#[cfg(windows)]
const WEBVIEW2_DOWNLOAD: &str = "https://go.microsoft.com/fwlink/p/?LinkId=2124703";

/// The window draws with Microsoft Edge WebView2 (Windows 10 and 11 have it).
/// Without it nothing can open: say so in words reception understands, and
/// offer Microsoft's download page, instead of closing without a word.
#[cfg(windows)]
fn webview2_or_say_so() -> bool {
    use windows_sys::Win32::UI::Shell::ShellExecuteW;
    use windows_sys::Win32::UI::WindowsAndMessaging::{MessageBoxW, IDYES, MB_ICONWARNING, MB_YESNO, SW_SHOWNORMAL};
    if tauri::webview_version().is_ok() {
        return true;
    }
    let text = "这台电脑缺少 Microsoft Edge WebView2 运行库，留客的窗口要有它才能打开。数据没有受影响。\n\n\
                点「是」打开微软的下载页面，下载安装「WebView2 运行库」后再打开留客；也可以联网后重新运行留客的安装程序，它会自动安装。";
    eprintln!("{}", text.replace("\n\n", " "));
    let wide = |s: &str| s.encode_utf16().chain(Some(0)).collect::<Vec<u16>>();
    let (text, title) = (wide(text), wide("留客"));
    // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call.
    let answer = unsafe { MessageBoxW(std::ptr::null_mut(), text.as_ptr(), title.as_ptr(), MB_YESNO | MB_ICONWARNING) };
    if answer == IDYES {
        let (open, url) = (wide("open"), wide(WEBVIEW2_DOWNLOAD));
        // SAFETY: as above; the null pointers are the optional arguments.
        unsafe { ShellExecuteW(std::ptr::null_mut(), open.as_ptr(), url.as_ptr(), std::ptr::null(), std::ptr::null(), SW_SHOWNORMAL) };
    }
    false
}

fn main() {
    #[cfg(windows)]
    if !webview2_or_say_so() {
        std::process::exit(3);
    }
    let core = match locate() {
        Ok((db, today)) => {
            let watch = Watch::default();
            // A desk PC works on its host and leaves its own database unopened.
            let desk = match lan::desk_config::load(&db).and_then(|c| c.map(|c| c.link()).transpose()) {
                Ok(link) => link.map(Arc::new),
                Err(e) => {
                    eprintln!("{e}");
                    None
                }
            };
            let host = match desk {
                Some(_) => Err(ApiError::from(Error::Config("这台电脑连接着本店主机，没有打开本机数据。".into()))),
                None => open_host(&db, today, &watch),
            };
            Core { host: Mutex::new(host), desk: Mutex::new(desk), token: Mutex::new(None), db, today, watch }
        }
        Err(e) => Core { host: Mutex::new(Err(e)), desk: Mutex::new(None), token: Mutex::new(None), db: PathBuf::new(), today: None, watch: Watch::default() },
    };
    let host = core.host.lock().ok().and_then(|h| h.as_ref().ok().cloned());
    let result = tauri::Builder::default()
        .setup(move |app| {
            hear_the_host(app.handle().clone());
            if let Some(host) = host {
                hear_changes(app.handle().clone(), &host);
                // 多台电脑共用: the other PCs' listener, when the owner turns it on.
                liuke::serve::network_in_background(host);
            }
            Ok(())
        })
        .on_window_event(keep_serving_on_close)
        .manage(core)
        .invoke_handler(tauri::generate_handler![rpc])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("留客窗口无法启动：{e}");
        std::process::exit(1);
    }
}
