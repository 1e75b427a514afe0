//! The owner's analyses (经营分析, SPEC §10), computed from the same facts as
//! the monthly report ([`FactTable`]: one set of visit days, one net spend):
//! which channels bring customers who come back, what the lost ones cost,
//! how often customers come and what the frequent ones are worth.
//!
//! Work in progress for issue 20: every key of §10 is computed here. Still
//! to come: the owner's acquisition costs (stored and imported), the
//! command line, the exports and the screen.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use rusqlite::Connection;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::money::Money;
use crate::report::Month;
use crate::visits::{day_key, FactTable};

/// A blank channel or consultant.
pub const UNNAMED: &str = "未填";

/// The industry figures seed 003 quotes for visit frequency: 1–2, 3–5, 6+.
pub const INDUSTRY: [(&str, &str); 3] = [("1-2", "0.35"), ("3-5", "0.57"), ("6+", "0.08")];

/// The months analysed and the day they end (the last day of `to`, or today if earlier).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
    pub end: NaiveDate,
}

impl Period {
    pub fn new(from: Month, to: Month, today: NaiveDate) -> Result<Period> {
        if to < from {
            return Err(Error::Config(format!("结束月份 {} 早于开始月份 {}", to.key(), from.key())));
        }
        Ok(Period { from, to, end: to.last_day().min(today) })
    }

    fn first_day(self) -> i32 {
        day_key(self.from.first_day())
    }

    fn last_day(self) -> i32 {
        day_key(self.to.last_day())
    }
}

/// What the owner spent to win customers, per (month `YYYY-MM`, channel).
pub type Costs = HashMap<(String, String), Money>;

/// One channel's new customers (SPEC §10 `by_channel`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelRow {
    pub new_customers: i64,
    pub matured: i64,
    pub returned_90d: i64,
    pub return_rate_90d: Option<f64>,
    pub spend_first_365: Money,
    pub acquisition_cost: Option<Money>,
    pub cost_per_new: Option<Money>,
    pub cost_per_returned: Option<Money>,
}

/// Customers by their number of visit days in the 365 days to the end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub customers: i64,
    pub avg_spend_365: Money,
    pub referral_rate: Option<f64>,
}

/// A frequency band beside the industry's share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub customers: i64,
    pub share: Option<f64>,
    pub industry: f64,
}

/// New customers of the period who matured and never came back (生存账).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lost {
    pub customers: i64,
    pub lost_cost: Option<Money>,
}

/// One consultant's new customers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsultantRow {
    pub new_customers: i64,
    pub matured: i64,
    pub returned_90d: i64,
    pub return_rate_90d: Option<f64>,
    pub spend: Money,
}

/// One staff member's calls due in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallerRow {
    /// Every call they recorded on those tasks (未接通 and 改期 included).
    pub closed: i64,
    /// Tasks they closed as done, as the monthly report counts done (§6).
    pub done: i64,
    /// Of those, closed on or before the due date.
    pub on_time: i64,
}

/// The analyses of SPEC §10.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub from: String,
    pub to: String,
    pub end: String,
    pub by_channel: BTreeMap<String, ChannelRow>,
    pub by_visit_count: BTreeMap<String, Bucket>,
    pub frequency: BTreeMap<String, Band>,
    pub lost_new: Lost,
    pub by_consultant: BTreeMap<String, ConsultantRow>,
    pub by_caller: BTreeMap<String, CallerRow>,
}

