//! Points (积分, SPEC §4). Earned points come from the facts: a live payment of
//! A on d earns floor(A), doubled in the customer's birthday month; a referred
//! customer's first payment earns the referrer 500 on that date. A refund of A
//! removes floor(A); a redemption (the one thing staff enter) removes what it
//! redeems. Removals take from the oldest unexpired points first and never
//! take the balance below zero; on one date earnings count before removals.
//! Points earned on d expire at d + 365. The ledger is replayed from these
//! facts, so a voided payment never leaves points behind.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::clock::Clock;
use crate::customers::{self, CustomerId};
use crate::error::{Error, Result};
use crate::staff::StaffId;
use crate::store::{new_uid, write_tx};

/// Points for referring a customer who then pays.
pub const REFERRAL_POINTS: i64 = 500;
/// Points live this many days: earned on d, usable through d + 364.
pub const LIFETIME_DAYS: u64 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Earn,
    BirthdayEarn,
    MemberDayEarn,
    Referral,
    Refund,
    Redeem,
    Expire,
}

impl Kind {
    fn adds(self) -> bool {
        matches!(self, Kind::Earn | Kind::BirthdayEarn | Kind::MemberDayEarn | Kind::Referral)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Earn => "消费积分",
            Kind::BirthdayEarn => "生日月双倍积分",
            Kind::MemberDayEarn => "会员日双倍积分",
            Kind::Referral => "推荐奖励",
            Kind::Refund => "退款扣回",
            Kind::Redeem => "积分兑换",
            Kind::Expire => "到期失效",
        }
    }
}

/// A fact that moves points, before the replay decides how much it can take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub day: NaiveDate,
    pub kind: Kind,
    /// Points asked for: earned (> 0) or to remove (> 0).
    pub points: i64,
    pub note: String,
}

/// One line of the ledger the customer file shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub day: NaiveDate,
    pub kind: Kind,
    pub label: &'static str,
    /// Signed: what the balance actually moved by.
    pub points: i64,
    pub balance: i64,
    pub note: String,
}

/// The replay of a customer's movements up to a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ledger {
    pub balance: i64,
    pub entries: Vec<Entry>,
    /// Points that expire in the next 30 days, for a reminder.
    pub expiring_30d: i64,
    /// Those points by the day they lapse, soonest first.
    pub lapsing: Vec<Lapse>,
}

/// Points that lapse on a day unless spent before (积分 N 将于 D 到期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lapse {
    pub on: NaiveDate,
    pub points: i64,
}

struct Lot {
    earned: NaiveDate,
    left: i64,
}

fn expiry(earned: NaiveDate) -> NaiveDate {
    earned.checked_add_days(Days::new(LIFETIME_DAYS)).unwrap_or(NaiveDate::MAX)
}

