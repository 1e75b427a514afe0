//! Who may do what. Staff sign in by picking their name and, once they have
//! one, typing their PIN (argon2-hashed; five wrong PINs in a row lock the
//! account for ten minutes). A sign-in yields a session token that every
//! command from the UI carries; the role behind it decides which commands
//! run. Customer service sees phones masked (138****5678) everywhere but the
//! call list they dial from. The audit log records views of customer files,
//! changes with before and after, exports, restores and settings.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::staff::{self, Role, Staff, StaffId};

/// Wrong PINs in a row before the account locks.
pub const MAX_FAILED: i64 = 5;
/// How long a locked account waits.
pub const LOCK_MINUTES: i64 = 10;

fn check_pin_shape(pin: &str) -> Result<()> {
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid("pin", "PIN 应为 4 到 8 位数字"));
    }
    Ok(())
}

/// Sets (or, with an empty PIN, clears) a staff member's PIN.
pub fn set_pin(conn: &Connection, id: StaffId, pin: &str) -> Result<()> {
    staff::get(conn, id)?;
    let hash = if pin.is_empty() {
        None
    } else {
        check_pin_shape(pin)?;
        let salt = SaltString::generate(&mut OsRng);
        Some(
            Argon2::default()
                .hash_password(pin.as_bytes(), &salt)
                .map_err(|e| Error::Config(format!("PIN 无法保存：{e}")))?
                .to_string(),
        )
    };
    conn.execute("UPDATE staff SET pin_hash = ?2 WHERE id = ?1", params![id.0, hash])?;
    conn.execute("DELETE FROM sign_in_state WHERE staff_id = ?1", [id.0])?;
    Ok(())
}

pub fn has_pin(conn: &Connection, id: StaffId) -> Result<bool> {
    Ok(conn.query_row("SELECT pin_hash IS NOT NULL FROM staff WHERE id = ?1", [id.0], |r| r.get(0)).optional()?.unwrap_or(false))
}

/// Checks who is signing in. A wrong PIN counts towards the lockout; a right
/// one clears the count. Staff without a PIN sign in by name.
pub fn sign_in(conn: &Connection, clock: &Clock, id: StaffId, pin: Option<&str>) -> Result<Staff> {
    let who = staff::acting(conn, id)?;
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(&clock.now_utc()).map(|d| d.with_timezone(&Utc)).unwrap_or_else(|_| Utc::now());
    let (failed, locked_until): (i64, Option<String>) = conn
        .query_row("SELECT failed, locked_until FROM sign_in_state WHERE staff_id = ?1", [id.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, None));
    if let Some(until) = locked_until.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
        if until.with_timezone(&Utc) > now {
            let minutes = ((until.with_timezone(&Utc) - now).num_seconds() + 59) / 60;
            return Err(Error::Conflict(format!("「{}」的 PIN 连续输错 {MAX_FAILED} 次，账号已锁定，请 {minutes} 分钟后再试，或请院长重设 PIN。", who.name)));
        }
    }
    let hash: Option<String> = conn.query_row("SELECT pin_hash FROM staff WHERE id = ?1", [id.0], |r| r.get(0))?;
    let Some(hash) = hash else { return Ok(who) };
    let ok = match (pin, PasswordHash::new(&hash)) {
        (Some(p), Ok(parsed)) => Argon2::default().verify_password(p.as_bytes(), &parsed).is_ok(),
        _ => false,
    };
    if ok {
        conn.execute("DELETE FROM sign_in_state WHERE staff_id = ?1", [id.0])?;
        return Ok(who);
    }
    let failed = failed + 1;
    let lock = (failed >= MAX_FAILED).then(|| (now + Duration::minutes(LOCK_MINUTES)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    conn.execute(
        "INSERT INTO sign_in_state (staff_id, failed, locked_until) VALUES (?1, ?2, ?3)
         ON CONFLICT (staff_id) DO UPDATE SET failed = excluded.failed, locked_until = excluded.locked_until",
        params![id.0, if lock.is_some() { 0 } else { failed }, lock],
    )?;
    Err(match (pin, lock) {
        (None, _) => Error::invalid("pin", "请输入 PIN"),
        (_, Some(_)) => Error::Conflict(format!("PIN 连续输错 {MAX_FAILED} 次，账号已锁定 {LOCK_MINUTES} 分钟。")),
        (_, None) => Error::invalid("pin", format!("PIN 不对，还可以再试 {} 次", MAX_FAILED - failed)),
    })
}

/// A new session token (random, not guessable).
pub fn new_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Commands anyone may send before signing in.
pub fn is_public(cmd: &str) -> bool {
    // import.progress: counters of the import under way, never a record;
    // answered while the import holds the database, before any session check.
    matches!(cmd, "app.info" | "staff.list" | "session.sign_in" | "staff.create_first" | "import.progress")
}

/// Whether a role may run a command. The owner may run everything.
pub fn allowed(role: Role, cmd: &str) -> bool {
    if role == Role::Owner || is_public(cmd) {
        return true;
    }
    let everyone = [
        "session.sign_out", "staff.set_own_pin", "customers.search", "customers.get", "customers.options", "memory.add", "memory.remove",
        "items.list", "desk.card", "desk.board", "consumption.file", "consumption.day", "tiers.card", "tiers.list", "tiers.rules",
        "callbacks.customer", "callbacks.checklist", "callbacks.complete", "plans.list", "campaigns.list", "backup.list", "tiers.preview",
        "appointments.get", "appointments.day", "appointments.week", "appointments.reminders", "appointments.expected", "appointments.customer",
        "appointments.options",
        // Every role books: customer service books from its calls.
        "appointments.book", "appointments.move", "appointments.cancel",
    ];
    if everyone.contains(&cmd) {
        return true;
    }
    // The day's work at the desk and in the treatment rooms.
    let daily = [
        "customers.create", "customers.update", "desk.register", "desk.move", "orders.create", "payments.add", "executions.add", "points.redeem",
        "appointments.check_in",
    ];
    let writes: &[&str] = match role {
        Role::Reception | Role::Nurse => &daily,
        // Money back and corrections need a consultant (or the owner).
        Role::Consultant => &[
            "customers.create", "customers.update", "desk.register", "desk.move", "orders.create", "payments.add", "executions.add",
            "appointments.check_in", "points.redeem", "refunds.add", "records.void", "items.create", "items.update",
        ],
        // A complaint or adverse reaction is closed by a doctor (or the owner).
        Role::Doctor => &[
            "customers.create", "customers.update", "desk.register", "desk.move", "orders.create", "payments.add", "executions.add",
            "appointments.check_in", "points.redeem", "flags.resolve",
        ],
        // Customer service calls; it does not touch money or the archive's fields.
        Role::Service | Role::Owner | Role::System => &[],
    };
    writes.contains(&cmd)
}

/// Customer service sees phones masked except where they dial.
pub fn masks_phones(role: Role, cmd: &str) -> bool {
    role == Role::Service && !matches!(cmd, "callbacks.checklist" | "callbacks.complete" | "appointments.reminders")
}

/// Replaces every `phone`/`referrer_phone` string in a JSON answer with its masked form.
pub fn mask_phones(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                match val {
                    Value::String(s) if k == "phone" || k == "referrer_phone" => *s = crate::phone::masked(s),
                    _ => mask_phones(val),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_phones),
        _ => {}
    }
}

