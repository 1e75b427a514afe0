//! Backups and recovery. A backup is written with SQLite's online backup API
//! (never a file copy of a live database) to a temporary name, checked with
//! `integrity_check`, and only then given its final name. The app writes one
//! a day, keeps 7 daily, 4 weekly and 12 monthly ones, and can mirror them
//! to a second folder (a USB drive). A damaged database is never replaced by
//! a silent new empty one: opening it fails with a Chinese message naming the
//! newest good backup, and `restore` brings that back after saving what was
//! there.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OpenFlags, OptionalExtension, MAIN_DB};
use serde::Serialize;

use crate::clock::Clock;
use crate::error::{Error, Result};

/// A backup file that has been checked.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    pub date: Option<NaiveDate>,
    pub bytes: u64,
    pub customers: i64,
    pub schema_version: i64,
}

/// Where a database's automatic backups live: `backups/` beside it.
pub fn dir_of(db_path: &Path) -> PathBuf {
    db_path.parent().map_or_else(|| PathBuf::from("backups"), |d| d.join("backups"))
}

/// What a database's backups are named after: its file name without `.db`
/// (`liuke` for the app's own file), so two databases in one folder keep
/// their backups apart.
pub fn stem_of(db_path: &Path) -> String {
    db_path.file_stem().and_then(|s| s.to_str()).filter(|s| !s.is_empty()).unwrap_or("liuke").to_string()
}

/// The daily backup's file name: `liuke-2026-11-23.db` for `liuke.db`.
pub fn daily_name(db_path: &Path, date: NaiveDate) -> String {
    format!("{}-{date}.db", stem_of(db_path))
}

/// A backup made by hand: the database's name, the date and the time.
pub fn manual_name(db_path: &Path, clock: &Clock) -> String {
    format!("{}-{}-{}.db", stem_of(db_path), clock.today(), clock.now_utc().replace([':', '-'], ""))
}

/// Where a backup made by hand goes: beside the database's others, under a
/// name no backup has yet (two in the same second get `-2`).
pub fn manual_path(db_path: &Path, clock: &Clock) -> PathBuf {
    unused(&dir_of(db_path).join(manual_name(db_path, clock)))
}

/// `path`, or `name-2.db`, `name-3.db`… when a file (or its sealed copy) has that name.
fn unused(path: &Path) -> PathBuf {
    let taken = |p: &Path| p.exists() || sealed_name(p).exists();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut candidate = path.to_path_buf();
    let mut n = 2;
    while taken(&candidate) {
        candidate = path.with_file_name(format!("{stem}-{n}.db"));
        n += 1;
    }
    candidate
}

/// The date of a daily backup, from its name.
fn date_in_name(path: &Path) -> Option<NaiveDate> {
    let name = path.file_name()?.to_str()?;
    let name = name.strip_suffix(sealed::EXTENSION).or_else(|| name.strip_suffix(".db"))?;
    let date = name.get(name.len().checked_sub(10)?..)?;
    name[..name.len() - 10].ends_with('-').then_some(())?;
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// Whether a backup file is one of `stem`'s.
fn is_backup_of(path: &Path, stem: &str) -> bool {
    let Some(rest) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_prefix(stem)).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    // The rest is a date, or a date and a time: never another database's name.
    rest.len() >= 13 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) && rest.as_bytes()[4] == b'-'
}

/// Checks a database file: it opens, passes `integrity_check` and was written
/// by this or an older version of Liuke.
pub fn verify(path: &Path) -> Result<Backup> {
    let bad = |why: String| Error::Config(format!("备份文件 {} 不可用：{why}", path.display()));
    if sealed::is_sealed(path) {
        return Err(Error::invalid("passphrase", format!("备份 {} 是加密的，恢复时需要输入备份口令", path.display())));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| bad(format!("无法打开（{e}）")))?;
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| bad(format!("不是留客的数据文件（{e}）")))?;
    if check != "ok" {
        return Err(bad(format!("完整性检查未通过（{check}）")));
    }
    let schema_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if schema_version > crate::store::schema_version() {
        return Err(bad(format!("来自更新版本的留客（结构版本 {schema_version}），请先升级本程序")));
    }
    let customers: i64 = conn
        .query_row("SELECT count(*) FROM customers", [], |r| r.get(0))
        .map_err(|_| bad("里面没有客户档案表，不是留客的数据文件".into()))?;
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(Backup { path: path.to_path_buf(), date: date_in_name(path), bytes, customers, schema_version })
}

