//! Embedded, numbered, forward-only migrations. A landed migration is never
//! edited: a change is a new file. Each applies in one transaction together
//! with the bump of `user_version`, so a crash leaves the schema at a version.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The migrations in order; migration `i` brings the schema to version `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_foundation.sql"),
    include_str!("migrations/0002_consumption.sql"),
    include_str!("migrations/0003_tiers_points.sql"),
    include_str!("migrations/0004_followups.sql"),
    include_str!("migrations/0005_accounts_audit.sql"),
    include_str!("migrations/0006_appointments.sql"),
    include_str!("migrations/0007_appointment_days.sql"),
    include_str!("migrations/0008_tasks_due_live.sql"),
    include_str!("migrations/0009_lockout_escalates.sql"),
    include_str!("migrations/0010_desks.sql"),
    include_str!("migrations/0011_member_benefits.sql"),
    include_str!("migrations/0012_vouchers.sql"),
    include_str!("migrations/0013_family_index.sql"),
    include_str!("migrations/0014_order_credits.sql"),
    include_str!("migrations/0015_call_kinds.sql"),
    include_str!("migrations/0016_open_lines_facts.sql"),
    include_str!("migrations/0017_later_sessions.sql"),
    include_str!("migrations/0018_bulk_open_lines.sql"),
    include_str!("migrations/0019_acquisition_costs.sql"),
    include_str!("migrations/0020_call_undo.sql"),
    include_str!("migrations/0021_call_indexes.sql"),
];

/// The schema version this program writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > schema_version() {
        return Err(Error::SchemaTooNew { found, supported: schema_version() });
    }
    if found == schema_version() {
        return Ok(());
    }
    // A migration that rebuilds a table others refer to (SQLite's way of
    // changing a CHECK) drops it first: foreign keys are off while migrations
    // run (the pragma has no effect inside a transaction). A rebuild copies
    // every id as it was, so no reference breaks (tested below).
    let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let applied = apply_from(conn, found);
    conn.pragma_update(None, "foreign_keys", enforced)?;
    applied
}

fn apply_from(conn: &mut Connection, found: i64) -> Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appointment_events_written_before_0007_learn_the_day_they_left_the_appointment_on() {
        let mut conn = Connection::open_in_memory().unwrap();
        // Bare rows for the one table under test, without the customer and staff they name.
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        for sql in &MIGRATIONS[..6] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 6).unwrap();
        conn.execute_batch(
            "INSERT INTO appointments (id, uid, customer_id, day, start_min, end_min, purpose, booked_on, booked_for, created_at, created_by)
             VALUES (1, 'u1', 1, '2026-10-22', 600, 630, '复查', '2026-10-08', '2026-10-08', 'now', 1);
             INSERT INTO appointment_events (appointment_id, what, on_date, at, by_staff, detail)
             VALUES (1, 'booked', '2026-10-08', 'now', 1, '2026-10-08 18:00–18:30 不指定 复查'),
                    (1, 'moved', '2026-10-08', 'now', 1, '2026-10-08 18:00–18:30 不指定 复查 → 2026-10-22 10:00–10:30 不指定 复查'),
                    (1, 'arrived', '2026-10-22', 'now', 1, NULL);",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let days: Vec<Option<String>> = conn
            .prepare("SELECT day_after FROM appointment_events ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(days, [Some("2026-10-08".into()), Some("2026-10-22".into()), None]);
        assert!(conn.execute("UPDATE appointment_events SET day_after = 'x'", []).is_err(), "append-only again");
    }

    #[test]
    fn migrations_apply_from_empty_to_the_current_version() {
        let conn = crate::store::open_in_memory().unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, schema_version());
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn rebuilding_the_call_tables_keeps_every_call_and_every_reference() {
        use crate::testing::{ymd, Clinic};
        let mut c = Clinic::on(ymd(2026, 11, 2));
        let a = c.customer("王丽", "13800000001");
        let item = c.item("玻尿酸", crate::items::Category::Injection);
        c.treat(a, ymd(2026, 11, 2), item, "3000");
        let id: i64 = c.conn.query_row("SELECT min(id) FROM tasks", [], |r| r.get(0)).unwrap();
        crate::followups::complete(&mut c.conn, &c.clock, crate::staff::SYSTEM_STAFF, id, crate::followups::Outcome::NoAnswer, None, None, None).unwrap();
        let before: Vec<(i64, String, String)> =
            c.conn.prepare("SELECT id, kind, due FROM tasks ORDER BY id").unwrap().query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect();
        let attempts: i64 = c.conn.query_row("SELECT count(*) FROM task_attempts", [], |r| r.get(0)).unwrap();
        // Back to 0014's tables, then forward again.
        c.conn.pragma_update(None, "foreign_keys", false).unwrap();
        c.conn.execute_batch(
            "DROP VIEW live_attempts; DROP TABLE task_attempt_undos; ALTER TABLE task_attempts DROP COLUMN prev_next_on;
             DROP TRIGGER open_lines_bought; DROP TRIGGER open_lines_done; DROP TRIGGER open_lines_returned;
             DROP TRIGGER open_lines_session_voided; DROP TRIGGER open_lines_refund_voided; DROP TRIGGER open_lines_order_voided;
             DROP TRIGGER later_sessions_voided; DROP TABLE later_sessions;
             DROP TABLE open_lines; DROP TABLE message_templates; ALTER TABLE campaigns DROP COLUMN template;
             DROP INDEX task_attempts_scored; ALTER TABLE task_attempts DROP COLUMN score;
             ALTER TABLE tasks DROP COLUMN channel; DROP TABLE acquisition_costs;",
        ).unwrap();
        c.conn.pragma_update(None, "foreign_keys", true).unwrap();
        c.conn.pragma_update(None, "user_version", 14).unwrap();
        // 0016 drops 0015's open lines to make them again: 0015 makes them first.
        migrate(&mut c.conn).unwrap();
        let after: Vec<(i64, String, String)> =
            c.conn.prepare("SELECT id, kind, due FROM tasks ORDER BY id").unwrap().query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(after, before);
        assert_eq!(c.conn.query_row("SELECT count(*) FROM task_attempts", [], |r| r.get::<_, i64>(0)).unwrap(), attempts);
        assert_eq!(c.conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
        assert_eq!(c.conn.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, i64>(0)).unwrap(), 1, "enforced again");
        assert!(c.conn.execute("DELETE FROM task_attempts", []).is_err(), "append-only again");
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = crate::store::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let n: i64 = conn.query_row("SELECT count(*) FROM staff", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "only the built-in system account");
    }

    #[test]
    fn a_newer_database_is_refused_not_damaged() {
        let mut conn = crate::store::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, Error::SchemaTooNew { found: 999, .. }));
    }

    #[test]
    fn migrations_do_not_set_pragmas() {
        for sql in MIGRATIONS {
            assert!(!sql.to_lowercase().contains("pragma"), "PRAGMAs belong in store::open");
        }
    }
}
