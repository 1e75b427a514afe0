//! Catching up after facts arrive late (SPEC §5). The day's pass brings the
//! time-based calls up to a watermark, day by day; an import, a back-dated
//! entry or a void can then change what the days already passed imply. For
//! the customers such a write touched, inside its transaction:
//! - every birthday, dormant and no-deal call that the facts now imply for
//!   the days from the horizon through the watermark exists once (imported
//!   history due before today as `historical`), and the open ones no longer
//!   implied are cancelled;
//! - open dormant, no-deal and no-show calls of a customer who has visited
//!   since are cancelled;
//! - their appointments stand as their visit days say (arrived or 爽约).
//!
//! Only the customers touched are read; a large import reads the clinic's
//! facts in one pass instead of one customer at a time.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::clock::Clock;
use crate::customers::CustomerId;
use crate::error::{Error, Result};
use crate::followups::{self, add_days, Kind, NewTask, TaskStatus};
use crate::visits::{self, FactTable};

/// Above this many customers, one pass over the clinic's facts is cheaper
/// than a few index seeks per customer.
const ONE_PASS_FROM: usize = 2_000;

/// The customers a write touched.
#[derive(Debug, Default, Clone)]
pub struct Touched(BTreeSet<CustomerId>);

impl Touched {
    pub fn add(&mut self, c: CustomerId) {
        self.0.insert(c);
    }

