//! The desks: the clinic's other PCs (and tablets) that work on the host's
//! records. A desk asks once and gets a key it keeps; the owner approves it
//! (or revokes it later); every request from the network names its desk by
//! that key, and only an approved desk's requests go further than asking.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::staff::StaffId;

/// More desks than this waiting for the owner means someone is knocking.
const MAX_PENDING: i64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Approved,
    Revoked,
}

impl Status {
    fn parse(text: &str) -> Option<Status> {
        match text {
            "pending" => Some(Status::Pending),
            "approved" => Some(Status::Approved),
            "revoked" => Some(Status::Revoked),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "等待批准",
            Status::Approved => "已批准",
            Status::Revoked => "已撤销",
        }
    }
}

impl rusqlite::types::FromSql for Status {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        crate::store::stored(v, "电脑状态", Status::parse)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Desk {
    pub id: i64,
    pub name: String,
    pub status: Status,
    pub status_label: &'static str,
    pub address: String,
    pub requested_at: String,
    pub decided_at: Option<String>,
    pub last_seen: Option<String>,
}

/// A desk's request as the desk keeps it: the key is shown once, here.
#[derive(Debug, Serialize)]
pub struct Asked {
    pub key: String,
    pub desk: Desk,
}

fn hash(key: &str) -> String {
    Sha256::digest(key.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

const COLUMNS: &str = "id, name, status, address, requested_at, decided_at, last_seen";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Desk> {
    let status: Status = r.get(2)?;
    Ok(Desk { id: r.get(0)?, name: r.get(1)?, status, status_label: status.label(), address: r.get(3)?, requested_at: r.get(4)?, decided_at: r.get(5)?, last_seen: r.get(6)? })
}

/// A new desk asks to connect, from `address`.
pub fn ask(conn: &Connection, clock: &Clock, name: &str, address: &str) -> Result<Asked> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(Error::invalid("name", "请给这台电脑起一个 1 到 30 个字的名字，例如「咨询室 1」"));
    }
    let pending: i64 = conn.query_row("SELECT count(*) FROM desks WHERE status = 'pending'", [], |r| r.get(0))?;
    if pending >= MAX_PENDING {
        return Err(Error::Conflict("等待院长批准的电脑已经太多，请先在主机的 设置 → 多台电脑共用 中处理。".into()));
    }
    let key = crate::accounts::new_token();
    conn.execute(
        "INSERT INTO desks (uid, name, key_hash, status, address, requested_at) VALUES (?1, ?2, ?3, 'pending', ?4, ?5)",
        params![crate::store::new_uid(), name, hash(&key), address, clock.now_utc()],
    )?;
    let desk = get(conn, conn.last_insert_rowid())?;
    Ok(Asked { key, desk })
}

pub fn get(conn: &Connection, id: i64) -> Result<Desk> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM desks WHERE id = ?1"), [id], row)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("找不到编号为 {id} 的电脑")))
}

/// The desk holding `key`, if any.
pub fn by_key(conn: &Connection, key: &str) -> Result<Option<Desk>> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM desks WHERE key_hash = ?1"), [hash(key)], row).optional()?)
}

/// Every desk, waiting ones first, then the most recently seen.
pub fn list(conn: &Connection) -> Result<Vec<Desk>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM desks ORDER BY status = 'pending' DESC, status = 'approved' DESC, coalesce(last_seen, requested_at) DESC"
    ))?;
    let desks = stmt.query_map([], row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(desks)
}

fn decide(conn: &Connection, clock: &Clock, by: StaffId, id: i64, to: Status) -> Result<Desk> {
    let desk = get(conn, id)?;
    if desk.status == Status::Revoked && to == Status::Approved {
        return Err(Error::Conflict(format!("「{}」的连接已撤销；请在那台电脑上重新申请，再批准新的申请。", desk.name)));
    }
    let status = if to == Status::Approved { "approved" } else { "revoked" };
    conn.execute("UPDATE desks SET status = ?2, decided_at = ?3, decided_by = ?4 WHERE id = ?1", params![id, status, clock.now_utc(), by.0])?;
    get(conn, id)
}

pub fn approve(conn: &Connection, clock: &Clock, by: StaffId, id: i64) -> Result<Desk> {
    decide(conn, clock, by, id, Status::Approved)
}

pub fn revoke(conn: &Connection, clock: &Clock, by: StaffId, id: i64) -> Result<Desk> {
    decide(conn, clock, by, id, Status::Revoked)
}

/// Notes when and from where a desk was last seen (at each sign-in).
pub fn seen(conn: &Connection, clock: &Clock, id: i64, address: &str) -> Result<()> {
    conn.execute("UPDATE desks SET last_seen = ?2, address = ?3 WHERE id = ?1", params![id, clock.now_utc(), address])?;
    Ok(())
}

/// Lets a request from the network through, or says why not. `asking`:
/// the command is one a desk may send before it is approved.
pub fn admit(conn: &Connection, key: Option<&str>, asking: bool) -> Result<Option<Desk>> {
    let desk = match key.filter(|k| !k.is_empty()) {
        Some(k) => by_key(conn, k)?,
        None => None,
    };
    if asking {
        return Ok(desk);
    }
    match desk {
        Some(d) if d.status == Status::Approved => Ok(Some(d)),
        Some(d) if d.status == Status::Pending => Err(Error::Forbidden(format!("这台电脑（{}）正在等待院长批准。请院长在主机的 设置 → 多台电脑共用 中批准后再试。", d.name))),
        Some(d) => Err(Error::Forbidden(format!("这台电脑（{}）的连接已被院长撤销。如需继续使用，请重新申请连接。", d.name))),
        None => Err(Error::Forbidden("这台电脑还没有连接本店主机：请先在本机申请连接，并请院长在主机上批准。".into())),
    }
}
