//! Reception triage (前台分诊): registering an arrival (到院登记) with its type,
//! channel and purpose, assigning a consultant or department, and the board of
//! the day's arrivals that reception moves along (等待 → 咨询中 → 治疗中 →
//! 已离院, 成交 or 未成交 on leaving). Every move is kept in arrival_events.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::customers::{self, CustomerId};
use crate::error::{Error, Result};
use crate::staff::StaffId;
use crate::store::{new_uid, write_tx};

/// The arrival types of SPEC §7.
pub const KINDS: [&str; 5] = ["初诊", "复诊", "复查", "治疗", "咨询"];

/// Where an arrival stands on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Waiting,
    Consulting,
    Treating,
    Left,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Waiting => "waiting",
            Status::Consulting => "consulting",
            Status::Treating => "treating",
            Status::Left => "left",
        }
    }

    fn parse(text: &str) -> Option<Status> {
        Some(match text {
            "waiting" => Status::Waiting,
            "consulting" => Status::Consulting,
            "treating" => Status::Treating,
            "left" => Status::Left,
            _ => return None,
        })
    }
}

/// A stored status this version does not know is an error, not 候诊.
impl rusqlite::types::FromSql for Status {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        crate::store::stored(v, "到院状态", Status::parse)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Deal,
    NoDeal,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Deal => "deal",
            Outcome::NoDeal => "no_deal",
        }
    }
}

/// An arrival as the desk's form sends it. Arrivals are registered for today.
#[derive(Debug, Clone, Deserialize)]
pub struct ArrivalDraft {
    pub customer_id: CustomerId,
    pub kind: String,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub assigned_to: Option<StaffId>,
    #[serde(default)]
    pub department: Option<String>,
}

/// One row of the board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardEntry {
    pub id: i64,
    pub customer_id: CustomerId,
    pub name: String,
    pub phone: String,
    pub kind: Option<String>,
    pub channel: Option<String>,
    pub purpose: Option<String>,
    pub assigned_to: Option<StaffId>,
    pub assigned_name: Option<String>,
    pub department: Option<String>,
    pub status: Status,
    pub outcome: Option<Outcome>,
    /// When the customer arrived, UTC.
    pub arrived_at: String,
}

pub fn check_kind(kind: &str) -> std::result::Result<String, String> {
    let k = kind.trim();
    if KINDS.contains(&k) {
        Ok(k.to_string())
    } else {
        Err(format!("到院类型「{k}」无法识别，请填 初诊、复诊、复查、治疗 或 咨询"))
    }
}

fn trimmed(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| t.chars().take(60).collect())
}

/// A validated arrival ready to write (the desk and imports both end here).
pub struct NewArrival {
    pub customer_id: CustomerId,
    pub date: NaiveDate,
    pub kind: Option<String>,
    pub channel: Option<String>,
    pub purpose: Option<String>,
    pub assigned_to: Option<StaffId>,
    pub department: Option<String>,
    pub status: Status,
    pub import_key: Option<String>,
}

/// Writes an arrival and its first board event. Joins the caller's transaction.
pub fn insert_tx(conn: &Connection, clock: &Clock, by: StaffId, a: &NewArrival) -> Result<i64> {
    let now = clock.now_utc();
    conn.prepare_cached(
        "INSERT INTO arrivals (uid, customer_id, visit_date, kind, channel, purpose, assigned_to, department, status, import_key, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        new_uid(),
        a.customer_id.0,
        a.date.to_string(),
        a.kind,
        a.channel,
        a.purpose,
        a.assigned_to.map(|s| s.0),
        a.department,
        a.status.as_str(),
        a.import_key,
        now,
        by.0
    ])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("INSERT INTO arrival_events (arrival_id, status, assigned_to, at, by_staff) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, a.status.as_str(), a.assigned_to.map(|s| s.0), now, by.0])?;
    Ok(id)
}

