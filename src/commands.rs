//! The one command surface. Every action the UI can take is a named command
//! with a JSON request and a JSON response, dispatched here; the Tauri shell
//! and `liuke serve` both forward to [`App::dispatch`], so the desktop window
//! and a browser run the identical code path. Handlers are a few lines that
//! call the core.

use std::path::{Path, PathBuf};

use base64::Engine;
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::clock::Clock;
use crate::customers::{self, CustomerDraft, CustomerId};
use crate::error::{Error, Result};
use crate::staff::{self, StaffDraft, StaffId, SYSTEM_STAFF};
use crate::store::{self, settings};
use crate::{accounts, import, search};

mod backups;
mod consumption;
mod appointments;
mod followups;
mod report;
mod tiers;

/// One request as it arrives from the UI.
#[derive(Debug, Deserialize)]
pub struct Request {
    pub cmd: String,
    /// The staff member at the desk; required by every command that writes.
    #[serde(default)]
    pub actor: Option<i64>,
    #[serde(default)]
    pub args: Value,
    /// The session token from `session.sign_in`; it, not `actor`, says who
    /// is acting when a request comes from the UI.
    #[serde(default)]
    pub token: Option<String>,
}

/// An open database and the pinned date, if any: what every command needs.
pub struct App {
    conn: Connection,
    db_path: PathBuf,
    pinned_today: Option<NaiveDate>,
    /// The day the time-based follow-ups were last brought up to.
    followups_on: Option<NaiveDate>,
    /// Signed-in sessions: token → staff member.
    sessions: std::collections::HashMap<String, StaffId>,
    /// Where imports report how far they have got.
    watch: import::progress::Watch,
}

impl App {
    /// Opens the database (creating and migrating it if needed).
    pub fn open(db_path: &Path, pinned_today: Option<NaiveDate>) -> Result<App> {
        crate::backup::check_before_open(db_path)?;
        let conn = store::open(db_path)?;
        Ok(App { conn, db_path: db_path.to_path_buf(), pinned_today, followups_on: None, sessions: Default::default(), watch: Default::default() })
    }

    /// The clock for this request: today is read anew each time, so a window
    /// left open overnight moves on to the new day.
    pub fn clock(&self) -> Result<Clock> {
        Clock::new(&settings::time_zone(&self.conn)?, self.pinned_today)
    }

    /// Brings birthday, dormant and no-deal calls up to today, once a day
    /// (SPEC §5: every command and every app start does this first).
    pub fn bring_followups_up_to_today(&mut self) -> Result<()> {
        let clock = self.clock()?;
        if self.followups_on != Some(clock.today()) {
            crate::catch_up::day_pass(&mut self.conn, &clock, clock.today())?;
            self.followups_on = Some(clock.today());
        }
        Ok(())
    }

    /// Today's automatic backup, once a day when the app starts (desktop and
    /// `liuke serve`), written in the background on its own connection so the
    /// window opens at once. A backup that cannot be written is reported, not fatal.
    pub fn daily_backup(&mut self) -> Result<std::thread::JoinHandle<()>> {
        let clock = self.clock()?;
        Ok(crate::backup::daily_in_background(&self.db_path, &clock))
    }

    /// Replaces the database with a backup (the current file is kept beside
    /// it) and goes on with the restored one.
    pub fn restore_from(&mut self, from: &Path) -> Result<crate::backup::Backup> {
        let clock = self.clock()?;
        crate::backup::verify(from)?;
        // Let go of the file before it is replaced.
        self.conn = Connection::open_in_memory()?;
        let restored = crate::backup::restore(&self.db_path, from, &clock);
        self.conn = store::open(&self.db_path)?;
        self.followups_on = None;
        restored
    }

    /// How far the import under way has got: a handle the server and the
    /// window keep, to answer `import.progress` while the import holds the app.
    pub fn import_watch(&self) -> import::progress::Watch {
        self.watch.clone()
    }

    /// Reports imports to a handle kept elsewhere (the window keeps one across a restore).
    pub fn set_import_watch(&mut self, watch: import::progress::Watch) {
        self.watch = watch;
    }

