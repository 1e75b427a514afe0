//! Visit days, spend and first visit (SPEC §2), in one place: tiers, points,
//! follow-ups and reports all read them from here. The SQL views
//! `visit_days` and `money_moves` (migration 0002) hold the definitions:
//! a visit day is a local date with an arrival, a payment (always positive)
//! or an executed session, voided records not counted; net spend is payments
//! minus refunds, each dated by its own date.

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::customers::CustomerId;
use crate::error::Result;
use crate::money::Money;

/// The first day of the 365-day window ending on `d`: [d − 364, d].
pub fn window_365_start(d: NaiveDate) -> NaiveDate {
    d.checked_sub_days(Days::new(364)).unwrap_or(NaiveDate::MIN)
}

/// A customer's facts as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// Distinct visit days on or before the date.
    pub visit_days: i64,
    pub first_visit: Option<NaiveDate>,
    pub last_visit: Option<NaiveDate>,
    /// Net spend dated in [D − 364, D].
    pub spend_365: Money,
    /// Net spend dated on or before D.
    pub spend_total: Money,
}

impl Facts {
    /// A customer with no visit day is a lead (意向客户).
    pub fn is_lead(&self) -> bool {
        self.visit_days == 0
    }
}

fn date_of(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
}

/// One customer's facts as of `d`.
pub fn facts(conn: &Connection, customer: CustomerId, d: NaiveDate) -> Result<Facts> {
    let day = d.to_string();
    let (visit_days, first, last): (i64, Option<String>, Option<String>) = conn
        .prepare_cached("SELECT count(*), min(day), max(day) FROM visit_days WHERE customer_id = ?1 AND day <= ?2")?
        .query_row(rusqlite::params![customer.0, day], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let (spend_365, spend_total): (i64, i64) = conn
        .prepare_cached(
            "SELECT coalesce(sum(CASE WHEN day >= ?3 THEN amount_fen END), 0), coalesce(sum(amount_fen), 0)
             FROM money_moves WHERE customer_id = ?1 AND day <= ?2",
        )?
        .query_row(rusqlite::params![customer.0, day, window_365_start(d).to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Facts {
        visit_days,
        first_visit: date_of(first),
        last_visit: date_of(last),
        spend_365: Money(spend_365),
        spend_total: Money(spend_total),
    })
}

/// The customer's visit days on or before `d`, oldest first.
pub fn visit_days(conn: &Connection, customer: CustomerId, d: NaiveDate) -> Result<Vec<NaiveDate>> {
    let mut stmt = conn.prepare_cached("SELECT day FROM visit_days WHERE customer_id = ?1 AND day <= ?2 ORDER BY day")?;
    let days = stmt
        .query_map(rusqlite::params![customer.0, d.to_string()], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(days.into_iter().filter_map(|t| date_of(Some(t))).collect())
}

/// Whether the customer has a visit day on `d` itself.
pub fn visited_on(conn: &Connection, customer: CustomerId, d: NaiveDate) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM visit_days WHERE customer_id = ?1 AND day = ?2")?
        .query_row(rusqlite::params![customer.0, d.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// A stored 'YYYY-MM-DD' as the number yyyymmdd: it orders as the dates do,
/// which is all the bulk pass needs, and reads millions of rows without
/// allocating or going through a date parser.
fn day_number(text: &[u8]) -> Option<i32> {
    if text.len() != 10 || text[4] != b'-' || text[7] != b'-' {
        return None;
    }
    let mut n: i32 = 0;
    for (i, b) in text.iter().enumerate() {
        if i == 4 || i == 7 {
            continue;
        }
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i32::from(b - b'0');
    }
    Some(n)
}

fn date_of_number(n: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(n / 10000, (n / 100 % 100) as u32, (n % 100) as u32)
}

fn number_of_date(d: NaiveDate) -> i32 {
    d.year() * 10000 + d.month() as i32 * 100 + d.day() as i32
}

/// Every customer's facts as of `d`, in customer id order, leads included.
/// One scan of each live fact table through its covering partial index
/// (named, because the planner would otherwise pick the date index and then
/// fetch every row from the table, ten times slower); the same
/// definitions as [`facts`] (a test holds them equal).
pub fn all_facts(conn: &Connection, d: NaiveDate) -> Result<Vec<(CustomerId, Facts)>> {
    let day = d.to_string();
    let window_start = number_of_date(window_365_start(d));
    let ids: Vec<i64> = conn.prepare("SELECT id FROM customers ORDER BY id")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let max_id = ids.last().copied().unwrap_or(0).max(0) as usize;
    let mut slot = vec![u32::MAX; max_id + 1];
    for (i, id) in ids.iter().enumerate() {
        slot[*id as usize] = i as u32;
    }
    let slot_of = |id: i64| slot.get(id as usize).copied().filter(|s| *s != u32::MAX);

    // (customer slot, day number) of every live arrival, payment and execution.
    let mut visits: Vec<(u32, i32)> = Vec::new();
    for sql in [
        "SELECT customer_id, visit_date FROM arrivals INDEXED BY arrivals_live WHERE voided_at IS NULL AND visit_date <= ?1",
        "SELECT customer_id, pay_date FROM payments INDEXED BY payments_live WHERE voided_at IS NULL AND pay_date <= ?1",
        "SELECT customer_id, exec_date FROM executions INDEXED BY executions_live WHERE voided_at IS NULL AND exec_date <= ?1",
    ] {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([&day])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if let (Some(s), Some(n)) = (slot_of(id), r.get_ref(1)?.as_bytes().ok().and_then(day_number)) {
                visits.push((s, n));
            }
        }
    }
    visits.sort_unstable();
    visits.dedup();

    let mut spend_365 = vec![0i64; ids.len()];
    let mut spend_total = vec![0i64; ids.len()];
    for (sql, sign) in [
        ("SELECT customer_id, pay_date, amount_fen FROM payments INDEXED BY payments_live WHERE voided_at IS NULL AND pay_date <= ?1", 1),
        ("SELECT customer_id, refund_date, amount_fen FROM refunds INDEXED BY refunds_live WHERE voided_at IS NULL AND refund_date <= ?1", -1),
    ] {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([&day])?;
        while let Some(r) = rows.next()? {
            let (id, amount): (i64, i64) = (r.get(0)?, r.get(2)?);
            if let (Some(s), Some(n)) = (slot_of(id), r.get_ref(1)?.as_bytes().ok().and_then(day_number)) {
                spend_total[s as usize] += sign * amount;
                if n >= window_start {
                    spend_365[s as usize] += sign * amount;
                }
            }
        }
    }

    let from_number = date_of_number;
    let mut out: Vec<(CustomerId, Facts)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            (
                CustomerId(*id),
                Facts {
                    visit_days: 0,
                    first_visit: None,
                    last_visit: None,
                    spend_365: Money(spend_365[i]),
                    spend_total: Money(spend_total[i]),
                },
            )
        })
        .collect();
    for (s, n) in visits {
        let f = &mut out[s as usize].1;
        f.visit_days += 1;
        if f.first_visit.is_none() {
            f.first_visit = from_number(n);
        }
        f.last_visit = from_number(n);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