/// Registers today's arrival of a customer in the caller's transaction;
/// returns the arrival. A customer already on today's board and not yet
/// gone is not registered twice. The appointment it settles and the calls
/// it cancels are the desk's ([`crate::desk::register`]).
pub fn register_in(tx: &Connection, clock: &Clock, by: StaffId, d: &ArrivalDraft) -> Result<i64> {
    let customer = customers::get(tx, d.customer_id)?;
    let kind = check_kind(&d.kind).map_err(|r| Error::invalid("kind", r))?;
    if let Some(staff) = d.assigned_to {
        crate::staff::get(tx, staff)?;
    }
    let today = clock.today();
    let open: Option<i64> = tx
        .query_row(
            "SELECT id FROM arrivals WHERE customer_id = ?1 AND visit_date = ?2 AND status <> 'left' AND voided_at IS NULL",
            params![d.customer_id.0, today.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if open.is_some() {
        return Err(Error::Conflict(format!("{} 今天已登记到院，还在看板上，无需重复登记。", customer.name)));
    }
    let id = insert_tx(
        tx,
        clock,
        by,
        &NewArrival {
            customer_id: d.customer_id,
            date: today,
            kind: Some(kind),
            channel: trimmed(&d.channel).or(customer.channel.clone()),
            purpose: trimmed(&d.purpose),
            assigned_to: d.assigned_to,
            department: trimmed(&d.department),
            status: Status::Waiting,
            import_key: None,
        },
    )?;
    Ok(id)
}

const BOARD_SQL: &str = "
    SELECT a.id, a.customer_id, c.name, c.phone, a.kind, a.channel, a.purpose, a.assigned_to, s.name,
           a.department, a.status, a.outcome, a.created_at
    FROM arrivals a JOIN customers c ON c.id = a.customer_id LEFT JOIN staff s ON s.id = a.assigned_to";

fn entry_of(r: &rusqlite::Row) -> rusqlite::Result<BoardEntry> {
    let status: Status = r.get(10)?;
    let outcome: Option<String> = r.get(11)?;
    Ok(BoardEntry {
        id: r.get(0)?,
        customer_id: CustomerId(r.get(1)?),
        name: r.get(2)?,
        phone: r.get(3)?,
        kind: r.get(4)?,
        channel: r.get(5)?,
        purpose: r.get(6)?,
        assigned_to: r.get::<_, Option<i64>>(7)?.map(StaffId),
        assigned_name: r.get(8)?,
        department: r.get(9)?,
        status,
        outcome: match outcome.as_deref() {
            Some("deal") => Some(Outcome::Deal),
            Some("no_deal") => Some(Outcome::NoDeal),
            _ => None,
        },
        arrived_at: r.get(12)?,
    })
}

pub fn entry(conn: &Connection, id: i64) -> Result<BoardEntry> {
    conn.prepare_cached(&format!("{BOARD_SQL} WHERE a.id = ?1"))?
        .query_row([id], entry_of)
        .optional()?
        .ok_or_else(|| Error::NotFound("找不到这条到院记录。".into()))
}

/// The day's board: everyone who arrived that day (voided entries left out),
/// those still in the clinic first, the latest arrival on top (where the
/// desk that just registered her sees her).
pub fn board(conn: &Connection, date: NaiveDate) -> Result<Vec<BoardEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{BOARD_SQL} WHERE a.visit_date = ?1 AND a.voided_at IS NULL ORDER BY a.status = 'left', a.id DESC"
    ))?;
    let rows = stmt.query_map([date.to_string()], entry_of)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A move on the board as the desk sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct Move {
    pub id: i64,
    pub status: Status,
    /// Required when the status is `left`.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Hands the customer to another consultant or doctor.
    #[serde(default)]
    pub assigned_to: Option<StaffId>,
}

/// Moves an arrival along the board. Leaving needs 成交 or 未成交; an arrival
/// that has left stays left.
pub fn move_to(conn: &mut Connection, clock: &Clock, by: StaffId, m: &Move) -> Result<BoardEntry> {
    let tx = write_tx(conn)?;
    let current = entry(&tx, m.id)?;
    let voided: bool = tx.query_row("SELECT voided_at IS NOT NULL FROM arrivals WHERE id = ?1", [m.id], |r| r.get(0))?;
    if voided {
        return Err(Error::Conflict("这条到院记录已作废。".into()));
    }
    if current.status == Status::Left {
        return Err(Error::Conflict(format!("{} 已离院，不能再改状态。", current.name)));
    }
    let outcome = match (m.status, m.outcome) {
        (Status::Left, None) => return Err(Error::invalid("outcome", "离院时请选择成交或未成交")),
        (Status::Left, Some(o)) => Some(o),
        (_, _) => None,
    };
    if let Some(staff) = m.assigned_to {
        crate::staff::get(&tx, staff)?;
    }
    let assigned = m.assigned_to.or(current.assigned_to);
    tx.execute(
        "UPDATE arrivals SET status = ?2, outcome = ?3, assigned_to = ?4 WHERE id = ?1",
        params![m.id, m.status.as_str(), outcome.map(Outcome::as_str), assigned.map(|s| s.0)],
    )?;
    tx.execute(
        "INSERT INTO arrival_events (arrival_id, status, outcome, assigned_to, at, by_staff) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![m.id, m.status.as_str(), outcome.map(Outcome::as_str), assigned.map(|s| s.0), clock.now_utc(), by.0],
    )?;
    tx.commit()?;
    entry(conn, m.id)
}

/// The customer's most recent visit day and open arrival today, for the desk's card.
pub fn today_arrival(conn: &Connection, customer: CustomerId, today: NaiveDate) -> Result<Option<BoardEntry>> {
    Ok(conn
        .prepare_cached(&format!(
            "{BOARD_SQL} WHERE a.customer_id = ?1 AND a.visit_date = ?2 AND a.voided_at IS NULL ORDER BY a.id DESC LIMIT 1"
        ))?
        .query_row(params![customer.0, today.to_string()], entry_of)
        .optional()?)
}

#[cfg(test)]
mod tests;
