//! Vouchers (券, SPEC §8): issued to one customer with a face value, an
//! optional threshold (满 X 减 Y), an issue date and a last valid day (issue +
//! 89 by default), from a referral, a campaign or the owner's hand. A voucher
//! is open until it is redeemed or voided (each once, each a ledger line) or
//! its last valid day has passed. The ledger is append-only; the status on
//! any date is read from it.

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::customers::CustomerId;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::staff::StaffId;
use crate::store::new_uid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Referral,
    Campaign,
    Manual,
}

impl Source {
    fn key(self) -> &'static str {
        match self {
            Source::Referral => "referral",
            Source::Campaign => "campaign",
            Source::Manual => "manual",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Referral => "推荐奖励",
            Source::Campaign => "活动券",
            Source::Manual => "院长发放",
        }
    }

    fn parse(text: &str) -> Option<Source> {
        [Source::Referral, Source::Campaign, Source::Manual].into_iter().find(|s| s.key() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Redeemed,
    Expired,
    Voided,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "可用",
            Status::Redeemed => "已使用",
            Status::Expired => "已过期",
            Status::Voided => "已作废",
        }
    }
}

/// A voucher as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voucher {
    pub id: i64,
    pub customer_id: CustomerId,
    pub phone: String,
    pub name: String,
    pub face: Money,
    pub threshold: Option<Money>,
    pub issued: NaiveDate,
    pub valid_through: NaiveDate,
    pub source: Source,
    pub status: Status,
    pub note: Option<String>,
}

/// A voucher as the owner (or a rule) issues it.
#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    pub customer_id: CustomerId,
    pub face: Money,
    #[serde(default)]
    pub threshold: Option<Money>,
    /// The last valid day; issue + (the owner's voucher days − 1) when absent.
    #[serde(default)]
    pub valid_through: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Issues a voucher dated today. `source_key` makes a rule's voucher once
/// only: a second issue with the same key for the same customer changes
/// nothing and answers None.
pub fn issue(conn: &Connection, clock: &Clock, by: StaffId, v: &Issue, source: Source, source_key: Option<&str>) -> Result<Option<i64>> {
    issue_on(conn, clock, by, v, source, source_key, clock.today())
}

/// [`issue`] dated `on` (a rule's voucher is dated by the fact that earned it).
pub fn issue_on(conn: &Connection, clock: &Clock, by: StaffId, v: &Issue, source: Source, source_key: Option<&str>, on: NaiveDate) -> Result<Option<i64>> {
    crate::customers::get(conn, v.customer_id)?;
    if v.face.fen() <= 0 {
        return Err(Error::invalid("face", "券的面额应大于 0"));
    }
    if v.threshold.is_some_and(|t| t.fen() <= 0) {
        return Err(Error::invalid("threshold", "使用门槛应大于 0，或不填"));
    }
    let days = crate::benefits::settings(conn)?.voucher_days;
    let last = match v.valid_through {
        Some(d) if d < on.max(clock.today()) => return Err(Error::invalid("valid_through", "有效期不能早于今天")),
        Some(d) => d,
        None => on.checked_add_days(Days::new((days - 1).max(0) as u64)).unwrap_or(on),
    };
    if let Some(key) = source_key {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM vouchers WHERE source_key = ?1 AND customer_id = ?2)",
            params![key, v.customer_id.0],
            |r| r.get(0),
        )?;
        if exists {
            return Ok(None);
        }
    }
    let note = v.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    conn.execute(
        "INSERT INTO vouchers (uid, customer_id, face_fen, threshold_fen, issued_on, valid_through, source, source_key, note, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            new_uid(),
            v.customer_id.0,
            v.face.fen(),
            v.threshold.map(Money::fen),
            on.to_string(),
            last.to_string(),
            source.key(),
            source_key,
            note,
            clock.now_utc(),
            by.0
        ],
    )?;
    Ok(Some(conn.last_insert_rowid()))
}