/// Writes a verified backup of `conn` to `dest` (replacing an older file of
/// that name only once the new one has passed its check).
pub fn write(conn: &Connection, dest: &Path) -> Result<Backup> {
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            std::fs::create_dir_all(dir)?;
            crate::store::owner_only_dir(dir)?;
        }
    }
    let partial = dest.with_extension("partial");
    remove_with_sides(&partial);
    conn.backup(MAIN_DB, &partial, None::<fn(rusqlite::backup::Progress)>)?;
    crate::store::owner_only(&partial)?;
    // A copy of a WAL database is itself in WAL mode; as one plain file it
    // leaves no `-wal`/`-shm` beside it once checked.
    let outcome = Connection::open(&partial)
        .and_then(|c| c.pragma_update(None, "journal_mode", "DELETE"))
        .map_err(Error::from)
        .and_then(|_| verify(&partial));
    let checked = match outcome {
        Ok(b) => b,
        Err(e) => {
            remove_with_sides(&partial);
            return Err(e);
        }
    };
    // With the owner's passphrase set, only the sealed file is kept.
    if let Some(recipient) = sealed::recipient(conn)? {
        let final_path = sealed_name(dest);
        let sealing = final_path.with_extension("age-partial");
        let result = sealed::seal_file(&partial, &sealing, &recipient).and_then(|_| Ok(std::fs::rename(&sealing, &final_path)?));
        remove_with_sides(&partial);
        let _ = std::fs::remove_file(&sealing);
        result?;
        if let Some(dir) = final_path.parent() {
            sealed::write_key_file(conn, dir, &stem_of_backup(&final_path))?;
        }
        let bytes = std::fs::metadata(&final_path).map(|m| m.len()).unwrap_or(0);
        return Ok(Backup { path: final_path.clone(), date: date_in_name(&final_path), bytes, ..checked });
    }
    std::fs::rename(&partial, dest)?;
    remove_with_sides(&partial);
    verify(dest)
}

/// Sets the owner's backup passphrase (see [`sealed::set_passphrase`]) and
/// rewrites the sealed key beside the backups and in the mirror folder, so
/// the backups already there open with the new passphrase.
pub fn set_passphrase(conn: &Connection, db_path: &Path, old: Option<&str>, new: &str) -> Result<()> {
    sealed::set_passphrase(conn, old, new)?;
    let stem = stem_of(db_path);
    let dir = dir_of(db_path);
    std::fs::create_dir_all(&dir)?;
    sealed::write_key_file(conn, &dir, &stem)?;
    if let Some(mirror) = mirror_dir(conn)? {
        // An absent USB stick gets the new key with the next backup.
        let _ = sealed::write_key_file(conn, &mirror, &stem);
    }
    Ok(())
}

/// `x.db` → `x.db.age`.
fn sealed_name(dest: &Path) -> PathBuf {
    if sealed::is_sealed(dest) {
        return dest.to_path_buf();
    }
    let mut p = dest.as_os_str().to_owned();
    p.push(".age");
    PathBuf::from(p)
}

/// The database name a backup file is named after: what comes before its
/// date (`clinic` of `clinic-2026-11-23.db.age` and of a backup made by hand,
/// `clinic-2026-11-23-20261124T0330Z.db.age`), so one key file serves them all.
fn stem_of_backup(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("liuke");
    let bytes = name.as_bytes();
    let date_at = (1..bytes.len().saturating_sub(5)).find(|&i| {
        bytes[i - 1] == b'-' && bytes[i..i + 4].iter().all(u8::is_ascii_digit) && bytes[i + 4] == b'-'
    });
    match date_at {
        Some(i) if i > 1 => name[..i - 1].to_string(),
        _ => "liuke".to_string(),
    }
}

/// Removes a file and the `-wal`/`-shm`/`-journal` SQLite may have left beside it.
fn remove_with_sides(path: &Path) {
    let _ = std::fs::remove_file(path);
    for side in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(path, side));
    }
}