/// Commands worth a line in the audit log, and what to call them.
pub fn audited(cmd: &str) -> Option<&'static str> {
    Some(match cmd {
        "customers.get" => "查看客户档案",
        "customers.create" => "新建客户档案",
        "customers.update" => "修改客户档案",
        "tiers.export" => "导出分层名单",
        "report.export" => "导出经营报表",
        "report.who" => "查看报表名单",
        "backup.now" => "手动备份",
        "backup.restore" => "恢复备份",
        "backup.set_mirror" => "设置第二备份文件夹",
        "tiers.save_rules" => "修改分层规则",
        "plans.save" => "修改回访方案",
        "appointments.save_settings" => "修改预约设置",
        "appointments.move" => "预约改期",
        "appointments.cancel" => "取消预约",
        "staff.create" => "新增员工",
        "staff.update" => "修改员工",
        "staff.set_pin" => "重设员工 PIN",
        "records.void" => "作废记录",
        "refunds.add" => "登记退款",
        "points.redeem" => "积分兑换",
        "campaigns.create" => "创建活动回访",
        "import.customers" | "import.consumption" | "import.executions" | "import.arrivals" => "导入数据",
        "session.sign_in" => "登录",
        _ => return None,
    })
}

/// One audit line.
pub fn log(conn: &Connection, clock: &Clock, by: Option<StaffId>, action: &str, target: Option<&str>, detail: Option<&str>, before: Option<&Value>, after: Option<&Value>) -> Result<()> {
    conn.prepare_cached("INSERT INTO audit_log (at, staff_id, action, target, detail, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?.execute(params![
        clock.now_utc(),
        by.map(|s| s.0),
        action,
        target,
        detail,
        before.map(|v| v.to_string()),
        after.map(|v| v.to_string()),
    ])?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub staff: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The newest audit lines (owner only), optionally for one target.
pub fn audit_list(conn: &Connection, target: Option<&str>, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT a.at, s.name, a.action, a.target, a.detail, a.before, a.after FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE ?1 IS NULL OR a.target = ?1 ORDER BY a.id DESC LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![target, limit as i64], |r| {
            Ok(AuditEntry { at: r.get(0)?, staff: r.get(1)?, action: r.get(2)?, target: r.get(3)?, detail: r.get(4)?, before: r.get(5)?, after: r.get(6)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests;
