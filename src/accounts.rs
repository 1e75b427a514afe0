//! Who may do what. Staff sign in by picking their name and, once they have
//! one, typing their PIN (argon2-hashed; five wrong PINs in a row lock the
//! account for ten minutes, and every wrong PIN after that for twice as long).
//! Who may run which command, what is audited and where phones are masked is
//! declared in the command table (`commands::table`). The audit log records
//! views of customer files, changes with before and after, exports, restores,
//! settings and every failed sign-in.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::staff::{self, Staff, StaffId};

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

/// How long the `n`th lockout since the last right PIN lasts: 10 minutes,
/// then twice as long each time, at most a day.
pub fn lock_minutes(n: i64) -> i64 {
    (LOCK_MINUTES << (n - 1).clamp(0, 8)).min(24 * 60)
}

/// Checks who is signing in. A wrong PIN counts towards the lockout; a right
/// one clears it. After the first lockout every wrong PIN locks the account
/// again, for twice as long (720 guesses a day become about a dozen). Staff
/// without a PIN sign in by name.
pub fn sign_in(conn: &Connection, clock: &Clock, id: StaffId, pin: Option<&str>) -> Result<Staff> {
    let who = staff::acting(conn, id)?;
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(&clock.now_utc()).map(|d| d.with_timezone(&Utc)).unwrap_or_else(|_| Utc::now());
    let (failed, locked_until, locks): (i64, Option<String>, i64) = conn
        .query_row("SELECT failed, locked_until, locks FROM sign_in_state WHERE staff_id = ?1", [id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .unwrap_or((0, None, 0));
    if let Some(until) = locked_until.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
        if until.with_timezone(&Utc) > now {
            let minutes = ((until.with_timezone(&Utc) - now).num_seconds() + 59) / 60;
            return Err(Error::Conflict(format!("「{}」的 PIN 多次输错，账号已锁定，请 {minutes} 分钟后再试，或请院长重设 PIN。", who.name)));
        }
    }
    let hash: Option<String> = conn.query_row("SELECT pin_hash FROM staff WHERE id = ?1", [id.0], |r| r.get(0))?;
    let Some(hash) = hash else { return Ok(who) };
    let Some(pin) = pin.filter(|p| !p.is_empty()) else {
        // Asking for the PIN is not a wrong guess.
        return Err(Error::invalid("pin", "请输入 PIN"));
    };
    let ok = PasswordHash::new(&hash).is_ok_and(|parsed| Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok());
    if ok {
        conn.execute("DELETE FROM sign_in_state WHERE staff_id = ?1", [id.0])?;
        return Ok(who);
    }
    let failed = failed + 1;
    let lock_now = failed >= MAX_FAILED || locks > 0;
    let (failed, locks, until) = if lock_now {
        let minutes = lock_minutes(locks + 1);
        (0, locks + 1, Some(((now + Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true), minutes)))
    } else {
        (failed, locks, None)
    };
    conn.execute(
        "INSERT INTO sign_in_state (staff_id, failed, locked_until, locks) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (staff_id) DO UPDATE SET failed = excluded.failed, locked_until = excluded.locked_until, locks = excluded.locks",
        params![id.0, failed, until.as_ref().map(|u| &u.0), locks],
    )?;
    Err(match until {
        Some((_, minutes)) => Error::Conflict(format!("PIN 输错，账号已锁定 {minutes} 分钟；之后每错一次锁定时间加倍。忘记 PIN 请找院长重设。")),
        None => Error::invalid("pin", format!("PIN 不对，还可以再试 {} 次", MAX_FAILED - failed)),
    })
}

/// A new session token (random, not guessable).
/// A secret for a session or a desk: 40 random lower-case letters (188
/// bits). No digits: every answer's phone masking looks for runs of digits,
/// and a hex key with one like 13812345678 in it (about one key in fifty)
/// reached its desk masked — a key that was not its own, so the host did not
/// know the desk (the rare 「这台电脑还没有连接本店主机」 of the network tests).
pub fn new_token() -> String {
    const LETTERS: usize = 40;
    let mut token = String::with_capacity(LETTERS);
    while token.len() < LETTERS {
        // The random bytes of a v4 uuid; 234 = 9 × 26 keeps every letter equally likely.
        for b in uuid::Uuid::new_v4().as_bytes().iter().filter(|b| **b < 234) {
            if token.len() < LETTERS {
                token.push(char::from(b'a' + b % 26));
            }
        }
    }
    token
}

/// Masks every mobile number anywhere in a JSON answer: in fields named for
/// phones and in any other text that holds one (a matched search key, a
/// note, a referrer's number). What customer service sees outside its call list.
pub fn mask_phones(v: &mut Value) {
    match v {
        Value::String(s) => {
            if s.bytes().filter(u8::is_ascii_digit).count() >= 11 {
                *s = crate::phone::mask_within(s);
            }
        }
        Value::Object(map) => map.values_mut().for_each(mask_phones),
        Value::Array(items) => items.iter_mut().for_each(mask_phones),
        _ => {}
    }
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

/// The action of a failed sign-in's audit line.
pub const FAILED_SIGN_IN: &str = "登录失败";

/// Records a failed sign-in of staff member `id`, with why it failed.
pub fn log_failed_sign_in(conn: &Connection, clock: &Clock, id: StaffId, why: &str) -> Result<()> {
    let name = staff::get(conn, id).map(|s| s.name).unwrap_or_else(|_| format!("编号 {}", id.0));
    log(conn, clock, None, FAILED_SIGN_IN, Some(&id.0.to_string()), Some(&format!("{name}：{why}")), None, None)
}

/// The newest audit lines (owner only), optionally for one target or one action.
pub fn audit_list(conn: &Connection, target: Option<&str>, action: Option<&str>, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT a.at, s.name, a.action, a.target, a.detail, a.before, a.after FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE (?1 IS NULL OR a.target = ?1) AND (?3 IS NULL OR a.action = ?3) ORDER BY a.id DESC LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![target, limit as i64, action], |r| {
            Ok(AuditEntry { at: r.get(0)?, staff: r.get(1)?, action: r.get(2)?, target: r.get(3)?, detail: r.get(4)?, before: r.get(5)?, after: r.get(6)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests;
