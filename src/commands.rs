//! The one command surface. Every action the UI can take is a named command
//! with a JSON request and a JSON response, declared once in the command
//! table ([`table`]) and run here; the Tauri shell and `liuke serve` both
//! forward to [`App::handle`], the CLI to [`App::run_as_system`], so the
//! desktop window, a browser and the command line run the identical code
//! path. Handlers are a few lines that call the core.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine;
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::clock::Clock;
use crate::customers::{self, CustomerDraft, CustomerId};
use crate::error::{Error, Result};
use crate::phone::PhoneView;
use crate::staff::{self, Staff, StaffDraft, StaffId, SYSTEM_STAFF};
use crate::store::{self, settings};
use crate::{accounts, import, lan, search};

pub mod table;
mod sessions;
mod backups;
mod consumption;
mod appointments;
mod followups;
mod report;
mod analysis;
mod tiers;
mod network;
mod benefits;
mod vouchers;

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
    /// Which window sent it (random, per page): its own change notices are
    /// not news to it.
    #[serde(default)]
    pub window: Option<String>,
    /// Chosen by the page for each request: a write retried after a lost
    /// answer (the network dropped) is answered again, not done twice.
    #[serde(default)]
    pub id: Option<String>,
    /// Where it came from: set by the server, never by the request.
    #[serde(skip)]
    pub via: Via,
}

/// Where a request came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Via {
    /// The host PC itself (its window, loopback, the command line).
    #[default]
    Local,
    /// Another PC on the clinic's network, naming its desk by key.
    Network { address: String, desk_key: Option<String> },
}

/// An open database and the pinned date, if any: what every command needs.
/// The one that writes is opened with [`App::open`]; [`App::reader`] opens
/// more on the same file for reads, sharing its sessions.
pub struct App {
    conn: Connection,
    db_path: PathBuf,
    pinned_today: Option<NaiveDate>,
    /// The day the time-based follow-ups were last brought up to (shared
    /// with the readers, which never run the day's pass themselves).
    followups_on: Arc<Mutex<Option<NaiveDate>>>,
    /// Signed-in sessions, shared with the readers.
    sessions: Arc<Mutex<sessions::Sessions>>,
    /// Where imports report how far they have got.
    watch: import::progress::Watch,
    /// A reader runs no command that writes, and its connection is SQLite
    /// `query_only` (but for audit lines), so a read that tried to write fails loudly.
    reader: bool,
}

/// Opens readers sharing one writing app's sessions (see [`App::readers`]).
pub struct Readers {
    db_path: PathBuf,
    pinned_today: Option<NaiveDate>,
    followups_on: Arc<Mutex<Option<NaiveDate>>>,
    sessions: Arc<Mutex<sessions::Sessions>>,
    watch: import::progress::Watch,
}

impl Readers {
    pub fn open(&self) -> Result<App> {
        Ok(App {
            conn: store::open_reader(&self.db_path)?,
            db_path: self.db_path.clone(),
            pinned_today: self.pinned_today,
            followups_on: self.followups_on.clone(),
            sessions: self.sessions.clone(),
            watch: self.watch.clone(),
            reader: true,
        })
    }
}