/// The backups in a folder, newest first (daily ones by their date, others by time).
pub fn list(dir: &Path) -> Result<Vec<Backup>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("db") && !sealed::is_sealed(&path) {
            continue;
        }
        let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
        out.push((entry.metadata().and_then(|m| m.modified()).ok(), Backup { date: date_in_name(&path), path, bytes, customers: -1, schema_version: -1 }));
    }
    out.sort_by(|a, b| b.1.date.cmp(&a.1.date).then(b.0.cmp(&a.0)));
    Ok(out.into_iter().map(|(_, b)| b).collect())
}

/// Which daily backups to keep: the 7 newest days, the newest of each of the
/// 4 newest ISO weeks, the newest of each of the 12 newest months.
pub fn keep(mut dates: Vec<NaiveDate>) -> Vec<NaiveDate> {
    dates.sort_unstable_by(|a, b| b.cmp(a));
    dates.dedup();
    let mut kept: Vec<NaiveDate> = dates.iter().take(7).copied().collect();
    let mut newest_per = |key: &dyn Fn(NaiveDate) -> (i32, u32), how_many: usize| {
        let mut seen: Vec<(i32, u32)> = Vec::new();
        for d in &dates {
            let k = key(*d);
            if !seen.contains(&k) {
                if seen.len() == how_many {
                    break;
                }
                seen.push(k);
                kept.push(*d);
            }
        }
    };
    newest_per(&|d| (d.iso_week().year(), d.iso_week().week()), 4);
    newest_per(&|d| (d.year(), d.month()), 12);
    kept.sort_unstable_by(|a, b| b.cmp(a));
    kept.dedup();
    kept
}

