//! The store: one SQLite file, opened one way. `open` sets the per-connection
//! PRAGMAs (WAL, foreign keys, busy timeout) and then applies the embedded,
//! forward-only migrations, each in its own transaction, tracked by
//! `PRAGMA user_version`. The desktop app and the CLI open the same file by
//! default: `default_db_path()`.

mod migrations;
pub mod settings;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{Error, Result};
pub use migrations::{schema_version, MIGRATIONS};

/// The database file the desktop app and the CLI share when `--db` is not
/// given: in the *local* app-data folder (on Windows the roaming one is
/// copied at every sign-in on a domain; a clinic's database must not be).
/// A database an earlier version left in the roaming folder is moved over
/// once, with everything beside it.
pub fn default_db_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("com", "Liuke", "Liuke")
        .ok_or_else(|| Error::Config("找不到用户数据目录，请用 --db 指定数据库文件的位置。".into()))?;
    move_out_of_roaming(dirs.data_dir(), dirs.data_local_dir())?;
    Ok(dirs.data_local_dir().join("liuke.db"))
}

/// Moves the roaming folder's files (database, its -wal/-shm, backups,
/// certificate, desk pairing) into the local one, if the local one has no
/// database yet. The same folder (Linux, macOS) is left alone.
pub fn move_out_of_roaming(roaming: &Path, local: &Path) -> Result<bool> {
    if roaming == local || !roaming.join("liuke.db").exists() || local.join("liuke.db").exists() {
        return Ok(false);
    }
    std::fs::create_dir_all(local)?;
    owner_only_dir(local)?;
    for entry in std::fs::read_dir(roaming)? {
        let entry = entry?;
        let to = local.join(entry.file_name());
        if to.exists() {
            continue;
        }
        // A rename within one drive; a copy then delete across drives.
        if std::fs::rename(entry.path(), &to).is_err() {
            copy_all(&entry.path(), &to)?;
            remove_all(&entry.path())?;
        }
    }
    Ok(true)
}

fn copy_all(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_all(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        std::fs::copy(from, to)?;
    }
    Ok(())
}

fn remove_all(path: &Path) -> Result<()> {
    if path.is_dir() {
        std::fs::remove_dir_all(path)?;
    } else {
        std::fs::remove_file(path)?;
    }
    Ok(())
}

/// Opens (creating if needed) the database at `path` and brings its schema up to date.
pub fn open(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() {
            std::fs::create_dir_all(dir)?;
            owner_only_dir(dir)?;
        }
    }
    let mut conn = Connection::open(path)?;
    owner_only(path)?;
    configure(&conn, true)?;
    migrations::migrate(&mut conn)?;
    Ok(conn)
}

/// Opens another connection on a database [`open`] has already brought up
/// to date, for reads beside the writer (WAL lets them run while it writes).
pub fn open_reader(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    configure(&conn, false)?;
    // Opened for writing (WAL needs its shared memory) but refusing writes.
    conn.execute_batch("PRAGMA query_only = ON")?;
    Ok(conn)
}

/// Makes a file readable and writable by its owner only (0600): the
/// clinic's records are nobody else's on a shared PC. SQLite gives the
/// `-wal` and `-shm` files the database's own permissions.
pub fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    let _ = path;
    Ok(())
}

/// Makes a folder the owner's only (0700).
pub fn owner_only_dir(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    let _ = path;
    Ok(())
}

/// Reads a stored value of a closed set (a status, a kind) through `parse`:
/// one this version does not know is an error naming it, never a default.
pub fn stored<T>(v: rusqlite::types::ValueRef<'_>, what: &str, parse: impl Fn(&str) -> Option<T>) -> rusqlite::types::FromSqlResult<T> {
    let text = v.as_str()?;
    parse(text).ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("{what}「{text}」无法识别").into()))
}

/// An in-memory database with the real migrations, for tests.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    configure(&conn, false)?;
    migrations::migrate(&mut conn)?;
    Ok(conn)
}

fn configure(conn: &Connection, wal: bool) -> Result<()> {
    if wal {
        // journal_mode answers with a row, so it is read, not executed.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL;")?;
    }
    // A second window or a CLI import may hold the write lock for a whole
    // file (imports are one transaction): wait for it rather than fail.
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;")?;
    // One plan per statement, whatever values are bound: otherwise SQLite
    // recompiles a cached statement whenever a new value might suit another
    // plan, and an import spent a third of its time recompiling.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    // A desk card or a customer file runs a few dozen distinct statements;
    // rusqlite's default of 16 would evict and prepare them again each time.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

/// Starts an IMMEDIATE transaction: writers take the lock up front, so two
/// writers queue behind the busy timeout instead of failing half-way.
pub fn write_tx(conn: &mut Connection) -> Result<Transaction<'_>> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}


/// A new stable unique id (UUID v7, time-ordered) for a clinic record.
pub fn new_uid() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_left_in_the_roaming_folder_moves_once_to_the_local_one_with_everything_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let (roaming, local) = (dir.path().join("Roaming").join("data"), dir.path().join("Local").join("data"));
        std::fs::create_dir_all(roaming.join("backups")).unwrap();
        drop(open(&roaming.join("liuke.db")).unwrap());
        std::fs::write(roaming.join("backups").join("liuke-2026-11-22.db"), b"backup").unwrap();
        std::fs::write(roaming.join("liuke-lan-cert.pem"), b"cert").unwrap();
        assert!(move_out_of_roaming(&roaming, &local).unwrap());
        assert!(local.join("liuke.db").exists() && !roaming.join("liuke.db").exists());
        assert_eq!(std::fs::read(local.join("backups").join("liuke-2026-11-22.db")).unwrap(), b"backup");
        assert_eq!(std::fs::read(local.join("liuke-lan-cert.pem")).unwrap(), b"cert");
        drop(open(&local.join("liuke.db")).unwrap());
        // Once only: a later database in the roaming folder is not moved over the local one.
        drop(open(&roaming.join("liuke.db")).unwrap());
        assert!(!move_out_of_roaming(&roaming, &local).unwrap());
        assert!(roaming.join("liuke.db").exists());
    }

    #[test]
    fn one_folder_for_both_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        drop(open(&dir.path().join("liuke.db")).unwrap());
        assert!(!move_out_of_roaming(dir.path(), dir.path()).unwrap());
        assert!(dir.path().join("liuke.db").exists());
    }
}