pub(crate) fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere poisoned the lock; the table itself is still sound.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl App {
    /// Opens the database (creating and migrating it if needed).
    pub fn open(db_path: &Path, pinned_today: Option<NaiveDate>) -> Result<App> {
        crate::backup::check_before_open(db_path)?;
        let conn = store::open(db_path)?;
        Ok(App {
            conn,
            db_path: db_path.to_path_buf(),
            pinned_today,
            followups_on: Default::default(),
            sessions: Default::default(),
            watch: Default::default(),
            reader: false,
        })
    }

    /// Another connection on the same file, for reads: it shares this app's
    /// sessions and the day its calls were brought up to.
    pub fn reader(&self) -> Result<App> {
        self.readers().open()
    }

    /// What opens readers of this app, without holding it.
    pub fn readers(&self) -> Readers {
        Readers {
            db_path: self.db_path.clone(),
            pinned_today: self.pinned_today,
            followups_on: self.followups_on.clone(),
            sessions: self.sessions.clone(),
            watch: self.watch.clone(),
        }
    }

    /// Whether today's pass of calls is still to be run (by the writer).
    pub fn day_pass_due(&self) -> Result<bool> {
        Ok(*locked(&self.followups_on) != Some(self.clock()?.today()))
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, sessions::Sessions> {
        locked(&self.sessions)
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
        // A reader leaves the pass to the writer, which the host asks first.
        if self.reader {
            return Ok(());
        }
        let mut on = locked(&self.followups_on);
        if *on != Some(clock.today()) {
            crate::catch_up::day_pass(&mut self.conn, &clock, clock.today())?;
            *on = Some(clock.today());
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
    pub fn restore_from(&mut self, from: &Path, passphrase: Option<&str>) -> Result<crate::backup::Backup> {
        let clock = self.clock()?;
        if crate::backup::sealed::is_sealed(from) {
            if passphrase.is_none_or(str::is_empty) {
                return Err(Error::invalid("passphrase", "这是加密的备份，请输入备份口令"));
            }
        } else {
            crate::backup::verify(from)?;
        }
        // Let go of the file before it is replaced.
        self.conn = Connection::open_in_memory()?;
        let restored = crate::backup::restore_with(&self.db_path, from, passphrase, &clock);
        self.conn = store::open(&self.db_path)?;
        *locked(&self.followups_on) = None;
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

    /// Whether `token` belongs to a live session (for `liuke serve`'s change
    /// notices, which carry no records but still only go to signed-in desks).
    pub fn signed_in(&mut self, token: &str, via: &Via) -> Result<bool> {
        let desk = match self.desk_of(via, false) {
            Ok(d) => d.map(|d| d.id),
            Err(_) => return Ok(false),
        };
        let idle = sessions::idle_limit(&self.conn)?;
        Ok(self.sessions().is_live(token, idle, desk))
    }

    /// The desk a request from the network comes from, if it may come in at
    /// all (`asking`: a command a desk may send before it is approved).
    fn desk_of(&self, via: &Via, asking: bool) -> Result<Option<lan::desks::Desk>> {
        match via {
            Via::Local => Ok(None),
            Via::Network { desk_key, .. } => lan::desks::admit(&self.conn, desk_key.as_deref(), asking),
        }
    }

    /// Moves the sessions' clock on (tests of the idle limit).
    #[cfg(test)]
    pub fn age_sessions(&mut self, by: std::time::Duration) {
        self.sessions().age(by);
    }

    /// The database file this app works on.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    pub fn conn_ref(&self) -> &Connection {
        &self.conn
    }

    /// The connection, for the CLI's direct calls.
    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Runs one command as `actor` (a staff id; `None` only for what needs
    /// nobody). The role behind the actor must be one the table admits. For
    /// the core's own tests and the window's first screen; requests from the
    /// UI come through [`App::handle`], the command line through [`App::run_as_system`].
    pub fn dispatch(&mut self, cmd: &str, actor: Option<i64>, args: Value) -> Result<Value> {
        let command = table::find(cmd)?;
        let actor = actor.map(|id| staff::acting(&self.conn, StaffId(id))).transpose()?;
        self.run(command, actor.as_ref(), table::From::default(), args)
    }

    /// Runs a command for the command line, as the built-in 系统 account:
    /// permitted and audited as any other staff member's command.
    pub fn run_as_system(&mut self, cmd: &str, args: Value) -> Result<Value> {
        let command = table::find(cmd)?;
        let system = staff::get(&self.conn, SYSTEM_STAFF)?;
        self.run_audited(command, Some(&system), table::From::default(), args)
    }

    /// Runs a request from the UI: the session token says who is acting, the
    /// table decides whether the command may run, what the audit log records
    /// and how phones are shown.
    pub fn handle(&mut self, request: Request) -> std::result::Result<Value, crate::ApiError> {
        self.handle_checked(request).map_err(Into::into)
    }

    fn handle_checked(&mut self, request: Request) -> Result<Value> {
        let Request { cmd, args, token, via, .. } = request;
        let command = table::find(&cmd)?;
        let clock = self.clock()?;
        let desk = self.desk_of(&via, command.before_approval)?;
        if via != Via::Local && command.host_only {
            return Err(Error::Forbidden("这项操作只能在主机（放着数据库的那台电脑）上进行。".into()));
        }
        if cmd == "session.sign_in" {
            return self.sign_in(&clock, args, &via, desk.as_ref());
        }
        let idle = sessions::idle_limit(&self.conn)?;
        let session = token.as_deref().and_then(|t| self.sessions().touch(t, idle, desk.as_ref().map(|d| d.id)));
        // The first owner is made at the host, never over the network.
        let first_run = command.who.on_first_run() && via == Via::Local && staff::list(&self.conn)?.is_empty();
        let actor = match session {
            Some(id) => Some(staff::acting(&self.conn, id)?),
            None if command.who.is_public() || first_run => None,
            None if token.is_some() => return Err(Error::Unauthorized("登录已过期（长时间未操作或账号有变动），请重新选择在岗员工并登录。".into())),
            None => return Err(Error::Unauthorized("请先选择在岗员工并登录（如已登录，可能是程序重启过，请重新选择）。".into())),
        };
        self.run_audited(command, actor.as_ref(), table::From { token, via, desk }, args)
    }

    /// Permission, then the command, then its audit line and masking.
    fn run_audited(&mut self, command: &'static table::Command, actor: Option<&Staff>, from: table::From, args: Value) -> Result<Value> {
        let clock = self.clock()?;
        let by = actor.map(|a| a.id);
        let target = args.get("id").or_else(|| args.get("customer_id")).map(|v| v.to_string());
        let before = match (command.audit, &target) {
            (table::Audit::Change(_, reader), Some(_)) => self.dispatch(reader, by.map(|s| s.0), args.clone()).ok(),
            _ => None,
        };
        let detail = command.audit_action().map(|_| {
            let mut shown = args.clone();
            if let Some(map) = shown.as_object_mut() {
                map.remove("content_base64");
                map.remove("pin");
                map.remove("passphrase");
                map.remove("old_passphrase");
            }
            shown.to_string().chars().take(500).collect::<String>()
        });
        let mut answer = self.run(command, actor, from, args)?;
        if let Some(action) = command.audit_action() {
            let after = before.as_ref().map(|_| &answer);
            self.writable(|conn| accounts::log(conn, &clock, by, action, target.as_deref(), detail.as_deref(), before.as_ref(), after))?;
        }
        if command.phone_view(actor.map(|a| a.role)) == PhoneView::Masked {
            accounts::mask_phones(&mut answer);
        }
        Ok(answer)
    }

    /// The command itself, if the actor's role may run it.
    fn run(&mut self, command: &'static table::Command, actor: Option<&Staff>, from: table::From, args: Value) -> Result<Value> {
        if let Some(who) = actor {
            if !command.who.admits(who.role) {
                return Err(Error::Forbidden(format!("{}（{}）没有权限进行这项操作，请院长或相应岗位的同事处理。", who.name, who.role_label)));
            }
        }
        let first_run = command.who.on_first_run() && from.via == Via::Local && staff::list(&self.conn)?.is_empty();
        if command.writes && actor.is_none() && !command.who.is_public() && !first_run {
            return Err(Error::Conflict("请先选择当前在岗的员工，再进行操作。".into()));
        }
        // What the opening window asks for first must not wait for the
        // day's follow-up pass (half a second on a large clinic).
        if !command.early {
            self.bring_followups_up_to_today()?;
        }
        let cx = table::Cx { clock: self.clock()?, actor: actor.map(|a| a.id), phones: command.phone_view(actor.map(|a| a.role)), token: from.token, via: from.via, desk: from.desk };
        if self.reader && command.on_writer() {
            return Err(Error::Config(format!("「{}」只能在写入连接上运行。", command.name)));
        }
        (command.run)(self, &cx, args)
    }

    /// Runs `f` with writes allowed. A reader's connection is query-only
    /// but for the audit lines of what was read on it.
    fn writable<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if !self.reader {
            return f(&self.conn);
        }
        self.conn.execute_batch("PRAGMA query_only = OFF")?;
        let done = f(&self.conn);
        self.conn.execute_batch("PRAGMA query_only = ON")?;
        done
    }

    fn sign_in(&mut self, clock: &Clock, args: Value, via: &Via, desk: Option<&lan::desks::Desk>) -> Result<Value> {
        #[derive(Deserialize)]
        struct SignIn {
            staff_id: i64,
            #[serde(default)]
            pin: Option<String>,
        }
        let a: SignIn = args_of(args)?;
        let id = StaffId(a.staff_id);
        if let (Some(_), Ok(who)) = (desk, staff::get(&self.conn, id)) {
            if !accounts::has_pin(&self.conn, id)? {
                return Err(Error::Forbidden(format!("{}没有设置 PIN，不能从其他电脑登录。请在主机上登录后，在 设置 → 员工 中设置 PIN，再回到这台电脑登录。", who.name)));
            }
        }
        match accounts::sign_in(&self.conn, clock, id, a.pin.as_deref()) {
            Ok(who) => {
                let token = self.sessions().open(who.id, desk.map(|d| d.id));
                if let (Some(d), Via::Network { address, .. }) = (desk, via) {
                    lan::desks::seen(&self.conn, clock, d.id, address)?;
                }
                accounts::log(&self.conn, clock, Some(who.id), "登录", None, None, None, None)?;
                Ok(json!({"token": token, "staff": who, "may": table::admitted(who.role)}))
            }
            Err(e) => {
                let asked_for_pin = matches!(&e, Error::Invalid(p) if p.iter().any(|p| p.reason == "请输入 PIN"));
                if !asked_for_pin && !matches!(e, Error::NotFound(_)) {
                    accounts::log_failed_sign_in(&self.conn, clock, id, &e.to_string())?;
                }
                Err(e)
            }
        }
    }

    /// What the window shows before anyone signs in (its title, the date);
    /// the file's path and counts only to a signed-in staff member.
    fn info(&self, clock: &Clock, signed_in: bool) -> Result<Value> {
        let mut v = json!({
            "app": "留客 Liuke",
            "clinic_name": crate::appointments::settings(&self.conn)?.clinic_name,
            "version": env!("CARGO_PKG_VERSION"),
            "today": clock.today().to_string(),
            "time_zone": clock.time_zone().name(),
            "first_run": staff::list(&self.conn)?.is_empty(),
        });
        if signed_in {
            v["db_path"] = json!(self.db_path.display().to_string());
            v["schema_version"] = json!(store::schema_version());
            v["customers"] = json!(customers::count(&self.conn)?);
            v["staff"] = json!(staff::list(&self.conn)?.len());
            v["integrity_alert"] = json!(self.conn.query_row("SELECT value FROM settings WHERE key = 'integrity_alert'", [], |r| r.get::<_, String>(0)).ok());
        }
        Ok(v)
    }

    fn customer_options(&self) -> Result<Value> {
        let distinct = |sql: &str| -> Result<Vec<String>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        };
        Ok(json!({
            // One list of channels: the owner's, or those in use (src/channels.rs).
            "channels": crate::channels::list(&self.conn)?.channels.into_iter().map(|c| c.name).collect::<Vec<_>>(),
            "tags": distinct("SELECT tag FROM customer_tags GROUP BY tag ORDER BY count(*) DESC LIMIT 50")?,
            "consultants": distinct("SELECT name FROM staff WHERE active = 1 AND role IN ('consultant', 'doctor', 'owner') ORDER BY name")?,
        }))
    }
}

use table::{Command, Who};

#[derive(serde::Deserialize)]
struct ChannelNames {
    channels: Vec<String>,
}

/// The commands of the window's first screen, staff and sessions, the
/// customer archive and imports.
const COMMANDS: &[Command] = &[
    Command::read("app.info", Who::PUBLIC, |app, cx, _| app.info(&cx.clock, cx.actor.is_some())).early(),
    // Counters of the import under way, never a record; `liuke serve` and the
    // window answer it before the app's lock, while the import holds it.
    Command::read("import.progress", Who::PUBLIC, |app, _, _| to_json(app.watch.current())).early(),
    // The desktop window answers it itself, and only when the database cannot
    // be opened (then there is no app to run it); declared here so its name has one home.
    Command::write("recovery.restore_newest", Who::PUBLIC, |_, _, _| Err(Error::Conflict("数据库文件正常，不需要从备份恢复。".into()))).early(),
    Command::read("staff.list", Who::PUBLIC, |app, _, _| to_json(staff::list(&app.conn)?)).early(),
    // Answered by `handle` itself: a sign-in has no session yet.
    Command::write("session.sign_in", Who::PUBLIC, |_, _, _| Err(Error::Config("登录请从员工选择界面进行。".into()))).early(),
    Command::write("session.sign_out", Who::EVERYONE, |app, cx, _| {
        if let Some(t) = &cx.token {
            app.sessions().end(t);
        }
        Ok(json!({"signed_out": true}))
    })
    .audited("退出登录")
    .early(),
    Command::write("staff.create", Who::OWNER_OR_FIRST_RUN, |app, cx, args| {
        let by = cx.actor.unwrap_or(SYSTEM_STAFF);
        let draft: StaffDraft = args_of(args)?;
        to_json(staff::create(&app.conn, &cx.clock, by, &draft)?)
    })
    .audited("新增员工"),
    Command::write("staff.update", Who::OWNER, |app, cx, args| {
        let a: WithId<StaffDraft> = args_of(args)?;
        let updated = staff::update(&app.conn, StaffId(a.id), &a.fields)?;
        // A changed role or status ends the sessions opened under the old one.
        app.sessions().end_all_of(StaffId(a.id), cx.token.as_deref());
        to_json(updated)
    })
    .audited("修改员工"),
    Command::write("staff.set_pin", Who::OWNER, |app, cx, args| {
        let a: PinArgs = args_of(args)?;
        let id = StaffId(a.id.unwrap_or(0));
        accounts::set_pin(&app.conn, id, &a.pin)?;
        app.sessions().end_all_of(id, cx.token.as_deref());
        Ok(json!({"has_pin": !a.pin.is_empty()}))
    })
    .audited("重设员工 PIN"),
    Command::write("staff.set_own_pin", Who::EVERYONE, |app, cx, args| {
        let by = cx.by()?;
        let a: PinArgs = args_of(args)?;
        accounts::set_pin(&app.conn, by, &a.pin)?;
        app.sessions().end_all_of(by, cx.token.as_deref());
        Ok(json!({"has_pin": !a.pin.is_empty()}))
    })
    .audited("修改自己的 PIN"),
    Command::read("audit.list", Who::OWNER, |app, _, args| {
        let a: AuditArgs = args_of(args)?;
        to_json(accounts::audit_list(&app.conn, a.target.as_deref(), a.action.as_deref(), a.limit.unwrap_or(200).min(2000))?)
    }),
    Command::read("sessions.settings", Who::OWNER, |app, _, _| {
        Ok(json!({"idle_hours": sessions::idle_limit(&app.conn)?.as_secs() / 3600}))
    }),
    Command::write("sessions.save_settings", Who::OWNER, |app, _, args| {
        #[derive(Deserialize)]
        struct Idle {
            idle_hours: u64,
        }
        let a: Idle = args_of(args)?;
        if !(1..=24 * 30).contains(&a.idle_hours) {
            return Err(Error::invalid("idle_hours", "自动退出登录的时间应在 1 到 720 小时之间"));
        }
        settings::set(&app.conn, sessions::IDLE_HOURS_KEY, &a.idle_hours.to_string())?;
        Ok(json!({"idle_hours": a.idle_hours}))
    })
    .audited_change("修改登录设置", "sessions.settings"),
    Command::read("customers.search", Who::EVERYONE, |app, cx, args| {
        let a: SearchArgs = args_of(args)?;
        to_json(search::search(&app.conn, &a.q, a.limit.unwrap_or(20), cx.phones)?)
    }),
    Command::read("customers.get", Who::EVERYONE, |app, _, args| {
        let a: IdArg = args_of(args)?;
        to_json(customers::file(&app.conn, CustomerId(a.id))?)
    })
    .audited("查看客户档案"),
    Command::write("customers.create", Who::DESK, |app, cx, args| {
        let draft: CustomerDraft = args_of(args)?;
        let id = customers::create(&mut app.conn, &cx.clock, cx.by()?, &draft)?;
        to_json(customers::file(&app.conn, id)?)
    })
    .audited("新建客户档案"),
    Command::write("customers.update", Who::DESK, |app, cx, args| {
        let a: WithId<CustomerDraft> = args_of(args)?;
        crate::desk::update_customer(&mut app.conn, &cx.clock, cx.by()?, CustomerId(a.id), &a.fields)?;
        to_json(customers::file(&app.conn, CustomerId(a.id))?)
    })
    .audited_change("修改客户档案", "customers.get"),
    Command::read("customers.export", Who::OWNER, |app, cx, args| {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct ExportArgs {
            search: Option<String>,
            format: Format,
        }
        let a: ExportArgs = args_of(args)?;
        let mut list = match a.search.as_deref() {
            None => customers::list_all(&app.conn)?,
            Some(q) => search::search(&app.conn, q, search::MAX_RESULTS, cx.phones)?.into_iter().map(|h| h.customer).collect(),
        };
        list.sort_by(|a, b| a.phone.cmp(&b.phone));
        as_text(a.format, &list, |l| customers::export_csv(l))
    })
    .heavy()
    .audited("导出客户名单"),
    Command::write("demo.seed", Who::SYSTEM, |app, cx, args| {
        #[derive(Deserialize)]
        struct DemoArgs {
            customers: usize,
            seed: u64,
            #[serde(default)]
            if_empty: bool,
        }
        let a: DemoArgs = args_of(args)?;
        if a.if_empty && customers::count(&app.conn)? > 0 {
            return Ok(json!({"written": false}));
        }
        let r = crate::demo::seed(&mut app.conn, &cx.clock, a.customers, a.seed)?;
        Ok(json!({"written": true, "staff": r.staff, "customers": r.customers, "orders": r.orders, "seed": r.seed}))
    })
    .audited("写入演示数据"),
    Command::read("customers.options", Who::EVERYONE, |app, _, _| app.customer_options()),
    // The pick list of 来源渠道: reception picks, the owner keeps the list.
    Command::read("channels.list", Who::EVERYONE, |app, _, _| to_json(crate::channels::list(&app.conn)?)),
    Command::write("channels.save", Who::OWNER, |app, _, args| {
        let a: ChannelNames = args_of(args)?;
        to_json(crate::channels::save(&app.conn, &a.channels)?)
    })
    .audited("设置来源渠道"),
    Command::write("memory.add", Who::EVERYONE, |app, cx, args| {
        let a: MemoryArgs = args_of(args)?;
        to_json(customers::add_memory_point(&app.conn, &cx.clock, cx.by()?, CustomerId(a.customer_id), &a.text)?)
    }),
    Command::write("memory.remove", Who::EVERYONE, |app, cx, args| {
        let a: IdArg = args_of(args)?;
        customers::remove_memory_point(&app.conn, &cx.clock, cx.by()?, a.id)?;
        Ok(json!({"removed": a.id}))
    }),
    Command::read("import.sheets", Who::OWNER, |_, _, args| {
        let a: ImportArgs = args_of(args)?;
        Ok(json!({"sheets": import::workbook::sheet_names(&uploaded(&a)?)}))
    }),
    Command::write("import.customers", Who::OWNER, |app, cx, args| app.import(cx, import::Kind::Customers, args)).audited("导入数据"),
    Command::write("import.consumption", Who::OWNER, |app, cx, args| app.import(cx, import::Kind::Consumption, args)).audited("导入数据"),
    Command::write("import.executions", Who::OWNER, |app, cx, args| app.import(cx, import::Kind::Executions, args)).audited("导入数据"),
    Command::write("import.arrivals", Who::OWNER, |app, cx, args| app.import(cx, import::Kind::Arrivals, args)).audited("导入数据"),
];

impl App {
    fn import(&mut self, cx: &table::Cx, kind: import::Kind, args: Value) -> Result<Value> {
        let a: ImportArgs = args_of(args)?;
        let bytes = uploaded(&a)?;
        let file = import::File { bytes: &bytes, sheet: a.sheet.as_deref().filter(|s| !s.trim().is_empty()), watch: Some(&self.watch) };
        let report = import::run(kind, &mut self.conn, &cx.clock, cx.by()?, file, a.dry_run)?;
        Ok(json!({"report": report, "summary": report.summary()}))
    }
}

/// How a list leaves for the command line or Excel.
#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Format {
    #[default]
    Json,
    Csv,
}

/// The arguments of a command-line list "as of a date" (`liuke tiers`,
/// `liuke vouchers`): the date (today when absent) and the format.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AsOfArgs {
    as_of: Option<String>,
    format: Format,
}