/// The referral voucher (SPEC §8): when a referred customer's first positive
/// payment falls on d and the referrer's membership as of d − 1 is the
/// owner's minimum or better, the referrer gets the owner's voucher dated d,
/// once per referred customer. Run for the customers a write touched; a
/// referred customer already rewarded (or not yet paying) costs one lookup.
pub fn issue_referrals(conn: &Connection, clock: &Clock, referred: impl Iterator<Item = CustomerId>) -> Result<usize> {
    let rules = crate::benefits::settings(conn)?;
    if rules.referral_voucher.fen() <= 0 {
        return Ok(0);
    }
    // Read once, and only when a referred customer has paid: most writes touch none.
    let mut tiers = None;
    let mut first_payment = conn.prepare_cached(
        "SELECT c.referrer_id, c.name, (SELECT min(p.pay_date) FROM payments p WHERE p.customer_id = c.id AND p.voided_at IS NULL AND p.amount_fen > 0)
         FROM customers c WHERE c.id = ?1 AND c.referrer_id IS NOT NULL",
    )?;
    let mut rewarded = conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM vouchers WHERE source_key = ?1)")?;
    let mut issued = 0;
    for c in referred {
        let Some((referrer, name, first)) = first_payment
            .query_row([c.0], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))
            .optional()?
        else {
            continue;
        };
        let Some(first) = first.as_deref().and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()) else { continue };
        let key = format!("referral:{}", c.0);
        if rewarded.query_row([&key], |r| r.get::<_, bool>(0))? {
            continue;
        }
        let before = first.checked_sub_days(Days::new(1)).unwrap_or(first);
        // Membership is ordered best first: 星钻 < … < 非会员.
        let tiers = match &tiers {
            Some(t) => t,
            None => tiers.insert(crate::tiers::rules(conn)?),
        };
        if crate::benefits::membership_on(conn, tiers, CustomerId(referrer), before)? > rules.referral_min {
            continue;
        }
        let voucher = Issue {
            customer_id: CustomerId(referrer),
            face: rules.referral_voucher,
            threshold: None,
            valid_through: None,
            note: Some(format!("推荐 {name} 首次消费")),
        };
        if issue_on(conn, clock, crate::staff::SYSTEM_STAFF, &voucher, Source::Referral, Some(&key), first)?.is_some() {
            issued += 1;
        }
    }
    Ok(issued)
}

