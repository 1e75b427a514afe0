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

/// Every customer's visit days and money moves up to a date, in memory: what
/// tiers for everyone and the monthly report compute from. Read with one scan
/// of each live fact table through its covering partial index (named, because
/// the planner would otherwise pick the date index and then fetch every row
/// from the table, ten times slower). Days are yyyymmdd numbers.
pub struct FactTable {
    /// Customer ids; slot i is `ids[i]`.
    pub ids: Vec<i64>,
    /// Sorted, distinct visit days per slot.
    pub visits: Vec<Vec<i32>>,
    /// (day, signed fen) per slot, sorted by day.
    pub money: Vec<Vec<(i32, i64)>>,
}

impl FactTable {
    /// Reads every customer's facts dated on or before `through`.
    pub fn load(conn: &Connection, through: NaiveDate) -> Result<FactTable> {
        let day = through.to_string();
        let ids: Vec<i64> = conn.prepare("SELECT id FROM customers ORDER BY id")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let max_id = ids.last().copied().unwrap_or(0).max(0) as usize;
        let mut slot = vec![u32::MAX; max_id + 1];
        for (i, id) in ids.iter().enumerate() {
            slot[*id as usize] = i as u32;
        }
        let slot_of = |id: i64| slot.get(id as usize).copied().filter(|s| *s != u32::MAX).map(|s| s as usize);
        let mut visits: Vec<Vec<i32>> = vec![Vec::new(); ids.len()];
        let mut money: Vec<Vec<(i32, i64)>> = vec![Vec::new(); ids.len()];
        // Payments are both visit days and money: one scan serves both.
        {
            let mut stmt = conn.prepare(
                "SELECT customer_id, pay_date, amount_fen FROM payments INDEXED BY payments_live WHERE voided_at IS NULL AND pay_date <= ?1",
            )?;
            let mut rows = stmt.query([&day])?;
            while let Some(r) = rows.next()? {
                let amount: i64 = r.get(2)?;
                if let (Some(s), Some(n)) = (slot_of(r.get(0)?), r.get_ref(1)?.as_bytes().ok().and_then(day_number)) {
                    visits[s].push(n);
                    money[s].push((n, amount));
                }
            }
        }
        for sql in [
            "SELECT customer_id, visit_date FROM arrivals INDEXED BY arrivals_live WHERE voided_at IS NULL AND visit_date <= ?1",
            "SELECT customer_id, exec_date FROM executions INDEXED BY executions_live WHERE voided_at IS NULL AND exec_date <= ?1",
        ] {
            let mut stmt = conn.prepare(sql)?;
            let mut rows = stmt.query([&day])?;
            while let Some(r) = rows.next()? {
                if let (Some(s), Some(n)) = (slot_of(r.get(0)?), r.get_ref(1)?.as_bytes().ok().and_then(day_number)) {
                    visits[s].push(n);
                }
            }
        }
        for v in &mut visits {
            v.sort_unstable();
            v.dedup();
        }
        {
            let mut stmt = conn.prepare(
                "SELECT customer_id, refund_date, amount_fen FROM refunds INDEXED BY refunds_live WHERE voided_at IS NULL AND refund_date <= ?1",
            )?;
            let mut rows = stmt.query([&day])?;
            while let Some(r) = rows.next()? {
                let amount: i64 = r.get(2)?;
                if let (Some(s), Some(n)) = (slot_of(r.get(0)?), r.get_ref(1)?.as_bytes().ok().and_then(day_number)) {
                    money[s].push((n, -amount));
                }
            }
        }
        for m in &mut money {
            m.sort_unstable();
        }
        Ok(FactTable { ids, visits, money })
    }

    /// Slot `i`'s facts as of `d` (which must not be after the load date).
    pub fn facts(&self, i: usize, d: NaiveDate) -> Facts {
        let end = number_of_date(d);
        let start = number_of_date(window_365_start(d));
        let visits = &self.visits[i][..self.visits[i].partition_point(|v| *v <= end)];
        let mut spend_365 = 0;
        let mut spend_total = 0;
        for (n, fen) in self.money[i].iter().take_while(|(n, _)| *n <= end) {
            spend_total += fen;
            if *n >= start {
                spend_365 += fen;
            }
        }
        Facts {
            visit_days: visits.len() as i64,
            first_visit: visits.first().and_then(|n| date_of_number(*n)),
            last_visit: visits.last().and_then(|n| date_of_number(*n)),
            spend_365: Money(spend_365),
            spend_total: Money(spend_total),
        }
    }
}

/// yyyymmdd of a date, as [`FactTable`] keeps days.
pub fn day_key(d: NaiveDate) -> i32 {
    number_of_date(d)
}

/// The date of a yyyymmdd key.
pub fn key_date(n: i32) -> Option<NaiveDate> {
    date_of_number(n)
}

/// Every customer's facts as of `d`, in customer id order, leads included;
/// the same definitions as [`facts`] (a test holds them equal).
pub fn all_facts(conn: &Connection, d: NaiveDate) -> Result<Vec<(CustomerId, Facts)>> {
    let table = FactTable::load(conn, d)?;
    Ok((0..table.ids.len()).map(|i| (CustomerId(table.ids[i]), table.facts(i, d))).collect())
}

#[cfg(test)]
mod tests;