    /// The database file this app works on.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The connection, for the CLI's direct calls.
    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Runs one command.
    pub fn dispatch(&mut self, cmd: &str, actor: Option<i64>, args: Value) -> Result<Value> {
        // What the opening window asks for first must not wait for the
        // day's follow-up pass (half a second on a large clinic).
        if !matches!(cmd, "app.info" | "staff.list" | "import.progress") {
            self.bring_followups_up_to_today()?;
        }
        let clock = self.clock()?;
        match cmd {
            "app.info" => self.info(&clock),
            "import.progress" => to_json(self.watch.current()),
            "staff.list" => to_json(staff::list(&self.conn)?),
            "staff.create" => {
                let by = self.actor_or_first_run(actor)?;
                let draft: StaffDraft = args_of(args)?;
                to_json(staff::create(&self.conn, &clock, by, &draft)?)
            }
            "staff.set_pin" => {
                self.actor(actor)?;
                let a: PinArgs = args_of(args)?;
                accounts::set_pin(&self.conn, StaffId(a.id.unwrap_or(0)), &a.pin)?;
                Ok(json!({"has_pin": !a.pin.is_empty()}))
            }
            "staff.set_own_pin" => {
                let by = self.actor(actor)?;
                let a: PinArgs = args_of(args)?;
                accounts::set_pin(&self.conn, by, &a.pin)?;
                Ok(json!({"has_pin": !a.pin.is_empty()}))
            }
            "audit.list" => {
                self.actor(actor)?;
                let a: AuditArgs = args_of(args)?;
                to_json(accounts::audit_list(&self.conn, a.target.as_deref(), a.limit.unwrap_or(200).min(2000))?)
            }
            "staff.update" => {
                self.actor(actor)?;
                let a: WithId<StaffDraft> = args_of(args)?;
                to_json(staff::update(&self.conn, StaffId(a.id), &a.fields)?)
            }
            "customers.search" => {
                let a: SearchArgs = args_of(args)?;
                to_json(search::search(&self.conn, &a.q, a.limit.unwrap_or(20))?)
            }
            "customers.get" => {
                let a: IdArg = args_of(args)?;
                to_json(customers::file(&self.conn, CustomerId(a.id))?)
            }
            "customers.create" => {
                let by = self.actor(actor)?;
                let draft: CustomerDraft = args_of(args)?;
                let id = customers::create(&mut self.conn, &clock, by, &draft)?;
                to_json(customers::file(&self.conn, id)?)
            }
            "customers.update" => {
                let by = self.actor(actor)?;
                let a: WithId<CustomerDraft> = args_of(args)?;
                customers::update(&mut self.conn, &clock, by, CustomerId(a.id), &a.fields)?;
                to_json(customers::file(&self.conn, CustomerId(a.id))?)
            }
            "customers.options" => self.customer_options(),
            "memory.add" => {
                let by = self.actor(actor)?;
                let a: MemoryArgs = args_of(args)?;
                to_json(customers::add_memory_point(&self.conn, &clock, by, CustomerId(a.customer_id), &a.text)?)
            }
            "memory.remove" => {
                let by = self.actor(actor)?;
                let a: IdArg = args_of(args)?;
                customers::remove_memory_point(&self.conn, &clock, by, a.id)?;
                Ok(json!({"removed": a.id}))
            }
            "import.sheets" => {
                self.actor(actor)?;
                let a: ImportArgs = args_of(args)?;
                Ok(json!({"sheets": import::workbook::sheet_names(&uploaded(&a)?)}))
            }
            "import.customers" | "import.consumption" | "import.executions" | "import.arrivals" => {
                let by = self.actor(actor)?;
                let a: ImportArgs = args_of(args)?;
                let kind: import::Kind = serde_json::from_value(json!(&cmd["import.".len()..]))?;
                let bytes = uploaded(&a)?;
                let file = import::File { bytes: &bytes, sheet: a.sheet.as_deref().filter(|s| !s.trim().is_empty()), watch: Some(&self.watch) };
                let report = import::run(kind, &mut self.conn, &clock, by, file, a.dry_run)?;
                Ok(json!({"report": report, "summary": report.summary()}))
            }
            other => {
                if let Some(result) = self.dispatch_tiers(&clock, other, actor, args.clone()) {
                    return result;
                }
                if let Some(result) = self.dispatch_followups(&clock, other, actor, args.clone()) {
                    return result;
                }
                if let Some(result) = self.dispatch_appointments(&clock, other, actor, args.clone()) {
                    return result;
                }
                if let Some(result) = self.dispatch_report(&clock, other, actor, args.clone()) {
                    return result;
                }
                if let Some(result) = self.dispatch_backups(&clock, other, actor, args.clone()) {
                    return result;
                }
                match self.dispatch_consumption(&clock, other, actor, args) {
                    Some(result) => result,
                    None => Err(Error::UnknownCommand(other.to_string())),
                }
            }
        }
    }

    /// Runs a request from the UI: the session token says who is acting, the
    /// role decides whether the command may run, phones are masked for
    /// customer service, and views, changes and exports go into the audit log.
    pub fn handle(&mut self, request: Request) -> std::result::Result<Value, crate::ApiError> {
        self.handle_checked(request).map_err(Into::into)
    }

