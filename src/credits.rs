//! 抵扣 (SPEC §8): vouchers and points that pay part of an order. A credit
//! lowers what the order still owes — a voucher by its face value (never
//! below zero), points at the owner's rate in whole multiples — and is not
//! money: it is not a payment, earns no points and is not net spend, and a
//! refund gives back at most the money paid. Credits are kept like payments:
//! voided with a reason, never deleted; voiding one (or its order) gives the
//! voucher back and voids the points redemption it made.

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::consumption::{self, OrderId};
use crate::customers::CustomerId;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::staff::StaffId;
use crate::store::new_uid;
use crate::vouchers::{self, Status};

/// What the customer asks to use at a payment: vouchers by id, and points.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Asked {
    #[serde(default)]
    pub vouchers: Vec<i64>,
    #[serde(default)]
    pub points: i64,
}

impl Asked {
    pub fn is_empty(&self) -> bool {
        self.vouchers.is_empty() && self.points == 0
    }
}

/// One credit on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credit {
    pub id: i64,
    pub order_id: OrderId,
    pub date: String,
    pub kind: String,
    pub amount: Money,
    pub voucher_id: Option<i64>,
    pub points: Option<i64>,
    pub voided: bool,
}

/// What `points` pay at the owner's rate; refused unless a whole multiple.
pub fn points_value(rules: &crate::benefits::Benefits, points: i64) -> Result<Money> {
    if points < 0 {
        return Err(Error::invalid("points", "抵现的积分不能为负数"));
    }
    if points % rules.points_unit != 0 {
        return Err(Error::invalid("points", format!("积分抵现按 {} 分的整数倍使用（{} 分抵 ¥{}）", rules.points_unit, rules.points_unit, rules.points_value)));
    }
    rules.points_value.times(points / rules.points_unit).map_err(|why| Error::invalid("points", why))
}