/// Deletes the daily backups of `stem` that [`keep`] lets go. Other files,
/// another database's backups among them, are left alone.
pub fn rotate(dir: &Path, stem: &str) -> Result<usize> {
    let daily: Vec<Backup> = list(dir)?.into_iter().filter(|b| b.date.is_some() && is_backup_of(&b.path, stem)).collect();
    let kept = keep(daily.iter().filter_map(|b| b.date).collect());
    let mut removed = 0;
    for b in daily {
        if b.date.is_some_and(|d| !kept.contains(&d)) {
            std::fs::remove_file(&b.path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The second folder backups are copied to, if the owner set one.
pub fn mirror_dir(conn: &Connection) -> Result<Option<PathBuf>> {
    let v: Option<String> = conn.query_row("SELECT value FROM settings WHERE key = 'backup_mirror'", [], |r| r.get(0)).optional()?;
    Ok(v.filter(|p| !p.trim().is_empty()).map(PathBuf::from))
}

/// How many days back a second folder that was out of reach catches up.
const MIRROR_CATCH_UP_DAYS: i64 = 7;

/// What became of the copies in the second folder.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Mirror {
    pub path: PathBuf,
    /// Whether the folder could be reached (a USB stick may be out, a drive letter absent).
    pub reachable: bool,
    /// Backups copied this time: the ones the folder did not have yet.
    pub copied: usize,
    /// Why nothing could be copied, in words for the owner.
    pub problem: Option<String>,
    /// Still copying, beside the desks' work (see [`mirror_in_background`]).
    pub underway: bool,
}

/// Copies to the second folder every backup of this database from the last
/// week that it does not have yet (so a stick that was out yesterday catches
/// up today), then rotates there. None when no second folder is set. A folder
/// out of reach is an answer, not an error: the local backups stand.
pub fn mirror(conn: &Connection, db_path: &Path, clock: &Clock) -> Result<Option<Mirror>> {
    let Some(folder) = mirror_dir(conn)? else { return Ok(None) };
    let stem = stem_of(db_path);
    let since = clock.today() - chrono::Duration::days(MIRROR_CATCH_UP_DAYS);
    let wanted: Vec<Backup> = list(&dir_of(db_path))?
        .into_iter()
        .filter(|b| is_backup_of(&b.path, &stem) && day_of_backup(&b.path, &stem).is_some_and(|d| d >= since))
        .collect();
    let unreachable = |e: std::io::Error| Mirror {
        problem: Some(format!("第二备份文件夹 {} 现在用不了（U 盘没插好或盘符不存在？）：{e}。本机的备份照常保存。", folder.display())),
        path: folder.clone(),
        reachable: false,
        copied: 0,
        underway: false,
    };
    if let Err(e) = std::fs::create_dir_all(&folder) {
        return Ok(Some(unreachable(e)));
    }
    let mut copied = 0;
    for b in wanted {
        let Some(name) = b.path.file_name() else { continue };
        let copy = folder.join(name);
        if std::fs::metadata(&copy).is_ok_and(|m| m.len() == b.bytes) {
            continue;
        }
        if let Err(e) = copy_whole(&b.path, &copy) {
            return Ok(Some(Mirror { copied, ..unreachable(e) }));
        }
        copied += 1;
    }
    let _ = sealed::write_key_file(conn, &folder, &stem);
    let _ = rotate(&folder, &stem);
    Ok(Some(Mirror { path: folder, reachable: true, copied, problem: None, underway: false }))
}

/// [`mirror`] on a thread of its own with a connection of its own, for the
/// window: copying a week of backups to a slow USB stick must not hold up the
/// desks. Answers at once whether the folder can be reached; what the copying
/// comes to is logged, and 设置 shows the newest copy once it is there.
pub fn mirror_in_background(conn: &Connection, db_path: &Path, clock: &Clock) -> Result<Option<Mirror>> {
    let Some(folder) = mirror_dir(conn)? else { return Ok(None) };
    if std::fs::create_dir_all(&folder).is_err() {
        return mirror(conn, db_path, clock);
    }
    let (db, clock) = (db_path.to_path_buf(), clock.clone());
    std::thread::spawn(move || match crate::store::open_reader(&db).and_then(|c| mirror(&c, &db, &clock)) {
        Ok(Some(Mirror { problem: Some(problem), .. })) => eprintln!("{problem}"),
        Ok(_) => {}
        Err(e) => eprintln!("复制到第二备份文件夹没有完成：{e}"),
    });
    Ok(Some(Mirror { path: folder, reachable: true, copied: 0, problem: None, underway: true }))
}

/// Whether the second folder can be reached now, and its newest copy of this
/// database's backups (for 设置 → 数据与备份).
pub fn mirror_status(conn: &Connection, db_path: &Path) -> Result<Option<serde_json::Value>> {
    let Some(folder) = mirror_dir(conn)? else { return Ok(None) };
    let stem = stem_of(db_path);
    let reachable = folder.is_dir();
    let newest = if reachable { list(&folder)?.into_iter().find(|b| is_backup_of(&b.path, &stem)) } else { None };
    Ok(Some(serde_json::json!({
        "path": folder.display().to_string(),
        "reachable": reachable,
        "newest": newest.and_then(|b| b.path.file_name().map(|n| n.to_string_lossy().into_owned())),
    })))
}

/// Copies a file under a temporary name first, so a stick pulled out in the
/// middle never leaves a file that looks like a whole backup.
fn copy_whole(from: &Path, to: &Path) -> std::io::Result<()> {
    let part = to.with_extension("copying");
    let result = std::fs::copy(from, &part).and_then(|_| std::fs::rename(&part, to));
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    let _ = crate::store::owner_only(to);
    result
}

/// The day a backup of `stem` was made, daily or by hand, from its name.
fn day_of_backup(path: &Path, stem: &str) -> Option<NaiveDate> {
    let rest = path.file_name()?.to_str()?.strip_prefix(stem)?.strip_prefix('-')?;
    NaiveDate::parse_from_str(rest.get(..10)?, "%Y-%m-%d").ok()
}

/// Today's automatic backup, once a day: written, verified, mirrored, rotated.
/// Returns None when today's backup is already there.
pub fn daily(conn: &Connection, db_path: &Path, clock: &Clock) -> Result<Option<Backup>> {
    let dir = dir_of(db_path);
    let stem = stem_of(db_path);
    let dest = dir.join(daily_name(db_path, clock.today()));
    if dest.exists() || sealed_name(&dest).exists() {
        return Ok(None);
    }
    let b = write(conn, &dest)?;
    rotate(&dir, &stem)?;
    // A missing USB drive must not stop the clinic's day; the local backup stands.
    if let Some(m) = mirror(conn, db_path, clock)? {
        if let Some(problem) = m.problem {
            eprintln!("{problem}");
        }
    }
    Ok(Some(b))
}

/// Today's backup on a thread of its own, with its own connection, so the
/// window is usable at once even on a large database; the result is logged.
/// On a large database the full integrity check goes with it, once a day:
/// it reads every page, and run at every start it would slow the opening
/// window on a 2-core reception PC. Both wait until the window has had its
/// first seconds.
pub fn daily_in_background(db_path: &Path, clock: &Clock) -> std::thread::JoinHandle<()> {
    let (db, clock) = (db_path.to_path_buf(), clock.clone());
    std::thread::spawn(move || {
        let today = dir_of(&db).join(daily_name(&db, clock.today()));
        if today.exists() || sealed_name(&today).exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_secs(3));
        let outcome = crate::store::open(&db).and_then(|conn| {
            if std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) > FULL_CHECK_BYTES && !full_check(&conn)? {
                eprintln!("数据库完整性检查发现问题，已提示院长。");
            }
            daily(&conn, &db, &clock)
        });
        match outcome {
            Ok(Some(b)) => eprintln!("今天的自动备份已完成：{}", b.path.display()),
            Ok(None) => {}
            Err(e) => eprintln!("今天的自动备份没有完成：{e}"),
        }
    })
}

/// Databases up to this size get SQLite's full `quick_check` before use;
/// larger ones a cheap structural check, with the full check run in the
/// background (it reads every page: 45 s on a 1.4 GB clinic).
const FULL_CHECK_BYTES: u64 = 64 * 1024 * 1024;

/// Checks the database file before use. A file that exists but is damaged
/// or not a database is an error naming the newest good backup.
pub fn check_before_open(db_path: &Path) -> Result<()> {
    if !db_path.exists() {
        return Ok(());
    }
    let size = std::fs::metadata(db_path).map(|m| m.len()).unwrap_or(0);
    let probe = Connection::open_with_flags(db_path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX).and_then(|c| {
        if size <= FULL_CHECK_BYTES {
            c.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0))
        } else {
            // The schema and the root page of every table must read.
            let tables: Vec<String> = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for t in tables {
                c.query_row(&format!("SELECT count(*) FROM (SELECT 1 FROM \"{t}\" LIMIT 1)"), [], |r| r.get::<_, i64>(0))?;
            }
            Ok("ok".to_string())
        }
    });
    match probe {
        Ok(ok) if ok == "ok" => Ok(()),
        Ok(problem) => Err(damaged(db_path, &problem)),
        Err(e) => Err(damaged(db_path, &e.to_string())),
    }
}

