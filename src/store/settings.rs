//! Clinic-wide settings, a key/value table in the database (so the owner's
//! choices travel with the data and its backups).

use rusqlite::{Connection, OptionalExtension};

use serde::{de::DeserializeOwned, Serialize};

use crate::error::{Error, Result};

/// Reads a setting, if set.
pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// Writes a setting.
pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// Reads a setting stored as JSON; the default when unset. `what` names it
/// in the message when the stored text cannot be read.
pub fn get_json<T: DeserializeOwned + Default>(conn: &Connection, key: &str, what: &str) -> Result<T> {
    match get(conn, key)? {
        None => Ok(T::default()),
        Some(json) => serde_json::from_str(&json).map_err(|e| Error::Config(format!("{what}无法读取（{e}），请在设置中重新保存{what}。"))),
    }
}

/// Writes a setting as JSON.
pub fn set_json<T: Serialize>(conn: &Connection, key: &str, value: &T) -> Result<()> {
    set(conn, key, &serde_json::to_string(value)?)
}

/// The clinic's time zone name.
pub fn time_zone(conn: &Connection) -> Result<String> {
    Ok(get(conn, "time_zone")?.unwrap_or_else(|| crate::clock::DEFAULT_TIME_ZONE.to_string()))
}