/// Applies the vouchers, then the points, to an order on `date`, in the
/// caller's transaction; answers what they took off. Every check comes
/// before its write, and the caller's transaction takes all or nothing.
pub fn apply_tx(tx: &Connection, clock: &Clock, by: StaffId, customer: CustomerId, order: OrderId, date: NaiveDate, asked: &Asked) -> Result<Money> {
    if asked.is_empty() {
        return Ok(Money::ZERO);
    }
    let money = consumption::order_money(tx, order)?;
    let mut owed = money.owed;
    let mut credited = Money::ZERO;
    let mut seen = HashSet::new();
    for &id in &asked.vouchers {
        if !seen.insert(id) {
            return Err(Error::invalid("vouchers", "同一张券只能用一次"));
        }
        let v = usable_voucher(tx, clock, customer, id, date, money.total)?;
        if owed.fen() == 0 {
            return Err(Error::invalid("vouchers", "这张订单已经不欠款了，不需要再用券"));
        }
        let amount = v.face.min(owed);
        let credit = insert_credit(tx, clock, by, customer, order, date, Kind::Voucher(id), amount)?;
        tx.prepare_cached(
            "INSERT INTO voucher_events (voucher_id, what, on_date, order_id, credit_id, at, by_staff) VALUES (?1, 'redeemed', ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![id, date.to_string(), order.0, credit, clock.now_utc(), by.0])?;
        owed = owed - amount;
        credited = credited + amount;
    }
    if asked.points != 0 {
        let rules = crate::benefits::settings(tx)?;
        let value = points_value(&rules, asked.points)?;
        if value > owed {
            return Err(Error::invalid("points", format!("{} 积分抵 ¥{value}，超过这张订单还需付的 ¥{owed}", asked.points)));
        }
        let usable = usable_points(tx, clock, customer, date)?;
        if asked.points > usable {
            return Err(Error::invalid("points", format!("可用积分只有 {usable}，不能抵 {} 分", asked.points)));
        }
        tx.prepare_cached(
            "INSERT INTO point_redemptions (uid, customer_id, day, points, note, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![new_uid(), customer.0, date.to_string(), asked.points, format!("抵扣订单 ¥{value}"), clock.now_utc(), by.0])?;
        let redemption = tx.last_insert_rowid();
        insert_credit(tx, clock, by, customer, order, date, Kind::Points { points: asked.points, redemption }, value)?;
        credited = credited + value;
    }
    Ok(credited)
}

/// Points a customer can spend on `date`: what the ledger holds then, and no
/// more than it holds today (a back-dated redemption must not empty a later one).
pub fn usable_points(conn: &Connection, clock: &Clock, customer: CustomerId, date: NaiveDate) -> Result<i64> {
    let then = crate::points::ledger(conn, customer, date)?.balance;
    if date >= clock.today() {
        return Ok(then);
    }
    Ok(then.min(crate::points::ledger(conn, customer, clock.today())?.balance))
}

/// A voucher the customer may use on an order of `total` on `date`.
fn usable_voucher(conn: &Connection, clock: &Clock, customer: CustomerId, id: i64, date: NaiveDate, total: Money) -> Result<vouchers::Voucher> {
    let v = vouchers::get(conn, id, date)?;
    if v.customer_id != customer {
        return Err(Error::invalid("vouchers", "这张券不属于这位客户"));
    }
    if date < v.issued {
        return Err(Error::invalid("vouchers", format!("这张券 {} 才发放，不能用在更早的订单上", v.issued)));
    }
    match v.status {
        Status::Open => {}
        Status::Expired => return Err(Error::invalid("vouchers", format!("这张券 {} 已到期", v.valid_through))),
        other => return Err(Error::invalid("vouchers", format!("这张券{}", other.label()))),
    }
    // A voucher used or voided since (a back-dated order) is not usable back then either.
    let now = vouchers::get(conn, id, clock.today().max(date))?.status;
    if matches!(now, Status::Redeemed | Status::Voided) {
        return Err(Error::invalid("vouchers", format!("这张券{}", now.label())));
    }
    if date > v.valid_through {
        return Err(Error::invalid("vouchers", format!("这张券 {} 已到期", v.valid_through)));
    }
    if let Some(threshold) = v.threshold {
        if total < threshold {
            return Err(Error::invalid("vouchers", format!("这张券满 ¥{threshold} 可用，这张订单是 ¥{total}")));
        }
    }
    Ok(v)
}

enum Kind {
    Voucher(i64),
    Points { points: i64, redemption: i64 },
}

#[allow(clippy::too_many_arguments)]
fn insert_credit(tx: &Connection, clock: &Clock, by: StaffId, customer: CustomerId, order: OrderId, date: NaiveDate, kind: Kind, amount: Money) -> Result<i64> {
    let (kind, voucher, points, redemption) = match kind {
        Kind::Voucher(v) => ("voucher", Some(v), None, None),
        Kind::Points { points, redemption } => ("points", None, Some(points), Some(redemption)),
    };
    tx.prepare_cached(
        "INSERT INTO order_credits (uid, customer_id, order_id, credit_date, kind, amount_fen, voucher_id, points, redemption_id, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![new_uid(), customer.0, order.0, date.to_string(), kind, amount, voucher, points, redemption, clock.now_utc(), by.0])?;
    Ok(tx.last_insert_rowid())
}

/// What a credit just voided gave: the voucher back (a `released` line
/// dated today) or the points (its redemption voided with it).
pub fn release_tx(tx: &Connection, clock: &Clock, by: StaffId, credit: i64, reason: &str) -> Result<()> {
    let (voucher, redemption): (Option<i64>, Option<i64>) = tx
        .prepare_cached("SELECT voucher_id, redemption_id FROM order_credits WHERE id = ?1")?
        .query_row([credit], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((None, None));
    if let Some(v) = voucher {
        tx.prepare_cached(
            "INSERT INTO voucher_events (voucher_id, what, on_date, credit_id, reason, at, by_staff) VALUES (?1, 'released', ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![v, clock.today().to_string(), credit, reason, clock.now_utc(), by.0])?;
    }
    if let Some(r) = redemption {
        tx.prepare_cached("UPDATE point_redemptions SET voided_at = ?2, voided_by = ?3, void_reason = ?4 WHERE id = ?1 AND voided_at IS NULL")?
            .execute(params![r, clock.now_utc(), by.0, reason])?;
    }
    Ok(())
}

/// The live credits of an order, for a void of the order to release.
pub fn live_of_order(conn: &Connection, order: OrderId) -> Result<Vec<i64>> {
    let ids = conn
        .prepare_cached("SELECT id FROM order_credits WHERE order_id = ?1 AND voided_at IS NULL ORDER BY id")?
        .query_map([order.0], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Every credit of an order, oldest first.
pub fn of_order(conn: &Connection, order: OrderId) -> Result<Vec<Credit>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, order_id, credit_date, kind, amount_fen, voucher_id, points, voided_at IS NOT NULL FROM order_credits WHERE order_id = ?1 ORDER BY id",
        )?
        .query_map([order.0], |r| {
            Ok(Credit {
                id: r.get(0)?,
                order_id: OrderId(r.get(1)?),
                date: r.get(2)?,
                kind: r.get(3)?,
                amount: Money(r.get(4)?),
                voucher_id: r.get(5)?,
                points: r.get(6)?,
                voided: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests;