/// Open vouchers on `d` whose last valid day is at most `until`, as
/// (customer, face, last valid day), soonest first.
pub fn lapsing(conn: &Connection, d: NaiveDate, until: NaiveDate) -> Result<Vec<(i64, Money, NaiveDate)>> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT v.customer_id, v.face_fen, v.valid_through FROM vouchers v
             WHERE v.issued_on <= ?1 AND v.valid_through BETWEEN ?1 AND ?2
               AND {}
             ORDER BY v.valid_through, v.id",
            unused_by_date()
        ))?
        .query_map([d.to_string(), until.to_string()], |r| Ok((r.get(0)?, Money(r.get(1)?), date(&r.get::<_, String>(2)?)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The customers with an open voucher whose last valid day is within 14 days
/// of `d` (a campaign's reminder segment).
pub fn lapsing_customers(conn: &Connection, d: NaiveDate) -> Result<std::collections::HashSet<i64>> {
    Ok(lapsing(conn, d, crate::wallet::voucher_reminder_until(d))?.into_iter().map(|(c, _, _)| c).collect())
}

/// Every customer who has a referrer (for a large import's one pass).
pub fn referred_customers(conn: &Connection) -> Result<std::collections::HashSet<CustomerId>> {
    let ids = conn
        .prepare("SELECT id FROM customers WHERE referrer_id IS NOT NULL")?
        .query_map([], |r| r.get(0).map(CustomerId))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Voids an open voucher with a reason (kept in the ledger).
pub fn void(conn: &Connection, clock: &Clock, by: StaffId, id: i64, reason: &str) -> Result<Voucher> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid("reason", "请写明作废原因"));
    }
    let today = clock.today();
    let v = get(conn, id, today)?;
    if v.status != Status::Open {
        return Err(Error::Conflict(format!("这张券已是「{}」，不能作废。", v.status.label())));
    }
    conn.execute(
        "INSERT INTO voucher_events (voucher_id, what, on_date, reason, at, by_staff) VALUES (?1, 'voided', ?2, ?3, ?4, ?5)",
        params![id, today.to_string(), reason, clock.now_utc(), by.0],
    )?;
    get(conn, id, today)
}

/// A ledger line that stands: a void, or a use on a credit still live (a use
/// undone by voiding its order or credit is as if it never happened, like a
/// voided payment; its `released` line only records the undoing).
const STANDING: &str = "(e.what = 'voided' OR (e.what = 'redeemed' AND NOT EXISTS (SELECT 1 FROM order_credits k WHERE k.id = e.credit_id AND k.voided_at IS NOT NULL)))";

/// The voucher `v` has no standing ledger line by `?1`: neither used nor voided then.
fn unused_by_date() -> String {
    format!("NOT EXISTS (SELECT 1 FROM voucher_events e WHERE e.voucher_id = v.id AND e.on_date <= ?1 AND {STANDING})")
}

/// Vouchers with their latest standing ledger line dated on or before `?1`.
fn select_sql() -> String {
    format!(
        "SELECT v.id, v.customer_id, c.phone, c.name, v.face_fen, v.threshold_fen, v.issued_on, v.valid_through, v.source, v.note,
                (SELECT e.what FROM voucher_events e WHERE e.voucher_id = v.id AND e.on_date <= ?1 AND {STANDING} ORDER BY e.on_date DESC, e.id DESC LIMIT 1)
         FROM vouchers v JOIN customers c ON c.id = v.customer_id"
    )
}

fn date(text: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// The status a voucher's latest ledger line (as of `d`) and its dates give it.
fn status_of(latest: Option<&str>, valid_through: NaiveDate, d: NaiveDate) -> Status {
    match latest {
        Some("redeemed") => Status::Redeemed,
        Some("voided") => Status::Voided,
        _ if d > valid_through => Status::Expired,
        _ => Status::Open,
    }
}

fn voucher_of(r: &rusqlite::Row, d: NaiveDate) -> rusqlite::Result<Voucher> {
    let source: String = r.get(8)?;
    let valid_through = date(&r.get::<_, String>(7)?)?;
    let latest: Option<String> = r.get(10)?;
    Ok(Voucher {
        id: r.get(0)?,
        customer_id: CustomerId(r.get(1)?),
        phone: r.get(2)?,
        name: r.get(3)?,
        face: Money(r.get(4)?),
        threshold: r.get::<_, Option<i64>>(5)?.map(Money),
        issued: date(&r.get::<_, String>(6)?)?,
        valid_through,
        source: Source::parse(&source).unwrap_or(Source::Manual),
        status: status_of(latest.as_deref(), valid_through, d),
        note: r.get(9)?,
    })
}

pub fn get(conn: &Connection, id: i64, d: NaiveDate) -> Result<Voucher> {
    conn.prepare_cached(&format!("{} WHERE v.id = ?2", select_sql()))?
        .query_row(params![d.to_string(), id], |r| voucher_of(r, d))
        .optional()?
        .ok_or_else(|| Error::NotFound("找不到这张券。".into()))
}

/// Every voucher issued on or before `d` with its status as of `d`, sorted
/// by phone, then issue date (`liuke vouchers`).
pub fn all(conn: &Connection, d: NaiveDate) -> Result<Vec<Voucher>> {
    let mut stmt = conn.prepare(&format!("{} WHERE v.issued_on <= ?1 ORDER BY c.phone, v.issued_on, v.id", select_sql()))?;
    let rows = stmt.query_map([d.to_string()], |r| voucher_of(r, d))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One customer's vouchers as of `d`, newest first.
pub fn of_customer(conn: &Connection, customer: CustomerId, d: NaiveDate) -> Result<Vec<Voucher>> {
    let mut stmt = conn.prepare_cached(&format!("{} WHERE v.customer_id = ?2 AND v.issued_on <= ?1 ORDER BY v.issued_on DESC, v.id DESC", select_sql()))?;
    let rows = stmt.query_map(params![d.to_string(), customer.0], |r| voucher_of(r, d))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The voucher figures of a month (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MonthFigures {
    pub issued: i64,
    pub redeemed: i64,
    /// Face value of the vouchers used in the month.
    pub value_redeemed: Money,
    /// Face value of the vouchers open and unexpired at its last day.
    pub outstanding: Money,
}

pub fn month_figures(conn: &Connection, first: NaiveDate, last: NaiveDate) -> Result<MonthFigures> {
    let (first, last) = (first.to_string(), last.to_string());
    let issued: i64 = conn.prepare_cached("SELECT count(*) FROM vouchers WHERE issued_on BETWEEN ?1 AND ?2")?.query_row([&first, &last], |r| r.get(0))?;
    let (redeemed, value): (i64, i64) = conn
        .prepare_cached(&format!(
            "SELECT count(*), coalesce(sum(v.face_fen), 0) FROM voucher_events e JOIN vouchers v ON v.id = e.voucher_id
             WHERE e.what = 'redeemed' AND e.on_date BETWEEN ?1 AND ?2 AND {STANDING}"
        ))?
        .query_row([&first, &last], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let outstanding: i64 = conn
        .prepare_cached(&format!(
            "SELECT coalesce(sum(v.face_fen), 0) FROM vouchers v
             WHERE v.issued_on <= ?1 AND v.valid_through >= ?1
               AND {}",
            unused_by_date()
        ))?
        .query_row([&last], |r| r.get(0))?;
    Ok(MonthFigures { issued, redeemed, value_redeemed: Money(value), outstanding: Money(outstanding) })
}

/// The SPEC §7 shape of `liuke vouchers`.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub phone: String,
    pub face: Money,
    pub threshold: Option<Money>,
    pub issued: NaiveDate,
    pub valid_through: NaiveDate,
    pub source: Source,
    pub status: Status,
}

pub fn rows(vouchers: &[Voucher]) -> Vec<Row> {
    vouchers
        .iter()
        .map(|v| Row { phone: v.phone.clone(), face: v.face, threshold: v.threshold, issued: v.issued, valid_through: v.valid_through, source: v.source, status: v.status })
        .collect()
}

/// Rows as CSV for Excel: UTF-8 with BOM, Chinese headers and labels.
pub fn rows_csv(vouchers: &[Voucher]) -> Result<String> {
    crate::export::csv_for_excel(
        &["手机号", "姓名", "面额", "使用门槛", "发放日期", "有效期至", "来源", "状态"],
        vouchers.iter().map(|v| {
            vec![
                v.phone.clone(),
                v.name.clone(),
                v.face.to_string(),
                v.threshold.map(|t| t.to_string()).unwrap_or_default(),
                v.issued.to_string(),
                v.valid_through.to_string(),
                v.source.label().to_string(),
                v.status.label().to_string(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests;