    fn handle_checked(&mut self, request: Request) -> Result<Value> {
        let Request { cmd, args, token, .. } = request;
        let clock = self.clock()?;
        if cmd == "session.sign_in" {
            return self.sign_in(&clock, args);
        }
        let session = token.as_deref().and_then(|t| self.sessions.get(t).copied());
        let first_run = cmd == "staff.create" && staff::list(&self.conn)?.is_empty();
        let actor = match session {
            Some(id) => Some(staff::acting(&self.conn, id)?),
            None if accounts::is_public(&cmd) || first_run => None,
            None => return Err(Error::Unauthorized("请先选择在岗员工并登录（如已登录，可能是程序重启过，请重新选择）。".into())),
        };
        if let Some(who) = &actor {
            if !accounts::allowed(who.role, &cmd) {
                return Err(Error::Forbidden(format!("{}（{}）没有权限进行这项操作，请院长或相应岗位的同事处理。", who.name, who.role_label)));
            }
        }
        let by = actor.as_ref().map(|a| a.id);
        let target = args.get("id").or_else(|| args.get("customer_id")).map(|v| v.to_string());
        let before = match (cmd.as_str(), &target) {
            ("customers.update", Some(_)) => self.dispatch("customers.get", by.map(|s| s.0), args.clone()).ok(),
            _ => None,
        };
        let detail = accounts::audited(&cmd).map(|_| {
            let mut shown = args.clone();
            if let Some(map) = shown.as_object_mut() {
                map.remove("content_base64");
                map.remove("pin");
            }
            shown.to_string().chars().take(500).collect::<String>()
        });
        let mut answer = self.dispatch(&cmd, by.map(|s| s.0), args)?;
        if let Some(action) = accounts::audited(&cmd) {
            let after = before.as_ref().map(|_| &answer);
            accounts::log(&self.conn, &clock, by, action, target.as_deref(), detail.as_deref(), before.as_ref(), after)?;
        }
        if actor.as_ref().is_some_and(|a| accounts::masks_phones(a.role, &cmd)) {
            accounts::mask_phones(&mut answer);
        }
        Ok(answer)
    }

    fn sign_in(&mut self, clock: &Clock, args: Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct SignIn {
            staff_id: i64,
            #[serde(default)]
            pin: Option<String>,
        }
        let a: SignIn = args_of(args)?;
        let who = accounts::sign_in(&self.conn, clock, StaffId(a.staff_id), a.pin.as_deref())?;
        let token = accounts::new_token();
        self.sessions.insert(token.clone(), who.id);
        accounts::log(&self.conn, clock, Some(who.id), "登录", None, None, None, None)?;
        Ok(json!({"token": token, "staff": who}))
    }

    fn info(&self, clock: &Clock) -> Result<Value> {
        Ok(json!({
            "app": "留客 Liuke",
            "clinic_name": crate::appointments::settings(&self.conn)?.clinic_name,
            "version": env!("CARGO_PKG_VERSION"),
            "db_path": self.db_path.display().to_string(),
            "schema_version": store::schema_version(),
            "today": clock.today().to_string(),
            "time_zone": clock.time_zone().name(),
            "customers": customers::count(&self.conn)?,
            "staff": staff::list(&self.conn)?.len(),
            "integrity_alert": self.conn.query_row("SELECT value FROM settings WHERE key = 'integrity_alert'", [], |r| r.get::<_, String>(0)).ok(),
        }))
    }

    fn customer_options(&self) -> Result<Value> {
        let distinct = |sql: &str| -> Result<Vec<String>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        };
        Ok(json!({
            "channels": distinct("SELECT channel FROM customers WHERE channel IS NOT NULL GROUP BY channel ORDER BY count(*) DESC LIMIT 30")?,
            "tags": distinct("SELECT tag FROM customer_tags GROUP BY tag ORDER BY count(*) DESC LIMIT 50")?,
            "consultants": distinct("SELECT name FROM staff WHERE active = 1 AND role IN ('consultant', 'doctor', 'owner') ORDER BY name")?,
        }))
    }

    /// The acting staff member; writes without one are refused.
    fn actor(&self, actor: Option<i64>) -> Result<StaffId> {
        let id = actor.ok_or_else(|| Error::Conflict("请先选择当前在岗的员工，再进行操作。".into()))?;
        Ok(staff::acting(&self.conn, StaffId(id))?.id)
    }

    /// On first run there is nobody yet to act: the first account is entered by the system.
    fn actor_or_first_run(&self, actor: Option<i64>) -> Result<StaffId> {
        if actor.is_none() && staff::list(&self.conn)?.is_empty() {
            return Ok(SYSTEM_STAFF);
        }
        self.actor(actor)
    }
}

fn to_json<T: Serialize>(value: T) -> Result<Value> {
    Ok(serde_json::to_value(value)?)
}

fn args_of<T: DeserializeOwned>(args: Value) -> Result<T> {
    let args = if args.is_null() { json!({}) } else { args };
    serde_json::from_value(args).map_err(|e| Error::invalid("args", format!("请求参数不正确：{e}")))
}

