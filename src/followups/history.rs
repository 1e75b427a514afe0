//! The calls an import brings that are already history (due before the
//! import's today: SPEC §5 keeps them as `historical`). A large clinic's
//! years of sessions make millions of them; written one at a time, each with
//! its look-ups, they were most of an import's time. While an import runs they
//! are gathered in a temporary table and written in bulk, sorted by customer,
//! kind and due date, with the same outcome as one upsert each: one task per
//! customer, kind and due date listing every source, a task already there
//! keeping its status and gaining the sources.

use std::cell::Cell;

use rusqlite::{params, Connection};

use super::NewTask;
use crate::clock::Clock;
use crate::error::Result;
use crate::store::new_uid;

thread_local! {
    /// Whether this thread's import is gathering history (an import runs on one thread).
    static GATHERING: Cell<bool> = const { Cell::new(false) };
    static GATHERED: Cell<usize> = const { Cell::new(0) };
}

/// Gathered calls written at a time: the sort stays small however long the file.
const FLUSH_EVERY: usize = if cfg!(test) { 7 } else { 50_000 };

pub(super) fn gathering() -> bool {
    GATHERING.get()
}

/// Gathers one call that is history; every [`FLUSH_EVERY`] of them are written.
pub(super) fn gather(conn: &Connection, clock: &Clock, t: &NewTask) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO temp.pending_history (uid, customer_id, kind, due, purpose, script, anchor, source, item)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![new_uid(), t.customer.0, t.kind.key(), t.due.to_string(), t.purpose, t.script, t.anchor.to_string(), t.source, t.item])?;
    let n = GATHERED.get() + 1;
    GATHERED.set(n);
    if n >= FLUSH_EVERY {
        flush(conn, clock)?;
    }
    Ok(())
}

/// Writes what was gathered: the new tasks in key order (the first gathered
/// of a key gives its purpose and script), then every source.
fn flush(conn: &Connection, clock: &Clock) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO tasks (uid, customer_id, kind, due, next_on, status, purpose, script, anchor, created_at)
         SELECT uid, customer_id, kind, due, due, 'historical', purpose, script, anchor, ?1
         FROM (SELECT min(rowid), uid, customer_id, kind, due, purpose, script, anchor FROM temp.pending_history GROUP BY customer_id, kind, due)
         WHERE true ORDER BY customer_id, kind, due
         ON CONFLICT (customer_id, kind, due) DO NOTHING",
    )?
    .execute([clock.now_utc()])?;
    conn.prepare_cached(
        "INSERT INTO task_sources (task_id, source, item)
         SELECT t.id, p.source, p.item FROM temp.pending_history p
         JOIN tasks t ON t.customer_id = p.customer_id AND t.kind = p.kind AND t.due = p.due
         WHERE true ORDER BY t.id, p.source
         ON CONFLICT DO NOTHING",
    )?
    .execute([])?;
    conn.prepare_cached("DELETE FROM temp.pending_history")?.execute([])?;
    GATHERED.set(0);
    Ok(())
}

/// Gathering for one import: started before its rows, flushed before what
/// reads the calls back (catching up), and off again when dropped, whatever
/// happened.
pub struct HistoryBuffer(());

impl HistoryBuffer {
    pub fn start(conn: &Connection) -> Result<HistoryBuffer> {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS pending_history (
                 uid TEXT NOT NULL, customer_id INTEGER NOT NULL, kind TEXT NOT NULL, due TEXT NOT NULL,
                 purpose TEXT, script TEXT, anchor TEXT, source TEXT NOT NULL, item TEXT);
             DELETE FROM temp.pending_history;",
        )?;
        GATHERED.set(0);
        GATHERING.set(true);
        Ok(HistoryBuffer(()))
    }

    /// Writes what is left and stops gathering.
    pub fn finish(self, conn: &Connection, clock: &Clock) -> Result<()> {
        GATHERING.set(false);
        flush(conn, clock)
    }
}

impl Drop for HistoryBuffer {
    fn drop(&mut self) {
        GATHERING.set(false);
        GATHERED.set(0);
    }
}