    pub fn one(c: CustomerId) -> Touched {
        let mut t = Touched::default();
        t.add(c);
        t
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What catching up needs of one customer.
struct Person {
    id: CustomerId,
    birthday: Option<NaiveDate>,
    opted_out: bool,
    /// Visit days, oldest first.
    visits: Vec<NaiveDate>,
}

impl Person {
    fn visited_on(&self, d: NaiveDate) -> bool {
        self.visits.binary_search(&d).is_ok()
    }

    fn visited_after(&self, d: NaiveDate) -> bool {
        self.visits.last().is_some_and(|last| *last > d)
    }
}

/// An open or cancelled time-based call of a touched customer.
struct Existing {
    id: i64,
    kind: Kind,
    due: NaiveDate,
    anchor: NaiveDate,
    status: TaskStatus,
}

/// The day's pass: brings the time-based calls up to `d` and closes the
/// appointment days that have ended (never a day still to come, even when the
/// list for a later date is asked for), in one transaction. Running it twice,
/// or for an earlier date, changes nothing.
pub fn day_pass(conn: &mut Connection, clock: &Clock, d: NaiveDate) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    crate::appointments::close_days_before(&tx, clock, d.min(clock.today()))?;
    followups::materialize_tx(&tx, clock, d)?;
    tx.commit()?;
    Ok(())
}

/// Brings the touched customers' calls and appointments in line with their
/// facts. `history`: the write was an import, so calls it brings that were due
/// before today are kept as `historical` (SPEC §5), not shown as open.
pub fn customers(conn: &Connection, clock: &Clock, touched: &Touched, history: bool) -> Result<()> {
    customers_via(conn, clock, touched, history, touched.len() >= ONE_PASS_FROM)
}

/// [`customers`], reading the facts in one pass over the clinic or customer by customer.
fn customers_via(conn: &Connection, clock: &Clock, touched: &Touched, history: bool, one_pass: bool) -> Result<()> {
    if touched.is_empty() {
        return Ok(());
    }
    let horizon = followups::horizon(conn, clock)?;
    let watermark = followups::watermark(conn)?;
    let people = load_people(conn, clock, touched, one_pass)?;
    let mut calls = load_calls(conn, touched, one_pass)?;
    let no_deal_days = match watermark {
        Some(w) => no_deal_days(conn, touched, add_days(horizon, -7), add_days(w, -1), one_pass)?,
        None => HashMap::new(),
    };
    let with_appointments = with_appointments(conn, clock, one_pass)?;
    let mut open_orders = open_orders(conn, touched, one_pass)?;
    let package_days = crate::prepaid::package_days(conn)?;
    issue_referral_vouchers(conn, clock, touched, one_pass)?;
    for p in &people {
        if let Some(w) = watermark {
            let existing = calls.remove(&p.id).unwrap_or_default();
            let days = no_deal_days.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
            let orders = open_orders.remove(&p.id).unwrap_or_default();
            let window = Window { horizon, watermark: w, package_days };
            reconcile_calls(conn, clock, p, &existing, days, &orders, window, history)?;
        }
        if with_appointments.as_ref().is_none_or(|w| w.contains(&p.id)) {
            crate::appointments::settle_customer(conn, clock, p.id, |d| p.visited_on(d))?;
        }
    }
    Ok(())
}

/// The referral vouchers the touched customers' first payments earn (SPEC §8).
fn issue_referral_vouchers(conn: &Connection, clock: &Clock, touched: &Touched, one_pass: bool) -> Result<()> {
    if one_pass {
        let referred = crate::vouchers::referred_customers(conn)?;
        crate::vouchers::issue_referrals(conn, clock, touched.0.iter().copied().filter(|c| referred.contains(c)))?;
    } else {
        crate::vouchers::issue_referrals(conn, clock, touched.0.iter().copied())?;
    }
    Ok(())
}

/// In one pass: the customers with an appointment that a visit day could
/// settle (so the others are not asked one by one); customer by customer, None.
fn with_appointments(conn: &Connection, clock: &Clock, one_pass: bool) -> Result<Option<HashSet<CustomerId>>> {
    if !one_pass {
        return Ok(None);
    }
    let ids = conn
        .prepare("SELECT DISTINCT customer_id FROM appointments WHERE day <= ?1 AND status IN ('booked', 'arrived', 'no_show')")?
        .query_map([clock.today().to_string()], |r| r.get(0).map(CustomerId))?
        .collect::<rusqlite::Result<HashSet<_>>>()?;
    Ok(Some(ids))
}

/// The days calls are reconciled for, and the owner's P for package calls.
#[derive(Clone, Copy)]
struct Window {
    horizon: NaiveDate,
    watermark: NaiveDate,
    package_days: i64,
}

/// The touched customers' live orders with sessions left.
fn open_orders(conn: &Connection, touched: &Touched, one_pass: bool) -> Result<HashMap<CustomerId, Vec<crate::prepaid::OpenOrder>>> {
    let found = if one_pass {
        crate::prepaid::open_orders(conn, None)?.into_iter().filter(|o| touched.0.contains(&o.customer)).collect()
    } else {
        let mut all = Vec::new();
        for &c in &touched.0 {
            all.extend(crate::prepaid::open_orders(conn, Some(c))?);
        }
        all
    };
    let mut out: HashMap<CustomerId, Vec<crate::prepaid::OpenOrder>> = HashMap::new();
    for o in found {
        out.entry(o.customer).or_default().push(o);
    }
    Ok(out)
}

/// The calls the facts imply for [horizon, watermark], made or reopened; the
/// open ones they no longer imply cancelled; the return rule applied.
#[allow(clippy::too_many_arguments)]
fn reconcile_calls(
    conn: &Connection,
    clock: &Clock,
    p: &Person,
    existing: &[Existing],
    no_deal_days: &[followups::NoDealDay],
    orders: &[crate::prepaid::OpenOrder],
    window: Window,
    history: bool,
) -> Result<()> {
    let Window { horizon, watermark, package_days } = window;
    if p.opted_out {
        // Every open marketing call goes at once, not only the time-based ones (SPEC §5).
        conn.prepare_cached(
            "UPDATE tasks SET status = 'cancelled', cancel_reason = '客户不接受营销'
             WHERE customer_id = ?1 AND status = 'open' AND kind IN ('no_deal', 'repurchase', 'dormant', 'birthday', 'campaign')",
        )?
        .execute([p.id.0])?;
    }
    let mut wanted: Vec<NewTask> = Vec::new();
    if !p.opted_out {
        if let Some(born) = p.birthday {
            wanted.extend(followups::birthday_calls(p.id, born, p.visits.first().copied(), horizon, watermark, history));
        }
        wanted.extend(followups::dormant_calls(p.id, p.visits.last().copied(), horizon, watermark, history));
        for day in no_deal_days {
            wanted.extend(followups::no_deal_calls(day, horizon));
        }
    }
    // The customer has paid for these sessions: not marketing (SPEC §5).
    for o in orders {
        wanted.extend(followups::package_calls(o, package_days, horizon, watermark, history));
    }
    for t in &wanted {
        let returned = matches!(t.kind, Kind::Dormant | Kind::NoDeal) && p.visited_after(t.anchor);
        let Some(u) = followups::upsert_task(conn, clock, t)? else { continue };
        if u.status == TaskStatus::Cancelled && !returned {
            followups::reopen(conn, u.id, u.fresh_status)?;
        }
        // A dormant day reached again from an earlier visit (the later one
        // voided) counts its days from that visit now.
        if t.kind == Kind::Dormant && existing.iter().any(|e| e.id == u.id && e.anchor != t.anchor) {
            followups::set_anchor(conn, u.id, t.anchor)?;
        }
    }
    let is_wanted = |e: &Existing| wanted.iter().any(|w| w.kind == e.kind && w.due == e.due);
    for e in existing.iter().filter(|e| e.status == TaskStatus::Open) {
        let in_scope = match e.kind {
            Kind::Birthday | Kind::Dormant | Kind::Package => e.due >= horizon && e.due <= watermark,
            Kind::NoDeal => e.anchor >= add_days(horizon, -7) && e.anchor < watermark,
            _ => false,
        };
        let returned = matches!(e.kind, Kind::Dormant | Kind::NoDeal | Kind::NoShow) && p.visited_after(e.anchor);
        if returned {
            followups::cancel(conn, e.id, "客户已再次到院")?;
        } else if in_scope && !is_wanted(e) {
            let why = if e.kind == Kind::Package {
                "疗程已有新的划扣，或已做完、退款"
            } else if p.opted_out {
                "客户不接受营销"
            } else {
                "到院或消费记录有更正，这通电话已不需要"
            };
            followups::cancel(conn, e.id, why)?;
        }
    }
    Ok(())
}

fn load_people(conn: &Connection, clock: &Clock, touched: &Touched, one_pass: bool) -> Result<Vec<Person>> {
    let through = clock.today();
    let mut people = Vec::with_capacity(touched.len());
    if !one_pass {
        let mut stmt = conn.prepare_cached("SELECT birthday, marketing_opt_out FROM customers WHERE id = ?1")?;
        for &id in &touched.0 {
            let (birthday, opted_out): (Option<String>, bool) = stmt.query_row([id.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let visits = visits::visit_days(conn, id, through)?;
            people.push(Person { id, birthday: birthday.and_then(|t| date(&t).ok()), opted_out, visits });
        }
        return Ok(people);
    }
    let table = FactTable::load(conn, through)?;
    let mut stmt = conn.prepare("SELECT id, birthday, marketing_opt_out FROM customers ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut slot = 0;
    while let Some(r) = rows.next()? {
        let id = CustomerId(r.get(0)?);
        while slot < table.ids.len() && table.ids[slot] < id.0 {
            slot += 1;
        }
        if !touched.0.contains(&id) {
            continue;
        }
        let birthday: Option<String> = r.get(1)?;
        let visits = if table.ids.get(slot) == Some(&id.0) { table.visits[slot].iter().filter_map(|n| visits::key_date(*n)).collect() } else { Vec::new() };
        people.push(Person { id, birthday: birthday.and_then(|t| date(&t).ok()), opted_out: r.get(2)?, visits });
    }
    Ok(people)
}

const CALL_KINDS: &str = "('birthday', 'dormant', 'no_deal', 'no_show', 'package')";

/// The touched customers' open and cancelled time-based calls.
fn load_calls(conn: &Connection, touched: &Touched, one_pass: bool) -> Result<HashMap<CustomerId, Vec<Existing>>> {
    let mut out: HashMap<CustomerId, Vec<Existing>> = HashMap::new();
    let mut push = |customer: i64, id: i64, kind: Kind, due: String, anchor: Option<String>, status: TaskStatus| -> Result<()> {
        let customer = CustomerId(customer);
        if !touched.0.contains(&customer) {
            return Ok(());
        }
        let due = date(&due)?;
        let anchor = anchor.as_deref().map(date).transpose()?.unwrap_or(due);
        out.entry(customer).or_default().push(Existing { id, kind, due, anchor, status });
        Ok(())
    };
    let columns = "customer_id, id, kind, due, anchor, status";
    if !one_pass {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {columns} FROM tasks WHERE customer_id = ?1 AND kind IN {CALL_KINDS} AND status IN ('open', 'cancelled')"
        ))?;
        for c in &touched.0 {
            let mut rows = stmt.query([c.0])?;
            while let Some(r) = rows.next()? {
                push(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)?;
            }
        }
    } else {
        let mut stmt = conn.prepare(&format!("SELECT {columns} FROM tasks WHERE kind IN {CALL_KINDS} AND status IN ('open', 'cancelled')"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            push(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)?;
        }
    }
    Ok(out)
}

fn no_deal_days(conn: &Connection, touched: &Touched, first: NaiveDate, last: NaiveDate, one_pass: bool) -> Result<HashMap<CustomerId, Vec<followups::NoDealDay>>> {
    let found = if !one_pass {
        let mut all = Vec::new();
        for &c in &touched.0 {
            all.extend(followups::no_deal_days(conn, first, last, Some(c))?);
        }
        all
    } else {
        followups::no_deal_days(conn, first, last, None)?.into_iter().filter(|d| touched.0.contains(&d.customer)).collect()
    };
    let mut out: HashMap<CustomerId, Vec<followups::NoDealDay>> = HashMap::new();
    for d in found {
        out.entry(d.customer).or_default().push(d);
    }
    Ok(out)
}

fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| Error::Config(format!("日期「{text}」无法读取")))
}

#[cfg(test)]
mod tests;
