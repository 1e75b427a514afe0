//! Signed-in sessions: a random token per sign-in, kept in memory only (a
//! restart signs everyone out). A session ends on sign-out, after the owner's
//! idle limit (default 12 hours), and whenever its staff member's PIN, role
//! or status changes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::error::Result;
use crate::staff::StaffId;
use crate::store::settings;

/// The owner's setting: hours without a command before a session ends.
pub const IDLE_HOURS_KEY: &str = "session_idle_hours";
pub const DEFAULT_IDLE_HOURS: u64 = 12;

#[derive(Default)]
pub struct Sessions {
    open: HashMap<String, Session>,
    /// Added to the clock: lets a test move time on without waiting.
    skew: Duration,
}

struct Session {
    staff: StaffId,
    /// The desk it was opened from (None: on the host itself); a token is
    /// good only from where it was opened.
    desk: Option<i64>,
    last_seen: Instant,
}

impl Sessions {
    /// A new session for `staff`; its token.
    pub fn open(&mut self, staff: StaffId, desk: Option<i64>) -> String {
        let token = crate::accounts::new_token();
        let now = self.now();
        self.open.insert(token.clone(), Session { staff, desk, last_seen: now });
        token
    }

    /// Who a live token belongs to; an idle one is ended on the way.
    pub fn touch(&mut self, token: &str, idle: Duration, desk: Option<i64>) -> Option<StaffId> {
        let now = self.now();
        let session = self.open.get(token)?;
        if session.desk != desk {
            // Not ended: it is still good where it was opened.
            return None;
        }
        if now.duration_since(session.last_seen) >= idle {
            self.open.remove(token);
            return None;
        }
        let s = self.open.get_mut(token)?;
        s.last_seen = now;
        Some(s.staff)
    }

    /// Whether a token is live where it is used, without counting this as
    /// activity (a page listening for changes is not someone at work).
    pub fn is_live(&self, token: &str, idle: Duration, desk: Option<i64>) -> bool {
        self.open.get(token).is_some_and(|s| s.desk == desk && self.now().duration_since(s.last_seen) < idle)
    }

    pub fn end(&mut self, token: &str) {
        self.open.remove(token);
    }

    /// Ends every session of `staff` but `keep` (the one making the change).
    pub fn end_all_of(&mut self, staff: StaffId, keep: Option<&str>) {
        self.open.retain(|t, s| s.staff != staff || Some(t.as_str()) == keep);
    }

    /// Ends every session opened from `desk` (its connection was revoked).
    pub fn end_from_desk(&mut self, desk: i64) {
        self.open.retain(|_, s| s.desk != Some(desk));
    }

    fn now(&self) -> Instant {
        Instant::now() + self.skew
    }

    /// Moves this table's clock on by `by` (tests of expiry).
    #[cfg(test)]
    pub fn age(&mut self, by: Duration) {
        self.skew += by;
    }
}

/// The owner's idle limit.
pub fn idle_limit(conn: &Connection) -> Result<Duration> {
    let hours = settings::get(conn, IDLE_HOURS_KEY)?.and_then(|h| h.trim().parse::<u64>().ok()).filter(|h| (1..=24 * 30).contains(h));
    Ok(Duration::from_secs(hours.unwrap_or(DEFAULT_IDLE_HOURS) * 3600))
}
