//! Clinic-wide settings, a key/value table in the database (so the owner's
//! choices travel with the data and its backups).

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

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

/// The clinic's time zone name.
pub fn time_zone(conn: &Connection) -> Result<String> {
    Ok(get(conn, "time_zone")?.unwrap_or_else(|| crate::clock::DEFAULT_TIME_ZONE.to_string()))
}