impl AsOfArgs {
    fn day(&self, clock: &Clock) -> Result<NaiveDate> {
        match self.as_of.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => crate::parse::date(t).map_err(|reason| Error::invalid("as_of", reason)),
            None => Ok(clock.today()),
        }
    }
}

/// A list as text: pretty JSON, or CSV for Excel.
fn as_text<T: Serialize>(format: Format, rows: &T, csv: impl FnOnce(&T) -> Result<String>) -> Result<Value> {
    let text = match format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(rows)?),
        Format::Csv => csv(rows)?,
    };
    Ok(json!({"text": text}))
}

fn to_json<T: Serialize>(value: T) -> Result<Value> {
    Ok(serde_json::to_value(value)?)
}

fn args_of<T: DeserializeOwned>(args: Value) -> Result<T> {
    let args = if args.is_null() { json!({}) } else { args };
    serde_json::from_value(args).map_err(|e| Error::invalid("args", format!("请求参数不正确：{}", in_chinese(&e.to_string()))))
}

/// serde's account of a bad argument, in the words staff read.
fn in_chinese(serde_says: &str) -> String {
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_string);
    if serde_says.starts_with("missing field") {
        return format!("缺少「{}」", quoted(serde_says).unwrap_or_default());
    }
    if serde_says.starts_with("unknown variant") {
        return format!("「{}」不是可选的值", quoted(serde_says).unwrap_or_default());
    }
    if serde_says.starts_with("unknown field") {
        return format!("不认识的字段「{}」", quoted(serde_says).unwrap_or_default());
    }
    if serde_says.starts_with("invalid type") || serde_says.starts_with("invalid value") || serde_says.starts_with("invalid length") {
        return "有一项的值类型不对（例如应为数字却是文字）".into();
    }
    // Our own parsers' reasons (money, dates) are Chinese already.
    if serde_says.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return serde_says.split(" at line ").next().unwrap_or(serde_says).to_string();
    }
    "内容无法识别".into()
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
    action: Option<String>,
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
        assert_eq!(customers::count(&app.conn).unwrap(), 0);
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