/// The full integrity check, for the background: what it finds is kept in
/// settings (`integrity_alert`) for the window to show, and cleared when fine.
pub fn full_check(conn: &Connection) -> Result<bool> {
    let result: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if result == "ok" {
        conn.execute("DELETE FROM settings WHERE key = 'integrity_alert'", [])?;
        Ok(true)
    } else {
        let alert = format!("数据库完整性检查发现问题（{}）。请立即在「设置 → 备份」中立即备份并联系技术支持。", result.chars().take(200).collect::<String>());
        crate::store::settings::set(conn, "integrity_alert", &alert)?;
        Ok(false)
    }
}

fn damaged(db_path: &Path, why: &str) -> Error {
    let newest = newest_good(db_path).map(|b| b.path).or_else(|| newest_sealed(db_path));
    Error::Damaged {
        path: db_path.display().to_string(),
        why: why.chars().take(200).collect(),
        backup: newest.map(|p| p.display().to_string()),
    }
}

/// The newest backup of the database at `db_path` that passes its check.
/// Before backups were named after their database every one was `liuke-…`;
/// those still count for a database that has none under its own name.
pub fn newest_good(db_path: &Path) -> Option<Backup> {
    let stem = stem_of(db_path);
    let all = list(&dir_of(db_path)).ok()?;
    let newest_of = |stem: &str| all.iter().filter(|b| is_backup_of(&b.path, stem)).find_map(|b| verify(&b.path).ok());
    newest_of(&stem).or_else(|| newest_of("liuke"))
}