/// Per staff member, the calls due in the period: every call recorded, the
/// tasks closed as done (reached, sent, unreachable, escalate) and on time.
fn by_caller(conn: &Connection, period: Period) -> Result<BTreeMap<String, CallerRow>> {
    let (from, to) = (period.from.first_day().to_string(), period.to.last_day().to_string());
    let mut out: BTreeMap<String, CallerRow> = BTreeMap::new();
    let mut calls = conn.prepare(
        "SELECT s.name, count(*) FROM task_attempts a JOIN tasks t ON t.id = a.task_id JOIN staff s ON s.id = a.by_staff
         WHERE t.due BETWEEN ?1 AND ?2 AND t.status NOT IN ('historical', 'cancelled') GROUP BY s.name",
    )?;
    for r in calls.query_map([&from, &to], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (name, n) = r?;
        out.entry(name).or_insert(CallerRow { closed: 0, done: 0, on_time: 0 }).closed = n;
    }
    let mut done = conn.prepare(
        "SELECT s.name, count(*), coalesce(sum(t.closed_on <= t.due), 0) FROM tasks t JOIN staff s ON s.id = t.closed_by
         WHERE t.due BETWEEN ?1 AND ?2 AND t.status IN ('reached', 'sent', 'unreachable', 'escalate') GROUP BY s.name",
    )?;
    for r in done.query_map([&from, &to], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))? {
        let (name, n, on_time) = r?;
        let row = out.entry(name).or_insert(CallerRow { closed: 0, done: 0, on_time: 0 });
        row.done = n;
        row.on_time = on_time;
    }
    Ok(out)
}

/// A customer's attributes the analyses group by.
struct Who {
    channel: String,
    consultant: String,
    referrer: Option<i64>,
}

fn named(text: Option<String>) -> String {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).unwrap_or_else(|| UNNAMED.into())
}

fn plus(key: i32, n: u64) -> i32 {
    crate::visits::key_date(key).and_then(|d| d.checked_add_days(Days::new(n))).map(day_key).unwrap_or(i32::MAX)
}

/// An amount shared out over `n`, rounded half-up to the fen (None for n ≤ 0).
fn per(amount: Money, n: i64) -> Option<Money> {
    amount.share(1, n)
}

/// The bucket of SPEC §10 `by_visit_count` for a number of visit days.
pub fn visit_bucket(n: usize) -> &'static str {
    match n {
        0 | 1 => "1",
        2 => "2",
        3 | 4 => "3-4",
        _ => "5+",
    }
}

/// The band of SPEC §10 `frequency` for a number of visit days.
pub fn frequency_band(n: usize) -> &'static str {
    match n {
        0..=2 => "1-2",
        3..=5 => "3-5",
        _ => "6+",
    }
}

/// A new customer's first 90 days, as far as the end allows.
struct NewCustomer {
    matured: bool,
    returned: bool,
}

fn first_90_days(visits: &[i32], first: i32, end: i32) -> NewCustomer {
    let day_90 = plus(first, 90);
    let matured = day_90 <= end;
    let returned = matured && visits.iter().any(|d| *d > first && *d <= day_90);
    NewCustomer { matured, returned }
}