#[derive(Deserialize)]
pub(crate) struct IdArg {
    pub(crate) id: i64,
}

#[derive(Deserialize)]
struct WithId<T> {
    id: i64,
    #[serde(flatten)]
    fields: T,
}

#[derive(Deserialize)]
struct SearchArgs {
    #[serde(default)]
    q: String,
    limit: Option<usize>,
}

#[derive(Deserialize)]
struct MemoryArgs {
    customer_id: i64,
    text: String,
}

#[derive(Deserialize)]
struct PinArgs {
    #[serde(default)]
    id: Option<i64>,
    #[serde(default)]
    pin: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AuditArgs {
    target: Option<String>,
    limit: Option<usize>,
}

/// The bytes of an uploaded file.
fn uploaded(a: &ImportArgs) -> Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(a.content_base64.as_bytes())
        .map_err(|_| Error::invalid("file", "上传的文件内容无法读取，请重新选择文件"))
}

#[derive(Deserialize)]
struct ImportArgs {
    content_base64: String,
    #[serde(default)]
    dry_run: bool,
    /// For a workbook: the sheet to read (the first when absent).
    #[serde(default)]
    sheet: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(&dir.path().join("t.db"), NaiveDate::from_ymd_opt(2026, 11, 23)).unwrap();
        (dir, app)
    }

    #[test]
    fn the_segment_list_shows_the_same_points_as_the_full_row_set_whichever_the_sort() {
        let (_d, mut app) = app();
        let clock = app.clock().unwrap();
        crate::demo::seed(&mut app.conn, &clock, 120, 7).unwrap();
        let full: std::collections::HashMap<i64, i64> =
            crate::tiers::all_rows(&app.conn, clock.today()).unwrap().into_iter().map(|r| (r.id.0, r.points)).collect();
        assert!(full.values().any(|p| *p > 0), "the demo has points to compare");
        for sort in ["spend_365", "points", "phone"] {
            let page = app.dispatch("tiers.list", None, json!({"sort": sort, "limit": 1000})).unwrap();
            let rows = page["rows"].as_array().unwrap();
            assert_eq!(rows.len(), full.len());
            for r in rows {
                assert_eq!(r["points"].as_i64(), full.get(&r["id"].as_i64().unwrap()).copied(), "{sort}");
            }
        }
    }

    #[test]
    fn the_first_account_needs_no_actor_but_later_ones_do() {
        let (_d, mut app) = app();
        let owner = app.dispatch("staff.create", None, json!({"name": "院长", "role": "owner"})).unwrap();
        assert_eq!(owner["role_label"], "院长");
        let err = app.dispatch("staff.create", None, json!({"name": "小王", "role": "reception"})).unwrap_err();
        assert_eq!(err.code(), "conflict");
        let id = owner["id"].as_i64();
        app.dispatch("staff.create", id, json!({"name": "小王", "role": "reception"})).unwrap();
    }

    #[test]
    fn a_write_without_an_actor_changes_nothing() {
        let (_d, mut app) = app();
        let err = app.dispatch("customers.create", None, json!({"name": "张小美", "phone": "13812345678"})).unwrap_err();
        assert!(err.to_string().contains("在岗"));
        assert_eq!(app.dispatch("app.info", None, Value::Null).unwrap()["customers"], 0);
    }

    #[test]
    fn create_search_and_edit_go_through_the_dispatcher() {
        let (_d, mut app) = app();
        let owner = app.dispatch("staff.create", None, json!({"name": "院长", "role": "owner"})).unwrap()["id"].as_i64();
        let file = app.dispatch("customers.create", owner, json!({"name": "张小美", "phone": "138 1234 5678", "tags": ["怕疼"]})).unwrap();
        let id = file["customer"]["id"].as_i64().unwrap();
        let hits = app.dispatch("customers.search", None, json!({"q": "zxm"})).unwrap();
        assert_eq!(hits[0]["phone"], "13812345678");
        let edited = app.dispatch("customers.update", owner, json!({"id": id, "name": "张小美", "phone": "13812345678", "notes": "周末来"})).unwrap();
        assert_eq!(edited["customer"]["notes"], "周末来");
        assert_eq!(edited["customer"]["updated_by"], "院长");
    }

    #[test]
    fn an_unknown_command_is_named() {
        let (_d, mut app) = app();
        let err = app.dispatch("customers.delete_all", None, Value::Null).unwrap_err();
        assert!(err.to_string().contains("customers.delete_all"));
    }

    #[test]
    fn malformed_arguments_are_a_clear_error() {
        let (_d, mut app) = app();
        let err = app.dispatch("customers.get", None, json!({"id": "abc"})).unwrap_err();
        assert!(err.to_string().contains("请求参数不正确"));
    }
}