/// The newest sealed backup of the database at `db_path` (it can only be
/// checked once opened with the passphrase).
pub fn newest_sealed(db_path: &Path) -> Option<PathBuf> {
    let stem = stem_of(db_path);
    list(&dir_of(db_path)).ok()?.into_iter().map(|b| b.path).find(|p| sealed::is_sealed(p) && is_backup_of(p, &stem))
}

/// Replaces the database at `db_path` with the backup at `from`. The backup is
/// checked first; whatever was at `db_path` (damaged or not) is kept beside it
/// as `*.before-restore-<time>` so nothing is lost by restoring.
pub fn restore(db_path: &Path, from: &Path, clock: &Clock) -> Result<Backup> {
    restore_with(db_path, from, None, clock)
}

/// [`restore`], opening a sealed backup with the owner's passphrase first.
pub fn restore_with(db_path: &Path, from: &Path, passphrase: Option<&str>, clock: &Clock) -> Result<Backup> {
    if sealed::is_sealed(from) {
        let passphrase = passphrase.filter(|p| !p.is_empty()).ok_or_else(|| Error::invalid("passphrase", "这是加密的备份，请输入备份口令"))?;
        let opened = db_path.with_extension("opened-backup.db");
        remove_with_sides(&opened);
        let result = sealed::open_file(from, &opened, passphrase).and_then(|_| restore_plain(db_path, &opened, clock));
        remove_with_sides(&opened);
        return result;
    }
    restore_plain(db_path, from, clock)
}

fn restore_plain(db_path: &Path, from: &Path, clock: &Clock) -> Result<Backup> {
    let source = verify(from)?;
    if db_path.exists() {
        keep_before_restore(db_path, clock)?;
    }
    if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut conn = Connection::open(db_path)?;
    conn.restore(MAIN_DB, from, None::<fn(rusqlite::backup::Progress)>)?;
    drop(conn);
    // Bring an older backup's schema up to date.
    drop(crate::store::open(db_path)?);
    let checked = verify(db_path)?;
    // The read-only check leaves a WAL database's -wal/-shm beside it; the
    // last writer to close removes them.
    let last = Connection::open(db_path)?;
    last.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    last.close().map_err(|(_, e)| e)?;
    Ok(Backup { customers: source.customers, ..checked })
}

/// Moves what is at `db_path` aside before a restore replaces it: whole, with
/// what its write-ahead log still held, under a name no earlier restore used.
/// Refused while another window or `liuke serve` has the database open, whose
/// next writes would otherwise go to a file that is no longer the clinic's.
fn keep_before_restore(db_path: &Path, clock: &Clock) -> Result<PathBuf> {
    let keep = before_restore_name(db_path, clock);
    match fold_log_into_file(db_path) {
        Ok(()) => {
            std::fs::copy(db_path, &keep)?;
        }
        Err(e) if is_busy(&e) => {
            return Err(Error::Conflict(
                "留客正在别处打开这份数据（另一个留客窗口，或 liuke serve）。请先把它们都关掉，再恢复备份。".into(),
            ))
        }
        // A damaged file is kept exactly as it is, its log beside it.
        Err(_) => {
            std::fs::copy(db_path, &keep)?;
            for side in ["-wal", "-shm"] {
                let (from, to) = (with_suffix(db_path, side), with_suffix(&keep, side));
                if from.exists() {
                    std::fs::copy(&from, &to)?;
                }
            }
        }
    }
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(db_path, side));
    }
    std::fs::remove_file(db_path)?;
    Ok(keep)
}

/// Writes everything the write-ahead log holds into the database file and
/// leaves WAL mode, which SQLite grants only to the one connection open.
fn fold_log_into_file(db_path: &Path) -> rusqlite::Result<()> {
    let conn = Connection::open_with_flags(db_path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::from_millis(500))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    if mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None));
    }
    conn.close().map_err(|(_, e)| e)
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// `liuke.before-restore-20261123T103200Z.db`, or `…-2.db` when two
/// restores fall in the same second.
fn before_restore_name(db_path: &Path, clock: &Clock) -> PathBuf {
    let stamp = clock.now_utc().replace([':', '-'], "");
    unused(&db_path.with_extension(format!("before-restore-{stamp}.db")))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

pub mod sealed;

#[cfg(test)]
mod tests;
