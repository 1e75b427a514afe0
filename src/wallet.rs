//! What a customer holds at the desk (SPEC §8): open vouchers, points and
//! what they can pay, this month's entitlements left, and what is about to
//! lapse (points within 30 days, vouchers within 14). The desk card, the
//! order form and the call list read it; using an entitlement is one action
//! that records the free session.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::benefits::{self, Benefits};
use crate::clock::Clock;
use crate::consumption::{self, NewLine, NewOrder, OrderId};
use crate::customers::CustomerId;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::points::Lapse;
use crate::staff::StaffId;
use crate::tiers::Membership;
use crate::vouchers::{self, Status, Voucher};

/// Open vouchers lapsing within this many days are called out.
pub const VOUCHER_REMINDER_DAYS: u64 = 14;

/// A monthly entitlement and what is left of it this calendar month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntitlementLeft {
    pub item: String,
    pub times: i64,
    pub used: i64,
    pub left: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Wallet {
    pub date: NaiveDate,
    /// The membership as of the day before, which decides the entitlements.
    pub membership: Membership,
    pub membership_label: &'static str,
    /// Open vouchers as of the date, the soonest to lapse first.
    pub vouchers: Vec<Voucher>,
    pub points: i64,
    /// Points usable as money on the date, in whole multiples of the owner's unit.
    pub points_usable: i64,
    /// What those points pay.
    pub points_pay: Money,
    pub points_unit: i64,
    pub points_value: Money,
    pub points_lapsing: Vec<Lapse>,
    pub entitlements: Vec<EntitlementLeft>,
    /// The reminders in the desk's words (积分 N 将于 D 到期 …).
    pub reminders: Vec<String>,
}

fn points_reminder(l: &Lapse) -> String {
    format!("积分 {} 将于 {} 到期", l.points, l.on)
}

fn voucher_reminder(face: Money, last: NaiveDate) -> String {
    format!("{} 券有效期至 {}", face.as_yuan_text(), last)
}

/// The last valid day up to which an open voucher is called out on `d`.
pub fn voucher_reminder_until(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(VOUCHER_REMINDER_DAYS)).unwrap_or(d)
}

/// The reminders of many customers on `d` (the call list): open vouchers
/// about to lapse from one query, and the points ledger replayed only for
/// customers who earned points that could lapse within 30 days.
pub fn reminders_for(conn: &Connection, ids: &[i64], d: NaiveDate) -> Result<HashMap<i64, Vec<String>>> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    // Points earned on e lapse at e + 365: within (d, d + 30] when e is in [d − 364, d − 335].
    let (from, to) = (d - Days::new(364), d - Days::new(335));
    let mut earned_then = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM payments INDEXED BY payments_live WHERE customer_id = ?1 AND voided_at IS NULL AND pay_date BETWEEN ?2 AND ?3)
             OR EXISTS (SELECT 1 FROM customers r JOIN payments p ON p.customer_id = r.id AND p.voided_at IS NULL
                        WHERE r.referrer_id = ?1 AND p.pay_date BETWEEN ?2 AND ?3)",
    )?;
    for &id in ids {
        if earned_then.query_row(params![id, from.to_string(), to.to_string()], |r| r.get::<_, bool>(0))? {
            let lapsing = crate::points::ledger(conn, CustomerId(id), d)?.lapsing;
            if !lapsing.is_empty() {
                out.entry(id).or_default().extend(lapsing.iter().map(points_reminder));
            }
        }
    }
    let wanted: std::collections::HashSet<i64> = ids.iter().copied().collect();
    for (customer, face, last) in vouchers::lapsing(conn, d, voucher_reminder_until(d))? {
        if wanted.contains(&customer) {
            out.entry(customer).or_default().push(voucher_reminder(face, last));
        }
    }
    Ok(out)
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let next = if d.month() == 12 { NaiveDate::from_ymd_opt(d.year() + 1, 1, 1) } else { NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1) };
    next.and_then(|n| n.pred_opt()).unwrap_or(d)
}

fn day_before(d: NaiveDate) -> NaiveDate {
    d.pred_opt().unwrap_or(d)
}

