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