/// Every analysis of SPEC §10 built so far, for the period, with the owner's costs.
pub fn analyse(conn: &Connection, period: Period, costs: &Costs) -> Result<Analysis> {
    let table = FactTable::load(conn, period.end)?;
    let mut who: HashMap<i64, Who> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, channel, consultant, referrer_id FROM customers")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        who.insert(r.get(0)?, Who { channel: named(r.get(1)?), consultant: named(r.get(2)?), referrer: r.get(3)? });
    }
    let (start, last, end) = (period.first_day(), period.last_day(), day_key(period.end));
    let window_start = day_key(crate::visits::window_365_start(period.end));
    let spend_between = |i: usize, from: i32, to: i32| -> Money {
        Money(table.money[i].iter().filter(|(d, _)| *d >= from && *d <= to).map(|(_, fen)| fen).sum())
    };

    // Who referred someone whose first visit day is in the 365 days to the end.
    let mut referred_recently: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for (i, id) in table.ids.iter().enumerate() {
        let first = table.visits[i].first().copied();
        if first.is_some_and(|f| f >= window_start && f <= end) {
            if let Some(r) = who.get(id).and_then(|w| w.referrer) {
                referred_recently.insert(r);
            }
        }
    }

    let mut by_channel: BTreeMap<String, ChannelRow> = BTreeMap::new();
    let mut by_consultant: BTreeMap<String, ConsultantRow> = BTreeMap::new();
    let mut buckets: BTreeMap<&str, (i64, Money, i64)> = BTreeMap::new();
    let mut bands: BTreeMap<&str, i64> = BTreeMap::new();
    let mut lost = 0;
    let mut new_total = 0;
    for (i, id) in table.ids.iter().enumerate() {
        let visits = &table.visits[i];
        let Some(w) = who.get(id) else { continue };
        if let Some(&first) = visits.first().filter(|f| **f >= start && **f <= last) {
            let n = first_90_days(visits, first, end);
            new_total += 1;
            lost += i64::from(n.matured && !n.returned);
            let c = by_channel.entry(w.channel.clone()).or_insert_with(|| ChannelRow {
                new_customers: 0,
                matured: 0,
                returned_90d: 0,
                return_rate_90d: None,
                spend_first_365: Money::ZERO,
                acquisition_cost: None,
                cost_per_new: None,
                cost_per_returned: None,
            });
            c.new_customers += 1;
            c.matured += i64::from(n.matured);
            c.returned_90d += i64::from(n.returned);
            c.spend_first_365 = c.spend_first_365 + spend_between(i, first, plus(first, 364).min(end));
            let k = by_consultant.entry(w.consultant.clone()).or_insert_with(|| ConsultantRow {
                new_customers: 0,
                matured: 0,
                returned_90d: 0,
                return_rate_90d: None,
                spend: Money::ZERO,
            });
            k.new_customers += 1;
            k.matured += i64::from(n.matured);
            k.returned_90d += i64::from(n.returned);
            k.spend = k.spend + spend_between(i, start, last.min(end));
        }
        let recent = visits.iter().filter(|d| **d >= window_start && **d <= end).count();
        if recent > 0 {
            let b = buckets.entry(visit_bucket(recent)).or_insert((0, Money::ZERO, 0));
            b.0 += 1;
            b.1 = b.1 + spend_between(i, window_start, end);
            b.2 += i64::from(referred_recently.contains(id));
            *bands.entry(frequency_band(recent)).or_default() += 1;
        }
    }
    let months: Vec<String> = (0..).map(|k| period.from.plus(k)).take_while(|m| *m <= period.to).map(|m| m.key()).collect();
    let cost_of = |channel: Option<&str>| -> Option<Money> {
        let found: Vec<Money> = costs
            .iter()
            .filter(|((month, ch), _)| months.contains(month) && channel.is_none_or(|c| c == ch))
            .map(|(_, m)| *m)
            .collect();
        (!found.is_empty()).then(|| found.into_iter().sum())
    };
    for (channel, row) in &mut by_channel {
        row.return_rate_90d = crate::report::rate(row.returned_90d, row.matured);
        row.acquisition_cost = cost_of(Some(channel));
        row.cost_per_new = row.acquisition_cost.and_then(|c| per(c, row.new_customers));
        row.cost_per_returned = row.acquisition_cost.and_then(|c| per(c, row.returned_90d));
    }
    for row in by_consultant.values_mut() {
        row.return_rate_90d = crate::report::rate(row.returned_90d, row.matured);
    }
    let in_window: i64 = bands.values().sum();
    let by_visit_count = ["1", "2", "3-4", "5+"]
        .into_iter()
        .map(|k| {
            let (customers, spend, referrers) = buckets.get(k).copied().unwrap_or((0, Money::ZERO, 0));
            let avg = per(spend, customers).unwrap_or(Money::ZERO);
            (k.to_string(), Bucket { customers, avg_spend_365: avg, referral_rate: crate::report::rate(referrers, customers) })
        })
        .collect();
    let frequency = INDUSTRY
        .into_iter()
        .map(|(k, industry)| {
            let customers = bands.get(k).copied().unwrap_or(0);
            let industry = industry.parse().unwrap_or(0.0);
            (k.to_string(), Band { customers, share: crate::report::rate(customers, in_window), industry })
        })
        .collect();
    // That count × the period's cost ÷ its new customers, rounded once.
    let lost_cost = cost_of(None).and_then(|total| total.share(lost, new_total));
    Ok(Analysis {
        from: period.from.key(),
        to: period.to.key(),
        end: period.end.to_string(),
        by_channel,
        by_visit_count,
        frequency,
        lost_new: Lost { customers: lost, lost_cost },
        by_consultant,
        by_caller: by_caller(conn, period)?,
    })
}

#[cfg(test)]
mod tests;