/// Free sessions of `item` the customer had in `date`'s calendar month: live
/// order lines of it at ¥0 (an entitlement used, however it was entered).
fn free_sessions_in_month(conn: &Connection, customer: CustomerId, item: &str, date: NaiveDate) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(l.sessions), 0) FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN items i ON i.id = l.item_id
             WHERE o.customer_id = ?1 AND o.voided_at IS NULL AND i.name = ?2 AND l.price_fen = 0 AND o.order_date BETWEEN ?3 AND ?4",
        )?
        .query_row(params![customer.0, item, first_of_month(date).to_string(), last_of_month(date).to_string()], |r| r.get(0))?)
}

/// The entitlements of a membership and what is left of each in `date`'s month.
fn entitlements_left(conn: &Connection, rules: &Benefits, customer: CustomerId, m: Membership, date: NaiveDate) -> Result<Vec<EntitlementLeft>> {
    let mut out = Vec::new();
    // Memberships are ordered best first: 星钻 < … < 非会员.
    for e in rules.entitlements.iter().filter(|e| m <= e.from) {
        let used = free_sessions_in_month(conn, customer, &e.item, date)?;
        out.push(EntitlementLeft { item: e.item.clone(), times: e.times, used, left: (e.times - used).max(0) });
    }
    Ok(out)
}

/// What the customer holds on `date`.
pub fn of_customer(conn: &Connection, clock: &Clock, customer: CustomerId, date: NaiveDate) -> Result<Wallet> {
    crate::customers::get(conn, customer)?;
    let rules = benefits::settings(conn)?;
    let tiers = crate::tiers::rules(conn)?;
    let membership = benefits::membership_on(conn, &tiers, customer, day_before(date))?;
    let mut open: Vec<Voucher> = vouchers::of_customer(conn, customer, date)?.into_iter().filter(|v| v.status == Status::Open).collect();
    open.sort_by_key(|v| (v.valid_through, v.id));
    let ledger = crate::points::ledger(conn, customer, date)?;
    let usable = crate::credits::usable_points(conn, clock, customer, date)?;
    let points_usable = usable - usable % rules.points_unit;
    let points_pay = crate::credits::points_value(&rules, points_usable)?;
    let mut reminders: Vec<String> = ledger.lapsing.iter().map(points_reminder).collect();
    let soon = voucher_reminder_until(date);
    reminders.extend(open.iter().filter(|v| v.valid_through <= soon).map(|v| voucher_reminder(v.face, v.valid_through)));
    Ok(Wallet {
        date,
        membership,
        membership_label: membership.label(),
        entitlements: entitlements_left(conn, &rules, customer, membership, date)?,
        vouchers: open,
        points: ledger.balance,
        points_usable,
        points_pay,
        points_unit: rules.points_unit,
        points_value: rules.points_value,
        points_lapsing: ledger.lapsing,
        reminders,
    })
}

/// Uses one of this month's entitlements today, in the caller's transaction:
/// an order of the item at ¥0 with its session executed today (so a visit
/// day). Refused when the membership has no such entitlement or it is used up.
/// [`crate::desk::use_entitlement`] is the desk's.
pub fn use_entitlement_in(tx: &Connection, clock: &Clock, by: StaffId, customer: CustomerId, item: &str) -> Result<OrderId> {
    let today = clock.today();
    let rules = benefits::settings(tx)?;
    let tiers = crate::tiers::rules(tx)?;
    let membership = benefits::membership_on(tx, &tiers, customer, day_before(today))?;
    let left = entitlements_left(tx, &rules, customer, membership, today)?
        .into_iter()
        .find(|e| e.item == item)
        .ok_or_else(|| Error::invalid("item", format!("{}没有「{item}」这项每月权益", membership.label())))?;
    if left.left == 0 {
        return Err(Error::invalid("item", format!("本月的「{item}」已用完（每月 {} 次）", left.times)));
    }
    let item = crate::items::ensure(tx, clock, by, item, None)?;
    let order = NewOrder {
        customer_id: customer,
        date: today,
        lines: vec![NewLine { item_id: item.id, sessions: 1, list_price: item.list_price.unwrap_or(Money::ZERO), price: Money::ZERO }],
        consultant: None,
        doctor: None,
        note: Some(format!("会员每月权益（{}）", membership.label())),
        order_no: None,
        arrival_id: None,
        import_key: None,
    };
    let (order_id, lines) = consumption::insert_order_tx(tx, clock, by, &order)?;
    // The line was just written with one session, today.
    consumption::write_execution(tx, clock, by, customer, lines[0], today, 1, None, None)?;
    Ok(order_id)
}

#[cfg(test)]
mod tests;