/// Replays movements (any order) up to and including `d`.
pub fn replay(mut movements: Vec<Movement>, d: NaiveDate) -> Ledger {
    movements.retain(|m| m.day <= d && m.points > 0);
    // On one date, earnings before removals.
    movements.sort_by_key(|m| (m.day, !m.kind.adds()));
    let mut lots: std::collections::VecDeque<Lot> = Default::default();
    let mut entries = Vec::new();
    let mut balance = 0i64;
    let expire_before = |day: NaiveDate, lots: &mut std::collections::VecDeque<Lot>, balance: &mut i64, entries: &mut Vec<Entry>| {
        while let Some(lot) = lots.front() {
            let at = expiry(lot.earned);
            if at > day {
                break;
            }
            if lot.left > 0 {
                *balance -= lot.left;
                entries.push(Entry {
                    day: at,
                    kind: Kind::Expire,
                    label: Kind::Expire.label(),
                    points: -lot.left,
                    balance: *balance,
                    note: format!("{} 获得的积分", lot.earned),
                });
            }
            lots.pop_front();
        }
    };
    for m in movements {
        expire_before(m.day, &mut lots, &mut balance, &mut entries);
        let moved = if m.kind.adds() {
            lots.push_back(Lot { earned: m.day, left: m.points });
            m.points
        } else {
            let mut want = m.points;
            let mut taken = 0;
            for lot in lots.iter_mut() {
                if want == 0 {
                    break;
                }
                let take = want.min(lot.left);
                lot.left -= take;
                want -= take;
                taken += take;
            }
            -taken
        };
        balance += moved;
        entries.push(Entry { day: m.day, kind: m.kind, label: m.kind.label(), points: moved, balance, note: m.note });
    }
    expire_before(d, &mut lots, &mut balance, &mut entries);
    let soon = d.checked_add_days(Days::new(30)).unwrap_or(NaiveDate::MAX);
    let mut lapsing: Vec<Lapse> = Vec::new();
    for lot in lots.iter().filter(|l| l.left > 0 && expiry(l.earned) <= soon) {
        let on = expiry(lot.earned);
        match lapsing.last_mut() {
            Some(last) if last.on == on => last.points += lot.left,
            _ => lapsing.push(Lapse { on, points: lot.left }),
        }
    }
    let expiring_30d = lapsing.iter().map(|l| l.points).sum();
    Ledger { balance, entries, expiring_30d, lapsing }
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Points a payment of `fen` on `day` earns for a customer born in
/// `birth_month`; `member_day`: the day is the clinic's 会员日 and the
/// customer was a member the day before. Doubles never stack.
pub fn earned(fen: i64, day: NaiveDate, birth_month: Option<u32>, member_day: bool) -> (Kind, i64) {
    let base = fen.div_euclid(100);
    if birth_month == Some(day.month()) {
        (Kind::BirthdayEarn, base * 2)
    } else if member_day {
        (Kind::MemberDayEarn, base * 2)
    } else {
        (Kind::Earn, base)
    }
}

/// The (customer, date) pairs of live payments made on the clinic's 会员日 by
/// customers whose membership as of the day before was not `none` (§4).
fn member_day_payments(conn: &Connection, customer: Option<CustomerId>) -> Result<std::collections::HashSet<(i64, NaiveDate)>> {
    let mut doubled = std::collections::HashSet::new();
    let Some(day) = crate::benefits::settings(conn)?.member_day else { return Ok(doubled) };
    let rules = crate::tiers::rules(conn)?;
    // One customer's payments through her index; everyone's in one scan.
    let sql = match customer {
        Some(_) => "SELECT DISTINCT customer_id, pay_date FROM payments INDEXED BY payments_live
                    WHERE customer_id = ?2 AND voided_at IS NULL AND CAST(substr(pay_date, 9, 2) AS INTEGER) = ?1",
        None => "SELECT DISTINCT customer_id, pay_date FROM payments WHERE voided_at IS NULL AND CAST(substr(pay_date, 9, 2) AS INTEGER) = ?1 AND ?2 IS NULL",
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let pairs: Vec<(i64, String)> = stmt.query_map(rusqlite::params![day, customer.map(|c| c.0)], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    for (id, text) in pairs {
        let Some(d) = date(&text) else { continue };
        let before = d.checked_sub_days(Days::new(1)).unwrap_or(d);
        if crate::benefits::membership_on(conn, &rules, CustomerId(id), before)? != crate::tiers::Membership::None {
            doubled.insert((id, d));
        }
    }
    Ok(doubled)
}

/// Every customer's point movements, keyed by customer id.
fn movements_where(conn: &Connection, customer: Option<CustomerId>) -> Result<HashMap<i64, Vec<Movement>>> {
    // One customer's movements are read on every desk card and call list:
    // the statements are cached with the customer as a parameter.
    let filter = |col: &str| match customer {
        Some(_) => format!("AND {col} = ?1"),
        None => String::new(),
    };
    let param = || rusqlite::params_from_iter(customer.map(|c| c.0));
    let mut out: HashMap<i64, Vec<Movement>> = HashMap::new();
    let birth_month: HashMap<i64, u32> = conn
        .prepare_cached(&format!("SELECT id, birthday FROM customers WHERE birthday IS NOT NULL {}", filter("id")))?
        .query_map(param(), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .filter_map(|r| r.ok())
        .filter_map(|(id, b)| date(&b).map(|d| (id, d.month())))
        .collect();
    // Each source row is (customer, date, amount or points, note); the three
    // kinds of fact differ only in what they make of it.
    let mut each = |sql: &str, make: &mut dyn FnMut(i64, NaiveDate, i64, String) -> Movement| -> Result<()> {
        let mut stmt = conn.prepare_cached(&format!("{sql} {}", filter("customer_id")))?;
        let mut rows = stmt.query(param())?;
        while let Some(r) = rows.next()? {
            let (id, day, n, note): (i64, String, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            if let Some(day) = date(&day) {
                out.entry(id).or_default().push(make(id, day, n, note));
            }
        }
        Ok(())
    };
    let member_day = member_day_payments(conn, customer)?;
    each(
        "SELECT customer_id, pay_date, amount_fen, '' FROM payments INDEXED BY payments_live WHERE voided_at IS NULL",
        &mut |id, day, fen, _| {
            let (kind, points) = earned(fen, day, birth_month.get(&id).copied(), member_day.contains(&(id, day)));
            Movement { day, kind, points, note: format!("消费 {}", crate::money::Money(fen).as_yuan_text()) }
        },
    )?;
    each(
        "SELECT customer_id, refund_date, amount_fen, '' FROM refunds INDEXED BY refunds_live WHERE voided_at IS NULL",
        &mut |_, day, fen, _| Movement { day, kind: Kind::Refund, points: fen.div_euclid(100), note: format!("退款 {}", crate::money::Money(fen).as_yuan_text()) },
    )?;
    each(
        "SELECT customer_id, day, points, coalesce(note, '') FROM point_redemptions WHERE voided_at IS NULL",
        &mut |_, day, points, note| Movement { day, kind: Kind::Redeem, points, note },
    )?;
    // A referred customer's first live payment earns their referrer 500 on that date.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.referrer_id, c.name, (SELECT min(pay_date) FROM payments p WHERE p.customer_id = c.id AND p.voided_at IS NULL)
         FROM customers c WHERE c.referrer_id IS NOT NULL {}",
        filter("c.referrer_id")
    ))?;
    let mut rows = stmt.query(param())?;
    while let Some(r) = rows.next()? {
        let (referrer, name, first): (i64, String, Option<String>) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if let Some(day) = first.as_deref().and_then(date) {
            out.entry(referrer).or_default().push(Movement { day, kind: Kind::Referral, points: REFERRAL_POINTS, note: format!("推荐 {name} 首次消费") });
        }
    }
    Ok(out)
}

/// One customer's ledger as of `d`.
pub fn ledger(conn: &Connection, customer: CustomerId, d: NaiveDate) -> Result<Ledger> {
    let movements = movements_where(conn, Some(customer))?.remove(&customer.0).unwrap_or_default();
    Ok(replay(movements, d))
}

/// Every customer's balance as of `d` (customers without points are absent).
pub fn all_balances(conn: &Connection, d: NaiveDate) -> Result<HashMap<i64, i64>> {
    Ok(movements_where(conn, None)?.into_iter().map(|(id, m)| (id, replay(m, d).balance)).collect())
}

/// The customers with points lapsing within 30 days of `d` (a campaign's reminder segment).
pub fn lapsing_customers(conn: &Connection, d: NaiveDate) -> Result<std::collections::HashSet<i64>> {
    Ok(movements_where(conn, None)?.into_iter().filter(|(_, m)| replay(m.clone(), d).expiring_30d > 0).map(|(id, _)| id).collect())
}

/// The balances of some customers as of `d`: one replay each for a
/// screenful, one pass over everyone for a large set.
pub fn balances_of(conn: &Connection, ids: &[CustomerId], d: NaiveDate) -> Result<HashMap<i64, i64>> {
    if ids.len() > 2_000 {
        return all_balances(conn, d);
    }
    ids.iter().map(|id| Ok((id.0, ledger(conn, *id, d)?.balance))).collect()
}

/// Redeems points today; more than the balance is refused.
pub fn redeem(conn: &mut Connection, clock: &Clock, by: StaffId, customer: CustomerId, points: i64, note: &str) -> Result<Ledger> {
    let tx = write_tx(conn)?;
    customers::get(&tx, customer)?;
    if points <= 0 {
        return Err(Error::invalid("points", "兑换的积分应大于 0"));
    }
    let note = note.trim();
    if note.is_empty() {
        return Err(Error::invalid("note", "请写明兑换了什么（如 面膜一盒）"));
    }
    let balance = ledger(&tx, customer, clock.today())?.balance;
    if points > balance {
        return Err(Error::invalid("points", format!("积分余额只有 {balance}，不能兑换 {points}")));
    }
    tx.execute(
        "INSERT INTO point_redemptions (uid, customer_id, day, points, note, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![new_uid(), customer.0, clock.today().to_string(), points, note, clock.now_utc(), by.0],
    )?;
    tx.commit()?;
    ledger(conn, customer, clock.today())
}

#[cfg(test)]
mod tests;
